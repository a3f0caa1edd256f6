"""Vector inputs of find_similar, segment_prompts and detect_change's reference map: Z/M and curved polygons, NULL
geometries, coordinates that do not fit their layer's CRS, one object_id on prompts far apart, class field order."""
from __future__ import annotations

import pytest
from rasterio.transform import from_origin

from conftest import similar_tab, write_raster

SP_TR = from_origin(500000, 4500000, 0.5, 0.5)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Keep the embedding cache of these tests out of the user's cache folder."""
    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path_factory.mktemp("cache")))


def _layer(spec: str, feats):
    """A memory layer of (geometry WKT or None, attribute list) features."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    lyr = QgsVectorLayer(spec, "prompts", "memory")
    assert lyr.isValid()
    out = []
    for wkt, attrs in feats:
        f = QgsFeature(lyr.fields())
        if wkt is not None:
            f.setGeometry(QgsGeometry.fromWkt(wkt))
        f.setAttributes(attrs)
        out.append(f)
    lyr.dataProvider().addFeatures(out)
    return lyr


def _roofs(kind: str) -> list[str]:
    """Two red roofs of the find-similar scene as WKT of ``kind``: Polygon Z, Polygon M or CurvePolygon."""
    from core.interactive.test_exemplars import geom, scene

    _, red, _ = scene()
    out = []
    for r, c in (red[0], red[4]):
        ring = list(geom(r, c).exterior.coords)
        if kind == "PolygonZ":
            out.append("PolygonZ((" + ", ".join(f"{x} {y} 12.5" for x, y in ring) + "))")
        elif kind == "PolygonM":
            out.append("PolygonM((" + ", ".join(f"{x} {y} 3" for x, y in ring) + "))")
        else:
            out.append("CurvePolygon(CompoundCurve((" + ", ".join(f"{x} {y}" for x, y in ring) + ")))")
    return out


@pytest.mark.parametrize("kind", ["PolygonZ", "PolygonM", "CurvePolygon"])
def test_find_similar_takes_z_m_and_curved_exemplars(plugin, tmp_path, kind):
    import processing

    from core.interactive.test_exemplars import TR, scene

    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    lyr = _layer(f"{kind}?crs=EPSG:32633", [(w, []) for w in _roofs(kind)] + [(None, [])])
    feedback, said = _recording_feedback()
    res = processing.run("terraprompt:find_similar", {"INPUT": src, "EXEMPLARS": lyr, "METHOD": 2,
                                                      "OUTPUT_VECTOR": str(tmp_path / "s.gpkg")}, feedback=feedback)
    assert res["COUNT"] == len(red) - 2  # the two exemplars are not returned
    assert any("2 exemplar(s)" in m and "1 exemplar feature(s) without geometry left out" in m for m in said), said


def _recording_feedback():
    """A processing feedback and the list of what it was told with pushInfo."""
    from qgis.core import QgsProcessingFeedback

    said: list[str] = []

    class Recording(QgsProcessingFeedback):
        def pushInfo(self, info):  # noqa: N802
            said.append(info)

    return Recording(), said


def test_find_similar_repairs_bowtie_exemplars(plugin, tmp_path):
    """A bowtie's signed area is 0: it was left out without a word (geometry check off, as many analysts set it)."""
    import processing
    from qgis.core import QgsFeatureRequest, QgsProcessingContext, QgsProject

    from core.interactive.test_exemplars import TR, geom, scene

    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    bows = []
    for r, c in (red[0], red[4]):
        x0, y0, x1, y1 = geom(r, c).bounds
        bows.append((f"Polygon(({x0} {y0}, {x1} {y1}, {x1} {y0}, {x0} {y1}, {x0} {y0}))", []))
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    context.setInvalidGeometryCheck(QgsFeatureRequest.GeometryNoCheck)
    feedback, said = _recording_feedback()
    res = processing.run("terraprompt:find_similar", {"INPUT": src, "EXEMPLARS": _layer("Polygon?crs=EPSG:32633", bows),
                                                      "METHOD": 2, "OUTPUT_VECTOR": str(tmp_path / "s.gpkg")},
                         context=context, feedback=feedback)
    assert res["COUNT"] == len(red) - 2  # the two exemplars are not returned
    assert any("2 exemplar(s) with an invalid outline (self-crossing) repaired" in m for m in said), said


def test_dock_find_similar_takes_z_exemplars(plugin, project, tmp_path):
    from qgis.core import QgsRasterLayer

    from conftest import wait_for
    from core.interactive.test_exemplars import TR, scene

    data, red, _ = scene()
    raster = QgsRasterLayer(write_raster(str(tmp_path / "rgb.tif"), data, transform=TR), "rgb")
    vec = _layer("PolygonZ?crs=EPSG:32633", [(w, []) for w in _roofs("PolygonZ")])
    project.addMapLayers([raster, vec])
    tab = similar_tab(plugin, raster, vec)
    tab.similar_button.click()  # raised WKTReadingError out of the click
    assert wait_for(lambda: tab.similar_task is None, 60)
    found = [lyr for lyr in project.mapLayers().values() if lyr.name().endswith("on rgb (similar objects)")]
    assert found and found[0].featureCount() == len(red) - 2, tab.status.text()  # not the exemplars


def test_shapely_polygons_names_counts_and_flattens(plugin):
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject

    from terraprompt.plugin.qgis_layers import shapely_polygons

    lyr = _layer("CurvePolygon?crs=EPSG:4326", [
        ("CurvePolygon(CircularString(10 50, 10.001 50.001, 10 50))", []),  # a circle
        (None, []),
        ("Polygon((500000 4500000, 500010 4500000, 500010 4500010, 500000 4500000))", []),  # UTM metres in degrees
    ])
    xf = QgsCoordinateTransform(lyr.crs(), QgsCoordinateReferenceSystem("EPSG:32632"), QgsProject.instance())
    geoms, empty, unplaced = shapely_polygons(lyr.getFeatures(), xf, "prompts")
    assert (len(geoms), empty, unplaced) == (1, 1, 1)
    assert geoms[0].geom_type == "Polygon" and not geoms[0].has_z and geoms[0].area > 1000


def test_wrong_crs_prompts_and_exemplars_are_told(plugin, tmp_path):
    """UTM metres in layers labelled EPSG:4326: POINTS raised QgsCsException, EXEMPLARS 'cannot convert float NaN'."""
    import processing
    from qgis.core import QgsProcessingException

    from core.interactive.test_exemplars import TR, geom, scene

    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    g = geom(*red[0])
    x, y = g.centroid.x, g.centroid.y
    pts = _layer("Point?crs=EPSG:4326&field=object_id:integer&field=positive:integer", [(f"Point({x} {y})", [1, 1])])
    with pytest.raises(QgsProcessingException, match=r"outside the raster \(check the layer's CRS\)") as info:
        processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": pts, "MODEL": "classical",
                                                       "OUTPUT_VECTOR": str(tmp_path / "p.gpkg")})
    assert "Traceback" not in str(info.value)
    ex = _layer("Polygon?crs=EPSG:4326", [(g.wkt, [])])
    with pytest.raises(QgsProcessingException, match="lie outside the raster.*check the layer's CRS") as info:
        processing.run("terraprompt:find_similar", {"INPUT": src, "EXEMPLARS": ex, "METHOD": 2,
                                                    "OUTPUT_VECTOR": str(tmp_path / "s.gpkg")})
    assert "Traceback" not in str(info.value)
    assert not (tmp_path / "p.gpkg").exists() and not (tmp_path / "s.gpkg").exists()


def _sp_scene(tmp_path) -> str:
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    data, _ = scene(h=256, w=256)
    return write_raster(str(tmp_path / "scene.tif"), data, transform=SP_TR)


def _xy(col: float, row: float) -> tuple[float, float]:
    return SP_TR * (col, row)


def test_segment_prompts_reports_null_geometries(plugin, tmp_path):
    import processing

    src = _sp_scene(tmp_path)
    (x1, y1), (x2, y2) = _xy(70, 55), _xy(52, 195)
    pts = _layer("Point?crs=EPSG:32633&field=object_id:integer&field=positive:integer",
                 [(f"Point({x1} {y1})", [1, 1]), (f"Point({x2} {y2})", [2, 1]), (None, [3, 1])])
    res = processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": pts, "MODEL": "classical",
                                                         "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert res["OBJECTS"] == 2
    assert "1 prompt feature(s) without geometry left out (object_id 3)" in res["REPORT"]


def test_segment_prompts_warns_of_one_id_far_apart(plugin, tmp_path):
    """Two boxes of one object_id 600 pixels apart (a copied id): merged into one box over everything, without a word."""
    import processing

    import numpy as np

    big = write_raster(str(tmp_path / "big.tif"), np.full((1, 700, 700), 80, "uint8") + np.eye(700, dtype="uint8")[None] * 100,
                       transform=SP_TR)
    (a0, a1), (b0, b1) = _xy(10, 30), _xy(30, 10)
    (c0, c1), (d0, d1) = _xy(640, 690), _xy(690, 640)
    boxes = _layer("Polygon?crs=EPSG:32633&field=object_id:integer", [
        (f"Polygon(({a0} {a1}, {b0} {a1}, {b0} {b1}, {a0} {b1}, {a0} {a1}))", [1]),
        (f"Polygon(({c0} {c1}, {d0} {c1}, {d0} {d1}, {c0} {d1}, {c0} {c1}))", [1])])
    res = processing.run("terraprompt:segment_prompts", {"INPUT": big, "BOXES": boxes, "MODEL": "classical",
                                                         "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert "object 1: its 2 box features were merged into their common bounding box" in res["REPORT"]
    assert "object 1: its prompts lie" in res["REPORT"] and "own object_id" in res["REPORT"]


def test_reference_polygons_curved_and_name_before_class(plugin, tmp_path):
    """A CurvePolygon reference map was refused 'cannot be read (10)'; fields (name, class) took classes from name."""
    from pyproj import CRS

    from terraprompt.plugin.core.change.reference import VectorReference
    from terraprompt.plugin.qgis_layers import polygons_file

    lyr = _layer("CurvePolygon?crs=EPSG:32633&field=name:string&field=class:string", [
        ("CurvePolygon((500000 4500000, 500100 4500000, 500100 4500100, 500000 4500000))", ["Parcel A", "forest"]),
        ("CurvePolygon(CircularString(500200 4500000, 500250 4500050, 500200 4500000))", ["Parcel B", "water"])])
    ref = VectorReference(polygons_file(lyr, str(tmp_path)), CRS.from_epsg(32633))
    assert ref.field == "class"
    assert ref.tags["TERRAPROMPT_CLASSES"] == "1=forest;2=water"


def test_a_box_that_cannot_be_placed_does_not_void_the_others_of_its_object(plugin, tmp_path):
    """Two boxes of one object_id, the first in coordinates its CRS cannot place (NaN): the merged box was NaN when that
    feature came first (the object skipped as 'outside the raster') and the good box when it came second."""
    import processing
    from pyproj import Transformer

    src = _sp_scene(tmp_path)
    to_ll = Transformer.from_crs("EPSG:32633", "EPSG:4326", always_xy=True)
    (a0, a1), (b0, b1) = (to_ll.transform(*_xy(c, r)) for c, r in ((40, 30), (100, 80)))
    bad = "Polygon((500010 4499990, 500020 4499990, 500020 4499980, 500010 4499990))"  # metres labelled as degrees
    good = f"Polygon(({a0} {a1}, {b0} {a1}, {b0} {b1}, {a0} {b1}, {a0} {a1}))"
    for order in ((bad, good), (good, bad)):
        boxes = _layer("Polygon?crs=EPSG:4326&field=object_id:integer", [(order[0], [1]), (order[1], [1])])
        res = processing.run("terraprompt:segment_prompts", {"INPUT": src, "BOXES": boxes, "MODEL": "classical",
                                                             "OUTPUT_VECTOR": str(tmp_path / f"o{order[0] == bad}.gpkg")})
        assert res["OBJECTS"] == 1, res["REPORT"]
