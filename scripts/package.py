"""Build dist/terraprompt.zip: the installable plugin (top folder ``terraprompt/``), runtime files only.

Included: metadata.txt, __init__.py, LICENSE, README.md, plugin/**/*.py, models/ (*.onnx, *.json),
resources/ (icon, sample raster ...), i18n/*.qm and core_*.json. Never: tests, training, benchmarks, scripts, docs,
.ci, __pycache__, dot files, temporary files. Run: ``make package`` (prints the file count and size).
"""
from __future__ import annotations

import fnmatch
import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "terraprompt"
TOP_FILES = ["metadata.txt", "__init__.py", "LICENSE", "README.md"]
TREES = {  # folder → file patterns shipped from it (recursively)
    "plugin": ["*.py"],
    "models": ["*.onnx", "*.json"],
    "resources": ["*"],
    "i18n": ["*.qm", "core_*.json"],
}
NEVER = ["*.pyc", "*.pyo", "*.tmp-*", "*.part", "*~", "*.orig", "*.rej"]
MAX_BYTES = 25 * 1024 * 1024
"""The official plugin repository refuses larger uploads."""


def runtime_files(root: str = ROOT) -> list[str]:
    """Paths (relative, '/'-separated) of the files that make up the installed plugin."""
    out = []
    for name in TOP_FILES:
        if not os.path.isfile(os.path.join(root, name)):
            raise SystemExit(f"package: required file {name} is missing")
        out.append(name)
    for folder, patterns in TREES.items():
        base = os.path.join(root, folder)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
            for fn in sorted(filenames):
                if fn.startswith(".") or any(fnmatch.fnmatch(fn, p) for p in NEVER):
                    continue
                if any(fnmatch.fnmatch(fn, p) for p in patterns):
                    out.append(os.path.relpath(os.path.join(dirpath, fn), root).replace(os.sep, "/"))
    return out


def build(dest: str = os.path.join(ROOT, "dist", f"{NAME}.zip")) -> str:
    """Write the zip atomically and return its path."""
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    tmp = dest + ".part"
    files = runtime_files()
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for rel in files:
            zf.write(os.path.join(ROOT, rel), f"{NAME}/{rel}")
    size = os.path.getsize(tmp)
    if size > MAX_BYTES:
        os.remove(tmp)
        raise SystemExit(f"package: {size / 1e6:.1f} MB is over the plugin repository's 25 MB limit")
    os.replace(tmp, dest)
    print(f"{os.path.relpath(dest, ROOT)}: {len(files)} files, {size / 1e6:.2f} MB")
    return dest


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "dist", f"{NAME}.zip"))
