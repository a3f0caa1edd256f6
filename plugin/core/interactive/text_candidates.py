"""Text prompts in the interactive session: land-cover concepts on the encoded window → candidate objects.

"lakes larger than 1 ha", "trees", "water except clouds": the prompt is parsed
by the land-cover prompt parser, the land-cover engine that extract_landcover
would choose (auto: bundled network or spectral priors) runs on exactly the
session's encoded window (the view at the session resolution, read resampled
to the encoded grid) with its thresholds fitted on the whole raster as
extract_landcover fits them (so they do not change as the view moves), and
its clouds and cloud shadows taken as extract_landcover takes them: from the
cloud network run in fixed blocks of the whole raster (on the encoded grid's
pixels, continued to the raster's edges), shadows reached from clouds outside
the view too, and the network engine's water taken out of ukis-csmask's
shadows (when the view is at the raster's own pixels; on a coarser grid the
cloud network reads other cells, so a coarse view's classes follow the Land
cover tab's only approximately). Every pixel gets the best wanted concept
(probability ≥ 0.5, excluded concepts and clouds removed, nodata never), and
each 4-connected region of one concept becomes a candidate: a mask on the encoded
grid (kept as its bounding-box crop), its concept, true area and mean
confidence. Regions smaller than the prompt's size qualifier (or a few pixels)
are dropped; the largest (or best scored) ``max_count`` are kept.
A candidate the analyst refines becomes the session's base mask
(:meth:`InteractiveSession.set_base`), which clicks then edit.

Objects are not cut by the view: where a region touches a side of the encoded
window and the raster goes on, the surroundings are classified at the same
resolution, with the same fitted engine, block by block as the regions reach
them (blocks a quarter of the view's side long, an eighth of it deep next to the
view and twice as deep each step out), at most ``max_grow`` view sides beyond each
side and ``max_extra`` times the view's pixels in all, never beyond the raster;
each candidate keeps its whole connected region (``grown``), and one still
touching an unclassified block at the limit says so (``cut``). Regions only in
the surroundings are not candidates; the view's own classes are kept as they are.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence

import numpy as np
from rasterio.transform import Affine
from rasterio.windows import Window
from scipy import ndimage

from ..errors import InputError, ModalityError
from ..messages import label_in_text, measure, quantity, separator, t
from ..prompts import ParsedPrompt, concepts as catalogue, height_range_text, parse_prompt
from ..quality import ROLE as QA_ROLE
from ..raster import Grid
from ..stack import BandSet, ModalityStack, make_layer
from ..tiling import TileSpec, run_tiled

MAX_CANDIDATES = 200
MIN_PIXELS = 16
"""Regions smaller than this many encoded pixels are noise, unless the prompt gives its own size (a minimum or a maximum:
then its range alone decides, down to one pixel; 'water smaller than 200 m2' on 79 m² pixels found nothing)."""
SORT_KEYS = ("area", "score")
MAX_GROW = 2.0
"""Regions cut by the view are completed at most this many view sides beyond each of its sides."""
MAX_EXTRA = 4.0
"""... and with at most this many times the view's pixels classified beyond it (keeps a search of 'forest' in a forest quick)."""


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
    grown: bool = False
    """The region was completed beyond the view (its crop reaches outside the encoded grid: negative or large offsets)."""
    cut: bool = False
    """The region still touches surroundings left unclassified at the growth limit (it may go on further)."""

    def mask(self) -> np.ndarray:
        """The candidate's mask on the encoded grid of the view (a grown candidate is clipped to it; the crop is whole)."""
        out = np.zeros(self.shape, dtype=bool)
        h, w = self.crop.shape
        r0, c0 = max(0, self.row_off), max(0, self.col_off)
        r1, c1 = min(self.shape[0], self.row_off + h), min(self.shape[1], self.col_off + w)
        if r1 > r0 and c1 > c0:
            out[r0:r1, c0:c1] = self.crop[r0 - self.row_off:r1 - self.row_off, c0 - self.col_off:c1 - self.col_off]
        return out

    def crop_transform(self) -> Affine:
        """Pixel → raster-CRS transform of the crop."""
        return self.transform * Affine.translation(self.col_off, self.row_off)

    def geometry(self, straight: bool = False, crs=None):
        """The candidate as a shapely MultiPolygon in the raster's CRS ``crs`` (``straight``: right-angled outlines)."""
        from .objects import mask_to_geometry

        return mask_to_geometry(self.crop, self.crop_transform(), straight=straight, crs=crs)

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
    """Regions in the view left out for their size (too few pixels, or outside the prompt's area range)."""
    details: dict = field(default_factory=dict)


def read_resampled(stack: ModalityStack, window: Window, shape: tuple[int, int], roles: set[str]) -> BandSet:
    """Physical values by role of a window of the primary raster, resampled (bilinear) to ``shape`` (rows, cols)."""
    if (int(window.height), int(window.width)) == tuple(shape):
        return stack.read(window, roles)
    layer = stack.primary
    want = {r: b for r, b in layer.modality.roles.items() if r in roles}
    idx = layer.bands_to_read(sorted(set(want.values())))
    data = layer.src.read(window=window, bands=idx, out_shape=tuple(shape))
    arr, valid, own = layer.measured(data, idx)  # a height band in metres, valid on its own, as ModalityStack.read
    bands = {r: arr[idx.index(b)] for r, b in want.items()}
    role_valid = {r: own.get(b, valid) for r, b in want.items()} if own else {}
    for v in own.values():
        valid = valid & v
    if QA_ROLE in roles and layer.quality is not None:  # raw classes or bits: nearest neighbour, never averaged
        bands[QA_ROLE], role_valid[QA_ROLE] = layer.read_quality(window, out_shape=tuple(shape))
    return BandSet(bands, valid, role_valid)


def classify(scores: np.ndarray, n_wanted: int, cloudy: Optional[np.ndarray], valid: np.ndarray,
             first: Sequence[int] = ()) -> tuple[np.ndarray, np.ndarray]:
    """(class 0..K with 0 = none, confidence of the class) per pixel, as extract_landcover decides them (a map's ``first``
    classes included; its filling is not: a candidate is a region that reaches 50 %)."""
    from ..landcover.extract import NODATA, classify_block

    cloud = np.zeros(valid.shape, bool) if cloudy is None else cloudy & valid
    cls, _, _, _ = classify_block(scores, n_wanted, valid, cloud, (), first)
    cls[cls == NODATA] = 0
    inc = scores[:n_wanted]
    top = np.where(cls > 0, np.take_along_axis(inc, np.maximum(cls.astype(np.int64) - 1, 0)[None], 0)[0], inc.max(axis=0))
    return cls, top.astype(np.float32)


class _EncodedScene:
    """The whole raster on the encoded grid's pixels (the encoded window's grid continued to the raster's edges; the
    raster's own grid when the view is at its resolution), read resampled: what the cloud network's scene blocks are
    made on, so the view and its surroundings take clouds and shadows from one layout of the whole raster, whatever
    the view (a stack for :func:`~..landcover.spectral.scene_blocks`)."""

    def __init__(self, stack: ModalityStack, window: Window, shape: tuple[int, int]) -> None:
        src = stack.primary.src
        self.stack = stack
        self.fx, self.fy = window.width / shape[1], window.height / shape[0]
        self.col0 = int(np.floor(window.col_off / self.fx + 1e-6))  # the view's first pixel on this grid
        self.row0 = int(np.floor(window.row_off / self.fy + 1e-6))
        self.x0, self.y0 = window.col_off - self.col0 * self.fx, window.row_off - self.row0 * self.fy  # raster px of 0, 0
        width = int(np.floor((src.width - self.x0) / self.fx + 1e-6))
        height = int(np.floor((src.height - self.y0) / self.fy + 1e-6))
        transform = src.transform * Affine.translation(self.x0, self.y0) * Affine.scale(self.fx, self.fy)
        self.grid = Grid(src.crs, transform, width, height)
        self.native = self.fx == self.fy == 1.0
        """The encoded grid is the raster's own (the view at the raster's resolution)."""

    def read(self, window: Window, roles: set[str]) -> BandSet:
        """Physical values by role of a window of this grid."""
        native = Window(self.x0 + window.col_off * self.fx, self.y0 + window.row_off * self.fy,
                        window.width * self.fx, window.height * self.fy)
        return read_resampled(self.stack, native, (int(window.height), int(window.width)), roles)


def _attach_scene(eng, ctx, roles: set[str], scene: _EncodedScene):
    """Give a fitted engine the scene's cloud blocks (spectral rules) and return the network engine's cloud shadows
    (or None), as extract_landcover sets them up for a run over the whole raster. Shadows only at the raster's own
    pixels: on a coarser encoded grid ukis-csmask reads other cells than extract_landcover's (20 m pixels: 20 m cells,
    not 30 m) and took 59 % of the network's water in Beihai for shadow (the run at 10 m, 11 %)."""
    from ..landcover.extract import network_shadows

    whole = Window(0, 0, scene.grid.width, scene.grid.height)
    if hasattr(eng, "attach_scene"):
        eng.attach_scene(scene, whole)
    return network_shadows(eng, ctx, roles, scene, whole) if scene.native else None


def _classify(eng, bs: BandSet, valid: np.ndarray, K: int, progress=None, is_cancelled=None,
              first: Sequence[int] = (), at: tuple[int, int] = (0, 0), shadows=None) -> tuple[np.ndarray, np.ndarray]:
    """(class, confidence) of every pixel of a BandSet with a fitted engine, tile by tile, as extract_landcover's tiles
    (``at``: the BandSet's first (row, col) on the attached scene's grid, where its clouds and ``shadows`` are taken)."""
    from ..landcover.extract import engine_block

    h, w = valid.shape
    cls = np.zeros((h, w), dtype=np.uint8)
    conf = np.zeros((h, w), dtype=np.float32)

    def process(wins):
        out = []
        for win in wins:
            sl = (slice(int(win.row_off), int(win.row_off + win.height)), slice(int(win.col_off), int(win.col_off + win.width)))
            tile = BandSet({r: a[sl] for r, a in bs.bands.items()}, bs.valid[sl],
                           {r: a[sl] for r, a in getattr(bs, "role_valid", {}).items()})
            on_scene = Window(int(win.col_off) + at[1], int(win.row_off) + at[0], int(win.width), int(win.height))
            out.append(engine_block(eng, on_scene, tile, K, None, 0.0, None, shadows))  # scores, excluded, 3 more
        return out

    def sink(win, block):
        sl = (slice(int(win.row_off), int(win.row_off + win.height)), slice(int(win.col_off), int(win.col_off + win.width)))
        c, t = classify(block[:-4], K, block[-4] >= 0.5, valid[sl], first)
        cls[sl], conf[sl] = c, t

    run_tiled(w, h, process, sink, TileSpec(size=1024, overlap=32), progress=progress, is_cancelled=is_cancelled)
    return cls, conf


def _pixel_areas(grid: Grid) -> np.ndarray:
    """Geodesic area (m²) of each pixel of the encoded grid, as an array of the grid's shape (read-only)."""
    from ..landcover.extract import pixel_areas

    return pixel_areas(grid).weights((grid.height, grid.width), 0)


def check_maximum_reachable(max_area_m2: float, pixel_m2: float) -> None:
    """Refuse, before classifying, a prompt's maximum area under one pixel of the encoded view: no region could be kept."""
    if 0 < max_area_m2 < pixel_m2:
        raise InputError(t("The prompt's maximum area ({area} m²) is smaller than one pixel of the view ({pixel} m²): no "
                           "object can be found.", area=quantity(max_area_m2), pixel=measure(pixel_m2)),
                         t("Give a maximum of at least one pixel, or zoom in: a smaller view is searched at finer pixels, "
                           "down to the raster's own."))


def text_modality(src):
    """The raster's modality for a text search; ModalityError with a fix the Interactive tab allows when none fits (the
    detection's fix, 'choose the modality by hand', names a choice the tab does not have); other refusals as they are."""
    from ..modalities import ChooseByHand, resolve_modality

    try:
        return resolve_modality(src, "auto")
    except ChooseByHand as exc:
        raise ModalityError(exc.problem,
                            t("Set band descriptions in the file (such as B02/B03/B04/B08 or red/green/blue/nir), or use the "
                              "Land cover tab, where the modality can be chosen.")) from exc


def find_candidates(session, prompt: str, max_count: int = MAX_CANDIDATES, min_pixels: int = MIN_PIXELS,
                    sort: str = "area", engine: str = "auto", device: str = "auto",
                    progress: Optional[Callable[[float], None]] = None,
                    is_cancelled: Optional[Callable[[], bool]] = None, max_grow: float = MAX_GROW,
                    max_extra: float = MAX_EXTRA) -> CandidateSet:
    """Candidates of a text prompt on the session's encoded window, completed beyond it (PromptError for an unknown prompt).

    ``max_grow`` (view sides beyond each side) and ``max_extra`` (classified pixels beyond the view, as a multiple
    of the view's) bound the completion of regions cut by the view; ``max_grow=0`` keeps every candidate inside it.
    """
    from ..landcover.extract import _make_engine, choose_engine, fit_map_to_bands, map_first, scene_context
    from ..raster import pixel_size_m

    if sort not in SORT_KEYS:
        raise InputError(t("Unknown sort key '{name}'.", name=sort), t("Use one of {choices}.", choices=", ".join(SORT_KEYS)))
    t0 = time.perf_counter()
    parsed = parse_prompt(prompt, place_fix=t("pan or zoom the map to the area (Find objects searches the map view)"))
    if parsed.has_height:
        raise InputError(t("Text candidates cannot filter objects by height ({range}).", range=height_range_text(parsed)),
                         t("Use the Land cover tab (or terraprompt:extract_landcover) with a DSM or nDSM, or remove the height "
                           "from the prompt."))
    src = session.source
    modality = text_modality(src)  # before encoding the view: a raster no modality fits is refused at once
    enc = session.encode()
    stack = ModalityStack(make_layer(src, modality))
    roles = stack.roles()
    shape = tuple(int(v) for v in enc.shape)
    grid = Grid(src.crs, enc.transform, shape[1], shape[0])
    parsed = fit_map_to_bands(parsed, roles, engine, pixel_size_m(grid))
    check_maximum_reachable(parsed.max_area_m2, float(_pixel_areas(grid).min()))
    wanted = parsed.names
    ids = wanted + [m.concept for m in parsed.excluded]
    engine_name, engine_why = choose_engine(engine, ids, roles)
    ctx = replace(scene_context(stack, modality, device), pixel_m=pixel_size_m(grid), network=engine == "auto")
    try:
        eng = _make_engine(engine_name, ids, roles, device, ctx)
    except ModalityError as exc:  # the land-cover fix names DSM_INPUT, which this tab does not have
        raise ModalityError(exc.problem,
                            t("Click a few of them (Enter accepts each), then press Find similar with the accepted ones "
                              "as exemplars to find more; or use the Land cover tab with the bands or DSM it needs.")) from exc
    first = map_first(eng, wanted) if parsed.full_map else []
    bs = read_resampled(stack, enc.window, shape, eng.needed_roles())
    if progress:
        progress(10.0)
    # thresholds and brightness from the whole raster, as extract_landcover fits them: the same prompt gives the same
    # classes in the Land cover tab and here, whatever the view
    eng.fit(stack.read_sample(Window(0, 0, src.width, src.height), eng.needed_roles()))
    scene = _EncodedScene(stack, enc.window, shape)
    shadows = _attach_scene(eng, ctx, roles, scene)
    K = len(wanted)
    h, w = shape
    # networks (the land-cover network, the classifier's texture, the building head) see context around each block;
    # index rules are per pixel
    pad = 32 if getattr(eng, "uses_neighbourhood", False) else 0
    cls, conf = _classify(eng, bs, bs.valid & enc.valid, K,
                          (lambda p: progress(10 + 0.7 * p)) if progress else None, is_cancelled, first,
                          (scene.row0, scene.col0), shadows)
    around = _Surroundings(stack, enc.window, shape, max_grow, max_extra, eng, eng.needed_roles(), K, pad, first,
                           scene, shadows)
    mosaic = around.complete(cls, conf, (lambda p: progress(80 + 0.15 * p)) if progress else None, is_cancelled)
    cands, total, small = _regions(mosaic, wanted, src.crs, enc.transform, parsed.min_area_m2, min_pixels, sort, max_count,
                                   is_cancelled, parsed.max_area_m2)
    if progress:
        progress(100.0)
    seconds = time.perf_counter() - t0
    cat = catalogue()
    what = ", ".join(label_in_text(t(cat[c]["label"])) for c in wanted)
    size = (t("; objects ≥ {area} m²", area=quantity(parsed.min_area_m2)) if parsed.min_area_m2
            else "" if parsed.max_area_m2 else t("; regions under {pixels} pixels dropped", pixels=min_pixels))
    if parsed.max_area_m2:
        size += t("; objects ≤ {area} m²", area=quantity(parsed.max_area_m2))
    if total > len(cands):
        shown = (t("showing the {count} largest of {total}", count=len(cands), total=total) if sort == "area"
                 else t("showing the {count} best scored of {total}", count=len(cands), total=total))
    else:
        shown = t("{total} found", total=total)
    summary = (t("{what}: {shown} ({engine} engine, {width} x {height} pixels, {seconds} s)", what=what, shown=shown,
                 engine=engine_name, width=w, height=h, seconds=f"{seconds:.1f}") + size
               + (t("; {count} concept(s) excluded", count=len(parsed.excluded)) if parsed.excluded else ""))
    n_grown, n_cut = sum(c.grown for c in cands), sum(c.cut for c in cands)
    summary += t("; {count} completed beyond the view", count=n_grown) if n_grown else ""
    summary += t("; {count} still cut at the search limit", count=n_cut) if n_cut else ""
    summary += "\n" + separator().join(n[:1].upper() + n[1:] for n in parsed.notes) if parsed.notes else ""  # 'not understood: ...'
    caution = eng.pixel_caution() if hasattr(eng, "pixel_caution") else ""  # e.g. the 10-30 m network on aerial pixels
    summary += "\n" + caution[:1].upper() + caution[1:] if caution else ""
    model = getattr(eng, "model_name", "") or "spectral-priors"
    return CandidateSet(parsed, cands, total, engine_name, model, getattr(eng, "model_sha256", "") or rules_sha256(), enc.window,
                        enc.transform, shape, seconds, summary, small,
                        {"engine_why": engine_why, "rules": eng.explain() + ([shadows.describe()] if shadows else [])})


def rules_sha256() -> str:
    """sha256 of the spectral rule catalogue: what identifies the spectral 'model' in the attributes of objects."""
    import hashlib

    from ..catalog import load_json

    return hashlib.sha256(json.dumps(load_json("spectral_rules.json"), sort_keys=True).encode()).hexdigest()


def candidate_object(cset: CandidateSet, cand: Candidate, object_id: int, crs, source: str, straight: bool = False,
                     geometry=None):
    """An accepted candidate as an object with the interactive attributes (class = concept, prompt_type 'text');
    ``geometry``: its outline as already drawn (``cand.geometry(straight, crs)``), so what is written is what was shown."""
    from .objects import make_object

    geom = geometry if geometry is not None else cand.geometry(straight, crs)
    return make_object(geom, crs, object_id, cand.concept, cand.score, 0, 0, "text", cset.model, cset.model_sha256, source)


def refine_base(cset: CandidateSet, cand: Candidate, source) -> tuple[np.ndarray, Affine, Window]:
    """(mask, transform, window) for :meth:`InteractiveSession.set_base`, so refining a candidate edits the whole object.

    A candidate inside the view is its mask on the view's grid (the session's encoding is reused). A grown one is
    its whole crop, with the session's window enlarged to cover it (and a margin of 8 encoded pixels): the session
    encodes that window (at most its engine's ``max_side`` pixels a side, so a coarser grid than the view's when the
    object is much larger), the crop is rasterized onto it, clicks edit the whole object and Enter accepts it whole.
    """
    if not cand.grown:
        return cand.mask(), cand.transform, cset.window
    from .encoder import clip_window

    ch, cw = cand.crop.shape
    tr = cand.crop_transform()
    xs, ys = tr * (np.array([0.0, cw, 0.0, cw]), np.array([0.0, 0.0, ch, ch]))
    cols, rows = ~source.transform * (xs, ys)
    cols, rows = np.asarray(cols), np.asarray(rows)
    w = cset.window
    mx, my = 8 * w.width / cset.shape[1], 8 * w.height / cset.shape[0]
    c0, r0 = min(w.col_off, cols.min() - mx), min(w.row_off, rows.min() - my)
    c1, r1 = max(w.col_off + w.width, cols.max() + mx), max(w.row_off + w.height, rows.max() + my)
    return cand.crop, tr, clip_window(source, Window(c0, r0, c1 - c0, r1 - r0))


def origin(cset: CandidateSet, cand: Candidate) -> dict:
    """What a refined candidate keeps from the text search: class, model and model hash."""
    return {"class": cand.concept, "model": cset.model, "model_sha256": cset.model_sha256}


def _spans(n: int, lo: int, hi: int) -> tuple[dict[int, tuple[int, int]], int]:
    """Block index → [start, end) along one axis of the view's grid, and the last index inside the view.

    The view is cut in four parts (indices 0..last); beyond each side come strips an eighth of the view deep, each
    next one twice as deep as the one before, within lo..hi: most cut objects end in the first, thin strips.
    """
    part = max(16, -(-n // 4))
    spans = {k: (s0, min(n, s0 + part)) for k, s0 in enumerate(range(0, n, part))}
    last = len(spans) - 1
    first = max(16, -(-n // 8))
    k, s0, step = -1, 0, first
    while s0 > lo:
        spans[k] = (max(lo, s0 - step), s0)
        k, s0, step = k - 1, s0 - step, step * 2
    k, e, step = last + 1, n, first
    while e < hi:
        spans[k] = (e, min(hi, e + step))
        k, e, step = k + 1, e + step, step * 2
    return spans, last


@dataclass
class _Mosaic:
    """Classes and confidences on the view's grid extended over the classified blocks, with each concept's regions."""

    cls: np.ndarray
    conf: np.ndarray
    row0: int
    col0: int
    view: tuple[int, int]
    labels: list  # per concept: (label image or None, number of regions)
    cut: list  # per concept: labels of the regions touching surroundings left unclassified

    def view_slices(self) -> tuple[slice, slice]:
        """Where the view lies in the mosaic."""
        h, w = self.view
        return slice(-self.row0, -self.row0 + h), slice(-self.col0, -self.col0 + w)


class _Surroundings:
    """The view's grid continued beyond it in blocks (strips of a quarter of its side), classified only where its regions reach."""

    def __init__(self, stack: ModalityStack, window: Window, shape: tuple[int, int], max_grow: float, max_extra: float,
                 eng, roles: set[str], n_wanted: int, pad: int, first: Sequence[int], scene: _EncodedScene,
                 shadows) -> None:
        h, w = shape
        src = stack.primary.src
        self.stack, self.window, self.view, self.eng, self.roles, self.K, self.pad = stack, window, shape, eng, roles, n_wanted, pad
        self.first = first
        self.scene = scene  # where its blocks take clouds and shadows
        self.shadows = shadows
        self.fx, self.fy = window.width / w, window.height / h

        def room(native: float, f: float, n: int) -> int:  # whole encoded pixels of raster beyond a side, at most max_grow views
            return max(0, min(int(max_grow * n), int(np.floor(native / f + 1e-6))))

        top, left = room(window.row_off, self.fy, h), room(window.col_off, self.fx, w)
        bottom = room(src.height - window.row_off - window.height, self.fy, h)
        right = room(src.width - window.col_off - window.width, self.fx, w)
        self.lo, self.hi = (-top, -left), (h + bottom, w + right)
        self.rows, self.last_row = _spans(h, -top, h + bottom)
        self.cols, self.last_col = _spans(w, -left, w + right)
        self.budget = max_extra * h * w
        self.blocks: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}

    def _ring(self, b: tuple[int, int]) -> int:
        """How many blocks out from the view a block lies (0: in the view)."""
        def out(k: int, last: int) -> int:
            return -k if k < 0 else max(0, k - last)

        return max(out(b[0], self.last_row), out(b[1], self.last_col))

    def _box(self, b: tuple[int, int]) -> tuple[int, int, int, int]:
        (r0, r1), (c0, c1) = self.rows[b[0]], self.cols[b[1]]
        return r0, r1, c0, c1

    def _classify_block(self, b: tuple[int, int], is_cancelled) -> None:
        """Read one block (with context for a network) at the view's resolution and classify it with the fitted engine."""
        r0, r1, c0, c1 = self._box(b)
        p = self.pad
        pr0, pr1 = max(self.lo[0], r0 - p), min(self.hi[0], r1 + p)
        pc0, pc1 = max(self.lo[1], c0 - p), min(self.hi[1], c1 + p)
        win = Window(self.window.col_off + pc0 * self.fx, self.window.row_off + pr0 * self.fy,
                     (pc1 - pc0) * self.fx, (pr1 - pr0) * self.fy)
        bs = read_resampled(self.stack, win, (pr1 - pr0, pc1 - pc0), self.roles)
        cls, conf = _classify(self.eng, bs, bs.valid, self.K, None, is_cancelled, self.first,
                              (self.scene.row0 + pr0, self.scene.col0 + pc0), self.shadows)
        sl = (slice(r0 - pr0, r1 - pr0), slice(c0 - pc0, c1 - pc0))
        self.blocks[b] = (cls[sl], conf[sl])

    def _mosaic(self) -> _Mosaic:
        """The classified blocks pasted on their bounding box (unclassified blocks in it are class 0), regions labelled."""
        if len(self.blocks) == self.n_view:
            cls, conf = self.view_cls, self.view_conf
            row0 = col0 = 0
        else:
            ii, jj = [b[0] for b in self.blocks], [b[1] for b in self.blocks]
            row0, row1 = self.rows[min(ii)][0], self.rows[max(ii)][1]
            col0, col1 = self.cols[min(jj)][0], self.cols[max(jj)][1]
            cls = np.zeros((row1 - row0, col1 - col0), dtype=np.uint8)
            conf = np.zeros(cls.shape, dtype=np.float32)
            for b, (c, f) in self.blocks.items():
                r0, r1, c0, c1 = self._box(b)
                cls[r0 - row0:r1 - row0, c0 - col0:c1 - col0] = c
                conf[r0 - row0:r1 - row0, c0 - col0:c1 - col0] = f
        labels = []
        for k in range(1, self.K + 1):
            m = cls == k
            labels.append(ndimage.label(m) if m.any() else (None, 0))
        return _Mosaic(cls, conf, row0, col0, self.view, labels, [set() for _ in range(self.K)])

    def _frontier(self, mo: _Mosaic) -> dict:
        """Unclassified blocks next to classified ones → per concept, the labels of the view's regions that reach them."""
        vr, vc = mo.view_slices()
        seeds = [np.unique(lab[vr, vc]) if lab is not None else None for lab, _ in mo.labels]
        out: dict = {}
        for (i, j) in self.blocks:
            r0, r1, c0, c1 = self._box((i, j))
            r0, r1, c0, c1 = r0 - mo.row0, r1 - mo.row0, c0 - mo.col0, c1 - mo.col0
            edges = {(i - 1, j): (r0, slice(c0, c1)), (i + 1, j): (r1 - 1, slice(c0, c1)),
                     (i, j - 1): (slice(r0, r1), c0), (i, j + 1): (slice(r0, r1), c1 - 1)}
            for nb, edge in edges.items():
                if nb in self.blocks or nb[0] not in self.rows or nb[1] not in self.cols:
                    continue
                for k, (lab, _) in enumerate(mo.labels):
                    if lab is None:
                        continue
                    hit = np.intersect1d(lab[edge], seeds[k])
                    hit = hit[hit > 0]
                    if hit.size:
                        out.setdefault(nb, [set() for _ in range(self.K)])[k].update(hit.tolist())
        return out

    def complete(self, cls: np.ndarray, conf: np.ndarray, progress=None, is_cancelled=None) -> _Mosaic:
        """Classify the blocks the view's regions reach, wave by wave, until none is cut or the limits are reached."""
        from ..errors import Cancelled

        self.view_cls, self.view_conf = cls, conf
        self.blocks = {}
        for i in range(self.last_row + 1):
            for j in range(self.last_col + 1):
                r0, r1, c0, c1 = self._box((i, j))
                self.blocks[(i, j)] = (cls[r0:r1, c0:c1], conf[r0:r1, c0:c1])
        self.n_view = len(self.blocks)
        used = 0
        skipped: set = set()
        while True:
            mo = self._mosaic()
            front = self._frontier(mo)
            todo = sorted((b for b in front if b not in skipped), key=lambda b: (self._ring(b), b))
            done_any = False
            for b in todo:
                if is_cancelled is not None and is_cancelled():
                    raise Cancelled()
                r0, r1, c0, c1 = self._box(b)
                if used + (r1 - r0) * (c1 - c0) > self.budget:
                    skipped.add(b)
                    continue
                self._classify_block(b, is_cancelled)
                used += (r1 - r0) * (c1 - c0)
                done_any = True
                if progress:
                    progress(min(100.0, 100.0 * used / max(self.budget, 1)))
            if not done_any:
                for b, labs in front.items():
                    for k, ls in enumerate(labs):
                        mo.cut[k] |= ls
                return mo


def _regions(mo: _Mosaic, wanted: list[str], crs, transform: Affine, min_area_m2: float, min_pixels: int,
             sort: str, max_count: int, is_cancelled=None, max_area_m2: float = 0.0) -> tuple[list[Candidate], int, int]:
    """Regions of each concept that lie (partly) in the view → candidates (filtered by size on their whole extent, sorted,
    capped); also the total and how many were out of the size range."""
    cat = catalogue()
    hm, wm = mo.cls.shape
    h, w = mo.view
    pixel_area = _pixel_areas(Grid(crs, transform * Affine.translation(mo.col0, mo.row0), wm, hm)).ravel()
    vr, vc = mo.view_slices()
    found = []
    small = 0
    for k, concept in enumerate(wanted, start=1):
        if is_cancelled is not None and is_cancelled():
            from ..errors import Cancelled

            raise Cancelled()
        lab, n = mo.labels[k - 1]
        if lab is None:
            continue
        flat = lab.ravel()
        sel = flat > 0
        idx = flat[sel]
        pixels = np.bincount(idx, minlength=n + 1)
        area = np.bincount(idx, weights=pixel_area[sel], minlength=n + 1)
        score = np.bincount(idx, weights=mo.conf.ravel()[sel], minlength=n + 1) / np.maximum(pixels, 1)
        in_view = np.zeros(n + 1, dtype=bool)
        in_view[np.unique(lab[vr, vc])] = True  # regions only in the surroundings are not candidates
        in_view[0] = False
        ok = in_view & (pixels >= (1 if min_area_m2 > 0 or max_area_m2 > 0 else min_pixels)) & (area >= min_area_m2)
        if max_area_m2:
            ok &= area <= max_area_m2
        small += int((in_view & ~ok).sum())
        slices = ndimage.find_objects(lab)
        for i in np.flatnonzero(ok):
            found.append((concept, int(i), lab, slices[i - 1], float(area[i]), float(score[i]), int(pixels[i]),
                          int(i) in mo.cut[k - 1]))
    total = len(found)
    key = (lambda f: (-f[4], -f[5])) if sort == "area" else (lambda f: (-f[5], -f[4]))
    found.sort(key=key)
    out = []
    for n_, (concept, i, lab, sl, area, score, px, cut) in enumerate(found[:max_count], start=1):
        r0, c0 = int(sl[0].start) + mo.row0, int(sl[1].start) + mo.col0
        r1, c1 = int(sl[0].stop) + mo.row0, int(sl[1].stop) + mo.col0
        grown = r0 < 0 or c0 < 0 or r1 > h or c1 > w
        out.append(Candidate(n_, concept, cat[concept]["label"], area, score, px, lab[sl] == i, r0, c0, transform, (h, w),
                             grown, cut))
    return out, total, small
