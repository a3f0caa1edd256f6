"""Prompts: free text → land-cover concepts, exclusions and a minimum area.

"lakes and rivers larger than 1 ha", "all vegetation but not grass": the text is
split into clauses; each clause is matched to concepts of the catalogue
(``models/concepts.json``) by exact synonym phrases. Clauses after "except",
"but not", "without" or "excluding" are exclusions. Size qualifiers become a
minimum-area filter in square metres.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .catalog import load_json
from .errors import PromptError

MAX_PROMPT_CHARS = 500

_UNITS_M2 = {"m2": 1.0, "m²": 1.0, "sqm": 1.0, "sq m": 1.0, "square meters": 1.0, "square metres": 1.0,
             "square meter": 1.0, "square metre": 1.0, "ha": 10_000.0, "hectare": 10_000.0, "hectares": 10_000.0,
             "km2": 1e6, "km²": 1e6, "square kilometers": 1e6, "square kilometres": 1e6, "acre": 4046.856, "acres": 4046.856}
_SIZE = re.compile(
    r"(?:larger|bigger|greater|more|wider)\s+than|at\s+least|minimum(?:\s+of)?|min\.?|over|above|>=?|≥",
)
_NUMBER_UNIT = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*(" + "|".join(sorted((re.escape(u) for u in _UNITS_M2), key=len, reverse=True)) + r")(?![a-z])")
_EXCLUDE = re.compile(r"\b(?:except(?:\s+for)?|but\s+not|without|excluding|exclude|not|no)\b")


@dataclass
class ConceptMatch:
    """A concept found in the prompt, how sure, and from which words."""

    concept: str
    score: float
    via: str
    position: int = 0


@dataclass
class ParsedPrompt:
    """The concepts to extract (in prompt order), those to exclude, and a minimum area."""

    text: str
    concepts: list[ConceptMatch]
    excluded: list[ConceptMatch] = field(default_factory=list)
    min_area_m2: float = 0.0

    @property
    def names(self) -> list[str]:
        """Concept ids in output order (class value = index + 1)."""
        return [m.concept for m in self.concepts]


def concepts() -> dict:
    """The concept catalogue."""
    return load_json("concepts.json")["concepts"]


def normalise(text: str) -> str:
    """Lower case, NFKC, single spaces."""
    t = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", t).strip()


def parse_size(text: str) -> tuple[float, str]:
    """Minimum area in m² from a size qualifier, and the text without it."""
    t = text
    best = 0.0
    for m in _NUMBER_UNIT.finditer(t):
        before = t[max(0, m.start() - 25) : m.start()]
        if _SIZE.search(before):
            value = float(m.group(1).replace(",", "."))
            best = max(best, value * _UNITS_M2[m.group(2)])
    if best:
        t = _NUMBER_UNIT.sub(" ", t)
        t = _SIZE.sub(" ", t)
    return best, t


def match_synonyms(text: str) -> list[ConceptMatch]:
    """Concepts whose synonym phrases occur in the text (longest phrase wins an overlap)."""
    hits: list[tuple[int, int, str, str]] = []
    for cid, c in concepts().items():
        for syn in c["synonyms"]:
            for m in re.finditer(rf"(?<![\w-]){re.escape(syn)}(?![\w-])", text):
                hits.append((m.start(), m.end(), cid, syn))
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    taken: list[tuple[int, int]] = []
    out: dict[str, ConceptMatch] = {}
    for s, e, cid, syn in hits:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        if cid not in out or s < out[cid].position:
            out[cid] = ConceptMatch(cid, 1.0, f"synonym '{syn}'", s)
    return sorted(out.values(), key=lambda m: m.position)


def parse_prompt(text: str) -> ParsedPrompt:
    """Parse a prompt; raise :class:`PromptError` when it is empty or names no known concept."""
    if text is None or not text.strip():
        raise PromptError("The prompt is empty.", "Type what to extract, e.g. 'water' or 'vegetation except grass'.")
    if len(text) > MAX_PROMPT_CHARS:
        raise PromptError(f"The prompt is {len(text)} characters long.", f"Keep it under {MAX_PROMPT_CHARS} characters: name the land covers, e.g. 'lakes and rivers'.")
    t = normalise(text)
    min_area, t = parse_size(t)
    ex = _EXCLUDE.search(t)
    include_text, exclude_text = (t[: ex.start()], t[ex.end() :]) if ex else (t, "")
    wanted = match_synonyms(include_text)
    excluded = match_synonyms(exclude_text)
    for m in excluded:
        m.position += len(include_text)
    if not wanted:
        raise PromptError(
            f"'{text.strip()}' does not name a land cover TerraPrompt knows.",
            "Try one of: " + ", ".join(c["label"].lower() for c in concepts().values()) + ".")
    excluded_ids = {m.concept for m in excluded}
    wanted = [m for m in wanted if m.concept not in excluded_ids]
    if not wanted:
        raise PromptError(f"'{text.strip()}' excludes everything it asks for.", "Remove the exclusion or name another land cover.")
    return ParsedPrompt(text.strip(), wanted, excluded, min_area)
