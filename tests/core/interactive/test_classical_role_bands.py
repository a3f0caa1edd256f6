"""The classical interactive engine reads a many-band cube's role bands (blue ... SWIR2), not its first 16 bands (420-573 nm
of a 200-band cube: blue and green only)."""
from __future__ import annotations

import numpy as np

from conftest import write_raster
from terraprompt.plugin.core.interactive.classical import ClassicalEngine
from terraprompt.plugin.core.interactive.session import InteractiveSession
from terraprompt.plugin.core.modalities import Modality
from terraprompt.plugin.core.raster import open_raster

CUBE_ROLES = {"coastal": 2, "blue": 8, "green": 15, "red": 25, "nir": 41, "nir08": 44, "watervapour": 52, "cirrus": 95,
              "swir1": 119, "swir2": 175}


def _cube_modality() -> Modality:
    return Modality("cube", "cube (200 bands)", dict(CUBE_ROLES), {"kind": "reflectance"}, band_count=200)


def test_cube_uses_role_bands():
    bands = ClassicalEngine().select_bands(200, _cube_modality())
    assert bands == [2, 8, 15, 25, 41, 44, 119, 175]  # was 1-16: no red, NIR or SWIR


def test_few_bands_all_used():
    s2 = Modality("s2", "Sentinel-2", {"blue": 2, "green": 3, "red": 4, "nir": 8, "cirrus": 11}, {"kind": "reflectance"})
    assert ClassicalEngine().select_bands(13, s2) == list(range(1, 14))
    assert ClassicalEngine().select_bands(40, None) == list(range(1, 17))  # no roles named: the first 16, as before


def test_session_on_cube_reads_red_and_nir(tmp_path):
    """A 40-band cube described by wavelength: the session's bands include red and NIR."""
    nm = np.linspace(420, 2450, 40)
    data = (np.random.default_rng(4).random((40, 48, 48)) * 0.3).astype(np.float32)
    path = write_raster(str(tmp_path / "cube.tif"), data, descriptions=[f"{w:.1f} nm" for w in nm])
    session = InteractiveSession(open_raster(path), engine=ClassicalEngine())
    roles = session.modality.roles
    assert roles.get("red") in session.bands and roles.get("nir") in session.bands, (session.bands, roles)
    assert session.bands != list(range(1, 17))
