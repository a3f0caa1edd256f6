"""Polygons: merged across window edges, geodesic areas in m² in EPSG:4326 and UTM, min-area filter."""
from __future__ import annotations

import math

import fiona
import numpy as np
import pytest
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.geometry import box, shape

from conftest import write_raster
from terraprompt.plugin.core.raster import Grid
from terraprompt.plugin.core.vectors import AreaCalculator, polygonize, write_polygons

A, F = 6378137.0, 1 / 298.257223563
E2 = F * (2 - F)
E = math.sqrt(E2)


def quad_area(lat1, lat2, dlon_deg):
    """Exact area (m²) of a latitude/longitude quadrangle on the WGS 84 ellipsoid (authalic formula)."""
    def q(phi):
        s = math.sin(math.radians(phi))
        return s / (1 - E2 * s * s) + math.log((1 + E * s) / (1 - E * s)) / (2 * E)
    b2 = A * A * (1 - E2)
    return b2 * math.radians(dlon_deg) / 2 * (q(lat2) - q(lat1))


@pytest.mark.parametrize("lat", [0.0, 60.0, -45.0])
def test_area_4326_small_box(lat):
    calc = AreaCalculator(CRS.from_epsg(4326))
    got = calc.area_m2(box(10.0, lat, 10.01, lat + 0.01))
    truth = quad_area(lat, lat + 0.01, 0.01)
    assert got == pytest.approx(truth, rel=1e-5)
    if lat == 0.0:
        assert got == pytest.approx(1.2308e6, rel=1e-3)  # ~1113 m x 1106 m
    if lat == 60.0:
        assert got == pytest.approx(0.5 * 1.2308e6, rel=0.02)  # cos(60°) ≈ 1/2 (longer meridian degree up north)


def test_area_utm_is_true_not_planar():
    calc = AreaCalculator(CRS.from_epsg(32633))
    # 1 km square on the central meridian: grid scale factor k0 = 0.9996, so true area = 1e6 / k0²
    got = calc.area_m2(box(500000, 4500000, 501000, 4501000))
    assert got == pytest.approx(1e6 / 0.9996 ** 2, rel=2e-5)
    # 200 km east of the central meridian the grid exaggerates more: k ≈ 0.9996 (1 + x²/2R²)
    got_e = calc.area_m2(box(700000, 4500000, 701000, 4501000))
    k = 0.9996 * (1 + 200000.0 ** 2 / (2 * 6371000.0 ** 2))
    assert got_e == pytest.approx(1e6 / k ** 2, rel=2e-4)


@pytest.mark.parametrize("crs, x0, y0, px", [("EPSG:4326", 10.0, 70.0, 1e-4), ("EPSG:4326", -60.0, -3.0, 1e-4),
                                             ("EPSG:32633", 780000.0, 7000000.0, 10.0), ("EPSG:3857", 1e6, 8e6, 10.0)])
def test_area_of_a_pixel_outline_is_the_sum_of_its_pixels(crs, x0, y0, px):
    """A diagonal staircase of pixels 3 km long (an outline straight on the map, as polygons of a class raster are):
    its area is the sum of its pixels' true areas, through the local scale (small objects) and on the ellipsoid
    (the same staircase with the local path switched off)."""
    from shapely.ops import unary_union

    calc = AreaCalculator(CRS.from_string(crs))
    cells = [(i + j, i) for i in range(300) for j in range(4)]  # 4 pixels wide, 300 rows
    xs = np.array([x0 + c * px for c, _ in cells])
    ys = np.array([y0 - r * px for _, r in cells])
    truth = calc.box_areas_m2(xs, ys - px, xs + px, ys).sum()
    stairs = unary_union([box(x, y - px, x + px, y) for x, y in zip(xs, ys)])
    assert calc.area_m2(stairs) == pytest.approx(truth, rel=1e-4)
    calc._local_span = 0.0  # every object measured on the ellipsoid
    assert calc.area_m2(stairs) == pytest.approx(truth, rel=5e-3)


def test_a_large_object_is_measured_on_the_ellipsoid():
    calc = AreaCalculator(CRS.from_epsg(32633))
    big = box(300000, 4500000, 350000, 4550000)  # 50 km: beyond the local scale's span
    assert calc.area_m2(big) == calc.outline_area_m2(big)


def _class_raster(tmp_path, cls, crs="EPSG:32633", transform=None, name="cls.tif"):
    return write_raster(str(tmp_path / name), cls.astype(np.uint8), crs=crs, transform=transform, nodata=255)


def test_object_spanning_windows_is_one_polygon(tmp_path):
    cls = np.zeros((100, 100), np.uint8)
    cls[10:90, 45:55] = 1             # vertical bar crossing 3 window rows (window 32)
    cls[45:55, 10:90] = 1             # horizontal bar: a cross spanning 9 windows
    cls[60:80, 62:66] = 2             # a class-2 object wholly inside one window
    cls[30:34, 28:36] = 2             # a class-2 object straddling the window corner (32, 32)
    ring = np.zeros_like(cls, bool)
    ring[2:40, 60:98] = True
    ring[10:30, 70:90] = False        # a ring (with a hole) spanning a window edge at col 64
    cls[ring] = 3
    cls[95:, 95:] = 255               # nodata is never a polygon
    p = _class_raster(tmp_path, cls)
    polys = list(polygonize(p, window_size=32))
    by_class = {}
    for poly in polys:
        by_class.setdefault(poly.value, []).append(poly)
    assert sorted(by_class) == [1, 2, 3]
    assert len(by_class[1]) == 1 and len(by_class[2]) == 2 and len(by_class[3]) == 1
    cross = by_class[1][0]
    assert cross.geom.geom_type == "Polygon"
    assert cross.geom.area == pytest.approx((cls == 1).sum() * 100)
    assert cross.pixels == (cls == 1).sum()
    r = by_class[3][0].geom
    assert len(r.interiors) == 1 and r.area == pytest.approx(ring.sum() * 100)
    # same result as one big window
    single = sorted((p.value, round(p.geom.area)) for p in polygonize(p, window_size=4096))
    assert sorted((p.value, round(p.geom.area)) for p in polys) == single


def test_diagonal_neighbours_stay_apart(tmp_path):
    cls = np.zeros((64, 64), np.uint8)
    cls[28:32, 28:32] = 1
    cls[32:36, 32:36] = 1  # touches the first only at a corner, on the window corner
    polys = list(polygonize(_class_raster(tmp_path, cls), window_size=32))
    assert len(polys) == 2  # 4-connectivity, like a single-window run
    assert len(list(polygonize(_class_raster(tmp_path, cls, name="b.tif"), window_size=64))) == 2


def test_write_polygons_4326_areas_and_min_area(tmp_path):
    res = 1e-4  # ~11 m at the equator
    tr = from_origin(20.0, 0.05, res, res)
    cls = np.zeros((500, 500), np.uint8)
    cls[0:100, 0:100] = 1      # 0.01° x 0.01° box, spans windows of 64 px
    cls[300:302, 300:302] = 1  # 4 px ≈ 490 m², below the minimum area
    grid = Grid(CRS.from_epsg(4326), tr, 500, 500)
    p = _class_raster(tmp_path, cls, crs="EPSG:4326", transform=tr)
    out = str(tmp_path / "poly.gpkg")
    totals = write_polygons(out, polygonize(p, window_size=64), grid, {1: "water"},
                            {"source": "x.tif", "modality": "m", "engine": "spectral", "model": "", "model_sha256": "",
                             "prompt": "water"}, min_area_m2=1000)
    truth = quad_area(0.04, 0.05, 0.01)
    with fiona.open(out) as fc:
        feats = list(fc)
        assert fc.crs_wkt and CRS.from_wkt(fc.crs_wkt).to_epsg() == 4326
    assert len(feats) == 1
    props = feats[0]["properties"]
    assert props["class"] == "water" and props["engine"] == "spectral" and props["created_utc"]
    assert props["area_m2"] == pytest.approx(truth, rel=1e-4)
    assert totals.areas_m2["water"] == pytest.approx(truth, rel=1e-4)
    assert (totals.features, totals.tiny) == (1, 0)  # the 4-pixel object is under the minimum area: not written
    assert shape(feats[0]["geometry"]).geom_type == "MultiPolygon"
    assert [f for f in tmp_path.iterdir() if f.name.startswith(".")] == []  # no temporary file left


def test_write_polygons_utm_areas(tmp_path):
    tr = from_origin(500000, 4500000, 10, 10)
    cls = np.zeros((120, 120), np.uint8)
    cls[10:110, 10:110] = 1  # 1 km x 1 km on the central meridian
    grid = Grid(CRS.from_epsg(32633), tr, 120, 120)
    out = str(tmp_path / "poly.gpkg")
    write_polygons(out, polygonize(_class_raster(tmp_path, cls, transform=tr), window_size=50), grid, {1: "water"}, {})
    with fiona.open(out) as fc:
        (feat,) = list(fc)
        assert CRS.from_wkt(fc.crs_wkt).to_epsg() == 32633
    assert feat["properties"]["area_m2"] == pytest.approx(1e6 / 0.9996 ** 2, rel=1e-4)


def test_write_polygons_abort_keeps_old_output(tmp_path):
    out = tmp_path / "poly.gpkg"
    out.write_bytes(b"old")
    grid = Grid(CRS.from_epsg(32633), from_origin(100, 100, 1, 1), 10, 10)

    def broken():
        yield from ()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_polygons(str(out), broken(), grid, {}, {})
    assert out.read_bytes() == b"old"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["poly.gpkg"]


def test_many_edge_objects_match_single_window(tmp_path):
    """Thousands of objects cut by window edges: same polygons, pixel counts and confidences as one window."""
    rng = np.random.default_rng(1)
    cls = (rng.random((256, 256)) < 0.35).astype(np.uint8) * rng.integers(1, 3, (256, 256)).astype(np.uint8)
    conf = rng.integers(0, 101, (256, 256)).astype(np.uint8)
    p = _class_raster(tmp_path, cls)
    cp = write_raster(str(tmp_path / "conf.tif"), conf)

    def summary(ws):
        return sorted((q.value, round(q.geom.area), q.pixels, round(q.confidence, 3)) for q in polygonize(p, cp, window_size=ws))

    tiled = summary(32)
    assert len(tiled) > 2000
    assert tiled == summary(4096)


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:32633"])
def test_box_areas_vectorised_match_single(crs):
    calc = AreaCalculator(CRS.from_string(crs))
    if crs == "EPSG:4326":
        x0, y0 = np.array([10.0, 10.0, -70.0]), np.array([0.0, 60.0, -45.0])
        d = 0.01
    else:
        x0, y0 = np.array([500000.0, 700000.0, 300000.0]), np.array([4500000.0, 4500000.0, 6000000.0])
        d = 1000.0
    got = calc.box_areas_m2(x0, y0, x0 + d, y0 + d)
    want = [calc.outline_area_m2(box(a, b, a + d, b + d)) for a, b in zip(x0, y0)]
    np.testing.assert_allclose(got, want, rtol=1e-9)
    if crs == "EPSG:4326":
        assert got[1] == pytest.approx(quad_area(60.0, 60.01, 0.01), rel=1e-5)


def test_write_polygons_straight_outlines_square_a_turned_roof(tmp_path):
    from rasterio.features import rasterize
    from shapely import affinity

    tr = from_origin(500000, 4500000, 0.5, 0.5)
    roof = affinity.rotate(box(500010, 4499970, 500025, 4499980), 33)  # 15 m x 10 m, turned
    cls = rasterize([(roof, 1)], out_shape=(80, 80), transform=tr).astype(np.uint8)
    grid = Grid(CRS.from_epsg(32633), tr, 80, 80)
    rings = {}
    for straight in (False, True):
        out = str(tmp_path / f"poly_{straight}.gpkg")
        write_polygons(out, polygonize(_class_raster(tmp_path, cls, transform=tr)), grid, {1: "building"}, {},
                       straight={1} if straight else ())
        with fiona.open(out) as fc:
            rings[straight] = shape(next(iter(fc))["geometry"])
    assert len(rings[True].geoms[0].exterior.coords) == 5 < len(rings[False].geoms[0].exterior.coords)
    iou = lambda g: g.intersection(roof).area / g.union(roof).area  # noqa: E731
    assert iou(rings[True]) > iou(rings[False]) and iou(rings[True]) > 0.93


def test_polygonize_reports_progress_and_stops_on_cancel(tmp_path):
    """Progress rises per window to 1 (the merge of objects crossing windows last); a cancel stops it inside a window
    of many polygons (a speckled map spends most of a run polygonising)."""
    from terraprompt.plugin.core.errors import Cancelled

    cls = np.zeros((200, 200), np.uint8)
    cls[::2, ::2] = 1  # 10 000 isolated pixels
    cls[50:150, 50:150] = 2  # one object crossing the four windows
    path = _class_raster(tmp_path, cls)
    seen: list[float] = []
    polys = list(polygonize(path, window_size=100, progress=seen.append))
    assert len(polys) == 100 * 100 - 50 * 50 + 1  # the isolated pixels outside the square, and the square
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] >= 0.9 and len(seen) >= 5
    calls = []

    def cancel_after_the_first_check() -> bool:
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(Cancelled):  # one window, nothing to merge: only the check inside the window can stop it
        list(polygonize(path, window_size=200, is_cancelled=cancel_after_the_first_check))


@pytest.mark.parametrize("ext, area_field", [(".shp", "area_m2"), (".geojson", "area_m2"), (".fgb", "area_m2")])
def test_write_polygons_other_formats_by_extension(tmp_path, ext, area_field):
    tr = from_origin(500000, 4500000, 10, 10)
    cls = np.zeros((60, 60), np.uint8)
    cls[10:30, 10:30] = 1
    cls[40:50, 40:55] = 2
    grid = Grid(CRS.from_epsg(32633), tr, 60, 60)
    src = _class_raster(tmp_path, cls, transform=tr)
    out = tmp_path / f"poly{ext}"
    written = write_polygons(str(out), polygonize(src), grid, {1: "water", 2: "forest"}, {"prompt": "wässer"},
                             extra_fields={"mean_probability": "float"})
    with fiona.open(str(out)) as fc:
        assert CRS.from_wkt(fc.crs_wkt).to_epsg() == 32633
        feats = sorted(fc, key=lambda f: f["properties"]["class"])
    assert [f["properties"]["class"] for f in feats] == ["forest", "water"]
    assert feats[1]["properties"][area_field] == pytest.approx(40000 / 0.9996 ** 2, rel=1e-4)
    assert feats[1]["properties"]["prompt"] == "wässer"  # UTF-8 text survives the Shapefile's dBase table
    names = set(feats[0]["properties"])
    assert ("mean_proba" in names) if ext == ".shp" else ("mean_probability" in names)  # dBase names: 10 characters
    assert written.features == 2
    left = sorted(f.name for f in tmp_path.iterdir() if f.name.startswith("poly"))
    assert left == (["poly.cpg", "poly.dbf", "poly.prj", "poly.shp", "poly.shx"] if ext == ".shp" else [f"poly{ext}"])
    assert [f for f in tmp_path.iterdir() if f.name.startswith(".")] == []  # no GeoPackage or temporary file left


def test_write_polygons_shapefile_abort_keeps_old_shapefile(tmp_path):
    tr = from_origin(500000, 4500000, 10, 10)
    cls = np.zeros((20, 20), np.uint8)
    cls[2:8, 2:8] = 1
    grid = Grid(CRS.from_epsg(32633), tr, 20, 20)
    out = str(tmp_path / "poly.shp")
    write_polygons(out, polygonize(_class_raster(tmp_path, cls, transform=tr)), grid, {1: "water"}, {})
    before = {f.name: f.read_bytes() for f in tmp_path.iterdir() if f.name.startswith("poly")}

    def broken():
        yield from polygonize(_class_raster(tmp_path, cls, transform=tr, name="b.tif"))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_polygons(out, broken(), grid, {1: "forest"}, {})
    assert {f.name: f.read_bytes() for f in tmp_path.iterdir() if f.name.startswith("poly")} == before
    assert [f for f in tmp_path.iterdir() if f.name.startswith(".")] == []
