"""What semantic change and CVA say: stand-in classes, words told apart by meaning only, reference cover, identical dates."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from conftest import write_raster
from terraprompt.plugin.core.change.align import PairBlock
from terraprompt.plugin.core.change.cva import CVA
from terraprompt.plugin.core.change.semantic import (ClassMaps, build_class_maps, parse_change_prompt, reference_coverage,
                                                     select_transitions)
from terraprompt.plugin.core.errors import PromptError
from terraprompt.plugin.core.prompts import normalise, parse_size_range
from terraprompt.plugin.core.raster import open_raster

NO_SWIR = ["water", "vegetation", "other"]
"""The change maps' classes on RGB+NIR: built-up has no rule without SWIR."""


def test_other_standing_in_for_built_up_is_said():
    maps = ClassMaps(list(NO_SWIR), list(NO_SWIR))
    table, kept = select_transitions(parse_change_prompt("new buildings"), maps)
    assert table[2, 2]  # other → other kept (OSCD RGB+NIR: F1 0.48 with it, 0.19 without)
    assert "built-up cannot be mapped from these bands; 'other' (everything but water, vegetation) stands in for it" in kept
    _, several = select_transitions(parse_change_prompt("urban growth and vegetation loss"), maps)
    assert several.count("stands in") == 1
    full = ["water", "vegetation", "built_up", "other"]
    _, with_swir = select_transitions(parse_change_prompt("new buildings"), ClassMaps(full, full))
    assert "stands in" not in with_swir


def test_rural_to_urban_is_urban_expansion():
    assert parse_change_prompt("rural to urban").id == "urban_expansion"
    assert parse_change_prompt("from rural to urban since 2015").id == "urban_expansion"


def test_a_word_matched_by_meaning_only_is_named_in_the_refusal():
    with pytest.raises(PromptError) as err:
        parse_change_prompt("urban to rural")
    msg = str(err.value)
    assert "'rural' cannot be told apart from 'urban'" in msg and "only by its meaning" in msg
    assert "same change-map class" not in msg
    with pytest.raises(PromptError, match="same change-map class"):  # both named by their words: the same class
        parse_change_prompt("urban to town")


def _class_raster(tmp_path, nodata=255):
    """A land-cover map as extract_landcover writes it: 0 unclassified (30 %), classes 1-2, no nodata pixel."""
    data = np.ones((40, 50), np.uint8)
    data[:, 25:] = 2
    data[:12, :] = 0
    path = write_raster(str(tmp_path / "lc.tif"), data, nodata=nodata)
    with rasterio.open(path, "r+") as ds:
        ds.update_tags(TERRAPROMPT_CLASSES="1=water;2=vegetation")
    return path


def test_unclassified_reference_pixels_are_covered_and_said(tmp_path):
    path = _class_raster(tmp_path)
    ref = open_raster(path, expand_palette=False)
    covered, classified = reference_coverage(ref, [1, 2], ref.grid)
    assert covered == 1.0 and classified == pytest.approx(0.7, abs=0.01)
    maps = build_class_maps([], [], reference=path, grid=ref.grid)
    notes = " ".join(maps.notes)
    assert "covers" not in notes  # no nodata: the whole area is covered
    assert "30.0 % of the area is unclassified in the reference map" in notes


def test_reference_of_another_place_is_still_partial(tmp_path):
    path = _class_raster(tmp_path)
    ref = open_raster(path, expand_palette=False)
    g = ref.grid
    shifted = type(g)(g.crs, from_origin(500000 + 250, 4500000, 10, 10), g.width, g.height)  # half of it off the map
    covered, classified = reference_coverage(ref, [1, 2], shifted)
    assert covered == pytest.approx(0.5, abs=0.02) and classified == pytest.approx(0.35, abs=0.02)


def _cva_notes(before, after) -> list[str]:
    m = CVA()
    m.fit([PairBlock(["blue", "green", "red", "nir"], before, after, np.ones(before.shape[1:], bool))])
    return m.notes


def test_identical_dates_cva_notes_do_not_contradict():
    x = np.random.default_rng(0).random((4, 60, 60), dtype=np.float32)
    notes = _cva_notes(x, x.copy())
    text = " ".join(notes)
    assert "the two dates are identical there" in text and "large numbers" not in text
    assert "Direction" not in text and "Threshold: none" in text
    y = x.copy()
    y[:, 20:40, 20:40] += 0.5  # a brightened square: direction said
    changed = " ".join(_cva_notes(x, y))
    assert "Direction: 100% of changed sample pixels brighten" in changed and "identical" not in changed


def test_negative_size_is_refused():
    with pytest.raises(PromptError, match="negative area"):
        parse_change_prompt("flood larger than -1 ha")
    assert parse_size_range(normalise("ponds 1-2 ha"))[:2] == (10000.0, 20000.0)  # a range, no minus
    assert parse_size_range(normalise("ponds 1 - 2 ha"))[:2] == (10000.0, 20000.0)
