"""SAM ONNX pairs as exported in the wild: external weights, float16/uint8 encoders, fixed point counts, model card
spellings, boolean masks and capitalised file names."""
from __future__ import annotations

import json
import os

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from rasterio.windows import Window

from conftest import write_raster
from interactive_helpers import TRANSFORM, scene
from tiny_sam import decoder, encoder
from terraprompt.plugin.core.errors import ModelError
from terraprompt.plugin.core.interactive import sam_onnx
from terraprompt.plugin.core.interactive.cache import EmbeddingCache
from terraprompt.plugin.core.interactive.engines import load_engine
from terraprompt.plugin.core.interactive.sam_onnx import SamOnnxEngine, find_pair
from terraprompt.plugin.core.interactive.session import InteractiveSession
from terraprompt.plugin.core.modelcards import file_sha256
from terraprompt.plugin.core.raster import open_raster


def _save(graph, path: str, **external) -> str:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save_model(model, path, **external)
    return path


def external_encoder(path: str, weight: float) -> str:
    """A SAM-style encoder whose weights lie in '<name>.data' beside it, as exports over 2 GB keep them."""
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 1024, 1024])
    w = numpy_helper.from_array(np.full((1, 3, 16, 16), weight, np.float32), "W")
    nodes = [helper.make_node("AveragePool", ["image"], ["p"], kernel_shape=[64, 64], strides=[64, 64]),
             helper.make_node("Mul", ["p", "W"], ["image_embeddings"])]
    out = helper.make_tensor_value_info("image_embeddings", TensorProto.FLOAT, [1, 3, 16, 16])
    for old in (path, path + ".data"):
        if os.path.exists(old):
            os.remove(old)
    return _save(helper.make_graph(nodes, "enc", [x], [out], initializer=[w]), path, save_as_external_data=True,
                 all_tensors_to_one_file=True, location=os.path.basename(path) + ".data", size_threshold=0)


def typed_encoder(path: str, in_type: int, shape=(1, 3, 1024, 1024), out_type: int = TensorProto.FLOAT) -> str:
    """An encoder taking an image of another type (float16, uint8 HWC): embeddings = the image mean, everywhere."""
    x = helper.make_tensor_value_info("image", in_type, list(shape))
    inits = [numpy_helper.from_array(np.array([1, 3, 16, 16], np.int64), "shape")]
    nodes = [helper.make_node("Cast", ["image"], ["xf"], to=TensorProto.FLOAT),
             helper.make_node("ReduceMean", ["xf"], ["m"], keepdims=0, axes=list(range(len(shape)))),
             helper.make_node("Expand", ["m", "shape"], ["e"]),
             helper.make_node("Cast", ["e"], ["image_embeddings"], to=out_type)]
    out = helper.make_tensor_value_info("image_embeddings", out_type, [1, 3, 16, 16])
    return _save(helper.make_graph(nodes, "enc", [x], [out], initializer=inits), path)


def patched_decoder(path: str, sam2: bool = False, bool_masks: bool = False, static_points: int = 0) -> str:
    """The tiny decoder with a boolean 'masks' output (thresholded in the graph) or a fixed point count."""
    decoder(path, sam2=sam2)
    model = onnx.load(path)
    g = model.graph
    if static_points:
        for i in g.input:
            if i.name in ("point_coords", "point_labels"):
                i.type.tensor_type.shape.dim[1].ClearField("dim_param")
                i.type.tensor_type.shape.dim[1].dim_value = static_points
    if bool_masks:
        for n in g.node:
            for k, o in enumerate(n.output):
                if o == "masks":
                    n.output[k] = "masks_logits"
        g.node.append(helper.make_node("Greater", ["masks_logits", "zero_f0"], ["masks"]))
        g.initializer.append(numpy_helper.from_array(np.array(0.0, np.float32), "zero_f0"))
        for o in g.output:
            if o.name == "masks":
                o.type.tensor_type.elem_type = TensorProto.BOOL
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def _card(tmp_path, **extra) -> str:
    path = tmp_path / "card.json"
    path.write_text(json.dumps({"encoder": "tiny_encoder.onnx", "decoder": "tiny_decoder.onnx", **extra}))
    return str(path)


@pytest.fixture
def sam_pair(tmp_path):
    return encoder(str(tmp_path / "tiny_encoder.onnx")), decoder(str(tmp_path / "tiny_decoder.onnx"))


# ------------------------------------------------------------------ 1. external data
def test_reexported_external_weights_change_the_model_hash_and_the_cache_key(tmp_path):
    enc = external_encoder(str(tmp_path / "big_encoder.onnx"), 1.0)
    decoder(str(tmp_path / "big_decoder.onnx"))
    data, _ = scene()
    src = open_raster(write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), transform=TRANSFORM))
    cache = EmbeddingCache(str(tmp_path / "cache"))
    eng1, _ = load_engine(enc, "cpu")
    e1 = InteractiveSession(src, Window(0, 0, 256, 256), engine=eng1, cache=cache, grow=False).encode()
    graph_sha = file_sha256(enc)
    external_encoder(enc, -3.0)  # fine-tuned weights exported again under the same names
    assert file_sha256(enc) == graph_sha  # the .onnx alone does not tell
    eng2, _ = load_engine(enc, "cpu")
    assert eng2.sha256 != eng1.sha256 and eng2.encoder_sha256 != graph_sha
    e2 = InteractiveSession(src, Window(0, 0, 256, 256), engine=eng2, cache=cache, grow=False).encode()
    assert not e2.from_cache
    assert np.sign(e2.features["image_embeddings"].mean()) == -np.sign(e1.features["image_embeddings"].mean())


def test_external_data_files_are_found(tmp_path):
    enc = external_encoder(str(tmp_path / "big_encoder.onnx"), 1.0)
    dec = decoder(str(tmp_path / "big_decoder.onnx"))
    assert [n for n, _ in SamOnnxEngine(enc, dec, "cpu").hashes["encoder"][1]] == ["big_encoder.onnx.data"]
    assert sam_onnx._scan_locations(enc) == {"big_encoder.onnx.data"}  # the scan used where onnx is not installed
    assert sam_onnx._scan_locations(dec) == set()


def test_a_missing_external_weights_file_is_named_with_the_fix(tmp_path):
    """onnxruntime called the encoder 'not a valid ONNX model', its message cut off before the missing file's name."""
    enc = external_encoder(str(tmp_path / "big_encoder.onnx"), 1.0)
    decoder(str(tmp_path / "big_decoder.onnx"))
    os.remove(enc + ".data")
    with pytest.raises(ModelError, match="keeps its weights in 'big_encoder.onnx.data', which is not in its folder") as err:
        load_engine(enc, "cpu")
    assert "Put 'big_encoder.onnx.data' beside 'big_encoder.onnx'" in str(err.value)
    assert "not a valid ONNX model" not in str(err.value)
    card = tmp_path / "card.json"  # with a card, not a sha256 mismatch (the weights' hash was left out of the file's)
    card.write_text(json.dumps({"encoder": "big_encoder.onnx", "decoder": "big_decoder.onnx",
                                "sha256": {"encoder": "0" * 64, "decoder": "0" * 64}}))
    with pytest.raises(ModelError, match="keeps its weights in 'big_encoder.onnx.data', which is not in its folder"):
        load_engine(str(card), "cpu")


def location_named_encoder(path: str) -> str:
    """A SAM-style encoder with its weights inside, one of whose tensors is called 'location': a node's input 'location'
    followed by its output is encoded with the same bytes as an external-data entry."""
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 1024, 1024])
    nodes = [helper.make_node("AveragePool", ["image"], ["location"], kernel_shape=[64, 64], strides=[64, 64]),
             helper.make_node("Identity", ["location"], ["image_embeddings"])]
    out = helper.make_tensor_value_info("image_embeddings", TensorProto.FLOAT, [1, 3, 16, 16])
    return _save(helper.make_graph(nodes, "enc", [x], [out]), path)


def test_a_tensor_called_location_is_no_external_weights_file_without_onnx(tmp_path, monkeypatch):
    """Where onnx is not installed (many QGIS installs) the byte scan read the output name after an input called
    'location' as a weights file and refused a valid model."""
    enc = location_named_encoder(str(tmp_path / "enc.onnx"))
    dec = decoder(str(tmp_path / "dec.onnx"))
    assert sam_onnx._scan_locations(enc) == set()
    monkeypatch.setitem(__import__("sys").modules, "onnx", None)  # import onnx raises ImportError: the scan alone
    eng = SamOnnxEngine(enc, dec, "cpu")
    assert eng.hashes["encoder"][1] == []


def test_model_card_checks_the_external_weights(tmp_path):
    enc = external_encoder(str(tmp_path / "big_encoder.onnx"), 1.0)
    dec = decoder(str(tmp_path / "big_decoder.onnx"))
    card = tmp_path / "card.json"
    base = {"encoder": "big_encoder.onnx", "decoder": "big_decoder.onnx"}
    card.write_text(json.dumps({**base, "sha256": {"encoder": file_sha256(enc), "decoder": file_sha256(dec)}}))
    with pytest.raises(ModelError, match="keeps its weights in 'big_encoder.onnx.data'") as err:
        load_engine(str(card), "cpu")
    assert file_sha256(enc + ".data") in str(err.value)  # the fix gives the line to add
    full = {"encoder": file_sha256(enc), "decoder": file_sha256(dec), "big_encoder.onnx.data": file_sha256(enc + ".data")}
    card.write_text(json.dumps({**base, "sha256": full}))
    eng, _ = load_engine(str(card), "cpu")
    card2 = tmp_path / "card2.json"  # or the pair's folded hash, as the engine reports it
    card2.write_text(json.dumps({**base, "sha256": {"encoder": eng.encoder_sha256, "decoder": eng.decoder_sha256}}))
    load_engine(str(card2), "cpu")
    external_encoder(enc, -3.0)
    for c in (card, card2):
        with pytest.raises(ModelError, match="does not match its model card"):
            load_engine(str(c), "cpu")


# ------------------------------------------------------------------ 2. encoder input types, run errors
@pytest.mark.parametrize("in_type,shape,out_type", [(TensorProto.FLOAT16, (1, 3, 1024, 1024), TensorProto.FLOAT16),
                                                    (TensorProto.UINT8, ("H", "W", 3), TensorProto.FLOAT)])
def test_float16_and_uint8_encoders_run(tmp_path, in_type, shape, out_type):
    enc = typed_encoder(str(tmp_path / "t_encoder.onnx"), in_type, shape, out_type)
    eng = SamOnnxEngine(enc, decoder(str(tmp_path / "t_decoder.onnx")), device="cpu")
    img = np.random.default_rng(0).uniform(0, 255, (3, 128, 128)).astype(np.float32)
    f = eng.encode(img, np.ones((128, 128), bool))
    if in_type == TensorProto.UINT8:  # 8-bit RGB as the graph expects, not normalised
        assert 100 < float(f["image_embeddings"].mean()) < 160
    mask, _ = eng.decode(f, np.array([[64.0, 64.0]]), np.array([1]))
    assert mask[64, 64] and not mask[0, 0]


def test_unsupported_encoder_input_type_is_refused_at_load(tmp_path):
    enc = typed_encoder(str(tmp_path / "i_encoder.onnx"), TensorProto.INT32)
    with pytest.raises(ModelError, match="takes a tensor\\(int32\\) image"):
        SamOnnxEngine(enc, decoder(str(tmp_path / "i_decoder.onnx")), device="cpu")


def test_a_failing_run_is_a_model_error_naming_the_file(tmp_path):
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, "S", "S"])
    nodes = [helper.make_node("Reshape", ["image", "bad"], ["image_embeddings"])]  # 3 x 1024² is no multiple of 7
    out = helper.make_tensor_value_info("image_embeddings", TensorProto.FLOAT, [7, "n"])
    enc = _save(helper.make_graph(nodes, "enc", [x], [out],
                                  initializer=[numpy_helper.from_array(np.array([7, -1], np.int64), "bad")]),
                str(tmp_path / "broken_encoder.onnx"))
    eng = SamOnnxEngine(enc, decoder(str(tmp_path / "broken_decoder.onnx")), device="cpu")
    with pytest.raises(ModelError, match="The SAM encoder 'broken_encoder.onnx' failed to run"):
        eng.encode(np.zeros((3, 64, 64), np.float32), np.ones((64, 64), bool))


# ------------------------------------------------------------------ 3. fixed point count
def test_decoder_with_a_fixed_point_count_is_padded(tmp_path):
    eng = SamOnnxEngine(encoder(str(tmp_path / "f_encoder.onnx")),
                        patched_decoder(str(tmp_path / "f_decoder.onnx"), static_points=5), device="cpu")
    assert eng.max_points == 5
    f = eng.encode(np.random.default_rng(0).uniform(0, 255, (3, 128, 128)).astype(np.float32), np.ones((128, 128), bool))
    mask, _ = eng.decode(f, np.array([[64.0, 64.0]]), np.array([1]))
    assert mask[64, 64] and not mask[0, 0]
    mask, _ = eng.decode(f, np.array([[64.0, 64.0]] * 3), np.array([1, 0, 1]), np.array([40.0, 40.0, 90.0, 90.0]))
    assert mask[64, 64]
    with pytest.raises(ModelError, match="exactly 5 points; these prompts need 6"):
        eng.decode(f, np.array([[64.0, 64.0]] * 4), np.array([1, 1, 0, 0]), np.array([40.0, 40.0, 90.0, 90.0]))


# ------------------------------------------------------------------ 4. model card spellings
@pytest.mark.parametrize("extra", [{"sha256": {"image_encoder": "0" * 64, "mask_decoder": "0" * 64}},
                                   {"encoder_sha256": "0" * 64, "decoder_sha256": "0" * 64},
                                   {"sha256": {"tiny_encoder.onnx": "0" * 64}}])
def test_model_card_hash_spellings_are_checked(sam_pair, tmp_path, extra):
    with pytest.raises(ModelError, match="does not match its model card"):
        load_engine(_card(tmp_path, **extra), "cpu")


def test_model_card_with_right_hashes_under_other_names_loads(sam_pair, tmp_path):
    enc, dec = sam_pair
    eng, report = load_engine(_card(tmp_path, sha256={"image_encoder": file_sha256(enc).upper(),
                                                      "mask_decoder": file_sha256(dec)}), "cpu")
    assert "not checked" not in report.reason
    load_engine(_card(tmp_path, encoder_sha256=file_sha256(enc), decoder_sha256=file_sha256(dec)), "cpu")


@pytest.mark.parametrize("extra,message", [({"sha256": "9f2c0e"}, "gives 'sha256' as a single value"),
                                           ({"sha256": ["a", "b"]}, "gives 'sha256' as a single value"),
                                           ({"sha256": {"encoder": "9f2c0e"}}, "not 64 hexadecimal digits"),
                                           ({"sha256": {"encoder": 12}}, "not 64 hexadecimal digits"),
                                           ({"sha256": {"checkpoint": "0" * 64}}, "sha256 for 'checkpoint'"),
                                           ({"model_sha256": "0" * 64}, "sha256 for 'model'")])
def test_unreadable_or_unknown_card_hashes_are_refused(sam_pair, tmp_path, extra, message):
    with pytest.raises(ModelError, match=message):
        load_engine(_card(tmp_path, **extra), "cpu")


def test_a_card_without_hashes_says_so(sam_pair, tmp_path):
    _, report = load_engine(_card(tmp_path), "cpu")
    assert "no sha256 for tiny_encoder.onnx, tiny_decoder.onnx: not checked" in report.reason
    _, report = load_engine(_card(tmp_path, sha256={"encoder": file_sha256(sam_pair[0])}), "cpu")
    assert "no sha256 for tiny_decoder.onnx: not checked" in report.reason
    _, report = load_engine(sam_pair[0], "cpu")  # no card: nothing to say
    assert "not checked" not in report.reason


# ------------------------------------------------------------------ 6. boolean masks
def test_boolean_masks_are_not_grown(tmp_path):
    enc = encoder(str(tmp_path / "a_encoder.onnx"), sam2=True)
    ref = SamOnnxEngine(enc, decoder(str(tmp_path / "a_decoder.onnx"), sam2=True), device="cpu")
    boo = SamOnnxEngine(enc, patched_decoder(str(tmp_path / "b_decoder.onnx"), sam2=True, bool_masks=True), device="cpu")
    img = np.random.default_rng(0).uniform(0, 255, (3, 1024, 1024)).astype(np.float32)
    f = ref.encode(img, np.ones((1024, 1024), bool))
    m1, _ = ref.decode(f, np.array([[500.0, 480.0]]), np.array([1]))
    m2, _ = boo.decode(f, np.array([[500.0, 480.0]]), np.array([1]))
    assert abs(int(m2.sum()) / int(m1.sum()) - 1) < 0.01, (int(m1.sum()), int(m2.sum()))  # was +5 %
    assert (m1 ^ m2).sum() / m1.sum() < 0.03


# ------------------------------------------------------------------ 7. file name case
def test_capitalised_pair_names_are_found(tmp_path):
    enc = encoder(str(tmp_path / "SAM_Encoder.onnx"))
    dec = decoder(str(tmp_path / "SAM_Decoder.onnx"))
    assert find_pair(enc)[:2] == (enc, dec) and find_pair(dec)[:2] == (enc, dec)
    load_engine(enc, "cpu")
    other = encoder(str(tmp_path / "vit_b-ENCODER.onnx"))
    odd = decoder(str(tmp_path / "Vit_B-decoder.onnx"))  # another case altogether: found in the folder
    assert find_pair(other)[:2] == (other, odd)
