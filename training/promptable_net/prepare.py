"""Prepare the training objects of the promptable network (``training/data/promptable/sources.npz``, git-ignored).

Every source is a normalised image (uint8, 3 bands, the engine's own normalisation) with an instance map:
* buildings: rio_img56 and atl_r0c0 instance masks (rio_img52 is held out for evaluation);
* trees: vhr_trees crown boxes → inscribed ellipses (box → mask pseudo-labels), the boxes kept for box prompts;
* segments: self-made pseudo-objects, Felzenszwalb superpixel regions (80-4000 px, compact) on the training
  building tiles, the DSIFN before/after images and the tree images (no labels of the evaluation objects).
"""
from __future__ import annotations

import csv
import glob
import os

import numpy as np

from .common import DATA, SHARED, TRAIN_BUILDINGS


def read(path: str) -> np.ndarray:
    """All bands of a raster as float32."""
    import rasterio

    with rasterio.open(path) as ds:
        return ds.read().astype(np.float32)


def norm_u8(image: np.ndarray) -> np.ndarray:
    """The engine's normalisation, stored as uint8."""
    from plugin.core.interactive.network import normalise_image

    valid = np.isfinite(image).all(axis=0)
    return np.round(normalise_image(image, valid) * 255).astype(np.uint8)


def buildings() -> list[dict]:
    """Training building tiles with their instance maps."""
    out = []
    for name in TRAIN_BUILDINGS:
        img = read(str(SHARED / "buildings" / f"{name}_image.tif"))
        inst = read(str(SHARED / "buildings" / f"{name}_instances.tif"))[0].astype(np.int32)
        ids = [int(k) for k in np.unique(inst) if k > 0 and (inst == k).sum() >= 30]
        out.append({"name": name, "kind": "buildings", "image": norm_u8(img), "inst": inst, "ids": np.array(ids)})
    return out


def trees() -> list[dict]:
    """Tree images with ellipse pseudo-masks from the crown boxes (larger boxes drawn first)."""
    out = []
    for csv_path in sorted(glob.glob(str(SHARED / "vhr_trees" / "*_boxes_pixel.csv"))):
        tif = csv_path.replace("_boxes_pixel.csv", ".tif")
        if not os.path.exists(tif):
            continue
        img = read(tif)
        h, w = img.shape[1:]
        with open(csv_path) as fh:
            boxes = [(float(r["xmin"]), float(r["ymin"]), float(r["xmax"]), float(r["ymax"])) for r in csv.DictReader(fh)]
        boxes.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
        inst = np.zeros((h, w), np.int32)
        yy, xx = np.mgrid[0:h, 0:w]
        for k, (x0, y0, x1, y1) in enumerate(boxes, start=1):
            cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, max(1.0, (x1 - x0) / 2), max(1.0, (y1 - y0) / 2)
            r0, r1, c0, c1 = int(max(0, y0)), int(min(h, y1 + 1)), int(max(0, x0)), int(min(w, x1 + 1))
            sub = ((xx[r0:r1, c0:c1] + 0.5 - cx) / rx) ** 2 + ((yy[r0:r1, c0:c1] + 0.5 - cy) / ry) ** 2 <= 1
            inst[r0:r1, c0:c1][sub] = k
        ids = [int(k) for k in np.unique(inst) if k > 0 and (inst == k).sum() >= 60]
        out.append({"name": os.path.basename(tif), "kind": "trees", "image": norm_u8(img), "inst": inst, "ids": np.array(ids)})
    return out


def segments() -> list[dict]:
    """Superpixel pseudo-objects on training images (no evaluation labels involved)."""
    from skimage.segmentation import felzenszwalb

    paths = [str(SHARED / "buildings" / f"{n}_image.tif") for n in TRAIN_BUILDINGS]
    paths += sorted(glob.glob(str(SHARED / "dsifn_samples" / "t1" / "*.tif")))
    paths += sorted(glob.glob(str(SHARED / "dsifn_samples" / "t2" / "*.tif")))
    paths += sorted(glob.glob(str(SHARED / "vhr_trees" / "*.tif")))[:2]
    out = []
    for p in paths:
        u8 = norm_u8(read(p))
        rgb = np.moveaxis(u8, 0, -1).astype(np.float32) / 255
        seg = felzenszwalb(rgb, scale=300, sigma=0.8, min_size=80).astype(np.int32) + 1
        ids = []
        for k in np.unique(seg):
            m = seg == k
            n = int(m.sum())
            if not 80 <= n <= 4000:
                continue
            rr, cc = np.nonzero(m)
            extent = n / ((rr.ptp() + 1) * (cc.ptp() + 1))
            if extent >= 0.45:
                ids.append(int(k))
        out.append({"name": "seg_" + os.path.basename(os.path.dirname(p)) + "_" + os.path.basename(p), "kind": "segments",
                    "image": u8, "inst": seg, "ids": np.array(ids)})
    return out


def main() -> None:
    """Write every source to one npz (object arrays)."""
    DATA.mkdir(parents=True, exist_ok=True)
    srcs = buildings() + trees() + segments()
    for s in srcs:
        print(f"  {s['kind']:9s} {s['name']}: {s['image'].shape[1:]} {len(s['ids'])} objects")
    np.save(DATA / "sources.npy", np.array(srcs, dtype=object), allow_pickle=True)
    print(f"prepared {len(srcs)} sources in {DATA}")


if __name__ == "__main__":
    main()
