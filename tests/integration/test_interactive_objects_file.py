"""The Interactive tab's objects file chosen as a GeoPackage that holds the analyst's own layer, loaded in the project:
Enter adds the objects table beside it and the analyst's features stay as they were (nothing replaced or lost)."""
from __future__ import annotations

import os
import sys

import numpy as np

from conftest import interactive_tab_on_web_canvas, wait_for, write_raster
from test_interactive_gui import TRANSFORM, _click, _screen


def _parcels(path: str) -> None:
    """A GeoPackage holding the analyst's 'parcels' layer (3 polygons in the raster's CRS)."""
    import fiona

    x0, y0 = TRANSFORM * (0, 0)
    schema = {"geometry": "Polygon", "properties": {"owner": "str"}}
    with fiona.open(path, "w", driver="GPKG", layer="parcels", crs="EPSG:32633", schema=schema) as out:
        for i in range(3):
            x = x0 + 10 * i
            out.write({"geometry": {"type": "Polygon", "coordinates": [[(x, y0), (x + 5, y0), (x + 5, y0 - 5), (x, y0 - 5),
                                                                         (x, y0)]]},
                       "properties": {"owner": f"farmer {i}"}})


def test_enter_into_a_geopackage_of_an_analyst_layer_keeps_that_layer(plugin, tmp_path, monkeypatch):
    """The objects file is the file of a project layer that is not a TerraPrompt result: Enter appends the object as
    the file's 'objects' table; the analyst's layer, its features and its project layer are untouched."""
    from qgis.core import QgsProject, QgsVectorLayer
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtTest import QTest

    from terraprompt.plugin.core.interactive.objects import gpkg_tables
    from terraprompt.plugin.gui.layers import foreign_layers_of

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    data, _masks = scene(h=256, w=256)
    raster = write_raster(str(tmp_path / "img.tif"), data.astype(np.uint8), crs="EPSG:32633", transform=TRANSFORM)
    gpkg = str(tmp_path / "fields.gpkg")
    _parcels(gpkg)
    with interactive_tab_on_web_canvas(raster, "img", "building", "classical", gpkg) as (tab, canvas, _layer, xf):
        parcels = QgsVectorLayer(f"{gpkg}|layername=parcels", "parcels", "ogr")
        assert parcels.isValid()
        QgsProject.instance().addMapLayer(parcels)
        assert foreign_layers_of([gpkg]) == [parcels]  # the analyst's layer reads the objects file
        before = sorted((f["owner"], f.geometry().asWkt(3)) for f in parcels.getFeatures())
        tab.start_button.setChecked(True)
        ctl = tab.controller
        _click(canvas, _screen(canvas, xf, 55, 70))
        assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None)
        QTest.keyClick(canvas, Qt.Key_Return)
        assert wait_for(lambda: "objects" in gpkg_tables(gpkg), 10), tab.status.text()
        assert set(gpkg_tables(gpkg)) == {"parcels", "objects"}
        parcels.dataProvider().reloadData()
        assert parcels.isValid() and parcels.id() in QgsProject.instance().mapLayers()
        assert sorted((f["owner"], f.geometry().asWkt(3)) for f in parcels.getFeatures()) == before
        objects = QgsVectorLayer(f"{gpkg}|layername=objects", "objects", "ogr")
        assert objects.isValid() and objects.featureCount() == 1
        tab.start_button.setChecked(False)
