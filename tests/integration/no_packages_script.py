"""Run by test_without_packages.py in a fresh interpreter: TerraPrompt loads, builds its whole dock and registers its
algorithms in a QGIS Python without the packages the Setup tab installs (imports of them fail, as in a stock QGIS).

argv: plugins_dir tests_dir. Prints one JSON line."""
import importlib.abc
import json
import os
import sys

plugins, tests = sys.argv[1:3]
BLOCKED = {"rasterio", "fiona", "scipy", "onnxruntime", "pyproj", "torch", "sentence_transformers", "skimage", "ukis_csmask"}


class _Absent(importlib.abc.MetaPathFinder):
    """Every import of a blocked package fails as it does where the package is not installed."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None


blocker = _Absent()
sys.meta_path.insert(0, blocker)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication  # noqa: E402

app = QgsApplication([], True)
app.initQgis()
sys.path.append("/usr/share/qgis/python/plugins")
sys.path.insert(0, tests)
import qgis.utils  # noqa: E402
from desktop_iface import DesktopInterface  # noqa: E402

qgis.utils.iface = DesktopInterface()
qgis.utils.plugin_paths.insert(0, plugins)
sys.path.insert(0, plugins)
qgis.utils.updateAvailablePlugins()
res = {"loaded": bool(qgis.utils.loadPlugin("terraprompt") and qgis.utils.startPlugin("terraprompt"))}
plugin = qgis.utils.plugins.get("terraprompt")
try:
    plugin.action.setChecked(True)  # builds the dock and every tab
    res["tabs"] = [plugin.dock.tab_widget.tabText(i) for i in range(plugin.dock.tab_widget.count())]
    res["built"] = sorted(plugin.dock.tabs)
    w = plugin.dock.tab_widget
    res["unbuilt_text"] = [w.widget(i).text() for i in range(w.count()) if type(w.widget(i)).__name__ == "QLabel"]
except Exception as exc:  # noqa: BLE001 - reported to the test
    res["dock_error"] = f"{type(exc).__name__}: {exc}"
ids = [a.id() for a in QgsApplication.processingRegistry().algorithms() if a.provider() and a.provider().id() == "terraprompt"]
res["algorithms"] = sorted(ids)
res["blocked_loaded"] = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
# every algorithm run says which package is missing and where to install it (three raised a ModuleNotFoundError traceback)
from osgeo import gdal  # noqa: E402  (QGIS's own GDAL bindings, not an installable package)
from processing.core.Processing import Processing  # noqa: E402
import processing  # noqa: E402
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer  # noqa: E402

Processing.initialize()
folder = os.environ["XDG_RUNTIME_DIR"]
image = os.path.join(folder, "image.tif")
ds = gdal.GetDriverByName("GTiff").Create(image, 32, 32, 3)
ds.SetGeoTransform([500000, 10, 0, 4500000, 0, -10])
ds.SetProjection("EPSG:32633")
ds = None
points = QgsVectorLayer("Point?crs=EPSG:32633&field=object_id:integer&field=positive:integer", "points", "memory")
exemplars = QgsVectorLayer("Polygon?crs=EPSG:32633", "exemplars", "memory")
point, poly = QgsFeature(points.fields()), QgsFeature(exemplars.fields())
point.setAttributes([1, 1])
point.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(500100, 4499900)))
poly.setGeometry(QgsGeometry.fromWkt("POLYGON((500050 4499950, 500150 4499950, 500150 4499850, 500050 4499950))"))
points.dataProvider().addFeatures([point])
exemplars.dataProvider().addFeatures([poly])
runs = {"extract_landcover": {"INPUT": image, "PROMPT": "water", "OUTPUT_RASTER": "TEMPORARY_OUTPUT"},
        "detect_change": {"BEFORE": image, "AFTER": image, "OUTPUT_CHANGE": "TEMPORARY_OUTPUT"},
        "segment_prompts": {"INPUT": image, "POINTS": points, "OUTPUT_VECTOR": "TEMPORARY_OUTPUT"},
        "find_similar": {"INPUT": image, "EXEMPLARS": exemplars, "OUTPUT_VECTOR": "TEMPORARY_OUTPUT"},
        "encode_image": {"INPUT": image}}
res["runs"] = {}
for name, params in runs.items():
    try:
        processing.run(f"terraprompt:{name}", params)
        res["runs"][name] = "ran"
    except Exception as exc:  # noqa: BLE001 - reported to the test
        res["runs"][name] = f"{type(exc).__name__}: {exc}"
# the Setup tab's installation made the packages importable: the tabs that needed them are built in place
sys.meta_path.remove(blocker)
try:
    plugin.dock.tab("setup_tab").installed.emit()
    res["built_after_install"] = sorted(plugin.dock.tabs)
    res["tabs_after_install"] = [plugin.dock.tab_widget.tabText(i) for i in range(plugin.dock.tab_widget.count())]
except Exception as exc:  # noqa: BLE001 - reported to the test
    res["rebuild_error"] = f"{type(exc).__name__}: {exc}"
print("RESULT " + json.dumps(res))
sys.stdout.flush()
os._exit(0)
