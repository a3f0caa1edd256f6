"""terraprompt:detect_change through real Processing (processing.run) and qgis_process.bin."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest
import rasterio

from conftest import ROOT, changed_areas_m2, run_qgis_process

sys.path.insert(0, os.path.join(ROOT, "tests", "core", "change"))
from change_pairs import iou, write_pair  # noqa: E402


def test_registered_with_help(plugin):
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().algorithmById("terraprompt:detect_change")
    assert alg is not None
    for name in ("BEFORE", "AFTER", "MODALITY", "METHOD", "PROMPT", "REFERENCE_MAP", "DEVICE", "MIN_AREA_M2",
                 "OUTPUT_PROBABILITY", "OUTPUT_CHANGE", "OUTPUT_VECTOR"):
        p = alg.parameterDefinition(name)
        assert p is not None, name
        assert p.help(), f"parameter {name} has no help text"
    assert alg.outputDefinition("SUMMARY") is not None
    assert alg.parameterDefinition("METHOD").options() == ["auto", "network", "irmad", "cva", "logratio"]


def test_processing_run(plugin, tmp_path):
    import fiona
    import processing

    pb, pa, truth = write_pair(tmp_path)
    res = processing.run("terraprompt:detect_change", {
        "BEFORE": pb, "AFTER": pa, "METHOD": 3, "PROMPT": "any change", "MIN_AREA_M2": 200,
        "OUTPUT_PROBABILITY": str(tmp_path / "p.tif"), "OUTPUT_CHANGE": str(tmp_path / "c.tif"),
        "OUTPUT_VECTOR": str(tmp_path / "v.gpkg")})
    with rasterio.open(res["OUTPUT_CHANGE"]) as ds, rasterio.open(pb) as b:
        assert ds.transform == b.transform and ds.crs == b.crs
        ch = ds.read(1)
    assert iou(ch == 1, truth) > 0.8
    assert rasterio.open(res["OUTPUT_PROBABILITY"]).dtypes[0] == "float32"
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        feats = list(fc)
    assert feats and all(f["properties"]["method"] == "cva" for f in feats)
    assert min(changed_areas_m2(res["OUTPUT_VECTOR"])) >= 199  # whole changed areas, split by transition
    assert "Changed area" in res["SUMMARY"] and "Method: cva" in res["SUMMARY"]


def test_processing_writes_change_polygons_as_a_shapefile(plugin, tmp_path):
    """The vector output's format follows its extension (the staged output is committed with its side files)."""
    import fiona
    import processing
    from qgis.core import QgsApplication

    provider = QgsApplication.processingRegistry().providerById("terraprompt")
    assert provider.supportedOutputVectorLayerExtensions() == ["gpkg", "shp", "geojson", "fgb"]
    pb, pa, _ = write_pair(tmp_path)
    res = processing.run("terraprompt:detect_change", {
        "BEFORE": pb, "AFTER": pa, "METHOD": 3, "MIN_AREA_M2": 200, "OUTPUT_CHANGE": str(tmp_path / "c.tif"),
        "OUTPUT_VECTOR": str(tmp_path / "v.shp")})
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        feats = list(fc)
    assert feats and all(f["properties"]["method"] == "cva" and f["properties"]["mean_proba"] > 0 for f in feats)
    assert sorted(f.name for f in tmp_path.iterdir() if f.name.startswith("v.")) == ["v.cpg", "v.dbf", "v.prj", "v.qml", "v.shp", "v.shx"]
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".")] == []


def test_processing_run_with_a_crs_corrected_in_qgis(plugin, tmp_path):
    """BEFORE's file states the wrong UTM zone, corrected on its layer in QGIS: the pair overlaps as drawn and the change
    lies on BEFORE's grid in the layer's CRS (it was refused: the extents do not overlap)."""
    import processing
    from qgis.core import QgsCoordinateReferenceSystem, QgsRasterLayer

    pb, pa, truth = write_pair(tmp_path)
    with rasterio.open(pb) as src:
        profile, data = src.profile, src.read()
    wrong = str(tmp_path / "before_wrong_zone.tif")
    with rasterio.open(wrong, "w", **{**profile, "crs": "EPSG:32634"}) as ds:
        ds.write(data)
    before = QgsRasterLayer(wrong, "before")
    before.setCrs(QgsCoordinateReferenceSystem("EPSG:32633"))
    res = processing.run("terraprompt:detect_change", {
        "BEFORE": before, "AFTER": pa, "METHOD": 3, "OUTPUT_CHANGE": str(tmp_path / "c.tif")})
    with rasterio.open(res["OUTPUT_CHANGE"]) as ds, rasterio.open(pb) as b:
        assert ds.transform == b.transform and ds.crs.to_epsg() == 32633
        assert iou(ds.read(1) == 1, truth) > 0.8
    assert "Grids: identical" in res["SUMMARY"]


def test_outputs_loaded_by_processing_are_styled(plugin, project, tmp_path):
    """Change outputs QGIS loads after a run: probabilities red from the run's threshold up, the change map red on
    transparent, polygons by from → to transition, each with the summary as metadata (they came grey and single-symbol)."""
    import processing
    from qgis.core import QgsPalettedRasterRenderer, QgsSingleBandPseudoColorRenderer

    pb, pa, _ = write_pair(tmp_path)
    processing.runAndLoadResults("terraprompt:detect_change", {
        "BEFORE": pb, "AFTER": pa, "METHOD": 3, "OUTPUT_PROBABILITY": str(tmp_path / "p.tif"),
        "OUTPUT_CHANGE": str(tmp_path / "c.tif"), "OUTPUT_VECTOR": str(tmp_path / "v.gpkg")})
    layers = {os.path.basename(l.source().split("|")[0]): l for l in project.mapLayers().values()}
    prob, change, vector = layers["p.tif"], layers["c.tif"], layers["v.gpkg"]
    assert isinstance(prob.renderer(), QgsSingleBandPseudoColorRenderer)
    items = prob.renderer().shader().rasterShaderFunction().colorRampItemList()
    assert items[1].color.red() == 230 and abs(items[0].value - 0.5) < 1e-3
    assert isinstance(change.renderer(), QgsPalettedRasterRenderer)
    assert [(c.value, c.color.alpha() > 0) for c in change.renderer().classes()] == [(0, False), (1, True)]
    assert vector.renderer().type() == "categorizedSymbol" and vector.renderer().categories()  # by from → to transition
    assert all("Changed area" in l.metadata().abstract() for l in (prob, change, vector))


def test_processing_reference_polygons(plugin, tmp_path):
    import fiona
    import processing
    from shapely.geometry import box, mapping

    pb, pa, truth = write_pair(tmp_path)
    path = str(tmp_path / "lc.gpkg")
    with fiona.open(path, "w", driver="GPKG", crs="EPSG:32633", layer="lc",
                    schema={"geometry": "Polygon", "properties": {"label": "str"}}) as out:
        out.write({"geometry": mapping(box(500000, 4498400, 502000, 4500000)), "properties": {"label": "farmland"}})
    res = processing.run("terraprompt:detect_change", {"BEFORE": pb, "AFTER": pa, "METHOD": 3, "REFERENCE_MAP": path,
                                                       "OUTPUT_CHANGE": str(tmp_path / "c.tif"), "OUTPUT_VECTOR": str(tmp_path / "v.gpkg")})
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        assert {f["properties"]["from_class"] for f in fc if f["properties"]["area_m2"] > 5000} == {"farmland"}


def test_reference_polygons_of_the_layer_chosen_filtered_or_in_memory(plugin, project, tmp_path, monkeypatch):
    """REFERENCE_MAP read the first layer of a GeoPackage whatever layer was chosen, ignored the layer's filter and
    refused memory layers (a model's outputs) as 'the raster ... does not exist'; outputs given by a relative path lost
    their style when loaded."""
    import fiona
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer, QgsFeature, QgsGeometry, QgsRectangle, QgsVectorLayer
    from shapely.geometry import box, mapping

    pb, pa, _ = write_pair(tmp_path)
    gpkg = str(tmp_path / "maps.gpkg")
    west, east = box(500000, 4498400, 501000, 4500000), box(501000, 4498400, 502000, 4500000)
    for layer, prefix in (("a_decoy", "DECOY"), ("real_map", "REAL")):
        with fiona.open(gpkg, "w", driver="GPKG", crs="EPSG:32633", layer=layer,
                        schema={"geometry": "Polygon", "properties": {"class": "str"}}) as out:
            out.write({"geometry": mapping(west), "properties": {"class": f"{prefix}_west"}})
            out.write({"geometry": mapping(east), "properties": {"class": f"{prefix}_east"}})
    real = QgsVectorLayer(f"{gpkg}|layername=real_map", "real map", "ogr")
    filtered = QgsVectorLayer(f"{gpkg}|layername=real_map", "east only", "ogr")
    filtered.setSubsetString("\"class\" = 'REAL_east'")
    memory = QgsVectorLayer("Polygon?crs=EPSG:32633&field=class:string", "scratch", "memory")
    feat = QgsFeature(memory.fields())
    feat.setGeometry(QgsGeometry.fromRect(QgsRectangle(500000, 4498400, 502000, 4500000)))
    feat.setAttributes(["MEMORY"])
    memory.dataProvider().addFeatures([feat])
    for layer in (real, filtered, memory):
        assert layer.isValid()
        project.addMapLayer(layer)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    expected = {real.id(): ["REAL_east", "REAL_west", "other"], filtered.id(): ["REAL_east", "other"],
                memory.id(): ["MEMORY", "other"]}
    for lid, classes in expected.items():
        res = processing.run("terraprompt:detect_change", {"BEFORE": pb, "AFTER": pa, "METHOD": 3, "REFERENCE_MAP": lid,
                                                           "OUTPUT_CHANGE": "c.tif", "OUTPUT_VECTOR": "v.gpkg"})
        with fiona.open(res["OUTPUT_VECTOR"]) as fc:
            assert {f["properties"]["from_class"] for f in fc} <= set(classes), lid
        assert f"'{project.mapLayer(lid).name()}.gpkg'" in res["SUMMARY"]
    processing.runAndLoadResults("terraprompt:detect_change", {"BEFORE": pb, "AFTER": pa, "METHOD": 3,
                                                               "OUTPUT_CHANGE": "c2.tif", "OUTPUT_VECTOR": "sub/../v2.gpkg"})
    loaded = next(l for l in project.mapLayers().values() if l.source().split("|")[0].endswith("v2.gpkg"))
    assert "Changed area" in loaded.metadata().abstract() and loaded.renderer().type() == "categorizedSymbol"


def test_processing_errors_leave_nothing(plugin, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    pb, pa, _ = write_pair(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(QgsProcessingException, match="log-ratio method is for SAR"):
        processing.run("terraprompt:detect_change", {"BEFORE": pb, "AFTER": pa, "METHOD": 4, "OUTPUT_CHANGE": str(out / "c.tif")})
    with pytest.raises(QgsProcessingException, match="does not name a change"):
        processing.run("terraprompt:detect_change", {"BEFORE": pb, "AFTER": pa, "PROMPT": "purple elephants",
                                                     "OUTPUT_CHANGE": str(out / "c.tif")})
    assert os.listdir(out) == []


def test_qgis_process_bin(tmp_path):
    pb, pa, truth = write_pair(tmp_path)
    out = tmp_path / "c.tif"
    _, results = run_qgis_process(tmp_path, "terraprompt:detect_change",
                                  [f"BEFORE={pb}", f"AFTER={pa}", "METHOD=3", "PROMPT=land to water", f"OUTPUT_CHANGE={out}",
                                   f"OUTPUT_VECTOR={tmp_path / 'v.gpkg'}"])
    assert "land to water" in results["SUMMARY"]
    ch = rasterio.open(out).read(1) == 1
    b = np.zeros_like(truth)
    b[100:130, 165:195] = True
    assert ch[b].mean() > 0.8 and ch[truth & ~b].mean() < 0.05


def test_processing_warns_when_after_is_older_than_before(plugin, tmp_path):
    """A swapped pair (AFTER dated before BEFORE) turns new buildings into demolitions: Processing's log warns, not only
    an info line inside the long summary."""
    import shutil

    import processing
    from qgis.core import QgsProcessingFeedback

    class Warnings(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.warnings = []

        def pushWarning(self, text):  # noqa: N802
            self.warnings.append(text)

    pb, pa, _ = write_pair(tmp_path)
    before, after = str(tmp_path / "scene_20200601.tif"), str(tmp_path / "scene_20190601.tif")
    shutil.copy(pb, before)
    shutil.copy(pa, after)
    feedback = Warnings()
    processing.run("terraprompt:detect_change", {"BEFORE": before, "AFTER": after, "METHOD": 3,
                                                 "OUTPUT_CHANGE": str(tmp_path / "c.tif")}, feedback=feedback)
    assert any("2019-06-01" in w and "2020-06-01" in w for w in feedback.warnings), feedback.warnings
