"""What an analyst set on a raster layer in QGIS that its file does not say: a CRS (Layer Properties > Source) where the
file has none or another, and extra nodata values (Layer Properties > Transparency, 'Additional no data value').

QGIS draws such a layer with these settings; the core reads files, so the adapters hand them over by file path (the
``layers`` of the core requests, ``layer`` of :func:`core.raster.open_raster`) and results match what the analyst sees.
"""
from __future__ import annotations

import math
from typing import Optional

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsMultiBandColorRenderer,
    QgsPointXY,
    QgsRasterLayer,
    QgsRectangle,
)

from .core.layer_settings import LayerSettings  # plain data: the plugin loads before rasterio is installed


def layer_file(layer) -> str:
    """The file (or GDAL connection string) behind a raster layer, without QGIS's '|option' suffixes ('' for none): what
    the core opens, and the key of its layer settings."""
    return layer.source().split("|")[0] if layer is not None else ""


def polygons_file(layer, folder: str, feedback=None) -> str:
    """A polygon layer as the core reads it: a GeoPackage in ``folder`` holding exactly its features (the chosen layer
    of a GeoPackage holding several, its filter applied, a memory layer or a model's output), '' for no layer; raises
    ValueError (the message for the analyst) when it cannot be written. (By its file path the core read the first layer
    of a GeoPackage, whatever was chosen, and unfiltered.)"""
    if layer is None:
        return ""
    path = polygons_path(layer.name(), folder)
    write_polygons(layer, path, feedback)
    return path


def polygons_path(name: str, folder: str) -> str:
    """Where :func:`polygons_file` copies a polygon layer named ``name``: a GeoPackage of that name in a fresh sub-folder
    of ``folder`` (the layer's own name in the explanations)."""
    import os
    import uuid

    sub = os.path.join(folder, uuid.uuid4().hex[:8])
    os.makedirs(sub, exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_ " else "_" for c in name).strip() or "reference"
    return os.path.join(sub, f"{name}.gpkg")


def write_polygons(layer, path: str, feedback=None) -> None:
    """Copy a polygon layer's features into the GeoPackage ``path`` as 2D multipolygons (``feedback``: a QgsFeedback
    whose cancel stops the copy); raises ValueError (the message for the analyst) when it cannot be written."""
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter, QgsWkbTypes

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName, options.layerName = "GPKG", "reference"
    # straight 2D polygons: fiona refused curves (CurvePolygon) as 'cannot be read (10)'; Z and M say nothing of classes
    options.overrideGeometryType, options.includeZ = QgsWkbTypes.MultiPolygon, False
    options.feedback = feedback
    err = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, QgsCoordinateTransformContext(), options)
    if err[0] == QgsVectorFileWriter.Canceled:
        from .core.errors import Cancelled

        raise Cancelled()
    if err[0] != QgsVectorFileWriter.NoError:
        from .i18n import tr

        raise ValueError(tr("The polygons of '{name}' could not be read ({reason}). Check the layer, or save it as a "
                            "GeoPackage and choose that.").format(name=layer.name(), reason=err[1]))


def detached_polygons(layer):
    """A polygon layer taken on the main thread so that a task can copy it (:func:`write_polygons`) in its own thread: a
    callable giving, there, a layer with the same features: a file or database layer opened again from its source with
    its filter and CRS, a memory layer or one with unsaved edits copied into a memory layer now (None for no layer)."""
    if layer is None:
        return None
    from qgis.core import QgsFeatureRequest, QgsVectorLayer

    if layer.providerType() == "memory" or layer.isModified():  # its features live only in this layer object
        copy = layer.materialize(QgsFeatureRequest())
        copy.setName(layer.name())
        return lambda: copy
    source, name, provider = layer.source(), layer.name(), layer.providerType()
    subset, crs = layer.subsetString(), layer.crs()

    def reopen():
        out = QgsVectorLayer(source, name, provider)
        if subset:
            out.setSubsetString(subset)
        if crs.isValid():
            out.setCrs(crs)
        return out

    return reopen


def shapely_polygons(features, xform, layer_name: str) -> tuple[list, int, int]:
    """(the features' geometries as shapely objects in ``xform``'s destination CRS, how many had no geometry, how many
    ``xform`` could not place): curves straightened and Z/M dropped on the way (their WKT broke shapely); raises
    ValueError (the message for the analyst) naming a feature that still cannot be converted."""
    from qgis.core import QgsCsException, QgsGeometry
    from shapely import wkb

    geoms, empty, unplaced = [], 0, 0
    for feat in features:
        g = QgsGeometry(feat.geometry())
        if g.isNull() or g.isEmpty():
            empty += 1
            continue
        try:
            g.transform(xform)
        except QgsCsException:  # coordinates the layer's CRS cannot hold (UTM metres labelled EPSG:4326)
            unplaced += 1
            continue
        flat = flat_geometry(g)
        try:
            geom = wkb.loads(bytes(flat.asWkb()))
        except Exception as exc:  # shapely raises several types for what it cannot read
            from .i18n import tr

            raise ValueError(tr("The feature {fid} of '{name}' cannot be converted to a polygon ({reason}). Fix its "
                                "geometry (Vector > Geometry Tools > Fix Geometries) or leave it out.").format(
                fid=feat.id(), name=layer_name, reason=exc)) from exc
        if geom.is_empty or not all(math.isfinite(v) for v in geom.bounds):
            unplaced += 1  # a transform that gave NaN or infinity instead of raising
            continue
        geoms.append(geom)
    return geoms, empty, unplaced


def flat_geometry(geom):
    """A copy of a QgsGeometry with curves straightened and Z and M dropped: what shapely and GEOS read."""
    from qgis.core import QgsGeometry, QgsWkbTypes

    out = QgsGeometry(geom)
    if QgsWkbTypes.isCurvedType(out.wkbType()):
        out = QgsGeometry(out.constGet().segmentize())
    out.get().dropZValue()
    out.get().dropMValue()
    return out


def layer_settings(layer) -> Optional[LayerSettings]:
    """The CRS and nodata values set on a file raster layer in QGIS beyond its file's (None when there are none)."""
    if not isinstance(layer, QgsRasterLayer) or layer.providerType() != "gdal":
        return None
    provider = layer.dataProvider()
    crs = None
    if layer.crs().isValid() and layer.crs() != provider.crs():
        crs = layer.crs().toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED_GDAL)
    ranges = {(r.min(), r.max()) for band in range(1, provider.bandCount() + 1) for r in provider.userNoDataValues(band)}
    drawn = drawn_rgb(layer)
    return LayerSettings(crs, tuple(sorted(ranges)), drawn) if crs or ranges or drawn else None


def drawn_rgb(layer) -> tuple[int, ...]:
    """The bands a multiband colour renderer draws as red, green, blue when they are bands 1-3 in another order, else ()."""
    renderer = layer.renderer()
    if not isinstance(renderer, QgsMultiBandColorRenderer):
        return ()
    bands = (renderer.redBand(), renderer.greenBand(), renderer.blueBand())
    return bands if sorted(bands) == [1, 2, 3] and bands != (1, 2, 3) else ()


def settings_by_path(*layers) -> dict[str, LayerSettings]:
    """{file path: settings} for the given layers (None entries skipped) that have settings their files lack."""
    out = {}
    for layer in layers:
        settings = layer_settings(layer) if layer is not None else None
        if settings is not None:
            out[layer_file(layer)] = settings
    return out


def box_in_layer_crs(rect: QgsRectangle, crs: QgsCoordinateReferenceSystem, layer, context) -> QgsRectangle:
    """``rect`` (in ``crs``) as a box in ``layer``'s CRS (``context``: a QgsProject or QgsCoordinateTransformContext):
    latitudes of a geographic ``crs`` past the poles clamped to ±90°, and, for a geographic layer, a box crossing the
    antimeridian kept whole with its longitudes unwrapped into the layer's own range (179.95..180.05 over a raster of
    179.9..180.1, where a plain transform gives the whole world), and a box of a projected ``crs`` reaching past both
    edges of its world (a zoomed-out world map) taken over the layer's whole width. Raises ValueError (the message for
    the analyst) when the box cannot be one rectangle of the layer, QgsCsException when it cannot be transformed."""
    target = layer.crs()
    if crs is None or not crs.isValid() or not target.isValid() or crs == target:
        return QgsRectangle(rect)
    rect = clamp_latitudes(rect, crs)
    xf = QgsCoordinateTransform(crs, target, context)
    plain = xf.transformBoundingBox(rect)
    if not target.isGeographic():
        return plain
    if wider_than_world(rect, xf):  # a zoomed-out world map: PROJ wraps the samples past its edges, losing its sides
        extent = layer.extent()
        return QgsRectangle(extent.xMinimum(), plain.yMinimum(), extent.xMaximum(), plain.yMaximum())
    x0, x1, crossed = plain.xMinimum(), plain.xMaximum(), False
    if plain.width() > 180.0:  # points on both sides of 180°: the world, or a small box across the antimeridian
        wrapped = xf.transformBoundingBox(rect, QgsCoordinateTransform.ForwardTransform, True)
        if wrapped.xMinimum() > wrapped.xMaximum() and wrapped.xMaximum() + 360.0 - wrapped.xMinimum() <= 180.0:
            x0, x1, crossed = wrapped.xMinimum(), wrapped.xMaximum() + 360.0, True
    shift = longitude_shift(x0, x1, layer.extent(), crossed, layer.name())
    return QgsRectangle(x0 + shift, plain.yMinimum(), x1 + shift, plain.yMaximum())


def wider_than_world(rect: QgsRectangle, xf: QgsCoordinateTransform) -> bool:
    """Whether a box of a projected CRS reaches past both sides of the world it maps (x beyond its edges, which PROJ
    wraps onto the other side, as in Mercator): the box then shows every longitude. Taken along the box's middle row: a
    point there that comes back from its longitude elsewhere (by a world's width) lies past an edge; one that cannot be
    transformed (Robinson past its edges, space beside an orthographic globe) says nothing, and the box is kept."""
    if xf.sourceCrs().isGeographic():
        return False
    y = rect.center().y()
    for x in (rect.xMinimum(), rect.xMaximum()):
        try:
            back = xf.transform(xf.transform(QgsPointXY(x, y)), QgsCoordinateTransform.ReverseTransform)
        except QgsCsException:
            return False
        if not math.isfinite(back.x()) or abs(back.x() - x) <= 1e-3 * rect.width():
            return False
    return True


def point_in_layer_crs(point: QgsPointXY, crs: QgsCoordinateReferenceSystem, layer, context) -> QgsPointXY:
    """``point`` (in ``crs``) in ``layer``'s CRS, for a geographic layer moved by 360° onto the layer's own longitudes
    where that puts it over the layer (a click at 180.02° on a raster of 179.9..180.1, which a plain transform gives as
    -179.98°). Raises QgsCsException when it cannot be transformed."""
    target = layer.crs()
    if crs is None or not crs.isValid() or not target.isValid() or crs == target:
        return QgsPointXY(point)
    p = QgsCoordinateTransform(crs, target, context).transform(point)
    extent = layer.extent()
    if target.isGeographic() and not extent.xMinimum() <= p.x() <= extent.xMaximum():
        for shift in (360.0, -360.0):
            if extent.xMinimum() <= p.x() + shift <= extent.xMaximum():
                return QgsPointXY(p.x() + shift, p.y())
    return p


def clamp_latitudes(rect: QgsRectangle, crs: QgsCoordinateReferenceSystem) -> QgsRectangle:
    """A box of a geographic CRS with its latitudes cut to ±90° (a map view past the pole), other boxes as they are."""
    if not crs.isGeographic():
        return QgsRectangle(rect)
    y0, y1 = max(rect.yMinimum(), -90.0), min(rect.yMaximum(), 90.0)
    return QgsRectangle(rect.xMinimum(), y0, rect.xMaximum(), y1) if y0 < y1 else QgsRectangle(rect)


def longitude_shift(x0: float, x1: float, extent: QgsRectangle, crossed: bool, name: str) -> float:
    """The multiple of 360° that puts the longitudes x0..x1 over ``extent`` (the layer's, named ``name``): 0 for a box
    already over it that does not cross the antimeridian, or for one over nothing of it. Raises ValueError when the box
    lies over the layer in two places (a layer on both sides of 180°)."""
    def overlaps(shift: float) -> bool:
        return min(x1 + shift, extent.xMaximum()) > max(x0 + shift, extent.xMinimum())

    if not crossed and overlaps(0.0):
        return 0.0
    hits = [shift for shift in (0.0, 360.0, -360.0) if overlaps(shift)]
    if len(hits) > 1:
        from .i18n import tr

        raise ValueError(tr("The extent crosses the antimeridian (180°) and '{name}' lies on both sides of it, so the "
                            "extent is not one rectangle of the raster. Choose an extent on one side of 180°, or Whole "
                            "layer.").format(name=name))
    return hits[0] if hits else 0.0


def extent_parameter(alg, parameters: dict, name: str, context, layer) -> QgsRectangle:
    """A Processing extent parameter in ``layer``'s CRS (:func:`box_in_layer_crs`: across the antimeridian and past the
    poles too); an extent given without a CRS is taken in the layer's CRS, as QGIS does. Raises QgsProcessingException
    with the message for the analyst."""
    from qgis.core import QgsCsException, QgsProcessingException

    given = alg.parameterAsExtent(parameters, name, context)
    in_layer = alg.parameterAsExtent(parameters, name, context, layer.crs())
    if given.isNull() or in_layer == given:  # no CRS given, or the layer's: nothing transformed
        return in_layer
    try:
        return box_in_layer_crs(given, alg.parameterAsExtentCrs(parameters, name, context), layer,
                                context.transformContext())
    except ValueError as exc:
        raise QgsProcessingException(str(exc)) from exc
    except QgsCsException as exc:
        from .i18n import tr

        raise QgsProcessingException(tr("The extent cannot be placed in the CRS of '{layer}' ({reason}). Give the extent "
                                        "in the raster's CRS.").format(layer=layer.name(), reason=exc)) from exc
