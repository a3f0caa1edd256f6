"""Encoding a raster window once: read it at a resolution, hand it to an engine, cache the features.

An engine is any object with ``name``, ``sha256``, ``label``, ``max_side``,
``select_bands(count, modality)``, ``encode(image, valid) -> dict`` and
``decode(features, points, labels, box) -> (mask, score)``; points and boxes
are in pixel coordinates (col, row) of the encoded window.
"""
from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
from rasterio.transform import Affine
from rasterio.windows import Window

from ..errors import InputError
from ..messages import measure, t
from ..raster import Grid, RasterSource, cell_size, pixel_size_m
from ..scaling import REFLECTANCE_FLOOR, fit_scaling
from .cache import EmbeddingCache, make_key, raster_identity


@dataclass
class EncodedWindow:
    """Features of one window: the native-pixel window, the encoded grid (shape, transform) and validity."""

    window: Window
    shape: tuple[int, int]
    transform: Affine
    features: dict
    valid: np.ndarray
    from_cache: bool = False

    def to_pixel(self, xy: np.ndarray) -> np.ndarray:
        """Map coordinates (x, y) in the raster CRS → (col, row) pixel coordinates of the encoded grid."""
        inv = ~self.transform
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        cols, rows = inv * (xy[:, 0], xy[:, 1])
        return np.stack([np.asarray(cols, dtype=np.float64), np.asarray(rows, dtype=np.float64)], axis=1)


def clip_window(src: RasterSource, window: Window) -> Window:
    """The part of a window (native pixels, rounded outwards) inside the raster; raises when empty."""
    c0 = max(0, int(math.floor(window.col_off)))
    r0 = max(0, int(math.floor(window.row_off)))
    c1 = min(src.width, int(math.ceil(window.col_off + window.width)))
    r1 = min(src.height, int(math.ceil(window.row_off + window.height)))
    if c1 <= c0 or r1 <= r0:
        raise InputError(t("The area to encode lies outside the raster."), t("Pan to the raster or choose a window inside it."))
    return Window(c0, r0, c1 - c0, r1 - r0)


TILE = 1024
"""Side (native pixels) of the shared tile grid; tiles overlap by half, so every object lies well inside one."""


def tile_origins(length: int, size: int = TILE) -> list[int]:
    """Offsets of the half-overlapping tiles covering ``length`` pixels."""
    stride = size // 2
    last = max(0, length - size)
    offs = list(range(0, last + 1, stride))
    if offs[-1] != last:
        offs.append(last)
    return offs


def tile_grid(src: RasterSource, size: int = TILE) -> list[Window]:
    """Every tile of the shared grid (what terraprompt:encode_image precomputes)."""
    return [clip_window(src, Window(c, r, size, size)) for r in tile_origins(src.height, size) for c in tile_origins(src.width, size)]


def tile_for(src: RasterSource, cols, rows, size: int = TILE) -> Window:
    """The tile of the shared grid whose centre is nearest the centre of some pixel positions (larger when they span more)."""
    cols, rows = np.asarray(cols, float), np.asarray(rows, float)
    span = max(cols.max() - cols.min(), rows.max() - rows.min())
    while span > size / 2 and size < 16384:
        size *= 2
    cc, rc = (cols.min() + cols.max()) / 2, (rows.min() + rows.max()) / 2

    def nearest(centre: float, length: int) -> int:
        offs = tile_origins(length, size)
        return min(offs, key=lambda o: abs(o + min(size, length) / 2 - centre))

    return clip_window(src, Window(nearest(cc, src.width), nearest(rc, src.height), size, size))


def encoded_shape(src: RasterSource, window: Window, resolution: Optional[float], max_side: int) -> tuple[int, int]:
    """(rows, cols) of the encoded grid: the window at ``resolution`` (CRS units per pixel, as
    :func:`~..raster.cell_size`: rotated grids too), at most ``max_side``."""
    native = cell_size(src.transform)
    factor = 1.0 if not resolution else max(float(resolution) / native, 1e-9)
    h, w = window.height / factor, window.width / factor
    shrink = max(1.0, max(h, w) / max_side)
    return max(1, int(round(h / shrink))), max(1, int(round(w / shrink)))


UPSAMPLE_UP_TO = 2.5
"""Rasters up to this many times coarser than the working pixel are upsampled to it (1 m → 0.5 m); coarser ones (10-30 m
satellite pixels, clouds) keep their pixels."""
DOWNSAMPLE_AT_MOST = 2.0
"""Finer rasters are coarsened at most this much (0.1 m → 0.2 m, not 0.5 m): the network segments best objects some
20-25 px across, and small objects at very fine pixels (3.5 m tree crowns at 0.1 m: one-click IoU 0.46 at 0.1 m, 0.69 at
0.15 m, 0.61 at 0.2 m, 0.21 at 0.5 m) would shrink to a few pixels at the buildings' 0.5 m."""


def working_resolution(src: RasterSource, engine) -> Optional[float]:
    """CRS units per pixel at which ``engine`` should see ``src``: towards its ``working_gsd_m`` (from the model card)
    when the raster's pixels are finer than 90 % of it (coarsened at most DOWNSAMPLE_AT_MOST times) or coarser than 110 %
    (up to UPSAMPLE_UP_TO times), else None (the native pixels). A network trained at 0.5 m sees a 0.2 m roof 2.5 times
    too large: one click on the shared building tiles resampled to 0.2 m, mIoU 0.49 native, 0.62 encoded at 0.4 m
    (bundled version 3). For 1 m pixels refining is about even with version 3 (0.54 native, 0.50 refined after one
    click; 0.74 and 0.78 after five); version 2, whose encoder was dead, lost 0.2 natively there."""
    gsd = getattr(engine, "working_gsd_m", None)
    if not gsd:
        return None

    native_m = pixel_size_m(src.grid)
    if not native_m > 0 or 0.9 * gsd <= native_m <= 1.1 * gsd or native_m > UPSAMPLE_UP_TO * gsd:
        return None
    target_m = min(gsd, DOWNSAMPLE_AT_MOST * native_m) if native_m < gsd else gsd
    return cell_size(src.transform) * target_m / native_m  # a 90° rotated grid's ``a`` is 0 (it was encoded natively)


LARGER_CAUTION = 2.0
"""Pixels so fine that, coarsened at most DOWNSAMPLE_AT_MOST times, objects still look this many times larger than the
network learnt them get a caution (0.125 m or finer for a 0.5 m network; a roof, one click: mIoU 0.52 at 0.5 m and
0.2 m, 0.40 at 0.1 m, 0.20 at 0.04 m on a Rio crop held out from training, resampled with cubic)."""
PARTIAL_PX = 50
"""Objects wider than about this many encoded pixels may come back partial (the network segments best objects some
20-25 px across)."""


def scale_caution(src: RasterSource, engine) -> str:
    """A caution when the raster's pixels are so much finer than the engine's working pixel that coarsening at most
    DOWNSAMPLE_AT_MOST times still shows objects larger than trained (drone imagery), else ''."""
    gsd = getattr(engine, "working_gsd_m", None)
    native_m = pixel_size_m(src.grid)
    if not gsd or not native_m > 0:
        return ""
    encoded_m = min(gsd, DOWNSAMPLE_AT_MOST * native_m)
    if gsd / encoded_m < LARGER_CAUTION * 0.999:  # a 0.125 m pixel measured as 0.12501 m still gets it
        return ""
    return t("caution: the pixels are {native} m, {finer} times finer than the {gsd} m the network was trained on; encoded at "
             "{encoded} m, objects look {larger} times larger than in training, so ones more than about {size} m across may "
             "come back partial: check the outlines, or resample the raster to about {gsd} m",
             native=measure(native_m), finer=measure(gsd / native_m), gsd=measure(gsd), encoded=measure(encoded_m),
             larger=measure(gsd / encoded_m), size=measure(PARTIAL_PX * encoded_m))


def read_window(src: RasterSource, window: Window, bands: Sequence[int], shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(image float32 (bands, rows, cols), valid bool) of a window resampled to ``shape``."""
    same = (int(window.height), int(window.width)) == tuple(shape)
    data = src.read(window=window, bands=list(bands), out_shape=None if same else shape)
    valid = ~np.ma.getmaskarray(data).any(axis=0)
    return np.asarray(data.data, dtype=np.float32), valid


GROUND_WINDOW_M = 120.0
"""Width of the ground estimate taken off a DSM before encoding (landcover.indices.ground_estimate, as land cover's
nDSM): wider than most buildings."""


def above_ground(image: np.ndarray, valid: np.ndarray, pixel_m: float) -> tuple[np.ndarray, np.ndarray]:
    """(heights above a local ground estimate, valid) of a one-band DSM window: the network stretches a window's values
    between percentiles, and on sloping ground the relief took the range (one click per roof on 30 % slope: mean IoU
    0.88 flat, 0.69 sloped); an nDSM keeps its values (its ground is 0). Undeclared fills (landcover.indices.void_heights)
    become invalid."""
    from ..landcover.indices import height_above_ground

    h = height_above_ground(image[0], True, pixel_m, GROUND_WINDOW_M, valid)
    ok = np.asarray(valid, bool) & np.isfinite(h)
    return np.where(ok, h, 0)[None].astype(np.float32), ok


def to_physical(image: np.ndarray, valid: np.ndarray, modality=None, looks: int = 5,
                scaling=None, pixel_m: Optional[float] = None,
                measured: Optional[Sequence[int]] = None) -> tuple[np.ndarray, np.ndarray]:
    """(values engines can compare, valid): SAR is despeckled (``looks`` x ``looks`` boxcar on intensity) and put in dB,
    its values that are no measurement made invalid; a DSM is taken as heights above its local ground
    (:func:`above_ground`, given the pixel size ``pixel_m``); others are kept, the values their ``scaling`` reads as no
    measurement made invalid (an undeclared -9999 fill: stretched with the rest, it flattened the image the network saw).
    ``scaling`` is the raster's :class:`~..scaling.Scaling` (:func:`raster_scaling`), read as land cover and change read it
    (calibrated amplitude by 20·log10, DN calibrated, 0 in every band of dB values a fill, reflectance below
    REFLECTANCE_FLOOR a fill); without it, SAR values with a negative 5th percentile are dB and others linear intensity,
    whose 0 (the zero fill of Sentinel-1 GRD swath borders) is left out. ``measured``: the rows the scaling judges (None:
    all; a height band of an optical stack is in metres, and a DSM below -0.5 m is no reflectance fill)."""
    if getattr(modality, "family", "") == "height" and pixel_m and image.shape[0] == 1 and valid.any():
        return above_ground(image, valid, pixel_m)
    if modality is None or getattr(modality, "family", "") != "sar" or not valid.any():
        rows = image if measured is None else image[list(measured)]
        empty = scaling.no_measurement(rows) if scaling is not None and valid.any() and len(rows) else None
        return image, valid if empty is None else valid & ~empty
    from scipy import ndimage

    lin = image.astype(np.float32)
    if scaling is not None:
        empty = scaling.no_measurement(lin)
        valid = valid if empty is None else valid & ~empty
        lin = np.power(10.0, scaling.apply(lin) / 10.0, dtype=np.float32)  # intensity for the multilook average
    elif np.percentile(lin[:, valid], 5) < 0:  # given in dB: back to intensity for the multilook average
        lin = np.power(10.0, lin / 10.0, dtype=np.float32)
    else:
        valid = valid & (lin > 0).all(axis=0)
    w = ndimage.uniform_filter(valid.astype(np.float32), looks)
    out = np.empty_like(lin)
    for b in range(lin.shape[0]):
        out[b] = ndimage.uniform_filter(np.where(valid, lin[b], 0), looks) / np.maximum(w, 1e-6)
    return (10.0 * np.log10(np.maximum(out, 1e-6))).astype(np.float32), valid


PREP_VERSION = 3
"""Part of the cache key: how engines prepare a window (2: nodata holes filled with the nearest valid values,
:func:`~..gapfill.fill_nearest`; before, they were edges; 3: a height band of an optical stack is not judged as
reflectance)."""

_SCALINGS: dict = {}
_SCALINGS_LOCK = threading.Lock()
"""Fitted scalings (or None) by raster and modality: every tile of a precomputed raster is read the same way (fitted once)."""


def raster_scaling(src: RasterSource, modality, identity: Optional[dict] = None):
    """The Scaling land cover and change use (:func:`~..scaling.fit_scaling`) for a SAR raster, and for an optical one
    whose data type can hold values it reads as no measurement (reflectance below REFLECTANCE_FLOOR: an undeclared fill
    in signed or float bands); None otherwise. ``identity``: the raster's :func:`~.cache.raster_identity` when the
    caller has it already."""
    family = getattr(modality, "family", "")
    if family != "sar" and (family != "optical" or modality.scaling.get("kind") != "reflectance"):
        return None
    if identity is None:
        identity = raster_identity(src.path)
    key = (json.dumps(identity, sort_keys=True, default=str), src.nodata, src.user_nodata, modality.name,
           tuple(sorted(modality.roles.items())))
    with _SCALINGS_LOCK:
        if key in _SCALINGS:
            return _SCALINGS[key]
    scaling = fit_scaling(src, modality) if family == "sar" else _fill_scaling(src, modality)
    with _SCALINGS_LOCK:  # encodings run in task threads
        if len(_SCALINGS) > 16:
            _SCALINGS.clear()
        _SCALINGS[key] = scaling
    return scaling


def _fill_scaling(src: RasterSource, modality):
    """The optical raster's Scaling when some value of its data type is no measurement under it, else None (unsigned
    bands never reach the floor: their encodings, and cache keys, stay as they were)."""
    if src.is_complex:
        return None
    try:
        scaling = fit_scaling(src, modality)
    except InputError:  # bands land cover refuses (Int8, disagreeing stated scales): the network stretches them as they are
        return None
    dtypes = [np.dtype(d) for d in src.dtypes]
    lowest = min(float(np.finfo(d).min if d.kind == "f" else np.iinfo(d).min) for d in dtypes)
    return scaling if scaling.no_measurement(np.full((1, 1, 1), lowest, np.float32)) is not None else None


def _band_numbers(bands: Sequence[int]) -> str:
    """'4, 3, 2', or '1-13' for a run of four or more bands in order."""
    b = [int(v) for v in bands]
    if len(b) >= 4 and b == list(range(b[0], b[0] + len(b))):
        return f"{b[0]}-{b[-1]}"
    return ", ".join(str(v) for v in b)


def bands_line(src: RasterSource, engine, modality=None, bands: Optional[Sequence[int]] = None) -> str:
    """Which bands ``engine`` reads of ``src`` and as what, for reports and the status ('bands 4, 3, 2 as red, green,
    blue (Sentinel-2 (13 bands))'; 'unrecognised band layout: bands 1, 2, 1 used as they are'): the network sees three
    bands whatever the raster holds, and nothing said which."""
    bands = list(bands) if bands else engine.select_bands(src.count, modality)
    three = hasattr(engine, "shown_bands")  # an engine that sees three bands as red, green, blue
    shown = list(engine.shown_bands(bands)) if three else bands
    numbers = _band_numbers(shown)
    if modality is None:
        return t("unrecognised band layout: bands {bands} used as they are", bands=numbers)
    if three and len(set(shown)) == 1:
        return t("band {band} as grey ({modality})", band=shown[0], modality=modality.label)
    if not three or len(shown) != 3:
        return (t("band {band} ({modality})", band=shown[0], modality=modality.label) if len(shown) == 1
                else t("bands {bands} ({modality})", bands=numbers, modality=modality.label))
    by_band = {b: r for r, b in modality.roles.items()}
    roles = [by_band.get(b, "") for b in shown]
    if roles == ["red", "green", "blue"] or not all(roles):
        return t("bands {bands} as red, green, blue ({modality})", bands=numbers, modality=modality.label)
    named = ", ".join(r.upper() if modality.family == "sar" else r for r in roles)
    return t("bands {bands} ({roles}) as red, green, blue ({modality})", bands=numbers, roles=named, modality=modality.label)


def encode_window(src: RasterSource, window: Window, engine, resolution: Optional[float] = None,
                  bands: Optional[Sequence[int]] = None, cache: Optional[EmbeddingCache] = None,
                  modality=None) -> EncodedWindow:
    """Encode a window (features from the cache when the same raster/bands/window/model were encoded before); without a
    ``resolution``, pixels finer (or somewhat coarser) than the engine's working pixel size are encoded at it
    (:func:`working_resolution`)."""
    window = clip_window(src, window)
    if resolution is None:
        resolution = working_resolution(src, engine)
    shape = encoded_shape(src, window, resolution, engine.max_side)
    bands = list(bands) if bands else engine.select_bands(src.count, modality)
    transform = src.grid.window_transform(window) * Affine.scale(window.width / shape[1], window.height / shape[0])
    key = None
    identity = raster_identity(src.path) if cache is not None else None  # read once for the scaling and the cache key
    scaling = raster_scaling(src, modality, identity)
    # an engine that stretches each window's values (the network) sees a DSM as heights above its ground
    ground = getattr(engine, "above_ground", False) and getattr(modality, "family", "") == "height"
    sar = scaling is not None and modality.family == "sar"
    if cache is not None:
        prep = (f"sar-multilook5-db-scaling-{scaling.scale:g}-{scaling.offset:g}-{int(scaling.to_db)}" if sar
                else f"fill-below-reflectance-{REFLECTANCE_FLOOR:g}-scaling-{scaling.scale:g}-{scaling.offset:g}"
                if scaling is not None else f"above-ground-{GROUND_WINDOW_M:g}m" if ground else "none")
        extra = {"prep": prep, "prep_version": PREP_VERSION, **getattr(engine, "cache_extra", {})}
        if src.user_nodata:  # the nodata values set on the layer in QGIS mask pixels the file leaves valid
            extra["user_nodata"] = [[float(lo), float(hi)] for lo, hi in src.user_nodata]
        key = make_key(src.path, bands, (window.col_off, window.row_off, window.width, window.height), shape, engine.name,
                       engine.sha256, extra, identity)
        feats = cache.get(key)
        stored_valid = None if feats is None else feats.get("_valid", feats.get("valid"))
        if stored_valid is not None:
            feats = {k: v for k, v in feats.items() if k != "_valid"}
            return EncodedWindow(window, shape, transform, feats, stored_valid.astype(bool), from_cache=True)
    image, valid = read_window(src, window, bands, shape)
    pixel_m = pixel_size_m(Grid(src.crs, transform, shape[1], shape[0])) if ground else None
    heights = {b for r, b in (getattr(modality, "roles", None) or {}).items() if r == "height"}
    measured = [i for i, b in enumerate(bands) if b not in heights] if heights and not ground else None
    image, valid = to_physical(image, valid, modality, scaling=scaling, pixel_m=pixel_m, measured=measured)
    feats = engine.encode(image, valid)
    if cache is not None and key is not None:
        same = "valid" in feats and np.array_equal(feats["valid"], valid)  # the engine's own copy (1 MB a 1024² tile)
        cache.put(key, feats if same else {**feats, "_valid": valid})
    return EncodedWindow(window, shape, transform, feats, valid, from_cache=False)
