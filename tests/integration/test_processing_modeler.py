"""Processing beyond a single run: reruns loaded into the project, 'memory:' outputs, parameter checks, help URLs."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio

from conftest import ROOT, S2_NAMES, synthetic_s2, write_raster

ALGORITHMS = ("extract_landcover", "detect_change", "segment_prompts", "encode_image", "find_similar", "diagnostics")


@pytest.fixture()
def s2(tmp_path) -> str:
    """A small synthetic Sentinel-2 scene (a lake, a forest, bare land)."""
    data, _, _ = synthetic_s2(80, 100)
    return write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)


def _drawn(layer) -> np.ndarray:
    """Band 1 of a raster layer as its provider draws it."""
    block = layer.dataProvider().block(1, layer.extent(), layer.width(), layer.height())
    return np.frombuffer(bytes(block.data()), dtype=np.uint8).reshape(layer.height(), layer.width())


def test_rerun_to_the_same_files_shows_the_new_result_in_the_loaded_layers(plugin, project, s2, tmp_path):
    """A rerun with 'load results' to the files of layers already in the project reuses those layers: they showed the
    old pixels under the new legend (water drawn as 'Vegetation') and the old categories over the new polygons (none
    drawn, featureCount stale)."""
    import fiona
    import processing

    out_tif, out_gpkg = str(tmp_path / "out.tif"), str(tmp_path / "out.gpkg")
    for prompt in ("water", "vegetation"):
        processing.runAndLoadResults("terraprompt:extract_landcover", {
            "INPUT": s2, "PROMPT": prompt, "ENGINE": 1, "OUTPUT_RASTER": out_tif, "OUTPUT_VECTOR": out_gpkg})
    layers = {os.path.basename(l.source().split("|")[0]): l for l in project.mapLayers().values()}
    raster, vector = layers["out.tif"], layers["out.gpkg"]
    assert {c.value: c.label for c in raster.renderer().classes()}[1] == "Vegetation"
    with rasterio.open(out_tif) as ds:
        on_disk = int((ds.read(1) == 1).sum())
    assert on_disk > 0 and int((_drawn(raster) == 1).sum()) == on_disk
    with fiona.open(out_gpkg) as fc:
        n = len(fc)
    assert vector.featureCount() == n
    assert {c.value() for c in vector.renderer().categories()} == {"vegetation"}


def test_memory_vector_outputs_are_written_to_a_temporary_geopackage(plugin, project, s2):
    """'memory:' and 'memory:name' (what scripts pass to native algorithms) were refused as an 'unsupported extension':
    polygons go to a temporary GeoPackage, as TEMPORARY_OUTPUT does, loaded and styled when asked."""
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer, QgsVectorLayer

    for value in ("memory:", "memory:lakes"):
        res = processing.run("terraprompt:extract_landcover", {
            "INPUT": s2, "PROMPT": "water", "ENGINE": 1, "OUTPUT_RASTER": "TEMPORARY_OUTPUT", "OUTPUT_VECTOR": value})
        assert res["OUTPUT_VECTOR"].endswith(".gpkg") and os.path.isfile(res["OUTPUT_VECTOR"]), res["OUTPUT_VECTOR"]
        assert QgsVectorLayer(res["OUTPUT_VECTOR"], "v", "ogr").featureCount() > 0
    res = processing.runAndLoadResults("terraprompt:extract_landcover", {
        "INPUT": s2, "PROMPT": "water", "ENGINE": 1, "OUTPUT_RASTER": "TEMPORARY_OUTPUT", "OUTPUT_VECTOR": "memory:"})
    loaded = [l for l in project.mapLayers().values() if l.source().startswith(res["OUTPUT_VECTOR"])]
    assert len(loaded) == 1 and isinstance(loaded[0].renderer(), QgsCategorizedSymbolRenderer)


def test_memory_raster_outputs_are_refused_with_the_fix(plugin, s2):
    """A raster output 'memory:' (no such thing in QGIS) was refused as an 'unsupported extension'."""
    import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as err:
        processing.run("terraprompt:extract_landcover", {"INPUT": s2, "PROMPT": "water", "ENGINE": 1, "OUTPUT_RASTER": "memory:"})
    assert "memory layer" in str(err.value) and "TEMPORARY_OUTPUT" in str(err.value)
    assert "extension" not in str(err.value)


def test_diagnostics_writes_its_report_to_text_files_only(plugin, tmp_path, monkeypatch):
    """OUTPUT='memory:' wrote a file named 'memory:' in the working folder, and OUTPUT=x.gpkg a text file named .gpkg."""
    import processing
    from qgis.core import QgsProcessingException

    monkeypatch.chdir(tmp_path)
    for value in ("memory:", str(tmp_path / "report.gpkg")):
        with pytest.raises(QgsProcessingException) as err:
            processing.run("terraprompt:diagnostics", {"OUTPUT": value})
        assert ".txt or .log" in str(err.value)
    assert os.listdir(tmp_path) == []
    res = processing.run("terraprompt:diagnostics", {"OUTPUT": str(tmp_path / "report.log")})
    assert os.path.getsize(res["OUTPUT"]) > 0


def test_find_similar_extent_without_area_is_said_so(plugin, s2, tmp_path):
    """A point or a line as EXTENT, inside the raster, was called 'outside the raster' (extract_landcover says 'no area')."""
    import processing
    from qgis.core import QgsFeature, QgsGeometry, QgsProcessingException, QgsRectangle, QgsVectorLayer

    with rasterio.open(s2) as ds:
        t, crs = ds.transform, ds.crs.to_string()
    exemplars = QgsVectorLayer(f"Polygon?crs={crs}", "ex", "memory")
    f = QgsFeature()
    x0, y0 = t * (20, 35)
    f.setGeometry(QgsGeometry.fromRect(QgsRectangle(x0, y0 - 50, x0 + 50, y0)))
    exemplars.dataProvider().addFeatures([f])
    x, y = t * (50, 40)
    for extent in (f"{x},{x},{y},{y} [{crs}]", f"{x},{x + 200},{y},{y} [{crs}]"):
        with pytest.raises(QgsProcessingException) as err:
            processing.run("terraprompt:find_similar", {"INPUT": s2, "EXEMPLARS": exemplars, "METHOD": 2, "EXTENT": extent,
                                                        "OUTPUT_VECTOR": str(tmp_path / "similar.gpkg")})
        assert "has no area" in str(err.value) and "outside" not in str(err.value)


def test_values_that_would_be_ignored_are_refused_by_the_check(plugin, s2):
    """An optional raster given a value that opens nothing (SAR_INPUT=12345) passed the check and the run went on
    without SAR; CACHE_MB='abc' passed and fell back to the folder's cap."""
    from qgis.core import QgsApplication, QgsProcessingContext

    reg, context = QgsApplication.processingRegistry(), QgsProcessingContext()
    lc = reg.algorithmById("terraprompt:extract_landcover")
    base = {"INPUT": s2, "PROMPT": "water", "OUTPUT_RASTER": "TEMPORARY_OUTPUT"}
    assert lc.checkParameterValues(base, context) == (True, "")
    assert lc.checkParameterValues(dict(base, SAR_INPUT=s2), context)[0]
    for name in ("SAR_INPUT", "DSM_INPUT", "CLOUD_MASK"):
        ok, message = lc.checkParameterValues(dict(base, **{name: 12345}), context)
        assert not ok and name in message and "12345" in message
    ch = reg.algorithmById("terraprompt:detect_change")
    ok, message = ch.checkParameterValues({"BEFORE": s2, "AFTER": s2, "OUTPUT_CHANGE": "TEMPORARY_OUTPUT",
                                      "AFTER_CLOUD_MASK": 12345}, context)
    assert not ok and "AFTER_CLOUD_MASK" in message
    enc = reg.algorithmById("terraprompt:encode_image")
    assert enc.checkParameterValues({"INPUT": s2, "CACHE_MB": "64"}, context)[0]
    for text in ("abc", "nan"):  # 'nan' passed float() and was then ignored as 'abc' was
        ok, message = enc.checkParameterValues({"INPUT": s2, "CACHE_MB": text}, context)
        assert not ok and "CACHE_MB" in message and "number" in message


def test_prompt_help_names_its_default(plugin):
    """PROMPT left out runs 'water', which the help did not say."""
    from qgis.core import QgsApplication

    p = QgsApplication.processingRegistry().algorithmById("terraprompt:extract_landcover").parameterDefinition("PROMPT")
    assert "'water'" in p.help().split("Default")[-1] and p.defaultValue() == "water"


def test_help_button_opens_the_readme_section(plugin, tmp_path, monkeypatch):
    """helpUrl() was empty: the dialogs' Help button was disabled. It is the README's Processing section on the
    homepage of metadata.txt, else the README shipped with the plugin."""
    from qgis.core import QgsApplication

    from terraprompt.plugin.algorithms import base

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        assert "\n### Processing algorithms\n" in fh.read()
    with open(os.path.join(ROOT, "metadata.txt"), encoding="utf-8") as fh:
        homepage = next(l.split("=", 1)[1].strip() for l in fh if l.startswith("homepage="))
    for name in ALGORITHMS:
        alg = QgsApplication.processingRegistry().algorithmById(f"terraprompt:{name}")
        assert alg.helpUrl() == homepage.rstrip("/") + "#processing-algorithms", name
    (tmp_path / "metadata.txt").write_text("[general]\nname=TerraPrompt\nhomepage=\n", encoding="utf-8")
    monkeypatch.setattr(base, "PLUGIN_ROOT", str(tmp_path))
    assert base.readme_url("processing-algorithms") == f"file://{tmp_path}/README.md#processing-algorithms"
