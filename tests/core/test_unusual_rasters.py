"""Unusual rasters read as something else without a word: placeholder band names, class maps given as images, bands of
one value, soft alpha edges, ENVI wavelengths, mostly empty mosaics."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from conftest import S2_NAMES, synthetic_s2, write_raster, write_rgba
from terraprompt.plugin.core.errors import InputError, ModalityError
from terraprompt.plugin.core.landcover import spectral
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.tiling import TileSpec

TR = from_origin(500000, 4500000, 10, 10)


def test_band_n_placeholders_are_read_as_undescribed(tmp_path):
    """'Band 1' ... 'Band 13' (GDAL/ENVI/ArcGIS placeholders) made a Sentinel-2 chip 'Landsat 4-7' (band 4 read as NIR):
    they now say no more than no description at all."""
    data, _, _ = synthetic_s2(40, 40)
    plain = detect_modality(open_raster(write_raster(str(tmp_path / "plain.tif"), data)))
    named = detect_modality(open_raster(write_raster(str(tmp_path / "named.tif"), data,
                                                     descriptions=[f"Band {i}" for i in range(1, 14)])))
    assert named.name == plain.name == "sentinel2_l1c" and named.roles == plain.roles
    assert named.roles["nir"] == 8 and named.roles["swir1"] == 12


def _cube(path: str, wavelengths: np.ndarray, driver: str = "ENVI", describe=None) -> str:
    """A float reflectance cube of 8 x 8 px, one band per wavelength, carrying GDAL's ENVI 'wavelength' metadata."""
    from osgeo import gdal

    ds = gdal.GetDriverByName(driver).Create(path, 8, 8, len(wavelengths), gdal.GDT_Float32)
    ds.SetGeoTransform(TR.to_gdal())
    ds.SetProjection(rasterio.crs.CRS.from_epsg(32633).to_wkt())
    rng = np.random.default_rng(0)
    for i, w in enumerate(wavelengths, start=1):
        band = ds.GetRasterBand(i)
        band.WriteArray((0.05 + 0.3 * (w > 750) + rng.normal(0, 0.01, (8, 8))).astype(np.float32))
        band.SetDescription(describe(i, w) if describe else f"Band {i}")
        band.SetMetadataItem("wavelength", f"{w:.2f}")
        band.SetMetadataItem("wavelength_units", "Nanometers")
    ds = None
    return path


def _nearest(wavelengths: np.ndarray, centre: float) -> int:
    return int(np.argmin(np.abs(wavelengths - centre))) + 1


@pytest.mark.parametrize("driver, describe", [
    ("ENVI", None),  # 'Band i' and the wavelengths in the band metadata
    ("GTiff", lambda i, w: f"{w:.2f} Nanometers"),  # GDAL's ENVI driver without band names
    ("GTiff", lambda i, w: f"{w / 1000:.4f} micrometres"),
])
def test_wavelengths_as_gdal_gives_them_name_the_bands_nearest_each_range_centre(tmp_path, driver, describe):
    """A 200-band cube: the wavelengths name the roles (they were refused, or 'Band i' read as Landsat numbers), each role
    taking the band nearest the centre of its range (the first band in range read NIR at 800 nm, at the red edge)."""
    wl = np.linspace(400, 2500, 200)
    path = _cube(str(tmp_path / ("cube.img" if driver == "ENVI" else "cube.tif")), wl, driver, describe)
    m = detect_modality(open_raster(path))
    assert m.family == "optical" and not m.name.startswith("landsat"), m.describe()
    assert m.roles["red"] == _nearest(wl, 660) and m.roles["nir"] == _nearest(wl, 825)
    assert m.roles["swir1"] == _nearest(wl, 1625) and m.roles["green"] == _nearest(wl, 560)


def _paletted(path: str, index: np.ndarray, colours: int, tags: dict | None = None) -> str:
    table = {k: ((37 * k) % 256, (91 * k) % 256, (53 * k) % 256, 255) for k in range(colours)}
    with rasterio.open(path, "w", driver="GTiff", width=index.shape[1], height=index.shape[0], count=1, dtype="uint8",
                       crs="EPSG:32633", transform=TR, photometric="palette") as ds:
        ds.write(index, 1)
        ds.write_colormap(1, table)
        if tags:
            ds.update_tags(**tags)
    return path


def test_class_maps_and_id_rasters_given_as_images_are_refused(tmp_path):
    """TerraPrompt's own land-cover map (palette, TERRAPROMPT_CLASSES), a palette of few values, a band with category
    names and a building id raster were read as imagery (palette colours as RGB, ids as panchromatic DN); a reference map
    still reads as classes, and a paletted photo (many colours) as RGB."""
    rng = np.random.default_rng(1)
    classes = rng.integers(1, 7, (64, 64)).astype(np.uint8)
    ours = _paletted(str(tmp_path / "lcmap.tif"), classes, 7, {"TERRAPROMPT_CLASSES": "1=water;2=forest"})
    with pytest.raises(InputError) as err:
        open_raster(ours)
    assert "REFERENCE_MAP" in str(err.value) and "TERRAPROMPT_CLASSES" in str(err.value)
    ref = open_raster(ours, expand_palette=False)  # as Detect change reads its REFERENCE_MAP
    assert ref.count == 1 and set(np.unique(ref.read()[0])) <= set(range(1, 7))
    with pytest.raises(InputError, match="distinct values"):
        open_raster(_paletted(str(tmp_path / "few.tif"), classes, 7))
    photo = open_raster(_paletted(str(tmp_path / "photo.tif"), rng.integers(0, 200, (64, 64)).astype(np.uint8), 200))
    assert photo.palette_expanded and detect_modality(photo).roles == {"red": 1, "green": 2, "blue": 3}

    ids = np.zeros((120, 120), np.uint16)
    for k in range(1, 18):
        ids[(k * 6) % 110:(k * 6) % 110 + 8, (k * 13) % 110:(k * 13) % 110 + 8] = k
    with pytest.raises(ModalityError, match="id raster"):
        detect_modality(open_raster(write_raster(str(tmp_path / "instances.tif"), ids)))

    from osgeo import gdal

    named = write_raster(str(tmp_path / "named.tif"), rng.integers(0, 250, (64, 64)).astype(np.uint8))
    ds = gdal.Open(named, gdal.GA_Update)
    ds.GetRasterBand(1).SetCategoryNames([f"class {k}" for k in range(250)])
    ds = None
    with pytest.raises(ModalityError, match="category names"):
        detect_modality(open_raster(named))
    pan = open_raster(write_raster(str(tmp_path / "pan.tif"), rng.integers(0, 4000, (64, 64)).astype(np.uint16)))
    assert detect_modality(pan).roles == {"pan": 1}


def _run(tmp_path, data, name: str, prompt: str, **kw):
    path = write_raster(str(tmp_path / name), data, descriptions=S2_NAMES if data.shape[0] == 13 else None, **kw)
    out = str(tmp_path / f"out_{name}")
    return extract_landcover(ExtractRequest(path, prompt, out, tiles=TileSpec(128, 16, 2))), out


@pytest.mark.parametrize("band, value, said", [(11, 0, "swir1 (band 12) = 0"), (7, 1234, "nir (band 8) = 1234")])
def test_a_band_of_one_value_that_a_role_reads_is_refused(tmp_path, band, value, said):
    """SWIR1 all 0 (a band lost in an export, no nodata) or NIR of one value was read as data: water IoU 0.62 and 0.36
    instead of 0.85 on a Sen1Floods11 chip. Refused, naming the band and its value, before any output."""
    data, _, _ = synthetic_s2(80, 80)
    data[band] = value
    with pytest.raises(InputError) as err:
        _run(tmp_path, data, "s2.tif", "water")
    assert said in str(err.value)
    assert not [f for f in os.listdir(tmp_path) if f.startswith("out_")]


def test_a_blank_tile_is_refused_and_tiny_rasters_still_run(tmp_path):
    """A one-value panchromatic tile gave 'buildings' 2.4 % without a word; a 1 x 1 raster has no spread by definition
    and still runs, as does a band the run does not read (Sentinel-2's cirrus band zeroed)."""
    with pytest.raises(InputError, match=r"pan \(band 1\) = 500"):
        _run(tmp_path, np.full((1, 90, 90), 500, np.uint16), "pan.tif", "buildings", transform=from_origin(0, 90, 0.5, 0.5))
    data, _, _ = synthetic_s2(80, 80)
    res, _ = _run(tmp_path, data[:, :1, :1], "one.tif", "water")
    assert os.path.exists(res.output_raster)
    data[10] = 0  # B10 cirrus, no role of the water network's
    res, _ = _run(tmp_path, data, "nocirrus.tif", "water")
    assert os.path.exists(res.output_raster)


def test_a_soft_alpha_edge_is_coverage_not_near_infrared(tmp_path):
    """An RGBA orthophoto whose alpha has an anti-aliased edge (a few values between 0 and 255) was read as RGB + NIR
    (vegetation 76 % instead of 63 %); in a GeoTIFF and in a PNG the alpha is coverage."""
    from osgeo import gdal

    rng = np.random.default_rng(2)
    rgb = rng.integers(20, 230, (3, 200, 200)).astype(np.uint8)
    alpha = np.full((200, 200), 255, np.uint8)
    alpha[:60, :80] = 0
    alpha[60, :81] = 128
    alpha[:61, 80] = 128
    tif = write_rgba(str(tmp_path / "soft.tif"), rgb, alpha, crs="EPSG:32633", transform=TR)
    src = open_raster(tif)
    assert src.count == 3 and src.alpha_band == 4
    assert np.ma.getmaskarray(src.read(bands=[1]))[0, :60, :80].all()
    assert detect_modality(src).roles == {"red": 1, "green": 2, "blue": 3}
    png = str(tmp_path / "soft.png")
    gdal.Translate(png, tif, format="PNG", creationOptions=["WORLDFILE=YES"])
    assert open_raster(png, require_crs=False).count == 3
    # an RGBN GeoTIFF whose fourth band GDAL calls alpha (the default for four 8-bit bands) stays near-infrared
    nir = rng.integers(30, 250, (200, 200)).astype(np.uint8)
    rgbn = write_rgba(str(tmp_path / "rgbn.tif"), rgb, nir, crs="EPSG:32633", transform=TR)
    assert open_raster(rgbn).count == 4


def test_tiles_without_a_valid_pixel_skip_the_engine(tmp_path, monkeypatch):
    """A mostly empty mosaic ran the engine on each of its empty tiles (a 60000² VRT holding one chip: an hour)."""
    calls = []
    real = spectral.SpectralEngine.scores

    def counted(self, bs):
        calls.append(int(bs.valid.sum()))
        return real(self, bs)

    monkeypatch.setattr(spectral.SpectralEngine, "scores", counted)
    data, _, _ = synthetic_s2(400, 400)
    data[:, 120:, :] = 0
    data[:, :, 120:] = 0
    path = write_raster(str(tmp_path / "sparse.tif"), data, nodata=0, descriptions=S2_NAMES)
    res = extract_landcover(ExtractRequest(path, "water", str(tmp_path / "out.tif"), engine="spectral",
                                           tiles=TileSpec(128, 16, 2)))
    assert calls and all(calls) and len(calls) <= 4, calls  # the tiles touching the data, of 16
    with rasterio.open(res.output_raster) as ds:
        out = ds.read(1)
        assert (out[200:, 200:] == ds.nodata).all() and (out[:100, :100] != ds.nodata).any()


def test_a_uniform_scene_is_not_a_class_map_but_sparse_or_small_codes_are():
    """A pan tile of calm sea holds a dense run of ~20 grey levels: an image, not a class map (WorldCover's sparse codes
    10, 20 … 100 and small codes 0-6 are class maps)."""
    from terraprompt.plugin.core.raster import few_values

    rng = np.random.default_rng(0)
    assert few_values(rng.integers(40, 59, size=5000)) == ""
    assert few_values(rng.choice([10, 20, 30, 40, 50, 60, 80, 90, 95, 100], size=5000)) != ""
    assert few_values(rng.integers(0, 7, size=5000)) != ""


def test_the_spread_check_of_ordinary_bands_reads_a_few_blocks_not_the_whole_raster(tmp_path, monkeypatch):
    """Bands that vary in the corners and the centre need no whole-raster sample (seconds on a large raster without
    overviews: bench-core's 20000² run took 4.6 s longer); a band of one value is still confirmed on the sample."""
    from terraprompt.plugin.core.raster import RasterSource, check_band_spread

    data, _, _ = synthetic_s2(300, 300)
    src = open_raster(write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES))
    calls = []
    real = RasterSource.sample
    monkeypatch.setattr(RasterSource, "sample", lambda self, *a, **k: (calls.append(1), real(self, *a, **k))[1])
    check_band_spread(src, {"red": 4, "nir": 8, "swir1": 12})
    assert not calls
    data[11] = 0
    flat = open_raster(write_raster(str(tmp_path / "flat.tif"), data, descriptions=S2_NAMES))
    with pytest.raises(InputError, match=r"swir1 \(band 12\) = 0"):
        check_band_spread(flat, {"red": 4, "nir": 8, "swir1": 12})
    assert calls
