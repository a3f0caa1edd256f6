"""Straight outlines: traced masks of box-like objects become right-angled polygons; round objects keep their outline."""
from __future__ import annotations

import math

import numpy as np
from rasterio.features import rasterize
from rasterio.transform import Affine, from_origin
from shapely import affinity
from shapely.geometry import Polygon, box

from terraprompt.plugin.core.interactive.objects import mask_to_geometry
from terraprompt.plugin.core.outlines import main_direction, pixel_side, straighten


def _mask(geom, shape=(80, 80)) -> np.ndarray:
    return rasterize([geom], out_shape=shape, transform=Affine.identity()).astype(bool)


def _iou(a, b) -> float:
    return a.intersection(b).area / a.union(b).area


def _right_angles(poly: Polygon) -> bool:
    c = list(poly.exterior.coords)[:-1]
    for i in range(len(c)):
        (x0, y0), (x1, y1), (x2, y2) = c[i - 1], c[i], c[(i + 1) % len(c)]
        u, v = (x1 - x0, y1 - y0), (x2 - x1, y2 - y1)
        cos = (u[0] * v[0] + u[1] * v[1]) / (math.hypot(*u) * math.hypot(*v))
        if abs(cos) > 1e-3:
            return False
    return True


def test_a_turned_rectangle_becomes_four_right_angled_corners_closer_to_the_roof():
    roof = affinity.rotate(box(20, 30, 60, 50), 27, origin=(40, 40))
    traced = mask_to_geometry(_mask(roof), Affine.identity())
    straight = mask_to_geometry(_mask(roof), Affine.identity(), straight=True)
    part = straight.geoms[0]
    assert len(part.exterior.coords) == 5 and _right_angles(part)
    assert abs(math.degrees(main_direction(part)) - 27) < 2
    assert _iou(part, roof) > _iou(traced, roof) and _iou(part, roof) > 0.93
    assert len(traced.geoms[0].exterior.coords) > 20  # the staircase it replaces


def test_an_l_shaped_building_keeps_its_notch():
    ell = affinity.rotate(Polygon([(10, 10), (60, 10), (60, 30), (30, 30), (30, 60), (10, 60)]), -12, origin=(35, 35))
    part = straighten(mask_to_geometry(_mask(ell), Affine.identity()), 1.0).geoms[0]
    assert len(part.exterior.coords) == 7 and _right_angles(part)
    assert _iou(part, ell) > 0.93


def test_shapes_squaring_would_change_much_and_tiny_ones_keep_their_traced_outline():
    roof = Polygon([(10, 70), (70, 70), (40, 10)])  # a triangle: squared, IoU 0.62 with itself
    traced = mask_to_geometry(_mask(roof), Affine.identity(), simplify_pixels=1.0)
    kept = mask_to_geometry(_mask(roof), Affine.identity(), straight=True)
    assert not _right_angles(kept.geoms[0]) and _iou(kept, traced) > 0.97
    speck = mask_to_geometry(_mask(box(5, 5, 8, 7)), Affine.identity(), straight=True)
    assert speck is not None and speck.area > 0


def test_map_units_and_several_parts():
    tr = from_origin(500000, 4000000, 0.5, 0.5)
    assert pixel_side(tr) == 0.5
    m = _mask(box(5, 5, 25, 20)) | _mask(affinity.rotate(box(40, 40, 70, 60), 40, origin=(55, 50)))
    geom = mask_to_geometry(m, tr, straight=True)
    assert len(geom.geoms) == 2 and geom.is_valid and all(_right_angles(p) for p in geom.geoms)
    assert abs(geom.area - mask_to_geometry(m, tr).area) / geom.area < 0.05


def test_outlines_of_hundreds_of_corners_stay_traced_and_fast():
    import time

    rng = np.random.default_rng(0)
    a = np.linspace(0, 2 * np.pi, 2000, endpoint=False)
    r = 400 + rng.uniform(-6, 6, a.size)
    coast = Polygon(np.c_[r * np.cos(a), r * np.sin(a)])  # a jagged island 800 px across: no building
    t = time.perf_counter()
    kept = straighten(coast, 1.0).geoms[0]
    assert time.perf_counter() - t < 1.0
    assert len(kept.exterior.coords) > 400 and _iou(kept, coast) > 0.99


def test_random_masks_give_valid_multipolygons_on_geographic_and_turned_grids():
    from rasterio.crs import CRS
    from scipy import ndimage

    rng = np.random.default_rng(1)
    grids = [(from_origin(-43.2, -22.9, 4.5e-6, 4.5e-6), CRS.from_epsg(4326)), (Affine(0.5, 0.2, 100, 0.1, -0.5, 200), None)]
    for i in range(250):  # messy masks: many touching parts, holes (draw 246 once gave touching squared parts)
        m = rng.random((64, 64)) < rng.uniform(0.05, 0.7)
        m = ndimage.binary_opening(m, iterations=rng.integers(0, 3)) if i % 2 else ndimage.binary_closing(m, iterations=2)
        if i % 3 == 1 or not m.any():
            continue
        tr, crs = grids[i % 3 // 2]
        g = mask_to_geometry(m, tr, straight=True, crs=crs)
        assert g is not None and g.geom_type == "MultiPolygon" and g.is_valid, i
