"""Prompts read wrongly without a word: sizes dropped, compound names, negating adjectives, 'neither ... nor', spelling
guesses on real words, bare 'shadows', words the encoder put on a wrong concept, the method line."""
from __future__ import annotations

import pytest

from terraprompt.plugin.core import prompts as P
from terraprompt.plugin.core.errors import PromptError


def _encoder_or_skip():
    if P.load_encoder() is None:
        pytest.skip("sentence encoder not installed: " + P.encoder_status())


@pytest.mark.parametrize("text, low, high", [
    ("water bigger then 1ha", 10_000, 0),
    ("water larger than 1 square km", 1e6, 0),
    ("water larger than 1 sq. km", 1e6, 0),
    ("water > 2 square kms", 2e6, 0),
    ("lakes over 5 ac", 5 * 4046.856, 0),
    ("water 2 ha+", 20_000, 0),
    ("water exceeding 1 ha", 10_000, 0),
    ("water larger than one hectare", 10_000, 0),
    ("water larger than half a hectare", 5_000, 0),
    ("water > 500 sq.m", 500, 0),
    ("water larger than 100 sqft", 100 * 0.09290304, 0),
    ("water > 10 ares", 1_000, 0),
    ("water 1 ha minimum", 10_000, 0),
    ("agua mayor de 1 ha", 10_000, 0),
    ("water smaller then 1 ha", 0, 10_000),
])
def test_sizes_the_parser_dropped_are_read(text, low, high):
    """These sizes were dropped (every size kept); they are read now."""
    p = P.parse_prompt(text, use_encoder=False)
    assert p.names == ["water"]
    assert (p.min_area_m2, p.max_area_m2) == pytest.approx((low, high))


@pytest.mark.parametrize("text, quoted", [
    ("water 500 m2", "'500 m2' in the prompt does not say whether it is the least or the greatest size"),
    ("lakes 5000 m²", "'5000 m2' in the prompt does not say whether"),
    ("water from 500 m2", "'500 m2' in the prompt does not say whether"),
    ("water larger 1 ha", "'1 ha' in the prompt does not say whether"),
    ("water bigger thn 1 ha", "'1 ha' in the prompt does not say whether"),
    ("water > 1e4 m2", "'1e4' in the prompt is written in scientific notation"),
    ("water > 1x10^4 m2", "'1x10\\^4' in the prompt is written in scientific notation"),
    ("water larger than 10 x 10 m", "'10 x 10 m' names a length, not an area or a height"),
    ("water larger than 1 m³", "cannot read '1 m3'"),
    ("trees 5 m", "cannot read '5 m' in the prompt as a size or a height"),
    ("water larger than 5 football pitches", "cannot read '5 football' in the prompt"),
])
def test_a_size_that_cannot_be_read_is_refused(text, quoted):
    """A number left after the size and height parse was dropped silently ('water > 1e4 m2' was 4 m²)."""
    with pytest.raises(PromptError, match=quoted):
        P.parse_prompt(text, use_encoder=False)


@pytest.mark.parametrize("text", ["forest in 2018", "water in the 1990s", "water on 2nd image", "sentinel-2 water",
                                  "water 2 ha+ and forest", "water + forest", "water > 1 ha < 5 ha", "water 1-5 ha"])
def test_years_and_read_sizes_are_no_leftover_numbers(text):
    assert "water" in P.parse_prompt(text, use_encoder=False).names or "forest" in P.parse_prompt(text, use_encoder=False).names


@pytest.mark.parametrize("text, concept", [("car parks", "roads"), ("flooded fields", "flooded_area"),
                                           ("flooded crops", "flooded_area"), ("standing water in fields", "flooded_area"),
                                           ("sea ice", "snow_ice"), ("ice floes", "snow_ice"), ("snow fields", "snow_ice"),
                                           ("mud flats", "bare_soil"), ("tidal flats", "bare_soil"), ("shrubland", "vegetation"),
                                           ("shrubs", "vegetation"), ("scrub", "vegetation"), ("vineyards", "cropland")])
def test_whole_phrases_name_their_own_concept(text, concept):
    """'car parks' was vegetation (parks), 'flooded fields' flooded area + cropland, 'sea ice' water + snow, 'mud flats'
    roads by meaning, 'shrubland' cropland, 'vineyards' forest."""
    assert P.parse_prompt(text).names == [concept]


@pytest.mark.parametrize("text", ["solar parks", "industrial parks", "power plants", "oil fields", "football fields",
                                  "coral reefs", "smoke", "seagrass", "dams", "dark areas", "bright areas", "islands",
                                  "estuary", "terrain shadows", "mountain shadows", "building shadows", "shadows of buildings",
                                  "water and power plants"])
def test_things_that_are_no_land_cover_are_refused(text):
    """A catalogue word inside them ('parks', 'fields', 'plants', 'shadows') or the encoder gave a wrong concept."""
    with pytest.raises(PromptError, match="names no land cover TerraPrompt can extract.*Name the land cover to extract there"):
        P.parse_prompt(text)


@pytest.mark.parametrize("text, word", [("dry lakes", "dry"), ("dried-up lakes", "dried-up"), ("empty reservoirs", "empty"),
                                        ("dead trees", "dead"), ("dry riverbeds", "dry"), ("water except dry lakes", "dry"),
                                        ("fake grass", "fake")])
def test_negating_adjectives_refuse_the_phrase(text, word):
    with pytest.raises(PromptError, match=f"'{word}' says the land is not .* now"):
        P.parse_prompt(text)


def test_dry_soil_is_still_bare_soil():
    assert P.parse_prompt("dry soil", use_encoder=False).names == ["bare_soil"]


@pytest.mark.parametrize("text", ["neither water nor forest", "weder Wasser noch Wald"])
def test_neither_nor_excludes_both(text):
    """'neither water nor forest' gave water and forest; it is the map without both, as 'not water or forest'."""
    p = P.parse_prompt(text, use_encoder=False)
    assert p.full_map and [m.concept for m in p.excluded] == ["water", "forest"]
    assert "water" not in p.names and "forest" not in p.names
    assert p.names == P.parse_prompt("not water or forest", use_encoder=False).names


@pytest.mark.parametrize("word", ["reefs", "reeds", "pans", "docks", "airfields", "riverbeds"])
def test_real_words_are_no_spelling_guesses(word):
    """At 0.8 'reefs' was trees, 'pans' plants, 'docks' rocks; 'airfields' and 'riverbeds' extend a synonym."""
    assert P._fuzzy_synonym(word) is None


@pytest.mark.parametrize("typo, concept", [("watr", "water"), ("vegitation", "vegetation"), ("bulidings", "buildings"),
                                           ("batiments", "buildings"), ("gebaeude", "buildings"), ("forrest", "forest")])
def test_typos_still_pass(typo, concept):
    m = P._fuzzy_synonym(typo)
    assert m is not None and m.concept == concept and m.kind == "spelling"
    assert P.parse_prompt(typo.capitalize(), use_encoder=False).names == [concept]


@pytest.mark.parametrize("text", ["shadows", "terrain shadow", "water without shadows"])
def test_bare_shadows_are_refused(text):
    with pytest.raises(PromptError, match="(alone does not say what casts it|names no land cover).*cloud shadow"):
        P.parse_prompt(text, use_encoder=False)


@pytest.mark.parametrize("text, wanted, excluded", [
    ("clouds and their shadows", ["cloud", "cloud_shadow"], []),
    ("cloud shadows", ["cloud_shadow"], []),
    ("water excluding clouds and shadows", ["water"], ["cloud", "cloud_shadow"]),
    ("water except clouds and their shadows", ["water"], ["cloud", "cloud_shadow"]),
])
def test_shadows_beside_clouds_are_cloud_shadows(text, wanted, excluded):
    p = P.parse_prompt(text, use_encoder=False)
    assert p.names == wanted and [m.concept for m in p.excluded] == excluded


@pytest.mark.parametrize("text, names", [("dense forest", ["forest"]), ("lakes and rivers", ["water"]),
                                         ("water and forest larger than 1 ha", ["water", "forest"]), ("eau", ["water"]),
                                         ("Gebäude über 100 m2", ["buildings"]), ("snow-covered mountains", ["snow_ice"]),
                                         ("urban green", ["vegetation"]), ("parks", ["vegetation"])])
def test_prompts_that_worked_still_work(text, names):
    assert P.parse_prompt(text).names == names


def test_method_says_spelling_guesses_and_words_not_understood():
    """Without the encoder asked, the method said 'every phrase is a known synonym' for spelling guesses and leftovers."""
    typo = P.ConceptMatch("water", 0.89, "spelling close to 'water' ('watr')", kind="spelling")
    exact = P.ConceptMatch("water", 1.0, "synonym 'water'", phrase="water")
    assert "spelling guesses" in P.synonyms_method([typo], [])
    assert "some words were not understood" in P.synonyms_method([exact], ["not understood: 'dense'"])
    assert "every phrase is a known synonym" in P.synonyms_method([exact], [])
    assert P.parse_prompt("watr").concepts[0].kind == "spelling"
