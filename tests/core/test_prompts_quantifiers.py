"""Negated sizes and negative numbers that were read the wrong way round: 'water, nothing smaller than 1 ha' (and 'none',
'nichts', 'rien', 'keine Flächen') was a maximum of 1 ha, and 'buildings lower than -2 m' a maximum of 2 m (the minus
dropped); 'from -1 to 5 ha' was 1 to 5 ha and 'no objects between 1 and 5 ha' the range itself."""
from __future__ import annotations

import pytest

from terraprompt.plugin.core import prompts as P
from terraprompt.plugin.core.change.semantic import parse_change_prompt
from terraprompt.plugin.core.errors import PromptError


@pytest.mark.parametrize("text, low, high", [
    # 'nothing' / 'none' before a qualifier negates it, as 'no' and 'not' do
    ("water, nothing smaller than 1 ha", 10_000.0, 0.0),
    ("nothing smaller than 1 ha of forest", 10_000.0, 0.0),
    ("water, none smaller than 1 ha", 10_000.0, 0.0),
    ("water, nothing below 1 ha", 10_000.0, 0.0),
    ("water, nothing larger than 5 ha", 0.0, 50_000.0),
    ("water, nothing under 500 m2", 500.0, 0.0),
    ("water, none of it smaller than 1 ha", 10_000.0, 0.0),
    ("water and nothing that is smaller than 1 ha", 10_000.0, 0.0),
    ("water, nothing 1 ha or smaller", 10_000.0, 0.0),
    ("water, no areas 1 ha or smaller", 10_000.0, 0.0),
    # French and German
    ("eau, rien de plus petit que 1 ha", 10_000.0, 0.0),
    ("eau, rien de moins de 1 ha", 10_000.0, 0.0),
    ("eau, aucune zone de moins de 1 ha", 10_000.0, 0.0),
    ("Wasser, nichts kleiner als 1 ha", 10_000.0, 0.0),
    ("Wasser, nichts unter 1 ha", 10_000.0, 0.0),
    ("Wasser, nichts größer als 5 ha", 0.0, 50_000.0),
    ("Wasser, keine Flächen kleiner als 1 ha", 10_000.0, 0.0),
    ("Wasser, keine Objekte unter 1 ha", 10_000.0, 0.0),
    # unchanged: the negations that worked
    ("water, no objects smaller than 1 ha", 10_000.0, 0.0),
    ("water, no smaller than 1 ha", 10_000.0, 0.0),
    ("water, not smaller than 1 ha", 10_000.0, 0.0),
    ("water 1 ha - 5 ha", 10_000.0, 50_000.0),
])
def test_negated_sizes_bound_the_other_side(text, low, high):
    p = P.parse_prompt(text, use_encoder=False)
    assert (p.min_area_m2, p.max_area_m2) == (pytest.approx(low), pytest.approx(high))
    assert not any("nothing" in n or "none" in n or "rien" in n or "nichts" in n or "keine" in n for n in p.notes), p.notes


def test_nothing_but_negates_no_size():
    """'nothing but water' is only water: its size is the minimum it says."""
    p = P.parse_prompt("nothing but water larger than 1 ha", use_encoder=False)
    assert p.names == ["water"] and (p.min_area_m2, p.max_area_m2) == (10_000.0, 0.0)


@pytest.mark.parametrize("text, low, high", [
    ("trees, nothing taller than 10 m", 0.0, 10.0),
    ("buildings, nothing lower than 3 m", 3.0, 0.0),
    ("trees 2 m - 5 m", 2.0, 5.0),
    ("trees 2-5 m", 2.0, 5.0),
    ("buildings 5 - 10 m", 5.0, 10.0),
    ("trees taller than 2 m above ground", 2.0, 0.0),
])
def test_heights_are_read(text, low, high):
    p = P.parse_prompt(text, use_encoder=False)
    assert (p.min_height_m, p.max_height_m) == (pytest.approx(low), pytest.approx(high))
    assert not p.notes


@pytest.mark.parametrize("text, message", [
    # another word between 'nothing' and the qualifier: the direction is unclear, so refused, never the opposite bound
    ("water, nothing green smaller than 1 ha", "In 'nothing green smaller than 1 ha', TerraPrompt cannot tell whether 'nothing'"),
    ("Wasser, keine grünen Flächen kleiner als 1 ha", "cannot tell whether 'keine' negates the size"),
    # a negated range is everything outside it: one run keeps one range
    ("water, no objects between 1 and 5 ha", "'no objects between 1 and 5 ha' asks for every size or height outside a range"),
    ("water, nothing between 1 and 5 ha", "'nothing between 1 and 5 ha' asks for every size or height outside a range"),
    ("no lakes between 1 and 5 ha", "'no lakes between 1 and 5 ha' asks for every size or height outside a range"),
    ("water except those between 1 and 5 ha", "outside a range"),
])
def test_unclear_negations_are_refused(text, message):
    with pytest.raises(PromptError, match=message):
        P.parse_prompt(text, use_encoder=False)


@pytest.mark.parametrize("text, phrase", [
    ("buildings lower than -2 m", "-2 m"),
    ("buildings lower than -2m", "-2m"),
    ("buildings lower than − 2 m", "− 2 m"),
    ("buildings lower than−2 m", "−2 m"),
    ("buildings taller than -2 m", "-2 m"),
    ("buildings < -2 m", "-2 m"),
    ("buildings lower than -2 ft", "-2 ft"),
    ("buildings -2 m", "-2 m"),
    ("buildings -2 m to 5 m", "-2 m"),
    ("buildings -2 to 5 m", "-2"),
    ("buildings between -2 and 5 m", "-2"),
    ("buildings 2 m below ground", "2 m below ground"),
    ("buildings lower than 2 m below the ground", "2 m below the ground"),
    ("Gebäude 2 m unter dem Boden", "2 m unter dem boden"),
    ("bâtiments à 2 m sous le sol", "2 m sous le sol"),
])
def test_negative_heights_are_refused(text, phrase):
    """Heights are above ground (nDSM, or a DSM less its ground), where the buildings, trees and vegetation a height filters
    stand at 0 m or higher (concepts.json 'height_filter'; 0 is 'no limit' in landcover.height.filter_by_height)."""
    with pytest.raises(PromptError) as err:
        P.parse_prompt(text, use_encoder=False)
    assert err.value.problem == ("The prompt gives a height below the ground ('" + phrase + "'); heights are read above the "
                                 "ground, where buildings, trees and vegetation stand at 0 m or higher.")
    assert "Give a height above 0 m" in err.value.fix


def test_hyphen_in_a_name_is_no_minus():
    """'Sentinel-2 and 10 m' is no range from -2 m: the '10 m' alone is what cannot be read."""
    with pytest.raises(PromptError, match="cannot read '10 m' in the prompt as a size or a height"):
        P.parse_prompt("buildings from sentinel-2 and 10 m", use_encoder=False)


@pytest.mark.parametrize("text, phrase", [
    ("water larger than -1 ha", "-1 ha"),
    ("water larger than − 1 ha", "− 1 ha"),
    ("water from -1 to 5 ha", "-1"),
    ("water -1 to 5 ha", "-1"),
    ("water between -1 and 5 ha", "-1"),
])
def test_negative_areas_are_refused(text, phrase):
    with pytest.raises(PromptError) as err:
        P.parse_prompt(text, use_encoder=False)
    assert err.value.problem == f"The prompt gives a negative area ('{phrase}'); an area is never below 0."


@pytest.mark.parametrize("text, phrase", [
    ("buildings lower than - 2 m", "- 2 m"),
    ("buildings < - 2 m", "- 2 m"),
    ("buildings between - 2 and 5 m", "- 2"),
    ("trees –5 m", "–5 m"),
    ("buildings − 10 m or more", "− 10 m"),
])
def test_spaced_dash_after_a_comparator_is_a_minus(text, phrase):
    """A dash touching the number, the minus sign '−', or a spaced dash right after a comparator or range word is a minus."""
    with pytest.raises(PromptError) as err:
        P.parse_prompt(text, use_encoder=False)
    assert f"('{phrase}')" in err.value.problem


@pytest.mark.parametrize("text, area, height", [
    ("buildings - 10 m or more", (0.0, 0.0), (10.0, 0.0)),
    ("trees – 5 m or taller", (0.0, 0.0), (5.0, 0.0)),
    ("trees - 2 to 5 m", (0.0, 0.0), (2.0, 5.0)),
    ("lakes – 2 ha or larger", (20_000.0, 0.0), (0.0, 0.0)),
    ("water – 1 to 5 ha", (10_000.0, 50_000.0), (0.0, 0.0)),
    ("water from sentinel–2 larger than 1 ha", (10_000.0, 0.0), (0.0, 0.0)),
])
def test_spaced_dash_after_a_word_is_punctuation(text, area, height):
    """'buildings - 10 m or more': a hyphen or en dash spaced from the number after a word separates, it is no minus (these
    were refused as negative heights and areas)."""
    p = P.parse_prompt(text, use_encoder=False)
    assert ((p.min_area_m2, p.max_area_m2), (p.min_height_m, p.max_height_m)) == (area, height)


@pytest.mark.parametrize("text, message", [
    ("new buildings lower than -10 m", "'-10 m' in the prompt is a height, and this prompt filters by area only"),
    ("new buildings -10 m", "'-10 m' in the prompt is a height"),
    ("new buildings from -1 to 5 ha", "negative area \\('-1'\\)"),
])
def test_change_prompt_negative_quantities_are_refused(text, message):
    with pytest.raises(PromptError, match=message):
        parse_change_prompt(text)


def test_change_prompt_nothing_smaller_is_a_minimum():
    p = parse_change_prompt("new buildings, nothing smaller than 200 m2")
    assert (p.min_area_m2, p.max_area_m2) == (200.0, 0.0)
