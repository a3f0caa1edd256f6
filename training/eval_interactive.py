"""Simulated-click evaluation of the interactive engines (`make eval-interactive`).

Protocol (the standard one of interactive segmentation papers): the first click
is at the interior point of the object farthest from its border; every next
click is at the centre (farthest-from-border point) of the largest error
region, positive in a miss and negative in a false alarm; up to 10 clicks.
Reported: mean IoU after 1, 3 and 5 clicks and NoC@85 / NoC@90 (clicks needed
to reach that IoU; 10, the click budget, when never reached), and the mean IoU
from one box prompt (the object's bounding box + 2 px). Each image is encoded
once; every object is decoded from it.

Data (skipped with a message when absent): ../shared/data/buildings (instance
masks), cloud_chips (connected cloud components), dsifn_samples (change-mask
components on the after image).
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from typing import Callable, Iterable, Optional

import numpy as np
from scipy import ndimage

from training.charts import click_curves

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared", "data"))
if os.path.join(ROOT, ".qgis", "plugins") not in sys.path:
    sys.path.insert(0, os.path.join(ROOT, ".qgis", "plugins"))

MAX_CLICKS = 10


def farthest_interior_point(region: np.ndarray) -> tuple[int, int]:
    """(row, col) of the pixel of ``region`` farthest from its border (the image edge counts as border)."""
    padded = np.pad(region, 1)
    dist = ndimage.distance_transform_edt(padded)[1:-1, 1:-1]
    r, c = np.unravel_index(int(np.argmax(dist)), dist.shape)
    return int(r), int(c)


def next_click(gt: np.ndarray, pred: np.ndarray) -> tuple[int, int, bool]:
    """The next simulated click: centre of the largest error region; positive when it is a miss."""
    fn = gt & ~pred
    fp = pred & ~gt
    dfn = ndimage.distance_transform_edt(np.pad(fn, 1))[1:-1, 1:-1]
    dfp = ndimage.distance_transform_edt(np.pad(fp, 1))[1:-1, 1:-1]
    if dfn.max() >= dfp.max():
        r, c = np.unravel_index(int(np.argmax(dfn)), dfn.shape)
        return int(r), int(c), True
    r, c = np.unravel_index(int(np.argmax(dfp)), dfp.shape)
    return int(r), int(c), False


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two boolean masks."""
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else 1.0


def simulate(decode: Callable, gt: np.ndarray, max_clicks: int = MAX_CLICKS, accepted: Optional[Callable] = None) -> list[float]:
    """IoU after each of up to ``max_clicks`` simulated clicks; ``decode(points, labels)`` → mask. ``accepted``: what
    Accept would write from a mask (scored instead of it; the clicks still follow the masks)."""
    pts: list[tuple[float, float]] = []
    lbl: list[int] = []
    r, c = farthest_interior_point(gt)
    pos = True
    ious = []
    pred = np.zeros_like(gt)
    for k in range(max_clicks):
        if k > 0:
            r, c, pos = next_click(gt, pred)
        pts.append((c + 0.5, r + 0.5))
        lbl.append(1 if pos else 0)
        pred = decode(np.array(pts), np.array(lbl))
        ious.append(iou(accepted(pred) if accepted else pred, gt))
    return ious


def noc(ious: list[float], thr: float, max_clicks: int = MAX_CLICKS) -> int:
    """Number of clicks to reach ``thr`` IoU (``max_clicks`` when never reached)."""
    for k, v in enumerate(ious, start=1):
        if v >= thr:
            return k
    return max_clicks


def summarise(curves: list[list[float]]) -> dict:
    """mIoU@1/3/5 and NoC@85/90 over objects, and the mean IoU after each click (the curve to plot)."""
    arr = np.array(curves)
    return {
        "objects": int(len(curves)),
        "miou@1": round(float(arr[:, 0].mean()), 3),
        "miou@3": round(float(arr[:, 2].mean()), 3),
        "miou@5": round(float(arr[:, 4].mean()), 3),
        "noc@85": round(float(np.mean([noc(c, 0.85) for c in curves])), 2),
        "noc@90": round(float(np.mean([noc(c, 0.90) for c in curves])), 2),
        "curve": [round(float(v), 3) for v in arr.mean(axis=0)],
    }


# ---------------------------------------------------------------------- data sets
def _read(path: str) -> np.ndarray:
    import rasterio

    with rasterio.open(path) as ds:
        return ds.read().astype(np.float32)


def valid_pixels(path: str, image: np.ndarray) -> np.ndarray:
    """Valid pixels as the plugin sees them: not nodata; in multiband integer imagery without a nodata value, not 0 in
    every band (the black no-image areas some tiles have; plugin.core.raster.zero_is_fill)."""
    import rasterio

    from terraprompt.plugin.core.raster import zero_is_fill

    with rasterio.open(path) as ds:
        nodata, dtypes = ds.nodata, ds.dtypes
    if nodata is not None:
        return ~(image == nodata).all(axis=0)
    if zero_is_fill(nodata, dtypes):
        return ~(image == 0).all(axis=0)
    return np.ones(image.shape[1:], bool)


TILE_PATHS: dict[str, str] = {}
"""Georeferenced tiles by name (filled by the data sets): their pixel size decides the working scale (see at_working_scale)."""


def buildings() -> Iterable[tuple[str, np.ndarray, np.ndarray, list[np.ndarray]]]:
    """(name, image, valid, object masks) for every building tile (instances ≥ 50 px)."""
    for img in sorted(glob.glob(os.path.join(SHARED, "buildings", "*_image.tif"))):
        TILE_PATHS[os.path.basename(img).replace("_image.tif", "")] = img
        inst = _read(img.replace("_image.tif", "_instances.tif"))[0].astype(np.int64)
        image = _read(img)
        objs = [inst == k for k in np.unique(inst) if k > 0 and (inst == k).sum() >= 50]
        yield os.path.basename(img).replace("_image.tif", ""), image, valid_pixels(img, image), objs


def components(label: np.ndarray, value: int, min_px: int, max_objects: int = 40) -> list[np.ndarray]:
    """Connected components of ``label == value`` of at least ``min_px`` pixels (largest first)."""
    lab, n = ndimage.label(label == value)
    if n == 0:
        return []
    sizes = np.bincount(lab.ravel())[1:]
    order = np.argsort(-sizes)
    return [lab == (i + 1) for i in order[:max_objects] if sizes[i] >= min_px]


def clouds():
    """Cloud components of the cloud chips (6-band reflectance)."""
    for img in sorted(glob.glob(os.path.join(SHARED, "cloud_chips", "*_image.tif"))):
        label = _read(img.replace("_image.tif", "_label.tif"))[0].astype(np.int64)
        image = _read(img)
        yield os.path.basename(img).replace("_image.tif", "") + "_clouds", image, np.isfinite(image).all(0), components(label, 1, 100)


def dsifn():
    """Change components on the after image of the DSIFN samples (RGB, 0.5–2 m)."""
    for m in sorted(glob.glob(os.path.join(SHARED, "dsifn_samples", "mask", "*"))):
        name = os.path.splitext(os.path.basename(m))[0]
        after = glob.glob(os.path.join(SHARED, "dsifn_samples", "t2", name + ".*"))
        if not after:
            continue
        label = _read(m)[0]
        image = _read(after[0])
        yield "dsifn_" + name, image, np.ones(label.shape, bool), components((label > 0).astype(np.int64), 1, 200, 15)


DATASETS = {"buildings": buildings, "clouds": clouds, "dsifn": dsifn}


NETWORK_TRAIN_TILES = ("rio_img56", "atl_r0c0")
"""Building tiles the promptable network was trained on (rio_img52 is held out); see training/promptable_net/common.py."""


def split_of(dataset: str, tile: str) -> str:
    """'held_out' or 'seen' (by the network's training): only building tiles were used with their labels."""
    if dataset == "buildings":
        return "seen" if tile in NETWORK_TRAIN_TILES else "held_out"
    return "held_out"


def at_working_scale(engine, tile: str, image: np.ndarray, valid: np.ndarray, objs: list[np.ndarray]):
    """The tile as the plugin encodes it: resampled to the engine's working pixel size when the plugin would
    (plugin.core.interactive.encoder.working_resolution, e.g. a 0.3 m tile for the 0.5 m network); the zoom factor too."""
    from terraprompt.plugin.core.interactive.encoder import working_resolution
    from terraprompt.plugin.core.raster import open_raster

    path = TILE_PATHS.get(tile)
    src = open_raster(path) if path else None
    res = working_resolution(src, engine) if src is not None else None
    if not res:
        return image, valid, objs, 1.0
    z = abs(src.transform.a) / res
    image = ndimage.zoom(image, (1, z, z), order=1)
    valid = ndimage.zoom(valid.astype(np.uint8), z, order=0) > 0
    return image, valid, [ndimage.zoom(o.astype(np.uint8), z, order=0) > 0 for o in objs], z


def evaluate(engine, datasets: list[str], log=print, accepted: Optional[Callable] = None) -> dict:
    """Run the protocol on every available data set; returns {dataset: summary} (+ buildings held-out / seen splits);
    ``accepted`` as in simulate (the box prompt's mask too)."""
    out = {}
    for name in datasets:
        folder = {"buildings": "buildings", "clouds": "cloud_chips", "dsifn": "dsifn_samples"}[name]
        if not os.path.isdir(os.path.join(SHARED, folder)):
            log(f"[skip] {name}: {os.path.join(SHARED, folder)} is absent")
            continue
        curves, t_enc, t_dec, box_ious = [], [], [], []
        groups: dict[str, tuple[list, list, list]] = {}
        for tile, image, valid, objs in DATASETS[name]():
            image, valid, objs, zoom = at_working_scale(engine, tile, image, valid, objs)
            if zoom != 1.0:
                log(f"  {tile}: resampled x{zoom:.2f} to the engine's working pixel ({engine.working_gsd_m:g} m), as the plugin does")
            t0 = time.perf_counter()
            feats = engine.encode(image, valid)
            t_enc.append(time.perf_counter() - t0)

            def decode(points, labels):
                t1 = time.perf_counter()
                m, _ = engine.decode(feats, points, labels)
                t_dec.append(time.perf_counter() - t1)
                return m

            tile_curves = [simulate(decode, gt, accepted=accepted) for gt in objs]
            curves += tile_curves
            tile_boxes = []
            for gt in objs:
                rr, cc = np.nonzero(gt)
                box = np.array([cc.min() - 2, rr.min() - 2, cc.max() + 3, rr.max() + 3], dtype=float)
                m, _ = engine.decode(feats, np.zeros((0, 2)), np.zeros(0), box)
                tile_boxes.append(iou(accepted(m) if accepted else m, gt))
            box_ious += tile_boxes
            g = groups.setdefault(split_of(name, tile), ([], [], []))
            g[0].extend(tile_curves)
            g[1].extend(tile_boxes)
            g[2].append(tile)
            if tile_curves:
                log(f"  {tile} [{split_of(name, tile)}]: {len(objs)} objects, {summarise(tile_curves)}")
        if not curves:
            log(f"[skip] {name}: no objects found")
            continue
        s = summarise(curves)
        s["box_miou"] = round(float(np.mean(box_ious)), 3)  # one box prompt (object bounding box + 2 px), no clicks
        s["encode_s_mean"] = round(float(np.mean(t_enc)), 3)
        s["decode_ms_p95"] = round(float(np.percentile(t_dec, 95) * 1000), 1)
        out[name] = s
        log(f"{name}: {json.dumps(s)}")
        if name == "buildings":
            for split, (cv, bx, tiles) in sorted(groups.items()):
                if cv:
                    out[f"buildings_{split}"] = {**summarise(cv), "box_miou": round(float(np.mean(bx)), 3), "tiles": tiles}
    return out


COLUMNS = ("objects", "miou@1", "miou@3", "miou@5", "noc@85", "noc@90", "box_miou")
LABELS = {"buildings": "buildings, all tiles",
          "buildings_held_out": "buildings held out from network training",
          "buildings_seen": "buildings, network training tiles",
          "clouds": "clouds (cloud_chips, unseen)", "dsifn": "dsifn change components (labels unseen)"}
"""Row names; the building rows name their tiles (tiles dropped into ../shared/data count as held out)."""


def label_of(key: str, results: dict) -> str:
    """A table row's name: the data set, and for the building splits the tiles they hold (named up to three)."""
    tiles = next((r[key].get("tiles") for r in results.values() if key in r and r[key].get("tiles")), None)
    if not tiles:
        return LABELS[key]
    return f"{LABELS[key]}: " + (" + ".join(tiles) if len(tiles) <= 3 else f"{len(tiles)} tiles")


def table(results: dict) -> str:
    """Side-by-side text table: one row per data set and engine."""
    lines = [f"{'data set':62s} {'engine':10s} " + " ".join(f"{c:>8s}" for c in COLUMNS)]
    keys = [k for k in LABELS if any(k in r for r in results.values())]
    for k in keys:
        for eng, r in results.items():
            if k in r:
                lines.append(f"{label_of(k, results):62s} {eng:10s} " + " ".join(f"{r[k].get(c, ''):>8}" for c in COLUMNS))
    return "\n".join(lines)


CHART_TITLES = {"buildings_held_out": "buildings, held-out tiles (0.5 m)", "clouds": "clouds (cloud chips, unseen)",
                "dsifn": "DSIFN change objects (unseen labels)"}
TARGETS = {"buildings_held_out": {1: 0.75, 3: 0.85}}
"""Issue targets on very-high-resolution buildings: mIoU after 1 and 3 clicks (stars on the chart)."""


def write_report(path: str, res: dict) -> None:
    """Write an evaluation's figures as JSON (folders made as needed) and say where."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(res, fh, indent=2)
    print(f"written {path}")


def straight_mask(mask: np.ndarray) -> np.ndarray:
    """The straight outline (plugin.core.outlines) the Interactive tab accepts with 'Straight outlines (buildings)' ticked,
    drawn back on the pixel grid."""
    from rasterio.features import rasterize
    from rasterio.transform import Affine

    from terraprompt.plugin.core.interactive.objects import mask_to_geometry

    geom = mask_to_geometry(mask, Affine.identity(), straight=True)
    return rasterize([geom], out_shape=mask.shape, transform=Affine.identity()).astype(bool) if geom is not None else mask


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="buildings,clouds,dsifn")
    ap.add_argument("--engines", default="network,classical", help="comma-separated: network, classical")
    ap.add_argument("--params", default="{}", help="classical engine parameters as JSON (for tuning)")
    ap.add_argument("--json", default=os.path.join(ROOT, "out", "eval_interactive.json"))
    ap.add_argument("--card", default=None, help="model card of a candidate network (default: the bundled one)")
    ap.add_argument("--straight", action="store_true",
                    help="score the straight outlines Accept writes with the 'Straight outlines' box ticked (clicks follow the masks)")
    args = ap.parse_args(argv)
    from terraprompt.plugin.core.errors import ModelError
    from terraprompt.plugin.core.interactive.classical import ClassicalEngine

    res = {}
    for name in args.engines.split(","):
        if name == "classical":
            engine = ClassicalEngine(**json.loads(args.params))
        else:
            from terraprompt.plugin.core.interactive.network import NetworkEngine

            try:
                engine = NetworkEngine(args.card, device="cpu")
            except ModelError as exc:
                print(f"[skip] network: {exc}")
                continue
        print(f"engine: {engine.label}" + (" (scored: the straight outlines Accept writes)" if args.straight else ""))
        res[name] = evaluate(engine, args.datasets.split(","), accepted=straight_mask if args.straight else None)
    print(table(res))
    write_report(args.json, res)
    click_curves(res, os.path.splitext(args.json)[0] + ".png", targets=TARGETS, titles=CHART_TITLES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
