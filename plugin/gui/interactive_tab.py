"""Interactive tab: pick a raster, a model, a class label and an output GeoPackage; click objects on the map.

Thin: the widgets feed a PromptController (gui/maptools.py), which owns the
session and the preview; the PromptMapTool turns mouse and keys into prompts.
"""
from __future__ import annotations

from qgis.core import Qgis, QgsMapLayerProxyModel, QgsProject
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from ..qgis_layers import box_in_layer_crs, settings_by_path, shapely_polygons
from . import settings
from .maptools import PromptController, PromptMapTool
from .settings_tab import device_labels
from .dock import button_grid, make_narrow, scroll_body
from .richtext import StatusLabel
from .slots import pick_valid_layer
from .tasks import notify


class InteractiveTab(QWidget):
    """Point/box prompting on the canvas with undo/redo and accept into a GeoPackage."""

    def __init__(self, iface, parent=None) -> None:
        super().__init__(parent)
        self.iface = iface
        self.canvas = iface.mapCanvas() if iface is not None else None
        layout = QVBoxLayout(scroll_body(self))  # narrow and short docks scroll instead of growing
        form = QFormLayout()
        self.layer_combo = QgsMapLayerComboBox(self)
        self.layer_combo.setFilters(QgsMapLayerProxyModel.RasterLayer)
        self.layer_combo.setToolTip(tr("The raster to segment; prompts in any project CRS are transformed to its CRS."))
        form.addRow(tr("Raster"), self.layer_combo)
        self.model_edit = QLineEdit(settings.value("interactive_model", "bundled"), self)
        self.model_edit.setToolTip(tr("'bundled': the promptable network, or the classical engine when the network cannot be "
                                       "loaded; 'network': the promptable network only (an error when it cannot be loaded); "
                                       "'classical': the bundled region-growing engine; or the path to a SAM / SAM 2 ONNX "
                                       "encoder/decoder pair or its model card."))
        self.model_edit.setCompleter(QCompleter(["bundled", "network", "classical"], self))
        self.model_button = QToolButton(self)
        self.model_button.setText("…")
        self.model_button.setToolTip(tr("Choose a SAM / SAM 2 ONNX encoder or decoder file, or its model card."))
        self.model_button.setAccessibleName(tr("Choose model file"))  # a screen reader would say "…"
        self.model_button.clicked.connect(self.browse_model)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_edit)
        model_row.addWidget(self.model_button)
        form.addRow(tr("Model"), model_row)
        self.device_combo = QComboBox(self)
        for key, label in device_labels().items():
            self.device_combo.addItem(label, key)
        self.device_combo.setToolTip(tr("Where the networks run. The classical engine always runs on the CPU."))
        self.device = settings.DeviceChoice(self.device_combo, "interactive_device")
        form.addRow(tr("Device"), self.device_combo)
        self.class_edit = QLineEdit(settings.value("interactive_class", tr("object")), self)
        self.class_edit.setToolTip(tr("Label written to the 'class' attribute of accepted objects."))
        form.addRow(tr("Class"), self.class_edit)
        self.straight_check = QCheckBox(tr("Straight outlines (buildings)"), self)
        self.straight_check.setChecked(settings.value("interactive_straight", "false") == "true")
        self.straight_check.setToolTip(tr("Accepted objects, text candidates and Find similar get right-angled polygon edges "
                                          "along each object's main direction, as roofs are drawn (dashed in the preview; "
                                          "clicks still edit the mask). A part that squaring would change much keeps its "
                                          "traced outline."))
        self.straight_check.toggled.connect(lambda _on: self.apply_choices(keep_session=self._object_under_way()))
        self.overlap_check = QCheckBox(tr("No overlap"), self)
        self.overlap_check.setChecked(settings.value("interactive_no_overlap", "false") == "true")
        self.overlap_check.setToolTip(tr("Accepted objects and text candidates leave out what objects already in the objects "
                                         "file cover, so neighbouring roofs share an edge instead of overlapping; an object "
                                         "that lies wholly on accepted ones is not added."))
        self.overlap_check.toggled.connect(lambda _on: self.apply_choices(keep_session=self._object_under_way()))
        boxes = QVBoxLayout()
        boxes.addWidget(self.straight_check)
        boxes.addWidget(self.overlap_check)
        form.addRow(boxes)  # both columns: a checkbox does not wrap
        self.output_widget = QgsFileWidget(self)
        self.output_widget.setStorageMode(QgsFileWidget.SaveFile)
        self.output_widget.setFilter(tr("GeoPackage (*.gpkg)"))
        # an objects file belongs to the project it was chosen in (objects accepted in another project would go into
        # it): it is kept in that project's file and comes back with it alone
        self.objects_file = settings.ProjectFile(self.output_widget, "interactive/objects")
        self.objects_file.restore()
        form.addRow(tr("Objects file"), self.output_widget)
        layout.addLayout(form)
        self.start_button = QPushButton(tr("Prompt on map"), self)
        self.start_button.setCheckable(True)
        self.start_button.setToolTip(tr("Left click: object · right click or Shift+click: not object · drag: box · "
                                        "Ctrl+Z / Ctrl+Shift+Z: undo / redo (right after Enter, Ctrl+Z takes the object back) · "
                                        "Enter: accept · Esc: clear"))
        self.undo_button = QPushButton(tr("Undo"), self)
        self.redo_button = QPushButton(tr("Redo"), self)
        self.clear_button = QPushButton(tr("Clear"), self)
        self.accept_button = QPushButton(tr("Accept"), self)
        for button, tip in ((self.undo_button, tr("Take back the last click or box; right after Accept, the accepted "
                                                  "object (Ctrl+Z).")),
                            (self.redo_button, tr("Put back the click or box taken back last (Ctrl+Shift+Z).")),
                            (self.clear_button, tr("Forget the clicks and boxes of the current object (Esc).")),
                            (self.accept_button, tr("Write the current object to the objects file (Enter)."))):
            button.setToolTip(tip)
        # the mode on a row of its own, then the edits two a row: one row of five set the dock's minimum width
        layout.addWidget(self.start_button)
        layout.addLayout(button_grid([self.undo_button, self.redo_button, self.clear_button, self.accept_button], 2))
        similar = QVBoxLayout()
        self.exemplar_combo = QgsMapLayerComboBox(self)
        self.exemplar_combo.setFilters(QgsMapLayerProxyModel.PolygonLayer)
        # empty until chosen: a polygon layer added later (a land-cover run's) is not taken as exemplars unasked
        self.exemplar_combo.setAllowEmptyLayer(True, tr("choose polygons…"))
        self.exemplar_combo.setLayer(None)
        self.exemplar_combo.setToolTip(tr("Polygons of good examples; the selected ones are used (all when none is selected)."))
        self.similar_button = QPushButton(tr("Find similar"), self)
        self.similar_button.setToolTip(tr("Find objects that look like the exemplar polygons (the selected ones, else all): "
                                          "places that the promptable network sees alike are clicked and segmented (on "
                                          "pixels of 1.25 m or finer); on coarser pixels (e.g. Sentinel-2), or with "
                                          "Model = classical, pixels of alike band values."))
        self.in_view_check = QCheckBox(tr("In view"), self)
        self.in_view_check.setChecked(settings.value("similar_in_view", "true") == "true")
        self.in_view_check.setToolTip(tr("Search the current map view only (about a minute per million pixels with the "
                                         "network on 2 CPU cores); unticked, the whole raster."))
        for w in (self.exemplar_combo, self.in_view_check, self.similar_button):  # one above the other: a narrow dock
            similar.addWidget(w)
        QWidget.setTabOrder(self.in_view_check, self.similar_button)  # Tab follows the screen, not the creation order
        form2 = QFormLayout()
        form2.addRow(tr("Exemplars"), similar)
        layout.addLayout(form2)
        self.candidates_row = layout.count()  # the text candidates panel goes here (it needs the controller)
        self.similar_task = None
        self.similar_for = ("", "")  # (raster id, name of the results) of the running Find similar
        self.status = StatusLabel(self, tr("Choose a raster and press 'Prompt on map'."))
        layout.addWidget(self.status)
        layout.addStretch(1)

        self.controller = PromptController(self.canvas, QgsProject.instance(), self._message)
        self.controller.changed.connect(self.status.setText)
        from .candidates import CandidatePanel

        self.candidates = CandidatePanel(self.controller, self._message, self.status.setText, self.apply_choices,
                                         lambda: self.start_button.setChecked(True), self)
        # after the tab's own slot (apply_choices), so the controller has the new choice when candidates are redrawn
        self.straight_check.toggled.connect(lambda _on: self.candidates.sync_straight())
        text_form = QFormLayout()
        text_form.addRow(tr("Text"), self.candidates)
        layout.insertLayout(self.candidates_row, text_form)
        make_narrow(self)
        self.tool = PromptMapTool(self.canvas) if self.canvas is not None else None
        if self.tool is not None:
            self.tool.pointPrompt.connect(self.controller.add_point)
            self.tool.boxPrompt.connect(self.controller.add_box)
            self.tool.undoRequested.connect(self.controller.undo)
            self.tool.undoRequested.connect(self._undone)  # after the undo: one that leaves no object lets a raster apply
            self.tool.redoRequested.connect(self.controller.redo)
            self.tool.acceptRequested.connect(self.accept)
            self.tool.clearRequested.connect(self.controller.clear)
            self.tool.clearRequested.connect(self._cleared)  # after the clear: Esc lets a new raster or model apply
            self.tool.deactivated.connect(lambda: self._tool_left())  # a bound method here crashed later teardowns (PyQt)
            self.tool.activated.connect(lambda: self._tool_back())
        self.start_button.toggled.connect(self._toggle_tool)
        self.undo_button.clicked.connect(self.controller.undo)
        self.undo_button.clicked.connect(self._undone)
        self.redo_button.clicked.connect(self.controller.redo)
        self.clear_button.clicked.connect(self.controller.clear)
        self.clear_button.clicked.connect(self._cleared)
        self.model_edit.editingFinished.connect(self._engine_chosen)
        self.model_edit.completer().activated.connect(lambda _text: self._engine_chosen())
        self.device_combo.currentIndexChanged.connect(
            lambda _i: settings.set_value("interactive_device", self.device_combo.currentData()))
        self.device_combo.currentIndexChanged.connect(lambda _i: self._engine_chosen())
        self.accept_button.clicked.connect(self.accept)
        for button in (self.undo_button, self.redo_button, self.clear_button, self.accept_button):
            button.clicked.connect(self._focus_map)  # after the button's own slots
        self.layer_combo.layerChanged.connect(lambda _l: self._raster_chosen())
        self.layer_combo.layerChanged.connect(lambda _l: self.candidates.clear())
        self.similar_button.clicked.connect(self.find_similar)

    def find_similar(self) -> None:
        """Run find_similar in a QgsTask on the chosen raster with the selected (or all) exemplar polygons."""
        import os
        import tempfile

        from qgis.core import QgsCoordinateTransform

        from ..core.interactive.exemplars import SimilarRequest, find_similar
        from ..algorithms.base import layer_path
        from .extent import visible_polygon
        from .snapshot import rendered, view_rendering
        from .tasks import CoreTask, start_task

        raster, vec = self.layer_combo.currentLayer(), self.exemplar_combo.currentLayer()
        if raster is None or vec is None:
            text = (tr("Choose the polygon layer of exemplars under Exemplars (good examples of what to find), then "
                       "click Find similar.") if raster is not None else
                    tr("Choose a raster and a polygon layer of exemplars."))
            self._message(text, "warning")
            self.status.setText(text)
            return
        feats = vec.selectedFeatures() or list(vec.getFeatures())
        xf = QgsCoordinateTransform(vec.crs(), raster.crs(), QgsProject.instance())
        try:
            geoms, empty, unplaced = shapely_polygons(feats, xf, vec.name())
        except ValueError as exc:  # a feature shapely cannot read, named
            self._message(str(exc), "warning")
            self.status.setText(str(exc))
            return
        from qgis.core import QgsProcessingUtils

        self.similar_dir = tempfile.mkdtemp(prefix="terraprompt-similar-", dir=QgsProcessingUtils.tempFolder())
        out = os.path.join(self.similar_dir, "similar.gpkg")
        label = self.class_edit.text().strip() or "similar"
        straight = self.straight_check.isChecked()
        try:
            render, folder = view_rendering(self.canvas, raster)  # a web layer: its view, rendered in the task
        except ValueError as exc:  # the layer's file is gone, or the map shows nothing of it yet
            self._drop_similar_dir()
            self._message(str(exc), "warning")
            self.status.setText(str(exc))
            return
        path = layer_path(raster) if render is None else ""
        layers = settings_by_path(raster)

        from ..algorithms.segment_prompts import embedding_cache_dir

        method = "appearance" if (self.model_edit.text().strip() or "bundled") == "classical" else "auto"
        cache_dir = embedding_cache_dir()
        settings.set_value("similar_in_view", "true" if self.in_view_check.isChecked() else "false")
        extent, visible = None, None
        if self.in_view_check.isChecked() and self.canvas is not None:
            visible = visible_polygon(self.canvas, raster)  # a rotated map: its objects off the turned view are dropped
            if render is None:
                try:  # across 180° and past the poles too
                    view = box_in_layer_crs(self.canvas.extent(), self.canvas.mapSettings().destinationCrs(), raster,
                                            QgsProject.instance())
                except ValueError as exc:  # a view on both sides of a world raster's 180°
                    self._drop_similar_dir()
                    self._message(str(exc), "warning")
                    self.status.setText(str(exc))
                    return
                extent = (view.xMinimum(), view.yMinimum(), view.xMaximum(), view.yMaximum())

        def work(**kw):
            with rendered(render, folder, path) as raster_file:
                result = find_similar(SimilarRequest(raster_file, geoms, out, label=label, method=method, cache_dir=cache_dir,
                                                     extent=extent, straight=straight, layers=layers,
                                                     without_geometry=empty, unplaced=unplaced), **kw)
            return within_view(result, visible)

        self.similar_for = (raster.id(), tr("{prompt} on {layer}").format(prompt=self.class_edit.text().strip() or vec.name(),
                                                                       layer=raster.name()))
        self.similar_button.setEnabled(False)
        self.status.setText(tr("Finding objects similar to {n} exemplar(s)…").format(n=len(geoms)))
        self.similar_task = start_task(CoreTask(tr("TerraPrompt: find similar"), work, self._similar_done))

    def _similar_done(self, result, error) -> None:
        from qgis.core import QgsVectorLayer

        from .tasks import error_message

        task, self.similar_task = self.similar_task, None
        self.similar_button.setEnabled(True)
        if error is not None:
            self._drop_similar_dir()
            if task.stopped_by_new_project(error):
                text = tr("Find similar stopped: the project was replaced (New or Open project).")
                self._message(text)
                self.status.setText(text)
                return
            self._message(error_message(error), "warning")
            self.status.setText(error_message(error))
            return
        from .layers import add_to_group, free_name, style_objects

        if task.project_replaced():  # New / Open project during the search
            self._drop_similar_dir()  # its only copy of the objects, which no project shows
            self.status.setText(tr("The project was replaced during the run: its layers were not added."))
            return
        raster_id, name = self.similar_for
        pattern = tr("{name} (similar objects)")
        layer = QgsVectorLayer(result.output_vector, pattern.format(name=free_name(name, (pattern,))), "ogr")
        style_objects(layer)
        add_to_group([layer], above=[raster_id])  # with the dock's other results, over the raster searched
        self.status.setText(result.summary)
        self._message(result.summary)

    def project_cleared(self) -> None:
        """New or Open project: a running Find similar stops (its objects would belong to no project), and the status
        forgets the old project's prompts."""
        self.status.setText(tr("Choose a raster and press 'Prompt on map'."))
        if self.similar_task is not None:
            self.similar_task.stop_for_new_project()
        if self.output_widget.filePath().strip():  # the old project's file: objects accepted here would go into it
            self.objects_file.show("")
            self.apply_choices(keep_session=True)  # the controller lets go of it too
            self.status.setText(tr("New project: the objects file was emptied, so that objects accepted here do not go "
                                   "into the previous project's file. Choose an objects file, then press 'Prompt on map'."))

    def project_read(self) -> None:
        """A project was opened: the raster is its first one QGIS could open, unless a readable one is chosen, and the
        objects file is the one chosen in that project (kept in its file) when its folder is still there (a file gone
        since is written anew by the next Accept, as any objects file not yet there)."""
        pick_valid_layer(self.layer_combo)
        path = self.objects_file.restore()
        if path:
            self.apply_choices(keep_session=True)  # the controller takes it up too
            self.status.setText(tr("This project's objects file is chosen again: {file}. Press 'Prompt on map' to add "
                                   "objects to it.").format(file=path))

    def project_writing(self) -> None:
        """The project is being saved: its objects file is kept in it relative to where it is saved."""
        self.objects_file.store()

    def _drop_similar_dir(self) -> None:
        """Remove the folder of a Find similar run that wrote nothing."""
        import shutil

        if getattr(self, "similar_dir", None):
            shutil.rmtree(self.similar_dir, ignore_errors=True)
            self.similar_dir = None

    def browse_model(self) -> None:
        """Pick a SAM ONNX file (either half of the pair) or its card; the pair is checked when the view is encoded."""
        path, _ = QFileDialog.getOpenFileName(self, tr("SAM / SAM 2 ONNX model"), self.model_edit.text().strip(),
                                              tr("ONNX models or model cards (*.onnx *.json)"))
        if path:
            self.model_edit.setText(path)
            self._engine_chosen()

    def apply_choices(self, keep_session: bool = False, reason: str = "") -> bool:
        """Hand the dock's choices to the controller and remember them (``keep_session``: a new model or device waits, so
        the mask on the map stays the one Enter accepts; ``reason``: why an object under way is dropped, when not that
        another raster or model was chosen). True when the controller said what that dropped or stopped."""
        from ..algorithms.segment_prompts import embedding_cache_dir

        said = self.controller.configure(self.layer_combo.currentLayer(), self.model_edit.text().strip() or "bundled",
                                         self.device_combo.currentData(), self.class_edit.text().strip() or tr("object"),
                                         self._objects_path(), embedding_cache_dir(), self.straight_check.isChecked(),
                                         self.overlap_check.isChecked(), keep_session, reason)
        settings.set_value("interactive_straight", "true" if self.straight_check.isChecked() else "false")
        settings.set_value("interactive_no_overlap", "true" if self.overlap_check.isChecked() else "false")
        settings.set_value("interactive_model", self.model_edit.text().strip())
        settings.set_value("interactive_class", self.class_edit.text().strip())
        return said

    def _objects_path(self) -> str:
        """The objects file chosen, as a full path ending in '.gpkg': a name or relative path typed is taken from the
        project's folder (the home folder while the project is unsaved), not from the folder QGIS was started in. The
        field then shows that full path, so saving the project later does not move the objects to another file."""
        path = self._resolved_objects_path()
        if path != self.output_widget.filePath().strip():
            self.output_widget.setFilePath(path)  # the project keeps it too
        return path

    def _resolved_objects_path(self) -> str:
        """The full path of the objects file the field names ('' for none)."""
        import os

        out = os.path.expanduser(self.output_widget.filePath().strip())
        if not out:
            return ""
        if not out.lower().endswith(".gpkg"):
            out += ".gpkg"
        if os.path.isabs(out):
            return out
        return os.path.join(QgsProject.instance().absolutePath() or os.path.expanduser("~"), out)

    def _raster_chosen(self) -> None:
        """Another raster chosen: an object on the map stays on its raster until Enter or Esc, as a new model does (one
        whose raster leaves the project is dropped, and said so), and the status says what the next click does."""
        ctl, layer = self.controller, self.layer_combo.currentLayer()
        if layer is ctl.layer:
            return
        old = ctl.layer
        # an object shown or being completed: not the first encoding of a view (stopped, and said, as before)
        shown = ctl.session is not None and (ctl.task is not None or ctl.session.last is not None)
        # the raster being removed from the project has left the list already
        listed = old is not None and any(self.layer_combo.layer(i) is old for i in range(self.layer_combo.count()))
        said = self.apply_choices(keep_session=shown and listed,
                                  reason=tr("the raster was removed from the project") if old is not None and not listed
                                  else "")
        if shown and listed:
            self.status.setText(tr("{engine}: applies after Enter, to the next object (Esc clears the mask and applies it "
                                   "now).").format(engine=self._waiting_note()))
        elif not said:  # the controller said nothing (no object dropped, no encoding stopped)
            self.status.setText(tr("Raster '{name}': the next click encodes its view.").format(name=layer.name())
                                if layer is not None else tr("Choose a raster and press 'Prompt on map'."))

    def _raster_waiting(self) -> bool:
        """Whether the dock shows another raster than the object on the map is prompted on."""
        return self.layer_combo.currentLayer() is not self.controller.layer

    def _waiting_note(self) -> str:
        """What applies to the next object, for the status line: 'Model X on Y', 'Raster 'Z'' or both."""
        notes = [self._engine_note()] if self._engine_waiting() else []
        layer = self.layer_combo.currentLayer()
        if self._raster_waiting() and layer is not None:
            notes.append(tr("Raster '{name}'").format(name=layer.name()))
        return ", ".join(notes)

    def apply_settings(self) -> None:
        """Follow the Settings tab's default device when it changed (the device chosen here is kept otherwise); it is
        remembered and handed to the map tool like a choice made here."""
        self.device.follow()

    def _chosen_engine(self) -> tuple[str, str]:
        """The model and device the dock shows now."""
        return self.model_edit.text().strip() or "bundled", self.device_combo.currentData() or "auto"

    def _engine_waiting(self) -> bool:
        """Whether the dock shows another model or device than the prompts are decoded with."""
        return self._chosen_engine() != (self.controller.model, self.controller.device)

    def _object_under_way(self) -> bool:
        """Whether a mask is shown (or being made) that Enter would accept with the engine it was made with."""
        ctl = self.controller
        return ctl.task is not None or (ctl.session is not None and ctl.session.last is not None)

    def _engine_note(self) -> str:
        """'Model X on Y' for the status line (a path by its file name)."""
        import os

        model, _device = self._chosen_engine()
        name = os.path.basename(model) if os.sep in model or "/" in model else model
        return tr("Model {model} on {device}").format(model=name, device=self.device_combo.currentText())

    def _engine_chosen(self) -> None:
        """A model or device chosen in the dock: taken at once (the next click encodes the view with it), or, while a
        mask is shown, after Enter (to the next object) or Esc."""
        if not self._engine_waiting():
            return
        waiting = self._object_under_way()
        self.apply_choices(keep_session=waiting)
        if waiting:
            self.status.setText(tr("{engine}: applies after Enter, to the next object (Esc clears the mask and applies it now).")
                                .format(engine=self._engine_note()))
        else:
            self.status.setText(tr("{engine}: the next click encodes the view with it.").format(engine=self._engine_note()))

    def _cleared(self) -> None:
        """After Esc or Clear: a raster, model or device chosen while the mask was shown applies now."""
        self._apply_waiting(tr("Cleared."))

    def _undone(self) -> None:
        """After Ctrl+Z or Undo: when it left no object under way, a raster, model or device chosen while the mask was
        shown applies now, as after Esc (the next object would be prompted on the raster left)."""
        self._apply_waiting(self.status.text())

    def _apply_waiting(self, said: str) -> None:
        """With no object under way, apply the raster, model or device waiting; the status keeps ``said`` and adds it."""
        if (self._engine_waiting() or self._raster_waiting()) and not self._object_under_way():
            note = self._waiting_note()
            self.apply_choices()
            self.status.setText(said + " " + tr("{engine}: the next click encodes the view with it.").format(engine=note))

    def _toggle_tool(self, on: bool) -> None:
        if self.tool is None:
            return
        if on:
            self.apply_choices()
            self.canvas.setMapTool(self.tool)
            self._focus_map()
        elif self.canvas.mapTool() is self.tool:
            self.canvas.unsetMapTool(self.tool)

    def _focus_map(self) -> None:
        """Give the map the keyboard focus while Prompt on map is on: Enter, Esc and Ctrl+Z then act on the prompts
        after a dock button was pressed (the button would keep the focus and take the keys)."""
        if self.tool is not None and self.canvas.mapTool() is self.tool:
            self.canvas.setFocus()

    def _tool_left(self) -> None:
        """Another map tool (or the button) ended Prompt on map: a mask under way stays, and the status says how to
        finish it (Enter and Esc reach the prompts only while the tool is active)."""
        self.start_button.setChecked(False)
        if self._object_under_way():
            self.status.setText(self._off_note())

    def _off_note(self) -> str:
        """The status shown while Prompt on map is off with an object under way."""
        return tr("Prompt on map is off: the object on the map stays. Accept or Clear it here, or press 'Prompt on map' "
                  "again to use Enter and Esc.")

    def _tool_back(self) -> None:
        """The prompt tool is the map tool again (the button, or a tool giving the map back: Land cover's 'Draw extent',
        the Change tab's swipe): the button shows it on, and the status no longer says it is off."""
        self.start_button.blockSignals(True)
        self.start_button.setChecked(True)
        self.start_button.blockSignals(False)
        if self.status.text() == self._off_note():
            self.status.setText(tr("Prompt on map is on: Enter accepts the object on the map, Esc clears it."))

    def dock_hidden(self) -> None:
        """The dock was closed or hidden: Prompt on map goes off, so Ctrl+Z, Enter and clicks are QGIS's again; a mask
        under way stays."""
        self.start_button.setChecked(False)

    def accept(self):
        """Accept the current mask (Enter on the map or the Accept button): the mask shown, made with the raster, model and
        device it was made with; a raster, model or device chosen in the dock meanwhile applies afterwards, to the next
        object (a refused object stays, with what it was made on)."""
        self.apply_choices(keep_session=True)  # the class, file and outline choices as the dock shows them now
        oid = self.controller.accept()
        note = self._waiting_note()
        self.apply_choices(keep_session=self._object_under_way())  # an object refused stays, with what it was made on
        if note and oid is not None:
            self.status.setText(self.status.text() + " " + tr("{engine}: the next click encodes the view with it.")
                                .format(engine=note))
        return oid

    def _message(self, text: str, level: str = "info") -> None:
        """Log every message; warnings and errors also go to the message bar."""
        lvl = {"info": Qgis.Info, "warning": Qgis.Warning, "critical": Qgis.Critical}.get(level, Qgis.Info)
        notify(self.iface, text, lvl, bar=level != "info")

    def shutdown(self) -> None:
        """Deactivate the tool, cancel encoding and remove canvas items (dock closing or plugin unloading): the tool
        leaves the canvas whatever tool is active (the canvas also forgets it as its last tool) and is deleted."""
        if self.tool is not None and self.canvas is not None:
            self.canvas.unsetMapTool(self.tool)
        self.candidates.shutdown()
        self.controller.shutdown()
        if self.tool is not None:
            self.tool.remove()
            self.tool.deleteLater()
            self.tool = None
        if self.similar_task is not None:
            self.similar_task.detach()
            self.similar_task = None


def within_view(result, visible):
    """A Find similar result with its objects whose centroid lies outside ``visible`` (a rotated map's turned view, in
    the raster's CRS: the search covered its bounding box) deleted from its file and said in its summary; the result as
    it is for None."""
    if visible is None or not result.count:
        return result
    from dataclasses import replace

    from qgis.core import QgsVectorLayer

    layer = QgsVectorLayer(result.output_vector, "similar", "ogr")
    found = list(layer.getFeatures())
    outside = [f.id() for f in found if not visible.contains(f.geometry().centroid())]
    if not outside or not layer.dataProvider().deleteFeatures(outside):
        return result
    kept = len(found) - len(outside)
    note = tr("Kept {kept} of the {n} objects found: {dropped} lay outside the rotated map view (the search covered the "
              "view's bounding box) and were dropped.").format(kept=kept, n=len(found), dropped=len(outside))
    return replace(result, count=kept, summary=note + " " + result.summary)
