"""Change prompts say the words they leave unread, and refuse land covers named without a change.

'water near buildings' ran as 'new buildings' (the catalogue's bare 'buildings' found inside it), and 'new buildings near
the river', 'deforestation in the north', 'new buildings on the moon' dropped their place or words without a note."""
import time

import pytest

from plugin.core.change.semantic import parse_change_prompt
from plugin.core.errors import PromptError

PLACE_FIX = "TerraPrompt does not filter by place: set EXTENT (the Change tab's Extent) to the area"


@pytest.mark.parametrize("text", ["water near buildings", "water and buildings", "shadows of buildings", "water"])
def test_land_covers_without_a_change_are_refused(text):
    """Land covers named without a change word are refused with the examples, as 'water' alone is."""
    with pytest.raises(PromptError) as exc:
        parse_change_prompt(text)
    assert "does not name a change TerraPrompt knows" in str(exc.value) and "'forest to built-up'" in str(exc.value)


@pytest.mark.parametrize("text", ["water and buildings", "shadows of buildings", "water buildings"])
def test_a_land_cover_before_buildings_is_refused_saying_why(text):
    """The refusal says that 'buildings' is new buildings only with no other land cover before it."""
    with pytest.raises(PromptError) as exc:
        parse_change_prompt(text)
    assert ("'buildings' is read as 'new buildings' only when no other land cover is named before it." in str(exc.value)
            and "Name the change to keep, e.g. 'new buildings', 'forest to built-up', or prompt 'any change'." in str(exc.value))


@pytest.mark.parametrize("text, unread", [
    ("buildings in forest", "forest"), ("buildings on farmland", "farmland"), ("buildings replacing forest", "replacing forest"),
    ("buildings, roads", "roads"),
])
def test_buildings_with_a_land_cover_after_them_are_new_buildings(text, unread):
    """'buildings in forest' ran as new buildings before and was refused: the land cover after it is named as unread."""
    p = parse_change_prompt(text)
    assert p.id == "new_buildings" and p.notes == [f"not understood: '{unread}'"]


def test_around_a_spelled_size_is_read():
    """'around one hectare' was a place: the 1 ha was dropped and the note asked for EXTENT."""
    p = parse_change_prompt("new buildings larger than around one hectare")
    assert p.id == "new_buildings" and p.min_area_m2 == 10_000 and p.notes == []


def test_buildings_alone_stays_new_buildings():
    """The catalogue's bare 'buildings' is still new buildings, with a place beside it too."""
    assert parse_change_prompt("buildings").id == "new_buildings"
    p = parse_change_prompt("buildings near the river")
    assert p.id == "new_buildings" and p.notes == [f"not understood: 'near the river'; {PLACE_FIX}"]


@pytest.mark.parametrize("text, pid, unread", [
    ("new buildings near the river", "new_buildings", "near the river"),
    ("deforestation in the north", "deforestation", "in the north"),
    ("new buildings within 1 km of the coast", "new_buildings", "within 1 km of the coast"),
    ("forest near the river to built-up", "transition", "near the river"),
    ("forest to built-up in the north", "transition", "in the north"),
    ("nouveaux bâtiments près de la rivière", "new_buildings", "près de la rivière"),
    ("neue gebäude im norden", "new_buildings", "im norden"),
    ("deforestación cerca del río", "deforestation", "cerca del río"),
])
def test_place_qualifiers_are_named_with_the_fix(text, pid, unread):
    """A place qualifier is named in the 'not understood' note with the extent to set, not dropped."""
    p = parse_change_prompt(text)
    assert p.id == pid
    assert p.notes[-1] == f"not understood: '{unread}'; {PLACE_FIX}"


def test_place_keeps_the_size_and_dates():
    """The place ends before a date or a size, which are read as before."""
    p = parse_change_prompt("new buildings near the river since 2019 larger than 1 ha")
    assert p.id == "new_buildings" and p.min_area_m2 == 10_000
    assert p.notes == [f"not understood: 'near the river'; {PLACE_FIX}"]


@pytest.mark.parametrize("text, pid, unread", [
    ("new buildings on the moon", "new_buildings", "moon"),
    ("changes on the moon", "any_change", "moon"),
    ("new buildings on farmland", "new_buildings", "farmland"),
    ("forest to built-up since 2019 on the moon", "transition", "moon"),
])
def test_leftover_words_are_said(text, pid, unread):
    """Words left over beside the change get the land-cover parser's 'not understood' note."""
    p = parse_change_prompt(text)
    assert p.id == pid and p.notes[-1] == f"not understood: '{unread}'"


def test_meaning_match_says_its_tail():
    """'new skyscrapers on the moon': built-up by the meaning of 'skyscrapers'; 'on the moon' is said."""
    p = parse_change_prompt("new skyscrapers on the moon")
    assert p.label == "new built-up"
    assert p.notes[-1] == "not understood: 'on the moon'"


@pytest.mark.parametrize("text", ["new buildings since 2019", "new buildings in the last 5 years", "deforestation since 2019",
                                  "what changed between 2018 and 2020", "forest in 2018 to cropland in 2022", "flooded crops",
                                  "vegetation loss and flooding larger than 1 ha", "urban growth", "nouveaux bâtiments",
                                  "forest to non-forest since 2019", "demolished buildings",
                                  "deforestation within the last 5 years", "new buildings within the past 3 years",
                                  "new buildings within a year"])
def test_prompts_read_whole_have_no_note(text):
    """Dates and the catalogue's own phrases leave nothing unread."""
    assert not [n for n in parse_change_prompt(text).notes if n.startswith("not understood")]


@pytest.mark.parametrize("text", ["new buildings not near the river", "new buildings near the river but not farmland"])
def test_negation_beside_a_place_stays_refused(text):
    """A negation among the leftover words is refused, as before."""
    with pytest.raises(PromptError, match="excludes or negates a change"):
        parse_change_prompt(text)


def test_matching_stays_fast():
    """After the first prompt (the encoder loaded), a prompt with a place and leftovers parses in under 100 ms."""
    parse_change_prompt("new skyscrapers on the moon")
    t0 = time.perf_counter()
    for text in ("new buildings near the river since 2019", "water near buildings", "forest to built-up in the north"):
        try:
            parse_change_prompt(text)
        except PromptError:
            pass
    assert (time.perf_counter() - t0) / 3 < 0.1
