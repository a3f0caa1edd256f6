"""Find similar with the promptable network on a raster with masked nodata stripes: the scene's standardisation and
the exemplars' prototypes come from valid cells only (filled stripes in them found 3 x the objects, probe on gaps)."""
from __future__ import annotations

import numpy as np
from rasterio.transform import Affine
from shapely.geometry import box

from similar_fakes import CROP

GAP_VALUE = 50.0
"""The embedding of a filled stripe's cells in this fake: far from every valid cell's (0 or 1)."""


def _run(monkeypatch) -> dict:
    """The arguments similar_objects gives fit_prototypes, on the Rio crop encoded with a nodata stripe (rows 40-71)."""
    from terraprompt.plugin.core.interactive import similar_objects as so
    from terraprompt.plugin.core.interactive.encoder import EncodedWindow
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster
    from terraprompt.plugin.core.vectors import AreaCalculator

    src = open_raster(CROP)
    seen: dict = {}

    def encode(src_, win, engine_, cache=None, modality=None):
        h, w = int(win.height), int(win.width)
        r0 = int(win.row_off)
        valid = np.ones((h, w), bool)
        valid[max(0, 40 - r0):max(0, 72 - r0)] = False
        rows = np.arange(r0, r0 + h, so.STRIDE) + so.STRIDE // 2
        emb = np.zeros((4, len(rows), -(-w // so.STRIDE)), np.float32)
        emb[0] = 1.0
        emb[1] = (np.arange(emb.shape[2]) % 2)[None]  # some spread in the valid cells
        emb[2][(rows >= 40) & (rows < 72)] = GAP_VALUE  # the filled stripe's cells
        return EncodedWindow(win, (h, w), src.transform * Affine.translation(win.col_off, r0),
                             {"embedding": emb, "image": np.zeros((3, h, w), np.float32), "valid": valid}, valid)

    def fit(cells, bg, diameter):
        seen.update(cells=cells, bg=bg)
        return real_fit(cells, bg, diameter)

    real_fit = so.fit_prototypes
    monkeypatch.setattr(so, "encode_window", encode)
    monkeypatch.setattr(so, "fit_prototypes", fit)
    monkeypatch.setattr(so, "click_points", lambda sim, valid, step: np.zeros((0, 2), np.float32))
    x0, y0 = src.transform * (100, 30)
    x1, y1 = src.transform * (120, 60)
    exemplar = box(x0, y1, x1, y0)  # rows 30-60: its lower part lies on the stripe
    so.similar_objects(src, resolve_modality(src), object(), [exemplar], 0.5, AreaCalculator(src.crs),
                       exemplar_areas=[40.0])
    return seen


def test_background_is_valid_cells_only(monkeypatch):
    """The scene's standardisation leaves the stripe's cells out."""
    bg = _run(monkeypatch)["bg"]
    assert bg.shape[1] > 0
    assert not (bg[2] == GAP_VALUE).any()


def test_exemplar_prototype_is_valid_cells_only(monkeypatch):
    """An exemplar over the edge of a stripe is described by its cells off the stripe."""
    cells = _run(monkeypatch)["cells"]
    assert cells[0].shape[1] > 0
    assert not (cells[0][2] == GAP_VALUE).any()


def test_exemplar_all_on_nodata_keeps_its_cells():
    """An exemplar whose every cell is on nodata still gives a prototype (its cells as they are)."""
    from terraprompt.plugin.core.interactive.encoder import EncodedWindow
    from terraprompt.plugin.core.interactive.similar_objects import STRIDE, exemplar_cells
    from rasterio.windows import Window

    valid = np.zeros((64, 64), bool)
    enc = EncodedWindow(Window(0, 0, 64, 64), (64, 64), Affine.identity(),
                        {"embedding": np.ones((4, 64 // STRIDE, 64 // STRIDE), np.float32)}, valid)
    assert exemplar_cells(enc, box(8, 8, 24, 24)).shape[1] > 0
