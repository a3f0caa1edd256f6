"""Text prompts in the interactive session: land-cover concepts on the encoded window become candidate objects.
The candidate mechanics are checked pixel-exactly with ENGINE=spectral (auto picks the network for 13-band water, whose
masks of synthetic shapes are close but not exact)."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin
from rasterio.windows import Window

from conftest import S2_NAMES, paint_s2, write_raster

PIXEL = 10.0


def s2_scene(h: int = 200, w: int = 200, nodata_rows: int = 0, seed: int = 0):
    """A 13-band L1C-like scene (10 m pixels): a big lake joined to a pond by a channel, a small lake, a 9-pixel puddle,
    a field of vegetation; the last ``nodata_rows`` rows are nodata (0). Returns (data, masks by name)."""
    yy, xx = np.mgrid[0:h, 0:w]
    lake = (yy - 60) ** 2 + (xx - 60) ** 2 < 30 ** 2
    pond = (yy >= 50) & (yy < 70) & (xx >= 100) & (xx < 120)
    channel = (yy >= 59) & (yy < 61) & (xx >= 85) & (xx < 100)
    small = (yy >= 150) & (yy < 170) & (xx >= 120) & (xx < 150)
    puddle = (yy >= 120) & (yy < 123) & (xx >= 30) & (xx < 33)
    veg = (yy >= 110) & (yy < 150) & (xx >= 160) & (xx < 190)
    water = lake | pond | channel | small | puddle
    data = paint_s2(water, veg, seed)
    valid = np.ones((h, w), bool)
    if nodata_rows:
        data[:, h - nodata_rows:, :] = 0
        valid[h - nodata_rows:, :] = False
    masks = {"lake+pond": lake | pond | channel, "lake": lake, "pond": pond, "small": small, "puddle": puddle, "veg": veg,
             "valid": valid}
    return data, masks


@pytest.fixture()
def session_for(tmp_path):
    from terraprompt.plugin.core.interactive.session import InteractiveSession
    from terraprompt.plugin.core.raster import open_raster

    def make(nodata_rows: int = 0, window=None):
        data, masks = s2_scene(nodata_rows=nodata_rows)
        path = write_raster(str(tmp_path / "s2.tif"), data, transform=from_origin(500000, 4500000, PIXEL, PIXEL),
                            nodata=0 if nodata_rows else None, descriptions=S2_NAMES)
        return InteractiveSession(open_raster(path), window), masks

    return make


def _on_grid(c):
    return c.mask()


def test_water_regions_become_candidates_with_true_areas(session_for):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, m = session_for()
    cs = find_candidates(s, "water", engine="spectral")
    assert [c.concept for c in cs.candidates] == ["water", "water"]  # the 9-pixel puddle is dropped (default 16 pixels)
    big, small = cs.candidates
    assert np.array_equal(big.mask(), m["lake+pond"]) and np.array_equal(small.mask(), m["small"])
    assert big.area_m2 == pytest.approx(m["lake+pond"].sum() * PIXEL ** 2, rel=0.01)  # geodesic ≈ UTM area here
    assert small.area_m2 == pytest.approx(600 * PIXEL ** 2, rel=0.01)
    assert big.score > 0.9 and big.candidate_id == 1 and big.label == "Water"
    assert cs.total == 2 and cs.dropped_small >= 1 and "2 found" in cs.summary  # the puddle and single noisy pixels
    assert cs.shape == (200, 200) and cs.window == s.window
    geom = small.geometry()
    assert geom.area == pytest.approx(600 * PIXEL ** 2) and geom.bounds == (501200.0, 4498300.0, 501500.0, 4498500.0)
    x, y = small.interior_point()
    assert 501200 < x < 501500 and 4498300 < y < 4498500
    from terraprompt.plugin.core.interactive.text_candidates import candidate_object

    obj = candidate_object(cs, big, 7, s.source.crs, s.source.path, straight=True)  # 'Straight outlines' ticked
    traced = big.geometry()
    assert obj.attrs["object_id"] == 7 and obj.geometry.is_valid
    assert sum(len(p.exterior.coords) for p in obj.geometry.geoms) <= sum(len(p.exterior.coords) for p in traced.geoms)
    assert obj.attrs["area_m2"] == pytest.approx(obj.geometry.area, rel=0.02)  # the area of what is written



def test_network_on_aerial_pixels_says_it_is_outside_its_training_sizes():
    """The 0.5 m building crop: the land-cover network (10-30 m) answers, and the summary the dock shows says so."""
    import os

    from conftest import ROOT
    from terraprompt.plugin.core.interactive.session import InteractiveSession
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates
    from terraprompt.plugin.core.raster import open_raster

    s = InteractiveSession(open_raster(os.path.join(ROOT, "tests", "data", "rio_buildings_crop_image.tif")))
    cs = find_candidates(s, "vegetation", engine="network", max_grow=0)
    assert cs.engine == "network" and "\nCaution: the pixels are 0.48 m" in cs.summary
    assert "Caution" not in find_candidates(s, "vegetation", engine="spectral", max_grow=0).summary

def test_size_qualifier_sort_cap_and_two_concepts(session_for):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, m = session_for()
    assert [c.pixels for c in find_candidates(s, "lakes larger than 10 ha", engine="spectral").candidates] == [m["lake+pond"].sum()]
    both = find_candidates(s, "water and vegetation", max_count=2, engine="spectral")
    assert both.total == 3 and len(both.candidates) == 2 and "largest of 3" in both.summary
    assert [c.concept for c in both.candidates] == ["water", "vegetation"]
    assert np.array_equal(find_candidates(s, "vegetation", engine="spectral").candidates[0].mask(), m["veg"])
    assert find_candidates(s, "water", min_pixels=4, engine="spectral").total == 3  # the puddle is back
    by_score = find_candidates(s, "water and vegetation", sort="score", engine="spectral")
    assert [c.score for c in by_score.candidates] == sorted((c.score for c in by_score.candidates), reverse=True)


def test_exclusion_removes_pixels(session_for):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, _ = session_for()
    cs = find_candidates(s, "water except flooded areas", engine="spectral")  # same evidence as water: everything is excluded
    assert [m.concept for m in cs.prompt.excluded] == ["flooded_area"] and cs.candidates == []


def test_prompt_notes_are_in_the_summary(session_for):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, _ = session_for()
    cs = find_candidates(s, "water quickly", engine="spectral")
    assert cs.prompt.notes and "Not understood: 'quickly'" in cs.summary


def test_a_place_in_the_prompt_is_said_with_the_fix_of_this_tool(session_for):
    """Find objects searches the map view: a place ('in the north') gets that fix, not the Land cover tab's Extent."""
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, _ = session_for()
    cs = find_candidates(s, "water in the north", engine="spectral")
    assert "'in the north'" in cs.summary and "Find objects searches the map view" in cs.summary
    assert "Land cover tab" not in cs.summary


def test_unknown_prompt_is_a_prompt_error(session_for):
    from terraprompt.plugin.core.errors import PromptError
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, _ = session_for()
    with pytest.raises(PromptError, match="does not name a land cover"):
        find_candidates(s, "qwzx blorp", engine="spectral")
    with pytest.raises(PromptError, match="empty"):
        find_candidates(s, "  ", engine="spectral")


def test_height_qualifier_is_refused_with_a_fix(session_for):
    from terraprompt.plugin.core.errors import InputError
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, _ = session_for()
    with pytest.raises(InputError) as err:
        find_candidates(s, "buildings taller than 10 m", engine="spectral")
    assert "≥ 10 m" in err.value.problem and "DSM" in err.value.fix


def test_buildings_on_a_photo_are_candidates_from_the_building_head():
    """'buildings' on a 0.5 m RGB crop of the held-out Rio tile: candidates from the building head, most of them on a
    reference building (before: refused, RGB alone has no rule for roofs)."""
    import os

    import rasterio

    from terraprompt.plugin.core.interactive.session import InteractiveSession
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates
    from terraprompt.plugin.core.raster import open_raster

    crop = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "data", "rio_buildings_crop_image.tif")
    with rasterio.open(crop.replace("_image", "_instances")) as ds:
        truth = ds.read(1) > 0
    s = InteractiveSession(open_raster(crop))
    cs = find_candidates(s, "buildings")
    assert len(cs.candidates) >= 3 and {c.concept for c in cs.candidates} == {"buildings"}
    assert s.encode().shape == truth.shape  # encoded at its own 0.5 m pixels: candidate masks on the reference grid
    on_roofs = [truth[c.mask()].mean() > 0.5 for c in cs.candidates]
    assert np.mean(on_roofs) > 0.5, on_roofs


def test_buildings_on_coarse_rgb_point_to_clicks_and_find_similar(tmp_path):
    """At 2 m RGB alone cannot tell roofs from roads: the refusal's fix is the tab's own workflow, not DSM_INPUT."""
    from rasterio.transform import from_origin

    from conftest import write_raster
    from terraprompt.plugin.core.errors import ModalityError
    from terraprompt.plugin.core.interactive.session import InteractiveSession
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates
    from terraprompt.plugin.core.raster import open_raster

    rgb = np.random.default_rng(3).integers(0, 255, (3, 64, 64)).astype(np.uint8)
    src = write_raster(str(tmp_path / "rgb2.tif"), rgb, transform=from_origin(500000, 4500000, 2, 2))
    s = InteractiveSession(open_raster(src))
    with pytest.raises(ModalityError) as err:
        find_candidates(s, "buildings", engine="spectral")
    assert "'buildings'" in err.value.problem and "Find similar" in err.value.fix and "DSM_INPUT" not in err.value.fix


def test_nodata_is_never_a_candidate(session_for):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, m = session_for(nodata_rows=40)  # the small lake (rows 150-170) and the bottom of the field are nodata
    cs = find_candidates(s, "water and vegetation", engine="spectral")
    union = np.logical_or.reduce([c.mask() for c in cs.candidates])
    assert not (union & ~m["valid"]).any()
    assert [c.pixels for c in cs.candidates if c.concept == "vegetation"] == [(m["veg"] & m["valid"]).sum()]
    assert not any(np.array_equal(c.mask(), m["small"]) for c in cs.candidates)


def test_window_and_resolution_follow_the_session(session_for):
    from rasterio.windows import Window

    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, m = session_for(window=Window(0, 0, 140, 120))
    s.resolution = 20.0  # encoded at half resolution: 70 x 60 pixels
    cs = find_candidates(s, "water", engine="spectral")
    assert cs.shape == (60, 70) and cs.candidates[0].shape == (60, 70)
    # the 2-pixel channel is blurred away at 20 m: the largest candidate is the lake
    assert cs.candidates[0].area_m2 == pytest.approx(m["lake"].sum() * PIXEL ** 2, rel=0.1)


def test_refine_a_candidate_with_clicks_undo_redo(session_for):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, m = session_for()
    cand = find_candidates(s, "water", engine="spectral").candidates[0]
    res = s.set_base(cand.mask(), cand.transform, s.window, cand.score)
    assert np.array_equal(res.mask, m["lake+pond"]) and s.prompt_type() == "text"
    tr = s.source.transform
    # a negative click on the pond cuts it (and the channel's far end) away; the lake stays
    res = s.add_point(*(tr * (110, 60)), positive=False)
    assert (res.mask & m["pond"]).sum() <= 0.05 * m["pond"].sum()
    assert (res.mask & m["lake"]).sum() >= 0.97 * m["lake"].sum()
    assert s.prompt_type() == "text+points" and s.history.n_negative == 1
    # a positive click on the small lake adds it
    res = s.add_point(*(tr * (135, 160)), positive=True)
    assert (res.mask & m["small"]).sum() >= 0.9 * m["small"].sum() and (res.mask & m["pond"]).sum() <= 0.05 * m["pond"].sum()
    assert s.undo() is not None and not (s.last.mask & m["small"]).any()
    assert np.array_equal(s.undo().mask, m["lake+pond"])  # back to the candidate
    assert (s.redo().mask & m["pond"]).sum() <= 0.05 * m["pond"].sum()
    s.clear()
    assert s.base is None and s.last is None


def test_candidates_in_a_view_follow_the_whole_raster_run(tmp_path):
    """A view over the top-left quarter of the OSCD Hong Kong scene: its water candidates are the water a whole-raster
    extract_landcover finds there (thresholds fitted on the view gave water IoU 0.55 with the whole run)."""
    import rasterio

    from conftest import shared
    from terraprompt.plugin.core.interactive.session import InteractiveSession
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
    from terraprompt.plugin.core.raster import open_raster

    path = shared("oscd", "hongkong", "hongkong_t1.tif")
    out = str(tmp_path / "whole.tif")
    extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=out, engine="spectral"))
    with rasterio.open(out) as ds:
        h, w = ds.height // 2, ds.width // 2
        whole = ds.read(1)[:h, :w] == 1
    s = InteractiveSession(open_raster(path), Window(0, 0, w, h))
    cs = find_candidates(s, "water", engine="spectral", min_pixels=1, max_count=100_000)
    assert tuple(cs.shape) == whole.shape
    got = np.zeros(whole.shape, bool)
    for c in cs.candidates:
        got |= c.mask()
    assert (got & whole).sum() / max((got | whole).sum(), 1) > 0.95
