"""Find similar with the promptable network: progress within a tile, and a size range from the exemplars' parts on the
raster (the Rio crop in tests/data: one tile)."""
from __future__ import annotations

import os

import numpy as np

from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar

CROP = os.path.join(os.path.dirname(__file__), "..", "..", "data", "rio_buildings_crop_image.tif")


def test_a_one_tile_network_search_reports_progress_within_the_tile(tmp_path):
    """One tile's clicks took 70 s with the bar at 0 %: progress now moves every few clicks, and only forwards."""
    import rasterio
    from rasterio.features import shapes
    from shapely.geometry import shape

    with rasterio.open(CROP.replace("_image", "_instances")) as ds:
        inst = ds.read(1)
        exemplars = [shape(g) for g, v in shapes(inst, mask=np.isin(inst, [5, 11]), transform=ds.transform)]
    seen = []
    res = find_similar(SimilarRequest(CROP, exemplars, str(tmp_path / "s.gpkg"), method="network", threshold=0.2,
                                      cache_dir=""), progress=seen.append)
    assert "over 1 tile(s)" in res.summary and res.decoded >= 40, res.summary
    within = [v for v in seen if 0 < v < 90]
    assert len(within) >= res.decoded // 20 - 1, seen
    assert seen == sorted(seen) and seen[-1] == 100.0


def test_an_exemplar_part_off_the_raster_does_not_widen_the_network_size_range(tmp_path):
    """A roof drawn together with a field off the raster (one feature): the network's size range came from the whole
    feature (up to 40,923 m² for roofs of at most 407 m²); it comes from the roofs' parts on the raster."""
    import re

    import rasterio
    from rasterio.features import shapes
    from shapely.geometry import MultiPolygon, box, shape

    from terraprompt.plugin.core.raster import open_raster
    from terraprompt.plugin.core.vectors import AreaCalculator

    with rasterio.open(CROP.replace("_image", "_instances")) as ds:
        inst, b = ds.read(1), ds.bounds
        roofs = [shape(g) for g, v in shapes(inst, mask=np.isin(inst, [5, 11]), transform=ds.transform)]
    w = b.right - b.left
    off = box(b.right + 0.05 * w, b.bottom, b.right + 0.5 * w, b.top)
    res = find_similar(SimilarRequest(CROP, [roofs[0], MultiPolygon([roofs[1], off])], str(tmp_path / "s.gpkg"),
                                      method="network", threshold=0.2, cache_dir=""))
    lo, hi = (float(v.replace(",", "")) for v in re.search(r"area between ([\d,.]+) and ([\d,.]+) m²", res.summary).groups())
    largest = max(AreaCalculator(open_raster(CROP).crs).area_m2(g) for g in roofs)
    assert 3.9 * largest <= hi <= 4.1 * largest, (res.summary, largest)
