"""Outputs never overwrite what an input reads, fail cleanly on a full disk, stop on cancel, take long names; the
encoding cache refuses a folder it cannot write."""
from __future__ import annotations

import os
import resource
import signal
from contextlib import contextmanager

import numpy as np
import pytest
import rasterio
from osgeo import gdal
from rasterio.crs import CRS
from rasterio.transform import from_origin
from rasterio.windows import Window
from shapely.geometry import MultiPolygon, box

from conftest import write_raster
from terraprompt.plugin.core.errors import Cancelled, OutputError
from terraprompt.plugin.core.interactive.cache import EmbeddingCache
from terraprompt.plugin.core.interactive.objects import AcceptedObject, OBJECT_FIELDS, write_objects
from terraprompt.plugin.core.interactive.precompute import encode_raster
from terraprompt.plugin.core.raster import Grid
from terraprompt.plugin.core.vectors import polygonize, write_polygons
from terraprompt.plugin.core.writers import GeoTiffWriter, check_output_path, temp_path_for

TR = from_origin(500000.0, 5000000.0, 10.0, 10.0)


@contextmanager
def file_size_limit(nbytes: int):
    """Writes past ``nbytes`` in any file fail (EFBIG) while the block runs: a full disk, without mounting one."""
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


def _speckle(tmp_path, name="cls.tif", size=300, seed=0) -> str:
    """A class raster of scattered pixels (many polygons, incompressible)."""
    cls = (np.random.default_rng(seed).random((size, size)) < 0.3).astype(np.uint8)
    return write_raster(str(tmp_path / name), cls, transform=TR)


# 1. inputs read through GDAL: a GeoPackage raster table, a VRT's band files

def test_gpkg_raster_input_protects_its_geopackage(tmp_path):
    g = str(tmp_path / "scenes.gpkg")
    src = write_raster(str(tmp_path / "a.tif"), np.ones((20, 20), np.uint8), transform=TR)
    gdal.Translate(g, src, format="GPKG", creationOptions=["RASTER_TABLE=rio_a"])
    with pytest.raises(OutputError, match="scenes.gpkg.* is a file the input .*rio_a.* reads"):
        check_output_path(g, [f"GPKG:{g}:rio_a"], (".gpkg",))
    assert check_output_path(str(tmp_path / "other.gpkg"), [f"GPKG:{g}:rio_a"], (".gpkg",))


def test_vrt_band_file_is_never_an_output(tmp_path):
    bands = [write_raster(str(tmp_path / f"B0{i}.tif"), np.full((20, 20), i, np.uint16), transform=TR) for i in (2, 3)]
    vrt = str(tmp_path / "stack.vrt")
    gdal.BuildVRT(vrt, bands, separate=True).FlushCache()
    with pytest.raises(OutputError, match="B02.tif.* the input .*stack.vrt"):
        check_output_path(bands[0], [vrt], (".tif",))
    assert check_output_path(str(tmp_path / "B04.tif"), [vrt], (".tif",))


# 2. a full disk while a GeoTIFF is written

def test_full_disk_geotiff_fails_and_keeps_the_old_output(tmp_path):
    out = str(tmp_path / "lc.tif")
    with open(out, "wb") as fh:
        fh.write(b"old output")
    grid = Grid(CRS.from_epsg(32633), TR, 1024, 1024)
    data = np.random.default_rng(1).integers(0, 255, (1024, 1024), dtype=np.uint8)  # incompressible: ~1 MB
    with file_size_limit(200_000), pytest.raises(OutputError, match=r"lc\.tif.*free disk space") as err:
        w = GeoTiffWriter(out, grid, 1, "uint8", block=256)
        try:
            for r in range(0, 1024, 256):
                w.write(Window(0, r, 1024, 256), data[r:r + 256])
            w.close()
        except BaseException:
            w.abort()
            raise
    assert str(tmp_path) in str(err.value)
    assert open(out, "rb").read() == b"old output"
    assert sorted(os.listdir(tmp_path)) == ["lc.tif"]


# 3. a cancel during the translation to a Shapefile, and its progress

def test_shapefile_translation_stops_on_cancel(tmp_path):
    checks = []

    def cancelled() -> bool:  # polygonize checks once (one window, < 4096 polygons); later checks are the translation's
        checks.append(1)
        return len(checks) > 1

    grid = Grid(CRS.from_epsg(32633), TR, 100, 100)
    with pytest.raises(Cancelled):
        write_polygons(str(tmp_path / "lc.shp"), polygonize(_speckle(tmp_path, size=100), is_cancelled=cancelled), grid,
                       {1: "x"}, {})
    assert len(checks) > 1
    assert sorted(os.listdir(tmp_path)) == ["cls.tif"]


def test_shapefile_translation_reports_progress(tmp_path, monkeypatch):
    from terraprompt.plugin.core import writers

    monkeypatch.setattr(writers, "POLL_S", 0.001)  # a fast machine translated it within one 0.1 s report
    seen = []
    grid = Grid(CRS.from_epsg(32633), TR, 300, 300)
    write_polygons(str(tmp_path / "lc.shp"), polygonize(_speckle(tmp_path), progress=seen.append), grid, {1: "x"}, {})
    assert seen == sorted(seen) and max(seen) == pytest.approx(1.0)
    assert any(0.8 < f < 1.0 for f in seen)  # the translation's own steps, after the polygons' 75 %
    with rasterio.open(str(tmp_path / "cls.tif")):
        pass
    import fiona

    with fiona.open(str(tmp_path / "lc.shp")) as src:
        assert len(src) > 1000 and src.schema["properties"]["class"].startswith("str:1")  # widths as RESIZE=YES made


# 4. a full disk while polygons are written

@pytest.mark.parametrize("ext", [".gpkg", ".shp"])
def test_full_disk_polygons_give_an_output_error_and_leave_nothing(tmp_path, ext, capfd):
    grid = Grid(CRS.from_epsg(32633), TR, 300, 300)
    polys = polygonize(_speckle(tmp_path))
    out = tmp_path / "out"
    out.mkdir()
    capfd.readouterr()
    with file_size_limit(300_000), pytest.raises(OutputError, match=r"lc\.(gpkg|shp).*free disk space"):
        write_polygons(str(out / f"lc{ext}"), polys, grid, {1: "x"}, {})
    assert os.listdir(out) == []
    assert "already exists" not in capfd.readouterr().err  # closing the rolled-back layer logged eight R-tree triggers


def test_full_disk_objects_give_an_output_error_and_leave_nothing(tmp_path):
    attrs = {k: ("x" * 200 if OBJECT_FIELDS[k] == "str" else 1) for k in OBJECT_FIELDS}
    objects = [AcceptedObject(MultiPolygon([box(i, 0, i + 0.5, 0.5)]), dict(attrs, object_id=i)) for i in range(3000)]
    with file_size_limit(200_000), pytest.raises(OutputError, match=r"objects\.gpkg.*free disk space"):
        write_objects(str(tmp_path / "objects.gpkg"), objects, CRS.from_epsg(32633))
    assert os.listdir(tmp_path) == []


# 5. long output names

def test_long_output_names_can_be_written(tmp_path):
    stem = "L" * 240
    tmp = temp_path_for(str(tmp_path / f"{stem}.tif"))
    name = os.path.basename(tmp)
    assert os.path.dirname(tmp) == str(tmp_path) and name.startswith(".") and name.endswith(".tif")
    assert len(name.encode()) + len(".gpkg-journal") <= 255 and tmp != temp_path_for(str(tmp_path / f"{stem}.tif"))
    grid = Grid(CRS.from_epsg(32633), TR, 300, 300)
    w = GeoTiffWriter(str(tmp_path / f"{stem}.tif"), grid, 1, "uint8")
    w.write(Window(0, 0, 300, 300), np.ones((300, 300), np.uint8))
    w.close()
    write_polygons(str(tmp_path / f"{stem}.shp"), polygonize(_speckle(tmp_path, size=30)), grid, {1: "x"}, {})
    assert {f"{stem}.tif", f"{stem}.shp", f"{stem}.dbf"} <= set(os.listdir(tmp_path))
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".")]


# 6. the encoding cache of encode_image

def test_cache_put_says_whether_it_stored(tmp_path):
    cache = EmbeddingCache(str(tmp_path / "cache"))
    assert cache.put("a", {"x": np.zeros(10)}) is True and cache.stored == 1
    with file_size_limit(1000):
        assert cache.put("b", {"x": np.random.default_rng(0).random(10_000)}) is False
    assert cache.stored == 1 and cache.failure and "b" not in cache
    assert [os.path.basename(p) for p, _, _ in cache.entries()] == ["a.npz"]


def test_encode_refuses_a_cache_folder_it_cannot_create(tmp_path):
    img = write_raster(str(tmp_path / "a.tif"), np.random.default_rng(0).integers(0, 255, (3, 64, 64)).astype(np.uint8),
                       transform=TR)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match="cache folder .*afile.* cannot be written.*CACHE_DIR"):
        encode_raster(img, tile=64, cache_dir=str(tmp_path / "afile" / "cache"))


def test_encode_refuses_a_cache_it_cannot_write(tmp_path):
    img = write_raster(str(tmp_path / "a.tif"), np.random.default_rng(0).integers(0, 255, (3, 64, 64)).astype(np.uint8),
                       transform=TR)
    cache = tmp_path / "cache"
    cache.mkdir()
    with file_size_limit(1000), pytest.raises(OutputError, match="cache folder .* cannot be written"):
        encode_raster(img, tile=64, cache_dir=str(cache))
    assert os.listdir(cache) == []


def test_encode_stops_when_the_cache_fills_up(tmp_path):
    img = write_raster(str(tmp_path / "a.tif"), np.random.default_rng(0).integers(0, 255, (3, 64, 64)).astype(np.uint8),
                       transform=TR)
    cache = tmp_path / "cache"
    with file_size_limit(4500), pytest.raises(OutputError, match="stored in the cache .*: 0 of 1 "):
        encode_raster(img, tile=64, cache_dir=str(cache))
    assert os.listdir(cache) == []


def test_geojson_of_a_crs_without_epsg_code_is_written_in_lon_lat(tmp_path):
    """GeoJSON names a CRS only by its EPSG code: polygons in a local transverse Mercator were read as degrees (nowhere)."""
    import json

    from shapely.geometry import box
    from terraprompt.plugin.core.raster import Grid
    from terraprompt.plugin.core.vectors import Polygon as Poly, write_polygons

    crs = CRS.from_proj4("+proj=tmerc +lat_0=0 +lon_0=10.5 +k=0.9999 +x_0=300000 +y_0=0 +ellps=bessel "
                         "+towgs84=598.1,73.7,418.2,0.202,0.045,-2.455,6.7 +units=m +no_defs")
    grid = Grid(crs, from_origin(300000, 5700000, 10, 10), 100, 100)
    out = tmp_path / "objects.geojson"
    write_polygons(str(out), iter([Poly(box(300100, 5699000, 300500, 5699500), 1, 0.9, 2000)]), grid, {1: "water"}, {})
    data = json.loads(out.read_text())
    x, y = data["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 10 < x < 11 and 51 < y < 52.5, (x, y)  # longitude, latitude near the raster


@pytest.mark.parametrize("folder", ["run #2", "a%20b", "q?x"])
def test_a_named_layer_goes_into_a_geopackage_in_any_folder(tmp_path, folder):
    """The GeoPackage holding other layers is copied through SQLite with a URI: '#', '?' and '%' in a folder name cut it
    (a stray empty file was made beside, nothing copied) or raised a bare sqlite3 error."""
    import fiona
    from shapely.geometry import box
    from terraprompt.plugin.core.raster import Grid
    from terraprompt.plugin.core.vectors import Polygon as Poly, write_polygons

    d = tmp_path / folder
    d.mkdir()
    grid = Grid(CRS.from_epsg(32633), TR, 100, 100)
    gpkg = str(d / "r.gpkg")
    for layer in ("a", "b"):
        write_polygons(f"{gpkg}|layername={layer}", iter([Poly(box(500100, 4999000, 500500, 4999500), 1, 0.9, 2000)]),
                       grid, {1: "water"}, {})
    assert sorted(fiona.listlayers(gpkg)) == ["a", "b"]
    assert sorted(os.listdir(tmp_path)) == [folder]
