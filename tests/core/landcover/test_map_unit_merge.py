"""merge_undersized: a land-cover map's regions still under the minimum in m² merge into the classified regions around
them (across strip edges too); one with no classified neighbour is cleared."""
from __future__ import annotations

import numpy as np
import rasterio

from conftest import write_raster
from terraprompt.plugin.core.mmu import BLOCK_ROWS, merge_undersized


def test_undersized_regions_merge_into_their_neighbours_across_strips(tmp_path):
    h, w = BLOCK_ROWS + 60, 20
    c = np.full((h, w), 2, np.uint8)
    c[BLOCK_ROWS - 6:BLOCK_ROWS + 7, 5:9] = 1  # 52 pixels across the strip edge: under 60
    c[200:215, 0:10] = 3  # 150 pixels: kept
    c[9:14, 9:14] = 255
    c[10:13, 10:13] = 1  # 9 pixels ringed by nodata: no neighbour to merge into
    path = write_raster(str(tmp_path / "map.tif"), c, nodata=255)
    changed = merge_undersized(path, [1, 2, 3], 60.0, np.ones(h), 255)
    with rasterio.open(path) as ds:
        out = ds.read(1)
    assert changed == 52 + 9
    assert (out[BLOCK_ROWS - 6:BLOCK_ROWS + 7, 5:9] == 2).all()
    assert (out[200:215, 0:10] == 3).all() and (out[10:13, 10:13] == 0).all()
    assert (out[9:14, 9:14][c[9:14, 9:14] == 255] == 255).all() and not (out == 254).any()
