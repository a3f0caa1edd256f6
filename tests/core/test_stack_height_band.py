"""A height band in an optical stack is read in metres, apart from the reflectance scaling (a DEM is left out); an ENVI
'reflectance scale factor' is a stated scale."""
from __future__ import annotations

import numpy as np
from rasterio.windows import Window

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.modalities import Modality, detect_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.scaling import fit_scaling
from terraprompt.plugin.core.stack import ModalityStack, make_layer

H, W = 80, 100


def _stack(path: str) -> ModalityStack:
    src = open_raster(path)
    return ModalityStack(make_layer(src, detect_modality(src)))


def _dem() -> np.ndarray:
    """A hill of 50-500 m in metres."""
    yy, xx = np.mgrid[0:H, 0:W]
    return (50 + 450 * np.exp(-((yy - 20) ** 2 + (xx - 70) ** 2) / (2 * 30 ** 2))).astype(np.float32)


def _ndsm() -> np.ndarray:
    """15 m buildings on 0 m ground."""
    h = np.zeros((H, W), np.float32)
    h[10:30, 10:30] = 15.0
    h[50:60, 60:90] = 15.0
    return h


def _float_refl(tmp_path, extra=None, name=None) -> tuple[str, np.ndarray]:
    data, water, _ = synthetic_s2(H, W)
    refl = data.astype(np.float32) / 10000
    bands = refl if extra is None else np.concatenate([refl, extra[None]])
    names = S2_NAMES + ([name] if name else [])
    return write_raster(str(tmp_path / f"refl_{name or 'plain'}.tif"), bands, descriptions=names), water


def test_float_reflectance_with_dem_band_stays_reflectance(tmp_path):
    path, _ = _float_refl(tmp_path, _dem(), "DEM")
    src = open_raster(path)
    sc = fit_scaling(src, detect_modality(src))
    assert sc.scale == 1.0 and sc.offset == 0.0, sc.note  # the DEM made the whole stack DN / 10000


def test_float_reflectance_with_dem_band_finds_the_same_water(tmp_path):
    plain, water = _float_refl(tmp_path)
    with_dem, _ = _float_refl(tmp_path, _dem(), "DEM")
    out = {}
    for tag, path in (("plain", plain), ("dem", with_dem)):
        res = extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=str(tmp_path / f"{tag}.tif"),
                                               engine="spectral", device="cpu"))
        out[tag] = res
    assert out["plain"].areas_m2["water"] > 0.5 * water.sum() * 100
    assert out["dem"].areas_m2["water"] == out["plain"].areas_m2["water"]  # was the whole raster (100 %)
    assert "terrain elevation (a DEM)" in out["dem"].explanation


def test_dem_band_left_out_and_said(tmp_path):
    path, _ = _float_refl(tmp_path, _dem(), "elevation")
    stack = _stack(path)
    assert "height" not in stack.roles()  # its heights above local lows would be hills, not objects
    assert "band 14 ('elevation') is terrain elevation (a DEM)" in stack.primary.modality.reason
    assert "DSM_INPUT" in stack.primary.modality.reason


def test_dn_stack_with_ndsm_band_reads_metres(tmp_path):
    data, _, _ = synthetic_s2(H, W)
    ndsm = _ndsm()
    path = write_raster(str(tmp_path / "dn_ndsm.tif"), np.concatenate([data, ndsm[None].astype(np.uint16)]),
                        descriptions=S2_NAMES + ["nDSM"])
    stack = _stack(path)
    bs = stack.read(Window(0, 0, W, H), {"height", "red"})
    np.testing.assert_allclose(bs.get("height"), ndsm)  # was × 1e-4: 15 m buildings read as 0.0015 m
    np.testing.assert_allclose(bs.get("red"), data[3] / 10000, rtol=1e-6)
    assert "band 14 ('nDSM') read as heights apart from the other bands" in stack.primary.modality.reason
    # read alone, the 0 m ground of an integer file without nodata is no '0 in every band' fill
    alone = stack.read(Window(0, 0, W, H), {"height"})
    assert alone.valid_for(["height"]).all()


def test_float_reflectance_with_dsm_band_keeps_low_ground_valid(tmp_path):
    dsm = _ndsm() - 3.0  # ground 3 m below sea level: far below the reflectance floor (-0.5), still a height
    path, _ = _float_refl(tmp_path, dsm, "DSM")
    stack = _stack(path)
    assert stack.primary.scaling.scale == 1.0
    bs = stack.read(Window(0, 0, W, H), {"height", "red"})
    assert bs.valid.all()
    np.testing.assert_allclose(bs.get("height"), dsm)


def test_dn_stack_with_ndsm_band_finds_buildings(tmp_path):
    """The nDSM band gives the buildings a DSM_INPUT of the same heights gives."""
    data, _, _ = synthetic_s2(H, W)
    ndsm = _ndsm()
    stacked = write_raster(str(tmp_path / "dn_ndsm.tif"), np.concatenate([data.astype(np.float32), ndsm[None]]),
                           descriptions=S2_NAMES + ["nDSM"])
    plain = write_raster(str(tmp_path / "dn.tif"), data, descriptions=S2_NAMES)
    alone = write_raster(str(tmp_path / "ndsm.tif"), ndsm[None], descriptions=["nDSM"])
    one = extract_landcover(ExtractRequest(input=stacked, prompt="buildings taller than 10 m", engine="spectral",
                                           output_raster=str(tmp_path / "one.tif"), device="cpu"))
    two = extract_landcover(ExtractRequest(input=plain, dsm_input=alone, prompt="buildings taller than 10 m", engine="spectral",
                                           output_raster=str(tmp_path / "two.tif"), device="cpu"))
    assert two.areas_m2["buildings"] > 0
    assert one.areas_m2["buildings"] == two.areas_m2["buildings"]  # was 0 m²


def _envi(tmp_path, header_extra: str) -> str:
    """An int16 4-band ENVI cube of reflectance × 1000 (blue, green, red, NIR by wavelength)."""
    data, _, _ = synthetic_s2(H, W)
    cube = np.round(data[[1, 2, 3, 7]].astype(np.float32) / 10).astype("<i2")  # DN / 10000 → reflectance × 1000
    path = str(tmp_path / "cube.dat")
    cube.tofile(path)
    with open(str(tmp_path / "cube.hdr"), "w") as f:
        f.write("ENVI\nsamples = %d\nlines = %d\nbands = 4\nheader offset = 0\nfile type = ENVI Standard\ndata type = 2\n"
                "interleave = bsq\nbyte order = 0\nmap info = {UTM, 1, 1, 500000, 4500000, 10, 10, 33, North, WGS-84}\n"
                "wavelength units = Nanometers\nwavelength = {490, 560, 665, 842}\n%s" % (W, H, header_extra))
    return path


def test_envi_reflectance_scale_factor_is_a_stated_scale(tmp_path):
    src = open_raster(_envi(tmp_path, "reflectance scale factor = 1000\n"))
    modality = Modality("cube", "cube", {"blue": 1, "green": 2, "red": 3, "nir": 4}, {"kind": "reflectance"})
    sc = fit_scaling(src, modality)
    assert np.isclose(sc.scale, 0.001) and sc.offset == 0.0, sc.note  # was DN / 10000: 100 % water
    assert "reflectance scale factor 1000" in sc.note


def test_envi_without_scale_factor_unchanged(tmp_path):
    src = open_raster(_envi(tmp_path, ""))
    modality = Modality("cube", "cube", {"blue": 1, "green": 2, "red": 3, "nir": 4}, {"kind": "reflectance"})
    assert "ENVI" not in fit_scaling(src, modality).note
