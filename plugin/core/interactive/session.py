"""An interactive session: encode a window once, decode every prompt, grow the window when the object is cut.

Prompts are given in map coordinates of the raster's CRS (the GUI and the
Processing algorithm transform them from the project/layer CRS first). When the
decoded mask touches a side of the encoded window that is not the raster's
edge, the window grows on that side, is encoded (or taken from the cache) and
the prompts are decoded again, so objects larger than the view are not cut.
With ``encode=False`` a decode never encodes: it stops at the first window that
is not encoded yet and returns what it has, marked incomplete, so an interactive
caller can show it at once and finish with :meth:`InteractiveSession.run` in a
background task.

A session may start from a mask instead of from nothing (a text candidate the
analyst refines, :meth:`InteractiveSession.set_base`): positive prompts then add
the region the engine decodes for them, and each negative click removes the
region the engine decodes when it is taken as the object (the positive clicks
and a point inside the base competing with it). Only ``engine.decode`` is used,
so this works for every engine; undo/redo step through the clicks as usual.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import numpy as np
from rasterio.transform import Affine
from rasterio.windows import Window

from ..errors import PromptError
from ..messages import t
from ..raster import RasterSource, window_of_bounds
from .cache import EmbeddingCache
from .encoder import EncodedWindow, clip_window, encode_window, raster_scaling
from .prompts import Prompt, PromptHistory


@dataclass
class DecodeResult:
    """A decoded mask on the encoded grid of ``window`` (``transform`` maps its pixels to raster-CRS)."""

    mask: np.ndarray
    score: float
    transform: Affine
    window: Window
    grown: int = 0
    complete: bool = True
    """False when the window has to grow (be encoded) before the mask is whole: call ``run()`` to finish it."""
    cut_by_view: bool = False
    """True when the mask touches the edge of a rendered view (a web layer) that could not be widened: it is cut."""

    @property
    def empty(self) -> bool:
        return not bool(self.mask.any())


@dataclass
class BaseMask:
    """A starting mask on the encoded grid of a window (its transform maps pixels to raster-CRS)."""

    mask: np.ndarray
    transform: Affine
    window: Window
    score: float
    _geometry: object = None

    def on(self, enc: EncodedWindow) -> np.ndarray:
        """The mask on another encoded grid (the same pixels when the grid is the same)."""
        if enc.window == self.window and tuple(enc.shape) == self.mask.shape and enc.transform == self.transform:
            return self.mask
        from rasterio.features import rasterize

        if self._geometry is None:
            from .objects import mask_to_geometry

            self._geometry = mask_to_geometry(self.mask, self.transform)
        if self._geometry is None:
            return np.zeros(tuple(enc.shape), dtype=bool)
        return rasterize([(self._geometry, 1)], out_shape=tuple(enc.shape), transform=enc.transform, fill=0,
                         dtype="uint8").astype(bool)


def _anchor(mask: np.ndarray) -> Optional[tuple[float, float]]:
    """(col, row) of the mask pixel farthest from its border, or None for an empty mask."""
    if not mask.any():
        return None
    from scipy import ndimage

    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    crop = mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    d = ndimage.distance_transform_edt(np.pad(crop, 1))[1:-1, 1:-1]
    r, c = np.unravel_index(int(np.argmax(d)), d.shape)
    return float(cols[0] + c + 0.5), float(rows[0] + r + 0.5)


def on_raster(source: RasterSource, x: float, y: float) -> bool:
    """Whether a point (raster-CRS x, y) lies on one of the raster's pixels."""
    col, row = ~source.transform * (x, y)
    return 0 <= col < source.width and 0 <= row < source.height


def _detect(source: RasterSource):
    """The raster's modality when it can be told (band roles help SAM pick RGB and SAR become dB), else None."""
    try:
        from ..modalities import detect_modality

        return detect_modality(source)
    except Exception:  # an unrecognised band layout is fine here: every band is used as it is
        return None


class InteractiveSession:
    """Encode once, decode per prompt, with undo/redo and window growth."""

    def __init__(self, source: RasterSource, window: Optional[Window] = None, resolution: Optional[float] = None,
                 engine=None, cache: Optional[EmbeddingCache] = None, bands: Optional[Sequence[int]] = None,
                 modality=None, grow: bool = True, max_grow: int = 4, max_window: int = 16384,
                 rendered: bool = False, widen: Optional[Callable[[], RasterSource]] = None) -> None:
        if engine is None:
            from .classical import ClassicalEngine

            engine = ClassicalEngine()
        if modality is None:
            modality = _detect(source)
        self.source = source
        self.window = clip_window(source, window or Window(0, 0, source.width, source.height))
        self.resolution = resolution
        self.engine = engine
        self.cache = cache
        self.bands = list(bands) if bands else engine.select_bands(source.count, modality)
        self.modality = modality
        self.grow = grow
        self.max_grow = max_grow
        self.max_window = max_window
        self.rendered = rendered or widen is not None
        """The source is a rendered view (a web layer): its edges are the map view's, not the data's."""
        self.widen = widen
        """For a rendered view (a web layer, whose edges are the map view's, not the data's): a function rendering a
        larger extent around it, called once (in a task) when a mask touches the rendering's edge."""
        self.history = PromptHistory()
        self.encoded: Optional[EncodedWindow] = None
        self.last: Optional[DecodeResult] = None
        self.base: Optional[BaseMask] = None

    # ------------------------------------------------------------- encoding
    def needs_encoding(self) -> bool:
        """True when the current window is not encoded yet (the next decode would encode it)."""
        return self.encoded is None or self.encoded.window != self.window

    def encode(self) -> EncodedWindow:
        """Encode the current window (no-op when it is already encoded)."""
        if self.encoded is None or self.encoded.window != self.window:
            self.encoded = encode_window(self.source, self.window, self.engine, self.resolution, self.bands, self.cache, self.modality)
        return self.encoded

    def set_window(self, window: Window) -> None:
        """Move/resize the encoded window (encoded lazily on the next decode)."""
        self.window = clip_window(self.source, window)

    # ------------------------------------------------------------- starting mask
    def set_base(self, mask: np.ndarray, transform: Affine, window: Window, score: float = 1.0) -> DecodeResult:
        """Start the object from a mask on the encoded grid of ``window`` (e.g. a text candidate); clicks then edit it."""
        self.history.clear()
        if window != self.window:
            self.set_window(window)
        self.base = BaseMask(np.asarray(mask, dtype=bool), transform, self.window, float(score))
        return self.run()

    def prompt_type(self) -> str:
        """How the current object was prompted: 'points', 'box', 'box+points', 'text' or 'text+points' ..."""
        if self.base is None:
            return self.history.prompt_type()
        return "text" if not len(self.history) else "text+" + self.history.prompt_type()

    # ------------------------------------------------------------- prompts
    def add_point(self, x: float, y: float, positive: bool = True, encode: bool = True) -> DecodeResult:
        """Add a click (raster-CRS coordinates) and decode (without encoding a new window when ``encode`` is False)."""
        p = Prompt.point(x, y, positive)
        self._check_point(p)
        self._check_spread(p)
        self.history.add(p)
        return self.run(encode)

    def add_box(self, xmin: float, ymin: float, xmax: float, ymax: float, encode: bool = True) -> DecodeResult:
        """Add (or replace) the box prompt and decode (without encoding a new window when ``encode`` is False)."""
        p = Prompt.box(xmin, ymin, xmax, ymax)
        self._check_box(p)
        self._check_spread(p)
        self.history.add(p)
        return self.run(encode)

    def undo(self, encode: bool = True) -> Optional[DecodeResult]:
        """Undo the last prompt and decode what remains (None, and no mask, when no positive click, box or starting mask
        remains: negative clicks alone make no object)."""
        self.history.undo()
        return self.run(encode) if self._has_object() else self._empty()

    def redo(self, encode: bool = True) -> Optional[DecodeResult]:
        """Redo the last undone prompt and decode (None, and no mask, as for :meth:`undo`)."""
        self.history.redo()
        return self.run(encode) if self._has_object() else self._empty()

    def _has_object(self) -> bool:
        """Whether the prompts make an object: a positive click, a box or a starting mask."""
        return self.history.n_positive > 0 or self.history.box() is not None or self.base is not None

    def tiny_box(self, xmin: float, ymin: float, xmax: float, ymax: float) -> bool:
        """Whether a box (raster-CRS) spans less than 2 raster pixels each way: too small to outline anything, a click
        (counted in pixels, so on rotated grids too: a 90° grid's ``a`` and ``e`` are 0)."""
        span = window_of_bounds(min(xmin, xmax), min(ymin, ymax), max(xmin, xmax), max(ymin, ymax), self.source.transform)
        return span.width < 2 and span.height < 2

    def far_from_window(self, x: float, y: float) -> bool:
        """Whether a point (raster-CRS) lies farther from the current window than the window's size: a prompt there
        belongs to another place (the view was panned away), better encoded on its own than by growing this window."""
        col, row = ~self.source.transform * (x, y)
        w = self.window
        dx = max(w.col_off - col, col - (w.col_off + w.width), 0.0)
        dy = max(w.row_off - row, row - (w.row_off + w.height), 0.0)
        return dx > w.width or dy > w.height

    def clear(self) -> None:
        """Forget every prompt and the starting mask (the encoding is kept)."""
        self.history.clear()
        self.base = None
        self.last = None

    def run(self, encode: bool = True) -> DecodeResult:
        """Decode the prompts in the history (growing the window when the mask is cut by it)."""
        pts = self.history.points()
        xy = np.array([p.coords for p in pts], dtype=np.float64).reshape(-1, 2)
        labels = np.array([1 if p.positive else 0 for p in pts], dtype=np.int64)
        box = self.history.box()
        self.decode(xy, labels, box.coords if box else None, encode)
        return self.last

    def decode(self, points, labels, box=None, encode: bool = True) -> tuple[np.ndarray, float]:
        """Mask and score for points (raster-CRS x, y) with labels 1/0 and an optional box (xmin, ymin, xmax, ymax).

        With ``encode=False`` nothing new is encoded: the result (``self.last``) is then the mask on the last encoded
        window, marked incomplete, when the prompts or the grown mask need a window that is not encoded yet.
        """
        points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        labels = np.asarray(labels).reshape(-1)
        if points.shape[0] != labels.shape[0]:
            raise PromptError(t("Every point needs a label (1 positive, 0 negative)."), t("Give as many labels as points."))
        for (x, y), l in zip(points, labels):
            self._check_point(Prompt.point(x, y, bool(l)))
        if box is not None:
            self._check_box(Prompt.box(*box))
        if not (labels > 0).any() and box is None and self.base is None:
            raise PromptError(t("There is no positive click and no box."), t("Click inside the object (left click) or drag a box around it."))
        self._include_prompts(points, box)
        grown, done = 0, None
        while True:
            if not encode and self.needs_encoding():
                break
            enc = self.encode()
            px = enc.to_pixel(points)
            bx = None
            if box is not None:
                c = enc.to_pixel(np.array([[box[0], box[1]], [box[2], box[3]]]))
                bx = np.array([c[:, 0].min(), c[:, 1].min(), c[:, 0].max(), c[:, 1].max()])
            if self.base is None:
                mask, score = self.engine.decode(enc.features, px, labels, bx)
                mask = np.asarray(mask, dtype=bool) & enc.valid
                added = mask
            else:
                mask, score, added = self._edit_base(enc, px, labels, bx)
            done = DecodeResult(mask, float(score), enc.transform, enc.window, grown)
            sides = self._cut_sides(added)
            if self.grow and self._view_cut(added):  # cut by the rendered view: widened (in a task), else flagged
                if self.widen is None or grown >= self.max_grow:
                    done.cut_by_view = True
                elif not encode:
                    done.complete = False
                    break
                else:
                    self._widen()
                    grown += 1
                    continue
            if not sides or not self.grow or grown >= self.max_grow or not self._grow(sides):
                break
            grown += 1
        if self.needs_encoding():  # stopped before a window that is not encoded yet
            done = self._unfinished(done)
        self.last = done
        return done.mask, done.score

    def _edit_base(self, enc: EncodedWindow, px: np.ndarray, labels: np.ndarray, bx) -> tuple[np.ndarray, float, np.ndarray]:
        """(mask, score, added part): the base plus what positive prompts decode, minus what each negative click decodes."""
        base = self.base.on(enc) & enc.valid
        added = np.zeros_like(base)
        score = self.base.score
        pos, neg = labels > 0, labels <= 0
        if pos.any() or bx is not None:
            add, s = self.engine.decode(enc.features, px, labels, bx)
            added = np.asarray(add, dtype=bool) & enc.valid
            score = (score + float(s)) / 2
        mask = base | added
        if neg.any():
            anchor = _anchor(base & ~added) if pos.any() else _anchor(base)
            rivals = [px[pos]] + ([np.array([anchor])] if anchor is not None else [])
            rivals = np.vstack(rivals).reshape(-1, 2)
            for q in px[neg]:
                # the region under the negative click, taken as the object, competing with the positives and the base's core
                pts = np.vstack([q[None], rivals])
                lab = np.array([1] + [0] * len(rivals), dtype=np.int64)
                cut, _ = self.engine.decode(enc.features, pts, lab, None)
                cut = np.asarray(cut, dtype=bool)
                if anchor is not None and cut.any():
                    # what the engine calls the base's core object (the anchor against the click) is protected:
                    # the engines that do not split space between competing seeds (networks) then cut no more
                    keep, _ = self.engine.decode(enc.features, np.vstack([[anchor], q[None]]), np.array([1, 0]), None)
                    cut &= ~np.asarray(keep, dtype=bool)
                mask &= ~cut
        return mask, score, added

    # ------------------------------------------------------------- checks and growth
    def _check_point(self, p: Prompt) -> None:
        """Raise PromptError for a click outside the raster, or a positive click on nodata."""
        col, row = ~self.source.transform * p.coords
        if not on_raster(self.source, *p.coords):
            raise PromptError(
                t("The click at ({x}, {y}) lies outside the raster '{name}'.", x=f"{p.coords[0]:.6g}", y=f"{p.coords[1]:.6g}",
                  name=self.source.path.split("/")[-1]),
                t("Click inside the raster; prompts are transformed to the raster's CRS, so check the layer's CRS too."))
        if p.positive:
            data = self.source.read(window=Window(int(col), int(row), 1, 1), bands=self.bands[:1])
            if np.ma.getmaskarray(data).all() or self._no_measurement(np.asarray(data.data)):
                raise PromptError(
                    t("The click at ({x}, {y}) is on a nodata pixel.", x=f"{p.coords[0]:.6g}", y=f"{p.coords[1]:.6g}"),
                    t("Click on valid image pixels inside the object."))

    def _no_measurement(self, raw: np.ndarray) -> bool:
        """True when raw values are no measurement under the raster's scaling (:func:`~.encoder.raster_scaling`, fitted
        once per raster), which the encoder leaves out too: 0 in SAR read in linear units (the zero fill of GRD swath
        borders), reflectance below REFLECTANCE_FLOOR (an undeclared -9999 fill)."""
        scaling = raster_scaling(self.source, self.modality)
        empty = None if scaling is None else scaling.no_measurement(raw)
        return bool(empty is not None and empty.all())

    def _check_box(self, p: Prompt) -> None:
        """Raise PromptError for a box that does not overlap the raster."""
        b = self.source.grid.bounds()
        x0, y0, x1, y1 = p.coords
        if x1 <= b[0] or x0 >= b[2] or y1 <= b[1] or y0 >= b[3]:
            raise PromptError(t("The box lies outside the raster."), t("Drag the box over the raster; check the layer's CRS."))

    def _check_spread(self, p: Prompt) -> None:
        """Raise PromptError when the window holding the prompts and ``p`` would be wider than ``max_window`` pixels
        (prompts of two places: encoding all between them would take long and blur the object)."""
        pts = [q.coords for q in self.history.points()]
        box = self.history.box()
        if p.kind == "box":
            box = p
        else:
            pts.append(p.coords)
        xy = np.array(pts, dtype=np.float64).reshape(-1, 2)
        self._include_prompts(xy, box.coords if box is not None else None, apply=False)

    def _include_prompts(self, points: np.ndarray, box, apply: bool = True) -> None:
        """Grow the window so every prompt is inside it (with a margin); PromptError when it would be wider than
        ``max_window`` pixels (``apply`` False: only check)."""
        xy = points
        if box is not None:
            xy = np.vstack([xy, [[box[0], box[1]], [box[2], box[3]]]])
        if not len(xy):
            return
        inv = ~self.source.transform
        cols, rows = inv * (xy[:, 0], xy[:, 1])
        cols, rows = np.asarray(cols), np.asarray(rows)
        w = self.window
        inside = (cols >= w.col_off) & (cols < w.col_off + w.width) & (rows >= w.row_off) & (rows < w.row_off + w.height)
        if inside.all():
            return
        margin = 32
        c0 = min(w.col_off, cols.min() - margin)
        r0 = min(w.row_off, rows.min() - margin)
        c1 = max(w.col_off + w.width, cols.max() + margin)
        r1 = max(w.row_off + w.height, rows.max() + margin)
        new = clip_window(self.source, Window(c0, r0, c1 - c0, r1 - r0))
        if max(new.width, new.height) > max(self.max_window, w.width, w.height):
            raise PromptError(
                t("The prompts lie too far apart to be encoded together ({size} pixels across, at most {most}).",
                  size=int(max(new.width, new.height)), most=self.max_window),
                t("Finish the current object first (Enter accepts it, Esc clears it), then prompt the next one."))
        if apply and new != w:
            self.window = new

    def _cut_sides(self, mask: np.ndarray) -> set[str]:
        """Sides of the encoded window the mask touches where the raster goes on."""
        if not mask.any():
            return set()
        w, src = self.window, self.source
        sides = set()
        if mask[0].any() and w.row_off > 0:
            sides.add("top")
        if mask[-1].any() and w.row_off + w.height < src.height:
            sides.add("bottom")
        if mask[:, 0].any() and w.col_off > 0:
            sides.add("left")
        if mask[:, -1].any() and w.col_off + w.width < src.width:
            sides.add("right")
        return sides

    def _view_cut(self, mask: np.ndarray) -> bool:
        """Whether the mask touches an edge of the window that is an edge of a rendered view (a web layer's rendering
        ends where the map view did, not where the data does)."""
        if not self.rendered or not mask.any():
            return False
        w, src = self.window, self.source
        return bool((mask[0].any() and w.row_off <= 0) or (mask[-1].any() and w.row_off + w.height >= src.height)
                    or (mask[:, 0].any() and w.col_off <= 0) or (mask[:, -1].any() and w.col_off + w.width >= src.width))

    def _widen(self) -> None:
        """Take the larger rendering around the view (once) and put the window on the same ground in it."""
        widen, self.widen = self.widen, None
        x0, y0, x1, y1 = self._window_bounds()
        src = widen()
        inv = ~src.transform
        c0, r0 = inv * (x0, y1)
        c1, r1 = inv * (x1, y0)
        self.source, self.encoded = src, None
        self.window = clip_window(src, Window(min(c0, c1), min(r0, r1), abs(c1 - c0), abs(r1 - r0)))

    def _window_bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the current window in raster-CRS."""
        w, tr = self.window, self.source.transform
        xs, ys = zip(*(tr * (c, r) for c in (w.col_off, w.col_off + w.width) for r in (w.row_off, w.row_off + w.height)))
        return min(xs), min(ys), max(xs), max(ys)

    def _grow(self, sides: set[str]) -> bool:
        """Extend the window by half its size on each cut side; False when it cannot grow any more."""
        w = self.window
        if max(w.width, w.height) >= self.max_window:
            return False
        dx, dy = max(64, w.width // 2), max(64, w.height // 2)
        c0 = w.col_off - (dx if "left" in sides else 0)
        r0 = w.row_off - (dy if "top" in sides else 0)
        c1 = w.col_off + w.width + (dx if "right" in sides else 0)
        r1 = w.row_off + w.height + (dy if "bottom" in sides else 0)
        new = clip_window(self.source, Window(c0, r0, c1 - c0, r1 - r0))
        if new == w:
            return False
        self.window = new
        return True

    def _unfinished(self, partial: Optional[DecodeResult]) -> DecodeResult:
        """The mask decoded so far (empty on the last encoded window when none), marked incomplete."""
        if partial is not None:
            return DecodeResult(partial.mask, partial.score, partial.transform, partial.window, partial.grown, complete=False)
        enc = self.encoded
        if enc is None:  # nothing encoded yet
            return DecodeResult(np.zeros((0, 0), bool), 0.0, self.source.transform, self.window, 0, complete=False)
        return DecodeResult(np.zeros(enc.valid.shape, bool), 0.0, enc.transform, enc.window, 0, complete=False)

    def _empty(self) -> Optional[DecodeResult]:
        self.last = None
        return None
