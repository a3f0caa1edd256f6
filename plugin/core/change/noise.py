"""The radiometric noise floor of change: differences within it are never called change.

CVA and IR-MAD standardise the differences by the scene's own spread, so on a
pair that differs only by rounding, compression or resampling noise they still
split that noise into "change" (IR-MAD called half of a rounding-only OSCD pair
changed). A pixel whose root-mean-square difference over the bands (3x3 mean)
is below MIN_CHANGE, in the pair's physical units (reflectance 0-1, or 0-1 for
scaled DN), below MIN_CHANGE_DB for a SAR pair (dB) or below MIN_CHANGE_M for heights (m), cannot reach probability 0.5. A
stack of bands of several units (optical bands, SAR polarisations, a height band) has a floor per unit; a pixel under the
floor of every unit cannot be change.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from ..messages import decimal, percent, t
from .align import SAR_ROLES, PairBlock
from .methods import smooth_valid

MIN_CHANGE = 0.005
"""Smallest RMS difference over the bands that can be change: 0.5 % reflectance, 50 Sentinel-2 DN, 1.3 grey levels
of 8-bit data (rounding and 1-2 DN jitter stay below it; the smallest per-band robust spread of the differences
over the 10 OSCD city pairs is 0.006, and 0.02 % of their labelled change pixels are below it, 0.1 % below 1.5 times
it)."""


MIN_CHANGE_DB = 0.5
"""Smallest RMS difference over the polarisations (dB) that can be change on a SAR pair: half the log-ratio's 1 dB
floor. Rounding to 0.1 dB moves a pixel by 0.03 dB RMS (CVA called 1 % of such a pair changed under the reflectance
floor, which means nothing in dB); unfiltered speckle alone moves pixels by several dB, so the floor never bites on it."""


MIN_CHANGE_M = 0.5
"""Smallest height difference (m, 3x3 mean) that can be change on a height band, about the vertical accuracy of an aerial
photogrammetric DSM. On the 1 m DSM pair of the stacked-change probe (+10 m, -8 m and -12 m buildings) with 0.05 to 1 m of
noise per date, CVA's F1 is the same under 0.005 m and 0.5 m (0.938-0.939), while the noise-only pairs of 0.05 and 0.15 m
(LiDAR) lose their 0.11 % of false change under 0.5 m (0.005 m, a reflectance number, was no floor in metres). A storey is
3 m, so no building change comes near it."""


def unit_groups(roles: list[str]) -> list[tuple[list[int], float]]:
    """The columns of each unit and its floor: the optical (or other) bands, the polarisations (dB) and the height band
    (m), one group when all share one."""
    sar = [i for i, r in enumerate(roles) if r in SAR_ROLES]
    height = [i for i, r in enumerate(roles) if r == "height"]
    rest = [i for i, r in enumerate(roles) if r not in SAR_ROLES and r != "height"]
    return [(cols, floor) for cols, floor in ((rest, MIN_CHANGE), (sar, MIN_CHANGE_DB), (height, MIN_CHANGE_M)) if cols]


def _columns(block: PairBlock, cols: list[int]) -> PairBlock:
    """The block with some of its bands only."""
    return PairBlock([block.roles[i] for i in cols], block.before[cols], block.after[cols], block.valid)


def squared_differences(block: PairBlock, scale: Optional[np.ndarray] = None) -> tuple[np.ndarray, Optional[np.ndarray]]:
    """(h, w) mean squared difference over the bands and, with a per-band ``scale``, the sum of squared standardised
    differences (CVA's squared magnitude); band by band, without a (p, h, w) temporary."""
    msq = np.zeros(block.valid.shape, np.float32)
    mag2 = None if scale is None else np.zeros(block.valid.shape, np.float32)
    for i, (b, a) in enumerate(zip(block.before, block.after)):
        d = (a - b).astype(np.float32, copy=False)
        msq += d * d
        if mag2 is not None:
            d = d / np.float32(scale[i])
            mag2 += d * d
    msq /= np.float32(max(len(block.before), 1))
    return msq, mag2


def rms_difference(block: PairBlock, mean_square: Optional[np.ndarray] = None) -> np.ndarray:
    """(h, w) root-mean-square difference over the bands, averaged over 3x3 valid pixels (from ``mean_square`` when
    the caller has it)."""
    msq = squared_differences(block)[0] if mean_square is None else mean_square
    return smooth_valid(np.sqrt(msq), block.valid)


def noise_cap(rms: np.ndarray, floor: float = MIN_CHANGE) -> np.ndarray:
    """Highest probability a pixel may have: 0 up to half the floor, 0.5 at it, 1 from 1.5 times it (continuous)."""
    return np.clip(rms / np.float32(floor) - np.float32(0.5), 0.0, 1.0).astype(np.float32)


def gate(probability: np.ndarray, block: PairBlock, mean_square: Optional[np.ndarray] = None) -> np.ndarray:
    """The probability capped by :func:`noise_cap` of the block's differences (per unit: the highest cap of any unit)."""
    groups = unit_groups(block.roles)
    if len(groups) == 1:
        return np.minimum(probability, noise_cap(rms_difference(block, mean_square), groups[0][1])).astype(np.float32)
    cap = np.max([noise_cap(rms_difference(_columns(block, cols)), floor) for cols, floor in groups], axis=0)
    return np.minimum(probability, cap).astype(np.float32)


def _under_floor(block: PairBlock) -> np.ndarray:
    """Valid pixels whose differences are under the floor of every unit."""
    under = block.valid.copy()
    for cols, floor in unit_groups(block.roles):
        under &= rms_difference(_columns(block, cols)) < floor
    return under


def noise_note(blocks: list[PairBlock]) -> str:
    """The explanation line of the floor: its value and the share of the sample's valid pixels within it."""
    n = sum(int(b.valid.sum()) for b in blocks)
    low = sum(int(_under_floor(b).sum()) for b in blocks)
    share = percent(low / n if n else 0.0, 1)
    roles = blocks[0].roles if blocks else []
    groups = unit_groups(roles)
    if len(groups) > 1:  # a stack of bands of several units: a floor per unit
        return t("Noise floor, per unit: pixels whose differences (RMS over the bands of a unit, 3x3 mean) are {floors} are "
                 "not change: {share} of the sample", share=share,
                 floors=t(" and ").join(_floor_text([roles[i] for i in cols], floor) for cols, floor in groups))
    if roles == ["height"]:  # heights differ in metres
        return t("Noise floor: pixels whose height differences (3x3 mean) are under {floor} m are not change: {share} of "
                 "the sample", floor=decimal(f"{MIN_CHANGE_M:g}"), share=share)
    if set(roles) & SAR_ROLES:  # SAR pairs differ in dB, not in reflectance
        return t("Noise floor: pixels whose differences (RMS over the polarisations, 3x3 mean) are under {floor} dB are "
                 "not change: {share} of the sample", floor=decimal(f"{MIN_CHANGE_DB:g}"), share=share)
    return t("Noise floor: pixels whose differences (RMS over the bands, 3x3 mean) are under {floor} are not change: "
             "{share} of the sample", floor=decimal(f"{MIN_CHANGE:g}"), share=share)


def _floor_text(bands: list[str], floor: float) -> str:
    """One unit's floor in a per-unit noise note ('under 0.005 on red, nir', 'under 0.5 dB on vv, vh', 'under 0.5 m on
    height')."""
    value, names = decimal(f"{floor:g}"), ", ".join(bands)
    if set(bands) & SAR_ROLES:
        return t("under {floor} dB on {bands}", floor=value, bands=names)
    if bands == ["height"]:
        return t("under {floor} m on {bands}", floor=value, bands=names)
    return t("under {floor} on {bands}", floor=value, bands=names)
