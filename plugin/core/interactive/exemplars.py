"""Find similar: objects that look like the analyst's exemplar polygons, anywhere in a raster.

An appearance model is fitted on the exemplars' pixels (per-band mean and spread
of the physical band values, one diagonal Gaussian) against a background model
fitted on a sample of the whole scene. Every pixel gets the posterior probability
of "looks like the exemplars" (log-likelihood ratio through a logistic), streamed
tile by tile; pixels above THRESHOLD form candidate objects, which are merged
across tiles and kept when their area is close to the exemplars' (shape prior);
a region too large for that (objects merged at a low THRESHOLD) is cut at higher
probabilities until its parts fit (:class:`Regions`). Objects lying on the
exemplars are the exemplars themselves and are left out, as the network method
leaves them out.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
import rasterio
from rasterio.features import geometry_mask
from scipy import ndimage
from rasterio.windows import Window

from ..errors import InputError
from ..messages import number, separator, t
from ..modalities import resolve_modality
from ..layer_settings import LayerSettings
from ..raster import Grid, check_has_valid_pixels, open_raster, reads_cancellable, window_of_bounds
from ..stack import ModalityStack, make_layer
from ..tiling import TileSpec, run_tiled
from ..vectors import AreaCalculator, Written, pixel_area_m2, polygonize, region_shapes, with_area_note, write_polygons
from ..writers import GeoTiffWriter, VECTOR_OUTPUT_EXTENSIONS, check_output_path, with_format_notes

MODEL_NAME = "exemplar-appearance-v1"
METHODS = ("auto", "network", "appearance")
AREA_RANGE = (0.25, 4.0)
"""Candidates keep an area between these multiples of the smallest / largest exemplar."""


@dataclass
class SimilarRequest:
    """The raster, exemplar geometries (shapely, in the raster's CRS), threshold and output."""

    input: str
    exemplars: list
    output_vector: str
    threshold: float = 0.5
    label: str = "similar"
    modality: str = "auto"
    method: str = "auto"
    """'network' (the promptable network's features and masks), 'appearance' (band values), or 'auto' (the network when
    its files verify and its card says it finds similar objects better: ``find_similar.auto``)."""
    extent: Optional[tuple] = None
    """(xmin, ymin, xmax, ymax) in the raster's CRS: search only there (the dock's current view); None, everywhere."""
    cache_dir: Optional[str] = None
    """Encodings of the network method: None, the default cache folder; "", none kept on disk."""
    cache_max_bytes: Optional[int] = None
    """The cache folder's size cap: None, the cap recorded in the folder (else the default); a number sets it."""
    tiles: TileSpec = field(default_factory=TileSpec)
    straight: bool = False
    """Right-angled polygon outlines along each object's main direction (buildings)."""
    layers: dict[str, LayerSettings] = field(default_factory=dict)
    """What the analyst set in QGIS on input layers that their files do not say (CRS, nodata), by file path."""
    vector_inputs: list[str] = field(default_factory=list)
    """The file of the exemplar layer: an output that would overwrite it is refused."""
    without_geometry: int = 0
    """Exemplar features that had no geometry (left out; said in the summary)."""
    unplaced: int = 0
    """Exemplar features whose coordinates could not be transformed to the raster's CRS (off the raster, told so)."""


@dataclass
class SimilarResult:
    """What was written and a short summary."""

    output_vector: str
    count: int
    summary: str
    decoded: int = 0
    """Clicks the network method decoded (0 for the appearance method)."""


@dataclass
class AppearanceModel:
    """Diagonal Gaussians of the exemplars and of the scene over the same bands."""

    roles: list[str]
    mean: np.ndarray
    std: np.ndarray
    bg_mean: np.ndarray
    bg_std: np.ndarray

    def probability(self, feats: np.ndarray) -> np.ndarray:
        """P(exemplar-like) per pixel for features (n_roles, h, w)."""
        m, s = self.mean[:, None, None], self.std[:, None, None]
        bm, bs = self.bg_mean[:, None, None], self.bg_std[:, None, None]
        llr = (-0.5 * ((feats - m) / s) ** 2 - np.log(s)) - (-0.5 * ((feats - bm) / bs) ** 2 - np.log(bs))
        z = llr.sum(axis=0) / max(1.0, np.sqrt(len(self.roles)))
        return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)


def fit_appearance(exemplar_pixels: np.ndarray, background: np.ndarray, roles: list[str]) -> AppearanceModel:
    """Fit the two Gaussians; the exemplar spread is floored at a quarter of the scene's, so one flat roof still generalises."""
    bg_mean, bg_std = background.mean(axis=1), background.std(axis=1) + 1e-6
    mean, std = exemplar_pixels.mean(axis=1), exemplar_pixels.std(axis=1)
    std = np.maximum(std, 0.25 * bg_std)
    return AppearanceModel(roles, mean, std, bg_mean, bg_std)


def _features(bs, roles: list[str]) -> np.ndarray:
    return np.stack([bs.bands[r] for r in roles]).astype(np.float32)


def _check_request(req: SimilarRequest) -> None:
    """Refuse a request without exemplars, with a threshold outside (0, 1) or an unknown method."""
    if not req.exemplars and req.unplaced:
        raise _outside_raster()
    if not req.exemplars:
        raise InputError(t("No exemplar polygons were given."), t("Select two or three good polygons of the objects you want more of."))
    if not 0.0 < req.threshold < 1.0:
        raise InputError(t("THRESHOLD must be between 0 and 1 (got {value}).", value=req.threshold),
                         t("Use e.g. 0.5; higher finds fewer, closer matches."))
    if req.method not in METHODS:
        raise InputError(t("Unknown find-similar method '{name}'.", name=req.method), t("Use auto, network or appearance."))


def _outside_raster() -> InputError:
    """The refusal of exemplars that all lie off the raster (often a layer whose CRS does not fit its coordinates)."""
    return InputError(t("The exemplar polygons lie outside the raster."),
                      t("Draw exemplars over the raster; they are transformed to the raster's CRS, so check the layer's CRS too."))


def repaired(exemplars: list) -> tuple[list, int]:
    """(the exemplars with invalid outlines such as a bowtie made valid, how many were repaired): a bowtie's signed
    area is 0, so it was left out without a word."""
    from shapely.validation import make_valid

    out, fixed = [], 0
    for geom in exemplars:
        if geom is not None and not geom.is_empty and np.all(np.isfinite(geom.bounds)) and not geom.is_valid:
            try:
                geom = _polygonal(make_valid(geom))
                fixed += 1
            except ValueError:  # GEOS could not repair it: kept as it is
                pass
        out.append(geom)
    return out, fixed


def _polygonal(geom):
    """The polygon parts of a geometry (make_valid may add the lines of a collapsed ring)."""
    from shapely.geometry import MultiPolygon

    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in getattr(geom, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    polys = [q for p in parts for q in (p.geoms if p.geom_type == "MultiPolygon" else [p])]
    return MultiPolygon(polys) if polys else None


def footprint(src):
    """The raster's outline in its CRS (its four corners: rotated grids too)."""
    from shapely.geometry import Polygon as ShapelyPolygon

    xs, ys = src.transform * (np.array([0, src.width, src.width, 0]), np.array([0, 0, src.height, src.height]))
    return ShapelyPolygon(list(zip(xs, ys)))


def exemplar_pixels(stack: ModalityStack, src, roles: list[str], exemplars: list,
                    areas: AreaCalculator) -> tuple[list, list, list]:
    """(band features of the valid pixels inside each usable exemplar, the area in m² of its part on valid pixels of the
    raster, the usable exemplars): an exemplar off the raster or on nodata alone is left out, and a part of one off the
    raster or on nodata does not widen the size range; refuses exemplars all off the raster, or fewer than 4 pixels."""
    full = Window(0, 0, src.width, src.height)
    foot = footprint(src)
    pixels, ex_areas, used = [], [], []
    overlapping = placed = 0
    for geom in exemplars:
        if geom is None or geom.is_empty or geom.area == 0:
            continue
        placed += 1
        if not all(np.isfinite(geom.bounds)) or not geom.intersects(foot):  # unplaced, or off the raster
            continue
        win = window_of_bounds(*geom.bounds, transform=src.transform).round_offsets().round_lengths()
        win = Window(int(win.col_off) - 1, int(win.row_off) - 1, int(win.width) + 2, int(win.height) + 2)
        try:
            win = win.intersection(full)
        except Exception:  # rasterio raises WindowError when they do not overlap
            continue
        overlapping += 1
        bs = stack.read(win, set(roles))
        covered = ~geometry_mask([geom], out_shape=bs.valid.shape, transform=src.grid.window_transform(win))
        inside = covered & bs.valid
        if inside.sum() >= 1:
            pixels.append(_features(bs, roles)[:, inside])
            ex_areas.append(on_raster_area_m2(geom, foot, areas) * inside.sum() / max(1, covered.sum()))
            used.append(geom)
    if placed and not overlapping:
        raise _outside_raster()
    if not pixels or sum(p.shape[1] for p in pixels) < 4:
        raise InputError(t("The exemplar polygons cover fewer than 4 valid pixels of the raster."),
                         t("Draw exemplars over the raster, each at least a few pixels large."))
    return pixels, ex_areas, used


def on_raster_area_m2(geom, foot, areas: AreaCalculator) -> float:
    """The area (m²) of an exemplar's part on the raster (``foot``, :func:`footprint`): a part drawn off the raster
    widened the size range (60-1,626 m² became 60-40,923 m²)."""
    return areas.area_m2(geom if foot.contains(geom) else geom.intersection(foot))


@reads_cancellable
def find_similar(req: SimilarRequest, progress: Optional[Callable[[float], None]] = None,
                 is_cancelled: Optional[Callable[[], bool]] = None) -> SimilarResult:
    """Write polygons of objects similar to the exemplars; nothing is left behind on error or cancel."""
    _check_request(req)
    src = open_raster(req.input, expand_palette="always", layer=req.layers.get(req.input))  # a class map: its regions by colour
    out = check_output_path(req.output_vector, [req.input, *req.vector_inputs], VECTOR_OUTPUT_EXTENSIONS)
    check_has_valid_pixels(src)
    modality = resolve_modality(src, req.modality)
    stack = ModalityStack(make_layer(src, modality))
    roles = sorted(modality.roles, key=lambda r: modality.roles[r])
    areas = AreaCalculator(src.crs)
    exemplars, fixed = repaired(req.exemplars)
    pixels, ex_areas, used = exemplar_pixels(stack, src, roles, exemplars, areas)
    given = sum(1 for g in exemplars if g is not None and not g.is_empty and g.area > 0) + req.unplaced
    left_out = separator().join(note for note in (
        t("{n} exemplar(s) off the raster or on nodata left out", n=given - len(used)) if given > len(used) else "",
        t("{n} exemplar feature(s) without geometry left out", n=req.without_geometry) if req.without_geometry else "",
        t("{n} exemplar(s) with an invalid outline (self-crossing) repaired", n=fixed) if fixed else "") if note)
    area = search_window(src, req.extent)
    engine, why = _network_engine(req.method, src)
    if engine is not None:
        return _find_with_network(req, engine, src, modality, used, left_out, out, areas, area, progress, is_cancelled,
                                  ex_areas)
    return _find_with_appearance(req, stack, src, modality, roles, pixels, ex_areas, why, left_out, out, areas, area,
                                 progress, is_cancelled, used)


def _find_with_appearance(req: SimilarRequest, stack: ModalityStack, src, modality, roles: list[str], pixels: list,
                          ex_areas: list, why: str, left_out: str, out: str, areas: AreaCalculator, area: Window, progress,
                          is_cancelled, exemplars: tuple = ()) -> SimilarResult:
    """find_similar by band values: pixels scored against the exemplars' appearance model, regions of exemplar-like
    size kept as objects (:class:`Regions`); ``left_out`` says which exemplars were of no use (empty when all were),
    ``exemplars`` (those used) are not returned as objects."""
    sample = stack.read_sample(Window(0, 0, src.width, src.height), set(roles))
    background = _features(sample, roles)[:, sample.valid]
    model = fit_appearance(np.concatenate(pixels, axis=1), background, roles)
    lo, hi = AREA_RANGE[0] * min(ex_areas), AREA_RANGE[1] * max(ex_areas)
    padded = padded_window(src, area, hi, areas)

    grid = Grid(src.crs, src.grid.window_transform(padded), int(padded.width), int(padded.height))
    tmp = tempfile.mkdtemp(prefix="terraprompt-similar-")
    cls_path, conf_path = os.path.join(tmp, "match.tif"), os.path.join(tmp, "score.tif")
    try:
        cls_w = GeoTiffWriter(cls_path, grid, 1, "uint8", 255, block=req.tiles.stride)
        conf_w = GeoTiffWriter(conf_path, grid, 1, "uint8", None, block=req.tiles.stride)

        def process(wins):
            res = []
            for w in wins:
                bs = stack.read(Window(w.col_off + padded.col_off, w.row_off + padded.row_off, w.width, w.height), set(roles))
                res.append(np.stack([model.probability(_features(bs, roles)), bs.valid.astype(np.float32)]))
            return res

        def sink(w, block):
            p, valid = block[0], block[1] >= 0.5
            cls = np.where(p >= req.threshold, 1, 0).astype(np.uint8)
            cls[~valid] = 255
            cls_w.write(w, cls)
            conf_w.write(w, np.clip(p * 100, 0, 100).astype(np.uint8))

        try:
            run_tiled(grid.width, grid.height, process, sink, req.tiles,
                      progress=(lambda v: progress(0.8 * v)) if progress else None, is_cancelled=is_cancelled)
            cls_w.close()
            conf_w.close()
        except BaseException:
            cls_w.abort()
            conf_w.abort()
            raise
        # the polygons take the last fifth of the bar (it stood at 80 % for 90 % of a large raster's run)
        polys = polygonize(cls_path, conf_path, is_cancelled=is_cancelled, confidence_scale=0.01,
                           progress=(lambda f: progress(80.0 + 20.0 * f)) if progress else None)
        regions = Regions(polys, conf_path, grid, src, padded, area, req.threshold, lo, hi, areas, exemplars)

        common = {"source": os.path.basename(req.input), "modality": modality.name, "engine": "exemplars",
                  "model": MODEL_NAME, "model_sha256": "", "prompt": f"like {len(ex_areas)} exemplar(s)"}
        summary = t("{n} exemplar(s), {pixels} pixels, bands {bands}; threshold {threshold}; objects between {lo} and {hi} m² "
                    "kept", n=len(ex_areas), pixels=sum(p.shape[1] for p in pixels), bands=", ".join(roles),
                    threshold=f"{req.threshold:g}", lo=number(lo), hi=number(hi))
        if why:
            summary = t("{why}; {summary}", why=why, summary=summary)
        if left_out:
            summary += separator() + left_out
        # straight outlines keep the size range (else their traced outline) and do not overlap
        written = write_polygons(out, regions, grid, {1: req.label}, common, layer="similar",
                                 description=lambda w: with_area_note(summary + regions.note() + _straight_note(w), src.crs),
                                 extra_fields={"object_id": "int", "score": "float"}, straight={1} if req.straight else (),
                                 straight_range=(lo, hi))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if progress:
        progress(100.0)
    return SimilarResult(out, regions.kept, with_format_notes(with_area_note(
        t("Found {n} similar object(s).", n=regions.kept) + " " + summary + regions.note() + _straight_note(written), src.crs),
        written.notes))


def _straight_note(written: Written) -> str:
    """What keeping straight outlines in the size range and apart changed, as the summary's last parts."""
    note = written.straight_note()
    return "".join(separator() + line for line in note.splitlines())


MARGIN_MAX = 1024
"""Most native pixels the appearance method reads around a search extent to see its objects whole."""
SPLIT_STEP = 5
"""Probability steps (percent) at which a region larger than the size range is cut again."""
SPLIT_MAX_PIXELS = 1 << 24
"""A region whose bounding box holds more pixels is left out uncut (memory)."""
MAX_OVERLAP = 0.3
"""An object sharing more than this fraction of its area with the exemplars is one of them (left out, as the network
method leaves them out)."""


def padded_window(src, area: Window, hi: float, areas: AreaCalculator) -> Window:
    """The search window grown by twice the side of the largest object kept (at most MARGIN_MAX pixels), inside the
    raster: objects crossing an extent's edge are seen whole, not cut there (a 209 m² roof came back as 385 m²)."""
    full = Window(0, 0, src.width, src.height)
    if (area.col_off, area.row_off, area.width, area.height) == (0, 0, src.width, src.height):
        return full
    pixel = pixel_area_m2(areas, src.transform, (src.height, src.width))
    m = int(min(MARGIN_MAX, np.ceil(2 * np.sqrt(hi / max(pixel, 1e-12)))))
    return Window(area.col_off - m, area.row_off - m, area.width + 2 * m, area.height + 2 * m).intersection(full)


class Regions:
    """The appearance method's objects from the polygons of pixels above THRESHOLD: regions within the size range [lo,
    hi] m² are kept; a larger one (several objects merged at a low threshold) is cut at higher probabilities, every
    SPLIT_STEP percent, until its parts fit, and the parts that fit are kept. Regions reaching an edge of the padded
    window where the raster goes on are never kept whole (their size is unknown), nor are those outside the search
    window ``area`` or lying on the exemplars. Iterates :class:`Polygon` objects with object_id and score."""

    def __init__(self, polys, conf_path: str, grid: Grid, src, padded: Window, area: Window, threshold: float,
                 lo: float, hi: float, areas: AreaCalculator, exemplars) -> None:
        from shapely.geometry import Polygon as ShapelyPolygon
        from shapely.ops import unary_union
        from shapely.prepared import prep

        self.polys, self.conf_path, self.grid, self.lo, self.hi, self.areas = polys, conf_path, grid, lo, hi, areas
        self.is_cancelled = getattr(polys, "is_cancelled", None)
        self.levels = [v for v in range((int(threshold * 100) // SPLIT_STEP + 1) * SPLIT_STEP, 100, SPLIT_STEP)]
        # which edges of the padded window the raster goes on past (top, bottom, left, right)
        self.open = (padded.row_off > 0, padded.row_off + padded.height < src.height,
                     padded.col_off > 0, padded.col_off + padded.width < src.width)
        c0, r0 = area.col_off - padded.col_off, area.row_off - padded.row_off
        xs, ys = grid.transform * (np.array([c0, c0 + area.width, c0 + area.width, c0]),
                                   np.array([r0, r0, r0 + area.height, r0 + area.height]))
        self.view = None if area == padded else prep(ShapelyPolygon(list(zip(xs, ys))))
        self.taken = unary_union(list(exemplars)) if len(exemplars) else None
        self.kept = self.too_large = self.on_exemplars = 0
        self._it = self._objects()

    def __iter__(self) -> "Regions":
        return self

    def __next__(self):
        return next(self._it)

    def note(self) -> str:
        """What the summary adds: regions left out as too large, objects left out as exemplars."""
        notes = []
        if self.too_large:
            notes.append(t("{n} region(s) larger than {hi} m² left out (a higher THRESHOLD may part merged ones)",
                           n=self.too_large, hi=number(self.hi)))
        if self.on_exemplars:
            notes.append(t("{n} object(s) on the exemplars left out", n=self.on_exemplars))
        return "".join(separator() + n for n in notes)

    def _objects(self):
        with rasterio.open(self.conf_path) as conf:
            for poly in self.polys:
                a = self.areas.area_m2(poly.geom, poly.centre)
                win, edges = self._bbox(poly.geom)
                if a > self.hi:
                    parts = list(self._split(poly, conf, win, edges, a / max(poly.pixels, 1)))
                    if not parts and (self.view is None or self.view.intersects(poly.geom)):
                        self.too_large += 1
                    for part in parts:
                        yield from self._keep(part)
                elif a >= self.lo and not any(edges):
                    yield from self._keep(poly)

    def _bbox(self, geom) -> tuple[Window, tuple]:
        """(the grid window around a polygon, which of its edges (top, bottom, left, right) lie on an open edge)."""
        w = window_of_bounds(*geom.bounds, transform=self.grid.transform).round_offsets().round_lengths()
        w = w.intersection(Window(0, 0, self.grid.width, self.grid.height))
        edges = (self.open[0] and w.row_off == 0, self.open[1] and w.row_off + w.height >= self.grid.height,
                 self.open[2] and w.col_off == 0, self.open[3] and w.col_off + w.width >= self.grid.width)
        return w, edges

    def _keep(self, poly):
        """Yield the object when it lies in the search window and not on the exemplars."""
        g = poly.geom
        if self.view is not None and not self.view.intersects(g):
            return
        if self.taken is not None and g.intersects(self.taken) and g.intersection(self.taken).area > MAX_OVERLAP * g.area:
            self.on_exemplars += 1
            return
        self.kept += 1
        poly.attrs = {"object_id": self.kept, "score": round(poly.confidence, 4)}
        yield poly

    def _split(self, poly, conf, win: Window, edges: tuple, px_area: float):
        """The parts of a too-large region that fit the size range when cut at higher probabilities."""
        from ..errors import Cancelled
        from ..vectors import Polygon

        if win.width * win.height > SPLIT_MAX_PIXELS:
            return
        if self.is_cancelled is not None and self.is_cancelled():
            raise Cancelled()
        score = conf.read(1, window=win)
        wtr = self.grid.window_transform(win)
        pending = ~geometry_mask([poly.geom], out_shape=score.shape, transform=wtr)
        parts = np.zeros(score.shape, np.int32)
        n = 0
        for level in self.levels:
            lab, k = ndimage.label(pending & (score >= level))
            if k == 0:
                break
            size = np.bincount(lab.ravel(), minlength=k + 1).astype(np.float64) * px_area
            size[0] = 0
            cut = _edge_labels(lab, edges, k)
            fits = (size >= self.lo) & (size <= self.hi) & ~cut
            fits[0] = False
            ids = np.flatnonzero(fits)
            relabel = np.zeros(k + 1, np.int32)
            relabel[ids] = np.arange(n + 1, n + 1 + len(ids))
            parts = np.where(relabel[lab] > 0, relabel[lab], parts)
            n += len(ids)
            pending = (size > self.hi)[lab]
            if not pending.any():
                break
        if n == 0:
            return
        count = np.bincount(parts.ravel(), minlength=n + 1)
        total = np.bincount(parts.ravel(), weights=score.ravel().astype(np.float64), minlength=n + 1)
        for g, v in region_shapes(parts, wtr, self.is_cancelled):  # GDAL's: the interface runs meanwhile, a cancel stops it
            v = int(v)
            if self.lo <= self.areas.area_m2(g) <= self.hi:
                yield Polygon(g, 1, float(total[v] / count[v]) / 100.0, int(count[v]))


def _edge_labels(lab: np.ndarray, edges: tuple, k: int) -> np.ndarray:
    """(k + 1,) bool: which labels touch the open edges (top, bottom, left, right) of a labelled window."""
    out = np.zeros(k + 1, bool)
    for flag, line in zip(edges, (lab[0], lab[-1], lab[:, 0], lab[:, -1])):
        if flag:
            out[line] = True
    out[0] = False
    return out


def search_window(src, extent: Optional[tuple]) -> Window:
    """The raster window (native pixels, rounded outwards) to search: the whole raster, or its part inside ``extent``."""
    from .encoder import clip_window

    if extent is None:
        return Window(0, 0, src.width, src.height)
    try:
        return clip_window(src, window_of_bounds(*extent, transform=src.transform))
    except InputError as exc:
        raise InputError(t("The search extent lies outside the raster."),
                         t("Choose an extent over the raster (in the panel: pan the map over it), or search the whole "
                           "raster.")) from exc


def _network_engine(method: str, src) -> tuple[object, str]:
    """(the promptable network or None, why the appearance method runs instead). 'auto' uses the network when its files
    verify, its card's find_similar.auto says so (from `make eval-interactive`) and the raster's pixels are within its
    reach (at most encoder.UPSAMPLE_UP_TO times its working pixel: at 10 m it returned round blobs all over farmland
    for lake exemplars); 'network' always, so a broken model file is reported."""
    if method == "appearance":
        return None, ""
    from ..errors import ModelError
    from ..raster import pixel_size_m
    from .encoder import UPSAMPLE_UP_TO
    from .network import NetworkEngine

    if method == "network":
        return NetworkEngine(device="auto"), ""
    try:
        engine = NetworkEngine(device="auto")
    except ModelError as exc:
        return None, t("appearance method: the promptable network is not usable ({why})", why=exc.problem)
    if not engine.card.get("find_similar", {}).get("auto", False):
        return None, t("appearance method: the promptable network's card does not enable it")
    gsd, native = engine.working_gsd_m, pixel_size_m(src.grid)
    if gsd and native > UPSAMPLE_UP_TO * gsd:
        return None, t("appearance method: {pixel} m pixels are too coarse for the promptable network (trained at {trained} m; "
                       "up to {limit} m)", pixel=f"{native:.3g}", trained=f"{gsd:g}", limit=f"{UPSAMPLE_UP_TO * gsd:g}")
    return engine, ""


def _find_with_network(req: SimilarRequest, engine, src, modality, geoms: list, left_out: str, out: str, areas: AreaCalculator,
                       area: Window, progress, is_cancelled, ex_areas: Optional[list] = None) -> SimilarResult:
    """find_similar with the promptable network (similar_objects.py): masks decoded where the embedding resembles the
    exemplars ``geoms`` (those with valid pixels on the raster, :func:`exemplar_pixels`, ``ex_areas`` the areas of their
    parts on valid pixels); ``left_out`` says which exemplars were of no use (empty when all were)."""
    from ..vectors import Polygon
    from .cache import EmbeddingCache
    from .objects import mask_to_geometry
    from .similar_objects import similar_objects

    cache = EmbeddingCache(req.cache_dir, req.cache_max_bytes, memory_items=4) if req.cache_dir != "" else None
    found, note, clicks = similar_objects(src, modality, engine, geoms, req.threshold, areas, cache=cache, area=area,
                                          progress=(lambda v: progress(0.9 * v)) if progress else None,
                                          is_cancelled=is_cancelled, exemplar_areas=ex_areas)
    polys = []
    for mask, transform, score in found:
        g = mask_to_geometry(mask, transform)
        if g is not None:
            polys.append(Polygon(g, 1, score, int(mask.sum()), {"object_id": len(polys) + 1, "score": score}))
    common = {"source": os.path.basename(req.input), "modality": modality.name, "engine": "exemplars",
              "model": engine.name, "model_sha256": engine.sha256, "prompt": f"like {len(geoms)} exemplar(s)"}
    summary = t("{n} exemplar(s); {note}; threshold {threshold}", n=len(geoms), note=note, threshold=f"{req.threshold:g}")
    if left_out:
        summary += separator() + left_out
    size_range = (AREA_RANGE[0] * min(ex_areas), AREA_RANGE[1] * max(ex_areas)) if ex_areas else (0.0, 0.0)
    written = write_polygons(out, iter(polys), src.grid, {1: req.label}, common, layer="similar",
                             description=lambda w: with_area_note(summary + _straight_note(w), src.crs),
                             extra_fields={"object_id": "int", "score": "float"}, straight={1} if req.straight else (),
                             straight_range=size_range)
    if progress:
        progress(100.0)
    found_text = t("Found {n} similar object(s).", n=len(polys)) + " " + summary + _straight_note(written)
    return SimilarResult(out, len(polys), with_format_notes(with_area_note(found_text, src.crs), written.notes), clicks)
