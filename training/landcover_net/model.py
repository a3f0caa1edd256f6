"""A small U-Net over canonical band slots plus a slot-availability vector.

Input ``x`` (N, 8, H, W) holds physical values in the slots of
:data:`common.SLOTS` (0 where a slot is missing); ``avail`` (N, 8) is 1 for the
slots present. Normalisation is inside the network (fixed per-slot mean/std),
missing slots are zeroed after normalisation and the availability is fed as
8 constant planes, so any subset of bands is a valid input by design.
Output: (N, 3, H, W) probabilities for water, vegetation, cloud. H and W must be
multiples of :data:`STRIDE`.
"""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F

STRIDE = 8


def _conv(cin: int, cout: int, k: int = 3) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class LandcoverNet(nn.Module):
    """Four-level U-Net (12-24-32-48 channels) with additive skips; about 80 k parameters."""

    def __init__(self, mean: list[float], std: list[float], n_slots: int = 8, n_out: int = 3,
                 ch: tuple[int, ...] = (12, 24, 32, 48)) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))
        c0, c1, c2, c3 = ch
        self.e0 = nn.Sequential(_conv(2 * n_slots, c0), _conv(c0, c0))
        self.e1 = nn.Sequential(_conv(c0, c1), _conv(c1, c1))
        self.e2 = nn.Sequential(_conv(c1, c2), _conv(c2, c2))
        self.e3 = nn.Sequential(_conv(c2, c3), _conv(c3, c3))
        self.p2, self.d2 = nn.Conv2d(c3, c2, 1), _conv(c2, c2)
        self.p1, self.d1 = nn.Conv2d(c2, c1, 1), _conv(c1, c1)
        self.p0, self.d0 = nn.Conv2d(c1, c0, 1), _conv(c0, c0)
        self.head = nn.Conv2d(c0, n_out, 1)

    def logits(self, x: torch.Tensor, avail: torch.Tensor) -> torch.Tensor:
        """Per-class logits (N, 3, H, W)."""
        a = avail[:, :, None, None]
        xn = torch.clamp((x - self.mean) / self.std, -6.0, 6.0) * a
        h = torch.cat([xn, a * torch.ones_like(x[:, :1])], 1)
        e0 = self.e0(h)
        e1 = self.e1(F.max_pool2d(e0, 2))
        e2 = self.e2(F.max_pool2d(e1, 2))
        e3 = self.e3(F.max_pool2d(e2, 2))
        d2 = self.d2(e2 + F.interpolate(self.p2(e3), scale_factor=2.0, mode="nearest"))
        d1 = self.d1(e1 + F.interpolate(self.p1(d2), scale_factor=2.0, mode="nearest"))
        d0 = self.d0(e0 + F.interpolate(self.p0(d1), scale_factor=2.0, mode="nearest"))
        return self.head(d0)

    def forward(self, x: torch.Tensor, avail: torch.Tensor) -> torch.Tensor:
        """Probabilities (N, 3, H, W) in [0, 1]."""
        return torch.sigmoid(self.logits(x, avail))
