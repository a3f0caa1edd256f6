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
from qgis.PyQt.QtCore import QSize, Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr

TABS = [
    ("landcover_tab", "LandcoverTab", "Land cover"),
    ("interactive_tab", "InteractiveTab", "Interactive"),
    ("change_tab", "ChangeTab", "Change"),
    ("settings_tab", "SettingsTab", "Settings"),
    ("setup_tab", "SetupTab", "Setup"),
]

LOG_TAG = "TerraPrompt"


class TabScroll(QScrollArea):
    """A vertical-only scroll area as wide as its contents need (nothing is ever cut off at the side) and as short as
    one wishes (the rest scrolls)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        inner = self.widget().minimumSizeHint().width() if self.widget() is not None else 0
        return QSize(inner + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth(), 80)


def scroll_body(tab: QWidget) -> QWidget:
    """Fill ``tab`` with a vertical-only scroll area and return the widget to build the tab into: a tall tab scrolls
    instead of making the dock (and QGIS's window) taller, and nothing scrolls sideways."""
    outer = QVBoxLayout(tab)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = TabScroll(tab)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    body = QWidget(scroll)
    scroll.setWidget(body)
    outer.addWidget(scroll)
    return body


def make_narrow(widget: QWidget) -> None:
    """Let the dock be narrow: combos shrink and elide instead of widening the panel, form labels go above their field
    when the row does not fit, and a scrolled tab's body keeps thin margins (the tab's frame is its margin)."""
    scroll = widget.findChild(TabScroll)
    if scroll is not None and scroll.widget() is not None and scroll.widget().layout() is not None:
        scroll.widget().layout().setContentsMargins(3, 3, 3, 3)
    for combo in widget.findChildren(QComboBox):
        combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(3)
    for form in widget.findChildren(QFormLayout):
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)


def button_grid(buttons: list, columns: int) -> QGridLayout:
    """Buttons in rows of ``columns`` (a long button row would set the dock's minimum width)."""
    grid = QGridLayout()
    grid.setContentsMargins(0, 0, 0, 0)
    for i, b in enumerate(buttons):
        grid.addWidget(b, i // columns, i % columns)
    return grid


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
        # a narrow dock elides the tab labels (full label in the tooltip) rather than hiding the last tabs behind arrows
        self.tab_widget.setUsesScrollButtons(False)
        self.tab_widget.setElideMode(Qt.ElideRight)
        layout.addWidget(self.tab_widget)
        self.setWidget(body)
        self.tabs: dict[str, QWidget] = {}
        for module, cls, label in TABS:
            i = self.tab_widget.addTab(self._build_tab(module, cls), tr(label))
            self.tab_widget.setTabToolTip(i, tr(label))
        from qgis.core import QgsProject

        from .layers import project_was_cleared

        QgsProject.instance().cleared.connect(project_was_cleared)
        QgsProject.instance().cleared.connect(self._project_cleared)
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
            self.tab_widget.setTabToolTip(i, tr(label))
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

    def _project_cleared(self) -> None:
        """New or Open project: runs started for the old one are cancelled (their layers would land in the new one)."""
        for tab in self.tabs.values():
            if getattr(tab, "task", None) is not None and callable(getattr(tab, "cancel", None)):
                tab.cancel()

    def shutdown(self) -> None:
        """Cancel running tasks and let every tab release what it holds."""
        from qgis.core import QgsProject

        from .layers import project_was_cleared

        for slot in (project_was_cleared, self._project_cleared):
            try:
                QgsProject.instance().cleared.disconnect(slot)
            except TypeError:  # never connected
                pass
        for tab in list(self.tabs.values()):
            try:
                tab.shutdown()
            except Exception:  # noqa: BLE001 - unload must go on
                QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG, Qgis.Warning)
        self.tabs.clear()
