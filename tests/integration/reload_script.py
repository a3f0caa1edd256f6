"""Run by test_plugin_reload.py in its own process: load, start, use and unload the plugin 3 times.

argv: plugins_dir. Each cycle opens the dock, types a prompt and puts a stand-in encoder in the prompts module's cache
(what the dock's background load does, without loading the real model); after each unload and a garbage collection it
counts the stand-ins still alive. The prompts module of each load is kept, as the modules QGIS leaves loaded after an
unload (terraprompt.plugin, ...) keep it, some of the time, in QGIS: the encoder must go even then. Prints one JSON line.
"""
import gc
import json
import os
import sys
import weakref

plugins = sys.argv[1]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.join(os.path.dirname(plugins), "..", "tests"))
from qgis.testing import start_app  # noqa: E402

app = start_app(cleanup=False)
import qgis.utils  # noqa: E402
from qgis.PyQt.QtCore import QCoreApplication, QEvent  # noqa: E402

from desktop_iface import DesktopInterface  # noqa: E402


class StandInEncoder:
    """Takes the place of the SentenceTransformer in the encoder cache."""


qgis.utils.iface = DesktopInterface()
qgis.utils.plugin_paths.insert(0, plugins)
sys.path.insert(0, plugins)
qgis.utils.updateAvailablePlugins()
encoders, alive, kept = [], [], []
for _ in range(3):
    assert qgis.utils.loadPlugin("terraprompt") and qgis.utils.startPlugin("terraprompt")
    plugin = qgis.utils.plugins["terraprompt"]
    plugin.action.setChecked(True)
    prompts = sys.modules["terraprompt.plugin.core.prompts"]
    kept.append(prompts)
    encoder = StandInEncoder()
    with prompts._ENCODER_LOCK:  # after a background load the dock may have started
        prompts._ENCODER["state"] = {"model": encoder}
    plugin.dock.tab("landcover_tab").prompt_edit.setText("vegetation except grass")
    QCoreApplication.processEvents()
    encoders.append(weakref.ref(encoder))
    del plugin, prompts, encoder
    qgis.utils.unloadPlugin("terraprompt")
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    gc.collect()
    alive.append(sum(r() is not None for r in encoders))
print(json.dumps({"alive": alive, "left_modules": sorted(m for m in sys.modules if m.startswith("terraprompt"))}))
