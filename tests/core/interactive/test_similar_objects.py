"""Find similar with the promptable network: click grid, prototypes, and a real run on the shared Rio building tile."""
from __future__ import annotations

import os

import numpy as np
import pytest

from conftest import shared
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar
from terraprompt.plugin.core.interactive.similar_objects import (
    STRIDE,
    click_points,
    fit_prototypes,
    local_cells,
    sub_features,
)


def test_click_points_skip_dissimilar_and_invalid_cells_most_similar_first():
    sim = np.zeros((8, 8), np.float32)
    sim[:, 4:] = 0.9
    sim[0, 7] = 0.95
    valid = np.ones((8, 8), bool)
    valid[7, :] = False
    pts = click_points(sim, valid, step=4, min_cos=0.2)
    cells = np.stack([pts[:, 1] // STRIDE, pts[:, 0] // STRIDE], axis=1).astype(int)
    assert len(pts) == 7 * 4  # 8 x 8 cells, one click a cell; left half dissimilar, last row nodata
    assert (cells[:, 1] >= 4).all() and (cells[:, 0] < 7).all()
    assert tuple(cells[0]) == (0, 7)


def test_cells_take_the_cell_centre_pixel():
    mask = np.zeros((10, 10), bool)
    mask[0:4, 0:4] = True  # covers the centre (2, 2) of cell (0, 0) only
    cells = local_cells(mask, 0, 0, (3, 3))
    assert cells.shape == (3, 3) and cells[0, 0] and cells.sum() == 1


def test_cropped_masks_and_sub_windows_line_up_with_the_window():
    rng = np.random.default_rng(1)
    full = rng.random((37, 45)) > 0.6
    r0, c0 = 9, 14
    crop = full[r0:30, c0:40].copy()
    placed = np.zeros_like(full)
    placed[r0:30, c0:40] = crop
    cells = (10, 12)
    assert (local_cells(crop, r0, c0, cells) == local_cells(placed, 0, 0, cells)).all()
    feats = {"embedding": rng.random((2, 10, 12)), "image": rng.random((3, 37, 45)), "valid": full}
    sub, sr, sc = sub_features(feats, 30.0, 20.0, side=16)
    assert sr % STRIDE == 0 and sc % STRIDE == 0 and sub["valid"].shape == (20, 20)
    assert sr <= 20 < sr + 20 and sc <= 30 < sc + 20
    assert (sub["valid"] == full[sr:sr + 20, sc:sc + 20]).all()
    assert (sub["embedding"] == feats["embedding"][:, sr // STRIDE:sr // STRIDE + 5, sc // STRIDE:sc // STRIDE + 5]).all()
    edge, er, ec = sub_features(feats, 44.0, 36.0, side=16)  # at the corner: the part ends with the window
    assert (er, ec) == (20, 28) and edge["valid"].shape == (17, 17)


def test_prototype_similarity_ranks_like_cells_first():
    rng = np.random.default_rng(0)
    bg = rng.normal(0, 1, (8, 500)).astype(np.float32)
    like = rng.normal(0, 0.3, (8, 20)).astype(np.float32) + np.array([3, 0, 0, 0, 0, 0, 0, 0], np.float32)[:, None]
    protos = fit_prototypes([like], bg, diameter_px=10.0)
    emb = rng.normal(0, 0.3, (8, 4, 4)).astype(np.float32)
    emb[0, :2] += 3.0  # the top half looks like the exemplar
    sim = protos.cell_similarity(emb)
    assert sim[:2].min() > sim[2:].max()
    top = np.zeros((4, 4), bool)
    top[:2] = True
    assert protos.mask_similarity(emb, top) > 0.8 > protos.mask_similarity(emb, ~top)
    assert protos.mask_similarity(emb, np.zeros((4, 4), bool)) == -1.0


def test_unknown_method_is_refused(tmp_path):
    from shapely.geometry import box

    src = os.path.join(os.path.dirname(__file__), "..", "..", "data", "rio_buildings_crop_image.tif")
    with pytest.raises(InputError, match="Unknown find-similar method"):
        find_similar(SimilarRequest(src, [box(0, 0, 1, 1)], str(tmp_path / "s.gpkg"), method="magic"))
    assert not (tmp_path / "s.gpkg").exists()


def _match(found: list, truth: list) -> dict:
    """Found polygons matching a distinct truth polygon at IoU >= 0.5 (tp) and how many were found."""
    used, tp = set(), 0
    for f in found:
        for j, g in enumerate(truth):
            if j not in used and f.intersects(g) and f.intersection(g).area >= 0.5 * f.union(g).area:
                used.add(j)
                tp += 1
                break
    return {"tp": tp, "found": len(found)}


def test_network_finds_other_roofs_of_a_real_tile(tmp_path):
    """Three roofs of the Rio tile as exemplars: the network method finds a good share of the other 50 at IoU >= 0.5,
    with far fewer false objects than the appearance method (eval_similar measures it on all tiles)."""
    import fiona
    from shapely.geometry import shape

    img = shared("buildings", "rio_img56_image.tif")
    with fiona.open(img.replace("_image.tif", "_footprints.gpkg"), layer="footprints") as fc:
        truth = [shape(f["geometry"]) for f in fc if f["properties"]["area_px"] >= 50]
    big = [g for g in truth if g.area > 0]
    order = np.argsort([-g.area for g in big])
    exemplars = [big[i] for i in order[[2, 5, 8]]]
    rest = [g for g in truth if not any(g.equals(e) for e in exemplars)]
    res = {}
    for method in ("network", "appearance"):
        out = str(tmp_path / f"{method}.gpkg")
        r = find_similar(SimilarRequest(img, exemplars, out, method=method, cache_dir=""))
        with fiona.open(out) as fc:
            feats = list(fc)
        assert r.count == len(feats)
        res[method] = _match([shape(f["geometry"]) for f in feats], rest)
        if method == "network":
            props = feats[0]["properties"]
            assert props["model"] == "promptable_net" and len(props["model_sha256"]) == 64
            assert all(0.5 <= f["properties"]["score"] <= 1 for f in feats)
            for f in feats:  # the exemplars are not returned again
                g = shape(f["geometry"])
                assert all(g.intersection(e).area <= 0.3 * g.area + 1e-12 for e in exemplars)
    net, app = res["network"], res["appearance"]
    print(res)
    assert net["tp"] >= 8, net
    assert net["tp"] / max(net["found"], 1) >= 0.2, net
    assert net["tp"] / max(net["found"], 1) > 2 * app["tp"] / max(app["found"], 1), (net, app)


def test_network_search_keeps_to_the_extent(tmp_path):
    import fiona
    import rasterio
    from rasterio.features import shapes
    from shapely.geometry import box, shape

    src = os.path.join(os.path.dirname(__file__), "..", "..", "data", "rio_buildings_crop_image.tif")
    with rasterio.open(src.replace("_image", "_instances")) as ds:
        inst, b = ds.read(1), ds.bounds
        exemplars = [shape(g) for g, v in shapes(inst, mask=np.isin(inst, [5, 11]), transform=ds.transform)]
    left = (b.left, b.bottom, (b.left + b.right) / 2, b.top)
    counts = {}
    for name, extent in (("all", None), ("left", left)):
        out = str(tmp_path / f"{name}.gpkg")
        counts[name] = find_similar(SimilarRequest(src, exemplars, out, method="network", threshold=0.2, cache_dir="",
                                                   extent=extent)).count
        with fiona.open(out) as fc:
            geoms = [shape(f["geometry"]) for f in fc]
        if extent is not None:
            assert all(g.intersects(box(*extent)) for g in geoms)
    assert 0 < counts["left"] < counts["all"], counts


def test_exemplars_off_the_raster_are_left_out_and_named(tmp_path):
    """An exemplar wholly off the raster (a roof shifted 5 km east) is left out by both methods and named in the summary
    (the network made a prototype of the nearest tile's edge from it: another result, several times slower); with
    none left on the raster, the run is refused as the appearance method refuses it."""
    import rasterio
    from rasterio.features import shapes
    from shapely.affinity import translate
    from shapely.geometry import shape

    src = os.path.join(os.path.dirname(__file__), "..", "..", "data", "rio_buildings_crop_image.tif")
    with rasterio.open(src.replace("_image", "_instances")) as ds:
        inst = ds.read(1)
        roof = [shape(g) for g, v in shapes(inst, mask=inst == 5, transform=ds.transform)][0]
    dx = 5000 if abs(roof.bounds[0]) > 1000 else 0.05  # metres, or degrees
    away = translate(roof, dx, 0)
    for method in ("network", "appearance"):
        one = find_similar(SimilarRequest(src, [roof], str(tmp_path / f"{method}1.gpkg"), method=method, threshold=0.2,
                                          cache_dir=""))
        both = find_similar(SimilarRequest(src, [roof, away], str(tmp_path / f"{method}2.gpkg"), method=method,
                                           threshold=0.2, cache_dir=""))
        assert "1 exemplar(s) off the raster or on nodata left out" in both.summary, both.summary
        assert "left out" not in one.summary and both.count == one.count and "1 exemplar(s)" in both.summary
        if method == "network":
            assert both.decoded == one.decoded and "1 prototype(s)" in both.summary
        with pytest.raises(InputError, match="lie outside the raster"):
            find_similar(SimilarRequest(src, [away], str(tmp_path / f"{method}3.gpkg"), method=method, cache_dir=""))
        assert not (tmp_path / f"{method}3.gpkg").exists()


def test_auto_falls_back_to_appearance_when_the_network_does_not_verify(tmp_path, monkeypatch):
    import json
    import shutil

    import fiona
    from shapely.geometry import box

    from terraprompt.plugin.core.errors import ModelError
    from terraprompt.plugin.core.interactive import network

    folder = tmp_path / "models"
    folder.mkdir()
    card = json.load(open(network.CARD))
    for part in card["files"].values():
        shutil.copy(os.path.join(os.path.dirname(network.CARD), part["file"]), folder / part["file"])
    with open(folder / card["files"]["decoder"]["file"], "ab") as fh:
        fh.write(b"x")  # a damaged download: the sha256 no longer matches
    json.dump(card, open(folder / "promptable_net.json", "w"))
    monkeypatch.setattr(network, "CARD", str(folder / "promptable_net.json"))
    src = os.path.join(os.path.dirname(__file__), "..", "..", "data", "rio_buildings_crop_image.tif")
    import rasterio

    with rasterio.open(src) as ds:
        x0, y0 = ds.transform * (40, 20)
        x1, y1 = ds.transform * (52, 32)
    ex = [box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))]
    out = tmp_path / "auto.gpkg"
    r = find_similar(SimilarRequest(src, ex, str(out), method="auto", cache_dir=""))
    assert r.decoded == 0 and "bands red, green, blue" in r.summary  # the appearance method's summary
    with fiona.open(out) as fc:
        assert {f["properties"]["model"] for f in fc} <= {"exemplar-appearance-v1"}
    with pytest.raises(ModelError):
        find_similar(SimilarRequest(src, ex, str(tmp_path / "net.gpkg"), method="network", cache_dir=""))
    assert not (tmp_path / "net.gpkg").exists()


def test_objects_on_tile_borders_are_returned_once(tmp_path):
    """Tiles of 256 px over the 438 x 406 Rio tile (several half-overlapping tiles): no object comes back twice."""
    import fiona
    from shapely.geometry import shape

    from terraprompt.plugin.core.interactive.network import NetworkEngine
    from terraprompt.plugin.core.interactive.objects import mask_to_geometry
    from terraprompt.plugin.core.interactive.similar_objects import similar_objects
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster
    from terraprompt.plugin.core.vectors import AreaCalculator

    img = shared("buildings", "rio_img56_image.tif")
    with fiona.open(img.replace("_image.tif", "_footprints.gpkg"), layer="footprints") as fc:
        truth = sorted((shape(f["geometry"]) for f in fc if f["properties"]["area_px"] >= 50), key=lambda g: -g.area)
    src = open_raster(img)
    found, note, clicks = similar_objects(src, resolve_modality(src, "auto"), NetworkEngine(device="cpu"),
                                          [truth[i] for i in (2, 5, 8)], 0.5, AreaCalculator(src.crs), size=256)
    import re

    assert int(re.search(r"over (\d+) tile", note).group(1)) > 1 and len(found) >= 10, note
    geoms = [mask_to_geometry(m, tr) for m, tr, _ in found]
    for i, a in enumerate(geoms):
        for b in geoms[i + 1:]:
            assert a.intersection(b).area <= 0.3 * min(a.area, b.area) + 1e-15


def test_network_search_cancelled_is_a_cancel_not_a_traceback(tmp_path):
    import fiona
    from shapely.geometry import shape

    from terraprompt.plugin.core.errors import Cancelled

    img = shared("buildings", "rio_img56_image.tif")
    with fiona.open(img.replace("_image.tif", "_footprints.gpkg"), layer="footprints") as fc:
        exemplars = [shape(f["geometry"]) for f in fc if f["properties"]["area_px"] >= 200][:2]
    out = tmp_path / "net.gpkg"
    with pytest.raises(Cancelled):
        find_similar(SimilarRequest(img, exemplars, str(out), method="network", cache_dir=""), is_cancelled=lambda: True)
    assert not out.exists()
