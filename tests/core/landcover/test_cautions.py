"""Concepts whose spectral extraction has a measured weakness say so in the explanation (catalogue 'caution')."""
from __future__ import annotations

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover


def test_built_up_from_spectral_indices_states_its_measured_weakness(tmp_path):
    """Built-up from spectral indices (here 100 m pixels, outside the land-cover classifier's 8-60 m) says what it also
    takes in (bare fields, sand) with the figure measured against ESA WorldCover, and what is more precise; water, which
    has no such caution, says none."""
    from rasterio.transform import from_origin

    data, _, _ = synthetic_s2(80, 100)
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES, transform=from_origin(500000, 4500000, 100, 100))
    built = extract_landcover(ExtractRequest(input=src, prompt="built-up areas", output_raster=str(tmp_path / "b.tif")))
    assert "caution: spectral indices alone also take in bare fields" in built.explanation
    assert "3 %" in built.explanation and "Find similar" in built.explanation
    water = extract_landcover(ExtractRequest(input=src, prompt="water", output_raster=str(tmp_path / "w.tif"), engine="spectral"))
    assert "caution: spectral indices alone" not in water.explanation  # (80 x 100 cells: the cloud network's narrow caution)
