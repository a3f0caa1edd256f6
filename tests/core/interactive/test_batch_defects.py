"""segment_prompts defects: a fast spread check, cancel during the last object, one object_id on several roofs, the id
raster where objects overlap."""
from __future__ import annotations

import time

import numpy as np
import pytest
import rasterio

from conftest import write_raster
from interactive_helpers import TRANSFORM, pixel_centre, scene, scene_file
from terraprompt.plugin.core.errors import Cancelled
from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, _largest_gap, segment_prompts


_xy = pixel_centre


@pytest.fixture
def img(tmp_path):
    return scene_file(tmp_path)


def test_largest_gap_is_fast_and_matches_a_minimum_spanning_tree():
    """Hundreds of clicks under one object_id (a default id left at 1) are checked at once, not in minutes."""
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial.distance import cdist

    rng = np.random.default_rng(3)
    xy = np.vstack([rng.uniform(0, 200, (150, 2)), rng.uniform(900, 1100, (150, 2))])  # two groups far apart
    expected = minimum_spanning_tree(cdist(xy, xy)).toarray().max()
    t0 = time.perf_counter()
    gap = _largest_gap([(x, y, x, y) for x, y in xy])
    assert time.perf_counter() - t0 < 1.0
    assert gap == pytest.approx(expected) and gap > 900
    assert _largest_gap([(0, 0, 10, 10), (10, 5, 20, 20), (30, 0, 40, 10)]) == pytest.approx(10.0)  # boxes: edge gaps


def test_cancel_during_the_only_object_writes_nothing(img, tmp_path):
    """A cancel asked while the last object is decoded stops the run instead of writing it as a success."""
    path, _ = img
    asked = []
    req = SegmentRequest(path, [PromptObject(7, [(*_xy(55, 70), True)])], str(tmp_path / "o.gpkg"), cache_dir="")
    with pytest.raises(Cancelled):
        segment_prompts(req, progress=lambda v: asked.append(v), is_cancelled=lambda: bool(asked))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["img.tif"]


def test_one_object_id_on_two_near_roofs_is_named(tmp_path):
    """Two roofs 20 pixels apart clicked under one object_id give one two-part object, and the report says so."""
    data, _ = scene(objects=[("rect", 60, 40, 40, 40, (200, 170, 150)), ("rect", 60, 100, 40, 40, (200, 170, 150))])
    path = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    one = PromptObject(1, [(*_xy(80, 60), True), (*_xy(80, 120), True)])
    res = segment_prompts(SegmentRequest(path, [one], str(tmp_path / "o.gpkg"), cache_dir=""))
    assert res.objects == 1 and "object 1: 2 separate parts hold its positive points" in res.report
    single = PromptObject(2, [(*_xy(80, 60), True), (*_xy(70, 50), True)])  # two clicks on one roof: no note
    res = segment_prompts(SegmentRequest(path, [single], str(tmp_path / "o2.gpkg"), cache_dir=""))
    assert res.objects == 1 and "separate parts" not in res.report


def test_overlapping_objects_give_the_lower_id_in_the_raster_and_a_note(img, tmp_path):
    """Without NO_OVERLAP the id raster gives shared pixels to the lower object_id, as NO_OVERLAP does, and says so."""
    path, masks = img
    x0, y1 = TRANSFORM * (40, 30)
    x1, y0 = TRANSFORM * (110, 80)
    objs = [PromptObject(1, [(*_xy(55, 70), True)]), PromptObject(2, [], box=(x0, y0, x1, y1)),  # one roof twice
            PromptObject(3, [(*_xy(150, 170), True)])]
    res = segment_prompts(SegmentRequest(path, objs, str(tmp_path / "o.gpkg"), str(tmp_path / "o.tif"), cache_dir=""))
    with rasterio.open(res.output_raster) as ds:
        ids = ds.read(1)
    roof = masks[1]
    assert (ids[roof] == 1).mean() > 0.8 and (ids[roof] == 2).mean() < 0.1
    assert "2 objects overlap; in the id raster their shared pixels go to the lower object_id" in res.report
