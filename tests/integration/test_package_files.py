"""`make package` ships what a clean clone holds (nothing git ignores), works without the venv, and keeps to
plugins.qgis.org's size limit (25,000,000 bytes)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

from conftest import ROOT

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import package  # noqa: E402

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main"]


def _copy_plugin(dest: str, extra_ignore: str = "") -> None:
    """A copy of the runtime files plus what `make package` needs (Makefile, scripts/package.py, .gitignore)."""
    for rel in package.runtime_files() + ["Makefile", "scripts/package.py", ".gitignore"]:
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), os.path.join(dest, rel))
    with open(os.path.join(dest, ".gitignore"), "a") as f:
        f.write(extra_ignore)


def _local_files(root: str) -> None:
    """Files a working tree gathers but git ignores: GDAL's sidecar beside the sample and a local note."""
    for rel in ("resources/sample_s2_beirut.tif.aux.xml", "resources/local_notes.txt", "models/local_cache.json"):
        with open(os.path.join(root, rel), "w") as f:
            f.write("<PAMDataset/>\n")


def _names(z: str) -> list[str]:
    with zipfile.ZipFile(z) as zf:
        return sorted(zf.namelist())


def test_zip_of_a_working_tree_equals_a_clean_clone(tmp_path):
    work, clone = str(tmp_path / "work"), str(tmp_path / "clone")
    _copy_plugin(work, "resources/local_*\nlocal_cache.json\n")
    subprocess.run(GIT + ["init", "-q", work], check=True)
    subprocess.run(GIT + ["-C", work, "add", "-A"], check=True)
    subprocess.run(GIT + ["-C", work, "commit", "-qm", "plugin"], check=True)
    subprocess.run(GIT + ["clone", "-q", work, clone], check=True)
    _local_files(work)
    shipped = _names(package.build(str(tmp_path / "work.zip"), work))
    assert shipped == _names(package.build(str(tmp_path / "clone.zip"), clone))
    assert not [n for n in shipped if n.endswith(".aux.xml") or "local_" in n]


def test_outside_git_the_gitignore_patterns_apply(tmp_path):
    """An unpacked source archive (no .git): .gitignore's patterns still keep local files out."""
    root = str(tmp_path / "src")
    _copy_plugin(root, "resources/local_*\nlocal_cache.json\n")
    _local_files(root)
    rel = package.runtime_files(root)
    assert "resources/sample_s2_beirut.tif" in rel and "models/concepts.json" in rel
    assert not [r for r in rel if r.endswith(".aux.xml") or "local_" in r]


def test_make_package_needs_no_venv(tmp_path):
    """A fresh clone has no .venv yet: `make package` runs scripts/package.py (standard library only) with python3."""
    root = str(tmp_path / "clone")
    _copy_plugin(root)
    assert not os.path.exists(os.path.join(root, ".venv"))
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"
    proc = subprocess.run(["make", "package"], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-1000:] + proc.stderr[-1000:]
    assert "terraprompt/metadata.txt" in _names(os.path.join(root, "dist", "terraprompt.zip"))


def test_size_limit_is_the_plugin_repository_s(tmp_path, monkeypatch):
    """25,000,000 bytes (not 25 MiB): a zip between the two is refused and nothing is left behind."""
    assert package.MAX_BYTES == 25_000_000
    monkeypatch.setattr(package, "MAX_BYTES", 1000)
    dest = tmp_path / "big.zip"
    try:
        package.build(str(dest))
    except SystemExit as exc:
        assert "1,000 bytes" in str(exc)
    else:
        raise AssertionError("an oversized zip was written")
    assert not os.listdir(tmp_path)
