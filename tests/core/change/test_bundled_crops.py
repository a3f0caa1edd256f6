"""Every method on small real crops bundled in tests/data/change (no ../shared needed), through detect_change."""
from __future__ import annotations

import os

import pytest
import rasterio

from conftest import ROOT
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster

DATA = os.path.join(ROOT, "tests", "data", "change")
HK = [os.path.join(DATA, f"hongkong_rgbn_{d}.tif") for d in ("2016-09-27", "2018-03-23")]
TZ = [os.path.join(DATA, f"taizhou_{d}.tif") for d in ("2000-03-17", "2003-02-06")]


def _run(tmp_path, paths, method):
    res = detect_change(ChangeRequest(*paths, output_change=str(tmp_path / f"{method}.tif"), method=method))
    return res, rasterio.open(res.output_change).read(1)


def test_crops_are_read_as_expected():
    hk, tz = open_raster(HK[0]), open_raster(TZ[0])
    assert set(resolve_modality(hk).roles) == {"blue", "green", "red", "nir"}
    assert {"blue", "green", "red", "nir", "swir1", "swir2"} <= set(resolve_modality(tz).roles)


@pytest.mark.parametrize("method", ["cva", "irmad"])
def test_oscd_crop(tmp_path, method):
    """Real Sentinel-2 urban change: changed pixels are flagged far more often than unchanged ones."""
    res, ch = _run(tmp_path, HK, method)
    truth = rasterio.open(os.path.join(DATA, "hongkong_cm.tif")).read(1) == 1
    pred = ch == 1
    assert pred[truth].mean() > 2 * pred[~truth].mean(), res.summary
    assert res.dates == ("2016-09-27", "2018-03-23")


@pytest.mark.parametrize("method,min_acc", [("cva", 0.9), ("irmad", 0.85)])
def test_taizhou_crop(tmp_path, method, min_acc):
    """Real Landsat pair (8-bit DN, relative normalisation): accuracy on the labelled reference pixels."""
    res, ch = _run(tmp_path, TZ, method)
    ref = rasterio.open(os.path.join(DATA, "taizhou_reference.tif")).read(1)
    lab = ref > 0
    acc = float(((ch[lab] == 1) == (ref[lab] == 2)).mean())
    assert acc > min_acc, res.summary
    assert "relative normalisation" in res.summary


def test_semantic_maps_take_water_as_a_land_cover_run_does(tmp_path):
    """Without SWIR (this RGB+NIR pair) the from/to water comes from the land-cover network, as extract_landcover's
    ENGINE=auto takes it, and the unchanged harbour stays water → water."""
    res = detect_change(ChangeRequest(*HK, output_change=str(tmp_path / "c.tif"), method="cva", classes=True))
    assert "water: [landnet]" in res.summary and "water: [optical]" not in res.summary
    m = res.details["matrix_all_m2"] / res.valid_area_m2
    assert res.from_classes[0] == "water" and m[0, 0] > 0.3  # the sea, about 40 % of the crop
