"""The TerraPrompt dock: one tab per capability, built from the TABS list.

Each entry is ``(module, class, label)`` with the module relative to
``plugin.gui``; the class is a QWidget taking ``(iface, parent=None)`` with a
``shutdown()`` method. Tabs are imported lazily (on first opening of the dock) so a broken tab shows its
error instead of breaking the dock. Append an entry to add a tab.
"""
from __future__ import annotations

import traceback

from qgis.core import Qgis, QgsMessageLog
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from ..i18n import tr

TABS = [
    ("landcover_tab", "LandcoverTab", "Land cover"),
    ("interactive_tab", "InteractiveTab", "Interactive"),
    ("change_tab", "ChangeTab", "Change"),
    ("settings_tab", "SettingsTab", "Settings"),
    ("setup_tab", "SetupTab", "Setup"),
]

LOG_TAG = "TerraPrompt"


def _tab_labels() -> list[str]:
    """Tab labels as literals so pylupdate5 extracts them (labels are translated at run time)."""
    return [tr("Land cover"), tr("Settings"), tr("Change"), tr("Interactive"), tr("Setup")]


class TerraPromptDock(QgsDockWidget):
    """Dock widget holding the tabs listed in TABS."""

    def __init__(self, iface, parent=None) -> None:
        super().__init__(tr("TerraPrompt"), parent or (iface.mainWindow() if iface is not None else None))
        self.iface = iface
        self.setObjectName("TerraPromptDock")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 2, 2)
        self.tab_widget = QTabWidget(body)
        self.tab_widget.setObjectName("terrapromptTabs")
        layout.addWidget(self.tab_widget)
        self.setWidget(body)
        self.tabs: dict[str, QWidget] = {}
        for module, cls, label in TABS:
            self.tab_widget.addTab(self._build_tab(module, cls), tr(label))
        settings = self.tabs.get("settings_tab")
        if settings is not None and hasattr(settings, "settings_changed"):
            settings.settings_changed.connect(self._settings_changed)
        setup = self.tabs.get("setup_tab")
        if setup is not None and hasattr(setup, "installed"):
            setup.installed.connect(self.rebuild_missing_tabs)

    def rebuild_missing_tabs(self) -> list[str]:
        """Build again, in place, the tabs that could not be built (a package was missing, now installed); the modules
        built now."""
        built = []
        for i, (module, cls, label) in enumerate(TABS):
            if module in self.tabs:
                continue
            current = self.tab_widget.currentIndex()
            widget = self._build_tab(module, cls)
            old = self.tab_widget.widget(i)
            self.tab_widget.removeTab(i)
            self.tab_widget.insertTab(i, widget, tr(label))
            self.tab_widget.setCurrentIndex(current)
            old.deleteLater()
            if module in self.tabs:
                built.append(module)
        return built

    def _build_tab(self, module: str, cls: str) -> QWidget:
        """Import and build one tab; on failure a label with the error (and the log keeps the traceback)."""
        try:
            # __import__ (not importlib) so qgis.utils tracks the module and unloads it with the plugin
            mod = __import__(f"{__package__}.{module}", fromlist=[cls])
            tab = getattr(mod, cls)(self.iface, self.tab_widget)
            self.tabs[module] = tab
            return tab
        except ImportError as exc:  # a package the Setup tab installs: say so, and build the tab once it is installed
            QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG, Qgis.Warning)
            label = QLabel(tr("This tab needs the Python package '{name}', which is not installed in this QGIS. Open the "
                              "Setup tab and click 'Install dependencies': the tab opens when the installation is done.").format(
                                  name=getattr(exc, "name", None) or exc))
            label.setWordWrap(True)
            return label
        except Exception as exc:  # noqa: BLE001 - one broken tab must not break the dock
            QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG, Qgis.Critical)
            label = QLabel(tr("This tab could not be loaded: {error}").format(error=exc))
            label.setWordWrap(True)
            return label

    def show_tab(self, module: str) -> None:
        """Bring the tab built from a TABS module name to the front."""
        tab = self.tabs.get(module)
        if tab is not None:
            self.tab_widget.setCurrentWidget(tab)

    def tab(self, module: str):
        """The tab instance built from a TABS module name, or None."""
        return self.tabs.get(module)

    def _settings_changed(self) -> None:
        for tab in self.tabs.values():
            apply = getattr(tab, "apply_settings", None)
            if callable(apply):
                apply()

    def shutdown(self) -> None:
        """Cancel running tasks and let every tab release what it holds."""
        for tab in list(self.tabs.values()):
            try:
                tab.shutdown()
            except Exception:  # noqa: BLE001 - unload must go on
                QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG, Qgis.Warning)
        self.tabs.clear()
