"""An optical INPUT with a SAR raster, a DSM or a cloud mask covering part of it: each pixel is decided by what covers it."""
from __future__ import annotations

import numpy as np
import rasterio
from rasterio.transform import from_origin

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

H, W = 80, 120
ORIGIN = from_origin(500000, 4500000, 10, 10)


def _s2(tmp_path) -> tuple[str, np.ndarray, np.ndarray]:
    """A 13-band Sentinel-2-like scene (a lake on the left, a forest strip, bare land) and its water and vegetation."""
    data, water, veg = synthetic_s2(H, W, seed=5)
    return write_raster(str(tmp_path / "s2.tif"), data, transform=ORIGIN, descriptions=S2_NAMES), water, veg


def _sar(tmp_path, water: np.ndarray, cols: int) -> str:
    """VV/VH in dB over the first ``cols`` columns of the scene (the raster's extent ends there)."""
    rng = np.random.default_rng(1)
    vv = np.where(water, -21.0, -9.0) + rng.normal(0, 1.0, water.shape)
    sar = np.stack([vv, vv - 7.0]).astype(np.float32)[:, :, :cols]
    return write_raster(str(tmp_path / "s1.tif"), sar, transform=ORIGIN, descriptions=("VV", "VH"))


def _run(tmp_path, name: str, **kw):
    out = str(tmp_path / name)
    r = extract_landcover(ExtractRequest(output_raster=out, **kw))
    with rasterio.open(out) as ds:
        return r, ds.read(1)


def test_sar_over_half_the_scene_leaves_the_rest_to_the_optical_image(tmp_path):
    """A SAR raster over the left half made every pixel of the right half nodata for a prompt with a concept SAR does not
    give (vegetation, a map), though the explanation said 'optical alone where SAR is nodata'."""
    s2, water, _ = _s2(tmp_path)
    sar = _sar(tmp_path, water, W // 2)
    for prompt, engine in (("water and vegetation", "spectral"), ("land cover map", "auto"), ("water and vegetation", "network")):
        _, alone = _run(tmp_path, f"alone_{engine}.tif", input=s2, prompt=prompt, engine=engine)
        r, both = _run(tmp_path, f"sar_{engine}.tif", input=s2, sar_input=sar, prompt=prompt, engine=engine)
        right = np.s_[:, W // 2:]
        assert (both[right] == 255).sum() == (alone[right] == 255).sum() < both[right].size // 20, prompt
        assert (both[right] == alone[right]).mean() > 0.99, prompt  # decided there as without SAR
        assert "SAR covers 50 % of the input raster" in r.explanation
        assert r.details["nodata_m2"] <= 0.05 * r.valid_area_m2


def test_dsm_over_a_corner_leaves_the_rest_to_the_rules_without_heights(tmp_path):
    """A DSM over a quarter of the scene made the rest of a land-cover map nodata; outside it each class now comes from its
    rules without heights (forest from the classifier instead of 'height > 3 m with vegetation'), and the DSM's coverage
    and those rules are said."""
    s2, _, veg = _s2(tmp_path)
    dsm = (100.0 + np.where(veg, 15.0, 0.0)).astype(np.float32)[: H // 2, : W // 2]
    dsm_path = write_raster(str(tmp_path / "dsm.tif"), dsm, transform=ORIGIN, descriptions=("height",))
    _, alone = _run(tmp_path, "alone.tif", input=s2, prompt="land cover map")
    r, both = _run(tmp_path, "with_dsm.tif", input=s2, dsm_input=dsm_path, prompt="land cover map")
    outside = np.ones((H, W), bool)
    outside[: H // 2, : W // 2] = False
    assert (both[outside] == 255).sum() == (alone[outside] == 255).sum() < outside.sum() // 20
    assert (both[outside] == alone[outside]).mean() > 0.97  # the rules without heights, as without a DSM
    assert "the DSM covers 25 % of the input raster" in r.explanation
    assert "forest / trees: where the DSM has no data: [classifier]" in r.explanation
    assert r.valid_area_m2 > 0.9 * H * W * 100


def test_network_with_sar_uses_the_products_cloud_mask(tmp_path):
    """With SAR given, the network engine ignored the product's cloud mask (SCL): under its clouds the optical evidence
    still decided. SAR now decides alone there, the area is counted as decided by SAR alone and the mask is said."""
    s2, water, _ = _s2(tmp_path)
    sar = _sar(tmp_path, water, W)
    scl = np.full((H // 2, W // 2), 4, np.uint8)
    scl[10:30, 5:25] = 9  # a cloud (high probability) over the lake's edge: 40 x 40 pixels of the 10 m grid
    scl_path = write_raster(str(tmp_path / "T33TWF_20230612T081609_SCL_20m.tif"), scl, transform=ORIGIN * ORIGIN.scale(2, 2))
    r, cls = _run(tmp_path, "net.tif", input=s2, sar_input=sar, prompt="water", engine="network", cloud_mask_input=scl_path)
    block = np.s_[20:60, 10:50]
    assert (cls[block] != 255).all()
    assert abs(r.details["sar_only_m2"] - 1600 * 100) < 0.05 * 1600 * 100
    assert "quality band b1 T33TWF_20230612T081609_SCL_20m.tif" in r.explanation
    assert "SAR decides alone under those pixels" in r.explanation
    assert ((cls[block] == 1) == water[block]).mean() > 0.9  # SAR's water under the cloud
