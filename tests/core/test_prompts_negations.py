"""English prompts with a negation that negates no land cover run again (the unread-negation refusal took them):
'everything except no data', 'land cover map without no data', 'everything but not water', 'water that never dries'.
A negation with a land cover after it stays refused (tests/core/test_prompts_multilingual.py)."""
import pytest

from plugin.core.errors import PromptError
from plugin.core.prompts import parse_prompt


@pytest.mark.parametrize("text", ["everything except no data", "land cover map without no data"])
def test_no_data_is_a_word_pair_not_a_negation(text):
    """'no data' names nodata, which every result leaves out: the map runs, with the words noted as before."""
    p = parse_prompt(text, use_encoder=False)
    assert p.full_map and p.notes == ["not understood: 'no data'"]


def test_everything_but_not_water_excludes_water():
    """'but not' excludes, as in 'forest but not clouds': 'everything but not water' is the map without water."""
    p = parse_prompt("everything but not water", use_encoder=False)
    assert p.full_map and [m.concept for m in p.excluded] == ["water"] and "water" not in p.names and p.notes == []


def test_a_negation_of_no_land_cover_is_noted():
    """'never dries' negates no land cover: water runs, and the words are noted as not understood."""
    p = parse_prompt("water that never dries", use_encoder=False)
    assert p.names == ["water"] and p.notes == ["not understood: 'never dries'"]


def test_a_negation_of_a_land_cover_left_unread_is_refused():
    """'never flooded' names flooded areas after 'never': refused, as it would otherwise add them."""
    with pytest.raises(PromptError, match="cannot tell what 'never' negates"):
        parse_prompt("permanent water, never flooded", use_encoder=False)
