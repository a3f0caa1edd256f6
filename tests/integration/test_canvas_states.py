"""Unusual map canvas states in the dock and Processing: a view or EXTENT across the antimeridian, a rotated map (its
'Current map view', Find similar 'In view', web renderings, Draw), a geographic view past the pole."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from conftest import wait_for, write_raster

WATER = np.array([600, 500, 300, 150], np.uint16)


def _scene(path: str, crs: str, transform) -> str:
    """A 200x200 4-band (B2, B3, B4, B8) scene: bare soil, a big water square at rows 50-89 x cols 120-159 and a small
    one at rows 150-159 x cols 30-39."""
    b = np.empty((4, 200, 200), np.uint16)
    b[:] = np.array([1200, 1500, 1900, 2400], np.uint16)[:, None, None]
    b[:, 50:90, 120:160] = WATER[:, None, None]
    b[:, 150:160, 30:40] = WATER[:, None, None]
    b += np.random.default_rng(0).integers(0, 40, b.shape).astype(np.uint16)
    return write_raster(path, b, crs=crs, transform=transform, descriptions=["B2", "B3", "B4", "B8"])


@pytest.fixture()
def canvas(plugin, project):
    """The map canvas, its CRS, extent and rotation put back afterwards."""
    c = plugin.iface.mapCanvas()
    crs, extent = c.mapSettings().destinationCrs(), c.extent()
    yield c
    c.setRotation(0.0)
    c.setDestinationCrs(crs)
    c.setExtent(extent)


@pytest.fixture()
def landcover(plugin):
    """The Land cover tab, its extent set back to Whole layer afterwards."""
    plugin.action.setChecked(True)
    tab = plugin.dock.tab("landcover_tab")
    yield tab
    if tab.task is not None:
        tab.cancel()
        wait_for(lambda: tab.task is None, 60)
    tab.select_extent_mode("layer")


def _show(canvas, layer, crs: str, rect, rotation: float = 0.0) -> None:
    """Show ``rect`` (in ``crs``) of ``layer`` on the canvas, turned by ``rotation``."""
    from qgis.core import QgsApplication, QgsCoordinateReferenceSystem

    canvas.setLayers([layer])
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem(crs))
    canvas.setRotation(0.0)
    canvas.setExtent(rect)
    canvas.setRotation(rotation)
    canvas.refresh()
    QgsApplication.processEvents()


def _antimeridian_layer(project, tmp_path):
    """A geographic raster over lon 179.9-180.1 (0.001° pixels) and the box lon 179.95-180.05, lat -16.15..-16.05 (its
    columns 50-149, rows 50-149) given in EPSG:3832 (PDC Mercator, which runs on across 180°)."""
    from qgis.core import (QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsRasterLayer,
                           QgsRectangle)

    layer = QgsRasterLayer(_scene(str(tmp_path / "am.tif"), "EPSG:4326", from_origin(179.9, -16.0, 0.001, 0.001)), "am")
    project.addMapLayer(layer)
    xf = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:3832"), project)
    a, b = xf.transform(QgsPointXY(179.95, -16.15)), xf.transform(QgsPointXY(-179.95, -16.05))
    return layer, QgsRectangle(a.x(), a.y(), b.x(), b.y())


def test_map_view_across_the_antimeridian_is_the_raster_under_it(landcover, canvas, project, tmp_path):
    """A view over lon 179.95-180.05 on an EPSG:3832 map was the whole world (-179.998..179.998), clipped to the raster's
    columns 0-96: the part west of the view."""
    layer, box = _antimeridian_layer(project, tmp_path)
    _show(canvas, layer, "EPSG:3832", box)
    landcover.layer_combo.setLayer(layer)
    landcover.select_extent_mode("canvas")
    ext = landcover.extent_in_layer_crs(layer)
    assert abs((ext[0] + ext[2]) / 2 - 180.0) < 1e-3 and 0.1 <= ext[2] - ext[0] < 1.0, ext  # centred on 180°, not the world


def test_processing_extent_across_the_antimeridian(plugin, project, tmp_path):
    """EXTENT lon 179.95-180.05 given in EPSG:3832 gave the raster's columns 0-97 and 0 m² of water."""
    import processing

    layer, box = _antimeridian_layer(project, tmp_path)
    out = processing.run("terraprompt:extract_landcover", {
        "INPUT": layer.source(), "PROMPT": "water", "ENGINE": 1, "OUTPUT_RASTER": str(tmp_path / "out.tif"),
        "EXTENT": f"{box.xMinimum()},{box.xMaximum()},{box.yMinimum()},{box.yMaximum()} [EPSG:3832]"})
    with rasterio.open(out["OUTPUT_RASTER"]) as ds:
        assert ds.bounds.left == pytest.approx(179.95, abs=1e-6) and ds.bounds.right == pytest.approx(180.05, abs=1e-6)
        assert int((ds.read(1) == 1).sum()) == 40 * 30  # the big water square's columns 120-149, in the box


def test_extent_across_the_antimeridian_of_a_world_raster_is_refused(landcover, project, tmp_path):
    """A box across 180° over a raster on both sides of it is not one window of it (it was the whole world): refused,
    saying so."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsRasterLayer

    world = QgsRasterLayer(_scene(str(tmp_path / "world.tif"), "EPSG:4326", from_origin(-180, 90, 1.8, 0.9)), "world")
    _, box = _antimeridian_layer(project, tmp_path)
    landcover.drawn_extent, landcover.drawn_crs = box, QgsCoordinateReferenceSystem("EPSG:3832")
    landcover.select_extent_mode("drawn")
    with pytest.raises(ValueError, match="antimeridian"):
        landcover.extent_in_layer_crs(world)


def test_rotated_map_view_is_said_to_be_its_bounding_box(plugin, landcover, canvas, project, tmp_path):
    """On a map rotated 30°, 'Current map view' processed the view's bounding box (2.2x the visible area) silently."""
    from qgis.core import QgsRasterLayer, QgsRectangle

    layer = QgsRasterLayer(_scene(str(tmp_path / "utm.tif"), "EPSG:32633", from_origin(500000, 4500000, 10, 10)), "utm")
    project.addMapLayer(layer)
    _show(canvas, layer, "EPSG:32633", QgsRectangle(500600, 4498600, 501400, 4499400), rotation=30)
    landcover.layer_combo.setLayer(layer)
    landcover.temp_radio.setChecked(True)
    landcover.engine_combo.setCurrentIndex(landcover.engine_combo.findData("spectral"))
    landcover.prompt_edit.setText("water")
    landcover.select_extent_mode("canvas")
    assert landcover.run() is not None, landcover.explanation.toPlainText()
    assert wait_for(lambda: landcover.task is None, 180)
    text = landcover.explanation.toPlainText()
    assert landcover.last_result is not None, text
    assert "rotated 30°" in text and "bounding box" in text, text
    canvas.setRotation(0.0)
    assert landcover.view_note() == ""
    canvas.setRotation(30.0)
    tab = plugin.dock.tab("change_tab")
    tab.select_extent_mode("canvas")
    assert "bounding box" in tab.view_note()  # the Change tab's summary starts with it
    tab.select_extent_mode("layer")


def test_find_similar_in_view_on_a_rotated_map_keeps_objects_in_view(plugin, canvas, project, tmp_path):
    """'In view' on a map rotated 45° returned 7 objects, 2 of them outside the visible view."""
    from qgis.core import (QgsFeature, QgsGeometry, QgsPointXY, QgsRasterLayer, QgsRectangle, QgsVectorLayer)

    from core.interactive.test_exemplars import TR, geom, scene

    data, red, _ = scene()
    raster = QgsRasterLayer(write_raster(str(tmp_path / "roofs.tif"), data, transform=TR), "roofs")
    vec = QgsVectorLayer("Polygon?crs=EPSG:32633", "exemplars", "memory")
    feats = []
    for r, c in (red[0], red[4]):
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromWkt(geom(r, c).wkt))
        feats.append(f)
    vec.dataProvider().addFeatures(feats)
    project.addMapLayers([raster, vec])
    cx, cy = TR * (150, 150)
    _show(canvas, raster, "EPSG:32633", QgsRectangle(cx - 110, cy - 110, cx + 110, cy + 110), rotation=45)
    plugin.action.setChecked(True)
    tab = plugin.dock.tab("interactive_tab")
    tab.layer_combo.setLayer(raster)
    tab.exemplar_combo.setLayer(vec)
    tab.model_edit.setText("classical")
    tab.class_edit.setText("roof")
    tab.in_view_check.setChecked(True)
    tab.find_similar()
    assert wait_for(lambda: tab.similar_task is None, 180)
    found = [l for l in project.mapLayers().values() if l.name().endswith("(similar objects)")]
    assert found, tab.status.text()
    corners = [QgsPointXY(p) for p in canvas.mapSettings().visiblePolygon()]
    visible = QgsGeometry.fromPolygonXY([corners])
    centroids = [f.geometry().centroid() for f in found[0].getFeatures()]
    assert centroids and all(visible.contains(c) for c in centroids), [c.asWkt() for c in centroids]
    assert "dropped" in tab.status.text() and len(centroids) == 5, tab.status.text()


def test_web_layer_on_a_rotated_map_is_rendered_at_the_map_resolution(plugin, canvas, project, tmp_path):
    """At 30° the view was rendered at 0.989 m/px where the map shows 0.625 m/px (the bounding box over the screen)."""
    from qgis.core import QgsRasterLayer, QgsRectangle

    from test_web_layer import TRANSFORM, _tiles
    from terraprompt.plugin.gui.snapshot import view_rendering

    uri, _ = _tiles(tmp_path)
    layer = QgsRasterLayer(uri, "web", "wms")
    assert layer.isValid()
    project.addMapLayer(layer)
    (x0, y1), (x1, y0) = TRANSFORM * (64, 64), TRANSFORM * (192, 192)
    view = QgsRectangle(x0, y0, x1, y1)
    view.scale(6)
    _show(canvas, layer, "EPSG:3857", view, rotation=30)
    render, _folder = view_rendering(canvas, layer)
    with rasterio.open(render()) as ds:
        assert ds.transform.a == pytest.approx(canvas.mapUnitsPerPixel(), rel=0.02)


def test_drawn_rectangle_on_a_rotated_map_holds_the_dragged_box(landcover, canvas, project, tmp_path):
    """Draw on a map rotated 30° took the two pressed corners as a map rectangle: two dragged corners fell outside."""
    from qgis.core import QgsApplication, QgsPointXY, QgsRasterLayer, QgsRectangle
    from qgis.gui import QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent, QPoint, Qt

    layer = QgsRasterLayer(_scene(str(tmp_path / "utm.tif"), "EPSG:32633", from_origin(500000, 4500000, 10, 10)), "utm")
    project.addMapLayer(layer)
    _show(canvas, layer, "EPSG:32633", QgsRectangle(500600, 4498600, 501400, 4499400), rotation=30)
    landcover.layer_combo.setLayer(layer)
    landcover.start_drawing()
    tool = canvas.mapTool()
    a, b = QPoint(50, 100), QPoint(200, 300)
    tool.canvasPressEvent(QgsMapMouseEvent(canvas, QEvent.MouseButtonPress, a, Qt.LeftButton, Qt.LeftButton))
    tool.canvasMoveEvent(QgsMapMouseEvent(canvas, QEvent.MouseMove, b, Qt.NoButton, Qt.LeftButton))
    tool.canvasReleaseEvent(QgsMapMouseEvent(canvas, QEvent.MouseButtonRelease, b, Qt.LeftButton, Qt.NoButton))
    QgsApplication.processEvents()
    to_map = canvas.getCoordinateTransform()
    corners = [to_map.toMapCoordinates(x, y) for x, y in ((a.x(), a.y()), (b.x(), a.y()), (b.x(), b.y()), (a.x(), b.y()))]
    drawn = landcover.drawn_extent
    assert drawn is not None and landcover.extent_combo.currentData() == "drawn"
    grown = QgsRectangle(drawn)
    grown.grow(1e-6)
    assert all(grown.contains(QgsPointXY(p)) for p in corners), (drawn.toString(1), [p.toString(1) for p in corners])
    assert canvas.mapTool() is not tool


def test_geographic_view_past_the_pole_still_shows_the_raster(landcover, project, tmp_path):
    """A 4326 view over lon 59-121, lat 19-161 (past the pole: a tall map) on a polar raster was refused as 'does not
    overlap'. (The map's own aspect is not fixed under test, so the view is given as a drawn rectangle in EPSG:4326:
    the same transform.)"""
    from qgis.core import QgsCoordinateReferenceSystem, QgsRasterLayer, QgsRectangle

    layer = QgsRasterLayer(_scene(str(tmp_path / "polar.tif"), "EPSG:3413", from_origin(-1000, 1000, 10, 10)), "polar")
    project.addMapLayer(layer)
    landcover.layer_combo.setLayer(layer)
    landcover.drawn_extent, landcover.drawn_crs = QgsRectangle(59.0, 19.0, 121.0, 161.0), QgsCoordinateReferenceSystem("EPSG:4326")
    landcover.select_extent_mode("drawn")
    ext = landcover.extent_in_layer_crs(layer)
    assert QgsRectangle(*ext).intersects(layer.extent()), ext


@pytest.mark.parametrize("rotation", [90.0, 180.0, 270.0, -90.0])
def test_map_turned_by_a_right_angle_is_not_said_to_be_a_bounding_box(landcover, canvas, project, tmp_path, rotation):
    """At 90°, 180° and 270° the view's bounding box is the view, yet the note said the results covered '1.0× the area'
    the map shows (the done message a Warning), and Find similar's 'In view' filtered for nothing."""
    from qgis.core import QgsRasterLayer, QgsRectangle

    from terraprompt.plugin.gui.extent import rotation_note, visible_polygon

    layer = QgsRasterLayer(_scene(str(tmp_path / "utm.tif"), "EPSG:32633", from_origin(500000, 4500000, 10, 10)), "utm")
    project.addMapLayer(layer)
    _show(canvas, layer, "EPSG:32633", QgsRectangle(500600, 4498600, 501400, 4499400), rotation=rotation)
    landcover.select_extent_mode("canvas")
    assert rotation_note(canvas) == "" and landcover.view_note() == ""
    assert visible_polygon(canvas, layer) is None
    canvas.setRotation(rotation + 30.0)
    assert "bounding box" in rotation_note(canvas) and visible_polygon(canvas, layer) is not None


def test_rotated_view_across_the_antimeridian_keeps_find_similar_in_view(canvas, project, tmp_path):
    """A 30° rotated EPSG:3832 view over lon 179.95-180.05: the turned view in EPSG:4326 wrapped to both ends of the
    world, was invalid and given as None, so 'In view' kept every object of the bounding box, unsaid."""
    from qgis.core import QgsGeometry, QgsPointXY

    from terraprompt.plugin.gui.extent import visible_polygon

    layer, box = _antimeridian_layer(project, tmp_path)
    _show(canvas, layer, "EPSG:3832", box, rotation=30.0)
    visible = visible_polygon(canvas, layer)
    assert visible is not None
    inside = [visible.contains(QgsGeometry.fromPointXY(QgsPointXY(lon, -16.1))) for lon in (179.99, 180.0, 180.01)]
    assert all(inside), visible.boundingBox().toString(3)
    assert visible.boundingBox().center().x() == pytest.approx(180.0, abs=0.01)  # in the raster's longitudes, whole
    assert visible.boundingBox().width() < 1.0, visible.boundingBox().toString(3)


def test_prompts_across_the_antimeridian_land_where_the_view_is_encoded(canvas, project, tmp_path):
    """On an EPSG:3832 map over lon 179.95-180.05 the view was encoded over the raster's 179.93-180.07, but a click at
    180.02° was refused as outside the raster (-179.98°) and a box over 179.99-180.01 became a box of the whole world."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsRectangle

    from terraprompt.plugin.gui.maptools import PromptController

    layer, box = _antimeridian_layer(project, tmp_path)
    _show(canvas, layer, "EPSG:3832", box)
    said = []
    ctl = PromptController(canvas, project, lambda text, level="info": said.append(text))
    try:
        ctl.layer = layer
        xf = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:3832"), project)
        click = xf.transform(QgsPointXY(-179.98, -16.1))
        point = ctl._to_raster(QgsRectangle(click, click))
        assert point.center().x() == pytest.approx(180.02, abs=1e-6) and ctl._on_layer(point), said
        drawn = ctl._to_raster(QgsRectangle(xf.transform(QgsPointXY(179.99, -16.12)), xf.transform(QgsPointXY(-179.99, -16.08))))
        assert drawn.xMinimum() == pytest.approx(179.99, abs=1e-6) and drawn.xMaximum() == pytest.approx(180.01, abs=1e-6)
    finally:
        ctl.shutdown()


@pytest.mark.parametrize("button", ["LeftButton", "RightButton", "MiddleButton"])
def test_draw_takes_a_drag_with_any_button_as_qgis_does(landcover, canvas, project, tmp_path, button):
    """QGIS's extent tool takes a drag with any mouse button; Draw took only the left one, and after a right drag it
    stayed the map tool with nothing said."""
    from qgis.core import QgsApplication, QgsRasterLayer, QgsRectangle
    from qgis.gui import QgsMapMouseEvent, QgsMapToolExtent
    from qgis.PyQt.QtCore import QEvent, QPoint, Qt

    layer = QgsRasterLayer(_scene(str(tmp_path / "utm.tif"), "EPSG:32633", from_origin(500000, 4500000, 10, 10)), "utm")
    project.addMapLayer(layer)
    _show(canvas, layer, "EPSG:32633", QgsRectangle(500600, 4498600, 501400, 4499400))
    btn = getattr(Qt, button)

    def drag(tool) -> list:
        got = []
        tool.extentChanged.connect(lambda r: got.append(QgsRectangle(r)))
        a, b = QPoint(50, 100), QPoint(200, 300)
        tool.canvasPressEvent(QgsMapMouseEvent(canvas, QEvent.MouseButtonPress, a, btn, btn))
        tool.canvasMoveEvent(QgsMapMouseEvent(canvas, QEvent.MouseMove, b, Qt.NoButton, btn))
        tool.canvasReleaseEvent(QgsMapMouseEvent(canvas, QEvent.MouseButtonRelease, b, btn, Qt.NoButton))
        QgsApplication.processEvents()
        return [r.toString(3) for r in got]

    landcover.layer_combo.setLayer(layer)
    landcover.start_drawing()
    tool = canvas.mapTool()
    assert drag(tool) == drag(QgsMapToolExtent(canvas))
    assert landcover.extent_combo.currentData() == "drawn" and canvas.mapTool() is not tool


@pytest.mark.parametrize("crs, half", [("EPSG:3857", 2.5e7), ("EPSG:3857", 4e7), ("EPSG:8857", 1.75e7)])
def test_zoomed_out_world_map_view_keeps_the_raster_edges(landcover, canvas, project, tmp_path, crs, half):
    """A world map zoomed out past its edges (EPSG:3857 x ±2.5e7) was taken as lon -178.75..178.75 of a world raster:
    PROJ wraps the samples past ±180°, and the raster's edge columns the map shows were left out."""
    from qgis.core import QgsRasterLayer, QgsRectangle

    world = QgsRasterLayer(_scene(str(tmp_path / "world.tif"), "EPSG:4326", from_origin(-180, 90, 1.8, 0.9)), "world")
    project.addMapLayer(world)
    _show(canvas, world, crs, QgsRectangle(-half, -half / 4, half, half / 4))
    landcover.layer_combo.setLayer(world)
    landcover.select_extent_mode("canvas")
    ext = landcover.extent_in_layer_crs(world)
    assert ext[0] == pytest.approx(-180.0) and ext[2] == pytest.approx(180.0), ext
    _show(canvas, world, crs, QgsRectangle(-1e7, -2e6, 1e7, 2e6))  # within the world: as the map shows it
    ext = landcover.extent_in_layer_crs(world)
    assert -180.0 < ext[0] < -60.0 and 60.0 < ext[2] < 180.0, ext
