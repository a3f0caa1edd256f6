"""A change network refitted without validation cities keeps a fixed, transferred threshold (never one fitted on its
training cities), and the export folds that threshold in and says so on the card."""
from __future__ import annotations

import json
import math
import os
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def modules():
    pytest.importorskip("torch")
    pytest.importorskip("onnxruntime")
    sys.path.insert(0, ROOT)
    from training.change_net import evaluate, export

    return evaluate, export


def test_fixed_threshold_is_used_and_checked(modules):
    evaluate, _ = modules
    t, text = evaluate.operating_point(None, {"val_city": ""}, fixed="0.9")
    assert t == 0.9 and "logit(0.900)" in text and "not fitted" in text
    with pytest.raises(ValueError, match="between 0 and 1"):
        evaluate.operating_point(None, {}, fixed="1.5")


def test_no_validation_city_and_no_fixed_threshold_is_refused(modules):
    evaluate, _ = modules
    with pytest.raises(ValueError, match="CHANGE_NET_THRESHOLD"):
        evaluate.operating_point(None, {"val_city": ""}, fixed="")
    with pytest.raises(ValueError, match="CHANGE_NET_THRESHOLD"):
        evaluate.calibrate(None, "")


def test_export_folds_the_fixed_threshold_and_writes_its_text(modules, tmp_path):
    evaluate, export = modules
    import onnxruntime as ort
    import torch

    from training.change_net.common import SLOTS
    from training.change_net.model import make_net

    torch.manual_seed(0)
    net = make_net("fc_siam_diff_lite", len(SLOTS))
    net.eval()
    ckpt = tmp_path / "model.pt"
    torch.save({"state": net.state_dict(), "meta": {"arch": "fc_siam_diff_lite", "steps": 1, "scenes": []}}, ckpt)
    t, text = evaluate.operating_point(None, {}, fixed="0.9")
    out, card = tmp_path / "cand.onnx", tmp_path / "cand.json"
    export.export(t, ckpt=ckpt, out=out, card=card, calibration=text)
    doc = json.loads(card.read_text())
    assert doc["outputs"]["probability"]["calibration"] == text
    assert doc["data"]["validation_cities"] == [] and doc["file"] == "cand.onnx"
    b, a = (np.random.default_rng(i).normal(size=(1, len(SLOTS), 32, 48)).astype(np.float32) for i in (1, 2))
    av = np.ones((1, len(SLOTS)), np.float32)
    prob = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"]).run(
        None, {"before": b, "after": a, "available": av})[0]
    with torch.no_grad():
        logit = net.logits(torch.from_numpy(b), torch.from_numpy(a), torch.from_numpy(av)).numpy()
    # probability 0.5 of the export is probability 0.9 of the raw network
    np.testing.assert_allclose(prob, 1 / (1 + np.exp(-(logit - math.log(0.9 / 0.1)))), atol=1e-4)
