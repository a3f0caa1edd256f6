"""Change prompts: a size the parser cannot read is refused (it was dropped: min area 0, every change kept), size words it
now reads, 'river to land'."""
from __future__ import annotations

import pytest

from terraprompt.plugin.core.change.semantic import parse_change_prompt
from terraprompt.plugin.core.errors import PromptError


@pytest.mark.parametrize("text, pid, low", [
    ("new buildings bigger then 1 ha", "new_buildings", 10_000),
    ("new buildings > 1 sq. km", "new_buildings", 1e6),
    ("deforestation over 5 ac", "deforestation", 5 * 4046.856),
    ("new buildings exceeding 1 ha", "new_buildings", 10_000),
    ("urban expansion 2 ha+", "urban_expansion", 20_000),
])
def test_change_sizes_are_read(text, pid, low):
    p = parse_change_prompt(text)
    assert p.id == pid and p.min_area_m2 == pytest.approx(low)


@pytest.mark.parametrize("text, quoted", [
    ("new buildings 1 ha", "'1 ha' in the prompt does not say whether"),
    ("new buildings bigger thn 1 ha", "'1 ha' in the prompt does not say whether"),
    ("deforestation larger than 2 football pitches", "cannot read '2 football'"),
    ("new buildings > 1e4 m2", "scientific notation"),
])
def test_change_size_that_cannot_be_read_is_refused(text, quoted):
    with pytest.raises(PromptError, match=quoted):
        parse_change_prompt(text)


@pytest.mark.parametrize("text", ["forest loss since 2019", "forest in 2018 to cropland in 2022", "forest 2018 to cropland 2022",
                                  "new buildings in the last 5 years"])
def test_years_and_durations_stay_allowed(text):
    assert parse_change_prompt(text).id != "any_change"


@pytest.mark.parametrize("text", ["river to land", "lake to land", "lakes to land"])
def test_river_and_lake_to_land(text):
    assert parse_change_prompt(text).id == "water_to_land"
