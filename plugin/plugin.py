"""TerraPrompt plugin shell: Processing provider, toolbar button, menu entry and dock."""
from __future__ import annotations

import os

from qgis.core import QgsApplication

from .core.catalog import PLUGIN_ROOT
from .i18n import install_translator, remove_translator, tr


class TerraPromptPlugin:
    """Registered by classFactory; ``iface`` is None under qgis_process (Processing only)."""

    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider = None
        self.action = None
        self.dock = None
        self.missing_item = None  # the message bar's 'missing ...' item, removed once the Setup tab installed them
        install_translator(PLUGIN_ROOT)

    def initProcessing(self) -> None:  # noqa: N802
        """Register the Processing provider (also called by qgis_process) and apply the CPU thread setting, so
        Processing runs use it before the dock was ever opened."""
        from .gui import settings

        settings.apply_threads()
        if self.provider is None:
            from .algorithms.provider import TerraPromptProvider

            self.provider = TerraPromptProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802
        """Provider plus, with a desktop, a toolbar button and menu entry that toggle the dock."""
        self.initProcessing()
        if self.iface is None:
            return
        from qgis.PyQt.QtGui import QIcon
        from qgis.PyQt.QtWidgets import QAction

        self.action = QAction(QIcon(os.path.join(PLUGIN_ROOT, "resources", "icon.png")), tr("TerraPrompt"), self.iface.mainWindow())
        self.action.setObjectName("terrapromptToggleDock")
        self.action.setCheckable(True)
        self.action.setToolTip(tr("Show or hide the TerraPrompt panel"))
        self.action.toggled.connect(self.toggle_dock)
        self.iface.addToolBarIcon(self.action)
        self.iface.addPluginToRasterMenu(tr("&TerraPrompt"), self.action)
        self.announce_missing_dependencies()

    def announce_missing_dependencies(self) -> str:
        """Say in the message bar what is missing, with a button to the Setup tab (after a QGIS upgrade, that QGIS's Python
        changed; a folder left by another Python alone is no reason to warn: nothing needs installing)."""
        from .bootstrap import STATE
        from .core import deps

        self.clear_missing_message()
        missing = deps.missing()
        if not missing:
            return ""
        text = tr("missing {names}: some engines are unavailable.").format(names=", ".join(m.name for m in missing))
        if STATE.get("stale"):
            text = tr("QGIS's Python changed since the dependencies were installed: install them again.") + " " + text
        from qgis.PyQt.QtWidgets import QPushButton

        bar = self.iface.messageBar()
        item = bar.createMessage(tr("TerraPrompt"), text)
        button = QPushButton(tr("Open Setup"), item)
        button.clicked.connect(self.open_setup)
        item.layout().addWidget(button)
        from qgis.core import Qgis

        bar.pushWidget(item, Qgis.Warning)
        self.missing_item = item
        return text

    def clear_missing_message(self) -> None:
        """Remove the 'missing ...' message (stale once the Setup tab installed the packages; gone if closed)."""
        item, self.missing_item = self.missing_item, None
        if item is None or self.iface is None:
            return
        from qgis.PyQt import sip

        if not sip.isdeleted(item):
            self.iface.messageBar().popWidget(item)

    def open_setup(self) -> None:
        """Show the dock on its Setup tab."""
        self.action.setChecked(True)
        if self.dock is not None:
            self.dock.show_tab("setup_tab")

    def toggle_dock(self, visible: bool) -> None:
        """Create the dock on first use, then show or hide it."""
        if self.dock is None:
            if not visible:
                return
            from qgis.PyQt.QtCore import Qt

            from .gui.dock import TerraPromptDock

            self.dock = TerraPromptDock(self.iface)
            self.iface.addDockWidget(Qt.RightDockWidgetArea, self.dock)
            self.dock.visibilityChanged.connect(self._dock_visibility)
            setup = self.dock.tab("setup_tab")
            if setup is not None:
                setup.installed.connect(self.clear_missing_message)
        self.dock.setVisible(visible)

    def _dock_visibility(self, visible: bool) -> None:
        if self.action is not None and self.action.isChecked() != visible:
            self.action.setChecked(visible)

    def unload(self) -> None:
        """Remove everything initGui/initProcessing added (TERRAPROMPT_THREADS back to the analyst's own value) and release
        the loaded models (sentence encoder, ONNX sessions), which a reload would otherwise keep besides its own."""
        from .core import prompts, runtime
        from .gui import settings

        settings.restore_threads()
        self.clear_missing_message()
        if self.dock is not None:
            self.dock.shutdown()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.action is not None:
            self.iface.removePluginRasterMenu(tr("&TerraPrompt"), self.action)
            self.iface.removeToolBarIcon(self.action)
            self.action.deleteLater()
            self.action = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        prompts.release_encoder()
        runtime.release_models()
        remove_translator()
