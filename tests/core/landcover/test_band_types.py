"""extract_landcover on band types and band metadata analysts' files carry: mixed data types in a virtual raster,
wavelengths in micrometres, complex and centi-dB SAR, signed bytes, per-band scales, an empty band, 1-bit masks."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio

from conftest import S2_NAMES, band_files_vrt, synthetic_s2, write_raster
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.scaling import fit_scaling
from terraprompt.plugin.core.tiling import TileSpec


def _run(tmp_path, path: str, prompt: str = "water", engine: str = "spectral"):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    req = ExtractRequest(input=path, prompt=prompt, engine=engine, output_raster=str(out / "lc.tif"),
                         output_vector="", tiles=TileSpec(128, 16, 1))
    return extract_landcover(req), str(out / "lc.tif")


def _share(path: str, value: int, mask: np.ndarray) -> float:
    with rasterio.open(path) as ds:
        cls = ds.read(1)
    return float(((cls == value) == mask).mean())


def test_virtual_raster_of_int16_and_uint16_band_files(tmp_path):
    data, water, _ = synthetic_s2(120, 160)
    bands = [data[i].astype(np.int16) if i < 8 else data[i] for i in range(13)]  # B01-B08 Int16, the rest UInt16
    vrt = band_files_vrt(str(tmp_path), [f"{n}.tif" for n in S2_NAMES], bands)
    _, cls = _run(tmp_path, vrt, engine="spectral")
    assert _share(cls, 1, water) > 0.97


def test_wavelengths_in_micrometres_name_the_bands(tmp_path):
    data, water, _ = synthetic_s2(80, 100)
    um = [0.443, 0.490, 0.560, 0.665, 0.705, 0.740, 0.783, 0.842, 0.865, 0.945, 1.375, 1.610, 2.190]
    src = open_raster(write_raster(str(tmp_path / "hs.tif"), data, descriptions=[f"Band {i + 1} ({w:.4f} Micrometers)"
                                                                                  for i, w in enumerate(um)]))
    m = detect_modality(src)
    assert (m.roles["red"], m.roles["nir"], m.roles["swir1"]) == (4, 8, 12), m.roles


def test_complex_integer_slc_is_calibrated_like_grd_dn(tmp_path):
    rng = np.random.default_rng(0)
    sigma0 = np.where(rng.random((2, 40, 40)) < 0.5, 10 ** (-2.2), 10 ** (-0.8))  # water -22 dB, land -8 dB
    amp = np.sqrt(sigma0) * 470.0
    z = (amp * np.exp(1j * rng.uniform(0, 2 * np.pi, amp.shape))).astype(np.complex64)
    p = str(tmp_path / "slc.tif")
    with rasterio.open(p, "w", driver="GTiff", width=40, height=40, count=2, dtype="complex_int16", crs="EPSG:32633",
                       transform=rasterio.transform.from_origin(500000, 4500000, 10, 10)) as ds:
        ds.write((np.round(z.real) + 1j * np.round(z.imag)).astype(np.complex64))
        ds.descriptions = ("VV", "VH")
    src = open_raster(p)
    sc = fit_scaling(src, detect_modality(src))
    db = sc.apply(src.read(bands=[1]).data[0])
    assert "uncalibrated DN" in sc.note
    assert abs(np.median(db[sigma0[0] < 0.01]) + 22) < 1.5 and abs(np.median(db[sigma0[0] > 0.1]) + 8) < 1.5


def test_int16_hundredths_of_a_db_without_a_scale(tmp_path):
    rng = np.random.default_rng(0)
    db = rng.uniform(-25, -5, (2, 40, 40))
    src = open_raster(write_raster(str(tmp_path / "cdb.tif"), np.round(db * 100).astype(np.int16), descriptions=["VV", "VH"]))
    sc = fit_scaling(src, detect_modality(src))
    assert "hundredths of a dB" in sc.note
    np.testing.assert_allclose(sc.apply(src.read(bands=[1]).data[0]), db[0], atol=0.01)


def test_signed_bytes_are_refused_not_read_as_dn_over_10000(tmp_path):
    data, _, _ = synthetic_s2(40, 40)
    p = write_raster(str(tmp_path / "i8.tif"), (data // 80).astype(np.int8), descriptions=S2_NAMES)
    with pytest.raises(InputError, match="Int8"):
        _run(tmp_path, p)
    assert not os.path.exists(tmp_path / "out" / "lc.tif")


def test_different_stated_scales_are_refused_not_ignored(tmp_path):
    data, _, _ = synthetic_s2(40, 40)
    data[7] = np.minimum(data[7].astype(np.uint32) * 10, 65535).astype(np.uint16)  # NIR stored x 10, its scale says so
    p = write_raster(str(tmp_path / "scaled.tif"), data, descriptions=S2_NAMES)
    with rasterio.open(p, "r+") as ds:
        ds.scales = [1e-5 if b == 8 else 1e-4 for b in range(1, 14)]
    with pytest.raises(InputError, match=r"different scales.*1e-05 \+ 0 on bands 8"):
        _run(tmp_path, p, "vegetation")


def test_a_used_band_holding_only_nodata_is_named(tmp_path):
    data, water, _ = synthetic_s2(60, 80)
    data[11] = 0  # SWIR1 empty, nodata 0
    p = write_raster(str(tmp_path / "noswir.tif"), data, nodata=0, descriptions=S2_NAMES)
    with pytest.raises(InputError, match=r"swir1 \(band 12\)"):
        _run(tmp_path, p, "water")
    assert not os.path.exists(tmp_path / "out" / "lc.tif")
    data, water, _ = synthetic_s2(60, 80)
    data[0] = 0  # an empty coastal band the run does not read is no reason to refuse
    _, cls = _run(tmp_path, write_raster(str(tmp_path / "nocoastal.tif"), data, nodata=0, descriptions=S2_NAMES))
    assert _share(cls, 1, water) > 0.97


def test_one_bit_mask_is_not_imagery(tmp_path):
    p = str(tmp_path / "mask.tif")
    with rasterio.open(p, "w", driver="GTiff", width=32, height=32, count=1, dtype="uint8", nbits=1, crs="EPSG:32633",
                       transform=rasterio.transform.from_origin(500000, 4500000, 10, 10)) as ds:
        ds.write((np.arange(32 * 32).reshape(1, 32, 32) % 2).astype(np.uint8))
        ds.write_colormap(1, {0: (0, 0, 0, 255), 1: (255, 255, 255, 255)})
    with pytest.raises(InputError, match="mask or a classified map"):
        open_raster(p)


def test_a_one_bit_file_given_as_the_cloud_mask_is_judged_as_a_mask(tmp_path):
    data, _, _ = synthetic_s2(60, 80)
    s2 = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    p = str(tmp_path / "mask.tif")
    with rasterio.open(p, "w", driver="GTiff", width=80, height=60, count=1, dtype="uint8", nbits=1, crs="EPSG:32633",
                       transform=rasterio.transform.from_origin(500000, 4500000, 10, 10)) as ds:
        ds.write(np.zeros((1, 60, 80), np.uint8))
        ds.write_colormap(1, {0: (0, 0, 0, 255), 1: (255, 255, 255, 255)})
    req = ExtractRequest(input=s2, prompt="water", engine="spectral", output_raster=str(tmp_path / "lc.tif"), output_vector="",
                         cloud_mask_input=p)
    with pytest.raises(InputError, match="is not a cloud mask TerraPrompt can read"):  # not 'a mask ..., not imagery'
        extract_landcover(req)
