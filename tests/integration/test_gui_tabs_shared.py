"""What the dock's tabs share, in real QGIS (offscreen): the Land cover tab's SAR / DSM check reads its rasters only when
something it depends on changed, every layer picker is emptied the same way when its layer leaves the project, and
every tab follows the Settings tab's default device the same way."""
from __future__ import annotations

import os

import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import S2_NAMES, change_pair_layers, kept_settings, synthetic_s2, wait_for, write_raster

DEVICE_KEYS = ("terraprompt/device", "terraprompt/interactive_device", "terraprompt/landcover/device")


def _spin(seconds: float = 0.2) -> None:
    wait_for(lambda: False, seconds)


def _add(project, path: str, name: str):
    from qgis.core import QgsRasterLayer

    layer = QgsRasterLayer(path, name)
    assert layer.isValid(), path
    project.addMapLayer(layer)
    return layer


def _s2(project, tmp_path, name: str):
    data, _, _ = synthetic_s2(40, 60)
    return _add(project, write_raster(str(tmp_path / f"{name}.tif"), data, transform=from_origin(500000, 4500000, 10, 10),
                                      descriptions=S2_NAMES), name)


def _heights(project, tmp_path, name: str, x0: float = 500000):
    h = np.linspace(0, 20, 40 * 60, dtype="float32").reshape(40, 60)
    return _add(project, write_raster(str(tmp_path / f"{name}.tif"), h, transform=from_origin(x0, 4500000, 10, 10),
                                      descriptions=["height"]), name)


@pytest.fixture()
def landcover(plugin, project):
    """The Land cover tab, its slots emptied afterwards."""
    plugin.action.setChecked(True)
    tab = plugin.dock.tab("landcover_tab")
    yield tab
    for combo in (tab.sar_combo, tab.dsm_combo, tab.mask_combo):
        combo.setLayer(None)
    tab.engine_combo.setCurrentIndex(0)


@pytest.fixture()
def opens(monkeypatch):
    """Counts core.raster.open_raster calls (the real function runs)."""
    from terraprompt.plugin.core import raster

    count = {"n": 0}
    real = raster.open_raster

    def counted(*args, **kwargs):
        count["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(raster, "open_raster", counted)
    return count


def test_slot_recheck_with_nothing_changed_opens_no_raster(landcover, project, tmp_path, opens):
    """Each recheck (an engine, SAR, DSM or input change) reopened the input and the DSM on the GUI thread, also when
    nothing they depend on had changed; the refusal is still said, and a rewritten DSM file is read again."""
    tab = landcover
    tab.layer_combo.setLayer(_s2(project, tmp_path, "scene"))
    far = _heights(project, tmp_path, "far_dsm", x0=900000)
    tab.prompt_edit.setText("water")
    tab.dsm_combo.setLayer(far)
    _spin()
    assert "does not overlap" in tab.slot_status.text() and not tab.run_button.isEnabled()
    opens["n"] = 0
    for _ in range(5):
        tab._recheck_prompt()
    for engine in ("spectral", "auto"):
        tab.engine_combo.setCurrentIndex(tab.engine_combo.findData(engine))
        _spin()
    assert opens["n"] == 0
    assert "does not overlap" in tab.slot_status.text() and tab.slot_refusal and not tab.run_button.isEnabled()
    path = tab.dsm_combo.currentLayer().source()
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # the file rewritten
    tab._recheck_prompt()
    assert opens["n"] == 2  # the input's and the DSM's headers
    near = _heights(project, tmp_path, "dsm")
    tab.dsm_combo.setLayer(near)
    _spin()
    assert opens["n"] == 4 and not tab.slot_refusal and tab.run_button.isEnabled()


def test_pickers_chosen_in_code_are_emptied_when_their_layer_leaves(landcover, plugin, project, tmp_path):
    """A picker set by its row (setCurrentIndex says no layerChanged) held a neighbour after its layer was removed, as
    the optional pickers were emptied by a remembered id; every picker, dates included, now ends on its empty row."""
    change = plugin.dock.tab("change_tab")
    b, a, _truth = change_pair_layers(project, tmp_path)
    change.before_combo.setLayer(b)
    change.after_combo.setLayer(a)
    extra = [_heights(project, tmp_path, f"layer {i}") for i in range(4)]
    combos = [change.reference_combo, *change.mask_combos, landcover.sar_combo, landcover.dsm_combo, landcover.mask_combo]
    for combo, layer in zip(combos, extra + extra[:len(combos) - len(extra)]):
        combo.setCurrentIndex(combo.findText(layer.name()))
        assert combo.currentLayer() is layer
    for layer in extra:
        project.removeMapLayer(layer.id())
        _spin()
    for combo in combos:
        assert combo.currentLayer() is None and combo.currentIndex() == 0, combo.objectName()
    assert change.before_combo.currentLayer() is b and change.after_combo.currentLayer() is a
    assert not change.mask_refusals and not landcover.mask_refusal
    project.removeMapLayer(a.id())
    assert change.after_combo.currentLayer() is None and change.after_combo.currentIndex() == 0
    assert change.before_combo.currentLayer() is b


@pytest.fixture()
def device_settings(plugin):
    """The device settings restored after the test."""
    with kept_settings(DEVICE_KEYS) as s:
        yield s


def test_a_followed_default_device_is_remembered_by_every_tab(plugin, device_settings):
    """The Land cover tab followed a new default device without remembering it (the Interactive tab did): its next
    session came back on the device chosen before the default changed."""
    from terraprompt.plugin.gui import settings
    from terraprompt.plugin.gui.interactive_tab import InteractiveTab
    from terraprompt.plugin.gui.landcover_tab import LandcoverTab

    plugin.action.setChecked(True)
    st, lc, it = (plugin.dock.tab(name) for name in ("settings_tab", "landcover_tab", "interactive_tab"))
    st.device_combo.setCurrentIndex(st.device_combo.findData("auto"))
    for tab in (lc, it):
        tab.device_combo.setCurrentIndex(tab.device_combo.findData("cuda"))  # each tab's own choice
    lc.save_settings()
    st.device_combo.setCurrentIndex(st.device_combo.findData("cpu"))  # a new default reaches both tabs
    assert lc.device_combo.currentData() == "cpu" and it.device_combo.currentData() == "cpu"
    assert str(settings.value("device")) == "cpu"
    again = [LandcoverTab(plugin.iface), InteractiveTab(plugin.iface)]  # the next session's tabs
    try:
        assert [tab.device_combo.currentData() for tab in again] == ["cpu", "cpu"]
    finally:
        for tab in again:
            tab.shutdown()
            tab.deleteLater()
