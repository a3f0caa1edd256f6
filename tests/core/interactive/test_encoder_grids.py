"""The interactive encoder reads a raster as land cover does: an undeclared fill is nodata, a rotated grid has its true pixels."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import Affine
from rasterio.windows import Window

from conftest import S2_NAMES, synthetic_s2, write_raster
from interactive_helpers import scene
from terraprompt.plugin.core.errors import PromptError
from terraprompt.plugin.core.interactive.encoder import encode_window, raster_scaling
from terraprompt.plugin.core.interactive.network import NetworkEngine
from terraprompt.plugin.core.interactive.session import InteractiveSession
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import cell_size, open_raster

FILL = (slice(20, 60), slice(200, 260))
"""A 40 x 60 px block of -9999 in every band (as the tester's Sentinel-2 crop had)."""


@pytest.fixture(scope="module")
def eng():
    return NetworkEngine(device="cpu")


def _filled(tmp_path, name: str, dtype: str, declared: bool) -> str:
    """The synthetic 13-band Sentinel-2 scene as reflectance (float) or reflectance x 10000 (int16) with the fill block."""
    dn = synthetic_s2()[0]
    data = (dn / 10000.0).astype(dtype) if dtype.startswith("float") else dn.astype(dtype)
    data[:, FILL[0], FILL[1]] = -9999
    return write_raster(str(tmp_path / name), data, nodata=-9999 if declared else None, descriptions=S2_NAMES)


@pytest.mark.parametrize("dtype", ["float32", "int16"])
def test_an_undeclared_fill_is_nodata_to_the_network(tmp_path, eng, dtype):
    """Stretched with the rest, the -9999 fill flattened the image the network saw (float: std 0, one click 253 px
    declared vs 4533 px undeclared); land cover reads it as no measurement (Scaling.no_measurement)."""
    encoded = {}
    for declared in (True, False):
        src = open_raster(_filled(tmp_path, f"s2_{dtype}_{declared}.tif", dtype, declared))
        modality = detect_modality(src)
        assert modality.family == "optical"
        encoded[declared] = encode_window(src, Window(0, 0, src.width, src.height), eng, modality=modality)
    undeclared, declared = encoded[False], encoded[True]
    assert not undeclared.valid[FILL].any() and undeclared.valid.sum() == declared.valid.sum()
    image = undeclared.features["image"]
    assert image[:, 100:, :].std() > 20  # not flat
    np.testing.assert_array_equal(image, declared.features["image"])


def test_a_positive_click_on_an_undeclared_fill_is_refused(tmp_path):
    """The encoder leaves the fill out: a click there is a click on nodata, as on a declared fill."""
    src = open_raster(_filled(tmp_path, "s2.tif", "float32", False))
    session = InteractiveSession(src)
    with pytest.raises(PromptError, match="nodata"):
        session.add_point(*(src.transform * (230.5, 40.5)), True)


def test_unsigned_reflectance_bands_keep_their_encoding_key(tmp_path):
    """Unsigned bands cannot hold a fill below the reflectance floor: no scaling enters their cache key."""
    src = open_raster(write_raster(str(tmp_path / "s2.tif"), synthetic_s2()[0], descriptions=S2_NAMES))
    assert raster_scaling(src, detect_modality(src)) is None


ROT90 = Affine.translation(500000, 4500000) * Affine.rotation(-90) * Affine.scale(0.2, -0.2)
NORTH_UP = Affine(0.2, 0, 500000, 0, -0.2, 4500000)


def _vhr(tmp_path, name: str, transform: Affine) -> str:
    """A 400 x 400 RGB scene of 0.2 m pixels on ``transform``."""
    data, _ = scene(h=400, w=400)
    return write_raster(str(tmp_path / name), data.astype(np.uint8), transform=transform)


def test_a_grid_rotated_by_90_degrees_is_encoded_at_the_working_pixel_size(tmp_path, eng):
    """Its ``a`` is 0: the working resolution was 0 and the window was encoded at its native 0.2 m, not at 0.4 m as the
    same pixels north-up (objects IoU 0.36-0.83 with the north-up run)."""
    north = encode_window(open_raster(_vhr(tmp_path, "n.tif", NORTH_UP)), Window(0, 0, 400, 400), eng)
    rotated = encode_window(open_raster(_vhr(tmp_path, "r.tif", ROT90)), Window(0, 0, 400, 400), eng)
    assert north.shape == rotated.shape == (200, 200)
    assert cell_size(rotated.transform) == pytest.approx(0.4)
    np.testing.assert_array_equal(rotated.features["image"], north.features["image"])


@pytest.mark.parametrize("transform", [NORTH_UP, ROT90], ids=["north-up", "rot90"])
def test_a_tiny_box_is_counted_in_pixels(tmp_path, transform):
    """On a 90 degree grid ``a`` and ``e`` are 0, and every box counted as not tiny."""
    session = InteractiveSession(open_raster(_vhr(tmp_path, "v.tif", transform)))
    x, y = transform * (200.5, 200.5)
    assert session.tiny_box(x - 0.1, y - 0.1, x + 0.1, y + 0.1)  # one pixel
    assert not session.tiny_box(x - 2.0, y - 2.0, x + 2.0, y + 2.0)  # 20 pixels
