"""Outputs that QGIS loads when a Processing run ends (the toolbox dialog, batch runs, runAndLoadResults) get the dock's
styles and the run's explanation in their metadata, instead of a grey band and a single symbol."""
from __future__ import annotations

import os
from typing import Callable, Optional

from qgis.core import QgsProcessingContext, QgsProcessingLayerPostProcessorInterface

from ..gui.layers import RESULT_PROPERTY, keep_style, set_abstract
from .base import ogr_uri_path

_ALIVE: list = []
"""Post-processors QGIS has not called yet: Processing keeps only a pointer, so Python must hold them (the oldest are
dropped past 64: runs whose layers were never loaded)."""


class _StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Applies a style function and an explanation to a layer Processing has just loaded."""

    def __init__(self, style: Callable, explanation: str) -> None:
        super().__init__()
        self.style, self.explanation = style, explanation

    def postProcessLayer(self, layer, context, feedback) -> None:  # noqa: N802
        # a rerun to the file of a layer already in the project reuses that layer, whose provider still holds the
        # replaced file: the new data is read before styling (else old pixels under the new legend, old categories)
        layer.reload()
        if hasattr(layer, "updateExtents"):
            layer.updateExtents()
        self.style(layer)
        keep_style(layer)
        # marked as the dock marks its own: the save warning names it when it is a temporary file, and the dock may
        # rerun to its file (it is a result, not the analyst's data)
        layer.setCustomProperty(RESULT_PROPERTY, True)
        if self.explanation:
            set_abstract(layer, self.explanation)
        layer.triggerRepaint()
        if self in _ALIVE:
            _ALIVE.remove(self)


def style_when_loaded(context: QgsProcessingContext, path: Optional[str], style: Callable, explanation: str = "") -> None:
    """Have ``style(layer)`` (and the explanation as the layer's abstract) applied to the output ``path`` if QGIS loads it
    when the run ends."""
    key = _registered(context, path) if path else None
    if key is None:
        return
    processor = _StyleOnLoad(style, explanation)
    _ALIVE.append(processor)
    del _ALIVE[:-64]
    context.layerToLoadOnCompletionDetails(key).setPostProcessor(processor)


def _registered(context: QgsProcessingContext, path: str) -> Optional[str]:
    """The output as Processing registered it to load (the path as the analyst gave it: relative, with '..', or with
    forward slashes on Windows), matched to the core's normalised absolute path; None when it is not to be loaded."""
    if context.willLoadLayerOnCompletion(path):
        return path
    want = _normal(path)
    return next((k for k in context.layersToLoadOnCompletion() if _normal(k) == want), None)


def _normal(key: str) -> str:
    """An output as a comparable absolute path; 'Save to GeoPackage…' (ogr:dbname='f.gpkg' table="t") as the core's
    'f.gpkg|layername=t'."""
    file, _, layer = ogr_uri_path(key).partition("|layername=")
    return os.path.normcase(os.path.abspath(file)) + ("|" + layer if layer else "")
