"""The 'terraprompt' Processing provider."""
from __future__ import annotations

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr

ICON = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "resources", "icon.png")


def algorithm_classes() -> list:
    """All algorithm classes of the provider (imported lazily so loading stays fast)."""
    from .detect_change import DetectChangeAlgorithm
    from .diagnostics import DiagnosticsAlgorithm
    from .encode_image import EncodeImageAlgorithm
    from .extract_landcover import ExtractLandcoverAlgorithm
    from .find_similar import FindSimilarAlgorithm
    from .segment_prompts import SegmentPromptsAlgorithm

    return [ExtractLandcoverAlgorithm, DiagnosticsAlgorithm, DetectChangeAlgorithm, SegmentPromptsAlgorithm, EncodeImageAlgorithm,
            FindSimilarAlgorithm]


class TerraPromptProvider(QgsProcessingProvider):
    """Registers TerraPrompt's algorithms in the Processing toolbox and qgis_process."""

    def id(self) -> str:  # noqa: A003
        return "terraprompt"

    def name(self) -> str:
        return "TerraPrompt"

    def longName(self) -> str:  # noqa: N802
        return tr("TerraPrompt: prompt-driven segmentation and change detection")

    def icon(self) -> QIcon:
        return QIcon(ICON)

    def loadAlgorithms(self) -> None:  # noqa: N802
        for cls in algorithm_classes():
            self.addAlgorithm(cls())

    def supportedOutputVectorLayerExtensions(self) -> list[str]:  # noqa: N802
        """The formats the core writes polygons to (core.writers.VECTOR_DRIVERS): GeoPackage first and by default (its
        field names are whole and its layer metadata carries the explanation), then Shapefile, GeoJSON and FlatGeobuf;
        the pickers offer no format the algorithms would refuse after the run."""
        from ..core.writers import VECTOR_OUTPUT_EXTENSIONS

        return [e.lstrip(".") for e in VECTOR_OUTPUT_EXTENSIONS]

    def supportedOutputRasterLayerExtensions(self) -> list[str]:  # noqa: N802
        """GeoTIFF only (tiled, compressed, with the class colour table)."""
        return ["tif", "tiff"]

    def supportsNonFileBasedOutput(self) -> bool:  # noqa: N802
        """False: the core writes files only, so the output pickers offer no 'Save to GeoPackage…' table URI
        (ogr:dbname=... table=...), which the algorithms would refuse after the run."""
        return False

    def defaultVectorFileExtension(self, hasGeometry: bool = True) -> str:  # noqa: N802,N803
        return "gpkg"

    def defaultRasterFileExtension(self) -> str:  # noqa: N802
        return "tif"

