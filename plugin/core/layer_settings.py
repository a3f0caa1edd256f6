"""What the analyst set on a raster's layer in QGIS that its file does not say (plain data: no GDAL, no QGIS)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class LayerSettings:
    """The layer's CRS and extra nodata values; QGIS draws the layer with them, so the raster is read with them too
    (see raster.open_raster)."""

    crs: Optional[str] = None
    """The layer's CRS (WKT or an authority code) where the file has none or states another (Layer Properties > Source)."""
    nodata: tuple[tuple[float, float], ...] = ()
    """Value ranges (low, high; one value: low == high) that are nodata in every band besides the file's own nodata
    (Layer Properties > Transparency, 'Additional no data value')."""
    drawn_rgb: tuple[int, ...] = ()
    """The bands the layer draws as red, green and blue when they are bands 1-3 in another order (Layer Properties >
    Symbology): a blue, green, red file (OpenCV exports) the analyst set to draw in true colour."""
