"""Translation helpers: every user-visible string goes through :func:`tr`."""
from __future__ import annotations

import os

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from .core import messages

CONTEXT = "TerraPrompt"
_translator = None


def tr(text: str) -> str:
    """Translate a user-visible string (context 'TerraPrompt')."""
    return QCoreApplication.translate(CONTEXT, text)


def plugin_language() -> str:
    """The two-letter language QGIS itself uses: the translation QGIS loaded (``qgis --lang de``, or the Options'
    choice), else 'locale/userLocale' when 'locale/overrideFlag' is set, else the system's (QGIS keeps userLocale when the
    analyst unticks "Override system locale", and then follows the system; qgis_process and scripts load no translation)."""
    from qgis.core import QgsApplication

    app = QgsApplication.instance()
    loaded = app.translation() if isinstance(app, QgsApplication) else ""
    if loaded:
        return str(loaded)[:2]
    settings = QgsSettings()
    override = settings.value("locale/overrideFlag", False, bool)
    locale = (settings.value("locale/userLocale", "") if override else "") or QLocale.system().name()
    return str(locale)[:2]


def install_translator(plugin_dir: str) -> str:
    """Load i18n/terraprompt_<lang>.qm for the QGIS locale and set the core's language; returns the language loaded or ''."""
    global _translator
    lang = plugin_language()
    messages.set_language(lang)  # explanations and summaries built in the Qt-free core follow the UI language
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
    """Uninstall the translator on unload (core text back to English)."""
    global _translator
    messages.set_language(messages.DEFAULT)
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None
