"""Calibrated SAR amplitude (√σ0: ASF RTC in amplitude scale, SNAP's Amplitude_VV) is converted with 20·log10, not read
as intensity (every dB value was halved: water 0 %, a dB/amplitude change pair F1 0.000); an undeclared 0 fill of SAR
already in dB (GEE unmask(0), a warp collar without -dstnodata) is nodata, not 0 dB (the border was 100 % change)."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio

from conftest import ROOT, write_raster
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.scaling import fit_scaling

CROP = os.path.join(ROOT, "tests", "data", "sen1floods11_s1_crop.tif")
BORDER = 12


def _db() -> tuple[np.ndarray, dict]:
    """The shared crop's VV, VH in dB (float32) and its profile."""
    with rasterio.open(CROP) as ds:
        return ds.read().astype(np.float32), ds.profile


def _write(path, data: np.ndarray, descriptions) -> str:
    """``data`` on the crop's grid, float32, no nodata value."""
    _, profile = _db()
    profile.update(count=data.shape[0], dtype="float32", nodata=None)
    with rasterio.open(path, "w", **profile) as out:
        out.write(data.astype(np.float32))
        for i, d in enumerate(descriptions or [], start=1):
            out.set_band_description(i, d)
    return str(path)


def _amplitude() -> np.ndarray:
    return np.sqrt(10 ** (_db()[0].astype(np.float64) / 10))


@pytest.mark.parametrize("name, descriptions", [("s1.tif", ["Amplitude_VV", "Amplitude_VH"]),
                                                ("s1_amp.tif", ["VV", "VH"]),
                                                ("S1A_IW_20180128T161201_DVP_RTC30_G_gauned_FE8A.tif", ["VV", "VH"])])
def test_calibrated_amplitude_is_converted_with_20_log10(tmp_path, name, descriptions):
    path = _write(tmp_path / name, _amplitude(), descriptions)
    src = open_raster(path)
    sc = fit_scaling(src, detect_modality(src))
    assert sc.to_db and "20·log10" in sc.note
    vals, ok = sc.measured(src.read())
    np.testing.assert_allclose(vals[:, ok], _db()[0][:, ok], atol=1e-3)


def test_amplitude_read_as_intensity_is_cautioned_and_intensity_is_not(tmp_path):
    src = open_raster(_write(tmp_path / "s1.tif", _amplitude(), ["VV", "VH"]))
    assert "caution" in fit_scaling(src, detect_modality(src)).note
    lin = open_raster(_write(tmp_path / "s1_lin.tif", 10 ** (_db()[0].astype(np.float64) / 10), ["VV", "VH"]))
    sc = fit_scaling(lin, detect_modality(lin))
    assert sc.to_db and sc.scale == 1.0 and "caution" not in sc.note


def test_land_cover_of_amplitude_is_that_of_db(tmp_path):
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    water = {}
    for name, data, desc in (("db", _db()[0], ["VV", "VH"]), ("amp", _amplitude(), ["Amplitude_VV", "Amplitude_VH"])):
        res = extract_landcover(ExtractRequest(input=_write(tmp_path / f"{name}.tif", data, desc), prompt="water",
                                               output_raster=str(tmp_path / f"w_{name}.tif"), engine="spectral"))
        with rasterio.open(res.output_raster) as ds:
            water[name] = ds.read(1) == 1
    assert water["db"].sum() > 500
    assert (water["db"] & water["amp"]).sum() / (water["db"] | water["amp"]).sum() > 0.95


def test_a_db_before_and_an_amplitude_after_of_the_same_scene_are_unchanged(tmp_path):
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    before = _write(tmp_path / "s1_20200101.tif", _db()[0], ["VV", "VH"])
    after = _write(tmp_path / "s1_20200201.tif", _amplitude(), ["Amplitude_VV", "Amplitude_VH"])
    res = detect_change(ChangeRequest(before=before, after=after, method="logratio", output_change=str(tmp_path / "c.tif")))
    with rasterio.open(res.output_change) as ds:
        ch = ds.read(1)
    assert (ch != 255).all() and (ch == 0).mean() > 0.99


def _zero_filled(tmp_path, name: str, bands: int = 2) -> str:
    db = _db()[0][:bands].copy()
    db[:, :, :BORDER] = 0.0  # an undeclared fill of dB values (GEE unmask(0), a warp collar)
    return _write(tmp_path / name, db, ["VV", "VH"][:bands])


def test_change_leaves_an_undeclared_zero_fill_of_db_values_out(tmp_path):
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    before = _write(tmp_path / "s1_20200101.tif", _db()[0], ["VV", "VH"])
    after = _zero_filled(tmp_path, "s1_20200201.tif")
    res = detect_change(ChangeRequest(before=before, after=after, method="logratio", output_change=str(tmp_path / "c.tif")))
    with rasterio.open(res.output_change) as ds:
        ch = ds.read(1)
    assert (ch[:, :BORDER] == 255).all() and (ch[:, BORDER:] == 0).all()


def test_land_cover_leaves_an_undeclared_zero_fill_of_db_values_out(tmp_path):
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    res = extract_landcover(ExtractRequest(input=_zero_filled(tmp_path, "s1.tif"), prompt="water",
                                           output_raster=str(tmp_path / "w.tif"), engine="spectral"))
    with rasterio.open(res.output_raster) as ds:
        cls = ds.read(1)
    assert (cls[:, :BORDER] == 255).all() and (cls[:, BORDER:] != 255).all()
    assert "undeclared fill" in res.explanation


@pytest.mark.parametrize("fill", [0.125, 0.97])
def test_a_single_db_band_zero_fill_is_nodata(tmp_path, fill):
    """One VV band in dB: an exact 0 is the fill; a crop almost all fill is still read as dB."""
    db = _db()[0][:1].copy()
    cols = int(round(db.shape[2] * fill))
    db[:, :, :cols] = 0.0
    src = open_raster(_write(tmp_path / "s1_vv.tif", db, ["VV"]))
    sc = fit_scaling(src, detect_modality(src))
    assert not sc.to_db and "undeclared fill" in sc.note
    vals, ok = sc.measured(src.read())
    assert not ok[:, :cols].any() and ok[:, cols:].all()
    np.testing.assert_array_equal(vals[:, ok], db[:, ok])
