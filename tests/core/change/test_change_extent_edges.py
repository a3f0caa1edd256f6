"""detect_change on an EXTENT holding only nodata on both dates was not refused: it wrote a change raster of nodata and
an empty polygon file, and its summary read '0.00 % of 0.00 ha compared' (extract_landcover refuses the same extent).
It is now refused before any output is put in place; and an extent partly off BEFORE is said to be clipped."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin
from rasterio.windows import Window, bounds

from change_pairs import change_pair
from conftest import S2_NAMES, write_raster
from terraprompt.plugin.core.change.detect import ChangeRequest, check_compared, detect_change
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.tiling import TileSpec

COLLAR = Window(0, 0, 20, 15)
"""A corner of nodata on both dates (a warp collar)."""


def _collared_pair(tmp_path) -> tuple[str, str]:
    """The synthetic pair with nodata (0) in the COLLAR corner of both dates."""
    paths = []
    for name, data in zip(("before_2020-06-01.tif", "after_2022-06-01.tif"), change_pair()[:2]):
        data[:, :COLLAR.height, :COLLAR.width] = 0
        paths.append(write_raster(str(tmp_path / name), data, nodata=0, descriptions=S2_NAMES))
    return paths[0], paths[1]


def _request(tmp_path, before: str, after: str, extent) -> ChangeRequest:
    return ChangeRequest(before, after, output_change=str(tmp_path / "change.tif"), output_vector=str(tmp_path / "change.gpkg"),
                         method="cva", cloud_mask=False, device="cpu", extent=extent, tiles=TileSpec(64, 16, 1))


def test_an_extent_of_nodata_on_both_dates_is_refused_and_writes_nothing(tmp_path):
    pb, pa = _collared_pair(tmp_path)
    extent = bounds(Window(2, 2, 10, 10), from_origin(500000, 4500000, 10, 10))
    (tmp_path / "change.tif").write_bytes(b"an earlier result")
    with pytest.raises(InputError) as err:
        detect_change(_request(tmp_path, pb, pa, extent))
    assert "The chosen extent holds no pixel with data on both dates" in str(err.value)
    assert "Pick an extent over the data both dates cover" in str(err.value)
    assert (tmp_path / "change.tif").read_bytes() == b"an earlier result"  # left as it was
    assert not (tmp_path / "change.gpkg").exists()


def test_an_extent_partly_off_before_is_said_to_be_clipped(tmp_path):
    pb, pa = _collared_pair(tmp_path)
    res = detect_change(_request(tmp_path, pb, pa, (499000.0, 4498800.0, 500500.0, 4500000.0)))  # 100 px left of BEFORE
    line = next(l for l in res.summary.splitlines() if l.startswith("Extent:"))
    assert line.startswith("Extent: 50x120 px of BEFORE (18.8 %), columns 0-49, rows 0-119; the chosen extent reaches past "
                           "the raster and was clipped to it;"), line
    inside = detect_change(_request(tmp_path, pb, pa, (500100.0, 4499000.0, 500500.0, 4499500.0)))
    assert "clipped" not in inside.summary and "Extent: 40x50 px of BEFORE" in inside.summary
    assert inside.valid_area_m2 > 0 and np.isfinite(inside.changed_area_m2)


def test_a_pair_whose_data_do_not_meet_is_refused_without_an_extent(tmp_path):
    """Without an extent, BEFORE with data on its left half only and AFTER on its right half only: refused by the pairing's
    sample (no summary of 0 ha compared), before check_compared."""
    before, after, _ = change_pair()
    before[:, :, 100:] = 0
    after[:, :, :100] = 0
    pb = write_raster(str(tmp_path / "before.tif"), before, nodata=0, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "after.tif"), after, nodata=0, descriptions=S2_NAMES)
    with pytest.raises(InputError, match="BEFORE and AFTER have no valid pixel in common"):
        detect_change(_request(tmp_path, pb, pa, None))
    assert not (tmp_path / "change.tif").exists() and not (tmp_path / "change.gpkg").exists()


def test_a_run_that_compared_nothing_without_an_extent_names_both_rasters():
    """check_compared without an extent (the run's own tally, where the pairing's sample found pixels the tiles did not)
    says that BEFORE and AFTER share no pixel with data, not the extent's message."""
    with pytest.raises(InputError) as err:
        check_compared(0.0, None)
    assert err.value.problem == ("BEFORE and AFTER have no pixel with data on both dates: every pixel is nodata (or masked "
                                 "as cloud) in one or the other.")
    assert err.value.fix == ("Check the nodata values (and cloud masks) of both rasters, or choose rasters that overlap "
                             "with data.")
    check_compared(1.0, None)  # a run that compared something passes
