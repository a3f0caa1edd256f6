"""Polygonising releases the GIL: a QgsTask polygonising a speckled map must not freeze QGIS's main thread (rasterio 1.3's
``shapes`` held the GIL for a whole window: seconds), and the polygons stay those rasterio's ``shapes`` gave."""
from __future__ import annotations

import threading
import time

import numpy as np
from rasterio.features import shapes
from rasterio.transform import from_origin
from scipy import ndimage
from shapely.geometry import shape

from conftest import write_raster
from terraprompt.plugin.core.vectors import polygonize

TRANSFORM = from_origin(300000, 5000000, 10, 10)


def _speckled(size: int, seed: int = 3) -> np.ndarray:
    """Classes 0-3 with 40 % isolated pixels: many small objects, holes and objects inside holes."""
    rng = np.random.default_rng(seed)
    cls = np.repeat(np.repeat(rng.integers(0, 4, (size // 8, size // 8)), 8, 0), 8, 1).astype(np.uint8)
    noise = rng.random(cls.shape) < 0.4
    cls[noise] = rng.integers(0, 4, int(noise.sum()))
    return cls


def test_polygonizing_a_window_lets_other_threads_run(tmp_path, monkeypatch):
    """GDAL polygonises each window through osgeo.gdal.Polygonize, which releases the GIL: a thread of Python
    (QGIS's main thread, in a task's run) keeps running meanwhile."""
    from osgeo import gdal

    real, calls = gdal.Polygonize, []

    def polygonize_watched(band, mask, layer, field, options, *args, **kwargs):
        ticks, stop = [0], threading.Event()

        def beat() -> None:
            while not stop.is_set():
                ticks[0] += 1
                time.sleep(0.001)

        beating = threading.Thread(target=beat)
        beating.start()
        t0 = time.perf_counter()
        try:
            return real(band, mask, layer, field, options, *args, **kwargs)
        finally:
            seconds = time.perf_counter() - t0
            stop.set()
            beating.join()
            calls.append((band.XSize * band.YSize, seconds, ticks[0]))

    monkeypatch.setattr(gdal, "Polygonize", polygonize_watched)
    cls = np.zeros((1024, 1024), np.uint8)
    cls[::2, ::2] = 1  # 262 144 one-pixel objects in one window: GDAL works for a good fraction of a second
    path = write_raster(str(tmp_path / "checker.tif"), cls, crs="EPSG:32633", transform=TRANSFORM, nodata=255)
    first = next(polygonize(path, window_size=1024))  # the first object comes once the window is polygonised
    assert first.value == 1 and first.pixels == 1
    assert calls, "the window was not polygonised through osgeo.gdal.Polygonize"
    pixels, seconds, ticks = max(calls, key=lambda c: c[1])
    assert pixels == 1024 * 1024
    # with the GIL held the beating thread gets no turn (at most one before the call); released, it beats every ms
    assert ticks >= min(10, int(seconds * 200)), (seconds, ticks)


def test_polygons_are_those_of_rasterio_shapes(tmp_path):
    """In one window (no merge), each class's objects are exactly rasterio's shapes of its 4-connected components:
    same geometries (vertex for vertex), same order."""
    cls = _speckled(96)
    path = write_raster(str(tmp_path / "speckled.tif"), cls, crs="EPSG:32633", transform=TRANSFORM, nodata=255)
    got = [(p.value, p.geom.wkb, p.pixels) for p in polygonize(path, window_size=128)]
    want = []
    for value in np.unique(cls):
        if value == 0:
            continue
        labels, _ = ndimage.label(cls == value)
        for geom, lab in shapes(labels.astype(np.int32), mask=labels > 0, connectivity=4, transform=TRANSFORM):
            want.append((int(value), shape(geom).wkb, int((labels == int(lab)).sum())))
    assert len(got) > 1000
    assert got == want


def test_polygons_merged_across_windows_keep_their_pixels(tmp_path):
    """Small windows and one window give the same objects (areas, pixels, classes) on a speckled map."""
    cls = _speckled(160, seed=5)
    path = write_raster(str(tmp_path / "speckled.tif"), cls, crs="EPSG:32633", transform=TRANSFORM, nodata=255)

    def objects(window: int) -> list:
        return sorted((p.value, round(p.geom.area), p.pixels) for p in polygonize(path, window_size=window))

    assert objects(48) == objects(256)
