"""Paths and splits of the promptable network."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TERRAPROMPT_SHARED", REPO.parent / "shared" / "data"))
DATA = REPO / "training" / "data" / "promptable"
RUNS = REPO / "training" / "runs" / "promptable"
MODELS = REPO / "models"
CARD = MODELS / "promptable_net.json"
ENCODER = MODELS / "promptable_net_encoder.onnx"
DECODER = MODELS / "promptable_net_decoder.onnx"
TRAIN_BUILDINGS = ["rio_img56", "atl_r0c0"]
"""Building tiles used in training; rio_img52 is held out (the only building tile never seen)."""
HELD_OUT_BUILDINGS = ["rio_img52"]
