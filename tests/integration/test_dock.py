"""The dock in real QGIS (offscreen): toggling, layer filtering, prompt feedback, runs through QgsTask, cancel, settings."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT, SAMPLE_S2, wait_for, write_raster
from rasterio.transform import from_origin






@pytest.fixture()
def tab(plugin, project):
    """The Land cover tab of the plugin's dock (opened through the toolbar action)."""
    plugin.action.setChecked(True)
    t = plugin.dock.tab("landcover_tab")
    assert t is not None
    yield t
    if t.task is not None:
        t.cancel()
        wait_for(lambda: t.task is None, 60)


def _sample_layer(project):
    from qgis.core import QgsRasterLayer

    layer = QgsRasterLayer(SAMPLE_S2, "sample s2")
    assert layer.isValid()
    project.addMapLayer(layer)
    return layer


def test_action_toggles_dock(plugin):
    plugin.action.setChecked(False)
    plugin.action.setChecked(True)
    dock = plugin.dock
    # the test main window is never shown, so ask whether the dock itself is shown
    assert dock is not None and not dock.isHidden()
    assert dock.tab_widget.count() >= 2
    labels = [dock.tab_widget.tabText(i) for i in range(dock.tab_widget.count())]
    assert "Land cover" in labels and "Settings" in labels
    plugin.action.setChecked(False)
    assert dock.isHidden()
    plugin.action.setChecked(True)
    assert plugin.dock is dock and not dock.isHidden()


def test_only_raster_layers_offered(tab, project, tmp_path):
    from qgis.core import QgsVectorLayer

    raster = _sample_layer(project)
    vector = QgsVectorLayer("Polygon?crs=EPSG:4326", "some polygons", "memory")
    project.addMapLayer(vector)
    for combo in (tab.layer_combo, tab.sar_combo, tab.dsm_combo):
        offered = [combo.layer(i) for i in range(combo.count())]
        offered = [lyr for lyr in offered if lyr is not None]
        assert raster in offered
        assert vector not in offered


def test_layer_shows_detected_modality_and_override(tab, project):
    layer = _sample_layer(project)
    tab.layer_combo.setLayer(layer)
    assert "Sentinel-2" in tab.bands_label.text() and "nir=8" in tab.bands_label.text()
    tab.modality_combo.setCurrentIndex(tab.modality_combo.findData("rgb"))
    assert "cannot" in tab.bands_label.text().lower() or "RGB" in tab.bands_label.text()
    tab.modality_combo.setCurrentIndex(tab.modality_combo.findData("auto"))
    assert "Sentinel-2" in tab.bands_label.text()


def test_bands_of_a_large_raster_are_read_in_the_background(tab, project, monkeypatch):
    """A raster whose statistics take seconds (large, no overviews: here any raster, the size limit lowered) is read in
    a task: the tab says so at once and stays usable, then shows the bands and checks the prompt against them."""
    from qgis.core import QgsApplication

    from terraprompt.plugin.core import raster

    monkeypatch.setattr(raster, "SLOW_SAMPLE_PIXELS", 0)
    tab.prompt_edit.setText("water")
    layer = _sample_layer(project)
    tab.layer_combo.setLayer(layer)
    assert tab.bands_task is not None and "Reading the bands of sample s2" in tab.bands_label.text()
    assert wait_for(lambda: tab.bands_task is None, 60)
    assert "Sentinel-2" in tab.bands_label.text() and "nir=8" in tab.bands_label.text()
    assert tab.roles and "swir1" in tab.roles
    assert wait_for(lambda: "Will extract" in tab.prompt_status.text(), 10)
    tab.layer_combo.setLayer(None)  # a newer choice forgets the read in flight
    tab.layer_combo.setLayer(layer)
    assert tab.bands_task is not None
    tab.layer_combo.setLayer(None)
    assert tab.bands_task is None and "Choose a raster layer" in tab.bands_label.text()
    assert wait_for(lambda: QgsApplication.taskManager().countActiveTasks() == 0, 60)
    wait_for(lambda: False, 0.2)  # its outcome, if it were delivered, would land now
    assert "Choose a raster layer" in tab.bands_label.text()


def test_prompt_feedback_while_typing(tab):
    from qgis.PyQt.QtTest import QTest

    tab.prompt_edit.clear()
    assert "empty" in tab.prompt_status.text()
    assert not tab.run_button.isEnabled()
    QTest.keyClicks(tab.prompt_edit, "lakes and forest larger than 2 ha")
    text = tab.prompt_status.text()
    assert "Water = class 1" in text and "Forest" in text and "20,000" in text
    assert tab.run_button.isEnabled()
    tab.prompt_edit.setText("ponds larger than 100 m2 and smaller than 1 ha")
    assert "at least 100 m²" in tab.prompt_status.text() and "at most 10,000 m²" in tab.prompt_status.text()
    tab.prompt_edit.setText("ponds larger than 5 ha and smaller than 1 ha")
    assert "larger than 50,000 m² and smaller than 10,000 m²" in tab.prompt_status.text()
    assert not tab.run_button.isEnabled()
    tab.extra_box.setCollapsed(True)
    tab.prompt_edit.setText("buildings taller than 10 m")
    assert "height above ground ≥ 10 m (needs a DSM)" in tab.prompt_status.text()
    assert "choose the DSM below" in tab.prompt_status.text() and not tab.extra_box.isCollapsed()
    tab.prompt_edit.setText("blorp")
    assert "does not name a land cover" in tab.prompt_status.text()
    assert not tab.run_button.isEnabled()
    tab.prompt_edit.setText("everything except water")
    text = tab.prompt_status.text()
    assert "land-cover map" in text and "Built-up" in text and "excluding: Water" in text
    assert tab.run_button.isEnabled()


def test_prompt_checked_against_the_bands_while_typing(tab, project, tmp_path):
    """On a plain RGB image at 2 m 'buildings' cannot run (no heights, no SWIR, pixels too coarse for the building head):
    the dock says so as the analyst types, with the way out (a DSM, finer pixels, or clicks and Find similar), and Run
    stays off until a DSM layer is chosen."""
    from qgis.core import QgsRasterLayer
    from rasterio.transform import from_origin

    rgb = np.random.default_rng(4).integers(0, 255, (3, 60, 60)).astype(np.uint8)
    photo = QgsRasterLayer(write_raster(str(tmp_path / "photo.tif"), rgb, transform=from_origin(500000, 4500000, 2, 2)), "photo")
    heights = QgsRasterLayer(write_raster(str(tmp_path / "dsm.tif"), np.full((60, 60), 12.0, np.float32),
                                          transform=from_origin(500000, 4500000, 2, 2)), "dsm")
    for layer in (photo, heights):
        assert layer.isValid()
        project.addMapLayer(layer)
    tab.layer_combo.setLayer(photo)
    tab.dsm_combo.setLayer(None)
    tab.extra_box.setCollapsed(True)
    wait_for(lambda: False, 0.1)  # the bands are checked once layer changes settle
    tab.prompt_edit.setText("buildings")
    text = tab.prompt_status.text()
    assert "cannot extract 'buildings'" in text and "find_similar" in text and "0.25-1 m pixels" in text and "b00020" in text, text
    assert not tab.run_button.isEnabled() and not tab.extra_box.isCollapsed()  # where the DSM goes is shown
    tab.prompt_edit.setText("water")
    assert "Water = class 1" in tab.prompt_status.text() and tab.run_button.isEnabled()
    tab.prompt_edit.setText("land cover map")  # a map names the classes these bands give, and those they cannot
    text = tab.prompt_status.text()
    assert "land-cover map: Water, Forest / trees (" in text and "not possible from these bands: grassland" in text, text
    tab.prompt_edit.setText("buildings")
    tab.dsm_combo.setLayer(heights)
    assert wait_for(lambda: "Buildings = class 1" in tab.prompt_status.text(), 5), tab.prompt_status.text()
    assert tab.run_button.isEnabled()
    project.removeAllMapLayers()  # the combos announce their new (empty) layer while layers are being deleted
    wait_for(lambda: False, 0.1)
    assert tab.input_roles() is None


def test_run_adds_styled_layers(tab, project):
    from qgis.core import QgsCategorizedSymbolRenderer, QgsPalettedRasterRenderer

    layer = _sample_layer(project)
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText("water and vegetation")
    tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))
    tab.temp_radio.setChecked(True)
    task = tab.run()
    assert task is not None
    assert not tab.run_button.isEnabled() and tab.cancel_button.isEnabled()
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    assert tab.last_result is not None, tab.explanation.toPlainText()
    names = [lyr.name() for lyr in project.mapLayers().values()]
    raster = next(l for l in project.mapLayers().values() if l.name().endswith("(classes)"))
    vector = next(l for l in project.mapLayers().values() if l.name().endswith("(polygons)"))
    assert len(names) == 3
    assert isinstance(raster.renderer(), QgsPalettedRasterRenderer)
    labels = {c.value: c.label for c in raster.renderer().classes()}
    assert labels[1] == "Water" and labels[2] == "Vegetation"
    assert isinstance(vector.renderer(), QgsCategorizedSymbolRenderer)
    assert {c.value() for c in vector.renderer().categories()} <= {"water", "vegetation"}
    assert "Understood" in raster.metadata().abstract()
    assert os.path.exists(raster.source()) and vector.featureCount() > 0
    assert "Understood" in tab.explanation.toPlainText()
    assert project.layerTreeRoot().findGroup("TerraPrompt").findLayer(raster.id()) is not None
    assert not tab.build_request().straight_outlines
    tab.straight_check.setChecked(True)  # the box reaches the request (and the polygons of buildings)
    try:
        assert tab.build_request().straight_outlines
    finally:
        tab.straight_check.setChecked(False)
    # the chart shows one bar per concept in the concept colour
    assert len(tab.chart.rows) == 2
    img = tab.chart.grab().toImage()
    colours = {img.pixelColor(x, y).name() for x in range(0, img.width(), 2) for y in range(0, img.height(), 2)}
    # vegetation green from models/concepts.json (the Beirut sample has (almost) no water, so its bar may be empty)
    assert "#3caa3c" in colours


def test_run_on_a_layer_whose_crs_was_set_in_qgis(tab, project, tmp_path):
    """A raster whose file has no CRS, given one on its layer in QGIS: the tab shows its bands (not 'has no coordinate
    reference system') and the run's layers lie in the layer's CRS, on the file's grid."""
    import rasterio
    from qgis.core import QgsCoordinateReferenceSystem, QgsRasterLayer

    from conftest import S2_NAMES, synthetic_s2

    data, _, _ = synthetic_s2(60, 80)
    path = write_raster(str(tmp_path / "no_crs.tif"), data, crs=None, descriptions=S2_NAMES)
    layer = QgsRasterLayer(path, "no crs")
    layer.setCrs(QgsCoordinateReferenceSystem("EPSG:32633"))
    project.addMapLayer(layer)
    tab.layer_combo.setLayer(layer)
    assert "Sentinel-2" in tab.bands_label.text() and "coordinate reference" not in tab.bands_label.text()
    tab.prompt_edit.setText("water")
    tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))
    tab.temp_radio.setChecked(True)
    assert tab.run() is not None
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    assert tab.last_result is not None, tab.explanation.toPlainText()
    raster = next(l for l in project.mapLayers().values() if l.name().endswith("(classes)"))
    assert raster.crs().authid() == "EPSG:32633" and raster.extent() == layer.extent()
    with rasterio.open(raster.source()) as ds:
        assert ds.crs.to_epsg() == 32633


def test_run_on_drawn_extent_in_other_crs(tab, project):
    from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY, QgsRectangle

    layer = _sample_layer(project)
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText("water")
    canvas = tab.iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    tab.start_drawing()
    assert canvas.mapTool() is tab.extent_tool
    e = layer.extent()
    # the lower-left quarter of the sample, given in EPSG:3857 as the tool would report it
    from qgis.core import QgsCoordinateTransform

    xf = QgsCoordinateTransform(layer.crs(), QgsCoordinateReferenceSystem("EPSG:3857"), project)
    quarter = QgsRectangle(QgsPointXY(e.xMinimum(), e.yMinimum()), QgsPointXY(e.center().x(), e.center().y()))
    tab.extent_tool.extentChanged.emit(xf.transformBoundingBox(quarter))
    assert canvas.mapTool() is not tab.extent_tool
    assert tab.extent_combo.currentData() == "drawn"
    ext = tab.extent_in_layer_crs(layer)
    assert abs(ext[0] - e.xMinimum()) < 1e-3 and abs(ext[3] - e.center().y()) < 1e-3
    assert tab.run() is not None
    assert wait_for(lambda: tab.task is None)
    assert tab.last_result is not None, tab.explanation.toPlainText()
    from qgis.core import QgsRasterLayer

    out = QgsRasterLayer(tab.last_result.output_raster, "out")
    assert abs(out.width() - layer.width() / 2) <= 1 and abs(out.height() - layer.height() / 2) <= 1


def test_drawn_extent_missing_is_reported(tab, project):
    layer = _sample_layer(project)
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText("water")
    tab.drawn_extent = None
    tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("drawn"))
    assert tab.run() is None and tab.task is None
    tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))


def test_a_second_run_to_the_same_file_replaces_the_first_runs_layers(tab, project, tmp_path):
    """'water' then 'vegetation' to the same File output kept the water layers, now reading the vegetation file with
    the water legend and explanation."""
    import shutil

    from qgis.core import QgsRasterLayer

    src = str(tmp_path / "s2.tif")
    shutil.copy(SAMPLE_S2, src)
    layer = QgsRasterLayer(src, "s2")
    project.addMapLayer(layer)
    tab.layer_combo.setLayer(layer)
    tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))
    tab.file_radio.setChecked(True)
    tab.file_widget.setFilePath(str(tmp_path / "lc.tif"))
    try:
        for prompt in ("water", "vegetation"):
            tab.prompt_edit.setText(prompt)
            assert tab.run() is not None
            assert wait_for(lambda: tab.task is None), "the task did not finish"
    finally:
        tab.temp_radio.setChecked(True)
    names = sorted(l.name() for l in project.mapLayers().values())
    assert names == ["s2", "vegetation on s2 (classes)", "vegetation on s2 (polygons)"], names
    # the file is gone from under its layer: the panel and a run say so, instead of reading the map view
    os.remove(src)
    tab.layer_combo.setLayer(None)
    tab.layer_combo.setLayer(layer)
    assert "no longer exists" in tab.bands_label.text()
    assert tab.run() is None
    item = tab.iface.messageBar().currentItem()
    assert item is not None and "no longer exists" in item.text()


def test_deleted_geopackage_raster_is_named(tab, project, tmp_path):
    """A GeoPackage raster table whose file was deleted is reported as a missing file, naming the GeoPackage (it was
    called corrupt, 're-download it')."""
    from osgeo import gdal
    from qgis.core import QgsRasterLayer

    rgb = write_raster(str(tmp_path / "rgb.tif"), (np.indices((3, 40, 40)).sum(0) % 200).astype(np.uint8),
                       crs="EPSG:32633", transform=from_origin(500000, 4500000, 10, 10))
    gdal.Translate(str(tmp_path / "img.gpkg"), rgb, format="GPKG", creationOptions=["RASTER_TABLE=ortho"])
    layer = QgsRasterLayer(f"GPKG:{tmp_path}/img.gpkg:ortho", "ortho")
    assert layer.isValid()
    project.addMapLayer(layer)
    tab.layer_combo.setLayer(layer)
    assert "RGB" in tab.bands_label.text(), tab.bands_label.text()
    os.remove(tmp_path / "img.gpkg")
    tab.layer_combo.setLayer(None)
    tab.layer_combo.setLayer(layer)
    assert f"no longer exists ({tmp_path}/img.gpkg)" in tab.bands_label.text(), tab.bands_label.text()
    tab.prompt_edit.setText("water")
    assert tab.run() is None
    item = tab.iface.messageBar().currentItem()
    assert item is not None and "no longer exists" in item.text() and "corrupt" not in item.text()


def test_cancel_leaves_no_output(tab, project, tmp_path):
    from qgis.core import QgsRasterLayer

    from terraprompt.plugin.gui import settings

    rng = np.random.default_rng(1)
    data = rng.integers(200, 4000, size=(4, 1500, 1500), dtype=np.uint16)
    path = write_raster(str(tmp_path / "big_rgbn.tif"), data, descriptions=["red", "green", "blue", "nir"])
    layer = QgsRasterLayer(path, "big")
    project.addMapLayer(layer)
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText("water")
    outdir = tmp_path / "out"
    outdir.mkdir()
    tab.file_radio.setChecked(True)
    tab.file_widget.setFilePath(str(outdir / "result.tif"))
    settings.set_value("tile_size", 64)
    settings.set_value("tile_overlap", 0)
    try:
        assert tab.run() is not None
        assert wait_for(lambda: tab.progress.value() >= 1 or tab.task is None, 60)
        assert tab.task is not None, "the run finished before it could be cancelled"
        tab.cancel()
        assert wait_for(lambda: tab.task is None, 60)
    finally:
        settings.set_value("tile_size", 512)
        settings.set_value("tile_overlap", 64)
        tab.temp_radio.setChecked(True)
    assert tab.last_result is None or tab.last_result.output_raster != str(outdir / "result.tif")
    assert os.listdir(outdir) == []
    assert "Cancelled" in tab.explanation.toPlainText()
    assert tab.run_button.isEnabled() and not tab.cancel_button.isEnabled()
    assert len(project.mapLayers()) == 1


def test_failed_run_reports_and_adds_nothing(tab, project, tmp_path):
    """Output path equal to the input: refused before any work, the panel says why, nothing is added or written."""
    layer = _sample_layer(project)
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText("water")
    tab.file_radio.setChecked(True)
    tab.file_widget.setFilePath(SAMPLE_S2)
    before = os.path.getmtime(SAMPLE_S2)
    try:
        assert tab.run() is None and tab.task is None
    finally:
        tab.temp_radio.setChecked(True)
    assert tab.last_result is None or tab.last_result.output_raster != SAMPLE_S2
    assert "input" in tab.explanation.toPlainText().lower()
    assert len(project.mapLayers()) == 1
    assert os.path.getmtime(SAMPLE_S2) == before
    assert not os.path.exists(os.path.splitext(SAMPLE_S2)[0] + ".gpkg")
    assert tab.run_button.isEnabled() and tab.progress.value() == 0


def test_choices_persist(tab, plugin):
    from qgis.core import QgsSettings

    from terraprompt.plugin.gui.landcover_tab import LandcoverTab

    tab.prompt_edit.setText("forest and water")
    tab.prompt_edit.editingFinished.emit()
    tab.engine_combo.setCurrentIndex(tab.engine_combo.findData("spectral"))
    tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("canvas"))
    tab.file_radio.setChecked(True)
    tab.straight_check.setChecked(True)
    assert QgsSettings().value("terraprompt/landcover/prompt") == "forest and water"
    fresh = LandcoverTab(tab.iface)
    try:
        assert fresh.prompt_edit.text() == "forest and water"
        assert fresh.engine_combo.currentData() == "spectral"
        assert fresh.extent_combo.currentData() == "canvas"
        assert fresh.file_radio.isChecked()
        assert fresh.straight_check.isChecked()
    finally:
        fresh.shutdown()
        fresh.deleteLater()
        tab.straight_check.setChecked(False)
        tab.temp_radio.setChecked(True)
        tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))
        tab.engine_combo.setCurrentIndex(tab.engine_combo.findData("auto"))


def test_settings_tab_device_threads_tiles(plugin, tab):
    from qgis.core import QgsSettings

    from terraprompt.plugin.gui import settings

    st = plugin.dock.tab("settings_tab")
    plugin.dock.tab_widget.setCurrentWidget(st)
    st.refresh_report()  # done on first show in QGIS; the test main window is never shown
    assert "Checking what the runtimes offer" in st.report.toPlainText()  # in a task: torch takes seconds to import
    assert wait_for(lambda: st.report_task is None, 60)
    report = st.report.toPlainText()
    assert "onnxruntime" in report and "torch" in report and "cpu" in report
    st.threads_spin.setValue(3)
    assert QgsSettings().value("terraprompt/threads", type=int) == 3
    assert os.environ.get("TERRAPROMPT_THREADS") == "3"
    st.tile_spin.setValue(256)
    st.overlap_spin.setValue(500)  # clamped to half a tile
    assert settings.tile_spec().size == 256 and settings.tile_spec().overlap == 128
    st.device_combo.setCurrentIndex(st.device_combo.findData("cpu"))
    assert tab.device_combo.currentData() == "cpu"  # the land-cover tab follows the default device
    assert wait_for(lambda: st.report_task is None, 60)
    assert "Requested device: cpu" in st.report.toPlainText()
    st.threads_spin.setValue(0)
    st.tile_spin.setValue(512)
    st.overlap_spin.setValue(64)
    st.device_combo.setCurrentIndex(st.device_combo.findData("auto"))
    assert settings.tile_spec().size == 512 and settings.tile_spec().overlap == 64



def test_every_task_runs_with_the_thread_setting(plugin, monkeypatch):
    """The thread setting is exported when any tab starts a task (not only the land-cover tab)."""
    from qgis.core import QgsSettings

    from terraprompt.plugin.gui.tasks import CoreTask, start_task

    QgsSettings().setValue("terraprompt/threads", 2)
    monkeypatch.delenv("TERRAPROMPT_THREADS", raising=False)
    done = []
    try:
        task = start_task(CoreTask("threads", lambda progress, is_cancelled: os.environ.get("TERRAPROMPT_THREADS"),
                                   lambda result, error: done.append(result)))
        assert wait_for(lambda: done, 30)
        assert done == ["2"] and task is not None
    finally:
        QgsSettings().setValue("terraprompt/threads", 0)


def test_a_cancel_after_the_work_is_done_keeps_the_result(plugin):
    """A cancel landing after the core function's last check (its outputs committed) must not say nothing was written:
    the result is handed on (its layers added)."""
    from terraprompt.plugin.gui.tasks import CoreTask, start_task

    done = []
    holder = {}

    def work(progress, is_cancelled):
        holder["task"].cancel()  # the analyst presses Cancel as the outputs are committed
        return "written"

    holder["task"] = CoreTask("late cancel", work, lambda result, error: done.append((result, error)))
    start_task(holder["task"])
    assert wait_for(lambda: done, 30)
    assert done == [("written", None)]


UNLOAD_SCRIPT = r"""
import os, sys
sys.path.insert(0, os.path.join(sys.argv[1], "tests"))
import conftest
from qgis.testing import start_app
app = start_app(cleanup=False)
import qgis.utils
from qgis.core import QgsApplication
from desktop_iface import DesktopInterface
qgis.utils.iface = DesktopInterface()
qgis.utils.plugin_paths.insert(0, conftest.PLUGINS)
qgis.utils.updateAvailablePlugins()
reg = QgsApplication.processingRegistry()
for round_ in range(2):
    assert qgis.utils.loadPlugin("terraprompt") and qgis.utils.startPlugin("terraprompt"), "start failed"
    p = qgis.utils.plugins["terraprompt"]
    assert reg.providerById("terraprompt") is not None
    p.action.setChecked(True)
    assert not p.dock.isHidden()
    assert qgis.utils.unloadPlugin("terraprompt"), "unload failed"
    assert "terraprompt" not in qgis.utils.plugins
    assert reg.providerById("terraprompt") is None, "provider left behind"
    assert p.dock is None and p.action is None
    # parent packages (terraprompt.plugin ...) are not tracked by qgis.utils; every module we import is
    left = sorted(m for m in sys.modules if m == "terraprompt" or m.startswith("terraprompt.plugin.gui."))
    assert not left, "modules left behind: %s" % left
print("UNLOAD-OK")
"""


def test_plugin_unloads_and_loads_again(tmp_path):
    """Unload then load/start again, twice, in a fresh QGIS (keeps the session's plugin fixture intact)."""
    script = tmp_path / "unload.py"
    script.write_text(UNLOAD_SCRIPT)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, str(script), ROOT], env=env, capture_output=True, text=True, timeout=300)
    assert "UNLOAD-OK" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_toolbar_menu_and_docking_are_real(plugin):
    from qgis.PyQt.QtCore import Qt

    iface = plugin.iface
    assert plugin.action in iface.toolbar.actions()
    menus = [a.menu() for a in iface.raster_menu.actions() if a.menu() is not None]
    assert any(plugin.action in m.actions() for m in menus), "the action is in the Raster > TerraPrompt menu"
    plugin.action.setChecked(True)
    assert iface.mainWindow().dockWidgetArea(plugin.dock) == Qt.RightDockWidgetArea
