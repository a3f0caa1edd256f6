"""Find similar's appearance method: merged regions parted, regions left out said, the size range from the exemplars'
parts on the raster, whole objects at a search extent's edge."""
from __future__ import annotations

import re

import numpy as np
from rasterio.transform import from_origin
from shapely.geometry import MultiPolygon, box

from conftest import write_raster
from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar
from terraprompt.plugin.core.tiling import TileSpec
from test_exemplars import TR, geom, scene


def bridged(tmp_path, bridge: tuple) -> tuple[str, list]:
    """16 red roofs (12 px) 10 px apart, each joined to the next ones by a 2 px strip of ``bridge`` colour: at a low
    threshold the strips join all roofs into one region far larger than any roof."""
    rng = np.random.default_rng(5)
    data = np.full((3, 120, 120), 90.0) + rng.normal(0, 6, (3, 120, 120))
    data[1] += 40
    roofs = [(20 + 22 * i, 20 + 22 * j) for i in range(4) for j in range(4)]
    mid = np.array(bridge, float)[:, None, None]
    for r, c in roofs:
        data[:, r + 5:r + 7, c + 12:c + 22] = mid + rng.normal(0, 6, (3, 2, 10))
        data[:, r + 12:r + 22, c + 5:c + 7] = mid + rng.normal(0, 6, (3, 10, 2))
    for r, c in roofs:
        data[:, r:r + 12, c:c + 12] = np.array([200, 60, 50])[:, None, None] + rng.normal(0, 6, (3, 12, 12))
    return write_raster(str(tmp_path / "bridged.tif"), np.clip(data, 0, 255).astype(np.uint8), transform=TR), roofs


def _areas(path: str) -> list[float]:
    import fiona

    with fiona.open(path) as fc:
        return sorted(f["properties"]["area_m2"] for f in fc)


def test_a_low_threshold_parts_merged_roofs_instead_of_finding_none(tmp_path):
    """THRESHOLD 0.2 joined all roofs into one region larger than the size range, which was dropped without a word:
    0 objects at 0.2, 10 at 0.7. The region is now cut at higher probabilities until its parts fit."""
    src, roofs = bridged(tmp_path, (180, 72, 58))
    counts = {}
    for th in (0.2, 0.7):
        res = find_similar(SimilarRequest(src, [geom(*roofs[0]), geom(*roofs[5])], str(tmp_path / f"s{th}.gpkg"),
                                          threshold=th, tiles=TileSpec(128, 16, 2), method="appearance"))
        counts[th] = res.count
        assert all(a <= 400 for a in _areas(res.output_vector)), res.summary
    assert counts[0.2] >= 10 and counts[0.7] >= 10, counts


def test_regions_too_large_are_counted_in_the_summary(tmp_path):
    """The large red field looks like the roofs but cannot be cut into roof-sized parts: the summary and the layer's
    description say a region was left out as too large, and what to try."""
    from osgeo import ogr

    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    res = find_similar(SimilarRequest(src, [geom(*red[0]), geom(*red[4])], str(tmp_path / "s.gpkg"),
                                      tiles=TileSpec(128, 16, 2), method="appearance"))
    note = "1 region(s) larger than 400 m² left out (a higher THRESHOLD may part merged ones)"
    assert note in res.summary, res.summary
    ds = ogr.Open(res.output_vector)
    assert note in ds.GetLayer(0).GetMetadataItem("DESCRIPTION")
    ds = None


def test_an_exemplar_part_off_the_raster_does_not_widen_the_size_range(tmp_path):
    """One exemplar feature: a roof plus a field drawn off the raster's east edge (a wider basemap). The size range
    came from the whole feature (400 m² became thousands); it comes from the part on the raster."""
    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    x1, _ = TR * (300, 0)
    _, ya = TR * (0, red[4][0])
    off = box(x1 + 20, ya - 100, x1 + 200, ya + 100)
    counts = []
    for exemplars in ([geom(*red[0]), geom(*red[4])], [geom(*red[0]), MultiPolygon([geom(*red[4]), off])]):
        res = find_similar(SimilarRequest(src, exemplars, str(tmp_path / f"s{len(counts)}.gpkg"),
                                          tiles=TileSpec(128, 16, 2), method="appearance"))
        assert "objects between 25 and 400 m² kept" in res.summary, res.summary
        assert all(a < 600 for a in _areas(res.output_vector)), "the large red field is not a roof"
        counts.append(res.count)
    assert counts[0] == counts[1] == len(red) - 2


def test_an_exemplar_partly_on_nodata_sets_the_range_by_its_valid_part(tmp_path):
    """An exemplar drawn over a roof and a nodata strip: only its part on valid pixels sets the size range."""
    data, red, _ = scene()
    data[:, :, 250:] = 0
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR, nodata=0)
    r, c = red[2]  # (20, 200): the strip starts 38 px east of it
    x0, y0 = TR * (c, r)
    wide = box(x0 + 1, y0 - 11, x0 + 99, y0 - 1)  # 98 x 10 m: about half of it on nodata
    res = find_similar(SimilarRequest(src, [geom(*red[0]), wide], str(tmp_path / "s.gpkg"),
                                      tiles=TileSpec(128, 16, 2), method="appearance"))
    hi = float(re.search(r"and ([\d,]+) m² kept", res.summary).group(1).replace(",", ""))
    assert 4 * 480 <= hi <= 4 * 520, res.summary


def test_objects_across_the_extent_edge_are_whole(tmp_path):
    """An extent ending across a column of roofs: those roofs come back whole (as the whole-raster search returns
    them), not as the pieces inside the extent."""
    import fiona
    from shapely.geometry import shape

    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    x0, y0 = TR * (0, 0)
    x_edge, _ = TR * (116, 0)  # the roofs at columns 110-122 are cut in half
    exemplars = [geom(*red[0]), geom(*red[8])]
    found = {}
    for name, extent in (("all", None), ("left", (x0, y0 - 300, x_edge, y0))):
        res = find_similar(SimilarRequest(src, exemplars, str(tmp_path / f"{name}.gpkg"), tiles=TileSpec(128, 16, 2),
                                          method="appearance", extent=extent))
        with fiona.open(res.output_vector) as fc:
            found[name] = [(shape(f["geometry"]), f["properties"]["area_m2"]) for f in fc]
    whole = [a for g, a in found["all"] if g.bounds[0] < x_edge]
    assert sorted(a for _, a in found["left"]) == sorted(whole)  # 72 m² halves were returned
    assert len(whole) == 5  # 6 roofs in columns 20 and 110, one of them an exemplar
    assert sum(1 for g, _ in found["left"] if g.bounds[2] > x_edge) == 3
