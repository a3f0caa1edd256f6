"""The classical engine on generated scenes and real building crops."""
from __future__ import annotations

import numpy as np
import pytest

from terraprompt.plugin.core.interactive.classical import ClassicalEngine

from interactive_helpers import scene


def _iou(a, b):
    return (a & b).sum() / max((a | b).sum(), 1)


def _centre(m):
    rr, cc = np.nonzero(m)
    return np.array([[cc.mean() + 0.5, rr.mean() + 0.5]])


@pytest.mark.parametrize("bands", [1, 3, 6])
def test_one_click_segments_each_object(bands):
    data, masks = scene(bands=bands)
    eng = ClassicalEngine()
    f = eng.encode(data, np.ones(data.shape[1:], bool))
    for k, gt in masks.items():
        mask, score = eng.decode(f, _centre(gt), np.array([1]))
        assert _iou(mask, gt) > 0.9, (bands, k, _iou(mask, gt))
        assert 0.0 < score <= 1.0


def test_negative_click_removes_leak():
    # two touching objects of the same colour: one click takes both, a negative click on the second separates them
    data, masks = scene(objects=[("rect", 60, 60, 40, 40, (200, 200, 200)), ("rect", 60, 100, 40, 40, (200, 200, 200))], noise=2)
    eng = ClassicalEngine()
    f = eng.encode(data, np.ones(data.shape[1:], bool))
    both = masks[1] | masks[2]
    m1, _ = eng.decode(f, _centre(masks[1]), np.array([1]))
    assert _iou(m1, both) > 0.8
    pts = np.vstack([_centre(masks[1]), _centre(masks[2])])
    m2, _ = eng.decode(f, pts, np.array([1, 0]))
    assert _iou(m2, masks[1]) > 0.75 and (m2 & masks[2]).sum() < 0.15 * masks[2].sum()


def test_box_prompt_alone():
    data, masks = scene()
    eng = ClassicalEngine()
    f = eng.encode(data, np.ones(data.shape[1:], bool))
    gt = masks[1]
    rr, cc = np.nonzero(gt)
    box = np.array([cc.min() - 3, rr.min() - 3, cc.max() + 4, rr.max() + 4], float)
    mask, _ = eng.decode(f, np.zeros((0, 2)), np.zeros(0), box)
    assert _iou(mask, gt) > 0.85


def test_no_valid_seed_gives_empty_mask():
    data, masks = scene()
    valid = np.ones(data.shape[1:], bool)
    valid[:20, :20] = False
    eng = ClassicalEngine()
    f = eng.encode(data, valid)
    mask, score = eng.decode(f, np.array([[5.0, 5.0]]), np.array([1]))
    assert not mask.any() and score == 0.0


def test_invalid_pixels_never_in_mask():
    data, masks = scene()
    valid = np.ones(data.shape[1:], bool)
    valid[45:55, 60:70] = False  # a nodata hole inside object 1
    eng = ClassicalEngine()
    f = eng.encode(data, valid)
    mask, _ = eng.decode(f, np.array([[52.0, 65.0]]), np.array([1]))
    assert mask.any() and not mask[~valid].any()


def _click_ious(image, inst, min_px=200, clicks=1):
    """IoU per object after ``clicks`` simulated clicks (training/eval_interactive.py protocol)."""
    import sys

    from conftest import ROOT

    sys.path.insert(0, ROOT)
    from training.eval_interactive import simulate

    eng = ClassicalEngine()
    f = eng.encode(image, np.ones(inst.shape, bool))
    out = []
    for k in np.unique(inst)[1:]:
        gt = inst == k
        if gt.sum() >= min_px:
            out.append(simulate(lambda p, l: eng.decode(f, p, l)[0], gt, max_clicks=clicks)[-1])
    return out


def test_real_building_crop_in_repo():
    """A 128 x 128 crop of 0.5 m RGB Rio (tests/data) with 9 buildings: one click finds them, more clicks do better."""
    import os

    import rasterio

    base = os.path.join(os.path.dirname(__file__), "..", "..", "data", "rio_buildings_crop_")
    with rasterio.open(base + "image.tif") as ds:
        image = ds.read().astype(np.float32)
    with rasterio.open(base + "instances.tif") as ds:
        inst = ds.read(1)
    one = _click_ious(image, inst, clicks=1)
    three = _click_ious(image, inst, clicks=3)
    assert len(one) >= 9
    assert np.mean(one) > 0.3, one
    assert np.mean(three) > np.mean(one) + 0.05, (one, three)


def test_real_building_tile(shared_buildings):
    image, inst = shared_buildings
    ious = _click_ious(image, inst, min_px=300)
    # the classical baseline on 0.5 m panchromatic Atlanta buildings (see training/eval_interactive.py)
    assert np.mean(ious) > 0.3


@pytest.fixture
def shared_buildings():
    import rasterio
    from conftest import shared

    img = shared("buildings", "atl_r0c0_image.tif")
    with rasterio.open(img) as ds:
        image = ds.read().astype(np.float32)
    with rasterio.open(img.replace("_image", "_instances")) as ds:
        inst = ds.read(1)
    return image, inst


def test_model_card_matches_the_code():
    import json
    import os

    from terraprompt.plugin.core.catalog import MODELS_DIR
    from terraprompt.plugin.core.interactive.classical import ENGINE_VERSION

    with open(os.path.join(MODELS_DIR, "interactive_classical.json"), encoding="utf-8") as fh:
        card = json.load(fh)
    eng = ClassicalEngine()
    assert card["version"] == ENGINE_VERSION and card["parameters"] == eng.params and card["parameters_sha256"] == eng.sha256
    assert "sha256" not in card  # no weights file: diagnostics' model checks must not look for one
