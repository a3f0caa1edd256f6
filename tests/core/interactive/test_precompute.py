"""encode_raster: the shared tile grid is encoded once; batch runs then encode nothing."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import write_raster
from interactive_helpers import scene
from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, segment_prompts
from terraprompt.plugin.core.interactive.encoder import tile_for, tile_grid, tile_origins
from terraprompt.plugin.core.interactive.precompute import encode_raster
from terraprompt.plugin.core.raster import open_raster

TR = from_origin(300000, 5000000, 1.0, 1.0)


def test_tile_origins_cover_and_overlap():
    assert tile_origins(100, 64) == [0, 32, 36]
    assert tile_origins(64, 64) == [0]
    assert tile_origins(10, 64) == [0]
    offs = tile_origins(3000, 1024)
    assert offs[0] == 0 and offs[-1] == 3000 - 1024 and all(b - a <= 512 for a, b in zip(offs, offs[1:]))


def test_tile_for_keeps_prompts_inside(tmp_path):
    data, _ = scene(h=300, w=700)
    src = open_raster(write_raster(str(tmp_path / "a.tif"), data.astype(np.uint8), transform=TR))
    w = tile_for(src, [650.0], [10.0], size=256)
    assert w.col_off <= 650 < w.col_off + w.width and w in tile_grid(src, 256)
    big = tile_for(src, [10.0, 600.0], [10.0, 20.0], size=256)  # prompts spanning more than half a tile
    assert big.width > 256


def test_precompute_then_batch_hits_cache(tmp_path):
    data, masks = scene(h=300, w=700, objects=[("rect", 40, 600, 30, 45, (200, 170, 150))])
    path = write_raster(str(tmp_path / "a.tif"), data.astype(np.uint8), transform=TR)
    cache = str(tmp_path / "cache")
    r1 = encode_raster(path, tile=256, cache_dir=cache)
    assert r1.tiles == len(tile_grid(open_raster(path), 256)) == 2 * 5 and r1.encoded == r1.tiles and r1.cached == 0
    r2 = encode_raster(path, tile=256, cache_dir=cache)
    assert r2.encoded == 0 and r2.cached == r2.tiles
    x, y = TR * (620, 55)
    res = segment_prompts(SegmentRequest(path, [PromptObject(1, [(x, y, True)])], str(tmp_path / "o.gpkg"),
                                         window_size=256, cache_dir=cache))
    assert res.objects == 1 and "newly encoded: 0" in res.report


def test_a_raster_whose_encodings_exceed_the_cap_is_refused_after_one_tile(tmp_path):
    """A 20000² orthophoto needs about 20 GB of encodings; under the 2 GB cap the run evicted 90 % of what it encoded and
    said so only at the end."""
    from terraprompt.plugin.core.errors import OutputError
    from terraprompt.plugin.core.interactive.cache import EmbeddingCache

    rng = np.random.default_rng(0)
    path = write_raster(str(tmp_path / "big.tif"), rng.integers(0, 255, (3, 512, 512)).astype(np.uint8))
    cache = str(tmp_path / "cache")
    with pytest.raises(OutputError, match=r"needs about .* MB of cache \(\d+ tiles") as err:
        encode_raster(path, tile=128, cache_dir=cache, cache_max_bytes=200_000)
    assert "CACHE_MB" in err.value.fix
    assert len(EmbeddingCache(cache).entries()) <= 1  # refused after the first tile, not after all of them
