"""Text in the Interactive tab, canvas on part of the raster: lakes cut by the view are listed, accepted and refined whole."""
from __future__ import annotations

import os
import sys

import fiona
import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import S2_NAMES, find_in_tab, interactive_tab_on_web_canvas, paint_s2, wait_for, write_raster

TRANSFORM = from_origin(500000, 4500000, 10, 10)


@pytest.fixture()
def setup(plugin, tmp_path, monkeypatch):
    """The ellipse scene of the core tests in EPSG:32633, the canvas (EPSG:3857) on raster cols 80-200, rows 50-170."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from qgis.core import QgsRectangle

    import test_text_candidates_border as scene

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    water = np.logical_or.reduce([scene.ellipse(n) for n in scene.ELLIPSES])
    path = write_raster(str(tmp_path / "s2.tif"), paint_s2(water, np.zeros_like(water)), transform=TRANSFORM,
                        descriptions=S2_NAMES)
    with interactive_tab_on_web_canvas(path, "s2", "object", "classical", str(tmp_path / "accepted.gpkg")) as (tab, canvas, _, xf):
        canvas.setExtent(xf.transformBoundingBox(QgsRectangle(*(TRANSFORM * (80, 170)), *(TRANSFORM * (200, 50)))))
        canvas.refresh()
        wait_for(lambda: False, 0.2)
        yield tab, canvas, scene, tmp_path


def _row(panel, scene, name):
    """The list row of the candidate that contains the centre of an ellipse."""
    from shapely.geometry import Point

    r, c, _, _ = scene.ELLIPSES[name]
    p = Point(*(TRANSFORM * (c + 0.5, r + 0.5)))
    (row,) = [k for k, (cand, _) in enumerate(panel.items) if cand.geometry().contains(p)]
    return row


def _areas(path):
    with fiona.open(str(path)) as fc:
        return [f["properties"]["area_m2"] for f in fc]


def test_lake_across_the_view_is_listed_accepted_and_refined_whole(setup):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab, canvas, scene, tmp = setup
    panel = find_in_tab(tab, "water")
    assert "completed beyond the view" in tab.status.text(), tab.status.text()
    w = panel.session.window
    assert w.col_off + w.width < 240 and w.row_off > 20  # the view (not the whole raster) was encoded
    across, inside = _row(panel, scene, "across"), _row(panel, scene, "inside")
    assert panel.list.item(across).text().endswith("completed beyond the view")
    assert "beyond" not in panel.list.item(inside).text()
    assert panel.list.count() == 3  # across, inside, the one cut by the raster's edge; the one outside the view is none
    # its outline reaches beyond the canvas
    ext = canvas.extent()
    assert panel.outlines.all.asGeometry().boundingBox().xMaximum() > ext.xMaximum()
    assert panel.accept([across]) == [1]
    true_across = scene.ellipse("across").sum() * 100
    assert _areas(tmp / "accepted.gpkg") == [pytest.approx(true_across, rel=0.03)]  # ENGINE=auto's network: close, not exact
    # refining the lake cut by the raster's top edge: the session encodes the whole lake, Enter writes it whole
    top = _row(panel, scene, "raster_edge")
    panel.list.item(top).setSelected(True)
    QTest.mouseClick(panel.refine_button, Qt.LeftButton)
    ctl = tab.controller
    assert ctl.task is not None  # the larger window is encoded in a task, not on the GUI thread
    QTest.keyClick(canvas, Qt.Key_Return)  # too early: refused with a message, nothing written
    assert wait_for(lambda: ctl.task is None, 20)
    assert len(_areas(tmp / "accepted.gpkg")) == 1
    assert ctl.session.window.row_off == 0 and ctl.session.prompt_type() == "text"
    QTest.keyClick(canvas, Qt.Key_Return)
    assert wait_for(lambda: len(_areas(tmp / "accepted.gpkg")) == 2, 10)
    assert _areas(tmp / "accepted.gpkg")[1] == pytest.approx(scene.ellipse("raster_edge").sum() * 100, rel=0.02)
