"""GeoJSON outputs: MultiPolygons as in every other format (the RFC 7946 path, for a CRS without an EPSG code, wrote
Polygons), and an empty GeoJSON, which carries no fields, says so."""
from __future__ import annotations

import json

import pytest
from osgeo import ogr
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.geometry import box, shape

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.raster import Grid
from terraprompt.plugin.core.vectors import Polygon as Poly, write_polygons

LAEA = "+proj=laea +lat_0=40 +lon_0=-4 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
PACIFIC = "+proj=laea +lat_0=0 +lon_0=180 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"


def _geometry_types(path: str) -> tuple[str, set[str]]:
    """(the layer's geometry type, the features' geometry types) as GDAL reads them back."""
    ds = ogr.Open(path)
    layer = ds.GetLayer(0)
    return ogr.GeometryTypeToName(layer.GetGeomType()), {f.GetGeometryRef().GetGeometryName() for f in layer}


@pytest.mark.parametrize("crs", ["EPSG:32633", LAEA])
def test_geojson_polygons_are_multipolygons_whatever_the_crs(tmp_path, crs):
    grid = Grid(CRS.from_string(crs), from_origin(0, 0, 10, 10), 100, 100)
    polys = [Poly(box(100, -500, 400, -200), 1, 0.9, 900), Poly(box(600, -900, 800, -700), 1, 0.8, 400)]
    out = str(tmp_path / "water.geojson")
    written = write_polygons(out, iter(polys), grid, {1: "water"}, {})
    assert written.features == 2
    assert _geometry_types(out) == ("Multi Polygon", {"MULTIPOLYGON"})
    gpkg = str(tmp_path / "water.gpkg")
    write_polygons(gpkg, iter(polys), grid, {1: "water"}, {})
    assert _geometry_types(gpkg) == _geometry_types(out)


def test_geojson_polygon_across_the_antimeridian_is_still_cut_there(tmp_path):
    """RFC 7946 asks for a polygon crossing the antimeridian cut in two: done by the translation now, not the driver."""
    grid = Grid(CRS.from_proj4(PACIFIC), from_origin(-10000, 10000, 10, 10), 2000, 2000)
    out = str(tmp_path / "across.geojson")
    write_polygons(out, iter([Poly(box(-5000, -5000, 5000, 5000), 1, 0.9, 10000)]), grid, {1: "water"}, {})
    with open(out, encoding="utf-8") as fh:
        geom = shape(json.load(fh)["features"][0]["geometry"])
    assert geom.geom_type == "MultiPolygon" and len(geom.geoms) == 2
    assert all(-180 <= x <= 180 for part in geom.geoms for x, _ in part.exterior.coords)
    assert sorted(round(part.bounds[0]) for part in geom.geoms) == [-180, 180]


@pytest.mark.parametrize("crs", ["EPSG:32633", LAEA])
def test_an_empty_geojson_says_it_carries_no_fields(tmp_path, crs):
    grid = Grid(CRS.from_string(crs), from_origin(0, 0, 10, 10), 100, 100)
    out = str(tmp_path / "none.geojson")
    written = write_polygons(out, iter([]), grid, {1: "water"}, {})
    assert written.features == 0
    assert written.notes == ["GeoJSON: 'none.geojson' holds no polygons, and an empty GeoJSON keeps neither the fields "
                             "(area_m2, class ...) nor the geometry type, so a later step that reads a field fails; write a "
                             "GeoPackage (.gpkg) or FlatGeobuf (.fgb) to keep them"]
    ds = ogr.Open(out)
    assert ds.GetLayer(0).GetLayerDefn().GetFieldCount() == 0  # GDAL 3.6: a GeoJSON's fields come from its features


@pytest.mark.parametrize("ext", [".gpkg", ".fgb", ".shp"])
def test_empty_outputs_in_formats_with_a_schema_need_no_note(tmp_path, ext):
    grid = Grid(CRS.from_epsg(32633), from_origin(0, 0, 10, 10), 100, 100)
    out = str(tmp_path / f"none{ext}")
    written = write_polygons(out, iter([]), grid, {1: "water"}, {})
    assert written.notes == []
    assert ogr.Open(out).GetLayer(0).GetLayerDefn().GetFieldIndex("area_m2") >= 0


def test_a_geojson_with_polygons_gets_no_empty_note(tmp_path):
    grid = Grid(CRS.from_epsg(32633), from_origin(0, 0, 10, 10), 100, 100)
    written = write_polygons(str(tmp_path / "one.geojson"), iter([Poly(box(100, -500, 400, -200), 1, 0.9, 900)]), grid,
                             {1: "water"}, {})
    assert written.features == 1 and written.notes == []


def test_landcover_explanation_says_the_empty_geojson_has_no_fields(tmp_path):
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    data, _, _ = synthetic_s2(60, 80)
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    res = extract_landcover(ExtractRequest(input=src, prompt="snow larger than 100 ha", output_raster=str(tmp_path / "lc.tif"),
                                           output_vector=str(tmp_path / "lc.geojson")))
    assert "GeoJSON: 'lc.geojson' holds no polygons" in res.explanation
