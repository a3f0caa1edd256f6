"""Nodata gaps filled from the nearest valid pixel."""
import numpy as np

from terraprompt.plugin.core.gapfill import fill_nearest


def test_gap_takes_the_nearest_valid_value_and_valid_pixels_are_kept():
    band = np.array([[1, 2, -9999, -9999], [5, 6, np.nan, 8]], np.float32)
    valid = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    out = fill_nearest(band, valid)
    assert np.array_equal(out[valid & np.isfinite(band)], band[valid & np.isfinite(band)])
    assert out[0, 2] == 2 and out[0, 3] == 8  # nearest valid neighbour (row or column)
    assert np.isfinite(out).all() and out[1, 2] in (6, 8)
    assert band[0, 2] == -9999  # the input is not changed


def test_all_valid_is_returned_as_is_and_nothing_valid_gives_zeros():
    band = np.arange(6, dtype=np.float32).reshape(2, 3)
    assert fill_nearest(band, np.ones((2, 3), bool)) is band
    assert not fill_nearest(band, np.zeros((2, 3), bool)).any()
