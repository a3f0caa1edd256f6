"""A DSM whose ground lies far above 0 m with an undeclared hole or collar of exactly 0 m: the 0 m pixels are no
height (not the ground), and the explanation says so as it says a -9999 fill (probe on gaps, finding 5); such holes, and
undeclared -9999, are nodata, out of the valid area (finding 6)."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from conftest import write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.landcover.height import read_heights
from terraprompt.plugin.core.landcover.indices import height_above_ground
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.scaling import fit_scaling

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


def _extract(tmp_path, name: str, dsm: np.ndarray, nodata=None):
    """(result, class raster) of 'buildings' on the DSM written as ``name`` (0.5 m pixels, ``nodata`` declared or not)."""
    path = write_raster(str(tmp_path / name), dsm[None], transform=from_origin(500000, 4500000, PIXEL_M, PIXEL_M),
                        nodata=nodata, descriptions=["DSM"])
    out = str(tmp_path / f"{name}_buildings.tif")
    res = extract_landcover(ExtractRequest(input=path, prompt="buildings", output_raster=out, engine="spectral"))
    with rasterio.open(out) as ds:
        return res, ds.read(1)


@pytest.mark.parametrize("fill", [-9999.0, 0.0])
def test_undeclared_void_heights_are_nodata(tmp_path, fill):
    """Undeclared -9999 (or 0 m in a DSM of high ground) is nodata: 255 in the class raster, out of the valid area, as
    the same file with the fill declared gives, and the Heights line still says it."""
    dsm, hole, _ = _with_zero_hole()
    dsm[hole] = fill
    res, cls = _extract(tmp_path, "dsm_undeclared.tif", dsm)
    declared, declared_cls = _extract(tmp_path, "dsm_declared.tif", dsm, nodata=fill)
    assert (cls[hole] == 255).all()  # was 0 (background) in the whole hole
    assert res.valid_area_m2 == pytest.approx(declared.valid_area_m2)  # was the whole raster's area
    assert (cls == declared_cls).all()
    assert f"caution: values {fill:g} are fill values, not heights" in res.explanation


def test_dsm_without_voids_has_no_void_scaling(tmp_path):
    """A DSM without fill values: no pixel is read as no measurement, 0 m is no fill."""
    dsm, _ = _dsm()
    path = write_raster(str(tmp_path / "dsm.tif"), dsm[None], transform=from_origin(500000, 4500000, PIXEL_M, PIXEL_M),
                        descriptions=["DSM"])
    src = open_raster(path)
    sc = fit_scaling(src, resolve_modality(src))
    assert sc.kind == "metres" and not sc.zero_void and sc.fills == ()
    assert sc.no_measurement(dsm[None]) is None
