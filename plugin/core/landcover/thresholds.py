"""Scene-adaptive thresholds: Otsu on a sample, clamped to a physically plausible range."""
from __future__ import annotations

import numpy as np


def otsu(values: np.ndarray, bins: int = 256) -> float:
    """Otsu's threshold of a 1-D sample (NaN ignored)."""
    v = values[np.isfinite(values)]
    if v.size < 16:
        return float("nan")
    lo, hi = np.percentile(v, [0.5, 99.5])
    if hi <= lo:
        return float(lo)
    hist, edges = np.histogram(np.clip(v, lo, hi), bins=bins, range=(lo, hi))
    p = hist.astype(np.float64) / hist.sum()
    centers = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(p)
    m0 = np.cumsum(p * centers)
    mt = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mt * w0 - m0) ** 2 / (w0 * (1 - w0))
    between[~np.isfinite(between)] = -1
    return float(centers[int(np.argmax(between))])


def adaptive_threshold(values: np.ndarray, default: float, lo: float, hi: float) -> tuple[float, str]:
    """Otsu threshold clamped to [lo, hi]; the default when the sample is not usable. Returns (t, how)."""
    t = otsu(values)
    if not np.isfinite(t):
        return default, f"default {default:g} (too few valid pixels for Otsu)"
    if t < lo or t > hi:
        c = float(np.clip(t, lo, hi))
        return c, f"Otsu {t:.3f} clamped to {c:.3f} (plausible range {lo:g}..{hi:g})"
    return t, f"Otsu {t:.3f}"
