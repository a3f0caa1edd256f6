"""The Land cover output file and the Interactive objects file are kept in the project file they were chosen in (scope
'terraprompt'): opening that project shows them again (relative to its folder, so a moved folder keeps them), while a
new project, another project, or one never saved shows none."""
from __future__ import annotations

import os
import shutil

import pytest

SCOPE = "terraprompt"


@pytest.fixture()
def tabs(plugin, project):
    """The dock's Land cover and Interactive tabs; afterwards the project is new again and both files are emptied."""
    from qgis.core import QgsProject

    plugin.action.setChecked(True)
    landcover, interactive = plugin.dock.tab("landcover_tab"), plugin.dock.tab("interactive_tab")
    yield landcover, interactive
    QgsProject.instance().clear()
    landcover.temp_radio.setChecked(True)
    landcover.file_widget.setFilePath("")
    interactive.output_widget.setFilePath("")
    interactive.apply_choices()


def _choose(landcover, interactive, output: str, objects: str) -> None:
    """Choose the files as the analyst does (the file dialog sets the widget's path)."""
    landcover.file_widget.setFilePath(output)
    interactive.output_widget.setFilePath(objects)


def _entries() -> tuple[str, str]:
    from qgis.core import QgsProject

    project = QgsProject.instance()
    return (project.readEntry(SCOPE, "landcover/output", "")[0], project.readEntry(SCOPE, "interactive/objects", "")[0])


def _save(path: str) -> None:
    from qgis.core import QgsProject

    assert QgsProject.instance().write(path), QgsProject.instance().error()


def _open(path: str) -> None:
    from qgis.core import QgsProject

    assert QgsProject.instance().read(path), QgsProject.instance().error()


def test_a_reopened_project_shows_its_output_and_objects_files(tabs, tmp_path):
    """Files chosen in a saved project are kept in it relative to its folder; New project empties them, opening the
    project shows them again (the objects file handed to the map tool too), and leaves the project unmodified."""
    from qgis.core import QgsProject

    landcover, interactive = tabs
    folder = tmp_path / "fields"
    (folder / "results").mkdir(parents=True)
    qgz = str(folder / "fields.qgz")
    _save(qgz)
    output, objects = str(folder / "results" / "lc.tif"), str(folder / "results" / "roofs.gpkg")
    _choose(landcover, interactive, output, objects)
    assert _entries() == (os.path.join("results", "lc.tif"), os.path.join("results", "roofs.gpkg"))
    _save(qgz)
    QgsProject.instance().clear()
    assert landcover.file_widget.filePath() == "" and interactive.output_widget.filePath() == ""
    assert _entries() == ("", "")
    _open(qgz)
    assert landcover.file_widget.filePath() == output
    assert "lc.tif" in landcover.explanation.toPlainText()
    assert interactive.output_widget.filePath() == objects and interactive.controller.output_path == objects
    assert "roofs.gpkg" in interactive.status.text()
    assert not QgsProject.instance().isDirty()


def test_a_moved_project_folder_keeps_its_files(tabs, tmp_path):
    """The project folder moved elsewhere: its files are found in the folder's new place, not the old one."""
    landcover, interactive = tabs
    old = tmp_path / "old"
    old.mkdir()
    _save(str(old / "p.qgz"))
    _choose(landcover, interactive, str(old / "lc.tif"), str(old / "objects.gpkg"))
    _save(str(old / "p.qgz"))
    new = tmp_path / "moved"
    shutil.move(str(old), str(new))
    _open(str(new / "p.qgz"))
    assert landcover.file_widget.filePath() == str(new / "lc.tif")
    assert interactive.output_widget.filePath() == str(new / "objects.gpkg")


def test_files_chosen_before_the_first_save_are_kept_relative_to_it(tabs, tmp_path):
    """Files chosen in a project not yet saved, inside the folder it is then saved in: kept relative to it; a file
    outside the folder is kept absolute."""
    landcover, interactive = tabs
    (tmp_path / "p").mkdir()
    (tmp_path / "elsewhere").mkdir()
    outside = str(tmp_path / "elsewhere" / "objects.gpkg")
    _choose(landcover, interactive, str(tmp_path / "p" / "lc.tif"), outside)
    _save(str(tmp_path / "p" / "p.qgz"))
    assert _entries() == ("lc.tif", outside)
    _open(str(tmp_path / "p" / "p.qgz"))
    assert landcover.file_widget.filePath() == str(tmp_path / "p" / "lc.tif")
    assert interactive.output_widget.filePath() == outside


def test_another_project_never_shows_these_files(tabs, tmp_path, plugin):
    """Project B (saved without files chosen) opened after project A: both files are empty, and A keeps its own; a
    project never saved keeps nothing a later session could show."""
    from qgis.core import QgsProject

    from terraprompt.plugin.gui.interactive_tab import InteractiveTab
    from terraprompt.plugin.gui.landcover_tab import LandcoverTab

    landcover, interactive = tabs
    _save(str(tmp_path / "b.qgz"))
    QgsProject.instance().clear()
    _save(str(tmp_path / "a.qgz"))
    _choose(landcover, interactive, str(tmp_path / "a_lc.tif"), str(tmp_path / "a_objects.gpkg"))
    _save(str(tmp_path / "a.qgz"))
    _open(str(tmp_path / "b.qgz"))
    assert landcover.file_widget.filePath() == "" and interactive.output_widget.filePath() == ""
    assert interactive.controller.output_path == ""
    _open(str(tmp_path / "a.qgz"))
    assert landcover.file_widget.filePath() == str(tmp_path / "a_lc.tif")
    QgsProject.instance().clear()
    _choose(landcover, interactive, str(tmp_path / "new_lc.tif"), str(tmp_path / "new_objects.gpkg"))
    # the dock opened again on the unsaved project
    fresh_lc, fresh_int = LandcoverTab(plugin.iface), InteractiveTab(plugin.iface)
    try:
        assert fresh_lc.file_widget.filePath() == "" and fresh_int.output_widget.filePath() == ""
    finally:
        fresh_lc.shutdown()
        fresh_int.shutdown()
        fresh_lc.deleteLater()
        fresh_int.deleteLater()


def test_a_dock_opened_on_a_saved_project_shows_its_files(tabs, tmp_path, plugin):
    """The tabs built while a saved project is open (the dock opened after the project, or the plugin reloaded) show
    that project's files."""
    from terraprompt.plugin.gui.interactive_tab import InteractiveTab
    from terraprompt.plugin.gui.landcover_tab import LandcoverTab

    landcover, interactive = tabs
    _save(str(tmp_path / "p.qgz"))
    _choose(landcover, interactive, str(tmp_path / "lc.tif"), str(tmp_path / "objects.gpkg"))
    _save(str(tmp_path / "p.qgz"))
    fresh_lc, fresh_int = LandcoverTab(plugin.iface), InteractiveTab(plugin.iface)
    try:
        assert fresh_lc.file_widget.filePath() == str(tmp_path / "lc.tif")
        assert fresh_int.output_widget.filePath() == str(tmp_path / "objects.gpkg")
    finally:
        fresh_lc.shutdown()
        fresh_int.shutdown()
        fresh_lc.deleteLater()
        fresh_int.deleteLater()


def test_a_file_whose_folder_is_gone_is_not_shown(tabs, tmp_path):
    """An output whose folder is gone is not shown (the run would fail); a file gone from a folder still there is
    shown (the run, or the next Accept, writes it anew)."""
    landcover, interactive = tabs
    (tmp_path / "gone").mkdir()
    _save(str(tmp_path / "p.qgz"))
    _choose(landcover, interactive, str(tmp_path / "gone" / "lc.tif"), str(tmp_path / "objects.gpkg"))
    _save(str(tmp_path / "p.qgz"))
    shutil.rmtree(tmp_path / "gone")
    _open(str(tmp_path / "p.qgz"))
    assert landcover.file_widget.filePath() == ""
    assert not os.path.exists(tmp_path / "objects.gpkg")
    assert interactive.output_widget.filePath() == str(tmp_path / "objects.gpkg")
    assert interactive.controller.output_path == str(tmp_path / "objects.gpkg")
