"""Validation of the promptable network on objects carved from the training tiles (never on the held-out tile).

The validation objects are the building instances of the training tiles with an id divisible by 4
(train.is_val_object); ``train.py --holdout-val`` leaves them out of the sampled targets. They are used
to choose run-time settings (threshold, refinement) and to compare checkpoints, so that rio_img52 is only
used for the final before/after comparison.

``python -m training.promptable_net.validate [--card models/promptable_net.json] [--variants JSON]``
prints mIoU@1/3/5, NoC@85/90 and box mIoU on the validation objects for each run-time variant
(a dict of NetworkEngine attributes, e.g. ``{"threshold": 0.5}``).
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from .common import CARD, REPO, SHARED, TRAIN_BUILDINGS
from .train import is_val_object


def val_objects(every: bool = False) -> list[tuple[str, np.ndarray, list[np.ndarray]]]:
    """(tile, image, validation object masks ≥ 50 px) for every training building tile (``every``: all its objects)."""
    import rasterio

    out = []
    for name in TRAIN_BUILDINGS:
        with rasterio.open(str(SHARED / "buildings" / f"{name}_image.tif")) as ds:
            image = ds.read().astype(np.float32)
        with rasterio.open(str(SHARED / "buildings" / f"{name}_instances.tif")) as ds:
            inst = ds.read(1).astype(np.int64)
        objs = [inst == k for k in np.unique(inst) if k > 0 and (every or is_val_object(name, k)) and (inst == k).sum() >= 50]
        out.append((name, image, objs))
    return out


def score(engine, data) -> dict:
    """Simulated-click protocol of eval_interactive on the validation objects."""
    sys.path.insert(0, str(REPO / ".qgis" / "plugins"))
    from training.eval_interactive import iou, simulate, summarise

    curves, boxes, t_dec = [], [], []
    for _, image, objs in data:
        feats = engine.encode(image, np.ones(image.shape[1:], bool))

        def decode(points, labels):
            t = time.perf_counter()
            m, _ = engine.decode(feats, points, labels)
            t_dec.append(time.perf_counter() - t)
            return m

        for gt in objs:
            curves.append(simulate(decode, gt))
            rr, cc = np.nonzero(gt)
            box = np.array([cc.min() - 2, rr.min() - 2, cc.max() + 3, rr.max() + 3], dtype=float)
            boxes.append(iou(engine.decode(feats, np.zeros((0, 2)), np.zeros(0), box)[0], gt))
    return {**summarise(curves), "box_miou": round(float(np.mean(boxes)), 3),
            "decode_ms_p95": round(float(np.percentile(t_dec, 95) * 1000), 1)}


def main(argv=None) -> list[dict]:
    """Score every variant on the validation objects."""
    ap = argparse.ArgumentParser(description="validate run-time variants of the promptable network")
    ap.add_argument("--card", default=str(CARD))
    ap.add_argument("--all-train-objects", action="store_true",
                    help="every object of the training tiles (only for checkpoints trained on all of them, e.g. to tune "
                         "run-time settings of the first model with less noise); never the held-out tile")
    ap.add_argument("--variants", default="[{}]", help="JSON list of dicts of NetworkEngine attributes")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(REPO / ".qgis" / "plugins"))
    from terraprompt.plugin.core.interactive import network
    from terraprompt.plugin.core.interactive.network import NetworkEngine

    data = val_objects(a.all_train_objects)
    defaults = {k: getattr(network, k) for k in ("BASE_ROI", "GROW", "MAX_GROW")}
    print(f"validation objects: {sum(len(o) for _, _, o in data)} ({', '.join(f'{n} {len(o)}' for n, _, o in data)})")
    out = []
    for v in json.loads(a.variants):
        eng = NetworkEngine(a.card, device="cpu")
        for k, val in {**defaults, **v}.items():
            setattr(network if k.isupper() else eng, k, val)  # upper case: module constants (ROI rule)
        r = score(eng, data)
        out.append({"variant": v, **r})
        print(json.dumps(out[-1]), flush=True)
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
