"""Clouds and cloud shadows with the pretrained ukis-csmask network (ONNX, DLR).

The package ships U-Nets (EfficientNet-B4 encoder) for 6 bands (blue, green,
red, NIR, SWIR 1.6 µm, SWIR 2.2 µm) and 4 bands (blue, green, red, NIR), each
for L1C (top of atmosphere) and L2A (surface) reflectance, trained at ~30 m on
fixed 256 x 256 inputs. A tile is averaged down to ~30 m, cut into blocks of
BLOCK cells, each run in a 256 x 256 window with MARGIN cells of real context
on its internal sides (padded where the raster is smaller), normalised with the
model card's statistics, and the class probabilities (clear, cloud, shadow) of
each block's own cells are brought back to the tile's pixels.
"""
from __future__ import annotations

import json
import os
from typing import Optional

import numpy as np

from ..gapfill import fill_nearest
from ..messages import measure, number, t
from ..resample import valid_block_mean

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
MARGIN = 12
"""Cells of context a block is read with on each internal side (its window is SIZE cells, its own cells BLOCK). The
network's output near a window's edge differs from the same cell's output deep inside a window: on the ukis-csmask
test chips (Sentinel-2, Landsat 5, 512 cells), the class changed at 4.3 / 10.5 % of cells on the edge, 1.8 / 5.3 % 4
cells in, 0.9 / 2.9 % 12 cells in and 0.7 / 2.5 % 16 cells in. Blocks run with no margin changed class across their
borders at 19 / 36 % of pixels (3.8 / 6.0 % across other rows; a Beihai shadow ended on a border row); with 12 cells,
3.7 / 6.3 %. 12 keeps 3 blocks on 683 cells (a 2048 px Sentinel-2 raster), as with no margin."""
BLOCK = SIZE - 2 * MARGIN
NARROW_CELLS = 96
"""Cells a side under which a raster, though over MIN_CELLS, gets false cloud or shadow, and :meth:`CloudMasker.describe`
cautions. Strips of 29 clear-to-cloudy OSCD and Sen1Floods11 scenes (4 positions, both axes) against the whole-raster
run on the same pixels: the share masked only in the strip was over 2 % on 8, 4, 1 and 1 scenes at 16, 32, 64 and 80
cells (up to 9-13 % at 32-64 cells on Beirut; a 43-cell Sen1Floods11 crop 12 %), and on none at 96 or 128 cells."""


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


class CloudMasker:
    """Cloud / shadow probabilities for tiles of a reflectance stack."""

    def __init__(self, roles: set[str], pixel_m: float, product_level: str = "l1c", device: str = "auto",
                 threads: Optional[int] = None) -> None:
        from ..runtime import shared_session

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
        # one session per state of the model file, device, providers and threads, until runtime.release_models()
        self.session, self.device_report = shared_session(path, device, threads, kind="cloud network")
        self.input_name = self.session.get_inputs()[0].name
        self.factor = int(max(1, min(8, round(TARGET_M / max(pixel_m, 1e-3)))))
        self.pixel_m = pixel_m
        self.product_level = product_level
        self.skipped: Optional[tuple[int, int]] = None
        """(width, height) px of a raster too thin for the network (fewer than MIN_CELLS cells a side), left unmasked."""
        self.narrow: Optional[tuple[int, int]] = None
        """(width, height) px of a raster masked with fewer than NARROW_CELLS cells on a side."""

    def describe(self, caution: bool = True) -> str:
        """One line for explanations (with a caution when a raster was too small to mask, or narrow unless ``caution`` is
        False: :meth:`narrow_caution`)."""
        line = t("ukis-csmask {version} ({n} bands: {bands}; {pixel} m pixels averaged x{factor} to ~{coarse} m)",
                 version=self.model_version, n=len(self.bands), bands=", ".join(self.bands), pixel=measure(self.pixel_m),
                 factor=self.factor, coarse=measure(self.pixel_m * self.factor))
        if self.skipped is None:
            return line + ("; " + self.narrow_caution() if caution and self.narrow else "")
        w, h = self.skipped
        return line + "; " + t(
            "caution: not run on this {width} x {height} px raster ({cols} x {rows} cells of ~{coarse} m), under the {min} "
            "cells a side the network needs (on less it takes clear ground for cloud): clouds and shadows were not masked, "
            "so check the image for them or use a larger extent",
            width=w, height=h, cols=-(-w // self.factor), rows=-(-h // self.factor), coarse=measure(self.pixel_m * self.factor),
            min=MIN_CELLS)

    def narrow_caution(self) -> str:
        """The caution for a raster under NARROW_CELLS cells on a side (empty when none was)."""
        if self.narrow is None:
            return ""
        w, h = self.narrow
        f, coarse = self.factor, measure(self.pixel_m * self.factor)
        if -(-w // f) <= -(-h // f):
            text = t("caution: this raster is only {px} px ({cells} cells of ~{coarse} m) wide, under the {min} cells a "
                     "side the network needs not to take clear ground near the raster's edges for cloud or shadow: "
                     "check the mask, or run on the whole raster with an EXTENT, or use the product's cloud mask band",
                     px=w, cells=-(-w // f), coarse=coarse, min=NARROW_CELLS)
        else:
            text = t("caution: this raster is only {px} px ({cells} cells of ~{coarse} m) high, under the {min} cells a "
                     "side the network needs not to take clear ground near the raster's edges for cloud or shadow: "
                     "check the mask, or run on the whole raster with an EXTENT, or use the product's cloud mask band",
                     px=h, cells=-(-h // f), coarse=coarse, min=NARROW_CELLS)
        return text

    def probabilities(self, bands: dict[str, np.ndarray], valid: np.ndarray) -> np.ndarray:
        """(3, h, w) probabilities of clear, cloud and shadow for one tile."""
        h, w = valid.shape
        if too_small(w, h, self.factor):
            self.skipped = (w, h)
            return all_clear(h, w)
        f = self.factor
        hh, ww = -(-h // f), -(-w // f)
        if too_narrow(w, h, f):
            self.narrow = (w, h)
        x = cell_means([bands[b] for b in self.bands], valid, f)
        x = (x - self.mean) / self.std
        prob = np.zeros((3, hh, ww), dtype=np.float32)
        for ya, y0, y1 in window_runs(hh):
            for xa, x0, x1 in window_runs(ww):
                p = self._window(x[:, ya:ya + SIZE, xa:xa + SIZE])
                prob[:, y0:y1, x0:x1] = p[:, y0 - ya:y1 - ya, x0 - xa:x1 - xa]
        if f > 1:
            prob = np.repeat(np.repeat(prob, f, axis=1), f, axis=2)[:, :h, :w]
        return prob

    def _window(self, chunk: np.ndarray) -> np.ndarray:
        """(3, h, w) probabilities of one normalised chunk of at most SIZE x SIZE cells (padded to SIZE for the run)."""
        ch, cw = chunk.shape[1:]
        pad = np.pad(chunk, ((0, 0), (0, SIZE - ch), (0, SIZE - cw)), mode="reflect" if min(ch, cw) > 1 else "edge")
        logits = self.session.run(None, {self.input_name: pad[None]})[0][0][:, :ch, :cw]
        e = np.exp(logits - logits.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)


MOSTLY_CLOUD_SHARE = 0.9
"""Share of the area with data called cloud or shadow above which the explanation cautions (:func:`mostly_cloud_caution`)."""


def mostly_cloud_caution(cloudy: float, clear: float) -> str:
    """A caution when clouds and shadows (``cloudy``) cover more than MOSTLY_CLOUD_SHARE of the area with data (``cloudy``
    + ``clear``, any unit), else '': a fill read as data (a stripe of 65535) took a whole clear scene for cloud."""
    if cloudy <= MOSTLY_CLOUD_SHARE * (cloudy + clear):
        return ""
    return t("Caution: clouds and shadows cover {pct} % of the area with data: check the image, as a fill value read as "
             "data (stripes or collars at 0 or at the data type's largest value) can look like cloud to the network; "
             "declare it as the nodata value, or turn the cloud masking off for a clear image",
             pct=number(100.0 * cloudy / (cloudy + clear), 1))


def cell_means(bands: list[np.ndarray], valid: np.ndarray, factor: int) -> np.ndarray:
    """(bands, cells) means of each ``factor`` x ``factor`` cell over its valid pixels, a cell without any taking its
    nearest such cell's means: nodata read as 0 reflectance is dark like shadow, and averaged into the cells along
    declared SLC-off stripes it made 11 % of a Sen1Floods11 scene cloud or shadow (1.7 ha without the stripes, 90 ha with)."""
    cells = [valid_block_mean(band, valid, factor) for band in bands]
    has = cells[0][1]
    return fill_nearest(np.stack([c[0] for c in cells]), has).astype(np.float32)


def too_small(width: int, height: int, factor: int) -> bool:
    """Whether a raster of ``width`` x ``height`` px gives the network fewer than MIN_CELLS cells a side."""
    return min(-(-width // factor), -(-height // factor)) < MIN_CELLS


def too_narrow(width: int, height: int, factor: int) -> bool:
    """Whether a raster of ``width`` x ``height`` px gives the network fewer than NARROW_CELLS cells on a side."""
    return min(-(-width // factor), -(-height // factor)) < NARROW_CELLS


def all_clear(height: int, width: int) -> np.ndarray:
    """(3, height, width) probabilities of clear sky, where the network is not run."""
    prob = np.zeros((3, height, width), dtype=np.float32)
    prob[0] = 1.0
    return prob


def window_start(start: int, total: int) -> int:
    """First cell of the SIZE-cell window that holds the block starting at cell ``start`` of ``total``: MARGIN cells
    before it, moved to stay inside the raster (so a block on the raster's edge, or a thin last block, is read with
    more real context, and every window of a raster of MIN_CELLS cells or more has at least that many)."""
    return max(0, min(start - MARGIN, total - SIZE))


def window_runs(total: int) -> list[tuple[int, int, int]]:
    """(window start, first cell, end cell) of the network runs along an axis of ``total`` cells: one per block of
    BLOCK cells, blocks whose windows coincide (a raster of BLOCK to SIZE cells) sharing one run."""
    runs: list[tuple[int, int, int]] = []
    for start in range(0, total, BLOCK):
        a, end = window_start(start, total), min(total, start + BLOCK)
        if runs and runs[-1][0] == a:
            runs[-1] = (a, runs[-1][1], end)
        else:
            runs.append((a, start, end))
    return runs


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


class BlockCache:
    """Cloud probabilities on a fixed grid of blocks of the scene, so every tile sees the same wide context.

    A block is BLOCK x factor source pixels (7 km for Sentinel-2); it is run in a window of SIZE x factor pixels (one
    network window at ~30 m) with MARGIN cells of its neighbours around it, and keeps its own cells, so a block border
    is no seam in the masks. A tile takes its probabilities from the blocks it overlaps, whatever the tile size or the
    extent. Windows are kept (as float16 at the network's resolution) in a small LRU, which holds a few block rows of a
    raster of any width; blocks that share a window (a raster of BLOCK to SIZE cells) share one run. A raster under
    MIN_CELLS cells a side is left unmasked.
    """

    def __init__(self, masker: CloudMasker, reader, width: int, height: int, keep: int = 96) -> None:
        self.masker, self.reader = masker, reader
        self.width, self.height = width, height
        self.block = BLOCK * masker.factor
        self.keep = keep
        self._windows: "dict[tuple[int, int], np.ndarray]" = {}

    def cells(self, by: int, bx: int) -> np.ndarray:
        """(3, h, w) float16 probabilities of block (by, bx) at the network's resolution (one cell per ``factor``
        source pixels), cut from its window's run."""
        f = self.masker.factor
        rows, cols = -(-self.height // f), -(-self.width // f)
        r0, c0 = by * BLOCK, bx * BLOCK
        h, w = min(BLOCK, rows - r0), min(BLOCK, cols - c0)
        if too_small(self.width, self.height, f):  # no real context to read: not masked, and the caution names the raster
            self.masker.skipped = (self.width, self.height)
            return all_clear(h, w).astype(np.float16)
        ra, ca = window_start(r0, rows), window_start(c0, cols)
        return self._window(ra, ca)[:, r0 - ra:r0 - ra + h, c0 - ca:c0 - ca + w]

    def _window(self, ra: int, ca: int) -> np.ndarray:
        """(3, h, w) float16 probabilities of the SIZE-cell window (cut to the raster) starting at cell (ra, ca),
        computed on first use and kept in the LRU."""
        key = (ra, ca)
        if key in self._windows:
            self._windows[key] = self._windows.pop(key)  # most recently used last
            return self._windows[key]
        from rasterio.windows import Window

        f = self.masker.factor
        y, x = ra * f, ca * f
        bands, valid = self.reader(Window(x, y, min(SIZE * f, self.width - x), min(SIZE * f, self.height - y)))
        p = self.masker.probabilities(bands, valid)  # (3, h, w) at source resolution
        if too_narrow(self.width, self.height, f):  # the caution names the raster, not its window
            self.masker.narrow = (self.width, self.height)
        self._windows[key] = small = (p[:, ::f, ::f] if f > 1 else p).astype(np.float16)
        while len(self._windows) > self.keep:
            self._windows.pop(next(iter(self._windows)))
        return small

    def window(self, col_off: int, row_off: int, width: int, height: int) -> np.ndarray:
        """(3, height, width) probabilities for a window of the scene grid."""
        out = np.empty((3, height, width), dtype=np.float32)
        return paste_cells(out, self.cells, self.masker.factor, self.block, col_off, row_off)
