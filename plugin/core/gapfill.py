"""Nodata gaps filled from the nearest valid pixel before a network sees a window.

A convolutional network reads its neighbourhood: nodata stored as 0 or -9999 is a dark wall next to the valid pixels,
and the row along it comes out as water. Copying the nearest valid value into the gap removes the wall; the gap
itself stays nodata in every output.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage


def fill_nearest(band: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """``band`` (rows, cols), or a stack (bands, rows, cols), with each invalid (or non-finite) pixel set to its nearest
    valid pixel's value(s); 0 where none is valid."""
    finite = np.isfinite(band) if band.ndim == 2 else np.isfinite(band).all(axis=0)
    ok = np.asarray(valid, bool) & finite
    if ok.all():
        return band
    if not ok.any():
        return np.zeros_like(band)
    idx = ndimage.distance_transform_edt(~ok, return_distances=False, return_indices=True)
    return band[..., idx[0], idx[1]]
