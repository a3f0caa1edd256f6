"""Batch prompts: many objects (points and boxes per object_id) segmented in one run, written as polygons and a raster.

Each object is decoded in a window around its prompts, snapped to a grid so that
nearby objects share encodings (held in memory and in the on-disk cache, so a
second run on the same raster encodes nothing); windows grow when an object is
cut by them. Prompts arrive in the raster's CRS (the algorithm transforms them).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Optional

import numpy as np
from rasterio.features import rasterize
from rasterio.windows import Window

from ..errors import Cancelled, InputError, PromptError
from ..messages import number, separator, t
from ..outlines import pixel_side
from ..layer_settings import LayerSettings
from ..raster import open_raster, reads_cancellable
from ..vectors import with_area_note
from ..writers import GeoTiffWriter, VECTOR_OUTPUT_EXTENSIONS, check_output_path, remove_quietly, with_format_notes
from .cache import EmbeddingCache
from .encoder import TILE, bands_line, scale_caution, tile_for
from .engines import load_engine
from .objects import AcceptedObject, free_of, make_object, mask_to_geometry, write_objects
from .session import InteractiveSession, on_raster



@dataclass
class PromptObject:
    """The prompts of one object in raster-CRS coordinates: points (x, y, positive) and an optional box."""

    object_id: int
    points: list[tuple[float, float, bool]] = field(default_factory=list)
    box: Optional[tuple[float, float, float, float]] = None
    box_parts: list[tuple[float, float, float, float]] = field(default_factory=list)
    """The bounding box of each box feature of this object_id (``box`` is their common bounding box)."""

    @property
    def n_positive(self) -> int:
        return sum(1 for p in self.points if p[2])

    @property
    def n_negative(self) -> int:
        return sum(1 for p in self.points if not p[2])

    def prompt_type(self) -> str:
        has_pts = bool(self.points)
        return "box+points" if self.box and has_pts else ("box" if self.box else "points")


@dataclass
class SegmentRequest:
    """Inputs of :func:`segment_prompts`."""

    input: str
    objects: list[PromptObject]
    output_vector: str
    output_raster: Optional[str] = None
    model: str = "classical"
    device: str = "auto"
    class_name: str = "object"
    window_size: int = TILE
    cache_dir: Optional[str] = None  # None: the default cache folder; "": no disk cache
    cache_max_bytes: Optional[int] = None  # None: the cap recorded in the cache folder, else the default
    straight: bool = False  # right-angled outlines (buildings) for the polygons and the id raster drawn from them
    no_overlap: bool = False  # each object (in object_id order) leaves out what the objects before it cover
    layers: dict[str, LayerSettings] = field(default_factory=dict)
    """What the analyst set in QGIS on input layers that their files do not say (CRS, nodata), by file path."""
    vector_inputs: list[str] = field(default_factory=list)
    """The files of the prompt layers (POINTS, BOXES): an output that would overwrite one is refused."""
    without_geometry: list[int] = field(default_factory=list)
    """The object_id of each prompt feature that had no geometry (left out; said in the report)."""


@dataclass
class SegmentResult:
    """What was written and what was skipped (with reasons)."""

    output_vector: str
    output_raster: Optional[str]
    objects: int
    skipped: list[str]
    report: str
    object_ids: tuple[int, ...] = ()
    """The ids written (the values of OUTPUT_RASTER besides 0)."""


def _group_window(src, obj: PromptObject, size: int) -> Window:
    """The tile of the shared grid around the prompts (nearby objects share it; encode_image precomputes it)."""
    xy = [(p[0], p[1]) for p in obj.points]
    if obj.box:
        xy += [(obj.box[0], obj.box[1]), (obj.box[2], obj.box[3])]
    inv = ~src.transform
    cr = np.array([inv * p for p in xy])
    return tile_for(src, cr[:, 0], cr[:, 1], size)


@reads_cancellable
def segment_prompts(req: SegmentRequest, progress: Optional[Callable[[float], None]] = None,
                    is_cancelled: Optional[Callable[[], bool]] = None) -> SegmentResult:
    """Segment every object of the request and write the polygons (and the object-id raster)."""
    progress = progress or (lambda v: None)
    is_cancelled = is_cancelled or (lambda: False)
    src = open_raster(req.input, expand_palette="always", layer=req.layers.get(req.input))  # a class map's regions too
    inputs = [req.input, *req.vector_inputs]
    out_vec = check_output_path(req.output_vector, inputs, VECTOR_OUTPUT_EXTENSIONS)
    out_ras = check_output_path(req.output_raster, inputs, (".tif", ".tiff")) if req.output_raster else None
    if not req.objects and req.without_geometry:
        raise PromptError(t("The {n} prompt feature(s) have no geometry.", n=len(req.without_geometry)),
                          t("Digitise the prompts (or fix the coordinates a CSV was imported with) and run again."))
    if not req.objects:
        raise PromptError(t("There are no prompts."), t("Give a point layer with object_id and positive fields, or boxes with object_id."))
    if out_ras:
        _check_raster_ids(req.objects)
    engine, report = load_engine(req.model, req.device)
    modality = None
    try:
        from ..modalities import detect_modality

        modality = detect_modality(src)
    except Exception:  # band roles only help SAM pick RGB; the classical engine uses every band
        modality = None
    cache = None
    if req.cache_dir != "":
        try:
            cache = EmbeddingCache(req.cache_dir, req.cache_max_bytes, memory_items=6)
        except OSError:
            cache = None
    accepted: list[AcceptedObject] = []
    skipped: list[str] = []
    notes: list[str] = [t("{n} prompt feature(s) without geometry left out (object_id {ids})", n=len(req.without_geometry),
                          ids=", ".join(str(i) for i in sorted(set(req.without_geometry))))] if req.without_geometry else []
    objects = sorted(req.objects, key=lambda o: o.object_id)
    for i, obj in enumerate(objects):
        if is_cancelled():
            raise Cancelled()
        unplaced = _unplaced(obj)
        if unplaced:
            skipped.append(t("object {id}: {reason}", id=obj.object_id, reason=unplaced))
            continue
        notes += _spread_notes(src, obj, req.window_size)
        # a negative point off the raster excludes nothing: dropped (a positive one there is refused with the object)
        kept = [p for p in obj.points if p[2] or on_raster(src, p[0], p[1])]
        if len(kept) < len(obj.points):
            notes.append(t("object {id}: {n} negative point(s) outside the raster ignored", id=obj.object_id,
                           n=len(obj.points) - len(kept)))
            obj = replace(obj, points=kept)
        if obj.n_positive == 0 and obj.box is None:
            skipped.append(t("object {id}: no positive point and no box", id=obj.object_id))
            continue
        session = InteractiveSession(src, _group_window(src, obj, req.window_size), engine=engine, cache=cache, modality=modality)
        try:
            pts = np.array([(p[0], p[1]) for p in obj.points], dtype=np.float64).reshape(-1, 2)
            labels = np.array([1 if p[2] else 0 for p in obj.points], dtype=np.int64)
            session.decode(pts, labels, obj.box)
        except (PromptError, InputError) as exc:
            skipped.append(t("object {id}: {reason}", id=obj.object_id, reason=exc.problem.rstrip(".")))
            continue
        res = session.last
        geom = mask_to_geometry(res.mask, res.transform, straight=req.straight, crs=src.crs)
        if geom is None:
            skipped.append(t("object {id}: nothing was found at its prompts", id=obj.object_id)
                           + (t(" (far apart? give each object its own object_id)") if obj.n_positive > 1 else ""))
            continue
        missed = _positives_outside(geom, obj, pixel_side(src.transform))
        if missed:
            notes.append(t("object {id}: {n} of its {m} positive points lie outside its outline (far apart? give each "
                           "object its own object_id)", id=obj.object_id, n=missed, m=obj.n_positive))
        accepted.append(make_object(geom, src.crs, obj.object_id, req.class_name, res.score, obj.n_positive,
                                    obj.n_negative, obj.prompt_type(), engine.label, engine.sha256, req.input))
        notes += _parts_notes(geom, obj, pixel_side(src.transform))
        progress(100.0 * (i + 1) / len(objects) * 0.9)
    if is_cancelled():  # a cancel during the last object
        raise Cancelled()
    if req.no_overlap:  # in object_id order: each leaves out what the objects before it cover
        accepted, dropped = free_of(accepted, "", src.crs, pixel_side(src.transform))
        skipped += [t("object {id}: it lies on objects before it", id=o.attrs["object_id"]) for o in dropped]
        if is_cancelled():
            raise Cancelled()
    elif out_ras:
        notes += _overlap_notes(accepted, pixel_side(src.transform))
    if not accepted:
        raise PromptError(t("No object could be segmented: {reasons}.", reasons=separator().join(skipped[:5]) + ("…" if len(skipped) > 5 else "")),
                          t("Put the points inside the raster on valid pixels (check the layers' CRS) and mark them positive=1."))
    # the id raster first, kept in its temporary file until the polygons are written too: a cancel or error
    # leaves no output (and no folder made for them) behind
    if is_cancelled():
        raise Cancelled()
    writer = _write_id_raster(out_ras, src.grid, accepted, is_cancelled) if out_ras else None
    try:
        lost = write_objects(out_vec, accepted, src.crs)  # what a Shapefile or GeoJSON lost, in words
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if writer is not None:
        try:
            writer.commit()
        except BaseException:
            writer.abort()
            remove_quietly(out_vec)
            raise
    progress(100.0)
    hits = (t(", encodings (already cached: {hits}, newly encoded: {misses})", hits=cache.hits, misses=cache.misses)
            if cache is not None else "")
    done = (t("{n} object segmented with {engine} on {device}", n=1, engine=engine.label, device=report) if len(accepted) == 1
            else t("{n} objects segmented with {engine} on {device}", n=len(accepted), engine=engine.label, device=report))
    left = (t("; {n} object skipped: {reasons}", n=1, reasons=skipped[0]) if len(skipped) == 1
            else t("; {n} objects skipped: {reasons}", n=len(skipped), reasons=separator().join(skipped)))
    text = (done + hits
            + separator() + bands_line(src, engine, modality)  # which bands the engine read (the network: three)
            + "".join(separator() + c for c in [scale_caution(src, engine)] if c)
            + (left if skipped else "")
            + "".join(separator() + n for n in notes) + ".")
    text = with_format_notes(with_area_note(text, src.crs), lost)  # a local grid's areas are measured flat; a format's losses
    return SegmentResult(out_vec, out_ras, len(accepted), skipped, text, tuple(int(o.attrs["object_id"]) for o in accepted))


def _unplaced(obj: PromptObject) -> str:
    """Why an object cannot be placed on the raster ('' when it can): a positive point or its box has coordinates the
    prompt layer's CRS could not transform (UTM metres in a layer labelled EPSG:4326)."""
    if any(p[2] and not (np.isfinite(p[0]) and np.isfinite(p[1])) for p in obj.points):
        return t("a positive point lies outside the raster (check the layer's CRS)")
    if obj.box is not None and not np.all(np.isfinite(obj.box)):
        return t("the box lies outside the raster (check the layer's CRS)")
    return ""


def _spread_notes(src, obj: PromptObject, window: int) -> list[str]:
    """Notes on an object_id whose prompts look like two objects: several box features (merged into their common
    bounding box), or prompts in groups further apart than half a decode window (one object_id copied onto two roofs
    gave one object over the whole raster, or nothing)."""
    notes = []
    if len(obj.box_parts) > 1:
        notes.append(t("object {id}: its {n} box features were merged into their common bounding box", id=obj.object_id,
                       n=len(obj.box_parts)))
    inv = ~src.transform
    pieces = [_pixel_box(inv, (x, y, x, y)) for x, y, positive in obj.points if positive]
    pieces += [_pixel_box(inv, b) for b in (obj.box_parts or ([obj.box] if obj.box else []))]
    gap = _largest_gap(pieces)
    if gap > window / 2:
        notes.append(t("object {id}: its prompts lie {n} pixels apart, more than half a decode window of {window} pixels: two "
                       "objects under one object_id? Give each object its own object_id", id=obj.object_id,
                       n=number(gap), window=window))
    return notes


def _pixel_box(inv, box: tuple) -> tuple[float, float, float, float]:
    """A CRS box (xmin, ymin, xmax, ymax) as (col0, row0, col1, row1) in pixels."""
    c0, r0 = inv * (box[0], box[1])
    c1, r1 = inv * (box[2], box[3])
    return min(c0, c1), min(r0, r1), max(c0, c1), max(r0, r1)


def _largest_gap(boxes: list, most: int = 2000) -> float:
    """The longest link needed to join all the pixel boxes (single linkage), in pixels: 0 when they touch one another,
    large when they form groups far apart (Prim's minimum spanning tree in numpy, O(n²); above ``most`` boxes, on an
    evenly spaced sample of them)."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if len(b) > most:
        b = b[np.linspace(0, len(b) - 1, most).astype(int)]
    if len(b) < 2:
        return 0.0

    def dist(k: int, rest: np.ndarray) -> np.ndarray:
        dx = np.maximum(0.0, np.maximum(b[k, 0], b[rest, 0]) - np.minimum(b[k, 2], b[rest, 2]))
        dy = np.maximum(0.0, np.maximum(b[k, 1], b[rest, 1]) - np.minimum(b[k, 3], b[rest, 3]))
        return np.hypot(dx, dy)

    rest = np.arange(1, len(b))  # the boxes not joined yet, and their distance to the joined ones
    near = dist(0, rest)
    largest = 0.0
    while len(rest):
        j = int(np.argmin(near))
        largest = max(largest, float(near[j]))
        k = rest[j]
        rest, near = np.delete(rest, j), np.delete(near, j)
        near = np.minimum(near, dist(k, rest))
    return largest


def _positives_outside(geom, obj: PromptObject, pixel: float) -> int:
    """How many positive points of an object its outline misses by more than a pixel (prompts of two objects under
    one object_id, or too far apart for one decoded window)."""
    from shapely.geometry import Point

    near = geom.buffer(pixel)
    return sum(1 for x, y, positive in obj.points if positive and not near.contains(Point(x, y)))


def _parts_notes(geom, obj: PromptObject, pixel: float) -> list[str]:
    """A note when an object's outline has several separate parts that each hold positive points (roofs closer than half
    a decode window given one object_id are decoded as one multipart object)."""
    from shapely.geometry import MultiPoint

    parts = list(getattr(geom, "geoms", [geom]))
    positives = [(x, y) for x, y, positive in obj.points if positive]
    if len(parts) < 2 or len(positives) < 2:
        return []
    pts = MultiPoint(positives)
    held = sum(1 for part in parts if part.buffer(pixel).intersects(pts))
    if held < 2:
        return []
    return [t("object {id}: {n} separate parts hold its positive points: several objects under one object_id? Give each "
              "its own object_id", id=obj.object_id, n=held)]


def _overlap_notes(objects: list[AcceptedObject], pixel: float) -> list[str]:
    """A note on how many objects overlap (by at least a pixel) when they are not made free of overlaps: in the id
    raster the lower object_id keeps their shared pixels."""
    from ..vectors import _spatial_index

    geoms = [o.geometry for o in objects]
    query = _spatial_index(geoms)
    overlapping: set[int] = set()
    for k, g in enumerate(geoms):
        for j in query(g):
            if j > k and g.intersection(geoms[j]).area >= pixel * pixel:
                overlapping.update((k, j))
    if not overlapping:
        return []
    return [t("{n} objects overlap; in the id raster their shared pixels go to the lower object_id (tick No overlaps "
              "between objects, NO_OVERLAP, to remove the overlaps)", n=len(overlapping))]


MAX_RASTER_ID = 2 ** 32 - 1
"""The largest object_id the object id raster (uint32, 0 the background) holds."""


def _check_raster_ids(objects: list[PromptObject]) -> None:
    """Refuse object_id values the object id raster cannot hold (0 is its background, it is uint32), before any work."""
    bad = sorted({o.object_id for o in objects if not 1 <= o.object_id <= MAX_RASTER_ID})
    if bad:
        raise PromptError(
            t("object_id {ids} cannot be written to the object id raster, whose values run from 1 to {max} (0 is the "
              "background).", ids=", ".join(str(i) for i in bad[:5]) + ("…" if len(bad) > 5 else ""), max=number(MAX_RASTER_ID)),
            t("Number the objects from 1 to {max}, or leave the object id raster (OUTPUT_RASTER) out to write the polygons "
              "alone.", max=number(MAX_RASTER_ID)))


def _write_id_raster(path: str, grid, objects: list[AcceptedObject], is_cancelled, block: int = 1024) -> GeoTiffWriter:
    """object_id per pixel on the input's grid (0 background), rasterised block by block; returned closed, not yet committed."""
    max_id = max(o.attrs["object_id"] for o in objects)
    dtype = "uint16" if max_id < 65535 else "uint32"
    writer = GeoTiffWriter(path, grid, 1, dtype, nodata=None, descriptions=["object_id"])
    try:
        from shapely.geometry import box as shp_box

        # drawn from the highest object_id down: where objects overlap, the lower object_id wins (as with NO_OVERLAP)
        bounds = [(o.geometry.bounds, o) for o in sorted(objects, key=lambda o: -o.attrs["object_id"])]
        for r0 in range(0, grid.height, block):
            for c0 in range(0, grid.width, block):
                if is_cancelled():
                    raise Cancelled()
                win = Window(c0, r0, min(block, grid.width - c0), min(block, grid.height - r0))
                wtr = grid.window_transform(win)
                x0, y1 = wtr * (0, 0)
                x1, y0 = wtr * (win.width, win.height)
                wb = shp_box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
                shapes_ = [(o.geometry, o.attrs["object_id"]) for b, o in bounds if wb.intersects(shp_box(*b))]
                data = np.zeros((int(win.height), int(win.width)), dtype=dtype)
                if shapes_:
                    data = rasterize(shapes_, out_shape=data.shape, transform=wtr, fill=0, dtype=dtype)
                writer.write(win, data)
        writer.close(commit_now=False)
    except BaseException:
        writer.abort()
        raise
    return writer
