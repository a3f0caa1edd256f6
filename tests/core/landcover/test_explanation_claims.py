"""What a land-cover explanation claims holds for the run: product fill codes are nodata, auto keeps uncalibrated DN with
SWIR off the network, the Device line names the ONNX models the spectral engine runs, the confidence verdict is the
prompted classes', and the rule lines name the bands and matching actually used."""
from __future__ import annotations

import os
import re

import numpy as np
import pytest
import rasterio

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, choose_engine, extract_landcover, synonyms_sufficed
from terraprompt.plugin.core.landcover.spectral import Context, SpectralEngine, building_head_line
from terraprompt.plugin.core.prompts import load_encoder, parse_prompt
from terraprompt.plugin.core.runtime import DeviceReport, combined_report

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data")
HLS = os.path.join(DATA, "hls_chip294_image.tif")  # 8 bands, b8 QA_Fmask
RIO = os.path.join(DATA, "rio_buildings_crop_image.tif")  # 0.5 m RGB
L2A_NAMES = ["B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B11", "B12", "SCL"]
ROLES6 = ["blue", "green", "red", "nir", "swir1", "swir2"]


def _line(text: str, start: str) -> str:
    return next(l for l in text.splitlines() if l.startswith(start))


@pytest.fixture(scope="module")
def l2a_with_scl(tmp_path_factory):
    """A Sentinel-2 L2A-like stack with an SCL band: vegetation (4) everywhere, one block 1 (defective), one 0 (no data)."""
    data, water, veg = synthetic_s2(120, 150)
    scl = np.full(water.shape, 4, np.uint16)
    scl[:30, :30] = 1
    scl[-30:, -30:] = 0
    stack = np.concatenate([data[[1, 2, 3, 4, 5, 6, 7, 8, 11, 12]], scl[None]])
    path = write_raster(str(tmp_path_factory.mktemp("scl") / "S2A_MSIL2A_20200101T000000_scl.tif"), stack, descriptions=L2A_NAMES)
    return path, scl


@pytest.mark.parametrize("engine,prompt", [("spectral", "water and vegetation"), ("network", "water")])
def test_scl_fill_codes_are_nodata(tmp_path, l2a_with_scl, engine, prompt):
    path, scl = l2a_with_scl
    out = str(tmp_path / "lc.tif")
    res = extract_landcover(ExtractRequest(input=path, prompt=prompt, output_raster=out, engine=engine))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    fill = scl <= 1
    assert (cls[fill] == 255).all() and (cls[~fill] != 255).all()
    assert res.details["nodata_m2"] == pytest.approx(fill.sum() * 100.0, rel=0.01)  # 10 m pixels
    assert res.valid_area_m2 == pytest.approx((~fill).sum() * 100.0, rel=0.01)  # out of the % base
    assert "0 (no data) and 1 (saturated or defective) as nodata" in res.explanation


def test_hls_fmask_fill_is_nodata(tmp_path):
    with rasterio.open(HLS) as src:
        data, profile, desc = src.read(), src.profile, src.descriptions
    data[7, 40:60, 40:60] = 255  # Fmask fill
    path = str(tmp_path / "hls_fill.tif")
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        for i, d in enumerate(desc, 1):
            dst.set_band_description(i, d)
    out = str(tmp_path / "lc.tif")
    res = extract_landcover(ExtractRequest(input=path, prompt="land cover map", output_raster=out, device="cuda"))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    assert (cls[40:60, 40:60] == 255).all()
    assert res.details["nodata_m2"] == pytest.approx(400 * 900.0, rel=0.02)
    # the Device line names the land-cover classifier's ONNX session and why it ran on the CPU here
    device = _line(res.explanation, "Device:")
    assert "land-cover classifier: cpu via onnxruntime" in device and "index rules: cpu via numpy" in device
    assert "CUDAExecutionProvider is not available" in device


def _hazy_dn_scene(seed: int = 3) -> np.ndarray:
    """A 6-band uint8 'DN export' (reflectance x 150 + a per-band haze offset, a dark shadow strip), as 8-bit Landsat-7."""
    dn16, _, _ = synthetic_s2(120, 180, seed)
    refl = dn16[[1, 2, 3, 7, 11, 12]].astype(np.float32) / 10000.0
    refl[:, -4:, :] = 0.01
    return np.clip(refl * 150 + np.array([90, 65, 55, 25, 20, 15], np.float32)[:, None, None], 0, 255).round().astype(np.uint8)


def test_auto_keeps_uncalibrated_dn_with_swir_off_the_network(tmp_path):
    path = write_raster(str(tmp_path / "dn.tif"), _hazy_dn_scene(), descriptions=ROLES6)
    res = extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=str(tmp_path / "a.tif")))
    assert res.engine == "spectral"
    assert "not calibrated reflectance" in _line(res.explanation, "Engine:")
    # chosen by the analyst it still runs, with a caution beside the held-out figures
    res = extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=str(tmp_path / "n.tif"), engine="network"))
    assert res.engine == "network"
    assert any(l.startswith("Rule: caution:") and "not calibrated reflectance" in l for l in res.explanation.splitlines())
    # calibrated reflectance, and uncalibrated RGB (brightness normalised), keep the choices they had
    assert choose_engine("auto", ["water"], set(ROLES6))[0] == "network"
    rgb = {"red", "green", "blue"}
    assert choose_engine("auto", ["water"], rgb, reflectance=False) == choose_engine("auto", ["water"], rgb)


def test_device_line_names_the_building_head(tmp_path):
    res = extract_landcover(ExtractRequest(input=RIO, prompt="buildings", output_raster=str(tmp_path / "b.tif"), device="cuda"))
    device = _line(res.explanation, "Device:")
    assert "building head: cpu via onnxruntime" in device and "CUDAExecutionProvider is not available" in device
    assert "index rules instead" not in res.explanation  # the building head decides, not index rules


def test_combined_report_says_a_model_on_the_gpu():
    rep = combined_report("cuda", [("index rules", DeviceReport("cuda", "cpu", "numpy", "no GPU path", 2)),
                                   ("building head", DeviceReport("cuda", "cuda", "onnxruntime", "CUDAExecutionProvider", 2))])
    assert str(rep).startswith("cpu + cuda via numpy + onnxruntime") and "building head: cuda via onnxruntime" in str(rep)


def test_confidence_verdict_is_the_prompted_class(tmp_path):
    data, water, _ = synthetic_s2(120, 150)
    path = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    res = extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=str(tmp_path / "w.tif"), engine="spectral"))
    area = _line(res.explanation, "  Water:")
    conf = _line(res.explanation, "Confidence:")
    class_mean = re.search(r"mean confidence (\d+)%", area).group(1)
    assert "over the pixels of the prompted classes" in conf and f"mean {class_mean}%" in conf
    assert "background (no class): mean" in conf


def test_panchromatic_building_head_line():
    line = building_head_line(pan=True)
    assert "panchromatic band read as grey" in line and "red, green, blue read at 0.5 m" not in line
    eng = SpectralEngine(["buildings"], {"pan"}, Context(pixel_m=0.5, cloud_mask=False))
    assert any("panchromatic band read as grey" in l for l in eng.explain())


def test_cloud_network_rule_names_the_bands_it_reads():
    eng = SpectralEngine(["cloud"], set(ROLES6), Context(pixel_m=30.0))
    rule = next(l for l in eng.explain() if l.startswith("cloud:"))
    assert "ukis-csmask cloud probability > 0.5 (fixed; blue, green, red, nir, swir1, swir2)" in rule


def test_exact_synonym_prompt_says_so_after_the_encoder_loaded():
    if load_encoder() is None:
        pytest.skip("sentence encoder not installed")
    assert "the sentence encoder was not needed" in synonyms_sufficed(parse_prompt("urban areas")).method
    meaning = parse_prompt("wooded hills")
    if any(m.score < 0.99 for m in meaning.concepts):  # matched by meaning: the encoder line stays
        assert synonyms_sufficed(meaning).method == meaning.method
