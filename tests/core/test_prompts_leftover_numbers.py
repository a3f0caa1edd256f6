"""A number left in a prompt is refused only when it is a size or height that could not be read (a unit after it, a
size qualifier before it); other numbers ('3D', 'block 7', 'Sentinel 2') go to the 'not understood' note."""
from __future__ import annotations

import pytest

from terraprompt.plugin.core import prompts as P
from terraprompt.plugin.core.errors import PromptError


@pytest.mark.parametrize("text, names, listed", [
    ("3D buildings", ["buildings"], "3d"),
    ("water from Sentinel 2", ["water"], "sentinel 2"),
    ("Level 1 water", ["water"], "level 1"),
    ("buildings in block 7", ["buildings"], "block 7"),
    ("top 5 largest lakes", ["water"], "top 5 largest"),
    ("buildings 2-storey", ["buildings"], "2-storey"),
    ("water in 3 lakes", ["water"], "3"),
])
def test_numbers_that_are_no_size_are_listed_not_refused(text, names, listed):
    """These prompts were refused as 'cannot read ... as a size or a height'; the number is now listed as not understood."""
    p = P.parse_prompt(text, use_encoder=False)
    assert p.names == names and (p.min_area_m2, p.max_area_m2, p.min_height_m) == (0, 0, 0)
    assert any(n.startswith("not understood:") and f"'{listed}'" in n for n in p.notes), p.notes


@pytest.mark.parametrize("text", ["forest in 2018", "urban areas since 2019", "water on 2nd image",
                                  "water in the last 5 years", "water"])
def test_years_ordinals_and_durations_are_not_listed(text):
    p = P.parse_prompt(text, use_encoder=False)
    assert not any(c.isdigit() for n in p.notes for c in n), p.notes


@pytest.mark.parametrize("text, quoted", [
    ("water at least 1 km", "cannot read '1 km'"),
    ("trees 5m", "cannot read '5m'"),
    ("buildings 5 floors", "cannot read '5 floors'"),
    ("water 2 hectars", "cannot read '2 hectars'"),
    ("water 1 m^3", "cannot read '1 m\\^3'"),
    ("water larger than 5 football pitches", "cannot read '5 football'"),
    ("water 500 m2", "'500 m2' in the prompt does not say whether"),
])
def test_sizes_with_a_unit_or_qualifier_stay_refused(text, quoted):
    with pytest.raises(PromptError, match=quoted):
        P.parse_prompt(text, use_encoder=False)
