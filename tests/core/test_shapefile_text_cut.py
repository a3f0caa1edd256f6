"""A Shapefile's text fields hold 254 bytes: a longer value (a long prompt) is cut, and the run says so, naming the field
and the GeoPackage that keeps it whole."""
from __future__ import annotations

import fiona
import numpy as np
from rasterio.crs import CRS
from rasterio.transform import from_origin

from conftest import paint_s2, write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.raster import Grid
from terraprompt.plugin.core.vectors import polygonize, write_polygons

LONG = "water " + "including lakes, ponds, rivers, reservoirs and canals, " * 6


def _classes(tmp_path) -> tuple[str, Grid]:
    tr = from_origin(500000, 4500000, 10, 10)
    cls = np.zeros((20, 20), np.uint8)
    cls[2:8, 2:8] = 1
    path = write_raster(str(tmp_path / "cls.tif"), cls, transform=tr)
    return path, Grid(CRS.from_epsg(32633), tr, 20, 20)


def test_a_shapefile_says_which_text_field_it_cut(tmp_path):
    """Over 254 bytes in .shp: one note naming the field and .gpkg; within 254 bytes, or in a GeoPackage: none."""
    src, grid = _classes(tmp_path)
    assert len(LONG.encode()) > 254
    w = write_polygons(str(tmp_path / "long.shp"), polygonize(src), grid, {1: "water"}, {"prompt": LONG})
    assert len(w.notes) == 1 and "'prompt'" in w.notes[0] and "254" in w.notes[0] and ".gpkg" in w.notes[0]
    with fiona.open(str(tmp_path / "long.shp")) as fc:
        assert len(next(iter(fc))["properties"]["prompt"].encode()) == 254
    assert write_polygons(str(tmp_path / "short.shp"), polygonize(src), grid, {1: "water"}, {"prompt": "water"}).notes == []
    assert write_polygons(str(tmp_path / "long.gpkg"), polygonize(src), grid, {1: "water"}, {"prompt": LONG}).notes == []


def test_extract_landcover_explains_a_prompt_cut_in_a_shapefile(tmp_path):
    """The run's explanation carries the note (the Shapefile holds no layer description)."""
    h, w = 40, 50
    yy, xx = np.mgrid[0:h, 0:w]
    src = write_raster(str(tmp_path / "s2.tif"), paint_s2((xx - 20) ** 2 + (yy - 20) ** 2 < 100, np.zeros((h, w), bool)))
    r = extract_landcover(ExtractRequest(input=src, prompt=LONG, output_raster=str(tmp_path / "w.tif"),
                                         output_vector=str(tmp_path / "w.shp"), engine="spectral"))
    assert r.explanation.count("Shapefile: the text of the field 'prompt' is cut to 254 bytes") == 1
