"""extract_landcover's SAR_INPUT and DSM_INPUT: a file that clearly holds another kind of data than its slot takes is
refused, naming the slot and the likely swap; an ambiguous one-band file is read as its slot says, and said so."""
from __future__ import annotations

import os

import numpy as np
import pytest

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.modalities import looks_like
from terraprompt.plugin.core.raster import open_raster
from terraprompt.plugin.core.tiling import TileSpec

H, W = 200, 300


@pytest.fixture
def ws(tmp_path):
    """An S2 scene, a one-band SAR file in dB and a DSM in metres on its grid, and an empty output folder."""
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    out.mkdir()
    rng = np.random.default_rng(0)
    files = {"s2": write_raster(str(inp / "s2.tif"), synthetic_s2(H, W)[0], descriptions=S2_NAMES),
             "s1": write_raster(str(inp / "s1.tif"), rng.normal(-12, 3, (2, H, W)).astype(np.float32), descriptions=["VV", "VH"])}
    db = rng.normal(-12, 3, (1, H, W)).astype(np.float32)
    heights = (120 + rng.normal(0, 0.3, (1, H, W))).astype(np.float32)
    return inp, out, files, db, heights


def _req(out, inp, prompt="water", **kw) -> ExtractRequest:
    return ExtractRequest(input=inp, prompt=prompt, output_raster=str(out / "lc.tif"), output_vector=str(out / "lc.gpkg"),
                          engine="spectral", tiles=TileSpec(64, 16, 2), **kw)


def _refused(req: ExtractRequest) -> ModalityError:
    """Run, expect a ModalityError, check nothing was written and that the fix is said once, without 'generic'."""
    with pytest.raises(ModalityError) as err:
        extract_landcover(req)
    e = err.value
    assert not os.listdir(os.path.dirname(req.output_raster)), "nothing may be written"
    assert e.fix and str(e).count(e.fix) == 1 and "generic" not in str(e), str(e)
    return e


@pytest.mark.parametrize("prompt", ["buildings taller than 5 m", "land cover map"])
def test_vv_band_as_dsm_is_refused(ws, prompt):
    inp, out, f, db, _ = ws
    vv = write_raster(str(inp / "band1.tif"), db, descriptions=["VV"])
    e = _refused(_req(out, f["s2"], prompt, dsm_input=vv))
    assert "'band1.tif' given as DSM_INPUT looks like SAR (band VV)" in e.problem, e.problem
    assert "SAR_INPUT" in e.fix, e.fix


def test_file_named_s1_as_dsm_is_refused(ws):
    inp, out, f, db, _ = ws
    s1 = write_raster(str(inp / "s1_band1.tif"), db)  # one undescribed band, as the tester's copy of band 1
    e = _refused(_req(out, f["s2"], "buildings taller than 5 m", dsm_input=s1))
    assert "DSM_INPUT looks like SAR (the file name says 's1')" in e.problem and "SAR_INPUT" in e.fix, str(e)


def test_dsm_as_sar_is_refused(ws):
    inp, out, f, _, heights = ws
    dsm = write_raster(str(inp / "dsm_nw_corner_5m.tif"), heights, nodata=-9999)
    e = _refused(_req(out, f["s2"], sar_input=dsm))
    assert "'dsm_nw_corner_5m.tif' given as SAR_INPUT looks like heights" in e.problem and "'dsm'" in e.problem, e.problem
    assert "DSM_INPUT" in e.fix, e.fix


def test_sar_as_input_with_optical_as_sar_names_the_swap(ws):
    _, out, f, _, _ = ws
    e = _refused(_req(out, f["s1"], sar_input=f["s2"]))
    assert "'s2.tif' given as SAR_INPUT looks like an optical image (Sentinel-2" in e.problem, e.problem
    assert e.fix == "INPUT and SAR_INPUT look swapped: give 's2.tif' as INPUT and 's1.tif' as SAR_INPUT.", e.fix


@pytest.mark.parametrize("slot", ["sar_input", "dsm_input"])
def test_optical_in_a_secondary_slot_names_the_slot(ws, slot):
    _, out, f, _, _ = ws
    e = _refused(_req(out, f["s2"], **{slot: f["s2"]}))
    param = slot.upper()
    assert f"given as {param} looks like an optical image" in e.problem and param in e.fix, str(e)


def test_sar_as_dsm_names_the_slot(ws):
    _, out, f, _, _ = ws
    e = _refused(_req(out, f["s1"], dsm_input=f["s1"]))
    assert "'s1.tif' given as DSM_INPUT looks like SAR (bands VV, VH)" in e.problem and "SAR_INPUT" in e.fix, str(e)


def test_sar_and_dsm_swapped(ws):
    inp, out, f, db, heights = ws
    dsm = write_raster(str(inp / "dsm.tif"), heights)
    vv = write_raster(str(inp / "vv.tif"), db)
    e = _refused(_req(out, f["s2"], sar_input=dsm, dsm_input=vv))
    assert e.fix == "SAR_INPUT and DSM_INPUT look swapped: give 'vv.tif' as SAR_INPUT and 'dsm.tif' as DSM_INPUT.", e.fix


def test_secondaries_are_labelled_by_their_slot(ws):
    inp, out, f, db, heights = ws
    dsm = write_raster(str(inp / "surface.tif"), heights)  # nothing says heights: read as its slot says
    r = extract_landcover(_req(out, f["s2"], "water and buildings", sar_input=f["s1"], dsm_input=dsm))
    lines = [ln for ln in r.explanation.splitlines() if ln.startswith("Input:")]
    assert len(lines) == 3 and "chosen by the analyst" not in "\n".join(lines), lines
    assert "(given as SAR_INPUT" in lines[1] and "(given as DSM_INPUT" in lines[2], lines
    assert "caution" not in lines[2], lines[2]


def test_undescribed_db_band_as_dsm_is_read_with_a_caution(ws):
    inp, out, f, db, _ = ws
    band = write_raster(str(inp / "band1.tif"), db)  # no description, no telling name: ambiguous, accepted
    r = extract_landcover(_req(out, f["s2"], "buildings taller than 5 m", dsm_input=band))
    line = [ln for ln in r.explanation.splitlines() if ln.startswith("Input:") and "given as DSM_INPUT" in ln][0]
    assert "caution: its values look like SAR backscatter" in line and "give it as SAR_INPUT" in line, line


@pytest.mark.parametrize("name,family", [("S1A_IW_GRDH_1SDV_20200101.tif", "sar"), ("sigma0_vh.tif", "sar"),
                                         ("ndsm_2m.tif", "height"), ("copdem_30.tif", "height"), ("s1_dem_corrected.tif", ""),
                                         ("band1.tif", ""), ("s10_tile.tif", "")])
def test_file_names(tmp_path, name, family):
    p = write_raster(str(tmp_path / name), np.full((1, 20, 20), 5, np.float32))
    assert looks_like(open_raster(p))[0] == family


def test_undescribed_bands_beyond_the_slot_name_it(ws):
    inp, out, f, _, _ = ws
    three = write_raster(str(inp / "stack.tif"), np.full((3, H, W), -12, np.float32))  # nothing names them: no guess said
    e = _refused(_req(out, f["s2"], sar_input=three))
    assert e.problem == "SAR_INPUT takes 1 or 2 bands (VV[, VH]); 'stack.tif' has 3.", e.problem
    e = _refused(_req(out, f["s2"], dsm_input=three))
    assert e.problem == "DSM_INPUT takes one band of heights; 'stack.tif' has 3.", e.problem
