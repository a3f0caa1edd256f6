"""detect_change: BEFORE + AFTER → change probability, binary change, from→to polygons, summary.

The one core function behind ``terraprompt:detect_change`` and the dock's Change
tab. AFTER is aligned onto BEFORE's grid (:mod:`.align`), a method (:mod:`.cva`,
:mod:`.irmad`, :mod:`.logratio`) is fitted on a sample and applied tile by tile
through :func:`run_tiled` (memory independent of raster size), both dates are
mapped into land-cover classes for the from→to change matrix, and a prompt can
keep only some transitions. Outputs are staged next to their destinations and
moved into place together at the end; on error or cancel nothing is left.
"""
from __future__ import annotations

import glob
import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence

import numpy as np
from rasterio.windows import Window

from ..errors import InputError, ModalityError, OutputError
from ..messages import decimal, measure, number, quantity, t
from ..mmu import AreasLike, as_pixel_areas, sieve_changed
from ..modalities import Modality, polarisations, resolve_modality
from ..prefetch import Prefetcher
from ..layer_settings import LayerSettings
from ..raster import (Grid, RasterSource, check_band_spread, check_has_valid_pixels, crs_label, extent_clipped, open_raster,
                      reads_cancellable, window_for_extent, window_text)
from ..runtime import DeviceReport, numpy_device
from ..tiling import TileSpec, run_tiled, sink_within, tiled_span
from ..vectors import TINY_PIXELS, Written, area_note, polygonize, ten_pixels, write_polygons
from ..writers import (GeoTiffWriter, VECTOR_OUTPUT_EXTENSIONS, check_output_path, commit, remove_quietly, temp_path_for,
                       with_bounded_gdal_cache, with_format_notes)
from ..landcover.extract import MAY_BE_FLAT, pixel_areas
from .align import AlignedPair, align_pair, common_window, padded_window
from .dates import read_date
from .methods import choose_method, make_method
from .semantic import (OTHER, ChangePrompt, ClassMaps, build_class_maps, class_label, examples, parse_change_prompt,
                       prompt_accuracy, select_transitions, share_cautions)
from .threshold import CHANGE_COLORS, CHANGE_NODATA, PROB_NODATA, threshold_change

SOURCE = "TerraPrompt"
DEFAULT_THRESHOLD = 0.5
"""The change probability at which a pixel counts as changed when the request sets no threshold (the methods calibrate
their scores so that the scene-adaptive threshold falls there)."""


@dataclass
class ChangeRequest:
    """Everything detect_change needs; paths are plain file paths."""

    before: str
    after: str
    output_probability: Optional[str] = None
    output_change: Optional[str] = None
    output_vector: Optional[str] = None
    modality: str = "auto"
    method: str = "auto"
    prompt: str = ""
    reference_map: Optional[str] = None
    device: str = "auto"
    min_area_m2: float = 0.0
    normalisation: str = "auto"
    threshold: Optional[float] = None  # None: the method's scene-adaptive threshold
    cloud_mask: bool = True  # each date's quality band, else ukis-csmask, when the bands allow
    before_cloud_mask: Optional[str] = None
    """BEFORE's product mask as a file of its own (SCL, QA_PIXEL, Fmask), used instead of a band or the cloud network."""
    after_cloud_mask: Optional[str] = None
    """The same for AFTER."""
    classes: Optional[bool] = None  # from→to land-cover classes; None: when a prompt, reference map or polygons need them
    tiles: TileSpec = field(default_factory=lambda: TileSpec(512, 0, 1))
    layers: dict[str, LayerSettings] = field(default_factory=dict)
    """What the analyst set in QGIS on input layers that their files do not say (CRS, nodata), by file path."""
    extent: Optional[tuple[float, float, float, float]] = None
    """xmin, ymin, xmax, ymax in BEFORE's CRS: the outputs cover only this part of BEFORE (snapped to its pixels); the
    scene fits (co-registration, normalisation, cloud masks, the method, the threshold) stay those of the whole pair."""


@dataclass
class ChangeResult:
    """Outputs, figures and the plain-language summary of a run."""

    output_probability: Optional[str]
    output_change: Optional[str]
    output_vector: Optional[str]
    summary: str
    method: str
    threshold: float
    changed_area_m2: float
    valid_area_m2: float
    from_classes: list[str]
    to_classes: list[str]
    matrix_m2: np.ndarray  # (K_from, K_to) area of changed pixels per transition (after the prompt)
    device: DeviceReport
    dates: tuple[str, str]
    details: dict = field(default_factory=dict)


SEASON_MONTHS = 3
"""Dates at least this many months apart in the year are in different seasons (March and August, 5)."""


def dates_reversed(dates: tuple[str, str]) -> bool:
    """True when both dates are known (ISO) and AFTER is older than BEFORE: probably swapped pickers."""
    return bool(dates[0] and dates[1] and dates[1] < dates[0])


def months_apart(dates: tuple[str, str]) -> int:
    """How many months apart in the year both known dates are (0 to 6; March and August: 5), 0 when one is unknown."""
    if not (dates[0] and dates[1]):
        return 0
    gap = abs(int(dates[0][5:7]) - int(dates[1][5:7]))
    return min(gap, 12 - gap)


def _stage(path: Optional[str]) -> Optional[str]:
    return temp_path_for(path) if path else None


def _checked_outputs(req: ChangeRequest) -> dict[str, Optional[str]]:
    """The output paths by key (prob, change, vector), checked: one chosen at least, right extensions, no input
    overwritten, no two alike; and the request's numbers in range."""
    inputs = [p for p in (req.before, req.after, req.reference_map, req.before_cloud_mask, req.after_cloud_mask) if p]
    if not (req.output_probability or req.output_change or req.output_vector):
        raise OutputError(t("No output was chosen."), t("Choose at least one of the probability, change or polygon outputs."))
    outs = {}
    for key, path, ext in (("prob", req.output_probability, (".tif", ".tiff")), ("change", req.output_change, (".tif", ".tiff")),
                           ("vector", req.output_vector, VECTOR_OUTPUT_EXTENSIONS)):
        outs[key] = check_output_path(path, inputs, ext) if path else None
    chosen = [p for p in outs.values() if p]
    if len(set(chosen)) != len(chosen):
        raise OutputError(t("Two outputs have the same file name."), t("Give each output its own name."))
    if req.min_area_m2 < 0:
        raise InputError(t("MIN_AREA_M2 is negative ({value}).", value=decimal(f"{req.min_area_m2:g}")), t("Use 0 or a positive area in square metres."))
    if req.threshold is not None and not 0 <= req.threshold <= 1:
        raise InputError(t("The threshold {threshold} is outside 0..1.", threshold=decimal(f"{req.threshold:g}")),
                         t("Choose a probability between 0 and 1, or leave it empty."))
    return outs


def check_size_range(req: ChangeRequest, prompt: ChangePrompt) -> None:
    """Refuse, before any work, polygons with a MIN_AREA_M2 above the prompt's maximum: none could be kept (the prompt's own
    minimum is never above its maximum: the prompt parser refuses that)."""
    if not req.output_vector or not prompt.max_area_m2 or req.min_area_m2 <= prompt.max_area_m2:
        return
    raise InputError(t("The minimum area MIN_AREA_M2 ({minimum} m²) is larger than the prompt's maximum ({maximum} m²): "
                       "no polygon could be kept.", minimum=quantity(req.min_area_m2), maximum=quantity(prompt.max_area_m2)),
                     t("Lower MIN_AREA_M2 (the Change tab's Minimum area) to at most {maximum} m², or 0 for no minimum, or "
                       "raise the maximum in the prompt.", maximum=quantity(prompt.max_area_m2)))


def check_maximum_over_pixel(req: ChangeRequest, prompt: ChangePrompt, pixel_m2: float) -> None:
    """Refuse, before the method runs, polygons with a prompt's maximum under one pixel (the smallest, m²): none could be kept."""
    if req.output_vector and 0 < prompt.max_area_m2 < pixel_m2:
        raise InputError(t("The prompt's maximum area ({area} m²) is smaller than one pixel ({pixel} m²): no polygon could be "
                           "kept.", area=quantity(prompt.max_area_m2), pixel=measure(pixel_m2)),
                         t("Give a maximum of at least one pixel in the prompt, or leave the size out."))


def transition_probability(block: np.ndarray, table: np.ndarray, semantic: bool) -> tuple[np.ndarray, Optional[np.ndarray],
                                                                                         Optional[np.ndarray]]:
    """The change probability kept by the prompt's transitions (``table[from, to]``), with the from/to class per pixel
    (None without classes: every pixel is other → other)."""
    kf, kt = table.shape
    prob = np.clip(block[0], 0, 1)
    if not semantic:  # the prompt keeps all, or (checked before) needs classes
        return (prob if table[kf - 1, kt - 1] else np.zeros_like(prob)), None, None
    fr = np.argmax(block[2:2 + kf], axis=0)
    to = np.argmax(block[2 + kf:], axis=0)
    return np.where(table[fr, to], prob, 0).astype(np.float32), fr, to


class ChangeTally:
    """Valid, changed and nodata areas (m²) and the from→to matrices of all and of changed pixels, added block by block."""

    def __init__(self, kf: int, kt: int, area_rows: AreasLike) -> None:
        self.kf, self.kt, self.area_rows = kf, kt, as_pixel_areas(area_rows)
        self.matrix_all = np.zeros((kf, kt))
        self.matrix_changed = np.zeros((kf, kt))
        self.area = {"valid": 0.0, "changed": 0.0, "nodata": 0.0}

    def add(self, w: Window, valid: np.ndarray, changed: np.ndarray, fr: Optional[np.ndarray], to: Optional[np.ndarray]) -> None:
        """Count one block (``fr``/``to`` None: every pixel is other → other)."""
        kf, kt = self.kf, self.kt
        y, x, areas = int(w.row_off), int(w.col_off), self.area_rows
        a_valid = areas.weighted(valid, y, x)
        a_changed = areas.weighted(changed, y, x)
        if fr is not None:
            ra = areas.weights(valid.shape, y, x)
            code_all = fr * kt + to
            self.matrix_all += np.bincount(code_all[valid], ra[valid], kf * kt).reshape(kf, kt)
            self.matrix_changed += np.bincount(code_all[changed], ra[changed], kf * kt).reshape(kf, kt)
        else:
            self.matrix_all[kf - 1, kt - 1] += a_valid
            self.matrix_changed[kf - 1, kt - 1] += a_changed
        self.area["valid"] += a_valid
        self.area["changed"] += a_changed
        self.area["nodata"] += areas.weighted(np.ones(valid.shape, dtype=bool), y, x) - a_valid


def _write_change_polygons(path: str, codes: str, prob_path: str, grid, maps: ClassMaps, semantic: bool, common: dict,
                           min_area_m2: float, max_area_m2: float, summary: str, is_cancelled,
                           progress: Optional[Callable[[float], None]] = None, prompt_text: str = "any change",
                           pixel_m2: float = 0.0, row_areas: Optional[AreasLike] = None) -> str:
    """Polygons of the transition-code raster (1 + from * K_to + to) with their from/to classes and mean probability
    (``progress``: the fraction done, 0..1); returns the summary, with advice when most polygons are isolated pixels
    (also the layer's description; ``prompt_text`` and ``pixel_m2`` make its example) and what the output format lost
    (a Shapefile's text cut, an empty GeoJSON's fields; known once the file is written). The size range applies to whole
    changed areas (``row_areas``: the pixel areas in m²), which are then split by transition: a 16 ha change made
    of 566 transition pieces, each under a 5,000 m² minimum, was dropped whole."""
    if min_area_m2 > 0 or max_area_m2 > 0:
        sieve_changed(codes, min_area_m2, max_area_m2, row_areas, CHANGE_NODATA, is_cancelled)
    kt = len(maps.to_names)
    names = {1 + i * kt + j: (f, to) for i, f in enumerate(maps.from_names) for j, to in enumerate(maps.to_names)}

    def polys():
        for poly in polygonize(codes, prob_path, is_cancelled=is_cancelled, progress=progress):
            f, to = names.get(poly.value, ("", ""))
            poly.attrs = {"mean_probability": round(poly.confidence, 4),
                          "from_class": f if semantic else "", "to_class": to if semantic else ""}
            poly.value = 1  # class_value is the change raster's value; from_class / to_class say the transition
            yield poly

    def described(written: Written) -> str:
        if min_area_m2 or not written.speckled:
            return summary
        return summary + "\n" + t(
            "Polygons: {n} written, {pct} % of them {px} pixels or smaller (isolated pixels): set a minimum area "
            "(MIN_AREA_M2, the Change tab's Minimum area, or in the change of interest, e.g. '{prompt} larger than "
            "{example}') to keep whole changed objects and write far fewer polygons", n=number(written.features), pct=written.tiny_percent, px=TINY_PIXELS,
            prompt=prompt_text, example=ten_pixels(pixel_m2))

    written = write_polygons(path, polys(), grid, {v: "change" for v in names}, common, layer="change", description=described,
                             extra_fields={"mean_probability": "float", "from_class": "str", "to_class": "str",
                                           "method": "str", "date_before": "str", "date_after": "str"})
    return with_format_notes(described(written), written.notes)  # what a Shapefile or an empty GeoJSON lost


@with_bounded_gdal_cache
@reads_cancellable
def detect_change(req: ChangeRequest, progress: Optional[Callable[[float], None]] = None,
                  is_cancelled: Optional[Callable[[], bool]] = None) -> ChangeResult:
    """Detect change between two rasters; on any error or cancel, no output is left behind."""
    prompt = parse_change_prompt(req.prompt)
    before = open_raster(req.before, layer=req.layers.get(req.before))
    after = open_raster(req.after, layer=req.layers.get(req.after))
    outs = _checked_outputs(req)
    check_size_range(req, prompt)
    check_has_valid_pixels(before)
    check_has_valid_pixels(after)
    bmod = resolve_modality(before, req.modality)
    amod = resolve_modality(after, req.modality)
    check_polarisations(bmod, amod)
    masks = tuple(open_raster(p, expand_palette=False, layer=req.layers.get(p)) if p else None
                  for p in (req.before_cloud_mask, req.after_cloud_mask))
    window = extent_window(before, common_window(before, after), req.extent)  # the outputs' part of BEFORE's grid
    pair = align_pair(before, after, bmod, amod, req.normalisation, req.cloud_mask, req.device, masks)  # fitted on all of it
    grid = window_grid(pair.grid, window)
    areas = pixel_areas(grid)  # geodesic, computed once: the size check and the tally
    check_maximum_over_pixel(req, prompt, float(areas.values().min()))
    method_name, method_why = choose_method(req.method, pair)
    method = make_method(method_name, req.device)
    if method_name == "logratio":  # HH/HV are read in VV's/VH's roles: the notes name what the pair holds
        method.polarisations = polarisations(bmod)
    sample = pair.sample()
    method.fit(sample)
    check_read_bands(before, after, bmod, amod, getattr(method, "used", None) or pair.roles)
    threshold = float(req.threshold) if req.threshold is not None else DEFAULT_THRESHOLD
    maps = (build_class_maps(pair.roles, sample, req.reference_map, pair.grid, pair.reflectance, prompt.spec,
                             req.layers.get(req.reference_map or ""), getattr(method, "tiles", None))
            if needs_classes(req, prompt) else no_class_maps())
    table, kept = select_transitions(prompt, maps)
    device = getattr(method, "device_report", None) or numpy_device(req.device)
    read = (read_date(before), read_date(after))
    dates = (read[0].date, read[1].date)
    if progress:
        progress(2.0)

    full, shared = pair.grid, pair.window
    tiles = on_stride(req.tiles, getattr(method, "stride", 1))
    span = tiled_span(window, full.width, full.height, tiles)  # the whole run's tiles over the window: its pixels are the whole run's

    def on_full(w: Window) -> Window:
        """A tile of the span as a window of BEFORE's whole grid."""
        return Window(w.col_off + span.col_off, w.row_off + span.row_off, w.width, w.height)

    kf, kt = len(maps.from_names), len(maps.to_names)
    tags = {"TERRAPROMPT_METHOD": method_name, "TERRAPROMPT_THRESHOLD": f"{threshold:.4f}", "TERRAPROMPT_PROMPT": prompt.label,
            "TERRAPROMPT_BEFORE": os.path.basename(req.before), "TERRAPROMPT_AFTER": os.path.basename(req.after),
            "TERRAPROMPT_DATES": f"{dates[0]}/{dates[1]}"}
    tmpdir = tempfile.mkdtemp(prefix="terraprompt-change-")
    stage = {k: _stage(v) for k, v in outs.items()}
    prob_path = stage["prob"] or os.path.join(tmpdir, "probability.tif")
    codes_path = os.path.join(tmpdir, "transitions.tif")
    writers: list[GeoTiffWriter] = []
    tally = ChangeTally(kf, kt, areas)
    semantic = maps.available or maps.reference is not None
    pad = max(method.context, maps.context if semantic else 0)
    try:
        prob_w = GeoTiffWriter(prob_path, grid, 1, "float32", PROB_NODATA, descriptions=["change probability"], tags=tags)
        writers.append(prob_w)
        change_w = None
        if stage["change"]:
            change_w = GeoTiffWriter(stage["change"], grid, 1, "uint8", CHANGE_NODATA, colormap=CHANGE_COLORS,
                                     descriptions=["change"], tags=tags)
            writers.append(change_w)
        code_w = None
        if stage["vector"]:
            code_w = GeoTiffWriter(codes_path, grid, 1, "uint8", CHANGE_NODATA)
            writers.append(code_w)

        def process(wins):
            res = []
            for w in map(on_full, wins):
                out = np.zeros((2 + (kf + kt if semantic else 0), int(w.height), int(w.width)), dtype=np.float32)
                if not _intersects(w, shared):
                    res.append(out)
                    continue
                big, crop = padded_window(w, pad, full.width, full.height)
                blk = reader.get(big)
                valid = blk.valid[crop]
                if valid.any():
                    out[0] = np.where(valid, method.probability(blk)[crop], 0)
                    out[1] = valid
                    if semantic:
                        fs, ts = maps.scores(blk, full, big)
                        out[2:2 + kf], out[2 + kf:] = fs[(slice(None),) + crop], ts[(slice(None),) + crop]
                        against = maps.against_height(blk, fs, ts)  # built-up → built-up whose height moved the other way
                        if against is not None:
                            out[0][against[crop]] = 0
                res.append(out)
            return res

        def sink(w: Window, block: np.ndarray) -> None:
            valid = block[1] >= 0.5
            prob, fr, to = transition_probability(block, table, semantic)
            prob[~valid] = PROB_NODATA
            prob_w.write(w, prob)
            ch = threshold_change(prob, threshold, valid)
            if change_w:
                change_w.write(w, ch)
            changed = ch == 1
            if code_w:
                code = (np.where(changed, 1 + fr * kt + to, 0) if semantic else changed * np.uint8(kf * kt)).astype(np.uint8)
                code[ch == CHANGE_NODATA] = CHANGE_NODATA
                code_w.write(w, code)
            tally.add(w, valid, changed, fr, to)

        scale = 0.85 if stage["vector"] else 0.98
        with Prefetcher(pair.read) as reader:  # the next tile is read while the method runs on this one
            run_tiled(int(span.width), int(span.height), process, sink_within(window, span, sink), tiles,
                      progress=(lambda p: progress(2.0 + p * scale)) if progress else None, is_cancelled=is_cancelled,
                      prefetch=lambda wins: reader.ahead([padded_window(w, pad, full.width, full.height)[0]
                                                          for w in map(on_full, wins) if _intersects(w, shared)]))
        check_compared(tally.area["valid"], req.extent)
        for wr in writers:
            wr.close()
        writers = []
        own = prompt_accuracy(prompt, method_name, getattr(method, "subset", None))  # the prompt's own held-out figure
        notes = method.explain() + ([own] if own else [])
        summary = make_summary(pair, method_name, method_why, notes, threshold, prompt, kept, maps,
                               tally.matrix_changed, tally.matrix_all, tally.area, dates, device, semantic,
                               req.min_area_m2 if stage["vector"] else 0.0, share_cautions(maps, table, tally.matrix_all),
                               tuple(r.note for r in read if r.note),
                               extent_lines(pair, window if req.extent else None, extent_clipped(before, req.extent)))
        if stage["vector"]:
            common = {"source": f"{os.path.basename(req.before)} → {os.path.basename(req.after)}", "modality": bmod.name,
                      "engine": method_name,
                      "model": getattr(method, "model_name", f"{method_name} (unsupervised, fitted on this pair)"),
                      "model_sha256": getattr(method, "model_sha256", ""),
                      "prompt": prompt.label, "method": method_name,
                      "date_before": dates[0] or None, "date_after": dates[1] or None}  # unknown: NULL
            summary = _write_change_polygons(stage["vector"], codes_path, prob_path, grid, maps, semantic, common,
                                             max(req.min_area_m2, prompt.min_area_m2), prompt.max_area_m2, summary,
                                             is_cancelled, (lambda f: progress(87.0 + 13.0 * f)) if progress else None,
                                             req.prompt.strip() or "any change", float(np.median(tally.area_rows.values())),
                                             tally.area_rows)
        for key in ("prob", "change", "vector"):
            if stage[key]:
                commit(stage[key], outs[key])
    except BaseException:
        for wr in writers:
            wr.abort()
        for key in ("prob", "change", "vector"):
            if stage[key]:
                remove_quietly(stage[key])
        raise
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
        for leftover in glob.glob(os.path.join(tmpdir, "*")):
            remove_quietly(leftover)
    if progress:
        progress(100.0)
    return ChangeResult(outs["prob"], outs["change"], outs["vector"], summary, method_name, threshold, tally.area["changed"],
                        tally.area["valid"], list(maps.from_names), list(maps.to_names), tally.matrix_changed, device, dates,
                        {"report": pair.report, "method_notes": method.explain(), "matrix_all_m2": tally.matrix_all,
                         "nodata_m2": tally.area["nodata"], "prompt": prompt, "transitions": kept})


def on_stride(tiles: TileSpec, stride: int) -> TileSpec:
    """The tiles with their size rounded up and their overlap down to multiples of the method's stride (the network's 8),
    so every tile starts on the stride's grid and the result does not depend on the tile size (Bercy with 100 px tiles:
    26 % of the kept pixels differed from 512 px tiles)."""
    if stride <= 1:
        return tiles
    return replace(tiles, size=stride * math.ceil(tiles.size / stride), overlap=stride * (tiles.overlap // stride))


def check_polarisations(bmod: Modality, amod: Modality) -> None:
    """Refuse a SAR pair whose dates share no polarisation (HH/HV against VV/VH: HH and HV are read in VV's and VH's
    roles, but backscatter of another polarisation differs by several dB everywhere, no change)."""
    bpol, apol = polarisations(bmod), polarisations(amod)
    shared = [r for r in bpol if r in apol]
    if not shared or any(bpol[r] == apol[r] for r in shared):
        return
    said = lambda pol: ", ".join(p.upper() for p in pol.values())  # noqa: E731
    raise ModalityError(t("BEFORE holds {before} and AFTER {after}: backscatter of different polarisations cannot be compared.",
                          before=said(bpol), after=said(apol)),
                        t("Choose two SAR rasters of the same polarisations (both VV/VH or both HH/HV)."))


def check_read_bands(before: RasterSource, after: RasterSource, bmod: Modality, amod: Modality, roles) -> None:
    """Refuse, before any output is written, a band the change method reads that holds one value on either date
    (:func:`~..raster.check_band_spread`; a constant NIR on one date passed without a word); roles that may be flat over a
    scene (SAR over calm water, cirrus) are not checked."""
    checked = [r for r in roles if r not in MAY_BE_FLAT]
    for src, m in ((before, bmod), (after, amod)):
        check_band_spread(src, {r: m.roles[r] for r in checked if r in m.roles})


def needs_classes(req: ChangeRequest, prompt) -> bool:
    """Whether from→to land-cover classes are worth computing: asked for, or needed by the prompt, reference map or polygons."""
    if req.classes is not None:
        return bool(req.classes)
    return prompt.id != "any_change" or bool(req.reference_map) or bool(req.output_vector)


def no_class_maps() -> ClassMaps:
    """Class maps that put every pixel in 'other' on both dates (classes not computed)."""
    return ClassMaps([OTHER], [OTHER], notes=[t("Land cover: from/to classes not computed (no prompt, reference map or "
                                                "polygon output needs them); every changed pixel counts as other → other")])


def extent_window(before: RasterSource, common: Window, extent: Optional[tuple[float, float, float, float]]) -> Window:
    """The window of BEFORE's grid the outputs cover: the extent snapped to BEFORE's pixels, or all of BEFORE; an extent
    with no area, or off the area both dates cover (``common``), refused."""
    if extent is None:
        return Window(0, 0, before.width, before.height)
    try:
        window = window_for_extent(before, extent)  # an extent with no area is refused there
    except InputError:
        if not (extent[2] > extent[0] and extent[3] > extent[1]):
            raise
        window = None  # off BEFORE: said below with the area both dates cover
    if window is None or not _intersects(window, common):
        raise InputError(t("The chosen extent ({extent}) does not overlap the area BEFORE and AFTER both cover ({common}).",
                           extent=bounds_text(extent, before.grid),
                           common=bounds_text(window_grid(before.grid, common).bounds(), before.grid)),
                         t("Pick an extent inside the area both dates cover, or leave the extent empty for the whole pair."))
    return window


def check_compared(valid_m2: float, extent: Optional[tuple[float, float, float, float]]) -> None:
    """Refuse, before any output is put in place, a run that compared no pixel (nodata or masked on one date or the
    other everywhere in the extent, or in the whole pair): its summary said '0.00 % of 0.00 ha compared'."""
    if valid_m2 > 0:
        return
    if extent is not None:
        raise InputError(t("The chosen extent holds no pixel with data on both dates: every pixel is nodata (or masked as "
                           "cloud) in BEFORE or in AFTER."),
                         t("Pick an extent over the data both dates cover, or leave it empty for the whole pair."))
    raise InputError(t("BEFORE and AFTER have no pixel with data on both dates: every pixel is nodata (or masked as cloud) "
                       "in one or the other."),
                     t("Check the nodata values (and cloud masks) of both rasters, or choose rasters that overlap with data."))


def window_grid(grid: Grid, window: Window) -> Grid:
    """The grid of a window of a grid (its part of the grid, same CRS and pixels)."""
    return Grid(grid.crs, grid.window_transform(window), int(window.width), int(window.height))


def bounds_text(bounds: tuple[float, float, float, float], grid: Grid) -> str:
    """Bounds in the grid's CRS as the analyst reads them ('x 500000 to 501000, y 4499000 to 4500000 in EPSG:32633')."""
    x0, y0, x1, y1 = (decimal(f"{v:.10g}") for v in bounds)
    return t("x {xmin} to {xmax}, y {ymin} to {ymax} in {crs}", xmin=x0, xmax=x1, ymin=y0, ymax=y1, crs=crs_label(grid.crs))


def extent_lines(pair: AlignedPair, window: Optional[Window], clipped: bool) -> list[str]:
    """The summary's line on an extent (``window``; None for the whole pair): which part of BEFORE, whether the extent
    was clipped to BEFORE, and that the scene was fitted on the whole pair."""
    if window is None:
        return []
    return [t("Extent: {window}; co-registration, radiometric normalisation, cloud masks, the method's statistics and the "
              "change threshold were fitted on the whole pair, so the extent gets the change a run over the whole pair "
              "gives there; the areas and the change matrix below are the extent's",
              window=window_text(window, pair.grid.width, pair.grid.height, t("BEFORE"), clipped))]


def _intersects(a: Window, b: Window) -> bool:
    return (a.col_off < b.col_off + b.width and b.col_off < a.col_off + a.width
            and a.row_off < b.row_off + b.height and b.row_off < a.row_off + a.height)


def date_order_caution(dates: tuple[str, str]) -> list[str]:
    """The caution line, when AFTER is older than BEFORE, that the run followed the order given ([] otherwise)."""
    if not dates_reversed(dates):
        return []
    return [t("Caution: AFTER ({after}) is older than BEFORE ({before}); 'from' and 'to' classes and prompts such as "
              "{example} follow the order given: swap BEFORE and AFTER if that is not meant.",
              before=dates[0], after=dates[1], example=examples("new buildings"))]


def make_summary(pair: AlignedPair, method: str, why: str, notes: list[str], threshold: float, prompt, kept: str,
                 maps: ClassMaps, changed: np.ndarray, all_: np.ndarray, area: dict, dates: tuple[str, str],
                 device: DeviceReport, semantic: bool, min_area_m2: float = 0.0, cautions: tuple = (),
                 date_notes: tuple = (), extent: Sequence[str] = ()) -> str:
    """The plain-language summary: alignment, method, threshold, areas and the change matrix (``min_area_m2``: the
    request's MIN_AREA_M2; ``cautions``: from the dates' class shares, said before the matrix; ``date_notes``: why a
    date is unknown; ``extent``: the lines on an extent, after the alignment); swapped dates are its first line."""
    label = t(prompt.label)
    lines = date_order_caution(dates)
    lines.append(t("Change: {label} (from {via}); {kept}", label=label, via=prompt.via, kept=kept) if prompt.text
                 else t("Change: {label}; {kept}", label=label, kept=kept))
    lines += [t("Prompt: {note}", note=n) for n in prompt.notes]
    if prompt.min_area_m2 or prompt.max_area_m2:
        lines.append(t("Polygons from the prompt's size: {range}", range=" ".join(
            ([f"≥ {quantity(prompt.min_area_m2)} m²"] if prompt.min_area_m2 else []) + ([f"≤ {quantity(prompt.max_area_m2)} m²"] if prompt.max_area_m2 else []))))
    if min_area_m2 > prompt.min_area_m2:
        lines.append(t("Polygons of changed areas of at least {m2} m² (minimum area, MIN_AREA_M2; an area is kept whole, split "
                       "by transition); the change raster and the areas below keep every changed pixel", m2=number(min_area_m2)))
    if dates[0] or dates[1]:
        lines.append(t("Dates: {before} → {after}", before=dates[0] or t("unknown"), after=dates[1] or t("unknown")))
    lines += [t("Dates: {note}", note=n) for n in date_notes]
    if months_apart(dates) >= SEASON_MONTHS:
        lines.append(t("Caution: BEFORE ({before}) and AFTER ({after}) are {months} months apart in the year: vegetation, "
                       "crops, water and snow change with the season, so part of this change may be seasonal; compare "
                       "images of the same time of year where you can.", before=dates[0], after=dates[1],
                       months=months_apart(dates)))
    lines += [t("Alignment: {note}", note=r) for r in pair.report]
    lines += list(extent)
    lines.append(t("Method: {method} — {why}", method=method, why=why))
    lines += [f"  {n}" for n in notes]
    lines.append(t("Change threshold on the probability: {threshold}", threshold=number(threshold, 2)))
    lines.append(t("Device: {device}", device=device))
    pct = 100.0 * area["changed"] / area["valid"] if area["valid"] else 0.0
    lines.append(t("Changed area: {m2} m² = {ha} ha = {pct} % of {valid_ha} ha compared", m2=number(area["changed"]),
                   ha=number(area["changed"] / 1e4, 2), pct=number(pct, 2), valid_ha=number(area["valid"] / 1e4, 2)))
    lines.append(t("Nodata (outside the common extent or masked): {ha} ha", ha=number(max(area["nodata"], 0.0) / 1e4, 2)))
    planar = area_note(pair.grid.crs)  # a local grid's areas are measured flat: said with the areas
    if planar:
        lines.append(planar)
    lines += [f"  {n}" for n in maps.notes]
    lines += [t("Caution: {note}", note=n) for n in cautions]
    if semantic:
        to_names = [class_label(n) for n in maps.to_names]
        lines.append(t("Change matrix (changed area in ha, rows = BEFORE class, columns = AFTER class):"))
        lines.append("  " + t("from \\ to").ljust(22) + "".join(n[:14].rjust(15) for n in to_names))
        for i, fname in enumerate(maps.from_names):
            cells = "".join(number(changed[i, j] / 1e4, 2).rjust(15) for j in range(len(to_names)))
            lines.append("  " + class_label(fname)[:22].ljust(22) + cells)
    return "\n".join(lines)
