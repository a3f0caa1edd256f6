"""The dock's Change tab in real QGIS (offscreen): run through a QgsTask, threshold slider without recomputation, chart."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest
import rasterio

from conftest import ROOT, change_pair_layers, change_tab_session, changed_areas_m2, wait_for


def settings_value(key):
    """A TerraPrompt setting as the tabs read it."""
    from terraprompt.plugin.gui import settings

    return settings.value(key)

sys.path.insert(0, os.path.join(ROOT, "tests", "core", "change"))
from change_pairs import iou  # noqa: E402


@pytest.fixture()
def tab(plugin, project):
    yield from change_tab_session(plugin)


def _layers(project, tmp_path):
    return change_pair_layers(project, tmp_path)


def _picked(tab, project, tmp_path, same: bool = False):
    """The pair added to the project and picked in the tab (BEFORE also as AFTER when ``same``)."""
    b, a, truth = _layers(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(b if same else a)
    return b, a, truth


def _run_cva(tab, prompt: str):
    """Run CVA with a change prompt from the tab and wait; the result (None when the run failed)."""
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText(prompt)
    assert tab.run() is not None
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    return tab.last_result


def test_run_threshold_and_chart(tab, project, tmp_path):
    b, a, truth = _picked(tab, project, tmp_path)
    res = _run_cva(tab, "any change")
    assert res is not None and "Changed area" in tab.summary.toPlainText()
    assert tab.chart.rows and tab.slider.isEnabled()
    names = [l.name() for l in project.mapLayers().values()]
    assert "before → after (change probability)" in names
    assert f"before → after (change polygons, threshold {res.threshold:.2f})" in names
    before = rasterio.open(res.output_change).read(1)
    assert iou(before == 1, truth) > 0.8
    prob = rasterio.open(res.output_probability).read(1)
    mtime = os.path.getmtime(res.output_probability)
    tab.slider.setValue(95)  # restyles at once
    assert tab.threshold_label.text() == "0.95"
    shader = tab.prob_layer.renderer().shader().rasterShaderFunction()
    assert abs(shader.colorRampItemList()[0].value - 0.95) < 1e-3
    assert tab.apply_threshold() is not None
    assert wait_for(lambda: tab.rethreshold_task is None, 60)
    after = rasterio.open(res.output_change).read(1)
    np.testing.assert_array_equal(after == 1, prob >= 0.95)
    assert os.path.getmtime(res.output_probability) == mtime  # probabilities were not recomputed
    # the summary says what the new threshold changed, and that the polygons and chart keep the run's threshold
    head = tab.summary.toPlainText().splitlines()[0]
    share = (after == 1).sum() / (after != 255).sum()
    assert head.startswith("Threshold 0.95:") and f"{100 * share:.2f} % of the compared area" in head
    assert "keep the run's threshold 0.50" in head


def test_reference_map_picker_gives_the_from_classes(tab, project, tmp_path):
    """The optional reference map of the dock (empty by default) reaches detect_change: its named classes become the
    'from' classes and a class prompt uses them."""
    from qgis.core import QgsRasterLayer

    from conftest import write_raster

    b, a, truth = _picked(tab, project, tmp_path)
    assert tab.reference_combo.currentLayer() is None
    lc = np.full(truth.shape, 2, np.uint8)
    lc[:, :100] = 1
    path = write_raster(str(tmp_path / "lc.tif"), lc)
    with rasterio.open(path, "r+") as ds:
        ds.update_tags(TERRAPROMPT_CLASSES="1=lake;2=fields")
    ref = QgsRasterLayer(path, "land cover 2020")
    project.addMapLayer(ref)
    tab.reference_combo.setLayer(ref)
    res = _run_cva(tab, "vegetation loss")
    assert res is not None and res.from_classes == ["lake", "fields", "other"]
    assert "BEFORE classes from the reference map 'lc.tif'" in tab.summary.toPlainText()


def test_run_with_a_crs_set_on_a_layer_in_qgis(tab, project, tmp_path):
    """AFTER's file has no CRS and is given one on its layer in QGIS: the tab's run compares the dates as drawn (it was
    refused: 'has no coordinate reference system')."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsRasterLayer

    b, a, truth = _picked(tab, project, tmp_path)
    with rasterio.open(a.source()) as src:
        profile, data = src.profile, src.read()
    bare = str(tmp_path / "after_no_crs.tif")
    with rasterio.open(bare, "w", **{**profile, "crs": None}) as ds:
        ds.write(data)
    after = QgsRasterLayer(bare, "after, no CRS in the file")
    after.setCrs(QgsCoordinateReferenceSystem("EPSG:32633"))
    project.addMapLayer(after)
    tab.after_combo.setLayer(after)
    res = _run_cva(tab, "any change")
    assert res is not None, tab.summary.toPlainText()
    assert iou(rasterio.open(res.output_change).read(1) == 1, truth) > 0.8


def test_minimum_area_leaves_small_change_polygons_out(tab, project, tmp_path):
    """The tab's minimum area does what MIN_AREA_M2 does in Processing (it had no such field: only a size in the prompt
    set one), and it is remembered."""
    import fiona

    _picked(tab, project, tmp_path)
    tab.min_area_spin.setValue(0)
    every = _run_cva(tab, "any change")
    areas = sorted(changed_areas_m2(every.output_vector))  # whole changed areas, what the minimum keeps or drops
    with fiona.open(every.output_vector) as fc:
        pieces = len(fc)
    limit = float(int(areas[-1] / 2))  # whole m², as the box shows: every changed area is larger
    tab.min_area_spin.setValue(limit)
    kept = _run_cva(tab, "any change")
    with fiona.open(kept.output_vector) as fc:  # each whole area kept with its small pieces of other transitions
        assert len(fc) == pieces and min(f["properties"]["area_m2"] for f in fc) < limit
    tab.min_area_spin.setValue(float(int(areas[-1] * 2)))
    with fiona.open(_run_cva(tab, "any change").output_vector) as fc:
        assert len(fc) == 0
    limit = float(int(areas[-1] * 2))
    assert float(settings_value("change/min_area")) == limit
    tab.min_area_spin.setValue(0)
    tab.save_settings()


def test_same_layer_refused(tab, project, tmp_path):
    b, _, _ = _picked(tab, project, tmp_path, same=True)
    assert tab.run() is None and tab.task is None


def test_unknown_prompt_reported(tab, project, tmp_path):
    b, a, _ = _picked(tab, project, tmp_path)
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText("purple elephants")
    kept = tab.last_result_dir  # an earlier test's result (the dock lives for the session): its files stay
    tab.run()
    assert wait_for(lambda: tab.task is None)
    assert "does not name a change" in tab.summary.toPlainText()
    assert tab.temp_dir == kept


def test_prompt_feedback_while_typing(tab):
    tab.prompt_edit.setText("forest to urban larger than 1 ha")
    line = tab.prompt_status.text()
    assert "Will keep: forest / trees → built-up" in line and "≥ 10,000 m²" in line
    tab.prompt_edit.setText("grass to crops")
    assert "same change-map class" in tab.prompt_status.text() and not tab.run_button.isEnabled()
    tab.prompt_edit.setText("")
    assert "any change" in tab.prompt_status.text() and tab.run_button.isEnabled()


def test_before_after_preview(tab, project, tmp_path):
    b, a, _ = _picked(tab, project, tmp_path)
    root = project.layerTreeRoot()
    tab.show_before.click()
    assert root.findLayer(b.id()).isVisible() and not root.findLayer(a.id()).isVisible()
    tab.show_after.click()
    assert root.findLayer(a.id()).isVisible() and not root.findLayer(b.id()).isVisible()


def test_swipe_button_and_slider(tab, project, tmp_path):
    b, a, _ = _picked(tab, project, tmp_path)
    root = project.layerTreeRoot()
    canvas = tab.iface.mapCanvas()
    tab.swipe_button.setChecked(True)
    assert tab.swipe is not None and tab.swipe.active and tab.swipe_slider.isEnabled()
    assert tab.swipe.item in canvas.scene().items() and canvas.mapTool() is tab.swipe.tool
    assert not root.findLayer(a.id()).isVisible() and root.findLayer(b.id()).isVisible()
    tab.swipe_slider.setValue(30)
    assert abs(tab.swipe.item.fraction - 0.30) < 1e-6
    tab.swipe.set_fraction(0.8)  # dragging on the map moves the slider
    assert tab.swipe_slider.value() == 80
    tab.swipe_button.setChecked(False)
    assert not tab.swipe.active and not tab.swipe_slider.isEnabled() and canvas.mapTool() is None
    assert root.findLayer(a.id()).isVisible() and root.findLayer(b.id()).isVisible()
    tab.swipe_button.setChecked(True)
    tab.show_before.click()  # flicker leaves swipe mode and unchecks the button
    assert not tab.swipe.active and not tab.swipe_button.isChecked()
    assert root.findLayer(b.id()).isVisible() and not root.findLayer(a.id()).isVisible()


def test_swipe_needs_two_layers(tab, project, tmp_path):
    b, _, _ = _picked(tab, project, tmp_path, same=True)
    tab.swipe_button.setChecked(True)
    assert not tab.swipe_button.isChecked() and (tab.swipe is None or not tab.swipe.active)


def test_side_by_side_button(tab, project, tmp_path):
    b, a, _ = _picked(tab, project, tmp_path)
    tab.side_button.setChecked(True)
    assert tab.side is not None and tab.side.active and tab.side.view.layers() == [a]
    tab.side.view.close()  # closing the window unchecks the button
    assert not tab.side.active and not tab.side_button.isChecked()
    tab.side_button.setChecked(True)
    tab.side_button.setChecked(False)
    assert not tab.side.active


def test_swipe_follows_a_new_after_layer(tab, project, tmp_path):
    from qgis.core import QgsRasterLayer

    b, a, _ = _layers(project, tmp_path)
    other = QgsRasterLayer(a.source(), "after 2")
    project.addMapLayer(other)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    tab.swipe_button.setChecked(True)
    tab.after_combo.setLayer(other)  # swiping goes on with the new AFTER; the old one is visible again
    assert tab.swipe.active and tab.swipe_button.isChecked() and tab.swipe_slider.isEnabled()
    assert tab.swipe.item.layer is other
    root = project.layerTreeRoot()
    assert root.findLayer(a.id()).isVisible() and not root.findLayer(other.id()).isVisible()
    tab.swipe_button.setChecked(False)
    assert root.findLayer(other.id()).isVisible()


def test_matrix_rows_label_other_like_the_concepts(plugin):
    """Chart rows: the catch-all class reads 'Other' (translated, capitalised like the concept labels)."""
    from types import SimpleNamespace

    from terraprompt.plugin.core import messages
    from terraprompt.plugin.gui.change_tab import matrix_rows

    res = SimpleNamespace(from_classes=["vegetation", "other"], to_classes=["built_up"],
                          matrix_m2=np.array([[500.0], [20.0]]))
    assert [r[0] for r in matrix_rows(res)] == ["Vegetation → Built-up", "Other → Built-up"]
    messages.set_language("fr")
    try:
        assert matrix_rows(res)[1][0] == "Autre → Bâti"
    finally:
        messages.set_language("en")


def test_threshold_slider_after_the_results_are_removed_and_moves_by_keyboard(tab, project, tmp_path):
    """The slider raised 'wrapped C/C++ object has been deleted' once the probability layer was removed; a keyboard or
    wheel move only restyled the map; two quick releases left the summary and change.tif at the first value."""
    from qgis.PyQt.QtWidgets import QAbstractSlider

    _picked(tab, project, tmp_path)
    res = _run_cva(tab, "any change")
    assert res is not None and tab.prob_layer is not None
    assert project.layerTreeRoot().findGroup("TerraPrompt").findLayer(tab.prob_layer.id()) is not None
    assert "Changed area" in tab.prob_layer.metadata().abstract()  # the run's summary, as Processing's layers carry it
    prob = rasterio.open(res.output_probability).read(1)
    tab.slider.triggerAction(QAbstractSlider.SliderPageStepAdd)  # PageUp: 0.50 -> 0.60
    assert wait_for(lambda: tab.summary.toPlainText().startswith("Threshold 0.60:"), 60)
    assert wait_for(lambda: tab.rethreshold_task is None, 60)
    np.testing.assert_array_equal(rasterio.open(res.output_change).read(1) == 1, prob >= 0.6)
    # two releases while the first rewrite runs: the second is applied after it
    tab.slider.setValue(20)
    tab.apply_threshold()
    tab.slider.setValue(90)
    tab.apply_threshold()
    assert wait_for(lambda: tab.summary.toPlainText().startswith("Threshold 0.90:") and tab.rethreshold_task is None, 60)
    np.testing.assert_array_equal(rasterio.open(res.output_change).read(1) == 1, prob >= 0.9)
    project.removeMapLayer(tab.prob_layer.id())
    errors = []
    hook, sys.excepthook = sys.excepthook, lambda *a: errors.append(a)
    try:
        tab.slider.setValue(70)  # no probability layer any more: nothing to restyle, no traceback
    finally:
        sys.excepthook = hook
    assert not errors and tab.prob_layer is None
    assert wait_for(lambda: tab.rethreshold_task is None, 60)


def test_a_date_whose_file_is_gone_is_refused(tab, project, tmp_path):
    """A layer whose file was deleted after loading was read as a web layer: its cached map view was compared."""
    b, a, truth = _picked(tab, project, tmp_path)
    os.remove(b.source())
    kept = tab.temp_dir
    assert tab.run() is None
    item = tab.iface.messageBar().currentItem()
    assert item is not None and "no longer exists" in item.text() and "Layer Properties > Source" in item.text()
    assert tab.temp_dir == kept  # no folder made for the refused run


def test_a_refused_run_keeps_the_last_results_files_and_the_slider_waits_for_a_run(tab, project, tmp_path):
    """A run refused before it starts (BEFORE and AFTER the same layer) deleted the previous run's files, which its
    layers and the threshold slider still read; during a run the slider acted on the old result."""
    b, a, _ = _picked(tab, project, tmp_path)
    res = _run_cva(tab, "any change")
    assert res is not None and tab.slider.isEnabled()
    tab.after_combo.setLayer(b)
    assert tab.run() is None  # refused: the same layer twice
    assert os.path.exists(res.output_probability) and os.path.exists(res.output_vector)
    assert tab.slider.isEnabled()
    tab.after_combo.setLayer(a)
    assert tab.run() is not None
    assert not tab.slider.isEnabled()  # while the new run replaces the result it acts on
    assert wait_for(lambda: tab.task is None)
    assert tab.slider.isEnabled() and tab.last_result is not res


def test_a_run_ending_after_new_project_adds_no_layers_to_it(tab, project, tmp_path):
    from qgis.core import QgsProject

    _picked(tab, project, tmp_path)
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText("any change")
    assert tab.run() is not None
    QgsProject.instance().clear()  # New project while the run goes on
    assert wait_for(lambda: tab.task is None)
    assert not QgsProject.instance().mapLayers(), "the old project's run added layers to the new project"


def test_matrix_rows_sum_the_rest_in_one_row(plugin):
    """More transitions than the chart's rows: the rest is summed in a last row, so the bars add up to the changed area
    (the 8 largest of Taizhou's 25 transitions left 5 % of it out without a word)."""
    from types import SimpleNamespace

    from terraprompt.plugin.gui.change_tab import matrix_rows

    names = ["water", "vegetation", "built_up", "bare_soil"]
    m = np.arange(1, 17, dtype=float).reshape(4, 4) * 1000
    res = SimpleNamespace(from_classes=names, to_classes=names, matrix_m2=m)
    rows = matrix_rows(res)
    assert len(rows) == 8 and rows[-1][0] == "9 other transitions"
    assert sum(r[1] for r in rows) == m.sum() and rows[0][1] == 16000
    assert len(matrix_rows(res, limit=16)) == 16
