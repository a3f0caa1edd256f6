"""Accepted objects: appended to a GeoPackage layer made earlier, also from a raster in another CRS."""
from __future__ import annotations

import fiona
import pytest
from pyproj import Transformer
from rasterio.crs import CRS
from shapely.geometry import MultiPolygon, box, shape

from terraprompt.plugin.core.errors import OutputError
from terraprompt.plugin.core.interactive.objects import append_objects, make_object, next_object_id


def _roof(crs, x0, y0, x1, y1, oid, source):
    return make_object(MultiPolygon([box(x0, y0, x1, y1)]), crs, oid, "building", 0.9, 1, 0, "points", "m", "0" * 64, source)


def test_objects_from_a_raster_in_another_crs_land_in_place(tmp_path):
    path = str(tmp_path / "roofs.gpkg")
    utm, geo = CRS.from_epsg(32633), CRS.from_epsg(4326)
    append_objects(path, [_roof(utm, 500000, 4500000, 500010, 4500010, 1, "utm.tif")], utm)
    to_geo = Transformer.from_crs(32633, 4326, always_xy=True)
    (x0, y0), (x1, y1) = to_geo.transform(500020, 4500000), to_geo.transform(500030, 4500010)
    assert next_object_id(path) == 2
    append_objects(path, [_roof(geo, x0, y0, x1, y1, 2, "web view (EPSG:4326)")], geo)  # e.g. a rendered web layer
    with fiona.open(path) as fc:
        assert CRS.from_wkt(fc.crs_wkt).to_epsg() == 32633
        feats = {f["properties"]["object_id"]: f for f in fc}
    b = shape(feats[2]["geometry"]).bounds
    assert b == pytest.approx((500020, 4500000, 500030, 4500010), abs=0.01)  # in the layer's CRS, beside object 1
    assert feats[2]["properties"]["area_m2"] == pytest.approx(feats[1]["properties"]["area_m2"], rel=1e-3)


def test_a_layer_without_the_object_fields_is_refused(tmp_path):
    path = str(tmp_path / "other.gpkg")
    utm = CRS.from_epsg(32633)
    with fiona.open(path, "w", driver="GPKG", layer="objects", crs_wkt=utm.to_wkt(),
                    schema={"geometry": "MultiPolygon", "properties": {"name": "str"}}) as out:
        out.write({"geometry": {"type": "MultiPolygon", "coordinates": [[[(0, 0), (1, 0), (1, 1), (0, 0)]]]},
                   "properties": {"name": "x"}})
    with pytest.raises(OutputError, match="lacks the fields"):
        append_objects(path, [_roof(utm, 0, 0, 1, 1, 1, "a.tif")], utm)


def test_next_object_id_in_odd_paths_and_other_layers(tmp_path):
    folder = tmp_path / "Données été"
    folder.mkdir()
    path = str(folder / "toits #1.gpkg")
    utm = CRS.from_epsg(32633)
    assert next_object_id(path) == 1
    append_objects(path, [_roof(utm, 0, 0, 1, 1, 7, "a.tif"), _roof(utm, 2, 0, 3, 1, 3, "a.tif")], utm)
    assert next_object_id(path) == 8
    assert next_object_id(path, layer="no_such_layer") == 1


def test_remove_object_takes_one_object_out(tmp_path):
    from terraprompt.plugin.core.interactive.objects import remove_object

    path = str(tmp_path / "roofs.gpkg")
    utm = CRS.from_epsg(32633)
    append_objects(path, [_roof(utm, 0, 0, 1, 1, 1, "a.tif"), _roof(utm, 2, 0, 3, 1, 2, "a.tif")], utm)
    assert remove_object(path, 2) == 1 and remove_object(path, 9) == 0
    with fiona.open(path) as fc:
        assert [f["properties"]["object_id"] for f in fc] == [1]
    assert next_object_id(path) == 2


def test_without_overlaps_keeps_neighbours_apart_and_drops_slivers():
    from terraprompt.plugin.core.interactive.objects import without_overlaps

    first = box(0, 0, 10, 10)
    new = MultiPolygon([box(8, 0, 20, 10)])  # leaks 2 m into the roof accepted before
    cut = without_overlaps(new, [first, box(100, 100, 101, 101)], 0.5)  # 0.5 m pixels
    assert cut.area == pytest.approx(100.0) and cut.intersection(first).area == 0
    assert without_overlaps(MultiPolygon([box(1, 1, 9, 9)]), [first], 0.5) is None  # all of it lies on the first
    assert without_overlaps(MultiPolygon([box(0, 0, 10.8, 10)]), [first], 0.5) is None  # a 0.8 m strip along its edge
    assert without_overlaps(new, [box(30, 30, 40, 40)], 0.5) is new  # nothing near: unchanged


def test_accepted_near_reads_the_file_in_the_raster_crs(tmp_path):
    from terraprompt.plugin.core.interactive.objects import accepted_near

    path = str(tmp_path / "roofs.gpkg")
    utm, geo = CRS.from_epsg(32633), CRS.from_epsg(4326)
    append_objects(path, [_roof(utm, 500000, 4500000, 500010, 4500010, 1, "a.tif"),
                          _roof(utm, 501000, 4500000, 501010, 4500010, 2, "a.tif")], utm)
    to_geo = Transformer.from_crs(32633, 4326, always_xy=True)
    (x0, y0), (x1, y1) = to_geo.transform(500005, 4500000), to_geo.transform(500015, 4500010)
    near = accepted_near(path, box(x0, y0, x1, y1).bounds, geo)  # a roof clicked on a layer in EPSG:4326
    assert len(near) == 1 and near[0].bounds[0] == pytest.approx(to_geo.transform(500000, 4500000)[0], abs=1e-7)
    assert accepted_near(str(tmp_path / "none.gpkg"), (0, 0, 1, 1), utm) == []


def test_objects_are_added_beside_the_other_layers_of_a_geopackage(tmp_path):
    """A GeoPackage chosen for accepted objects that already holds 'roads': an 'objects' layer is added beside it, which
    later objects are appended to, and 'roads' stays as it was."""
    path = str(tmp_path / "city.gpkg")
    utm = CRS.from_epsg(32633)
    schema = {"geometry": "LineString", "properties": {"name": "str"}}
    with fiona.open(path, "w", driver="GPKG", layer="roads", crs_wkt=utm.to_wkt(), schema=schema) as out:
        out.write({"geometry": {"type": "LineString", "coordinates": [(500000, 4499900), (500100, 4499900)]},
                   "properties": {"name": "main street"}})
    assert next_object_id(path) == 1
    append_objects(path, [_roof(utm, 500000, 4500000, 500010, 4500010, 1, "a.tif")], utm)
    append_objects(path, [_roof(utm, 500020, 4500000, 500030, 4500010, next_object_id(path), "a.tif")], utm)
    assert sorted(fiona.listlayers(path)) == ["objects", "roads"]
    with fiona.open(path, layer="objects") as fc:
        assert [f["properties"]["object_id"] for f in fc] == [1, 2] and CRS.from_wkt(fc.crs_wkt).to_epsg() == 32633
    with fiona.open(path, layer="roads") as fc:
        (road,) = list(fc)
    assert road["properties"]["name"] == "main street" and road["geometry"]["coordinates"][1] == (500100, 4499900)
