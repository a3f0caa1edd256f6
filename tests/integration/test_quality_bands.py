"""The product's quality band as the cloud mask through real Processing: extract_landcover and detect_change on layers."""
from __future__ import annotations

import numpy as np
import rasterio
from rasterio.transform import from_origin

from conftest import shared, write_raster

NAMES = ("CoastalAerosol", "Blue", "Green", "Red", "NIR", "SWIR1", "SWIR2", "QA_Fmask")


def _chip(tmp_path, name, qa=None):
    """HLS chip 025 (a quarter under Fmask clouds) as a georeferenced GeoTIFF, its Fmask band replaced when given."""
    with rasterio.open(shared("hls_water_chips", "images", "025_hls.tif")) as s:
        data = s.read()
    if qa is not None:
        data[7] = qa
    return write_raster(str(tmp_path / name), data, crs="EPSG:32615", transform=from_origin(500000, 4500000, 30, 30),
                        descriptions=NAMES), data


def test_extract_landcover_and_detect_change_mask_with_the_quality_band(plugin, tmp_path):
    import processing
    from qgis.core import QgsRasterLayer

    path, data = _chip(tmp_path, "hls.tif")
    layer = QgsRasterLayer(path, "hls")
    res = processing.run("terraprompt:extract_landcover", {
        "INPUT": layer, "PROMPT": "vegetation", "ENGINE": 1, "OUTPUT_RASTER": str(tmp_path / "veg.tif")})
    with rasterio.open(res["OUTPUT_RASTER"]) as ds:
        veg = ds.read(1)
    qa = data[7].astype(np.int64)
    cloud, shadow = (qa & 0b110) != 0, (qa & 0b1110) == 0b1000
    assert (veg[cloud] == 255).all() and (veg[~(cloud | shadow)] != 255).all()  # under shadows a clear optical decision stands
    assert "the product's quality band b8 QA_Fmask (HLS Fmask)" in res["EXPLANATION"]

    cloud = np.zeros_like(data[7])
    cloud[:64, :] = 2
    before, _ = _chip(tmp_path, "before.tif", np.zeros_like(data[7]))
    after, _ = _chip(tmp_path, "after.tif", cloud)
    res = processing.run("terraprompt:detect_change", {
        "BEFORE": QgsRasterLayer(before, "before"), "AFTER": QgsRasterLayer(after, "after"), "METHOD": 3,
        "OUTPUT_CHANGE": str(tmp_path / "change.tif")})
    with rasterio.open(res["OUTPUT_CHANGE"]) as ds:
        ch = ds.read(1)
    assert (ch[:64] == 255).all() and (ch[64:] == 0).mean() > 0.99  # same bands: no change where the sky is clear
    assert "Clouds: the product's quality band b8 QA_Fmask" in res["SUMMARY"]


def test_the_products_mask_file_as_a_processing_parameter(plugin, tmp_path):
    """CLOUD_MASK / AFTER_CLOUD_MASK: the Fmask band saved as HLS names its own file, beside a stack without it."""
    import processing
    from qgis.core import QgsRasterLayer

    with rasterio.open(shared("hls_water_chips", "images", "025_hls.tif")) as s:
        data = s.read()
    grid = dict(crs="EPSG:32615", transform=from_origin(500000, 4500000, 30, 30))
    stack = write_raster(str(tmp_path / "stack.tif"), data[:7], descriptions=NAMES[:7], **grid)
    fmask = write_raster(str(tmp_path / "HLS.S30.T15SWC.2021189T170849.v2.0.Fmask.tif"), data[7], **grid)
    cloud = (data[7].astype(np.int64) & 0b110) != 0
    res = processing.run("terraprompt:extract_landcover", {
        "INPUT": QgsRasterLayer(stack, "stack"), "PROMPT": "clouds", "CLOUD_MASK": QgsRasterLayer(fmask, "fmask"),
        "OUTPUT_RASTER": str(tmp_path / "clouds.tif")})
    with rasterio.open(res["OUTPUT_RASTER"]) as ds:
        assert np.array_equal(ds.read(1) == 1, cloud)
    res = processing.run("terraprompt:detect_change", {
        "BEFORE": QgsRasterLayer(stack, "b"), "AFTER": QgsRasterLayer(stack, "a"), "METHOD": 3,
        "AFTER_CLOUD_MASK": QgsRasterLayer(fmask, "fmask"), "OUTPUT_CHANGE": str(tmp_path / "change.tif")})
    with rasterio.open(res["OUTPUT_CHANGE"]) as ds:
        assert (ds.read(1)[cloud] == 255).all()
    assert "AFTER: the product's quality band b1 HLS.S30.T15SWC.2021189T170849.v2.0.Fmask.tif" in res["SUMMARY"]


def _mask_pair(project, tmp_path):
    """The HLS chip's bands (a stack without its Fmask) and its Fmask file as layers of the project."""
    from qgis.core import QgsRasterLayer

    with rasterio.open(shared("hls_water_chips", "images", "025_hls.tif")) as s:
        data = s.read()
    grid = dict(crs="EPSG:32615", transform=from_origin(500000, 4500000, 30, 30))
    stack = QgsRasterLayer(write_raster(str(tmp_path / "stack.tif"), data[:7], descriptions=NAMES[:7], **grid), "stack")
    fmask = QgsRasterLayer(write_raster(str(tmp_path / "HLS.S30.T15SWC.2021189T170849.v2.0.Fmask.tif"), data[7], **grid), "fmask")
    for layer in (stack, fmask):
        assert layer.isValid()
        project.addMapLayer(layer)
    return stack, fmask, (data[7].astype(np.int64) & 0b110) != 0


def test_the_dock_takes_the_cloud_mask_file(plugin, project, tmp_path):
    """The Land cover tab's Extra layers and the Change tab offer a cloud mask picker (empty by default); a run with the
    Fmask file masks its clouds."""
    from conftest import wait_for

    plugin.action.setChecked(True)
    stack, fmask, cloud = _mask_pair(project, tmp_path)
    tab = plugin.dock.tab("landcover_tab")
    assert tab.mask_combo.currentLayer() is None and tab.mask_status.isHidden()
    tab.layer_combo.setLayer(stack)
    tab.prompt_edit.setText("water")
    tab.mask_combo.setLayer(stack)  # not a mask: said at once, Run waits
    assert "'stack.tif' is not a cloud mask" in tab.mask_status.text() and not tab.run_button.isEnabled()
    tab.mask_combo.setLayer(fmask)
    assert "HLS Fmask" in tab.mask_status.text() and tab.run_button.isEnabled()
    tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))
    tab.temp_radio.setChecked(True)
    assert tab.run() is not None
    assert wait_for(lambda: tab.task is None), "the task did not finish"
    assert tab.last_result is not None, tab.explanation.toPlainText()
    with rasterio.open(tab.last_result.output_raster) as ds:
        assert (ds.read(1)[cloud] == 255).mean() > 0.95  # the network keeps what it is sure is water under a cloud
    assert "Fmask.tif (HLS Fmask)" in tab.explanation.toPlainText()

    change = plugin.dock.tab("change_tab")
    assert [c.currentLayer() for c in change.mask_combos] == [None, None]
    from qgis.core import QgsRasterLayer

    later = QgsRasterLayer(stack.source(), "stack, a later date")
    project.addMapLayer(later)
    change.before_combo.setLayer(stack)
    change.after_combo.setLayer(later)
    change.mask_combos[0].setLayer(stack)
    assert "Before: 'stack.tif' is not a cloud mask" in change.mask_status.text() and not change.run_button.isEnabled()
    change.mask_combos[0].setLayer(None)
    change.mask_combos[1].setLayer(fmask)
    assert "After: Clouds and shadows from" in change.mask_status.text() and change.run_button.isEnabled()
    req = change.build_request()
    assert req.after_cloud_mask == fmask.source() and req.before_cloud_mask is None
