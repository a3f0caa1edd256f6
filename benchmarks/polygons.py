"""Polygon output benchmark (`make bench-polygons`): class raster → GeoPackage polygons with areas and attributes.

A speckled land-cover map (7 classes from a smooth random field, 3 % salt-and-pepper pixels, as a per-pixel
classifier gives on a city) of SIZE x SIZE pixels in UTM and in EPSG:4326 is polygonised the way extract_landcover and
detect_change write polygons (plugin.core.vectors: windows merged across their edges, simplified outlines, true areas,
12 attributes), against a bare baseline measured in the same run: GDAL's Polygonize of the same raster into a
GeoPackage (C, 4-connected, one integer attribute, no areas, no simplification). Reports seconds, features per second,
the ratio to the bare baseline and peak RSS; writes out/bench_polygons.json. Options: --size 3000
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

from common import plugin_on_path, report, rss_mb  # noqa: E402 (benchmarks/ is the script folder)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "out")


def speckled_map(path: str, size: int, crs: str) -> str:
    """A uint8 class raster (1-7, 255 nodata unused) of smooth regions with 3 % isolated pixels of other classes."""
    import rasterio
    from rasterio.transform import from_origin
    from scipy import ndimage

    rng = np.random.default_rng(7)
    field = ndimage.gaussian_filter(rng.normal(size=(size, size)).astype(np.float32), 12)
    edges = np.quantile(field, np.linspace(0, 1, 8)[1:-1])
    cls = (np.digitize(field, edges) + 1).astype(np.uint8)
    noise = rng.random((size, size)) < 0.03
    cls[noise] = rng.integers(1, 8, int(noise.sum()), dtype=np.uint8)
    tr = from_origin(300000, 5000000, 10, 10) if crs != "EPSG:4326" else from_origin(10.0, 60.0, 1e-4, 1e-4)
    with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=1, dtype="uint8", crs=crs, transform=tr,
                       nodata=255, tiled=True) as ds:
        ds.write(cls, 1)
    return path


def ours(path: str, out: str) -> tuple[float, int]:
    """Seconds and feature count of plugin.core.vectors.polygonize + write_polygons."""
    import rasterio

    from terraprompt.plugin.core.raster import Grid
    from terraprompt.plugin.core.vectors import polygonize, write_polygons

    with rasterio.open(path) as ds:
        grid = Grid(ds.crs, ds.transform, ds.width, ds.height)
    names = {v: f"class{v}" for v in range(1, 8)}
    common = {"source": "bench", "modality": "map", "engine": "bench", "model": "", "model_sha256": "", "prompt": "bench"}
    t0 = time.perf_counter()
    written = write_polygons(out, polygonize(path), grid, names, common)
    seconds = time.perf_counter() - t0
    import fiona

    with fiona.open(out) as fc:
        n = len(fc)
    assert written.features == n > 0
    return seconds, n


def bare(path: str, out: str) -> tuple[float, int]:
    """Seconds and feature count of GDAL's Polygonize into a GeoPackage."""
    from osgeo import gdal, ogr

    t0 = time.perf_counter()
    src = gdal.Open(path)
    band = src.GetRasterBand(1)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(out)
    layer = ds.CreateLayer("bare", src.GetSpatialRef(), ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("value", ogr.OFTInteger))
    layer.StartTransaction()
    gdal.Polygonize(band, band.GetMaskBand(), layer, 0, [])
    layer.CommitTransaction()
    n = layer.GetFeatureCount()
    ds = None
    return time.perf_counter() - t0, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=3000)
    a = ap.parse_args()
    plugin_on_path()
    res = {"size": a.size, "cases": []}
    with tempfile.TemporaryDirectory() as tmp:
        for crs in ("EPSG:32633", "EPSG:4326"):
            src = speckled_map(os.path.join(tmp, f"map_{crs[5:]}.tif"), a.size, crs)
            tb, nb = bare(src, os.path.join(tmp, f"bare_{crs[5:]}.gpkg"))
            to, no = ours(src, os.path.join(tmp, f"ours_{crs[5:]}.gpkg"))
            case = {"crs": crs, "features": no, "bare_features": nb, "seconds": round(to, 1), "bare_seconds": round(tb, 1),
                    "features_per_s": round(no / to), "ratio_to_bare": round(to / tb, 2)}
            res["cases"].append(case)
            print(case, flush=True)
    res["peak_rss_mb"] = round(rss_mb())
    report(res, os.path.join(OUT, "bench_polygons.json"))


if __name__ == "__main__":
    sys.exit(main())
