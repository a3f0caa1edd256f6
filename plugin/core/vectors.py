"""Polygons from class rasters: streamed by windows, merged across window edges, true areas.

A class raster is polygonised window by window. Objects wholly inside a window
are emitted at once; objects touching an internal window edge are kept aside
and unioned with their neighbours at the end, so an object spanning tiles
becomes one feature. Areas are true areas on the WGS 84 ellipsoid in square metres,
whatever the CRS (objects up to a few km through the map's local area scale); on a local
grid that cannot be placed on the Earth (LOCAL_CS), flat areas in its unit converted to m².
Features are written through OGR (WKB geometries, typed fields, transactions).
"""
from __future__ import annotations

import datetime as _dt
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Collection, Iterator, Optional, Union

import numpy as np
import rasterio
from pyproj import CRS as PCRS, Geod, Transformer
from rasterio.windows import Window
from scipy import ndimage
from shapely.geometry import MultiPolygon, box
from shapely.geometry.polygon import orient
from shapely.prepared import prep
from shapely.ops import transform as shp_transform, unary_union

from .errors import Cancelled, InputError
from .messages import measure, t
from .outlines import ground_x_scale, pixel_side, straighten
from .raster import Grid, pixel_sides
from .writers import gdal_failures, split_layer, staged_vector, write_failed

_GEOD = Geod(ellps="WGS84")


@dataclass
class Polygon:
    """One output object: geometry in the raster CRS, class value, mean confidence, pixel count."""

    geom: object
    value: int
    confidence: float
    pixels: int
    attrs: dict = field(default_factory=dict)
    centre: Optional[tuple[float, float]] = None
    """The centroid of its pixels in the raster CRS, when the polygoniser knows it (saves computing it for the area)."""


def linear_unit(pcrs: PCRS) -> tuple[str, Optional[float]]:
    """(name, metres per unit) of a CRS's first axis unit; the factor None unless it is a known length."""
    axes = (pcrs.to_json_dict().get("coordinate_system") or {}).get("axis") or []
    unit = axes[0].get("unit", "metre") if axes else "unknown"
    if unit == "metre":
        return "metre", 1.0
    if not isinstance(unit, dict):
        return str(unit), None
    name, factor = str(unit.get("name", "unknown")), float(unit.get("conversion_factor") or 0.0)
    return name, factor if unit.get("type") == "LinearUnit" and name.lower() != "unknown" and factor > 0 else None


def local_grid_m2(pcrs: PCRS) -> tuple[str, float]:
    """(unit name, m² per squared unit) of a CRS that cannot be placed on the Earth (a local or engineering grid, LOCAL_CS,
    as drone and survey software write), whose areas are planar; an InputError when its unit is not a known length."""
    name, factor = linear_unit(pcrs)
    if factor is None:
        raise InputError(t("The raster's CRS ('{name}') is a local grid whose unit ('{unit}') is not a known length, so "
                           "areas cannot be given in square metres.", name=pcrs.name, unit=name),
                         t("Assign the raster a projected CRS in metres (Layer Properties > Source, or Raster > Projections "
                           "> Assign Projection) and run again."))
    return name, factor * factor


class AreaCalculator:
    """Geodesic area (m²) of geometries given in some CRS; planar, in the CRS's own unit converted to m², for a local
    grid that cannot be placed on the Earth (:attr:`note` then says so)."""

    def __init__(self, crs) -> None:
        pcrs = PCRS.from_user_input(crs.to_wkt() if hasattr(crs, "to_wkt") else crs)
        self._geographic = pcrs.is_geographic
        self._to_lonlat, self._planar_m2, self._unit = None, None, ""
        if not (self._geographic and pcrs.equals(PCRS.from_epsg(4326))):
            try:
                if pcrs.is_engineering:
                    raise ValueError("a local grid")
                self._to_lonlat = Transformer.from_crs(pcrs, "EPSG:4326", always_xy=True)
            except Exception:  # noqa: BLE001 - pyproj raises ProjError or CRSError: no way onto the ellipsoid
                self._unit, self._planar_m2 = local_grid_m2(pcrs)
        # the area scale of a map is smooth: bilinear between lattice points 0.001° or 1000 units apart it is within 1e-6
        self._cell, self._local_span = (0.001, 0.05) if self._geographic else (1000.0, 5000.0)
        self._scales: dict[tuple[int, int], float] = {}

    @property
    def planar(self) -> bool:
        """True when the CRS is a local grid: areas are planar in its own unit, converted to m²."""
        return self._planar_m2 is not None

    @property
    def note(self) -> str:
        """The explanation's line when areas are planar (a local grid), else ''."""
        if not self.planar:
            return ""
        if self._unit == "metre":
            return t("Areas: the raster's CRS is a local grid, not placed on the Earth: areas are measured flat in the "
                     "raster's own metre grid, not on the ellipsoid")
        return t("Areas: the raster's CRS is a local grid, not placed on the Earth: areas are measured flat in the raster's "
                 "own grid, its unit ({unit}) converted to metres, not on the ellipsoid", unit=self._unit)

    def box_areas_m2(self, x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> np.ndarray:
        """True areas (m²) of many axis-aligned boxes of this CRS (e.g. one pixel per row), vectorised."""
        xs = np.stack([x0, x1, x1, x0], axis=-1).astype(np.float64)
        ys = np.stack([y0, y0, y1, y1], axis=-1).astype(np.float64)
        if self.planar:
            return np.abs((xs[:, 1] - xs[:, 0]) * (ys[:, 2] - ys[:, 1])) * self._planar_m2
        if self._to_lonlat is not None:
            xs, ys = self._to_lonlat.transform(xs, ys)
        out = np.empty(xs.shape[0], dtype=np.float64)
        for i in range(xs.shape[0]):
            area, _ = _GEOD.polygon_area_perimeter(xs[i], ys[i])
            out[i] = abs(area)
        return out

    def area_m2(self, geom, centre: Optional[tuple[float, float]] = None) -> float:
        """True area of a geometry in square metres. An object of at most ``local_span``² planar area ((5 km)², (0.05°)²)
        gets its planar area times the map's true/planar area ratio at its centroid (``centre`` when the caller knows
        it): the ratio is smooth, so the error stays near 1e-5, and the outline's edges stay as straight on the map as
        the pixels they came from. Larger objects are measured on the ellipsoid, their edges taken as geodesics
        (in a geographic CRS as lines of constant slope in lon/lat, as pixel edges along parallels are;
        :meth:`outline_area_m2`)."""
        planar = float(geom.area)
        if self.planar:
            return planar * self._planar_m2
        if planar > self._local_span ** 2 or geom.is_empty:
            return self.outline_area_m2(geom)
        if centre is None:
            c = geom.centroid
            centre = (c.x, c.y)
        return planar * self._scale_near(*centre)

    def _scale_near(self, x: float, y: float) -> float:
        """True m² per planar unit² at (x, y): bilinear between the ratios at the corners of its cache cell."""
        fx, fy = x / self._cell, y / self._cell
        i, j = int(np.floor(fx)), int(np.floor(fy))
        u, v = fx - i, fy - j
        return ((1 - u) * (1 - v) * self._scale_at(i, j) + u * (1 - v) * self._scale_at(i + 1, j)
                + (1 - u) * v * self._scale_at(i, j + 1) + u * v * self._scale_at(i + 1, j + 1))

    def _scale_at(self, i: int, j: int) -> float:
        """The true/planar area ratio of a cell-sized box centred on lattice point (i, j), cached."""
        f = self._scales.get((i, j))
        if f is None:
            x, y, h = i * self._cell, j * self._cell, self._cell / 2
            f = float(self.box_areas_m2(np.array([x - h]), np.array([y - h]), np.array([x + h]), np.array([y + h]))[0]) / self._cell ** 2
            self._scales[(i, j)] = f
        return f

    def outline_area_m2(self, geom) -> float:
        """True area of a geometry in square metres, its outline measured on the WGS 84 ellipsoid (planar on a local grid).
        In a geographic CRS an edge runs straight in longitude and latitude, as pixel edges along parallels do, not as
        a geodesic: edges longer than PARALLEL_STEP_DEG in longitude get points that far apart (a 10°x1° box at 75°N
        measured with geodesic edges was 0.46 % short)."""
        if self.planar:
            return float(geom.area) * self._planar_m2
        if self._geographic:
            geom = along_parallels(geom, PARALLEL_STEP_DEG)
        g = geom if self._to_lonlat is None else shp_transform(self._to_lonlat.transform, geom)
        # pyproj signs ring areas by orientation: holes must run opposite to their shell or they are added
        parts = list(g.geoms) if hasattr(g, "geoms") else [g]
        return float(sum(abs(_GEOD.geometry_area_perimeter(orient(p, 1.0))[0]) if p.geom_type == "Polygon"
                         else abs(_GEOD.geometry_area_perimeter(p)[0]) for p in parts))


PARALLEL_STEP_DEG = 0.01
"""Longest edge, in degrees of longitude, a geographic outline is measured with as a geodesic (at 75°N a 10° edge cut
so is 5e-9 of its box's area off, against 0.46 % uncut)."""


def along_parallels(geom: object, step: float) -> object:
    """``geom`` (a Polygon or MultiPolygon in degrees) with points every ``step`` along its edges longer than that in
    longitude, so that measured as geodesics they follow the straight lon/lat edges (parallels) they stand for; the
    geometry itself when no edge is that long."""
    from shapely.geometry import MultiPolygon, Polygon as ShapelyPolygon

    if geom.is_empty:
        return geom
    if geom.geom_type == "MultiPolygon":
        parts = [along_parallels(p, step) for p in geom.geoms]
        return MultiPolygon(parts) if any(a is not b for a, b in zip(parts, geom.geoms)) else geom
    if geom.geom_type != "Polygon":
        return geom
    rings = [np.asarray(geom.exterior.coords)[:, :2]] + [np.asarray(r.coords)[:, :2] for r in geom.interiors]
    dense = [_dense_ring(r, step) for r in rings]
    if all(d is r for d, r in zip(dense, rings)):
        return geom
    return ShapelyPolygon(dense[0], dense[1:])


def _dense_ring(xy: np.ndarray, step: float) -> np.ndarray:
    """Ring coordinates with each edge longer than ``step`` in x cut into equal pieces of at most ``step``; ``xy``
    itself when none is."""
    k = np.ceil(np.abs(np.diff(xy[:, 0])) / step).astype(np.int64)
    if len(k) == 0 or k.max() <= 1:
        return xy
    k = np.maximum(k, 1)
    offsets = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
    pieces = np.repeat(xy[:-1], k, axis=0) + np.repeat((xy[1:] - xy[:-1]) / k[:, None], k, axis=0) * offsets[:, None]
    return np.vstack([pieces, xy[-1:]])


def area_note(crs) -> str:
    """The line saying areas are planar when ``crs`` is a local grid (:attr:`AreaCalculator.note`), else '' (also for a
    grid whose unit is refused: the run says that)."""
    try:
        return AreaCalculator(crs).note
    except InputError:
        return ""


def with_area_note(text: str, crs) -> str:
    """A run's summary with, on a line of its own, the one saying its areas are planar when ``crs`` is a local grid
    (LOCAL_CS; :func:`area_note`): every summary of areas says it, in the panel as in Processing."""
    note = area_note(crs)
    return f"{text}\n{note}" if note else text


def pixel_area_m2(areas: AreaCalculator, transform, shape: tuple[int, int]) -> float:
    """Ground area (m²) of the centre pixel of a grid of ``shape`` (rows, columns): its outline, a parallelogram on a
    rotated grid, measured by ``areas``."""
    from shapely.geometry import Polygon as ShapelyPolygon

    r, c = shape[0] // 2, shape[1] // 2
    xs, ys = transform * (np.array([c, c + 1, c + 1, c], dtype=np.float64), np.array([r, r, r + 1, r + 1], dtype=np.float64))
    return areas.area_m2(ShapelyPolygon(list(zip(xs, ys))))


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


class Polygons(Iterator[Polygon]):
    """:func:`polygonize`'s polygons, carrying the run's cancel check and progress on to the writer, whose last phase
    (translating to a Shapefile ...) then reports and stops too: the polygons get ``share`` of the progress range."""

    def __init__(self, make: Callable[[Optional[Callable[[float], None]]], Iterator[Polygon]],
                 is_cancelled: Optional[Callable[[], bool]], progress: Optional[Callable[[float], None]]) -> None:
        self.is_cancelled = is_cancelled
        self.progress = progress
        self.share = 1.0
        self._it = make(self._report if progress is not None else None)

    def _report(self, fraction: float) -> None:
        self.progress(self.share * fraction)

    def after(self, fraction: float) -> None:
        """Report ``fraction`` (0..1) of the writer's phase after the polygons (the rest of the progress range)."""
        if self.progress is not None:
            self.progress(self.share + (1.0 - self.share) * fraction)

    def __iter__(self) -> "Polygons":
        return self

    def __next__(self) -> Polygon:
        return next(self._it)


def polygonize(
    class_path: str,
    confidence_path: Optional[str] = None,
    window_size: int = 2048,
    background: int = 0,
    nodata: int = 255,
    is_cancelled: Optional[Callable[[], bool]] = None,
    confidence_scale: float = 1.0,
    progress: Optional[Callable[[float], None]] = None,
) -> Polygons:
    """Yield polygons of every class value except background/nodata, merged across windows.

    ``confidence_scale`` maps the confidence raster's values to 0..1 (0.01 for a uint8 percent raster); ``progress``
    gets the fraction done (0..1) after each window and after each class's merged objects (a speckled map spends
    most of a run here). The cancel check and progress travel with the polygons to :func:`write_polygons`.
    """
    return Polygons(lambda report: _polygonize(class_path, confidence_path, window_size, background, nodata, is_cancelled,
                                               confidence_scale, report), is_cancelled, progress)


def _polygonize(class_path: str, confidence_path: Optional[str], window_size: int, background: int, nodata: int,
                is_cancelled: Optional[Callable[[], bool]], confidence_scale: float,
                progress: Optional[Callable[[float], None]]) -> Iterator[Polygon]:
    """The generator behind :func:`polygonize`."""
    pending: dict[int, list[Polygon]] = {}
    with rasterio.open(class_path) as ds:
        width, height, tr = ds.width, ds.height, ds.transform
        conf_ds = rasterio.open(confidence_path) if confidence_path else None
        n_windows = -(-height // window_size) * -(-width // window_size)
        done = 0
        try:
            for r0 in range(0, height, window_size):
                for c0 in range(0, width, window_size):
                    if is_cancelled is not None and is_cancelled():
                        raise Cancelled()
                    if progress is not None:
                        progress(0.9 * done / n_windows)
                    done += 1
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
                        ones = np.ones_like(labels)
                        counts = ndimage.sum(ones, labels, idx)
                        means = ndimage.mean(conf, labels, idx) if conf is not None else np.ones(n)
                        rows, cols = np.array(ndimage.center_of_mass(ones, labels, idx)).reshape(-1, 2).T
                        cx, cy = wtr * (cols + 0.5, rows + 0.5)
                        edge = _touch_internal_edges(labels, win, width, height)
                        for k, (geom, lab) in enumerate(region_shapes(labels, wtr, is_cancelled)):
                            if k % 4096 == 4095 and is_cancelled is not None and is_cancelled():
                                raise Cancelled()  # a speckled window holds 100 000s of polygons
                            poly = Polygon(geom, int(value), float(means[lab - 1]), int(counts[lab - 1]),
                                           centre=(float(cx[lab - 1]), float(cy[lab - 1])))
                            if lab in edge:
                                pending.setdefault(int(value), []).append(poly)
                            else:
                                yield poly
        finally:
            if conf_ds:
                conf_ds.close()
    for k, (value, parts) in enumerate(pending.items()):
        if progress is not None:
            progress(0.9 + 0.1 * k / len(pending))
        if is_cancelled is not None and is_cancelled():
            raise Cancelled()
        merged = unary_union([p.geom for p in parts])
        geoms = list(merged.geoms) if hasattr(merged, "geoms") else [merged]
        pixels = np.zeros(len(geoms), dtype=np.int64)
        weighted = np.zeros(len(geoms), dtype=np.float64)
        query = _spatial_index(geoms)
        prepared: dict[int, object] = {}  # a merged object can have thousands of holes: test points on its prepared form
        for p in parts:  # each part lies in exactly one merged object: find it through a spatial index
            pt = p.geom.representative_point()
            for i in query(pt):
                if i not in prepared:
                    prepared[i] = prep(geoms[i])
                if prepared[i].intersects(pt):
                    pixels[i] += p.pixels
                    weighted[i] += p.confidence * p.pixels
                    break
        for i, g in enumerate(geoms):
            px = int(pixels[i]) or 1
            yield Polygon(g, value, float(weighted[i] / px), px)


def region_shapes(labels: np.ndarray, transform,
                  is_cancelled: Optional[Callable[[], bool]] = None) -> Iterator[tuple[object, int]]:
    """(shapely geometry, label) of each 4-connected region of ``labels`` > 0, as rasterio's ``shapes`` gives them, but
    through GDAL's own bindings, which release the GIL while polygonising: rasterio 1.3 holds it for the whole window,
    and a speckled window then froze QGIS's interface for seconds while a task polygonised. ``is_cancelled`` is asked
    on every row GDAL polygonises (a speckled 2048² window takes seconds): true, GDAL stops and Cancelled is raised."""
    from osgeo import gdal, ogr
    from shapely import wkb

    h, w = labels.shape
    mem = gdal.GetDriverByName("MEM")
    src = mem.Create("", w, h, 1, gdal.GDT_Int32)
    src.SetGeoTransform(transform.to_gdal())
    src.GetRasterBand(1).WriteArray(labels.astype(np.int32, copy=False))
    mask = mem.Create("", w, h, 1, gdal.GDT_Byte)
    mask.GetRasterBand(1).WriteArray((labels > 0).view(np.uint8))
    ds = ogr.GetDriverByName("Memory").CreateDataSource("")
    layer = ds.CreateLayer("shapes")
    layer.CreateField(ogr.FieldDefn("label", ogr.OFTInteger))
    stopped: list[bool] = []

    def go_on(_done: float, _message, _data) -> int:
        """GDAL's progress callback: 0 (stop) once the run is cancelled."""
        if is_cancelled():
            stopped.append(True)
            return 0
        return 1

    gdal.PushErrorHandler("CPLQuietErrorHandler")  # a stop is GDAL's error 'User terminated': not for the log
    try:
        failed = gdal.Polygonize(src.GetRasterBand(1), mask.GetRasterBand(1), layer, 0, [],
                                 callback=go_on if is_cancelled is not None else None) != 0
    except RuntimeError:  # bindings with exceptions enabled: a stop is an error too
        if not stopped:
            raise
    finally:
        gdal.PopErrorHandler()
    if stopped:
        raise Cancelled()
    if failed:
        raise RuntimeError(gdal.GetLastErrorMsg() or "GDAL could not polygonise a window")
    for feat in layer:
        yield wkb.loads(bytes(feat.GetGeometryRef().ExportToWkb())), feat.GetFieldAsInteger(0)


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
    description: Union[str, Callable[[Written], str]] = "",
    extra_fields: Optional[dict] = None,
    max_area_m2: float = 0.0,
    straight: Collection[int] = (),
    is_cancelled: Optional[Callable[[], bool]] = None,
    straight_range: tuple[float, float] = (0.0, 0.0),
) -> Written:
    """Write polygons to a GeoPackage (or a Shapefile, GeoJSON, FlatGeobuf by the extension) atomically (those outside [min_area_m2, max_area_m2] left out; max 0: no limit);
    returns what was written. ``description``: the layer's description, or a function of what was written that gives
    it. ``straight``: the class values whose polygons get right-angled outlines (buildings; :mod:`.outlines`) instead
    of simplified pixel outlines; one whose area leaves ``straight_range`` (min, max m², max 0: no limit; the range the
    regions were filtered by) keeps its traced outline, and no two features overlap (:class:`StraightOutlines`).
    ``is_cancelled`` (else that of :func:`polygonize`'s polygons) also stops the last translation to another format,
    whose progress polygonize's ``progress`` reports. A failed write (a full disk) is an OutputError."""
    fields = dict(SCHEMA_FIELDS, **(extra_fields or {}))
    areas = AreaCalculator(grid.crs)
    tol = simplify_pixels * min(pixel_sides(grid.transform))  # degrees: a 10 m pixel at 65°N is 2.4 times wider than tall
    created = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    written = Written()
    squaring = StraightOutlines(grid, set(straight), straight_range, areas, written) if straight else None
    is_cancelled = is_cancelled or getattr(polygons, "is_cancelled", None)
    path, named = split_layer(path)  # 'results.gpkg|layername=water': that layer, the file's others kept
    layer = named or layer
    translated = not path.lower().endswith(".gpkg")
    if translated and isinstance(polygons, Polygons):
        polygons.share = 1.0 - TRANSLATION_SHARE
    after = polygons.after if isinstance(polygons, Polygons) and translated else None
    with staged_vector(path, is_cancelled, after, keep_layers=named is not None, notes=written.notes) as gpkg:
        out = _GeoPackageLayer(gpkg, layer, grid.crs, fields, output=path)
        try:
            for poly in polygons:
                if tol > 0 and poly.pixels > 2:  # one or two pixels are a rectangle: nothing to simplify
                    g = poly.geom.simplify(tol, preserve_topology=True)
                else:
                    g = poly.geom
                if squaring is not None:
                    g = squaring.outline(poly, g)
                if g.is_empty:
                    continue
                a = areas.area_m2(g, poly.centre)
                if a < min_area_m2 or (max_area_m2 and a > max_area_m2):
                    continue
                if squaring is not None:
                    squaring.keep()
                name = class_names.get(poly.value, str(poly.value))
                props = dict(common)
                props.update({"class": name, "class_value": poly.value, "area_m2": round(a, 3),
                              "confidence": round(poly.confidence, 4), "created_utc": created})
                props.update(poly.attrs)
                out.add(g, props)
                written.areas_m2[name] = written.areas_m2.get(name, 0.0) + a
                written.features += 1
                written.tiny += poly.pixels <= TINY_PIXELS
        except BaseException:
            out.abandon()
            raise
        out.close(description(written) if callable(description) else description)
    return written


TRANSLATION_SHARE = 0.25
"""The part of the polygons' progress range the translation to a Shapefile, GeoJSON or FlatGeobuf gets."""
TINY_PIXELS = 4
"""Objects of at most this many pixels count as isolated pixels of a per-pixel classification (:class:`Written`)."""
SPECKLE_MIN_FEATURES = 10_000
"""Polygon outputs from this many features up are checked for isolated pixels (:attr:`Written.speckled`)."""


@dataclass
class Written:
    """What :func:`write_polygons` wrote: area (m²) per class name, features, features of at most TINY_PIXELS, and what
    the output format lost, in words (a Shapefile's text cut), once the file is written."""

    areas_m2: dict[str, float] = field(default_factory=dict)
    features: int = 0
    tiny: int = 0
    notes: list[str] = field(default_factory=list)
    kept_traced: int = 0
    """Straight outlines whose area left the size range: their traced outlines were written."""
    cut: int = 0
    """Polygons cut where a straight outline written next to them overlapped them."""

    @property
    def speckled(self) -> bool:
        """True when many polygons were written and most are isolated pixels (a per-pixel result's speckle)."""
        return self.features >= SPECKLE_MIN_FEATURES and self.tiny * 2 >= self.features

    @property
    def tiny_percent(self) -> str:
        """The share of isolated-pixel polygons, as '83'."""
        return f"{100 * self.tiny / max(self.features, 1):.0f}"

    def straight_note(self) -> str:
        """What keeping straight outlines in the size range and apart changed, in words ('' when nothing)."""
        notes = []
        if self.kept_traced:
            notes.append(t("Polygons: {n} straight outline(s) would have left the size range and keep their traced outline",
                           n=self.kept_traced))
        if self.cut:
            notes.append(t("Polygons: {n} polygon(s) cut where a neighbour's straight outline reached over them, so that no "
                           "two overlap", n=self.cut))
        return "\n".join(notes)


CELL_PIXELS = 64
"""Side (pixels) of the cells :class:`StraightOutlines` files the polygons written in, to find a polygon's neighbours."""
SLIVER_PIXELS = 0.01
"""Parts of a cut polygon smaller than this (pixels) are rounding debris of the cut, left out."""
PIECE_POINTS = 256
"""Most points of a polygon :class:`StraightOutlines` files whole: a larger one spanning more than a cell (a forest with
thousands of holes) is filed in pieces, so a neighbour is cut by the few pieces near it (cutting each of 1600 roofs by the
whole forest took 21 s, growing with the square of their number)."""


class StraightOutlines:
    """Straight outlines for :func:`write_polygons` that keep the regions' size range and never overlap. A squared
    outline reaches a little past its pixels, over a neighbour's: a polygon is cut by the straight outlines written
    before it, a straight outline by every polygon written before it (its edges stay straight where it is cut by another
    straight one). A straight outline whose area (after the cut) leaves the size range keeps its traced outline, whose
    area is the pixels' (which the range was checked on). The polygons come one by one (an STRtree cannot grow): they
    are filed in square cells of CELL_PIXELS."""

    def __init__(self, grid: Grid, values: set[int], size_range: tuple[float, float], areas: "AreaCalculator",
                 written: Written) -> None:
        self.crs, self.values, self.areas, self.written = grid.crs, values, areas, written
        self.lo, self.hi = size_range
        self.pixel = pixel_side(grid.transform)
        self.cell = CELL_PIXELS * max(pixel_sides(grid.transform))
        self.cells: dict[tuple[int, int], list[int]] = {}
        self.placed: list[tuple[object, bool]] = []  # (polygon written, straight?)
        # the last outline given: (polygon, straight?, cut?, traced for its size?)
        self.pending: tuple[object, bool, bool, bool] = (None, False, False, False)

    def outline(self, poly: Polygon, traced) -> object:
        """The polygon to write for ``poly``, whose traced (simplified) outline is ``traced``; :meth:`keep` once written."""
        if poly.value in self.values:
            squared, cut = self._cut(straighten(poly.geom, self.pixel, ground_x_scale(self.crs, poly.geom)), everyone=True)
            if not squared.is_empty and self._in_range(self.areas.area_m2(squared, poly.centre)):
                self.pending = (squared, True, cut, False)
                return squared
        g, cut = self._cut(traced, everyone=poly.value in self.values)
        if g.is_empty:  # wholly under straight outlines written before: kept whole (an object is not lost)
            g, cut = traced, False
        self.pending = (g, False, cut, poly.value in self.values)
        return g

    def keep(self) -> None:
        """The polygon :meth:`outline` gave was written: file it (in the cells its bounds cover)."""
        geom, straight, cut, traced = self.pending
        for piece in _pieces(geom, self.cell):
            self.placed.append((piece, straight))
            for key in self._keys(piece.bounds):
                self.cells.setdefault(key, []).append(len(self.placed) - 1)
        self.written.cut += cut
        self.written.kept_traced += traced

    def _in_range(self, a: float) -> bool:
        """Whether an area (m²) lies in the size range."""
        return a >= self.lo and not (self.hi and a > self.hi)

    def _keys(self, bounds: tuple) -> Iterator[tuple[int, int]]:
        """The cells a bounding box covers."""
        x0, y0, x1, y1 = (int(np.floor(v / self.cell)) for v in bounds)
        return ((i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1))

    def _cut(self, geom, everyone: bool) -> tuple[object, bool]:
        """(``geom`` less the polygons written before that overlap it: the straight ones, or ``everyone``; whether it
        lost any area)."""
        near = {i for key in self._keys(geom.bounds) for i in self.cells.get(key, ())}
        hits = [g for g, s in (self.placed[i] for i in sorted(near)) if (everyone or s) and g.intersects(geom)]
        if not hits:
            return geom, False
        rest = geom.difference(unary_union(hits))
        if rest.area >= geom.area * (1.0 - 1e-9):  # touching only
            return geom, False
        parts = [p for p in getattr(rest, "geoms", [rest])
                 if p.geom_type == "Polygon" and p.area >= SLIVER_PIXELS * self.pixel * self.pixel]
        return MultiPolygon(parts), True


def _pieces(geom, side: float) -> list:
    """The polygons of ``geom``, one spanning more than ``side`` with more than PIECE_POINTS points halved until neither."""
    if hasattr(geom, "geoms"):
        return [piece for part in geom.geoms for piece in _pieces(part, side)]
    if geom.geom_type != "Polygon" or geom.is_empty:
        return []
    x0, y0, x1, y1 = geom.bounds
    if max(x1 - x0, y1 - y0) <= side or len(geom.exterior.coords) + sum(len(r.coords) for r in geom.interiors) <= PIECE_POINTS:
        return [geom]
    if x1 - x0 >= y1 - y0:
        halves = (box(x0, y0, (x0 + x1) / 2, y1), box((x0 + x1) / 2, y0, x1, y1))
    else:
        halves = (box(x0, y0, x1, (y0 + y1) / 2), box(x0, (y0 + y1) / 2, x1, y1))
    return [piece for half in halves for piece in _pieces(geom.intersection(half), side)]


def ten_pixels(pixel_m2: float) -> str:
    """About ten pixels' area as a prompt would say it: '0.1 ha' for 10 m pixels, '2.5 m2' for 0.5 m pixels."""
    ten = 10 * pixel_m2
    return f"{measure(ten / 1e4, localised=False)} ha" if ten >= 1000 else f"{measure(ten, localised=False)} m2"


def _keep_crs(ds, layer: str, srs) -> None:
    """Make the CRS a GeoPackage stores for ``layer`` the one it was created with (``srs``). GDAL 3.6 files a CRS without
    an authority under the EPSG code AutoIdentifyEPSG finds, which ignores the linear unit: UTM zone 36 in feet was
    stored as EPSG:32636, in metres, and its polygons read 10 000 km away. Such a CRS gets a row of its own (organization
    NONE, as GDAL stores a CRS it cannot identify), its WKT one that GDAL cannot misidentify again when the GeoPackage
    is translated to FlatGeobuf or GeoJSON (:func:`_unidentifiable`)."""
    from osgeo import osr

    def rows(sql: str) -> list[tuple]:
        result = ds.ExecuteSQL(sql)
        if result is None:
            return []
        try:
            return [tuple(f.GetField(i) for i in range(f.GetFieldCount())) for f in result]
        finally:
            ds.ReleaseResultSet(result)

    name = layer.replace("'", "''")
    stored = rows("SELECT s.definition FROM gpkg_geometry_columns g JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id "
                  f"WHERE lower(g.table_name) = lower('{name}')")
    kept = osr.SpatialReference()
    if not stored or (kept.ImportFromWkt(stored[0][0] or "") == 0
                      and kept.IsSame(srs, ["IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"])):
        return
    own = _unidentifiable(srs)
    wkt = own.ExportToWkt().replace("'", "''")
    same = rows(f"SELECT srs_id FROM gpkg_spatial_ref_sys WHERE organization = 'NONE' AND definition = '{wkt}'")
    if same:  # a layer written before into this GeoPackage
        srs_id = int(same[0][0])
    else:
        srs_id = max(int(rows("SELECT MAX(srs_id) FROM gpkg_spatial_ref_sys")[0][0] or 0) + 1, 100000)
        title = (own.GetName() or "Undefined").replace("'", "''")
        # a GeoPackage with the crs_wkt extension gets its default WKT2 'undefined': readers then take this WKT
        ds.ExecuteSQL("INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, "
                      f"definition) VALUES ('{title}', {srs_id}, 'NONE', {srs_id}, '{wkt}')")
    for table in ("gpkg_geometry_columns", "gpkg_contents"):
        ds.ExecuteSQL(f"UPDATE {table} SET srs_id = {srs_id} WHERE lower(table_name) = lower('{name}')")


def _unidentifiable(srs: object) -> object:
    """``srs`` without the authority codes of its base geographic CRSs: AutoIdentifyEPSG (GDAL's GeoPackage and
    FlatGeobuf writers, the GeoJSON output's choice of RFC 7946) names a UTM CRS in feet EPSG:326xx only when its base
    CRS is EPSG:4326."""
    from osgeo import osr

    def strip(node: dict) -> dict:
        if isinstance(node.get("base_crs"), dict):
            node["base_crs"].pop("id", None)
        for part in node.get("components") or []:
            strip(part)
        return node

    own = osr.SpatialReference()
    wkt2 = srs.ExportToWkt(["FORMAT=WKT2_2018"])
    own.ImportFromWkt(PCRS.from_json_dict(strip(PCRS.from_wkt(wkt2).to_json_dict())).to_wkt())
    own.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return own


class _GeoPackageLayer:
    """A new GeoPackage with one MultiPolygon layer, written through OGR in transactions of ``batch`` features (shapely's
    WKB straight to OGR: several times faster per feature than GeoJSON-like records). A write GDAL or the system
    refuses (a full disk) is an OutputError naming ``output`` (the file the GeoPackage is bound for)."""

    _TYPES = {"str": ("OFTString", "SetFieldString"), "int": ("OFTInteger64", "SetFieldInteger64"),
              "float": ("OFTReal", "SetField")}
    _CAST = {"str": str, "int": int, "float": float}

    def __init__(self, path: str, layer: str, crs, fields: dict[str, str], batch: int = 10000,
                 output: Optional[str] = None) -> None:
        from osgeo import ogr, osr

        self._ogr, self.batch, self.pending = ogr, batch, 0
        self.output = output or path
        self.layer = self.defn = self.ds = None
        with self._writing():
            existing = os.path.exists(path)  # a copy of the GeoPackage a named layer goes into
            self.ds = ogr.Open(path, 1) if existing else ogr.GetDriverByName("GPKG").CreateDataSource(path)
            if self.ds is None:
                raise OSError(f"cannot create the GeoPackage {path}")
            old = next((i for i in range(self.ds.GetLayerCount()) if self.ds.GetLayer(i).GetName() == layer), None)
            if old is not None:
                self.ds.DeleteLayer(old)
            srs = osr.SpatialReference()
            srs.ImportFromWkt(crs.to_wkt())
            srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            self.layer = self.ds.CreateLayer(layer, srs, ogr.wkbMultiPolygon)
            if self.layer is None:
                raise OSError(f"cannot create the layer {layer}")
            for name, kind in fields.items():
                self.layer.CreateField(ogr.FieldDefn(name, getattr(ogr, self._TYPES[kind][0])))
            self.defn = self.layer.GetLayerDefn()
            self.layer.SyncToDisk()  # create the table now, not in the first transaction: a rolled-back one would drop it
            _keep_crs(self.ds, layer, srs)
            # name -> (index, typed setter, cast): setting by index and type skips OGR's per-call name lookup
            self.setters = {name: (self.defn.GetFieldIndex(name), getattr(ogr.Feature, self._TYPES[kind][1]), self._CAST[kind])
                            for name, kind in fields.items()}
            self.layer.StartTransaction()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Turn what a failed write raises or GDAL only logs (CE_Failure) in the block into an OutputError."""
        try:
            with gdal_failures() as failures:
                yield
        except (OSError, RuntimeError) as exc:
            self._discard()
            raise write_failed(self.output, exc) from exc
        if failures:
            self._discard()
            raise write_failed(self.output, failures[0])

    def add(self, geom, props: dict) -> None:
        """Append one feature (a Polygon is stored as a one-part MultiPolygon; None values stay NULL)."""
        ogr = self._ogr
        feat = ogr.Feature(self.defn)
        for k, v in props.items():
            setter = self.setters.get(k)
            if v is not None and setter is not None:
                i, set_field, cast = setter
                set_field(feat, i, cast(v))
        g = ogr.CreateGeometryFromWkb(geom.wkb)
        feat.SetGeometryDirectly(ogr.ForceToMultiPolygon(g) if g.GetGeometryType() == ogr.wkbPolygon else g)
        try:
            failed = self.layer.CreateFeature(feat) != 0
        except RuntimeError as exc:  # bindings with exceptions enabled
            self._discard()
            raise write_failed(self.output, exc) from exc
        if failed:
            from osgeo import gdal

            message = gdal.GetLastErrorMsg()
            self._discard()
            raise write_failed(self.output, message or "CreateFeature failed")
        self.pending += 1
        if self.pending >= self.batch:
            with self._writing():
                self._commit()
                self.layer.StartTransaction()
            self.pending = 0

    def _commit(self) -> None:
        """Commit the pending transaction; a refused commit (a full disk) raises OSError."""
        if self.layer.CommitTransaction() != 0:
            from osgeo import gdal

            raise OSError(gdal.GetLastErrorMsg() or "the transaction could not be committed")

    def close(self, description: str = "") -> None:
        """Commit, store the run's explanation as the layer's description (shown by QGIS and ogrinfo) and close."""
        with self._writing():
            self._commit()
            if description:
                self.layer.SetMetadataItem("DESCRIPTION", description)
            self._drop()  # closes and writes the file

    def abandon(self) -> None:
        """Close without committing what is pending (the file is then removed); what GDAL logs while closing a rolled-back
        layer is kept off stderr (see _discard)."""
        try:
            with gdal_failures():
                if self.layer is not None:
                    self.layer.RollbackTransaction()
        except RuntimeError:  # bindings with exceptions enabled: the file goes anyway
            pass
        finally:
            self._discard()

    def _discard(self) -> None:
        """Release a failed or abandoned layer: what GDAL logs while closing it (on a full disk, the rolled-back layer's
        R-tree triggers 'already exist') stays off stderr, as the write's own error says what happened."""
        with gdal_failures():
            self._drop()

    def _drop(self) -> None:
        """Release the layer and close the file."""
        self.layer = self.defn = None
        self.ds = None
