"""Build the training/evaluation scenes (``training/data/landcover/*.npz``) from ../shared/data.

Every scene is stored as physical values in the canonical slots (reflectance,
dB), a slot-availability vector and three label planes (water, vegetation,
cloud: 0/1, 255 = ignore). Labels come from:

* hls_water_chips: the water masks, cleaned where spectra flatly contradict
  them; vegetation from the NDVI spectral teacher, checked against ESA
  WorldCover; cloud from the Fmask QA cloud bit.
* oscd (10 cities x 2 dates): spectral-teacher pseudo-labels from
  ``plugin.core.landcover.spectral.SpectralEngine`` (MNDWI water, NDVI
  vegetation), confident pixels only.
* sen1floods11 (shared top half, S2 + S1): hand-labelled water; vegetation teacher.
* cloud_chips: reference cloud masks; teacher water/vegetation on clear pixels.

Held-out split: whole HLS location groups (union-find on identical DEM/label
bytes, like the data README), OSCD cities bordeaux and hongkong, the right half
of the sen1floods11 chip and the right quarter of each cloud chip.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import rasterio

from .common import DATA, IGNORE, SHARED, SLOTS, vis_median

sys.path.insert(0, str(DATA.parents[2]))
from plugin.core.landcover.spectral import SpectralEngine  # noqa: E402
from plugin.core.stack import BandSet  # noqa: E402

OSCD_TEST = ("bordeaux", "hongkong")
HLS_TEST_FRACTION = 0.2
S2_13 = {"blue": 2, "green": 3, "red": 4, "nir": 8, "swir1": 12, "swir2": 13}


def _read(path, bands=None) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with rasterio.open(path) as src:
            return src.read(bands)


def _scene(x: dict[str, np.ndarray], valid: np.ndarray, water, veg, cloud) -> dict:
    """Pack slot arrays + labels into one scene dict (invalid pixels ignored everywhere)."""
    h, w = valid.shape
    arr = np.zeros((len(SLOTS), h, w), dtype=np.float32)
    has = np.zeros(len(SLOTS), dtype=bool)
    for i, s in enumerate(SLOTS):
        if s in x:
            v = np.nan_to_num(x[s].astype(np.float32), nan=0.0, posinf=0.0, neginf=0.0)
            arr[i] = np.where(valid, v, 0.0)
            has[i] = True
    labels = np.stack([water, veg, cloud]).astype(np.uint8)
    labels[:, ~valid] = IGNORE
    vm = vis_median(arr[0], arr[1], arr[2], valid)
    return {"x": arr, "has": has, "y": labels, "valid": valid, "vis_median": np.float32(vm)}


def teacher(x: dict[str, np.ndarray], valid: np.ndarray, fit_on: BandSet | None = None) -> np.ndarray:
    """(2, h, w) spectral-engine probabilities for water, vegetation (fitted on the scene or a given sample)."""
    eng = SpectralEngine(["water", "vegetation"], set(x))
    bs = BandSet(x, valid)
    eng.fit(fit_on or bs)
    return eng.scores(bs)


def confident(p: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """0/1 where the teacher is sure, 255 in between."""
    out = np.full(p.shape, IGNORE, dtype=np.uint8)
    out[p >= hi] = 1
    out[p <= lo] = 0
    return out


def _ignore(a: np.ndarray, where: np.ndarray) -> np.ndarray:
    a = a.copy()
    a[where] = IGNORE
    return a


def hls_groups(ids: list[str]) -> dict[str, int]:
    """Location groups of HLS chips (union-find on byte-identical DEM or non-empty label)."""
    root = {i: i for i in ids}

    def find(a):
        while root[a] != a:
            root[a] = root[root[a]]
            a = root[a]
        return a

    seen: dict[bytes, str] = {}
    d = SHARED / "hls_water_chips"
    for i in ids:
        aux = _read(d / "aux" / f"{i}_aux.tif")
        lab = _read(d / "labels" / f"{i}_water.tif")
        keys = [b"m" + hashlib.md5(aux[0].tobytes()).digest(), b"c" + hashlib.md5(aux[1].tobytes()).digest()]
        if lab.any():
            keys.append(b"l" + hashlib.md5(lab.tobytes()).digest())
        for k in keys:
            if k in seen:
                root[find(i)] = find(seen[k])
            else:
                seen[k] = i
    return {i: find(i) for i in ids}


HLS_TRAIN_IDS = Path(__file__).with_name("hls_train_ids.json")
"""The chips version 3 trained on (group_split of the 203 shared chips), fixed so that added chips are held out."""


def hls_test_ids(ids: list[str]) -> set[str]:
    """The held-out HLS chips: every chip not in hls_train_ids.json (chips dropped in later are never trained on nor
    swap sides with training chips); without that file, group_split."""
    if HLS_TRAIN_IDS.exists():
        train = set(json.loads(HLS_TRAIN_IDS.read_text(encoding="utf-8"))["train"])
        return set(ids) - train
    return group_split(ids)


def group_split(ids: list[str]) -> set[str]:
    """Held-out HLS chips by location: whole location groups in a fixed hashed order until HLS_TEST_FRACTION is reached."""
    members: dict[str, list[str]] = {}
    for i, g in hls_groups(ids).items():
        members.setdefault(g, []).append(i)
    order = sorted(members, key=lambda g: hashlib.md5(min(members[g]).encode()).hexdigest())
    test: set[str] = set()
    for g in order:
        if len(test) >= HLS_TEST_FRACTION * len(ids):
            break
        test |= set(members[g])
    return test


def prepare_hls() -> list[tuple[str, str, dict]]:
    d = SHARED / "hls_water_chips"
    if not d.exists():
        return []
    ids = sorted(p.name.split("_")[0] for p in (d / "images").glob("*_hls.tif"))
    test = hls_test_ids(ids)
    chips = []
    for i in ids:
        img = _read(d / "images" / f"{i}_hls.tif").astype(np.float32)
        qa = img[7].astype(np.int32)
        aux = _read(d / "aux" / f"{i}_aux.tif")
        lab = _read(d / "labels" / f"{i}_water.tif")[0]
        x = {s: img[k] / 10000.0 for k, s in enumerate(["blue", "green", "red", "nir", "swir1", "swir2"], start=1)}
        valid = qa != 255
        chips.append((i, x, valid, qa, aux[2], lab))
    # one teacher fit over all training chips (per-chip Otsu fails on chips without water, see README)
    tr = [c for c in chips if c[0] not in test]
    sample = BandSet({s: np.concatenate([c[1][s][c[2]] for c in tr])[None] for s in tr[0][1]},
                     np.ones((1, sum(int(c[2].sum()) for c in tr)), dtype=bool))
    out = []
    for i, x, valid, qa, wc, lab in chips:
        p = teacher(x, valid, sample)
        with np.errstate(divide="ignore", invalid="ignore"):
            mndwi = (x["green"] - x["swir1"]) / (x["green"] + x["swir1"])
            ndwi = (x["green"] - x["nir"]) / (x["green"] + x["nir"])
        cloud_bit = (qa & 2) > 0
        shadow = (qa & 8) > 0
        if i in test:
            water = lab.astype(np.uint8)  # held out: the labels as given
        else:
            water = lab.astype(np.uint8).copy()
            dry = (lab == 1) & ~(mndwi > 0.0) & ~(ndwi > 0.0)  # flood-time masks over dry land: unusable
            wet = (lab == 0) & ((mndwi > 0.25) | (wc == 80))
            water[dry | wet] = IGNORE
        veg = confident(p[1], 0.3, 0.7)
        veg[(veg == 1) & np.isin(wc, [50, 60, 70, 80])] = IGNORE
        veg[(veg == 0) & (wc == 10)] = IGNORE
        veg[lab == 1] = np.where(veg[lab == 1] == 1, IGNORE, 0)
        veg = _ignore(veg, cloud_bit | shadow)
        cloud = cloud_bit.astype(np.uint8)
        cloud[((qa & 1) > 0) | ((qa & 4) > 0)] = IGNORE  # cirrus / adjacent: unsure
        out.append((f"hls_{i}", "test" if i in test else "train", _scene(x, valid, water, veg, cloud)))
    return out


def prepare_oscd() -> list[tuple[str, str, dict]]:
    d = SHARED / "oscd"
    out = []
    for city in sorted(p.name for p in d.iterdir() if p.is_dir()) if d.exists() else []:
        for t in ("t1", "t2"):
            raw = _read(d / city / f"{city}_{t}.tif", list(S2_13.values())).astype(np.float32) / 10000.0
            x = {s: raw[k] for k, s in enumerate(S2_13)}
            valid = raw.min(axis=0) > 0
            p = teacher(x, valid)
            water = confident(p[0], 0.2, 0.8)
            veg = confident(p[1], 0.25, 0.75)
            cloud = np.full(valid.shape, IGNORE, dtype=np.uint8)
            cloud[(x["blue"] < 0.15) | (water == 1) | (veg == 1)] = 0
            out.append((f"oscd_{city}_{t}", "test" if city in OSCD_TEST else "train", _scene(x, valid, water, veg, cloud)))
    return out


def prepare_sen1floods11() -> list[tuple[str, str, dict]]:
    d = SHARED / "sen1floods11"
    s2p, s1p, lp = (d / f"Spain_7370579_top_{k}.tif" for k in ("S2Hand", "S1Hand", "LabelHand"))
    if not s2p.exists():
        return []
    s2 = _read(s2p, list(S2_13.values())).astype(np.float32)
    s1 = _read(s1p).astype(np.float32)
    lab = _read(lp)[0]
    x = {s: s2[k] / 10000.0 for k, s in enumerate(S2_13)}
    x["vv"], x["vh"] = s1[0], s1[1]
    valid = (s2.min(axis=0) > 0) & np.isfinite(s1).all(axis=0) & (lab >= 0)
    p = teacher({k: v for k, v in x.items() if k not in ("vv", "vh")}, valid)
    water = np.where(lab == 1, 1, 0).astype(np.uint8)
    veg = confident(p[1], 0.25, 0.75)
    veg[water == 1] = 0
    cloud = np.full(valid.shape, IGNORE, dtype=np.uint8)
    cloud[(x["blue"] < 0.15)] = 0
    sc = _scene(x, valid, water, veg, cloud)
    half = valid.shape[1] // 2
    return [("sen1floods11_left", "train", _crop(sc, slice(None), slice(0, half))),
            ("sen1floods11_right", "test", _crop(sc, slice(None), slice(half, None)))]


def prepare_clouds() -> list[tuple[str, str, dict]]:
    d = SHARED / "cloud_chips"
    out = []
    for name in ("sentinel2", "landsat5"):
        if not (d / f"{name}_image.tif").exists():
            continue
        img = _read(d / f"{name}_image.tif").astype(np.float32)
        lab = _read(d / f"{name}_label.tif")[0]
        x = {s: img[k] for k, s in enumerate(["blue", "green", "red", "nir", "swir1", "swir2"])}
        valid = np.isfinite(img).all(axis=0)
        clear = lab == 0
        p = teacher(x, valid & clear)
        water = _ignore(confident(p[0], 0.2, 0.8), ~clear)
        veg = _ignore(confident(p[1], 0.25, 0.75), ~clear)
        cloud = (lab == 1).astype(np.uint8)
        sc = _scene(x, valid, water, veg, cloud)
        q = valid.shape[1] * 3 // 4
        out.append((f"cloud_{name}_left", "train", _crop(sc, slice(None), slice(0, q))))
        out.append((f"cloud_{name}_right", "test", _crop(sc, slice(None), slice(q, None))))
    return out


def _crop(sc: dict, rows: slice, cols: slice) -> dict:
    x, valid = sc["x"][:, rows, cols], sc["valid"][rows, cols]
    return {"x": x, "has": sc["has"], "y": sc["y"][:, rows, cols], "valid": valid,
            "vis_median": np.float32(vis_median(x[0], x[1], x[2], valid))}


def main() -> None:
    """Write all scenes to training/data/landcover and a split listing."""
    DATA.mkdir(parents=True, exist_ok=True)
    listing = []
    for fn in (prepare_hls, prepare_oscd, prepare_sen1floods11, prepare_clouds):
        scenes = fn()
        for name, split, sc in scenes:
            np.savez(DATA / f"{name}.npz", split=split, **sc)
            listing.append(f"{name}\t{split}\t{sc['x'].shape[1]}x{sc['x'].shape[2]}\t"
                           + ",".join(s for s, h in zip(SLOTS, sc["has"]) if h))
        print(f"{fn.__name__}: {len(scenes)} scenes", flush=True)
    (DATA / "split.tsv").write_text("\n".join(listing) + "\n")


if __name__ == "__main__":
    main()
