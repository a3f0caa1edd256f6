"""Calibrate the operating point on the training cities, then score held-out OSCD cities and DSIFN tiles (ONNX model)."""
from __future__ import annotations

import json
import os

import numpy as np
import torch

from .common import (CARD, DATA, DSIFN_HELD_OUT, HELD_OUT, MODEL, REGIMES, avail, dsifn_tiles, oscd_cities, read_dsifn,
                     read_oscd, standardise)
from .model import STRIDE


def pad_to_stride(x: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Reflect-pad (c, h, w) up to multiples of STRIDE; returns the padded array and the original h, w."""
    h, w = x.shape[1:]
    ph, pw = (-h) % STRIDE, (-w) % STRIDE
    return np.pad(x, ((0, 0), (0, ph), (0, pw)), mode="reflect"), h, w


def predict(run, before: np.ndarray, after: np.ndarray, av: np.ndarray) -> np.ndarray:
    """(h, w) output of ``run(before, after, available)`` on standardised, masked, stride-padded inputs."""
    b, h, w = pad_to_stride(before * av[:, None, None])
    a, _, _ = pad_to_stride(after * av[:, None, None])
    out = run(b[None].astype(np.float32), a[None].astype(np.float32), av[None].astype(np.float32))
    return np.asarray(out)[0, 0, :h, :w]


def torch_runner(net):
    """A runner returning raw logits of a torch ChangeNet."""
    def run(b, a, av):
        with torch.no_grad():
            return net.logits(torch.from_numpy(b), torch.from_numpy(a), torch.from_numpy(av)).numpy()
    return run


def onnx_runner(path=MODEL):
    """A runner returning the ONNX model's probabilities."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return lambda b, a, av: sess.run(None, {"before": b, "after": a, "available": av})[0]


def counts(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """tp, fp, fn, tn."""
    p, t = pred.ravel(), truth.ravel().astype(bool)
    return np.array([(p & t).sum(), (p & ~t).sum(), (~p & t).sum(), (~p & ~t).sum()], np.int64)


def scores(c: np.ndarray) -> dict:
    """precision, recall, F1 and IoU of the change class."""
    tp, fp, fn, _ = (float(x) for x in c)
    return {"P": round(tp / max(tp + fp, 1), 4), "R": round(tp / max(tp + fn, 1), 4),
            "F1": round(2 * tp / max(2 * tp + fp + fn, 1), 4), "IoU": round(tp / max(tp + fp + fn, 1), 4)}


def calibrate(net, city: str) -> float:
    """Probability threshold maximising the mean (over regimes) pooled F1 on the validation cities (comma-separated).

    Never on training cities (a threshold fitted on them is too low for unseen ones): a run without validation cities
    takes a fixed threshold instead (operating_point, CHANGE_NET_THRESHOLD)."""
    if not city:
        raise ValueError("no validation city to calibrate on: set CHANGE_NET_THRESHOLD (e.g. 0.9, the bundled model's "
                         "calibration) for a run trained without validation cities")
    run = torch_runner(net)
    files = [DATA / f"oscd_{c}.npz" for c in city.split(",")]
    thr = np.linspace(0.05, 0.95, 37)
    f1s = []
    for regime in REGIMES:
        av = avail(regime)
        tot = np.zeros((len(thr), 4), np.int64)
        for f in files:
            z = np.load(f)
            logit = predict(run, z["before"].astype(np.float32), z["after"].astype(np.float32), av)
            prob = 1 / (1 + np.exp(-logit))
            y = z["label"] > 0
            for i, t in enumerate(thr):
                tot[i] += counts(prob > t, y)
        f1s.append([scores(c)["F1"] for c in tot])
    mean = np.mean(f1s, axis=0)
    best = float(thr[int(np.argmax(mean))])
    print(f"calibration on {city}: " + ", ".join(f"{r} F1 {max(f):.3f}" for r, f in zip(REGIMES, f1s))
          + f"; threshold {best:.3f} (mean F1 {mean.max():.3f})")
    return best


def operating_point(net, meta: dict, fixed: str | None = None) -> tuple[float, str]:
    """The probability threshold folded into the export and the card's text saying where it comes from.

    ``fixed`` (default: env CHANGE_NET_THRESHOLD) is a threshold transferred from an earlier calibration, for a refit
    on training + validation data; otherwise calibrate on the run's validation cities."""
    fixed = os.environ.get("CHANGE_NET_THRESHOLD", "") if fixed is None else fixed
    if fixed:
        t = float(fixed)
        if not 0 < t < 1:
            raise ValueError(f"CHANGE_NET_THRESHOLD={fixed} is not a probability strictly between 0 and 1")
        return t, (f"sigmoid(logit - logit({t:.3f})): {t:.3f} fixed (CHANGE_NET_THRESHOLD), transferred from an earlier "
                   "calibration on validation cities; not fitted on this run's training cities")
    val = meta.get("val_city", "")
    t = calibrate(net, val)
    return t, (f"sigmoid(logit - logit({t:.3f})): {t:.3f} maximised the mean F1 over the three band subsets on the "
               f"validation cities {val} (not trained on)")


def evaluate(write: bool = False) -> dict:
    """Per-city and pooled scores of the exported ONNX model at probability 0.5 on data never trained on."""
    run = onnx_runner()
    out: dict = {"oscd_held_out": {}, "dsifn_held_out": {}}
    cities = [c for c in oscd_cities() if c in HELD_OUT]
    for regime in REGIMES:
        av = avail(regime)
        tot = np.zeros(4, np.int64)
        per = {}
        for city in cities:
            b, a, y = read_oscd(city)
            sb, sa = standardise(b, a, av)
            k = counts(predict(run, sb, sa, av) > 0.5, y > 0)
            tot += k
            per[city] = scores(k)
        per["pooled"] = scores(tot)
        out["oscd_held_out"][regime] = per
    tot = np.zeros(4, np.int64)
    per = {}
    for tile in [t for t in dsifn_tiles() if t in DSIFN_HELD_OUT]:
        b, a, y = read_dsifn(tile)
        av = avail("rgb")
        sb, sa = standardise(b, a, av)
        k = counts(predict(run, sb, sa, av) > 0.5, y > 0)
        tot += k
        per[tile] = scores(k)
    if per:
        per["pooled"] = scores(tot)
        out["dsifn_held_out"]["rgb"] = per
    if write:
        card = json.loads(CARD.read_text())
        card["metrics"] = {"threshold": 0.5, "note": "change class; each date standardised per band as in the plugin; "
                           "cities/tiles never trained on; measured by training/change_net/evaluate.py on the ONNX file", **out}
        CARD.write_text(json.dumps(card, indent=1) + "\n")
    return out


def print_table(m: dict) -> None:
    """Plain table of the metrics."""
    for regime, per in m["oscd_held_out"].items():
        for city, s in per.items():
            print(f"OSCD held-out {regime:5s} {city:12s} " + "  ".join(f"{k}={v:.3f}" for k, v in s.items()))
    for regime, per in m["dsifn_held_out"].items():
        for tile, s in per.items():
            print(f"DSIFN held-out {regime:4s} {tile:12s} " + "  ".join(f"{k}={v:.3f}" for k, v in s.items()))


if __name__ == "__main__":
    print_table(evaluate(write=True))
