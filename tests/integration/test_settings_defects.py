"""Settings and Setup tab defects found in testing: bad saved values, the proxy password, the thread setting outside
the dock and across reloads, the Interactive tab's device, the cache diagnostics reports and stale folders."""
from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import pytest

from conftest import kept_settings

KEYS = ("terraprompt/threads", "terraprompt/tile_size", "terraprompt/tile_overlap", "terraprompt/device",
        "terraprompt/interactive_device", "terraprompt/landcover/device", "proxy/proxyEnabled", "proxy/proxyHost",
        "proxy/proxyPort", "proxy/proxyUser",
        "proxy/proxyPassword")


@pytest.fixture
def saved_settings(plugin):
    """QgsSettings restored after the test (the QGIS profile is shared by the session)."""
    env = os.environ.get("TERRAPROMPT_THREADS")
    with kept_settings(KEYS) as s:
        yield s
    if env is None:
        os.environ.pop("TERRAPROMPT_THREADS", None)
    else:
        os.environ["TERRAPROMPT_THREADS"] = env


def _dock(plugin):
    plugin.action.setChecked(True)
    return plugin.dock


def test_non_numeric_setting_values_fall_back_to_defaults(plugin, saved_settings):
    """'auto' or '' typed in QGIS's Advanced settings editor: the Settings tab still builds and tasks still start."""
    from terraprompt.plugin.gui import settings
    from terraprompt.plugin.gui.settings_tab import SettingsTab

    for key, val in (("threads", "auto"), ("tile_size", "abc"), ("tile_overlap", "")):
        saved_settings.setValue("terraprompt/" + key, val)
    assert [settings.value(k, type_=int) for k in ("threads", "tile_size", "tile_overlap")] == [0, 512, 64]
    assert (settings.tile_spec().size, settings.tile_spec().overlap) == (512, 64)
    assert settings.apply_threads() >= 1  # what every task start runs
    tab = SettingsTab(None)
    try:
        assert (tab.threads_spin.value(), tab.tile_spin.value(), tab.overlap_spin.value()) == (0, 512, 64)
    finally:
        tab.shutdown()
        tab.deleteLater()


def test_proxy_credentials_escaped(plugin, saved_settings):
    """A domain user and a password with @ : / make a valid proxy URL (user and password percent-encoded)."""
    from terraprompt.plugin.gui.setup_tab import qgis_proxy_url

    for key, val in (("proxyEnabled", "true"), ("proxyHost", "127.0.0.1"), ("proxyPort", "9"), ("proxyUser", "CORP\\jdoe"),
                     ("proxyPassword", "Summer@2026:x/y")):
        saved_settings.setValue("proxy/" + key, val)
    url = urlsplit(qgis_proxy_url())
    from urllib.parse import unquote

    assert (url.hostname, url.port) == ("127.0.0.1", 9)
    assert (unquote(url.username), unquote(url.password)) == ("CORP\\jdoe", "Summer@2026:x/y")


def test_thread_setting_reaches_processing_and_unload_restores_env(plugin, saved_settings):
    """initProcessing (also qgis_process) applies the saved thread count; unload puts the analyst's own value back, so a
    reload does not take the plugin's value for the analyst's."""
    os.environ.pop("TERRAPROMPT_THREADS", None)
    import terraprompt.plugin.gui.settings as settings

    original = settings._ENV_THREADS
    settings._ENV_THREADS = None  # the analyst set no TERRAPROMPT_THREADS
    try:
        saved_settings.setValue("terraprompt/threads", 1)
        plugin.initProcessing()
        assert os.environ.get("TERRAPROMPT_THREADS") == "1"
        plugin.unload()
        assert "TERRAPROMPT_THREADS" not in os.environ
    finally:
        settings._ENV_THREADS = original
        plugin.initGui()


def test_interactive_tab_follows_default_device_and_remembers_its_own(plugin, saved_settings):
    from terraprompt.plugin.gui.interactive_tab import InteractiveTab

    dock = _dock(plugin)
    st, lc, it = dock.tab("settings_tab"), dock.tab("landcover_tab"), dock.tab("interactive_tab")
    st.device_combo.setCurrentIndex(st.device_combo.findData("cpu"))
    assert lc.device_combo.currentData() == "cpu" and it.device_combo.currentData() == "cpu"
    it.device_combo.setCurrentIndex(it.device_combo.findData("cuda"))
    again = InteractiveTab(plugin.iface)  # the next session's tab
    try:
        assert again.device_combo.currentData() == "cuda"
    finally:
        again.shutdown()
        again.deleteLater()
    lc.device_combo.setCurrentIndex(lc.device_combo.findData("cuda"))
    st.threads_spin.setValue(st.threads_spin.value() + 1)  # only the thread count changed
    assert lc.device_combo.currentData() == "cuda" and it.device_combo.currentData() == "cuda"
    st.device_combo.setCurrentIndex(st.device_combo.findData("auto"))  # a new default reaches both tabs
    assert lc.device_combo.currentData() == "auto" and it.device_combo.currentData() == "auto"


def test_land_cover_device_choice_is_not_the_default_device(plugin, saved_settings):
    """The Land cover tab saved its device as the Settings tab's default device: choosing CPU there changed the default
    the other tabs start from in the next session."""
    from terraprompt.plugin.gui import settings

    dock = _dock(plugin)
    st, lc = dock.tab("settings_tab"), dock.tab("landcover_tab")
    st.device_combo.setCurrentIndex(st.device_combo.findData("auto"))
    lc.device_combo.setCurrentIndex(lc.device_combo.findData("cpu"))
    lc.save_settings()
    assert str(settings.value("device")) == "auto" and str(settings.value("landcover/device")) == "cpu"


def test_diagnostics_report_the_cache_in_use_and_its_cap(plugin, tmp_path, monkeypatch):
    from terraprompt.plugin.algorithms.diagnostics import qgis_report
    from terraprompt.plugin.core.interactive.cache import CAP_FILE, MB

    folder = tmp_path / "envcache"
    folder.mkdir()
    (folder / CAP_FILE).write_text(json.dumps({"max_bytes": 500 * MB}))
    monkeypatch.setenv("TERRAPROMPT_CACHE", str(folder))
    text = qgis_report()
    assert f"embeddings: {folder} " in text
    assert "embeddings cap: 500 MB (set for this folder)" in text


def test_folder_of_another_python_is_no_reason_to_warn(plugin, tmp_path, monkeypatch):
    """After a QGIS upgrade and a re-install: no 'install again' at start, and the Setup tab offers to delete the old folder."""
    from terraprompt.plugin.bootstrap import STATE
    from terraprompt.plugin.core import deps

    profile = str(tmp_path / "profile")
    old = os.path.join(deps.private_root(profile), "cp310-linux_x86_64")
    os.makedirs(old)
    os.makedirs(deps.private_prefix(profile))
    monkeypatch.setattr("terraprompt.plugin.bootstrap.profile_dir", lambda: profile)
    monkeypatch.setitem(STATE, "stale", [old])
    assert not deps.missing()
    assert plugin.announce_missing_dependencies() == ""
    tab = _dock(plugin).tab("setup_tab")
    tab.refresh()
    assert "install the dependencies again" not in tab.status.text() and not tab.clean_btn.isHidden()
    assert tab.delete_stale() == [] and not os.path.exists(old) and os.path.isdir(deps.private_prefix(profile))
    assert tab.clean_btn.isHidden()
