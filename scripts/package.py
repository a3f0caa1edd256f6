"""Build dist/terraprompt.zip: the installable plugin (top folder ``terraprompt/``), runtime files only.

Included: metadata.txt, __init__.py, LICENSE, README.md, plugin/**/*.py, models/ (*.onnx, *.json),
resources/ (icon, sample raster ...), i18n/*.qm and core_*.json. Never: tests, training, benchmarks, scripts, docs,
.ci, __pycache__, dot files, temporary files, nor what git ignores (GDAL's *.aux.xml beside the sample ...): in a git
checkout only the files git lists (tracked, or new and not ignored), elsewhere .gitignore's patterns are applied, so the
zip equals a clean clone's. Run: ``make package`` (prints the file count and size).
"""
from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import zipfile
from typing import Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "terraprompt"
TOP_FILES = ["metadata.txt", "__init__.py", "LICENSE", "README.md"]
TREES = {  # folder → file patterns shipped from it (recursively)
    "plugin": ["*.py"],
    "models": ["*.onnx", "*.json"],
    "resources": ["*"],
    "i18n": ["*.qm", "core_*.json"],
}
NEVER = ["*.pyc", "*.pyo", "*.tmp-*", "*.part", "*~", "*.orig", "*.rej", "*.aux.xml"]
MAX_BYTES = 25_000_000
"""plugins.qgis.org refuses larger uploads (its PLUGIN_MAX_UPLOAD_SIZE is 25,000,000 bytes, not 25 MiB)."""


def git_files(root: str) -> Optional[set[str]]:
    """Files git would ship from ``root`` (tracked, or untracked and not ignored); None when ``root`` is not the top of
    a git checkout (e.g. an unpacked source archive)."""
    if not os.path.exists(os.path.join(root, ".git")):
        return None
    try:
        proc = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                              capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return {p for p in proc.stdout.split("\0") if p} if proc.returncode == 0 else None


def ignore_patterns(root: str) -> list[str]:
    """The simple patterns of ``root``'s .gitignore (what git ignores, for a copy that is not a git checkout)."""
    path = os.path.join(root, ".gitignore")
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.strip().strip("/") for line in f if line.strip() and not line.startswith(("#", "!"))]


def is_ignored(rel: str, patterns: list[str]) -> bool:
    """Whether a relative path matches a .gitignore pattern (a name pattern matches any part, a path pattern the path
    or a folder above it)."""
    parts = rel.split("/")
    for pat in patterns:
        if "/" in pat:
            if any(fnmatch.fnmatch("/".join(parts[:i]), pat) for i in range(1, len(parts) + 1)):
                return True
        elif any(fnmatch.fnmatch(part, pat) for part in parts):
            return True
    return False


def runtime_files(root: str = ROOT) -> list[str]:
    """Paths (relative, '/'-separated) of the files that make up the installed plugin."""
    out = []
    listed = git_files(root)
    patterns = ignore_patterns(root) if listed is None else []

    def shipped(rel: str) -> bool:
        return rel in listed if listed is not None else not is_ignored(rel, patterns)

    for name in TOP_FILES:
        if not os.path.isfile(os.path.join(root, name)):
            raise SystemExit(f"package: required file {name} is missing")
        out.append(name)
    for folder, wanted in TREES.items():
        base = os.path.join(root, folder)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
            for fn in sorted(filenames):
                if fn.startswith(".") or any(fnmatch.fnmatch(fn, p) for p in NEVER):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, fn), root).replace(os.sep, "/")
                if any(fnmatch.fnmatch(fn, p) for p in wanted) and shipped(rel):
                    out.append(rel)
    return out


def build(dest: str = os.path.join(ROOT, "dist", f"{NAME}.zip"), root: str = ROOT) -> str:
    """Write the zip of ``root`` atomically and return its path."""
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    tmp = dest + ".part"
    files = runtime_files(root)
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for rel in files:
            zf.write(os.path.join(root, rel), f"{NAME}/{rel}")
    size = os.path.getsize(tmp)
    if size > MAX_BYTES:
        os.remove(tmp)
        raise SystemExit(f"package: {size:,} bytes is over the plugin repository's limit of {MAX_BYTES:,} bytes")
    os.replace(tmp, dest)
    print(f"{os.path.relpath(dest, root)}: {len(files)} files, {size / 1e6:.2f} MB")
    return dest


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "dist", f"{NAME}.zip"))
