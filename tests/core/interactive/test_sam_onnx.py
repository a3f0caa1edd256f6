"""SAM / SAM 2 ONNX adapter with tiny generated models of the exporters' signatures; bad model files."""
from __future__ import annotations

import json

import numpy as np
import pytest
from rasterio.windows import Window

from conftest import write_raster
from interactive_helpers import TRANSFORM, scene
from tiny_sam import R, S, decoder, encoder
from terraprompt.plugin.core.errors import ModelError
from terraprompt.plugin.core.interactive.engines import load_engine
from terraprompt.plugin.core.interactive.sam_onnx import SamOnnxEngine, find_pair
from terraprompt.plugin.core.interactive.session import InteractiveSession
from terraprompt.plugin.core.modelcards import file_sha256
from terraprompt.plugin.core.raster import open_raster


@pytest.fixture
def sam_pair(tmp_path):
    return encoder(str(tmp_path / "tiny_encoder.onnx")), decoder(str(tmp_path / "tiny_decoder.onnx"))


@pytest.fixture
def sam2_pair(tmp_path):
    return encoder(str(tmp_path / "tiny2_encoder.onnx"), sam2=True), decoder(str(tmp_path / "tiny2_decoder.onnx"), sam2=True)


def _disk(h, w, col, row, radius):
    yy, xx = np.mgrid[0:h, 0:w]
    return (xx + 0.5 - col) ** 2 + (yy + 0.5 - row) ** 2 < radius ** 2


@pytest.mark.parametrize("shape", [(256, 256), (200, 320)])
@pytest.mark.parametrize("variant", ["sam", "sam2"])
def test_click_maps_to_the_right_place(variant, shape, sam_pair, sam2_pair):
    if variant == "sam" and shape[0] != shape[1]:
        pytest.skip("the tiny SAM decoder resizes the padded frame straight to orig_im_size (exact for square inputs only)")
    enc, dec = sam_pair if variant == "sam" else sam2_pair
    eng = SamOnnxEngine(enc, dec, device="cpu")
    h, w = shape
    img = np.random.default_rng(0).uniform(0, 255, (3, h, w)).astype(np.float32)
    f = eng.encode(img, np.ones((h, w), bool))
    col, row = 0.3 * w, 0.6 * h
    mask, score = eng.decode(f, np.array([[col, row]]), np.array([1]))
    assert mask.shape == (h, w)
    scale = S / max(h, w)
    expected = _disk(h, w, col, row, R / scale)
    iou = (mask & expected).sum() / (mask | expected).sum()
    assert iou > 0.85, iou
    assert score == pytest.approx(0.8 if variant == "sam" else 0.9, abs=1e-6)


def test_box_points_and_single_band(sam_pair):
    eng = SamOnnxEngine(*sam_pair, device="cpu")
    img = np.random.default_rng(1).uniform(0, 1000, (1, 128, 128)).astype(np.float32)
    f = eng.encode(img, np.ones((128, 128), bool))
    # with a box the first point is still the click (box corners are appended with labels 2/3)
    mask, _ = eng.decode(f, np.array([[64.0, 64.0]]), np.array([1]), np.array([40.0, 40.0, 90.0, 90.0]))
    assert mask[64, 64] and not mask[0, 0]


def test_session_with_sam_and_cache(sam_pair, tmp_path):
    from terraprompt.plugin.core.interactive.cache import EmbeddingCache

    data, _ = scene()
    src = open_raster(write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), transform=TRANSFORM))
    eng, report = load_engine(sam_pair[0], "cpu")
    assert report.used == "cpu"
    cache = EmbeddingCache(str(tmp_path / "cache"))
    s = InteractiveSession(src, Window(0, 0, 256, 256), engine=eng, cache=cache, grow=False)
    x, y = TRANSFORM * (128, 128)
    r = s.add_point(x, y)
    assert r.mask[128, 128] and r.mask.shape == (256, 256)
    s2 = InteractiveSession(src, Window(0, 0, 256, 256), engine=eng, cache=cache, grow=False)
    assert s2.encode().from_cache
    assert np.array_equal(s2.add_point(x, y).mask, r.mask)


def test_find_pair_and_model_card(sam_pair, tmp_path):
    enc, dec = sam_pair
    assert find_pair(enc)[:2] == (enc, dec)
    assert find_pair(dec)[:2] == (enc, dec)
    assert find_pair(str(tmp_path))[:2] == (enc, dec)
    card = tmp_path / "tiny.json"
    card.write_text(json.dumps({"encoder": "tiny_encoder.onnx", "decoder": "tiny_decoder.onnx",
                                "sha256": {"encoder": file_sha256(enc), "decoder": file_sha256(dec)}}))
    eng, _ = load_engine(str(card), "cpu")
    assert len(eng.sha256) == 64
    card.write_text(json.dumps({"encoder": "tiny_encoder.onnx", "decoder": "tiny_decoder.onnx", "sha256": {"decoder": "0" * 64}}))
    with pytest.raises(ModelError, match="does not match its model card"):
        load_engine(str(card), "cpu")


def test_bad_model_files(sam_pair, tmp_path):
    enc, dec = sam_pair
    with pytest.raises(ModelError, match="does not exist"):
        load_engine(str(tmp_path / "nothing_encoder.onnx"))
    junk = tmp_path / "junk_encoder.onnx"
    junk.write_bytes(b"\x00not an onnx file" * 10)
    (tmp_path / "junk_decoder.onnx").write_bytes(open(dec, "rb").read())
    with pytest.raises(ModelError, match="not a valid ONNX model"):
        load_engine(str(junk))
    with pytest.raises(ModelError, match="encoder or decoder"):
        load_engine(_copy(enc, tmp_path / "model.onnx"))
    # decoder and encoder swapped
    with pytest.raises(ModelError, match="one image input"):
        SamOnnxEngine(dec, enc, device="cpu")
    no_labels = decoder(str(tmp_path / "nl_decoder.onnx"), drop_input="point_labels")
    with pytest.raises(ModelError, match="lacks the inputs point_labels"):
        SamOnnxEngine(enc, no_labels, device="cpu")
    no_iou = decoder(str(tmp_path / "ni_decoder.onnx"), drop_output="iou_predictions")
    with pytest.raises(ModelError, match="masks/iou_predictions"):
        SamOnnxEngine(enc, no_iou, device="cpu")
    bad_enc = encoder(str(tmp_path / "b_encoder.onnx"), input_shape=(1, 4, S, S))
    with pytest.raises(ModelError, match=r"\[1, 3, S, S\]"):
        SamOnnxEngine(bad_enc, dec, device="cpu")
    # a SAM 2 decoder needs high_res_feats the SAM 1 encoder does not give
    d2 = decoder(str(tmp_path / "d2_decoder.onnx"), sam2=True)
    with pytest.raises(ModelError, match="high_res_feats"):
        SamOnnxEngine(enc, d2, device="cpu")


def _copy(src, dst):
    import shutil

    shutil.copy(src, dst)
    return str(dst)


@pytest.mark.parametrize("ir,opset,told", [(8, 40, r"uses ONNX opset 40; onnxruntime .* reads up to opset \d+"),
                                           (99, 17, r"is an ONNX IR version 99 file; onnxruntime .* reads up to IR version \d+")])
def test_a_model_made_for_a_newer_onnx_runtime_is_named_so(sam_pair, tmp_path, ir, opset, told):
    import onnx

    enc, dec = sam_pair
    newer = str(tmp_path / "new_encoder.onnx")
    m = onnx.load(enc)
    m.ir_version, m.opset_import[0].version = ir, opset
    onnx.save(m, newer)
    _copy(dec, tmp_path / "new_decoder.onnx")
    with pytest.raises(ModelError, match="exported for a newer ONNX Runtime: it " + told) as err:
        load_engine(newer)
    assert "older opset" in err.value.fix and "truncated" not in str(err.value)
