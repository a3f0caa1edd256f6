"""Text candidates cut by the view are completed beyond it (the same engine on the surroundings, bounded, never past the raster).
The candidate mechanics are checked pixel-exactly with ENGINE=spectral (auto picks the network for 13-band water, whose
masks of synthetic shapes are close but not exact)."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin
from rasterio.windows import Window

from conftest import S2_NAMES, paint_s2, write_raster

PIXEL = 10.0
H, W = 240, 320
VIEW = Window(80, 60, 120, 100)  # cols 80-200, rows 60-160
ELLIPSES = {  # name: (centre row, centre col, radius rows, radius cols)
    "across": (110, 200, 30, 45),  # crosses the view's right side: rows 80-140, cols 155-245
    "inside": (100, 120, 15, 20),  # wholly in the view
    "outside": (200, 280, 20, 25),  # never in the view
    "raster_edge": (20, 130, 45, 22),  # crosses the view's top side and is cut by the raster's top edge
}


def ellipse(name: str) -> np.ndarray:
    r, c, a, b = ELLIPSES[name]
    yy, xx = np.mgrid[0:H, 0:W]
    return (yy - r) ** 2 / a ** 2 + (xx - c) ** 2 / b ** 2 < 1


@pytest.fixture()
def scene(tmp_path):
    """A 13-band L1C-like scene (10 m) with MNDWI-positive ellipses around a view; returns make(window) → session."""
    from terraprompt.plugin.core.interactive.session import InteractiveSession
    from terraprompt.plugin.core.raster import open_raster

    water = np.logical_or.reduce([ellipse(n) for n in ELLIPSES])
    path = write_raster(str(tmp_path / "s2.tif"), paint_s2(water, np.zeros_like(water)),
                        transform=from_origin(500000, 4500000, PIXEL, PIXEL), descriptions=S2_NAMES)

    def make(window=VIEW, resolution=None):
        return InteractiveSession(open_raster(path), window, resolution=resolution)

    return make


def on_raster(cand, src) -> np.ndarray:
    """A candidate's whole crop on the raster's native grid (10 m sessions only)."""
    out = np.zeros((H, W), bool)
    col, row = (~src.transform) * (cand.crop_transform() * (0, 0))
    r, c = int(round(row)), int(round(col))
    out[r:r + cand.crop.shape[0], c:c + cand.crop.shape[1]] = cand.crop
    return out


def by_overlap(cands, mask, src):
    hits = [c for c in cands if (on_raster(c, src) & mask).any()]
    assert len(hits) <= 1
    return hits[0] if hits else None


def test_body_across_the_view_edge_is_completed(scene):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s = scene()
    cs = find_candidates(s, "water", engine="spectral")
    src = s.source
    across = by_overlap(cs.candidates, ellipse("across"), src)
    assert across is not None and across.grown and not across.cut
    assert np.array_equal(on_raster(across, src), ellipse("across"))  # the whole ellipse, on the view's grid extended
    true_area = ellipse("across").sum() * PIXEL ** 2
    assert across.area_m2 == pytest.approx(true_area, rel=0.02) and across.pixels == ellipse("across").sum()
    assert across.geometry().area == pytest.approx(true_area) and across.score > 0.9
    assert across.col_off + across.crop.shape[1] > cs.shape[1]  # the crop reaches beyond the view's grid
    view = np.zeros((H, W), bool)
    view[60:160, 80:200] = True
    assert np.array_equal(across.mask(), (ellipse("across") & view)[60:160, 80:200])  # mask(): clipped to the view
    x, y = across.interior_point()
    assert ellipse("across")[int((4500000 - y) // PIXEL), int((x - 500000) // PIXEL)]
    assert "completed beyond the view" in cs.summary
    # the region only in the surroundings (classified while completing the other) is no candidate
    assert by_overlap(cs.candidates, ellipse("outside"), src) is None


def test_body_inside_the_view_is_unchanged(scene):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s = scene()
    grown = by_overlap(find_candidates(s, "water", engine="spectral").candidates, ellipse("inside"), s.source)
    plain = by_overlap(find_candidates(s, "water", max_grow=0, engine="spectral").candidates, ellipse("inside"), s.source)
    assert not grown.grown and not grown.cut
    assert (grown.row_off, grown.col_off, grown.score, grown.pixels) == (plain.row_off, plain.col_off, plain.score, plain.pixels)
    assert grown.area_m2 == pytest.approx(plain.area_m2, rel=1e-6)  # geodesic rows measured at the wider grid's centre
    assert np.array_equal(grown.crop, plain.crop) and np.array_equal(grown.mask(), plain.mask())
    # without growth the body across the edge is cut at the view
    cut = by_overlap(find_candidates(s, "water", max_grow=0, engine="spectral").candidates, ellipse("across"), s.source)
    assert not cut.grown and cut.pixels < 0.7 * ellipse("across").sum()


def test_body_cut_by_the_raster_edge(scene):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s = scene()
    cs = find_candidates(s, "water", engine="spectral")
    top = by_overlap(cs.candidates, ellipse("raster_edge"), s.source)
    assert top.grown and not top.cut and top.row_off == -60  # grown up to the raster's first row, not past it
    assert np.array_equal(on_raster(top, s.source), ellipse("raster_edge"))
    # a view on the raster's corner: nothing to grow on those sides, no error
    corner = find_candidates(scene(Window(0, 0, 160, 90)), "water", engine="spectral")
    top2 = by_overlap(corner.candidates, ellipse("raster_edge"), s.source)
    assert not top2.grown and top2.row_off == 0 and top2.pixels == ellipse("raster_edge").sum()


def test_limits_mark_the_candidate_cut(scene):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s = scene()
    cs = find_candidates(s, "water", max_extra=0.01, engine="spectral")  # not even one block (1/32 of the view) beyond it
    across = by_overlap(cs.candidates, ellipse("across"), s.source)
    assert across.cut and not across.grown and "still cut at the search limit" in cs.summary


def test_coarser_session_grid(scene):
    """At 15 m (1.5 native pixels per encoded pixel) the surroundings are read on the same grid as the view."""
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s = scene(resolution=15.0)
    cs = find_candidates(s, "water", engine="spectral")
    assert cs.shape == (67, 80)
    true_area = ellipse("across").sum() * PIXEL ** 2
    (across,) = [c for c in cs.candidates if c.geometry().intersects(_ellipse_point("across"))]
    assert across.grown and across.area_m2 == pytest.approx(true_area, rel=0.05)
    assert across.crop_transform().a == pytest.approx(15.0, rel=0.01)


def _ellipse_point(name):
    from shapely.geometry import Point

    r, c, _, _ = ELLIPSES[name]
    return Point(500000 + (c + 0.5) * PIXEL, 4500000 - (r + 0.5) * PIXEL)


def test_refine_and_accept_a_grown_candidate(scene):
    from terraprompt.plugin.core.interactive.objects import mask_to_geometry
    from terraprompt.plugin.core.interactive.text_candidates import candidate_object, find_candidates, refine_base

    s = scene()
    cs = find_candidates(s, "water", engine="spectral")
    across = by_overlap(cs.candidates, ellipse("across"), s.source)
    true_area = ellipse("across").sum() * PIXEL ** 2
    obj = candidate_object(cs, across, 1, s.source.crs, s.source.path)  # accepted at once: the whole object
    assert obj.geometry.area == pytest.approx(true_area)
    res = s.set_base(*refine_base(cs, across, s.source), across.score)
    w = res.window
    assert w.col_off == 80 and w.col_off + w.width >= 246  # the session's window now covers the object
    assert mask_to_geometry(res.mask, res.transform).area == pytest.approx(true_area, rel=0.02)
    tr = s.source.transform
    res = s.add_point(*(tr * (230, 110)), positive=False)  # clicks edit the part beyond the old view too
    assert mask_to_geometry(res.mask, res.transform).area < 0.9 * true_area
    res = s.undo()
    assert mask_to_geometry(res.mask, res.transform).area == pytest.approx(true_area, rel=0.02)


def test_progress_and_cancel_while_completing(scene):
    from terraprompt.plugin.core.errors import Cancelled
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s = scene()
    seen = []
    find_candidates(s, "water", progress=seen.append, engine="spectral")
    assert seen == sorted(seen) and seen[-1] == 100 and any(80 < p < 100 for p in seen)  # the surroundings report too
    seen.clear()
    with pytest.raises(Cancelled):  # cancelled once the view is classified: no block beyond it is read
        find_candidates(s, "water", engine="spectral", progress=seen.append, is_cancelled=lambda: bool(seen) and seen[-1] >= 80)
    assert max(seen) == pytest.approx(80)
