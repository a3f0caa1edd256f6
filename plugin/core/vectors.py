"""Polygons from class rasters: streamed by windows, merged across window edges, true areas.

A class raster is polygonised window by window. Objects wholly inside a window
are emitted at once; objects touching an internal window edge are kept aside
and unioned with their neighbours at the end, so an object spanning tiles
becomes one feature. Areas are geodesic (WGS 84 ellipsoid) in square metres,
whatever the CRS.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Callable, Collection, Iterator, Optional

import numpy as np
import rasterio
from pyproj import CRS as PCRS, Geod, Transformer
from rasterio.features import shapes
from rasterio.windows import Window
from scipy import ndimage
from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient
from shapely.ops import transform as shp_transform, unary_union

from .outlines import ground_x_scale, pixel_side, straighten
from .raster import Grid
from .writers import commit, remove_quietly, temp_path_for

_GEOD = Geod(ellps="WGS84")


@dataclass
class Polygon:
    """One output object: geometry in the raster CRS, class value, mean confidence, pixel count."""

    geom: object
    value: int
    confidence: float
    pixels: int
    attrs: dict = field(default_factory=dict)


class AreaCalculator:
    """Geodesic area (m²) of geometries given in some CRS."""

    def __init__(self, crs) -> None:
        pcrs = PCRS.from_user_input(crs.to_wkt() if hasattr(crs, "to_wkt") else crs)
        self._geographic = pcrs.is_geographic
        self._to_lonlat = None if self._geographic and pcrs.equals(PCRS.from_epsg(4326)) else Transformer.from_crs(pcrs, "EPSG:4326", always_xy=True)

    def box_areas_m2(self, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> np.ndarray:
        """True areas (m²) of many axis-aligned boxes of this CRS (e.g. one pixel per row), vectorised."""
        xs = np.stack([x0, x1, x1, x0], axis=-1).astype(np.float64)
        ys = np.stack([y0, y0, y1, y1], axis=-1).astype(np.float64)
        if self._to_lonlat is not None:
            xs, ys = self._to_lonlat.transform(xs, ys)
        out = np.empty(xs.shape[0], dtype=np.float64)
        for i in range(xs.shape[0]):
            area, _ = _GEOD.polygon_area_perimeter(xs[i], ys[i])
            out[i] = abs(area)
        return out

    def area_m2(self, geom) -> float:
        """True area of a geometry in square metres."""
        g = geom if self._to_lonlat is None else shp_transform(self._to_lonlat.transform, geom)
        # pyproj signs ring areas by orientation: holes must run opposite to their shell or they are added
        parts = list(g.geoms) if hasattr(g, "geoms") else [g]
        return float(sum(abs(_GEOD.geometry_area_perimeter(orient(p, 1.0))[0]) if p.geom_type == "Polygon"
                         else abs(_GEOD.geometry_area_perimeter(p)[0]) for p in parts))


def _touch_internal_edges(labels: np.ndarray, win: Window, width: int, height: int) -> set[int]:
    """Labels of components touching a window edge that is not the raster's edge."""
    ids: set[int] = set()
    r0, c0 = int(win.row_off), int(win.col_off)
    h, w = labels.shape
    if r0 > 0:
        ids |= set(np.unique(labels[0]))
    if r0 + h < height:
        ids |= set(np.unique(labels[-1]))
    if c0 > 0:
        ids |= set(np.unique(labels[:, 0]))
    if c0 + w < width:
        ids |= set(np.unique(labels[:, -1]))
    ids.discard(0)
    return ids


def polygonize(
    class_path: str,
    confidence_path: Optional[str] = None,
    window_size: int = 2048,
    background: int = 0,
    nodata: int = 255,
    is_cancelled: Optional[Callable[[], bool]] = None,
    confidence_scale: float = 1.0,
) -> Iterator[Polygon]:
    """Yield polygons of every class value except background/nodata, merged across windows.

    ``confidence_scale`` maps the confidence raster's values to 0..1 (0.01 for a uint8 percent raster).
    """
    from .errors import Cancelled

    pending: dict[int, list[Polygon]] = {}
    with rasterio.open(class_path) as ds:
        width, height, tr = ds.width, ds.height, ds.transform
        conf_ds = rasterio.open(confidence_path) if confidence_path else None
        try:
            for r0 in range(0, height, window_size):
                for c0 in range(0, width, window_size):
                    if is_cancelled is not None and is_cancelled():
                        raise Cancelled()
                    win = Window(c0, r0, min(window_size, width - c0), min(window_size, height - r0))
                    cls = ds.read(1, window=win)
                    conf = conf_ds.read(1, window=win).astype(np.float32) * np.float32(confidence_scale) if conf_ds else None
                    wtr = rasterio.windows.transform(win, tr)
                    for value in np.unique(cls):
                        if value in (background, nodata):
                            continue
                        labels, n = ndimage.label(cls == value)
                        if n == 0:
                            continue
                        idx = np.arange(1, n + 1)
                        counts = ndimage.sum(np.ones_like(labels), labels, idx)
                        means = ndimage.mean(conf, labels, idx) if conf is not None else np.ones(n)
                        edge = _touch_internal_edges(labels, win, width, height)
                        for geom, lab in shapes(labels.astype(np.int32), mask=labels > 0, connectivity=4, transform=wtr):
                            lab = int(lab)
                            poly = Polygon(shape(geom), int(value), float(means[lab - 1]), int(counts[lab - 1]))
                            if lab in edge:
                                pending.setdefault(int(value), []).append(poly)
                            else:
                                yield poly
        finally:
            if conf_ds:
                conf_ds.close()
    for value, parts in pending.items():
        merged = unary_union([p.geom for p in parts])
        geoms = list(merged.geoms) if hasattr(merged, "geoms") else [merged]
        pixels = np.zeros(len(geoms), dtype=np.int64)
        weighted = np.zeros(len(geoms), dtype=np.float64)
        query = _spatial_index(geoms)
        for p in parts:  # each part lies in exactly one merged object: find it through a spatial index
            pt = p.geom.representative_point()
            for i in query(pt):
                if geoms[i].intersects(pt):
                    pixels[i] += p.pixels
                    weighted[i] += p.confidence * p.pixels
                    break
        for i, g in enumerate(geoms):
            px = int(pixels[i]) or 1
            yield Polygon(g, value, float(weighted[i] / px), px)


def _spatial_index(geoms: list) -> Callable[[object], list[int]]:
    """geometry → indices of ``geoms`` whose envelopes it touches (shapely 1.8 and 2.x STRtree)."""
    import warnings

    from shapely.strtree import STRtree

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = STRtree(geoms)
    ids = {id(g): i for i, g in enumerate(geoms)}

    def query(geom) -> list[int]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hits = tree.query(geom)
        out = []
        for h in hits:
            if isinstance(h, (int, np.integer)):
                out.append(int(h))  # shapely 2: indices
            elif id(h) in ids:
                out.append(ids[id(h)])  # shapely 1.8: the stored geometries
            else:  # a copy: fall back to equality
                out.extend(i for i, g in enumerate(geoms) if g.equals(h))
        return out

    return query


SCHEMA_FIELDS = {
    "class": "str", "class_value": "int", "area_m2": "float", "confidence": "float", "source": "str",
    "modality": "str", "engine": "str", "model": "str", "model_sha256": "str", "prompt": "str", "created_utc": "str",
}


def write_polygons(
    path: str,
    polygons: Iterator[Polygon],
    grid: Grid,
    class_names: dict[int, str],
    common: dict,
    min_area_m2: float = 0.0,
    simplify_pixels: float = 0.5,
    layer: str = "landcover",
    description: str = "",
    extra_fields: Optional[dict] = None,
    max_area_m2: float = 0.0,
    straight: Collection[int] = (),
) -> dict[str, float]:
    """Write polygons to a GeoPackage atomically (those outside [min_area_m2, max_area_m2] left out; max 0: no limit);
    returns area (m²) per class name written. ``straight``: the class values whose polygons get right-angled outlines
    (buildings; :mod:`.outlines`) instead of simplified pixel outlines."""
    import fiona

    fields = dict(SCHEMA_FIELDS, **(extra_fields or {}))
    schema = {"geometry": "MultiPolygon", "properties": fields}
    areas = AreaCalculator(grid.crs)
    tol = simplify_pixels * abs(grid.transform.a)
    pixel = pixel_side(grid.transform)
    tmp = temp_path_for(path)
    created = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    totals: dict[str, float] = {}
    try:
        with fiona.open(tmp, "w", driver="GPKG", layer=layer, crs_wkt=grid.crs.to_wkt(), schema=schema) as out:
            batch = []
            for poly in polygons:
                if poly.value in straight:
                    g = straighten(poly.geom, pixel, ground_x_scale(grid.crs, poly.geom))
                else:
                    g = poly.geom.simplify(tol, preserve_topology=True) if tol > 0 else poly.geom
                if g.is_empty:
                    continue
                a = areas.area_m2(g)
                if a < min_area_m2 or (max_area_m2 and a > max_area_m2):
                    continue
                if g.geom_type == "Polygon":
                    from shapely.geometry import MultiPolygon

                    g = MultiPolygon([g])
                name = class_names.get(poly.value, str(poly.value))
                props = {k: None for k in fields}
                props.update(common)
                props.update({"class": name, "class_value": poly.value, "area_m2": round(a, 3),
                              "confidence": round(poly.confidence, 4), "created_utc": created})
                props.update(poly.attrs)
                batch.append({"geometry": mapping(g), "properties": props})
                totals[name] = totals.get(name, 0.0) + a
                if len(batch) >= 1000:
                    out.writerecords(batch)
                    batch = []
            if batch:
                out.writerecords(batch)
        if description:
            _set_layer_description(tmp, layer, description)
        commit(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise
    return totals


def _set_layer_description(path: str, layer: str, text: str) -> None:
    """Store the run's explanation as the layer's GeoPackage description (shown by QGIS and ogrinfo)."""
    from osgeo import ogr

    ds = ogr.Open(path, 1)
    if ds is None:
        return
    lyr = ds.GetLayerByName(layer)
    if lyr is not None:
        lyr.SetMetadataItem("DESCRIPTION", text)
    ds = None
