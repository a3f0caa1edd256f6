"""Translated text built in the Qt-free core (explanations, summaries), without Qt.

The English template is the key: ``t("Valid area: {area} m²", area=...)`` looks the
template up in ``i18n/core_<lang>.json`` ({english: translation}) and formats the
translation with the named fields; untranslated templates stay English. The QGIS
layer calls :func:`set_language` once with the locale its Qt translator uses.
"""
from __future__ import annotations

import json
import math
import os
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

I18N_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "i18n")
DEFAULT = "en"

_language = DEFAULT
_catalogues: dict[str, dict[str, str]] = {}


def normalise(code: Optional[str]) -> str:
    """'fr_FR', 'de-DE.UTF-8', 'FR' → 'fr'; empty, 'C' or 'POSIX' → 'en'."""
    lang = re.split(r"[_\-.@]", str(code or "").strip())[0].lower()
    return DEFAULT if lang in ("", "c", "posix") else lang


def set_language(code: Optional[str]) -> str:
    """Choose the language of core text for this process; returns the normalised code."""
    global _language
    _language = normalise(code)
    return _language


def language() -> str:
    """The language core text is currently produced in ('en' by default)."""
    return _language


def catalogue(lang: str) -> dict[str, str]:
    """The {english: translation} catalogue of a language, read once ({} when there is none)."""
    lang = normalise(lang)
    if lang not in _catalogues:
        data: dict[str, str] = {}
        path = os.path.join(I18N_DIR, f"core_{lang}.json")
        if lang != DEFAULT and os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as fh:
                    data = {k: v for k, v in json.load(fh).items() if not k.startswith("_") and isinstance(v, str) and v}
            except (OSError, ValueError, AttributeError):  # a damaged catalogue never breaks a run: English instead
                data = {}
        _catalogues[lang] = data
    return _catalogues[lang]


def t(template: str, **fields) -> str:
    """The template in the current language, formatted with the named fields (English when untranslated)."""
    text = catalogue(_language).get(template, template) if _language != DEFAULT else template
    if not fields:
        return text
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError):  # a broken translation never hides the result: fall back to English
        return template.format(**fields)


SEPARATORS = {"fr": ("\u202f", ","), "de": (".", ",")}
"""Thousands and decimal separators of the languages that do not write numbers as English does ('1 482,20' in French,
'1.482,20' in German)."""


def decimal(text: str) -> str:
    """A number already formatted the English way without grouping (f"{x:.3g}", f"{x:.2f}") with the language's decimal
    point (0,05 in French and German)."""
    if _language not in SEPARATORS:
        return text
    return text.replace(".", SEPARATORS[_language][1])


def separator() -> str:
    """The '; ' between the parts of a composed line, as the language writes it (French puts a space before ';')."""
    return t("; ")


def number(value: float, decimals: int = 0) -> str:
    """A number as the current language writes it, with thousands grouped: 1,482.20 / 1 482,20 / 1.482,20."""
    text = f"{value:,.{decimals}f}"
    if _language not in SEPARATORS:
        return text
    group, point = SEPARATORS[_language]
    return text.replace(",", "\0").replace(".", point).replace("\0", group)


def quantity(value: float) -> str:
    """A size as the language writes it, grouped, with decimals only when it has some ('5,000', '5.000', '0,5')."""
    if float(value).is_integer():
        return number(value)
    return number(value, 2 if abs(value) >= 1 else 4).rstrip("0").rstrip(".,")  # 9.999 → '10', not '10.'


def measure(value: float, localised: bool = True) -> str:
    """A pixel size, length or area for a sentence, never in e-notation, halves rounded up: below 10 to two significant
    digits, from 10 on to the whole number (0.04 → '0.04', 0.125 → '0.13', 2.5 → '2.5', 12.5 → '13', 62550 → '62,550');
    ``localised=False``: as the prompt parser reads it, whatever the language (no grouping, a decimal point: '62550')."""
    exact = Decimal(repr(float(value)))  # the float as written (12.5, 0.125), not its binary expansion
    v = abs(exact)
    digits = 0 if v == 0 or v >= 10 else max(0, 1 - int(math.floor(math.log10(v))))
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if digits == 0:
        return number(int(rounded)) if localised else str(int(rounded))
    text = format(rounded, "f").rstrip("0").rstrip(".")
    return decimal(text) if localised else text


def percent(fraction: float, decimals: int = 0) -> str:
    """A fraction as a percentage the way the language writes it ('63%', '63 %'), so one line never mixes both."""
    return t("{pct}%", pct=number(100.0 * fraction, decimals))


def quoted(text: str) -> str:
    """A phrase to type, in the language's quotation marks ('water', « eau », „Wasser“)."""
    return t("'{phrase}'", phrase=text)


def label_in_text(label: str) -> str:
    """A concept label inside a sentence: lower case, except in German where nouns keep their capital."""
    return label if _language == "de" else label.lower()
