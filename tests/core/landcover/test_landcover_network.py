"""Network engine: model integrity, any band subset on real crops, corrupt model, end-to-end extraction."""
from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window

from conftest import ROOT, SAMPLE_S2
from terraprompt.plugin.core.errors import ModalityError, ModelError
from terraprompt.plugin.core.modelcards import file_sha256
from terraprompt.plugin.core.landcover import network as net
from terraprompt.plugin.core.landcover.extract import ExtractRequest, choose_engine, extract_landcover
from terraprompt.plugin.core.landcover.indices import mndwi, ndvi
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.stack import BandSet, ModalityStack, make_layer

S1_CROP = os.path.join(ROOT, "tests", "data", "sen1floods11_s1_crop.tif")
S1_LABEL = os.path.join(ROOT, "tests", "data", "sen1floods11_label_crop.tif")
RGBN = {"blue", "green", "red", "nir"}
RGB = {"blue", "green", "red"}


@pytest.fixture(scope="module")
def beirut() -> BandSet:
    """The 13-band Sentinel-2 sample as physical values (all roles)."""
    src = open_raster(SAMPLE_S2)
    stack = ModalityStack(make_layer(src, resolve_modality(src, "auto")))
    return stack.read(Window(0, 0, src.width, src.height))


def _s1_crop() -> tuple[np.ndarray, np.ndarray]:
    """The Sen1Floods11 S1 crop (VV, VH dB) and its hand labels (1 water, 0 land, -1 unlabelled)."""
    with rasterio.open(S1_CROP) as s:
        sar = s.read().astype(np.float32)
    with rasterio.open(S1_LABEL) as s:
        return sar, s.read(1)


def _subset(bs: BandSet, roles: set[str]) -> BandSet:
    return BandSet({r: bs.bands[r] for r in roles}, bs.valid)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


def test_model_card_matches_model_file():
    card = net.load_card()
    assert file_sha256(net.MODEL_FILE) == card["sha256"]
    assert os.path.getsize(net.MODEL_FILE) == card["size_bytes"] < 20 * 1024 * 1024
    assert card["inputs"]["bands"]["slots"][:3] == ["blue", "green", "red"]
    assert {"water", "vegetation"} <= set(card["concepts"])
    assert card["metrics"], "the card carries held-out metrics"


def test_availability_rules():
    assert net.network_available(["water", "vegetation"], RGB)[0]
    assert net.network_available(["water"], {"vv"})[0]
    ok, why = net.network_available(["vegetation"], {"nir", "swir1"})
    assert not ok and "red, green and blue" in why
    ok, why = net.network_available(["built_up"], RGBN)
    assert not ok and "built-up" in why
    assert net.network_available(["cloud"], RGBN)[0]
    assert not net.network_available(["cloud"], RGBN, for_auto=True)[0]
    assert not net.network_available(["cloud"], {"vv", "vh"})[0]


@pytest.mark.parametrize("roles", [None, RGBN, RGB], ids=["13band", "rgbn", "rgb"])
def test_optical_subsets_give_sane_vegetation_on_beirut(beirut, roles):
    bs = beirut if roles is None else _subset(beirut, roles)
    eng = net.NetworkEngine(["water", "vegetation"], set(bs.bands), "cpu")
    eng.fit(bs)
    p = eng.scores(bs)
    assert p.shape == (2, 384, 384) and p.dtype == np.float32
    assert np.isfinite(p).all() and p.min() >= 0 and p.max() <= 1
    nd = ndvi(beirut.bands["red"], beirut.bands["nir"])
    veg = p[1] >= 0.5
    assert veg[nd > 0.45].mean() > 0.6, "most clearly green pixels (NDVI > 0.45) are found"
    assert (nd[veg] > 0.2).mean() > (0.9 if roles != RGB else 0.5), "what is called vegetation is mostly green"
    assert veg.mean() < 0.25, "a dense city is not called vegetation"
    wet = mndwi(beirut.bands["green"], beirut.bands["swir1"]) > 0.3
    assert (p[0] >= 0.5).mean() < wet.mean() + 0.05, "no water invented over the city"
    if roles is None:
        assert eng.needed_roles() == {"blue", "green", "red", "nir", "swir1", "swir2"}
        assert any("held-out IoU" in line for line in eng.explain())


def test_rgb_result_close_to_13band(beirut):
    full = net.NetworkEngine(["vegetation"], set(beirut.bands), "cpu").scores(beirut)[0] >= 0.5
    eng = net.NetworkEngine(["vegetation"], RGB, "cpu")
    eng.fit(_subset(beirut, RGB))
    assert eng.gain != 1.0 and any("brightness was normalised" in line for line in eng.explain())
    rgb = eng.scores(_subset(beirut, RGB))[0] >= 0.5
    # both ways: most of what the 13-band input calls vegetation, without much more (measured: IoU 0.50, recall 0.66,
    # precision 0.69 with the version 1 model; 0.47 / 0.84 / 0.51 with its 2400-step predecessor; 0.45 / 0.87 / 0.48
    # with version 2, retrained after the teacher's SWIR requirement for water; recall 0.58 with version 3, wider, whose
    # RGB water gained 0.06-0.12 IoU and RGB vegetation lost 0.04 against WorldCover on HLS)
    assert rgb[full].mean() > 0.55, "RGB finds most of what the 13-band input calls vegetation"
    assert (rgb & full).sum() / (rgb | full).sum() > 0.4, "RGB vegetation overlaps the 13-band result"


@pytest.mark.parametrize("roles", [{"vv", "vh"}, {"vv"}], ids=["vv_vh", "vv_only"])
def test_sar_only_finds_water(roles):
    sar, lab = _s1_crop()
    bs = BandSet({r: sar[["vv", "vh"].index(r)] for r in roles}, np.ones(lab.shape, dtype=bool))
    eng = net.NetworkEngine(["water", "vegetation"], roles, "cpu")
    p = eng.scores(bs)
    assert p.shape == (2, 96, 96) and np.isfinite(p).all()
    m = lab >= 0
    assert _iou((p[0] >= 0.5) & m, (lab == 1) & m) > 0.5


def test_sar_decides_where_optical_is_nodata():
    """S2 + S1 with the optical bands nodata on the left: water there is the network's SAR-only output."""
    sar, lab = _s1_crop()
    h, w = lab.shape
    rng = np.random.default_rng(0)
    opt = {r: (0.05 + 0.1 * rng.random((h, w))).astype(np.float32) for r in ("blue", "green", "red", "nir", "swir1", "swir2")}
    opt_valid = np.zeros((h, w), dtype=bool)
    opt_valid[:, w // 2:] = True
    for a in opt.values():
        a[~opt_valid] = 0.0  # what a nodata fill reads as
    sar_valid = np.ones((h, w), dtype=bool)
    bands = {**opt, "vv": sar[0], "vh": sar[1]}
    role_valid = {r: (sar_valid if r in ("vv", "vh") else opt_valid) for r in bands}
    bs = BandSet(bands, opt_valid & sar_valid, role_valid)
    eng = net.NetworkEngine(["water"], set(bands), "cpu")
    p = eng.scores(bs)
    alone = net.NetworkEngine(["water"], {"vv", "vh"}, "cpu").scores(BandSet({"vv": sar[0], "vh": sar[1]}, sar_valid))
    assert eng.decidable(bs).all() and eng.sar_only(1)[:, : w // 2].all() and not eng.sar_only(1)[:, w // 2:].any()
    assert np.allclose(p[0][:, : w // 2], alone[0][:, : w // 2], atol=1e-5)
    m = (lab >= 0) & ~opt_valid
    assert _iou((p[0] >= 0.5) & m, (lab == 1) & m) > 0.5
    assert any("fused late" in line and "SAR decides alone" in line for line in eng.explain())
    # vegetation cannot come from SAR: then only pixels valid in every layer are decided
    both = net.NetworkEngine(["water", "vegetation"], set(bands), "cpu")
    both.scores(bs)
    assert (both.decidable(bs) == bs.valid).all() and both.sar_only(2) is None


@pytest.mark.parametrize("optical", [("blue", "green", "red", "nir", "swir1", "swir2"), ("blue", "green", "red")])
def test_optical_decides_alone_where_sar_is_nodata(optical):
    """A SAR raster covering part of the scene: where it is nodata, the optical bands alone decide (that part was left
    out of the result, 40 % of a Sen1Floods11 chip), both in the late fusion (with NIR/SWIR) and in the joint RGB run."""
    sar, lab = _s1_crop()
    h, w = lab.shape
    rng = np.random.default_rng(0)
    opt = {r: (0.05 + 0.1 * rng.random((h, w))).astype(np.float32) for r in optical}
    sar_valid = np.zeros((h, w), dtype=bool)
    sar_valid[:, w // 2:] = True
    vv, vh = sar[0].copy(), sar[1].copy()
    vv[~sar_valid] = vh[~sar_valid] = 0.0  # what a nodata fill reads as
    bands = {**opt, "vv": vv, "vh": vh}
    opt_valid = np.ones((h, w), dtype=bool)
    role_valid = {r: (sar_valid if r in ("vv", "vh") else opt_valid) for r in bands}
    bs = BandSet(bands, opt_valid & sar_valid, role_valid)
    eng = net.NetworkEngine(["water"], set(bands), "cpu")
    p = eng.scores(bs)
    alone = net.NetworkEngine(["water"], set(optical), "cpu").scores(BandSet(opt, opt_valid))
    assert eng.decidable(bs).all() and eng.sar_only(1) is None
    assert np.allclose(p[0][:, : w // 2], alone[0][:, : w // 2], atol=1e-5)


def test_odd_window_is_padded_internally(beirut):
    bs = BandSet({r: a[5:42, 3:56] for r, a in beirut.bands.items()}, beirut.valid[5:42, 3:56])
    p = net.NetworkEngine(["water"], set(bs.bands), "cpu").scores(bs)
    assert p.shape == (1, 37, 53)
    whole = net.NetworkEngine(["water"], set(bs.bands), "cpu").scores(beirut)
    assert np.isfinite(p).all() and whole.shape == (1, 384, 384)


def _copy_model(tmp_path):
    m, c = tmp_path / "m.onnx", tmp_path / "m.json"
    shutil.copy(net.MODEL_FILE, m)
    shutil.copy(net.CARD_FILE, c)
    return str(m), str(c)


def test_corrupt_model_raises_model_error(tmp_path):
    m, c = _copy_model(tmp_path)
    data = bytearray(open(m, "rb").read())
    data[len(data) // 2] ^= 0xFF
    open(m, "wb").write(bytes(data))
    with pytest.raises(ModelError, match="corrupt or does not match its model card"):
        net.NetworkEngine(["water"], RGB, "cpu", model_path=m, card_path=c)


def test_unloadable_model_with_matching_card_raises_model_error(tmp_path):
    m, c = _copy_model(tmp_path)
    open(m, "wb").write(b"not an onnx model")
    card = json.loads(open(c).read())
    card["sha256"] = file_sha256(m)
    open(c, "w").write(json.dumps(card))
    with pytest.raises(ModelError, match="cannot be loaded"):
        net.NetworkEngine(["water"], RGB, "cpu", model_path=m, card_path=c)


def test_missing_card_and_wrong_bands(tmp_path):
    m, _ = _copy_model(tmp_path)
    with pytest.raises(ModalityError):
        net.NetworkEngine(["water"], RGB, "cpu", model_path=m, card_path=str(tmp_path / "nope.json"))
    with pytest.raises(ModelError, match="missing"):
        net.load_card(str(tmp_path / "nope.json"))
    with pytest.raises(ModalityError, match="red, green and blue"):
        net.NetworkEngine(["water"], {"nir"}, "cpu")


@pytest.mark.parametrize("roles", [{"coastal", "blue", "green", "red", "nir", "swir1", "swir2"}, RGBN, RGB, {"vv", "vh"},
                                   RGB | {"vv", "vh"}, {"coastal", "blue", "green", "red", "nir", "swir1", "swir2", "vv", "vh"}],
                         ids=["s2", "rgbn", "rgb", "sar", "rgb_sar", "s2_sar"])
def test_auto_follows_the_held_out_comparison(roles):
    card = net.load_card()
    key = net.mode_key(net.usable_slots(card, roles))
    want = card["auto_water"][key]["prefer"] if key in card.get("auto_water", {}) else "network"
    name, why = choose_engine("auto", ["water", "vegetation"], roles)
    assert name == want, why
    if name == "spectral":
        assert "held-out" in why
    if set(RGB) <= roles:
        assert choose_engine("auto", ["vegetation"], roles)[0] == "network"
    assert choose_engine("auto", ["built_up"], roles)[0] == "spectral"
    assert choose_engine("auto", ["cloud"], roles)[0] == "spectral"


def test_extract_landcover_with_network_end_to_end(tmp_path):
    req = ExtractRequest(input=SAMPLE_S2, prompt="water and vegetation", output_raster=str(tmp_path / "lc.tif"),
                         output_vector=str(tmp_path / "lc.gpkg"), engine="network", device="cpu")
    res = extract_landcover(req)
    assert res.engine == "network"
    assert "landcover_net" in res.explanation and "Engine: network" in res.explanation
    with rasterio.open(res.output_raster) as ds:
        cls = ds.read(1)
        assert ds.tags()["TERRAPROMPT_ENGINE"] == "network"
    veg_share = res.areas_m2["vegetation"] / res.valid_area_m2
    assert 0.005 < veg_share < 0.25
    assert set(np.unique(cls)) <= {0, 1, 2, 255}
    assert os.path.exists(res.output_vector)


def test_uncalibrated_8bit_rgb_file_gets_vegetation(tmp_path, beirut):
    """An RGB-only user with a stretched 8-bit image still gets vegetation close to the 13-band result."""
    from conftest import write_raster

    rgb = np.stack([beirut.bands[r] for r in ("red", "green", "blue")])
    img = np.clip(rgb / np.percentile(rgb, 99) * 255, 0, 255).astype(np.uint8)
    with rasterio.open(SAMPLE_S2) as s:
        path = write_raster(str(tmp_path / "rgb.tif"), img, crs=s.crs, transform=s.transform)
    res8 = extract_landcover(ExtractRequest(input=path, prompt="vegetation", output_raster=str(tmp_path / "a.tif"),
                                            modality="rgb", engine="network", device="cpu"))
    res13 = extract_landcover(ExtractRequest(input=SAMPLE_S2, prompt="vegetation", output_raster=str(tmp_path / "b.tif"),
                                             engine="network", device="cpu"))
    with rasterio.open(res8.output_raster) as a, rasterio.open(res13.output_raster) as b:
        v8, v13 = a.read(1) == 1, b.read(1) == 1
    assert v8[v13].mean() > 0.55 and v8.mean() < 0.25  # 0.57 with version 3 (0.6 and more before it)
    assert "brightness was normalised" in res8.explanation


def test_late_fusion_weights_follow_the_cloud_probability():
    """Optical + SAR water: optical leads under a clear sky, SAR takes over under clouds, never outside 0..1."""
    eng = net.NetworkEngine(["water"], {"blue", "green", "red", "nir", "swir1", "swir2", "vv", "vh"}, "cpu")
    assert eng.late_fusion and 0 < eng.sar_weight < 1
    p_opt, p_sar = np.full((1, 2, 2), 0.9, np.float32), np.full((1, 2, 2), 0.2, np.float32)
    clear = eng.fuse(p_opt, p_sar, np.zeros((2, 2), np.float32))
    cloudy = eng.fuse(p_opt, p_sar, np.ones((2, 2), np.float32))
    assert (clear > 0.5).all() and np.allclose(cloudy, 0.2, atol=1e-4)
    # agreement strengthens, and RGB + SAR keeps the joint run (RGB water is too weak for the late sum)
    assert (eng.fuse(p_opt, np.full((1, 2, 2), 0.9, np.float32), np.zeros((2, 2), np.float32)) > 0.9).all()
    assert not net.NetworkEngine(["water"], {"blue", "green", "red", "vv", "vh"}, "cpu").late_fusion


def test_late_fusion_sees_water_under_a_cloud():
    """A bright cloud painted over the optical bands of a real S1 crop's scene: the fused water follows SAR there."""
    sar, lab = _s1_crop()
    h, w = lab.shape
    cloud = {r: np.full((h, w), v, np.float32) for r, v in
             (("blue", 0.55), ("green", 0.55), ("red", 0.52), ("nir", 0.5), ("swir1", 0.35), ("swir2", 0.25))}
    bands = {**cloud, "vv": sar[0], "vh": sar[1]}
    valid = np.ones((h, w), dtype=bool)
    fused = net.NetworkEngine(["water"], set(bands), "cpu").scores(BandSet(bands, valid))[0] >= 0.5
    optical = net.NetworkEngine(["water"], set(cloud), "cpu").scores(BandSet(cloud, valid))[0] >= 0.5
    m = lab >= 0
    truth = (lab == 1) & m
    assert _iou(fused & m, truth) > 0.5 > _iou(optical & m, truth)


@pytest.mark.parametrize("engine", ["network", "spectral"])
def test_zero_collar_without_nodata_value_is_nodata(tmp_path, engine):
    """The Beirut sample inside a 60 px collar of zeros and no nodata value (a reprojected or mosaicked tile): the
    collar is nodata (255) and reported, not water (the network called 64 % of such a collar water), and the
    scene itself is classified as without the collar."""
    from rasterio.transform import Affine

    with rasterio.open(SAMPLE_S2) as src:
        data, prof, desc = src.read(), src.profile, src.descriptions
    pad = np.zeros((data.shape[0], data.shape[1] + 120, data.shape[2] + 120), data.dtype)
    pad[:, 60:-60, 60:-60] = data
    prof.update(width=pad.shape[2], height=pad.shape[1], transform=prof["transform"] * Affine.translation(-60, -60), nodata=None)
    path = str(tmp_path / "collar.tif")
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(pad)
        dst.descriptions = desc
    outs = {}
    for name, inp in (("collar", path), ("plain", SAMPLE_S2)):
        outs[name] = str(tmp_path / f"{name}_out.tif")
        res = extract_landcover(ExtractRequest(input=inp, prompt="water and vegetation", output_raster=outs[name], engine=engine))
        if name == "collar":
            assert res.details["nodata_m2"] > 0.9 * (pad.shape[1] * pad.shape[2] - data.shape[1] * data.shape[2]) * 100
    with rasterio.open(outs["collar"]) as a, rasterio.open(outs["plain"]) as b:
        cls, ref = a.read(1), b.read(1)
    inner = cls[60:-60, 60:-60].copy()
    cls[60:-60, 60:-60] = 255
    assert (cls == 255).all()
    assert (inner == ref).mean() > 0.99


def test_explanation_cautions_on_pixels_far_from_the_training_sizes(tmp_path):
    """0.5 m aerial RGB (the network learnt 10-30 m pixels) gets a caution; the 10 m sample scene does not."""
    crop = os.path.join(ROOT, "tests", "data", "rio_buildings_crop_image.tif")
    fine = extract_landcover(ExtractRequest(input=crop, prompt="water", engine="network", output_raster=str(tmp_path / "a.tif")))
    assert "caution: the pixels are 0.48 m" in fine.explanation and "10-30 m" in fine.explanation
    assert "for water it ran on blocks of 11 x 11 pixels averaged to 5.28 m" in fine.explanation
    with rasterio.open(str(tmp_path / "a.tif")) as ds:
        assert (ds.read(1) == 1).mean() < 0.005  # a yard and some grass, no water (1.3 % water at the 0.48 m pixels)
    veg = extract_landcover(ExtractRequest(input=crop, prompt="vegetation", engine="network", output_raster=str(tmp_path / "v.tif")))
    assert "regions under 900 m² that the network calls cloud are kept" in veg.explanation
    assert "Clouds/shadows excluded" not in veg.explanation  # white roofs of 0.5 m images are not clouds
    with rasterio.open(str(tmp_path / "v.tif")) as ds:
        assert not (ds.read(1) == 255).any()
    s2 = extract_landcover(ExtractRequest(input=SAMPLE_S2, prompt="water", engine="network", output_raster=str(tmp_path / "b.tif")))
    assert "caution" not in s2.explanation


def test_fine_pixels_give_water_from_blocks_of_the_trained_scale():
    """A 1 m copy of the 10 m Sen1Floods11 SAR crop (each pixel repeated 10 x 10) gives nearly the 10 m water map: the
    network runs on 5 x 5 blocks (5 m, within its trained range); on the 1 m pixels themselves it sees a tenfold zoom.
    Vegetation is not averaged (at the pixels it keeps roofs apart)."""
    sar, _ = _s1_crop()
    bs = BandSet({"vv": sar[0], "vh": sar[1]}, np.isfinite(sar).all(axis=0))
    ref = net.NetworkEngine(["water"], {"vv", "vh"}, "cpu", pixel_m=10.0).scores(bs)[0] >= 0.5
    k = 10
    up = BandSet({r: np.repeat(np.repeat(a, k, 0), k, 1) for r, a in bs.bands.items()},
                 np.repeat(np.repeat(bs.valid, k, 0), k, 1))
    agreement = {}
    for pixel_m in (1.0, None):
        eng = net.NetworkEngine(["water"], {"vv", "vh"}, "cpu", pixel_m=pixel_m)
        p = eng.scores(up)[0]
        assert p.shape == up.valid.shape and 0.0 <= p.min() and p.max() <= 1.0
        back = p.reshape(p.shape[0] // k, k, p.shape[1] // k, k).mean(axis=(1, 3)) >= 0.5
        agreement[eng.coarsen] = _iou(back, ref)
    assert set(agreement) == {5, 1}
    assert agreement[5] > 0.8 and agreement[5] > agreement[1] + 0.1, agreement  # measured 0.86 vs 0.66
    assert net.NetworkEngine(["vegetation"], RGB, "cpu", pixel_m=1.0).coarsen == 1
    both = net.NetworkEngine(["water", "vegetation"], RGB, "cpu", pixel_m=0.5)
    assert both.coarsen == 10


def test_vegetation_stays_at_the_pixels_when_water_is_averaged(beirut):
    """Water and vegetation from fine pixels: the vegetation row is the network's output at the pixels, the water row
    comes from the blocks (a 2 m copy of the 10 m sample: 3 x 3 blocks)."""
    rgb = _subset(beirut, RGB)
    crop = BandSet({r: np.repeat(np.repeat(a[:96, :96], 5, 0), 5, 1) for r, a in rgb.bands.items()},
                   np.ones((480, 480), bool))
    both = net.NetworkEngine(["water", "vegetation"], RGB, "cpu", pixel_m=2.0)
    plain = net.NetworkEngine(["water", "vegetation"], RGB, "cpu", pixel_m=None)
    both.fit(crop)
    plain.fit(crop)
    a, b = both.scores(crop), plain.scores(crop)
    assert both.coarsen == 3 and a.shape == b.shape == (2, 480, 480)
    np.testing.assert_array_equal(a[1], b[1])
    assert np.abs(a[0] - b[0]).max() > 0.01


def test_nodata_rows_leave_no_water_along_their_edge(tmp_path):
    """The Beirut sample with its top 100 rows set to nodata (-9999, int16): the network's water on the rest matches the
    plain sample's. Before the gaps were filled from the nearest valid pixel, the nodata wall read as water along the whole
    first valid row (417 water pixels there instead of 33)."""
    from conftest import copy_with_nodata

    top = np.zeros((384, 384), bool)
    top[:100] = True
    path = copy_with_nodata(SAMPLE_S2, str(tmp_path / "gap.tif"), top, dtype="int16")
    water = {}
    for name, inp in (("gap", path), ("plain", SAMPLE_S2)):
        out = str(tmp_path / f"{name}_out.tif")
        extract_landcover(ExtractRequest(input=inp, prompt="water", output_raster=out, engine="network", device="cpu"))
        with rasterio.open(out) as ds:
            water[name] = ds.read(1)[100:] == 1
    assert water["gap"][0].sum() <= water["plain"][0].sum() + 3
    assert water["gap"].sum() <= 1.2 * water["plain"].sum() + 10


def test_an_extent_is_the_whole_run_there_across_tiles(tmp_path):
    """The network on the Beirut sample in 128 px tiles, whole and over an extent that cuts tiles: the extent's classes are
    the whole run's, pixel for pixel (the extent is run inside the whole raster's tiles that cover it, with their context)."""
    from terraprompt.plugin.core.tiling import TileSpec

    with rasterio.open(SAMPLE_S2) as src:
        tr = src.transform
    (x0, y0), (x1, y1) = tr * (100, 90), tr * (260, 250)
    outs = {}
    for name, extent in (("whole", None), ("part", (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))):
        outs[name] = str(tmp_path / f"{name}.tif")
        extract_landcover(ExtractRequest(input=SAMPLE_S2, prompt="water and vegetation", output_raster=outs[name],
                                         engine="network", device="cpu", extent=extent, tiles=TileSpec(128, 32)))
    with rasterio.open(outs["whole"]) as a, rasterio.open(outs["part"]) as b:
        ref, got = a.read(1)[90:250, 100:260], b.read(1)
    assert got.shape == (160, 160) and (ref == 2).mean() > 0.01
    assert np.array_equal(ref, got)


def test_landsat7_slc_off_gaps_leave_no_water_along_them(tmp_path):
    """The Landsat 7 ETM+ crop with slanted 3 px nodata gaps every 35 px (as the SLC-off scenes since 2003 have): the
    network's classes off the gaps are the plain crop's (before the gaps were filled from the nearest valid pixel, 4073
    pixels along them were water and vegetation lost 4175)."""
    from conftest import copy_with_nodata, shared

    src = shared("landsat8", "LE70220491999322EDC01_stack.tif")
    with rasterio.open(src) as s:
        yy, xx = np.mgrid[:s.height, :s.width]
    gaps = ((xx + 0.15 * yy) % 35) < 3
    path = copy_with_nodata(src, str(tmp_path / "LE07_slc_off.tif"), gaps)
    cls = {}
    for name, inp in (("plain", src), ("gaps", path)):
        out = str(tmp_path / f"{name}_out.tif")
        extract_landcover(ExtractRequest(input=inp, prompt="water and vegetation", output_raster=out, engine="network", device="cpu"))
        with rasterio.open(out) as ds:
            cls[name] = ds.read(1)[~gaps]
    assert (cls["gaps"] == 1).sum() <= (cls["plain"] == 1).sum() + 20
    assert abs(int((cls["gaps"] == 2).sum()) - int((cls["plain"] == 2).sum())) < 0.01 * (cls["plain"] == 2).sum()


def test_network_cloud_line_says_shadows_are_not_excluded(tmp_path):
    """The network's own cloud output masks clouds, not their shadows: the explanation said 'Clouds/shadows excluded'.
    Where ukis-csmask can read the bands, its cloud shadows are taken out of the water, and the line says so."""
    from conftest import S2_NAMES, synthetic_s2, write_raster
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    data, _, _ = synthetic_s2(160, 200)
    data[:, 20:90, 120:190] = 6500  # a thick bright cloud over the bare land and the forest
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    rgb = write_raster(str(tmp_path / "rgb.tif"), data[[3, 2, 1]], descriptions=["B04", "B03", "B02"])
    res = extract_landcover(ExtractRequest(input=rgb, prompt="water and vegetation", engine="network",
                                           output_raster=str(tmp_path / "w.tif")))
    assert res.details["cloud_excluded_m2"] > 0
    assert "Clouds excluded (not their shadows)" in res.explanation and "Clouds/shadows excluded" not in res.explanation
    res = extract_landcover(ExtractRequest(input=src, prompt="water and vegetation", engine="network",
                                           output_raster=str(tmp_path / "w13.tif")))
    assert res.details["cloud_excluded_m2"] > 0 and "Rule: cloud shadows: ukis-csmask" in res.explanation
    assert "Clouds/shadows excluded" in res.explanation and "not their shadows" not in res.explanation
