"""Storing a style in a GeoPackage that already holds one returns (probe 'longsession', finding 4: style_file waited for
ever in saveStyleToDatabase, the layer it opened holding the style table's SQLite connection)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLUGINS = os.path.join(ROOT, ".qgis", "plugins")


def test_a_geopackage_with_a_saved_style_is_styled_again_without_waiting(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join([PLUGINS, os.environ.get("PYTHONPATH", "")]))
    try:
        proc = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "integration", "restyle_script.py"), str(tmp_path)],
                              capture_output=True, text=True, timeout=60, env=env)
    except subprocess.TimeoutExpired:
        raise AssertionError("style_file still waits after 60 s on a GeoPackage that holds a saved style") from None
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["notes"] == ["", ""], res
    assert res["styles"] == [["objects", "objects", 1]], res  # the new style, the table's default
