"""Cloud-network blocks read with context: no seams where a block border falls, and a caution on narrow rasters (a
128 px wide Sentinel-2 crop had 12 % false cloud/shadow where the whole chip had 0.65 %)."""
from __future__ import annotations

import os

import numpy as np
import pytest

from terraprompt.plugin.core.landcover import clouds

CHIP = "/work/shared/data/cloud_chips/sentinel2_image.tif"  # 512 x 512 cells at ~30 m, 39 % cloud and shadow
SPAIN = "/work/shared/data/sen1floods11/Spain_7370579_top_S2Hand.tif"
BEIHAI = "/work/shared/data/oscd/beihai/beihai_t2.tif"
SIX = ("blue", "green", "red", "nir", "swir1", "swir2")
OSCD_BANDS = (1, 2, 3, 7, 11, 12)  # 0-based: B02, B03, B04, B08, B11, B12 of 13 L1C bands


def _read(path: str, indices, scale: float) -> dict[str, np.ndarray]:
    """Six reflectance bands of a raster (skips without the data or ukis-csmask)."""
    import rasterio

    if not os.path.exists(path) or clouds.csmask_dir() is None:
        pytest.skip("test data or ukis-csmask not available")
    with rasterio.open(path) as s:
        a = s.read().astype(np.float32) / scale
    return {k: a[i] for k, i in zip(SIX, indices)}


def _cache(m: clouds.CloudMasker, bands: dict[str, np.ndarray]) -> clouds.BlockCache:
    """A BlockCache over in-memory bands (as land cover and change read a scene)."""
    h, w = bands["red"].shape

    def reader(win):
        r, c, hh, ww = int(win.row_off), int(win.col_off), int(win.height), int(win.width)
        return {k: v[r:r + hh, c:c + ww] for k, v in bands.items()}, np.ones((hh, ww), bool)

    return clouds.BlockCache(m, reader, w, h)


def _class_changes(cls: np.ndarray, lines: np.ndarray) -> float:
    """Share of pixels whose class differs from the next row's and next column's, on the given row/column indices."""
    rows = (np.diff(cls, axis=0) != 0).mean(axis=1)
    cols = (np.diff(cls, axis=1) != 0).mean(axis=0)
    return float(np.r_[rows[lines], cols[lines]].mean())


@pytest.mark.parametrize("how", ["blocks", "array"])
def test_no_seam_at_block_borders(how):
    # blocks run alone changed class across their borders at 19 % of pixels against 3.8 % between other rows
    bands = _read(CHIP, range(6), 1.0)
    m = clouds.CloudMasker(set(SIX), 30.0)
    h, w = bands["red"].shape
    if how == "blocks":
        bc = _cache(m, bands)
        cls, block = bc.window(0, 0, w, h).argmax(axis=0), bc.block
    else:
        cls, block = m.probabilities(bands, np.ones((h, w), bool)).argmax(axis=0), clouds.BlockCache(m, None, w, h).block
    borders = np.arange(block - 1, h - 1, block)
    others = np.setdiff1d(np.arange(h - 1), borders)
    assert len(borders) >= 1
    assert _class_changes(cls, borders) < 1.5 * _class_changes(cls, others)


def test_blocks_and_array_agree():
    bands = _read(CHIP, range(6), 1.0)
    m = clouds.CloudMasker(set(SIX), 30.0)
    h, w = bands["red"].shape
    a = _cache(m, bands).window(0, 0, w, h).argmax(axis=0)
    b = m.probabilities(bands, np.ones((h, w), bool)).argmax(axis=0)
    assert (a != b).mean() < 0.001  # the same windows; float16 storage only


@pytest.mark.parametrize("total", [16, 100, clouds.BLOCK, clouds.BLOCK + 1, clouds.SIZE, clouds.SIZE + 1, 301, 683, 3660])
def test_window_runs_give_context_and_cover_once(total):
    runs = clouds.window_runs(total)
    assert [r[1] for r in runs][0] == 0 and runs[-1][2] == total
    assert all(a[2] == b[1] for a, b in zip(runs, runs[1:]))  # each cell in one run
    for start, first, end in runs:
        assert start >= 0 and start + min(clouds.SIZE, total) <= total  # windows as large as the raster allows
        assert first - start >= min(clouds.MARGIN, first)  # context before, unless the raster starts
        assert start + clouds.SIZE - end >= min(clouds.MARGIN, total - end)  # context after, unless the raster ends
    assert len({r[0] for r in runs}) == len(runs)  # blocks sharing a window share one run


def test_two_thousand_px_sentinel2_needs_no_more_runs():
    assert len(clouds.window_runs(683)) == 3  # 2048 px at 10 m: 3 x 3 windows, as blocks with no margin needed


@pytest.mark.parametrize("width,height,side", [(128, 400, "wide"), (400, 128, "high")])
def test_narrow_raster_is_cautioned(width, height, side):
    bands = {k: v[:height, :width] for k, v in _read(BEIHAI, OSCD_BANDS, 10000.0).items()}
    m = clouds.CloudMasker(set(SIX), 10.0)
    _cache(m, bands).window(0, 0, width, height)
    text = m.describe()
    assert m.skipped is None and "not run" not in text
    assert f"only 128 px (43 cells of ~30 m) {side}" in text and "EXTENT" in text and "cloud mask band" in text


def test_wide_enough_raster_is_not_cautioned():
    size = clouds.NARROW_CELLS * 3  # 288 px at 10 m
    bands = {k: v[:size, :size] for k, v in _read(BEIHAI, OSCD_BANDS, 10000.0).items()}
    m = clouds.CloudMasker(set(SIX), 10.0)
    _cache(m, bands).window(0, 0, size, size)
    assert m.narrow is None and "caution" not in m.describe()


def test_narrow_crop_caution_reaches_the_explanation(tmp_path):
    import rasterio
    from rasterio.windows import Window

    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    if not os.path.exists(SPAIN) or clouds.csmask_dir() is None:
        pytest.skip("Sen1Floods11 data or ukis-csmask not available")
    src = tmp_path / "crop.tif"
    with rasterio.open(SPAIN) as s:
        win = Window(0, 0, 128, s.height)
        prof = s.profile | {"width": 128, "height": s.height, "transform": s.window_transform(win)}
        data, desc = s.read(window=win), s.descriptions
    with rasterio.open(src, "w", **prof) as d:
        d.write(data)
        d.descriptions = desc
    r = extract_landcover(ExtractRequest(input=str(src), prompt="water", output_raster=str(tmp_path / "o.tif"),
                                         engine="spectral"))
    assert "only 128 px (43 cells of ~27 m) wide" in r.explanation and "EXTENT" in r.explanation, r.explanation
    # after the whole cloud line, not inside it (it split '... m); caution: ...; cloudy pixels are excluded ...')
    line = next(ln for ln in r.explanation.splitlines() if "only 128 px" in ln)
    assert line.index("cloudy pixels are excluded") < line.index("caution: this raster is only"), line
