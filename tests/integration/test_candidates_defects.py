"""Text candidates in the Interactive tab (real canvas, EPSG:3857 over EPSG:32633): a search outliving its raster or
project, many rows dropped at once, object ids, refine, web layers, Straight outlines, small areas, No overlap ids."""
from __future__ import annotations

import os
import re
import sys

import fiona
import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import S2_NAMES, find_in_tab, interactive_tab_on_web_canvas, lakes_tab, paint_s2, wait_for, write_raster

TRANSFORM = from_origin(500000, 4500000, 10, 10)


@pytest.fixture()
def setup(plugin, tmp_path, monkeypatch):
    """The lakes scene of test_interactive_text (two water candidates: lake+pond, small lake) and the Interactive tab."""
    with lakes_tab(tmp_path, monkeypatch) as (tab, canvas, layer, _, xf):
        yield tab, canvas, layer, xf, tmp_path


def _props(path):
    with fiona.open(str(path)) as fc:
        return [f["properties"] for f in fc]


def _wait_task_end(task) -> None:
    """Wait until a QgsTask has finished and its finished() reached the main thread."""
    from qgis.core import QgsTask

    assert wait_for(lambda: task.status() in (QgsTask.Complete, QgsTask.Terminated), 60)
    wait_for(lambda: False, 0.3)


def test_a_search_outliving_its_raster_or_project_lists_nothing(setup):
    """Another raster chosen, or a new project, while Find objects runs: its candidates and session are dropped (they
    were listed and adopted: Accept wrote the old raster as source, Refine raised on the controller's missing layer)."""
    import traceback

    from qgis.core import QgsProject, QgsRasterLayer

    tab, canvas, layer, xf, tmp = setup
    panel, ctl = tab.candidates, tab.controller
    other = QgsRasterLayer(write_raster(str(tmp / "other.tif"), np.arange(7500, dtype=np.uint16).reshape(3, 50, 50) + 1), "other")
    QgsProject.instance().addMapLayer(other)
    panel.prompt_edit.setText("water")
    panel.find_button.click()
    task = panel.task
    assert task is not None
    tab.layer_combo.setLayer(other)
    _wait_task_end(task)
    assert panel.list.count() == 0 and not panel.items and ctl.session is None
    assert panel.task is None and panel.find_button.isEnabled()
    # New project while a search runs
    tab.layer_combo.setLayer(layer)
    panel.prompt_edit.setText("water")
    panel.find_button.click()
    task = panel.task
    QgsProject.instance().clear()
    _wait_task_end(task)
    assert panel.list.count() == 0 and ctl.session is None and panel.outlines.all.asGeometry().isEmpty()
    errors, hook = [], sys.excepthook
    sys.excepthook = lambda kind, value, tb: errors.append("".join(traceback.format_exception(kind, value, tb)))
    try:
        assert panel.accept([0]) == []
        panel.refine()
    finally:
        sys.excepthook = hook
    assert not errors, errors[0]
    assert not (tmp / "accepted.gpkg").exists()


@pytest.fixture()
def ponds(plugin, tmp_path, monkeypatch):
    """400 ponds of 5 x 5 pixels of 5 m (625 m² each; the 200 largest listed) and the Interactive tab."""
    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    yy, xx = np.mgrid[0:200, 0:200]
    water = ((yy % 10) < 5) & ((xx % 10) < 5) & (yy >= 2) & (xx >= 2) & (yy < 198) & (xx < 198)
    data = paint_s2(water, np.zeros_like(water))
    path = write_raster(str(tmp_path / "ponds.tif"), data, transform=from_origin(500000, 4500000, 5, 5), descriptions=S2_NAMES)
    with interactive_tab_on_web_canvas(path, "ponds", "object", "classical", str(tmp_path / "accepted.gpkg")) as (tab, *_):
        yield tab, tmp_path


def test_many_rows_are_dropped_with_one_redraw(ponds):
    """Accept / Reject of 200 selected rows redraws the outlines once (each removed row redrew all of them: minutes on
    a real view); a selection change redraws the selected ones only."""
    tab, tmp = ponds
    panel = find_in_tab(tab, "water")
    assert panel.list.count() == 200, tab.status.text()
    fills = []
    fill = panel.outlines._fill
    panel.outlines._fill = lambda band, geoms, crs: (fills.append(band), fill(band, geoms, crs))
    panel.list.item(3).setSelected(True)
    assert fills == [panel.outlines.selected]
    for button in ("reject_button", "accept_button"):  # all 200 rows at once: one redraw of each band, not 200
        panel = find_in_tab(tab, "water") if button == "accept_button" else panel
        panel.list.selectAll()
        fills.clear()
        getattr(panel, button).click()
        assert panel.list.count() == 0 and len(fills) == 2, (button, len(fills))
    assert len(_props(tmp / "accepted.gpkg")) == 200


def test_small_areas_read_in_square_metres(ponds):
    """Ponds of 625 m² read '625 m²' (they read '0.06 ha'); areas from 0.1 ha on stay in ha."""
    tab, _ = ponds
    panel = find_in_tab(tab, "water")
    text = panel.list.item(0).text()
    assert re.search(r" · 6\d\d m² · ", text) and " ha" not in text, text
    from terraprompt.plugin.gui.candidates import area_text

    assert area_text(1234.0) == "0.12 ha" and area_text(999.0) == "999 m²"


def test_candidates_skip_the_id_of_an_unsaved_hand_drawn_object(setup):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY

    tab, canvas, layer, xf, tmp = setup
    panel = find_in_tab(tab, "water")
    assert panel.accept([0]) == [1]
    lyr = tab.controller.output_layer
    lyr.startEditing()
    f = QgsFeature(lyr.fields())
    f.setGeometry(QgsGeometry.fromPolygonXY([[QgsPointXY(500010, 4499990), QgsPointXY(500030, 4499990),
                                              QgsPointXY(500030, 4499970), QgsPointXY(500010, 4499990)]]))
    f.setAttribute("object_id", 2)
    assert lyr.addFeature(f)
    try:
        assert panel.accept([0]) == [3]
    finally:
        lyr.rollBack()


def test_a_refined_candidate_stays_listed_until_enter_writes_it(setup):
    """Refine keeps the row, flagged (it was removed at once: another Refine or Esc lost the candidate)."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab, canvas, layer, xf, tmp = setup
    panel, ctl = find_in_tab(tab, "water"), tab.controller
    assert panel.list.count() == 2
    first, second = (c for c, _ in panel.items)

    def flagged(row):
        return not panel.list.item(row).flags() & Qt.ItemIsSelectable

    panel.list.item(0).setSelected(True)
    panel.refine_button.click()
    assert wait_for(lambda: ctl.task is None, 60) and not ctl.preview.band.asGeometry().isEmpty()
    assert panel.list.count() == 2 and flagged(0) and not flagged(1) and panel.refining is first
    assert panel.accept(list(range(2))) == [1]  # Accept all leaves the refined one to Enter
    assert panel.list.count() == 1 and panel.items[0][0] is first
    QTest.keyClick(canvas, Qt.Key_Escape)  # Esc: back in the list
    assert panel.list.count() == 1 and not flagged(0) and panel.refining is None
    panel.list.item(0).setSelected(True)
    panel.refine_button.click()
    assert wait_for(lambda: ctl.task is None, 60) and flagged(0)
    QTest.keyClick(canvas, Qt.Key_Return)
    props = _props(tmp / "accepted.gpkg")
    assert [p["object_id"] for p in props] == [1, 2] and props[1]["class"] == "water"
    assert panel.list.count() == 0 and not panel.items
    # another Refine puts the first one back
    panel = find_in_tab(tab, "water")
    panel.list.item(0).setSelected(True)
    panel.refine_button.click()
    assert wait_for(lambda: ctl.task is None, 60) and flagged(0)
    panel.list.item(1).setSelected(True)
    panel.refine_button.click()
    assert wait_for(lambda: ctl.task is None, 60)
    assert not flagged(0) and flagged(1) and panel.list.count() == 2 and panel.refining is panel.items[1][0]


def test_candidates_of_a_web_layer_name_the_layer_as_source(plugin, tmp_path, monkeypatch):
    """As objects accepted on the map do, not the temporary rendering (deleted with the session)."""
    sys.path.insert(0, os.path.dirname(__file__))
    from test_web_layer import _quarter, _tiles

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    uri, _ = _tiles(tmp_path)
    out = tmp_path / "accepted.gpkg"
    with interactive_tab_on_web_canvas(uri, "web tiles", "object", "classical", str(out), "wms", _quarter(0, 0, 256)) as (tab, *_):
        panel = find_in_tab(tab, "vegetation")
        assert panel.list.count() >= 1, tab.status.text()
        tab.controller.reset()  # e.g. another model chosen: the rendering is deleted, the candidates stay
        assert panel.accept([0]) == [1]
    assert _props(out)[0]["source"] == "web tiles (rendered view)"


def test_straight_outlines_ticked_after_find_redraw_what_accept_writes(setup):
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry, QgsProject

    tab, canvas, layer, xf, tmp = setup
    tab.straight_check.setChecked(False)
    panel = find_in_tab(tab, "water")
    panel.list.item(1).setSelected(True)  # the small lake
    traced = QgsGeometry(panel.outlines.selected.asGeometry())
    tab.straight_check.setChecked(True)
    try:
        drawn = QgsGeometry(panel.outlines.selected.asGeometry())
        assert drawn.constGet().nCoordinates() != traced.constGet().nCoordinates(), "the outlines are drawn straight"
        assert panel.accept([1]) == [1]
    finally:
        tab.straight_check.setChecked(False)  # the choice is remembered in the settings: later tests trace outlines
    with fiona.open(str(tmp / "accepted.gpkg")) as fc:
        (f,) = list(fc)
    from shapely.geometry import shape

    written = QgsGeometry.fromWkt(shape(f["geometry"]).wkt)
    written.transform(QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:32633"), canvas.mapSettings().destinationCrs(),
                                             QgsProject.instance()))
    assert written.intersection(drawn).area() / written.combine(drawn).area() > 0.999


def test_no_overlap_gives_ids_to_the_candidates_written_only(setup):
    tab, canvas, layer, xf, tmp = setup
    panel = find_in_tab(tab, "water")
    assert panel.accept([0]) == [1]
    panel = find_in_tab(tab, "water")
    tab.overlap_check.setChecked(True)
    assert panel.accept([0, 1]) == [2]  # the first lies on object 1 and is left out
    assert sorted(p["object_id"] for p in _props(tmp / "accepted.gpkg")) == [1, 2]
