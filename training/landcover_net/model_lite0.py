"""Lite0-UNet: the land-cover network with an ImageNet-initialised RGB encoder (efficientnet-lite0 stem + blocks 0-4).

Why: from RGB alone water and vegetation need texture and context (shore lines, field patterns, tree crowns) that a
tiny from-scratch U-Net trained on a few scenes does not learn; generic ImageNet filters (early blocks frozen) carry
them. The other slots (NIR, SWIR, SAR) and full-resolution detail come from a small all-slot conv branch (the old
U-Net's encoder widths 12-24-32-48), fused with the pretrained features at strides 2, 4, 8 by concatenation, as in the
change network's Siam-lite0-diff. Same interface as :class:`model.LandcoverNet`: physical values (N, 8, H, W) and
availability (N, 8) in, probabilities (N, 3, H, W) out; H, W multiples of STRIDE (8: lite0 blocks 0-4).

Not bundled (measured, held-out split of the card, 14000 steps, 26 min on one thread, 0.24 M parameters, 0.98 MB ONNX,
bare ONNX 0.94 vs 1.50 Mpx/s for the U-Net): Sen1Floods11 RGB water 0.441 -> 0.496, but HLS RGB water 0.667 -> 0.386
(chips that are all water are called land: brightness-normalised, without a shore the ImageNet features see land) and
RGB vegetation HLS 0.834 -> 0.733, Sen1Floods11 0.342 -> 0.322; full optical, SAR and cloud within 0.01.
With --pre-drop 0.3 (ImageNet features zeroed for 30 % of the training patches): HLS RGB water 0.503, Sen1Floods11 RGB
water 0.445, RGB vegetation HLS 0.724 / Sen1Floods11 0.312 / OSCD 0.609: still below the U-Net on RGB.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

from ..lite0 import add_trunk, fused_pyramid, load_imagenet

STRIDE = 8
FREEZE = 3
"""Stem and lite0 blocks 0..FREEZE-1 keep their ImageNet weights (and BatchNorm statistics)."""
N_BLOCKS = 5
"""lite0 blocks 0..4 (strides 2, 4, 4, 8, 8 after the stem)."""
EXTRA = (12, 24, 32, 48)
"""Channels of the all-slot conv branch at strides 1, 2, 4, 8."""
PRE = (16, 24, 40)
"""Pretrained feature channels at strides 2, 4, 8."""
DEC = (48, 32, 16)
"""Decoder channels at strides 4, 2, 1."""


def _single(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(_single(cin, cout), _single(cout, cout))


class LandcoverLite0Net(nn.Module):
    """Lite0 RGB trunk + all-slot conv branch, concatenation U-Net decoder; about 0.2 M parameters."""

    def __init__(self, mean: list[float], std: list[float], n_slots: int = 8, n_out: int = 3, pre_drop: float = 0.0) -> None:
        super().__init__()
        self.pre_drop = pre_drop
        """Training only: probability per sample that the lite0 features are zeroed (the all-slot branch must decide alone)."""
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))
        add_trunk(self, N_BLOCKS)
        x = EXTRA
        self.extra = nn.ModuleList([_block(2 * n_slots, x[0]), _block(x[0], x[1]), _block(x[1], x[2]), _block(x[2], x[3])])
        lv = [x[0], PRE[0] + x[1], PRE[1] + x[2], PRE[2] + x[3]]
        self.up = nn.ModuleList([_block(lv[3] + lv[2], DEC[0]), _block(DEC[0] + lv[1], DEC[1]), _single(DEC[1] + lv[0], DEC[2])])
        self.head = nn.Conv2d(DEC[2], n_out, 1)

    def pretrained_modules(self) -> list[nn.Module]:
        """Stem and the frozen lite0 blocks (kept in eval mode while training)."""
        return [self._conv_stem, self._bn0] + [self._blocks[i] for i in range(FREEZE)]

    def load_imagenet(self, path: str) -> int:
        """Copy the lite0 ImageNet weights into stem and blocks; returns tensors copied."""
        return load_imagenet(self, path)

    def logits(self, x: torch.Tensor, avail: torch.Tensor) -> torch.Tensor:
        """Per-class logits (N, 3, H, W)."""
        a = avail[:, :, None, None]
        xn = torch.clamp((x - self.mean) / self.std, -6.0, 6.0) * a
        # standardised red, green, blue are ~ zero mean / unit variance, as ImageNet-normalised images are
        rgb = torch.cat([xn[:, 2:3], xn[:, 1:2], xn[:, 0:1]], dim=1)
        drop = None
        if self.training and self.pre_drop > 0:
            keep = (torch.rand(x.shape[0], 1, 1, 1) >= self.pre_drop).to(x.dtype)

            def drop(pre):
                return [f * keep for f in pre]
        feats = fused_pyramid(self, rgb, torch.cat([xn, a * torch.ones_like(x[:, :1])], dim=1), drop)
        h = feats[3]
        for i, up in enumerate(self.up):
            h = F.interpolate(h, scale_factor=2.0, mode="nearest")
            h = up(torch.cat([h, feats[2 - i]], dim=1))
        return self.head(h)

    def forward(self, x: torch.Tensor, avail: torch.Tensor) -> torch.Tensor:
        """Probabilities (N, 3, H, W) in [0, 1]."""
        return torch.sigmoid(self.logits(x, avail))
