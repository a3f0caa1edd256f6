"""Training-side validation of the land-cover network: a part of the training split held out for checkpoint selection.

The held-out test split (prepare.py) is never touched here. Validation = OSCD nantes (both dates), about 12 % of the
training HLS chips as whole location groups (a hashed order other than the test split's) and the left 64 columns of
each training cloud chip (optionally the bottom VAL_S1F_ROWS rows of the Sen1Floods11 training half); the rest trains.
Score = mean pooled IoU over water (Sen1Floods11 hand, HLS masks: full optical, RGBN, RGB; Sen1Floods11 SAR),
vegetation (OSCD, HLS, Sen1Floods11 teacher: full optical, RGB) and cloud (reference: full optical, RGB).
"""
from __future__ import annotations

import hashlib

import numpy as np
import torch
import torch.nn.functional as F

from .common import IGNORE, SLOTS, VIS_TARGET, vis_median

VAL_OSCD = ("oscd_nantes",)
VAL_HLS_FRACTION = 0.12
VAL_S1F_ROWS = 0
"""Rows of the Sen1Floods11 training half held out for validation: 0 (its bottom 64 rows scored 0.45-0.64 full-optical
water from one checkpoint to the next, which made the selection noise, and the crop is the only SAR training scene)."""
VAL_CLOUD_COLS = 64
MODE_SLOTS = {"full": SLOTS[:6], "rgbn": SLOTS[:4], "rgb": SLOTS[:3], "sar": SLOTS[6:]}
ENTRIES = [  # (label, class row, source, mode)
    *[(f"water_s1f_{m}", 0, "sen1floods11", m) for m in ("full", "rgbn", "rgb", "sar")],
    *[(f"water_hls_{m}", 0, "hls", m) for m in ("full", "rgbn", "rgb")],
    *[(f"veg_{src}_{m}", 1, src, m) for src in ("oscd", "hls", "sen1floods11") for m in ("full", "rgb")],
    *[(f"cloud_{m}", 2, "cloud", m) for m in ("full", "rgb")],
]


def _crop(s: dict, rows: slice, cols: slice, suffix: str) -> dict:
    x, valid = s["x"][:, rows, cols], s["valid"][rows, cols]
    return {**s, "name": s["name"] + suffix, "x": x, "y": s["y"][:, rows, cols], "valid": valid,
            "vis_median": vis_median(x[0], x[1], x[2], valid)}


def _hls_val_ids(ids: list[str]) -> set[str]:
    """Whole HLS location groups of the training chips, in a hashed order, until VAL_HLS_FRACTION is reached."""
    from .prepare import hls_groups

    members: dict[str, list[str]] = {}
    for i, g in hls_groups(ids).items():
        members.setdefault(g, []).append(i)
    order = sorted(members, key=lambda g: hashlib.md5(("val" + min(members[g])).encode()).hexdigest())
    val: set[str] = set()
    for g in order:
        if len(val) >= VAL_HLS_FRACTION * len(ids):
            break
        val |= set(members[g])
    return val


def split_validation(scenes: list[dict]) -> tuple[list[dict], list[dict]]:
    """(training scenes, validation scenes) out of the training split."""
    hls_ids = [s["name"].split("_", 1)[1] for s in scenes if s["source"] == "hls"]
    try:
        hls_val = _hls_val_ids(hls_ids)
    except Exception:  # the shared HLS folder is needed for the location groups; fall back to every 8th chip
        hls_val = set(sorted(hls_ids)[::8])
    train, val = [], []
    for s in scenes:
        if s["source"] == "oscd" and s["name"].rsplit("_", 1)[0] in VAL_OSCD:
            val.append(s)
        elif s["source"] == "hls" and s["name"].split("_", 1)[1] in hls_val:
            val.append(s)
        elif s["source"] == "sen1floods11" and VAL_S1F_ROWS:
            h = s["x"].shape[1]
            train.append(_crop(s, slice(0, h - VAL_S1F_ROWS), slice(None), ""))
            val.append(_crop(s, slice(h - VAL_S1F_ROWS, h), slice(None), "_val"))
        elif s["source"] == "cloud":
            w = s["x"].shape[2]
            train.append(_crop(s, slice(None), slice(VAL_CLOUD_COLS, w), ""))
            val.append(_crop(s, slice(None), slice(0, VAL_CLOUD_COLS), "_val"))
        else:
            train.append(s)
    return train, val


@torch.no_grad()
def predict(net, s: dict, slots: list[str]) -> np.ndarray:
    """(3, H, W) probabilities of one scene given ``slots``, with the engine's RGB brightness normalisation."""
    avail = np.array([sl in slots for sl in SLOTS], dtype=np.float32)
    x = s["x"] * avail[:, None, None]
    if not avail[SLOTS.index("swir1")] and avail[0]:
        x = x.copy()
        x[:6] *= VIS_TARGET / s["vis_median"]
    x = np.where(s["valid"][None], x, 0).astype(np.float32)
    _, h, w = x.shape
    t = torch.from_numpy(x)[None]
    t = F.pad(t, (0, (-w) % 8, 0, (-h) % 8), mode="replicate")
    return net(t, torch.from_numpy(avail)[None])[0, :, :h, :w].numpy()


def val_score(net, scenes: list[dict]) -> tuple[float, dict[str, float]]:
    """Mean pooled IoU over ENTRIES present in ``scenes`` (net in eval mode) and the per-entry IoU."""
    counts: dict[str, np.ndarray] = {}
    cache: dict[tuple[str, str], np.ndarray] = {}
    for label, row, src, mode in ENTRIES:
        slots = MODE_SLOTS[mode]
        for s in scenes:
            if s["source"] != src or not all(s["has"][SLOTS.index(sl)] for sl in slots):
                continue
            key = (s["name"], mode)
            if key not in cache:
                cache[key] = predict(net, s, slots)
            lab = s["y"][row]
            m = (lab != IGNORE) & s["valid"]
            p, t = cache[key][row][m] >= 0.5, lab[m] == 1
            c = counts.setdefault(label, np.zeros(3))
            c += [(p & t).sum(), (p & ~t).sum(), (~p & t).sum()]
    detail = {k: float(c[0] / max(c.sum(), 1.0)) for k, c in counts.items()}
    return (float(np.mean(list(detail.values()))) if detail else 0.0), detail
