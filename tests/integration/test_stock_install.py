"""Issue 7: a stock QGIS Python without onnxruntime loads the plugin, reports what is missing, and after
installing from an offline wheelhouse runs the network engine in the same session; numpy/GDAL untouched."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import PLUGINS, ROOT, SAMPLE_S2

WHEELHOUSE = os.path.join(ROOT, ".qgis", "wheelhouse-onnxruntime")


def _wheelhouse() -> str:
    """Local wheels of onnxruntime and its dependencies (downloaded once, kept in the git-ignored .qgis folder)."""
    if not any(f.startswith("onnxruntime-") for f in (os.listdir(WHEELHOUSE) if os.path.isdir(WHEELHOUSE) else [])):
        cons = os.path.join(ROOT, "constraints.txt")
        proc = subprocess.run([os.path.join(ROOT, ".venv", "bin", "pip"), "download", "-q", "--only-binary=:all:", "-d", WHEELHOUSE,
                               "-c", cons, "onnxruntime==1.31.1"], capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cannot build the onnxruntime wheelhouse here (no package index?): {proc.stderr[-300:]}")
    return WHEELHOUSE


def test_stock_qgis_installs_from_wheelhouse(tmp_path):
    if not os.path.exists(os.path.join(ROOT, "plugin", "core", "landcover", "network.py")):
        pytest.fail("the network engine is missing")
    if subprocess.run(["/usr/bin/python3", "-c", "import onnxruntime"], capture_output=True).returncode == 0:
        pytest.skip("Debian's python3 already has onnxruntime: cannot simulate a stock QGIS here")
    wh = _wheelhouse()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env.update({"QT_QPA_PLATFORM": "offscreen", "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "profile"),
                "PATH": "/usr/bin:/bin", "PYTHONNOUSERSITE": "1", "XDG_RUNTIME_DIR": str(tmp_path)})
    env.pop("PROJ_DATA", None)
    proc = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "integration", "stock_qgis_script.py"),
                           PLUGINS, wh, SAMPLE_S2, str(tmp_path)], env=env, capture_output=True, text=True, timeout=600)
    line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
    assert line, proc.stdout[-2000:] + proc.stderr[-3000:]
    res = json.loads(line[0][7:])
    assert res["loaded"]
    assert "onnxruntime" in res["missing_before"]
    assert "onnxruntime" in res["network_before"] and "spectral" in res["network_before"]
    assert res["missing_after"] == [] or "onnxruntime" not in res["missing_after"]
    assert res["onnxruntime_from"].startswith(str(tmp_path / "profile"))
    assert "Engine: network" in res["network_after"]
    assert res["numpy_from"].startswith("/usr/lib/python3/dist-packages")
