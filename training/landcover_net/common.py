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
