"""A digitising session in the Interactive tab (offscreen canvas): Ctrl+Z beside QGIS edit sessions, a raster switched
with an object under way, what the status line says when Enter or Ctrl+Z does nothing, the model hash of a refined
candidate, and an objects file typed as a bare name."""
from __future__ import annotations

import fiona
import pytest

from conftest import find_in_tab, lakes_tab, wait_for
from test_interactive_gui import _click, _ids, _keys, _screen, setup, slot_errors  # noqa: F401 (fixtures)


def _messages(ctl) -> list:
    """The controller's messages (level, text), collected from now on."""
    said = []
    ctl.message = lambda text, level="info": said.append((level, text))
    return said


def _accept_roofs(tab, canvas, xf, *pixels) -> None:
    """Click each roof (row, col) and press Enter."""
    from qgis.PyQt.QtCore import Qt

    ctl = tab.controller
    for r, c in pixels:
        _click(canvas, _screen(canvas, xf, r, c))
        assert wait_for(lambda: ctl.task is None and ctl.session is not None and ctl.session.last is not None)
        _keys(canvas, Qt.Key_Return)


def _object(layer, oid):
    return next(f for f in layer.getFeatures() if f["object_id"] == oid)


def _classes(path) -> dict:
    with fiona.open(str(path), layer="objects") as fc:
        return {f["properties"]["object_id"]: f["properties"]["class"] for f in fc}


def _undo(canvas) -> None:
    from qgis.PyQt.QtCore import Qt

    _keys(canvas, (Qt.Key_Z, Qt.ControlModifier))


def test_ctrl_z_leaves_an_object_with_unsaved_attribute_edits_to_its_edit_session(setup, slot_errors):
    """Object 2's class fixed in an edit session (not saved), then Ctrl+Z: refused, naming the layer, so Save Edits keeps
    the fix (the row was deleted beside the edit buffer: Save Edits said it changed a value of a row gone)."""
    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _accept_roofs(tab, canvas, xf, (55, 70), (150, 170))
    objects = ctl.output_layer
    objects.startEditing()
    objects.changeAttributeValue(_object(objects, 2).id(), objects.fields().indexOf("class"), "garage")
    said = _messages(ctl)
    _undo(canvas)
    assert _ids(out) == [1, 2]
    assert "save or stop editing 'accepted'" in tab.status.text().lower(), tab.status.text()
    assert said and said[-1] == ("warning", tab.status.text())
    assert objects.commitChanges(), objects.commitErrors()
    assert _classes(out) == {1: "building", 2: "garage"}
    _undo(canvas)  # saved: the take-back goes ahead
    assert _ids(out) == [1] and ctl.session.history.n_positive == 1 and "taken back" in tab.status.text()
    assert not slot_errors, slot_errors[0]


def test_ctrl_z_leaves_an_object_deleted_in_the_edit_buffer_to_its_edit_session(setup, slot_errors):
    """Object 2 deleted in an edit session (not saved), then Ctrl+Z: refused, so Save Edits succeeds and ends the edit
    session (the row was deleted from the file first: the layer showed no object and Save Edits failed on it)."""
    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _accept_roofs(tab, canvas, xf, (55, 70), (150, 170))
    objects = ctl.output_layer
    objects.startEditing()
    objects.deleteFeature(_object(objects, 2).id())
    _undo(canvas)
    assert _ids(out) == [1, 2] and objects.featureCount() == 1
    assert "save or stop editing" in tab.status.text().lower(), tab.status.text()
    assert objects.commitChanges(), objects.commitErrors()
    assert not objects.isEditable() and _ids(out) == [1] and objects.featureCount() == 1
    assert not slot_errors, slot_errors[0]


def test_ctrl_z_after_the_object_was_deleted_and_saved_in_qgis_puts_its_prompts_back(setup, slot_errors):
    """The accepted object deleted in QGIS and saved, then Ctrl+Z: it is already out of the file; the status says so and
    the prompts come back to accept again (a critical 'could not be removed' came, the status still said 'added')."""
    from qgis.PyQt.QtCore import Qt

    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _accept_roofs(tab, canvas, xf, (55, 70))
    objects = ctl.output_layer
    objects.startEditing()
    objects.deleteFeature(_object(objects, 1).id())
    assert objects.commitChanges()
    said = _messages(ctl)
    _undo(canvas)
    assert not [m for m in said if m[0] == "critical"], said
    assert "already deleted" in tab.status.text(), tab.status.text()
    assert ctl.session.history.n_positive == 1 and not ctl.preview.band.asGeometry().isEmpty()
    _keys(canvas, Qt.Key_Return)
    assert _ids(out) == [1]
    assert not slot_errors, slot_errors[0]


def _other_raster(layer):
    """A second raster layer of the same file in the project (another raster to choose)."""
    from qgis.core import QgsProject, QgsRasterLayer

    other = QgsRasterLayer(layer.source(), "other", "gdal")
    QgsProject.instance().addMapLayer(other)
    return other


def test_another_raster_chosen_keeps_the_object_under_way_until_enter(setup, slot_errors):
    """A raster chosen while a mask is shown: the mask stays, the status says the raster applies after Enter, and Enter
    writes it (it was dropped without a word, the status still describing it)."""
    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    other = _other_raster(layer)
    tab.layer_combo.setLayer(other)
    assert ctl.session is not None and not ctl.preview.band.asGeometry().isEmpty()
    assert "Raster 'other': applies after Enter" in tab.status.text(), tab.status.text()
    from qgis.PyQt.QtCore import Qt

    _keys(canvas, Qt.Key_Return)
    assert _ids(out) == [1] and ctl.layer is other
    assert "Raster 'other': the next click encodes the view with it." in tab.status.text(), tab.status.text()
    tab.layer_combo.setLayer(layer)  # nothing under way: applies at once, and the status says so
    assert ctl.layer is layer and tab.status.text() == "Raster 'img': the next click encodes its view."
    _undo(canvas)  # the object accepted last stays: said, not silent
    assert _ids(out) == [1] and "Ctrl+Z takes an object back only until another raster" in tab.status.text()
    assert not slot_errors, slot_errors[0]


def test_another_raster_chosen_after_a_take_back_keeps_the_object(setup, slot_errors):
    """Ctrl+Z took object 1 back, then another raster is chosen: the object stays on the map and Enter writes it again
    (it was lost from the file and the map)."""
    from qgis.PyQt.QtCore import Qt

    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _accept_roofs(tab, canvas, xf, (55, 70))
    _undo(canvas)
    assert _ids(out) == []
    tab.layer_combo.setLayer(_other_raster(layer))
    assert ctl.session is not None and ctl.session.history.n_positive == 1
    _keys(canvas, Qt.Key_Return)
    assert _ids(out) == [1]
    assert not slot_errors, slot_errors[0]


def test_a_taken_back_object_whose_raster_is_removed_goes_back_into_the_file(setup, slot_errors):
    """Ctrl+Z took object 1 back, then its raster is removed from the project: the object cannot stay on the map, so it
    is written back as it was accepted, and the message bar and status say so."""
    from qgis.core import QgsProject

    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _other_raster(layer)
    _accept_roofs(tab, canvas, xf, (55, 70))
    with fiona.open(str(out), layer="objects") as fc:
        (before,) = [f["properties"] for f in fc]
    _undo(canvas)
    said = _messages(ctl)
    QgsProject.instance().removeMapLayer(layer.id())
    with fiona.open(str(out), layer="objects") as fc:
        (after,) = [f["properties"] for f in fc]
    assert dict(after) == dict(before)
    assert "put back into accepted.gpkg" in tab.status.text() and said[-1] == ("warning", tab.status.text())
    assert ctl.session is None and ctl.preview.band.asGeometry().isEmpty()
    assert not slot_errors, slot_errors[0]


def test_enter_with_nothing_to_accept_says_so_in_the_status(setup):
    """Enter with no mask: the status says what the message bar says (it kept its last line)."""
    from qgis.PyQt.QtCore import Qt

    tab, canvas, layer, masks, xf, tmp = setup
    said = _messages(tab.controller)
    _keys(canvas, Qt.Key_Return)
    assert tab.status.text() == "Nothing to accept: click inside an object first."
    assert said == [("warning", tab.status.text())]


def test_no_overlap_refusal_is_said_in_the_status_naming_unsaved_edits(setup):
    """No overlap refuses an object lying on object 1, which an unsaved edit moved away: the status says it was not
    added, and that No overlap reads the saved file (it kept the score line; the edit was not named)."""
    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    tab.overlap_check.setChecked(True)
    try:
        _accept_roofs(tab, canvas, xf, (55, 70))
        objects = ctl.output_layer
        objects.startEditing()
        g = _object(objects, 1).geometry()
        g.translate(0, 40)
        objects.changeGeometry(_object(objects, 1).id(), g)
        said = _messages(ctl)
        _accept_roofs(tab, canvas, xf, (56, 72))
        assert _ids(out) == [1]
        text = tab.status.text()
        assert "lie on objects saved in accepted.gpkg" in text and "save the edits of the layer 'accepted'" in text, text
        assert said[-1] == ("warning", text)
        objects.rollBack()
    finally:
        tab.overlap_check.setChecked(False)  # the box is remembered in the settings


def test_ctrl_z_after_another_objects_file_was_chosen_says_which_file(setup):
    """Enter, another objects file chosen, Ctrl+Z: nothing is taken back from either file, and the status says to choose
    the first file again (nothing was said); with it chosen again, Ctrl+Z takes the object back."""
    tab, canvas, layer, masks, xf, tmp = setup
    out = tmp / "accepted.gpkg"
    _accept_roofs(tab, canvas, xf, (55, 70))
    tab.output_widget.setFilePath(str(tmp / "other.gpkg"))
    tab.apply_choices(keep_session=True)
    _undo(canvas)
    assert "choose accepted.gpkg again" in tab.status.text(), tab.status.text()
    assert _ids(out) == [1] and not (tmp / "other.gpkg").exists()
    tab.output_widget.setFilePath(str(out))
    tab.apply_choices(keep_session=True)
    _undo(canvas)
    assert _ids(out) == [] and "taken back" in tab.status.text()


def test_ctrl_z_after_objects_written_from_the_candidate_list_says_where_to_remove_them(setup):
    """Objects written as the candidate list writes them, then Ctrl+Z: the status says they are removed in the layer (it
    said 'No prompts.')."""
    from shapely.geometry import MultiPolygon, box

    from terraprompt.plugin.core.interactive.objects import make_object

    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _accept_roofs(tab, canvas, xf, (55, 70))
    x, y = 500000 + 200 * 0.5, 4500000 - 5 * 0.5
    crs = ctl.session.source.crs
    obj = make_object(MultiPolygon([box(x, y - 2, x + 2, y)]), crs, ctl.next_object_id(), "shed", 1.0, 0, 0, "text", "m",
                      "0" * 64, "img.tif")
    assert ctl.write([obj], crs, 0.5)
    _undo(canvas)
    assert "candidate list are not taken back" in tab.status.text(), tab.status.text()
    assert _ids(out) == [1, 2]


def test_a_refined_candidate_accepted_without_clicks_has_its_own_model_hash(plugin, tmp_path, monkeypatch):
    """Refine a text candidate and press Enter without a click: the outline is the land-cover model's, so 'model' and
    'model_sha256' are its (the click engine's hash was written beside the land-cover model's name)."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    with lakes_tab(tmp_path, monkeypatch) as (tab, canvas, _, masks, xf):
        panel = find_in_tab(tab, "lakes larger than 10 ha")
        panel.list.item(0).setSelected(True)
        QTest.mouseClick(panel.refine_button, Qt.LeftButton)
        ctl = tab.controller
        assert ctl.session.prompt_type() == "text" and ctl.engine.sha256 != panel.cset.model_sha256
        model, sha = panel.cset.model, panel.cset.model_sha256
        QTest.keyClick(canvas, Qt.Key_Return)
        with fiona.open(str(tmp_path / "accepted.gpkg")) as fc:
            (p,) = [f["properties"] for f in fc]
        assert p["prompt_type"] == "text" and p["model"] == model and p["model_sha256"] == sha


@pytest.mark.parametrize("saved", [False, True])
def test_an_objects_file_typed_as_a_name_goes_into_the_project_folder(setup, monkeypatch, saved):
    """'typed' in the Objects file field: the file is made in the project's folder (the home folder for an unsaved
    project), not in the folder QGIS was started in, and the first status gives its full path."""
    from qgis.core import QgsProject

    tab, canvas, layer, masks, xf, tmp = setup
    for folder in ("cwd", "home", "project"):
        (tmp / folder).mkdir()
    monkeypatch.chdir(tmp / "cwd")
    monkeypatch.setenv("HOME", str(tmp / "home"))
    project = QgsProject.instance()
    if saved:
        project.setFileName(str(tmp / "project" / "p.qgz"))
    try:
        tab.output_widget.setFilePath("typed")
        _accept_roofs(tab, canvas, xf, (55, 70))
        where = tmp / ("project" if saved else "home") / "typed.gpkg"
        assert _ids(where) == [1] and not (tmp / "cwd" / "typed.gpkg").exists()
        assert tab.status.text() == f"Object 1 added to {where}."
        _accept_roofs(tab, canvas, xf, (150, 170))
    finally:
        project.setFileName("")
    assert _ids(where) == [1, 2] and not (tmp / "cwd" / "typed.gpkg").exists()
    assert tab.status.text() == "Object 2 added to typed.gpkg."
    assert tab.controller.output_layer.source().startswith(str(where))


def _candidate(ctl, oid=None):
    """An object as the candidate list's Accept writes it (id from next_object_id unless given); True when written."""
    from shapely.geometry import MultiPolygon, box

    from terraprompt.plugin.core.interactive.objects import make_object

    x, y = 500000 + 200 * 0.5, 4500000 - 5 * 0.5
    crs = ctl.session.source.crs
    obj = make_object(MultiPolygon([box(x, y - 2, x + 2, y)]), crs, oid or ctl.next_object_id(), "shed", 1.0, 0, 0,
                      "text", "m", "0" * 64, "img.tif")
    return bool(ctl.write([obj], crs, 0.5))


def test_a_taken_back_object_put_back_after_candidates_keeps_a_unique_id(setup, slot_errors):
    """Ctrl+Z took object 1 back, candidates were accepted, then the raster's CRS was fixed: object 1 goes back with its
    id and the candidate did not take it (the file held [1, 1])."""
    from qgis.core import QgsCoordinateReferenceSystem

    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _accept_roofs(tab, canvas, xf, (55, 70))
    _undo(canvas)
    assert _ids(out) == [] and ctl.next_object_id() == 2
    assert _candidate(ctl) and _ids(out) == [2]
    layer.setCrs(QgsCoordinateReferenceSystem("EPSG:32634"))  # Layer Properties > Source: CRS fixed
    assert sorted(_ids(out)) == [1, 2] and "put back into accepted.gpkg" in tab.status.text()
    assert not slot_errors, slot_errors[0]


def test_an_object_taken_back_and_accepted_again_keeps_its_id_after_candidates(setup, slot_errors):
    """Ctrl+Z, a candidate accepted, then Enter on the object taken back: it is written with its own id."""
    from qgis.PyQt.QtCore import Qt

    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _accept_roofs(tab, canvas, xf, (55, 70))
    _undo(canvas)
    assert _candidate(ctl)
    _keys(canvas, Qt.Key_Return)
    assert _classes(out) == {1: "building", 2: "shed"}
    assert not slot_errors, slot_errors[0]


def test_a_taken_back_object_waits_while_its_layer_is_edited_in_a_transaction_group(setup, slot_errors):
    """Ctrl+Z, then the objects layer is edited in a transaction group, then the raster's CRS is fixed: no 15 s freeze
    on the file's lock and no lost object; the status says it waits, and it is written once editing stops."""
    import time

    from qgis.core import QgsCoordinateReferenceSystem, QgsFeature, QgsProject

    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    project = QgsProject.instance()
    _accept_roofs(tab, canvas, xf, (55, 70))
    _undo(canvas)
    said = _messages(ctl)
    project.setAutoTransaction(True)
    objects = ctl.output_layer
    try:
        assert objects.startEditing()
        f = QgsFeature(objects.fields())
        f["object_id"] = 99
        assert objects.addFeature(f)  # in a transaction: written at once, the file's lock held
        t0 = time.time()
        layer.setCrs(QgsCoordinateReferenceSystem("EPSG:32634"))
        assert time.time() - t0 < 5
        assert not [m for m in said if m[0] == "critical"], said
        assert "once the layer 'accepted' is saved or stops editing" in tab.status.text(), tab.status.text()
        assert ctl.next_object_id() == 100  # 1 stays reserved (and 99 is in the edit)
        assert objects.rollBack()
    finally:
        project.setAutoTransaction(False)
    assert _ids(out) == [1], _ids(out)
    assert "was put back into accepted.gpkg" in tab.status.text(), tab.status.text()
    assert not slot_errors, slot_errors[0]


def test_a_name_typed_in_an_unsaved_project_stays_one_file_once_the_project_is_saved(setup, monkeypatch):
    """'typed' in an unsaved project goes to ~/typed.gpkg and the field shows that path; after Save As, the next object
    goes into the same file (it went to the project's folder, as object 1 again)."""
    from qgis.core import QgsProject

    tab, canvas, layer, masks, xf, tmp = setup
    for folder in ("home", "project"):
        (tmp / folder).mkdir()
    monkeypatch.setenv("HOME", str(tmp / "home"))
    project = QgsProject.instance()
    where = tmp / "home" / "typed.gpkg"
    try:
        tab.output_widget.setFilePath("typed")
        _accept_roofs(tab, canvas, xf, (55, 70))
        assert tab.output_widget.filePath() == str(where)
        project.setFileName(str(tmp / "project" / "p.qgz"))  # Save As
        tab.project_writing()
        _accept_roofs(tab, canvas, xf, (150, 170))
    finally:
        project.setFileName("")
    assert _ids(where) == [1, 2] and not (tmp / "project" / "typed.gpkg").exists()


def test_ctrl_z_back_to_no_prompts_applies_the_raster_chosen_meanwhile(setup, slot_errors):
    """A raster chosen while a mask is shown, then Ctrl+Z takes the only click back: the new raster applies, as after
    Esc (the next object was prompted on the old raster while the dock showed the new one)."""
    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    other = _other_raster(layer)
    tab.layer_combo.setLayer(other)
    assert ctl.layer is layer
    _undo(canvas)
    assert ctl.layer is other
    assert tab.status.text() == "No prompts. Raster 'other': the next click encodes the view with it.", tab.status.text()
    assert not slot_errors, slot_errors[0]


def test_the_undo_button_back_to_no_prompts_applies_the_raster_chosen_meanwhile(setup, slot_errors):
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
    tab.layer_combo.setLayer(_other_raster(layer))
    QTest.mouseClick(tab.undo_button, Qt.LeftButton)
    assert ctl.layer is tab.layer_combo.currentLayer()
    assert not slot_errors, slot_errors[0]


def test_a_taken_back_object_goes_back_into_the_file_when_the_dock_closes(setup, slot_errors):
    """Ctrl+Z took object 1 back, then TerraPrompt closes (unload, dock destroyed): the object is written back (it was
    dropped)."""
    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _accept_roofs(tab, canvas, xf, (55, 70))
    _undo(canvas)
    assert _ids(out) == []
    ctl.shutdown()
    assert _ids(out) == [1]
    assert not slot_errors, slot_errors[0]


def test_a_take_back_that_failed_is_tried_again_by_the_next_ctrl_z(setup, monkeypatch, slot_errors):
    """The delete of a take-back fails (said, critical): the next Ctrl+Z tries again and takes the object back (it said
    nothing more: the object was no longer Ctrl+Z's)."""
    from terraprompt.plugin.core.errors import OutputError
    from terraprompt.plugin.core.interactive import objects as core_objects

    tab, canvas, layer, masks, xf, tmp = setup
    ctl, out = tab.controller, tmp / "accepted.gpkg"
    _accept_roofs(tab, canvas, xf, (55, 70))
    stored = core_objects.stored_fids

    def locked(*args):
        raise OutputError("The file is locked.", "Close it elsewhere.")

    monkeypatch.setattr(core_objects, "stored_fids", locked)
    said = _messages(ctl)
    _undo(canvas)
    assert _ids(out) == [1] and said and said[-1][0] == "critical"
    monkeypatch.setattr(core_objects, "stored_fids", stored)
    _undo(canvas)
    assert _ids(out) == [] and "taken back" in tab.status.text(), tab.status.text()
    assert not slot_errors, slot_errors[0]


def test_removing_the_raster_of_an_object_under_way_says_so_and_keeps_the_status(setup, slot_errors):
    """The raster of the mask shown is removed from the project: the status says it was removed (it said another raster
    was chosen), and a status the controller repeats word for word is not overwritten."""
    from qgis.core import QgsProject

    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    _other_raster(layer)
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.task is None and ctl.session is not None and ctl.session.last is not None)
    text = "The object under way on 'img' was dropped: the raster was removed from the project."
    tab.status.setText(text)  # as a first drop said it: the controller says it again now
    QgsProject.instance().removeMapLayer(layer.id())
    assert tab.status.text() == text, tab.status.text()
    assert ctl.session is None
    assert not slot_errors, slot_errors[0]
