"""Plausibility of what extract_landcover gives on real scenes: flooded area says that one date includes permanent water
and, with ENGINE=auto, comes from the network's water as 'water' does; the network's water is taken out of the cloud
shadows near clouds; pixels saturated in every band (an 8-bit true-colour product) are no measurement."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio

from conftest import S2_NAMES, shared, synthetic_s2, write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, choose_engine, extract_landcover

PERMANENT = "permanent water is included"


def _run(tmp_path, inp: str, prompt: str, engine: str = "auto", name: str = "lc.tif", **kw):
    out = str(tmp_path / name)
    res = extract_landcover(ExtractRequest(input=inp, prompt=prompt, output_raster=out, engine=engine, **kw))
    with rasterio.open(out) as ds:
        return res, ds.read(1)


def _iou(pred: np.ndarray, truth: np.ndarray, valid: np.ndarray) -> float:
    return float((pred & truth & valid).sum() / ((pred | truth) & valid).sum())


def test_flooded_area_says_permanent_water_is_included(tmp_path):
    data, _, _ = synthetic_s2(60, 80)
    path = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    res, _ = _run(tmp_path, path, "flooded area", engine="spectral")
    line = next(l for l in res.explanation.splitlines() if l.startswith("Flooded area:"))
    assert PERMANENT in line and "Change detection" in line
    assert "Flooded area:" not in _run(tmp_path, path, "water", engine="spectral", name="w.tif")[0].explanation


@pytest.mark.parametrize("roles", [{"vv", "vh"}, {"blue", "green", "red", "nir", "swir1", "swir2"},
                                   {"blue", "green", "red", "nir", "swir1", "swir2", "vv", "vh"}])
def test_auto_takes_flooded_area_where_it_takes_water(roles):
    assert choose_engine("auto", ["flooded_area"], roles)[0] == choose_engine("auto", ["water"], roles)[0] == "network"
    assert choose_engine("auto", ["flooded_area", "water"], roles)[0] == "spectral"  # the network has one water


def test_flooded_area_on_sentinel1_is_the_networks_water(tmp_path):
    """Sen1Floods11 S1: the flooded-area rules gave IoU 0.633 against the hand label, the network's water 0.704."""
    s1 = shared("sen1floods11", "Spain_7370579_top_S1Hand.tif")
    with rasterio.open(shared("sen1floods11", "Spain_7370579_top_LabelHand.tif")) as ds:
        lab = ds.read(1)
    res, flood = _run(tmp_path, s1, "flooded area")
    _, water = _run(tmp_path, s1, "water", name="w.tif")
    assert res.engine == "network" and (flood == water).all()
    assert _iou(flood == 1, lab == 1, lab >= 0) > 0.69
    assert "network's water" in res.explanation and PERMANENT in res.explanation


def test_network_water_is_taken_out_of_cloud_shadows():
    from terraprompt.plugin.core.landcover.extract import NetworkShadows

    scores = np.array([[[0.9, 0.9, 0.9]], [[0.1, 0.8, 0.1]]], np.float32)  # water, vegetation
    shadow = np.array([[True, True, False]])
    sc, ex = NetworkShadows.exclude(["water", "vegetation"], scores, np.zeros((1, 3), bool), shadow, 2)
    assert np.allclose(sc[0], [[0.0, 0.0, 0.9]]) and np.array_equal(sc[1], scores[1])
    assert ex.tolist() == [[True, False, False]]  # the vegetation claims the second shadow pixel


def test_network_water_left_out_of_the_shadows_of_paris_clouds(tmp_path):
    """OSCD Paris t2: 23 % of the network's water lay in the cloud shadows the run's own cloud network finds."""
    paris = shared("oscd", "paris", "paris_t2.tif")
    res, water = _run(tmp_path, paris, "water")
    _, clouds = _run(tmp_path, paris, "clouds and their shadows", name="c.tif")
    w = water == 1
    assert res.engine == "network" and w.any()
    assert ((clouds == 2) & w).sum() < 0.02 * w.sum()
    assert any(l.startswith("Clouds/shadows excluded") for l in res.explanation.splitlines())
    assert any(l.startswith("Rule: cloud shadows: ukis-csmask") for l in res.explanation.splitlines())


def test_water_near_paris_clouds_outside_their_shadows_stays_water(tmp_path, monkeypatch):
    """OSCD Paris t2 lies within 5 km of its clouds: the network's water outside ukis-csmask's shadows (the Seine and its
    basins, 10137 of its 13108 water pixels) stays water; only water in those shadows is taken out."""
    from rasterio.windows import Window
    from scipy.ndimage import distance_transform_edt

    from terraprompt.plugin.core.landcover import extract
    from terraprompt.plugin.core.landcover.spectral import SHADOW_REACH_M

    paris = shared("oscd", "paris", "paris_t2.tif")
    _, water = _run(tmp_path, paris, "water")
    made = []

    class NoShadows(extract.NetworkShadows):  # the same run with nothing taken out of the shadows
        def __init__(self, *args) -> None:
            super().__init__(*args)
            made.append(self)

        def window(self, w: Window) -> np.ndarray:
            return np.zeros((int(w.height), int(w.width)), bool)

    monkeypatch.setattr(extract, "NetworkShadows", NoShadows)
    _, unremoved = _run(tmp_path, paris, "water", name="unremoved.tif")
    h, w = water.shape
    likeliest = np.argmax(made[0]._blocks.window(0, 0, w, h), axis=0)  # ukis-csmask's clear, cloud, shadow
    cloud = likeliest == 1
    near = distance_transform_edt(~cloud) * 10.0 <= SHADOW_REACH_M
    shadow = (likeliest == 2) & near
    kept = (unremoved == 1) & near & ~shadow & ~cloud  # water next to a cloud, not in its shadow
    assert cloud.any() and kept.sum() > 0.5 * (unremoved == 1).sum()
    assert (water[kept] == 1).all()
    assert shadow[(unremoved == 1) & (water != 1)].all()  # what was taken out lay in the shadows


def test_dark_water_far_from_any_cloud_is_not_shadow(tmp_path):
    """The cloudless Sen1Floods11 chip: ukis-csmask calls some flood water shadow; with no cloud near, it stays water."""
    s2 = shared("sen1floods11", "Spain_7370579_top_S2Hand.tif")
    with rasterio.open(shared("sen1floods11", "Spain_7370579_top_LabelHand.tif")) as ds:
        lab = ds.read(1)
    _, water = _run(tmp_path, s2, "water")
    assert _iou(water == 1, lab == 1, lab >= 0) > 0.84  # 0.849; 0.831 with every 'shadow' taken out


def _tci(tmp_path) -> tuple[str, np.ndarray]:
    """OSCD Abu Dhabi t2 as an 8-bit true-colour product (reflectance 0-0.2 -> 1-255, as the ESA TCI is)."""
    with rasterio.open(shared("oscd", "abudhabi", "abudhabi_t2.tif")) as ds:
        rgb = ds.read([4, 3, 2]).astype(np.float32) / 10000.0
        crs, transform = ds.crs, ds.transform
    tci = np.clip(rgb / 0.2 * 255, 1, 255).astype(np.uint8)
    path = write_raster(str(tmp_path / "tci.tif"), tci, crs=crs, transform=transform, nodata=0)
    return path, (tci == 255).all(axis=0)


def test_saturated_true_colour_pixels_are_no_measurement(tmp_path):
    path, sat = _tci(tmp_path)
    assert sat.mean() > 0.5
    res, cls = _run(tmp_path, path, "water and vegetation")
    assert (cls[sat] == 255).all() and (cls[~sat] != 255).all()
    assert (cls == 1).mean() < 0.15  # 64.7 % of the scene was water, most of it the saturated white
    assert res.details["saturated_m2"] == pytest.approx(sat.sum() * 100.0, rel=0.02)
    line = next(l for l in res.explanation.splitlines() if l.startswith("Saturated excluded"))
    assert "at 255" in line and "caution" in line


def test_a_few_saturated_pixels_get_no_caution(tmp_path):
    rgb = np.random.default_rng(0).integers(20, 200, (3, 80, 80)).astype(np.uint8)
    rgb[:, :4, :10] = 255  # 40 of 6400 pixels, 0.6 %
    rgb[0, 10:20, :10] = 255  # one band only: a measurement
    path = write_raster(str(tmp_path / "rgb.tif"), rgb, descriptions=["red", "green", "blue"])
    res, cls = _run(tmp_path, path, "vegetation", engine="spectral")
    assert (cls[:4, :10] == 255).all() and (cls[4:] != 255).all()
    line = next(l for l in res.explanation.splitlines() if l.startswith("Saturated excluded"))
    assert "caution" not in line and res.details["nodata_m2"] == 0
