"""Alignment of AFTER onto BEFORE: CRS, pixel size, partial/no overlap, roles, normalisation, nodata."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.warp import calculate_default_transform, reproject, Resampling
from rasterio.windows import Window

from conftest import S2_NAMES, shared, write_raster
from terraprompt.plugin.core.change.align import align_pair, common_window, orthogonal_regression
from terraprompt.plugin.core.errors import InputError, ModalityError
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster

from change_pairs import change_pair


def _pair(pb, pa, norm="auto"):
    b, a = open_raster(pb), open_raster(pa)
    return align_pair(b, a, resolve_modality(b), resolve_modality(a), norm)


def _warp(src_path, dst_path, crs, res):
    """Reproject a raster to another CRS and pixel size (a different sensor grid)."""
    with rasterio.open(src_path) as src:
        tr, w, h = calculate_default_transform(src.crs, crs, src.width, src.height, *src.bounds, resolution=res)
        data = np.zeros((src.count, h, w), dtype=src.dtypes[0])
        for i in range(src.count):
            reproject(rasterio.band(src, i + 1), data[i], dst_transform=tr, dst_crs=crs, resampling=Resampling.bilinear, dst_nodata=0)
        write_raster(dst_path, data, crs=crs, transform=tr, nodata=0, descriptions=S2_NAMES)
    return dst_path


def test_identical_grids_read_directly(tmp_path):
    b, _, _ = change_pair()
    pb = write_raster(str(tmp_path / "b.tif"), b, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "a.tif"), b, descriptions=S2_NAMES)
    pair = _pair(pb, pa, "none")
    assert pair.same_grid and pair.window == Window(0, 0, 200, 160)
    assert "coastal" not in pair.roles and "cirrus" not in pair.roles and {"red", "nir", "swir1"} <= set(pair.roles)
    blk = pair.read(Window(0, 0, 200, 160))
    np.testing.assert_array_equal(blk.before, blk.after)
    assert blk.valid.all()


def test_other_crs_and_pixel_size(tmp_path):
    b, a, _ = change_pair()
    pb = write_raster(str(tmp_path / "b.tif"), b, descriptions=S2_NAMES)
    pa = _warp(write_raster(str(tmp_path / "a_utm.tif"), b, descriptions=S2_NAMES), str(tmp_path / "a_4326.tif"), "EPSG:4326", 0.0002)
    pair = _pair(pb, pa, "none")
    assert not pair.same_grid
    assert any("reprojected onto BEFORE's grid" in r for r in pair.report)
    blk = pair.read(Window(0, 0, 200, 160))
    assert blk.before.shape == blk.after.shape == (len(pair.roles), 160, 200)
    inner = blk.valid[5:-5, 5:-5]
    assert inner.mean() > 0.95
    # same scene on a coarser geographic grid: values agree away from edges (resampling smooths only)
    red = pair.roles.index("red")
    diff = np.abs(blk.before[red] - blk.after[red])[blk.valid]
    assert np.median(diff) < 0.01


def test_partial_overlap_window_and_mask(tmp_path):
    b, _, _ = change_pair()
    pb = write_raster(str(tmp_path / "b.tif"), b, descriptions=S2_NAMES)
    # AFTER covers the right half only, shifted by 100 columns (1000 m)
    pa = write_raster(str(tmp_path / "a.tif"), b[:, :, 100:], transform=from_origin(501000, 4500000, 10, 10), descriptions=S2_NAMES)
    pair = _pair(pb, pa, "none")
    assert pair.window == Window(100, 0, 100, 160)
    assert any("Common extent: 100x160" in r for r in pair.report)
    blk = pair.read(Window(0, 0, 200, 160))
    assert not blk.valid[:, :100].any() and blk.valid[:, 101:].all()


def test_no_overlap_refused(tmp_path):
    b, _, _ = change_pair()
    pb = write_raster(str(tmp_path / "b.tif"), b, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "a.tif"), b, transform=from_origin(600000, 4500000, 10, 10), descriptions=S2_NAMES)
    with pytest.raises(InputError, match="does not overlap"):
        _pair(pb, pa)
    far = write_raster(str(tmp_path / "far.tif"), b, crs="EPSG:4326", transform=from_origin(-120, 40, 0.0001, 0.0001), descriptions=S2_NAMES)
    with pytest.raises(InputError, match="does not overlap"):
        _pair(pb, far)


def test_no_common_roles_refused(tmp_path):
    b, _, _ = change_pair()
    pb = write_raster(str(tmp_path / "b.tif"), b, descriptions=S2_NAMES)
    sar = write_raster(str(tmp_path / "s1.tif"), np.full((2, 160, 200), -12.0, dtype=np.float32), descriptions=["VV", "VH"])
    with pytest.raises(ModalityError, match="share no band role"):
        _pair(pb, sar)


def test_only_nodata_in_common_refused(tmp_path):
    b, _, _ = change_pair()
    a = b.copy()
    a[:, :, :150] = 0
    pa = write_raster(str(tmp_path / "a.tif"), a, nodata=0, descriptions=S2_NAMES)
    bb = b.copy()
    bb[:, :, 140:] = 0
    pb2 = write_raster(str(tmp_path / "b2.tif"), bb, nodata=0, descriptions=S2_NAMES)
    with pytest.raises(InputError, match="no valid pixel in common"):
        _pair(pb2, pa)


def test_nodata_masked(tmp_path):
    b, a, _ = change_pair()
    a = a.copy()
    a[:, 10:20, 10:20] = 0
    pb = write_raster(str(tmp_path / "b.tif"), b, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "a.tif"), a, nodata=0, descriptions=S2_NAMES)
    blk = _pair(pb, pa).read(Window(0, 0, 200, 160))
    assert not blk.valid[10:20, 10:20].any() and blk.valid[30:, 30:].all()


@pytest.mark.parametrize("kind", ["relative", "histogram"])
def test_normalisation_removes_gain_offset(tmp_path, kind):
    b, a, truth = change_pair(gain=1.3, offset=400)
    pb = write_raster(str(tmp_path / "b.tif"), b, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "a.tif"), a, descriptions=S2_NAMES)
    pair = _pair(pb, pa, kind)
    assert pair.norm.kind == kind
    blk = pair.read(Window(0, 0, 200, 160))
    raw = pair.read_raw(Window(0, 0, 200, 160))
    same = ~truth
    before_err = np.abs(raw.after - raw.before)[:, same].mean()
    after_err = np.abs(blk.after - blk.before)[:, same].mean()
    assert after_err < 0.25 * before_err
    if kind == "relative":
        for role in ("red", "nir", "swir1"):  # bands with scene contrast (the synthetic red-edge bands are flat)
            assert abs(pair.norm.gain[pair.roles.index(role)] - 1 / 1.3) < 0.05


def test_orthogonal_regression_recovers_line():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (1000, 2))
    y = 2.0 * x + 0.5
    g, o = orthogonal_regression(x, y)
    np.testing.assert_allclose(g, 2.0, atol=1e-6)
    np.testing.assert_allclose(o, 0.5, atol=1e-6)


def test_common_window_other_crs(tmp_path):
    b, _, _ = change_pair()
    pb = write_raster(str(tmp_path / "b.tif"), b, descriptions=S2_NAMES)
    pa = _warp(pb, str(tmp_path / "a.tif"), "EPSG:3857", 15)
    w = common_window(open_raster(pb), open_raster(pa))
    assert w.col_off == 0 and w.row_off == 0 and w.width == 200 and w.height == 160


def test_clouds_masked_on_real_chip(tmp_path):
    """ukis-csmask removes cloudy and shadowed pixels of either date (real Sentinel-2 chip with reference mask)."""
    d = shared("cloud_chips")
    with rasterio.open(f"{d}/sentinel2_image.tif") as ds:
        img, desc = ds.read(), ds.descriptions
    label = rasterio.open(f"{d}/sentinel2_label.tif").read(1)
    clear = np.clip(np.where(label == 0, img, np.median(img, axis=(1, 2), keepdims=True)), 0, 1)
    pb = write_raster(str(tmp_path / "b.tif"), clear.astype(np.float32), transform=from_origin(500000, 4500000, 30, 30), descriptions=desc)
    pa = write_raster(str(tmp_path / "a.tif"), img.astype(np.float32), transform=from_origin(500000, 4500000, 30, 30), descriptions=desc)
    b, a = open_raster(pb), open_raster(pa)
    pair = align_pair(b, a, resolve_modality(b), resolve_modality(a))
    if pair.clouds is None:
        pytest.skip("ukis-csmask not available: " + " ".join(pair.report))
    assert any(r.startswith("Clouds: ukis-csmask") for r in pair.report)
    valid = pair.read(Window(0, 0, 512, 512)).valid
    assert (~valid[label == 1]).mean() > 0.7  # clouds of the AFTER date
    assert valid[label == 0].mean() > 0.6
    off = align_pair(b, a, resolve_modality(b), resolve_modality(a), cloud_mask=False)
    assert off.clouds is None and off.read(Window(0, 0, 512, 512)).valid.all()


def test_cloud_mask_does_not_depend_on_the_tiles(tmp_path):
    """Clouds come from fixed wide blocks of the grid: any window reads the mask a whole-raster read gives (on tiles, a
    thin last tile of OSCD Nantes lost 120 pixels to false clouds)."""
    d = shared("cloud_chips")
    with rasterio.open(f"{d}/sentinel2_image.tif") as ds:
        img, desc = ds.read(), ds.descriptions
    pa = write_raster(str(tmp_path / "a.tif"), np.clip(img, 0, 1).astype(np.float32),
                      transform=from_origin(500000, 4500000, 30, 30), descriptions=desc)
    b = a = open_raster(pa)
    pair = align_pair(b, a, resolve_modality(b), resolve_modality(a))
    if pair.clouds is None:
        pytest.skip("ukis-csmask not available: " + " ".join(pair.report))
    h, w = img.shape[1:]
    whole = pair.read_raw(Window(0, 0, w, h)).valid
    assert 0.05 < (~whole).mean() < 0.95  # clouds found, not everything
    for c0, r0, cw, ch in ((0, h - 6, w, 6), (w - 5, 0, 5, h), (100, 100, 37, 41)):
        assert np.array_equal(pair.read_raw(Window(c0, r0, cw, ch)).valid, whole[r0:r0 + ch, c0:c0 + cw]), (c0, r0)


def test_cloud_share_counts_clouds_not_nodata(tmp_path):
    """The reported cloud share is of the pixels with data: a clear scene whose top quarter is nodata reports about 0 %,
    not the 26 % of nodata (as it did)."""
    from conftest import SAMPLE_S2, copy_with_nodata

    top = np.zeros((384, 384), bool)
    top[:100] = True
    src = open_raster(copy_with_nodata(SAMPLE_S2, str(tmp_path / "gap.tif"), top, dtype="int16"))
    pair = align_pair(src, src, resolve_modality(src), resolve_modality(src))
    if pair.clouds is None:
        pytest.skip("ukis-csmask not available: " + " ".join(pair.report))
    line = next(r for r in pair.report if r.startswith("Clouds: ukis-csmask"))
    assert float(line.rsplit("(", 1)[1].split(" %")[0]) < 2.0, line


def test_landsat_pair_compares_surface_bands_not_thermal(tmp_path):
    """Two Earth Engine style Landsat 8 exports (B1 ... B7, B10, B11): their two thermal bands and the coastal band are
    left out of the comparison (temperature and haze change by the day), the six surface bands are compared."""
    from terraprompt.plugin.core.change.align import common_roles

    names = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B10", "B11"]
    data = np.random.default_rng(0).integers(5000, 20000, (9, 20, 20)).astype(np.uint16)
    mods = [resolve_modality(open_raster(write_raster(str(tmp_path / f"LC08_{d}.tif"), data, descriptions=names)))
            for d in ("2019", "2021")]
    assert mods[0].name == "landsat89" and {"thermal", "thermal2"} <= set(mods[0].roles)
    assert common_roles(*mods) == ["blue", "green", "red", "nir", "swir1", "swir2"]


def test_coarser_after_smooths_before_to_its_detail_and_tiles_agree(tmp_path):
    """BEFORE at 10 m, AFTER at 30 m: BEFORE is degraded to 30 m detail (reported), and a window read in two halves
    equals the window read whole (the degrading reads its own context)."""
    from conftest import SAMPLE_S2

    with rasterio.open(SAMPLE_S2) as s:  # the sample averaged to 30 m in UTM, as a Landsat-like AFTER
        tr, w, h = calculate_default_transform(s.crs, "EPSG:32636", s.width, s.height, *s.bounds, resolution=30)
        coarse = np.zeros((s.count, h, w), np.float32)
        reproject(s.read().astype(np.float32), coarse, src_transform=s.transform, src_crs=s.crs, dst_transform=tr,
                  dst_crs="EPSG:32636", resampling=Resampling.average)
        desc = s.descriptions
    after = write_raster(str(tmp_path / "coarse.tif"), coarse.astype(np.uint16), crs="EPSG:32636", transform=tr, nodata=0,
                         descriptions=desc)
    b, a = open_raster(SAMPLE_S2), open_raster(after)
    pair = align_pair(b, a, resolve_modality(b), resolve_modality(a), cloud_mask=False)
    assert pair.smooth >= 2 and any(r.startswith("Detail:") for r in pair.report), pair.report
    whole = pair.read_raw(Window(100, 100, 80, 60))
    left, right = pair.read_raw(Window(100, 100, 40, 60)), pair.read_raw(Window(140, 100, 40, 60))
    # BEFORE goes through AFTER's grid and back (GDAL warps of each window's own extent): windows agree to 1e-4
    # reflectance (1 DN of a Sentinel-2 band; the change noise floor is 0.005)
    assert np.allclose(np.concatenate([left.before, right.before], axis=2), whole.before, atol=1e-4)
    raw = b.read(window=Window(100, 100, 80, 60), bands=[resolve_modality(b).roles["red"]]).astype(np.float32)
    i = pair.roles.index("red")
    assert np.abs(np.diff(whole.before[i], axis=1)).mean() < 0.5 * np.abs(np.diff(raw[0] / 10000, axis=1)).mean()
    same = align_pair(b, b, resolve_modality(b), resolve_modality(b), cloud_mask=False)
    assert same.smooth == 1 and not any(r.startswith("Detail:") for r in same.report)


def test_no_positive_gain_falls_back_to_histogram_matching():
    """Relative normalisation gave AFTER a negative gain (an undeclared fill in opposite corners of the dates): it is
    replaced by histogram matching, and the summary says why."""
    from terraprompt.plugin.core.change.align import PairBlock, fit_normalisation

    rng = np.random.default_rng(0)
    x = rng.uniform(100, 1000, (1, 60, 60)).astype(np.float32)
    y = (1100 - x).astype(np.float32)  # anti-correlated: no linear relation a gain could keep
    blk = PairBlock(["pan"], x, y, np.ones((60, 60), bool))
    norm = fit_normalisation([blk], "relative", None, None)
    assert norm.kind == "histogram" and "no positive gain for pan" in norm.note
