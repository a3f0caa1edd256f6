"""Co-registration: the whole-pixel shift between the dates, found by phase correlation of edges and read back."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio

from conftest import SAMPLE_S2, shared
from terraprompt.plugin.core.change.coregister import MAX_SHIFT, estimate_shift


@pytest.mark.parametrize("dx, dy", [(0, 0), (1, 0), (-2, 1), (3, -3)])
def test_shift_of_a_real_band_is_found(dx, dy):
    """The Beirut sample's NIR band against itself moved (dx right, dy down), with noise and a 20 % gain."""
    with rasterio.open(SAMPLE_S2) as src:
        nir = src.read(8).astype(np.float64)
    moved = np.roll(np.roll(nir, dy, axis=0), dx, axis=1) * 1.2 + np.random.default_rng(0).normal(0, 30, nir.shape)
    got = estimate_shift(nir, moved, np.ones(nir.shape, bool))
    assert got[:2] == (dx, dy) and got[2] > 2.0


def test_unrelated_images_give_no_shift():
    """Noise against noise, or too few valid pixels: no shift is claimed."""
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(200, 200)), rng.normal(size=(200, 200))
    assert estimate_shift(a, b, np.ones(a.shape, bool))[:2] == (0, 0)
    assert estimate_shift(a, a, np.zeros(a.shape, bool)) == (0, 0, 0.0)
    strip = rng.normal(size=(5, 5000))  # a strip a few rows high cannot tell rows apart
    assert estimate_shift(strip, np.roll(strip, 1, axis=1), np.ones(strip.shape, bool)) == (0, 0, 0.0)
    assert MAX_SHIFT >= 2


def test_misregistered_after_date_is_read_back_in_place(tmp_path):
    """OSCD Hong Kong (not trained on) with the second date's content moved 2 px right and down: reported and undone,
    so the change network keeps its F1 (0.51 in place; 0.34 read as it is without co-registration)."""
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    d = shared("oscd", "hongkong")
    with rasterio.open(f"{d}/hongkong_t2.tif") as src:
        data, prof, desc = src.read(), src.profile, src.descriptions
    path = str(tmp_path / "hongkong_t2_moved.tif")
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(np.roll(np.roll(data, 2, axis=1), 2, axis=2))
        dst.descriptions = desc
    truth = rasterio.open(f"{d}/hongkong_cm.tif").read(1) == 1
    out = str(tmp_path / "change.tif")
    res = detect_change(ChangeRequest(f"{d}/hongkong_t1.tif", path, output_change=out, method="network"))
    assert "Co-registration: AFTER was 2 px right, 2 px down" in res.summary, res.summary
    with rasterio.open(out) as ds:
        pred = ds.read(1)
    p, t = (pred == 1)[4:-4, 4:-4], (truth & (pred != 255))[4:-4, 4:-4]
    assert 2 * (p & t).sum() / max(p.sum() + t.sum(), 1) > 0.47


def _hongkong_moved_by(tmp_path, cols: int):
    """The OSCD Hong Kong first date aligned with itself moved ``cols`` columns (no change): the aligned pair."""
    from terraprompt.plugin.core.change.align import align_pair
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster

    d = shared("oscd", "hongkong")
    with rasterio.open(f"{d}/hongkong_t1.tif") as src:
        data, prof, desc = src.read(), src.profile, src.descriptions
    path = str(tmp_path / "hongkong_moved.tif")
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(np.roll(data, cols, axis=2))
        dst.descriptions = desc
    b, a = open_raster(f"{d}/hongkong_t1.tif"), open_raster(path)
    return align_pair(b, a, resolve_modality(b), resolve_modality(a), cloud_mask=False)


def test_a_shift_left_and_up_is_said_so(tmp_path):
    """A shift to the left was reported as '-1 px right'."""
    pair = _hongkong_moved_by(tmp_path, -1)
    assert any(r.startswith("Co-registration: AFTER was 1 px left of BEFORE") for r in pair.report), pair.report


def test_a_shift_beyond_what_is_corrected_is_said(tmp_path):
    """A 6 px misregistration was reported as 'no shift found' while a fifth of an unchanged pair was called change."""
    pair = _hongkong_moved_by(tmp_path, 6)
    assert pair.shift == (0, 0)
    assert any("caution: AFTER looks shifted by 6, 0 px" in r for r in pair.report), pair.report
