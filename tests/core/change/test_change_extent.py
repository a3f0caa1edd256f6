"""EXTENT for detect_change: the scene is fitted on the whole pair and only the extent is computed, so an extent's pixels
are the whole run's there (a crop of the files refitted the thresholds on the crop: IR-MAD called 11.3 % of an OSCD
Beihai window change where the whole pair calls 15.6 %); an extent off the area both dates cover, or with no area, is
refused."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window

from change_pairs import change_pair, write_pair
from conftest import ROOT, S2_NAMES, write_raster
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.tiling import TileSpec

WINDOW = Window(37, 15, 134, 106)
"""Columns 37-170, rows 15-120 of the 200x160 synthetic pair: it cuts tiles and holds part of both changed squares."""
S1_CROP = f"{ROOT}/tests/data/sen1floods11_s1_crop.tif"


def _bounds(path: str, window: Window) -> tuple[float, float, float, float]:
    """xmin, ymin, xmax, ymax of a window of a raster."""
    with rasterio.open(path) as ds:
        left, bottom, right, top = rasterio.windows.bounds(window, ds.transform)
    return left, bottom, right, top


def _run(tmp_path, before: str, after: str, name: str, extent=None, **kw):
    res = detect_change(ChangeRequest(before, after, output_probability=str(tmp_path / f"{name}_p.tif"),
                                      output_change=str(tmp_path / f"{name}_c.tif"), cloud_mask=False, device="cpu",
                                      extent=extent, tiles=TileSpec(64, 16, 1), **kw))
    with rasterio.open(res.output_probability) as p, rasterio.open(res.output_change) as c:
        return res, p.read(1), c.read(1), c.transform


def _check_window_is_whole_run(tmp_path, before: str, after: str, window: Window, **kw):
    """The extent run's probability and change equal the whole run's over the window, on BEFORE's grid of the window."""
    whole, wp, wc, wt = _run(tmp_path, before, after, "whole", **kw)
    part, pp, pc, pt = _run(tmp_path, before, after, "part", _bounds(before, window), **kw)
    rows, cols = slice(window.row_off, window.row_off + window.height), slice(window.col_off, window.col_off + window.width)
    assert pc.shape == (window.height, window.width)
    assert pt == wt * wt.translation(window.col_off, window.row_off)
    assert np.array_equal(pp, wp[rows, cols])
    assert np.array_equal(pc, wc[rows, cols])
    assert (pc == 1).any() and (pc == 0).any()
    assert part.threshold == whole.threshold
    assert part.valid_area_m2 < whole.valid_area_m2
    n_changed = int((pc == 1).sum())
    assert part.changed_area_m2 == pytest.approx(n_changed * part.valid_area_m2 / int((pc != 255).sum()), rel=1e-4)  # rows differ a little
    assert "fitted on the whole pair" in part.summary and "fitted on the whole pair" not in whole.summary
    return whole, part


@pytest.mark.parametrize("method", ["cva", "irmad", "network"])
def test_an_extent_of_an_optical_pair_is_the_whole_run_there(tmp_path, method):
    pb, pa, _ = write_pair(tmp_path)
    _check_window_is_whole_run(tmp_path, pb, pa, WINDOW, method=method)


def test_an_extent_keeps_the_whole_runs_from_to_classes(tmp_path):
    """With from/to classes, the land-cover classes of both dates and the change matrix are the window's, from the whole
    run's class fits."""
    pb, pa, _ = write_pair(tmp_path)
    whole, part = _check_window_is_whole_run(tmp_path, pb, pa, WINDOW, method="cva", classes=True)
    assert part.from_classes == whole.from_classes and part.to_classes == whole.to_classes
    assert part.matrix_m2.sum() == pytest.approx(part.changed_area_m2)
    assert np.count_nonzero(part.matrix_m2) > 1 and part.matrix_m2.sum() < whole.matrix_m2.sum()


def test_an_extent_of_a_sar_pair_is_the_whole_run_there(tmp_path):
    """Log-ratio on the Sen1Floods11 S1 crop against itself with fresh speckle and a made flood."""
    with rasterio.open(S1_CROP) as ds:
        db, profile = ds.read().astype(np.float64), ds.profile
    after = db + 10 * np.log10(np.random.default_rng(7).gamma(4.4, 1 / 4.4, db.shape))
    after[:, 20:70, 10:60] -= 10.0
    profile.update(dtype="float32", nodata=None)
    paths = []
    for name, data in (("s1_before.tif", db), ("s1_after.tif", after)):
        with rasterio.open(tmp_path / name, "w", **profile) as out:
            out.write(data.astype(np.float32))
            for i, d in enumerate(("VV", "VH"), start=1):
                out.set_band_description(i, d)
        paths.append(str(tmp_path / name))
    _check_window_is_whole_run(tmp_path, *paths, Window(30, 40, 50, 45), method="logratio")


def test_an_extent_off_the_area_both_dates_cover_is_refused_naming_both(tmp_path):
    b, a, _ = change_pair()
    pb = write_raster(str(tmp_path / "before.tif"), b, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "after.tif"), a[:, :, 100:], transform=from_origin(501000, 4500000, 10, 10),
                      descriptions=S2_NAMES)  # AFTER covers BEFORE's right half only
    with pytest.raises(InputError) as err:
        _run(tmp_path, pb, pa, "off", (500100, 4499000, 500500, 4499500), method="cva")
    msg = str(err.value)
    assert "x 500100 to 500500, y 4499000 to 4499500 in EPSG:32633" in msg
    assert "x 501000 to 502000, y 4498400 to 4500000 in EPSG:32633" in msg
    assert not (tmp_path / "off_c.tif").exists()


def test_an_extent_with_no_area_is_refused(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    with pytest.raises(InputError, match="no area"):
        _run(tmp_path, pb, pa, "flat", (500100, 4499000, 500100, 4499500), method="cva")
