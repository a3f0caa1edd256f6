"""A Sentinel-2 + Sentinel-1 stack (S2 bands then VV, VH in one file) reads like INPUT=S2 file + SAR_INPUT=S1 file: its
SAR bands are read apart in dB (never as reflectance), and it is an optical raster whose quality band is found."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio

from conftest import S2_NAMES, synthetic_s2, write_raster
from plugin.core.landcover.extract import ExtractRequest, extract_landcover, saturation_levels
from plugin.core.modalities import resolve_modality
from plugin.core.raster import open_raster
from plugin.core.stack import ModalityStack, make_layer

H, W = 96, 128


def _sar(water: np.ndarray) -> np.ndarray:
    """VV and VH in dB: water dark (about -22 / -28 dB), land about -10 / -17 dB, with 1 dB noise."""
    rng = np.random.default_rng(4)
    vv = np.where(water, -22.0, -10.0) + rng.normal(0, 1, water.shape)
    vh = np.where(water, -28.0, -17.0) + rng.normal(0, 1, water.shape)
    return np.stack([vv, vh]).astype(np.float32)


def _files(tmp_path, form: str) -> tuple[str, str, str]:
    """(stack, S2 file, S1 file) of one place: S2 as DN or reflectance, S1 in dB or linear intensity."""
    s2, water, _ = synthetic_s2(H, W, 3)
    opt = s2.astype(np.float32) / (1e4 if form.startswith("refl") else 1.0)
    sar = _sar(water)
    sar = 10 ** (sar / 10) if form.endswith("lin") else sar
    stack = write_raster(str(tmp_path / f"stack_{form}.tif"), np.concatenate([opt, sar]), descriptions=S2_NAMES + ["VV", "VH"])
    s2_file = write_raster(str(tmp_path / f"s2_{form}.tif"), opt, descriptions=S2_NAMES)
    s1_file = write_raster(str(tmp_path / f"s1_{form}.tif"), sar, descriptions=["VV", "VH"])
    return stack, s2_file, s1_file


def _classes(req: ExtractRequest):
    """The run's result and its class raster."""
    res = extract_landcover(req)
    with rasterio.open(req.output_raster) as ds:
        return res, ds.read(1)


@pytest.mark.parametrize("form", ["dn_db", "refl_db", "dn_lin"])
def test_stack_reads_like_s2_and_sar_input(tmp_path, form):
    stack, s2_file, s1_file = _files(tmp_path, form)
    for engine in ("spectral", "auto"):
        got, cls = _classes(ExtractRequest(input=stack, prompt="water and vegetation", engine=engine,
                                           output_raster=str(tmp_path / f"stack_{engine}.tif")))
        ref, want = _classes(ExtractRequest(input=s2_file, sar_input=s1_file, prompt="water and vegetation", engine=engine,
                                            output_raster=str(tmp_path / f"pair_{engine}.tif")))
        assert got.valid_area_m2 == pytest.approx(ref.valid_area_m2)
        assert np.array_equal(cls, want), (engine, float((cls == want).mean()))
        assert got.areas_m2 == pytest.approx(ref.areas_m2)
    said = "values already in dB" if form.endswith("db") else "linear intensity"
    assert "bands b14, b15 (SAR) read apart from the optical bands: " in got.explanation and said in got.explanation


def test_stack_is_optical_and_its_quality_band_is_found(tmp_path):
    s2, water, _ = synthetic_s2(H, W, 3)
    scl = np.full((1, H, W), 4, np.float32)
    data = np.concatenate([s2.astype(np.float32) / 1e4, scl, _sar(water)])
    src = open_raster(write_raster(str(tmp_path / "s2_scl_s1.tif"), data, descriptions=S2_NAMES + ["SCL", "VV", "VH"]))
    modality = resolve_modality(src, "auto")
    assert modality.family == "optical"
    stack = ModalityStack(make_layer(src, modality))
    assert stack.quality is not None and stack.quality.band == 14


def test_integer_stack_saturation_leaves_its_sar_bands_out(tmp_path):
    s2, water, _ = synthetic_s2(H, W, 3)
    sar = np.round(10 ** (_sar(water) / 10) * 10000).astype(np.uint16)  # linear intensity x 10000
    src = open_raster(write_raster(str(tmp_path / "s2_s1_uint16.tif"), np.concatenate([s2, sar]),
                                   descriptions=S2_NAMES + ["VV", "VH"]))
    stack = ModalityStack(make_layer(src, resolve_modality(src, "auto")))
    levels = saturation_levels(stack, set(stack.roles()))
    assert "red" in levels and not {"vv", "vh"} & set(levels)
