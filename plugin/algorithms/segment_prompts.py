"""terraprompt:segment_prompts: point/box layers (any CRS) → prompts in the raster's CRS → core.segment_prompts."""
from __future__ import annotations

import math

from qgis.core import (
    QgsCoordinateTransform,
    QgsCsException,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from ..gui.layers import style_object_ids, style_objects
from ..i18n import tr
from ..qgis_layers import settings_by_path
from .base import TerraPromptAlgorithm, dependencies_needed, layer_path, source_file, vector_output
from .outputs import result_names, style_output

DEVICES = ["auto", "cpu", "cuda"]


def embedding_cache_dir():
    """Where QGIS-side runs keep encodings: TERRAPROMPT_CACHE when set (None lets core read it), else the profile's
    cache folder that terraprompt:diagnostics reports."""
    import os

    if os.environ.get("TERRAPROMPT_CACHE"):
        return None
    from .diagnostics import cache_dirs

    return cache_dirs()["embeddings"]


def cache_dir_parameter() -> QgsProcessingParameterFile:
    """CACHE_DIR: where encodings are kept, shared by encode_image, segment_prompts and find_similar (a folder that
    encode_image filled is read only when the others are given it too)."""
    p = QgsProcessingParameterFile("CACHE_DIR", tr("Cache folder (optional)"), behavior=QgsProcessingParameterFile.Folder, optional=True)
    p.setHelp(tr("Where encodings are stored. Empty: TERRAPROMPT_CACHE when set, else the QGIS profile's cache/terraprompt folder (shown by terraprompt:diagnostics)."))
    return p


def cache_dir_value(alg, parameters, context):
    """The CACHE_DIR folder given, else :func:`embedding_cache_dir`."""
    return alg.parameterAsFile(parameters, "CACHE_DIR", context) or embedding_cache_dir()


def cache_mb_parameter() -> QgsProcessingParameterNumber:
    """CACHE_MB: the cache folder's size cap, shared by encode_image, segment_prompts and find_similar; kept in the
    folder, so a cap raised to hold a large raster's encodings is not undone by the next run that gives none."""
    p = QgsProcessingParameterNumber("CACHE_MB", tr("Cache size cap (MB)"), QgsProcessingParameterNumber.Integer,
                                     defaultValue=None, optional=True, minValue=16)
    p.setHelp(tr("The least recently used encodings are removed beyond this size (1 MB = 1024² bytes). A cap given here "
                 "stays the cache folder's cap for later runs and the map tool; empty: the cap last given for the folder, "
                 "else 2048 MB."))
    return p


def cache_bytes_value(alg, parameters, context):
    """CACHE_MB in bytes, None when it is not set (the cache folder's own cap)."""
    from ..core.interactive.cache import MB

    mb = alg.parameterAsInt(parameters, "CACHE_MB", context)  # 0 when not set (16 at least when it is)
    return mb * MB if mb > 0 else None


def straight_outlines_parameter(note: str = "") -> QgsProcessingParameterBoolean:
    """STRAIGHT_OUTLINES: right-angled polygon outlines (buildings), shared by segment_prompts and find_similar."""
    p = QgsProcessingParameterBoolean("STRAIGHT_OUTLINES", tr("Straight outlines (buildings)"), defaultValue=False, optional=True)
    p.setHelp((tr("Right-angled polygon edges along each object's main direction, as roofs are drawn, instead of the traced "
                  "pixel outline. A part that squaring would change much (IoU below 0.75 with its traced outline) keeps "
                  "the traced one.") + " " + note).strip())
    return p


def _int_field(feature, name: str, layer_name: str) -> int:
    """An integer attribute (a whole float such as 2.0 too), or a QgsProcessingException naming the layer and the field
    (a text or a fraction such as 1.6, which int() cut to 1)."""
    try:
        value = feature[name]
        if isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        return int(value)
    except (KeyError, TypeError, ValueError) as exc:
        raise QgsProcessingException(
            tr("The layer '{0}' needs an integer field '{1}' (feature {2} has {3!r}). Add the field and fill it.").format(
                layer_name, name, feature.id(), feature.attribute(name) if name in feature.fields().names() else None)) from exc


def _transformed_points(geom, xform) -> list[tuple[float, float]]:
    """(x, y) of each part of a point geometry in the raster's CRS; NaN for points the layer's CRS cannot place (UTM
    metres labelled EPSG:4326 raised QgsCsException), which the core reports as outside the raster."""
    g = QgsGeometry(geom)
    try:
        g.transform(xform)
    except QgsCsException:
        return [(math.nan, math.nan) for _ in geom.constParts()]
    return [(part.x(), part.y()) for part in g.constParts()]


def _transformed_box(geom, xform) -> tuple[float, float, float, float]:
    """The bounding box of a polygon in the raster's CRS; NaN when the layer's CRS cannot place it."""
    g = QgsGeometry(geom)
    try:
        g.transform(xform)
    except QgsCsException:
        return (math.nan,) * 4
    r = g.boundingBox()
    return r.xMinimum(), r.yMinimum(), r.xMaximum(), r.yMaximum()


class SegmentPromptsAlgorithm(TerraPromptAlgorithm):
    """Segment one object per object_id from positive/negative points and optional boxes."""

    def name(self) -> str:
        return "segment_prompts"

    def displayName(self) -> str:  # noqa: N802
        return tr("Segment objects from point and box prompts")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr(
            "Batch version of the interactive map tool: every object_id of the POINTS layer (positive=1 inside the object, "
            "positive=0 on what must be left out) and of the optional BOXES layer (its bounding box) becomes one polygon "
            "with object_id, class, area_m2, score, n_positive, n_negative, prompt_type, model, model_sha256, source and "
            "created_utc. Prompts may be in any CRS. Encodings are cached on disk, so re-running on the same raster is fast."
        )

    def initAlgorithm(self, config=None):  # noqa: N802
        p = QgsProcessingParameterRasterLayer("INPUT", tr("Input raster"))
        p.setHelp(tr("The image to segment: any GDAL raster with a CRS (single band, RGB, multispectral, SAR, DSM)."))
        self.addParameter(p)
        p = QgsProcessingParameterFeatureSource("POINTS", tr("Point prompts (optional if BOXES is given)"),
                                                [QgsProcessing.TypeVectorPoint], optional=True)
        p.setHelp(tr("Points with integer fields object_id (which object) and positive (1 inside the object, 0 outside). Any CRS."))
        self.addParameter(p)
        p = QgsProcessingParameterFeatureSource("BOXES", tr("Box prompts (optional)"), [QgsProcessing.TypeVectorPolygon], optional=True)
        p.setHelp(tr("Polygons with an integer field object_id; the bounding box of each is a box prompt for that object "
                     "(several polygons of one object_id: their common bounding box, said in the report). Any CRS."))
        self.addParameter(p)
        p = QgsProcessingParameterString("MODEL", tr("Model"), defaultValue="bundled")
        p.setHelp(tr("'bundled': the promptable network, or the classical engine when the network cannot be loaded (the "
                     "report says so); 'network': the promptable network only (an error when it cannot be loaded); "
                     "'classical': the bundled region-growing engine, no model file; or the path to a SAM / SAM 2 ONNX "
                     "encoder or decoder file (its partner is found by swapping 'encoder'/'decoder' in the name), a folder "
                     "holding the pair, or a model card (.json)."))
        self.addParameter(p)
        p = QgsProcessingParameterEnum("DEVICE", tr("Device"), options=DEVICES, defaultValue=0)
        p.setHelp(tr("Where ONNX models run; the report states the device actually used. The classical engine always runs on the CPU."))
        self.addParameter(p)
        p = QgsProcessingParameterString("CLASS", tr("Class label"), defaultValue=tr("object"), optional=True)  # a saved model keeps its value
        p.setHelp(tr("Free label written to the 'class' attribute of every object (e.g. building, tree, field)."))
        self.addParameter(p)
        self.addParameter(straight_outlines_parameter(tr("The object id raster is drawn from the same polygons.")))
        p = QgsProcessingParameterBoolean("NO_OVERLAP", tr("No overlaps between objects"), defaultValue=False, optional=True)
        p.setHelp(tr("Each object, in object_id order, leaves out what the objects before it cover (neighbouring roofs share an "
                     "edge instead of overlapping); an object left with nothing is skipped and named in the report."))
        self.addParameter(p)
        self.addParameter(cache_dir_parameter())
        self.addParameter(cache_mb_parameter())
        p = QgsProcessingParameterVectorDestination("OUTPUT_VECTOR", tr("Objects"), QgsProcessing.TypeVectorPolygon)
        p.setHelp(tr("One (multi)polygon per object_id, in the raster's CRS. GeoPackage by default; .shp, .geojson and .fgb "
                     "also work, with their limits (a Shapefile cuts field names to 10 characters)."))
        self.addParameter(p)
        p = QgsProcessingParameterRasterDestination("OUTPUT_RASTER", tr("Object id raster"), optional=True, createByDefault=False)
        p.setHelp(tr("GeoTIFF on the input's grid with the object_id of each pixel, 0 for background."))
        self.addParameter(p)
        self.addOutput(QgsProcessingOutputNumber("OBJECTS", tr("Objects segmented")))
        self.addOutput(QgsProcessingOutputString("REPORT", tr("Report")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        with dependencies_needed():
            from ..core.interactive.batch import PromptObject, SegmentRequest, segment_prompts

        raster = self.parameterAsRasterLayer(parameters, "INPUT", context)
        if raster is None:
            raise QgsProcessingException(tr("The input raster could not be opened. Check that the file exists and GDAL can read it."))
        objects: dict[int, PromptObject] = {}
        without_geometry: list[int] = []
        points = self.parameterAsSource(parameters, "POINTS", context)
        boxes = self.parameterAsSource(parameters, "BOXES", context)
        if points is None and boxes is None:
            raise QgsProcessingException(tr("Give a POINTS layer (object_id, positive) and/or a BOXES layer (object_id)."))
        if points is not None:
            for name in ("object_id", "positive"):
                if points.fields().indexOf(name) < 0:
                    raise QgsProcessingException(tr("The point layer has no field '{0}'. Add integer fields object_id and positive (1/0).").format(name))
            xform = QgsCoordinateTransform(points.sourceCrs(), raster.crs(), context.transformContext())
            for f in points.getFeatures():
                oid = _int_field(f, "object_id", points.sourceName())
                if f.geometry().isEmpty():
                    without_geometry.append(oid)
                    continue
                pos = _int_field(f, "positive", points.sourceName()) > 0
                for x, y in _transformed_points(f.geometry(), xform):
                    objects.setdefault(oid, PromptObject(oid)).points.append((x, y, pos))
        if boxes is not None:
            if boxes.fields().indexOf("object_id") < 0:
                raise QgsProcessingException(tr("The box layer has no field 'object_id'. Add an integer field object_id."))
            xform = QgsCoordinateTransform(boxes.sourceCrs(), raster.crs(), context.transformContext())
            for f in boxes.getFeatures():
                oid = _int_field(f, "object_id", boxes.sourceName())
                if f.geometry().isEmpty():
                    without_geometry.append(oid)
                    continue
                box = _transformed_box(f.geometry(), xform)
                obj = objects.setdefault(oid, PromptObject(oid))
                obj.box_parts.append(box)
                # boxes that could be placed (a box in a wrong CRS is NaN: the merge must not depend on feature order)
                placed = [b for b in obj.box_parts if all(math.isfinite(v) for v in b)] or [box]
                obj.box = (min(b[0] for b in placed), min(b[1] for b in placed),
                           max(b[2] for b in placed), max(b[3] for b in placed))
        out_raster = self.parameterAsOutputLayer(parameters, "OUTPUT_RASTER", context) if parameters.get("OUTPUT_RASTER") else None
        req = SegmentRequest(
            input=layer_path(raster),
            objects=list(objects.values()),
            output_vector=vector_output(self, parameters, "OUTPUT_VECTOR", context),
            output_raster=out_raster or None,
            model=self.parameterAsString(parameters, "MODEL", context) or "bundled",
            device=DEVICES[self.parameterAsEnum(parameters, "DEVICE", context)],
            class_name=self.parameterAsString(parameters, "CLASS", context) or tr("object"),
            cache_dir=cache_dir_value(self, parameters, context),
            cache_max_bytes=cache_bytes_value(self, parameters, context),
            straight=self.parameterAsBool(parameters, "STRAIGHT_OUTLINES", context),
            no_overlap=self.parameterAsBool(parameters, "NO_OVERLAP", context),
            layers=settings_by_path(raster),
            vector_inputs=[f for f in (source_file(self, parameters, n, context) for n in ("POINTS", "BOXES")) if f],
            without_geometry=without_geometry,
        )
        result = self.run_core(lambda **kw: segment_prompts(req, **kw), feedback)
        for msg in result.skipped:
            feedback.reportError(tr("Skipped {0}").format(msg), fatalError=False)
        report = result.report
        feedback.pushInfo(report)
        names = result_names(context, tr("{prompt} on {layer}").format(prompt=req.class_name, layer=raster.name()),
                             (tr("{name} (objects)"), tr("{name} (object ids)")))
        style_output(context, feedback, result.output_vector, style_objects, report, names[0])
        ids = result.object_ids
        style_output(context, feedback, result.output_raster, lambda lyr: style_object_ids(lyr, ids), report, names[1])
        return {"OUTPUT_VECTOR": result.output_vector, "OUTPUT_RASTER": result.output_raster,
                "OBJECTS": result.objects, "REPORT": report}
