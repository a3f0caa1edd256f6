"""Web and other non-file raster layers (XYZ tiles, WMS/WMTS, ...) as input: render the view to a GeoTIFF.

The engines read files. A layer that is not one is rendered, as it draws on the map, over an extent at the
canvas resolution into a temporary GeoTIFF (the provider and renderer are cloned on the GUI thread, the
rendering itself runs in the task that needs it); ``core/snapshot.py`` keeps its red, green and blue.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsMapSettings,
    QgsProject,
    QgsRasterFileWriter,
    QgsRasterPipe,
    QgsRectangle,
)

from ..qgis_layers import box_in_layer_crs

MAX_SIDE = 2048
"""Longest side of a rendering in pixels (the canvas resolution is coarsened beyond it)."""


def is_file_raster(layer) -> bool:
    """True for a raster layer read from a file by GDAL (the engines open it directly)."""
    if layer is None:
        return False
    from ..core.raster import is_gdal_source

    return layer.providerType() == "gdal" and is_gdal_source(layer.source().split("|")[0])


def missing_file(layer) -> str:
    """The path of a GDAL raster layer whose file is gone (deleted, moved, an unplugged drive), '' otherwise: such a layer
    is no web layer to render, and its view on the map may still show what QGIS cached."""
    if layer is None or layer.providerType() != "gdal":
        return ""
    from ..core.raster import is_gdal_source
    from ..core.sources import container_file

    path = layer.source().split("|")[0]
    return "" if is_gdal_source(path) else (container_file(path) or path)


def missing_file_message(layer) -> str:
    """The message for a layer whose file is gone, with the fix ('' when its file is there)."""
    from ..i18n import tr

    path = missing_file(layer)
    return tr("The file of layer '{name}' no longer exists ({path}). Restore it, point the layer at its new place (Layer "
              "Properties > Source), or remove the layer.").format(name=layer.name(), path=path) if path else ""


def check_files(*layers) -> None:
    """Raise ValueError naming the first layer whose file is gone, with the fix."""
    for layer in layers:
        message = missing_file_message(layer)
        if message:
            raise ValueError(message)


def render_size(extent: QgsRectangle, units_per_pixel: float, layer=None, max_side: int = MAX_SIDE) -> tuple[int, int]:
    """(width, height) in pixels of an extent at a resolution, never finer than the layer's finest native resolution
    (tiles at their deepest zoom: zooming in further adds no detail) and the longest side at most ``max_side``."""
    native = [r for r in (layer.dataProvider().nativeResolutions() if layer is not None else []) if r > 0]
    if native:
        units_per_pixel = max(units_per_pixel, min(native))
    w, h = extent.width() / units_per_pixel, extent.height() / units_per_pixel
    k = max(1.0, max(w, h) / max_side)
    return max(1, int(round(w / k))), max(1, int(round(h / k)))


def snapshot_work(layer, extent: QgsRectangle, width: int, height: int, folder: str) -> Callable[[], str]:
    """A function (for a task) that renders ``layer`` over ``extent`` (its CRS) into an RGB GeoTIFF in ``folder``; returns its path."""
    from ..core.errors import InputError
    from ..core.messages import t
    from ..core.snapshot import rgb_from_rendering

    provider, renderer = layer.dataProvider().clone(), layer.renderer().clone()
    crs, name = layer.crs(), layer.name()
    extent = QgsRectangle(extent)

    def work() -> str:
        pipe = QgsRasterPipe()
        if not (pipe.set(provider) and pipe.set(renderer)):
            raise InputError(t("The layer '{name}' cannot be rendered.", name=name),
                             t("Save the layer as a GeoTIFF (right-click › Export › Save As) and use that file."))
        os.makedirs(folder, exist_ok=True)
        stem = os.path.join(folder, f"rendered_{uuid.uuid4().hex[:8]}")
        rgba = stem + "_rgba.tif"
        code = QgsRasterFileWriter(rgba).writeRaster(pipe, width, height, extent, crs, QgsCoordinateTransformContext())
        if code != QgsRasterFileWriter.NoError or not os.path.exists(rgba):
            raise InputError(t("Rendering the layer '{name}' failed (error {code}).", name=name, code=int(code)),
                             t("Check that the layer shows on the map here (network, credentials, zoom range), then try again."))
        try:
            return rgb_from_rendering(rgba, stem + ".tif", name)
        finally:
            os.remove(rgba)

    return work


def view_rendering(canvas, layer, extent: Optional[QgsRectangle] = None, folder: Optional[str] = None,
                   max_side: int = MAX_SIDE) -> tuple:
    """(render function, folder) for the map view of ``layer`` (or ``extent``, in the layer's CRS) at the canvas
    resolution (the longest side at most ``max_side`` pixels); (None, None) when the layer is a file. The folder is
    created (a new temporary one unless given).
    Raises ValueError (the message for the analyst) for a layer whose file is gone or a map that shows nothing yet."""
    if is_file_raster(layer) or canvas is None:
        return None, None
    check_files(layer)
    from ..i18n import tr

    view = box_in_layer_crs(canvas.extent(), canvas.mapSettings().destinationCrs(), layer, QgsProject.instance())
    rect = QgsRectangle(extent) if extent is not None else view
    size = canvas.mapSettings().outputSize()
    if rect.isEmpty() or view.isEmpty() or size.width() < 1 or size.height() < 1:
        raise ValueError(tr("The map shows nothing of '{name}' yet. Zoom to the layer, then run again.").format(name=layer.name()))
    upp = layer_units_per_pixel(canvas, layer)
    folder = folder or tempfile.mkdtemp(prefix="terraprompt-view-")
    return snapshot_work(layer, rect, *render_size(rect, upp, layer, max_side), folder), folder


def layer_units_per_pixel(canvas, layer) -> float:
    """The map's resolution in the layer's CRS: the view as if unrotated (the same centre, scale and screen size) over
    the screen's pixels. (A rotated map's extent is the bounding box of the turned view: over the screen's pixels it
    gave a resolution up to twice as coarse as the map's.)"""
    settings = QgsMapSettings(canvas.mapSettings())
    settings.setRotation(0.0)
    box = box_in_layer_crs(settings.visibleExtent(), settings.destinationCrs(), layer, QgsProject.instance())
    size = settings.outputSize()
    return max(box.width() / max(size.width(), 1), box.height() / max(size.height(), 1))


@contextmanager
def rendered(render: Optional[Callable[[], str]], folder: Optional[str], path: str = "") -> Iterator[str]:
    """In a task: the file to read, rendered now (``path`` when there is nothing to render); the rendering's folder is
    removed afterwards, whatever happens."""
    if render is None:
        yield path
        return
    try:
        yield render()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
