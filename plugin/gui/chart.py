"""A small horizontal bar chart of areas per concept, drawn with QPainter (no matplotlib)."""
from __future__ import annotations

from qgis.PyQt.QtCore import QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QFontMetrics, QPainter, QPalette
from qgis.PyQt.QtWidgets import QSizePolicy, QWidget

from ..core.messages import number
from ..i18n import tr

ROW = 22


def format_area(m2: float) -> str:
    """Area in the unit an analyst reads best: m², ha or km² (numbers written as the plugin's language does)."""
    if m2 >= 1e7:
        return tr("{value} km²").format(value=number(m2 / 1e6, 1))
    if m2 >= 1e4:
        return tr("{value} ha").format(value=number(m2 / 1e4, 1))
    return tr("{value} m²").format(value=number(m2))


class AreaChart(QWidget):
    """Bars of area per class, labelled with the area and the share of valid pixels."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("terrapromptAreaChart")
        self.rows: list[tuple[str, float, QColor]] = []
        self.total = 0.0
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setToolTip(tr("Area per class over the valid pixels of the processed extent"))

    def set_data(self, rows: list[tuple[str, float, QColor]], total: float) -> None:
        """Show (label, area m², colour) rows; total is the valid area the shares refer to."""
        self.rows = list(rows)
        self.total = float(total)
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def clear(self) -> None:
        """Remove all bars."""
        self.set_data([], 0.0)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(260, max(1, len(self.rows)) * ROW + 8)

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
        label_w = min(max(fm.horizontalAdvance(r[0]) for r in self.rows) + 8, int(w * 0.35))
        values = [self._value_text(a) for _, a, _ in self.rows]
        value_w = max(fm.horizontalAdvance(v) for v in values) + 8
        bar_w = max(20, w - label_w - value_w - 8)
        top = max((a for _, a, _ in self.rows), default=0.0) or 1.0
        for i, ((label, area, color), text) in enumerate(zip(self.rows, values)):
            y = 4 + i * ROW
            p.setPen(pal.color(QPalette.Text))
            p.drawText(QRectF(0, y, label_w - 6, ROW), Qt.AlignRight | Qt.AlignVCenter,
                       fm.elidedText(label, Qt.ElideRight, label_w - 6))
            length = bar_w * area / top
            p.setPen(color.darker(130))
            p.setBrush(color)
            p.drawRoundedRect(QRectF(label_w, y + 4, max(length, 1.5), ROW - 8), 2, 2)
            p.setPen(pal.color(QPalette.Text))
            p.drawText(QRectF(label_w + length + 6, y, value_w + 4, ROW), Qt.AlignLeft | Qt.AlignVCenter, text)
        p.end()

    def _value_text(self, area: float) -> str:
        pct = 100.0 * area / self.total if self.total else 0.0
        return tr("{area} ({percent} %)").format(area=format_area(area), percent=number(pct, 1))
