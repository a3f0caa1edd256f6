"""The Land cover tab in real QGIS (offscreen): outputs never wipe the analyst's data (a GeoPackage's other layers, another
layer's raster), removed layers empty their slots, SAR / DSM checked when chosen, result names tell runs apart."""
from __future__ import annotations

import hashlib
import os
import re

import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import S2_NAMES, synthetic_s2, wait_for, write_raster
from dock_helpers import landcover_tab


@pytest.fixture()
def tab(plugin, project):
    """The Land cover tab, on temporary output and the whole layer, its slots empty."""
    with landcover_tab(plugin) as t:
        yield t


def _add(project, path: str, name: str):
    from qgis.core import QgsRasterLayer

    layer = QgsRasterLayer(path, name)
    assert layer.isValid(), path
    project.addMapLayer(layer)
    return layer


def _s2(project, tmp_path, name: str = "scene", x0: float = 500000):
    data, _, _ = synthetic_s2(40, 60)
    return _add(project, write_raster(str(tmp_path / f"{name}.tif"), data, transform=from_origin(x0, 4500000, 10, 10),
                                      descriptions=S2_NAMES), name)


def _heights(project, tmp_path, name: str, x0: float = 500000):
    h = np.linspace(0, 20, 40 * 60, dtype="float32").reshape(40, 60)
    return _add(project, write_raster(str(tmp_path / f"{name}.tif"), h, transform=from_origin(x0, 4500000, 10, 10),
                                      descriptions=["height"]), name)


def _spin(seconds: float = 0.2) -> None:
    wait_for(lambda: False, seconds)


def _run(tab) -> None:
    assert tab.run() is not None, tab.explanation.toPlainText()
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    assert tab.last_result is not None, tab.explanation.toPlainText()


def _gpkg_with_footprints(path: str) -> str:
    from osgeo import ogr, osr

    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    lyr = ds.CreateLayer("footprints", srs, ogr.wkbPolygon)
    for i in range(3):
        f = ogr.Feature(lyr.GetLayerDefn())
        x = 500000 + 50 * i
        f.SetGeometry(ogr.CreateGeometryFromWkt(f"POLYGON(({x} 4499800,{x + 20} 4499800,{x + 20} 4499780,{x} 4499800))"))
        lyr.CreateFeature(f)
    ds = None
    return path


def _layers(path: str) -> dict:
    from osgeo import ogr

    ds = ogr.Open(path)
    return {ds.GetLayer(i).GetName(): ds.GetLayer(i).GetFeatureCount() for i in range(ds.GetLayerCount())}


def test_a_geopackage_output_keeps_its_other_layers(tab, project, tmp_path):
    """Picking water.gpkg that holds the analyst's 'footprints' (or water.tif beside it) replaced the whole GeoPackage."""
    layer = _s2(project, tmp_path)
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText("water")
    gpkg = _gpkg_with_footprints(str(tmp_path / "water.gpkg"))
    tab.file_radio.setChecked(True)
    tab.file_widget.setFilePath(str(tmp_path / "water.tif"))  # the .tif beside the GeoPackage: the same polygons' file
    assert tab.output_paths()[1] == gpkg + "|layername=landcover_water"
    tab.file_widget.setFilePath(gpkg)
    _run(tab)
    layers = _layers(gpkg)
    assert layers["footprints"] == 3 and layers["landcover_water"] > 0, layers
    polygons = next(l for l in project.mapLayers().values() if l.name().endswith("(polygons)"))
    assert polygons.featureCount() == layers["landcover_water"]
    item = tab.iface.messageBar().currentItem()
    assert item is not None and "landcover_water" in item.text() and "other layers were kept" in item.text()
    _run(tab)  # a second run replaces its own layer and results, and keeps the footprints again
    assert _layers(gpkg)["footprints"] == 3
    assert sum(l.name().endswith("(polygons)") for l in project.mapLayers().values()) == 1


def test_a_geopackage_of_only_an_earlier_result_is_written_whole(tab, project, tmp_path):
    """A GeoPackage holding only TerraPrompt's own 'landcover' layer is rewritten whole, as before."""
    from osgeo import ogr

    gpkg = str(tmp_path / "lc.gpkg")
    ogr.GetDriverByName("GPKG").CreateDataSource(gpkg).CreateLayer("landcover")
    tab.prompt_edit.setText("water")
    tab.file_radio.setChecked(True)
    tab.file_widget.setFilePath(gpkg)
    assert tab.output_paths() == (str(tmp_path / "lc.tif"), gpkg)


def _md5(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def test_an_output_that_is_another_layers_file_is_refused(tab, project, tmp_path):
    """The output file of another project layer (the analyst's scene) was overwritten and its layer removed."""
    layer = _s2(project, tmp_path)
    other = _s2(project, tmp_path, "analyst_scene")
    before = _md5(other.source())
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText("water")
    tab.file_radio.setChecked(True)
    for path in (other.source(), os.path.splitext(other.source())[0] + ".gpkg"):  # the .gpkg: its raster beside it
        tab.file_widget.setFilePath(path)
        assert tab.run() is None and tab.task is None
        assert "analyst_scene" in tab.explanation.toPlainText() and "not a TerraPrompt result" in tab.explanation.toPlainText()
    assert _md5(other.source()) == before and other.id() in project.mapLayers()


def test_only_earlier_results_are_dropped_for_a_rewritten_file(project, tmp_path):
    """drop_layers_of removes the earlier results read from an output, never the analyst's layers of that file."""
    from qgis.core import QgsRasterLayer

    from terraprompt.plugin.gui import layers

    path = write_raster(str(tmp_path / "a.tif"), np.zeros((5, 5), "uint8"))
    own = _add(project, path, "analyst")
    assert layers.drop_layers_of([path], project) == 0 and own.id() in project.mapLayers()
    result = QgsRasterLayer(path, "result")
    layers.add_to_group([result], project)
    assert layers.drop_layers_of([path], project) == 1
    assert [l.name() for l in project.mapLayers().values()] == ["analyst"]
    assert layers.foreign_layers_of([path], project) == [own]


def test_a_removed_slot_layer_empties_its_slot(tab, project, tmp_path):
    """Removing the chosen DSM / SAR / cloud mask from the project moved the slot to another raster, silently."""
    layer = _s2(project, tmp_path)
    first, second = _heights(project, tmp_path, "dsm_2015"), _heights(project, tmp_path, "dsm_2020")
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText("buildings taller than 3 m")
    tab.dsm_combo.setLayer(first)
    _spin()
    assert tab.run_button.isEnabled(), tab.prompt_status.text()
    project.removeMapLayer(first.id())
    _spin()
    assert tab.dsm_combo.currentLayer() is None and second.id() in project.mapLayers()
    assert not tab.run_button.isEnabled() and "neither the input nor a DSM" in tab.prompt_status.text()
    # the cloud mask: a bad one refuses Run; once it leaves the project, the slot is empty and Run is back
    tab.prompt_edit.setText("water")
    tab.mask_combo.setLayer(second)
    _spin()
    assert tab.mask_refusal and not tab.run_button.isEnabled()
    project.removeMapLayer(second.id())
    _spin()
    assert tab.mask_combo.currentLayer() is None and not tab.mask_refusal and tab.run_button.isEnabled()
    sar = _s2(project, tmp_path, "other")
    tab.sar_combo.setLayer(sar)
    project.removeMapLayer(sar.id())
    _spin()
    assert tab.sar_combo.currentLayer() is None


def test_a_removed_input_shows_the_bands_of_the_layer_now_chosen(tab, project, tmp_path):
    """Removing the chosen input left the band line and the prompt check on the removed layer."""
    heights = _heights(project, tmp_path, "heights")
    layer = _s2(project, tmp_path)
    tab.layer_combo.setLayer(layer)
    _spin()
    assert "Sentinel-2" in tab.bands_label.text()
    project.removeMapLayer(layer.id())
    _spin()
    assert tab.layer_combo.currentLayer() is heights
    assert "Sentinel-2" not in tab.bands_label.text() and "height" in tab.bands_label.text()
    assert tab.roles == {"height"}


@pytest.mark.parametrize("ext", [".shp", ".geojson", ".fgb"])
def test_a_polygon_format_output_names_both_files(tab, tmp_path, ext):
    """water.shp gave water.shp.tif and water.shp.gpkg; then water.tif, whose water.qml left the polygons unstyled."""
    tab.file_radio.setChecked(True)
    tab.file_widget.setFilePath(str(tmp_path / f"water{ext}"))
    assert tab.output_paths() == (str(tmp_path / "water_classes.tif"), str(tmp_path / f"water{ext}"))


@pytest.mark.parametrize("ext", [".shp", ".geojson"])
def test_polygons_in_their_own_format_keep_their_style(tab, project, tmp_path, ext):
    """The raster and polygons shared a stem, so the one water.qml was the raster's: the polygons reopened unstyled."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsPalettedRasterRenderer, QgsRasterLayer, QgsVectorLayer

    tab.layer_combo.setLayer(_s2(project, tmp_path))
    tab.prompt_edit.setText("water and vegetation")
    tab.file_radio.setChecked(True)
    out = tmp_path / "out"
    out.mkdir()
    tab.file_widget.setFilePath(str(out / f"water{ext}"))
    _spin()
    _run(tab)
    raster_path, vector_path = tab.last_result.output_raster, tab.last_result.output_vector
    assert os.path.isfile(vector_path) and vector_path.endswith(ext)
    polygons = QgsVectorLayer(vector_path, "reopened", "ogr")
    msg, ok = polygons.loadDefaultStyle()
    assert ok, (msg, sorted(os.listdir(out)))
    assert isinstance(polygons.renderer(), QgsCategorizedSymbolRenderer)
    raster = QgsRasterLayer(raster_path, "reopened")
    assert isinstance(raster.renderer(), QgsPalettedRasterRenderer), sorted(os.listdir(out))


def test_sar_and_dsm_are_checked_when_chosen(tab, project, tmp_path):
    """SAR = the input, an optical raster, a raster elsewhere; DSM = the input, a DSM elsewhere: refused only by the task."""
    layer = _s2(project, tmp_path)
    optical = _s2(project, tmp_path, "optical_copy")
    far = _heights(project, tmp_path, "far_dsm", x0=900000)
    dsm = _heights(project, tmp_path, "dsm")
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText("water")
    _spin()
    assert tab.run_button.isEnabled()
    for combo, chosen, said in ((tab.sar_combo, layer, "the input itself"), (tab.sar_combo, optical, "optical"),
                                (tab.sar_combo, far, "does not overlap"), (tab.dsm_combo, layer, "the input itself"),
                                (tab.dsm_combo, far, "does not overlap")):
        combo.setLayer(chosen)
        _spin()
        assert not tab.run_button.isEnabled(), chosen.name()
        assert tab.run() is None and tab.task is None and said in tab.explanation.toPlainText()
        assert said in re.sub("<[^>]+>", "", tab.slot_status.text())
        assert not tab.extra_box.isCollapsed()
        combo.setLayer(None)
        _spin()
        assert tab.run_button.isEnabled() and not tab.slot_status.isVisible()
    tab.dsm_combo.setLayer(dsm)
    _spin()
    assert tab.run_button.isEnabled() and not tab.slot_refusal


def test_an_extent_outside_the_raster_is_refused_before_the_run(tab, project, tmp_path):
    from qgis.core import QgsRectangle

    layer = _s2(project, tmp_path)
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText("water")
    tab.drawn_extent, tab.drawn_crs = QgsRectangle(800000, 4000000, 800100, 4000100), layer.crs()
    tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("drawn"))
    assert tab.run() is None and tab.task is None
    assert "does not overlap" in tab.explanation.toPlainText()


def test_result_names_tell_runs_apart(tab, project, tmp_path):
    """The same prompt on two rasters (or twice on one) gave layers of identical names."""
    spain, beirut = _s2(project, tmp_path, "spain"), _s2(project, tmp_path, "beirut")
    tab.prompt_edit.setText("water")
    for layer in (spain, beirut, spain):
        tab.layer_combo.setLayer(layer)
        _spin()
        _run(tab)
    names = sorted(l.name() for l in project.mapLayers().values() if l.name().endswith("(classes)"))
    assert names == ["water on beirut (classes)", "water on spain #2 (classes)", "water on spain (classes)"], names
