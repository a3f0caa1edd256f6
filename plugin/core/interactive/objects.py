"""Accepted objects: mask → (multi)polygon with the interactive attributes, written to a GeoPackage.

Used by the batch algorithm (one file written atomically) and by the map tool
(objects appended to a layer created on first use).
"""
from __future__ import annotations

import datetime as _dt
import os
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional

import numpy as np
from rasterio.features import shapes
from shapely.geometry import MultiPolygon, mapping, shape
from shapely.ops import unary_union

from ..errors import OutputError
from ..messages import t
from ..outlines import ground_x_scale, pixel_side, straighten
from ..raster import pixel_sides
from ..vectors import AreaCalculator, _GeoPackageLayer
from ..writers import _quoted, _read_only, gdal_failures, gpkg_tables, split_layer, staged_vector

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


def _records(objects: Iterable[AcceptedObject], fields: Optional[dict[str, Optional[str]]] = None, single: bool = False):
    """Fiona records of the objects; ``fields``: the layer's field → the object attribute it holds (None: an extra field
    the analyst added, left empty; default OBJECT_FIELDS); ``single``: one-part geometries as Polygon (a Polygon layer)."""
    fields = fields if fields is not None else {k: k for k in OBJECT_FIELDS}
    for o in objects:
        props = {k: o.attrs.get(a) if a is not None else None for k, a in fields.items()}
        geom = o.geometry.geoms[0] if single and o.geometry.geom_type == "MultiPolygon" else o.geometry
        yield {"geometry": mapping(geom), "properties": props}


def write_objects(path: str, objects: list[AcceptedObject], crs, layer: str = LAYER) -> list[str]:
    """Write objects to a new GeoPackage (or a Shapefile, GeoJSON, FlatGeobuf by the extension) atomically (temporary
    file renamed at the end); returns what the format lost, in words (a Shapefile's text cut), for the run's summary
    (:func:`..writers.with_format_notes`)."""
    file, named = split_layer(path)  # 'results.gpkg|layername=roofs': that layer, the file's others kept
    lost: list[str] = []
    with staged_vector(file, keep_layers=named is not None, notes=lost) as gpkg:
        _write_layer(gpkg, objects, crs, named or layer, output=file)
    return lost


def _write_layer(path: str, objects: list[AcceptedObject], crs, layer: str, output: Optional[str] = None) -> None:
    """Create ``layer`` holding the objects in a GeoPackage (a new file, or one that holds other layers); a write that
    fails (a full disk) is an OutputError naming ``output`` (the file the GeoPackage is bound for). Written through
    OGR as the polygons are (:class:`..vectors._GeoPackageLayer`): fiona creates the table inside its first transaction,
    which a failed write rolls back, and its close then printed GDAL's 'no such table: main.objects'."""
    # what GDAL logs closing a rolled-back layer (its triggers made again) is no news: the write's own error is raised
    with gdal_failures():
        out = _GeoPackageLayer(path, layer, crs, OBJECT_FIELDS, output=output)
        try:
            for o in objects:
                out.add(o.geometry, o.attrs)
        except BaseException:
            out.abandon()
            raise
        out.close()


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
    with _objects_near(path, crs) as near:  # the file opened once for all the objects
        for o in objects:
            # the file's objects around this one (its own box: the box of them all read thousands of objects from a
            # full file for ten candidates, 1.3 s on the GUI thread)
            geom = without_overlaps(o.geometry, near(o.geometry.bounds) + [k.geometry for k in kept], pixel)
            if geom is None:
                dropped.append(o)
            elif geom is o.geometry:
                kept.append(o)
            else:
                kept.append(AcceptedObject(geom, dict(o.attrs, area_m2=round(areas.area_m2(geom), 3))))
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
    with _objects_near(path, crs, layer) as near:
        return near(bounds)


@contextmanager
def _objects_near(path: str, crs, layer: str = LAYER) -> Iterator[Callable[[tuple], list]]:
    """:func:`accepted_near` for many boxes with the file opened once: yields ``bounds`` → geometries (in ``crs``); no
    file, or one that cannot be read, has none (an unreadable file is reported when the object is appended)."""
    import fiona

    src = None
    if path and os.path.exists(path):
        try:
            src = fiona.open(path, layer=layer)
            to_file, back = _reprojector(crs.to_wkt(), src.crs_wkt), _reprojector(src.crs_wkt, crs.to_wkt())
        except Exception:  # noqa: BLE001 - see above
            if src is not None:
                src.close()
            src = None
    if src is None:
        yield lambda bounds: []
        return

    def near(bounds: tuple) -> list:
        from shapely.geometry import box

        try:
            query = (to_file(box(*bounds)) if to_file else box(*bounds)).bounds
            found = [shape(f["geometry"]) for f in src.filter(bbox=query) if f["geometry"] is not None]
        except Exception:  # noqa: BLE001 - see above
            return []
        return [back(g) for g in found] if back else found

    try:
        yield near
    finally:
        src.close()


def in_crs(objects: list[AcceptedObject], crs, target_wkt: str) -> list[AcceptedObject]:
    """The objects with their geometries in another CRS (given as WKT; unchanged when it is the same or unknown)."""
    to_target = _reprojector(crs.to_wkt() if crs is not None else "", target_wkt)
    return objects if to_target is None else [AcceptedObject(to_target(o.geometry), o.attrs) for o in objects]


def append_objects(path: str, objects: list[AcceptedObject], crs, layer: str = LAYER) -> list[int]:
    """Append objects (geometries in ``crs``) to a GeoPackage layer, creating it on first use (the map tool's Enter); a
    layer made from a raster in another CRS gets them reprojected into its own CRS (area_m2 is true area either way).
    A GeoPackage that holds other layers (or only a raster) but not this one gets it added beside them (they are left as
    they are); the layer is matched without regard to case. Returns the feature ids written (what a take-back deletes)."""
    import fiona

    if not os.path.exists(path):
        write_objects(path, objects, crs, layer)
        return written_fids(path, layer, 0)
    try:
        found = gpkg_tables(path).get(layer.lower())
        if found is None:
            _add_layer(path, objects, crs, layer)
            return written_fids(path, layer, 0)
        name, kind = found
        if kind != "features":
            raise OutputError(t("The table '{layer}' in '{name}' is not a layer of polygons (it is a raster or a table "
                                "without geometries).", layer=name, name=os.path.basename(path)), _fix(path, name))
        before = _top_fid(path, name)
        with fiona.open(path, "a", layer=name) as out:
            fields = _object_fields(out.schema["properties"], path, name)
            single = _takes_polygons(out.schema["geometry"], path, name)
            records = list(_records(_checked_parts(in_crs(objects, crs, out.crs_wkt), single, path, name), fields, single))
            out.writerecords(records)
    except OutputError:
        raise
    except Exception as exc:
        raise OutputError(t("Cannot append to '{path}': {reason}.", path=path, reason=exc),
                          t("Choose a GeoPackage you can write to, or a new file.")) from exc
    return written_fids(path, name, before)


def _fix(path: str, layer: str) -> str:
    """The fix for an objects layer that cannot take accepted objects."""
    return t("Choose a new objects file, or rename the layer '{layer}' in '{name}' so that a new one is made.", layer=layer,
             name=os.path.basename(path))


def _type_name(kind: str) -> str:
    """A fiona field type ('int', 'float', 'str:80') in words."""
    base = kind.split(":")[0]
    if base in ("int", "int32", "int64"):
        return t("integer")
    if base == "float":
        return t("decimal number")
    return t("text") if base == "str" else base


_TAKES = {"int": {"int", "int32", "int64", "float", "str"}, "float": {"float", "str"}, "str": {"str"}}
"""The field types (fiona's) that hold an attribute of each type unchanged: whole numbers fit a decimal or a text field
too (object_id stored as real or text), decimals and text only their own (an integer area_m2 or class would cut them)."""


def _object_fields(schema: dict, path: str, layer: str) -> dict[str, Optional[str]]:
    """The layer's fields → the object attribute each holds (names matched without regard to case; None for the fields
    the analyst added); an OutputError when a field is missing or of a type that cannot hold its attribute."""
    by_lower = {k.lower(): k for k in OBJECT_FIELDS}
    fields = {f: by_lower.get(f.lower()) for f in schema}
    missing = [k for k in OBJECT_FIELDS if k not in fields.values()]
    if missing:
        raise OutputError(t("The layer '{layer}' in '{name}' lacks the fields {fields}.", layer=layer, name=os.path.basename(path),
                            fields=", ".join(missing)), t("Choose a new GeoPackage for accepted objects."))
    bad = [t("'{field}' is {type} ({expected} expected)", field=f, type=_type_name(kind), expected=_type_name(OBJECT_FIELDS[a]))
           for f, kind in schema.items() if (a := fields[f]) and kind.split(":")[0] not in _TAKES[OBJECT_FIELDS[a]]]
    if bad:
        raise OutputError(t("The layer '{layer}' in '{name}' has fields of another type than accepted objects need: {fields}.",
                            layer=layer, name=os.path.basename(path), fields="; ".join(bad)), _fix(path, layer))
    return fields


def _takes_polygons(geometry: str, path: str, layer: str) -> bool:
    """Whether the layer holds single polygons (True) or multipolygons or any geometry (False); an OutputError for points,
    lines or a table without geometries."""
    kind = str(geometry).replace("3D ", "")
    if kind in ("MultiPolygon", "Unknown", "Any"):
        return False
    if kind == "Polygon":
        return True
    raise OutputError(t("The layer '{layer}' in '{name}' holds {type} geometries, but accepted objects are polygons.",
                        layer=layer, name=os.path.basename(path), type=kind), _fix(path, layer))


def _checked_parts(objects: list[AcceptedObject], single: bool, path: str, layer: str) -> list[AcceptedObject]:
    """The objects, each in one part when the layer holds single polygons (an OutputError naming the first that is not)."""
    for o in objects if single else ():
        if len(o.geometry.geoms) > 1:
            raise OutputError(t("The layer '{layer}' in '{name}' holds single polygons (Polygon), but object {id} has {n} "
                                "parts.", layer=layer, name=os.path.basename(path), id=o.attrs.get("object_id"),
                                n=len(o.geometry.geoms)), _fix(path, layer))
    return objects


def _top_fid(path: str, layer: str) -> int:
    """The largest feature id of a GeoPackage table (0 when it is empty or no GeoPackage): those written after it are ours."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(_read_only(path)) as db:
            return int(db.execute(f"SELECT MAX(rowid) FROM {_quoted(layer)}").fetchone()[0] or 0)
    except (sqlite3.Error, TypeError, ValueError):
        return 0


def written_fids(path: str, layer: str, after: int) -> list[int]:
    """The feature ids of a GeoPackage table above ``after`` (those just written: GeoPackage ids only grow); [] when the
    file is no GeoPackage."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(_read_only(path)) as db:
            return [int(r[0]) for r in db.execute(f"SELECT rowid FROM {_quoted(layer)} WHERE rowid > ? ORDER BY rowid", (after,))]
    except sqlite3.Error:
        return []


def stored_fids(path: str, fids: Iterable[int], layer: str = LAYER) -> list[int]:
    """Those of these feature ids that a GeoPackage table still holds (the others were deleted since, e.g. in QGIS); all
    of them when the file cannot be read as a GeoPackage (the delete then says what is wrong)."""
    import sqlite3
    from contextlib import closing

    fids = [int(f) for f in fids]
    if not fids:
        return []
    try:
        with closing(_read_only(path)) as db:
            marks = ", ".join("?" * len(fids))
            found = {int(r[0]) for r in db.execute(f"SELECT rowid FROM {_quoted(layer)} WHERE rowid IN ({marks})", fids)}
    except sqlite3.Error:
        return fids
    return [f for f in fids if f in found]


def _add_layer(path: str, objects: list[AcceptedObject], crs, layer: str) -> None:
    """Create ``layer`` with these objects in an existing GeoPackage (GDAL adds it in SQLite transactions, the other
    tables untouched); a failure removes the half-made layer again."""
    try:
        _write_layer(path, objects, crs, layer)
    except BaseException:
        try:
            if layer.lower() in gpkg_tables(path):
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
    def of_object(lyr) -> list[int]:
        lyr.SetAttributeFilter(f"object_id = {int(object_id)}")
        fids = [f.GetFID() for f in lyr]
        lyr.SetAttributeFilter(None)
        return fids

    return _delete_features(path, layer, of_object)


def remove_features(path: str, fids: Iterable[int], layer: str = LAYER) -> int:
    """Delete these features (by feature id, as :func:`append_objects` returned them) from a GeoPackage layer: an Accept
    taken back removes exactly the rows it wrote, whatever object_id others hold; returns how many were deleted."""
    return _delete_features(path, layer, lambda lyr: [int(fid) for fid in fids])


def _delete_features(path: str, layer: str, pick) -> int:
    """Open a GeoPackage for update and delete the features ``pick(ogr_layer)`` names; returns how many were deleted."""
    from osgeo import ogr

    ds = ogr.Open(path, 1)
    if ds is None:
        raise OutputError(t("Cannot open '{path}' to take the object back.", path=path),
                          t("Check that the file exists and is not read-only."))
    try:
        lyr = ds.GetLayerByName(layer)
        if lyr is None:
            return 0
        return sum(lyr.DeleteFeature(fid) == ogr.OGRERR_NONE for fid in pick(lyr))
    finally:
        ds = None  # closes and writes the file


def _as_int(value) -> int:
    """An object_id read from a layer (integer, real or text) as an integer; 0 when it is none."""
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def next_object_id(path: str, layer: str = LAYER) -> int:
    """1 + the largest object_id already in a GeoPackage layer (1 when it does not exist), compared as numbers (an
    object_id stored as text: '10' > '9'). Asked of SQLite directly: reading every feature took 0.5 s an Accept with
    20 000 objects."""
    import sqlite3
    from contextlib import closing

    import fiona

    if not os.path.exists(path):
        return 1
    try:
        with closing(_read_only(path)) as db:
            top = db.execute(f'SELECT MAX(CAST("object_id" AS INTEGER)) FROM {_quoted(layer)}').fetchone()[0]
        return int(top or 0) + 1
    except (sqlite3.Error, TypeError, ValueError):  # not a GeoPackage table of that name: read it as OGR does
        pass
    try:
        with fiona.open(path, layer=layer) as src:
            ids = [_as_int(f["properties"].get("object_id")) for f in src]
    except Exception:
        return 1
    return (max(ids) if ids else 0) + 1
