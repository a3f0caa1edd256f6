"""The evaluation charts: the click curve is part of the summary, and the charts are real PNGs of what was measured."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _png_size(path: str) -> tuple[int, int]:
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_summary_carries_the_mean_iou_after_each_click():
    sys.path.insert(0, ROOT)
    from training.eval_interactive import summarise

    curves = [[0.2 + 0.05 * k for k in range(10)], [0.4 + 0.05 * k for k in range(10)]]
    s = summarise(curves)
    assert s["curve"] == pytest.approx([0.3 + 0.05 * k for k in range(10)], abs=1e-3)
    assert s["miou@3"] == pytest.approx(s["curve"][2])


def test_charts_are_drawn_from_the_figures_and_skip_what_is_missing(tmp_path):
    pytest.importorskip("matplotlib")
    sys.path.insert(0, ROOT)
    from training import charts

    res = {"network": {"clouds": {"curve": list(np.linspace(0.4, 0.8, 10))}},
           "classical": {"clouds": {"curve": list(np.linspace(0.3, 0.6, 10))}}}
    one = charts.click_curves(res, str(tmp_path / "a" / "clicks.png"), panels=("buildings_held_out", "clouds"))
    w1, h1 = _png_size(one)
    assert charts.click_curves({"network": {}}, str(tmp_path / "none.png")) is None
    assert not (tmp_path / "none.png").exists()
    rows = {f"city{i}": {"cva": 0.3, "network": 0.5} for i in range(8)}
    bars = charts.grouped_bars(rows, str(tmp_path / "bars.png"), "F1", "F1", target=0.6, highlight=("city1",))
    w2, h2 = _png_size(bars)
    assert w1 < 600 and h1 > 300  # one panel only: the buildings panel had no curve
    assert w2 > w1 and h2 > 300
