"""EmbeddingCache: keys, hit/miss, LRU eviction under a size cap, broken entries."""
from __future__ import annotations

import os
import time

import numpy as np

from terraprompt.plugin.core.interactive.cache import EmbeddingCache, make_key


def _feats(n=1000, v=0):
    return {"a": np.full(n, v, np.float32), "b": np.arange(10)}


def test_key_changes_with_everything(tmp_path):
    p = tmp_path / "r.tif"
    p.write_bytes(b"x" * 10)
    base = make_key(str(p), [1, 2, 3], (0, 0, 10, 10), (10, 10), "classical", "abc")
    assert base == make_key(str(p), [1, 2, 3], (0, 0, 10, 10), (10, 10), "classical", "abc")
    assert base != make_key(str(p), [3, 2, 1], (0, 0, 10, 10), (10, 10), "classical", "abc")
    assert base != make_key(str(p), [1, 2, 3], (5, 0, 10, 10), (10, 10), "classical", "abc")
    assert base != make_key(str(p), [1, 2, 3], (0, 0, 10, 10), (5, 5), "classical", "abc")
    assert base != make_key(str(p), [1, 2, 3], (0, 0, 10, 10), (10, 10), "sam", "abc")
    assert base != make_key(str(p), [1, 2, 3], (0, 0, 10, 10), (10, 10), "classical", "abd")
    time.sleep(0.01)
    p.write_bytes(b"y" * 11)  # the raster changed on disk
    assert base != make_key(str(p), [1, 2, 3], (0, 0, 10, 10), (10, 10), "classical", "abc")


def test_key_changes_when_a_copy_keeps_the_old_time(tmp_path):
    """A same-size file copied over the raster with its old modification time (cp -p, rsync -a, unzip) got the old
    encoding back."""
    p = tmp_path / "r.tif"
    p.write_bytes(bytes(300_000))
    st = os.stat(p)
    base = make_key(str(p), [1], (0, 0, 10, 10), (10, 10), "network", "abc")
    data = bytearray(300_000)
    data[150_000:150_010] = b"0123456789"  # a changed tile in the middle of the file
    p.write_bytes(bytes(data))
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(p).st_mtime_ns == st.st_mtime_ns and os.stat(p).st_size == st.st_size
    assert base != make_key(str(p), [1], (0, 0, 10, 10), (10, 10), "network", "abc")


def test_hit_miss_and_lru_eviction(tmp_path):
    cache = EmbeddingCache(str(tmp_path), max_bytes=10_000)  # room for two ~4.5 kB entries
    assert cache.get("k1") is None and cache.misses == 1
    cache.put("k1", _feats(v=1))
    cache.put("k2", _feats(v=2))
    assert cache.get("k1")["a"][0] == 1 and cache.hits == 1  # k1 is now the most recent
    cache.put("k3", _feats(v=3))  # evicts the least recently used: k2
    assert "k1" in cache and "k3" in cache and "k2" not in cache
    assert cache.size_bytes() <= 10_000
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]  # no temporary files left


def test_broken_entry_is_a_miss_and_removed(tmp_path):
    cache = EmbeddingCache(str(tmp_path))
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    assert cache.get("bad") is None
    assert not (tmp_path / "bad.npz").exists()


def test_encode_window_caches_the_mirrored_view_apart(tmp_path):
    """The network's mirrored view is part of the cached features and of the key: embeddings cached by a one-view
    engine are not taken for mirrored decodes (nor the reverse), and a mirrored entry read back decodes as freshly."""
    from rasterio.windows import Window

    from terraprompt.plugin.core.interactive.encoder import encode_window
    from terraprompt.plugin.core.interactive.network import NetworkEngine
    from terraprompt.plugin.core.raster import open_raster

    src = open_raster(os.path.join(os.path.dirname(__file__), "..", "..", "data", "rio_buildings_crop_image.tif"))
    cache = EmbeddingCache(str(tmp_path))
    one = NetworkEngine(device="cpu")
    one.mirror = False
    two = NetworkEngine(device="cpu")
    win = Window(0, 0, src.width, src.height)
    a = encode_window(src, win, one, cache=cache)
    b = encode_window(src, win, two, cache=cache)
    assert not a.from_cache and not b.from_cache  # different keys
    assert "embedding_mirror" not in a.features and "embedding_mirror" in b.features
    c = encode_window(src, win, two, cache=cache)
    assert c.from_cache and np.array_equal(c.features["embedding_mirror"], b.features["embedding_mirror"])
    click = np.array([[64.0, 64.0]], np.float32)
    assert np.array_equal(two.decode(c.features, click, np.ones(1), remember=False)[0],
                          two.decode(b.features, click, np.ones(1), remember=False)[0])
    assert encode_window(src, win, one, cache=cache).from_cache
