"""Result files keep their style: opened later from the Browser or in another project, a class raster shows its class
names and colours and the polygons their categories (not a 256-entry grey palette and a single symbol)."""
from __future__ import annotations

import os

from conftest import S2_NAMES, synthetic_s2, write_raster


def test_class_raster_and_polygons_open_styled_from_their_files(plugin, tmp_path):
    from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer

    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
    from terraprompt.plugin.gui.layers import add_result_layers

    data, _, _ = synthetic_s2(80, 100)
    s2 = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    req = ExtractRequest(s2, "water and vegetation", str(tmp_path / "lc.tif"), str(tmp_path / "polygons.fgb"), engine="spectral")
    res = extract_landcover(req)
    project = QgsProject()
    add_result_layers(res.output_raster, res.classes, res.output_vector, res.explanation, project=project)
    assert os.path.exists(tmp_path / "lc.qml") and os.path.exists(tmp_path / "polygons.qml")
    raster = QgsRasterLayer(res.output_raster, "fresh", "gdal")  # as the Browser or another project opens it
    labels = {c.value: c.label for c in raster.renderer().classes()}
    assert labels[1] == "Water" and labels[2] == "Vegetation" and len(labels) == 3, labels
    vector = QgsVectorLayer(res.output_vector, "fresh", "ogr")
    assert vector.renderer().type() == "categorizedSymbol"
    assert {c.label() for c in vector.renderer().categories()} >= {"Water", "Vegetation"}
