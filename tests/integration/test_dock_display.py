"""How the dock reads in a narrow (300 px) dock, in three languages and on a dark theme: long names wrap, status colours
are readable, tabs are told apart, fields keep their width, warnings can be read, labels are translated."""
from __future__ import annotations

import re

import numpy as np
import pytest

from conftest import SAMPLE_S2, change_pair_layers, change_tab_session, wait_for
from test_dock_layout import LONG_NAME, _layer, dock_in  # noqa: F401 - dock_in is a fixture

DARK = {"Window": "#323232", "WindowText": "#dcdcdc", "Base": "#262626", "Text": "#dcdcdc", "Button": "#3a3a3a",
        "ButtonText": "#dcdcdc"}
"""A dark QGIS theme's colours (as Night Mapping's)."""


def _shown(dock, width: int = 300):
    """The dock floating, ``width`` px wide, laid out."""
    dock.setFloating(True)
    dock.resize(width, 700)
    dock.show()
    wait_for(lambda: False, 0.2)
    return dock


def _current(dock, module: str):
    """Bring a tab to the front and let it lay out; the tab."""
    tab = dock.tab(module)
    dock.tab_widget.setCurrentWidget(tab)
    wait_for(lambda: False, 0.1)
    return tab


def _luminance(name: str) -> float:
    """WCAG relative luminance of '#rrggbb'."""
    channels = [int(name[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two '#rrggbb' colours."""
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def _colour_contrast(label) -> float:
    """Contrast of the colour a status label's text is drawn in against its window colour."""
    from qgis.PyQt.QtGui import QPalette

    found = re.findall(r"color:\s*(#[0-9a-fA-F]{6})", label.text())
    assert found, label.text()
    return min(_contrast(c, label.palette().color(QPalette.Window).name()) for c in found)


def _dark_palette():
    from qgis.PyQt.QtGui import QColor, QPalette

    palette = QPalette()
    for role, colour in DARK.items():
        palette.setColor(getattr(QPalette, role), QColor(colour))
    return palette


def test_status_colours_are_readable_on_light_and_dark_themes(dock_in):
    """Before: refusals were #b00020 and 'will extract' lines #1b7f3b whatever the theme: 1.75:1 and 2.53:1 on a dark
    window (#323232), so the line saying why Run is disabled could not be read; the green was 4.41:1 on a light one."""
    dock = dock_in("en")
    landcover, change = dock.tab("landcover_tab"), dock.tab("change_tab")
    for palette in (None, _dark_palette()):
        for tab in (landcover, change):
            if palette is not None:
                tab.setPalette(palette)
            for prompt in ("water", "qwertzuiop xyzzy"):  # fits (green), refused (red)
                tab.prompt_edit.setText("")
                tab.prompt_edit.setText(prompt)
                assert _colour_contrast(tab.prompt_status) >= 4.5, (prompt, tab.prompt_status.text())


def test_status_colour_helper_on_any_window(qgis_app_session):
    """The helper reads 4.5:1 on white, QGIS's light grey, mid greys and dark themes, and keeps the hue on white."""
    from qgis.PyQt.QtGui import QColor, QPalette

    from terraprompt.plugin.gui.richtext import status_color

    for window in ("#ffffff", "#efefef", "#c0c0c0", "#808080", "#606060", "#404040", "#323232", "#19232d", "#000000"):
        palette = QPalette()
        palette.setColor(QPalette.Window, QColor(window))
        for ok in (True, False):
            assert _contrast(status_color(ok, palette), window) >= 4.5, (window, ok, status_color(ok, palette))
    white = QPalette()
    white.setColor(QPalette.Window, QColor("#ffffff"))
    assert (status_color(True, white), status_color(False, white)) == ("#1b7f3b", "#b00020")


def test_long_names_wrap_in_plain_and_rich_statuses(dock_in, project, tmp_path):
    """Before: a layer or file named like a Sentinel-2 product was one unbreakable word in the status lines (plain in
    the Interactive tab, rich text in the Land cover tab), wider than the dock."""
    import shutil

    from qgis.core import QgsRasterLayer
    from qgis.PyQt.QtGui import QTextDocument, QTextOption
    from qgis.PyQt.QtWidgets import QLabel

    dock = dock_in("en")
    mask = str(tmp_path / f"{LONG_NAME}.tif")
    shutil.copy(SAMPLE_S2, mask)
    not_a_mask = QgsRasterLayer(mask, "not a mask")
    project.addMapLayer(not_a_mask)
    interactive, landcover = dock.tab("interactive_tab"), dock.tab("landcover_tab")
    interactive.layer_combo.setLayer(_layer(project, SAMPLE_S2, LONG_NAME))
    landcover.mask_combo.setLayer(not_a_mask)
    wait_for(lambda: False, 0.1)
    for label, rich in ((interactive.status, False), (landcover.mask_status, True)):
        shown = QLabel.text(label)  # what the label draws
        assert LONG_NAME in shown.replace("\u200b", ""), shown  # the whole name, with zero-width break opportunities
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        option = doc.defaultTextOption()
        option.setWrapMode(QTextOption.WordWrap)  # as QLabel wraps: at break opportunities only
        doc.setDefaultTextOption(option)
        doc.setHtml(shown) if rich else doc.setPlainText(shown)
        doc.setTextWidth(250)
        assert doc.idealWidth() <= 250, (doc.idealWidth(), shown)


def test_change_statuses_span_both_columns(dock_in):
    """Before: the prompt's and cloud masks' statuses sat in the field column beside an empty label: a refusal was
    125 px wide and 16 lines tall in a 300 px dock."""
    from qgis.PyQt.QtWidgets import QFormLayout

    dock = _shown(dock_in("en"))
    change = _current(dock, "change_tab")
    change.prompt_edit.setText("forest taller than 20 m")
    wait_for(lambda: False, 0.1)
    for label in (change.prompt_status, change.mask_status):
        form = next(f for f in change.findChildren(QFormLayout) if f.getWidgetPosition(label)[0] >= 0)
        assert form.getWidgetPosition(label)[1] == QFormLayout.SpanningRole, label.objectName()
    status, edit = change.prompt_status.width(), change.prompt_edit.width()
    assert status >= edit - 2, (status, edit)


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_tabs_are_told_apart_in_a_narrow_dock(dock_in, lang):
    """Before: at 300 px the tab labels elided alike: 'Se… Se…' (Settings, Setup), 'In… In…' (Interactif,
    Installation), 'Ei… Ei…' (Einstellungen, Einrichtung); only the tooltip told them apart."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QStyle, QStyleOptionTab

    dock = _shown(dock_in(lang))
    bar = dock.tab_widget.tabBar()
    assert dock.width() <= 320 and not bar.usesScrollButtons() and bar.width() <= dock.width()
    shown = []
    for i in range(bar.count()):  # what each tab draws: its icon and its label elided to the tab (as QTabBar paints)
        opt = QStyleOptionTab()
        opt.initFrom(bar)
        opt.rect, opt.text, opt.icon = bar.tabRect(i), bar.tabText(i), bar.tabIcon(i)
        opt.iconSize, opt.shape = bar.iconSize(), bar.shape()
        text_rect = bar.style().subElementRect(QStyle.SE_TabBarTabText, opt, bar)
        text = bar.fontMetrics().elidedText(bar.tabText(i), bar.elideMode(), text_rect.width(), Qt.TextShowMnemonic)
        shown.append((text, bar.tabIcon(i).pixmap(bar.iconSize()).toImage()))
    for i in range(len(shown)):
        for j in range(i + 1, len(shown)):
            assert shown[i][0] != shown[j][0] or shown[i][1] != shown[j][1], (bar.tabText(i), bar.tabText(j), shown[i][0])
    assert all(not icon.isNull() for _text, icon in shown)


def test_modality_is_not_left_from_the_last_raster(dock_in, project, tmp_path):
    """Before: after a Sentinel-2 raster, a refused one (not georeferenced) kept 'Auto: Sentinel-2 (13 bands)' in the
    Modality combo above the red refusal."""
    import rasterio

    from terraprompt.plugin.gui.landcover_tab import modality_labels

    tab = dock_in("en").tab("landcover_tab")
    tab.layer_combo.setLayer(_layer(project, SAMPLE_S2, "sample"))
    wait_for(lambda: tab.modality_combo.itemText(0).startswith("Auto:"), 10)
    assert tab.modality_combo.itemText(0).startswith("Auto:"), tab.modality_combo.itemText(0)
    path = str(tmp_path / "nogeoref.tif")
    with rasterio.open(path, "w", driver="GTiff", width=64, height=64, count=3, dtype="uint8") as ds:
        ds.write(np.random.default_rng(0).integers(0, 255, (3, 64, 64), dtype=np.uint8))
    tab.layer_combo.setLayer(_layer(project, path, "picture"))
    wait_for(lambda: False, 0.2)
    assert tab.input_refusal, tab.bands_label.text()
    assert tab.modality_combo.itemText(0) == modality_labels()["auto"], tab.modality_combo.itemText(0)


def test_temporary_files_warning_is_short_fix_first_and_stays(dock_in, plugin, monkeypatch):
    """Before: 74 words in a 1½-line message bar, the layers' names first and the fix last (behind the bar's scroll
    arrows), gone after 8 s."""
    from qgis.core import QgsApplication

    from terraprompt.plugin.gui import dock as dock_module

    class Layer:
        def __init__(self, name):
            self._name = name

        def name(self):
            return self._name

    names = [f"{LONG_NAME} land cover {i} (classes)" for i in range(4)]
    monkeypatch.setattr(dock_module, "temporary_results", lambda project: [Layer(n) for n in names])
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda text, tag, level: logged.append(text))
    bar = plugin.iface.messageBar()
    bar.clearWidgets()
    text = dock_in("en").warn_temporary_results()
    item = next(w for w in bar.items() if w.text() == text)
    assert item.duration() == 0, item.duration()  # it stays until closed
    assert text.index("Save As") < text.index("4") and len(text.split()) <= 30, text  # the fix first, short
    assert not any(n in text for n in names), text
    assert any(all(n in entry for n in names) for entry in logged), logged  # the names are in the log


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_narrow_dock_gives_fields_the_width(dock_in, lang):
    """Before: at 300 px the form labels' column ('Wolkenmaske nachher', 'Carte de référence') left the Before and After
    pickers 70-90 px ('S2A_' for both dates), and the Find objects field 70 px beside its button."""
    dock = _shown(dock_in(lang))
    change = _current(dock, "change_tab")
    body = change.before_combo.parentWidget()
    for combo in (change.before_combo, change.after_combo):
        assert combo.width() >= 0.8 * body.width(), (combo.width(), body.width())
    candidates = _current(dock, "interactive_tab").candidates
    assert candidates.prompt_edit.width() >= 0.8 * candidates.width(), (candidates.prompt_edit.width(), candidates.width())
    assert candidates.find_button.y() > candidates.prompt_edit.y()  # the button under its field
    landcover = _current(dock, "landcover_tab")
    assert landcover.layer_combo.width() >= 0.8 * landcover.layer_combo.parentWidget().width()
    _shown(dock, 520)  # a wide dock keeps the labels beside their fields
    change = _current(dock, "change_tab")
    assert change.before_combo.x() > change.before_combo.parentWidget().width() // 5, change.before_combo.x()


@pytest.fixture()
def change_tab(plugin, project):
    yield from change_tab_session(plugin)


def test_change_done_names_the_method_as_the_combo_does(change_tab, plugin, project, tmp_path):
    """Before: the done message put the method's key in: '… changed (cva).', in French and German '(network)'."""
    from terraprompt.plugin.gui.change_tab import method_labels

    before, after, _truth = change_pair_layers(project, tmp_path)
    change_tab.before_combo.setLayer(before)
    change_tab.after_combo.setLayer(after)
    change_tab.method_combo.setCurrentIndex(change_tab.method_combo.findData("cva"))
    change_tab.prompt_edit.setText("any change")
    bar = plugin.iface.messageBar()
    bar.clearWidgets()
    assert change_tab.run() is not None
    assert wait_for(lambda: change_tab.task is None), "the task did not finish"
    said = [w.text() for w in bar.items()]
    assert any(f"({method_labels()['cva']})" in s for s in said) and not any("(cva)" in s for s in said), said


def test_temporary_layers_warning_is_replaced_on_each_save(plugin, project, monkeypatch):
    """Each save pushed another copy of the temporary-layers warning, each staying until closed: three saves, three
    warnings to close."""
    from terraprompt.plugin.gui import dock as dock_module

    class Layer:
        def __init__(self, name: str) -> None:
            self._name = name

        def name(self) -> str:
            return self._name

    layers = [Layer("water land cover (classes)")]
    monkeypatch.setattr(dock_module, "temporary_results", lambda project: list(layers))
    plugin.action.setChecked(True)
    bar = plugin.iface.messageBar()
    bar.clearWidgets()
    try:
        texts = [plugin.dock.warn_temporary_results() for _ in range(2)]
        layers.append(Layer("change polygons"))  # a third save, with another temporary result: its own count
        texts.append(plugin.dock.warn_temporary_results())
        wait_for(lambda: False, 0.2)
        shown = [item.text() for item in bar.items()]
        assert shown.count(texts[-1]) == 1 and texts[0] not in shown, shown
    finally:
        bar.clearWidgets()


def test_copying_a_status_gives_its_text_without_break_opportunities(qgis_app_session):
    """Ctrl+C on a selected refusal copied '/\u200bdata/\u200bsentinel_\u200b2/...': the invisible break opportunities
    came along, and the pasted path matched no file."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest
    from qgis.PyQt.QtWidgets import QApplication, QWidget

    from terraprompt.plugin.gui.richtext import BREAK, StatusLabel, status_html

    window = QWidget()
    label = StatusLabel(window)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)  # as the Land cover tab's bands label
    text = "Cannot read /data/sentinel_2/S2A_MSIL2A_20230601T101031_N0509.tif"
    label.setText(status_html(text, False, label))
    window.show()
    wait_for(lambda: False, 0.05)
    label.setSelection(0, 60)
    assert BREAK in label.selectedText()  # what Qt selects: the text as shown
    label.setFocus()
    QTest.keyClick(label, Qt.Key_C, Qt.ControlModifier)
    copied = QApplication.clipboard().text()
    assert copied and BREAK not in copied and text.startswith(copied), repr(copied)
    QApplication.clipboard().setText("elsewhere\u200b")  # copied from another widget: left as it is
    assert QApplication.clipboard().text() == "elsewhere\u200b"
    window.deleteLater()
