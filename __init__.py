"""TerraPrompt QGIS plugin entry point (the folder is installed as 'terraprompt')."""


def classFactory(iface):  # noqa: N802 (QGIS API name)
    """Create the plugin; ``iface`` is None under qgis_process."""
    from .plugin.plugin import TerraPromptPlugin

    return TerraPromptPlugin(iface)
