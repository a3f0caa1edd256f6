"""The dock's Setup tab: dependency status, installing from an offline wheelhouse in a QgsTask, diagnostics."""
from __future__ import annotations

import os
import sys
import zipfile

from conftest import wait_for
from wheels import make_wheel


def _dock(plugin):
    plugin.action.setChecked(True)
    return plugin.dock.tab("setup_tab")




def test_setup_tab_status_and_diagnostics(plugin):
    tab = _dock(plugin)
    assert tab is not None
    assert "available" in tab.status.text() or "Missing" in tab.status.text()
    assert tab.show_diagnostics() is not None  # built in a task: the panel stays responsive for the seconds it takes
    assert "Checking the environment" in tab.report.toPlainText() and not tab.diag_btn.isEnabled()
    assert wait_for(lambda: tab.diag_task is None, 60)
    text = tab.report.toPlainText()
    assert "Dependencies:" in text and "onnxruntime" in text and "GDAL" in text and "Models:" in text
    assert tab.diag_btn.isEnabled()


def test_install_from_wheelhouse_zip_and_broken_wheelhouse(plugin, tmp_path, monkeypatch):
    from terraprompt.plugin.core import deps, installer

    tab = _dock(plugin)
    monkeypatch.setenv("QGIS_CUSTOM_CONFIG_PATH", str(tmp_path))
    wh = tmp_path / "wh"
    wh.mkdir()
    make_wheel(str(wh), "tpsetupdummy", "2.0", "VALUE = 42\n")
    zpath = tmp_path / "wheelhouse.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(wh / os.listdir(wh)[0], os.listdir(wh)[0])
    profile = str(tmp_path / "profile")
    monkeypatch.setattr("terraprompt.plugin.bootstrap.profile_dir", lambda: profile)
    monkeypatch.setattr(installer, "default_packages", lambda cuda=False, include_optional=False: ["tpsetupdummy"])
    tab.from_wheelhouse.setChecked(True)
    tab.wheelhouse.setFilePath(str(zpath))
    tab.install()
    assert tab.task is not None and not tab.install_btn.isEnabled()
    assert wait_for(lambda: tab.task is None)
    log = tab.log.toPlainText()
    assert "Successfully installed tpsetupdummy-2.0" in log and "Dependencies installed" in log
    try:
        import tpsetupdummy

        assert tpsetupdummy.VALUE == 42
    finally:
        for p in deps.site_dirs(deps.private_prefix(profile)):
            if p in sys.path:
                sys.path.remove(p)
        sys.modules.pop("tpsetupdummy", None)
    # a wheelhouse without the wanted wheel: clear message, previous install intact
    monkeypatch.setattr(installer, "default_packages", lambda cuda=False, include_optional=False: ["tpsetupdummy", "tpabsent"])
    tab.install()
    assert wait_for(lambda: tab.task is None)
    assert "no wheel of tpabsent" in tab.log.toPlainText()
    assert deps.site_dirs(deps.private_prefix(profile))
    assert tab.install_btn.isEnabled()


def test_missing_packages_announced_with_button_to_setup(plugin, monkeypatch):
    from qgis.PyQt.QtWidgets import QPushButton

    from terraprompt.plugin.core import deps

    fake = deps.DepStatus("onnxruntime", "onnxruntime", False, "", "", ["network engine"], False, False, "ModuleNotFoundError")
    monkeypatch.setattr(deps, "missing", lambda statuses=None, include_optional=False: [fake])
    text = plugin.announce_missing_dependencies()
    assert "onnxruntime" in text
    bar = plugin.iface.messageBar()
    item = bar.currentItem()
    assert item is not None and "onnxruntime" in item.text()
    buttons = item.findChildren(QPushButton)
    assert buttons
    plugin.dock and plugin.dock.tab_widget.setCurrentIndex(0)
    buttons[-1].click()
    assert plugin.dock.tab_widget.currentWidget() is plugin.dock.tab("setup_tab")
    bar.clearWidgets()
