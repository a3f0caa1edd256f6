"""Inference-side experiment for METHOD=network: test-time augmentation and fusion with CVA, chosen on validation only.

Step 1 (``--cache``): for the validation and held-out OSCD cities and DSIFN tiles, run the plugin's own pipeline
pieces (align_pair, sample, NetworkChange.fit, CVA.fit) on the whole raster and store the network's logit under each
of the 8 flips/rotations plus the CVA score (3x3 magnitude as a logit around its scene threshold) in
training/runs/change_net/fusion/*.npz.
Step 2 (default): sweep TTA size x CVA weight x threshold on the VALIDATION items only (mean of OSCD pooled F1 and
DSIFN 5_3 F1); with FUSION_HELD_OUT=1 also the held-out figures of the top row (or of FUSION_CONFIGS) beside the baseline.

Result for the bundled network (2026-12-05), not adopted: validation mean 0.469 -> 0.497 (4 transforms, mean logit,
CVA weight 0.1, logit threshold +0.45), but held-out OSCD pooled F1 0.421 -> 0.375 (DSIFN 0.510 -> 0.573); the same
4 transforms at the card's threshold: OSCD 0.394, DSIFN 0.571. Averaging the transforms lowers recall on hongkong.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLUGINS = os.path.join(ROOT, ".qgis", "plugins")
if PLUGINS not in sys.path:
    sys.path.insert(0, PLUGINS)

CACHE = os.environ.get("FUSION_CACHE", os.path.join(ROOT, "training", "runs", "change_net", "fusion"))
MODEL_DIR = os.environ.get("FUSION_MODEL_DIR", "")
"""A folder with another change_net.onnx + change_net.json (a candidate run); '' = the bundled models/."""
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared", "data"))
VAL_OSCD, VAL_DSIFN = ["nantes", "saclay_e"], ["5_3"]
HELD_OSCD, HELD_DSIFN = ["aguasclaras", "hongkong", "rennes"], ["8_3", "9_3"]


def dihedral(x: np.ndarray, k: int) -> np.ndarray:
    """Transform k (0-7) of the last two axes: rot90 k%4 times, then a horizontal flip when k >= 4."""
    y = np.rot90(x, k % 4, axes=(-2, -1))
    return np.ascontiguousarray(y[..., ::-1] if k >= 4 else y)


def undo(x: np.ndarray, k: int) -> np.ndarray:
    """Inverse of dihedral(x, k)."""
    y = x[..., ::-1] if k >= 4 else x
    return np.ascontiguousarray(np.rot90(y, -(k % 4), axes=(-2, -1)))


def cache_item(name: str, before: str, after: str, truth: np.ndarray) -> None:
    """Run the plugin pieces on one pair and store per-transform network logits and the CVA score."""
    from rasterio.windows import Window
    from terraprompt.plugin.core.change.align import align_pair
    from terraprompt.plugin.core.change.cva import CVA
    from terraprompt.plugin.core.change.network import NetworkChange
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster

    b, a = open_raster(before), open_raster(after)
    pair = align_pair(b, a, resolve_modality(b, "auto"), resolve_modality(a, "auto"))
    sample = pair.sample()
    paths = (os.path.join(MODEL_DIR, "change_net.onnx"), os.path.join(MODEL_DIR, "change_net.json")) if MODEL_DIR else ()
    net, cva = NetworkChange("cpu", *paths), CVA()
    net.fit(sample)
    cva.fit(sample)
    blk = pair.read(Window(0, 0, pair.grid.width, pair.grid.height))
    h, w = blk.valid.shape
    xb, xa = net.prepare(blk)
    logits = []
    for k in range(8):
        p = net.run(dihedral(xb, k), dihedral(xa, k))
        p = np.clip(undo(p, k)[0, 0, :h, :w].astype(np.float64), 1e-7, 1 - 1e-7)
        logits.append(np.log(p / (1 - p)).astype(np.float32))
    mag = cva.smoothed(blk)
    z = ((mag - cva.calib.center) / cva.calib.scale).astype(np.float32)
    os.makedirs(CACHE, exist_ok=True)
    np.savez_compressed(os.path.join(CACHE, name + ".npz"), logits=np.stack(logits), cva=z, valid=blk.valid,
                        truth=truth[:h, :w], subset=net.subset)
    print(f"cached {name}: {h}x{w}, subset {net.subset}", flush=True)


def build_cache() -> None:
    """Cache every validation and held-out item."""
    import rasterio
    sys.path.insert(0, ROOT)
    from training.eval_change import georeferenced_copy

    for c in VAL_OSCD + HELD_OSCD:
        d = os.path.join(SHARED, "oscd", c)
        truth = rasterio.open(os.path.join(d, f"{c}_cm.tif")).read(1) == 1
        cache_item("oscd_" + c, os.path.join(d, f"{c}_t1.tif"), os.path.join(d, f"{c}_t2.tif"), truth)
    root = os.path.join(SHARED, "dsifn_samples")
    with tempfile.TemporaryDirectory() as tmp:
        for t in VAL_DSIFN + HELD_DSIFN:
            b = georeferenced_copy(os.path.join(root, "t1", t + ".tif"), os.path.join(tmp, "b.tif"))
            a = georeferenced_copy(os.path.join(root, "t2", t + ".tif"), os.path.join(tmp, "a.tif"))
            truth = rasterio.open(os.path.join(root, "mask", t + ".tif")).read(1) == 1
            cache_item("dsifn_" + t, b, a, truth)


SMOOTH = (1, 3, 5)
"""Box sizes of the spatial mean of the fused logit (1 = none)."""
TTA = {"none": [0], "flip2": [0, 4], "rot4": [0, 1, 2, 3], "d4": [0, 2, 4, 6], "all8": list(range(8))}
"""Transform sets: flip2 = identity + horizontal flip; d4 = 0/180 degrees with and without flip; all8 = dihedral group."""


def score(item: dict, tta: str, mode: str, wc: float, smooth: int = 1) -> np.ndarray:
    """Fused logit of one item: mean network logit over the TTA set (mode 'logit') or logit of mean probability
    ('prob'), plus wc times the CVA score, then (smooth > 1) averaged over smooth x smooth pixels."""
    key = (tta, mode, wc, smooth)
    if key in item.setdefault("_memo", {}):
        return item["_memo"][key]
    lg = item["logits"][TTA[tta]]
    if mode == "prob":
        p = np.clip((1 / (1 + np.exp(-lg))).mean(0), 1e-7, 1 - 1e-7)
        s = np.log(p / (1 - p))
    else:
        s = lg.mean(0)
    s = s + wc * np.clip(item["cva"], -10, 10)
    if smooth > 1:
        from scipy import ndimage
        s = ndimage.uniform_filter(s, smooth, mode="nearest")
    item["_memo"][key] = s
    return s


def counts(s: np.ndarray, item: dict, thr: np.ndarray) -> np.ndarray:
    """(len(thr), 3) tp, fp, fn over valid pixels for logit thresholds thr."""
    v = item["valid"]
    x, y = s[v], item["truth"][v]
    pos, neg = np.sort(x[y]), np.sort(x[~y])
    tp = pos.size - np.searchsorted(pos, thr, side="right")
    fp = neg.size - np.searchsorted(neg, thr, side="right")
    return np.stack([tp, fp, pos.size - tp], 1).astype(np.int64)


def f1(c: np.ndarray) -> np.ndarray:
    """F1 per row of tp, fp, fn."""
    return 2 * c[..., 0] / np.maximum(2 * c[..., 0] + c[..., 1] + c[..., 2], 1)


def prf(c: np.ndarray) -> str:
    tp, fp, fn = (float(x) for x in c)
    return f"P={tp / max(tp + fp, 1):.3f} R={tp / max(tp + fn, 1):.3f} F1={2 * tp / max(2 * tp + fp + fn, 1):.3f}"


def load(names: list[str]) -> dict:
    """Cached items by name."""
    out = {}
    for n in names:
        z = np.load(os.path.join(CACHE, n + ".npz"))
        out[n] = {k: z[k] for k in z.files}
    return out


def pooled(items: dict, names: list[str], tta: str, mode: str, wc: float, thr: np.ndarray, smooth: int = 1) -> np.ndarray:
    """(len(thr), 3) counts summed over names."""
    return sum(counts(score(items[n], tta, mode, wc, smooth), items[n], thr) for n in names)


def sweep() -> None:
    """Choose on validation, then report held-out once."""
    val_o, val_d = ["oscd_" + c for c in VAL_OSCD], ["dsifn_" + t for t in VAL_DSIFN]
    held_o, held_d = ["oscd_" + c for c in HELD_OSCD], ["dsifn_" + t for t in HELD_DSIFN]
    items = load(val_o + val_d + held_o + held_d)
    thr = np.linspace(-4, 4, 161)
    rows = []
    for tta, mode, wc, sm in [(a, b, c, d) for a in TTA for b in ("logit", "prob") for c in (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)
                              for d in SMOOTH]:
        fo = f1(pooled(items, val_o, tta, mode, wc, thr, sm))
        fd = f1(pooled(items, val_d, tta, mode, wc, thr, sm))
        m = (fo + fd) / 2
        i = int(np.argmax(m))
        rows.append((m[i], fo[i], fd[i], tta, mode, wc, thr[i], sm, fo[80], fd[80]))
    rows.sort(key=lambda r: -r[0])
    print("validation (mean of OSCD nantes+saclay_e pooled F1 and DSIFN 5_3 F1); t = logit threshold (0 = card's 0.5)")
    base = [r for r in rows if r[3] == "none" and r[4] == "logit" and r[5] == 0.0 and r[7] == 1][0]
    print(f"  baseline at t=0: OSCD {base[8]:.3f} DSIFN {base[9]:.3f};  baseline re-thresholded t={base[6]:+.2f}: "
          f"mean {base[0]:.3f} OSCD {base[1]:.3f} DSIFN {base[2]:.3f}")
    for r in rows[:25]:
        print(f"  mean {r[0]:.3f}  OSCD {r[1]:.3f}  DSIFN {r[2]:.3f}  tta={r[3]:5s} {r[4]:5s} wc={r[5]:.2f} t={r[6]:+.2f} "
              f"smooth={r[7]}  (at t=0: OSCD {r[8]:.3f} DSIFN {r[9]:.3f})")
    for tta in TTA:  # best per TTA set, for the cost/benefit trade-off
        r = [x for x in rows if x[3] == tta][0]
        print(f"  best {tta:5s}: mean {r[0]:.3f} OSCD {r[1]:.3f} DSIFN {r[2]:.3f} ({r[4]}, wc={r[5]:.2f}, t={r[6]:+.2f}, smooth={r[7]})")
    for sm in SMOOTH:
        r = [x for x in rows if x[7] == sm][0]
        print(f"  best smooth={sm}: mean {r[0]:.3f} OSCD {r[1]:.3f} DSIFN {r[2]:.3f} ({r[3]}, {r[4]}, wc={r[5]:.2f}, t={r[6]:+.2f})")
    if os.environ.get("FUSION_HELD_OUT") == "1":
        print("held-out (read once for the decision):")
        given = json.loads(os.environ.get("FUSION_CONFIGS", "[]"))  # [[tta, mode, wc, t, smooth], ...] instead of the top row
        picks = [("baseline", ("none", "logit", 0.0, 0.0, 1))]
        picks += [(f"cfg{i}", tuple(c)) for i, c in enumerate(given)] if given else [("chosen", rows[0][3:8])]
        for label, cfg in picks:
            tta, mode, wc, t, sm = cfg
            tt = np.array([t])
            co = pooled(items, held_o, tta, mode, wc, tt, sm)[0]
            cd = pooled(items, held_d, tta, mode, wc, tt, sm)[0]
            per = "  ".join(f"{n[5:]} {prf(counts(score(items[n], tta, mode, wc, sm), items[n], tt)[0])}" for n in held_o)
            print(f"  {label:8s} {cfg}: OSCD pooled {prf(co)} | DSIFN pooled {prf(cd)}\n      {per}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", action="store_true", help="(re)build the cached network/CVA scores first")
    args = ap.parse_args()
    if args.cache:
        build_cache()
    sweep()


if __name__ == "__main__":
    main()
