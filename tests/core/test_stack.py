"""ModalityStack: secondaries reprojected onto the primary grid; patch samples for threshold fitting."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin
from rasterio.windows import Window

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.stack import ModalityStack, make_layer


def _layer(path):
    src = open_raster(path)
    return make_layer(src, detect_modality(src))


def test_secondary_on_primary_grid(tmp_path):
    data, water, _ = synthetic_s2(120, 150)
    s2 = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    # SAR at 20 m in EPSG:4326 covering the same place: VV low (water) on the left half
    vv = np.full((2, 80, 100), -8.0, np.float32)
    vv[:, :, :50] = -20.0
    s1 = write_raster(str(tmp_path / "s1.tif"), vv, crs="EPSG:32633", transform=from_origin(499800, 4500200, 20, 20),
                      descriptions=["VV", "VH"])
    stack = ModalityStack(_layer(s2), [_layer(s1)])
    assert {"vv", "vh", "nir", "swir1"} <= stack.roles()
    bs = stack.read(Window(0, 0, 150, 120), {"vv", "nir"})
    assert bs.get("vv").shape == (120, 150) and bs.valid.all()
    # S1 column 50 (x = 500800) is S2 column 80
    assert np.allclose(bs.get("vv")[:, :75], -20) and np.allclose(bs.get("vv")[:, 85:], -8)
    np.testing.assert_allclose(bs.get("nir"), data[7] / 10000, rtol=1e-6)


def test_secondary_partly_outside_is_masked(tmp_path):
    data, _, _ = synthetic_s2(100, 100)
    s2 = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    dsm = write_raster(str(tmp_path / "dsm.tif"), np.zeros((1, 100, 50), np.float32), descriptions=["height"])
    stack = ModalityStack(_layer(s2), [_layer(dsm)])
    bs = stack.read(Window(0, 0, 100, 100))
    assert bs.valid[:, :49].all() and not bs.valid[:, 51:].any()  # zero heights stay valid, outside is not


def test_secondary_without_overlap_refused(tmp_path):
    data, _, _ = synthetic_s2(50, 50)
    s2 = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    far = write_raster(str(tmp_path / "far.tif"), np.ones((1, 10, 10), np.float32), transform=from_origin(900000, 100000, 10, 10),
                       descriptions=["height"])
    with pytest.raises(InputError, match="does not overlap"):
        ModalityStack(_layer(s2), [_layer(far)])


def test_read_sample_small_window_is_whole(tmp_path):
    data, _, _ = synthetic_s2(100, 120)
    stack = ModalityStack(_layer(write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)))
    bs = stack.read_sample(Window(10, 10, 60, 50), {"red"}, max_pixels=10_000)
    np.testing.assert_allclose(bs.get("red"), data[3, 10:60, 10:70] / 10000, rtol=1e-6)


def test_read_sample_patches_are_exact_and_bounded(tmp_path):
    data, _, _ = synthetic_s2(900, 1100, seed=3)
    data[:, :, :100] = 0  # nodata strip
    stack = ModalityStack(_layer(write_raster(str(tmp_path / "s2.tif"), data, nodata=0, descriptions=S2_NAMES)))
    bs = stack.read_sample(Window(0, 0, 1100, 900), {"red", "nir"}, max_pixels=40_000, patch=32)
    red = bs.get("red")
    assert red.size <= 1.2 * 40_000 and red.shape == bs.valid.shape == bs.get("nir").shape
    assert 0 < (~bs.valid).mean() < 0.2  # the nodata strip is represented, masked
    # every valid sampled value is a real pixel value of the band (patches are read at full resolution)
    assert np.isin(np.round(red[bs.valid] * 10000).astype(int), np.unique(data[3])).all()
