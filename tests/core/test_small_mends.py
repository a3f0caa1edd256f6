"""Small mends: an objects GeoPackage whose write fails leaves no GDAL noise, one rounding of sizes for sentences and for
the prompt parser, and a raster read saturated throughout refused with the reason."""
from __future__ import annotations

import os
import sqlite3

import numpy as np
import pytest
from rasterio.crs import CRS
from rasterio.transform import from_origin
from shapely.geometry import MultiPolygon, box

from conftest import synthetic_s2, write_raster
from test_output_safety import file_size_limit
from terraprompt.plugin.core.errors import InputError, OutputError
from terraprompt.plugin.core.interactive.objects import OBJECT_FIELDS, AcceptedObject, append_objects, write_objects
from terraprompt.plugin.core.messages import measure, set_language


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def _objects(n: int, first: int = 0) -> list[AcceptedObject]:
    attrs = {k: ("x" * 200 if OBJECT_FIELDS[k] == "str" else 1) for k in OBJECT_FIELDS}
    return [AcceptedObject(MultiPolygon([box(i, 0, i + 0.5, 0.5)]), dict(attrs, object_id=i)) for i in range(first, first + n)]


def test_full_disk_objects_write_prints_no_gdal_error(tmp_path, capfd):
    """A failed write of a new objects GeoPackage printed GDAL's "CREATE TRIGGER ... failed: no such table: main.objects"
    (fiona created the table in its first transaction, which the failure rolled back)."""
    capfd.readouterr()
    with file_size_limit(200_000), pytest.raises(OutputError, match=r"objects\.gpkg.*free disk space"):
        write_objects(str(tmp_path / "objects.gpkg"), _objects(3000), CRS.from_epsg(32633))
    err = capfd.readouterr().err
    assert "no such table" not in err and "CREATE TRIGGER" not in err, err
    assert os.listdir(tmp_path) == []


def test_full_disk_layer_added_to_a_geopackage_is_removed_quietly(tmp_path, capfd):
    """A layer added beside others that the disk cannot hold is removed again, the other layer kept, nothing printed."""
    path = str(tmp_path / "objects.gpkg")
    write_objects(path + "|layername=roofs", _objects(3), CRS.from_epsg(32633))
    capfd.readouterr()
    with file_size_limit(os.path.getsize(path) + 150_000), pytest.raises(OutputError):
        append_objects(path, _objects(3000), CRS.from_epsg(32633), layer="trees")
    err = capfd.readouterr().err
    assert "no such table" not in err and "CREATE TRIGGER" not in err, err
    with sqlite3.connect(path) as db:
        tables = {r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")}
        assert tables == {"roofs"} and db.execute("SELECT COUNT(*) FROM roofs").fetchone()[0] == 3


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_plain_measure_is_what_the_prompt_parser_reads(lang):
    """The speckle hint's sizes and the sentences' sizes are rounded by one function: the plain form has no grouping
    and a decimal point in every language."""
    from terraprompt.plugin.core.vectors import ten_pixels

    set_language(lang)
    assert [measure(v, localised=False) for v in (0.00009, 0.125, 2.5, 12.5, 62550.5)] == [
        "0.00009", "0.13", "2.5", "13", "62551"]
    assert (ten_pixels(0.003 ** 2), ten_pixels(2.5 ** 2), ten_pixels(1000.0 ** 2)) == ("0.00009 m2", "63 m2", "1000 ha")
    if lang == "fr":
        assert measure(62550.5) == "62\u202f551" and measure(0.125) == "0,13"


@pytest.mark.parametrize("kind", ["rgb", "s2"])
@pytest.mark.parametrize("extent", [False, True])
def test_a_raster_saturated_throughout_is_refused_with_the_reason(tmp_path, kind, extent):
    """Every pixel read at the data type's largest value in every band gave an empty result (before that: 'no pixel has
    a value in every band'); an extent over saturated pixels was said to hold only nodata."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    side = 60 if extent else 6  # 6 x 6: too few pixels for the one-value band check
    if kind == "rgb":
        data = np.random.default_rng(0).integers(0, 200, (3, side, side)).astype(np.uint8)
    else:
        data = synthetic_s2(side, side)[0]
    top = np.iinfo(data.dtype).max
    data[:, :, side // 2 if extent else 0:] = top
    src = write_raster(str(tmp_path / "in.tif"), data, transform=from_origin(500000, 4500000, 10, 10))
    box_ = (500000 + 10 * (side // 2 + 5), 4500000 - 10 * side, 500000 + 10 * side, 4500000) if extent else None
    with pytest.raises(InputError, match=rf"saturated \(at {top},.*unsaturated pixels"):
        extract_landcover(ExtractRequest(input=src, prompt="water", output_raster=str(tmp_path / "w.tif"), extent=box_))
    assert os.listdir(tmp_path) == ["in.tif"]
