"""The per-block rules of extract_landcover: class and confidence from the engine's scores, and the area tally."""
from __future__ import annotations

import numpy as np
from rasterio.windows import Window

from terraprompt.plugin.core.landcover.extract import NODATA, AreaTally, classify_block


def test_best_concept_at_half_probability_exclusions_and_clouds():
    # 2 wanted concepts (water, vegetation) + 1 excluded, 1 x 5 pixels
    scores = np.array([[[0.9, 0.4, 0.6, 0.7, 0.9]],
                       [[0.2, 0.3, 0.7, 0.1, 0.1]],
                       [[0.0, 0.0, 0.0, 0.8, 0.0]]], np.float32)
    valid = np.array([[True, True, True, True, False]])
    cloudy = np.array([[False, False, False, False, False]])
    cls, conf, v, filled = classify_block(scores, 2, valid, cloudy)
    assert not filled.any()
    assert cls.tolist() == [[1, 0, 2, 0, NODATA]]  # best >= 0.5; none >= 0.5 → background; excluded wins → background
    assert np.allclose(conf[0, :3], [0.9, 0.6, 0.7])  # the class's score, or 1 - the best score for background
    assert v.tolist() == valid.tolist()
    cls, _, v, _ = classify_block(scores, 2, valid, np.array([[True, False, False, False, False]]))
    assert cls[0, 0] == NODATA and not v[0, 0]  # a cloud is neither a class nor valid


def test_a_whole_map_fills_pixels_below_half_with_the_likeliest_filling_class():
    # 3 wanted concepts (water, forest, built-up; water does not fill) + 1 excluded, 1 x 6 pixels
    scores = np.array([[[0.45, 0.1, 0.9, 0.1, 0.1, 0.3]],
                       [[0.30, 0.4, 0.1, 0.2, 0.1, 0.2]],
                       [[0.20, 0.3, 0.0, 0.3, 0.6, 0.1]],
                       [[0.00, 0.0, 0.0, 0.4, 0.7, 0.0]]], np.float32)
    valid = np.array([[True, True, True, True, True, False]])
    cls, conf, v, filled = classify_block(scores, 3, valid, np.zeros_like(valid), fill=[1, 2])
    # water below 0.5 takes forest, not water; an excluded concept likelier (0.4 > 0.3) or >= 0.5 leaves 0; nodata stays
    assert cls.tolist() == [[2, 2, 1, 0, 0, NODATA]]
    assert filled.tolist() == [[True, True, False, False, False, False]]
    assert np.allclose(conf[0, :3], [0.3, 0.4, 0.9])  # a filled pixel's confidence is its class's probability, < 0.5


def test_area_tally_weights_rows_by_pixel_area():
    tally = AreaTally(2, np.array([10.0, 20.0]))  # m² of one pixel in rows 0 and 1
    cls = np.array([[1, 2, 0], [1, NODATA, NODATA]], np.uint8)
    valid = cls != NODATA
    cloudy = np.array([[False, False, False], [False, True, False]])
    conf = np.array([[0.9, 0.5, 0.8], [0.7, 0.0, 0.0]])
    tally.add(Window(0, 0, 3, 2), cls, conf, valid, cloudy, np.zeros_like(valid))
    assert tally.counts.tolist() == [10.0, 30.0, 10.0]
    assert (tally.nodata, tally.cloud) == (20.0, 20.0)
    assert tally.low_conf == 1 and tally.conf_n == 4
    assert np.allclose(tally.class_conf[1], [1.6, 2])


def test_a_maps_first_class_wins_wherever_it_reaches_half():
    scores = np.array([[[0.6, 0.6, 0.3]],    # water (first)
                       [[0.9, 0.4, 0.9]]],   # forest
                      np.float32)
    valid = np.ones((1, 3), bool)
    cls, conf, _, _ = classify_block(scores, 2, valid, np.zeros_like(valid))
    assert cls.tolist() == [[2, 1, 2]]  # the likelier class
    cls, conf, _, _ = classify_block(scores, 2, valid, np.zeros_like(valid), first=[0])
    assert cls.tolist() == [[1, 1, 2]]  # water at 0.6 wins over forest at 0.9; under 0.5 it does not
    assert np.allclose(conf[0], [0.6, 0.6, 0.9])
