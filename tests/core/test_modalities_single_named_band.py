"""A one-band file whose description or product file name names a band (B04, T31UFQ_..._B04_10m, LC08 ..._SR_B4) gets
that band's role: read as panchromatic it was paired with a Sentinel-2 stack's first band (coastal B01)."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import write_raster
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster


def _one_band(tmp_path, name: str, description: str = "") -> str:
    data = np.random.default_rng(0).integers(200, 3000, (1, 40, 40)).astype(np.uint16)
    return write_raster(str(tmp_path / name), data, descriptions=[description] if description else None)


@pytest.mark.parametrize("name, description, roles", [
    ("red_export.tif", "B04", {"red": 1}),
    ("T31UFQ_20230612T105031_B04_10m.tif", "", {"red": 1}),
    ("T31UFQ_20230612T105031_B8A_20m.tif", "", {"nir08": 1, "nir": 1}),
    ("LC08_L2SP_200029_20160504_20200903_02_T1_SR_B4.TIF", "", {"red": 1}),
    ("LE07_L2SP_200029_20160504_20200903_02_T1_SR_B4.TIF", "", {"nir": 1}),  # band 4 is NIR on Landsat 4-7
])
def test_a_named_single_band_gets_its_role(tmp_path, name, description, roles):
    m = resolve_modality(open_raster(_one_band(tmp_path, name, description)))
    assert m.roles == roles, m.describe()


@pytest.mark.parametrize("name, description", [("scene.tif", ""), ("scene.tif", "SR_B4")])
def test_an_unnamed_or_ambiguous_single_band_stays_panchromatic(tmp_path, name, description):
    """SR_B4 without a product name saying the satellite is red or NIR: not guessed."""
    m = resolve_modality(open_raster(_one_band(tmp_path, name, description)))
    assert m.roles == {"pan": 1}, m.describe()
