"""Scene-adaptive thresholds of 1-D samples: Otsu (multi-level, clamped to a plausible range) and Kittler–Illingworth."""
from __future__ import annotations

import numpy as np

from .messages import decimal, t as _t


def clipped_histogram(values: np.ndarray, top_pct: float, bins: int = 256):
    """Normalised histogram of the finite values clipped to [0.5th, top_pct] percentiles.

    Returns (p, edges), or a float (NaN for fewer than 16 values, the single value of a flat sample).
    """
    v = values[np.isfinite(values)]
    if v.size < 16:
        return float("nan")
    lo, hi = np.percentile(v, [0.5, top_pct])
    if hi <= lo:
        return float(hi)
    hist, edges = np.histogram(np.clip(v, lo, hi), bins=bins, range=(lo, hi))
    return hist.astype(np.float64) / hist.sum(), edges


def otsu(values: np.ndarray, bins: int = 256) -> float:
    """Otsu's threshold of a 1-D sample (NaN ignored)."""
    h = clipped_histogram(values, 99.5, bins)
    if isinstance(h, float):
        return h
    p, edges = h
    centers = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(p)
    m0 = np.cumsum(p * centers)
    mt = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mt * w0 - m0) ** 2 / (w0 * (1 - w0))
    between[~np.isfinite(between)] = -1
    return float(centers[int(np.argmax(between))])


def bimodality(v: np.ndarray, t: float | None = None) -> float:
    """Otsu's effectiveness η = between-class / total variance of a split (1 = two sharp classes)."""
    v = v[np.isfinite(v)]
    if v.size < 16 or float(v.var()) <= 0:
        return 0.0
    t = otsu(v) if t is None else t
    lo, hi = v[v <= t], v[v > t]
    if lo.size == 0 or hi.size == 0:
        return 0.0
    w0 = lo.size / v.size
    return float(w0 * (1 - w0) * (hi.mean() - lo.mean()) ** 2 / v.var())


def threshold_in_range(values: np.ndarray, default: float, lo: float, hi: float, min_eta: float = 0.5,
                       depth: int = 2, descend_eta: float = 0.75) -> tuple[float, str]:
    """Otsu's split that falls in the plausible range [lo, hi].

    When the scene's main split lies outside the range (e.g. vegetation vs the rest for a water index), Otsu is
    repeated inside the class on the range's side (a multi-level Otsu), at most ``depth`` times. A sample that is
    not two classes (η < min_eta) gives the default. Inside a class the split must be clearly bimodal
    (η >= descend_eta; a single Gaussian already gives η ≈ 0.64), else the default is used: a scene without
    water must not get a water threshold cut into its land. Returns (threshold, how).
    """
    v = values[np.isfinite(values)]
    for level in range(depth + 1):
        eta = bimodality(v)
        if v.size < 64 or eta < (min_eta if level == 0 else descend_eta):
            why = _t("no clear split in the scene") if level == 0 else _t("no clear second class inside the plausible range")
            return default, _t("default {value} ({why}, η={eta})", value=decimal(f"{default:g}"), why=why, eta=decimal(f"{eta:.2f}"))
        t = otsu(v)
        if lo <= t <= hi:
            return t, (_t("Otsu {value} (level {level})", value=decimal(f"{t:.3f}"), level=level + 1) if level
                       else "Otsu " + decimal(f"{t:.3f}"))
        if level == depth:
            break
        v = v[v > t] if t < lo else v[v <= t]
    c = float(np.clip(t, lo, hi))
    return c, _t("Otsu {value} clamped to {clamped} (plausible range {lo}..{hi})", value=decimal(f"{t:.3f}"),
                 clamped=decimal(f"{c:.3f}"), lo=decimal(f"{lo:g}"), hi=decimal(f"{hi:g}"))


def kittler_illingworth(values: np.ndarray, bins: int = 256) -> float:
    """Minimum-error threshold (Kittler & Illingworth 1986) of a 1-D sample.

    Unlike Otsu it models the two classes with their own spread and prior, so it
    holds when change is a few per cent of the scene (Otsu then cuts far too low).
    """
    h = clipped_histogram(values, 99.9, bins)
    if isinstance(h, float):
        return h
    p, edges = h
    c = (edges[:-1] + edges[1:]) / 2
    p0 = np.cumsum(p)
    m0s = np.cumsum(p * c)
    s0s = np.cumsum(p * c * c)
    p1 = 1.0 - p0
    with np.errstate(divide="ignore", invalid="ignore"):
        m0 = m0s / p0
        m1 = (m0s[-1] - m0s) / p1
        v0 = s0s / p0 - m0 ** 2
        v1 = (s0s[-1] - s0s) / p1 - m1 ** 2
        j = 1 + p0 * np.log(np.maximum(v0, 1e-12)) + p1 * np.log(np.maximum(v1, 1e-12)) - 2 * (p0 * np.log(p0) + p1 * np.log(p1))
    ok = (p0 > 1e-6) & (p1 > 1e-6) & (v0 > 0) & (v1 > 0)
    ok[:2] = False
    ok[-2:] = False
    if not ok.any():
        return float("nan")
    j[~ok] = np.inf
    return float(edges[int(np.argmin(j)) + 1])
