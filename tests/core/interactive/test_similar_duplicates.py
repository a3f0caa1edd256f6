"""Find similar with the promptable network: one object per place. The duplicate rule measured the overlap as a share
of the mask added later only, so a larger mask over 43 % of a smaller one kept passed at 26 % (probe report 'polygons',
item 4); it is now measured on the smaller mask."""
from __future__ import annotations

import os

import numpy as np
from rasterio.transform import Affine
from shapely.geometry import box

from terraprompt.plugin.core.interactive import similar_objects as so
from terraprompt.plugin.core.interactive.encoder import EncodedWindow

CROP = os.path.join(os.path.dirname(__file__), "..", "..", "data", "rio_buildings_crop_image.tif")


class _Prototypes:
    """Every cell and mask resembles the exemplars."""

    diameter_px = 12.0

    def cell_similarity(self, emb: np.ndarray) -> np.ndarray:
        return np.ones(emb.shape[1:], np.float32)

    def mask_similarity(self, emb: np.ndarray, cells: np.ndarray) -> float:
        return 0.9


class _Engine:
    """Decodes a click inside rows 20-29 as a 200-pixel roof (rows 20-29, cols 20-39), any other as a 320-pixel
    one over its lower 40 % (rows 26-41, cols 20-39): 80 shared pixels, 40 % of the first, 25 % of the second."""

    threshold = 0.0
    card: dict = {}

    def decode(self, sub, points, labels, remember=False, first_click_threshold=0.0):
        mask = np.zeros(sub["valid"].shape, bool)
        if 20 <= points[0, 1] < 30:
            mask[20:30, 20:40] = True
            return mask, 0.95
        mask[26:42, 20:40] = True
        return mask, 0.9


def test_a_larger_mask_over_much_of_a_kept_one_is_a_duplicate(monkeypatch):
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster
    from terraprompt.plugin.core.vectors import AreaCalculator

    src = open_raster(CROP)

    def encode(src_, win, engine, cache=None, modality=None):
        h, w = int(win.height), int(win.width)
        cells = (-(-h // so.STRIDE), -(-w // so.STRIDE))
        return EncodedWindow(win, (h, w), src.transform * Affine.translation(win.col_off, win.row_off),
                             {"embedding": np.zeros((4,) + cells, np.float32), "image": np.zeros((3, h, w), np.float32),
                              "valid": np.ones((h, w), bool)}, np.ones((h, w), bool))

    monkeypatch.setattr(so, "encode_window", encode)
    monkeypatch.setattr(so, "fit_prototypes", lambda cells, bg, diameter: _Prototypes())
    monkeypatch.setattr(so, "click_points", lambda sim, valid, step: np.array([[30, 22], [30, 38]], np.float32))
    x0, y0 = src.transform * (100, 120)
    x1, y1 = src.transform * (110, 110)
    exemplar = box(x0, y0, x1, y1)  # far from the roofs
    found, _, clicks = so.similar_objects(src, resolve_modality(src), _Engine(), [exemplar], 0.5,
                                          AreaCalculator(src.crs), exemplar_areas=[40.0])
    assert clicks == 2
    assert [int(m.sum()) for m, _, _ in found] == [200], [int(m.sum()) for m, _, _ in found]
