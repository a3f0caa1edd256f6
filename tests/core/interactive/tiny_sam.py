"""Tiny ONNX graphs with the SAM / SAM 2 exporter signatures, built with onnx.helper for the adapter tests.

Encoder: average-pools the normalised image to a 16 x 16 "embedding" (and 64/32 grids for the SAM 2 style).
Decoder: a disk of radius R (in the 1024 frame) around the first point; masks at orig_im_size (SAM style)
or K low-res 256 x 256 masks of the padded frame with iou_predictions choosing the disk (SAM 2 style).
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

S = 1024
R = 100.0


def _save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def encoder(path: str, sam2: bool = False, input_shape=(1, 3, S, S)) -> str:
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT, list(input_shape))
    nodes = [helper.make_node("AveragePool", ["image"], ["emb"], kernel_shape=[64, 64], strides=[64, 64])]
    outs = []
    if sam2:
        nodes += [helper.make_node("Identity", ["emb"], ["image_embed"]),
                  helper.make_node("AveragePool", ["image"], ["high_res_feats_0"], kernel_shape=[16, 16], strides=[16, 16]),
                  helper.make_node("AveragePool", ["image"], ["high_res_feats_1"], kernel_shape=[32, 32], strides=[32, 32])]
        outs = [helper.make_tensor_value_info("image_embed", TensorProto.FLOAT, [1, 3, 16, 16]),
                helper.make_tensor_value_info("high_res_feats_0", TensorProto.FLOAT, [1, 3, 64, 64]),
                helper.make_tensor_value_info("high_res_feats_1", TensorProto.FLOAT, [1, 3, 32, 32])]
    else:
        nodes += [helper.make_node("Identity", ["emb"], ["image_embeddings"])]
        outs = [helper.make_tensor_value_info("image_embeddings", TensorProto.FLOAT, [1, 3, 16, 16])]
    return _save(helper.make_graph(nodes, "tiny_sam_encoder", [x], outs), path)


def _grid(n: int) -> np.ndarray:
    c = (np.arange(n, dtype=np.float32) + 0.5) * (S / n)
    gx, gy = np.meshgrid(c, c)
    return np.stack([gx, gy], axis=-1)[None]  # [1, n, n, 2]


def decoder(path: str, sam2: bool = False, drop_input: str = "", drop_output: str = "") -> str:
    emb_name = "image_embed" if sam2 else "image_embeddings"
    n = 256 if sam2 else 64
    inputs = [helper.make_tensor_value_info(emb_name, TensorProto.FLOAT, [1, 3, 16, 16])]
    if sam2:
        inputs += [helper.make_tensor_value_info("high_res_feats_0", TensorProto.FLOAT, [1, 3, 64, 64]),
                   helper.make_tensor_value_info("high_res_feats_1", TensorProto.FLOAT, [1, 3, 32, 32])]
    inputs += [helper.make_tensor_value_info("point_coords", TensorProto.FLOAT, [1, "N", 2]),
               helper.make_tensor_value_info("point_labels", TensorProto.FLOAT, [1, "N"]),
               helper.make_tensor_value_info("mask_input", TensorProto.FLOAT, [1, 1, 256, 256]),
               helper.make_tensor_value_info("has_mask_input", TensorProto.FLOAT, [1])]
    if not sam2:
        inputs.append(helper.make_tensor_value_info("orig_im_size", TensorProto.FLOAT, [2]))
    inputs = [i for i in inputs if i.name != drop_input]
    inits = [numpy_helper.from_array(_grid(n), "grid"),
             numpy_helper.from_array(np.array([0], np.int64), "zero"),
             numpy_helper.from_array(np.array([-1], np.int64), "minus1"),
             numpy_helper.from_array(np.array(R * R / 1000.0, np.float32), "r2"),
             numpy_helper.from_array(np.array(1000.0, np.float32), "k"),
             numpy_helper.from_array(np.array([1, 1, 1, 2], np.int64), "p_shape"),
             numpy_helper.from_array(np.array([1, 1], np.int64), "one_one")]
    nodes = [
        helper.make_node("Gather", ["point_coords", "zero"], ["p0"], axis=1),  # [1, 1, 2]
        helper.make_node("Reshape", ["p0", "p_shape"], ["p"]),
        helper.make_node("Sub", ["grid", "p"], ["d"]),
        helper.make_node("Mul", ["d", "d"], ["d2"]),
        helper.make_node("ReduceSum", ["d2", "minus1"], ["dist2"], keepdims=0),  # [1, n, n]
        helper.make_node("Div", ["dist2", "k"], ["dist2k"]),
        helper.make_node("Sub", ["r2", "dist2k"], ["disk"]),
        helper.make_node("Unsqueeze", ["disk", "zero"], ["low"]),  # [1, 1, n, n]
    ]
    outputs = []
    if sam2:
        inits += [numpy_helper.from_array(np.array([[0.2, 0.9, 0.5]], np.float32), "ious"),
                  numpy_helper.from_array(np.array(-5.0, np.float32), "neg")]
        nodes += [helper.make_node("Mul", ["low", "zero_f"], ["zl"]),
                  helper.make_node("Add", ["zl", "neg"], ["empty"]),
                  helper.make_node("Concat", ["empty", "low", "empty"], ["masks"], axis=1),
                  helper.make_node("Identity", ["ious"], ["iou_predictions"])]
        inits.append(numpy_helper.from_array(np.array(0.0, np.float32), "zero_f"))
        outputs = [helper.make_tensor_value_info("masks", TensorProto.FLOAT, [1, 3, n, n]),
                   helper.make_tensor_value_info("iou_predictions", TensorProto.FLOAT, [1, 3])]
    else:
        inits += [numpy_helper.from_array(np.array([[0.8]], np.float32), "ious")]
        nodes += [helper.make_node("Cast", ["orig_im_size"], ["hw"], to=TensorProto.INT64),
                  helper.make_node("Concat", ["one_one", "hw"], ["sizes"], axis=0),
                  helper.make_node("Resize", ["low", "", "", "sizes"], ["masks"], mode="linear"),
                  helper.make_node("Identity", ["ious"], ["iou_predictions"]),
                  helper.make_node("Identity", ["low"], ["low_res_masks"])]
        outputs = [helper.make_tensor_value_info("masks", TensorProto.FLOAT, [1, 1, "H", "W"]),
                   helper.make_tensor_value_info("iou_predictions", TensorProto.FLOAT, [1, 1]),
                   helper.make_tensor_value_info("low_res_masks", TensorProto.FLOAT, [1, 1, n, n])]
    outputs = [o for o in outputs if o.name != drop_output]
    return _save(helper.make_graph(nodes, "tiny_sam_decoder", inputs, outputs, initializer=inits), path)
