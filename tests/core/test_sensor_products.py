"""Commercial and other sensor products as delivered (probe 'sensors'): bare B1-B7 Landsat exports, undescribed 6-band
products, SuperDove's band order, WorldView's NIR2, stretched 8-bit display products, Planet's 'green_i', GDAL colour
interpretation and the refusals of undescribed bands."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio
from rasterio.enums import ColorInterp

from conftest import ROOT, shared, write_raster
from terraprompt.plugin.core.modalities import ChooseByHand, detect_modality, presets, resolve_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.scaling import fit_scaling


def _hls() -> np.ndarray:
    """Surface reflectance (0-1) of a real HLS L30 chip: coastal, blue, green, red, NIR, SWIR1, SWIR2."""
    with rasterio.open(os.path.join(ROOT, "tests", "data", "hls_chip294_image.tif")) as ds:
        return ds.read(list(range(1, 8))).astype(np.float64) / 10000


def _oscd(*bands: int) -> np.ndarray:
    """Sentinel-2 L1C DN of a 200 x 200 crop of OSCD Nantes (13 bands), the bands asked for (1-based)."""
    with rasterio.open(shared("oscd", "nantes", "nantes_t1.tif")) as ds:
        return ds.read(list(bands), window=((0, 200), (0, 200))).astype(np.float64)


def _u16(path, values: np.ndarray, descriptions=None) -> str:
    return write_raster(str(path), np.clip(np.round(values), 1, 65535).astype(np.uint16), descriptions=descriptions)


BARE = [f"B{i}" for i in range(1, 8)]


@pytest.mark.parametrize("dtype", ["int16", "float32"])
def test_bare_b1_b7_of_landsat_are_read_as_landsat_by_values(tmp_path, dtype):
    """An Earth Engine export of HLS L30 (int16, x 10000) or Landsat TOA (float) bands B1-B7, no sensor in its name, was
    read as Sentinel-2 (B5-B7 red edge, no NIR or SWIR: vegetation 30 % -> 14 %)."""
    refl = _hls()
    data = (refl * 10000).astype(np.int16) if dtype == "int16" else refl.astype(np.float32)
    m = detect_modality(open_raster(write_raster(str(tmp_path / "OUTPUT.tif"), data, descriptions=BARE)))
    assert m.name == "landsat89", m.describe()
    assert (m.roles["red"], m.roles["nir"], m.roles["swir1"], m.roles["swir2"]) == (4, 5, 6, 7)
    assert "B7 is darker than B5" in m.reason and "MODALITY" in m.reason


def test_bare_b1_b7_of_sentinel2_stay_sentinel2_with_a_caution(tmp_path):
    """Real Sentinel-2 B1-B7 (red edge brightening towards NIR) stay Sentinel-2, with a caution naming MODALITY."""
    m = detect_modality(open_raster(_u16(tmp_path / "OUTPUT.tif", _oscd(1, 2, 3, 4, 5, 6, 7), BARE)))
    assert m.name.startswith("sentinel2") and m.roles["rededge3"] == 7, m.describe()
    assert "caution" in m.reason and ("(Landsat 8/9: B5 NIR, B6 and B7 SWIR; Landsat 4-7: B4 NIR, B5 and B7 SWIR), set "
                                      "MODALITY to 'landsat89' or 'landsat457'") in m.reason, m.reason


def test_bare_tm_numbers_get_both_landsat_numberings(tmp_path):
    """ETM+ bands named B1-B5, B7 (no B6) were told 'B5 NIR, B6 and B7 SWIR', Landsat 8's numbering: both are said."""
    m = detect_modality(open_raster(_u16(tmp_path / "OUTPUT.tif", _oscd(1, 2, 3, 4, 5, 7), ["B1", "B2", "B3", "B4", "B5", "B7"])))
    assert m.name.startswith("sentinel2"), m.describe()
    assert "Landsat 4-7: B4 NIR, B5 and B7 SWIR" in m.reason and "(B5 NIR, B6 and B7 SWIR)" not in m.reason, m.reason


@pytest.mark.parametrize("bands, name", [(slice(0, 7), "landsat89"), (slice(1, 7), "landsat457")])
def test_undescribed_landsat_bands_without_vegetation_get_no_caution(tmp_path, bands, name):
    """A real HLS chip without vegetation (SWIR2 as bright as NIR over bare ground), written without descriptions, is read as
    Landsat by its band count; it was told its SWIR2 band was not darker than NIR, as if another sensor's."""
    with rasterio.open(shared("hls_water_chips", "images", "057_hls.tif")) as ds:
        data = ds.read()[bands]
    m = detect_modality(open_raster(write_raster(str(tmp_path / "chip.tif"), data)))
    assert m.name == name and "caution" not in m.reason, m.reason


def test_undescribed_six_bands_of_another_sensor_get_a_caution(tmp_path):
    """A Pléiades Neo-like product (deep blue, blue, green, red, red edge, NIR; no descriptions) was read as Landsat TM
    with no word (red edge as SWIR1, NIR as SWIR2: vegetation 0 %)."""
    m = detect_modality(open_raster(_u16(tmp_path / "neo.tif", _oscd(1, 2, 3, 4, 5, 8))))
    assert m.name == "landsat457"
    assert "caution" in m.reason and "band 6 (read as SWIR2)" in m.reason, m.reason


def test_undescribed_six_bands_that_show_vegetation_but_a_bright_swir2_are_refused(tmp_path):
    """Bands 3 and 4 show vegetation but band 6 is as bright as band 4 there: no Landsat band order; refused with the fix."""
    refl = _hls()[[1, 2, 3, 4, 5, 4]]  # NIR again where Landsat has SWIR2
    with pytest.raises(ChooseByHand) as err:
        detect_modality(open_raster(_u16(tmp_path / "six.tif", refl * 10000)))
    assert "values do not fit" in err.value.problem and "band descriptions" in err.value.fix


def test_undescribed_landsat_six_and_seven_bands_pass_the_check(tmp_path):
    """Real Landsat bands (TM order without coastal; OLI's seven) read by their count, without a caution."""
    refl = _hls()
    six = detect_modality(open_raster(_u16(tmp_path / "six.tif", refl[1:] * 10000)))
    seven = detect_modality(open_raster(_u16(tmp_path / "seven.tif", (refl + 0.2) / 2.75e-5)))
    assert (six.name, six.reason) == ("landsat457", "6 bands")
    assert (seven.name, seven.reason) == ("landsat89", "7 bands")


def test_superdove_preset_reads_superdove_order_and_vhr_label_names_worldview_only(tmp_path):
    """'vhr_multispectral' has WorldView's order, so its label must not name PlanetScope; 'superdove8' reads SuperDove's
    (green I left out, yellow band 5, red band 6, red edge band 7, NIR band 8)."""
    assert "PlanetScope" not in presets()["vhr_multispectral"]["label"]
    src = open_raster(_u16(tmp_path / "sd8.tif", np.full((8, 20, 20), 1000.0)))
    m = resolve_modality(src, "superdove8")
    assert m.roles == {"coastal": 1, "blue": 2, "green": 4, "yellow": 5, "red": 6, "rededge1": 7, "nir": 8}


def test_nir2_is_not_sentinel2_and_is_noted(tmp_path):
    """'Blue, Green, Red, NIR2' (WorldView) was called Sentinel-2 and given Sentinel-2's baseline offset."""
    src = open_raster(_u16(tmp_path / "wv.tif", _hls()[[1, 2, 3, 4]] * 10000 + 1000, ["Blue", "Green", "Red", "NIR2"]))
    m = detect_modality(src)
    assert not m.name.startswith("sentinel2"), m.describe()
    assert m.roles["nir"] == 4 and 'band 4 "NIR2"' in m.reason and "read as NIR" in m.reason
    assert "offset -1000" not in fit_scaling(src, m).note


def _stretched(refl: np.ndarray) -> np.ndarray:
    """Each band stretched 2-98 % to 8 bits, as display products are."""
    lo, hi = np.percentile(refl, [2, 98], axis=(1, 2), keepdims=True)
    return np.clip(np.round((refl - lo) / (hi - lo) * 255), 0, 255).astype(np.uint8)


def test_a_contrast_stretched_8bit_product_gets_a_caution(tmp_path):
    """A per-band 2-98 % stretch to 8 bits (Pléiades 'display' RGBN) changes the colour ratios: cautioned; the same
    bands scaled linearly to 8 bits (as NAIP) are not."""
    refl = _hls()[[3, 2, 1, 4]]
    for name, data, said in (("display.tif", _stretched(refl), True),
                             ("linear.tif", np.round(refl / refl.max() * 254).astype(np.uint8), False)):
        src = open_raster(write_raster(str(tmp_path / name), data))
        note = fit_scaling(src, detect_modality(src)).note
        assert ("contrast-stretched display product" in note) == said, (name, note)


@pytest.mark.parametrize("parts", [("buildings", "rio_img52_image.tif"), ("buildings", "rio_img56_image.tif"),
                                   ("vhr_trees", "OSBS_029.tif")])
def test_shared_8bit_photos_get_no_stretch_caution(parts):
    """Aerial and drone 8-bit RGB photos have under 1 % of pixels at 0 or 255: no display-product caution."""
    src = open_raster(shared(*parts))
    assert "contrast-stretched" not in fit_scaling(src, detect_modality(src)).note


def test_green_i_is_green_and_an_unknown_band_is_named(tmp_path):
    """Planet's 'green_i' (a SuperDove band subset) was not recognised: band 2 lost with no word; a band named nothing
    known is now said left out."""
    values = _hls()[[1, 2, 3, 4]] * 10000
    m = detect_modality(open_raster(_u16(tmp_path / "sd.tif", values, ["blue", "green_i", "red", "nir"])))
    assert m.roles == {"blue": 1, "green": 2, "red": 3, "nir": 4}, m.describe()
    m = detect_modality(open_raster(_u16(tmp_path / "foo.tif", values, ["blue", "foo", "red", "nir"])))
    assert 'band 2 "foo" not recognised, left out' in m.reason


def test_green_i_ranks_below_green(tmp_path):
    """In SuperDove's full order (green I before green), plain green wins the green role."""
    names = ["coastal_blue", "blue", "green_i", "green", "yellow", "red", "rededge", "nir"]
    m = detect_modality(open_raster(_u16(tmp_path / "sd8.tif", np.full((8, 20, 20), 1000.0), names)))
    assert m.roles["green"] == 4


def test_gdal_colour_interpretation_sets_the_band_order(tmp_path):
    """Three 8-bit bands declared Blue, Green, Red were read R, G, B by the 8-bit rule."""
    path = write_raster(str(tmp_path / "bgr.tif"), np.random.default_rng(0).integers(20, 200, (3, 30, 30)).astype(np.uint8))
    with rasterio.open(path, "r+") as ds:
        ds.colorinterp = [ColorInterp.blue, ColorInterp.green, ColorInterp.red]
    m = detect_modality(open_raster(path))
    assert (m.roles["red"], m.roles["green"], m.roles["blue"]) == (3, 2, 1), m.describe()
    assert "colour interpretation" in m.reason


@pytest.mark.parametrize("count, dtype, named", [(8, np.uint16, "'vhr_multispectral'"), (2, np.uint16, "'sar'")])
def test_refusals_of_undescribed_bands_name_a_modality_that_runs(tmp_path, count, dtype, named):
    """8 undescribed bands (WorldView) and 2 integer bands (Sentinel-1 GRD DN) were told to choose 'generic', which
    reads no concept."""
    data = np.random.default_rng(1).integers(100, 4000, (count, 30, 30)).astype(dtype)
    with pytest.raises(ChooseByHand) as err:
        detect_modality(open_raster(write_raster(str(tmp_path / "x.tif"), data)))
    assert named in err.value.fix and "generic" not in err.value.fix
