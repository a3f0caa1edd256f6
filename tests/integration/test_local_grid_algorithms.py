"""Processing algorithms on a raster in a local grid (LOCAL_CS, as drone and survey software write): they run, measure
areas flat in the grid's metres and say so once; output parameters' names carry no '(optional)' (QGIS names the loaded
layer after them)."""
from __future__ import annotations

import fiona
import numpy as np
import pytest
from rasterio.crs import CRS

from conftest import write_raster

SITE = 'LOCAL_CS["site grid",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
NOTE = "areas are measured flat in the raster's own metre grid"


def _layer(kind: str, raster: str, geoms: list, fields: list[str], values: list[list]):
    """A memory layer in the raster layer's CRS (the local grid) holding the given WKT geometries and integer fields."""
    from qgis.core import QgsFeature, QgsGeometry, QgsRasterLayer, QgsVectorLayer

    lyr = QgsVectorLayer(kind + "".join(("?" if i == 0 else "&") + f"field={n}:integer" for i, n in enumerate(fields)), kind, "memory")
    lyr.setCrs(QgsRasterLayer(raster, "r").crs())
    feats = []
    for g, v in zip(geoms, values):
        f = QgsFeature(lyr.fields())
        f.setGeometry(QgsGeometry.fromWkt(g))
        f.setAttributes(v)
        feats.append(f)
    lyr.dataProvider().addFeatures(feats)
    return lyr


def _feedback():
    """A processing feedback that keeps what the algorithm reports."""
    from qgis.core import QgsProcessingFeedback

    class Kept(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.info: list[str] = []

        def pushInfo(self, info):  # noqa: N802
            self.info.append(info)

    return Kept()


def test_segment_prompts_on_a_local_grid_measures_flat_areas_and_says_so(plugin, tmp_path):
    import processing

    from core.interactive.test_exemplars import TR, scene

    data, red, _ = scene()
    src = write_raster(str(tmp_path / "site.tif"), data, crs=CRS.from_wkt(SITE), transform=TR)
    r, c = red[0]
    x, y = TR * (c + 6, r + 6)
    pts = _layer("Point", src, [f"POINT ({x} {y})"], ["object_id", "positive"], [[1, 1]])
    res = processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": pts, "MODEL": "classical",
                                                         "OUTPUT_VECTOR": str(tmp_path / "obj.gpkg")})
    assert res["OBJECTS"] == 1 and res["REPORT"].count(NOTE) == 1
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        (feat,) = list(fc)
    assert feat["properties"]["area_m2"] == pytest.approx(144.0, rel=0.25)  # a 12 x 12 roof of 1 m pixels


def test_find_similar_on_a_local_grid_finds_the_roofs_and_says_so(plugin, tmp_path):
    import processing

    from core.interactive.test_exemplars import TR, geom, scene

    data, red, _ = scene()
    src = write_raster(str(tmp_path / "site.tif"), data, crs=CRS.from_wkt(SITE), transform=TR)
    ex = _layer("Polygon", src, [geom(*red[0]).wkt, geom(*red[4]).wkt], [], [[], []])
    fb = _feedback()
    res = processing.run("terraprompt:find_similar", {"INPUT": src, "EXEMPLARS": ex, "THRESHOLD": 0.5, "METHOD": 2,
                                                      "OUTPUT_VECTOR": str(tmp_path / "similar.gpkg")}, feedback=fb)
    assert res["COUNT"] == len(red) - 2  # the two exemplars are not returned
    assert sum(i.count(NOTE) for i in fb.info) == 1
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        areas = [f["properties"]["area_m2"] for f in fc]
    assert np.median(areas) == pytest.approx(144.0, rel=0.3)


def test_extract_landcover_on_a_local_grid_through_processing(plugin, tmp_path):
    import processing

    from conftest import paint_s2
    from rasterio.transform import from_origin

    yy, xx = np.mgrid[0:60, 0:80]
    src = write_raster(str(tmp_path / "site.tif"), paint_s2((xx - 30) ** 2 + (yy - 30) ** 2 < 225, np.zeros((60, 80), bool)),
                       crs=CRS.from_wkt(SITE), transform=from_origin(1000, 2000, 10, 10))
    out = tmp_path / "out"
    out.mkdir()
    res = processing.run("terraprompt:extract_landcover", {"INPUT": src, "PROMPT": "water", "ENGINE": 1,
                                                           "OUTPUT_RASTER": str(out / "w.tif"), "OUTPUT_VECTOR": str(out / "w.gpkg")})
    assert res["EXPLANATION"].count(NOTE) == 1
    assert sorted(p.name for p in out.iterdir()) == ["w.gpkg", "w.qml", "w.tif", "w.tif.aux.xml"]


def test_no_output_parameter_is_named_optional(plugin):
    """QGIS names a loaded output layer after its parameter's description: 'Object id raster (optional)' was one."""
    from qgis.core import QgsApplication

    provider = QgsApplication.processingRegistry().providerById("terraprompt")
    named = [(alg.id(), p.name()) for alg in provider.algorithms() for p in alg.destinationParameterDefinitions()
             if "(optional)" in p.description()]
    assert named == []
