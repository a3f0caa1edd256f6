"""Pairs that share only a few pixels: refused by the scene-adaptive methods, normalised without IR-MAD.

A threshold fitted on a 1-px-wide overlap split its unimodal sample in two (CVA called 29 of 60 pixels change that a
60x60 run of the same pixels calls unchanged); a 4x4 RGB pair run with CVA was refused as "IR-MAD needs more valid
pixels ... or the method 'cva'" (the IR-MAD of the relative normalisation).
"""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window

from conftest import S2_NAMES, shared, write_raster
from terraprompt.plugin.core.change.align import align_pair
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.change.methods import MIN_SCENE_PIXELS
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster


def _crop(src: str, dst: str, row: int, col: int, h: int, w: int) -> str:
    """A georeferenced crop of a real raster (its band descriptions kept)."""
    with rasterio.open(src) as s:
        win = Window(col, row, w, h)
        data, transform, names = s.read(window=win), s.window_transform(win), list(s.descriptions)
        crs = s.crs
    return write_raster(dst, data, crs=crs, transform=transform, descriptions=names if all(names) else None)


def _run(tmp_path, before: str, after: str, method: str, **kw):
    """detect_change with a probability and a change raster under tmp_path/out."""
    return detect_change(ChangeRequest(before, after, str(tmp_path / "out" / "p.tif"), str(tmp_path / "out" / "c.tif"),
                                       method=method, cloud_mask=False, **kw))


def _oscd(tmp_path, shift: int, h: int = 60, w: int = 60) -> tuple[str, str]:
    """Beihai BEFORE h x w at (100, 100) and AFTER the same size moved ``shift`` columns right (overlap w - shift)."""
    city = shared("oscd", "beihai")
    b = _crop(f"{city}/beihai_t1.tif", str(tmp_path / "b.tif"), 100, 100, h, w)
    a = _crop(f"{city}/beihai_t2.tif", str(tmp_path / "a.tif"), 100, 100 + shift, h, w)
    return b, a


@pytest.mark.parametrize("method", ["cva", "irmad"])
def test_one_column_overlap_is_refused_naming_its_size(tmp_path, method):
    """A 1-px-wide common overlap (60 px) is too small for a scene-adaptive threshold: refused, not half called change."""
    b, a = _oscd(tmp_path, shift=59)
    with pytest.raises(ModalityError) as err:
        _run(tmp_path, b, a, method)
    text = str(err.value)
    assert "60 px" in text and str(MIN_SCENE_PIXELS) in text, text
    assert f"method '{method}'" not in text, text
    assert not list(tmp_path.glob("out/*"))  # nothing left behind


@pytest.mark.parametrize("method", ["cva", "irmad"])
def test_one_by_fifty_pair_is_refused(tmp_path, method):
    """A 1 x 50 pair of real pixels (CVA called 20 of them change; 0 in a 60x60 run) is refused."""
    city = shared("oscd", "beihai")
    b = _crop(f"{city}/beihai_t1.tif", str(tmp_path / "b.tif"), 130, 100, 1, 50)
    a = _crop(f"{city}/beihai_t2.tif", str(tmp_path / "a.tif"), 130, 100, 1, 50)
    with pytest.raises(ModalityError, match="50 px"):
        _run(tmp_path, b, a, method)


def test_generated_small_pair_is_refused_and_a_larger_one_runs(tmp_path):
    """Without shared data: 31x31 generated pixels are refused by CVA, 32x32 run."""
    rng = np.random.default_rng(0)
    for side, refused in ((31, True), (32, False)):
        dn = rng.integers(500, 3000, (13, side, side)).astype(np.uint16)
        b = write_raster(str(tmp_path / f"b{side}.tif"), dn, descriptions=S2_NAMES)
        a = write_raster(str(tmp_path / f"a{side}.tif"), (dn + rng.integers(0, 40, dn.shape)).astype(np.uint16),
                         descriptions=S2_NAMES)
        if refused:
            with pytest.raises(ModalityError, match=f"{side * side} px"):
                _run(tmp_path, b, a, "cva")
        else:
            assert _run(tmp_path, b, a, "cva").valid_area_m2 > 0


@pytest.mark.parametrize("method", ["cva", "irmad"])
def test_normal_size_pair_still_runs(tmp_path, method):
    """A 60x60 real pair (3600 px) is above the minimum: a threshold fitted to the scene, as before."""
    b, a = _oscd(tmp_path, shift=0)
    res = _run(tmp_path, b, a, method)
    assert res.valid_area_m2 > 0 and "absolute" not in res.summary


def _rgb_pair(tmp_path, side: int) -> tuple[str, str]:
    """A side x side 8-bit RGB pair (uncalibrated values: auto normalisation is relative)."""
    rng = np.random.default_rng(1)
    dn = rng.integers(40, 200, (3, side, side)).astype(np.uint8)
    names = ["red", "green", "blue"]
    b = write_raster(str(tmp_path / "rgb_b.tif"), dn, descriptions=names)
    a = write_raster(str(tmp_path / "rgb_a.tif"), np.clip(dn * 1.1 + 5, 0, 255).astype(np.uint8), descriptions=names)
    return b, a


def test_tiny_pair_normalisation_falls_back_to_histogram(tmp_path):
    """16 px are too few for IR-MAD's no-change pixels: AFTER is histogram-matched, and the note names NORMALISATION."""
    pb, pa = _rgb_pair(tmp_path, 4)
    b, a = open_raster(pb), open_raster(pa)
    pair = align_pair(b, a, resolve_modality(b, "auto"), resolve_modality(a, "auto"), "auto", False)
    assert pair.norm.kind == "histogram", pair.norm.note
    assert "16 px" in pair.norm.note and "NORMALISATION" in pair.norm.note


def test_tiny_rgb_pair_with_cva_is_not_told_to_use_cva(tmp_path):
    """A 4x4 RGB pair run with CVA is refused for its size, not sent to the method it already uses."""
    pb, pa = _rgb_pair(tmp_path, 4)
    with pytest.raises(ModalityError) as err:
        _run(tmp_path, pb, pa, "cva")
    text = str(err.value)
    assert "IR-MAD" not in text and "'cva'" not in text and "16 px" in text, text


def test_a_cloud_network_not_run_is_said_without_its_shadow_reach(tmp_path):
    """A 40 x 40 px pair (under the cloud network's 16 cells): the clouds line says the network was not run, and does
    not go on about its shadows within 5 km of its clouds."""
    from terraprompt.plugin.core.landcover.clouds import csmask_dir

    if csmask_dir() is None:
        pytest.skip("ukis-csmask not installed")
    b, a = _oscd(tmp_path, shift=0, h=40, w=40)
    r = detect_change(ChangeRequest(b, a, str(tmp_path / "out" / "p.tif"), str(tmp_path / "out" / "c.tif"), method="cva"))
    line = next(l for l in r.summary.splitlines() if "Clouds:" in l)
    assert "not run on this 40 x 40 px raster" in line and "its shadows within" not in line, line
