"""Band roles of many-band and wavelength-described rasters: Earth Engine toBands() and time-stack band names, Sentinel-2
names with an undescribed band, WorldView-3's SWIR1 ... SWIR8, ENVI bad-band lists, wavelength metadata conventions, a
preset forced on a cube, and SuperDove's two green bands."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from terraprompt.plugin.core.modalities import ChooseByHand, detect_modality, resolve_modality
from terraprompt.plugin.core.raster import open_raster

S2 = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B10", "B11", "B12"]
WL = np.round(np.linspace(420, 2450, 200), 2)
"""A 200-band cube's centre wavelengths (nm): band 25 (664.8 nm) is the one nearest the red range's centre (660 nm)."""


def _tif(path, count: int, descriptions=None, band_tags=None, dataset_tags=None) -> str:
    """A 20 x 20 float32 GeoTIFF of reflectance-like values with the given band descriptions and metadata."""
    data = np.random.default_rng(0).uniform(0.02, 0.5, (count, 20, 20)).astype(np.float32)
    with rasterio.open(path, "w", driver="GTiff", width=20, height=20, count=count, dtype="float32", crs="EPSG:32633",
                       transform=from_origin(500000, 4500000, 10, 10)) as ds:
        ds.write(data)
        for i, d in enumerate(descriptions or [], start=1):
            ds.set_band_description(i, d)
        for i, (ns, items) in enumerate(band_tags or [], start=1):
            ds.update_tags(i, ns=ns, **items) if ns else ds.update_tags(i, **items)
        for ns, items in (dataset_tags or {}).items():
            ds.update_tags(ns=ns, **items)
    return str(path)


def _envi(tmp_path, bbl: list[int]) -> str:
    """A 200-band ENVI cube (BSQ float32) whose header gives wavelengths in nm and a bad-band list."""
    data = np.random.default_rng(0).uniform(0.02, 0.5, (200, 20, 20)).astype(np.float32)
    data.tofile(tmp_path / "cube.dat")
    (tmp_path / "cube.hdr").write_text(
        "ENVI\nsamples = 20\nlines = 20\nbands = 200\nheader offset = 0\nfile type = ENVI Standard\ndata type = 4\n"
        "interleave = bsq\nbyte order = 0\nmap info = {UTM, 1, 1, 500000, 4500000, 10, 10, 33, North, WGS-84}\n"
        "wavelength units = Nanometers\nwavelength = {" + ", ".join(f"{w:.2f}" for w in WL) + "}\n"
        "bbl = {" + ", ".join(str(b) for b in bbl) + "}\n")
    return str(tmp_path / "cube.dat")


def test_earth_engine_tobands_names_are_sentinel2_not_landsat(tmp_path):
    """ImageCollection.toBands() names ('<date>_<date>_T49QHE_B1' ... '_B8A' ... '_B12') were read as Landsat 4-7
    (NIR from Sentinel-2's red band 4: vegetation 0 m²). The prefix is stripped; B8A and B12 say Sentinel-2."""
    names = [f"20150912T025546_20150912T025546_T49QHE_{b}" for b in S2]
    m = detect_modality(open_raster(_tif(tmp_path / "gee.tif", 13, names)))
    assert m.name.startswith("sentinel2"), m.describe()
    assert (m.roles["red"], m.roles["nir"], m.roles["swir1"], m.roles["swir2"]) == (4, 8, 12, 13)


def test_sentinel2_names_with_an_undescribed_band_are_not_landsat_and_say_it(tmp_path):
    """B01 ... B12 plus an NDVI band written without a description fell back to the Landsat 4-7 reading (nir = b4)."""
    names = ["B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B10", "B11", "B12", ""]
    m = detect_modality(open_raster(_tif(tmp_path / "s2_ndvi.tif", 14, names)))
    assert m.name.startswith("sentinel2"), m.describe()
    assert (m.roles["red"], m.roles["nir"]) == (4, 8)
    assert "14 without a description left out" in m.reason


@pytest.mark.parametrize("names", [
    [f"B{b[1:].zfill(2)}" if b != "B8A" else b for b in S2] * 2,
    [f"{b}_{d}" for d in ("20150912", "20170508") for b in S2],
    [f"{d}_20150912T025546_T49QHE_{b}" for d in ("20150912T025546", "20170508T025541") for b in S2],
], ids=["repeated", "date_suffix", "tobands_two_dates"])
def test_time_stack_reads_the_first_date_and_says_the_bands_left_out(tmp_path, names):
    """Two dates of the same 13 band names: the first date is read and bands 14-26 are said left out (they were dropped
    silently, or the stack refused)."""
    m = detect_modality(open_raster(_tif(tmp_path / "stack.tif", 26, names)))
    assert m.name.startswith("sentinel2") and max(m.roles.values()) <= 13, m.describe()
    assert (m.roles["red"], m.roles["nir"]) == (4, 8)
    assert "bands 14-26" in m.reason and "left out" in m.reason


WV3 = ["Coastal", "Blue", "Green", "Yellow", "Red", "Red Edge", "NIR1", "NIR2"] + [f"SWIR{i}" for i in range(1, 9)]
WV3_NM = [427, 478, 546, 608, 659, 724, 833, 949, 1210, 1570, 1660, 1730, 2165, 2205, 2260, 2330]


@pytest.mark.parametrize("names", [WV3, [f"{n} ({w} nm)" for n, w in zip(WV3, WV3_NM)]], ids=["names", "names_and_nm"])
def test_worldview3_swir_names_are_read_by_the_sensor_numbering(tmp_path, names):
    """WorldView-3's SWIR1 (1210 nm) and SWIR2 (1570 nm) were read as swir1 and swir2, even described 'SWIR1 (1210 nm)'
    (built-up 3.0 instead of 1.5 km²): SWIR3 (1660 nm) is swir1, SWIR6 (2205 nm) swir2; labelled VHR, not Sentinel-2."""
    m = detect_modality(open_raster(_tif(tmp_path / "wv3.tif", 16, names)))
    assert (m.roles["swir1"], m.roles["swir2"]) == (11, 14), m.describe()
    assert m.name == "vhr_multispectral", m.describe()


def test_envi_bad_bands_are_never_read_for_a_role(tmp_path):
    """The ENVI 'bbl' list was ignored: the flagged band nearest the red centre was read (water 3.1 km² -> 997 m²)."""
    bbl = [0 if i == 25 else 1 for i in range(1, 201)]
    m = detect_modality(open_raster(_envi(tmp_path, bbl)))
    assert m.roles["red"] in (24, 26), m.describe()
    assert "bbl" in m.reason


def test_a_preset_forced_on_a_cube_says_which_bands_it_reads(tmp_path):
    """MODALITY=sentinel2_l2a on an undescribed 200-band cube read bands 1-12 (420-532 nm) as coastal ... SWIR2 without a
    word (water 4.2 instead of 3.1 km²)."""
    m = resolve_modality(open_raster(_tif(tmp_path / "cube.tif", 200)), "sentinel2_l2a")
    assert "caution" in m.reason and "200 bands" in m.reason and "1-12" in m.reason, m.reason


def test_a_wavelength_cube_is_labelled_as_such_without_cirrus(tmp_path):
    """Any band in 1340-1410 nm became 'cirrus', so a 200-band surface-reflectance cube was 'Sentinel-2 (200 bands)' at
    product level L1C (TOA cautions and cloud model)."""
    m = detect_modality(open_raster(_envi(tmp_path, [1] * 200)))
    assert "cirrus" not in m.roles and m.name == "sentinel2_l2a", m.describe()
    assert "200 bands" in m.label and "wavelength" in m.label and "Sentinel-2" not in m.label
    assert "wavelength" in m.reason


@pytest.mark.parametrize("flavour", ["central_um", "imagery", "envi_domain", "bare_numbers"])
def test_wavelength_conventions_are_read(tmp_path, flavour):
    """CENTRAL_WAVELENGTH_UM (default and IMAGERY domains), a dataset ENVI-domain 'wavelength' list on a GeoTIFF and bare
    numeric descriptions ('665.3') were refused as undescribed bands."""
    um = [("", {"CENTRAL_WAVELENGTH_UM": f"{w / 1000:.5f}"}) for w in WL]
    kw = {"central_um": dict(band_tags=um),
          "imagery": dict(band_tags=[("IMAGERY", items) for _, items in um]),
          "envi_domain": dict(dataset_tags={"ENVI": {"wavelength": "{" + ", ".join(f"{w:.2f}" for w in WL) + "}",
                                                     "wavelength_units": "Nanometers"}}),
          "bare_numbers": dict(descriptions=[f"{w:.1f}" for w in WL])}[flavour]
    m = detect_modality(open_raster(_tif(tmp_path / "cube.tif", 200, **kw)))
    assert (m.roles["red"], m.roles["nir"], m.roles["swir1"], m.roles["swir2"]) == (25, 41, 119, 175), m.describe()


def test_an_undescribed_cube_is_refused_with_a_fix_that_fits_200_bands(tmp_path):
    """The refusal asked for descriptions 'such as B02/B03/B04/B08', no fix for 200 bands."""
    with pytest.raises(ChooseByHand) as err:
        detect_modality(open_raster(_tif(tmp_path / "cube.tif", 200)))
    assert "wavelength" in err.value.fix and "B02" not in err.value.fix


def test_superdove_green_is_the_565_nm_band_not_green_i(tmp_path):
    """SuperDove 'Green I' (531 nm) came before 'Green' (565 nm) and was taken as green; 'green_i' naming gave band 4."""
    names = ["Coastal Blue", "Blue", "Green I", "Green", "Yellow", "Red", "Red Edge", "NIR"]
    m = detect_modality(open_raster(_tif(tmp_path / "superdove.tif", 8, names)))
    assert m.roles["green"] == 4, m.describe()


def test_a_many_band_refusal_lists_a_few_bands_and_a_count():
    """'generic' on a 200-band cube listed all 200 band names (band1, band10, band100 ...) in one refusal."""
    from terraprompt.plugin.core.landcover.spectral import band_list

    text = band_list({f"band{i}" for i in range(1, 201)})
    assert text.startswith("band1, band2, band3") and "188" in text and "band200" not in text, text
    assert band_list({"red", "green"}) == "green, red"
