"""Text candidates mask clouds and cloud shadows as the Land cover tab does, whatever the view: the cloud network's
scene blocks of the whole raster (not the view alone), and the network engine's water taken out of ukis-csmask's
shadows. On OSCD Beihai t2 (clouds and shadows over water) the candidates of a 100 x 120 view kept 318 px the Land
cover run masked as cloud/shadow, and the network engine's kept 4,346 px over the whole raster."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.windows import Window

from conftest import shared

BEIHAI = ("oscd", "beihai", "beihai_t2.tif")


@pytest.fixture(scope="module")
def land_cover(tmp_path_factory):
    """extract_landcover's 'water' class raster of Beihai t2 per engine, made once, in one 1024-px tile (as the candidates
    classify a view: the network's output near tile borders depends on the tiling)."""
    import rasterio

    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
    from terraprompt.plugin.core.tiling import TileSpec

    path = shared(*BEIHAI)
    made: dict[str, np.ndarray] = {}

    def run(engine: str) -> np.ndarray:
        if engine not in made:
            out = str(tmp_path_factory.mktemp("lc") / f"{engine}.tif")
            extract_landcover(ExtractRequest(input=path, prompt="water", output_raster=out, engine=engine,
                                             tiles=TileSpec(1024, 64)))
            with rasterio.open(out) as ds:
                made[engine] = ds.read(1)
        return made[engine]

    return path, run


def _union(path: str, engine: str, view: Window, resolution_factor: float = 1.0) -> np.ndarray:
    """The union of the water candidates (none dropped, none grown) of a view."""
    from terraprompt.plugin.core.interactive.session import InteractiveSession
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates
    from terraprompt.plugin.core.raster import cell_size, open_raster

    src = open_raster(path)
    res = resolution_factor * cell_size(src.transform) if resolution_factor != 1.0 else None
    cs = find_candidates(InteractiveSession(src, view, resolution=res), "water", engine=engine, max_count=100_000,
                         min_pixels=1, max_grow=0)
    got = np.zeros(tuple(cs.shape), bool)
    for c in cs.candidates:
        got |= c.mask()
    return got


def test_spectral_candidates_of_a_small_view_mask_the_scene_clouds(land_cover):
    """A view smaller than a cloud-network block gets the clouds and shadows of the whole raster's blocks."""
    path, run = land_cover
    lc = run("spectral")[700:820, 600:700]
    got = _union(path, "spectral", Window(600, 700, 100, 120))
    assert not (got & (lc == 255)).any(), f"{int((got & (lc == 255)).sum())} candidate px are masked cloud/shadow"
    assert np.array_equal(got, lc == 1)


def test_network_candidates_leave_out_water_in_cloud_shadows(land_cover):
    """The network engine's water in ukis-csmask's shadows is taken out, as extract_landcover takes it out."""
    path, run = land_cover
    lc = run("network")
    got = _union(path, "network", Window(0, 0, lc.shape[1], lc.shape[0]))
    assert not (got & (lc == 255)).any(), f"{int((got & (lc == 255)).sum())} candidate px are masked cloud/shadow"
    assert np.array_equal(got, lc == 1)


def test_coarse_views_take_clouds_from_one_scene_layout(land_cover):
    """At a coarser encoded grid a sub-view gets the classes the whole view gets there (same grid, same cloud blocks)."""
    path, _ = land_cover
    whole = _union(path, "spectral", Window(0, 0, 772, 902), 2.0)
    part = _union(path, "spectral", Window(500, 600, 272, 302), 2.0)
    assert np.array_equal(part, whole[300:300 + part.shape[0], 250:250 + part.shape[1]])
