"""A bare 'demolition' or 'demolished' is the loss of built-up, as 'demolished buildings' is; the refusal of an unknown
change prompt lists that loss among its suggestions."""
from __future__ import annotations

import pytest

from terraprompt.plugin.core.change.semantic import parse_change_prompt
from terraprompt.plugin.core.errors import PromptError


@pytest.mark.parametrize("text", ["demolition", "demolished", "building demolition", "demolitions", "demolished buildings",
                                  "demolition since 2019", "démolition", "abriss"])
def test_demolition_is_the_loss_of_built_up(text):
    p = parse_change_prompt(text)
    assert (p.spec["from"], p.spec["to"]) == ([["built_up"]], ["not_from"]), (text, p.spec)


def test_a_demolished_land_cover_stays_its_own_loss():
    p = parse_change_prompt("demolition of forest")
    assert p.spec["from"] == [["forest"]]


def test_the_refusal_lists_the_loss_of_buildings():
    with pytest.raises(PromptError) as err:
        parse_change_prompt("height loss")
    assert "'demolished buildings'" in str(err.value), str(err.value)
