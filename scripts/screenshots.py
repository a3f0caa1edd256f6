"""`make screenshots`: the real QGIS desktop under Xvfb, the plugin's dock after a land-cover run, saved to PNG.

Run without arguments, it prepares the profile in .qgis/config and starts
``xvfb-run qgis --code scripts/screenshots.py``; inside QGIS (TERRAPROMPT_SHOT_INNER=1)
the same file loads resources/sample_s2_beirut.tif as an RGB (B4/B3/B2) stretch,
runs the Land cover tab exactly as an analyst would (prompt, Run, QgsTask) and
saves out/qgis_window.png (full window) and out/dock.png (dock only).
"""
from __future__ import annotations

import os
import sys

# under `qgis --code` the file is exec'd without __file__; the launcher passes the root in the environment
ROOT = os.environ.get("TERRAPROMPT_ROOT") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "out")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import desktop  # noqa: E402
PROMPT = "water and vegetation larger than 0.5 ha"
SIZE = (1600, 1000)


def launch() -> int:
    """Outside QGIS: start the desktop under Xvfb with this file as --code, report the PNGs."""
    os.makedirs(OUT, exist_ok=True)
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the desktop refuses 'offscreen'; Xvfb gives it a real display
    env["TERRAPROMPT_SHOT_INNER"] = "1"
    env["TERRAPROMPT_ROOT"] = ROOT
    env.setdefault("QGIS_CUSTOM_CONFIG_PATH", os.path.join(ROOT, ".qgis", "config"))
    env.setdefault("QGIS_PLUGINPATH", os.path.join(ROOT, ".qgis", "plugins"))
    ini_dir = os.path.join(env["QGIS_CUSTOM_CONFIG_PATH"], "profiles", "default", "QGIS")
    os.makedirs(ini_dir, exist_ok=True)
    ini = os.path.join(ini_dir, "QGIS3.ini")
    text = open(ini, encoding="utf-8").read() if os.path.exists(ini) else ""
    if "terraprompt=true" not in text:
        with open(ini, "a", encoding="utf-8") as fh:
            fh.write("\n[PythonPlugins]\nterraprompt=true\n")
    script = os.path.join(ROOT, "scripts", "screenshots.py")
    return desktop.run_desktop(script, env, os.path.join(OUT, "screenshots.json"), SIZE, 240)


def inner() -> None:
    """Inside the QGIS desktop: build the scene, run the dock, grab the window and the dock."""
    import qgis.utils
    from qgis.core import (
        QgsContrastEnhancement,
        QgsMultiBandColorRenderer,
        QgsProject,
        QgsRasterLayer,
    )
    from qgis.PyQt.QtCore import Qt, QTimer

    iface = qgis.utils.iface
    info = {"ok": False, "steps": []}

    def log(step: str) -> None:
        info["steps"].append(step)

    def finish(code: int) -> None:
        desktop.finish(info, os.path.join(OUT, "screenshots.json"), code)

    wait = desktop.wait

    def rgb_layer() -> QgsRasterLayer:
        """The sample as a true-colour B4/B3/B2 composite with a 2-98 % cumulative-cut stretch."""
        # a copy: QGIS writes histograms into the .aux.xml next to the file, and the shipped sample must stay as it is
        import shutil

        data = os.path.join(OUT, "screenshot_data")
        os.makedirs(data, exist_ok=True)
        for ext in ("", ".aux.xml"):
            src = os.path.join(ROOT, "resources", "sample_s2_beirut.tif" + ext)
            dst = os.path.join(data, "sample_s2_beirut.tif" + ext)
            if os.path.exists(src):
                shutil.copyfile(src, dst)
            elif os.path.exists(dst):
                os.remove(dst)
        layer = QgsRasterLayer(os.path.join(data, "sample_s2_beirut.tif"), "Sentinel-2 Beirut (B4/B3/B2)")
        provider = layer.dataProvider()
        renderer = QgsMultiBandColorRenderer(provider, 4, 3, 2)
        setters = (renderer.setRedContrastEnhancement, renderer.setGreenContrastEnhancement, renderer.setBlueContrastEnhancement)
        for band, setter in zip((4, 3, 2), setters):
            lo, hi = provider.cumulativeCut(band, 0.02, 0.98, layer.extent(), 250000)
            ce = QgsContrastEnhancement(provider.dataType(band))
            ce.setContrastEnhancementAlgorithm(QgsContrastEnhancement.StretchToMinimumMaximum, True)
            ce.setMinimumValue(lo)
            ce.setMaximumValue(hi)
            setter(ce)
        layer.setRenderer(renderer)
        return layer

    def run() -> None:
        try:
            win = iface.mainWindow()
            win.resize(*SIZE)
            win.move(0, 0)
            plugin = qgis.utils.plugins.get("terraprompt")
            if plugin is None:
                log("plugin not loaded: " + ", ".join(sorted(qgis.utils.active_plugins)))
                finish(3)
                return
            log("plugin loaded")
            layer = rgb_layer()
            QgsProject.instance().addMapLayer(layer)
            iface.setActiveLayer(layer)
            plugin.action.setChecked(True)
            dock = plugin.dock
            win.resizeDocks([dock], [430], Qt.Horizontal)
            tab = dock.tab("landcover_tab")
            dock.tab_widget.setCurrentWidget(tab)
            tab.layer_combo.setLayer(layer)
            tab.modality_combo.setCurrentIndex(tab.modality_combo.findData("auto"))
            tab.engine_combo.setCurrentIndex(tab.engine_combo.findData("auto"))
            tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))
            tab.temp_radio.setChecked(True)
            tab.prompt_edit.setText(PROMPT)
            tab.prompt_edit.setCursorPosition(0)
            log("prompt: " + tab.prompt_status.text())
            tab.run_button.click()
            if not wait(lambda: tab.task is None, 120):
                log("the land-cover task did not finish in 120 s")
                finish(4)
                return
            if tab.last_result is None:
                log("run failed: " + tab.explanation.toPlainText())
                finish(5)
                return
            log("run done: " + ", ".join(f"{k}={v:.0f} m2" for k, v in tab.last_result.areas_m2.items()))
            root = QgsProject.instance().layerTreeRoot()
            root.findLayer(layer.id()).setExpanded(False)  # the band legend of the backdrop is noise here
            iface.mapCanvas().setExtent(layer.extent())
            iface.mapCanvas().refresh()
            wait(lambda: False, 1.5)  # let the canvas render and the message bar settle
            wait(lambda: not iface.mapCanvas().isDrawing(), 20)
            win.grab().save(os.path.join(OUT, "qgis_window.png"))
            dock.grab().save(os.path.join(OUT, "dock.png"))
            info["files"] = ["out/qgis_window.png", "out/dock.png"]
            info["layers"] = [lyr.name() for lyr in QgsProject.instance().mapLayers().values()]
            info["ok"] = True
            finish(0)
        except Exception as exc:  # noqa: BLE001 - the report must say what broke
            import traceback

            log("error: " + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
            finish(2)

    QTimer.singleShot(1500, run)
    QTimer.singleShot(180_000, lambda: (log("gave up after 180 s"), finish(6)))  # never hang `make`


if os.environ.get("TERRAPROMPT_SHOT_INNER") == "1" and "qgis.utils" in sys.modules and getattr(sys.modules["qgis.utils"], "iface", None) is not None:
    inner()
elif __name__ == "__main__":
    sys.exit(launch())
