"""Synthetic before/after pairs with known change for the change-detection tests."""
from __future__ import annotations

import numpy as np

from conftest import S2_NAMES, synthetic_s2, write_raster


def change_pair(h: int = 160, w: int = 200, seed: int = 0, gain: float = 1.08, offset: int = 150):
    """A 13-band S2 scene, and the same scene later with two changed squares and a radiometric gain/offset.

    Returns (before, after, truth): uint16 arrays and the boolean change mask. Square A (rows 20-50, cols 120-150)
    turns vegetation into bright bare/built surface; square B (rows 100-130, cols 165-195) turns bare land into water.
    """
    before, water, veg = synthetic_s2(h, w, seed)
    refl = before.astype(np.float32) / 10000
    after = refl.copy()
    truth = np.zeros((h, w), dtype=bool)
    a = (slice(20, 50), slice(120, 150))
    after[(slice(None),) + a] = 0.3
    after[(11,) + a] = 0.35
    after[(12,) + a] = 0.3
    truth[a] = True
    b = (slice(100, 130), slice(165, 195))
    for band in (7, 8, 11, 12):
        after[(band,) + b] = 0.02
    after[(1,) + b], after[(2,) + b], after[(3,) + b] = 0.09, 0.08, 0.05
    truth[b] = True
    rng = np.random.default_rng(seed + 1)
    after = after + rng.normal(0, 0.005, after.shape).astype(np.float32)
    after_dn = np.clip(after * 10000 * gain + offset, 0, 65535).astype(np.uint16)
    return before, after_dn, truth


def write_pair(tmp_path, **kw):
    """change_pair written as GeoTIFFs (UTM 33N, 10 m, S2 band names); returns (before, after, truth)."""
    b, a, truth = change_pair(**kw)
    pb = write_raster(str(tmp_path / "before_2020-06-01.tif"), b, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "after_2022-06-01.tif"), a, descriptions=S2_NAMES)
    return pb, pa, truth


def iou(pred: np.ndarray, truth: np.ndarray) -> float:
    """Intersection over union of two boolean masks."""
    return float((pred & truth).sum() / max((pred | truth).sum(), 1))
