"""Polygons keep the raster's CRS (UTM in feet, no EPSG code), lon/lat outlines are measured along parallels, and a
cancelled write leaves no GDAL error on stderr."""
from __future__ import annotations

import math

import numpy as np
import pytest
import rasterio
from affine import Affine
from osgeo import ogr, osr
from pyproj import Transformer
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.geometry import box

from conftest import write_raster
from terraprompt.plugin.core.errors import Cancelled
from terraprompt.plugin.core.raster import Grid
from terraprompt.plugin.core.vectors import AreaCalculator, along_parallels, polygonize, write_polygons

FT = 0.3048
A, F = 6378137.0, 1 / 298.257223563
E2 = F * (2 - F)


def quad_area(lat1: float, lat2: float, dlon_deg: float) -> float:
    """Exact area (m²) of a latitude/longitude quadrangle on the WGS 84 ellipsoid (authalic formula)."""
    e = math.sqrt(E2)

    def q(phi: float) -> float:
        s = math.sin(math.radians(phi))
        return s / (1 - E2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)

    return A * A * (1 - E2) * math.radians(dlon_deg) / 2 * (q(lat2) - q(lat1))


def _foot_utm_raster(tmp_path) -> tuple[str, Grid]:
    """A class raster in UTM zone 36N with international-foot units and no EPSG code, as GDAL reads it back (its base
    CRS EPSG:4326: the case GDAL's AutoIdentifyEPSG mistook for EPSG:32636, in metres), near Beirut."""
    cls = np.zeros((60, 60), np.uint8)
    cls[10:30, 10:40] = 1  # 200 m x 300 m
    tr = Affine(10 / FT, 0, 700000 / FT, 0, -10 / FT, 3750000 / FT)
    path = write_raster(str(tmp_path / "ft.tif"), cls, crs=CRS.from_proj4("+proj=utm +zone=36 +datum=WGS84 +units=ft"),
                        transform=tr, nodata=255)
    with rasterio.open(path) as ds:
        assert "foot" in ds.crs.to_wkt() and ds.crs.to_epsg() is None
        return path, Grid(ds.crs, ds.transform, ds.width, ds.height)


@pytest.mark.parametrize("ext", [".gpkg", ".fgb", ".shp", ".geojson"])
def test_foot_utm_polygons_keep_their_crs_and_place(tmp_path, ext):
    """The polygon file declares the raster's CRS in feet (GeoJSON: RFC 7946 lon/lat), so its polygons lie where the
    pixels are: before, it declared EPSG:32636 (metres) and they read 10 000 km away."""
    path, grid = _foot_utm_raster(tmp_path)
    out = str(tmp_path / f"poly{ext}")
    written = write_polygons(out, polygonize(path), grid, {1: "water"}, {})
    assert written.features == 1
    ds = ogr.Open(out)
    layer = ds.GetLayer(0)
    srs = layer.GetSpatialRef()
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    if ext == ".geojson":
        assert srs.IsGeographic()
    else:
        assert srs.GetLinearUnits() == pytest.approx(FT) and srs.GetAuthorityCode(None) is None
        assert srs.IsSame(osr.SpatialReference(grid.crs.to_wkt()), ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"])
    feat = layer.GetNextFeature()
    c = feat.GetGeometryRef().Centroid()
    lon, lat = Transformer.from_crs(srs.ExportToWkt(), "EPSG:4326", always_xy=True).transform(c.GetX(), c.GetY())
    want = Transformer.from_crs("EPSG:32636", "EPSG:4326", always_xy=True).transform(700250, 3749800)
    assert (lon, lat) == pytest.approx(want, abs=1e-5)
    metres = AreaCalculator(CRS.from_epsg(32636)).area_m2(box(700100, 3749700, 700400, 3749900))
    assert feat.GetField("area_m2") == pytest.approx(metres, rel=1e-6)


def test_an_identified_crs_keeps_its_epsg_code(tmp_path):
    """A CRS GDAL stores correctly keeps its EPSG row (only a wrongly identified one gets a row of its own)."""
    cls = np.zeros((20, 20), np.uint8)
    cls[5:10, 5:10] = 1
    for epsg, tr in ((32633, from_origin(500000, 4500000, 10, 10)), (4326, from_origin(10.0, 60.0, 1e-4, 1e-4))):
        path = write_raster(str(tmp_path / f"c{epsg}.tif"), cls, crs=f"EPSG:{epsg}", transform=tr, nodata=255)
        out = str(tmp_path / f"p{epsg}.gpkg")
        write_polygons(out, polygonize(path), Grid(CRS.from_epsg(epsg), tr, 20, 20), {1: "water"}, {})
        ds = ogr.Open(out)  # held: a layer outliving its dataset crashes GDAL's bindings
        srs = ds.GetLayer(0).GetSpatialRef()
        assert (srs.GetAuthorityName(None), srs.GetAuthorityCode(None)) == ("EPSG", str(epsg))


def test_a_large_lonlat_object_is_measured_along_parallels(tmp_path):
    """A 10° x 1° block of 0.01° pixels at 75°N: its edges are parallels, not geodesics (before: 0.46 % short)."""
    res = 0.01
    tr = from_origin(0.0, 76.0, res, res)
    cls = np.zeros((120, 1020), np.uint8)
    cls[0:100, 0:1000] = 1
    path = write_raster(str(tmp_path / "ll.tif"), cls, crs="EPSG:4326", transform=tr, nodata=255)
    out = str(tmp_path / "ll.gpkg")
    written = write_polygons(out, polygonize(path), Grid(CRS.from_epsg(4326), tr, 1020, 120), {1: "ice"}, {})
    assert written.areas_m2["ice"] == pytest.approx(quad_area(75.0, 76.0, 10.0), rel=1e-6)
    calc = AreaCalculator(CRS.from_epsg(4326))
    ring = box(0, 70, 2, 70.5).difference(box(0.5, 70.1, 1.5, 70.4))  # a hole's edges too
    truth = quad_area(70, 70.5, 2) - quad_area(70.1, 70.4, 1)
    assert calc.outline_area_m2(ring) == pytest.approx(truth, rel=1e-7)


def test_short_edges_are_left_as_they_are():
    """An outline whose edges are all at most 0.01° of longitude is measured as it is (no copy: the common case)."""
    small = box(10.0, 60.0, 10.01, 61.0)
    assert along_parallels(small, 0.01) is small
    dense = along_parallels(box(10.0, 60.0, 10.025, 60.01), 0.01)
    assert len(dense.exterior.coords) == 5 + 2 * 2  # two long edges cut in three
    assert dense.equals(box(10.0, 60.0, 10.025, 60.01))


@pytest.mark.parametrize("checks_before_cancel", [0, 2])
def test_a_cancelled_write_prints_no_gdal_error(tmp_path, capfd, checks_before_cancel):
    """A cancel before or while the polygons are written removes the temporary GeoPackage silently: before, closing it
    after the rollback printed 'ERROR 1: failed to prepare SQL: ... no such table: landcover' on stderr."""
    cls = np.zeros((200, 200), np.uint8)
    cls[::2, ::2] = 1
    path = write_raster(str(tmp_path / "c.tif"), cls, nodata=255)
    grid = Grid(CRS.from_epsg(32633), from_origin(500000, 4500000, 10, 10), 200, 200)
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > checks_before_cancel

    capfd.readouterr()
    with pytest.raises(Cancelled):
        write_polygons(str(tmp_path / "out.gpkg"), polygonize(path, window_size=100, is_cancelled=cancelled), grid,
                       {1: "water"}, {})
    err = capfd.readouterr().err
    assert "ERROR" not in err and "no such table" not in err
    assert sorted(f.name for f in tmp_path.iterdir()) == ["c.tif"]


def test_foot_layers_added_to_one_geopackage_share_their_crs_row(tmp_path):
    """Layers written into one GeoPackage (file.gpkg|layername=...) in one foot CRS share one CRS row of their own."""
    path, grid = _foot_utm_raster(tmp_path)
    out = str(tmp_path / "poly.gpkg")
    for name in ("water", "forest", "water"):
        write_polygons(f"{out}|layername={name}", polygonize(path), grid, {1: name}, {})
    ds = ogr.Open(out)
    layers = [ds.GetLayer(i) for i in range(ds.GetLayerCount())]
    units = sorted((layer.GetName(), layer.GetSpatialRef().GetLinearUnits()) for layer in layers)
    assert units == [("forest", pytest.approx(FT)), ("water", pytest.approx(FT))]
    rows = ds.ExecuteSQL("SELECT srs_id FROM gpkg_spatial_ref_sys WHERE srs_id >= 100000")
    assert len(list(rows)) == 1
    ds.ReleaseResultSet(rows)
