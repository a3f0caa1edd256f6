"""A land-cover-map prompt ('everything', 'land cover map'): the map's classes the bands allow, the others named."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio

from conftest import ROOT, SAMPLE_S2
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover


def _run(tmp_path, inp, prompt, engine="auto"):
    out = str(tmp_path / "classes.tif")
    r = extract_landcover(ExtractRequest(input=inp, prompt=prompt, output_raster=out, engine=engine))
    with rasterio.open(out) as ds:
        return r, ds.read(1), ds.tags()["TERRAPROMPT_CLASSES"]


def test_everything_except_water_on_sentinel2(tmp_path):
    """All seven map classes run from 13 bands; 'except water' leaves water out of the classes and its pixels unclassed
    (the index rules: the sample has little water, and they find more of it to check than the network does)."""
    r_all, c_all, classes_all = _run(tmp_path, SAMPLE_S2, "land cover map", engine="spectral")
    assert classes_all.split(";")[0] == "1=water" and "5=built_up" in classes_all
    assert "not possible from these bands" not in r_all.explanation
    r, c, classes = _run(tmp_path, SAMPLE_S2, "everything except water", engine="spectral")
    assert "water" not in classes and "built_up" in classes
    water = c_all == 1
    assert water.mean() > 0.001
    assert (c[water] == 0).mean() > 0.95  # the water pixels stay background
    value = {v: int(k) for k, v in (kv.split("=") for kv in classes.split(";"))}
    assert (c == value["built_up"]).mean() > 0.3  # Beirut: mostly city


def test_a_complete_map_has_no_holes_and_merges_regions_under_its_unit(tmp_path):
    """Every class possible: each valid pixel has one (those under 50 % take the likeliest land class, and say so); a
    size in the prompt is the map's minimum mapping unit (small regions merge into a neighbour, not into holes)."""
    r, c, _ = _run(tmp_path, SAMPLE_S2, "land cover map")
    valid = c != 255
    assert valid.mean() > 0.9 and (c[valid] > 0).all()
    assert "reached no class at 50 % and took its most likely one" in r.explanation
    filled = r.details["map_filled_m2"]
    assert 0 < filled < 0.5 * r.valid_area_m2
    assert sum(r.areas_m2.values()) == pytest.approx(r.valid_area_m2)
    out_v = str(tmp_path / "map.gpkg")
    r2 = extract_landcover(ExtractRequest(input=SAMPLE_S2, prompt="land cover map larger than 0.5 ha",
                                          output_raster=str(tmp_path / "map.tif"), output_vector=out_v))
    with rasterio.open(tmp_path / "map.tif") as ds:
        c2 = ds.read(1)
    assert (c2[valid] > 0).all()
    px_m2 = r2.valid_area_m2 / valid.sum()
    from scipy import ndimage
    for k in np.unique(c2[valid]):
        sizes = np.bincount(ndimage.label(c2 == k)[0].ravel())[1:]
        assert sizes.min() * px_m2 >= 5000 * 0.95  # about 10 m pixels: 50 of them at least
    assert "Minimum mapping unit: 5,000 m²" in r2.explanation
    assert sum(r2.areas_m2.values()) == pytest.approx(r2.valid_area_m2)
    import fiona
    with fiona.open(out_v) as f:
        assert len(f) > 0


def _rgb8(tmp_path) -> str:
    """The Beirut sample as an 8-bit RGB quick look (no NIR, no SWIR)."""
    with rasterio.open(SAMPLE_S2) as ds:
        prof = ds.profile | {"count": 3, "dtype": "uint8", "nodata": None}
        rgb = ds.read([4, 3, 2]).astype(np.float32)
    rgb = np.clip(rgb / np.percentile(rgb, 99) * 255, 0, 255).astype(np.uint8)
    src = str(tmp_path / "rgb8.tif")
    with rasterio.open(src, "w", **prof) as dst:
        dst.write(rgb)
    return src


def test_a_map_class_the_bands_cannot_give_is_not_an_exclusion_that_fails(tmp_path):
    """'everything except built-up' on RGB: built-up is not in an RGB map anyway; the run says it could not be left out."""
    r, c, classes = _run(tmp_path, _rgb8(tmp_path), "everything except built-up")
    assert classes.startswith("1=water") and "built_up" not in classes
    assert "built-up cannot be told from these bands, so it cannot be left out either" in r.explanation
    with pytest.raises(ModalityError, match="cannot extract 'built-up'"):  # outside a map the exclusion is needed: refused
        _run(tmp_path, _rgb8(tmp_path), "water except built-up")


def test_the_water_of_a_map_is_the_water_of_a_water_prompt(tmp_path):
    """ENGINE=auto: a map (or any prompt the network alone cannot give) takes water from the land-cover network, as the
    prompt 'water' does, instead of the weaker RGB rule (which called most of a dense city water); ENGINE=spectral keeps
    the rule."""
    src = _rgb8(tmp_path)
    r_map, c_map, classes = _run(tmp_path, src, "land cover map")
    assert classes.split(";")[0] == "1=water"
    assert "[landnet]" in r_map.explanation and "bundled network landcover_net" in r_map.explanation
    assert "excluded from the other concepts" not in r_map.explanation  # the network's own cloud output is not used
    r_w, c_w, _ = _run(tmp_path, src, "water")
    assert r_w.engine == "network"
    assert ((c_map == 1) == (c_w == 1)).mean() > 0.995
    r_f, c_f, _ = _run(tmp_path, src, "flooded area")  # the same network water (the rule called 85 % of RGB Paris flooded)
    assert r_f.engine == "network" and ((c_f == 1) == (c_w == 1)).mean() > 0.995
    r_rule, c_rule, _ = _run(tmp_path, src, "land cover map", engine="spectral")
    assert "[landnet]" not in r_rule.explanation and "[rgb]" in r_rule.explanation
    assert (c_rule == 1).mean() > (c_map == 1).mean() + 0.02  # the RGB rule calls 5 % of this city water, the network none


def test_sar_alone_gives_the_water_class_and_names_the_others(tmp_path):
    """From SAR only water is possible: the map keeps it and says which classes these bands cannot give."""
    r, c, classes = _run(tmp_path, os.path.join(ROOT, "tests", "data", "sen1floods11_s1_crop.tif"), "everything")
    assert classes == "1=water"
    assert "not possible from these bands: forest / trees, grassland, cropland, built-up, bare soil, snow / ice" in r.explanation
    assert (c == 1).mean() > 0.05
    assert (c == 0).mean() > 0.3  # an incomplete map is not filled: land is no class, not water
    assert r.details["map_filled_m2"] is None and "took its most likely one" not in r.explanation
    assert "whatever other class is likelier" not in r.explanation  # one class: no precedence to state


def test_a_panchromatic_map_is_its_buildings_or_nothing(tmp_path):
    """One panchromatic band: at 0.5 m the building head gives buildings (in built-up's place), the only class; at 10 m
    no map class is possible and the run is refused, leaving nothing."""
    with rasterio.open(os.path.join(ROOT, "tests", "data", "rio_buildings_crop_image.tif")) as ds:
        prof = ds.profile | {"count": 1, "dtype": "uint16"}
        pan = ds.read().mean(axis=0).astype(np.uint16)[None] * 4
    src = str(tmp_path / "pan.tif")
    with rasterio.open(src, "w", **prof) as dst:
        dst.write(pan)
    r, c, classes = _run(tmp_path, src, "land cover map")
    assert classes == "1=buildings" and (c == 1).mean() > 0.05
    coarse = str(tmp_path / "pan10.tif")
    t = prof["transform"]
    with rasterio.open(coarse, "w", **(prof | {"transform": rasterio.Affine(t.a * 20, 0, t.c, 0, t.e * 20, t.f)})) as dst:
        dst.write(pan)
    out = tmp_path / "classes10.tif"
    with pytest.raises(ModalityError, match="None of the land-cover map's classes"):
        extract_landcover(ExtractRequest(input=coarse, prompt="land cover map", output_raster=str(out)))
    assert not out.exists()


def test_network_engine_map_keeps_what_it_predicts(tmp_path):
    r, c, classes = _run(tmp_path, SAMPLE_S2, "land cover map", engine="network")
    assert classes == "1=water"
    assert "not predicted by the network engine from these bands: forest / trees" in r.explanation


def test_the_fix_for_a_concept_names_bands_not_rule_families():
    """The network-backed families are not bands to give: water from a panchromatic band asks for RGB, multispectral or SAR."""
    from terraprompt.plugin.core.landcover.spectral import cannot_extract

    fix = cannot_extract("water", {"pan"}).fix
    assert "landnet" not in fix and "classifier" not in fix and "RGB" in fix and "SAR" in fix


def test_a_photo_map_has_buildings_in_place_of_built_up(tmp_path):
    """0.5 m RGB: no built-up rule, but the building head gives buildings, which take built-up's place in the map; a 10 m
    RGB quick look gets no such stand-in (the head is made for 0.25-1 m)."""
    r, c, classes = _run(tmp_path, os.path.join(ROOT, "tests", "data", "rio_buildings_crop_image.tif"), "land cover map")
    assert "buildings" in classes and "built_up" not in classes
    assert "land-cover map: buildings in place of built-up, which these bands cannot give" in r.explanation
    value = {v: int(k) for k, v in (kv.split("=") for kv in classes.split(";"))}
    with rasterio.open(os.path.join(ROOT, "tests", "data", "rio_buildings_crop_instances.tif")) as ds:
        roofs = ds.read(1) > 0
    found = c == value["buildings"]
    assert found[roofs].mean() > 0.3 and found[~roofs].mean() < 0.2
    _, _, classes10 = _run(tmp_path, _rgb8(tmp_path), "land cover map")
    assert "buildings" not in classes10
