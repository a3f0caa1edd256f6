"""Dark-object subtraction: uncalibrated (8-bit DN) multispectral rasters get usable indices."""
from __future__ import annotations

import numpy as np
import rasterio

from conftest import synthetic_s2, write_raster
from terraprompt.plugin.core.landcover.dark_objects import (DARK_PERCENTILE, fit_dark_objects, needs_dark_objects,
                                                            subtract_dark_objects)
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.landcover.spectral import Context, SpectralEngine
from terraprompt.plugin.core.stack import BandSet

ROLES6 = ["blue", "green", "red", "nir", "swir1", "swir2"]
S2_INDEX = [1, 2, 3, 7, 11, 12]  # B02 B03 B04 B08 B11 B12 of synthetic_s2
HAZE_DN = [90, 65, 55, 25, 20, 15]  # path radiance + bias per band, like the 8-bit Landsat-7 Taizhou pair


def _hazy_dn_scene(seed: int = 3):
    """A 6-band uint8 'DN export': reflectance x 150 + a per-band haze offset; returns (dn, water, veg).

    A strip of deep shadow (reflectance 0.01 in every band, 3 % of the scene) is the dark object, as building, tree
    and terrain shadows are in real scenes."""
    dn16, water, veg = synthetic_s2(120, 180, seed)
    refl = dn16[S2_INDEX].astype(np.float32) / 10000.0
    refl[:, -4:, :] = 0.01
    water[-4:, :] = veg[-4:, :] = False
    dn = np.clip(refl * 150 + np.array(HAZE_DN, np.float32)[:, None, None], 0, 255).round().astype(np.uint8)
    return dn, water, veg


def _iou(a, b):
    return (a & b).sum() / max((a | b).sum(), 1)


def test_fit_and_subtract():
    rng = np.random.default_rng(0)
    bands = {"nir": rng.uniform(0.2, 0.6, (50, 50)).astype(np.float32), "vv": np.full((50, 50), -12.0, np.float32)}
    valid = np.ones((50, 50), bool)
    valid[0, 0] = False
    bands["nir"][0, 0] = -5.0  # an invalid pixel must not set the dark object
    dark = fit_dark_objects(BandSet(bands, valid))
    assert set(dark) == {"nir"}  # SAR (and heights) carry no additive haze
    assert dark["nir"] == np.percentile(bands["nir"][valid], DARK_PERCENTILE)
    out = subtract_dark_objects(BandSet(bands, valid), dark)
    assert out.bands["nir"].min() == 0.0 and np.allclose(out.bands["nir"][1:, 1:], np.maximum(bands["nir"][1:, 1:] - dark["nir"], 0))
    assert out.bands["vv"] is bands["vv"] and out.valid is valid


def test_only_uncalibrated_multispectral_with_swir_needs_it():
    assert needs_dark_objects({"blue", "green", "red", "nir", "swir1", "swir2"}, calibrated=False)
    assert not needs_dark_objects({"blue", "green", "red", "nir", "swir1", "swir2"}, calibrated=True)
    assert not needs_dark_objects({"blue", "green", "red", "nir"}, calibrated=False)  # balanced 8-bit RGBN products
    assert not needs_dark_objects({"blue", "green", "red"}, calibrated=False)  # RGB rules are scale-free already


def test_hazy_dn_export_gets_water_and_vegetation(tmp_path):
    dn, water, veg = _hazy_dn_scene()
    # the problem: the same rules on the hazy values taken as reflectance find no water (MNDWI is negative everywhere)
    arrays = {r: dn[k].astype(np.float32) / 255.0 for k, r in enumerate(ROLES6)}
    valid = np.ones(water.shape, bool)
    plain = SpectralEngine(["water", "vegetation"], set(ROLES6), Context(cloud_mask=False, reflectance=True))
    plain.fit(BandSet(arrays, valid))
    sc = plain.scores(BandSet(arrays, valid))
    assert _iou(sc[0] >= 0.5, water) < 0.5
    # through extract_landcover the 8-bit raster is known to be uncalibrated: dark objects are subtracted first
    path = write_raster(str(tmp_path / "dn.tif"), dn, descriptions=ROLES6)
    out = str(tmp_path / "lc.tif")
    res = extract_landcover(ExtractRequest(input=path, prompt="water and vegetation", output_raster=out, engine="spectral"))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    assert _iou(cls == 1, water) > 0.9 and _iou(cls == 2, veg) > 0.9
    assert "dark object" in res.explanation
