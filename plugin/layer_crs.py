"""The CRS an analyst set on a raster layer in QGIS (Layer Properties > Source) where its file has none or another.

QGIS draws such a layer in the layer's CRS; the core reads files, so the adapters hand it these CRSs by file path
(``layer_crs`` of the core requests, ``crs`` of :func:`core.raster.open_raster`) and outputs land where the layer is drawn.
"""
from __future__ import annotations

from typing import Optional

from qgis.core import QgsCoordinateReferenceSystem, QgsRasterLayer


def assigned_crs(layer) -> Optional[str]:
    """The WKT of the CRS set on a file raster layer in QGIS when it is not the file's own (None otherwise)."""
    if not isinstance(layer, QgsRasterLayer) or layer.providerType() != "gdal" or not layer.crs().isValid():
        return None
    if layer.crs() == layer.dataProvider().crs():
        return None
    return layer.crs().toWkt(QgsCoordinateReferenceSystem.WKT_PREFERRED_GDAL)


def layer_crs(*layers) -> dict[str, str]:
    """{file path: assigned CRS} for the given layers (None entries skipped) whose QGIS CRS is not their file's."""
    out = {}
    for layer in layers:
        wkt = assigned_crs(layer) if layer is not None else None
        if wkt:
            out[layer.source().split("|")[0]] = wkt
    return out
