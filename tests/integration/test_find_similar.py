"""terraprompt:find_similar through processing.run, with exemplars in another CRS than the raster."""
from __future__ import annotations

import pytest

from conftest import write_raster


def test_find_similar_with_exemplars_in_wgs84(plugin, tmp_path):
    import fiona
    import processing
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsFeature, QgsGeometry, QgsProject, QgsVectorLayer

    from core.interactive.test_exemplars import TR, geom, scene

    data, red, blue = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "exemplars", "memory")
    xf = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:32633"), QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    feats = []
    for r, c in (red[0], red[4]):
        g = QgsGeometry.fromWkt(geom(r, c).wkt)
        g.transform(xf)
        f = QgsFeature()
        f.setGeometry(g)
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    res = processing.run("terraprompt:find_similar", {"INPUT": src, "EXEMPLARS": layer, "THRESHOLD": 0.5, "CLASS": "roof", "METHOD": 2,
                                                      "OUTPUT_VECTOR": str(tmp_path / "similar.gpkg")})
    assert res["COUNT"] == len(red)
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        props = [f["properties"] for f in fc]
    assert {p["class"] for p in props} == {"roof"} and sorted(p["object_id"] for p in props) == list(range(1, len(red) + 1))
    # EXTENT in another CRS: the top 100 rows (the first row of roofs) given in WGS 84
    from qgis.core import QgsRectangle

    top = xf.transformBoundingBox(QgsRectangle(*(TR * (0, 100)), *(TR * (300, 0))))
    res = processing.run("terraprompt:find_similar", {
        "INPUT": src, "EXEMPLARS": layer, "METHOD": 2, "OUTPUT_VECTOR": str(tmp_path / "top.gpkg"),
        "EXTENT": f"{top.xMinimum()},{top.xMaximum()},{top.yMinimum()},{top.yMaximum()} [EPSG:4326]"})
    assert res["COUNT"] == 3


def test_find_similar_without_exemplars_leaves_nothing(plugin, tmp_path):
    import processing
    from qgis.core import QgsProcessingException, QgsVectorLayer

    from core.interactive.test_exemplars import scene

    data, _, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data)
    layer = QgsVectorLayer("Polygon?crs=EPSG:32633", "exemplars", "memory")
    with pytest.raises(QgsProcessingException, match="No exemplar"):
        processing.run("terraprompt:find_similar", {"INPUT": src, "EXEMPLARS": layer, "OUTPUT_VECTOR": str(tmp_path / "s.gpkg")})
    assert not (tmp_path / "s.gpkg").exists()



def test_interactive_tab_finds_similar_to_selected(plugin, project, tmp_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsRasterLayer, QgsVectorLayer

    from conftest import wait_for
    from core.interactive.test_exemplars import TR, geom, scene

    data, red, _ = scene()
    raster = QgsRasterLayer(write_raster(str(tmp_path / "rgb.tif"), data, transform=TR), "rgb")
    vec = QgsVectorLayer("Polygon?crs=EPSG:32633", "exemplars", "memory")
    feats = []
    for r, c in (red[0], red[4], (5, 250)):  # two roofs + one polygon of ground that stays unselected
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromWkt(geom(r, c).wkt))
        feats.append(f)
    vec.dataProvider().addFeatures(feats)
    project.addMapLayers([raster, vec])
    vec.selectByIds([f.id() for f in vec.getFeatures()][:2])
    plugin.action.setChecked(True)
    tab = plugin.dock.tab("interactive_tab")
    tab.layer_combo.setLayer(raster)
    tab.exemplar_combo.setLayer(vec)
    tab.model_edit.setText("classical")  # flat colour squares: the appearance method
    tab.in_view_check.setChecked(False)
    tab.similar_button.click()
    assert wait_for(lambda: tab.similar_task is None, 60)
    found = [l for l in project.mapLayers().values() if l.name() == "Similar objects"]
    assert found and found[0].featureCount() == len(red), tab.status.text()
    # in view: the canvas shows the top rows of the raster (in another CRS), so the roofs of those rows only
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsRectangle

    canvas = tab.iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    xf = QgsCoordinateTransform(raster.crs(), canvas.mapSettings().destinationCrs(), project)
    canvas.setExtent(xf.transformBoundingBox(QgsRectangle(*(TR * (0, 60)), *(TR * (300, 0)))))
    project.removeMapLayer(found[0].id())
    tab.in_view_check.setChecked(True)
    tab.similar_button.click()
    assert wait_for(lambda: tab.similar_task is None, 60)
    found = [l for l in project.mapLayers().values() if l.name() == "Similar objects"]
    view = QgsCoordinateTransform(canvas.mapSettings().destinationCrs(), raster.crs(), project).transformBoundingBox(canvas.extent())
    inside = [rc for rc in red if view.contains(QgsRectangle(*geom(*rc).bounds))]  # the view widens to the canvas's shape
    assert 3 <= len(inside) < len(red)
    assert found and found[0].featureCount() == len(inside), tab.status.text()
