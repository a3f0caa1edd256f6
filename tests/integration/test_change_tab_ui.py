"""The Change tab's map views in real QGIS (offscreen): results drawn above the dates, dates in unchecked groups, a
removed AFTER while side by side is open."""
from __future__ import annotations

import pytest

from conftest import change_pair_layers, change_tab_session, wait_for


@pytest.fixture()
def tab(plugin, project):
    yield from change_tab_session(plugin)


def _dates(project, tmp_path, add_to_tree: bool = True):
    return change_pair_layers(project, tmp_path, add_to_tree)[:2]


def test_change_results_above_dates_when_group_is_lower(tab, project, tmp_path):
    root = project.layerTreeRoot()
    root.insertGroup(0, "TerraPrompt")  # an earlier run's group; the dates are added on top of it
    b, a = _dates(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText("any change")
    assert tab.run() is not None
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    assert tab.last_result is not None
    order = [lyr.id() for lyr in root.layerOrder()]
    prob = tab.prob_layer
    assert prob is not None and order.index(prob.id()) < min(order.index(b.id()), order.index(a.id()))
    assert root.findLayer(prob.id()).parent().name() == "TerraPrompt" and len(root.findGroups()) == 1
    assert b.id() in order and a.id() in order  # moving the group removed no layer from the project


def test_preview_and_swipe_show_dates_in_unchecked_groups(tab, project, tmp_path):
    b, a = _dates(project, tmp_path, add_to_tree=False)
    root = project.layerTreeRoot()
    gb, ga = root.addGroup("Imagery before"), root.addGroup("Imagery after")
    gb.addLayer(b)
    ga.addLayer(a)
    gb.setItemVisibilityChecked(False)
    ga.setItemVisibilityChecked(False)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    tab.show_before.click()
    assert root.findLayer(b.id()).isVisible() and not root.findLayer(a.id()).isVisible()
    tab.show_after.click()
    assert root.findLayer(a.id()).isVisible() and not root.findLayer(b.id()).isVisible()
    assert not gb.itemVisibilityChecked()  # the group checked for BEFORE is unchecked again
    ga.setItemVisibilityChecked(False)
    tab.swipe_button.setChecked(True)
    assert root.findLayer(b.id()).isVisible() and gb.itemVisibilityChecked()
    tab.swipe_button.setChecked(False)
    assert not gb.itemVisibilityChecked() and not ga.itemVisibilityChecked()


def test_removing_after_closes_side_by_side(tab, project, tmp_path):
    b, a = _dates(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    tab.side_button.setChecked(True)
    assert tab.side.active and tab.side.view.layers() == [a]
    project.removeMapLayer(a.id())
    assert tab.after_combo.currentLayer() is None and tab.before_combo.currentLayer() is b
    assert not tab.side.active and not tab.side_button.isChecked()
    tab.after_combo.setLayer(b)  # the same layer as BEFORE is refused too
    tab.side_button.setChecked(True)
    assert not tab.side.active and not tab.side_button.isChecked()
