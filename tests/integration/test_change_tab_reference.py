"""The Change tab's polygon reference map: copied to a GeoPackage in the run's task, not on QGIS's main thread (300,000
polygons froze QGIS for 7 s), with the same request and result as before."""
from __future__ import annotations

import threading

import pytest

from conftest import change_pair_layers, change_tab_session, wait_for


@pytest.fixture()
def tab(plugin, project):
    yield from change_tab_session(plugin)


def _reference_gpkg(path: str) -> str:
    """A GeoPackage holding a decoy layer first and 'landcover' (lake west, fields east, a forest square the filter drops)
    on the change pair's grid (UTM 33N, x 500000-502000, y 4498400-4500000)."""
    import fiona

    schema = {"geometry": "Polygon", "properties": {"class": "str"}}

    def box(x0, y0, x1, y1):
        return {"type": "Polygon", "coordinates": [[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]]}

    with fiona.open(path, "w", driver="GPKG", layer="decoy", crs="EPSG:32633", schema=schema) as out:
        out.write({"geometry": box(500000, 4498400, 502000, 4500000), "properties": {"class": "urban"}})
    with fiona.open(path, "w", driver="GPKG", layer="landcover", crs="EPSG:32633", schema=schema) as out:
        out.write({"geometry": box(500000, 4498400, 501000, 4500000), "properties": {"class": "lake"}})
        out.write({"geometry": box(501000, 4498400, 502000, 4500000), "properties": {"class": "fields"}})
        out.write({"geometry": box(500000, 4499800, 500200, 4500000), "properties": {"class": "forest"}})
    return path


@pytest.fixture()
def writer_threads(monkeypatch):
    """The threads QgsVectorFileWriter.writeAsVectorFormatV3 (the copy of a polygon layer) is called from; the real
    function still does the writing."""
    from qgis.core import QgsVectorFileWriter

    real = QgsVectorFileWriter.writeAsVectorFormatV3
    threads = []

    def recorded(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(QgsVectorFileWriter, "writeAsVectorFormatV3", staticmethod(recorded))
    return threads


def test_polygon_reference_is_copied_in_the_task_not_on_the_main_thread(tab, project, tmp_path, writer_threads):
    """Run takes only the layer's source, filter and CRS; the task writes the GeoPackage the request names, and the
    reference's classes (the chosen layer of the GeoPackage, its filter applied) are the 'from' classes as before."""
    from qgis.core import QgsVectorLayer

    b, a, _truth = change_pair_layers(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    gpkg = _reference_gpkg(str(tmp_path / "reference.gpkg"))
    ref = QgsVectorLayer(f"{gpkg}|layername=landcover", "land cover 2020", "ogr")
    assert ref.isValid() and ref.setSubsetString("\"class\" <> 'forest'")
    project.addMapLayer(ref)
    tab.reference_combo.setLayer(ref)
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText("vegetation loss")
    assert tab.run() is not None
    assert tab.request.reference_map and tab.request.reference_map.endswith("land cover 2020.gpkg")
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    assert writer_threads, "the reference polygons were not copied"
    assert all(t is not threading.main_thread() for t in writer_threads), "the copy ran on QGIS's main thread"
    res = tab.last_result
    assert res is not None, tab.summary.toPlainText()
    assert set(res.from_classes) == {"lake", "fields", "other"}  # not the decoy's 'urban', not the filtered 'forest'
    assert "BEFORE classes from the reference map 'land cover 2020.gpkg'" in tab.summary.toPlainText()


def test_memory_polygon_reference_is_copied_in_the_task(tab, project, tmp_path, writer_threads):
    """A memory layer's polygons (only in QGIS) reach the core too, written in the task."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    b, a, _truth = change_pair_layers(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    ref = QgsVectorLayer("Polygon?crs=EPSG:32633&field=class:string", "drawn classes", "memory")
    feats = []
    for wkt, cls in (("Polygon((500000 4498400, 501000 4498400, 501000 4500000, 500000 4500000, 500000 4498400))", "lake"),
                     ("Polygon((501000 4498400, 502000 4498400, 502000 4500000, 501000 4500000, 501000 4498400))", "fields")):
        f = QgsFeature(ref.fields())
        f.setGeometry(QgsGeometry.fromWkt(wkt))
        f.setAttributes([cls])
        feats.append(f)
    assert ref.dataProvider().addFeatures(feats)[0]
    project.addMapLayer(ref)
    tab.reference_combo.setLayer(ref)
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText("vegetation loss")
    assert tab.run() is not None
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    assert writer_threads and all(t is not threading.main_thread() for t in writer_threads)
    res = tab.last_result
    assert res is not None, tab.summary.toPlainText()
    assert set(res.from_classes) == {"lake", "fields", "other"}


def test_cancel_during_the_reference_copy_leaves_no_result(tab, project, tmp_path):
    """A run cancelled before its task starts stops at the copy: no result, the run's folder gone."""
    import os

    from qgis.core import QgsVectorLayer

    b, a, _truth = change_pair_layers(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    ref = QgsVectorLayer(f"{_reference_gpkg(str(tmp_path / 'reference.gpkg'))}|layername=landcover", "lc", "ogr")
    project.addMapLayer(ref)
    tab.reference_combo.setLayer(ref)
    tab.prompt_edit.setText("any change")
    earlier = tab.last_result
    task = tab.run()
    assert task is not None
    folder = tab.temp_dir
    tab.cancel()
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    assert tab.last_result is earlier and not os.path.exists(folder)
    assert "Cancelled" in tab.summary.toPlainText()
