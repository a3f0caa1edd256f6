"""The promptable network: an efficientnet-lite0 trunk + FPN encoder and a light ROI prompt decoder.

Encoder: image (n, 3, H, W) in 0..1 (robustly normalised bands, H and W multiples of 16) →
embedding (n, 32, H/4, W/4): lite0 blocks 0-10 (strides 4, 8, 16) fused top-down into 32 channels.

Decoder: everything about the region of interest happens inside the graph, so training and the
ONNX runtime do exactly the same thing: the embedding, the image and the previous mask are resampled
(grid_sample) to an R x R grid over the ROI; click cones (positive, negative), the box and the ROI
scale are drawn on the same grid; a small U-Net gives mask logits on the grid, pasted back by the engine.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..lite0 import LITE0, add_trunk, bn, load_imagenet

STRIDE = 4
EMB = 32
R = 96
CONE = 10.0
"""Click cone radius in ROI grid cells (the encoding of a click: max(0, 1 - d / CONE))."""
FUSE_SLOPE = 0.1
"""Negative slope of the FPN fuse activation (version 3). Versions 1-2 used a ReLU there, and it died in training (the
encoder's BatchNorm layers were kept in eval mode, so the fresh fuse BatchNorm never normalised): every fuse
pre-activation went negative and the embedding was one constant vector; the decoder worked from the image alone.
train.py now keeps only the ImageNet trunk's BatchNorm statistics frozen (all of them with --freeze-bn)."""
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

class Encoder(nn.Module):
    """lite0 trunk (blocks 0-10) + top-down FPN → stride-4 embedding of EMB channels."""

    def __init__(self) -> None:
        super().__init__()
        add_trunk(self, len(LITE0))
        self.lat4 = nn.Conv2d(24, EMB, 1)
        self.lat8 = nn.Conv2d(40, EMB, 1)
        self.lat16 = nn.Conv2d(112, EMB, 1)
        self.fuse = nn.Sequential(nn.Conv2d(EMB, EMB, 3, padding=1, bias=False), bn(EMB), nn.LeakyReLU(FUSE_SLOPE),
                                  nn.Conv2d(EMB, EMB, 1))
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def load_imagenet(self, path: str) -> int:
        """Copy the lite0 ImageNet weights into the trunk; returns tensors copied."""
        return load_imagenet(self, path)

    def forward(self, image, freeze: int = 0):
        """Embedding; ``freeze`` first blocks (and the stem, when > 0) run without gradients (cheaper training)."""
        grad = torch.is_grad_enabled()
        feats = {}
        with torch.set_grad_enabled(bool(grad and freeze == 0)):
            x = (image - self.mean) / self.std
            x = F.relu6(self._bn0(self._conv_stem(x)))
        for i, b in enumerate(self._blocks):
            with torch.set_grad_enabled(bool(grad and i >= freeze)):
                x = b(x)
            if i == 2:
                feats[4] = x
            elif i == 4:
                feats[8] = x
        p16 = self.lat16(x)
        p8 = self.lat8(feats[8]) + F.interpolate(p16, scale_factor=2.0, mode="nearest")
        p4 = self.lat4(feats[4]) + F.interpolate(p8, scale_factor=2.0, mode="nearest")
        return self.fuse(p4)


def cbr(cin: int, cout: int, stride: int = 1, dil: int = 1) -> nn.Sequential:
    """3x3 conv + BN + ReLU."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, dil, dilation=dil, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class Decoder(nn.Module):
    """ROI prompt decoder: resample inputs to an R x R grid, draw the prompts, small U-Net → logits (n, 1, R, R)."""

    IN = EMB + 3 + 1 + 2 + 1 + 1  # embedding, image, previous mask, click cones, box, ROI scale
    CUES = 3  # image cues (version 3): embedding cosine to the positive / negative clicks, colour likeness to the positives

    def __init__(self, cues: bool = False) -> None:
        super().__init__()
        self.cues = cues
        self.c96 = cbr(self.IN + (self.CUES if cues else 0), 24)
        self.d48 = nn.Sequential(cbr(24, 48, 2), cbr(48, 48))
        self.d24 = nn.Sequential(cbr(48, 64, 2), cbr(64, 64, dil=2), cbr(64, 64, dil=4))
        self.p48 = nn.Conv2d(64, 48, 1)
        self.u48 = cbr(48, 48)
        self.p96 = nn.Conv2d(48, 24, 1)
        self.u96 = cbr(24, 24)
        self.head = nn.Conv2d(24, 1, 1)

    def forward(self, embedding, image, prev_mask, roi, points, labels, box):
        """Logits on the ROI grid. roi/box (n, 4) x0, y0, x1, y1 in pixels of ``image``; points (n, k, 2) (col, row);
        labels (n, k): 1 positive, 0 negative, -1 padding; a box with x1 <= x0 means no box."""
        n = image.shape[0]
        hh, ww = image.shape[2], image.shape[3]
        he, we = embedding.shape[2], embedding.shape[3]
        t = (torch.arange(R, dtype=torch.float32) + 0.5) / R
        x0, y0, x1, y1 = roi[:, 0:1], roi[:, 1:2], roi[:, 2:3], roi[:, 3:4]
        gx = x0 + t[None] * (x1 - x0)  # (n, R)
        gy = y0 + t[None] * (y1 - y0)
        gxx = gx[:, None, :].expand(n, R, R)
        gyy = gy[:, :, None].expand(n, R, R)
        grid_img = torch.stack([2 * gxx / ww - 1, 2 * gyy / hh - 1], dim=-1)
        grid_emb = torch.stack([2 * gxx / (STRIDE * we) - 1, 2 * gyy / (STRIDE * he) - 1], dim=-1)
        emb = F.grid_sample(embedding, grid_emb, mode="bilinear", padding_mode="zeros", align_corners=False)
        img = F.grid_sample(image, grid_img, mode="bilinear", padding_mode="zeros", align_corners=False)
        prev = F.grid_sample(prev_mask, grid_img, mode="bilinear", padding_mode="zeros", align_corners=False)
        cell = ((x1 - x0) / R).view(n, 1, 1, 1)
        dx = gxx[..., None] - points[:, None, None, :, 0]  # (n, R, R, k)
        dy = gyy[..., None] - points[:, None, None, :, 1]
        d = torch.sqrt(dx * dx + dy * dy) / cell
        big = torch.full_like(d, 1e4)
        lab = labels[:, None, None, :]
        dpos = torch.where(lab > 0.5, d, big).min(dim=-1).values
        dneg = torch.where((lab > -0.5) & (lab < 0.5), d, big).min(dim=-1).values
        pos = torch.clamp(1 - dpos / CONE, min=0.0)[:, None]
        neg = torch.clamp(1 - dneg / CONE, min=0.0)[:, None]
        bx0, by0, bx1, by1 = [box[:, i].view(n, 1, 1) for i in range(4)]
        has_box = (bx1 > bx0).float()
        inside = ((gxx >= bx0) & (gxx <= bx1) & (gyy >= by0) & (gyy <= by1)).float()
        boxc = (inside * has_box)[:, None] * 2 - has_box[:, None]  # 1 inside, -1 outside, 0 without a box
        scale = torch.log((x1 - x0) / 128.0).view(n, 1, 1, 1).expand(n, 1, R, R)
        parts = [emb, img, prev, pos, neg, boxc, scale]
        if self.cues:
            parts += image_cues(emb, img, points, labels, x0, y0, x1, y1)
        x = torch.cat(parts, dim=1)
        f96 = self.c96(x)
        f48 = self.d48(f96)
        f24 = self.d24(f48)
        u = F.interpolate(self.p48(f24), scale_factor=2.0, mode="bilinear", align_corners=False) + f48
        u = self.u48(u)
        u = F.interpolate(self.p96(u), scale_factor=2.0, mode="bilinear", align_corners=False) + f96
        return self.head(self.u96(u))


def image_cues(emb, img, points, labels, x0, y0, x1, y1) -> list:
    """Image-driven cue maps on the ROI grid, each (n, 1, R, R): cosine similarity of every cell's embedding to the
    mean (unit) embedding at the positive clicks and at the negative clicks (0 without such clicks), and the colour
    likeness exp(-d² / mean d²) to the mean 3 x 3 colour at the positive clicks. They make it easy for the decoder
    to follow the image rather than draw a click-centred blob."""
    n = emb.shape[0]
    cx = 2 * (points[..., 0] - x0) / (x1 - x0) - 1  # (n, k) click positions in ROI grid coordinates
    cy = 2 * (points[..., 1] - y0) / (y1 - y0) - 1
    grid = torch.stack([cx, cy], dim=-1)[:, None]  # (n, 1, k, 2)
    unit = F.normalize(emb, dim=1, eps=1e-6)
    at = F.grid_sample(unit, grid, mode="bilinear", padding_mode="border", align_corners=False)[:, :, 0]  # (n, C, k)
    col = F.grid_sample(F.avg_pool2d(img, 3, 1, 1, count_include_pad=False), grid, mode="bilinear",
                        padding_mode="border", align_corners=False)[:, :, 0]  # (n, 3, k)
    wpos = (labels > 0.5).float()[:, None]  # (n, 1, k)
    wneg = ((labels > -0.5) & (labels < 0.5)).float()[:, None]
    out = []
    for w in (wpos, wneg):
        proto = F.normalize((at * w).sum(-1), dim=1, eps=1e-6)  # (n, C); zero without clicks of that kind
        out.append((unit * proto[:, :, None, None]).sum(1, keepdim=True))
    npos = wpos.sum(-1)  # (n, 1)
    c = (col * wpos).sum(-1) / torch.clamp(npos, min=1.0)  # (n, 3)
    d2 = ((img - c[:, :, None, None]) ** 2).sum(1, keepdim=True)
    like = torch.exp(-d2 / (d2.mean((2, 3), keepdim=True) + 1e-3))
    out.append(like * (npos > 0).float().view(n, 1, 1, 1))
    return out


class PromptableNet(nn.Module):
    """Encoder + decoder (training only; exported as two ONNX graphs); ``cues``: the version 3 decoder with image cues."""

    def __init__(self, cues: bool = False) -> None:
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder(cues)


def has_cues(state: dict) -> bool:
    """Whether a state dict holds the version 3 decoder (first convolution wider by the cue channels)."""
    return state["decoder.c96.0.weight"].shape[1] == Decoder.IN + Decoder.CUES


def add_cue_channels(state: dict) -> dict:
    """A version 2 state dict widened for the cue channels, their first-convolution weights zero (same output at start)."""
    w = state["decoder.c96.0.weight"]
    extra = torch.zeros(w.shape[0], Decoder.CUES, *w.shape[2:], dtype=w.dtype)
    return {**state, "decoder.c96.0.weight": torch.cat([w, extra], dim=1)}


def n_params(m: nn.Module) -> int:
    """Parameter count."""
    return sum(p.numel() for p in m.parameters())


if __name__ == "__main__":
    net = PromptableNet()
    print(n_params(net.encoder), n_params(net.decoder), math.pi)
