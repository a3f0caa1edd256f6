"""EmbeddingCache robustness: sidecars and in-place rewrites in the key, damaged entries and caps, clocks running ahead,
temporary files of killed runs."""
from __future__ import annotations

import os
import shutil
import time

import numpy as np
import pytest
from rasterio.windows import Window

from conftest import write_raster
from interactive_helpers import scene
from terraprompt.plugin.core.interactive.cache import DEFAULT_MAX_BYTES, MB, EmbeddingCache, make_key, recorded_cap
from terraprompt.plugin.core.interactive.classical import ClassicalEngine
from terraprompt.plugin.core.interactive.encoder import encode_window
from terraprompt.plugin.core.interactive.precompute import encode_raster
from terraprompt.plugin.core.raster import open_raster


def _key(path: str) -> str:
    return make_key(path, [1], (0, 0, 64, 64), (64, 64), "classical", "abc")


def _raster(folder, name: str = "r.tif", size: int = 128) -> str:
    data, _ = scene(h=size, w=size, bands=1)
    return write_raster(os.path.join(str(folder), name), data.astype(np.uint8))


def _feats(v: int = 0, n: int = 1000) -> dict:
    return {"a": np.full(n, v, np.float32), "b": np.arange(10)}


def test_a_mask_added_beside_the_raster_after_encoding_is_not_read_from_old_encodings(tmp_path):
    """A .msk written after encoding left the key as it was: the old encodings (every pixel valid) were reused."""
    from osgeo import gdal

    path = _raster(tmp_path)
    cache = EmbeddingCache(str(tmp_path / "cache"))
    engine = ClassicalEngine()
    win = Window(0, 0, 128, 128)
    assert encode_window(open_raster(path), win, engine, cache=cache).valid.all()
    gdal.SetConfigOption("GDAL_TIF_INTERNAL_MASK", "NO")
    try:
        ds = gdal.Open(path, gdal.GA_ReadOnly)  # read-only: GDAL writes r.tif.msk beside it
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        mask = np.full((128, 128), 255, np.uint8)
        mask[:, :64] = 0
        ds.GetRasterBand(1).GetMaskBand().WriteArray(mask)
        ds = None
    finally:
        gdal.SetConfigOption("GDAL_TIF_INTERNAL_MASK", None)
    assert os.path.exists(path + ".msk")
    again = encode_window(open_raster(path), win, engine, cache=cache)
    assert not again.from_cache
    assert not again.valid[:, :10].any() and again.valid[:, -10:].all()


def test_nodata_set_in_the_aux_xml_changes_the_key_but_statistics_written_there_do_not(tmp_path):
    """Nodata kept in .aux.xml changes what is read; statistics and histograms, which QGIS and GDAL write there now and
    then, do not (they would make every precomputed encoding of the raster a miss)."""
    from osgeo import gdal

    path = _raster(tmp_path)
    base = _key(path)
    ds = gdal.Open(path, gdal.GA_ReadOnly)
    ds.GetRasterBand(1).ComputeStatistics(False)
    ds.GetRasterBand(1).GetHistogram(approx_ok=0)
    ds = None
    assert os.path.exists(path + ".aux.xml")
    assert _key(path) == base
    ds = gdal.Open(path, gdal.GA_ReadOnly)
    ds.GetRasterBand(1).SetNoDataValue(60)
    ds = None
    with_nodata = _key(path)
    assert with_nodata != base
    ds = gdal.Open(path, gdal.GA_ReadOnly)
    ds.GetRasterBand(1).ComputeStatistics(False)  # statistics again, now with nodata: same key
    ds = None
    assert _key(path) == with_nodata


@pytest.mark.parametrize("replace", [True, False], ids=["moved-over", "rewritten"])
def test_a_raster_edited_in_place_with_its_old_size_and_time_changes_the_key(tmp_path, replace):
    """A file rewritten (or a copy moved over it) with the same size and its modification time restored kept its key
    when the edit fell between the sampled pieces: stale encodings were reused."""
    p = tmp_path / "r.tif"
    p.write_bytes(bytes(4_000_000))
    st = os.stat(p)
    base = _key(str(p))
    data = bytearray(4_000_000)
    data[300_000:300_100] = b"x" * 100  # between the 64 KB samples (at 0, ~562 KB, ...)
    if replace:
        tmp = tmp_path / "calc.tif"
        tmp.write_bytes(bytes(data))
        os.replace(tmp, p)
    else:
        time.sleep(0.01)
        with open(p, "r+b") as f:
            f.write(bytes(data))
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(p).st_size == st.st_size and os.stat(p).st_mtime_ns == st.st_mtime_ns
    assert _key(str(p)) != base


@pytest.mark.parametrize("damage", ["truncated", "byte flipped", "zeroed"])
def test_an_unreadable_entry_is_a_miss_removed_and_written_again(tmp_path, damage):
    """A truncated or corrupt entry raised zipfile.BadZipFile on every later run."""
    cache = EmbeddingCache(str(tmp_path))
    cache.put("k", {"a": np.random.default_rng(0).normal(size=20000).astype(np.float32)})
    p = tmp_path / "k.npz"
    good = p.read_bytes()
    if damage == "truncated":
        bad = good[: len(good) // 2]
    elif damage == "byte flipped":
        bad = bytearray(good)
        bad[len(bad) // 2] ^= 0xFF
        bad = bytes(bad)
    else:
        bad = bytes(len(good))
    p.write_bytes(bad)
    fresh = EmbeddingCache(str(tmp_path))
    assert fresh.get("k") is None and fresh.misses == 1
    assert not p.exists()
    assert fresh.put("k", _feats(1)) and fresh.get("k")["a"][0] == 1


@pytest.mark.parametrize("text", ['{"max_bytes": Infinity}', '{"max_bytes": 1e999}', '{"max_bytes": NaN}',
                                  '{"max_bytes": true}', '{"max_bytes": -5}', '{"max_bytes": 0.5}',
                                  '{"max_bytes": 1e30}', "[" * 100000 + "]" * 100000, "not json", "[]"],
                         ids=["inf", "1e999", "nan", "true", "negative", "half", "1e30", "nested", "not-json", "list"])
def test_a_damaged_recorded_cap_is_ignored_and_replaced_by_one_given(tmp_path, text):
    """Infinity or 1e999 raised OverflowError (even with CACHE_MB given), deep nesting RecursionError, true a 1-byte cap."""
    (tmp_path / "cache-cap.json").write_text(text)
    assert recorded_cap(str(tmp_path)) is None
    assert EmbeddingCache(str(tmp_path)).max_bytes == DEFAULT_MAX_BYTES
    assert EmbeddingCache(str(tmp_path), 100 * MB).max_bytes == 100 * MB
    assert recorded_cap(str(tmp_path)) == 100 * MB


def test_entries_last_used_in_the_future_go_first_and_never_the_entry_just_written(tmp_path):
    """A folder synced from a machine whose clock runs ahead: its entries were never evicted and each new entry went
    as soon as it was written."""
    cache = EmbeddingCache(str(tmp_path), max_bytes=12_000)  # room for two ~4.5 kB entries
    for k in ("old1", "old2"):
        cache.put(k, _feats(n=1000))
    future = time.time_ns() + 2 * 86400 * 10 ** 9
    for i, k in enumerate(("old1", "old2")):
        os.utime(tmp_path / f"{k}.npz", ns=(future + i * 10 ** 9, future + i * 10 ** 9))
    cache.put("new1", _feats(1))
    assert "new1" in cache and "old1" not in cache and "old2" in cache
    cache.put("new2", _feats(2))
    assert "new1" in cache and "new2" in cache and "old2" not in cache
    small = EmbeddingCache(str(tmp_path / "small"), max_bytes=4096)  # smaller than one entry
    assert small.put("only", _feats(3)) and "only" in small


def test_encode_raster_says_when_its_tiles_are_not_kept(tmp_path):
    """encode_image reported 'N encoded' while the cache kept none of its tiles."""
    data, _ = scene(h=300, w=300, bands=3)
    path = write_raster(str(tmp_path / "a.tif"), data.astype(np.uint8))
    folder = str(tmp_path / "cache")

    def evicted_by_another_run(_value):
        for name in os.listdir(folder):
            if name.endswith(".npz") and not name.startswith("."):
                os.remove(os.path.join(folder, name))

    res = encode_raster(path, tile=128, cache_dir=folder, progress=evicted_by_another_run)
    assert res.encoded == res.tiles
    assert f"Tiles still in the cache: 0 of {res.tiles}" in res.report, res.report
    kept = encode_raster(path, tile=128, cache_dir=folder)
    assert "still in the cache" not in kept.report, kept.report


def test_temporary_files_of_killed_runs_are_removed_when_evicting(tmp_path):
    """Runs killed while writing an entry left hidden '.<key>.*.tmp.npz' files that nothing removed."""
    cache = EmbeddingCache(str(tmp_path))
    old = tmp_path / ".k1.0123abcd.tmp.npz"
    recent = tmp_path / ".k2.4567cdef.tmp.npz"  # maybe being written by another run right now
    for p in (old, recent):
        p.write_bytes(b"x" * 5000)
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    cache.put("k3", _feats())
    assert not old.exists() and recent.exists()
    shutil.copy(recent, old)
    os.utime(old, (hours_ago, hours_ago))
    cache.clear()
    assert not old.exists() and recent.exists()
