"""The same ground at a coarser pixel size is no change: BEFORE is degraded along AFTER's own path (averaged onto
AFTER's grid, resampled back as AFTER is), so both dates carry the same blur. A box filter on BEFORE's grid called
2-10 % of a Sentinel-2 date against itself block-averaged 2x..10x changed."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import Affine
from rasterio.windows import Window

from conftest import SAMPLE_S2, write_raster
from terraprompt.plugin.core.change.align import align_pair
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster


def _block_averaged(tmp_path, k: int) -> str:
    """The sample Sentinel-2 date averaged over k x k pixels on its own (aligned) grid, as a coarser sensor sees it."""
    with rasterio.open(SAMPLE_S2) as s:
        a, tr, desc, crs = s.read().astype(np.float32), s.transform, s.descriptions, s.crs
    h, w = a.shape[1] // k, a.shape[2] // k
    x = a[:, :h * k, :w * k].reshape(a.shape[0], h, k, w, k).mean((2, 4))
    return write_raster(str(tmp_path / f"coarse_x{k}.tif"), np.round(x).astype(np.uint16), crs=crs,
                        transform=tr * Affine.scale(k), descriptions=list(desc))


@pytest.mark.parametrize("k", [2, 3, 5])
def test_before_carries_the_coarser_dates_resampling(tmp_path, k):
    b, a = open_raster(SAMPLE_S2), open_raster(_block_averaged(tmp_path, k))
    pair = align_pair(b, a, resolve_modality(b), resolve_modality(a), "none", cloud_mask=False)
    assert pair.smooth == k and pair.shift == (0, 0)
    blk = pair.read_raw(Window(20, 20, 120, 100))
    assert blk.valid.all()
    assert float(np.abs(blk.before - blk.after).max()) < 1e-3, float(np.abs(blk.before - blk.after).max())


def test_same_ground_at_five_times_the_pixel_is_not_change(tmp_path):
    res = detect_change(ChangeRequest(before=SAMPLE_S2, after=_block_averaged(tmp_path, 5), method="cva", cloud_mask=False,
                                      output_change=str(tmp_path / "change.tif")))
    with rasterio.open(res.output_change) as ds:
        c = ds.read(1)
    assert (c == 1).sum() <= 0.002 * (c != 255).sum(), (c == 1).mean()
