"""detect_change with a fill at the data type's largest value: left out as land cover leaves it out, and a refusal that
names the cloud masking when it took every pixel (report_gaps finding 1)."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.windows import Window

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.change import align
from terraprompt.plugin.core.change.align import align_pair
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster


def _pair(tmp_path, fill: bool):
    """BEFORE with a block of 65535 in every band (undeclared), AFTER the same scene."""
    data, _, _ = synthetic_s2(160, 160)
    before = data.copy()
    if fill:
        before[:, 40:80, :] = 65535
    b = open_raster(write_raster(str(tmp_path / "b.tif"), before, descriptions=S2_NAMES))
    a = open_raster(write_raster(str(tmp_path / "a.tif"), data, descriptions=S2_NAMES))
    return b, a


def test_fill_at_the_largest_value_is_nodata_in_change(tmp_path):
    b, a = _pair(tmp_path, True)
    pair = align_pair(b, a, resolve_modality(b, "auto"), resolve_modality(a, "auto"), cloud_mask=False)
    blk = pair.read(Window(0, 0, 160, 160))
    assert not blk.valid[40:80].any()  # was valid: 100 % of the fill called change
    assert blk.valid[:40].all() and blk.valid[80:].all()


class _AllCloud:
    """A cloud network stand-in calling every cell cloud."""
    bands, factor, pixel_m, skipped, narrow = ("blue", "green", "red", "nir"), 1, 10.0, None, None

    def probabilities(self, bands: dict, valid: np.ndarray) -> np.ndarray:
        p = np.zeros((3, *valid.shape), np.float32)
        p[1] = 1.0
        return p

    def describe(self, caution: bool = True) -> str:
        return "stand-in"

    def narrow_caution(self) -> str:
        return ""


def test_refusal_names_the_cloud_masking(tmp_path, monkeypatch):
    b, a = _pair(tmp_path, False)
    monkeypatch.setattr(align, "cloud_maskers", lambda *args: ([_AllCloud(), _AllCloud()], ""))
    with pytest.raises(InputError) as err:
        align_pair(b, a, resolve_modality(b, "auto"), resolve_modality(a, "auto"))
    assert "cloud masking took out all" in str(err.value)  # was 'no valid pixel in common ... Check the nodata values'
    assert "no valid pixel in common" not in str(err.value)


def test_zero_stripes_beside_a_declared_nodata_are_cautioned_in_the_change_report(tmp_path):
    """BEFORE declares nodata -9999 but has stripes of 0 in every band (SLC-off under a declared fill): its report line
    cautions, as the land-cover explanation does (the change summary said nothing)."""
    data, _, _ = synthetic_s2(160, 160)
    striped = data.astype(np.int32).copy()
    striped[:, :, 20:40] = 0
    b = open_raster(write_raster(str(tmp_path / "b.tif"), striped.astype(np.int16), descriptions=S2_NAMES, nodata=-9999))
    a = open_raster(write_raster(str(tmp_path / "a.tif"), data.astype(np.int16), descriptions=S2_NAMES, nodata=-9999))
    pair = align_pair(b, a, resolve_modality(b, "auto"), resolve_modality(a, "auto"), cloud_mask=False)
    before_line = next(line for line in pair.report if line.startswith("BEFORE:"))
    after_line = next(line for line in pair.report if line.startswith("AFTER:"))
    assert "nodata value declared is -9999" in before_line
    assert "nodata value declared" not in after_line
