"""SAR read beyond VV/VH files: HH/HV bands read in VV's and VH's roles (ALOS-2, RADARSAT, NISAR), undescribed float dB
stacks (GEE colour composites VV, VH, VV−VH) read as SAR, a low single band said to look cross-polarised, the interactive
encoder scaling SAR as land cover does, a dB 0 collar kept out of the warp, and the one-value band check in change."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window

from conftest import write_raster
from terraprompt.plugin.core.errors import InputError, ModalityError
from terraprompt.plugin.core.modalities import detect_modality, resolve_modality, slot_modality
from terraprompt.plugin.core.raster import Grid, open_raster

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
CROP = os.path.join(DATA, "sen1floods11_s1_crop.tif")
LABEL = os.path.join(DATA, "sen1floods11_label_crop.tif")
HH_RULE = "HH read as the co-polarised band (VV's rules)"


def _db() -> tuple[np.ndarray, dict]:
    """The shared Sen1Floods11 crop: VV, VH in dB (96 x 96, float32), and its profile."""
    with rasterio.open(CROP) as ds:
        return ds.read().astype(np.float32), ds.profile.copy()


def _write(path, data: np.ndarray, descriptions=None, nodata=None) -> str:
    """Float bands with the crop's grid (no nodata unless given), band descriptions as given."""
    _, profile = _db()
    profile.update(count=data.shape[0], dtype="float32", nodata=nodata)
    with rasterio.open(str(path), "w", **profile) as ds:
        ds.write(data.astype(np.float32))
        for i, d in enumerate(descriptions or [], start=1):
            ds.set_band_description(i, d)
    return str(path)


def _water_share(path: str) -> tuple[float, float]:
    """(share of the crop classed water, share labelled water) where the label says water or not."""
    with rasterio.open(path) as ds:
        cls = ds.read(1)
    with rasterio.open(LABEL) as ds:
        lab = ds.read(1)
    ok = (lab != -1) & (cls != 255)
    return float((cls[ok] == 1).mean()), float((lab[ok] == 1).mean())


def _extract_water(path: str, out: str, **kw):
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    return extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=out, engine="spectral", **kw))


def _water_like_vv(tmp_path, res) -> None:
    """The water map of ``res`` is the one the same values give described VV, VH."""
    vv = _extract_water(_write(tmp_path / "vv_vh.tif", _db()[0], ["VV", "VH"]), str(tmp_path / "vv_vh_water.tif"))
    assert _water_share(res.output_raster)[0] == pytest.approx(_water_share(vv.output_raster)[0], abs=0.02)


# --- 1. HH / HV ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("descriptions,modality", [(["HH", "HV"], "auto"), (["HH", "HV"], "sar"), (["HH"], "auto")])
def test_hh_hv_bands_extract_water_as_vv_vh_do(tmp_path, descriptions, modality):
    db = _db()[0][: len(descriptions)]
    res = _extract_water(_write(tmp_path / "alos.tif", db, descriptions), str(tmp_path / "w.tif"), modality=modality)
    line = next(x for x in res.explanation.splitlines() if x.startswith("Input"))
    assert HH_RULE in line and f"SAR ({', '.join(descriptions)})" in line, line
    assert ("HV read as the cross-polarised band (VH's rules)" in line) == ("HV" in descriptions)
    assert "vv=b1" in line and "hh=" not in line
    if len(descriptions) == 2:
        _water_like_vv(tmp_path, res)


def test_an_hv_file_name_is_read_as_cross_pol(tmp_path):
    m = detect_modality(open_raster(_write(tmp_path / "alos_hv.tif", _db()[0][1:])))
    assert m.roles == {"vh": 1} and "HV read as the cross-polarised band" in m.reason


def test_an_hh_hv_pair_named_by_its_file_name_keeps_its_polarisations(tmp_path):
    """Two undescribed integer bands in 's1_hh_hv.tif': read in VV's/VH's roles, but known as HH/HV (they were called
    VV/VH, so such a date could be compared with a VV/VH one)."""
    from terraprompt.plugin.core.modalities import polarisations

    amp = np.random.default_rng(0).integers(50, 500, (2, 64, 64)).astype(np.uint16)
    m = detect_modality(open_raster(write_raster(str(tmp_path / "s1_hh_hv.tif"), amp)))
    assert m.roles == {"vv": 1, "vh": 2} and polarisations(m) == {"vv": "hh", "vh": "hv"} and m.label == "SAR (HH, HV)"


def test_hh_hv_as_sar_input_are_read_not_left_unused(tmp_path):
    from conftest import S2_NAMES, synthetic_s2

    s2 = open_raster(write_raster(str(tmp_path / "s2.tif"), synthetic_s2(96, 96)[0], descriptions=S2_NAMES))
    sar = open_raster(_write(tmp_path / "alos.tif", _db()[0], ["HH", "HV"]))
    m = slot_modality("sar", {"input": s2, "sar": sar}, detect_modality(s2))
    assert m.roles == {"vv": 1, "vh": 2} and m.label == "SAR (HH, HV)" and HH_RULE in m.reason


def _change(tmp_path, before: str, after: str, **kw):
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    return detect_change(ChangeRequest(before=before, after=after, output_change=str(tmp_path / "ch.tif"), **kw))


def test_an_hh_hv_pair_is_compared_and_hh_hv_against_vv_vh_refused(tmp_path):
    db = _db()[0]
    later = db + np.random.default_rng(1).normal(0, 0.5, db.shape).astype(np.float32)
    hh = _write(tmp_path / "a_20200101.tif", db, ["HH", "HV"])
    assert _change(tmp_path, hh, _write(tmp_path / "b_20200201.tif", later, ["HH", "HV"])).method == "logratio"
    os.remove(str(tmp_path / "ch.tif"))
    with pytest.raises(ModalityError, match="different polarisations") as err:
        _change(tmp_path, hh, _write(tmp_path / "c_20200201.tif", later, ["VV", "VH"]))
    assert "HH, HV" in err.value.problem and "VV, VH" in err.value.problem
    assert not os.path.exists(str(tmp_path / "ch.tif"))


# --- 2. undescribed float dB stacks ---------------------------------------------------------------------------------------

def _composite(db: np.ndarray) -> np.ndarray:
    return np.stack([db[0], db[1], db[0] - db[1]])


def test_an_undescribed_db_composite_is_sar_not_rgb(tmp_path):
    path = _write(tmp_path / "s1_composite.tif", _composite(_db()[0]))
    m = detect_modality(open_raster(path))
    assert m.family == "sar" and m.roles == {"vv": 1, "vh": 2} and "band(s) 3 left out" in m.reason
    _water_like_vv(tmp_path, _extract_water(path, str(tmp_path / "w.tif")))


def test_undescribed_reflectance_and_standardised_floats_stay_rgb(tmp_path):
    rng = np.random.default_rng(0)
    rgb = rng.uniform(0.02, 0.4, (3, 96, 96)).astype(np.float32)
    assert detect_modality(open_raster(_write(tmp_path / "rgb.tif", rgb))).family == "optical"
    z = rng.lognormal(0, 1, (3, 96, 96))
    z = ((z - z.mean(axis=(1, 2), keepdims=True)) / z.std(axis=(1, 2), keepdims=True)).astype(np.float32)  # medians < 0
    assert detect_modality(open_raster(_write(tmp_path / "zscores.tif", z))).family == "optical"


def test_the_sar_preset_takes_bands_1_and_2_of_a_composite_pair(tmp_path):
    db = _db()[0]
    later = db + np.random.default_rng(2).normal(0, 0.5, db.shape).astype(np.float32)
    before = _write(tmp_path / "cc_20200101.tif", _composite(db))
    after = _write(tmp_path / "cc_20200201.tif", _composite(later))
    m = resolve_modality(open_raster(before), "sar")
    assert m.roles == {"vv": 1, "vh": 2} and "caution" in m.reason and "band(s) 3 left out" in m.reason
    for kw in ({"method": "logratio"}, {"method": "logratio", "modality": "sar"}):
        assert _change(tmp_path, before, after, **kw).method == "logratio"
        os.remove(str(tmp_path / "ch.tif"))


# --- 3. one low undescribed band ------------------------------------------------------------------------------------------

def test_a_low_undescribed_band_is_said_to_look_cross_pol(tmp_path):
    vh = detect_modality(open_raster(_write(tmp_path / "export_band1.tif", _db()[0][1:])))
    assert vh.roles == {"vv": 1} and "looks like cross-pol VH: name the band VH if it is" in vh.reason
    vv = detect_modality(open_raster(_write(tmp_path / "export_band2.tif", _db()[0][:1])))
    assert "cross-pol" not in vv.reason


# --- 4. the interactive encoder scales SAR as land cover does -----------------------------------------------------------

class _Recorder:
    """An engine that keeps what it is given to encode."""

    name, sha256, label, max_side = "recorder", "0" * 64, "recorder", 4096

    def select_bands(self, count, modality):
        return [1, 2]

    def encode(self, image, valid):
        self.image, self.valid = image, valid
        return {}


def _encoded(path: str) -> _Recorder:
    from terraprompt.plugin.core.interactive.encoder import encode_window

    src = open_raster(path)
    engine = _Recorder()
    encode_window(src, Window(0, 0, src.width, src.height), engine, modality=detect_modality(src))
    return engine


def test_the_encoder_reads_calibrated_amplitude_as_land_cover_does(tmp_path):
    flat = np.stack([np.full((96, 96), -9.0), np.full((96, 96), -16.0)]).astype(np.float32)
    amp = _write(tmp_path / "s1.tif", np.sqrt(10 ** (flat / 10)), ["Amplitude_VV", "Amplitude_VH"])
    got = _encoded(amp).image
    assert np.allclose(got[0], -9.0, atol=0.05) and np.allclose(got[1], -16.0, atol=0.05), (got[0, 0, 0], got[1, 0, 0])


def test_the_encoder_leaves_a_zero_fill_of_db_values_out(tmp_path):
    db = _db()[0].copy()
    db[:, :, :12] = 0.0
    rec = _encoded(_write(tmp_path / "s1_fill.tif", db, ["VV", "VH"]))
    assert not rec.valid[:, :12].any() and rec.valid[:, 12:].all()


# --- 5. a dB 0 collar stays out of the warp -------------------------------------------------------------------------------

def _collared_db(tmp_path, count: int) -> str:
    """``count`` float bands of -12 dB at 30 m with a tilted 0 collar and no nodata value (a gdalwarp output)."""
    yy, xx = np.mgrid[0:60, 0:60]
    inside = (xx - 20) * 0.94 + (yy - 15) * 0.34 > 0
    data = np.where(inside[None], np.full((count, 60, 60), -12.0), 0.0).astype(np.float32)
    return write_raster(str(tmp_path / f"s1_{count}.tif"), data, crs="EPSG:32630",
                        transform=from_origin(500000, 4000000, 30, 30))


def _on_10m_grid(path: str) -> np.ma.MaskedArray:
    grid = Grid(open_raster(path).crs, from_origin(500000 + 10, 4000000 - 10, 10, 10), 170, 170)
    return open_raster(path).read_on_grid(grid)


def test_an_undeclared_zero_collar_of_db_sar_stays_out_of_the_bilinear_kernel(tmp_path):
    out = _on_10m_grid(_collared_db(tmp_path, 2))
    valid = ~np.ma.getmaskarray(out).any(axis=0)
    assert valid.sum() > 0.4 * valid.size
    assert np.allclose(out.data[:, valid], -12.0, atol=0.01), np.unique(np.round(out.data[:, valid]))[-5:]


def test_one_negative_float_band_keeps_its_zero(tmp_path):
    """Heights below sea level are negative too, and 0 m is a height: one float band is not given the dB fill rule."""
    src = open_raster(_collared_db(tmp_path, 1))
    assert not src.db_zero_fill and not src.zero_fill


# --- 6. the one-value band check in change detection -------------------------------------------------------------------

def test_change_refuses_a_constant_nir_on_one_date(tmp_path):
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "change"))
    from change_pairs import change_pair
    from conftest import S2_NAMES

    b, a, _ = change_pair(h=96, w=96)
    a[7] = 1234  # B08 (NIR) of one value
    pb = write_raster(str(tmp_path / "before_2020-06-01.tif"), b, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "after_2022-06-01.tif"), a, descriptions=S2_NAMES)
    for method in ("cva", "irmad"):
        with pytest.raises(InputError, match="band 8") as err:
            _change(tmp_path, pb, pa, method=method)
        assert "after_2022-06-01.tif" in err.value.problem and "1234" in err.value.problem
        assert not os.path.exists(str(tmp_path / "ch.tif"))
