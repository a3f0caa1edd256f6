"""CVA's note calls bands 'unchanged on most pixels (no spread)' only when their spread is below the floor that really
inflates the magnitudes: a Sentinel-2 date against its Landsat-like copy has spreads of 0.003-0.005 reflectance and a
threshold of 6, and was told its magnitudes were 'large numbers'."""
from __future__ import annotations

import numpy as np

from terraprompt.plugin.core.change.align import PairBlock
from terraprompt.plugin.core.change.cva import CVA

ROLES = ["blue", "green", "red", "nir"]


def _fitted(noise: float, identical_nir: bool) -> CVA:
    """CVA fitted on two dates of 4 reflectance bands differing by Gaussian noise (none in NIR if ``identical_nir``)."""
    rng = np.random.default_rng(0)
    before = rng.uniform(0.02, 0.4, (4, 120, 120)).astype(np.float32)
    after = before + rng.normal(0, noise, before.shape).astype(np.float32)
    if identical_nir:
        after[3] = before[3]
    m = CVA()
    m.fit([PairBlock(ROLES, before, after.astype(np.float32), np.ones((120, 120), bool))])
    return m


def test_small_spreads_are_not_called_flat():
    m = _fitted(0.003, identical_nir=False)
    assert float(m.scale.max()) < 0.005
    assert "no spread" not in m.notes[0], m.notes[0]


def test_a_band_without_difference_is_called_flat():
    m = _fitted(0.003, identical_nir=True)
    assert "1 of them unchanged on most pixels (no spread)" in m.notes[0], m.notes[0]
