"""InteractiveSession on a rendered view (a web layer): its edges are the map view's; prompts too far apart; tiny boxes."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.windows import Window

from conftest import write_raster
from interactive_helpers import TRANSFORM, scene
from terraprompt.plugin.core.errors import PromptError
from terraprompt.plugin.core.interactive.session import InteractiveSession
from terraprompt.plugin.core.raster import open_raster


def _xy(r, c):
    return TRANSFORM * (c + 0.5, r + 0.5)


def _iou(a, b):
    return (a & b).sum() / max((a | b).sum(), 1)


@pytest.fixture
def view_and_ground(tmp_path):
    """(the view rows 0-60, cols 0-75 as its own raster (a rendering of it), the whole scene, the object masks)."""
    data, masks = scene(h=256, w=256)
    data = data.astype(np.uint8)
    full = write_raster(str(tmp_path / "ground.tif"), data, crs="EPSG:32633", transform=TRANSFORM)
    view = write_raster(str(tmp_path / "view.tif"), data[:, :60, :75].copy(), crs="EPSG:32633", transform=TRANSFORM)
    return open_raster(view), full, masks


def _on_ground(res) -> np.ndarray:
    """The result mask on the 256² scene grid (the session encodes at native resolution, on the scene's grid)."""
    out = np.zeros((256, 256), bool)
    c0, r0 = ~TRANSFORM * (res.transform.c, res.transform.f)
    r0, c0 = int(round(r0)), int(round(c0))
    out[r0:r0 + res.mask.shape[0], c0:c0 + res.mask.shape[1]] = res.mask
    return out


def test_an_object_cut_by_a_rendered_view_is_completed_on_a_wider_rendering(view_and_ground):
    """Object 1 (rows 40-70, cols 50-95) is cut by the view's corner: the mask touches the rendering's edge, so the
    wider rendering is taken (in run(), the task; a decode that may not encode says it is incomplete) and the object is
    whole, not accepted cut."""
    view, full, masks = view_and_ground
    calls = []

    def widen():
        calls.append(1)
        return open_raster(full)

    s = InteractiveSession(view, widen=widen)
    s.encode()
    res = s.add_point(*_xy(50, 60), encode=False)
    assert not res.complete and not calls, "the GUI thread neither renders nor encodes"
    res = s.run()
    assert calls == [1] and res.complete and not res.cut_by_view
    assert _iou(_on_ground(res), masks[1]) > 0.85
    assert s.source.width == 256  # prompts and growth now on the wider rendering


def test_an_object_cut_by_a_rendered_view_that_cannot_widen_is_flagged(view_and_ground):
    view, full, masks = view_and_ground
    s = InteractiveSession(view, rendered=True)
    res = s.add_point(*_xy(50, 60))
    assert res.complete and res.cut_by_view
    # a file raster's own edge cuts nothing: no flag
    assert not InteractiveSession(open_raster(full)).add_point(*_xy(50, 60)).cut_by_view


def test_prompts_too_far_apart_are_refused_and_not_kept(tmp_path):
    data, masks = scene(h=256, w=256)
    path = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    s = InteractiveSession(open_raster(path), Window(0, 0, 96, 96), max_window=128)
    s.add_point(*_xy(55, 70))
    with pytest.raises(PromptError, match="too far apart"):
        s.add_point(*_xy(240, 240))
    with pytest.raises(PromptError, match="too far apart"):
        s.add_box(*_xy(230, 200), *_xy(200, 240))
    assert len(s.history) == 1 and s.window.width <= 128 and s.window.height <= 128
    s.add_point(*_xy(80, 80))  # near enough: the window grows as before
    assert len(s.history) == 2 and s.window.width > 96


def test_a_box_under_two_pixels_is_tiny(tmp_path):
    data, _ = scene(h=64, w=64)
    s = InteractiveSession(open_raster(write_raster(str(tmp_path / "i.tif"), data.astype(np.uint8), transform=TRANSFORM)))
    x, y = _xy(10, 10)
    assert s.tiny_box(x, y, x + 0.6, y + 0.6)  # 0.5 m pixels: 1.2 px
    assert not s.tiny_box(x, y, x + 1.5, y + 0.2)  # 3 px wide
