"""Another project opened or started: the dock's output and objects files of the last project are let go (a run in the
new project overwrote the old one's results, an object accepted there went into the old objects file); both tabs pick
a raster QGIS could open; Processing results are marked as the dock's own (the save warning names those in the
temporary folder, and the dock may rerun to their files)."""
from __future__ import annotations

import os

import numpy as np

from conftest import S2_NAMES, synthetic_s2, write_raster


def _tabs(plugin):
    plugin.action.setChecked(True)
    return plugin.dock.tab("landcover_tab"), plugin.dock.tab("interactive_tab")


def test_a_new_project_lets_go_of_the_last_projects_output_files(plugin, project, tmp_path):
    """New project: the Land cover output file and the Interactive objects file are emptied, and each tab says so;
    a run to a file then asks for one instead of writing the old project's file."""
    from qgis.core import QgsProject

    landcover, interactive = _tabs(plugin)
    landcover.file_radio.setChecked(True)
    landcover.file_widget.setFilePath(str(tmp_path / "a" / "lc.tif"))
    interactive.output_widget.setFilePath(str(tmp_path / "a" / "objects.gpkg"))
    interactive.apply_choices()
    assert interactive.controller.output_path.endswith("objects.gpkg")
    QgsProject.instance().clear()
    try:
        assert landcover.file_widget.filePath() == "" and landcover.file_radio.isChecked()
        assert "output file was emptied" in landcover.explanation.toPlainText()
        assert interactive.output_widget.filePath() == "" and interactive.controller.output_path == ""
        assert "objects file was emptied" in interactive.status.text()
        try:
            landcover.output_paths()
            raise AssertionError("a run to a file went on without a file")
        except ValueError as exc:
            assert "No output file is chosen" in str(exc)
    finally:
        landcover.temp_radio.setChecked(True)


def test_a_rebuilt_dock_does_not_bring_back_another_projects_files(plugin, project, tmp_path):
    """The tabs built anew (QGIS started again, the dock opened on another project) start without the output and
    objects files chosen before (they were restored from QGIS settings, whatever project was open)."""
    from terraprompt.plugin.gui.interactive_tab import InteractiveTab
    from terraprompt.plugin.gui.landcover_tab import LandcoverTab

    landcover, interactive = _tabs(plugin)
    landcover.file_widget.setFilePath(str(tmp_path / "a" / "lc.tif"))
    landcover.save_settings()
    interactive.output_widget.setFilePath(str(tmp_path / "a" / "objects.gpkg"))
    interactive.apply_choices()
    fresh_lc, fresh_int = LandcoverTab(plugin.iface), InteractiveTab(plugin.iface)
    try:
        assert fresh_lc.file_widget.filePath() == ""
        assert fresh_int.output_widget.filePath() == ""
    finally:
        fresh_lc.shutdown()
        fresh_int.shutdown()
        fresh_lc.deleteLater()
        fresh_int.deleteLater()
        landcover.file_widget.setFilePath("")
        interactive.output_widget.setFilePath("")
        interactive.apply_choices()


def test_an_opened_project_gives_both_tabs_a_readable_raster(plugin, project, tmp_path):
    """A project whose first raster (by name) lost its file: after Open project both tabs show the readable one
    (Land cover showed none, Interactive the broken one)."""
    from qgis.core import QgsProject, QgsRasterLayer

    landcover, interactive = _tabs(plugin)
    gone = write_raster(str(tmp_path / "gone.tif"), np.ones((1, 20, 20), np.uint8))
    kept = write_raster(str(tmp_path / "kept.tif"), np.ones((1, 20, 20), np.uint8))
    for path, name in ((gone, "A broken"), (kept, "B readable")):
        layer = QgsRasterLayer(path, name, "gdal")
        assert layer.isValid()
        project.addMapLayer(layer)
    qgz = str(tmp_path / "p.qgz")
    assert project.write(qgz)
    QgsProject.instance().clear()
    os.remove(gone)
    assert QgsProject.instance().read(qgz)
    names = {lyr.name(): lyr.isValid() for lyr in QgsProject.instance().mapLayers().values()}
    assert names == {"A broken": False, "B readable": True}
    assert landcover.layer_combo.currentLayer() is not None and landcover.layer_combo.currentLayer().name() == "B readable"
    assert interactive.layer_combo.currentLayer().name() == "B readable"


def test_processing_results_are_marked_named_on_save_and_accepted_as_outputs(plugin, project, tmp_path):
    """runAndLoadResults to temporary outputs: the layers carry the result mark, the save warning names them, and the
    dock may write to the file of a Processing result (it was refused as 'not a TerraPrompt result')."""
    import processing

    from terraprompt.plugin.gui.dock import temporary_results
    from terraprompt.plugin.gui.layers import RESULT_PROPERTY, foreign_layers_of

    data, _, _ = synthetic_s2()
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    processing.runAndLoadResults("terraprompt:extract_landcover", {
        "INPUT": src, "PROMPT": "lakes and vegetation", "ENGINE": 1, "OUTPUT_RASTER": "TEMPORARY_OUTPUT",
        "OUTPUT_VECTOR": "TEMPORARY_OUTPUT"})
    processing.runAndLoadResults("terraprompt:extract_landcover", {
        "INPUT": src, "PROMPT": "lakes and vegetation", "ENGINE": 1, "OUTPUT_RASTER": str(tmp_path / "proc_lc.tif")})
    loaded = list(project.mapLayers().values())
    assert len(loaded) == 3
    assert all(lyr.customProperty(RESULT_PROPERTY, False) for lyr in loaded)
    temporary = temporary_results(project)
    assert len(temporary) == 2 and not any("proc_lc" in lyr.source() for lyr in temporary)
    warning = plugin.dock.warn_temporary_results()
    assert warning.startswith("Right-click › Export › Save As… each of the 2 TerraPrompt temporary layer(s)")
    assert foreign_layers_of([str(tmp_path / "proc_lc.tif")], project) == []
    landcover = plugin.dock.tab("landcover_tab")
    landcover.file_radio.setChecked(True)
    try:
        landcover._check_outputs_free(str(tmp_path / "proc_lc.tif"))  # raised 'not a TerraPrompt result'
    finally:
        landcover.temp_radio.setChecked(True)


def test_objects_accepted_after_the_objects_file_was_deleted_are_shown(plugin, tmp_path, monkeypatch):
    """A saved project reopened after its objects file was deleted: its 'objects' layer is invalid; Enter writes the
    file again and that layer now shows the object (it stayed invalid and no layer of the new file was added)."""
    from qgis.core import QgsProject, QgsVectorLayer
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    from conftest import interactive_tab_on_web_canvas, wait_for
    from test_objects_layer_reuse import TRANSFORM, scene_with_objects

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    path, out = scene_with_objects(tmp_path)
    with interactive_tab_on_web_canvas(path, "img", "building", "classical", out) as (tab, canvas, _layer, xf):
        project = QgsProject.instance()
        project.addMapLayer(QgsVectorLayer(out + "|layername=objects", "objects", "ogr"))
        qgz = str(tmp_path / "p.qgz")
        assert project.write(qgz)
        project.clear()
        os.remove(out)  # deleted between sessions
        assert project.read(qgz)
        saved = project.mapLayersByName("objects")[0]
        assert not saved.isValid()
        tab.layer_combo.setLayer(project.mapLayersByName("img")[0])
        tab.output_widget.setFilePath(out)
        tab.start_button.setChecked(True)
        ctl = tab.controller
        x, y = TRANSFORM * (70.5, 55.5)
        from qgis.core import QgsPointXY
        from qgis.PyQt.QtCore import QPoint

        p = canvas.getCoordinateTransform().transform(xf.transform(QgsPointXY(x, y)))
        QTest.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(int(round(p.x())), int(round(p.y()))))
        assert wait_for(lambda: ctl.task is None and ctl.session is not None and ctl.session.last is not None)
        QTest.keyClick(canvas, Qt.Key_Return)
        assert "added" in tab.status.text()
        shown = [lyr for lyr in project.mapLayers().values() if "objects.gpkg" in lyr.source() and lyr.isValid()]
        assert [lyr.featureCount() for lyr in shown] == [1]
        tab.start_button.setChecked(False)
