"""SAR log-ratio change detection for intensity pairs.

Backscatter is speckle-filtered (a 5×5 mean in the linear domain, which needs a
2-pixel context around each tile) and compared as the log-ratio
10·log10(I_after / I_before) in dB per polarisation. A scene-wide offset between
the dates (calibration, incidence angle, σ0 against γ0) is the mode of each
polarisation's log-ratio, where nothing changed; above OFFSET_MIN_DB it is
removed and said. The absolute log-ratio, averaged over the polarisations both
dates have, is thresholded: multiplicative speckle becomes additive in the log
domain, so one threshold fits dark and bright areas alike. The threshold is the
minimum-error (Kittler-Illingworth) split of a sample of the scene, Otsu's when
that finds no second mode, and never below FLOOR_DB.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from scipy import ndimage

from ..messages import decimal, number, percent, separator, t
from .align import PairBlock
from .methods import ChangeMethod, LogisticCalibration, smooth_valid

WINDOW = 5
FLOOR_DB = 1.0
"""Smallest |log-ratio| (dB) called change: after the 5x5 mean, speckle alone moves a pixel's ratio by about 1 dB
(two estimates of some 25 looks each), so a scene-adaptive threshold below it splits noise (a pair that differs only
by rounding had 2 % called change)."""
OFFSET_MIN_DB = 0.5
"""A scene-wide log-ratio offset (the no-change mode) of at least this is removed as a calibration or incidence-angle
difference: AFTER 3 dB brighter overall lifted the threshold from 1.4 to 5.2 dB and halved the flood found (F1 0.854
→ 0.640). Below it the offset is within what speckle and real change move the mode."""
UNIT_GAP_DB = 4.0
"""An offset of at least this is more often a unit mismatch than a calibration difference: amplitude read as intensity
halves every dB value (land at -11.6 dB reads -5.8 dB: 5.8 dB apart)."""
BIN_DB = 0.05
"""Bin width (dB) of the log-ratio histogram whose smoothed peak is the no-change mode."""


def _smooth_linear(db: np.ndarray, valid: np.ndarray, size: int = WINDOW) -> np.ndarray:
    """Mean of linear intensity over valid pixels in a size×size window, back in dB."""
    with np.errstate(over="ignore", invalid="ignore"):
        lin = smooth_valid(np.where(valid, 10.0 ** (db / 10.0), 0.0).astype(np.float32), valid, size)
    return (10.0 * np.log10(np.maximum(lin, 1e-10))).astype(np.float32)


def signed_log_ratios(block: PairBlock, offsets: Optional[np.ndarray] = None) -> np.ndarray:
    """(p, h, w) speckle-filtered log-ratio AFTER − BEFORE in dB per polarisation, less each one's ``offsets`` (dB)."""
    out = np.empty(block.before.shape, dtype=np.float32)
    for i in range(block.before.shape[0]):
        out[i] = _smooth_linear(block.after[i], block.valid) - _smooth_linear(block.before[i], block.valid)
        if offsets is not None and offsets[i]:
            out[i] -= np.float32(offsets[i])
    return out


def log_ratio(block: PairBlock, offsets: Optional[np.ndarray] = None) -> np.ndarray:
    """(h, w) mean absolute log-ratio in dB over the polarisations (``offsets`` as in :func:`signed_log_ratios`)."""
    return np.abs(signed_log_ratios(block, offsets)).mean(axis=0) if block.before.shape[0] else (
        np.zeros(block.valid.shape, dtype=np.float32))


def no_change_mode(values: np.ndarray) -> float:
    """The mode (dB) of log-ratios: where the unchanged pixels sit, which a flood over much of the scene moves the
    median away from but not the mode (the changed pixels spread over many dB, the unchanged ones within about 1)."""
    v = values[np.isfinite(values)]
    if v.size < 16:
        return 0.0
    lo, hi = np.percentile(v, [0.5, 99.5])
    if hi - lo < 2 * BIN_DB:
        return float(np.median(v))
    hist, edges = np.histogram(v, bins=int(np.ceil((hi - lo) / BIN_DB)), range=(lo, hi))
    peak = int(np.argmax(ndimage.gaussian_filter1d(hist.astype(np.float64), 0.25 / BIN_DB)))
    centre = 0.5 * (edges[peak] + edges[peak + 1])
    near = v[np.abs(v - centre) <= 1.0]  # the median of the peak itself, finer than a bin
    return float(np.median(near)) if near.size else float(centre)


class LogRatio(ChangeMethod):
    """|log-ratio| (dB) → probability with a scene-adaptive threshold, after removing a scene-wide offset."""

    name = "logratio"
    context = 2

    def __init__(self) -> None:
        super().__init__()
        self.offsets: Optional[np.ndarray] = None
        """Per polarisation dB removed from AFTER − BEFORE (the no-change mode, when at least OFFSET_MIN_DB)."""
        self.polarisations: dict[str, str] = {}
        """Role → the polarisation it holds (HH is read in VV's role), for the notes; the roles themselves when empty."""

    def fit(self, blocks: list[PairBlock]) -> None:
        roles = blocks[0].roles
        signed = np.concatenate([signed_log_ratios(b)[:, b.valid] for b in blocks], axis=1)
        modes = np.array([no_change_mode(s) for s in signed])
        self.offsets = np.where(np.abs(modes) >= OFFSET_MIN_DB, modes, 0.0) if modes.size else None
        if self.offsets is not None:
            signed -= self.offsets[:, None].astype(np.float32)
            if not self.offsets.any():
                self.offsets = None
        lr = np.abs(signed).mean(axis=0)
        self.calib = LogisticCalibration(lr, floor=FLOOR_DB)
        names = [self.polarisations.get(r, r).upper() for r in roles]
        self.notes = [
            t("Log-ratio on {bands} (dB, {window}x{window} speckle mean), fitted on {pixels} sample pixels",
              bands=", ".join(names), window=WINDOW, pixels=number(lr.size)),
        ]
        if self.offsets is not None:
            self.notes.append(self._offset_note(names))
        self.notes.append(t("Threshold: {how} → |log-ratio| ≥ {value} dB", how=self.calib.how,
                            value=decimal(f"{self.calib.center:.2f}")))
        changed = lr > self.calib.center
        if changed.any() and not self.calib.no_variation:  # no direction of no change
            dark = float((signed[:, changed].mean(axis=0) < 0).mean())
            self.notes.append(t("Direction: {bright} of changed sample pixels brighten, {dark} darken",
                                bright=percent(1 - dark), dark=percent(dark)))

    def _offset_note(self, names: list[str]) -> str:
        """The line that says which scene-wide offset was removed, and when it is large, that units may differ."""
        used = [(n, float(o)) for n, o in zip(names, self.offsets) if o]
        mean = float(np.mean([o for _, o in used]))
        gap = decimal(f"{abs(mean):.1f}")
        per = ", ".join(f"{n} {decimal(f'{o:+.1f}')}" for n, o in used)
        line = (t("AFTER is {db} dB brighter overall than BEFORE ({per} dB at the log-ratio's no-change mode): removed as "
                  "a calibration or incidence-angle difference", db=gap, per=per) if mean > 0 else
                t("AFTER is {db} dB darker overall than BEFORE ({per} dB at the log-ratio's no-change mode): removed as "
                  "a calibration or incidence-angle difference", db=gap, per=per))
        if abs(mean) >= UNIT_GAP_DB:
            line += separator() + t("a gap this large is more often a unit mismatch (amplitude read as intensity halves "
                                    "every dB value): check how each date's values were read above")
        return line

    def probability(self, block: PairBlock) -> np.ndarray:
        return self.calib(log_ratio(block, self.offsets))
