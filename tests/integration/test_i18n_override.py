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
