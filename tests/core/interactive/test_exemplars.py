"""Find similar: exemplar polygons → similar objects elsewhere, not different-looking or different-sized ones."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin
from shapely.geometry import box

from conftest import write_raster
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar
from terraprompt.plugin.core.tiling import TileSpec

TR = from_origin(500000, 4500000, 1.0, 1.0)


def scene():
    """An RGB scene: 9 red roofs (12 px), 3 blue roofs, one large red field; returns data and roof boxes (row, col)."""
    rng = np.random.default_rng(3)
    data = np.full((3, 300, 300), 90.0) + rng.normal(0, 6, (3, 300, 300))
    data[1] += 40  # greenish ground
    red = [(20 + 90 * i, 20 + 90 * j) for i in range(3) for j in range(3)]
    for r, c in red:
        data[:, r:r + 12, c:c + 12] = np.array([200, 60, 50])[:, None, None] + rng.normal(0, 6, (3, 12, 12))
    blue = [(60, 60), (150, 150), (240, 60)]
    for r, c in blue:
        data[:, r:r + 12, c:c + 12] = np.array([50, 70, 210])[:, None, None] + rng.normal(0, 6, (3, 12, 12))
    data[:, 235:295, 130:190] = np.array([200, 60, 50])[:, None, None] + rng.normal(0, 6, (3, 60, 60))
    return np.clip(data, 0, 255).astype(np.uint8), red, blue


def geom(r, c, n=12):
    x0, y0 = TR * (c, r)
    return box(x0 + 1, y0 - n + 1, x0 + n - 1, y0 - 1)


def test_finds_the_other_roofs_only(tmp_path):
    import fiona

    data, red, blue = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    res = find_similar(SimilarRequest(src, [geom(*red[0]), geom(*red[4])], str(tmp_path / "similar.gpkg"),
                                      threshold=0.5, label="roof", tiles=TileSpec(128, 16, 2),
                                      method="appearance"))
    with fiona.open(res.output_vector) as fc:
        feats = list(fc)
    found = [f for f in feats]
    assert res.count == len(found)
    centres = [tuple(np.mean(np.array(f["geometry"]["coordinates"][0][0]), axis=0)) for f in found]
    hits = 0
    for r, c in red:
        x, y = TR * (c + 6, r + 6)
        hits += any(abs(cx - x) < 6 and abs(cy - y) < 6 for cx, cy in centres)
    assert hits == len(red) - 2, f"found {hits} of the {len(red) - 2} other red roofs"
    for r, c in (red[0], red[4]):  # the exemplars themselves are not returned (as the network method leaves them out)
        x, y = TR * (c + 6, r + 6)
        assert not any(abs(cx - x) < 6 and abs(cy - y) < 6 for cx, cy in centres)
    assert "2 object(s) on the exemplars left out" in res.summary, res.summary
    for r, c in blue:  # other colour
        x, y = TR * (c + 6, r + 6)
        assert not any(abs(cx - x) < 6 and abs(cy - y) < 6 for cx, cy in centres)
    assert all(f["properties"]["area_m2"] < 600 for f in found), "the large red field is not a roof"
    assert {f["properties"]["class"] for f in found} == {"roof"}
    assert all(0.5 <= f["properties"]["score"] <= 1.0 for f in found)


def test_bad_exemplars_and_threshold(tmp_path):
    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    out = tmp_path / "s.gpkg"
    with pytest.raises(InputError, match="No exemplar"):
        find_similar(SimilarRequest(src, [], str(out)))
    with pytest.raises(InputError, match="lie outside the raster"):  # not 'fewer than 4 valid pixels'
        find_similar(SimilarRequest(src, [box(0, 0, 1, 1)], str(out)))  # far outside the raster
    with pytest.raises(InputError, match="THRESHOLD"):
        find_similar(SimilarRequest(src, [geom(*red[0])], str(out), threshold=1.5))
    assert not out.exists()


def test_extent_limits_the_search_and_outside_is_refused(tmp_path):
    import fiona
    from shapely.geometry import shape

    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    x0, y0 = TR * (0, 0)
    top = (x0, y0 - 100, x0 + 300, y0)  # rows 0-100: the first row of red roofs only
    res = find_similar(SimilarRequest(src, [geom(*red[0]), geom(*red[4])], str(tmp_path / "top.gpkg"),
                                      tiles=TileSpec(128, 16, 2), method="appearance", extent=top))
    with fiona.open(res.output_vector) as fc:
        found = [shape(f["geometry"]) for f in fc]
    assert res.count == 2 and all(g.centroid.y > y0 - 100 for g in found)  # the third is the exemplar red[0]
    out = tmp_path / "none.gpkg"
    with pytest.raises(InputError, match="search extent lies outside"):
        find_similar(SimilarRequest(src, [geom(*red[0])], str(out), method="appearance",
                                    extent=(x0 - 1000, y0 + 500, x0 - 900, y0 + 600)))
    assert not out.exists()


def test_auto_uses_the_appearance_method_on_coarse_pixels(tmp_path):
    """10 m pixels are far beyond the promptable network's 0.5 m: auto says so and runs the appearance method."""
    data, red, _ = scene()
    tr10 = from_origin(500000, 4500000, 10.0, 10.0)
    src = write_raster(str(tmp_path / "s2like.tif"), data, transform=tr10)

    def geom10(r, c, n=12):
        x0, y0 = tr10 * (c, r)
        return box(x0 + 10, y0 - 10 * (n - 1), x0 + 10 * (n - 1), y0 - 10)

    res = find_similar(SimilarRequest(src, [geom10(*red[0]), geom10(*red[4])], str(tmp_path / "s.gpkg"),
                                      tiles=TileSpec(128, 16, 2), method="auto", cache_dir=""))
    assert res.decoded == 0 and "too coarse for the promptable network" in res.summary
    assert res.count == len(red) - 2  # the exemplars are not returned


def test_progress_moves_while_the_objects_are_outlined(tmp_path):
    """The appearance method's bar stood at 80 % while its polygons were made (most of a large raster's run)."""
    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), np.tile(data, (1, 1, 9)), transform=TR)  # wider than one 2048 px window
    seen = []
    find_similar(SimilarRequest(src, [geom(*red[0]), geom(*red[4])], str(tmp_path / "similar.gpkg"), method="appearance"),
                 progress=seen.append)
    assert any(80 < v < 100 for v in seen), seen
    assert seen == sorted(seen) and seen[-1] == 100.0
