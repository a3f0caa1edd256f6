"""InteractiveSession: map-coordinate prompts, undo/redo, window growth, cache reuse, bad prompts."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.windows import Window

from conftest import write_raster
from interactive_helpers import TRANSFORM, scene
from terraprompt.plugin.core.errors import PromptError
from terraprompt.plugin.core.interactive.cache import EmbeddingCache
from terraprompt.plugin.core.interactive.session import InteractiveSession
from terraprompt.plugin.core.raster import open_raster


def _xy(r, c):
    return TRANSFORM * (c + 0.5, r + 0.5)


def _iou(a, b):
    return (a & b).sum() / max((a | b).sum(), 1)


@pytest.fixture
def raster(tmp_path):
    data, masks = scene(h=256, w=256)
    path = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    return open_raster(path), masks


def _full(result, shape, window):
    """The result mask pasted on the full raster grid (encoded at native resolution)."""
    out = np.zeros(shape, bool)
    w = result.window
    out[w.row_off:w.row_off + w.height, w.col_off:w.col_off + w.width] = result.mask
    return out


def test_click_undo_redo(raster):
    src, masks = raster
    s = InteractiveSession(src, Window(0, 0, 256, 256))
    r1 = s.add_point(*_xy(60, 70), positive=True)
    assert _iou(_full(r1, (256, 256), s.window), masks[1]) > 0.9
    r2 = s.add_point(*_xy(150, 170), positive=True)  # a second object joins the mask
    m2 = _full(r2, (256, 256), s.window)
    assert (m2 & masks[2]).sum() > 0.8 * masks[2].sum()
    r3 = s.undo()
    assert np.array_equal(r3.mask, r1.mask) and s.history.can_redo
    r4 = s.redo()
    assert np.array_equal(r4.mask, r2.mask)
    assert s.history.n_positive == 2 and s.history.prompt_type() == "points"
    assert s.undo() is not None and s.undo() is None and not s.history.can_undo


def test_window_grows_for_border_touching_object(raster):
    src, masks = raster
    # the window cuts object 1 (rows 40-70, cols 50-95) in half
    s = InteractiveSession(src, Window(0, 0, 75, 60))
    r = s.add_point(*_xy(50, 60), positive=True)
    assert r.grown >= 1
    full = _full(r, (256, 256), s.window)
    assert _iou(full, masks[1]) > 0.9
    assert s.window.width > 75 and s.window.height > 60


def test_no_growth_when_disabled(raster):
    src, masks = raster
    s = InteractiveSession(src, Window(0, 0, 75, 60), grow=False)
    r = s.add_point(*_xy(50, 60))
    assert r.grown == 0 and r.mask.shape == (60, 75)


def test_prompt_outside_raster_is_refused(raster):
    src, _ = raster
    s = InteractiveSession(src)
    with pytest.raises(PromptError, match="outside the raster"):
        s.add_point(0.0, 0.0)
    with pytest.raises(PromptError, match="outside the raster"):
        s.add_box(0, 0, 10, 10)
    assert len(s.history) == 0


def test_positive_click_on_nodata_is_refused(tmp_path):
    data, masks = scene()
    data = data.astype(np.uint8)
    data[:, 100:120, 100:120] = 0
    src = open_raster(write_raster(str(tmp_path / "nd.tif"), data, transform=TRANSFORM, nodata=0))
    s = InteractiveSession(src)
    with pytest.raises(PromptError, match="nodata"):
        s.add_point(*_xy(110, 110), positive=True)
    # a negative click there is harmless, and the mask never covers nodata
    s.add_point(*_xy(60, 70), positive=True)
    r = s.add_point(*_xy(110, 110), positive=False)
    assert not _full(r, (256, 256), s.window)[100:120, 100:120].any()


def test_cache_hit_across_sessions(raster, tmp_path):
    src, masks = raster
    cache = EmbeddingCache(str(tmp_path / "cache"), max_bytes=10 ** 9)
    s1 = InteractiveSession(src, Window(0, 0, 256, 256), cache=cache)
    assert not s1.encode().from_cache and cache.misses == 1
    m1 = s1.add_point(*_xy(60, 70)).mask
    s2 = InteractiveSession(src, Window(0, 0, 256, 256), cache=cache)
    assert s2.encode().from_cache and cache.hits == 1
    assert np.array_equal(s2.add_point(*_xy(60, 70)).mask, m1)
    # another window, another resolution → miss
    s3 = InteractiveSession(src, Window(0, 0, 256, 256), resolution=1.0, cache=cache)
    assert not s3.encode().from_cache and s3.encode().shape == (128, 128)


def test_box_prompt_in_map_coordinates(raster):
    src, masks = raster
    s = InteractiveSession(src)
    x0, y1 = TRANSFORM * (47, 37)
    x1, y0 = TRANSFORM * (98, 73)
    r = s.add_box(x0, y0, x1, y1)
    assert _iou(_full(r, (256, 256), s.window), masks[1]) > 0.85
    assert s.history.prompt_type() == "box"


@pytest.mark.parametrize("in_db", [False, True])
def test_sar_is_despeckled_whatever_its_scale(tmp_path, in_db):
    # single-look speckle on a dark lake in bright land, given as linear intensity or in dB: both segment cleanly
    # (without the multilook average, single-look dB speckle defeats the engine: IoU 0.08)
    rng = np.random.default_rng(3)
    h = w = 200
    yy, xx = np.mgrid[0:h, 0:w]
    lake = (yy - 100) ** 2 + (xx - 90) ** 2 < 45 ** 2
    mean = np.where(lake, 0.01, 0.08).astype(np.float32)
    data = (mean * rng.gamma(1.0, 1.0, (h, w))).astype(np.float32)[None]
    if in_db:
        data = 10 * np.log10(data)
    src = open_raster(write_raster(str(tmp_path / "s1.tif"), data, transform=TRANSFORM, descriptions=["VV"]))
    s = InteractiveSession(src)
    assert s.modality is not None and s.modality.family == "sar"
    r = s.add_point(*_xy(100, 90))
    assert _iou(_full(r, (h, w), s.window), lake) > 0.85


def test_sentinel2_13_bands_lake(tmp_path):
    from conftest import S2_NAMES, synthetic_s2
    from rasterio.transform import from_origin

    data, water, _ = synthetic_s2()
    tr = from_origin(500000, 4500000, 10, 10)
    src = open_raster(write_raster(str(tmp_path / "s2.tif"), data, transform=tr, descriptions=S2_NAMES))
    s = InteractiveSession(src)
    assert s.modality.name.startswith("sentinel2") and len(s.bands) == 13
    rr, cc = np.nonzero(water)
    r = s.add_point(*(tr * (cc.mean() + 0.5, rr.mean() + 0.5)))
    assert _iou(_full(r, water.shape, s.window), water) > 0.9


def test_dsm_heights_building(tmp_path):
    rng = np.random.default_rng(5)
    dsm = (120 + rng.normal(0, 0.3, (160, 160))).astype(np.float32)
    house = np.zeros((160, 160), bool)
    house[50:80, 60:110] = True
    dsm[house] += 7.5
    src = open_raster(write_raster(str(tmp_path / "dsm.tif"), dsm[None], transform=TRANSFORM, nodata=-9999.0))
    s = InteractiveSession(src)
    r = s.add_point(*_xy(65, 85))
    assert _iou(_full(r, house.shape, s.window), house) > 0.9


def test_decode_without_encoding_stops_at_the_window_and_run_finishes(raster):
    src, masks = raster
    s = InteractiveSession(src, Window(0, 0, 75, 60))
    s.encode()
    part = s.add_point(*_xy(50, 60), positive=True, encode=False)
    assert not part.complete and part.grown == 0 and part.window == Window(0, 0, 75, 60)
    assert part.mask.any() and s.needs_encoding()  # the cut part is shown; the grown window waits to be encoded
    whole = s.run()
    assert whole.complete and whole.grown >= 0 and not s.needs_encoding()
    assert _iou(_full(whole, (256, 256), s.window), masks[1]) > 0.9
    # a click outside the encoded window: nothing decoded yet, an empty incomplete result
    s2 = InteractiveSession(src, Window(0, 0, 60, 60))
    s2.encode()
    r = s2.add_point(*_xy(150, 170), positive=True, encode=False)
    assert not r.complete and r.empty
    assert _iou(_full(s2.run(), (256, 256), s2.window), masks[2]) > 0.9


def test_undo_to_negative_clicks_only_leaves_no_mask(raster):
    """A negative click first (no object yet: refused but kept), a positive click, then undo: the negative alone makes no
    object, so nothing is decoded and no mask is left to accept; redo brings the positive back."""
    src, masks = raster
    s = InteractiveSession(src, Window(0, 0, 256, 256))
    with pytest.raises(PromptError, match="no positive click"):
        s.add_point(*_xy(5, 5), positive=False)
    r1 = s.add_point(*_xy(60, 70), positive=True)
    assert _iou(_full(r1, (256, 256), s.window), masks[1]) > 0.9
    assert s.undo() is None and s.last is None and s.history.n_negative == 1
    r2 = s.redo()
    assert r2 is not None and np.array_equal(r2.mask, r1.mask) and s.last is r2


def test_far_from_window(raster):
    """A point more than the window's size away from it (the analyst panned away) is far; a point just outside is not."""
    src, _ = raster
    s = InteractiveSession(src, Window(0, 0, 64, 64))
    assert not s.far_from_window(*_xy(30, 30))  # inside
    assert not s.far_from_window(*_xy(30, 100))  # 36 px right of the window: the window grows to it
    assert s.far_from_window(*_xy(30, 200)) and s.far_from_window(*_xy(200, 30))
