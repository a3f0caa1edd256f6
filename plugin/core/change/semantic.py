"""Semantic change: land-cover classes on both dates (from → to) and change prompts.

Both dates are mapped with the land-cover engine (:class:`SpectralEngine`, its index
rules with thresholds fitted per date, not the land-cover classifier), or the BEFORE
classes come from a reference map.
A change prompt ("new buildings", "vegetation loss" ...) selects from→to
transitions; the catalogue is ``models/change_prompts.json``. Besides its
phrases, any land-cover concept the change maps follow may be named: "forest to
built-up", "from water to vegetation", "farmland converted to housing" (from →
to), "loss of water", "demolished buildings" (from → anything else), "new
sand" (anything else → to); size qualifiers ("larger than 1 ha") filter the
change polygons.
"""
from __future__ import annotations

import functools
import math
import os
import re
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from rasterio.enums import Resampling
from rasterio.windows import Window

from ..catalog import load_json
from ..errors import InputError, PromptError
from ..messages import I18N_DIR, catalogue as translations, label_in_text, number, percent, quantity, quoted, separator, t as _t
from ..landcover.extract import give_precedence, map_first
from ..landcover.spectral import Context, SpectralEngine, head_unusable, select_rules, stand_in, supported_concepts
from ..prompts import (DATE_WORDS, ParsedPrompt, concepts, cut_places, has_exclusion, names_land_cover, normalise, parse_prompt,
                       parse_size_range, spellings, unread_note, whole_words, words_and_numbers)
from ..layer_settings import LayerSettings
from ..raster import Grid, RasterSource, pixel_size_m
from ..stack import BandSet
from .align import SAR_ROLES, PairBlock
from .logratio import TileLogRatios, scene_offsets, signed_log_ratios
from .noise import MIN_CHANGE_M

OTHER = "other"
RULES_CONTEXT = 2
NETWORK_CONTEXT = 48
NETWORK_FAMILIES = frozenset({"vhrnet", "landnet"})
FLOOD_STEP_DB = 3.0
"""SAR: a pixel whose speckle-filtered backscatter fell by this much (dB, the scene-wide offset removed) and ends within
FLOOD_MARGIN_DB of the darker date's water threshold is water on that date: shallow or partly flooded ground darkens
without reaching open water's backscatter. On the Sen1Floods11 flood pair (synthetic BEFORE), 'flooding' kept 66 % of the
flood (F1 0.769, IoU 0.624) and now 79 % (F1 0.845, IoU 0.732, precision 0.92 → 0.90); every half of the chip gains
0.05-0.11 F1. A 1 dB step kept as much (F1 0.847) at precision 0.86; of the darkened pixels left out before, those past
3 dB were 79 % flood."""
FLOOD_MARGIN_DB = 3.0
"""See FLOOD_STEP_DB: 2 dB gave F1 0.826, 4 dB 0.854 at precision 0.84 (with a 1 dB step)."""


def catalogue() -> dict:
    """The change-prompt catalogue (models/change_prompts.json)."""
    return load_json("change_prompts.json")


def concept_classes() -> dict[str, str]:
    """{concept: change-map class} of the catalogue (cropland → vegetation), its comment keys left out."""
    return {k: v for k, v in catalogue()["concept_classes"].items() if not k.startswith("_")}


@functools.lru_cache(maxsize=1)
def _languages() -> tuple[str, ...]:
    """The languages with a core catalogue, listed once (every parse reads them for each catalogue prompt)."""
    if not os.path.isdir(I18N_DIR):
        return ()
    return tuple(sorted(f[5:-5] for f in os.listdir(I18N_DIR) if f.startswith("core_") and f.endswith(".json")))


def phrases(prompt: dict) -> list[str]:
    """A catalogue prompt's synonyms and its label as each translation writes it ('expansion urbaine',
    'siedlungserweiterung'): a label the panel shows, typed back, gives its own change."""
    labels = [normalise(translations(lang).get(prompt["label"], prompt["label"])) for lang in _languages()]
    return list(dict.fromkeys(prompt["synonyms"] + labels))


def examples(*prompts: str) -> str:
    """Example change prompts in the panel's language and its quotation marks (« forêt vers bâti »), each one that
    TerraPrompt reads back as written."""
    return ", ".join(quoted(_t(p)) for p in prompts)


def any_change() -> str:
    """The 'any change' prompt as the panel's language writes it, quoted."""
    return quoted(_t("any change"))


@dataclass
class ChangePrompt:
    """A parsed change prompt: its id, label and how it was matched."""

    id: str
    label: str
    via: str
    text: str = ""
    spec: dict = field(default_factory=dict)
    """{"from": [...], "to": [...]}: the transitions kept (see the catalogue's _doc)."""
    notes: list[str] = field(default_factory=list)
    min_area_m2: float = 0.0
    max_area_m2: float = 0.0
    unread: list[str] = field(default_factory=list)
    """The words left over once the change, its sizes and dates are read ('moon' in 'new buildings on the moon')."""


_FROM_TO = re.compile(r"^(?:(?:changes?|conversion|transitions?)\s+)?(?:from|de|von)?\s*(?P<x>.+?)\s+"
                      r"(?:to|into|→|->|converted\s+(?:to|into)|turned\s+(?:to|into)|changed\s+(?:to|into)|became|becomes|"
                      r"replaced\s+by|vers|zu)\s+(?P<y>.+)$")
_LOSS = re.compile(r"^(?:(?:loss|removal|demolition|disappearance|decline|decrease|clearing)\s+of|lost|removed|demolished|"
                   r"destroyed|disappearing|disappeared|vanished|perte\s+d[e']|disparition\s+d[e']|verlust\s+von)\s*(?P<x>.+)$"
                   r"|^(?P<y>.+?)\s+(?:loss|losses|lost|removed|removal|demolished|disappeared|disappear|disappears|vanished|"
                   r"decline|decrease|verlust)$")
_GAIN = re.compile(r"^(?:new|gain\s+of|more|appearing|appeared|emerging|nouveaux|nouvelles|nouveau|nouvelle|neue|neuer|neues)\s+(?P<x>.+)$"
                   r"|^(?P<y>.+?)\s+(?:gain|gains|growth|expansion|increase|appeared|appearing)$")
_LEAD = re.compile(r"^(?:(?:show|find|map|detect|highlight|mark|where|which|what)(?:\s+(?:me|us|are|is|did|were|was|the|all|any))*\s+)+")


def parse_change_prompt(text: Optional[str], wait_for_encoder: bool = True) -> ChangePrompt:
    """Match a prompt to the catalogue or to a from → to transition of land-cover concepts (empty → any change);
    raise PromptError when unknown. ``wait_for_encoder=False`` (live feedback) matches land covers by synonyms until
    the sentence encoder has loaded."""
    prompts = catalogue()["prompts"]
    if text is None or not text.strip():
        return ChangePrompt("any_change", prompts["any_change"]["label"], _t("no prompt given"), "", prompts["any_change"])
    places, t = cut_places(normalise(text), _PLACE_STOP)  # before the sizes: 'within 1 km of the coast'
    low, high, t = parse_size_range(t)
    t = re.sub(r"\s*(?:->|=>|→)\s*", " to ", t)  # 'water->land' reads as 'water to land' (a catalogue phrase)
    t = _non_self(t, wait_for_encoder)  # 'forest to non-forest': its loss
    if has_exclusion(t):
        raise PromptError(_t("'{prompt}' excludes or negates a change; a change prompt names the change to keep.", prompt=text.strip()),
                          _t("Name the change to keep ({examples}) or prompt {any}; clouds and nodata are left out of every "
                             "result.", examples=examples("new buildings", "forest to built-up"), any=any_change()))
    # several changes ('new buildings and vegetation loss'): each part a change prompt of its own, or the whole is one
    # ('forest and grassland to built-up': 'forest' alone names no change)
    parts = [p for p in _SEVERAL.split(t) if p.strip(" .?!")]
    singles = [_single_change(p, p.strip(" .?!"), wait_for_encoder) for p in parts] if len(parts) > 1 else []
    if singles and all(singles):
        out = _several(singles, text.strip())
    else:
        out = _single_change(t, text.strip(), wait_for_encoder)
    if out is None:
        raise PromptError(_t("'{prompt}' does not name a change TerraPrompt knows.", prompt=text.strip()),
                          _t("Try one of: {prompts}; or name land covers: {examples}.", prompts=examples(*(p["label"] for p in prompts.values())),
                             examples=examples("forest to built-up", "loss of water", "new vegetation")))
    out.min_area_m2, out.max_area_m2 = low, high
    out.notes += unread_note(out.unread + places, _t("set EXTENT (the Change tab's Extent) to the area"))
    return out


_PLACE_STOP = re.compile(r"(?:to|into|converted|turned|changed|became|becomes|replaced|vers|zu|since|between|from|during|after|"
                         r"before|until|over|in|depuis|entre|pendant|seit|zwischen|während|desde|durante|loss|losses|lost|removed|"
                         r"removal|demolished|disappeared|disappears?|vanished|decline|decrease|verlust|gains?|growth|expansion|"
                         r"increase|appeared|appearing|changes?)(?!\w)")
"""Words that end a place qualifier in a change prompt: the change's own ('forest near the river to built-up', 'forest
near the river lost') and its dates ('near the river since 2019')."""


_TO_NON = re.compile(r"^(?:from\s+)?(?P<x>.+?)\s+to\s+non[- ]?(?P<y>[^\W\d_]+)(?P<rest>.*)$")
_NON_TO = re.compile(r"^(?:from\s+)?non[- ]?(?P<y>[^\W\d_]+)\s+to\s+(?P<x>.+?)(?P<rest>(?:\s+(?:since|in|from|between|during|after|before)\b.*)?)$")


def _non_self(t: str, wait_for_encoder: bool = True) -> str:
    """'forest to non-forest (areas) (since 2019)' as 'loss of forest ...', 'non-forest to forest' as 'new forest': a
    land cover to its own negation (the same concepts on both sides; any other 'non-' stays an exclusion)."""
    for pattern, kind in ((_TO_NON, "loss of"), (_NON_TO, "new")):
        m = pattern.match(t)
        if m is None:
            continue
        x, y = _concepts_of(m.group("x"), wait_for_encoder), _concepts_of(m.group("y"), wait_for_encoder)
        if x is not None and y is not None and {c.concept for c in x.concepts} == {c.concept for c in y.concepts}:
            return f"{kind} {m.group('x')}{m.group('rest')}"
    return t


_SEVERAL = re.compile(r"\s*(?:[;,+&]|\b(?:and|or|plus|as well as|et|ou|und|oder|sowie)\b)\s*")
"""What joins several changes in one prompt."""


def _single_change(t: str, original: str, wait_for_encoder: bool = True) -> Optional[ChangePrompt]:
    """One change prompt (a catalogue phrase or a land-cover transition), or None when the text names none."""
    prompts = catalogue()["prompts"]
    full = re.sub(r"\s+", " ", t).strip(" .?!")
    t = _LEAD.sub("", full).strip()
    # a catalogue phrase of several words ('new buildings since 2019') outranks reading land covers; one word
    # ('buildings' in 'demolished buildings') does not
    hit = _catalogue_phrase(t, exact=True) or _catalogue_phrase(full, min_words=2)
    out = _transition(t, original, wait_for_encoder) if hit is None else None
    hit = hit or (_catalogue_phrase(full) if out is None else None)
    if out is None and hit is not None and hit[0] == "any_change" and hit[1] != t:
        out = _changes_of(t.replace(hit[1], " "), original, wait_for_encoder)  # 'forest changes', 'changes in water'
    if out is None and hit is not None:
        pid, phrase = hit
        at = whole_words(phrase).search(t)
        rest, found = whole_words(phrase).subn(" ", t, count=1)
        rest = rest if found else whole_words(phrase).sub(" ", full, count=1)  # 'what changed ...': its lead is the phrase's
        if phrase in prompts[pid].get("alone", []) and at is not None and names_land_cover(t[: at.start()]):
            _refuse_named_before(original, phrase, pid)  # 'water and buildings': land covers, no change
        out = ChangePrompt(pid, prompts[pid]["label"], _t("phrase '{phrase}'", phrase=phrase), original, prompts[pid],
                           unread=_unread(rest))
        whole, alone = (_synonyms_of(t), _synonyms_of(phrase)) if out.unread else (None, None)
        if whole is not None and alone is not None and set(whole.names) == set(alone.names):  # 'flooded crops': one land cover
            out.unread = [w for w in _unread("", whole) if w not in _unread("", alone)]
    return out


def _refuse_named_before(original: str, phrase: str, pid: str) -> None:
    """PromptError for a land cover named before a catalogue phrase that is a land cover's name ('water and buildings',
    'shadows of buildings'): land covers side by side, no change; the phrase first ('buildings', 'buildings in forest',
    'buildings, roads') is the change, the land covers after it said as unread."""
    raise PromptError(_t("'{prompt}' does not name a change TerraPrompt knows: '{phrase}' is read as '{change}' only when no "
                         "other land cover is named before it.", prompt=original, phrase=phrase,
                         change=_t(catalogue()["prompts"][pid]["label"])),
                      _t("Name the change to keep, e.g. {examples}, or prompt {any}.",
                         examples=examples("new buildings", "forest to built-up"), any=any_change()))


def _synonyms_of(text: str) -> Optional[ParsedPrompt]:
    """The land covers a text names by synonyms (never waiting for the encoder), or None when it names none."""
    try:
        return parse_prompt(text, use_encoder=False)
    except PromptError:
        return None


def _unread(rest: str, *sides: ParsedPrompt) -> list[str]:
    """The words of a change prompt left over beside its change (``rest``) or in the land covers it names (``sides``), as
    the land-cover parser's 'not understood' note lists them, dates left out ('since 2019', 'in the last 5 years')."""
    phrases = [words_and_numbers(rest)] + [p for side in sides for p in side.unread]
    kept = [" ".join(w for w in p.split() if w not in DATE_WORDS) for p in phrases]
    return [p for p in kept if p]


def _changes_of(rest: str, original: str, wait_for_encoder: bool = True) -> Optional[ChangePrompt]:
    """'forest changes': every change from or to the land covers named beside a generic change word (its loss and its
    gain), or None when the words beside it name none ('all changes since 2019')."""
    words = [w for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", rest) if w not in _CHANGE_FILLER]
    parsed = _concepts_of(" ".join(words), wait_for_encoder) if words else None
    if parsed is None or parsed.full_map:
        return None
    notes: list[str] = []
    classes = _classes_of(parsed, notes)
    loss = _loss_or_gain("loss", classes, " ".join(words), original, notes)
    gain = _loss_or_gain("gain", classes, " ".join(words), original, [])
    what = " + ".join(class_label(c) for c in classes)
    return ChangePrompt("several", _t("changes of {what}", what=what), _t("land cover '{phrase}' lost or gained", phrase=" ".join(words)),
                        original, {"parts": [loss.spec, gain.spec]}, notes, unread=_unread("", parsed))


_CHANGE_FILLER = DATE_WORDS | frozenset("in of to the all any for from dans de des du la le les der die das im von".split())
"""Words around a generic change word that name no land cover ('changes in the water since 2019')."""


def _several(parts: list[ChangePrompt], original: str) -> ChangePrompt:
    """The change prompt keeping what any of its parts keeps ('any change' among them keeps all)."""
    unique = list({p.label: p for p in parts}.values())
    if any(p.id == "any_change" for p in parts):
        out = next(p for p in parts if p.id == "any_change")
    elif len(unique) == 1:
        out = unique[0]
    else:
        out = ChangePrompt("several", " + ".join(_t(p.label) for p in unique), separator().join(p.via for p in unique), original,
                           {"parts": [p.spec for p in unique]}, [n for p in unique for n in p.notes])
    out.unread = list(dict.fromkeys(w for p in parts for w in p.unread))  # what any part left unread
    return out


def _catalogue_phrase(text: str, exact: bool = False, min_words: int = 1) -> Optional[tuple[str, str]]:
    """(prompt id, phrase) of the longest catalogue phrase in the text (or equal to it), with at least ``min_words`` words,
    also as typed without accents or umlauts ('nouveaux batiments', 'neue gebaeude')."""
    best: Optional[tuple[str, str]] = None
    for pid, p in catalogue()["prompts"].items():
        for syn in (form for phrase in phrases(p) for form in spellings(phrase)):
            if len(syn.split()) < min_words or (best is not None and len(syn) <= len(best[1])):
                continue
            if (syn == text) if exact else whole_words(syn).search(text):
                best = (pid, syn)
    return best


def _concepts_of(phrase: str, wait_for_encoder: bool = True) -> Optional[ParsedPrompt]:
    """The land-cover concepts a phrase names, or None when it names none ('2018', 'land')."""
    try:
        return parse_prompt(phrase, wait_for_encoder=wait_for_encoder)
    except PromptError:
        return None


def class_label(name: str) -> str:
    """A change-map class as the analyst reads it: the concept's label in lower case ('built-up'), or 'other'."""
    cat = concepts()
    return label_in_text(_t(cat[name]["label"])) if name in cat else _t(name)


def _classes_of(parsed: ParsedPrompt, notes: list[str]) -> list[str]:
    """Change-map classes of the concepts a side names (cropland → vegetation, with a note); PromptError when one has none."""
    table = concept_classes()
    out = []
    for m in parsed.concepts:
        cls = table.get(m.concept)
        if cls is None:
            follow = sorted({class_label(c) for c in table.values()})
            raise PromptError(_t("'{concept}' cannot be followed between two dates: the change maps know {classes}.",
                                 concept=class_label(m.concept), classes=", ".join(follow)),
                              _t("Name one of those classes, or prompt {any}.", any=any_change()))
        if m.score < 0.999:
            notes.append(_t("{via} → '{concept}' ({score} sure)", via=m.via, concept=class_label(m.concept), score=percent(m.score)))
        own = catalogue()["class_notes"].get(m.concept)
        if own:
            notes.append(_t(own))
        elif cls != m.concept:
            notes.append(_t("'{concept}' is followed as '{cls}' (the change maps do not separate them)",
                            concept=class_label(m.concept), cls=class_label(cls)))
        if cls not in out:
            out.append(cls)
    return out


def _transition(t: str, original: str, wait_for_encoder: bool = True) -> Optional[ChangePrompt]:
    """A from → to, loss or gain prompt of land-cover concepts, or None when the text is not one."""
    notes: list[str] = []
    m = _FROM_TO.match(t)
    if m:
        x, y = _concepts_of(m.group("x"), wait_for_encoder), _concepts_of(m.group("y"), wait_for_encoder)
        if x is not None and y is not None and x.full_map != y.full_map:  # 'forest to anything', 'anything to water'
            kind, side, phrase = ("loss", x, m.group("x")) if y.full_map else ("gain", y, m.group("y"))
            return _loss_or_gain(kind, _classes_of(side, notes), phrase, original, notes, _unread("", x, y))
        if x is not None and y is not None and not x.full_map:  # both land covers ('everything to everything': any change)
            a, b = _classes_of(x, notes), _classes_of(y, notes)
            a, b = _forest_sides(a, b, notes), _forest_sides(b, a, notes)
            if set(a) & set(b):
                _refuse_guess(x, y, m.group("x"), m.group("y"), set(a) & set(b), original)
                raise PromptError(_t("'{prompt}' names the same change-map class on both dates ({cls}).", prompt=original,
                                     cls=", ".join(class_label(c) for c in sorted(set(a) & set(b)))),
                                  _t("Name classes that differ (water, vegetation, forest, built-up, bare soil), or prompt {any}.",
                                     any=any_change()))
            label = f"{' + '.join(class_label(c) for c in a)} → {' + '.join(class_label(c) for c in b)}"
            return ChangePrompt("transition", label, _t("land covers '{before}' → '{after}'", before=m.group("x"), after=m.group("y")),
                                original, {"from": [a], "to": [b]}, notes, unread=_unread("", x, y))
    for pattern, kind in ((_LOSS, "loss"), (_GAIN, "gain")):
        m = pattern.match(t)
        phrase = m and (m.group("x") or m.group("y"))
        parsed = _concepts_of(phrase, wait_for_encoder) if phrase else None
        if parsed is None:
            continue
        return _loss_or_gain(kind, _classes_of(parsed, notes), phrase, original, notes, _unread("", parsed))
    return None


def _refuse_guess(x: ParsedPrompt, y: ParsedPrompt, x_words: str, y_words: str, same: set[str], original: str) -> None:
    """PromptError naming the words read as the other side's class only by their meaning ('rural' as built-up in 'rural
    to urban'): the dates could not be told apart, rather than the prompt naming one class twice."""
    table = catalogue()["concept_classes"]
    for side, words, other in ((x, x_words, y_words), (y, y_words, x_words)):
        guess = next((m for m in side.concepts if m.score < 0.999 and table.get(m.concept) in same), None)
        if guess is not None:
            raise PromptError(_t("In '{prompt}', '{words}' cannot be told apart from '{other}': it is read as {cls} only by "
                                 "its meaning ({score} sure), the class '{other}' names.", prompt=original, words=words,
                                 other=other, cls=class_label(table[guess.concept]), score=percent(guess.score)),
                              _t("Name that land cover with a word TerraPrompt knows (water, vegetation, cropland, forest, "
                                 "built-up, bare soil), e.g. {example}, or prompt {urban} or {any}.",
                                 example=examples("cropland to built-up"), urban=examples("urban expansion"), any=any_change()))


def _loss_or_gain(kind: str, classes: list[str], phrase: str, original: str, notes: list[str],
                  unread: Optional[list[str]] = None) -> ChangePrompt:
    """The change prompt keeping the loss ('from' the classes to anything else) or the gain of change-map classes
    (``unread``: the words its land covers left unread)."""
    what = " + ".join(class_label(c) for c in classes)
    if kind == "loss":
        return ChangePrompt("transition", _t("loss of {what}", what=what), _t("land cover '{phrase}' lost", phrase=phrase),
                            original, {"from": [classes], "to": ["not_from"]}, notes, unread=list(unread or []))
    return ChangePrompt("transition", _t("new {what}", what=what), _t("land cover '{phrase}' gained", phrase=phrase),
                        original, {"from": ["not_to"], "to": [classes]}, notes, unread=list(unread or []))


def _forest_sides(side: list[str], other: list[str], notes: list[str]) -> list[str]:
    """With forest named on the other side the maps split vegetation into forest and 'other': vegetation here becomes 'other'."""
    if "forest" in other and "vegetation" in side:
        notes.append(_t("vegetation that is not forest counts as 'other' (forest is mapped on its own)"))
        return [OTHER if c == "vegetation" else c for c in side]
    return side


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
    first: list[int] = field(default_factory=list)
    """Classes (indices) that win wherever the engine gives them 0.5, as in a land-cover map (land_cover_map 'first')."""
    from_ids: list[str] = field(default_factory=list)
    """With a reference map, the change-map class each of its classes stands for ('tree cover' → forest), matched
    against prompts; ``from_names`` keep the map's own names for the outputs."""
    sar_offsets: Optional[np.ndarray] = None
    """SAR pairs: per polarisation dB of the scene-wide log-ratio offset (logratio.scene_offsets), so that darkening is
    measured as the log-ratio measures it; None for other pairs (no flood water is added)."""
    log_ratios: Optional[TileLogRatios] = None
    """SAR pairs: each tile's signed log-ratios less ``sar_offsets`` (the log-ratio method's own, when it runs)."""
    height_sign: int = 0
    """Height pairs: +1 when the prompt gains built-up (built-up → built-up kept only where the height rose by more than
    the noise floor MIN_CHANGE_M), -1 when it loses built-up (kept only where it fell by more: a building lowered), 0
    otherwise."""
    height_offset: float = 0.0
    """The median AFTER − BEFORE height difference of the sample (the dates' vertical offset), the level of no change."""

    @property
    def from_keys(self) -> list[str]:
        """The BEFORE classes as change-map classes (prompts are matched against these)."""
        return self.from_ids or self.from_names

    @property
    def context(self) -> int:
        """Pixels of context the maps need around a tile: the index rules a few (5x5 SAR despeckling), the networks
        (building head, land-cover network water) their receptive field: with 2 px, from/to classes changed with the
        tile size on a 0.5 m pair."""
        engines = [e for e in (self.before_engine, self.after_engine) if e is not None]
        deep = any(r.families() & NETWORK_FAMILIES for e in engines for r in e.rules.values())
        return NETWORK_CONTEXT if deep else RULES_CONTEXT

    @property
    def available(self) -> bool:
        """True when at least one real class (not only 'other') exists on both sides."""
        return len(self.to_names) > 1

    @property
    def built_up_cell(self) -> Optional[tuple[int, int]]:
        """(BEFORE, AFTER) indices of the built-up class (buildings refine it), or None when a date has none."""
        b, a = (next((i for i, n in enumerate(names) if "built_up" in _with_parents([n])), None)
                for names in (self.from_keys, self.to_names))
        return None if b is None or a is None else (b, a)

    def against_height(self, block: PairBlock, from_scores: np.ndarray, to_scores: np.ndarray) -> Optional[np.ndarray]:
        """(h, w) pixels built-up on both dates whose height did not move the prompt's way by more than the height noise
        floor MIN_CHANGE_M (for a gain: fell, or moved within ± the floor, where noise alone would decide the direction),
        or None when the prompt or the pair has no height direction."""
        cell = self.built_up_cell
        if not self.height_sign or cell is None:
            return None
        i = block.roles.index("height")
        rise = (block.after[i] - block.before[i] - np.float32(self.height_offset)) * self.height_sign
        both = (np.argmax(from_scores, axis=0) == cell[0]) & (np.argmax(to_scores, axis=0) == cell[1])
        return both & ~(rise > np.float32(MIN_CHANGE_M))

    def scores(self, block: PairBlock, grid: Grid, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """(K_from, h, w) and (K_to, h, w) class scores for a block (argmax gives the class)."""
        before_darker = after_darker = None
        if self.log_ratios is not None and "water" in self.to_names:
            d = self.log_ratios(block).mean(axis=0)
            before_darker, after_darker = d >= FLOOD_STEP_DB, d <= -FLOOD_STEP_DB
        return (self._side(block, "before", grid, window, before_darker),
                self._side(block, "after", grid, window, after_darker))

    def _side(self, block: PairBlock, which: str, grid: Grid, window: Window,
              darker: Optional[np.ndarray] = None) -> np.ndarray:
        shape = block.valid.shape
        if which == "before" and self.reference is not None:
            data = self.reference.read_on_grid(grid, window=window, bands=[1], resampling=Resampling.nearest)
            vals = np.asarray(data.data)[0]
            covered = ~np.ma.getmaskarray(data)[0]  # outside the map (or nodata) the read fills 0, which may be a class
            known = np.zeros(shape, dtype=bool)
            out = np.zeros((len(self.from_names), *shape), dtype=np.float32)
            for k, v in enumerate(self.reference_values):
                hit = (vals == v) & covered
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
        bands = block.bands(which)
        sc = engine.scores(BandSet(bands, block.valid))
        if darker is not None and darker.any():  # SAR: water that is darker on this date than on the other (flooding)
            w = names.index("water")
            near = engine.scores(BandSet({r: b - np.float32(FLOOD_MARGIN_DB) for r, b in bands.items()}, block.valid))[w]
            sc[w] = np.where(darker, np.maximum(sc[w], near), sc[w])
        sc = give_precedence(sc, self.first)  # as in a land-cover map: water wherever it reaches 0.5
        out[:-1] = sc
        out[-1] = np.where(sc.max(axis=0) >= 0.5, 0.0, 1.0)
        return out


UNUSED_FAMILIES = frozenset({"cloudnet", "classifier"})
"""Rule families the change maps never use: no cloud network, and the index rules rather than the land-cover classifier."""


def _mappable(concept: str, roles: set[str], pixel_m: float = 10.0) -> bool:
    """Whether the land-cover engine has a rule for the concept with these bands at this pixel size."""
    unusable = UNUSED_FAMILIES | head_unusable(roles, pixel_m)
    return concept in supported_concepts() and select_rules(concept, roles, unusable) is not None


def semantic_concepts(roles: set[str], spec: Optional[dict] = None, pixel_m: float = 10.0) -> list[str]:
    """Concepts from the catalogue's semantic list the land-cover engine can map with these bands; a stand-in takes the
    place of a class it cannot map (buildings for built-up on a photo); a refinement the prompt names first (forest for
    'deforestation') takes its parent's place when it can be mapped."""
    cat = catalogue()
    concepts = []
    for c in cat["semantic_classes"]:
        part = c if _mappable(c, roles, pixel_m) else stand_in(c, roles, pixel_m, UNUSED_FAMILIES)
        if part:
            concepts.append(part)
    if spec:
        named = [c for one in spec.get("parts", [spec]) for side in (one["from"], one["to"]) for alt in side[:1]
                 if isinstance(alt, list) for c in alt]
        for child in named:
            parent = cat.get("refinements", {}).get(child)
            if parent in concepts and _mappable(child, roles, pixel_m):
                concepts[concepts.index(parent)] = child
    return concepts


def height_direction(spec: Optional[dict]) -> int:
    """+1 for a prompt that gains built-up ('new buildings', 'urban expansion'), -1 for one that loses it ('demolished
    buildings'), 0 for any other (several changes in one prompt included)."""
    if not spec or "parts" in spec:
        return 0
    to_alt = next((alt for alt in spec.get("to", []) if isinstance(alt, list)), [])
    from_alt = next((alt for alt in spec.get("from", []) if isinstance(alt, list)), [])
    if "built_up" in _with_parents(to_alt) and spec.get("from") in (["*"], ["not_to"]):
        return 1
    if "built_up" in _with_parents(from_alt) and spec.get("to") == ["not_from"]:
        return -1
    return 0


def build_class_maps(roles: list[str], sample: list[PairBlock], reference: Optional[str] = None,
                     grid: Optional[Grid] = None, calibrated: bool = True, spec: Optional[dict] = None,
                     reference_layer: Optional[LayerSettings] = None,
                     log_ratios: Optional[TileLogRatios] = None) -> ClassMaps:
    """Fit per-date land-cover engines on the sample (and read the reference map's classes; ``reference_layer``: what
    was set on its raster layer in QGIS, see layer_settings.LayerSettings).

    ``calibrated``: the optical values are reflectance; when not, the engines subtract dark objects first.
    ``spec``: the change prompt's from/to, whose finer classes (forest) replace their parent in the maps.
    ``log_ratios``: the fitted log-ratio method's tiles (SAR), shared rather than computed again."""
    pixel_m = pixel_size_m(grid) if grid is not None else 10.0
    concepts = semantic_concepts(set(roles), spec, pixel_m)
    to_names = concepts + [OTHER]
    notes: list[str] = []
    before_eng = after_eng = None
    if concepts:
        # index rules, not the land-cover classifier: on the OSCD cities no network trained on, change prompts lost with it
        # ('new buildings' F1 0.37 -> 0.30, precision 0.72 -> 0.61): construction sites read as bare soil to it
        # water from the land-cover network where the rules' is weak (no SWIR: RGB, RGB+NIR), as a land-cover run takes it
        before_eng, after_eng = (SpectralEngine(concepts, set(roles), Context(pixel_m=pixel_m, cloud_mask=False,
                                                                              reflectance=calibrated, classifier=False,
                                                                              network=True))
                               for _ in range(2))
        for eng, which in ((before_eng, "before"), (after_eng, "after")):
            include_left_out(eng)
            bands = {r: np.concatenate([b.bands(which)[r][b.valid] for b in sample])[None] for r in roles}
            valid = np.ones_like(next(iter(bands.values())), dtype=bool)
            eng.fit(BandSet(bands, valid))
            rules = separator().join(eng.explain())
            notes.append(_t("Land cover BEFORE: {rules}", rules=rules) if which == "before"
                         else _t("Land cover AFTER: {rules}", rules=rules))
    else:
        notes.append(_t("Land cover: the land-cover engine maps no class with these bands, so from/to classes are unknown"))
    first = map_first(before_eng, concepts) if before_eng is not None else []
    maps = ClassMaps(list(to_names), to_names, before_eng, after_eng, notes=notes, first=first)
    if set(roles) <= SAR_ROLES and "water" in concepts and sample:  # a SAR pair (not SAR stacked with optical bands)
        if log_ratios is None:
            log_ratios = TileLogRatios(sar_offsets(sample))
        maps.log_ratios = log_ratios
        maps.sar_offsets = log_ratios.offsets if log_ratios.offsets is not None else np.zeros(len(roles))
        notes.append(_t("water on the darker date also where the backscatter fell by {step} dB or more to within {margin} "
                        "dB of that date's water threshold (shallow or partly flooded ground)",
                        step=number(FLOOD_STEP_DB, 0), margin=number(FLOOD_MARGIN_DB, 0)))
    if "height" in roles and sample:
        maps.height_sign = height_direction(spec)
        i = roles.index("height")
        diffs = np.concatenate([(b.after[i] - b.before[i])[b.valid] for b in sample])
        maps.height_offset = float(np.median(diffs)) if diffs.size else 0.0  # no valid pixel: no offset (not NaN)
    if reference:
        from ..raster import open_raster
        from .reference import VectorReference, is_vector

        ref = (VectorReference(reference, grid.crs) if is_vector(reference)
               else open_raster(reference, expand_palette=False, layer=reference_layer))
        names, values = reference_classes(ref, grid, notes)
        if grid is not None:
            covered, classified = reference_coverage(ref, values, grid)
            if classified == 0.0:
                raise InputError(_t("The reference map '{name}' does not cover the pair's common area.", name=os.path.basename(reference)),
                                 _t("Choose a land-cover map of the same place (check the CRS it is in)."))
            if covered < 0.95:
                notes.append(_t("the reference map covers {pct} % of the area; elsewhere the BEFORE class is 'other'",
                                pct=number(100.0 * covered, 1)))
            if covered - classified >= 0.0005:
                notes.append(_t("{pct} % of the area is unclassified in the reference map (a value that names no class, "
                                "such as 0); the BEFORE class is 'other' there", pct=number(100.0 * (covered - classified), 1)))
        maps.reference, maps.reference_values = ref, values
        maps.from_names = names + [OTHER]
        maps.from_ids = reference_class_ids(names, maps.notes) + [OTHER]
        field = getattr(ref, "field", None)
        maps.notes.insert(0, _t("BEFORE classes from the reference map '{name}' (field '{field}'): {classes}",
                                name=os.path.basename(reference), field=field, classes=", ".join(names)) if field else
                          _t("BEFORE classes from the reference map '{name}': {classes}", name=os.path.basename(reference),
                             classes=", ".join(names)))
    return maps


def sar_offsets(sample: list[PairBlock]) -> np.ndarray:
    """Per polarisation dB of the scene-wide log-ratio offset, as the log-ratio method removes it (logratio.scene_offsets)."""
    return scene_offsets(np.concatenate([signed_log_ratios(b)[:, b.valid] for b in sample], axis=1))[1]


def include_left_out(engine: SpectralEngine) -> None:
    """Drop the requirements that leave pixels to a class the change maps do not have (bare soil's 'not sand', a
    floored any_of): the change maps file sand under bare soil, as a filled land-cover map does and as a 'sand' prompt
    is followed (since bare soil left sand out, 'sand to built-up' kept 0.03 ha of Abu Dhabi's desert construction)."""
    for cr in engine.all_rules():
        for v in cr.variants:
            kept = [r for r in v.requires if getattr(r, "floor", None) is None]
            if len(kept) < len(v.requires):
                v.requires = kept
                v.name = catalogue()["rule_names"].get(cr.concept, v.name)


def reference_coverage(ref, values: list[int], grid: Grid, cells: int = 256) -> tuple[float, float]:
    """(covered, classified): shares of the grid's area where the reference map has a value (not nodata; polygons:
    inside one) and where that value is one of its classes (not 0 'unclassified'), read on a coarse copy of the grid
    (a map of another place, or polygons in another CRS than they say, cover nothing)."""
    from affine import Affine
    from .reference import VectorReference

    f = max(1, math.ceil(max(grid.width, grid.height) / cells))
    coarse = Grid(grid.crs, grid.transform * Affine.scale(f), math.ceil(grid.width / f), math.ceil(grid.height / f))
    data = ref.read_on_grid(coarse, bands=[1], resampling=Resampling.nearest)
    vals = np.asarray(data.data)[0]
    valid = ~np.ma.getmaskarray(data)[0] & np.isfinite(vals)
    known = np.isin(vals, values) & valid
    # polygons read 0 outside every polygon: not covered there
    return float((known if isinstance(ref, VectorReference) else valid).mean()), float(known.mean())


def _legends() -> list[dict]:
    """The published legends of models/legends.json (the entries with a file name)."""
    return [v for v in load_json("legends.json").values() if isinstance(v, dict) and "file_name" in v]


def legend_by_name(path: str) -> Optional[dict]:
    """The legend of a published land-cover map recognised by its file name (ESA WorldCover, Dynamic World, Esri LULC,
    CORINE), or None."""
    name = os.path.basename(path).lower()
    return next((legend for legend in _legends() if re.search(legend["file_name"], name)), None)


def legend_by_values(values: list[int]) -> Optional[dict]:
    """The legend whose codes hold every one of a map's class values (three at least: 10 and 20 alone could be any
    map's; fill 0/255 left out), among those whose codes are distinctive ('by_values': WorldCover's 10..100, CORINE's
    111..523), or None."""
    if len(set(values)) < 3:
        return None
    return next((legend for legend in _legends()
                 if legend.get("by_values") and {str(v) for v in values} <= set(legend["classes"])), None)


def legend_concepts() -> dict[str, str]:
    """{lower-case class name: concept} for the classes of every published legend that stand for a concept."""
    return {legend["classes"][v].lower(): c for legend in _legends() for v, c in legend.get("concepts", {}).items()}


def _reference_names() -> dict:
    """Reference class names that are fill, and words that make a class name vegetation (models/legends.json)."""
    return load_json("legends.json")["reference_names"]


def is_fill_name(name: str) -> bool:
    """Whether a reference class name means no class ('No data', 'NoData', 'Unclassified', 'Background')."""
    return re.sub(r"[\s_-]+", " ", name.lower()).strip(" .") in _reference_names()["fill"]


def gdal_class_names(path: str) -> dict[int, str]:
    """Class names a raster stores itself: GDAL category names (value = index) or a raster attribute table with a
    name column; empty when it stores none. Read through gdal.Info's JSON (the bindings' GetCategoryNames returns None
    for categories kept in a .aux.xml)."""
    try:
        from osgeo import gdal

        gdal.PushErrorHandler("CPLQuietErrorHandler")
        try:
            info = gdal.Info(path, format="json", showMetadata=False)
        finally:
            gdal.PopErrorHandler()
        band = info["bands"][0]
    except Exception:  # not a GDAL raster here (a polygon map)
        return {}
    out = {i: str(n).strip() for i, n in enumerate(band.get("categories") or []) if str(n).strip()}
    rat = band.get("rat") or info.get("rat") or {}  # GDAL 3.6 puts the first band's table at the top level
    cols = {f.get("usage"): f.get("index") for f in rat.get("fieldDefn", [])}
    name_col, value_col = cols.get(gdal.GFU_Name), cols.get(gdal.GFU_MinMax, cols.get(gdal.GFU_Min))
    if not out and name_col is not None and value_col is not None:
        for row in rat.get("row", []):
            f = row.get("f", [])
            if max(name_col, value_col) < len(f) and str(f[name_col]).strip():
                out[int(f[value_col])] = str(f[name_col]).strip()
    return out


MEANING_SURE = 0.75
"""Least sentence-encoder score at which a reference class name is read by its meaning alone: a map's legend is written
as meant, so spelling guesses are never taken ('Terres arables' read as 'arbres', forest) and weak meanings are left
unread ('Peat bogs' 0.58 water, 'Artificial surfaces' 0.60 roads, 'Terre arable' 0.70 before it became a phrase)."""
MAX_LISTED = 8
"""Reference class names listed in the 'not read' note before the rest are counted."""
CONTINUOUS_VALUES = 50
"""Distinct integer values above which a reference raster is taken for a continuous one (NDVI x 10000: 8180 values; a
CORINE map has 44 classes)."""


def name_class(name: str, table: dict[str, str]) -> Optional[str]:
    """The change-map class a reference class name stands for, or None: a published legend's name as the legend reads
    it, a wetland as vegetation, else the name read as a prompt when every concept it names was matched by a phrase or
    surely by meaning and all give one class ('No data' names the whole land-cover list: none)."""
    low = name.lower()
    concept = legend_concepts().get(low)
    if concept is None and any(whole_words(w).search(low) for w in _reference_names()["vegetation"]):
        concept = "vegetation"
    if concept is not None:
        return table.get(concept)
    parsed = _concepts_of(low)
    if parsed is None or parsed.full_map:
        return None
    if not all(m.kind == "synonym" or (m.kind == "meaning" and m.score >= MEANING_SURE) for m in parsed.concepts):
        return None
    classes = {table.get(m.concept) for m in parsed.concepts}
    return classes.pop() if len(classes) == 1 else None


def listed(names: list[str]) -> str:
    """Names joined for a note, the ones past MAX_LISTED counted."""
    shown = ", ".join(names[:MAX_LISTED])
    return shown if len(names) <= MAX_LISTED else _t("{names} and {n} more", names=shown, n=len(names) - MAX_LISTED)


def reference_class_ids(names: list[str], notes: list[str]) -> list[str]:
    """The change-map class each reference class name stands for ('tree cover' → forest, 'Cropland' → vegetation), or
    the name itself when it names none ('class 10'); notes list the readings and the names not read."""
    table = concept_classes()
    classes = [name_class(name, table) for name in names]
    read = [f"{name} → {class_label(cls)}" for name, cls in zip(names, classes) if cls]
    unread = [name for name, cls in zip(names, classes) if not cls]
    if read:
        notes.append(_t("reference classes read as change-map classes: {pairs}", pairs=", ".join(read)))
    if unread:
        notes.append(_t("not read as a change-map class (each counts as a class of its own): {names}", names=listed(unread)))
    return [cls or name for name, cls in zip(names, classes)]


def area_values(ref: RasterSource, grid: Grid, block: int = 2048, enough: int = 1000) -> np.ndarray:
    """The distinct values the reference raster holds on the pair's grid (nodata left out), read window by window at the
    grid's resolution: a sample of the whole file missed the classes of a small area in a large map. Stops past
    ``enough`` values (a continuous raster)."""
    found = np.zeros(0, np.float64)
    for row in range(0, grid.height, block):
        for col in range(0, grid.width, block):
            window = Window(col, row, min(block, grid.width - col), min(block, grid.height - row))
            data = ref.read_on_grid(grid, window=window, bands=[1], resampling=Resampling.nearest).compressed()
            found = np.union1d(found, data[np.isfinite(data)])
            if found.size > enough:
                return found
    return found


def reference_classes(ref: RasterSource, grid: Optional[Grid] = None, notes: Optional[list[str]] = None,
                      max_classes: int = 14) -> tuple[list[str], list[int]]:
    """Class names and values of a reference land-cover map (TERRAPROMPT_CLASSES tag, else the values it holds on the
    pair's grid, or in a sample of the whole file without a grid), fill names ('No data') left out; ``notes`` gets the
    legend read from the values alone."""
    tag = ref.tags.get("TERRAPROMPT_CLASSES", "")
    pairs: list[tuple[int, str]] = []
    name = os.path.basename(ref.path)
    if tag:
        for item in tag.split(";"):
            if "=" in item:
                v, n = item.split("=", 1)
                if v.strip().isdigit() and not is_fill_name(n.strip()):
                    pairs.append((int(v), n.strip()))
    else:
        s = area_values(ref, grid) if grid is not None else ref.sample(bands=[1], max_pixels=250_000).compressed()
        if s.size and not np.allclose(s, np.round(s)):
            raise InputError(_t("The reference map '{name}' has fractional values; it must be a class raster.", name=name),
                             _t("Use a land-cover map with integer class values (e.g. the output of extract_landcover)."))
        values = sorted({int(v) for v in np.round(s)})
        if len(values) > CONTINUOUS_VALUES:
            raise InputError(_t("The reference map '{name}' has {n} distinct values: it looks like a continuous raster (NDVI, "
                                "a DEM), not a land-cover map.", name=name, n=len(values) if len(values) <= 1000 else "> 1000"),
                             _t("Choose a land-cover class raster (e.g. the output of extract_landcover), or classify this "
                                "one into a few classes first (Raster > Reclassify by table)."))
        own = gdal_class_names(ref.path)
        legend = legend_by_name(ref.path)
        if legend is None and not own:
            legend = legend_by_values([v for v in values if v not in (0, 255)])
            if legend is not None and notes is not None:
                notes.append(_t("the reference map's class values are all codes of {legend}: its classes are named so",
                                legend=legend["label"]))
        named = {**({int(v): n for v, n in legend["classes"].items()} if legend else {}), **own}
        fill = {v for v, n in named.items() if is_fill_name(n)}
        # 0 and 255 are fill in most class rasters, unless the map names them (Dynamic World's water is 0)
        pairs = [(v, named.get(v) or f"class {v}") for v in values if (v not in (0, 255) or v in named) and v not in fill]
    if not pairs:
        raise InputError(_t("The reference map '{name}' holds no class values.", name=name),
                         _t("Choose a land-cover class raster."))
    if len(pairs) > max_classes:
        raise InputError(_t("The reference map has {n} classes; at most {max} are supported.", n=len(pairs), max=max_classes),
                         _t("Reclassify it to fewer classes (Raster > Reclassify by table) and run again."))
    return [n for _, n in pairs], [v for v, _ in pairs]


def _with_parents(names) -> set[str]:
    """Change-map classes and the classes they refine (forest is vegetation too)."""
    parents = {k: v for k, v in catalogue().get("refinements", {}).items() if not k.startswith("_")}
    return set(names) | {parents[n] for n in names if n in parents}


def _side_mask(spec: list, names: list[str]) -> Optional[np.ndarray]:
    """Which classes a side of a prompt keeps (a refined class counts as its parent: forest is vegetation); None for
    'not_to'/'not_from' (resolved against the other side)."""
    if spec in (["not_to"], ["not_from"]):
        return None
    if spec == ["*"]:
        return np.ones(len(names), dtype=bool)
    for alt in spec:
        mask = np.array([bool(_with_parents([n]) & set(alt)) for n in names])
        if mask.any():
            return mask
    return np.zeros(len(names), dtype=bool)


def select_transitions(prompt: ChangePrompt, maps: ClassMaps) -> tuple[np.ndarray, str]:
    """(K_from, K_to) boolean table of transitions the prompt keeps, and a sentence saying which."""
    if prompt.id == "several":  # what any part keeps
        tables = [select_transitions(ChangePrompt("part", prompt.label, "", spec=spec), maps)[0]
                  for spec in prompt.spec["parts"]]
        notes = [n for spec in prompt.spec["parts"] for n in fallback_notes(spec, maps)]
        return _kept(np.logical_or.reduce(tables), maps, list(dict.fromkeys(notes)))
    p = prompt.spec or catalogue()["prompts"][prompt.id]
    kf, kt = len(maps.from_names), len(maps.to_names)
    if prompt.id == "any_change":
        return np.ones((kf, kt), dtype=bool), _t("all changes are kept")
    if not maps.available and maps.reference is None:
        raise PromptError(_t("The prompt '{label}' needs land-cover classes, but none can be mapped from these bands.", label=_t(prompt.label)),
                          _t("Use rasters with red/NIR (vegetation) or green/SWIR/NIR (water) bands, give a REFERENCE_MAP, "
                             "or prompt {any}.", any=any_change()))
    _refuse_unread_reference(prompt, p, maps)
    fm, tm = _side_mask(p["from"], maps.from_keys), _side_mask(p["to"], maps.to_names)
    for mask, spec in ((fm, p["from"]), (tm, p["to"])):
        if mask is not None and not mask.any() and spec is p["from"] and maps.reference is not None:
            raise PromptError(_t("The prompt '{label}' needs the BEFORE class '{cls}', and no class of the reference map "
                                 "names it ({classes}).", label=_t(prompt.label), cls=class_label(spec[0][0]),
                                 classes=", ".join(maps.from_names[:-1])),
                              _t("Name the reference map's classes (a polygon map with a class field, or the raster tag "
                                 "TERRAPROMPT_CLASSES such as {tag}), or prompt {any}.", tag=quoted("1=water;2=forest"),
                                 any=any_change()))
        if mask is not None and not mask.any():
            raise PromptError(_t("The prompt '{label}' needs the class '{cls}', which cannot be mapped from these bands.",
                                 label=_t(prompt.label), cls=class_label(spec[0][0])),
                              _t("Use rasters with the bands that show it (e.g. NIR for vegetation), give a REFERENCE_MAP, "
                                 "or prompt {any}.", any=any_change()))
    # the other side of a loss or gain: any class that is not the kept one nor refines it (forest to grassland is
    # deforestation; cropland to forest is no vegetation loss)
    if fm is None:
        kept_to = {maps.to_names[j] for j in np.nonzero(tm)[0]}
        fm = np.array([not (_with_parents([n]) & kept_to) for n in maps.from_keys])
    if tm is None:
        kept_from = {maps.from_keys[i] for i in np.nonzero(fm)[0]}
        tm = np.array([not (_with_parents([n]) & kept_from) for n in maps.to_names])
    table = fm[:, None] & tm[None, :]
    cell = maps.built_up_cell
    if maps.height_sign < 0 and cell is not None:
        table[cell] = True  # a building lowered is a loss of built-up too
    return _kept(table, maps, fallback_notes(p, maps) + height_notes(maps, table))


def height_notes(maps: ClassMaps, table: np.ndarray) -> list[str]:
    """The note saying that built-up → built-up is kept only where the height moved the prompt's way ([] else)."""
    cell = maps.built_up_cell
    if not maps.height_sign or cell is None or not table[cell]:
        return []
    b, a = cell
    pair = f"{class_label(maps.from_names[b])} → {class_label(maps.to_names[a])}"
    floor = number(MIN_CHANGE_M, 1)
    return [_t("{pair} only where the height rose by more than {floor} m", pair=pair, floor=floor) if maps.height_sign > 0
            else _t("{pair} only where the height fell by more than {floor} m (a building lowered)", pair=pair, floor=floor)]


def _refuse_unread_reference(prompt: ChangePrompt, spec: dict, maps: ClassMaps) -> None:
    """PromptError for a gain prompt ('urban expansion': from anything that is not built-up) on a reference map none of
    whose classes is read as a change-map class: every class, built-up ones too, would count as 'not built-up'."""
    if maps.reference is None or spec["from"] != ["not_to"]:
        return
    classes = set(concept_classes().values())
    if any(k in classes for k in maps.from_keys[:-1]):
        return
    wanted = next((alt for alt in spec["to"] if isinstance(alt, list)), [OTHER])
    cls = " + ".join(class_label(c) for c in wanted)
    raise PromptError(_t("The prompt '{label}' keeps changes from every BEFORE class that is not {cls}, and no class of the "
                         "reference map is read as a change-map class ({classes}): {cls} → {cls} would be kept as new.",
                         label=_t(prompt.label), cls=cls, classes=listed(maps.from_names[:-1])),
                      _t("Name the reference map's classes (a polygon map with a class field, GDAL category names, or the "
                         "raster tag TERRAPROMPT_CLASSES such as {tag}; ESA WorldCover, Dynamic World, Esri and CORINE maps "
                         "are named by their file name), or prompt {any}.", tag=quoted("1=water;2=forest"), any=any_change()))


def _kept(table: np.ndarray, maps: ClassMaps, notes: Optional[list[str]] = None) -> tuple[np.ndarray, str]:
    """The transition table and the sentence naming what it keeps (and which class stands in for one not mapped)."""
    kept = [f"{class_label(maps.from_names[i])} → {class_label(maps.to_names[j])}" for i, j in zip(*np.nonzero(table))]
    line = _t("kept transitions: {transitions}", transitions=", ".join(kept) if kept else _t("none"))
    return table, separator().join([line] + (notes or []))


def fallback_notes(spec: dict, maps: ClassMaps) -> list[str]:
    """Notes for each side of a prompt whose first class cannot be mapped, so that a later alternative stands in
    ('new buildings' without SWIR: 'other' for built-up), as the catalogue's 'from'/'to' alternatives allow."""
    notes = []
    for side, names in ((spec.get("from", []), maps.from_keys), (spec.get("to", []), maps.to_names)):
        alts = [a for a in side if isinstance(a, list)]
        used = next((k for k, alt in enumerate(alts) if any(_with_parents([n]) & set(alt) for n in names)), 0)
        if used == 0:
            continue
        wanted = " + ".join(class_label(c) for c in alts[0])
        if alts[used] == [OTHER]:
            mapped = ", ".join(class_label(n) for n in names if n != OTHER)
            notes.append(_t("{wanted} cannot be mapped from these bands; 'other' (everything but {classes}) stands in for it",
                            wanted=wanted, classes=mapped))
        else:
            notes.append(_t("{wanted} cannot be mapped from these bands; {alt} stands in for it", wanted=wanted,
                            alt=" + ".join(class_label(c) for c in alts[used])))
    return notes


BUILT_UP_MOST = 0.5
"""BEFORE built-up share above which 'urban expansion' is cautioned (OSCD Abu Dhabi 76 %, mostly desert to the
Land cover tab's map, Aguas Claras 69 %, Bordeaux 59 %: 'urban growth' recall 0.10, 0.03, 0.07 against 'new buildings'
0.45, 0.12, 0.27; the other seven cities 18-43 %)."""
WATER_RATIO = 3.0
"""One date's water share this many times the other's (and at least 5 %) is cautioned (OSCD Bercy 36 % in November
against 5.5 % in August: street shadows; the other nine cities within a factor of 2)."""


def share_cautions(maps: ClassMaps, table: np.ndarray, all_m2: np.ndarray) -> list[str]:
    """Cautions read from both dates' class shares (``all_m2``: area per from→to class pair over the compared area):
    built-up covering most of BEFORE where the prompt drops built-up → built-up, and water on one date many times the
    other's (optical pairs only: street shadows and haze are optical; and not when the prompt asks for a change from or
    to water, where the difference is the point)."""
    total = float(all_m2.sum())
    if maps.reference is not None or not maps.available or total <= 0:
        return []
    names, out = maps.to_names, []
    before, after = all_m2.sum(axis=1) / total, all_m2.sum(axis=0) / total
    if "built_up" in names:
        b = names.index("built_up")
        if table[:, b].any() and not table[b, b] and before[b] >= BUILT_UP_MOST:
            out.append(_t("built-up covers {pct} of BEFORE: bare ground and sand that the index rule reads as built-up "
                          "are not kept when built on (construction on open land is dropped); {new} keeps them, or give "
                          "a REFERENCE_MAP of BEFORE (such as the Land cover tab's map of that date)",
                          pct=percent(before[b]), new=examples("new buildings")))
    if "water" in names and maps.sar_offsets is None and not water_asked(table, names.index("water")):
        w = names.index("water")
        hi, lo = max(before[w], after[w]), min(before[w], after[w])
        if hi >= 0.05 and hi >= WATER_RATIO * max(lo, 1e-3):
            out.append(_t("water covers {before} of BEFORE and {after} of AFTER: unless the water itself changed (a flood, "
                          "a drained lake), dark street shadows or haze read as water on one date (winter cities), and "
                          "changes from or to water are doubtful", before=percent(before[w], 1), after=percent(after[w], 1)))
    return out


def water_asked(table: np.ndarray, w: int) -> bool:
    """Whether every transition a prompt keeps starts or ends in water (class ``w``): 'flooding', 'water to land'."""
    rows, cols = np.nonzero(table)
    return bool(rows.size) and not table.all() and bool(np.all((rows == w) | (cols == w)))


def prompt_accuracy(prompt: ChangePrompt, method: str, subset: Optional[str]) -> str:
    """The prompt's own held-out figure (the catalogue's 'held_out', measured as the README's table says) when this run's
    method and bands are the ones it was measured with, so that 'urban expansion' does not borrow any change's; '' else."""
    held = (prompt.spec or {}).get("held_out") or catalogue()["prompts"].get(prompt.id, {}).get("held_out")
    if not held or held["method"] != method or held["subset"] != subset:
        return ""
    return _t("'{label}' itself: pooled F1 {f1} (precision {p}, recall {r}) on held-out OSCD cities (urban-change labels)",
              label=_t(prompt.label), f1=number(held["F1"], 2), p=number(held["P"], 2), r=number(held["R"], 2))


def describe_change_prompt(text: str) -> tuple[bool, str]:
    """(ok, line) for the dock as the analyst types: the change a prompt keeps, or why it is refused; never waits."""
    try:
        p = parse_change_prompt(text, wait_for_encoder=False)
    except PromptError as exc:
        return False, str(exc)
    line = _t("Will keep: {change}", change=_t(p.label))
    size = ([f"≥ {quantity(p.min_area_m2)} m²"] if p.min_area_m2 else []) + ([f"≤ {quantity(p.max_area_m2)} m²"] if p.max_area_m2 else [])
    return True, separator().join([line] + ([_t("polygons {range}", range=" ".join(size))] if size else []) + p.notes)
