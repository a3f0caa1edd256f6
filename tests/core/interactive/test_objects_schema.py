"""Accepted objects appended to objects layers the analyst made or changed: text ids, added fields, other field and
geometry types, a layer name in another case, a GeoPackage holding only a raster."""
from __future__ import annotations

import fiona
import numpy as np
import pytest
from fiona.crs import CRS as FionaCRS
from rasterio.crs import CRS
from shapely.geometry import MultiPolygon, Point, box, mapping

from conftest import write_raster
from terraprompt.plugin.core.errors import OutputError
from terraprompt.plugin.core.interactive.objects import OBJECT_FIELDS, append_objects, make_object, next_object_id

UTM = CRS.from_epsg(32633)


def _roof(oid, x=500000, parts=1):
    geom = MultiPolygon([box(x + 3 * i, 4500000, x + 3 * i + 2, 4500002) for i in range(parts)])
    return make_object(geom, UTM, oid, "building", 0.9, 1, 0, "points", "m", "0" * 64, "a.tif")


def _layer(path, fields, geometry="MultiPolygon", layer="objects", ids=(1,)):
    """A GeoPackage layer as another tool or the analyst made it, holding one feature per id."""
    shapes = {"MultiPolygon": MultiPolygon([box(0, 0, 1, 1)]), "Polygon": box(0, 0, 1, 1), "Point": Point(0, 0)}
    with fiona.open(str(path), "w", driver="GPKG", layer=layer, crs=FionaCRS.from_epsg(32633),
                    schema={"geometry": geometry, "properties": fields}) as out:
        for i in ids:
            props = dict({k: None for k in fields}, object_id=i)
            props["class"] = "surveyed roof" if fields.get("class", "str").startswith("str") else 3
            out.write({"geometry": mapping(shapes[geometry]), "properties": props})
    return str(path)


def _rows(path, layer="objects"):
    with fiona.open(path, layer=layer) as fc:
        return [(f.id, dict(f["properties"]), f["geometry"]["type"]) for f in fc]


def test_text_object_ids_count_as_numbers_and_take_back_removes_only_the_rows_written(tmp_path):
    """object_id stored as text '1'..'10': the next id is 11 (not '9' + 1, the id of an object already there), and the
    feature ids append_objects returns delete exactly the new object, the analyst's ones stay."""
    path = _layer(tmp_path / "roofs.gpkg", dict(OBJECT_FIELDS, object_id="str"), ids=[str(i) for i in range(1, 11)])
    assert next_object_id(path) == 11
    from terraprompt.plugin.core.interactive.objects import remove_features

    fids = append_objects(path, [_roof(11), _roof(12, x=500010)], UTM)
    assert [int(p["object_id"]) for _, p, _ in _rows(path)] == list(range(1, 13)) and next_object_id(path) == 13
    assert len(fids) == 2 and remove_features(path, fids) == 2
    assert [p["object_id"] for _, p, _ in _rows(path)] == [str(i) for i in range(1, 11)]


def test_a_field_the_analyst_added_is_left_empty(tmp_path):
    """A 'verified' field added to the objects layer in QGIS: later objects are still appended, the field left empty."""
    path = _layer(tmp_path / "acc.gpkg", dict(OBJECT_FIELDS, verified="int"))
    assert append_objects(path, [_roof(2)], UTM) == [2]
    (_, first, _), (_, new, _) = _rows(path)
    assert new["object_id"] == 2 and new["class"] == "building" and new["verified"] is None and new["area_m2"] > 0


def test_fields_of_another_type_are_refused_naming_them(tmp_path):
    """class and area_m2 as integers would take 0 and a cut area: refused, naming each field, its type and the type it
    needs, with the fix, and the file unchanged; object_id as real or text holds whole numbers unchanged: written."""
    path = _layer(tmp_path / "codes.gpkg", dict(OBJECT_FIELDS, **{"class": "int", "area_m2": "int"}))
    with pytest.raises(OutputError) as exc:
        append_objects(path, [_roof(2)], UTM)
    text = str(exc.value)
    assert "'class' is integer (text expected)" in text and "'area_m2' is integer (decimal number expected)" in text
    assert "Choose a new objects file" in text and "disk" not in text
    assert len(_rows(path)) == 1
    for kind in ("float", "str"):
        ok = _layer(tmp_path / f"id_{kind}.gpkg", dict(OBJECT_FIELDS, object_id=kind))
        append_objects(ok, [_roof(next_object_id(ok))], UTM)
        assert float(_rows(ok)[-1][1]["object_id"]) == 2 and _rows(ok)[-1][1]["area_m2"] > 0


def test_a_geopackage_holding_only_a_raster_gets_the_objects_layer_beside_it(tmp_path):
    """The imagery GeoPackage chosen as objects file: the 'objects' layer is added, the raster stays readable."""
    from osgeo import gdal

    tif = write_raster(str(tmp_path / "img.tif"), np.arange(100, dtype=np.uint8).reshape(1, 10, 10), crs="EPSG:32633")
    path = str(tmp_path / "imagery.gpkg")
    gdal.Translate(path, tif, format="GPKG", creationOptions=["RASTER_TABLE=image"])
    assert next_object_id(path) == 1
    assert append_objects(path, [_roof(1)], UTM) == [1]
    assert append_objects(path, [_roof(next_object_id(path), x=500010)], UTM) == [2]
    assert [p["object_id"] for _, p, _ in _rows(path)] == [1, 2]
    ds = gdal.OpenEx(path, gdal.OF_RASTER)
    assert ds.RasterXSize == 10 and ds.GetRasterBand(1).ReadAsArray()[9, 9] == 99


def test_the_objects_layer_is_found_in_another_case(tmp_path):
    """A layer named 'Objects': appended to (no second layer, no 'already exists' failure)."""
    path = _layer(tmp_path / "caps.gpkg", dict(OBJECT_FIELDS), layer="Objects")
    assert append_objects(path, [_roof(2)], UTM) == [2]
    assert fiona.listlayers(path) == ["Objects"] and [p["object_id"] for _, p, _ in _rows(path, "Objects")] == [1, 2]


def test_a_polygon_layer_takes_single_part_objects_and_other_geometries_are_refused(tmp_path):
    """A Polygon 'objects' layer (QGIS's New GeoPackage Layer dialog): one-part objects are written as polygons, a
    multi-part one is refused naming the layer's type; a Point layer is refused naming Point, never as a disk problem."""
    path = _layer(tmp_path / "poly.gpkg", dict(OBJECT_FIELDS), geometry="Polygon")
    assert append_objects(path, [_roof(2)], UTM) == [2]
    assert _rows(path)[-1][2] == "Polygon" and _rows(path)[-1][1]["class"] == "building"
    with pytest.raises(OutputError, match=r"holds single polygons \(Polygon\), but object 3 has 2 parts"):
        append_objects(path, [_roof(3, parts=2)], UTM)
    points = _layer(tmp_path / "points.gpkg", dict(OBJECT_FIELDS), geometry="Point")
    with pytest.raises(OutputError, match="holds Point geometries, but accepted objects are polygons") as exc:
        append_objects(points, [_roof(2)], UTM)
    assert "disk" not in str(exc.value) and len(_rows(points)) == 1 and len(_rows(path)) == 2
