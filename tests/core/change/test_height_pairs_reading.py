"""Height pairs: undeclared fill values, a DSM against an nDSM, and the noise floor's unit."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from conftest import write_raster
from plugin.core.change.detect import ChangeRequest, detect_change
from plugin.core.errors import ModalityError

H, W = 120, 120
NEW = (slice(20, 40), slice(20, 40))


def _heights(seed: int, ground: float) -> np.ndarray:
    """Heights in metres: ground plus a 12 m building and 5 cm noise."""
    rng = np.random.default_rng(seed)
    h = np.full((H, W), ground, np.float32) + rng.normal(0, 0.05, (H, W)).astype(np.float32)
    h[70:100, 70:100] += 12.0
    return h


def _write(tmp_path, name: str, h: np.ndarray) -> str:
    return write_raster(str(tmp_path / name), h[None], transform=from_origin(500000, 4500000, 1, 1), descriptions=["DSM"])


def _run(tmp_path, before: str, after: str):
    out = str(tmp_path / "change.tif")
    res = detect_change(ChangeRequest(before=before, after=after, output_change=out, method="cva", cloud_mask=False))
    with rasterio.open(out) as ds:
        return res, ds.read(1) == 1


def test_undeclared_fill_in_a_dsm_is_no_height_and_said(tmp_path):
    after = _heights(2, 100.0)
    after[NEW] += 10.0
    after[80:110, 0:30] = -9999.0  # undeclared fill, no nodata tag
    truth = np.zeros((H, W), bool)
    truth[NEW] = True
    res, changed = _run(tmp_path, _write(tmp_path, "dsm_2018.tif", _heights(1, 100.0)), _write(tmp_path, "dsm_2021.tif", after))
    assert changed[truth].mean() > 0.9
    assert not changed[80:110, 0:30].any()
    assert "values -9999 are fill values, not heights" in res.summary


def test_dsm_against_ndsm_is_refused_with_the_fix(tmp_path):
    with pytest.raises(ModalityError) as err:
        _run(tmp_path, _write(tmp_path, "dsm_2018.tif", _heights(1, 100.0)), _write(tmp_path, "ndsm_2021.tif", _heights(2, 0.0)))
    assert "as a DSM" in str(err.value) and "as an nDSM" in str(err.value)
    assert "both as nDSMs" in err.value.fix


def test_noise_floor_of_a_height_pair_is_in_metres(tmp_path):
    after = _heights(2, 100.0)
    after[NEW] += 10.0
    res, _ = _run(tmp_path, _write(tmp_path, "dsm_2018.tif", _heights(1, 100.0)), _write(tmp_path, "dsm_2021.tif", after))
    assert "under 0.5 m are not change" in res.summary
