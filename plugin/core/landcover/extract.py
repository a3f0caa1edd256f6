"""extract_landcover: prompt → concepts → engine over tiles → class raster, polygons, explanation.

This is the one core function behind the Processing algorithm
``terraprompt:extract_landcover`` and the dock's Land cover tab.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence

import numpy as np
from rasterio.windows import Window

from ..errors import InputError, ModalityError, PromptError
from ..messages import label_in_text, measure, number, percent, quantity, separator, t
from ..mmu import (LOW_CONFIDENCE, AreasLike, PixelAreas, as_pixel_areas, class_area_table, merge_small_regions,
                   merge_undersized, sieve_classes)
from ..modalities import Modality, resolve_modality
from ..prefetch import Prefetcher
from ..prompts import ParsedPrompt, concepts as catalogue, height_range_text, land_cover_map, parse_prompt
from ..quality import ROLE as QA_ROLE, drop_saturated, saturation_level
from ..layer_settings import LayerSettings
from ..raster import (Grid, RasterSource, cell_size, check_band_spread, check_has_valid_pixels, extent_clipped, fill_note,
                      open_raster, pixel_size_m, reads_cancellable, window_for_extent, window_text)
from ..runtime import DeviceReport, numpy_device
from ..scaling import SAR_POLARISATIONS
from ..stack import ModalityStack, make_layer
from ..tiling import TileSpec, run_tiled, sink_within, tiled_span
from ..vectors import TINY_PIXELS, AreaCalculator, Written, polygonize, ten_pixels, write_polygons
from ..writers import (GeoTiffWriter, VECTOR_OUTPUT_EXTENSIONS, check_output_path, class_colormap, folder_removed,
                       with_bounded_gdal_cache)
from .clouds import mostly_cloud_caution
from .height import HeightReading, filter_by_height, read_heights
from .indices import ground_window_px, height_above_ground
from .spectral import (SHADOW_REACH_M, CloudReach, Context, SpectralEngine, cannot_extract, head_unusable, scene_blocks,
                       select_rules, stand_in)

ENGINE_CHOICES = ["auto", "spectral", "network"]
NODATA = 255
SOURCE = "TerraPrompt"


@dataclass
class ExtractRequest:
    """Everything extract_landcover needs; paths are plain file paths."""

    input: str
    prompt: str
    output_raster: str
    output_vector: Optional[str] = None
    modality: str = "auto"
    sar_input: Optional[str] = None
    dsm_input: Optional[str] = None
    engine: str = "auto"
    device: str = "auto"
    extent: Optional[tuple[float, float, float, float]] = None  # xmin, ymin, xmax, ymax in INPUT's CRS
    tiles: TileSpec = field(default_factory=TileSpec)
    straight_outlines: bool = False  # right-angled polygons for the concepts the catalogue marks (buildings)
    cloud_mask_input: Optional[str] = None
    """The product's mask as a file of its own (e.g. its SCL file), used instead of a quality band or the cloud network."""
    layers: dict[str, LayerSettings] = field(default_factory=dict)
    """What the analyst set in QGIS on input layers that their files do not say (CRS, nodata), by file path."""


@dataclass
class ExtractResult:
    """Outputs and the plain-language explanation of a run."""

    output_raster: str
    output_vector: Optional[str]
    explanation: str
    classes: dict[int, str]
    areas_m2: dict[str, float]
    valid_area_m2: float
    engine: str
    device: DeviceReport
    modality: str
    details: dict = field(default_factory=dict)


def row_pixel_areas(grid: Grid, row0: int, rows: int) -> np.ndarray:
    """Geodesic area (m²) of one pixel in each row of a grid, at its centre column (all of the row where its pixels
    have equal area: :func:`pixel_areas`)."""
    r = np.arange(row0, row0 + rows, dtype=np.float64) + 0.5
    return _pixel_box_areas(grid, AreaCalculator(grid.crs), np.full_like(r, grid.width // 2 + 0.5), r)


def _pixel_box_areas(grid: Grid, areas: AreaCalculator, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Geodesic area (m²) of the pixels centred at (cols, rows) (pixel coordinates).

    Measured on a north-up square of the pixel's map-unit area around its centre: the pixel itself on a north-up grid,
    and still the right size on a rotated or sheared one (the box between its opposite corners is not)."""
    half = cell_size(grid.transform) / 2
    xc, yc = grid.transform * (cols, rows)
    return areas.box_areas_m2(xc - half, yc - half, xc + half, yc + half)


ROW_AREA_SPREAD = 1e-3
"""Above this relative spread of the pixel area along a row (its two ends and centre, on the first, middle and last
rows) one area per row is not enough: a lattice of pixel areas is interpolated per pixel (a pole-centred 20 km EPSG:3413
grid was 6.4 % off with one area per row)."""

AREA_LATTICE_NODES = 65
"""Lattice nodes along each side of a grid whose pixel area varies along its rows: bilinear between them the area scale
of a pole-centred 20 km polar stereographic grid (134 km between nodes) is within 1e-4."""


def pixel_areas(grid: Grid) -> PixelAreas:
    """Geodesic area (m²) of every pixel of a grid: one value per row where a row's pixels have (nearly) equal area, else
    a coarse lattice of pixel areas interpolated per pixel."""
    calc = AreaCalculator(grid.crs)
    h, w = grid.height, grid.width
    ends = np.array([0.5, w // 2 + 0.5, w - 0.5])
    probe_rows = np.repeat([0.5, h // 2 + 0.5, h - 0.5], 3)
    probe = _pixel_box_areas(grid, calc, np.tile(ends, 3), probe_rows).reshape(3, 3)
    if np.all(probe.max(axis=1) <= probe.min(axis=1) * (1 + ROW_AREA_SPREAD)):
        return PixelAreas(rows=row_pixel_areas(grid, 0, h))
    ry = np.linspace(0.5, h - 0.5, min(h, AREA_LATTICE_NODES))
    cx = np.linspace(0.5, w - 0.5, min(w, AREA_LATTICE_NODES))
    yy, xx = np.meshgrid(ry, cx, indexing="ij")
    lattice = _pixel_box_areas(grid, calc, xx.ravel(), yy.ravel()).reshape(len(ry), len(cx))
    return PixelAreas(lattice=lattice, lattice_rows=ry, lattice_cols=cx)


NETWORK_WATER = ("flooded_area",)
"""Concepts the land-cover network gives as its water (on one date a flood is water like any other): held-out
Sen1Floods11 half, network water against the flooded-area rules, S2 0.873 vs 0.867, S1 0.750 vs 0.691, S2 + S1 0.869 vs
0.841 (RGB: the network's water already)."""


def network_concepts(concepts: list[str]) -> list[str]:
    """The concepts as the land-cover network is asked for them: flooded area as its water (as they are when water is
    asked for too, which the network would then give twice)."""
    if "water" in concepts:
        return list(concepts)
    return ["water" if c in NETWORK_WATER else c for c in concepts]


def choose_engine(engine: str, concepts: list[str], roles: set[str], reflectance: bool = True) -> tuple[str, str]:
    """Resolve ENGINE=auto to a real engine and say why; ``reflectance`` False (8-bit DN) keeps auto off the network when
    it would read the values as they are (with SWIR)."""
    if engine == "network":
        from .network import network_available

        ok, why = network_available(network_concepts(concepts), roles)
        if not ok:
            raise ModalityError(t("The network engine cannot run: {why}.", why=why), t("Choose the engine 'spectral' or 'auto'."))
        return "network", t("network engine chosen by the analyst")
    if engine == "spectral":
        return "spectral", t("spectral engine chosen by the analyst")
    try:
        from .network import network_available

        ok, why = network_available(network_concepts(concepts), roles, for_auto=True)
    except ImportError:
        ok, why = False, t("no network engine in this installation")
    if ok and not reflectance:
        from .network import reads_values_as_given, uncalibrated_why

        if reads_values_as_given(roles):
            return "spectral", t("auto: spectral priors ({why})", why=uncalibrated_why())
    if ok:
        cat = catalogue()
        labels = ", ".join(label_in_text(t(cat[c]["label"])) if c in cat else c for c in concepts)
        return "network", t("auto: the bundled network covers {concepts} with these bands", concepts=labels)
    return "spectral", t("auto: spectral priors ({why})", why=why)


def synonyms_sufficed(parsed: ParsedPrompt) -> ParsedPrompt:
    """The prompt with its matching method said as synonyms (with spelling guesses or words not understood, when so) when
    the sentence encoder, already loaded by an earlier prompt, was not asked."""
    from ..prompts import encoder_ready, synonyms_method

    if not encoder_ready() or parsed.asked_encoder:  # the method already says how the prompt was matched
        return parsed
    return replace(parsed, method=synonyms_method(parsed.concepts + parsed.excluded, parsed.notes))


def fit_map_to_bands(parsed: ParsedPrompt, roles: set[str], engine: str, pixel_m: Optional[float] = None) -> ParsedPrompt:
    """For a land-cover-map prompt ('everything', 'land cover map'), keep the map's classes that the engine can extract
    from these bands (a stand-in where a class cannot be but its part can: buildings for built-up on a photo, when
    ``pixel_m`` is known) and note the others; other prompts unchanged (each concept must then be extractable)."""
    if not parsed.full_map:
        return parsed
    standing: dict[str, str] = {}
    if engine == "network":
        from .network import network_available

        def can(concept: str) -> bool:
            return network_available([concept], roles)[0]
    else:
        def can(concept: str) -> bool:
            return select_rules(concept, roles, head_unusable(roles, pixel_m)) is not None

        standing = {m.concept: part for m in parsed.concepts for part in [stand_in(m.concept, roles, pixel_m)] if part}
    if standing:
        parsed = replace(parsed, concepts=[replace(m, concept=standing.get(m.concept, m.concept)) for m in parsed.concepts])
    possible = [m.concept for m in parsed.concepts if can(m.concept)]
    cat = catalogue()
    left_out = [label_in_text(t(cat[m.concept]["label"])) for m in parsed.concepts if m.concept not in possible]
    if not possible:
        raise ModalityError(
            t("None of the land-cover map's classes ({classes}) can be extracted from the bands given ({bands}).",
              classes=", ".join(label_in_text(t(cat[m.concept]["label"])) for m in parsed.concepts), bands=", ".join(sorted(roles)) or t("none")),
            t("Give an optical raster (RGB at least; NIR and SWIR for most classes), or name the land covers to extract."))
    notes = list(parsed.notes)
    # a map's class left out by the prompt that these bands cannot give is not in the map anyway: the exclusion is moot
    unable = [m for m in parsed.excluded if m.concept in land_cover_map()["concepts"] and not can(m.concept)]
    if unable:
        notes.append(t("land-cover map: {classes} cannot be told from these bands, so it cannot be left out either: its pixels "
                       "may take the map's other classes", classes=", ".join(label_in_text(t(cat[m.concept]["label"])) for m in unable)))
    spectral_more = engine == "network" and any(
        select_rules(m.concept, roles, head_unusable(roles, pixel_m)) is not None for m in parsed.concepts if m.concept not in possible)
    if left_out and spectral_more:
        notes.append(t("land-cover map: not predicted by the network engine from these bands: {classes} (ENGINE=auto or "
                       "spectral maps more classes)", classes=", ".join(left_out)))
    elif left_out:
        notes.append(t("land-cover map: not possible from these bands: {classes}", classes=", ".join(left_out)))
    for whole, part in standing.items():
        notes.append(t("land-cover map: {part} in place of {whole}, which these bands cannot give",
                       part=label_in_text(t(cat[part]["label"])), whole=label_in_text(t(cat[whole]["label"]))))
    return replace(parsed, concepts=[m for m in parsed.concepts if m.concept in possible], notes=notes, map_complete=not left_out,
                   excluded=[m for m in parsed.excluded if m not in unable])


def map_first(engine, names: list[str]) -> list[int]:
    """Indices of a map's classes that win wherever they reach 0.5 (land_cover_map 'first'): water, when the land-cover
    network gives it (no SWIR), over the RGB rules' vegetation that green water passes; with SWIR the index rules' water
    competes as it is (first there, dark street shadows would beat built-up: OSCD Paris water 10.4 -> 16.1 %)."""
    rules = getattr(engine, "rules", {})
    return [names.index(n) for n in land_cover_map()["first"]
            if n in names and len(names) > 1 and n in rules and "landnet" in rules[n].families()]


def check_bands_fit(parsed: ParsedPrompt, roles: set[str], engine: str = "auto",
                    pixel_m: Optional[float] = None) -> ParsedPrompt:
    """The prompt as a run would take it on these bands (a map: the classes they give), or the ModalityError a run would
    raise because they cannot give its concepts, before any pixel is read (the dock says it as the analyst types). Optimistic about the cloud network, which also needs calibrated
    10-60 m reflectance: no false alarm, and the run still says so when that fails; ``pixel_m`` (when known) decides
    whether the building head can read an RGB photo."""
    from .clouds import available

    parsed = fit_map_to_bands(parsed, roles, engine, pixel_m)
    names = parsed.names + [m.concept for m in parsed.excluded]
    if choose_engine(engine, names, roles)[0] != "spectral":
        return parsed
    unusable = (frozenset() if available(roles)[0] else frozenset({"cloudnet"})) | (
        head_unusable(roles, pixel_m) if pixel_m is not None else frozenset())
    for concept in names:
        if select_rules(concept, roles, unusable) is None:
            raise cannot_extract(concept, roles)
    return parsed


def _make_engine(name: str, concepts: list[str], roles: set[str], device: str, context: Optional[Context] = None):
    if name == "network":
        from .network import NetworkEngine

        return NetworkEngine(network_concepts(concepts), roles, device, pixel_m=context.pixel_m if context is not None else None,
                             quality=context.quality if context is not None else None,
                             reflectance=context.reflectance if context is not None else True)
    return SpectralEngine(concepts, roles, context)


def scene_context(stack: ModalityStack, modality: Modality, device: str) -> Context:
    """Scene facts for the spectral rules: pixel size, product level (cloud network), device, the product's quality band."""
    level = "l2a" if modality.name == "sentinel2_l2a" or stack.primary.scaling.surface else "l1c"
    return Context(pixel_m=pixel_size_m(stack.grid), product_level=level, device=device,
                   reflectance=stack.primary.scaling.reflectance, quality=stack.quality)


def _checked_outputs(req: ExtractRequest) -> tuple[str, Optional[str]]:
    """The raster and (optional) vector output paths, checked: right extension, no input overwritten, not one file."""
    inputs = [p for p in (req.input, req.sar_input, req.dsm_input, req.cloud_mask_input) if p]
    out_raster = check_output_path(req.output_raster, inputs, (".tif", ".tiff"))
    out_vector = check_output_path(req.output_vector, inputs, VECTOR_OUTPUT_EXTENSIONS) if req.output_vector else None
    if out_vector and os.path.abspath(out_vector) == out_raster:
        raise InputError(t("The raster and vector outputs are the same file."), t("Give them different names."))
    return out_raster, out_vector


def _empty_bands(src: RasterSource, modality: Modality, roles: set[str]) -> str:
    """The bands of the run's roles that hold only nodata ('swir1 (band 11) holds only nodata'), for the refusal."""
    empty = [f"{r} ({t('band {band}', band=b)})" for r, b in sorted(modality.roles.items())
             if r in roles and np.ma.getmaskarray(src.sample(bands=[b], max_pixels=50_000)).all()]
    return t("{bands} hold(s) only nodata", bands=", ".join(empty)) if empty else t("their valid pixels do not meet")


def _input_stack(req: ExtractRequest, src: RasterSource, modality: Modality) -> ModalityStack:
    """INPUT with the optional SAR and DSM rasters, each read through its own modality (refused when it clearly holds
    another kind of data than its slot takes), and its cloud mask file."""
    from ..modalities import slot_modality

    inputs = {"input": src}
    for path, name in ((req.sar_input, "sar"), (req.dsm_input, "dsm")):
        if path:
            inputs[name] = open_raster(path, layer=req.layers.get(path))
    secondaries = [make_layer(s, slot_modality(name, inputs, modality)) for name, s in inputs.items() if name != "input"]
    mask = open_raster(req.cloud_mask_input, expand_palette=False, layer=req.layers.get(req.cloud_mask_input)) \
        if req.cloud_mask_input else None  # a mask keeps its values (a paletted or 1-bit mask is no picture)
    return ModalityStack(make_layer(src, modality).with_mask_file(mask), secondaries)


def _tall_concepts(parsed: ParsedPrompt, roles: set[str], cat: dict, terrain: str = "") -> list[str]:
    """The prompt's concepts a height range applies to; refuses a height range with none of them or without heights
    (``terrain``: the words for INPUT's height band left out as terrain elevation, :func:`_terrain_band`)."""
    tall = [n for n in parsed.names if cat[n].get("height_filter")]  # the height range applies to what stands above ground
    if parsed.has_height and not tall:
        raise PromptError(t("A height ({range}) applies to {concepts}; the prompt names none of them.", range=height_range_text(parsed),
                            concepts=", ".join(label_in_text(t(c["label"])) for c in cat.values() if c.get("height_filter"))),
                          t("Name buildings, trees, vegetation or built-up with the height, or remove the height from the prompt."))
    if parsed.has_height and "height" not in roles and terrain:
        raise InputError(t("The prompt filters objects by height ({range}), but no heights are given: {band} is terrain "
                           "elevation (a DEM), not the height of objects above ground, so it is not used as heights.",
                           range=height_range_text(parsed), band=terrain),
                         t("Give a DSM or nDSM of the same place as DSM_INPUT (the DSM box in the dock); if {band} holds the "
                           "surface with its buildings and trees, describe it as 'DSM'; or remove the height from the prompt.",
                           band=terrain))
    if parsed.has_height and "height" not in roles:
        raise InputError(t("The prompt filters objects by height ({range}), but no heights are given.", range=height_range_text(parsed)),
                         t("Give a DSM or nDSM of the same place (DSM_INPUT; the DSM box in the dock), or remove the height from the prompt."))
    return tall


def _terrain_band(stack: ModalityStack, modality: Modality) -> str:
    """The words for INPUT's height band ("band 15 ('DEM')") when the stack left it out as terrain elevation
    (:meth:`~..stack.Layer.with_heights_apart`), else ''."""
    band = modality.roles.get("height")
    if band is None or "height" in stack.primary.modality.roles:
        return ""
    return t("band {band} ('{name}')", band=band, name=stack.primary.band_description(band))


MAY_BE_FLAT = frozenset({"height", "vv", "vh", "hh", "hv", "cirrus", "watervapour", "thermal", "thermal2"})
"""Roles whose band may hold one value over a whole scene (a DSM of flat ground, SAR of calm water, Sentinel-2's cirrus
band zeroed in surface-reflectance exports): not refused by :func:`check_band_spread`."""


def engine_block(engine, w: Window, bs, k: int, height_is_dsm: Optional[bool], pixel_m: float,
                 saturated: Optional[np.ndarray] = None, shadows: Optional["NetworkShadows"] = None) -> np.ndarray:
    """One tile's engine output as a stack: K + E concept scores, cloud, saturated, valid, SAR-only (and height above
    ground); ``saturated``: the pixels made nodata as saturated, ``shadows``: cloud shadows to take water out of. A tile
    without a valid pixel in any layer is not run through the engine (all invalid: a mostly empty mosaic of 60000² px ran
    the engine on each of its empty tiles, an hour)."""
    sat = np.zeros((1, *bs.valid.shape), np.float32) if saturated is None else saturated[None].astype(np.float32)
    if not bs.valid.any() and not any(v.any() for v in bs.role_valid.values()):
        out = np.zeros((len(engine.concepts) + 4 + (height_is_dsm is not None), *bs.valid.shape), np.float32)
        out[len(engine.concepts) + 1] = sat[0]  # scores, excluded, saturated, valid, SAR-only (, height)
        if height_is_dsm is not None:
            out[-1] = np.nan
        return out
    if hasattr(engine, "set_tile"):
        engine.set_tile(w)
    sc = engine.scores(bs)
    ex = engine.excluded(bs, sc, k) if hasattr(engine, "excluded") else None
    ex = np.zeros(bs.valid.shape, bool) if ex is None else ex.astype(bool)
    if shadows is not None:
        sc, ex = shadows.exclude(engine.concepts, sc, ex, shadows.window(w) & bs.valid, k)
    # SAR fused with optical decides alone where the optical image is nodata: those pixels stay valid
    valid = engine.decidable(bs) if hasattr(engine, "decidable") else bs.valid
    so = engine.sar_only(k) if hasattr(engine, "sar_only") else None
    so = np.zeros(bs.valid.shape, np.float32) if so is None else so.astype(np.float32)
    parts = [sc, ex[None].astype(np.float32), sat, valid[None].astype(np.float32), so[None]]
    if height_is_dsm is not None:  # height above ground, NaN where the DSM has no value
        parts.append(height_above_ground(bs.bands["height"], height_is_dsm, pixel_m, valid=bs.valid_for(["height"]))[None])
    return np.concatenate(parts)


class NetworkShadows:
    """ukis-csmask's cloud shadows within SHADOW_REACH_M of its clouds, in a network run that masks the network's own
    clouds (cloud only): its water is taken out of them, as the spectral rules' is (OSCD Paris t2: 23 % of the
    network's water lay in those shadows; cloud chips, 52 % and 90 % in the reference shadows)."""

    def __init__(self, masker, stack: ModalityStack, run_win: Window, levels: Optional[dict[str, float]] = None) -> None:
        self.masker = masker
        self._blocks = scene_blocks(masker, stack, levels)  # saturated pixels are nodata to the cloud network too
        self._reach = CloudReach(self._blocks)
        self._origin = (int(run_win.col_off), int(run_win.row_off))

    def window(self, w: Window) -> np.ndarray:
        """The shadow pixels (shadow the likeliest of clear, cloud and shadow, within SHADOW_REACH_M of a cloud) of a
        tile's window within the run's span."""
        col, row, width, height = int(w.col_off) + self._origin[0], int(w.row_off) + self._origin[1], int(w.width), int(w.height)
        shadow = np.argmax(self._blocks.window(col, row, width, height), axis=0) == 2
        return shadow & self._reach.window(col, row, width, height) if shadow.any() else shadow

    @staticmethod
    def exclude(concepts: list[str], scores: np.ndarray, excluded: np.ndarray, shadow: np.ndarray,
                k: int) -> tuple[np.ndarray, np.ndarray]:
        """The scores with no water in the shadows, and the excluded pixels with the shadows that no other wanted concept
        claims (no evidence there, as under a cloud)."""
        water = [i for i, c in enumerate(concepts) if c == "water"]
        if not water or not shadow.any():
            return scores, excluded
        scores = scores.copy()
        for i in water:
            scores[i][shadow] = 0.0
        claimed = (scores[:k] >= 0.5).any(axis=0) if k else np.zeros(shadow.shape, bool)
        return scores, excluded | (shadow & ~claimed)

    def describe(self) -> str:
        """The rule line."""
        return t("cloud shadows: {model}, within {reach} km of its clouds; water is excluded from them (the network's own "
                 "cloud output has no shadow class), and a shadow pixel no other concept claims is excluded",
                 model=self.masker.describe(caution=False), reach=number(SHADOW_REACH_M / 1000.0)) + (
            "; " + self.masker.narrow_caution() if self.masker.narrow else "")


def network_shadows(engine, ctx: Context, roles: set[str], stack: ModalityStack, run_win: Window,
                    levels: Optional[dict[str, float]] = None) -> Optional[NetworkShadows]:
    """The cloud shadows for a network run whose water its own cloud output masks (no product quality band, no SAR),
    when ukis-csmask can read these bands (calibrated reflectance, 5-120 m pixels); None otherwise. ``levels``: the
    run's saturation levels (:func:`saturation_levels`), nodata to the cloud network."""
    from .clouds import CloudMasker, available
    from .spectral import CLOUDNET_PIXEL_M

    if getattr(engine, "name", "") != "network" or not engine.masks_clouds or engine.qa_masker is not None:
        return None
    if "water" not in engine.concepts or not ctx.reflectance or not available(roles)[0]:
        return None
    if not (CLOUDNET_PIXEL_M[0] <= ctx.pixel_m <= CLOUDNET_PIXEL_M[1]):
        return None
    return NetworkShadows(CloudMasker(roles, ctx.pixel_m, ctx.product_level, ctx.device), stack, run_win, levels)


def saturation_levels(stack: ModalityStack, roles: set[str]) -> dict[str, float]:
    """INPUT's bands this run reads (role -> the value, as read, of their data type's largest value, where a clipped
    band saturates); empty when one of them is floating-point (no ceiling). SAR bands stacked with the optical ones
    (read apart, in dB) are left out, as SAR_INPUT's bands are: saturation is the clipping of the optical bands."""
    layer = stack.primary
    levels = {}
    for role, b in layer.modality.roles.items():
        if role not in roles or role == QA_ROLE or (role in SAR_POLARISATIONS and b in layer.own_scaling):
            continue
        dtype = layer.src.dtypes[b - 1]
        top = saturation_level(dtype)
        if top is None:
            return {}
        scaling = layer.own_scaling.get(b, layer.scaling)  # a height band in metres (Layer.own_scaling)
        levels[role] = float(scaling.apply(np.full((1, 1, 1), top, dtype=dtype))[0, 0, 0])
    return levels


def give_precedence(scores: np.ndarray, first: Sequence[int]) -> np.ndarray:
    """The (K, h, w) class scores with each ``first`` class above every other wherever it reaches 0.5 (the argmax then
    takes it, with its own probability); the scores themselves when there is none."""
    if not len(first):
        return scores
    out = scores.copy()
    for i in first:
        won = scores[i] >= 0.5
        p = scores[i][won]
        out[:, won] = np.minimum(out[:, won], p - np.float32(1e-6))
        out[i, won] = p
    return out


def classify_block(scores: np.ndarray, k: int, valid: np.ndarray, cloudy: np.ndarray, fill: Sequence[int] = (),
                   first: Sequence[int] = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Class per pixel (the best of the K wanted concepts at probability >= 0.5, 0 otherwise or where an excluded concept
    wins, NODATA where invalid or cloudy), its confidence, the valid mask without clouds, and the pixels filled. With
    ``fill`` (indices among the K: a complete land-cover map's filling classes) a pixel no class reaches 0.5 in takes the
    likeliest of those unless an excluded concept is likelier: a map has no holes, and these pixels' confidence is below
    50 %. ``first`` (indices among the K, a map's precedence) win wherever they reach 0.5, whatever else
    does (water over a vegetation index that green water also passes)."""
    inc = give_precedence(scores[:k], first)
    best = np.argmax(inc, axis=0)
    top = np.take_along_axis(inc, best[None], 0)[0]
    cls = np.where(top >= 0.5, best + 1, 0).astype(np.uint8)
    ex_top = scores[k:].max(axis=0) if len(scores) > k else np.zeros_like(top)
    cls[ex_top >= 0.5] = 0
    conf = np.where(cls > 0, top, 1.0 - top)
    filled = np.zeros(cls.shape, bool)
    if len(fill):
        idx = np.asarray(fill)
        f_best = np.argmax(inc[idx], axis=0)
        f_top = np.take_along_axis(inc[idx], f_best[None], 0)[0]
        filled = (cls == 0) & (top < 0.5) & (f_top > ex_top)
        cls[filled] = idx[f_best[filled]] + 1
        conf[filled] = f_top[filled]
    valid = valid & ~cloudy
    cls[~valid] = NODATA
    return cls, conf, valid, filled & valid


class AreaTally:
    """Areas (m²) per class, of nodata, clouds and SAR-only pixels, and confidence sums, added block by block."""

    def __init__(self, k: int, area_rows: AreasLike) -> None:
        self.k, self.area_rows = k, as_pixel_areas(area_rows)
        self.counts = np.zeros(k + 1, dtype=np.float64)  # area m² per class (0 = background)
        self.class_conf = np.zeros((k + 1, 2), dtype=np.float64)  # confidence sum and pixel count per class
        self.class_low = np.zeros(k + 1, dtype=np.float64)  # pixels below LOW_CONFIDENCE per class
        self.nodata = self.cloud = self.sar_only = self.filled = self.saturated = 0.0
        self.conf_sum = self.conf_n = self.low_conf = 0.0

    def add(self, w: Window, cls: np.ndarray, conf: np.ndarray, valid: np.ndarray, cloudy: np.ndarray, sar_only: np.ndarray,
            filled: Optional[np.ndarray] = None, saturated: Optional[np.ndarray] = None) -> None:
        """Count one block (``valid`` without clouds, ``cloudy`` within the valid pixels, ``filled`` the map's pixels that
        took their most likely class below 0.5, ``saturated`` the invalid pixels saturated in every band, not counted as
        nodata)."""
        k = self.k
        y, x = int(w.row_off), int(w.col_off)
        areas = self.area_rows
        # one pass per sum: class areas by area-weighted bincount
        self.counts += np.bincount(cls.ravel(), areas.weights(cls.shape, y, x).ravel(), NODATA + 1)[:k + 1]
        gone = ~valid & ~cloudy
        if saturated is not None:
            self.saturated += areas.weighted(gone & saturated, y, x)
            gone &= ~saturated
        self.nodata += areas.weighted(gone, y, x)
        self.cloud += areas.weighted(cloudy, y, x)
        self.sar_only += areas.weighted(sar_only & valid, y, x)
        if filled is not None:
            self.filled += areas.weighted(filled, y, x)
        cv, kv = conf[valid], cls[valid]
        self.conf_sum += float(cv.sum())
        self.conf_n += float(cv.size)
        self.low_conf += float((cv < LOW_CONFIDENCE).sum())
        self.class_conf[:, 0] += np.bincount(kv, cv, k + 1)[:k + 1]
        self.class_conf[:, 1] += np.bincount(kv, None, k + 1)[:k + 1]
        self.class_low += np.bincount(kv[cv < LOW_CONFIDENCE], None, k + 1)[:k + 1]


class _Writers:
    """The class raster (staged until commit), its confidence and the optional height above ground, written per block."""

    def __init__(self, out_raster: str, grid: Grid, tmpdir: str, block: int, classes: dict[int, str], colors, tags: dict,
                 height: bool) -> None:
        self.classes = self.confidence = self.height = None
        try:
            self.classes = GeoTiffWriter(out_raster, grid, 1, "uint8", NODATA, block=block, colormap=class_colormap(colors),
                                         descriptions=["class"], tags=tags)
            self.confidence = GeoTiffWriter(os.path.join(tmpdir, "confidence.tif"), grid, 1, "uint8", None, block=block,
                                            scratch=True)
            if height:  # height above ground per pixel, for the object filter after the tiles
                self.height = GeoTiffWriter(os.path.join(tmpdir, "height.tif"), grid, 1, "float32", None, block=block,
                                            scratch=True)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Remove whatever was written."""
        for wr in (self.classes, self.confidence, self.height):
            if wr is not None:
                wr.abort()


@with_bounded_gdal_cache
@reads_cancellable
def extract_landcover(req: ExtractRequest, progress: Optional[Callable[[float], None]] = None,
                      is_cancelled: Optional[Callable[[], bool]] = None) -> ExtractResult:
    """Run a land-cover extraction; on any error or cancel, no output is left behind."""
    parsed: ParsedPrompt = synonyms_sufficed(parse_prompt(req.prompt))
    src = open_raster(req.input, layer=req.layers.get(req.input))
    out_raster, out_vector = _checked_outputs(req)
    check_has_valid_pixels(src)
    areas_note = AreaCalculator(src.crs).note  # a local grid's areas are planar (said once); one of unknown unit refused
    modality = resolve_modality(src, req.modality)
    stack = _input_stack(req, src, modality)
    roles = stack.roles()
    cat = catalogue()
    tall = _tall_concepts(parsed, roles, cat, _terrain_band(stack, modality))
    parsed = fit_map_to_bands(parsed, roles, req.engine, pixel_size_m(stack.grid))
    names = parsed.names
    wanted_ids = names + [m.concept for m in parsed.excluded]
    engine_name, engine_why = choose_engine(req.engine, wanted_ids, roles, stack.primary.scaling.reflectance)
    window = window_for_extent(src, req.extent)
    # Scene statistics (thresholds, brightness gain, DSM or nDSM) come from the whole raster, not the extent: an extent
    # then gets the classes the whole run gives there (fitted on a quadrant, the RGB network's vegetation IoU with the
    # whole run fell to 0.36 on a Sen1Floods11 chip).
    scene = Window(0, 0, src.width, src.height)
    ctx = scene_context(stack, modality, req.device)
    ctx.network = req.engine == "auto"  # water then comes from the network, as a 'water' prompt alone gets it
    ctx.extent_px = (int(window.height), int(window.width))
    reading = None
    if "height" in roles:  # one DSM-or-nDSM decision for the height filter and the spectral rules, on local lows
        hs = stack.read_sample(scene, {"height"})
        reading = read_heights(np.where(hs.valid_for(["height"]), hs.bands["height"], np.nan))
        reading = replace(reading, voids=tuple(sorted({*reading.voids, *height_fills(stack)})))
        ctx.height_is_dsm = reading.is_dsm
    engine = _make_engine(engine_name, wanted_ids, roles, req.device, ctx)
    check_band_spread(src, {r: b for r, b in modality.roles.items() if r in engine.needed_roles() and r not in MAY_BE_FLAT})
    # pixels at their data type's maximum in every band (an 8-bit true-colour product's clipped bright surfaces) carry no
    # measurement: nodata for the scene statistics and the tiles, counted apart
    levels = saturation_levels(stack, engine.needed_roles())
    engine.fit(drop_saturated(stack.read_sample(scene, engine.needed_roles()), levels)[0])
    run_win = tiled_span(window, src.width, src.height, req.tiles)  # the extent with the whole run's tiles around it
    if hasattr(engine, "attach_scene"):
        engine.attach_scene(stack, run_win, levels)
    shadows = network_shadows(engine, ctx, roles, stack, run_win, levels)
    device = getattr(engine, "device_report", None) or numpy_device(req.device)

    grid = Grid(src.crs, src.grid.window_transform(window), int(window.width), int(window.height))
    classes = {i + 1: n for i, n in enumerate(names)}
    K = len(names)
    # all that can fail before the tiles comes before any output (a CRS whose areas cannot be measured leaves nothing)
    area_rows = pixel_areas(grid)
    tally = AreaTally(K, area_rows)
    fill = [i for i, n in enumerate(names) if n in land_cover_map()["fill_classes"]] if parsed.map_complete else []
    first = map_first(engine, names) if parsed.full_map else []
    roles_needed = engine.needed_roles() | ({"height"} if parsed.has_height else set())
    height_is_dsm = bool(ctx.height_is_dsm) if parsed.has_height else None
    tmpdir = tempfile.mkdtemp(prefix="terraprompt-")
    try:
        out = _Writers(out_raster, grid, tmpdir, req.tiles.stride, classes, [(k, tuple(cat[n]["color"])) for k, n in classes.items()],
                       {"TERRAPROMPT_CLASSES": ";".join(f"{k}={v}" for k, v in classes.items()),
                        "TERRAPROMPT_PROMPT": parsed.text, "TERRAPROMPT_ENGINE": engine_name}, parsed.has_height)
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise

    def process(wins):
        out_blocks = []
        for w in wins:
            bs, sat = reader.get(w)
            out_blocks.append(engine_block(engine, w, bs, K, height_is_dsm, ctx.pixel_m, sat, shadows))
        return out_blocks

    def sink(w: Window, block: np.ndarray) -> None:
        if out.height is not None:
            out.height.write(w, block[-1])
            block = block[:-1]
        valid, sar_only = block[-2] >= 0.5, block[-1] >= 0.5
        cloudy = (block[-4] >= 0.5) & valid
        cls, conf, valid, filled = classify_block(block[:-4], K, valid, cloudy, fill, first)
        out.classes.write(w, cls)
        out.confidence.write(w, np.clip(conf * 100, 0, 100).astype(np.uint8))
        tally.add(w, cls, conf, valid, cloudy, sar_only, filled, block[-3] >= 0.5)

    def read(w: Window):
        return drop_saturated(stack.read(Window(w.col_off + run_win.col_off, w.row_off + run_win.row_off, w.width, w.height),
                                         roles_needed), levels)

    try:
        with Prefetcher(read) as reader:  # the next tile is read while the engine runs on this one
            run_tiled(int(run_win.width), int(run_win.height), process, sink_within(window, run_win, sink), req.tiles,
                      progress=(lambda p: progress(p * (0.8 if out_vector else 1.0))) if progress else None,
                      is_cancelled=is_cancelled, prefetch=reader.ahead)
        out.confidence.close()
        if out.height is not None:
            out.height.close()
        # The class raster stays in its temporary file until the polygons are written too, so a cancel
        # or error while polygonising leaves the analyst's previous outputs untouched.
        out.classes.close(commit_now=False)
        # regions measured in m² (each row's pixel area), as the polygons are
        size_note = size_against_pixels(parsed.min_area_m2, parsed.max_area_m2, float(area_rows.values().min()),
                                        float(tally.counts.sum()))
        if fill:  # a whole map keeps no holes: small regions merge into their largest neighbour
            # GDAL merges regions of fewer pixels than this, each surely under the minimum (never a large-enough one) ...
            mmu_px = int(np.ceil(parsed.min_area_m2 / float(area_rows.values().max()))) if parsed.min_area_m2 else 0
            removed_px = merge_small_regions(out.classes.tmp, mmu_px, NODATA, tmpdir, is_cancelled)
            # ... and a region still under it in m² (rows of smaller pixels: a geographic CRS) merges into its neighbours
            if parsed.min_area_m2:
                removed_px += merge_undersized(out.classes.tmp, classes, parsed.min_area_m2, area_rows, NODATA, is_cancelled)
            # ... and those too large are dropped (none is left under the minimum to drop)
            removed_px += sieve_classes(out.classes.tmp, classes, 0, is_cancelled, parsed.max_area_m2, area_rows)
        else:
            removed_px = sieve_classes(out.classes.tmp, classes, parsed.min_area_m2, is_cancelled, parsed.max_area_m2, area_rows)
        heights = filter_by_height(out.classes.tmp, out.height.path, [k for k, n in classes.items() if n in tall], parsed.min_height_m,
                                   parsed.max_height_m, is_cancelled) \
            if parsed.has_height else None
        removed_px += heights.removed_px if heights else 0
        if removed_px:
            tally.counts, tally.class_conf, tally.class_low = class_area_table(out.classes.tmp, out.confidence.path, K, area_rows)
        areas = {classes[k]: tally.counts[k] for k in classes}
        valid_area = float(tally.counts.sum())
        top = max(saturation_level(src.dtypes[b - 1]) or 0 for r, b in modality.roles.items() if r in levels) \
            if levels else None
        if valid_area == 0 and tally.cloud == 0 and tally.saturated > 0:  # no measurement anywhere: nothing to classify
            raise InputError(t("Every pixel of '{name}' this run reads is saturated (at {value}, the data type's largest "
                               "value, in every band): there is no measurement to classify.",
                               name=os.path.basename(req.input), value=f"{top or 0:g}"),
                             t("Choose a raster (or an extent) with unsaturated pixels, or export the image again without "
                               "clipping or stretching its values to the data type's largest value."))
        if valid_area == 0 and tally.cloud == 0 and req.extent is not None:  # the whole raster was checked before
            raise InputError(t("The chosen extent holds only nodata pixels of '{name}'.", name=os.path.basename(req.input)),
                             t("Pick an extent over the raster's data, or leave it empty for the whole layer."))
        if valid_area == 0 and tally.cloud == 0 and tally.saturated == 0:  # data, but no pixel in all the bands read
            raise InputError(t("No pixel of '{name}' has a value in every band this run reads ({bands}): {empty}.",
                               name=os.path.basename(req.input), bands=", ".join(sorted(roles_needed)),
                               empty=_empty_bands(src, modality, roles_needed)),
                             t("Check the bands' nodata values and the modality (band order), or prompt for what the bands "
                               "with data can give."))
        squared = straight_values(req, classes, cat)
        details = _details(req, parsed, engine, engine_why, modality, stack, tally, classes, cat, heights, tall, ctx, squared)
        details["heights"] = heights_details(reading, ctx.pixel_m)
        details["extent"] = window_text(window, src.width, src.height, os.path.basename(req.input),
                                        extent_clipped(src, req.extent)) if req.extent is not None else None
        details["areas_note"] = areas_note
        details["map_filled_m2"] = tally.filled if fill else None  # a whole map: the area that took its likeliest class
        details["map_first"] = [label_in_text(t(cat[names[i]]["label"])) for i in first]
        details["saturated_m2"] = tally.saturated
        details["size_note"] = size_note
        details["saturation_value"] = top
        if shadows is not None:  # the network's water is taken out of ukis-csmask's cloud shadows
            details["shadows_excluded"] = True
            details["rules"].append(shadows.describe())
        explanation = explain(parsed, engine_name, details, areas, valid_area, device)
        if out_vector:
            common = {"source": os.path.basename(req.input), "modality": modality.name, "engine": engine_name,
                      "model": getattr(engine, "model_name", "") or "spectral-priors",
                      "model_sha256": getattr(engine, "model_sha256", ""), "prompt": parsed.text}
            polys = polygonize(out.classes.tmp, out.confidence.path, is_cancelled=is_cancelled, confidence_scale=0.01,
                               progress=(lambda f: progress(80.0 + 20.0 * f)) if progress else None)
            pixel_m2 = float(np.median(area_rows.values()))

            def described(written: Written) -> str:
                return "\n".join(line for line in (explanation, speckle_hint(written, pixel_m2, parsed), written.straight_note(),
                                                    *written.notes) if line)

            # no size filter here: the raster was sieved (4-connected regions, as polygons are, m² by row) and the
            # polygons follow it (filtered again by their own area, one at the size's edge could differ); a straight
            # outline must keep the size range (else it keeps its traced outline, the pixels' area)
            written = write_polygons(out_vector, polys, grid, classes, common, description=described, straight=squared,
                                     straight_range=(parsed.min_area_m2 or 0.0, parsed.max_area_m2 or 0.0))
            details["vector_areas_m2"] = written.areas_m2
            explanation = described(written)  # the layer's description and the run's explanation say the same
        out.classes.commit()
    except OSError as exc:  # RasterioIOError too: a hidden temporary file gone with its folder is news of the folder
        out.abort()
        gone = folder_removed([out_raster, out_vector])
        if gone is None:
            raise
        raise gone from exc
    except BaseException:
        out.abort()
        raise
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    if progress:
        progress(100.0)
    return ExtractResult(out_raster, out_vector, explanation, classes, areas, valid_area, engine_name, device, modality.name, details)


def speckle_hint(written: Written, pixel_m2: float, parsed: ParsedPrompt) -> str:
    """Advice when most polygons written are isolated pixels (a per-pixel classification's speckle) and the prompt set
    no minimum area: a minimum area of about ten pixels keeps whole objects and writes far fewer polygons. '' otherwise."""
    if parsed.min_area_m2 or not written.speckled:
        return ""
    return t("Polygons: {n} written, {pct} % of them {px} pixels or smaller (isolated pixels): add a minimum area to the "
             "prompt, e.g. 'larger than {example}', to keep whole objects and write far fewer polygons",
             n=number(written.features), pct=written.tiny_percent, px=TINY_PIXELS, example=ten_pixels(pixel_m2))


def straight_values(req: ExtractRequest, classes: dict[int, str], cat: dict) -> set[int]:
    """Class values whose polygons get straight outlines: with STRAIGHT_OUTLINES, the concepts marked straight_outlines."""
    return {k for k, n in classes.items() if cat[n].get("straight_outlines")} if req.straight_outlines else set()


def _details(req: ExtractRequest, parsed: ParsedPrompt, engine, engine_why: str, modality: Modality, stack: ModalityStack,
             tally: AreaTally, classes: dict[int, str], cat: dict, heights, tall: list[str], ctx: Context,
             squared: set[int]) -> dict:
    """The run's facts as data: what explain() words, what the dock charts and what the result carries."""
    valid_area = float(tally.counts.sum())
    return {"nodata_m2": tally.nodata, "cloud_excluded_m2": tally.cloud, "sar_only_m2": tally.sar_only,
            "sar_fused": bool(getattr(engine, "sar_fills_optical", False)) or any(
                getattr(cr, "fused", False) for cr in getattr(engine, "rules", {}).values()),
            "mean_confidence": tally.conf_sum / max(tally.conf_n, 1),
            "low_confidence_fraction": tally.low_conf / max(tally.conf_n, 1),
            **class_confidence(tally),
            "engine_why": engine_why, "clouds_explained": bool(getattr(engine, "explains_clouds", False)),
            "shadows_excluded": bool(getattr(engine, "excludes_shadows", True)),
            "rules": engine.explain() + ([t(
                "scene statistics (thresholds, brightness) fitted on a sample of the whole raster, so the extent gets "
                "the classes a run over the whole raster gives there")] if req.extent is not None else []) + ([t(
                "region sizes are measured inside the extent: a region its border cuts counts only its part inside "
                "(a whole-raster run may keep or drop it otherwise)")]
                if req.extent is not None and (parsed.min_area_m2 or parsed.max_area_m2) else []),
            "parsed": parsed, "modality": modality,
            "stack": [l.modality.describe() + f"; {l.scaling.note}" + fill_note(l.src) for l in stack.layers],
            "prompt_method": parsed.method, "prompt_notes": list(parsed.notes),
            "concepts_understood": [{"concept": m.concept, "label": t(cat[m.concept]["label"]), "score": m.score, "via": m.via}
                                    for m in parsed.concepts],
            "excluded_concepts": [m.concept for m in parsed.excluded],
            "rules_structured": engine.structured() if hasattr(engine, "structured") else {},
            "areas": area_table(classes, tally.counts, tally.class_conf, valid_area, cat),
            "straight_outlines": [label_in_text(t(cat[classes[k]]["label"])) for k in sorted(squared)]
            if req.straight_outlines and req.output_vector else None,
            "height_filter": None if heights is None else {
                "min_m": parsed.min_height_m, "max_m": parsed.max_height_m, "heights_from": "DSM" if ctx.height_is_dsm else "nDSM",
                "concepts": tall, "objects_kept": heights.kept, "objects_removed": heights.removed,
                "objects_without_height": heights.no_height}}


def class_confidence(tally: AreaTally) -> dict:
    """Confidence over the pixels of the prompted classes (class 1..K) and over the background (class 0): the verdict is
    the classes', as background pixels far from any class (often most of the scene) are near 100 % sure."""
    conf, low = tally.class_conf, tally.class_low
    n = float(conf[1:, 1].sum())
    return {"class_pixels": n, "class_mean_confidence": float(conf[1:, 0].sum()) / n if n else None,
            "class_low_confidence_fraction": float(low[1:].sum()) / n if n else None,
            "background_mean_confidence": float(conf[0, 0] / conf[0, 1]) if conf[0, 1] else None}


def area_table(classes: dict[int, str], counts: np.ndarray, class_conf: np.ndarray, valid_area: float, cat: dict) -> list[dict]:
    """Areas per concept as data (m², ha, % of valid area, mean confidence, colour) for the dock's bar chart."""
    rows = []
    for k, name in classes.items():
        a = float(counts[k])
        rows.append({"class": k, "concept": name, "label": t(cat[name]["label"]), "m2": a, "ha": a / 1e4,
                     "pct": 100.0 * a / valid_area if valid_area else 0.0,
                     "mean_confidence": class_conf[k, 0] / class_conf[k, 1] if class_conf[k, 1] else None,
                     "color": list(cat[name]["color"])})
    return rows


def _sure(score: float) -> str:
    """Words for a match score."""
    return t("certain") if score >= 0.99 else t("fairly sure") if score >= 0.6 else t("unsure")


def height_fills(stack: ModalityStack) -> tuple[float, ...]:
    """The undeclared fill values its scaling found in the height band (Scaling.fills): nodata in every read, so the
    sample read for the DSM-or-nDSM decision no longer holds them, but the Heights line still says them."""
    layer = next(k for k in stack.layers if "height" in k.modality.roles)
    return layer.own_scaling.get(layer.modality.roles["height"], layer.scaling).fills


def heights_details(reading: Optional[HeightReading], pixel_m: float) -> Optional[dict]:
    """How the height layer was read (DSM or nDSM, why, the ground window, undeclared voids), for the explanation."""
    if reading is None:
        return None
    b, size = ground_window_px(pixel_m)
    return {"read_as": "DSM" if reading.is_dsm else "nDSM", "why": reading.why, "voids": list(reading.voids),
            "ground_window_m": round(size * b * pixel_m, 1), "ground_cell_m": round(b * pixel_m, 2)}


def heights_lines(hd: Optional[dict]) -> list[str]:
    """The explanation's line on the heights: read as a DSM (ground subtracted, how) or as an nDSM (used as is), and why."""
    if not hd:
        return []
    if hd["read_as"] == "DSM":
        line = t("Heights: the height layer was read as a DSM ({why}); heights above ground = DSM minus the ground, the lowest "
                 "surface within {window} m (a grey opening of {cell} m cell medians, one-cell pits and spikes removed first)",
                 why=hd["why"], window=f"{hd['ground_window_m']:g}", cell=f"{hd['ground_cell_m']:g}")
    else:
        line = t("Heights: the height layer was read as an nDSM, heights above ground used as they are ({why})", why=hd["why"])
    if hd["voids"]:
        line += separator() + t("caution: values {values} are fill values, not heights, and were treated as no height: set "
                                "them as the layer's nodata", values=", ".join(f"{v:g}" for v in hd["voids"]))
    return [line]


def size_against_pixels(min_m2: float, max_m2: float, pixel_m2: float, valid_m2: float) -> str:
    """Why a size range empties the map or does nothing, measured against one pixel (the smallest, m²) and the valid area
    before the size filter: a maximum under one pixel or a minimum over the valid area keeps nothing, a minimum of one
    pixel or less removes nothing; '' otherwise."""
    if max_m2 and max_m2 < pixel_m2:
        return t("Size: caution: the maximum object area ({area} m²) is smaller than one pixel ({pixel} m²), so no region "
                 "can be kept and the map is empty; give a maximum of at least one pixel, or use finer pixels",
                 area=quantity(max_m2), pixel=measure(pixel_m2))
    if min_m2 and valid_m2 and min_m2 > valid_m2:
        return t("Size: caution: the minimum area ({area} m²) is larger than the whole valid area of the raster ({valid} m²), "
                 "so no region can reach it and the map is empty; give a smaller minimum, or a larger raster or extent",
                 area=quantity(min_m2), valid=measure(valid_m2))
    if min_m2 and min_m2 <= pixel_m2:
        return t("Size: the minimum area ({area} m²) is no larger than one pixel ({pixel} m²), so it removes nothing",
                 area=quantity(min_m2), pixel=measure(pixel_m2))
    return ""


def explain(parsed: ParsedPrompt, engine: str, details: dict, areas: dict[str, float], valid_area: float, device) -> str:
    """The plain-language explanation of a run: concepts, engine and rules, areas, exclusions, confidence."""
    cat = catalogue()
    if getattr(parsed, "full_map", False):  # one 'via' for all the map's classes: say it once
        understood = t("{via}: {labels}", via=parsed.concepts[0].via,
                       labels=", ".join(t(cat[m.concept]["label"]) for m in parsed.concepts))
    else:
        understood = separator().join(t("{label} (from {via}, {score} sure: {certainty})", label=t(cat[m.concept]["label"]), via=m.via,
                                 score=percent(m.score), certainty=_sure(m.score)) for m in parsed.concepts)
    lines = [t("Understood: {concepts}", concepts=understood)]
    if getattr(parsed, "method", None):
        lines.append(t("Prompt matching: {method}", method=parsed.method))
    for note in getattr(parsed, "notes", []) or []:
        lines.append(t("Prompt: {note}", note=note))
    if parsed.excluded:
        lines.append(t("Excluded: {concepts}", concepts=", ".join(t(cat[m.concept]["label"]) for m in parsed.excluded)))
    if parsed.min_area_m2 and details.get("map_filled_m2") is not None:
        lines.append(t("Minimum mapping unit: {area} m² (smaller regions merge into their largest neighbour)",
                       area=quantity(parsed.min_area_m2)))
    elif parsed.min_area_m2:
        lines.append(t("Minimum object area: {area} m² (smaller regions are removed from the raster and the polygons)",
                       area=quantity(parsed.min_area_m2)))
    if parsed.max_area_m2:
        lines.append(t("Maximum object area: {area} m² (larger regions are removed from the raster and the polygons)",
                       area=quantity(parsed.max_area_m2)))
    if details.get("size_note"):
        lines.append(details["size_note"])
    hf = details.get("height_filter")
    if hf:
        lines.append(t("Height: {concepts}: objects whose median height above ground is {range} ({source}; heights from a DSM are "
                       "the DSM minus a ground estimate): {kept} kept, {removed} removed ({none} without height data)",
                       concepts=", ".join(label_in_text(t(cat[n]["label"])) for n in hf["concepts"]), range=height_range_text(parsed),
                       source=hf["heights_from"], kept=hf["objects_kept"], removed=hf["objects_removed"],
                       none=hf["objects_without_height"]))
    lines += heights_lines(details.get("heights"))
    so = details.get("straight_outlines")
    if so is not None:
        lines.append(t("Polygons: straight outlines for {concepts} (right angles along each object's main direction; a part "
                       "that squaring would change much keeps its traced outline)", concepts=", ".join(so)) if so else
                     t("Polygons: straight outlines were asked for, but none of the prompt's concepts takes them ({concepts} do)",
                       concepts=", ".join(label_in_text(t(c["label"])) for c in cat.values() if c.get("straight_outlines"))))
    if details.get("extent"):
        lines.append(t("Extent: {window}", window=details["extent"]))
    lines.append(t("Engine: {engine} — {why}", engine=engine, why=details["engine_why"]))
    for s in details["stack"]:
        lines.append(t("Input: {input}", input=s))
    for r in details["rules"]:
        lines.append(t("Rule: {rule}", rule=r))
    lines += flood_lines(parsed, engine)
    lines.append(t("Device: {device}", device=device))
    cloud = details.get("cloud_excluded_m2", 0.0)
    lines.append(t("Areas (% of valid, cloud-free area):") if cloud else t("Areas (% of valid area):"))
    conf_by = {r["concept"]: r.get("mean_confidence") for r in details.get("areas", [])}
    for name, a in areas.items():
        pct = 100.0 * a / valid_area if valid_area else 0.0
        c = conf_by.get(name)
        fields = dict(label=t(cat[name]["label"]), m2=number(a), ha=number(a / 1e4, 2), pct=number(pct, 1))
        lines.append("  " + (t("{label}: {m2} m² = {ha} ha = {pct} % (mean confidence {conf})", conf=percent(c), **fields)
                             if c is not None else t("{label}: {m2} m² = {ha} ha = {pct} %", **fields)))
    lines.append(t("Valid area: {m2} m² = {ha} ha", m2=number(valid_area), ha=number(valid_area / 1e4, 2)))
    if details.get("areas_note"):
        lines.append(details["areas_note"])
    lines.append(t("Nodata excluded: {m2} m²", m2=number(details["nodata_m2"])))
    lines += saturation_lines(details, valid_area)
    if cloud or details.get("clouds_explained"):  # decided on data: the rule lines are translated text
        lines.append(t("Clouds/shadows excluded: {m2} m² = {ha} ha", m2=number(cloud), ha=number(cloud / 1e4, 2))
                     if details.get("shadows_excluded", True) else
                     t("Clouds excluded (not their shadows): {m2} m² = {ha} ha", m2=number(cloud), ha=number(cloud / 1e4, 2)))
        lines += [c for c in [mostly_cloud_caution(cloud, valid_area)] if c]
    sar_only = details.get("sar_only_m2", 0.0)
    if sar_only or details.get("sar_fused"):
        pct = 100.0 * sar_only / valid_area if valid_area else 0.0
        lines.append(t("Decided by SAR alone (optical image nodata or cloudy): {m2} m² = {ha} ha = {pct} % of the valid area",
                       m2=number(sar_only), ha=number(sar_only / 1e4, 2), pct=number(pct, 1)))
    if details.get("map_first"):
        lines.append(t("Land-cover map: {classes} wherever its probability reaches 50 %, whatever other class is likelier",
                       classes=", ".join(details["map_first"])))
    filled = details.get("map_filled_m2")
    if filled:
        lines.append(t("Land-cover map: {pct} % of the valid area reached no class at 50 % and took its most likely one "
                       "(confidence below 50 %, which lowers the polygons' confidence field there)",
                       pct=number(100.0 * filled / valid_area if valid_area else 0.0, 1)))
    lines.append(confidence_line(parsed, details))
    return "\n".join(lines)


def flood_lines(parsed: ParsedPrompt, engine: str) -> list[str]:
    """The line a flooded-area run gets: one date cannot tell a flood from the water always there (and, from the network,
    that its water stands for the flood)."""
    if not any(m.concept in NETWORK_WATER for m in parsed.concepts):
        return []
    note = t("one date: permanent water is included; use Change detection to tell a flood from normal water")
    if engine == "network":
        note = t("the land-cover network's water (it leads the flooded-area rules on held-out Sen1Floods11 water)") \
            + separator() + note
    return [t("Flooded area: {note}", note=note)]


SATURATION_CAUTION = 0.02
"""Share of the area read saturated in every band above which the explanation cautions that the image is clipped."""


def saturation_lines(details: dict, valid_area: float) -> list[str]:
    """The pixels saturated in every band (no measurement, left out like nodata), and a caution when they are more than
    a few % of the area read (an 8-bit true-colour product of a bright scene: 60 % of OSCD Abu Dhabi at 255)."""
    sat = details.get("saturated_m2") or 0.0
    if not sat:
        return []
    read = valid_area + sat + details.get("nodata_m2", 0.0) + details.get("cloud_excluded_m2", 0.0)
    share = sat / read if read else 0.0
    line = t("Saturated excluded (at {value}, the data type's largest value, in every band: no measurement): {m2} m² = "
             "{pct} % of the area read", value=f"{details.get('saturation_value') or 0:g}", m2=number(sat),
             pct=number(100.0 * share, 1))
    if share > SATURATION_CAUTION:
        line += separator() + t("caution: the image is clipped (an 8-bit true-colour product or a stretched picture): its "
                                "brightest surfaces carry no measurement and are missing from the result; give the "
                                "product's reflectance bands where you can")
    return [line]


def confidence_line(parsed: ParsedPrompt, details: dict) -> str:
    """The confidence verdict, on the pixels of the prompted classes (the background, near 100 % far from any class,
    would make a rare class's run read 'high'), with the background's mean beside it."""
    mc, low = details.get("class_mean_confidence"), details.get("class_low_confidence_fraction")
    bg = details.get("background_mean_confidence")
    low_threshold = percent(LOW_CONFIDENCE)
    if mc is None:  # no pixel took a class: only the background can be said
        mc, low = details["mean_confidence"], details.get("low_confidence_fraction", 0.0)
        line = t("Confidence: no pixel took a prompted class — mean {mean} over the valid pixels, {low} below {threshold}",
                 mean=percent(mc), low=percent(low), threshold=low_threshold)
    else:
        verdict = t("high") if mc >= 0.85 and low < 0.1 else t("moderate") if mc >= 0.7 else t("low")
        line = t("Confidence: {verdict} — mean {mean} over the pixels of the prompted classes, {low} of them below "
                 "{threshold}", verdict=verdict, mean=percent(mc), low=percent(low), threshold=low_threshold)
        if bg is not None:
            line += separator() + t("background (no class): mean {mean}", mean=percent(bg))
    if any(m.score < 0.99 for m in parsed.concepts):
        line += separator() + t("prompt matched by meaning, check the concept above")
    return line
