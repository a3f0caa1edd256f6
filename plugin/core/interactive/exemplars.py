"""Find similar: objects that look like the analyst's exemplar polygons, anywhere in a raster.

An appearance model is fitted on the exemplars' pixels (per-band mean and spread
of the physical band values, one diagonal Gaussian) against a background model
fitted on a sample of the whole scene. Every pixel gets the posterior probability
of "looks like the exemplars" (log-likelihood ratio through a logistic), streamed
tile by tile; pixels above THRESHOLD form candidate objects, which are merged
across tiles and kept when their area is close to the exemplars' (shape prior).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from rasterio.features import geometry_mask
from rasterio.windows import Window

from ..errors import InputError
from ..messages import number, separator, t
from ..modalities import resolve_modality
from ..layer_settings import LayerSettings
from ..raster import Grid, check_has_valid_pixels, open_raster, reads_cancellable, window_of_bounds
from ..stack import ModalityStack, make_layer
from ..tiling import TileSpec, run_tiled
from ..vectors import AreaCalculator, polygonize, write_polygons
from ..writers import GeoTiffWriter, VECTOR_OUTPUT_EXTENSIONS, check_output_path

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


def exemplar_pixels(stack: ModalityStack, src, roles: list[str], exemplars: list,
                    areas: AreaCalculator) -> tuple[list, list, list]:
    """(band features of the valid pixels inside each usable exemplar, its area in m², the usable exemplars): an exemplar
    off the raster or on nodata alone is left out; refuses fewer than 4 pixels in all."""
    full = Window(0, 0, src.width, src.height)
    pixels, ex_areas, used = [], [], []
    overlapping = unplaced = 0
    for geom in exemplars:
        if geom is None or geom.is_empty or geom.area == 0:
            continue
        if not all(np.isfinite(geom.bounds)):  # coordinates the layer's CRS could not place
            unplaced += 1
            continue
        win = window_of_bounds(*geom.bounds, transform=src.transform).round_offsets().round_lengths()
        win = Window(int(win.col_off) - 1, int(win.row_off) - 1, int(win.width) + 2, int(win.height) + 2)
        try:
            win = win.intersection(full)
        except Exception:  # rasterio raises WindowError when they do not overlap
            continue
        overlapping += 1
        bs = stack.read(win, set(roles))
        inside = ~geometry_mask([geom], out_shape=bs.valid.shape, transform=src.grid.window_transform(win)) & bs.valid
        if inside.sum() >= 1:
            pixels.append(_features(bs, roles)[:, inside])
            ex_areas.append(areas.area_m2(geom))
            used.append(geom)
    if unplaced and not overlapping:
        raise _outside_raster()
    if not pixels or sum(p.shape[1] for p in pixels) < 4:
        raise InputError(t("The exemplar polygons cover fewer than 4 valid pixels of the raster."),
                         t("Draw exemplars over the raster, each at least a few pixels large."))
    return pixels, ex_areas, used


@reads_cancellable
def find_similar(req: SimilarRequest, progress: Optional[Callable[[float], None]] = None,
                 is_cancelled: Optional[Callable[[], bool]] = None) -> SimilarResult:
    """Write polygons of objects similar to the exemplars; nothing is left behind on error or cancel."""
    _check_request(req)
    src = open_raster(req.input, layer=req.layers.get(req.input))
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
        return _find_with_network(req, engine, src, modality, used, left_out, out, areas, area, progress, is_cancelled)
    return _find_with_appearance(req, stack, src, modality, roles, pixels, ex_areas, why, left_out, out, areas, area,
                                 progress, is_cancelled)


def _find_with_appearance(req: SimilarRequest, stack: ModalityStack, src, modality, roles: list[str], pixels: list,
                          ex_areas: list, why: str, left_out: str, out: str, areas: AreaCalculator, area: Window, progress,
                          is_cancelled) -> SimilarResult:
    """find_similar by band values: pixels scored against the exemplars' appearance model, regions of exemplar-like
    size kept as objects; ``left_out`` says which exemplars were of no use (empty when all were)."""
    sample = stack.read_sample(Window(0, 0, src.width, src.height), set(roles))
    background = _features(sample, roles)[:, sample.valid]
    model = fit_appearance(np.concatenate(pixels, axis=1), background, roles)

    grid = Grid(src.crs, src.grid.window_transform(area), int(area.width), int(area.height))
    tmp = tempfile.mkdtemp(prefix="terraprompt-similar-")
    cls_path, conf_path = os.path.join(tmp, "match.tif"), os.path.join(tmp, "score.tif")
    try:
        cls_w = GeoTiffWriter(cls_path, grid, 1, "uint8", 255, block=req.tiles.stride)
        conf_w = GeoTiffWriter(conf_path, grid, 1, "uint8", None, block=req.tiles.stride)

        def process(wins):
            res = []
            for w in wins:
                bs = stack.read(Window(w.col_off + area.col_off, w.row_off + area.row_off, w.width, w.height), set(roles))
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
        lo, hi = AREA_RANGE[0] * min(ex_areas), AREA_RANGE[1] * max(ex_areas)
        kept = []

        def candidates():
            # the polygons take the last fifth of the bar (it stood at 80 % for 90 % of a large raster's run)
            for poly in polygonize(cls_path, conf_path, is_cancelled=is_cancelled, confidence_scale=0.01,
                                   progress=(lambda f: progress(80.0 + 20.0 * f)) if progress else None):
                a = areas.area_m2(poly.geom)
                if lo <= a <= hi:
                    poly.attrs = {"object_id": len(kept) + 1, "score": round(poly.confidence, 4)}
                    kept.append(a)
                    yield poly

        common = {"source": os.path.basename(req.input), "modality": modality.name, "engine": "exemplars",
                  "model": MODEL_NAME, "model_sha256": "", "prompt": f"like {len(ex_areas)} exemplar(s)"}
        summary = t("{n} exemplar(s), {pixels} pixels, bands {bands}; threshold {threshold}; objects between {lo} and {hi} m² "
                    "kept", n=len(ex_areas), pixels=sum(p.shape[1] for p in pixels), bands=", ".join(roles),
                    threshold=f"{req.threshold:g}", lo=number(lo), hi=number(hi))
        if why:
            summary = t("{why}; {summary}", why=why, summary=summary)
        if left_out:
            summary += separator() + left_out
        write_polygons(out, candidates(), grid, {1: req.label}, common, layer="similar", description=summary,
                       extra_fields={"object_id": "int", "score": "float"}, straight={1} if req.straight else ())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if progress:
        progress(100.0)
    return SimilarResult(out, len(kept), t("Found {n} similar object(s).", n=len(kept)) + " " + summary)


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
                       area: Window, progress, is_cancelled) -> SimilarResult:
    """find_similar with the promptable network (similar_objects.py): masks decoded where the embedding resembles the
    exemplars ``geoms`` (those with valid pixels on the raster, :func:`exemplar_pixels`); ``left_out`` says which
    exemplars were of no use (empty when all were)."""
    from ..vectors import Polygon
    from .cache import EmbeddingCache
    from .objects import mask_to_geometry
    from .similar_objects import similar_objects

    cache = EmbeddingCache(req.cache_dir, req.cache_max_bytes, memory_items=4) if req.cache_dir != "" else None
    found, note, clicks = similar_objects(src, modality, engine, geoms, req.threshold, areas, cache=cache, area=area,
                                          progress=(lambda v: progress(0.9 * v)) if progress else None,
                                          is_cancelled=is_cancelled)
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
    write_polygons(out, iter(polys), src.grid, {1: req.label}, common,
                   layer="similar", description=summary, extra_fields={"object_id": "int", "score": "float"}, straight={1} if req.straight else ())
    if progress:
        progress(100.0)
    return SimilarResult(out, len(polys), t("Found {n} similar object(s).", n=len(polys)) + " " + summary, clicks)
