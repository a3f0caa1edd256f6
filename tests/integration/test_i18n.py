"""Shipped translations: the .qm files load, match their .ts, keep placeholders, and cover the dock."""
from __future__ import annotations

import ast
import os
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT

LANGS = {"fr": {"Land cover": "Occupation du sol", "Run": "Lancer", "Threshold": "Seuil",
                "Install dependencies": "Installer les dépendances", "Prompt on map": "Désigner sur la carte"},
         "de": {"Land cover": "Landbedeckung", "Run": "Ausführen", "Threshold": "Schwellenwert",
                "Install dependencies": "Abhängigkeiten installieren", "Prompt on map": "Auf der Karte zeigen"}}
DOCK_FILES = ["dock.py", "landcover_tab.py", "settings_tab.py", "chart.py", "layers.py", "tasks.py",
              "change_tab.py", "interactive_tab.py", "maptools.py", "setup_tab.py"]
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def _ts_messages(lang: str) -> dict[str, tuple[str, str]]:
    """source → (translation, type) from i18n/terraprompt_<lang>.ts."""
    root = ET.parse(os.path.join(ROOT, "i18n", f"terraprompt_{lang}.ts")).getroot()
    assert [c.findtext("name") for c in root.iter("context")] == ["TerraPrompt"]
    out = {}
    for msg in root.iter("message"):
        tr = msg.find("translation")
        out[msg.findtext("source")] = (tr.text or "", tr.get("type", ""))
    return out


def _tr_literals(path: str) -> set[str]:
    """String literals passed to tr(...) in a Python file."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
    return found


def _translator(lang: str):
    from qgis.PyQt.QtCore import QTranslator

    t = QTranslator()
    assert t.load(os.path.join(ROOT, "i18n", f"terraprompt_{lang}.qm")), "the .qm does not load"
    return t


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_qm_translates_known_strings(qgis_app_session, lang):
    t = _translator(lang)
    for source, expected in LANGS[lang].items():
        assert t.translate("TerraPrompt", source) == expected


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_qm_matches_ts_and_placeholders_kept(qgis_app_session, lang):
    """Every finished message of the .ts is in the .qm (so `make translations` was run) with the same placeholders."""
    from qgis.PyQt.QtCore import QCoreApplication

    t = _translator(lang)
    messages = _ts_messages(lang)
    assert len(messages) > 50
    # QCoreApplication.translate passes UTF-8 sources (m², —) as tr() does; QTranslator.translate in PyQt5 takes ASCII only
    QCoreApplication.installTranslator(t)
    try:
        for source, (text, kind) in messages.items():
            if kind or not text:
                continue
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(text)), (source, text)
            assert QCoreApplication.translate("TerraPrompt", source) == text, f"stale .qm for {source!r}: run make translations"
    finally:
        QCoreApplication.removeTranslator(t)


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_dock_strings_all_translated(lang):
    messages = _ts_messages(lang)
    wanted = set()
    for name in DOCK_FILES:
        wanted |= _tr_literals(os.path.join(ROOT, "plugin", "gui", name))
    assert len(wanted) > 150
    missing = sorted(s for s in wanted if s not in messages or messages[s][1] or not messages[s][0])
    assert not missing, f"untranslated in {lang}: {missing[:10]} (run make translations, then translate)"


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_every_plugin_string_translated(lang):
    """Processing algorithms (names, help, errors) and the plugin shell too, not only the dock."""
    messages = _ts_messages(lang)
    wanted = set()
    for folder, _dirs, files in os.walk(os.path.join(ROOT, "plugin")):
        for name in files:
            if name.endswith(".py"):
                wanted |= _tr_literals(os.path.join(folder, name))
    assert len(wanted) > 250
    missing = sorted(s for s in wanted if s not in messages or messages[s][1] or not messages[s][0])
    assert not missing, f"untranslated in {lang}: {missing[:10]} (run make translations, then translate)"


def test_plugin_installs_translator_for_the_qgis_locale(qgis_app_session):
    from qgis.PyQt.QtCore import QSettings

    from terraprompt.plugin.i18n import install_translator, remove_translator, tr

    settings = QSettings()
    old, old_flag = settings.value("locale/userLocale", ""), settings.value("locale/overrideFlag", False, bool)
    remove_translator()
    try:
        settings.setValue("locale/overrideFlag", True)  # QGIS uses userLocale only with "Override system locale" ticked
        settings.setValue("locale/userLocale", "de_DE")
        assert install_translator(ROOT) == "de"
        assert tr("Land cover") == "Landbedeckung"
        assert tr("{value} ha").format(value="2.5") == "2.5 ha"
        remove_translator()
        assert tr("Land cover") == "Land cover"
        settings.setValue("locale/userLocale", "en_GB")
        assert install_translator(ROOT) == ""
    finally:
        remove_translator()
        settings.setValue("locale/userLocale", old)
        settings.setValue("locale/overrideFlag", old_flag)
