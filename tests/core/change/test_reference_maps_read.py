"""How a reference land-cover map's classes are read: pixels outside the map, fill names ('No data'), names read only
surely, published legends by their codes (WorldCover, CORINE), classes of the pair's area only, a GeoPackage layer, the
classes not read, continuous rasters, and a gain prompt refused when no class is read."""
from __future__ import annotations

import fiona
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window
from shapely.geometry import shape

from conftest import shared, write_raster
from terraprompt.plugin.core.change.align import PairBlock
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.change.reference import VectorReference
from terraprompt.plugin.core.change.semantic import (ClassMaps, build_class_maps, parse_change_prompt, reference_class_ids,
                                                     select_transitions)
from terraprompt.plugin.core.errors import InputError, PromptError
from terraprompt.plugin.core.raster import Grid

CHANGE_CLASSES = ["water", "vegetation", "built_up", "bare_soil", "other"]


def _grid(width: int, height: int, x0: float = 500000, y0: float = 4500000) -> Grid:
    return Grid(rasterio.crs.CRS.from_epsg(32633), from_origin(x0, y0, 10, 10), width, height)


def _block(h: int, w: int) -> PairBlock:
    z = np.zeros((1, h, w), np.float32)
    return PairBlock(["red"], z, z, np.ones((h, w), bool))


def _categories(path: str, names: list[str]) -> None:
    from osgeo import gdal

    ds = gdal.Open(path, gdal.GA_Update)
    ds.GetRasterBand(1).SetCategoryNames(names)
    ds = None


def test_pixels_outside_a_class_zero_map_are_other(tmp_path):
    """A Dynamic World map (0 = water) covering the right half, no nodata declared: the read fills the left half with 0,
    which was taken for water while the summary said 'other'."""
    lc = np.full((20, 10), 6, np.uint8)  # built
    lc[:5] = 0  # real water in the map
    path = write_raster(str(tmp_path / "dynamic_world_right.tif"), lc, transform=from_origin(500100, 4500000, 10, 10))
    grid = _grid(20, 20)
    maps = build_class_maps([], [], reference=path, grid=grid)
    assert maps.from_names == ["water", "built", "other"]
    out = maps.scores(_block(20, 20), grid, Window(0, 0, 20, 20))[0]
    assert not out[0][:, :10].any() and out[2][:, :10].all()  # outside the map: 'other', not water
    assert out[0][:5, 10:].all() and out[1][5:, 10:].all()


def test_oscd_crop_outside_a_dynamic_world_map_is_other(tmp_path):
    """End to end on an OSCD Rennes crop: no change polygon outside the half map is 'water'."""
    d = shared("oscd", "rennes")
    paths = []
    for date in ("t1", "t2"):
        with rasterio.open(f"{d}/rennes_{date}.tif") as src:
            win = Window(0, 0, 240, 240)
            prof = {**src.profile, "width": 240, "height": 240, "transform": src.window_transform(win)}
            prof.pop("blockxsize", None), prof.pop("blockysize", None), prof.update(tiled=False)
            paths.append(str(tmp_path / f"rennes_{date}.tif"))
            with rasterio.open(paths[-1], "w", **prof) as out:
                out.write(src.read(window=win))
    with rasterio.open(paths[0]) as b:
        tr, crs = b.transform, b.crs
    dw = np.full((240, 120), 6, np.uint8)  # built
    dw[:10] = 0  # a strip of water in the map
    ref = write_raster(str(tmp_path / "dynamic_world_half.tif"), dw, crs=crs, transform=tr * rasterio.Affine.translation(120, 0))
    res = detect_change(ChangeRequest(paths[0], paths[1], method="cva", cloud_mask=False, output_probability=None,
                                      output_change=str(tmp_path / "c.tif"), output_vector=str(tmp_path / "c.gpkg"),
                                      reference_map=ref))
    assert res.changed_area_m2 > 0
    mid_x = (tr * (120, 0))[0]
    with fiona.open(res.output_vector) as fc:
        left = {f["properties"]["from_class"] for f in fc if shape(f["geometry"]).bounds[2] <= mid_x}
    assert left == {"other"}, left  # outside the map: 'other' (was water)


@pytest.mark.parametrize("fill", ["No data", "NoData", "Unclassified", "Not classified", "Background"])
def test_fill_category_names_are_dropped(tmp_path, fill):
    """A category 'No data' was read as water (the parse gave the whole land-cover list, the first concept taken)."""
    lc = np.full((20, 20), 2, np.uint8)
    lc[:6] = 0
    lc[6:10] = 1
    path = write_raster(str(tmp_path / "cats.tif"), lc)
    _categories(path, [fill, "Water", "Forest"])
    maps = build_class_maps([], [], reference=path, grid=_grid(20, 20))
    assert maps.from_names == ["Water", "Forest", "other"]
    assert "30.0 % of the area is unclassified in the reference map" in "\n".join(maps.notes)
    notes: list[str] = []
    assert reference_class_ids([fill], notes) == [fill]  # never a change-map class


def test_names_are_read_only_surely():
    """'Terres arables' was read as forest by a spelling guess ('arbres'); a map's names are written as meant."""
    notes: list[str] = []
    ids = reference_class_ids(["Terres arables", "Terre arable", "Tissu urbain continu", "Watr", "Couvert arboré"], notes)
    assert ids == ["vegetation", "vegetation", "built_up", "Watr", "forest"]


def test_gain_prompt_refused_when_no_reference_class_is_read():
    """'urban expansion' on unread classes kept class 112 (urban fabric) → built-up as new."""
    names = ["class 3", "class 7", "other"]
    maps = ClassMaps(list(names), list(CHANGE_CLASSES), reference=object(), from_ids=list(names))
    with pytest.raises(PromptError, match="no class of the reference map is read as a change-map class") as err:
        select_transitions(parse_change_prompt("urban expansion"), maps)
    assert "TERRAPROMPT_CLASSES" in err.value.fix and "CORINE" in err.value.fix
    read = ClassMaps(["urban", "class 7", "other"], list(CHANGE_CLASSES), reference=object(),
                     from_ids=["built_up", "class 7", "other"])
    table, _ = select_transitions(parse_change_prompt("urban expansion"), read)
    assert not table[0].any() and table[1, 2]


@pytest.mark.parametrize("file, values, first", [
    ("CLC2018_L3.tif", [112, 211, 311], "Discontinuous urban fabric"),
    ("my_map.tif", [112, 211, 311], "Discontinuous urban fabric"),
    ("ESA_WorldCover_10m_2021.tif", [10, 40, 80], "tree cover"),
])
def test_published_legends_by_name_and_by_codes(tmp_path, file, values, first):
    lc = np.full((20, 20), values[2], np.uint16)
    lc[:5], lc[5:10] = values[0], values[1]
    path = write_raster(str(tmp_path / file), lc)
    maps = build_class_maps([], [], reference=path, grid=_grid(20, 20))
    assert maps.from_names[0] == first
    assert maps.from_ids[:3] in (["built_up", "vegetation", "forest"], ["forest", "vegetation", "water"])


def test_an_own_map_coded_in_tens_is_not_taken_for_worldcover(tmp_path):
    lc = np.full((20, 20), 30, np.uint16)
    lc[:5], lc[5:10] = 10, 20
    path = write_raster(str(tmp_path / "my_map.tif"), lc)
    assert build_class_maps([], [], reference=path, grid=_grid(20, 20)).from_names[:3] == ["class 10", "class 20", "class 30"]


def test_dynamic_world_codes_are_not_guessed_from_values(tmp_path):
    path = write_raster(str(tmp_path / "my_map.tif"), np.arange(1, 5, dtype=np.uint8).repeat(100).reshape(20, 20))
    assert build_class_maps([], [], reference=path, grid=_grid(20, 20)).from_names[:4] == [f"class {v}" for v in range(1, 5)]


def test_classes_come_from_the_pairs_area(tmp_path):
    """A large map: its classes were sampled from the whole file, so a class only in the pair's area was dropped and 20
    classes elsewhere refused the run."""
    n = 3000
    lc = (np.arange(n)[:, None] // 150 % 20 + 1).astype(np.uint8).repeat(n, axis=1)  # 20 classes in bands
    r0 = c0 = 1500
    lc[r0:r0 + 60, c0:c0 + 60] = 33
    lc[r0 + 1:r0 + 60:6, c0:c0 + 60] = 44  # one row in six: a sample of the whole file misses it
    path = write_raster(str(tmp_path / "big.tif"), lc)
    grid = _grid(60, 60, 500000 + 10 * c0, 4500000 - 10 * r0)
    maps = build_class_maps([], [], reference=path, grid=grid)
    assert maps.from_names == ["class 33", "class 44", "other"] and maps.reference_values == [33, 44]


def test_gpkg_layer_name_is_honoured(tmp_path):
    path = str(tmp_path / "multi.gpkg")
    schema = {"geometry": "Polygon", "properties": {"class": "str"}}
    square = {"type": "Polygon", "coordinates": [[(500000, 4499800), (500200, 4499800), (500200, 4500000),
                                                   (500000, 4500000), (500000, 4499800)]]}
    for layer, cls in (("a", "Wald"), ("b", "Wasser")):
        with fiona.open(path, "w", driver="GPKG", layer=layer, crs="EPSG:32633", schema=schema) as out:
            out.write({"geometry": square, "properties": {"class": cls}})
    ref = VectorReference(f"{path}|layername=b", _grid(20, 20).crs)
    assert ref.tags["TERRAPROMPT_CLASSES"] == "1=Wasser"


def test_unread_classes_are_listed_and_wetlands_are_vegetation():
    notes: list[str] = []
    ids = reference_class_ids(["Water", "moss and lichen", "Inland marshes", "flooded vegetation", "herbaceous wetland",
                               "Zones humides", "Feuchtgebiet", "Wetlands"], notes)
    assert ids == ["water", "moss and lichen"] + ["vegetation"] * 6
    assert "not read as a change-map class (each counts as a class of its own): moss and lichen" in notes
    many: list[str] = []
    reference_class_ids([f"class {v}" for v in range(12)], many)
    assert many[-1].endswith("class 7 and 4 more")


def test_continuous_raster_is_named_so(tmp_path):
    ndvi = (np.arange(400, dtype=np.int16).reshape(20, 20) * 20 - 4000)
    path = write_raster(str(tmp_path / "ndvi.tif"), ndvi)
    with pytest.raises(InputError, match="looks like a continuous raster"):
        build_class_maps([], [], reference=path, grid=_grid(20, 20))
