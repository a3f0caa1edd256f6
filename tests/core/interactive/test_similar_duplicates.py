"""Find similar with the promptable network: one object per place. The duplicate rule measured the overlap as a share
of the mask added later only, so a larger mask over 43 % of a smaller one kept passed at 26 % (probe report 'polygons',
item 4); it is now measured on the smaller mask."""
from __future__ import annotations

import numpy as np

from similar_fakes import find_similar


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
    found, clicks = find_similar(monkeypatch, _Engine(), [[30, 22], [30, 38]])
    assert clicks == 2
    assert [int(m.sum()) for m, _, _ in found] == [200], [int(m.sum()) for m, _, _ in found]
