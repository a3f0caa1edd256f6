"""Canvas prompting: a map tool for clicks and boxes, a rubber-band mask preview, and the controller between them.

PromptMapTool: left click = positive point, right click (or Shift + left) = negative point, left drag = box,
Ctrl+Z undo, Ctrl+Shift+Z (or Ctrl+Y) redo, Enter accept, Esc clear. It only emits signals in canvas coordinates.
PromptController: transforms prompts from the project CRS to the raster's CRS, encodes the view once in a
QgsTask (cache-backed), decodes each prompt, shows the mask, and on accept appends the object to a GeoPackage.
"""
from __future__ import annotations

import os
import time
import weakref
from typing import Callable, Optional

from qgis.core import (
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import QgsMapTool, QgsRubberBand
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QEvent, QObject, QPoint, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor

from ..core.messages import number
from ..i18n import tr
from ..qgis_layers import box_in_layer_crs, layer_file, layer_settings, point_in_layer_crs
from .layers import style_objects
from .tasks import CoreTask, error_message, start_task

DRAG_PIXELS = 6


def screen_box(tool: QgsMapTool, start: QPoint, end: QPoint) -> QgsGeometry:
    """The box dragged on screen from ``start`` to ``end`` as a map polygon: its four screen corners in map coordinates
    (on a rotated map it is turned; the box a tool reports is its map bounding box)."""
    corners = [(start.x(), start.y()), (end.x(), start.y()), (end.x(), end.y()), (start.x(), end.y())]
    return QgsGeometry.fromPolygonXY([[tool.toMapCoordinates(QPoint(x, y)) for x, y in corners]])


def drag_band(canvas) -> QgsRubberBand:
    """The rubber band that shows a box being dragged."""
    band = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
    band.setColor(QColor(255, 200, 0, 60))
    band.setStrokeColor(QColor(255, 160, 0))
    band.setWidth(1)
    return band


class DragBoxTool(QgsMapTool):
    """A map tool that drags a box from where the mouse was pressed, drawn as a rubber band on the canvas."""

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self._press: Optional[QPoint] = None
        self._band = drag_band(canvas)

    def canvasPressEvent(self, e) -> None:  # noqa: N802
        self._press = e.pos()

    def remove(self) -> None:
        """Take the box's rubber band off the canvas (the tab or dock closing)."""
        self._band.reset(QgsWkbTypes.PolygonGeometry)
        self.canvas().scene().removeItem(self._band)


class ExtentMapTool(DragBoxTool):
    """Draw for an extent: a rectangle dragged on the map with any mouse button (as QGIS's extent tool), reported as the
    map bounding box of the box seen on screen (on a rotated map too, as the prompt tool's boxes; QGIS's extent tool took
    the two pressed corners as opposite corners of a map rectangle there, which cut off part of what was dragged)."""

    extentChanged = pyqtSignal(QgsRectangle)  # noqa: N815

    def canvasMoveEvent(self, e) -> None:  # noqa: N802
        if self._press is not None:
            self._band.setToGeometry(screen_box(self, self._press, e.pos()), None)

    def canvasReleaseEvent(self, e) -> None:  # noqa: N802
        if self._press is None:
            return
        start, self._press = self._press, None
        self._band.reset(QgsWkbTypes.PolygonGeometry)
        if start != e.pos():
            self.extentChanged.emit(screen_box(self, start, e.pos()).boundingBox())

    def deactivate(self) -> None:
        self._press = None
        self._band.reset(QgsWkbTypes.PolygonGeometry)
        super().deactivate()


def _shows_objects(layer: QgsVectorLayer, path: str) -> bool:
    """Whether a vector layer shows the 'objects' table of the GeoPackage ``path`` (however its source writes the path:
    relative, with '..', another case on Windows)."""
    from qgis.core import QgsProviderRegistry

    if not path or layer.providerType() != "ogr":
        return False
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    if (parts.get("layerName") or "objects").lower() != "objects" or not parts.get("path"):
        return False
    try:
        return os.path.samefile(parts["path"], path)
    except OSError:  # a file not (or no longer) there
        return os.path.normcase(os.path.abspath(parts["path"])) == os.path.normcase(os.path.abspath(path))


class PromptMapTool(DragBoxTool):
    """Clicks and boxes on the canvas, reported as signals in canvas (project) coordinates."""

    pointPrompt = pyqtSignal(QgsPointXY, bool)  # noqa: N815
    boxPrompt = pyqtSignal(QgsRectangle)  # noqa: N815
    undoRequested = pyqtSignal()  # noqa: N815
    redoRequested = pyqtSignal()  # noqa: N815
    acceptRequested = pyqtSignal()  # noqa: N815
    clearRequested = pyqtSignal()  # noqa: N815

    def canvasMoveEvent(self, e) -> None:  # noqa: N802
        if self._press is None or e.buttons() != Qt.LeftButton or not self._dragging(e.pos()):
            return
        self._band.setToGeometry(screen_box(self, self._press, e.pos()), None)

    def canvasReleaseEvent(self, e) -> None:  # noqa: N802
        if self._press is None:
            return
        start, self._press = self._press, None
        self._band.reset(QgsWkbTypes.PolygonGeometry)
        if e.button() == Qt.LeftButton and self._dragging(e.pos(), start):
            self.boxPrompt.emit(screen_box(self, start, e.pos()).boundingBox())
            return
        negative = e.button() == Qt.RightButton or bool(e.modifiers() & Qt.ShiftModifier)
        if e.button() in (Qt.LeftButton, Qt.RightButton):
            self.pointPrompt.emit(self.toMapCoordinates(e.pos()), not negative)

    @staticmethod
    def _edit_key(e) -> Optional[str]:
        """'undo' for Ctrl+Z, 'redo' for Ctrl+Shift+Z or Ctrl+Y, else None."""
        if not e.modifiers() & Qt.ControlModifier:
            return None
        if e.key() == Qt.Key_Z:
            return "redo" if e.modifiers() & Qt.ShiftModifier else "undo"
        return "redo" if e.key() == Qt.Key_Y else None

    def keyPressEvent(self, e) -> None:  # noqa: N802
        edit = self._edit_key(e)
        if edit is not None:
            (self.undoRequested if edit == "undo" else self.redoRequested).emit()
        elif e.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.acceptRequested.emit()
        elif e.key() == Qt.Key_Escape:
            self.clearRequested.emit()
        else:
            e.ignore()
            return
        e.accept()

    def eventFilter(self, watched, e) -> bool:  # noqa: N802
        """Claim Ctrl+Z, Ctrl+Shift+Z and Ctrl+Y on the canvas (their shortcut override accepted) while the tool is
        active: QGIS's Edit > Undo / Redo hold the same shortcuts and would undo a vector layer's edits instead."""
        if e.type() == QEvent.ShortcutOverride and self._edit_key(e) is not None:
            e.accept()
            return True
        return False

    def activate(self) -> None:
        self.canvas().installEventFilter(self)
        super().activate()

    def deactivate(self) -> None:
        self.canvas().removeEventFilter(self)
        self._band.reset(QgsWkbTypes.PolygonGeometry)
        super().deactivate()

    def remove(self) -> None:
        """Take the box's rubber band off the canvas and stop filtering its keys (the dock closing)."""
        self.canvas().removeEventFilter(self)
        super().remove()

    def _dragging(self, pos: QPoint, start: Optional[QPoint] = None) -> bool:
        start = start or self._press
        return start is not None and (abs(pos.x() - start.x()) > DRAG_PIXELS or abs(pos.y() - start.y()) > DRAG_PIXELS)


class MaskPreview:
    """The live mask drawn as a rubber band (geometry given in the raster's CRS), and the straight outline Accept will
    write, when asked for, as a dashed line over it."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self.band = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
        self.band.setColor(QColor(0, 170, 255, 80))
        self.band.setStrokeColor(QColor(0, 90, 200))
        self.band.setWidth(2)
        self.outline = QgsRubberBand(canvas, QgsWkbTypes.LineGeometry)
        self.outline.setColor(QColor(255, 140, 0))
        self.outline.setWidth(2)
        self.outline.setLineStyle(Qt.DashLine)

    def show(self, wkt: Optional[str], crs, outline_wkt: Optional[str] = None) -> None:
        """Draw a geometry (WKT in ``crs``) and optionally the outline to be written, or clear the preview when None."""
        if not wkt:
            self.clear()
            return
        self.band.setToGeometry(QgsGeometry.fromWkt(wkt), crs)
        if outline_wkt:
            self.outline.setToGeometry(QgsGeometry.fromWkt(outline_wkt).convertToType(QgsWkbTypes.LineGeometry, True), crs)
        else:
            self.outline.reset(QgsWkbTypes.LineGeometry)

    def clear(self) -> None:
        self.band.reset(QgsWkbTypes.PolygonGeometry)
        self.outline.reset(QgsWkbTypes.LineGeometry)

    def remove(self) -> None:
        self.clear()
        self.canvas.scene().removeItem(self.band)
        self.canvas.scene().removeItem(self.outline)


class PromptController(QObject):
    """Prompts → session (raster CRS) → preview; accept → GeoPackage. Encoding runs in a QgsTask."""

    changed = pyqtSignal(str)  # status text for the dock
    accepted = pyqtSignal(int)  # object_id written

    def __init__(self, canvas, project: Optional[QgsProject] = None, message=None) -> None:
        super().__init__()
        self.canvas = canvas
        self.project = project or QgsProject.instance()
        self.message = message or (lambda text, level="info": None)
        self.preview = MaskPreview(canvas)
        self.layer = None
        self._watched = None  # the layer whose CRS and source changes reset the session
        self.model = "bundled"
        self.device = "auto"
        self.class_name = tr("object")  # as the Interactive tab writes it, in the analyst's language
        self.output_path = ""
        self.straight = False  # right-angled outlines (buildings) for accepted polygons, previewed as a dashed line
        self.no_overlap = False  # accepted objects leave out what objects already in the file cover
        self.cache_dir: Optional[str] = None
        self.session = None
        self.engine = None
        self.task: Optional[CoreTask] = None
        self._pending: list = []
        self.last_latency_ms = 0.0
        self._output_layer_id = ""  # the objects layer added to the project, looked up by id: the analyst may remove it
        self.origin: Optional[dict] = None  # class/model of a refined text candidate
        self.last_accepted: Optional[dict] = None  # what Ctrl+Z right after Enter takes back: object_id, file, prompts
        self._taken_back: Optional[dict] = None  # the accepted object Ctrl+Z took out of its file, now on the map again
        self._waiting: list = []  # taken-back objects to put back once their file's transaction group stops editing
        self._no_take_back = ""  # why Ctrl+Z cannot take back the object accepted last (said when it is pressed)
        self._named_in_full: set = set()  # objects files whose full path a status has shown
        self._written_fids: list = []  # feature ids the last write added (what Ctrl+Z deletes)
        self.snapshots: Optional[str] = None  # temporary folder of rendered views of a layer that is not a file
        self._note = ""  # said once with the next result shown (a tiny box taken as a click)
        self._bands_for = None  # weak reference to the session whose bands the status said (once per encoded view)
        canvas.destinationCrsChanged.connect(self._redraw)

    # ------------------------------------------------------------- configuration
    def configure(self, layer, model: str, device: str, class_name: str, output_path: str, cache_dir: Optional[str] = None,
                  straight: bool = False, no_overlap: bool = False, keep_session: bool = False, reason: str = "") -> bool:
        """Set the raster layer, model and output; a new layer, model or device drops the current session
        (``keep_session``: a new layer, model or device is not taken yet, so Enter accepts the mask shown before they
        apply; ``reason``: why the session is dropped, when not that another raster, model or device was chosen). True
        when the status was given what that dropped or stopped."""
        model, device = model or "bundled", device or "auto"
        said = False
        if layer is not self.layer or model != self.model or device != self.device:
            if not keep_session:
                stopped = self.task is not None  # reset says 'Encoding stopped.'
                said = self._start_again(reason or (tr("another raster was chosen") if layer is not self.layer
                                                    else tr("another model or device was chosen"))) or stopped
                self._watch(layer)
                self.layer, self.model, self.device = layer, model, device
        self.class_name = class_name or tr("object")
        self.output_path = output_path
        self.cache_dir = cache_dir
        self.no_overlap = no_overlap
        if straight != self.straight:
            self.straight = straight
            if self.session is not None and self.session.last is not None and self.task is None:
                self._show(self.session.last)  # the dashed outline Accept will write appears or goes
        return said

    def _watch(self, layer) -> None:
        """Follow ``layer``'s CRS and data source (fixed in Layer Properties): a change drops the session, as a new layer does."""
        if layer is self._watched:
            return
        old, self._watched = self._watched, layer
        if old is not None and not sip.isdeleted(old):
            for signal in (old.crsChanged, old.dataSourceChanged):
                try:
                    signal.disconnect(self._layer_changed)
                except (TypeError, RuntimeError):  # not connected
                    pass
        if layer is not None:
            layer.crsChanged.connect(self._layer_changed)
            layer.dataSourceChanged.connect(self._layer_changed)

    def _layer_changed(self) -> None:
        """The raster's CRS or file changed under the session: what was encoded and clicked no longer holds."""
        if self.session is None and self.task is None:
            return
        if not self._start_again(tr("the raster layer changed (CRS or source)")):
            self.changed.emit(tr("The raster layer changed (CRS or source): its view will be encoded again on the next "
                                 "click."))

    def _start_again(self, reason: str) -> bool:
        """Drop the session (a new raster, model or device applies now) and say what that dropped (True when said): the
        object on the map, one taken back by Ctrl+Z going back into its file as it was accepted; the object accepted
        last can no longer be taken back."""
        s, back, last, note = self.session, self._taken_back, self.last_accepted, self._no_take_back
        shown = s is not None and s.last is not None and not s.last.empty
        name = self.layer.name() if self.layer is not None and not sip.isdeleted(self.layer) else ""
        self.reset()
        self._no_take_back = note  # still why Ctrl+Z takes nothing back
        if last is not None:
            self._no_take_back = tr("Object {id} stays in {file}: Ctrl+Z takes an object back only until another raster "
                                    "or model is chosen (delete it in the objects layer instead).").format(
                id=last["object_id"], file=os.path.basename(last["path"]))
        put = self._put_back(back, reason) if back is not None else ""
        if put:
            text = put
        elif shown:
            text = tr("The object under way on '{name}' was dropped: {reason}.").format(name=name, reason=reason)
        else:
            return False
        self._say(text)
        return True

    def _put_back(self, back: dict, reason: str) -> str:
        """Write an object taken back by Ctrl+Z into its file again, as it was accepted; returns what to say of it, with
        ``reason`` ('' when it cannot be written: the error is said). While a layer of that file is edited in a
        transaction group (it holds the file's lock: a second connection would wait, then fail) the object is kept and
        written once that layer stops editing."""
        oid, file = back["object_id"], os.path.basename(back["path"])
        busy = self._editing_in_transaction(back["path"])
        if busy is not None:
            self._waiting.append(back)
            busy.editingStopped.connect(self._put_back_waiting)
            return tr("Object {id}, taken back with Ctrl+Z, goes back into {file} as it was accepted once the layer "
                      "'{name}' is saved or stops editing (it is edited in a transaction group): {reason}.").format(
                id=oid, file=file, name=busy.name(), reason=reason)
        if not self._write_back(back):
            return ""
        return tr("Object {id}, taken back with Ctrl+Z, was put back into {file} as it was accepted: {reason}.").format(
            id=oid, file=file, reason=reason)

    def _put_back_waiting(self) -> None:
        """A layer stopped editing: the taken-back objects kept for its file go back into it, and the status says so."""
        ready = [b for b in self._waiting if self._editing_in_transaction(b["path"]) is None]
        self._waiting = [b for b in self._waiting if all(b is not r for r in ready)]
        for back in ready:
            if self._write_back(back):
                self._say(tr("Object {id}, taken back with Ctrl+Z, was put back into {file} as it was accepted.")
                          .format(id=back["object_id"], file=os.path.basename(back["path"])), "info")

    def _write_back(self, back: dict) -> bool:
        """Append a taken-back object to its file (False, said, when it cannot be)."""
        from ..core.errors import TerraPromptError
        from ..core.interactive.objects import append_objects

        try:
            append_objects(back["path"], [back["object"]], back["crs"])
        except TerraPromptError as exc:
            self.message(str(exc), "critical")
            return False
        if back["path"] == self.output_path:
            self._refresh_output_layer()
        return True

    def _say(self, text: str, level: str = "warning") -> None:
        """Say ``text`` through ``message`` at ``level`` (a warning by default) and in the status line."""
        self.message(text, level)
        self.changed.emit(text)

    def reset(self, keep_snapshots: bool = False) -> None:
        """Forget the session and the preview (the cache keeps the encodings; ``keep_snapshots`` keeps rendered views)."""
        if self.task is not None:
            self.task.detach()
            self.task = None
            self.changed.emit(tr("Encoding stopped."))
        self.session = None
        if not keep_snapshots:
            self._drop_snapshots()
        self.origin = None
        self.last_accepted = None
        self._taken_back = None
        self._no_take_back = ""
        self._pending.clear()
        self.preview.clear()

    def _redraw(self) -> None:
        """The project (canvas) CRS changed: draw the current mask again (its rubber bands hold the old CRS's
        coordinates)."""
        s = self.session
        if s is not None and self.task is None and s.last is not None and not s.last.empty:
            self._show(s.last)

    # ------------------------------------------------------------- prompts
    def _to_raster(self, rect: QgsRectangle) -> Optional[QgsRectangle]:
        """A point or box in canvas coordinates in the raster's CRS, across the antimeridian in the raster's own
        longitudes as the encoded view is; None where it has none (space beside the globe of an orthographic or world
        projection). Raises ValueError (the message for the analyst) for a box across 180° over a raster on both sides
        of it."""
        crs = self.canvas.mapSettings().destinationCrs()
        try:
            if rect.isEmpty():
                p = point_in_layer_crs(rect.center(), crs, self.layer, self.project)
                r = QgsRectangle(p, p)
            else:
                r = box_in_layer_crs(rect, crs, self.layer, self.project)
        except QgsCsException:
            return None
        return r if r.isFinite() else None

    def add_point(self, pt: QgsPointXY, positive: bool) -> None:
        """A click in canvas coordinates."""
        if not self._ready():
            return
        r = self._to_raster(QgsRectangle(pt, pt))
        if r is None:
            self._refuse_outside()
            return
        self._new_view_if_moved(r)
        if not self._on_layer(r):
            return
        self._forget_accepted()  # a new prompt: Ctrl+Z no longer takes the accepted object back
        p = r.center()
        self._submit(("point", p.x(), p.y(), positive))

    def _new_view_if_moved(self, r: QgsRectangle) -> None:
        """A first click or box of an object away from the encoded window starts a new session at the current view:
        outside a rendered view (web layer, which holds only what was on screen), or, on a file raster, farther from the
        window than its size (the analyst panned away: growing the window to cover both places would encode all between)."""
        s = self.session
        if s is None or self.task is not None or len(s.history) or s.base is not None:
            return
        if self.snapshots is not None:
            b = s.source.grid.bounds()
            moved = not (b[0] <= r.xMinimum() and r.xMaximum() <= b[2] and b[1] <= r.yMinimum() and r.yMaximum() <= b[3])
        else:  # prompts of one object still grow the window, and so does an object the window cuts
            moved = s.far_from_window(r.center().x(), r.center().y())
        if moved:
            self.reset()

    def _on_layer(self, r: QgsRectangle) -> bool:
        """Whether a prompt (raster CRS) may touch the raster; a first prompt off the layer's extent is refused before any
        encoding (the session checks prompts against the raster's pixels once the view is encoded)."""
        if self.session is not None or self.task is not None:
            return True
        ext = self.layer.extent()
        if ext.isEmpty() or ext.intersects(r) or ext.contains(r.center()):
            return True
        self._refuse_outside()
        return False

    def _refuse_outside(self) -> None:
        """Say that the prompt lies outside the raster (or has no place in its CRS), with the fix."""
        text = tr("The prompt lies outside the raster '{name}'. Pan to the raster and prompt inside it; prompts are "
                  "transformed to the raster's CRS, so check the layer's CRS too.").format(name=self.layer.name())
        self.message(text, "warning")
        self.changed.emit(text)

    def add_box(self, rect: QgsRectangle) -> None:
        """A box in canvas coordinates."""
        if not self._ready():
            return
        try:
            r = self._to_raster(rect)
        except ValueError as exc:  # across 180° over a world raster: as the view's encoding would say
            self.message(str(exc), "warning")
            self.changed.emit(str(exc))
            return
        if r is None:
            self._refuse_outside()
            return
        self._new_view_if_moved(r)
        if not self._on_layer(r):
            return
        self._forget_accepted()
        self._submit(("box", r.xMinimum(), r.yMinimum(), r.xMaximum(), r.yMaximum()))

    def _forget_accepted(self) -> None:
        """The object accepted last is no longer Ctrl+Z's to take back (a new prompt, Esc)."""
        self.last_accepted = None
        self._no_take_back = ""

    def undo(self) -> None:
        if self.task is not None:
            if self._pending:  # a prompt still waiting for the encoding: it is dropped, never applied
                self._pending.pop()
                self.changed.emit(tr("Prompt undone before it was decoded."))
            return
        s = self.session
        editing = s is not None and (len(s.history) or s.base is not None)
        if not editing and self.last_accepted is not None:
            self.take_back()
        elif not editing and self._no_take_back:  # said, not silent: the analyst expects the object back
            self._say(self._no_take_back)
        elif s is not None:
            self._step(s.undo)

    def _step(self, action) -> None:
        """Undo or redo and show the result; a decode that fails leaves no mask behind (nothing stale to accept)."""
        from ..core.errors import TerraPromptError

        try:
            self._decoded(action(encode=False))
        except TerraPromptError as exc:
            self.session.last = None
            self.preview.clear()
            self.message(str(exc), "warning")
            self.changed.emit(str(exc))

    def take_back(self) -> Optional[int]:
        """Undo the last Accept: remove its object from the file and put its prompts back (Ctrl+Z right after Enter); an
        object deleted in QGIS since is already out, and one with unsaved edits in a layer of the file is left to them."""
        from ..core.errors import TerraPromptError
        from ..core.interactive.objects import remove_features, remove_object, stored_fids

        last = self.last_accepted
        if last is None or self.session is None:
            return None
        name = os.path.basename(last["path"])
        if last["path"] != self.output_path:  # kept: choosing that file again lets Ctrl+Z take it back
            self._say(tr("Object {id} was added to {file}, not to the objects file chosen now: choose {file} again to take "
                         "it back with Ctrl+Z.").format(id=last["object_id"], file=name))
            return None
        lyr = self._loaded_output_layer()
        fids = last["fids"]  # the rows written, not every row of that object_id (ids typed by hand may repeat)
        if lyr is not None and not fids:
            request = QgsFeatureRequest().setFilterExpression(f'"object_id" = {int(last["object_id"])}')
            fids = [f.id() for f in lyr.getFeatures(request)]
        refusal = self._edits_in_the_way(fids, last["object_id"])
        if refusal:  # kept: Ctrl+Z takes it back once the edits are saved
            self._say(refusal)
            return None
        try:
            if lyr is not None:  # through the layer QGIS has open: a second connection to the GeoPackage would find it locked
                fids = stored_fids(last["path"], fids)  # those deleted in QGIS (and saved) since are out already
                if fids and not lyr.dataProvider().deleteFeatures(fids):
                    self._say(tr("Object {id} could not be removed from {file}.").format(id=last["object_id"], file=name),
                              "critical")
                    return None
                removed = len(fids)
            else:
                removed = (remove_features(last["path"], last["fids"]) if last["fids"]
                           else remove_object(last["path"], last["object_id"]))
        except TerraPromptError as exc:
            self._say(str(exc), "critical")
            return None
        self.last_accepted = None  # out of the file: a delete that failed is tried again by the next Ctrl+Z
        self._refresh_output_layer()
        self.session.history.restore(last["prompts"])
        self.session.base, self.origin = last["base"], last["origin"]
        self._taken_back = last if removed else None
        self._decoded(self.session.run(encode=False))
        if removed:
            self.changed.emit(tr("Object {id} taken back from {file}: edit it and press Enter again.").format(
                id=last["object_id"], file=name))
        else:
            self._say(tr("Object {id} was already deleted from {file} (in its layer): its prompts are back on the map, to "
                         "edit and press Enter again.").format(id=last["object_id"], file=name), "info")
        return last["object_id"]

    def _edits_in_the_way(self, fids: list, object_id: int) -> str:
        """Why a take-back of these rows must wait ('' when it need not): a layer of the objects file holds unsaved edits
        of them (deleting beside its edit buffer would lose the edit, or make Save Edits fail on a row gone), or is
        edited in a transaction group (it holds the file's lock)."""
        busy = self._editing_in_transaction()
        if busy is not None:
            return tr("Object {id} was not taken back: the layer '{name}' is being edited in a transaction group. Save or "
                      "stop editing '{name}' first, then press Ctrl+Z again.").format(id=object_id, name=busy.name())
        for lyr in self._output_layers():
            buffer = lyr.editBuffer() if lyr.isEditable() else None
            if buffer is not None and any(buffer.isFeatureDeleted(f) or buffer.isFeatureAttributesChanged(f)
                                          or buffer.isFeatureGeometryChanged(f) for f in fids):
                return tr("Object {id} was not taken back: the layer '{name}' holds unsaved edits of it. Save or stop "
                          "editing '{name}' first, then press Ctrl+Z again.").format(id=object_id, name=lyr.name())
        return ""

    def redo(self) -> None:
        if self.session is not None and self.task is None:
            self._step(self.session.redo)

    def clear(self) -> None:
        if self.task is not None:  # encoding under way: drop it and its session (the cache keeps what was encoded)
            self.reset()
        if self.session is not None:
            self.session.clear()
        self.origin = None
        self._forget_accepted()  # Ctrl+Z takes an object back right after Enter only
        self._taken_back = None  # Esc drops an object taken back, as any other
        self.preview.clear()
        self.changed.emit(tr("Cleared."))

    def _ready(self) -> bool:
        if self.layer is None:
            self.message(tr("Choose a raster layer first."), "warning")
            return False
        return True

    def _submit(self, prompt: tuple) -> None:
        """Decode now when the view is encoded, else queue it behind the encoding task."""
        self._note = ""
        self._pending.append(prompt)
        if self.session is None and self.task is None:
            self._start_encoding()
        elif self.task is None:
            self._drain()

    def _start_encoding(self) -> None:
        """Encode the raster window under the current view in a QgsTask."""
        try:
            work = self.session_work()
        except ValueError as exc:  # the layer's file is gone, or the map shows nothing of it yet
            self._pending.clear()
            self.message(str(exc), "warning")
            self.changed.emit(str(exc))
            return
        self.changed.emit(tr("Encoding the view…"))

        def done(session, error):
            if self._task_failed(error):
                return
            self.session = session
            self.engine = session.engine
            if self._pending:
                self._drain()
            else:  # its prompts were undone meanwhile
                self._show(None)

        self.task = start_task(CoreTask(tr("TerraPrompt: encoding the view"), work, done))

    def _task_failed(self, error) -> bool:
        """Forget the finished task; on an error drop the queued prompts and say why (True)."""
        self.task = None
        if error is None:
            return False
        self._pending.clear()
        self.message(error_message(error), "critical")
        self.changed.emit(error_message(error))
        return True

    def session_work(self, check: Optional[Callable] = None):
        """A task function (progress, is_cancelled) → encoded InteractiveSession of the raster window under the current view
        (``check``: called with the opened raster before anything is encoded, e.g. a text search's modality check).

        Raises ValueError (the message for the analyst) when the layer's file is gone or the map shows nothing of it."""
        from rasterio.windows import Window

        from ..core.interactive.cache import EmbeddingCache
        from ..core.interactive.engines import load_engine
        from ..core.interactive.session import InteractiveSession
        from ..core.raster import open_raster

        from .snapshot import MAX_SIDE, view_rendering

        layer = self.layer
        path = layer_file(layer)
        overrides = layer_settings(layer)
        try:  # across 180° and past the poles too; ValueError: a view on both sides of a world raster's 180°
            view = box_in_layer_crs(self.canvas.extent(), self.canvas.mapSettings().destinationCrs(), layer, self.project)
        except QgsCsException:  # a view of the whole globe (space in its corners) in an orthographic projection
            raise ValueError(tr("The map view cannot be placed in the raster's CRS (it shows space beside the globe). "
                                "Zoom in on the raster, then click again.")) from None
        model, device, cache_dir = self.model, self.device, self.cache_dir
        # a web (or other non-file) layer: the view as it draws, at screen resolution, and (rendered only when an object
        # touches the view's edge) three times the view around it
        render, folder = view_rendering(self.canvas, layer, folder=self.snapshots)
        wide = None
        if render is not None:
            self.snapshots = folder
            cache_dir = ""  # a rendering is encoded once: nothing worth caching
            around = QgsRectangle(view)
            around.scale(3.0)
            wide, _ = view_rendering(self.canvas, layer, extent=around, folder=folder, max_side=3 * MAX_SIDE)

        def work(progress, is_cancelled):
            src = open_raster(render()) if render is not None else open_raster(path, expand_palette="always", layer=overrides)
            if check is not None:
                check(src)
            engine, _ = load_engine(model, device)
            inv = ~src.transform
            c0, r0 = inv * (view.xMinimum(), view.yMaximum())
            c1, r1 = inv * (view.xMaximum(), view.yMinimum())
            win = Window(min(c0, c1), min(r0, r1), abs(c1 - c0), abs(r1 - r0))
            from ..core.interactive.encoder import clip_window

            win = clip_window(src, win)  # a view off the raster is refused (InputError), not the whole raster encoded
            cache = EmbeddingCache(cache_dir) if cache_dir != "" else None
            session = InteractiveSession(src, win, engine=engine, cache=cache, rendered=render is not None,
                                         widen=(lambda: open_raster(wide())) if wide is not None else None)
            session.encode()
            return session

        return work

    def adopt(self, session) -> None:
        """Use an encoded session made elsewhere (the text search encodes the view itself); an object under way (a mask
        shown, not accepted yet) goes on in it, so Enter still accepts it, Esc clears it and Ctrl+Z undoes its prompts."""
        old, origin, back = self.session, self.origin, self._taken_back
        kept = (old is not None and self.task is None and old.last is not None and not old.last.empty
                and (len(old.history) or old.base is not None))
        self.reset(keep_snapshots=True)  # the session may read a rendered view (session_work marked it rendered)
        self.session = session
        self.engine = session.engine
        self.origin = None
        if kept:  # its mask and prompts lie in the raster's CRS: the next click decodes them on this session's grid
            session.history.restore(old.history.prompts)
            session.base, session.last, self.origin, self._taken_back = old.base, old.last, origin, back
            self._show(session.last)

    def refine(self, mask, transform, window, score: float, origin: dict) -> None:
        """Make a mask (a text candidate on the session's grid) the current object; clicks then edit it, Enter accepts it.

        ``origin`` holds the attributes the object keeps from where it came from: class, model, model_sha256.
        """
        if self.session is None:
            return
        self.origin = dict(origin)
        self.last_latency_ms = 0.0
        session = self.session
        if window == session.window:  # the candidate lies on the encoded grid: nothing to encode
            self._show(session.set_base(mask, transform, window, score))
            return
        # a candidate completed beyond the view: its larger window is encoded in a task (clicks wait in the queue)
        self._finish_in_task(lambda: session.set_base(mask, transform, window, score))

    def _finish_in_task(self, decode) -> None:
        """Run a decode that has to encode a larger window in a QgsTask; prompts made meanwhile queue behind it."""
        self.changed.emit(tr("Encoding the whole object…"))

        def work(progress, is_cancelled):
            return decode()

        def done(res, error):
            if self._task_failed(error):
                return
            self._show(res)
            self._drain()

        self.task = start_task(CoreTask(tr("TerraPrompt: encoding the object"), work, done))

    def _decoded(self, res) -> bool:
        """Show a decode made on the GUI thread; when the window has to grow first, finish it in a task (True)."""
        if res is not None and not res.complete:
            if not res.empty:  # show the part inside the encoded window at once
                self._show(res)
            session = self.session
            self._finish_in_task(session.run)
            return True
        self._show(res)
        return False

    def write(self, objects: list, crs, pixel: float, on_map: bool = False) -> list:
        """Append objects (the map's accepted one, ``on_map``, or text candidates, in ``crs``; ``pixel``: the raster's
        pixel side, for No overlap) to the output GeoPackage; returns those written ([] and a message when none is)."""
        from ..core.errors import TerraPromptError
        from ..core.interactive.objects import AcceptedObject, append_objects, free_of

        if not self.output_path:
            self._say(tr("Choose the GeoPackage for accepted objects in the dock."))
            return []
        self._forget_accepted()  # Ctrl+Z takes back objects accepted on the map only
        self._written_fids = []
        busy = self._editing_in_transaction()
        if busy is not None:  # a second connection would wait on the transaction's lock, then fail
            self._say(tr("The objects layer '{name}' is being edited in a transaction group (Project Properties > Data "
                         "Sources): save or stop editing it first, then press Enter again.").format(name=busy.name()))
            return []
        if self.no_overlap:
            ids = sorted(o.attrs["object_id"] for o in objects)
            objects, dropped = free_of(objects, self.output_path, crs, pixel)
            if dropped:  # the ids run on without those left out (1, 2, 3: not 1, 3, 4)
                objects = [AcceptedObject(o.geometry, dict(o.attrs, object_id=i)) for o, i in zip(objects, ids)]
                self._say(self._overlap_refusal(len(dropped)))
            if not objects:
                return []
        try:
            self._written_fids = append_objects(self.output_path, objects, crs)
        except TerraPromptError as exc:
            self.message(str(exc), "critical")
            self.changed.emit(tr("Not added: {reason}").format(reason=exc.problem))
            return []
        self._refresh_output_layer()
        if not on_map:
            self._no_take_back = tr("Objects accepted from the candidate list are not taken back with Ctrl+Z: remove "
                                    "them in the objects layer (Toggle Editing, select them, Delete Selected).")
        return objects

    def _overlap_refusal(self, n: int) -> str:
        """What No overlap says of objects it left out: it reads the saved file, so unsaved edits of its layer are named."""
        text = tr("{n} object(s) lie on objects saved in {file} and were not added (untick No overlap to add them "
                  "anyway).").format(n=n, file=os.path.basename(self.output_path))
        edited = next((lyr for lyr in self._output_layers() if lyr.isEditable() and lyr.isModified()), None)
        if edited is not None:
            text += " " + tr("No overlap reads the saved file: save the edits of the layer '{name}' for it to follow "
                             "them.").format(name=edited.name())
        return text

    def _drain(self) -> None:
        from ..core.errors import TerraPromptError

        while self._pending and self.task is None:
            kind, *args = self._pending.pop(0)
            if kind == "box" and self.session.tiny_box(*args):  # a click that moved a few screen pixels on a zoomed-in map
                kind, args = "point", [(args[0] + args[2]) / 2, (args[1] + args[3]) / 2, True]
                self._note = tr("The box spans less than 2 raster pixels: it was taken as a click at its centre.")
            t0 = time.perf_counter()
            try:
                add = self.session.add_point if kind == "point" else self.session.add_box
                res = add(*args, encode=False)  # never encode on the GUI thread: a growing window goes to a task
            except TerraPromptError as exc:
                self.message(str(exc), "warning")
                self.changed.emit(str(exc))
                continue
            self.last_latency_ms = (time.perf_counter() - t0) * 1000
            self._decoded(res)

    def _show(self, res) -> None:
        """Preview a decode result (None clears)."""
        from ..core.interactive.objects import mask_to_geometry
        from ..core.outlines import ground_x_scale, pixel_side, straighten

        if res is None or res.empty:
            self.preview.clear()
            if res is not None:
                self.changed.emit(tr("No object under the prompts."))
            elif self.session is not None and len(self.session.history):  # negative clicks alone
                self.changed.emit(tr("No positive prompt: click inside the object or drag a box around it."))
            else:
                self.changed.emit(tr("No prompts."))
            return
        geom = mask_to_geometry(res.mask, res.transform)  # the mask the next click edits
        square = (straighten(geom, pixel_side(res.transform), ground_x_scale(self.session.source.crs, geom))
                  if self.straight and geom is not None else None)
        self.preview.show(geom.wkt if geom is not None else None, self.layer.crs(),
                          square.wkt if square is not None and not square.is_empty else None)
        h = self.session.history
        notes = [tr("score {score} · {pos} positive, {neg} negative · {ms} ms").format(
            score=number(res.score, 2), pos=h.n_positive, neg=h.n_negative, ms=number(self.last_latency_ms))]
        if self._note:
            notes.insert(0, self._note)
            if res.complete:  # said until the whole object is shown
                self._note = ""
        if self._bands_for is None or self._bands_for() is not self.session:  # which bands the engine reads: once a view
            from ..core.interactive.encoder import bands_line

            s = self.session
            notes.append(bands_line(s.source, s.engine, s.modality, s.bands))
            self._bands_for = weakref.ref(s)
        if res.cut_by_view:
            cut = tr("The object is cut by the map view (only the part on the rendered view is outlined): zoom out so "
                     "the whole object shows and click again.")
            self.message(cut, "warning")
            notes.append(cut)
        self.changed.emit(" · ".join(notes))

    # ------------------------------------------------------------- accept
    def accept(self) -> Optional[int]:
        """Append the current mask to the output GeoPackage; returns the object_id written."""
        from ..core.interactive.objects import make_object, mask_to_geometry
        from ..core.outlines import pixel_side

        if self.task is not None:
            self._say(tr("Still encoding: press Enter again when the object is shown."))
            return None
        if self.session is None or self.session.last is None or self.session.last.empty:
            self._say(tr("Nothing to accept: click inside an object first."))
            return None
        if not self.output_path:
            self._say(tr("Choose the GeoPackage for accepted objects in the dock."))
            return None
        res, h = self.session.last, self.session.history
        src = self.session.source
        geom = mask_to_geometry(res.mask, res.transform, straight=self.straight, crs=src.crs)
        back = self._taken_back  # an object taken back keeps its object_id (no other object took it meanwhile)
        oid = back["object_id"] if back is not None and back["path"] == self.output_path else self.next_object_id()
        o, (model, sha256) = self._origin(), self._made_by()
        obj = make_object(geom, src.crs, oid, o["class"] if o else self.class_name, res.score, h.n_positive, h.n_negative,
                          self.session.prompt_type(), model, sha256, self.source_label())
        written = self.write([obj], src.crs, pixel_side(res.transform), on_map=True)
        if not written:
            return None  # refused (No overlap) or not written: the message is out, the prompts stay
        self.last_accepted = {"object_id": oid, "path": self.output_path, "prompts": h.prompts, "base": self.session.base,
                              "origin": self.origin, "fids": list(self._written_fids), "object": written[0], "crs": src.crs}
        self._taken_back = None
        self.session.clear()
        self.origin = None
        self.preview.clear()
        self.accepted.emit(oid)
        self.changed.emit(tr("Object {id} added to {file}.").format(id=oid, file=self._file_named()))
        return oid

    def _origin(self) -> Optional[dict]:
        """What the object on the map keeps from the text candidate it refines (class, model, model_sha256), else None."""
        return self.origin if self.session.base is not None and self.origin else None

    def _made_by(self) -> tuple[str, str]:
        """The 'model' and 'model_sha256' of the object on the map: the models that made its outline, a refined text
        candidate's own when no click edited it (the promptable network left its outline as it was)."""
        o = self._origin()
        if o is None:
            return self.engine.label, self.engine.sha256
        if not len(self.session.history):
            return o["model"], o.get("model_sha256") or self.engine.sha256
        return f"{o['model']} + {self.engine.label}", self.engine.sha256

    def _file_named(self) -> str:
        """The objects file for a status line: its full path the first time (a typed name shows where it went), then
        its name."""
        if self.output_path in self._named_in_full:
            return os.path.basename(self.output_path)
        self._named_in_full.add(self.output_path)
        return self.output_path

    @property
    def output_layer(self) -> Optional[QgsVectorLayer]:
        """The objects layer this controller added to the project, else the project's own layer of the objects file (a
        saved project reopened); None once the analyst removed it (never a deleted one)."""
        lyr = self.project.mapLayer(self._output_layer_id) if self._output_layer_id else None
        if lyr is not None and not sip.isdeleted(lyr):
            return lyr
        return next(iter(self._output_layers()), None)

    def _loaded_output_layer(self) -> Optional[QgsVectorLayer]:
        """The project's layer of the objects file (the one this controller added first), or None when it is not loaded
        (removed, or another file chosen)."""
        return next(iter(self._output_layers()), None)

    def _editing_in_transaction(self, path: str = "") -> Optional[QgsVectorLayer]:
        """A layer of the objects file (or of ``path``) in edit mode while the project groups edits in transactions (it
        holds the file's lock until saved), else None."""
        if not self.project.autoTransaction():
            return None
        return next((lyr for lyr in self._output_layers(path) if lyr.isEditable()), None)

    def next_object_id(self) -> int:
        """The object_id the next accepted object gets: after those in the objects file, those drawn by hand in a
        layer of it and not saved yet, and one taken back with Ctrl+Z (it goes back into the file with its id)."""
        from ..core.interactive.objects import next_object_id

        return max(next_object_id(self.output_path), self._unsaved_object_id() + 1, self._reserved_id() + 1)

    def _reserved_id(self) -> int:
        """The largest object_id of the objects taken back with Ctrl+Z from the objects file chosen now and not written
        again (0 for none): no other object gets it, so putting them back never repeats an id."""
        backs = self._waiting + ([self._taken_back] if self._taken_back is not None else [])
        return max([0] + [b["object_id"] for b in backs if b["path"] == self.output_path])

    def _unsaved_object_id(self) -> int:
        """The largest object_id among objects added to a layer of the objects file and not saved yet (0 for none): the
        next accepted object does not take the id of one drawn by hand."""
        ids = [0]
        for lyr in self._output_layers():
            buffer = lyr.editBuffer() if lyr.isEditable() else None
            index = lyr.fields().indexOf("object_id")
            if buffer is None or index < 0:
                continue
            for feature in buffer.addedFeatures().values():
                try:
                    ids.append(int(feature.attribute(index)))
                except (TypeError, ValueError):  # NULL or not a number
                    pass
        return max(ids)

    def _output_layers(self, path: str = "") -> list:
        """Every layer of the project that shows the objects file's (or ``path``'s) 'objects' table, the one this
        controller added first, then unfiltered ones (Ctrl+Z finds the object there): a project saved with it and opened
        again in a new session holds its own (matched by the file and table, not by the id remembered in memory)."""
        path = path or self.output_path
        layers = [lyr for lyr in self.project.mapLayers().values()
                  if isinstance(lyr, QgsVectorLayer) and not sip.isdeleted(lyr) and _shows_objects(lyr, path)]
        return sorted(layers, key=lambda lyr: (lyr.id() != self._output_layer_id, bool(lyr.subsetString())))

    def _refresh_output_layer(self) -> None:
        """Add the output layer to the project on first use, else reload every layer of the project that shows it; a
        layer the project could not open (its file was gone, and Accept has written it again) reads the file anew."""
        layers = self._output_layers()
        for lyr in layers:
            if lyr.isValid():
                lyr.dataProvider().reloadData()
            else:  # reloadData cannot revive it: its data source is set again (its saved style comes back with it)
                lyr.setDataSource(lyr.source(), lyr.name(), lyr.providerType())
            lyr.triggerRepaint()
        if any(lyr.isValid() for lyr in layers):
            return
        lyr = QgsVectorLayer(f"{self.output_path}|layername=objects", os.path.splitext(os.path.basename(self.output_path))[0], "ogr")
        if lyr.isValid():
            style_objects(lyr)
            self.project.addMapLayer(lyr)
            self._output_layer_id = lyr.id()

    def source_label(self) -> str:
        """The 'source' of accepted objects: the raster file, or the layer whose rendered view was segmented."""
        if self.snapshots is not None and self.layer is not None:
            return f"{self.layer.name()} (rendered view)"  # data, the same in every language
        return self.session.source.path if self.session is not None else ""

    def _drop_snapshots(self) -> None:
        """Remove the rendered views (their session is gone)."""
        if self.snapshots is not None:
            import shutil

            shutil.rmtree(self.snapshots, ignore_errors=True)
            self.snapshots = None

    def shutdown(self) -> None:
        """Cancel work and remove canvas items; an object taken back with Ctrl+Z goes back into its file, as when another
        raster is chosen (one kept for a layer edited in a transaction group, when that layer stopped editing)."""
        self._start_again(tr("TerraPrompt was closed"))
        self._put_back_waiting()
        for back in self._waiting:  # its file is still locked: said, with what to redo
            self.message(tr("Object {id}, taken back with Ctrl+Z, could not be put back into {file}: its layer is still "
                            "edited in a transaction group. Open TerraPrompt again and digitise it anew.").format(
                id=back["object_id"], file=os.path.basename(back["path"])), "critical")
        self._watch(None)
        try:
            self.canvas.destinationCrsChanged.disconnect(self._redraw)
        except (TypeError, RuntimeError):  # not connected, or the canvas is gone
            pass
        self.preview.remove()
