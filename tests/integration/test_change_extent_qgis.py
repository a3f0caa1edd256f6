"""EXTENT of terraprompt:detect_change (Processing, qgis_process) and the Change tab's Extent choice: the outputs cover the
extent alone, on BEFORE's grid, with the pixels of a run over the whole pair."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window

from conftest import ROOT, change_pair_layers, change_tab_session, run_qgis_process, wait_for

sys.path.insert(0, os.path.join(ROOT, "tests", "core", "change"))
from change_pairs import write_pair  # noqa: E402

WINDOW = Window(37, 15, 134, 106)
"""Columns 37-170, rows 15-120 of the 200x160 pair (UTM 33N, 10 m from 500000, 4500000)."""
LEFT, TOP = 500000 + 10 * 37, 4500000 - 10 * 15
RIGHT, BOTTOM = LEFT + 10 * 134, TOP - 10 * 106


def _same_as_whole(part: str, whole: str) -> None:
    """The extent run's change raster is the whole run's over WINDOW, on BEFORE's grid of it."""
    with rasterio.open(part) as p, rasterio.open(whole) as w:
        assert (p.width, p.height) == (WINDOW.width, WINDOW.height)
        assert p.transform == w.window_transform(WINDOW)
        got, ref = p.read(1), w.read(1, window=WINDOW)
    assert (got == 1).any() and np.array_equal(got, ref)


def test_extent_parameter_has_help(plugin):
    from qgis.core import QgsApplication

    p = QgsApplication.processingRegistry().algorithmById("terraprompt:detect_change").parameterDefinition("EXTENT")
    assert p is not None and p.flags() & p.FlagOptional
    assert "whole pair" in p.help() and "BEFORE's pixels" in p.help()


def test_processing_extent_in_another_crs_is_the_whole_run_there(plugin, tmp_path):
    """EXTENT given in WGS 84 is transformed to BEFORE's CRS; its bounding box there covers at least WINDOW."""
    import processing
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject, QgsRectangle

    pb, pa, _ = write_pair(tmp_path)
    whole = processing.run("terraprompt:detect_change", {"BEFORE": pb, "AFTER": pa, "METHOD": 3,
                                                         "OUTPUT_CHANGE": str(tmp_path / "whole.tif")})
    xf = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:32633"), QgsCoordinateReferenceSystem("EPSG:4326"),
                                QgsProject.instance())
    wgs = xf.transformBoundingBox(QgsRectangle(LEFT + 1, BOTTOM + 1, RIGHT - 1, TOP - 1))
    part = processing.run("terraprompt:detect_change", {
        "BEFORE": pb, "AFTER": pa, "METHOD": 3, "OUTPUT_CHANGE": str(tmp_path / "part.tif"),
        "EXTENT": f"{wgs.xMinimum()},{wgs.xMaximum()},{wgs.yMinimum()},{wgs.yMaximum()} [EPSG:4326]"})
    with rasterio.open(part["OUTPUT_CHANGE"]) as p, rasterio.open(whole["OUTPUT_CHANGE"]) as w:
        c0, r0 = ~w.transform * (p.transform.c, p.transform.f)
        window = Window(round(c0), round(r0), p.width, p.height)
        assert p.transform == w.window_transform(window) and p.width < w.width and p.height < w.height
        assert np.array_equal(p.read(1), w.read(1, window=window))
    assert "fitted on the whole pair" in part["SUMMARY"]


def test_qgis_process_extent(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    run_qgis_process(tmp_path, "terraprompt:detect_change",
                     [f"BEFORE={pb}", f"AFTER={pa}", "METHOD=3", f"OUTPUT_CHANGE={tmp_path / 'whole.tif'}"])
    _, results = run_qgis_process(tmp_path / "part", "terraprompt:detect_change",
                                  [f"BEFORE={pb}", f"AFTER={pa}", "METHOD=3", f"OUTPUT_CHANGE={tmp_path / 'part.tif'}",
                                   f"EXTENT={LEFT},{RIGHT},{BOTTOM},{TOP} [EPSG:32633]"])
    _same_as_whole(str(tmp_path / "part.tif"), str(tmp_path / "whole.tif"))
    assert "Extent: 134x106 px of BEFORE" in results["SUMMARY"]


@pytest.fixture()
def tab(plugin, project):
    yield from change_tab_session(plugin)


def test_change_tab_offers_the_land_cover_tabs_extent_choice(tab, plugin):
    land = plugin.dock.tab("landcover_tab")
    assert [tab.extent_combo.itemData(i) for i in range(tab.extent_combo.count())] == ["layer", "canvas", "drawn"]
    assert [tab.extent_combo.itemText(i) for i in range(3)] == [land.extent_combo.itemText(i) for i in range(3)]
    assert tab.extent_combo.objectName() == "changeExtent" and tab.draw_button.objectName() == "changeDraw"
    tip = tab.extent_combo.toolTip()
    assert "snapped to its pixels" in tip and "thresholds are fitted on the whole pair" in tip
    assert tab.draw_button.toolTip() == land.draw_button.toolTip()


def test_change_tab_runs_a_drawn_rectangle(tab, project, tmp_path):
    """A rectangle drawn on the map (here in WGS 84) gives outputs over it alone, the whole run's pixels there."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsRectangle

    b, a, _ = change_pair_layers(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText("any change")
    results = {}
    try:
        for mode in ("layer", "drawn"):
            wgs = QgsCoordinateReferenceSystem("EPSG:4326")
            tab.drawn_extent = QgsCoordinateTransform(b.crs(), wgs, project).transformBoundingBox(
                QgsRectangle(LEFT + 1, BOTTOM + 1, RIGHT - 1, TOP - 1))
            tab.drawn_crs = wgs
            tab.select_extent_mode(mode)
            assert tab.draw_button.isEnabled() == (mode == "drawn")
            assert tab.run() is not None
            assert wait_for(lambda: tab.task is None), "the task did not finish"
            results[mode] = tab.last_result
        with rasterio.open(results["drawn"].output_change) as p, rasterio.open(results["layer"].output_change) as w:
            c0, r0 = ~w.transform * (p.transform.c, p.transform.f)
            window = Window(round(c0), round(r0), p.width, p.height)
            assert p.width < w.width and np.array_equal(p.read(1), w.read(1, window=window))
        assert "fitted on the whole pair" in tab.summary.toPlainText()
    finally:
        tab.select_extent_mode("layer")
        tab.save_settings()


def _drawn(tab, project, b, rect) -> None:
    """Choose a rectangle (in BEFORE's CRS) drawn on a WGS 84 map as the Change tab's extent."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform

    wgs = QgsCoordinateReferenceSystem("EPSG:4326")
    tab.drawn_extent = QgsCoordinateTransform(b.crs(), wgs, project).transformBoundingBox(rect)
    tab.drawn_crs = wgs
    tab.select_extent_mode("drawn")


def test_change_tab_refuses_an_extent_off_before_at_once(tab, project, tmp_path, monkeypatch):
    """A rectangle beside BEFORE: refused before the task starts, as the Land cover tab does (the task failed later)."""
    from qgis.core import QgsRectangle

    b, a, _ = change_pair_layers(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    said = []
    monkeypatch.setattr(tab, "_message", lambda text, level: said.append(text))
    try:
        _drawn(tab, project, b, QgsRectangle(LEFT + 50000, BOTTOM, RIGHT + 50000, TOP))
        assert tab.run() is None and tab.task is None
        assert said and "does not overlap before" in said[-1], said
    finally:
        tab.select_extent_mode("layer")
        tab.save_settings()


def test_change_tab_renders_a_web_after_over_the_chosen_extent(tab, project, tmp_path, monkeypatch):
    """AFTER as a web layer (its rendering stubbed): it is rendered over the chosen extent in AFTER's CRS, not over the
    map view (a rectangle reaching past the view lost its part there)."""
    from qgis.core import QgsCoordinateTransform, QgsRectangle

    from terraprompt.plugin.gui import snapshot

    b, a, _ = change_pair_layers(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    asked = {}

    def view_rendering(canvas, layer, extent=None, **kwargs):
        asked[layer.name()] = extent
        if layer is a:  # stop the run there: only the extents asked for matter
            raise ValueError("stub")
        return None, None

    monkeypatch.setattr(snapshot, "view_rendering", view_rendering)
    try:
        rect = QgsRectangle(LEFT, BOTTOM, RIGHT, TOP)
        _drawn(tab, project, b, rect)
        assert tab.run() is None
        want = QgsCoordinateTransform(tab.drawn_crs, a.crs(), project).transformBoundingBox(tab.drawn_extent)
        got = asked["after"]
        assert got is not None and got.toString(1) == want.toString(1), (got, want)
    finally:
        tab.select_extent_mode("layer")
        tab.save_settings()


def test_change_tab_extent_tooltip_names_the_web_case(tab):
    assert "A web layer (XYZ, WMS …) is rendered over the extent alone" in tab.extent_combo.toolTip()


def test_change_classes_of_a_table_the_file_lacks_are_none(tmp_path):
    """A vector layer whose table is not in its GeoPackage: no rows (an AttributeError on None came)."""
    from qgis.core import QgsVectorLayer

    from osgeo import ogr

    from terraprompt.plugin.gui.layers import _rows

    path = str(tmp_path / "t.gpkg")
    ogr.GetDriverByName("GPKG").CreateDataSource(path).CreateLayer("changes")
    layer = QgsVectorLayer(f"{path}|layername=gone", "gone", "ogr")
    assert layer.providerType() == "ogr" and _rows(layer, ["from_class", "to_class"]) == []
