"""Translation helpers: every user-visible string goes through :func:`tr`."""
from __future__ import annotations

import os

from qgis.PyQt.QtCore import QCoreApplication, QLocale, QSettings, QTranslator

CONTEXT = "TerraPrompt"
_translator = None


def tr(text: str) -> str:
    """Translate a user-visible string (context 'TerraPrompt')."""
    return QCoreApplication.translate(CONTEXT, text)


def install_translator(plugin_dir: str) -> str:
    """Load i18n/terraprompt_<lang>.qm for the QGIS locale; returns the language loaded or ''."""
    global _translator
    locale = QSettings().value("locale/userLocale", "") or QLocale.system().name()
    lang = str(locale)[:2]
    path = os.path.join(plugin_dir, "i18n", f"terraprompt_{lang}.qm")
    if not os.path.exists(path):
        return ""
    tr_ = QTranslator()
    if tr_.load(path):
        QCoreApplication.installTranslator(tr_)
        _translator = tr_
        return lang
    return ""


def remove_translator() -> None:
    """Uninstall the translator on unload."""
    global _translator
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None
