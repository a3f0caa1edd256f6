"""A class map without a colour table (or with category names) given to the interactive tools is read as a one-band
image (find similar, text search: it was refused as a class map); land cover and change still refuse it, and the text
search words its own fix only for 'choose the modality by hand'."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import write_raster
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.interactive.text_candidates import text_modality
from terraprompt.plugin.core.modalities import detect_modality, resolve_modality
from terraprompt.plugin.core.raster import open_raster

TRANSFORM = from_origin(500000, 4500000, 0.5, 0.5)


def _classes(path: str, names: bool = False) -> str:
    """A uint8 one-band class map (codes 0-5 in 64 px blocks), optionally with GDAL category names."""
    yy, xx = np.mgrid[0:256, 0:256]
    write_raster(path, ((xx // 64 + 4 * (yy // 64)) % 6).astype(np.uint8), transform=TRANSFORM)
    if names:
        from osgeo import gdal

        ds = gdal.Open(path, gdal.GA_Update)
        ds.GetRasterBand(1).SetCategoryNames([f"class {k}" for k in range(6)])
        ds = None
    return path


@pytest.mark.parametrize("names", [False, True])
def test_interactive_tools_read_a_class_map_as_one_band(tmp_path, names):
    path = _classes(str(tmp_path / "classes.tif"), names)
    with pytest.raises(ModalityError, match="classified map"):
        detect_modality(open_raster(path))  # land cover, change
    src = open_raster(path, expand_palette="always")
    for m in (resolve_modality(src, "auto"), text_modality(src)):
        assert m.name == "generic" and m.roles == {"pan": 1} and "one-band image" in m.reason


def test_find_similar_runs_on_a_class_map_without_colour_table(tmp_path):
    from shapely.geometry import box

    from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar

    path = _classes(str(tmp_path / "classes.tif"))
    x0, y0 = TRANSFORM * (4, 4)
    x1, y1 = TRANSFORM * (60, 60)
    res = find_similar(SimilarRequest(path, [box(x0, y1, x1, y0)], str(tmp_path / "similar.gpkg"), method="appearance"))
    assert res.output_vector and (tmp_path / "similar.gpkg").exists()


def test_text_search_keeps_the_fix_of_other_refusals(tmp_path):
    """Only 'choose the modality by hand' is reworded; a band with no valid pixels keeps its own fix."""
    empty = open_raster(write_raster(str(tmp_path / "empty.tif"), np.zeros((64, 64), np.uint8), nodata=0),
                        expand_palette="always")
    with pytest.raises(ModalityError) as err:
        text_modality(empty)
    assert err.value.fix == "Check the nodata value."
    classes = open_raster(_classes(str(tmp_path / "classes.tif")))  # a class map opened for land cover
    with pytest.raises(ModalityError) as err:
        text_modality(classes)
    assert "REFERENCE_MAP" in err.value.fix and "Land cover tab" not in err.value.fix


def test_segment_and_encode_read_a_class_map_with_its_one_band_modality(tmp_path):
    """Batch clicks and Encode image read it with its modality (it was detected as none: refused as a class map)."""
    from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, segment_prompts
    from terraprompt.plugin.core.interactive.precompute import encode_raster

    path = _classes(str(tmp_path / "classes.tif"))
    x, y = TRANSFORM * (96.5, 32.5)
    res = segment_prompts(SegmentRequest(path, [PromptObject(1, [(x, y, True)])], str(tmp_path / "o.gpkg"),
                                         str(tmp_path / "o.tif"), model="classical", cache_dir=""))
    assert res.objects == 1 and "Single band (class map)" in res.report
    enc = encode_raster(path, model="classical", cache_dir=str(tmp_path / "cache"))
    assert enc.encoded == 1 and "Single band (class map)" in enc.report
