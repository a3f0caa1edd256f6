"""Spectral-prior engine: concepts from indices and backscatter with scene-adaptive thresholds.

No training: each concept has rules (an index, a direction, a plausible
threshold range). The best rules the available bands allow are chosen, their
thresholds fitted by Otsu on a decimated sample of the scene, and each rule
gives a soft score (a logistic of the distance to the threshold). Several rules
for one concept (e.g. MNDWI and SAR VV for water) are fused by averaging logits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ..errors import ModalityError
from ..stack import BandSet
from . import indices as ix
from .thresholds import adaptive_threshold


@dataclass(frozen=True)
class Rule:
    """index(bands) compared with a threshold: score high on the ``above`` side."""

    name: str
    needs: tuple[str, ...]
    index: Callable[[BandSet], np.ndarray]
    above: bool
    default: float
    lo: float
    hi: float
    softness: float
    family: str = "optical"


def _b(bs: BandSet, *roles: str) -> list[np.ndarray]:
    return [bs.bands[r] for r in roles]


RULES: dict[str, list[Rule]] = {
    "water": [
        Rule("MNDWI", ("green", "swir1"), lambda bs: ix.mndwi(*_b(bs, "green", "swir1")), True, 0.1, 0.0, 0.4, 0.05),
        Rule("NDWI", ("green", "nir"), lambda bs: ix.ndwi(*_b(bs, "green", "nir")), True, 0.05, -0.05, 0.3, 0.05),
        Rule("SAR VV (dB)", ("vv",), lambda bs: bs.bands["vv"], False, -16.0, -22.0, -12.0, 1.0, "sar"),
        Rule("SAR VH (dB)", ("vh",), lambda bs: bs.bands["vh"], False, -23.0, -30.0, -18.0, 1.0, "sar"),
        Rule("RGB blue/green dominance", ("red", "green", "blue"), lambda bs: ix.rgb_water(*_b(bs, "red", "green", "blue")), True, 0.0, -0.15, 0.1, 0.03, "rgb"),
    ],
    "vegetation": [
        Rule("NDVI", ("red", "nir"), lambda bs: ix.ndvi(*_b(bs, "red", "nir")), True, 0.35, 0.2, 0.55, 0.05),
        Rule("ExG (excess green)", ("red", "green", "blue"), lambda bs: ix.exg(*_b(bs, "red", "green", "blue")), True, 0.05, 0.0, 0.15, 0.02, "rgb"),
    ],
}
"""Rules per concept, best first within a family."""


def concept_rules(concept: str, roles: set[str]) -> list[Rule]:
    """The rules used for a concept: the best optical rule (or RGB fallback) plus the best SAR rule."""
    chosen: list[Rule] = []
    families_done: set[str] = set()
    for rule in RULES.get(concept, []):
        fam = "optical" if rule.family == "rgb" else rule.family
        if fam in families_done or not set(rule.needs) <= roles:
            continue
        chosen.append(rule)
        families_done.add(fam)
    return chosen


def supported_concepts() -> list[str]:
    """Concepts this engine can extract with some bands."""
    return list(RULES)


@dataclass
class FittedRule:
    """A rule with its scene threshold and how it was found."""

    rule: Rule
    threshold: float
    how: str

    def score(self, bs: BandSet) -> np.ndarray:
        """Logit of the rule's evidence (positive = concept)."""
        v = self.rule.index(bs)
        d = (v - self.threshold) if self.rule.above else (self.threshold - v)
        out = (d / self.rule.softness).astype(np.float32)
        return np.nan_to_num(out, nan=-10.0)

    def describe(self) -> str:
        side = ">" if self.rule.above else "<"
        return f"{self.rule.name} {side} {self.threshold:.3f} ({self.how}; bands {', '.join(self.rule.needs)})"


class SpectralEngine:
    """Soft scores for several concepts from the bands of a stack."""

    name = "spectral"

    def __init__(self, concepts: list[str], roles: set[str]) -> None:
        self.concepts = list(concepts)
        self.rules: dict[str, list[Rule]] = {}
        for c in self.concepts:
            rules = concept_rules(c, roles)
            if not rules:
                raise ModalityError(
                    f"The spectral engine cannot extract '{c}' from the bands given ({', '.join(sorted(roles))}).",
                    "Add bands that show it (e.g. NIR/SWIR for vegetation and water, VV for water on SAR), or change the prompt.")
            self.rules[c] = rules
        self.fitted: dict[str, list[FittedRule]] = {}

    def needed_roles(self) -> set[str]:
        """Bands to read for all rules."""
        return {r for rules in self.rules.values() for rule in rules for r in rule.needs}

    def fit(self, sample: BandSet) -> None:
        """Fit every rule's threshold on a decimated sample of the scene."""
        for c, rules in self.rules.items():
            fitted = []
            for rule in rules:
                v = rule.index(sample)[sample.valid]
                t, how = adaptive_threshold(v, rule.default, rule.lo, rule.hi)
                fitted.append(FittedRule(rule, t, how))
            self.fitted[c] = fitted

    def scores(self, bs: BandSet) -> np.ndarray:
        """(K, h, w) probabilities in [0, 1] for the concepts, in order."""
        out = np.empty((len(self.concepts), *bs.valid.shape), dtype=np.float32)
        for k, c in enumerate(self.concepts):
            logits = [fr.score(bs) for fr in self.fitted[c]]
            z = np.mean(logits, axis=0) if len(logits) > 1 else logits[0]
            out[k] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return out

    def explain(self) -> list[str]:
        """One line per concept: the rules and thresholds used."""
        lines = []
        for c in self.concepts:
            rules = " fused with ".join(fr.describe() for fr in self.fitted.get(c, []))
            lines.append(f"{c}: {rules}")
        return lines
