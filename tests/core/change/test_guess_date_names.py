"""Acquisition dates in product names that give year and day of year (HLS, Landsat scene ids) or a month abbreviation
(Maxar/DigitalGlobe catalogue names), and a file name whose first date-like group is no date (2003-13-45) but holds a
valid one later."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import write_raster
from terraprompt.plugin.core.change.dates import guess_date
from terraprompt.plugin.core.raster import open_raster


@pytest.mark.parametrize("name, date", [
    ("HLS.L30.T30TXQ.2015259T105619.v2.0.tif", "2015-09-16"),
    ("HLS.S30.T51RUQ.2017037T023010.v2.0.B04.tif", "2017-02-06"),
    ("LC81990292019045LGN00_stack.tif", "2019-02-14"),
    ("LE71190382003037EDC00.tif", "2003-02-06"),
    ("taizhou_2003-13-45_2003-02-06.tif", "2003-02-06"),
    ("img_119038_2019045.tif", ""),  # seven digits outside those product names are no date
    ("LC81990292019400LGN00.tif", ""),  # no day 400
    ("18JUN05104521-M1BS-058123456010_01_P001.tif", "2018-06-05"),  # Maxar YYMMMDDhhmmss-product
    ("20AUG15104521-P2AS-058123456010_01_P001_20240301.tif", "2020-08-15"),  # the product decides over an export stamp
    ("99DEC05104521-S2AS-058123456010_01_P001.tif", "1999-12-05"),
    ("20AUG15104521_mosaic.tif", ""),  # no product after it: two digits and a month are no date
    ("18XYZ05104521-M1BS-058123456010_01_P001.tif", ""),  # no month
])
def test_dates_in_product_names(tmp_path, name, date):
    path = write_raster(str(tmp_path / name), np.ones((1, 4, 4), np.uint8))
    assert guess_date(open_raster(path)) == date
