"""Which bands the interactive engines read is said in the segment_prompts and encode_image reports: the network sees
three bands (13-band Sentinel-2: 4, 3, 2; SAR: VV, VH, VV; an undescribed 2-band file: 1, 2, 1) and nothing said so."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, segment_prompts
from terraprompt.plugin.core.interactive.classical import ClassicalEngine
from terraprompt.plugin.core.interactive.encoder import bands_line
from terraprompt.plugin.core.interactive.network import NetworkEngine
from terraprompt.plugin.core.interactive.precompute import encode_raster
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import open_raster

TRANSFORM = from_origin(500000, 4500000, 10, 10)


@pytest.fixture(scope="module")
def network():
    return NetworkEngine(device="cpu")


def _s2(tmp_path) -> str:
    data, _, _ = synthetic_s2(64, 64)
    return write_raster(str(tmp_path / "s2.tif"), data, transform=TRANSFORM, descriptions=S2_NAMES)


def _two_bands(tmp_path) -> str:
    data = (np.random.default_rng(2).random((2, 64, 64)) * 3000 + 100).astype(np.uint16)
    return write_raster(str(tmp_path / "two.tif"), data, transform=TRANSFORM)


def _sar(tmp_path) -> str:
    data = (np.random.default_rng(3).normal(-12, 2, (2, 64, 64))).astype(np.float32)
    return write_raster(str(tmp_path / "s1.tif"), data, transform=TRANSFORM, descriptions=["VV", "VH"])


def test_lines_by_layout(tmp_path, network):
    s2 = open_raster(_s2(tmp_path))
    assert bands_line(s2, network, detect_modality(s2)).startswith("bands 4, 3, 2 as red, green, blue (Sentinel-2")
    assert bands_line(s2, ClassicalEngine(), detect_modality(s2)).startswith("bands 1-13 (")
    sar = open_raster(_sar(tmp_path))
    assert bands_line(sar, network, detect_modality(sar)) == "bands 1, 2, 1 (VV, VH, VV) as red, green, blue (SAR)"
    two = open_raster(_two_bands(tmp_path))
    assert bands_line(two, network, None) == "unrecognised band layout: bands 1, 2, 1 used as they are"


def test_segment_prompts_report_names_the_bands(tmp_path):
    path = _s2(tmp_path)
    x, y = TRANSFORM * (16.5, 32.5)  # in the lake
    res = segment_prompts(SegmentRequest(path, [PromptObject(1, [(x, y, True)])], str(tmp_path / "o.gpkg"),
                                         model="network", device="cpu", cache_dir=""))
    assert "bands 4, 3, 2 as red, green, blue (Sentinel-2" in res.report, res.report


def test_encode_image_report_names_the_bands(tmp_path):
    res = encode_raster(_two_bands(tmp_path), model="network", device="cpu", cache_dir=str(tmp_path / "cache"))
    assert "Unrecognised band layout: bands 1, 2, 1 used as they are." in res.report, res.report
