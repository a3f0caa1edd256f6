"""Co-registration of SAR pairs, and the cloud mask of a co-registered AFTER: no false shadow along the edge, shadows only
near clouds, and the masked share counted over what was masked (the sample also reaches the window's edges)."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window

from conftest import shared
from terraprompt.plugin.core.change.align import MaskedTally, align_pair, sample_windows
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster

S1_CROP = os.path.join(os.path.dirname(__file__), "..", "..", "data", "sen1floods11_s1_crop.tif")


def _fresh_speckle_moved(tmp_path, k: int) -> str:
    """The Sen1Floods11 crop (VV, VH in dB) with fresh speckle (gamma, ENL 4.4) and moved k px right and down: no change."""
    with rasterio.open(S1_CROP) as src:
        db, prof, desc = src.read().astype(np.float64), src.profile, src.descriptions
    rng = np.random.default_rng(1)
    again = 10 * np.log10(10 ** (db / 10) * rng.gamma(4.4, 1 / 4.4, db.shape))
    path = str(tmp_path / f"s1_moved{k}.tif")
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(np.roll(again, (k, k), axis=(1, 2)).astype(np.float32))
        dst.descriptions = desc
    return path


@pytest.mark.parametrize("k", [0, 1, 2])
def test_sar_pair_is_coregistered(tmp_path, k):
    """SAR pairs were never co-registered ('speckle has no edges'): a 1 px shift called 14.5 % of an unchanged scene
    change. The despeckled VV in dB finds the shift, and no shift on the pair in place."""
    b, a = open_raster(S1_CROP), open_raster(_fresh_speckle_moved(tmp_path, k))
    pair = align_pair(b, a, resolve_modality(b), resolve_modality(a), cloud_mask=False)
    assert pair.shift == (k, k), pair.report
    line = next(r for r in pair.report if r.startswith("Co-registration"))
    assert "vv (despeckled, in dB)" in line
    assert (f"AFTER was {k} px right, {k} px down" in line) if k else ("no shift" in line), line


def test_shifted_sar_pair_keeps_unchanged_ground_unchanged(tmp_path):
    """The whole run on the pair moved 1 px calls about as little change as on the pair in place."""
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    shares = []
    for k in (0, 1):
        res = detect_change(ChangeRequest(S1_CROP, _fresh_speckle_moved(tmp_path, k), output_change=str(tmp_path / f"c{k}.tif")))
        shares.append(100.0 * res.changed_area_m2 / res.valid_area_m2)
    assert shares[1] < shares[0] + 2.0, shares


def test_sample_windows_reach_the_last_columns_and_rows():
    """Whole 128 px blocks from the origin never sampled the last w % 128 columns and h % 128 rows."""
    win = Window(10, 20, 300, 290)
    seen = np.zeros((290, 300), bool)
    for seed in range(30):
        for w in sample_windows(win, 128 * 128 * 2, seed=seed):
            assert (w.width, w.height) == (128, 128)
            c, r = int(w.col_off) - 10, int(w.row_off) - 20
            assert 0 <= c and c + 128 <= 300 and 0 <= r and r + 128 <= 290
            seen[r:r + 128, c:c + 128] = True
    assert seen.all()


def test_masked_tally_counts_each_pixel_once():
    """Overlapping reads (the run's tiles, the sample) count a pixel once; the grid's thin last cells count too."""
    tally, report = MaskedTally(40, 35, 0, lambda pct: pct), [""]
    data, masked = np.ones((35, 40), bool), np.zeros((35, 40), bool)
    masked[30:, 36:] = True  # 5 x 4 px in the corner cell
    tally.add(Window(0, 0, 40, 35), data, masked)
    tally.add(Window(0, 0, 40, 35), data, masked)
    tally.add(Window(8, 3, 32, 32), data[3:, 8:], masked[3:, 8:])
    assert (tally.data, tally.masked) == (40 * 35, 20)
    tally.say(report)
    assert report == ["1.4"]


def _oscd_pair(city: str):
    d = shared("oscd", city)
    b, a = open_raster(f"{d}/{city}_t1.tif"), open_raster(f"{d}/{city}_t2.tif")
    return align_pair(b, a, resolve_modality(b), resolve_modality(a), device="cpu")


def test_coregistered_after_has_no_false_shadow_along_its_edge():
    """OSCD Abu Dhabi (clear desert; AFTER read 1 px back): the off-grid column, filled with 0, read as dark ground to
    ukis-csmask, and half of the last 15 columns were masked as shadow (78 ha nodata) while the summary said 0.0 % of
    the sample. The share the report states is now that of the pixels read."""
    pair = _oscd_pair("abudhabi")
    g = pair.grid
    assert pair.shift == (1, 1), pair.report
    edge = pair.read_raw(Window(g.width - 15, 0, 15, g.height))
    assert edge.cloudy < 0.02 * edge.valid.size, edge.cloudy
    whole = pair.read_raw(Window(0, 0, g.width, g.height))
    line = next(r for r in pair.report if r.startswith("Clouds:"))
    pct = 100.0 * whole.cloudy / (whole.cloudy + whole.valid.sum())
    assert f"({pct:.1f} % of the pixels with data on both dates)" in line, line


def test_shadow_with_no_cloud_near_is_not_masked():
    """OSCD Rennes: ukis-csmask finds 'shadow' on dark fields with no cloud on either date; as in land cover, a shadow
    counts only within 5 km of a cloud."""
    pair = _oscd_pair("rennes")
    g = pair.grid
    whole = pair.read_raw(Window(0, 0, g.width, g.height))
    assert whole.cloudy < 0.0002 * whole.valid.size, whole.cloudy
    assert any("its shadows within 5 km of its clouds" in r for r in pair.report), pair.report
