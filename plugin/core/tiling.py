"""Tiling engine: overlapping tiles, batched processing, seamless blending, streamed output.

Tiles of ``size`` pixels overlap by ``overlap`` pixels. Inside an overlap the
two tiles' results are blended with complementary linear ramps (weights sum to
one), so no seams show. Finished blocks (``size - overlap`` pixels square) are
handed to a sink in row-major order as soon as no later tile can touch them, so
memory holds one tile row's overlap strip, never the raster: memory grows with
the raster's width times ``overlap``, not with its area.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Sequence

import numpy as np
from rasterio.windows import Window

from .errors import Cancelled

ProcessFn = Callable[[Sequence[Window]], Sequence[np.ndarray]]
"""Batch function: windows → one float32 (C, h, w) array per window (consumed: run_tiled may weight it in place)."""
SinkFn = Callable[[Window, np.ndarray], None]
"""Receives a finished, blended block (C, h, w) and where it lies."""


@dataclass(frozen=True)
class TileSpec:
    """Tile size, overlap and batch size (pixels, pixels, tiles)."""

    size: int = 512
    overlap: int = 64
    batch: int = 4

    def __post_init__(self) -> None:
        if self.size < 16 or self.overlap < 0 or 2 * self.overlap > self.size:
            raise ValueError("tile size must be >= 16 and overlap at most half the tile size")

    @property
    def stride(self) -> int:
        return self.size - self.overlap


def tile_starts(length: int, spec: TileSpec) -> list[int]:
    """Start offsets of the tiles along one axis (the last tile is clipped at the edge)."""
    if length <= spec.size:
        return [0]
    n = max(1, math.ceil((length - spec.overlap) / spec.stride))
    return [i * spec.stride for i in range(n)]


def covering_tiles(start: int, stop: int, length: int, spec: TileSpec) -> tuple[int, int]:
    """The span [a, b) of the whole-raster tiles (along one axis of ``length`` pixels) that cover [start, stop).

    Tiled from ``a``, that span has the same tiles, overlaps and blending over [start, stop) as the whole raster: a
    part of a raster (an extent) run over it gives what the whole run gives there, network context included.
    """
    starts = tile_starts(length, spec)
    ends = [min(length, s + spec.size) for s in starts]
    used = [k for k, (s, e) in enumerate(zip(starts, ends)) if s < stop and e > start]
    return starts[used[0]], ends[used[-1]]


def iter_windows(width: int, height: int, spec: TileSpec) -> Iterator[Window]:
    """All tile windows in row-major order."""
    for y in tile_starts(height, spec):
        for x in tile_starts(width, spec):
            yield Window(x, y, min(spec.size, width - x), min(spec.size, height - y))


def _ramp(n: int, overlap: int, ramp_start: bool, ramp_end: bool) -> np.ndarray:
    """1-D blending weights: linear ramps over the overlaps at internal edges, 1 elsewhere."""
    w = np.ones(n, dtype=np.float32)
    if overlap > 0:
        r = (np.arange(overlap, dtype=np.float32) + 0.5) / overlap
        if ramp_start:
            w[:overlap] = r[: min(overlap, n)]
        if ramp_end:
            w[-overlap:] = np.minimum(w[-overlap:], r[::-1][-min(overlap, n):])
    return w


def _owned_float32(res) -> np.ndarray:
    """A float32 (C, h, w) array the engine may modify in place (copied only when it is a view or read-only)."""
    arr = np.asarray(res)
    if arr.dtype != np.float32 or arr.base is not None or not arr.flags.writeable or not arr.flags.c_contiguous:
        arr = np.array(arr, dtype=np.float32, order="C")
    return arr


def run_tiled(
    width: int,
    height: int,
    process: ProcessFn,
    sink: SinkFn,
    spec: TileSpec = TileSpec(),
    progress: Optional[Callable[[float], None]] = None,
    is_cancelled: Optional[Callable[[], bool]] = None,
    prefetch: Optional[Callable[[Sequence[Window]], None]] = None,
) -> int:
    """Process a width x height raster tile by tile and stream blended blocks to ``sink``.

    Returns the number of tiles processed. Raises :class:`Cancelled` when
    ``is_cancelled()`` becomes true (the sink has then seen only part of the raster).
    ``prefetch`` (e.g. :meth:`Prefetcher.ahead`) is told each batch's windows one batch before ``process`` gets them.
    """
    xs, ys = tile_starts(width, spec), tile_starts(height, spec)

    def row_windows(y0: int) -> list[Window]:
        return [Window(x0, y0, min(spec.size, width - x0), min(spec.size, height - y0)) for x0 in xs]

    batches = [ws[b0: b0 + spec.batch] for ws in map(row_windows, ys) for b0 in range(0, len(xs), spec.batch)]
    if prefetch is not None:
        prefetch(batches[0])
    nb = 0
    ov = spec.overlap
    total = len(xs) * len(ys)
    done = 0
    # (C, ov, width): the previous tile row's weighted bottom overlap. One buffer serves both rows: a tile
    # first adds the columns it covers, then overwrites them with its own bottom overlap.
    row_carry: Optional[np.ndarray] = None
    for r, y0 in enumerate(ys):
        th = min(spec.size, height - y0)
        last_row = r == len(ys) - 1
        fr = th if last_row else spec.stride
        wy = _ramp(th, ov, r > 0, not last_row)
        col_carry: Optional[np.ndarray] = None  # (C, th, ov): previous tile's weighted right overlap
        windows = row_windows(y0)
        for b0 in range(0, len(windows), spec.batch):
            if is_cancelled is not None and is_cancelled():
                raise Cancelled()
            batch = windows[b0 : b0 + spec.batch]
            nb += 1
            if prefetch is not None and nb < len(batches):
                prefetch(batches[nb])
            results = process(batch)
            for k, (win, res) in enumerate(zip(batch, results)):
                c = b0 + k
                x0, tw = int(win.col_off), int(win.width)
                last_col = c == len(xs) - 1
                fc = tw if last_col else spec.stride
                full = _owned_float32(res)
                if ov:
                    # Complementary ramps sum to one in every overlap (and their products in the corners),
                    # so only the overlap strips are weighted and no normalisation pass is needed.
                    if r > 0:
                        full[:, :ov, :] *= wy[:ov, None]
                    if not last_row:
                        full[:, th - ov :, :] *= wy[th - ov :, None]
                    if c > 0:
                        full[:, :, :ov] *= _ramp(tw, ov, True, False)[:ov]
                    if not last_col:
                        full[:, :, tw - ov :] *= _ramp(tw, ov, False, True)[tw - ov :]
                    if r > 0:
                        if row_carry is None:
                            raise RuntimeError("internal tiling error: missing row carry")
                        full[:, :ov, :fc] += row_carry[:, :, x0 : x0 + fc]
                    if c > 0 and col_carry is not None:
                        full[:, :, :ov] += col_carry
                    if not last_row:
                        if row_carry is None:
                            row_carry = np.zeros((full.shape[0], ov, width), dtype=np.float32)
                        row_carry[:, :, x0 : x0 + fc] = full[:, fr:, :fc]
                    col_carry = full[:, :, fc:].copy() if not last_col else None
                sink(Window(x0, y0, fc, fr), full[:, :fr, :fc])
                done += 1
                if progress is not None:
                    progress(100.0 * done / total)
    return done


def tiled_span(window: Window, width: int, height: int, spec: TileSpec) -> Window:
    """The window to tile for an extent: the tiles of the whole raster (width x height) that cover it, so the engines see
    the context and the tile layout of a whole run there (the extent's own result is cut out of it)."""
    c0, c1 = covering_tiles(int(window.col_off), int(window.col_off + window.width), width, spec)
    r0, r1 = covering_tiles(int(window.row_off), int(window.row_off + window.height), height, spec)
    return Window(c0, r0, c1 - c0, r1 - r0)


def sink_within(window: Window, run_win: Window, sink: Callable[[Window, np.ndarray], None]) -> Callable[[Window, np.ndarray], None]:
    """A sink for the tiles of ``run_win`` that passes on only their part inside ``window``, on window's grid."""
    if run_win == window:
        return sink
    dx, dy = int(window.col_off - run_win.col_off), int(window.row_off - run_win.row_off)
    width, height = int(window.width), int(window.height)

    def sink_extent(w: Window, block: np.ndarray) -> None:
        c0, r0 = max(int(w.col_off), dx), max(int(w.row_off), dy)
        c1, r1 = min(int(w.col_off + w.width), dx + width), min(int(w.row_off + w.height), dy + height)
        if c1 > c0 and r1 > r0:
            sink(Window(c0 - dx, r0 - dy, c1 - c0, r1 - r0),
                 block[:, r0 - int(w.row_off):r1 - int(w.row_off), c0 - int(w.col_off):c1 - int(w.col_off)])

    return sink_extent
