"""Text prompts in the interactive session: land-cover concepts on the encoded window → candidate objects.

"lakes larger than 1 ha", "trees", "water except clouds": the prompt is parsed
by the land-cover prompt parser, the land-cover engine that extract_landcover
would choose (auto: bundled network or spectral priors) runs on exactly the
session's encoded window (the view at the session resolution, read resampled
to the encoded grid), every pixel gets the best wanted concept (probability
≥ 0.5, excluded concepts and clouds removed, nodata never), and each
4-connected region of one concept becomes a candidate: a mask on the encoded
grid (kept as its bounding-box crop), its concept, true area and mean
confidence. Regions smaller than the prompt's size qualifier (or a few pixels)
are dropped; the largest (or best scored) ``max_count`` are kept.
A candidate the analyst refines becomes the session's base mask
(:meth:`InteractiveSession.set_base`), which clicks then edit.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

import numpy as np
from rasterio.transform import Affine
from rasterio.windows import Window
from scipy import ndimage

from ..errors import InputError
from ..messages import label_in_text, t
from ..prompts import ParsedPrompt, concepts as catalogue, parse_prompt
from ..raster import Grid
from ..stack import BandSet, ModalityStack, make_layer
from ..tiling import TileSpec, run_tiled

MAX_CANDIDATES = 200
MIN_PIXELS = 16
"""Regions smaller than this many encoded pixels are noise, unless the prompt gives its own size."""
SORT_KEYS = ("area", "score")


@dataclass
class Candidate:
    """One connected region of one concept on the encoded grid (mask kept as its bounding-box crop)."""

    candidate_id: int
    concept: str
    label: str
    area_m2: float
    score: float
    pixels: int
    crop: np.ndarray
    row_off: int
    col_off: int
    transform: Affine
    shape: tuple[int, int]

    def mask(self) -> np.ndarray:
        """The candidate's mask on the whole encoded grid."""
        out = np.zeros(self.shape, dtype=bool)
        h, w = self.crop.shape
        out[self.row_off:self.row_off + h, self.col_off:self.col_off + w] = self.crop
        return out

    def crop_transform(self) -> Affine:
        """Pixel → raster-CRS transform of the crop."""
        return self.transform * Affine.translation(self.col_off, self.row_off)

    def geometry(self):
        """The candidate as a shapely MultiPolygon in the raster's CRS."""
        from .objects import mask_to_geometry

        return mask_to_geometry(self.crop, self.crop_transform())

    def interior_point(self) -> tuple[float, float]:
        """Raster-CRS (x, y) of the pixel farthest from the candidate's border (a click that surely lies inside)."""
        d = ndimage.distance_transform_edt(np.pad(self.crop, 1))[1:-1, 1:-1]
        r, c = np.unravel_index(int(np.argmax(d)), d.shape)
        return tuple(self.crop_transform() * (c + 0.5, r + 0.5))


@dataclass
class CandidateSet:
    """The candidates of one text prompt on one encoded window, and what was done."""

    prompt: ParsedPrompt
    candidates: list[Candidate]
    total: int
    engine: str
    model: str
    model_sha256: str
    window: Window
    transform: Affine
    shape: tuple[int, int]
    seconds: float
    summary: str
    dropped_small: int = 0
    details: dict = field(default_factory=dict)


def read_resampled(stack: ModalityStack, window: Window, shape: tuple[int, int], roles: set[str]) -> BandSet:
    """Physical values by role of a window of the primary raster, resampled (bilinear) to ``shape`` (rows, cols)."""
    if (int(window.height), int(window.width)) == tuple(shape):
        return stack.read(window, roles)
    layer = stack.primary
    want = {r: b for r, b in layer.modality.roles.items() if r in roles}
    idx = sorted(set(want.values()))
    data = layer.src.read(window=window, bands=idx, out_shape=tuple(shape))
    valid = ~np.ma.getmaskarray(data).any(axis=0)
    arr = layer.scaling.apply(np.asarray(data.data))
    return BandSet({r: arr[idx.index(b)] for r, b in want.items()}, valid)


def _decimated(bs: BandSet, max_pixels: int = 400_000) -> BandSet:
    """Every n-th pixel of a BandSet (thresholds are fitted on a sample, as extract_landcover does)."""
    n = max(1, int(np.ceil(np.sqrt(bs.valid.size / max_pixels))))
    if n == 1:
        return bs
    return BandSet({r: a[::n, ::n] for r, a in bs.bands.items()}, bs.valid[::n, ::n],
                   {r: a[::n, ::n] for r, a in getattr(bs, "role_valid", {}).items()})


def classify(scores: np.ndarray, n_wanted: int, cloudy: Optional[np.ndarray], valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(class 0..K with 0 = none, confidence of the class) per pixel, as extract_landcover decides them."""
    inc = scores[:n_wanted]
    best = np.argmax(inc, axis=0)
    top = np.take_along_axis(inc, best[None], 0)[0]
    cls = np.where(top >= 0.5, best + 1, 0).astype(np.uint8)
    if scores.shape[0] > n_wanted:
        cls[scores[n_wanted:].max(axis=0) >= 0.5] = 0
    keep = valid if cloudy is None else valid & ~cloudy
    cls[~keep] = 0
    return cls, top.astype(np.float32)


def _pixel_areas(grid: Grid) -> np.ndarray:
    """Geodesic area (m²) of one pixel per row of the encoded grid."""
    from ..landcover.extract import row_pixel_areas

    return row_pixel_areas(grid, 0, grid.height)


def find_candidates(session, prompt: str, max_count: int = MAX_CANDIDATES, min_pixels: int = MIN_PIXELS,
                    sort: str = "area", engine: str = "auto", device: str = "auto",
                    progress: Optional[Callable[[float], None]] = None,
                    is_cancelled: Optional[Callable[[], bool]] = None) -> CandidateSet:
    """Candidates of a text prompt on the session's encoded window (PromptError for a prompt that names nothing known)."""
    from ..landcover.extract import _make_engine, choose_engine, pixel_size_m, scene_context
    from ..modalities import resolve_modality

    if sort not in SORT_KEYS:
        raise InputError(f"Unknown sort key '{sort}'.", f"Use one of {', '.join(SORT_KEYS)}.")
    t0 = time.perf_counter()
    parsed = parse_prompt(prompt)
    enc = session.encode()
    src = session.source
    modality = resolve_modality(src, "auto")
    stack = ModalityStack(make_layer(src, modality))
    roles = stack.roles()
    wanted = parsed.names
    ids = wanted + [m.concept for m in parsed.excluded]
    engine_name, engine_why = choose_engine(engine, ids, roles)
    shape = tuple(int(v) for v in enc.shape)
    grid = Grid(src.crs, enc.transform, shape[1], shape[0])
    ctx = replace(scene_context(stack, modality, device), pixel_m=pixel_size_m(grid))
    eng = _make_engine(engine_name, ids, roles, device, ctx)
    bs = read_resampled(stack, enc.window, shape, eng.needed_roles())
    if progress:
        progress(10.0)
    eng.fit(_decimated(bs))
    K = len(wanted)
    h, w = shape
    cls = np.zeros(shape, dtype=np.uint8)
    conf = np.zeros(shape, dtype=np.float32)
    valid = bs.valid & enc.valid

    def process(wins):
        out = []
        for win in wins:
            sl = (slice(int(win.row_off), int(win.row_off + win.height)), slice(int(win.col_off), int(win.col_off + win.width)))
            tile = BandSet({r: a[sl] for r, a in bs.bands.items()}, bs.valid[sl],
                           {r: a[sl] for r, a in getattr(bs, "role_valid", {}).items()})
            sc = eng.scores(tile)
            ex = eng.excluded(tile, sc, K) if hasattr(eng, "excluded") else None
            ex = np.zeros(tile.valid.shape, np.float32) if ex is None else ex.astype(np.float32)
            out.append(np.concatenate([sc, ex[None]]))
        return out

    def sink(win, block):
        sl = (slice(int(win.row_off), int(win.row_off + win.height)), slice(int(win.col_off), int(win.col_off + win.width)))
        c, t = classify(block[:-1], K, block[-1] >= 0.5, valid[sl])
        cls[sl], conf[sl] = c, t

    run_tiled(w, h, process, sink, TileSpec(size=1024, overlap=32),
              progress=(lambda p: progress(10 + 0.7 * p)) if progress else None, is_cancelled=is_cancelled)
    cands, total, small = _regions(cls, conf, wanted, grid, parsed.min_area_m2, min_pixels, sort, max_count, is_cancelled)
    if progress:
        progress(100.0)
    seconds = time.perf_counter() - t0
    cat = catalogue()
    what = ", ".join(label_in_text(t(cat[c]["label"])) for c in wanted)
    size = (t("; objects ≥ {area} m²", area=f"{parsed.min_area_m2:g}") if parsed.min_area_m2
            else t("; regions under {pixels} pixels dropped", pixels=min_pixels))
    if total > len(cands):
        shown = (t("showing the {count} largest of {total}", count=len(cands), total=total) if sort == "area"
                 else t("showing the {count} best scored of {total}", count=len(cands), total=total))
    else:
        shown = t("{total} found", total=total)
    summary = (t("{what}: {shown} ({engine} engine, {width} x {height} pixels, {seconds} s)", what=what, shown=shown,
                 engine=engine_name, width=w, height=h, seconds=f"{seconds:.1f}") + size
               + (t("; {count} concept(s) excluded", count=len(parsed.excluded)) if parsed.excluded else ""))
    model = getattr(eng, "model_name", "") or "spectral-priors"
    return CandidateSet(parsed, cands, total, engine_name, model, getattr(eng, "model_sha256", "") or rules_sha256(), enc.window,
                        enc.transform, shape, seconds, summary, small,
                        {"engine_why": engine_why, "rules": eng.explain()})


def rules_sha256() -> str:
    """sha256 of the spectral rule catalogue: what identifies the spectral 'model' in the attributes of objects."""
    import hashlib

    from ..catalog import load_json

    return hashlib.sha256(json.dumps(load_json("spectral_rules.json"), sort_keys=True).encode()).hexdigest()


def candidate_object(cset: CandidateSet, cand: Candidate, object_id: int, crs, source: str):
    """An accepted candidate as an object with the interactive attributes (class = concept, prompt_type 'text')."""
    from .objects import make_object

    return make_object(cand.geometry(), crs, object_id, cand.concept, cand.score, 0, 0, "text", cset.model,
                       cset.model_sha256, source)


def origin(cset: CandidateSet, cand: Candidate) -> dict:
    """What a refined candidate keeps from the text search: class, model and model hash."""
    return {"class": cand.concept, "model": cset.model, "model_sha256": cset.model_sha256}


def _regions(cls: np.ndarray, conf: np.ndarray, wanted: list[str], grid: Grid, min_area_m2: float, min_pixels: int,
             sort: str, max_count: int, is_cancelled=None) -> tuple[list[Candidate], int, int]:
    """Connected regions per concept → candidates (filtered by size, sorted, capped); also the total and how many were too small."""
    cat = catalogue()
    row_area = _pixel_areas(grid)
    rows_idx = np.broadcast_to(np.arange(cls.shape[0])[:, None], cls.shape)
    found = []
    small = 0
    for k, concept in enumerate(wanted, start=1):
        if is_cancelled is not None and is_cancelled():
            from ..errors import Cancelled

            raise Cancelled()
        m = cls == k
        if not m.any():
            continue
        lab, n = ndimage.label(m)
        flat = lab.ravel()
        sel = flat > 0
        idx = flat[sel]
        pixels = np.bincount(idx, minlength=n + 1)
        area = np.bincount(idx, weights=row_area[rows_idx.ravel()[sel]], minlength=n + 1)
        score = np.bincount(idx, weights=conf.ravel()[sel], minlength=n + 1) / np.maximum(pixels, 1)
        ok = (pixels >= (1 if min_area_m2 > 0 else min_pixels)) & (area >= min_area_m2)
        ok[0] = False
        small += int(n - ok[1:].sum())
        slices = ndimage.find_objects(lab)
        for i in np.flatnonzero(ok):
            found.append((concept, int(i), lab, slices[i - 1], float(area[i]), float(score[i]), int(pixels[i])))
    total = len(found)
    key = (lambda f: (-f[4], -f[5])) if sort == "area" else (lambda f: (-f[5], -f[4]))
    found.sort(key=key)
    out = []
    for n_, (concept, i, lab, sl, area, score, px) in enumerate(found[:max_count], start=1):
        out.append(Candidate(n_, concept, cat[concept]["label"], area, score, px, lab[sl] == i, int(sl[0].start),
                             int(sl[1].start), grid.transform, cls.shape))
    return out, total, small
