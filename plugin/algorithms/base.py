"""Shared helpers for TerraPrompt algorithms: feedback bridging and error translation."""
from __future__ import annotations

import configparser
import math
import os
import sys
from contextlib import contextmanager

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProperty,
)
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtGui import QIcon

from ..core.catalog import PLUGIN_ROOT
from ..i18n import tr
from .provider import ICON


MODALITIES = ["auto", "sentinel2_l1c", "sentinel2_l2a", "landsat89", "landsat457", "rgb", "rgbn", "sar", "dsm", "generic",
              "vhr_multispectral", "modis", "multispectral5", "superdove8"]
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

    def helpUrl(self) -> str:  # noqa: N802
        """The README's section on the Processing algorithms (the dialog's Help button)."""
        return readme_url("processing-algorithms")

    def checkParameterValues(self, parameters: dict, context: QgsProcessingContext) -> tuple[bool, str]:  # noqa: N802
        """A number out of its parameter's range, said with the range (QGIS 3.22 says only 'Incorrect parameter value for
        MIN_AREA_M2'); QGIS's checks; then what QGIS 3.22 lets through and the run would ignore without a word: an
        optional raster given a value that opens no raster (SAR_INPUT=12345 ran without SAR), a number given a text
        (CACHE_MB='abc')."""
        for p in self.parameterDefinitions():
            message = _out_of_range(p, parameters.get(p.name()))
            if message:
                return False, message
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        for p in self.destinationParameterDefinitions():
            message = _overwrites_project_data(parameters.get(p.name()), context)
            if message:
                return False, message
        for p in self.parameterDefinitions():
            value = parameters.get(p.name())
            if value is None or value == "" or isinstance(value, QgsProperty):
                continue
            if (isinstance(p, QgsProcessingParameterRasterLayer) and p.flags() & p.FlagOptional
                    and self.parameterAsRasterLayer(parameters, p.name(), context) is None):
                return False, tr("{label} ({name}): {value!r} is not a raster layer or a raster file that can be opened. "
                                 "Choose a raster, or leave it empty.").format(label=p.description(), name=p.name(), value=value)
            if isinstance(p, QgsProcessingParameterNumber) and isinstance(value, str) and not _is_number(value):
                return False, tr("{label} ({name}): {value!r} is not a number. Give a number, or leave it empty.").format(
                    label=p.description(), name=p.name(), value=value)
        return True, ""

    def run_core(self, fn, feedback: QgsProcessingFeedback):
        """Call a core function with progress/cancel wired to feedback; errors become QgsProcessingException."""
        from ..core.errors import TerraPromptError

        try:
            return fn(progress=feedback.setProgress, is_cancelled=feedback.isCanceled)
        except TerraPromptError as exc:
            raise QgsProcessingException(str(exc)) from exc


def _overwrites_project_data(value, context: QgsProcessingContext) -> str:
    """What is wrong with an output file that a layer of the project reads which is not an earlier TerraPrompt result (the
    analyst's data, which the run would overwrite), with the fix, as the dock refuses it; '' otherwise."""
    from qgis.core import QgsProcessingOutputLayerDefinition

    from ..gui.layers import foreign_layers_of

    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink.staticValue() if value.sink.propertyType() == QgsProperty.StaticProperty else ""
    if not isinstance(value, str) or not value or value == "TEMPORARY_OUTPUT" or value.lower().startswith("memory:"):
        return ""
    foreign = foreign_layers_of([ogr_uri_path(value)], context.project())
    if not foreign:
        return ""
    return tr("The output {file} is the file of the layer '{layer}' in the project, which is not a TerraPrompt result: the "
              "run would overwrite it. Choose another output file name.").format(
        file=os.path.basename(foreign[0].source().split("|")[0]), layer=foreign[0].name())


def _out_of_range(p, value) -> str:
    """What is wrong with a number parameter's value outside the parameter's minimum and maximum, and the fix ('' when it
    is in range, not a number, or not given)."""
    if (not isinstance(p, QgsProcessingParameterNumber) or isinstance(value, bool)
            or not isinstance(value, (int, float, str)) or not _is_number(value)):
        return ""
    number, low, high = float(value), p.minimum(), p.maximum()
    has_low, has_high = low > -sys.float_info.max, high < sys.float_info.max  # unbounded: ±DBL_MAX
    if (not has_low or number >= low) and (not has_high or number <= high):
        return ""
    fields = dict(label=p.description(), name=p.name(), value=f"{number:g}", min=f"{low:g}", max=f"{high:g}")
    if has_low and has_high:
        return tr("{label} ({name}): {value} is outside the allowed range, {min} to {max}. Give a value from {min} to "
                  "{max}.").format(**fields)
    if has_low:
        return tr("{label} ({name}): {value} is below the minimum, {min}. Give a value of {min} or more.").format(**fields)
    return tr("{label} ({name}): {value} is above the maximum, {max}. Give a value of {max} or less.").format(**fields)


def _is_number(text) -> bool:
    """Whether a parameter's value (a text, or a number) reads as a finite number ('16', ' 2.5 '; not 'nan' or 'inf',
    which QGIS then ignores)."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def readme_url(section: str) -> str:
    """The URL of a README section: on the plugin's homepage (or repository) named in metadata.txt, else the README.md
    shipped with the plugin."""
    meta = configparser.ConfigParser(interpolation=None, strict=False)
    meta.read(os.path.join(PLUGIN_ROOT, "metadata.txt"), encoding="utf-8")
    site = meta.get("general", "homepage", fallback="") or meta.get("general", "repository", fallback="")
    if site.strip():
        return f"{site.strip().rstrip('/')}#{section}"
    return QUrl.fromLocalFile(os.path.join(PLUGIN_ROOT, "README.md")).toString() + f"#{section}"


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
    GeoPackage…' (ogr:dbname='file.gpkg' table="name" (geom)): that layer added to the GeoPackage, its others kept; a
    temporary GeoPackage for 'memory:'."""
    value = alg.parameterAsOutputLayer(parameters, name, context) if parameters.get(name) is not None else ""
    path = memory_as_file(value, name) or ogr_uri_path(value)
    if path != value:
        layers = context.layersToLoadOnCompletion()  # loaded when the run ends by the path QGIS can open
        if value in layers:
            layers[path] = layers.pop(value)
            context.setLayersToLoadOnCompletion(layers)
    return path


def memory_as_file(value: str, name: str) -> str:
    """A temporary GeoPackage for a 'memory:' or 'memory:name' output (the core writes files; scripts and models pass
    'memory:' to native algorithms all the time), as TEMPORARY_OUTPUT gives; '' for any other output."""
    if not value.lower().startswith("memory:"):
        return ""
    from qgis.core import QgsProcessingUtils

    return QgsProcessingUtils.generateTempFilename(name + ".gpkg")


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
