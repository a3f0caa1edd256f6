"""Numbers in the dock's rich-text labels stay on one line in French (grouped with a narrow no-break space)."""
from __future__ import annotations


def _lines(html_text: str, width: int) -> list[str]:
    from qgis.PyQt.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(html_text)
    doc.setTextWidth(width)
    doc.size()  # lays the text out
    layout, text = doc.firstBlock().layout(), doc.firstBlock().text()
    return [text[layout.lineAt(i).textStart():layout.lineAt(i).textStart() + layout.lineAt(i).textLength()]
            for i in range(layout.lineCount())]


def test_french_numbers_are_not_broken_across_lines(qgis_app_session):
    from terraprompt.plugin.core import messages
    from terraprompt.plugin.gui.landcover_tab import describe_prompt
    from terraprompt.plugin.gui.richtext import escape

    messages.set_language("fr")
    try:
        ok, line = describe_prompt("water and vegetation larger than 0.5 ha")
    finally:
        messages.set_language("en")
    assert ok and "5\u202f000" in line
    for width in range(200, 420, 10):  # wherever the line wraps, '5 000' is not split
        lines = _lines(f"<span style='color:green'>{escape(line)}</span>", width)
        assert not any(x.rstrip().endswith(" 5") or x.rstrip().endswith("\u00a05") for x in lines), lines
        assert any("5\u00a0000" in x for x in lines), lines
