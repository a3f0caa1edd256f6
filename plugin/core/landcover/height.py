"""Height filter for class rasters: keep the objects of a class whose height above ground is in a range.

"buildings taller than 10 m" or "trees lower than 3 m" need a DSM or nDSM. An
object is an 8-connected region of one class (as for the size filter in
``mmu.py``); its height is the median height above ground of its pixels, so a
tower keeps its lower edge pixels and a low annex joined to it follows the
larger part. Objects outside the range, and objects without any height value
(DSM nodata), become background in place.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import numpy as np
from osgeo import gdal

from ..errors import Cancelled
from ..messages import t
from .indices import local_lows, void_heights, zero_is_void

DSM_GROUND_M = 2.0
"""An nDSM has its ground near 0 m: when the 5th percentile of the heights is further than this from 0, it is a DSM."""
NDSM_GROUND_M = 1.0
"""An nDSM's ground is near 0 m everywhere: when the median of the local lows (1st percentile of each 64 x 64 block)
is further than this from 0, it is a DSM of low ground (a coast rising from 0.3 m to 6 m has a 5th percentile under
DSM_GROUND_M and was taken for an nDSM: its raised ground became 'buildings')."""


@dataclass
class HeightReading:
    """How a height layer is read: as a DSM (elevations, ground subtracted) or an nDSM (heights above ground), and why."""

    is_dsm: bool
    why: str
    voids: tuple[float, ...] = ()
    """Undeclared fill values found (at or below VOID_M, or exactly 0 m in a DSM of high ground), treated as no height."""


def read_heights(heights: np.ndarray) -> HeightReading:
    """Decide DSM or nDSM from a sample (2-D keeps the local lows; NaN = no value) and say why, for the explanation."""
    h = np.asarray(heights, np.float32)
    void = void_heights(h, zero_is_void(h))  # a 0 m collar of a DSM of high ground is said like a -9999 fill
    voids = tuple(sorted({float(v) for v in np.unique(h[void])[:5]}))
    h = np.where(void, np.nan, h)
    f = h[np.isfinite(h)]
    if not f.size:
        return HeightReading(False, t("no height values"), voids)
    p5 = float(np.percentile(f, 5))
    if abs(p5) > DSM_GROUND_M:
        return HeightReading(True, t("its lowest values (5th percentile {p5} m) are far from 0 m: elevations, not heights "
                                     "above ground", p5=f"{p5:.1f}"), voids)
    lows = local_lows(h)
    ground = float(np.median(np.abs(lows))) if lows.size else 0.0
    if ground > NDSM_GROUND_M:
        return HeightReading(True, t("its local lows are {ground} m from 0 m in most places (5th percentile {p5} m): low "
                                     "ground of a DSM, not the 0 m ground of an nDSM", ground=f"{ground:.1f}",
                                     p5=f"{p5:.1f}"), voids)
    return HeightReading(False, t("its ground is near 0 m everywhere (5th percentile {p5} m, local lows {ground} m from 0 m)",
                                  p5=f"{p5:.1f}", ground=f"{ground:.1f}"), voids)


def looks_like_dsm(heights: np.ndarray) -> bool:
    """True for elevations above sea level (a DSM), False for heights above ground (an nDSM)."""
    return read_heights(heights).is_dsm


@dataclass
class HeightFilterResult:
    """What the height filter did: objects kept and removed, pixels removed."""

    kept: int = 0
    removed: int = 0
    removed_px: int = 0
    no_height: int = 0
    """Objects removed because no pixel of theirs has a height (DSM nodata)."""


def object_medians(labels: np.ndarray, heights: np.ndarray, n: int) -> np.ndarray:
    """Median of the finite ``heights`` of each label 1..n (NaN where a label has none); one sort, no loop."""
    sel = (labels > 0) & np.isfinite(heights)
    lab, h = labels[sel], heights[sel]
    out = np.full(n + 1, np.nan, np.float64)
    if not lab.size:
        return out[1:]
    order = np.lexsort((h, lab))
    lab, h = lab[order], h[order]
    first = np.searchsorted(lab, np.arange(1, n + 1), side="left")
    last = np.searchsorted(lab, np.arange(1, n + 1), side="right")
    count = last - first
    has = count > 0
    lo = first[has] + (count[has] - 1) // 2
    hi = first[has] + count[has] // 2
    out[1:][has] = (h[lo].astype(np.float64) + h[hi]) / 2
    return out[1:]


def filter_by_height(class_path: str, height_path: str, classes: Iterable[int], min_m: float, max_m: float,
                     is_cancelled: Optional[Callable[[], bool]] = None) -> HeightFilterResult:
    """Set to 0, in place, every object (8-connected region) of each class whose median height above ground
    (``height_path``, float32 metres on the same grid) is below ``min_m`` or above ``max_m`` (0: no limit)."""
    from scipy import ndimage

    res = HeightFilterResult()
    if not (min_m or max_m):
        return res
    band = None
    ds = gdal.Open(class_path, gdal.GA_Update)
    hds = gdal.Open(height_path)
    if ds is None or hds is None:
        raise OSError(f"cannot open {class_path} or {height_path}")
    try:
        band = ds.GetRasterBand(1)
        cls = band.ReadAsArray()
        heights = hds.GetRasterBand(1).ReadAsArray().astype(np.float32)
        changed = False
        for k in classes:
            if is_cancelled and is_cancelled():
                raise Cancelled()
            labels, n = ndimage.label(cls == k, structure=np.ones((3, 3), bool))
            if not n:
                continue
            med = object_medians(labels, heights, n)
            known = np.isfinite(med)
            ok = known & (med >= (min_m or -np.inf)) & (med <= (max_m or np.inf))  # NaN compares False: no height, dropped
            drop = np.concatenate([[False], ~ok])[labels]
            res.kept += int(ok.sum())
            res.removed += int((~ok).sum())
            res.no_height += int((~known).sum())
            if drop.any():
                res.removed_px += int(drop.sum())
                cls[drop] = 0
                changed = True
        if changed:
            band.WriteArray(cls)
            ds.FlushCache()
    finally:
        band = ds = hds = None
    return res
