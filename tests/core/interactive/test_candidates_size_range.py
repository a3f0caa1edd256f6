"""A prompt's maximum area replaces the 16-pixel floor, as its minimum does: 'water less than 200 m2' found nothing on a
crop with 1- and 4-pixel water regions of 79 and 314 m², and the summary gave no caution. A maximum under one pixel
of the view is refused before classifying."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin

import test_text_candidates as scenes
from conftest import S2_NAMES, write_raster
from terraprompt.plugin.core.errors import InputError


@pytest.fixture()
def session(tmp_path):
    from terraprompt.plugin.core.interactive.session import InteractiveSession
    from terraprompt.plugin.core.raster import open_raster

    data, masks = scenes.s2_scene()
    path = write_raster(str(tmp_path / "s2.tif"), data, transform=from_origin(500000, 4500000, scenes.PIXEL, scenes.PIXEL),
                        descriptions=S2_NAMES)
    return InteractiveSession(open_raster(path)), masks


def test_a_maximum_keeps_regions_under_the_pixel_floor(session):
    from terraprompt.plugin.core.interactive.text_candidates import MIN_PIXELS, find_candidates

    s, m = session
    assert m["puddle"].sum() < MIN_PIXELS  # 9 pixels, 900 m²
    cs = find_candidates(s, "water smaller than 1000 m2", engine="spectral")
    assert any(np.array_equal(c.mask(), m["puddle"]) for c in cs.candidates)
    assert all(c.area_m2 <= 1000 for c in cs.candidates)
    assert "objects ≤ 1,000 m²" in cs.summary and "pixels dropped" not in cs.summary


def test_without_a_size_the_floor_still_drops_the_puddle(session):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, m = session
    cs = find_candidates(s, "water", engine="spectral")
    assert not any(np.array_equal(c.mask(), m["puddle"]) for c in cs.candidates)
    assert "regions under 16 pixels dropped" in cs.summary


def test_a_maximum_under_one_pixel_is_refused(session):
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates

    s, _ = session
    with pytest.raises(InputError) as exc:
        find_candidates(s, "water smaller than 50 m2", engine="spectral")
    assert "(50 m²)" in str(exc.value) and "one pixel of the view (100 m²)" in str(exc.value)
    assert "zoom in" in exc.value.fix
