"""ONNX sessions and model hashes are made once per state of the model file (probe 'longsession', finding 2: 23 sessions
and as many sha256 reads for 35 Processing runs), made again when the file is replaced, and released at plugin unload."""
from __future__ import annotations

import os
import shutil
import sys

import pytest

from terraprompt.plugin.core import modelcards, runtime
from terraprompt.plugin.core.errors import ModelError
from terraprompt.plugin.core.interactive import sam_onnx
from terraprompt.plugin.core.modelcards import file_sha256, open_verified

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "interactive"))
from tiny_sam import decoder, encoder  # noqa: E402


@pytest.fixture
def reads(monkeypatch):
    """The files whose sha256 was computed (each full read of a model)."""
    runtime.release_models()
    done: list[str] = []

    def counted(path: str) -> str:
        done.append(os.path.basename(path))
        return file_sha256(path)

    monkeypatch.setattr(modelcards, "file_sha256", counted)
    yield done
    runtime.release_models()


def test_a_verified_model_is_hashed_and_loaded_once_for_many_runs(tmp_path, reads):
    path = encoder(str(tmp_path / "m.onnx"))
    card = {"sha256": file_sha256(path)}
    first, report = open_verified(path, card, "cpu")
    for _ in range(3):
        again, again_report = open_verified(path, card, "cpu")
        assert again is first
    assert reads == ["m.onnx"]
    again_report.add(lambda: "added by one engine")
    assert "added by one engine" not in open_verified(path, card, "cpu")[1].reason  # each run gets its own report


def test_a_model_replaced_on_disk_is_checked_and_loaded_again(tmp_path, reads):
    path = encoder(str(tmp_path / "m.onnx"))
    card = {"sha256": file_sha256(path)}
    first, _ = open_verified(path, card, "cpu")
    with open(path, "r+b") as fh:  # damaged in place: same size, other bytes
        fh.seek(os.path.getsize(path) // 2)
        fh.write(b"\0\0\0\0")
    with pytest.raises(ModelError, match="corrupt or does not match its model card"):
        open_verified(path, card, "cpu")
    other = encoder(str(tmp_path / "other.onnx"), input_shape=(1, 3, 32, 32))
    shutil.copyfile(other, path)  # a new version of the model, with its new card
    second, _ = open_verified(path, {"sha256": file_sha256(other)}, "cpu")
    assert second is not first and second.get_inputs()[0].shape == [1, 3, 32, 32]
    assert reads == ["m.onnx"] * 3


def test_a_changed_thread_count_or_release_makes_a_new_session(tmp_path, reads, monkeypatch):
    path = encoder(str(tmp_path / "m.onnx"))
    card = {"sha256": file_sha256(path)}
    first, _ = open_verified(path, card, "cpu")
    monkeypatch.setenv("TERRAPROMPT_THREADS", "1")
    one_thread, report = open_verified(path, card, "cpu")
    assert one_thread is not first and report.threads == 1
    runtime.release_models()
    assert open_verified(path, card, "cpu")[0] is not one_thread
    assert reads == ["m.onnx", "m.onnx"]  # hashed again only after the release


def test_a_sam_pair_is_hashed_and_loaded_once_for_many_runs(tmp_path, reads, monkeypatch):
    enc, dec = encoder(str(tmp_path / "t_encoder.onnx")), decoder(str(tmp_path / "t_decoder.onnx"))
    scans: list[str] = []
    scanned = sam_onnx._scanned

    def counted(path: str):
        scans.append(os.path.basename(path))
        return scanned(path)

    monkeypatch.setattr(sam_onnx, "_scanned", counted)
    engines = [sam_onnx.SamOnnxEngine(enc, dec, "cpu") for _ in range(3)]
    assert {id(e.enc) for e in engines} == {id(engines[0].enc)} and {id(e.dec) for e in engines} == {id(engines[0].dec)}
    assert scans == ["t_encoder.onnx", "t_decoder.onnx"]
    shutil.copyfile(encoder(str(tmp_path / "other.onnx"), input_shape=(1, 3, 32, 32)), enc)
    replaced = sam_onnx.SamOnnxEngine(enc, dec, "cpu")
    assert replaced.enc is not engines[0].enc and replaced.encoder_sha256 != engines[0].encoder_sha256
    assert replaced.dec is engines[0].dec


def test_only_the_last_sam_pair_used_stays_loaded(tmp_path, reads):
    """A user's SAM pairs weigh hundreds of MB each: another pair replaces the one kept, the bundled models stay."""
    first = [encoder(str(tmp_path / "a_encoder.onnx")), decoder(str(tmp_path / "a_decoder.onnx"))]
    second = [encoder(str(tmp_path / "b_encoder.onnx"), input_shape=(1, 3, 32, 32)), decoder(str(tmp_path / "b_decoder.onnx"))]
    bundled = encoder(str(tmp_path / "m.onnx"))
    kept, _ = open_verified(bundled, {"sha256": file_sha256(bundled)}, "cpu")
    a = sam_onnx.SamOnnxEngine(*first, "cpu")
    b = sam_onnx.SamOnnxEngine(*second, "cpu")
    assert sam_onnx.SamOnnxEngine(*second, "cpu").enc is b.enc
    assert sam_onnx.SamOnnxEngine(*first, "cpu").enc is not a.enc
    assert open_verified(bundled, {"sha256": file_sha256(bundled)}, "cpu")[0] is kept
