"""A DSM whose ground lies far above 0 m with an undeclared hole or collar of exactly 0 m: the 0 m pixels are no
height (not the ground), and the explanation says so as it says a -9999 fill (probe on gaps, finding 5)."""
from __future__ import annotations

import numpy as np

from terraprompt.plugin.core.landcover.height import read_heights
from terraprompt.plugin.core.landcover.indices import height_above_ground

PIXEL_M = 0.5


def _dsm() -> tuple[np.ndarray, np.ndarray]:
    """(a 0.5 m DSM of 210 m ground, gently sloping, with 8 m buildings; where the buildings are)."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:300, 0:300]
    bld = np.zeros((300, 300), bool)
    for r in range(20, 300, 60):
        for c in range(20, 300, 60):
            bld[r:r + 20, c:c + 24] = True
    dsm = 210 + 0.02 * xx + 0.01 * yy + 8.0 * bld + rng.normal(0, 0.1, bld.shape)
    return dsm.astype(np.float32), bld


def _with_zero_hole() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the DSM with a 0 m hole and a 0 m left collar, the 0 m pixels, the buildings)."""
    dsm, bld = _dsm()
    hole = np.zeros(dsm.shape, bool)
    hole[110:200, 110:200] = True
    hole[:, :30] = True
    dsm[hole] = 0.0
    return dsm, hole, bld


def test_zero_hole_is_no_ground():
    """Near a 0 m hole the ground stays the DSM's ground: no 'building' of 210 m around it."""
    dsm, hole, bld = _with_zero_hole()
    hag = height_above_ground(dsm, True, PIXEL_M)
    assert np.isnan(hag[hole]).all()
    ground = ~hole & ~bld
    assert np.nanmax(hag[ground]) < 2.0  # was ~210 m within the ground window of the hole
    assert np.nanmedian(hag[bld & ~hole]) > 6.0


def test_zero_hole_is_said_like_a_fill():
    """The reading lists 0 among the fill values (the explanation's caution) and reads the DSM from its real heights."""
    dsm, _, _ = _with_zero_hole()
    reading = read_heights(dsm)
    assert reading.is_dsm
    assert reading.voids == (0.0,)
    assert "0.0 m" not in reading.why  # its 5th percentile is the ground's, not the hole's


def test_ndsm_ground_keeps_zero():
    """An nDSM's 0 m ground is ground: not a fill."""
    from terraprompt.plugin.core.landcover.indices import zero_is_void

    _, bld = _dsm()
    ndsm = (8.0 * bld).astype(np.float32)
    assert not zero_is_void(ndsm)
    assert read_heights(ndsm).voids == ()
    assert (height_above_ground(ndsm, False, PIXEL_M)[~bld] == 0).all()


def test_low_coast_keeps_zero():
    """A DSM of low ground with the sea at exactly 0 m keeps 0 m as the sea's height."""
    from terraprompt.plugin.core.landcover.indices import zero_is_void

    dsm, bld = _dsm()
    coast = (dsm - 210).astype(np.float32)
    coast[:, :100] = 0.0
    assert not zero_is_void(coast)
    assert np.isfinite(height_above_ground(coast, True, PIXEL_M)[:, :100]).all()
