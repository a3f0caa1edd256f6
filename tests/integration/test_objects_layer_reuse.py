"""The map tool's objects file already shown by the project (a saved project opened in a new QGIS session): Enter and
Ctrl+Z go through that layer, which shows the change, instead of adding a second layer of the same file; Ctrl+Z removes
the rows Enter wrote, not every row of that object_id; an objects layer edited in a transaction group or holding unsaved
objects drawn by hand."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import fiona
import numpy as np
from osgeo import ogr
from rasterio.transform import from_origin

from conftest import interactive_tab_on_web_canvas, wait_for, write_raster

TRANSFORM = from_origin(500000, 4500000, 0.5, 0.5)


def _screen(canvas, xf, r, c):
    """Canvas pixel of raster pixel (row, col)."""
    from qgis.core import QgsPointXY
    from qgis.PyQt.QtCore import QPoint

    x, y = TRANSFORM * (c + 0.5, r + 0.5)
    p = canvas.getCoordinateTransform().transform(xf.transform(QgsPointXY(x, y)))
    return QPoint(int(round(p.x())), int(round(p.y())))


def _objects_layers(path: str) -> list:
    """The project's layers whose source is the objects file (any spelling of its path)."""
    from qgis.core import QgsProject

    return [lyr for lyr in QgsProject.instance().mapLayers().values()
            if os.path.exists(lyr.source().split("|")[0]) and os.path.samefile(lyr.source().split("|")[0], path)]


def _ids(path: str) -> list:
    with fiona.open(path, layer="objects") as fc:
        return sorted(f["properties"]["object_id"] for f in fc)


def test_enter_and_ctrl_z_use_the_projects_own_objects_layer(plugin, tmp_path, monkeypatch):
    """A fresh controller (new session) whose objects file the project already shows under another spelling of its
    path: Enter adds no second 'objects' layer and the project's layer shows the new object; Ctrl+Z takes it back
    through that layer (one connection to the GeoPackage)."""
    from qgis.core import QgsProject, QgsVectorLayer
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest
    from rasterio.crs import CRS
    from shapely.geometry import MultiPolygon, box

    from terraprompt.plugin.core.interactive.objects import make_object, write_objects

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    data, _ = scene(h=256, w=256)
    path = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    out = str(tmp_path / "objects.gpkg")
    yesterday = make_object(MultiPolygon([box(500010, 4499980, 500020, 4499990)]), CRS.from_epsg(32633), 1, "building", 1.0, 1, 0,
                            "points", "classical", "0" * 64, path)
    write_objects(out, [yesterday], CRS.from_epsg(32633))
    (tmp_path / "sub").mkdir()
    with interactive_tab_on_web_canvas(path, "img", "building", "classical", out) as (tab, canvas, layer, xf):
        saved = QgsVectorLayer(str(tmp_path / "sub" / ".." / "objects.gpkg") + "|layername=objects", "objects", "ogr")
        assert saved.isValid() and saved.featureCount() == 1
        QgsProject.instance().addMapLayer(saved)  # as the saved project, read again, holds it
        tab.start_button.setChecked(True)
        ctl = tab.controller
        QTest.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, _screen(canvas, xf, 55, 70))
        assert wait_for(lambda: ctl.task is None and ctl.session is not None and ctl.session.last is not None)
        QTest.keyClick(canvas, Qt.Key_Return)
        assert _ids(out) == [1, 2]
        assert _objects_layers(out) == [saved]  # no second layer of the same file
        assert saved.featureCount() == 2  # reloaded, not stale
        assert ctl.output_layer is saved
        QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)  # take back through the project's layer
        assert _ids(out) == [1]
        assert saved.featureCount() == 1 and _objects_layers(out) == [saved]
        assert "taken back" in tab.status.text()


def scene_with_objects(tmp_path) -> tuple[str, str]:
    """A 256² scene of roofs (img.tif, UTM 33N, 0.5 m) and its objects file holding yesterday's object 1: (raster, file)."""
    from rasterio.crs import CRS
    from shapely.geometry import MultiPolygon, box

    from terraprompt.plugin.core.interactive.objects import make_object, write_objects

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    data, _ = scene(h=256, w=256)
    path = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    out = str(tmp_path / "objects.gpkg")
    write_objects(out, [make_object(MultiPolygon([box(500010, 4499980, 500020, 4499990)]), CRS.from_epsg(32633), 1,
                                    "building", 1.0, 1, 0, "points", "classical", "0" * 64, path)], CRS.from_epsg(32633))
    return path, out


@contextmanager
def _prompting(tmp_path, monkeypatch):
    """The Interactive tab prompting (classical engine) on a 256² scene, its objects file holding yesterday's object 1;
    yields (tab, canvas, objects file, accept) where accept() clicks a roof and presses Enter."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    path, out = scene_with_objects(tmp_path)
    with interactive_tab_on_web_canvas(path, "img", "building", "classical", out) as (tab, canvas, layer, xf):
        tab.start_button.setChecked(True)
        ctl = tab.controller

        def accept():
            QTest.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, _screen(canvas, xf, 55, 70))
            assert wait_for(lambda: ctl.task is None and ctl.session is not None and ctl.session.last is not None)
            QTest.keyClick(canvas, Qt.Key_Return)

        yield tab, canvas, out, accept


def test_ctrl_z_removes_the_rows_enter_wrote_not_every_row_of_that_id(plugin, tmp_path, monkeypatch):
    """An object of the file given the new object's id by hand between Enter and Ctrl+Z stays (Ctrl+Z deleted every
    row of that object_id: the analyst's own object was lost)."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    with _prompting(tmp_path, monkeypatch) as (tab, canvas, out, accept):
        accept()
        assert _ids(out) == [1, 2]
        ds = ogr.Open(out, 1)  # yesterday's object renumbered 2 in the attribute table
        lyr = ds.GetLayerByName("objects")
        lyr.SetAttributeFilter("object_id = 1")
        feature = lyr.GetNextFeature()
        feature.SetField("object_id", 2)
        lyr.SetFeature(feature)
        ds = lyr = None
        QTest.keyClick(canvas, Qt.Key_Z, Qt.ControlModifier)
        assert "taken back" in tab.status.text(), tab.status.text()
        with fiona.open(out, layer="objects") as fc:
            assert [f["properties"]["class"] for f in fc] == ["building"] and len(fc) == 1


def test_enter_refuses_an_objects_layer_edited_in_a_transaction_group(plugin, tmp_path, monkeypatch):
    """With 'Automatically create transaction groups' on and the objects layer in edit mode, Enter froze QGIS for 15 s
    on the file's lock and then blamed the disk; it now says at once what to do and keeps the prompts."""
    import time

    from qgis.core import QgsProject, QgsVectorLayer

    project = QgsProject.instance()
    with _prompting(tmp_path, monkeypatch) as (tab, canvas, out, accept):
        own = QgsVectorLayer(out + "|layername=objects", "my objects", "ogr")
        project.addMapLayer(own)
        project.setAutoTransaction(True)
        try:
            assert own.startEditing()
            t0 = time.perf_counter()
            accept()
            assert time.perf_counter() - t0 < 5
            item = tab.iface.messageBar().currentItem()
            assert item is not None and "transaction group" in item.text() and "stop editing" in item.text()
            assert tab.controller.session.last is not None  # the prompts stay for the next Enter
            own.rollBack()
        finally:
            project.setAutoTransaction(False)
        accept()
        assert _ids(out) == [1, 2]


def test_the_next_id_skips_objects_drawn_by_hand_and_not_saved(plugin, tmp_path, monkeypatch):
    """An object drawn by hand as id 2 in the objects layer, not saved yet: the accepted object gets 3 (it got 2 and,
    once saved, the file held two objects 2)."""
    from qgis.core import QgsFeature, QgsGeometry, QgsProject, QgsVectorLayer

    with _prompting(tmp_path, monkeypatch) as (tab, canvas, out, accept):
        own = QgsVectorLayer(out + "|layername=objects", "my objects", "ogr")
        QgsProject.instance().addMapLayer(own)
        assert own.startEditing()
        drawn = QgsFeature(own.fields())
        drawn.setAttribute("object_id", 2)
        drawn.setAttribute("class", "hand-drawn")
        drawn.setGeometry(QgsGeometry.fromWkt("MULTIPOLYGON(((500030 4499980, 500040 4499980, 500040 4499990, 500030 4499980)))"))
        assert own.addFeature(drawn)
        accept()
        assert _ids(out) == [1, 3]
        assert own.commitChanges()
        assert _ids(out) == [1, 2, 3]
