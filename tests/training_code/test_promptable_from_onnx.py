"""The bundled promptable network can be rebuilt as a trainable torch model (warm start for further training)."""
from __future__ import annotations

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_rebuilt_network_matches_the_onnx_files():
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    sys.path.insert(0, ROOT)
    from training.promptable_net.from_onnx import max_difference, rebuild

    net = rebuild()
    assert max_difference(net) < 1e-4
    # the folded BatchNorms must stay frozen: in training mode the same weights compute something else
    net.train()
    assert max_difference(net) > 1e-3
