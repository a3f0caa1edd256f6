"""The plugin speaks the language QGIS speaks: the profile's 'locale/userLocale' only while 'locale/overrideFlag' is set
(QGIS keeps userLocale when the analyst unticks "Override system locale" in its Options, and then follows the system)."""
from __future__ import annotations

from conftest import ROOT


def test_user_locale_counts_only_with_the_override_flag(qgis_app_session):
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QLocale

    from terraprompt.plugin.core import messages
    from terraprompt.plugin.i18n import install_translator, plugin_language, remove_translator, tr

    system = QLocale.system().name()[:2]
    chosen = "de_DE" if system == "fr" else "fr_FR"
    settings = QgsSettings()
    old = {key: settings.value(key) for key in ("locale/userLocale", "locale/overrideFlag")}
    remove_translator()
    try:
        settings.setValue("locale/userLocale", chosen)
        settings.setValue("locale/overrideFlag", False)  # unticked: userLocale is a leftover, QGIS follows the system
        assert plugin_language() == system
        install_translator(ROOT)
        assert messages.language() == messages.normalise(system)
        if messages.language() == "en":
            assert tr("Land cover") == "Land cover"
        remove_translator()
        settings.setValue("locale/overrideFlag", True)
        assert plugin_language() == chosen[:2]
        assert install_translator(ROOT) == chosen[:2] and messages.language() == chosen[:2]
        assert tr("Land cover") != "Land cover"
    finally:
        remove_translator()
        for key, value in old.items():
            if value is None:
                settings.remove(key)
            else:
                settings.setValue(key, value)
        install_translator(ROOT)  # back to the session's language


def test_the_translation_qgis_loaded_wins(qgis_app_session):
    """``qgis --lang de`` loads German without touching the override flag: the panel was in the system's language."""
    from qgis.core import QgsApplication, QgsSettings
    from qgis.PyQt.QtCore import QLocale

    from terraprompt.plugin.i18n import plugin_language

    other = "de" if QLocale.system().name()[:2] != "de" else "fr"
    settings = QgsSettings()
    old = settings.value("locale/overrideFlag")
    settings.setValue("locale/overrideFlag", False)
    try:
        QgsApplication.setTranslation(other)
        assert plugin_language() == other
        QgsApplication.setTranslation("")
        assert plugin_language() == QLocale.system().name()[:2]
    finally:
        QgsApplication.setTranslation("")
        if old is None:
            settings.remove("locale/overrideFlag")
        else:
            settings.setValue("locale/overrideFlag", old)
