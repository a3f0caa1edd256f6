"""Text candidates in the Interactive tab: a prompt box, 'Find objects', the candidate list and its canvas outlines.

Thin: the search (encode the view, run the land-cover concepts on it, connected
regions → candidates) is core/interactive/text_candidates.find_candidates in a
QgsTask; accepting writes through the PromptController; refining hands the
candidate's mask to the controller's session as the starting mask for clicks.
Candidates cut by the view are completed beyond it by the search and say so in the list.
"""
from __future__ import annotations

from typing import Callable, Optional

from qgis.core import QgsGeometry, QgsWkbTypes
from qgis.gui import QgsRubberBand
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.messages import number, t as core_t
from ..i18n import tr
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
    def _fill(band, wkts: list[str], crs) -> None:
        band.reset(QgsWkbTypes.PolygonGeometry)
        for w in wkts:
            band.addGeometry(QgsGeometry.fromWkt(w), crs, False)
        band.updatePosition()
        band.update()

    def show(self, wkts: list[str], selected: list[str], crs) -> None:
        self._fill(self.all, wkts, crs)
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
        self.items: list = []  # (candidate, wkt) in list order
        self.crs = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.prompt_edit = QLineEdit(self)
        self.prompt_edit.setPlaceholderText(tr("e.g. lakes larger than 1 ha, trees, buildings"))
        self.prompt_edit.setToolTip(tr("Land covers to find in the view; every connected region becomes a candidate object."))
        self.find_button = QPushButton(tr("Find objects"), self)
        self.find_button.setToolTip(tr("Run the land-cover concepts on the view and list the regions as candidates."))
        row.addWidget(self.prompt_edit, 1)
        row.addWidget(self.find_button)
        layout.addLayout(row)
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
        self.list.itemSelectionChanged.connect(self._redraw)
        self._update_buttons()

    # ------------------------------------------------------------- search
    def find(self) -> None:
        """Encode the view and find the prompt's candidates in a QgsTask."""
        from ..core.interactive.text_candidates import find_candidates

        self.before_run()
        ctl = self.controller
        prompt = self.prompt_edit.text().strip()
        if ctl.layer is None:
            self.message(tr("Choose a raster layer first."), "warning")
            return
        if not prompt:
            self.message(tr("Type what to find, e.g. 'water' or 'trees'."), "warning")
            return
        if self.task is not None:
            self.task.detach()
        self.clear()
        try:
            make_session = ctl.session_work()
        except ValueError as exc:  # the layer's file is gone, or the map shows nothing of it yet
            self.message(str(exc), "warning")
            self.status(str(exc))
            return
        crs = ctl.layer.crs()
        straight = ctl.straight

        def work(progress, is_cancelled):
            session = make_session(lambda p: progress(0.3 * p), is_cancelled)
            cset = find_candidates(session, prompt, progress=lambda p: progress(30 + 0.65 * p), is_cancelled=is_cancelled)
            wkts = [c.geometry(straight, session.source.crs).wkt for c in cset.candidates]
            return session, cset, wkts

        def done(result, error):
            self.task = None
            self.find_button.setEnabled(True)
            if error is not None:
                self.message(error_message(error), "warning")
                self.status(error_message(error))
                return
            session, cset, wkts = result
            ctl.adopt(session)
            self.cset, self.crs, self.session = cset, crs, session
            self.items = list(zip(cset.candidates, wkts))
            self._fill_list()
            self.status(cset.summary)

        self.find_button.setEnabled(False)
        self.status(tr("Finding '{prompt}' in the view…").format(prompt=prompt))
        self.task = start_task(CoreTask(tr("TerraPrompt: find objects"), work, done))

    # ------------------------------------------------------------- list and canvas
    def _fill_list(self) -> None:
        self.list.clear()
        for cand, _ in self.items:
            text = tr("{n}. {label} · {ha} ha · score {score}").format(
                n=cand.candidate_id, label=core_t(cand.label), ha=number(cand.area_m2 / 1e4, 2), score=number(cand.score, 2))
            if cand.cut:
                text += " · " + tr("cut at the search limit")
            elif cand.grown:
                text += " · " + tr("completed beyond the view")
            QListWidgetItem(text, self.list).setToolTip(text)
        self._redraw()

    def selected_rows(self) -> list[int]:
        """Rows of the selected candidates, in list order."""
        return sorted(self.list.row(i) for i in self.list.selectedItems())

    def _redraw(self) -> None:
        if self.outlines is not None:
            sel = set(self.selected_rows())
            self.outlines.show([w for _, w in self.items], [w for k, (_, w) in enumerate(self.items) if k in sel], self.crs)
        self._update_buttons()

    def _update_buttons(self) -> None:
        n_sel = len(self.list.selectedItems())
        self.accept_button.setEnabled(n_sel > 0)
        self.reject_button.setEnabled(n_sel > 0)
        self.refine_button.setEnabled(n_sel == 1)
        self.accept_all_button.setEnabled(bool(self.items))

    def _drop(self, rows: list[int]) -> None:
        for r in sorted(rows, reverse=True):
            del self.items[r]
            self.list.takeItem(r)
        self._redraw()

    # ------------------------------------------------------------- actions
    def accept(self, rows: list[int]) -> list[int]:
        """Write the candidates of these rows to the objects file; returns the object ids written."""
        from ..core.interactive.objects import next_object_id
        from ..core.interactive.text_candidates import candidate_object
        from ..core.outlines import pixel_side

        ctl = self.controller
        if not rows or self.cset is None:
            return []
        self.before_run()
        if not ctl.output_path:
            self.message(tr("Choose the GeoPackage for accepted objects in the dock."), "warning")
            return []
        first = next_object_id(ctl.output_path)
        src = self.session.source
        objs = [candidate_object(self.cset, self.items[r][0], first + k, src.crs, src.path, ctl.straight)
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
        self._drop(rows)

    def refine(self) -> None:
        """Make the selected candidate the current object for clicks (Enter accepts it)."""
        from ..core.interactive.text_candidates import origin, refine_base

        rows = self.selected_rows()
        if len(rows) != 1 or self.cset is None:
            return
        cand = self.items[rows[0]][0]
        self.start_tool()
        if self.controller.session is not self.session:  # the dock's choices dropped it, or clicks went elsewhere
            self.controller.adopt(self.session)
        # a candidate completed beyond the view enlarges the session's window to the whole object (encoded here)
        mask, transform, window = refine_base(self.cset, cand, self.session.source)
        self.controller.refine(mask, transform, window, cand.score, origin(self.cset, cand))
        self._drop(rows)

    def clear(self) -> None:
        """Forget the candidates (a new search, another raster)."""
        self.cset = self.session = None
        self.items = []
        self.list.clear()
        if self.outlines is not None:
            self.outlines.clear()
        self._update_buttons()

    def shutdown(self) -> None:
        """Cancel the search and remove the outlines."""
        if self.task is not None:
            self.task.detach()
            self.task = None
        self.clear()
        if self.outlines is not None:
            self.outlines.remove()
