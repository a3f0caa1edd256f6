"""The Extent choice the Land cover and Change tabs share: Whole layer, Current map view or a rectangle drawn with Draw.

A mixin for a tab with ``iface`` and ``_message(text, level)``: :meth:`ExtentChoice.extent_row` builds the row (the
tab keeps ``extent_combo``, ``draw_button``, ``drawn_extent`` and ``extent_tool``), :meth:`ExtentChoice.extent_in_layer_crs`
gives the chosen extent in a layer's CRS, :meth:`ExtentChoice.view_note` says what a rotated map view covers,
:meth:`ExtentChoice.release_extent_tool` gives the map tool back.
"""
from __future__ import annotations

from typing import Optional

from qgis.core import Qgis, QgsGeometry, QgsPointXY, QgsProject, QgsRectangle
from qgis.PyQt.QtWidgets import QComboBox, QHBoxLayout, QPushButton

from ..core.messages import number
from ..i18n import tr
from ..qgis_layers import box_in_layer_crs, longitude_shift


BOX_LARGER = 1.01
"""How much larger than the turned view its bounding box must be to be worth a word: at 90°, 180° and 270° (and within
a few tenths of a degree of them on a squarish map) the box is the view."""


def bounding_ratio(canvas) -> float:
    """How many times the area the map shows its view's extent (the bounding box of a rotated view) covers: 1.0 on a map
    that is not rotated, or turned by a multiple of 90°."""
    if not canvas.rotation():
        return 1.0
    settings = canvas.mapSettings()
    corners = [QgsPointXY(p) for p in settings.visiblePolygon()]
    visible = QgsGeometry.fromPolygonXY([corners]).area() if len(corners) >= 3 else 0.0
    return settings.visibleExtent().area() / visible if visible > 0 else 1.0


def rotation_note(canvas) -> str:
    """On a rotated map, the line saying that its view's extent is the bounding box of the turned view and how much larger
    it is than what the map shows ('' where the box is the view: a map not rotated, or turned by a multiple of 90°)."""
    ratio = bounding_ratio(canvas)
    if ratio < BOX_LARGER:
        return ""
    rotation = canvas.rotation()
    return tr("The map is rotated {angle}°: the current map view was taken as its bounding box, {ratio}× the area the map "
              "shows, and the results cover all of that box. Set the map rotation to 0°, or draw a rectangle, to process "
              "just what you see.").format(angle=number(rotation, 0 if rotation == round(rotation) else 1),
                                            ratio=number(ratio, 1 if ratio >= 1.1 else 2))


def visible_polygon(canvas, layer) -> Optional[QgsGeometry]:
    """On a rotated map, the turned view the map shows, in the layer's CRS (its sides densified; across the antimeridian
    in the layer's own longitudes); None where the view is its extent (a map not rotated, or turned by a multiple of 90°)
    or where the view cannot be placed in that CRS."""
    from qgis.core import QgsCoordinateTransform, QgsCsException

    if bounding_ratio(canvas) < BOX_LARGER:
        return None
    corners = [QgsPointXY(p) for p in canvas.mapSettings().visiblePolygon()]
    polygon = QgsGeometry.fromPolygonXY([corners]).densifyByCount(16)
    crs = canvas.mapSettings().destinationCrs()
    try:
        polygon.transform(QgsCoordinateTransform(crs, layer.crs(), QgsProject.instance()))
        if layer.crs().isGeographic():
            polygon = unwrapped(polygon, layer)
    except (QgsCsException, ValueError):  # ValueError: a view on both sides of a world raster's 180°
        return None
    return polygon if polygon.isGeosValid() else None


def unwrapped(polygon: QgsGeometry, layer) -> QgsGeometry:
    """A polygon in a geographic layer's CRS with each longitude within 180° of the one before (a ring across the
    antimeridian, which a transform wraps to both ends of the world, made whole) and moved over the layer's own
    longitudes. Raises ValueError when it lies over the layer on both sides of 180°."""
    ring = []
    for p in polygon.asPolygon()[0]:
        x = p.x() if not ring else p.x() + 360.0 * round((ring[-1].x() - p.x()) / 360.0)
        ring.append(QgsPointXY(x, p.y()))
    out = QgsGeometry.fromPolygonXY([ring])
    box = out.boundingBox()
    crossed = box.xMinimum() < -180.0 or box.xMaximum() > 180.0
    out.translate(longitude_shift(box.xMinimum(), box.xMaximum(), layer.extent(), crossed, layer.name()), 0.0)
    return out


class ExtentChoice:
    """The Extent row of a tab and the extent it names."""

    def extent_row(self, parent, name: str, tip: str) -> QHBoxLayout:
        """The combo (Whole layer / Current map view / Drawn rectangle, ``tip`` its tooltip) and the Draw button; their
        object names start with ``name`` ('landcover': landcoverExtent, landcoverDraw)."""
        self.drawn_extent: Optional[QgsRectangle] = None
        self.drawn_crs = None
        self.extent_tool = None  # an ExtentMapTool once Draw is clicked
        self.previous_tool = None
        row = QHBoxLayout()
        self.extent_combo = QComboBox(parent)
        self.extent_combo.setObjectName(f"{name}Extent")
        self.extent_combo.addItem(tr("Whole layer"), "layer")
        self.extent_combo.addItem(tr("Current map view"), "canvas")
        self.extent_combo.addItem(tr("Drawn rectangle"), "drawn")
        self.extent_combo.setToolTip(tip)
        row.addWidget(self.extent_combo, 1)
        self.draw_button = QPushButton(tr("Draw"), parent)
        self.draw_button.setObjectName(f"{name}Draw")
        self.draw_button.setToolTip(tr("Drag a rectangle on the map to process only that area."))
        row.addWidget(self.draw_button)
        self.extent_combo.currentIndexChanged.connect(self._extent_mode_changed)
        self.draw_button.clicked.connect(self.start_drawing)
        return row

    def select_extent_mode(self, mode) -> None:
        """Show an extent mode by key (the first, Whole layer, for an unknown one)."""
        self.extent_combo.setCurrentIndex(max(0, self.extent_combo.findData(str(mode))))

    def _extent_mode_changed(self, *_args) -> None:
        self.draw_button.setEnabled(self.extent_combo.currentData() == "drawn")

    def start_drawing(self) -> None:
        """Let the analyst drag a rectangle on the map canvas."""
        from .maptools import ExtentMapTool

        canvas = self.iface.mapCanvas()
        if self.extent_tool is None:
            self.extent_tool = ExtentMapTool(canvas)
            self.extent_tool.extentChanged.connect(self.set_drawn_extent)
        tool = canvas.mapTool()
        if tool is not self.extent_tool:
            self.previous_tool = tool
        canvas.setMapTool(self.extent_tool)
        self._message(tr("Drag a rectangle on the map to set the extent."), Qgis.Info)

    def set_drawn_extent(self, rect: QgsRectangle) -> None:
        """Keep a drawn rectangle (in the canvas CRS) and give the previous map tool back."""
        canvas = self.iface.mapCanvas()
        if rect is None or rect.isEmpty():
            return
        self.drawn_extent = QgsRectangle(rect)
        self.drawn_crs = canvas.mapSettings().destinationCrs()
        self.select_extent_mode("drawn")
        self.draw_button.setText(tr("Redraw"))
        if self.previous_tool is not None and canvas.mapTool() is self.extent_tool:
            canvas.setMapTool(self.previous_tool)
        elif canvas.mapTool() is self.extent_tool:
            canvas.unsetMapTool(self.extent_tool)

    def extent_in_layer_crs(self, layer) -> Optional[tuple[float, float, float, float]]:
        """The chosen extent in the layer's CRS, None for the whole layer."""
        mode = self.extent_combo.currentData()
        if mode == "layer":
            return None
        if mode == "canvas":
            canvas = self.iface.mapCanvas()
            rect, crs = canvas.extent(), canvas.mapSettings().destinationCrs()
        else:
            if self.drawn_extent is None:
                raise ValueError(tr("No rectangle has been drawn yet. Click Draw and drag a rectangle on the map, or choose another extent."))
            rect, crs = self.drawn_extent, self.drawn_crs
        rect = box_in_layer_crs(rect, crs, layer, QgsProject.instance())  # across 180° and past the poles too
        return rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()

    def view_note(self) -> str:
        """What the chosen extent covers beyond what the map shows: on a rotated map, 'Current map view' is its bounding
        box ('' otherwise)."""
        if self.extent_combo.currentData() != "canvas":
            return ""
        return rotation_note(self.iface.mapCanvas())

    def release_extent_tool(self) -> None:
        """Take the Draw map tool off the canvas and delete it (the tab is closing)."""
        if self.extent_tool is None:
            return
        canvas = self.iface.mapCanvas()
        if canvas.mapTool() is self.extent_tool:
            canvas.unsetMapTool(self.extent_tool)
        self.extent_tool.remove()
        self.extent_tool.deleteLater()
        self.extent_tool = None
