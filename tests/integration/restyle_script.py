"""Run by test_restyle_geopackage.py in its own process (a hang would stop the test run): write a GeoPackage of polygons,
then store a style in it twice with style_file, as an output styled again would be. argv: folder. Prints one JSON line."""
import json
import os
import sqlite3
import sys

import fiona
from fiona.crs import CRS

folder = sys.argv[1]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.testing import start_app  # noqa: E402

app = start_app(cleanup=False)
from terraprompt.plugin.algorithms.outputs import style_file  # noqa: E402
from terraprompt.plugin.core.writers import gpkg_tables  # noqa: E402
from terraprompt.plugin.gui.layers import style_objects  # noqa: E402

path = os.path.join(folder, "objects.gpkg")
schema = {"geometry": "Polygon", "properties": {"id": "int"}}
with fiona.open(path, "w", driver="GPKG", schema=schema, crs=CRS.from_epsg(32633)) as out:
    out.write({"geometry": {"type": "Polygon", "coordinates": [[(0, 0), (10, 0), (10, 10), (0, 0)]]}, "properties": {"id": 1}})
notes = [style_file(path, style_objects), style_file(path, style_objects)]
with sqlite3.connect(path) as db:
    styles = db.execute("SELECT f_table_name, stylename, useAsDefault FROM layer_styles").fetchall()
print(json.dumps({"notes": notes, "tables": sorted(gpkg_tables(path)), "styles": styles}))
