"""Exporting a trained torch module to ONNX for the plugin: write, check against torch, then move into place."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch


def export_checked(module: torch.nn.Module, example: tuple, out: Path, input_names: list[str], output_names: list[str],
                   dynamic_axes: dict, check: tuple, tol: float = 1e-4, what: str = "") -> float:
    """Export ``module`` (traced on ``example``) to ``out``; ONNX Runtime must match torch on ``check`` within ``tol``.

    The file is written next to ``out`` and only replaces it after the check, so a failed export never leaves a
    half-written model in ``models/``. Returns the largest absolute difference seen.
    """
    import onnx
    import onnxruntime as ort

    tmp = out.with_suffix(".onnx.tmp")
    torch.onnx.export(module, example, str(tmp), opset_version=17, dynamo=False, input_names=input_names,
                      output_names=output_names, dynamic_axes=dynamic_axes)
    model = onnx.load(str(tmp))
    model.producer_name = "terraprompt-training"
    onnx.save(model, str(tmp))
    sess = ort.InferenceSession(str(tmp), providers=["CPUExecutionProvider"])
    got = sess.run(None, {n: a.numpy() for n, a in zip(input_names, check)})[0]
    with torch.no_grad():
        ref = module(*check).numpy()
    err = float(np.abs(got - ref).max())
    if err > tol:
        tmp.unlink()
        raise RuntimeError(f"{what + ': ' if what else ''}ONNX and torch disagree (max abs diff {err})")
    tmp.replace(out)
    return err
