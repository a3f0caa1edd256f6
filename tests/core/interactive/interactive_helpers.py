"""Shared generators for the interactive tests: rasters with known objects."""
from __future__ import annotations

import numpy as np
from rasterio.transform import from_origin


def scene(h: int = 256, w: int = 256, bands: int = 3, seed: int = 0, objects=None, noise: float = 4.0):
    """A uint8-like float scene: textured background with bright rectangles/disks; returns (data, {id: mask})."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    data = np.empty((bands, h, w), dtype=np.float32)
    base = 60 + 10 * np.sin(xx / 17.0) + 8 * np.cos(yy / 23.0)
    for b in range(bands):
        data[b] = base + 5 * b
    masks = {}
    objects = objects if objects is not None else [
        ("rect", 40, 50, 30, 45, (200, 170, 150)),
        ("disk", 150, 170, 28, 0, (90, 160, 60)),
        ("rect", 180, 40, 40, 25, (30, 30, 120)),
    ]
    for k, (kind, r, c, a, b2, col) in enumerate(objects, start=1):
        if kind == "rect":
            m = (yy >= r) & (yy < r + a) & (xx >= c) & (xx < c + b2)
        else:
            m = (yy - r) ** 2 + (xx - c) ** 2 < a ** 2
        for b in range(bands):
            data[b][m] = col[b % len(col)]
        masks[k] = m
    data += rng.normal(0, noise, data.shape).astype(np.float32)
    return np.clip(data, 0, 255), masks


TRANSFORM = from_origin(500000, 4500000, 0.5, 0.5)


def pixel_centre(r: float, c: float) -> tuple[float, float]:
    """Map coordinates (EPSG:32633) of the centre of pixel (row, col) on TRANSFORM."""
    return TRANSFORM * (c + 0.5, r + 0.5)


def scene_file(tmp_path) -> tuple[str, list]:
    """The 256² scene written as an 8-bit GeoTIFF on TRANSFORM in EPSG:32633; returns (path, object masks)."""
    import numpy as np

    from conftest import write_raster

    data, masks = scene(h=256, w=256)
    return write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM), masks
