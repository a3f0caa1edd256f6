"""core/snapshot.py: a rendered RGBA view becomes an RGB GeoTIFF the engines read (transparent = fill)."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio

from conftest import write_raster
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.snapshot import TAG, rgb_from_rendering


def test_rgba_rendering_to_rgb_with_fill(tmp_path):
    rgba = np.zeros((4, 30, 40), np.uint8)
    rgba[:3, :, :20] = 120
    rgba[3, :, :30] = 255  # columns 30+ were not drawn (no tile)
    src = write_raster(str(tmp_path / "rgba.tif"), rgba, crs="EPSG:3857")
    out = rgb_from_rendering(src, str(tmp_path / "rgb.tif"), "Satellite")
    with rasterio.open(out) as ds:
        data = ds.read()
        assert ds.count == 3 and ds.descriptions == ("red", "green", "blue") and ds.tags()[TAG] == "Satellite"
    assert (data[:, :, 30:] == 0).all(), "not drawn: fill"
    assert (data[:, :, 20:30] == 1).all(), "drawn black stays valid (1, not the fill value 0)"
    r = open_raster(out)
    m = detect_modality(r)
    assert m.name == "rgb" and (m.roles["red"], m.roles["blue"]) == (1, 3)
    assert "the map view of the layer 'Satellite'" in m.reason, "explanations say where the pixels came from"
    read = r.read()
    assert np.ma.getmaskarray(read)[:, :, 30:].all() and not np.ma.getmaskarray(read)[:, :, :30].any(), "fill is nodata"


def test_nothing_drawn_is_refused(tmp_path):
    src = write_raster(str(tmp_path / "rgba.tif"), np.zeros((4, 10, 10), np.uint8), crs="EPSG:3857")
    with pytest.raises(InputError, match="Nothing of 'Satellite' was drawn") as err:
        rgb_from_rendering(src, str(tmp_path / "rgb.tif"), "Satellite")
    assert "network" in err.value.fix and not (tmp_path / "rgb.tif").exists()
