"""Scaling raw values to physical ones: S2 DN/10000 (+ baseline offset), Landsat C2, SAR dB, 8-bit."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio

from conftest import S2_NAMES, shared, write_raster
from terraprompt.plugin.core.modalities import detect_modality, resolve_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.scaling import band_stats, fit_scaling


def _s2(tmp_path, tags=None, name="s2.tif"):
    data = np.full((13, 30, 30), 2500, np.uint16)
    p = write_raster(str(tmp_path / name), data, descriptions=S2_NAMES)
    if tags:
        with rasterio.open(p, "r+") as ds:
            ds.update_tags(**tags)
    return open_raster(p)


def test_s2_l1c_divides_by_10000(tmp_path):
    src = _s2(tmp_path)
    sc = fit_scaling(src, detect_modality(src))
    assert not sc.to_db
    np.testing.assert_allclose(sc.apply(np.array([0, 2500, 10000], np.uint16)), [0, 0.25, 1.0], rtol=1e-6)
    assert "10000" in sc.note


@pytest.mark.parametrize("tags", [{"PROCESSING_BASELINE": "04.00"}, {"RADIO_ADD_OFFSET": "-1000"}, {"BOA_ADD_OFFSET_B4": "-1000"}])
def test_s2_processing_baseline_offset(tmp_path, tags):
    src = _s2(tmp_path, tags)
    sc = fit_scaling(src, detect_modality(src))
    np.testing.assert_allclose(sc.apply(np.array([3500], np.uint16)), [0.25], rtol=1e-5)
    assert "-1000" in sc.note


def test_old_baseline_has_no_offset(tmp_path):
    src = _s2(tmp_path, {"PROCESSING_BASELINE": "02.09"})
    sc = fit_scaling(src, detect_modality(src))
    np.testing.assert_allclose(sc.apply(np.array([2500], np.uint16)), [0.25], rtol=1e-6)


def test_landsat_c2_scale(tmp_path):
    data = np.full((7, 30, 30), 30000, np.uint16)  # C2 DN for reflectance 0.625
    src = open_raster(write_raster(str(tmp_path / "l8.tif"), data))
    m = detect_modality(src)
    assert m.name == "landsat89"
    sc = fit_scaling(src, m)
    np.testing.assert_allclose(sc.apply(np.array([30000, 7273], np.uint16)), [30000 * 2.75e-5 - 0.2, 7273 * 2.75e-5 - 0.2], atol=1e-6)
    assert "Collection 2" in sc.note


def test_sar_linear_to_db(tmp_path):
    rng = np.random.default_rng(0)
    lin = rng.uniform(0.001, 0.5, (2, 40, 40)).astype(np.float32)
    src = open_raster(write_raster(str(tmp_path / "s1.tif"), lin, descriptions=["VV", "VH"]))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.to_db
    np.testing.assert_allclose(sc.apply(np.array([0.1, 0.01, 1.0], np.float32)), [-10, -20, 0], atol=1e-5)
    assert np.isfinite(sc.apply(np.array([0.0], np.float32))).all()  # zero backscatter stays finite


def test_sar_db_kept(tmp_path):
    rng = np.random.default_rng(0)
    db = rng.uniform(-25, -5, (2, 40, 40)).astype(np.float32)
    src = open_raster(write_raster(str(tmp_path / "s1.tif"), db, descriptions=["VV", "VH"]))
    sc = fit_scaling(src, detect_modality(src))
    assert not sc.to_db and "dB" in sc.note
    np.testing.assert_array_equal(sc.apply(db[0]), db[0])


def test_complex_to_db(tmp_path):
    z = np.full((1, 8, 8), 0.1 + 0j, np.complex64)
    src = open_raster(write_raster(str(tmp_path / "c.tif"), z))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.to_db
    np.testing.assert_allclose(sc.apply(src.read().data[0]), -20.0, atol=1e-4)  # |0.1|² = 0.01 → −20 dB


def test_uint8_and_float_reflectance(tmp_path):
    src = open_raster(shared("landsat_taizhou", "taizhou_2000-03-17.tif"))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.scale == pytest.approx(1 / 255)
    refl = np.full((6, 20, 20), 0.3, np.float32)
    src = open_raster(write_raster(str(tmp_path / "f.tif"), refl))
    sc = fit_scaling(src, resolve_modality(src, "landsat457"))
    assert sc.scale == 1.0 and sc.offset == 0.0


def test_shared_landsat_int16_reflectance():
    src = open_raster(shared("landsat8", "LE70220491999322EDC01_stack.tif"))
    sc = fit_scaling(src, detect_modality(src))
    assert sc.scale == pytest.approx(1e-4) and sc.offset == 0


def test_shared_s1_db_and_stats_ignore_nodata():
    src = open_raster(shared("sen1floods11", "Spain_7370579_top_S1Hand.tif"))
    assert not fit_scaling(src, detect_modality(src)).to_db
    s2 = open_raster(shared("sen1floods11", "Spain_7370579_top_S2Hand.tif"))
    st = band_stats(s2, [4, 8])
    assert (st.p2 > 0).all() and 0 < st.valid_fraction <= 1  # nodata 0 excluded from statistics
