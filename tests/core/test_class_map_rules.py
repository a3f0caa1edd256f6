"""Which one-band rasters are class maps: a dark image's dense run of grey levels is imagery whatever its maximum, and
a raster attribute table alone (ArcGIS attaches one to DSMs and pan too) is no class map; few values with one are."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import write_raster
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import few_values, open_raster


def test_a_dark_image_is_not_a_class_map_but_small_or_sparse_codes_are(tmp_path):
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:256, 0:256]
    dark = (15 + 8 * np.sin(xx / 9.0) * np.cos(yy / 13.0) + rng.normal(0, 2, (256, 256))).clip(0, 255).astype(np.uint8)
    assert dark.max() <= 32 and 12 <= np.unique(dark).size <= 32  # shadow, water, night: values 0-30
    m = detect_modality(open_raster(write_raster(str(tmp_path / "scene.tif"), dark)))
    assert m.roles == {"pan": 1}
    assert few_values(rng.integers(2, 29, size=5000)) == ""
    assert few_values(rng.integers(0, 7, size=5000)) != ""  # 7 codes: a dense run, too short for grey levels
    assert few_values(rng.choice([10, 20, 30, 40, 50, 60, 80, 90, 95, 100], size=5000)) != ""  # WorldCover
    ids = np.zeros(5000, np.uint16)
    ids[:600] = rng.integers(1, 18, size=600)
    assert few_values(ids) != ""  # ids 1 ... 17 on a background 0: a dense run, but one value holds most pixels


def _with_table(path: str) -> str:
    from osgeo import gdal

    ds = gdal.Open(path, gdal.GA_Update)
    rat = gdal.RasterAttributeTable()
    rat.CreateColumn("Value", gdal.GFT_Integer, gdal.GFU_MinMax)
    rat.CreateColumn("Count", gdal.GFT_Integer, gdal.GFU_PixelCount)
    rat.SetRowCount(3)
    for row in range(3):
        rat.SetValueAsInt(row, 0, row)
        rat.SetValueAsInt(row, 1, 10)
    ds.GetRasterBand(1).SetDefaultRAT(rat)
    ds = None
    return path


def test_an_attribute_table_alone_is_no_class_map(tmp_path):
    rng = np.random.default_rng(1)
    heights = (rng.normal(120, 15, (128, 128))).astype(np.int16)
    src = open_raster(_with_table(write_raster(str(tmp_path / "surface.tif"), heights)))
    assert detect_modality(src).roles == {"height": 1}  # refused: 'it has a raster attribute table'
    assert src.attribute_table and not src.class_map
    pan = (rng.normal(110, 25, (128, 128))).clip(0, 255).astype(np.uint8)
    assert detect_modality(open_raster(_with_table(write_raster(str(tmp_path / "scene.tif"), pan)))).roles == {"pan": 1}
    codes = rng.integers(1, 5, (128, 128)).astype(np.int16)  # few values: with the table, a class map
    with pytest.raises(ModalityError, match="attribute table"):
        detect_modality(open_raster(_with_table(write_raster(str(tmp_path / "zones.tif"), codes))))
