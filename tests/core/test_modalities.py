"""Modality detection from descriptions and band counts, on generated and real (shared) rasters; overrides."""
from __future__ import annotations

import os
import rasterio

import numpy as np
import pytest

from conftest import GDAL_S2_10_20M, ROOT, S2_NAMES, band_files_vrt, shared, write_raster, write_rgba
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.modalities import detect_modality, from_preset, resolve_modality
from terraprompt.plugin.core.raster import open_raster


def _src(tmp_path, bands, dtype=np.uint16, descriptions=None, name="r.tif", value=1000):
    data = np.full((bands, 20, 20), value, dtype=dtype)
    return open_raster(write_raster(str(tmp_path / name), data, descriptions=descriptions))


def test_s2_descriptions(tmp_path):
    m = detect_modality(_src(tmp_path, 13, descriptions=S2_NAMES))
    assert m.name == "sentinel2_l1c"
    assert m.roles["blue"] == 2 and m.roles["nir"] == 8 and m.roles["nir08"] == 9
    assert m.roles["swir1"] == 12 and m.roles["swir2"] == 13 and m.roles["cirrus"] == 11
    assert m.family == "optical" and "band descriptions" in m.reason


def test_s2_l2a_12_bands_by_descriptions(tmp_path):
    names = [n for n in S2_NAMES if n != "B10"]
    m = detect_modality(_src(tmp_path, 12, descriptions=names))
    assert m.name == "sentinel2_l2a" and m.roles["swir1"] == 11 and m.roles["swir2"] == 12


@pytest.mark.parametrize("count,name", [(13, "sentinel2_l1c"), (12, "sentinel2_l2a"), (10, "sentinel2_10band"),
                                        (7, "landsat89"), (6, "landsat457"), (3, "rgb"), (4, "rgbn")])
def test_counts_without_descriptions(tmp_path, count, name):
    m = detect_modality(_src(tmp_path, count))
    assert m.name == name
    assert m.band_count == count
    assert max(m.roles.values()) <= count


def test_rgbn_descriptions_any_order(tmp_path):
    m = detect_modality(_src(tmp_path, 4, descriptions=["nir", "red", "green", "blue"]))
    assert m.name == "rgbn" and m.roles == {"nir": 1, "red": 2, "green": 3, "blue": 4}


def test_sar_and_dsm(tmp_path):
    m = detect_modality(_src(tmp_path, 2, np.float32, ["VV", "VH"], value=-12))
    assert m.name == "sar" and m.roles == {"vv": 1, "vh": 2} and m.family == "sar"
    m = detect_modality(_src(tmp_path, 1, np.float32, ["height"], name="h.tif"))
    assert m.name == "dsm" and m.roles == {"height": 1}
    m = detect_modality(_src(tmp_path, 1, np.float32, name="h2.tif", value=35.0))
    assert m.family == "height"
    m = detect_modality(_src(tmp_path, 1, np.float32, name="s.tif", value=-15.0))
    assert m.family == "sar"


def test_complex_is_sar(tmp_path):
    z = np.ones((1, 8, 8), np.complex64)
    m = detect_modality(open_raster(write_raster(str(tmp_path / "c.tif"), z)))
    assert m.name == "sar" and m.roles == {"vv": 1}


def test_nine_bands_without_descriptions_fails_clearly(tmp_path):
    src = _src(tmp_path, 9, name="nine.tif")
    with pytest.raises(ModalityError) as err:
        resolve_modality(src, "auto")
    msg = str(err.value)
    assert "nine.tif" in msg and "9 bands" in msg and "fits no modality" in msg
    assert "generic" in err.value.fix  # the fix names what to do


def test_overrides(tmp_path):
    src = _src(tmp_path, 13, descriptions=S2_NAMES)
    assert resolve_modality(src, "generic").roles == {f"band{i}": i for i in range(1, 14)}
    m = resolve_modality(src, "sentinel2_l1c")
    assert m.reason == "chosen by the analyst"
    src5 = _src(tmp_path, 5, name="five.tif")
    assert resolve_modality(src5, "rgbn").roles == {"red": 1, "green": 2, "blue": 3, "nir": 4}
    with pytest.raises(ModalityError, match="needs 13 bands"):
        from_preset("sentinel2_l1c", src5)
    with pytest.raises(ModalityError, match="Unknown modality"):
        resolve_modality(src5, "hyperspectral")
    with pytest.raises(ModalityError, match="1 to 4 bands"):
        resolve_modality(src5, "sar")
    with pytest.raises(ModalityError, match="expects 1 band"):
        resolve_modality(src5, "dsm")


# --- real rasters from ../shared/data -------------------------------------------------------------

def test_shared_oscd_13_band():
    src = open_raster(shared("oscd", "rennes", "rennes_t1.tif"))
    m = detect_modality(src)
    assert src.count == 13 and m.name == "sentinel2_l1c"
    assert (m.roles["green"], m.roles["red"], m.roles["nir"], m.roles["swir1"]) == (3, 4, 8, 12)


def test_shared_sen1floods11_s1_s2():
    s1 = open_raster(shared("sen1floods11", "Spain_7370579_top_S1Hand.tif"))
    m1 = detect_modality(s1)
    assert m1.name == "sar" and m1.roles == {"vv": 1, "vh": 2}
    s2 = open_raster(shared("sen1floods11", "Spain_7370579_top_S2Hand.tif"))
    m2 = detect_modality(s2)
    assert s2.count == 13 and s2.dtypes[0] == "int16" and s2.nodata == 0
    assert m2.name == "sentinel2_l1c" and m2.roles["swir1"] == 12 and m2.roles["nir"] == 8


def test_shared_landsat_etm_band_n_reflectance():
    src = open_raster(shared("landsat8", "LE70220491999322EDC01_stack.tif"))
    assert src.count == 8 and src.nodata == -9999
    m = detect_modality(src)
    assert m.name == "landsat457"
    # ETM+ numbering: file band 6 is 'band 7 reflectance' (SWIR2), band 7 is 'band 6 temperature'
    assert m.roles["blue"] == 1 and m.roles["nir"] == 4 and m.roles["swir1"] == 5
    assert m.roles["swir2"] == 6 and m.roles["thermal"] == 7 and 8 not in m.roles.values()


def test_shared_landsat_taizhou_uint8():
    src = open_raster(shared("landsat_taizhou", "taizhou_2000-03-17.tif"))
    m = detect_modality(src)
    assert src.count == 6 and src.dtypes[0] == "uint8"
    assert m.roles == {"blue": 1, "green": 2, "red": 3, "nir": 4, "swir1": 5, "swir2": 6}


@pytest.mark.parametrize("name, descs, modality, roles", [
    # Landsat 8/9 Collection 2 Level-2: SR_B5 is NIR, SR_B6 SWIR1 (OLI numbering)
    ("LC09_L2SP_195028_20230801.tif", ["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B6", "SR_B7"], "landsat89",
     {"coastal": 1, "blue": 2, "green": 3, "red": 4, "nir": 5, "swir1": 6, "swir2": 7}),
    # Landsat 4-7 Collection 2 Level-2: SR_B4 is NIR, SR_B5 SWIR1, ST_B6 thermal (TM numbering, no SR_B6)
    ("scene.tif", ["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B7", "ST_B6"], "landsat457",
     {"blue": 1, "green": 2, "red": 3, "nir": 4, "swir1": 5, "swir2": 6, "thermal": 7}),
])
def test_landsat_collection2_band_names(tmp_path, name, descs, modality, roles):
    """Collection 2 names were read as RGB only (SR_B2-4 matched the Sentinel-2 numbers, the NIR and SWIR were lost);
    the values are scaled as Collection 2 (2.75e-5, -0.2) even in a dark scene."""
    from terraprompt.plugin.core.scaling import fit_scaling

    refl = np.random.default_rng(0).uniform(0.01, 0.25, (len(descs), 40, 40))
    p = write_raster(str(tmp_path / name), ((refl + 0.2) / 2.75e-5).astype(np.uint16), descriptions=descs)
    src = open_raster(p)
    m = detect_modality(src)
    assert (m.name, m.roles) == (modality, roles)
    assert "Collection 2" in fit_scaling(src, m).note


def test_worldview_style_nir1_nir2_red_edge(tmp_path):
    descs = ["Coastal", "Blue", "Green", "Yellow", "Red", "Red Edge", "NIR1", "NIR2"]
    p = write_raster(str(tmp_path / "wv.tif"), np.full((8, 20, 20), 900, np.uint16), descriptions=descs)
    roles = detect_modality(open_raster(p)).roles
    assert roles["nir"] == 7 and roles["nir08"] == 8 and roles["rededge1"] == 6 and roles["red"] == 5


@pytest.mark.parametrize("descs", [
    ["Coastal", "Blue", "Green", "Yellow", "Red", "Red Edge", "NIR1", "NIR2"],  # WorldView-2/3
    ["coastal_blue", "blue", "green_i", "green", "yellow", "red", "rededge", "nir"],  # PlanetScope SuperDove
    ["Deep Blue", "Blue", "Green", "Red", "Red Edge", "NIR"],  # Pléiades Neo
    ["Blue", "Green", "Red", "Red Edge", "NIR"]])  # RapidEye
def test_vhr_multispectral_is_not_called_sentinel2(tmp_path, descs):
    """A yellow band names WorldView / PlanetScope imagery, one red-edge band without SWIR Pléiades Neo or RapidEye
    ('Deep Blue' is the coastal band, not blue): labelled so (it was 'Sentinel-2 (n bands)'), without the Sentinel-2
    scaling rules (baseline offset inference); 11-bit raw DN are scaled as uncalibrated, SR x 10000 as reflectance."""
    from terraprompt.plugin.core.scaling import fit_scaling

    rng = np.random.default_rng(0)
    raw = rng.integers(1000, 2000, (len(descs), 20, 20)).astype(np.uint16)  # 11-bit DN, all >= 1000 (no offset to infer)
    src = open_raster(write_raster(str(tmp_path / "raw.tif"), raw, descriptions=descs))
    m = detect_modality(src)
    assert m.name == "vhr_multispectral" and "Sentinel-2" not in m.label
    lower = [d.lower() for d in descs]
    assert m.band("blue") == lower.index("blue") + 1 and m.band("red") == lower.index("red") + 1
    if "yellow" in lower:
        assert m.band("yellow") == lower.index("yellow") + 1
    sc = fit_scaling(src, m)
    assert "not calibrated" in sc.note and "offset" not in sc.note
    sr = rng.integers(300, 4500, (len(descs), 20, 20)).astype(np.uint16)  # surface reflectance x 10000 (vegetation NIR)
    src = open_raster(write_raster(str(tmp_path / "sr.tif"), sr, descriptions=descs))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.note == "reflectance = DN / 10000"


def test_eight_band_vhr_extracts_water_and_vegetation(tmp_path):
    """End to end on an 8-band VHR raster (SR x 10000, 2 m): the RGB + NIR rules find the lake and the forest."""
    from rasterio.transform import from_origin

    from conftest import synthetic_s2
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    s2, water, veg = synthetic_s2(60, 90)
    vhr = s2[[0, 1, 2, 2, 3, 4, 7, 8]]  # coastal, blue, green, yellow (~green), red, red edge, NIR1, NIR2
    p = write_raster(str(tmp_path / "vhr.tif"), vhr, transform=from_origin(500000, 4500000, 2, 2),
                     descriptions=["Coastal", "Blue", "Green", "Yellow", "Red", "Red Edge", "NIR1", "NIR2"])
    out = str(tmp_path / "lc.tif")
    r = extract_landcover(ExtractRequest(input=p, prompt="water and vegetation", output_raster=out))
    import rasterio

    cls = rasterio.open(out).read(1)
    assert "Multispectral VHR" in r.explanation
    assert (cls[water] == 1).mean() > 0.9 and (cls[veg] == 2).mean() > 0.9


@pytest.mark.parametrize("dtype", ["uint16", "uint8"])
def test_four_undescribed_bands_order_from_the_spread_of_blue(tmp_path, dtype):
    """A Sentinel-2 10 m stack (B, G, R, NIR) and the same bands as R, G, B, NIR: blue varies less than red."""
    import rasterio

    from conftest import SAMPLE_S2

    with rasterio.open(SAMPLE_S2) as ds:
        bgrn = ds.read([2, 3, 4, 8]).astype(np.float64)
    if dtype == "uint8":
        bgrn = np.clip(bgrn / 10000 * 255 * 3, 0, 255)  # one scale for all bands, as 8-bit exports do
    for order, idx in (("bgrn", [0, 1, 2, 3]), ("rgbn", [2, 1, 0, 3])):
        m = detect_modality(open_raster(write_raster(str(tmp_path / f"{order}.tif"), bgrn[idx].astype(dtype))))
        assert m.name == "rgbn" and m.roles["nir"] == 4
        assert (m.roles["blue"], m.roles["red"]) == ((1, 3) if order == "bgrn" else (3, 1)), (order, m.reason)
        assert "spread ratio" in m.reason


def test_five_undescribed_bands_rapideye_and_micasense_orders(tmp_path):
    """Five undescribed bands were refused ('fits no modality'); now blue, green, red and the red edge / NIR pair in
    either order (RapidEye: RE then NIR; MicaSense stacks: NIR then RE; told by the brighter band), and vegetation from
    the MicaSense-style float reflectance file agrees with the 13-band run."""
    import rasterio

    from conftest import SAMPLE_S2
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    with rasterio.open(SAMPLE_S2) as ds:
        five = ds.read([2, 3, 4, 5, 8])
    for name, idx, nir in (("rapideye", [0, 1, 2, 3, 4], 5), ("micasense", [0, 1, 2, 4, 3], 4)):
        m = detect_modality(open_raster(write_raster(str(tmp_path / f"{name}.tif"), five[idx])))
        assert m.name == "multispectral5" and m.roles["nir"] == nir and m.roles["rededge1"] == 9 - nir, (name, m.reason)
        assert (m.roles["blue"], m.roles["green"], m.roles["red"]) == (1, 2, 3)
    drone = write_raster(str(tmp_path / "micasense_reflectance.tif"), (five[[0, 1, 2, 4, 3]] / 10000).astype(np.float32))
    got = extract_landcover(ExtractRequest(input=drone, prompt="vegetation", output_raster=str(tmp_path / "v5.tif"),
                                           engine="spectral"))
    ref = extract_landcover(ExtractRequest(input=SAMPLE_S2, prompt="vegetation", output_raster=str(tmp_path / "v13.tif"),
                                           engine="spectral"))
    a, b = (rasterio.open(r.output_raster).read(1) == 1 for r in (got, ref))
    assert "5-band multispectral" in got.explanation and b.any()
    assert (a & b).sum() / (a | b).sum() > 0.8


def test_four_bands_that_vary_alike_keep_the_rgbn_default(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.integers(0, 255, (4, 40, 40)).astype(np.uint8)  # per-band stretched: no spread difference
    m = detect_modality(open_raster(write_raster(str(tmp_path / "flat.tif"), data)))
    assert (m.roles["red"], m.roles["blue"]) == (1, 3) and "assumed R, G, B, NIR order" in m.reason


def test_sentinel1_grd_amplitude_file_is_sar_not_a_dsm(tmp_path):
    """A raw GRD measurement file: one uint16 band of amplitude DN, the polarisation only in its name."""
    import os

    import rasterio

    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
    from terraprompt.plugin.core.scaling import S1_AMPLITUDE_DB

    crop = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "sen1floods11_s1_crop.tif")
    with rasterio.open(crop) as ds:
        vv_db, profile = ds.read(1), ds.profile
    dn = np.where(np.isfinite(vv_db), np.round(10 ** ((vv_db + S1_AMPLITUDE_DB) / 20)), 0).astype(np.uint16)
    grd = str(tmp_path / "s1a-iw-grd-vv-20190920t061553-crop.tiff")
    profile.update(count=1, dtype="uint16", nodata=0)
    with rasterio.open(grd, "w", **profile) as out:
        out.write(dn, 1)
    m = detect_modality(open_raster(grd))
    assert m.name == "sar" and m.roles == {"vv": 1} and "polarisation 'VV'" in m.reason
    ref = write_raster(str(tmp_path / "vv_db.tif"), vv_db[None], crs=profile["crs"], transform=profile["transform"],
                       descriptions=["VV"])
    a = extract_landcover(ExtractRequest(input=grd, prompt="water", output_raster=str(tmp_path / "a.tif"), engine="spectral"))
    b = extract_landcover(ExtractRequest(input=ref, prompt="water", output_raster=str(tmp_path / "b.tif"), engine="spectral"))
    assert "amplitude DN" in a.explanation
    with rasterio.open(a.output_raster) as da, rasterio.open(b.output_raster) as db:
        wa, wb = da.read(1) == 1, db.read(1) == 1
    assert wb.sum() > 100 and (wa & wb).sum() / (wa | wb).sum() > 0.95, "amplitude DN give the water of the dB values"


def test_two_integer_bands_named_by_polarisations_in_the_file_name(tmp_path):
    m = detect_modality(_src(tmp_path, 2, name="s1b_grd_vv_vh_20200101.tif", value=300))
    assert m.name == "sar" and m.roles == {"vv": 1, "vh": 2}
    with pytest.raises(ModalityError):
        detect_modality(_src(tmp_path, 2, name="two_bands.tif", value=300))


def test_three_undescribed_bands_order(tmp_path):
    """Sentinel-2 B2, B3, B4 stacked in band order (uint16) is B, G, R; 8-bit photos stay R, G, B whatever their spread."""
    import rasterio

    from conftest import SAMPLE_S2

    with rasterio.open(SAMPLE_S2) as ds:
        bgr = ds.read([2, 3, 4])
    m = detect_modality(open_raster(write_raster(str(tmp_path / "bgr.tif"), bgr)))
    assert m.name == "rgb" and (m.roles["blue"], m.roles["red"]) == (1, 3) and "B, G, R order" in m.reason
    m = detect_modality(open_raster(write_raster(str(tmp_path / "rgb.tif"), bgr[::-1].copy())))
    assert (m.roles["red"], m.roles["blue"]) == (1, 3)
    m = detect_modality(open_raster(write_raster(str(tmp_path / "bgr8.tif"), np.clip(bgr / 40, 0, 255).astype(np.uint8))))
    assert (m.roles["red"], m.roles["blue"]) == (1, 3) and "8-bit" in m.reason


def test_unsigned_16_bit_single_band_is_panchromatic_not_a_dsm(tmp_path):
    """WorldView/Pléiades pan images store 11-12 bit DN in uint16; read as metres, every pixel was a 'building'."""
    m = detect_modality(_src(tmp_path, 1, np.uint16, name="scene.tif", value=540))
    assert m.name == "generic" and "panchromatic" in m.label and m.family == "generic"
    assert "choose the 'dsm' modality" in m.reason
    assert detect_modality(_src(tmp_path, 1, np.int16, name="srtm_38_03.tif", value=540)).family == "height"
    assert detect_modality(_src(tmp_path, 1, np.float32, name="f.tif", value=35.0)).family == "height"


@pytest.mark.parametrize("name,dtype,family", [
    ("city_dsm_2020.tif", np.uint16, "height"), ("lidar50cm.tif", np.uint16, "height"), ("dom1_32_691_5334.tif", np.uint16, "height"),
    ("Copernicus_DSM_COG_10_N45_00_E006_00_DEM.tif", np.uint16, "height"), ("nDSM.tif", np.uint16, "height"),
    ("WV3_pan_ortho.tif", np.float32, "generic"), ("pleiades-PAN.tif", np.int16, "generic"),
    ("panorama_2020.tif", np.int16, "height"), ("tandem.tif", np.uint16, "generic"), ("flat_ndsm.tif", np.float32, "height")])
def test_single_band_file_names_say_height_or_pan(tmp_path, name, dtype, family):
    m = detect_modality(_src(tmp_path, 1, dtype, name=name, value=0.2 if name.startswith("flat") else 300))
    assert m.family == family, (name, m.reason)
    if family != detect_modality(_src(tmp_path, 1, dtype, name="x" + name[-4:], value=0.2 if name.startswith("flat") else 300)).family:
        assert "file name says" in m.reason


def test_single_band_unit_metres_is_a_dsm_and_feet_become_metres(tmp_path):
    import rasterio

    from terraprompt.plugin.core.scaling import fit_scaling

    for unit in ("m", "ft"):
        p = write_raster(str(tmp_path / f"u_{unit}.tif"), np.full((1, 20, 20), 300, np.uint16))
        with rasterio.open(p, "r+") as ds:
            ds.units = (unit,)
        src = open_raster(p)
        m = detect_modality(src)
        assert m.family == "height" and f"unit is '{unit}'" in m.reason
        sc = fit_scaling(src, m)
        assert sc.scale == pytest.approx(1.0 if unit == "m" else 0.3048)


def test_shared_atlanta_panchromatic_tile(tmp_path):
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    path = shared("buildings", "atl_r0c0_image.tif")
    m = detect_modality(open_raster(path))
    assert m.family == "generic" and "panchromatic" in m.label
    assert m.roles == {"pan": 1}
    # was: 99.9 % of the tile 'buildings' (DN read as metres); then refused; now the building head reads the band as grey
    res = extract_landcover(ExtractRequest(input=path, prompt="buildings", output_raster=str(tmp_path / "b.tif")))
    assert "building head log-odds (panchromatic)" in res.explanation
    assert 0.02 < res.areas_m2["buildings"] / res.valid_area_m2 < 0.4


def test_rgba_orthophoto_is_rgb_not_rgbn(tmp_path):
    """A real RGB crop with an alpha band: the alpha is no NIR band (it would make every pixel 'vegetation')."""
    import rasterio

    with rasterio.open(os.path.join(ROOT, "tests", "data", "rio_buildings_crop_image.tif")) as ds:
        data, crs, tr = ds.read(), ds.crs, ds.transform
    alpha = np.full(data.shape[1:], 255, np.uint8)
    alpha[:, :20] = 0
    m = detect_modality(open_raster(write_rgba(str(tmp_path / "ortho.tif"), data, alpha, crs=crs, transform=tr)))
    assert m.name == "rgb" and m.roles == {"red": 1, "green": 2, "blue": 3}


def test_gdal_sentinel2_driver_descriptions_and_order(tmp_path):
    """'B4, central wavelength 665 nm' (GDAL's SENTINEL2 driver, and COGs translated from it), red first: the roles follow
    the descriptions (they were unmatched, and 10 bands were then read in B2..B12 order, red and blue swapped)."""
    import rasterio

    from conftest import SAMPLE_S2

    with rasterio.open(SAMPLE_S2) as ds:
        data = ds.read([b for b, _, _ in GDAL_S2_10_20M])
    descs = [f"{name}, central wavelength {nm} nm" for _, name, nm in GDAL_S2_10_20M]
    m = detect_modality(open_raster(write_raster(str(tmp_path / "s2.tif"), data, descriptions=descs)))
    assert m.name.startswith("sentinel2")
    assert {r: m.roles[r] for r in ("red", "green", "blue", "nir", "nir08", "swir1", "swir2")} == \
        {"red": 1, "green": 2, "blue": 3, "nir": 4, "nir08": 8, "swir1": 9, "swir2": 10}
    twenty = detect_modality(open_raster(write_raster(str(tmp_path / "s2_20m.tif"), data[4:],
                                                      descriptions=[f"{n} ({nm} nm)" for _, n, nm in GDAL_S2_10_20M[4:]])))
    assert twenty.roles["nir"] == twenty.roles["nir08"] == 4 and twenty.roles["swir2"] == 6  # B8A stands in for NIR


@pytest.mark.parametrize("descs", [["Sigma0_VH_db", "Sigma0_VV_db"], ["Gamma0_VH_db", "Gamma0_VV_db"], ["Amplitude_VH", "Amplitude_VV"]])
def test_snap_sar_band_names(tmp_path, descs):
    """SNAP's band names decide the polarisations (VH first here: the band-count default would say VV, VH)."""
    data = np.random.default_rng(0).normal(-12, 3, (2, 30, 30)).astype(np.float32)
    m = detect_modality(open_raster(write_raster(str(tmp_path / "s1.tif"), data, descriptions=descs)))
    assert m.name == "sar" and m.roles == {"vh": 1, "vv": 2}


@pytest.mark.parametrize("names, preset", [
    (["B02", "B03", "B04", "B08"], "sentinel2_4band"),
    (["B02", "B03", "B04", "B08", "B11", "B12"], "sentinel2_l2a"),
    (["B4, central wavelength 665 nm", "B3, central wavelength 560 nm", "B2, central wavelength 490 nm",
      "B8, central wavelength 842 nm"], "sentinel2_4band"),
])
def test_sentinel2_band_subsets_are_sentinel2(tmp_path, names, preset):
    """Exports of a few Sentinel-2 bands keep their band names: they are Sentinel-2 (DN / 10000, baseline offset), not a
    generic 'RGB + NIR' (scaled by its 98th percentile) or 'Multispectral' stack (no offset)."""
    src = open_raster(write_raster(str(tmp_path / "subset.tif"), np.full((len(names), 20, 20), 2500, np.uint16),
                                   descriptions=names))
    m = detect_modality(src)
    assert m.name == preset and "Sentinel-2" in m.label
    assert m.scaling["kind"] == "reflectance"


def test_one_digit_band_names_stay_ambiguous(tmp_path):
    """'B4' is red on Sentinel-2 but NIR on Landsat TM/ETM+: one-digit names alone do not make a Sentinel-2 file."""
    src = open_raster(write_raster(str(tmp_path / "b.tif"), np.full((4, 20, 20), 2500, np.uint16),
                                   descriptions=["B2", "B3", "B4", "B8"]))
    assert detect_modality(src).name == "rgbn"


@pytest.mark.parametrize("descs, order", [(["B2", "B1", "B0", "B3"], ("red", "green", "blue", "nir")),
                                          (["B0", "B1", "B2"], ("blue", "green", "red"))])
def test_spot_pleiades_band_ids(tmp_path, descs, order):
    """SPOT 6/7 and Pléiades number their bands B0 blue, B1 green, B2 red, B3 NIR (DIMAP files come in B2, B1, B0, B3
    order): a band named B0 says so; read with Sentinel-2 numbering B1 was 'coastal' and B0 nothing."""
    rng = np.random.default_rng(1)
    data = rng.integers(200, 3000, (len(descs), 20, 20)).astype(np.uint16)
    m = detect_modality(open_raster(write_raster(str(tmp_path / "pleiades.tif"), data, descriptions=descs)))
    assert {r: m.band(r) for r in order} == {r: i for i, r in enumerate(order, start=1)}
    assert "coastal" not in m.roles and not m.name.startswith("sentinel2")


LANDSAT_BARE = [
    ("LC08_L1TP_044034_20200101.tif", ["B1", "B2", "B3", "B4", "B5", "B6", "B7"], "landsat89",
     {"coastal": 1, "blue": 2, "red": 4, "nir": 5, "swir1": 6, "swir2": 7}),
    ("LE07_L2SP_scene.tif", ["B1", "B2", "B3", "B4", "B5", "B6", "B7"], "landsat457",
     {"blue": 1, "red": 3, "nir": 4, "swir1": 5, "thermal": 6, "swir2": 7}),
    ("HLS.L30.T10SEG.2020001.v2.0.tif", ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "Fmask"], "landsat89",
     {"blue": 2, "red": 4, "nir": 5, "swir1": 6, "swir2": 7}),
    ("export.tif", ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B10", "B11"], "landsat89",
     {"blue": 2, "red": 4, "nir": 5, "swir1": 6, "swir2": 7, "thermal": 8}),
]


@pytest.mark.parametrize("name, descs, modality, roles", LANDSAT_BARE)
def test_bare_landsat_band_numbers(tmp_path, name, descs, modality, roles):
    """Google Earth Engine and HLS L30 name Landsat bands 'B1'...'B11' / 'B01'...: read with Sentinel-2 numbering B5 was
    a red-edge band and NIR was missing; the file name (or B10 + B11 without B12) says Landsat."""
    m = detect_modality(_src(tmp_path, len(descs), descriptions=descs, name=name))
    assert m.name == modality and "Landsat" in m.reason
    assert {r: m.band(r) for r in roles} == roles
    assert not {"rededge1", "cirrus"} & set(m.roles)


@pytest.mark.parametrize("descs", [S2_NAMES, ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B10", "B11", "B12"]])
def test_sentinel2_numbers_stay_sentinel2_in_a_landsat_like_count(tmp_path, descs):
    """Earth Engine's Sentinel-2 names ('B1' ... 'B12' with B8A) are not taken for Landsat: B12 and B8A exist only there."""
    m = detect_modality(_src(tmp_path, len(descs), descriptions=descs, name="export.tif"))
    assert m.name == "sentinel2_l1c" and m.band("rededge1") == 5 and m.band("swir1") == 12


@pytest.mark.parametrize("name, descs", [
    ("stack.tif", [f"sur_refl_b0{i}" for i in range(1, 8)]),
    ("mcd.tif", [f"Nadir_Reflectance_Band{i}" for i in range(1, 8)]),
    ("MOD09A1.A2020001.h17v04.061.tif", None),
])
def test_modis_bands(tmp_path, name, descs):
    """MODIS numbers bands 1 red, 2 NIR, 3 blue, 4 green, 6 SWIR1, 7 SWIR2: by count alone 7 bands read as Landsat 8 (red as
    coastal); MODIS band names or a MOD*/MYD*/MCD* file name say otherwise."""
    m = detect_modality(_src(tmp_path, 7, descriptions=descs, name=name))
    assert m.name == "modis" and "MODIS" in m.reason
    assert {r: m.band(r) for r in ("red", "nir", "blue", "green", "swir1", "swir2")} == {
        "red": 1, "nir": 2, "blue": 3, "green": 4, "swir1": 6, "swir2": 7}
    assert m.scaling["kind"] == "reflectance"


@pytest.mark.parametrize("name, order, descs", [
    ("MOD09A1_flood.tif", [4, 9, 2, 3, 9, 12, 13], [""] * 7),
    ("export.tif", [1, 2, 3, 4, 9, 12, 13, 13, 13], ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B10", "B11"]),
])
def test_real_flood_chip_in_modis_and_landsat_band_order_finds_the_water(tmp_path, name, order, descs):
    """The Sen1Floods11 flood chip's bands re-stacked in MODIS / Earth Engine Landsat 8 order: the water against the hand
    label is as good as from the Sentinel-2 file (0.81 vs 0.83 spectral), where the wrong numbering lost NIR and SWIR."""
    import rasterio

    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    with rasterio.open(shared("sen1floods11", "Spain_7370579_top_S2Hand.tif")) as ds:
        data, crs, transform = ds.read(), ds.crs, ds.transform
    with rasterio.open(shared("sen1floods11", "Spain_7370579_top_LabelHand.tif")) as ds:
        label = ds.read(1)
    path = write_raster(str(tmp_path / name), data[[i - 1 for i in order]], crs=crs, transform=transform,
                        descriptions=[d for d in descs] if any(descs) else None)
    out = str(tmp_path / "water.tif")
    res = extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=out, engine="spectral"))
    with rasterio.open(out) as ds:
        water = ds.read(1) == 1
    ok, truth = label >= 0, label == 1
    iou = (water & truth & ok).sum() / ((water | truth) & ok).sum()
    assert res.modality in ("modis", "landsat89") and iou > 0.75, (res.modality, iou)


@pytest.mark.parametrize("descs, quality", [
    (["B02", "B03", "B04", "B08", "B11", "B12", "SCL"], "b7 SCL"),
    (["SR_B1", "SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B6", "SR_B7", "QA_PIXEL"], "b8 QA_PIXEL"),
    (["CoastalAerosol", "Blue", "Green", "Red", "NIR", "SWIR1", "SWIR2", "QA_Fmask"], "b8 QA_Fmask"),
])
def test_quality_bands_are_named_and_left_out(tmp_path, descs, quality):
    """A stack's quality / cloud-mask band (Sen2Cor SCL, Landsat QA_PIXEL, HLS Fmask) is no role and the analyst is told
    it was left out."""
    m = detect_modality(_src(tmp_path, len(descs), descriptions=descs))
    assert len(descs) not in m.roles.values()
    assert f"quality band(s) {quality} left out" in m.reason


def _band_files_vrt(tmp_path, names, data, vrt="stack.vrt"):
    return band_files_vrt(str(tmp_path), names, list(data), vrt)


def test_vrt_of_sentinel2_band_files_takes_band_names_and_offset_from_them(tmp_path):
    """A VRT of T36SYC_20230612T081609_B02_10m ... B08 files (baseline 04.00: 1000 DN offset) was an undescribed
    RGB+NIR stack divided by its 98th percentile (vegetation IoU with the 13-band run 0.30 on OSCD-like data); the
    source file names give the bands and the sensing date gives the offset."""
    import rasterio

    from conftest import SAMPLE_S2
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
    from terraprompt.plugin.core.scaling import fit_scaling

    with rasterio.open(SAMPLE_S2) as ds:
        dn = (ds.read([2, 3, 4, 8]).astype(np.int32) + 1000).astype(np.uint16)
    names = [f"T36SYC_20230612T081609_{b}_10m.tif" for b in ("B02", "B03", "B04", "B08")]
    vrt = _band_files_vrt(tmp_path, names, dn)
    src = open_raster(vrt)
    assert src.band_sources == tuple(names) and src.descriptions == ("B02", "B03", "B04", "B08")
    m = detect_modality(src)
    assert m.family != "generic" and (m.roles["blue"], m.roles["nir"]) == (1, 4) and "source file names" in m.reason
    assert fit_scaling(src, m).offset == pytest.approx(-0.1)
    got = extract_landcover(ExtractRequest(input=vrt, prompt="vegetation", output_raster=str(tmp_path / "v.tif"), engine="spectral"))
    ref = extract_landcover(ExtractRequest(input=SAMPLE_S2, prompt="vegetation", output_raster=str(tmp_path / "r.tif"), engine="spectral"))
    a, b = (rasterio.open(r.output_raster).read(1) == 1 for r in (got, ref))
    assert b.any() and (a & b).sum() / (a | b).sum() > 0.9
    plain = open_raster(_band_files_vrt(tmp_path, ["one.tif", "two.tif", "three.tif", "four.tif"], dn, "plain.vrt"))
    assert plain.descriptions == ("", "", "", "") and plain.band_sources[0] == "one.tif"


@pytest.mark.parametrize("sensor, names, modality", [
    ("LC09", ("SR_B2", "SR_B3", "SR_B4", "SR_B5"), "landsat89"),
    ("LE07", ("SR_B1", "SR_B2", "SR_B3", "SR_B4"), "landsat457"),
])
def test_vrt_of_landsat_collection2_band_files(tmp_path, sensor, names, modality):
    """Landsat Collection 2 band files stacked in a VRT: roles by the sensor's numbering (SR_B5 is NIR on OLI, SWIR1 on
    ETM+), Collection 2 scaling."""
    from terraprompt.plugin.core.scaling import fit_scaling

    dn = np.full((4, 60, 60), 12000, np.uint16)
    files = [f"{sensor}_L2SP_174037_20230601_20230607_02_T1_{n}.TIF" for n in names]
    src = open_raster(_band_files_vrt(tmp_path, files, dn))
    m = detect_modality(src)
    assert m.name == modality and (m.roles["blue"], m.roles["red"], m.roles["nir"]) == (1, 3, 4), m.reason
    assert (fit_scaling(src, m).scale, fit_scaling(src, m).offset) == (2.75e-05, -0.2)


def test_vrt_of_sentinel1_polarisation_files_is_sar(tmp_path):
    """A VRT of a VV and a VH measurement file (names as the SAFE or ASF RTC products write them) is SAR, VV then VH;
    band names are read from Landsat product files only as SR_/ST_ names (a Collection 1 '_B10.TIF' is not S2's B10)."""
    from terraprompt.plugin.core.raster import band_name_in_file_name

    db = np.stack([np.full((60, 60), -12.0), np.full((60, 60), -19.0)]).astype(np.float32)
    names = ["s1a-iw-grd-vv-20230101t052012-20230101t052037-046583-0595a4-001.tiff",
             "S1A_IW_20230101T052012_DVP_RTC30_G_gpuned_5B4C_VH.tif"]
    m = detect_modality(open_raster(_band_files_vrt(tmp_path, names, db)))
    assert m.family == "sar" and (m.roles["vv"], m.roles["vh"]) == (1, 2), m.reason
    assert band_name_in_file_name("LC08_L1TP_022049_20200101_20200113_01_T1_B10.TIF") == ""
    assert band_name_in_file_name("LC08_L2SP_022049_20200101_20200113_02_T1_ST_B10.TIF") == "ST_B10"


def test_a_preset_against_the_band_descriptions_is_cautioned(tmp_path):
    """MODALITY=rgb on a described Sentinel-2 file read coastal, blue and green as red, green and blue without a word
    (water 0 % at 'high' confidence); a preset the descriptions agree with has no caution."""
    path = write_raster(str(tmp_path / "s2.tif"), np.full((13, 8, 8), 1000, np.uint16), descriptions=S2_NAMES)
    src = open_raster(path)
    m = resolve_modality(src, "rgb")
    assert "caution: the band descriptions name other bands (red is band 4, read from band 1" in m.reason
    assert "caution" not in resolve_modality(src, "sentinel2_l1c").reason
    assert "caution" not in resolve_modality(src, "generic").reason


def test_collection2_names_that_fit_both_sensors_are_told_by_their_values(tmp_path):
    """SR_B2 ... SR_B5 without a sensor named (an Earth Engine export named 'export_rgbn.tif') were read the TM/ETM+ way
    on Landsat 9 data: blue as green, red as NIR, NIR as SWIR1 (vegetation 0 % at 'high' confidence). Where vegetation
    shows in NDVI read the OLI way it is Landsat 8/9, else Landsat 4-7."""
    with rasterio.open(os.path.join(ROOT, "tests", "data", "hls_chip294_image.tif")) as ds:
        refl = ds.read([2, 3, 4, 5, 6]).astype(np.float64) / 10000  # blue, green, red, NIR, SWIR1 of a real HLS chip
    dn = np.clip((refl + 0.2) / 2.75e-5, 1, 65535).astype(np.uint16)  # as Collection 2 Level-2 stores it
    oli = write_raster(str(tmp_path / "export_rgbn.tif"), dn[:4], descriptions=["SR_B2", "SR_B3", "SR_B4", "SR_B5"])
    m = detect_modality(open_raster(oli))
    assert m.name == "landsat89" and m.roles == {"blue": 1, "green": 2, "red": 3, "nir": 4}
    tm = write_raster(str(tmp_path / "export_tm.tif"), dn[1:], descriptions=["SR_B2", "SR_B3", "SR_B4", "SR_B5"])
    m = detect_modality(open_raster(tm))  # the same names on green, red, NIR, SWIR1: Landsat 4-7 numbering
    assert m.name == "landsat457" and m.roles == {"green": 1, "red": 2, "nir": 3, "swir1": 4}


def test_landsat8_collection1_sr_bands_are_named_landsat8(tmp_path):
    """sr_band1 ... sr_band7 of an LC08 Collection 1 product got OLI roles under the label 'Landsat TM/ETM+'."""
    names = [f"sr_band{i}" for i in range(1, 8)] + ["pixel_qa"]
    path = write_raster(str(tmp_path / "LC08_L1TP_198030_20190612_20190619_01_T1_sr.tif"),
                        np.full((8, 8, 8), 1000, np.int16), descriptions=names)
    m = detect_modality(open_raster(path))
    assert m.name == "landsat89" and m.roles["nir"] == 5 and m.roles["swir1"] == 6
