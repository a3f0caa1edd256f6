"""SAR change on a real Sentinel-1 crop (Sen1Floods11, VV/VH dB) with a made flood: an undeclared -9999 fill is nodata,
not a 9,990 dB change that lifted the threshold above the flood (F1 0.167 against 0.769); a scene-wide calibration
offset between the dates is removed and said (+3 dB halved the flood found); the log-ratio notes name the pair's
polarisations and the direction of change."""
from __future__ import annotations

import os
import re

import numpy as np
import rasterio
from rasterio.windows import Window

from conftest import ROOT
from terraprompt.plugin.core.change.align import align_pair
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.change.logratio import LogRatio
from terraprompt.plugin.core.modalities import detect_modality, resolve_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.scaling import fit_scaling

CROP = os.path.join(ROOT, "tests", "data", "sen1floods11_s1_crop.tif")
FLOOD = (slice(20, 70), slice(10, 60))
"""The flooded block of the 96x96 crop (27 % of it)."""
BORDER = 14
"""Columns of fill on the left of AFTER."""


def _db() -> np.ndarray:
    with rasterio.open(CROP) as ds:
        return ds.read().astype(np.float64)


def _write(path, data: np.ndarray, descriptions=("VV", "VH")) -> str:
    """``data`` on the crop's grid as float32, with no nodata value."""
    with rasterio.open(CROP) as ds:
        profile = ds.profile
    profile.update(count=data.shape[0], dtype="float32", nodata=None)
    with rasterio.open(path, "w", **profile) as out:
        out.write(data.astype(np.float32))
        for i, d in enumerate(descriptions, start=1):
            out.set_band_description(i, d)
    return str(path)


def _after_db(flood_db: float = -10.0, offset_db: float = 0.0) -> np.ndarray:
    """The crop with fresh speckle (ENL 4.4), darkened by ``flood_db`` in FLOOD, everything shifted by ``offset_db``."""
    db = _db()
    speckle = np.random.default_rng(7).gamma(4.4, 1 / 4.4, db.shape)
    out = db + 10 * np.log10(speckle) + offset_db
    out[(slice(None),) + FLOOD] += flood_db
    return out


def _truth() -> np.ndarray:
    truth = np.zeros(_db().shape[1:], bool)
    truth[FLOOD] = True
    return truth


def _change(tmp_path, before: str, after: str):
    res = detect_change(ChangeRequest(before=before, after=after, method="logratio", output_change=str(tmp_path / "c.tif")))
    with rasterio.open(res.output_change) as ds:
        return res, ds.read(1)


def _scores(ch: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """(recall of the flood, share of the unchanged compared pixels called change)."""
    ok = ch != 255
    return float((ch[truth & ok] == 1).mean()), float((ch[~truth & ok] == 1).mean())


def test_an_undeclared_minus_9999_fill_of_db_values_is_nodata(tmp_path):
    after = _after_db()
    after[:, :, :BORDER] = -9999.0
    src = open_raster(_write(tmp_path / "s1_after.tif", after))
    sc = fit_scaling(src, detect_modality(src))
    assert not sc.to_db and "undeclared fill" in sc.note, sc.note
    before = _write(tmp_path / "s1_before.tif", _db())
    res, ch = _change(tmp_path, before, src.path)
    assert (ch[:, :BORDER] == 255).all() and (ch[:, BORDER:] != 255).all(), res.summary
    recall, false = _scores(ch, _truth())
    assert recall > 0.9 and false < 0.05, res.summary  # the fill lifted the threshold to 9,990 dB: recall 0


def test_an_undeclared_minus_9999_fill_of_linear_values_keeps_them_linear(tmp_path):
    lin = 10 ** (_after_db() / 10)
    lin[:, :, :BORDER] = -9999.0  # the 5th percentile below 0 read the whole date as dB
    src = open_raster(_write(tmp_path / "s1_after_lin.tif", lin))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.to_db and "undeclared fill" in sc.note, sc.note
    before = _write(tmp_path / "s1_before.tif", _db())
    res, ch = _change(tmp_path, before, src.path)
    assert (ch[:, :BORDER] == 255).all()
    recall, false = _scores(ch, _truth())
    assert recall > 0.9 and false < 0.05, res.summary


def test_a_calibration_offset_between_the_dates_is_removed_and_said(tmp_path):
    before = _write(tmp_path / "s1_before.tif", _db())
    after = _write(tmp_path / "s1_after.tif", _after_db(flood_db=-6.0, offset_db=3.0))
    res, ch = _change(tmp_path, before, after)
    assert "3.0 dB brighter overall" in res.summary, res.summary
    recall, false = _scores(ch, _truth())
    assert recall > 0.9 and false < 0.05, res.summary  # the flood read -3 dB against +3 dB of unchanged land


def test_a_large_flood_is_not_taken_for_an_offset_and_its_direction_is_said(tmp_path):
    """46 % of the crop flooded (open water: VV -22, VH -29 dB with speckle) moves the median log-ratio by about 2 dB,
    not the no-change mode."""
    after = _after_db(flood_db=0.0)
    speckle = 10 * np.log10(np.random.default_rng(8).gamma(4.4, 1 / 4.4, (2, 44, 96)))
    after[:, 52:, :] = np.array([-22.0, -29.0])[:, None, None] + speckle
    truth = np.zeros(after.shape[1:], bool)
    truth[52:, :] = True
    res, ch = _change(tmp_path, _write(tmp_path / "s1_before.tif", _db()), _write(tmp_path / "s1_after.tif", after))
    assert "overall" not in res.summary, res.summary
    dark = re.search(r"Direction: \d+% of changed sample pixels brighten, (\d+)% darken", res.summary)
    assert dark and int(dark.group(1)) > 90, res.summary
    recall, false = _scores(ch, truth)
    assert recall > 0.9 and false < 0.05, res.summary


def test_amplitude_against_intensity_points_to_the_units(tmp_path):
    """AFTER in amplitude with no name that says so is read as intensity (dB halved): the gap points to the units."""
    before = _write(tmp_path / "s1_before.tif", 10 ** (_db() / 10))
    after = _write(tmp_path / "s1_after.tif", np.sqrt(10 ** (_after_db() / 10)))
    res, _ = _change(tmp_path, before, after)
    assert "unit mismatch" in res.summary, res.summary


def test_logratio_notes_name_hh_hv(tmp_path):
    before = open_raster(_write(tmp_path / "hh_before.tif", _db(), ("HH", "HV")))
    after = open_raster(_write(tmp_path / "hh_after.tif", _after_db(), ("HH", "HV")))
    bmod, amod = resolve_modality(before, "auto"), resolve_modality(after, "auto")
    pair = align_pair(before, after, bmod, amod, "auto", True)
    method = LogRatio()
    method.polarisations = {"vv": "hh", "vh": "hv"}
    method.fit(pair.sample())
    assert "Log-ratio on HH, HV" in method.explain()[0], method.explain()
    prob = method.probability(pair.read(Window(0, 0, pair.grid.width, pair.grid.height)))
    assert ((prob >= 0.5) == _truth()).mean() > 0.95
