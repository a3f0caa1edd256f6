"""Find-similar evaluation (`make eval-interactive` runs it after the click protocol).

Protocol: on each building tile, three buildings drawn at random (three draws, seeds 0-2, among footprints of at least
100 pixels) are the exemplars handed to ``find_similar`` exactly as the Processing algorithm does; the polygons it
writes are matched one-to-one with the other footprints (greedy, IoU >= 0.5). A found polygon on an exemplar counts
neither way. Reported per method: objects found, precision, recall and F1 (pooled over tiles and draws), the mean IoU
of the matched objects and the mean seconds per run. On the tree-crown image (boxes only) a polygon matches a crown when
its bounding box reaches IoU >= 0.5 with the crown's box. The network method's two cut-offs (decoder score 0.84, object
cosine 0.5) were chosen on these same tiles: its figures are optimistic for imagery not seen here.

Data (skipped with a message when absent): ../shared/data/buildings, ../shared/data/vhr_trees/OSBS_029.
"""
from __future__ import annotations

import argparse
import glob
import os
import sys
import tempfile
import time
from typing import Iterable, Optional

import numpy as np

from training.eval_interactive import ROOT, SHARED, write_report

MATCH_IOU = 0.5
DRAWS = (0, 1, 2)
N_EXEMPLARS = 3


def read_polygons(path: str, layer: Optional[str] = None) -> list[tuple[dict, object]]:
    """(attributes, shapely geometry) of every feature of a vector layer."""
    from osgeo import ogr
    from shapely import wkb

    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    out = []
    for f in lyr:
        g = f.GetGeometryRef()
        if g is not None:
            out.append((f.items(), wkb.loads(bytes(g.ExportToWkb()))))
    return out


def box_iou(a, b) -> float:
    """IoU of two geometries' bounding boxes."""
    from shapely.geometry import box

    return iou(box(*a.bounds), box(*b.bounds))


def iou(a, b) -> float:
    """IoU of two geometries."""
    inter = a.intersection(b).area
    return inter / (a.union(b).area or 1.0)


def match(found: list, truth: list, exemplars: list, score=iou) -> dict:
    """Greedy one-to-one matching at IoU >= MATCH_IOU; found polygons on an exemplar are left out."""
    found = [f for f in found if not any(score(f, e) >= MATCH_IOU for e in exemplars)]
    pairs = sorted(((score(f, g), i, j) for i, f in enumerate(found) for j, g in enumerate(truth)
                    if f.intersects(g)), reverse=True)
    used_f, used_g, ious = set(), set(), []
    for s, i, j in pairs:
        if s < MATCH_IOU:
            break
        if i not in used_f and j not in used_g:
            used_f.add(i)
            used_g.add(j)
            ious.append(s)
    return {"found": len(found), "truth": len(truth), "tp": len(ious), "iou_sum": float(np.sum(ious))}


def summarise(rows: list[dict]) -> dict:
    """Pooled precision, recall, F1 and mean IoU of the matches."""
    tp, nf, nt = (sum(r[k] for r in rows) for k in ("tp", "found", "truth"))
    p, r = tp / nf if nf else 0.0, tp / nt if nt else 0.0
    return {"draws": len(rows), "found": nf, "truth": nt, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "matched_iou": round(sum(r_["iou_sum"] for r_ in rows) / tp, 3) if tp else 0.0,
            "seconds": round(float(np.mean([r_.get("seconds", 0.0) for r_ in rows])), 1)}


def building_tiles() -> Iterable[tuple[str, str, list]]:
    """(name, image path, [(footprint, may be an exemplar)]) of every building tile."""
    for img in sorted(glob.glob(os.path.join(SHARED, "buildings", "*_image.tif"))):
        gpkg = img.replace("_image.tif", "_footprints.gpkg")
        if os.path.exists(gpkg):
            feats = [(g, a.get("area_px", 0) >= 100) for a, g in read_polygons(gpkg, "footprints") if a.get("area_px", 0) >= 50]
            yield os.path.basename(img).replace("_image.tif", ""), img, feats


def crown_tiles() -> Iterable[tuple[str, str, list]]:
    """The georeferenced tree-crown image and its crown boxes."""
    img = os.path.join(SHARED, "vhr_trees", "OSBS_029.tif")
    gpkg = os.path.join(SHARED, "vhr_trees", "OSBS_029_crowns.gpkg")
    if os.path.exists(img) and os.path.exists(gpkg):
        yield "OSBS_029", img, [(g, True) for _, g in read_polygons(gpkg, "crowns")]


def run(method: str, path: str, truth: list, seed: int, threshold: float, score=iou) -> dict:
    """One draw: pick exemplars, run find_similar with a method, match."""
    from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar

    rng = np.random.default_rng(seed)
    big = [i for i, (_, ok) in enumerate(truth) if ok]
    pick = set(rng.choice(big, size=min(N_EXEMPLARS, len(big)), replace=False).tolist())
    exemplars = [truth[i][0] for i in sorted(pick)]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "similar.gpkg")
        t0 = time.perf_counter()
        find_similar(SimilarRequest(input=path, exemplars=exemplars, output_vector=out, threshold=threshold,
                                    method=method, cache_dir=""))
        seconds = time.perf_counter() - t0
        found = [g for _, g in read_polygons(out)]
    rest = [g for i, (g, _) in enumerate(truth) if i not in pick]
    return {**match(found, rest, exemplars, score), "seconds": seconds}


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--methods", default="network,appearance", help="comma list of find_similar methods")
    ap.add_argument("--json", default=os.path.join(ROOT, "out", "eval_similar.json"))
    args = ap.parse_args(argv)
    sets = {"buildings": (building_tiles, iou), "tree crowns (boxes)": (crown_tiles, box_iou)}
    res: dict = {}
    for method in args.methods.split(","):
        for label, (tiles, score) in sets.items():
            rows = []
            for name, path, truth in tiles():
                tile_rows = [run(method, path, truth, s, args.threshold, score) for s in DRAWS]
                print(f"  {method} {name}: {summarise(tile_rows)}")
                rows += tile_rows
            if not rows:
                print(f"[skip] {label}: data absent under {SHARED}")
                continue
            res.setdefault(method, {})[label] = summarise(rows)
    cols = ("draws", "found", "truth", "precision", "recall", "f1", "matched_iou", "seconds")
    print(f"{'find similar (3 exemplars)':26s} {'method':10s} " + " ".join(f"{c:>11s}" for c in cols))
    for method, r in res.items():
        for label, s in r.items():
            print(f"{label:26s} {method:10s} " + " ".join(f"{s[c]:>11}" for c in cols))
    write_report(args.json, res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
