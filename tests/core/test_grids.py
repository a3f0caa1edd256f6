"""Grids analysts' files come on: south-up (positive y pixel size), rotated, and longitude/latitude pixels that are
not square on the ground; each must give the results a north-up grid gives."""
from __future__ import annotations

import fiona
import numpy as np
import pytest
import rasterio
import rasterio.features
from rasterio.crs import CRS
from rasterio.transform import Affine, from_origin
from shapely.geometry import shape
from shapely.ops import unary_union

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.interactive.similar_objects import pixel_area_m2
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.raster import Grid
from terraprompt.plugin.core.tiling import TileSpec
from terraprompt.plugin.core.vectors import AreaCalculator, polygonize, write_polygons

NORTH = from_origin(500000, 4500000, 10, 10)


def _south_up(h: int) -> Affine:
    return Affine(10, 0, 500000, 0, 10, 4500000 - 10 * h)


def _rotated(deg: float) -> Affine:
    return Affine.translation(500000, 4500000) * Affine.rotation(deg) * Affine.scale(10, -10)


@pytest.mark.parametrize("transform", [_south_up(50), _rotated(60), _rotated(90)])
def test_bounds_and_windows_of_any_grid(transform):
    from terraprompt.plugin.core.raster import window_of_bounds

    g = Grid(CRS.from_epsg(32633), transform, 40, 50)
    left, bottom, right, top = g.bounds()
    assert left < right and bottom < top
    w = window_of_bounds(left, bottom, right, top, transform)
    assert w.width == pytest.approx(40, abs=1e-6) or w.width > 40  # a rotated grid's box holds it whole
    assert w.col_off <= 1e-6 and w.row_off <= 1e-6


def test_south_up_raster_extent_and_change(tmp_path):
    data, water, _ = synthetic_s2(60, 80)
    north = write_raster(str(tmp_path / "n.tif"), data, transform=NORTH, descriptions=S2_NAMES)
    south = write_raster(str(tmp_path / "s.tif"), data[:, ::-1].copy(), transform=_south_up(60), descriptions=S2_NAMES)
    extent = (500000 + 100, 4500000 - 400, 500000 + 500, 4500000 - 100)  # x0, y0, x1, y1
    outs = {}
    for name, path in (("n", north), ("s", south)):
        req = ExtractRequest(input=path, prompt="water", engine="spectral", output_raster=str(tmp_path / f"{name}_lc.tif"),
                             output_vector="", extent=extent, tiles=TileSpec(64, 8, 1))
        extract_landcover(req)
        with rasterio.open(req.output_raster) as ds:
            outs[name] = (ds.read(1), ds.transform)
    assert outs["s"][0].shape == outs["n"][0].shape == (30, 40)
    assert np.array_equal(outs["s"][0][::-1], outs["n"][0])  # the same pixels, mirrored as the file is
    res = detect_change(ChangeRequest(before=south, after=south, method="cva", output_change=str(tmp_path / "c.tif")))
    assert res is not None
    with rasterio.open(tmp_path / "c.tif") as ds:
        assert ds.transform == _south_up(60) and (ds.read(1) == 1).sum() == 0  # identical dates: no change


def test_rotated_pair_says_the_true_pixel_size(tmp_path):
    data, _, _ = synthetic_s2(60, 60)
    rot = write_raster(str(tmp_path / "r.tif"), data, transform=_rotated(30), descriptions=S2_NAMES)
    north = write_raster(str(tmp_path / "n.tif"), data, transform=NORTH, descriptions=S2_NAMES)
    res = detect_change(ChangeRequest(before=rot, after=north, method="cva", output_change=str(tmp_path / "c.tif")))
    assert "pixel 10)" in res.summary or "pixel 10 " in res.summary, res.summary


@pytest.mark.parametrize("deg", [0, 30, 45])
def test_pixel_area_of_a_rotated_grid(deg):
    tr = Affine.translation(500000, 4500000) * Affine.rotation(deg) * Affine.scale(0.5, -0.5)
    assert pixel_area_m2(AreaCalculator(CRS.from_epsg(32633)), tr, (100, 100)) == pytest.approx(0.25 / 0.9996 ** 2, rel=1e-3)


def test_polygons_of_non_square_degree_pixels_follow_the_pixels(tmp_path):
    tr = from_origin(25.0, 65.0, 0.000212439, 0.0000898)  # 10 m x 10 m on the ground at 65° N
    cls = np.zeros((120, 120), np.uint8)
    yy, xx = np.mgrid[0:120, 0:120]
    cls[(xx - 60) ** 2 + (yy - 60) ** 2 < 40 ** 2] = 1
    p = write_raster(str(tmp_path / "cls.tif"), cls, crs="EPSG:4326", transform=tr)
    out = str(tmp_path / "poly.gpkg")
    write_polygons(out, polygonize(p, window_size=64), Grid(CRS.from_epsg(4326), tr, 120, 120), {1: "water"}, {})
    with fiona.open(out) as fc:
        poly = unary_union([shape(f["geometry"]) for f in fc])
    pixels = unary_union([shape(g) for g, v in rasterio.features.shapes(cls, transform=tr) if v == 1])
    assert poly.intersection(pixels).area / poly.union(pixels).area > 0.995  # 0.989 simplified by the degrees of longitude
