"""Accepted objects: mask → (multi)polygon with the interactive attributes, written to a GeoPackage.

Used by the batch algorithm (one file written atomically) and by the map tool
(objects appended to a layer created on first use).
"""
from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np
from rasterio.features import shapes
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.ops import unary_union

from ..errors import OutputError
from ..messages import t
from ..outlines import ground_x_scale, pixel_side, straighten
from ..raster import pixel_sides
from ..vectors import AreaCalculator
from ..writers import split_layer, staged_vector, write_failed

OBJECT_FIELDS = {
    "object_id": "int", "class": "str", "area_m2": "float", "score": "float", "n_positive": "int",
    "n_negative": "int", "prompt_type": "str", "model": "str", "model_sha256": "str", "source": "str",
    "created_utc": "str",
}
LAYER = "objects"


@dataclass
class AcceptedObject:
    """One object: geometry in the raster CRS plus its attributes (see OBJECT_FIELDS)."""

    geometry: MultiPolygon
    attrs: dict


def utc_now() -> str:
    """ISO 8601 UTC timestamp without microseconds."""
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def mask_to_geometry(mask: np.ndarray, transform, simplify_pixels: float = 0.0, straight: bool = False,
                     crs=None) -> Optional[MultiPolygon]:
    """The union of a mask's pixels as a MultiPolygon in the transform's CRS (None when empty); ``straight``: right-angled
    outlines along each part's main direction (buildings; :mod:`..outlines`), square on the ground in ``crs``."""
    if not mask.any():
        return None
    polys = [shape(g) for g, v in shapes(mask.astype(np.uint8), mask=mask, connectivity=4, transform=transform) if v]
    geom = unary_union(polys)
    if straight:
        geom = straighten(geom, pixel_side(transform), ground_x_scale(crs, geom))
    elif simplify_pixels > 0:
        geom = geom.simplify(simplify_pixels * min(pixel_sides(transform)), preserve_topology=True)
    if geom.is_empty:
        return None
    if geom.geom_type == "Polygon":
        geom = MultiPolygon([geom])
    elif geom.geom_type != "MultiPolygon":
        geom = MultiPolygon([g for g in getattr(geom, "geoms", []) if g.geom_type == "Polygon"])
    return geom


def make_object(geometry: MultiPolygon, crs, object_id: int, class_name: str, score: float, n_positive: int,
                n_negative: int, prompt_type: str, model: str, model_sha256: str, source: str) -> AcceptedObject:
    """An object with every attribute filled, area in true square metres."""
    attrs = {
        "object_id": int(object_id), "class": class_name, "area_m2": round(AreaCalculator(crs).area_m2(geometry), 3),
        "score": round(float(score), 4), "n_positive": int(n_positive), "n_negative": int(n_negative),
        "prompt_type": prompt_type, "model": model, "model_sha256": model_sha256, "source": os.path.basename(source),
        "created_utc": utc_now(),
    }
    return AcceptedObject(geometry, attrs)


def _records(objects: Iterable[AcceptedObject]):
    for o in objects:
        props = {k: o.attrs.get(k) for k in OBJECT_FIELDS}
        yield {"geometry": mapping(o.geometry), "properties": props}


def write_objects(path: str, objects: list[AcceptedObject], crs, layer: str = LAYER) -> str:
    """Write objects to a new GeoPackage (or a Shapefile, GeoJSON, FlatGeobuf by the extension) atomically (temporary
    file renamed at the end)."""
    file, named = split_layer(path)  # 'results.gpkg|layername=roofs': that layer, the file's others kept
    with staged_vector(file, keep_layers=named is not None) as gpkg:
        _write_layer(gpkg, objects, crs, named or layer, output=file)
    return path


def _write_layer(path: str, objects: list[AcceptedObject], crs, layer: str, output: Optional[str] = None) -> None:
    """Create ``layer`` holding the objects in a GeoPackage (a new file, or one that holds other layers); a write that
    fails (a full disk) is an OutputError naming ``output`` (the file the GeoPackage is bound for)."""
    import fiona
    from fiona.errors import FionaError

    schema = {"geometry": "MultiPolygon", "properties": dict(OBJECT_FIELDS)}
    try:
        with fiona.open(path, "w", driver="GPKG", layer=layer, crs_wkt=crs.to_wkt(), schema=schema) as out:
            out.writerecords(list(_records(objects)))
    except (OSError, RuntimeError, FionaError) as exc:
        raise write_failed(output or path, exc) from exc


def without_overlaps(geom: MultiPolygon, others: list, pixel: float) -> Optional[MultiPolygon]:
    """``geom`` minus the objects it overlaps (neighbouring roofs accepted before keep their outline); what is left in
    parts narrower than 2 pixels (slivers along shared edges) or smaller than 4 pixels is dropped; None when nothing is."""
    near = [g for g in others if g is not None and not g.is_empty and g.intersects(geom)]
    if not near:
        return geom
    rest = geom.difference(unary_union(near))
    parts = [p for p in getattr(rest, "geoms", [rest]) if p.geom_type == "Polygon" and p.area >= 4 * pixel * pixel
             and not p.buffer(-0.99 * pixel).is_empty]
    return MultiPolygon(parts) if parts else None


def free_of(objects: list[AcceptedObject], path: str, crs, pixel: float) -> tuple[list[AcceptedObject], list[AcceptedObject]]:
    """(kept, dropped): the objects without what the objects already in the file ``path`` (if any) and those before them
    in the list cover, areas recomputed (:func:`without_overlaps`); dropped, those left with nothing."""
    if not objects:
        return [], []
    areas = AreaCalculator(crs)
    kept: list[AcceptedObject] = []
    dropped: list[AcceptedObject] = []
    for o in objects:
        # the file's objects around this one (its own box: the box of them all read thousands of objects from a full
        # file for ten candidates, 1.3 s on the GUI thread)
        in_file = accepted_near(path, o.geometry.bounds, crs)
        geom = without_overlaps(o.geometry, in_file + [k.geometry for k in kept], pixel)
        if geom is None:
            dropped.append(o)
        else:
            kept.append(o if geom is o.geometry else AcceptedObject(geom, dict(o.attrs, area_m2=round(areas.area_m2(geom), 3))))
    return kept, dropped


def _reprojector(source_wkt: str, target_wkt: str):
    """A shapely geometry → geometry function from one CRS to another (WKT), or None when they are the same or unknown."""
    from pyproj import CRS as PCRS, Transformer
    from shapely.ops import transform as shp_transform

    if not source_wkt or not target_wkt:
        return None
    source, target = PCRS.from_wkt(source_wkt), PCRS.from_wkt(target_wkt)
    if source.equals(target, ignore_axis_order=True):
        return None
    xf = Transformer.from_crs(source, target, always_xy=True)
    return lambda g: shp_transform(xf.transform, g)


def accepted_near(path: str, bounds: tuple[float, float, float, float], crs, layer: str = LAYER) -> list:
    """The geometries (in ``crs``) of the objects in a GeoPackage layer whose bounding boxes meet ``bounds`` (in ``crs``)."""
    import fiona
    from shapely.geometry import box

    if not path or not os.path.exists(path):
        return []
    try:
        with fiona.open(path, layer=layer) as src:
            to_file, back = _reprojector(crs.to_wkt(), src.crs_wkt), _reprojector(src.crs_wkt, crs.to_wkt())
            query = (to_file(box(*bounds)) if to_file else box(*bounds)).bounds
            found = [shape(f["geometry"]) for f in src.filter(bbox=query) if f["geometry"] is not None]
    except Exception:  # noqa: BLE001 - an unreadable file is reported when the object is appended
        return []
    return [back(g) for g in found] if back else found


def in_crs(objects: list[AcceptedObject], crs, target_wkt: str) -> list[AcceptedObject]:
    """The objects with their geometries in another CRS (given as WKT; unchanged when it is the same or unknown)."""
    to_target = _reprojector(crs.to_wkt() if crs is not None else "", target_wkt)
    return objects if to_target is None else [AcceptedObject(to_target(o.geometry), o.attrs) for o in objects]


def append_objects(path: str, objects: list[AcceptedObject], crs, layer: str = LAYER) -> str:
    """Append objects (geometries in ``crs``) to a GeoPackage layer, creating it on first use (the map tool's Enter); a
    layer made from a raster in another CRS gets them reprojected into its own CRS (area_m2 is true area either way).
    A GeoPackage that holds other layers but not this one gets it added beside them (they are left as they are)."""
    import fiona

    if not os.path.exists(path):
        return write_objects(path, objects, crs, layer)
    try:
        if layer not in fiona.listlayers(path):
            _add_layer(path, objects, crs, layer)
            return path
        with fiona.open(path, "a", layer=layer) as out:
            missing = [k for k in OBJECT_FIELDS if k not in out.schema["properties"]]
            if missing:
                raise OutputError(t("The layer '{layer}' in '{name}' lacks the fields {fields}.", layer=layer, name=os.path.basename(path),
                                    fields=", ".join(missing)), t("Choose a new GeoPackage for accepted objects."))
            out.writerecords(list(_records(in_crs(objects, crs, out.crs_wkt))))
    except OutputError:
        raise
    except Exception as exc:
        raise OutputError(t("Cannot append to '{path}': {reason}.", path=path, reason=exc),
                          t("Choose a GeoPackage you can write to, or a new file.")) from exc
    return path


def _add_layer(path: str, objects: list[AcceptedObject], crs, layer: str) -> None:
    """Create ``layer`` with these objects in an existing GeoPackage (GDAL adds it in SQLite transactions, the other
    tables untouched); a failure removes the half-made layer again."""
    import fiona

    try:
        _write_layer(path, objects, crs, layer)
    except BaseException:
        try:
            if layer in fiona.listlayers(path):
                from osgeo import ogr

                ds = ogr.Open(path, 1)
                if ds is not None:
                    ds.DeleteLayer(layer)
                    ds = None
        except Exception:  # noqa: BLE001 - the first error is the one to report
            pass
        raise


def remove_object(path: str, object_id: int, layer: str = LAYER) -> int:
    """Delete the features with this object_id from a GeoPackage layer (an accepted object taken back); returns how many."""
    from osgeo import ogr

    ds = ogr.Open(path, 1)
    if ds is None:
        raise OutputError(t("Cannot open '{path}' to take the object back.", path=path),
                          t("Check that the file exists and is not read-only."))
    try:
        lyr = ds.GetLayerByName(layer)
        if lyr is None:
            return 0
        lyr.SetAttributeFilter(f"object_id = {int(object_id)}")
        fids = [f.GetFID() for f in lyr]
        lyr.SetAttributeFilter(None)
        for fid in fids:
            lyr.DeleteFeature(fid)
        return len(fids)
    finally:
        ds = None  # closes and writes the file


def next_object_id(path: str, layer: str = LAYER) -> int:
    """1 + the largest object_id already in a GeoPackage layer (1 when it does not exist). Asked of SQLite directly: reading
    every feature took 0.5 s an Accept with 20 000 objects."""
    import pathlib
    import sqlite3
    from contextlib import closing

    import fiona

    if not os.path.exists(path):
        return 1
    try:
        with closing(sqlite3.connect(pathlib.Path(os.path.abspath(path)).as_uri() + "?mode=ro", uri=True)) as db:
            top = db.execute(f'SELECT MAX("object_id") FROM "{layer.replace(chr(34), chr(34) * 2)}"').fetchone()[0]
        return int(top or 0) + 1
    except (sqlite3.Error, TypeError, ValueError):  # not a GeoPackage table of that name: read it as OGR does
        pass
    try:
        with fiona.open(path, layer=layer) as src:
            ids = [f["properties"].get("object_id") or 0 for f in src]
    except Exception:
        return 1
    return (max(ids) if ids else 0) + 1
