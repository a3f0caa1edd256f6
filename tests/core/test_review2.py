"""Review of the session's band-role, reference and output changes: regressions found in review."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import open_raster


def _tif(path, descriptions, dtype="float32") -> str:
    """A 20 x 20 GeoTIFF with the given band descriptions and SAR-like (float) or DN-like (integer) values."""
    rng = np.random.default_rng(0)
    count = len(descriptions)
    data = (rng.uniform(0.01, 0.3, (count, 20, 20)) if dtype == "float32" else rng.integers(100, 3000, (count, 20, 20)))
    with rasterio.open(path, "w", driver="GTiff", width=20, height=20, count=count, dtype=dtype, crs="EPSG:32633",
                       transform=from_origin(500000, 4500000, 10, 10)) as ds:
        ds.write(data.astype(dtype))
        for i, d in enumerate(descriptions, start=1):
            ds.set_band_description(i, d)
    return str(path)


@pytest.mark.parametrize("years", [["2020", "2021"], ["2019", "2023"]])
def test_year_descriptions_are_no_wavelengths(tmp_path, years):
    """Bands described by a year ('2020', '2021': a two-date stack) were read as wavelengths in nm since bare numbers
    became wavelengths: 2021 nm is SWIR2, so a two-band float stack was read as SAR with no VV band, only 'b2 SWIR2'."""
    m = detect_modality(open_raster(_tif(tmp_path / "two_dates.tif", years)))
    assert "swir2" not in m.roles
    assert m.roles == {"vv": 1, "vh": 2}


def test_bare_wavelengths_still_read(tmp_path):
    """Bare numbers that are wavelengths ('490', '560', '665', '842') still name the bands."""
    m = detect_modality(open_raster(_tif(tmp_path / "nm.tif", ["490", "560", "665", "842"], "uint16")))
    assert {k: m.roles[k] for k in ("blue", "green", "red", "nir")} == {"blue": 1, "green": 2, "red": 3, "nir": 4}
