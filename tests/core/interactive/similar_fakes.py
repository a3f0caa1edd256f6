"""Fakes for Find similar with the promptable network (:func:`similar_objects`): every window encoded as zeros, every
cell and mask like the exemplars, the clicks given; the test's engine decides the masks."""
from __future__ import annotations

import os

import numpy as np
from rasterio.transform import Affine
from shapely.geometry import box

CROP = os.path.join(os.path.dirname(__file__), "..", "..", "data", "rio_buildings_crop_image.tif")


class Prototypes:
    """Every cell and mask resembles the exemplars."""

    diameter_px = 12.0

    def cell_similarity(self, emb: np.ndarray) -> np.ndarray:
        """All cells alike."""
        return np.ones(emb.shape[1:], np.float32)

    def mask_similarity(self, emb: np.ndarray, cells: np.ndarray) -> float:
        """Every mask alike."""
        return 0.9


def find_similar(monkeypatch, engine, clicks: list[list[float]]) -> tuple[list, int]:
    """(found, clicks) of similar_objects on the Rio crop, one exemplar far from the roofs, the network clicked at
    ``clicks`` ((x, y) pixels) and decoded by ``engine``."""
    from terraprompt.plugin.core.interactive import similar_objects as so
    from terraprompt.plugin.core.interactive.encoder import EncodedWindow
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster
    from terraprompt.plugin.core.vectors import AreaCalculator

    src = open_raster(CROP)

    def encode(src_, win, engine_, cache=None, modality=None):
        h, w = int(win.height), int(win.width)
        cells = (-(-h // so.STRIDE), -(-w // so.STRIDE))
        return EncodedWindow(win, (h, w), src.transform * Affine.translation(win.col_off, win.row_off),
                             {"embedding": np.zeros((4,) + cells, np.float32), "image": np.zeros((3, h, w), np.float32),
                              "valid": np.ones((h, w), bool)}, np.ones((h, w), bool))

    monkeypatch.setattr(so, "encode_window", encode)
    monkeypatch.setattr(so, "fit_prototypes", lambda cells, bg, diameter: Prototypes())
    monkeypatch.setattr(so, "click_points", lambda sim, valid, step: np.array(clicks, np.float32))
    x0, y0 = src.transform * (100, 120)
    x1, y1 = src.transform * (110, 110)
    exemplar = box(x0, y0, x1, y1)  # far from the roofs
    found, _, n_clicks = so.similar_objects(src, resolve_modality(src), engine, [exemplar], 0.5,
                                            AreaCalculator(src.crs), exemplar_areas=[40.0])
    return found, n_clicks
