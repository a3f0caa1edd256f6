"""Dock results in real QGIS (offscreen): drawn above the rasters they were computed on, even one added above the
TerraPrompt group after an earlier run, and a result never takes over the .qml another result of the same name keeps."""
from __future__ import annotations

import pytest
from rasterio.transform import from_origin

from conftest import S2_NAMES, similar_tab, synthetic_s2, wait_for, write_raster
from dock_helpers import exemplar_layer, landcover_tab


@pytest.fixture()
def tab(plugin, project):
    """The Land cover tab, on temporary output, the whole layer and the spectral engine."""
    with landcover_tab(plugin) as t:
        yield t


def _s2(project, tmp_path, name: str):
    from qgis.core import QgsRasterLayer

    data, _, _ = synthetic_s2(40, 60)
    layer = QgsRasterLayer(write_raster(str(tmp_path / f"{name}.tif"), data, transform=from_origin(500000, 4500000, 10, 10),
                                        descriptions=S2_NAMES), name)
    assert layer.isValid()
    project.addMapLayer(layer)  # at the top of the tree, as QGIS adds an analyst's layer
    return layer


def _run(tab, layer, prompt: str) -> None:
    tab.layer_combo.setLayer(layer)
    tab.prompt_edit.setText(prompt)
    wait_for(lambda: False, 0.3)
    assert tab.run() is not None, tab.explanation.toPlainText()
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    assert tab.last_result is not None, tab.explanation.toPlainText()


def _drawn_above(project, upper: list, lower) -> bool:
    """Whether every layer of ``upper`` is drawn over ``lower`` (earlier in the render order)."""
    order = [layer.id() for layer in project.layerTreeRoot().layerOrder()]
    return all(order.index(layer.id()) < order.index(lower.id()) for layer in upper)


def test_land_cover_result_drawn_above_a_raster_added_after_the_group(tab, project, tmp_path):
    """The second run's classes and polygons went into the TerraPrompt group under the raster added since, so the map
    showed only that opaque image while the message bar said done."""
    from terraprompt.plugin.gui.layers import GROUP_NAME

    _run(tab, _s2(project, tmp_path, "scene 2015"), "water")
    later = _s2(project, tmp_path, "scene 2018")
    assert project.layerTreeRoot().children()[0].name() == "scene 2018"  # above the group
    _run(tab, later, "vegetation")
    group = project.layerTreeRoot().findGroup(GROUP_NAME)
    added = [node.layer() for node in group.findLayers()][:2]  # this run's polygons and classes, at the top of the group
    assert all("vegetation" in layer.name() for layer in added), [layer.name() for layer in added]
    assert _drawn_above(project, added, later)


def test_find_similar_result_drawn_above_its_raster(plugin, project, tmp_path):
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    from core.interactive.test_exemplars import TR, scene
    from terraprompt.plugin.gui.layers import add_to_group

    add_to_group([QgsVectorLayer("Point?crs=EPSG:32633", "earlier result", "memory")], project)
    data, red, _ = scene()
    raster = QgsRasterLayer(write_raster(str(tmp_path / "rgb.tif"), data, transform=TR), "rgb")
    vec = exemplar_layer("exemplars", red)
    project.addMapLayers([raster, vec])  # added after the group: above it
    tab = similar_tab(plugin, raster, vec)
    tab.similar_button.click()
    assert wait_for(lambda: tab.similar_task is None, 60)
    found = [layer for layer in project.mapLayers().values() if "similar objects" in layer.name().lower()]
    assert found, tab.status.text()
    assert _drawn_above(project, found, raster)


def _fresh_style(path: str) -> str:
    """The renderer a result file opens with from the Browser (its .qml applied)."""
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    layer = QgsVectorLayer(path, "fresh", "ogr") if path.endswith(".shp") else QgsRasterLayer(path, "fresh", "gdal")
    assert layer.isValid(), path
    return layer.renderer().type()


@pytest.mark.parametrize("first,second", [(("out.tif", "water"), ("out.shp", "vegetation")),
                                          (("out.shp", "vegetation"), ("out.tif", "water"))])
def test_a_result_of_the_same_name_does_not_take_the_other_ones_style(tab, project, tmp_path, monkeypatch, first, second):
    """out.tif then out.shp in one folder (or the reverse): the second run silently kept or overwrote out.qml, so the
    Shapefile opened unstyled, with no word of it."""
    from terraprompt.plugin.core.writers import style_mark

    messages = []
    monkeypatch.setattr(tab, "_message", lambda text, level: messages.append(text))
    scene = _s2(project, tmp_path, "scene")
    tab.file_radio.setChecked(True)
    styled = {"out.tif": "paletted", "out.shp": "categorizedSymbol"}
    for name, prompt in (first, second):
        tab.file_widget.setFilePath(str(tmp_path / name))
        _run(tab, scene, prompt)
    qml = (tmp_path / "out.qml").read_text(encoding="utf-8")
    assert style_mark(str(tmp_path / first[0])) in qml  # still the first result's style
    assert _fresh_style(str(tmp_path / first[0])) == styled[first[0]]
    assert "out.qml" in messages[-1] and first[0] in messages[-1], messages[-1]  # the second run says why it has none
    assert "out.qml" not in messages[0], messages[0]
