"""Accuracy of detect_change on the shared change data sets (`make eval-change`).

* OSCD (../shared/data/oscd): per city and pooled precision, recall, F1 and IoU of the change class, every method.
* Landsat Taizhou: overall accuracy and kappa on the labelled reference pixels only.
* DSIFN samples: F1 of the change class. The tiles have no georeferencing, and detect_change refuses rasters
  without a CRS (as it must for analysts); here both dates get the same nominal grid (EPSG:32650, 2 m pixels,
  same origin) in temporary copies, which changes nothing pixel-wise since t1 and t2 are co-registered.
Absent data sets are skipped with a message. Every run goes through the real detect_change (tiling, outputs).
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
import rasterio
from rasterio.transform import from_origin

from training.charts import grouped_bars

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared", "data"))
PLUGINS = os.path.join(ROOT, ".qgis", "plugins")
if PLUGINS not in sys.path:
    sys.path.insert(0, PLUGINS)

from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change  # noqa: E402
from terraprompt.plugin.core.change.threshold import threshold_change  # noqa: E402
from terraprompt.plugin.core.errors import TerraPromptError  # noqa: E402

METHODS = ["cva", "irmad", "auto", "network"]
OUT = os.path.join(ROOT, "out", "eval_change")
TARGET_F1 = 0.60
"""The issue's pooled F1 target for the network on unseen OSCD cities (the dashed line of the chart)."""


def _card_data() -> dict:
    """The 'data' section of models/change_net.json (which cities and tiles the network trained, validated and was
    held out on); empty when the card is absent or unreadable."""
    import json

    try:
        with open(os.path.join(ROOT, "models", "change_net.json"), encoding="utf-8") as fh:
            return dict(json.load(fh)["data"])
    except (OSError, ValueError, KeyError):
        return {}


def network_validation() -> set:
    """OSCD cities and DSIFN tiles the bundled change network chose its checkpoint on without training on them."""
    data = _card_data()
    return set(data.get("validation_cities", [])) | set(data.get("dsifn_validation_tiles", []))


def network_seen() -> tuple[set, set]:
    """OSCD cities and DSIFN tiles the bundled change network trained or chose its checkpoint on."""
    data = _card_data()
    return (set(data.get("train_cities", [])) | set(data.get("validation_cities", [])),
            set(data.get("dsifn_train_tiles", [])) | set(data.get("dsifn_validation_tiles", [])))


def network_held_out(cities: Iterable[str] = (), tiles: Iterable[str] = ()) -> tuple[set, set]:
    """OSCD cities and DSIFN tiles the bundled change network never saw: the card's held-out lists plus any city or
    tile present here that it neither trained nor validated on (test cities dropped into ../shared/data)."""
    data = _card_data()
    if "held_out_cities" not in data or "dsifn_held_out_tiles" not in data:
        return set(), set()
    seen_cities, seen_tiles = network_seen()
    return (set(data["held_out_cities"]) | (set(cities) - seen_cities),
            set(data["dsifn_held_out_tiles"]) | (set(tiles) - seen_tiles))


def run(before: str, after: str, method: str, workdir: str, prompt: str = "") -> np.ndarray:
    """Binary change (0/1, 255 nodata) from detect_change (with a change prompt when given)."""
    out = os.path.join(workdir, f"change_{method}.tif")
    detect_change(ChangeRequest(before, after, output_change=out, method=method, prompt=prompt or None))
    with rasterio.open(out) as ds:
        return ds.read(1)


def counts(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """tp, fp, fn, tn over pixels with a prediction."""
    ok = pred != 255
    p, t = pred[ok] == 1, truth[ok]
    return np.array([(p & t).sum(), (p & ~t).sum(), (~p & t).sum(), (~p & ~t).sum()], dtype=np.int64)


def scores(c: np.ndarray) -> dict:
    """precision, recall, F1, IoU of the change class."""
    tp, fp, fn, _ = (float(x) for x in c)
    return {"P": tp / max(tp + fp, 1), "R": tp / max(tp + fn, 1), "F1": 2 * tp / max(2 * tp + fp + fn, 1), "IoU": tp / max(tp + fp + fn, 1)}


def fmt(s: dict) -> str:
    return "  ".join(f"{k}={v:.3f}" for k, v in s.items())


class Tally:
    """Confusion counts of one method over items: pooled, and over the items the network never saw."""

    def __init__(self, method: str, held: set, width: int) -> None:
        self.method, self.held, self.width = method, held, width
        self.total = np.zeros(4, dtype=np.int64)
        self.total_held = np.zeros(4, dtype=np.int64)
        self.items: dict[str, dict] = {}

    def add(self, item: str, label: str, k: np.ndarray) -> None:
        """Count one city/tile and print its row (flagged when the network trained on it)."""
        self.total += k
        self.items[item] = scores(k)
        if item in self.held:
            self.total_held += k
        seen = ""
        if self.held and item not in self.held and self.method in ("network", "auto"):
            seen = " (network validated on it)" if item.split(".")[0] in network_validation() else " (network trained on it)"
        print(f"  {self.method:8s} {label:{self.width}s} {fmt(scores(k))}{seen}")

    def finish(self, out: dict, suffix: str = "") -> None:
        """Print and store the pooled (and held-out) scores."""
        out[self.method] = scores(self.total)
        print(f"  {self.method:8s} {'POOLED':{self.width}s} {fmt(out[self.method])}{suffix}")
        if self.held:
            out[self.method + "_held_out"] = scores(self.total_held)
            print(f"  {self.method:8s} {'HELD-OUT':{self.width}s} {fmt(out[self.method + '_held_out'])}")


def labelled_cities(root: str) -> list[str]:
    """City folders with both dates and a change label (<city>_t1/_t2/_cm.tif); others are named and skipped."""
    out = []
    for d in sorted(d for d in glob.glob(os.path.join(root, "*")) if os.path.isdir(d)):
        c = os.path.basename(d)
        if all(os.path.isfile(os.path.join(d, f"{c}_{k}.tif")) for k in ("t1", "t2", "cm")):
            out.append(d)
        else:
            print(f"  [skip] OSCD {c}: needs {c}_t1.tif, {c}_t2.tif and {c}_cm.tif")
    return out


def eval_oscd(methods: list[str], tmp: str) -> dict:
    """Per-city and pooled scores on OSCD."""
    root = os.path.join(SHARED, "oscd")
    cities = labelled_cities(root)
    if not cities:
        print(f"OSCD: skipped ({root} not found)")
        return {}
    print(f"== OSCD ({len(cities)} cities, change class)")
    pooled: dict = {}
    held, _ = network_held_out([os.path.basename(d) for d in cities])
    if held:
        print(f"  (the network was trained on the other cities; HELD-OUT = {', '.join(sorted(held))}, compare methods there)")
    per_city = tally_cities(methods, cities, held, {}, tmp, pooled)
    chart_oscd(per_city, held)
    return pooled


def tally_cities(methods: list[str], cities: list[str], held: set, afters: dict, tmp: str, pooled: dict,
                 befores: Optional[dict] = None) -> dict:
    """Run each method on every city (BEFORE / AFTER from ``befores`` / ``afters`` by city name, else its own dates), print
    the rows and store the pooled scores in ``pooled``; returns the tallies of the methods that ran."""
    tallies = {}
    for m in methods:
        tally = Tally(m, held, 12)
        t0 = time.time()
        try:
            for d in cities:
                c = os.path.basename(d)
                truth = rasterio.open(os.path.join(d, f"{c}_cm.tif")).read(1) == 1
                after = afters.get(c, os.path.join(d, f"{c}_t2.tif"))
                before = (befores or {}).get(c, os.path.join(d, f"{c}_t1.tif"))
                tally.add(c, c, counts(run(before, after, m, tmp), truth))
        except TerraPromptError as exc:
            print(f"  {m:8s} not available: {exc}")
            continue
        tally.finish(pooled, f"   ({time.time() - t0:.0f} s)")
        tallies[m] = tally
    return tallies


def chart_oscd(tallies: dict, held: set) -> None:
    """F1 per city and method, then pooled over all cities and over the held-out ones (out/eval_change/oscd_f1.png)."""
    if not tallies:
        return
    rows: dict[str, dict[str, float]] = {}
    for m, t in tallies.items():
        for city, s in t.items.items():
            rows.setdefault(city + (" *" if city in held else ""), {})[m] = s["F1"]
        rows.setdefault("POOLED", {})[m] = scores(t.total)["F1"]
        if held:
            rows.setdefault("HELD-OUT *", {})[m] = scores(t.total_held)["F1"]
    grouped_bars(rows, os.path.join(OUT, "oscd_f1.png"), "OSCD change F1 per city (* = never seen by the network)",
                 "F1 of the change class", target=TARGET_F1, highlight=tuple(r for r in rows if r.endswith("*")))


PROMPTS = ("any change", "new buildings", "urban expansion", "vegetation to built-up")
"""'vegetation to built-up' is a free from → to prompt (land covers, not a catalogue phrase)."""


def eval_oscd_prompts(tmp: str) -> dict:
    """Prompted change on the OSCD cities the network never trained on: OSCD labels urban change, so 'new buildings'
    should keep most of it, 'urban expansion' (growth into non-built land only) and 'vegetation to built-up' less."""
    root = os.path.join(SHARED, "oscd")
    held, _ = network_held_out([os.path.basename(d) for d in labelled_cities(root)])
    unseen = sorted(c for c in held | network_validation() if os.path.isfile(os.path.join(root, c, f"{c}_cm.tif")))
    if not unseen:
        print(f"OSCD prompts: skipped ({root} not found)")
        return {}
    print(f"== OSCD prompted change, method network, cities not trained on ({', '.join(unseen)}; labels = urban change)")
    pooled = {}
    for prompt in PROMPTS:
        tally = Tally(prompt, set(held), 22)
        for c in unseen:
            d = os.path.join(root, c)
            truth = rasterio.open(os.path.join(d, f"{c}_cm.tif")).read(1) == 1
            pred = run(os.path.join(d, f"{c}_t1.tif"), os.path.join(d, f"{c}_t2.tif"), "network", tmp, prompt)
            tally.add(c, c, counts(pred, truth))
        tally.finish(pooled, "")
    return pooled


def landsat_copy(s2_path: str, out: str) -> str:
    """A Sentinel-2 date as a Landsat 8 Collection 2 L2 file would hold it: SR_B1 ... SR_B7 (coastal, blue, green, red,
    NIR, SWIR1, SWIR2 from B01, B02, B03, B04, B8A, B11, B12), 30 m pixels (area mean) in UTM, DN = (reflectance + 0.2)
    / 0.0000275, 0 nodata."""
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    with rasterio.open(s2_path) as s:
        lon, lat = (s.bounds.left + s.bounds.right) / 2, (s.bounds.bottom + s.bounds.top) / 2
        utm = f"EPSG:{(32600 if lat >= 0 else 32700) + int((lon + 180) // 6) + 1}"
        tr, w, h = calculate_default_transform(s.crs, utm, s.width, s.height, *s.bounds, resolution=30)
        refl = np.zeros((7, h, w), np.float32)
        for k, b in enumerate((1, 2, 3, 4, 9, 12, 13)):
            reproject(s.read(b).astype(np.float32) / 10000, refl[k], src_transform=s.transform, src_crs=s.crs,
                      dst_transform=tr, dst_crs=utm, resampling=Resampling.average)
    dn = np.clip((refl + 0.2) / 0.0000275, 1, 65535).astype(np.uint16)
    with rasterio.open(out, "w", driver="GTiff", width=w, height=h, count=7, dtype="uint16", crs=utm, transform=tr,
                       nodata=0) as dst:
        dst.write(dn)
        dst.descriptions = tuple(f"SR_B{k}" for k in range(1, 8))
    return out


def eval_oscd_copies(methods: list[str], tmp: str, title: str, before: Optional[tuple] = None,
                     after: Optional[tuple] = None) -> dict:
    """OSCD with the first and/or second date replaced by copies, each given as (make(path, out), file name pattern with
    {c} for the city): the same cities, labels and tallies as the OSCD set."""
    root = os.path.join(SHARED, "oscd")
    cities = labelled_cities(root)
    if not cities:
        print(f"OSCD, {title}: skipped ({root} not found)")
        return {}
    print(f"== OSCD, {title} ({len(cities)} cities)")
    held, _ = network_held_out([os.path.basename(d) for d in cities])
    names = [os.path.basename(d) for d in cities]
    copies = [{c: make(os.path.join(root, c, f"{c}_{t}.tif"), os.path.join(tmp, pattern.format(c=c))) for c in names}
              if make else {} for (make, pattern), t in ((before or (None, ""), "t1"), (after or (None, ""), "t2"))]
    pooled: dict = {}
    tally_cities(methods, cities, held, copies[1], tmp, pooled, copies[0])
    return pooled


def eval_oscd_landsat(methods: list[str], tmp: str) -> dict:
    """OSCD with each city's second date as a 30 m Landsat 8 file (Sentinel-2 then Landsat: other sensor, bands, grid)."""
    return eval_oscd_copies(methods, tmp, "AFTER as a 30 m Landsat 8 Collection 2 file made from its Sentinel-2 date",
                            after=(landsat_copy, "LC08_L2SP_{c}.tif"))


def rgbn_copy(s2_path: str, out: str) -> str:
    """A Sentinel-2 date as a 4-band 10 m blue, green, red, NIR stack (B02, B03, B04, B08), as many S2 downloads are."""
    with rasterio.open(s2_path) as s:
        prof, data = s.profile, s.read([2, 3, 4, 8])
    prof.update(count=4)
    with rasterio.open(out, "w", **prof) as dst:
        dst.write(data)
        dst.descriptions = ("B2", "B3", "B4", "B8")
    return out


def eval_oscd_rgbn(methods: list[str], tmp: str) -> dict:
    """OSCD with both dates as 4-band RGBN stacks (the evidence for METHOD=auto on 10 m RGBN pairs)."""
    return eval_oscd_copies(methods, tmp, "both dates as 10 m RGBN stacks (B2, B3, B4, B8)",
                            before=(rgbn_copy, "{c}_rgbn_t1.tif"), after=(rgbn_copy, "{c}_rgbn_t2.tif"))


def eval_taizhou(methods: list[str], tmp: str) -> dict:
    """OA and kappa on Taizhou's labelled reference pixels."""
    root = os.path.join(SHARED, "landsat_taizhou")
    b, a, r = (os.path.join(root, f) for f in ("taizhou_2000-03-17.tif", "taizhou_2003-02-06.tif", "taizhou_reference.tif"))
    if not all(os.path.exists(p) for p in (b, a, r)):
        print(f"Taizhou: skipped ({root} not found)")
        return {}
    print("== Landsat Taizhou (labelled reference pixels only)")
    ref = rasterio.open(r).read(1)
    lab = ref > 0
    out = {}
    for m in methods:
        try:
            pred = run(b, a, m, tmp)
        except TerraPromptError as exc:
            print(f"  {m:8s} not available: {exc}")
            continue
        y, p = ref[lab] == 2, pred[lab] == 1
        oa = float((y == p).mean())
        pe = float(y.mean() * p.mean() + (1 - y.mean()) * (1 - p.mean()))
        kappa = (oa - pe) / (1 - pe)
        out[m] = {"OA": oa, "kappa": kappa}
        print(f"  {m:8s} OA={oa:.4f}  kappa={kappa:.4f}  (F1 {fmt(scores(counts(pred[lab], y)))})")
    return out


def georeferenced_copy(src: str, dst: str) -> str:
    """A copy of an ungeoreferenced tile on a nominal grid (EPSG:32650, 2 m pixels, origin 500000/4000000)."""
    with rasterio.open(src) as ds:
        data = ds.read()
        prof = dict(driver="GTiff", width=ds.width, height=ds.height, count=ds.count, dtype=data.dtype,
                    crs="EPSG:32650", transform=from_origin(500000, 4000000, 2.0, 2.0))
    with rasterio.open(dst, "w", **prof) as out:
        out.write(data)
        for i, d in enumerate(("red", "green", "blue")[: ds.count], start=1):
            out.set_band_description(i, d)
    return dst


def eval_dsifn(methods: list[str], tmp: str) -> dict:
    """Per-tile and pooled F1 on the DSIFN samples (nominal grid, see the module docstring)."""
    root = os.path.join(SHARED, "dsifn_samples")
    tiles = sorted(glob.glob(os.path.join(root, "t1", "*.tif")))
    if not tiles:
        print(f"DSIFN: skipped ({root} not found)")
        return {}
    print(f"== DSIFN samples ({len(tiles)} RGB tiles; no georeferencing: nominal 2 m grid assigned to temporary copies)")
    out = {}
    _, held = network_held_out(tiles=[os.path.splitext(os.path.basename(t))[0] for t in tiles])
    for m in methods:
        tally = Tally(m, held, 10)
        try:
            for t1 in tiles:
                name = os.path.basename(t1)
                b = georeferenced_copy(t1, os.path.join(tmp, "t1_" + name))
                a = georeferenced_copy(os.path.join(root, "t2", name), os.path.join(tmp, "t2_" + name))
                truth = rasterio.open(os.path.join(root, "mask", name)).read(1) == 1
                tally.add(os.path.splitext(name)[0], name, counts(run(b, a, m, tmp), truth))
        except TerraPromptError as exc:
            print(f"  {m:8s} not available: {exc}")
            continue
        tally.finish(out)
    return out


SCAN_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def vhr_building_pair(tmp: str) -> Optional[tuple[str, str, np.ndarray, np.ndarray]]:
    """A synthetic 0.5 m RGB pair from the held-out Rio tile (never trained on by the building head or the change
    network): BEFORE with half its buildings erased (seeded choice; filled from the nearest ground, smoothed), AFTER with
    a 20 x 40 m lawn paved grey. Returns (before, after, new buildings, paved) or None without the data."""
    from scipy import ndimage

    d = os.path.join(SHARED, "buildings")
    img_p, inst_p = os.path.join(d, "rio_img52_image.tif"), os.path.join(d, "rio_img52_instances.tif")
    if not (os.path.isfile(img_p) and os.path.isfile(inst_p)):
        return None
    with rasterio.open(img_p) as ds:
        img, prof = ds.read().astype(np.float32), ds.profile
    inst = rasterio.open(inst_p).read(1)
    ids = [int(i) for i in np.unique(inst) if i > 0]
    new = np.isin(inst, sorted(np.random.default_rng(3).choice(ids, size=len(ids) // 2, replace=False).tolist()))
    hole = ndimage.binary_dilation(new, iterations=2)
    near = ndimage.distance_transform_edt(hole, return_distances=False, return_indices=True)
    before, after = img.copy(), img.copy()
    for b in range(3):
        before[b][hole] = ndimage.uniform_filter(img[b][tuple(near)], 7)[hole]
    paved = np.zeros(inst.shape, bool)
    paved[330:370, 250:330] = True
    after[:, paved] = np.array([150.0, 150.0, 145.0])[:, None] + np.random.default_rng(4).normal(0, 4, (3, int(paved.sum())))
    paths = []
    for name, arr in (("before", before), ("after", after)):
        p = os.path.join(tmp, f"rio52_{name}.tif")
        with rasterio.open(p, "w", **prof) as dst:
            dst.write(np.clip(arr, 0, 255).astype(prof["dtype"]))
        paths.append(p)
    return paths[0], paths[1], new, paved


def eval_vhr_buildings(methods: list[str], tmp: str) -> dict:
    """'new buildings' against 'any change' on the synthetic 0.5 m pair (vhr_building_pair): F1 against the erased
    buildings, and the share of the paved lawn kept (a change that is no building)."""
    pair = vhr_building_pair(tmp)
    if pair is None:
        print("VHR new buildings: skipped (../shared/data/buildings/rio_img52 not found)")
        return {}
    before, after, new, paved = pair
    print(f"== VHR new buildings, synthetic pair from the held-out Rio tile ({int(new.sum())} px of new buildings, "
          f"{int(paved.sum())} px of paved lawn)")
    out, masks = {}, {}
    for method in [m for m in methods if m in ("network", "cva")]:
        for prompt in ("any change", "new buildings"):
            pred = run(before, after, method, tmp, prompt)
            s = scores(counts(pred, new))
            out[(method, prompt)], masks[(method, prompt)] = s, pred == 1
            print(f"  {method:8s} {prompt:14s} {fmt(s)}  paved lawn kept {np.mean(pred[paved] == 1):.0%}")
    if ("cva", "new buildings") in masks:
        path = os.path.join(ROOT, "out", "eval_change", "vhr_new_buildings.png")
        draw_vhr(before, after, new, masks[("cva", "any change")], masks[("cva", "new buildings")], path)
        print(f"  figure: {os.path.relpath(path, ROOT)}")
    return out


def draw_vhr(before: str, after: str, truth: np.ndarray, anything: np.ndarray, new: np.ndarray, path: str) -> None:
    """Before | after | CVA 'any change' | CVA 'new buildings', each result filled over AFTER, the erased buildings outlined."""
    from PIL import Image, ImageDraw
    from scipy import ndimage

    imgs = [np.moveaxis(rasterio.open(p).read(), 0, -1).astype(np.uint8) for p in (before, after)]
    edge = truth & ~ndimage.binary_erosion(truth)

    def over(mask: np.ndarray, colour) -> np.ndarray:
        a = imgs[1].astype(np.float32)
        a[mask] = 0.45 * a[mask] + 0.55 * np.array(colour, np.float32)
        a[edge] = (255, 255, 0)
        return a.astype(np.uint8)

    panels = [imgs[0], imgs[1], over(anything, (230, 60, 40)), over(new, (230, 60, 40))]
    h, w = truth.shape
    canvas = Image.new("RGB", (4 * w + 30, h + 22), "white")
    draw = ImageDraw.Draw(canvas)
    for k, (p, title) in enumerate(zip(panels, ("BEFORE (half the roofs erased)", "AFTER (+ a paved lawn)",
                                                  "CVA: any change", "CVA: new buildings"))):
        canvas.paste(Image.fromarray(p), (k * (w + 10), 22))
        draw.text((k * (w + 10) + 4, 5), title, fill="black")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    canvas.save(path)


def eval_oscd_thresholds(tmp: str) -> dict:
    """The network's precision, recall and F1 per probability threshold, pooled over the validation cities and over the
    held-out ones: the operating points the Change tab's threshold slider moves between (models/change_net.json)."""
    root = os.path.join(SHARED, "oscd")
    cities = {os.path.basename(d): d for d in labelled_cities(root)} if os.path.isdir(root) else {}
    groups = {"validation": sorted(network_validation() & cities.keys()),
              "held-out": sorted(network_held_out(list(cities))[0])}
    if not any(groups.values()):
        print("OSCD threshold scan: skipped (no validation or held-out city in ../shared/data/oscd)")
        return {}
    print("== OSCD, network threshold scan (pooled per group; 0.5 is the calibrated operating point)")
    out = {}
    for group, names in groups.items():
        k = np.zeros((len(SCAN_THRESHOLDS), 4), np.int64)
        for c in names:
            prob = os.path.join(tmp, f"scan_{c}.tif")
            detect_change(ChangeRequest(os.path.join(cities[c], f"{c}_t1.tif"), os.path.join(cities[c], f"{c}_t2.tif"),
                                        output_probability=prob, method="network"))
            with rasterio.open(prob) as ds, rasterio.open(os.path.join(cities[c], f"{c}_cm.tif")) as lab:
                p, truth = ds.read(1), lab.read(1) == 1
            for i, th in enumerate(SCAN_THRESHOLDS):
                k[i] += counts(threshold_change(p, th), truth)
        out[group] = {f"{th:.1f}": {m: round(v, 3) for m, v in scores(k[i]).items()} for i, th in enumerate(SCAN_THRESHOLDS)}
        print(f"  {group} ({', '.join(names)}): " + " | ".join(
            f"{th}: P {r['P']:.2f} R {r['R']:.2f} F1 {r['F1']:.3f}" for th, r in out[group].items()))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--methods", default=",".join(METHODS), help="comma-separated methods (default: %(default)s)")
    ap.add_argument("--sets", default="oscd,oscd_thresholds,oscd_prompts,oscd_rgbn,oscd_landsat,taizhou,dsifn,vhr_buildings",
                    help="comma-separated data sets (default: %(default)s)")
    args = ap.parse_args(argv)
    methods = [m for m in args.methods.split(",") if m]
    sets = set(args.sets.split(","))
    with tempfile.TemporaryDirectory(prefix="eval-change-") as tmp:
        if "oscd" in sets:
            eval_oscd(methods, tmp)
        if "oscd_thresholds" in sets and "network" in methods:
            eval_oscd_thresholds(tmp)
        if "oscd_prompts" in sets and "network" in methods:
            eval_oscd_prompts(tmp)
        if "oscd_rgbn" in sets:
            eval_oscd_rgbn(methods, tmp)
        if "oscd_landsat" in sets:
            eval_oscd_landsat(methods, tmp)
        if "taizhou" in sets:
            eval_taizhou([m for m in methods], tmp)
        if "vhr_buildings" in sets:
            eval_vhr_buildings(methods, tmp)
        if "dsifn" in sets:
            eval_dsifn([m for m in methods if m != "irmad"] + (["irmad"] if "irmad" in methods else []), tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
