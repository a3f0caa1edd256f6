"""Model files against their cards: sha256 checks and a clear word when onnxruntime cannot load them."""
from __future__ import annotations

import os
import sys

import pytest

from terraprompt.plugin.core.errors import ModelError
from terraprompt.plugin.core.modelcards import file_sha256, open_verified

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "interactive"))


def test_open_verified_checks_the_digest_and_names_a_runtime_too_old(tmp_path):
    import onnx
    from tiny_sam import encoder

    path = encoder(str(tmp_path / "m.onnx"))
    sess, report = open_verified(path, {"sha256": file_sha256(path)}, "cpu")
    assert sess.get_inputs()[0].name == "image" and report.used == "cpu"
    with pytest.raises(ModelError, match="corrupt or does not match its model card"):
        open_verified(path, {"sha256": "0" * 64}, "cpu")
    m = onnx.load(path)
    m.opset_import[0].version = 40  # stamped for an ONNX Runtime newer than the one installed
    onnx.save(m, path)
    with pytest.raises(ModelError, match=r"needs a newer onnxruntime: it uses ONNX opset 40") as err:
        open_verified(path, {"sha256": file_sha256(path)}, "cpu", what="land-cover model")
    assert "Setup tab" in err.value.fix
