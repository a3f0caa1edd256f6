"""terraprompt:find_similar: exemplar polygons (any CRS; selected features with the toolbox's checkbox) → similar objects."""
from __future__ import annotations

from typing import Optional

from qgis.core import (
    QgsCoordinateTransform,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsRasterLayer,
)

from ..gui.layers import style_objects
from ..i18n import tr
from ..qgis_layers import extent_parameter, settings_by_path, shapely_polygons
from .base import TerraPromptAlgorithm, dependencies_needed, layer_path, source_file, vector_output
from .segment_prompts import (cache_bytes_value, cache_dir_parameter, cache_dir_value, cache_mb_parameter,
                              straight_outlines_parameter)
from .outputs import result_names, style_output


METHODS = ["auto", "network", "appearance"]


class FindSimilarAlgorithm(TerraPromptAlgorithm):
    """Objects that look like the exemplar polygons, found anywhere in the raster."""

    def name(self) -> str:
        return "find_similar"

    def displayName(self) -> str:  # noqa: N802
        return tr("Find objects similar to exemplars")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr("Give one or more good polygons (two or three work best) of what you want more of (e.g. roofs); "
                  "TerraPrompt learns what they look like against the rest of the scene and returns every object that "
                  "looks alike and has a similar size, with a score. Tick 'Selected features only' to use the selected polygons.")

    def initAlgorithm(self, config=None):  # noqa: N802
        p = QgsProcessingParameterRasterLayer("INPUT", tr("Input raster"))
        p.setHelp(tr("The raster to search (any modality)."))
        self.addParameter(p)
        p = QgsProcessingParameterFeatureSource("EXEMPLARS", tr("Exemplar polygons"), [QgsProcessing.TypeVectorPolygon])
        p.setHelp(tr("Polygons of good examples, in any CRS; use 'Selected features only' for a selection."))
        self.addParameter(p)
        p = QgsProcessingParameterNumber("THRESHOLD", tr("Similarity threshold"), QgsProcessingParameterNumber.Double, 0.5, False, 0.01, 0.99)
        p.setHelp(tr("0.01-0.99, higher keeps closer matches (usually fewer). network: an object is kept when the cosine between "
                     "its network features and the nearest exemplar's reaches this value; appearance: a pixel belongs to "
                     "a candidate when its probability of looking like the exemplars reaches it, and a region larger than "
                     "the size range (objects merged at a low threshold) is cut at higher probabilities until its parts "
                     "fit; regions that cannot be cut are left out and counted in the summary."))
        self.addParameter(p)
        p = QgsProcessingParameterEnum("METHOD", tr("Method"), options=METHODS, defaultValue=0)
        p.setHelp(tr("network: places whose promptable-network features resemble the exemplars are clicked and "
                     "segmented like a click in the Interactive tab, and the masks the network is sure of that resemble "
                     "the exemplars are kept (auto uses it when the bundled network is installed and the pixels are 1.25 m "
                     "or finer; about a minute per million pixels on 2 CPU cores); appearance: pixels whose band values resemble the exemplars' "
                     "(fast; for objects told apart by colour alone)."))
        self.addParameter(p)
        p = QgsProcessingParameterExtent("EXTENT", tr("Search extent"), optional=True)
        p.setHelp(tr("Search only inside this extent (any CRS); empty: the whole raster."))
        self.addParameter(p)
        p = QgsProcessingParameterString("CLASS", tr("Class label"), defaultValue="similar", optional=True)
        p.setHelp(tr("Written to the 'class' field of every object found."))
        self.addParameter(p)
        self.addParameter(straight_outlines_parameter())
        self.addParameter(cache_dir_parameter())
        self.addParameter(cache_mb_parameter())
        p = QgsProcessingParameterVectorDestination("OUTPUT_VECTOR", tr("Similar objects"), QgsProcessing.TypeVectorPolygon)
        p.setHelp(tr("Polygons with object_id, class, score, area_m2 and provenance fields. GeoPackage by default; .shp, "
                     ".geojson and .fgb also work, with their limits (a Shapefile cuts field names to 10 characters)."))
        self.addParameter(p)
        self.addOutput(QgsProcessingOutputNumber("COUNT", tr("Objects found")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        with dependencies_needed():
            from ..core.interactive.exemplars import SimilarRequest, find_similar

        layer = self.parameterAsRasterLayer(parameters, "INPUT", context)
        if layer is None:
            raise QgsProcessingException(tr("The input raster could not be opened. Check that the file exists and GDAL can read it."))
        source = self.parameterAsSource(parameters, "EXEMPLARS", context)
        if source is None:
            raise QgsProcessingException(tr("The exemplar layer could not be opened."))
        xform = QgsCoordinateTransform(source.sourceCrs(), layer.crs(), context.transformContext())
        try:
            geoms, empty, unplaced = shapely_polygons(source.getFeatures(), xform, source.sourceName())
        except ValueError as exc:
            raise QgsProcessingException(str(exc)) from exc
        extent = None
        if parameters.get("EXTENT"):
            r = extent_parameter(self, parameters, "EXTENT", context, layer)  # across 180° too
            if r.isNull() or r.width() <= 0 or r.height() <= 0:  # a point or a line: no area (not 'outside the raster')
                from ..core.messages import t

                raise QgsProcessingException(t("The chosen extent has no area.") + " " +
                                             t("Pick an extent over the raster, or leave it empty for the whole layer."))
            extent = (r.xMinimum(), r.yMinimum(), r.xMaximum(), r.yMaximum())
        req = SimilarRequest(input=layer_path(layer), exemplars=geoms, extent=extent, layers=settings_by_path(layer),
                             output_vector=vector_output(self, parameters, "OUTPUT_VECTOR", context),
                             threshold=self.parameterAsDouble(parameters, "THRESHOLD", context),
                             label=self.parameterAsString(parameters, "CLASS", context) or "similar",
                             method=METHODS[self.parameterAsEnum(parameters, "METHOD", context)],
                             cache_dir=cache_dir_value(self, parameters, context),
                             cache_max_bytes=cache_bytes_value(self, parameters, context),
                             straight=self.parameterAsBool(parameters, "STRAIGHT_OUTLINES", context),
                             vector_inputs=[f for f in [source_file(self, parameters, "EXEMPLARS", context)] if f],
                             without_geometry=empty, unplaced=unplaced)
        _say_how_long(layer, extent, req.method, feedback)
        result = self.run_core(lambda **kw: find_similar(req, **kw), feedback)
        summary = result.summary
        feedback.pushInfo(summary)
        pattern = tr("{name} (similar objects)")
        name = result_names(context, tr("{prompt} on {layer}").format(prompt=req.label, layer=layer.name()), (pattern,))[0]
        style_output(context, feedback, result.output_vector, style_objects, summary, name)
        return {"OUTPUT_VECTOR": result.output_vector, "COUNT": result.count}


SLOW_SEARCH_MPX = 20.0
"""Above this many million pixels a network search takes over 20 minutes on 2 CPU cores: said before it starts."""


def _say_how_long(layer, extent, method: str, feedback) -> None:
    """Before a large search that may use the network (about a minute per million pixels on 2 CPU cores: a 20000²
    orthophoto takes hours), say how long it will take and what is faster."""
    if method == "appearance":
        return
    mpx = searched_pixels(layer, extent) / 1e6
    if mpx > SLOW_SEARCH_MPX:
        feedback.pushInfo(tr("Searching {mpx} million pixels: with the network method (METHOD network, or auto on pixels of "
                             "about 1.25 m or finer) that takes about {minutes} minutes on 2 CPU cores. Give an EXTENT, or "
                             "METHOD appearance, for a faster search.").format(mpx=f"{mpx:,.0f}", minutes=f"{mpx:,.0f}"))


def searched_pixels(layer: QgsRasterLayer, extent: Optional[tuple[float, float, float, float]]) -> float:
    """The pixels a search covers: the extent clipped to the raster (the window searched), or the whole raster."""
    ux, uy = layer.rasterUnitsPerPixelX(), layer.rasterUnitsPerPixelY()
    if extent is None or ux <= 0 or uy <= 0:
        return float(layer.width()) * float(layer.height())
    box = layer.extent()
    width = min(extent[2], box.xMaximum()) - max(extent[0], box.xMinimum())
    height = min(extent[3], box.yMaximum()) - max(extent[1], box.yMinimum())
    return max(width, 0.0) / ux * max(height, 0.0) / uy
