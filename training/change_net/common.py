"""Paths, band slots, held-out cities and the per-date standardisation shared by training, export and evaluation."""
from __future__ import annotations

import glob
import os
from pathlib import Path

import numpy as np
import rasterio

ROOT = Path(__file__).resolve().parents[2]
SHARED = (ROOT / ".." / "shared" / "data").resolve()
DATA = ROOT / "training" / "data" / "change_net"
RUNS = Path(os.environ.get("CHANGE_NET_RUNS", str(ROOT / "training" / "runs" / "change_net")))
OUT = Path(os.environ.get("CHANGE_NET_OUT", str(ROOT / "models")))
"""Where the ONNX file and its card go (models/; another folder for a smoke run)."""
MODEL = OUT / "change_net.onnx"
CARD = OUT / "change_net.json"

SLOTS = ["blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "swir1", "swir2"]
"""Input slots (roles of plugin.core.modalities); Sentinel-2 B02 B03 B04 B05 B06 B07 B08 B8A B11 B12."""
OSCD_BANDS = [2, 3, 4, 5, 6, 7, 8, 9, 12, 13]
"""1-based band indexes of the 13-band OSCD stacks that fill SLOTS."""
REGIMES = {"full": SLOTS, "rgbn": ["blue", "green", "red", "nir"], "rgb": ["blue", "green", "red"]}
"""Band subsets trained and evaluated."""

HELD_OUT = ["aguasclaras", "hongkong", "rennes"]
"""OSCD cities never trained on (chosen before any training run)."""
DSIFN_HELD_OUT = ["8_3", "9_3"]
"""DSIFN sample tiles never trained on."""


def oscd_cities() -> list[str]:
    """Names of the OSCD cities present in ../shared/data/oscd."""
    return sorted(os.path.basename(d) for d in glob.glob(str(SHARED / "oscd" / "*")) if os.path.isdir(d))


def standardise(before: np.ndarray, after: np.ndarray, available: np.ndarray, valid=None) -> tuple[np.ndarray, np.ndarray]:
    """Per-date, per-slot standardisation (as Caye Daudt et al. normalise each OSCD image): (x - mean) / std, clipped to +-8.

    Each date gets its own statistics, so DN vs reflectance, L1C vs L2A, sensor gain and a global radiometric shift
    between the dates do not matter; the plugin fits the same statistics on its scene sample
    (plugin.core.change.network).
    """
    out = []
    for arr in (before, after):
        x = np.zeros_like(arr, dtype=np.float32)
        for i in range(arr.shape[0]):
            if not available[i]:
                continue
            v = (arr[i][valid] if valid is not None else arr[i]).astype(np.float64)
            m, s = float(v.mean()), float(v.std()) + 1e-6
            x[i] = np.clip((arr[i] - m) / s, -8, 8)
        out.append(x)
    return out[0], out[1]


def read_oscd(city: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(before, after) as (10, h, w) float32 reflectance in SLOTS order and the (h, w) uint8 change label."""
    d = SHARED / "oscd" / city
    with rasterio.open(d / f"{city}_t1.tif") as ds:
        b = ds.read(OSCD_BANDS).astype(np.float32) / 10000.0
    with rasterio.open(d / f"{city}_t2.tif") as ds:
        a = ds.read(OSCD_BANDS).astype(np.float32) / 10000.0
    with rasterio.open(d / f"{city}_cm.tif") as ds:
        y = ds.read(1).astype(np.uint8)
    return b, a, y


def read_dsifn(tile: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(before, after) as (10, h, w) float32 with blue/green/red filled (0-1) and the change label."""
    d = SHARED / "dsifn_samples"
    out = []
    for sub in ("t1", "t2"):
        with rasterio.open(d / sub / f"{tile}.tif") as ds:
            rgb = ds.read().astype(np.float32) / 255.0
        x = np.zeros((len(SLOTS),) + rgb.shape[1:], np.float32)
        x[0], x[1], x[2] = rgb[2], rgb[1], rgb[0]
        out.append(x)
    with rasterio.open(d / "mask" / f"{tile}.tif") as ds:
        y = ds.read(1).astype(np.uint8)
    return out[0], out[1], y


def dsifn_tiles() -> list[str]:
    """DSIFN sample tile ids present."""
    return sorted(Path(p).stem for p in glob.glob(str(SHARED / "dsifn_samples" / "t1" / "*.tif")))


def avail(regime) -> np.ndarray:
    """(10,) float32 availability vector of a regime name or an explicit list of slots."""
    names = REGIMES[regime] if isinstance(regime, str) else regime
    return np.array([1.0 if s in names else 0.0 for s in SLOTS], np.float32)
