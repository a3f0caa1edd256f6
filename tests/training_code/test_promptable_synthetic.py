"""Synthetic roofs (training/promptable_net/synthetic.py): a multi-facet object near the centre, its exact mask, and the
sampler kind that draws them."""
from __future__ import annotations

import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from training.promptable_net.synthetic import synthetic_roof  # noqa: E402
from training.promptable_net.train import S, Sampler  # noqa: E402


def _backgrounds() -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    return [rng.integers(60, 200, (3, 300, 260)).astype(np.uint8) for _ in range(2)]


def test_roof_is_painted_where_its_mask_is():
    rng = np.random.default_rng(0)
    for _ in range(20):
        bg = _backgrounds()
        img, mask = synthetic_roof(bg, rng, S)
        assert img.shape == (3, S, S) and img.dtype == np.float32 and mask.shape == (S, S)
        assert 0.0 <= img.min() and img.max() <= 1.0
        assert 20 <= mask.sum() < 0.5 * S * S
        rr, cc = np.nonzero(mask)
        assert abs(rr.mean() - S / 2) < 0.3 * S and abs(cc.mean() - S / 2) < 0.3 * S  # near the centre, for the click
        # the roof replaced the background: its pixels no longer equal the uniform-noise background statistics
        assert abs(float(np.std(img[:, mask])) - float(np.std(img[:, ~mask]))) > 0.01


def test_sampler_draws_the_synthetic_kind_without_sources():
    sources = [{"name": "bg", "kind": "segments", "image": _backgrounds()[0], "inst": np.zeros((300, 260), np.int32),
                "ids": np.array([], int)}]
    s = Sampler(sources, 0, {"segments": 0.5, "synthetic": 0.5})
    assert s.kinds == ["synthetic"]  # no segment objects: only the generated kind is left
    img, gt, kind = s.sample()
    assert kind == "synthetic" and gt.any() and img.shape == (3, S, S)
