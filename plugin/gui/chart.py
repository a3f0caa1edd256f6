"""A small horizontal bar chart of areas per concept, drawn with QPainter (no matplotlib)."""
from __future__ import annotations

from typing import Optional

from qgis.PyQt.QtCore import QEvent, QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QFontMetrics, QPainter, QPalette
from qgis.PyQt.QtWidgets import QSizePolicy, QToolTip, QWidget

from ..core.messages import number
from ..i18n import tr

ROW = 22


def area_unit(m2: float) -> str:
    """The unit an analyst reads best for an area: 'km2', 'ha' or 'm2'."""
    return "km2" if m2 >= 1e7 else "ha" if m2 >= 1e4 else "m2"


def format_area(m2: float, unit: str = "", decimals: Optional[int] = None) -> str:
    """Area in ``unit`` ('km2', 'ha', 'm2'; by default the one read best for this area), numbers written as the plugin's
    language does; in km² or ha ``decimals``, by default two below one unit (so a small row of a chart in km² still
    reads), else one; m² are whole."""
    unit = unit or area_unit(m2)
    if unit == "m2":
        return tr("{value} m²").format(value=number(m2))
    value = m2 / (1e6 if unit == "km2" else 1e4)
    if decimals is None:
        decimals = 2 if 0 < value < 1 else 1
    if unit == "km2":
        return tr("{value} km²").format(value=number(value, decimals))
    return tr("{value} ha").format(value=number(value, decimals))


def elide_label(fm: QFontMetrics, label: str, width: int) -> str:
    """``label`` fitted into ``width`` pixels; a 'from → to' label keeps its 'to' class whole and shortens the 'from'
    class first, other labels lose their middle."""
    if fm.horizontalAdvance(label) <= width:
        return label
    if " → " in label:
        before, after = label.split(" → ", 1)
        room = width - fm.horizontalAdvance(" → " + after)
        if room >= fm.horizontalAdvance(before[:2] + "…"):
            return fm.elidedText(before, Qt.ElideRight, room) + " → " + after
        return "… → " + fm.elidedText(after, Qt.ElideRight, width - fm.horizontalAdvance("… → "))
    return fm.elidedText(label, Qt.ElideMiddle, width)


class AreaChart(QWidget):
    """Bars of area per class, labelled with the area (one unit for the whole chart) and the share of valid pixels;
    each row's tooltip gives its full label."""

    def __init__(self, parent=None, labels_above: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("terrapromptAreaChart")
        self.rows: list[tuple[str, float, QColor]] = []
        self.total = 0.0
        self.unit = "m2"
        self.labels_above = labels_above
        """Each label on its own line above its bar, as wide as the chart (long 'from → to' labels of the Change tab);
        without it, labels go above the bars only when one does not fit left of them."""
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setToolTip(tr("Area per class over the valid pixels of the processed extent"))

    def set_data(self, rows: list[tuple[str, float, QColor]], total: float) -> None:
        """Show (label, area m², colour) rows; total is the valid area the shares refer to."""
        self.rows = list(rows)
        self.total = float(total)
        self.unit = area_unit(max((a for _, a, _ in self.rows), default=0.0))
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def clear(self) -> None:
        """Remove all bars."""
        self.set_data([], 0.0)

    def above(self) -> bool:
        """Whether the labels are drawn above the bars: asked for, or a label too long for 35 % of the width."""
        fm = QFontMetrics(self.font())
        return self.labels_above or any(fm.horizontalAdvance(r[0]) + 8 > int(self.width() * 0.35) for r in self.rows)

    def row_height(self) -> int:
        """Height of one row: a bar, and its label's line when labels go above the bars."""
        return ROW + (QFontMetrics(self.font()).height() if self.above() else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802
        """A new width may move the labels above the bars or back: the height follows."""
        super().resizeEvent(event)
        if self.height() != self.sizeHint().height():
            self.setFixedHeight(self.sizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(260, max(1, len(self.rows)) * self.row_height() + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(120, self.sizeHint().height())

    def row_at(self, y: float) -> int:
        """The row drawn at height ``y`` (-1 when none)."""
        i = int((y - 4) // self.row_height())
        return i if 0 <= i < len(self.rows) and y >= 4 else -1

    def row_tooltip(self, i: int) -> str:
        """The full label of row ``i`` with its area and share."""
        label, area, _color = self.rows[i]
        return f"{label}: {self._value_text(area)}"

    def labels_drawn(self) -> list[str]:
        """The labels as drawn at the chart's current width (elided to fit)."""
        fm = QFontMetrics(self.font())
        return [elide_label(fm, label, self._label_width(fm) - 6) for label, _a, _c in self.rows]

    def _label_width(self, fm: QFontMetrics) -> int:
        """Room for the labels: the chart's width above the bars, else at most 35 % of it left of them."""
        if self.above():
            return self.width()
        return min(max(fm.horizontalAdvance(r[0]) for r in self.rows) + 8, int(self.width() * 0.35))

    def event(self, event) -> bool:
        """A tooltip over a row gives that row's full label and area."""
        if event.type() == QEvent.ToolTip and self.row_at(event.pos().y()) >= 0:
            QToolTip.showText(event.globalPos(), self.row_tooltip(self.row_at(event.pos().y())), self)
            return True
        return super().event(event)

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        pal = self.palette()
        fm = QFontMetrics(self.font())
        if not self.rows:
            p.setPen(pal.color(QPalette.Disabled, QPalette.Text))
            p.drawText(self.rect(), Qt.AlignCenter, tr("No result yet"))
            return
        w = self.width()
        label_w = self._label_width(fm)
        above = self.above()
        bar_x = 2 if above else label_w
        line = fm.height() if above else 0
        values = [self._value_text(a) for _, a, _ in self.rows]
        value_w = max(fm.horizontalAdvance(v) for v in values) + 8
        bar_w = max(20, w - bar_x - value_w - 8)
        top = max((a for _, a, _ in self.rows), default=0.0) or 1.0
        for i, ((_label, area, color), text, shown) in enumerate(zip(self.rows, values, self.labels_drawn())):
            y = 4 + i * self.row_height()
            p.setPen(pal.color(QPalette.Text))
            if above:
                p.drawText(QRectF(2, y, w - 4, line), Qt.AlignLeft | Qt.AlignVCenter, shown)
            else:
                p.drawText(QRectF(0, y, label_w - 6, ROW), Qt.AlignRight | Qt.AlignVCenter, shown)
            y += line
            length = bar_w * area / top
            p.setPen(color.darker(130))
            p.setBrush(color)
            p.drawRoundedRect(QRectF(bar_x, y + 4, max(length, 1.5), ROW - 8), 2, 2)
            p.setPen(pal.color(QPalette.Text))
            p.drawText(QRectF(bar_x + length + 6, y, value_w + 4, ROW), Qt.AlignLeft | Qt.AlignVCenter, text)
        p.end()

    def _value_text(self, area: float) -> str:
        pct = 100.0 * area / self.total if self.total else 0.0
        return tr("{area} ({percent} %)").format(area=format_area(area, self.unit), percent=number(pct, 1))
