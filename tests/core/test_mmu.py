"""Minimum mapping unit: small regions of each class become background in the class raster; holes stay; areas agree."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from scipy import ndimage

from conftest import S2_NAMES, paint_s2, write_raster
from terraprompt.plugin.core.errors import Cancelled
from terraprompt.plugin.core.mmu import class_area_table, merge_small_regions, sieve_changed, sieve_classes


def _classes(tmp_path):
    cls = np.zeros((60, 80), np.uint8)
    cls[5:25, 5:25] = 1      # 400 px of class 1 ...
    cls[12:14, 12:14] = 0    # ... with a 4 px hole, which must stay a hole
    cls[40, 40] = cls[41, 41] = cls[42, 42] = 1  # 3 px diagonal chain: one 8-connected region, removed
    cls[30:32, 60:62] = 2    # 4 px of class 2, removed
    cls[40:55, 60:75] = 2    # 225 px of class 2, kept
    cls[0, 79] = 255         # nodata untouched
    return write_raster(str(tmp_path / "cls.tif"), cls[None], nodata=255), cls


def test_a_whole_maps_small_regions_merge_into_their_largest_neighbour(tmp_path):
    """A land-cover map's unit: no region under it is left, none becomes a hole, nodata stays nodata."""
    cls = np.ones((40, 40), np.uint8)
    cls[20:, :] = 2                # two large classes
    cls[5:7, 5:7] = 3              # 4 px island inside class 1 -> 1
    cls[19:21, 30:32] = 3          # 4 px across the border: 2 px touch 1 and 2 px touch 2 (largest neighbour wins)
    cls[30:38, 30:38] = 3          # 64 px of class 3 inside class 2: kept
    cls[0:3, 0:3] = 255            # nodata corner untouched, and not merged into
    cls[3, 0] = 4                  # 1 px next to nodata: merges into class 1, not into nodata
    path = write_raster(str(tmp_path / "map.tif"), cls[None], nodata=255)
    changed = merge_small_regions(path, 10, 255, str(tmp_path))
    with rasterio.open(path) as ds:
        after = ds.read(1)
    assert changed == 4 + 4 + 1
    assert (after[5:7, 5:7] == 1).all() and after[3, 0] == 1 and (after[0:3, 0:3] == 255).all()
    assert set(np.unique(after[19:21, 30:32])) <= {1, 2} and (after[30:38, 30:38] == 3).all()
    assert not (after == 0).any()  # no holes
    for k in (1, 2, 3):
        lab, n = ndimage.label(after == k)
        assert min(np.bincount(lab.ravel())[1:]) >= 10
    assert list(tmp_path.iterdir()) == [tmp_path / "map.tif"]  # scratch files gone
    assert merge_small_regions(path, 1, 255, str(tmp_path)) == 0


def test_small_regions_removed_holes_kept(tmp_path):
    path, before = _classes(tmp_path)
    removed = sieve_classes(path, [1, 2], 10)
    with rasterio.open(path) as ds:
        after = ds.read(1)
    assert removed == 3 + 4
    assert (after[12:14, 12:14] == 0).all()
    assert after[40, 40] == after[41, 41] == after[42, 42] == 0 and (after[30:32, 60:62] == 0).all()
    assert (after[5:12, 5:25] == 1).all() and (after[40:55, 60:75] == 2).all() and after[0, 79] == 255
    for k in (1, 2):
        lab, n = ndimage.label(after == k, structure=np.ones((3, 3)))
        assert n and min(np.bincount(lab.ravel())[1:]) >= 10
    assert list(tmp_path.iterdir()) == [tmp_path / "cls.tif"]  # the scratch mask is gone
    assert sieve_classes(path, [1, 2], 1) == 0  # a 1-pixel unit changes nothing


def test_cancel_between_classes(tmp_path):
    path, _ = _classes(tmp_path)
    with pytest.raises(Cancelled):
        sieve_classes(path, [1, 2], 10, is_cancelled=lambda: True)


def test_area_table(tmp_path):
    path, cls = _classes(tmp_path)
    conf = write_raster(str(tmp_path / "conf.tif"), np.full((1, 60, 80), 80, np.uint8))
    counts, cc, low = class_area_table(path, conf, 2, np.full(60, 4.0))
    assert counts.tolist() == [4.0 * (cls == k).sum() for k in range(3)]
    assert np.allclose(cc[:, 0] / cc[:, 1], 0.8)
    assert low.tolist() == [0.0, 0.0, 0.0]


def test_area_table_counts_low_confidence_in_the_same_pass(tmp_path):
    """Pixels below 65 % confidence per class, as the run's summary counted them (65 itself is not low; nodata never)."""
    path, cls = _classes(tmp_path)
    c = np.full((60, 80), 80, np.uint8)
    c[:, :20] = 64
    c[:, 20:40] = 65
    c[0, 79] = 10  # under the nodata class pixel
    conf = write_raster(str(tmp_path / "conf.tif"), c[None])
    _, cc, low = class_area_table(path, conf, 2, np.full(60, 4.0))
    assert low.tolist() == [float(((cls == k) & (c < 65)).sum()) for k in range(3)]
    assert low[1] == ((cls[:, :20] == 1).sum()) > 0 and low.sum() == (cls[:, :20] <= 2).sum()


def test_extract_raster_follows_the_size_qualifier(tmp_path):
    """'water larger than 1 ha' on 10 m pixels: the 9-pixel pond leaves the raster, the lake stays, areas match the raster."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    yy, xx = np.mgrid[0:120, 0:120]
    lake = (yy - 40) ** 2 + (xx - 40) ** 2 < 20 ** 2           # ~1250 px = 12.5 ha
    pond = (yy >= 90) & (yy < 93) & (xx >= 90) & (xx < 93)     # 9 px = 0.09 ha
    data = paint_s2(lake | pond, np.zeros_like(lake))
    src = write_raster(str(tmp_path / "s2.tif"), data, transform=from_origin(500000, 4500000, 10, 10), descriptions=S2_NAMES)
    out = str(tmp_path / "water.tif")
    r = extract_landcover(ExtractRequest(input=src, prompt="water larger than 1 ha", output_raster=out, engine="spectral"))
    with rasterio.open(out) as ds:
        got = ds.read(1)
    assert (got[pond] == 0).all(), "a region below the size qualifier stays in the raster"
    assert (got[lake] == 1).mean() > 0.95
    full = extract_landcover(ExtractRequest(input=src, prompt="water", output_raster=str(tmp_path / "all.tif"), engine="spectral"))
    with rasterio.open(full.output_raster) as ds:
        n_full = int((ds.read(1) == 1).sum())
    per_px = full.areas_m2["water"] / n_full  # geodesic m² of one pixel here (~100)
    assert n_full - (got == 1).sum() == pond.sum()
    assert r.areas_m2["water"] == pytest.approx(full.areas_m2["water"] - pond.sum() * per_px, rel=1e-4)  # areas from the sieved raster
    assert "removed from the raster" in r.explanation


def test_polygons_keep_what_the_sieved_raster_keeps(tmp_path):
    """Two 1 ha ponds touching at a corner: the raster (8-connected regions) kept them as one 2 ha region for 'water
    larger than 1.5 ha' while the polygons (4-connected) dropped both (OSCD Beihai 'built-up larger than 0.1 ha':
    22.8 ha of the raster had no polygon). Regions are 4-connected in both now: both go, or both stay."""
    import fiona

    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    water = np.zeros((80, 80), dtype=bool)
    water[20:30, 20:30] = water[30:40, 30:40] = True  # 100 px each, touching at one corner
    src = write_raster(str(tmp_path / "s2.tif"), paint_s2(water, np.zeros_like(water)),
                       transform=from_origin(500000, 4500000, 10, 10), descriptions=S2_NAMES)
    for size, kept in (("1.5 ha", False), ("0.5 ha", True)):
        r = extract_landcover(ExtractRequest(input=src, prompt=f"water larger than {size}", engine="spectral",
                                             output_raster=str(tmp_path / f"{kept}.tif"),
                                             output_vector=str(tmp_path / f"{kept}.gpkg")))
        with rasterio.open(r.output_raster) as ds:
            assert ((ds.read(1) == 1) == (water if kept else False)).all(), size
        with fiona.open(r.output_vector) as fc:
            areas = [f["properties"]["area_m2"] for f in fc]
        assert len(areas) == (2 if kept else 0) and sum(areas) == pytest.approx(r.areas_m2["water"], rel=0.01), size


def test_large_regions_removed_with_a_maximum(tmp_path):
    path, before = _classes(tmp_path)
    removed = sieve_classes(path, [1, 2], 0, max_size=300)
    with rasterio.open(path) as ds:
        after = ds.read(1)
    assert (after[5:25, 5:25] == 0).all()  # the 396 px region of class 1 (with its hole) is over the maximum
    assert after[40, 40] == after[41, 41] == after[42, 42] == 1 and (after[30:32, 60:62] == 2).all()  # small ones stay
    assert (after[40:55, 60:75] == 2).all() and after[0, 79] == 255  # 225 px of class 2 stay, nodata untouched
    assert removed == int((before == 1).sum()) - 3
    path, _ = _classes(tmp_path)
    both = sieve_classes(path, [1, 2], 10, max_size=300)  # a range: 10 <= pixels <= 300
    with rasterio.open(path) as ds:
        after = ds.read(1)
    assert set(np.unique(after)) == {0, 2, 255} and (after[40:55, 60:75] == 2).all() and both == 396 + 3 + 4


def test_extract_keeps_only_objects_under_a_maximum(tmp_path):
    """'ponds smaller than 1 ha': the 12.5 ha lake leaves the raster and the polygons, the 0.36 ha pond stays."""
    import fiona

    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    yy, xx = np.mgrid[0:120, 0:120]
    lake = (yy - 40) ** 2 + (xx - 40) ** 2 < 20 ** 2
    pond = (yy >= 90) & (yy < 96) & (xx >= 90) & (xx < 96)
    src = write_raster(str(tmp_path / "s2.tif"), paint_s2(lake | pond, np.zeros_like(lake)),
                       transform=from_origin(500000, 4500000, 10, 10), descriptions=S2_NAMES)
    out, vec = str(tmp_path / "ponds.tif"), str(tmp_path / "ponds.gpkg")
    r = extract_landcover(ExtractRequest(input=src, prompt="ponds smaller than 1 ha", output_raster=out, output_vector=vec,
                                         engine="spectral"))
    with rasterio.open(out) as ds:
        got = ds.read(1)
    assert (got[lake] == 0).all() and (got[pond] == 1).mean() > 0.9
    with fiona.open(vec) as layer:
        areas = [f["properties"]["area_m2"] for f in layer]
    assert len(areas) == 1 and areas[0] < 10_000
    assert "Maximum object area: 10,000 m²" in r.explanation


def test_every_region_under_the_size_goes_and_regions_across_strips_count_whole(tmp_path, monkeypatch):
    """GDAL's sieve left regions alone when no neighbour was large ('water larger than 1000 km2' kept every region)
    and kept a small region inside a small background patch inside a large region; regions crossing strips count
    whole."""
    from terraprompt.plugin.core import mmu

    monkeypatch.setattr(mmu, "BLOCK_ROWS", 7)
    cls = np.zeros((60, 80), np.uint8)
    cls[2:5, 2:6] = 1  # 12 px
    cls[20:50, 10:40] = 1  # 900 px, crossing several 7-row strips
    cls[30:34, 20:24] = 0  # a 16 px background patch inside it ...
    cls[31:33, 21:23] = 1  # ... holding a 4 px region
    cls[10:58, 60] = 1  # a 48 px line across strips, joined only diagonally at one strip edge:
    cls[14, 60], cls[14, 61] = 0, 1  # rows 13 and 15 meet through (14, 61)
    path = write_raster(str(tmp_path / "cls.tif"), cls[None])
    changed = write_raster(str(tmp_path / "changed.tif"), cls[None])
    assert sieve_classes(path, [1], 10) == 4 + 4 + 1  # 4-connected, as polygons: the line's top 4 px and (14, 61) go
    with rasterio.open(path) as ds:
        after = ds.read(1)
    assert (after[31:33, 21:23] == 0).all() and (after[2:5, 2:6] == 1).all() and (after[15:58, 60] == 1).all()
    assert sieve_classes(path, [1], 2000) == 12 + 884 + 43  # all under the size: all go
    with rasterio.open(path) as ds:
        assert not (ds.read(1) == 1).any()
    path = write_raster(str(tmp_path / "cls2.tif"), cls[None])
    assert sieve_classes(path, [1], 0, max_size=100) == 884  # only the large region goes
    # changed areas are 4-connected too, whatever transitions make them up (values 1 and 2 here)
    with rasterio.open(changed, "r+") as ds:
        both = ds.read(1)
        both[20:50, 25:40][both[20:50, 25:40] == 1] = 2  # the large region's right half another transition
        ds.write(both, 1)
    assert sieve_changed(changed, 10) == 4 + 4 + 1
    with rasterio.open(changed) as ds:
        after = ds.read(1)
    assert (after[15:58, 60] == 1).all() and (after[20:50, 10:40] > 0).sum() == 884


def test_sizes_in_square_metres_follow_each_rows_pixel_area(tmp_path):
    """With each row's pixel area the range is in m², as the polygons are filtered (a pixel count from the smallest
    row's area kept regions the polygons left out: 547,575 against 537,521 m² of cropland in 'smaller than 1 ha')."""
    cls = np.zeros((40, 40), np.uint8)
    cls[2:4, 2:7] = 1  # 10 px in rows of 1 m²
    cls[30:32, 2:7] = 1  # 10 px in rows of 3 m²
    row_area = np.where(np.arange(40) < 20, 1.0, 3.0)
    path = write_raster(str(tmp_path / "cls.tif"), cls[None])
    assert sieve_classes(path, [1], 20.0, row_area=row_area) == 10
    with rasterio.open(path) as ds:
        after = ds.read(1)
    assert not after[2:4, 2:7].any() and after[30:32, 2:7].all()
    path = write_raster(str(tmp_path / "cls2.tif"), cls[None])
    assert sieve_classes(path, [1], 0, max_size=20.0, row_area=row_area) == 10  # the 30 m² region is over 20 m²


def test_an_extent_with_a_size_says_regions_are_measured_inside_it(tmp_path):
    """An EXTENT cuts regions at its border; with a size in the prompt the explanation says they are measured inside it
    (it said only that the extent gets the whole run's classes: a 1.06 ha region cut to 0.92 ha was dropped)."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    water = np.zeros((80, 80), dtype=bool)
    water[10:40, 10:40] = True
    src = write_raster(str(tmp_path / "s2.tif"), paint_s2(water, np.zeros_like(water)),
                       transform=from_origin(500000, 4500000, 10, 10), descriptions=S2_NAMES)
    extent = (500000, 4499400, 500300, 4500000)
    sized = extract_landcover(ExtractRequest(input=src, prompt="water larger than 1 ha", extent=extent,
                                             output_raster=str(tmp_path / "a.tif"), engine="spectral"))
    plain = extract_landcover(ExtractRequest(input=src, prompt="water", extent=extent,
                                             output_raster=str(tmp_path / "b.tif"), engine="spectral"))
    assert "region sizes are measured inside the extent" in sized.explanation
    assert "region sizes are measured inside the extent" not in plain.explanation
