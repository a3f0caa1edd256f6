"""Semantic change: land-cover classes on both dates (from → to) and change prompts.

Both dates are mapped with the land-cover engine (:class:`SpectralEngine`,
thresholds fitted per date), or the BEFORE classes come from a reference map.
A change prompt ("new buildings", "vegetation loss" ...) selects from→to
transitions; the catalogue is ``models/change_prompts.json``.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from rasterio.enums import Resampling
from rasterio.windows import Window

from ..catalog import load_json
from ..errors import InputError, PromptError
from ..messages import t as _t
from ..landcover.spectral import Context, SpectralEngine, select_rules, supported_concepts
from ..prompts import normalise
from ..raster import Grid, RasterSource
from ..stack import BandSet
from .align import PairBlock

OTHER = "other"


def catalogue() -> dict:
    """The change-prompt catalogue (models/change_prompts.json)."""
    return load_json("change_prompts.json")


@dataclass
class ChangePrompt:
    """A parsed change prompt: its id, label and how it was matched."""

    id: str
    label: str
    via: str
    text: str = ""


def parse_change_prompt(text: Optional[str]) -> ChangePrompt:
    """Match a prompt to the catalogue (empty → any change); raise PromptError when unknown."""
    prompts = catalogue()["prompts"]
    if text is None or not text.strip():
        return ChangePrompt("any_change", prompts["any_change"]["label"], _t("no prompt given"), "")
    t = normalise(text)
    best: Optional[tuple[int, str, str]] = None
    for pid, p in prompts.items():
        for syn in p["synonyms"]:
            if re.search(rf"(?<![\w-]){re.escape(syn)}(?![\w-])", t) and (best is None or len(syn) > best[0]):
                best = (len(syn), pid, syn)
    if best is None:
        raise PromptError(_t("'{prompt}' does not name a change TerraPrompt knows.", prompt=text.strip()),
                          _t("Try one of: {prompts}.", prompts=", ".join(f"'{p['label']}'" for p in prompts.values())))
    return ChangePrompt(best[1], prompts[best[1]]["label"], _t("phrase '{phrase}'", phrase=best[2]), text.strip())


@dataclass
class ClassMaps:
    """How classes are made for both dates: names per side and the engines that score them."""

    from_names: list[str]
    to_names: list[str]
    before_engine: Optional[SpectralEngine] = None
    after_engine: Optional[SpectralEngine] = None
    reference: Optional[RasterSource] = None  # or a VectorReference (same interface)
    reference_values: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        """True when at least one real class (not only 'other') exists on both sides."""
        return len(self.to_names) > 1

    def scores(self, block: PairBlock, grid: Grid, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """(K_from, h, w) and (K_to, h, w) class scores for a block (argmax gives the class)."""
        return self._side(block, "before", grid, window), self._side(block, "after", grid, window)

    def _side(self, block: PairBlock, which: str, grid: Grid, window: Window) -> np.ndarray:
        shape = block.valid.shape
        if which == "before" and self.reference is not None:
            data = self.reference.read_on_grid(grid, window=window, bands=[1], resampling=Resampling.nearest)
            vals = np.asarray(data.data)[0]
            known = np.zeros(shape, dtype=bool)
            out = np.zeros((len(self.from_names), *shape), dtype=np.float32)
            for k, v in enumerate(self.reference_values):
                hit = vals == v
                out[k][hit] = 1.0
                known |= hit
            out[-1][~known] = 1.0
            return out
        engine = self.before_engine if which == "before" else self.after_engine
        names = self.from_names if which == "before" else self.to_names
        out = np.zeros((len(names), *shape), dtype=np.float32)
        if engine is None:
            out[-1] = 1.0
            return out
        sc = engine.scores(BandSet(block.bands(which), block.valid))
        out[:-1] = sc
        out[-1] = np.where(sc.max(axis=0) >= 0.5, 0.0, 1.0)
        return out


def _mappable(concept: str, roles: set[str]) -> bool:
    """Whether the land-cover engine has a rule for the concept with these bands."""
    return concept in supported_concepts() and select_rules(concept, roles, False) is not None


def semantic_concepts(roles: set[str], prompt_id: Optional[str] = None) -> list[str]:
    """Concepts from the catalogue's semantic list the land-cover engine can map with these bands; a refinement the
    prompt names first (forest for 'deforestation') takes its parent's place when it can be mapped."""
    cat = catalogue()
    concepts = [c for c in cat["semantic_classes"] if _mappable(c, roles)]
    if prompt_id:
        p = cat["prompts"][prompt_id]
        named = [alt[0] for side in (p["from"], p["to"]) for alt in side[:1] if isinstance(alt, list) and alt]
        for child in named:
            parent = cat.get("refinements", {}).get(child)
            if parent in concepts and _mappable(child, roles):
                concepts[concepts.index(parent)] = child
    return concepts


def build_class_maps(roles: list[str], sample: list[PairBlock], reference: Optional[str] = None,
                     grid: Optional[Grid] = None, calibrated: bool = True, prompt_id: Optional[str] = None) -> ClassMaps:
    """Fit per-date land-cover engines on the sample (and read the reference map's classes).

    ``calibrated``: the optical values are reflectance; when not, the engines subtract dark objects first.
    ``prompt_id``: the change prompt, whose finer classes (forest) replace their parent in the maps."""
    concepts = semantic_concepts(set(roles), prompt_id)
    to_names = concepts + [OTHER]
    notes: list[str] = []
    before_eng = after_eng = None
    if concepts:
        before_eng, after_eng = (SpectralEngine(concepts, set(roles), Context(cloud_mask=False, reflectance=calibrated))
                               for _ in range(2))
        for eng, which in ((before_eng, "before"), (after_eng, "after")):
            bands = {r: np.concatenate([b.bands(which)[r][b.valid] for b in sample])[None] for r in roles}
            valid = np.ones_like(next(iter(bands.values())), dtype=bool)
            eng.fit(BandSet(bands, valid))
            rules = "; ".join(eng.explain())
            notes.append(_t("Land cover BEFORE: {rules}", rules=rules) if which == "before"
                         else _t("Land cover AFTER: {rules}", rules=rules))
    else:
        notes.append(_t("Land cover: the land-cover engine maps no class with these bands, so from/to classes are unknown"))
    maps = ClassMaps(list(to_names), to_names, before_eng, after_eng, notes=notes)
    if reference:
        from ..raster import open_raster
        from .reference import VectorReference, is_vector

        ref = VectorReference(reference, grid.crs) if is_vector(reference) else open_raster(reference)
        names, values = reference_classes(ref)
        maps.reference, maps.reference_values = ref, values
        maps.from_names = names + [OTHER]
        maps.notes.insert(0, _t("BEFORE classes from the reference map '{name}': {classes}", name=os.path.basename(reference),
                                classes=", ".join(names)))
    return maps


def reference_classes(ref: RasterSource, max_classes: int = 14) -> tuple[list[str], list[int]]:
    """Class names and values of a reference land-cover raster (TERRAPROMPT_CLASSES tag, else sampled values)."""
    tag = ref.tags.get("TERRAPROMPT_CLASSES", "")
    pairs: list[tuple[int, str]] = []
    if tag:
        for item in tag.split(";"):
            if "=" in item:
                v, n = item.split("=", 1)
                if v.strip().isdigit():
                    pairs.append((int(v), n.strip()))
    else:
        s = ref.sample(bands=[1], max_pixels=250_000).compressed()
        if s.size and not np.allclose(s, np.round(s)):
            raise InputError(_t("The reference map '{name}' has fractional values; it must be a class raster.", name=os.path.basename(ref.path)),
                             _t("Use a land-cover map with integer class values (e.g. the output of extract_landcover)."))
        vals = [int(v) for v in np.unique(s) if int(v) not in (0, 255)]
        pairs = [(v, f"class {v}") for v in vals]
    if not pairs:
        raise InputError(_t("The reference map '{name}' holds no class values.", name=os.path.basename(ref.path)),
                         _t("Choose a land-cover class raster."))
    if len(pairs) > max_classes:
        raise InputError(_t("The reference map has {n} classes; at most {max} are supported.", n=len(pairs), max=max_classes),
                         _t("Reclassify it to fewer classes (Raster > Reclassify by table) and run again."))
    return [n for _, n in pairs], [v for v, _ in pairs]


def _side_mask(spec: list, names: list[str]) -> Optional[np.ndarray]:
    """Which classes a side of a prompt keeps; None for 'not_to'/'not_from' (resolved against the other side)."""
    if spec in (["not_to"], ["not_from"]):
        return None
    if spec == ["*"]:
        return np.ones(len(names), dtype=bool)
    for alt in spec:
        mask = np.array([n in alt for n in names])
        if mask.any():
            return mask
    return np.zeros(len(names), dtype=bool)


def select_transitions(prompt: ChangePrompt, maps: ClassMaps) -> tuple[np.ndarray, str]:
    """(K_from, K_to) boolean table of transitions the prompt keeps, and a sentence saying which."""
    p = catalogue()["prompts"][prompt.id]
    kf, kt = len(maps.from_names), len(maps.to_names)
    if prompt.id == "any_change":
        return np.ones((kf, kt), dtype=bool), _t("all changes are kept")
    if not maps.available and maps.reference is None:
        raise PromptError(_t("The prompt '{label}' needs land-cover classes, but none can be mapped from these bands.", label=_t(prompt.label)),
                          _t("Use rasters with red/NIR (vegetation) or green/SWIR/NIR (water) bands, give a REFERENCE_MAP, "
                             "or prompt 'any change'."))
    fm, tm = _side_mask(p["from"], maps.from_names), _side_mask(p["to"], maps.to_names)
    for mask, spec in ((fm, p["from"]), (tm, p["to"])):
        if mask is not None and not mask.any():
            raise PromptError(_t("The prompt '{label}' needs the class '{cls}', which cannot be mapped from these bands.",
                                 label=_t(prompt.label), cls=_t(spec[0][0])),
                              _t("Use rasters with the bands that show it (e.g. NIR for vegetation), give a REFERENCE_MAP, "
                                 "or prompt 'any change'."))
    if fm is None:
        kept_to = {maps.to_names[j] for j in np.nonzero(tm)[0]}
        fm = np.array([n not in kept_to for n in maps.from_names])
    if tm is None:
        kept_from = {maps.from_names[i] for i in np.nonzero(fm)[0]}
        tm = np.array([n not in kept_from for n in maps.to_names])
    table = fm[:, None] & tm[None, :]
    kept = [f"{_t(maps.from_names[i])} → {_t(maps.to_names[j])}" for i, j in zip(*np.nonzero(table))]
    return table, _t("kept transitions: {transitions}", transitions=", ".join(kept) if kept else _t("none"))
