"""A multiband integer raster without a nodata value fills its collar with 0 (a reprojected Landsat/Sentinel-2 tile);
warped onto another grid, that fill must stay out of the resampling kernel: blended in (the 0-rule applied after
warping), the pixels along the footprint edge came out as dark data, a false change stripe in detect_change."""
from __future__ import annotations

import numpy as np
from rasterio.transform import from_origin

from terraprompt.plugin.core.raster import Grid, open_raster
from tests.conftest import write_raster

VALUE = 1000


def _collared(tmp_path, name: str, nodata=None) -> str:
    """Three uint16 bands of a constant VALUE at 30 m, a tilted 0 collar over the left part, nodata as given."""
    h = w = 60
    yy, xx = np.mgrid[0:h, 0:w]
    inside = (xx - 20) * 0.94 + (yy - 15) * 0.34 > 0
    data = np.where(inside[None], np.full((3, h, w), VALUE), 0).astype(np.uint16)
    return write_raster(str(tmp_path / name), data, crs="EPSG:32630", transform=from_origin(500000, 4000000, 30, 30),
                        nodata=nodata)


def _read_on_10m_grid(path: str):
    """The raster warped bilinearly onto a 10 m grid offset by a third of its pixel (as onto a Sentinel-2 BEFORE)."""
    grid = Grid(open_raster(path).crs, from_origin(500000 + 10, 4000000 - 10, 10, 10), 170, 170)
    return open_raster(path).read_on_grid(grid)


def test_undeclared_zero_collar_stays_out_of_the_bilinear_kernel(tmp_path):
    out = _read_on_10m_grid(_collared(tmp_path, "LC08_collar_undeclared.tif"))
    valid = ~np.ma.getmaskarray(out).any(axis=0)
    assert valid.sum() > 0.4 * valid.size
    assert np.allclose(out.data[:, valid], VALUE, atol=0.5), np.unique(np.round(out.data[:, valid]))[:10]


def test_undeclared_zero_collar_reads_as_a_declared_nodata_does(tmp_path):
    undeclared = _read_on_10m_grid(_collared(tmp_path, "undeclared.tif"))
    declared = _read_on_10m_grid(_collared(tmp_path, "declared.tif", nodata=0))
    assert (np.ma.getmaskarray(undeclared) == np.ma.getmaskarray(declared)).all()
    assert np.allclose(undeclared.filled(0), declared.filled(0))
