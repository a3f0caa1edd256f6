"""Change vector analysis: magnitude and direction of the spectral difference vector.

Each band's difference is standardised by its robust spread in the scene (so a
noisy SWIR band does not outweigh a quiet blue band), the magnitude of the
difference vector is averaged over 3×3 pixels (single-pixel noise and
misregistration) and thresholded with the minimum-error rule on a sample
(scene-adaptive), and
the direction says whether change brightens or darkens the surface (angle of
the vector with the all-bands brightness axis), or for heights alone whether
they rise or fall. A height band's differences are centred on the sample's
median difference first: a vertical offset between the dates (another datum,
geoid against ellipsoid heights) is no change.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..messages import decimal, number, percent, t
from .align import PairBlock
from .methods import ChangeMethod, LogisticCalibration, smooth_valid
from .noise import gate, noise_note, squared_differences


SPREAD_FLOOR = 1e-6
"""A band's difference spread is at least this (a band unchanged on most pixels has none): what the summary calls flat."""


def magnitude(diff: np.ndarray) -> np.ndarray:
    """(h, w) Euclidean norm of the difference vectors."""
    return np.sqrt((diff.astype(np.float32) ** 2).sum(axis=0))


def direction_degrees(diff: np.ndarray) -> np.ndarray:
    """(h, w) angle (0°: uniform brightening, 180°: uniform darkening) to the brightness axis."""
    p = diff.shape[0]
    mag = magnitude(diff)
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = diff.sum(axis=0) / (np.sqrt(p) * mag)
    return np.degrees(np.arccos(np.clip(np.nan_to_num(cos), -1, 1))).astype(np.float32)


def _spread_note(identical: bool, flat: int, shifted: bool = False) -> str:
    """The tail of the fit's note: the dates identical in the sample (``shifted``: once a vertical offset is removed),
    or bands without spread (large magnitudes)."""
    if identical and shifted:
        return t("; once the vertical offset is removed the two dates are identical there (every difference is 0)")
    if identical:
        return t("; the two dates are identical there (every difference is 0)")
    if flat:
        return t("; {n} of them unchanged on most pixels (no spread), so the magnitudes and the threshold are large numbers", n=flat)
    return ""


def _threshold_note(calib: LogisticCalibration, shifted: bool = False) -> str:
    """The threshold line; without variation between the dates (``shifted``: beyond a vertical offset) there is none to
    speak of."""
    if calib.no_variation and shifted:
        return t("Threshold: none; beyond the vertical offset the dates do not vary in the sample, so nothing is called "
                 "change")
    if calib.no_variation:
        return t("Threshold: none; the dates do not vary in the sample, so nothing is called change")
    return t("Threshold: {how} on the 3x3-mean magnitude → {value} (robust standard deviations)", how=calib.how,
             value=decimal(f"{calib.center:.2f}"))


def height_offsets(roles: list[str], diff: np.ndarray) -> np.ndarray:
    """Per band, the difference taken as no change: the median of a height band's sample differences (the dates'
    vertical offset), 0 for every other band (optical pairs are left as they are)."""
    offsets = np.zeros(diff.shape[0], np.float32)
    if "height" in roles and diff.shape[1]:
        i = roles.index("height")
        offsets[i] = np.float32(np.median(diff[i]))
    return offsets


def _offset_note(roles: list[str], offsets: np.ndarray) -> list[str]:
    """The line saying the vertical offset removed between the dates ([] when it is under 5 cm or there is none)."""
    if "height" not in roles or abs(float(offsets[roles.index("height")])) < 0.05:
        return []
    return [t("Vertical offset between the dates: {offset} m removed (AFTER minus BEFORE, the median height difference "
              "of the sample; a datum or geoid/ellipsoid difference is no change)",
              offset=decimal(f"{float(offsets[roles.index('height')]):+.1f}"))]


def _direction_note(roles: list[str], bright: float) -> str:
    """The direction line: heights alone rise or fall, other bands brighten or darken."""
    if roles == ["height"]:
        return t("Direction: heights rise on {rise} of changed sample pixels, fall on {fall}", rise=percent(bright),
                 fall=percent(1 - bright))
    return t("Direction: {bright} of changed sample pixels brighten, {dark} darken", bright=percent(bright),
             dark=percent(1 - bright))


class CVA(ChangeMethod):
    """CVA magnitude → probability (logistic centred on the scene's Otsu threshold)."""

    name = "cva"
    context = 1

    def fit(self, blocks: list[PairBlock]) -> None:
        d = np.concatenate([(b.after - b.before)[:, b.valid] for b in blocks], axis=1)
        roles = blocks[0].roles
        self.offsets = height_offsets(roles, d)
        if self.offsets.any():
            d = d - self.offsets[:, None]
            blocks = [self.centred(b) for b in blocks]
        q25, q75 = np.percentile(d, [25, 75], axis=1)
        spread = (q75 - q25) / 1.349
        # a band unchanged (difference exactly 0) on most pixels has no spread: its differences are measured against
        # 1e-6, so magnitudes and the threshold run into the thousands or millions (said in the summary; a noise-floor
        # scale instead moved the minimum-error threshold of such degenerate pairs across the changed pixels' level)
        self.scale = np.maximum(spread, SPREAD_FLOOR)
        flat = int((spread < SPREAD_FLOOR).sum())  # only these inflate: a spread of 0.003 is small, not absent
        mags = np.concatenate([self.smoothed(b)[b.valid] for b in blocks])
        self.calib = LogisticCalibration(mags)
        changed = magnitude(d / self.scale[:, None]) > self.calib.center
        dirs = direction_degrees(d[:, changed] / self.scale[:, None]) if changed.any() else np.zeros(0)
        bright = float((dirs < 90).mean()) if dirs.size else 0.0
        offset = _offset_note(roles, self.offsets)
        identical, shifted = not d.any(), bool(offset)
        self.notes = offset + [
            (t("CVA on {bands} bands (differences standardised by their robust spread), fitted on {pixels} sample pixels",
               bands=d.shape[0], pixels=number(d.shape[1])) if d.shape[0] > 1 else
             t("CVA on 1 band (differences standardised by their robust spread), fitted on {pixels} sample pixels",
               pixels=number(d.shape[1]))) + _spread_note(identical, flat, shifted),
            _threshold_note(self.calib, shifted),
        ]
        if dirs.size:  # no direction of no change
            self.notes.append(_direction_note(roles, bright))
        self.notes.append(noise_note(blocks))

    def centred(self, block: PairBlock) -> PairBlock:
        """The block with AFTER's vertical offset taken out (the block itself when there is none)."""
        if not self.offsets.any():
            return block
        return replace(block, after=block.after - self.offsets[:, None, None].astype(block.after.dtype))

    def smoothed(self, block: PairBlock) -> np.ndarray:
        """(h, w) magnitude averaged over 3×3 valid pixels."""
        return smooth_valid(np.sqrt(squared_differences(block, self.scale)[1]), block.valid)

    def probability(self, block: PairBlock) -> np.ndarray:
        block = self.centred(block)
        msq, mag2 = squared_differences(block, self.scale)
        return gate(self.calib(smooth_valid(np.sqrt(mag2), block.valid)), block, msq)
