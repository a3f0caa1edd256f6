"""Spectral indices as plain numpy functions of physical bands (reflectance or dB).

Each returns float32 with NaN where undefined. References: NDVI (Rouse 1974),
NDWI (McFeeters 1996), MNDWI (Xu 2006), AWEIsh (Feyisa 2014), NDBI (Zha 2003),
BSI (Rikimaru 2002), NDSI (Hall 1995), NBR (Key & Benson 2006), ExG (Woebbecke 1995).
"""
from __future__ import annotations

import warnings
from typing import Optional

import numpy as np


def _nd(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Normalised difference (a - b) / (a + b), NaN where the sum is ~0."""
    a = a.astype(np.float32, copy=False)
    b = b.astype(np.float32, copy=False)
    s = a + b
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / s
    out[~np.isfinite(out) | (np.abs(s) < 1e-6)] = np.nan
    return out


def ndvi(red: np.ndarray, nir: np.ndarray) -> np.ndarray:
    """Normalised difference vegetation index."""
    return _nd(nir, red)


def ndwi(green: np.ndarray, nir: np.ndarray) -> np.ndarray:
    """McFeeters' normalised difference water index."""
    return _nd(green, nir)


def mndwi(green: np.ndarray, swir1: np.ndarray) -> np.ndarray:
    """Modified NDWI (Xu): green vs SWIR1, robust to built-up noise."""
    return _nd(green, swir1)


def awei_sh(blue: np.ndarray, green: np.ndarray, nir: np.ndarray, swir1: np.ndarray, swir2: np.ndarray) -> np.ndarray:
    """Automated water extraction index, shadow variant (Feyisa 2014)."""
    return (blue + 2.5 * green - 1.5 * (nir + swir1) - 0.25 * swir2).astype(np.float32)


def ndbi(nir: np.ndarray, swir1: np.ndarray) -> np.ndarray:
    """Normalised difference built-up index."""
    return _nd(swir1, nir)


def bsi(blue: np.ndarray, red: np.ndarray, nir: np.ndarray, swir1: np.ndarray) -> np.ndarray:
    """Bare soil index."""
    return _nd(swir1 + red, nir + blue)


def ndsi(green: np.ndarray, swir1: np.ndarray) -> np.ndarray:
    """Normalised difference snow index."""
    return _nd(green, swir1)


def nbr(nir: np.ndarray, swir2: np.ndarray) -> np.ndarray:
    """Normalised burn ratio."""
    return _nd(nir, swir2)


def exg(red: np.ndarray, green: np.ndarray, blue: np.ndarray) -> np.ndarray:
    """Excess-green index on chromatic coordinates (RGB-only vegetation)."""
    s = red + green + blue
    with np.errstate(divide="ignore", invalid="ignore"):
        r, g, b = red / s, green / s, blue / s
    out = (2 * g - r - b).astype(np.float32)
    out[~np.isfinite(out)] = np.nan
    return out


def rgb_water(red: np.ndarray, green: np.ndarray, blue: np.ndarray, reference: float = 0.1) -> np.ndarray:
    """A weak RGB-only water evidence: blue/green dominance over red, penalised by brightness.

    Brightness counts relative to the scene's median visible brightness (``reference``), so the index is the
    same for reflectance, 8-bit or 16-bit DN (at reference 0.1, typical of reflectance, it is dom - 0.5 * brightness).
    """
    s = red + green + blue
    with np.errstate(divide="ignore", invalid="ignore"):
        dom = ((green + blue) / 2 - red) / s
    bright = s / 3
    out = (dom - 0.05 * bright / max(float(reference), 1e-6)).astype(np.float32)
    out[~np.isfinite(out)] = np.nan
    return out


BALANCE_PERCENTILES = (80.0, 99.0)
"""Bright surfaces for the colour balance: pixels between these percentiles of visible brightness (roofs, roads, bare
soil; vegetation and water are dark in the visible, the top 1 % may be saturated)."""


def bright_surface_balance(red: np.ndarray, green: np.ndarray, blue: np.ndarray) -> Optional[tuple[float, float, float]]:
    """Gains (red, green, blue) that make the scene's bright surfaces neutral grey, so an uncalibrated image's colour
    cast (WorldView RGB: blue 20 % below red on grey roofs, every roof 'greener' than neutral) does not pass for
    vegetation in the chromatic ExG; None with too few valid pixels."""
    rgb = np.stack([red, green, blue]).astype(np.float64)
    ok = np.isfinite(rgb).all(axis=0) & (rgb > 0).all(axis=0)
    if ok.sum() < 100:
        return None
    v = rgb[:, ok]
    br = v.sum(axis=0)
    lo, hi = np.percentile(br, BALANCE_PERCENTILES)
    sel = (br >= lo) & (br <= hi)
    if sel.sum() < 50:
        return None
    med = np.median(v[:, sel], axis=1)
    if (med <= 0).any():
        return None
    gains = med.mean() / med
    return float(gains[0]), float(gains[1]), float(gains[2])


CLIPPED_SHARE = 0.001
"""A band is taken as clipped at its maximum when at least this share of the pixels sit there (a stretched 8-bit RGB of a
bright scene: 35 % of OSCD Abu Dhabi has a band at 255)."""


def clip_levels(red: np.ndarray, green: np.ndarray, blue: np.ndarray) -> Optional[tuple[float, float, float]]:
    """The value (red, green, blue) at which each band of an uncalibrated image is clipped (its maximum, where at least
    CLIPPED_SHARE of the pixels pile up; inf for a band that is not clipped), or None when no band is: a clipped band
    skews the chromatic coordinates, so bright surfaces with red at 255 pass ExG as green."""
    levels = []
    for band in (red, green, blue):
        v = np.asarray(band, np.float64)
        v = v[np.isfinite(v)]
        top = float(v.max()) if v.size else np.inf
        levels.append(top if v.size and (v >= top).mean() >= CLIPPED_SHARE else np.inf)
    return None if all(np.isinf(x) for x in levels) else (levels[0], levels[1], levels[2])


def visible_brightness(red: np.ndarray, green: np.ndarray, blue: np.ndarray) -> np.ndarray:
    """Mean visible reflectance (clouds, sand and snow are bright; water, forest and asphalt dark)."""
    return ((red + green + blue) / 3.0).astype(np.float32)


def despeckle_db(db: np.ndarray, size: int = 5) -> np.ndarray:
    """SAR backscatter (dB) averaged over size x size pixels in linear power (a boxcar speckle filter)."""
    from scipy import ndimage

    lin = np.power(10.0, np.nan_to_num(db, nan=-40.0) / 10.0, dtype=np.float32)
    out = 10.0 * np.log10(np.maximum(ndimage.uniform_filter(lin, size, mode="reflect"), 1e-8))
    out = out.astype(np.float32)
    out[~np.isfinite(db)] = np.nan
    return out


GROUND_CELL_M = 1.0
"""The ground is estimated on cells of about this size (the median of each cell's pixels): one-pixel pits and spikes
vanish, and the 120 m window stays 120 m at 0.1 m pixels (a 201-pixel cap made 30 m roofs the 'ground')."""
VOID_M = -1000.0
"""Heights at or below this are fill values (-9999, -32767, -3.4e38), not ground: no land is below -430 m."""
ZERO_VOID_M = 50.0
"""Exactly 0 m in a DSM whose local lows lie more than this above 0 m is a fill (a warp collar, a hole filled with 0),
not ground: a 0 hole in a DSM of 210 m ground became the ground there, and everything within the ground window
'buildings' (x 3.2)."""
LOCAL_BLOCK_PX = 64


def local_lows(h: np.ndarray) -> np.ndarray:
    """1st percentile of the finite values of each LOCAL_BLOCK_PX block of a 2-D array (one value for 1-D input): a
    canopy height model with a few gaps keeps lows of 0 m in its forest blocks, a DSM of low ground keeps its elevation."""
    if h.ndim != 2:
        f = h[np.isfinite(h)]
        return np.array([np.percentile(f, 1)]) if f.size else np.array([])
    lows = []
    for r in range(0, h.shape[0], LOCAL_BLOCK_PX):
        for c in range(0, h.shape[1], LOCAL_BLOCK_PX):
            f = h[r:r + LOCAL_BLOCK_PX, c:c + LOCAL_BLOCK_PX]
            f = f[np.isfinite(f)]
            if f.size >= 16:
                lows.append(np.percentile(f, 1))
    return np.asarray(lows, np.float64)


def zero_is_void(height: np.ndarray) -> bool:
    """True when heights of exactly 0 m are fill values: some are there, and the median local low of the others (at
    or below VOID_M left out) lies more than ZERO_VOID_M above 0 m (a DSM whose ground is far above sea level)."""
    h = np.asarray(height, np.float32)
    zero = h == 0
    if not zero.any():
        return False
    lows = local_lows(np.where(zero | (h <= VOID_M), np.nan, h))
    return bool(lows.size) and float(np.median(lows)) > ZERO_VOID_M


def void_heights(height: np.ndarray, zero_void: bool = False) -> np.ndarray:
    """True where a height is an undeclared fill value (at or below VOID_M; exactly 0 m too when ``zero_void``,
    :func:`zero_is_void`), not a measurement."""
    h = np.asarray(height)
    return (h <= VOID_M) | (h == 0) if zero_void else h <= VOID_M


def _cell_medians(h: np.ndarray, b: int) -> np.ndarray:
    """Median of the finite values of each b x b cell (NaN where a cell has none)."""
    if b <= 1:
        return h
    rows, cols = -(-h.shape[0] // b) * b, -(-h.shape[1] // b) * b
    padded = np.full((rows, cols), np.nan, np.float32)
    padded[:h.shape[0], :h.shape[1]] = h
    cells = padded.reshape(rows // b, b, cols // b, b).transpose(0, 2, 1, 3).reshape(rows // b, cols // b, b * b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN cells
        return np.nanmedian(cells, axis=2).astype(np.float32)


def ground_window_px(pixel_m: float, ground_window_m: float = 120.0) -> tuple[int, int]:
    """(cell size in pixels, opening window in cells) of the ground estimate."""
    b = max(1, int(round(GROUND_CELL_M / max(pixel_m, 1e-3))))
    return b, int(max(3, round(ground_window_m / (b * max(pixel_m, 1e-3)))))


def ground_estimate(h: np.ndarray, pixel_m: float, ground_window_m: float = 120.0) -> np.ndarray:
    """The ground under a DSM (NaN where it has no value): cell medians (~1 m), a 3 x 3 median against pits and spikes,
    then a grey opening over ``ground_window_m`` (wider than most buildings), back on the pixel grid."""
    from scipy import ndimage

    b, size = ground_window_px(pixel_m, ground_window_m)
    coarse = _cell_medians(h, b)
    known = np.isfinite(coarse)
    if not known.any():
        return np.full(h.shape, np.nan, np.float32)
    filled = np.where(known, coarse, np.nanmax(coarse)).astype(np.float32)
    filled = ndimage.median_filter(filled, size=3, mode="nearest")  # pits and spikes of one cell
    pad = size // 2 + 1  # a plane continues past the raster edge (odd reflection), a building only mirrors (even)
    padded = np.maximum(np.pad(filled, pad, mode="reflect", reflect_type="odd"), np.pad(filled, pad, mode="reflect"))
    ground = ndimage.grey_opening(padded, size=(size, size), mode="nearest")[pad:-pad, pad:-pad]
    if b == 1:
        return ground
    rr = (np.arange(h.shape[0], dtype=np.float32) + 0.5) / b - 0.5
    cc = (np.arange(h.shape[1], dtype=np.float32) + 0.5) / b - 0.5
    coords = np.meshgrid(rr, cc, indexing="ij")
    return ndimage.map_coordinates(ground, coords, order=1, mode="nearest").astype(np.float32)


def height_above_ground(height: np.ndarray, is_dsm: bool, pixel_m: float, ground_window_m: float = 120.0,
                        valid: Optional[np.ndarray] = None) -> np.ndarray:
    """Height above ground in metres: nDSM as is, or DSM minus a ground estimate (ground_estimate: robust to pits and
    voids); NaN outside ``valid`` (the DSM's nodata, whatever fill value the read gave it: a -9999 fill was taken for
    the ground and made the whole tile 'buildings' thousands of metres tall) and on undeclared fills (void_heights; in a
    DSM, exactly 0 m too where :func:`zero_is_void`)."""
    h = height.astype(np.float32, copy=True)
    if valid is not None:
        h[~valid] = np.nan
    h[void_heights(h, is_dsm and zero_is_void(h))] = np.nan
    if not is_dsm:
        return h
    return (h - ground_estimate(h, pixel_m, ground_window_m)).astype(np.float32)
