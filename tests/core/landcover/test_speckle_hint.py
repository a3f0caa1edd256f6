"""The explanation advises a minimum area when most polygons written are isolated pixels."""
from __future__ import annotations

import numpy as np

from conftest import S2_NAMES, paint_s2, write_raster
from terraprompt.plugin.core import vectors
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover, speckle_hint
from terraprompt.plugin.core.prompts import parse_prompt
from terraprompt.plugin.core.vectors import Written


def test_hint_only_for_many_mostly_tiny_polygons_and_no_minimum_area():
    speckle = Written({"vegetation": 1e6}, features=20_000, tiny=15_000)
    hint = speckle_hint(speckle, 100.0, parse_prompt("vegetation"))
    assert "15,000" not in hint and "20,000 written, 75 %" in hint and "'larger than 0.1 ha'" in hint
    assert "'larger than 2.5 m2'" in speckle_hint(speckle, 0.25, parse_prompt("vegetation"))  # 0.5 m pixels
    assert speckle_hint(speckle, 100.0, parse_prompt("vegetation larger than 0.5 ha")) == ""
    assert speckle_hint(Written({}, features=20_000, tiny=9_000), 100.0, parse_prompt("vegetation")) == ""
    assert speckle_hint(Written({}, features=900, tiny=900), 100.0, parse_prompt("vegetation")) == ""


def test_a_speckled_run_says_how_to_get_fewer_polygons(tmp_path, monkeypatch):
    """Scattered single vegetation pixels over bare land: the run's explanation names the share of isolated pixels and
    a minimum area; with that minimum area in the prompt the polygons are the few whole fields."""
    monkeypatch.setattr(vectors, "SPECKLE_MIN_FEATURES", 200)
    rng = np.random.default_rng(1)
    h, w = 120, 160
    veg = np.zeros((h, w), bool)
    veg[::4, ::4] = rng.random((h // 4, w // 4)) < 0.5  # isolated pixels, never touching
    veg[10:40, 10:60] = True  # two fields of 1500 and 1200 pixels
    veg[70:100, 80:120] = True
    src = write_raster(str(tmp_path / "s2.tif"), paint_s2(np.zeros((h, w), bool), veg), descriptions=S2_NAMES)
    res = extract_landcover(ExtractRequest(input=src, prompt="vegetation", output_raster=str(tmp_path / "a.tif"),
                                           output_vector=str(tmp_path / "a.gpkg"), engine="spectral"))
    assert "isolated pixels" in res.explanation and "'larger than 0.1 ha'" in res.explanation
    from osgeo import ogr

    ds = ogr.Open(str(tmp_path / "a.gpkg"))
    assert ds.GetLayer(0).GetMetadataItem("DESCRIPTION") == res.explanation  # the layer says the same
    ds = None
    res = extract_landcover(ExtractRequest(input=src, prompt="vegetation larger than 0.1 ha", output_raster=str(tmp_path / "b.tif"),
                                           output_vector=str(tmp_path / "b.gpkg"), engine="spectral"))
    assert "isolated pixels" not in res.explanation
    import fiona

    with fiona.open(str(tmp_path / "b.gpkg")) as fc:
        assert len(fc) == 2

