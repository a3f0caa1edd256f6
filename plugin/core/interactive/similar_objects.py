"""Find similar with the promptable network: places that resemble the exemplars in its embedding are clicked, and the
masks it is sure of and that resemble the exemplars as a whole become the objects.

Embedding cells are standardised by the scene's per-channel mean and spread (the raw features share one large common
direction); an exemplar's prototype is the unit-length mean of its standardised cells. Every tile is clicked on a grid
(spacing a third of the exemplars' diameter) where a cell's cosine with the nearest prototype reaches CLICK_MIN_COS;
each click is decoded as one positive click of the Interactive tab. A mask is kept when the decoder's score reaches the
card's ``find_similar.min_decoder_score`` (objectness), its area is near the exemplars' and the cosine of its mean
standardised embedding with the nearest prototype reaches THRESHOLD; overlapping masks keep the surer one, and masks
lying mostly on an exemplar are left out (the analyst has those). Tiles overlap by half; an object belongs to the tile
whose core holds its click, and a mask lying mostly on an object kept in a neighbouring tile is a duplicate. Measured
on the shared building tiles and tree crowns by training/eval_similar.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from rasterio.features import geometry_mask
from rasterio.transform import Affine
from rasterio.windows import Window
from rasterio.windows import bounds as window_bounds

from ..errors import Cancelled, InputError
from ..messages import number, t
from ..raster import RasterSource
from ..vectors import pixel_area_m2
from .encoder import EncodedWindow, TILE, encode_window, tile_grid, tile_for
from .network import STRIDE
from .objects import mask_to_geometry

AREA_RANGE = (0.25, 4.0)
"""Objects keep an area between these multiples of the smallest / largest exemplar."""
MAX_OVERLAP = 0.3
"""A mask sharing more than this fraction of its own area with the exemplars and the objects kept, or of the smaller one's
area with one kept object, is a duplicate (a share of the later mask alone let a larger mask over 43 % of a smaller one
through)."""
CLICK_MIN_COS = 0.2
"""Cells less similar than this to every prototype are not clicked (about half the clicks, F1 unchanged)."""
STEP_RANGE = (4, 16)
"""Click spacing (encoded pixels): a third of the exemplars' median diameter, within these bounds."""
SUB = 512
"""Side (encoded pixels) of the part of a tile around a click that the click is decoded on: the largest decoder ROI
(112 px grown twice by 1.8, 363 px) fits, and the decode's arrays stay small (a 1024-px tile: 16 ms a click, 8 ms here)."""
PROGRESS_EVERY = 20
"""Progress is reported every this many clicks of a tile (a click takes 8-16 ms)."""
MIN_DECODER_SCORE = 0.84
"""Decoder score a mask needs when the model card gives none (``find_similar.min_decoder_score``)."""


@dataclass
class Prototypes:
    """Unit-length exemplar prototypes (k, c) in the standardised embedding, the scene's standardisation and the
    exemplars' median diameter (encoded pixels)."""

    vectors: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    diameter_px: float

    def standardise(self, emb: np.ndarray) -> np.ndarray:
        """(c, ...) raw embedding → standardised by the scene's per-channel mean and spread."""
        shape = (-1,) + (1,) * (np.ndim(emb) - 1)
        return (np.asarray(emb, np.float32) - self.mean.reshape(shape)) / self.std.reshape(shape)

    def cell_similarity(self, emb: np.ndarray) -> np.ndarray:
        """(h, w) cosine of every cell of a (c, h, w) embedding with its nearest prototype."""
        e = self.standardise(emb)
        c, h, w = e.shape
        u = e.reshape(c, -1)
        u = u / np.maximum(np.linalg.norm(u, axis=0, keepdims=True), 1e-6)
        return (self.vectors @ u).max(axis=0).reshape(h, w)

    def mask_similarity(self, emb: np.ndarray, cells: np.ndarray) -> float:
        """Cosine of the mean standardised embedding over some cells (bool (h, w)) with the nearest prototype."""
        if not cells.any():
            return -1.0
        v = self.standardise(np.asarray(emb, np.float32)[:, cells]).mean(axis=1)
        v = v / max(float(np.linalg.norm(v)), 1e-6)
        return float((self.vectors @ v).max())


def is_duplicate(shared: float, area: float, other: float) -> bool:
    """Whether two objects of ``area`` and ``other`` sharing ``shared`` (any one unit) are one: more than MAX_OVERLAP
    of the smaller one is shared."""
    return shared > MAX_OVERLAP * min(area, other)


def shared_pixels(a: np.ndarray, ar: int, ac: int, b: np.ndarray, br: int, bc: int) -> int:
    """The pixels two masks (bool) placed at (row, col) offsets of one window share."""
    r0, c0 = max(ar, br), max(ac, bc)
    r1, c1 = min(ar + a.shape[0], br + b.shape[0]), min(ac + a.shape[1], bc + b.shape[1])
    if r1 <= r0 or c1 <= c0:
        return 0
    return int((a[r0 - ar:r1 - ar, c0 - ac:c1 - ac] & b[r0 - br:r1 - br, c0 - bc:c1 - bc]).sum())


def _boxes_meet(a: tuple, b: tuple) -> bool:
    """Whether two (minx, miny, maxx, maxy) boxes meet."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def cell_transform(enc: EncodedWindow) -> Affine:
    """Transform of the embedding cells of an encoded window."""
    return enc.transform * Affine.scale(STRIDE)


def sub_features(features: dict, x: float, y: float, side: int = SUB) -> tuple[dict, int, int]:
    """An encoded window's features cut to a side x side part around (x, y) (offsets on the embedding's cells):
    (features, row offset, column offset)."""
    h, w = features["valid"].shape
    c0 = int(np.clip(x - side / 2, 0, max(0, w - side))) // STRIDE * STRIDE
    r0 = int(np.clip(y - side / 2, 0, max(0, h - side))) // STRIDE * STRIDE
    c1, r1 = min(w, c0 + side + STRIDE), min(h, r0 + side + STRIDE)  # + STRIDE: the rounding never leaves (x, y) out
    emb = features["embedding"][:, r0 // STRIDE:(r1 + STRIDE - 1) // STRIDE, c0 // STRIDE:(c1 + STRIDE - 1) // STRIDE]
    return {"embedding": emb, "image": features["image"][:, r0:r1, c0:c1], "valid": features["valid"][r0:r1, c0:c1]}, r0, c0


def local_cells(mask: np.ndarray, r0: int, c0: int, cells_shape: tuple[int, int]) -> np.ndarray:
    """The embedding cells (bool, cells_shape) whose centre pixel a mask placed at (r0, c0) of the window covers."""
    rows = np.arange(r0, r0 + mask.shape[0])
    cols = np.arange(c0, c0 + mask.shape[1])
    rows = rows[(rows % STRIDE == STRIDE // 2) & (rows // STRIDE < cells_shape[0])]
    cols = cols[(cols % STRIDE == STRIDE // 2) & (cols // STRIDE < cells_shape[1])]
    out = np.zeros(cells_shape, bool)
    out[np.ix_(rows // STRIDE, cols // STRIDE)] = mask[np.ix_(rows - r0, cols - c0)]
    return out


def valid_cells(enc: EncodedWindow) -> np.ndarray:
    """(h, w) bool: the embedding cells of an encoded window whose centre pixel is valid (a nodata gap is filled before
    encoding, so its cells describe the filling, not the scene)."""
    return local_cells(enc.valid, 0, 0, tuple(enc.features["embedding"].shape[1:]))


def exemplar_cells(enc: EncodedWindow, geom) -> np.ndarray:
    """(c, n) embedding vectors of the valid cells whose centres the exemplar covers (all the cells it covers when none
    is valid; the cell under its centroid when it covers none)."""
    emb = np.asarray(enc.features["embedding"], np.float32)
    c, h, w = emb.shape
    inside = ~geometry_mask([geom], out_shape=(h, w), transform=cell_transform(enc))
    if not inside.any():
        col, row = ~cell_transform(enc) * (geom.centroid.x, geom.centroid.y)
        inside[min(h - 1, max(0, int(row))), min(w - 1, max(0, int(col)))] = True
    ok = inside & valid_cells(enc)
    return emb[:, ok if ok.any() else inside]


def background_cells(sample: list[EncodedWindow], fallback: list[EncodedWindow]) -> np.ndarray:
    """(c, n) raw embedding of every third valid cell of the sampled tiles, the scene's standardisation (the
    exemplars' tiles' valid cells when the sampled tiles have none): the cells of filled nodata stripes shifted it
    (OSCD Bercy with masked SLC-off stripes: 128 objects with those cells, 100 without, 44 on the image without stripes)."""
    for encs in (sample, fallback):
        bg = np.concatenate([np.asarray(e.features["embedding"], np.float32)[:, valid_cells(e)][:, ::3] for e in encs], axis=1)
        if bg.shape[1]:
            return bg
    return np.concatenate([np.asarray(e.features["embedding"], np.float32).reshape(e.features["embedding"].shape[0], -1)
                           for e in sample], axis=1)


def fit_prototypes(cells: list[np.ndarray], background: np.ndarray, diameter_px: float) -> Prototypes:
    """Prototypes from the exemplars' cells and a scene sample (both (c, n), raw embedding)."""
    mean, std = background.mean(axis=1), background.std(axis=1) + 1e-6
    vecs = []
    for c in cells:
        v = ((c - mean[:, None]) / std[:, None]).mean(axis=1)
        vecs.append(v / max(float(np.linalg.norm(v)), 1e-6))
    return Prototypes(np.stack(vecs).astype(np.float32), mean.astype(np.float32), std.astype(np.float32), diameter_px)


def click_points(sim: np.ndarray, cell_valid: np.ndarray, step: int, min_cos: float = CLICK_MIN_COS) -> np.ndarray:
    """(n, 2) click positions (x, y; encoded pixels) on a grid of ``step`` pixels over the cells similar enough to a
    prototype, most similar first."""
    h, w = sim.shape
    ys = np.arange(step // 2, h * STRIDE, step)
    xs = np.arange(step // 2, w * STRIDE, step)
    gy, gx = np.meshgrid(ys, xs, indexing="ij")
    r, c = np.minimum(gy // STRIDE, h - 1), np.minimum(gx // STRIDE, w - 1)
    s = sim[r, c]
    ok = (s >= min_cos) & cell_valid[r, c]
    order = np.argsort(-s[ok], kind="stable")
    return np.stack([gx[ok][order], gy[ok][order]], axis=1).astype(np.float32)


def _core(win: Window, src: RasterSource, size: int) -> tuple[float, float, float, float]:
    """Native-pixel bounds (c0, r0, c1, r1) of the part of a half-overlapping tile that belongs to it alone."""
    q = size / 4
    c0 = 0 if win.col_off == 0 else win.col_off + q
    r0 = 0 if win.row_off == 0 else win.row_off + q
    c1 = src.width if win.col_off + win.width >= src.width else win.col_off + 3 * q
    r1 = src.height if win.row_off + win.height >= src.height else win.row_off + 3 * q
    return c0, r0, c1, r1


def similar_objects(src: RasterSource, modality, engine, exemplars: list, threshold: float, areas,
                    cache=None, size: int = TILE, area: Optional[Window] = None,
                    progress: Optional[Callable[[float], None]] = None,
                    is_cancelled: Optional[Callable[[], bool]] = None,
                    exemplar_areas: Optional[list] = None) -> tuple[list[tuple[np.ndarray, Affine, float]], str, int]:
    """([(mask, transform, similarity)], note, clicks decoded) of objects resembling the exemplars (shapely, raster CRS)
    over the raster, each mask cut to its bounding box; ``areas`` is the raster's AreaCalculator; with an ``area``
    (native-pixel window), only objects clicked inside it. The size range comes from ``exemplar_areas`` (m², of their
    parts on valid pixels: :func:`.exemplars.exemplar_pixels`), else from the exemplars' parts on the raster."""
    from .exemplars import footprint, on_raster_area_m2

    def encode(win: Window) -> EncodedWindow:
        return encode_window(src, win, engine, cache=cache, modality=modality)

    cells, ex_areas, diams, ex_encs = [], [], [], []
    foot = footprint(src)
    for geom in exemplars:
        x0, y0, x1, y1 = geom.bounds
        cols, rows = ~src.transform * (np.array([x0, x1]), np.array([y1, y0]))
        enc = encode(tile_for(src, np.asarray(cols), np.asarray(rows), size))
        ex_encs.append(enc)
        cells.append(exemplar_cells(enc, geom))
        ex_areas.append(on_raster_area_m2(geom, foot, areas))
        px = ~geometry_mask([geom], out_shape=enc.shape, transform=enc.transform)
        diams.append(2.0 * np.sqrt(max(px.sum(), 1) / np.pi))
    if not cells:
        raise InputError(t("No exemplar lies over the raster."), t("Draw or select exemplars over the raster."))
    area = area or Window(0, 0, src.width, src.height)
    a0, b0, a1, b1 = area.col_off, area.row_off, area.col_off + area.width, area.row_off + area.height
    every = tile_grid(src, size)
    tiles = [w for w in every if w.col_off < a1 and w.col_off + w.width > a0 and w.row_off < b1 and w.row_off + w.height > b0]
    sample = [encode(w) for w in every[:: max(1, len(every) // 4)][:4]]
    protos = fit_prototypes(cells, background_cells(sample, ex_encs), float(np.median(diams)))
    step = int(np.clip(round(protos.diameter_px / 3), *STEP_RANGE))
    min_ds = float(getattr(engine, "card", {}).get("find_similar", {}).get("min_decoder_score", MIN_DECODER_SCORE))
    ex_areas = list(exemplar_areas) if exemplar_areas else ex_areas
    lo, hi = AREA_RANGE[0] * min(ex_areas), AREA_RANGE[1] * max(ex_areas)
    found: list[tuple[np.ndarray, Affine, float]] = []
    kept_geoms: list = []
    clicks = 0
    for i, win in enumerate(tiles):
        if is_cancelled and is_cancelled():
            raise Cancelled()
        enc = encode(win)
        emb = enc.features["embedding"]
        sim = protos.cell_similarity(emb)
        cell_valid = local_cells(enc.valid, 0, 0, sim.shape)
        c0, r0, c1, r1 = _core(win, src, size)
        c0, r0, c1, r1 = max(c0, a0), max(r0, b0), min(c1, a1), min(r1, b1)
        fx, fy = win.width / enc.shape[1], win.height / enc.shape[0]
        px_area = pixel_area_m2(areas, enc.transform, enc.shape)
        covered = np.zeros(enc.shape, bool)
        cands = []
        earlier = [g for g in kept_geoms if _boxes_meet(g.bounds, window_bounds(win, src.transform))]
        points = click_points(sim, cell_valid, step)
        for k, (x, y) in enumerate(points):
            if progress and k % PROGRESS_EVERY == PROGRESS_EVERY - 1:  # a one-tile search sat at 0 % for 70 s
                progress(100.0 * (i + k / len(points)) / len(tiles))
            nc, nr = win.col_off + x * fx, win.row_off + y * fy
            if not (c0 <= nc < c1 and r0 <= nr < r1) or covered[min(int(y), enc.shape[0] - 1), min(int(x), enc.shape[1] - 1)]:
                continue
            if is_cancelled and is_cancelled():
                raise Cancelled()
            sub, sr, sc = sub_features(enc.features, x, y)
            # the plain threshold: the decoder-score and size cut-offs here were chosen with it
            mask, dscore = engine.decode(sub, np.array([[x - sc, y - sr]], np.float32), np.ones(1, np.float32),
                                         remember=False, first_click_threshold=engine.threshold)
            clicks += 1
            n = int(mask.sum())
            if n == 0 or dscore < min_ds or not lo <= n * px_area <= hi:
                continue
            rr, cc = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
            mask, mr, mc = mask[rr[0]:rr[-1] + 1, cc[0]:cc[-1] + 1], sr + rr[0], sc + cc[0]
            s = protos.mask_similarity(emb, local_cells(mask, mr, mc, sim.shape) & cell_valid)
            if s < threshold:
                continue
            covered[mr:mr + mask.shape[0], mc:mc + mask.shape[1]] |= mask
            cands.append((dscore, s, mask, mr, mc))
        # a mask mostly on the exemplars or the objects kept is one of them: their outlines are not returned again
        taken = ~geometry_mask(exemplars, out_shape=enc.shape, transform=enc.transform, all_touched=False)
        here: list[tuple[np.ndarray, int, int, int]] = []  # the masks kept in this tile: (mask, row, col, pixels)
        for dscore, s, mask, mr, mc in sorted(cands, key=lambda c: -c[0]):
            n = int(mask.sum())
            if (mask & taken[mr:mr + mask.shape[0], mc:mc + mask.shape[1]]).sum() > MAX_OVERLAP * n:
                continue
            if any(is_duplicate(shared_pixels(mask, mr, mc, m, r, c), n, k) for m, r, c, k in here):
                continue
            transform = enc.transform * Affine.translation(mc, mr)
            if len(tiles) > 1:  # an object on a core border may have been clicked from the neighbouring tile too
                geom = mask_to_geometry(mask, transform)
                if geom is None or any(_boxes_meet(geom.bounds, g.bounds) and geom.intersects(g)
                                       and is_duplicate(geom.intersection(g).area, geom.area, g.area) for g in earlier):
                    continue
                kept_geoms.append(geom)
            taken[mr:mr + mask.shape[0], mc:mc + mask.shape[1]] |= mask
            here.append((mask, mr, mc, n))
            found.append((mask, transform, round(float(np.clip(s, 0, 1)), 4)))
        if progress:
            progress(100.0 * (i + 1) / len(tiles))
    note = t("promptable-network features: {n} prototype(s), clicks every {step} px where a cell's cosine reaches {cos} "
             "({clicks} decoded over {tiles} tile(s)), masks with decoder score >= {score}, object cosine >= {threshold} "
             "and an area between {lo} and {hi} m² kept", n=len(exemplars), step=step, cos=f"{CLICK_MIN_COS:g}",
             clicks=clicks, tiles=len(tiles), score=f"{min_ds:g}", threshold=f"{threshold:g}", lo=number(lo), hi=number(hi))
    return found, note, clicks
