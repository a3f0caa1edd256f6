"""Land-cover classes of multispectral reflectance from a bundled pixel classifier (ESA WorldCover labels).

Index thresholds tell water and green vegetation well but not built-up from
bare fields, nor grassland from cropland (HLS chips against WorldCover: built-up
IoU 0.03). This small MLP (ONNX, ``models/landcover_mlp.json``) reads six
reflectance bands (blue, green, red, NIR, SWIR1, SWIR2), their indices and
their local texture over fixed ground distances (90-210 m, so the windows grow
in pixels on finer grids), and gives a probability per WorldCover class; the
spectral engine uses its log-odds for forest, grassland, cropland, built-up and
bare soil where the bands and the pixel size allow (``spectral_rules.json``,
family 'classifier').
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Optional

import numpy as np

from .. import deps
from ..catalog import MODELS_DIR, load_json
from ..messages import measure, t

ROLES = ("blue", "green", "red", "nir", "swir1", "swir2")
TRAINED_PIXEL_M = 30.0
PIXEL_M = (8.0, 60.0)
"""Pixel sizes (m) the classifier is used at: trained on ~30 m HLS chips; 10-20 m Sentinel-2 with its windows scaled."""
CARD = "landcover_mlp.json"
FIX = "Reinstall the plugin to restore models/landcover_mlp.onnx."


def _nd(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a - b) / (a + b + np.float32(1e-6))


def window_px(ground_px_at_30m: int, pixel_m: float) -> int:
    """An odd window side (pixels) covering the ground that ``ground_px_at_30m`` pixels cover at 30 m."""
    k = int(round(ground_px_at_30m * TRAINED_PIXEL_M / max(pixel_m, 1e-6)))
    return max(1, k + (k % 2 == 0))


def _valid_mean(x: np.ndarray, weight: Optional[np.ndarray], k: int) -> np.ndarray:
    """The k x k window mean of ``x`` over the pixels of weight 1 only (normalised convolution; every pixel when
    ``weight`` is None; 0 where a window holds none)."""
    from scipy import ndimage

    if weight is None:
        return ndimage.uniform_filter(x, k, mode="reflect")
    w = ndimage.uniform_filter(weight, k, mode="reflect")
    s = ndimage.uniform_filter(x * weight, k, mode="reflect")
    return np.divide(s, w, out=np.zeros_like(s), where=w > 1e-6)


def _local_std(x: np.ndarray, k: int, weight: Optional[np.ndarray] = None) -> np.ndarray:
    """The k x k window standard deviation of ``x`` over the pixels of weight 1 only (every pixel when None)."""
    m = _valid_mean(x, weight, k)
    m2 = _valid_mean(x * x, weight, k)
    return np.sqrt(np.maximum(m2 - m * m, 0.0))


def features(bands: dict[str, np.ndarray], valid: np.ndarray, pixel_m: float) -> np.ndarray:
    """(20, h, w) float32 features: the six reflectances, five indices and texture of NDVI, brightness and NDBI; the
    texture reads valid pixels only (a gap filled with the tile's mean read as texture and shifted the window means:
    9.5 % of the pixels next to SLC-off stripes changed class)."""
    b, g, r, n, s1, s2 = (np.clip(np.nan_to_num(np.asarray(bands[k], np.float32)), -0.05, 1.5) for k in ROLES)
    weight = None if valid.all() or not valid.any() else valid.astype(np.float32)
    ndvi, ndbi = _nd(n, r), _nd(s1, n)
    bright = (b + g + r) / np.float32(3)
    out = [b, g, r, n, s1, s2, ndvi, ndbi, _nd(g, s1), _nd(s1 + r, n + b), _nd(s2, s1)]
    k3, k5, k7 = (window_px(k, pixel_m) for k in (3, 5, 7))
    for x in (ndvi, bright, ndbi):
        out += [_local_std(x, k3, weight), _local_std(x, k5, weight), _valid_mean(x, weight, k7)]
    return np.stack(out).astype(np.float32, copy=False)


def usable(roles: set[str], pixel_m: float, reflectance: bool) -> tuple[bool, str]:
    """Whether the classifier can run on these bands, and why not."""
    missing = [r for r in ROLES if r not in roles]
    if missing:
        return False, t("the land-cover classifier needs {bands}", bands=", ".join(missing))
    if not reflectance:
        return False, t("the optical values are not calibrated reflectance")
    absent = deps.absent(("onnxruntime", "scipy"))
    if absent:
        return False, t("the land-cover classifier needs the Python package(s) {packages} (Setup tab)", packages=", ".join(absent))
    if not (PIXEL_M[0] <= pixel_m <= PIXEL_M[1]):
        return False, t("the land-cover classifier is made for {lo}-{hi} m pixels, these are {size} m",
                        lo=measure(PIXEL_M[0]), hi=measure(PIXEL_M[1]), size=measure(pixel_m))
    return True, ""


def texture_caution(height: int, width: int, pixel_m: float) -> str:
    """A caution when the run's extent (``height`` x ``width`` px) is narrower than the
    classifier's widest texture window (210 m: a 1 x 1 px Sentinel-2 raster came out forest with a mean confidence of
    93 %, its texture read from one pixel), else ''."""
    k = window_px(7, pixel_m)
    if min(height, width) >= k:
        return ""
    return t("land-cover classifier: caution: the extent is only {width} x {height} px ({size} m pixels), narrower than "
             "the {window} px ({ground} m) window its texture features read, so it classifies with little or no texture "
             "and its confidence overstates it; use a larger extent", width=width, height=height, size=measure(pixel_m),
             window=k, ground=measure(7 * TRAINED_PIXEL_M))


def load_card() -> dict:
    """The classifier's model card."""
    return load_json(CARD)


class PixelClassifier:
    """The ONNX classifier: log-odds per class of every pixel of a block."""

    def __init__(self, device: str = "cpu") -> None:
        from ..modelcards import open_verified

        self.card = load_card()
        path = os.path.join(MODELS_DIR, self.card["file"])
        self.session, self.device_report = open_verified(path, self.card, device, t(FIX), t("land-cover classifier"))
        self.classes: list[str] = list(self.card["outputs"]["classes"])

    def log_odds(self, bands: dict[str, np.ndarray], valid: np.ndarray, pixel_m: float) -> dict[str, np.ndarray]:
        """{class: (h, w) float32 log(p / (1 - p))} of a block (values on nodata pixels are meaningless)."""
        f = features(bands, valid, pixel_m)
        h, w = valid.shape
        x = np.ascontiguousarray(f.reshape(f.shape[0], -1).T)
        p = np.empty((x.shape[0], len(self.classes)), np.float32)
        step = 1 << 16  # rows per run: onnxruntime keeps its largest activations (64 x step floats per layer) allocated
        for s in range(0, x.shape[0], step):
            p[s:s + step] = self.session.run(None, {"features": x[s:s + step]})[0]
        p = np.clip(p, 1e-6, 1 - 1e-6)
        z = np.log(p / (1 - p)).astype(np.float32)
        return {c: z[:, k].reshape(h, w) for k, c in enumerate(self.classes)}


@lru_cache(maxsize=None)
def shared(device: str = "cpu") -> PixelClassifier:
    """One classifier per device for the process (the session is reused by every tile and run)."""
    return PixelClassifier(device)


def class_of_index(name: str) -> Optional[str]:
    """'built_up' for the rule index 'lc_built_up', else None."""
    return name[3:] if name.startswith("lc_") else None
