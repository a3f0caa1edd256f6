"""The local files behind a GDAL raster source: the archive of a '/vsizip/' path, the GeoPackage of a 'GPKG:file:table'
layer, the file of a 'NETCDF:"file":var' variable, the source files of a virtual raster. Used to tell a source whose file
is gone and to notice that a source's content changed (the encodings cache)."""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Optional

_ARCHIVE = re.compile(r"^/vsi(zip|tar|gzip|7z|rar)/", re.I)
_ARCHIVE_NAME = re.compile(r"^(.*?\.(zip|tar|tgz|tar\.gz|gz|7z|rar|kmz))(/|$)", re.I)
_PREFIX = re.compile(r"^[A-Z][A-Z0-9_]+:")
_FILE_DRIVERS = {"GPKG", "NETCDF", "HDF5", "HDF4", "HDF4_SDS", "HDF4_EOS", "HDF4_GR", "HDF4_IMAGE", "EOS_GRID",
                 "EOS_SWATH", "SENTINEL2_L1B", "SENTINEL2_L1C", "SENTINEL2_L2A", "SENTINEL2_L1C_TILE", "GTIFF_DIR",
                 "NITF_IM", "ZARR", "GRIB"}
"""Drivers whose connection string starts with a file path (after their name), checked even when the file is missing."""


def container_file(path: str) -> Optional[str]:
    """The local file a GDAL source reads (the path itself for a plain file); None for a remote, in-memory or database
    source, where there is no file to check."""
    if path.startswith("/vsi"):
        match = _ARCHIVE.match(path)
        return _archive_file(path[match.end():]) if match else None
    if not _PREFIX.match(path):
        return path
    driver = path.split(":", 1)[0].upper()
    rest = path
    while _PREFIX.match(rest):
        rest = rest.split(":", 1)[1]
    quoted = re.match(r'^"([^"]+)"', rest)
    if quoted:
        return quoted.group(1)
    if rest.startswith("/vsi"):
        return container_file(rest)
    parts = rest.split(":")
    found = _longest_prefix(parts, ":", os.path.exists)
    if found:
        return found
    if driver not in _FILE_DRIVERS or not parts[0]:
        return None
    drive = len(parts) > 1 and len(parts[0]) == 1  # 'GPKG:C:\\data\\x.gpkg:table'
    return ":".join(parts[:2]) if drive else parts[0]


def _archive_file(rest: str) -> Optional[str]:
    """The archive file of the part of a '/vsizip/' path after its prefix ('{archive}/member' or 'archive/member')."""
    if rest.startswith("{"):
        return container_file(rest[1:].split("}", 1)[0])
    if rest.startswith("/vsi"):
        return container_file(rest)
    found = _longest_prefix(rest.split("/"), "/", os.path.isfile)
    if found:
        return found
    named = _ARCHIVE_NAME.match(rest)
    return named.group(1) if named else rest


def _longest_prefix(parts: list[str], sep: str, exists) -> Optional[str]:
    """The longest leading run of ``parts`` joined by ``sep`` for which ``exists`` holds (a file inside a connection
    string or an archive path), None for none."""
    for i in range(len(parts), 0, -1):
        candidate = sep.join(parts[:i])
        if candidate and exists(candidate):
            return candidate
    return None


def vrt_sources(path: str) -> list[str]:
    """The files a virtual raster (.vrt) names as its sources, as paths to check ([] for another file or an unreadable
    VRT: GDAL reports that when it opens it); parsed once per state of the VRT file (a mosaic of thousands of tiles is
    asked for every encoded window's cache key)."""
    if not path.lower().endswith(".vrt"):
        return []
    try:
        st = os.stat(path)
    except OSError:
        return []
    return list(_parsed_vrt_sources(os.path.abspath(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns))


@lru_cache(maxsize=32)
def _parsed_vrt_sources(path: str, size: int, mtime_ns: int, ctime_ns: int) -> tuple[str, ...]:
    """:func:`vrt_sources` of one state of a VRT file (its size and times are the cache key)."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return ()
    folder = os.path.dirname(path)
    found = []
    for node in root.iter("SourceFilename"):
        name = (node.text or "").strip()
        if not name:
            continue
        if node.get("relativeToVRT", "0") == "1" and not os.path.isabs(name) and not name.startswith("/vsi"):
            name = os.path.join(folder, name)
        local = container_file(name)
        if local and local not in found:
            found.append(local)
    return tuple(found)


def source_folders(path: str) -> list[str]:
    """The names of the folders holding a virtual raster's source files, once each ([] for another raster): products
    that name their band files only by band keep their id there (Earth Search: .../S2B_33UVP_20230612_0_L2A/B04.tif)."""
    return list(dict.fromkeys(os.path.basename(os.path.dirname(os.path.abspath(f))) for f in vrt_sources(path)))


def missing_files(path: str) -> list[str]:
    """The local files a source needs that do not exist: its own file or container, else the sources of a VRT."""
    own = container_file(path)
    if own is not None and not os.path.exists(own):
        return [own]
    return [f for f in vrt_sources(path) if not os.path.exists(f)]


SIDECARS = (".msk", ".MSK", ".aux.xml")
"""Files GDAL reads beside a raster that change what is read: a per-dataset mask and the PAM file (nodata, scale and
offset, georeferencing set on a read-only dataset); overviews (.ovr) only change how a reduced read is resampled."""


def sidecar_files(path: str) -> list[str]:
    """The existing sidecars (:data:`SIDECARS`) of a local file, absolute."""
    found = []
    for suffix in SIDECARS:
        candidate = os.path.abspath(path + suffix)
        if os.path.isfile(candidate) and candidate not in found:
            found.append(candidate)
    return found


def source_files(path: str) -> list[str]:
    """Every local file a source reads, absolute (its file or container first, then a VRT's sources)."""
    own = container_file(path)
    files = [os.path.abspath(own)] if own else []
    return files + [os.path.abspath(f) for f in vrt_sources(path) if os.path.abspath(f) not in files]
