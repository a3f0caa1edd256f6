"""A QGIS without the packages the Setup tab installs (rasterio, fiona, scipy, onnxruntime, ...) still loads TerraPrompt,
its dock and its algorithms, so the Setup tab can install them."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import PLUGINS, ROOT


def test_plugin_dock_and_algorithms_load_without_the_installable_packages(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "profile"),
           "XDG_RUNTIME_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "integration", "no_packages_script.py"), PLUGINS,
                           os.path.join(ROOT, "tests")], env=env, capture_output=True, text=True, timeout=300)
    line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
    assert line, proc.stdout[-2000:] + proc.stderr[-3000:]
    res = json.loads(line[0][len("RESULT "):])
    assert res["loaded"] and "dock_error" not in res, res
    assert len(res["tabs"]) == 5 and "terraprompt:extract_landcover" in res["algorithms"], res
    assert res["blocked_loaded"] == [], res
    # each algorithm run names the missing package and the Setup tab, without a traceback
    assert sorted(res["runs"]) == ["detect_change", "encode_image", "extract_landcover", "find_similar", "segment_prompts"], res
    for name, message in res["runs"].items():
        assert message.startswith("QgsProcessingException") and "needs the Python package" in message \
            and "Traceback" not in message, (name, message)
    # the tabs that need the packages (Land cover, Change) say which package and where to install it
    assert set(res["built"]) >= {"setup_tab", "settings_tab"}, res
    assert res["unbuilt_text"] and all("Setup tab" in t and "rasterio" in t for t in res["unbuilt_text"]), res
    # and are built, in place, when the Setup tab's installation is done
    assert "rebuild_error" not in res and len(res["built_after_install"]) == 5, res
    assert res["tabs_after_install"] == res["tabs"], res
