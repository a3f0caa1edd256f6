"""Rasters in a local grid (LOCAL_CS / engineering CRS, as drone and survey software write): areas planar in the grid's
unit converted to m² and said once; a grid of unknown unit refused with the fix, leaving nothing behind; a secondary
raster in the same local grid stacks."""
from __future__ import annotations

import glob
import os
import tempfile

import fiona
import numpy as np
import pytest
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.geometry import box

from conftest import paint_s2, write_raster
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.stack import check_overlap, overlap_share
from terraprompt.plugin.core.vectors import AreaCalculator

SITE = 'LOCAL_CS["site grid",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
SITE_FT = 'LOCAL_CS["site grid",UNIT["US survey foot",0.304800609601219],AXIS["X",EAST],AXIS["Y",NORTH]]'
SITE_UNKNOWN = 'LOCAL_CS["site grid",UNIT["unknown",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
NOTE = "areas are measured flat in the raster's own metre grid"


def _lake(path: str, wkt: str, h: int = 60, w: int = 80) -> tuple[str, np.ndarray]:
    """A 13-band S2-like raster with a round lake, 10-unit pixels in the given CRS."""
    yy, xx = np.mgrid[0:h, 0:w]
    water = (xx - 30) ** 2 + (yy - 30) ** 2 < 15 ** 2
    write_raster(path, paint_s2(water, np.zeros((h, w), bool)), crs=CRS.from_wkt(wkt), transform=from_origin(1000, 2000, 10, 10))
    return path, water


def test_areas_on_a_local_grid_are_planar_in_its_unit():
    """Metre and foot grids: planar areas in m²; a grid of unknown unit is refused with the fix."""
    m = AreaCalculator(CRS.from_wkt(SITE))
    assert m.planar and m.area_m2(box(0, 0, 10, 20)) == pytest.approx(200.0)
    assert m.box_areas_m2(np.array([0.0]), np.array([0.0]), np.array([10.0]), np.array([10.0]))[0] == pytest.approx(100.0)
    assert NOTE in m.note
    ft = AreaCalculator(CRS.from_wkt(SITE_FT))
    assert ft.area_m2(box(0, 0, 100, 100)) == pytest.approx(10000 * 0.304800609601219 ** 2)
    assert "US survey foot" in ft.note
    assert AreaCalculator(CRS.from_epsg(32633)).note == ""
    with pytest.raises(InputError, match="projected CRS"):
        AreaCalculator(CRS.from_wkt(SITE_UNKNOWN))


def test_extract_landcover_on_a_local_grid_measures_planar_areas_and_says_so_once(tmp_path):
    """A water run on a metre site grid: the lake's area is its pixels x 100 m², in the explanation and the polygons."""
    src, water = _lake(str(tmp_path / "site.tif"), SITE)
    r = extract_landcover(ExtractRequest(input=src, prompt="water", output_raster=str(tmp_path / "w.tif"),
                                         output_vector=str(tmp_path / "w.gpkg"), engine="spectral"))
    assert r.valid_area_m2 == pytest.approx(60 * 80 * 100.0)
    assert r.areas_m2["water"] == pytest.approx(water.sum() * 100.0, rel=0.05)
    assert r.explanation.count(NOTE) == 1
    with fiona.open(str(tmp_path / "w.gpkg")) as f:
        assert sum(feat["properties"]["area_m2"] for feat in f) == pytest.approx(r.areas_m2["water"], rel=0.02)


def test_a_local_grid_of_unknown_unit_is_refused_and_leaves_nothing(tmp_path):
    """No area in m² can be given: refused with the fix; no output, hidden temporary file or temporary folder left."""
    out = tmp_path / "out"
    out.mkdir()
    from osgeo import gdal

    tif, _ = _lake(str(tmp_path / "site.tif"), SITE)
    src = str(tmp_path / "site.vrt")  # a VRT keeps the unit as written (a GeoTIFF stores metres)
    gdal.Translate(src, tif, format="VRT", outputSRS=SITE_UNKNOWN)
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "terraprompt-*")))
    with pytest.raises(Exception) as e:
        extract_landcover(ExtractRequest(input=src, prompt="water", output_raster=str(out / "w.tif"),
                                         output_vector=str(out / "w.gpkg"), engine="spectral"))
    assert os.listdir(out) == []
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "terraprompt-*"))) - before == set()
    assert isinstance(e.value, InputError) and "projected CRS" in str(e.value)


def test_a_dsm_in_the_same_local_grid_stacks(tmp_path):
    """A secondary raster in the optical raster's local grid overlaps it (no transform between a grid and itself)."""
    src, _ = _lake(str(tmp_path / "site.tif"), SITE)
    dsm = write_raster(str(tmp_path / "dsm.tif"), np.full((30, 80), 12.0, np.float32), crs=CRS.from_wkt(SITE),
                       transform=from_origin(1000, 2000, 10, 10))
    check_overlap(open_raster(src), open_raster(dsm))
    assert overlap_share(open_raster(src), open_raster(dsm)) == pytest.approx(0.5)
