"""A concrete QGIS interface for headless tests: real main window, canvas, message bar, toolbar and menu.

The real QgisInterface exists only inside the QGIS desktop (tested under Xvfb by
`make screenshots` and tests/integration/test_package.py). Offscreen tests use this
small class instead of a Mock: every method does the real Qt thing (the dock is
docked into a real QMainWindow, the action lands in a real toolbar and menu), and
any interface method the plugin calls that is not implemented here raises
AttributeError instead of silently returning a Mock.
"""
from __future__ import annotations

from qgis.core import QgsProject
from qgis.gui import QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtCore import QObject, QSize
from qgis.PyQt.QtWidgets import QMainWindow, QMenu, QToolBar, QVBoxLayout, QWidget


class DesktopInterface(QObject):
    """The parts of QgisInterface TerraPrompt uses, backed by real widgets."""

    def __init__(self) -> None:
        super().__init__()
        self._window = QMainWindow()
        central = QWidget(self._window)
        layout = QVBoxLayout(central)
        self._bar = QgsMessageBar(central)
        self._canvas = QgsMapCanvas(central)
        self._canvas.resize(QSize(400, 400))
        layout.addWidget(self._bar)
        layout.addWidget(self._canvas)
        self._window.setCentralWidget(central)
        self.toolbar = QToolBar("Plugins", self._window)
        self._window.addToolBar(self.toolbar)
        self.raster_menu = self._window.menuBar().addMenu("&Raster")
        self._active = None

    def mainWindow(self) -> QMainWindow:  # noqa: N802 (QGIS API names)
        return self._window

    def mapCanvas(self) -> QgsMapCanvas:  # noqa: N802
        return self._canvas

    def messageBar(self) -> QgsMessageBar:  # noqa: N802
        return self._bar

    def addToolBarIcon(self, action) -> int:  # noqa: N802
        self.toolbar.addAction(action)
        return 0

    def removeToolBarIcon(self, action) -> None:  # noqa: N802
        self.toolbar.removeAction(action)

    def _submenu(self, name: str, create: bool):
        """The plugin's submenu of the Raster menu (created when asked)."""
        for act in self.raster_menu.actions():
            if act.menu() is not None and act.text() == name:
                return act.menu()
        if not create:
            return None
        menu = QMenu(name, self.raster_menu)
        self.raster_menu.addMenu(menu)
        return menu

    def addPluginToRasterMenu(self, name: str, action) -> None:  # noqa: N802
        self._submenu(name, True).addAction(action)

    def removePluginRasterMenu(self, name: str, action) -> None:  # noqa: N802
        menu = self._submenu(name, False)
        if menu is not None:
            menu.removeAction(action)
            if not menu.actions():
                self.raster_menu.removeAction(menu.menuAction())

    def addDockWidget(self, area, dock) -> None:  # noqa: N802
        self._window.addDockWidget(area, dock)

    def removeDockWidget(self, dock) -> None:  # noqa: N802
        self._window.removeDockWidget(dock)

    def activeLayer(self):  # noqa: N802
        return self._active

    def setActiveLayer(self, layer) -> bool:  # noqa: N802
        self._active = layer
        return True

    def addRasterLayer(self, path: str, name: str = ""):  # noqa: N802
        from qgis.core import QgsRasterLayer

        layer = QgsRasterLayer(path, name or path)
        if layer.isValid():
            QgsProject.instance().addMapLayer(layer)
            return layer
        return None
