"""encode_window reads a SAR raster's identity (a digest of its bytes, its sidecars' state) once per tile."""
from __future__ import annotations

import numpy as np
from rasterio.windows import Window

from conftest import write_raster
from interactive_helpers import TRANSFORM
from terraprompt.plugin.core.interactive import cache as cache_module
from terraprompt.plugin.core.interactive import encoder as encoder_module
from terraprompt.plugin.core.interactive.cache import EmbeddingCache
from terraprompt.plugin.core.interactive.classical import ClassicalEngine
from terraprompt.plugin.core.interactive.encoder import encode_window
from terraprompt.plugin.core.modalities import detect_modality
from terraprompt.plugin.core.raster import open_raster


def test_a_sar_tile_computes_the_raster_identity_once(tmp_path, monkeypatch):
    """The SAR scaling's memo and the cache key each computed it: twice per tile."""
    data = np.random.default_rng(3).normal(-12, 2, (2, 64, 64)).astype(np.float32)
    src = open_raster(write_raster(str(tmp_path / "s1.tif"), data, transform=TRANSFORM, descriptions=["VV", "VH"]))
    modality = detect_modality(src)
    assert modality.family == "sar"
    calls = []
    real = cache_module.raster_identity

    def counted(path: str) -> dict:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(cache_module, "raster_identity", counted)
    monkeypatch.setattr(encoder_module, "raster_identity", counted)
    cache = EmbeddingCache(str(tmp_path / "cache"))
    first = encode_window(src, Window(0, 0, 64, 64), ClassicalEngine(), cache=cache, modality=modality)
    assert not first.from_cache and len(calls) == 1
    again = encode_window(src, Window(0, 0, 64, 64), ClassicalEngine(), cache=cache, modality=modality)
    assert again.from_cache and len(calls) == 2  # the same key: the identity of this tile's call fed both
    np.testing.assert_array_equal(again.valid, first.valid)
