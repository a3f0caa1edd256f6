"""Land-cover training options: a wider U-Net and larger patches (candidates; the bundled model uses width 1, patch 64)."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_width_scales_channels_and_patch_sets_the_sample_size():
    torch = pytest.importorskip("torch")
    sys.path.insert(0, ROOT)
    from training.landcover_net import train
    from training.landcover_net.common import SLOTS

    mean, std = [0.1] * len(SLOTS), [0.1] * len(SLOTS)
    base, wide = train.make_net("unet", mean, std), train.make_net("unet", mean, std, width=1.5)
    assert base.head.in_channels == 12 and wide.head.in_channels == 18
    assert wide.e3[0][0].out_channels == 72
    out = wide(torch.zeros(1, len(SLOTS), 32, 32), torch.ones(1, len(SLOTS)))
    assert out.shape == (1, 3, 32, 32)
    scene = {"name": "hls_x", "source": "hls", "x": np.random.rand(len(SLOTS), 120, 120).astype(np.float32),
             "has": np.array([1, 1, 1, 1, 1, 1, 0, 0], bool), "y": np.zeros((3, 120, 120), np.uint8),
             "valid": np.ones((120, 120), bool), "vis_median": 0.08}
    x, a, y = train.Sampler([scene], np.random.RandomState(0), patch=96).patch()
    assert x.shape == (len(SLOTS), 96, 96) and y.shape == (3, 96, 96)
