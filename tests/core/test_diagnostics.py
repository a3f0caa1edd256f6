"""Diagnostics: every bundled model file, single-file cards and multi-file cards alike, is checked against its card."""
from __future__ import annotations

import json
import os
import shutil

from conftest import ROOT
from terraprompt.plugin.core.diagnostics import model_checks

MODELS = os.path.join(ROOT, "models")


def test_bundled_models_all_ok():
    rows = model_checks(MODELS)
    files = {f for _, f, _, _ in rows}
    assert {"change_net.onnx", "landcover_net.onnx", "promptable_net_encoder.onnx", "promptable_net_decoder.onnx"} <= files
    assert all(ok for _, _, ok, _ in rows), rows  # the two-file promptable card was reported 'model file missing'


def test_missing_and_altered_files_are_reported(tmp_path):
    for name in ("promptable_net.json", "promptable_net_encoder.onnx", "change_net.json", "change_net.onnx"):
        shutil.copy(os.path.join(MODELS, name), tmp_path / name)
    with open(tmp_path / "change_net.onnx", "ab") as fh:
        fh.write(b"x")
    rows = {f: (ok, detail) for _, f, ok, detail in model_checks(str(tmp_path))}
    assert rows["promptable_net_encoder.onnx"] == (True, "sha256 ok")
    assert rows["promptable_net_decoder.onnx"] == (False, "model file missing")
    assert not rows["change_net.onnx"][0] and "mismatch" in rows["change_net.onnx"][1]
    card = json.load(open(tmp_path / "promptable_net.json"))
    assert set(card["files"]) == {"encoder", "decoder"}
