"""Pixel areas where they vary along a row (polar stereographic): the class-area table, the minimum-area sieve and the
tallies use each pixel's own geodesic area (pyproj.Geod per pixel as the truth), not the centre column's of its row;
lon/lat and UTM grids keep one area per row."""
from __future__ import annotations

import numpy as np
import rasterio
from pyproj import Geod, Transformer
from rasterio.transform import Affine, from_origin
from rasterio.windows import Window

from conftest import paint_s2, write_raster
from terraprompt.plugin.core.change.detect import ChangeTally
from terraprompt.plugin.core.landcover.extract import AreaTally, ExtractRequest, extract_landcover, pixel_areas
from terraprompt.plugin.core.mmu import class_area_table, sieve_classes
from terraprompt.plugin.core.raster import Grid

PX = 20000.0  # 20 km pixels, as NSIDC sea-ice grids


def _polar_grid(w: int, h: int) -> Grid:
    """A pole-centred EPSG:3413 grid of 20 km pixels."""
    return Grid("EPSG:3413", Affine(PX, 0, -PX * w / 2, 0, -PX, PX * h / 2), w, h)


def _truth(grid: Grid, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """pyproj.Geod area (m²) of each pixel (rows[i], cols[i]): its four corners on the ellipsoid."""
    to_ll = Transformer.from_crs(grid.crs, "EPSG:4326", always_xy=True)
    geod = Geod(ellps="WGS84")
    out = np.empty(len(rows))
    for i, (r, c) in enumerate(zip(rows, cols)):
        xs, ys = grid.transform * (np.array([c, c + 1, c + 1, c], float), np.array([r, r, r + 1, r + 1], float))
        lon, lat = to_ll.transform(xs, ys)
        out[i] = abs(geod.polygon_area_perimeter(lon, lat)[0])
    return out


def test_polar_pixel_areas_match_geod_per_pixel():
    """Every 7th pixel of a 362×430 pole-centred grid within 0.05 % of its geodesic area (one area per row: 20 % off)."""
    grid = _polar_grid(362, 430)
    areas = pixel_areas(grid)
    assert not areas.per_row
    rr, cc = np.meshgrid(np.arange(0, 430, 7), np.arange(0, 362, 7), indexing="ij")
    truth = _truth(grid, rr.ravel(), cc.ravel())
    got = areas.weights((430, 362), 0)[rr.ravel(), cc.ravel()]
    assert np.abs(got / truth - 1).max() < 5e-4
    # a block off the origin reads the same pixels
    assert np.allclose(areas.block(100, 20, 50, 30), areas.block(0, 430, 0, 362)[100:120, 50:80], rtol=1e-12)


def test_class_table_sieve_and_tally_use_each_pixels_area(tmp_path):
    """A region at a row's end is measured by its own pixels: table, sieve, AreaTally and ChangeTally agree with Geod."""
    w, h = 120, 120
    grid = _polar_grid(w, h)
    cls = np.zeros((h, w), np.uint8)
    cls[10:16, 0:6] = 1  # far corner: smaller pixels than the centre column's of the same rows
    cls[10:16, 57:63] = 2  # the centre column
    path, conf = str(tmp_path / "c.tif"), str(tmp_path / "p.tif")
    for p, a in ((path, cls), (conf, np.full((h, w), 90, np.uint8))):
        with rasterio.open(p, "w", driver="GTiff", width=w, height=h, count=1, dtype="uint8", crs=grid.crs,
                           transform=grid.transform) as ds:
            ds.write(a, 1)
    rr, cc = np.nonzero(cls == 1)
    corner = _truth(grid, rr, cc).sum()
    rr, cc = np.nonzero(cls == 2)
    centre = _truth(grid, rr, cc).sum()
    assert corner < centre * 0.99  # the two regions differ by more than the test's tolerances
    areas = pixel_areas(grid)
    counts, _, _ = class_area_table(path, conf, 2, areas)
    assert abs(counts[1] / corner - 1) < 5e-4 and abs(counts[2] / centre - 1) < 5e-4
    tally = AreaTally(2, areas)
    tally.add(Window(0, 10, 6, 6), cls[10:16, 0:6], np.ones((6, 6)), np.ones((6, 6), bool), np.zeros((6, 6), bool),
              np.zeros((6, 6), bool))
    assert abs(tally.counts[1] / corner - 1) < 5e-4
    change = ChangeTally(1, 1, areas)
    change.add(Window(0, 10, 6, 6), np.ones((6, 6), bool), np.ones((6, 6), bool), None, None)
    assert abs(change.area["changed"] / corner - 1) < 5e-4
    # a minimum between the two drops the corner region (smaller by its own pixels) and keeps the centre one
    assert sieve_classes(path, [1, 2], (corner + centre) / 2, row_area=areas) == 36
    with rasterio.open(path) as ds:
        after = ds.read(1)
    assert not (after == 1).any() and (after == 2).sum() == 36


def test_polar_extraction_table_and_sieve_follow_the_polygons(tmp_path):
    """extract_landcover on a pole-centred EPSG:3413 grid: the class-area table is the per-pixel geodesic area (the
    centre column's row area was 2 % off at the row ends), and a minimum between a corner pond's and a centre pond's
    true areas (same rows, same pixels) keeps the centre pond only."""
    h = w = 120
    water = np.zeros((h, w), bool)
    water[4:12, 0:8] = True  # corner pond
    water[4:12, 56:64] = True  # centre pond, same rows
    grid = _polar_grid(w, h)
    src = write_raster(str(tmp_path / "s2.tif"), paint_s2(water, np.zeros((h, w), bool)), crs="EPSG:3413",
                       transform=grid.transform)
    rr, cc = np.nonzero(water)
    truth = _truth(grid, rr, cc)
    corner, centre = truth[cc < 8].sum(), truth[cc >= 56].sum()
    assert corner < centre * 0.99
    min_km2 = (corner + centre) / 2 / 1e6
    out = str(tmp_path / "water.tif")
    r = extract_landcover(ExtractRequest(input=src, prompt=f"water larger than {min_km2:.0f} km2", output_raster=out,
                                         engine="spectral"))
    with rasterio.open(out) as ds:
        c = ds.read(1)
    assert (c[4:12, 56:64] == 1).all() and not (c[4:12, 0:8] == 1).any()
    table = {row["concept"]: row["m2"] for row in r.details["areas"]}
    assert abs(table["water"] / centre - 1) < 5e-4


def test_lonlat_and_utm_keep_one_area_per_row():
    """The fast path: a 5000² UTM grid and a lon/lat grid have equal-area rows."""
    assert pixel_areas(Grid("EPSG:32633", from_origin(500000, 4500000, 10, 10), 5000, 5000)).per_row
    assert pixel_areas(Grid("EPSG:4326", from_origin(20.0, 80.5, 0.004, 0.004), 3000, 3000)).per_row
