"""Find similar with the promptable network: exemplars become prototypes in its embedding, and every place of the raster
that resembles one is clicked and decoded into an object mask.

Embedding cells are standardised by the scene's per-channel mean and spread (the raw features share one large common
direction) and scaled to unit length; each exemplar's prototype is the mean of the cells inside it. A cell's similarity is its best
cosine with the prototypes; the scene's cells give the background level and the exemplars' cells, seen from the
other exemplars' prototypes, the object level, and a logistic between them turns similarity into a score. The
local maxima of the score above the threshold are decoded as one positive click each (the mask the analyst would get
by clicking there); masks whose mean score, area and compactness are close to the exemplars' are kept, best first,
without overlaps. Tiles overlap by half; an object belongs to the tile whose core holds its click.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from rasterio.features import geometry_mask
from rasterio.transform import Affine
from rasterio.windows import Window
from scipy import ndimage

from ..errors import Cancelled, InputError
from ..messages import t
from ..raster import RasterSource
from .encoder import EncodedWindow, TILE, encode_window, tile_grid, tile_for

STRIDE = 4
"""Embedding cells per encoded pixel side (the network's output stride)."""
AREA_RANGE = (0.25, 4.0)
"""Objects keep an area between these multiples of the smallest / largest exemplar."""
MAX_OVERLAP = 0.3
"""A mask sharing more than this fraction of its area with a kept object is a duplicate."""
MAX_PEAKS = 1500
"""Clicks decoded per tile at most (the highest scores first)."""


@dataclass
class Standardiser:
    """The scene's per-channel mean and spread of the embedding."""

    mean: np.ndarray
    std: np.ndarray

    def unit_cells(self, emb: np.ndarray) -> np.ndarray:
        """(c, h, w) embedding → standardised cells of unit length."""
        e = (np.asarray(emb, np.float32) - self.mean[:, None, None]) / self.std[:, None, None]
        return e / np.maximum(np.linalg.norm(e, axis=0, keepdims=True), 1e-6)


@dataclass
class Prototypes:
    """Unit-length exemplar prototypes (k, c), the score's logistic (centre, scale), exemplar areas (m²) and sizes."""

    vectors: np.ndarray
    std: Standardiser
    centre: float
    scale: float
    diameter_px: float

    def score(self, emb: np.ndarray) -> np.ndarray:
        """Score in 0..1 per embedding cell of a (c, h, w) embedding."""
        u = self.std.unit_cells(emb)
        c, h, w = u.shape
        sim = (self.vectors @ u.reshape(c, -1)).max(axis=0).reshape(h, w)
        return (1.0 / (1.0 + np.exp(-np.clip((sim - self.centre) / self.scale, -30, 30)))).astype(np.float32)


def cell_transform(enc: EncodedWindow) -> Affine:
    """Transform of the embedding cells of an encoded window."""
    return enc.transform * Affine.scale(STRIDE)


def exemplar_cells(enc: EncodedWindow, geom) -> np.ndarray:
    """(c, n) embedding vectors of the cells whose centres the exemplar covers (the cell under its centroid when none
    does)."""
    emb = np.asarray(enc.features["embedding"], np.float32)
    c, h, w = emb.shape
    inside = ~geometry_mask([geom], out_shape=(h, w), transform=cell_transform(enc))
    if not inside.any():
        col, row = ~cell_transform(enc) * (geom.centroid.x, geom.centroid.y)
        r, cc = min(h - 1, max(0, int(row))), min(w - 1, max(0, int(col)))
        inside[r, cc] = True
    return emb[:, inside]


def fit_prototypes(cells: list[np.ndarray], background: np.ndarray, diameter_px: float) -> Prototypes:
    """Prototypes and the similarity → score logistic from exemplar cells and a scene sample (both (c, n), raw): centre
    halfway between the background's typical similarity and the exemplars' similarity to the other exemplars (to their
    own with one exemplar), scale a sixth of the gap."""
    std = Standardiser(background.mean(axis=1), background.std(axis=1) + 1e-6)

    def unit(v: np.ndarray) -> np.ndarray:
        return std.unit_cells(v[:, :, None])[:, :, 0]

    cells = [unit(c) for c in cells]
    background = unit(background)
    protos = np.stack([c.mean(axis=1) / max(np.linalg.norm(c.mean(axis=1)), 1e-6) for c in cells])
    bg = np.median((protos @ background).max(axis=0)) if background.size else 0.0
    own = []
    for k, c in enumerate(cells):
        others = np.delete(protos, k, axis=0) if len(cells) > 1 else protos
        own.append(np.median((others @ c).max(axis=0)))
    obj = float(np.median(own))
    gap = max(obj - float(bg), 0.05)
    return Prototypes(protos, std, float(bg) + gap / 2, gap / 6, diameter_px)


def peaks(score: np.ndarray, valid: np.ndarray, threshold: float, size: int) -> list[tuple[int, int, float]]:
    """(row, col, score) of the local maxima of a cell score map at or above the threshold, best first."""
    mx = ndimage.maximum_filter(score, size=max(3, size), mode="nearest")
    r, c = np.nonzero((score >= mx) & (score >= threshold) & valid)
    order = np.argsort(-score[r, c])[:MAX_PEAKS]
    return [(int(r[i]), int(c[i]), float(score[r[i], c[i]])) for i in order]


def _core(win: Window, src: RasterSource, size: int) -> tuple[float, float, float, float]:
    """Native-pixel bounds (c0, r0, c1, r1) of the part of a half-overlapping tile that belongs to it alone."""
    q = size / 4
    c0 = 0 if win.col_off == 0 else win.col_off + q
    r0 = 0 if win.row_off == 0 else win.row_off + q
    c1 = src.width if win.col_off + win.width >= src.width else win.col_off + 3 * q
    r1 = src.height if win.row_off + win.height >= src.height else win.row_off + 3 * q
    return c0, r0, c1, r1


def pixel_area_m2(areas, transform: Affine, shape: tuple[int, int]) -> float:
    """Ground area (m²) of one pixel of a grid, at its centre."""
    from shapely.geometry import box

    x, y = transform * (shape[1] / 2, shape[0] / 2)
    x1, y1 = transform * (shape[1] / 2 + 1, shape[0] / 2 + 1)
    return areas.area_m2(box(min(x, x1), min(y, y1), max(x, x1), max(y, y1)))


def similar_objects(src: RasterSource, modality, engine, exemplars: list, threshold: float, areas,
                    cache=None, size: int = TILE, progress: Optional[Callable[[float], None]] = None,
                    is_cancelled: Optional[Callable[[], bool]] = None) -> tuple[list[tuple[np.ndarray, Affine, float]], str]:
    """([(mask, transform, score)], note) of objects resembling the exemplars (shapely, raster CRS) over the raster;
    ``areas`` is the raster's AreaCalculator."""
    def encode(win: Window) -> EncodedWindow:
        return encode_window(src, win, engine, cache=cache, modality=modality)

    cells, ex_areas, diams = [], [], []
    for geom in exemplars:
        x0, y0, x1, y1 = geom.bounds
        cols, rows = ~src.transform * (np.array([x0, x1]), np.array([y1, y0]))
        enc = encode(tile_for(src, np.asarray(cols), np.asarray(rows), size))
        cells.append(exemplar_cells(enc, geom))
        ex_areas.append(areas.area_m2(geom))
        px = ~geometry_mask([geom], out_shape=enc.shape, transform=enc.transform)
        diams.append(2.0 * np.sqrt(max(px.sum(), 1) / np.pi))
    if not cells:
        raise InputError(t("No exemplar lies over the raster."), t("Draw or select exemplars over the raster."))
    tiles = tile_grid(src, size)
    sample = [encode(w) for w in tiles[:: max(1, len(tiles) // 4)][:4]]
    bg = np.concatenate([np.asarray(e.features["embedding"], np.float32).reshape(e.features["embedding"].shape[0], -1)[:, ::3]
                         for e in sample], axis=1)
    protos = fit_prototypes(cells, bg, float(np.median(diams)))
    lo, hi = AREA_RANGE[0] * min(ex_areas), AREA_RANGE[1] * max(ex_areas)
    found: list[tuple[np.ndarray, Affine, float]] = []
    clicks = 0
    for i, win in enumerate(tiles):
        if is_cancelled and is_cancelled():
            raise Cancelled(t("Cancelled."))
        enc = encode(win)
        emb = enc.features["embedding"]
        score = protos.score(emb)
        cell_valid = enc.valid[STRIDE // 2::STRIDE, STRIDE // 2::STRIDE][: score.shape[0], : score.shape[1]]
        cell_valid = np.pad(cell_valid, ((0, score.shape[0] - cell_valid.shape[0]), (0, score.shape[1] - cell_valid.shape[1])))
        c0, r0, c1, r1 = _core(win, src, size)
        fx, fy = win.width / enc.shape[1], win.height / enc.shape[0]
        taken = np.zeros(enc.shape, bool)
        px_area = pixel_area_m2(areas, enc.transform, enc.shape)
        for r, c, s in peaks(score, cell_valid, threshold, int(round(0.6 * protos.diameter_px / STRIDE))):
            y, x = r * STRIDE + STRIDE / 2, c * STRIDE + STRIDE / 2
            nc, nr = win.col_off + x * fx, win.row_off + y * fy
            if not (c0 <= nc < c1 and r0 <= nr < r1) or taken[min(int(y), enc.shape[0] - 1), min(int(x), enc.shape[1] - 1)]:
                continue
            mask, dscore = engine.decode(enc.features, np.array([[x, y]], np.float32), np.ones(1, np.float32))
            clicks += 1
            n = int(mask.sum())
            if n == 0 or not lo <= n * px_area <= hi:
                continue
            if (mask & taken).sum() > MAX_OVERLAP * n:
                continue
            cm = mask[STRIDE // 2::STRIDE, STRIDE // 2::STRIDE][: score.shape[0], : score.shape[1]]
            mean = float(score[: cm.shape[0], : cm.shape[1]][cm].mean()) if cm.any() else s
            if mean < threshold:
                continue
            taken |= mask
            found.append((mask, enc.transform, round(float(np.sqrt(mean * dscore)), 4)))
        if progress:
            progress(100.0 * (i + 1) / len(tiles))
    note = (f"promptable-network features: {len(exemplars)} prototype(s), similarity centre {protos.centre:.2f} "
            f"(background {protos.centre - 3 * protos.scale:.2f}), {clicks} clicks decoded over {len(tiles)} tile(s)")
    return found, note
