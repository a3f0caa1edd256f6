"""Scaling raw values to physical ones: S2 DN/10000 (+ baseline offset), Landsat C2, SAR dB, 8-bit."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio

from conftest import S2_NAMES, shared, write_raster
from terraprompt.plugin.core.modalities import detect_modality, resolve_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.scaling import band_stats, fit_scaling


def _s2(tmp_path, tags=None, name="s2.tif"):
    data = np.full((13, 30, 30), 2500, np.uint16)
    p = write_raster(str(tmp_path / name), data, descriptions=S2_NAMES)
    if tags:
        with rasterio.open(p, "r+") as ds:
            ds.update_tags(**tags)
    return open_raster(p)


def test_s2_l1c_divides_by_10000(tmp_path):
    src = _s2(tmp_path)
    sc = fit_scaling(src, detect_modality(src))
    assert not sc.to_db
    np.testing.assert_allclose(sc.apply(np.array([0, 2500, 10000], np.uint16)), [0, 0.25, 1.0], rtol=1e-6)
    assert "10000" in sc.note


@pytest.mark.parametrize("tags", [{"PROCESSING_BASELINE": "04.00"}, {"RADIO_ADD_OFFSET": "-1000"}, {"BOA_ADD_OFFSET_B4": "-1000"}])
def test_s2_processing_baseline_offset(tmp_path, tags):
    src = _s2(tmp_path, tags)
    sc = fit_scaling(src, detect_modality(src))
    np.testing.assert_allclose(sc.apply(np.array([3500], np.uint16)), [0.25], rtol=1e-5)
    assert "-1000" in sc.note


def test_old_baseline_has_no_offset(tmp_path):
    src = _s2(tmp_path, {"PROCESSING_BASELINE": "02.09"})
    sc = fit_scaling(src, detect_modality(src))
    np.testing.assert_allclose(sc.apply(np.array([2500], np.uint16)), [0.25], rtol=1e-6)


def test_landsat_c2_scale(tmp_path):
    data = np.full((7, 30, 30), 30000, np.uint16)  # C2 DN for reflectance 0.625
    src = open_raster(write_raster(str(tmp_path / "l8.tif"), data))
    m = detect_modality(src)
    assert m.name == "landsat89"
    sc = fit_scaling(src, m)
    np.testing.assert_allclose(sc.apply(np.array([30000, 7273], np.uint16)), [30000 * 2.75e-5 - 0.2, 7273 * 2.75e-5 - 0.2], atol=1e-6)
    assert "Collection 2" in sc.note


def test_landsat_c2_level1_is_not_read_as_surface_reflectance(tmp_path):
    """An LC09_L1TP_... stack (TOA DN) was given the Level-2 surface-reflectance rescaling (1.375 x its reflectance
    - 0.0625, flagged surface)."""
    refl = np.linspace(0.02, 0.5, 900).reshape(30, 30)
    data = np.repeat(((refl + 0.1) / 2e-5)[None], 7, axis=0).astype(np.uint16)
    src = open_raster(write_raster(str(tmp_path / "LC09_L1TP_198030_20230612_20230612_02_T1_stack.tif"), data))
    m = detect_modality(src)
    sc = fit_scaling(src, m)
    assert m.name == "landsat89" and "Level-1 (the name says L1TP)" in sc.note and not sc.surface
    np.testing.assert_allclose(sc.apply(data[0]), refl, atol=1e-4)


def test_sar_linear_to_db(tmp_path):
    rng = np.random.default_rng(0)
    lin = rng.uniform(0.001, 0.5, (2, 40, 40)).astype(np.float32)
    src = open_raster(write_raster(str(tmp_path / "s1.tif"), lin, descriptions=["VV", "VH"]))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.to_db
    np.testing.assert_allclose(sc.apply(np.array([0.1, 0.01, 1.0], np.float32)), [-10, -20, 0], atol=1e-5)
    assert np.isfinite(sc.apply(np.array([0.0], np.float32))).all()  # zero backscatter stays finite


def test_sar_db_kept(tmp_path):
    rng = np.random.default_rng(0)
    db = rng.uniform(-25, -5, (2, 40, 40)).astype(np.float32)
    src = open_raster(write_raster(str(tmp_path / "s1.tif"), db, descriptions=["VV", "VH"]))
    sc = fit_scaling(src, detect_modality(src))
    assert not sc.to_db and "dB" in sc.note
    np.testing.assert_array_equal(sc.apply(db[0]), db[0])


def test_complex_to_db(tmp_path):
    z = np.full((1, 8, 8), 0.1 + 0j, np.complex64)
    src = open_raster(write_raster(str(tmp_path / "c.tif"), z))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.to_db
    np.testing.assert_allclose(sc.apply(src.read().data[0]), -20.0, atol=1e-4)  # |0.1|² = 0.01 → −20 dB


def test_uint8_and_float_reflectance(tmp_path):
    src = open_raster(shared("landsat_taizhou", "taizhou_2000-03-17.tif"))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.scale == pytest.approx(1 / 255)
    refl = np.full((6, 20, 20), 0.3, np.float32)
    src = open_raster(write_raster(str(tmp_path / "f.tif"), refl))
    sc = fit_scaling(src, resolve_modality(src, "landsat457"))
    assert sc.scale == 1.0 and sc.offset == 0.0


def test_shared_landsat_int16_reflectance():
    src = open_raster(shared("landsat8", "LE70220491999322EDC01_stack.tif"))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.scale == pytest.approx(1e-4) and sc.offset == 0


def test_shared_s1_db_and_stats_ignore_nodata():
    src = open_raster(shared("sen1floods11", "Spain_7370579_top_S1Hand.tif"))
    assert not fit_scaling(src, detect_modality(src)).to_db
    s2 = open_raster(shared("sen1floods11", "Spain_7370579_top_S2Hand.tif"))
    st = band_stats(s2, [4, 8])
    assert (st.p2 > 0).all() and 0 < st.valid_fraction <= 1  # nodata 0 excluded from statistics


def _offset_scene(tmp_path, name: str, add: int, bright: bool = False, l2a: bool = False):
    """The synthetic L1C scene (a lake, a forest, bare land) plus ``add`` DN, without any offset tag; optionally a scene
    without dark objects (every band 0.15-0.3, as over a bright desert)."""
    from conftest import synthetic_s2

    data, water, _ = synthetic_s2(60, 90)
    if bright:
        data = np.clip(data, 1500, 3000)
    data[10] = np.random.default_rng(1).integers(5, 40, data[10].shape)  # B10 cirrus: near 0 under a clear sky
    names = S2_NAMES
    if l2a:  # Level-2A has no B10
        data, names = np.delete(data, 10, axis=0), [n for n in S2_NAMES if n != "B10"]
    return open_raster(write_raster(str(tmp_path / name), (data.astype(np.int32) + add).astype(np.uint16),
                                    descriptions=names)), data, water


@pytest.mark.parametrize("l2a,why", [(False, "cirrus"), (True, "darkest")])
def test_s2_offset_inferred_from_values_without_metadata(tmp_path, l2a, why):
    """A baseline 04.00+ scene exported without its offset tag (rio stack, some portals): the cirrus band (L1C) or the
    lake (L2A, no B10) reads just above 1000 DN and no band goes below, so the offset is inferred and said; reading it
    as DN / 10000 would add 0.1 to every reflectance and break every index."""
    src, data, water = _offset_scene(tmp_path, "stack.tif", 1000, l2a=l2a)
    sc = fit_scaling(src, detect_modality(src))
    assert "inferred" in sc.note and "-1000" in sc.note and why in sc.note
    np.testing.assert_allclose(sc.apply(src.read().data), data / 10000.0, atol=1e-4)


def test_s2_offset_inferred_from_the_sensing_date_in_the_name(tmp_path):
    """No dark objects near 1000 DN (bright scene), but the product name says it was sensed after 25 January 2022."""
    src, data, _ = _offset_scene(tmp_path, "S2B_MSIL2A_20230615T100559_R022_T32TQM.tif", 1000, bright=True)
    sc = fit_scaling(src, detect_modality(src))
    assert "inferred" in sc.note and "2023-06-15" in sc.note
    np.testing.assert_allclose(sc.apply(src.read().data), data / 10000.0, atol=1e-4)


@pytest.mark.parametrize("name,bright,l2a", [
    ("S2B_MSIL2A_20230615T100559_R022_T32TQM.tif", False, True),  # a 2023 product whose offset was already removed
    ("S2A_MSIL1C_20190615T100559_N0207_R022_T32TQM.tif", True, True),  # old baseline, bright scene
    ("desert.tif", True, True),  # L2A without dark objects (every band 0.15-0.3), no date: taken as they are
    ("S2A_MSIL1C_20190615T100559_N0207_R022_T32TQM.tif", False, False)])
def test_s2_offset_not_inferred(tmp_path, name, bright, l2a):
    src, data, _ = _offset_scene(tmp_path, name, 0, bright, l2a)
    sc = fit_scaling(src, detect_modality(src))
    assert "with offset" not in sc.note and "inferred" not in sc.note
    # the bright scene without a date gets the offset caution (tests/core/test_s2offset.py), the dated ones none
    assert ("caution" in sc.note) == (name == "desert.tif")
    np.testing.assert_allclose(sc.apply(src.read().data), data / 10000.0, atol=1e-6)


def test_s2_offset_not_inferred_on_the_shared_scenes():
    """Every Sentinel-2 scene in ../shared/data predates baseline 04.00: none gets an offset."""
    import glob
    import os

    paths = glob.glob(os.path.join(shared("oscd"), "*", "*_t?.tif"))
    assert paths
    for p in paths:
        src = open_raster(p)
        assert "offset" not in fit_scaling(src, detect_modality(src)).note, p


def _with_scale_offset(path: str, scales, offsets) -> str:
    """Set GDAL scale/offset metadata on every band of a written raster."""
    with rasterio.open(path, "r+") as ds:
        ds.scales, ds.offsets = scales, offsets
    return path


@pytest.mark.parametrize("tags", [{}, {"PROCESSING_BASELINE": "04.00"}])
def test_stated_scale_and_offset_win_over_the_inferred_ones(tmp_path, tags):
    """A baseline 04.00 S2 file that states scale 1e-4 and offset -0.1 (as some COG collections do) is scaled by them,
    with no other clue to the offset (values far above 1000 DN) and without subtracting it twice when the tag is there."""
    p = write_raster(str(tmp_path / "s2.tif"), np.full((13, 30, 30), 3500, np.uint16), descriptions=S2_NAMES)
    with rasterio.open(p, "r+") as ds:
        ds.update_tags(**tags)
    src = open_raster(_with_scale_offset(p, [1e-4] * 13, [-0.1] * 13))
    sc = fit_scaling(src, detect_modality(src))
    np.testing.assert_allclose(sc.apply(np.array([3500], np.uint16)), [0.25], rtol=1e-5)
    assert "metadata" in sc.note and "-0.1" in sc.note


def test_stated_scale_that_differs_between_bands_is_refused(tmp_path):
    """One scaling applies to all bands: ignoring a band's own stated scale misread it (a NIR band stored x 10 gave
    99.8 % vegetation), so different stated scales are refused with the fix."""
    from terraprompt.plugin.core.errors import InputError

    p = write_raster(str(tmp_path / "s2.tif"), np.full((13, 30, 30), 2500, np.uint16), descriptions=S2_NAMES)
    src = open_raster(_with_scale_offset(p, [1e-4] * 12 + [2e-4], [0.0] * 13))
    with pytest.raises(InputError, match="0.0002 \\+ 0 on bands 13") as err:
        fit_scaling(src, detect_modality(src))
    assert "-unscale" in err.value.fix


def test_stated_scale_giving_no_reflectance_is_not_used(tmp_path):
    """A scale that would give reflectance far above 1 (a unit mistake) is ignored: the values decide as before."""
    p = write_raster(str(tmp_path / "s2.tif"), np.full((13, 30, 30), 2500, np.uint16), descriptions=S2_NAMES)
    src = open_raster(_with_scale_offset(p, [0.01] * 13, [0.0] * 13))
    sc = fit_scaling(src, detect_modality(src))
    assert "metadata" not in sc.note and "10000" in sc.note


def test_sar_db_stored_as_scaled_integers(tmp_path):
    """σ0 in hundredths of a dB (int16, scale 0.01) is read as dB, not taken for linear intensity."""
    rng = np.random.default_rng(1)
    db = rng.uniform(-25, -5, (2, 40, 40))
    p = write_raster(str(tmp_path / "s1.tif"), np.round(db * 100).astype(np.int16), descriptions=["VV", "VH"])
    src = open_raster(_with_scale_offset(p, [0.01, 0.01], [0.0, 0.0]))
    sc = fit_scaling(src, detect_modality(src))
    assert not sc.to_db and "metadata" in sc.note
    np.testing.assert_allclose(sc.apply(np.array([-1234], np.int16)), [-12.34], rtol=1e-5)


def test_dsm_in_centimetres_with_a_stated_scale(tmp_path):
    p = write_raster(str(tmp_path / "dsm.tif"), np.full((1, 30, 30), 12345, np.int32), descriptions=["DSM"])
    src = open_raster(_with_scale_offset(p, [0.01], [0.0]))
    sc = fit_scaling(src, resolve_modality(src, "dsm"))
    np.testing.assert_allclose(sc.apply(np.array([12345], np.int32)), [123.45], rtol=1e-6)
    assert "metres" in sc.note


def test_float_reflectance_in_percent_is_divided_by_100(tmp_path):
    """The Beirut sample as float reflectance in percent (0-100): read as percent, and the same classes as the DN file
    (read as DN / 10000 it was 100 % water)."""
    from conftest import SAMPLE_S2
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    with rasterio.open(SAMPLE_S2) as src:
        data, prof, desc = src.read(), src.profile, src.descriptions
    path = write_raster(str(tmp_path / "percent.tif"), (data / 100.0).astype(np.float32), crs=prof["crs"],
                        transform=prof["transform"], descriptions=desc)
    sc = fit_scaling(open_raster(path), resolve_modality(open_raster(path)))
    assert sc.scale == pytest.approx(0.01) and "percent" in sc.note and sc.reflectance
    out = {}
    for name, p in (("percent", path), ("dn", SAMPLE_S2)):
        res = extract_landcover(ExtractRequest(input=p, prompt="water and vegetation", output_raster=str(tmp_path / f"{name}_classes.tif")))
        out[name] = res.areas_m2
    assert out["percent"]["water"] == pytest.approx(out["dn"]["water"], rel=0.05, abs=1000)
    assert out["percent"]["vegetation"] == pytest.approx(out["dn"]["vegetation"], rel=0.02)


@pytest.mark.parametrize("unit, offset", [("kelvin", 273.15), ("celsius", 0.0)])
def test_float_landsat_stack_with_thermal_is_read_as_reflectance(tmp_path, unit, offset):
    """The Landsat 7 crop as float reflectance (0-1) with its thermal band in kelvin or degrees Celsius: the thermal
    values (about 300 or 25) no longer decide the scaling (they made it DN / 10000 or percent)."""
    src = shared("landsat8", "LE70220491999322EDC01_stack.tif")
    with rasterio.open(src) as s:
        data, prof, desc = s.read().astype(np.float32), s.profile, s.descriptions
    data[:6] /= 10000
    data[6] = 25.0 + offset + np.random.default_rng(0).normal(0, 3, data[6].shape)
    prof.update(dtype="float32")
    path = str(tmp_path / f"LE07_float_{unit}.tif")
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(data)
        dst.descriptions = desc
    r = open_raster(path)
    m = resolve_modality(r)
    assert "thermal" in m.roles and fit_scaling(r, m).note == "values already reflectance (0–1)"


def test_undescribed_rgbn_stack_of_landsat_collection2_bands(tmp_path):
    """B, G, R, NIR of Collection 2 Level-2 DN without descriptions (a virtual raster of SR_B2-SR_B5) was divided by its
    98th percentile, the 7273 DN offset flattening every index (vegetation IoU with the 13-band run 0.01); now it reads
    as reflectance, and reflectance x 10000 or 16-bit photos keep their scaling."""
    from conftest import SAMPLE_S2
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    with rasterio.open(SAMPLE_S2) as ds:
        refl = ds.read([2, 3, 4, 8]).astype(np.float64) / 10000
    c2 = write_raster(str(tmp_path / "c2_bgrn.tif"), np.round((refl + 0.2) / 2.75e-5).astype(np.uint16))
    src = open_raster(c2)
    sc = fit_scaling(src, detect_modality(src))
    assert (sc.scale, sc.offset) == (2.75e-05, -0.2) and "Collection 2" in sc.note
    np.testing.assert_allclose(sc.apply(np.array([7273, 25455], np.uint16)), [0.0, 0.5], atol=1e-4)
    got = extract_landcover(ExtractRequest(input=c2, prompt="vegetation", output_raster=str(tmp_path / "v.tif"), engine="spectral"))
    ref = extract_landcover(ExtractRequest(input=SAMPLE_S2, prompt="vegetation", output_raster=str(tmp_path / "r.tif"), engine="spectral"))
    a, b = (rasterio.open(r.output_raster).read(1) == 1 for r in (got, ref))
    assert b.any() and (a & b).sum() / (a | b).sum() > 0.9
    for name, data in (("x10000.tif", np.round(refl * 10000)), ("photo16.tif", np.clip(refl * 65535 * 3, 0, 65535))):
        other = open_raster(write_raster(str(tmp_path / name), data.astype(np.uint16)))
        assert "Collection 2" not in fit_scaling(other, detect_modality(other)).note, name


def test_undescribed_stack_named_as_a_sentinel2_product(tmp_path):
    """B, G, R, NIR without descriptions but named as a 2023 L2A product: DN / 10000 less the 1000 DN offset (it was
    divided by its 98th percentile with the offset left in); the same file named plainly keeps the plain scaling."""
    from conftest import SAMPLE_S2
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    with rasterio.open(SAMPLE_S2) as ds:
        dn = (ds.read([2, 3, 4, 8]).astype(np.int32) + 1000).astype(np.uint16)
    named = write_raster(str(tmp_path / "S2B_MSIL2A_20230612T081609_N0509_R121_T36SYC_20230612T100000_10m.tif"), dn)
    src = open_raster(named)
    sc = fit_scaling(src, detect_modality(src))
    assert sc.scale == 1e-4 and sc.offset == pytest.approx(-0.1) and "Sentinel-2 product" in sc.note
    got = extract_landcover(ExtractRequest(input=named, prompt="vegetation", output_raster=str(tmp_path / "v.tif"), engine="spectral"))
    ref = extract_landcover(ExtractRequest(input=SAMPLE_S2, prompt="vegetation", output_raster=str(tmp_path / "r.tif"), engine="spectral"))
    a, b = (rasterio.open(r.output_raster).read(1) == 1 for r in (got, ref))
    assert b.any() and (a & b).sum() / (a | b).sum() > 0.9
    plain = open_raster(write_raster(str(tmp_path / "stack.tif"), dn))
    note = fit_scaling(plain, detect_modality(plain)).note
    assert "98th percentile" in note and "the file is named as a Sentinel-2 product" not in note
    # the values alone cannot prove the offset: the analyst is told what to do (and nothing when dark pixels exist)
    assert "caution" in note and "1000 DN offset is still in the values" in note and "B02, B03, B04, B08" in note
    no_offset = open_raster(write_raster(str(tmp_path / "stack0.tif"), (dn.astype(np.int32) - 1000).astype(np.uint16)))
    assert "caution" not in fit_scaling(no_offset, detect_modality(no_offset)).note


@pytest.mark.parametrize("kind, names", [("amplitude", ("Amplitude_VV", "Amplitude_VH")),
                                         ("intensity", ("Intensity_VV", "Intensity_VH")), ("amplitude", ("VV", "VH"))])
def test_float_sar_dn_is_not_read_as_sigma0(tmp_path, kind, names):
    """SNAP's uncalibrated Amplitude_VV / Intensity_VV (float) were read as linear σ0: +17 to +44 dB over water, no water
    at 'high' confidence. They are DN: amplitude ≈ 470·√σ0, intensity its square."""
    import os

    from conftest import ROOT

    with rasterio.open(os.path.join(ROOT, "tests", "data", "sen1floods11_s1_crop.tif")) as ds:
        db = ds.read().astype(np.float64)
    amp = 470.0 * np.sqrt(10 ** (db / 10))
    dn = (amp if kind == "amplitude" else amp ** 2).astype(np.float32)
    path = write_raster(str(tmp_path / "snap.tif"), dn, descriptions=names)
    src = open_raster(path)
    m = detect_modality(src)
    sc = fit_scaling(src, m)
    assert m.name == "sar" and f"read as {kind} DN" in sc.note
    vals, ok = sc.measured(src.read())
    np.testing.assert_allclose(vals[:, ok], db[:, ok], atol=0.1)  # 20·log10(470) = 53.44


def test_an_undeclared_fill_far_below_zero_reflectance_is_no_measurement(tmp_path):
    """MODIS -28672 (or -9999 of Landsat Collection 1 SR and HLS) written without a nodata tag read as reflectance -2.9
    and was classed as water at 96 % confidence; slightly negative surface reflectance stays a measurement."""
    data = np.full((7, 20, 20), 1500, np.int16)
    data[:, :5] = -28672
    data[:, 5:7] = -150  # -0.015: over-corrected dark water
    src = open_raster(write_raster(str(tmp_path / "MOD09A1.A2023161.h17v04.061.tif"), data))
    m = detect_modality(src)
    sc = fit_scaling(src, m)
    _, ok = sc.measured(src.read())
    assert m.name == "modis" and not ok[:5].any() and ok[5:].all()
