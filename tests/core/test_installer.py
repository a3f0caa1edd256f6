"""Installer and dependency checks with real pip and real (tiny, generated) wheels."""
from __future__ import annotations

import importlib
import os
import sys
import zipfile

import pytest

from plugin.core import deps, installer
from plugin.core.errors import Cancelled
from wheels import make_wheel


@pytest.fixture
def wheelhouse(tmp_path):
    wh = tmp_path / "wheelhouse"
    wh.mkdir()
    make_wheel(str(wh), "tpdummy", "1.0", "VALUE = 1\n")
    return wh


def test_python_tag_and_private_prefix(tmp_path):
    tag = deps.python_tag()
    assert tag.startswith(f"cp{sys.version_info.major}{sys.version_info.minor}-")
    assert deps.private_prefix(str(tmp_path)).endswith(os.path.join("terraprompt-deps", tag))


def test_constraints_pin_what_qgis_provides():
    cons = installer.qgis_constraints()
    names = {c.split("==")[0].lower() for c in cons}
    assert "numpy" in names and "gdal" in names


def test_install_from_wheelhouse_and_activate(tmp_path, wheelhouse):
    profile = str(tmp_path / "profile")
    plan = installer.plan_install(profile, packages=["tpdummy"], wheelhouse=str(wheelhouse))
    lines = []
    sites = installer.run_install(plan, on_line=lines.append)
    assert sites and any("Successfully installed tpdummy-1.0" in l for l in lines)
    added = deps.activate_private_site(profile)
    try:
        mod = importlib.import_module("tpdummy")
        assert mod.VALUE == 1
        assert os.path.abspath(mod.__file__).startswith(os.path.abspath(profile))
    finally:
        for p in added:
            sys.path.remove(p)
        sys.modules.pop("tpdummy", None)


def test_install_from_zip_wheelhouse(tmp_path, wheelhouse):
    zpath = tmp_path / "wh.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for f in os.listdir(wheelhouse):
            zf.write(wheelhouse / f, f"wheelhouse/{f}")
    plan = installer.plan_install(str(tmp_path / "p"), packages=["tpdummy"], wheelhouse=str(zpath))
    assert installer.run_install(plan)


def test_broken_wheelhouse_keeps_previous_state(tmp_path, wheelhouse):
    profile = str(tmp_path / "profile")
    installer.run_install(installer.plan_install(profile, packages=["tpdummy"], wheelhouse=str(wheelhouse)))
    before = sorted(os.listdir(deps.site_dirs(deps.private_prefix(profile))[0]))
    plan = installer.plan_install(profile, packages=["tpdummy", "tpmissing"], wheelhouse=str(wheelhouse))
    with pytest.raises(installer.InstallError, match="tpmissing") as err:
        installer.run_install(plan)
    assert "unchanged" in str(err.value)
    assert sorted(os.listdir(deps.site_dirs(deps.private_prefix(profile))[0])) == before
    # a wheel for another platform is refused with a clear message, previous state kept
    make_wheel(str(wheelhouse), "tpplat", "1.0", "VALUE = 2\n", tag="cp311-cp311-win_amd64")
    with pytest.raises(installer.InstallError, match="tpplat"):
        installer.run_install(installer.plan_install(profile, packages=["tpplat"], wheelhouse=str(wheelhouse)))
    assert sorted(os.listdir(deps.site_dirs(deps.private_prefix(profile))[0])) == before
    assert not [d for d in os.listdir(os.path.dirname(deps.private_prefix(profile))) if d.startswith(".tp-install")]


def test_cancel_leaves_nothing(tmp_path, wheelhouse):
    profile = str(tmp_path / "profile")
    plan = installer.plan_install(profile, packages=["tpdummy"], wheelhouse=str(wheelhouse))
    with pytest.raises(Cancelled):
        installer.run_install(plan, is_cancelled=lambda: True)
    assert not os.path.exists(deps.private_prefix(profile))


def test_missing_wheelhouse_message(tmp_path):
    with pytest.raises(installer.InstallError, match="does not exist"):
        installer.plan_install(str(tmp_path), packages=["x"], wheelhouse=str(tmp_path / "nope"))


def test_stale_folder_detected(tmp_path):
    root = deps.private_root(str(tmp_path))
    os.makedirs(os.path.join(root, "cp310-linux_x86_64"))
    os.makedirs(deps.private_prefix(str(tmp_path)))
    assert deps.stale_private_folders(str(tmp_path)) == [os.path.join(root, "cp310-linux_x86_64")]


def test_dependency_table_reports_missing(monkeypatch):
    st = deps.check({"name": "nope", "import": "tp_surely_not_installed", "pip": "nope", "provided_by_qgis": False, "needed_for": ["x"]})
    assert not st.ok and "ModuleNotFoundError" in st.error
    assert deps.capability_summary([st]) == ["nope is missing — needed for: x"]
