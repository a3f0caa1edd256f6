"""Styling change polygons leaves no handle on their file (probe 'longsession', finding 3: each detect_change rerun into
the same vector output left the deleted old file open in QGIS's connection pool for about a minute)."""
from __future__ import annotations

import gc
import os

import fiona
import pytest
from fiona.crs import CRS

ROWS = [("water", "built_up", 300.0), ("vegetation", "built_up", 100.0), ("water", "built_up", 50.0),
        ("vegetation", "bare", 200.0), ("", "", 10.0)]


def _write(path: str, driver: str) -> None:
    """Change polygons with from/to classes and areas, as detect_change writes them."""
    schema = {"geometry": "Polygon", "properties": {"from_class": "str", "to_class": "str", "area_m2": "float"}}
    with fiona.open(path, "w", driver=driver, schema=schema, crs=CRS.from_epsg(32633)) as out:
        for i, (before, after, area) in enumerate(ROWS):
            ring = [(i * 20, 0), (i * 20 + 10, 0), (i * 20 + 10, 10), (i * 20, 0)]
            out.write({"geometry": {"type": "Polygon", "coordinates": [ring]},
                       "properties": {"from_class": before, "to_class": after, "area_m2": area}})


def _open_on(folder: str) -> list[str]:
    """The files under ``folder`` this process holds open."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(folder):
            found.append(target)
    return found


@pytest.mark.parametrize("name,driver", [("ch.gpkg", "GPKG"), ("ch.shp", "ESRI Shapefile")])
def test_styling_change_polygons_leaves_their_file_closed(plugin, tmp_path, name, driver):
    from qgis.core import QgsVectorLayer

    from terraprompt.plugin.gui.layers import style_change_polygons

    path = str(tmp_path / name)
    _write(path, driver)
    layer = QgsVectorLayer(path, "v", "ogr")
    style_change_polygons(layer)
    assert [c.value() for c in layer.renderer().categories()] == ["water → built_up", "vegetation → bare",
                                                                  "vegetation → built_up"]
    del layer
    gc.collect()
    assert _open_on(str(tmp_path)) == []


def test_a_filtered_layer_is_styled_by_its_own_polygons(plugin, tmp_path):
    from qgis.core import QgsVectorLayer

    from terraprompt.plugin.gui.layers import style_change_polygons

    path = str(tmp_path / "ch.gpkg")
    _write(path, "GPKG")
    layer = QgsVectorLayer(path, "v", "ogr")
    layer.setSubsetString("from_class = 'vegetation'")
    style_change_polygons(layer)
    assert [c.value() for c in layer.renderer().categories()] == ["vegetation → bare", "vegetation → built_up"]
