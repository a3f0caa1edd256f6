"""A polygon land-cover map used as the BEFORE classes: rasterised window by window on BEFORE's grid.

It behaves like a one-band class raster (``read_on_grid``, ``tags``), so
semantic change treats polygon and raster reference maps alike.
"""
from __future__ import annotations

import os
from typing import Optional, Sequence

import numpy as np
from rasterio.features import rasterize
from rasterio.windows import Window

from ..errors import InputError
from ..messages import t as _t
from ..raster import Grid

VECTOR_EXTENSIONS = (".gpkg", ".shp", ".geojson", ".json", ".fgb", ".kml", ".gml", ".sqlite")
CLASS_FIELDS = ("class", "class_name", "label", "landcover", "land_cover", "lc", "name", "type")


def is_vector(path: str) -> bool:
    """True when the reference map is a vector file (by extension)."""
    return path.split("|")[0].lower().endswith(VECTOR_EXTENSIONS)


def split_layer(path: str) -> tuple[str, Optional[str]]:
    """(file, layer name) of a polygon map's source as QGIS writes it ('lc.gpkg|layername=b'); no layer name: None (the
    first layer)."""
    file, *options = path.split("|")
    layer = next((o.strip().split("=", 1)[1] for o in options if o.strip().lower().startswith("layername=")), None)
    return file, layer


def class_field(fields: dict) -> Optional[str]:
    """The class field of a polygon map's {name: type} fields: the first of CLASS_FIELDS it has, in their order (a 'name'
    before 'class' in the layer gave the parcel names), else its first text field."""
    by_lower = {f.lower(): f for f in fields}
    return next((by_lower[c] for c in CLASS_FIELDS if c in by_lower), None) or next(
        (f for f, kind in fields.items() if kind.startswith("str")), None)


class VectorReference:
    """Polygons with a class field, reprojected to a CRS once and rasterised per window."""

    def __init__(self, path: str, crs, max_classes: int = 14) -> None:
        import fiona
        from pyproj import Transformer
        from shapely.geometry import mapping, shape
        from shapely.ops import transform as shp_transform

        self.path, layer = split_layer(path)
        name = os.path.basename(self.path)
        try:
            with fiona.open(self.path, layer=layer) as src:
                fields = src.schema["properties"]
                field = class_field(fields)
                if field is None:
                    raise InputError(_t("The reference polygons '{name}' have no class field.", name=name),
                                     _t("Add a text field such as 'class' naming the land cover of each polygon."))
                if not src.crs_wkt:  # a Shapefile without its .prj: its coordinates could be anything
                    raise InputError(_t("The reference polygons '{name}' have no CRS.", name=name),
                                     _t("Give the file its CRS (a Shapefile's .prj; in QGIS, Layer Properties > Source, then "
                                        "Export > Save Features As) and run again."))
                to_crs = Transformer.from_crs(src.crs_wkt, crs.to_wkt(), always_xy=True)
                feats = [(shape(f["geometry"]), f["properties"][field]) for f in src if f["geometry"]]
        except InputError:
            raise
        except Exception as exc:  # fiona raises several types for unreadable files
            raise InputError(_t("The reference map '{name}' cannot be read ({reason}).", name=name, reason=exc),
                             _t("Choose a class raster or a polygon file GDAL reads.")) from exc
        names = sorted({str(v) for _, v in feats if v not in (None, "")})
        if not names:
            raise InputError(_t("The reference polygons '{name}' hold no class values.", name=name),
                             _t("Fill the class field, or choose another map."))
        if len(names) > max_classes:
            raise InputError(_t("The reference polygons have {n} classes; at most {max} are supported.", n=len(names), max=max_classes),
                             _t("Merge classes (e.g. with Vector > Geoprocessing > Dissolve on a reclassified field) and run again."))
        index = {n: i + 1 for i, n in enumerate(names)}
        self.shapes = [(mapping(shp_transform(to_crs.transform, g)), index[str(v)]) for g, v in feats if v not in (None, "")]
        self.bounds = np.array([shape(g).bounds for g, _ in self.shapes]) if self.shapes else np.zeros((0, 4))
        self.field = field
        self.tags = {"TERRAPROMPT_CLASSES": ";".join(f"{i}={n}" for n, i in index.items())}

    def read_on_grid(self, grid: Grid, window: Optional[Window] = None, bands: Optional[Sequence[int]] = None,
                     resampling=None) -> np.ma.MaskedArray:
        """(1, h, w) class values (0 where no polygon) for a window of a grid."""
        window = window or Window(0, 0, grid.width, grid.height)
        h, w = int(window.height), int(window.width)
        tr = grid.window_transform(window)
        x0, y1 = tr * (0, 0)
        x1, y0 = tr * (w, h)
        xmin, xmax, ymin, ymax = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        b = self.bounds
        hit = (b[:, 0] <= xmax) & (b[:, 2] >= xmin) & (b[:, 1] <= ymax) & (b[:, 3] >= ymin) if len(b) else np.zeros(0, bool)
        shapes = [self.shapes[i] for i in np.nonzero(hit)[0]]
        out = rasterize(shapes, out_shape=(h, w), transform=tr, fill=0, dtype="uint8") if shapes else np.zeros((h, w), np.uint8)
        return np.ma.MaskedArray(out[None].astype(np.float32), mask=np.zeros((1, h, w), bool))
