"""The keyboard on the map and in the dock, in real QGIS (offscreen): keys are QTest events sent to the focused widget, so
they pass through Qt's shortcut map as a real key press does."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import change_pair_layers, change_tab_session, find_in_tab, interactive_tab_on_web_canvas, lakes_tab, \
    wait_for, write_raster

TRANSFORM = from_origin(500000, 4500000, 0.5, 0.5)


@pytest.fixture()
def setup(plugin, tmp_path, monkeypatch):
    """A raster in EPSG:32633 on a canvas in EPSG:3857 and the dock's Interactive tab in the (active) main window, as in
    QGIS: focus moves between the dock and the canvas; the tab's tool is active."""
    from qgis.PyQt.QtWidgets import QApplication

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    data, masks = scene(h=256, w=256)
    path = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    out = str(tmp_path / "accepted.gpkg")
    with interactive_tab_on_web_canvas(path, "img", "building", "classical", out) as (_unused, canvas, layer, xf):
        plugin.action.setChecked(True)
        plugin.dock.show_tab("interactive_tab")
        tab = plugin.dock.tab("interactive_tab")
        edits = (tab.class_edit, tab.model_edit)
        kept = [w.text() for w in edits] + [tab.output_widget.filePath()]
        QApplication.setActiveWindow(canvas.window())  # shown again after an earlier test hid it: not active by itself
        assert wait_for(lambda: QApplication.activeWindow() is canvas.window(), 5)
        tab.layer_combo.setLayer(layer)
        tab.class_edit.setText("building")
        tab.model_edit.setText("classical")
        tab.output_widget.setFilePath(out)
        tab.start_button.setChecked(True)
        assert canvas.mapTool() is tab.tool
        try:
            yield tab, canvas, xf, out
        finally:
            tab.start_button.setChecked(False)
            tab.controller.reset()
            for w, text in zip(edits, kept):
                w.setText(text)
            tab.output_widget.setFilePath(kept[-1])
            tab.apply_choices()


def _press(key, modifier=None) -> None:
    """A key press to the widget that has the focus (a real key press goes there)."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest
    from qgis.PyQt.QtWidgets import QApplication

    QTest.keyClick(QApplication.focusWidget(), key, modifier or Qt.NoModifier)
    wait_for(lambda: False, 0.1)


def _click(canvas, xf, r, c, transform=TRANSFORM) -> None:
    """A left click on raster pixel (row, col)."""
    from qgis.core import QgsPointXY
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtTest import QTest

    x, y = transform * (c + 0.5, r + 0.5)
    p = canvas.getCoordinateTransform().transform(xf.transform(QgsPointXY(x, y)))
    QTest.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(int(round(p.x())), int(round(p.y()))))


def _mask(ctl):
    return ctl.task is None and ctl.session is not None and ctl.session.last is not None and not ctl.session.last.empty


def _objects(path: str) -> int:
    from osgeo import ogr

    ds = ogr.Open(path)
    n = ds.GetLayerByName("objects").GetFeatureCount() if ds is not None else 0
    ds = None
    return n


def test_ctrl_z_on_the_map_undoes_prompts_not_the_edits_of_a_layer(setup):
    """QGIS's Edit > Undo / Redo are main-window actions with Ctrl+Z / Ctrl+Shift+Z, enabled while a vector layer in edit
    mode can undo: while the prompt tool is active the keys act on the prompts only."""
    from qgis.gui import QgsMapToolPan
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QKeySequence
    from qgis.PyQt.QtWidgets import QAction

    tab, canvas, xf, out = setup
    ctl, win = tab.controller, canvas.window()
    undo, edits = _undo_action(canvas)
    redo = QAction("&Redo", win)
    redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
    redo.triggered.connect(edits.undoStack().redo)
    win.addAction(redo)
    try:
        _click(canvas, xf, 55, 70)
        assert wait_for(lambda: _mask(ctl))
        _click(canvas, xf, 150, 170)
        assert wait_for(lambda: _mask(ctl) and ctl.session.history.n_positive == 2)
        canvas.setFocus()
        _press(Qt.Key_Z, Qt.ControlModifier)
        assert (ctl.session.history.n_positive, edits.featureCount()) == (1, 3)
        _press(Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
        assert (ctl.session.history.n_positive, edits.featureCount()) == (2, 3)
        _press(Qt.Key_Z, Qt.ControlModifier)
        _press(Qt.Key_Y, Qt.ControlModifier)
        assert (ctl.session.history.n_positive, edits.featureCount()) == (2, 3)
        _press(Qt.Key_Return)
        assert _objects(out) == 1
        _press(Qt.Key_Z, Qt.ControlModifier)  # right after Enter: takes the object back, not an unsaved feature
        assert (_objects(out), ctl.session.history.n_positive, edits.featureCount()) == (0, 2, 3)
        # another map tool: the keys are QGIS's again
        pan = QgsMapToolPan(canvas)
        canvas.setMapTool(pan)
        canvas.setFocus()
        _press(Qt.Key_Z, Qt.ControlModifier)
        assert (ctl.session.history.n_positive, edits.featureCount()) == (2, 2)
        canvas.unsetMapTool(pan)
    finally:
        win.removeAction(redo)
        _drop_undo(canvas, undo, edits)


def test_dock_buttons_give_the_keys_back_to_the_map(setup):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest
    from qgis.PyQt.QtWidgets import QApplication

    tab, canvas, xf, out = setup
    ctl = tab.controller
    tab.start_button.setChecked(False)
    tab.start_button.setFocus()
    QTest.keyClick(tab.start_button, Qt.Key_Space)  # 'Prompt on map' from the keyboard
    assert canvas.mapTool() is tab.tool and QApplication.focusWidget() is canvas
    _click(canvas, xf, 55, 70)
    assert wait_for(lambda: _mask(ctl))
    QTest.mouseClick(tab.undo_button, Qt.LeftButton)
    assert ctl.session.history.n_positive == 0 and QApplication.focusWidget() is canvas
    _press(Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert ctl.session.history.n_positive == 1
    QTest.mouseClick(tab.redo_button, Qt.LeftButton)
    _press(Qt.Key_Return)
    assert _objects(out) == 1
    _click(canvas, xf, 150, 170)
    assert wait_for(lambda: _mask(ctl))
    QTest.mouseClick(tab.accept_button, Qt.LeftButton)
    assert _objects(out) == 2 and QApplication.focusWidget() is canvas
    _click(canvas, xf, 55, 70)
    assert wait_for(lambda: _mask(ctl))
    QTest.mouseClick(tab.clear_button, Qt.LeftButton)
    assert QApplication.focusWidget() is canvas


def test_another_map_tool_keeps_the_mask_and_says_how_to_finish_it(setup):
    from qgis.gui import QgsMapToolPan
    from qgis.PyQt.QtCore import Qt

    tab, canvas, xf, out = setup
    ctl = tab.controller
    _click(canvas, xf, 55, 70)
    assert wait_for(lambda: _mask(ctl))
    pan = QgsMapToolPan(canvas)
    canvas.setMapTool(pan)
    assert not tab.start_button.isChecked() and not ctl.preview.band.asGeometry().isEmpty()
    assert "Prompt on map" in tab.status.text() and "Accept" in tab.status.text()
    tab.start_button.setChecked(True)  # back: Enter accepts the mask kept
    assert canvas.mapTool() is tab.tool and "is off" not in tab.status.text()
    _press(Qt.Key_Return)
    assert _objects(out) == 1
    canvas.unsetMapTool(pan)


def _undo_action(canvas):
    """QGIS's Edit > Undo (a main-window action with Ctrl+Z) undoing the edits of a memory layer with 3 unsaved
    features: (action, layer); remove both with _drop_undo."""
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject, QgsVectorLayer
    from qgis.PyQt.QtGui import QKeySequence
    from qgis.PyQt.QtWidgets import QAction

    edits = QgsVectorLayer("Point?crs=EPSG:3857&field=name:string", "my edits", "memory")
    QgsProject.instance().addMapLayer(edits)
    edits.startEditing()
    for i in range(3):
        f = QgsFeature(edits.fields())
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(i, i)))
        edits.addFeature(f)
    undo = QAction("&Undo", canvas.window())
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    undo.triggered.connect(edits.undoStack().undo)
    canvas.window().addAction(undo)
    return undo, edits


def _drop_undo(canvas, undo, edits) -> None:
    from qgis.core import QgsProject

    canvas.window().removeAction(undo)
    edits.rollBack()
    QgsProject.instance().removeMapLayer(edits.id())


def test_a_tool_giving_the_map_back_shows_prompt_on_map_on(plugin, setup):
    """Land cover's 'Draw extent' gave the prompt tool back with the button off and the status saying 'Prompt on map is
    off', while Ctrl+Z undid prompts; pressing the button then never turned it on (QGIS deactivated the active tool)."""
    from qgis.core import QgsRectangle
    from qgis.PyQt.QtCore import Qt

    tab, canvas, xf, out = setup
    ctl = tab.controller
    _click(canvas, xf, 55, 70)
    assert wait_for(lambda: _mask(ctl))
    landcover = plugin.dock.tab("landcover_tab")
    landcover.start_drawing()
    assert canvas.mapTool() is not tab.tool and not tab.start_button.isChecked()
    assert "is off" in tab.status.text()
    landcover.set_drawn_extent(QgsRectangle(0, 0, 100, 100))
    assert canvas.mapTool() is tab.tool
    assert tab.start_button.isChecked() and "is off" not in tab.status.text(), tab.status.text()
    tab.start_button.setChecked(False)  # the button works both ways again
    assert canvas.mapTool() is not tab.tool
    tab.start_button.setChecked(True)
    assert canvas.mapTool() is tab.tool and tab.start_button.isChecked()
    _press(Qt.Key_Return)
    assert _objects(out) == 1


def test_closing_the_dock_turns_prompt_on_map_off(plugin, setup):
    """With the dock closed the prompt tool stayed active: Ctrl+Z undid hidden prompts instead of QGIS's Undo."""
    from qgis.PyQt.QtCore import Qt

    tab, canvas, xf, out = setup
    ctl = tab.controller
    undo, edits = _undo_action(canvas)
    try:
        _click(canvas, xf, 55, 70)
        assert wait_for(lambda: _mask(ctl))
        plugin.dock.close()
        assert not plugin.dock.isVisible()
        assert canvas.mapTool() is not tab.tool and not tab.start_button.isChecked()
        canvas.setFocus()
        _press(Qt.Key_Z, Qt.ControlModifier)
        assert (ctl.session.history.n_positive, edits.featureCount()) == (1, 2)
        _press(Qt.Key_Return)
        assert _objects(out) == 0
        plugin.action.setChecked(True)  # open again: the mask under way is still there to accept
        assert plugin.dock.isVisible() and "is off" in tab.status.text()
        tab.start_button.setChecked(True)
        _press(Qt.Key_Return)
        assert _objects(out) == 1
    finally:
        plugin.action.setChecked(True)
        _drop_undo(canvas, undo, edits)


def test_a_text_search_keeps_the_object_under_way(plugin, tmp_path, monkeypatch):
    """Enter in the Text box while a mask is shown: the mask and its clicks stay; accepting writes it, and Ctrl+Z (undo)
    then takes it back with its clicks."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    with lakes_tab(tmp_path, monkeypatch) as (tab, canvas, layer, masks, xf):
        tab.start_button.setChecked(True)
        ctl, panel = tab.controller, tab.candidates
        t10 = from_origin(500000, 4500000, 10, 10)
        for k, dc in enumerate((0, 1, -1)):  # three clicks on the small lake
            _click(canvas, xf, 160, 135 + dc, t10)
            assert wait_for(lambda: _mask(ctl) and ctl.session.history.n_positive == k + 1, 60)
        before = ctl.preview.band.asGeometry().area()
        panel.prompt_edit.setText("water")
        QTest.keyClick(panel.prompt_edit, Qt.Key_Return)
        assert wait_for(lambda: panel.task is None and panel.find_button.isEnabled(), 90)
        assert panel.list.count() > 0 and ctl.session is panel.session
        assert ctl.session.history.n_positive == 3
        assert ctl.preview.band.asGeometry().area() == pytest.approx(before)
        ctl.accept()
        out = str(tmp_path / "accepted.gpkg")
        assert _objects(out) == 1
        ctl.undo()  # Ctrl+Z right after Enter: the object and its three clicks come back
        assert _objects(out) == 0 and ctl.session.history.n_positive == 3
        find_in_tab(tab, "water")  # a search with nothing under way still starts afresh
        assert ctl.session.history.n_positive == 3


def test_interactive_tab_order_and_names(plugin):
    tab = plugin.dock.tab("interactive_tab")
    w, seen = tab.exemplar_combo, []
    for _ in range(50):
        w = w.nextInFocusChain()
        if w in (tab.in_view_check, tab.similar_button):
            seen.append(w)
    assert seen[:2] == [tab.in_view_check, tab.similar_button]  # 'In view' is above 'Find similar'
    assert tab.model_button.accessibleName()


def test_space_on_run_leaves_the_focus_on_cancel(plugin, project, tmp_path):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest
    from qgis.PyQt.QtWidgets import QApplication

    gen = change_tab_session(plugin)
    tab = next(gen)
    win = plugin.iface.mainWindow()
    shown = win.isVisible()
    win.show()
    QApplication.setActiveWindow(win)
    try:
        plugin.dock.show_tab("change_tab")
        b, a, _truth = change_pair_layers(project, tmp_path)
        tab.before_combo.setLayer(b)
        tab.after_combo.setLayer(a)
        tab.prompt_edit.setText("any change")
        assert wait_for(lambda: tab.run_button.isEnabled(), 20)
        tab.run_button.setFocus()
        QTest.keyClick(tab.run_button, Qt.Key_Space)
        assert tab.task is not None and QApplication.focusWidget() is tab.cancel_button
    finally:
        next(gen, None)
        if not shown:
            win.hide()
