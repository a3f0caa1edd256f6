"""Minimum mapping unit for class rasters: regions of a class smaller (or larger) than a size become background, in place;
on a whole land-cover map, small regions merge into their largest neighbour instead (:func:`merge_small_regions`).

A prompt such as "lakes larger than 1 ha" filters the polygons by their exact
geodesic area; this applies the same idea to the class raster, so the raster and
the polygons agree. Each class is filtered on its own: its 4-connected regions are
labelled strip by strip and joined across strips (union-find), so memory follows
the strip and the number of regions, not the raster; a region of that class
outside the size range becomes 0; holes inside larger regions are left as they are.
(GDAL's sieve is no such filter: it leaves a small region alone when no neighbour
is large, and merges small background patches into the class around them, which
kept the regions inside those patches.)
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, Optional, Union

import numpy as np
from osgeo import gdal

from .errors import Cancelled

BLOCK_ROWS = 1024
MERGE_PASSES = 8


class PixelAreas:
    """Geodesic area (m²) of each pixel of a grid: one value per row where a row's pixels have equal area (lon/lat,
    Mercator, UTM-size extents), else a coarse lattice interpolated bilinearly per pixel (polar stereographic, LAEA,
    Albers, rotated grids, where the area varies along a row)."""

    def __init__(self, rows: Optional[np.ndarray] = None, lattice: Optional[np.ndarray] = None,
                 lattice_rows: Optional[np.ndarray] = None, lattice_cols: Optional[np.ndarray] = None) -> None:
        self.rows = None if rows is None else np.asarray(rows, dtype=np.float64)
        self.lattice = None if lattice is None else np.asarray(lattice, dtype=np.float64)
        self._ry, self._cx = lattice_rows, lattice_cols  # the lattice nodes' pixel coordinates (row / column centres)

    @property
    def per_row(self) -> bool:
        """True when one value per row gives every pixel's area."""
        return self.lattice is None

    def block(self, y: int, n: int, x0: int = 0, w: int = 1) -> np.ndarray:
        """Pixel areas of rows y..y+n, columns x0..x0+w: shape (n, 1) per row (broadcasts over the columns) or (n, w)."""
        if self.per_row:
            return self.rows[y:y + n, None]
        cols = _lerp_weights(self._cx, np.arange(x0, x0 + w, dtype=np.float64) + 0.5)
        by_col = self.lattice[:, cols[0]] * (1 - cols[2]) + self.lattice[:, cols[1]] * cols[2]  # lattice rows x columns
        i0, i1, f = _lerp_weights(self._ry, np.arange(y, y + n, dtype=np.float64) + 0.5)
        return by_col[i0] * (1 - f)[:, None] + by_col[i1] * f[:, None]

    def weighted(self, mask: np.ndarray, y: int, x0: int = 0) -> float:
        """Area (m²) of the pixels ``mask`` (a block whose top-left pixel is row y, column x0) holds."""
        if self.per_row:
            return float(mask.sum(axis=1) @ self.rows[y:y + mask.shape[0]])
        return float(self.block(y, mask.shape[0], x0, mask.shape[1])[mask].sum())

    def weights(self, shape: tuple[int, int], y: int, x0: int = 0) -> np.ndarray:
        """The pixel areas of a block of ``shape`` at row y, column x0, broadcast to that shape (read-only)."""
        return np.broadcast_to(self.block(y, shape[0], x0, shape[1]), shape)

    def values(self) -> np.ndarray:
        """The measured areas (each row's, or the lattice's): for the smallest, largest and typical pixel."""
        return self.rows if self.per_row else self.lattice.ravel()


def _lerp_weights(nodes: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(left node, right node, fraction) of linear interpolation between increasing ``nodes`` at ``at`` (clamped)."""
    if len(nodes) == 1:
        z = np.zeros(len(at), dtype=np.intp)
        return z, z, np.zeros(len(at))
    i0 = np.clip(np.searchsorted(nodes, at, side="right") - 1, 0, len(nodes) - 2)
    f = np.clip((at - nodes[i0]) / (nodes[i0 + 1] - nodes[i0]), 0.0, 1.0)
    return i0, i0 + 1, f


AreasLike = Union[PixelAreas, np.ndarray]
"""Pixel areas as :class:`PixelAreas` or as one value per row (a 1-D array)."""


def as_pixel_areas(areas: AreasLike) -> PixelAreas:
    """``areas`` as :class:`PixelAreas` (a 1-D array: one area per row)."""
    return areas if isinstance(areas, PixelAreas) else PixelAreas(rows=areas)


def _row_blocks(height: int, rows: int = BLOCK_ROWS):
    """(row offset, row count) of the horizontal strips covering ``height`` rows."""
    for y in range(0, height, rows):
        yield y, min(rows, height - y)


def sieve_classes(path: str, classes: Iterable[int], min_size: float, is_cancelled: Optional[Callable[[], bool]] = None,
                  max_size: float = 0, row_area: Optional[AreasLike] = None) -> int:
    """Set to 0 every 4-connected region of each class (a polygon's pixels: raster and polygons keep the same regions;
    8-connected regions kept pixels touching a large region at a corner whose own polygons were under the size) smaller
    than ``min_size`` or larger than ``max_size`` (0: no maximum), in pixels, or in m² when ``row_area`` gives the
    pixel areas (as the polygons' area); returns the pixels removed."""
    return _sieve(path, [lambda cls, k=k: cls == k for k in classes], min_size, max_size, row_area, is_cancelled)


def sieve_changed(path: str, min_size: float, max_size: float = 0, row_area: Optional[AreasLike] = None,
                  nodata: int = 255, is_cancelled: Optional[Callable[[], bool]] = None) -> int:
    """Set to 0 every 4-connected region of non-zero values (a changed area, whatever transitions make it up; 4-connected
    as its polygons are, so no polygon stands for a region joined to another only at a corner) outside
    the size range, as :func:`sieve_classes` does for one class: a minimum area keeps or drops whole changed areas, not
    their pieces of one transition each; returns the pixels removed."""
    return _sieve(path, [lambda cls: (cls != 0) & (cls != nodata)], min_size, max_size, row_area, is_cancelled)


_HOLE = 254
"""Marks a map region under the minimum while it merges into its neighbours (classes are 1..K, nodata 255)."""


def merge_undersized(path: str, classes: Iterable[int], min_size: float, row_area: AreasLike, nodata: int,
                     is_cancelled: Optional[Callable[[], bool]] = None) -> int:
    """Merge each 4-connected region of ``classes`` still under ``min_size`` m² (smaller pixels: a geographic CRS) into
    the classified regions around it, grown into it pixel by pixel: a land-cover map keeps no hole and no region under
    the minimum (one with no classified neighbour is cleared to 0); returns the pixels changed."""
    marked = _sieve(path, [lambda cls, k=k: cls == k for k in classes], min_size, 0, row_area, is_cancelled, _HOLE)
    if marked:
        ds = gdal.Open(path, gdal.GA_Update)
        try:
            _grow_into_holes(ds.GetRasterBand(1), nodata, is_cancelled)
            ds.FlushCache()
        finally:
            ds = None
    return marked


def _grow_into_holes(band, nodata: int, is_cancelled: Optional[Callable[[], bool]]) -> None:
    """Give each _HOLE pixel the class of a 4-neighbour already classified, pass after pass, until none changes; the
    holes no class reaches become 0."""
    h, w = band.YSize, band.XSize
    changed = True
    while changed:
        if is_cancelled and is_cancelled():
            raise Cancelled()
        changed = False
        for y, n in _row_blocks(h):
            y0, y1 = max(0, y - 1), min(h, y + n + 1)
            a = band.ReadAsArray(0, y0, w, y1 - y0)
            if not (a[y - y0:y - y0 + n] == _HOLE).any():
                continue
            grown = _grow_once(a, nodata)[y - y0:y - y0 + n]
            if (grown != a[y - y0:y - y0 + n]).any():
                band.WriteArray(grown, 0, y)
                changed = True
    for y, n in _row_blocks(h):
        a = band.ReadAsArray(0, y, w, n)
        if (a == _HOLE).any():
            a[a == _HOLE] = 0
            band.WriteArray(a, 0, y)


def _grow_once(a: np.ndarray, nodata: int) -> np.ndarray:
    """``a`` with each _HOLE pixel beside a classified pixel (not 0, nodata or a hole) given that pixel's class."""
    out = a.copy()
    classified = (a != _HOLE) & (a != nodata) & (a != 0)
    for dy, dx in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        src = np.zeros_like(classified)
        val = np.zeros_like(a)
        ys, yd = (slice(0, a.shape[0] - dy), slice(dy, None)) if dy >= 0 else (slice(-dy, None), slice(0, a.shape[0] + dy))
        xs, xd = (slice(0, a.shape[1] - dx), slice(dx, None)) if dx >= 0 else (slice(-dx, None), slice(0, a.shape[1] + dx))
        src[yd, xd], val[yd, xd] = classified[ys, xs], a[ys, xs]
        take = (out == _HOLE) & src
        out[take] = val[take]
    return out


def _sieve(path: str, selections: list, min_size: float, max_size: float, row_area: Optional[AreasLike],
           is_cancelled: Optional[Callable[[], bool]], to: int = 0) -> int:
    """Drop the out-of-range 4-connected regions of each selection (a function of a strip's values → the
    pixels it holds)."""
    if min_size <= 0 and max_size <= 0:
        return 0
    ds = gdal.Open(path, gdal.GA_Update)
    if ds is None:
        raise OSError(f"cannot open {path} for update")
    band = ds.GetRasterBand(1)
    removed = 0
    areas = None if row_area is None else as_pixel_areas(row_area)
    try:
        for select in selections:
            if is_cancelled and is_cancelled():
                raise Cancelled()
            removed += _drop_regions(band, select, min_size, max_size, areas, to)
        ds.FlushCache()
    finally:
        band = ds = None
    return removed


_FOUR = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)
"""4-connected regions, as polygons are: the raster and the polygons keep the same regions."""


def _strip_labels(band, select: Callable[[np.ndarray], np.ndarray], y: int, n: int,
                  offset: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(values, labels of the selected pixels' regions offset to be unique, number of regions) of a strip."""
    from scipy import ndimage

    cls = band.ReadAsArray(0, y, band.XSize, n)
    labels, count = ndimage.label(select(cls), structure=_FOUR)
    labels = labels.astype(np.int32)
    labels[labels > 0] += offset
    return cls, labels, count


def _drop_regions(band, select: Callable[[np.ndarray], np.ndarray], min_size: float, max_size: float,
                  areas: Optional[PixelAreas] = None, to: int = 0) -> int:
    """Set to ``to`` (0) the regions of the pixels ``select`` picks smaller than ``min_size`` or larger than ``max_size`` (0: no maximum), in
    pixels or, with ``areas``, in m²: label strips, join labels that touch across strip edges, then clear what is
    out of range."""
    h = band.YSize
    sizes = [np.zeros(1)]  # label 0: not the class
    pairs = []
    offset, previous = 0, None
    for y, n in _row_blocks(h):
        _, labels, count = _strip_labels(band, select, y, n, offset)
        weights = None if areas is None else areas.weights(labels.shape, y)
        sizes.append(np.bincount(labels.ravel(), weights=None if weights is None else weights.ravel(),
                                 minlength=offset + count + 1)[offset + 1:].astype(float))
        if previous is not None:  # connected across the strip edge: the pixel right below
            both = (previous > 0) & (labels[0] > 0)
            if both.any():
                pairs.append(np.stack([previous[both], labels[0][both]], axis=1))
        previous = labels[-1]
        offset += count
    if offset == 0:
        return 0
    size = np.concatenate(sizes)
    parent = np.arange(offset + 1, dtype=np.int32)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    for a, b in np.unique(np.concatenate(pairs), axis=0) if pairs else ():
        ra, rb = root(int(a)), root(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    while True:  # every label to its root
        up = parent[parent]
        if np.array_equal(up, parent):
            break
        parent = up
    total = np.bincount(parent, weights=size, minlength=offset + 1)[parent]
    drop = total < min_size
    if max_size > 0:
        drop |= total > max_size
    drop[0] = False
    if not drop.any():
        return 0
    removed, offset = 0, 0
    for y, n in _row_blocks(h):
        cls, labels, count = _strip_labels(band, select, y, n, offset)
        offset += count
        gone = drop[labels]
        if gone.any():
            cls[gone] = to
            band.WriteArray(cls, 0, y)
            removed += int(gone.sum())
    return removed


def merge_small_regions(path: str, min_pixels: int, nodata: int, scratch: str,
                        is_cancelled: Optional[Callable[[], bool]] = None) -> int:
    """Merge every 4-connected region (any class) with fewer than ``min_pixels`` pixels into its largest neighbour, in
    place, nodata untouched: a land-cover map's minimum mapping unit, which leaves no holes; returns the pixels changed."""
    if min_pixels < 2:
        return 0
    ds = gdal.Open(path, gdal.GA_Update)
    if ds is None:
        raise OSError(f"cannot open {path} for update")
    band = ds.GetRasterBand(1)
    w, h = band.XSize, band.YSize
    merged_path = os.path.join(scratch, "mmu_merged.tif")
    drv = gdal.GetDriverByName("GTiff")
    out = drv.Create(merged_path, w, h, 1, gdal.GDT_Byte, ["TILED=YES", "COMPRESS=LZW"])
    mask = drv.Create(os.path.join(scratch, "mmu_valid.tif"), w, h, 1, gdal.GDT_Byte, ["TILED=YES", "COMPRESS=LZW"])
    changed = 0
    try:
        mband, oband = mask.GetRasterBand(1), out.GetRasterBand(1)
        for y, n in _row_blocks(h):
            mband.WriteArray((band.ReadAsArray(0, y, w, n) != nodata).astype(np.uint8), 0, y)
        for _ in range(MERGE_PASSES):  # a small region among small ones merges only once a neighbour has grown
            if is_cancelled and is_cancelled():
                raise Cancelled()
            gdal.SieveFilter(band, mband, oband, int(min_pixels), 4)
            pass_changed = 0
            for y, n in _row_blocks(h):
                before, after = band.ReadAsArray(0, y, w, n), oband.ReadAsArray(0, y, w, n)
                diff = (before != after) & (before != nodata)
                if diff.any():
                    before[diff] = after[diff]
                    band.WriteArray(before, 0, y)
                    pass_changed += int(diff.sum())
            band.FlushCache()
            changed += pass_changed
            if not pass_changed:
                break
        ds.FlushCache()
    finally:
        band = ds = mband = oband = None
        out = mask = None
        for p in (merged_path, os.path.join(scratch, "mmu_valid.tif")):
            if os.path.exists(p):
                drv.Delete(p)
    return changed


LOW_CONFIDENCE = 0.65
"""A pixel below this confidence is a low-confidence one in a run's summary (overall and per class)."""


def class_area_table(path: str, confidence_path: str, n_classes: int, row_areas: AreasLike,
                     low_below: float = LOW_CONFIDENCE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Area (m²) per class 0..n, (confidence sum, pixel count) per class and pixels below ``low_below`` confidence (0..1)
    per class, read back in one pass from a class raster and its confidence (0..100)."""
    ds, cds = gdal.Open(path), gdal.Open(confidence_path)
    band, cband = ds.GetRasterBand(1), cds.GetRasterBand(1)
    w, h = ds.RasterXSize, ds.RasterYSize
    counts = np.zeros(n_classes + 1, dtype=np.float64)
    conf = np.zeros((n_classes + 1, 2), dtype=np.float64)
    low = np.zeros(n_classes + 1, dtype=np.float64)
    areas = as_pixel_areas(row_areas)
    for y, n in _row_blocks(h):
        cls = band.ReadAsArray(0, y, w, n)
        raw = cband.ReadAsArray(0, y, w, n)
        c = raw.astype(np.float64) / 100.0
        ra = areas.weights(cls.shape, y)
        ok = cls <= n_classes
        idx = cls[ok].astype(np.int64)
        counts += np.bincount(idx, weights=ra[ok], minlength=n_classes + 1)
        conf[:, 0] += np.bincount(idx, weights=c[ok], minlength=n_classes + 1)
        conf[:, 1] += np.bincount(idx, minlength=n_classes + 1)
        low += np.bincount(cls[ok & (raw < round(100 * low_below))].astype(np.int64), minlength=n_classes + 1)
    return counts, conf, low
