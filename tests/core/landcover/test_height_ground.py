"""Heights above ground from a DSM: band units, pits and undeclared voids, low coastal DSMs, fine pixels, raster edges
on slopes, and the explanation's line on how the heights were read."""
from __future__ import annotations

import numpy as np
import rasterio

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.landcover.height import read_heights
from terraprompt.plugin.core.landcover.indices import height_above_ground
from terraprompt.plugin.core.tiling import TileSpec

LOW = ((80, 10), (95, 25))
TALL = ((10, 130), (30, 140))


def _scene(tmp_path, scale: float = 1.0, unit: str = "", base: float = 250.0):
    """Bare land with two 7 m and two 20 m houses on a sloping DSM, written as heights / scale with band unit ``unit``."""
    data, _, veg = synthetic_s2(120, 160, seed=3)
    low, tall = np.zeros(veg.shape, bool), np.zeros(veg.shape, bool)
    for y0, x0 in LOW:
        low[y0:y0 + 6, x0:x0 + 8] = True
    for y0, x0 in TALL:
        tall[y0:y0 + 6, x0:x0 + 8] = True
    yy, xx = np.mgrid[0:120, 0:160]
    h = base + 0.05 * xx + 0.02 * yy + 7.0 * low + 20.0 * tall
    s2 = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    dp = write_raster(str(tmp_path / "dsm.tif"), np.round(h / scale).astype(np.int32 if scale != 1 else np.float32),
                      descriptions=["dsm"])
    if unit:
        with rasterio.open(dp, "r+") as ds:
            ds.units = (unit,)
    return s2, dp, low, tall


def _run(tmp_path, s2, dsm, prompt):
    out, vec = str(tmp_path / "b.tif"), str(tmp_path / "b.gpkg")
    r = extract_landcover(ExtractRequest(input=s2, dsm_input=dsm, prompt=prompt, output_raster=out, output_vector=vec,
                                         engine="spectral", tiles=TileSpec(64, 16, 2)))
    with rasterio.open(out) as ds:
        return r, ds.read(1)


def test_dsm_in_centimetres_by_its_unit(tmp_path):
    s2, dp, low, tall = _scene(tmp_path, scale=0.01, unit="cm")
    r, cls = _run(tmp_path, s2, dp, "buildings taller than 10 m")
    assert (cls[tall] == 1).mean() > 0.9 and (cls[low] == 1).mean() == 0.0, "7 m houses are not 'taller than 10 m'"
    assert "heights in cm (the band's unit) converted to metres" in r.explanation


def test_unknown_unit_is_cautioned(tmp_path):
    s2, dp, _, _ = _scene(tmp_path, unit="furlong")
    r, _ = _run(tmp_path, s2, dp, "buildings taller than 10 m")
    assert "caution: the band's unit 'furlong' is no length unit" in r.explanation


def test_explanation_says_how_heights_were_read(tmp_path):
    s2, dp, _, _ = _scene(tmp_path)
    r, _ = _run(tmp_path, s2, dp, "buildings taller than 10 m")
    assert "Heights: the height layer was read as a DSM" in r.explanation and "within 120 m" in r.explanation
    s2, dp, _, _ = _scene(tmp_path, base=0.0)
    with rasterio.open(dp, "r+") as ds:  # flat ground at 0 m: an nDSM
        a = ds.read(1)
        yy, xx = np.mgrid[0:120, 0:160]
        ds.write((a - 0.05 * xx - 0.02 * yy).astype(np.float32), 1)
    r, _ = _run(tmp_path, s2, dp, "buildings taller than 10 m")
    assert "Heights: the height layer was read as an nDSM" in r.explanation


def _flat_city(pixel_m: float, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """A flat DSM at 300 m with a 20 m building in the middle (a quarter of the width)."""
    dsm = np.full((n, n), 300.0, np.float32)
    roof = np.zeros((n, n), bool)
    roof[n // 2 - n // 8: n // 2 + n // 8, n // 2 - n // 8: n // 2 + n // 8] = True
    dsm[roof] += 20.0
    return dsm, roof


def test_single_pixel_pits_do_not_lower_the_ground():
    dsm, roof = _flat_city(0.5)
    rng = np.random.default_rng(1)
    ground = np.argwhere(~roof)
    for r, c in ground[rng.choice(len(ground), 20, replace=False)]:
        dsm[r, c] -= 15.0
    hag = height_above_ground(dsm, True, 0.5)
    assert np.nanpercentile(hag[~roof], 99) < 1.0, "20 pits made the flat ground 'buildings' 15 m tall"
    assert abs(np.median(hag[roof]) - 20.0) < 1.0


def test_undeclared_voids_are_no_height():
    dsm, roof = _flat_city(0.5)
    dsm[5:8, 5:8] = -9999.0
    dsm[300:302, 20:22] = -9999.0
    hag = height_above_ground(dsm, True, 0.5)
    assert np.isnan(hag[5:8, 5:8]).all() and np.nanmax(hag[~roof]) < 1.0
    reading = read_heights(dsm)
    assert reading.is_dsm and reading.voids == (-9999.0,)


def test_low_coastal_dsm_is_a_dsm_and_an_ndsm_stays_one():
    dsm, roof = _flat_city(0.5)
    cols = np.arange(dsm.shape[1])[None, :]
    coast = dsm - 300.0 + (0.3 + 5.7 * cols / dsm.shape[1])  # 0.3 m at the shore to 6 m inland
    assert np.percentile(coast, 5) < 2.0 and read_heights(coast).is_dsm
    ndsm = dsm - 300.0 + np.random.default_rng(2).normal(0, 0.1, dsm.shape)
    assert not read_heights(ndsm).is_dsm


def test_fine_pixels_keep_a_30_m_roof():
    dsm, roof = _flat_city(0.1, n=1200)  # a 30 m roof at 0.1 m pixels
    hag = height_above_ground(dsm, True, 0.1)
    assert np.median(hag[roof]) > 19.0, "the ground window must stay ~120 m at fine pixels"


def test_raster_edges_on_a_slope_are_ground():
    yy, xx = np.mgrid[0:300, 0:300]
    dsm = (300.0 + 0.1 * xx * 0.5 + 0.04 * yy * 0.5).astype(np.float32)  # 10 % and 4 % slopes, 0.5 m pixels
    hag = height_above_ground(dsm, True, 0.5)
    assert np.nanmax(np.abs(hag)) < 0.5, "the uphill raster edge became 'buildings'"


def test_a_canopy_height_model_with_few_gaps_stays_an_ndsm():
    """An nDSM whose forest blocks hold only 3 % gaps at 0 m: the local lows were taken at the 5th percentile, the canopy
    itself, and the CHM was read as a DSM (its canopy then subtracted as 'ground')."""
    rng = np.random.default_rng(0)
    h = np.zeros((1024, 1024), np.float32)
    h[:, :614] = rng.uniform(12, 25, (1024, 614))
    gaps = rng.random((1024, 614)) < 0.03
    h[:, :614][gaps] = rng.uniform(0, 1, gaps.sum())
    h[:, 614:] = rng.uniform(0, 0.5, (1024, 410))
    assert not read_heights(h).is_dsm
