"""Processing outputs that QGIS does not load (processing.run in a script or a model, qgis_process, `make run`) keep their
style with the file: opened later from the Browser they show the class names and colours, a transparent background, a
0..1 probability and categorised polygons (they opened as 256 classes '0'..'255' with an opaque grey class 0, a
probability stretched to its data and a single random symbol). Layers Processing loads are named after the prompt and
the input, numbered when a name is taken (every run was 'Class raster', 'Polygons')."""
from __future__ import annotations

import os

from conftest import S2_NAMES, change_pair_layers, run_qgis_process, synthetic_s2, write_raster


def _s2(tmp_path) -> str:
    data, _, _ = synthetic_s2(80, 100)
    return write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)


def _fresh(path: str):
    """The output opened as the Browser or another project opens it."""
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    if path.split("|")[0].endswith(".tif"):
        return QgsRasterLayer(path, "fresh", "gdal")
    return QgsVectorLayer(path, "fresh", "ogr")


def _check_class_raster(path: str) -> None:
    """Paletted with the concepts' names, class 0 transparent, and the names readable by GDAL without the .qml."""
    from osgeo import gdal

    layer = _fresh(path)
    renderer = layer.renderer()
    assert renderer.type() == "paletted"
    classes = {int(c.value): c for c in renderer.classes()}
    assert {v: c.label for v, c in classes.items()} == {0: "Background", 1: "Water", 2: "Vegetation"}
    assert classes[0].color.alpha() == 0, "class 0 (background) is painted over the image"
    info = gdal.Info(path)  # as a GDAL-based viewer reads the file, without the .qml
    assert "Categories:\n      0: Background\n      1: Water\n      2: Vegetation" in info, info
    assert "NoData Value=255" in info


def _check_polygons(path: str) -> None:
    layer = _fresh(path)
    renderer = layer.renderer()
    assert renderer.type() == "categorizedSymbol"
    assert {c.label() for c in renderer.categories()} == {"Water", "Vegetation"}


def test_processing_run_without_loading_leaves_styled_files(plugin, project, tmp_path):
    import processing

    res = processing.run("terraprompt:extract_landcover", {
        "INPUT": _s2(tmp_path), "PROMPT": "water and vegetation", "ENGINE": 1,
        "OUTPUT_RASTER": str(tmp_path / "lc.tif"), "OUTPUT_VECTOR": str(tmp_path / "lcp.shp")})
    assert os.path.exists(tmp_path / "lc.qml") and os.path.exists(tmp_path / "lcp.qml")
    _check_class_raster(res["OUTPUT_RASTER"])
    _check_polygons(res["OUTPUT_VECTOR"])
    assert not project.mapLayers()


def test_change_outputs_without_loading_keep_a_fixed_probability_ramp(plugin, project, tmp_path):
    import processing

    before, after, _ = change_pair_layers(project, tmp_path, add_to_tree=False)
    res = processing.run("terraprompt:detect_change", {
        "BEFORE": before.source(), "AFTER": after.source(), "METHOD": 3,
        "OUTPUT_PROBABILITY": str(tmp_path / "p.tif"), "OUTPUT_CHANGE": str(tmp_path / "c.tif"),
        "OUTPUT_VECTOR": str(tmp_path / "v.shp")})
    layers = [_fresh(res[key]) for key in ("OUTPUT_PROBABILITY", "OUTPUT_CHANGE", "OUTPUT_VECTOR")]
    probability = layers[0].renderer()
    assert probability.type() == "singlebandpseudocolor"
    ramp = probability.shader().rasterShaderFunction().colorRampItemList()  # fixed classes, not the data's min..max
    assert [(round(item.value, 3), item.color.alpha()) for item in ramp] == [(0.5, 0), (1.0, 200)]
    assert (probability.classificationMin(), probability.classificationMax()) == (0.0, 1.0)  # not 'nan' in Symbology
    change = {int(c.value): c for c in layers[1].renderer().classes()}
    assert sorted(change) == [0, 1] and change[0].color.alpha() == 0
    assert layers[2].renderer().type() == "categorizedSymbol"  # by from → to transition: the pair knows land covers
    assert os.path.exists(tmp_path / "v.qml")


def test_qgis_process_outputs_open_styled_geopackage_included(tmp_path):
    """`make run` is qgis_process: the GeoPackage polygons carry their style as the table's default style."""
    from qgis.core import QgsProject  # noqa: F401  (the QGIS app of the session opens the files below)

    src = _s2(tmp_path)
    _, results = run_qgis_process(tmp_path, "terraprompt:extract_landcover", [
        f"INPUT={src}", "PROMPT=water and vegetation", "ENGINE=1", f"OUTPUT_RASTER={tmp_path / 'qp.tif'}",
        f"OUTPUT_VECTOR={tmp_path / 'qp.gpkg'}"])
    _check_class_raster(results["OUTPUT_RASTER"])
    _check_polygons(results["OUTPUT_VECTOR"])


def test_loaded_outputs_are_named_after_the_prompt_and_the_input(plugin, project, tmp_path):
    import processing

    src = _s2(tmp_path)
    for _ in range(2):
        processing.runAndLoadResults("terraprompt:extract_landcover", {
            "INPUT": src, "PROMPT": "water", "ENGINE": 1, "OUTPUT_RASTER": "TEMPORARY_OUTPUT",
            "OUTPUT_VECTOR": "TEMPORARY_OUTPUT"})
    names = sorted(layer.name() for layer in project.mapLayers().values())
    assert names == ["water on s2 #2 (classes)", "water on s2 #2 (polygons)", "water on s2 (classes)",
                     "water on s2 (polygons)"], names
