"""Text for the dock's status labels: escaped for rich text, numbers kept whole, long names breakable, and coloured to be
read on the QGIS theme's window colour."""
from __future__ import annotations

import html
import re

from qgis.PyQt.QtGui import QClipboard, QColor, QPalette
from qgis.PyQt.QtWidgets import QApplication, QLabel, QWidget

BREAK = "\u200b"
"""A zero-width space: where a word may wrap, drawn as nothing."""
LONG_WORD = re.compile(r"\S{16,}")
"""A word long enough to need break opportunities (a layer or file name, a path); shorter ones fit any dock."""
BREAK_AFTER = re.compile(r"[_/\\](?!\u200b)|\.(?=[^\W\d_])")
"""Where a long word may wrap: after _ / \\ and after a dot before a letter (not in '0.25')."""
TAG = re.compile(r"(<[^>]*>)")

STATUS_COLORS = {True: "#1b7f3b", False: "#b00020"}
"""Hues of a status line that fits (green) and of a refusal (red); status_color darkens or lightens them to be read."""
MIN_CONTRAST = 4.5
"""WCAG's contrast for text to be read (AA)."""


def _break_word(word: re.Match) -> str:
    """A long word with a break opportunity after each of its _ / \\ and . (before a letter)."""
    return BREAK_AFTER.sub(r"\g<0>" + BREAK, word.group(0))


def breakable(text: str) -> str:
    """``text`` (plain or rich) with break opportunities in its long words, outside tags: a word-wrapped label wraps a
    long layer or file name instead of growing wider than the dock."""
    return "".join(part if TAG.fullmatch(part) else LONG_WORD.sub(_break_word, part) for part in TAG.split(text))


def escape(text: str) -> str:
    """Text escaped for a rich-text label, its numbers kept on one line: Qt's HTML reader turns the narrow no-break space
    that French numbers are grouped with ('5 000') into a plain, breakable space; a no-break space stays one."""
    return html.escape(text, quote=False).replace("\u202f", "\u00a0")


def _luminance(color: QColor) -> float:
    """WCAG relative luminance of a colour (0 black to 1 white)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(color.redF()) + 0.7152 * linear(color.greenF()) + 0.0722 * linear(color.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def _mix(a: QColor, b: QColor, f: float) -> QColor:
    """The colour a fraction ``f`` of the way from ``a`` to ``b``."""
    return QColor.fromRgbF(*(x + (y - x) * f for x, y in zip(a.getRgbF()[:3], b.getRgbF()[:3])))


def status_color(ok: bool, palette: QPalette) -> str:
    """The colour of a status line that fits (green) or is refused (red), read at least 4.5:1 on the palette's window
    colour: its hue, darkened on a light window and lightened on a dark one (a dark QGIS theme) as far as needed."""
    window = palette.color(QPalette.Window)
    toward = QColor("white") if _luminance(window) < 0.18 else QColor("black")  # 0.18: as far from both
    for step in range(21):
        color = _mix(QColor(STATUS_COLORS[ok]), toward, step / 20)
        if contrast(color, window) >= MIN_CONTRAST:
            return color.name()
    return toward.name()


def status_html(text: str, ok: bool, widget: QWidget) -> str:
    """Plain ``text`` as rich text in the status colour (green: fits, red: refused) readable on ``widget``'s palette."""
    return f"<span style='color:{status_color(ok, widget.palette())}'>{escape(text)}</span>"


class StatusLabel(QLabel):
    """A word-wrapped status line that never makes the dock wider: it may be narrower than its longest word, and long
    words (layer and file names, paths) wrap after _ / \\ and .; ``text()`` gives back the text as set, and so does a
    copy of a selectable one's text (Ctrl+C, its menu's Copy, the X11 selection)."""

    def __init__(self, parent: QWidget, text: str = "") -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setMinimumWidth(1)  # else the layout keeps the width of the longest word, beyond the dock's edge
        self._text = ""
        self.setText(text)
        QApplication.clipboard().changed.connect(self._copied)

    def _copied(self, mode: QClipboard.Mode) -> None:
        """Text copied from this label: put it back on the clipboard without its break opportunities (a path or layer
        name pasted elsewhere would not match)."""
        clipboard = QApplication.clipboard()
        copied = clipboard.text(mode)
        if BREAK in copied and self.hasSelectedText() and copied == self.selectedText():
            clipboard.setText(copied.replace(BREAK, ""), mode)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        """Show ``text`` (plain or rich) with break opportunities in its long words."""
        self._text = text
        super().setText(breakable(text))

    def text(self) -> str:
        """The text as set (without the break opportunities shown)."""
        return self._text

    def clear(self) -> None:
        """No text."""
        self.setText("")
