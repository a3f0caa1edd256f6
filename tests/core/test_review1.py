"""Review of the size-range, straight-outline and duplicate changes: straight outlines beside a large polygon cut in
linear time, a mask mostly over objects kept is still a duplicate, Context's attribute docstrings in place."""
from __future__ import annotations

import ast
import inspect
import os
import sys
import time

import numpy as np
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.geometry import Polygon, box

from conftest import write_raster
from terraprompt.plugin.core.raster import Grid
from terraprompt.plugin.core.vectors import polygonize, write_polygons

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "interactive"))
from similar_fakes import find_similar  # noqa: E402  (the fakes the duplicate tests share)


def _roofs_in_a_forest(path: str, n: int) -> tuple:
    """An n x n grid of 6 x 6 px roofs (class 2) in one forest polygon (class 1, written first) with n² holes."""
    side = n * 12
    cls = np.ones((side, side), np.uint8)
    for i in range(n):
        for j in range(n):
            cls[i * 12 + 3:i * 12 + 9, j * 12 + 3:j * 12 + 9] = 2
    tr = from_origin(500000, 4500000, 1, 1)
    write_raster(path, cls, transform=tr, crs="EPSG:32633")
    return Grid(CRS.from_epsg(32633), tr, side, side), n * n + 1


def test_straight_outlines_beside_a_forest_with_many_holes_take_linear_time(tmp_path):
    """Each straight roof was cut by the whole forest polygon (2500 holes): 1600 roofs took 21 s, 2500 about 50 s; the
    forest is now filed in pieces, so a roof is cut by the few near it."""
    path = str(tmp_path / "c.tif")
    grid, n_features = _roofs_in_a_forest(path, 50)
    start = time.perf_counter()
    written = write_polygons(str(tmp_path / "o.gpkg"), polygonize(path), grid, {1: "forest", 2: "building"}, {},
                             straight={2})
    took = time.perf_counter() - start
    assert written.features == n_features and written.cut == 0
    assert took < 20, f"{took:.1f} s for 2500 straight roofs"


def test_a_large_polygon_is_filed_in_pieces_of_few_points():
    """What the cut reads near a roof: no filed piece spanning more than a cell has more than PIECE_POINTS points."""
    from terraprompt.plugin.core import vectors

    holes = [box(x + 3, y + 3, x + 9, y + 9).exterior.coords for x in range(0, 600, 12) for y in range(0, 600, 12)]
    forest = Polygon(box(0, 0, 600, 600).exterior.coords, holes)
    pieces = vectors._pieces(forest, 64.0)
    assert abs(sum(p.area for p in pieces) - forest.area) < 1e-6
    for p in pieces:
        x0, y0, x1, y1 = p.bounds
        points = len(p.exterior.coords) + sum(len(r.coords) for r in p.interiors)
        assert max(x1 - x0, y1 - y0) <= 64.0 or points <= vectors.PIECE_POINTS, (p.bounds, points)


class _Engine:
    """Two 200-pixel roofs (rows 20-29, cols 20-39 and 60-79) and a 320-pixel mask between them (rows 20-29, cols
    34-65), 60 pixels over each: 30 % of each roof (not more), but 37.5 % of itself lies on objects kept."""

    threshold = 0.0
    card: dict = {}

    def decode(self, sub, points, labels, remember=False, first_click_threshold=0.0):
        mask = np.zeros(sub["valid"].shape, bool)
        x = points[0, 0]
        if x < 30:
            mask[20:30, 20:40] = True
            return mask, 0.95
        if x > 70:
            mask[20:30, 60:80] = True
            return mask, 0.94
        mask[20:30, 34:66] = True
        return mask, 0.9


def test_a_mask_mostly_over_the_objects_kept_is_a_duplicate(monkeypatch):
    """The pairwise rule (on the smaller object) replaced the share of the mask over every object kept: a mask 37.5 %
    over two kept roofs, 30 % of each, came back as a third, overlapping object."""
    found, clicks = find_similar(monkeypatch, _Engine(), [[22, 25], [75, 25], [50, 25]])
    assert clicks == 3
    assert [int(m.sum()) for m, _, _ in found] == [200, 200], [int(m.sum()) for m, _, _ in found]


def test_context_attribute_docstrings_follow_their_attributes():
    """extent_px was added between Context.network and network's docstring: the docstring after network must say what
    network is."""
    from terraprompt.plugin.core.landcover import spectral

    body = ast.parse(inspect.getsource(spectral.Context)).body[0].body
    after = {}
    for node, nxt in zip(body, body[1:]):
        if isinstance(node, ast.AnnAssign) and isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant):
            after[node.target.id] = nxt.value.value
    assert after.get("network", "").startswith("Whether water may come"), after.get("network")
    assert after.get("extent_px", "").startswith("(height, width)"), after.get("extent_px")
