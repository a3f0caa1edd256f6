"""Run by test_stock_install.py with Debian's /usr/bin/python3 (no venv): a stock QGIS without onnxruntime.

argv: plugins_dir wheelhouse sample out_dir. Prints one JSON line with what happened at each step.
"""
import json
import os
import sys

plugins, wheelhouse, sample, out = sys.argv[1:5]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication  # noqa: E402

app = QgsApplication([], False)
app.initQgis()
sys.path.append("/usr/share/qgis/python/plugins")
from processing.core.Processing import Processing  # noqa: E402

Processing.initialize()
import processing  # noqa: E402
import qgis.utils  # noqa: E402
from qgis.core import QgsProcessingException  # noqa: E402

qgis.utils.plugin_paths.insert(0, plugins)
sys.path.insert(0, plugins)
qgis.utils.updateAvailablePlugins()
res = {"loaded": bool(qgis.utils.loadPlugin("terraprompt") and qgis.utils.startProcessingPlugin("terraprompt"))}
from terraprompt.plugin.core import deps, installer  # noqa: E402
from terraprompt.plugin.bootstrap import profile_dir  # noqa: E402

res["missing_before"] = [s.name for s in deps.missing()]
params = {"INPUT": sample, "PROMPT": "water", "ENGINE": 2, "OUTPUT_RASTER": os.path.join(out, "net.tif")}
try:
    processing.run("terraprompt:extract_landcover", params)
    res["network_before"] = "ran"
except QgsProcessingException as exc:
    res["network_before"] = str(exc)
plan = installer.plan_install(profile_dir(), packages=["onnxruntime==1.31.1"], wheelhouse=wheelhouse)
res["plan"] = plan.describe()
res["installed_sites"] = installer.run_install(plan)
deps.activate_private_site(profile_dir())
res["missing_after"] = [s.name for s in deps.missing()]
import onnxruntime  # noqa: E402

res["onnxruntime_from"] = onnxruntime.__file__
result = processing.run("terraprompt:extract_landcover", params)
res["network_after"] = result["EXPLANATION"]
from osgeo import gdal_array  # noqa: E402
import rasterio  # noqa: E402

res["still_import"] = [gdal_array.__name__, rasterio.__version__]  # numpy/GDAL untouched by the install

res["numpy_from"] = __import__("numpy").__file__
print("RESULT " + json.dumps(res))
sys.stdout.flush()
os._exit(0)
