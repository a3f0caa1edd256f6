"""MODALITY 'generic' pairs bands by position: across sensors whose band descriptions name different bands (Sentinel-2
B05 red edge with Landsat SR_B5 NIR) the summary cautions; the refusal for rasters without a common band no longer
recommends setting MODALITY (the dock has none, and 'generic' pairs by position)."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import S2_NAMES, write_raster
from terraprompt.plugin.core.change.align import align_pair, common_roles
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster

from change_pairs import change_pair


def _caution(before: str, after: str) -> list[str]:
    b, a = open_raster(before), open_raster(after)
    pair = align_pair(b, a, resolve_modality(b, "generic"), resolve_modality(a, "generic"), "none", cloud_mask=False)
    return [r for r in pair.report if r.startswith("Caution: bands are paired by position")]


def test_generic_pairing_of_differently_described_bands_is_cautioned(tmp_path):
    b, a, _ = change_pair()
    pb = write_raster(str(tmp_path / "before.tif"), b, descriptions=S2_NAMES)
    landsat = [f"SR_B{i}" for i in range(1, 8)]
    pa = write_raster(str(tmp_path / "LC08_L2SP_200029_20171026_20200903_02_T1.tif"), a[:7], descriptions=landsat)
    said = _caution(pb, pa)
    assert said and "b5 B05 (rededge1) with b5 SR_B5 (nir)" in said[0], said


def test_generic_pairing_of_the_same_bands_is_not_cautioned(tmp_path):
    b, a, _ = change_pair()
    pb = write_raster(str(tmp_path / "before.tif"), b, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "after.tif"), a, descriptions=S2_NAMES)
    assert _caution(pb, pa) == []


def test_no_common_band_refusal_does_not_recommend_modality(tmp_path):
    sar = write_raster(str(tmp_path / "s1_vv_vh.tif"), np.ones((2, 20, 20), np.float32) * 0.05, descriptions=["VV", "VH"])
    b, _, _ = change_pair()
    pb = write_raster(str(tmp_path / "before.tif"), b, descriptions=S2_NAMES)
    with pytest.raises(ModalityError) as err:
        common_roles(resolve_modality(open_raster(pb)), resolve_modality(open_raster(sar)))
    assert "set MODALITY" not in str(err.value) and "by position" in str(err.value)
