"""The Sentinel-2 baseline 04.00 offset (+1000 DN) on real crops: inferred, stated per band, or cautioned; the Landsat
Collection 2 Level-2 reading said as an assumption; a change pair with the offset left in one date."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio

from conftest import shared, write_raster
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.scaling import fit_scaling

TEN_M = ["B02", "B03", "B04", "B08"]
SAFE_10M = ["B4, central wavelength 665 nm", "B3, central wavelength 560 nm", "B2, central wavelength 490 nm",
            "B8, central wavelength 842 nm"]
OSCD_CITIES = ("abudhabi", "aguasclaras", "beihai", "bercy", "bordeaux", "hongkong", "nantes", "paris", "rennes", "saclay_e")


def _ten_m(path: str, data: np.ndarray, descriptions=TEN_M, like: str = "") -> str:
    """B02, B03, B04, B08 (uint16, nodata 0) written with band descriptions, georeferenced as ``like`` when given."""
    prof = {"crs": "EPSG:32633", "transform": rasterio.transform.from_origin(500000, 4500000, 10, 10)}
    if like:
        with rasterio.open(like) as ds:
            prof = {"crs": ds.crs, "transform": ds.transform}
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                       dtype="uint16", nodata=0, **prof) as ds:
        ds.write(data.astype(np.uint16))
        for i, d in enumerate(descriptions, start=1):
            ds.set_band_description(i, d)
    return path


def _sen1floods11() -> tuple[np.ndarray, np.ndarray]:
    """B02, B03, B04, B08 of the sen1floods11 Sentinel-2 chip (old baseline) and where it has data."""
    with rasterio.open(shared("sen1floods11", "Spain_7370579_top_S2Hand.tif")) as ds:
        a = ds.read([2, 3, 4, 8]).astype(np.int32)
    return a, (a != 0).all(axis=0)


@pytest.mark.parametrize("safe", [False, True])
def test_described_bands_with_the_offset_have_it_removed(tmp_path, safe):
    """B02/B03/B04/B08 files of baseline 04.00+ (DN + 1000, no metadata) kept the offset without a word (vegetation 17.1 %
    -> 2.3 % on this chip): dark objects under 1600 DN with blue at or above 1600 DN are the offset's signature."""
    a, valid = _sen1floods11()
    b04 = np.where(valid, a + 1000, 0)
    order = [2, 1, 0, 3] if safe else [0, 1, 2, 3]  # the SAFE-like file is B4, B3, B2, B8
    src = open_raster(_ten_m(str(tmp_path / "b04.tif"), b04[order], SAFE_10M if safe else TEN_M))
    sc = fit_scaling(src, detect_modality(src))
    assert "with offset -1000 DN (inferred" in sc.note and "blue" in sc.note, sc.note
    np.testing.assert_allclose(sc.apply(b04[order][:, valid]), a[order][:, valid] / 10000.0, atol=1e-6)


def test_oscd_crops_old_baseline_untouched_and_with_the_offset_removed_or_cautioned(tmp_path):
    """Every 300-pixel crop (stride 150) of the ten OSCD cities, both dates (old baseline), as B02, B03, B04, B08:
    none has an offset removed (5 Abu Dhabi desert crops had, their red just above 1000 DN), and the same crops with
    1000 DN added have it removed or get the caution (all 142 kept it silently)."""
    old_removed, silent, removed = [], [], 0
    for city in OSCD_CITIES:
        for date in ("t1", "t2"):
            path = shared("oscd", city, f"{city}_{date}.tif")
            with rasterio.open(path) as ds:
                a = ds.read([2, 3, 4, 8]).astype(np.int32)
            for y in range(0, max(a.shape[1] - 300, 0) + 1, 150):
                for x in range(0, max(a.shape[2] - 300, 0) + 1, 150):
                    crop = a[:, y:y + 300, x:x + 300]
                    for add in (0, 1000):
                        src = open_raster(_ten_m(str(tmp_path / "crop.tif"), crop + add, like=path))
                        note = fit_scaling(src, detect_modality(src)).note
                        if add == 0 and "with offset" in note:
                            old_removed.append((city, date, y, x))
                        elif add:
                            removed += "with offset -1000" in note
                            if "with offset -1000" not in note and "1000 DN offset is still in the values" not in note:
                                silent.append((city, date, y, x))
    assert not old_removed and not silent, (old_removed, silent)
    assert removed >= 70  # 78 of 142 (those whose darkest band's dark objects read under 0.06)


def test_bright_scene_without_dark_objects_gets_the_caution(tmp_path):
    """Abu Dhabi's old-baseline desert (no band under 1000 DN): no offset removed, but the caution the undescribed stack
    gets, with how to state the offset."""
    with rasterio.open(shared("oscd", "abudhabi", "abudhabi_t2.tif")) as ds:
        a = ds.read([2, 3, 4, 8], window=rasterio.windows.Window(0, 300, 300, 300)).astype(np.int32)
    src = open_raster(_ten_m(str(tmp_path / "ad.tif"), a))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.offset == 0.0 and "1000 DN offset is still in the values" in sc.note and "BOA_ADD_OFFSET" in sc.note


@pytest.mark.parametrize("tags", [{"BOA_ADD_OFFSET": "-1000"}, {"RADIO_ADD_OFFSET": "-1000"}, {"PROCESSING_BASELINE": "05.09"}])
def test_offset_stated_in_the_bands_metadata_is_read(tmp_path, tags):
    """BOA_ADD_OFFSET / RADIO_ADD_OFFSET / PROCESSING_BASELINE written on each band (as product-band writers do) were
    ignored: the Abu Dhabi crop (no inference possible) with the offset kept its 0.1."""
    with rasterio.open(shared("oscd", "abudhabi", "abudhabi_t1.tif")) as ds:
        a = ds.read([2, 3, 4, 8], window=rasterio.windows.Window(200, 200, 300, 300)).astype(np.int32)
    p = _ten_m(str(tmp_path / "bandtag.tif"), a + 1000)
    with rasterio.open(p, "r+") as ds:
        for b in range(1, 5):
            ds.update_tags(b, **tags)
    src = open_raster(p)
    sc = fit_scaling(src, detect_modality(src))
    assert "with offset -1000 DN" in sc.note and "caution" not in sc.note
    np.testing.assert_allclose(sc.apply(np.array([3500], np.uint16)), [0.25], rtol=1e-5)


def test_stated_scale_without_offset_gets_the_caution(tmp_path):
    """A file stating scale 1e-4 and offset 0 on baseline-04 DN (every band's dark objects at or above 1000 DN) is
    scaled as stated, with the offset caution."""
    a, valid = _sen1floods11()
    p = _ten_m(str(tmp_path / "scaleonly.tif"), np.where(valid, a + 1000, 0))
    with rasterio.open(p, "r+") as ds:
        ds.scales = [1e-4] * 4
    src = open_raster(p)
    sc = fit_scaling(src, detect_modality(src))
    assert "metadata" in sc.note and "1000 DN offset is still in the values" in sc.note and "offset -0.1" in sc.note


def test_12bit_rgb_photo_gets_no_sentinel2_caution(tmp_path):
    """A bright 3-band 12-bit RGB (0-4095, no pixel under 1000) is no Sentinel-2 band set: no 'baseline 04.00' caution."""
    rng = np.random.default_rng(0)
    rgb = rng.integers(1100, 4000, (3, 60, 60)).astype(np.uint16)
    src = open_raster(write_raster(str(tmp_path / "aerial.tif"), rgb))
    sc = fit_scaling(src, detect_modality(src))
    assert "baseline" not in sc.note and "caution" not in sc.note


def _c2_level2(tmp_path, name: str) -> str:
    """An HLS chip's reflectance written as Landsat Collection 2 Level-2 DN, 7 bands, no descriptions."""
    with rasterio.open(shared("hls_water_chips", "images", "010_hls.tif")) as ds:
        refl = ds.read(list(range(1, 8))).astype(np.float64) / 10000.0
    dn = np.clip(np.round((refl + 0.2) / 2.75e-5), 1, 65535).astype(np.uint16)
    return write_raster(str(tmp_path / name), dn, transform=rasterio.transform.from_origin(400000, 5000000, 30, 30))


@pytest.mark.parametrize("name,assumed", [("clip.tif", True), ("LC08_L2SP_123032_20230612_20230620_02_T1_clip.tif", False)])
def test_landsat_level2_scaling_from_values_alone_is_said_to_be_assumed(tmp_path, name, assumed):
    """Collection 2 DN without L2SP/L1TP in the name are read as Level-2 surface reflectance from the values alone (a
    clipped Level-1 file reads the same): the explanation says it is assumed and how to set Level-1's scaling."""
    src = open_raster(_c2_level2(tmp_path, name))
    sc = fit_scaling(src, detect_modality(src))
    assert "Collection 2" in sc.note and sc.surface
    assert ("assumed" in sc.note and "2e-5" in sc.note and "L1TP" in sc.note) == assumed, sc.note


def test_change_pair_with_the_offset_left_in_one_date_is_shifted(tmp_path):
    """Bercy, AFTER with 1000 DN added and only the caution (its dark objects read above 1600 DN): CVA compared the
    dates 0.1 apart in every band. The uniform dark-object gap is the offset's signature: AFTER is shifted back and the
    summary says so, so the change map is the plain pair's."""
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    paths = {}
    for date, add in (("t1", 0), ("t2", 0), ("t2o", 1000)):
        src_path = shared("oscd", "bercy", f"bercy_{date[:2]}.tif")
        with rasterio.open(src_path) as ds:
            a = ds.read([2, 3, 4, 8]).astype(np.int32)
        paths[date] = _ten_m(str(tmp_path / f"bercy_{date}.tif"), a + add, like=src_path)
    maps, summaries = {}, {}
    for after in ("t2", "t2o"):
        out = str(tmp_path / f"change_{after}.tif")
        res = detect_change(ChangeRequest(before=paths["t1"], after=paths[after], output_change=out, method="cva",
                                          classes=False))
        with rasterio.open(out) as ds:
            maps[after] = ds.read(1) == 1
        summaries[after] = res.summary
    assert "1000 DN offset of Sentinel-2" in summaries["t2o"] and "so AFTER is shifted by -0.1" in summaries["t2o"]
    assert "1000 DN offset of Sentinel-2" not in summaries["t2"]
    assert maps["t2"].any()
    np.testing.assert_array_equal(maps["t2o"], maps["t2"])


def test_land_cover_writes_nothing_beside_the_input(tmp_path):
    """Running land cover reads the input without writing beside it (no GDAL .aux.xml from statistics): only the
    outputs appear. (A QgsRasterLayer made on the file, as QGIS makes for every layer it loads, writes one itself.)"""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    a, valid = _sen1floods11()
    folder = tmp_path / "input"
    folder.mkdir()
    p = _ten_m(str(folder / "s2.tif"), np.where(valid, a, 0))
    for engine in ("spectral", "network"):
        extract_landcover(ExtractRequest(input=p, prompt="water and vegetation", engine=engine,
                                         output_raster=str(tmp_path / f"out_{engine}.tif")))
    assert os.listdir(folder) == ["s2.tif"]
