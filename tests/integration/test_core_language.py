"""Core text (explanation, SUMMARY) follows the plugin's QGIS locale: in QGIS (processing.run) and in qgis_process."""
from __future__ import annotations

import json
import os
import subprocess

from conftest import ROOT, SAMPLE_S2, S2_NAMES, synthetic_s2, write_raster


def test_processing_explanation_follows_the_plugin_language(plugin, tmp_path):
    import processing
    from qgis.PyQt.QtCore import QSettings

    from terraprompt.plugin.core import messages
    from terraprompt.plugin.i18n import install_translator, remove_translator

    data, _, _ = synthetic_s2(60, 90)
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    settings = QSettings()
    old = settings.value("locale/userLocale", "")
    try:
        settings.setValue("locale/userLocale", "fr_FR")
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
        remove_translator()
        install_translator(ROOT)  # back to the session's language (English in the test profile)
    assert messages.language() == "en"


def test_qgis_process_summary_in_german(tmp_path):
    env = dict(os.environ)
    env.update({
        "QT_QPA_PLATFORM": "offscreen",
        "QGIS_PLUGINPATH": os.path.join(ROOT, ".qgis", "plugins"),
        "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "profile"),
        "PATH": os.path.join(ROOT, ".venv", "bin") + os.pathsep + env.get("PATH", ""),
    })
    ini = tmp_path / "profile" / "profiles" / "default" / "QGIS"
    ini.mkdir(parents=True)
    (ini / "QGIS3.ini").write_text("[PythonPlugins]\nterraprompt=true\n\n[locale]\noverrideFlag=true\nuserLocale=de_DE\n")
    out = tmp_path / "lc.tif"
    proc = subprocess.run(["/usr/bin/qgis_process.bin", "run", "terraprompt:extract_landcover", "--json", "--",
                           f"INPUT={SAMPLE_S2}", "PROMPT=water", f"OUTPUT_RASTER={out}"],
                          env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = json.loads(proc.stdout[proc.stdout.index("{"):])["results"]["EXPLANATION"]
    assert "Verstanden: Wasser" in text and "Gültige Fläche" in text, text
