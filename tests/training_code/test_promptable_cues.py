"""The version 3 decoder's image cues: computed in the graph from the clicks, and a widened plain model starts unchanged."""
from __future__ import annotations

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture()
def model():
    pytest.importorskip("torch")
    sys.path.insert(0, ROOT)
    from training.promptable_net import model as m

    return m


def test_cues_follow_the_image_at_the_click(model):
    import torch

    torch.manual_seed(0)
    R = model.R
    img = torch.zeros(1, 3, R, R)
    img[:, 0, :, : R // 2] = 1.0  # red left half, black right half
    emb = torch.zeros(1, model.EMB, R, R)
    emb[:, 0, :, : R // 2] = 1.0
    emb[:, 1, :, R // 2:] = 1.0
    roi = [torch.tensor([[0.0]]), torch.tensor([[0.0]]), torch.tensor([[float(R)]]), torch.tensor([[float(R)]])]
    points = torch.tensor([[[10.5, 40.5], [80.5, 40.5]]])
    pos, neg, colour = model.image_cues(emb, img, points, torch.tensor([[1.0, 0.0]]), *roi)
    left, right = (slice(None), slice(None), slice(None), slice(0, R // 2 - 2)), (slice(None),) * 3 + (slice(R // 2 + 2, R),)
    assert pos[left].min() > 0.99 and pos[right].abs().max() < 0.01
    assert neg[right].min() > 0.99 and neg[left].abs().max() < 0.01
    assert colour[left].min() > 0.99 and colour[right].max() < 0.5
    # without positive clicks the positive and colour cues are zero
    pos, neg, colour = model.image_cues(emb, img, points, torch.tensor([[0.0, -1.0]]), *roi)
    assert pos.abs().max() == 0 and colour.abs().max() == 0 and neg[left].min() > 0.99


def test_widened_plain_model_gives_the_same_logits(model):
    import torch

    torch.manual_seed(1)
    plain = model.PromptableNet().eval()
    wide = model.PromptableNet(cues=True).eval()
    wide.load_state_dict(model.add_cue_channels(plain.state_dict()))
    assert model.has_cues(wide.state_dict()) and not model.has_cues(plain.state_dict())
    img = torch.rand(1, 3, 64, 64)
    with torch.no_grad():
        emb = plain.encoder(img)
        args = (emb, img, torch.zeros(1, 1, 64, 64), torch.tensor([[4.0, 4.0, 60.0, 60.0]]),
                torch.tensor([[[30.0, 30.0], [10.0, 50.0]]]), torch.tensor([[1.0, 0.0]]), torch.zeros(1, 4))
        assert torch.allclose(plain.decoder(*args), wide.decoder(*args), atol=1e-6)
