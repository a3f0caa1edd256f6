"""The dock fits a narrow, short side panel in every language: tabs scroll, combos and button rows shrink, the charts keep
their labels readable; the Land cover and Change prompts run on Enter; stale results are cleared; exemplars are chosen."""
from __future__ import annotations

import os

import numpy as np
import pytest

from conftest import ROOT, SAMPLE_S2, wait_for, write_raster

NARROW = 320
"""The widest a tab may insist on (px): a dock beside the map on a 1366 px laptop screen."""


@pytest.fixture()
def dock_in(plugin, project):
    """Build a fresh dock in a language ('en', 'fr', 'de'), as QGIS would for that locale; English again afterwards."""
    from qgis.PyQt.QtCore import QSettings

    from terraprompt.plugin.gui.dock import TerraPromptDock
    from terraprompt.plugin.i18n import install_translator, remove_translator

    settings = QSettings()
    old, old_flag = settings.value("locale/userLocale", ""), settings.value("locale/overrideFlag", False, bool)
    settings.setValue("locale/overrideFlag", True)  # QGIS uses userLocale only with "Override system locale" ticked
    docks = []

    def build(lang: str):
        remove_translator()
        settings.setValue("locale/userLocale", {"en": "en_US", "fr": "fr_FR", "de": "de_DE"}[lang])
        assert install_translator(ROOT) == ("" if lang == "en" else lang)
        docks.append(TerraPromptDock(plugin.iface))
        return docks[-1]

    yield build
    for d in docks:
        d.shutdown()
        d.deleteLater()
    remove_translator()
    settings.setValue("locale/userLocale", old)
    settings.setValue("locale/overrideFlag", old_flag)
    install_translator(ROOT)


@pytest.mark.parametrize("points, pixels", [(9, 350), (10, 350), (12, 450)])
def test_narrow_forms_below_fifty_characters(dock_in, points, pixels):
    """The narrow-form width was documented as about 350 px but measured 450 px here: it is 50 average characters of
    the dock's font, 350 px at 9 and 10 points (DejaVu Sans, 7 px a character), 450 px at 12 (Qt without a desktop)."""
    from qgis.PyQt.QtGui import QFont, QFontInfo
    from qgis.PyQt.QtWidgets import QFormLayout

    from terraprompt.plugin.gui.dock import WRAP_BELOW, TabScroll

    font = QFont("DejaVu Sans", points)
    if QFontInfo(font).family() != "DejaVu Sans":
        pytest.skip("DejaVu Sans is not installed")
    dock = dock_in("en")
    dock.setFloating(True)
    dock.show()
    tab = dock.tab("change_tab")
    dock.tab_widget.setCurrentWidget(tab)
    scroll = tab.findChild(TabScroll)
    scroll.setFont(font)
    assert WRAP_BELOW * scroll.fontMetrics().averageCharWidth() == pixels
    for width, policy in ((pixels - 1, QFormLayout.WrapAllRows), (pixels, QFormLayout.WrapLongRows)):
        scroll.resize(width, 600)
        wait_for(lambda: False, 0.05)
        assert {form.rowWrapPolicy() for form in scroll.widget().findChildren(QFormLayout)} == {policy}, width


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_every_tab_can_be_narrow(dock_in, lang):
    """Before: the dock could not be narrower than 505 (en) / 687 (fr) / 629 (de) px, the Interactive, Change, Setup and
    Settings tabs' button rows, long labels and combos forced it; the German tab bar hid the Setup tab behind arrows."""
    dock = dock_in(lang)
    wide = {name: tab.minimumSizeHint().width() for name, tab in dock.tabs.items()}
    assert set(wide) == {"landcover_tab", "interactive_tab", "change_tab", "settings_tab", "setup_tab"}
    assert all(w <= NARROW for w in wide.values()), wide
    assert dock.widget().minimumSizeHint().width() <= NARROW, dock.widget().minimumSizeHint()
    assert dock.tab_widget.minimumSizeHint().width() <= NARROW  # tabs elide (full label in the tooltip), none hidden
    assert not dock.tab_widget.usesScrollButtons()
    # each tab scrolls vertically, never sideways: a clipped control would be out of reach
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QScrollArea

    for name, tab in dock.tabs.items():
        scroll = tab.findChild(QScrollArea)
        assert scroll is not None and scroll.horizontalScrollBarPolicy() == Qt.ScrollBarAlwaysOff, name
        assert scroll.widget().minimumSizeHint().width() <= NARROW, (name, scroll.widget().minimumSizeHint())


LONG_NAME = "S2B_MSIL2A_20230714T082609_N0509_R021_T36SYC_20230714T111111"
"""A Sentinel-2 product name: one 'word' of 60 characters, wider than a narrow dock."""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_long_names_in_statuses_keep_the_tabs_narrow(dock_in, project, tmp_path, lang):
    """Before: a status naming a layer or file like a Sentinel-2 product (the Interactive tab's 'Raster '…': the next
    click encodes its view', a refused cloud mask) made the tab 375-719 px wide in a 300 px dock: the word-wrapped label
    kept its longest word whole, and what lay right of the dock's edge (buttons, the ends of the text) was cut off."""
    import shutil

    from qgis.core import QgsRasterLayer
    from qgis.PyQt.QtWidgets import QScrollArea

    dock = dock_in(lang)
    mask = str(tmp_path / f"{LONG_NAME}_stack.tif")  # not a product mask: refused, its file name said
    shutil.copy(SAMPLE_S2, mask)
    raster = _layer(project, SAMPLE_S2, LONG_NAME)
    not_a_mask = QgsRasterLayer(mask, "not a mask")
    project.addMapLayer(not_a_mask)
    interactive, landcover, change = (dock.tab(m) for m in ("interactive_tab", "landcover_tab", "change_tab"))
    interactive.layer_combo.setLayer(raster)
    landcover.extra_box.setCollapsed(False)
    landcover.mask_combo.setLayer(not_a_mask)
    change.mask_combos[0].setLayer(not_a_mask)
    wait_for(lambda: False, 0.2)
    said = {"interactive_tab": interactive.status, "landcover_tab": landcover.mask_status, "change_tab": change.mask_status}
    for name, label in said.items():
        assert LONG_NAME in label.text() and label.isVisibleTo(dock.tab(name)), (name, label.text())
        body = dock.tab(name).findChild(QScrollArea).widget()
        assert body.minimumSizeHint().width() <= NARROW, (name, body.minimumSizeHint(), label.text())
    assert dock.widget().minimumSizeHint().width() <= NARROW
    if lang == "en":  # what the label says is left as set: the break opportunities are in the display only
        assert interactive.status.text() == f"Raster '{LONG_NAME}': the next click encodes its view."


def test_change_tab_scrolls_with_a_full_chart(dock_in):
    """Before: the Change tab needed 625 px of height empty and 779 px with 8 transitions, making QGIS's window taller
    and squeezing the summary to 71 px."""
    from qgis.PyQt.QtGui import QColor

    tab = dock_in("en").tab("change_tab")
    assert tab.minimumSizeHint().height() <= 200, tab.minimumSizeHint()
    tab.chart.set_data([(f"Class {i} → Class {i + 1}", 1e5 / (i + 1), QColor(200, 40, 40)) for i in range(8)], 1e7)
    assert tab.minimumSizeHint().height() <= 200, tab.minimumSizeHint()
    assert tab.summary.minimumHeight() >= 120  # the tab scrolls; the summary keeps room to be read


@pytest.mark.parametrize("lang", ["en", "de"])
def test_change_chart_keeps_the_after_class(qgis_app_session, lang):
    """Before: at 300 px the labels were cut at 35 % of the width: 'Vegetation → Bui…', German 'Vegetation → …'."""
    from qgis.PyQt.QtGui import QColor

    from terraprompt.plugin.gui.chart import AreaChart

    after = {"en": "Built-up", "de": "Bebaute Fläche"}[lang]
    rows = [(f"Vegetation → {after}", 76145.3, QColor("red")), (f"Permanent water bodies → {after}", 18736.8, QColor("red"))]
    chart = AreaChart(labels_above=True)
    chart.set_data(rows, 6.5e6)
    chart.resize(300, chart.height())
    assert chart.height() >= 2 * (22 + chart.fontMetrics().height())  # a label line above each bar
    shown = chart.labels_drawn()
    assert all(s.endswith(" → " + after) for s in shown), shown
    assert chart.row_tooltip(1).startswith("Permanent water bodies → " + after)
    assert chart.row_at(4 + chart.row_height() + 2) == 1 and chart.row_at(chart.height() + 50) == -1
    # narrower than the whole label: the 'from' class is shortened, the 'to' class stays whole
    chart.resize(200, chart.height())
    shown = chart.labels_drawn()
    assert shown[1].endswith(" → " + after) and "…" in shown[1], shown
    # any chart puts labels too long for the side above the bars, and grows to hold them; short ones stay beside
    auto = AreaChart()
    auto.set_data(rows, 6.5e6)
    auto.resize(300, auto.height())
    assert auto.above() and auto.height() == auto.sizeHint().height() >= 2 * (22 + auto.fontMetrics().height())
    assert all(s.endswith(" → " + after) for s in auto.labels_drawn())
    auto.set_data([("Water", 1e5, QColor("blue"))], 1e6)
    assert not auto.above() and auto.height() == 22 + 8


def test_chart_uses_one_unit(qgis_app_session):
    """Before: '37.1 ha' beside '13.4 km²' in the same chart: a unit per row."""
    from qgis.PyQt.QtGui import QColor

    from terraprompt.plugin.gui.chart import AreaChart, format_area

    chart = AreaChart()
    chart.set_data([("Built-up", 13439474.0, QColor("red")), ("Forest", 370505.0, QColor("green")),
                    ("Water", 900.0, QColor("blue"))], 14821697.0)
    texts = [chart._value_text(a) for _label, a, _color in chart.rows]
    assert all("km²" in t for t in texts) and not any(" ha" in t or " m²" in t for t in texts), texts
    assert "0.37 km²" in texts[1] and chart.row_tooltip(1).startswith("Forest: 0.37 km²")
    assert format_area(370505.0) == "37.1 ha"  # alone, an area keeps the unit it reads best in


def _layer(project, path, name):
    from qgis.core import QgsRasterLayer

    layer = QgsRasterLayer(path, name)
    assert layer.isValid()
    project.addMapLayer(layer)
    return layer


@pytest.fixture()
def landcover(plugin, project):
    """The plugin dock's Land cover tab, writing temporary layers."""
    plugin.action.setChecked(True)
    tab = plugin.dock.tab("landcover_tab")
    tab.temp_radio.setChecked(True)
    tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))
    yield tab
    if tab.task is not None:
        tab.cancel()
        wait_for(lambda: tab.task is None, 60)


def test_landcover_result_cleared_when_input_changes_or_run_refused(landcover, project, tmp_path):
    """Before: a refused run (the input's file gone) and a new input or prompt left the previous run's chart and
    explanation in the Result box; a missing file did not disable Run."""
    import shutil

    tab = landcover
    a = _layer(project, SAMPLE_S2, "sample")
    shutil.copy(SAMPLE_S2, tmp_path / "gone.tif")
    gone = _layer(project, str(tmp_path / "gone.tif"), "moved away")
    tab.layer_combo.setLayer(a)
    tab.prompt_edit.setText("water")
    wait_for(lambda: tab.run_button.isEnabled(), 5)
    assert tab.run() is not None
    assert wait_for(lambda: tab.task is None, 300)
    assert tab.last_result is not None and tab.chart.rows, tab.explanation.toPlainText()
    explanation = tab.explanation.toPlainText()
    tab.prompt_changed(tab.prompt_edit.text())  # a recheck of the same prompt (layers added, encoder loaded) keeps it
    wait_for(lambda: False, 0.1)
    assert tab.chart.rows and tab.explanation.toPlainText() == explanation
    tab.prompt_edit.setText("vegetation")
    assert not tab.chart.rows and not tab.explanation.toPlainText(), "another prompt clears the Result box"
    tab.prompt_edit.setText("water")

    os.remove(tmp_path / "gone.tif")
    tab.layer_combo.setLayer(gone)
    wait_for(lambda: False, 0.1)
    assert "no longer exists" in tab.bands_label.text() and "#b00020" in tab.bands_label.text()
    assert not tab.run_button.isEnabled(), "a missing file blocks Run"
    assert tab.run() is None and tab.task is None
    assert "no longer exists" in tab.explanation.toPlainText() and not tab.chart.rows
    tab.layer_combo.setLayer(a)
    wait_for(lambda: False, 0.1)
    assert tab.run_button.isEnabled()


def test_height_prompt_without_heights_blocks_run(landcover, project, tmp_path):
    """Before: 'buildings taller than 10 m' on a Sentinel-2 raster without a DSM was green with Run enabled; the run then
    refused. A DSM under Extra layers, or a DSM as the input, makes it possible."""
    tab = landcover
    s2 = _layer(project, SAMPLE_S2, "sample")
    tab.layer_combo.setLayer(s2)
    tab.dsm_combo.setLayer(None)
    tab.prompt_edit.setText("buildings taller than 10 m")
    wait_for(lambda: False, 0.1)
    assert "#b00020" in tab.prompt_status.text() and "height" in tab.prompt_status.text()
    assert not tab.run_button.isEnabled() and not tab.extra_box.isCollapsed()
    import rasterio

    heights = np.linspace(0, 30, 64 * 64, dtype=np.float32).reshape(64, 64)
    with rasterio.open(SAMPLE_S2) as ds:  # heights of the same place (a DSM elsewhere is refused when chosen)
        crs, transform = ds.crs, ds.transform
    dsm = _layer(project, write_raster(str(tmp_path / "ndsm.tif"), heights, crs=crs, transform=transform,
                                       descriptions=["nDSM"]), "ndsm")
    tab.dsm_combo.setLayer(dsm)
    from terraprompt.plugin.gui.richtext import status_color

    wait_for(lambda: status_color(True, tab.prompt_status.palette()) in tab.prompt_status.text(), 5)
    assert tab.run_button.isEnabled(), tab.prompt_status.text()
    tab.dsm_combo.setLayer(None)
    wait_for(lambda: not tab.run_button.isEnabled(), 5)
    assert not tab.run_button.isEnabled()


def test_enter_in_the_prompts_runs(landcover, plugin, project):
    """Before: Enter in the Land cover and Change prompts did nothing (setDefault works only in dialogs)."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab = landcover
    tab.layer_combo.setLayer(_layer(project, SAMPLE_S2, "sample"))
    tab.prompt_edit.setText("")
    wait_for(lambda: False, 0.1)
    assert not tab.run_button.isEnabled()
    QTest.keyClick(tab.prompt_edit, Qt.Key_Return)
    assert tab.task is None, "Enter does not run a refused prompt"
    tab.prompt_edit.setText("water")
    wait_for(lambda: tab.run_button.isEnabled(), 5)
    QTest.keyClick(tab.prompt_edit, Qt.Key_Return)
    assert tab.task is not None
    tab.cancel()
    wait_for(lambda: tab.task is None, 60)

    change = plugin.dock.tab("change_tab")
    before = _layer(project, SAMPLE_S2, "before")
    change.before_combo.setLayer(before)
    change.after_combo.setLayer(before)  # the same layer: refused with a message, so nothing runs
    change.prompt_edit.setText("any change")
    plugin.iface.messageBar().clearWidgets()
    QTest.keyClick(change.prompt_edit, Qt.Key_Return)
    assert change.task is None
    assert any("same layer" in w.text() for w in plugin.iface.messageBar().items())


def test_exemplars_are_chosen_not_preselected(plugin, project, tmp_path):
    """Before: the Exemplars combo had no empty entry, so the polygons of a land-cover run (added to the project) were
    selected silently and one click on Find similar used all of them as exemplars."""
    from qgis.core import QgsVectorLayer

    tab = plugin.dock.tab("interactive_tab")
    tab.layer_combo.setLayer(_layer(project, SAMPLE_S2, "sample"))
    polygons = QgsVectorLayer("Polygon?crs=EPSG:32636", "land cover polygons", "memory")
    project.addMapLayer(polygons)
    assert tab.exemplar_combo.currentLayer() is None
    assert tab.exemplar_combo.currentText() == "choose polygons…"
    plugin.iface.messageBar().clearWidgets()
    tab.find_similar()
    assert tab.similar_task is None
    assert "Exemplars" in tab.status.text()
    assert any("Exemplars" in w.text() for w in plugin.iface.messageBar().items())
    tab.exemplar_combo.setLayer(polygons)
    assert tab.exemplar_combo.currentLayer() is polygons
