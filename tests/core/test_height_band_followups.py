"""A height band in an optical stack outside the land-cover stack: change detection and text candidates read it in metres
(a DEM left out of change detection, and said), its saturation level is in metres, a height prompt refused on a DEM
band names it, and an optical raster with a height band is optical (its cloud-mask band found)."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.windows import Window

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.change.align import align_pair
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.interactive.text_candidates import read_resampled
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover, saturation_levels
from terraprompt.plugin.core.modalities import detect_modality, resolve_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.stack import ModalityStack, make_layer

H, W = 64, 80


def _ndsm(built: bool = True) -> np.ndarray:
    """15 m buildings (one more when ``built``) on 0 m ground."""
    h = np.zeros((H, W), np.float32)
    h[10:30, 10:30] = 15.0
    if built:
        h[40:55, 50:70] = 12.0
    return h


def _dem() -> np.ndarray:
    """A hill of 50-500 m."""
    yy, xx = np.mgrid[0:H, 0:W]
    return (50 + 450 * np.exp(-((yy - 20) ** 2 + (xx - 50) ** 2) / (2 * 25 ** 2))).astype(np.float32)


def _dn_stack(tmp_path, name: str, heights: np.ndarray, desc: str, seed: int = 0) -> str:
    """Sentinel-2 DN (uint16) with one more band of heights described ``desc``."""
    data, _, _ = synthetic_s2(H, W, seed)
    return write_raster(str(tmp_path / name), np.concatenate([data, heights[None].astype(np.uint16)]),
                        descriptions=S2_NAMES + [desc])


def _pair(b: str, a: str):
    sb, sa = open_raster(b), open_raster(a)
    return align_pair(sb, sa, resolve_modality(sb), resolve_modality(sa), "none", cloud_mask=False)


def test_change_compares_ndsm_band_in_metres(tmp_path):
    pair = _pair(_dn_stack(tmp_path, "b.tif", _ndsm(False), "nDSM"), _dn_stack(tmp_path, "a.tif", _ndsm(True), "nDSM"))
    assert "height" in pair.roles
    blk = pair.read_raw(Window(0, 0, W, H))
    i = blk.roles.index("height")
    np.testing.assert_allclose(blk.after[i] - blk.before[i], _ndsm(True) - _ndsm(False))  # was × 1e-4 (0.0012 m)
    assert blk.valid.all()  # the ground's 0 m is no fill
    assert "band 14 ('nDSM') read as heights apart from the other bands" in pair.report[0]


def test_change_leaves_dem_band_out_and_says_so(tmp_path):
    pair = _pair(_dn_stack(tmp_path, "b.tif", _dem(), "DEM"), _dn_stack(tmp_path, "a.tif", _dem(), "DEM", seed=1))
    assert "height" not in pair.roles  # the ground's relief is no change
    assert "band 14 ('DEM') is terrain elevation (a DEM), not the height of objects above ground: not compared" in pair.report[0]
    paired = next(line for line in pair.report if line.startswith("Bands paired by role"))
    assert "height" in paired.split("left out:")[1]


def test_change_finds_s2_offset_beside_ndsm_band(tmp_path):
    """The Sentinel-2 baseline 04.00 offset (+1000 DN) left in AFTER is found with an nDSM band paired, whose heights
    have no such gap, and the heights are not shifted."""
    data, _, _ = synthetic_s2(H, W)
    paths = [write_raster(str(tmp_path / f"{n}.tif"), np.concatenate([data + add, _ndsm()[None].astype(np.uint16)]),
                          descriptions=S2_NAMES + ["nDSM"]) for n, add in (("b", 0), ("a", 1000))]
    sb, sa = (open_raster(p) for p in paths)
    pair = align_pair(sb, sa, resolve_modality(sb), resolve_modality(sa), "auto", cloud_mask=False)
    assert "1000 DN offset of Sentinel-2" in pair.report[-1]  # was: no radiometric normalisation (the heights' gap is 0)
    blk = pair.read(Window(0, 0, W, H))
    i, red = blk.roles.index("height"), blk.roles.index("red")
    np.testing.assert_allclose(blk.after[i], blk.before[i])
    np.testing.assert_allclose(blk.after[red], blk.before[red], atol=1e-5)


def test_text_candidates_read_ndsm_band_in_metres(tmp_path):
    src = open_raster(_dn_stack(tmp_path, "s.tif", _ndsm(), "nDSM"))
    stack = ModalityStack(make_layer(src, detect_modality(src)))
    bs = read_resampled(stack, Window(0, 0, W, H), (H // 2, W // 2), {"height", "red"})
    assert float(np.nanmax(bs.get("height"))) == pytest.approx(15.0, abs=0.5)  # was 0.0015
    assert bs.valid_for(["height"]).all()


def test_saturation_level_of_height_band_in_metres(tmp_path):
    src = open_raster(_dn_stack(tmp_path, "s.tif", _ndsm(), "nDSM"))
    stack = ModalityStack(make_layer(src, detect_modality(src)))
    levels = saturation_levels(stack, {"red", "height"})
    assert levels["red"] == pytest.approx(6.5535)
    assert levels["height"] == pytest.approx(65535.0)  # was 6.5535 (the reflectance scaling)


def test_height_prompt_on_dem_band_names_it(tmp_path):
    path = _dn_stack(tmp_path, "s.tif", _dem(), "DEM")
    with pytest.raises(InputError) as err:
        extract_landcover(ExtractRequest(input=path, prompt="buildings taller than 10 m", engine="spectral",
                                         output_raster=str(tmp_path / "o.tif"), device="cpu"))
    text = str(err.value)
    assert "band 14 ('DEM') is terrain elevation (a DEM)" in text
    assert "DSM_INPUT" in text


def test_optical_with_height_band_is_optical_and_masks_clouds(tmp_path):
    data, _, _ = synthetic_s2(H, W)
    scl = np.full((1, H, W), 4, np.uint16)
    path = write_raster(str(tmp_path / "s.tif"), np.concatenate([data, scl, _ndsm()[None].astype(np.uint16)]),
                        descriptions=S2_NAMES + ["SCL", "nDSM"])
    src = open_raster(path)
    modality = detect_modality(src)
    assert "height" in modality.roles
    assert modality.family == "optical"  # was 'height'
    assert make_layer(src, modality).quality is not None  # so its SCL masked no cloud


def test_dsm_alone_is_height(tmp_path):
    src = open_raster(write_raster(str(tmp_path / "dsm.tif"), _ndsm()[None], descriptions=["DSM"]))
    assert detect_modality(src).family == "height"


def test_a_dsm_below_minus_half_a_metre_leaves_the_interactive_pixels_valid(tmp_path):
    """Read as optical (its SCL found), a float reflectance stack with a DSM at -3 m (a coastal city) had every pixel
    invalid for the classical engine: the DSM was judged against the reflectance fill floor."""
    from terraprompt.plugin.core.interactive.classical import ClassicalEngine
    from terraprompt.plugin.core.interactive.encoder import encode_window
    from terraprompt.plugin.core.raster import open_raster

    d, _, _ = synthetic_s2(40, 50)
    dsm = np.full((1, 40, 50), -3.0, np.float32)
    path = write_raster(str(tmp_path / "fd.tif"), np.concatenate([d.astype(np.float32) / 10000, dsm]),
                        descriptions=S2_NAMES + ["DSM"])
    src = open_raster(path)
    enc = encode_window(src, Window(0, 0, 50, 40), ClassicalEngine(), modality=detect_modality(src))
    assert enc.valid.mean() > 0.99, enc.valid.mean()
