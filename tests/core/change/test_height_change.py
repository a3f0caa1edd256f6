"""CVA on height pairs: a vertical offset between the dates (another datum, geoid against ellipsoid heights) is removed
and said, heights rise or fall (not brighten or darken), optical pairs are left exactly as they were; the change
network's summary says what it was trained on."""
from __future__ import annotations

import numpy as np
import pytest

from terraprompt.plugin.core.change.align import PairBlock
from terraprompt.plugin.core.change.cva import CVA
from terraprompt.plugin.core.change.methods import smooth_valid
from terraprompt.plugin.core.change.noise import gate, squared_differences

SIZE = 200


def _dsm_pair(offset: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(before, after, truth): a 1 m DSM with a +10 m new building and an 8 m height loss, AFTER shifted by ``offset``."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE]
    before = (100 + 0.02 * xx + 2 * np.sin(xx / 40.0) + rng.normal(0, 0.05, (SIZE, SIZE))).astype(np.float32)
    before[120:150, 120:150] += 20  # an existing 20 m building
    after = before + rng.normal(0, 0.05, (SIZE, SIZE)).astype(np.float32)
    after[30:60, 30:70] += 10  # new building
    after[120:150, 120:150] -= 8  # partial demolition
    truth = np.zeros((SIZE, SIZE), bool)
    truth[30:60, 30:70] = truth[120:150, 120:150] = True
    return before[None], (after + np.float32(offset))[None], truth


def _fitted(before: np.ndarray, after: np.ndarray, roles: list[str]) -> tuple[CVA, PairBlock]:
    """CVA fitted on one block of the pair, and that block."""
    block = PairBlock(roles, before, after.astype(np.float32), np.ones(before.shape[1:], bool))
    m = CVA()
    m.fit([block])
    return m, block


def test_a_geoid_ellipsoid_offset_is_removed_and_every_change_found():
    m, block = _fitted(*_dsm_pair(45.0)[:2], ["height"])
    truth = _dsm_pair(45.0)[2]
    changed = m.probability(block) >= 0.5
    assert changed[30:60, 30:70].all() and changed[125:145, 125:145].all()  # the 8 m loss was lost under +45 m
    assert (changed & ~truth).sum() < 0.2 * truth.sum()
    text = "\n".join(m.explain())
    assert "Vertical offset between the dates: +45.0 m removed" in text, text


def test_an_offset_alone_is_no_change_and_said():
    before = _dsm_pair(0.0)[0]
    m, block = _fitted(before, before + np.float32(5.0), ["height"])  # the same scene, 5 m higher everywhere
    assert (m.probability(block) < 0.5).all()
    text = "\n".join(m.explain())
    assert "+5.0 m removed" in text and "beyond the vertical offset the dates do not vary" in text, text


def test_heights_rise_and_fall():
    m, _ = _fitted(*_dsm_pair(0.0)[:2], ["height"])
    text = "\n".join(m.explain())
    assert "Direction: heights rise on" in text and "brighten" not in text, text
    assert "Vertical offset" not in text  # no offset, nothing said


def test_optical_pairs_are_left_as_they_were():
    rng = np.random.default_rng(1)
    before = rng.uniform(0.02, 0.4, (4, 100, 100)).astype(np.float32)
    after = before + np.float32(0.03) + rng.normal(0, 0.01, before.shape).astype(np.float32)  # an offset, not removed
    after[:, 20:40, 20:40] += 0.2
    m, block = _fitted(before, after, ["blue", "green", "red", "nir"])
    assert not m.offsets.any() and m.centred(block) is block
    msq, mag2 = squared_differences(block, m.scale)
    assert np.array_equal(m.probability(block), gate(m.calib(smooth_valid(np.sqrt(mag2), block.valid)), block, msq))
    text = "\n".join(m.explain())
    assert "brighten" in text and "Vertical offset" not in text


def test_a_stacked_height_band_is_centred_alone():
    before, after, _ = _dsm_pair(45.0)
    rng = np.random.default_rng(2)
    red = rng.uniform(0.05, 0.3, (1, SIZE, SIZE)).astype(np.float32)
    m, _ = _fitted(np.concatenate([red, before]), np.concatenate([red + np.float32(0.02), after]), ["red", "height"])
    assert m.offsets[0] == 0 and abs(float(m.offsets[1]) - 45.0) < 0.05


def test_the_network_says_what_it_was_trained_on():
    from terraprompt.plugin.core.change.network import NetworkChange

    rng = np.random.default_rng(3)
    before = rng.uniform(0.02, 0.3, (3, 64, 64)).astype(np.float32)
    m = NetworkChange("cpu")
    m.fit([PairBlock(["red", "green", "blue"], before, before.copy(), np.ones((64, 64), bool))])
    text = "\n".join(m.explain())
    assert "trained on urban change (buildings, roads)" in text and "'cva' or 'irmad'" in text, text


def _write_dsm(path, heights: np.ndarray) -> str:
    """A 1 m DSM GeoTIFF (band described 'DSM', unit m)."""
    import rasterio
    from rasterio.transform import from_origin

    with rasterio.open(path, "w", driver="GTiff", height=SIZE, width=SIZE, count=1, dtype="float32", crs="EPSG:32631",
                       transform=from_origin(448000, 5411000, 1.0, 1.0)) as ds:
        ds.write(heights.astype(np.float32))
        ds.set_band_description(1, "DSM")
        ds.set_band_unit(1, "m")
    return str(path)


@pytest.mark.parametrize("prompt, kept, dropped", [
    ("new buildings", (slice(30, 60), slice(30, 70)), (slice(120, 150), slice(120, 150))),
    ("demolished buildings", (slice(120, 150), slice(120, 150)), (slice(30, 60), slice(30, 70))),
])
def test_built_up_to_built_up_follows_the_height(tmp_path, prompt, kept, dropped):
    import rasterio
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    before, after, _ = _dsm_pair(45.0)
    out = str(tmp_path / "change.tif")
    res = detect_change(ChangeRequest(_write_dsm(tmp_path / "b.tif", before), _write_dsm(tmp_path / "a.tif", after),
                                      output_change=out, method="cva", prompt=prompt))
    with rasterio.open(out) as ds:
        changed = ds.read(1) == 1
    assert changed[kept][2:-2, 2:-2].all() and not changed[dropped].any()  # a height loss was a 'new building'
    assert "only where the height" in res.summary


def _built_up_maps(sign: int):
    """ClassMaps with built-up on both dates and the prompt's height direction ``sign``; (from, to) scores of all built-up."""
    from terraprompt.plugin.core.change.semantic import ClassMaps

    maps = ClassMaps(["built_up", "other"], ["built_up", "other"], None, None, height_sign=sign)
    scores = np.zeros((2, 1, 4), np.float32)
    scores[0] = 1.0
    return maps, scores


@pytest.mark.parametrize("sign", [1, -1], ids=["gain", "loss"])
def test_height_noise_does_not_decide_the_direction(sign):
    """Rises of +0.2 m and falls of -0.2 m are noise (within ± MIN_CHANGE_M): neither a new nor a lowered building; +3 m
    and -3 m are."""
    maps, scores = _built_up_maps(sign)
    before = np.full((1, 1, 4), 50.0, np.float32)
    after = before + np.array([0.2, -0.2, 3.0, -3.0], np.float32)[None, None, :]
    against = maps.against_height(PairBlock(["height"], before, after, np.ones((1, 4), bool)), scores, scores)
    assert against.tolist() == [[True, True, sign < 0, sign > 0]]


def test_an_empty_sample_gives_no_nan_height_offset(recwarn):
    """No valid pixel in the sample: the height offset is 0 (the median of nothing was NaN, and a NaN offset made every
    built-up → built-up pixel go against the prompt)."""
    from terraprompt.plugin.core.change.semantic import build_class_maps

    block = PairBlock(["height"], np.ones((1, 8, 8), np.float32), np.ones((1, 8, 8), np.float32), np.zeros((8, 8), bool))
    maps = build_class_maps(["height"], [block], spec={"to": ["buildings"], "from": []})
    assert maps.height_offset == 0.0
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_height_pairs_have_a_floor_in_metres():
    """A height band's floor is MIN_CHANGE_M (0.005, a reflectance number, was no floor in metres): 0.2 m of noise cannot
    be change, 1 m can; a stacked optical band keeps the reflectance floor."""
    before = np.full((1, 9, 9), 50.0, np.float32)
    block = PairBlock(["height"], before, before + np.float32(0.2), np.ones((9, 9), bool))
    assert (gate(np.ones((9, 9), np.float32), block) == 0).all()
    block = PairBlock(["height"], before, before + np.float32(1.0), np.ones((9, 9), bool))
    assert (gate(np.ones((9, 9), np.float32), block) == 1).all()
    from terraprompt.plugin.core.change.noise import MIN_CHANGE, MIN_CHANGE_M, unit_groups

    assert MIN_CHANGE_M == 0.5 and unit_groups(["height"]) == [([0], MIN_CHANGE_M)]
    assert unit_groups(["red", "nir", "height"]) == [([0, 1], MIN_CHANGE), ([2], MIN_CHANGE_M)]


def test_auto_on_a_height_pair_gives_a_height_reason(tmp_path):
    """METHOD auto on a DSM pair said 'change vector analysis on normalised radiometry (measured best on OSCD and
    Taizhou)' beside 'no radiometric normalisation' (probe 'smoke', finding 1)."""
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    before, after, _ = _dsm_pair(45.0)
    res = detect_change(ChangeRequest(_write_dsm(tmp_path / "b.tif", before), _write_dsm(tmp_path / "a.tif", after),
                                      output_change=str(tmp_path / "change.tif")))
    line = next(ln for ln in res.summary.splitlines() if ln.startswith("Method:"))
    assert "height pair" in line and "radiometry" not in line, line
