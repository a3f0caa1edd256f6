"""Rebuild a trainable PromptableNet from the bundled ONNX pair (warm start when no checkpoint is at hand).

The exported graphs hold each convolution with its BatchNorm folded in. Here each folded convolution goes back
into its Conv2d and the following BatchNorm becomes an affine identity (running mean 0, running variance
1 - eps, weight 1, bias = the folded bias), so the rebuilt network computes exactly what the ONNX files do as long
as the BatchNorm layers stay in eval mode (``train --freeze-bn``). Checked against ONNX Runtime on random input.

``python -m training.promptable_net.from_onnx [OUT]`` writes a checkpoint (default training/runs/promptable/from_onnx.pt).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .common import DECODER, ENCODER, RUNS
from .model import Decoder, PromptableNet


def conv_bn_pairs(module: nn.Module, order: list[str]) -> list[tuple[nn.Conv2d, nn.BatchNorm2d]]:
    """(conv, bn) pairs of ``module`` named by ``order`` (conv name, bn name) in the graph's execution order."""
    named = dict(module.named_modules())
    return [(named[c], named[b]) for c, b in order]


def encoder_order(net: PromptableNet) -> list[tuple[str, str]]:
    """Execution order of the encoder's conv + BN pairs (stem, blocks, FPN fuse)."""
    order = [("_conv_stem", "_bn0")]
    for i, blk in enumerate(net.encoder._blocks):
        if blk.expand:
            order.append((f"_blocks.{i}._expand_conv", f"_blocks.{i}._bn0"))
        order += [(f"_blocks.{i}._depthwise_conv", f"_blocks.{i}._bn1"), (f"_blocks.{i}._project_conv", f"_blocks.{i}._bn2")]
    return order + [("fuse.0", "fuse.1")]


def decoder_order() -> list[tuple[str, str]]:
    """Execution order of the decoder's conv + BN pairs (the cbr blocks)."""
    names = ["c96", "d48.0", "d48.1", "d24.0", "d24.1", "d24.2", "u48", "u96"]
    return [(f"{n}.0", f"{n}.1") for n in names]


def load_graph(module: nn.Module, path: Path, pairs: list[tuple[nn.Conv2d, nn.BatchNorm2d]]) -> int:
    """Copy the ONNX initialisers of ``path`` into ``module``: named ones by name, folded convs in order; returns the count."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    state = module.state_dict()
    n = 0
    for name, arr in inits.items():
        if name in state:
            state[name].copy_(torch.from_numpy(np.array(arr)))
            n += 1
    module.load_state_dict(state)
    folded = [node for node in graph.node if node.op_type == "Conv" and node.input[1] not in state]
    if len(folded) != len(pairs):
        raise ValueError(f"{path.name}: {len(folded)} folded convolutions, the model has {len(pairs)} conv + BN pairs")
    with torch.no_grad():
        for node, (conv, bn) in zip(folded, pairs):
            w = torch.from_numpy(np.array(inits[node.input[1]]))
            b = torch.from_numpy(np.array(inits[node.input[2]])) if len(node.input) > 2 else torch.zeros(w.shape[0])
            if tuple(w.shape) != tuple(conv.weight.shape):
                raise ValueError(f"{path.name}: weight {tuple(w.shape)} does not fit {tuple(conv.weight.shape)}")
            conv.weight.copy_(w)
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
            bn.weight.fill_(1.0)
            bn.bias.copy_(b)
            n += 1
    return n


def rebuild(encoder: Path = ENCODER, decoder: Path = DECODER) -> PromptableNet:
    """A PromptableNet computing what the ONNX pair computes (BatchNorm layers to be kept in eval mode)."""
    import onnx

    graph = onnx.load(str(decoder)).graph
    conv = next(n for n in graph.node if n.op_type == "Conv")  # the first convolution: its input width tells the version
    first = next(i for i in graph.initializer if i.name == conv.input[1])
    net = PromptableNet(cues=first.dims[1] == Decoder.IN + Decoder.CUES)
    load_graph(net.encoder, encoder, conv_bn_pairs(net.encoder, encoder_order(net)))
    load_graph(net.decoder, decoder, conv_bn_pairs(net.decoder, decoder_order()))
    return net.eval()


def max_difference(net: PromptableNet, encoder: Path = ENCODER, decoder: Path = DECODER) -> float:
    """Largest absolute difference between the rebuilt network and ONNX Runtime on a random window and prompt."""
    import onnxruntime as ort

    rng = np.random.default_rng(0)
    img = rng.random((1, 3, 64, 64), dtype=np.float32)
    enc = ort.InferenceSession(str(encoder), providers=["CPUExecutionProvider"])
    dec = ort.InferenceSession(str(decoder), providers=["CPUExecutionProvider"])
    emb = enc.run(None, {"image": img})[0]
    feeds = {"embedding": emb, "image": img, "prev_mask": (rng.random((1, 1, 64, 64)) > 0.5).astype(np.float32),
             "roi": np.array([[4, 4, 60, 60]], np.float32), "points": np.array([[[30, 30], [10, 50]]], np.float32),
             "labels": np.array([[1, 0]], np.float32), "box": np.zeros((1, 4), np.float32)}
    logits = dec.run(None, feeds)[0]
    with torch.no_grad():
        e = net.encoder(torch.from_numpy(img))
        t = {k: torch.from_numpy(v) for k, v in feeds.items()}
        lt = net.decoder(e, t["image"], t["prev_mask"], t["roi"], t["points"], t["labels"], t["box"])
    return float(max(np.abs(e.numpy() - emb).max(), np.abs(lt.numpy() - logits).max()))


def main(out: Path = RUNS / "from_onnx.pt") -> None:
    """Rebuild, check against ONNX Runtime and save a checkpoint usable with ``train --init OUT --freeze-bn``."""
    import json

    net = rebuild()
    diff = max_difference(net)
    if diff > 1e-3:
        raise SystemExit(f"the rebuilt network differs from the ONNX files by {diff:.2e}")
    card = json.loads((ENCODER.parent / "promptable_net.json").read_text())
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"state": net.state_dict(), "meta": {**card.get("training", {}), "rebuilt_from_onnx": card["sha256"]}}, out)
    print(f"rebuilt from the ONNX pair (max difference {diff:.1e}) → {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else RUNS / "from_onnx.pt")
