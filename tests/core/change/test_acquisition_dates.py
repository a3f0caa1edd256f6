"""Acquisition dates of a change pair: epochs and timestamps are no dates, a file name's export stamp or pixel offsets
are no acquisition, the keys GDAL gives Sentinel-2, Maxar, Landsat and Earth Engine products are read, so are day-first
dates and month words in names and tags (a day and month that read both ways give none, with a note), swapped or
seasonal dates are cautioned and unknown dates are NULL in the polygons."""
from __future__ import annotations

import os

import fiona
import numpy as np
import pytest
import rasterio

from change_pairs import change_pair
from conftest import S2_NAMES, write_raster
from terraprompt.plugin.core.catalog import load_json
from terraprompt.plugin.core.change.dates import guess_date, read_date
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.tiling import TileSpec


def _dated(tmp_path, name: str, ns: str = "", **tags) -> str:
    """guess_date of a small raster of that name (folders made) with these tags (in the metadata domain ``ns``)."""
    path = str(tmp_path / name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_raster(path, np.ones((1, 4, 4), np.uint8))
    if tags:
        with rasterio.open(path, "r+") as ds:
            ds.update_tags(ns=ns or None, **tags)
    return guess_date(open_raster(path))


@pytest.mark.parametrize("tags, date", [
    ({"time#units": "days since 1970-01-01 00:00:00"}, ""),  # read as 1970-01-01
    ({"time#units": "hours since 1900-01-01 00:00:00"}, ""),  # read as 1900-01-01
    ({"time#units": "days since 1970-01-01 00:00:00", "NETCDF_DIM_time_VALUES": "{18262}"}, "2020-01-01"),
    ({"system_time_start": "1601051200000"}, "2020-09-25"),  # Earth Engine ms, read as 1601-05-12
    ({"TIMESTAMP": "1601051200"}, "2020-09-25"),  # Unix seconds
])
def test_epochs_and_timestamps_are_no_dates(tmp_path, tags, date):
    assert _dated(tmp_path, "scene.tif", **tags) == date


@pytest.mark.parametrize("name, tags, date", [
    ("clip_20240301_S2A_20161130.tif", {}, ""),  # an export stamp and the acquisition: read as 2024-03-01
    ("bercy_tile_2048_1024.tif", {}, ""),  # pixel offsets, read as 2048-10-24
    ("bercy_tile_2000_0512.tif", {}, ""),  # read as 2000-05-12
    ("S2_19000101.tif", {"ACQUISITION_DATE": "1900-01-01"}, ""),
    ("S2_20991231.tif", {}, ""),  # in the future
    ("scene.tif", {"ACQUISITION_DATE": "0001-01-01"}, ""),
    ("export_20240301_S2A_MSIL2A_20161130T103321_N0204.tif", {}, "2016-11-30"),  # the product name decides
    ("LC08_L2SP_193027_20200412_20200822_02_T1_SR_B4.tif", {}, "2020-04-12"),
])
def test_a_name_date_is_a_plausible_acquisition(tmp_path, name, tags, date):
    assert _dated(tmp_path, name, **tags) == date


@pytest.mark.parametrize("name, ns, tags, date", [
    ("before.tif", "", {"PRODUCT_START_TIME": "2016-03-15T10:50:12.026Z"}, "2016-03-15"),
    ("before.tif", "", {"DATATAKE_1_DATATAKE_SENSING_START": "2016-03-15T10:50:12.026Z"}, "2016-03-15"),
    ("maxar.tif", "IMAGERY", {"ACQUISITIONDATETIME": "2020-06-15 10:34:53"}, "2020-06-15"),
    ("photo.tif", "", {"EXIF_DateTime": "2024:02:01 10:00:00", "EXIF_DateTimeOriginal": "2019:07:14 09:00:00"}, "2019-07-14"),
    ("landsat.tif", "", {"FILE_DATE": "2020-08-22T10:00:00Z"}, ""),  # a processing time
    ("saved.tif", "", {"DATETIME": "2024:03:01 12:00:00"}, ""),  # a save time
    ("stack.tif", "", {"PRODUCT_URI": "S2A_MSIL2A_20200101T103321_N0213_R108_T32TQM_20200101T121212.SAFE"}, "2020-01-01"),
    ("LC08_L2SP_193027_20200412_20200822_02_T1/SR_B4.tif", "", {}, "2020-04-12"),  # a product-named folder
    ("S2B_33UVP_20230612_0_L2A/B04.tif", "", {}, "2023-06-12"),  # Earth Search's folder
    ("tile.tif", "", {"START_ROW": "20200101"}, ""),  # a start that is no time
])
def test_product_keys_and_folders_give_the_date(tmp_path, name, ns, tags, date):
    assert _dated(tmp_path, name, ns, **tags) == date


def _pair(tmp_path, before: str, after: str) -> tuple[str, str]:
    b, a, _ = change_pair(h=64, w=200)
    return (write_raster(str(tmp_path / before), b, descriptions=S2_NAMES),
            write_raster(str(tmp_path / after), a, descriptions=S2_NAMES))


def _run(tmp_path, pb, pa):
    out = tmp_path / "out"
    return detect_change(ChangeRequest(pb, pa, method="cva", cloud_mask=False, output_vector=str(out / "change.gpkg"),
                                       tiles=TileSpec(64, 0, 2)))


def test_swapped_dates_are_the_first_caution(tmp_path):
    res = _run(tmp_path, *_pair(tmp_path, "before_2022-08-15.tif", "after_2022-03-15.tif"))
    assert res.summary.splitlines()[0].startswith("Caution: AFTER (2022-03-15) is older than BEFORE (2022-08-15)")


def test_dates_of_different_seasons_are_cautioned(tmp_path):
    res = _run(tmp_path, *_pair(tmp_path, "before_2020-03-15.tif", "after_2022-08-15.tif"))
    assert "Caution: BEFORE (2020-03-15) and AFTER (2022-08-15) are 5 months apart in the year" in res.summary


def test_same_season_gives_no_caution(tmp_path):
    res = _run(tmp_path, *_pair(tmp_path, "before_2020-06-01.tif", "after_2022-07-01.tif"))
    assert "Caution" not in res.summary.split("Alignment:")[0]


def test_an_unknown_date_is_null_in_the_polygons(tmp_path):
    res = _run(tmp_path, *_pair(tmp_path, "before.tif", "after_2017-08-29.tif"))
    with fiona.open(res.output_vector) as fc:
        feats = list(fc)
    assert feats and all(f["properties"]["date_before"] is None for f in feats)
    assert all(f["properties"]["date_after"] == "2017-08-29" for f in feats)


def test_a_name_of_several_dates_says_why_its_date_is_unknown(tmp_path):
    res = _run(tmp_path, *_pair(tmp_path, "clip_20240301_S2A_20161130.tif", "after_2017-08-29.tif"))
    assert res.dates == ("", "2017-08-29")
    assert "older than BEFORE" not in res.summary
    assert "holds several dates (2024-03-01, 2016-11-30)" in res.summary


@pytest.mark.parametrize("tags, date", [
    ({"system:time_start": "1528185600000"}, "2018-06-05"),  # GDAL splits it: {'system': 'time_start=1528185600000'}
    ({"system:time_start": "805680000000"}, "1995-07-14"),  # Earth Engine milliseconds of 12 digits (before 2001)
    ({"system:time_end": "1528185600000"}, "2018-06-05"),  # the only time: read as another date tag
])
def test_earth_engine_times_are_read(tmp_path, tags, date):
    assert _dated(tmp_path, "ee_export.tif", **tags) == date


def test_an_earth_engine_end_time_yields_to_the_name(tmp_path):
    assert _dated(tmp_path, "composite_2018-06-01.tif", **{"system:time_end": "1530403200000"}) == "2018-06-01"


@pytest.mark.parametrize("name, date", [
    ("scene_25-06-2018.tif", "2018-06-25"),
    ("scene_25.06.2018.tif", "2018-06-25"),
    ("25_06_2018.tif", "2018-06-25"),
    ("scene_06-06-2018.tif", "2018-06-06"),  # day and month alike: either reading
    ("scene_06-25-2018.tif", "2018-06-25"),  # only the month-first reading is a date
    ("S2_2018Jun05.tif", "2018-06-05"),
    ("05Jun2018.tif", "2018-06-05"),
    ("05_June_2018.tif", "2018-06-05"),
    ("scene 5 juin 2018.tif", "2018-06-05"),
    ("12_März_2019.tif", "2019-03-12"),
    ("June 5, 2018.tif", "2018-06-05"),
    ("B4_3_2018.tif", ""),  # a band number is no day
    ("augmented_2018.tif", ""),  # 'aug' inside a word is no month
    ("clip_2024-03-01_05Jun2018.tif", ""),  # several dates
])
def test_day_first_and_month_word_names_are_read(tmp_path, name, date):
    assert _dated(tmp_path, name) == date


def _read(tmp_path, name: str, **tags):
    """read_date of a small raster of that name with these tags."""
    path = write_raster(str(tmp_path / name), np.ones((1, 4, 4), np.uint8))
    if tags:
        with rasterio.open(path, "r+") as ds:
            ds.update_tags(**tags)
    return read_date(open_raster(path))


def test_a_name_whose_day_and_month_read_both_ways_says_why_and_how_to_fix(tmp_path):
    read = _read(tmp_path, "scene_05-06-2018.tif")
    assert read.date == ""
    assert "holds 05-06-2018, which reads as 2018-06-05 (day first) or 2018-05-06 (month first)" in read.note
    assert "rename the file with its date written YYYY-MM-DD" in read.note


@pytest.mark.parametrize("value, date", [("25/06/2018", "2018-06-25"), ("06/06/2018", "2018-06-06"),
                                         ("06/25/2018 10:20:30", "2018-06-25"), ("05-JUN-2018", "2018-06-05")])
def test_a_day_month_tag_is_read_when_unambiguous(tmp_path, value, date):
    assert _dated(tmp_path, "scene.tif", ACQUISITION_DATE=value) == date


def test_a_tag_whose_day_and_month_read_both_ways_says_why_and_how_to_fix(tmp_path):
    read = _read(tmp_path, "scene.tif", ACQUISITION_DATE="05/06/2018")
    assert read.date == ""
    assert "ACQUISITION_DATE = 05/06/2018 reads as 2018-06-05 (day first) or 2018-05-06 (month first)" in read.note
    assert "YYYY-MM-DD" in read.note


def test_an_ambiguous_name_date_is_said_in_the_summary(tmp_path):
    res = _run(tmp_path, *_pair(tmp_path, "before_05-06-2018.tif", "after_2019-06-20.tif"))
    assert res.dates == ("", "2019-06-20")
    assert "Dates: the file name before_05-06-2018.tif holds 05-06-2018, which reads as" in res.summary


def test_no_month_word_names_two_months():
    months = {}
    for language, names in load_json("month_names.json").items():
        for number, forms in enumerate(names if not language.startswith("_") else []):
            for word in forms:
                assert months.setdefault(word, number) == number, word
    assert len(months) > 40
