"""Model cards: the JSON next to each bundled model, and the sha256 check every loader makes.

One place for what the land-cover network, the change network, SAM pairs and
the diagnostics report all need: hash a file, read a card, and open an ONNX
model only when its bytes are the ones the card describes.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Sequence

from .errors import ModelError
from .messages import t
from .runtime import cached, cached_session, too_new_for_runtime


def file_sha256(path: str) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cached_sha256(path: str) -> str:
    """:func:`file_sha256`, read again only when the file changed on disk (a model is hashed once, not on every run)."""
    return cached("sha256", path, lambda: file_sha256(path))


def load_card(card_path: str, required: Sequence[str] = ("sha256",), fix: str = "") -> dict:
    """A model card; ModelError naming the card when it is missing, unreadable or lacks a key."""
    name = os.path.basename(card_path)
    try:
        with open(card_path, encoding="utf-8") as fh:
            card = json.load(fh)
    except FileNotFoundError as exc:
        raise ModelError(t("The model card '{name}' is missing.", name=name), fix) from exc
    except (OSError, ValueError) as exc:
        raise ModelError(t("The model card '{name}' cannot be read ({reason}).", name=name, reason=exc), fix) from exc
    if not isinstance(card, dict):
        raise ModelError(t("The model card '{name}' is not a JSON object.", name=name), fix)
    for key in required:
        if key not in card:
            raise ModelError(t("The model card '{name}' has no '{key}' entry.", name=name, key=key), fix)
    return card


def check_sha256(model_path: str, expected: str, fix: str = "") -> str:
    """The file's sha256; ModelError when the file is missing or its bytes differ from the card's."""
    name = os.path.basename(model_path)
    if not os.path.isfile(model_path):
        raise ModelError(t("The model file '{name}' is missing.", name=name), fix)
    digest = cached_sha256(model_path)
    if digest != expected:
        raise ModelError(t("The model file '{name}' is corrupt or does not match its model card "
                           "(sha256 {got}… instead of {want}…).", name=name, got=digest[:12], want=expected[:12]), fix)
    return digest


def open_verified(model_path: str, card: dict, device: str, fix: str = "", what: str = "model"):
    """An onnxruntime session (and its device report) for a model whose sha256 matches its card; both made once per state
    of the file and kept for later runs (:func:`runtime.cached_session`)."""
    check_sha256(model_path, card["sha256"], fix)
    try:
        return cached_session(model_path, device)
    except Exception as exc:  # onnxruntime raises its own exception types
        newer = too_new_for_runtime(exc)
        if newer:
            raise ModelError(t("The {what} file '{name}' needs a newer onnxruntime: {reason}.", what=what,
                               name=os.path.basename(model_path), reason=newer),
                             t("Update onnxruntime (Setup tab, Install dependencies).")) from exc
        raise ModelError(t("The {what} file '{name}' cannot be loaded ({reason}).", what=what, name=os.path.basename(model_path),
                             reason=exc), fix) from exc
