"""Write failures where QGIS saves a result's style, and Processing outputs over the analyst's data: a full disk gave a
traceback and a failed run after the outputs were committed, left an empty .qml taken later for the analyst's own, a
misleading GeoPackage note and a 0-byte .aux.xml without a word; Processing overwrote files that project layers read."""
from __future__ import annotations

import errno
import os
import sqlite3

import numpy as np
import pytest
from osgeo import ogr, osr

from conftest import S2_NAMES, synthetic_s2, write_raster


def _class_raster(path: str) -> str:
    return write_raster(path, np.array([[[0, 1], [1, 0]]], np.uint8), nodata=255)


class _FullDisk:
    """A text file whose writes fail as on a full disk, after writing part of the text."""

    def __init__(self, path: str, mode: str = "w", **kwargs) -> None:
        self.f = open(path, mode, **kwargs)

    def write(self, text: str) -> int:
        self.f.write(text[:len(text) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.f.close()


# 4. the .qml of a result on a full disk
def test_a_style_that_cannot_be_saved_is_a_note_and_leaves_no_qml(plugin, tmp_path, monkeypatch):
    from qgis.core import QgsRasterLayer

    from terraprompt.plugin.gui import layers

    path = _class_raster(str(tmp_path / "lc.tif"))
    layer = QgsRasterLayer(path, "lc", "gdal")
    layers.style_class_raster(layer, {1: "water"})
    monkeypatch.setattr(layers, "open", _FullDisk, raising=False)
    note = layers.keep_style(layer)
    assert "could not be saved" in note and "No space left on device" in note
    assert sorted(os.listdir(tmp_path)) == ["lc.tif"]


def test_an_empty_qml_is_no_analyst_style(plugin, tmp_path):
    from qgis.core import QgsRasterLayer

    from terraprompt.plugin.core.writers import our_style
    from terraprompt.plugin.gui.layers import keep_style, style_class_raster

    path = _class_raster(str(tmp_path / "lc.tif"))
    open(tmp_path / "lc.qml", "w").close()  # what a full disk left before
    layer = QgsRasterLayer(path, "lc", "gdal")
    style_class_raster(layer, {1: "water"})
    assert keep_style(layer) == ""
    assert our_style(str(tmp_path / "lc.qml"), owner=path)


# 6. Processing over a file a project layer reads (the analyst's data)
def test_processing_refuses_an_output_a_project_layer_reads(plugin, project, tmp_path):
    import processing
    from qgis.core import QgsProcessingException, QgsRasterLayer

    src = write_raster(str(tmp_path / "s2.tif"), synthetic_s2(60, 80)[0], descriptions=S2_NAMES)
    photo = write_raster(str(tmp_path / "analyst.tif"), np.full((3, 10, 10), 7, np.uint8))
    before = open(photo, "rb").read()
    project.addMapLayer(QgsRasterLayer(photo, "photo", "gdal"))
    with pytest.raises(QgsProcessingException, match="analyst.tif.*'photo'.*not a TerraPrompt result"):
        processing.run("terraprompt:extract_landcover", {"INPUT": src, "PROMPT": "water", "ENGINE": 1,
                                                         "OUTPUT_RASTER": photo, "OUTPUT_VECTOR": "TEMPORARY_OUTPUT"})
    assert open(photo, "rb").read() == before and not os.path.exists(str(tmp_path / "analyst.qml"))
    res = processing.run("terraprompt:extract_landcover", {"INPUT": src, "PROMPT": "water", "ENGINE": 1,
                                                           "OUTPUT_RASTER": str(tmp_path / "lc.tif")})
    assert os.path.exists(res["OUTPUT_RASTER"])  # another name runs


def _gpkg(path: str) -> str:
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    lyr = ds.CreateLayer("lc", srs, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("class", ogr.OFTString))
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetField("class", "water")
    f.SetGeometry(ogr.CreateGeometryFromWkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"))
    lyr.CreateFeature(f)
    ds = None
    return path


# 7. the style saved in a GeoPackage on a full disk
def test_a_geopackage_style_failing_on_a_full_disk_says_so(plugin, tmp_path, monkeypatch):
    from collections import namedtuple

    from terraprompt.plugin.algorithms import outputs

    path = _gpkg(str(tmp_path / "lc.gpkg"))

    class Layer:
        def saveStyleToDatabase(self, *_args):  # noqa: N802 - what QGIS 3.22 answered on a full disk
            return "Error looking for style. The query was logged"

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr("shutil.disk_usage", lambda _p: usage(600 * 1024, 600 * 1024, 0))
    note = outputs._style_in_geopackage(Layer(), path, None)
    assert "is full" in note and str(tmp_path) in note


def test_a_styled_geopackage_is_left_without_write_ahead_log(plugin, tmp_path):
    from terraprompt.plugin.algorithms.outputs import style_file
    from terraprompt.plugin.gui.layers import style_polygons

    path = _gpkg(str(tmp_path / "lc.gpkg"))
    assert style_file(path, style_polygons) == ""
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("SELECT count(*) FROM layer_styles").fetchone()[0] == 1
    assert sorted(os.listdir(tmp_path)) == ["lc.gpkg"]


# 8. class names that cannot be written beside the raster
def test_class_names_not_written_are_a_note(plugin, tmp_path, monkeypatch):
    from terraprompt.plugin.algorithms.outputs import style_file
    from terraprompt.plugin.core import writers
    from terraprompt.plugin.gui.layers import style_class_raster

    path = _class_raster(str(tmp_path / "lc.tif"))
    monkeypatch.setattr(writers, "write_class_names", lambda *_a: False)
    note = style_file(path, lambda layer: style_class_raster(layer, {1: "water"}))
    assert "class names of lc.tif could not be written" in note
