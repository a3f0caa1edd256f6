"""`make screenshots` (second part): the Setup tab in a stock QGIS without onnxruntime, under Xvfb.

Outside QGIS it starts the desktop with Debian's Python only (no venv on PATH, so
onnxruntime is genuinely missing) and a fresh profile; inside (TERRAPROMPT_SHOT_INNER=1)
it saves out/setup_missing.png (message bar + Setup tab), out/setup_installing.png
(install from an offline wheelhouse in progress) and out/setup_diagnostics.png.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

ROOT = os.environ.get("TERRAPROMPT_ROOT") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "out")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import desktop  # noqa: E402
SIZE = (1400, 900)


def wheelhouse() -> str:
    """A local wheelhouse of what a stock QGIS here lacks, onnxruntime and ukis-csmask (reused from the tests, or
    downloaded once)."""
    wh = os.path.join(ROOT, ".qgis", "wheelhouse-onnxruntime")
    have = os.listdir(wh) if os.path.isdir(wh) else []
    for prefix, requirement in (("onnxruntime-", "onnxruntime==1.31.1"), ("ukis_csmask-", "ukis-csmask==1.0.0")):
        if not any(f.startswith(prefix) for f in have):
            subprocess.run([os.path.join(ROOT, ".venv", "bin", "pip"), "download", "-q", "--only-binary=:all:", "-d", wh,
                            "-c", os.path.join(ROOT, "constraints.txt"), requirement], check=True)
    return wh


def launch() -> int:
    """Start a stock desktop (Debian Python, fresh profile) under Xvfb with this file as --code."""
    os.makedirs(OUT, exist_ok=True)
    profile = os.path.join(ROOT, ".qgis", "config-stock")
    shutil.rmtree(profile, ignore_errors=True)
    ini_dir = os.path.join(profile, "profiles", "default", "QGIS")
    os.makedirs(ini_dir)
    with open(os.path.join(ini_dir, "QGIS3.ini"), "w", encoding="utf-8") as fh:
        fh.write("[PythonPlugins]\nterraprompt=true\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "QT_QPA"))}
    env.update({"PATH": "/usr/bin:/bin", "QGIS_CUSTOM_CONFIG_PATH": profile, "TERRAPROMPT_SHOT_INNER": "1",
                "TERRAPROMPT_ROOT": ROOT, "TERRAPROMPT_WHEELHOUSE": wheelhouse(),
                "QGIS_PLUGINPATH": os.path.join(ROOT, ".qgis", "plugins")})
    script = os.path.join(ROOT, "scripts", "screenshots_setup.py")
    return desktop.run_desktop(script, env, os.path.join(OUT, "screenshots_setup.json"), SIZE, 300)


def inner() -> None:
    """Inside the stock desktop: missing state, install in progress, diagnostics."""
    import qgis.utils
    from qgis.PyQt.QtCore import Qt, QTimer

    iface = qgis.utils.iface
    info = {"ok": False, "steps": []}

    def finish(code: int) -> None:
        desktop.finish(info, os.path.join(OUT, "screenshots_setup.json"), code)

    wait = desktop.wait

    def run() -> None:
        try:
            win = iface.mainWindow()
            win.resize(*SIZE)
            plugin = qgis.utils.plugins.get("terraprompt")
            if plugin is None:
                info["steps"].append("plugin not loaded")
                finish(3)
                return
            plugin.open_setup()
            dock = plugin.dock
            win.resizeDocks([dock], [520], Qt.Horizontal)
            tab = dock.tab("setup_tab")
            info["steps"].append("missing: " + tab.status.text().replace("\n", " | "))
            wait(lambda: False, 1.0)
            win.grab().save(os.path.join(OUT, "setup_missing.png"))
            tab.from_wheelhouse.setChecked(True)
            tab.wheelhouse.setFilePath(os.environ["TERRAPROMPT_WHEELHOUSE"])
            tab.install()
            wait(lambda: tab.task is None or "Processing" in tab.log.toPlainText(), 60)
            wait(lambda: False, 0.3)
            dock.grab().save(os.path.join(OUT, "setup_installing.png"))
            if not wait(lambda: tab.task is None, 180):
                info["steps"].append("install did not finish")
                finish(4)
                return
            info["steps"].append("install log tail: " + " | ".join(tab.log.toPlainText().splitlines()[-2:]))
            tab.show_diagnostics()
            wait(lambda: tab.diag_task is None, 60)
            wait(lambda: False, 0.5)
            dock.grab().save(os.path.join(OUT, "setup_diagnostics.png"))
            info["files"] = ["out/setup_missing.png", "out/setup_installing.png", "out/setup_diagnostics.png"]
            info["ok"] = "Dependencies installed" in tab.log.toPlainText()
            finish(0 if info["ok"] else 5)
        except Exception:  # noqa: BLE001 - the report must say what broke
            import traceback

            info["steps"].append("error: " + traceback.format_exc())
            finish(2)

    QTimer.singleShot(1500, run)
    QTimer.singleShot(280_000, lambda: (info["steps"].append("gave up"), finish(6)))


if os.environ.get("TERRAPROMPT_SHOT_INNER") == "1" and "qgis.utils" in sys.modules and getattr(sys.modules["qgis.utils"], "iface", None) is not None:
    inner()
elif __name__ == "__main__":
    sys.exit(launch())
