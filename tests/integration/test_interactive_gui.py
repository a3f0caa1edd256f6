"""Interactive tab and map tool on a real QgsMapCanvas (offscreen): simulated mouse and keys, canvas CRS ≠ raster CRS."""
from __future__ import annotations

import os
import sys

import fiona
import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import interactive_tab_on_web_canvas, wait_for, write_raster

TRANSFORM = from_origin(500000, 4500000, 0.5, 0.5)


@pytest.fixture()
def setup(plugin, tmp_path, monkeypatch):
    """A raster in EPSG:32633 shown on a canvas in EPSG:3857, and the tab with its tool active."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    data, masks = scene(h=256, w=256)
    path = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    # flat synthetic shapes: the classical engine is exact there (the network is not)
    with interactive_tab_on_web_canvas(path, "img", "building", "classical", str(tmp_path / "accepted.gpkg")) as (tab, canvas, layer, xf):
        tab.start_button.setChecked(True)
        assert canvas.mapTool() is tab.tool
        yield tab, canvas, layer, masks, xf, tmp_path


def _screen(canvas, xf, r, c):
    """Canvas pixel of raster pixel (row, col)."""
    from qgis.core import QgsPointXY
    from qgis.PyQt.QtCore import QPoint

    x, y = TRANSFORM * (c + 0.5, r + 0.5)
    p = canvas.getCoordinateTransform().transform(xf.transform(QgsPointXY(x, y)))
    return QPoint(int(round(p.x())), int(round(p.y())))


def _click(canvas, pos, button=None, modifier=None):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    QTest.mouseClick(canvas.viewport(), button or Qt.LeftButton, modifier or Qt.NoModifier, pos)


def _mask_on_raster(controller):
    """The preview mask pasted on the full raster grid."""
    res = controller.session.last
    out = np.zeros((256, 256), bool)
    w = res.window
    out[w.row_off:w.row_off + w.height, w.col_off:w.col_off + w.width] = res.mask
    return out


def _iou(a, b):
    return (a & b).sum() / max((a | b).sum(), 1)


def test_click_undo_redo_accept(setup):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    first = _mask_on_raster(ctl)
    assert _iou(first, masks[1]) > 0.85
    assert not ctl.preview.band.asGeometry().isEmpty()
    # preview drawn in the canvas CRS: its centre is near the clicked object's centre
    c = ctl.preview.band.asGeometry().centroid().asPoint()
    from qgis.core import QgsPointXY

    expect = xf.transform(QgsPointXY(*(TRANSFORM * (72.5, 55))))
    assert abs(c.x() - expect.x()) < 5 and abs(c.y() - expect.y()) < 5
    # a second positive click on another object, then a negative (right) click on it
    _click(canvas, _screen(canvas, xf, 150, 170))
    two = (_mask_on_raster(ctl) & masks[2]).sum()
    assert two > 0.8 * masks[2].sum()
    _click(canvas, _screen(canvas, xf, 140, 160), Qt.RightButton)
    assert ctl.session.history.n_negative == 1
    assert (_mask_on_raster(ctl) & masks[2]).sum() < 0.9 * two  # the negative took its side of the object away
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)  # undo the negative
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)  # undo the second positive
    assert ctl.session.history.n_positive == 1
    assert np.array_equal(_mask_on_raster(ctl), first)
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)  # redo the second positive
    assert ctl.session.history.n_positive == 2
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)
    QTest.keyClick(canvas, Qt.Key_Return)
    out = tmp / "accepted.gpkg"
    assert wait_for(lambda: out.exists(), 10)
    with fiona.open(str(out)) as fc:
        feats = list(fc)
    assert len(feats) == 1
    p = feats[0]["properties"]
    assert p["object_id"] == 1 and p["class"] == "building" and p["n_positive"] == 1 and p["n_negative"] == 0
    assert p["prompt_type"] == "points" and p["source"] == "img.tif" and len(p["model_sha256"]) == 64
    assert abs(p["area_m2"] - masks[1].sum() * 0.25) < 0.15 * masks[1].sum() * 0.25
    assert ctl.output_layer is not None and ctl.output_layer.featureCount() == 1
    # next object: drag a box around object 3, accept with the button
    _drag(canvas, _screen(canvas, xf, 175, 35), _screen(canvas, xf, 224, 70))
    assert ctl.session.history.prompt_type() == "box"
    assert _iou(_mask_on_raster(ctl), masks[3]) > 0.8
    assert tab.accept() == 2
    ctl.output_layer.reload()
    assert ctl.output_layer.featureCount() == 2


def _drag(canvas, a, b):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    vp = canvas.viewport()
    QTest.mousePress(vp, Qt.LeftButton, Qt.NoModifier, a)
    mid = a + (b - a) / 2
    from qgis.gui import QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent

    canvas.mapTool().canvasMoveEvent(QgsMapMouseEvent(canvas, QEvent.MouseMove, mid, Qt.LeftButton, Qt.LeftButton, Qt.NoModifier))
    QTest.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, b)


def test_click_outside_raster_is_reported(setup):
    from qgis.PyQt.QtCore import QPoint

    tab, canvas, layer, masks, xf, tmp = setup
    canvas.zoomByFactor(4.0)  # the raster now covers only the middle of the view
    canvas.refresh()
    wait_for(lambda: False, 0.2)
    _click(canvas, QPoint(3, 3))
    assert wait_for(lambda: "outside the raster" in tab.status.text(), 30), tab.status.text()
    assert tab.controller.session is None and tab.controller.task is None  # refused before encoding anything
    assert tab.accept() is None and not (tmp / "accepted.gpkg").exists()


def test_object_cut_by_the_view_is_completed_off_the_gui_thread(setup, monkeypatch):
    import threading

    from qgis.core import QgsRectangle

    from terraprompt.plugin.core.interactive.session import InteractiveSession

    tab, canvas, layer, masks, xf, tmp = setup
    encoded_on = []
    original = InteractiveSession.encode

    def encode(self):
        if self.needs_encoding():
            encoded_on.append(threading.current_thread() is threading.main_thread())
        return original(self)

    monkeypatch.setattr(InteractiveSession, "encode", encode)
    statuses = []
    tab.controller.changed.connect(statuses.append)
    # the view shows rows 0-60, cols 0-75 of the raster: object 1 (rows 40-70, cols 50-95) is cut by its corner
    x0, y1 = TRANSFORM * (0, 0)
    x1, y0 = TRANSFORM * (75, 60)
    canvas.setExtent(xf.transformBoundingBox(QgsRectangle(x0, y0, x1, y1)))
    canvas.refresh()
    wait_for(lambda: False, 0.2)
    ctl = tab.controller
    _click(canvas, _screen(canvas, xf, 50, 60))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None and ctl.task is None
                    and ctl.session.last.complete and ctl.session.last.window.width > 75, 90), (statuses, encoded_on)
    assert any("whole object" in s for s in statuses), statuses
    assert _iou(_mask_on_raster(ctl), masks[1]) > 0.85
    assert len(encoded_on) >= 2 and not any(encoded_on), encoded_on  # the view, then the grown window: both in tasks
    assert tab.accept() == 1


def test_sam_pair_from_the_model_field_and_a_bad_model_file(setup):
    """The Model field takes a SAM encoder path: the click decodes through the adapter; a broken file gets a clear message."""
    import tiny_sam
    from qgis.PyQt.QtWidgets import QToolButton

    tab, canvas, layer, masks, xf, tmp = setup
    completer = tab.model_edit.completer()
    completer.setCompletionPrefix("cla")
    assert completer.currentCompletion() == "classical"
    assert isinstance(tab.model_button, QToolButton) and tab.model_button.isEnabled()
    enc = tiny_sam.encoder(str(tmp / "tiny_encoder.onnx"))
    tiny_sam.decoder(str(tmp / "tiny_decoder.onnx"))
    tab.model_edit.setText(enc)
    tab.start_button.setChecked(False)
    tab.start_button.setChecked(True)  # the tool picks up the dock's choices
    ctl = tab.controller
    _click(canvas, _screen(canvas, xf, 128, 128))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None and ctl.task is None, 60), tab.status.text()
    assert "SAM" in ctl.engine.label and _mask_on_raster(ctl)[128, 128]  # the tiny decoder's disk around the click
    bad = tmp / "broken_encoder.onnx"
    bad.write_bytes(b"not an onnx file")
    (tmp / "broken_decoder.onnx").write_bytes(b"not an onnx file either")
    tab.model_edit.setText(str(bad))
    tab.start_button.setChecked(False)
    tab.start_button.setChecked(True)
    _click(canvas, _screen(canvas, xf, 128, 128))
    assert wait_for(lambda: ctl.task is None and ctl.session is None and "broken_encoder" in tab.status.text(), 60), tab.status.text()


def test_straight_outlines_in_the_preview_and_the_accepted_object(setup):
    """The dock's 'Straight outlines' box: the squared outline appears at once as a dashed line over the mask (which the
    next click still edits), and Accept writes it."""
    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    tab.straight_check.setChecked(False)
    _click(canvas, _screen(canvas, xf, 150, 170))  # the disk: a traced outline of many corners
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    traced = ctl.preview.band.asGeometry()
    assert traced.constGet().nCoordinates() > 20
    assert ctl.preview.outline.asGeometry().isEmpty()
    try:
        tab.straight_check.setChecked(True)
        assert ctl.preview.band.asGeometry().constGet().nCoordinates() == traced.constGet().nCoordinates()
        squared = ctl.preview.outline.asGeometry()
        assert 5 <= squared.constGet().nCoordinates() <= 10
        assert abs(squared.length() - traced.length()) < 0.3 * traced.length()
        assert tab.accept() == 1
        with fiona.open(str(tmp / "accepted.gpkg")) as fc:
            ring = next(iter(fc))["geometry"]["coordinates"][0][0]
        assert len(ring) <= 9
    finally:
        tab.straight_check.setChecked(False)  # the box is remembered in the settings


def test_ctrl_z_right_after_enter_takes_the_object_back(setup):
    """Ctrl+Z after Enter removes the accepted object from the file and puts its prompts back, to edit and accept again."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    out = str(tmp / "accepted.gpkg")
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    first = _mask_on_raster(ctl)
    QTest.keyClick(canvas, Qt.Key_Return)
    assert wait_for(lambda: os.path.exists(out), 10)
    assert ctl.output_layer.featureCount() == 1 and not len(ctl.session.history)
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)
    with fiona.open(out) as fc:
        assert len(list(fc)) == 0
    assert ctl.output_layer.featureCount() == 0
    assert ctl.session.history.n_positive == 1 and np.array_equal(_mask_on_raster(ctl), first)
    assert "taken back" in tab.status.text()
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)  # then Ctrl+Z undoes the click as before
    assert not len(ctl.session.history)
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    QTest.keyClick(canvas, Qt.Key_Return)
    with fiona.open(out) as fc:
        assert [f["properties"]["object_id"] for f in fc] == [1]
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)  # a take-back after a reload of the file
    QTest.keyClick(canvas, Qt.Key_Escape)
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)  # nothing left to take back: nothing happens
    with fiona.open(out) as fc:
        assert len(list(fc)) == 0


def test_no_overlap_keeps_a_second_object_off_the_first(setup):
    """'No overlap': a roof accepted twice is refused the second time, with its prompts kept; unticked, it is added."""
    from shapely.geometry import shape

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    out = str(tmp / "accepted.gpkg")
    tab.overlap_check.setChecked(True)
    try:
        _click(canvas, _screen(canvas, xf, 55, 70))
        assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
        assert tab.accept() == 1
        _click(canvas, _screen(canvas, xf, 56, 72))  # the same roof again
        assert wait_for(lambda: ctl.session.last is not None and not ctl.session.last.empty)
        assert tab.accept() is None and len(ctl.session.history) == 1  # refused, the prompts kept
        tab.overlap_check.setChecked(False)
        assert tab.accept() == 2  # untick to add it anyway
    finally:
        tab.overlap_check.setChecked(False)  # the box is remembered in the settings
    with fiona.open(out) as fc:
        geoms = [shape(f["geometry"]) for f in fc]
    assert len(geoms) == 2 and geoms[0].intersection(geoms[1]).area > 0.9 * geoms[0].area


def _accept_roof_by_click(path: str, name: str, out, masks, crs: str = "") -> tuple[int, str]:
    """Click where QGIS draws roof 1 of the scene (canvas in EPSG:3857; ``crs`` set on the layer), check the mask, accept,
    and check that the accepted polygon lies on the roof; returns the objects layer's fill alpha and outline colour."""
    from shapely.geometry import shape

    with interactive_tab_on_web_canvas(path, name, "building", "classical", str(out), crs=crs) as (tab, canvas, layer, xf):
        tab.start_button.setChecked(True)
        ctl = tab.controller
        _click(canvas, _screen(canvas, xf, 55, 70))
        assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
        assert _iou(_mask_on_raster(ctl), masks[1]) > 0.85
        assert tab.accept() == 1
        symbol = ctl.output_layer.renderer().symbol()
        style = symbol.color().alpha(), symbol.symbolLayer(0).strokeColor().name()
    with fiona.open(str(out)) as fc:
        (feat,) = list(fc)
    got = shape(feat["geometry"]).centroid
    rows, cols = np.nonzero(masks[1])
    x, y = TRANSFORM * (cols.mean() + 0.5, rows.mean() + 0.5)
    assert abs(got.x - x) < 1.0 and abs(got.y - y) < 1.0
    return style


def test_a_raster_placed_by_gcps_is_clicked_where_qgis_draws_it(plugin, tmp_path, monkeypatch):
    """The scene stored upside down and mirrored, with no geotransform, placed by ground control points (as a
    descending Sentinel-1 GRD file is): a click where QGIS draws an object segments that object, and the accepted
    polygon lies on it on the map."""
    import rasterio
    from rasterio.control import GroundControlPoint

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    data, masks = scene(h=256, w=256)
    gcps = [GroundControlPoint(row=r, col=c, x=TRANSFORM.c + (256 - c) * 0.5, y=TRANSFORM.f - (256 - r) * 0.5)
            for r in (0, 128, 256) for c in (0, 128, 256)]
    path = str(tmp_path / "placed_by_gcps.tif")
    with rasterio.open(path, "w", driver="GTiff", width=256, height=256, count=data.shape[0], dtype="uint8", gcps=gcps,
                       crs="EPSG:32633") as ds:
        ds.write(np.ascontiguousarray(data.astype(np.uint8)[:, ::-1, ::-1]))
    out = tmp_path / "accepted.gpkg"
    _accept_roof_by_click(path, "gcps", out, masks)


def test_a_raster_is_clicked_in_the_crs_set_on_its_layer(plugin, tmp_path, monkeypatch):
    """A file that states a wrong CRS (the next UTM zone), corrected on its layer in QGIS: a click where QGIS draws a roof
    segments it and the accepted polygon lies on it, in the layer's CRS (it was written in the file's, 500 km away)."""
    import rasterio

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    data, masks = scene(h=256, w=256)
    path = str(tmp_path / "wrong_zone.tif")
    with rasterio.open(path, "w", driver="GTiff", width=256, height=256, count=data.shape[0], dtype="uint8",
                       transform=TRANSFORM, crs="EPSG:32634") as ds:
        ds.write(data.astype(np.uint8))
    out = tmp_path / "accepted.gpkg"
    fill_alpha, outline = _accept_roof_by_click(path, "corrected", out, masks, crs="EPSG:32633")
    assert fill_alpha < 60 and outline == "#ffe600"  # outlined like similar objects, not an opaque random fill
    with fiona.open(str(out)) as fc:
        assert fc.crs_wkt and rasterio.crs.CRS.from_wkt(fc.crs_wkt).to_epsg() == 32633


@pytest.fixture()
def slot_errors():
    """Exceptions raised in Qt slots (QGIS shows each in its Python error dialog), collected."""
    import traceback

    errors, old = [], sys.excepthook
    sys.excepthook = lambda kind, value, tb: errors.append("".join(traceback.format_exception(kind, value, tb)))
    yield errors
    sys.excepthook = old


def _ids(path) -> list:
    if not os.path.exists(str(path)):
        return []
    with fiona.open(str(path), layer="objects") as fc:
        return [f["properties"]["object_id"] for f in fc]


def _keys(canvas, *keys):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    for k in keys:
        key, mod = k if isinstance(k, tuple) else (k, Qt.NoModifier)
        QTest.keyClick(canvas, key, mod)


def test_enter_after_the_objects_layer_was_removed_writes_the_object_once(setup, slot_errors):
    """The analyst removes the objects layer from the Layers panel: the next Enter writes the object once, clears the
    prompts and adds the layer again (it raised on the deleted layer, leaving the prompts, so Enter wrote a copy)."""
    from qgis.core import QgsProject
    from qgis.PyQt.QtCore import Qt

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    out = tmp / "accepted.gpkg"
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    _keys(canvas, Qt.Key_Return)
    QgsProject.instance().removeMapLayer(ctl.output_layer.id())
    assert ctl.output_layer is None
    _click(canvas, _screen(canvas, xf, 150, 170))
    assert wait_for(lambda: ctl.session.last is not None)
    _keys(canvas, Qt.Key_Return, Qt.Key_Return)  # the second finds nothing left to accept
    assert not slot_errors, slot_errors[0]
    assert _ids(out) == [1, 2]
    assert not len(ctl.session.history) and ctl.preview.band.asGeometry().isEmpty()
    assert ctl.output_layer is not None and ctl.output_layer.featureCount() == 2  # added to the project again
    _keys(canvas, (Qt.Key_Z, Qt.ControlModifier))  # taken back through the layer added again
    assert _ids(out) == [1] and ctl.output_layer.featureCount() == 1
    assert not slot_errors, slot_errors[0]


def test_undo_back_to_a_lone_negative_click_leaves_nothing_to_accept(setup, slot_errors):
    """Right click first (no object yet), left click on a roof, Ctrl+Z: the negative click alone makes no object, so
    the preview is cleared and Enter writes nothing (it raised, kept the undone mask and Enter wrote it, n_positive 0)."""
    from qgis.PyQt.QtCore import Qt

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    _click(canvas, _screen(canvas, xf, 5, 5), Qt.RightButton)
    assert wait_for(lambda: ctl.session is not None and ctl.task is None)
    assert "no positive click" in tab.status.text()
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session.last is not None)
    _keys(canvas, (Qt.Key_Z, Qt.ControlModifier))
    assert not slot_errors, slot_errors[0]
    assert ctl.session.last is None and ctl.preview.band.asGeometry().isEmpty()
    assert "No positive prompt" in tab.status.text(), tab.status.text()
    _keys(canvas, Qt.Key_Return)
    assert not (tmp / "accepted.gpkg").exists()
    _keys(canvas, (Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier))  # redo: the roof again
    assert ctl.session.last is not None and _iou(_mask_on_raster(ctl), masks[1]) > 0.85
    assert not slot_errors, slot_errors[0]


def test_fixing_the_layer_crs_mid_session_starts_again_in_the_new_crs(setup, tmp_path):
    """The layer's CRS corrected in Layer Properties while prompting: the session (encoded and clicked in the old CRS) is
    dropped, and the roof clicked where QGIS now draws it is written in the new CRS (it was written in the old one)."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject
    from qgis.PyQt.QtCore import Qt

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    layer.setCrs(QgsCoordinateReferenceSystem("EPSG:32634"))
    assert ctl.session is None and ctl.preview.band.asGeometry().isEmpty()
    assert "changed" in tab.status.text()
    xf = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance())
    canvas.setExtent(xf.transformBoundingBox(layer.extent()))
    canvas.refresh()
    wait_for(lambda: False, 0.2)
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    assert _iou(_mask_on_raster(ctl), masks[1]) > 0.85
    _keys(canvas, Qt.Key_Return)
    import rasterio

    with fiona.open(str(tmp / "accepted.gpkg")) as fc:
        assert rasterio.crs.CRS.from_wkt(fc.crs_wkt).to_epsg() == 32634
    # a new file behind the layer (Layer Properties > Source) drops the session too
    _click(canvas, _screen(canvas, xf, 150, 170))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    layer.setDataSource(layer.source(), layer.name(), "gdal")
    assert ctl.session is None and ctl.preview.band.asGeometry().isEmpty()


def test_enter_accepts_the_mask_shown_when_the_model_or_device_was_changed(setup):
    """A new model typed (or device chosen) in the dock while a mask is shown: Enter writes that mask, made with the
    engine it was made with, and the new choice applies to the next object (Enter dropped the mask)."""
    from qgis.PyQt.QtCore import Qt

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    engine = ctl.engine.label
    device = tab.device_combo.currentIndex()
    try:
        tab.model_edit.setText("network")
        tab.device_combo.setCurrentIndex(1 if device != 1 else 0)
        _keys(canvas, Qt.Key_Return)
        with fiona.open(str(tmp / "accepted.gpkg")) as fc:
            (feat,) = list(fc)
        assert feat["properties"]["model"] == engine and feat["properties"]["n_positive"] == 1
        assert ctl.model == "network" and ctl.session is None  # the next click encodes with the new model
    finally:
        tab.device_combo.setCurrentIndex(device)
        tab.model_edit.setText("classical")
        tab.apply_choices()


def test_ctrl_z_takes_an_object_back_only_right_after_enter(setup):
    """After Enter then Esc, or Enter then a click on the next object (undone), Ctrl+Z leaves the accepted object in
    the file (it took it out)."""
    from qgis.PyQt.QtCore import Qt

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    out = tmp / "accepted.gpkg"
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    _keys(canvas, Qt.Key_Return, Qt.Key_Escape, (Qt.Key_Z, Qt.ControlModifier))
    assert _ids(out) == [1]
    _click(canvas, _screen(canvas, xf, 150, 170))
    assert wait_for(lambda: ctl.session.last is not None)
    _keys(canvas, Qt.Key_Return)
    _click(canvas, _screen(canvas, xf, 200, 50))
    assert wait_for(lambda: ctl.session.last is not None)
    _keys(canvas, (Qt.Key_Z, Qt.ControlModifier), (Qt.Key_Z, Qt.ControlModifier))
    assert _ids(out) == [1, 2] and not len(ctl.session.history)


def test_a_click_with_the_raster_out_of_view_is_refused_before_encoding(setup):
    """The view panned off the raster: a click there says so at once instead of encoding the whole raster first."""
    from qgis.core import QgsPointXY, QgsRectangle

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    ext = layer.extent()
    off = QgsRectangle(ext.xMaximum() + 500, ext.yMinimum(), ext.xMaximum() + 500 + ext.width(), ext.yMaximum())
    canvas.setExtent(xf.transformBoundingBox(off))
    canvas.refresh()
    wait_for(lambda: False, 0.2)
    centre = canvas.getCoordinateTransform().transform(QgsPointXY(canvas.extent().center()))
    from qgis.PyQt.QtCore import QPoint

    _click(canvas, QPoint(int(centre.x()), int(centre.y())))
    assert ctl.task is None and ctl.session is None  # nothing encoded
    assert "outside the raster" in tab.status.text(), tab.status.text()



def roofs_in_far_corners(tmp_path, n: int):
    """A grey n x n RGB raster with a bright 30 x 45 px roof near its top-left and its bottom-right corner; returns its
    path and view(r0, c0, r1, c1), the QgsRectangle of those rows and columns."""
    from qgis.core import QgsRectangle

    data = (60 + np.random.default_rng(0).normal(0, 4, (3, n, n))).astype(np.uint8)
    data[:, 40:70, 50:95] = 200
    data[:, n - 70:n - 40, n - 95:n - 50] = 200
    path = write_raster(str(tmp_path / "big.tif"), data, crs="EPSG:32633", transform=TRANSFORM)

    def view(r0, c0, r1, c1):
        (x0, y1), (x1, y0) = TRANSFORM * (c0, r0), TRANSFORM * (c1, r1)
        return QgsRectangle(x0, y0, x1, y1)

    return path, view

def test_a_click_far_from_the_encoded_window_encodes_the_new_view_only(plugin, tmp_path, monkeypatch):
    """Accept a roof, pan to the far corner of a large raster, click a roof there: the new view is encoded on its own,
    not the window grown to cover both places (the whole raster)."""
    from qgis.PyQt.QtCore import Qt

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    n = 2048
    path, view = roofs_in_far_corners(tmp_path, n)
    with interactive_tab_on_web_canvas(path, "big", "building", "classical", str(tmp_path / "accepted.gpkg"),
                                       extent=view(0, 0, 256, 256)) as (tab, canvas, layer, xf):
        tab.start_button.setChecked(True)
        ctl = tab.controller
        _click(canvas, _screen(canvas, xf, 55, 70))
        assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
        assert ctl.session.window.width < 512
        _keys(canvas, Qt.Key_Return)
        canvas.setExtent(xf.transformBoundingBox(view(n - 256, n - 256, n, n)))
        canvas.refresh()
        wait_for(lambda: False, 0.2)
        _click(canvas, _screen(canvas, xf, n - 55, n - 70))
        assert wait_for(lambda: ctl.task is None and ctl.session is not None and ctl.session.last is not None, 300)
        w = ctl.session.window
        assert w.width < 512 and w.height < 512 and w.col_off > n - 512, w
        assert ctl.session.last.mask.sum() == pytest.approx(30 * 45, rel=0.1)


def test_undo_while_the_view_is_encoding_drops_the_waiting_click(setup):
    """Click then Ctrl+Z before the view is encoded: the click is dropped (it was decoded afterwards), and the status
    no longer says 'Encoding' once the encoding is done."""
    from qgis.PyQt.QtCore import Qt

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert ctl.task is not None  # encoding in its task
    _keys(canvas, (Qt.Key_Z, Qt.ControlModifier))
    assert wait_for(lambda: ctl.task is None and ctl.session is not None)
    assert not len(ctl.session.history) and ctl.session.last is None and ctl.preview.band.asGeometry().isEmpty()
    assert "Encoding" not in tab.status.text(), tab.status.text()
    _keys(canvas, Qt.Key_Return)
    assert not (tmp / "accepted.gpkg").exists()


def test_switching_the_raster_while_encoding_updates_the_status(setup):
    """Another raster chosen while the view is encoding: the encoding stops and the status says so (it kept saying
    'Encoding the view…')."""
    from qgis.core import QgsProject, QgsRasterLayer

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert ctl.task is not None and "Encoding" in tab.status.text()
    other = QgsRasterLayer(layer.source(), "copy", "gdal")
    QgsProject.instance().addMapLayer(other)
    tab.layer_combo.setLayer(other)
    assert ctl.task is None and ctl.session is None
    assert tab.status.text() == "Encoding stopped.", tab.status.text()


def test_the_dock_leaves_no_rubber_band_on_the_canvas(plugin, tmp_path, monkeypatch):
    """Each Interactive tab shut down (dock closed, plugin reloaded) takes all its rubber bands off the canvas."""
    import qgis.utils
    from qgis.gui import QgsRubberBand

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    data, _ = scene(h=256, w=256)
    path = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    canvas = qgis.utils.iface.mapCanvas()

    def bands():
        return sum(isinstance(i, QgsRubberBand) for i in canvas.scene().items())

    before = bands()
    for _ in range(2):
        with interactive_tab_on_web_canvas(path, "img", "building", "classical", str(tmp_path / "o.gpkg")) as (tab, cv, _l, xf):
            tab.start_button.setChecked(True)
            _click(cv, _screen(cv, xf, 55, 70))
            assert wait_for(lambda: tab.controller.session is not None and tab.controller.session.last is not None)
    assert bands() == before


def test_a_raster_whose_file_is_gone_is_reported_on_click(setup, slot_errors):
    """The raster's file deleted while its layer is still in the project: a click says so in the status and the message
    bar instead of raising."""
    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    os.remove(layer.source().split("|")[0])
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert not slot_errors, slot_errors[0]
    assert ctl.task is None and ctl.session is None
    assert "no longer exists" in tab.status.text(), tab.status.text()
