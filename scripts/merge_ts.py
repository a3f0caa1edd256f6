"""Merge freshly extracted messages into a language's .ts, keeping its translations.

pylupdate5 files bare ``tr("...")`` calls under the "@default" context; the
plugin translates with the context "TerraPrompt" (plugin/i18n.py), so every
message is filed there. Messages no longer in the code are dropped; new ones
are marked unfinished. Usage: merge_ts.py EXTRACTED.ts TARGET.ts LANG
"""
from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET

CONTEXT = "TerraPrompt"
LANGUAGES = {"fr": "fr_FR", "de": "de_DE"}


def read_translations(path: str) -> dict[str, str]:
    """source → translation of every finished message in an existing .ts (any context)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    out = {}
    for msg in root.iter("message"):
        src, tr = msg.findtext("source"), msg.find("translation")
        if src is not None and tr is not None and (tr.text or "").strip() and tr.get("type") not in ("obsolete", "vanished"):
            out[src] = tr.text
    return out


def merge(extracted: str, target: str, lang: str) -> tuple[int, int]:
    """Write target with every extracted message; returns (messages, untranslated)."""
    known = read_translations(target)
    seen: dict[str, list[tuple[str, str]]] = {}
    for msg in ET.parse(extracted).getroot().iter("message"):
        src = msg.findtext("source")
        if src is None:
            continue
        locs = [(loc.get("filename"), loc.get("line")) for loc in msg.findall("location")]
        seen.setdefault(src, []).extend(locs)
    ts = ET.Element("TS", version="2.1", language=LANGUAGES.get(lang, lang), sourcelanguage="en_GB")
    ctx = ET.SubElement(ts, "context")
    ET.SubElement(ctx, "name").text = CONTEXT
    missing = 0
    for src, locs in seen.items():
        msg = ET.SubElement(ctx, "message")
        for filename, line in locs:
            where = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(extracted)), filename))
            ET.SubElement(msg, "location", filename=os.path.relpath(where, os.path.dirname(os.path.abspath(target))), line=line)
        ET.SubElement(msg, "source").text = src
        tr = ET.SubElement(msg, "translation")
        if src in known:
            tr.text = known[src]
        else:
            tr.set("type", "unfinished")
            missing += 1
    ET.indent(ts, "    ")
    with open(target, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        fh.write(ET.tostring(ts, encoding="unicode"))
        fh.write("\n")
    return len(seen), missing


if __name__ == "__main__":
    total, missing = merge(sys.argv[1], sys.argv[2], sys.argv[3])
    print(f"{sys.argv[2]}: {total} messages, {missing} untranslated")
