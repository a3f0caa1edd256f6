"""Resampling between a window's pixels and a coarser working grid of whole blocks (networks run at their trained scale)."""
from __future__ import annotations

import numpy as np


def block_mean(a: np.ndarray, f: int, hh: int, ww: int) -> np.ndarray:
    """Mean over f x f blocks onto an (hh, ww) grid (edge blocks padded by edge values)."""
    if f == 1:
        return a
    h, w = a.shape
    p = np.pad(a, ((0, hh * f - h), (0, ww * f - w)), mode="edge")
    return p.reshape(hh, f, ww, f).mean(axis=(1, 3))


def _blocks(shape: tuple[int, int], f: int) -> tuple[int, int]:
    """Rows and columns of f x f blocks covering a (h, w) window."""
    return -(-shape[0] // f), -(-shape[1] // f)


def block_any(mask: np.ndarray, f: int) -> np.ndarray:
    """The f x f blocks holding any True pixel of ``mask``."""
    return block_mean(mask.astype(np.float32), f, *_blocks(mask.shape, f)) > 0


def valid_block_mean(a: np.ndarray, valid: np.ndarray, f: int) -> tuple[np.ndarray, np.ndarray]:
    """Block means of ``a`` over its valid pixels only, and the blocks holding any valid pixel."""
    hh, ww = _blocks(valid.shape, f)
    share = block_mean(valid.astype(np.float32), f, hh, ww)
    total = block_mean(np.where(valid, np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0), 0.0).astype(np.float32), f, hh, ww)
    return (total / np.maximum(share, 1e-6)).astype(np.float32), share > 0


def interp_matrix(n_out: int, start: float, length: float, n_grid: int) -> np.ndarray:
    """(n_out, n_grid) bilinear weights sampling grid cells (centres at start + (i + .5) * length / n_grid) at pixel centres."""
    u = (np.arange(n_out) + 0.5 - start) / length * n_grid - 0.5
    u = np.clip(u, 0, n_grid - 1)
    i0 = np.floor(u).astype(int)
    i1 = np.minimum(i0 + 1, n_grid - 1)
    w1 = (u - i0).astype(np.float32)
    m = np.zeros((n_out, n_grid), np.float32)
    m[np.arange(n_out), i0] += 1 - w1
    m[np.arange(n_out), i1] += w1
    return m


def block_upsample(a: np.ndarray, f: int, h: int, w: int) -> np.ndarray:
    """A (..., hh, ww) grid of f x f blocks back onto (h, w) pixels, bilinear between block centres."""
    hh, ww = a.shape[-2:]
    wy, wx = interp_matrix(h, 0.0, hh * f, hh), interp_matrix(w, 0.0, ww * f, ww)
    return (wy @ a.astype(np.float32) @ wx.T).astype(np.float32)


def drop_small_regions(mask: np.ndarray, min_pixels: int) -> np.ndarray:
    """The mask without its 8-connected regions smaller than ``min_pixels`` (the mask itself when min_pixels <= 1)."""
    if min_pixels <= 1 or not mask.any():
        return mask
    from scipy import ndimage

    lab, n = ndimage.label(mask, structure=np.ones((3, 3), bool))
    sizes = np.bincount(lab.ravel(), minlength=n + 1)
    keep = sizes >= min_pixels
    keep[0] = False
    return keep[lab]
