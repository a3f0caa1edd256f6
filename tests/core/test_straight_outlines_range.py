"""Straight outlines keep the size range the regions were filtered by (land cover, find similar) and never make two
features overlap (probe report 'polygons', items 1-3)."""
from __future__ import annotations

import os
import re

import fiona
import numpy as np
import pytest
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.geometry import shape

from conftest import write_raster
from terraprompt.plugin.core.raster import Grid
from terraprompt.plugin.core.vectors import polygonize, write_polygons

CROP = os.path.join(os.path.dirname(__file__), "..", "data", "rio_buildings_crop_image.tif")


def _features(path: str) -> list[tuple[object, dict]]:
    with fiona.open(path) as fc:
        return [(shape(f["geometry"]), dict(f["properties"])) for f in fc]


def _overlaps(geoms: list) -> list[tuple[int, int, float]]:
    """Pairs sharing more than rounding noise (1e-9) of the smaller one's area: (i, j, shared share)."""
    pairs = [(i, j, geoms[i].intersection(geoms[j]).area / min(geoms[i].area, geoms[j].area))
             for i in range(len(geoms)) for j in range(i + 1, len(geoms))]
    return [p for p in pairs if p[2] > 1e-9]


def test_landcover_straight_outlines_keep_the_prompts_size_range(tmp_path):
    """'larger than 91 m2 and smaller than 297 m2': two roofs pass the raster's sieve (92.99 and 296.85 m² of pixels)
    but squared measured 90.07 and 298.56 m², written under the stated range. They keep their traced outlines now."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    res = extract_landcover(ExtractRequest(input=CROP, prompt="buildings larger than 91 m2 and smaller than 297 m2",
                                           output_raster=str(tmp_path / "b.tif"), output_vector=str(tmp_path / "b.gpkg"),
                                           straight_outlines=True))
    areas = sorted(p["area_m2"] for _, p in _features(res.output_vector))
    assert areas and 91 <= areas[0] and areas[-1] <= 297, areas
    assert len(areas) == 5 and areas[0] == 92.994 and areas[-1] == 296.847, areas  # nothing dropped; pixel areas kept
    assert "2 straight outline(s) would have left the size range and keep their traced outline" in res.explanation


def test_straight_outlines_of_neighbours_do_not_overlap(tmp_path):
    """A roof whose 2-pixel step is folded into its bottom edge reached 0.5 pixel over the roof below it (1.125 m² of
    overlap, none in the raster): the later polygon is cut, both stay straight."""
    tr = from_origin(500000, 4500000, 0.5, 0.5)
    cls = np.zeros((60, 60), np.uint8)
    cls[10:30, 10:50] = 1
    cls[30:32, 20:50] = 1  # the step
    cls[31:51, 10:19] = 1  # the roof below, one pixel apart
    path = str(tmp_path / "c.tif")
    write_raster(path, cls, transform=tr, crs="EPSG:32633")
    out = str(tmp_path / "roofs.gpkg")
    written = write_polygons(out, polygonize(path), Grid(CRS.from_epsg(32633), tr, 60, 60), {1: "building"}, {},
                             straight={1})
    feats = _features(out)
    assert len(feats) == 2 and not _overlaps([g for g, _ in feats]), _overlaps([g for g, _ in feats])
    assert written.cut == 1 and "1 polygon(s) cut where a neighbour's straight outline" in written.straight_note()
    assert all(len(g.geoms[0].exterior.coords) <= 7 for g, _ in feats)  # still right-angled, not a staircase
    assert sum(p["area_m2"] for _, p in feats) == pytest.approx(cls.sum() * 0.25 - 1.125, rel=1e-3)  # UTM scale: true m²


def test_find_similar_straight_outlines_keep_the_summarys_range_and_apart(tmp_path):
    """Appearance method, straight outlines: squared objects measured under the summary's 'objects between lo and hi
    m²' (6 of 165 on a Rio tile; here 21.06 and 24.39 m² under 23 m²) and overlapped each other (6 pairs; here 2)."""
    import rasterio
    from rasterio.features import shapes

    from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar

    with rasterio.open(CROP.replace("_image", "_instances")) as ds:
        inst = ds.read(1)
        exemplars = [shape(g) for g, v in shapes(inst, mask=inst == 7, transform=ds.transform)]
    out = str(tmp_path / "s.gpkg")
    res = find_similar(SimilarRequest(CROP, exemplars, out, method="appearance", straight=True, threshold=0.3,
                                      cache_dir=""))
    lo, hi = (float(v.replace(",", "")) for v in re.search(r"objects between ([\d,.]+) and ([\d,.]+) m²", res.summary).groups())
    feats = _features(out)
    assert feats and all(lo - 0.5 <= p["area_m2"] <= hi + 0.5 for _, p in feats), (lo, hi, sorted(p["area_m2"] for _, p in feats))
    assert not _overlaps([g for g, _ in feats])
