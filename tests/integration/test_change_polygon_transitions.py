"""Change polygons are drawn by from → to transition (labels and colours of the land-cover legend) when the run knew the
land covers, in the dock and for Processing outputs of every vector format, the style kept with the file."""
from __future__ import annotations

import os
import sys

import fiona
import pytest

from conftest import ROOT, change_pair_layers, change_tab_session, wait_for

sys.path.insert(0, os.path.join(ROOT, "tests", "core", "change"))
from change_pairs import write_pair  # noqa: E402


def _pairs(path: str) -> set[tuple[str, str]]:
    """The (from_class, to_class) pairs of a change polygon file."""
    with fiona.open(path) as fc:
        return {(f["properties"]["from_class"], f["properties"]["to_class"]) for f in fc}


def _rgba(color) -> tuple:
    return color.red(), color.green(), color.blue(), color.alpha()


def _check_transitions(layer, pairs: set[tuple[str, str]]) -> None:
    """One category per transition of the file, labelled as the legend labels the classes, filled in the 'to' colour and
    outlined in the 'from' colour."""
    from qgis.core import QgsCategorizedSymbolRenderer

    renderer = layer.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer), type(renderer)
    from terraprompt.plugin.gui.layers import TRANSITION_EXPRESSION, concept_style, transition_label

    assert renderer.classAttribute() == TRANSITION_EXPRESSION
    cats = renderer.categories()
    assert {c.value() for c in cats} == {f"{a} → {b}" for a, b in pairs}
    for cat in cats:
        before, after = cat.value().split(" → ")
        assert cat.label() == transition_label(before, after)
        sym = cat.symbol().symbolLayer(0)
        assert _rgba(sym.fillColor()) == _rgba(concept_style(after)[1])[:3] + (90,)
        assert _rgba(sym.strokeColor()) == _rgba(concept_style(before)[1])


@pytest.mark.parametrize("ext", ["gpkg", "shp", "geojson", "fgb"])
def test_processing_change_polygons_styled_by_transition(plugin, tmp_path, ext):
    """detect_change with a prompt: the polygons opened fresh from the file (its .qml, or a GeoPackage's own style)
    show each from → to transition in its colours, not one red symbol."""
    import processing
    from qgis.core import QgsVectorLayer

    pb, pa, _ = write_pair(tmp_path)
    res = processing.run("terraprompt:detect_change", {
        "BEFORE": pb, "AFTER": pa, "METHOD": 3, "PROMPT": "any change", "MIN_AREA_M2": 200,
        "OUTPUT_CHANGE": str(tmp_path / "c.tif"), "OUTPUT_VECTOR": str(tmp_path / f"v.{ext}")})
    pairs = _pairs(res["OUTPUT_VECTOR"])
    assert len(pairs) >= 2 and all(a and b for a, b in pairs), pairs
    layer = QgsVectorLayer(res["OUTPUT_VECTOR"], "fresh", "ogr")
    assert layer.isValid()
    _check_transitions(layer, pairs)
    if ext != "gpkg":
        assert os.path.exists(tmp_path / "v.qml")


def test_change_polygons_of_many_transitions_keep_the_largest(plugin, tmp_path):
    """Past the limit, the largest transitions by area are listed and one grey entry draws the rest."""
    import processing
    from qgis.core import QgsExpressionContext, QgsExpressionContextUtils, QgsRenderContext, QgsVectorLayer

    from terraprompt.plugin.gui.layers import style_change_polygons

    pb, pa, _ = write_pair(tmp_path)
    res = processing.run("terraprompt:detect_change", {
        "BEFORE": pb, "AFTER": pa, "METHOD": 3, "PROMPT": "any change", "MIN_AREA_M2": 200,
        "OUTPUT_CHANGE": str(tmp_path / "c.tif"), "OUTPUT_VECTOR": str(tmp_path / "v.gpkg")})
    areas: dict = {}
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        for f in fc:
            key = f"{f['properties']['from_class']} → {f['properties']['to_class']}"
            areas[key] = areas.get(key, 0.0) + f["properties"]["area_m2"]
    assert len(areas) >= 3, areas
    layer = QgsVectorLayer(res["OUTPUT_VECTOR"], "v", "ogr")
    style_change_polygons(layer, limit=2)
    cats = layer.renderer().categories()
    largest = max(areas, key=areas.get)
    assert [c.value() for c in cats] == [largest, ""]
    assert cats[1].label() == f"{len(areas) - 1} other transitions"
    context = QgsRenderContext()
    expressions = QgsExpressionContext()
    expressions.appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    context.setExpressionContext(expressions)
    renderer = layer.renderer()
    renderer.startRender(context, layer.fields())
    try:
        for feature in layer.getFeatures():
            context.expressionContext().setFeature(feature)
            key = f"{feature['from_class']} → {feature['to_class']}"
            symbol = renderer.symbolForFeature(feature, context)
            want = cats[0] if key == largest else cats[1]
            assert symbol is not None and _rgba(symbol.color()) == _rgba(want.symbol().color()), key
    finally:
        renderer.stopRender(context)


def test_change_polygons_without_classes_stay_red(plugin):
    """Polygons whose run knew no land covers (empty from_class / to_class) keep the single translucent red symbol."""
    from qgis.core import QgsFeature, QgsGeometry, QgsSingleSymbolRenderer, QgsVectorLayer

    from terraprompt.plugin.gui.layers import CHANGE_RED, style_change_polygons

    layer = QgsVectorLayer("Polygon?crs=EPSG:32633&field=from_class:string&field=to_class:string&field=area_m2:double",
                           "v", "memory")
    feature = QgsFeature(layer.fields())
    feature.setAttributes(["", "", 100.0])
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((0 0, 10 0, 10 10, 0 0))"))
    layer.dataProvider().addFeatures([feature])
    style_change_polygons(layer)
    assert isinstance(layer.renderer(), QgsSingleSymbolRenderer)
    assert _rgba(layer.renderer().symbol().color())[:3] == CHANGE_RED


def test_transition_labels_follow_the_language(plugin):
    """The legend says 'Eau → Bâti' in French, as the land-cover legend names the classes."""
    from terraprompt.plugin.core import messages
    from terraprompt.plugin.gui.layers import transition_label

    assert transition_label("water", "built_up") == "Water → Built-up"
    messages.set_language("fr")
    try:
        assert transition_label("water", "built_up") == "Eau → Bâti"
        assert transition_label("other", "water") == "Autre → Eau"
    finally:
        messages.set_language("en")


@pytest.fixture()
def tab(plugin, project):
    yield from change_tab_session(plugin)


def test_change_tab_polygons_styled_by_transition(tab, project, tmp_path):
    """The dock's change polygons get the same transition categories."""
    b, a, _ = change_pair_layers(project, tmp_path)
    tab.before_combo.setLayer(b)
    tab.after_combo.setLayer(a)
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText("any change")
    assert tab.run() is not None
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    res = tab.last_result
    assert res is not None and res.output_vector
    layer = next(l for l in project.mapLayers().values() if "change polygons" in l.name())
    _check_transitions(layer, _pairs(res.output_vector))
