"""SAR log-ratio change detection for intensity pairs.

Backscatter is speckle-filtered (a 5×5 mean in the linear domain, which needs a
2-pixel context around each tile) and compared as |10·log10(I_after / I_before)| in dB,
averaged over the polarisations both dates have. Multiplicative speckle becomes
additive in the log domain, so one threshold fits dark and bright areas alike;
it is found with Otsu on a sample of the scene.
"""
from __future__ import annotations

import numpy as np

from ..messages import decimal, number, t
from .align import PairBlock
from .methods import ChangeMethod, LogisticCalibration, smooth_valid

WINDOW = 5
FLOOR_DB = 1.0
"""Smallest |log-ratio| (dB) called change: after the 5x5 mean, speckle alone moves a pixel's ratio by about 1 dB
(two estimates of some 25 looks each), so a scene-adaptive threshold below it splits noise (a pair that differs only
by rounding had 2 % called change)."""


def _smooth_linear(db: np.ndarray, valid: np.ndarray, size: int = WINDOW) -> np.ndarray:
    """Mean of linear intensity over valid pixels in a size×size window, back in dB."""
    with np.errstate(over="ignore", invalid="ignore"):
        lin = smooth_valid(np.where(valid, 10.0 ** (db / 10.0), 0.0).astype(np.float32), valid, size)
    return (10.0 * np.log10(np.maximum(lin, 1e-10))).astype(np.float32)


def log_ratio(block: PairBlock) -> np.ndarray:
    """(h, w) mean absolute log-ratio in dB over the polarisations."""
    out = np.zeros(block.valid.shape, dtype=np.float32)
    for i in range(block.before.shape[0]):
        out += np.abs(_smooth_linear(block.after[i], block.valid) - _smooth_linear(block.before[i], block.valid))
    return out / max(block.before.shape[0], 1)


class LogRatio(ChangeMethod):
    """|log-ratio| (dB) → probability with a scene-adaptive Otsu threshold."""

    name = "logratio"
    context = 2

    def fit(self, blocks: list[PairBlock]) -> None:
        lr = np.concatenate([log_ratio(b)[b.valid] for b in blocks])
        self.calib = LogisticCalibration(lr, floor=FLOOR_DB)
        self.notes = [
            t("Log-ratio on {bands} (dB, {window}x{window} speckle mean), fitted on {pixels} sample pixels",
              bands=", ".join(blocks[0].roles), window=WINDOW, pixels=number(lr.size)),
            t("Threshold: {how} → |log-ratio| ≥ {value} dB", how=self.calib.how, value=decimal(f"{self.calib.center:.2f}")),
        ]

    def probability(self, block: PairBlock) -> np.ndarray:
        return self.calib(log_ratio(block))
