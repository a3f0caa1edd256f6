"""Writers: tiled, compressed GeoTIFFs and polygons (GeoPackage, Shapefile, GeoJSON, FlatGeobuf), replaced atomically.

Every output is written to a hidden temporary file next to its destination and
renamed over it only when complete; on error or cancel the temporary file is
removed, so an existing output is never half-replaced and inputs are never touched.
"""
from __future__ import annotations

import os
import re
import tempfile
import threading
import uuid
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Optional, Sequence
from urllib.parse import quote

import numpy as np
import rasterio
from rasterio.windows import Window

from .errors import Cancelled, OutputError
from .messages import t

from .raster import Grid
from .sources import container_file, source_files

WRITABLE = "Choose an output in a folder you can write to."
VECTOR_DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".fgb": "FlatGeobuf"}
"""Polygon outputs by extension: written as a GeoPackage, then translated to the others (:func:`staged_vector`)."""
VECTOR_OUTPUT_EXTENSIONS = tuple(VECTOR_DRIVERS)
_SHAPEFILE_PARTS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd")


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b)
    except OSError:
        return False


LAYER_SUFFIX = "|layername="
"""How an output names a layer of a GeoPackage ('results.gpkg|layername=water', QGIS's form): the layer is added to the
file, or replaces the layer of that name, and the file's other layers are kept."""


def split_layer(path: str) -> tuple[str, Optional[str]]:
    """(file, layer name or None) of an output path that may name a GeoPackage layer."""
    if LAYER_SUFFIX in path:
        file, layer = path.split(LAYER_SUFFIX, 1)
        return file, layer or None
    return path, None


def check_output_path(path: str, inputs: Sequence[str] = (), extensions: Sequence[str] = ()) -> str:
    """Validate an output path: not an input, folder writable, known extension. Returns the absolute path (with the
    GeoPackage layer it names, if any)."""
    if not path:
        raise OutputError(t("No output path was given."), t("Choose a file name, or a temporary output."))
    if path.lower().startswith("memory:"):
        raise OutputError(t("The output '{name}' is a temporary memory layer, which TerraPrompt cannot write: it writes files.",
                            name=path), t("Use TEMPORARY_OUTPUT (a temporary file) or give a file name."))
    path, layer = split_layer(path)
    if layer is not None and not path.lower().endswith(".gpkg"):
        raise OutputError(t("The output '{name}' names a layer, which only a GeoPackage holds.", name=os.path.basename(path)),
                          t("Choose a .gpkg file, or leave the layer name out."))
    checked = _checked_file(os.path.abspath(path), inputs, extensions)
    return checked + LAYER_SUFFIX + layer if layer is not None else checked


def _checked_file(path: str, inputs: Sequence[str], extensions: Sequence[str]) -> str:
    """check_output_path for a plain file path."""
    for src in inputs:
        if src and (os.path.abspath(src) == path or _same_file(src, path)):
            raise OutputError(t("The output '{name}' is one of the inputs.", name=os.path.basename(path)),
                              t("Choose another output file name; inputs are never overwritten."))
    for src in inputs:
        if src and _reads_any(input_files(src), file_parts(path)):
            raise OutputError(t("The output '{name}' is a file the input '{input}' reads.", name=os.path.basename(path),
                                input=src), t("Choose another output file name; inputs are never overwritten."))
    folder = os.path.dirname(path) or "."
    existing = _nearest_existing(folder)
    if not os.path.isdir(existing):
        raise OutputError(t("Cannot create the folder '{folder}': '{existing}' is a file.", folder=folder, existing=existing), t(WRITABLE))
    if not os.access(existing, os.W_OK):
        raise OutputError(t("The folder '{folder}' is not writable.", folder=folder), t(WRITABLE))
    if os.path.isdir(path):
        raise OutputError(t("The output '{path}' is a folder.", path=path), t("Choose a file name inside it."))
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise OutputError(t("The file '{path}' exists and is read-only.", path=path), t("Choose another name or make it writable."))
    if extensions and not path.lower().endswith(tuple(extensions)):
        raise OutputError(t("The output '{name}' has an unsupported extension.", name=os.path.basename(path)),
                          t("Use one of: {choices}.", choices=", ".join(extensions)))
    if max(len(os.path.basename(p).encode()) for p in file_parts(path)) > NAME_MAX:
        raise OutputError(t("TerraPrompt cannot write '{name}': the file name is longer than file systems allow ({max} bytes).",
                            name=os.path.basename(path), max=NAME_MAX), t("Choose a shorter file name."))
    return path


def input_files(src: str) -> set[str]:
    """The files an input reads, absolute: its path, and every file GDAL lists for it (the GeoPackage of a
    'GPKG:file:table' raster, the file of a 'NETCDF:file:var' one, the sources of a VRT)."""
    files = set(source_files(src))
    try:
        from osgeo import gdal
    except ImportError:  # rasterio wheels without the GDAL bindings: the path alone
        return files
    gdal.PushErrorHandler("CPLQuietErrorHandler")  # an input GDAL cannot open is reported where it is read
    try:
        ds = gdal.OpenEx(src)
        listed = (ds.GetFileList() if ds is not None else None) or []
    except RuntimeError:  # bindings with exceptions enabled
        listed = []
    finally:
        ds = None
        gdal.PopErrorHandler()
    files.update(os.path.abspath(f) for f in map(container_file, listed) if f)
    return files


def _reads_any(files: set[str], outputs: Sequence[str]) -> bool:
    """Whether any of the files an output writes (``outputs``) is one of ``files`` (by path or as the same file)."""
    outs = [os.path.abspath(o) for o in outputs]
    return any(o in files for o in outs) or any(_same_file(f, o) for f in files for o in outs if os.path.exists(o))


def _nearest_existing(folder: str) -> str:
    """The folder itself or its nearest existing ancestor (what decides whether it can be created)."""
    folder = os.path.abspath(folder)
    while not os.path.exists(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    return folder


_folders_lock = threading.Lock()
_created_folders: dict[str, int] = {}  # folder made for an output and holding none yet → temporary files pending under it
_pending_folders: dict[str, list[str]] = {}  # temporary file → the created folders it keeps (deepest first)


def _missing_folders(folder: str) -> list[str]:
    """The folder and its ancestors that do not exist yet, deepest first."""
    missing = []
    folder = os.path.abspath(folder)
    while not os.path.exists(folder) and os.path.dirname(folder) != folder:
        missing.append(folder)
        folder = os.path.dirname(folder)
    return missing


def _ancestors(folder: str) -> list[str]:
    """The folder and all its ancestors, deepest first."""
    out = [folder]
    while os.path.dirname(out[-1]) != out[-1]:
        out.append(os.path.dirname(out[-1]))
    return out


def temp_path_for(path: str) -> str:
    """A hidden temporary file name next to ``path`` with the same extension; creates a missing folder only now, when writing starts.

    Folders made here are remembered with the temporary file: :func:`remove_quietly` on it (abort) removes
    them again when no other pending output is under them, :func:`commit` keeps them. So a run that fails or
    is cancelled leaves no empty folder behind, and folders that existed before are never removed.
    """
    folder, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(folder, temp_name(name))
    with _folders_lock:
        missing = _missing_folders(folder)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            _remove_empty(missing)
            raise OutputError(t("Cannot create the folder '{folder}' ({reason}).", folder=folder, reason=exc.strerror), t(WRITABLE)) from exc
        for f in missing:
            _created_folders.setdefault(f, 0)
        mine = [f for f in _ancestors(folder) if f in _created_folders]
        for f in mine:
            _created_folders[f] += 1
        if mine:
            _pending_folders[tmp] = mine
    return tmp


NAME_MAX = 255
"""The longest file name (bytes) common filesystems (ext4, NTFS, APFS) allow."""
_SIDE_SUFFIX = len(".gpkg-journal")
"""Room kept for what is appended to a temporary name (a staged GeoPackage and its SQLite journal, '.aux.xml')."""


def temp_name(name: str) -> str:
    """A unique hidden temporary name for the file ``name`` ('.{stem}.tmp-{8 hex}{ext}'), its stem shortened when the
    name would pass NAME_MAX bytes with what GDAL and SQLite append, so a name the filesystem allows can be written."""
    stem, ext = os.path.splitext(name)
    if ext.lower() == ".shp":  # GDAL writes a Shapefile's parts in lower case whatever the case asked ('VEG.SHP')
        ext = ".shp"
    tag = f".tmp-{uuid.uuid4().hex[:8]}{ext}"
    room = NAME_MAX - _SIDE_SUFFIX - 1 - len(tag.encode())
    raw = stem.encode("utf-8", "surrogateescape")
    if len(raw) > room:
        stem = raw[:max(room, 1)].decode("utf-8", "ignore") or "o"  # cut on a character boundary
    return f".{stem}{tag}"


def _remove_empty(folders: Sequence[str]) -> None:
    """rmdir each folder (deepest first); one that is not empty is left alone."""
    for f in folders:
        try:
            os.rmdir(f)
        except OSError:
            pass


def _release_folders(tmp: str, keep: bool) -> None:
    """The temporary file ``tmp`` is gone: keep its created folders (an output is in them) or remove those now unused."""
    with _folders_lock:
        for f in _pending_folders.pop(tmp, []):
            if f not in _created_folders:
                continue
            if keep:
                del _created_folders[f]
                continue
            _created_folders[f] -= 1
            if _created_folders[f] <= 0:
                del _created_folders[f]
                _remove_empty([f])


def remove_quietly(path: str) -> None:
    """Remove a file and its GDAL/SQLite side files (a Shapefile's parts), ignoring what is absent (and folders made
    only for it)."""
    for part in file_parts(path):
        for p in (part, part + ".aux.xml", part + "-wal", part + "-shm", part + "-journal"):
            try:
                os.remove(p)
            except OSError:
                pass
    _release_folders(os.path.abspath(path), keep=False)


def file_parts(path: str) -> list[str]:
    """The file and, for a Shapefile, its side files (.shx, .dbf, .prj, ... whether they exist or not), in the case of
    its extension ('VEG.SHP': 'VEG.DBF')."""
    stem, ext = os.path.splitext(path)
    if ext.lower() != ".shp":
        return [path]
    return [path] + [stem + (e.upper() if ext.isupper() else e) for e in _SHAPEFILE_PARTS]


@contextmanager
def staged_vector(path: str, is_cancelled: Optional[Callable[[], bool]] = None,
                  progress: Optional[Callable[[float], None]] = None, keep_layers: bool = False,
                  notes: Optional[list[str]] = None) -> Iterator[str]:
    """The GeoPackage to write polygons bound for ``path`` into; when the block ends they are translated to the format
    of ``path``'s extension (``progress`` gets its fraction done, 0..1; ``is_cancelled`` stops it) and moved over it;
    on an error or a cancel nothing is left behind. What the format lost (a Shapefile's text cut to 254 bytes) is
    added to ``notes``, for the run's explanation."""
    tmp = temp_path_for(path)
    gpkg = tmp if tmp.lower().endswith(".gpkg") else tmp + ".gpkg"
    lock = _geopackage_lock(path) if keep_layers else None
    held = False
    try:
        if lock is not None:
            _acquire(lock, is_cancelled)
            held = True
        copied = None
        if keep_layers and os.path.exists(path):  # a layer added to a GeoPackage: its other layers stay
            with _held_for_writing(path, is_cancelled):
                copied = _file_state(path)
                _copy_geopackage(path, gpkg)
        yield gpkg
        lost = _to_vector_format(gpkg, tmp, is_cancelled, progress)
        if copied is None:
            commit(tmp, path)
        else:
            with _held_for_writing(path, is_cancelled):  # no other program's write pending while the copy replaces it
                if _file_state(path) != copied:
                    raise OutputError(t("'{name}' changed while this run wrote its layer into a copy of it (another program, "
                                        "or a layer of it saved in QGIS): replacing it would lose that change, so nothing "
                                        "was written.", name=os.path.basename(path)),
                                      t("Run again once the other writes to that GeoPackage are done, or write to another file."))
                commit(tmp, path)
        if notes is not None:
            notes.extend(lost)
    except BaseException:
        remove_quietly(gpkg)
        remove_quietly(tmp)
        raise
    finally:
        if held:
            lock.release()


def with_format_notes(text: str, notes: Iterable[str]) -> str:
    """A run's summary with what its vector format lost (:func:`staged_vector`'s notes), each on a line of its own."""
    return "\n".join(line for line in (text, *notes) if line)


_LOCKS_GUARD = threading.Lock()
_GEOPACKAGE_LOCKS: dict[str, threading.Lock] = {}


def _geopackage_lock(path: str) -> threading.Lock:
    """One lock per GeoPackage file in this process: two runs adding layers to one file at once each copied it, added their
    layer and renamed the copy over it, so the first run's layer was lost without a word."""
    key = os.path.normcase(os.path.realpath(path))
    with _LOCKS_GUARD:
        return _GEOPACKAGE_LOCKS.setdefault(key, threading.Lock())


def _acquire(lock: threading.Lock, is_cancelled: Optional[Callable[[], bool]]) -> None:
    """Wait for ``lock`` (another run writing into the same GeoPackage), stopping on a cancel."""
    while not lock.acquire(timeout=0.2):
        if is_cancelled is not None and is_cancelled():
            raise Cancelled()


def _file_state(path: str) -> tuple:
    """Size and modification time of a GeoPackage and of its write-ahead log (QGIS saves edits there first; an empty one,
    which SQLite creates and deletes as connections open and close, holds no change)."""
    out = []
    for p in (path, path + "-wal"):
        try:
            st = os.stat(p)
            out.append((st.st_size, st.st_mtime_ns) if st.st_size or p == path else None)
        except OSError:
            out.append(None)
    return tuple(out)


LOCK_WAIT_S = 5.0
"""Seconds a run waits for another program's write to a GeoPackage it adds a layer to, before it refuses."""


@contextmanager
def _held_for_writing(path: str, is_cancelled: Optional[Callable[[], bool]] = None) -> Iterator[None]:
    """A connection holding SQLite's write lock on a GeoPackage (BEGIN IMMEDIATE, nothing written; released on leaving):
    another program's pending write transaction, or one that holds the file exclusively, would be lost when the file is
    replaced, so it is waited for (LOCK_WAIT_S; a cancel stops the wait), then refused."""
    import pathlib
    import sqlite3
    import time

    db = sqlite3.connect(pathlib.Path(os.path.abspath(path)).as_uri() + "?mode=rw", uri=True, timeout=POLL_S,
                         isolation_level=None)
    try:
        deadline = time.monotonic() + LOCK_WAIT_S
        while not _began(db, path):
            if is_cancelled is not None and is_cancelled():
                raise Cancelled()
            if time.monotonic() > deadline:
                raise OutputError(t("'{name}' is locked by another program (an edit or a transaction not finished there): "
                                    "adding this layer now would lose that program's change.", name=os.path.basename(path)),
                                  t("Save or close the layer in that program, then run again, or write to another file."))
        yield
    finally:
        db.close()  # rolls the (empty) transaction back


def _began(db, path: str) -> bool:
    """Whether BEGIN IMMEDIATE took the write lock (False: another connection holds it, or the whole file)."""
    import sqlite3

    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return False
        raise write_failed(path, exc) from exc
    except sqlite3.Error as exc:
        raise write_failed(path, exc) from exc
    return True


def _read_only(path: str):
    """A read-only SQLite connection to a GeoPackage (its path as a file URI: '%', '#' and '?' in folder names escaped)."""
    import pathlib
    import sqlite3

    return sqlite3.connect(pathlib.Path(os.path.abspath(path)).as_uri() + "?mode=ro", uri=True)


def gpkg_tables(path: str) -> dict[str, tuple[str, str]]:
    """The tables of a GeoPackage by lower-case name → (name, data type: 'features', 'tiles', 'attributes' ...), read
    from gpkg_contents (fiona cannot list a GeoPackage that holds only a raster); OGR's layers when it is no SQLite file."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(_read_only(path)) as db:
            rows = db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall()
    except sqlite3.Error:
        import fiona

        rows = [(name, "features") for name in fiona.listlayers(path)]
    return {str(name).lower(): (str(name), str(kind)) for name, kind in rows}


def _copy_geopackage(src: str, dst: str) -> None:
    """Copy a GeoPackage through SQLite's backup API, its write lock held (:func:`_held_for_writing`: no other writer can
    then keep the copy waiting): a consistent copy even while QGIS has it open (in WAL mode, where a plain file copy misses
    what sits in the -wal file). SQLite copies from no connection in a write transaction: another one reads it."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(_read_only(src)) as a, closing(sqlite3.connect(dst)) as b:
            a.backup(b)
    except sqlite3.Error as exc:
        raise write_failed(src, exc) from exc


def _to_vector_format(gpkg: str, staged: str, is_cancelled: Optional[Callable[[], bool]] = None,
                      progress: Optional[Callable[[float], None]] = None) -> list[str]:
    """Translate a finished GeoPackage to the format of ``staged``'s extension, then drop it. A Shapefile gets UTF-8
    text and field names cut to 10 characters (mean_probability: mean_proba); the GeoJSON keeps the layer's CRS, as
    QGIS writes it (else EPSG:4326: :func:`_geojson_options`). ``progress`` gets the fraction translated (0..1); a cancel
    stops it at once (:class:`Cancelled`; :class:`_Translation` runs meanwhile in a worker thread: one polygon with
    60 000 holes takes GDAL 45 s to write to a Shapefile); a failed write (a full disk) is an OutputError. Returns what
    the format lost, in words (text cut; an empty GeoJSON's fields)."""
    if gpkg == staged:
        return []
    ext = os.path.splitext(staged)[1].lower()
    lost: list[str] = []
    try:
        if ext == ".shp":
            select, cut = _shapefile_select(gpkg)
            sql = dict(SQLStatement=select, SQLDialect="OGRSQL")
            lost = [t("Shapefile: the text of the field '{field}' is cut to {max} bytes in '{name}' (its longest value has "
                      "{n}); write a GeoPackage (.gpkg) to keep it whole", field=f, max=SHAPEFILE_TEXT_MAX,
                      name=shown_name(staged), n=n) for f, n in cut]
        else:
            sql = {}
        if ext == ".geojson" and _is_empty(gpkg):  # GeoJSON has no schema: fields come from the features' properties
            lost = [t("GeoJSON: '{name}' holds no polygons, and an empty GeoJSON keeps neither the fields (area_m2, class "
                      "...) nor the geometry type, so a later step that reads a field fails; write a GeoPackage (.gpkg) "
                      "or FlatGeobuf (.fgb) to keep them", name=shown_name(staged))]
        job = _Translation(gpkg, staged, ext, sql)
        if is_cancelled is None and progress is None:
            job.run()
        else:
            job.run_watched(is_cancelled or (lambda: False), progress)
        if job.failures:
            raise OutputError(t("Cannot write '{name}' ({reason}).", name=shown_name(staged), reason=job.failures[0]),
                              t("Write a GeoPackage (.gpkg) instead, or check the folder and the disk space."))
        _check_read_back(gpkg, staged)
    except BaseException:
        remove_quietly(staged)
        raise
    finally:
        remove_quietly(gpkg)
    return lost


def _check_read_back(gpkg: str, staged: str) -> None:
    """Refuse a translated file that does not read back with all the GeoPackage's features: GDAL's GeoJSON driver reports
    no failed write (a full disk), so a file cut short would otherwise replace the previous output."""
    want, got = _feature_count(gpkg), _feature_count(staged)
    if got != want:
        raise write_failed(staged, t("only {got} of its {want} features read back from the file written: the disk may be "
                                     "full", got=max(got, 0), want=want))


def _feature_count(path: str) -> int:
    """The features of a vector file's first layer, counted by reading them; -1 when it cannot be read."""
    from osgeo import ogr

    with gdal_failures():  # an unreadable file is the answer, not news on stderr
        try:
            ds = ogr.Open(path)
            count = ds.GetLayer(0).GetFeatureCount(force=1) if ds is not None and ds.GetLayerCount() else -1
        except RuntimeError:  # bindings with exceptions enabled
            count = -1
        ds = None
    return count


def _is_empty(gpkg: str) -> bool:
    """Whether the GeoPackage's layer holds no features."""
    from osgeo import ogr

    ds = ogr.Open(gpkg)
    return ds is not None and ds.GetLayerCount() > 0 and ds.GetLayer(0).GetFeatureCount() == 0


def _geojson_options(gpkg: str) -> dict:
    """gdal.VectorTranslate's options for a GeoJSON. It names its CRS only by an EPSG code: without one QGIS reads it as
    EPSG:4326 (metres as degrees), so it is then written in EPSG:4326 as RFC 7946 asks, reprojected and cut at the
    antimeridian here rather than by the driver, which turns one-part MultiPolygons into Polygons; MultiPolygons either
    way, as in the other formats."""
    if _has_epsg(gpkg):
        return dict(geometryType="MULTIPOLYGON", layerCreationOptions=["RFC7946=NO"])
    return dict(geometryType="MULTIPOLYGON", dstSRS="EPSG:4326", reproject=True, options=["-wrapdateline"],
                layerCreationOptions=["RFC7946=YES", "WRAPDATELINE=NO"])


def _has_epsg(gpkg: str) -> bool:
    """Whether the GeoPackage's layer CRS has an EPSG code (or no CRS at all)."""
    from osgeo import ogr

    ds = ogr.Open(gpkg)
    srs = ds.GetLayer(0).GetSpatialRef() if ds is not None and ds.GetLayerCount() else None
    if srs is None:
        return True
    srs.AutoIdentifyEPSG()
    return srs.GetAuthorityName(None) == "EPSG" and bool(srs.GetAuthorityCode(None))


POLL_S = 0.1
"""Seconds between a translation's cancel checks and progress reports."""


class _Translation:
    """One gdal.VectorTranslate of a GeoPackage into ``staged``, run here or in a worker thread that a cancel leaves
    at once (the worker stops at its next feature and then removes what it wrote)."""

    def __init__(self, gpkg: str, staged: str, ext: str, sql: dict) -> None:
        self.gpkg, self.staged, self.ext, self.sql = gpkg, staged, ext, sql
        with _folders_lock:  # the folders the run made for this output: a stopped worker removes them once empty
            self.created = list(_pending_folders.get(os.path.abspath(staged), []))
        self.failures: list[str] = []
        self.fraction = 0.0
        self.stop = threading.Event()

    def _callback(self, complete: float, _message, _data) -> int:
        self.fraction = min(max(float(complete), 0.0), 1.0)
        return 0 if self.stop.is_set() else 1

    def run(self) -> None:
        """Translate (GDAL's failures collected in :attr:`failures`: a full disk is only logged); a stopped worker
        removes its files."""
        from osgeo import gdal

        options = (dict(layerCreationOptions=["ENCODING=UTF-8"]) if self.ext == ".shp" else
                   _geojson_options(self.gpkg) if self.ext == ".geojson" else {})
        with gdal_failures() as failures:  # the Shapefile's field-name cuts are warnings, not news
            try:
                done = gdal.VectorTranslate(self.staged, self.gpkg, format=VECTOR_DRIVERS[self.ext],
                                            callback=self._callback, **options, **self.sql)
                if done is None and not failures:
                    failures.append(gdal.GetLastErrorMsg() or "GDAL VectorTranslate failed")
                done = None  # closes it (a full disk shows here too)
            except RuntimeError as exc:  # bindings with exceptions enabled
                failures.append(str(exc))
        self.failures = failures
        if self.stop.is_set():  # cancelled meanwhile: what GDAL wrote after the caller cleaned up goes too
            remove_quietly(self.staged)
            remove_quietly(self.gpkg)
            _remove_empty(self.created)  # the caller could not remove them while they held these files

    def run_watched(self, is_cancelled: Callable[[], bool], progress: Optional[Callable[[float], None]]) -> None:
        """:meth:`run` in a worker thread, checking for a cancel and reporting progress every :data:`POLL_S`."""
        worker = threading.Thread(target=self.run, name="terraprompt-translate", daemon=True)
        worker.start()
        while worker.is_alive():
            worker.join(POLL_S)
            if is_cancelled():
                self.stop.set()
                raise Cancelled()
            if progress is not None:
                progress(self.fraction)
        if progress is not None and not self.failures:
            progress(1.0)


SHAPEFILE_TEXT_MAX = 254
"""The widest text field a dBase file holds (bytes)."""


def _shapefile_select(gpkg: str) -> tuple[str, list[tuple[str, int]]]:
    """An OGR SQL SELECT of the GeoPackage's layer giving each text and integer field the width of its widest value
    (bytes; text at most SHAPEFILE_TEXT_MAX): what the Shapefile driver's RESIZE=YES does, but while the features are
    copied, where a cancel reaches it, rather than in a rewrite of the .dbf when the file closes (4/5 of the time the
    translation of 46 000 polygons took); and the (text field, bytes of its widest value) cut to SHAPEFILE_TEXT_MAX."""
    from contextlib import closing

    from osgeo import ogr

    ds = ogr.Open(gpkg)
    layer = ds.GetLayer(0)
    name, defn = layer.GetName(), layer.GetLayerDefn()
    fields = [(defn.GetFieldDefn(i).GetName(), defn.GetFieldDefn(i).GetType()) for i in range(defn.GetFieldCount())]
    layer = defn = ds = None
    kinds = {ogr.OFTString: "character", ogr.OFTInteger: "integer", ogr.OFTInteger64: "integer"}
    sized = [(f, kinds[k]) for f, k in fields if k in kinds]
    widths: list = []
    if sized:
        sizes = ", ".join(f"max(length(CAST({_quoted(f)} AS {'BLOB' if k == 'character' else 'TEXT'})))" for f, k in sized)
        with closing(_read_only(gpkg)) as db:
            widths = list(db.execute(f"SELECT {sizes} FROM {_quoted(name)}").fetchone())
    width = {f: (k, min(max(int(w or 1), 1), SHAPEFILE_TEXT_MAX)) for (f, k), w in zip(sized, widths)
             if k == "character" or int(w or 1) <= 9}  # wider integers keep the driver's 64-bit field
    columns = [f"CAST({_quoted(f)} AS {width[f][0]}({width[f][1]})) AS {_quoted(f)}" if f in width else _quoted(f)
               for f, _ in fields]
    cut = [(f, int(w)) for (f, k), w in zip(sized, widths) if k == "character" and int(w or 0) > SHAPEFILE_TEXT_MAX]
    return f"SELECT {', '.join(columns) or '*'} FROM {_quoted(name)}", cut


def _quoted(identifier: str) -> str:
    """An identifier quoted for SQL (OGR SQL and SQLite)."""
    return '"' + identifier.replace('"', '""') + '"'


def write_failed(path: str, reason: object) -> OutputError:
    """The error for an output GDAL or the system could not write (a full disk, mostly), naming it and its folder (or
    saying the folder was removed)."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    gone = folder_removed([path])
    if gone is not None:
        return gone
    return OutputError(t("Cannot write '{name}' ({reason}).", name=shown_name(path), reason=_short(reason)),
                       t("Check the folder '{folder}' and the free disk space; the previous output, if any, is unchanged.",
                         folder=folder))


def folder_removed(paths: Iterable[Optional[str]]) -> Optional[OutputError]:
    """The error for outputs whose folder was removed during the run (a raw OSError on a hidden temporary file there
    otherwise); None when every folder is there."""
    for path in filter(None, paths):
        folder = os.path.dirname(os.path.abspath(split_layer(path)[0]))
        if not os.path.isdir(folder):
            return OutputError(t("The output folder '{folder}' was removed during the run.", folder=folder),
                               t("Create it again or choose another folder, then run again; nothing was written."))
    return None


def scratch_failed(reason: object) -> OutputError:
    """The error for TerraPrompt's own temporary files (under TMPDIR) that could not be written: a full temporary disk."""
    return OutputError(t("Cannot write TerraPrompt's temporary files in '{folder}' ({reason}).", folder=temp_dir(),
                         reason=_short(reason)),
                       t("Free disk space there, or set the TMPDIR environment variable to a folder on a disk with space "
                         "and restart QGIS; the outputs are unchanged."))


def _short(reason: object) -> str:
    """A failure's text on one line, at most 200 characters."""
    text = " ".join(str(reason).split()) or "?"
    return text if len(text) <= 200 else text[:199] + "…"


_TEMP_NAME = re.compile(r"^\.(.+)\.tmp-[0-9a-f]{8}(\.[^.]*)?$")


def shown_name(path: str) -> str:
    """The name of the output a (hidden, temporary) file is bound for, as the analyst chose it: '.lc.tmp-1a2b3c4d.gpkg'
    → 'lc.gpkg' (staged files are named after temporary ones, so the pattern may repeat)."""
    name = os.path.basename(path)
    staged = _TEMP_NAME.match(name[:-5]) if name.endswith(".gpkg") else None
    if staged is not None and staged.group(2):  # a staged GeoPackage: the temporary name + '.gpkg'
        name = name[:-5]
    while (m := _TEMP_NAME.match(name)) is not None:
        name = m.group(1) + (m.group(2) or "")
    return name


@contextmanager
def gdal_failures() -> Iterator[list[str]]:
    """Collect the messages of GDAL errors (CE_Failure, CE_Fatal) raised in this thread meanwhile, warnings dropped:
    GDAL only logs a failed write (a full disk) and still reports success."""
    failures: list[str] = []
    try:
        from osgeo import gdal
    except ImportError:  # rasterio wheels without the GDAL bindings: nothing to collect
        yield failures
        return

    def handler(level: int, _number: int, message: str) -> None:
        if level >= gdal.CE_Failure:
            failures.append(message)

    gdal.PushErrorHandler(handler)
    try:
        yield failures
    finally:
        gdal.PopErrorHandler()


STYLE_MARK = "<!-- TerraPrompt result style"
"""How the line the plugin appends to a .qml it saves beside a result starts (only those are replaced or removed with the
result; an analyst's own .qml of another file of that name is left alone); :func:`style_mark` names the result's file."""


def style_mark(owner: str) -> str:
    """The line marking a .qml saved for the result file ``owner`` (its name quoted: an XML comment holds no '--')."""
    return f"{STYLE_MARK} of {quote(os.path.basename(owner), safe='').replace('-', '%2D')} -->"


def our_style(path: str, owner: Optional[str] = None) -> bool:
    """Whether ``path`` is a .qml the plugin saved beside a result (with ``owner``: for that result file; a mark of an
    older version names no file and is taken for any output but a GeoPackage, which never has one)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return False
    if owner is None or style_mark(owner) in text:
        return STYLE_MARK in text
    return f"{STYLE_MARK} -->" in text and not owner.lower().endswith(".gpkg")


def commit(tmp: str, final: str) -> None:
    """Move a finished temporary file (a Shapefile with its parts) over the destination (atomic on one filesystem)."""
    if os.path.exists(final + ".aux.xml"):
        remove_quietly(final + ".aux.xml")
    style = os.path.splitext(final)[0] + ".qml"  # the style saved with an earlier result: its classes may differ now
    if our_style(style, owner=final):
        remove_quietly(style)
    for part in file_parts(final)[1:] + [final + "-wal", final + "-shm"]:
        # parts of an older Shapefile there that this one may not have (.qix, .cpg); an older GeoPackage's write-ahead
        # log, which SQLite would otherwise replay into the new file
        if os.path.exists(part):
            os.remove(part)
    try:
        for src, dst in zip(file_parts(tmp), file_parts(final)):
            if src == tmp or os.path.exists(src):
                os.replace(src, dst)
    except OSError as exc:
        raise OutputError(t("Cannot write '{path}': {reason}.", path=final, reason=exc), t(WRITABLE)) from exc
    if os.path.exists(tmp + ".aux.xml"):
        os.replace(tmp + ".aux.xml", final + ".aux.xml")
    # committed into another pending temporary file (a staged output): that one still holds the folders
    _release_folders(os.path.abspath(tmp), keep=os.path.abspath(final) not in _pending_folders)


class GeoTiffWriter:
    """A tiled, DEFLATE-compressed GeoTIFF on a grid, written by windows, committed at the end."""

    def __init__(self, path: str, grid: Grid, count: int, dtype: str, nodata: Optional[float] = None,
                 block: int = 256, colormap: Optional[dict] = None, descriptions: Sequence[str] = (),
                 tags: Optional[dict] = None, scratch: bool = False) -> None:
        self.path, self.scratch = path, scratch  # scratch: a file of the run's own, under TMPDIR, never committed
        self.tmp = temp_path_for(path)
        block = block if block % 16 == 0 and block >= 16 else 256
        profile = dict(driver="GTiff", width=grid.width, height=grid.height, count=count, dtype=dtype,
                       crs=grid.crs, transform=grid.transform, nodata=nodata, compress="deflate",
                       tiled=True, blockxsize=block, blockysize=block, BIGTIFF="IF_SAFER", NUM_THREADS="2")
        if dtype in ("uint8", "uint16", "int16", "int32", "uint32"):
            profile["predictor"] = 2
        elif dtype in ("float32", "float64"):  # floating-point predictor + fast level: 2x faster and smaller than level 6
            profile.update(predictor=3, zlevel=1)
        try:
            self.ds = rasterio.open(self.tmp, "w", **profile)
        except Exception as exc:
            remove_quietly(self.tmp)
            if scratch:
                raise scratch_failed(exc) from exc
            raise OutputError(t("Cannot write '{path}': {reason}.", path=path, reason=exc), t(WRITABLE)) from exc
        if colormap:
            self.ds.write_colormap(1, colormap)
        for i, d in enumerate(descriptions, start=1):
            self.ds.set_band_description(i, d)
        if tags:
            self.ds.update_tags(**{k: str(v) for k, v in tags.items()})

    def write(self, window: Window, data: np.ndarray) -> None:
        """Write (count, h, w) or (h, w) data at a window; a failed write (a full disk) is an OutputError at once."""
        if data.ndim == 2:
            data = data[None]
        with self._checked():
            self.ds.write(data.astype(self.ds.dtypes[0], copy=False), window=window)

    def close(self, commit_now: bool = True) -> None:
        """Finish and atomically move the file into place.

        With ``commit_now=False`` the finished file stays at :attr:`tmp` (readable, e.g. to polygonise
        it) until :meth:`commit` is called, so a later failure can still leave the old output untouched.
        A block GDAL could not write (a full disk) is an OutputError; the temporary file is then removed.
        """
        with self._checked():
            self.ds.close()
        if commit_now:
            self.commit()

    @contextmanager
    def _checked(self) -> Iterator[None]:
        """Turn GDAL write failures in the block (only logged by GDAL) into an OutputError; the temporary file goes."""
        try:
            with gdal_failures() as failures:
                yield
        except OSError as exc:  # rasterio's own write errors
            failures = [str(exc)]
        if failures:
            self.abort()
            raise scratch_failed(failures[0]) if self.scratch else write_failed(self.path, failures[0])

    def commit(self) -> None:
        """Move a closed, finished temporary file over the destination."""
        commit(self.tmp, self.path)

    def abort(self) -> None:
        """Drop the temporary file; the destination is left as it was."""
        try:
            self.ds.close()
        finally:
            remove_quietly(self.tmp)


def class_colormap(colors: Iterable[tuple[int, tuple[int, int, int]]]) -> dict:
    """A GDAL colour table: value → RGBA, background light grey, nodata black. A GeoTIFF palette keeps no alpha: the
    background is opaque there, and transparent through the .qml saved beside the file (class 0 is a class, "none of the
    prompted classes", not nodata: 255 is the nodata value)."""
    cmap = {0: (230, 230, 230, 0), 255: (0, 0, 0, 0)}
    for value, rgb in colors:
        cmap[int(value)] = (*rgb, 255)
    return cmap


def write_class_names(path: str, names: dict[int, str]) -> bool:
    """Name the classes of a finished single-band class raster for any GDAL-based software (GDAL category names, kept by
    a GeoTIFF in its .aux.xml), so it shows 'Water' rather than '1' without the .qml; False when there is nothing to write
    or GDAL cannot (values above 255, which a category list indexed by value cannot hold; no GDAL bindings; a failed write,
    a full disk: the .aux.xml it left is removed)."""
    if not names or min(names) < 0 or max(names) > 255:
        return False
    try:
        from osgeo import gdal
    except ImportError:
        return False
    categories = [names.get(value, "") for value in range(max(names) + 1)]
    with gdal_failures() as failures:
        try:
            ds = gdal.Open(path)  # read-only: the names go to the .aux.xml on closing, the pixels stay as they are
            ok = ds is not None and ds.GetRasterBand(1).SetCategoryNames(categories) == gdal.CE_None
            ds = None
        except RuntimeError:  # GDAL in exceptions mode
            ok = False
    if ok and not failures and _category_names(path) == categories:  # GDAL reports no failed .aux.xml write (a full disk)
        return True
    remove_quietly(path + ".aux.xml")  # written only now (commit removed the older one): empty or cut short
    return False


def _category_names(path: str) -> list[str]:
    """The category names a raster's .aux.xml holds, read back (empty when it is missing, empty or cut short)."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(path + ".aux.xml").getroot()
    except (OSError, ET.ParseError):
        return []
    return [c.text or "" for c in root.iterfind("./PAMRasterBand/CategoryNames/Category")]


def temp_dir() -> str:
    """Where intermediate files go (honours TMPDIR)."""
    return tempfile.gettempdir()


_cache_lock = threading.Lock()
_cache_users = [0, None]  # active runs, GDAL cache size to restore


@contextmanager
def bounded_gdal_cache(mb: Optional[int] = None) -> Iterator[None]:
    """Cap GDAL's block cache during a run (TERRAPROMPT_GDAL_CACHE_MB, default 64 MB; never raised).

    Blocks written to an output stay in GDAL's cache until evicted, so with a large cache the memory
    of a run grows with the output size up to GDAL_CACHEMAX (5 % of RAM by default). Capping it keeps
    peak memory independent of raster size; the previous size is restored when the last run ends.
    """
    if mb is None:
        env = os.environ.get("TERRAPROMPT_GDAL_CACHE_MB", "64")
        mb = int(env) if env.isdigit() and int(env) > 0 else 64
    try:
        from osgeo import gdal
    except ImportError:  # rasterio wheels without the GDAL bindings: leave the cache alone
        yield
        return
    with _cache_lock:
        if _cache_users[0] == 0:
            _cache_users[1] = gdal.GetCacheMax()
            if _cache_users[1] > mb * 1024 * 1024:
                gdal.SetCacheMax(mb * 1024 * 1024)
        _cache_users[0] += 1
    try:
        yield
    finally:
        with _cache_lock:
            _cache_users[0] -= 1
            if _cache_users[0] == 0 and _cache_users[1] is not None:
                gdal.SetCacheMax(_cache_users[1])
                _cache_users[1] = None


def with_bounded_gdal_cache(fn):
    """Decorator: run ``fn`` under :func:`bounded_gdal_cache` (for the core's long-running entry points)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with bounded_gdal_cache():
            return fn(*args, **kwargs)

    return wrapper
