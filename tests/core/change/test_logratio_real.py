"""METHOD=logratio on real Sentinel-1 backscatter (Sen1Floods11 chip, skipped when absent).

../shared/data holds one Sentinel-1 date only (no before/after SAR pair with change labels), so accuracy on real
SAR change cannot be measured here; these tests pin what a single real scene can: no change against itself, and a
uniform calibration offset between the dates is not called change.
"""
from __future__ import annotations

import rasterio

from conftest import shared
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change


def test_real_s1_against_itself_and_offset(tmp_path):
    s1 = shared("sen1floods11", "Spain_7370579_top_S1Hand.tif")
    same = detect_change(ChangeRequest(s1, s1, output_change=str(tmp_path / "same.tif")))
    assert same.method == "logratio" and same.changed_area_m2 == 0 and same.valid_area_m2 > 0
    with rasterio.open(s1) as src:
        prof, data, desc = src.profile, src.read(), src.descriptions
    shifted = str(tmp_path / "plus2db.tif")
    with rasterio.open(shifted, "w", **prof) as dst:
        dst.write(data + 2.0)  # +2 dB on both polarisations: a calibration difference, nothing changed on the ground
        for i, d in enumerate(desc, 1):
            dst.set_band_description(i, d or "")
    res = detect_change(ChangeRequest(s1, shifted, output_change=str(tmp_path / "offset.tif"), method="logratio"))
    assert res.changed_area_m2 < 0.02 * res.valid_area_m2, res.summary


def test_same_scene_in_db_and_linear_intensity_is_no_change(tmp_path):
    """The chip against itself stored as linear intensity: the two differ only by rounding after the dB conversion, so
    nothing changed (before the 1 dB floor the adaptive threshold split the rounding noise: 2 % called change)."""
    import numpy as np

    s1 = shared("sen1floods11", "Spain_7370579_top_S1Hand.tif")
    with rasterio.open(s1) as src:
        prof, data, desc = src.profile, src.read(), src.descriptions
    linear = str(tmp_path / "linear.tif")
    with rasterio.open(linear, "w", **prof) as dst:
        dst.write((10.0 ** (data / 10.0)).astype(np.float32))
        for i, d in enumerate(desc, 1):
            dst.set_band_description(i, d or "")
    res = detect_change(ChangeRequest(s1, linear, output_change=str(tmp_path / "units.tif")))
    assert res.method == "logratio" and "linear intensity" in res.summary
    assert res.changed_area_m2 == 0, res.summary
    assert "floor" in res.summary
