"""SAR log-ratio change detection for intensity pairs.

Backscatter is speckle-filtered (a 5×5 mean in the linear domain, which needs a
2-pixel context around each tile) and compared as the log-ratio
10·log10(I_after / I_before) in dB per polarisation. A scene-wide offset between
the dates (calibration, incidence angle, σ0 against γ0) is the mode of each
polarisation's log-ratio, where nothing changed; from OFFSET_MIN_DB up to
MAX_OFFSET_DB it is removed and said, a larger one is said and left (a flood over
most of the scene moves the mode by its own darkening). The absolute log-ratio, averaged over the polarisations both
dates have, is thresholded: multiplicative speckle becomes additive in the log
domain, so one threshold fits dark and bright areas alike. The threshold is the
minimum-error (Kittler-Illingworth) split of a sample of the scene, Otsu's when
that finds no second mode, and never below FLOOR_DB.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from scipy import ndimage

from ..messages import decimal, number, percent, t
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
MAX_OFFSET_DB = 3.5
"""Largest scene-wide offset removed: calibration and incidence-angle differences between dates stay within a few dB,
a flood darkens by 6-10 dB. Where a flood covers most of a flat scene the no-change mode is the flood's own darkening
(11.9 dB at 60 % and 75 % flooded): removing it called all the dry land changed (F1 0.009 → 0.999 at 60 % with it
left). A larger gap is a change over most of the scene or a unit mismatch (amplitude read as intensity halves every dB
value: land at -11.6 dB reads -5.8 dB), said and not removed."""
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


class TileLogRatios:
    """The signed log-ratios of the last block asked for, less the scene offsets: the method and the SAR class maps
    read the same tile, and the 5x5 despeckling is computed once for both."""

    def __init__(self, offsets: Optional[np.ndarray] = None) -> None:
        self.offsets = offsets
        self._block: Optional[PairBlock] = None
        self._signed: Optional[np.ndarray] = None

    def __call__(self, block: PairBlock) -> np.ndarray:
        """(p, h, w) :func:`signed_log_ratios` of ``block`` with the offsets, computed once per block."""
        if block is not self._block:
            self._block, self._signed = block, signed_log_ratios(block, self.offsets)
        return self._signed


def scene_offsets(signed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per polarisation of (p, n) sample log-ratios: the no-change mode (dB) and the offset removed (the mode when it is
    from OFFSET_MIN_DB to under MAX_OFFSET_DB, else 0)."""
    modes = np.array([no_change_mode(v) for v in signed])
    size = np.abs(modes)
    return modes, np.where((size >= OFFSET_MIN_DB) & (size < MAX_OFFSET_DB), modes, 0.0)


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
        """Per polarisation dB removed from AFTER − BEFORE (see :func:`scene_offsets`); None when nothing is."""
        self.tiles = TileLogRatios()
        """Each tile's signed log-ratios, shared with the SAR class maps."""
        self.polarisations: dict[str, str] = {}
        """Role → the polarisation it holds (HH is read in VV's role), for the notes; the roles themselves when empty."""

    def fit(self, blocks: list[PairBlock]) -> None:
        roles = blocks[0].roles
        signed = np.concatenate([signed_log_ratios(b)[:, b.valid] for b in blocks], axis=1)
        modes, offsets = scene_offsets(signed)
        self.offsets = offsets if offsets.any() else None
        if self.offsets is not None:
            signed -= self.offsets[:, None].astype(np.float32)
        self.tiles = TileLogRatios(self.offsets)
        lr = np.abs(signed).mean(axis=0)
        self.calib = LogisticCalibration(lr, floor=FLOOR_DB)
        names = [self.polarisations.get(r, r).upper() for r in roles]
        self.notes = [
            t("Log-ratio on {bands} (dB, {window}x{window} speckle mean), fitted on {pixels} sample pixels",
              bands=", ".join(names), window=WINDOW, pixels=number(lr.size)),
        ]
        if self.offsets is not None:
            self.notes.append(self._offset_note(names))
        kept = np.abs(modes) >= MAX_OFFSET_DB
        if kept.any():
            self.notes.append(self._gap_note(names, modes, kept))
        self.notes.append(t("Threshold: {how} → |log-ratio| ≥ {value} dB", how=self.calib.how,
                            value=decimal(f"{self.calib.center:.2f}")))
        changed = lr > self.calib.center
        if changed.any() and not self.calib.no_variation:  # no direction of no change
            dark = float((signed[:, changed].mean(axis=0) < 0).mean())
            self.notes.append(t("Direction: {bright} of changed sample pixels brighten, {dark} darken",
                                bright=percent(1 - dark), dark=percent(dark)))

    def _offset_note(self, names: list[str]) -> str:
        """The line that says which scene-wide offset was removed."""
        used = [(n, float(o)) for n, o in zip(names, self.offsets) if o]
        mean = float(np.mean([o for _, o in used]))
        gap = decimal(f"{abs(mean):.1f}")
        per = ", ".join(f"{n} {decimal(f'{o:+.1f}')}" for n, o in used)
        return (t("AFTER is {db} dB brighter overall than BEFORE ({per} dB at the log-ratio's no-change mode): removed as "
                  "a calibration or incidence-angle difference", db=gap, per=per) if mean > 0 else
                t("AFTER is {db} dB darker overall than BEFORE ({per} dB at the log-ratio's no-change mode): removed as "
                  "a calibration or incidence-angle difference", db=gap, per=per))

    @staticmethod
    def _gap_note(names: list[str], modes: np.ndarray, kept: np.ndarray) -> str:
        """The line that says a scene-wide gap is too large to be calibration, and is left in the log-ratio."""
        per = ", ".join(f"{n} {decimal(f'{float(o):+.1f}')}" for n, o, k in zip(names, modes, kept) if k)
        return t("the log-ratio's no-change mode lies {per} dB from 0: not removed, since a calibration or incidence-angle "
                 "difference is under {limit} dB; either a change covers most of the scene (a flood over most of the area: "
                 "the log-ratio's threshold expects change to be the minority, so much of it may be missed) or a unit "
                 "mismatch between the dates (amplitude read as intensity halves every dB value: check how each date's "
                 "values were read above)",
                 per=per, limit=decimal(f"{MAX_OFFSET_DB:g}"))

    def probability(self, block: PairBlock) -> np.ndarray:
        return self.calib(np.abs(self.tiles(block)).mean(axis=0))
