"""'flooding' on a SAR pair keeps the flood that darkened without reaching open water's backscatter (shallow or partly
flooded ground), and the direction still holds: 'water to land' on a flood, 'flooding' on a receding flood keep ~nothing.

The pair: the Sen1Floods11 chip is AFTER; BEFORE is the same chip with each hand-labelled water pixel replaced by a land
pixel near it and each land pixel by a land neighbour (fresh speckle), so the truth of change is the water label."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from scipy import ndimage

from conftest import shared
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

CHIP = "Spain_7370579_top"


@pytest.fixture(scope="module")
def flood_pair(tmp_path_factory):
    d = shared("sen1floods11")
    with rasterio.open(f"{d}/{CHIP}_S1Hand.tif") as s:
        after, prof, desc = s.read().astype(np.float32), s.profile, s.descriptions
    with rasterio.open(f"{d}/{CHIP}_LabelHand.tif") as s:
        label = s.read(1)
    land = label == 0
    rng = np.random.default_rng(0)
    before = after.copy()
    rows, cols = np.nonzero(label != 1)  # land: a land neighbour within 2 px, so its speckle is fresh on each date
    r, c = rows.copy(), cols.copy()
    for _ in range(10):
        jr = np.clip(rows + rng.integers(-2, 3, rows.size), 0, label.shape[0] - 1)
        jc = np.clip(cols + rng.integers(-2, 3, rows.size), 0, label.shape[1] - 1)
        ok = land[jr, jc] & (r == rows) & (c == cols)
        r, c = np.where(ok, jr, r), np.where(ok, jc, c)
    before[:, rows, cols] = after[:, r, c]
    _, (ri, ci) = ndimage.distance_transform_edt(~land, return_indices=True)
    rows, cols = np.nonzero(label == 1)  # water: a land pixel up to 20 px from the nearest one
    r, c = ri[rows, cols], ci[rows, cols]
    for _ in range(5):
        jr = np.clip(r + rng.integers(-20, 21, r.size), 0, label.shape[0] - 1)
        jc = np.clip(c + rng.integers(-20, 21, r.size), 0, label.shape[1] - 1)
        ok = land[jr, jc]
        r, c = np.where(ok, jr, r), np.where(ok, jc, c)
    before[:, rows, cols] = after[:, r, c]
    tmp = tmp_path_factory.mktemp("sarflood")
    paths = {}
    for name, arr in (("before", before), ("after", after)):
        paths[name] = str(tmp / f"{name}.tif")
        with rasterio.open(paths[name], "w", **prof) as dst:
            dst.write(arr)
            for i, text in enumerate(desc, 1):
                dst.set_band_description(i, text)
    return paths["before"], paths["after"], label, tmp


def _run(before: str, after: str, prompt: str, out: str):
    res = detect_change(ChangeRequest(before, after, output_change=out, prompt=prompt))
    with rasterio.open(out) as s:
        return res, s.read(1) == 1


def test_flooding_keeps_the_darkened_flood(flood_pair):
    # before: only pixels below the AFTER water threshold counted (recall 0.66; a decrease-only reading 0.92)
    before, after, label, tmp = flood_pair
    res, kept = _run(before, after, "flooding", str(tmp / "flooding.tif"))
    truth, ok = label == 1, label >= 0
    tp = (kept & truth & ok).sum()
    precision, recall = tp / (kept & ok).sum(), tp / (truth & ok).sum()
    assert recall > 0.74 and precision > 0.85, (precision, recall)
    assert "backscatter fell by 3 dB or more" in res.summary
    assert "Caution: water covers" not in res.summary, res.summary  # street shadows and haze are optical


@pytest.mark.parametrize("reverse, prompt", [(False, "water to land"), (True, "flooding")])
def test_the_direction_holds(flood_pair, reverse, prompt):
    before, after, _, tmp = flood_pair
    b, a = (after, before) if reverse else (before, after)
    res, kept = _run(b, a, prompt, str(tmp / f"dir_{reverse}.tif"))
    assert kept.mean() < 0.002, kept.mean()
    assert res.changed_area_m2 < 1e4, res.changed_area_m2
