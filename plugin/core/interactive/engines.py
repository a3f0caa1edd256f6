"""Choosing an interactive engine from the MODEL setting: the bundled classical engine or a SAM ONNX pair."""
from __future__ import annotations

from ..runtime import DeviceReport, numpy_device

BUNDLED = ("", "bundled", "classical", "default")


def load_engine(model: str = "classical", device: str = "auto") -> tuple[object, DeviceReport]:
    """The engine for a model setting ('classical'/'bundled' or a path to a SAM pair) and the device report."""
    model = (model or "").strip()
    if model.lower() in BUNDLED:
        from .classical import ClassicalEngine

        return ClassicalEngine(), numpy_device(device)
    from .sam_onnx import SamOnnxEngine, find_pair

    enc, dec, sha = find_pair(model)
    engine = SamOnnxEngine(enc, dec, device=device, expected_sha256=sha)
    return engine, engine.report
