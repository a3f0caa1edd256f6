"""Dock result names in real QGIS (offscreen): Change tab and Find similar results are named after their inputs (and
prompt) and numbered when a name is taken, as the Land cover tab's are; the probability legend writes the threshold as
the language does and says 'no change' in the change raster's words."""
from __future__ import annotations

import pytest

from conftest import ROOT, change_pair_layers, change_tab_session, similar_tab, wait_for, write_raster


@pytest.fixture()
def change_tab(plugin, project):
    yield from change_tab_session(plugin)


def test_change_tab_runs_named_after_their_dates_and_numbered(change_tab, project, tmp_path):
    """Two runs gave two 'Change probability' and two 'Change polygons (threshold 0.50)' layers, which named neither date."""
    b, a, _ = change_pair_layers(project, tmp_path)
    change_tab.before_combo.setLayer(b)
    change_tab.after_combo.setLayer(a)
    change_tab.method_combo.setCurrentIndex(change_tab.method_combo.findData("cva"))
    change_tab.prompt_edit.setText("any change")
    thresholds = []
    for _ in range(2):
        assert change_tab.run() is not None
        assert wait_for(lambda: change_tab.task is None), "the task did not finish"
        thresholds.append(f"{change_tab.last_result.threshold:.2f}")
    names = sorted(layer.name() for layer in project.mapLayers().values() if layer.id() not in (a.id(), b.id()))
    assert names == sorted(["before → after (change probability)",
                            f"before → after (change polygons, threshold {thresholds[0]})",
                            "before → after #2 (change probability)",
                            f"before → after #2 (change polygons, threshold {thresholds[1]})"]), names


def test_change_result_name_keeps_the_prompt_and_shortens_long_dates(plugin):
    from types import SimpleNamespace

    from terraprompt.plugin.gui.layers import change_result_name

    prompt = SimpleNamespace(details={"prompt": SimpleNamespace(label="new buildings")})
    name = change_result_name(prompt, ["S2A_MSIL2A_20180501_T31UDQ_clipped", "2020"])
    assert name == "new buildings on S2A_MSIL2A_20180501_T31… → 2020", name
    assert change_result_name(SimpleNamespace(details={}), ["a", "b"]) == "a → b"


def test_find_similar_runs_named_after_exemplars_and_raster_and_numbered(plugin, project, tmp_path):
    """Two runs gave two layers named 'Similar objects'."""
    from qgis.core import QgsRasterLayer

    from core.interactive.test_exemplars import TR, scene
    from dock_helpers import exemplar_layer

    data, red, _ = scene()
    raster = QgsRasterLayer(write_raster(str(tmp_path / "rgb.tif"), data, transform=TR), "rgb")
    vec = exemplar_layer("roofs", red)
    project.addMapLayers([raster, vec])
    tab = similar_tab(plugin, raster, vec)
    for label in ("", "red roof"):
        tab.class_edit.setText(label)
        for _ in range(2):
            tab.similar_button.click()
            assert wait_for(lambda: tab.similar_task is None, 60)
    names = sorted(layer.name() for layer in project.mapLayers().values() if layer.id() not in (raster.id(), vec.id()))
    assert names == ["red roof on rgb #2 (similar objects)", "red roof on rgb (similar objects)",
                     "roofs on rgb #2 (similar objects)", "roofs on rgb (similar objects)"], names


@pytest.fixture(params=["fr", "de"])
def lang(request, plugin):
    """The plugin's translator and the core's language set to fr / de, as QGIS in that language loads them."""
    from qgis.core import QgsApplication

    from terraprompt.plugin.i18n import install_translator, remove_translator

    remove_translator()
    QgsApplication.setTranslation(request.param)
    assert install_translator(ROOT) == request.param
    yield request.param
    remove_translator()
    QgsApplication.setTranslation("")
    install_translator(ROOT)


def test_probability_legend_in_the_language_and_words_of_the_change_map(lang, tmp_path):
    """fr/de legends said 'pas de changement (< 0.50)' next to a layer name and slider saying 0,50, and the German one
    'keine Veränderung' where the change raster's legend says 'keine Änderung'."""
    import numpy as np
    from qgis.core import QgsRasterLayer

    from terraprompt.plugin.gui.layers import style_change_raster, threshold_renderer

    prob = QgsRasterLayer(write_raster(str(tmp_path / "p.tif"), np.linspace(0, 1, 100, dtype="float32").reshape(10, 10)), "p")
    change = QgsRasterLayer(write_raster(str(tmp_path / "c.tif"), np.zeros((10, 10), "uint8")), "c")
    threshold_renderer(prob, 0.5)
    style_change_raster(change)
    below, above = [item[0] for item in prob.renderer().legendSymbologyItems()]
    no_change, changed = [c.label for c in change.renderer().classes()]
    assert below == f"{no_change} (< 0,50)" and above == f"{changed} (≥ 0,50)", (below, above, no_change, changed)
