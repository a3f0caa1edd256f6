"""The files behind GDAL sources: a replaced GeoPackage table, zip or VRT source changes the cache identity; a missing
container or VRT source is named."""
from __future__ import annotations

import os
import shutil
import zipfile

import numpy as np
import pytest
from osgeo import gdal
from rasterio.transform import from_origin

from conftest import write_raster
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.interactive.cache import raster_identity
from terraprompt.plugin.core.raster import is_gdal_source, open_raster
from terraprompt.plugin.core.sources import container_file, missing_files, source_files, vrt_sources
from terraprompt.plugin.core.writers import input_files

TR = from_origin(500000, 4500000, 10, 10)


def _tif(path, value):
    """A 3-band uint8 GeoTIFF 64 x 64 filled with a ramp offset by ``value``."""
    data = ((np.indices((3, 64, 64)).sum(0) + value) % 250).astype(np.uint8)
    return write_raster(str(path), data, crs="EPSG:32633", transform=TR)


@pytest.mark.parametrize("source, expected", [
    ("/data/a.tif", "/data/a.tif"),
    ("GPKG:/data/x.gpkg:ortho", "/data/x.gpkg"),
    ('NETCDF:"/data/s 1.nc":Band1', "/data/s 1.nc"),
    ('HDF4_EOS:EOS_GRID:"/data/m.hdf":grid:b1', "/data/m.hdf"),
    ("SENTINEL2_L1C:/data/S2.SAFE/MTD_MSIL1C.xml:10m:EPSG_32632", "/data/S2.SAFE/MTD_MSIL1C.xml"),
    ("/vsizip//data/scene.zip/in/b.tif", "/data/scene.zip"),
    ("/vsizip/{/data/scene.zip}/in/b.tif", "/data/scene.zip"),
    ("/vsitar//data/s.tar.gz/b.tif", "/data/s.tar.gz"),
    ("GPKG:C:\\data\\x.gpkg:ortho", "C:\\data\\x.gpkg"),
    ("/vsicurl/https://example.org/a.tif", None),
    ("/vsizip//vsicurl/https://example.org/a.zip/b.tif", None),
    ("/vsimem/a.tif", None),
    ("PG:dbname=gis table=dem", None),
])
def test_container_file_of_missing_sources(source, expected):
    assert container_file(source) == expected


def test_replaced_geopackage_table_changes_the_identity(tmp_path):
    _tif(tmp_path / "a.tif", 0)
    gdal.Translate(str(tmp_path / "img.gpkg"), str(tmp_path / "a.tif"), format="GPKG",
                   creationOptions=["RASTER_TABLE=ortho", "TILE_FORMAT=PNG"])
    src = f"GPKG:{tmp_path}/img.gpkg:ortho"
    before = raster_identity(src)
    assert before["tiles"] > 0 and before["sample"]
    os.remove(tmp_path / "img.gpkg")
    _tif(tmp_path / "b.tif", 90)
    gdal.Translate(str(tmp_path / "img.gpkg"), str(tmp_path / "b.tif"), format="GPKG",
                   creationOptions=["RASTER_TABLE=ortho", "TILE_FORMAT=PNG"])
    assert raster_identity(src) != before


def test_replaced_zip_changes_the_identity_and_is_an_input_file(tmp_path):
    def zipped(value):
        _tif(tmp_path / "b.tif", value)
        with zipfile.ZipFile(tmp_path / "s.zip", "w") as z:
            z.write(tmp_path / "b.tif", "in/b.tif")
    zipped(0)
    src = f"/vsizip/{tmp_path}/s.zip/in/b.tif"
    before = raster_identity(src)
    zipped(77)
    assert raster_identity(src) != before
    assert str(tmp_path / "s.zip") in input_files(src)


def test_vrt_source_changes_the_identity_and_a_missing_one_is_named(tmp_path):
    _tif(tmp_path / "src.tif", 0)
    gdal.BuildVRT(str(tmp_path / "v.vrt"), [str(tmp_path / "src.tif")]).FlushCache()
    vrt = str(tmp_path / "v.vrt")
    assert vrt_sources(vrt) == [str(tmp_path / "src.tif")]
    assert source_files(vrt) == [vrt, str(tmp_path / "src.tif")]
    before = raster_identity(vrt)
    os.utime(tmp_path / "src.tif", ns=(1, 10 ** 18))  # a source rewritten (its time changes, the VRT's does not)
    assert raster_identity(vrt) != before
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.copy(vrt, moved / "v.vrt")  # copied without its relative source
    assert missing_files(str(moved / "v.vrt")) == [str(moved / "src.tif")]
    with pytest.raises(InputError, match="reads '.*moved/src.tif', which no longer exists"):
        open_raster(str(moved / "v.vrt"))


def test_deleted_container_is_not_a_source(tmp_path):
    _tif(tmp_path / "a.tif", 0)
    gdal.Translate(str(tmp_path / "img.gpkg"), str(tmp_path / "a.tif"), format="GPKG")
    src = f"GPKG:{tmp_path}/img.gpkg:img"
    assert is_gdal_source(src)
    os.remove(tmp_path / "img.gpkg")
    assert not is_gdal_source(src)
    with pytest.raises(InputError, match=f"'{tmp_path}/img.gpkg' does not exist"):
        open_raster(src)
    assert is_gdal_source("/vsicurl/https://example.org/a.tif")  # remote: cannot be checked here


def test_objects_written_beside_a_geopackage_raster_keep_its_identity(tmp_path):
    """The Interactive tab may write its objects layer into the GeoPackage that holds the raster: the raster's identity
    (its table's state) stays, so its encodings are not voided at every Enter (the whole file's state changed)."""
    from rasterio.crs import CRS
    from shapely.geometry import MultiPolygon, box

    from terraprompt.plugin.core.interactive.objects import append_objects, make_object

    _tif(tmp_path / "a.tif", 0)
    gdal.Translate(str(tmp_path / "scene.gpkg"), str(tmp_path / "a.tif"), format="GPKG",
                   creationOptions=["RASTER_TABLE=scene", "TILE_FORMAT=PNG"])
    src = f"GPKG:{tmp_path}/scene.gpkg:scene"
    before = raster_identity(src)
    obj = make_object(MultiPolygon([box(500010, 4499380, 500050, 4499420)]), CRS.from_epsg(32633), 1, "roof", 1.0, 1, 0,
                      "points", "classical", "0" * 64, src)
    append_objects(str(tmp_path / "scene.gpkg"), [obj], CRS.from_epsg(32633))
    assert raster_identity(src) == before
