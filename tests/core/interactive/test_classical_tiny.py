"""The classical engine on rasters 1-2 px tall or wide: a click segments something (no superpixel there before)."""
from __future__ import annotations

import numpy as np
import pytest

from terraprompt.plugin.core.interactive.classical import ClassicalEngine


@pytest.mark.parametrize("shape", [(1, 1), (2, 2), (1, 50), (50, 1), (2, 2048), (2048, 2)])
def test_click_on_thin_raster_segments(shape):
    h, w = shape
    data = np.zeros((3, h, w), np.float32)
    if max(h, w) > 2:  # a bright object in the first half, dark ground beyond
        data[:, : max(1, h // 2), : max(1, w // 2)] = 200.0
    eng = ClassicalEngine()
    f = eng.encode(data, np.ones(shape, bool))
    assert f["counts"].size > 0, shape
    click = np.array([[0.5, 0.5]])  # (col, row) of the first pixel, inside the object
    mask, score = eng.decode(f, click, np.array([1]))
    assert mask[0, 0] and 0.0 <= score <= 1.0, (shape, int(mask.sum()), score)
    if max(h, w) > 2:  # the dark half stays out
        assert not mask[-1, -1], shape
