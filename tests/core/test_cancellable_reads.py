"""Cancel reaches a run while it reads scene statistics: a large raster without overviews takes minutes to sample (13
bands of a Sentinel-2 tile: five minutes here) before the first tile, where a run first checked for a cancel."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core import raster as R
from terraprompt.plugin.core.errors import Cancelled


@pytest.fixture
def slow(monkeypatch):
    """Every raster counts as slow to sample (as a 10980² one without overviews does)."""
    monkeypatch.setattr(R, "SLOW_SAMPLE_PIXELS", 100)


def test_slow_sample_in_strips_equals_the_plain_read_and_stops_on_cancel(tmp_path, slow):
    data, _, _ = synthetic_s2(300, 200)
    src = R.open_raster(write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES))
    plain = src.sample(bands=[4, 8], max_pixels=6000)
    with R.cancellable_reads(lambda: False):
        strips = src.sample(bands=[4, 8], max_pixels=6000)
    assert strips.shape == plain.shape
    assert abs(float(np.median(strips)) - float(np.median(plain))) < 0.02 * float(np.median(plain))
    with R.cancellable_reads(lambda: True), pytest.raises(Cancelled):
        src.sample(bands=[4, 8])


def test_extract_landcover_stops_before_fitting_on_a_slow_raster(tmp_path, slow, monkeypatch):
    from terraprompt.plugin.core.landcover import spectral
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    fitted = []
    monkeypatch.setattr(spectral.SpectralEngine, "fit", lambda self, *a, **k: fitted.append(1))
    data, _, _ = synthetic_s2(120, 160)
    s2 = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    req = ExtractRequest(s2, "water", str(tmp_path / "lc.tif"), engine="spectral")
    with pytest.raises(Cancelled):
        extract_landcover(req, is_cancelled=lambda: True)
    assert not fitted, "the cancel came only after the scene statistics"
    assert not (tmp_path / "lc.tif").exists()
