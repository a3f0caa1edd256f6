"""The cache cap chosen for a folder (encode_image's CACHE_MB) is kept by its later users, which set none (segment_prompts,
find_similar, the map tool): they evicted down to the 2 GB default, deleting what was precomputed under a larger cap.
The precomputed entries of a large raster are sparse files (no disk space)."""
from __future__ import annotations

import os
import time

import numpy as np
from rasterio.transform import from_origin

from conftest import write_raster
from interactive_helpers import scene
from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, segment_prompts
from terraprompt.plugin.core.interactive.cache import DEFAULT_MAX_BYTES, MB, EmbeddingCache, recorded_cap
from terraprompt.plugin.core.interactive.precompute import encode_raster

TR = from_origin(300000, 5000000, 1.0, 1.0)


def _precomputed(folder: str, n: int = 25, size: int = 100 * MB) -> list[str]:
    """n sparse entries of ``size`` bytes (2.5 GB: beyond the default cap), older than anything written next."""
    now = time.time()
    paths = []
    for i in range(n):
        p = os.path.join(folder, f"bigortho_tile{i:02d}.npz")
        with open(p, "wb") as f:
            f.truncate(size)
        os.utime(p, (now - 100 + i, now - 100 + i))
        paths.append(p)
    return paths


def test_a_cap_set_by_encode_raster_is_kept_by_segment_prompts_and_reported_in_mb(tmp_path):
    data, _ = scene(h=200, w=200, objects=[("rect", 40, 60, 30, 45, (200, 170, 150))])
    path = write_raster(str(tmp_path / "a.tif"), data.astype(np.uint8), transform=TR)
    other = write_raster(str(tmp_path / "b.tif"), data[:, ::-1].astype(np.uint8).copy(), transform=TR)
    cache = str(tmp_path / "cache")
    res = encode_raster(path, tile=256, cache_dir=cache, cache_max_bytes=6000 * MB)
    assert "(cap 6,000 MB)" in res.report, res.report  # CACHE_MB=6000 was reported as 'cap 6291 MB'
    assert recorded_cap(cache) == 6000 * MB
    big = _precomputed(cache)
    x, y = TR * (75, 55)
    out = segment_prompts(SegmentRequest(other, [PromptObject(1, [(x, y, True)])], str(tmp_path / "o.gpkg"),
                                         window_size=256, cache_dir=cache))
    assert out.objects == 1 and "newly encoded: 1)" in out.report  # it encoded (and stored) a new entry
    assert all(os.path.exists(p) for p in big)  # nothing of the 2.5 GB precomputed was evicted
    fresh = EmbeddingCache(cache)  # as the map tool and find_similar make it
    assert fresh.max_bytes == 6000 * MB
    fresh.put("k", {"a": np.zeros(4)})
    assert all(os.path.exists(p) for p in big)


def test_a_folder_without_a_recorded_cap_keeps_the_default_and_an_explicit_cap_replaces_it(tmp_path):
    cache = str(tmp_path / "cache")
    assert EmbeddingCache(cache).max_bytes == DEFAULT_MAX_BYTES and recorded_cap(cache) is None
    assert EmbeddingCache(cache, 6000 * MB).max_bytes == 6000 * MB
    small = EmbeddingCache(cache, 10_000)  # lowered on purpose: later users keep to the lower cap
    assert recorded_cap(cache) == 10_000 and EmbeddingCache(cache).max_bytes == 10_000
    small.put("k1", {"a": np.zeros(1000)})
    assert [n for n in os.listdir(cache) if n.startswith(".")] == []  # no temporary file of the record left
