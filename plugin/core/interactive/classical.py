"""Classical promptable engine: geodesic region growing on an edge-aware superpixel graph.

Encode (once per window): robustly normalise every band, smooth, take the
multiband gradient magnitude, cut the window into small watershed superpixels
that follow edges, and build their adjacency graph (mean features per node;
colour difference, boundary gradient and boundary length per edge).

Decode (per click, a few milliseconds): geodesic distances over the graph from
the positive seeds and the negative seeds (explicit clicks, the outside of a
box); a node belongs to the object when it is nearer to a positive seed. The
extent of the object along the growth order is chosen where the region's
boundary is strongest (mean gradient along the cut), found for every prefix of
the order at once with a difference array. Works on any number of bands.
"""
from __future__ import annotations

import hashlib
import json
from typing import Optional

import numpy as np
from scipy import ndimage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from ..gapfill import fill_nearest

ENGINE_VERSION = "classical-geodesic-4"
SURFACE_ROLES = frozenset({"coastal", "blue", "green", "yellow", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08",
                           "swir1", "swir2", "pan"})
"""The roles of bands that see the surface, which the engine grows regions on when the modality names them (not the
atmosphere's water vapour and cirrus bands, thermal, quality or height bands, nor a stack's other extra bands)."""


class ClassicalEngine:
    """Geodesic superpixel region growing; ``encode`` → features dict, ``decode`` → (mask, score)."""

    name = "classical"
    max_side = 2048  # encoded windows are at most this many pixels on a side

    def __init__(self, step: int = 4, compactness: float = 0.0, beta: float = 0.1,
                 smooth: float = 0.7, max_bands: int = 16, min_nodes: int = 3,
                 size_penalty: float = 1.0, size_scale: float = 2000.0, max_fraction: float = 0.5,
                 implicit_box: float = 0.15) -> None:
        self.params = dict(step=step, compactness=compactness, beta=beta, smooth=smooth,
                           max_bands=max_bands, min_nodes=min_nodes, size_penalty=size_penalty, size_scale=size_scale,
                           max_fraction=max_fraction, implicit_box=implicit_box)
        self.implicit_box = implicit_box
        self.max_fraction = max_fraction
        self.search_limit = 8.0  # geodesic units (≈ boundary crossings of median strength) of the first search
        self.size_penalty = size_penalty
        self.size_scale = size_scale
        self.step = step
        self.compactness = compactness
        self.beta = beta
        self.smooth = smooth
        self.max_bands = max_bands
        self.min_nodes = min_nodes
        self._graph_cache: dict[int, tuple] = {}
        self._dist_cache: dict[tuple, tuple] = {}

    @property
    def sha256(self) -> str:
        """A hash of the engine's version and parameters (part of the cache key and of outputs)."""
        blob = json.dumps({"v": ENGINE_VERSION, **self.params}, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()

    @property
    def label(self) -> str:
        return f"classical ({ENGINE_VERSION})"

    def select_bands(self, count: int, modality=None) -> list[int]:
        """All bands when there are at most ``max_bands`` (the engine is multiband by nature); of more, the surface bands
        the modality names (:data:`SURFACE_ROLES`, in band order), as the network engine takes red, green and blue by
        role: the first 16 bands of a 200-band cube are 420-573 nm, blue and green only. Else the first ``max_bands``."""
        roles = getattr(modality, "roles", None) or {}
        named = sorted({b for r, b in roles.items() if r in SURFACE_ROLES and 1 <= b <= count})
        if count > self.max_bands and named:
            return named[:self.max_bands]
        return list(range(1, min(count, self.max_bands) + 1))

    # ------------------------------------------------------------------ encode
    def encode(self, image: np.ndarray, valid: np.ndarray) -> dict[str, np.ndarray]:
        """Features of a window: superpixel labels, node means, edges with weights."""
        from skimage.segmentation import watershed

        image = np.asarray(image, dtype=np.float32)
        if image.ndim == 2:
            image = image[None]
        c, h, w = image.shape
        valid = np.asarray(valid, dtype=bool) & np.isfinite(image).all(axis=0)
        # a hole takes its surroundings' values: its zeros were an edge around it that stopped the growth (a DSM roof
        # with a 12 x 12 px hole: IoU 0.99 -> 0.43); it stays outside every superpixel
        feats = fill_nearest(normalise_bands(image, valid), valid)
        if self.smooth > 0:
            feats = np.stack([ndimage.gaussian_filter(b, self.smooth) for b in feats])
        grad = gradient_magnitude(feats)
        markers = np.zeros((h, w), dtype=np.int32)
        s = self.step
        ys, xs = np.mgrid[min(s // 2, h // 2):h:s, min(s // 2, w // 2):w:s]  # a row / column of markers however thin
        markers[ys, xs] = np.arange(1, ys.size + 1, dtype=np.int32).reshape(ys.shape)
        markers[~valid] = 0
        labels = watershed(grad, markers, compactness=self.compactness, mask=valid).astype(np.int32)
        # renumber to 0..n-1 for valid pixels, -1 for invalid
        # renumber the surviving markers to 0..n-1 (a lookup table, not a sort), -1 outside the valid area
        present = np.zeros(int(labels.max()) + 1, dtype=bool)
        present[labels.ravel()] = True
        present[0] = False
        lut = np.cumsum(present).astype(np.int32) - 1
        lut[0] = -1
        n = int(present.sum())
        lab = np.where(valid, lut[labels], -1).astype(np.int32)
        flat = lab.ravel()
        ok = flat >= 0
        counts = np.bincount(flat[ok], minlength=n).astype(np.float32)
        means = np.stack([np.bincount(flat[ok], weights=b.ravel()[ok], minlength=n) for b in feats]) / np.maximum(counts, 1)
        yy, xx = np.mgrid[0:h, 0:w]
        cy = np.bincount(flat[ok], weights=yy.ravel()[ok], minlength=n) / np.maximum(counts, 1)
        cx = np.bincount(flat[ok], weights=xx.ravel()[ok], minlength=n) / np.maximum(counts, 1)
        ei, ej, eg, el = _adjacency(lab, grad, n)
        color = np.sqrt(((means[:, ei] - means[:, ej]) ** 2).sum(axis=0)).astype(np.float32)
        border = np.zeros(n, dtype=bool)
        for edge in (lab[0], lab[-1], lab[:, 0], lab[:, -1]):
            border[edge[edge >= 0]] = True
        return {
            "labels": lab, "counts": counts, "means": means.astype(np.float32).T.copy(),
            "centroids": np.stack([cx, cy], axis=1).astype(np.float32),
            "edge_i": ei, "edge_j": ej, "edge_grad": eg, "edge_len": el, "edge_color": color,
            "border": border, "grad_scale": np.float32(np.median(eg) if eg.size else 1.0),
        }

    # ------------------------------------------------------------------ decode
    def decode(self, f: dict[str, np.ndarray], points: np.ndarray, labels: np.ndarray,
               box: Optional[np.ndarray] = None) -> tuple[np.ndarray, float]:
        """Mask (bool, window shape) and score in [0, 1] for points (col, row) labelled 1/0 and an optional box."""
        lab = f["labels"]
        h, w = lab.shape
        n = int(f["counts"].size)
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        labels = np.asarray(labels).reshape(-1)
        pos_nodes, neg_nodes = [], []
        for (x, y), l in zip(points, labels):
            c, r = int(np.floor(x)), int(np.floor(y))
            if 0 <= r < h and 0 <= c < w and lab[r, c] >= 0:
                (pos_nodes if l > 0 else neg_nodes).append(int(lab[r, c]))
        allowed = np.ones(n, dtype=bool)
        implicit_neg: list[int] = []
        pos_groups = [(p,) for p in dict.fromkeys(pos_nodes)]
        neg_groups = [(q,) for q in dict.fromkeys(neg_nodes) if q not in pos_nodes]
        if box is not None:
            x0, y0, x1, y1 = [float(v) for v in box]
            cx, cy = f["centroids"][:, 0], f["centroids"][:, 1]
            inside = (cx >= x0) & (cx <= x1) & (cy >= y0) & (cy <= y1)
            allowed = inside
            if not pos_groups:
                seeds = self._box_centre_nodes(f, (x0, y0, x1, y1), inside)
                pos_groups = [tuple(sorted(seeds))] if seeds else []
            implicit_neg = _outer_ring(f, inside).tolist()
        if not pos_groups:
            return np.zeros((h, w), dtype=bool), 0.0
        # every click edits the mask locally: a positive click adds the region grown from it (where it is nearer
        # than any negative), a negative click removes the region grown from it (where it is nearer than any positive)
        implicit = (tuple(sorted(set(implicit_neg))),) if implicit_neg else ()
        region = np.zeros(n, dtype=bool)
        scores = []
        for g in pos_groups:
            r_, s_ = self._grow(f, g, tuple(neg_groups) + implicit, allowed, has_competitors=bool(neg_groups or implicit),
                                box_area=float(f["counts"][allowed].sum()) if box is not None else 0.0)
            region |= r_
            scores.append(s_)
        ones = np.ones(n, dtype=bool)
        for g in neg_groups:
            r_, _ = self._grow(f, g, tuple(pos_groups), ones, has_competitors=True)
            region &= ~r_
        for g in pos_groups:
            region[list(g)] = True
        if self.implicit_box > 0 and box is None and len(points) >= 2 and region.any():
            # from the second click on, the clicks and the current mask say roughly where the object is: decode again
            # as a box prompt around them (+15 %), i.e. a geodesic Voronoi split between the positives and the
            # negatives plus the box border (measured: mIoU@3 buildings 0.51→0.55, clouds 0.49→0.58, DSIFN 0.44→0.51)
            cxy = np.vstack([f["centroids"][region], points])
            lo, hi = cxy.min(axis=0), cxy.max(axis=0)
            pad = (hi - lo) * self.implicit_box + self.step
            return self.decode(f, points, labels, np.array([lo[0] - pad[0], lo[1] - pad[1], hi[0] + pad[0], hi[1] + pad[1]]))
        node_mask = np.zeros(n + 1, dtype=bool)
        node_mask[:n] = region
        mask = node_mask[lab]  # lab == -1 → last entry (False)
        mask = _fill_small_holes(mask, lab >= 0)
        return mask, float(np.mean(scores)) if scores else 0.0

    def _distances(self, f: dict, group: tuple, limit: float) -> np.ndarray:
        """Geodesic distances from a group of seed nodes up to ``limit`` (memoised: clicks are decoded again and again)."""
        key = (id(f["edge_i"]), group, limit)
        hit = self._dist_cache.get(key)
        if hit is not None and hit[0] is f["edge_i"]:
            return hit[1]
        d = dijkstra(self._graph(f), directed=True, indices=np.array(group), min_only=True, limit=limit)
        self._dist_cache[key] = (f["edge_i"], d)
        while len(self._dist_cache) > 64:
            self._dist_cache.pop(next(iter(self._dist_cache)))
        return d

    def _grow(self, f, group, competitors, allowed, has_competitors, box_area: float = 0.0):
        """Region grown from one seed group where it is nearer than every competitor, with its extent chosen."""
        limit = self.search_limit
        while True:
            d = self._distances(f, group, limit)
            cand = allowed & np.isfinite(d)
            for c in competitors:
                cand &= d < self._distances(f, c, limit)
            cand[list(group)] = True
            region, score = self._choose_extent(f, d, cand, has_negatives=has_competitors, box_area=box_area)
            frontier = False
            if np.isfinite(limit) and region.any():
                # the extent reached the search limit: it holds nodes in the outer fifth of the explored distances
                frontier = bool(d[region].max() > 0.8 * limit)
                if box_area <= 0:
                    frontier = frontier or int(region.sum()) >= int(np.isfinite(d).sum() * 0.8)
            if not frontier:
                return region, score
            limit = limit * 3 if limit * 3 < self.search_limit * 100 else np.inf

    def _graph(self, f: dict) -> csr_matrix:
        """The undirected superpixel graph with geodesic edge costs (memoised per feature set)."""
        key = id(f["edge_i"])
        hit = self._graph_cache.get(key)
        if hit is not None and hit[0] is f["edge_i"]:
            return hit[1]
        n = int(f["counts"].size)
        gs = float(f["grad_scale"]) or 1.0
        cost = f["edge_grad"] / gs + self.beta * f["edge_color"] + 1e-4
        i = np.concatenate([f["edge_i"], f["edge_j"]])
        j = np.concatenate([f["edge_j"], f["edge_i"]])
        g = csr_matrix((np.concatenate([cost, cost]).astype(np.float64), (i, j)), shape=(n, n))  # symmetric: no per-call transposes
        if len(self._graph_cache) > 8:
            self._graph_cache.clear()
        self._graph_cache[key] = (f["edge_i"], g)
        return g

    def _box_centre_nodes(self, f: dict, box: tuple, inside: np.ndarray) -> list[int]:
        """Seeds for a box without clicks: the superpixels nearest the box centre."""
        x0, y0, x1, y1 = box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        d = (f["centroids"][:, 0] - cx) ** 2 + (f["centroids"][:, 1] - cy) ** 2
        d[~inside] = np.inf
        k = max(1, min(int(inside.sum() * 0.05), 9))
        order = np.argsort(d)[:k]
        return [int(i) for i in order if np.isfinite(d[i])]

    def _choose_extent(self, f: dict, dpos: np.ndarray, cand: np.ndarray, has_negatives: bool,
                       box_area: float = 0.0) -> tuple[np.ndarray, float]:
        """The prefix of the growth order whose boundary has the strongest mean gradient."""
        n = dpos.size
        order = np.flatnonzero(cand)
        order = order[np.argsort(dpos[order], kind="stable")]
        m = order.size
        rank = np.full(n, m, dtype=np.int64)  # non-candidates are never inside
        rank[order] = np.arange(m)
        ei, ej = f["edge_i"], f["edge_j"]
        ri, rj = rank[ei], rank[ej]
        lo, hi = np.minimum(ri, rj), np.maximum(ri, rj)
        # prefix of size k (nodes with rank < k) cuts an edge iff lo < k <= hi
        gs = float(f["grad_scale"]) or 1.0
        wlen = f["edge_len"].astype(np.float64)
        wg = wlen * f["edge_grad"] / gs
        live = lo < m  # edges between two non-candidates are never cut
        lo, hi, wg, wlen = lo[live], hi[live], wg[live], wlen[live]
        diff_g = np.bincount(lo, weights=wg, minlength=m + 1) - np.bincount(hi, weights=wg, minlength=m + 1)
        diff_l = np.bincount(lo, weights=wlen, minlength=m + 1) - np.bincount(hi, weights=wlen, minlength=m + 1)
        cut_g = np.cumsum(diff_g)[:m]
        cut_l = np.cumsum(diff_l)[:m]
        # index k-1 ↔ prefix of size k; lengths are whole pixels, so < 0.5 is a closed region (or rounding noise)
        contrast = np.where(cut_l > 0.5, cut_g / np.maximum(cut_l, 1.0), 0.0)
        area = np.cumsum(f["counts"][order].astype(np.float64))
        total = float(f["counts"].sum())
        k_min = min(self.min_nodes, m)
        # strongest boundary, with a mild preference for smaller objects so that one click does not swallow the window
        if box_area > 0:
            # inside a box the object is what is geodesically nearer the box centre (or the clicks) than the box
            # border: every candidate (measured: box mIoU 0.53 vs 0.45 with the contrast criterion on buildings)
            score_k = np.full(m, -np.inf)
            if m:
                score_k[-1] = 0.0
        else:
            score_k = contrast / (1.0 + self.size_penalty * np.log1p(area / self.size_scale))
        score_k[: k_min - 1] = -np.inf
        # an object is at most half the encoded window (larger ones touch its border, and the session grows it)
        if box_area <= 0:
            score_k[area > self.max_fraction * total] = -np.inf
        if not np.isfinite(score_k).any() and m:
            score_k[0] = 0.0
        k = int(np.argmax(score_k)) + 1 if m else 0
        region = np.zeros(n, dtype=bool)
        region[order[:k]] = True
        c = float(contrast[k - 1]) if k else 0.0
        score = float(1.0 - np.exp(-max(c - 0.5, 0.0)))
        return region, score


def normalise_bands(image: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Each band to a robust unit scale ((x - median) / (p98 - p2)), weighted so the band count does not matter."""
    c = image.shape[0]
    out = np.zeros_like(image, dtype=np.float32)
    if not valid.any():
        return out
    step = max(1, int(np.sqrt(valid.size / 200_000)))
    sub_valid = valid[::step, ::step]
    for b in range(c):
        vals = image[b, ::step, ::step][sub_valid]
        p2, p50, p98 = np.percentile(vals, [2, 50, 98]) if vals.size else (0, 0, 1)
        scale = (p98 - p2) if p98 > p2 else (np.std(vals) + 1e-6 if vals.size else 1.0)
        out[b] = np.where(valid, (image[b] - p50) / scale, 0)
    return out / np.float32(np.sqrt(c))


def gradient_magnitude(feats: np.ndarray) -> np.ndarray:
    """Multiband gradient magnitude (root of the summed squared Sobel responses)."""
    acc = np.zeros(feats.shape[1:], dtype=np.float32)
    for b in feats:
        gx = ndimage.sobel(b, axis=1, output=np.float32)
        gy = ndimage.sobel(b, axis=0, output=np.float32)
        acc += gx * gx + gy * gy
    return np.sqrt(acc) / np.float32(8.0)


def _adjacency(lab: np.ndarray, grad: np.ndarray, n: int):
    """Edges between 4-neighbouring superpixels: (i, j, mean boundary gradient, boundary length)."""
    a = np.concatenate([lab[:, :-1].ravel(), lab[:-1, :].ravel()])
    b = np.concatenate([lab[:, 1:].ravel(), lab[1:, :].ravel()])
    g = np.concatenate([np.maximum(grad[:, :-1], grad[:, 1:]).ravel(), np.maximum(grad[:-1, :], grad[1:, :]).ravel()])
    keep = (a != b) & (a >= 0) & (b >= 0)
    a, b, g = a[keep], b[keep], g[keep]
    lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    key = lo * n + hi
    uniq, inv = np.unique(key, return_inverse=True)
    length = np.bincount(inv).astype(np.float32)
    gsum = np.bincount(inv, weights=g).astype(np.float32)
    return (uniq // n).astype(np.int32), (uniq % n).astype(np.int32), gsum / np.maximum(length, 1), length


def _outer_ring(f: dict, nodes: np.ndarray) -> np.ndarray:
    """Nodes outside a set (boolean array) that touch it."""
    ei, ej = f["edge_i"], f["edge_j"]
    a, b = nodes[ei], nodes[ej]
    return np.unique(np.concatenate([ej[a & ~b], ei[b & ~a]]))


def _fill_small_holes(mask: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Fill enclosed holes smaller than a tenth of the object (shadows and chimneys on roofs)."""
    if not mask.any():
        return mask
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    sl = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
    out = mask.copy()
    out[sl] = _fill_holes_crop(mask[sl], valid[sl])
    return out


def _fill_holes_crop(mask: np.ndarray, valid: np.ndarray) -> np.ndarray:
    holes = ndimage.binary_fill_holes(mask) & ~mask
    if not holes.any():
        return mask
    lab, k = ndimage.label(holes)
    sizes = np.bincount(lab.ravel())
    small = sizes <= max(mask.sum() * 0.1, 1)
    small[0] = False
    return mask | (small[lab] & valid)
