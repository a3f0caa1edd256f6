"""terraprompt:detect_change: a few lines from Processing parameters to core.change.detect_change."""
from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterBoolean,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterMapLayer,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingUtils,
    QgsVectorLayer,
)

from ..core.messages import number
from ..gui.layers import change_result_name, style_change_polygons, style_change_raster, threshold_renderer
from ..i18n import tr
from ..qgis_layers import extent_parameter, polygons_file, settings_by_path
from .base import MODALITIES, TerraPromptAlgorithm, dependencies_needed, layer_path, vector_output
from .outputs import result_names, style_output

METHODS = ["auto", "network", "irmad", "cva", "logratio"]
DEVICES = ["auto", "cpu", "cuda"]
NORMALISATIONS = ["auto", "none", "histogram", "relative"]


def method_help() -> str:
    """What each METHOD does and when 'auto' picks which (Processing help and the dock's Method tooltip)."""
    return tr("'cva': change vector analysis (magnitude, scene-adaptive threshold); 'irmad': iteratively re-weighted MAD "
              "(Nielsen 2007), invariant to gain/offset differences; 'logratio': SAR intensity log-ratio; 'network': the "
              "bundled Siamese change network (refused with a clear message when it is not installed or the bands do not "
              "fit); 'auto': log-ratio for SAR; for optical pairs the network when it is bundled, the pair has red, green and "
              "blue, the coarser date's pixels are 15 m or finer and BEFORE's pixels are 8 m or coarser (0.5 m or "
              "coarser when the pair has only red, green and blue), the pixel sizes it was trained and tested on; else "
              "CVA. The summary says which method ran and why.")


def prompt_help() -> str:
    """The change prompts understood (Processing PROMPT help and the dock's change-of-interest tooltip)."""
    return tr("Which change to keep: 'any change' (default), 'new buildings' (built-up after the change, rebuilding "
              "included), 'urban expansion' (built-up on land that was not), 'vegetation loss', 'vegetation gain', "
              "'deforestation', 'water to land', 'land to water'; or land covers: 'forest to built-up', 'loss of water', "
              "'new vegetation' (classes followed: water, vegetation, forest, built-up, bare soil). A size ('larger than 1 ha') "
              "filters the polygons.")


class DetectChangeAlgorithm(TerraPromptAlgorithm):
    """Detect what changed between two rasters of a place: probability, binary change, from→to polygons."""

    def name(self) -> str:
        return "detect_change"

    def displayName(self) -> str:  # noqa: N802
        return tr("Detect change between two dates")

    def group(self) -> str:
        return tr("Change detection")

    def groupId(self) -> str:  # noqa: N802
        return "change"

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Compares a BEFORE and an AFTER raster of the same place. They may differ in CRS, pixel size, extent, band "
            "count or sensor: AFTER is reprojected onto BEFORE's grid over the common extent (when AFTER's pixels are coarser, "
            "BEFORE is smoothed to their detail), bands are paired by role and radiometry is normalised where the dates are "
            "not calibrated alike. Methods: the bundled Siamese change network (network), change vector analysis (cva), "
            "IR-MAD (irmad), SAR log-ratio (logratio); "
            "'auto' picks one and says why. Outputs are on BEFORE's grid: a change probability (0..1), a change raster "
            "(0 no change, 1 change, 255 nodata) and polygons with area_m2, mean_probability and the land-cover classes "
            "before and after (from_class, to_class). A prompt such as 'new buildings', 'vegetation loss', 'water to land', "
            "'deforestation' or 'any change' keeps only that kind of change. SUMMARY gives the changed area and the change matrix."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        p = QgsProcessingParameterRasterLayer("BEFORE", tr("Before (earlier raster)"))
        p.setHelp(tr("The earlier image. Its grid (CRS, pixel size, extent) is the grid of every output."))
        self.addParameter(p)
        p = QgsProcessingParameterRasterLayer("AFTER", tr("After (later raster)"))
        p.setHelp(tr("The later image of the same place; reprojected and resampled onto BEFORE's grid over the common extent. "
                     "Another sensor is fine when the bands share roles (e.g. Sentinel-2 then Landsat)."))
        self.addParameter(p)
        p = QgsProcessingParameterEnum("MODALITY", tr("Modality (band roles)"), options=MODALITIES, defaultValue=0)
        p.setHelp(tr("How to read the bands of both rasters. 'auto' detects each from band descriptions, band count and values."))
        self.addParameter(p)
        p = QgsProcessingParameterEnum("METHOD", tr("Method"), options=METHODS, defaultValue=0)
        p.setHelp(method_help())
        self.addParameter(p)
        p = QgsProcessingParameterString("PROMPT", tr("Change of interest (optional)"), defaultValue="", optional=True)
        p.setHelp(prompt_help())
        self.addParameter(p)
        p = QgsProcessingParameterMapLayer("REFERENCE_MAP", tr("Pre-change land-cover map (optional)"), optional=True,
                                           types=[QgsProcessing.TypeRaster, QgsProcessing.TypeVectorPolygon])
        p.setHelp(tr("A land-cover map of the BEFORE date: a class raster (e.g. from 'Extract land cover') or polygons with a "
                     "class field ('class', 'label', 'name' or the first text field), in any CRS. Its classes become from_class "
                     "instead of the spectral land-cover map."))
        self.addParameter(p)
        p = QgsProcessingParameterEnum("NORMALISATION", tr("Radiometric normalisation"), options=NORMALISATIONS, defaultValue=0)
        p.setHelp(tr("How AFTER's radiometry is matched to BEFORE: 'relative' fits a line per band on the pixels IR-MAD finds "
                     "unchanged; 'histogram' matches histograms; 'none' compares values as they are; 'auto': none when both "
                     "dates are calibrated in the same physical unit (reflectance, SAR dB, heights in metres; a Sentinel-2 "
                     "offset left in one date is still taken out), else relative (e.g. 8-bit or uncalibrated DN)."))
        p.setFlags(p.flags() | p.FlagAdvanced)
        self.addParameter(p)
        p = QgsProcessingParameterBoolean("MASK_CLOUDS", tr("Mask clouds and shadows"), defaultValue=True)
        p.setHelp(tr("Treat cloud and shadow pixels of either date as nodata: from the date's own quality band when it carries one "
                     "(SCL, QA_PIXEL, Fmask ...), else from the ukis-csmask cloud network (optical reflectance with blue, green, "
                     "red and NIR). The summary says which ran, and why not."))
        p.setFlags(p.flags() | p.FlagAdvanced)
        self.addParameter(p)
        for name, label in (("BEFORE_CLOUD_MASK", tr("Cloud mask of BEFORE's product (optional)")),
                            ("AFTER_CLOUD_MASK", tr("Cloud mask of AFTER's product (optional)"))):
            p = QgsProcessingParameterRasterLayer(name, label, optional=True)
            p.setHelp(tr("The date's cloud mask delivered as a file of its own, e.g. Sentinel-2 T..._SCL_20m.jp2, Landsat "
                         "..._QA_PIXEL.TIF or HLS ....Fmask.tif (read by nearest neighbour onto BEFORE's grid). Empty: a "
                         "quality band of the date's raster, else the ukis-csmask cloud network."))
            p.setFlags(p.flags() | p.FlagAdvanced)
            self.addParameter(p)
        p = QgsProcessingParameterEnum("DEVICE", tr("Device"), options=DEVICES, defaultValue=0)
        p.setHelp(tr("Where networks run. The classical methods run on the CPU; the summary reports the device actually used."))
        self.addParameter(p)
        p = QgsProcessingParameterNumber("MIN_AREA_M2", tr("Minimum changed area (m², all transitions together)"),
                                         QgsProcessingParameterNumber.Double, defaultValue=0.0, minValue=0.0)
        p.setHelp(tr("Changed areas smaller than this (true area in m² of the whole area, all its transitions together) are left "
                     "out of the polygon output; a kept area is written as one polygon per transition, and these polygons can "
                     "each be smaller."))
        self.addParameter(p)
        p = QgsProcessingParameterExtent("EXTENT", tr("Extent (optional)"), optional=True)
        p.setHelp(tr("Process only this extent (snapped to BEFORE's pixels; the outputs cover it alone, on BEFORE's grid); it "
                     "gets the change a run over the whole pair gives there (co-registration, normalisation, cloud masks and "
                     "thresholds are fitted on the whole area both dates cover). Empty: all of BEFORE."))
        self.addParameter(p)
        p = QgsProcessingParameterRasterDestination("OUTPUT_PROBABILITY", tr("Change probability"), optional=True,
                                                    createByDefault=True)
        p.setHelp(tr("float32 GeoTIFF on BEFORE's grid: change probability 0..1 (only the prompted change), -1 = nodata."))
        self.addParameter(p)
        p = QgsProcessingParameterRasterDestination("OUTPUT_CHANGE", tr("Change"))
        p.setHelp(tr("uint8 GeoTIFF on BEFORE's grid: 0 no change, 1 change (change probability 0.5 or more; "
                     "reclassify the change probability for another cut), 255 nodata (outside the common extent or masked)."))
        self.addParameter(p)
        p = QgsProcessingParameterVectorDestination("OUTPUT_VECTOR", tr("Change polygons"), QgsProcessing.TypeVectorPolygon,
                                                    optional=True, createByDefault=True)
        p.setHelp(tr("Polygons with area_m2, mean_probability, from_class, to_class, method, model and the dates when known. "
                     "GeoPackage by default; .shp, .geojson and .fgb also work, with their limits (a Shapefile cuts field "
                     "names to 10 characters)."))
        self.addParameter(p)
        self.addOutput(QgsProcessingOutputString("SUMMARY", tr("Summary")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        with dependencies_needed():
            from ..core.change.detect import ChangeRequest, dates_reversed, detect_change

        before = self.parameterAsRasterLayer(parameters, "BEFORE", context)
        after = self.parameterAsRasterLayer(parameters, "AFTER", context)
        if before is None or after is None:
            raise QgsProcessingException(tr("The BEFORE or AFTER raster could not be opened. Check that the file exists and GDAL can read it."))
        ref = self.parameterAsLayer(parameters, "REFERENCE_MAP", context)
        bmask = self.parameterAsRasterLayer(parameters, "BEFORE_CLOUD_MASK", context)
        amask = self.parameterAsRasterLayer(parameters, "AFTER_CLOUD_MASK", context)
        extent = None
        if parameters.get("EXTENT"):
            r = extent_parameter(self, parameters, "EXTENT", context, before)  # across 180° too
            if not r.isNull():  # a line or a point is refused by the core (no area), not taken for the whole raster
                extent = (r.xMinimum(), r.yMinimum(), r.xMaximum(), r.yMaximum())

        def out(name):
            if name == "OUTPUT_VECTOR":
                return vector_output(self, parameters, name, context) or None
            return self.parameterAsOutputLayer(parameters, name, context) if parameters.get(name) is not None else None

        try:
            reference = (polygons_file(ref, QgsProcessingUtils.tempFolder()) if isinstance(ref, QgsVectorLayer)
                         else layer_path(ref))
        except ValueError as exc:
            raise QgsProcessingException(str(exc)) from exc

        req = ChangeRequest(
            before=layer_path(before), after=layer_path(after),
            output_probability=out("OUTPUT_PROBABILITY") or None, output_change=out("OUTPUT_CHANGE") or None,
            output_vector=out("OUTPUT_VECTOR") or None,
            modality=MODALITIES[self.parameterAsEnum(parameters, "MODALITY", context)],
            method=METHODS[self.parameterAsEnum(parameters, "METHOD", context)],
            prompt=self.parameterAsString(parameters, "PROMPT", context),
            reference_map=reference or None,
            device=DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)],
            min_area_m2=self.parameterAsDouble(parameters, "MIN_AREA_M2", context),
            normalisation=NORMALISATIONS[self.parameterAsEnum(parameters, "NORMALISATION", context)],
            cloud_mask=self.parameterAsBoolean(parameters, "MASK_CLOUDS", context),
            before_cloud_mask=layer_path(bmask) or None, after_cloud_mask=layer_path(amask) or None, extent=extent,
            layers=settings_by_path(before, after, ref, bmask, amask),
        )
        result = self.run_core(lambda **kw: detect_change(req, **kw), feedback)
        summary = result.summary
        if dates_reversed(result.dates):  # the summary's first line says it: a warning, not lost in the info
            feedback.pushWarning(summary.splitlines()[0])
        feedback.pushInfo(summary)
        threshold = result.threshold
        names = result_names(context, change_result_name(result, [before.name(), after.name()]), (
            tr("{name} (change probability)"), tr("{name} (change)"),
            tr("{name} (change polygons, threshold {t})").format(name="{name}", t=number(threshold, 2))))
        style_output(context, feedback, result.output_probability, lambda lyr: threshold_renderer(lyr, threshold), summary,
                     names[0])
        style_output(context, feedback, result.output_change, style_change_raster, summary, names[1])
        style_output(context, feedback, result.output_vector, style_change_polygons, summary, names[2])
        return {"OUTPUT_PROBABILITY": result.output_probability, "OUTPUT_CHANGE": result.output_change,
                "OUTPUT_VECTOR": result.output_vector, "SUMMARY": summary}
