"""Buildings from very-high-resolution RGB: the building head on the promptable encoder (models/buildings_head.onnx)."""
from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from conftest import shared, write_raster
from terraprompt.plugin.core.catalog import MODELS_DIR, load_json
from terraprompt.plugin.core.errors import ModalityError, ModelError
from terraprompt.plugin.core.landcover import buildings_vhr as bv
from terraprompt.plugin.core.landcover.extract import ExtractRequest, check_bands_fit, extract_landcover
from terraprompt.plugin.core.prompts import parse_prompt

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data")
CROP = os.path.join(DATA, "rio_buildings_crop_image.tif")  # a crop of rio_img52, the tile the head never trained on


def test_model_file_matches_its_card_and_the_installed_encoder():
    card = bv.load_card()
    with open(os.path.join(MODELS_DIR, card["file"]), "rb") as fh:
        blob = fh.read()
    assert hashlib.sha256(blob).hexdigest() == card["sha256"] and len(blob) == card["size_bytes"]
    assert card["encoder"]["sha256"] == load_json("promptable_net.json")["files"]["encoder"]["sha256"]


@pytest.mark.parametrize("roles,pixel_m,ok,words", [
    ({"red", "green", "blue"}, 0.5, True, ""),
    ({"red", "green", "blue", "nir"}, 0.3, True, ""),
    ({"red", "green", "blue"}, 10.0, False, "0.25-1 m"),
    ({"nir", "red", "green"}, 0.5, False, "blue"),
])
def test_usable_says_why_not(roles, pixel_m, ok, words):
    got, why = bv.usable(roles, pixel_m)
    assert got is ok and words in why


def test_buildings_from_an_rgb_photo_it_never_saw(tmp_path):
    """'buildings' on a 0.5 m RGB crop of the held-out Rio tile: most of the roofs, few false alarms, the explanation names
    the head and its held-out figures (before: refused, no heights and no SWIR)."""
    out = str(tmp_path / "b.tif")
    res = extract_landcover(ExtractRequest(input=CROP, prompt="buildings", output_raster=out, output_vector=str(tmp_path / "b.gpkg")))
    with rasterio.open(out) as ds:
        got = ds.read(1) == 1
    with rasterio.open(CROP.replace("_image", "_instances")) as ds:
        truth = ds.read(1) > 0
    iou = (got & truth).sum() / (got | truth).sum()
    assert iou > 0.3 and (got & truth).sum() / got.sum() > 0.5, iou
    card = bv.load_card()
    assert "buildings: [vhrnet]" in res.explanation and card["sha256"][:12] in res.explanation
    assert f"({card['metrics']['held_out']['tile']}) pixel IoU" in res.explanation


def test_the_same_classes_whatever_the_tile_size(tmp_path):
    """The scene stretch is fitted once and tiles overlap: 256-pixel tiles give nearly the classes of one 512 tile on the
    whole held-out Rio tile (438 x 406)."""
    from terraprompt.plugin.core.tiling import TileSpec

    path = shared("buildings", "rio_img52_image.tif")
    maps = []
    for name, tiles in (("one", TileSpec(512, 64)), ("small", TileSpec(256, 64))):
        out = str(tmp_path / f"{name}.tif")
        extract_landcover(ExtractRequest(input=path, prompt="buildings", output_raster=out, tiles=tiles))
        with rasterio.open(out) as ds:
            maps.append(ds.read(1) == 1)
    assert (maps[0] == maps[1]).mean() > 0.97


def test_coarse_rgb_is_refused_while_typing_and_at_run(tmp_path):
    """At 5 m (outside 0.25-1 m) the head does not run: the dock's check (pixel size known) and the run both refuse with
    the bands and pixels that would do; without a pixel size the check stays optimistic."""
    rgb = np.random.default_rng(1).integers(0, 255, (3, 64, 64)).astype(np.uint8)
    src = write_raster(str(tmp_path / "rgb5.tif"), rgb, transform=from_origin(500000, 4500000, 5, 5))
    with pytest.raises(ModalityError, match="0.25-1 m pixels"):
        check_bands_fit(parse_prompt("buildings"), {"red", "green", "blue"}, "auto", 5.0)
    check_bands_fit(parse_prompt("buildings"), {"red", "green", "blue"}, "auto", 0.5)
    with pytest.raises(ModalityError, match="0.25-1 m pixels"):
        extract_landcover(ExtractRequest(input=src, prompt="buildings", output_raster=str(tmp_path / "o.tif")))
    assert not (tmp_path / "o.tif").exists()


def test_a_head_trained_on_another_encoder_is_refused(monkeypatch, tmp_path):
    card = dict(bv.load_card(), encoder={"sha256": "0" * 64})
    monkeypatch.setattr(bv, "load_card", lambda: card)
    bv.shared.cache_clear()  # a model loaded by an earlier test would not be checked again
    with pytest.raises(ModelError, match="another promptable encoder"):
        extract_landcover(ExtractRequest(input=CROP, prompt="buildings", output_raster=str(tmp_path / "b.tif")))
    assert not os.listdir(tmp_path)
