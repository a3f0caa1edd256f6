"""The change-network TTA/fusion experiment: every flip/rotation is undone exactly, and the threshold counts are right."""
from __future__ import annotations

import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from training.change_net import fusion  # noqa: E402


def test_every_transform_is_undone():
    x = np.arange(2 * 3 * 5, dtype=np.float32).reshape(1, 2, 3, 5)
    seen = set()
    for k in range(8):
        y = fusion.dihedral(x, k)
        seen.add(y.tobytes())
        assert np.array_equal(fusion.undo(y, k), x), k
    assert len(seen) == 8  # eight distinct transforms, not repeats


def test_counts_at_thresholds():
    item = {"valid": np.array([[True, True, True, False]]), "truth": np.array([[True, False, True, True]])}
    s = np.array([[2.0, 1.0, -1.0, 5.0]])  # the invalid pixel is ignored
    c = fusion.counts(s, item, np.array([0.0, 1.5]))
    assert c.tolist() == [[1, 1, 1], [1, 0, 1]]
    assert np.allclose(fusion.f1(c), [0.5, 2 / 3])
