"""terraprompt:extract_landcover: a few lines from Processing parameters to core.extract_landcover."""
from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from ..gui.layers import style_class_raster, style_polygons
from ..i18n import tr
from ..qgis_layers import extent_parameter, settings_by_path
from .base import MODALITIES, TerraPromptAlgorithm, dependencies_needed, layer_path, vector_output
from .outputs import result_names, style_output

ENGINES = ["auto", "spectral", "network"]
DEVICES = ["auto", "cpu", "cuda"]


def prompt_help() -> str:
    """What a land-cover prompt can say (Processing PROMPT help and the dock's prompt tooltip)."""
    return tr("Free text naming land covers, e.g. 'lakes and rivers', 'all vegetation but not grass', 'built-up larger than "
              "1 ha', 'ponds smaller than 1 ha' (size qualifiers filter the raster regions and polygons by area), 'buildings "
              "taller than 10 m' (height qualifiers need a DSM or nDSM raster: objects are kept by their median height above "
              "ground). 'land cover map' or 'everything except water' give a whole land-cover map of the classes the bands allow.")


def engine_help() -> str:
    """What each ENGINE can extract (Processing ENGINE help and the dock's Engine tooltip)."""
    return tr("'spectral': index rules with scene-adaptive thresholds and the bundled land-cover classifier, for every concept "
              "the bands allow; 'network': the bundled segmentation network, which predicts water, vegetation and cloud "
              "only (other concepts are refused, and a 'land cover map' then holds water alone); 'auto': the network only "
              "when every concept asked for is water or vegetation and the network does better with these bands (the "
              "explanation says why), else the indices, which without SWIR take water from the network.")


class ExtractLandcoverAlgorithm(TerraPromptAlgorithm):
    """Extract land-cover concepts named in a free-text prompt as a class raster and polygons."""

    def name(self) -> str:
        return "extract_landcover"

    def displayName(self) -> str:  # noqa: N802
        return tr("Extract land cover from a prompt")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Type what to extract (e.g. 'lakes and rivers', 'vegetation except grass larger than 1 ha') and get a class "
            "raster on the input's grid (0 background, 1..K the concepts in prompt order, 255 nodata or cloud/cloud-shadow "
            "pixels) and polygons with area_m2 and confidence. Works on Sentinel-2, Landsat, RGB, RGBN, SAR and DSM rasters, alone or stacked. "
            "The EXPLANATION output says what was understood, which engine, bands and thresholds were used, and the area per class."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        p = QgsProcessingParameterRasterLayer("INPUT", tr("Input raster"))
        p.setHelp(tr("The raster to segment: any GDAL raster with a CRS (GeoTIFF, VRT, JP2, ...)."))
        self.addParameter(p)
        p = QgsProcessingParameterString("PROMPT", tr("Prompt"), defaultValue="water")
        p.setHelp(prompt_help() + " " + tr("Default: 'water' (the field is filled with it); an empty prompt is refused."))
        self.addParameter(p)
        p = QgsProcessingParameterEnum("MODALITY", tr("Modality (band roles)"), options=MODALITIES, defaultValue=0)
        p.setHelp(tr("How to read the bands. 'auto' detects it from band descriptions, band count and values."))
        self.addParameter(p)
        p = QgsProcessingParameterRasterLayer("SAR_INPUT", tr("SAR raster (optional, VV/VH)"), optional=True)
        p.setHelp(tr("A Sentinel-1 style raster of the same place; reprojected onto the input's grid and fused."))
        self.addParameter(p)
        p = QgsProcessingParameterRasterLayer("DSM_INPUT", tr("DSM / nDSM raster (optional)"), optional=True)
        p.setHelp(tr("Heights of the same place (a DSM or an nDSM, told apart from the values; metres unless the band's unit "
                     "names another length, e.g. cm or ft); reprojected onto the input's grid."))
        self.addParameter(p)
        p = QgsProcessingParameterRasterLayer("CLOUD_MASK", tr("Cloud mask of the product (optional)"), optional=True)
        p.setHelp(tr("The product's cloud mask delivered as a file of its own, e.g. Sentinel-2 T..._SCL_20m.jp2, Landsat "
                     "..._QA_PIXEL.TIF or HLS ....Fmask.tif (read by nearest neighbour onto the input's grid). Empty: a quality "
                     "band of the input itself, else the ukis-csmask cloud network."))
        p.setFlags(p.flags() | p.FlagAdvanced)
        self.addParameter(p)
        p = QgsProcessingParameterEnum("ENGINE", tr("Engine"), options=ENGINES, defaultValue=0)
        p.setHelp(engine_help())
        self.addParameter(p)
        p = QgsProcessingParameterEnum("DEVICE", tr("Device"), options=DEVICES, defaultValue=0)
        p.setHelp(tr("Where networks run. The explanation reports the device actually used."))
        self.addParameter(p)
        p = QgsProcessingParameterExtent("EXTENT", tr("Extent (optional)"), optional=True)
        p.setHelp(tr("Process only this extent (snapped to the input's pixels); it gets the classes a run over the whole raster "
                     "gives there (thresholds are fitted on the whole raster). Empty: the whole raster."))
        self.addParameter(p)
        p = QgsProcessingParameterRasterDestination("OUTPUT_RASTER", tr("Class raster"))
        p.setHelp(tr("uint8 GeoTIFF on the input's grid: 0 background, 1..K concepts in prompt order, 255 nodata or "
                     "cloud/cloud-shadow pixels (masked; the explanation gives both areas)."))
        self.addParameter(p)
        p = QgsProcessingParameterVectorDestination("OUTPUT_VECTOR", tr("Polygons"), QgsProcessing.TypeVectorPolygon, optional=True, createByDefault=True)
        p.setHelp(tr("Polygons (merged across tiles) with class, area_m2, confidence and provenance fields. GeoPackage by "
                     "default; .shp, .geojson and .fgb also work, with their limits (a Shapefile cuts field names to 10 "
                     "characters)."))
        self.addParameter(p)
        p = QgsProcessingParameterBoolean("STRAIGHT_OUTLINES", tr("Straight building outlines"), defaultValue=False, optional=True)
        p.setHelp(tr("Building polygons squared along each building's main direction (right angles, as footprints are drawn) "
                     "instead of traced pixel outlines; other concepts keep theirs. For DSMs/nDSMs and very-high-resolution "
                     "images: at 10-30 m buildings are blocks of built-up pixels."))
        self.addParameter(p)
        self.addOutput(QgsProcessingOutputString("EXPLANATION", tr("Explanation")))

    def checkParameterValues(self, parameters: dict, context) -> tuple[bool, str]:  # noqa: N802
        """An empty PROMPT (the dialog's field cleared) refused with the fix, where QGIS 3.22 says only 'Incorrect parameter
        value for PROMPT'; then the shared checks."""
        prompt = parameters.get("PROMPT")
        if isinstance(prompt, str) and not prompt.strip():
            return False, tr("{label} ({name}) is empty. Type what to extract, e.g. 'water' or 'vegetation except grass'.").format(
                label=self.parameterDefinition("PROMPT").description(), name="PROMPT")
        return super().checkParameterValues(parameters, context)

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        with dependencies_needed():
            from ..core.landcover.extract import ExtractRequest, extract_landcover

        layer = self.parameterAsRasterLayer(parameters, "INPUT", context)
        if layer is None:
            raise QgsProcessingException(tr("The input raster could not be opened. Check that the file exists and GDAL can read it."))
        sar = self.parameterAsRasterLayer(parameters, "SAR_INPUT", context)
        dsm = self.parameterAsRasterLayer(parameters, "DSM_INPUT", context)
        mask = self.parameterAsRasterLayer(parameters, "CLOUD_MASK", context)
        extent = None
        if parameters.get("EXTENT"):
            r = extent_parameter(self, parameters, "EXTENT", context, layer)  # across 180° too
            if not r.isNull():  # a line or a point is refused by the core (no area), not taken for the whole raster
                extent = (r.xMinimum(), r.yMinimum(), r.xMaximum(), r.yMaximum())
        out_raster = self.parameterAsOutputLayer(parameters, "OUTPUT_RASTER", context)
        out_vector = vector_output(self, parameters, "OUTPUT_VECTOR", context)
        req = ExtractRequest(
            input=layer_path(layer),
            prompt=self.parameterAsString(parameters, "PROMPT", context),
            output_raster=out_raster,
            output_vector=out_vector or None,
            modality=MODALITIES[self.parameterAsEnum(parameters, "MODALITY", context)],
            sar_input=layer_path(sar) or None,
            dsm_input=layer_path(dsm) or None,
            engine=ENGINES[self.parameterAsEnum(parameters, "ENGINE", context)],
            device=DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)],
            extent=extent,
            straight_outlines=self.parameterAsBool(parameters, "STRAIGHT_OUTLINES", context),
            cloud_mask_input=layer_path(mask) or None,
            layers=settings_by_path(layer, sar, dsm, mask),
        )
        result = self.run_core(lambda **kw: extract_landcover(req, **kw), feedback)
        feedback.pushInfo(result.explanation)
        classes = result.classes
        names = result_names(context, tr("{prompt} on {layer}").format(prompt=req.prompt, layer=layer.name()),
                             (tr("{name} (classes)"), tr("{name} (polygons)")))
        style_output(context, feedback, result.output_raster, lambda lyr: style_class_raster(lyr, classes),
                     result.explanation, names[0])
        style_output(context, feedback, result.output_vector, style_polygons, result.explanation, names[1])
        return {"OUTPUT_RASTER": result.output_raster, "OUTPUT_VECTOR": result.output_vector, "EXPLANATION": result.explanation}
