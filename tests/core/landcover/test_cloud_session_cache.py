"""The cloud network's ONNX session is kept in runtime's shared model cache: one per state of the model file, device,
providers and threads, dropped by runtime.release_models()."""
from __future__ import annotations

import os
import shutil

import pytest

from plugin.core import runtime
from plugin.core.landcover import clouds

ROLES = {"blue", "green", "red", "nir"}


@pytest.fixture
def model_dir(tmp_path, monkeypatch):
    """A copy of the 4-band L1C cloud model in a folder of its own, read as the ukis-csmask folder."""
    folder = clouds.csmask_dir()
    if folder is None:
        pytest.skip("ukis-csmask is not installed")
    for ext in (".onnx", ".json"):
        shutil.copy(os.path.join(folder, "model_4b_l1c" + ext), tmp_path / ("model_4b_l1c" + ext))
    monkeypatch.setattr(clouds, "csmask_dir", lambda: str(tmp_path))
    runtime.release_models()
    yield tmp_path
    runtime.release_models()


def test_cloud_session_is_kept_by_file_state_and_released(model_dir):
    first = clouds.CloudMasker(ROLES, 10.0, "l1c", "cpu")
    assert clouds.CloudMasker(ROLES, 10.0, "l1c", "cpu").session is first.session
    model = model_dir / "model_4b_l1c.onnx"
    st = os.stat(model)
    os.utime(model, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # the model replaced on disk
    replaced = clouds.CloudMasker(ROLES, 10.0, "l1c", "cpu")
    assert replaced.session is not first.session
    assert clouds.CloudMasker(ROLES, 10.0, "l1c", "cpu").session is replaced.session
    runtime.release_models()
    assert clouds.CloudMasker(ROLES, 10.0, "l1c", "cpu").session is not replaced.session


def test_default_threads_share_one_cloud_session(model_dir):
    first = clouds.CloudMasker(ROLES, 10.0, "l1c", "cpu")
    assert clouds.CloudMasker(ROLES, 10.0, "l1c", "cpu", threads=runtime.default_threads()).session is first.session
