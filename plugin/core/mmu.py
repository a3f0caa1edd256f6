"""Minimum mapping unit for class rasters: regions of a class smaller (or larger) than a size become background, in place;
on a whole land-cover map, small regions merge into their largest neighbour instead (:func:`merge_small_regions`).

A prompt such as "lakes larger than 1 ha" filters the polygons by their exact
geodesic area; this applies the same idea to the class raster, so the raster and
the polygons agree. Each class is sieved on its own (8-connected regions, GDAL's
streaming sieve, memory independent of the raster size): a small region of that
class becomes 0; holes inside larger regions are left as they are.
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, Optional

import numpy as np
from osgeo import gdal

from .errors import Cancelled

BLOCK_ROWS = 1024
MERGE_PASSES = 8


def _row_blocks(height: int, rows: int = BLOCK_ROWS):
    """(row offset, row count) of the horizontal strips covering ``height`` rows."""
    for y in range(0, height, rows):
        yield y, min(rows, height - y)


def sieve_classes(path: str, classes: Iterable[int], min_pixels: int, scratch: str,
                  is_cancelled: Optional[Callable[[], bool]] = None, max_pixels: int = 0) -> int:
    """Set to 0 every 8-connected region of each class with fewer than ``min_pixels`` or more than ``max_pixels``
    pixels (0: no maximum); returns the pixels removed."""
    if min_pixels < 2 and max_pixels <= 0:
        return 0
    ds = gdal.Open(path, gdal.GA_Update)
    if ds is None:
        raise OSError(f"cannot open {path} for update")
    band = ds.GetRasterBand(1)
    removed = 0
    mask_path = os.path.join(scratch, "mmu_mask.tif")
    try:
        for k in classes:
            if is_cancelled and is_cancelled():
                raise Cancelled()
            if min_pixels >= 2:
                removed += _drop_regions(band, k, min_pixels, mask_path, small=True)
            if max_pixels > 0:
                removed += _drop_regions(band, k, max_pixels + 1, mask_path, small=False)
        ds.FlushCache()
    finally:
        band = ds = None
        if os.path.exists(mask_path):
            os.remove(mask_path)
    return removed


def _drop_regions(band, k: int, threshold: int, mask_path: str, small: bool) -> int:
    """Set to 0 the regions of class ``k`` with fewer (``small``) or at least (not ``small``) ``threshold`` pixels."""
    w, h = band.XSize, band.YSize
    mask_ds = gdal.GetDriverByName("GTiff").Create(mask_path, w, h, 1, gdal.GDT_Byte, ["TILED=YES", "COMPRESS=LZW"])
    mband = mask_ds.GetRasterBand(1)
    for y, n in _row_blocks(h):
        mband.WriteArray((band.ReadAsArray(0, y, w, n) == k).astype(np.uint8), 0, y)
    gdal.SieveFilter(mband, None, mband, int(threshold), 8)  # regions under the threshold take their surroundings' 0
    removed = 0
    for y, n in _row_blocks(h):
        cls = band.ReadAsArray(0, y, w, n)
        kept = mband.ReadAsArray(0, y, w, n) == (0 if small else 1)
        drop = (cls == k) & kept
        if drop.any():
            cls[drop] = 0
            band.WriteArray(cls, 0, y)
            removed += int(drop.sum())
    mask_ds = mband = None
    gdal.GetDriverByName("GTiff").Delete(mask_path)
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


def class_area_table(path: str, confidence_path: str, n_classes: int, row_areas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Area (m²) per class 0..n and (confidence sum, pixel count) per class, read back from a class raster and its confidence (0..100)."""
    ds, cds = gdal.Open(path), gdal.Open(confidence_path)
    band, cband = ds.GetRasterBand(1), cds.GetRasterBand(1)
    w, h = ds.RasterXSize, ds.RasterYSize
    counts = np.zeros(n_classes + 1, dtype=np.float64)
    conf = np.zeros((n_classes + 1, 2), dtype=np.float64)
    for y, n in _row_blocks(h):
        cls = band.ReadAsArray(0, y, w, n)
        c = cband.ReadAsArray(0, y, w, n).astype(np.float64) / 100.0
        ra = np.broadcast_to(row_areas[y:y + n][:, None], cls.shape)
        ok = cls <= n_classes
        idx = cls[ok].astype(np.int64)
        counts += np.bincount(idx, weights=ra[ok], minlength=n_classes + 1)
        conf[:, 0] += np.bincount(idx, weights=c[ok], minlength=n_classes + 1)
        conf[:, 1] += np.bincount(idx, minlength=n_classes + 1)
    return counts, conf
