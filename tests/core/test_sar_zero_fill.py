"""Sentinel-1 GRD files fill their swath borders with 0 and carry no nodata value: a linear SAR value of 0 is no
measurement (its dB is minus infinity), so land cover, change and the interactive encoder leave it out instead of
calling the border water (all failed before: the border came out as water / compared as a dark surface)."""
from __future__ import annotations

import os

import numpy as np
import rasterio

from terraprompt.plugin.core.scaling import S1_AMPLITUDE_DB

CROP = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "sen1floods11_s1_crop.tif")
BORDER = 12


def _grd(tmp_path, name: str, border: bool) -> str:
    """The shared crop's VV as GRD amplitude DN (uint16, no nodata value), its first columns zero-filled if ``border``."""
    with rasterio.open(CROP) as ds:
        vv_db, profile = ds.read(1), ds.profile
    dn = np.where(np.isfinite(vv_db), np.round(10 ** ((vv_db + S1_AMPLITUDE_DB) / 20)), 1).astype(np.uint16)
    if border:
        dn[:, :BORDER] = 0
    path = str(tmp_path / name)
    profile.update(count=1, dtype="uint16", nodata=None)
    with rasterio.open(path, "w", **profile) as out:
        out.write(dn, 1)
    return path


def test_land_cover_leaves_a_zero_filled_border_out(tmp_path):
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    grd = _grd(tmp_path, "s1a-iw-grd-vv-20190920t061553-border.tiff", border=True)
    for engine in ("spectral", "network"):
        res = extract_landcover(ExtractRequest(input=grd, prompt="water", output_raster=str(tmp_path / f"{engine}.tif"),
                                               engine=engine))
        with rasterio.open(res.output_raster) as ds:
            cls = ds.read(1)
        assert (cls[:, :BORDER] == 255).all(), engine
        assert (cls[:, BORDER:] != 255).all(), engine
        assert "Nodata excluded: 0 m²" not in res.explanation


def test_change_leaves_a_zero_filled_border_out(tmp_path):
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    before = _grd(tmp_path, "s1a-iw-grd-vv-20190908t061553-border.tiff", border=True)
    after = _grd(tmp_path, "s1a-iw-grd-vv-20190920t061553-full.tiff", border=False)
    res = detect_change(ChangeRequest(before=before, after=after, method="logratio", output_change=str(tmp_path / "c.tif"),
                                      output_probability=str(tmp_path / "p.tif")))
    with rasterio.open(res.output_change) as ds:
        ch = ds.read(1)
    assert (ch[:, :BORDER] == 255).all() and (ch[:, BORDER:] == 0).all()  # the same image elsewhere: no change


def test_the_interactive_encoder_leaves_zero_sar_values_out():
    from terraprompt.plugin.core.interactive.encoder import to_physical
    from terraprompt.plugin.core.modalities import Modality

    sar = Modality(name="sar", label="SAR", roles={"vv": 1}, scaling={"kind": "sar_db"}, reason="", band_count=1)
    image = np.full((1, 20, 20), 150.0, np.float32)
    image[:, :, :4] = 0
    valid = np.ones((20, 20), bool)
    out, ok = to_physical(image, valid, sar)
    assert not ok[:, :4].any() and ok[:, 4:].all() and np.isfinite(out).all()
    db, ok_db = to_physical(np.full((1, 20, 20), -12.0, np.float32), valid, sar)  # dB values below 0 are measurements
    assert ok_db.all()


def test_a_mostly_zero_filled_grd_crop_is_still_read_as_amplitude(tmp_path):
    """A crop mostly outside the swath (60 % zero fill): the DN → dB scaling is chosen on the measured pixels."""
    from terraprompt.plugin.core.modalities import detect_modality
    from terraprompt.plugin.core.raster import open_raster
    from terraprompt.plugin.core.scaling import fit_scaling

    path = _grd(tmp_path, "s1a-iw-grd-vv-20190920t061553-edge.tiff", border=False)
    with rasterio.open(path, "r+") as ds:
        dn = ds.read(1)
        dn[:, : int(dn.shape[1] * 0.6)] = 0
        ds.write(dn, 1)
    src = open_raster(path)
    assert "amplitude DN" in fit_scaling(src, detect_modality(src)).note


def test_a_click_on_the_zero_fill_is_a_click_on_nodata(tmp_path):
    import pytest

    from terraprompt.plugin.core.errors import PromptError
    from terraprompt.plugin.core.interactive.session import InteractiveSession
    from terraprompt.plugin.core.raster import open_raster

    src = open_raster(_grd(tmp_path, "s1a-iw-grd-vv-20190920t061553-border.tiff", border=True))
    s = InteractiveSession(src)
    with pytest.raises(PromptError, match="nodata"):
        s.add_point(*(src.transform * (BORDER / 2, 20.5)))
    assert s.add_point(*(src.transform * (BORDER + 30.5, 20.5))).mask.any()
