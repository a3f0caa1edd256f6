"""Swipe preview: the AFTER layer drawn over the canvas, clipped at a vertical line the analyst drags.

QGIS 3.22 has no built-in swipe. SwipeItem is a canvas item that renders one
layer for the canvas's current view into an image (a parallel render job with
the canvas's own map settings, rotation included, re-run when the view changes
or the layer repaints) and paints only the part right of the swipe line, a
vertical line in screen coordinates, also on a rotated canvas. Layers above
both swiped layers in the layer tree (the change result, polygons) are rendered
over it, so results show on both sides. SwipeController hides that layer in the
layer tree while swiping (so the canvas itself shows BEFORE left of the line),
and puts the layer-tree visibility back when swiping stops. SwipeMapTool moves
the line by clicking or dragging on the map. SideBySide follows the main canvas
(CRS, rotation, centre, scale) in a second window, both ways.
"""
from __future__ import annotations

from typing import Callable, Optional

from qgis.core import QgsLayerTree, QgsMapRendererParallelJob, QgsMapSettings, QgsProject, QgsRectangle
from qgis.gui import QgsMapCanvasItem, QgsMapTool
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QLineF, QObject, QPointF, QRectF, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor, QPainterPath, QPen, QPolygonF


def show_with_parents(node) -> list:
    """Check a layer-tree node and its parent groups (a date in an unchecked group is drawn); returns the groups it
    turned on, for :func:`restore_groups`."""
    turned = [group for group in ancestors(node) if not group.itemVisibilityChecked()]
    node.setItemVisibilityCheckedParentRecursive(True)
    return turned


def restore_groups(root, groups, keep=()) -> None:
    """Uncheck again the groups :func:`show_with_parents` turned on that are still in the tree, except those in keep."""
    live = []

    def walk(group) -> None:
        for child in group.children():
            if QgsLayerTree.isGroup(child):
                live.append(child)
                walk(child)

    walk(root)
    for group in groups:
        if any(group is g for g in live) and not any(group is k for k in keep):
            group.setItemVisibilityChecked(False)


def ancestors(node) -> list:
    """A layer-tree node's parent groups, nearest first."""
    out = []
    while node is not None and node.parent() is not None:
        node = node.parent()
        out.append(node)
    return out


class SwipeItem(QgsMapCanvasItem):
    """Paints one layer (with the overlays above it), rendered for the current view, right of a vertical line."""

    def __init__(self, canvas, layer, overlays: Callable[[], list] = list) -> None:
        super().__init__(canvas)
        self.canvas = canvas
        self.layer = layer
        self.overlays = overlays
        self.fraction = 0.5
        self.image = None
        self.job: Optional[QgsMapRendererParallelJob] = None
        self.setZValue(-5)  # above the map, below rubber bands and other canvas items
        canvas.extentsChanged.connect(self.refresh)
        canvas.destinationCrsChanged.connect(self.refresh)
        canvas.layersChanged.connect(self.refresh)
        canvas.mapCanvasRefreshed.connect(self._overlays_changed)
        layer.repaintRequested.connect(self.refresh)
        self._rendered_layers: list = []
        self.refresh()

    def _overlays_changed(self) -> None:
        """After a canvas redraw: render again only when the overlay set has changed (a toggled result layer)."""
        if [lyr.id() for lyr in self.overlays()] != self._rendered_layers[:-1]:
            self.refresh()

    def refresh(self) -> None:
        """Render the layer for the canvas's view in the background (a running render is cancelled)."""
        self._cancel()
        settings = QgsMapSettings(self.canvas.mapSettings())  # the canvas's extent, size and rotation
        layers = list(self.overlays()) + [self.layer]  # top first
        self._rendered_layers = [lyr.id() for lyr in layers]
        settings.setLayers(layers)
        settings.setBackgroundColor(QColor(0, 0, 0, 0))
        job = QgsMapRendererParallelJob(settings)
        job.finished.connect(lambda: self._rendered(job))
        self.job = job
        job.start()

    def _rendered(self, job) -> None:
        if job is not self.job:
            return
        self.image = job.renderedImage()
        self.setRect(image_rect(job.mapSettings(), self.image.width(), self.image.height(), self.image.devicePixelRatioF()))
        self.update()

    def wait(self) -> None:
        """Block until the current render is done (tests, screenshots)."""
        if self.job is not None and self.job.isActive():
            self.job.waitForFinished()
        if self.job is not None:
            self._rendered(self.job)

    def set_fraction(self, fraction: float) -> None:
        """Move the swipe line to a fraction (0 = left edge, 1 = right edge) of the canvas width."""
        self.fraction = min(1.0, max(0.0, float(fraction)))
        self.update()

    def paint(self, painter, option=None, widget=None) -> None:  # noqa: D102 (Qt API)
        if self.image is None or self.image.isNull():
            return
        size = self.boundingRect().size()  # setRect() makes it 2 pixels larger than the image's place
        rect = QRectF(0, 0, size.width() - 2, size.height() - 2)  # scaled/shifted/rotated until the next render lands
        # the part right of the line in screen (viewport) pixels, mapped into item coordinates: on a rotated
        # canvas, or while the item is turned until the next render lands, it is not an item-axis rectangle
        x = self.fraction * self.canvas.width()
        w, h = float(max(1, self.canvas.width())), float(max(1, self.canvas.height()))
        to_scene, _ = self.canvas.viewportTransform().inverted()
        right = self.mapFromScene(to_scene.map(QPolygonF(QRectF(x, -h, 2 * w, 3 * h))))
        line = self.mapFromScene(to_scene.map(QPolygonF([QPointF(x, 0), QPointF(x, h)])))
        painter.save()
        path = QPainterPath()
        path.addPolygon(right)
        painter.setClipPath(path)
        painter.drawImage(rect, self.image)
        painter.setClipping(False)
        painter.setPen(QPen(QColor(255, 255, 255, 230), 2))
        painter.drawLine(QLineF(line[0], line[1]))
        painter.restore()

    def _cancel(self) -> None:
        job, self.job = self.job, None
        if job is not None and job.isActive():
            job.cancel()  # blocking but quick; its late 'finished' is ignored (job is no longer self.job)

    def detach(self) -> None:
        """Stop rendering, disconnect and leave the canvas."""
        self._cancel()
        for signal, slot in ((self.canvas.extentsChanged, self.refresh), (self.canvas.destinationCrsChanged, self.refresh),
                             (self.canvas.layersChanged, self.refresh), (self.canvas.mapCanvasRefreshed, self._overlays_changed),
                             (self.layer.repaintRequested, self.refresh)):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass
        scene = self.canvas.scene()
        if scene is not None:
            scene.removeItem(self)
        self.canvas.refresh()


def image_rect(settings: QgsMapSettings, width: int, height: int, ratio: float = 1.0) -> QgsRectangle:
    """What QgsMapCanvasItem.setRect expects for an image rendered with `settings` (as QgsMapCanvas.imageRect does).

    Not the rendered extent: the map point under the image's top-left pixel and the image size in map units
    along the screen axes, so the item lands at the image's place and turns with the canvas's rotation.
    """
    m2p = settings.mapToPixel()
    top_left = m2p.toMapCoordinates(0, 0)
    res = m2p.mapUnitsPerPixel() / (ratio or 1.0)
    return QgsRectangle(top_left.x(), top_left.y() - height * res, top_left.x() + width * res, top_left.y())


class SwipeMapTool(QgsMapTool):
    """Click or drag on the map to move the swipe line; emits the new fraction of the canvas width."""

    moved = pyqtSignal(float)

    def __init__(self, canvas) -> None:
        super().__init__(canvas)
        self.setCursor(Qt.SplitHCursor)
        self._down = False

    def _emit(self, e) -> None:
        width = max(1, self.canvas().width())
        self.moved.emit(min(1.0, max(0.0, e.pos().x() / width)))

    def canvasPressEvent(self, e) -> None:  # noqa: N802
        if e.button() == Qt.LeftButton:
            self._down = True
            self._emit(e)

    def canvasMoveEvent(self, e) -> None:  # noqa: N802
        if self._down:
            self._emit(e)

    def canvasReleaseEvent(self, e) -> None:  # noqa: N802
        if self._down:
            self._down = False
            self._emit(e)


class SwipeController(QObject):
    """Swipe mode on one canvas: BEFORE shown by the canvas, AFTER by a SwipeItem right of the line."""

    stopped = pyqtSignal()
    fraction_changed = pyqtSignal(float)

    def __init__(self, canvas, project: Optional[QgsProject] = None) -> None:
        super().__init__()
        self.canvas = canvas
        self.project = project or QgsProject.instance()
        self.item: Optional[SwipeItem] = None
        self.tool: Optional[SwipeMapTool] = None
        self._previous_tool = None
        self._visibility: dict[str, bool] = {}
        self._groups: list = []
        """The groups checked to show BEFORE (they were unchecked), unchecked again when swiping stops."""
        self._ids: tuple = ()
        self.fraction = 0.5
        self.project.layersWillBeRemoved.connect(self._layers_removed)

    @property
    def active(self) -> bool:
        return self.item is not None

    def start(self, before, after, fraction: Optional[float] = None, with_tool: bool = True) -> None:
        """Swipe between two layers: BEFORE visible in the layer tree, AFTER hidden there and drawn by the item."""
        self.stop(notify=False)  # a new pair while swiping: still swiping
        if fraction is not None:
            self.fraction = min(1.0, max(0.0, float(fraction)))
        root = self.project.layerTreeRoot()
        self._visibility = {}
        self._ids = (before.id(), after.id())
        for layer, visible in ((before, True), (after, False)):
            node = root.findLayer(layer.id())
            if node is not None:
                self._visibility[layer.id()] = node.itemVisibilityChecked()
                node.setItemVisibilityChecked(visible)
                if visible:
                    self._groups = show_with_parents(node)
        self.item = SwipeItem(self.canvas, after, self._overlays)
        self.item.set_fraction(self.fraction)
        if with_tool:
            self.tool = SwipeMapTool(self.canvas)
            self.tool.moved.connect(self.set_fraction)
            self._previous_tool = self.canvas.mapTool()
            self.canvas.setMapTool(self.tool)
        self.canvas.refresh()

    def _overlays(self) -> list:
        """Layers shown on the canvas above both swiped layers in the layer tree (results), top first."""
        order = [lyr.id() for lyr in self.project.layerTreeRoot().layerOrder()]
        top = min((order.index(i) for i in self._ids if i in order), default=0)
        return [lyr for lyr in self.canvas.layers() if lyr.id() in order[:top]]

    def set_fraction(self, fraction: float) -> None:
        """Move the swipe line (fraction of the canvas width from the left)."""
        self.fraction = min(1.0, max(0.0, float(fraction)))
        if self.item is not None:
            self.item.set_fraction(self.fraction)
        self.fraction_changed.emit(self.fraction)

    def stop(self, notify: bool = True, restore_own_tool: bool = True) -> None:
        """Leave swipe mode: remove the item and the map tool, restore the layers' visibility (``stopped`` if notify).

        The map tool active before swiping comes back, unless it is a TerraPrompt one and ``restore_own_tool`` is False
        (the plugin unloading: its tools are going away with it)."""
        if self.item is None:
            return
        item, self.item = self.item, None
        item.detach()
        if self.tool is not None:
            if self.canvas.mapTool() is self.tool:
                previous = self._previous_tool
                if previous is not None and not sip.isdeleted(previous) and (restore_own_tool or not is_own_tool(previous)):
                    self.canvas.setMapTool(previous)
                else:
                    self.canvas.unsetMapTool(self.tool)
            self.tool = None
        self._previous_tool = None
        root = self.project.layerTreeRoot()
        for layer_id, visible in self._visibility.items():
            node = root.findLayer(layer_id)
            if node is not None:
                node.setItemVisibilityChecked(visible)
        restore_groups(root, self._groups)
        self._visibility, self._groups = {}, []
        self.canvas.refresh()
        if notify:
            self.stopped.emit()

    def _layers_removed(self, ids) -> None:
        if self.item is not None and set(ids) & set(self._ids):
            self._visibility = {k: v for k, v in self._visibility.items() if k not in ids}
            self.stop()

    def shutdown(self) -> None:
        """Stop and disconnect from the project (tab closing, plugin unloading): a TerraPrompt map tool active before
        swiping is not given back to the canvas (it would outlive the plugin)."""
        self.stop(restore_own_tool=False)
        try:
            self.project.layersWillBeRemoved.disconnect(self._layers_removed)
        except TypeError:
            pass


def is_own_tool(tool) -> bool:
    """Whether a map tool is one of TerraPrompt's (its class comes from this plugin's package)."""
    return type(tool).__module__.split(".")[0] == __name__.split(".")[0]


def match_view(src, dst) -> None:
    """Give canvas `dst` the CRS, rotation, centre and scale of canvas `src`.

    Not src.extent(): on a rotated canvas that is the bounding box of the rotated view, so setting it
    would zoom `dst` out (and, followed both ways, zoom both canvases out step by step).
    """
    dst.setDestinationCrs(src.mapSettings().destinationCrs())
    dst.setRotation(src.rotation())
    c, res = src.center(), src.mapUnitsPerPixel()
    size = dst.contentsRect().size()  # the map's pixels (inside the frame), known before a new window is laid out
    half_w, half_h = max(1, size.width()) * res / 2, max(1, size.height()) * res / 2
    dst.setExtent(QgsRectangle(c.x() - half_w, c.y() - half_h, c.x() + half_w, c.y() + half_h))
    dst.refresh()


class SideBySide(QObject):
    """A second map canvas in its own window that shows one layer (AFTER) with the main canvas's view (rotation too), both ways."""

    closed = pyqtSignal()

    def __init__(self, canvas, title: str = "") -> None:
        super().__init__()
        self.canvas = canvas
        self.title = title
        self.view = None
        self._syncing = False

    @property
    def active(self) -> bool:
        return self.view is not None

    def start(self, layer) -> None:
        """Open (or retarget) the second view on `layer`, at the main canvas's extent and CRS."""
        from qgis.gui import QgsMapCanvas

        if self.view is None:
            self.view = QgsMapCanvas()
            self.view.setWindowFlags(Qt.Tool)
            self.view.setAttribute(Qt.WA_DeleteOnClose, False)
            self.view.resize(self.canvas.size())
            self.canvas.extentsChanged.connect(self._follow_main)
            self.view.extentsChanged.connect(self._follow_view)
            self.view.installEventFilter(self)
        self.view.setWindowTitle(self.title or layer.name())
        self.view.setLayers([layer])
        self._follow_main()
        self.view.show()
        self.view.refresh()

    def _follow_main(self) -> None:
        if self.view is None or self._syncing:
            return
        self._syncing = True
        try:
            match_view(self.canvas, self.view)
        finally:
            self._syncing = False

    def _follow_view(self) -> None:
        if self.view is None or self._syncing:
            return
        self._syncing = True
        try:
            match_view(self.view, self.canvas)
        finally:
            self._syncing = False

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        from qgis.PyQt.QtCore import QEvent

        if obj is self.view and event.type() == QEvent.Close:
            self.stop()
        return False

    def stop(self) -> None:
        """Close the second view and stop following the main canvas."""
        if self.view is None:
            return
        view, self.view = self.view, None
        for signal, slot in ((self.canvas.extentsChanged, self._follow_main), (view.extentsChanged, self._follow_view)):
            try:
                signal.disconnect(slot)
            except TypeError:
                pass
        view.removeEventFilter(self)
        view.hide()
        view.deleteLater()
        self.closed.emit()
