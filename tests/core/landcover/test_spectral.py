"""Spectral engine on real crops from ../shared/data (skipped when absent) and on generated height scenes."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.warp import Resampling, calculate_default_transform, reproject

from conftest import GDAL_S2_10_20M, ROOT, SAMPLE_S2, S2_NAMES, shared, synthetic_s2, write_raster, write_rgba
from terraprompt.plugin.core.errors import InputError, ModalityError
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.landcover.spectral import Context, SpectralEngine, select_rules, supported_concepts
from terraprompt.plugin.core.prompts import concepts
from terraprompt.plugin.core.stack import BandSet

S2_ROLES = {"coastal", "blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "watervapour", "cirrus", "swir1", "swir2"}


def _iou(pred, truth, valid):
    p, t = pred & valid, truth & valid
    return (p & t).sum() / max((p | t).sum(), 1)


def _run(tmp_path, name="out.tif", **kw):
    out = str(tmp_path / name)
    r = extract_landcover(ExtractRequest(output_raster=out, engine="spectral", **kw))
    with rasterio.open(out) as ds:
        return r, ds.read(1)


@pytest.fixture(scope="module")
def flood():
    """The sen1floods11 chip (top half): S2, S1 and label paths."""
    d = shared("sen1floods11")
    s2, s1, lab = (os.path.join(d, f"Spain_7370579_top_{k}.tif") for k in ("S2Hand", "S1Hand", "LabelHand"))
    with rasterio.open(lab) as ds:
        y = ds.read(1)
    return s2, s1, y == 1, y >= 0


def test_every_catalogue_concept_has_rules():
    assert set(concepts()) == set(supported_concepts())
    for c in concepts():
        assert select_rules(c, S2_ROLES) is not None, c


def test_missing_bands_give_clear_error():
    with pytest.raises(ModalityError) as err:
        SpectralEngine(["snow_ice"], {"red", "green", "blue"})
    assert "snow / ice" in err.value.problem and "SWIR" in err.value.fix


def test_water_s2_s1_fused_same_grid(flood, tmp_path):
    s2, s1, truth, valid = flood
    _, a = _run(tmp_path, "s2.tif", input=s2, prompt="water")
    _, b = _run(tmp_path, "s1.tif", input=s1, prompt="water", modality="sar")
    r, c = _run(tmp_path, "fused.tif", input=s2, sar_input=s1, prompt="water")
    i2, i1, ifu = _iou(a == 1, truth, valid), _iou(b == 1, truth, valid), _iou(c == 1, truth, valid)
    assert i2 > 0.75 and i1 > 0.55
    # the fused result beats each alone (SAR decides under the chip's cloud shadows, optical in clear sky)
    assert ifu > i2 and ifu > i1 + 0.1, (i2, i1, ifu)
    assert "[sar]" in r.explanation and "fused with" in r.explanation and "VV dB" in r.explanation
    assert "sum of log-odds" in r.explanation and "Decided by SAR alone" in r.explanation


def test_sar_decides_where_optical_is_nodata(flood, tmp_path):
    """S2 nodata over a third of the chip, S1 valid: water there is decided by SAR, reported; other concepts keep nodata."""
    s2, s1, truth, valid = flood
    with rasterio.open(s2) as src:
        data, prof = src.read(), src.profile
    data[:, :, 170:341] = 0  # the file's nodata value
    p = str(tmp_path / "s2_third_nodata.tif")
    with rasterio.open(p, "w", **prof) as dst:
        dst.write(data)
        dst.descriptions = tuple(S2_NAMES[i] for i in range(13))
    r_opt, a = _run(tmp_path, "opt.tif", input=p, prompt="water")
    r_fus, b = _run(tmp_path, "fus.tif", input=p, sar_input=s1, prompt="water")
    _, s = _run(tmp_path, "sar.tif", input=s1, prompt="water", modality="sar")
    assert (a[:, 170:341] == 255).all() and (b != 255).all()
    hole = np.zeros_like(valid)
    hole[:, 170:341] = True
    assert (b[hole] == s[hole]).mean() > 0.97  # SAR alone decides the hole (thresholds fitted on the whole S1 scene)
    assert (b[~hole] == a[~hole]).mean() > 0.97  # the rest stays the optical decision
    i_opt, i_fus, i_sar = (_iou(x == 1, truth, valid) for x in (a, b, s))
    assert i_fus > i_opt + 0.05 and i_fus > i_sar, (i_opt, i_fus, i_sar)
    sar_only = r_fus.details["sar_only_m2"]
    assert 0.95 * r_opt.details["nodata_m2"] < sar_only < 1.2 * r_opt.details["nodata_m2"]
    assert r_fus.details["nodata_m2"] == 0 and "Decided by SAR alone" in r_fus.explanation
    assert f"{sar_only / 1e4:,.2f} ha" in r_fus.explanation
    # vegetation cannot come from SAR: with it in the prompt the hole stays nodata
    _, mixed = _run(tmp_path, "mixed.tif", input=p, sar_input=s1, prompt="water and vegetation")
    assert (mixed[:, 175:335] == 255).all()


def test_sar_decides_water_under_clouds(flood, tmp_path):
    """A painted cloud over part of the S2 chip: S2 alone excludes it, S2 + S1 still maps water there from SAR."""
    s2, s1, truth, valid = flood
    with rasterio.open(s2) as src:
        data, prof, desc = src.read(), src.profile, src.descriptions
    from scipy import ndimage

    tex = ndimage.gaussian_filter(np.random.default_rng(0).normal(0, 1, (160, 200)), 6)
    tex = 1 + 0.15 * tex / tex.std()  # a cloud is bright, white, cooler in SWIR, and textured
    for band, refl in ((0, .55), (1, .55), (2, .52), (3, .5), (4, .5), (5, .5), (6, .5), (7, .5), (8, .5), (9, .2), (10, .05), (11, .35), (12, .25)):
        data[band, 40:200, 250:450] = (refl * tex * 10000).astype(data.dtype)
    p = str(tmp_path / "cloudy.tif")
    with rasterio.open(p, "w", **prof) as dst:
        dst.write(data)
        dst.descriptions = desc
    r_opt, a = _run(tmp_path, "opt.tif", input=p, prompt="water")
    r_fus, b = _run(tmp_path, "fus.tif", input=p, sar_input=s1, prompt="water")
    box = np.zeros_like(valid)
    box[60:180, 270:430] = True
    assert (a[box] == 255).mean() > 0.9 and r_opt.details["cloud_excluded_m2"] > 0
    assert (b[box] != 255).all() and r_fus.details["cloud_excluded_m2"] == 0
    assert _iou(b == 1, truth, valid & box) > 0.45  # SAR-only quality inside the cloud
    assert _iou(b == 1, truth, valid) > _iou(a == 1, truth, valid)


def test_water_fused_s1_on_another_grid(flood, tmp_path):
    """S1 reprojected to UTM 20 m: the stack warps it back onto the S2 grid."""
    s2, s1, truth, valid = flood
    utm = str(tmp_path / "s1_utm.tif")
    with rasterio.open(s1) as src:
        tr, w, h = calculate_default_transform(src.crs, "EPSG:32630", src.width, src.height, *src.bounds, resolution=20)
        prof = src.profile | {"crs": "EPSG:32630", "transform": tr, "width": w, "height": h}
        with rasterio.open(utm, "w", **prof) as dst:
            for i in (1, 2):
                reproject(rasterio.band(src, i), rasterio.band(dst, i), resampling=Resampling.average)
                dst.set_band_description(i, src.descriptions[i - 1])
    _, same = _run(tmp_path, "same.tif", input=s2, sar_input=s1, prompt="water")
    _, other = _run(tmp_path, "other.tif", input=s2, sar_input=utm, prompt="water")
    assert abs(_iou(other == 1, truth, valid) - _iou(same == 1, truth, valid)) < 0.03
    assert other.shape == truth.shape


def test_single_band_sar(flood, tmp_path):
    s2, s1, truth, valid = flood
    with rasterio.open(s1) as src:
        vv = src.read(1)
        p = write_raster(str(tmp_path / "vv.tif"), vv, crs=src.crs, transform=src.transform)
    r, cls = _run(tmp_path, input=p, prompt="open water")
    assert r.modality == "sar"
    assert _iou(cls == 1, truth, valid) > 0.5
    assert "[sar]" in r.explanation and "Areas" in r.explanation


def test_rgb_with_sar_is_led_by_sar(flood, tmp_path):
    """RGB water evidence is weak: with S1 given, SAR leads (clear-sky weights rgb 0, SAR 1) instead of RGB."""
    s2, s1, truth, valid = flood
    with rasterio.open(s2) as src:
        p = write_raster(str(tmp_path / "rgb.tif"), src.read([4, 3, 2]), crs=src.crs, transform=src.transform,
                         descriptions=["red", "green", "blue"])
    _, rgb = _run(tmp_path, "rgb_out.tif", input=p, prompt="water")
    _, sar = _run(tmp_path, "sar_out.tif", input=s1, prompt="water", modality="sar")
    r, fus = _run(tmp_path, "fus_out.tif", input=p, sar_input=s1, prompt="water")
    i_rgb, i_sar, i_fus = (_iou(x == 1, truth, valid) for x in (rgb, sar, fus))
    assert i_fus >= i_sar - 0.005 and i_fus > i_rgb + 0.1, (i_rgb, i_sar, i_fus)
    assert "rgb x 0 + SAR x 1" in r.explanation


def test_rgb_only(flood, tmp_path):
    s2, _, truth, valid = flood
    with rasterio.open(s2) as src:
        rgb = src.read([4, 3, 2])
        p = write_raster(str(tmp_path / "rgb.tif"), rgb, crs=src.crs, transform=src.transform, descriptions=["red", "green", "blue"])
    r, cls = _run(tmp_path, input=p, prompt="water and vegetation")
    assert r.modality == "rgb"
    assert "[rgb]" in r.explanation and "ExG" in r.explanation
    assert _iou(cls == 1, truth, valid) > 0.25  # weak per-pixel prior; the network engine does better
    assert (cls == 2).mean() > 0.05



def test_rgba_orthophoto_alpha_is_nodata_not_nir(tmp_path):
    """An 8-bit RGB export with an alpha band gives the RGB result, and its transparent part is nodata (with alpha read
    as NIR, every opaque pixel had NDVI > 0)."""
    with rasterio.open(SAMPLE_S2) as src:
        rgb = np.clip(src.read([4, 3, 2]) / 10000 * 255 * 3, 0, 255).astype(np.uint8)
        crs, tr = src.crs, src.transform
    alpha = np.full(rgb.shape[1:], 255, np.uint8)
    alpha[:, :96] = 0
    rgb[:, alpha == 0] = 0
    plain = write_raster(str(tmp_path / "rgb.tif"), rgb, crs=crs, transform=tr, nodata=0)
    rgba = write_rgba(str(tmp_path / "rgba.tif"), rgb, alpha, crs=crs, transform=tr)
    r_plain, c_plain = _run(tmp_path, "plain.tif", input=plain, prompt="vegetation")
    r_rgba, c_rgba = _run(tmp_path, "rgba_out.tif", input=rgba, prompt="vegetation")
    assert r_plain.modality == r_rgba.modality == "rgb"
    assert (c_rgba[:, :96] == 255).all()
    assert 0.005 < (c_rgba[:, 96:] == 1).mean() < 0.5
    np.testing.assert_array_equal(c_rgba, c_plain)

def test_nodata_is_excluded_and_reported(flood, tmp_path):
    s2, _, _, _ = flood
    with rasterio.open(s2) as src:
        data, prof = src.read(), src.profile
    data[:, :64, :128] = 0  # the file's nodata value
    p = str(tmp_path / "holes.tif")
    with rasterio.open(p, "w", **prof) as dst:
        dst.write(data)
        dst.descriptions = tuple(S2_NAMES[i] for i in range(13))
    r, cls = _run(tmp_path, input=p, prompt="water")
    assert (cls[:64, :128] == 255).all() and (cls[64:, 128:] != 255).all()
    assert r.details["nodata_m2"] > 0.9 * 64 * 128 * 70  # ~10 x 7.8 m pixels at 39° N
    assert "Nodata excluded" in r.explanation


@pytest.fixture(scope="module")
def cloudy_scene(tmp_path_factory):
    """The Sentinel-2 cloud chip (6 bands, no CRS in the source) written with a UTM grid, and its reference."""
    d = shared("cloud_chips")
    with rasterio.open(os.path.join(d, "sentinel2_image.tif")) as ds:
        img = ds.read()
    with rasterio.open(os.path.join(d, "sentinel2_label.tif")) as ds:
        lab = ds.read(1)
    p = write_raster(str(tmp_path_factory.mktemp("cloud") / "s2_6b.tif"), img, transform=from_origin(500000, 4500000, 30, 30),
                     descriptions=["blue", "green", "red", "nir", "swir1", "swir2"])
    return p, lab


def test_clouds_and_shadows_agree_with_reference(cloudy_scene, tmp_path):
    p, lab = cloudy_scene
    r, cls = _run(tmp_path, input=p, prompt="clouds and their shadows")
    ours = np.where(cls == 255, 0, cls).astype(int)
    cm = np.bincount(lab.ravel().astype(int) * 3 + ours.ravel(), minlength=9).reshape(3, 3).astype(float)
    po, pe = np.trace(cm) / cm.sum(), (cm.sum(0) * cm.sum(1)).sum() / cm.sum() ** 2
    assert (po - pe) / (1 - pe) > 0.7
    assert "ukis-csmask" in r.explanation


def test_cloud_mask_excludes_clouds_from_other_concepts(cloudy_scene, tmp_path):
    p, lab = cloudy_scene
    r, cls = _run(tmp_path, input=p, prompt="water and vegetation")
    excluded = cls == 255
    assert r.details["cloud_excluded_m2"] > 0.5 * (lab > 0).sum() * 900
    assert (excluded & (lab > 0)).sum() / max(excluded.sum(), 1) > 0.7
    assert (lab[excluded] > 0).mean() > 0.7
    assert "Clouds/shadows excluded" in r.explanation


def _height_scene(tmp_path, dsm: bool):
    data, water, veg = synthetic_s2(120, 160, seed=3)
    h = np.zeros(veg.shape, np.float32)
    trees = veg & ((np.arange(160)[None, :] % 10) < 6)
    h[trees] = 12.0
    houses = np.zeros_like(veg)
    for y0, x0 in ((80, 10), (95, 25), (10, 130), (30, 140)):
        houses[y0:y0 + 6, x0:x0 + 8] = True  # 60 x 80 m blocks on bare land (low NDVI)
    h[houses] = 7.0
    if dsm:
        yy, xx = np.mgrid[0:120, 0:160]
        h = h + 250.0 + 0.05 * xx + 0.02 * yy  # terrain: a gentle slope
    s2 = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    dp = write_raster(str(tmp_path / "dsm.tif"), h, descriptions=["dsm" if dsm else "ndsm"])
    return s2, dp, trees, houses


@pytest.mark.parametrize("dsm", [False, True])
def test_height_rules_buildings_and_trees(tmp_path, dsm):
    s2, dp, trees, houses = _height_scene(tmp_path, dsm)
    r, cls = _run(tmp_path, input=s2, dsm_input=dp, prompt="buildings and trees")
    valid = np.ones_like(trees)
    assert _iou(cls == 1, houses, valid) > 0.8
    assert _iou(cls == 2, trees, valid) > 0.8
    assert "height above ground (m) > 2.5" in r.explanation and "height above ground (m) > 3" in r.explanation


def test_engine_on_arrays_all_concepts_run():
    data, water, veg = synthetic_s2(64, 96)
    roles = ["coastal", "blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "watervapour", "cirrus", "swir1", "swir2"]
    bs = BandSet({r: data[i] / 10000.0 for i, r in enumerate(roles)}, np.ones(water.shape, bool))
    eng = SpectralEngine(list(concepts()), set(roles), Context(pixel_m=10, cloud_mask=False))
    eng.fit(bs)
    sc = eng.scores(bs)
    assert sc.shape == (len(concepts()), 64, 96) and np.isfinite(sc).all()
    k = list(concepts())
    assert sc[k.index("water")][water].mean() > 0.9 and sc[k.index("water")][~water].mean() < 0.2
    assert sc[k.index("vegetation")][veg].mean() > 0.9


def test_explanation_content_and_details(flood, tmp_path):
    s2, s1, _, _ = flood
    r, _ = _run(tmp_path, input=s2, sar_input=s1, prompt="wooded areas and lakes larger than 1 ha")
    e = r.explanation
    for s in ("Understood: Forest / trees", "meaning of 'wooded areas'", "Water (from synonym 'lakes'", "Minimum object area: 10,000 m²",
              "Engine: spectral", "NDVI", "MNDWI", "Otsu", "m² =", " ha = ", " %", "Valid area", "Nodata excluded",
              "Clouds/shadows excluded", "Confidence:"):
        assert s in e, s
    rows = r.details["areas"]
    assert [row["concept"] for row in rows] == ["forest", "water"]
    assert rows[1]["m2"] == pytest.approx(r.areas_m2["water"]) and rows[1]["ha"] == pytest.approx(rows[1]["m2"] / 1e4)
    assert 0 < rows[1]["pct"] < 100 and len(rows[1]["color"]) == 3
    assert r.details["concepts_understood"][0]["score"] < 1.0
    assert "water" in r.details["rules_structured"]


def test_catalogue_modalities_match_the_rules():
    """models/concepts.json says which modalities can extract a concept; the spectral rules must agree."""
    from terraprompt.plugin.core.landcover.spectral import rules_table

    fam = {"optical": "optical", "rgb": "rgb", "sar": "sar", "height": "height", "cloudnet": "optical", "quality": "optical",
           "classifier": "optical", "vhrnet": "optical", "landnet": "rgb"}
    for cid, c in concepts().items():
        fams = {fam[v["family"]] for v in rules_table()["concepts"][cid]["variants"]}
        assert fams == set(c["modalities"]), cid
        assert "spectral" in c["engines"], cid


def test_cloud_mask_does_not_depend_on_tile_size(cloudy_scene, tmp_path):
    from terraprompt.plugin.core.tiling import TileSpec

    p, _ = cloudy_scene
    _, big = _run(tmp_path, "big.tif", input=p, prompt="clouds and their shadows")
    _, small = _run(tmp_path, "small.tif", input=p, prompt="clouds and their shadows", tiles=TileSpec(96, 16, 4))
    assert (big == small).mean() > 0.99


def test_trees_from_stretched_rgb_is_scale_free(tmp_path):
    """8-bit aerial RGB (stretched: a meadow is 0.5 bright) and the same scene as dark reflectance give the same
    green-vegetation map; bare soil and a bright roof stay out. (A fixed 'visible brightness < 0.3' cap found 1 % of
    a 0.1 m forest plot.) The explanation says RGB cannot tell trees from grass."""
    rng = np.random.default_rng(5)
    h, w = 90, 120
    rgb = np.empty((3, h, w), np.float32)
    rgb[:] = np.array([170, 150, 130], np.float32)[:, None, None]  # bare soil
    forest, meadow, roof = np.zeros((h, w), bool), np.zeros((h, w), bool), np.zeros((h, w), bool)
    forest[:, :40] = True
    meadow[:, 40:75] = True
    roof[10:30, 90:110] = True
    rgb[:, forest] = np.array([60, 95, 50], np.float32)[:, None]
    rgb[:, meadow] = np.array([125, 175, 95], np.float32)[:, None]
    rgb[:, roof] = np.array([235, 235, 240], np.float32)[:, None]
    rgb += rng.normal(0, 3, rgb.shape).astype(np.float32)
    green = forest | meadow
    for name, data in (("stretched", np.clip(rgb, 1, 255).astype(np.uint8)), ("reflectance", (rgb / 255 * 0.25).astype(np.float32))):
        path = write_raster(str(tmp_path / f"{name}.tif"), data, transform=from_origin(500000, 4500000, 0.5, 0.5),
                            descriptions=["red", "green", "blue"])
        r, cls = _run(tmp_path, f"{name}_out.tif", input=path, prompt="trees")
        assert _iou(cls == 1, green, np.ones_like(green)) > 0.9, name
        assert "cannot tell trees from grass" in r.explanation


def test_burned_area_is_not_dark_urban_fabric(tmp_path):
    """A char scar (visible about 0.06, NIR 0.12, SWIR2 0.25) is burned; a dark roofscape with a negative NBR too but
    visible 0.13 is not. With the former visible cap (0.15) the OSCD cities, none with a fire, were up to 36 %
    'burned', with 0.10 and the default NBR < -0.05 up to 13 %; with 0.08 and NBR < -0.2 at most 1.5 % of the 28 OSCD
    dates."""
    rng = np.random.default_rng(2)
    h, w = 60, 90
    refl = np.empty((13, h, w), np.float32)
    refl[:] = 0.04
    refl[[7, 8]] = 0.4  # vegetation around
    refl[[11, 12]] = 0.15
    scar = np.zeros((h, w), bool)
    scar[10:40, 10:40] = True
    roofs = np.zeros((h, w), bool)
    roofs[10:40, 50:80] = True
    for mask, (vis, nir, swir1, swir2) in ((scar, ((0.05, 0.05, 0.05, 0.07), 0.12, 0.22, 0.25)),
                                           (roofs, ((0.13, 0.13, 0.13, 0.13), 0.19, 0.27, 0.26))):
        for b in (0, 1, 2, 3):  # coastal, blue, green, red
            refl[b][mask] = vis[b]
        refl[7][mask] = refl[8][mask] = nir
        refl[11][mask], refl[12][mask] = swir1, swir2
    refl += rng.normal(0, 0.003, refl.shape).astype(np.float32)
    path = write_raster(str(tmp_path / "burn.tif"), (np.clip(refl, 0.001, 1) * 10000).astype(np.uint16), descriptions=S2_NAMES)
    _, cls = _run(tmp_path, input=path, prompt="burned area")
    assert (cls[scar] == 1).mean() > 0.9
    assert (cls[roofs] == 1).mean() < 0.05


def test_water_is_not_dark_grey_urban_under_haze(tmp_path):
    """Hazy winter city (the OSCD Paris t1 spectra: green 0.095, NIR 0.08, SWIR1 0.075) passes MNDWI and NDWI but its
    SWIR1 is close to its NIR: not water; a clear lake (SWIR1 0.02) stays water (turbid water, SWIR1 above 0.06 but well
    below NIR: test_any_of_requirement_holds_where_either_term_holds). Without the SWIR requirement 63 % of OSCD Paris
    was called water."""
    rng = np.random.default_rng(3)
    h, w = 60, 120
    refl = np.empty((13, h, w), np.float32)
    spectra = {  # coastal, blue, green, red | NIR | SWIR1, SWIR2
        "field": ((0.10, 0.08, 0.08, 0.06), 0.35, (0.20, 0.12)),
        "city": ((0.13, 0.11, 0.095, 0.08), 0.08, (0.075, 0.06)),
        "lake": ((0.10, 0.08, 0.07, 0.05), 0.04, (0.02, 0.012)),
    }
    masks = {k: np.zeros((h, w), bool) for k in spectra}
    masks["field"][:] = True
    masks["city"][:, :100] = True  # a city with a river, a little farmland beside
    masks["city"][25:33, :100] = False
    masks["lake"][25:33, :100] = True
    for k, (vis, nir, (s1, s2)) in spectra.items():
        m = masks[k]
        for b, v in enumerate(vis):
            refl[b][m] = v
        refl[4:7][:, m] = nir * 0.8
        refl[7][m] = refl[8][m] = nir
        refl[9][m], refl[10][m] = 0.02, 0.002
        refl[11][m], refl[12][m] = s1, s2
    city = masks["city"]  # grey materials and shadows: SWIR1 0.065-0.11, NIR 0.95-1.15 x SWIR1, green 0.09-0.12
    refl[11][city] = rng.uniform(0.065, 0.11, city.sum())
    refl[12][city] = refl[11][city] * 0.8
    refl[7][city] = refl[8][city] = refl[11][city] * rng.uniform(0.95, 1.15, city.sum())
    refl[2][city] = rng.uniform(0.09, 0.12, city.sum())
    refl += rng.normal(0, 0.003, refl.shape).astype(np.float32)
    path = write_raster(str(tmp_path / "city.tif"), (np.clip(refl, 0.001, 1) * 10000).astype(np.uint16), descriptions=S2_NAMES)
    r, cls = _run(tmp_path, input=path, prompt="water")
    assert (cls[masks["lake"]] == 1).mean() > 0.95
    assert (cls[masks["city"]] == 1).mean() < 0.05
    assert "NDBI" in r.explanation and "SWIR1" in r.explanation


def test_any_of_requirement_holds_where_either_term_holds():
    """A required 'any_of' is the soft maximum of its terms: water needs SWIR1 dark OR SWIR1 well below NIR."""
    from terraprompt.plugin.core.landcover.spectral import AnyOf, IndexCache, Variant

    roles = {"green", "nir", "swir1"}
    v = Variant.from_json({"family": "optical", "evidence": [{"index": "mndwi", "above": True, "t": 0.0, "softness": 0.05}],
                           "requires": [{"any_of": [{"index": "swir1", "above": False, "t": 0.06, "softness": 0.01},
                                                    {"index": "ndbi", "above": False, "t": -0.1, "softness": 0.05}],
                                         "optional": True}]}, roles)
    assert isinstance(v.requires[0], AnyOf) and set(v.requires[0].needs()) == {"swir1", "nir"}
    green = np.array([[0.10, 0.10, 0.10, 0.10]], np.float32)
    nir = np.array([[0.04, 0.15, 0.08, 0.02]], np.float32)  # dark SWIR / SWIR below NIR / grey / neither... but dark
    swir1 = np.array([[0.02, 0.08, 0.075, 0.05]], np.float32)
    bs = BandSet({"green": green, "nir": nir, "swir1": swir1}, np.ones((1, 4), bool))
    z = v.logit(IndexCache(bs, Context()))
    assert (z[0, [0, 1, 3]] > 0).all() and z[0, 2] < 0
    # without SWIR the optional requirement is skipped (RGB + NIR inputs keep their water evidence)
    v2 = Variant.from_json({"family": "optical", "evidence": [{"index": "ndwi", "above": True, "t": 0.0, "softness": 0.05}],
                            "requires": [{"any_of": [{"index": "swir1", "above": False, "t": 0.06, "softness": 0.01}],
                                          "optional": True}]}, {"green", "nir"})
    assert v2.requires == []


def test_gdal_sentinel2_band_order_gives_the_same_result(tmp_path):
    """The same 10 bands, in GDAL's SENTINEL2-driver order and descriptions or in band order with B02..B12 names, give the
    same water and vegetation."""
    with rasterio.open(SAMPLE_S2) as src:
        crs, tr = src.crs, src.transform
        gdal_order = src.read([b for b, _, _ in GDAL_S2_10_20M])
        band_order = src.read(sorted(b for b, _, _ in GDAL_S2_10_20M))
    names = {b: n for b, n, _ in GDAL_S2_10_20M}
    a = write_raster(str(tmp_path / "gdal.tif"), gdal_order, crs=crs, transform=tr,
                     descriptions=[f"{n}, central wavelength {nm} nm" for _, n, nm in GDAL_S2_10_20M])
    b = write_raster(str(tmp_path / "plain.tif"), band_order, crs=crs, transform=tr,
                     descriptions=[names[k].replace("B", "B0") if len(names[k]) == 2 else names[k] for k in sorted(names)])
    ra, ca = _run(tmp_path, "a.tif", input=a, prompt="water and vegetation")
    rb, cb = _run(tmp_path, "b.tif", input=b, prompt="water and vegetation")
    assert ra.modality == rb.modality
    assert (cb == 2).mean() > 0.01
    np.testing.assert_array_equal(ca, cb)


def test_stated_scale_offset_gives_the_same_result(tmp_path):
    """The sample scene stored with the baseline 04.00 offset (+1000 DN) and GDAL scale/offset metadata saying so gives
    the classes of the plain file, and the explanation says the metadata gave the scaling (not a guess from dark values)."""
    with rasterio.open(SAMPLE_S2) as src:
        data, crs, tr, desc = src.read(), src.crs, src.transform, src.descriptions
    shifted = write_raster(str(tmp_path / "shifted.tif"), (data.astype(np.uint32) + 1000).astype(np.uint16), crs=crs,
                           transform=tr, descriptions=list(desc))
    with rasterio.open(shifted, "r+") as ds:
        ds.scales, ds.offsets = [1e-4] * ds.count, [-0.1] * ds.count
    r0, c0 = _run(tmp_path, "plain.tif", input=SAMPLE_S2, prompt="water and vegetation")
    r1, c1 = _run(tmp_path, "shifted_out.tif", input=shifted, prompt="water and vegetation")
    assert (c0 == 1).mean() > 0.001 and (c0 == 2).mean() > 0.01
    assert (c1 == c0).mean() > 0.999
    assert "stated in the file's metadata" in r1.explanation


def test_sentinel2_six_band_subset_with_the_baseline_offset(tmp_path):
    """B02, B03, B04, B08, B11, B12 of the sample scene with the baseline 04.00 offset (+1000 DN, no metadata saying so,
    a 2023 product name) give the classes of the same bands without it: the band names make it Sentinel-2, whose offset
    the sensing date in the name implies (it was read as a generic 6-band stack, offset kept)."""
    bands, names = [2, 3, 4, 8, 12, 13], ["B02", "B03", "B04", "B08", "B11", "B12"]
    with rasterio.open(SAMPLE_S2) as src:
        data, crs, tr = src.read(bands), src.crs, src.transform
    plain = write_raster(str(tmp_path / "plain.tif"), data, crs=crs, transform=tr, descriptions=names)
    shifted = write_raster(str(tmp_path / "S2B_MSIL2A_20230612T103629_subset.tif"),
                           (data.astype(np.uint32) + 1000).astype(np.uint16), crs=crs, transform=tr, descriptions=names)
    r0, c0 = _run(tmp_path, "p.tif", input=plain, prompt="water and vegetation")
    r1, c1 = _run(tmp_path, "s.tif", input=shifted, prompt="water and vegetation")
    assert r1.modality == "sentinel2_l2a" and "offset -1000 DN" in r1.explanation and (c0 == 2).mean() > 0.01
    assert (c1 == c0).mean() > 0.99


def test_vhr_rgb_colour_cast_is_balanced_before_excess_green(tmp_path):
    """WorldView RGB (0.5 m, 8-bit) has a yellow-green cast: blue 20 % below red on grey roofs, so every roof passed the
    chromatic ExG as vegetation (98 % of roof pixels). Balanced on the scene's bright surfaces, roofs separate from the
    rest; the explanation gives the gains."""
    crop = os.path.join(ROOT, "tests", "data", "rio_buildings_crop_image.tif")
    with rasterio.open(os.path.join(ROOT, "tests", "data", "rio_buildings_crop_instances.tif")) as ds:
        roof = ds.read(1) > 0
    r, c = _run(tmp_path, input=crop, prompt="vegetation")
    assert (c[roof] == 1).mean() < 0.75 and (c[~roof] == 1).mean() > (c[roof] == 1).mean() + 0.15
    assert "bright surfaces grey: gains red" in r.explanation
    r, c = _run(tmp_path, "trees.tif", input=crop, prompt="trees")
    assert (c[roof] == 1).mean() < 0.4


def test_rotated_grid_reports_the_same_areas_as_north_up(tmp_path):
    """The Beirut sample on a 10 m UTM grid, north-up and rotated by 30°: the same pixels, so the same areas (a rotated
    pixel was measured by the box between its opposite corners: half its area at 30°)."""
    from rasterio.transform import Affine

    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    with rasterio.open(SAMPLE_S2) as src:
        data, desc = src.read(), src.descriptions
    c, s = np.cos(np.radians(30)), np.sin(np.radians(30))
    res = {}
    for name, tr in (("north_up", Affine(10, 0, 700000, 0, -10, 3750000)),
                     ("rotated", Affine(10 * c, 10 * s, 700000, 10 * s, -10 * c, 3750000))):
        path = write_raster(str(tmp_path / f"{name}.tif"), data, crs="EPSG:32636", transform=tr, descriptions=desc)
        res[name] = extract_landcover(ExtractRequest(input=path, prompt="water and vegetation", engine="spectral",
                                                     output_raster=str(tmp_path / f"{name}_out.tif")))
    assert res["rotated"].valid_area_m2 == pytest.approx(res["north_up"].valid_area_m2, rel=0.005)
    assert res["north_up"].valid_area_m2 == pytest.approx(data.shape[1] * data.shape[2] * 100, rel=0.01)
    assert res["rotated"].areas_m2["vegetation"] == pytest.approx(res["north_up"].areas_m2["vegetation"], rel=0.01)


def test_an_extent_gets_the_classes_of_the_whole_raster_run(tmp_path):
    """EXTENT over the top-left quarter of the OSCD Hong Kong scene: the same water as the whole run there (fitted on
    the quarter alone, the scene-adaptive threshold moved: water IoU 0.55), and the explanation says how it was fitted."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    path = shared("oscd", "hongkong", "hongkong_t1.tif")
    whole = str(tmp_path / "whole.tif")
    extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=whole, engine="spectral"))
    with rasterio.open(path) as src:
        h, w, tr = src.height // 2, src.width // 2, src.transform
    (x0, y0), (x1, y1) = tr * (0, 0), tr * (w, h)
    part = str(tmp_path / "part.tif")
    res = extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=part, engine="spectral",
                                           extent=(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))))
    with rasterio.open(whole) as a, rasterio.open(part) as b:
        ref, got = a.read(1)[:b.height, :b.width] == 1, b.read(1) == 1
    assert (ref & got).sum() / max((ref | got).sum(), 1) > 0.99
    assert "fitted on a sample of the whole raster" in res.explanation


def test_cloud_mask_of_an_extent_is_the_whole_runs(tmp_path):
    """A cloudy Sentinel-2 chip (cloud_chips) and EXTENT over its top-left quarter: every pixel gets the class (and cloud
    nodata) of the whole run; the cloud network's blocks used to start at the extent's corner (0.7 % of pixels differed)."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    with rasterio.open(shared("cloud_chips", "sentinel2_image.tif")) as src:
        data, desc = src.read(), src.descriptions
    path = write_raster(str(tmp_path / "chip.tif"), data, transform=from_origin(500000, 4500000, 20, 20), descriptions=desc)
    h, w = data.shape[1] // 2, data.shape[2] // 2
    outs = {}
    for name, extent in (("whole", None), ("part", (500000, 4500000 - 20 * h, 500000 + 20 * w, 4500000))):
        outs[name] = str(tmp_path / f"{name}.tif")
        extract_landcover(ExtractRequest(input=path, prompt="water and vegetation", output_raster=outs[name], engine="spectral",
                                         extent=extent))
    with rasterio.open(outs["whole"]) as a, rasterio.open(outs["part"]) as b:
        ref, got = a.read(1)[:h, :w], b.read(1)
    assert (ref == 255).mean() > 0.1  # clouds are there
    assert np.array_equal(ref, got)


def test_snow_alone_says_why_no_cloud_mask_is_applied():
    """Snow is not cloud-masked (a cloud mask takes it for cloud): the explanation says so instead of 'not masked ()'."""
    eng = SpectralEngine(["snow_ice"], {"blue", "green", "red", "nir", "swir1", "swir2"},
                         Context(pixel_m=30, cloud_mask=True, reflectance=True))
    line = next(l for l in eng.explain() if l.startswith("clouds/shadows"))
    assert "Snow / ice" in line and "takes snow and ice for clouds" in line and "()" not in line
    eng = SpectralEngine(["water"], {"blue", "green", "red", "nir", "swir1", "swir2"},
                         Context(pixel_m=30, cloud_mask=True, reflectance=True))
    assert eng.use_cloud_mask and "snow" not in eng.cloud_why


def test_an_extent_over_nodata_alone_is_refused(tmp_path):
    """An extent whose pixels are all nodata ran 'successfully' to empty outputs (valid area 0 m²)."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    data, _, _ = synthetic_s2(100, 100)
    data[:, :, :50] = 0
    path = write_raster(str(tmp_path / "half.tif"), data, descriptions=S2_NAMES, nodata=0)
    out = tmp_path / "out" / "w.tif"
    with pytest.raises(InputError, match="holds only nodata pixels"):
        extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=str(out), engine="spectral",
                                         extent=(500000, 4500000 - 1000, 500000 + 400, 4500000)))
    assert not out.parent.exists()
    res = extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=str(out), engine="spectral",
                                           extent=(500000 + 600, 4500000 - 1000, 500000 + 1000, 4500000)))
    assert os.path.exists(res.output_raster)


def test_an_extent_without_area_is_refused_and_one_inside_a_pixel_keeps_it(tmp_path):
    """A zero-area extent was taken for the whole raster (Processing) and one inside a single pixel was refused as not
    overlapping the raster."""
    data, _, _ = synthetic_s2(40, 40)
    path = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    with pytest.raises(InputError, match="has no area"):
        extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=str(tmp_path / "a.tif"), engine="spectral",
                                         extent=(500100, 4499800, 500100, 4499900)))
    res = extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=str(tmp_path / "b.tif"), engine="spectral",
                                           extent=(500101, 4499801, 500104, 4499804)))
    with rasterio.open(res.output_raster) as ds:
        assert (ds.width, ds.height) == (1, 1)

