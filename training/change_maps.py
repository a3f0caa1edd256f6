"""Change maps on unlabelled pairs, to look at (`make eval-change` runs it after the scores).

For every pair of dates in ../shared/data/oscd_unlabelled (4 OSCD cities whose labels are hidden) and
../shared/data/rgbn_series (4-band RGBN, several dates per site), detect_change runs with each method, prints the
changed share, the agreement of the network with CVA (IoU of their change masks) and the method auto chose, and
draws one PNG per data set (out/eval_change/<set>.png): before, after, then each method's change probability with
its binary result outlined. Nothing is scored: there are no labels. Absent data sets are skipped with a message.
"""
from __future__ import annotations

import argparse
import glob
import os
import sys
import tempfile

import numpy as np
import rasterio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared", "data"))
OUT = os.path.join(ROOT, "out", "eval_change")
PLUGINS = os.path.join(ROOT, ".qgis", "plugins")
if PLUGINS not in sys.path:
    sys.path.insert(0, PLUGINS)

from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change  # noqa: E402
from terraprompt.plugin.core.errors import TerraPromptError  # noqa: E402
from terraprompt.plugin.core.modalities import detect_modality  # noqa: E402
from terraprompt.plugin.core.raster import open_raster  # noqa: E402

SETS = ("oscd_unlabelled", "rgbn_series")
METHODS = ("network", "cva", "irmad", "auto")


def find_pairs(folder: str) -> list[tuple[str, str, str]]:
    """(name, before, after) for consecutive dates: the GeoTIFFs of each sub-folder (or of the folder) sorted by name."""
    groups = sorted(d for d in glob.glob(os.path.join(folder, "*")) if os.path.isdir(d)) or [folder]
    pairs = []
    for g in groups:
        tifs = sorted(glob.glob(os.path.join(g, "*.tif")) + glob.glob(os.path.join(g, "*.tiff")))
        for a, b in zip(tifs, tifs[1:]):
            pairs.append((f"{os.path.basename(g)}: {os.path.basename(a)} -> {os.path.basename(b)}", a, b))
    return pairs


def rgb_preview(path: str) -> np.ndarray:
    """A 2-98 % stretched RGB (or grey) image of a raster, its bands found by the plugin's modality detection."""
    src = open_raster(path)
    try:
        mod = detect_modality(src)
        bands = [mod.band(r) for r in ("red", "green", "blue")]
        bands = bands if all(bands) else [1, 1, 1]
        img = np.ma.filled(src.read(bands=bands).astype(np.float32), np.nan)
    finally:
        src.close()
    lo, hi = np.nanpercentile(img, 2), np.nanpercentile(img, 98)
    return np.nan_to_num(np.clip((img - lo) / max(hi - lo, 1e-6), 0, 1)).transpose(1, 2, 0)


def run_method(before: str, after: str, method: str, workdir: str) -> tuple[np.ndarray, np.ndarray, str]:
    """(probability, binary change with 255 nodata, the method that ran) from the real detect_change."""
    prob, change = os.path.join(workdir, f"p_{method}.tif"), os.path.join(workdir, f"c_{method}.tif")
    for p in (prob, change):
        if os.path.exists(p):
            os.remove(p)
    res = detect_change(ChangeRequest(before, after, output_probability=prob, output_change=change, method=method))
    with rasterio.open(prob) as p, rasterio.open(change) as c:
        return p.read(1), c.read(1), res.method


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """IoU of two boolean masks (1.0 when both are empty)."""
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else 1.0


def draw(rows: list[dict], methods: list[str], path: str) -> None:
    """One row per pair: before, after, then each method's probability with its change outlined."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = 2 + len(methods)
    fig, axes = plt.subplots(len(rows), cols, figsize=(2.6 * cols, 2.7 * len(rows)), squeeze=False)
    for r, row in enumerate(rows):
        panels = [("before", row["before"]), ("after", row["after"])] + [(m, row[m]) for m in methods]
        for c, (title, item) in enumerate(panels):
            ax = axes[r][c]
            ax.set_xticks([]), ax.set_yticks([])
            if c < 2:
                ax.imshow(item)
            else:
                prob, change, used = item
                ax.imshow(np.where(change == 255, np.nan, prob), cmap="magma", vmin=0, vmax=1)
                if (change == 1).any():
                    ax.contour(change == 1, levels=[0.5], colors="cyan", linewidths=0.6)
                title = f"{title} ({used})" if used != title else title
                title += f"\n{100 * (change == 1).sum() / max((change != 255).sum(), 1):.1f} % changed"
            ax.set_title(title, fontsize=8)
        axes[r][0].set_ylabel(row["name"].split(":")[0], fontsize=8)
    fig.suptitle("Change probability (magma) and change (cyan outline); unlabelled pairs", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def maps(set_name: str, methods: list[str], tmp: str) -> list[dict]:
    """Run every method on every pair of one data set, print the figures and draw the PNG; [] when absent."""
    folder = os.path.join(SHARED, set_name)
    pairs = find_pairs(folder) if os.path.isdir(folder) else []
    if not pairs:
        print(f"{set_name}: skipped ({folder} is absent or holds no pair of GeoTIFFs)")
        return []
    print(f"\n{set_name}: {len(pairs)} unlabelled pairs (changed share per method; IoU network vs CVA; auto's choice)")
    rows, out = [], []
    for name, before, after in pairs:
        row = {"name": name, "before": rgb_preview(before), "after": rgb_preview(after)}
        line = {"pair": name}
        for m in methods:
            try:
                row[m] = run_method(before, after, m, tmp)
            except TerraPromptError as exc:
                print(f"  {name}: {m} refused: {exc}")
                row[m] = (np.zeros(row["before"].shape[:2]), np.full(row["before"].shape[:2], 255, np.uint8), "refused")
                continue
            prob, change, used = row[m]
            valid = change != 255
            line[m] = round(float((change == 1).sum() / max(valid.sum(), 1)), 4)
            if m == "auto":
                line["auto_chose"] = used
        if "network" in methods and "cva" in methods:
            line["iou_network_cva"] = round(iou(row["network"][1] == 1, row["cva"][1] == 1), 3)
        print("  " + ", ".join(f"{k} {v}" for k, v in line.items()))
        rows.append(row)
        out.append(line)
    os.makedirs(OUT, exist_ok=True)
    png = os.path.join(OUT, f"{set_name}.png")
    draw(rows, methods, png)
    print(f"  maps: {png}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--methods", default=",".join(METHODS), help="comma-separated methods (default: %(default)s)")
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated data sets (default: %(default)s)")
    args = ap.parse_args(argv)
    methods = [m for m in args.methods.split(",") if m]
    with tempfile.TemporaryDirectory(prefix="change-maps-") as tmp:
        for s in args.sets.split(","):
            maps(s, methods, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
