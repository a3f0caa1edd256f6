"""What a vector format lost (a Shapefile's text cut to 254 bytes, an empty GeoJSON's fields) is said in the summary of
every run that writes polygons: change detection, find similar and segmented objects, as the land-cover extraction does."""
from __future__ import annotations

import fiona
import numpy as np
from rasterio.transform import from_origin
from shapely.geometry import box

from conftest import write_raster
from core.change.change_pairs import write_pair
from core.interactive.interactive_helpers import pixel_centre, scene_file
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, segment_prompts
from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar
from terraprompt.plugin.core.tiling import TileSpec

LONG = "roof " * 60
"""A class name of 300 bytes: a Shapefile keeps 254 of them."""


def _cut(summary: str, field: str = "class") -> bool:
    """Whether the summary says, on a line of its own, that the Shapefile cut ``field``'s text."""
    return any(line.startswith(f"Shapefile: the text of the field '{field}' is cut to 254 bytes")
               for line in summary.splitlines())


def test_change_polygons_to_an_empty_geojson_say_it_keeps_no_fields(tmp_path):
    pb, _, _ = write_pair(tmp_path)  # the same raster on both dates: no changed area of 1 ha
    out = tmp_path / "out" / "change.geojson"
    res = detect_change(ChangeRequest(pb, pb, method="cva", cloud_mask=False, min_area_m2=10_000,
                                      output_probability=str(tmp_path / "out" / "prob.tif"), output_vector=str(out),
                                      tiles=TileSpec(64, 0, 2)))
    with fiona.open(str(out)) as fc:
        assert len(fc) == 0
    assert any(line.startswith("GeoJSON: 'change.geojson' holds no polygons") for line in res.summary.splitlines()), res.summary


def _roofs(tmp_path) -> tuple[str, list]:
    """An RGB scene of four red roofs (12 px) on green ground; returns its path and the roofs' outlines."""
    tr = from_origin(500000, 4500000, 1.0, 1.0)
    rng = np.random.default_rng(3)
    data = np.full((3, 120, 120), 90.0) + rng.normal(0, 6, (3, 120, 120))
    data[1] += 40
    roofs = [(15, 15), (15, 90), (90, 15), (90, 90)]
    for r, c in roofs:
        data[:, r:r + 12, c:c + 12] = np.array([200, 60, 50])[:, None, None] + rng.normal(0, 6, (3, 12, 12))
    path = write_raster(str(tmp_path / "rgb.tif"), np.clip(data, 0, 255).astype(np.uint8), transform=tr)
    outlines = [box(*(tr * (c + 1, r + 11)), *(tr * (c + 11, r + 1))) for r, c in roofs]
    return path, outlines


def test_similar_objects_to_a_shapefile_say_their_class_is_cut(tmp_path):
    path, outlines = _roofs(tmp_path)
    res = find_similar(SimilarRequest(path, outlines[:2], str(tmp_path / "similar.shp"), threshold=0.5, label=LONG,
                                      method="appearance", tiles=TileSpec(128, 16, 2)))
    assert res.count >= 1
    assert _cut(res.summary), res.summary


def test_segmented_objects_to_a_shapefile_say_their_class_is_cut(tmp_path):
    path, _ = scene_file(tmp_path)
    res = segment_prompts(SegmentRequest(path, [PromptObject(7, [(*pixel_centre(55, 70), True)])],
                                         str(tmp_path / "objects.shp"), class_name=LONG, cache_dir=""))
    assert res.objects == 1
    assert _cut(res.report), res.report
