"""A class raster names its classes for GDAL-based software (GDAL category names), so a viewer without the .qml shows
'Water' rather than '1'; the file's own metadata and pixels stay as they are."""
from __future__ import annotations

import numpy as np
import rasterio
from rasterio.transform import from_origin

from terraprompt.plugin.core.writers import class_colormap, write_class_names


def _class_raster(path: str) -> str:
    with rasterio.open(path, "w", driver="GTiff", width=4, height=2, count=1, dtype="uint8", crs="EPSG:32633",
                       transform=from_origin(0, 20, 10, 10), nodata=255) as ds:
        ds.write(np.array([[0, 1, 2, 255], [0, 1, 2, 255]], dtype="uint8")[None])
        ds.write_colormap(1, class_colormap([(1, (31, 120, 220)), (2, (60, 170, 60))]))
        ds.set_band_description(1, "class")
    return path


def test_class_names_are_written_as_gdal_categories(tmp_path):
    from osgeo import gdal

    path = _class_raster(str(tmp_path / "lc.tif"))
    assert write_class_names(path, {0: "Background", 1: "Water", 2: "Vegetation"})
    info = gdal.Info(path)
    assert "Categories:\n      0: Background\n      1: Water\n      2: Vegetation" in info, info
    assert "Description = class" in info and "NoData Value=255" in info
    with rasterio.open(path) as ds:
        assert ds.read(1).tolist() == [[0, 1, 2, 255], [0, 1, 2, 255]]


def test_values_a_category_list_cannot_hold_are_not_written(tmp_path):
    path = _class_raster(str(tmp_path / "ids.tif"))
    assert not write_class_names(path, {0: "Background", 3_000_000_000: "3000000000"})
    assert not write_class_names(path, {})
