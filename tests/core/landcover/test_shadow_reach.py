"""'Within 5 km of a cloud' is worked out once per cloud block and read by the spectral rules and the network run alike:
a run reads each tile's cloud probabilities once (it read the tile and 5 km around it, ~8.7 x the tile, 11.8 s on
5000 x 5000 px), and the reach matches an exact distance to the clouds but at its edge."""
from __future__ import annotations

import types

import numpy as np
from rasterio.windows import Window
from scipy.ndimage import distance_transform_edt

from terraprompt.plugin.core.landcover.extract import NetworkShadows
from terraprompt.plugin.core.landcover.spectral import SHADOW_REACH_M, CloudReach

H, W, PIXEL_M = 1500, 1400, 10.0
CLOUDS = ((200, 300, 40), (1100, 1000, 80))  # row, column, radius (px)


class Clouds:
    """A cloud masker seeing two round clouds, shadow everywhere else (the network's cells are 3 x 3 px)."""
    factor, pixel_m, bands = 3, PIXEL_M, ("blue", "green", "red", "nir")

    def probabilities(self, bands: dict, valid: np.ndarray) -> np.ndarray:
        y, x = bands["row"], bands["col"]
        cloud = np.zeros(valid.shape, bool)
        for r, c, radius in CLOUDS:
            cloud |= (y - r) ** 2 + (x - c) ** 2 <= radius ** 2
        return np.stack([np.full(valid.shape, 0.3), np.where(cloud, 0.9, 0.1), np.full(valid.shape, 0.4)]).astype(np.float32)


class Stack:
    """Bands holding each pixel's row and column."""
    grid = types.SimpleNamespace(width=W, height=H)

    def read(self, w: Window, roles: set) -> types.SimpleNamespace:
        h, ww, r, c = int(w.height), int(w.width), int(w.row_off), int(w.col_off)
        row, col = np.mgrid[r:r + h, c:c + ww]
        return types.SimpleNamespace(bands={"row": row, "col": col}, valid=np.ones((h, ww), bool))


def _tiles() -> list[Window]:
    return [Window(c, r, min(512, W - c), min(512, H - r)) for r in range(0, H, 448) for c in range(0, W, 448)]


def _distance_m() -> np.ndarray:
    """Each pixel's distance (m) to the nearest cloud cell, as the cloud network sees the clouds (3 x 3 px cells)."""
    p = Clouds().probabilities(Stack().read(Window(0, 0, W, H), set()).bands, np.ones((H, W), bool))
    cells = np.argmax(p[:, ::3, ::3], axis=0) == 1
    cloud = np.repeat(np.repeat(cells, 3, 0), 3, 1)[:H, :W]
    return distance_transform_edt(~cloud) * PIXEL_M


def test_each_tile_reads_the_cloud_probabilities_once():
    shadows = NetworkShadows(Clouds(), Stack(), Window(0, 0, W, H))
    read = []
    window = shadows._blocks.window
    shadows._blocks.window = lambda *a: read.append(a[2] * a[3]) or window(*a)
    tiles = _tiles()
    for w in tiles:
        shadows.window(w)
    assert sum(read) == sum(int(w.width) * int(w.height) for w in tiles)  # was ~8.7 x with 5 km around each tile


def test_the_reach_is_the_exact_distance_but_at_its_edge():
    shadows = NetworkShadows(Clouds(), Stack(), Window(0, 0, W, H))
    out = np.zeros((H, W), bool)
    for w in _tiles():
        out[w.row_off:w.row_off + w.height, w.col_off:w.col_off + w.width] = shadows.window(w)
    d = _distance_m()
    cloud = d == 0
    near = CloudReach(shadows._blocks).window(0, 0, W, H)  # a fresh cache, as the spectral engine's
    assert np.array_equal(out, near & ~cloud)  # one 'near a cloud' for both engines, whatever the tiles
    exact = d <= SHADOW_REACH_M
    assert exact.any() and not exact.all()
    edge = np.abs(d - SHADOW_REACH_M) <= 3 * 2 * PIXEL_M * np.sqrt(2)  # a group of 2 x 2 cells of 3 x 3 px
    assert np.array_equal(near[~edge], exact[~edge])


def test_no_cloud_no_reach():
    class Clear(Clouds):
        def probabilities(self, bands: dict, valid: np.ndarray) -> np.ndarray:
            p = super().probabilities(bands, valid)
            p[1] = 0.0
            return p

    shadows = NetworkShadows(Clear(), Stack(), Window(100, 50, 900, 700))
    assert not shadows.window(Window(0, 0, 512, 512)).any()
    assert not CloudReach(shadows._blocks).window(0, 0, W, H).any()
