"""Choosing an interactive engine from the MODEL setting: the bundled network, the classical engine or a SAM ONNX pair."""
from __future__ import annotations

import os

from ..errors import ModelError
from ..messages import t
from ..runtime import DeviceReport, numpy_device

BUNDLED = ("", "bundled", "default")
"""Settings meaning 'the bundled engine': the promptable network when its card verifies, else the classical engine."""
CLASSICAL = ("classical",)
NETWORK = ("network", "promptable_net")
BUNDLED_PREFERS = "network"
"""Which engine 'bundled' means when both are available (measured: see models/promptable_net.json, metrics)."""


def load_engine(model: str = "bundled", device: str = "auto") -> tuple[object, DeviceReport]:
    """The engine for a model setting ('bundled', 'network', 'classical' or a path to a SAM pair) and the device report."""
    model = (model or "").strip()
    key = "network" if _is_bundled_card(model) else model.lower()
    if key in CLASSICAL or (key in BUNDLED and BUNDLED_PREFERS == "classical"):
        from .classical import ClassicalEngine

        return ClassicalEngine(), numpy_device(device)
    if key in NETWORK:
        from .network import NetworkEngine

        engine = NetworkEngine(device=device)
        return engine, engine.report
    if key in BUNDLED:
        from .network import NetworkEngine

        try:
            engine = NetworkEngine(device=device)
            return engine, engine.report
        except ModelError as exc:
            from .classical import ClassicalEngine

            report = numpy_device(device)
            error = str(exc)
            report.add(lambda: t("bundled network unavailable, classical engine used instead: {error}", error=error))
            return ClassicalEngine(), report
    from .sam_onnx import SamOnnxEngine, find_pair

    enc, dec, sha = find_pair(model)
    engine = SamOnnxEngine(enc, dec, device=device, expected_sha256=sha)
    return engine, engine.report


def _is_bundled_card(model: str) -> bool:
    """Whether the setting is the path of the bundled network's card (models/promptable_net.json), which names its
    files as the network reads them, not as a SAM card does."""
    if not model.lower().endswith(".json"):
        return False
    from . import network

    try:
        return os.path.samefile(model, network.CARD)
    except OSError:
        return False
