"""Change tab: pick BEFORE and AFTER, a method and a prompt, run detect_change in a QgsTask, tune the threshold.

Thin: it gathers choices into a ChangeRequest, runs the core function in a
CoreTask and adds the outputs. The threshold slider restyles the probability
layer at once and rewrites the change raster from the stored probabilities
(core.change.threshold.rethreshold): probabilities are never recomputed.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Optional

from qgis.core import (
    Qgis,
    QgsMapLayerProxyModel,
    QgsMessageLog,
    QgsProcessingUtils,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from ..algorithms.detect_change import method_help, prompt_help
from ..i18n import tr
from ..qgis_layers import detached_polygons, layer_file, polygons_path, settings_by_path, write_polygons
from . import settings
from ..core.messages import number
from .chart import AreaChart, format_area
from .dock import button_grid, make_narrow, scroll_body
from .extent import ExtentChoice
from .landcover_tab import NON_FILE_PROVIDERS, cloud_mask_tip, describe_mask
from .layers import (REST_GREY, add_to_group, change_result_name, free_name, keep_style, set_abstract,
                     style_change_polygons, threshold_renderer)
from .richtext import StatusLabel, status_html
from .slots import empty_when_removed
from .snapshot import check_files, is_file_raster
from .tasks import LOG_TAG, CoreTask, error_message, notify, start_task

METHODS = ["auto", "irmad", "cva", "logratio", "network"]


def method_labels() -> dict[str, str]:
    """Translated labels of the change methods."""
    return {"auto": tr("Automatic (best for the bands)"), "irmad": tr("IR-MAD (Nielsen 2007)"),
            "cva": tr("Change vector analysis"), "logratio": tr("SAR log-ratio"), "network": tr("Siamese change network")}


def matrix_rows(result, limit: int = 8) -> list[tuple[str, float, QColor]]:
    """The largest from → to transitions of a result as chart rows (label, m², colour of the 'to' class), the rest summed
    in one last row (the bars add up to the changed area: 8 of Taizhou's 25 transitions left 5 % out without a word)."""
    from .layers import concept_style, transition_label

    rows = []
    m = result.matrix_m2
    for i, f in enumerate(result.from_classes):
        for j, t in enumerate(result.to_classes):
            if m[i, j] > 0:
                rows.append((transition_label(f, t), float(m[i, j]), concept_style(t)[1]))
    rows.sort(key=lambda r: -r[1])
    if len(rows) <= limit:
        return rows
    rest = rows[limit - 1:]
    return rows[:limit - 1] + [(tr("{n} other transitions").format(n=len(rest)), sum(r[1] for r in rest), QColor(*REST_GREY))]


def copy_reference(opener, path: str, progress, is_cancelled) -> None:
    """Write the polygon reference map (``opener``: from qgis_layers.detached_polygons) to ``path`` in the task's thread
    (300,000 polygons froze QGIS for 7 s on the main thread): its progress is the run's first 10 %, a cancel stops it."""
    from qgis.core import QgsFeedback

    from ..core.errors import Cancelled, InputError

    if is_cancelled():
        raise Cancelled()
    feedback = QgsFeedback()

    def step(value: float) -> None:
        progress(value / 10.0)
        if is_cancelled():
            feedback.cancel()

    feedback.progressChanged.connect(step)
    try:
        write_polygons(opener(), path, feedback)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if is_cancelled():
        raise Cancelled()


class ChangeTab(ExtentChoice, QWidget):
    """The dock's Change tab."""

    def __init__(self, iface, parent=None) -> None:
        super().__init__(parent)
        self.iface = iface
        self.task: Optional[CoreTask] = None
        self.rethreshold_task: Optional[CoreTask] = None
        self.temp_dir: Optional[str] = None
        self.last_result_dir: Optional[str] = None
        """The folder of the last result's files (kept for the threshold slider until the next result)."""
        self.last_result = None
        self.prob_layer_id = ""
        self.run_dates: list[tuple[str, str]] = []  # (id, name) of the running run's BEFORE and AFTER layers
        self.view_line = ""  # what the run's summary adds about its extent (a rotated map's view)
        self.result_view_line = ""  # the view_line of the run that gave last_result (the threshold summary repeats it)
        self.threshold_pending = False
        self.threshold_timer = QTimer(self)  # a keyboard or wheel move is applied once the slider rests
        self.threshold_timer.setSingleShot(True)
        self.threshold_timer.setInterval(400)
        self.threshold_timer.timeout.connect(self.apply_threshold)
        self.swipe = None
        self.side = None
        self.reference_copy = None
        """(opener, path) of a polygon reference map the next run's task copies (see copy_reference), else None."""
        self.preview_groups: list = []
        """Layer-tree groups Show before / Show after checked (they were unchecked), unchecked when the other date shows."""
        self._build()
        self._restore()

    def _build(self) -> None:
        body = scroll_body(self)  # 8 transitions and a summary scroll instead of making QGIS's window taller
        lay = QVBoxLayout(body)
        form = QFormLayout()
        self.before_combo = QgsMapLayerComboBox(self)
        self.after_combo = QgsMapLayerComboBox(self)
        for combo in (self.before_combo, self.after_combo):
            combo.setFilters(QgsMapLayerProxyModel.RasterLayer)
            combo.setAllowEmptyLayer(True)  # a removed date leaves the choice empty, not a neighbouring layer
        self.before_combo.setObjectName("terrapromptChangeBefore")
        self.after_combo.setObjectName("terrapromptChangeAfter")
        self.before_combo.setToolTip(tr("The earlier image; its grid is the grid of the results"))
        self.after_combo.setToolTip(tr("The later image; reprojected onto BEFORE's grid over the common extent"))
        form.addRow(tr("Before"), self.before_combo)
        form.addRow(tr("After"), self.after_combo)
        self.reference_combo = QgsMapLayerComboBox(self)
        self.reference_combo.setFilters(QgsMapLayerProxyModel.RasterLayer | QgsMapLayerProxyModel.PolygonLayer)
        self.reference_combo.setAllowEmptyLayer(True)
        self.reference_combo.setLayer(None)
        self.reference_combo.setObjectName("terrapromptChangeReference")
        self.reference_combo.setToolTip(tr("Optional land-cover map of the BEFORE date (class raster or polygons with a class "
                                           "field): its classes become the 'from' classes of the change"))
        form.addRow(tr("Reference map"), self.reference_combo)
        self.mask_combos = []
        for which, label in (("Before", tr("Before cloud mask")), ("After", tr("After cloud mask"))):
            combo = QgsMapLayerComboBox(self)
            combo.setFilters(QgsMapLayerProxyModel.RasterLayer)
            combo.setExcludedProviders(NON_FILE_PROVIDERS)
            combo.setAllowEmptyLayer(True)
            combo.setLayer(None)
            combo.setObjectName(f"terrapromptChange{which}CloudMask")
            combo.setToolTip(cloud_mask_tip())
            form.addRow(label, combo)
            self.mask_combos.append(combo)
        self.mask_status = StatusLabel(self)
        self.mask_status.setObjectName("changeCloudMaskStatus")
        self.mask_status.setVisible(False)
        form.addRow(self.mask_status)  # both columns, as the prompt's status
        self.prompt_ok = True
        self.mask_refusals: list[str] = []
        """Why chosen cloud masks cannot be used (empty when they fit); Run waits while there are any."""
        self.method_combo = QComboBox(self)
        for key, label in method_labels().items():
            self.method_combo.addItem(label, key)
        self.method_combo.setToolTip(method_help())
        form.addRow(tr("Method"), self.method_combo)
        self.prompt_edit = QLineEdit(self)
        self.prompt_edit.setPlaceholderText(tr("e.g. any change, new buildings, vegetation loss, water to land"))
        self.prompt_edit.setToolTip(prompt_help())
        from ..core.change.semantic import catalogue

        self.prompt_edit.setCompleter(QCompleter([p["label"] for p in catalogue()["prompts"].values()], self))
        form.addRow(QLabel(tr("Change of interest"), self))  # the prompt gets the whole width, however narrow the dock
        form.addRow(self.prompt_edit)
        self.prompt_status = StatusLabel(self)
        self.prompt_status.setObjectName("changePromptStatus")
        form.addRow(self.prompt_status)  # the whole width, as the prompt
        self.min_area_spin = QDoubleSpinBox(self)  # as MIN_AREA_M2: changed objects smaller than this are not polygons
        self.min_area_spin.setRange(0.0, 1e9)
        self.min_area_spin.setDecimals(0)
        self.min_area_spin.setSingleStep(100.0)
        self.min_area_spin.setSuffix(" m²")
        self.min_area_spin.setSpecialValueText(tr("none"))
        self.min_area_spin.setToolTip(tr("Changed areas smaller than this (all their transitions together) are left out of "
                                         "the polygons (a size in the change of interest, e.g. 'new buildings larger than "
                                         "200 m2', also sets it; the larger one applies)."))
        form.addRow(tr("Minimum area"), self.min_area_spin)
        form.addRow(tr("Extent"), self.extent_row(self, "change", tr(
            "The part of BEFORE to process, snapped to its pixels: the whole layer, the current map view or a rectangle "
            "drawn with Draw. A part gets the change a run over the whole pair gives there (thresholds are fitted on the "
            "whole pair). A web layer (XYZ, WMS …) is rendered over the extent alone; as BEFORE, the thresholds are then "
            "fitted on the extent.")))
        lay.addLayout(form)
        self.show_before = QPushButton(tr("Show before"), self)
        self.show_after = QPushButton(tr("Show after"), self)
        self.swipe_button = QPushButton(tr("Swipe"), self)
        self.swipe_button.setCheckable(True)
        self.side_button = QPushButton(tr("Side by side"), self)
        self.side_button.setCheckable(True)
        for b, tip in ((self.show_before, tr("Show only the BEFORE layer on the map (flicker to compare the dates)")),
                       (self.show_after, tr("Show only the AFTER layer on the map")),
                       (self.swipe_button, tr("BEFORE left of a line, AFTER right of it; drag on the map or move the "
                                              "slider to move the line. Click again to leave swipe mode.")),
                       (self.side_button, tr("AFTER in a second map window that pans and zooms with the main map"))):
            b.setToolTip(tip)
        lay.addLayout(button_grid([self.show_before, self.show_after, self.swipe_button, self.side_button], 2))
        srow = QHBoxLayout()
        srow.addWidget(QLabel(tr("Swipe line"), self))
        self.swipe_slider = QSlider(Qt.Horizontal, self)
        self.swipe_slider.setRange(0, 100)
        self.swipe_slider.setValue(50)
        self.swipe_slider.setEnabled(False)
        self.swipe_slider.setToolTip(tr("Position of the swipe line across the map, from the left edge"))
        srow.addWidget(self.swipe_slider)
        lay.addLayout(srow)
        row = QHBoxLayout()
        self.run_button = QPushButton(tr("Run"), self)
        self.cancel_button = QPushButton(tr("Cancel"), self)
        self.cancel_button.setEnabled(False)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        lay.addWidget(self.progress)
        trow = QHBoxLayout()
        trow.addWidget(QLabel(tr("Threshold"), self))
        self.slider = QSlider(Qt.Horizontal, self)
        self.slider.setRange(1, 99)
        self.slider.setValue(50)
        self.slider.setEnabled(False)
        self.slider.setToolTip(tr("Change probability at which a pixel counts as changed; moving it does not recompute"))
        self.threshold_label = QLabel(number(0.5, 2), self)
        trow.addWidget(self.slider)
        trow.addWidget(self.threshold_label)
        lay.addLayout(trow)
        chart_title = QLabel(tr("Changed area by transition (before → after)"), self)
        chart_title.setWordWrap(True)
        lay.addWidget(chart_title)
        self.chart = AreaChart(self, labels_above=True)  # 'from → to' labels keep the AFTER class whole
        lay.addWidget(self.chart)
        self.summary = QPlainTextEdit(self)
        self.summary.setReadOnly(True)
        self.summary.setMinimumHeight(160)  # the tab scrolls: the summary keeps room to be read
        lay.addWidget(self.summary, 1)
        make_narrow(self)
        self.run_button.clicked.connect(self.run)
        self.prompt_edit.textChanged.connect(self.prompt_changed)
        self.prompt_edit.returnPressed.connect(self.run_on_enter)
        self.show_before.clicked.connect(lambda: self.preview("before"))
        self.show_after.clicked.connect(lambda: self.preview("after"))
        self.swipe_button.toggled.connect(self.set_swipe)
        self.side_button.toggled.connect(self.set_side_by_side)
        self.swipe_slider.valueChanged.connect(lambda v: self.swipe.set_fraction(v / 100.0) if self.swipe else None)
        self.cancel_button.clicked.connect(self.cancel)
        self.before_combo.layerChanged.connect(self._layers_changed)
        self.after_combo.layerChanged.connect(self._layers_changed)
        for combo in self.mask_combos:
            combo.layerChanged.connect(self.masks_changed)
        # a picker whose layer leaves the project is emptied (QGIS would move it to a neighbouring layer unannounced):
        # it says layerChanged(None), so swipe and side by side stop, and the cloud masks' status and Run are said again
        empty_when_removed(self.before_combo, self.after_combo, *self.optional_combos())
        self.slider.valueChanged.connect(self.threshold_changed)
        self.slider.sliderReleased.connect(self.apply_threshold)

    def _restore(self) -> None:
        i = self.method_combo.findData(settings.value("change/method", "auto"))
        self.method_combo.setCurrentIndex(max(0, i))
        self.prompt_edit.setText(settings.value("change/prompt", "") or "")
        self.prompt_changed(self.prompt_edit.text())
        self.min_area_spin.setValue(float(settings.value("change/min_area", 0.0) or 0.0))
        self.select_extent_mode(settings.value("change/extent", "layer"))
        self._extent_mode_changed()

    def set_swipe(self, on: bool) -> None:
        """Enter or leave swipe mode on the map canvas (BEFORE left of the line, AFTER right)."""
        from .swipe import SwipeController

        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if not on:
            if self.swipe is not None:
                self.swipe.stop()
            self.swipe_slider.setEnabled(False)
            return
        before, after = self.before_combo.currentLayer(), self.after_combo.currentLayer()
        if canvas is None or before is None or after is None or before.id() == after.id():
            self._message(tr("Choose a BEFORE and an AFTER raster layer (two different layers) to swipe."), Qgis.Warning)
            self.swipe_button.setChecked(False)
            return
        if self.swipe is None:
            self.swipe = SwipeController(canvas, QgsProject.instance())
            self.swipe.stopped.connect(self._swipe_stopped)
            self.swipe.fraction_changed.connect(self._swipe_moved)
        self.swipe.start(before, after, self.swipe_slider.value() / 100.0)
        self.swipe_slider.setEnabled(True)

    def set_side_by_side(self, on: bool) -> None:
        """Open or close a second map window showing AFTER, its extent tied to the main map's."""
        from .swipe import SideBySide

        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if not on:
            if self.side is not None:
                self.side.stop()
            return
        before, after = self.before_combo.currentLayer(), self.after_combo.currentLayer()
        if canvas is None or after is None or (before is not None and before.id() == after.id()):
            self._message(tr("Choose an AFTER raster layer, other than BEFORE, to show side by side."), Qgis.Warning)
            self.side_button.setChecked(False)  # closes an open second map
            return
        if self.side is None:
            self.side = SideBySide(canvas)
            self.side.closed.connect(self._side_closed)
        self.side.title = tr("After: {name}").format(name=after.name())
        self.side.start(after)

    def optional_combos(self) -> list:
        """The optional layer pickers: reference map and the dates' cloud masks."""
        return [self.reference_combo, *self.mask_combos]

    def _side_closed(self) -> None:
        self.side_button.blockSignals(True)
        self.side_button.setChecked(False)
        self.side_button.blockSignals(False)

    def _swipe_stopped(self) -> None:
        self.swipe_slider.setEnabled(False)
        self.swipe_button.blockSignals(True)
        self.swipe_button.setChecked(False)
        self.swipe_button.blockSignals(False)

    def _swipe_moved(self, fraction: float) -> None:
        self.swipe_slider.blockSignals(True)
        self.swipe_slider.setValue(int(round(fraction * 100)))
        self.swipe_slider.blockSignals(False)

    def _layers_changed(self) -> None:
        """A new BEFORE or AFTER while swiping: swipe between the new pair."""
        if self.swipe is not None and self.swipe.active:
            self.set_swipe(True)
        if self.side is not None and self.side.active:
            self.set_side_by_side(True)

    def preview(self, which: str) -> None:
        """Flicker between the dates: make one visible and hide the other in the layer tree (leaves swipe mode)."""
        if self.swipe is not None and self.swipe.active:
            self.swipe.stop()
        from .swipe import ancestors, restore_groups, show_with_parents

        root = QgsProject.instance().layerTreeRoot()
        shown, hidden = (self.before_combo, self.after_combo) if which == "before" else (self.after_combo, self.before_combo)
        turned, keep = [], []
        for combo, visible in ((shown, True), (hidden, False)):
            layer = combo.currentLayer()
            node = root.findLayer(layer.id()) if layer is not None else None
            if node is not None and visible:
                keep = ancestors(node)
                turned = show_with_parents(node)  # its unchecked groups too: the date is drawn
            elif node is not None:
                node.setItemVisibilityChecked(False)
        restore_groups(root, self.preview_groups, keep)  # the groups checked for the other date are unchecked again
        self.preview_groups = turned + [g for g in self.preview_groups if any(g is k for k in keep)]

    def prompt_changed(self, text: str) -> None:
        """Say, as the analyst types, which change the prompt keeps (or why it is refused)."""
        from ..core.change.semantic import describe_change_prompt

        ok, line = describe_change_prompt(text)
        self.prompt_status.setText(status_html(line, ok, self.prompt_status))
        self.prompt_ok = ok
        self.run_button.setEnabled(ok and not self.mask_refusals and self.task is None)

    def run_on_enter(self) -> Optional[CoreTask]:
        """Enter in the change of interest starts the run when Run is enabled."""
        return self.run() if self.run_button.isEnabled() else None

    def masks_changed(self, *_args) -> None:
        """Say, as soon as a date's cloud mask is chosen, which product it is or why it cannot be one (Run waits)."""
        said = []
        self.mask_refusals = []
        for date, combo in ((tr("Before"), self.mask_combos[0]), (tr("After"), self.mask_combos[1])):
            ok, line = describe_mask(combo.currentLayer())
            if not ok:
                self.mask_refusals.append(line)
            if line:
                said.append(status_html(date + ": " + line, ok, self.mask_status))
        self.mask_status.setText("<br>".join(said))
        self.mask_status.setVisible(bool(said))
        self.run_button.setEnabled(self.prompt_ok and not self.mask_refusals and self.task is None)

    def save_settings(self) -> None:
        settings.set_value("change/method", self.method_combo.currentData())
        settings.set_value("change/prompt", self.prompt_edit.text())
        settings.set_value("change/min_area", self.min_area_spin.value())
        settings.set_value("change/extent", self.extent_combo.currentData())

    @property
    def threshold(self) -> float:
        return self.slider.value() / 100.0

    def build_request(self):
        """A ChangeRequest from the widgets, outputs in a fresh temporary folder."""
        from ..core.change.detect import ChangeRequest

        before, after = self.before_combo.currentLayer(), self.after_combo.currentLayer()
        if before is None or after is None:
            raise ValueError(tr("Choose a BEFORE and an AFTER raster layer."))
        if before.id() == after.id():
            raise ValueError(tr("BEFORE and AFTER are the same layer; choose two dates."))
        if self.mask_refusals:
            raise ValueError(" ".join(self.mask_refusals))
        check_files(before, after, self.reference_combo.currentLayer(), *(c.currentLayer() for c in self.mask_combos))
        extent = self.extent_in_layer_crs(before)
        if extent is not None and is_file_raster(before) and not QgsRectangle(*extent).intersects(before.extent()):
            raise ValueError(tr("The chosen extent does not overlap {name}. Choose a map view or a rectangle over the raster, "
                                "or Whole layer.").format(name=before.name()))
        self.temp_dir = tempfile.mkdtemp(prefix="terraprompt-change-", dir=QgsProcessingUtils.tempFolder())
        return ChangeRequest(layer_file(before), layer_file(after),
                             output_probability=os.path.join(self.temp_dir, "change_probability.tif"),
                             output_change=os.path.join(self.temp_dir, "change.tif"),
                             output_vector=os.path.join(self.temp_dir, "change.gpkg"),
                             method=self.method_combo.currentData(), prompt=self.prompt_edit.text(),
                             min_area_m2=self.min_area_spin.value(),
                             reference_map=self._reference_file() or None,
                             before_cloud_mask=layer_file(self.mask_combos[0].currentLayer()) or None,
                             after_cloud_mask=layer_file(self.mask_combos[1].currentLayer()) or None,
                             device=settings.default_device(), tiles=settings.tile_spec(), extent=extent,
                             layers=settings_by_path(before, after, self.reference_combo.currentLayer(),
                                                     *(c.currentLayer() for c in self.mask_combos)))

    def _reference_file(self) -> str:
        """The reference map as the core reads it: a raster's file, or the GeoPackage in the run's folder the task copies
        the chosen polygon layer (its filter applied) into (only what the copy needs is taken here, on the main thread)."""
        ref = self.reference_combo.currentLayer()
        self.reference_copy = None
        if not isinstance(ref, QgsVectorLayer):
            return layer_file(ref)
        path = polygons_path(ref.name(), self.temp_dir)
        self.reference_copy = (detached_polygons(ref), path)
        return path

    def run(self) -> Optional[CoreTask]:
        """Start detect_change in a QgsTask; returns the task (None when the choices are not valid)."""
        from ..core.change.detect import detect_change

        if self.task is not None:
            return self.task
        self.save_settings()
        from .snapshot import rendered, view_rendering

        previous = self.temp_dir  # the last result's files (the slider rewrites them): a refused run keeps them
        try:
            req = self.build_request()
            # a date that is a web layer (XYZ, WMS ...) is its map view (or the extent), rendered in the task; files are
            # used as they are
            canvas = self.iface.mapCanvas() if self.iface is not None else None
            after_layer = self.after_combo.currentLayer()
            # a web AFTER over the same extent as BEFORE (in AFTER's CRS), not over the view: the common extent stays whole
            after_extent = self.extent_in_layer_crs(after_layer) if req.extent else None
            before = view_rendering(canvas, self.before_combo.currentLayer(), QgsRectangle(*req.extent) if req.extent else None)
            if before[0] is not None:  # a web BEFORE is rendered over the extent alone
                req.extent = None
            after = view_rendering(canvas, after_layer, QgsRectangle(*after_extent) if after_extent else None)
        except ValueError as exc:
            if self.temp_dir and self.temp_dir != previous:
                shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = previous
            self._message(str(exc), Qgis.Warning)
            return None
        self.request = req
        self.view_line = self.view_note()
        self.run_dates = [(layer.id(), layer.name()) for layer in (self.before_combo.currentLayer(),
                                                                    self.after_combo.currentLayer()) if layer]
        copy, self.reference_copy = self.reference_copy, None

        def work(progress, is_cancelled):
            if copy is not None:
                copy_reference(*copy, progress, is_cancelled)
                progress_of_run = progress
                progress = lambda value: progress_of_run(10.0 + 0.9 * value)  # noqa: E731 - after the copy's 10 %
            with rendered(*before, req.before) as req.before, rendered(*after, req.after) as req.after:
                return detect_change(req, progress, is_cancelled)

        self.task = CoreTask(tr("TerraPrompt: change detection"), work, self._finished)
        self.task.progressChanged.connect(lambda v: self.progress.setValue(int(v)))
        self.cancel_button.setEnabled(True)  # before Run goes off: Qt moves the focus of a disabled Run on to Cancel
        self.run_button.setEnabled(False)
        self.threshold_timer.stop()
        self.slider.setEnabled(False)  # it acts on the last result, which this run replaces
        self.summary.setPlainText("\n\n".join(t for t in (tr("Running ..."), self.view_line) if t))
        self.chart.clear()
        return start_task(self.task)

    def cancel(self) -> None:
        """Ask the running task to stop; it removes its partial outputs."""
        if self.task is not None:
            self.cancel_button.setEnabled(False)
            self.task.cancel()

    def project_cleared(self) -> None:
        """New or Open project: a running run stops, swipe and side by side close, and the tab forgets the last result
        (summary, chart, threshold slider): its layers went with the old project. Its files stay where a saved project
        reads them (QGIS removes its temporary folder when it closes)."""
        if self.task is not None:
            self.task.stop_for_new_project(self.cancel)
        if self.rethreshold_task is not None:
            task, self.rethreshold_task = self.rethreshold_task, None
            task.detach()
        self.threshold_timer.stop()
        self.threshold_pending = False
        for view in (self.swipe, self.side):
            if view is not None:
                view.stop()
        self.preview_groups = []
        if self.temp_dir == self.last_result_dir:
            self.temp_dir = None
        self.last_result, self.last_result_dir, self.prob_layer_id, self.result_view_line = None, None, "", ""
        self.slider.setEnabled(False)
        if self.task is None:
            self.summary.clear()
        self.chart.clear()

    def _finished(self, result, error: Optional[BaseException]) -> None:
        from ..core.change.detect import dates_reversed
        from ..core.errors import Cancelled

        task, self.task = self.task, None
        self.run_button.setEnabled(self.prompt_ok and not self.mask_refusals)
        self.cancel_button.setEnabled(False)
        self.progress.setValue(0 if error else 100)
        if task.stopped_by_new_project(error):
            self._drop_run()
            text = tr("Stopped: the project was replaced (New or Open project) during the run. Its temporary layers "
                      "would belong to no project, so nothing was kept.")
            self.summary.setPlainText(text)
            self._message(text, Qgis.Info)
            return
        if error is not None:
            self._drop_run()
            self.summary.setPlainText(error_message(error))
            self._message(tr("Cancelled. No output was written.") if isinstance(error, Cancelled) else error_message(error),
                          Qgis.Info if isinstance(error, Cancelled) else Qgis.Critical)
            return
        if task.project_replaced():  # New / Open project during the run
            self._drop_run()
            self._message(tr("The project was replaced during the run: its layers were not added."), Qgis.Warning)
            return
        self.last_result, self.last_result_dir, self.result_view_line = result, self.temp_dir, self.view_line
        self.summary.setPlainText("\n\n".join(t for t in (self.view_line, result.summary) if t))
        self.chart.set_data(matrix_rows(result), result.valid_area_m2)
        self._add_layers(result)
        self.slider.blockSignals(True)
        self.slider.setValue(int(round(result.threshold * 100)))
        self.slider.blockSignals(False)
        self.threshold_label.setText(number(result.threshold, 2))
        self.slider.setEnabled(True)
        done = tr("Change done: {area} changed ({method}).").format(area=format_area(result.changed_area_m2),
                                                                 method=method_labels().get(result.method, result.method))
        if dates_reversed(result.dates):
            self._message(done + " " + tr("AFTER ({after}) is older than BEFORE ({before}): swap them if that is not meant.").format(
                before=result.dates[0], after=result.dates[1]), Qgis.Warning)
        elif self.view_line:
            self._message(done + " " + self.view_line, Qgis.Warning)
        else:
            self._message(done, Qgis.Success)
        QgsMessageLog.logMessage(result.summary, LOG_TAG, Qgis.Info)

    def _add_layers(self, result) -> None:
        """The run's probability (styled at its threshold) and polygons, at the top of the TerraPrompt group, above the
        dates, named after them (and the prompt), numbered when a name is taken."""
        probability, polygons = tr("{name} (change probability)"), tr("{name} (change polygons, threshold {t})")
        polygons = polygons.replace("{t}", number(result.threshold, 2))
        name = free_name(change_result_name(result, [date for _, date in self.run_dates]), (probability, polygons))
        prob = QgsRasterLayer(result.output_probability, probability.format(name=name), "gdal")
        added = []
        if prob.isValid():
            threshold_renderer(prob, result.threshold)
            keep_style(prob)
            set_abstract(prob, result.summary)  # as the Processing run's layers carry it
            added.append(prob)
            self.prob_layer_id = prob.id()
        if result.output_vector:
            vec = QgsVectorLayer(result.output_vector, polygons.format(name=name), "ogr")
            if vec.isValid():
                style_change_polygons(vec)
                keep_style(vec)
                added.insert(0, vec)
        add_to_group(added, above=[layer_id for layer_id, _ in self.run_dates])

    @property
    def prob_layer(self) -> Optional[QgsRasterLayer]:
        """The last run's probability layer while it is in the project (None once removed, or a new project)."""
        return QgsProject.instance().mapLayer(self.prob_layer_id) if self.prob_layer_id else None

    def threshold_changed(self, value: int) -> None:
        """Restyle the probability layer at the new threshold (instant, nothing recomputed); a move by the keyboard, the
        wheel or a click on the groove also rewrites the change raster, once the slider rests (a drag does on release)."""
        t = value / 100.0
        self.threshold_label.setText(number(t, 2))
        layer = self.prob_layer
        if layer is not None and layer.isValid():
            threshold_renderer(layer, t)
            if not self.slider.isSliderDown():
                keep_style(layer)
        if not self.slider.isSliderDown() and self.last_result is not None:
            self.threshold_timer.start()

    def apply_threshold(self) -> Optional[CoreTask]:
        """Rewrite the change raster from the stored probabilities at the slider's threshold (a move while one is being
        rewritten is applied when it ends)."""
        from ..core.change.threshold import rethreshold

        self.threshold_timer.stop()
        if self.last_result is None or not self.last_result.output_change:
            return None
        if self.rethreshold_task is not None:
            self.threshold_pending = True
            return None
        self.threshold_pending = False
        res, t = self.last_result, self.threshold
        self.rethreshold_task = CoreTask(tr("TerraPrompt: change threshold"),
                                         lambda progress, is_cancelled: rethreshold(res.output_probability, res.output_change, t,
                                                                                    progress, is_cancelled),
                                         lambda counts, error: self._rethresholded(counts, error, t, res))
        return start_task(self.rethreshold_task)

    def _rethresholded(self, counts, error, t: float, res) -> None:
        """Say what the change raster of the result ``res`` now holds at the threshold ``t`` it was rewritten with (not
        when another run's result has replaced it meanwhile); then apply a later move."""
        self.rethreshold_task = None
        if error is not None:
            self._message(error_message(error), Qgis.Warning)
            return
        if res is not self.last_result or self.task is not None:  # a new run started or ended meanwhile
            self.threshold_pending = False
            return
        share = counts["change"] / max(counts["change"] + counts["no_change"], 1)
        note = tr("Threshold {t}: {area} changed ({pct} % of the compared area; {area0} at {t0}). The change polygons and "
                  "the chart keep the run's threshold {t0}: run again to redo them.").format(
            t=number(t, 2), area=format_area(share * res.valid_area_m2), pct=number(100 * share, 2),
            area0=format_area(res.changed_area_m2), t0=number(res.threshold, 2))
        self.summary.setPlainText("\n\n".join(t for t in (note, self.result_view_line, res.summary) if t))
        if self.threshold_pending and abs(t - self.threshold) > 1e-9:
            self.apply_threshold()
        self.threshold_pending = False

    def _drop_run(self) -> None:
        """A run that gives no result: its folder goes, the last result (its files, the slider) stays."""
        self._discard_temp()
        self.temp_dir = self.last_result_dir
        self.slider.setEnabled(self.last_result is not None)

    def _discard_temp(self) -> None:
        if self.temp_dir:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None

    def _message(self, text: str, level) -> None:
        """Message bar and log."""
        notify(self.iface, text, level)

    def shutdown(self) -> None:
        """Leave swipe mode, cancel running tasks (their outputs are removed)."""
        if self.swipe is not None:
            self.swipe.shutdown()
            self.swipe = None
        if self.side is not None:
            self.side.stop()
            self.side = None
        for name in ("task", "rethreshold_task"):
            task = getattr(self, name)
            if task is not None:
                setattr(self, name, None)
                task.detach()
                task.waitForFinished(10000)
        self.release_extent_tool()
        if self.last_result is None:
            self._discard_temp()
