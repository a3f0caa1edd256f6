"""Dark-object subtraction for optical values that are not calibrated reflectance.

Raw digital numbers (an 8-bit export, a DN product without its calibration) carry a per-band offset: path radiance
(haze) and the sensor's bias. Ratio indices such as MNDWI or NDVI are meaningless on them (on the 8-bit Landsat-7
Taizhou pair MNDWI > 0.05 held for 45 % of the scene and NDVI > 0.35 for none). The classical first-order
correction (DOS, as in Chavez 1988 and SCP's DOS1) takes the darkest values of each band as that offset and
subtracts it, which makes the indices usable again (Taizhou: MNDWI > 0.05 then on 2 %, NDVI > 0.35 on 51 %).

Limit (that of DOS): each band needs a near-black object in the scene (deep shadow; water in NIR/SWIR). Where clear
water itself is the darkest object in the green band, its green excess over SWIR is subtracted away with the haze.
"""
from __future__ import annotations

import numpy as np

from ..stack import BandSet

DARK_PERCENTILE = 0.1
"""Percentile of a band's valid sample values taken as its dark object (robust to a few dead or noisy pixels)."""

OPTICAL_ROLES = ("coastal", "blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "swir1", "swir2")
"""Bands that carry an additive haze/bias offset (not SAR, heights or thermal)."""


def needs_dark_objects(roles: set[str], calibrated: bool) -> bool:
    """True for uncalibrated values of a multispectral sensor with SWIR bands (raw DN of Landsat TM/ETM+, SPOT,
    ASTER ... stored as 8-bit), whose ratio indices the per-band offsets distort.

    Not for RGB or RGB+NIR: such 8-bit products (aerial, NAIP) are radiometrically balanced. The values alone cannot
    tell raw DN from reflectance written as 8-bit numbers (their dark-object levels overlap), and on the latter the
    subtraction hurts: Sentinel-2 reflectance of the 14 OSCD scenes as 8-bit RGBN lost agreement with the 13-band
    result from 0.77 to 0.37 (water) and 0.99 to 0.69 (vegetation) (as 8-bit with SWIR: 0.93 -> 0.34 and 0.99 ->
    0.69): where clear water is the darkest object in the green band, its green excess is subtracted with the haze."""
    return not calibrated and bool(roles & {"swir1", "swir2"})


def fit_dark_objects(sample: BandSet) -> dict[str, float]:
    """Per optical band, the dark-object value: the DARK_PERCENTILE of its valid values in a scene sample."""
    dark = {}
    for role in OPTICAL_ROLES:
        band = sample.bands.get(role)
        if band is None:
            continue
        v = band[sample.valid_for([role]) & np.isfinite(band)]
        if v.size:
            dark[role] = float(np.percentile(v, DARK_PERCENTILE))
    return dark


def subtract_dark_objects(bs: BandSet, dark: dict[str, float]) -> BandSet:
    """The BandSet with each band's dark object subtracted (floored at 0); other bands unchanged."""
    bands = dict(bs.bands)
    for role, d in dark.items():
        if role in bands:
            bands[role] = np.maximum(bands[role] - np.float32(d), np.float32(0.0))
    return BandSet(bands, bs.valid, bs.role_valid)
