"""Sentinel-2 then Landsat: the eval's Landsat copy of an OSCD date and the accuracy the change pipeline keeps on it."""
from __future__ import annotations

import rasterio

from conftest import shared
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster
from training.eval_change import landsat_copy


def test_sentinel2_then_landsat_change_keeps_its_accuracy(tmp_path):
    """OSCD Rennes, BEFORE Sentinel-2 and AFTER its second date as a 30 m Landsat 8 file: read as Landsat 8 OLI, six bands
    paired, and CVA F1 0.455 (0.394 before BEFORE was smoothed to AFTER's detail; 0.438 from the Sentinel-2 pair itself)."""
    d = shared("oscd", "rennes")
    after = landsat_copy(f"{d}/rennes_t2.tif", str(tmp_path / "LC08_L2SP_rennes.tif"))
    assert resolve_modality(open_raster(after)).name.startswith("landsat")
    out = str(tmp_path / "change.tif")
    res = detect_change(ChangeRequest(f"{d}/rennes_t1.tif", after, output_change=out, method="cva"))
    assert "Bands paired by role: blue, green, red, nir, swir1, swir2" in res.summary and "Detail:" in res.summary
    with rasterio.open(out) as ds:
        pred = ds.read(1)
    with rasterio.open(f"{d}/rennes_cm.tif") as ds:
        truth = ds.read(1) == 1
    p, t = (pred == 1) & (pred != 255), truth & (pred != 255)
    assert 2 * (p & t).sum() / max(p.sum() + t.sum(), 1) > 0.43, res.summary
