"""The tile overlap keeps the Settings tab's promise 'blended so no seams show': at least MIN_TILE_OVERLAP px (with no
overlap, 512-px tiles changed 0.12 % of an OSCD Beihai land-cover map, most of it along tile borders), also when an older
version stored less."""
from __future__ import annotations

import pytest

from conftest import kept_settings

KEYS = ("terraprompt/tile_size", "terraprompt/tile_overlap")


@pytest.fixture
def saved_settings(plugin):
    """QgsSettings restored after the test (the QGIS profile is shared by the session)."""
    with kept_settings(KEYS) as s:
        yield s


def test_overlap_below_the_minimum_is_clamped_not_used(plugin, saved_settings):
    """An overlap of 0 stored by an older version: the tab shows the minimum and runs tile with it; nothing breaks."""
    from terraprompt.plugin.gui import settings
    from terraprompt.plugin.gui.settings_tab import SettingsTab

    assert settings.MIN_TILE_OVERLAP == 32
    saved_settings.setValue("terraprompt/tile_size", 256)
    saved_settings.setValue("terraprompt/tile_overlap", 0)
    assert (settings.tile_spec().size, settings.tile_spec().overlap) == (256, 32)
    tab = SettingsTab(None)
    try:
        assert tab.overlap_spin.minimum() == 32
        assert tab.overlap_spin.value() == 32
        assert "32 px" in tab.overlap_spin.toolTip()
        tab.overlap_spin.setValue(0)  # typed or stepped below: the spin keeps the minimum
        assert tab.overlap_spin.value() == 32
    finally:
        tab.shutdown()
        tab.deleteLater()


def test_overlap_at_or_above_the_minimum_is_kept(plugin, saved_settings):
    """A valid overlap is used as stored (48 px on 512-px tiles)."""
    from terraprompt.plugin.gui import settings

    saved_settings.setValue("terraprompt/tile_size", 512)
    saved_settings.setValue("terraprompt/tile_overlap", 48)
    assert (settings.tile_spec().size, settings.tile_spec().overlap) == (512, 48)
