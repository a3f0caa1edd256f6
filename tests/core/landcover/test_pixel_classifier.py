"""The land-cover pixel classifier (models/landcover_mlp.onnx) in the spectral engine."""
from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest
import rasterio

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.catalog import MODELS_DIR
from terraprompt.plugin.core.landcover import pixel_classifier as pc
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.landcover.spectral import Context, SpectralEngine
from terraprompt.plugin.core.stack import BandSet

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data")
CHIP = os.path.join(DATA, "hls_chip294_image.tif")
ROLES_OF_CHIP = {"blue": 2, "green": 3, "red": 4, "nir": 5, "swir1": 6, "swir2": 7}


def test_model_file_matches_its_card():
    """The bundled ONNX file has the sha256 and size of its card, and its input width is the plugin's feature count."""
    import onnx

    card = pc.load_card()
    path = os.path.join(MODELS_DIR, card["file"])
    with open(path, "rb") as fh:
        blob = fh.read()
    assert hashlib.sha256(blob).hexdigest() == card["sha256"] and len(blob) == card["size_bytes"]
    graph = onnx.load_from_string(blob).graph
    assert graph.input[0].type.tensor_type.shape.dim[1].dim_value == card["inputs"]["features"]["shape"][1] == 20
    assert set(card["concepts"].values()) <= set(card["outputs"]["classes"])


def test_texture_windows_cover_the_same_ground_at_any_pixel_size():
    assert [pc.window_px(k, 30.0) for k in (3, 5, 7)] == [3, 5, 7]
    assert [pc.window_px(k, 10.0) for k in (3, 5, 7)] == [9, 15, 21]
    assert pc.window_px(3, 90.0) == 1 and pc.window_px(5, 60.0) % 2 == 1  # odd, never 0


def test_features_ignore_nodata_texture():
    """Nodata (NaN, invalid) does not leak into the texture of its valid neighbours as a huge contrast."""
    rng = np.random.default_rng(0)
    bands = {r: rng.uniform(0.05, 0.3, (40, 40)).astype(np.float32) for r in pc.ROLES}
    valid = np.ones((40, 40), bool)
    ref = pc.features(bands, valid, 30.0)
    holed = {r: v.copy() for r, v in bands.items()}
    for v in holed.values():
        v[:, :5] = np.nan
    valid2 = valid.copy()
    valid2[:, :5] = False
    f = pc.features(holed, valid2, 30.0)
    assert f.shape == (20, 40, 40) and np.isfinite(f).all()
    assert np.abs(f[:, :, 20:] - ref[:, :, 20:]).max() < 0.05


@pytest.mark.parametrize("roles,pixel_m,reflectance,ok,words", [
    (set(pc.ROLES), 10.0, True, True, ""),
    (set(pc.ROLES) - {"swir2"}, 10.0, True, False, "swir2"),
    (set(pc.ROLES), 10.0, False, False, "not calibrated"),
    (set(pc.ROLES), 0.5, True, False, "8-60 m"),
])
def test_usable_says_why_not(roles, pixel_m, reflectance, ok, words):
    got, why = pc.usable(roles, pixel_m, reflectance)
    assert got is ok and words in why


def _chip() -> tuple[BandSet, np.ndarray]:
    with rasterio.open(CHIP) as ds:
        img = ds.read().astype(np.float32)
    with rasterio.open(CHIP.replace("_image", "_worldcover")) as ds:
        wc = ds.read(1)
    bands = {r: img[k - 1] / 10000.0 for r, k in ROLES_OF_CHIP.items()}
    valid = np.ones(wc.shape, bool)
    return BandSet(bands, valid, {r: valid for r in bands}), wc


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


def test_classifier_beats_the_index_rules_on_a_held_out_chip():
    """On a chip the classifier never trained on, built-up and cropland agree with ESA WorldCover far better than the index
    rules (measured: built-up and buildings 0.03 -> 0.31, cropland 0.18 -> 0.66 pooled over the held-out chips)."""
    bs, wc = _chip()
    wanted = {"built_up": 50, "cropland": 40, "forest": 10, "buildings": 50}  # at 30 m buildings are built-up pixels
    got = {}
    for use in (True, False):
        eng = SpectralEngine(list(wanted), set(bs.bands), Context(pixel_m=30.0, cloud_mask=False, classifier=use))
        assert ("classifier" in eng.rules["built_up"].families()) is use
        eng.fit(bs)
        sc = eng.scores(bs)
        got[use] = {c: _iou(sc[k] >= 0.5, wc == v) for k, (c, v) in enumerate(wanted.items())}
    assert got[True]["built_up"] > 0.3 and got[True]["built_up"] > 2 * got[False]["built_up"]
    assert got[True]["cropland"] > got[False]["cropland"] + 0.1
    assert got[True]["forest"] > got[False]["forest"]
    assert got[True]["buildings"] > 0.3 and got[True]["buildings"] > 2 * got[False]["buildings"]


def test_explanation_names_the_classifier_and_drops_the_index_caution(tmp_path):
    """extract_landcover on the chip file: the rule line, the model with its sha256 and held-out figure, no index caution."""
    out = str(tmp_path / "b.tif")
    res = extract_landcover(ExtractRequest(input=CHIP, prompt="built-up areas", output_raster=out))
    card = pc.load_card()
    assert "[classifier]" in res.explanation and card["file"] in res.explanation and card["sha256"][:12] in res.explanation
    held = card["spectral_engine_held_out"]["built_up"]
    assert f"held-out IoU against WorldCover: built-up {held:.2f}" in res.explanation
    assert "caution: spectral indices alone" not in res.explanation
    with rasterio.open(out) as ds:
        m = ds.read(1)
    with rasterio.open(CHIP.replace("_image", "_worldcover")) as ds:
        wc = ds.read(1)
    assert _iou(m == 1, wc == 50) > 0.3


def test_uncalibrated_values_fall_back_to_the_index_rules(tmp_path):
    """8-bit values (no reflectance) never reach the classifier, which learnt reflectance: the index rule runs and says so."""
    data, _, _ = synthetic_s2(60, 60)
    src = write_raster(str(tmp_path / "u8.tif"), (data // 40).astype(np.uint8), descriptions=S2_NAMES)
    res = extract_landcover(ExtractRequest(input=src, prompt="cropland", output_raster=str(tmp_path / "c.tif")))
    assert "[classifier]" not in res.explanation and "[optical]" in res.explanation
    assert "land-cover classifier: not used (the optical values are not calibrated reflectance); index rules instead" in res.explanation


def test_a_damaged_model_file_stops_the_run_with_the_fix_and_leaves_nothing(tmp_path, monkeypatch):
    """A model whose bytes do not match its card's sha256 (a damaged install) is refused with the fix; no output remains."""
    from terraprompt.plugin.core.errors import ModelError

    card = dict(pc.load_card(), sha256="0" * 64)
    monkeypatch.setattr(pc, "load_card", lambda: card)
    pc.shared.cache_clear()  # a model loaded by an earlier test would not be checked again
    out = tmp_path / "b.tif"
    with pytest.raises(ModelError) as err:
        extract_landcover(ExtractRequest(input=CHIP, prompt="built-up areas", output_raster=str(out),
                                         output_vector=str(tmp_path / "b.gpkg")))
    assert "sha256" in err.value.problem and "Reinstall the plugin to restore models/landcover_mlp.onnx" in err.value.fix
    assert sorted(os.listdir(tmp_path)) == []


@pytest.mark.parametrize("prompt", ["built-up areas", "bare soil"])
def test_classifier_concepts_alone_are_cloud_masked(tmp_path, prompt):
    """Concepts the classifier decides, prompted alone, ignored the cloud mask (built-up and bare soil on a cloud chip lay
    64-98 % on reference cloud, with 'decided by its own rule under clouds too'): pixels the product's Fmask calls cloud
    are left out of them, as of a land-cover map."""
    with rasterio.open(CHIP) as ds:
        profile, data = ds.profile, ds.read()
    data[7, 30:70, 40:100] |= 2  # Fmask bit 1: cloud
    cloudy = str(tmp_path / "cloudy.tif")
    with rasterio.open(cloudy, "w", **profile) as ds:
        ds.write(data)
        ds.descriptions = tuple(rasterio.open(CHIP).descriptions)
    res = extract_landcover(ExtractRequest(input=cloudy, prompt=prompt, output_raster=str(tmp_path / "c.tif")))
    assert "[classifier]" in res.explanation
    with rasterio.open(res.output_raster) as ds:
        cls = ds.read(1)
    assert (cls[30:70, 40:100] == ds.nodata).all() and res.details["cloud_excluded_m2"] >= 40 * 60 * 900 * 0.99
    assert "decided by its own rule under clouds" not in res.explanation
