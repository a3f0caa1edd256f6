"""Text candidates in the Interactive tab: a prompt box, 'Find objects', the candidate list and its canvas outlines.

Thin: the search (encode the view, run the land-cover concepts on it, connected
regions → candidates) is core/interactive/text_candidates.find_candidates in a
QgsTask; accepting writes through the PromptController; refining hands the
candidate's mask to the controller's session as the starting mask for clicks (its row stays, flagged, until Enter
writes it; Esc or another Refine puts it back). Candidates cut by the view are completed beyond it by the search and say
so in the list.
"""
from __future__ import annotations

from typing import Callable, Optional

from qgis.core import QgsGeometry, QgsWkbTypes
from qgis.gui import QgsRubberBand
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.messages import number, t as core_t
from ..i18n import tr
from .chart import format_area
from .dock import button_grid
from .tasks import CoreTask, error_message, start_task


class CandidateOutlines:
    """All candidates as dashed orange outlines, the selected ones filled (geometries in the raster's CRS)."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self.all = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
        self.all.setColor(QColor(255, 140, 0, 0))
        self.all.setFillColor(QColor(255, 140, 0, 25))
        self.all.setStrokeColor(QColor(255, 110, 0))
        self.all.setLineStyle(Qt.DashLine)
        self.all.setWidth(2)
        self.selected = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
        self.selected.setFillColor(QColor(255, 0, 200, 70))
        self.selected.setStrokeColor(QColor(200, 0, 160))
        self.selected.setWidth(3)

    @staticmethod
    def _fill(band, geoms: list[QgsGeometry], crs) -> None:
        band.reset(QgsWkbTypes.PolygonGeometry)
        for g in geoms:
            band.addGeometry(g, crs, False)
        band.updatePosition()
        band.update()

    def show(self, geoms: list[QgsGeometry], selected: list[QgsGeometry], crs) -> None:
        """Draw every candidate and the selected ones."""
        self._fill(self.all, geoms, crs)
        self._fill(self.selected, selected, crs)

    def show_selected(self, selected: list[QgsGeometry], crs) -> None:
        """Redraw the selected ones only (a selection change: the dashed outlines of all stay as they are)."""
        self._fill(self.selected, selected, crs)

    def clear(self) -> None:
        self.all.reset(QgsWkbTypes.PolygonGeometry)
        self.selected.reset(QgsWkbTypes.PolygonGeometry)

    def remove(self) -> None:
        self.clear()
        for b in (self.all, self.selected):
            self.canvas.scene().removeItem(b)


class CandidatePanel(QWidget):
    """Prompt → candidates (list + canvas) → accept / reject / accept all / refine with clicks."""

    def __init__(self, controller, message: Callable[[str, str], None], status: Callable[[str], None],
                 before_run: Optional[Callable[[], None]] = None, start_tool: Optional[Callable[[], None]] = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.message = message
        self.status = status
        self.before_run = before_run or (lambda: None)
        self.start_tool = start_tool or (lambda: None)
        self.task: Optional[CoreTask] = None
        self.cset = None
        self.session = None  # the encoded session the candidates were found on
        self.items: list = []  # (candidate, QgsGeometry drawn and written) in list order
        self.crs = None
        self.straight = False  # whether the geometries in items are straightened
        self.source = ""  # the 'source' of accepted candidates: the raster file, or '<layer> (rendered view)'
        self.refining = None  # the candidate being refined on the map (its row stays, flagged, until Enter writes it)
        self._refine_origin: Optional[dict] = None  # the controller's origin while it refines that candidate
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.prompt_edit = QLineEdit(self)
        self.prompt_edit.setPlaceholderText(tr("e.g. lakes larger than 1 ha, trees, buildings"))
        self.prompt_edit.setToolTip(tr("Land covers to find in the view; every connected region becomes a candidate object."))
        self.find_button = QPushButton(tr("Find objects"), self)
        self.find_button.setToolTip(tr("Run the land-cover concepts on the view and list the regions as candidates."))
        layout.addWidget(self.prompt_edit)  # the prompt the whole width, its button below: side by side, a narrow dock
        layout.addWidget(self.find_button)  # left the prompt too narrow to read
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.list.setMaximumHeight(140)
        # long rows ('completed beyond the view') are elided, their whole text in the tooltip: no sideways scrolling
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.ElideRight)
        layout.addWidget(self.list)
        self.accept_button = QPushButton(tr("Accept"), self)
        self.accept_button.setToolTip(tr("Write the selected candidates to the objects file."))
        self.reject_button = QPushButton(tr("Reject"), self)
        self.reject_button.setToolTip(tr("Drop the selected candidates."))
        self.accept_all_button = QPushButton(tr("Accept all"), self)
        self.accept_all_button.setToolTip(tr("Write every listed candidate to the objects file."))
        self.refine_button = QPushButton(tr("Refine"), self)
        self.refine_button.setToolTip(tr("Make the selected candidate the current object: click to add or remove parts, Enter accepts."))
        # two rows of two: one row of four would set the dock's minimum width
        layout.addLayout(button_grid([self.accept_button, self.reject_button, self.accept_all_button, self.refine_button], 2))
        self.outlines = CandidateOutlines(controller.canvas) if controller.canvas is not None else None
        self.find_button.clicked.connect(self.find)
        self.prompt_edit.returnPressed.connect(self.find)
        self.accept_button.clicked.connect(lambda: self.accept(self.selected_rows()))
        self.accept_all_button.clicked.connect(lambda: self.accept(list(range(len(self.items)))))
        self.reject_button.clicked.connect(lambda: self.reject(self.selected_rows()))
        self.refine_button.clicked.connect(self.refine)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        controller.changed.connect(self._refine_ended)  # Enter, Esc, another object or raster end a refine
        self._update_buttons()

    # ------------------------------------------------------------- search
    def find(self) -> None:
        """Encode the view and find the prompt's candidates in a QgsTask."""
        from ..core.interactive.text_candidates import find_candidates, text_modality

        self.before_run()
        ctl = self.controller
        prompt = self.prompt_edit.text().strip()
        if ctl.layer is None:
            self.message(tr("Choose a raster layer first."), "warning")
            return
        if not prompt:
            self.message(tr("Type what to find, e.g. 'water' or 'trees'."), "warning")
            return
        self.clear()
        try:
            make_session = ctl.session_work(check=text_modality)  # refused before the view is encoded
        except ValueError as exc:  # the layer's file is gone, or the map shows nothing of it yet
            self.message(str(exc), "warning")
            self.status(str(exc))
            return
        layer = ctl.layer
        crs = layer.crs()
        straight = ctl.straight

        def work(progress, is_cancelled):
            session = make_session(lambda p: progress(0.3 * p), is_cancelled)
            cset = find_candidates(session, prompt, progress=lambda p: progress(30 + 0.65 * p), is_cancelled=is_cancelled)
            geoms = [to_qgis(c.geometry(straight, session.source.crs)) for c in cset.candidates]
            return session, cset, geoms

        def done(result, error):
            self.task = None
            self.find_button.setEnabled(True)
            if error is not None:
                self.message(error_message(error), "warning")
                self.status(error_message(error))
                return
            if ctl.layer is not layer or task.project_replaced():  # its session belongs to neither
                self.status(tr("The raster layer or the project changed during the search: its candidates were dropped."))
                return
            session, cset, geoms = result
            ctl.adopt(session)
            self.cset, self.crs, self.session, self.straight = cset, crs, session, straight
            self.source = ctl.source_label()  # a web layer's rendering is a temporary file: its layer is named
            self.items = list(zip(cset.candidates, geoms))
            self._fill_list()
            self.status(cset.summary)
            self.sync_straight()  # Straight outlines ticked while the search ran

        self.find_button.setEnabled(False)
        self.status(tr("Finding '{prompt}' in the view…").format(prompt=prompt))
        task = CoreTask(tr("TerraPrompt: find objects"), work, done)
        self.task = start_task(task)

    # ------------------------------------------------------------- list and canvas
    def _fill_list(self) -> None:
        self.list.clear()
        for cand, _ in self.items:
            text = row_text(cand)
            QListWidgetItem(text, self.list).setToolTip(text)
        self._redraw()

    def selected_rows(self) -> list[int]:
        """Rows of the selected candidates, in list order."""
        return sorted(ix.row() for ix in self.list.selectionModel().selectedRows())

    def _drawn(self) -> list[QgsGeometry]:
        """The outlines of the listed candidates (not the one being refined: the map's preview shows it)."""
        return [g for cand, g in self.items if cand is not self.refining]

    def _redraw(self) -> None:
        """Draw every candidate and the selected ones."""
        if self.outlines is not None:
            self.outlines.show(self._drawn(), [self.items[r][1] for r in self.selected_rows()], self.crs)
        self._update_buttons()

    def _selection_changed(self) -> None:
        if self.outlines is not None:
            self.outlines.show_selected([self.items[r][1] for r in self.selected_rows()], self.crs)
        self._update_buttons()

    def _update_buttons(self) -> None:
        n_sel = len(self.selected_rows())
        self.accept_button.setEnabled(n_sel > 0)
        self.reject_button.setEnabled(n_sel > 0)
        self.refine_button.setEnabled(n_sel == 1)
        self.accept_all_button.setEnabled(any(cand is not self.refining for cand, _ in self.items))

    def _drop(self, rows: list[int]) -> None:
        """Remove these rows; the list's signals wait, so the outlines are redrawn once (not once per row)."""
        self.list.blockSignals(True)
        try:
            for r in sorted(rows, reverse=True):
                if self.items[r][0] is self.refining:
                    self.refining = self._refine_origin = None
                del self.items[r]
                self.list.takeItem(r)
        finally:
            self.list.blockSignals(False)
        self._redraw()

    def sync_straight(self) -> None:
        """Outline the candidates again when Straight outlines changed since they were drawn: Accept writes what the map
        shows."""
        if not self.items or self.session is None or self.controller.straight == self.straight:
            return
        self.straight = self.controller.straight
        crs = self.session.source.crs
        self.items = [(cand, to_qgis(cand.geometry(self.straight, crs))) for cand, _ in self.items]
        self._redraw()

    # ------------------------------------------------------------- actions
    def accept(self, rows: list[int]) -> list[int]:
        """Write the candidates of these rows to the objects file; returns the object ids written."""
        from shapely import wkb

        from ..core.interactive.text_candidates import candidate_object
        from ..core.outlines import pixel_side

        ctl = self.controller
        if self.cset is None:
            return []
        self.before_run()  # the dock's choices (a new model ends a refine, Straight outlines redraw)
        self._refine_ended()
        rows = [r for r in rows if self.items[r][0] is not self.refining]  # Enter on the map writes that one
        if not rows:
            return []
        self.sync_straight()
        if not ctl.output_path:
            self.message(tr("Choose the GeoPackage for accepted objects in the dock."), "warning")
            return []
        first = ctl.next_object_id()  # not the id of an unsaved drawn one
        src = self.session.source
        objs = [candidate_object(self.cset, self.items[r][0], first + k, src.crs, self.source, self.straight,
                                 wkb.loads(bytes(self.items[r][1].asWkb())))
                for k, r in enumerate(rows)]
        written = ctl.write(objs, src.crs, pixel_side(src.transform))
        if not written:
            return []
        self._drop(rows)
        ids = [o.attrs["object_id"] for o in written]
        self.status(tr("{n} object(s) added to the objects file.").format(n=len(ids)))
        return ids

    def reject(self, rows: list[int]) -> None:
        """Drop the candidates of these rows."""
        self._drop([r for r in rows if self.items[r][0] is not self.refining])

    def refine(self) -> None:
        """Make the selected candidate the current object for clicks (Enter accepts it; its row stays until then)."""
        from ..core.interactive.text_candidates import origin, refine_base

        rows = self.selected_rows()
        if len(rows) != 1 or self.cset is None or self.controller.layer is None:
            return
        cand = self.items[rows[0]][0]
        self.start_tool()
        if self.controller.session is not self.session:  # the dock's choices dropped it, or clicks went elsewhere
            self.controller.adopt(self.session)
        # a candidate completed beyond the view enlarges the session's window to the whole object (encoded here)
        mask, transform, window = refine_base(self.cset, cand, self.session.source)
        self.controller.refine(mask, transform, window, cand.score, origin(self.cset, cand))
        self._refine_ended()  # the candidate refined before, if any, is back in the list
        if self.controller.origin is not None:
            self.refining, self._refine_origin = cand, self.controller.origin
            self._flag(rows[0], True)

    def _flag(self, row: int, refining: bool) -> None:
        """Mark a row as being refined on the map (not selectable, not drawn), or put it back."""
        item = self.list.item(row)
        text = row_text(self.items[row][0])
        if refining:
            item.setSelected(False)
            item.setFlags(item.flags() & ~Qt.ItemIsSelectable)
            text += " · " + tr("being refined on the map: Enter writes it, Esc puts it back")
        else:
            item.setFlags(item.flags() | Qt.ItemIsSelectable)
        item.setText(text)
        item.setToolTip(text)
        self._redraw()

    def _refine_ended(self, *_args) -> None:
        """The refined candidate's row goes when Enter wrote it, and is back in the list when the refine ended otherwise
        (Esc, another Refine, another raster or session)."""
        if self.refining is None or self.controller.origin is self._refine_origin:
            return
        cand, origin = self.refining, self._refine_origin
        self.refining = self._refine_origin = None
        row = next((k for k, (c, _) in enumerate(self.items) if c is cand), None)
        if row is None:
            return
        last = self.controller.last_accepted
        if last is not None and last.get("origin") is origin:
            self._drop([row])
        else:
            self._flag(row, False)

    def clear(self) -> None:
        """Forget the candidates and stop a search (a new search, another raster, another project)."""
        if self.task is not None:  # its candidates would belong to what was there before
            self.task.detach()
            self.task = None
            self.status(tr("Find objects stopped."))
        self.find_button.setEnabled(True)
        self.cset = self.session = None
        self.refining = self._refine_origin = None
        self.items = []
        self.list.clear()
        if self.outlines is not None:
            self.outlines.clear()
        self._update_buttons()

    def shutdown(self) -> None:
        """Cancel the search and remove the outlines."""
        self.clear()
        if self.outlines is not None:
            self.outlines.remove()


def to_qgis(geom) -> QgsGeometry:
    """A shapely geometry as a QgsGeometry, through WKB (exact: what is drawn is what Accept writes)."""
    g = QgsGeometry()
    g.fromWkb(geom.wkb)
    return g


def area_text(m2: float) -> str:
    """A candidate's area as the list shows it: m² below 0.1 ha (small objects would read 0.00 ha), else ha with two
    decimals."""
    return format_area(m2, "m2" if m2 < 1000 else "ha", decimals=2)


def row_text(cand) -> str:
    """A candidate's line in the list: number, concept, area, score, and whether it was completed beyond the view."""
    text = tr("{n}. {label} · {area} · score {score}").format(
        n=cand.candidate_id, label=core_t(cand.label), area=area_text(cand.area_m2), score=number(cand.score, 2))
    if cand.cut:
        text += " · " + tr("cut at the search limit")
    elif cand.grown:
        text += " · " + tr("completed beyond the view")
    return text
