"""Outputs that QGIS loads when a Processing run ends (the toolbox dialog, batch runs, runAndLoadResults) get the dock's
styles and the run's explanation in their metadata, instead of a grey band and a single symbol."""
from __future__ import annotations

from typing import Callable, Optional

from qgis.core import QgsProcessingContext, QgsProcessingLayerPostProcessorInterface

from ..gui.layers import set_abstract

_ALIVE: list = []
"""Post-processors QGIS has not called yet: Processing keeps only a pointer, so Python must hold them (the oldest are
dropped past 64: runs whose layers were never loaded)."""


class _StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Applies a style function and an explanation to a layer Processing has just loaded."""

    def __init__(self, style: Callable, explanation: str) -> None:
        super().__init__()
        self.style, self.explanation = style, explanation

    def postProcessLayer(self, layer, context, feedback) -> None:  # noqa: N802
        self.style(layer)
        if self.explanation:
            set_abstract(layer, self.explanation)
        if self in _ALIVE:
            _ALIVE.remove(self)


def style_when_loaded(context: QgsProcessingContext, path: Optional[str], style: Callable, explanation: str = "") -> None:
    """Have ``style(layer)`` (and the explanation as the layer's abstract) applied to the output ``path`` if QGIS loads it
    when the run ends."""
    if not path or not context.willLoadLayerOnCompletion(path):
        return
    processor = _StyleOnLoad(style, explanation)
    _ALIVE.append(processor)
    del _ALIVE[:-64]
    context.layerToLoadOnCompletionDetails(path).setPostProcessor(processor)
