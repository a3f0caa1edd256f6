"""Review 3 of the change engine: an int16 -9999 fill over most of a SAR sample, a flood over most of a flat scene, the
network's lower pixel limit on a mixed-resolution pair, and the SAR noise floor in dB."""
from __future__ import annotations

import numpy as np
import rasterio
from rasterio.transform import from_origin

from conftest import synthetic_s2, write_raster
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change


def _speckle_db(sigma_db: np.ndarray, rng: np.random.Generator, looks: int = 4) -> np.ndarray:
    """Sigma0 (dB) with multiplicative gamma speckle of ``looks`` looks, in dB."""
    return 10 * np.log10(10 ** (sigma_db / 10) * rng.gamma(looks, 1 / looks, sigma_db.shape))


def _parcels(n: int, rng: np.random.Generator, cell: int, lo: float, hi: float) -> np.ndarray:
    """Field parcels of constant sigma0 (dB)."""
    return np.kron(rng.uniform(lo, hi, (n // cell + 1, n // cell + 1)), np.ones((cell, cell)))[:n, :n]


def _sar(path, vv_db: np.ndarray, rng: np.random.Generator, speckle: bool = True) -> str:
    data = np.stack([vv_db, vv_db - 7]) if not speckle else np.stack([_speckle_db(vv_db, rng), _speckle_db(vv_db - 7, rng)])
    return write_raster(str(path), data.astype(np.float32), transform=from_origin(500000, 5000000, 10, 10),
                        descriptions=["VV", "VH"])


def test_int16_amplitude_with_a_fill_over_most_of_the_sample_stays_amplitude(tmp_path):
    """With -9999 over 60 % of the columns the median was the fill, and amplitude DN (median 240) were read as hundredths
    of a dB: VV +2.2 dB instead of -6.6 dB."""
    from terraprompt.plugin.core.modalities import detect_modality
    from terraprompt.plugin.core.raster import open_raster
    from terraprompt.plugin.core.scaling import fit_scaling

    rng = np.random.default_rng(0)
    dn = (rng.gamma(4, 1, (2, 200, 200)) * np.array([60, 25])[:, None, None]).clip(1, 32000).astype(np.int16)
    dn[:, :, :120] = -9999
    path = write_raster(str(tmp_path / "s1_fill60.tif"), dn, transform=from_origin(500000, 5000000, 10, 10),
                        descriptions=["VV", "VH"])
    src = open_raster(path)
    s = fit_scaling(src, detect_modality(src))
    assert s.to_db and s.scale == 2.0, s.note
    vals, ok = s.measured(dn.astype(np.float32), inplace=False)
    assert -8 < float(np.median(vals[0][ok])) < -5, s.note
    assert abs(float(ok.mean()) - 0.4) < 0.01


def test_a_flood_over_most_of_a_flat_scene_is_not_removed_as_an_offset(tmp_path):
    """At 60 % flooded the log-ratio's mode was the flood's own darkening (11.9 dB): removed as calibration, all the dry
    land read as change (F1 0.009). Now gaps of 3.5 dB or more are said and left."""
    rng = np.random.default_rng(11)
    n = 200
    s0 = _parcels(n, rng, 40, -10, -8)
    flood = np.zeros((n, n), bool)
    flood[:, : int(n * 0.6)] = True
    b = _sar(tmp_path / "b.tif", s0, rng)
    a = _sar(tmp_path / "a.tif", np.where(flood, -21.0, s0), rng)
    out = str(tmp_path / "change.tif")
    res = detect_change(ChangeRequest(b, a, output_change=out, cloud_mask=False))
    with rasterio.open(out) as ds:
        c = ds.read(1)
    assert float((c[~flood] == 1).mean()) < 0.05, res.summary
    assert "removed as a calibration" not in res.summary
    assert "not removed" in res.summary and "most of the scene" in res.summary, res.summary


def test_auto_checks_the_network_limit_on_the_grid_it_runs_on(tmp_path):
    """BEFORE at 3.3 m and AFTER at 10 m: the network runs on BEFORE's 3.3 m grid (the case its 8 m lower limit measured
    losing to CVA), while the limit was checked on the coarser date's 10 m and auto chose the network."""
    from terraprompt.plugin.core.change.align import align_pair
    from terraprompt.plugin.core.change.methods import choose_method
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster

    after = synthetic_s2(90, 90, seed=1)[0]
    before = np.repeat(np.repeat(synthetic_s2(90, 90, seed=0)[0], 3, axis=1), 3, axis=2)
    pb = write_raster(str(tmp_path / "before_3m.tif"), before, transform=from_origin(500000, 4500000, 10 / 3, 10 / 3))
    pa = write_raster(str(tmp_path / "after_10m.tif"), after, transform=from_origin(500000, 4500000, 10, 10))
    b, a = open_raster(pb), open_raster(pa)
    pair = align_pair(b, a, resolve_modality(b), resolve_modality(a), cloud_mask=False)
    name, why = choose_method("auto", pair)
    assert name == "cva", why
    assert "3.3 m pixels are finer than" in why, why


def test_sar_noise_floor_is_in_db(tmp_path):
    """A SAR pair that differs only by rounding AFTER to 0.1 dB: CVA called 1 % of it changed under the reflectance floor
    0.005 labelled 'dB'; the SAR floor is 0.5 dB."""
    rng = np.random.default_rng(7)
    x = _speckle_db(_parcels(150, rng, 25, -16, -6), rng)
    b = _sar(tmp_path / "b.tif", x, rng, speckle=False)
    a = _sar(tmp_path / "a.tif", np.round(x, 1), rng, speckle=False)
    out = str(tmp_path / "change.tif")
    res = detect_change(ChangeRequest(b, a, output_change=out, method="cva", cloud_mask=False))
    with rasterio.open(out) as ds:
        c = ds.read(1)
    assert (c == 1).sum() == 0, res.summary
    assert "under 0.5 dB are not change: 100" in res.summary, res.summary
