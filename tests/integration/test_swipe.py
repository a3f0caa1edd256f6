"""Swipe preview in real QGIS (offscreen): a real canvas bridged to the layer tree, two RGB rasters of different colours."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import wait_for, write_raster

RED, BLUE, GREEN = (220, 20, 20), (20, 20, 220), (20, 200, 20)


def _rgb(path, colour) -> str:
    data = np.empty((3, 64, 64), np.uint8)
    for i, c in enumerate(colour):
        data[i] = c
    return write_raster(str(path), data)


@pytest.fixture()
def scene(qgis_app_session, project, tmp_path):
    """BEFORE red, AFTER blue (AFTER on top), on a 300 x 200 canvas that follows the layer tree."""
    from qgis.core import QgsMultiBandColorRenderer, QgsRasterLayer
    from qgis.gui import QgsLayerTreeMapCanvasBridge, QgsMapCanvas
    from qgis.PyQt.QtCore import QSize

    before = QgsRasterLayer(_rgb(tmp_path / "before.tif", RED), "before")
    after = QgsRasterLayer(_rgb(tmp_path / "after.tif", BLUE), "after")
    assert before.isValid() and after.isValid()
    for layer in (before, after):
        layer.setRenderer(QgsMultiBandColorRenderer(layer.dataProvider(), 1, 2, 3))  # no stretch: colours as stored
    project.addMapLayer(before)
    project.addMapLayer(after)
    canvas = QgsMapCanvas()
    canvas.resize(QSize(300, 200))
    canvas.show()
    bridge = QgsLayerTreeMapCanvasBridge(project.layerTreeRoot(), canvas)
    canvas.setDestinationCrs(before.crs())
    ext = before.extent()
    ext.scale(0.5)  # a view well inside both rasters: every canvas pixel shows a layer
    canvas.setExtent(ext)
    yield canvas, before, after
    from qgis.PyQt import sip

    sip.delete(bridge)  # before the canvas: a live bridge would update a deleted canvas on later layer changes
    canvas.close()
    sip.delete(canvas)


def _grab(canvas, item=None):
    """The canvas as drawn (map + canvas items) into an RGB array."""
    from qgis.core import QgsApplication

    canvas.refresh()
    canvas.waitWhileRendering()
    if item is not None:
        item.wait()
    for _ in range(5):
        QgsApplication.processEvents()
    img = canvas.grab().toImage()
    w, h = img.width(), img.height()
    ptr = img.convertToFormat(img.Format_RGB888)
    bpl = ptr.bytesPerLine()
    arr = np.frombuffer(ptr.constBits().asstring(bpl * h), np.uint8).reshape(h, bpl)[:, :w * 3].reshape(h, w, 3)
    return arr


def _colour_fraction(arr, colour, cols) -> float:
    """Share of pixels within 30 of `colour` in the column slice."""
    part = arr[20:-20, cols].astype(int)
    return float((np.abs(part - np.array(colour)).max(axis=2) < 30).mean())


def test_swipe_left_before_right_after(scene, project):
    from terraprompt.plugin.gui.swipe import SwipeController

    canvas, before, after = scene
    arr = _grab(canvas)
    assert _colour_fraction(arr, BLUE, slice(None)) > 0.95  # AFTER is on top before swiping
    sw = SwipeController(canvas, project)
    sw.start(before, after, 0.5)
    root = project.layerTreeRoot()
    assert root.findLayer(before.id()).isVisible() and not root.findLayer(after.id()).isVisible()
    arr = _grab(canvas, sw.item)
    w = arr.shape[1]
    assert _colour_fraction(arr, RED, slice(5, w // 2 - 5)) > 0.95
    assert _colour_fraction(arr, BLUE, slice(w // 2 + 5, w - 5)) > 0.95
    sw.set_fraction(0.2)  # moving the line: more of AFTER shows
    arr = _grab(canvas, sw.item)
    assert _colour_fraction(arr, RED, slice(5, int(w * 0.2) - 5)) > 0.95
    assert _colour_fraction(arr, BLUE, slice(int(w * 0.2) + 5, w - 5)) > 0.95
    canvas.zoomScale(canvas.scale() / 2)  # zooming in: the item re-renders for the new view
    arr = _grab(canvas, sw.item)
    assert _colour_fraction(arr, BLUE, slice(int(w * 0.2) + 5, w - 5)) > 0.95
    sw.stop()
    assert sw.item is None and canvas.mapTool() is None
    assert root.findLayer(after.id()).isVisible() and root.findLayer(before.id()).isVisible()
    arr = _grab(canvas)
    assert _colour_fraction(arr, BLUE, slice(None)) > 0.95  # back as it was
    assert not [i for i in canvas.scene().items() if type(i).__name__ == "SwipeItem"]
    sw.shutdown()


def test_swipe_map_tool_moves_line(scene, project):
    from qgis.core import QgsPointXY
    from qgis.gui import QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent, QPoint, Qt

    from terraprompt.plugin.gui.swipe import SwipeController

    canvas, before, after = scene
    sw = SwipeController(canvas, project)
    sw.start(before, after, 0.5)
    assert canvas.mapTool() is sw.tool
    ev = QgsMapMouseEvent(canvas, QEvent.MouseButtonPress, QPoint(75, 100), Qt.LeftButton, Qt.LeftButton, Qt.NoModifier)
    sw.tool.canvasPressEvent(ev)
    assert abs(sw.fraction - 75 / canvas.width()) < 1e-6 and abs(sw.item.fraction - sw.fraction) < 1e-6
    sw.tool.canvasReleaseEvent(QgsMapMouseEvent(canvas, QEvent.MouseButtonRelease, QPoint(240, 100), Qt.LeftButton,
                                                Qt.NoButton, Qt.NoModifier))
    assert abs(sw.fraction - 240 / canvas.width()) < 1e-6
    assert isinstance(sw.tool.toMapCoordinates(QPoint(1, 1)), QgsPointXY)
    project.removeMapLayer(after.id())  # removing a swiped layer leaves swipe mode
    assert wait_for(lambda: sw.item is None, 5)
    assert project.layerTreeRoot().findLayer(before.id()).isVisible()
    sw.shutdown()


def test_side_by_side_follows_both_ways(scene, project):
    from qgis.core import QgsApplication

    from terraprompt.plugin.gui.swipe import SideBySide

    canvas, before, after = scene
    side = SideBySide(canvas, "after")
    side.start(after)
    view = side.view
    assert side.active and view.isVisible() and view.layers() == [after]
    assert view.mapSettings().destinationCrs() == canvas.mapSettings().destinationCrs()
    assert view.extent().contains(canvas.extent().center())
    canvas.zoomScale(canvas.scale() / 2)  # the main map zooms: the second view follows
    assert abs(view.scale() - canvas.scale()) / canvas.scale() < 0.05
    c = canvas.extent().center()
    view.setCenter(type(c)(c.x() + 50, c.y()))  # panning the second view pans the main map
    assert abs(canvas.extent().center().x() - (c.x() + 50)) < 1
    view.waitWhileRendering()
    img = view.grab().toImage()
    px = img.pixelColor(img.width() // 2, img.height() // 2)
    assert (px.red(), px.green(), px.blue()) == BLUE  # the second view shows AFTER
    closed = []
    side.closed.connect(lambda: closed.append(True))
    view.close()  # closing its window leaves side-by-side mode
    QgsApplication.processEvents()
    assert not side.active and closed
    canvas.zoomScale(canvas.scale() * 2)  # no longer followed, no error


def test_swipe_keeps_result_layers_on_both_sides(scene, project, tmp_path):
    """A result layer above BEFORE and AFTER (a green band across the middle rows) shows left and right of the line."""
    from qgis.core import QgsMultiBandColorRenderer, QgsRasterLayer
    from rasterio.transform import from_origin

    from terraprompt.plugin.gui.swipe import SwipeController

    canvas, before, after = scene
    data = np.empty((3, 8, 64), np.uint8)
    for i, c in enumerate(GREEN):
        data[i] = c
    g = before.extent()
    band = write_raster(str(tmp_path / "result.tif"), data,
                        transform=from_origin(g.xMinimum(), g.center().y() + 4 * g.height() / 64, g.width() / 64, g.height() / 64))
    result = QgsRasterLayer(band, "result")
    result.setRenderer(QgsMultiBandColorRenderer(result.dataProvider(), 1, 2, 3))
    project.addMapLayer(result)  # added last: on top of the layer tree
    sw = SwipeController(canvas, project)
    sw.start(before, after, 0.5)
    try:
        arr = _grab(canvas, sw.item)
        h, w = arr.shape[:2]
        mid = arr[h // 2 - 3:h // 2 + 3]
        green = np.abs(mid.astype(int) - np.array(GREEN)).max(axis=2) < 30
        assert green[:, 5:w // 2 - 5].mean() > 0.95 and green[:, w // 2 + 5:w - 5].mean() > 0.95
        assert _colour_fraction(arr, BLUE, slice(w // 2 + 5, w - 5)) > 0.6  # AFTER still shows right of the line, around the band
        root = project.layerTreeRoot()
        root.findLayer(result.id()).setItemVisibilityChecked(False)  # hiding the result: gone on both sides
        arr = _grab(canvas, sw.item)
        mid = arr[h // 2 - 3:h // 2 + 3]
        assert (np.abs(mid[:, w // 2 + 5:w - 5].astype(int) - np.array(BLUE)).max(axis=2) < 30).mean() > 0.95
    finally:
        sw.shutdown()  # also after a failed assert: a live item on a deleted canvas aborts the process


def _pattern(path, a, b, block=8) -> str:
    """A 64 x 64 RGB checkerboard of two colours in `block`-pixel squares (shows where each part of the raster lands)."""
    yy, xx = np.mgrid[0:64, 0:64]
    board = ((yy // block + xx // block) % 2).astype(bool)
    data = np.empty((3, 64, 64), np.uint8)
    for i in range(3):
        data[i] = np.where(board, a[i], b[i])
    return write_raster(str(path), data)


def _same(arr, ref, cols) -> float:
    """Share of pixels (inner rows, column slice) within 30 of the reference grab."""
    return float((np.abs(arr[5:-5, cols].astype(int) - ref[5:-5, cols].astype(int)).max(axis=2) < 30).mean())


def test_swipe_on_a_rotated_canvas(scene, project, tmp_path):
    """With a rotated canvas the line stays a vertical screen line: left of it the canvas as BEFORE alone draws it,
    right of it as AFTER alone draws it, pixel for pixel (patterned rasters, so a misplaced or unrotated AFTER shows)."""
    from qgis.core import QgsMultiBandColorRenderer

    from terraprompt.plugin.gui.swipe import SwipeController

    canvas, before, after = scene
    for layer, (a, b), block in ((before, (RED, GREEN), 16), (after, (BLUE, (240, 240, 240)), 8)):
        src = _pattern(tmp_path / f"{layer.name()}_pattern.tif", a, b, block)
        layer.setDataSource(src, layer.name(), "gdal")
        layer.setRenderer(QgsMultiBandColorRenderer(layer.dataProvider(), 1, 2, 3))
    canvas.setRotation(30)
    canvas.setCenter(before.extent().center())
    root = project.layerTreeRoot()
    ref_after = _grab(canvas)  # AFTER on top
    root.findLayer(after.id()).setItemVisibilityChecked(False)
    ref_before = _grab(canvas)
    root.findLayer(after.id()).setItemVisibilityChecked(True)
    w = ref_after.shape[1]
    assert _same(ref_before, ref_after, slice(None)) < 0.6  # the two views differ: the test can tell them apart
    sw = SwipeController(canvas, project)
    try:
        for fraction in (0.5, 0.3):
            sw.start(before, after, fraction) if not sw.active else sw.set_fraction(fraction)
            arr = _grab(canvas, sw.item)
            x = int(w * fraction)
            assert _same(arr, ref_before, slice(3, x - 3)) > 0.97, fraction
            assert _same(arr, ref_after, slice(x + 3, w - 3)) > 0.97, fraction
        canvas.setRotation(-45)  # rotating while swiping: the item renders again with the new rotation
        root.findLayer(after.id()).setItemVisibilityChecked(True)
        sw.stop()
        ref_after = _grab(canvas)
        root.findLayer(after.id()).setItemVisibilityChecked(False)
        ref_before = _grab(canvas)
        sw.start(before, after, 0.6)
        canvas.setRotation(30)
        canvas.setRotation(-45)
        arr = _grab(canvas, sw.item)
        x = int(w * 0.6)
        assert _same(arr, ref_before, slice(3, x - 3)) > 0.97
        assert _same(arr, ref_after, slice(x + 3, w - 3)) > 0.97
    finally:
        sw.shutdown()


def test_side_by_side_follows_a_rotated_canvas(scene, project, tmp_path):
    """The second view takes the main canvas's rotation, centre and scale (not its extent, which is the rotated
    view's bounding box), so it draws AFTER exactly as the main canvas would; rotating it turns the main canvas."""
    from qgis.core import QgsMultiBandColorRenderer

    from terraprompt.plugin.gui.swipe import SideBySide

    canvas, before, after = scene
    src = _pattern(tmp_path / "after_pattern.tif", BLUE, (240, 240, 240), 8)
    after.setDataSource(src, "after", "gdal")
    after.setRenderer(QgsMultiBandColorRenderer(after.dataProvider(), 1, 2, 3))
    canvas.setRotation(30)
    canvas.setCenter(before.extent().center())
    side = SideBySide(canvas, "after")
    side.start(after)
    view = side.view
    try:
        view.resize(canvas.size())
        ref = _grab(canvas)  # AFTER on top of the main canvas
        arr = _grab(view)
        assert view.rotation() == 30 and abs(view.scale() - canvas.scale()) / canvas.scale() < 1e-6
        assert view.center().distance(canvas.center()) < canvas.mapUnitsPerPixel()
        assert _same(arr, ref, slice(3, -3)) > 0.97
        canvas.zoomScale(canvas.scale() / 1.5)  # zooming a rotated main canvas: the view keeps its scale, not a wider one
        assert abs(view.scale() - canvas.scale()) / canvas.scale() < 1e-6 and view.rotation() == 30
        view.setRotation(-20)  # rotating the second view turns the main canvas
        assert canvas.rotation() == -20 and abs(view.scale() - canvas.scale()) / canvas.scale() < 1e-6
        assert _same(_grab(view), _grab(canvas), slice(3, -3)) > 0.97
    finally:
        side.stop()
