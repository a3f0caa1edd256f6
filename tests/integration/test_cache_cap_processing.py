"""CACHE_MB of encode_image kept for its CACHE_DIR: a later segment_prompts on another raster, given no CACHE_MB, keeps
what was precomputed under the larger cap (it evicted down to the 2 GB default); CACHE_MB is reported in the MB it is
given in. The precomputed entries of a large raster are sparse files (no disk space)."""
from __future__ import annotations

import os
import sys
import time

import numpy as np
from rasterio.transform import from_origin

from conftest import write_raster

TRANSFORM = from_origin(500000, 4500000, 0.5, 0.5)


def _scene():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    return scene(h=256, w=256)


def _one_click(x: float, y: float):
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    pts = QgsVectorLayer("Point?crs=EPSG:32633&field=object_id:integer&field=positive:integer", "pts", "memory")
    f = QgsFeature(pts.fields())
    f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
    f.setAttributes([1, 1])
    pts.dataProvider().addFeatures([f])
    return pts


def test_cache_mb_of_encode_image_is_kept_by_segment_prompts(plugin, tmp_path, monkeypatch):
    import processing

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "default cache"))
    data, _ = _scene()
    a = write_raster(str(tmp_path / "a.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    b = write_raster(str(tmp_path / "b.tif"), data[:, :, ::-1].astype(np.uint8).copy(), crs="EPSG:32633", transform=TRANSFORM)
    cache = str(tmp_path / "cache")
    res = processing.run("terraprompt:encode_image", {"INPUT": a, "MODEL": "classical", "CACHE_DIR": cache, "CACHE_MB": 6000})
    now = time.time()
    big = []
    for i in range(25):  # 2.5 GB of a large raster's encodings, under the 6000 MB cap, over the default
        big.append(os.path.join(cache, f"bigortho_tile{i:02d}.npz"))
        with open(big[-1], "wb") as f:
            f.truncate(100 * 1024 ** 2)
        os.utime(big[-1], (now - 100 + i, now - 100 + i))
    out = processing.run("terraprompt:segment_prompts", {"INPUT": b, "POINTS": _one_click(*(TRANSFORM * (70, 55))),
                                                         "MODEL": "classical", "CACHE_DIR": cache,
                                                         "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert "newly encoded: 1)" in out["REPORT"], out["REPORT"]  # a new entry was stored, with eviction after it
    assert all(os.path.exists(p) for p in big)
    assert "(cap 6,000 MB)" in res["REPORT"], res["REPORT"]  # was 'cap 6291 MB'
