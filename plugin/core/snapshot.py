"""Snapshots of layers that are not files (web tiles, WMS/WMTS, ...): their rendering as an RGB GeoTIFF.

The QGIS layer renders the layer's view into an RGBA GeoTIFF (``gui/snapshot.py``); this keeps its red,
green and blue bands, named so that the modality is RGB, and turns transparent pixels (no tile drawn)
into fill (0 in every band, which multiband integer rasters without a nodata value treat as nodata).
"""
from __future__ import annotations

import numpy as np
import rasterio

from .errors import InputError
from .messages import t

TAG = "TERRAPROMPT_RENDERED_FROM"


def rgb_from_rendering(rgba_path: str, out_path: str, source: str) -> str:
    """Write the RGB of a rendered RGBA GeoTIFF to ``out_path`` (InputError when nothing was drawn); returns out_path."""
    with rasterio.open(rgba_path) as ds:
        if ds.count < 3:
            raise InputError(t("The rendering of '{name}' has {n} band(s), not red, green and blue.", name=source, n=ds.count),
                             t("Save the layer as a GeoTIFF (right-click › Export › Save As) and use that file."))
        rgb = ds.read([1, 2, 3])
        alpha = ds.read(4) if ds.count >= 4 else np.full(rgb.shape[1:], 255, rgb.dtype)
        profile = ds.profile
    drawn = alpha > 0
    if not drawn.any():
        raise InputError(t("Nothing of '{name}' was drawn in this view.", name=source),
                         t("Check that the layer shows on the map here (network, credentials, zoom range), then try again."))
    rgb = np.where(drawn[None], rgb, 0).astype(np.uint8)
    rgb[:, drawn & (rgb == 0).all(axis=0)] = 1  # a drawn black pixel is no fill
    profile.update(count=3, dtype="uint8", nodata=None, photometric="RGB", compress="deflate")
    profile.pop("alpha", None)
    with rasterio.open(out_path, "w", **profile) as out:
        out.write(rgb)
        out.descriptions = ("red", "green", "blue")
        out.update_tags(**{TAG: source})
    return out_path
