"""Tiling engine: tiled equals untiled for per-pixel ops, every pixel written once, cancel raises."""
from __future__ import annotations

import numpy as np
import pytest

from terraprompt.plugin.core.errors import Cancelled
from terraprompt.plugin.core.tiling import TileSpec, iter_windows, run_tiled, tile_starts


def _field(h, w, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(2, h, w)).astype(np.float32)


def _op(x):
    """A per-pixel function with two output channels."""
    return np.stack([np.tanh(x[0] * 2 + x[1]), x[0] * x[1] - 3]).astype(np.float32)


def _run(data, spec):
    _, h, w = data.shape
    out = np.full((2, h, w), np.nan, np.float32)
    hits = np.zeros((h, w), np.int32)
    seen = []

    def process(wins):
        assert len(wins) <= spec.batch
        res = []
        for win in wins:
            r, c, hh, ww = int(win.row_off), int(win.col_off), int(win.height), int(win.width)
            assert hh <= spec.size and ww <= spec.size
            res.append(_op(data[:, r:r + hh, c:c + ww]))
        return res

    def sink(win, block):
        r, c, hh, ww = int(win.row_off), int(win.col_off), int(win.height), int(win.width)
        assert block.shape == (2, hh, ww)
        out[:, r:r + hh, c:c + ww] = block
        hits[r:r + hh, c:c + ww] += 1
        seen.append(win)

    n = run_tiled(w, h, process, sink, spec)
    return out, hits, n, seen


@pytest.mark.parametrize("h,w,spec", [
    (100, 130, TileSpec(32, 8, 3)),
    (257, 301, TileSpec(64, 16, 4)),
    (97, 61, TileSpec(48, 24, 1)),     # overlap = half the tile
    (50, 40, TileSpec(128, 32, 2)),    # raster smaller than one tile
    (129, 17, TileSpec(64, 0, 2)),     # no overlap, thin strip
    (64, 65, TileSpec(64, 16, 5)),     # exactly one tile high, one pixel over in width
    (300, 300, TileSpec(512, 64, 4)),  # default-like spec on a small raster
])
def test_tiled_equals_untiled(h, w, spec):
    data = _field(h, w)
    out, hits, n, seen = _run(data, spec)
    assert (hits == 1).all(), "every pixel is written exactly once"
    np.testing.assert_allclose(out, _op(data), rtol=1e-5, atol=1e-5)
    assert n == len(tile_starts(w, spec)) * len(tile_starts(h, spec)) == len(list(iter_windows(w, h, spec)))
    rows = [int(s.row_off) for s in seen]
    assert rows == sorted(rows), "blocks are streamed in row-major order"


def test_blending_hides_seams():
    """A per-tile function that is not per-pixel (adds the tile's own offset) is blended smoothly."""
    h, w, spec = 200, 200, TileSpec(64, 32, 2)
    out = np.zeros((1, h, w), np.float32)
    bias = {}

    def process(wins):
        res = []
        for win in wins:
            b = bias.setdefault((win.row_off, win.col_off), float(len(bias) % 2))
            res.append(np.full((1, int(win.height), int(win.width)), b, np.float32))
        return res

    def sink(win, block):
        out[:, int(win.row_off):int(win.row_off + win.height), int(win.col_off):int(win.col_off + win.width)] = block

    run_tiled(w, h, process, sink, spec)
    assert np.abs(np.diff(out[0], axis=1)).max() <= 1.0 / 32 + 1e-5  # ramps, no jumps
    assert np.abs(np.diff(out[0], axis=0)).max() <= 1.0 / 32 + 1e-5


def test_progress_reaches_100():
    got = []
    run_tiled(100, 100, lambda ws: [np.zeros((1, int(x.height), int(x.width)), np.float32) for x in ws],
              lambda w, b: None, TileSpec(32, 8, 2), progress=got.append)
    assert got[-1] == pytest.approx(100.0) and got == sorted(got)


def test_cancel_raises_after_first_batch():
    calls = []

    def process(wins):
        calls.append(len(wins))
        return [np.zeros((1, int(x.height), int(x.width)), np.float32) for x in wins]

    with pytest.raises(Cancelled):
        run_tiled(300, 300, process, lambda w, b: None, TileSpec(64, 16, 2), is_cancelled=lambda: len(calls) >= 1)
    assert calls == [2]


def test_bad_spec():
    with pytest.raises(ValueError):
        TileSpec(64, 40)
    with pytest.raises(ValueError):
        TileSpec(8, 0)


@pytest.mark.parametrize("h,w,spec", [(100, 130, TileSpec(32, 8, 3)), (50, 40, TileSpec(128, 32, 2))])
def test_prefetch_is_told_each_batch_before_process_reads_it(h, w, spec):
    import threading

    from terraprompt.plugin.core.prefetch import Prefetcher

    data = _field(h, w, seed=3)
    read_on = []

    def read(win):
        read_on.append(threading.current_thread() is threading.main_thread())
        r, c, hh, ww = int(win.row_off), int(win.col_off), int(win.height), int(win.width)
        return data[:, r:r + hh, c:c + ww]

    out = np.full((2, h, w), np.nan, np.float32)
    told, processed = [], []
    n_batches = -(-len(tile_starts(w, spec)) // spec.batch) * len(tile_starts(h, spec))
    with Prefetcher(read) as reader:
        def prefetch(wins):
            told.append(list(wins))
            reader.ahead(wins)

        def process(wins):
            processed.append(list(wins))
            assert len(told) == min(len(processed) + 1, n_batches), "the next batch is queued before this one runs"
            return [_op(reader.get(win)) for win in wins]

        def sink(win, block):
            r, c, hh, ww = int(win.row_off), int(win.col_off), int(win.height), int(win.width)
            out[:, r:r + hh, c:c + ww] = block

        run_tiled(w, h, process, sink, spec, prefetch=prefetch)
    assert told == processed and len(read_on) == sum(len(b) for b in processed)
    assert not any(read_on)  # every read ran in the worker thread
    np.testing.assert_allclose(out, _op(data), rtol=1e-5, atol=1e-5)


def test_prefetcher_reraises_read_errors_and_reads_unqueued_windows():
    from rasterio.windows import Window

    from terraprompt.plugin.core.prefetch import Prefetcher

    def read(win):
        if win.col_off == 5:
            raise ValueError("bad block")
        return int(win.col_off)

    with Prefetcher(read) as reader:
        reader.ahead([Window(5, 0, 1, 1), Window(1, 0, 1, 1)])
        with pytest.raises(ValueError, match="bad block"):
            reader.get(Window(5, 0, 1, 1))
        assert reader.get(Window(1, 0, 1, 1)) == 1
        assert reader.get(Window(7, 0, 1, 1)) == 7  # never queued: read now


def test_covering_tiles_span_has_the_whole_rasters_tiles_over_the_part():
    """Tiling the span from its start gives, over the part, the same tile windows as tiling the whole axis."""
    from terraprompt.plugin.core.tiling import covering_tiles, tile_starts

    spec = TileSpec(size=64, overlap=16)
    for length in (50, 64, 200, 333):
        whole = [(s, min(length, s + spec.size)) for s in tile_starts(length, spec)]
        for start in range(0, length, 7):
            for stop in range(start + 1, length + 1, 11):
                a, b = covering_tiles(start, stop, length, spec)
                part = [(a + s, a + min(b - a, s + spec.size)) for s in tile_starts(b - a, spec)]
                assert part == [t for t in whole if t[0] < stop and t[1] > start], (length, start, stop)
