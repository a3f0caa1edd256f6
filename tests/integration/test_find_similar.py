"""terraprompt:find_similar through processing.run, with exemplars in another CRS than the raster."""
from __future__ import annotations

import pytest

from conftest import similar_tab, write_raster


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
    assert res["COUNT"] == len(red) - 2  # the exemplars themselves are not returned
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        props = [f["properties"] for f in fc]
    assert {p["class"] for p in props} == {"roof"} and sorted(p["object_id"] for p in props) == list(range(1, len(red) - 1))
    # EXTENT in another CRS: the top 100 rows (the first row of roofs) given in WGS 84
    from qgis.core import QgsRectangle

    top = xf.transformBoundingBox(QgsRectangle(*(TR * (0, 100)), *(TR * (300, 0))))
    res = processing.run("terraprompt:find_similar", {
        "INPUT": src, "EXEMPLARS": layer, "METHOD": 2, "OUTPUT_VECTOR": str(tmp_path / "top.gpkg"),
        "EXTENT": f"{top.xMinimum()},{top.xMaximum()},{top.yMinimum()},{top.yMaximum()} [EPSG:4326]"})
    assert res["COUNT"] == 2  # the first row's three roofs, one of them the exemplar red[0]


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
    found = [l for l in project.mapLayers().values() if l.name().endswith("on rgb (similar objects)")]
    assert found and found[0].featureCount() == len(red) - 2, tab.status.text()  # not the two exemplars
    # in view: the canvas shows the top-left of the raster (in another CRS), so the roofs there only
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsRectangle

    canvas = tab.iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    xf = QgsCoordinateTransform(raster.crs(), canvas.mapSettings().destinationCrs(), project)
    canvas.setExtent(xf.transformBoundingBox(QgsRectangle(*(TR * (0, 130)), *(TR * (130, 0)))))
    project.removeMapLayer(found[0].id())
    tab.in_view_check.setChecked(True)
    tab.similar_button.click()
    assert wait_for(lambda: tab.similar_task is None, 60)
    found = [l for l in project.mapLayers().values() if l.name().endswith("on rgb (similar objects)")]
    view = QgsCoordinateTransform(canvas.mapSettings().destinationCrs(), raster.crs(), project).transformBoundingBox(canvas.extent())
    # the view widens to the canvas's shape (earlier tests change the window): its edge may cut a row of roofs
    others = [rc for rc in red if rc not in (red[0], red[4])]
    inside = [rc for rc in others if view.contains(QgsRectangle(*geom(*rc).bounds))]
    touched = [rc for rc in others if view.intersects(QgsRectangle(*geom(*rc).bounds))]
    assert inside and len(touched) < len(others), (inside, touched)
    assert found and len(inside) <= found[0].featureCount() <= len(touched), tab.status.text()


def test_similar_objects_are_never_written_over_the_exemplar_layer(plugin, tmp_path):
    """OUTPUT_VECTOR naming the EXEMPLARS GeoPackage is refused as an input (the run replaced the file, deleting the
    exemplars), whether the layer is given by file or as 'file|layername=...'."""
    import fiona
    import processing
    from qgis.core import QgsProcessingException
    from shapely.geometry import mapping

    from core.interactive.test_exemplars import TR, geom, scene

    data, red, _ = scene()
    src = write_raster(str(tmp_path / "rgb.tif"), data, transform=TR)
    ex = str(tmp_path / "ex.gpkg")
    with fiona.open(ex, "w", driver="GPKG", layer="roofs", crs="EPSG:32633",
                    schema={"geometry": "Polygon", "properties": {"id": "int"}}) as fc:
        for i, (r, c) in enumerate(red[:2]):
            fc.write({"geometry": mapping(geom(r, c)), "properties": {"id": i}})
    for exemplars in (ex, ex + "|layername=roofs"):
        with pytest.raises(QgsProcessingException, match="is one of the inputs"):
            processing.run("terraprompt:find_similar", {"INPUT": src, "EXEMPLARS": exemplars, "METHOD": 2, "OUTPUT_VECTOR": ex})
    assert fiona.listlayers(ex) == ["roofs"] and sorted(p.name for p in tmp_path.iterdir()) == ["ex.gpkg", "rgb.tif"]


def test_network_search_reads_the_cache_dir_given(plugin, tmp_path, monkeypatch):
    """CACHE_DIR (as encode_image's): the network method keeps its encodings there, and a second run finds them all."""
    import os

    import processing
    import rasterio
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer
    from shapely.geometry import box

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "default"))
    src = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "rio_buildings_crop_image.tif")
    with rasterio.open(src) as ds:
        x0, y0 = ds.transform * (40, 20)
        x1, y1 = ds.transform * (52, 32)
    layer = QgsVectorLayer("Polygon?crs=EPSG:4326", "exemplars", "memory")
    f = QgsFeature()
    f.setGeometry(QgsGeometry.fromWkt(box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)).wkt))
    layer.dataProvider().addFeatures([f])
    cache = tmp_path / "my cache"
    processing.run("terraprompt:encode_image", {"INPUT": src, "MODEL": "network", "CACHE_DIR": str(cache)})
    before = sorted(os.listdir(cache))
    processing.run("terraprompt:find_similar", {"INPUT": src, "EXEMPLARS": layer, "METHOD": 1, "CACHE_DIR": str(cache),
                                                "OUTPUT_VECTOR": str(tmp_path / "s.gpkg")})
    assert before and sorted(os.listdir(cache)) == before  # every encoding came from the folder encode_image filled
    assert not os.path.exists(tmp_path / "default") or not os.listdir(tmp_path / "default")


def test_a_failed_find_similar_leaves_no_folder(plugin, project, tmp_path):
    """Each search made a folder in the system /tmp, left behind when the search failed."""
    import glob
    import tempfile

    from qgis.core import QgsFeature, QgsGeometry, QgsProcessingUtils, QgsRasterLayer, QgsVectorLayer

    from conftest import wait_for
    from core.interactive.test_exemplars import TR, scene

    data, _, _ = scene()
    raster = QgsRasterLayer(write_raster(str(tmp_path / "rgb.tif"), data, transform=TR), "rgb")
    vec = QgsVectorLayer("Polygon?crs=EPSG:32633", "far exemplars", "memory")
    f = QgsFeature()
    f.setGeometry(QgsGeometry.fromWkt("POLYGON((100 100, 160 100, 160 160, 100 160, 100 100))"))  # far off the raster
    vec.dataProvider().addFeatures([f])
    project.addMapLayers([raster, vec])
    before = set(glob.glob(tempfile.gettempdir() + "/terraprompt-similar-*") + glob.glob(QgsProcessingUtils.tempFolder() + "/terraprompt-similar-*"))
    tab = similar_tab(plugin, raster, vec)
    tab.similar_button.click()
    assert wait_for(lambda: tab.similar_task is None, 60)
    after = set(glob.glob(tempfile.gettempdir() + "/terraprompt-similar-*") + glob.glob(QgsProcessingUtils.tempFolder() + "/terraprompt-similar-*"))
    assert after == before, tab.status.text()


def test_a_large_network_search_says_how_long_it_will_take(plugin, tmp_path):
    """A whole 20000² orthophoto took hours with the network method and said nothing of it."""
    import numpy as np
    import rasterio
    from qgis.core import QgsProcessingFeedback, QgsRasterLayer

    from terraprompt.plugin.algorithms.find_similar import _say_how_long

    path = str(tmp_path / "big.tif")
    with rasterio.open(path, "w", driver="GTiff", width=6000, height=5000, count=1, dtype="uint8", crs="EPSG:32633",
                       transform=rasterio.transform.from_origin(500000, 4500000, 0.5, 0.5), tiled=True, compress="deflate",
                       sparse_ok=True) as ds:
        ds.write(np.zeros((1, 16, 16), np.uint8), window=rasterio.windows.Window(0, 0, 16, 16))
    layer = QgsRasterLayer(path, "big")

    class Said(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines = []

        def pushInfo(self, info):  # noqa: N802
            self.lines.append(info)

    said = Said()
    _say_how_long(layer, None, "auto", said)
    assert said.lines and "30 million pixels" in said.lines[0] and "EXTENT" in said.lines[0]
    quiet = Said()
    _say_how_long(layer, (500000, 4497000, 500500, 4497500), "network", quiet)  # a 1000² extent: no note
    _say_how_long(layer, None, "appearance", quiet)
    assert not quiet.lines
