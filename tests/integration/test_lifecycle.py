"""The dock across the plugin's and the project's lifetime (real QGIS, offscreen): unload, project save, New / Open project."""
from __future__ import annotations

import glob
import os
import sys

import numpy as np
from rasterio.transform import from_origin

from conftest import ROOT, S2_NAMES, similar_tab, synthetic_s2, wait_for, write_raster

sys.path.insert(0, os.path.join(ROOT, "tests", "core", "change"))
sys.path.insert(0, os.path.join(ROOT, "tests", "core", "interactive"))


def _raster(project, path: str, name: str, data: np.ndarray, transform=None, descriptions=None):
    from qgis.core import QgsRasterLayer

    layer = QgsRasterLayer(write_raster(path, data, transform=transform, descriptions=descriptions), name)
    assert layer.isValid()
    project.addMapLayer(layer)
    return layer


def _change_pair(project, tmp_path):
    """A small BEFORE/AFTER pair (change_pairs) in the project."""
    from qgis.core import QgsRasterLayer

    from change_pairs import write_pair

    pb, pa, _ = write_pair(tmp_path)
    b, a = QgsRasterLayer(pb, "before"), QgsRasterLayer(pa, "after")
    project.addMapLayers([b, a])
    return b, a


def _run_change(tab, before, after):
    """Run CVA from the Change tab on the pair and wait for the result."""
    tab.before_combo.setLayer(before)
    tab.after_combo.setLayer(after)
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText("any change")
    assert tab.run() is not None
    assert wait_for(lambda: tab.task is None, 60)
    assert tab.last_result is not None, tab.summary.toPlainText()


def _similar_setup(plugin, project, tmp_path):
    """The Interactive tab with an RGB raster and two selected exemplar roofs (classical method, whole raster)."""
    from core.interactive.test_exemplars import TR, scene
    from dock_helpers import exemplar_layer

    data, red, _ = scene()
    raster = _raster(project, str(tmp_path / "rgb.tif"), "rgb", data, transform=TR)
    vec = exemplar_layer("exemplars", red)
    project.addMapLayer(vec)
    tab = similar_tab(plugin, raster, vec)
    return tab


def _similar_dirs() -> set:
    from qgis.core import QgsProcessingUtils

    return set(glob.glob(os.path.join(QgsProcessingUtils.tempFolder(), "terraprompt-similar-*")))


def _bar_texts(iface) -> list[str]:
    return [item.text() for item in iface.messageBar().items()]


def test_no_terraprompt_map_tool_stays_on_the_canvas_after_unload(plugin, project, tmp_path):
    """Prompt tool active, then Swipe, then unload: the swipe gave the canvas back the Interactive tab's tool, already
    shut down, which went on segmenting and writing objects for a plugin that was gone."""
    from terraprompt.plugin.gui.dock import TerraPromptDock

    data = np.random.default_rng(0).integers(0, 255, (3, 64, 64), dtype=np.uint8)
    one = _raster(project, str(tmp_path / "one.tif"), "one", data)
    two = _raster(project, str(tmp_path / "two.tif"), "two", data[::-1].copy())
    canvas = plugin.iface.mapCanvas()
    if canvas.mapTool() is not None:
        canvas.unsetMapTool(canvas.mapTool())
    dock = TerraPromptDock(plugin.iface)  # a dock of its own, shut down as unloading the plugin does
    try:
        interactive, change = dock.tab("interactive_tab"), dock.tab("change_tab")
        interactive.layer_combo.setLayer(one)
        interactive.model_edit.setText("classical")
        interactive.output_widget.setFilePath(str(tmp_path / "objects.gpkg"))
        interactive.start_button.setChecked(True)
        assert canvas.mapTool() is interactive.tool
        change.before_combo.setLayer(one)
        change.after_combo.setLayer(two)
        change.swipe_button.setChecked(True)
        assert type(canvas.mapTool()).__name__ == "SwipeMapTool"
    finally:
        dock.shutdown()
        dock.deleteLater()
    tool = canvas.mapTool()
    assert tool is None or not type(tool).__module__.startswith("terraprompt"), type(tool).__module__


def test_saving_a_project_with_temporary_results_warns(plugin, project, tmp_path):
    """Change and Find similar results lie in QGIS's temporary folder, deleted when QGIS closes: saving the project said
    nothing, and the reopened project lost them. 'Similar objects' also landed outside the TerraPrompt group."""
    from terraprompt.plugin.gui.layers import GROUP_NAME

    tab = _similar_setup(plugin, project, tmp_path)
    tab.similar_button.click()
    assert wait_for(lambda: tab.similar_task is None, 60)
    similar = [layer for layer in project.mapLayers().values() if layer.name().endswith("on rgb (similar objects)")]
    assert similar, tab.status.text()
    group = project.layerTreeRoot().findGroup(GROUP_NAME)
    assert group is not None and group.findLayer(similar[0].id()) is not None
    _run_change(plugin.dock.tab("change_tab"), *_change_pair(project, tmp_path))
    plugin.iface.messageBar().clearWidgets()
    from qgis.core import QgsApplication

    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda text, tag, level: logged.append(text))
    assert project.write(str(tmp_path / "analysis.qgz"))
    warning = [t for t in _bar_texts(plugin.iface) if "temporary" in t]
    assert len(warning) == 1, _bar_texts(plugin.iface)
    assert warning[0].startswith("Right-click › Export › Save As… each of the 3 TerraPrompt temporary layer(s)"), warning
    details = next(entry for entry in logged if "TerraPrompt temporary layers in the saved project:" in entry)
    listed = {name.strip() for name in details.split("saved project:", 1)[1].split(",")}
    assert any("(similar objects)" in n for n in listed) and any("(change probability)" in n for n in listed), listed
    assert not {"before", "after", "rgb"} & listed  # the analyst's own files are not named


def test_new_project_lets_a_file_run_finish_and_stops_a_temporary_one(plugin, project, tmp_path):
    """New / Open project cancelled a Land cover run writing to a chosen file (never written, 'Cancelled'); a run into
    temporary layers is stopped, saying why."""
    from qgis.core import QgsProject, QgsRasterLayer

    plugin.action.setChecked(True)
    tab = plugin.dock.tab("landcover_tab")
    data, _, _ = synthetic_s2(120, 160)
    path = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)

    for mode in ("file", "temporary"):
        layer = QgsRasterLayer(path, "s2")
        project.addMapLayer(layer)
        tab.layer_combo.setLayer(layer)
        tab.prompt_edit.setText("water")
        tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))  # not an earlier test's map view
        (tab.file_radio if mode == "file" else tab.temp_radio).setChecked(True)
        tab.file_widget.setFilePath(str(tmp_path / "out" / "water.tif"))
        os.makedirs(tmp_path / "out", exist_ok=True)
        plugin.iface.messageBar().clearWidgets()
        assert tab.run() is not None
        folder = tab.temp_dir
        QgsProject.instance().clear()  # File > New project while the run goes on
        assert wait_for(lambda: tab.task is None, 60)
        assert not QgsProject.instance().mapLayers()
        if mode == "file":
            assert sorted(os.listdir(tmp_path / "out")) == ["water.gpkg", "water.tif"], tab.explanation.toPlainText()
            assert any("files were written" in t and "not added" in t for t in _bar_texts(plugin.iface)), _bar_texts(plugin.iface)
        else:
            assert folder and not os.path.exists(folder)
            # said in the message bar (the panel's text is cleared with the layer it was about once QGIS drops it)
            assert any("project was replaced" in t for t in _bar_texts(plugin.iface)), _bar_texts(plugin.iface)
    tab.temp_radio.setChecked(True)


def test_new_project_stops_find_similar_and_leaves_no_folder(plugin, project, tmp_path):
    """New project during Find similar: the search ran on and its folder stayed in QGIS's temporary folder."""
    from qgis.core import QgsProject

    tab = _similar_setup(plugin, project, tmp_path)
    before = _similar_dirs()
    tab.similar_button.click()
    task = tab.similar_task
    assert task is not None
    QgsProject.instance().clear()
    assert task.isCanceled()
    assert wait_for(lambda: tab.similar_task is None, 60)
    assert _similar_dirs() == before
    assert "project was replaced" in tab.status.text(), tab.status.text()
    assert not QgsProject.instance().mapLayers()


def test_new_project_resets_the_change_and_interactive_tabs(plugin, project, tmp_path):
    """After New / Open project the Change tab kept the old summary, chart and a live threshold slider (moving it
    rewrote the old result's raster) and the Interactive tab the old prompt's status."""
    from qgis.core import QgsPointXY, QgsProject
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtTest import QTest

    from interactive_helpers import scene

    plugin.action.setChecked(True)
    change = plugin.dock.tab("change_tab")
    _run_change(change, *_change_pair(project, tmp_path))
    change_file = change.last_result.output_change
    stamp = os.path.getmtime(change_file)
    data, masks = scene(h=128, w=128)
    transform = from_origin(500000, 4500000, 1.0, 1.0)
    layer = _raster(project, str(tmp_path / "img.tif"), "img", data.astype(np.uint8), transform=transform)
    canvas = plugin.iface.mapCanvas()
    old_crs, old_extent = canvas.mapSettings().destinationCrs(), canvas.extent()
    canvas.setDestinationCrs(layer.crs())
    canvas.setExtent(layer.extent())
    canvas.refresh()
    tab = plugin.dock.tab("interactive_tab")
    tab.layer_combo.setLayer(layer)
    tab.model_edit.setText("classical")
    tab.output_widget.setFilePath(str(tmp_path / "objects.gpkg"))
    tab.start_button.setChecked(True)
    try:
        x, y = transform * (60.5, 50.5)  # inside the first rectangle
        pt = canvas.getCoordinateTransform().transform(QgsPointXY(x, y))
        QTest.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(int(pt.x()), int(pt.y())))
        ctl = tab.controller
        assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None and ctl.task is None, 60)
        assert "positive" in tab.status.text()
        QgsProject.instance().clear()
        assert "positive" not in tab.status.text(), tab.status.text()
        assert change.summary.toPlainText() == "" and not change.slider.isEnabled() and change.last_result is None
        change.slider.setValue(30)
        wait_for(lambda: False, 0.6)  # longer than the slider's rest delay
        assert change.rethreshold_task is None and os.path.getmtime(change_file) == stamp
    finally:
        tab.start_button.setChecked(False)
        canvas.setDestinationCrs(old_crs)
        canvas.setExtent(old_extent)
