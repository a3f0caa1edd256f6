"""Text in the Interactive tab on a real QgsMapCanvas (offscreen, canvas CRS ≠ raster CRS): find, accept, reject, refine."""
from __future__ import annotations

import sys

import fiona
import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import find_in_tab, lakes_tab, wait_for

TRANSFORM = from_origin(500000, 4500000, 10, 10)


@pytest.fixture()
def setup(plugin, tmp_path, monkeypatch):
    """A 13-band scene with lakes in EPSG:32633 on a canvas in EPSG:3857, and the Interactive tab."""
    with lakes_tab(tmp_path, monkeypatch) as (tab, canvas, _, masks, xf):
        yield tab, canvas, masks, xf, tmp_path


def _features(path):
    with fiona.open(str(path)) as fc:
        return [f["properties"] for f in fc]


def _on_raster(controller):
    res = controller.session.last
    out = np.zeros((200, 200), bool)
    w = res.window
    out[w.row_off:w.row_off + w.height, w.col_off:w.col_off + w.width] = res.mask
    return out


def test_find_accept_reject(setup):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab, canvas, masks, xf, tmp = setup
    panel = find_in_tab(tab, "water")
    assert panel.list.count() == 2 and "2 found" in tab.status.text(), tab.status.text()
    assert not panel.outlines.all.asGeometry().isEmpty()
    # the outlines are drawn in the canvas CRS: their extent is the lakes' extent transformed to EPSG:3857
    from qgis.core import QgsRectangle

    lakes = xf.transformBoundingBox(QgsRectangle(*(TRANSFORM * (31, 171)), *(TRANSFORM * (150, 30))))
    box = panel.outlines.all.asGeometry().boundingBox()
    assert abs(box.xMinimum() - lakes.xMinimum()) < 15 and abs(box.yMaximum() - lakes.yMaximum()) < 15
    panel.list.item(1).setSelected(True)
    assert not panel.outlines.selected.asGeometry().isEmpty()
    tab.controller.reset()  # e.g. another model chosen in the dock: the candidates can still be accepted
    assert panel.accept(panel.selected_rows()) == [1]
    props = _features(tmp / "accepted.gpkg")
    assert len(props) == 1
    p = props[0]
    assert p["prompt_type"] == "text" and p["class"] == "water" and p["object_id"] == 1
    assert p["n_positive"] == 0 and p["n_negative"] == 0 and p["source"] == "s2.tif" and p["created_utc"]
    # ENGINE=auto: the land-cover network for 13-band water (model card auto_water), close to the true shapes, not exact
    assert p["model"] and len(p["model_sha256"]) == 64 and p["score"] > 0.9
    assert p["area_m2"] == pytest.approx(600 * 100, rel=0.08)  # the small lake (20 x 30 px; a half-pixel edge is 5 %)
    assert panel.list.count() == 1 and tab.controller.output_layer.featureCount() == 1
    panel.list.item(0).setSelected(True)
    QTest.mouseClick(panel.reject_button, Qt.LeftButton)
    assert panel.list.count() == 0 and panel.outlines.all.asGeometry().isEmpty()
    assert len(_features(tmp / "accepted.gpkg")) == 1


def _screen(canvas, xf, r, c):
    """Canvas pixel of raster pixel (row, col)."""
    from qgis.core import QgsPointXY
    from qgis.PyQt.QtCore import QPoint

    x, y = TRANSFORM * (c + 0.5, r + 0.5)
    p = canvas.getCoordinateTransform().transform(xf.transform(QgsPointXY(x, y)))
    return QPoint(int(round(p.x())), int(round(p.y())))


def test_refine_with_a_negative_click_then_enter(setup):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab, canvas, masks, xf, tmp = setup
    panel = find_in_tab(tab, "lakes larger than 10 ha")
    assert panel.list.count() == 1  # the lake with its pond; the small lake (6 ha) is filtered out
    panel.list.item(0).setSelected(True)
    QTest.mouseClick(panel.refine_button, Qt.LeftButton)
    ctl = tab.controller
    assert canvas.mapTool() is tab.tool and panel.list.count() == 1  # kept, marked, until Enter writes it
    got = _on_raster(ctl)
    assert (got & masks["lake+pond"]).sum() / (got | masks["lake+pond"]).sum() > 0.95 and ctl.session.prompt_type() == "text"
    assert not ctl.preview.band.asGeometry().isEmpty()
    QTest.mouseClick(canvas.viewport(), Qt.RightButton, Qt.NoModifier, _screen(canvas, xf, 60, 110))  # on the pond
    after = _on_raster(ctl)
    assert (after & masks["pond"]).sum() <= 0.05 * masks["pond"].sum()
    assert (after & masks["lake"]).sum() >= 0.97 * masks["lake"].sum()
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)  # undo: the candidate again
    assert np.array_equal(_on_raster(ctl), got)
    QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)  # redo
    QTest.keyClick(canvas, Qt.Key_Return)
    assert wait_for(lambda: (tmp / "accepted.gpkg").exists(), 10)
    (p,) = _features(tmp / "accepted.gpkg")
    assert p["prompt_type"] == "text+points" and p["class"] == "water" and p["n_negative"] == 1 and p["n_positive"] == 0
    assert " + classical" in p["model"] and len(p["model_sha256"]) == 64  # the text engine + the click engine
    assert p["area_m2"] == pytest.approx(after.sum() * 100, rel=0.02)
    # a prompt that cannot be run is reported and leaves no candidates (unknown words: see the core tests)
    panel = find_in_tab(tab, "water except water")
    assert "excludes everything" in tab.status.text() and panel.list.count() == 0


def test_accepting_candidates_after_the_objects_layer_was_removed(setup):
    """The objects layer removed from the project between two candidate accepts: the second is written once and the
    layer added again (it raised on the deleted layer)."""
    import traceback

    from qgis.core import QgsProject

    tab, canvas, masks, xf, tmp = setup
    errors, hook = [], sys.excepthook
    sys.excepthook = lambda kind, value, tb: errors.append("".join(traceback.format_exception(kind, value, tb)))
    try:
        panel = find_in_tab(tab, "water")
        assert panel.list.count() == 2
        panel.list.item(0).setSelected(True)
        assert panel.accept(panel.selected_rows()) == [1]
        QgsProject.instance().removeMapLayer(tab.controller.output_layer.id())
        assert tab.controller.output_layer is None
        panel.list.item(0).setSelected(True)
        panel.accept_button.click()
    finally:
        sys.excepthook = hook
    assert not errors, errors[0]
    assert [p["object_id"] for p in _features(tmp / "accepted.gpkg")] == [1, 2] and panel.list.count() == 0
    assert tab.controller.output_layer.featureCount() == 2
