"""`make wheelhouse` downloaded only requirements-plugin.txt (onnxruntime, ukis-csmask) while the Setup tab's offline
install asks for every missing required package (rasterio, fiona, pyproj, scipy too): the wheelhouse lacked them.
The list is checked, not pip (no network here)."""
from __future__ import annotations

import importlib.util
import os
import sys

from conftest import ROOT
from plugin.core import deps, installer


def _wheelhouse_script():
    spec = importlib.util.spec_from_file_location("wheelhouse_script", os.path.join(ROOT, "scripts", "wheelhouse.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_wheelhouse_holds_every_package_the_offline_install_asks_for(monkeypatch):
    """Every required package hidden (as in a stock QGIS): each one the Setup tab then installs is in the wheelhouse."""
    for pkg in deps.package_table():
        if not pkg["provided_by_qgis"] and not pkg.get("optional"):
            monkeypatch.setitem(sys.modules, pkg["import"], None)
    asked = installer.default_packages()
    assert {"rasterio", "fiona", "pyproj", "scipy", "onnxruntime", "ukis-csmask"} <= set(asked)
    monkeypatch.undo()
    reqs = installer.required_packages()
    assert set(asked) <= {r.split("==")[0].lower() for r in reqs}, reqs


def test_wheelhouse_leaves_out_qgis_and_optional_packages_and_keeps_the_pins():
    wh = _wheelhouse_script()
    names = {r.split("==")[0].lower() for r in installer.required_packages()}
    for pkg in deps.package_table():
        if pkg["provided_by_qgis"] or pkg.get("optional"):
            assert pkg["pip"].lower() not in names, pkg["name"]
    assert "onnxruntime==1.31.1" in wh.pins() and "ukis-csmask==1.0.0" in wh.pins()
