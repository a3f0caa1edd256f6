"""extract_landcover on bad inputs: a clear message (problem + fix) and nothing left behind."""
from __future__ import annotations

import os
import tempfile

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.errors import (Cancelled, InputError, ModalityError, OutputError, PromptError,
                                            TerraPromptError)
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.tiling import TileSpec

OLD = b"old output, must survive"


@pytest.fixture(autouse=True)
def private_tmp(tmp_path, monkeypatch):
    """A private temporary folder, so leftovers are ours (other test runs share /tmp)."""
    d = tmp_path / "tmp"
    d.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(d))
    return d


@pytest.fixture
def ws(tmp_path):
    """An input folder with a good S2 scene, and an output folder holding previous outputs."""
    inp = tmp_path / "in"
    inp.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    data, _, _ = synthetic_s2(200, 300)
    s2 = write_raster(str(inp / "s2.tif"), data, descriptions=S2_NAMES)
    return inp, out, s2


def _temp_leftovers() -> set[str]:
    return {n for n in os.listdir(tempfile.gettempdir()) if n.startswith("terraprompt-")}


def _req(out, inp_path, **kw):
    kw.setdefault("prompt", "water and vegetation")
    return ExtractRequest(input=inp_path, output_raster=str(out / "lc.tif"), output_vector=str(out / "lc.gpkg"),
                          tiles=TileSpec(64, 16, 2), **kw)


def _expect(req, exc_type, *words, progress=None, is_cancelled=None):
    """Run, expect the error with a fix, and check the output folder holds nothing new."""
    out = os.path.dirname(req.output_raster)
    before = sorted(os.listdir(out)) if os.path.isdir(out) else None
    tmp_before = _temp_leftovers()
    with pytest.raises(exc_type) as err:
        extract_landcover(req, progress=progress, is_cancelled=is_cancelled)
    msg = str(err.value)
    for w in words:
        assert w.lower() in msg.lower(), msg
    assert isinstance(err.value, TerraPromptError) and err.value.fix, "every error says how to fix it"
    if before is not None:
        assert sorted(os.listdir(out)) == before, "no output or temporary file may be left behind"
    assert _temp_leftovers() <= tmp_before, "no temporary folder may be left behind"
    return err.value


def test_missing_file(ws):
    inp, out, _ = ws
    _expect(_req(out, str(inp / "nope.tif")), InputError, "nope.tif", "does not exist")


@pytest.mark.parametrize("keep", [0.05, 0.5, 0.95])
def test_corrupt_truncated_tiff(ws, keep):
    inp, out, s2 = ws
    raw = open(s2, "rb").read()
    bad = inp / "bad.tif"
    bad.write_bytes(raw[: int(len(raw) * keep)])
    _expect(_req(out, str(bad)), InputError, "bad.tif")


def test_not_a_raster(ws):
    inp, out, _ = ws
    bad = inp / "notes.tif"
    bad.write_text("this is not a raster")
    _expect(_req(out, str(bad)), InputError, "notes.tif", "cannot read")


def test_no_crs(ws):
    inp, out, _ = ws
    p = str(inp / "nocrs.tif")
    data, _, _ = synthetic_s2(50, 50)
    with rasterio.open(p, "w", driver="GTiff", width=50, height=50, count=13, dtype="uint16") as ds:
        ds.write(data)
    _expect(_req(out, p), InputError, "nocrs.tif", "coordinate reference system")


def test_all_nodata(ws):
    inp, out, _ = ws
    p = write_raster(str(inp / "empty.tif"), np.zeros((13, 60, 60), np.uint16), nodata=0, descriptions=S2_NAMES)
    _expect(_req(out, p), InputError, "empty.tif", "only nodata")


def test_band_count_fits_no_modality(ws):
    inp, out, _ = ws
    p = write_raster(str(inp / "nine.tif"), np.full((9, 40, 40), 900, np.uint16))
    e = _expect(_req(out, p), ModalityError, "nine.tif", "9 bands", "fits no modality")
    assert "generic" in e.fix


@pytest.mark.parametrize("prompt, by_example", [("buildings", True), ("roads", False)])
def test_objects_the_bands_cannot_give_point_to_find_similar(ws, prompt, by_example):
    """Buildings on a plain RGB image at 2 m (too coarse for the building head): no rule can tell a roof from a road by
    colour, so the message says which inputs would do it and, for objects (buildings), the by-example route that works on
    the image as it is."""
    inp, out, _ = ws
    rgb = np.random.default_rng(3).integers(0, 255, (3, 40, 40)).astype(np.uint8)
    p = write_raster(str(inp / "photo.tif"), rgb, transform=from_origin(500000, 4500000, 2, 2))
    e = _expect(_req(out, p, prompt=prompt), ModalityError, "cannot extract", "blue, green, red")
    assert "DSM" in e.fix or "SWIR" in e.fix
    assert ("find_similar" in e.fix) is by_example, e.fix


def test_sar_without_crs(ws):
    inp, out, s2 = ws
    p = str(inp / "s1.tif")
    with rasterio.open(p, "w", driver="GTiff", width=50, height=50, count=2, dtype="float32") as ds:
        ds.write(np.full((2, 50, 50), -15, np.float32))
        ds.descriptions = ("VV", "VH")
    _expect(_req(out, s2, sar_input=p), InputError, "s1.tif", "coordinate reference system")


def test_dsm_without_overlap(ws):
    inp, out, s2 = ws
    p = write_raster(str(inp / "dsm.tif"), np.full((1, 50, 50), 20, np.float32), crs="EPSG:4326",
                     transform=from_origin(100.0, -30.0, 1e-4, 1e-4), descriptions=["height"])
    _expect(_req(out, s2, dsm_input=p), InputError, "dsm.tif", "does not overlap")


@pytest.mark.parametrize("prompt", ["", "   "])
def test_empty_prompt(ws, prompt):
    _, out, s2 = ws
    _expect(_req(out, s2, prompt=prompt), PromptError, "empty")


def test_unwritable_output_under_a_file(ws):
    """As root nothing is read-only, but nothing can be created below a regular file."""
    inp, out, s2 = ws
    req = _req(out, s2)
    req.output_raster = os.path.join(s2, "sub", "lc.tif")
    req.output_vector = None
    _expect(req, OutputError, "cannot create the folder")
    assert os.path.isfile(s2)


def test_unwritable_output_name_too_long(ws):
    """A file name the filesystem refuses (even to root): the writer's own failure is reported cleanly."""
    _, out, s2 = ws
    req = _req(out, s2)
    req.output_raster = str(out / ("x" * 260 + ".tif"))
    _expect(req, OutputError, "cannot write")


def test_vector_output_unwritable(ws):
    inp, out, s2 = ws
    req = _req(out, s2)
    req.output_vector = os.path.join(s2, "lc.gpkg")
    _expect(req, OutputError, "cannot create the folder")


def test_output_equals_input(ws):
    inp, out, s2 = ws
    before = open(s2, "rb").read()
    req = _req(out, s2)
    req.output_raster = s2
    _expect(req, OutputError, "s2.tif", "one of the inputs")
    assert open(s2, "rb").read() == before
    # the same file reached through another path (a symlink) is still the input
    alias = out / "alias.tif"
    os.symlink(s2, alias)
    req = _req(out, s2)
    req.output_raster = str(alias)
    _expect(req, OutputError, "one of the inputs")
    assert open(s2, "rb").read() == before


def test_output_equals_secondary_input(ws):
    inp, out, s2 = ws
    dsm = write_raster(str(inp / "dsm.tif"), np.full((1, 200, 300), 20, np.float32), descriptions=["height"])
    req = _req(out, s2, dsm_input=dsm)
    req.output_raster = dsm
    _expect(req, OutputError, "one of the inputs")


@pytest.mark.parametrize("with_vector", [False, True])
def test_cancel_midway_leaves_old_outputs(ws, with_vector):
    """Cancel after the first tile: the analyst's previous outputs are untouched, no temp file remains."""
    _, out, s2 = ws
    (out / "lc.tif").write_bytes(OLD)
    (out / "lc.gpkg").write_bytes(OLD)
    req = _req(out, s2)
    if not with_vector:
        req.output_vector = None
    seen = []
    _expect(req, Cancelled, "cancelled", progress=seen.append, is_cancelled=lambda: bool(seen))
    assert (out / "lc.tif").read_bytes() == OLD and (out / "lc.gpkg").read_bytes() == OLD
    assert 0 < len(seen) < 20


def test_cancel_while_polygonising_leaves_old_outputs(ws):
    """Cancel after the raster is done but before the polygons are: both old outputs survive."""
    _, out, s2 = ws
    (out / "lc.tif").write_bytes(OLD)
    (out / "lc.gpkg").write_bytes(OLD)
    seen = []
    _expect(_req(out, s2), Cancelled, "cancelled", progress=seen.append,
            is_cancelled=lambda: bool(seen) and seen[-1] >= 80.0 - 1e-6)
    assert (out / "lc.tif").read_bytes() == OLD and (out / "lc.gpkg").read_bytes() == OLD


def test_good_run_replaces_old_outputs(ws):
    """The control: the same request without a fault replaces both outputs and leaves no temp file."""
    _, out, s2 = ws
    (out / "lc.tif").write_bytes(OLD)
    (out / "lc.gpkg").write_bytes(OLD)
    tmp_before = _temp_leftovers()
    res = extract_landcover(_req(out, s2))
    assert sorted(os.listdir(out)) == ["lc.gpkg", "lc.tif"]
    with rasterio.open(res.output_raster) as ds:
        cls = ds.read(1)
        assert ds.count == 1 and set(np.unique(cls)) <= {0, 1, 2, 255}  # 255: nodata (or masked clouds)
        assert (cls == 1).any() and (cls == 2).any()
    assert _temp_leftovers() <= tmp_before


@pytest.mark.parametrize("stage", ["tiles", "polygons"])
def test_cancel_into_a_new_folder_leaves_no_folder(ws, tmp_path, stage):
    """Outputs into nested folders that do not exist yet: a cancel (while tiling or polygonising) removes the folders the run made."""
    inp, _, s2 = ws
    new = tmp_path / "new" / "a" / "b"
    req = _req(new, s2)
    req.output_vector = str(tmp_path / "new" / "v" / "lc.gpkg")
    seen = []
    cancel = (lambda: bool(seen)) if stage == "tiles" else (lambda: bool(seen) and seen[-1] >= 80.0 - 1e-6)
    with pytest.raises(Cancelled):
        extract_landcover(req, progress=seen.append, is_cancelled=cancel)
    assert not (tmp_path / "new").exists(), "folders made for the outputs must go when the run is cancelled"
    assert sorted(os.listdir(tmp_path)) == ["in", "out", "tmp"]


def test_good_run_into_a_new_nested_folder(ws, tmp_path):
    """The control: the same outputs into new nested folders are written, and the folders kept."""
    _, _, s2 = ws
    req = _req(tmp_path / "new" / "a" / "b", s2)
    req.output_vector = str(tmp_path / "new" / "v" / "lc.gpkg")
    res = extract_landcover(req)
    assert os.listdir(tmp_path / "new" / "a" / "b") == ["lc.tif"] and os.listdir(tmp_path / "new" / "v") == ["lc.gpkg"]
    assert res.output_raster == str(tmp_path / "new" / "a" / "b" / "lc.tif")
