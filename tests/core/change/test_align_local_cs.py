"""Two dates in the same engineering CRS (LOCAL_CS with identical CRS text and geotransform, as drone and survey software
writes them) need no reprojection: PROJ cannot transform such a CRS at all, and alignment refused the pair with
'cannot be reprojected... Reproject one of them in QGIS first'."""
from __future__ import annotations

from osgeo import gdal

from conftest import S2_NAMES, write_raster
from terraprompt.plugin.core.change.align import align_pair
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster

from change_pairs import change_pair

LOCAL_CS = 'LOCAL_CS["site grid",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'


def _in_site_grid(path: str) -> str:
    """The file with its CRS replaced by the site's engineering CRS."""
    ds = gdal.Open(path, gdal.GA_Update)
    ds.SetProjection(LOCAL_CS)
    ds = None
    return path


def test_two_dates_in_one_local_cs_align_without_reprojection(tmp_path):
    b, a, _ = change_pair()
    pb = _in_site_grid(write_raster(str(tmp_path / "before.tif"), b, descriptions=S2_NAMES))
    pa = _in_site_grid(write_raster(str(tmp_path / "after.tif"), a, descriptions=S2_NAMES))
    before, after = open_raster(pb), open_raster(pa)
    assert before.crs == after.crs and not before.crs.is_projected
    pair = align_pair(before, after, resolve_modality(before), resolve_modality(after), "none", cloud_mask=False)
    assert (pair.window.width, pair.window.height) == (before.width, before.height)
    assert pair.same_grid
