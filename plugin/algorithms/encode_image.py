"""terraprompt:encode_image: precompute the interactive encodings of a whole raster into the on-disk cache."""
from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from ..i18n import tr
from ..qgis_layers import layer_settings
from .base import TerraPromptAlgorithm, dependencies_needed, layer_path
from .segment_prompts import cache_bytes_value, cache_dir_parameter, cache_dir_value, cache_mb_parameter

DEVICES = ["auto", "cpu", "cuda"]


class EncodeImageAlgorithm(TerraPromptAlgorithm):
    """Encode every tile of a raster once, so interactive clicks and segment_prompts start instantly."""

    def name(self) -> str:
        return "encode_image"

    def displayName(self) -> str:  # noqa: N802
        return tr("Precompute interactive encodings of a raster")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Encodes the raster on the shared grid of half-overlapping tiles and stores the encodings in the on-disk cache "
            "(keyed by the raster's path, size and modification time, the bands, the tile and the model's hash). The map tool "
            "and segment_prompts then reuse them; tiles already cached are skipped. The least recently used encodings are "
            "evicted when the cache exceeds its size cap."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        p = QgsProcessingParameterRasterLayer("INPUT", tr("Input raster"))
        p.setHelp(tr("The raster to encode (any GDAL raster with a CRS)."))
        self.addParameter(p)
        p = QgsProcessingParameterString("MODEL", tr("Model"), defaultValue="bundled")
        p.setHelp(tr("'bundled': the promptable network, or the classical engine when the network cannot be loaded (the "
                     "report says so); 'network': the promptable network only (an error when it cannot be loaded); "
                     "'classical': the bundled region-growing engine; or the path to a SAM / SAM 2 ONNX encoder/decoder "
                     "pair or its model card (.json)."))
        self.addParameter(p)
        p = QgsProcessingParameterEnum("DEVICE", tr("Device"), options=DEVICES, defaultValue=0)
        p.setHelp(tr("Where ONNX models run; the report states the device actually used."))
        self.addParameter(p)
        self.addParameter(cache_dir_parameter())
        self.addParameter(cache_mb_parameter())
        self.addOutput(QgsProcessingOutputNumber("TILES", tr("Tiles")))
        self.addOutput(QgsProcessingOutputNumber("ENCODED", tr("Tiles encoded now")))
        self.addOutput(QgsProcessingOutputString("REPORT", tr("Report")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        from qgis.core import QgsProcessingException

        with dependencies_needed():
            from ..core.interactive.precompute import encode_raster

        layer = self.parameterAsRasterLayer(parameters, "INPUT", context)
        if layer is None:
            raise QgsProcessingException(tr("The input raster could not be opened. Check that the file exists and GDAL can read it."))
        model = self.parameterAsString(parameters, "MODEL", context) or "bundled"
        device = DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)]
        cache_dir = cache_dir_value(self, parameters, context)
        cap = cache_bytes_value(self, parameters, context)
        res = self.run_core(lambda **kw: encode_raster(layer_path(layer), model, device, cache_dir=cache_dir, cache_max_bytes=cap,
                                                        layer=layer_settings(layer), **kw), feedback)
        feedback.pushInfo(res.report)
        return {"TILES": res.tiles, "ENCODED": res.encoded, "REPORT": res.report}
