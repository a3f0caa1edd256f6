"""The Change tab's threshold summary carries the rotated-map note of the result it describes, not of a later run."""
from __future__ import annotations

import pytest

from conftest import change_pair_layers, change_tab_session, wait_for


@pytest.fixture()
def change_tab(plugin, project):
    """The Change tab; the map's rotation and the Whole layer extent put back afterwards."""
    canvas = plugin.iface.mapCanvas()
    yield from change_tab_session(plugin)
    canvas.setRotation(0.0)
    plugin.dock.tab("change_tab").select_extent_mode("layer")


def test_threshold_summary_keeps_its_own_results_view_note(change_tab, plugin, project, tmp_path):
    """After a Whole-layer result, a run of a rotated map's view that gave nothing (cancelled, or off the rasters) left
    its note 'The map is rotated 30°: ... the results cover all of that box' over the Whole-layer result's threshold
    summary."""
    tab = change_tab
    canvas = plugin.iface.mapCanvas()
    before, after, _ = change_pair_layers(project, tmp_path)
    tab.before_combo.setLayer(before)
    tab.after_combo.setLayer(after)
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText("any change")
    tab.select_extent_mode("layer")
    assert tab.run() is not None
    assert wait_for(lambda: tab.task is None, 120)
    first = tab.last_result
    assert first is not None, tab.summary.toPlainText()
    canvas.setLayers([before])
    canvas.setExtent(before.extent())
    canvas.setRotation(30.0)
    tab.select_extent_mode("canvas")
    tab.run()
    tab.cancel()
    assert wait_for(lambda: tab.task is None, 120)
    canvas.setRotation(0.0)
    tab.select_extent_mode("layer")
    assert tab.last_result is first and tab.slider.isEnabled()  # the Whole-layer result is kept
    tab.slider.setValue(tab.slider.value() + 5)
    tab.apply_threshold()
    assert wait_for(lambda: tab.rethreshold_task is None, 60)
    text = tab.summary.toPlainText()
    assert text.startswith("Threshold") and "rotated" not in text, text
