"""Summaries of the runs the dock calls directly (change, find similar, segment prompts) say a local grid's areas are
planar, once; one centre-pixel area, true on rotated grids; a cancel stops GDAL's polygonizing of a speckled window."""
from __future__ import annotations

import os

import numpy as np
import pytest
from pyproj import Geod, Transformer
from rasterio.crs import CRS
from rasterio.transform import Affine, from_origin
from shapely.geometry import Polygon as ShapelyPolygon
from shapely.ops import transform as shp_transform

from conftest import S2_NAMES, write_raster
from core.change.change_pairs import change_pair
from core.interactive.test_exemplars import TR, geom, scene
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.errors import Cancelled
from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, segment_prompts
from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.vectors import AreaCalculator, pixel_area_m2, polygonize, write_polygons

SITE = 'LOCAL_CS["site grid",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
NOTE = "areas are measured flat in the raster's own metre grid"


def _layer_description(path: str) -> str:
    """The DESCRIPTION a run stored on its GeoPackage layer."""
    from osgeo import ogr

    ds = ogr.Open(path)
    return ds.GetLayer(0).GetMetadataItem("DESCRIPTION") or ""


def test_change_summary_on_a_local_grid_says_areas_are_planar_once(tmp_path):
    """The Change tab shows detect_change's summary as it is: the note was only added by the Processing algorithm."""
    b, a, _ = change_pair()
    pb = write_raster(str(tmp_path / "before.tif"), b, crs=CRS.from_wkt(SITE), transform=from_origin(1000, 3000, 10, 10),
                      descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "after.tif"), a, crs=CRS.from_wkt(SITE), transform=from_origin(1000, 3000, 10, 10),
                      descriptions=S2_NAMES)
    res = detect_change(ChangeRequest(before=pb, after=pa, method="cva", output_change=str(tmp_path / "c.tif"),
                                      output_vector=str(tmp_path / "c.gpkg")))
    assert res.summary.count(NOTE) == 1, res.summary
    assert _layer_description(str(tmp_path / "c.gpkg")).count(NOTE) == 1


def test_change_summary_in_metres_has_no_note(tmp_path):
    b, a, _ = change_pair()
    pb = write_raster(str(tmp_path / "before.tif"), b, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "after.tif"), a, descriptions=S2_NAMES)
    res = detect_change(ChangeRequest(before=pb, after=pa, method="cva", output_change=str(tmp_path / "c.tif")))
    assert "local grid" not in res.summary


def test_find_similar_summary_on_a_local_grid_says_areas_are_planar_once(tmp_path):
    """The Interactive tab's Find similar shows find_similar's summary as it is."""
    data, red, _ = scene()
    src = write_raster(str(tmp_path / "site.tif"), data, crs=CRS.from_wkt(SITE), transform=TR)
    res = find_similar(SimilarRequest(src, [geom(*red[0]), geom(*red[4])], str(tmp_path / "similar.gpkg"),
                                      method="appearance"))
    assert res.count == len(red) - 2
    assert res.summary.count(NOTE) == 1, res.summary
    assert _layer_description(str(tmp_path / "similar.gpkg")).count(NOTE) == 1


def test_segment_prompts_report_on_a_local_grid_says_areas_are_planar_once(tmp_path):
    data, red, _ = scene()
    src = write_raster(str(tmp_path / "site.tif"), data, crs=CRS.from_wkt(SITE), transform=TR)
    r, c = red[0]
    x, y = TR * (c + 6, r + 6)
    res = segment_prompts(SegmentRequest(src, [PromptObject(1, [(x, y, True)])], str(tmp_path / "obj.gpkg"),
                                         model="classical", cache_dir=""))
    assert res.objects == 1 and res.report.count(NOTE) == 1, res.report


def _true_pixel_area(epsg: int, tr: Affine, shape: tuple[int, int]) -> float:
    """The centre pixel's outline on the WGS 84 ellipsoid (pyproj), its corners taken from the geotransform."""
    r, c = shape[0] // 2, shape[1] // 2
    poly = ShapelyPolygon([tr * (c, r), tr * (c + 1, r), tr * (c + 1, r + 1), tr * (c, r + 1)])
    if epsg != 4326:
        poly = shp_transform(Transformer.from_crs(epsg, 4326, always_xy=True).transform, poly)
    return abs(Geod(ellps="WGS84").geometry_area_perimeter(poly)[0])


@pytest.mark.parametrize("epsg,tr,shape", [
    (32633, Affine.translation(500000, 4500000) * Affine.rotation(30) * Affine.scale(2, -3), (101, 101)),
    (32633, Affine.translation(200000, 7500000) * Affine.rotation(45) * Affine.scale(400, -100), (1001, 1000)),
    (4326, Affine.translation(10, 60) * Affine.rotation(30) * Affine.scale(0.01, -0.002), (1000, 1000)),
    (3857, Affine.translation(1e6, 8e6) * Affine.rotation(60) * Affine.scale(50, -50), (5000, 5001)),
])
def test_centre_pixel_area_on_rotated_grids_is_true(epsg, tr, shape):
    """Rotated, non-square pixels in UTM, degrees and Web Mercator: the ellipsoidal area of the pixel's parallelogram."""
    got = pixel_area_m2(AreaCalculator(CRS.from_epsg(epsg)), tr, shape)
    assert got == pytest.approx(_true_pixel_area(epsg, tr, shape), rel=1e-5)


def test_a_cancel_stops_the_polygonizing_of_a_speckled_window(tmp_path):
    """A speckled 1024² window (135 000 regions, seconds in gdal.Polygonize): the cancel flag flips while GDAL
    polygonizes (on its second question); the run stops there, before any polygon reaches the writer, and leaves no file
    (the cancel used to wait for the whole window, then for 4096 polygons)."""
    cls = (np.random.default_rng(0).random((1024, 1024)) < 0.3).astype(np.uint8)
    path = write_raster(str(tmp_path / "cls.tif"), cls, crs="EPSG:32633", transform=from_origin(500000, 4500000, 1, 1))
    asked = []

    def is_cancelled() -> bool:
        asked.append(True)
        return len(asked) > 2  # the first question is before the window, the next from GDAL's progress

    seen = []

    def counted(polys):
        for p in polys:
            seen.append(p)
            yield p

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Cancelled):
        write_polygons(str(out / "speckle.gpkg"), counted(polygonize(path, is_cancelled=is_cancelled)),
                       open_raster(path).grid, {1: "x"}, {}, is_cancelled=is_cancelled)
    assert seen == []  # stopped inside the window's polygonizing
    assert os.listdir(out) == []
