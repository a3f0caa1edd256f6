"""Diagnostics: the copyable report a user attaches to a bug report.

Versions (QGIS given by the caller, Python, GDAL, PROJ), each dependency with
version and path, onnxruntime providers and the one used by the last run, torch
CUDA, cache folders and sizes, and every bundled model checked against its card.
"""
from __future__ import annotations

import glob
import json
import os
import platform
import sys
from typing import Optional

from . import deps
from .catalog import MODELS_DIR
from .modelcards import file_sha256


def folder_size(path: str) -> int:
    """Total bytes of the files under a folder (0 when absent)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def model_checks(models_dir: str = MODELS_DIR) -> list[tuple[str, str, bool, str]]:
    """(card, model file, ok, detail) for every model card that names a file and a sha256."""
    out = []
    for card_path in sorted(glob.glob(os.path.join(models_dir, "*.json"))):
        try:
            with open(card_path, encoding="utf-8") as fh:
                card = json.load(fh)
        except (OSError, ValueError) as exc:
            out.append((os.path.basename(card_path), "", False, f"unreadable card: {exc}"))
            continue
        if not isinstance(card, dict) or "sha256" not in card:
            continue
        if isinstance(card.get("files"), dict):  # several files (e.g. an encoder and a decoder), each with its sha256
            files = [(f["file"], f.get("sha256", "")) for f in card["files"].values() if isinstance(f, dict) and "file" in f]
        else:
            files = [(card.get("file") or os.path.splitext(os.path.basename(card_path))[0] + ".onnx", card["sha256"])]
        for fname, expected in files:
            out.append((os.path.basename(card_path), fname) + _file_check(os.path.join(models_dir, fname), expected))
    return out


def _file_check(path: str, expected: str) -> tuple[bool, str]:
    """(ok, detail) of a model file against the sha256 its card gives."""
    if not os.path.exists(path):
        return False, "model file missing"
    digest = file_sha256(path)
    if digest == expected:
        return True, "sha256 ok"
    return False, f"sha256 mismatch: {digest[:12]}… vs card {expected[:12]}…"


def _gdal_proj() -> tuple[str, str]:
    gdal_v = proj_v = "not available"
    try:
        from osgeo import gdal, osr

        gdal_v = gdal.__version__
        proj_v = f"{osr.GetPROJVersionMajor()}.{osr.GetPROJVersionMinor()}.{osr.GetPROJVersionMicro()}"
    except Exception:
        pass
    return gdal_v, proj_v


def report(qgis_version: str = "", profile_dir: Optional[str] = None, cache_dirs: Optional[dict[str, str]] = None,
           cache_caps: Optional[dict[str, str]] = None) -> str:
    """The full diagnostics report as plain text; ``cache_caps`` gives, by cache name, the size a cache is trimmed to
    (a line under that cache's folder)."""
    from .runtime import LAST_REPORT

    gdal_v, proj_v = _gdal_proj()
    lines = ["TerraPrompt diagnostics", "=======================",
             f"QGIS: {qgis_version or 'unknown'}", f"Python: {sys.version.split()[0]} ({sys.executable}); tag {deps.python_tag()}",
             f"Platform: {platform.platform()}", f"GDAL: {gdal_v}", f"PROJ: {proj_v}", "", "Dependencies:"]
    for st in deps.check_all(import_them=True):
        if st.ok:
            lines.append(f"  [ok]      {st.name} {st.version} — {st.path}")
        else:
            lines.append(f"  [missing] {st.name}{' (optional)' if st.optional else ''} — needed for {', '.join(st.needed_for)} — {st.error}")
    lines += ["", "Devices:"]
    try:
        import onnxruntime as ort

        lines.append(f"  onnxruntime providers available: {', '.join(ort.get_available_providers())}; device {ort.get_device()}")
    except Exception as exc:
        lines.append(f"  onnxruntime: not usable ({type(exc).__name__})")
    last = LAST_REPORT.get("onnxruntime")
    lines.append(f"  onnxruntime used by the last run: {last if last else 'no network run yet in this session'}")
    try:
        import torch

        cuda = torch.cuda.is_available()
        lines.append(f"  torch {torch.__version__}: CUDA {'available — ' + torch.cuda.get_device_name(0) if cuda else 'not available'}")
    except Exception as exc:
        lines.append(f"  torch: not usable ({type(exc).__name__})")
    lines.append(f"  NVIDIA driver: {'present' if deps.nvidia_driver_present() else 'not found'}")
    if profile_dir:
        lines += ["", "Private dependency folder:", f"  {deps.private_prefix(profile_dir)} "
                  f"({folder_size(deps.private_prefix(profile_dir)) / 1e6:.1f} MB)"]
        for stale in deps.stale_private_folders(profile_dir):
            lines.append(f"  stale (other Python): {stale} — reinstall the dependencies for this QGIS")
    if cache_dirs:
        lines += ["", "Caches:"]
        for name, path in cache_dirs.items():
            lines.append(f"  {name}: {path} ({folder_size(path) / 1e6:.1f} MB)")
            if cache_caps and name in cache_caps:
                lines.append(f"  {name} cap: {cache_caps[name]}")
    lines += ["", "Models:"]
    checks = model_checks()
    if not checks:
        lines.append("  no model cards found")
    for card, fname, ok, detail in checks:
        lines.append(f"  [{'ok' if ok else 'BAD'}] {fname} ({card}): {detail}")
    return "\n".join(lines)
