"""Charts of the evaluation figures (PNG), for people who would rather look than read a table.

Each function takes the figures an evaluation already computed and writes one PNG; matplotlib (Debian's
python3-matplotlib, seen through the venv's system site-packages) is optional: without it the chart is skipped
with a message and the evaluation's text output stands alone.
"""
from __future__ import annotations

import os
from typing import Optional

TARGET_STYLE = {"color": "0.35", "linestyle": "--", "linewidth": 1}
COLOURS = {"network": "#1f6fb4", "classical": "#e07b18", "spectral": "#e07b18", "cva": "#e07b18", "irmad": "#6a9a3a",
           "logratio": "#8a5fb0", "auto": "#888888", "land-cover classifier": "#1f6fb4", "index rules": "#e07b18"}


def _pyplot():
    """matplotlib.pyplot on the file-only Agg backend, or None (with a message) when matplotlib is absent."""
    try:
        import matplotlib
    except ImportError:
        print("[skip] charts: matplotlib is not installed (apt install python3-matplotlib)")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, plt, path: str) -> str:
    """Write the figure (folders made as needed), close it and say where."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"chart written {path}")
    return path


def click_curves(results: dict, path: str, targets: Optional[dict] = None,
                 panels: tuple[str, ...] = ("buildings_held_out", "clouds", "dsifn"),
                 titles: Optional[dict] = None) -> Optional[str]:
    """mIoU against the number of simulated clicks, one panel per data set, one line per engine (with the targets)."""
    plt = _pyplot()
    shown = [p for p in panels if any(p in r and r[p].get("curve") for r in results.values())]
    if plt is None or not shown:
        return None
    fig, axes = plt.subplots(1, len(shown), figsize=(3.6 * len(shown), 3.3), sharey=True, squeeze=False)
    for ax, panel in zip(axes[0], shown):
        for engine, res in results.items():
            curve = res.get(panel, {}).get("curve")
            if curve:
                ax.plot(range(1, len(curve) + 1), curve, marker="o", markersize=3, label=engine,
                        color=COLOURS.get(engine))
        for clicks, value in (targets or {}).get(panel, {}).items():
            ax.plot([clicks], [value], marker="*", markersize=11, color="0.2", linestyle="none")
        ax.set_title((titles or {}).get(panel, panel), fontsize=9)
        ax.set_xlabel("clicks")
        ax.set_xticks(range(1, 11))
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("mean IoU")
    axes[0][0].legend(loc="lower right", fontsize=8)
    if targets:
        fig.text(0.01, 0.01, "* target", fontsize=8, color="0.2")
    fig.tight_layout()
    return _save(fig, plt, path)


def grouped_bars(rows: dict, path: str, title: str, ylabel: str, target: Optional[float] = None,
                 highlight: tuple[str, ...] = (), target_label: str = "target") -> Optional[str]:
    """Bars per item (x axis) and series (colour): ``rows`` = {item: {series: value}}; ``highlight`` items in bold."""
    plt = _pyplot()
    if plt is None or not rows:
        return None
    items = list(rows)
    series = list(dict.fromkeys(s for v in rows.values() for s in v))
    width = 0.8 / max(1, len(series))
    fig, ax = plt.subplots(figsize=(min(11.0, max(5.0, 0.2 * len(items) * len(series) + 1.5)), 3.6))
    for i, s in enumerate(series):
        xs = [k + (i - (len(series) - 1) / 2) * width for k in range(len(items))]
        vals = [rows[it].get(s, float("nan")) for it in items]
        ax.bar(xs, vals, width * 0.95, label=s, color=COLOURS.get(s))
    if target is not None:
        ax.axhline(target, **TARGET_STYLE, label=f"{target_label} {target:g}")
    ax.set_xticks(range(len(items)))
    ax.set_xticklabels(items, rotation=30, ha="right", fontsize=8)
    for label in ax.get_xticklabels():
        if label.get_text() in highlight:
            label.set_fontweight("bold")
    ax.set_ylim(0, 1.12)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, ncol=len(series) + (target is not None), loc="upper center", frameon=False)
    fig.tight_layout()
    return _save(fig, plt, path)
