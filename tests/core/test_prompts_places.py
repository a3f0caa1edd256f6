"""Land-cover prompts name their place qualifiers in the 'not understood' note with the extent to set.

'forest in the north' noted only 'north', 'lakes near the river' only 'near', without saying that TerraPrompt does not
filter by place; 'forest within 500 m of the road' was refused as a size it could not read."""
import pytest

from plugin.core.errors import PromptError
from plugin.core.prompts import parse_prompt

PLACE_FIX = "TerraPrompt does not filter by place: set EXTENT (the Land cover tab's Extent) to the area"


@pytest.mark.parametrize("text, names, unread", [
    ("forest in the north", ["forest"], "in the north"),
    ("lakes near the river", ["water"], "near"),
    ("water near buildings", ["water", "buildings"], "near"),
    ("forest along the road", ["forest", "roads"], "along"),
    ("forest within 500 m of the road", ["forest", "roads"], "within 500 m of"),
    ("forêt au nord", ["forest"], "au nord"),
    ("Wald im Norden", ["forest"], "im norden"),
])
def test_place_is_named_with_the_fix(text, names, unread):
    """The place qualifier is named whole, with the extent to set; the land covers are read as before."""
    p = parse_prompt(text)
    assert p.names == names
    assert p.notes == [f"not understood: '{unread}'; {PLACE_FIX}"]


def test_other_words_keep_the_plain_note():
    """Words that place nothing keep the plain note; a number after 'around' stays a size TerraPrompt refuses."""
    assert parse_prompt("water on the moon").notes == ["not understood: 'moon'"]
    assert parse_prompt("water").notes == []
    with pytest.raises(PromptError, match="least or the greatest size"):
        parse_prompt("water around 2 ha")


def test_meaning_match_says_its_tail():
    """A phrase matched by meaning names the words after a preposition that added nothing ('on the moon')."""
    p = parse_prompt("skyscrapers on the moon")
    assert p.names == ["buildings"] and p.notes == ["not understood: 'on the moon'"]
    p = parse_prompt("groves of olive")  # the whole phrase is closer to forest than 'groves' alone: nothing is cut
    assert p.names == ["forest"] and p.concepts[0].via == "meaning of 'groves of olive'" and p.notes == []


def test_place_words_do_not_eat_a_negation():
    """A negation after a place stays in the prompt and is read (refused or excluded) as before."""
    p = parse_prompt("water near buildings except clouds")
    assert p.names == ["water", "buildings"] and [m.concept for m in p.excluded] == ["cloud"]


@pytest.mark.parametrize("text, area", [
    ("buildings larger than around one hectare", 10_000), ("buildings larger than around a hectare", 10_000),
    ("buildings larger than around half a hectare", 5_000), ("buildings larger than around 1 ha", 10_000),
])
def test_around_before_a_spelled_number_is_a_size(text, area):
    """'around one hectare' was read as a place: the size was dropped and the note asked for EXTENT."""
    p = parse_prompt(text, use_encoder=False)
    assert p.min_area_m2 == area and p.notes == []


@pytest.mark.parametrize("text", ["buildings around a hectare in size", "water around 2 ha", "buildings around one hectare"])
def test_around_a_size_stays_refused_as_neither_bound(text):
    """'around a hectare' is a size that says neither the least nor the greatest: refused as before, not noted as a place."""
    with pytest.raises(PromptError, match="least or the greatest size"):
        parse_prompt(text, use_encoder=False)


@pytest.mark.parametrize("text", ["water within the last 5 years", "water within the past 3 years", "water within a year"])
def test_dates_after_within_are_no_place(text):
    """'within the last 5 years' was named as a place with the EXTENT fix."""
    assert not [n for n in parse_prompt(text, use_encoder=False).notes if "filter by place" in n]


def test_a_place_ends_at_a_date_word():
    """The place stops before 'since': the date is not part of the place named."""
    assert parse_prompt("forest near the border since 2019", use_encoder=False).unread[-1] == "near the border"


def test_a_place_before_a_number_is_named_and_the_size_read():
    """'forest in the north 1 ha or more' noted only 'north' (the number guard of 'around' applied to every place word)."""
    p = parse_prompt("forest in the north 1 ha or more", use_encoder=False)
    assert p.min_area_m2 == 10_000 and p.notes == [f"not understood: 'in the north'; {PLACE_FIX}"]


@pytest.mark.parametrize("text", ["near the coast", "along the coast", "in the north", "outside"])
def test_a_prompt_of_only_a_place_is_refused_with_the_place_fix(text, monkeypatch):
    """A prompt naming only a place got the closest concepts of an empty text ('e.g. burned') and no word of the place."""
    from plugin.core import prompts

    def never(text, n=3):
        raise AssertionError(f"closest_concepts({text!r})")

    monkeypatch.setattr(prompts, "closest_concepts", never)
    with pytest.raises(PromptError) as err:
        parse_prompt(text)
    assert f"'{text}' names only a place ('{text}'), and no land cover to extract there." in str(err.value)
    assert f"Name a land cover, e.g. 'water {text}'. {PLACE_FIX}." in str(err.value)
