"""extract_landcover through real Processing (processing.run) and real qgis_process.bin."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio

from conftest import ROOT, S2_NAMES, SAMPLE_S2, run_qgis_process, synthetic_s2, write_raster


def test_provider_registered(plugin):
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().algorithmById("terraprompt:extract_landcover")
    assert alg is not None
    for name in ("INPUT", "PROMPT", "MODALITY", "SAR_INPUT", "DSM_INPUT", "ENGINE", "DEVICE", "EXTENT", "OUTPUT_RASTER", "OUTPUT_VECTOR"):
        p = alg.parameterDefinition(name)
        assert p is not None, name
        assert p.help(), f"parameter {name} has no help text"


def test_output_pickers_offer_the_formats_the_algorithms_write(plugin):
    """The Processing dialogs' file pickers and temporary outputs offer the polygon formats the core writes (GeoPackage by
    default, Shapefile, GeoJSON, FlatGeobuf) and GeoTIFF rasters only (a PNG picked there was refused after the run)."""
    from qgis.core import QgsApplication

    for alg_id, vector, raster in (("extract_landcover", "OUTPUT_VECTOR", "OUTPUT_RASTER"),
                                   ("detect_change", "OUTPUT_VECTOR", "OUTPUT_CHANGE"),
                                   ("find_similar", "OUTPUT_VECTOR", None), ("segment_prompts", "OUTPUT_VECTOR", "OUTPUT_RASTER")):
        alg = QgsApplication.processingRegistry().algorithmById(f"terraprompt:{alg_id}")
        v = alg.parameterDefinition(vector)
        assert v.supportedOutputVectorLayerExtensions() == ["gpkg", "shp", "geojson", "fgb"], alg_id
        assert v.defaultFileExtension() == "gpkg", alg_id
        assert "gpkg" in v.createFileFilter() and "shp" in v.createFileFilter() and "kml" not in v.createFileFilter()
        if raster:
            r = alg.parameterDefinition(raster)
            assert r.defaultFileExtension() == "tif" and "png" not in r.createFileFilter(), alg_id


def test_outputs_loaded_by_processing_are_styled_as_in_the_dock(plugin, project, tmp_path):
    """Outputs QGIS loads after a run (the toolbox dialog; here runAndLoadResults) get the concept colours and class
    names, categorised polygons and the explanation as metadata (they came as a grey band and a single symbol)."""
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer, QgsPalettedRasterRenderer

    data, _, _ = synthetic_s2()
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    processing.runAndLoadResults("terraprompt:extract_landcover", {
        "INPUT": src, "PROMPT": "lakes and vegetation", "ENGINE": 1, "OUTPUT_RASTER": str(tmp_path / "lc.tif"),
        "OUTPUT_VECTOR": str(tmp_path / "lc.gpkg")})
    layers = {os.path.basename(l.source().split("|")[0]): l for l in project.mapLayers().values()}
    raster, vector = layers["lc.tif"], layers["lc.gpkg"]
    assert isinstance(raster.renderer(), QgsPalettedRasterRenderer)
    assert {c.value: c.label for c in raster.renderer().classes()}[1] == "Water"
    assert isinstance(vector.renderer(), QgsCategorizedSymbolRenderer)
    assert {c.value() for c in vector.renderer().categories()} == {"water", "vegetation"}
    assert "Understood" in raster.metadata().abstract() and "Understood" in vector.metadata().abstract()


def test_save_to_geopackage_adds_a_layer_and_keeps_the_others(plugin, project, tmp_path):
    """The output widget's 'Save to GeoPackage…' gives ogr:dbname='…' table="…": each run adds its layer to the file
    (the run was refused with a garbled 'unsupported extension' message), a rerun replaces only its own layer."""
    import fiona
    import processing
    from qgis.core import QgsCategorizedSymbolRenderer

    data, _, _ = synthetic_s2(80, 100)
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    gpkg = tmp_path / "my results.gpkg"
    for prompt, table in (("water", "lakes"), ("vegetation", "green"), ("water", "lakes")):
        processing.runAndLoadResults("terraprompt:extract_landcover", {
            "INPUT": src, "PROMPT": prompt, "ENGINE": 1, "OUTPUT_RASTER": str(tmp_path / f"{table}.tif"),
            "OUTPUT_VECTOR": f"ogr:dbname='{gpkg}' table=\"{table}\" (geom)"})
    assert sorted(fiona.listlayers(str(gpkg))) == ["green", "lakes"]
    with fiona.open(str(gpkg), layer="green") as fc:
        assert {f["properties"]["class"] for f in fc} == {"vegetation"}
    loaded = [l for l in project.mapLayers().values() if l.source().startswith(str(gpkg))]
    assert len(loaded) >= 2 and all(isinstance(l.renderer(), QgsCategorizedSymbolRenderer) for l in loaded)


def test_processing_run_synthetic(plugin, tmp_path):
    import processing

    data, water, veg = synthetic_s2()
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    res = processing.run("terraprompt:extract_landcover", {
        "INPUT": src, "PROMPT": "lakes and vegetation", "OUTPUT_RASTER": str(tmp_path / "lc.tif"),
        "OUTPUT_VECTOR": str(tmp_path / "lc.gpkg")})
    with rasterio.open(res["OUTPUT_RASTER"]) as ds:
        cls = ds.read(1)
        assert ds.crs.to_epsg() == 32633 and ds.transform == rasterio.open(src).transform
    iou_w = ((cls == 1) & water).sum() / ((cls == 1) | water).sum()
    iou_v = ((cls == 2) & veg).sum() / ((cls == 2) | veg).sum()
    assert iou_w > 0.95 and iou_v > 0.95
    assert "Water" in res["EXPLANATION"] and "ha" in res["EXPLANATION"]
    import fiona

    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        feats = list(fc)
    classes = {f["properties"]["class"] for f in feats}
    assert all(0.0 <= f["properties"]["confidence"] <= 1.0 for f in feats), "confidence is a 0..1 fraction"
    assert classes == {"water", "vegetation"}
    lake = [f for f in feats if f["properties"]["class"] == "water" and f["properties"]["area_m2"] > 1000]
    assert len(lake) == 1  # one lake, one feature (isolated noise pixels aside)
    assert abs(lake[0]["properties"]["area_m2"] - water.sum() * 100) / (water.sum() * 100) < 0.05


def test_processing_land_cover_map(plugin, tmp_path):
    """'everything except water' through Processing: polygons of the map's classes, none of them water."""
    import fiona
    import processing

    res = processing.run("terraprompt:extract_landcover", {
        "INPUT": SAMPLE_S2, "PROMPT": "everything except water", "OUTPUT_RASTER": str(tmp_path / "map.tif"),
        "OUTPUT_VECTOR": str(tmp_path / "map.gpkg")})
    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        classes = {f["properties"]["class"] for f in fc}
    assert "built_up" in classes and "water" not in classes and len(classes) >= 3
    assert "Understood: land-cover map ('everything'): Forest / trees, Grassland" in res["EXPLANATION"]
    # forest, grassland, cropland, built-up and bare soil of 10 m Sentinel-2 reflectance come from the land-cover classifier
    assert "built-up: [classifier]" in res["EXPLANATION"] and "land-cover classifier: landcover_mlp.onnx" in res["EXPLANATION"]
    # every class possible: the map has no holes but where water (left out) is likelier than any land class
    assert "reached no class at 50 % and took its most likely one" in res["EXPLANATION"]


def test_processing_bad_prompt_leaves_nothing(plugin, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    out = tmp_path / "lc.tif"
    with pytest.raises(QgsProcessingException, match="empty"):
        processing.run("terraprompt:extract_landcover", {"INPUT": SAMPLE_S2, "PROMPT": "  ", "OUTPUT_RASTER": str(out)})
    assert not out.exists()
    assert [p for p in os.listdir(tmp_path)] == []


def test_processing_height_qualifier_with_a_dsm(plugin, tmp_path):
    """'buildings taller than 10 m' with DSM_INPUT keeps the tall houses only; without it, a clear refusal."""
    import processing
    from qgis.core import QgsProcessingException

    data, _, veg = synthetic_s2(120, 160, seed=3)
    h = np.zeros(veg.shape, np.float32)
    h[80:86, 10:18], h[10:16, 130:138] = 6.0, 25.0  # a low and a tall house on bare land
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    dsm = write_raster(str(tmp_path / "ndsm.tif"), h, descriptions=["ndsm"])
    res = processing.run("terraprompt:extract_landcover", {
        "INPUT": src, "DSM_INPUT": dsm, "PROMPT": "buildings taller than 10 m", "ENGINE": 1,
        "OUTPUT_RASTER": str(tmp_path / "b.tif")})
    with rasterio.open(res["OUTPUT_RASTER"]) as ds:
        cls = ds.read(1)
    assert (cls[10:16, 130:138] == 1).all() and not (cls[80:86, 10:18] == 1).any()
    assert "median height above ground is ≥ 10 m" in res["EXPLANATION"]
    with pytest.raises(QgsProcessingException, match="no heights are given"):
        processing.run("terraprompt:extract_landcover", {"INPUT": src, "PROMPT": "buildings taller than 10 m",
                                                          "OUTPUT_RASTER": str(tmp_path / "c.tif")})
    assert not os.path.exists(tmp_path / "c.tif")


def test_qgis_process_bin(tmp_path):
    out = tmp_path / "lc.tif"
    _, results = run_qgis_process(tmp_path, "terraprompt:extract_landcover",
                                  [f"INPUT={SAMPLE_S2}", "PROMPT=water", f"OUTPUT_RASTER={out}", f"OUTPUT_VECTOR={tmp_path / 'lc.gpkg'}"],
                                  timeout=120)
    assert "Water" in results["EXPLANATION"]
    with rasterio.open(out) as ds:
        v = ds.read(1)
        assert set(np.unique(v)) <= {0, 1, 255}


def test_processing_reads_a_raster_table_of_a_geopackage(plugin, tmp_path):
    """A GeoPackage with several rasters: QGIS names the layer 'GPKG:file:table', which is no file path but GDAL opens it
    (it was refused as 'does not exist', and the dock drew it as a screen rendering)."""
    import processing
    from osgeo import gdal
    from qgis.core import QgsRasterLayer

    from terraprompt.plugin.gui.snapshot import is_file_raster

    with rasterio.open(SAMPLE_S2) as src:
        rgb = np.clip(src.read([4, 3, 2]) / 10000 * 255 * 3, 0, 255).astype(np.uint8)
        crs, tr = src.crs, src.transform
    tif = write_raster(str(tmp_path / "rgb.tif"), rgb, crs=crs, transform=tr, descriptions=["red", "green", "blue"])
    gpkg = str(tmp_path / "rasters.gpkg")
    for table, options in (("scene", []), ("other", ["APPEND_SUBDATASET=YES"])):
        gdal.Translate(gpkg, tif, format="GPKG", creationOptions=[f"RASTER_TABLE={table}", "TILE_FORMAT=PNG", *options])
    layer = QgsRasterLayer(f"GPKG:{gpkg}:scene", "scene")
    assert layer.isValid() and layer.source().startswith("GPKG:")
    assert is_file_raster(layer)
    res = processing.run("terraprompt:extract_landcover", {"INPUT": layer, "PROMPT": "vegetation",
                                                          "OUTPUT_RASTER": str(tmp_path / "lc.tif")})
    direct = processing.run("terraprompt:extract_landcover", {"INPUT": tif, "PROMPT": "vegetation",
                                                           "OUTPUT_RASTER": str(tmp_path / "lc_tif.tif")})
    with rasterio.open(res["OUTPUT_RASTER"]) as a, rasterio.open(direct["OUTPUT_RASTER"]) as b:
        got, want = a.read(1), b.read(1)
        assert a.transform.almost_equals(b.transform, 1e-9) and a.shape == b.shape
    assert (got == 1).mean() > 0.01
    np.testing.assert_array_equal(got, want)


def test_modality_choices_agree_and_modis_can_be_chosen(plugin, tmp_path):
    """The MODALITY enum of the algorithms, the core's choices and the dock's list are one list; an undescribed 7-band
    MODIS stack (read as Landsat 8 by its band count) is read right when MODALITY names MODIS."""
    import processing

    from terraprompt.plugin.algorithms.base import MODALITIES
    from terraprompt.plugin.core.modalities import MODALITY_CHOICES
    from terraprompt.plugin.gui.landcover_tab import modality_labels

    assert MODALITIES == MODALITY_CHOICES == list(modality_labels())
    data, water, _ = synthetic_s2()
    stack = write_raster(str(tmp_path / "stack.tif"), data[[3, 8, 1, 2, 8, 11, 12]])  # B4, B8A, B2, B3, -, B11, B12
    res = processing.run("terraprompt:extract_landcover", {
        "INPUT": stack, "PROMPT": "water", "MODALITY": MODALITIES.index("modis"), "ENGINE": 1,
        "OUTPUT_RASTER": str(tmp_path / "lc.tif")})
    with rasterio.open(res["OUTPUT_RASTER"]) as ds:
        cls = ds.read(1)
    assert ((cls == 1) & water).sum() / ((cls == 1) | water).sum() > 0.95
    assert "MODIS" in res["EXPLANATION"]


def test_processing_uses_the_crs_set_on_the_layer_in_qgis(plugin, tmp_path):
    """A file placed by a geotransform but in no CRS (a world-file export, a GeoTIFF whose CRS was lost), given its CRS on
    the layer in QGIS: processing.run on the layer maps it in that CRS, on the file's grid (it was refused: 'has no
    coordinate reference system'), and the explanation says where the CRS came from."""
    import processing
    from qgis.core import QgsCoordinateReferenceSystem, QgsRasterLayer

    data, water, _ = synthetic_s2(120, 160)
    path = write_raster(str(tmp_path / "no_crs.tif"), data, crs=None, descriptions=S2_NAMES)
    layer = QgsRasterLayer(path, "no crs")
    assert layer.isValid() and not layer.dataProvider().crs().isValid()
    layer.setCrs(QgsCoordinateReferenceSystem("EPSG:32633"))
    res = processing.run("terraprompt:extract_landcover", {
        "INPUT": layer, "PROMPT": "water", "ENGINE": 1, "OUTPUT_RASTER": str(tmp_path / "water.tif"),
        "OUTPUT_VECTOR": str(tmp_path / "water.gpkg")})
    with rasterio.open(res["OUTPUT_RASTER"]) as ds, rasterio.open(path) as src:
        assert ds.crs.to_epsg() == 32633 and ds.transform == src.transform
        got = ds.read(1)
    assert ((got == 1) & water).sum() / ((got == 1) | water).sum() > 0.95
    assert "set on its layer in QGIS, EPSG:32633 (the file has none)" in res["EXPLANATION"]
    import fiona

    with fiona.open(res["OUTPUT_VECTOR"]) as fc:
        assert rasterio.crs.CRS.from_wkt(fc.crs_wkt).to_epsg() == 32633


def test_processing_honours_nodata_values_set_on_the_layer_in_qgis(plugin, tmp_path):
    """Float reflectances with an undeclared -9999 fill, marked 'Additional no data value' on the layer in QGIS: the fill
    is nodata in the class raster, not land cover (without the setting it was mapped as a class)."""
    import processing
    from qgis.core import QgsRasterLayer, QgsRasterRange

    data, water, _ = synthetic_s2(120, 160)
    refl = data.astype(np.float32) / 10000
    refl[:, :, 140:] = -9999.0
    path = write_raster(str(tmp_path / "float_s2.tif"), refl, descriptions=S2_NAMES)
    layer = QgsRasterLayer(path, "float s2")
    for band in range(1, layer.bandCount() + 1):
        layer.dataProvider().setUserNoDataValue(band, [QgsRasterRange(-9999.0, -9999.0)])

    def classes(inp, name):
        res = processing.run("terraprompt:extract_landcover", {
            "INPUT": inp, "PROMPT": "water", "ENGINE": 1, "OUTPUT_RASTER": str(tmp_path / name)})
        with rasterio.open(res["OUTPUT_RASTER"]) as ds:
            return ds.read(1, masked=True), res["EXPLANATION"]

    got, explanation = classes(layer, "with_setting.tif")
    assert np.ma.getmaskarray(got)[:, 140:].all() and not np.ma.getmaskarray(got)[:, :140].any()
    assert ((got == 1) & water).sum() / ((got == 1) | water).sum() > 0.95
    assert "-9999 nodata as set on its layer in QGIS" in explanation
    plain, explanation = classes(path, "file_only.tif")  # reflectance -9999 is no measurement, declared or not
    assert np.ma.getmaskarray(plain)[:, 140:].all() and "as set on its layer" not in explanation


def test_processing_on_a_sar_file_placed_by_gcps(plugin, tmp_path):
    """A Sentinel-1 GRD-style file (descending: rows and columns reversed, no geotransform, placed by ground control
    points) runs through processing.run: the class raster lies north up on the grid the GCPs give, where QGIS draws the
    layer, and the water is where it is on the ground (failed before: 'has no coordinate reference system')."""
    import processing
    from qgis.core import QgsRasterLayer
    from rasterio.control import GroundControlPoint
    from rasterio.transform import from_origin

    h, w = 120, 160
    rng = np.random.default_rng(3)
    db = rng.normal(-8.0, 1.0, (h, w))
    water = np.zeros((h, w), bool)
    water[20:70, 30:90] = True
    db[water] = rng.normal(-21.0, 1.0, int(water.sum()))
    dn = np.clip(10 ** ((db + 53.4) / 20), 1, 65535).astype(np.uint16)  # amplitude DN as GRD files store it
    tr = from_origin(600000, 5000000, 10, 10)
    gcps = [GroundControlPoint(row=r, col=c, x=tr.c + (w - c) * 10, y=tr.f - (h - r) * 10)
            for r in (0, h // 2, h) for c in (0, w // 2, w)]
    path = str(tmp_path / "s1b-iw-grd-vv-20200101t055000-20200101t055025-000000-000000-001.tiff")
    with rasterio.open(path, "w", driver="GTiff", width=w, height=h, count=1, dtype="uint16", gcps=gcps,
                       crs="EPSG:32631") as ds:
        ds.write(dn[::-1, ::-1], 1)
    layer = QgsRasterLayer(path, "grd")
    assert layer.isValid()
    e = layer.extent()
    assert np.allclose([e.xMinimum(), e.yMaximum(), e.width(), e.height()], [tr.c, tr.f, w * 10, h * 10], atol=1e-3)
    res = processing.run("terraprompt:extract_landcover", {
        "INPUT": layer, "PROMPT": "water", "ENGINE": 1, "OUTPUT_RASTER": str(tmp_path / "water.tif")})
    north_up = write_raster(str(tmp_path / "north_up.tif"), dn[None], crs="EPSG:32631", transform=tr, descriptions=["VV"])
    ref = processing.run("terraprompt:extract_landcover", {
        "INPUT": north_up, "PROMPT": "water", "ENGINE": 1, "OUTPUT_RASTER": str(tmp_path / "water_north_up.tif")})
    with rasterio.open(res["OUTPUT_RASTER"]) as ds, rasterio.open(ref["OUTPUT_RASTER"]) as ds_ref:
        assert ds.crs.to_epsg() == 32631 and ds.transform.almost_equals(tr) and ds.shape == (h, w)
        got = ds.read(1)
        np.testing.assert_array_equal(got, ds_ref.read(1))  # the same file with a geotransform gives the same map
    assert ((got == 1) & water).sum() / ((got == 1) | water).sum() > 0.8
    assert "9 ground control points" in res["EXPLANATION"]


def test_diagnostics_report_into_a_new_folder_or_an_unwritable_place(plugin, tmp_path):
    """OUTPUT in a folder that does not exist yet raised FileNotFoundError with a traceback; a folder is created, and a
    place that cannot be written gets a clear message."""
    import processing
    from qgis.core import QgsProcessingException

    out = tmp_path / "new" / "sub" / "diag.txt"
    res = processing.run("terraprompt:diagnostics", {"OUTPUT": str(out)})
    assert out.exists() and res["REPORT"].strip() in out.read_text()
    (tmp_path / "adir.txt").mkdir()
    with pytest.raises(QgsProcessingException, match="could not be saved"):
        processing.run("terraprompt:diagnostics", {"OUTPUT": str(tmp_path / "adir.txt")})


def test_find_similar_class_may_be_left_empty(plugin):
    from qgis.core import QgsApplication, QgsProcessingParameterDefinition

    p = QgsApplication.processingRegistry().algorithmById("terraprompt:find_similar").parameterDefinition("CLASS")
    assert p.flags() & QgsProcessingParameterDefinition.FlagOptional  # '' was refused; the label falls back to 'similar'


def test_processing_reads_bands_in_the_order_the_layer_draws_them(plugin, tmp_path):
    """A blue, green, red 8-bit file (an OpenCV export) that the analyst set to draw red = band 3, blue = band 1 is read
    in that order, as in the correctly ordered file (it was read as red, green, blue without a word)."""
    import processing
    from osgeo import gdal
    from qgis.core import QgsMultiBandColorRenderer, QgsRasterLayer

    from terraprompt.plugin.qgis_layers import layer_settings

    rgb = os.path.join(ROOT, "tests", "data", "rio_buildings_crop_image.tif")
    bgr = str(tmp_path / "bgr.tif")
    gdal.Translate(bgr, rgb, bandList=[3, 2, 1])
    layer = QgsRasterLayer(bgr, "bgr")
    layer.setRenderer(QgsMultiBandColorRenderer(layer.dataProvider(), 3, 2, 1))
    assert layer_settings(layer).drawn_rgb == (3, 2, 1)

    def classes(inp, name):
        res = processing.run("terraprompt:extract_landcover", {
            "INPUT": inp, "PROMPT": "land cover map", "ENGINE": 1, "OUTPUT_RASTER": str(tmp_path / name)})
        with rasterio.open(res["OUTPUT_RASTER"]) as ds:
            return ds.read(1), res["EXPLANATION"]

    want, _ = classes(rgb, "rgb.tif")
    got, explanation = classes(layer, "bgr_drawn.tif")
    assert (got == want).all() and "band 3 red, band 2 green, band 1 blue" in explanation
    declared, _ = classes(bgr, "bgr_file.tif")  # gdal_translate kept each band's colour: the file says blue, green, red
    assert (declared == want).all()
    bare = str(tmp_path / "bgr_bare.tif")
    gdal.Translate(bare, bgr)
    ds = gdal.Open(bare, gdal.GA_Update)
    for i in (1, 2, 3):
        ds.GetRasterBand(i).SetColorInterpretation(gdal.GCI_Undefined)
    ds = None
    plain, explanation = classes(bare, "bgr_bare_out.tif")  # the file alone says nothing of its order
    assert (plain != want).any() and "band 3 red" not in explanation
