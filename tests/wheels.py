"""Tiny generated wheels for installer tests."""
from __future__ import annotations

import base64
import hashlib
import os
import zipfile


def make_wheel(folder: str, name: str, version: str, body: str, tag: str = "py3-none-any") -> str:
    """Write a minimal pure-Python wheel whose module defines VALUE."""
    dist = f"{name}-{version}"
    path = os.path.join(folder, f"{dist}-{tag}.whl")
    files = {f"{name}/__init__.py": body,
             f"{dist}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
             f"{dist}.dist-info/WHEEL": f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {tag}\n"}
    record = []
    for fname, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{fname},sha256={digest},{len(text.encode())}")
    record.append(f"{dist}.dist-info/RECORD,,")
    files[f"{dist}.dist-info/RECORD"] = "\n".join(record) + "\n"
    with zipfile.ZipFile(path, "w") as zf:
        for fname, text in files.items():
            zf.writestr(fname, text)
    return path
