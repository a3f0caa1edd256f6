"""A web layer (XYZ tiles, here served from file:// so the test runs offline) as input: the view is rendered and segmented."""
from __future__ import annotations

import os
import subprocess
import sys

import fiona
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from conftest import interactive_tab_on_web_canvas, wait_for, write_raster

TRANSFORM = from_origin(-4862800.0, -2625700.0, 0.5, 0.5)  # EPSG:3857, Rio de Janeiro


@pytest.fixture()
def web(plugin, tmp_path, monkeypatch):
    """Flat synthetic objects cut into XYZ tiles (zoom 17-19) shown through the 'wms' provider; the tab with its tool active."""
    from qgis.core import QgsRectangle

    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    uri, masks = _tiles(tmp_path)
    view = _quarter(0, 0)  # the top-left quarter: the rectangle at rows 40-70, cols 50-95
    with interactive_tab_on_web_canvas(uri, "web tiles", "building", "classical", str(tmp_path / "accepted.gpkg"), "wms", view) as (
            tab, canvas, layer, xf):
        assert layer.providerType() == "wms"
        tab.start_button.setChecked(True)
        yield tab, canvas, layer, masks, tmp_path


def _tiles(tmp_path, name: str = "tiles", objects=None):
    """XYZ tiles (file://) of a synthetic scene in EPSG:3857: (layer URI, {id: object mask on the scene grid})."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(__file__)), "core", "interactive"))
    from interactive_helpers import scene

    data, masks = scene(h=256, w=256, noise=1.0, objects=objects)
    src = write_raster(str(tmp_path / f"{name}_3857.tif"), data.astype(np.uint8), crs="EPSG:3857", transform=TRANSFORM)
    subprocess.run([sys.executable, "-m", "osgeo_utils.gdal2tiles", "--xyz", "-z", "17-19", "-w", "none", "-q", src,
                    str(tmp_path / name)], check=True)
    return f"type=xyz&url=file://{tmp_path}/{name}/{{z}}/{{x}}/{{y}}.png&zmin=17&zmax=19", masks


def _quarter(r0: int, c0: int, size: int = 128):
    """The size x size px part of the scene starting at (row, col), in EPSG:3857."""
    from qgis.core import QgsRectangle

    (x0, y1), (x1, y0) = TRANSFORM * (c0, r0), TRANSFORM * (c0 + size, r0 + size)
    return QgsRectangle(x0, y0, x1, y1)


def _click_pixel(canvas, r, c):
    from qgis.core import QgsPointXY
    from qgis.PyQt.QtCore import QPoint, Qt
    from qgis.PyQt.QtTest import QTest

    x, y = TRANSFORM * (c + 0.5, r + 0.5)
    p = canvas.getCoordinateTransform().transform(QgsPointXY(x, y))
    QTest.mouseClick(canvas.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(int(round(p.x())), int(round(p.y()))))


def test_click_on_a_web_layer_segments_its_rendered_view(web):
    from qgis.core import QgsGeometry, QgsRectangle

    tab, canvas, layer, masks, tmp = web
    ctl = tab.controller
    _click_pixel(canvas, 55, 72)  # inside the 30 x 45 px rectangle at rows 40-70, cols 50-95
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None and not ctl.session.last.empty, 60)
    rendered = ctl.session.source.path
    assert os.path.dirname(rendered) == ctl.snapshots and rendered.endswith(".tif")
    with rasterio.open(rendered) as ds:
        assert ds.count == 3 and ds.descriptions == ("red", "green", "blue") and ds.crs.to_epsg() == 3857
    truth = QgsGeometry.fromRect(QgsRectangle(*(TRANSFORM * (50, 70)), *(TRANSFORM * (95, 40))))
    got = QgsGeometry.fromWkt(ctl.preview.band.asGeometry().asWkt())
    assert got.intersection(truth).area() / got.combine(truth).area() > 0.8, "the rectangle is found on the rendered tiles"
    oid = tab.accept()
    assert oid == 1
    with fiona.open(str(tmp / "accepted.gpkg")) as fc:
        f = next(iter(fc))
        assert f["properties"]["source"] == "web tiles (rendered view)" and f["properties"]["class"] == "building"
    # "find similar" from the accepted object searches the rendered view too (and removes its rendering)
    import glob
    import tempfile

    from qgis.core import QgsProject, QgsVectorLayer

    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "terraprompt-view-*")))
    exemplars = QgsVectorLayer(f"{tmp / 'accepted.gpkg'}|layername=objects", "exemplars", "ogr")
    QgsProject.instance().addMapLayer(exemplars)
    tab.exemplar_combo.setLayer(exemplars)
    tab.find_similar()
    assert wait_for(lambda: tab.similar_task is None, 120)
    assert tab.status.text().startswith("Found "), tab.status.text()
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "terraprompt-view-*"))) - before <= {ctl.snapshots}
    # text candidates on the web layer: its view is rendered and classified ('vegetation': the green disk is in view)
    canvas.setExtent(_quarter(0, 0, 256))
    canvas.refresh()
    panel = tab.candidates
    panel.prompt_edit.setText("vegetation")
    panel.find_button.click()
    assert wait_for(lambda: panel.task is None and panel.find_button.isEnabled(), 120)
    assert panel.list.count() >= 1, tab.status.text()
    assert ctl.session is not None and os.path.dirname(ctl.session.source.path) == ctl.snapshots
    ctl.reset()
    # the analyst zooms out to the whole scene and clicks the disk (centre row 150, col 170, radius 28), outside the
    # first view: the new view is rendered
    canvas.setExtent(_quarter(0, 0, 256))
    canvas.refresh()
    _click_pixel(canvas, 150, 170)
    assert wait_for(lambda: ctl.session is not None and ctl.session.last is not None and not ctl.session.last.empty, 60)
    assert ctl.session.source.path != rendered and not os.path.exists(rendered)
    area = QgsGeometry.fromWkt(ctl.preview.band.asGeometry().asWkt()).area()
    assert abs(area - np.pi * 28 ** 2 * 0.25) / (np.pi * 28 ** 2 * 0.25) < 0.2
    folder = ctl.snapshots
    ctl.reset()
    assert ctl.snapshots is None and not os.path.exists(folder), "rendered views are removed with their session"


def test_land_cover_of_a_web_layer_view(plugin, project, tmp_path):
    """The Land cover tab on XYZ tiles: the map view is rendered, classified, and the rendering removed."""
    import glob
    import tempfile

    from qgis.core import QgsCoordinateReferenceSystem, QgsRasterLayer

    uri, masks = _tiles(tmp_path)
    layer = QgsRasterLayer(uri, "web tiles", "wms")
    project.addMapLayer(layer)
    canvas = plugin.iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    canvas.setExtent(_quarter(0, 0, 256))
    plugin.action.setChecked(True)
    tab = plugin.dock.tab("landcover_tab")
    tab.layer_combo.setLayer(layer)
    assert "is not a file (wms layer)" in tab.bands_label.text()
    tab.prompt_edit.setText("vegetation")
    tab.engine_combo.setCurrentIndex(tab.engine_combo.findData("spectral"))  # excess green: exact on the flat synthetic disk
    tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))  # the whole world for tiles: the view is used
    tab.temp_radio.setChecked(True)
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "terraprompt-view-*")))
    try:
        assert tab.run() is not None
        assert wait_for(lambda: tab.task is None, 120)
    finally:  # the dock remembers its choices: leave the defaults to the other tests
        tab.engine_combo.setCurrentIndex(tab.engine_combo.findData("auto"))
        tab.save_settings()
    res = tab.last_result
    assert res is not None, tab.explanation.toPlainText()
    with rasterio.open(res.output_raster) as ds:
        assert ds.crs.to_epsg() == 3857
        b = ds.bounds
        cls = ds.read(1)
        row, col = ds.index(*(TRANSFORM * (170.5, 150.5)))  # the green disk's centre
        assert cls[row, col] == 1, "the green disk is vegetation"
    assert abs(b.left - (TRANSFORM * (0, 0))[0]) < 2 and abs(b.right - (TRANSFORM * (256, 0))[0]) < 2
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "terraprompt-view-*"))) == before, "the rendering is removed"


def test_processing_refuses_a_web_layer_with_the_fix(plugin, project, tmp_path):
    import processing
    from qgis.core import QgsProcessingException, QgsRasterLayer

    uri, _ = _tiles(tmp_path)
    layer = QgsRasterLayer(uri, "web tiles", "wms")
    project.addMapLayer(layer)
    with pytest.raises(QgsProcessingException, match="is a wms layer, not a file") as err:
        processing.run("terraprompt:extract_landcover", {"INPUT": layer, "PROMPT": "water", "OUTPUT_RASTER": str(tmp_path / "o.tif")})
    assert "Save the part you need as a GeoTIFF" in str(err.value)
    assert not (tmp_path / "o.tif").exists()


def test_change_between_two_web_layers(plugin, project, tmp_path):
    """Two 'dates' of web imagery: both views are rendered on one grid and compared; the new building is found."""
    import glob
    import tempfile

    from qgis.core import QgsCoordinateReferenceSystem, QgsRasterLayer

    old = [("rect", 40, 50, 30, 45, (200, 170, 150)), ("disk", 150, 170, 28, 0, (90, 160, 60))]
    new = old + [("rect", 180, 40, 40, 25, (230, 230, 235))]  # a new bright roof at rows 180-220, cols 40-65
    layers = []
    for name, objs in (("before", old), ("after", new)):
        uri, _ = _tiles(tmp_path, name, objs)
        layers.append(QgsRasterLayer(uri, f"web {name}", "wms"))
        project.addMapLayer(layers[-1])
    canvas = plugin.iface.mapCanvas()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    canvas.setExtent(_quarter(0, 0, 256))
    plugin.action.setChecked(True)
    tab = plugin.dock.tab("change_tab")
    tab.before_combo.setLayer(layers[0])
    tab.after_combo.setLayer(layers[1])
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("cva"))
    tab.prompt_edit.setText("")
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "terraprompt-view-*")))
    try:
        assert tab.run() is not None
        assert wait_for(lambda: tab.task is None, 120)
    finally:
        tab.method_combo.setCurrentIndex(tab.method_combo.findData("auto"))
        tab.save_settings()
    res = tab.last_result
    assert res is not None, tab.summary.toPlainText()
    with rasterio.open(res.output_change) as ds:
        ch = ds.read(1) == 1
        assert ds.crs.to_epsg() == 3857
        r, c = ds.index(*(TRANSFORM * (52.5, 200.5)))  # the new roof's centre
        r0, c0 = ds.index(*(TRANSFORM * (72.5, 55.5)))  # the unchanged rectangle's centre
    assert ch[r, c] and not ch[r0, c0]
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "terraprompt-view-*"))) == before, "the renderings are removed"
