"""Band names that mislead once a file name is lost (a model's clip step writes 'OUTPUT.tif'): bare 'B1' ... 'B7'
numbers on Landsat Collection 2 DN, Earth Search band files ('.../S2B_33UVP_20230612_0_L2A/B04.tif') stacked in a VRT,
and a VV band read as panchromatic."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio

from conftest import ROOT, band_files_vrt, write_raster
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.landcover.extract import check_bands_fit
from terraprompt.plugin.core.modalities import detect_modality, resolve_modality
from terraprompt.plugin.core.prompts import parse_prompt
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.scaling import fit_scaling

BARE = [f"B{i}" for i in range(1, 8)]


def _chip() -> np.ndarray:
    """Surface reflectance (0-1) of a real HLS chip: coastal, blue, green, red, NIR, SWIR1, SWIR2."""
    with rasterio.open(os.path.join(ROOT, "tests", "data", "hls_chip294_image.tif")) as ds:
        return ds.read(list(range(1, 8))).astype(np.float64) / 10000


def _sentinel2_b1_b7() -> np.ndarray:
    """Sentinel-2 B1 ... B7 made from the chip: coastal, blue, green, red, and red edge 1-3 between red and NIR (brighter
    towards NIR over vegetation, as Sentinel-2's are; the chip's own B7 is Landsat's SWIR2, darker than NIR)."""
    c = _chip()
    red, nir = c[3], c[4]
    return np.stack([c[0], c[1], c[2], red, 0.7 * red + 0.3 * nir, 0.3 * red + 0.7 * nir, 0.1 * red + 0.9 * nir])


def _write(tmp_path, dn: np.ndarray, descriptions: list[str], name: str = "OUTPUT.tif") -> str:
    return write_raster(str(tmp_path / name), np.clip(np.round(dn), 1, 65535).astype(np.uint16), descriptions=descriptions)


def test_bare_numbers_on_collection2_dn_are_read_with_landsat_numbering(tmp_path):
    """A Landsat 8 Collection 2 Level-2 stack described B1 ... B7 in a neutral 'OUTPUT.tif' was read as 'Sentinel-2 (7
    bands)' with red-edge roles and no NIR or SWIR (network water 3.9 % -> 44 %): every band's dark objects above
    5000 DN are no Sentinel-2 DN. Read as Landsat 8/9 (NIR B5, SWIR1 B6) with Collection 2 scaling, said."""
    src = open_raster(_write(tmp_path, (_chip() + 0.2) / 2.75e-5, BARE))
    m = detect_modality(src)
    assert m.name == "landsat89", m.describe()
    assert (m.roles["red"], m.roles["nir"], m.roles["swir1"], m.roles["swir2"]) == (4, 5, 6, 7)
    assert "band numbers read as Landsat's" in m.reason and "MODALITY" in m.reason
    s = fit_scaling(src, m)
    assert (s.scale, s.offset) == (2.75e-05, -0.2)


def test_bare_numbers_of_a_tm_stack_on_collection2_dn_are_read_with_tm_numbering(tmp_path):
    """The same switch on Landsat 4-7 bands (B1 blue ... B4 NIR, B5 SWIR1, B7 SWIR2): the NDVI of the values decides the
    numbering (read the OLI way, B5 SWIR1 against B4 NIR, vegetation would vanish)."""
    dn = (_chip()[[1, 2, 3, 4, 5, 6]] + 0.2) / 2.75e-5
    m = detect_modality(open_raster(_write(tmp_path, dn, ["B1", "B2", "B3", "B4", "B5", "B7"])))
    assert m.name == "landsat457", m.describe()
    assert (m.roles["blue"], m.roles["red"], m.roles["nir"], m.roles["swir1"], m.roles["swir2"]) == (1, 3, 4, 5, 6)


def test_bare_numbers_on_sentinel2_dn_stay_sentinel2_with_a_caution_on_the_missing_nir(tmp_path):
    """Sentinel-2 DN (reflectance x 10000) described B1 ... B7: dark objects near 0 and red edge brighter towards NIR, read
    as Sentinel-2 as before; with no B8 or B8A the stack has no NIR, which the reason says with the fix."""
    m = detect_modality(open_raster(_write(tmp_path, _sentinel2_b1_b7() * 10000, BARE)))
    assert m.name.startswith("sentinel2") and "rededge1" in m.roles and "nir" not in m.roles, m.describe()
    assert "without B8 or B8A" in m.reason and "set MODALITY to 'landsat89' or 'landsat457'" in m.reason


@pytest.mark.parametrize("case, said", [("dark", "even the darkest pixels of every band read as reflectance"),
                                        ("bright", "the median reads as reflectance")])
def test_a_sentinel2_reading_without_nir_and_implausible_values_is_cautioned(tmp_path, case, said):
    """Bare numbers whose values fit neither reading (a band's dark objects just under 5000 DN, as Level-1 DN give; or a
    median above reflectance 1 with some dark pixels): still read as Sentinel-2, but with a caution naming MODALITY."""
    refl = _sentinel2_b1_b7()
    if case == "dark":
        dn = (refl + 0.1) / 2e-5  # Collection 2 Level-1 DN
        dark = refl[6] <= np.percentile(refl[6], 3)  # band 7's dark objects just under 5000 DN, its vegetation kept
        dn[6][dark] = 4900
    else:
        dn = refl * 10000 + 11000
        dn[:, :4, :] = 500  # a dark strip: dark objects below 5000 DN in every band
    m = detect_modality(open_raster(_write(tmp_path, dn, BARE)))
    assert m.name.startswith("sentinel2") and "nir" not in m.roles, m.describe()
    assert said in m.reason and "set MODALITY to 'landsat89' or 'landsat457'" in m.reason


def test_earth_search_band_files_in_a_vrt_are_sentinel2_bands(tmp_path):
    """Earth Search COGs (.../S2B_33UVP_20230612_0_L2A/B04.tif) stacked with gdalbuildvrt -separate were read as an
    undescribed RGB + NIR scaled by its 98th percentile (vegetation 15.7 % -> 4.6 %): their bare band names are
    Sentinel-2's, and the product id in their folder is said."""
    folder = tmp_path / "S2B_33UVP_20230612_0_L2A"
    folder.mkdir()
    refl = _chip()[[1, 2, 3, 4]]
    bands = [np.round(b * 10000 + 1000).astype(np.uint16) for b in refl]
    vrt = band_files_vrt(str(folder), ["B02.tif", "B03.tif", "B04.tif", "B08.tif"], bands, vrt="../stack.vrt")
    src = open_raster(vrt)
    m = detect_modality(src)
    assert m.name == "sentinel2_4band", m.describe()
    assert m.roles == {"blue": 1, "green": 2, "red": 3, "nir": 4}
    assert "S2B_33UVP_20230612_0_L2A" in m.reason
    assert fit_scaling(src, m).scale == 1e-4


def test_files_named_by_one_digit_band_numbers_are_not_read_as_sentinel2(tmp_path):
    """'B4.tif' is also Landsat's numbering (NIR on TM/ETM+): only two-digit Sentinel-2 band file names name bands."""
    bands = [np.full((60, 60), 1500, np.uint16) for _ in range(4)]
    m = detect_modality(open_raster(band_files_vrt(str(tmp_path), ["B2.tif", "B3.tif", "B4.tif", "B8.tif"], bands)))
    assert not m.name.startswith("sentinel2"), m.describe()


def test_a_vv_band_read_as_panchromatic_is_refused_naming_the_modality(tmp_path):
    """A uint16 Sentinel-1 VV amplitude band after a model's clip step ('OUTPUT.tif': the name saying VV is lost) is
    read as panchromatic; 'water' is then refused, and the fix names MODALITY 'sar', with which it runs."""
    rng = np.random.default_rng(0)
    amp = rng.gamma(4.0, 75.0, (120, 120))
    amp[:, :40] = rng.gamma(4.0, 7.5, (120, 40))  # water: low backscatter
    src = open_raster(write_raster(str(tmp_path / "OUTPUT.tif"), np.clip(amp, 1, 65535).astype(np.uint16)))
    m = detect_modality(src)
    assert set(m.roles) == {"pan"}, m.describe()
    with pytest.raises(ModalityError) as err:
        check_bands_fit(parse_prompt("water", use_encoder=False), set(m.roles))
    assert "set MODALITY to 'sar'" in err.value.fix
    check_bands_fit(parse_prompt("water", use_encoder=False), set(resolve_modality(src, "sar").roles))
