"""On-disk cache of encoded windows ("embeddings"), reused across sessions, with a size cap and LRU eviction.

Keys hash everything that changes the features: raster identity (absolute path,
size, modification and change time, inode, a content sample, its mask and PAM
sidecars), band mapping, window, encoded shape/resolution and the engine's
name and model hash. Entries are ``.npz`` files written to a temporary name and
renamed, so a crash never leaves a half entry (temporary files of killed runs go
after an hour; an entry that cannot be read is a miss and is removed); the least
recently used entries are removed when the folder grows beyond ``max_bytes``.
A cap set explicitly is kept in the folder (:data:`CAP_FILE`): users that set none keep to it.
"""
from __future__ import annotations

import errno
import hashlib
from functools import lru_cache
import json
import os
import tempfile
import math
import time
import uuid
import zipfile
import xml.etree.ElementTree as ET
from collections import OrderedDict
from typing import Optional

import numpy as np

from ..errors import OutputError
from ..messages import t
from ..sources import sidecar_files, source_files

MB = 1024 ** 2
"""The MB of CACHE_MB and of the cache's reports (1024² bytes: the 2048 MB default is 2 GiB)."""
DEFAULT_MAX_BYTES = 2048 * MB
CAP_FILE = "cache-cap.json"
"""The cap last set explicitly for a cache folder (encode_image's CACHE_MB), kept in it: a later user that sets none
(segment_prompts, find_similar, the map tool) evicts down to it, not to the default, keeping what was precomputed."""
CAP_RANGE = (4096, 2 ** 53)
"""Recorded caps outside this range (bytes) are ignored as damaged (CACHE_MB is at least 16 MB)."""
TEMP_MAX_AGE_S = 3600
"""Hidden temporary files (of runs killed while writing an entry) older than this are removed when evicting."""
FUTURE_SLACK_NS = 60 * 10 ** 9
"""Entries last used farther in the future than this (a folder synced from a machine whose clock runs ahead) have no
known last use here: they come first in LRU order (a use here stamps them now); counted as newest they were never
evicted and every entry just written went instead."""


def default_cache_dir() -> str:
    """TERRAPROMPT_CACHE, else ~/.cache/terraprompt/embeddings (XDG_CACHE_HOME honoured)."""
    env = os.environ.get("TERRAPROMPT_CACHE")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "terraprompt", "embeddings")


def raster_identity(path: str) -> dict:
    """What identifies a raster's content cheaply: absolute path, byte size, modification time and a digest of a few
    samples of its bytes (a copy that keeps the old time, as cp -p, rsync -a and unzip make, changes its content),
    change time and inode (a file rewritten or replaced with its old size and time), taken from the file that holds it
    (the GeoPackage of 'GPKG:file:table', the zip of a '/vsizip/' path), with its mask (.msk) and what its .aux.xml sets
    beyond statistics (a mask or nodata added later); a virtual raster's source files add their size and times."""
    p = os.path.abspath(path) if os.path.exists(path) else path
    files = source_files(p)
    main = files[0] if files else p
    table = gpkg_table_state(p, main)
    identity = {"path": p, **(table if table is not None else _file_state(main, sample=True))}
    sidecars = {f: _sidecar_state(f) for f in sidecar_files(main)}
    sidecars = {f: state for f, state in sidecars.items() if state}
    if sidecars:
        identity["sidecars"] = sidecars
    if len(files) > 1:
        identity["sources"] = [[f, *_file_state(f).values()] for f in files[1:]]
    return identity


def gpkg_table_state(path: str, gpkg: str) -> Optional[dict]:
    """For a 'GPKG:file:table' raster: the state of its own table (its gpkg_contents change time, tile count and highest
    tile id, and a digest of a few tiles), which objects or other layers written into the same GeoPackage leave alone
    (the whole file's state voided every encoding at each Enter into an objects layer beside the raster); None for other
    sources or when the table cannot be read (the file's state is used then)."""
    prefix = f"GPKG:{gpkg}:"
    if not path.startswith(prefix):
        return None
    try:
        st = os.stat(gpkg)
    except OSError:
        return None
    state = _table_state(gpkg, path[len(prefix):], st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return dict(state) if state is not None else None


@lru_cache(maxsize=64)
def _table_state(gpkg: str, table: str, size: int, mtime_ns: int, ctime_ns: int) -> Optional[dict]:
    """:func:`gpkg_table_state` read once per state of the GeoPackage file (every encoded window makes a key)."""
    import hashlib
    import sqlite3
    from contextlib import closing

    from ..writers import _quoted, _read_only

    try:
        with closing(_read_only(gpkg)) as db:
            changed = db.execute("SELECT last_change FROM gpkg_contents WHERE table_name = ?", (table,)).fetchone()
            if changed is None:
                return None
            quoted = _quoted(table)
            count, top = db.execute(f"SELECT count(*), max(id) FROM {quoted}").fetchone()
            digest = hashlib.sha256()
            for k in range(SAMPLES):
                row = db.execute(f"SELECT tile_data FROM {quoted} ORDER BY id LIMIT 1 OFFSET ?",
                                 (int(count or 0) * k // SAMPLES,)).fetchone()
                if row is not None and row[0] is not None:
                    digest.update(bytes(row[0]))
    except sqlite3.Error:
        return None
    return {"table": table, "last_change": str(changed[0]), "tiles": int(count or 0), "top": int(top or 0),
            "sample": digest.hexdigest()[:16]}


def _file_state(path: str, sample: bool = False) -> dict:
    """Size, modification and change time and inode of a file (size and time -1 when it cannot be read), with a content
    sample when asked (the change time also changes when a tool restores the modification time after writing)."""
    try:
        st = os.stat(path)
    except OSError:
        return {"size": -1, "mtime_ns": -1}
    state = {"size": int(st.st_size), "mtime_ns": int(st.st_mtime_ns), "ctime_ns": int(st.st_ctime_ns),
             "ino": int(st.st_ino)}
    if sample:
        state["sample"] = content_sample(path, int(st.st_size), int(st.st_mtime_ns), int(st.st_ctime_ns))
    return state


def _sidecar_state(path: str) -> Optional[dict]:
    """What a sidecar changes in the read: a mask's file state; for an .aux.xml, a digest of what it sets beyond the
    statistics and histograms QGIS and GDAL store there now and then (None when it sets nothing else)."""
    if not path.endswith(".aux.xml"):
        return _file_state(path)
    try:
        st = os.stat(path)
    except OSError:
        return None
    digest = pam_digest(path, int(st.st_size), int(st.st_mtime_ns), int(st.st_ctime_ns))
    return {"pam": digest} if digest else None


PAM_MAX_BYTES = 16 * 1024 ** 2


@lru_cache(maxsize=64)
def pam_digest(path: str, size: int, mtime_ns: int = 0, ctime_ns: int = 0) -> str:
    """A short digest of a GDAL .aux.xml without its statistics and histograms ('' when nothing else is left; a file
    that is no XML is digested whole); read once per state of the file."""
    try:
        with open(path, "rb") as f:
            data = f.read(PAM_MAX_BYTES)
    except OSError:
        return ""
    try:
        root = ET.fromstring(data)
    except Exception:  # not XML (or damaged): any change of it counts
        return hashlib.sha256(data).hexdigest()[:16]
    if _only_statistics(root):
        return ""
    return hashlib.sha256(ET.tostring(root)).hexdigest()[:16]


def _only_statistics(elem) -> bool:
    """Strip statistics, histograms and band descriptions from a PAM element (in place); True when nothing that changes
    a read is left. QGIS writes a band's <Description> there when it opens a raster: the bands chosen from the
    descriptions are in the key already, and keeping it made every encoding terraprompt:encode_image precomputed a miss."""
    for child in list(elem):
        key = (child.get("key") or "").upper()
        statistics = (child.tag == "Histograms" or (child.tag == "Description" and elem.tag == "PAMRasterBand")
                      or (child.tag == "MDI" and key.startswith("STATISTICS_")))
        if statistics or _only_statistics(child):
            elem.remove(child)
    return len(elem) == 0 and not (elem.text or "").strip() and elem.tag in ("PAMDataset", "PAMRasterBand", "Metadata")


SAMPLE_BYTES = 1 << 16
SAMPLES = 8
""":func:`content_sample` reads SAMPLES pieces of SAMPLE_BYTES spread over the file (the start holds a GeoTIFF's
header and its tile offsets, which change when compressed tiles do)."""


@lru_cache(maxsize=64)
def content_sample(path: str, size: int, mtime_ns: int = 0, ctime_ns: int = 0) -> str:
    """A short digest of SAMPLES evenly spread pieces of a file ('' when it cannot be read); read once per state of the
    file (every encoded window of a raster makes a key; ``ctime_ns`` changes with any write, even one that restores the
    modification time)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for i in range(SAMPLES):
                f.seek(max(0, (size - SAMPLE_BYTES) * i // max(SAMPLES - 1, 1)))
                h.update(f.read(SAMPLE_BYTES))
    except OSError:
        return ""
    return h.hexdigest()[:16]


def make_key(path: str, bands, window, shape, engine_name: str, model_sha256: str, extra: Optional[dict] = None,
             identity: Optional[dict] = None) -> str:
    """The cache key (hex sha256) of one encoded window; ``identity``: the raster's :func:`raster_identity` when the
    caller has it already."""
    doc = {
        "raster": raster_identity(path) if identity is None else identity, "bands": [int(b) for b in bands],
        "window": [int(v) for v in window], "shape": [int(v) for v in shape],
        "engine": engine_name, "model": model_sha256, "extra": extra or {},
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


class EmbeddingCache:
    """A folder of ``<key>.npz`` entries with LRU eviction beyond ``max_bytes``."""

    def __init__(self, folder: Optional[str] = None, max_bytes: Optional[int] = None, memory_items: int = 0) -> None:
        """``max_bytes`` None: the cap recorded in the folder, else :data:`DEFAULT_MAX_BYTES`; a number: the folder's cap
        from now on (recorded for later users)."""
        self.folder = folder or default_cache_dir()
        self.memory_items = int(memory_items)
        self._memory: "OrderedDict[str, dict]" = OrderedDict()
        self.hits = 0
        self.misses = 0
        self.stored = 0  # entries put() wrote to disk
        self.used: set[str] = set()  # keys read or written through this object (see kept)
        self.last_stored = ""  # the key put() wrote last
        self.failure = ""  # why the last put() (or creating the folder) failed; '' when it did not
        try:
            os.makedirs(self.folder, exist_ok=True)
        except OSError as exc:  # runs go on without reusing encodings; encode_image refuses (check_writable)
            self.failure = exc.strerror or str(exc)
        if max_bytes is None:
            self.max_bytes = recorded_cap(self.folder) or DEFAULT_MAX_BYTES
        else:
            self.max_bytes = int(max_bytes)
            if not self.failure and recorded_cap(self.folder) != self.max_bytes:  # a damaged record is replaced
                _record_cap(self.folder, self.max_bytes)

    def check_writable(self) -> None:
        """Refuse a cache folder that cannot be created or written (OutputError with the fix): for a run whose whole
        point is to fill the cache."""
        try:
            os.makedirs(self.folder, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".probe-", suffix=".tmp", dir=self.folder)
            try:
                if os.write(fd, bytes(4096)) < 4096:  # a full disk refuses data (or part of it), not the empty file
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                os.fsync(fd)
            finally:
                os.close(fd)
                _remove(probe)
        except OSError as exc:
            raise OutputError(t("The cache folder '{folder}' cannot be written ({reason}).", folder=self.folder,
                                reason=exc.strerror or exc),
                              t("Choose a CACHE_DIR you can write to, on a disk with free space.")) from exc

    def _path(self, key: str) -> str:
        return os.path.join(self.folder, f"{key}.npz")

    def get(self, key: str) -> Optional[dict[str, np.ndarray]]:
        """The cached features for a key (and mark them recently used), or None."""
        if key in self._memory:
            self._memory.move_to_end(key)
            self.hits += 1
            return dict(self._memory[key])
        p = self._path(key)
        try:
            with open(p, "rb") as f, np.load(f, allow_pickle=False) as z:  # closed when no zip: removable on Windows
                out = {k: z[k] for k in z.files}
        except Exception:  # missing, truncated, bad CRC, not a zip (a crash, a full disk, a sync tool): encoded again
            self.misses += 1
            if os.path.exists(p):  # unreadable entry: drop it
                _remove(p)
            return None
        _touch(p)
        self.hits += 1
        self.used.add(key)
        self._remember(key, out)
        return out

    def put(self, key: str, features: dict[str, np.ndarray]) -> bool:
        """Store features atomically, then evict the least recently used entries beyond the cap; returns whether the
        entry was written (a cache that cannot be written is no error for a run: encodings are just not reused; the
        reason is kept in :attr:`failure`)."""
        self._remember(key, features)
        tmp = os.path.join(self.folder, f".{key}.{uuid.uuid4().hex[:8]}.tmp.npz")
        try:
            _write_npz(tmp, features)
            os.replace(tmp, self._path(key))
            _touch(self._path(key))
        except OSError as exc:
            _remove(tmp)
            self.failure = exc.strerror or str(exc)
            return False
        self.failure = ""
        self.stored += 1
        self.used.add(key)
        self.last_stored = key
        self.evict(keep=key)
        return True

    def _remember(self, key: str, features: dict) -> None:
        """Keep the last few entries in memory too (batch runs revisit the same windows)."""
        if self.memory_items <= 0:
            return
        self._memory[key] = dict(features)
        self._memory.move_to_end(key)
        while len(self._memory) > self.memory_items:
            self._memory.popitem(last=False)

    def kept(self) -> int:
        """How many of the entries read or written through this object are still in the folder."""
        return sum(1 for key in self.used if key in self)

    def entry_bytes(self, key: str) -> int:
        """The size of an entry on disk (0 when it is not there)."""
        try:
            return int(os.path.getsize(self._path(key)))
        except OSError:
            return 0

    def entries(self) -> list[tuple[str, int, float]]:
        """(path, bytes, last use) of every entry, least recently used first (those last used in the future first)."""
        out = []
        try:
            names = os.listdir(self.folder)
        except OSError:  # a folder that could not be created holds nothing
            names = []
        for name in names:
            if name.endswith(".npz") and not name.startswith("."):
                p = os.path.join(self.folder, name)
                try:
                    st = os.stat(p)
                except OSError:
                    continue
                out.append((p, int(st.st_size), st.st_mtime_ns))
        limit = time.time_ns() + FUTURE_SLACK_NS
        return sorted(out, key=lambda e: (e[2] <= limit, e[2]))

    def size_bytes(self) -> int:
        """Total size of the entries."""
        return sum(e[1] for e in self.entries())

    def evict(self, keep: str = "") -> int:
        """Remove least recently used entries until the folder fits ``max_bytes`` (never the entry of ``keep``, just
        written), and temporary files of killed runs; returns how many entries went."""
        self._remove_stale_temporaries()
        entries = self.entries()
        total = sum(e[1] for e in entries)
        removed = 0
        kept = self._path(keep) if keep else ""
        for p, size, _ in entries:
            if total <= self.max_bytes:
                break
            if p == kept:
                continue
            _remove(p)
            total -= size
            removed += 1
        return removed

    def clear(self) -> None:
        """Remove every entry (and temporary files of killed runs)."""
        self._memory.clear()
        self._remove_stale_temporaries()
        for p, _, _ in self.entries():
            _remove(p)

    def _remove_stale_temporaries(self) -> None:
        """Remove hidden temporary files older than :data:`TEMP_MAX_AGE_S` (left by runs killed while writing)."""
        try:
            names = os.listdir(self.folder)
        except OSError:
            return
        now = time.time()
        for name in names:
            if name.startswith(".") and (name.endswith(".tmp.npz") or name.endswith(".tmp")):
                p = os.path.join(self.folder, name)
                try:
                    if abs(now - os.stat(p).st_mtime) > TEMP_MAX_AGE_S:
                        _remove(p)
                except OSError:
                    continue

    def __contains__(self, key: str) -> bool:
        return os.path.exists(self._path(key))


def recorded_cap(folder: str) -> Optional[int]:
    """The cap last set explicitly for a cache folder (bytes), None when none was, or when what is recorded cannot be
    read or is no sensible cap (true, Infinity, 1e999, outside :data:`CAP_RANGE`)."""
    try:
        with open(os.path.join(folder, CAP_FILE), encoding="utf-8") as f:
            value = json.loads(f.read(4096))["max_bytes"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return None
        value = int(value)
    except Exception:  # unreadable, not JSON, nested too deep, no max_bytes: no recorded cap
        return None
    return value if CAP_RANGE[0] <= value <= CAP_RANGE[1] else None


def _record_cap(folder: str, max_bytes: int) -> None:
    """Keep a cache folder's cap in it (written to a temporary name and renamed); a folder that cannot be written keeps
    none (its users fall back to the default)."""
    tmp = os.path.join(folder, f".{CAP_FILE}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"max_bytes": int(max_bytes)}, f)
        os.replace(tmp, os.path.join(folder, CAP_FILE))
    except OSError:
        _remove(tmp)


_LAST_STAMP = [0]


def _touch(path: str) -> None:
    """Mark an entry as just used (strictly increasing stamps, so LRU order is exact even within a tick)."""
    now = max(time.time_ns(), _LAST_STAMP[0] + 1000)
    _LAST_STAMP[0] = now
    try:
        os.utime(path, ns=(now, now))
    except OSError:
        pass


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass


def _write_npz(path: str, features: dict) -> None:
    """Write arrays as np.savez does (np.load reads them), the archive closed here even when a write fails (a full disk):
    np.savez left it half-closed, and its finaliser printed 'Exception ignored in ZipFile.__del__' with a traceback."""
    with open(path, "wb") as f, zipfile.ZipFile(f, "w", allowZip64=True) as z:
        for name, value in features.items():
            with z.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(value), allow_pickle=False)
