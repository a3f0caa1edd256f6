"""Writers: CRS/transform/nodata preserved, tiled + compressed, colour table, atomic replace, output checks."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio
from rasterio.crs import CRS
from rasterio.transform import from_origin
from rasterio.windows import Window

from terraprompt.plugin.core.errors import OutputError
from terraprompt.plugin.core.raster import Grid
from terraprompt.plugin.core.writers import (GeoTiffWriter, check_output_path, class_colormap, commit, remove_quietly,
                                              temp_path_for)


@pytest.mark.parametrize("crs,tr", [
    ("EPSG:4326", from_origin(12.3456, 45.678, 8.983e-5, 8.983e-5)),
    ("EPSG:32633", from_origin(512345.0, 4987650.0, 10.0, 10.0)),
])
def test_geotiff_preserves_grid(tmp_path, crs, tr):
    grid = Grid(CRS.from_string(crs), tr, 300, 200)
    out = str(tmp_path / "out.tif")
    w = GeoTiffWriter(out, grid, 1, "uint8", 255, block=64, colormap=class_colormap([(1, (0, 0, 255))]),
                      descriptions=["class"], tags={"TERRAPROMPT_PROMPT": "water"})
    data = (np.arange(200 * 300) % 7).reshape(200, 300).astype(np.uint8)
    for r in range(0, 200, 64):
        for c in range(0, 300, 64):
            win = Window(c, r, min(64, 300 - c), min(64, 200 - r))
            w.write(win, data[r:r + int(win.height), c:c + int(win.width)])
    assert not os.path.exists(out)  # nothing at the destination until close
    w.close()
    with rasterio.open(out) as ds:
        assert ds.crs == CRS.from_string(crs)
        assert ds.transform.almost_equals(tr, precision=1e-12)
        assert ds.nodata == 255 and ds.dtypes[0] == "uint8"
        assert ds.profile["tiled"] and ds.block_shapes[0] == (64, 64)
        assert ds.compression.name.lower() == "deflate"
        assert ds.colormap(1)[1] == (0, 0, 255, 255)
        assert ds.descriptions[0] == "class" and ds.tags()["TERRAPROMPT_PROMPT"] == "water"
        np.testing.assert_array_equal(ds.read(1), data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tif"]


def test_abort_keeps_existing_output(tmp_path):
    out = tmp_path / "out.tif"
    out.write_bytes(b"previous result")
    grid = Grid(CRS.from_epsg(32633), from_origin(100, 100, 1, 1), 64, 64)
    w = GeoTiffWriter(str(out), grid, 1, "uint8", 255, block=32)
    w.write(Window(0, 0, 32, 32), np.ones((32, 32), np.uint8))
    w.abort()
    assert out.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.tif"]


def test_close_replaces_existing_output(tmp_path):
    out = tmp_path / "out.tif"
    out.write_bytes(b"previous result")
    (tmp_path / "out.tif.aux.xml").write_text("<stale/>")
    grid = Grid(CRS.from_epsg(32633), from_origin(100, 100, 1, 1), 16, 16)
    w = GeoTiffWriter(str(out), grid, 1, "uint8", 255, block=16)
    w.write(Window(0, 0, 16, 16), np.full((16, 16), 3, np.uint8))
    w.close()
    with rasterio.open(out) as ds:
        assert (ds.read(1) == 3).all()
    assert not (tmp_path / "out.tif.aux.xml").exists()


def test_check_output_path(tmp_path):
    inp = tmp_path / "in.tif"
    inp.write_bytes(b"x")
    with pytest.raises(OutputError, match="is one of the inputs"):
        check_output_path(str(inp), [str(inp)])
    os.symlink(inp, tmp_path / "alias.tif")
    with pytest.raises(OutputError, match="is one of the inputs"):
        check_output_path(str(tmp_path / "alias.tif"), [str(inp)])
    with pytest.raises(OutputError, match="No output"):
        check_output_path("")
    with pytest.raises(OutputError, match="unsupported extension"):
        check_output_path(str(tmp_path / "o.png"), [], (".tif",))
    (tmp_path / "adir.tif").mkdir()  # a folder named like a raster: refused before the run, not an IsADirectoryError after it
    with pytest.raises(OutputError, match="is a folder"):
        check_output_path(str(tmp_path / "adir.tif"), [], (".tif",))
    # a folder that cannot exist, even for root: its parent is a regular file
    with pytest.raises(OutputError, match="Cannot create the folder"):
        check_output_path(str(inp / "sub" / "o.tif"))
    assert not (tmp_path / "sub").exists()
    assert check_output_path(str(tmp_path / "new" / "o.tif")) == str(tmp_path / "new" / "o.tif")
    assert not (tmp_path / "new").exists(), "validation must not create folders (a later failure would leave them behind)"
    tmp = temp_path_for(str(tmp_path / "new" / "o.tif"))
    assert os.path.dirname(tmp) == str(tmp_path / "new") and (tmp_path / "new").is_dir()


def test_bounded_gdal_cache_caps_and_restores():
    from osgeo import gdal

    from terraprompt.plugin.core.writers import bounded_gdal_cache

    before = gdal.GetCacheMax()
    gdal.SetCacheMax(256 * 1024 * 1024)
    try:
        with bounded_gdal_cache(64):
            assert gdal.GetCacheMax() == 64 * 1024 * 1024
            with bounded_gdal_cache(16):  # nested runs keep the outer cap, and the outer restores
                assert gdal.GetCacheMax() == 64 * 1024 * 1024
            assert gdal.GetCacheMax() == 64 * 1024 * 1024
        assert gdal.GetCacheMax() == 256 * 1024 * 1024
        gdal.SetCacheMax(32 * 1024 * 1024)
        with bounded_gdal_cache(64):  # never raised
            assert gdal.GetCacheMax() == 32 * 1024 * 1024
        with pytest.raises(RuntimeError):
            with bounded_gdal_cache(8):
                raise RuntimeError("run failed")
        assert gdal.GetCacheMax() == 32 * 1024 * 1024
    finally:
        gdal.SetCacheMax(before)


def test_aborted_writer_removes_only_the_folders_it_made(tmp_path):
    """A writer into a missing nested folder makes it; abort removes what it made, never a folder that existed."""
    grid = Grid(CRS.from_epsg(32633), from_origin(100, 100, 1, 1), 16, 16)
    (tmp_path / "kept").mkdir()
    w = GeoTiffWriter(str(tmp_path / "kept" / "a" / "b" / "o.tif"), grid, 1, "uint8", 255, block=16)
    assert (tmp_path / "kept" / "a" / "b").is_dir()
    w.write(Window(0, 0, 16, 16), np.ones((16, 16), np.uint8))
    w.abort()
    assert os.listdir(tmp_path) == ["kept"] and os.listdir(tmp_path / "kept") == []
    # a folder that already existed but is empty stays too
    (tmp_path / "kept" / "empty").mkdir()
    remove_quietly(temp_path_for(str(tmp_path / "kept" / "empty" / "o.tif")))
    assert (tmp_path / "kept" / "empty").is_dir()


def test_created_folders_shared_by_two_outputs(tmp_path):
    """Two pending outputs in one new folder: it goes only when both are aborted, and stays once one is committed."""
    new = tmp_path / "new" / "sub"
    a, b = temp_path_for(str(new / "a.tif")), temp_path_for(str(new / "b.gpkg"))
    open(a, "wb").close()
    open(b, "wb").close()
    remove_quietly(a)  # the first abort: the other output is still pending there
    assert new.is_dir()
    remove_quietly(b)
    assert not (tmp_path / "new").exists()
    a, b = temp_path_for(str(new / "a.tif")), temp_path_for(str(new / "b.gpkg"))
    c = temp_path_for(str(tmp_path / "new" / "c.tif"))  # in the parent made for the first two
    open(a, "wb").close()
    commit(a, str(new / "a.tif"))
    remove_quietly(b)
    remove_quietly(c)
    assert sorted(os.listdir(new)) == ["a.tif"] and os.listdir(tmp_path / "new") == ["sub"]


def test_commit_into_a_staged_temporary_keeps_the_folder_pending(tmp_path):
    """Writing into a staged (temporary) output and committing there does not pin the folder: aborting the stage removes it."""
    stage = temp_path_for(str(tmp_path / "new" / "o.gpkg"))
    inner = temp_path_for(stage)
    open(inner, "wb").close()
    commit(inner, stage)
    assert os.path.exists(stage)
    remove_quietly(stage)
    assert os.listdir(tmp_path) == []



def test_commit_drops_the_default_style_of_an_earlier_result(tmp_path):
    """A .qml QGIS saved beside an earlier result would label the new classes with the old ones."""
    from terraprompt.plugin.core.writers import commit

    from terraprompt.plugin.core.writers import style_mark

    final, tmp = tmp_path / "lc.tif", tmp_path / ".lc.tmp-1.tif"
    final.write_bytes(b"old")
    (tmp_path / "lc.qml").write_text("<qgis>1 = water</qgis>\n" + style_mark(str(final)) + "\n")
    tmp.write_bytes(b"new")
    commit(str(tmp), str(final))
    assert final.read_bytes() == b"new" and not (tmp_path / "lc.qml").exists()
    # an analyst's own style of another file of that name (scene.tif's stretch beside an output scene.gpkg) stays
    (tmp_path / "scene.qml").write_text("<qgis>my stretch</qgis>")
    (tmp_path / ".scene.tmp-1.gpkg").write_bytes(b"new")
    commit(str(tmp_path / ".scene.tmp-1.gpkg"), str(tmp_path / "scene.gpkg"))
    assert (tmp_path / "scene.qml").read_text() == "<qgis>my stretch</qgis>"


def test_commit_keeps_the_style_of_another_result_of_that_name(tmp_path):
    """beirut.gpkg written after beirut.tif kept the .qml with the class names of beirut.tif only until the GeoPackage's
    commit removed it (a GeoPackage never has one); a style saved for 'a--b.tif' names it inside an XML comment."""
    from terraprompt.plugin.core.writers import STYLE_MARK, commit, our_style, style_mark

    qml = tmp_path / "beirut.qml"
    qml.write_text("<qgis>1 = water</qgis>\n" + style_mark(str(tmp_path / "beirut.tif")) + "\n")
    (tmp_path / ".beirut.tmp-1.gpkg").write_bytes(b"new")
    commit(str(tmp_path / ".beirut.tmp-1.gpkg"), str(tmp_path / "beirut.gpkg"))
    assert qml.exists() and our_style(str(qml), owner=str(tmp_path / "beirut.tif"))
    (tmp_path / ".beirut.tmp-1.tif").write_bytes(b"new")
    commit(str(tmp_path / ".beirut.tmp-1.tif"), str(tmp_path / "beirut.tif"))
    assert not qml.exists()
    assert "--" not in style_mark("a--b.tif")[4:-3]
    # a style of an older version (its mark names no file) is still replaced by an output that uses it
    qml.write_text("<qgis/>\n" + STYLE_MARK + " -->\n")
    assert our_style(str(qml), owner="beirut.shp") and not our_style(str(qml), owner="beirut.gpkg")


def test_upper_case_shapefile_extension(tmp_path):
    """'VEG.SHP' (GDAL writes a Shapefile's parts in lower case) crashed in commit and left the staged .shp behind."""
    from shapely.geometry import box

    from terraprompt.plugin.core.vectors import Polygon as Poly, write_polygons
    from terraprompt.plugin.core.writers import check_output_path

    grid = Grid(CRS.from_epsg(32633), from_origin(500000, 4500000, 10, 10), 100, 100)
    out = check_output_path(str(tmp_path / "VEG.SHP"), [], (".shp",))
    write_polygons(out, iter([Poly(box(500100, 4499000, 500500, 4499500), 1, 0.9, 2000)]), grid, {1: "vegetation"}, {})
    names = sorted(os.listdir(tmp_path))
    assert "VEG.SHP" in names and "VEG.DBF" in names and not [n for n in names if n.startswith(".")], names
    import fiona

    with fiona.open(str(tmp_path / "VEG.SHP")) as fc:
        assert len(fc) == 1


def test_a_named_geopackage_layer_keeps_the_files_other_layers(tmp_path):
    import fiona
    from shapely.geometry import box

    from terraprompt.plugin.core.vectors import Polygon as Poly, write_polygons
    from terraprompt.plugin.core.writers import check_output_path

    grid = Grid(CRS.from_epsg(32633), from_origin(500000, 4500000, 10, 10), 100, 100)
    gpkg = str(tmp_path / "results.gpkg")
    for layer, cls in (("lakes", "water"), ("green", "vegetation"), ("lakes", "water")):
        out = check_output_path(f"{gpkg}|layername={layer}", [], (".gpkg",))
        write_polygons(out, iter([Poly(box(500100, 4499000, 500500, 4499500), 1, 0.9, 2000)]), grid, {1: cls}, {})
    assert sorted(fiona.listlayers(gpkg)) == ["green", "lakes"]
    with fiona.open(gpkg, layer="lakes") as fc:
        assert len(fc) == 1  # replaced, not appended
    with pytest.raises(OutputError, match="only a GeoPackage"):
        check_output_path(str(tmp_path / "x.shp") + "|layername=a", [], (".shp",))
