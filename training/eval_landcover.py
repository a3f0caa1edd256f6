"""Land-cover accuracy on ../shared/data: `python -m training.eval_landcover` (or `make eval-landcover`).

Prints, for every engine that can run (spectral always; network when bundled):
* sen1floods11 (every hand-labelled chip <name>_S2Hand/_S1Hand/_LabelHand.tif in the folder; shared: the top half of
  Spain_7370579): water IoU from Sentinel-2 13 bands, Sentinel-1 VV/VH alone,
  S2 + S1 fused (SAR_INPUT, same grid), and RGB only (B4, B3, B2 of the same scene, as DN and as 0-1 reflectance), end to end through
  extract_landcover (files in, class raster out).
* hls_water_chips: pooled water IoU (ΣTP / Σ(TP+FP+FN)), 7 bands vs RGB only, over all shared chips (no chip was
  used to set a spectral rule) and over the network's held-out location groups; vegetation IoU against ESA
  WorldCover (tree/shrub/grass/moss = vegetation, built-up/bare/snow/water = not; crop and wetland ignored). The
  README warns that the water masks are noisy (flood extents of another date), so the ceiling is low. Forest,
  grassland, cropland, built-up and bare soil of the spectral engine against WorldCover, with the land-cover pixel
  classifier and with the index rules alone, on the chips the classifier never trained on and on all
  (out/eval_landcover_worldcover.png).
* landsat8 (Landsat-7 ETM+ crop, 30 hand-digitised polygons): per-polygon accuracy (majority class) and pixel
  accuracy per class for water / forest / herbaceous / urban / barren.
* cloud_chips: Cohen's kappa (clear / cloud / shadow) of TerraPrompt's cloud and cloud-shadow concepts against the
  reference masks, next to the ukis-csmask package's own output (its test suite asks kappa >= 0.75).
Anything absent from ../shared/data is skipped with a message. Nothing here is tuned per scene.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Optional

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TERRAPROMPT_SHARED", ROOT.parent / "shared" / "data"))
sys.path.insert(0, str(ROOT / ".qgis" / "plugins"))
warnings.filterwarnings("ignore")
os.environ.setdefault("PROJ_DATA", "/usr/share/proj")

import rasterio  # noqa: E402

from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover  # noqa: E402
from terraprompt.plugin.core.landcover.spectral import Context, SpectralEngine  # noqa: E402
from terraprompt.plugin.core.stack import BandSet  # noqa: E402

HLS_ROLES = ["coastal", "blue", "green", "red", "nir", "swir1", "swir2"]


def _read(path, bands=None) -> np.ndarray:
    with rasterio.open(path) as src:
        return src.read(bands)


def iou(pred: np.ndarray, truth: np.ndarray, valid: np.ndarray) -> tuple[int, int, int]:
    """(TP, FP, FN) over valid pixels."""
    p, t = pred & valid, truth & valid
    return int((p & t).sum()), int((p & ~t).sum()), int((~p & t).sum())


def _ratio(c) -> float:
    tp, fp, fn = c
    return tp / max(tp + fp + fn, 1)


def network_ok(concepts, roles) -> tuple[bool, str]:
    """Whether the bundled network engine can run (another module; absent in some installs)."""
    try:
        from terraprompt.plugin.core.landcover.network import network_available

        return network_available(concepts, roles)
    except Exception as exc:  # no network module or model yet
        return False, f"network engine unavailable ({type(exc).__name__}: {exc})"


def engine_scores(engine: str, concepts: list[str], bands: dict, valid: np.ndarray, ctx: Context) -> np.ndarray:
    """(K, h, w) probabilities of an engine fitted on (and applied to) one scene of arrays."""
    if engine == "network":
        from terraprompt.plugin.core.landcover.network import NetworkEngine

        eng = NetworkEngine(concepts, set(bands), "cpu")
    else:
        eng = SpectralEngine(concepts, set(bands), ctx)
    bs = BandSet(bands, valid)
    eng.fit(bs)
    return eng.scores(bs)


def rgb_like_file(refl: dict) -> dict:
    """RGB bands scaled as TerraPrompt scales an uncalibrated RGB raster (by the sampled 98th percentile)."""
    rgb = {r: refl[r] for r in ("red", "green", "blue")}
    top = max(float(np.nanpercentile(v, 98)) for v in rgb.values()) or 1.0
    return {r: (v / top).astype(np.float32) for r, v in rgb.items()}


# ------------------------------------------------------------------------------------------------ sen1floods11

SEN1FLOODS11_KNOWN = "Spain_7370579_top"
"""The shared chip (top half); its network split and README baselines are printed with it."""


def sen1floods11_chips() -> list[tuple[str, Path, Path, Path]]:
    """(name, S2, S1, label) of every Sen1Floods11 chip in the folder (<name>_S2Hand/_S1Hand/_LabelHand.tif)."""
    d = SHARED / "sen1floods11"
    out = []
    for s2p in sorted(d.glob("*_S2Hand.tif")) if d.exists() else []:
        name = s2p.name[: -len("_S2Hand.tif")]
        s1p, lp = d / f"{name}_S1Hand.tif", d / f"{name}_LabelHand.tif"
        if s1p.exists() and lp.exists():
            out.append((name, s2p, s1p, lp))
    return out


def eval_sen1floods11(engines: list[str]) -> None:
    chips = sen1floods11_chips()
    if not chips:
        print("sen1floods11: skipped (not in ../shared/data)")
        return
    unseen: dict[tuple[str, str], np.ndarray] = {}
    for name, s2p, s1p, lp in chips:
        eval_sen1floods11_chip(engines, name, s2p, s1p, lp, unseen)
    if unseen:  # the shared chip's right half and every chip dropped in beside it (whole)
        print(f"sen1floods11 pooled over the pixels the network never trained on ({len(chips)} chip(s): the shared chip's "
              "right half, other chips whole), water IoU:")
        for (engine, case), c in unseen.items():
            print(f"  [{engine}] {case:28s} IoU {_ratio(c):.4f}")


def eval_sen1floods11_chip(engines: list[str], chip: str, s2p: Path, s1p: Path, lp: Path,
                           unseen: Optional[dict] = None) -> None:
    """Water IoU of every input combination on one chip (label -1 = unlabelled); counts over the pixels the network never
    trained on are added to ``unseen`` per (engine, input)."""
    lab = _read(lp)[0]
    valid, truth = lab >= 0, lab == 1
    held = valid.copy()
    if chip == SEN1FLOODS11_KNOWN:
        held[:, :FUSION_PARTS[1][1][0]] = False  # its left half is training data
    print(f"sen1floods11 {chip} ({valid.sum()} labelled px, {truth[valid].mean():.1%} water), water IoU:")
    with tempfile.TemporaryDirectory() as tmp:
        with rasterio.open(s2p) as src:
            prof = src.profile
            rgb = src.read([4, 3, 2])
        prof.update(count=3)
        rgbp = os.path.join(tmp, "rgb.tif")
        with rasterio.open(rgbp, "w", **prof) as dst:
            dst.write(rgb)
            for i, n in enumerate(("red", "green", "blue"), 1):
                dst.set_band_description(i, n)
        rgbf = os.path.join(tmp, "rgb_refl.tif")
        with rasterio.open(rgbf, "w", **(prof | {"dtype": "float32", "nodata": None})) as dst:
            dst.write((rgb / 10000.0).astype(np.float32))
            for i, n in enumerate(("red", "green", "blue"), 1):
                dst.set_band_description(i, n)
        cases = [("S2 13 bands", str(s2p), None, "auto"), ("S1 VV+VH alone", str(s1p), None, "sar"),
                 ("S2 + S1 fused (SAR_INPUT)", str(s2p), str(s1p), "auto"), ("RGB only (B4,B3,B2 DN)", rgbp, None, "rgb"),
                 ("RGB only (reflectance 0-1)", rgbf, None, "rgb"), ("RGB + S1 (SAR_INPUT)", rgbp, str(s1p), "rgb")]
        for engine in engines:
            for name, inp, sar, mod in cases:
                out = os.path.join(tmp, "out.tif")
                t = time.perf_counter()
                try:
                    r = extract_landcover(ExtractRequest(input=inp, prompt="water", output_raster=out, sar_input=sar,
                                                         modality=mod, engine=engine))
                except Exception as exc:
                    print(f"  [{engine}] {name:28s} not run: {exc}")
                    continue
                cls = _read(out)[0]
                print(f"  [{engine}] {name:28s} IoU {_ratio(iou(cls == 1, truth, valid)):.4f}   ({time.perf_counter() - t:.1f} s, engine {r.engine})")
                if unseen is not None:
                    key = (engine, name)
                    unseen[key] = unseen.get(key, np.zeros(3, np.int64)) + np.array(iou(cls == 1, truth, held))
    if chip == SEN1FLOODS11_KNOWN:
        print("  reference (data README): MNDWI+Otsu 0.794, VV+Otsu 0.626 on this half; 0.719 / 0.567 on the whole chip")
    eval_sen1floods11_fusion(engines, s2p, s1p, lab, chip == SEN1FLOODS11_KNOWN)


def _crop(path, window, out: str, blank=None) -> str:
    """Write a window of a raster to ``out`` (optionally with columns ``blank`` = (c0, c1) set to the nodata value 0)."""
    from rasterio.windows import Window

    with rasterio.open(path) as src:
        prof = src.profile.copy()
        data = src.read(window=Window(*window))
        descr = src.descriptions
        prof.update(width=window[2], height=window[3], transform=src.window_transform(Window(*window)))
    if blank is not None:
        data[:, :, blank[0]: blank[1]] = 0
        prof.update(nodata=0)
    with rasterio.open(out, "w", **prof) as dst:
        dst.write(data)
        for i, d in enumerate(descr, 1):
            if d:
                dst.set_band_description(i, d)
    return out


FUSION_PARTS = (("left half (design)", (0, 0, 256, 256)), ("right half (held out)", (256, 0, 256, 256)))
"""Column halves of the shared chip: the fusion rule was designed looking at the left half only (the network trains on it too)."""


def fusion_parts(shape: tuple[int, int], known: bool) -> tuple:
    """The two column halves of a chip, named by their role for the shared chip."""
    h, w = shape
    if known and (h, w) == (256, 512):
        return FUSION_PARTS
    return (("left half", (0, 0, w // 2, h)), ("right half", (w // 2, 0, w - w // 2, h)))


def eval_sen1floods11_fusion(engines: list[str], s2p, s1p, lab: np.ndarray, known: bool = True) -> None:
    """Fused S2+S1 water vs each alone per half (thresholds fitted per half) and pooled; then S2 with a nodata third."""
    print("  fusion per part (each part a scene of its own; pooled = ΣTP/Σ(TP+FP+FN) over both halves"
          + ("; the fusion rule was designed on the left half, which is also the network's training half):" if known
             else "; neither half was used for design or training):"))
    engines = [*engines, "auto"]  # what ENGINE=auto gives for each input (it may pick other engines with and without SAR)
    with tempfile.TemporaryDirectory() as tmp:
        for engine in engines:
            pooled = {k: np.zeros(3, np.int64) for k in ("S2", "S1", "S2+S1")}
            for part, win in fusion_parts(lab.shape, known):
                c0, r0, w, h = win
                l = lab[r0:r0 + h, c0:c0 + w]
                s2c, s1c = _crop(s2p, win, os.path.join(tmp, "s2.tif")), _crop(s1p, win, os.path.join(tmp, "s1.tif"))
                row = []
                for name, inp, sar, mod in (("S2", s2c, None, "auto"), ("S1", s1c, None, "sar"), ("S2+S1", s2c, s1c, "auto")):
                    c = _landcover_water(engine, inp, sar, mod, tmp)
                    if c is None:
                        row.append(f"{name} not run")
                        continue
                    counts = np.array(iou(c, l == 1, l >= 0))
                    pooled[name] += counts
                    row.append(f"{name} {_ratio(counts):.3f}")
                print(f"  [{engine}] {part:22s} " + " | ".join(row))
            print(f"  [{engine}] {'pooled (both halves)':22s} " + " | ".join(f"{k} {_ratio(v):.3f}" for k, v in pooled.items()))
        # S2 nodata (as under a missing swath or a masked cloud) over the middle third: SAR must decide there
        third = (lab.shape[1] // 3, 2 * lab.shape[1] // 3)
        s2n = _crop(s2p, (0, 0, lab.shape[1], lab.shape[0]), os.path.join(tmp, "s2_blank.tif"), blank=third)
        for engine in engines:
            print(f"  [{engine}] S2 nodata in columns {third[0]}-{third[1] - 1}: "
                  + _with_and_without_sar(engine, "S2 (a third nodata)", s2n, str(s1p), lab, tmp))
        # a painted cloud (bright, white, textured) over rows 40-199, columns 250-449 (scaled on other chip sizes): the cloud network finds it
        cloudy = _paint_cloud(s2p, os.path.join(tmp, "s2_cloud.tif"))
        for engine in engines:
            print(f"  [{engine}] S2 under a painted cloud: "
                  + _with_and_without_sar(engine, "S2 (painted cloud)", cloudy, str(s1p), lab, tmp))


def _with_and_without_sar(engine: str, name: str, s2: str, s1: str, lab: np.ndarray, tmp: str) -> str:
    """Water IoU of a stressed S2 input alone and with S1, as one printed row."""
    row = []
    for label, sar in ((name, None), (f"{name} + S1", s1)):
        c = _landcover_water(engine, s2, sar, "auto", tmp)
        row.append(f"{label} " + ("not run" if c is None else f"{_ratio(iou(c, lab == 1, lab >= 0)):.3f}"))
    return " | ".join(row)


def _paint_cloud(s2p, out: str) -> str:
    """The S2 chip with a synthetic textured cloud (as in tests/core/landcover/test_spectral.py)."""
    from scipy import ndimage

    with rasterio.open(s2p) as src:
        data, prof, desc = src.read(), src.profile, src.descriptions
    h, w = data.shape[1:]  # rows 40-199, columns 250-449 of the shared 256 x 512 chip, scaled to other chip sizes
    r0, r1, c0, c1 = h * 40 // 256, h * 200 // 256, w * 250 // 512, w * 450 // 512
    tex = ndimage.gaussian_filter(np.random.default_rng(0).normal(0, 1, (r1 - r0, c1 - c0)), 6)
    tex = 1 + 0.15 * tex / tex.std()
    for band, refl in ((0, .55), (1, .55), (2, .52), (3, .5), (4, .5), (5, .5), (6, .5), (7, .5), (8, .5), (9, .2),
                       (10, .05), (11, .35), (12, .25)):
        data[band, r0:r1, c0:c1] = (refl * tex * 10000).astype(data.dtype)
    with rasterio.open(out, "w", **prof) as dst:
        dst.write(data)
        dst.descriptions = desc
    return out


def _landcover_water(engine: str, inp: str, sar, modality: str, tmp: str):
    """The water mask of one extract_landcover run, or None when the engine cannot run."""
    out = os.path.join(tmp, "fused_out.tif")
    try:
        extract_landcover(ExtractRequest(input=inp, prompt="water", output_raster=out, sar_input=sar, modality=modality,
                                         engine=engine))
    except Exception:
        return None
    return _read(out)[0] == 1


# ------------------------------------------------------------------------------------------------ HLS chips

def hls_test_ids(ids: list[str]) -> set[str]:
    """The HLS chips the network never trained on (training/landcover_net/prepare.py: all but its fixed training list)."""
    try:
        from training.landcover_net.prepare import hls_test_ids as training_split
    except Exception as exc:  # run as a file, not with -m: the training package is not importable
        print(f"  (no held-out split: training.landcover_net.prepare cannot be imported ({exc}); run "
              "'python -m training.eval_landcover' or 'make eval-landcover')")
        return set()
    return training_split(ids)


def hls_chip(d: Path, chip: str) -> tuple[dict, np.ndarray, np.ndarray]:
    """One HLS chip: reflectance per role, valid pixels (QA not fill) and its ESA WorldCover classes."""
    img = _read(d / "images" / f"{chip}_hls.tif").astype(np.float32)
    refl = {r: img[k] / 10000.0 for k, r in enumerate(HLS_ROLES)}
    return refl, img[7] != 255, _read(d / "aux" / f"{chip}_aux.tif", [3])[0]


def eval_hls(engines: list[str], limit: int = 0) -> None:
    d = SHARED / "hls_water_chips"
    if not d.exists():
        print("hls_water_chips: skipped (not in ../shared/data)")
        return
    ids = sorted(p.name.split("_")[0] for p in (d / "images").glob("*_hls.tif"))
    if limit:
        ids = ids[:limit]
    test = hls_test_ids(ids)
    ctx = Context(pixel_m=30.0, cloud_mask=False)
    print(f"hls_water_chips: {len(ids)} chips (held out from network training: {len(test)} chips, every chip not in "
          "training/landcover_net/hls_train_ids.json); pooled IoU, per-chip scene-adaptive thresholds")
    for engine in engines:
        acc = {k: np.zeros(3, np.int64) for k in ("w13", "wrgb", "wrefl", "w13_test", "wrgb_test", "wrefl_test", "v13", "vrgb", "vrefl")}
        t0 = time.perf_counter()
        for i in ids:
            refl, valid, wc = hls_chip(d, i)
            truth = _read(d / "labels" / f"{i}_water.tif")[0] == 1
            try:
                p13 = engine_scores(engine, ["water", "vegetation"], refl, valid, ctx)
                prgb = engine_scores(engine, ["water", "vegetation"], rgb_like_file(refl), valid, replace(ctx, reflectance=False))
                prefl = engine_scores(engine, ["water", "vegetation"], {r: refl[r] for r in ("red", "green", "blue")}, valid, ctx)
            except Exception as exc:
                print(f"  [{engine}] not run: {exc}")
                break
            for key, p in (("13", p13), ("rgb", prgb), ("refl", prefl)):
                c = np.array(iou(p[0] >= 0.5, truth, valid))
                acc["w" + key] += c
                if i in test:
                    acc["w" + key + "_test"] += c
                veg_t = np.isin(wc, (10, 20, 30, 100))
                veg_valid = valid & np.isin(wc, (10, 20, 30, 100, 50, 60, 70, 80))
                acc["v" + key] += np.array(iou(p[1] >= 0.5, veg_t, veg_valid))
        else:
            print(f"  [{engine}] water, 7 bands: all {_ratio(acc['w13']):.3f}, held-out {_ratio(acc['w13_test']):.3f} | "
                  f"RGB DN-scaled: all {_ratio(acc['wrgb']):.3f}, held-out {_ratio(acc['wrgb_test']):.3f} | "
                  f"RGB reflectance: all {_ratio(acc['wrefl']):.3f}, held-out {_ratio(acc['wrefl_test']):.3f}")
            print(f"  [{engine}] vegetation vs WorldCover, 7 bands {_ratio(acc['v13']):.3f} | RGB DN-scaled {_ratio(acc['vrgb']):.3f}"
                  f" | RGB reflectance {_ratio(acc['vrefl']):.3f}   ({time.perf_counter() - t0:.0f} s)")
    print("  reference (data README): MNDWI>0 0.601, MNDWI+Otsu 0.405, Fmask water bit 0.662 (shared chips)")


WORLDCOVER_NAMES = {10: "tree", 20: "shrub", 30: "grass", 40: "crop", 50: "built-up", 60: "bare", 70: "snow/ice",
                    80: "water", 90: "wetland", 100: "moss"}


WORLDCOVER_CONCEPTS = {"forest": (10,), "grassland": (30,), "cropland": (40,), "built_up": (50,), "bare_soil": (60,),
                       "buildings": (50,)}
"""Catalogue concepts scored against ESA WorldCover classes on the HLS chips (at 30 m 'buildings' is built-up: buildings
are not separable without height)."""


def eval_hls_worldcover(limit: int = 0) -> None:
    """Forest, grassland, cropland, built-up and bare soil of the spectral engine against ESA WorldCover on the HLS chips,
    with the land-cover classifier (its family first where the bands allow) and with the index rules alone: pooled IoU,
    precision, recall on the chips the classifier never trained on and on all, and which WorldCover classes the index
    rules' built-up pixels fall in. Each concept is scored on its own (its probability >= 0.5), as a one-concept prompt."""
    d = SHARED / "hls_water_chips"
    if not d.exists():
        print("hls_water_chips land cover: skipped (not in ../shared/data)")
        return
    ids = sorted(p.name.split("_")[0] for p in (d / "images").glob("*_hls.tif"))[: limit or None]
    test = hls_test_ids(ids)
    names = list(WORLDCOVER_CONCEPTS)
    acc = {(mode, split, c): np.zeros(3, np.int64) for mode in ("classifier", "rules") for split in ("held_out", "all")
           for c in names}
    where = np.zeros(101, np.int64)
    for i in ids:
        refl, valid, wc = hls_chip(d, i)
        for mode in ("classifier", "rules"):
            ctx = Context(pixel_m=30.0, cloud_mask=False, classifier=mode == "classifier")
            scores = engine_scores("spectral", names, refl, valid, ctx)
            for k, (name, classes) in enumerate(WORLDCOVER_CONCEPTS.items()):
                marked = (scores[k] >= 0.5) & valid
                c = np.array(iou(marked, np.isin(wc, classes), valid))
                acc[(mode, "all", name)] += c
                if i in test:
                    acc[(mode, "held_out", name)] += c
                if mode == "rules" and name == "built_up":
                    where += np.bincount(np.clip(wc[marked], 0, 100), minlength=101)
    print(f"hls_water_chips: land cover of the spectral engine (7 bands) vs ESA WorldCover, {len(ids)} chips ({len(test)} never "
          "trained on by the land-cover classifier; WorldCover is the year's land cover: a field bare on the image date is "
          "'crop' there); IoU / precision / recall")
    for split in ("held_out", "all"):
        for mode in ("classifier", "rules"):
            row = []
            for name in names:
                tp, fp, fn = acc[(mode, split, name)]
                row.append(f"{name} {_ratio(acc[(mode, split, name)]):.3f}/{tp / max(tp + fp, 1):.2f}/{tp / max(tp + fn, 1):.2f}")
            label = "with the classifier" if mode == "classifier" else "index rules only"
            print(f"  [{split}] {label:20s} " + ", ".join(row))
    share = where / max(where.sum(), 1)
    top = ", ".join(f"{WORLDCOVER_NAMES.get(v, v)} {share[v]:.0%}" for v in np.argsort(-share)[:3] if share[v] > 0)
    print(f"  built-up pixels of the index rules in WorldCover: {top}")
    eval_hls_worldcover_map(d, ids, test)
    if test:
        from training.charts import grouped_bars

        rows = {name.replace("_", "-"): {"land-cover classifier": _ratio(acc[("classifier", "held_out", name)]),
                                         "index rules": _ratio(acc[("rules", "held_out", name)])} for name in names}
        grouped_bars(rows, str(ROOT / "out" / "eval_landcover_worldcover.png"),
                     f"Land cover vs ESA WorldCover, {len(test)} held-out HLS chips", "IoU")


MAP_WORLDCOVER = {"water": 80, "forest": 10, "grassland": 30, "cropland": 40, "built_up": 50, "bare_soil": 60, "snow_ice": 70}
"""The ESA WorldCover class of each land-cover-map class (shrub, wetland, mangrove and moss pixels are not scored)."""


def eval_hls_worldcover_map(d: Path, ids: list[str], test: set[str]) -> None:
    """'land cover map' as a run classes it (extract.classify_block) against WorldCover and the chips' water labels: from
    7 bands unfilled and with its filling (a pixel under 0.5 takes its likeliest land class); from RGB and RGB+NIR
    (water and forest possible) with the index rules' water and the likeliest class, and as a run now (ENGINE=auto: the
    land-cover network's water, water first)."""
    from terraprompt.plugin.core.landcover.extract import classify_block
    from terraprompt.plugin.core.prompts import land_cover_map

    spec = land_cover_map()
    cases = {"7 bands": (tuple(HLS_ROLES), spec["concepts"]), "RGB": (("red", "green", "blue"), ["water", "forest"]),
             "RGB+NIR": (("red", "green", "blue", "nir"), ["water", "forest"])}
    # (name, filled, network water, water first, land-cover classifier); water comes first only where the network gives it
    # (extract.map_first: not with SWIR)
    modes = {"7 bands": (("unfilled", False, False, False, True), ("filled", True, True, False, True),
                         ("index rules only, unfilled", False, False, False, False),
                         ("index rules only, filled", True, True, False, False)),
             "RGB": (("index-rule water, likeliest class", False, False, False, True),
                     ("network water first", False, True, True, True)),
             "RGB+NIR": (("index-rule water, likeliest class", False, False, False, True),
                         ("network water first", False, True, True, True))}
    acc: dict = {}
    for i in ids:
        refl, valid, wc = hls_chip(d, i)
        water = _read(d / "labels" / f"{i}_water.tif")[0] == 1
        for case, (roles, names) in cases.items():
            truth = np.zeros(wc.shape, np.int64)
            for k, n in enumerate(names):
                truth[wc == MAP_WORLDCOVER[n]] = k + 1
            scored = valid & (truth > 0)
            for mode, filled, net, water_first, classifier in modes[case]:
                scores = engine_scores("spectral", names, {r: refl[r] for r in roles}, valid,
                                       Context(pixel_m=30.0, cloud_mask=False, network=net, classifier=classifier))
                fill = [k for k, n in enumerate(names) if n in spec["fill_classes"]] if filled else []
                first = [names.index(n) for n in spec["first"] if n in names] if water_first else []
                cls = classify_block(scores, len(names), valid, np.zeros_like(valid), fill, first)[0]
                c = np.concatenate([[(cls[scored] == truth[scored]).sum(), (cls[scored] == 0).sum(), scored.sum()],
                                    iou(cls == 1, water, valid), iou(cls == 2, wc == 10, valid)])
                for split in ("all", "held_out") if i in test else ("all",):
                    acc.setdefault((case, mode, split), np.zeros(9, np.int64))
                    acc[(case, mode, split)] += c
    print("  'land cover map' as a run classes it (WorldCover shrub/wetland/moss not scored; water against the chips' labels, "
          "forest against WorldCover trees):")
    for split in ("held_out", "all"):
        for case in cases:
            row = "; ".join(f"{mode}: overall accuracy {a[0] / max(a[2], 1):.3f} ({a[1] / max(a[2], 1):.1%} unclassified), "
                            f"water IoU {_ratio(a[3:6]):.3f}, forest IoU {_ratio(a[6:9]):.3f}"
                            for mode, *_ in modes[case] for a in [acc.get((case, mode, split), np.zeros(9, np.int64))])
            print(f"  [{split}] {case}: {row}")


# ------------------------------------------------------------------------------------------------ OSCD RGB vs 13

def eval_oscd_rgb_agreement(engines: list[str]) -> None:
    d = SHARED / "oscd"
    if not d.exists():
        print("oscd: skipped (not in ../shared/data)")
        return
    cities = sorted(p.name for p in d.iterdir() if p.is_dir())
    roles13 = ["coastal", "blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "watervapour", "cirrus", "swir1", "swir2"]
    ctx = Context(pixel_m=10.0, cloud_mask=False)
    print(f"oscd ({len(cities)} cities, date 1): agreement IoU of RGB-only with the 13-band result (no labels)")
    for engine in engines:
        acc = {"water": np.zeros(3, np.int64), "vegetation": np.zeros(3, np.int64)}
        for city in cities:
            img = _read(d / city / f"{city}_t1.tif").astype(np.float32) / 10000.0
            refl = {r: img[k] for k, r in enumerate(roles13)}
            valid = np.ones(img.shape[1:], bool)
            try:
                p13 = engine_scores(engine, ["water", "vegetation"], refl, valid, ctx)
                prgb = engine_scores(engine, ["water", "vegetation"], rgb_like_file(refl), valid, replace(ctx, reflectance=False))
            except Exception as exc:
                print(f"  [{engine}] not run: {exc}")
                break
            for k, c in enumerate(("water", "vegetation")):
                acc[c] += np.array(iou(prgb[k] >= 0.5, p13[k] >= 0.5, valid))
        else:
            print(f"  [{engine}] water {_ratio(acc['water']):.3f}, vegetation {_ratio(acc['vegetation']):.3f}")


UNDESCRIBED_ORDERS = {"B, G, R, NIR": [2, 3, 4, 8], "R, G, B, NIR": [4, 3, 2, 8],
                      "B, G, R, RE, NIR": [2, 3, 4, 5, 8], "B, G, R, NIR, RE": [2, 3, 4, 8, 5]}
"""Band stacks (1-based bands of the 13-band OSCD file) written without descriptions: Sentinel-2 / PlanetScope and
aerial (NAIP) 4-band orders, RapidEye and MicaSense 5-band orders (B5, 705 nm, as the red edge)."""


def eval_oscd_undescribed_files(engines: list[str]) -> None:
    """4- and 5-band files without descriptions (UNDESCRIBED_ORDERS, uint16), read by the plugin's modality detection:
    agreement with the 13-band file's result."""
    d = SHARED / "oscd"
    if not d.exists():
        print("oscd 4- and 5-band files: skipped (not in ../shared/data)")
        return
    cities = sorted(p.name for p in d.iterdir() if (p / f"{p.name}_t1.tif").exists())
    print(f"oscd ({len(cities)} cities, date 1): 4- and 5-band files without band descriptions, agreement IoU with the "
          f"13-band result")
    with tempfile.TemporaryDirectory() as tmp:
        for engine in engines:
            acc = {o: {"water": np.zeros(3, np.int64), "vegetation": np.zeros(3, np.int64)} for o in UNDESCRIBED_ORDERS}
            for city in cities:
                src = d / city / f"{city}_t1.tif"
                ref = _classes(src, engine, os.path.join(tmp, "ref.tif"))
                for k_order, (order, bands) in enumerate(UNDESCRIBED_ORDERS.items()):
                    with rasterio.open(src) as ds:
                        prof, data = ds.profile, ds.read(bands)
                    prof.update(count=len(bands), nodata=None)
                    path = os.path.join(tmp, f"order{k_order}.tif")
                    with rasterio.open(path, "w", **prof) as out:
                        out.write(data)
                    got = _classes(path, engine, os.path.join(tmp, f"order{k_order}_classes.tif"))
                    for k, c in enumerate(("water", "vegetation"), start=1):
                        acc[order][c] += np.array(iou(got == k, ref == k, ref != 255))
            print(f"  [{engine}] " + " | ".join(f"{order}: water {_ratio(a['water']):.3f}, vegetation {_ratio(a['vegetation']):.3f}"
                                               for order, a in acc.items()))


def _classes(path, engine: str, out: str) -> np.ndarray:
    """The 'water and vegetation' class raster of a file (1 water, 2 vegetation, 255 nodata)."""
    extract_landcover(ExtractRequest(input=str(path), prompt="water and vegetation", output_raster=out, engine=engine))
    with rasterio.open(out) as ds:
        return ds.read(1)


# ------------------------------------------------------------------------------------------------ landsat8 polygons

LANDSAT_CLASSES = {"water": ("water",), "forest": ("forest",), "herbaceous": ("grassland", "cropland"),
                   "urban": ("built_up",), "barren": ("bare_soil",)}


def eval_landsat(engines: list[str]) -> None:
    d = SHARED / "landsat8"
    img, polys = d / "LE70220491999322EDC01_stack.tif", d / "training_polygons.gpkg"
    if not (img.exists() and polys.exists()):
        print("landsat8: skipped (not in ../shared/data)")
        return
    import fiona
    from rasterio.features import rasterize
    from shapely.geometry import shape

    prompt = "water, forest, grassland, cropland, built-up and bare soil"
    names = ["water", "forest", "grassland", "cropland", "built_up", "bare_soil"]
    with rasterio.open(img) as src:
        transform, shp = src.transform, (src.height, src.width)
    with fiona.open(polys) as f:
        feats = [(shape(ft["geometry"]), ft["properties"]["label"]) for ft in f]
    print(f"landsat8 (Landsat-7 ETM+, {len(feats)} polygons): prompt '{prompt}'")
    for engine in engines:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.tif")
            try:
                extract_landcover(ExtractRequest(input=str(img), prompt=prompt, output_raster=out, modality="landsat457", engine=engine))
            except Exception as exc:
                print(f"  [{engine}] not run: {exc}")
                continue
            cls = _read(out)[0]
        per = {}
        for geom, label in feats:
            m = rasterize([(geom, 1)], out_shape=shp, transform=transform, all_touched=False).astype(bool)
            if not m.any():
                m = rasterize([(geom, 1)], out_shape=shp, transform=transform, all_touched=True).astype(bool)
            vals = cls[m]
            vals = vals[vals != 255]
            ok_ids = [names.index(n) + 1 for n in LANDSAT_CLASSES[label]]
            counts = np.bincount(vals, minlength=len(names) + 1)
            major = int(np.argmax(counts))
            p = per.setdefault(label, [0, 0, 0, 0])
            p[0] += 1
            p[1] += int(major in ok_ids)
            p[2] += int(np.isin(vals, ok_ids).sum())
            p[3] += int(vals.size)
        tot = np.array(list(per.values())).sum(axis=0)
        print(f"  [{engine}] " + "; ".join(f"{k} {v[1]}/{v[0]} polygons ({v[2] / max(v[3], 1):.0%} px)" for k, v in per.items())
              + f"; all {tot[1]}/{tot[0]} polygons, {tot[2] / max(tot[3], 1):.0%} px")
    px_m2 = abs(transform.a * transform.e)
    for label in sorted({lb for _, lb in feats}):
        areas = np.array([g.area for g, lb in feats if lb == label])
        if np.median(areas) < 2 * px_m2:
            print(f"  note: the {label} polygons are {areas.min():.0f}-{areas.max():.0f} m2 (median {np.median(areas) / px_m2:.1f} "
                  f"pixels of {px_m2:.0f} m2): mixed pixels, below what either engine can resolve at this pixel size")


# ------------------------------------------------------------------------------------------------ cloud chips

def kappa(a: np.ndarray, b: np.ndarray, k: int = 3) -> float:
    """Cohen's kappa of two label arrays with values 0..k-1."""
    cm = np.bincount(a.ravel() * k + b.ravel(), minlength=k * k).reshape(k, k).astype(np.float64)
    n = cm.sum()
    po = np.trace(cm) / n
    pe = (cm.sum(0) * cm.sum(1)).sum() / n ** 2
    return float((po - pe) / (1 - pe)) if pe < 1 else 1.0


def cloud_classes(bands: dict, valid: np.ndarray, ctx: Context) -> np.ndarray:
    """0 clear, 1 cloud, 2 shadow per pixel from the spectral engine's cloud rules (the cloud network, no quality band)."""
    eng = SpectralEngine(["cloud", "cloud_shadow"], set(bands), ctx)
    bs = BandSet(bands, valid)
    eng.fit(bs)
    sc = eng.scores(bs)
    best = np.argmax(sc, axis=0)
    return np.where(np.take_along_axis(sc, best[None], 0)[0] >= 0.5, best + 1, 0)


def eval_clouds() -> None:
    d = SHARED / "cloud_chips"
    chips = sorted(p.name[: -len("_image.tif")] for p in d.glob("*_image.tif")) if d.exists() else []
    if not chips:
        print("cloud_chips: skipped (not in ../shared/data)")
        return
    print("cloud_chips: Cohen's kappa (clear / cloud / shadow) against the reference masks")
    roles = ["blue", "green", "red", "nir", "swir1", "swir2"]
    for chip in chips:
        img = _read(d / f"{chip}_image.tif").astype(np.float32)
        truth = _read(d / f"{chip}_label.tif")[0].astype(np.int64)
        valid = np.isfinite(img).all(axis=0)
        ours = cloud_classes({r: img[k] for k, r in enumerate(roles)}, valid, Context(pixel_m=30.0, cloud_mask=True))
        line = f"  {chip:12s} TerraPrompt kappa {kappa(truth, ours):.3f} (cloud IoU {_ratio(iou(ours == 1, truth == 1, valid)):.3f}, shadow IoU {_ratio(iou(ours == 2, truth == 2, valid)):.3f})"
        try:
            from ukis_csmask.mask import CSmask

            pkg = CSmask(np.moveaxis(img, 0, -1), ["blue", "green", "red", "nir", "swir16", "swir22"], product_level="l1c").csm[..., 0]
            line += f" | ukis-csmask package kappa {kappa(truth, pkg.astype(np.int64)):.3f}; agreement kappa {kappa(pkg.astype(np.int64), ours):.3f}"
        except Exception as exc:
            line += f" | package not run ({exc})"
        print(line)
    print("  reference: the package's test suite requires kappa >= 0.75 on its chips")


def eval_hls_fmask_agreement(limit: int = 0) -> None:
    """The ukis-csmask network (what runs when a raster has no quality band) against the HLS chips' own Fmask band (what
    runs when it has one): how often the two cloud masks agree, pooled over the chips."""
    from terraprompt.plugin.core.quality import QualityBand, decode

    d = SHARED / "hls_water_chips"
    if not d.exists():
        print("hls_water_chips: Fmask agreement skipped (not in ../shared/data)")
        return
    ids = sorted(p.name.split("_")[0] for p in (d / "images").glob("*_hls.tif"))[: limit or None]
    roles = HLS_ROLES[1:]
    fmask = QualityBand(8, "QA_Fmask", "hls_fmask")
    ours_all, ref_all, core_all = [], [], []
    for i in ids:
        img = _read(d / "images" / f"{i}_hls.tif").astype(np.float32)
        cloud, shadow, fill = decode(fmask, img[7])
        valid = ~fill
        ours = cloud_classes({r: img[k + 1] / 10000.0 for k, r in enumerate(roles)}, valid,
                             Context(pixel_m=30.0, product_level="l2a"))
        ours_all.append(ours[valid])
        ref_all.append(np.where(cloud, 1, np.where(shadow, 2, 0))[valid])
        core_all.append(((img[7].astype(np.int64) & 0b10) != 0)[valid])  # the cloud bit alone, without the adjacent buffer
    ours, ref = np.concatenate(ours_all).astype(np.int64), np.concatenate(ref_all).astype(np.int64)
    ones, core = np.ones(ours.shape, bool), np.concatenate(core_all)
    print(f"hls_water_chips: ukis-csmask (l2a, 6 bands) against the chips' Fmask (cloud + adjacent / shadow), {len(ids)} chips "
          f"pooled: kappa {kappa(ref, ours):.3f}, cloud IoU {_ratio(iou(ours == 1, ref == 1, ones)):.3f}, shadow IoU "
          f"{_ratio(iou(ours == 2, ref == 2, ones)):.3f}, cloud IoU against the cloud bit alone (without 'adjacent') "
          f"{_ratio(iou(ours == 1, core, ones)):.3f}; Fmask cloud {100 * (ref == 1).mean():.1f} % ({100 * core.mean():.2f} % "
          f"without 'adjacent'), shadow "
          f"{100 * (ref == 2).mean():.1f} %; network cloud {100 * (ours == 1).mean():.1f} %, shadow {100 * (ours == 2).mean():.1f} %")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", default="auto", help="comma list of spectral,network (auto: spectral + network when bundled)")
    ap.add_argument("--only", default="", help="comma list of sen1floods11,hls,oscd,landsat8,clouds")
    ap.add_argument("--hls-limit", type=int, default=0, help="evaluate only the first N HLS chips (quick checks)")
    a = ap.parse_args(argv)
    if a.engines == "auto":
        engines = ["spectral"]
        ok, why = network_ok(["water", "vegetation"], {"blue", "green", "red", "nir", "swir1", "swir2"})
        if ok:
            engines.append("network")
        else:
            print(f"network engine: skipped ({why})")
    else:
        engines = a.engines.split(",")
    only = set(a.only.split(",")) if a.only else {"sen1floods11", "hls", "oscd", "landsat8", "clouds"}
    print(f"shared data: {SHARED}")
    if "sen1floods11" in only:
        eval_sen1floods11(engines)
    if "hls" in only:
        eval_hls(engines, a.hls_limit)
        eval_hls_worldcover(a.hls_limit)
    if "oscd" in only:
        eval_oscd_rgb_agreement(engines)
        eval_oscd_undescribed_files(engines)
    if "landsat8" in only:
        eval_landsat(engines)
    if "clouds" in only:
        eval_clouds()
        eval_hls_fmask_agreement(a.hls_limit)


if __name__ == "__main__":
    main()
