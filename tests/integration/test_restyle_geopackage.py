"""Storing a style in a GeoPackage that already holds one returns (probe 'longsession', finding 4: style_file waited for
ever in saveStyleToDatabase, the layer it opened holding the style table's SQLite connection), and is then the table's
only default style (a style the analyst saved as default under another name stays, no longer the default)."""
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


ANALYST_STYLE = """
import json, os, sqlite3, sys
import fiona
from fiona.crs import CRS
from qgis.testing import start_app
app = start_app(cleanup=False)
from qgis.core import QgsVectorLayer
from terraprompt.plugin.algorithms.outputs import style_file
from terraprompt.plugin.gui.layers import style_objects
path = os.path.join(sys.argv[1], "objects.gpkg")
schema = {"geometry": "Polygon", "properties": {"id": "int"}}
with fiona.open(path, "w", driver="GPKG", schema=schema, crs=CRS.from_epsg(32633)) as out:
    out.write({"geometry": {"type": "Polygon", "coordinates": [[(0, 0), (10, 0), (10, 10), (0, 0)]]}, "properties": {"id": 1}})
layer = QgsVectorLayer(path, "", "ogr")
error = layer.saveStyleToDatabase("analyst", "", True, "")
del layer
with sqlite3.connect(path) as db:  # a default style saved by another program, with no geometry column named
    db.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
               "styleQML, styleSLD, useAsDefault, description, owner, ui) SELECT f_table_catalog, f_table_schema, f_table_name, "
               "'', 'other program', styleQML, styleSLD, 1, description, owner, ui FROM layer_styles")
notes = [error, style_file(path, style_objects)]
with sqlite3.connect(path) as db:
    styles = db.execute("SELECT f_table_name, stylename, useAsDefault FROM layer_styles ORDER BY stylename").fetchall()
print(json.dumps({"notes": notes, "styles": styles}))
"""


def test_the_run_style_is_the_only_default_beside_a_style_the_analyst_saved(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=os.pathsep.join([PLUGINS, os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-c", ANALYST_STYLE, str(tmp_path)], capture_output=True, text=True, timeout=60,
                          env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    assert res["notes"] == ["", ""], res
    assert res["styles"] == [["objects", "analyst", 0], ["objects", "objects", 1], ["objects", "other program", 0]], res
