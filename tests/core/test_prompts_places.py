"""Land-cover prompts name their place qualifiers in the 'not understood' note with the extent to set.

'forest in the north' noted only 'north', 'lakes near the river' only 'near', without saying that TerraPrompt does not
filter by place; 'forest within 500 m of the road' was refused as a size it could not read."""
import pytest

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
