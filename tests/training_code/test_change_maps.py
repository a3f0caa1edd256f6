"""Change maps on unlabelled series: pairs of consecutive dates per site, every method through detect_change, one PNG."""
from __future__ import annotations

import os
import sys

import numpy as np

from conftest import write_raster

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _series(folder, n_dates: int, rng) -> list[str]:
    """A 4-band RGBN site with ``n_dates`` dates; a bright square appears from the second date on."""
    os.makedirs(folder, exist_ok=True)
    base = rng.uniform(400, 900, (4, 96, 96)).astype(np.uint16)
    paths = []
    for k in range(n_dates):
        img = base + rng.integers(0, 20, base.shape).astype(np.uint16)
        if k:
            img[:, 30:60, 30:60] = 3000
        paths.append(write_raster(os.path.join(folder, f"2020-0{k + 1}-01.tif"), img, transform=None,
                                  descriptions=["red", "green", "blue", "nir"]))
    return paths


def test_pairs_maps_and_agreement(tmp_path, monkeypatch):
    sys.path.insert(0, ROOT)
    from training import change_maps

    rng = np.random.default_rng(0)
    _series(str(tmp_path / "data" / "rgbn_series" / "site_a"), 3, rng)
    _series(str(tmp_path / "data" / "rgbn_series" / "site_b"), 2, rng)
    monkeypatch.setattr(change_maps, "SHARED", str(tmp_path / "data"))
    monkeypatch.setattr(change_maps, "OUT", str(tmp_path / "out"))
    pairs = change_maps.find_pairs(str(tmp_path / "data" / "rgbn_series"))
    assert [p[0].split(":")[0] for p in pairs] == ["site_a", "site_a", "site_b"]
    assert os.path.basename(pairs[1][1]) == "2020-02-01.tif" and os.path.basename(pairs[1][2]) == "2020-03-01.tif"
    lines = change_maps.maps("rgbn_series", ["cva", "network"], str(tmp_path))
    assert len(lines) == 3 and (tmp_path / "out" / "rgbn_series.png").stat().st_size > 10_000
    first, unchanged = lines[0], lines[1]  # date 1 -> 2 has the new square, date 2 -> 3 has none
    assert 0.05 < first["cva"] < 0.3, first
    assert unchanged["cva"] < 0.02, unchanged
    assert change_maps.maps("absent_set", ["cva"], str(tmp_path)) == []
