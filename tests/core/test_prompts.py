"""Prompt parsing: synonyms, several concepts, exclusions, sizes, encoder matching, bad prompts."""
from __future__ import annotations

import time

import pytest

from terraprompt.plugin.core import prompts as P
from terraprompt.plugin.core.errors import PromptError


def _encoder_or_skip():
    if P.load_encoder() is None:
        pytest.skip("sentence encoder not installed: " + P.encoder_status())


def test_synonyms_and_order():
    p = P.parse_prompt("Lakes and rivers, and all the forests")
    assert p.names == ["water", "forest"]
    assert all(m.score == 1.0 and m.via.startswith("synonym") for m in p.concepts)


def test_several_concepts_keep_prompt_order():
    p = P.parse_prompt("buildings, roads and water")
    assert p.names == ["buildings", "roads", "water"]


def test_clouds_and_their_shadows():
    assert P.parse_prompt("clouds and their shadows").names == ["cloud", "cloud_shadow"]


@pytest.mark.parametrize("text, wanted, excluded", [
    ("bare soil but not sand", ["bare_soil"], ["sand"]),
    ("all vegetation except grass", ["vegetation"], ["grassland"]),
    ("water without rivers", None, None),
    ("built-up areas excluding roads", ["built_up"], ["roads"]),
])
def test_exclusions(text, wanted, excluded):
    if wanted is None:  # the message says which phrase was read as the concept asked for
        with pytest.raises(PromptError, match="excludes everything it asks for: synonym 'rivers' is read as Water"):
            P.parse_prompt(text)
        return
    p = P.parse_prompt(text)
    assert p.names == wanted
    assert [m.concept for m in p.excluded] == excluded


@pytest.mark.parametrize("text, m2", [
    ("lakes larger than 1 ha", 10_000.0),
    ("buildings at least 500 m2", 500.0),
    ("forest bigger than 0.5 km²", 500_000.0),
    ("water over 2,5 hectares", 25_000.0),
    ("water over 10,000 m2", 10_000.0),
    ("water over 10 000 m2", 10_000.0),
    ("ponds larger than 1,500.5 m2", 1_500.5),
    ("fields over 0,500 ha", 5_000.0),
    ("water min 500 m^2", 500.0),
    ("lakes bigger than 2 km^2", 2e6),
    ("roofs over 1,000 sq. ft", 92.90304),
    ("water", 0.0),
])
def test_size_filters(text, m2):
    assert P.parse_prompt(text).min_area_m2 == pytest.approx(m2)


def test_empty_and_long_prompts():
    with pytest.raises(PromptError, match="empty"):
        P.parse_prompt("   ")
    with pytest.raises(PromptError, match="characters long"):
        P.parse_prompt("water " * 200)
    # long but allowed: still parsed
    p = P.parse_prompt("please show me " + "all of the areas that are " * 10 + "covered by open water")
    assert p.names == ["water"]


def test_non_ascii_text():
    assert P.parse_prompt("forêt").names == ["forest"]
    assert P.parse_prompt("Wasser und Wald").names == ["water", "forest"]
    assert P.parse_prompt("végétation").names == ["vegetation"]


def test_misspelling_by_edit_distance():
    p = P.parse_prompt("watr")
    assert p.names == ["water"] and p.concepts[0].score < 1.0 and "spelling" in p.concepts[0].via


def test_paraphrase_by_encoder():
    _encoder_or_skip()
    p = P.parse_prompt("wooded areas")
    assert p.names == ["forest"] and P.MATCH_THRESHOLD <= p.concepts[0].score < 1.0
    assert "meaning" in p.concepts[0].via
    assert P.parse_prompt("places covered by trees").names == ["forest"]
    assert P.parse_prompt("farms").names == ["cropland"]
    assert P.parse_prompt("snowy mountains").names == ["snow_ice"]


def test_unknown_words_list_closest_concepts_with_scores():
    _encoder_or_skip()
    with pytest.raises(PromptError) as err:
        P.parse_prompt("banana spaceship")
    msg = str(err.value.fix)
    assert "Closest concepts" in msg and "(0." in msg


def test_unknown_words_without_encoder_fall_back_to_synonyms(monkeypatch):
    monkeypatch.setattr(P, "_ENCODER", {"state": None, "error": "sentence-transformers is not installed"})
    p = P.parse_prompt("lakes and wooded areas")
    assert p.names == ["water"]
    assert "synonyms only" in p.method and "wooded areas" in p.notes[0]
    with pytest.raises(PromptError) as err:
        P.parse_prompt("wooded areas")
    assert "Try one of" in err.value.fix and "synonyms only" in err.value.fix


def test_matching_is_fast_after_first():
    _encoder_or_skip()
    P.parse_prompt("wooded areas")
    t = time.perf_counter()
    for text in ("places with shrubs", "farms", "concrete surfaces"):
        P.parse_prompt(text)
    assert (time.perf_counter() - t) / 3 < 1.0  # ~20-80 ms on an idle CPU; see benchmarks/bench_prompts.py


def test_describe_for_the_dock():
    s = P.describe(P.parse_prompt("water and forest larger than 1 ha except clouds"))
    assert "Water (100%)" in s and "Forest" in s and "except Cloud" in s and "10,000 m²" in s


def test_live_feedback_never_waits_for_the_encoder(monkeypatch):
    monkeypatch.setattr(P, "_ENCODER", {})  # as if nothing were loaded yet
    monkeypatch.setattr(P, "preload_encoder", lambda: None)
    p = P.parse_prompt("lakes", wait_for_encoder=False)
    assert p.names == ["water"] and "still loading" in p.method
    assert not P.encoder_ready()


def test_catalogue_embeddings_are_cached_on_disk(tmp_path, monkeypatch):
    import numpy as np

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))

    class Model:
        calls = 0

        def encode(self, texts, **kw):
            Model.calls += 1
            return np.ones((len(texts), 4), np.float32)

    texts = ["water", "lake"]
    a = P._cached_embeddings(Model(), str(tmp_path), texts)
    b = P._cached_embeddings(Model(), str(tmp_path), texts)
    assert Model.calls == 1 and np.array_equal(a, b)
    P._cached_embeddings(Model(), str(tmp_path), texts + ["river"])  # another catalogue: embedded again
    assert Model.calls == 2


@pytest.mark.parametrize("text, low, high", [
    ("ponds smaller than 1 ha", 0.0, 10_000.0),
    ("buildings at most 500 m2", 0.0, 500.0),
    ("water under 2 km²", 0.0, 2e6),
    ("ponds larger than 100 m2 and smaller than 1 ha", 100.0, 10_000.0),
    ("lakes larger than 1 ha", 10_000.0, 0.0),
    ("buildings larger than 2000 sq ft", 185.806, 0.0),
    ("ponds under 5000 ft²", 0.0, 464.515),
    ("lakes bigger than 1 square mile", 2_589_988.11, 0.0),
])
def test_size_ranges(text, low, high):
    p = P.parse_prompt(text)
    assert (p.min_area_m2, p.max_area_m2) == (pytest.approx(low), pytest.approx(high))
    assert not p.notes  # the qualifier is understood, not left over


def test_minimum_above_maximum_is_refused():
    with pytest.raises(PromptError, match="larger than 50,000 m² and smaller than 10,000 m²"):
        P.parse_prompt("lakes larger than 5 ha and smaller than 1 ha")


@pytest.mark.parametrize("text, low, high, area", [
    ("buildings taller than 10 m", 10.0, 0.0, 0.0),
    ("trees over 5 m tall", 5.0, 0.0, 0.0),
    ("trees at least 30 ft high", 9.144, 0.0, 0.0),
    ("buildings lower than 3 m", 0.0, 3.0, 0.0),
    ("buildings higher than 5m but not trees", 5.0, 0.0, 0.0),
    ("buildings taller than 3 m and lower than 12 metres", 3.0, 12.0, 0.0),
    # 'over 10 m' is a height, 'larger than 200 m2' an area: neither eats the other's qualifier
    ("buildings over 10 m and larger than 200 m2", 10.0, 0.0, 200.0),
    ("lakes larger than 1 ha", 0.0, 0.0, 10_000.0),
])
def test_height_ranges(text, low, high, area):
    p = P.parse_prompt(text)
    assert (p.min_height_m, p.max_height_m, p.min_area_m2) == (pytest.approx(low), pytest.approx(high), pytest.approx(area))
    assert p.has_height == bool(low or high)
    assert not p.notes  # the qualifier is understood, not left over
    if p.has_height:
        assert "height" in P.describe(p)


@pytest.mark.parametrize("text, area, height", [
    ("ponds between 100 m2 and 1 ha", (100.0, 10_000.0), (0.0, 0.0)),
    ("lakes from 1 to 5 ha", (10_000.0, 50_000.0), (0.0, 0.0)),
    ("lakes 1-5 ha", (10_000.0, 50_000.0), (0.0, 0.0)),
    ("lakes between 5 ha and 1 ha", (10_000.0, 50_000.0), (0.0, 0.0)),
    ("trees between 5 and 20 m", (0.0, 0.0), (5.0, 20.0)),
    ("buildings 10-30 m tall", (0.0, 0.0), (10.0, 30.0)),
    ("buildings with more than 5 floors", (0.0, 0.0), (15.0, 0.0)),
    # French and German qualifiers and names (the dock is translated)
    ("forêts de plus de 2 ha", (20_000.0, 0.0), (0.0, 0.0)),
    ("lacs entre 1 et 5 ha", (10_000.0, 50_000.0), (0.0, 0.0)),
    ("bâtiments plus hauts que 10 m", (0.0, 0.0), (10.0, 0.0)),
    ("Wasserflächen größer als 1 ha", (10_000.0, 0.0), (0.0, 0.0)),
    ("Gebäude mit mehr als 5 Stockwerke", (0.0, 0.0), (15.0, 0.0)),
])
def test_ranges_storeys_and_other_languages(text, area, height):
    p = P.parse_prompt(text, use_encoder=False)
    assert (p.min_area_m2, p.max_area_m2) == (pytest.approx(area[0]), pytest.approx(area[1]))
    assert (p.min_height_m, p.max_height_m) == (pytest.approx(height[0]), pytest.approx(height[1]))
    assert not p.notes and p.concepts[0].score == 1.0, "understood by synonyms, nothing left over"


def test_qualifiers_are_whole_words():
    # 'über' inside 'überschwemmung' and 'over' inside 'cover' are no size qualifiers
    # (a quantity then left without a qualifier is refused rather than dropped: tests/core/test_prompts_analyst_phrases.py)
    with pytest.raises(PromptError, match="does not say whether it is the least or the greatest"):
        P.parse_prompt("überschwemmung 1 ha", use_encoder=False)
    assert P.parse_prompt("überschwemmung", use_encoder=False).names == ["flooded_area"]
    with pytest.raises(PromptError, match="cannot read '5 m'"):
        P.parse_prompt("tree cover 5 m", use_encoder=False)


def test_height_minimum_above_maximum_is_refused():
    with pytest.raises(PromptError, match="taller than 20 m and lower than 10 m"):
        P.parse_prompt("buildings over 20 m and under 10 m")


def test_one_cjk_character_is_a_word():
    assert P.parse_prompt("水").names == ["water"]


MAP = ["water", "forest", "grassland", "cropland", "built_up", "bare_soil", "snow_ice"]


@pytest.mark.parametrize("text, wanted, excluded, full_map", [
    ("land cover map", MAP, [], True),
    ("show me the land cover", MAP, [], True),
    ("everything except water", [c for c in MAP if c != "water"], ["water"], True),
    ("all but water", [c for c in MAP if c != "water"], ["water"], True),
    ("all", MAP, [], True),
    ("occupation du sol sauf eau", [c for c in MAP if c != "water"], ["water"], True),
    ("forest land cover", ["forest"], [], False),
    ("urban land use", ["built_up"], [], False),
    ("all vegetation", ["vegetation"], [], False),
    ("not water", [c for c in MAP if c != "water"], ["water"], True),
    ("without snow or ice", [c for c in MAP if c != "snow_ice"], ["snow_ice"], True),
])
def test_land_cover_map_prompts(text, wanted, excluded, full_map):
    """'everything', 'land cover map', 'all but water' ask for the whole map (its classes in models/concepts.json); a
    named land cover with 'land cover'/'land use' is just that land cover, as before."""
    p = P.parse_prompt(text)
    assert p.names == wanted and [m.concept for m in p.excluded] == excluded and p.full_map is full_map


def test_land_cover_map_with_a_size_filter():
    p = P.parse_prompt("land cover map, objects larger than 1 ha")
    assert p.full_map and p.min_area_m2 == 10_000.0


@pytest.mark.parametrize("text", ["asdfgh", "banana", "blue", "computer"])
def test_words_that_name_no_land_cover_are_refused_with_the_closest(text):
    """Gibberish and colour words came within the old threshold of a concept ('asdfgh' → buildings through the German
    'dach', 'blue' → vegetation through 'green'); now they get the closest concepts and no match."""
    _encoder_or_skip()
    with pytest.raises(PromptError) as err:
        P.parse_prompt(text)
    assert "Closest concepts" in str(err.value)


def test_generic_words_alone_are_called_too_general():
    """'land' or 'areas' alone name no land cover; the message says so rather than listing concepts whose scores pass
    the threshold as if they had failed it."""
    _encoder_or_skip()
    for text in ("land", "areas"):
        with pytest.raises(PromptError) as err:
            P.parse_prompt(text)
        assert "too general" in str(err.value.fix) and "a match needs" not in str(err.value.fix)


def test_parks_and_gardens_are_vegetation():
    """'parks' matched roads by meaning (0.66) before they were vegetation synonyms."""
    for text in ("parks", "urban green spaces", "gardens"):
        assert P.parse_prompt(text, use_encoder=False).names == ["vegetation"], text


def test_greenhouses_and_landslides_are_not_what_their_words_suggest():
    """By meaning 'greenhouses' matched vegetation (0.58) and 'landslides' flooded area (0.58): they are structures and
    bare ground."""
    for text, cid in (("greenhouses", "buildings"), ("polytunnels", "buildings"), ("landslides", "bare_soil"),
                      ("landslide scars", "bare_soil")):
        assert P.parse_prompt(text, use_encoder=False).names == [cid], text


def test_other_languages_and_colour_words_still_match_as_written():
    """Exact-only phrases (other languages, 'green') name their concept when typed, without the encoder."""
    for text, cid in (("wasser", "water"), ("forêts", "forest"), ("green", "vegetation"), ("gebäude und straßen", "buildings")):
        assert P.parse_prompt(text, use_encoder=False).names[0] == cid
    assert "dach" not in P._concept_texts()[1] and "green" not in P._concept_texts()[1]


def test_exact_only_phrases_are_no_synonym_of_another_concept():
    """Each phrase names one concept, whichever list it is in."""
    seen: dict[str, str] = {}
    for cid, c in P.concepts().items():
        for phrase in P.written_phrases(c):
            assert seen.setdefault(phrase, cid) == cid, phrase


@pytest.mark.parametrize("text, names, excluded, area, height", [
    ("trees>5m", ["forest"], [], (0, 0), (5, 0)),
    ("forest>=1ha", ["forest"], [], (10_000, 0), (0, 0)),
    ("buildings<=200m2", ["buildings"], [], (0, 200), (0, 0)),
    ("grass≤2 m", ["grassland"], [], (0, 0), (0, 2)),
    ("water -clouds -cloud shadows", ["water"], ["cloud", "cloud_shadow"], (0, 0), (0, 0)),
    ("built-up -roads", ["built_up"], ["roads"], (0, 0), (0, 0)),
])
def test_symbols_glued_to_words_and_minus_exclusions(text, names, excluded, area, height):
    """'trees>5m' and 'forest>=1ha' lost their filter silently (the operator was glued to the word before it), and
    'water -clouds' left 'clouds' not understood; now the operators count wherever they stand and a minus before a
    word excludes it (hyphenated words keep their hyphen)."""
    p = P.parse_prompt(text, use_encoder=False)
    assert p.names == names and [m.concept for m in p.excluded] == excluded
    assert (p.min_area_m2, p.max_area_m2) == area and (p.min_height_m, p.max_height_m) == height
    assert not p.notes


@pytest.mark.parametrize("text, excluded", [
    ("vegetation minus cropland", ["cropland"]),
    ("vegetation apart from cropland", ["cropland"]),
    ("vegetation excl. cropland", ["cropland"]),
    ("forest w/o clouds", ["cloud"]),
    ("vegetation other than cropland", ["cropland"]),
    ("vegetation with the exception of cropland", ["cropland"]),
    ("water (cloud free)", ["cloud"]),
    ("cloud-free water", ["cloud"]),
    ("vegetación sin cultivos", ["cropland"]),
])
def test_more_ways_to_exclude_never_ask_for_the_excluded(text, excluded):
    p = P.parse_prompt(text)
    assert [m.concept for m in p.excluded] == excluded
    assert not set(excluded) & set(p.names)


def test_non_concept_is_an_exclusion():
    p = P.parse_prompt("non-water")
    assert p.full_map and "water" not in p.names and [m.concept for m in p.excluded] == ["water"]
    v = P.parse_prompt("non-forest vegetation")
    assert v.names == ["vegetation"] and [m.concept for m in v.excluded] == ["forest"]


@pytest.mark.parametrize("text, low, high", [
    ("water, no objects smaller than 1 ha", 10_000.0, 0.0),
    ("lakes not smaller than 1 ha", 10_000.0, 0.0),
    ("water, remove polygons below 500 m2", 500.0, 0.0),
    ("water, drop everything under 1 ha", 10_000.0, 0.0),
    ("water, no objects larger than 5 ha", 0.0, 50_000.0),
    ("water except forest smaller than 1 ha", 0.0, 10_000.0),  # a concept between: the qualifier is not negated
    ("water larger than .5 ha", 5_000.0, 0.0),
    ("water over 1.482,20 m2", 1_482.2, 0.0),
    ("water over 1.000.000 m2", 1e6, 0.0),
    ("water 10 hectares or more", 100_000.0, 0.0),
    ("lakes of 5 ha or larger", 50_000.0, 0.0),
    ("lakes 5 ha and above", 50_000.0, 0.0),
    ("ponds 500 m2 or less", 0.0, 500.0),
    ("Wald größer als 1 Hektar", 10_000.0, 0.0),
    ("Wasser über 100 qm", 100.0, 0.0),
])
def test_negated_trailing_and_written_sizes(text, low, high):
    p = P.parse_prompt(text)
    assert (p.min_area_m2, p.max_area_m2) == (pytest.approx(low), pytest.approx(high))
    assert not p.notes


@pytest.mark.parametrize("text, message", [
    ("water over 1.000 m²", "may be read as 1 or as 1000"),
    ("water min 3 pixels", "size in pixels"),
    ("water bigger than 1 ha, forest bigger than 5 ha", "two minimum areas"),
    ("water larger than 100 m", "names a length"),
])
def test_sizes_that_cannot_be_read_safely_are_refused(text, message):
    with pytest.raises(PromptError, match=message):
        P.parse_prompt(text)


def test_heights_negated_and_trailing():
    assert P.parse_prompt("buildings not taller than 10 m").max_height_m == 10.0
    assert P.parse_prompt("trees 10 m or more").min_height_m == 10.0
    assert P.parse_prompt("trees larger than 10 m tall").min_height_m == 10.0


@pytest.mark.parametrize("text, wanted, excluded", [
    ("water free of vegetation", ["water"], ["vegetation"]),
    ("buildings on free land", ["buildings"], []),
])
def test_free_of_and_free_as_an_adjective(text, wanted, excluded):
    p = P.parse_prompt(text)
    assert p.names == wanted and [m.concept for m in p.excluded] == excluded


def test_parsed_prompt_says_whether_it_asked_the_encoder():
    """ParsedPrompt.asked_encoder: a phrase no synonym names went to the sentence encoder (what the summary's 'the
    sentence encoder was not needed' rests on, without parsing the prompt again)."""
    assert not P.parse_prompt("lakes and forests").asked_encoder
    assert not P.parse_prompt("water and banana spaceship", use_encoder=False).asked_encoder
    assert P.parse_prompt("water and banana spaceship").asked_encoder
    assert P.parse_prompt("water except banana spaceship").asked_encoder  # also in the excluded part
