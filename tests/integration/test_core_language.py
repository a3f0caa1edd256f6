"""Core text (explanation, SUMMARY) follows the plugin's QGIS locale: in QGIS (processing.run) and in qgis_process."""
from __future__ import annotations

from conftest import ROOT, S2_NAMES, SAMPLE_S2, run_qgis_process, synthetic_s2, write_raster


def test_processing_explanation_follows_the_plugin_language(plugin, tmp_path):
    import processing
    from qgis.PyQt.QtCore import QSettings

    from terraprompt.plugin.core import messages
    from terraprompt.plugin.i18n import install_translator, remove_translator

    data, _, _ = synthetic_s2(60, 90)
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    settings = QSettings()
    old, old_flag = settings.value("locale/userLocale", ""), settings.value("locale/overrideFlag", False, bool)
    try:
        settings.setValue("locale/userLocale", "fr_FR")
        settings.setValue("locale/overrideFlag", True)  # QGIS uses userLocale only with "Override system locale" ticked
        remove_translator()
        assert install_translator(ROOT) == "fr" and messages.language() == "fr"
        res = processing.run("terraprompt:extract_landcover", {"INPUT": src, "PROMPT": "lakes and vegetation",
                                                               "OUTPUT_RASTER": str(tmp_path / "lc.tif")})
        text = res["EXPLANATION"]
        assert "Compris : Eau" in text and "Surface valide" in text and "Végétation" in text, text
        assert "Understood" not in text
        remove_translator()
        assert messages.language() == "en"
    finally:
        settings.setValue("locale/userLocale", old)
        settings.setValue("locale/overrideFlag", old_flag)
        remove_translator()
        install_translator(ROOT)  # back to the session's language (English in the test profile)
    assert messages.language() == "en"


def test_processing_error_follows_the_plugin_language(plugin, tmp_path):
    """A core error raised under processing.run reaches the analyst in the plugin's language (problem and fix)."""
    import numpy as np
    import processing
    import pytest
    from qgis.core import QgsProcessingException
    from qgis.PyQt.QtCore import QSettings

    from terraprompt.plugin.core import messages
    from terraprompt.plugin.i18n import install_translator, remove_translator

    nine = write_raster(str(tmp_path / "nine.tif"), np.full((9, 40, 40), 900, np.uint16))
    params = {"INPUT": nine, "PROMPT": "water", "OUTPUT_RASTER": str(tmp_path / "lc.tif")}
    settings = QSettings()
    old, old_flag = settings.value("locale/userLocale", ""), settings.value("locale/overrideFlag", False, bool)
    try:
        settings.setValue("locale/userLocale", "fr_FR")
        settings.setValue("locale/overrideFlag", True)  # QGIS uses userLocale only with "Override system locale" ticked
        remove_translator()
        assert install_translator(ROOT) == "fr"
        with pytest.raises(QgsProcessingException) as info:
            processing.run("terraprompt:extract_landcover", params)
        text = str(info.value)
        assert "« nine.tif » a 9 bandes sans descriptions de bande reconnues par TerraPrompt" in text, text
        assert "Choisissez la modalité à la main" in text and "fits no modality" not in text, text
    finally:
        settings.setValue("locale/userLocale", old)
        settings.setValue("locale/overrideFlag", old_flag)
        remove_translator()
        install_translator(ROOT)
    assert messages.language() == "en"
    with pytest.raises(QgsProcessingException, match="9 bands .*fits no modality"):
        processing.run("terraprompt:extract_landcover", params)
    assert not (tmp_path / "lc.tif").exists()


def test_qgis_process_summary_in_german(tmp_path):
    out = tmp_path / "lc.tif"
    _, results = run_qgis_process(tmp_path, "terraprompt:extract_landcover",
                                  [f"INPUT={SAMPLE_S2}", "PROMPT=water", f"OUTPUT_RASTER={out}"], locale="de_DE")
    text = results["EXPLANATION"]
    assert "Verstanden: Wasser" in text and "Gültige Fläche" in text, text
