"""make eval-interactive sees a tile's pixels as the plugin does: a black no-image area of a multiband integer tile
without a nodata value (hold-out Rio img57 has about 34 %) is nodata, not dark image."""
from __future__ import annotations

import os
import sys

import numpy as np

from conftest import write_raster

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_black_no_image_area_is_not_valid(tmp_path):
    sys.path.insert(0, ROOT)
    from training import eval_interactive

    rng = np.random.default_rng(0)
    rgb = rng.integers(1, 255, (3, 20, 30)).astype(np.uint8)
    rgb[:, :, :10] = 0  # no image
    rgb[0, 5, 15] = 0  # a dark pixel in one band only stays valid
    p = write_raster(str(tmp_path / "t_image.tif"), rgb)
    v = eval_interactive.valid_pixels(p, rgb.astype(np.float32))
    assert not v[:, :10].any() and v[:, 10:].all()
    pan = rng.integers(0, 2000, (1, 20, 30)).astype(np.uint16)  # single band: 0 is a value
    pan[:, :, :10] = 0
    assert eval_interactive.valid_pixels(write_raster(str(tmp_path / "p_image.tif"), pan), pan.astype(np.float32)).all()
