"""Probability → binary change at a threshold: a pure function, and a streamed re-threshold of a file.

The dock's threshold slider uses these, so moving it never recomputes the
change probabilities, only this comparison.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
import rasterio
from rasterio.windows import Window

from ..errors import Cancelled, InputError
from ..messages import decimal, t
from ..raster import Grid
from ..writers import GeoTiffWriter, check_output_path

PROB_NODATA = -1.0
CHANGE_NODATA = 255
CHANGE_COLORS = {0: (230, 230, 230, 0), 1: (230, 30, 30, 255), 255: (0, 0, 0, 0)}


def threshold_change(probability: np.ndarray, threshold: float, valid: Optional[np.ndarray] = None) -> np.ndarray:
    """uint8 change map: 1 where probability ≥ threshold, 0 below, 255 where invalid (NaN, < 0 or masked)."""
    if not 0.0 <= threshold <= 1.0:
        raise InputError(t("The threshold {threshold} is outside 0..1.", threshold=decimal(f"{threshold:g}")),
                         t("Choose a probability between 0 and 1."))
    p = np.asarray(probability, dtype=np.float32)
    ok = np.isfinite(p) & (p >= 0)
    if valid is not None:
        ok &= valid
    out = np.where(p >= threshold, 1, 0).astype(np.uint8)
    out[~ok] = CHANGE_NODATA
    return out


def rethreshold(probability_path: str, output_path: str, threshold: float,
                progress: Optional[Callable[[float], None]] = None,
                is_cancelled: Optional[Callable[[], bool]] = None, rows: int = 512) -> dict:
    """Write a new change raster from a probability raster at another threshold; returns pixel counts."""
    out = check_output_path(output_path, [probability_path], (".tif", ".tiff"))
    counts = {"change": 0, "no_change": 0, "nodata": 0}
    with rasterio.open(probability_path) as ds:
        grid = Grid(ds.crs, ds.transform, ds.width, ds.height)
        writer = GeoTiffWriter(out, grid, 1, "uint8", CHANGE_NODATA, colormap=CHANGE_COLORS, descriptions=["change"],
                               tags={"TERRAPROMPT_THRESHOLD": f"{threshold:.4f}"})
        try:
            for r0 in range(0, ds.height, rows):
                if is_cancelled is not None and is_cancelled():
                    raise Cancelled()
                win = Window(0, r0, ds.width, min(rows, ds.height - r0))
                data = ds.read(1, window=win, masked=True)
                ch = threshold_change(np.asarray(data.filled(PROB_NODATA)), threshold)
                writer.write(win, ch)
                counts["change"] += int((ch == 1).sum())
                counts["no_change"] += int((ch == 0).sum())
                counts["nodata"] += int((ch == CHANGE_NODATA).sum())
                if progress:
                    progress(100.0 * (r0 + win.height) / ds.height)
            writer.close()
        except BaseException:
            writer.abort()
            raise
    return counts
