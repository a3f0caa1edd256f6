"""Clouds and cloud shadows with the pretrained ukis-csmask network (ONNX, DLR).

The package ships U-Nets (EfficientNet-B4 encoder) for 6 bands (blue, green,
red, NIR, SWIR 1.6 µm, SWIR 2.2 µm) and 4 bands (blue, green, red, NIR), each
for L1C (top of atmosphere) and L2A (surface) reflectance, trained at ~30 m on
fixed 256 x 256 inputs. A tile is averaged down to ~30 m, padded to 256 x 256
windows, normalised with the model card's statistics, run, and the class
probabilities (clear, cloud, shadow) are brought back to the tile's pixels.
"""
from __future__ import annotations

import json
import os
from typing import Optional

import numpy as np

from ..messages import measure, t
from ..resample import block_mean

SIX = ("blue", "green", "red", "nir", "swir1", "swir2")
FOUR = ("blue", "green", "red", "nir")
TARGET_M = 30.0
SIZE = 256
MIN_CELLS = 16
"""Real cells a side (at ~30 m) the network needs in a window. It reads a fixed 256-cell window through a stride-32
encoder (EfficientNet-B4): under 16 real cells, the real content fills less than half a cell of its deepest feature map
and the rest of the window is mirrored padding, a pattern the network was never shown. On clear OSCD crops (8 scenes,
3-96 px) windows of 3-16 cells took 40-95 % of clear pixels for cloud on 6 of the 8 scenes (Beihai 7-8 px: 31/49 and
40/64 px), while the same pixels in wider crops were clear. Thinner blocks of a larger raster are read with real context
from their neighbour; a raster thinner than this is not masked (:func:`too_small`), and the rule line says so."""


def csmask_dir() -> Optional[str]:
    """Folder of the installed ukis_csmask package (its ONNX models), or None."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("ukis_csmask")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    d = os.path.dirname(spec.origin)
    return d if os.path.isfile(os.path.join(d, "model_4b_l1c.onnx")) else None


def csmask_bands(roles: set[str]) -> Optional[tuple[str, ...]]:
    """The bands the network will use (6 or 4), or None when the stack lacks them."""
    if set(SIX) <= roles:
        return SIX
    if set(FOUR) <= roles:
        return FOUR
    return None


def available(roles: set[str]) -> tuple[bool, str]:
    """Whether the cloud network can run on these bands, and why not."""
    if csmask_dir() is None:
        return False, t("the ukis-csmask package is not installed")
    if csmask_bands(roles) is None:
        return False, t("it needs blue, green, red and NIR reflectance (better also SWIR1 and SWIR2)")
    return True, ""


_SESSIONS: dict = {}


class CloudMasker:
    """Cloud / shadow probabilities for tiles of a reflectance stack."""

    def __init__(self, roles: set[str], pixel_m: float, product_level: str = "l1c", device: str = "auto",
                 threads: Optional[int] = None) -> None:
        from ..runtime import onnx_session

        bands = csmask_bands(roles)
        if bands is None or csmask_dir() is None:
            raise RuntimeError("ukis-csmask cannot run on these bands")
        self.bands = bands
        name = f"model_{len(bands)}b_{product_level}"
        path = os.path.join(csmask_dir(), name + ".onnx")
        with open(os.path.join(csmask_dir(), name + ".json")) as f:
            card = json.load(f)
        stats = card["data"]["dataset_statistics"]
        self.mean = np.asarray(stats["img"][0], dtype=np.float32)[:, None, None]
        self.std = np.asarray(stats["img"][1], dtype=np.float32)[:, None, None]
        self.model_version = card["model"]["version"]
        key = (path, device, threads)
        if key not in _SESSIONS:
            _SESSIONS[key] = onnx_session(path, device, threads)
        self.session, self.device_report = _SESSIONS[key]
        self.input_name = self.session.get_inputs()[0].name
        self.factor = int(max(1, min(8, round(TARGET_M / max(pixel_m, 1e-3)))))
        self.pixel_m = pixel_m
        self.product_level = product_level
        self.skipped: Optional[tuple[int, int]] = None
        """(width, height) px of a raster too thin for the network (fewer than MIN_CELLS cells a side), left unmasked."""

    def describe(self) -> str:
        """One line for explanations (with a caution when a raster was too small to mask)."""
        line = t("ukis-csmask {version} ({n} bands: {bands}; {pixel} m pixels averaged x{factor} to ~{coarse} m)",
                 version=self.model_version, n=len(self.bands), bands=", ".join(self.bands), pixel=measure(self.pixel_m),
                 factor=self.factor, coarse=measure(self.pixel_m * self.factor))
        if self.skipped is None:
            return line
        w, h = self.skipped
        return line + "; " + t(
            "caution: not run on this {width} x {height} px raster ({cols} x {rows} cells of ~{coarse} m), under the {min} "
            "cells a side the network needs (on less it takes clear ground for cloud): clouds and shadows were not masked, "
            "so check the image for them or use a larger extent",
            width=w, height=h, cols=-(-w // self.factor), rows=-(-h // self.factor), coarse=measure(self.pixel_m * self.factor),
            min=MIN_CELLS)

    def probabilities(self, bands: dict[str, np.ndarray], valid: np.ndarray) -> np.ndarray:
        """(3, h, w) probabilities of clear, cloud and shadow for one tile."""
        h, w = valid.shape
        if too_small(w, h, self.factor):
            self.skipped = (w, h)
            return all_clear(h, w)
        f = self.factor
        hh, ww = -(-h // f), -(-w // f)
        x = np.empty((len(self.bands), hh, ww), dtype=np.float32)
        for i, b in enumerate(self.bands):
            a = np.where(valid, np.nan_to_num(bands[b], nan=0.0), 0.0).astype(np.float32)
            x[i] = block_mean(a, f, hh, ww)
        x = (x - self.mean) / self.std
        prob = np.zeros((3, hh, ww), dtype=np.float32)
        for y0 in range(0, hh, SIZE):
            for x0 in range(0, ww, SIZE):
                ya, xa = context_start(y0, hh), context_start(x0, ww)  # a thin last chunk read with its neighbour's cells
                chunk = x[:, ya:y0 + SIZE, xa:x0 + SIZE]
                ch, cw = chunk.shape[1:]
                pad = np.pad(chunk, ((0, 0), (0, SIZE - ch), (0, SIZE - cw)), mode="reflect" if min(ch, cw) > 1 else "edge")
                logits = self.session.run(None, {self.input_name: pad[None]})[0][0]
                e = np.exp(logits - logits.max(axis=0, keepdims=True))
                prob[:, y0:ya + ch, x0:xa + cw] = (e / e.sum(axis=0, keepdims=True))[:, y0 - ya:ch, x0 - xa:cw]
        if f > 1:
            prob = np.repeat(np.repeat(prob, f, axis=1), f, axis=2)[:, :h, :w]
        return prob


def too_small(width: int, height: int, factor: int) -> bool:
    """Whether a raster of ``width`` x ``height`` px gives the network fewer than MIN_CELLS cells a side."""
    return min(-(-width // factor), -(-height // factor)) < MIN_CELLS


def all_clear(height: int, width: int) -> np.ndarray:
    """(3, height, width) probabilities of clear sky, where the network is not run."""
    prob = np.zeros((3, height, width), dtype=np.float32)
    prob[0] = 1.0
    return prob


def context_start(start: int, total: int, size: int = SIZE) -> int:
    """Where to start reading a window of ``size`` (cells or pixels) that begins at ``start`` of ``total``: earlier, to a
    full window ending on the edge, when the rest holds fewer than MIN_CELLS cells and there is room before it."""
    rest = total - start
    if start == 0 or rest >= size or -(-rest * SIZE // size) >= MIN_CELLS:
        return start
    return max(0, total - size)


def paste_cells(out: np.ndarray, cells, factor: int, block: int, col_off: int, row_off: int) -> np.ndarray:
    """Fill ``out`` (..., height, width), a window of the scene grid, from per-block arrays at the cloud network's cells
    (``cells(by, bx)`` -> (..., block / factor, block / factor)), each pixel taking its cell's value."""
    height, width = out.shape[-2:]
    f, B = factor, block
    for by in range(row_off // B, (row_off + height - 1) // B + 1):
        for bx in range(col_off // B, (col_off + width - 1) // B + 1):
            small = cells(by, bx)
            r0, c0 = by * B, bx * B
            y0, y1 = max(row_off, r0), min(row_off + height, r0 + B)
            x0, x1 = max(col_off, c0), min(col_off + width, c0 + B)
            ys = ((np.arange(y0, y1) - r0) // f).clip(0, small.shape[-2] - 1)
            xs = ((np.arange(x0, x1) - c0) // f).clip(0, small.shape[-1] - 1)
            out[..., y0 - row_off:y1 - row_off, x0 - col_off:x1 - col_off] = small[..., ys, :][..., xs]
    return out


def aligned_start(start: int, total: int, block: int, factor: int) -> int:
    """:func:`context_start` for a block of ``block`` source pixels, moved to a multiple of ``factor`` pixels."""
    return -(-context_start(start, total, block) // factor) * factor


class BlockCache:
    """Cloud probabilities on a fixed grid of blocks of the scene, so every tile sees the same wide context.

    A block is SIZE x factor source pixels (one network window at ~30 m, 7.7 km for Sentinel-2); a tile takes
    its probabilities from the blocks it overlaps, whatever the tile size. Blocks are kept (as float16 at the
    network's resolution) in a small LRU, which holds a few block rows of a raster of any width. A last block under
    MIN_CELLS cells a side is read with its neighbour's pixels up to a whole block (a strip's 6-cell last block took
    clear sky for cloud); a raster under MIN_CELLS cells a side is left unmasked.
    """

    def __init__(self, masker: CloudMasker, reader, width: int, height: int, keep: int = 96) -> None:
        self.masker, self.reader = masker, reader
        self.width, self.height = width, height
        self.block = SIZE * masker.factor
        self.keep = keep
        self._blocks: "dict[tuple[int, int], np.ndarray]" = {}

    def cells(self, by: int, bx: int) -> np.ndarray:
        """(3, h, w) float16 probabilities of block (by, bx) at the network's resolution (one cell per ``factor``
        source pixels), computed on first use and kept in the LRU."""
        key = (by, bx)
        if key in self._blocks:
            self._blocks[key] = self._blocks.pop(key)  # most recently used last
            return self._blocks[key]
        from rasterio.windows import Window

        f, B = self.masker.factor, self.block
        r0, c0 = by * B, bx * B
        h, w = min(B, self.height - r0), min(B, self.width - c0)
        if too_small(self.width, self.height, f):  # no real context to read: not masked, and the caution names the raster
            self.masker.skipped = (self.width, self.height)
            small = all_clear(-(-h // f), -(-w // f)).astype(np.float16)
        else:  # a thin last block is read with its neighbour's pixels (from a multiple of f, so the cells line up)
            ra, ca = aligned_start(r0, self.height, B, f), aligned_start(c0, self.width, B, f)
            bands, valid = self.reader(Window(ca, ra, c0 + w - ca, r0 + h - ra))
            p = self.masker.probabilities(bands, valid)[:, r0 - ra:, c0 - ca:]  # (3, h, w) at source resolution
            small = p[:, ::f, ::f].astype(np.float16) if f > 1 else p.astype(np.float16)
        self._blocks[key] = small
        while len(self._blocks) > self.keep:
            self._blocks.pop(next(iter(self._blocks)))
        return small

    def window(self, col_off: int, row_off: int, width: int, height: int) -> np.ndarray:
        """(3, height, width) probabilities for a window of the scene grid."""
        out = np.empty((3, height, width), dtype=np.float32)
        return paste_cells(out, self.cells, self.masker.factor, self.block, col_off, row_off)
