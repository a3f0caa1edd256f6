"""Product quality bands (SCL, QA_PIXEL, BQA, Fmask) as the cloud/shadow mask: decoding, detection, land cover, change."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from rasterio.warp import Resampling, calculate_default_transform, reproject

from conftest import shared, write_raster
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.quality import FillDrop, QualityBand, decode, drop_fill, find_quality_band
from terraprompt.plugin.core.raster import open_raster

HLS_TRANSFORM = from_origin(500000, 4500000, 30, 30)


def _decode(product, values):
    return decode(QualityBand(1, "qa", product), np.asarray(values, np.float32))


def test_scl_classes():
    cloud, shadow, fill = _decode("scl", [0, 1, 3, 4, 6, 8, 9, 10, 11])
    assert cloud.tolist() == [False, False, False, False, False, True, True, True, False]
    assert shadow.tolist() == [False, False, True, False, False, False, False, False, False]
    assert fill.tolist() == [True, True] + [False] * 7  # 1: saturated or defective pixels carry no usable value


def test_fill_drop_decodes_a_band_set_once():
    """FillDrop: drop_fill's result, kept for the same band set (an engine's scores and decidable read one tile)."""
    from terraprompt.plugin.core.stack import BandSet

    scl = np.array([[0, 4, 4], [1, 8, 4]], np.float32)
    bs = BandSet({"qa": scl, "red": np.ones((2, 3), np.float32), "vv": np.ones((2, 3), np.float32)}, np.ones((2, 3), bool))
    q, drop = QualityBand(1, "SCL", "scl"), FillDrop()
    out = drop(bs, q)
    ref = drop_fill(bs, q)
    assert out.valid.tolist() == ref.valid.tolist() == [[False, True, True], [False, True, True]]
    assert out.role_valid.keys() == ref.role_valid.keys() == {"red"}  # SAR keeps its data
    assert drop(bs, q) is out and drop(bs, None) is bs
    other = BandSet(dict(bs.bands), bs.valid.copy())
    assert drop(other, q) is not out and drop(other, q).valid.tolist() == out.valid.tolist()


def test_landsat_collection2_qa_pixel_bits():
    # 21824 clear land, 21952 water, 22280 cloud (bits 3 and 1 set), 23888 shadow (bit 4), 1 fill, 54596 cirrus (bit 2)
    cloud, shadow, fill = _decode("landsat_c2_qa_pixel", [21824, 21952, 22280, 23888, 1, 54596])
    assert cloud.tolist() == [False, False, True, False, False, True]
    assert shadow.tolist() == [False, False, False, True, False, False]
    assert fill.tolist() == [False, False, False, False, True, False]


def test_landsat_collection1_bqa_confidence_fields():
    high_shadow, low_shadow, high_cirrus = 0b11 << 7, 0b01 << 7, 0b11 << 11
    cloud, shadow, _ = _decode("landsat_c1_bqa", [high_shadow, low_shadow, high_cirrus, 1 << 4])
    assert cloud.tolist() == [False, False, True, True]
    assert shadow.tolist() == [True, False, False, False]


def test_hls_fmask_bits_fill_and_missing_values():
    cloud, shadow, fill = _decode("hls_fmask", [0, 2, 4, 8, 10, 32, 255, np.nan])
    assert cloud.tolist() == [False, True, True, False, True, False, False, False]
    assert shadow.tolist() == [False, False, False, True, False, False, False, False]  # cloud wins over shadow
    assert fill.tolist() == [False] * 6 + [True, True]


def test_found_by_description_on_integer_bands_no_role_reads():
    descs = ("B2", "B3", "B4", "B8", "SCL")
    assert find_quality_band(descs, ("uint16",) * 5, {1, 2, 3, 4}) == QualityBand(5, "SCL", "scl")
    assert find_quality_band(descs, ("uint16",) * 5, {1, 2, 3, 4, 5}) is None
    assert find_quality_band(("SR_B4", "QA_RADSAT", "QA_PIXEL"), ("uint16",) * 3, {1}).product == "landsat_c2_qa_pixel"
    assert find_quality_band(("B1", "QA60"), ("uint16",) * 2, {1}) is None  # empty since 2022: would read as cloud-free


@pytest.fixture(scope="module")
def hls_cloudy(tmp_path_factory):
    """HLS chip 025 (a quarter of it under Fmask clouds) as a georeferenced GeoTIFF, with its Fmask QA band."""
    with rasterio.open(shared("hls_water_chips", "images", "025_hls.tif")) as s:
        data, descs = s.read(), s.descriptions
    assert descs[7] == "QA_Fmask"
    path = write_raster(str(tmp_path_factory.mktemp("qa") / "hls025.tif"), data, crs="EPSG:32615",
                        transform=HLS_TRANSFORM, descriptions=descs)
    return path, data


def test_modality_names_the_mask(hls_cloudy):
    reason = detect_modality(open_raster(hls_cloudy[0])).reason
    assert "b8 QA_Fmask (HLS Fmask) is the cloud and shadow mask" in reason


def test_clouds_and_shadows_are_the_products_mask(hls_cloudy, tmp_path):
    path, data = hls_cloudy
    out = str(tmp_path / "c.tif")
    r = extract_landcover(ExtractRequest(input=path, prompt="clouds and their shadows", output_raster=out))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    qa = data[7].astype(np.int64)
    cloud, shadow = (qa & 0b110) != 0, ((qa & 0b1000) != 0) & ((qa & 0b110) == 0)
    assert cloud.sum() > 3000 and shadow.sum() > 300
    assert np.array_equal(cls == 1, cloud) and np.array_equal(cls == 2, shadow)
    assert "quality band b8 QA_Fmask (HLS Fmask)" in r.explanation
    assert "ukis-csmask" not in r.explanation


@pytest.mark.parametrize("engine", ["spectral", "network"])
def test_cloudy_pixels_are_left_out_of_water(hls_cloudy, tmp_path, engine):
    path, data = hls_cloudy
    out = str(tmp_path / f"w_{engine}.tif")
    r = extract_landcover(ExtractRequest(input=path, prompt="water", engine=engine, output_raster=out))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    qa = data[7].astype(np.int64)
    masked = (qa & 0b1110) != 0
    assert (cls[masked] == 255).mean() > 0.95  # the network keeps what it is sure is water under a cloud
    assert (cls[~masked] != 255).all()
    assert r.details["cloud_excluded_m2"] == pytest.approx((cls == 255).sum() * 900.0, rel=0.01)
    assert "QA_Fmask" in r.explanation


def _with_qa(data, qa):
    out = data.copy()
    out[7] = qa
    return out


def test_change_masks_each_dates_quality_band_on_another_grid(hls_cloudy, tmp_path):
    """Identical bands; AFTER's Fmask paints a cloud and AFTER lies on another CRS and pixel size: the cloud is nodata
    in the change map, read from the warped quality band by nearest neighbour, and nothing else changes."""
    path, data = hls_cloudy
    clear = np.zeros_like(data[7])
    cloud = clear.copy()
    cloud[40:80, 30:90] = 2
    pb = write_raster(str(tmp_path / "b.tif"), _with_qa(data, clear), crs="EPSG:32615", transform=HLS_TRANSFORM,
                      descriptions=("CoastalAerosol", "Blue", "Green", "Red", "NIR", "SWIR1", "SWIR2", "QA_Fmask"))
    same = write_raster(str(tmp_path / "a_same.tif"), _with_qa(data, cloud), crs="EPSG:32615", transform=HLS_TRANSFORM,
                        descriptions=("CoastalAerosol", "Blue", "Green", "Red", "NIR", "SWIR1", "SWIR2", "QA_Fmask"))
    with rasterio.open(same) as src:
        tr, w, h = calculate_default_transform(src.crs, "EPSG:4326", src.width, src.height, *src.bounds)
        warped = np.zeros((src.count, h, w), np.int16)
        for i in range(src.count):
            reproject(rasterio.band(src, i + 1), warped[i], dst_transform=tr, dst_crs="EPSG:4326",
                      resampling=Resampling.nearest)
        pa = write_raster(str(tmp_path / "a.tif"), warped, crs="EPSG:4326", transform=tr, descriptions=src.descriptions)
    out = str(tmp_path / "change.tif")
    r = detect_change(ChangeRequest(pb, pa, output_change=out, method="cva"))
    with rasterio.open(out) as ds:
        ch = ds.read(1)
    inner = np.zeros(ch.shape, bool)
    inner[43:77, 33:87] = True  # a pixel or two inside the painted cloud: the warp moves its edge
    assert (ch[inner] == 255).all()
    outside = np.ones(ch.shape, bool)
    outside[36:84, 26:94] = False
    outside[:3], outside[-3:], outside[:, :3], outside[:, -3:] = False, False, False, False  # the warped border
    assert (ch[outside] != 255).mean() > 0.99
    assert "Clouds: the product's quality band b8 QA_Fmask (HLS Fmask): bits 1" in r.summary
    assert "on both dates" in r.summary


def test_a_date_without_quality_band_keeps_the_cloud_network(hls_cloudy, tmp_path):
    path, data = hls_cloudy
    names = ("CoastalAerosol", "Blue", "Green", "Red", "NIR", "SWIR1", "SWIR2")
    pb = write_raster(str(tmp_path / "b.tif"), data[:7], crs="EPSG:32615", transform=HLS_TRANSFORM, descriptions=names)
    r = detect_change(ChangeRequest(pb, path, output_change=str(tmp_path / "c.tif"), method="cva"))
    line = next(x for x in r.summary.splitlines() if "Clouds:" in x)
    assert "BEFORE: ukis-csmask" in line and "AFTER: the product's quality band b8 QA_Fmask" in line


def test_vrt_of_sentinel2_band_files_with_the_scl_file(tmp_path):
    """B02, B03, B04, B08 and the Sen2Cor SCL file stacked in a VRT (no band descriptions): the SCL file name makes the
    fifth band the cloud mask, and its cloud and shadow classes are left out of the water map."""
    from conftest import SAMPLE_S2, band_files_vrt

    with rasterio.open(SAMPLE_S2) as ds:
        dn = (ds.read([2, 3, 4, 8]).astype(np.int32) + 1000).astype(np.uint16)
    scl = np.full(dn.shape[1:], 4, np.uint8)
    scl[10:40, 10:50], scl[60:80, 20:60] = 9, 3
    names = [f"T36SYC_20230612T081609_{b}_10m.tif" for b in ("B02", "B03", "B04", "B08")] + ["T36SYC_20230612T081609_SCL_20m.tif"]
    vrt = band_files_vrt(str(tmp_path), names, [*dn, scl])
    out = str(tmp_path / "w.tif")
    r = extract_landcover(ExtractRequest(input=vrt, prompt="water", engine="spectral", output_raster=out))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    assert (cls[10:40, 10:50] == 255).all() and (cls[60:80, 20:60] == 255).mean() > 0.9
    assert (cls[scl == 4] != 255).all()
    assert "quality band b5 SCL (Sentinel-2 Scene Classification)" in r.explanation


def test_landsat_qa_pixel_file_in_a_vrt_is_the_mask(tmp_path):
    from conftest import band_files_vrt

    dn = np.full((4, 60, 60), 12000, np.uint16)
    qa = np.full((60, 60), 21824, np.uint16)
    files = [f"LC09_L2SP_174037_20230601_20230607_02_T1_{n}.TIF" for n in ("SR_B2", "SR_B3", "SR_B4", "SR_B5", "QA_PIXEL")]
    m = detect_modality(open_raster(band_files_vrt(str(tmp_path), files, [*dn, qa])))
    assert m.name == "landsat89" and "b5 QA_PIXEL (Landsat Collection 2 QA_PIXEL) is the cloud and shadow mask" in m.reason


def test_text_candidates_read_the_mask_by_nearest_neighbour(hls_cloudy):
    """The Interactive tab's text reads a view encoded at a coarser resolution resampled: the quality band keeps its bit
    codes (an average of 2 and 8 would be a mask no product wrote)."""
    from rasterio.windows import Window

    from terraprompt.plugin.core.interactive.text_candidates import read_resampled
    from terraprompt.plugin.core.stack import ModalityStack, make_layer

    src = open_raster(hls_cloudy[0])
    stack = ModalityStack(make_layer(src, detect_modality(src)))
    bs = read_resampled(stack, Window(0, 0, 128, 128), (50, 50), {"red", "qa"})
    assert bs.bands["red"].shape == bs.bands["qa"].shape == (50, 50)
    assert set(np.unique(bs.bands["qa"])) <= set(np.unique(hls_cloudy[1][7]).astype(np.float32))
    cloud, _, _ = decode(stack.quality, bs.bands["qa"])
    assert 0.15 < cloud.mean() < 0.35  # the chip is a quarter cloud (with Fmask's 'adjacent' buffer)


def test_a_quality_band_resampled_with_averaging_is_not_used(hls_cloudy, tmp_path):
    """The chip upsampled x2 bilinearly, its Fmask band too: averaged bit codes (e.g. 64 and 66 give 65, a cirrus bit
    the product never sets) would be read as clouds here and there; the band is left out and the cloud network masks."""
    from rasterio.enums import Resampling as R

    path, data = hls_cloudy
    with rasterio.open(path) as s:
        up = s.read(out_shape=(8, 256, 256), resampling=R.bilinear)
    assert np.unique(up[7]).size > 64
    p = write_raster(str(tmp_path / "up.tif"), up, crs="EPSG:32615", transform=from_origin(500000, 4500000, 15, 15),
                     descriptions=("CoastalAerosol", "Blue", "Green", "Red", "NIR", "SWIR1", "SWIR2", "QA_Fmask"))
    src = open_raster(p)
    from terraprompt.plugin.core.quality import quality_band_of

    from terraprompt.plugin.core.stack import make_layer

    q, why = quality_band_of(src, set(range(1, 8)))
    assert q.band == 8 and "different values" in why and make_layer(src, detect_modality(src)).quality is None
    assert "b8 QA_Fmask (HLS Fmask) is not used as the cloud mask" in detect_modality(src).reason
    r = extract_landcover(ExtractRequest(input=p, prompt="water", engine="spectral", output_raster=str(tmp_path / "w.tif")))
    assert "ukis-csmask" in r.explanation and "quality band b8" not in r.explanation


def test_an_export_that_casts_every_band_to_float_keeps_its_mask(hls_cloudy, tmp_path):
    """Exports that write one data type for all bands (e.g. Earth Engine, reflectance as float) keep the codes whole:
    the mask is used; codes averaged into fractions are not."""
    from terraprompt.plugin.core.quality import quality_band_of

    path, data = hls_cloudy
    names = ("CoastalAerosol", "Blue", "Green", "Red", "NIR", "SWIR1", "SWIR2", "QA_Fmask")
    as_float = np.vstack([data[:7] / 10000.0, data[7:]]).astype(np.float32)
    p = write_raster(str(tmp_path / "f.tif"), as_float, crs="EPSG:32615", transform=HLS_TRANSFORM, descriptions=names)
    q, why = quality_band_of(open_raster(p), set(range(1, 8)))
    assert q is not None and why == ""
    out = str(tmp_path / "c.tif")
    extract_landcover(ExtractRequest(input=p, prompt="clouds", output_raster=out))
    with rasterio.open(out) as ds:
        assert np.array_equal(ds.read(1) == 1, (data[7].astype(np.int64) & 0b110) != 0)
    as_float[7, :2, :] += 0.5
    smeared = write_raster(str(tmp_path / "s.tif"), as_float, crs="EPSG:32615", transform=HLS_TRANSFORM, descriptions=names)
    from terraprompt.plugin.core.stack import make_layer

    src = open_raster(smeared)
    q, why = quality_band_of(src, set(range(1, 8)))
    assert q.band == 8 and "not whole codes" in why and make_layer(src, detect_modality(src)).quality is None


def _s2_and_scl_file(tmp_path):
    """Sentinel-2 B02, B03, B04, B08 (10 m) in one GeoTIFF and the SCL file beside it at 20 m, as Sen2Cor delivers it:
    a cloud (class 9) and a shadow (class 3) block."""
    from conftest import SAMPLE_S2

    with rasterio.open(SAMPLE_S2) as ds:
        bands, transform, crs = ds.read([2, 3, 4, 8]), ds.transform, ds.crs
    h, w = bands.shape[1:]
    scl = np.full((h // 2, w // 2), 4, np.uint8)
    scl[5:20, 5:25], scl[30:40, 10:30] = 9, 3
    s2 = write_raster(str(tmp_path / "s2.tif"), bands, crs=crs, transform=transform, descriptions=("B02", "B03", "B04", "B08"))
    scl_path = write_raster(str(tmp_path / "T36SYC_20230612T081609_SCL_20m.tif"), scl, crs=crs,
                            transform=transform * transform.scale(2, 2))
    return s2, scl_path, scl


def test_the_products_mask_file_given_beside_the_bands(tmp_path):
    s2, scl_path, scl = _s2_and_scl_file(tmp_path)
    out = str(tmp_path / "w.tif")
    r = extract_landcover(ExtractRequest(input=s2, prompt="water", engine="spectral", output_raster=out,
                                         cloud_mask_input=scl_path))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    up = np.repeat(np.repeat(scl, 2, 0), 2, 1)[:cls.shape[0], :cls.shape[1]]  # nearest neighbour onto the 10 m grid
    assert (cls[up == 9] == 255).all() and (cls[up == 4] != 255).all()
    assert "quality band b1 T36SYC_20230612T081609_SCL_20m.tif (Sentinel-2 Scene Classification)" in r.explanation
    out = str(tmp_path / "c.tif")
    r = detect_change(ChangeRequest(s2, s2, output_change=out, method="cva", after_cloud_mask=scl_path))
    with rasterio.open(out) as ds:
        ch = ds.read(1)
    assert (ch[up == 9] == 255).all() and (ch[up == 4] != 1).all()  # identical dates: no change (BEFORE by the network)
    assert "AFTER: the product's quality band b1 T36SYC" in r.summary and "BEFORE: ukis-csmask" in r.summary


def test_a_mask_file_covering_part_or_given_with_sar_is_said(tmp_path):
    """A mask file over half the scene, or beside a SAR raster, was used (or ignored) without a word."""
    s2, scl_path, scl = _s2_and_scl_file(tmp_path)
    with rasterio.open(scl_path) as ds:
        prof, tr = ds.profile, ds.transform
    (tmp_path / "half").mkdir()
    half = str(tmp_path / "half" / "T36SYC_20230612T081609_SCL_20m.tif")
    with rasterio.open(half, "w", **(prof | {"width": scl.shape[1] // 2})) as dst:
        dst.write(scl[None, :, : scl.shape[1] // 2])
    r = extract_landcover(ExtractRequest(input=s2, prompt="water", engine="spectral", output_raster=str(tmp_path / "w.tif"),
                                         cloud_mask_input=half))
    assert "the cloud mask file 'T36SYC_20230612T081609_SCL_20m.tif' covers 50 % of it" in r.explanation
    sar = write_raster(str(tmp_path / "s1.tif"), np.full((2, 40, 40), -12.0, np.float32), crs=prof["crs"], transform=tr,
                       descriptions=("VV", "VH"))
    r = extract_landcover(ExtractRequest(input=sar, prompt="water", output_raster=str(tmp_path / "s.tif"), cloud_mask_input=scl_path))
    assert "is not used: clouds are masked on optical images only" in r.explanation


def test_a_mask_file_that_names_no_product_or_was_resampled_is_refused(tmp_path):
    from terraprompt.plugin.core.errors import InputError

    s2, scl_path, scl = _s2_and_scl_file(tmp_path)
    with rasterio.open(scl_path) as ds:
        profile = ds.profile
    odd = str(tmp_path / "mask.tif")
    with rasterio.open(odd, "w", **profile) as ds:
        ds.write(scl, 1)
    out = str(tmp_path / "w.tif")
    with pytest.raises(InputError, match="'mask.tif' is not a cloud mask TerraPrompt can read") as e:
        extract_landcover(ExtractRequest(input=s2, prompt="water", output_raster=out, cloud_mask_input=odd))
    assert "SCL_20m.jp2" in e.value.fix
    smeared = str(tmp_path / "T36SYC_20230612T081609_SCL_10m.tif")
    with rasterio.open(smeared, "w", **profile) as ds:
        ds.write((scl * 3).astype(np.uint8), 1)  # 12, 27: not SCL classes
    with pytest.raises(InputError, match="cannot be the cloud mask: values up to 27"):
        detect_change(ChangeRequest(s2, s2, output_change=out, before_cloud_mask=smeared))
    import os

    assert not os.path.exists(out)


def test_planet_udm2_and_sentinel2_msk_classi_mask_files(tmp_path):
    """Masks with one flag band per class: a PlanetScope UDM2 file (band 6 cloud, 3 shadow) beside a four-band image,
    and a Sentinel-2 L1C MSK_CLASSI file (band 2 cirrus) at 60 m beside 10 m bands."""
    from conftest import SAMPLE_S2

    with rasterio.open(SAMPLE_S2) as ds:
        bands, transform, crs = ds.read([2, 3, 4, 8]), ds.transform, ds.crs
    h, w = bands.shape[1:]
    image = write_raster(str(tmp_path / "20230612_101010_1050_3B_AnalyticMS_SR.tif"), bands, crs=crs, transform=transform,
                         descriptions=("blue", "green", "red", "nir"))
    udm2 = np.zeros((8, h, w), np.uint8)
    udm2[0] = 1
    udm2[5, 5:30, 5:40], udm2[2, 50:70, 10:40] = 1, 1
    udm2[0, 5:30, 5:40], udm2[0, 50:70, 10:40] = 0, 0
    mask = write_raster(str(tmp_path / "20230612_101010_1050_3B_udm2.tif"), udm2, crs=crs, transform=transform)
    out = str(tmp_path / "w.tif")
    r = extract_landcover(ExtractRequest(input=image, prompt="clouds and their shadows", output_raster=out,
                                         cloud_mask_input=mask))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    assert np.array_equal(cls == 1, udm2[5] == 1) and np.array_equal(cls == 2, udm2[2] == 1)
    assert "20230612_101010_1050_3B_udm2.tif (PlanetScope UDM2): bands 6 (cloud)" in r.explanation

    classi = np.zeros((3, -(-h // 6), -(-w // 6)), np.uint8)
    classi[1, 2:6, 2:6] = 1  # cirrus
    msk = write_raster(str(tmp_path / "MSK_CLASSI_B00.tif"), classi, crs=crs, transform=transform * transform.scale(6, 6))
    r = extract_landcover(ExtractRequest(input=image, prompt="water", engine="spectral", output_raster=out,
                                         cloud_mask_input=msk))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    assert (cls[12:36, 12:36] == 255).all() and (cls[40:] != 255).all()
    assert "MSK_CLASSI_B00.tif (Sentinel-2 L1C MSK_CLASSI)" in r.explanation


def test_the_scl_band_of_gdals_sentinel2_l2a_20m_subdataset(tmp_path):
    """GDAL's SENTINEL2 driver describes the L2A 20 m subdataset's bands as 'B5, central wavelength 705 nm' … and its
    scene classification as 'SCL, Scene Classification' (the name before the comma): that band is the cloud mask."""
    descs = [f"{b}, central wavelength {nm} nm" for b, nm in (("B5", 705), ("B6", 740), ("B7", 783), ("B8A", 865),
                                                               ("B11", 1610), ("B12", 2190), ("B2", 490), ("B3", 560),
                                                               ("B4", 665))]
    descs += ["AOT, Aerosol Optical Thickness map (at 550nm)", "SCL, Scene Classification", "WVP, Scene-average Water Vapour map"]
    rng = np.random.default_rng(0)
    data = rng.integers(1000, 3000, (12, 60, 60)).astype(np.uint16)
    data[10] = 4
    data[10, :20] = 9
    path = write_raster(str(tmp_path / "l2a_20m.tif"), data, transform=from_origin(500000, 4500000, 20, 20), descriptions=descs)
    src = open_raster(path)
    m = detect_modality(src)
    assert m.name == "sentinel2_l2a" and "b11 SCL, Scene Classification (Sentinel-2 Scene Classification) is the cloud" in m.reason
    out = str(tmp_path / "c.tif")
    extract_landcover(ExtractRequest(input=path, prompt="clouds", output_raster=out))
    with rasterio.open(out) as ds:
        assert np.array_equal(ds.read(1) == 1, data[10] == 9)
