"""Siam-lite0-diff: a Siamese change network whose RGB encoder starts from ImageNet (efficientnet-lite0 stem + blocks 0-4).

Why: 7 labelled OSCD training cities are few; generic pretrained edge/texture filters (frozen early blocks) overfit less
than an encoder learnt from scratch. The other slots (rededge, nir, swir) and full-resolution detail come from a small
conv branch over all slots, fused with the pretrained features at every level (concatenation). Both dates share all
weights; the decoder sees |feature difference| skips at strides 1, 2, 4, 8. Same interface as ChangeNet:
inputs standardised before/after (n, 10, h, w), availability (n, 10); h, w multiples of STRIDE.
"""
from __future__ import annotations

import torch
from torch import nn

from ..lite0 import add_trunk, fused_pyramid, load_imagenet
from .model import SiameseDiff, block, single

STRIDE = 8
FREEZE = 3
"""Stem and lite0 blocks 0..FREEZE-1 keep their ImageNet weights (and BatchNorm statistics)."""
EXTRA = (16, 16, 24, 32)
"""Channels of the all-slot conv branch at strides 1, 2, 4, 8."""
N_BLOCKS = 5
"""lite0 blocks 0..4 (strides 2, 4, 4, 8, 8 after the stem)."""
PRE = (16, 24, 40)
"""Pretrained feature channels at strides 2, 4, 8."""
DEC = (48, 32, 16)


class SiamLite0Net(SiameseDiff):
    """Inputs: standardised before/after (n, S, h, w) with h, w multiples of STRIDE, availability (n, S). Output: (n, 1, h, w)."""

    def __init__(self, slots: int = 10) -> None:
        super().__init__()
        add_trunk(self, N_BLOCKS)
        x = EXTRA
        self.extra = nn.ModuleList([block(2 * slots, x[0]), single(x[0], x[1]), single(x[1], x[2]), block(x[2], x[3])])
        lv = [x[0], PRE[0] + x[1], PRE[1] + x[2], PRE[2] + x[3]]
        self.up = nn.ModuleList([block(lv[3] + lv[2], DEC[0]), block(DEC[0] + lv[1], DEC[1]), single(DEC[1] + lv[0], DEC[2])])
        self.head = nn.Conv2d(DEC[2], 1, 1)
        self.register_buffer("bias_shift", torch.zeros(1))

    def pretrained_modules(self) -> list[nn.Module]:
        """Stem and the frozen lite0 blocks (kept in eval mode while training)."""
        return [self._conv_stem, self._bn0] + [self._blocks[i] for i in range(FREEZE)]

    def load_imagenet(self, path: str) -> int:
        """Copy the lite0 ImageNet weights into stem and blocks; returns tensors copied."""
        return load_imagenet(self, path)

    def encode(self, x: torch.Tensor, a: torch.Tensor) -> list[torch.Tensor]:
        """Features at strides 1, 2, 4, 8 of one date."""
        am = a[:, :, None, None]
        x = x * am
        # standardised red, green, blue are already ~ zero mean / unit variance, as ImageNet-normalised images are
        rgb = torch.stack([x[:, 2], x[:, 1], x[:, 0]], dim=1)
        return fused_pyramid(self, rgb, torch.cat([x, am.expand_as(x)], dim=1))
