"""TerraPrompt QGIS plugin entry point (the folder is installed as 'terraprompt')."""


def classFactory(iface):  # noqa: N802 (QGIS API name)
    """Create the plugin; ``iface`` is None under qgis_process.

    Before anything imports numpy/rasterio/onnxruntime, the plugin-private
    dependency folder of this Python is put on sys.path and PROJ's data folder
    is made known to pyproj, so a stock QGIS finds what the installer added.
    """
    from .plugin.bootstrap import bootstrap

    bootstrap()
    from .plugin.plugin import TerraPromptPlugin

    return TerraPromptPlugin(iface)
