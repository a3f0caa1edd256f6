"""TerraPrompt algorithms as children of a Processing model (what the Model Designer builds), run with processing.run."""
from __future__ import annotations

import os
import sys

import fiona

from conftest import ROOT, SAMPLE_S2, run_qgis_process

sys.path.insert(0, os.path.join(ROOT, "tests", "core", "change"))
from change_pairs import write_pair  # noqa: E402


def _model(name: str):
    from qgis.core import QgsProcessingModelAlgorithm

    return QgsProcessingModelAlgorithm(name, "tests")


def _child(alg_id: str, child_id: str):
    from qgis.core import QgsApplication, QgsProcessingModelChildAlgorithm

    assert QgsApplication.processingRegistry().algorithmById(alg_id) is not None, alg_id
    child = QgsProcessingModelChildAlgorithm(alg_id)
    child.setChildId(child_id)
    return child


def _add(model, child) -> None:
    """Add a child as the Model Designer does: parameters not wired keep their default values."""
    from qgis.core import QgsProcessingDestinationParameter, QgsProcessingParameterDefinition

    for p in child.algorithm().parameterDefinitions():
        if isinstance(p, QgsProcessingDestinationParameter) or p.name() in child.parameterSources():
            continue
        if not p.flags() & QgsProcessingParameterDefinition.FlagOptional or p.defaultValue() is not None:
            child.addParameterSources(p.name(), _static(p.defaultValue()))
    model.addChildAlgorithm(child)


def _from_input(name: str):
    from qgis.core import QgsProcessingModelChildParameterSource

    return [QgsProcessingModelChildParameterSource.fromModelParameter(name)]


def _static(value):
    from qgis.core import QgsProcessingModelChildParameterSource

    return [QgsProcessingModelChildParameterSource.fromStaticValue(value)]


def _from_child(child_id: str, output: str):
    from qgis.core import QgsProcessingModelChildParameterSource

    return [QgsProcessingModelChildParameterSource.fromChildOutput(child_id, output)]


def _final_output(child, output: str, name: str):
    from qgis.core import QgsProcessingModelOutput

    out = QgsProcessingModelOutput(name)
    out.setChildId(child.childId())
    out.setChildOutputName(output)
    child.setModelOutputs({name: out})


def test_landcover_polygons_feed_a_native_buffer_in_a_model(plugin, tmp_path):
    """Raster input → extract_landcover (vegetation larger than 0.5 ha) → native:buffer 10 m → model output."""
    import processing
    from qgis.core import QgsProcessingModelParameter, QgsProcessingParameterRasterLayer

    model = _model("vegetation_buffer")
    model.addModelParameter(QgsProcessingParameterRasterLayer("scene", "Scene"), QgsProcessingModelParameter("scene"))
    lc = _child("terraprompt:extract_landcover", "landcover")
    lc.addParameterSources("INPUT", _from_input("scene"))
    lc.addParameterSources("PROMPT", _static("vegetation larger than 0.5 ha"))
    lc.addParameterSources("ENGINE", _static(1))  # spectral
    _add(model, lc)
    buf = _child("native:buffer", "buffer")
    buf.addParameterSources("INPUT", _from_child("landcover", "OUTPUT_VECTOR"))
    buf.addParameterSources("DISTANCE", _static(0.0001))  # degrees: the sample is in EPSG:4326
    buf.addParameterSources("DISSOLVE", _static(False))
    _final_output(buf, "OUTPUT", "buffered")
    _add(model, buf)
    ok, problems = model.validate()
    assert ok, problems
    out = str(tmp_path / "buffered.gpkg")
    res = processing.run(model, {"scene": SAMPLE_S2, "buffer:buffered": out})
    with fiona.open(res["buffer:buffered"]) as fc:
        feats = list(fc)
    assert feats and {f["properties"]["class"] for f in feats} == {"vegetation"}
    assert all(f["properties"]["area_m2"] >= 5000 for f in feats)  # the prompt's size filter, carried through


def test_detect_change_in_a_model_and_a_model3_file(plugin, tmp_path):
    """Two raster inputs → detect_change (CVA) → its change raster as the model output; run by processing.run and,
    saved as a .model3 file, by qgis_process."""
    import processing
    import rasterio
    from qgis.core import QgsProcessingModelParameter, QgsProcessingParameterRasterLayer

    pb, pa, truth = write_pair(tmp_path)
    model = _model("change")
    for name in ("before", "after"):
        model.addModelParameter(QgsProcessingParameterRasterLayer(name, name), QgsProcessingModelParameter(name))
    ch = _child("terraprompt:detect_change", "change")
    ch.addParameterSources("BEFORE", _from_input("before"))
    ch.addParameterSources("AFTER", _from_input("after"))
    ch.addParameterSources("METHOD", _static(3))  # cva
    _final_output(ch, "OUTPUT_CHANGE", "changed")
    _add(model, ch)
    ok, problems = model.validate()
    assert ok, problems
    res = processing.run(model, {"before": pb, "after": pa, "change:changed": str(tmp_path / "change.tif")})
    # the same model saved as a .model3 file and run by qgis_process, as a batch job would
    path = str(tmp_path / "change.model3")
    assert model.toFile(path)
    _, results = run_qgis_process(tmp_path, path, ["before=" + pb, "after=" + pa, "change:changed=" + str(tmp_path / "cli.tif")])
    for out in (res["change:changed"], results["change:changed"]):
        with rasterio.open(out) as ds:
            got = ds.read(1) == 1
        assert (got & truth).sum() / (got | truth).sum() > 0.8
