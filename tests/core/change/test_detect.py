"""detect_change end to end: outputs on BEFORE's grid, attributes, prompts, threshold, bad inputs, cancel."""
from __future__ import annotations

import os

import fiona
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window

from change_pairs import iou, write_pair
from conftest import S2_NAMES, shared, write_raster
from terraprompt.plugin.core.change.dates import guess_date
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.change.semantic import parse_change_prompt
from terraprompt.plugin.core.change.threshold import rethreshold, threshold_change
from terraprompt.plugin.core.errors import Cancelled, InputError, OutputError, PromptError
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.tiling import TileSpec


def _req(tmp_path, pb, pa, **kw):
    base = dict(method="cva", cloud_mask=False, output_probability=str(tmp_path / "out" / "prob.tif"), output_change=str(tmp_path / "out" / "change.tif"),
                output_vector=str(tmp_path / "out" / "change.gpkg"), tiles=TileSpec(64, 0, 2))
    base.update(kw)
    return ChangeRequest(pb, pa, **base)


def test_outputs_on_before_grid_with_attributes(tmp_path):
    pb, pa, truth = write_pair(tmp_path)
    res = detect_change(_req(tmp_path, pb, pa, min_area_m2=500, cloud_mask=True))
    with rasterio.open(pb) as b, rasterio.open(res.output_probability) as p, rasterio.open(res.output_change) as c:
        for ds in (p, c):
            assert ds.crs == b.crs and ds.transform == b.transform and ds.shape == b.shape
        assert p.dtypes[0] == "float32" and p.nodata == -1
        assert c.dtypes[0] == "uint8" and c.nodata == 255
        prob, ch = p.read(1), c.read(1)
        assert p.tags()["TERRAPROMPT_METHOD"] == res.method == "cva"
    assert prob.min() >= 0 and prob.max() <= 1
    assert set(np.unique(ch)) <= {0, 1}
    assert iou(ch == 1, truth) > 0.8
    np.testing.assert_array_equal(ch, threshold_change(prob, res.threshold))
    assert abs(res.changed_area_m2 - truth.sum() * 100) / (truth.sum() * 100) < 0.2
    with fiona.open(res.output_vector) as fc:
        feats = list(fc)
        fields = fc.schema["properties"]
    for f in ("area_m2", "mean_probability", "from_class", "to_class", "method", "model", "date_before", "date_after"):
        assert f in fields
    from shapely.geometry import shape

    total = 0.0
    for f in feats:
        pr = f["properties"]
        assert pr["area_m2"] > 0 and 0.5 <= pr["mean_probability"] <= 1  # a piece of a changed area of >= 500 m²
        assert pr["method"] == "cva" and pr["date_before"] == "2020-06-01" and pr["date_after"] == "2022-06-01"
        assert pr["from_class"] and pr["to_class"]
        assert pr["class_value"] == 1 and pr["class"] == "change"  # the change raster's value; from/to say the transition
        c = shape(f["geometry"]).representative_point()
        col, row = (c.x - 500000) / 10, (4500000 - c.y) / 10
        if 20 <= row < 50 and 120 <= col < 150:
            assert pr["from_class"] == "vegetation" and pr["to_class"] != "vegetation"
        if 100 <= row < 130 and 165 <= col < 195:
            assert pr["to_class"] == "water" and pr["from_class"] != "water"
        total += pr["area_m2"]
    assert abs(total - truth.sum() * 100) / (truth.sum() * 100) < 0.2
    assert "Changed area" in res.summary and "Change matrix" in res.summary and "Dates: 2020-06-01 → 2022-06-01" in res.summary
    assert sorted(os.listdir(tmp_path / "out")) == ["change.gpkg", "change.tif", "prob.tif"]
    # the from/to maps come from the index rules, not the land-cover classifier (measured better for change prompts)
    assert "Land cover BEFORE:" in res.summary and "[classifier]" not in res.summary and "[optical]" in res.summary


def test_polygon_with_hole_area():
    from rasterio.crs import CRS
    from shapely.geometry import Polygon

    from terraprompt.plugin.core.vectors import AreaCalculator

    ring = Polygon([(0, 0), (320, 0), (320, 320), (0, 320)], [[(10, 10), (310, 10), (310, 310), (10, 310)]])
    ring = Polygon([(500000 + x, 4500000 + y) for x, y in ring.exterior.coords], [[(500000 + x, 4500000 + y) for x, y in ring.interiors[0].coords]])
    assert abs(AreaCalculator(CRS.from_epsg(32633)).area_m2(ring) - 12400) < 50


def test_min_area_filters_polygons(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    res = detect_change(_req(tmp_path, pb, pa, min_area_m2=110_000, output_probability=None, output_change=None))
    with fiona.open(res.output_vector) as fc:  # the two changed squares are 102,400 m² each
        assert len(fc) == 0


def test_identical_inputs_no_change(tmp_path):
    pb, _, _ = write_pair(tmp_path)
    res = detect_change(_req(tmp_path, pb, pb, output_vector=None))
    ch = rasterio.open(res.output_change).read(1)
    assert (ch == 1).mean() < 0.005
    assert res.changed_area_m2 < 0.005 * res.valid_area_m2


@pytest.mark.parametrize("method", ["irmad", "cva"])
def test_methods_through_detect(tmp_path, method):
    pb, pa, truth = write_pair(tmp_path)
    res = detect_change(_req(tmp_path, pb, pa, method=method, output_vector=None))
    assert res.method == method
    assert iou(rasterio.open(res.output_change).read(1) == 1, truth) > 0.8


def _squares(tmp_path):
    """The written pair and its two changed squares: a, vegetation → bare/built (9 ha); b, bare → water."""
    pb, pa, truth = write_pair(tmp_path)
    a = np.zeros_like(truth)
    a[20:50, 120:150] = True
    return pb, pa, a, truth & ~a


def test_prompts_select_transitions(tmp_path):
    pb, pa, a, b = _squares(tmp_path)
    res = detect_change(_req(tmp_path, pb, pa, prompt="vegetation loss", output_vector=None))
    ch = rasterio.open(res.output_change).read(1) == 1
    assert ch[a].mean() > 0.8 and ch[b].mean() < 0.05
    assert "vegetation loss" in res.summary
    res = detect_change(_req(tmp_path, pb, pa, prompt="flooding", output_vector=None))
    ch = rasterio.open(res.output_change).read(1) == 1
    assert ch[b].mean() > 0.8 and ch[a].mean() < 0.05
    prob = rasterio.open(res.output_probability).read(1)
    assert prob[a].max() == 0  # unselected transitions have probability 0


def test_a_prompt_naming_two_changes_keeps_both(tmp_path):
    """'vegetation loss and flooding' kept only one of them, silently; each part is kept now, and a whole that reads as
    one change ('forest and grassland to built-up') stays one."""
    p = parse_change_prompt("vegetation loss and flooding larger than 1 ha")
    assert p.id == "several" and p.label == "vegetation loss + land to water" and p.min_area_m2 == 10000
    assert parse_change_prompt("deforestation, water to land").id == "several"
    assert parse_change_prompt("forest and grassland to built-up").id == "transition"
    assert parse_change_prompt("what changed between 2018 and 2020").id == "any_change"
    assert parse_change_prompt("any change and new buildings").id == "any_change"
    pb, pa, a, b = _squares(tmp_path)
    res = detect_change(_req(tmp_path, pb, pa, prompt="vegetation loss and flooding", output_vector=None))
    ch = rasterio.open(res.output_change).read(1) == 1
    assert ch[a].mean() > 0.8 and ch[b].mean() > 0.8
    assert "vegetation loss + land to water" in res.summary


def test_the_minimum_area_is_said_in_the_summary(tmp_path):
    """MIN_AREA_M2 emptied the polygon layer without a word in the summary."""
    pb, pa, _ = write_pair(tmp_path)
    res = detect_change(_req(tmp_path, pb, pa, min_area_m2=1e9))
    assert "Polygons of changed areas of at least 1,000,000,000 m² (minimum area, MIN_AREA_M2" in res.summary
    with fiona.open(res.output_vector) as fc:
        assert len(fc) == 0
    assert "minimum area" not in detect_change(_req(tmp_path, pb, pa, output_vector=None, min_area_m2=500)).summary


def test_change_prompt_catalogue():
    assert parse_change_prompt("").id == "any_change"
    assert parse_change_prompt("Show me the new buildings").id == "new_buildings"
    assert parse_change_prompt("urban sprawl").id == "urban_expansion"
    assert parse_change_prompt("deforestation since 2019").id == "deforestation"
    assert parse_change_prompt("water to land").id == "water_to_land"
    assert parse_change_prompt("water->land").id == "water_to_land"  # refused before: the arrow needed spaces
    assert parse_change_prompt("everything").id == "any_change"
    assert parse_change_prompt("everything to everything").id == "any_change"
    with pytest.raises(PromptError, match="does not name a change"):
        parse_change_prompt("purple elephants")


@pytest.mark.parametrize("text, cid", [
    ("burned areas", "vegetation_loss"), ("fire damage", "vegetation_loss"), ("cleared land", "vegetation_loss"),
    ("tree cutting", "deforestation"), ("drained lakes", "water_to_land"), ("coastal erosion", "land_to_water"),
])
def test_fire_clearing_drainage_and_erosion_prompts(text, cid):
    """Everyday words for these changes were refused ('does not name a change') before they joined the catalogue."""
    assert parse_change_prompt(text).id == cid


@pytest.mark.parametrize("text, start, end", [
    ("forest to urban", [["forest"]], [["built_up"]]),
    ("change from water to vegetation", [["water"]], [["vegetation"]]),
    ("farmland converted to housing", [["vegetation"]], [["built_up"]]),
    ("cropland to forest", [["other"]], [["forest"]]),  # with forest mapped, the rest of the vegetation is 'other'
    ("where did the trees disappear?", [["forest"]], ["not_from"]),
    ("buildings removed", [["built_up"]], ["not_from"]),  # 'demolished buildings' is a catalogue phrase, same from/to
    ("loss of water", [["water"]], ["not_from"]),
    ("new sand", ["not_to"], [["bare_soil"]]),
    ("de forêt vers bâti", [["forest"]], [["built_up"]]),
    ("perte de forêt", [["forest"]], ["not_from"]),
    ("from forest to anything", [["forest"]], ["not_from"]),  # 'anything' on one side: a loss or a gain
    ("anything to water", ["not_to"], [["water"]]),
    ("forest=>built-up", [["forest"]], [["built_up"]]),  # an arrow without spaces (refused before)
])
def test_free_change_prompts_name_land_covers(text, start, end):
    p = parse_change_prompt(text)
    assert p.id == "transition" and (p.spec["from"], p.spec["to"]) == (start, end)


def test_change_prompt_phrases_sizes_and_refusals():
    assert parse_change_prompt("what changed between 2018 and 2020").id == "any_change"
    assert parse_change_prompt("changes from 2018 to 2020").id == "any_change"  # dates are no land covers
    assert parse_change_prompt("vegetation loss in the city").id == "vegetation_loss"
    assert parse_change_prompt("new buildings since 2019").id == "new_buildings"  # a catalogue phrase outranks 'new <land cover>'
    assert parse_change_prompt("Entwaldung").id == "deforestation" and parse_change_prompt("nouveaux bâtiments").id == "new_buildings"
    p = parse_change_prompt("new buildings larger than 500 m2")
    assert p.id == "new_buildings" and p.min_area_m2 == 500.0
    assert "cropland" in " ".join(parse_change_prompt("crops to water").notes)  # coarser class said
    with pytest.raises(PromptError, match="same change-map class"):
        parse_change_prompt("grass to crops")
    with pytest.raises(PromptError, match="cannot be followed between two dates"):
        parse_change_prompt("snow loss")


def test_free_prompt_and_its_size_through_detect(tmp_path):
    pb, pa, a, b = _squares(tmp_path)  # a: 9 ha
    res = detect_change(_req(tmp_path, pb, pa, prompt="vegetation disappeared larger than 5 ha"))
    ch = rasterio.open(res.output_change).read(1) == 1
    assert ch[a].mean() > 0.8 and ch[b].mean() < 0.05
    assert "loss of vegetation" in res.summary and "≥ 50,000 m²" in res.summary
    with fiona.open(res.output_vector) as fc:
        assert len(fc) >= 1 and all(f["properties"]["from_class"] == "vegetation" for f in fc)
    res = detect_change(_req(tmp_path, pb, pa, prompt="vegetation disappeared larger than 10 ha"))
    with fiona.open(res.output_vector) as fc:
        assert len(fc) == 0, "the 9 ha clearing is under the prompt's 10 ha"


def test_unknown_prompt_leaves_nothing(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    with pytest.raises(PromptError, match="new buildings"):
        detect_change(_req(tmp_path, pb, pa, prompt="purple elephants"))
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []


def test_partial_overlap_nodata_outside(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    a = rasterio.open(pa).read()
    right = write_raster(str(tmp_path / "right.tif"), a[:, :, 100:], transform=from_origin(501000, 4500000, 10, 10), descriptions=S2_NAMES)
    res = detect_change(_req(tmp_path, pb, right, output_vector=None))
    ch = rasterio.open(res.output_change).read(1)
    prob = rasterio.open(res.output_probability).read(1)
    assert (ch[:, :100] == 255).all() and (prob[:, :100] == -1).all()
    assert (ch[:, 100:] != 255).all()
    assert (ch[20:50, 120:150] == 1).mean() > 0.8


def test_other_crs_after(tmp_path):
    from rasterio.warp import calculate_default_transform, reproject, Resampling

    pb, pa, truth = write_pair(tmp_path)
    with rasterio.open(pa) as src:
        tr, w, h = calculate_default_transform(src.crs, "EPSG:4326", src.width, src.height, *src.bounds, resolution=0.00015)
        data = np.zeros((src.count, h, w), np.uint16)
        for i in range(src.count):
            reproject(rasterio.band(src, i + 1), data[i], dst_transform=tr, dst_crs="EPSG:4326", resampling=Resampling.bilinear, dst_nodata=0)
    pa2 = write_raster(str(tmp_path / "after_4326.tif"), data, crs="EPSG:4326", transform=tr, nodata=0, descriptions=S2_NAMES)
    res = detect_change(_req(tmp_path, pb, pa2, output_vector=None))
    ch = rasterio.open(res.output_change).read(1)
    assert ch.shape == truth.shape
    from scipy import ndimage

    from conftest import synthetic_s2

    _, water, veg = synthetic_s2(160, 200, 0)
    edges = ndimage.binary_dilation(ndimage.morphological_gradient(water * 1 + veg * 2, size=3) > 0, iterations=3)
    pred = ch == 1
    assert pred[truth].mean() > 0.9
    # a coarser, twice-resampled AFTER blurs sharp edges: only they may be flagged besides the real change
    assert pred[~truth & ~edges].mean() < 0.05
    assert "reprojected" in res.summary


def test_reference_map_gives_from_classes(tmp_path):
    pb, pa, truth = write_pair(tmp_path)
    lc = np.full(truth.shape, 2, np.uint8)
    lc[:, :100] = 1
    ref = write_raster(str(tmp_path / "lc.tif"), lc)
    with rasterio.open(ref, "r+") as ds:
        ds.update_tags(TERRAPROMPT_CLASSES="1=water;2=cropland")
    res = detect_change(_req(tmp_path, pb, pa, reference_map=ref))
    assert res.from_classes == ["water", "cropland", "other"]
    with fiona.open(res.output_vector) as fc:
        assert {f["properties"]["from_class"] for f in fc} == {"cropland"}


@pytest.mark.parametrize("classes, prompt, from_class", [
    ("1=water;2=cropland", "vegetation loss", "cropland"),
    ("1=Water;2=Tree cover", "deforestation", "Tree cover"),
])
def test_reference_class_names_are_read_as_change_map_classes(tmp_path, classes, prompt, from_class):
    """A reference map naming its classes in its own words ('cropland', 'Tree cover') was refused for prompts that
    name a BEFORE class ('needs the class vegetation, which cannot be mapped from these bands'); its names are now read
    as prompts are (cropland → vegetation, tree cover → forest) and kept for the outputs."""
    pb, pa, truth = write_pair(tmp_path)
    lc = np.full(truth.shape, 2, np.uint8)
    lc[:, :100] = 1
    ref = write_raster(str(tmp_path / "lc.tif"), lc)
    with rasterio.open(ref, "r+") as ds:
        ds.update_tags(TERRAPROMPT_CLASSES=classes)
    res = detect_change(_req(tmp_path, pb, pa, reference_map=ref, prompt=prompt))
    assert res.from_classes[1] == from_class and res.changed_area_m2 > 0
    assert "reference classes read as change-map classes" in res.summary
    with fiona.open(res.output_vector) as fc:
        assert {f["properties"]["from_class"] for f in fc} == {from_class}


def test_worldcover_and_category_names_name_the_reference_classes(tmp_path):
    """An ESA WorldCover tile (its file name) and a raster with GDAL category names give named BEFORE classes, which
    class prompts then use ('class 10' ... before)."""
    from osgeo import gdal

    pb, pa, truth = write_pair(tmp_path)
    lc = np.full(truth.shape, 40, np.uint8)  # cropland
    lc[:, :100] = 80  # permanent water bodies
    lc[:10] = 10  # tree cover
    wc = write_raster(str(tmp_path / "ESA_WorldCover_10m_2021_v200_N45E015_Map.tif"), lc)
    res = detect_change(_req(tmp_path, pb, pa, reference_map=wc, prompt="vegetation loss"))
    assert res.from_classes == ["tree cover", "cropland", "permanent water bodies", "other"]
    assert res.changed_area_m2 > 0
    cats = write_raster(str(tmp_path / "my_map.tif"), (lc == 40).astype(np.uint8) + 1)  # 1 water-ish, 2 fields
    ds = gdal.Open(cats, gdal.GA_Update)
    ds.GetRasterBand(1).SetCategoryNames(["", "lake", "fields"])
    ds = None
    res = detect_change(_req(tmp_path, pb, pa, reference_map=cats, prompt="vegetation loss",
                             output_probability=None, output_change=str(tmp_path / "o2" / "c.tif"), output_vector=None))
    assert res.from_classes == ["lake", "fields", "other"] and "fields → vegetation" in res.summary
    # a raster attribute table with a name column (as QGIS and ArcGIS class rasters carry)
    ds = gdal.Open(write_raster(str(tmp_path / "rat_map.tif"), (lc == 40).astype(np.uint8) + 1), gdal.GA_Update)
    rat = gdal.RasterAttributeTable()
    rat.CreateColumn("Value", gdal.GFT_Integer, gdal.GFU_MinMax)
    rat.CreateColumn("Class_name", gdal.GFT_String, gdal.GFU_Name)
    rat.SetRowCount(2)
    for row, (value, name) in enumerate(((1, "open water"), (2, "farmland"))):
        rat.SetValueAsInt(row, 0, value)
        rat.SetValueAsString(row, 1, name)
    ds.GetRasterBand(1).SetDefaultRAT(rat)
    ds = None
    res = detect_change(_req(tmp_path, pb, pa, reference_map=str(tmp_path / "rat_map.tif"), prompt="vegetation loss",
                             output_probability=None, output_change=str(tmp_path / "o3" / "c.tif"), output_vector=None))
    assert res.from_classes == ["open water", "farmland", "other"] and "farmland → vegetation" in res.summary


def test_unnamed_reference_classes_get_a_fix_for_a_class_prompt(tmp_path):
    pb, pa, truth = write_pair(tmp_path)
    ref = write_raster(str(tmp_path / "lc.tif"), np.full((1, *truth.shape), 3, np.uint8))
    with pytest.raises(PromptError, match="no class of the reference map names it") as err:
        detect_change(_req(tmp_path, pb, pa, reference_map=ref, prompt="vegetation loss"))
    assert "TERRAPROMPT_CLASSES" in err.value.fix
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cancel_leaves_nothing_and_keeps_existing(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "change.tif").write_bytes(b"previous result")
    calls = {"n": 0}

    def cancel():
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(Cancelled):
        detect_change(_req(tmp_path, pb, pa), is_cancelled=cancel)
    assert sorted(os.listdir(out)) == ["change.tif"]
    assert (out / "change.tif").read_bytes() == b"previous result"


def test_bad_inputs(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    with pytest.raises(OutputError, match="one of the inputs"):
        detect_change(_req(tmp_path, pb, pa, output_change=pb))
    with pytest.raises(InputError, match="does not exist"):
        detect_change(_req(tmp_path, pb, str(tmp_path / "missing.tif")))
    with pytest.raises(OutputError, match="No output"):
        detect_change(ChangeRequest(pb, pa))
    with pytest.raises(InputError, match="negative"):
        detect_change(_req(tmp_path, pb, pa, min_area_m2=-1))
    nocrs = tmp_path / "nocrs.tif"
    with rasterio.open(nocrs, "w", driver="GTiff", width=10, height=10, count=1, dtype="uint8",
                       transform=from_origin(500000, 4000000, 10, 10)) as ds:  # placed, but in no CRS
        ds.write(np.ones((1, 10, 10), np.uint8))
    with pytest.raises(InputError, match="no coordinate reference system"):
        detect_change(_req(tmp_path, pb, str(nocrs)))
    empty = write_raster(str(tmp_path / "empty.tif"), np.zeros((13, 50, 50), np.uint16), nodata=0, descriptions=S2_NAMES)
    with pytest.raises(InputError, match="only nodata"):
        detect_change(_req(tmp_path, pb, empty))
    with pytest.raises(Exception, match="log-ratio method is for SAR"):
        detect_change(_req(tmp_path, pb, pa, method="logratio"))
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []


def test_threshold_function():
    p = np.array([[0.1, 0.5, 0.9], [-1.0, np.nan, 0.49]], np.float32)
    np.testing.assert_array_equal(threshold_change(p, 0.5), [[0, 1, 1], [255, 255, 0]])
    np.testing.assert_array_equal(threshold_change(p, 0.95), [[0, 0, 0], [255, 255, 0]])
    valid = np.array([[True, False, True], [True, True, True]])
    assert threshold_change(p, 0.5, valid)[0, 1] == 255
    with pytest.raises(InputError):
        threshold_change(p, 1.5)


def test_rethreshold_file_without_recomputing(tmp_path):
    pb, pa, truth = write_pair(tmp_path)
    res = detect_change(_req(tmp_path, pb, pa, output_vector=None))
    prob = rasterio.open(res.output_probability).read(1)
    counts = rethreshold(res.output_probability, str(tmp_path / "re.tif"), 0.9)
    ch = rasterio.open(tmp_path / "re.tif").read(1)
    np.testing.assert_array_equal(ch, threshold_change(prob, 0.9))
    assert counts["change"] == int((ch == 1).sum()) and counts["change"] <= int((prob >= 0.5).sum())
    with pytest.raises(OutputError):
        rethreshold(res.output_probability, res.output_probability, 0.5)


def test_guess_date(tmp_path):
    p = write_raster(str(tmp_path / "scene_20190704.tif"), np.ones((1, 4, 4), np.uint8))
    assert guess_date(open_raster(p)) == "2019-07-04"
    q = write_raster(str(tmp_path / "x_t2.tif"), np.ones((1, 4, 4), np.uint8))
    (tmp_path / "dates.txt").write_text("date_1: 20150820\ndate_2: 20171003\n")
    assert guess_date(open_raster(q)) == "2017-10-03"
    r = write_raster(str(tmp_path / "nodate.tif"), np.ones((1, 4, 4), np.uint8))
    assert guess_date(open_raster(r)) == ""


def test_swapped_dates_get_a_caution(tmp_path):
    """BEFORE dated after AFTER (swapped pickers) is run as given, with a caution in the summary; the right order has none."""
    pb, pa, _ = write_pair(tmp_path)  # before_2020-06-01, after_2022-06-01
    swapped = detect_change(_req(tmp_path, pa, pb))
    assert swapped.dates == ("2022-06-01", "2020-06-01")
    assert "Caution: AFTER (2020-06-01) is older than BEFORE (2022-06-01)" in swapped.summary
    right = detect_change(_req(tmp_path, pb, pa, output_probability=str(tmp_path / "o2" / "p.tif"),
                               output_change=None, output_vector=None))
    assert "Caution" not in right.summary


def test_reference_polygons_in_other_crs(tmp_path):
    """A polygon land-cover map (any CRS) gives the BEFORE classes: rasterised window by window."""
    from pyproj import Transformer
    from shapely.geometry import box, mapping

    pb, pa, truth = write_pair(tmp_path)
    to_ll = Transformer.from_crs("EPSG:32633", "EPSG:4326", always_xy=True)

    def ll_box(c0, r0, c1, r1):
        xs, ys = to_ll.transform([500000 + 10 * c0, 500000 + 10 * c1], [4500000 - 10 * r1, 4500000 - 10 * r0])
        return box(min(xs), min(ys), max(xs), max(ys))

    path = str(tmp_path / "lc.gpkg")
    schema = {"geometry": "Polygon", "properties": {"class": "str"}}
    with fiona.open(path, "w", driver="GPKG", crs="EPSG:4326", schema=schema) as out:
        out.write({"geometry": mapping(ll_box(100, 0, 160, 80)), "properties": {"class": "orchard"}})
        out.write({"geometry": mapping(ll_box(160, 80, 200, 160)), "properties": {"class": "fallow"}})
    res = detect_change(_req(tmp_path, pb, pa, reference_map=path))
    assert res.from_classes == ["fallow", "orchard", "other"]
    with fiona.open(res.output_vector) as fc:
        froms = {f["properties"]["from_class"] for f in fc if f["properties"]["area_m2"] > 5000}
    assert froms == {"fallow", "orchard"}
    assert "reference map 'lc.gpkg'" in res.summary


def test_reference_map_of_another_place_or_without_crs_is_refused(tmp_path):
    """A class raster placed elsewhere and polygons without a CRS were taken silently: every BEFORE class was 'other'
    while the summary said the classes came from the map. Partial cover is said in the summary."""
    from rasterio.transform import from_origin
    from shapely.geometry import box, mapping

    pb, pa, truth = write_pair(tmp_path)
    lc = np.full(truth.shape, 2, np.uint8)
    far = write_raster(str(tmp_path / "far.tif"), lc, transform=from_origin(600000, 5500000, 10, 10))
    with rasterio.open(far, "r+") as ds:
        ds.update_tags(TERRAPROMPT_CLASSES="1=water;2=cropland")
    with pytest.raises(InputError, match="does not cover the pair's common area"):
        detect_change(_req(tmp_path, pb, pa, reference_map=far))
    shp = str(tmp_path / "noprj.shp")
    with fiona.open(shp, "w", driver="ESRI Shapefile", crs="EPSG:32633",
                    schema={"geometry": "Polygon", "properties": {"class": "str"}}) as out:
        out.write({"geometry": mapping(box(500000, 4498400, 502000, 4500000)), "properties": {"class": "cropland"}})
    os.remove(str(tmp_path / "noprj.prj"))
    with pytest.raises(InputError, match="have no CRS"):
        detect_change(_req(tmp_path, pb, pa, reference_map=shp))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    half = write_raster(str(tmp_path / "half.tif"), np.where(np.arange(truth.shape[1]) < 100, 2, 0)[None].repeat(truth.shape[0], 0).astype(np.uint8), nodata=0)
    with rasterio.open(half, "r+") as ds:
        ds.update_tags(TERRAPROMPT_CLASSES="2=cropland")
    res = detect_change(_req(tmp_path, pb, pa, reference_map=half))
    assert "the reference map covers 50.0 % of the area" in res.summary


def test_classes_only_when_needed(tmp_path):
    """Without prompt, reference map or polygons no land-cover classes are computed; areas and probabilities are unchanged."""
    pb, pa, _ = write_pair(tmp_path)
    lean = detect_change(_req(tmp_path, pb, pa, output_vector=None, output_probability=str(tmp_path / "a" / "p.tif"),
                              output_change=str(tmp_path / "a" / "c.tif")))
    full = detect_change(_req(tmp_path, pb, pa, output_vector=None, classes=True, output_probability=str(tmp_path / "b" / "p.tif"),
                              output_change=str(tmp_path / "b" / "c.tif")))
    assert lean.from_classes == lean.to_classes == ["other"] and "not computed" in lean.summary
    assert "Change matrix" not in lean.summary and "Change matrix" in full.summary and len(full.to_classes) > 1
    assert abs(lean.changed_area_m2 - full.changed_area_m2) < 1e-6 * full.valid_area_m2
    assert abs(lean.valid_area_m2 - full.valid_area_m2) < 1e-6 * full.valid_area_m2
    assert abs(lean.matrix_m2.sum() - full.matrix_m2.sum()) < 1e-6 * full.valid_area_m2
    assert abs(lean.details["nodata_m2"] - full.details["nodata_m2"]) < 1e-3 * full.valid_area_m2
    np.testing.assert_array_equal(rasterio.open(lean.output_probability).read(1), rasterio.open(full.output_probability).read(1))
    with pytest.raises(PromptError):  # a semantic prompt still gets (and needs) the classes: refused without them
        detect_change(_req(tmp_path, pb, pa, output_vector=None, classes=False, prompt="vegetation loss",
                           output_probability=str(tmp_path / "c" / "p.tif"), output_change=str(tmp_path / "c" / "c.tif")))
    veg = detect_change(_req(tmp_path, pb, pa, output_vector=None, prompt="vegetation loss",
                             output_probability=str(tmp_path / "d" / "p.tif"), output_change=str(tmp_path / "d" / "c.tif")))
    assert "vegetation" in veg.from_classes


def test_cancel_into_a_new_folder_leaves_no_folder(tmp_path):
    """Outputs staged in a nested folder that did not exist: a cancel removes the folders the run made."""
    pb, pa, _ = write_pair(tmp_path)
    calls = {"n": 0}

    def cancel():
        calls["n"] += 1
        return calls["n"] > 2

    new = tmp_path / "new" / "sub"
    kw = dict(output_probability=str(new / "prob.tif"), output_change=str(new / "change.tif"), output_vector=str(new / "change.gpkg"))
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(Cancelled):
        detect_change(_req(tmp_path, pb, pa, **kw), is_cancelled=cancel)
    assert sorted(os.listdir(tmp_path)) == before and not (tmp_path / "new").exists()
    res = detect_change(_req(tmp_path, pb, pa, **kw))
    assert res.output_vector == str(new / "change.gpkg") and sorted(os.listdir(new)) == ["change.gpkg", "change.tif", "prob.tif"]


def test_uncalibrated_landsat_pair_gets_plausible_from_to_classes(tmp_path):
    """8-bit DN Landsat-7 pair of Taizhou (urban growth 2000-2003): without dark-object subtraction nearly every
    changed pixel was 'water -> water' (MNDWI > 0.05 on half the hazy DN scene); now cropland and fields turning
    into built-up land and bare building sites dominate."""
    d = shared("landsat_taizhou")
    res = detect_change(_req(tmp_path, os.path.join(d, "taizhou_2000-03-17.tif"), os.path.join(d, "taizhou_2003-02-06.tif"),
                             prompt="any change", tiles=TileSpec(512, 0, 2)))
    m, f, to = res.matrix_m2, res.from_classes, res.to_classes
    changed = m.sum()
    assert changed > 0.05 * res.valid_area_m2
    assert m[f.index("water"), to.index("water")] < 0.1 * changed
    veg_to_built = m[f.index("vegetation"), to.index("built_up")] + m[f.index("vegetation"), to.index("bare_soil")]
    assert veg_to_built > 0.25 * changed


def _paint(h: int, w: int, veg: np.ndarray, built: list, seed: int) -> np.ndarray:
    """13-band uint16 S2 DN: bare soil, vegetation where ``veg``, built-up spectra [(mask, (visible, nir, swir))]."""
    rng = np.random.default_rng(seed)
    refl = np.full((13, h, w), 0.2, np.float32)
    refl[7][veg] = refl[8][veg] = 0.45
    refl[1][veg], refl[2][veg], refl[3][veg] = 0.04, 0.08, 0.05
    for mask, (vis, nir, swir) in built:
        for b in (0, 1, 2, 3):
            refl[b][mask] = vis
        refl[7][mask] = refl[8][mask] = nir
        refl[11][mask] = refl[12][mask] = swir
    refl += rng.normal(0, 0.004, refl.shape).astype(np.float32)
    return (np.clip(refl, 0.001, 1) * 10000).astype(np.uint16)


def test_new_buildings_include_rebuilding_urban_expansion_does_not(tmp_path):
    """A built-up block rebuilt (new, brighter roofs) is 'new buildings' but not 'urban expansion'; a field built
    over is both."""
    h, w = 80, 120
    field = np.zeros((h, w), bool)
    field[10:40, 10:40] = True
    block = np.zeros((h, w), bool)
    block[40:70, 70:100] = True
    old_roofs, new_roofs = (0.12, 0.2, 0.28), (0.22, 0.27, 0.36)
    before = _paint(h, w, field, [(block, old_roofs)], 1)
    after = _paint(h, w, np.zeros_like(field), [(field, old_roofs), (block, new_roofs)], 2)
    tr = from_origin(500000, 4500000, 10, 10)
    pb = write_raster(str(tmp_path / "b.tif"), before, transform=tr, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "a.tif"), after, transform=tr, descriptions=S2_NAMES)
    got = {}
    for prompt in ("new buildings", "urban expansion"):
        res = detect_change(_req(tmp_path, pb, pa, prompt=prompt, output_vector=None))
        got[prompt] = rasterio.open(res.output_change).read(1) == 1
    assert got["new buildings"][field].mean() > 0.8 and got["new buildings"][block].mean() > 0.8
    assert got["urban expansion"][field].mean() > 0.8 and got["urban expansion"][block].mean() < 0.05


def test_deforestation_maps_forest_not_all_vegetation(tmp_path):
    """'deforestation' maps forest (dense, dark canopy, low SWIR) in place of vegetation, so a cleared forest is kept
    and a ploughed meadow (vegetation, not forest) is not; 'vegetation loss' keeps both. Before, deforestation fell
    back to vegetation loss and kept the meadow too."""
    h, w = 80, 120
    forest = np.zeros((h, w), bool)
    forest[10:40, 10:50] = True
    meadow = np.zeros((h, w), bool)
    meadow[45:75, 60:110] = True

    def scene(seed, cleared):
        rng = np.random.default_rng(seed)
        refl = np.full((13, h, w), 0.2, np.float32)  # bare soil
        if not cleared:
            for m, (vis, nir, swir1, swir2) in ((forest, ((0.02, 0.03, 0.05, 0.03), 0.35, 0.14, 0.06)),
                                                 (meadow, ((0.05, 0.06, 0.10, 0.07), 0.40, 0.26, 0.15))):
                for b, v in enumerate(vis):
                    refl[b][m] = v
                refl[7][m] = refl[8][m] = nir
                refl[11][m], refl[12][m] = swir1, swir2
        refl += rng.normal(0, 0.004, refl.shape).astype(np.float32)
        return (np.clip(refl, 0.001, 1) * 10000).astype(np.uint16)

    tr = from_origin(500000, 4500000, 10, 10)
    pb = write_raster(str(tmp_path / "b.tif"), scene(1, False), transform=tr, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "a.tif"), scene(2, True), transform=tr, descriptions=S2_NAMES)
    got = {}
    for prompt in ("deforestation", "vegetation loss"):
        res = detect_change(_req(tmp_path, pb, pa, prompt=prompt, output_vector=None))
        got[prompt] = (rasterio.open(res.output_change).read(1) == 1, res.summary)
    assert "forest / trees →" in got["deforestation"][1]
    assert got["deforestation"][0][forest].mean() > 0.8 and got["deforestation"][0][meadow].mean() < 0.05
    assert got["vegetation loss"][0][forest].mean() > 0.8 and got["vegetation loss"][0][meadow].mean() > 0.8


def test_transition_probability_keeps_the_prompted_transitions_and_tally_counts_them():
    from terraprompt.plugin.core.change.detect import ChangeTally, transition_probability

    table = np.array([[False, True], [False, False]])  # only class 0 → class 1 is kept
    prob = np.array([[0.9, 0.8, 1.3]], np.float32)
    from_scores = np.array([[[1, 0, 1]], [[0, 1, 0]]], np.float32)  # from classes 0, 1, 0
    to_scores = np.array([[[0, 0, 0]], [[1, 1, 1]]], np.float32)  # to class 1 everywhere
    block = np.concatenate([prob[None], np.ones((1, 1, 3), np.float32), from_scores, to_scores])
    p, fr, to = transition_probability(block, table, True)
    assert p.tolist() == [[pytest.approx(0.9), 0.0, 1.0]] and fr.tolist() == [[0, 1, 0]] and to.tolist() == [[1, 1, 1]]
    p, fr, to = transition_probability(block, table, False)  # without classes: other → other (the last cell) decides
    assert fr is None and not p.any()
    tally = ChangeTally(2, 2, np.array([100.0]))
    fr, to = np.array([[0, 1, 0]]), np.array([[1, 1, 1]])
    tally.add(Window(0, 0, 3, 1), np.array([[True, True, False]]), np.array([[True, False, False]]), fr, to)
    assert tally.area == {"valid": 200.0, "changed": 100.0, "nodata": 100.0}
    assert tally.matrix_changed.tolist() == [[0, 100.0], [0, 0]] and tally.matrix_all.tolist() == [[0, 100.0], [0, 100.0]]


@pytest.mark.parametrize("text", ["no change", "no new buildings", "all changes except new buildings",
                                  "everything except vegetation loss", "loss of vegetation except cropland"])
def test_change_prompts_that_exclude_are_refused_not_inverted(text):
    from terraprompt.plugin.core.errors import PromptError

    with pytest.raises(PromptError, match="excludes or negates a change"):
        parse_change_prompt(text)


@pytest.mark.parametrize("text", ["forest changes", "changes in water", "changes of forest since 2019"])
def test_named_land_cover_beside_change_keeps_its_loss_and_gain(text):
    p = parse_change_prompt(text)
    assert p.id == "several" and len(p.spec["parts"]) == 2
    named = {c for part in p.spec["parts"] for side in ("from", "to") for s in part[side] if isinstance(s, list) for c in s}
    assert named in ({"forest"}, {"water"})
    assert parse_change_prompt("all changes since 2019").id == "any_change"


@pytest.mark.parametrize("text", ["forest to non-forest", "forests to non-forest", "from forest to non-forest areas",
                                  "forest to non-forest since 2019"])
def test_forest_to_non_forest_is_its_loss(text):
    loss = parse_change_prompt(text)
    assert loss.id == "deforestation" or loss.spec == {"from": [["forest"]], "to": ["not_from"]}, (loss.id, loss.spec)
    gain = parse_change_prompt("non-forest to forest")
    assert gain.spec == {"from": ["not_to"], "to": [["forest"]]}
    assert parse_change_prompt("new buildings on free land").id == "new_buildings"


def test_min_area_keeps_whole_changed_areas_of_several_transitions(tmp_path):
    """A 9 ha change whose BEFORE classes (from a reference map) split it into two 4.5 ha transitions is kept whole
    with a 6 ha minimum (each transition piece was filtered on its own: the whole change vanished from the polygons;
    an OSCD city lost 55 % of the area of its changes of 0.5 ha or more)."""
    from shapely.geometry import shape

    pb, pa, truth = write_pair(tmp_path)
    with rasterio.open(pb) as ds:
        ref = np.where(np.arange(ds.width)[None, :] < 135, 1, 2).repeat(ds.height, axis=0).astype(np.uint8)
        reference = write_raster(str(tmp_path / "reference.tif"), ref[None], crs=ds.crs, transform=ds.transform)
    res = detect_change(_req(tmp_path, pb, pa, min_area_m2=60_000, reference_map=reference, output_probability=None,
                             output_change=None))
    block = []
    with fiona.open(res.output_vector) as fc:
        for f in fc:
            c = shape(f["geometry"]).representative_point()
            col, row = (c.x - 500000) / 10, (4500000 - c.y) / 10
            if 15 <= row < 55 and 115 <= col < 155:
                block.append((f["properties"]["from_class"], f["properties"]["area_m2"]))
    assert len({name for name, _ in block}) == 2, block  # split by transition
    assert 0.8 * 90_000 < sum(a for _, a in block) < 1.2 * 90_000 and max(a for _, a in block) < 60_000, block
    assert "an area is kept whole" in res.summary


def test_summary_names_the_reference_field_it_read(tmp_path):
    """Reference polygons with fields name then class: the classes come from 'class', and the summary says which field
    (the first field of the layer, parcel names, was used without a word)."""
    from shapely.geometry import box, mapping

    pb, pa, _ = write_pair(tmp_path)
    with rasterio.open(pb) as ds:
        left, bottom, right, top = ds.bounds
    schema = {"geometry": "Polygon", "properties": {"name": "str", "class": "str"}}
    path = str(tmp_path / "reference.gpkg")
    with fiona.open(path, "w", driver="GPKG", crs="EPSG:32633", schema=schema) as fc:
        middle = (left + right) / 2
        fc.write({"geometry": mapping(box(left, bottom, middle, top)), "properties": {"name": "Parcel A", "class": "forest"}})
        fc.write({"geometry": mapping(box(middle, bottom, right, top)), "properties": {"name": "Parcel B", "class": "water"}})
    res = detect_change(_req(tmp_path, pb, pa, reference_map=path, output_probability=None, output_change=None))
    assert "BEFORE classes from the reference map 'reference.gpkg' (field 'class'): forest, water" in res.summary


def test_an_export_time_stamp_is_no_acquisition_date(tmp_path):
    """A TIFFTAG_DATETIME export stamp (2024) overrode the sensing date in the file name (2016), and the pair read
    'AFTER is older than BEFORE'; an acquisition tag still wins over the name, a processing date does not."""
    def dated(name, **tags):
        p = write_raster(str(tmp_path / name), np.ones((1, 4, 4), np.uint8))
        with rasterio.open(p, "r+") as ds:
            ds.update_tags(**tags)
        return guess_date(open_raster(p))

    assert dated("S2A_MSIL1C_20161209T030112_beihai.tif", TIFFTAG_DATETIME="2024:05:03 10:11:12") == "2016-12-09"
    assert dated("S2B_MSIL1C_20180309T030539_b.tif", PROCESSING_DATE="2024-05-02") == "2018-03-09"
    assert dated("scene_20190704.tif", ACQUISITION_DATE="2019-07-05") == "2019-07-05"
    assert dated("nodate.tif", TIFFTAG_DATETIME="2024:05:03 10:11:12") == ""
    assert dated("other.tif", DATE="2020-01-02") == "2020-01-02"
