"""Buildings from very-high-resolution red, green and blue (aerial photos, pan-sharpened satellite images).

Spectral indices cannot tell a roof from a road in a photo, so without a DSM the
'buildings' concept had no rule on RGB. This small head (ONNX,
``models/buildings_head.json``) reads the bundled promptable network's encoder
embedding (the same frozen encoder the Interactive tab uses) and gives a building
logit per 2 m cell, upsampled to the pixels. Tiles are brought to the 0.5 m the
encoder was trained at (0.25-1 m pixels are accepted) and stretched with the
scene's percentiles, so every tile of a raster is read alike.
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Optional

import numpy as np

from .. import deps
from ..catalog import MODELS_DIR, load_json
from ..messages import t

ROLES = ("red", "green", "blue")
PAN = "pan"
"""A panchromatic band is read as grey red = green = blue (the head learnt from a panchromatic tile too)."""
CARD = "buildings_head.json"
FIX = "Reinstall the plugin to restore models/buildings_head.onnx and the promptable network's encoder."
STRIDE = 4


def load_card() -> dict:
    """The head's model card."""
    return load_json(CARD)


def usable(roles: set[str], pixel_m: float) -> tuple[bool, str]:
    """Whether the head can run on these bands (red, green, blue, or a panchromatic band) at this pixel size, and why not."""
    missing = [r for r in ROLES if r not in roles]
    if missing and PAN not in roles:
        return False, t("the building head needs {bands}", bands=", ".join(missing))
    absent = deps.absent(("onnxruntime", "scipy"))
    if absent:
        return False, t("the building head needs the Python package(s) {packages} (Setup tab)", packages=", ".join(absent))
    lo, hi = load_card().get("pixel_m", [0.25, 1.0])
    if not (lo <= pixel_m <= hi):
        return False, t("the building head is made for {lo}-{hi} m pixels, these are {size} m", lo=f"{lo:g}", hi=f"{hi:g}",
                        size=f"{pixel_m:.3g}")
    return True, ""


def as_rgb(bands: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Red, green and blue of a block: its own, or its panchromatic band three times."""
    return {r: bands[r] for r in ROLES} if all(r in bands for r in ROLES) else {r: bands[PAN] for r in ROLES}


def stretch_of(bands: dict[str, np.ndarray], valid: np.ndarray) -> tuple[tuple[float, float], ...]:
    """(1st, 99th) percentile of red, green and blue over valid pixels of a scene sample."""
    out = []
    for r in ROLES:
        v = np.asarray(bands[r], np.float32)[valid]
        v = v[np.isfinite(v)]
        lo, hi = (np.percentile(v, [1, 99]) if v.size else (0.0, 1.0))
        out.append((float(lo), float(hi if hi - lo > 1e-6 else lo + 1.0)))
    return tuple(out)


class BuildingHead:
    """The frozen encoder and the head: building probability of a normalised image."""

    def __init__(self, device: str = "cpu") -> None:
        from ..interactive.network import CARD as ENCODER_CARD
        from ..modelcards import open_verified

        self.card = load_card()
        enc_card = load_json(os.path.basename(ENCODER_CARD))
        enc = enc_card["files"]["encoder"]
        if enc["sha256"] != self.card["encoder"]["sha256"]:
            from ..errors import ModelError

            raise ModelError(t("The building head was trained on another promptable encoder than the one installed."),
                             t("Retrain it (make train-buildings-head) or reinstall the plugin."))
        self.encoder = open_verified(os.path.join(MODELS_DIR, enc["file"]), enc, device, t(FIX), t("promptable network encoder"))[0]
        self.head, self.device_report = open_verified(os.path.join(MODELS_DIR, self.card["file"]), self.card, device, t(FIX),
                                                      t("building head"))

    def probability(self, image: np.ndarray) -> np.ndarray:
        """(h, w) building probability of a (3, h, w) image stretched to 0..1 at about 0.5 m."""
        from scipy import ndimage

        h, w = image.shape[1:]
        x = np.pad(image.astype(np.float32), ((0, 0), (0, -h % 16), (0, -w % 16)), mode="reflect" if min(h, w) > 16 else "edge")
        emb = self.encoder.run(None, {"image": x[None]})[0]
        logit = self.head.run(None, {"embedding": emb, "image": x[None]})[0][0, 0]
        up = ndimage.zoom(logit, STRIDE, order=1, mode="nearest", grid_mode=True)[:h, :w]
        return (1.0 / (1.0 + np.exp(-np.clip(up, -30, 30)))).astype(np.float32)

    def log_odds(self, bands: dict[str, np.ndarray], valid: np.ndarray, pixel_m: float,
                 stretch: Optional[tuple] = None) -> np.ndarray:
        """(h, w) building log-odds of a block of red, green, blue at ``pixel_m``, read at the working 0.5 m."""
        from scipy import ndimage

        stretch = stretch or stretch_of(bands, valid)
        img = np.stack([np.clip((np.nan_to_num(np.asarray(bands[r], np.float32)) - lo) / (hi - lo), 0, 1)
                        for r, (lo, hi) in zip(ROLES, stretch)])
        img[:, ~valid] = 0
        h, w = valid.shape
        z = pixel_m / float(self.card.get("working_pixel_m", 0.5))
        small = ndimage.zoom(img, (1, z, z), order=1, grid_mode=True, mode="nearest") if abs(z - 1) > 0.05 else img
        p = self.probability(small)
        if p.shape != (h, w):
            p = ndimage.zoom(p, (h / p.shape[0], w / p.shape[1]), order=1, grid_mode=True, mode="nearest")[:h, :w]
            p = np.pad(p, ((0, h - p.shape[0]), (0, w - p.shape[1])), mode="edge")
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p)).astype(np.float32)


@lru_cache(maxsize=None)
def shared(device: str = "cpu") -> BuildingHead:
    """One head per device for the process."""
    return BuildingHead(device)
