"""A band description QGIS writes into the .aux.xml (with statistics) between encode_image and segment_prompts leaves
the cache key alone (it made every precomputed encoding a miss); nodata set there still changes it."""
from __future__ import annotations

import os

import numpy as np
from rasterio.windows import Window

from conftest import write_raster
from terraprompt.plugin.core.interactive.cache import EmbeddingCache, make_key
from terraprompt.plugin.core.interactive.classical import ClassicalEngine
from terraprompt.plugin.core.interactive.encoder import encode_window
from terraprompt.plugin.core.raster import open_raster


def _key(path: str) -> str:
    return make_key(path, [1, 2], (0, 0, 64, 64), (64, 64), "classical", "abc")


def _raster(tmp_path) -> str:
    data = (np.random.default_rng(0).random((2, 64, 64)) * 200).astype(np.uint8)
    return write_raster(str(tmp_path / "r.tif"), data)


def _describe(path: str) -> None:
    """What QGIS does on opening the raster: band descriptions and statistics into the .aux.xml."""
    from osgeo import gdal

    ds = gdal.Open(path, gdal.GA_ReadOnly)
    for b, name in ((1, "Band 1: red"), (2, "Band 2: nir")):
        ds.GetRasterBand(b).SetDescription(name)
        ds.GetRasterBand(b).ComputeStatistics(False)
    ds = None
    assert "<Description>" in open(path + ".aux.xml").read()


def test_band_description_in_the_aux_xml_keeps_the_key(tmp_path):
    path = _raster(tmp_path)
    base = _key(path)
    _describe(path)
    assert _key(path) == base


def test_precomputed_tile_is_found_after_qgis_describes_the_bands(tmp_path):
    path = _raster(tmp_path)
    cache = EmbeddingCache(str(tmp_path / "cache"))
    assert not encode_window(open_raster(path), Window(0, 0, 64, 64), ClassicalEngine(), cache=cache).from_cache
    _describe(path)
    assert encode_window(open_raster(path), Window(0, 0, 64, 64), ClassicalEngine(), cache=cache).from_cache


def test_nodata_in_the_aux_xml_still_changes_the_key(tmp_path):
    from osgeo import gdal

    path = _raster(tmp_path)
    _describe(path)
    base = _key(path)
    ds = gdal.Open(path, gdal.GA_ReadOnly)
    ds.GetRasterBand(1).SetNoDataValue(7)
    ds = None
    assert os.path.exists(path + ".aux.xml") and _key(path) != base
