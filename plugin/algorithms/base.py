"""Shared helpers for TerraPrompt algorithms: feedback bridging and error translation."""
from __future__ import annotations

import os
from contextlib import contextmanager

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingFeedback
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from .provider import ICON

MODALITIES = ["auto", "sentinel2_l1c", "sentinel2_l2a", "landsat89", "landsat457", "rgb", "rgbn", "sar", "dsm", "generic",
              "vhr_multispectral", "modis", "multispectral5"]
"""The MODALITY enum of the algorithms: core.modalities.MODALITY_CHOICES, written out because the algorithms load before the
core's dependencies may be installed (tests/integration check that the two agree)."""


class TerraPromptAlgorithm(QgsProcessingAlgorithm):
    """Base class: group, icon, help and TerraPromptError → QgsProcessingException."""

    def group(self) -> str:
        return tr("Segmentation")

    def groupId(self) -> str:  # noqa: N802
        return "segmentation"

    def icon(self) -> QIcon:
        return QIcon(ICON)

    def createInstance(self):  # noqa: N802
        return type(self)()

    def run_core(self, fn, feedback: QgsProcessingFeedback):
        """Call a core function with progress/cancel wired to feedback; errors become QgsProcessingException."""
        from ..core.errors import TerraPromptError

        try:
            return fn(progress=feedback.setProgress, is_cancelled=feedback.isCanceled)
        except TerraPromptError as exc:
            raise QgsProcessingException(str(exc)) from exc


def layer_path(layer) -> str:
    """The file path of a raster layer's source (strips GDAL open options such as '|layername'); a raster layer that is
    not a file (web tiles, WMS ...) is refused with the fix (the dock renders such layers, Processing needs files)."""
    if layer is None:
        return ""
    from qgis.core import QgsRasterLayer

    if isinstance(layer, QgsRasterLayer) and layer.providerType() != "gdal":
        raise QgsProcessingException(
            tr("'{name}' is a {provider} layer, not a file: Processing algorithms read raster files.").format(
                name=layer.name(), provider=layer.providerType()) + " " +
            tr("Save the part you need as a GeoTIFF (right-click › Export › Save As, 'Rendered image'), or use the "
               "TerraPrompt panel, which renders web layers over the map view."))
    src = layer.source()
    return src.split("|")[0] if os.path.exists(src.split("|")[0]) else src


def vector_output(alg: QgsProcessingAlgorithm, parameters: dict, name: str, context) -> str:
    """A vector output as the core takes it: a file path, or 'file.gpkg|layername=name' for the output widget's 'Save to
    GeoPackage…' (ogr:dbname='file.gpkg' table="name" (geom)): that layer added to the GeoPackage, its others kept."""
    value = alg.parameterAsOutputLayer(parameters, name, context) if parameters.get(name) is not None else ""
    path = ogr_uri_path(value)
    if path != value:
        layers = context.layersToLoadOnCompletion()  # loaded when the run ends by the path QGIS can open
        if value in layers:
            layers[path] = layers.pop(value)
            context.setLayersToLoadOnCompletion(layers)
    return path


def ogr_uri_path(value: str) -> str:
    """'ogr:dbname='file.gpkg' table="name" (geom)' as 'file.gpkg|layername=name'; any other output as it is."""
    if not value.startswith("ogr:"):
        return value
    from qgis.core import QgsDataSourceUri

    uri = QgsDataSourceUri(value[len("ogr:"):])
    if not uri.database():
        return value
    return uri.database() + ("|layername=" + uri.table() if uri.table() else "")


def source_file(alg: QgsProcessingAlgorithm, parameters: dict, name: str, context) -> str:
    """The file behind a vector source parameter (a GeoPackage's '|layername=' part stripped), '' when it is no file
    (a memory or database layer): outputs must never be written over it."""
    layer = alg.parameterAsVectorLayer(parameters, name, context) if parameters.get(name) else None
    if layer is None:
        return ""
    from qgis.core import QgsProviderRegistry

    path = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source()).get("path") or ""
    path = path or layer.source().split("|")[0]
    return path if os.path.isfile(path) else ""


@contextmanager
def dependencies_needed():
    """Turn a missing Python package into a message that says how to install it (no traceback)."""
    try:
        yield
    except ImportError as exc:
        name = getattr(exc, "name", None) or str(exc)
        raise QgsProcessingException(
            tr("TerraPrompt needs the Python package '{name}', which is not installed in this QGIS. "
               "Open the TerraPrompt panel, tab Setup, and click 'Install dependencies' (see README, Installing in QGIS).").format(name=name)
        ) from exc
