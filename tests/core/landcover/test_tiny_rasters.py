"""Tiny rasters: the cloud network is not run on padding (7-8 px Sentinel-2 took clear sky for cloud), a thin last block
reads its neighbour's pixels, and the land-cover classifier cautions when its texture window exceeds the raster."""
from __future__ import annotations

import os

import numpy as np
import pytest

from terraprompt.plugin.core.landcover import clouds, pixel_classifier

BEIHAI = "/work/shared/data/oscd/beihai/beihai_t1.tif"
ABUDHABI = "/work/shared/data/oscd/abudhabi/abudhabi_t1.tif"
BANDS = {"blue": 1, "green": 2, "red": 3, "nir": 7, "swir1": 11, "swir2": 12}


def _crop(path: str, row: int, col: int, h: int, w: int) -> dict[str, np.ndarray]:
    """Six reflectance bands of an OSCD crop (L1C DN / 10000)."""
    import rasterio
    from rasterio.windows import Window

    if not os.path.exists(path) or clouds.csmask_dir() is None:
        pytest.skip("OSCD data or ukis-csmask not available")
    with rasterio.open(path) as s:
        a = s.read(window=Window(col, row, w, h)).astype(np.float32) / 10000
    return {k: a[i] for k, i in BANDS.items()}  # 0-based: B01 is band 0


def _masker() -> clouds.CloudMasker:
    return clouds.CloudMasker(set(BANDS), 10.0)


def _blocks(m: clouds.CloudMasker, bands: dict[str, np.ndarray]) -> np.ndarray:
    """Probabilities of the whole raster through the scene's BlockCache (as land cover and change read them)."""
    h, w = bands["red"].shape

    def reader(win):
        r, c, hh, ww = int(win.row_off), int(win.col_off), int(win.height), int(win.width)
        return {k: v[r:r + hh, c:c + ww] for k, v in bands.items()}, np.ones((hh, ww), bool)

    return clouds.BlockCache(m, reader, w, h).window(0, 0, w, h)


@pytest.mark.parametrize("n,origin", [(7, (100, 100)), (8, (100, 100)), (8, (300, 400))])
def test_tiny_clear_raster_not_masked_and_cautioned(n, origin):
    bands = _crop(BEIHAI, *origin, n, n)
    m = _masker()
    p = _blocks(m, bands)
    assert int((p.argmax(axis=0) != 0).sum()) == 0  # clear sky (the same pixels are clear in a 64 x 64 crop)
    assert f"{n} x {n} px" in m.describe() and "not masked" in m.describe()


def test_normal_raster_runs_the_network():
    bands = _crop(BEIHAI, 100, 100, 64, 64)
    m = _masker()
    p = _blocks(m, bands)
    assert m.skipped is None and "not run" not in m.describe()  # 22 cells: run (and cautioned as narrow)
    assert p[0].min() < 1.0 and int((p.argmax(axis=0) != 0).sum()) == 0


def test_thin_last_block_reads_neighbour_context():
    # 785 px wide: blocks of 768 px leave a last block of 17 px (6 cells), which alone came out 90 px of false cloud
    bands = _crop(ABUDHABI, 0, 0, 799, 785)
    p = _blocks(_masker(), bands)
    assert int((p[:, :, 768:].argmax(axis=0) != 0).sum()) == 0


def test_window_start():
    assert clouds.window_start(0, 3) == 0
    assert clouds.window_start(clouds.BLOCK, 1000) == clouds.BLOCK - clouds.MARGIN  # MARGIN cells of context before
    assert clouds.window_start(clouds.BLOCK, 300) == 44  # a last block: a full window ending on the edge
    assert clouds.window_start(clouds.BLOCK, 262) == 6  # a thin last block: a full window ending on the edge


@pytest.mark.parametrize("h,w,cautioned", [(1, 1, True), (1, 50, True), (20, 20, True), (21, 21, False), (64, 64, False)])
def test_texture_caution(h, w, cautioned):
    text = pixel_classifier.texture_caution(h, w, 10.0)  # widest window 210 m = 21 px at 10 m
    assert bool(text) is cautioned
    if cautioned:
        assert f"{w} x {h} px" in text and "caution" in text


@pytest.mark.parametrize("size,cautioned", [(5, True), (40, False)])
def test_land_cover_map_of_a_tiny_raster_says_its_texture_is_missing(tmp_path, size, cautioned):
    import rasterio
    from rasterio.windows import Window

    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    if not os.path.exists(BEIHAI):
        pytest.skip("OSCD data not available")
    with rasterio.open(BEIHAI) as s:
        prof = s.profile | {"width": size, "height": size, "transform": s.window_transform(Window(100, 100, size, size))}
        data, desc = s.read(window=Window(100, 100, size, size)), s.descriptions
    src = tmp_path / "crop.tif"
    with rasterio.open(src, "w", **prof) as d:
        d.write(data)
        d.descriptions = desc
    r = extract_landcover(ExtractRequest(input=str(src), prompt="land cover map", output_raster=str(tmp_path / "o.tif"),
                                         engine="spectral"))
    said = any(f"{size} x {size} px" in line and "texture features" in line for line in r.explanation.splitlines())
    assert said is cautioned, r.explanation
