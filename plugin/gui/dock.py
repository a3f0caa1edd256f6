"""The TerraPrompt dock: one tab per capability, built from the TABS list.

Each entry is ``(module, class, label)`` with the module relative to
``plugin.gui``; the class is a QWidget taking ``(iface, parent=None)`` with a
``shutdown()`` method. Tabs are imported lazily (on first opening of the dock) so a broken tab shows its
error instead of breaking the dock. Append an entry to add a tab.
"""
from __future__ import annotations

import traceback

from qgis.core import Qgis, QgsApplication, QgsMessageLog
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QSize, Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QScrollArea,
    QTabBar,
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

TAB_ICONS = {
    "landcover_tab": "/mIconRaster.svg", "interactive_tab": "/mActionCapturePolygon.svg",
    "change_tab": "/propertyicons/temporal.svg", "settings_tab": "/mActionOptions.svg", "setup_tab": "/propertyicons/plugin.svg",
}
"""QGIS theme icons of the tabs: a narrow dock elides the labels alike ('Se…' for Settings and Setup), the icons tell
the tabs apart."""

LOG_TAG = "TerraPrompt"


WRAP_BELOW = 50
"""Width, in average characters of the dock's font, under which form labels go above their fields: 350 px with a 9 or
10 point font (7 px a character, DejaVu Sans at 96-100 dpi), 450 px with the 12 point font of Qt without a desktop;
beside them, a label column as wide as 'Wolkenmaske nachher' leaves the layer pickers a few letters."""


class TabScroll(QScrollArea):
    """A vertical-only scroll area as wide as its contents need (nothing is ever cut off at the side) and as short as
    one wishes (the rest scrolls); narrow, its forms put their labels above the fields."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        inner = self.widget().minimumSizeHint().width() if self.widget() is not None else 0
        return QSize(inner + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth(), 80)

    def resizeEvent(self, event) -> None:  # noqa: N802
        """Labels above the fields when the tab is narrow, beside them (rows too long wrapped) when it is wide."""
        narrow = self.width() < WRAP_BELOW * self.fontMetrics().averageCharWidth()
        policy = QFormLayout.WrapAllRows if narrow else QFormLayout.WrapLongRows
        for form in (self.widget().findChildren(QFormLayout) if self.widget() is not None else []):
            if form.rowWrapPolicy() != policy:
                form.setRowWrapPolicy(policy)
        super().resizeEvent(event)


class DockTabBar(QTabBar):
    """A tab bar whose tabs may shrink to their icon and an ellipsis (Qt keeps two letters): a narrow dock shows every
    tab, each told apart by its icon, the full label in the tooltip."""

    def minimumTabSizeHint(self, index: int) -> QSize:  # noqa: N802
        """The tab's icon, an ellipsis and the style's margins."""
        hint = super().minimumTabSizeHint(index)
        text = self.tabText(index)
        kept = self.fontMetrics().horizontalAdvance(text[:2]) if len(text) > 3 else 0
        return QSize(hint.width() - kept, hint.height())


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
    when the row does not fit (all of them in a narrow tab, see TabScroll), and a scrolled tab's body keeps thin margins
    (the tab's frame is its margin)."""
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


TEMP_PREFIX = "terraprompt-"
"""Prefix of the folders the tabs make in QGIS's temporary folder for results (Land cover temporary layers, Change,
Find similar)."""


def temporary_results(project) -> list:
    """The project's TerraPrompt results read from QGIS's temporary folder (removed when QGIS closes): the dock's, in
    its folders there, and the marked results of Processing runs to temporary outputs."""
    import os

    from qgis.core import QgsProcessingUtils

    from .layers import is_result

    temp = os.path.normcase(os.path.abspath(QgsProcessingUtils.tempFolder()))
    found = []
    for layer in project.mapLayers().values():
        path = os.path.normcase(os.path.abspath(layer.source().split("|")[0])) if layer.source() else ""
        rel = os.path.relpath(path, temp) if path.startswith(temp + os.sep) else ""
        if rel and (rel.startswith(TEMP_PREFIX) or is_result(layer, project)):
            found.append(layer)
    return sorted(found, key=lambda layer: layer.name())


class TerraPromptDock(QgsDockWidget):
    """Dock widget holding the tabs listed in TABS."""

    def __init__(self, iface, parent=None) -> None:
        super().__init__(tr("TerraPrompt"), parent or (iface.mainWindow() if iface is not None else None))
        self.iface = iface
        self.temporary_warning = ""  # the text of the last temporary-layers warning pushed to the message bar
        self.setObjectName("TerraPromptDock")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 2, 2)
        self.tab_widget = QTabWidget(body)
        self.tab_widget.setObjectName("terrapromptTabs")
        self.tab_widget.setTabBar(DockTabBar(self.tab_widget))
        # a narrow dock elides the tab labels (full label in the tooltip) rather than hiding the last tabs behind arrows
        self.tab_widget.setUsesScrollButtons(False)
        self.tab_widget.setElideMode(Qt.ElideRight)
        layout.addWidget(self.tab_widget)
        self.setWidget(body)
        self.tabs: dict[str, QWidget] = {}
        for module, cls, label in TABS:
            i = self.tab_widget.addTab(self._build_tab(module, cls), QgsApplication.getThemeIcon(TAB_ICONS[module]), tr(label))
            self.tab_widget.setTabToolTip(i, tr(label))
        from qgis.core import QgsProject

        from .layers import project_was_cleared

        QgsProject.instance().cleared.connect(project_was_cleared)
        QgsProject.instance().cleared.connect(self._project_cleared)
        QgsProject.instance().readProject.connect(self._project_read)
        QgsProject.instance().writeProject.connect(self._project_writing)
        QgsProject.instance().projectSaved.connect(self.warn_temporary_results)
        self.visibilityChanged.connect(self._visibility_changed)
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
            self.tab_widget.insertTab(i, widget, QgsApplication.getThemeIcon(TAB_ICONS[module]), tr(label))
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

    def _visibility_changed(self, visible: bool) -> None:
        """The dock closed or hidden (its X, the toolbar button, another dock tabbed over it): each tab with a
        ``dock_hidden`` hook lets go of what acts on the map unseen (Prompt on map's keys and clicks)."""
        if visible:
            return
        for tab in self.tabs.values():
            hidden = getattr(tab, "dock_hidden", None)
            if callable(hidden):
                hidden()

    def _project_cleared(self) -> None:
        """New or Open project: each tab lets go of the old one (``project_cleared``: runs into temporary files are
        stopped, results shown are forgotten); a tab without that hook has its run cancelled."""
        for tab in self.tabs.values():
            cleared = getattr(tab, "project_cleared", None)
            if callable(cleared):
                cleared()
            elif getattr(tab, "task", None) is not None and callable(getattr(tab, "cancel", None)):
                tab.cancel()

    def _project_read(self, *_args) -> None:
        """A project was opened: each tab with a ``project_read`` hook takes up its layers (its first readable raster)
        and the files chosen in that project (kept in its file)."""
        for tab in self.tabs.values():
            read = getattr(tab, "project_read", None)
            if callable(read):
                read()

    def _project_writing(self, *_args) -> None:
        """The project is being saved (its new file name already set): each tab with a ``project_writing`` hook keeps
        its files in it, relative to where it is saved (a file chosen before the first save, or before Save As)."""
        for tab in self.tabs.values():
            writing = getattr(tab, "project_writing", None)
            if callable(writing):
                writing()

    def warn_temporary_results(self) -> str:
        """After the project is saved: warn, until closed, when it holds TerraPrompt results written to QGIS's temporary
        folder, which QGIS removes when it closes: the fix first and short in the message bar (replacing the warning of
        an earlier save, so saving often does not pile them up), the layers' names under its 'more' and in the log;
        returns the warning ('' when there is none)."""
        from qgis.core import QgsProject

        from .tasks import notify

        names = [layer.name() for layer in temporary_results(QgsProject.instance())]
        if not names:
            return ""
        text = tr("Right-click › Export › Save As… each of the {n} TerraPrompt temporary layer(s), then save the project "
                  "again: QGIS deletes them when it closes.").format(n=len(names))
        details = tr("TerraPrompt temporary layers in the saved project: {names}").format(names=", ".join(names))
        self._pop_temporary_warning()
        notify(self.iface, text, Qgis.Warning, duration=0, details=details)
        self.temporary_warning = text
        return text

    def _pop_temporary_warning(self) -> None:
        """Take the temporary-layers warning of an earlier save off the message bar (if the analyst has not closed it)."""
        if self.iface is None or not self.temporary_warning:
            return
        bar = self.iface.messageBar()
        for item in bar.items():
            if item.text() == self.temporary_warning:
                bar.popWidget(item)

    def shutdown(self) -> None:
        """Cancel running tasks and let every tab release what it holds."""
        from qgis.core import QgsProject

        from .layers import project_was_cleared

        for signal, slot in ((QgsProject.instance().cleared, project_was_cleared),
                             (QgsProject.instance().cleared, self._project_cleared),
                             (QgsProject.instance().readProject, self._project_read),
                             (QgsProject.instance().writeProject, self._project_writing),
                             (QgsProject.instance().projectSaved, self.warn_temporary_results)):
            try:
                signal.disconnect(slot)
            except TypeError:  # never connected
                pass
        # last tab first: a later tab may hold an earlier one's map tool to give back (the Change tab's swipe, the
        # Interactive tab's prompt tool), which must be gone by the time that earlier tab lets go of it
        for tab in [self.tabs[module] for module, _cls, _label in reversed(TABS) if module in self.tabs]:
            try:
                tab.shutdown()
            except Exception:  # noqa: BLE001 - unload must go on
                QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG, Qgis.Warning)
        self.tabs.clear()
