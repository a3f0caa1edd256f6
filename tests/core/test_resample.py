"""Block averaging onto a coarser working grid and bilinear interpolation back (plugin/core/resample.py)."""
from __future__ import annotations

import numpy as np

from terraprompt.plugin.core.resample import block_any, block_mean, block_upsample, drop_small_regions, valid_block_mean


def test_block_mean_pads_partial_blocks_with_edge_values():
    a = np.arange(25, dtype=np.float32).reshape(5, 5)
    m = block_mean(a, 2, 3, 3)
    assert m.shape == (3, 3)
    assert m[0, 0] == np.mean([0, 1, 5, 6])
    assert m[2, 2] == 24.0  # the corner block is the edge value repeated
    assert block_mean(a, 1, 5, 5) is a


def test_valid_block_mean_ignores_nodata_and_flags_empty_blocks():
    a = np.full((4, 6), 10.0, np.float32)
    valid = np.ones((4, 6), bool)
    a[:2, :2] = np.nan
    valid[:2, :2] = False
    a[2, 4] = -9999.0
    valid[2, 4] = False
    m, ok = valid_block_mean(a, valid, 2)
    assert m.shape == ok.shape == (2, 3)
    assert not ok[0, 0] and ok[1:].all() and ok[0, 1:].all()
    np.testing.assert_allclose(m[ok], 10.0)
    np.testing.assert_array_equal(block_any(valid, 2), ok)


def test_block_upsample_keeps_constants_and_block_centre_values():
    g = np.array([[0.0, 1.0], [2.0, 3.0]], np.float32)
    up = block_upsample(g[None], 4, 8, 8)[0]
    assert up.shape == (8, 8)
    assert up[0, 0] == 0.0 and up[7, 7] == 3.0  # clamped beyond the outer block centres
    # pixel centre 3.5 lies 0.375 of the way from block centre 2 to block centre 6, on both axes
    assert abs(up[3, 3] - (0.625 * 0.375 * 1 + 0.375 * 0.625 * 2 + 0.375 * 0.375 * 3)) < 1e-6
    assert up[1, 1] == 0.0 and up[2, 2] == 0.375  # within half a block of the first centre: its value; then the ramp
    assert np.all(np.diff(up, axis=1) >= -1e-6) and np.all(np.diff(up, axis=0) >= -1e-6)  # monotone ramp
    np.testing.assert_allclose(block_upsample(np.full((1, 3, 2), 0.7, np.float32), 5, 13, 9), 0.7, atol=1e-6)


def test_drop_small_regions_keeps_large_8_connected_regions():
    m = np.zeros((8, 8), bool)
    m[0:3, 0:3] = True  # 9 px
    m[3, 3] = True  # touches the block diagonally: part of it (10 px)
    m[6:8, 6:8] = True  # 4 px
    kept = drop_small_regions(m, 5)
    assert kept[0:3, 0:3].all() and kept[3, 3] and not kept[6:8, 6:8].any()
    assert drop_small_regions(m, 1) is m
