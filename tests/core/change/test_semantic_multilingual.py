"""Change prompts typed in French, German and Spanish: negations are refused as 'no new buildings' is, catalogue phrases
typed without accents or umlauts keep their own change, and the common phrases of each language are known."""
from __future__ import annotations

import pytest

from terraprompt.plugin.core.change.semantic import parse_change_prompt
from terraprompt.plugin.core.errors import PromptError


@pytest.mark.parametrize("prompt", [
    "pas de nouveaux bâtiments", "nicht neue Gebäude", "pas de déforestation", "kein Abriss", "pas de démolition",
    "nouveaux bâtiments mais pas les routes", "jamais de déforestation", "nuevos edificios pero no carreteras",
])
def test_a_negated_change_is_refused(prompt):
    """'pas de nouveaux bâtiments' ran the new buildings (30.30 ha on Beihai, as 'new buildings'), with no note."""
    with pytest.raises(PromptError, match="excludes or negates"):
        parse_change_prompt(prompt)


@pytest.mark.parametrize("prompt, pid", [
    ("nouveaux batiments", "new_buildings"), ("neue Gebaeude", "new_buildings"), ("neue Gebaude", "new_buildings"),
    ("batiments demolis", "demolition"), ("deforestation", "deforestation"), ("etalement urbain", "urban_expansion"),
    ("Veranderungen", "any_change"),
])
def test_catalogue_phrases_without_accents_keep_their_change(prompt, pid):
    """'nouveaux batiments' was read as a gain of built-up (18.25 ha against 30.30 ha for 'nouveaux bâtiments')."""
    assert parse_change_prompt(prompt).id == pid


@pytest.mark.parametrize("prompt, pid", [
    ("forêt défrichée", "deforestation"), ("abgeholzter Wald", "deforestation"), ("Waldverlust", "deforestation"),
    ("bâtiments neufs", "new_buildings"), ("zones inondées", "land_to_water"), ("überflutete Flächen", "land_to_water"),
    ("zones brûlées", "vegetation_loss"), ("Brandflächen", "vegetation_loss"), ("edificios nuevos", "new_buildings"),
    ("nuevos edificios", "new_buildings"), ("deforestación", "deforestation"), ("inundación", "land_to_water"),
    ("expansión urbana", "urban_expansion"), ("todos los cambios", "any_change"),
])
def test_common_change_phrases_are_known(prompt, pid):
    """French, German and Spanish change phrases whose English forms work were refused."""
    assert parse_change_prompt(prompt).id == pid
