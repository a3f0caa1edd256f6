"""Map-canvas prompting edge cases on a real QgsMapCanvas (offscreen): web views cutting an object, a rotated map, a box
after panning, space beside the globe, a project CRS change, a box smaller than a pixel."""
from __future__ import annotations

import pytest

from conftest import interactive_tab_on_web_canvas, wait_for
from test_interactive_gui import (TRANSFORM, _click, _drag, _iou, _mask_on_raster, _screen, roofs_in_far_corners,  # noqa: F401
                                  setup, slot_errors)
from test_web_layer import TRANSFORM as WEB, _click_pixel, _quarter, _tiles


def _settled(ctl, timeout=90):
    return wait_for(lambda: ctl.task is None and ctl.session is not None and ctl.session.last is not None
                    and ctl.session.last.complete, timeout)


def _web_rect_iou(geom, r0, c0, r1, c1) -> float:
    """IoU of a preview geometry (EPSG:3857) with the web scene's rectangle rows r0-r1, cols c0-c1."""
    from qgis.core import QgsGeometry, QgsRectangle

    truth = QgsGeometry.fromRect(QgsRectangle(*(WEB * (c0, r1)), *(WEB * (c1, r0))))
    got = QgsGeometry.fromWkt(geom.asWkt())
    return got.intersection(truth).area() / got.combine(truth).area()


@pytest.fixture()
def web_view(plugin, tmp_path, monkeypatch):
    """XYZ tiles of the synthetic scene; yields a function opening the tab on a given view (EPSG:3857 rectangle)."""
    from contextlib import ExitStack

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    uri, masks = _tiles(tmp_path)
    with ExitStack() as stack:
        def open_on(view):
            tab, canvas, layer, xf = stack.enter_context(interactive_tab_on_web_canvas(
                uri, "web tiles", "building", "classical", str(tmp_path / "accepted.gpkg"), "wms", view))
            tab.start_button.setChecked(True)
            return tab, canvas

        yield open_on, masks


def test_an_object_cut_by_the_web_view_is_rendered_wider_and_whole(web_view):
    """The view ends inside object 1 (rows 40-70, cols 50-95; the view rows 0-60, cols 0-75): the layer is rendered
    wider around the view and the whole object is outlined (it was accepted cut, without a word)."""
    from qgis.core import QgsRectangle

    open_on, masks = web_view
    (x0, y1), (x1, y0) = WEB * (0, 0), WEB * (75, 60)
    tab, canvas = open_on(QgsRectangle(x0, y0, x1, y1))
    ctl = tab.controller
    statuses = []
    ctl.changed.connect(statuses.append)
    _click_pixel(canvas, 50, 62)
    assert _settled(ctl), statuses
    assert _web_rect_iou(ctl.preview.band.asGeometry(), 40, 50, 70, 95) > 0.85, statuses
    assert not ctl.session.last.cut_by_view
    assert not any("cut by the map view" in s for s in statuses), statuses
    assert tab.accept() == 1


def test_an_object_larger_than_the_wider_rendering_is_said_to_be_cut(web_view):
    """Zoomed in on the left end of object 1 (rows 40-70, cols 50-95; the view rows 49-61, cols 42-54): even the
    wider rendering (three times the view) cuts it, and the status says so."""
    open_on, masks = web_view
    tab, canvas = open_on(_quarter(49, 42, 12))
    ctl = tab.controller
    _click_pixel(canvas, 55, 52)
    assert _settled(ctl), tab.status.text()
    assert ctl.session.last.cut_by_view
    assert "cut by the map view" in tab.status.text(), tab.status.text()


def test_a_box_on_a_rotated_map_is_the_box_seen_on_screen(setup):
    """On a map rotated 30°, a box dragged tightly around object 3 (rows 180-220, cols 40-65) as seen on screen: the rubber
    band follows the screen rectangle, the box prompt holds the whole object, and the object is found (the two dragged
    corners made another, map-aligned box that cut the object)."""
    from qgis.core import QgsPointXY
    from qgis.gui import QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent, QPoint, Qt
    from qgis.PyQt.QtTest import QTest

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    canvas.setRotation(30.0)
    canvas.refresh()
    wait_for(lambda: False, 0.2)
    try:
        corners = [_screen(canvas, xf, r, c) for r in (179.5, 219.5) for c in (39.5, 64.5)]
        a = QPoint(min(p.x() for p in corners) - 3, min(p.y() for p in corners) - 3)
        b = QPoint(max(p.x() for p in corners) + 3, max(p.y() for p in corners) + 3)
        vp = canvas.viewport()
        QTest.mousePress(vp, Qt.LeftButton, Qt.NoModifier, a)
        tab.tool.canvasMoveEvent(QgsMapMouseEvent(canvas, QEvent.MouseMove, b, Qt.LeftButton, Qt.LeftButton, Qt.NoModifier))
        band = tab.tool._band.asGeometry()
        m2p = canvas.getCoordinateTransform()
        seen = {(round(q.x()), round(q.y())) for q in (m2p.transform(QgsPointXY(v.x(), v.y())) for v in band.vertices())}
        assert seen == {(a.x(), a.y()), (b.x(), a.y()), (a.x(), b.y()), (b.x(), b.y())}, seen  # the screen rectangle
        QTest.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, b)
        assert _settled(ctl)
        x0, y0, x1, y1 = ctl.session.history.box().coords
        (ox0, oy1), (ox1, oy0) = TRANSFORM * (40, 180), TRANSFORM * (65, 220)
        assert x0 <= ox0 and y0 <= oy0 and x1 >= ox1 and y1 >= oy1, "the box holds the whole object"
        assert _iou(_mask_on_raster(ctl), masks[3]) > 0.8
    finally:
        canvas.setRotation(0.0)


def test_a_box_far_from_the_encoded_window_encodes_the_new_view_only(plugin, tmp_path, monkeypatch):
    """Accept a roof, pan to the far corner of the raster and drag a box around a roof there: the new view is encoded
    on its own, as a click does (the window grew over everything between, encoded coarser)."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    n = 1024
    path, view = roofs_in_far_corners(tmp_path, n)
    with interactive_tab_on_web_canvas(path, "big", "building", "classical", str(tmp_path / "accepted.gpkg"),
                                       extent=view(0, 0, 256, 256)) as (tab, canvas, layer, xf):
        tab.start_button.setChecked(True)
        ctl = tab.controller
        _click(canvas, _screen(canvas, xf, 55, 70))
        assert _settled(ctl)
        QTest.keyClick(canvas, Qt.Key_Return)
        canvas.setExtent(xf.transformBoundingBox(view(n - 256, n - 256, n, n)))
        canvas.refresh()
        wait_for(lambda: False, 0.2)
        _drag(canvas, _screen(canvas, xf, n - 75, n - 100), _screen(canvas, xf, n - 35, n - 45))
        assert _settled(ctl, 300)
        w = ctl.session.window
        assert w.width < 512 and w.height < 512 and w.col_off > n - 512, w
        assert ctl.session.last.mask.sum() == pytest.approx(30 * 45, rel=0.1)


def test_a_box_after_panning_a_web_layer_renders_the_new_view(web_view):
    """Web layer: accept object 1, pan to object 3 (rows 180-220, cols 40-65, outside the first rendered view) and drag
    a box around it: the new view is rendered and segmented (it was refused: 'The box lies outside the raster')."""
    from qgis.core import QgsPointXY
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtTest import QTest

    open_on, masks = web_view
    tab, canvas = open_on(_quarter(0, 0))
    ctl = tab.controller
    _click_pixel(canvas, 55, 72)
    assert _settled(ctl)
    QTest.keyClick(canvas, Qt.Key_Return)
    canvas.setExtent(_quarter(128, 0))
    canvas.refresh()
    wait_for(lambda: False, 0.2)

    def at(r, c):
        p = canvas.getCoordinateTransform().transform(QgsPointXY(*(WEB * (c, r))))
        return QPoint(int(round(p.x())), int(round(p.y())))

    _drag(canvas, at(176, 36), at(224, 69))
    assert _settled(ctl), tab.status.text()
    assert "outside" not in tab.status.text(), tab.status.text()
    assert _web_rect_iou(ctl.preview.band.asGeometry(), 180, 40, 220, 65) > 0.8


@pytest.mark.parametrize("crs, extent", [
    ("+proj=ortho +lat_0=40.6 +lon_0=15 +datum=WGS84 +units=m +no_defs", (-9e6, -9e6, 9e6, 9e6)),
    ("ESRI:54009", (-2.2e7, -1.1e7, 2.2e7, 1.1e7)),
])
def test_a_prompt_in_space_beside_the_globe_is_refused_with_a_message(setup, slot_errors, crs, extent):
    """An orthographic or Mollweide project CRS: a click or a box in space beside the globe (no place in the raster's
    CRS) says the prompt lies outside the raster instead of raising in the Qt slot."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle
    from qgis.PyQt.QtCore import QPoint

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    world = (QgsCoordinateReferenceSystem.fromProj(crs) if crs.startswith("+") else QgsCoordinateReferenceSystem(crs))
    assert world.isValid()
    canvas.setDestinationCrs(world)
    canvas.setExtent(QgsRectangle(*extent))
    canvas.refresh()
    wait_for(lambda: False, 0.2)
    _click(canvas, QPoint(3, 3))
    assert not slot_errors, slot_errors[0]
    assert "outside the raster" in tab.status.text(), tab.status.text()
    tab.status.setText("")
    _drag(canvas, QPoint(3, 3), QPoint(40, 40))
    assert not slot_errors, slot_errors[0]
    assert "outside the raster" in tab.status.text(), tab.status.text()
    assert ctl.task is None and ctl.session is None


def test_the_preview_follows_a_project_crs_change(setup):
    """The mask and the dashed straight outline are drawn again when the project CRS changes (they kept the old CRS's
    coordinates and left the roof while Enter still accepted it)."""
    from qgis.core import QgsCoordinateReferenceSystem

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    tab.straight_check.setChecked(True)
    try:
        _click(canvas, _screen(canvas, xf, 55, 70))
        assert _settled(ctl)
        assert not ctl.preview.outline.asGeometry().isEmpty()
        canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:32633"))  # the raster's own CRS
        canvas.setExtent(layer.extent())
        canvas.refresh()
        wait_for(lambda: False, 0.2)
        cx, cy = TRANSFORM * (72.5, 55)
        for band in (ctl.preview.band, ctl.preview.outline):
            c = band.asGeometry().centroid().asPoint()
            assert abs(c.x() - cx) < 3 and abs(c.y() - cy) < 3, (c, cx, cy)
        assert tab.accept() == 1
    finally:
        tab.straight_check.setChecked(False)  # the box is remembered in the settings


def test_a_box_under_two_raster_pixels_is_a_click_at_its_centre(setup):
    """Zoomed in to a few raster pixels, a short drag makes a box far smaller than a pixel: it is taken as a click at its
    centre, and the status says so (it gave 'No object under the prompts.')."""
    from qgis.core import QgsPointXY, QgsRectangle
    from qgis.PyQt.QtCore import QPoint

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    x, y = TRANSFORM * (72.5, 55.5)
    canvas.setExtent(xf.transformBoundingBox(QgsRectangle(x - 1, y - 1, x + 1, y + 1)))
    canvas.refresh()
    wait_for(lambda: False, 0.2)
    p = canvas.getCoordinateTransform().transform(xf.transform(QgsPointXY(x, y)))
    a = QPoint(int(p.x()), int(p.y()))
    _drag(canvas, a, a + QPoint(10, 10))
    assert _settled(ctl), tab.status.text()
    assert ctl.session.history.box() is None and ctl.session.history.n_positive == 1
    assert "taken as a click" in tab.status.text(), tab.status.text()
    assert _iou(_mask_on_raster(ctl), masks[1]) > 0.85
