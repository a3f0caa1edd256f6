"""Earth Search band files (.../S2B_33UVP_20230612_0_L2A/B02.tif ... SCL.tif) stacked in a VRT: one band-name rule
for every reader (the SCL band is the cloud mask), one reading of the product id in the folder for the offset and the
explanation, and the offset's inference naming the infrared value it tested."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio

from conftest import SAMPLE_S2, band_files_vrt, write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.modalities import detect_modality, s2_product_name
from terraprompt.plugin.core.raster import band_names_in_file_names, open_raster
from terraprompt.plugin.core.scaling import fit_scaling
from terraprompt.plugin.core.stack import make_layer

CAUTION = "1000 DN offset is still in the values"


def _farmland(seed: int = 1) -> list[np.ndarray]:
    """B02, B03, B04, B08 of fields with the baseline 04.00 offset (+1000 DN): no water or shadow, so the values alone
    cannot show the offset."""
    f = np.random.default_rng(seed).random((200, 200))
    lo, hi = (0.03, 0.05, 0.03, 0.2), (0.08, 0.10, 0.12, 0.45)
    return [np.round((a + (b - a) * f) * 10000 + 1000).astype(np.uint16) for a, b in zip(lo, hi)]


def _folder_vrt(tmp_path, folder: str, bands: list[np.ndarray], names=("B02.tif", "B03.tif", "B04.tif", "B08.tif")) -> str:
    """``names`` written in ``tmp_path/folder`` and stacked band by band into tmp_path/stack.vrt (no band descriptions)."""
    (tmp_path / folder).mkdir()
    return band_files_vrt(str(tmp_path / folder), list(names), bands, vrt="../stack.vrt")


def test_earth_search_scl_file_is_the_cloud_mask(tmp_path):
    """Bare B02 ... B08 and SCL.tif: the bare names were read by the modality alone, so the SCL band was no quality
    band and its clouds were not excluded (0 m² against 58.46 ha with the long file names). Every reader now gets the
    band names: the SCL band is the mask and its cloud and shadow classes are left out of the map."""
    with rasterio.open(SAMPLE_S2) as ds:
        dn = (ds.read([2, 3, 4, 8]).astype(np.int32) + 1000).astype(np.uint16)
    scl = np.full(dn.shape[1:], 4, np.uint8)
    scl[10:40, 10:50], scl[60:80, 20:60] = 9, 3
    vrt = _folder_vrt(tmp_path, "S2B_36SYC_20230612_0_L2A", [*dn, scl],
                      ("B02.tif", "B03.tif", "B04.tif", "B08.tif", "SCL.tif"))
    src = open_raster(vrt)
    assert src.descriptions == ("B02", "B03", "B04", "B08", "SCL") and src.names_from_sources
    m = detect_modality(src)
    assert m.name.startswith("sentinel2") and 5 not in m.roles.values(), m.describe()
    assert make_layer(src, m).quality.band == 5
    out = str(tmp_path / "w.tif")
    r = extract_landcover(ExtractRequest(input=vrt, prompt="water", engine="spectral", output_raster=out))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    assert (cls[10:40, 10:50] == 255).all() and (cls[60:80, 20:60] == 255).mean() > 0.9
    assert "quality band b5 SCL (Sentinel-2 Scene Classification)" in r.explanation


def test_bare_band_names_count_only_when_every_file_is_one():
    """A bare 'B10.tif' beside files that name no Sentinel-2 band (Landsat's B1.tif ...) may be Landsat's thermal band:
    bare names are band names only when every band's file is one; product file names count one by one."""
    assert band_names_in_file_names(["B02.tif", "B8A.jp2", "scl.TIF"]) == ("B02", "B8A", "SCL")
    assert band_names_in_file_names(["B1.tif", "B10.tif", "B11.tif"]) == ("", "", "")
    assert band_names_in_file_names(["B04.tif", "T31UFQ_20230612T105031_B08_10m.jp2"]) == ("", "B08")


@pytest.mark.parametrize("folder, offset, why", [
    ("S2B_33UVP_20230612_0_L2A", 0.0, "its STAC item's earthsearch:boa_offset_applied"),
    ("S2A_33UVP_20210612_0_L2A", 0.0, ""),
    ("S2B_MSIL2A_20230612T101559_N0509_R065_T33UVP_20230612T140000", -0.1, "processing baseline 05.09 in the name"),
    ("scene", 0.0, "or give it its product name"),
])
def test_the_folders_product_id_says_what_it_can_of_the_offset(tmp_path, folder, offset, why):
    """Bright fields (no band under 1000 DN) in a folder named by a product: ESA's name (baseline 05.09) was read only
    from the file's own name and now also from the folder (red 0.175 read for 0.075 before). Earth Search's id
    (S2B_33UVP_20230612_0_L2A) was said in the modality's why only: a date before 25 January 2022 is an older baseline
    (no offset, no caution); a later one cannot say, as Earth Search removed the offset from most of its files of that
    baseline and not from all: the values decide, and the caution says so instead of the generic fix (these values
    also are the harmonised file of a bright scene, which losing 0.1 would darken)."""
    bands = _farmland()
    src = open_raster(_folder_vrt(tmp_path, folder, bands))
    m = detect_modality(src)
    sc = fit_scaling(src, m)
    assert sc.offset == pytest.approx(offset) and why in sc.note and (CAUTION in sc.note) == (offset == 0 and bool(why)), sc.note
    assert (folder in m.reason) == folder.endswith("_0_L2A"), m.reason
    if offset:
        np.testing.assert_allclose(np.median(sc.apply(bands[2].astype(np.float64))), 0.075, atol=0.002)


def test_earth_search_files_with_the_offset_have_it_inferred_from_the_values(tmp_path):
    """The Earth Search files of a later date that still hold the offset: water just above 1000 DN in NIR gives it."""
    bands = _farmland()
    for b, water in zip(bands, (1030, 1040, 1020, 1010)):
        b[:20, :20] = water
    sc = fit_scaling(src := open_raster(_folder_vrt(tmp_path, "S2B_33UVP_20230612_0_L2A", bands)), detect_modality(src))
    assert sc.offset == pytest.approx(-0.1) and "(inferred: every band's darkest values" in sc.note, sc.note


def test_one_reading_of_the_product_name_for_scaling_and_explanation(tmp_path):
    """The product id, baseline and earliest sensing date come from one parser: a T-time date in a band file's name and
    the folder's date (the earlier counts), the folder's id for the explanation."""
    bands = _farmland()[:2]
    vrt = _folder_vrt(tmp_path, "S2A_33UVP_20220301_1_L1C", bands,
                      ("T33UVP_20220401T101559_B02_10m.tif", "T33UVP_20220401T101559_B03_10m.tif"))
    named = s2_product_name(open_raster(vrt))
    assert (named.folder_product, named.baseline, named.date) == ("S2A_33UVP_20220301_1_L1C", "", "20220301")
    plain = write_raster(str(tmp_path / "x.tif"), np.stack(bands), descriptions=["B02", "B03"])
    assert s2_product_name(open_raster(plain)) == type(named)()


def test_the_offset_inferred_from_infrared_names_the_infrared_value_tested(tmp_path):
    """The offset inferred from NIR / SWIR dark objects just above 1000 DN printed the darkest of all bands (here blue's
    1020) while the test read NIR's 1060."""
    rng = np.random.default_rng(0)
    dn = np.stack([rng.integers(1500, 2500, (100, 100)), rng.integers(1600, 2600, (100, 100)),
                   rng.integers(1400, 2800, (100, 100)), rng.integers(3000, 5000, (100, 100))]).astype(np.uint16)
    dn[0, :5], dn[3, :5] = 1020, 1060  # 5 % dark pixels: blue's and NIR's 0.1th percentiles
    src = open_raster(write_raster(str(tmp_path / "fields.tif"), dn, descriptions=["B02", "B03", "B04", "B08"]))
    note = fit_scaling(src, detect_modality(src)).note
    assert "with offset -1000 DN (inferred: every band's darkest values sit just above 1000 DN (1060)" in note, note
