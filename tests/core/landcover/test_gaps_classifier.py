"""The land-cover classifier's texture next to masked nodata reads the valid pixels only: a stripe filled with the
tile's mean read as texture and shifted the window means, and 9.5 % of the pixels within 1.5 px of SLC-off stripes
changed class (probe on gaps, finding 7)."""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from terraprompt.plugin.core.landcover.pixel_classifier import ROLES, features

FOREST = {"blue": 0.02, "green": 0.04, "red": 0.025, "nir": 0.35, "swir1": 0.15, "swir2": 0.07}
BUILT = {"blue": 0.12, "green": 0.13, "red": 0.15, "nir": 0.2, "swir1": 0.25, "swir2": 0.22}
TEXTURE = [11, 12, 14, 15, 17, 18]
"""Local standard deviations of NDVI, brightness and NDBI."""
MEANS = [13, 16, 19]


def _tile() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """(bands of a 60 x 80 tile: forest left, built-up right; valid; the pixels next to a masked stripe in the
    forest)."""
    bands = {k: np.where(np.arange(80)[None] < 40, FOREST[k], BUILT[k]) * np.ones((60, 1), np.float32) for k in ROLES}
    valid = np.ones((60, 80), bool)
    valid[28:32, :] = False
    for k in ROLES:
        bands[k] = np.where(valid, bands[k], 0.0).astype(np.float32)
    near = ndimage.binary_dilation(~valid, iterations=2) & valid
    near[:, 25:] = False  # forest pixels whose windows stay within the forest
    return bands, valid, near


def test_texture_next_to_a_gap_is_the_field_s():
    """A uniform forest keeps no texture and its own mean next to a masked stripe."""
    bands, valid, near = _tile()
    f = features(bands, valid, 30.0)
    far = features(bands, np.ones_like(valid), 30.0)
    assert np.abs(f[TEXTURE][:, near]).max() < 1e-3
    ref = far[MEANS][:, 45, 5]  # forest, far from the stripe and the built-up half
    assert np.abs(f[MEANS][:, near] - ref[:, None]).max() < 1e-3


def test_no_gap_keeps_the_features():
    """Without nodata the features are the plain window statistics."""
    rng = np.random.default_rng(1)
    bands = {k: rng.uniform(0.02, 0.4, (40, 40)).astype(np.float32) for k in ROLES}
    f = features(bands, np.ones((40, 40), bool), 30.0)
    ndvi = (bands["nir"] - bands["red"]) / (bands["nir"] + bands["red"] + np.float32(1e-6))
    m, m2 = ndimage.uniform_filter(ndvi, 3, mode="reflect"), ndimage.uniform_filter(ndvi * ndvi, 3, mode="reflect")
    assert np.allclose(f[11], np.sqrt(np.maximum(m2 - m * m, 0)), atol=1e-5)
    assert np.allclose(f[13], ndimage.uniform_filter(ndvi, 7, mode="reflect"), atol=1e-6)
