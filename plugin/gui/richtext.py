"""Plain text for Qt rich-text labels."""
from __future__ import annotations

import html


def escape(text: str) -> str:
    """Text escaped for a rich-text label, its numbers kept on one line: Qt's HTML reader turns the narrow no-break space
    that French numbers are grouped with ('5 000') into a plain, breakable space; a no-break space stays one."""
    return html.escape(text, quote=False).replace("\u202f", "\u00a0")
