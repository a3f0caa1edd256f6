"""Interactive tab: a model or device chosen while 'Prompt on map' is on is used (at once, or after Enter / Esc while a
mask is shown), and the status names it."""
from __future__ import annotations

import os
import sys

import fiona
import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import interactive_tab_on_web_canvas, wait_for, write_raster

TRANSFORM = from_origin(500000, 4500000, 0.5, 0.5)
HERE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive")


@pytest.fixture()
def setup(plugin, tmp_path, monkeypatch):
    """The tab over a synthetic raster with the tool active on 'classical', and a tiny SAM pair beside it."""
    sys.path.insert(0, HERE)
    import tiny_sam
    from interactive_helpers import scene

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    data, _masks = scene(h=256, w=256)
    path = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    enc = tiny_sam.encoder(str(tmp_path / "tiny_encoder.onnx"))
    tiny_sam.decoder(str(tmp_path / "tiny_decoder.onnx"))
    with interactive_tab_on_web_canvas(path, "img", "building", "classical", str(tmp_path / "accepted.gpkg")) as (tab, canvas, _l, xf):
        tab.start_button.setChecked(True)
        try:
            yield tab, canvas, xf, enc, tmp_path
        finally:
            tab.model_edit.setText("classical")
            tab.device_combo.setCurrentIndex(0)
            tab.apply_choices()


def _screen(canvas, xf, r, c):
    from qgis.core import QgsPointXY
    from qgis.PyQt.QtCore import QPoint

    x, y = TRANSFORM * (c + 0.5, r + 0.5)
    p = canvas.getCoordinateTransform().transform(xf.transform(QgsPointXY(x, y)))
    return QPoint(int(round(p.x())), int(round(p.y())))


def _click_and_wait(tab, canvas, xf, r, c):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    ctl = tab.controller
    QTest.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, _screen(canvas, xf, r, c))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None and ctl.task is None, 60), tab.status.text()
    return ctl.engine.label


def _type_model(tab, text):
    """Type a model in the field and press Return (editingFinished), as the analyst does."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab.model_edit.setText(text)
    QTest.keyClick(tab.model_edit, Qt.Key_Return)


def test_a_model_typed_while_prompting_is_used_by_the_next_click(setup):
    tab, canvas, xf, enc, _tmp = setup
    _type_model(tab, enc)
    assert tab.controller.model == enc
    assert "tiny_encoder.onnx" in tab.status.text() and "next click" in tab.status.text()
    assert "SAM" in _click_and_wait(tab, canvas, xf, 128, 128)


def test_a_model_chosen_while_a_mask_is_shown_applies_after_esc(setup):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab, canvas, xf, enc, tmp = setup
    ctl = tab.controller
    assert "SAM" not in _click_and_wait(tab, canvas, xf, 128, 128)
    _type_model(tab, enc)
    assert ctl.model == "classical" and ctl.session.last is not None  # the mask shown stays the one Enter accepts
    assert "tiny_encoder.onnx" in tab.status.text() and "after Enter" in tab.status.text()
    QTest.keyClick(canvas, Qt.Key_Escape)
    assert ctl.model == enc and "tiny_encoder.onnx" in tab.status.text()
    label = _click_and_wait(tab, canvas, xf, 60, 60)
    assert "SAM" in label
    QTest.keyClick(canvas, Qt.Key_Return)
    with fiona.open(str(tmp / "accepted.gpkg")) as fc:
        assert [f["properties"]["model"] for f in fc] == [label]


def test_a_model_chosen_while_a_mask_is_shown_applies_after_enter(setup):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab, canvas, xf, enc, tmp = setup
    ctl = tab.controller
    first = _click_and_wait(tab, canvas, xf, 128, 128)
    _type_model(tab, enc)
    QTest.keyClick(canvas, Qt.Key_Return)
    assert ctl.model == enc and "tiny_encoder.onnx" in tab.status.text()
    second = _click_and_wait(tab, canvas, xf, 60, 60)
    QTest.keyClick(canvas, Qt.Key_Return)
    with fiona.open(str(tmp / "accepted.gpkg")) as fc:
        assert [f["properties"]["model"] for f in fc] == [first, second]
    assert "SAM" not in first and "SAM" in second


def test_a_device_chosen_while_prompting_is_used(setup):
    tab, canvas, xf, _enc, _tmp = setup
    index = next(i for i in range(tab.device_combo.count()) if tab.device_combo.itemData(i) == "cpu")
    tab.device_combo.setCurrentIndex(index)
    assert tab.controller.device == "cpu" and tab.device_combo.currentText() in tab.status.text()
