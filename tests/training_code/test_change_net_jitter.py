"""The opt-in change-network augmentation (CHANGE_NET_AUG=1) jitters only the available slots and keeps shapes."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def train():
    pytest.importorskip("torch")
    sys.path.insert(0, ROOT)
    from training.change_net import train

    return train


def test_jitter_keeps_missing_slots_and_shapes(train):
    rng = np.random.default_rng(0)
    av = np.zeros(10, np.float32)
    av[[0, 1, 2, 6]] = 1  # RGBN
    b = rng.normal(0, 1, (10, 64, 64)).astype(np.float32) * av[:, None, None]
    a = rng.normal(0, 1, (10, 64, 64)).astype(np.float32) * av[:, None, None]
    changed = 0
    for _ in range(20):
        jb, ja = train.jitter(rng, b, a, av)
        assert jb.shape == b.shape and ja.shape == a.shape and jb.dtype == np.float32 and ja.dtype == np.float32
        assert not jb[av == 0].any() and not ja[av == 0].any()
        changed += int(not np.allclose(jb, b))
    assert changed == 20  # every example is jittered (gain/offset/noise always apply)
    assert not np.allclose(b, train.jitter(rng, b, a, av)[0]) and np.array_equal(b, b.copy())  # inputs untouched


def test_off_by_default(train):
    assert train.AUG is (os.environ.get("CHANGE_NET_AUG", "") == "1")
    if not train.AUG:
        rng1, rng2 = np.random.default_rng(3), np.random.default_rng(3)
        scene = {"name": "s", "before": np.ones((10, 80, 80), np.float32), "after": np.ones((10, 80, 80), np.float32),
                 "label": np.zeros((80, 80), np.uint8)}
        scene["changed"] = np.argwhere(scene["label"] > 0)
        x1 = train.sample(rng1, [scene], [])
        x2 = train.sample(rng2, [scene], [])
        assert all(np.array_equal(u, v) for u, v in zip(x1, x2))
