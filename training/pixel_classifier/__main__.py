"""``make train-pixel-classifier``: features of the HLS chips → MLP → ONNX + model card, held-out IoU per class.

Labels: the chips' ESA WorldCover band (10 m product on the chip grid). Split: the land-cover network's one
(training/landcover_net/hls_train_ids.json; chips not listed are held out, whole location groups). About a minute
on 2 CPU cores; seeded, so a rerun gives the same weights on the same machine.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data" / "hls_water_chips"
MODEL = REPO / "models" / "landcover_mlp.onnx"
CARD = REPO / "models" / "landcover_mlp.json"
WORLDCOVER = {"other": (), "tree": (10,), "shrub": (20,), "grassland": (30,), "cropland": (40,), "built_up": (50,),
              "bare": (60,), "water": (80,)}
"""Output classes and the WorldCover codes they learn from ('other': wetland, moss, snow and anything else)."""
CONCEPTS = {"forest": "tree", "grassland": "grassland", "cropland": "cropland", "built_up": "built_up", "bare_soil": "bare"}
"""Catalogue concepts the spectral engine reads from the classifier, and their class."""
SEED, EPOCHS, BATCH, HIDDEN = 0, 8, 4096, 64
HAZE = {"blue": 0.07, "green": 0.05, "red": 0.035, "nir": 0.02, "swir1": 0.005, "swir2": 0.003}
"""Largest path radiance (reflectance) added per band in the augmented copies: top-of-atmosphere (L1C) and hazy scenes
read brighter in blue than the chips' surface reflectance, and the classifier must not take that for another class."""
CLASS_WEIGHT_POWER = 0.5
"""Loss weight of a class = (1 / its pixel share) ** this: built-up (2 % of the chips' pixels) would otherwise lose every
doubt to cropland (38 %), and a dense city at 10 m read as fields."""
COPIES = 2
"""Augmented copies of every training chip (random haze and gain), besides the chip itself."""


def chips() -> tuple[list[str], set[str]]:
    """All shared chip ids and the training ones."""
    ids = sorted(p.name.split("_")[0] for p in (SHARED / "images").glob("*_hls.tif"))
    train = set(json.loads((REPO / "training" / "landcover_net" / "hls_train_ids.json").read_text())["train"])
    return ids, train


def chip_arrays(chip: str, rng=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features (F, h, w), valid, class index per pixel) of one chip, features exactly as the plugin computes them;
    with ``rng``, the bands first get a random haze (HAZE x one draw) and gain (0.85-1.15)."""
    from plugin.core.landcover.pixel_classifier import ROLES, features
    from training.eval_landcover import hls_chip

    refl, valid, wc = hls_chip(SHARED, chip)
    bands = {r: refl[r] for r in ROLES}
    if rng is not None:
        haze, gain = rng.uniform(0, 1), rng.uniform(0.85, 1.15)
        bands = {r: (v + HAZE[r] * haze) * gain for r, v in bands.items()}
    label = np.zeros(wc.shape, np.int64)
    for k, codes in enumerate(WORLDCOVER.values()):
        if codes:
            label[np.isin(wc, codes)] = k
    return features(bands, valid, 30.0), valid, label


def dataset(ids: list[str], copies: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pixels (N, F) and class indices (N,) of chips (and of ``copies`` augmented copies of each)."""
    xs, ys = [], []
    rng = np.random.default_rng(SEED)
    for c in ids:
        for k in range(copies + 1):
            f, v, y = chip_arrays(c, rng if k else None)
            xs.append(f[:, v].T)
            ys.append(y[v])
    return np.concatenate(xs), np.concatenate(ys)


def pooled_iou(pred: np.ndarray, truth: np.ndarray) -> dict[str, dict[str, float]]:
    """IoU, precision and recall per class (pooled over pixels)."""
    out = {}
    for k, name in enumerate(WORLDCOVER):
        p, g = pred == k, truth == k
        tp = float((p & g).sum())
        out[name] = {"iou": round(tp / max((p | g).sum(), 1), 3), "precision": round(tp / max(p.sum(), 1), 3),
                     "recall": round(tp / max(g.sum(), 1), 3)}
    return out


def train(x: np.ndarray, y: np.ndarray):
    """The MLP (standardisation inside, softmax out), seeded."""
    import torch
    import torch.nn as nn

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    mean, std = xt.mean(0), xt.std(0) + 1e-6

    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("mean", mean)
            self.register_buffer("std", std)
            self.mlp = nn.Sequential(nn.Linear(x.shape[1], HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
                                     nn.Linear(HIDDEN, len(WORLDCOVER)))

        def forward(self, f):
            return self.mlp((f - self.mean) / self.std)

    net = Net()
    counts = torch.bincount(yt, minlength=len(WORLDCOVER)).float()
    weight = (counts.sum() / counts.clamp(min=1)) ** CLASS_WEIGHT_POWER
    weight = weight / (weight * counts).sum() * counts.sum()  # mean weight per pixel 1
    opt = torch.optim.Adam(net.parameters(), 2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, EPOCHS)
    gen = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        perm = torch.randperm(len(xt), generator=gen)
        for s in range(0, len(xt), BATCH):
            i = perm[s:s + BATCH]
            loss = nn.functional.cross_entropy(net(xt[i]), yt[i], weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        print(f"  epoch {epoch + 1}/{EPOCHS}: loss {loss.item():.3f}", flush=True)
    return net.eval()


def export(net, n_features: int) -> str:
    """Write the ONNX file (softmax probabilities out); returns its sha256."""
    import torch

    class WithSoftmax(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, f):
            return torch.softmax(self.inner(f), dim=1)

    torch.onnx.export(WithSoftmax(net), torch.zeros(2, n_features), str(MODEL), input_names=["features"],
                      output_names=["probabilities"], dynamic_axes={"features": {0: "n"}, "probabilities": {0: "n"}},
                      opset_version=17, dynamo=False)
    return hashlib.sha256(MODEL.read_bytes()).hexdigest()


def predict(x: np.ndarray) -> np.ndarray:
    """Class index per pixel from the exported ONNX file (what the plugin runs)."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(MODEL), providers=["CPUExecutionProvider"])
    return np.concatenate([sess.run(None, {"features": x[s:s + (1 << 18)]})[0].argmax(1) for s in range(0, len(x), 1 << 18)])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.parse_args(argv)
    if not SHARED.exists():
        print(f"train-pixel-classifier: skipped ({SHARED} is absent)")
        return
    t0 = time.time()
    ids, train_ids = chips()
    held = [c for c in ids if c not in train_ids]
    x, y = dataset([c for c in ids if c in train_ids], COPIES)
    print(f"{len(ids) - len(held)} training chips ({len(x)} pixels), {len(held)} held-out chips")
    net = train(x, y)
    sha = export(net, x.shape[1])
    xh, yh = dataset(held)
    metrics = pooled_iou(predict(xh), yh)
    card = json.loads(CARD.read_text()) if CARD.exists() else {}
    card.update({
        "name": "landcover_mlp", "file": MODEL.name, "sha256": sha, "size_bytes": MODEL.stat().st_size,
        "format": "ONNX opset 17 (torch.onnx.export, dynamo=False)",
        "architecture": f"MLP {x.shape[1]}-{HIDDEN}-{HIDDEN}-{len(WORLDCOVER)} (ReLU), standardisation inside the graph, softmax out",
        "inputs": {"features": {"shape": ["n", x.shape[1]], "dtype": "float32",
                                "meaning": "plugin/core/landcover/pixel_classifier.py features(): blue, green, red, NIR, SWIR1, "
                                           "SWIR2 surface or top-of-atmosphere reflectance (0-1), NDVI, NDBI, MNDWI, BSI, "
                                           "SWIR2/SWIR1 difference ratio, and the local standard deviation (90 m, 150 m) and "
                                           "mean (210 m) of NDVI, visible brightness and NDBI"}},
        "outputs": {"probabilities": {"shape": ["n", len(WORLDCOVER)]}, "classes": list(WORLDCOVER)},
        "concepts": CONCEPTS,
        "trained_pixel_m": 30,
        "training": {"data": "hls_water_chips (HLS-style 30 m chips, 6 reflectance bands) with their ESA WorldCover band as "
                             "labels (WorldCover 2020/2021, 10 m, on the chip grid: the year's land cover, not the image date's)",
                     "split": "the land-cover network's (training/landcover_net/hls_train_ids.json): whole location groups "
                              "held out",
                     "train_chips": len(ids) - len(held), "held_out_chips": len(held), "pixels": int(len(x)),
                     "epochs": EPOCHS, "class_weight_power": CLASS_WEIGHT_POWER, "augmented_copies": COPIES, "haze": HAZE, "batch": BATCH, "seed": SEED, "optimiser": "Adam 2e-3, cosine schedule",
                     "seconds": round(time.time() - t0, 1)},
        "metrics": {"held_out_chips": metrics,
                    "note": "pooled over the held-out chips' pixels against WorldCover; argmax class"},
        "reproduce": "make train-pixel-classifier",
        "spectral_engine_held_out": card.get("spectral_engine_held_out", {}),
        "spectral_engine_held_out_note": "IoU per concept of the spectral engine with this classifier (its rule thresholds and "
                                         "NDVI checks in spectral_rules.json) on the held-out chips against WorldCover, each "
                                         "concept prompted alone: make eval-landcover (eval_hls_worldcover); quoted in "
                                         "explanations. Copied from the last run: rerun the evaluation after retraining.",
        "licences": "training labels ESA WorldCover (CC BY 4.0); imagery as in ../shared/data/hls_water_chips/README.md",
        "limitations": "learnt from 159 chips of a flood-mapping set at 30 m (few cities: 2.3 % built-up pixels); on 10-20 m "
                       "Sentinel-2 its texture windows cover the same ground, but it never saw such pixels; grassland and "
                       "cropland are told apart by the spectra of the image date, so fallow or harvested fields can read "
                       "as grassland or bare soil",
    })
    CARD.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n")
    for name in CONCEPTS.values():
        m = metrics[name]
        print(f"  held out: {name:10s} IoU {m['iou']:.3f} precision {m['precision']:.3f} recall {m['recall']:.3f}")
    print(f"written {MODEL} (sha256 {sha[:12]}…) and {CARD}; {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
