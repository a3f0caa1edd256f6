"""METHOD=network: model card and file, band subsets, real OSCD/DSIFN crops, identical inputs, corrupt model, detect_change."""
from __future__ import annotations

import json
import os

import fiona
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window

from change_pairs import write_pair
from conftest import S2_NAMES, shared, write_raster
from terraprompt.plugin.core.change.align import align_pair
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.change.methods import choose_method, make_method, window_probability
from terraprompt.plugin.core.change.network import CARD_FILE, MODEL_FILE, NetworkChange, band_subset, check_network, load_card
from terraprompt.plugin.core.errors import ModalityError, ModelError
from terraprompt.plugin.core.modelcards import file_sha256
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.tiling import TileSpec

RGBN = ["B02", "B03", "B04", "B08"]
RGB = ["B04", "B03", "B02"]


def _f1(pred: np.ndarray, truth: np.ndarray) -> float:
    tp = float((pred & truth).sum())
    return 2 * tp / max(2 * tp + float((pred & ~truth).sum()) + float((~pred & truth).sum()), 1.0)


def _aligned(pb: str, pa: str):
    b, a = open_raster(pb), open_raster(pa)
    return align_pair(b, a, resolve_modality(b, "auto"), resolve_modality(a, "auto"), "auto", False, "cpu")


def _run(tmp_path, pb, pa, name="out", **kw):
    base = dict(output_probability=str(tmp_path / name / "prob.tif"), output_change=str(tmp_path / name / "change.tif"),
                method="network", cloud_mask=False, device="cpu", tiles=TileSpec(128, 0, 2))
    base.update(kw)
    return detect_change(ChangeRequest(pb, pa, **base))


def test_card_matches_the_bundled_model():
    card = load_card()
    assert card["file"] == os.path.basename(MODEL_FILE)
    assert file_sha256(MODEL_FILE) == card["sha256"]
    assert os.path.getsize(MODEL_FILE) == card["size_bytes"] < 20 * 1024 * 1024
    assert set(card["band_subsets_trained"]) == {"full", "rgbn", "rgb"}
    held, train = set(card["data"]["held_out_cities"]), set(card["data"]["train_cities"])
    assert len(held) >= 3 and not held & train
    pooled = card["metrics"]["oscd_held_out"]["full"]["pooled"]
    assert 0 < pooled["F1"] <= 1 and {"P", "R", "IoU"} <= set(pooled)
    assert "BY-NC-SA" in " ".join(card["licences"])


def test_band_subsets_and_refusal():
    card = load_card()
    s2 = ["blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "swir1", "swir2"]
    assert band_subset(card, s2)[0] == "full"
    assert band_subset(card, ["blue", "green", "red", "nir", "swir1", "swir2"])[0] == "rgbn"  # Landsat: nearest trained subset
    assert band_subset(card, ["red", "green", "blue"])[0] == "rgb"
    assert band_subset(card, ["nir", "swir1"]) == ("", [])
    with pytest.raises(ModalityError, match="red, green and blue"):
        check_network(["nir", "swir1"])


def test_corrupt_or_missing_model_is_a_model_error(tmp_path):
    bad = tmp_path / "change_net.onnx"
    data = bytearray(open(MODEL_FILE, "rb").read())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="corrupt or does not match its model card"):
        NetworkChange("cpu", model_path=str(bad))
    with pytest.raises(ModelError, match="is missing"):
        NetworkChange("cpu", model_path=str(tmp_path / "nothing.onnx"))
    with pytest.raises(ModelError, match="missing"):
        NetworkChange("cpu", card_path=str(tmp_path / "nothing.json"))
    card = tmp_path / "card.json"
    card.write_text("{not json")
    with pytest.raises(ModelError, match="cannot be read"):
        NetworkChange("cpu", card_path=str(card))
    # a model that matches its card but is not ONNX
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    doc = json.load(open(CARD_FILE))
    doc["sha256"] = file_sha256(str(junk))
    (tmp_path / "junk.json").write_text(json.dumps(doc))
    with pytest.raises(ModelError, match="cannot be loaded"):
        NetworkChange("cpu", model_path=str(junk), card_path=str(tmp_path / "junk.json"))


def test_device_report_is_honest():
    m = NetworkChange("cuda")
    import onnxruntime as ort

    if "CUDAExecutionProvider" not in ort.get_available_providers():
        assert m.device_report.used == "cpu" and "cuda asked for" in m.device_report.reason
    else:
        assert m.device_report.used == "cuda"


def test_identical_inputs_give_low_probability(tmp_path):
    pb, _, _ = write_pair(tmp_path)
    res = _run(tmp_path, pb, pb)
    prob = rasterio.open(res.output_probability).read(1)
    ch = rasterio.open(res.output_change).read(1)
    assert res.method == "network"
    assert prob.max() < 0.2 and (ch == 1).mean() == 0


def test_auto_prefers_the_network_for_optical_pairs(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    name, why = choose_method("auto", _aligned(pb, pa))
    assert name == "network" and "full" in why
    rgbn = np.full((4, 40, 40), 800, np.uint16)
    rgbn[:, :20] = 1500
    p4 = write_raster(str(tmp_path / "rgbn.tif"), rgbn, descriptions=RGBN)
    assert choose_method("auto", _aligned(p4, p4))[0] == "network"  # 10 m RGBN: held-out OSCD F1 0.42 vs CVA 0.26
    from rasterio.transform import from_origin

    p30 = write_raster(str(tmp_path / "rgbn30.tif"), rgbn, descriptions=RGBN, transform=from_origin(500000, 4500000, 30, 30))
    name, why = choose_method("auto", _aligned(p30, p30))  # 30 m (Landsat Taizhou: CVA kappa 0.98, the network 0.45)
    assert name == "cva" and "30 m pixels are coarser than the network's 15 m" in why
    assert choose_method("auto", _aligned(p4, p30))[0] == "cva"  # a 30 m AFTER on a 10 m BEFORE: held-out F1 0.17 vs 0.33
    assert choose_method("network", _aligned(p4, p4))[0] == "network"
    nir = write_raster(str(tmp_path / "nir.tif"), rgbn[:3], descriptions=["B08", "B11", "B12"])
    pair = _aligned(nir, nir)
    assert choose_method("auto", pair)[0] == "cva"
    with pytest.raises(ModalityError, match="red, green and blue"):
        choose_method("network", pair)


def test_tiles_agree_with_the_whole_raster(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    pair = _aligned(pb, pa)
    m = make_method("network", "cpu")
    m.fit(pair.sample())
    whole, _ = window_probability(pair, m, Window(0, 0, pair.grid.width, pair.grid.height))
    tiled = np.zeros_like(whole)
    for r in range(0, pair.grid.height, 64):
        for c in range(0, pair.grid.width, 64):
            w = Window(c, r, min(64, pair.grid.width - c), min(64, pair.grid.height - r))
            tiled[r:r + int(w.height), c:c + int(w.width)] = window_probability(pair, m, w)[0]
    assert whole.min() >= 0 and whole.max() <= 1
    assert np.abs(tiled - whole).mean() < 0.01 and ((tiled > 0.5) != (whole > 0.5)).mean() < 0.005


def _oscd_crop(tmp_path, bands, name, dtype_scale=None):
    """A 160 x 160 crop of held-out OSCD city hongkong (many changes) with the given S2 bands; returns before, after, truth."""
    d = shared("oscd", "hongkong")
    card = load_card()
    assert "hongkong" in card["data"]["held_out_cities"]
    win = Window(336, 400, 160, 160)
    idx = [S2_NAMES.index(b) + 1 for b in bands]
    out = []
    for t in ("t1", "t2"):
        with rasterio.open(os.path.join(d, f"hongkong_{t}.tif")) as ds:
            data = ds.read(idx, window=win)
            transform, crs = ds.window_transform(win), ds.crs
        if dtype_scale:  # 8-bit "RGB photo" of the same place
            data = np.clip(data.astype(np.float32) / dtype_scale * 255, 0, 255).astype(np.uint8)
        out.append(write_raster(str(tmp_path / f"{name}_{t}.tif"), data, crs=crs, transform=transform, descriptions=bands))
    with rasterio.open(os.path.join(d, "hongkong_cm.tif")) as ds:
        truth = ds.read(1, window=win) == 1
    return out[0], out[1], truth


@pytest.mark.parametrize("bands,subset,min_f1", [(S2_NAMES, "full", 0.35), (RGBN, "rgbn", 0.3), (RGB, "rgb", 0.1)])
def test_real_oscd_crop_every_band_subset(tmp_path, bands, subset, min_f1):
    pb, pa, truth = _oscd_crop(tmp_path, bands, subset)
    res = _run(tmp_path, pb, pa)
    assert f"band subset '{subset}'" in res.summary
    # the slider's trade-off on held-out cities, measured for the full band set only (models/change_net.json)
    assert ("threshold slider on held-out OSCD cities: 0.3: precision 0.53, recall 0.40" in res.summary) is (subset == "full")
    with rasterio.open(res.output_probability) as p, rasterio.open(pb) as b:
        assert p.transform == b.transform and p.crs == b.crs and p.shape == b.shape
        prob = p.read(1)
    assert prob.min() >= 0 and prob.max() <= 1
    f1 = _f1(rasterio.open(res.output_change).read(1) == 1, truth)
    print(subset, f1)
    assert f1 > min_f1


def test_rgb_photo_as_uint8_gives_the_same_map(tmp_path):
    """Per-date standardisation: an 8-bit photo of the same place gives (nearly) the map of the reflectance bands."""
    pb, pa, _ = _oscd_crop(tmp_path, RGB, "refl")
    qb, qa, _ = _oscd_crop(tmp_path, RGB, "u8", dtype_scale=3000.0)
    ref = _run(tmp_path, pb, pa, "ref")
    res = _run(tmp_path, qb, qa, "u8")
    assert "band subset 'rgb'" in res.summary
    p0 = rasterio.open(ref.output_probability).read(1)
    p1 = rasterio.open(res.output_probability).read(1)
    seen = rasterio.open(res.output_change).read(1) != 255  # pixels clipped at 255 in every band are no measurement
    assert seen.mean() > 0.9
    assert np.abs(p0 - p1)[seen].mean() < 0.03 and ((p0 > 0.5) == (p1 > 0.5))[seen].mean() > 0.96  # 0.967 measured


def test_dsifn_held_out_vhr_rgb_tile(tmp_path):
    root = shared("dsifn_samples")
    tile = load_card()["data"]["dsifn_held_out_tiles"][0]
    paths = []
    for t in ("t1", "t2"):
        with rasterio.open(os.path.join(root, t, f"{tile}.tif")) as ds:
            data = ds.read()
        paths.append(write_raster(str(tmp_path / f"{t}.tif"), data, crs="EPSG:32650",
                                  transform=from_origin(500000, 4000000, 2, 2), descriptions=["red", "green", "blue"]))
    truth = rasterio.open(os.path.join(root, "mask", f"{tile}.tif")).read(1) == 1
    res = _run(tmp_path, paths[0], paths[1])
    assert _f1(rasterio.open(res.output_change).read(1) == 1, truth) > 0.2


def test_detect_change_end_to_end_on_before_grid(tmp_path):
    pb, pa, truth = write_pair(tmp_path)
    # AFTER at 20 m on a shifted grid: aligned onto BEFORE's 10 m grid
    with rasterio.open(pa) as ds:
        data, t = ds.read(), ds.transform
    coarse = data[:, ::2, ::2]
    pa20 = write_raster(str(tmp_path / "after20_2022-06-01.tif"), coarse, transform=from_origin(t.c, t.f, 20, 20),
                        descriptions=S2_NAMES)
    res = _run(tmp_path, pb, pa20, output_vector=str(tmp_path / "out" / "change.gpkg"))
    assert res.method == "network" and res.device.backend == "onnxruntime"
    with rasterio.open(res.output_change) as c, rasterio.open(pb) as b:
        assert c.transform == b.transform and c.crs == b.crs and c.shape == b.shape
        assert c.tags()["TERRAPROMPT_METHOD"] == "network"
    with fiona.open(res.output_vector) as fc:
        feats = list(fc)
    for f in feats:
        pr = f["properties"]
        assert pr["method"] == "network" and pr["model"].startswith("change_net") and pr["model_sha256"] == load_card()["sha256"]
        assert 0 <= pr["mean_probability"] <= 1 and pr["area_m2"] > 0
    assert "Method: network" in res.summary and "change_net" in res.summary
    assert sorted(os.listdir(tmp_path / "out")) == ["change.gpkg", "change.tif", "prob.tif"]


def test_prepare_standardises_clips_zeroes_invalid_and_pads():
    """The network's inputs: (x - mean) / std per band and date, clipped to ±8, 0 where invalid, edge-padded to the stride."""
    from terraprompt.plugin.core.change.align import PairBlock

    roles = ["blue", "green", "red", "nir"]
    rng = np.random.default_rng(1)
    m = NetworkChange("cpu")
    fit = PairBlock(roles, rng.random((4, 40, 40), dtype=np.float32), rng.random((4, 40, 40), dtype=np.float32),
                    np.ones((40, 40), bool))
    m.fit([fit])
    h, w = 37, 45  # not multiples of the stride
    before = rng.random((4, h, w), dtype=np.float32)
    after = rng.random((4, h, w), dtype=np.float32)
    before[2, 1, 1] = 1e6  # clipped to +8
    valid = np.ones((h, w), bool)
    valid[5, 6] = False
    before[:, 5, 6] = np.nan  # invalid pixels may hold anything
    for blk_valid in (valid, np.ones((h, w), bool)):
        b, a = m.prepare(PairBlock(roles, before if not blk_valid.all() else np.nan_to_num(before), after, blk_valid))
        assert b.shape[2] % m.stride == 0 and b.shape[3] % m.stride == 0 and b.shape[2] >= h and b.shape[3] >= w
        for d, (x, arr) in enumerate(((b, before), (a, after))):
            for k, s in enumerate(m.slots):
                if s not in m.used:
                    assert not x[0, k].any()
                    continue
                ref = np.clip((np.nan_to_num(arr[roles.index(s)]) - m.mean[d, k]) / m.std[d, k], -8, 8)
                ref[~blk_valid] = 0
                np.testing.assert_allclose(x[0, k, :h, :w], ref, rtol=1e-6, atol=1e-6)
                np.testing.assert_array_equal(x[0, k, h:, :w], np.repeat(x[0, k, h - 1:h, :w], x.shape[2] - h, axis=0))
                np.testing.assert_array_equal(x[0, k, :, w:], np.repeat(x[0, k, :, w - 1:w], x.shape[3] - w, axis=1))
        assert b[0, m.slots.index("red"), 1, 1] == 8
    assert np.isfinite(m.prepare(PairBlock(roles, before, after, valid))[0]).all()  # the NaN of the invalid pixel became 0
