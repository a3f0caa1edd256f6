"""FC-Siam-diff-lite: a shared-weight encoder for both dates, |feature difference| skips, a light U-Net decoder."""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

STRIDE = 8
CH = (12, 24, 32, 48)


def single(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class SiameseDiff(nn.Module):
    """Both dates through the same encode(x, a) → |feature difference| skips → up blocks → head (subclasses build them)."""

    def logits(self, before: torch.Tensor, after: torch.Tensor, available: torch.Tensor) -> torch.Tensor:
        fb, fa = self.encode(before, available), self.encode(after, available)
        d = [torch.abs(p - q) for p, q in zip(fb, fa)]
        x = d[3]
        for i, up in enumerate(self.up):
            skip = d[2 - i]
            x = F.interpolate(x, scale_factor=2.0, mode="nearest")
            x = up(torch.cat([x, skip], dim=1))
        return self.head(x)

    def forward(self, before: torch.Tensor, after: torch.Tensor, available: torch.Tensor) -> torch.Tensor:
        """Change probability (n, 1, h, w), calibrated so 0.5 is the chosen operating point."""
        return torch.sigmoid(self.logits(before, after, available) - self.bias_shift)


class ChangeNet(SiameseDiff):
    """Inputs: standardised before/after (n, S, h, w) with h, w multiples of STRIDE, availability (n, S). Output: (n, 1, h, w)."""

    def __init__(self, slots: int = 10) -> None:
        super().__init__()
        c = CH
        self.enc = nn.ModuleList([single(2 * slots, c[0]), block(c[0], c[1]), block(c[1], c[2]), block(c[2], c[3])])
        self.up = nn.ModuleList([block(c[3] + c[2], c[2]), block(c[2] + c[1], c[1]), single(c[1] + c[0], c[0])])
        self.head = nn.Conv2d(c[0], 1, 1)
        self.register_buffer("bias_shift", torch.zeros(1))

    def encode(self, x: torch.Tensor, a: torch.Tensor) -> list[torch.Tensor]:
        am = a[:, :, None, None]
        x = torch.cat([x * am, am.expand_as(x)], dim=1)
        feats = []
        for i, enc in enumerate(self.enc):
            if i:
                x = F.max_pool2d(x, 2)
            x = enc(x)
            feats.append(x)
        return feats

class Ensemble(nn.Module):
    """Mean of the logits of several ChangeNets (independent training runs), one calibrated output."""

    def __init__(self, nets: list[nn.Module]) -> None:
        super().__init__()
        self.nets = nn.ModuleList(nets)
        self.register_buffer("bias_shift", torch.zeros(1))

    def logits(self, before: torch.Tensor, after: torch.Tensor, available: torch.Tensor) -> torch.Tensor:
        return torch.stack([n.logits(before, after, available) for n in self.nets]).mean(0)

    def forward(self, before: torch.Tensor, after: torch.Tensor, available: torch.Tensor) -> torch.Tensor:
        """Change probability (n, 1, h, w), calibrated so 0.5 is the chosen operating point."""
        return torch.sigmoid(self.logits(before, after, available) - self.bias_shift)


def make_net(arch: str = "fc_siam_diff_lite", slots: int = 10) -> nn.Module:
    """A fresh network of the named architecture (fc_siam_diff_lite: ChangeNet; siam_lite0: SiamLite0Net)."""
    if arch == "siam_lite0":
        from .model_lite0 import SiamLite0Net

        return SiamLite0Net(slots)
    if arch != "fc_siam_diff_lite":
        raise ValueError(f"unknown change network architecture {arch!r}")
    return ChangeNet(slots)
