"""Plausibility of the spectral rules on real scenes (../shared/data, skipped when absent) and on painted spectra: concepts
that the index formulas confuse (roads and dry grass, snow and turbid water, sand and bare soil, burned area and dark
street canyons, cloud shadow without a cloud, forest and grassland by separate prompts, ExG on a clipped stretch)."""
from __future__ import annotations

import numpy as np
import rasterio
from rasterio.transform import from_origin

from conftest import S2_NAMES, shared, write_raster
from terraprompt.plugin.core.landcover import indices as ix, pixel_classifier
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.landcover.spectral import Context, IndexCache, class_margin, near_clouds
from terraprompt.plugin.core.stack import BandSet


def _run(tmp_path, input, prompt, name=None, engine="auto"):
    out = str(tmp_path / (name or f"{prompt.replace(' ', '_')}.tif"))
    r = extract_landcover(ExtractRequest(input=input, prompt=prompt, output_raster=out, engine=engine))
    with rasterio.open(out) as ds:
        return r, ds.read(1)


def _hls_georeferenced(tmp_path, chip: str) -> str:
    """An HLS chip (no geotransform in the shared data) on a 30 m UTM grid."""
    src = shared("hls_water_chips", "images", f"{chip}_hls.tif")
    with rasterio.open(src) as ds:
        data, descriptions = ds.read(), ds.descriptions
    return write_raster(str(tmp_path / f"{chip}.tif"), data, transform=from_origin(500000, 5000000, 30, 30),
                        descriptions=[d for d in descriptions if d] or None)


def test_roads_are_a_subset_of_built_up_not_dry_grassland(tmp_path):
    """'roads' marked 98.8 % of an HLS chip of dry steppe (WorldCover 0 % built-up) and, on OSCD Mumbai, 58 % of the city
    with 70 % of those pixels outside built-up; now roads are the dark part of the built-up decision, with a caution."""
    r, roads = _run(tmp_path, _hls_georeferenced(tmp_path, "106"), "roads", "hls_roads.tif")
    assert (roads == 1).mean() < 0.02
    mumbai = shared("oscd_unlabelled", "mumbai", "mumbai_t2.tif")
    r, roads = _run(tmp_path, mumbai, "roads", "mumbai_roads.tif")
    _, built = _run(tmp_path, mumbai, "built-up", "mumbai_built.tif")
    assert (roads == 1).any()
    assert ((roads == 1) & (built != 1)).sum() <= 0.01 * (roads == 1).sum()
    assert "not road lines" in r.explanation and "impervious" in r.explanation


def test_snow_is_not_turbid_water(tmp_path):
    """NDSI is the MNDWI formula: the Garonne (OSCD Bordeaux, October) was 1.2 % 'snow', 99 % of it water. Bright snow
    stays snow; sediment-laden water (green 0.16, NIR 0.13, SWIR1 0.05) does not."""
    _, snow = _run(tmp_path, shared("oscd", "bordeaux", "bordeaux_t2.tif"), "snow and ice", "bordeaux_snow.tif")
    assert (snow == 1).mean() < 0.001
    rng = np.random.default_rng(5)
    refl = np.full((13, 40, 80), 0.05, np.float32)
    refl[[7, 8]], refl[[11, 12]] = 0.3, 0.2  # dry land around
    snowy, turbid = np.zeros((40, 80), bool), np.zeros((40, 80), bool)
    snowy[5:35, 5:35], turbid[5:35, 45:75] = True, True
    for mask, (vis, nir, swir1) in ((snowy, (0.75, 0.65, 0.08)), (turbid, (0.16, 0.13, 0.05))):
        refl[:4, mask] = vis
        refl[7, mask] = refl[8, mask] = nir
        refl[11, mask] = refl[12, mask] = swir1
    refl += rng.normal(0, 0.003, refl.shape).astype(np.float32)
    path = write_raster(str(tmp_path / "snow.tif"), (np.clip(refl, 0.001, 1) * 10000).astype(np.uint16), descriptions=S2_NAMES)
    r, cls = _run(tmp_path, path, "snow and ice", "painted_snow.tif")
    assert (cls[snowy] == 1).mean() > 0.9
    assert (cls[turbid] == 1).mean() < 0.05
    assert "MNDWI formula" in r.explanation


def test_burned_area_default_spares_dark_street_canyons(tmp_path):
    """No OSCD city burned, yet Bordeaux t2 was 13.2 % 'burned area' with the default NBR < -0.05 (no clear split); with
    NBR < -0.2 and visible < 0.08 at most 1.5 % of any of the 28 OSCD dates."""
    r, cls = _run(tmp_path, shared("oscd", "bordeaux", "bordeaux_t2.tif"), "burned area", "bordeaux_burned.tif")
    assert (cls == 1).mean() < 0.02
    assert "NBR < -0.2" in r.explanation


def test_sand_and_bare_soil_are_exclusive_and_the_classifier_says_it_is_outside_its_training(tmp_path):
    """OSCD Abu Dhabi: separate 'sand' and 'bare soil' runs gave 74 % each, the same pixels; bare soil now leaves the
    sand rule's pixels to sand (a filled land-cover map, without a sand class, still files them as bare soil). The classifier (30 m HLS surface reflectance) on 10 m L1C says it is outside its training."""
    scene = shared("oscd", "abudhabi", "abudhabi_t2.tif")
    _, sand = _run(tmp_path, scene, "sand", "ad_sand.tif")
    r, bare = _run(tmp_path, scene, "bare soil", "ad_bare.tif")
    assert (sand == 1).mean() > 0.3
    assert ((sand == 1) & (bare == 1)).mean() < 0.005
    assert "not sand" in r.explanation
    _, land = _run(tmp_path, scene, "land cover map", "ad_map.tif")  # no sand class in a map: the desert stays bare soil
    assert (land == 6).mean() > 0.7
    assert "outside its training" in r.explanation and "10 m top-of-atmosphere" in r.explanation


def test_no_cloud_shadow_without_a_cloud(tmp_path):
    """The cloud-free Sen1Floods11 chip had 0.8 % 'cloud shadow' (dark fields) and no cloud; OSCD Paris t2's shadows next
    to its two clouds stay."""
    _, cls = _run(tmp_path, shared("sen1floods11", "Spain_7370579_top_S2Hand.tif"), "clouds and their shadows", "s1f.tif")
    assert (cls == 1).mean() == 0 and (cls == 2).mean() == 0
    r, cls = _run(tmp_path, shared("oscd", "paris", "paris_t2.tif"), "clouds and their shadows", "paris.tif")
    assert (cls == 1).mean() > 0.02 and (cls == 2).mean() > 0.01
    assert "km of a cloud" in r.explanation


def test_near_clouds_reaches_as_far_as_asked():
    """Shadow pixels are kept within the reach of a cloud pixel, none without a cloud."""
    p = np.zeros((3, 100, 300), np.float32)
    p[0] = 1.0
    assert not near_clouds(p, 50).any()
    p[1, 40:60, 10:20] = 2.0
    near = near_clouds(p, 50)
    assert near[50, 15] and near[50, 60] and not near[50, 200]


def test_single_concepts_are_the_classifiers_argmax(tmp_path):
    """Separate 'forest' and 'grassland' prompts on the Landsat 7 scene claimed 21.5 % of it both (log-odds > -0.5
    each); a class now needs to be the classifier's likeliest, as in a map."""
    scene = shared("landsat8", "LE70220491999322EDC01_stack.tif")
    _, forest = _run(tmp_path, scene, "forest", "l7_forest.tif")
    _, grass = _run(tmp_path, scene, "grassland", "l7_grass.tif")
    assert (forest == 1).any() and (grass == 1).any()
    assert ((forest == 1) & (grass == 1)).mean() < 0.001


def test_class_margin_is_positive_only_for_the_argmax():
    z = {"tree": np.array([1.0, -0.2, -3.0]), "grassland": np.array([0.5, -0.1, -3.0]), "other": np.array([-4.0, -2.0, 2.0])}
    assert (class_margin(z, "tree") > 0).tolist() == [True, False, False]
    assert (class_margin(z, "grassland") > 0).tolist() == [False, True, False]


def test_vegetation_from_a_clipped_8bit_stretch_matches_reflectance(tmp_path):
    """OSCD Abu Dhabi as RGB reflectance and as an 8-bit stretch of 0-0.3 clipped at 255 (35 % of the pixels have a band
    there): red clipped on bright ground made it 'greener', vegetation 1.7 % -> 13.6 % (IoU 0.12); clipped pixels now
    count as not vegetation in ExG."""
    with rasterio.open(shared("oscd", "abudhabi", "abudhabi_t2.tif")) as ds:
        rgb = ds.read([4, 3, 2]).astype(np.float32) / 10000
    tr = from_origin(500000, 4500000, 10, 10)
    fl = write_raster(str(tmp_path / "float.tif"), rgb, transform=tr, descriptions=["red", "green", "blue"])
    b8 = write_raster(str(tmp_path / "b8.tif"), np.clip(rgb / 0.3 * 255, 0, 255).astype(np.uint8), transform=tr,
                      descriptions=["red", "green", "blue"])
    _, veg_f = _run(tmp_path, fl, "vegetation", "veg_f.tif", engine="spectral")
    r, veg_8 = _run(tmp_path, b8, "vegetation", "veg_8.tif", engine="spectral")
    a, b = veg_f == 1, veg_8 == 1
    assert a.any() and (a & b).sum() / (a | b).sum() > 0.7
    assert "red, green clipped at the image's largest value" in r.explanation


def test_clip_levels_find_a_pile_up_at_the_maximum():
    rng = np.random.default_rng(0)
    red = np.clip(rng.normal(200, 60, 10000), 0, 255)
    green = rng.normal(100, 10, 10000)
    levels = ix.clip_levels(red, green, green)
    assert levels[0] == 255 and np.isinf(levels[1]) and np.isinf(levels[2])
    assert ix.clip_levels(green, green, green) is None


def test_buildings_quote_built_ups_held_out_score(tmp_path):
    """'buildings' at 10 m is the classifier's built-up rule: its explanation quoted 'not measured' while built-up's said
    0.31 (buildings at 10 m are the classifier's built-up rule)."""
    scene = shared("oscd", "abudhabi", "abudhabi_t2.tif")
    r, _ = _run(tmp_path, scene, "buildings", "ad_buildings.tif")
    built_up = pixel_classifier.load_card()["spectral_engine_held_out"]["built_up"]
    line = next(l for l in r.explanation.splitlines() if "held-out IoU against WorldCover" in l)
    assert "not measured" not in line and f"buildings {built_up:.2f}" in line


def test_clipped_pixels_read_as_not_vegetation_for_every_exg_rule():
    """A clipped pixel's ExG is its minimum, not undefined: 'exg above' rules (vegetation, trees) leave it out and
    'exg below' rules (buildings from a DSM: no vegetation on the roof) still take a white roof at 255."""
    band = lambda *v: np.array([v], np.float32)  # noqa: E731
    bs = BandSet({"red": band(255, 90, 250), "green": band(255, 200, 250), "blue": band(240, 80, 245)}, np.ones((1, 3), bool))
    exg = IndexCache(bs, Context(reflectance=False, clipped=(255.0, 255.0, np.inf)))("exg")
    assert exg[0, 0] == -1.0 and exg[0, 1] > 0.2 and abs(exg[0, 2]) < 0.05
