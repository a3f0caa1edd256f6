"""Gaps nobody declared: a fill at the data type's largest value kept out of the cloud network, float 0.0 stripes,
Sentinel-2 bands at 0 beyond their own swath edge, a declared nodata that is not the gap value, and the cloud network's
cells averaged over valid pixels only (report_gaps findings 1, 2, 3, 4, 9)."""
from __future__ import annotations

import numpy as np
import rasterio
from rasterio.windows import Window

from conftest import S2_NAMES, shared, synthetic_s2, write_raster
from terraprompt.plugin.core.landcover.clouds import CloudMasker
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.raster import open_raster


def _stripes(h: int, w: int, every: int = 12, width: int = 2) -> np.ndarray:
    """Slanted SLC-off-like stripes: ``width`` px of every ``every`` px."""
    yy, xx = np.mgrid[0:h, 0:w]
    return (xx + yy // 3) % every < width


def _bercy(tmp_path, name: str, fill: float, dtype: str = "uint16", scale: float = 1.0) -> tuple[str, str, np.ndarray]:
    """The OSCD Bercy date-1 crop as it is, and with stripes of ``fill`` in every band (no nodata declared)."""
    with rasterio.open(shared("oscd", "bercy", "bercy_t1.tif")) as ds:
        data, prof, desc = ds.read(), ds.profile, ds.descriptions
    gap = _stripes(*data.shape[1:])
    prof.update(dtype=dtype, nodata=None)
    paths = []
    for tag, arr in (("base", data.astype(dtype) * np.asarray(scale, dtype)), (name, data.astype(dtype) * np.asarray(scale, dtype))):
        if tag == name:
            arr[:, gap] = fill
        path = str(tmp_path / f"{tag}.tif")
        with rasterio.open(path, "w", **prof) as out:
            out.write(arr)
            out.descriptions = desc
        paths.append(path)
    return paths[0], paths[1], gap


def _water(tmp_path, path: str, tag: str, engine: str = "spectral"):
    return extract_landcover(ExtractRequest(input=path, prompt="water", engine=engine, output_raster=str(tmp_path / f"{tag}.tif"),
                                            device="cpu"))


def test_fill_at_the_largest_value_is_no_cloud(tmp_path):
    """Stripes of 65535 (undeclared) are nodata to the cloud network too: the scene is not called cloud."""
    base, striped, gap = _bercy(tmp_path, "sat", 65535)
    a, b = _water(tmp_path, base, "a"), _water(tmp_path, striped, "b")
    assert b.details["cloud_excluded_m2"] < 0.05 * (b.details["cloud_excluded_m2"] + sum(b.areas_m2.values()) + 1)
    assert b.areas_m2["water"] > 0.6 * a.areas_m2["water"]  # was 0.01 ha against 438 ha: all called cloud


def test_mostly_cloud_is_cautioned():
    from terraprompt.plugin.core.landcover.clouds import mostly_cloud_caution

    assert mostly_cloud_caution(95.0, 5.0).startswith("Caution: clouds and shadows cover 95")
    assert mostly_cloud_caution(50.0, 50.0) == ""


def test_float_zero_stripes_are_nodata(tmp_path):
    """Float reflectance with stripes of 0.0 in every band and no nodata: the stripes are fill, and the Input line says so."""
    _, striped, gap = _bercy(tmp_path, "f0", 0.0, dtype="float32", scale=1e-4)
    src = open_raster(striped)
    assert src.zero_fill  # was False: 0.0 stripes read as data (92 % of them water, 14.5 % of the rest changed class)
    read = src.read(Window(0, 0, src.width, src.height), [2, 3, 4])
    assert np.ma.getmaskarray(read)[0][gap].all() and not np.ma.getmaskarray(read)[0][~gap].any()
    from terraprompt.plugin.core.raster import fill_note

    assert "0.0 in every band" in fill_note(src)


def test_float_without_zero_fill_keeps_its_values(tmp_path):
    from terraprompt.plugin.core.raster import fill_note

    data = np.random.default_rng(0).uniform(0.01, 0.5, (4, 64, 64)).astype(np.float32)
    data[:, :2, :2] = 0.0  # 4 px of 4096: under the 0.5 % share, real values
    src = open_raster(write_raster(str(tmp_path / "f.tif"), data))
    assert not src.zero_fill and fill_note(src) == ""


def test_sentinel2_band_at_zero_is_nodata(tmp_path):
    """A Sentinel-2 strip where the SWIR and 60 m bands are 0 and the 10 m bands valid: nodata, not water."""
    data, _, _ = synthetic_s2(120, 160)
    strip = np.zeros(data.shape[1:], bool)
    strip[:, -20:] = True
    for b in (0, 9, 10, 11, 12):  # B01, B09, B10, B11, B12
        data[b][strip] = 0
    src = open_raster(write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES))
    read = src.read(Window(0, 0, 160, 120), [3, 12])  # B03, B11 (MNDWI)
    assert np.ma.getmaskarray(read).any(axis=0)[strip].all()  # was valid: MNDWI = 1 there, 100 % water
    assert not np.ma.getmaskarray(read).any(axis=0)[~strip].any()
    out = extract_landcover(ExtractRequest(input=src.path, prompt="water", engine="spectral",
                                           output_raster=str(tmp_path / "w.tif"), device="cpu"))
    with rasterio.open(out.output_raster) as ds:
        assert (ds.read(1)[strip] == 255).all()


def test_eight_bit_colour_keeps_zero_in_one_band(tmp_path):
    data = np.random.default_rng(1).integers(1, 255, (3, 64, 64)).astype(np.uint8)
    data[2, :8, :] = 0  # pure yellow: blue 0 is a colour, not a fill
    src = open_raster(write_raster(str(tmp_path / "rgb.tif"), data, descriptions=["B04", "B03", "B02"]))
    assert src.zero_fill_bands == ()
    assert not np.ma.getmaskarray(src.read(Window(0, 0, 64, 64))).any()


def test_declared_nodata_other_than_the_gaps_is_cautioned(tmp_path):
    """Nodata -9999 declared, stripes of 0 in every band: the explanation cautions (they were classified silently)."""
    from terraprompt.plugin.core.raster import fill_note

    data = np.random.default_rng(2).integers(100, 3000, (6, 96, 96)).astype(np.int16)
    data[:, _stripes(96, 96)] = 0
    src = open_raster(write_raster(str(tmp_path / "l7.tif"), data, nodata=-9999))
    assert "caution:" in fill_note(src) and "-9999" in fill_note(src)
    clean = np.random.default_rng(2).integers(100, 3000, (6, 96, 96)).astype(np.int16)
    assert fill_note(open_raster(write_raster(str(tmp_path / "ok.tif"), clean, nodata=-9999))) == ""


class _Session:
    """An ONNX session stand-in that records the network's input and answers clear sky."""

    def __init__(self) -> None:
        self.inputs: list[np.ndarray] = []

    def run(self, _names, feeds: dict) -> list[np.ndarray]:
        x = next(iter(feeds.values()))
        self.inputs.append(x)
        out = np.zeros((1, 3, *x.shape[2:]), np.float32)
        out[:, 0] = 1.0
        return [out]


def test_cloud_cells_average_valid_pixels_only():
    """Masked gaps reach the cloud network as their neighbours' values, not as 0 reflectance (dark like shadow)."""
    masker = object.__new__(CloudMasker)
    masker.bands, masker.factor, masker.pixel_m = ("blue", "green", "red", "nir"), 3, 10.0
    masker.mean, masker.std = np.zeros((4, 1, 1), np.float32), np.ones((4, 1, 1), np.float32)
    masker.session, masker.input_name, masker.skipped, masker.narrow = _Session(), "x", None, None
    h, w = 150, 150
    gap = _stripes(h, w, every=12, width=4)
    bands = {b: np.full((h, w), 0.2, np.float32) for b in masker.bands}
    masker.probabilities(bands, ~gap)
    x = masker.session.inputs[0][0][:, :h // 3, :w // 3]
    assert np.allclose(x, 0.2, atol=1e-5)  # was as low as 0.0 in the cells of the stripes: false shadow
