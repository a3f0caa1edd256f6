"""segment_prompts (core): many objects, polygons with attributes, object-id raster, skipped prompts, bad outputs."""
from __future__ import annotations

import fiona
import numpy as np
import pytest
import rasterio

from conftest import write_raster
from interactive_helpers import TRANSFORM, pixel_centre, scene, scene_file
from terraprompt.plugin.core.errors import OutputError, PromptError
from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, segment_prompts


_xy = pixel_centre


@pytest.fixture
def img(tmp_path):
    return scene_file(tmp_path)


def test_objects_written_with_attributes_and_raster(img, tmp_path):
    path, masks = img
    x0, y1 = TRANSFORM * (47, 37)
    x1, y0 = TRANSFORM * (98, 73)
    objs = [PromptObject(7, [(*_xy(55, 70), True)]),
            PromptObject(3, [(*_xy(150, 170), True), (*_xy(60, 70), False)]),
            PromptObject(9, [], box=(x0, y0, x1, y1)),
            PromptObject(11, [(1.0, 2.0, True)])]  # outside the raster: skipped with a reason
    req = SegmentRequest(path, objs, str(tmp_path / "o.gpkg"), str(tmp_path / "o.tif"), cache_dir=str(tmp_path / "cache"))
    res = segment_prompts(req)
    assert res.objects == 3 and len(res.skipped) == 1 and "object 11" in res.skipped[0] and "outside" in res.skipped[0]
    with fiona.open(res.output_vector) as fc:
        feats = {f["properties"]["object_id"]: f["properties"] for f in fc}
        assert fc.schema["geometry"] == "MultiPolygon"
    assert set(feats) == {3, 7, 9}
    p = feats[3]
    assert p["n_positive"] == 1 and p["n_negative"] == 1 and p["prompt_type"] == "points"
    assert feats[9]["prompt_type"] == "box" and p["class"] == "object" and p["source"] == "img.tif"
    assert p["model"].startswith("classical") and len(p["model_sha256"]) == 64 and p["created_utc"].endswith("+00:00")
    assert abs(feats[3]["area_m2"] - masks[2].sum() * 0.25) / (masks[2].sum() * 0.25) < 0.15  # 0.5 m pixels
    with rasterio.open(res.output_raster) as ds:
        ids = ds.read(1)
        assert ds.crs.to_epsg() == 32633 and ds.transform == TRANSFORM and ds.shape == (256, 256)
    inter = ((ids == 3) & masks[2]).sum() / ((ids == 3) | masks[2]).sum()
    assert inter > 0.85
    assert ((ids == 7) & masks[1]).sum() > 0.8 * masks[1].sum()  # 7 and 9 on one roof: the lower id keeps it
    # second run: every window comes from the cache
    res2 = segment_prompts(SegmentRequest(path, objs[:1], str(tmp_path / "o2.gpkg"), cache_dir=str(tmp_path / "cache")))
    assert "newly encoded: 0)" in res2.report


def test_all_prompts_invalid_raises_and_leaves_nothing(img, tmp_path):
    path, _ = img
    req = SegmentRequest(path, [PromptObject(1, [(0.0, 0.0, True)]), PromptObject(2, [(*_xy(10, 10), False)])],
                         str(tmp_path / "o.gpkg"), str(tmp_path / "o.tif"), cache_dir="")
    with pytest.raises(PromptError, match="No object could be segmented"):
        segment_prompts(req)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["img.tif"]


def test_output_equal_to_input_is_refused(img, tmp_path):
    path, _ = img
    with pytest.raises(OutputError, match="one of the inputs"):
        segment_prompts(SegmentRequest(path, [PromptObject(1, [(*_xy(55, 70), True)])], str(tmp_path / "o.gpkg"), path, cache_dir=""))


def test_cancel_while_writing_the_id_raster_leaves_no_new_folder(img, tmp_path):
    """Outputs into a folder that does not exist yet: a cancel leaves neither outputs nor the folder; a full run makes it."""
    from terraprompt.plugin.core.errors import Cancelled

    path, _ = img
    calls = []

    def cancel_in_raster():  # one check per object, then one per raster block: cancel at the first block
        calls.append(1)
        return len(calls) > 1

    objs = [PromptObject(7, [(*_xy(55, 70), True)])]
    new = tmp_path / "new" / "sub"
    req = SegmentRequest(path, objs, str(new / "o.gpkg"), str(new / "o.tif"), cache_dir="")
    with pytest.raises(Cancelled):
        segment_prompts(req, is_cancelled=cancel_in_raster)
    assert len(calls) == 2 and sorted(p.name for p in tmp_path.iterdir()) == ["img.tif"]
    res = segment_prompts(req)
    assert res.objects == 1 and sorted(p.name for p in new.iterdir()) == ["o.gpkg", "o.tif"]


def test_no_overlap_leaves_out_what_earlier_objects_cover(img, tmp_path):
    """NO_OVERLAP in object_id order: a roof prompted twice is written once (the second is named as skipped), other
    objects are unchanged (partial overlaps: tests/core/interactive/test_objects.py)."""
    from shapely.geometry import shape

    path, masks = img
    x0, y1 = TRANSFORM * (40, 30)
    x1, y0 = TRANSFORM * (110, 80)
    objs = [PromptObject(1, [(*_xy(55, 70), True)]),  # the roof
            PromptObject(2, [], box=(x0, y0, x1, y1)),  # the same roof by a box around it
            PromptObject(3, [(*_xy(150, 170), True)])]  # the disk
    runs = {}
    for flag in (False, True):
        res = segment_prompts(SegmentRequest(path, objs, str(tmp_path / f"o{flag}.gpkg"), str(tmp_path / f"o{flag}.tif"),
                                             cache_dir=str(tmp_path / "cache"), no_overlap=flag))
        with fiona.open(res.output_vector) as fc:
            runs[flag] = {f["properties"]["object_id"]: shape(f["geometry"]) for f in fc}
        runs[(flag, "skipped")] = res.skipped
    assert set(runs[False]) == {1, 2, 3} and runs[False][1].intersection(runs[False][2]).area > 0.9 * runs[False][1].area
    assert set(runs[True]) == {1, 3} and any("object 2" in s and "before it" in s for s in runs[(True, "skipped")])
    assert runs[True][1].equals(runs[False][1]) and runs[True][3].equals(runs[False][3])


def test_ids_the_id_raster_cannot_hold_are_refused_before_any_work(img, tmp_path):
    """object_id 0 (the raster's background), negative or beyond uint32 with OUTPUT_RASTER: refused up front, naming the
    ids and the range (0 vanished from the raster; -3 and 2**32 crashed in rasterio's cast); the polygons alone take
    them, and the largest uint32 id is written."""
    path, masks = img
    objs = [PromptObject(oid, [(*_xy(55, 70), True)]) for oid in (0, -3, 2 ** 32)] + [PromptObject(5, [(*_xy(150, 170), True)])]
    with pytest.raises(PromptError, match=r"object_id -3, 0, 4294967296 .* from 1 to 4,294,967,295") as exc:
        segment_prompts(SegmentRequest(path, objs, str(tmp_path / "o.gpkg"), str(tmp_path / "o.tif"), cache_dir=""))
    assert "OUTPUT_RASTER" in exc.value.fix
    assert sorted(p.name for p in tmp_path.iterdir()) == ["img.tif"]
    res = segment_prompts(SegmentRequest(path, objs, str(tmp_path / "o.gpkg"), cache_dir=""))
    with fiona.open(res.output_vector) as fc:
        assert sorted(f["properties"]["object_id"] for f in fc) == [-3, 0, 5, 2 ** 32]
    top = [PromptObject(2 ** 32 - 1, [(*_xy(150, 170), True)])]
    res = segment_prompts(SegmentRequest(path, top, str(tmp_path / "t.gpkg"), str(tmp_path / "t.tif"), cache_dir=""))
    with rasterio.open(res.output_raster) as ds:
        ids = ds.read(1)
    assert set(np.unique(ids)) == {0, 2 ** 32 - 1} and ((ids > 0) & masks[2]).sum() > 0.8 * masks[2].sum()


def test_cached_encoding_is_not_reused_once_the_layer_sets_nodata(tmp_path):
    """The layer's extra nodata values (Layer Properties > Transparency) are part of the cache key: an encoding made
    without them was reused after they were set, so the object still covered the pixels now nodata."""
    from shapely.geometry import shape

    from terraprompt.plugin.core.layer_settings import LayerSettings

    rng = np.random.default_rng(1)
    data = rng.integers(60, 120, size=(3, 200, 200)).astype(np.uint8)
    data[:, 50:150, 50:100] = 200
    data[:, 50:150, 100:150] = 201  # the square's right half: nodata on the layer
    path = write_raster(str(tmp_path / "sq.tif"), data, crs="EPSG:32633", transform=TRANSFORM)
    layers = {path: LayerSettings(nodata=((201.0, 201.0),))}
    objs = [PromptObject(1, [(*_xy(100, 75), True)])]
    cache = str(tmp_path / "cache")

    def area(name, lay, cache_dir):
        res = segment_prompts(SegmentRequest(path, objs, str(tmp_path / name), model="classical", cache_dir=cache_dir, layers=lay))
        with fiona.open(res.output_vector) as fc:
            return sum(shape(f["geometry"]).area for f in fc), res.report

    fresh, _ = area("a.gpkg", layers, "")
    whole, _ = area("b.gpkg", {}, cache)
    assert fresh < 0.6 * whole
    cached, report = area("c.gpkg", layers, cache)
    assert cached == pytest.approx(fresh) and "already cached: 0, newly encoded: 1)" in report
    again, report = area("d.gpkg", layers, cache)
    assert again == pytest.approx(fresh) and "already cached: 1, newly encoded: 0)" in report


def test_negative_points_off_the_raster_are_ignored_with_a_note(tmp_path):
    """A negative point off the raster (or on nodata) excludes nothing: the object is segmented from its other prompts
    and the report names the points ignored (the whole object was skipped); a positive point off the raster still
    costs its object."""
    data, masks = scene(h=256, w=256)
    data = data.astype(np.uint8)
    data[:, :8, :] = 0  # a nodata strip along the top
    path = write_raster(str(tmp_path / "img.tif"), data, crs="EPSG:32633", transform=TRANSFORM, nodata=0)
    off = (TRANSFORM * (300, 60))  # 44 pixels east of the raster
    objs = [PromptObject(1, [(*_xy(55, 70), True), (*off, False), (off[0] + 5, off[1], False)]),
            PromptObject(2, [(*_xy(150, 170), True), (*_xy(3, 170), False)]),  # negative on nodata
            PromptObject(3, [(*off, True)])]
    res = segment_prompts(SegmentRequest(path, objs, str(tmp_path / "o.gpkg"), str(tmp_path / "o.tif"), cache_dir=""))
    assert res.objects == 2 and "object 1: 2 negative point(s) outside the raster ignored" in res.report, res.report
    assert len(res.skipped) == 1 and "object 3" in res.skipped[0] and "outside" in res.skipped[0]
    with fiona.open(res.output_vector) as fc:
        props = {f["properties"]["object_id"]: f["properties"] for f in fc}
    assert props[1]["n_negative"] == 0 and props[2]["n_negative"] == 1
    with rasterio.open(res.output_raster) as ds:
        ids = ds.read(1)
    for oid, k in ((1, 1), (2, 2)):
        assert ((ids == oid) & masks[k]).sum() / ((ids == oid) | masks[k]).sum() > 0.85


def test_prompts_of_far_apart_objects_under_one_id_are_pointed_out(tmp_path):
    """Positive points on two roofs 1024-1550 px apart under one object_id: the network decodes one roof or nothing, and
    the report said nothing about the other point."""
    from conftest import ROOT

    with rasterio.open(f"{ROOT}/tests/data/rio_buildings_crop_image.tif") as ds:
        img, prof = ds.read(), ds.profile
    inst = rasterio.open(f"{ROOT}/tests/data/rio_buildings_crop_instances.tif").read(1)
    ids, counts = np.unique(inst[inst > 0], return_counts=True)
    rr, cc = np.nonzero(inst == ids[np.argmax(counts)])
    r, c = int(np.median(rr)), int(np.median(cc))
    prof.update(width=128 * 12, height=128 * 12)
    path = str(tmp_path / "tiled.tif")
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(np.tile(img, (1, 12, 12)))  # the same roof every 128 px
    tr = prof["transform"]
    roof = [(*(tr * (c + 0.5 + 128 * i, r + 0.5 + 128 * j)), True) for i, j in ((0, 0), (8, 0), (11, 11))]
    res = segment_prompts(SegmentRequest(path, [PromptObject(1, roof[:2]), PromptObject(2, [roof[0], roof[2]]),
                                                PromptObject(3, roof[:1])], str(tmp_path / "o.gpkg"), cache_dir="", model="network"))
    assert "object 1: 1 of its 2 positive points lie outside its outline" in res.report, res.report
    assert "object 2: nothing was found at its prompts (far apart?" in res.report or "object 2: 1 of its 2" in res.report, res.report
    assert "object 3" not in res.report
