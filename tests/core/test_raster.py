"""RasterSource: GeoTIFF/VRT/ENVI/complex SAR metadata, masks, windowed band-subset reads, reprojection."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from osgeo import gdal
from pyproj import Transformer
from rasterio.transform import from_origin
from rasterio.windows import Window

from conftest import write_raster, write_rgba
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.layer_settings import LayerSettings
from terraprompt.plugin.core.raster import Grid, check_has_valid_pixels, open_raster, sample_is_slow, zero_is_fill

UTM = "EPSG:32633"
TR = from_origin(500000, 4500000, 10, 10)


def _cube(bands=3, h=40, w=60, dtype=np.uint16):
    """Band b, row r, col c holds 1000*b + 10*r + c/10 (distinct per band and position)."""
    b, r, c = np.mgrid[1:bands + 1, 0:h, 0:w]
    return (1000 * b + 10 * r + c // 10).astype(dtype)


def test_geotiff_metadata(tmp_path):
    data = _cube()
    p = write_raster(str(tmp_path / "a.tif"), data, crs=UTM, transform=TR, nodata=0, descriptions=["B02", "B03", "B04"])
    src = open_raster(p)
    assert src.crs.to_epsg() == 32633
    assert src.transform == TR
    assert (src.width, src.height, src.count) == (60, 40, 3)
    assert src.grid.shape == (40, 60)
    assert src.dtypes == ("uint16",) * 3
    assert src.descriptions == ("B02", "B03", "B04")
    assert src.nodata == 0
    assert not src.is_complex
    assert src.grid.bounds() == pytest.approx((500000, 4500000 - 400, 500600, 4500000))


def test_window_band_subset_read(tmp_path):
    data = _cube()
    p = write_raster(str(tmp_path / "a.tif"), data, crs=UTM, transform=TR)
    src = open_raster(p)
    arr = src.read(Window(5, 7, 20, 10), bands=[3, 1])
    assert arr.shape == (2, 10, 20) and arr.dtype == np.float32
    np.testing.assert_array_equal(arr.data[0], data[2, 7:17, 5:25])
    np.testing.assert_array_equal(arr.data[1], data[0, 7:17, 5:25])
    assert not np.ma.getmaskarray(arr).any()


def test_nodata_and_nan_are_masked(tmp_path):
    data = _cube(2).astype(np.float32)
    data[:, 0, :] = -9999
    data[1, 5, 5] = np.nan
    p = write_raster(str(tmp_path / "a.tif"), data, crs=UTM, transform=TR, nodata=-9999)
    arr = open_raster(p).read()
    m = np.ma.getmaskarray(arr)
    assert m[:, 0, :].all()
    assert m[1, 5, 5] and not m[0, 5, 5]
    assert m.sum() == 2 * 60 + 1
    assert np.isfinite(arr.data).all()


def test_internal_mask_band(tmp_path):
    p = str(tmp_path / "m.tif")
    data = _cube(1)
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=True):
        with rasterio.open(p, "w", driver="GTiff", width=60, height=40, count=1, dtype="uint16", crs=UTM, transform=TR) as ds:
            ds.write(data)
            msk = np.full((40, 60), 255, np.uint8)
            msk[:10] = 0
            ds.write_mask(msk)
    arr = open_raster(p).read()
    assert np.ma.getmaskarray(arr)[0, :10].all() and not np.ma.getmaskarray(arr)[0, 10:].any()


def test_vrt_and_envi(tmp_path):
    data = _cube()
    tif = write_raster(str(tmp_path / "a.tif"), data, crs=UTM, transform=TR, descriptions=["B02", "B03", "B04"])
    vrt = str(tmp_path / "a.vrt")
    gdal.BuildVRT(vrt, [tif]).FlushCache()
    envi = str(tmp_path / "a.img")
    gdal.Translate(envi, tif, format="ENVI").FlushCache()
    for p in (vrt, envi):
        src = open_raster(p)
        assert src.crs.to_epsg() == 32633, p
        assert src.transform.almost_equals(TR), p
        assert src.count == 3 and src.dtypes[0] == "uint16"
        np.testing.assert_array_equal(src.read(Window(10, 3, 7, 5), bands=[2]).data[0], data[1, 3:8, 10:17])


def test_jp2(tmp_path):
    if gdal.GetDriverByName("JP2OpenJPEG") is None:
        pytest.skip("GDAL has no JP2OpenJPEG driver")
    data = _cube(2, 64, 64)
    tif = write_raster(str(tmp_path / "a.tif"), data, crs=UTM, transform=TR)
    jp2 = str(tmp_path / "a.jp2")
    gdal.Translate(jp2, tif, format="JP2OpenJPEG", creationOptions=["QUALITY=100", "REVERSIBLE=YES"]).FlushCache()
    src = open_raster(jp2)
    assert src.crs.to_epsg() == 32633 and src.transform.almost_equals(TR) and src.count == 2
    np.testing.assert_array_equal(src.read(Window(8, 4, 16, 16), bands=[2]).data[0], data[1, 4:20, 8:24])


def test_complex_sar_becomes_intensity(tmp_path):
    z = (np.arange(12 * 8).reshape(1, 8, 12) + 1j * 2).astype(np.complex64)
    p = write_raster(str(tmp_path / "slc.tif"), z, crs=UTM, transform=TR)
    src = open_raster(p)
    assert src.is_complex and src.dtypes == ("complex64",)
    arr = src.read()
    np.testing.assert_allclose(arr.data, (np.abs(z) ** 2).astype(np.float32), rtol=1e-6)


def _write_placed_by_gcps(path: str, data: np.ndarray, gcps, descriptions=None) -> str:
    """A GeoTIFF with no geotransform, placed only by ground control points (as Sentinel-1 GRD files are)."""
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=data.shape[0],
                       dtype=data.dtype, gcps=gcps, crs=UTM) as ds:
        ds.write(data)
        for i, d in enumerate(descriptions or [], start=1):
            ds.set_band_description(i, d)
        ds.scales = [0.5] * data.shape[0]
    return path


def test_raster_placed_by_gcps_is_read_warped_onto_a_north_up_grid(tmp_path):
    """A descending-pass file (rows and columns reversed, placed by GCPs) reads back north up on the GCPs' grid, with its
    band names and scales (failed before: 'has no coordinate reference system')."""
    from rasterio.control import GroundControlPoint

    data = _cube(2, 40, 60)
    flipped = np.ascontiguousarray(data[:, ::-1, ::-1])
    gcps = [GroundControlPoint(row=r, col=c, x=TR.c + (60 - c) * 10, y=TR.f - (40 - r) * 10)
            for r in (0, 20, 40) for c in (0, 30, 60)]
    src = open_raster(_write_placed_by_gcps(str(tmp_path / "s1a-iw-grd-vv.tiff"), flipped, gcps, ["VV", "VH"]))
    assert src.crs.to_epsg() == 32633 and src.transform.almost_equals(TR) and (src.width, src.height) == (60, 40)
    assert src.count == 2 and src.descriptions == ("VV", "VH") and src.scales == (0.5, 0.5) and src.gcp_count == 9
    arr = src.read()
    assert not arr.mask.any()
    np.testing.assert_array_equal(arr.data, data.astype(np.float32))
    from terraprompt.plugin.core.modalities import detect_modality

    assert "9 ground control points" in detect_modality(src).reason


def test_raster_placed_by_gcps_keeps_its_zero_fill(tmp_path):
    """A three-band integer image with a black collar and no nodata value: placed by GCPs, its collar is masked as it
    is in the same file with a geotransform."""
    from rasterio.control import GroundControlPoint

    data = _cube(3, 40, 60)
    data[:, :, :7] = 0
    gcps = [GroundControlPoint(row=r, col=c, x=TR.c + c * 10, y=TR.f - r * 10) for r in (0, 40) for c in (0, 60)]
    placed = open_raster(_write_placed_by_gcps(str(tmp_path / "collar_gcps.tif"), data, gcps))
    north_up = open_raster(write_raster(str(tmp_path / "collar.tif"), data, crs=UTM, transform=TR))
    assert placed.zero_fill and north_up.zero_fill
    np.testing.assert_array_equal(np.ma.getmaskarray(placed.read()), np.ma.getmaskarray(north_up.read()))
    assert np.ma.getmaskarray(placed.read())[:, :, :7].all()


def test_raster_placed_by_turned_gcps_masks_what_it_does_not_cover(tmp_path):
    """GCPs of an image turned by 30°: the north-up grid's corners lie outside the image and are masked."""
    from rasterio.control import GroundControlPoint

    a, h, w = np.radians(30), 50, 50
    gcps = [GroundControlPoint(row=r, col=c, x=TR.c + 10 * (c * np.cos(a) + r * np.sin(a)),
                               y=TR.f - 10 * (-c * np.sin(a) + r * np.cos(a))) for r in (0, 25, 50) for c in (0, 25, 50)]
    src = open_raster(_write_placed_by_gcps(str(tmp_path / "turned.tif"), _cube(1, h, w), gcps))
    m = np.ma.getmaskarray(src.read())[0]
    assert m[0, 0] and m[-1, -1] and not m[m.shape[0] // 2, m.shape[1] // 2]
    assert 0.2 < m.mean() < 0.5  # a turned square in its bounding square leaves 2 sin cos / (sin + cos)² = 0.37 out


def test_raster_placed_by_rpcs_only_is_named_with_the_fix(tmp_path):
    """RPCs are no map grid: the message says so and names orthorectification (not 'assign a CRS')."""
    p = str(tmp_path / "l1.tif")
    with rasterio.open(p, "w", driver="GTiff", width=4, height=4, count=1, dtype="uint8") as ds:
        ds.write(np.ones((1, 4, 4), np.uint8))
    ds = gdal.Open(p, gdal.GA_Update)
    coeffs = " ".join(["1"] + ["0"] * 19)
    ds.SetMetadata({"LINE_OFF": "2", "SAMP_OFF": "2", "LAT_OFF": "45", "LONG_OFF": "7", "HEIGHT_OFF": "0",
                    "LINE_SCALE": "2", "SAMP_SCALE": "2", "LAT_SCALE": "0.01", "LONG_SCALE": "0.01", "HEIGHT_SCALE": "100",
                    "LINE_NUM_COEFF": coeffs, "LINE_DEN_COEFF": coeffs, "SAMP_NUM_COEFF": coeffs, "SAMP_DEN_COEFF": coeffs},
                   "RPC")
    ds = None
    with pytest.raises(InputError, match="rational polynomial coefficients") as e:
        open_raster(p)
    assert "Orthorectify" in e.value.fix


def test_sample_is_decimated(tmp_path):
    data = _cube(1, 400, 500)
    p = write_raster(str(tmp_path / "a.tif"), data, crs=UTM, transform=TR)
    s = open_raster(p).sample(max_pixels=5000)
    assert s.shape[0] == 1 and s.shape[1] * s.shape[2] <= 5000


def test_missing_and_no_crs(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        open_raster(str(tmp_path / "nope.tif"))
    p = str(tmp_path / "nocrs.tif")
    with rasterio.open(p, "w", driver="GTiff", width=4, height=4, count=1, dtype="uint8", transform=TR) as ds:
        ds.write(np.ones((1, 4, 4), np.uint8))
    with pytest.raises(InputError, match="no coordinate reference system.*Assign one in QGIS"):
        open_raster(p)
    assert open_raster(p, require_crs=False).count == 1


def test_a_raster_without_geotransform_is_not_georeferenced(tmp_path):
    """A picture with neither a geotransform, a world file nor GCPs: assigning a CRS would not place it, so the fix is
    to georeference it (it said 'Assign one'), also when its QGIS layer has a CRS."""
    p = str(tmp_path / "photo.tif")
    with rasterio.open(p, "w", driver="GTiff", width=4, height=4, count=1, dtype="uint8") as ds:
        ds.write(np.ones((1, 4, 4), np.uint8))
    for crs in (None, UTM):
        with pytest.raises(InputError, match="not georeferenced.*Georeferencer"):
            open_raster(p, layer=LayerSettings(crs))


def test_nodata_values_set_on_the_layer_in_qgis_are_nodata(tmp_path):
    """A DSM whose -9999 fill the file does not declare, marked 'Additional no data value' on its layer in QGIS: every read
    masks it, a resampled read does not blend it into its neighbours, and a range masks every value in it."""
    from terraprompt.plugin.core.modalities import resolve_modality

    heights = np.full((40, 60), 12.5, np.float32)
    heights[10:20, 15:30] = -9999.0
    heights[30:, :10] = 250.0
    path = write_raster(str(tmp_path / "dsm.tif"), heights, crs=UTM, transform=TR)
    assert not np.ma.getmaskarray(open_raster(path).read()).any()  # without the layer's setting: heights of -9999 m
    src = open_raster(path, layer=LayerSettings(nodata=((-9999.0, -9999.0),)))
    got = src.read()
    np.testing.assert_array_equal(np.ma.getmaskarray(got)[0], heights == -9999.0)
    assert "-9999 nodata as set on its layer in QGIS" in resolve_modality(src, "auto").reason
    half = Grid(src.crs, TR * rasterio.Affine.translation(0.5, 0.5), 59, 39)  # half a pixel off: every value resampled
    warped = src.read_on_grid(half, resampling=rasterio.enums.Resampling.bilinear)
    assert warped.count() > 0 and warped.min() >= 12.5  # no pixel blended with -9999
    ranged = open_raster(path, layer=LayerSettings(nodata=((-10000.0, 0.0), (200.0, 300.0))))
    np.testing.assert_array_equal(np.ma.getmaskarray(ranged.read())[0], (heights < 0) | (heights > 200))


def test_the_crs_set_on_the_layer_in_qgis_places_the_raster(tmp_path):
    """A file without a CRS (or with a wrong one) whose layer was given a CRS in QGIS is read in the layer's CRS, as QGIS
    draws it: the grid, reads onto grids in that CRS and the modality's reason (it was refused or read in the file's)."""
    from terraprompt.plugin.core.modalities import resolve_modality

    data = _cube(3, 40, 60, np.uint8)
    bare = str(tmp_path / "bare.tif")
    with rasterio.open(bare, "w", driver="GTiff", width=60, height=40, count=3, dtype="uint8", transform=TR) as ds:
        ds.write(data)
    src = open_raster(bare, layer=LayerSettings(UTM))
    assert src.crs == rasterio.crs.CRS.from_user_input(UTM) and src.file_crs == "none"
    assert "set on its layer in QGIS, EPSG:32633 (the file has none)" in resolve_modality(src, "auto").reason
    # also when the modality is chosen (as the SAR and DSM inputs always are): it said only 'chosen by the analyst'
    assert "set on its layer in QGIS, EPSG:32633" in resolve_modality(src, "rgb").reason
    wrong = write_raster(str(tmp_path / "wrong_zone.tif"), data, crs="EPSG:32634", transform=TR)
    src = open_raster(wrong, layer=LayerSettings(UTM))
    assert src.file_crs == "EPSG:32634" and "(the file says EPSG:32634)" in resolve_modality(src, "auto").reason
    # read onto the layer's own grid: the pixels as they are (read in the file's zone, they would lie 500 km away)
    got = src.read_on_grid(Grid(src.crs, TR, 60, 40))
    assert not np.ma.getmaskarray(got).any()
    np.testing.assert_array_equal(got.data, data.astype(np.float32))
    same = open_raster(wrong, layer=LayerSettings("EPSG:32634"))
    assert same.file_crs == "" and same.crs.to_epsg() == 32634
    with pytest.raises(InputError, match="not one GDAL knows.*Layer Properties"):
        open_raster(wrong, layer=LayerSettings("EPSG:999999"))


def test_all_nodata_detected(tmp_path):
    p = write_raster(str(tmp_path / "a.tif"), np.zeros((2, 30, 30), np.uint16), crs=UTM, transform=TR, nodata=0)
    with pytest.raises(InputError, match="only nodata"):
        check_has_valid_pixels(open_raster(p))


def _lin_utm(tmp_path, nodata=None):
    """UTM 33N raster (10 m) whose value is easting/1000 at each pixel centre: bilinear-exact."""
    h, w = 300, 300
    x = 500000 + (np.arange(w) + 0.5) * 10
    data = np.broadcast_to((x / 1000.0).astype(np.float32), (h, w))[None].copy()
    return write_raster(str(tmp_path / "utm.tif"), data, crs=UTM, transform=TR, nodata=nodata)


@pytest.mark.parametrize("nodata", [None, -1.0])
def test_read_on_grid_utm_to_4326(tmp_path, nodata):
    src = open_raster(_lin_utm(tmp_path, nodata))
    to_ll = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)
    lon0, lat0 = to_ll.transform(500000 - 500, 4500000 + 500)
    res = 1e-4
    grid = Grid(rasterio.crs.CRS.from_epsg(4326), from_origin(lon0, lat0, res, res), 500, 500)
    arr = src.read_on_grid(grid)
    assert arr.shape == (1, 500, 500)
    rows, cols = np.mgrid[0:500:7, 0:500:7]
    lon = lon0 + (cols + 0.5) * res
    lat = lat0 - (rows + 0.5) * res
    x, y = Transformer.from_crs("EPSG:4326", UTM, always_xy=True).transform(lon, lat)
    inside = (x > 500000 + 10) & (x < 503000 - 10) & (y < 4500000 - 10) & (y > 4497000 + 10)
    outside = (x < 500000 - 10) | (x > 503000 + 10) | (y > 4500000 + 10) | (y < 4497000 - 10)
    got = arr[0][rows, cols]
    m = np.ma.getmaskarray(got)
    assert not m[inside].any(), "pixels inside the source must be valid"
    assert m[outside].all(), "pixels outside the source must be masked"
    np.testing.assert_allclose(got.data[inside], x[inside] / 1000.0, atol=0.011)
    # a window of the grid reads the same values as the full grid
    sub = src.read_on_grid(grid, window=Window(100, 50, 64, 32))
    np.testing.assert_allclose(sub.data, arr.data[:, 50:82, 100:164], atol=1e-5)


def test_zero_is_valid_without_nodata(tmp_path):
    """A secondary without nodata (e.g. a DSM at sea level) keeps its zeros valid on another grid."""
    data = np.zeros((1, 50, 50), np.float32)
    data[0, :, 25:] = 5
    src = open_raster(write_raster(str(tmp_path / "dsm.tif"), data, crs=UTM, transform=TR))
    grid = Grid(src.crs, from_origin(499900, 4500100, 10, 10), 80, 80)
    arr = src.read_on_grid(grid)
    m = np.ma.getmaskarray(arr)[0]
    assert not m[10:60, 10:60].any()
    assert m.sum() == 80 * 80 - 50 * 50
    assert arr.data[0, 30, 20] == 0 and arr.data[0, 30, 50] == 5


def test_read_on_grid_4326_to_utm(tmp_path):
    h, w, res = 400, 400, 1e-4
    lon0, lat0 = 15.0, 40.7
    lon = lon0 + (np.arange(w) + 0.5) * res
    data = np.broadcast_to(((lon - 15) * 1000).astype(np.float32), (h, w))[None].copy()
    p = write_raster(str(tmp_path / "ll.tif"), data, crs="EPSG:4326", transform=from_origin(lon0, lat0, res, res), nodata=-9999)
    src = open_raster(p)
    x0, y0 = Transformer.from_crs("EPSG:4326", UTM, always_xy=True).transform(lon0 + 0.005, lat0 - 0.005)
    grid = Grid(rasterio.crs.CRS.from_string(UTM), from_origin(x0, y0, 10, 10), 200, 200)
    arr = src.read_on_grid(grid)
    rows, cols = np.mgrid[0:200:9, 0:200:9]
    lo, la = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True).transform(x0 + (cols + 0.5) * 10, y0 - (rows + 0.5) * 10)
    assert not np.ma.getmaskarray(arr).any()
    np.testing.assert_allclose(arr.data[0][rows, cols], (lo - 15) * 1000, atol=0.11)


def test_zero_in_every_band_is_fill_of_multiband_integer_imagery(tmp_path):
    """A collar of zeros (reprojected tile, mosaic gap, 8-bit export) without a nodata value is nodata; a 0 in
    one band of a valid pixel, a single-band raster's 0 (a DSM at sea level) and float rasters keep their zeros."""
    data = _cube(4)
    data[:, :, :5] = 0  # collar
    data[2, 10, 10] = 0  # one dark band of a valid pixel
    src = open_raster(write_raster(str(tmp_path / "collar.tif"), data, crs=UTM, transform=TR))
    assert src.zero_fill
    m = np.ma.getmaskarray(src.read())
    assert m[:, :, :5].all() and not m[:, :, 5:].any()
    assert np.ma.getmaskarray(src.read(bands=[1, 3]))[:, :, :5].all()  # a band subset too
    grid = Grid(src.crs, TR, 60, 40)
    assert np.ma.getmaskarray(src.read_on_grid(grid))[:, :, :5].all()  # and when warped onto a grid
    assert np.ma.getmaskarray(src.sample(max_pixels=500)).any()
    dsm = np.zeros((1, 40, 60), np.int16)
    assert not open_raster(write_raster(str(tmp_path / "dsm.tif"), dsm, crs=UTM, transform=TR)).zero_fill
    assert not zero_is_fill(None, ("float32",) * 4)
    assert not zero_is_fill(0.0, ("uint16",) * 4)  # a declared nodata value decides alone


def test_alpha_band_is_coverage_not_data(tmp_path):
    """An RGBA file has 3 data bands; its alpha masks every read, also reprojected (fails when alpha counts as a band)."""
    data = (_cube(3) % 251).astype(np.uint8)
    alpha = np.full((40, 60), 255, np.uint8)
    alpha[:10] = 0
    src = open_raster(write_rgba(str(tmp_path / "rgba.tif"), data, alpha, crs=UTM, transform=TR))
    assert (src.count, src.alpha_band, len(src.dtypes), len(src.descriptions)) == (3, 4, 3, 3)
    arr = src.read()
    assert arr.shape == (3, 40, 60)
    m = np.ma.getmaskarray(arr)
    assert m[:, :10].all() and not m[:, 10:].any()
    np.testing.assert_array_equal(arr.data[:, 10:], data[:, 10:])
    same = src.read_on_grid(src.grid)
    assert np.ma.getmaskarray(same)[:, :10].all() and not np.ma.getmaskarray(same)[:, 10:].any()
    grid = Grid(rasterio.crs.CRS.from_string(UTM), from_origin(499900, 4500100, 10, 10), 80, 70)
    moved = np.ma.getmaskarray(src.read_on_grid(grid))[0]
    # the grid starts 10 rows above the raster, whose first 10 rows are transparent: rows 0-19 masked, 20-49 data
    assert moved[:20].all() and not moved[20:50, 10:70].any() and moved[50:].all()


def _paletted(path, index, table, nodata=None, crs=UTM):
    with rasterio.open(path, "w", driver="GTiff", width=index.shape[1], height=index.shape[0], count=1, dtype="uint8",
                       crs=crs, transform=TR, nodata=nodata) as ds:
        ds.write(index, 1)
        ds.write_colormap(1, table)
    return path


def test_paletted_image_is_read_as_rgb_through_its_colour_table(tmp_path):
    """An 8-bit colour-table image (GIF/PNG-style exports): the engines see red, green, blue, not palette indices; the
    nodata index and transparent colours are masked; read_on_grid (warping) works on it; a class map keeps its values."""
    from terraprompt.plugin.core.modalities import detect_modality

    rng = np.random.default_rng(0)
    index = rng.integers(10, 74, (30, 50)).astype(np.uint8)  # a photo's palette: many colours (few: a class map)
    index[0, :5] = 9
    index[1, :5] = 7
    table = {k: (3 * k, 250 - 3 * k, (7 * k) % 256, 255) for k in range(10, 74)}
    table.update({7: (0, 0, 0, 0), 9: (90, 90, 90, 255)})
    src = open_raster(_paletted(str(tmp_path / "p.tif"), index, table, nodata=9))
    assert src.palette_expanded and src.count == 3 and src.dtypes == ("uint8",) * 3
    assert src.descriptions == ("Red", "Green", "Blue") and src.path.endswith("p.tif")
    assert detect_modality(src).roles == {"red": 1, "green": 2, "blue": 3}
    assert "colour table" in detect_modality(src).reason
    data = src.read()
    lut = np.array([table.get(k, (0, 0, 0, 0))[:3] for k in range(256)], np.float32)
    ok = (index != 9) & (index != 7)
    for b in range(3):
        assert np.array_equal(data[b].data[ok], lut[index, b][ok])
    assert np.array_equal(np.ma.getmaskarray(data[0]), ~ok)
    sub = src.read(window=Window(10, 5, 20, 10), bands=[3])
    assert np.array_equal(sub[0].data, lut[index[5:15, 10:30], 2])
    on = src.read_on_grid(Grid(src.crs, TR * rasterio.Affine.scale(2), 25, 15), bands=[1], resampling=rasterio.enums.Resampling.nearest)
    assert on.shape == (1, 15, 25) and np.ma.getmaskarray(on).sum() < 15 * 25
    classes = open_raster(src.path, expand_palette=False)
    assert not classes.palette_expanded and classes.count == 1 and np.array_equal(classes.read()[0].data[ok], index[ok])
    # a palette without transparent entries or nodata: no mask at all
    plain = open_raster(_paletted(str(tmp_path / "q.tif"), np.maximum(index, 10), {k: table[k] for k in range(10, 74)}))
    assert not np.ma.getmaskarray(plain.read()).any()
    # a one-band grey image is not touched
    grey = open_raster(write_raster(str(tmp_path / "g.tif"), index[None] * 50, crs=UTM, transform=TR))
    assert not grey.palette_expanded and grey.count == 1


def test_a_large_raster_without_overviews_is_slow_to_sample(tmp_path):
    """Over 30 Mpx without overviews, whole-raster statistics read every block (the dock reads them in a task); with
    overviews, or small, they are quick."""
    path = str(tmp_path / "large.tif")
    with rasterio.open(path, "w", driver="GTiff", width=6000, height=6000, count=1, dtype="uint8", crs=UTM,
                       transform=TR, tiled=True, compress="deflate") as ds:
        ds.write(np.ones((1, 6000, 6000), np.uint8))
    assert sample_is_slow(open_raster(path))
    with rasterio.open(path, "r+") as ds:
        ds.build_overviews([4, 16])
    assert not sample_is_slow(open_raster(path))
    assert not sample_is_slow(open_raster(write_raster(str(tmp_path / "small.tif"), np.ones((1, 500, 500), np.uint8))))


def test_a_data_mask_band_masks_every_read(tmp_path):
    """openEO / Sentinel Hub exports carry a 'dataMask' band (1 data, 0 none) and fill the rest with 0 reflectance in
    float32: those pixels are nodata in reads, resampled reads and reads warped onto another grid, and land cover leaves
    them out (they were mapped as land cover)."""
    import rasterio
    from rasterio.transform import from_origin

    from conftest import synthetic_s2
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
    from terraprompt.plugin.core.modalities import detect_modality
    from terraprompt.plugin.core.raster import Grid

    data, _, _ = synthetic_s2(90, 120)
    refl = (data[[1, 2, 3, 7, 11]].astype(np.float32) / 10000.0)
    mask = np.ones((90, 120), np.float32)
    mask[:, :40] = 0
    refl[:, :, :40] = 0.0
    path = write_raster(str(tmp_path / "openeo.tif"), np.vstack([refl, mask[None]]),
                        descriptions=["B02", "B03", "B04", "B08", "B11", "dataMask"])
    src = open_raster(path)
    assert src.validity_band == 6
    assert np.ma.getmaskarray(src.read(bands=[1]))[0, :, :40].all() and not np.ma.getmaskarray(src.read(bands=[1]))[0, :, 40:].any()
    assert np.ma.getmaskarray(src.read(bands=[1], out_shape=(45, 60)))[0, :, :19].all()
    other = Grid(src.crs, from_origin(src.transform.c, src.transform.f, 5, 5), 240, 180)
    warped = src.read_on_grid(other, bands=[1, 2])
    assert np.ma.getmaskarray(warped)[:, :, :78].all() and not np.ma.getmaskarray(warped)[:, :, 82:].any()
    assert "b6 dataMask marks where there is no data (left out)" in detect_modality(src).reason
    out = str(tmp_path / "lc.tif")
    extract_landcover(ExtractRequest(input=path, prompt="water and vegetation", engine="spectral", output_raster=out))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    assert (cls[:, :40] == 255).all() and (cls[:, 40:] != 255).all()


def test_a_lone_bands_black_corners_are_fill_but_a_class_maps_zero_is_not(tmp_path):
    """A panchromatic tile with black (0) corners and no nodata value: the corners were data (a third of an unchanged
    pair called change, AFTER given a negative gain); 0 of a class map or of heights touching 0 stays a value."""
    rng = np.random.default_rng(0)
    pan = rng.integers(55, 6000, (120, 120)).astype(np.uint16)
    pan[np.add.outer(np.arange(120), np.arange(120)) < 60] = 0  # a rotated orthophoto's corner
    src = open_raster(write_raster(str(tmp_path / "pan.tif"), pan))
    data = src.read()
    assert np.ma.getmaskarray(data)[0][pan == 0].all() and not np.ma.getmaskarray(data)[0][pan > 0].any()
    classes = rng.integers(0, 9, (120, 120)).astype(np.uint8)  # Dynamic World labels: 0 is water
    assert not np.ma.getmaskarray(open_raster(write_raster(str(tmp_path / "dw.tif"), classes)).read()).any()
    dem = np.clip(rng.normal(30, 20, (120, 120)), 0, None).astype(np.uint16)  # heights at sea level: 0 next to 1, 2 ...
    assert not np.ma.getmaskarray(open_raster(write_raster(str(tmp_path / "dem.tif"), dem)).read()).any()
