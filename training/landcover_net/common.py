"""Shared constants of the land-cover network: input slots, classes, paths."""
from __future__ import annotations

import os
from pathlib import Path

SLOTS = ["blue", "green", "red", "nir", "swir1", "swir2", "vv", "vh"]
"""Canonical input slots (physical units: reflectance 0-1 for optical, dB for SAR)."""
OPTICAL = SLOTS[:6]
SAR = SLOTS[6:]
CLASSES = ["water", "vegetation", "cloud"]
"""Output channels (independent sigmoid probabilities)."""
IGNORE = 255

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TERRAPROMPT_SHARED", REPO.parent / "shared" / "data"))
DATA = REPO / "training" / "data" / "landcover"
RUNS = REPO / "training" / "runs" / "landcover"
MODEL = REPO / "models" / "landcover_net.onnx"
CARD = REPO / "models" / "landcover_net.json"

MODES = {
    "full_optical": OPTICAL,
    "rgbn": ["blue", "green", "red", "nir"],
    "rgb": ["blue", "green", "red"],
    "sar": SAR,
    "optical_sar": SLOTS,
}
"""Band subsets seen in training (modality dropout) and evaluated."""

VIS_TARGET = 0.08
"""Without SWIR (RGB / RGB+NIR, possibly uncalibrated) optical bands are scaled so the scene median of
(blue+green+red)/3 becomes this value, in training (per scene) and in the engine (fit on the scene sample)."""


def vis_median(blue, green, red, valid) -> float:
    """Median of the mean visible reflectance over valid pixels (1.0 when undefined)."""
    import numpy as np

    v = ((blue + green + red) / 3.0)[valid]
    v = v[np.isfinite(v)]
    m = float(np.median(v)) if v.size else 0.0
    return m if m > 1e-4 else 1.0
