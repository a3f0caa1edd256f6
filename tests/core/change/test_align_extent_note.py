"""The extent line says what it measures: AFTER's bounding box, and how much of it has data on both dates. A scene
whose collar left a quarter of BEFORE without data was reported as 'Common extent: all of BEFORE'."""
from __future__ import annotations

import numpy as np

from conftest import S2_NAMES, write_raster
from terraprompt.plugin.core.change.align import align_pair
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster

from change_pairs import change_pair


def _extent_line(tmp_path, after: np.ndarray) -> str:
    b, _, _ = change_pair()
    pb = write_raster(str(tmp_path / "before.tif"), b, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "after.tif"), after, nodata=0, descriptions=S2_NAMES)
    before, aft = open_raster(pb), open_raster(pa)
    pair = align_pair(before, aft, resolve_modality(before), resolve_modality(aft), "none", cloud_mask=False)
    return next(r for r in pair.report if r.startswith("Common extent"))


def test_a_collar_inside_the_bounding_box_is_said(tmp_path):
    _, a, _ = change_pair()
    a = a.copy()
    a[:, :, : a.shape[2] // 4] = 0  # a quarter of the scene is collar (nodata)
    line = _extent_line(tmp_path, a)
    assert "bounding box" in line and "data on both dates in 75 % of it" in line, line


def test_full_coverage_says_no_share(tmp_path):
    _, a, _ = change_pair()
    line = _extent_line(tmp_path, a)
    assert line == "Common extent: AFTER's bounding box covers all of BEFORE", line
