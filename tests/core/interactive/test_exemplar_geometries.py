"""Exemplar and prompt geometries the core is handed: bowties, coordinates that could not be placed, features without
geometry, one object_id on prompts far apart; and the class field of a reference polygon map."""
from __future__ import annotations

import math

import pytest
from shapely.geometry import Polygon

from conftest import write_raster
from terraprompt.plugin.core.change.reference import class_field
from terraprompt.plugin.core.errors import InputError, PromptError
from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, segment_prompts
from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar, repaired
from terraprompt.plugin.core.tiling import TileSpec

from core.interactive.test_exemplars import TR, geom, scene


def _bowtie(r: int, c: int) -> Polygon:
    x0, y0, x1, y1 = geom(r, c).bounds
    return Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])


def test_bowtie_is_repaired_not_dropped():
    fixed, n = repaired([_bowtie(20, 20), geom(20, 110)])
    assert n == 1 and fixed[0].is_valid and fixed[0].area > 0 and fixed[1].equals(geom(20, 110))


def test_summary_counts_repaired_and_geometryless_exemplars(tmp_path):
    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    res = find_similar(SimilarRequest(src, [_bowtie(*red[0]), geom(*red[4])], str(tmp_path / "s.gpkg"), method="appearance",
                                      tiles=TileSpec(128, 16, 2), without_geometry=2))
    assert res.count == len(red) - 2  # the exemplars are not returned
    assert "2 exemplar(s)," in res.summary
    assert "1 exemplar(s) with an invalid outline (self-crossing) repaired" in res.summary
    assert "2 exemplar feature(s) without geometry left out" in res.summary


def test_exemplars_that_could_not_be_placed_are_outside_the_raster(tmp_path):
    data, _, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    nan = Polygon([(0, 0), (math.inf, 0), (math.inf, 1), (0, 0)])  # what a transform without a fit gave
    for exemplars, unplaced in (([nan], 0), ([], 2)):
        with pytest.raises(InputError, match="outside the raster") as info:
            find_similar(SimilarRequest(src, exemplars, str(tmp_path / "s.gpkg"), method="appearance", unplaced=unplaced))
        assert "CRS" in info.value.fix
    assert not (tmp_path / "s.gpkg").exists()


def test_unplaced_points_and_boxes_are_outside_the_raster(tmp_path):
    data, _, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    objects = [PromptObject(1, [(math.nan, math.nan, True)]), PromptObject(2, box=(math.nan,) * 4)]
    with pytest.raises(PromptError) as info:
        segment_prompts(SegmentRequest(src, objects, str(tmp_path / "o.gpkg"), cache_dir=""))
    assert "object 1: a positive point lies outside the raster (check the layer's CRS)" in info.value.problem
    assert "object 2: the box lies outside the raster (check the layer's CRS)" in info.value.problem


def test_one_object_id_far_apart_is_said(tmp_path):
    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    a, b = geom(*red[0]).centroid, geom(*red[8]).centroid  # about 250 pixels apart
    res = segment_prompts(SegmentRequest(src, [PromptObject(1, [(a.x, a.y, True), (b.x, b.y, True)])], str(tmp_path / "o.gpkg"),
                                         window_size=256, cache_dir="", without_geometry=[4]))
    assert "object 1: its prompts lie" in res.report and "half a decode window of 256 pixels" in res.report
    assert "1 prompt feature(s) without geometry left out (object_id 4)" in res.report
    near = segment_prompts(SegmentRequest(src, [PromptObject(1, [(a.x, a.y, True), (a.x + 3, a.y, True)])],
                                          str(tmp_path / "n.gpkg"), window_size=256, cache_dir=""))
    assert "prompts lie" not in near.report


def test_only_geometryless_prompts_are_refused(tmp_path):
    data, _, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    with pytest.raises(PromptError, match="2 prompt feature"):
        segment_prompts(SegmentRequest(src, [], str(tmp_path / "o.gpkg"), without_geometry=[1, 2]))


def test_class_field_by_priority_not_layer_order():
    assert class_field({"name": "str:80", "class": "str:80"}) == "class"
    assert class_field({"Name": "str", "LABEL": "str"}) == "LABEL"
    assert class_field({"code": "int", "descr": "str"}) == "descr"
    assert class_field({"code": "int"}) is None
