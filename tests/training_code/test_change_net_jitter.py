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


def test_sample_jitters_only_when_switched_on(train, monkeypatch):
    """sample() calls jitter exactly when CHANGE_NET_AUG is on, and the examples then differ from the plain ones."""
    scene = {"name": "s", "before": np.random.default_rng(1).normal(0, 1, (10, 80, 80)).astype(np.float32),
             "after": np.random.default_rng(2).normal(0, 1, (10, 80, 80)).astype(np.float32),
             "label": np.zeros((80, 80), np.uint8)}
    scene["changed"] = np.argwhere(scene["label"] > 0)
    calls = []
    real = train.jitter
    monkeypatch.setattr(train, "jitter", lambda *a: calls.append(1) or real(*a))
    out = {}
    for on in (False, True):
        monkeypatch.setattr(train, "AUG", on)
        out[on] = train.sample(np.random.default_rng(3), [scene], [])
        assert len(calls) == int(on)
    assert not np.allclose(out[False][0], out[True][0])
    assert np.array_equal(out[False][3], out[True][3])  # the label is not jittered
