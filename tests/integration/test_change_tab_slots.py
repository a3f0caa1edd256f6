"""The Change tab's optional pickers (reference map, cloud masks) when their layer leaves the project: QGIS 3.22 moved the
combo to a neighbouring layer, saying currentIndexChanged but not layerChanged, so a run silently used another layer."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import change_pair_layers, change_tab_session, write_raster


@pytest.fixture()
def tab(plugin, project):
    yield from change_tab_session(plugin)


def _spin() -> None:
    from qgis.core import QgsApplication

    for _ in range(5):
        QgsApplication.processEvents()


def _raster(project, tmp_path, name: str, dtype="float32"):
    from qgis.core import QgsRasterLayer

    path = write_raster(str(tmp_path / f"{name}.tif"), np.ones((160, 200), dtype))
    layer = QgsRasterLayer(path, name)
    assert layer.isValid()
    project.addMapLayer(layer)
    return layer


def test_a_removed_reference_map_empties_its_picker(tab, project, tmp_path):
    """The reference map leaves the project: the picker is empty, not on a neighbouring raster a run would read."""
    b, a, _truth = change_pair_layers(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    ref = _raster(project, tmp_path, "land cover 2020", "uint8")
    _raster(project, tmp_path, "another raster", "uint8")
    tab.reference_combo.setLayer(ref)
    project.removeMapLayer(ref.id())
    _spin()
    assert tab.reference_combo.currentLayer() is None
    assert tab.before_combo.currentLayer() is b and tab.after_combo.currentLayer() is a


def test_a_removed_cloud_mask_empties_its_picker_and_run_is_back(tab, project, tmp_path):
    """A cloud mask that cannot be one refuses Run; once it leaves the project its picker is empty, its refusal gone and
    Run enabled again (the picker held a neighbouring layer and the refusal stayed)."""
    b, a, _truth = change_pair_layers(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    tab.prompt_edit.setText("any change")
    for i, combo in enumerate(tab.mask_combos):
        bad = _raster(project, tmp_path, f"heights {i}")
        combo.setLayer(bad)
        _spin()
        assert tab.mask_refusals and not tab.run_button.isEnabled()
        project.removeMapLayer(bad.id())
        _spin()
        assert combo.currentLayer() is None
        assert not tab.mask_refusals and tab.run_button.isEnabled(), tab.mask_status.text()
        assert not tab.mask_status.isVisible() or not tab.mask_status.text()
