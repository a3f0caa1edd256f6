"""Add TerraPrompt results to the project with styles an analyst expects (the dock's and Processing's alike).

Class rasters get a paletted renderer (concept colours from models/concepts.json,
falling back to the file's colour table), polygons a categorised renderer with
translucent fills outlined in the class colour; change probabilities show in red
from the threshold up, change polygons by from → to transition (in translucent red
when the run knew no land covers). The explanation becomes each layer's metadata
abstract, so it travels with the project.
"""
from __future__ import annotations

import glob
import os
from typing import Optional

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsColorRampShader,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsLayerTreeGroup,
    QgsPalettedRasterRenderer,
    QgsProject,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRendererCategory,
    QgsSingleBandPseudoColorRenderer,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument

from ..i18n import tr

GROUP_NAME = "TerraPrompt"


def concept_style(concept: str) -> tuple[str, QColor]:
    """Label and colour of a concept id (grey for unknown ids)."""
    from ..core.messages import t
    from ..core.prompts import concepts

    c = concepts().get(concept)
    if c is None:
        label = t(concept)  # 'other' and other non-concept ids: translated, capitalised like the concept labels
        return label[:1].upper() + label[1:], QColor(128, 128, 128)
    return t(c["label"]), QColor(*c["color"])


def set_abstract(layer, text: str) -> None:
    """Put the explanation in the layer's metadata abstract."""
    md = layer.metadata()
    md.setAbstract(text)
    layer.setMetadata(md)


_project_generation = [0]
"""How many times the project was cleared (New / Open project) since the plugin loaded: a run started before then adds
no layers to the project that replaced its own."""


def project_generation() -> int:
    """The current project's generation (see :data:`_project_generation`)."""
    return _project_generation[0]


def project_was_cleared() -> None:
    """Slot of QgsProject.cleared: a new project begins."""
    _project_generation[0] += 1


def keep_style(layer) -> str:
    """Store a result layer's style with its file, so it opens styled from the Browser or in another project: the .qml
    QGIS looks for beside a raster or a single-layer vector file (not inside a GeoPackage: writing its style table while
    QGIS holds the file open can wait on SQLite's lock for ever). An analyst's own .qml of that name is left alone, and
    so is the .qml of another result of the same name (``out.tif`` and ``out.shp``), or the one a raster of the same name
    reads: then the returned note says the style was not kept (else '')."""
    from ..core.writers import our_style

    path = layer.source().split("|")[0]
    stem, ext = os.path.splitext(path)
    qml = stem + ".qml"
    if not os.path.isfile(path) or ext.lower() == ".gpkg":
        return ""
    if os.path.exists(qml) and os.path.getsize(qml) > 0 and not our_style(qml, owner=path):  # an empty one is no style
        if not our_style(qml):
            return ""  # an analyst's own .qml of that name is theirs
        other = _style_owner(qml, path)
        if other is not None:
            return _style_not_kept(path, qml, other)
    raster = next((stem + e for e in (".tif", ".tiff") if os.path.exists(stem + e)), None)
    if not isinstance(layer, QgsRasterLayer) and raster is not None:
        return _style_not_kept(path, qml, raster)
    return _save_style(layer, path, qml)


def _save_style(layer, path: str, qml: str) -> str:
    """Write the layer's style, marked as the result's, to ``qml`` through a temporary file renamed over it (QGIS's
    saveNamedStyle does not check its writes: a full disk left an empty .qml); returns a note when it failed, else ''."""
    from ..core.writers import remove_quietly, style_mark, temp_name

    doc = QDomDocument()
    error = layer.exportNamedStyle(doc)
    tmp = os.path.join(os.path.dirname(qml), temp_name(os.path.basename(qml)))
    try:
        if error:
            raise OSError(error)
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(doc.toString(2) + "\n" + style_mark(path) + "\n")
        os.replace(tmp, qml)
    except OSError as exc:
        remove_quietly(tmp)
        return tr("The style of {file} could not be saved beside it ({error}): it opens with QGIS's default style outside "
                  "this project. Check the free disk space.").format(file=os.path.basename(path),
                                                                      error=exc.strerror or str(exc))
    return ""


def _style_owner(qml: str, path: str) -> Optional[str]:
    """The other file of the same name whose TerraPrompt style ``qml`` is (None when that result is gone)."""
    from ..core.writers import our_style

    stem = os.path.splitext(path)[0]
    others = sorted(f for f in glob.glob(glob.escape(stem) + ".*") if f not in (path, qml))
    return next((f for f in others if our_style(qml, owner=f)), None)


def _style_not_kept(path: str, qml: str, other: str) -> str:
    """The note of a result written without its .qml, which is another file's."""
    return tr("The style of {file} was not saved beside it: {qml} is the style QGIS reads for {other}, a file of the same "
              "name. Give the output another name to keep its classes and colours with the file.").format(
        file=os.path.basename(path), qml=os.path.basename(qml), other=os.path.basename(other))


def style_class_raster(layer: QgsRasterLayer, classes: dict[int, str]) -> None:
    """Paletted renderer: background transparent, each class value in its concept colour."""
    provider = layer.dataProvider()
    table = {c.value: c for c in QgsPalettedRasterRenderer.colorTableToClassData(provider.colorTable(1))}
    items = []
    for value, concept in sorted(classes.items()):
        label, color = concept_style(concept)
        if concept not in _known() and value in table:
            color = table[value].color
        items.append(QgsPalettedRasterRenderer.Class(int(value), color, label))
    background = QColor(230, 230, 230, 0)
    items.insert(0, QgsPalettedRasterRenderer.Class(0, background, tr("Background")))
    renderer = QgsPalettedRasterRenderer(provider, 1, items)
    layer.setRenderer(renderer)
    layer.triggerRepaint()


def _known() -> set[str]:
    from ..core.prompts import concepts

    return set(concepts())


def style_polygons(layer: QgsVectorLayer, field: str = "class") -> None:
    """Categorised renderer on the concept field: translucent fill, 0.6 mm outline in the class colour."""
    idx = layer.fields().indexOf(field)
    if idx < 0:
        return
    categories = []
    for value in sorted(v for v in layer.uniqueValues(idx) if v is not None):
        label, color = concept_style(str(value))
        fill = QColor(color)
        fill.setAlpha(70)
        symbol = QgsFillSymbol.createSimple({
            "color": f"{fill.red()},{fill.green()},{fill.blue()},{fill.alpha()}",
            "outline_color": f"{color.red()},{color.green()},{color.blue()},255",
            "outline_width": "0.6", "outline_width_unit": "MM"})
        categories.append(QgsRendererCategory(value, symbol, label))
    layer.setRenderer(QgsCategorizedSymbolRenderer(field, categories))
    layer.triggerRepaint()


def threshold_renderer(layer: QgsRasterLayer, threshold: float) -> None:
    """Show probabilities at or above the threshold in red, the rest transparent (no recomputation)."""
    from ..core.messages import number

    shader_fn = QgsColorRampShader(0.0, 1.0)
    shader_fn.setColorRampType(QgsColorRampShader.Discrete)
    below, t = max(0.0, threshold - 1e-6), number(threshold, 2)
    shader_fn.setColorRampItemList([  # the change map's own words, so both legends say the same
        QgsColorRampShader.ColorRampItem(below, QColor(0, 0, 0, 0), f"{tr('no change')} (< {t})"),
        QgsColorRampShader.ColorRampItem(1.0, QColor(230, 30, 30, 200), f"{tr('change')} (≥ {t})"),
    ])
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(shader_fn)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    renderer.setClassificationMin(0.0)  # saved in the .qml: without them the Symbology panel reads 'nan'
    renderer.setClassificationMax(1.0)
    layer.setRenderer(renderer)
    layer.triggerRepaint()


CHANGE_RED = (230, 30, 30)


def style_change_raster(layer: QgsRasterLayer) -> None:
    """The binary change map (0 no change, 1 change, 255 nodata): change in red, the rest transparent."""
    items = [QgsPalettedRasterRenderer.Class(0, QColor(0, 0, 0, 0), tr("no change")),
             QgsPalettedRasterRenderer.Class(1, QColor(*CHANGE_RED, 220), tr("change"))]
    layer.setRenderer(QgsPalettedRasterRenderer(layer.dataProvider(), 1, items))
    layer.triggerRepaint()


TRANSITION_EXPRESSION = "\"from_class\" || ' → ' || \"to_class\""
"""The change polygons' transition, 'water → built_up' (the fields fit a Shapefile's 10 characters)."""

MAX_TRANSITIONS = 12
"""Legend entries of the change polygons at most: the largest transitions, the last entry sums the rest."""

REST_GREY = (150, 150, 150)
"""The colour of the transitions summed in one entry (the Change tab's chart, the change polygons' legend)."""


def transition_label(before: str, after: str) -> str:
    """'Water → Built-up': a from → to transition in the labels of the land-cover legend."""
    return f"{concept_style(before)[0]} → {concept_style(after)[0]}"


def _fill(fill: QColor, alpha: int, outline: QColor, width: str, stroke: str = "solid") -> QgsFillSymbol:
    """A fill of colour ``fill`` at opacity ``alpha`` (0..255) with an opaque ``outline`` ``width`` mm wide."""
    return QgsFillSymbol.createSimple({
        "color": f"{fill.red()},{fill.green()},{fill.blue()},{alpha}",
        "outline_color": f"{outline.red()},{outline.green()},{outline.blue()},255",
        "outline_width": width, "outline_width_unit": "MM", "outline_style": stroke})


def style_change_polygons(layer: QgsVectorLayer, limit: int = MAX_TRANSITIONS) -> None:
    """Change polygons: one category per from → to transition when the run knew the land covers (a prompt, a reference
    map), filled translucent in the 'to' class colour and outlined in the 'from' class colour, so two transitions to the
    same class still differ on the map (the ``limit`` largest by area, the rest in one grey entry); else translucent
    red."""
    pairs = _transitions(layer)
    if not pairs:
        red = QColor(*CHANGE_RED)
        layer.setRenderer(QgsSingleSymbolRenderer(_fill(red, 60, red, "0.26")))
    else:
        shown = pairs if len(pairs) <= limit else pairs[:limit - 1]
        categories = [QgsRendererCategory(f"{before} → {after}", _fill(concept_style(after)[1], 90,
                                                                       concept_style(before)[1], "0.5"),
                                          transition_label(before, after)) for before, after in shown]
        if len(shown) < len(pairs):  # the category of value '' draws every transition not listed; dashed, apart from
            grey = QColor(*REST_GREY)  # the transitions to 'other' (filled in its grey)
            categories.append(QgsRendererCategory("", _fill(grey, 40, grey, "0.5", "dash"),
                                                  tr("{n} other transitions").format(n=len(pairs) - len(shown))))
        layer.setRenderer(QgsCategorizedSymbolRenderer(TRANSITION_EXPRESSION, categories))
    layer.triggerRepaint()


def _transitions(layer: QgsVectorLayer) -> list[tuple[str, str]]:
    """The (from, to) classes of the change polygons, largest total area first; empty when the run knew no classes
    (the fields empty or missing)."""
    fields = layer.fields()
    if fields.indexOf("from_class") < 0 or fields.indexOf("to_class") < 0:
        return []
    names = ["from_class", "to_class"] + (["area_m2"] if fields.indexOf("area_m2") >= 0 else [])
    totals: dict[tuple[str, str], float] = {}
    for row in _rows(layer, names):
        pair = row[:2]
        if all(isinstance(v, str) and v for v in pair):
            area = row[2] if len(row) > 2 else None
            totals[pair] = totals.get(pair, 0.0) + (float(area) if isinstance(area, (int, float)) else 1.0)
    return sorted(totals, key=lambda pair: (-totals[pair], pair))


def _rows(layer: QgsVectorLayer, names: list[str]) -> list[tuple]:
    """The values of the fields ``names`` of each feature; a file is read with OGR and closed at once (the provider's
    reading left it in QGIS's connection pool for about a minute: on Windows a rerun could not replace the file)."""
    if layer.providerType() != "ogr":
        request = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry)
        request.setSubsetOfAttributes(names, layer.fields())
        return [tuple(feature[name] for name in names) for feature in layer.getFeatures(request)]
    from osgeo import ogr

    uri = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    dataset = ogr.Open(uri["path"])
    if dataset is None:
        return []
    table = dataset.GetLayerByName(uri["layerName"]) if uri.get("layerName") else dataset.GetLayer(int(uri.get("layerId") or 0))
    if table is None:  # a table the file no longer holds
        return []
    if layer.subsetString():
        table.SetAttributeFilter(layer.subsetString())
    table.SetIgnoredFields(["OGR_GEOMETRY"])
    rows = [tuple(feature.GetField(name) for name in names) for feature in table]
    table = dataset = None  # GDAL closes the file with the last reference to its dataset
    return rows


def style_objects(layer: QgsVectorLayer) -> None:
    """Prompted and similar objects: a bright yellow outline over a faint fill, visible on any imagery (a concept's colour,
    e.g. the buildings' grey, vanishes on roofs) and apart from the blue live preview."""
    layer.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({
        "color": "255,230,0,40", "outline_color": "255,230,0,255", "outline_width": "0.6", "outline_width_unit": "MM"})))
    layer.triggerRepaint()


def style_object_ids(layer: QgsRasterLayer, ids) -> None:
    """An object-id raster: each id in its own colour (hues a golden angle apart), background 0 transparent."""
    items = [QgsPalettedRasterRenderer.Class(0, QColor(0, 0, 0, 0), tr("Background"))]
    for i, oid in enumerate(sorted(ids)):
        colour = QColor.fromHsv(int(i * 137.508) % 360, 200, 255, 200)
        items.append(QgsPalettedRasterRenderer.Class(int(oid), colour, str(oid)))
    layer.setRenderer(QgsPalettedRasterRenderer(layer.dataProvider(), 1, items))
    layer.triggerRepaint()


def _group(project: QgsProject) -> QgsLayerTreeGroup:
    """The project's TerraPrompt group (created at the top when missing)."""
    root = project.layerTreeRoot()
    group = root.findGroup(GROUP_NAME)
    if group is None:
        group = root.insertGroup(0, GROUP_NAME)
    return group


RESULT_PROPERTY = "terraprompt/result"
"""Custom property set on every layer TerraPrompt adds (add_to_group): an earlier result, which a run to the same file
may replace; any other layer is the analyst's."""


def is_result(layer, project: Optional[QgsProject] = None) -> bool:
    """Whether a project layer is an earlier TerraPrompt result (marked, or in the TerraPrompt group)."""
    if layer.customProperty(RESULT_PROPERTY, False) in (True, "true", 1, "1"):
        return True
    group = (project or QgsProject.instance()).layerTreeRoot().findGroup(GROUP_NAME)
    return group is not None and group.findLayer(layer.id()) is not None


def _source_key(source: str) -> tuple[str, Optional[str]]:
    """(absolute file, GeoPackage layer name or None) a layer source or an output path names."""
    parts = source.split("|")
    name = next((p.split("=", 1)[1] for p in parts[1:] if p.startswith("layername=")), None)
    return os.path.abspath(parts[0]), name


def _reads(layer, path: str) -> bool:
    """Whether a layer reads this output path (its file, or, for 'x.gpkg|layername=y', that layer of the file)."""
    file, name = _source_key(path)
    lfile, lname = _source_key(layer.source())
    if lfile != file and not (os.path.exists(lfile) and os.path.exists(file) and os.path.samefile(lfile, file)):
        return False
    return name is None or lname is None or lname == name


def layers_of(paths, project: Optional[QgsProject] = None) -> list:
    """The project's layers that read these output paths."""
    project = project or QgsProject.instance()
    wanted = [p for p in paths if p]
    return [layer for layer in project.mapLayers().values() if any(_reads(layer, p) for p in wanted)]


def foreign_layers_of(paths, project: Optional[QgsProject] = None) -> list:
    """The project's layers reading these output paths that are not earlier TerraPrompt results (the analyst's data: a
    run must not overwrite them)."""
    project = project or QgsProject.instance()
    return [layer for layer in layers_of(paths, project) if not is_result(layer, project)]


def drop_layers_of(paths, project: Optional[QgsProject] = None) -> int:
    """Remove the project's earlier TerraPrompt results read from these outputs (a run has just rewritten them: their
    styles, legends and explanations are of the run before); the analyst's own layers are never removed. Returns how
    many."""
    project = project or QgsProject.instance()
    gone = [layer.id() for layer in layers_of(paths, project) if is_result(layer, project)]
    if gone:
        project.removeMapLayers(gone)
    return len(gone)


def _tree_path(node) -> list[int]:
    """A layer-tree node's position from the root (child indices): a smaller path is higher in the tree."""
    path = []
    while node.parent() is not None:
        path.insert(0, node.parent().children().index(node))
        node = node.parent()
    return path


def _raise_above(group: QgsLayerTreeGroup, layer_ids, project: QgsProject) -> QgsLayerTreeGroup:
    """The TerraPrompt group moved to the top level just above the highest of these layers when it lies below it (the
    results drawn over the dates); returns the group now in the tree."""
    root = project.layerTreeRoot()
    nodes = [root.findLayer(i) for i in layer_ids if i]
    nodes = [n for n in nodes if n is not None and _tree_path(group) != _tree_path(n)[:len(_tree_path(group))]]
    if not nodes:
        return group
    top = min(nodes, key=_tree_path)
    if _tree_path(group) < _tree_path(top):
        return group
    anchor = top
    while anchor.parent() is not root:
        anchor = anchor.parent()
    moved = group.clone()
    root.insertChildNode(root.children().index(anchor), moved)  # inserted before removal: its layers stay in the project
    group.parent().removeChildNode(group)
    return moved


def add_to_group(layers: list, project: Optional[QgsProject] = None, above=()) -> None:
    """Add layers at the top of the project's TerraPrompt group, expanded (the legend shows their classes); the group is
    first moved above the layers of ids ``above`` when it lies below them."""
    project = project or QgsProject.instance()
    group = _group(project)
    if above:
        group = _raise_above(group, above, project)
    for i, layer in enumerate(layers):
        layer.setCustomProperty(RESULT_PROPERTY, True)
        project.addMapLayer(layer, False)
        group.insertLayer(i, layer).setExpanded(True)
    group.setExpanded(False)  # toggled so the layer tree view hears it and shows the new layers
    group.setExpanded(True)


def free_name(base: str, patterns, project: Optional[QgsProject] = None) -> str:
    """``base``, or 'base #2', 'base #3' ... when a project layer already has one of the names ``patterns`` (each with a
    {name} field) make of it: runs never give two layers the same name."""
    project = project or QgsProject.instance()
    taken = {layer.name() for layer in project.mapLayers().values()}
    name, n = base, 1
    while any(p.format(name=name) in taken for p in patterns):
        n += 1
        name = f"{base} #{n}"
    return name


def short_name(name: str, limit: int = 24) -> str:
    """A layer's name cut to ``limit`` characters with an ellipsis (to name a result after it)."""
    return name if len(name) <= limit else name[:limit - 1].rstrip() + "…"


def change_result_name(result, dates: list[str]) -> str:
    """'BEFORE → AFTER' (the run's dates' layer names, shortened), after the understood prompt unless it is 'any change'
    (the Change tab's and the Processing algorithm's result names)."""
    pair = " → ".join(short_name(name) for name in dates)
    label = result.details["prompt"].label if result.details.get("prompt") is not None else ""
    return tr("{prompt} on {layer}").format(prompt=tr(label), layer=pair) if label and label != "any change" else pair


def add_result_layers(raster_path: str, classes: dict[int, str], vector_path: Optional[str] = None,
                      explanation: str = "", name: str = "", project: Optional[QgsProject] = None,
                      above=()) -> list[str]:
    """Load, style and add a class raster (and its polygons) to the project, in place of the layers of an earlier run
    written to the same files, drawn above the layers of ids ``above`` (the run's inputs); returns notes for the
    analyst (a style that could not be kept with its file)."""
    project = project or QgsProject.instance()
    drop_layers_of([raster_path, vector_path], project)
    base = free_name(name or os.path.splitext(os.path.basename(raster_path))[0],
                     (tr("{name} (classes)"), tr("{name} (polygons)")), project)
    added = []
    raster = QgsRasterLayer(raster_path, tr("{name} (classes)").format(name=base), "gdal")
    if not raster.isValid():
        raise RuntimeError(tr("QGIS could not open the result raster {path}.").format(path=raster_path))
    style_class_raster(raster, classes)
    notes = [keep_style(raster)]
    set_abstract(raster, explanation)
    added.append(raster)
    if vector_path and os.path.exists(vector_path.split("|")[0]):  # a file, or a layer of a GeoPackage
        vector = QgsVectorLayer(vector_path, tr("{name} (polygons)").format(name=base), "ogr")
        if vector.isValid():
            style_polygons(vector)
            notes.append(keep_style(vector))
            set_abstract(vector, explanation)
            added.insert(0, vector)
    add_to_group(added, project, above=above)
    return [note for note in notes if note]
