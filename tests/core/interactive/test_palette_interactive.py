"""A paletted class map (16 colours) given to the interactive tools is read through its colours (clicking its regions
is a valid use; it was refused as a class map to give as REFERENCE_MAP); land cover and change still refuse it."""
from __future__ import annotations

import fiona
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, segment_prompts
from terraprompt.plugin.core.interactive.precompute import encode_raster
from terraprompt.plugin.core.raster import open_raster

TRANSFORM = from_origin(500000, 4500000, 0.5, 0.5)


def _class_map(path: str) -> np.ndarray:
    """A 16-colour paletted GeoTIFF: background class 0, a 40 x 60 px field of class 5 and a few other patches."""
    idx = np.zeros((128, 128), np.uint8)
    idx[30:70, 20:80] = 5
    for k, (r, c) in enumerate(((90, 90), (10, 100), (100, 10)), start=1):
        idx[r:r + 20, c:c + 20] = k
    rng = np.random.default_rng(0)
    colours = {i: (*(int(v) for v in rng.integers(0, 256, 3)), 255) for i in range(16)}
    with rasterio.open(path, "w", driver="GTiff", width=128, height=128, count=1, dtype="uint8", crs="EPSG:32633",
                       transform=TRANSFORM, photometric="palette") as ds:
        ds.write(idx, 1)
        ds.write_colormap(1, colours)
    return idx == 5


def test_segment_prompts_clicks_a_region_of_a_class_map(tmp_path):
    path = str(tmp_path / "classes.tif")
    field = _class_map(path)
    x, y = TRANSFORM * (50.5, 50.5)
    res = segment_prompts(SegmentRequest(path, [PromptObject(1, [(x, y, True)])], str(tmp_path / "o.gpkg"),
                                         str(tmp_path / "o.tif"), model="classical", cache_dir=""))
    assert res.objects == 1
    with rasterio.open(res.output_raster) as ds:
        ids = ds.read(1)
    assert ((ids == 1) & field).sum() / ((ids == 1) | field).sum() > 0.9
    with fiona.open(res.output_vector) as fc:
        assert len(list(fc)) == 1


def test_encode_image_reads_a_class_map_through_its_colours(tmp_path):
    path = str(tmp_path / "classes.tif")
    _class_map(path)
    res = encode_raster(path, model="classical", cache_dir=str(tmp_path / "cache"))
    assert res.tiles == 1 and res.encoded == 1


def test_other_tools_still_refuse_the_class_map(tmp_path):
    path = str(tmp_path / "classes.tif")
    _class_map(path)
    with pytest.raises(InputError, match="class"):
        open_raster(path)
    assert open_raster(path, expand_palette="always").count == 3


def test_find_similar_reads_a_class_map_through_its_colours(tmp_path):
    """Exemplars drawn on a paletted class map: the search runs on its colours (it was refused as a class map)."""
    from shapely.geometry import box

    from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar

    path = str(tmp_path / "classes.tif")
    _class_map(path)
    x0, y0 = TRANSFORM * (22, 32)
    x1, y1 = TRANSFORM * (78, 68)
    res = find_similar(SimilarRequest(path, [box(x0, y1, x1, y0)], str(tmp_path / "similar.gpkg"), method="appearance"))
    assert res.output_vector and (tmp_path / "similar.gpkg").exists()
