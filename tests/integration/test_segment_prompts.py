"""terraprompt:segment_prompts through processing.run with prompt layers in CRSs other than the raster's."""
from __future__ import annotations

import os
import sys

import fiona
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from conftest import write_raster

TRANSFORM = from_origin(500000, 4500000, 0.5, 0.5)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Keep the embedding cache of these tests out of the user's cache folder."""
    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path_factory.mktemp("cache")))


def _scene():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    return scene(h=256, w=256)


def _memory_layer(kind, crs, fields):
    from qgis.core import QgsVectorLayer

    spec = f"{kind}?crs={crs}" + "".join(f"&field={n}:integer" for n in fields)
    lyr = QgsVectorLayer(spec, kind.lower(), "memory")
    assert lyr.isValid()
    return lyr


def _add(lyr, geom, attrs):
    from qgis.core import QgsFeature

    f = QgsFeature(lyr.fields())
    f.setGeometry(geom)
    f.setAttributes(attrs)
    lyr.dataProvider().addFeature(f)


def _to(crs_from, crs_to, x, y):
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsPointXY, QgsProject

    t = QgsCoordinateTransform(QgsCoordinateReferenceSystem(crs_from), QgsCoordinateReferenceSystem(crs_to), QgsProject.instance())
    return t.transform(QgsPointXY(x, y))


def test_registered_with_help(plugin):
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().algorithmById("terraprompt:segment_prompts")
    assert alg is not None
    for name in ("INPUT", "POINTS", "BOXES", "MODEL", "DEVICE", "CLASS", "OUTPUT_VECTOR", "OUTPUT_RASTER"):
        p = alg.parameterDefinition(name)
        assert p is not None and p.help(), name


def test_points_and_boxes_in_other_crs(plugin, tmp_path):
    import processing
    from qgis.core import QgsGeometry, QgsRectangle

    data, masks = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    pts = _memory_layer("Point", "EPSG:4326", ["object_id", "positive"])
    for oid, (r, c), pos in [(1, (55, 70), 1), (2, (150, 170), 1), (2, (55, 70), 0), (5, (-4000, -4000), 1)]:
        x, y = TRANSFORM * (c + 0.5, r + 0.5)
        p = _to("EPSG:32633", "EPSG:4326", x, y)
        _add(pts, QgsGeometry.fromPointXY(p), [oid, pos])
    boxes = _memory_layer("Polygon", "EPSG:3857", ["object_id"])
    x0, y1 = TRANSFORM * (37, 177)
    x1, y0 = TRANSFORM * (68, 223)
    a, b = _to("EPSG:32633", "EPSG:3857", x0, y0), _to("EPSG:32633", "EPSG:3857", x1, y1)
    _add(boxes, QgsGeometry.fromRect(QgsRectangle(a.x(), a.y(), b.x(), b.y())), [3])
    res = processing.run("terraprompt:segment_prompts", {
        "INPUT": src, "POINTS": pts, "BOXES": boxes, "CLASS": "building", "MODEL": "classical",  # exact on flat synthetic shapes
        "OUTPUT_VECTOR": str(tmp_path / "obj.gpkg"), "OUTPUT_RASTER": str(tmp_path / "ids.tif")})
    assert res["OBJECTS"] == 3 and "object 5" in res["REPORT"]
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        props = {f["properties"]["object_id"]: f["properties"] for f in fc}
        assert "32633" in fc.crs_wkt or fc.crs.get("init", "").endswith("32633") or "UTM zone 33N" in fc.crs_wkt
    assert set(props) == {1, 2, 3}
    assert props[2]["n_negative"] == 1 and props[3]["prompt_type"] == "box" and props[1]["class"] == "building"
    with rasterio.open(res["OUTPUT_RASTER"]) as ds:
        ids = ds.read(1)
    for oid, k in ((1, 1), (2, 2), (3, 3)):
        gt = masks[k]
        iou = ((ids == oid) & gt).sum() / ((ids == oid) | gt).sum()
        assert iou > 0.8, (oid, iou)


def test_objects_written_as_geojson(plugin, tmp_path):
    import processing

    data, masks = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    pts = _memory_layer("Point", "EPSG:32633", ["object_id", "positive"])
    from qgis.core import QgsGeometry, QgsPointXY

    x, y = TRANSFORM * (70.5, 55.5)
    _add(pts, QgsGeometry.fromPointXY(QgsPointXY(x, y)), [7, 1])
    res = processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": pts, "MODEL": "classical",
                                                         "OUTPUT_VECTOR": str(tmp_path / "obj.geojson")})
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        (feat,) = list(fc)
        assert "32633" in fc.crs_wkt or "UTM zone 33N" in fc.crs_wkt
    assert feat["properties"]["object_id"] == 7 and feat["properties"]["model_sha256"]
    assert feat["properties"]["area_m2"] == pytest.approx(masks[1].sum() * abs(TRANSFORM.a * TRANSFORM.e), rel=0.2)


def test_points_on_a_raster_whose_crs_was_set_in_qgis(plugin, tmp_path):
    """A raster file without a CRS, given one on its layer in QGIS, and points in longitude/latitude: the points land on
    the roofs as QGIS draws them and the objects are written in the layer's CRS (the run was refused: no CRS)."""
    import processing
    from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry, QgsRasterLayer

    data, masks = _scene()
    path = write_raster(str(tmp_path / "img_no_crs.tif"), data.astype(np.uint8), crs=None, transform=TRANSFORM)
    layer = QgsRasterLayer(path, "no crs")
    layer.setCrs(QgsCoordinateReferenceSystem("EPSG:32633"))
    pts = _memory_layer("Point", "EPSG:4326", ["object_id", "positive"])
    for oid, (r, c) in ((1, (55, 70)), (2, (150, 170))):
        _add(pts, QgsGeometry.fromPointXY(_to("EPSG:32633", "EPSG:4326", *(TRANSFORM * (c + 0.5, r + 0.5)))), [oid, 1])
    res = processing.run("terraprompt:segment_prompts", {
        "INPUT": layer, "POINTS": pts, "MODEL": "classical", "OUTPUT_VECTOR": str(tmp_path / "obj.gpkg"),
        "OUTPUT_RASTER": str(tmp_path / "ids.tif")})
    assert res["OBJECTS"] == 2
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        assert rasterio.crs.CRS.from_wkt(fc.crs_wkt).to_epsg() == 32633
    with rasterio.open(res["OUTPUT_RASTER"]) as ds:
        assert ds.crs.to_epsg() == 32633 and ds.transform == TRANSFORM
        ids = ds.read(1)
    for oid in (1, 2):
        assert ((ids == oid) & masks[oid]).sum() / ((ids == oid) | masks[oid]).sum() > 0.8


def test_objects_loaded_by_processing_are_outlined(plugin, project, tmp_path):
    """Objects QGIS loads after a run get the dock's bright outline over a faint fill and the report as metadata (they
    came as an opaque random fill hiding the roofs)."""
    import processing
    from qgis.core import QgsGeometry

    data, _ = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    pts = _memory_layer("Point", "EPSG:32633", ["object_id", "positive"])
    _add(pts, QgsGeometry.fromPointXY(_to("EPSG:32633", "EPSG:32633", *(TRANSFORM * (70.5, 55.5)))), [1, 1])
    _add(pts, QgsGeometry.fromPointXY(_to("EPSG:32633", "EPSG:32633", *(TRANSFORM * (170.5, 150.5)))), [7, 1])
    processing.runAndLoadResults("terraprompt:segment_prompts", {
        "INPUT": src, "POINTS": pts, "MODEL": "classical", "OUTPUT_VECTOR": str(tmp_path / "obj.gpkg"),
        "OUTPUT_RASTER": str(tmp_path / "ids.tif")})
    (layer,) = [l for l in project.mapLayers().values() if l.source().split("|")[0].endswith("obj.gpkg")]
    symbol = layer.renderer().symbol()
    assert symbol.color().alpha() < 60 and symbol.symbolLayer(0).strokeColor().name() == "#ffe600"
    assert "object" in layer.metadata().abstract()
    (ids,) = [l for l in project.mapLayers().values() if l.source().endswith("ids.tif")]
    classes = {c.value: c.color for c in ids.renderer().classes()}  # each object its colour, background transparent
    assert set(classes) == {0, 1, 7} and classes[0].alpha() == 0 and classes[1] != classes[7]


def test_missing_field_and_no_prompts(plugin, tmp_path):
    import processing
    from qgis.core import QgsGeometry, QgsPointXY, QgsProcessingException

    data, _ = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    pts = _memory_layer("Point", "EPSG:32633", ["object_id"])
    _add(pts, QgsGeometry.fromPointXY(QgsPointXY(*(TRANSFORM * (70, 55)))), [1])
    with pytest.raises(QgsProcessingException, match="positive"):
        processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": pts, "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    with pytest.raises(QgsProcessingException, match="POINTS"):
        processing.run("terraprompt:segment_prompts", {"INPUT": src, "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["img.tif"]



def test_points_outside_the_raster_are_named(plugin, tmp_path):
    """Every prompt off the raster: the message names the object and the point, in one clean sentence."""
    import processing
    from qgis.core import QgsGeometry, QgsPointXY, QgsProcessingException

    data, _ = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    pts = _memory_layer("Point", "EPSG:32633", ["object_id", "positive"])
    _add(pts, QgsGeometry.fromPointXY(QgsPointXY(*(TRANSFORM * (7000, 55)))), [4, 1])
    with pytest.raises(QgsProcessingException, match="object 4: The click at .* lies outside the raster") as exc:
        processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": pts, "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert ".." not in str(exc.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["img.tif"]

def test_bad_model_is_a_clear_error(plugin, tmp_path):
    import processing
    from qgis.core import QgsGeometry, QgsPointXY, QgsProcessingException

    data, _ = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    pts = _memory_layer("Point", "EPSG:32633", ["object_id", "positive"])
    _add(pts, QgsGeometry.fromPointXY(QgsPointXY(*(TRANSFORM * (70, 55)))), [1, 1])
    bad = tmp_path / "junk_encoder.onnx"
    bad.write_bytes(b"junk")
    (tmp_path / "junk_decoder.onnx").write_bytes(b"junk")
    with pytest.raises(QgsProcessingException, match="not a valid ONNX model"):
        processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": pts, "MODEL": str(bad),
                                                        "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert not (tmp_path / "o.gpkg").exists()


def test_encode_image_then_segment_prompts_uses_cache(plugin, tmp_path, monkeypatch):
    import processing
    from qgis.core import QgsGeometry, QgsPointXY

    data, masks = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    cache = tmp_path / "cache"
    res = processing.run("terraprompt:encode_image", {"INPUT": src, "CACHE_DIR": str(cache)})
    assert res["TILES"] == 1 and res["ENCODED"] == 1 and "newly encoded: 1" in res["REPORT"]
    res = processing.run("terraprompt:encode_image", {"INPUT": src, "CACHE_DIR": str(cache)})
    assert res["ENCODED"] == 0
    monkeypatch.setenv("TERRAPROMPT_CACHE", str(cache))
    pts = _memory_layer("Point", "EPSG:32633", ["object_id", "positive"])
    _add(pts, QgsGeometry.fromPointXY(QgsPointXY(*(TRANSFORM * (70, 55)))), [1, 1])
    out = processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": pts, "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert "newly encoded: 0)" in out["REPORT"]


def test_default_cache_is_the_profile_folder_diagnostics_reports(plugin, tmp_path, monkeypatch):
    import processing

    from terraprompt.plugin.algorithms.diagnostics import cache_dirs

    monkeypatch.delenv("TERRAPROMPT_CACHE", raising=False)
    data, _ = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    res = processing.run("terraprompt:encode_image", {"INPUT": src})
    folder = cache_dirs()["embeddings"]
    assert folder in res["REPORT"] and any(n.endswith(".npz") for n in os.listdir(folder))


def test_straight_outlines_square_the_roofs_of_a_real_tile(plugin, tmp_path):
    """STRAIGHT_OUTLINES on the bundled network's masks of real roofs (Rio crop): right-angled polygons, few corners,
    about the area of the traced masks; the object id raster is drawn from the same polygons."""
    import math

    import processing
    from qgis.core import QgsGeometry, QgsPointXY
    from scipy import ndimage

    base = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "rio_buildings_crop_")
    with rasterio.open(base + "instances.tif") as ds:
        inst, tr = ds.read(1), ds.transform
    pts = _memory_layer("Point", "EPSG:4326", ["object_id", "positive"])
    ids = [k for k in np.unique(inst) if k > 0 and (inst == k).sum() >= 150]
    for k in ids:
        d = ndimage.distance_transform_edt(inst == k)
        r, c = np.unravel_index(int(np.argmax(d)), d.shape)
        _add(pts, QgsGeometry.fromPointXY(QgsPointXY(*(tr * (c + 0.5, r + 0.5)))), [int(k), 1])
    runs = {}
    for straight in (False, True):
        res = processing.run("terraprompt:segment_prompts", {
            "INPUT": base + "image.tif", "POINTS": pts, "MODEL": "network", "STRAIGHT_OUTLINES": straight,
            "OUTPUT_VECTOR": str(tmp_path / f"obj_{straight}.gpkg"), "OUTPUT_RASTER": str(tmp_path / f"ids_{straight}.tif")})
        with fiona.open(res["OUTPUT_VECTOR"]) as fc:
            runs[straight] = {f["properties"]["object_id"]: f for f in fc}
        with rasterio.open(res["OUTPUT_RASTER"]) as ds:
            runs[(straight, "raster")] = ds.read(1)
    assert len(ids) >= 3 and set(runs[True]) == set(runs[False]) == set(ids)
    for k in ids:
        a, b = runs[(True, "raster")] == k, runs[(False, "raster")] == k
        assert 0.75 < (a & b).sum() / (a | b).sum() < 1.0
    squared = 0
    for k in ids:
        traced, straight = runs[False][k], runs[True][k]
        a0, a1 = traced["properties"]["area_m2"], straight["properties"]["area_m2"]
        assert abs(a1 - a0) / a0 < 0.2, (k, a0, a1)
        ring = straight["geometry"]["coordinates"][0][0][:-1]
        corners = len(ring)
        assert corners < len(traced["geometry"]["coordinates"][0][0]) - 1
        # right angles on the ground: degrees of longitude scaled to the latitude's
        angles = []
        for i in range(corners):
            (x0, y0), (x1, y1), (x2, y2) = ring[i - 1], ring[i], ring[(i + 1) % corners]
            u, v = ((x1 - x0) * math.cos(math.radians(y1)), y1 - y0), ((x2 - x1) * math.cos(math.radians(y1)), y2 - y1)
            angles.append(abs(u[0] * v[0] + u[1] * v[1]) / (math.hypot(*u) * math.hypot(*v)))
        squared += max(angles) < 0.02  # right angles (degrees of longitude scaled at the latitude)
    assert squared >= len(ids) - 1


def _prompt_file(path, kind, layer, rows):
    """A GeoPackage layer of prompts: rows of (shapely geometry, properties)."""
    from shapely.geometry import mapping

    props = {k: "int" for k in rows[0][1]}
    with fiona.open(path, "w", driver="GPKG", layer=layer, crs="EPSG:32633",
                    schema={"geometry": kind, "properties": props}) as fc:
        for g, p in rows:
            fc.write({"geometry": mapping(g), "properties": p})
    return path


def test_objects_are_never_written_over_the_prompt_layers(plugin, tmp_path):
    """OUTPUT_VECTOR naming the POINTS or BOXES GeoPackage is refused as an input (the run replaced the file, deleting
    the prompt layer in it), whether the layer is given by file or as 'file|layername=...'."""
    import processing
    from qgis.core import QgsProcessingException
    from shapely.geometry import Point, box

    data, _ = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    pts = _prompt_file(str(tmp_path / "pts.gpkg"), "Point", "pts", [(Point(*(TRANSFORM * (70.5, 55.5))), {"object_id": 1, "positive": 1})])
    x0, y1 = TRANSFORM * (37, 177)
    x1, y0 = TRANSFORM * (68, 223)
    boxes = _prompt_file(str(tmp_path / "boxes.gpkg"), "Polygon", "boxes", [(box(x0, y0, x1, y1), {"object_id": 2})])
    for params in ({"POINTS": pts, "OUTPUT_VECTOR": pts}, {"POINTS": pts + "|layername=pts", "OUTPUT_VECTOR": pts},
                   {"POINTS": pts, "BOXES": boxes, "OUTPUT_VECTOR": boxes},
                   {"POINTS": pts, "OUTPUT_VECTOR": str(tmp_path / "o.gpkg"), "OUTPUT_RASTER": pts}):
        with pytest.raises(QgsProcessingException, match="is one of the inputs"):
            processing.run("terraprompt:segment_prompts", {"INPUT": src, "MODEL": "classical", **params})
    assert fiona.listlayers(pts) == ["pts"] and fiona.listlayers(boxes) == ["boxes"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boxes.gpkg", "img.tif", "pts.gpkg"]
    res = processing.run("terraprompt:segment_prompts", {"INPUT": src, "MODEL": "classical", "POINTS": pts + "|layername=pts",
                                                         "BOXES": boxes, "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert res["OBJECTS"] == 2


def test_provider_offers_no_database_table_outputs(plugin):
    """The algorithms write files: the output pickers offer no 'Save to GeoPackage…' table (ogr:dbname=... table=...),
    which they refused after the run."""
    from qgis.core import QgsApplication

    assert not QgsApplication.processingRegistry().providerById("terraprompt").supportsNonFileBasedOutput()


def test_fractional_ids_are_refused(plugin, tmp_path):
    """object_id 1.6 or positive 0.4 in a decimal field is refused, naming the layer, field and value (int() cut them to
    1 and 0 silently); whole values such as 2.0 are taken."""
    import processing
    from qgis.core import QgsGeometry, QgsPointXY, QgsProcessingException, QgsVectorLayer

    data, masks = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)

    def layer(rows):
        lyr = QgsVectorLayer("Point?crs=EPSG:32633&field=object_id:double&field=positive:double", "decimals", "memory")
        for (r, c), oid, pos in rows:
            _add(lyr, QgsGeometry.fromPointXY(QgsPointXY(*(TRANSFORM * (c + 0.5, r + 0.5)))), [oid, pos])
        return lyr

    for rows, field, value in ((([(55, 70), 1.6, 1.0],), "object_id", "1.6"), (([(55, 70), 1.0, 0.4],), "positive", "0.4")):
        with pytest.raises(QgsProcessingException, match=f"integer field '{field}' .*has {value}"):
            processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": layer(rows), "MODEL": "classical",
                                                           "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert not (tmp_path / "o.gpkg").exists()
    res = processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": layer([[(55, 70), 2.0, 1.0]]), "MODEL": "classical",
                                                         "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        assert [f["properties"]["object_id"] for f in fc] == [2]


def test_cache_dir_filled_by_encode_image_is_read(plugin, tmp_path):
    """CACHE_DIR given to encode_image and then to segment_prompts: every encoding comes from that folder (the other
    algorithms had no CACHE_DIR and always read the default cache)."""
    import processing
    from qgis.core import QgsGeometry, QgsPointXY

    data, _ = _scene()
    src = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    cache = tmp_path / "my cache"
    processing.run("terraprompt:encode_image", {"INPUT": src, "MODEL": "classical", "CACHE_DIR": str(cache)})
    pts = _memory_layer("Point", "EPSG:32633", ["object_id", "positive"])
    _add(pts, QgsGeometry.fromPointXY(QgsPointXY(*(TRANSFORM * (70, 55)))), [1, 1])
    out = processing.run("terraprompt:segment_prompts", {"INPUT": src, "POINTS": pts, "MODEL": "classical",
                                                         "CACHE_DIR": str(cache), "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert "already cached: 1, newly encoded: 0)" in out["REPORT"], out["REPORT"]
    assert os.listdir(os.environ["TERRAPROMPT_CACHE"]) == []  # the default cache was not used
