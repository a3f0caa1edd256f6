"""Layer pickers whose chosen layer leaves the project.

In QGIS 3.22 a QgsMapLayerComboBox whose layer is removed moves to a neighbouring row and says currentIndexChanged but
not layerChanged: a slot (a date, cloud mask, SAR, DSM, reference map) would silently hold another layer, and the tab
would still speak of the removed one. The tabs hear of it from the combo's own list, just before the layer's row goes
(rowsAboutToBeRemoved: the row is still the current one then, however the layer was chosen), and empty the slot instead.
"""
from __future__ import annotations

from typing import Callable


def on_removed(combo, then: Callable[[object], None]) -> None:
    """Call ``then(combo)`` when the layer ``combo`` holds is about to leave its list (removed from the project), before
    the combo moves to a neighbouring layer unannounced."""
    def leaving(_parent, first: int, last: int) -> None:
        if combo.currentLayer() is not None and first <= combo.currentIndex() <= last:
            then(combo)

    combo.model().rowsAboutToBeRemoved.connect(leaving)


def empty(combo) -> None:
    """Empty a layer combo: it says layerChanged(None), so the tab's dependent state follows, and shows its empty row."""
    combo.setLayer(None)  # leaves no row current
    if combo.allowEmptyLayer():
        combo.setCurrentIndex(0)  # the empty row, which stays when the layer's row goes (no second layerChanged)


def empty_when_removed(*combos) -> None:
    """Empty each of ``combos`` when its chosen layer leaves the project, instead of letting it hold a neighbour."""
    for combo in combos:
        on_removed(combo, empty)


def pick_valid_layer(combo) -> None:
    """Have ``combo`` show the first layer of its list that QGIS could open, when it shows none or a broken one (a
    project opened whose temporary files are gone): every tab picks its input the same way."""
    current = combo.currentLayer()
    if current is not None and current.isValid():
        return
    for row in range(combo.count()):
        layer = combo.layer(row)
        if layer is not None and layer.isValid():
            combo.setLayer(layer)
            return
