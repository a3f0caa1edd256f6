"""Acquisition dates in product names that give year and day of year (HLS, Landsat scene ids), and a file name whose
first date-like group is no date (2003-13-45) but holds a valid one later."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import write_raster
from terraprompt.plugin.core.change.detect import guess_date
from terraprompt.plugin.core.raster import open_raster


@pytest.mark.parametrize("name, date", [
    ("HLS.L30.T30TXQ.2015259T105619.v2.0.tif", "2015-09-16"),
    ("HLS.S30.T51RUQ.2017037T023010.v2.0.B04.tif", "2017-02-06"),
    ("LC81990292019045LGN00_stack.tif", "2019-02-14"),
    ("LE71190382003037EDC00.tif", "2003-02-06"),
    ("taizhou_2003-13-45_2003-02-06.tif", "2003-02-06"),
    ("img_119038_2019045.tif", ""),  # seven digits outside those product names are no date
    ("LC81990292019400LGN00.tif", ""),  # no day 400
])
def test_dates_in_product_names(tmp_path, name, date):
    path = write_raster(str(tmp_path / name), np.ones((1, 4, 4), np.uint8))
    assert guess_date(open_raster(path)) == date
