"""extract_landcover's explanation (the layer's description too) did not name the extent: a run over an extent half off
the raster gave half the area asked for and nothing said why. It now has an 'Extent:' line as detect_change's summary
does: the window in pixels, its share of the raster, and whether the extent was clipped to the raster."""
from __future__ import annotations

from osgeo import ogr

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover


def _explanation(tmp_path, src: str, name: str, extent=None) -> str:
    res = extract_landcover(ExtractRequest(src, "water", str(tmp_path / f"{name}.tif"), str(tmp_path / f"{name}.gpkg"),
                                           engine="spectral", device="cpu", extent=extent))
    assert ogr.Open(res.output_vector).GetLayer(0).GetMetadataItem("DESCRIPTION") == res.explanation  # the layer's too
    return res.explanation


def test_the_explanation_names_the_extent_and_says_when_it_was_clipped(tmp_path):
    src = write_raster(str(tmp_path / "scene.tif"), synthetic_s2()[0], descriptions=S2_NAMES)  # 300 x 200 px of 10 m
    half_off = _explanation(tmp_path, src, "half", (499500.0, 4499000.0, 500500.0, 4500000.0))  # 50 px left of the raster
    assert "Extent: 50x100 px of scene.tif (8.3 %), columns 0-49, rows 0-99; the chosen extent reaches past the raster " \
           "and was clipped to it" in half_off.splitlines()
    inside = _explanation(tmp_path, src, "inside", (500100.0, 4499000.0, 500500.0, 4499500.0))
    assert "Extent: 40x50 px of scene.tif (3.3 %), columns 10-49, rows 50-99" in inside.splitlines()
    assert "Extent:" not in _explanation(tmp_path, src, "whole")
