"""`make package`: the zip holds runtime files only, passes the plugin repository's checks, and installs.

The zip is unpacked into a fresh plugins folder with a fresh QGIS profile; real qgis_process.bin then
lists the plugin and runs terraprompt:extract_landcover from it (not from the repository checkout).
"""
from __future__ import annotations

import configparser
import json
import os
import re
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT, SAMPLE_S2

sys.path.insert(0, os.path.join(ROOT, "scripts"))
import package  # noqa: E402

MAX_ZIP = 25_000_000  # plugins.qgis.org's PLUGIN_MAX_UPLOAD_SIZE, in bytes


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory):
    return package.build(str(tmp_path_factory.mktemp("dist") / "terraprompt.zip"))


def test_zip_content(plugin_zip):
    with zipfile.ZipFile(plugin_zip) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
    assert os.path.getsize(plugin_zip) <= MAX_ZIP, "the plugin repository refuses zips over 25,000,000 bytes"
    assert {n.split("/")[0] for n in names} == {"terraprompt"}, "one top folder, named like the package"
    rel = [n.split("/", 1)[1] for n in names]
    for required in ("metadata.txt", "__init__.py", "LICENSE", "README.md", "plugin/plugin.py",
                     "plugin/algorithms/provider.py", "plugin/core/landcover/extract.py", "models/modalities.json",
                     "models/concepts.json", "resources/icon.png"):
        assert required in rel, required
    for r in rel:
        parts = r.split("/")
        assert parts[0] not in {"tests", "training", "benchmarks", "scripts", "docs", ".ci", "dist", "out"}, r
        assert not any(p.startswith(".") for p in parts), f"dot file shipped: {r}"
        assert "__pycache__" not in parts and not r.endswith((".pyc", ".pyo")), r
        assert ".tmp-" not in r, r
        if parts[0] == "plugin":
            assert r.endswith(".py"), r
        if parts[0] == "models":
            assert r.endswith((".onnx", ".json")), r
        if parts[0] == "i18n":
            assert r.endswith(".qm") or (r.startswith("i18n/core_") and r.endswith(".json")), r
    onnx = [r for r in rel if r.endswith(".onnx")]
    with zipfile.ZipFile(plugin_zip) as zf:
        for r in onnx:
            assert zf.getinfo(f"terraprompt/{r}").file_size < 20 * 1024 * 1024, f"model over 20 MB: {r}"


def _metadata(path: str) -> dict:
    """metadata.txt read as plugins.qgis.org and QGIS read it: a default ConfigParser (its '%' interpolation included:
    a bare '%' makes the upload fail and QGIS show no changelog; write '%%') and items('general')."""
    cp = configparser.ConfigParser()
    with open(path, encoding="utf-8") as f:
        cp.read_file(f)
    assert cp.has_section("general"), "metadata.txt needs a [general] section"
    return dict(cp.items("general"))


def validate_metadata(md: dict, plugin_dir: str) -> list[str]:
    """The checks plugins.qgis.org applies on upload (plus the Processing flag this plugin relies on)."""
    errors = []
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email", "repository"):
        if not md.get(key.lower(), "").strip():
            errors.append(f"missing required metadata '{key}'")
    for key in ("tracker", "homepage"):
        if not md.get(key, "").strip():
            errors.append(f"missing metadata '{key}' (needed for the public repository)")
    for key in ("repository", "tracker", "homepage"):
        if md.get(key) and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", md[key]):
            errors.append(f"'{key}' is not a valid http(s) URL: {md[key]}")
    if not re.fullmatch(r"\d+\.\d+(\.\d+)?", md.get("qgisminimumversion", "")):
        errors.append("qgisMinimumVersion must look like 3.22")
    elif tuple(int(x) for x in md["qgisminimumversion"].split(".")[:2]) < (3, 0):
        errors.append("qgisMinimumVersion must be a QGIS 3 version")
    if md.get("qgismaximumversion") and not re.fullmatch(r"\d+\.\d+(\.\d+)?", md["qgismaximumversion"]):
        errors.append("qgisMaximumVersion must look like 3.99")
    if not re.fullmatch(r"\d+(\.\d+){0,3}([-_.]?(alpha|beta|rc|dev)\d*)?", md.get("version", ""), flags=re.I):
        errors.append(f"version '{md.get('version')}' is not a valid version string (e.g. 0.1.0)")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", md.get("email", "")):
        errors.append("email is not a valid address")
    if re.search(r"test", md.get("name", ""), flags=re.I):
        errors.append("the plugin name must not contain 'test'")
    if len(md.get("name", "")) > 256 or len(md.get("description", "")) > 1024:
        errors.append("name or description too long")
    icon = md.get("icon", "")
    if not icon or not os.path.isfile(os.path.join(plugin_dir, icon)):
        errors.append(f"icon '{icon}' does not exist in the plugin folder")
    if md.get("hasprocessingprovider", "").strip().lower() != "yes":
        errors.append("hasProcessingProvider must be 'yes' (the plugin registers a Processing provider)")
    for key in ("experimental", "deprecated", "server"):
        if key in md and md[key].strip().lower() not in ("true", "false"):
            errors.append(f"'{key}' must be True or False")
    if "changelog" not in md or not md["changelog"].strip():
        errors.append("changelog is empty")
    return errors


def test_metadata_valid_for_plugin_repository():
    md = _metadata(os.path.join(ROOT, "metadata.txt"))
    assert validate_metadata(md, ROOT) == []
    assert "%%" not in md["changelog"], "'%%' is read as '%': the Plugin Manager shows what this test reads"
    assert md["qgisminimumversion"] == "3.22"
    assert md.get("license", "").startswith("GPL")
    assert os.path.isfile(os.path.join(ROOT, "LICENSE")) and "GNU GENERAL PUBLIC LICENSE" in open(os.path.join(ROOT, "LICENSE")).read()


def test_metadata_validator_catches_problems(tmp_path):
    """The validator above is not a rubber stamp: it rejects a broken metadata file."""
    md = _metadata(os.path.join(ROOT, "metadata.txt"))
    bad = dict(md, name="TerraPrompt test build", version="one", email="nobody", icon="missing.png",
               hasprocessingprovider="no")
    del bad["about"]
    errs = " | ".join(validate_metadata(bad, ROOT))
    for word in ("about", "'test'", "version", "email", "icon", "hasProcessingProvider"):
        assert word in errs, word


def _env(plugins: str, profile: str) -> dict:
    env = dict(os.environ)
    env.update({"QT_QPA_PLATFORM": "offscreen", "QGIS_PLUGINPATH": plugins, "QGIS_CUSTOM_CONFIG_PATH": profile,
                "PATH": os.path.join(ROOT, ".venv", "bin") + os.pathsep + env.get("PATH", "")})
    ini = os.path.join(profile, "profiles", "default", "QGIS")
    os.makedirs(ini, exist_ok=True)
    with open(os.path.join(ini, "QGIS3.ini"), "w") as f:
        f.write("[PythonPlugins]\nterraprompt=true\n")
    return env


def test_zip_installs_and_runs_in_qgis_process(plugin_zip, tmp_path):
    plugins = tmp_path / "plugins"
    with zipfile.ZipFile(plugin_zip) as zf:
        zf.extractall(plugins)
    installed = plugins / "terraprompt"
    assert (installed / "metadata.txt").is_file()
    assert validate_metadata(_metadata(str(installed / "metadata.txt")), str(installed)) == []
    env = _env(str(plugins), str(tmp_path / "profile"))
    proc = subprocess.run(["/usr/bin/qgis_process.bin", "plugins"], env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert re.search(r"\*\s*terraprompt", proc.stdout), proc.stdout[-2000:]  # listed and enabled
    out = tmp_path / "out"
    proc = subprocess.run(["/usr/bin/qgis_process.bin", "run", "terraprompt:extract_landcover", "--json", "--",
                           f"INPUT={SAMPLE_S2}", "PROMPT=water and vegetation", f"OUTPUT_RASTER={out / 'lc.tif'}",
                           f"OUTPUT_VECTOR={out / 'lc.gpkg'}"], env=env, capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert "Water" in doc["results"]["EXPLANATION"]
    assert (out / "lc.tif").is_file() and (out / "lc.gpkg").is_file()
    # the algorithm really ran from the unpacked zip, not from the checkout
    assert not (installed / "tests").exists() and not (installed / "scripts").exists()


DESKTOP_SMOKE = """
import json, os, qgis.utils
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer
def done():
    p = qgis.utils.plugins.get("terraprompt")
    ok = p is not None and QgsApplication.processingRegistry().algorithmById("terraprompt:extract_landcover") is not None
    if ok:
        p.action.setChecked(True)
        ok = p.dock is not None and p.dock.tab("landcover_tab") is not None
    info = {"ok": ok, "active": sorted(qgis.utils.active_plugins),
            "from": os.path.dirname(qgis.utils.sys.modules["terraprompt"].__file__) if "terraprompt" in qgis.utils.sys.modules else ""}
    json.dump(info, open(os.environ["SMOKE_REPORT"], "w"))
    QgsApplication.exit(0 if ok else 3)
QTimer.singleShot(1500, done)
"""


def test_zip_loads_in_the_desktop_under_xvfb(plugin_zip, tmp_path):
    plugins = tmp_path / "plugins"
    with zipfile.ZipFile(plugin_zip) as zf:
        zf.extractall(plugins)
    env = _env(str(plugins), str(tmp_path / "profile"))
    env.pop("QT_QPA_PLATFORM")  # the desktop needs a (virtual) display
    env["SMOKE_REPORT"] = str(tmp_path / "report.json")
    script = tmp_path / "smoke.py"
    script.write_text(DESKTOP_SMOKE)
    proc = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "qgis", "--nologo", "--noversioncheck",
                           "--code", str(script)], env=env, capture_output=True, text=True, timeout=240)
    assert (tmp_path / "report.json").exists(), proc.stderr[-3000:]
    info = json.loads((tmp_path / "report.json").read_text())
    assert info["ok"], info
    assert info["from"] == str(plugins / "terraprompt")
    assert proc.returncode == 0
