"""Reviving the promptable encoder (training/promptable_net/revive.py): a live fuse, and a decoder that starts where it was."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class RandomWindows:
    """Stands in for the training sampler: random 0..1 windows."""

    def __init__(self) -> None:
        self.rng = np.random.default_rng(0)

    def sample(self):
        img = self.rng.random((3, 64, 64), dtype=np.float32)
        return img, np.zeros((64, 64), bool), "segments"


def test_reinitialised_fuse_is_alive():
    torch = pytest.importorskip("torch")
    sys.path.insert(0, ROOT)
    from training.promptable_net.model import PromptableNet
    from training.promptable_net.revive import reinit_fuse

    net = PromptableNet()
    with torch.no_grad():  # a dead fuse as in versions 1-2: every pre-activation far below zero
        net.encoder.fuse[0].weight.fill_(-1.0)
    alive = reinit_fuse(net, RandomWindows(), batch=2)
    assert 0.3 < alive < 0.7
    with torch.no_grad():
        emb = net.encoder(torch.rand(2, 3, 64, 64))
    assert (emb.std(dim=(0, 2, 3)) > 1e-3).all()


def test_silenced_embedding_input_decodes_as_before_inside_the_grid():
    torch = pytest.importorskip("torch")
    sys.path.insert(0, ROOT)
    from training.promptable_net.model import EMB, PromptableNet
    from training.promptable_net.revive import silence_embedding_input

    net = PromptableNet().eval()
    constant = torch.randn(EMB)
    x = torch.cat([constant.view(1, EMB, 1, 1).expand(1, EMB, 40, 40), torch.rand(1, net.decoder.IN - EMB, 40, 40)], dim=1)
    with torch.no_grad():
        before = net.decoder.c96(x)
        moved = silence_embedding_input(net, constant)
        after = net.decoder.c96(x)
        changed = net.decoder.c96(torch.cat([torch.zeros(1, EMB, 40, 40), x[:, EMB:]], dim=1))
    assert moved > 0
    assert torch.allclose(before[..., 1:-1, 1:-1], after[..., 1:-1, 1:-1], atol=1e-4)
    assert torch.allclose(after, changed), "the embedding channels no longer count"
