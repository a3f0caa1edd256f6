"""Size qualifiers that were misread: an exclusion word before a size flipped a minimum into a maximum, 'no lakes smaller
than 1 ha' mapped everything but water, '500 m^2' was a height, '1 482,20 ha' lost its thousands, '1/2 ha', '½ ha' and
'10^4 m2' were 2 ha and 4 m², '1'000 m2' dropped the size, '1,500 ha' in French was a thousand times too large, and a
maximum of 0 meant no maximum."""
from __future__ import annotations

import pytest

from terraprompt.plugin.core import messages
from terraprompt.plugin.core import prompts as P
from terraprompt.plugin.core.change.semantic import parse_change_prompt
from terraprompt.plugin.core.errors import PromptError


@pytest.fixture(autouse=True)
def english_afterwards():
    """Each test may switch the core language; English again afterwards."""
    yield
    messages.set_language("en")


@pytest.mark.parametrize("text, low, high", [
    # an exclusion word before the qualifier negates it: the objects kept are the large ones
    ("water except areas smaller than 1 ha", 10_000.0, 0.0),
    ("forest except patches under 1 ha", 10_000.0, 0.0),
    ("water except those below 1000 m2", 1_000.0, 0.0),
    ("water without small ones under 1000 m2", 1_000.0, 0.0),
    ("water, ignore small patches under 1 ha", 10_000.0, 0.0),
    ("Wasser außer kleiner als 1 ha", 10_000.0, 0.0),
    ("eau sauf celles de moins de 1 ha", 10_000.0, 0.0),
    ("water excluding areas below 1 ha", 10_000.0, 0.0),
    # a negated concept at the start: that concept, at least that large
    ("no lakes smaller than 1 ha", 10_000.0, 0.0),
    ("no water smaller than 1 ha", 10_000.0, 0.0),
    # a caret square is an area, not a height
    ("water larger than 500 m^2", 500.0, 0.0),
    ("built-up larger than 1000 ft^2", 92.90304, 0.0),
    # French space groups with a decimal comma (the plugin's own French format)
    ("eau plus de 1 482,20 ha", 14_822_000.0, 0.0),
    ("eau plus de 2 500,75 m²", 2_500.75, 0.0),
    ("eau plus de 1 000,5 m²", 1_000.5, 0.0),
    ("eau plus de 12 345,6 m²", 12_345.6, 0.0),
    ("water larger than 1 000,5 m2", 1_000.5, 0.0),
    ("au moins 1\u202f000 m² d'eau", 1_000.0, 0.0),
    # Swiss and underscore grouping
    ("water larger than 1'000 m2", 1_000.0, 0.0),
    ("water larger than 1’000 m2", 1_000.0, 0.0),
    ("water larger than 1_000 m2", 1_000.0, 0.0),
    # a range with a unit on both sides is no negative area; 'ab' (from) is a minimum
    ("water 1 ha - 5 ha", 10_000.0, 50_000.0),
    ("Wasser ab 1 ha", 10_000.0, 0.0),
    # unchanged: English grouping, a size after an excluded concept bounds the run when the wanted part has none
    ("water larger than 1,500 ha", 15_000_000.0, 0.0),
    ("vegetation except grass larger than 1 ha", 10_000.0, 0.0),
    ("water except forest smaller than 1 ha", 0.0, 10_000.0),
    ("everything except water larger than 1 ha", 10_000.0, 0.0),
])
def test_sizes_are_read(text, low, high):
    p = P.parse_prompt(text, use_encoder=False)
    assert (p.min_area_m2, p.max_area_m2) == (pytest.approx(low), pytest.approx(high))
    assert not p.has_height


def test_negated_concept_is_wanted_not_excluded():
    """'no lakes smaller than 1 ha' was a land-cover map without water, every class capped at 1 ha."""
    p = P.parse_prompt("no lakes smaller than 1 ha", use_encoder=False)
    assert p.names == ["water"] and not p.excluded and not p.full_map


def test_map_except_a_concept_keeps_its_exclusion():
    """'except' before a concept excludes it: only 'no'/'not' at the start negate a concept's size."""
    p = P.parse_prompt("everything except water larger than 1 ha", use_encoder=False)
    assert p.full_map and [m.concept for m in p.excluded] == ["water"] and p.min_area_m2 == 10_000.0


def test_exclusion_flip_leaves_no_exclusion():
    """The exclusion word and its qualifier are read together: nothing is excluded or left over."""
    p = P.parse_prompt("water except areas smaller than 1 ha", use_encoder=False)
    assert p.names == ["water"] and not p.excluded and not p.notes and p.min_area_m2 == 10_000.0


@pytest.mark.parametrize("text, message", [
    ("water larger than 1 ha except clouds smaller than 5 ha", "'smaller than 5 ha' stands after 'except'"),
    ("water larger than 1 ha, no clouds smaller than 5 ha", "'smaller than 5 ha' stands after 'no'"),
    ("water larger than 1 ha -clouds smaller than 5 ha", "'smaller than 5 ha' stands after '-'"),
    ("water larger than 1/2 ha", "'1/2' in the prompt is a fraction"),
    ("water larger than ½ ha", "is a fraction"),
    ("water larger than 1½ ha", "'1 1⁄2' in the prompt is a fraction"),
    ("water larger than 10⁴ m2", "'10\\^4' in the prompt is written in scientific notation"),
    ("water larger than 10^4 m2", "'10\\^4' in the prompt is written in scientific notation"),
    ("eau de plus de 1,500 ha", "'1,500' in the prompt may be read as 1.5 or as 1500"),
    ("Wasser größer als 1,500 ha", "'1,500' in the prompt may be read as 1.5 or as 1500"),
    ("water smaller than 0 ha", "maximum area of 0 m²"),
    ("water less than 0.0 m2", "maximum area of 0 m²"),
    ("trees lower than 0 m", "maximum height of 0 m"),
    ("water larger than 1000 000 m2", "cannot read '1000'"),
])
def test_sizes_that_cannot_be_read_are_refused(text, message):
    with pytest.raises(PromptError, match=message):
        P.parse_prompt(text, use_encoder=False)


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_comma_thousands_refused_in_a_french_or_german_panel(lang):
    """An English-looking '1,500 ha' typed in a French or German panel: a comma is the decimal mark there."""
    messages.set_language(lang)
    with pytest.raises(PromptError) as err:
        P.parse_prompt("water larger than 1,500 ha", use_encoder=False)
    assert "1,500" in err.value.problem and "1500" in err.value.problem


def test_superscript_square_unit_is_kept():
    """Only a superscript after a digit is a power: 'm²' stays a unit."""
    assert P.normalise("10⁴ m²") == "10^4 m2" and P.normalise("1½ ha") == "1 1⁄2 ha"


@pytest.mark.parametrize("text, low, high", [
    ("new buildings larger than 500 m^2", 500.0, 0.0),
    ("nouveaux bâtiments de plus de 1 000,5 m²", 1_000.5, 0.0),
    ("new buildings larger than 1'000 m2", 1_000.0, 0.0),
])
def test_change_prompt_sizes_are_read(text, low, high):
    p = parse_change_prompt(text)
    assert (p.min_area_m2, p.max_area_m2) == (pytest.approx(low), pytest.approx(high))


@pytest.mark.parametrize("text, message", [
    ("new buildings larger than 200 m2 taller than 10 m", "'taller than 10 m' in the prompt is a height, and this prompt filters by area only"),
    ("new buildings over 10 m tall", "is a height"),
    ("new buildings larger than 1/2 ha", "is a fraction"),
    ("new buildings larger than 10^4 m2", "scientific notation"),
    ("new buildings smaller than 0 ha", "maximum area of 0 m²"),
])
def test_change_prompt_refusals(text, message):
    with pytest.raises(PromptError, match=message):
        parse_change_prompt(text)
