"""Layer pickers whose chosen layer leaves the project.

In QGIS 3.22 a QgsMapLayerComboBox whose layer is removed moves to a neighbouring row and says currentIndexChanged but
not layerChanged: an optional slot (cloud mask, SAR, DSM, reference map) would silently hold another layer, and the tab
would still speak of the removed one. The tabs remember the id each combo holds and empty the slot instead.
"""
from __future__ import annotations


def layer_id(layer) -> str:
    """A layer's id, '' for none."""
    return layer.id() if layer is not None else ""


def track_choices(chosen: dict, combos) -> None:
    """Remember in ``chosen`` (combo → layer id) the layer each combo holds, kept up to date as the analyst picks."""
    for combo in combos:
        chosen[combo] = layer_id(combo.currentLayer())
        combo.layerChanged.connect(lambda layer, c=combo: chosen.__setitem__(c, layer_id(layer)))


def empty_removed(chosen: dict, combos, ids) -> list:
    """Empty those of ``combos`` whose chosen layer is among the removed ``ids`` (layersWillBeRemoved): they say
    layerChanged(None), so the tab's dependent state follows; returns the combos emptied."""
    ids = set(ids)
    emptied = []
    for combo in combos:
        if chosen.get(combo) and chosen[combo] in ids:
            chosen[combo] = ""
            combo.setLayer(None)
            emptied.append(combo)
    return emptied
