"""Writers: tiled, compressed GeoTIFFs and polygons (GeoPackage, Shapefile, GeoJSON, FlatGeobuf), replaced atomically.

Every output is written to a hidden temporary file next to its destination and
renamed over it only when complete; on error or cancel the temporary file is
removed, so an existing output is never half-replaced and inputs are never touched.
"""
from __future__ import annotations

import os
import tempfile
import threading
import uuid
from contextlib import contextmanager
from typing import Iterable, Iterator, Optional, Sequence

import numpy as np
import rasterio
from rasterio.windows import Window

from .errors import OutputError
from .messages import t

from .raster import Grid

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


def check_output_path(path: str, inputs: Sequence[str] = (), extensions: Sequence[str] = ()) -> str:
    """Validate an output path: not an input, folder writable, known extension. Returns the absolute path."""
    if not path:
        raise OutputError(t("No output path was given."), t("Choose a file name, or a temporary output."))
    path = os.path.abspath(path)
    for src in inputs:
        if src and (os.path.abspath(src) == path or _same_file(src, path)):
            raise OutputError(t("The output '{name}' is one of the inputs.", name=os.path.basename(path)),
                              t("Choose another output file name; inputs are never overwritten."))
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
    return path


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
    stem, ext = os.path.splitext(name)
    tmp = os.path.join(folder, f".{stem}.tmp-{uuid.uuid4().hex[:8]}{ext}")
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
    """The file and, for a Shapefile, its side files (.shx, .dbf, .prj, ... whether they exist or not)."""
    stem, ext = os.path.splitext(path)
    return [path] + ([stem + e for e in _SHAPEFILE_PARTS] if ext.lower() == ".shp" else [])


@contextmanager
def staged_vector(path: str) -> Iterator[str]:
    """The GeoPackage to write polygons bound for ``path`` into; when the block ends they are translated to the format
    of ``path``'s extension and moved over it; on an error or a cancel nothing is left behind."""
    tmp = temp_path_for(path)
    gpkg = tmp if tmp.lower().endswith(".gpkg") else tmp + ".gpkg"
    try:
        yield gpkg
        _to_vector_format(gpkg, tmp)
        commit(tmp, path)
    except BaseException:
        remove_quietly(gpkg)
        remove_quietly(tmp)
        raise


def _to_vector_format(gpkg: str, staged: str) -> None:
    """Translate a finished GeoPackage to the format of ``staged``'s extension, then drop it. A Shapefile gets UTF-8
    text and field names cut to 10 characters (mean_probability: mean_proba); the GeoJSON keeps the layer's CRS, as
    QGIS writes it."""
    if gpkg == staged:
        return
    from osgeo import gdal

    ext = os.path.splitext(staged)[1].lower()
    options = {".shp": ["ENCODING=UTF-8", "RESIZE=YES"], ".geojson": ["RFC7946=NO"]}.get(ext, [])
    try:
        gdal.PushErrorHandler("CPLQuietErrorHandler")  # the Shapefile's field-name cuts are warnings, not news
        try:
            done = gdal.VectorTranslate(staged, gpkg, format=VECTOR_DRIVERS[ext], layerCreationOptions=options)
            reason = gdal.GetLastErrorMsg()
        finally:
            gdal.PopErrorHandler()
        if done is None:
            raise OutputError(t("Cannot write '{name}' ({reason}).", name=os.path.basename(staged), reason=reason),
                              t("Write a GeoPackage (.gpkg) instead, or check the folder and the disk space."))
        done = None  # closes it
    except BaseException:
        remove_quietly(staged)
        raise
    finally:
        remove_quietly(gpkg)


def commit(tmp: str, final: str) -> None:
    """Move a finished temporary file (a Shapefile with its parts) over the destination (atomic on one filesystem)."""
    if os.path.exists(final + ".aux.xml"):
        remove_quietly(final + ".aux.xml")
    for part in file_parts(final)[1:]:  # parts of an older Shapefile there that this one may not have (.qix, .cpg)
        if os.path.exists(part):
            os.remove(part)
    for src, dst in zip(file_parts(tmp), file_parts(final)):
        if src == tmp or os.path.exists(src):
            os.replace(src, dst)
    if os.path.exists(tmp + ".aux.xml"):
        os.replace(tmp + ".aux.xml", final + ".aux.xml")
    # committed into another pending temporary file (a staged output): that one still holds the folders
    _release_folders(os.path.abspath(tmp), keep=os.path.abspath(final) not in _pending_folders)


class GeoTiffWriter:
    """A tiled, DEFLATE-compressed GeoTIFF on a grid, written by windows, committed at the end."""

    def __init__(self, path: str, grid: Grid, count: int, dtype: str, nodata: Optional[float] = None,
                 block: int = 256, colormap: Optional[dict] = None, descriptions: Sequence[str] = (),
                 tags: Optional[dict] = None) -> None:
        self.path = path
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
            raise OutputError(t("Cannot write '{path}': {reason}.", path=path, reason=exc), t(WRITABLE)) from exc
        if colormap:
            self.ds.write_colormap(1, colormap)
        for i, d in enumerate(descriptions, start=1):
            self.ds.set_band_description(i, d)
        if tags:
            self.ds.update_tags(**{k: str(v) for k, v in tags.items()})

    def write(self, window: Window, data: np.ndarray) -> None:
        """Write (count, h, w) or (h, w) data at a window."""
        if data.ndim == 2:
            data = data[None]
        self.ds.write(data.astype(self.ds.dtypes[0], copy=False), window=window)

    def close(self, commit_now: bool = True) -> None:
        """Finish and atomically move the file into place.

        With ``commit_now=False`` the finished file stays at :attr:`tmp` (readable, e.g. to polygonise
        it) until :meth:`commit` is called, so a later failure can still leave the old output untouched.
        """
        self.ds.close()
        if commit_now:
            self.commit()

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
    """A GDAL colour table: value → RGBA, background transparent-grey, nodata black."""
    cmap = {0: (230, 230, 230, 0), 255: (0, 0, 0, 0)}
    for value, rgb in colors:
        cmap[int(value)] = (*rgb, 255)
    return cmap


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
