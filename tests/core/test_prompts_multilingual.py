"""Land-cover prompts typed in French, German and Spanish behave as their English forms: negations exclude, square metres
in words are an area, shadows alone are refused, a word read by spelling leaves the rest said, number words give sizes,
German 'See' is no English verb, words without umlauts are read, and refusals of foreign words list the labels."""
from __future__ import annotations

import time

import pytest

from terraprompt.plugin.core import messages
from terraprompt.plugin.core import prompts as P
from terraprompt.plugin.core.errors import PromptError


@pytest.fixture(autouse=True)
def english_afterwards():
    """Each test may switch the core language; English again afterwards."""
    yield
    messages.set_language("en")


@pytest.mark.parametrize("prompt, excluded", [
    ("pas d'eau", "water"), ("kein Wasser", "water"), ("nicht Wasser", "water"), ("pas de nuages", "cloud"),
    ("keine Wolken", "cloud"),
])
def test_a_negation_alone_gives_the_map_without_it(prompt, excluded):
    """'pas d'eau', 'kein Wasser' gave water only (the opposite of 'no water', a map without water)."""
    p = P.parse_prompt(prompt, use_encoder=False)
    assert p.full_map and [m.concept for m in p.excluded] == [excluded]
    assert excluded not in p.names


@pytest.mark.parametrize("prompt, wanted, excluded", [
    ("sol nu mais pas le sable", "bare_soil", "sand"), ("forêt mais pas les nuages", "forest", "cloud"),
    ("eau excepté les nuages", "water", "cloud"), ("eau hormis les nuages", "water", "cloud"),
    ("eau à l'exception des nuages", "water", "cloud"), ("Wasser ausser Wolken", "water", "cloud"),
    ("Vegetation ausser Wiesen", "vegetation", "grassland"), ("Wasser aber nicht Wolken", "water", "cloud"),
    ("Wasser, nicht Wolken", "water", "cloud"), ("végétation excepté prairie", "vegetation", "grassland"),
    ("agua pero no nubes", "water", "cloud"), ("agua sin nubes", "water", "cloud"), ("agua excepto nubes", "water", "cloud"),
])
def test_but_not_and_except_words_exclude(prompt, wanted, excluded):
    """'sol nu mais pas le sable' added sand as class 2 ('bare soil but not sand' excludes it)."""
    p = P.parse_prompt(prompt, use_encoder=False)
    assert p.names == [wanted] and [m.concept for m in p.excluded] == [excluded] and not p.notes


@pytest.mark.parametrize("prompt", ["water except not clouds", "jamais d'eau", "nie Wasser"])
def test_a_negation_left_unread_is_refused(prompt):
    """A negation among the words not understood kept what it negates, with only a 'not understood' note."""
    with pytest.raises(PromptError, match="negates"):
        P.parse_prompt(prompt, use_encoder=False)


@pytest.mark.parametrize("prompt, area", [
    ("bâtiments de plus de 200 mètres carrés", 200), ("bâtiments de plus de 200 metres carres", 200),
    ("bâtiments d'au moins 200 mètres carrés", 200), ("eau de plus de 5000 mètres carrés", 5000),
    ("bâtiments de plus de 200 mètre carré", 200), ("eau de plus de 1 kilomètre carré", 1e6),
])
def test_square_metres_in_words_are_an_area_not_a_height(prompt, area):
    """'200 mètres carrés' was a height of 200 m (a run with a DSM kept 0 m² of buildings)."""
    p = P.parse_prompt(prompt, use_encoder=False)
    assert not p.has_height and p.min_area_m2 == area and not p.notes


def test_a_height_in_metres_stays_a_height():
    """Metres without 'carrés' are still a height."""
    assert P.parse_prompt("bâtiments plus hauts que 20 mètres", use_encoder=False).min_height_m == 20
    assert P.parse_prompt("Gebäude mit mehr als 5 Stockwerken", use_encoder=False).min_height_m == 15


@pytest.mark.parametrize("prompt", ["ombres", "Schatten", "sombras", "bâtiments et ombres", "Gebäude und Schatten",
                                    "ombres des bâtiments", "Schatten der Gebäude", "ombres du relief", "Geländeschatten"])
def test_shadows_alone_are_refused_as_in_english(prompt):
    """'ombres', 'bâti et ombres' were cloud shadow at 100 % ('shadows', 'building shadows' are refused)."""
    with pytest.raises(PromptError):
        P.parse_prompt(prompt, use_encoder=False)


@pytest.mark.parametrize("prompt", ["nuages et ombres", "Wolken und Schatten", "nubes y sombras"])
def test_shadows_beside_clouds_are_cloud_shadows(prompt):
    """Beside clouds, 'ombres', 'Schatten', 'sombras' are their shadows, as 'clouds and shadows'."""
    assert P.parse_prompt(prompt, use_encoder=False).names == ["cloud", "cloud_shadow"]


@pytest.mark.parametrize("prompt, rest", [("forets brulees", "brulees"), ("foret defrichee", "defrichee")])
def test_words_beside_a_spelling_guess_are_said(prompt, rest):
    """'forets brulees' was all forest with no note ('forêts brûlées' notes 'brûlées')."""
    p = P.parse_prompt(prompt, use_encoder=False)
    assert p.names == ["forest"] and any(rest in n for n in p.notes)


@pytest.mark.parametrize("prompt, area", [
    ("forêt d'au moins un hectare", 10_000), ("forêt de plus d'un hectare", 10_000), ("forêts de plus de deux hectares", 20_000),
    ("Wald mindestens ein Hektar", 10_000), ("Wald größer als zwei Hektar", 20_000), ("bosque de más de una hectárea", 10_000),
    ("forêts de plus d'1 ha", 10_000),
])
def test_number_words_give_sizes(prompt, area):
    """French, German and Spanish number words were dropped with the size ('not understood: au moins hectare')."""
    p = P.parse_prompt(prompt, use_encoder=False)
    assert p.names == ["forest"] and p.min_area_m2 == area and not p.notes


@pytest.mark.parametrize("prompt", ["buildings you can see", "roads and see", "forest, see"])
def test_the_english_verb_see_is_no_lake(prompt):
    """'buildings you can see' added water (German 'See')."""
    assert "water" not in P.parse_prompt(prompt, use_encoder=False).names


@pytest.mark.parametrize("prompt", ["See", "Wald am See", "Wald und See"])
def test_german_see_is_still_a_lake(prompt):
    """German 'See' after its own words, or alone, is still water."""
    assert "water" in P.parse_prompt(prompt, use_encoder=False).names


@pytest.mark.parametrize("prompt, concept", [("Walder", "forest"), ("Gewasser", "water"), ("Flusse", "water")])
def test_words_without_umlauts_are_read(prompt, concept):
    """'Walder', 'Gewasser', 'Flusse' were refused as longer words built on 'wald', 'wasser', 'fluss'."""
    assert P.parse_prompt(prompt, use_encoder=False).names == [concept]


@pytest.mark.parametrize("prompt", ["la montaña de arriba", "die Berge oben"])
def test_a_refused_foreign_phrase_lists_the_labels(prompt):
    """The English encoder's closest concepts for a French, German or Spanish phrase are noise ('Meer' → roads): the
    refusal lists the labels, as for accented words."""
    with pytest.raises(PromptError) as err:
        P.parse_prompt(prompt)
    assert "Try one of" in str(err.value) and "Closest" not in str(err.value)


@pytest.mark.parametrize("prompt, concept", [
    ("zones bâties", "built_up"), ("zones baties", "built_up"), ("mer", "water"), ("Meer", "water"), ("nubes", "cloud"),
    ("arena", "sand"), ("suelo desnudo", "bare_soil"), ("zonas urbanas", "built_up"), ("césped", "grassland"),
    ("zonas quemadas", "burned_area"),
])
def test_common_french_german_spanish_words_are_known(prompt, concept):
    """Words a French, German or Spanish analyst types first were refused."""
    assert P.parse_prompt(prompt, use_encoder=False).names == [concept]


def test_ascii_groesser_is_greater():
    """'Gebaeude groesser als 500 m2' was refused as neither the least nor the greatest size."""
    p = P.parse_prompt("Gebaeude groesser als 500 m2", use_encoder=False)
    assert p.names == ["buildings"] and p.min_area_m2 == 500


def test_matching_stays_fast():
    """A prompt is matched in well under 100 ms once the catalogue is read."""
    P.parse_prompt("forets brulees", use_encoder=False)
    start = time.perf_counter()
    for prompt in ("pas d'eau", "Wald am See", "bâtiments de plus de 200 mètres carrés", "forets brulees"):
        P.parse_prompt(prompt, use_encoder=False)
    assert (time.perf_counter() - start) / 4 < 0.1


def test_the_dock_writes_a_percentage_as_the_language_does(qgis_app_session, monkeypatch):
    """The dock's '(by meaning, 65% sure)' was written the English way in French and German ('65 %')."""
    from terraprompt.plugin.gui.landcover_tab import describe_prompt

    parsed = P.ParsedPrompt("herbe", [P.ConceptMatch("grassland", 0.65, "meaning of 'herbe'", 0, "meaning")])
    monkeypatch.setattr(P, "parse_prompt", lambda *args, **kwargs: parsed)
    messages.set_language("fr")
    ok, line = describe_prompt("herbe")
    assert ok and "65\u00a0%" in line.replace(" ", "\u00a0").replace("\u202f", "\u00a0")


@pytest.mark.parametrize("prompt, names", [
    ("Wald, See", ["forest", "water"]), ("Wald / See", ["forest", "water"]), ("Wald; See", ["forest", "water"]),
    ("Wald, Wiesen, See", ["forest", "grassland", "water"]),
])
def test_see_after_a_list_separator_of_german_words_is_water(prompt, names):
    """'Wald, See' gave forest only ('see' not understood): a separator after a German word counts as 'und' does."""
    p = P.parse_prompt(prompt, use_encoder=False)
    assert p.names == names and not p.notes


@pytest.mark.parametrize("prompt", ["roads, see", "forest / see"])
def test_see_after_a_separator_of_english_words_stays_unread(prompt):
    """After an English word, 'see' is still the English verb, not a lake."""
    assert "water" not in P.parse_prompt(prompt, use_encoder=False).names
