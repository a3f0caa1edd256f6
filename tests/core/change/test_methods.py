"""Change methods on generated pairs and real crops: CVA, IR-MAD, log-ratio, thresholds, auto choice."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window

from change_pairs import iou, write_pair
from conftest import S2_NAMES, shared, write_raster
from terraprompt.plugin.core.change.align import align_pair
from terraprompt.plugin.core.change.irmad import fit_irmad, no_change_probability
from terraprompt.plugin.core.change.methods import choose_method, make_method, window_probability
from terraprompt.plugin.core.change.noise import MIN_CHANGE, noise_cap
from terraprompt.plugin.core.thresholds import kittler_illingworth
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster


def _aligned(pb, pa, norm="auto", modality="auto", clouds=True):
    b, a = open_raster(pb), open_raster(pa)
    return align_pair(b, a, resolve_modality(b, modality), resolve_modality(a, modality), norm, clouds)


def _predict(pair, name):
    m = make_method(name)
    m.fit(pair.sample())
    blk = pair.read(Window(0, 0, pair.grid.width, pair.grid.height))
    return m.probability(blk), m


@pytest.mark.parametrize("name", ["cva", "irmad"])
def test_methods_find_the_changed_squares(tmp_path, name):
    pb, pa, truth = write_pair(tmp_path)
    prob, m = _predict(_aligned(pb, pa), name)
    assert prob.dtype == np.float32 and prob.min() >= 0 and prob.max() <= 1
    assert iou(prob >= 0.5, truth) > 0.8, m.explain()
    assert m.explain()


@pytest.mark.parametrize("name", ["cva", "irmad"])
def test_identical_inputs_give_no_change(tmp_path, name):
    pb, _, _ = write_pair(tmp_path)
    prob, _ = _predict(_aligned(pb, pb), name)
    assert (prob >= 0.5).mean() < 0.005


@pytest.mark.parametrize("name", ["cva", "irmad"])
def test_noise_only_differences_give_no_change(tmp_path, name):
    """A copy that differs by 1-2 DN of jitter, or by rounding to 0.001 reflectance, is no change (IR-MAD called half
    of such a pair changed, CVA 1 %, before the noise floor)."""
    pb, _, _ = write_pair(tmp_path)
    with rasterio.open(pb) as ds:
        dn = ds.read().astype(np.int32)
    jitter = np.clip(dn + np.random.default_rng(3).integers(-2, 3, dn.shape), 0, 65535).astype(np.uint16)
    pj = write_raster(str(tmp_path / "jitter_2022-06-01.tif"), jitter, descriptions=S2_NAMES)
    pr = write_raster(str(tmp_path / "rounded_2022-06-01.tif"), np.round(dn / 10000, 3).astype(np.float32), descriptions=S2_NAMES)
    for pa in (pj, pr):
        prob, m = _predict(_aligned(pb, pa), name)
        assert (prob >= 0.5).mean() < 0.001, m.explain()
        assert any("Noise floor" in line for line in m.notes)


def test_irmad_calls_a_gain_alone_no_change(tmp_path):
    """AFTER = BEFORE x 1.2 (a calibration difference, nothing changed): IR-MAD, invariant to gains, must keep close to
    nothing (its threshold fell to the median of the no-change chi-square, 48 % called change on an OSCD crop)."""
    pb, _, _ = write_pair(tmp_path)
    with rasterio.open(pb) as ds:
        dn = ds.read().astype(np.float64)
    pa = write_raster(str(tmp_path / "gain_2022-06-01.tif"), np.clip(dn * 1.2, 0, 65535).astype(np.uint16), descriptions=S2_NAMES)
    prob, m = _predict(_aligned(pb, pa), "irmad")
    assert (prob >= 0.5).mean() < 0.01, m.explain()
    assert any("floor" in line for line in m.notes)


def test_noise_cap_is_continuous():
    """The cap is 0 up to half the floor, 0.5 at it and 1 from 1.5 times it."""
    rms = np.array([0.0, 0.5, 1.0, 1.25, 1.5, 10.0], np.float32) * MIN_CHANGE
    np.testing.assert_allclose(noise_cap(rms), [0, 0, 0.5, 0.75, 1, 1], atol=1e-6)


def test_irmad_is_invariant_to_linear_radiometry():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4000, 4)) @ rng.normal(size=(4, 4))
    y = x + rng.normal(0, 0.1, x.shape)
    y[:200] += 3.0  # changed pixels
    m1 = fit_irmad(x, y)
    m2 = fit_irmad(x, 2.5 * y + 7.0)
    p1, p2 = no_change_probability(m1, x, y), no_change_probability(m2, x, 2.5 * y + 7.0)
    np.testing.assert_allclose(p1, p2, atol=1e-6)
    assert p1[:200].mean() < 0.01 and p1[200:].mean() > 0.3
    assert m1.converged



def test_irmad_on_constant_bands_is_no_change():
    """Flat images (an empty band everywhere, a blank test raster) must not break the fit (singular covariance)."""
    x = np.full((500, 3), 0.5)
    m = fit_irmad(x, x.copy())
    assert (no_change_probability(m, x, x) > 0.99).all()
    y = x.copy()
    y[:, 1] = np.random.default_rng(0).normal(0.5, 0.05, 500)
    assert np.isfinite(no_change_probability(fit_irmad(x, y), x, y)).all()

def test_kittler_illingworth_handles_rare_change():
    rng = np.random.default_rng(2)
    v = np.concatenate([rng.normal(1, 0.3, 98000), rng.normal(6, 0.8, 2000)])
    t = kittler_illingworth(v)
    assert 2.0 < t < 4.5


def _sar_pair(tmp_path):
    rng = np.random.default_rng(3)
    h, w = 120, 140
    base = np.full((2, h, w), 0.05, dtype=np.float32)
    base[:, :, 70:] = 0.2
    speckle = lambda: rng.gamma(4, 1 / 4, (2, h, w)).astype(np.float32)  # noqa: E731  4-look speckle
    before = base * speckle()
    later = base.copy()
    later[:, 30:70, 20:60] = 0.004  # flooded field: backscatter drops ~11 dB
    after = later * speckle()
    truth = np.zeros((h, w), bool)
    truth[30:70, 20:60] = True
    pb = write_raster(str(tmp_path / "s1_before.tif"), before, descriptions=["VV", "VH"])
    pa = write_raster(str(tmp_path / "s1_after.tif"), after, descriptions=["VV", "VH"])
    return pb, pa, truth


def test_logratio_on_sar_pair(tmp_path):
    pb, pa, truth = _sar_pair(tmp_path)
    pair = _aligned(pb, pa)
    assert pair.family == "sar" and pair.norm.kind == "none"
    assert choose_method("auto", pair)[0] == "logratio"
    prob, m = _predict(pair, "logratio")
    assert iou(prob >= 0.5, truth) > 0.8, m.explain()


def test_method_choice_and_refusals(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    pair = _aligned(pb, pa)
    assert choose_method("auto", pair)[0] in ("cva", "network")  # network when a change model is bundled
    assert "auto" in choose_method("auto", pair)[1]
    assert choose_method("cva", pair) == ("cva", "cva chosen by the analyst")
    with pytest.raises(ModalityError, match="SAR"):
        choose_method("logratio", pair)
    with pytest.raises(ModalityError, match="Unknown change method"):
        choose_method("magic", pair)


def test_tiled_equals_untiled(tmp_path):
    """Fitted once, applied per tile with the method's context read around it: identical to the whole-raster result."""
    from terraprompt.plugin.core.tiling import TileSpec, run_tiled

    pb, pa, _ = write_pair(tmp_path)
    pair = _aligned(pb, pa, clouds=False)  # the cloud CNN sees tile context; the change methods must not
    m = make_method("cva")
    m.fit(pair.sample())
    whole = m.probability(pair.read(Window(0, 0, 200, 160)))
    out = np.zeros((160, 200), np.float32)

    def sink(w, block):
        out[int(w.row_off):int(w.row_off + w.height), int(w.col_off):int(w.col_off + w.width)] = block[0]

    run_tiled(200, 160, lambda ws: [window_probability(pair, m, w)[0][None] for w in ws], sink, TileSpec(64, 0, 2))
    np.testing.assert_allclose(out, whole, atol=1e-6)


def _oscd_crop(tmp_path, city, rows=slice(0, 200), cols=slice(0, 200)):
    d = shared("oscd", city)
    paths = []
    for suffix in ("t1", "t2"):
        with rasterio.open(f"{d}/{city}_{suffix}.tif") as ds:
            win = Window(cols.start, rows.start, cols.stop - cols.start, rows.stop - rows.start)
            paths.append(write_raster(str(tmp_path / f"{city}_{suffix}.tif"), ds.read(window=win), crs=ds.crs,
                                      transform=ds.window_transform(win), descriptions=S2_NAMES))
    truth = rasterio.open(f"{d}/{city}_cm.tif").read(1, window=Window(cols.start, rows.start, cols.stop - cols.start, rows.stop - rows.start)) == 1
    return paths[0], paths[1], truth


@pytest.mark.parametrize("name", ["cva", "irmad"])
def test_real_oscd_crop_beats_chance(tmp_path, name):
    """On a real Sentinel-2 pair the changed pixels are far likelier to be flagged than unchanged ones."""
    pb, pa, truth = _oscd_crop(tmp_path, "hongkong", slice(150, 450), slice(100, 400))
    prob, _ = _predict(_aligned(pb, pa), name)
    pred = prob >= 0.5
    assert truth.any()
    assert pred[truth].mean() > 2 * pred[~truth].mean()


def test_real_taizhou_crop(tmp_path):
    d = shared("landsat_taizhou")
    with rasterio.open(f"{d}/taizhou_2000-03-17.tif") as b, rasterio.open(f"{d}/taizhou_2003-02-06.tif") as a:
        win = Window(100, 100, 200, 200)
        pb = write_raster(str(tmp_path / "b.tif"), b.read(window=win), crs=b.crs, transform=b.window_transform(win), descriptions=b.descriptions)
        pa = write_raster(str(tmp_path / "a.tif"), a.read(window=win), crs=a.crs, transform=a.window_transform(win), descriptions=a.descriptions)
    ref = rasterio.open(f"{d}/taizhou_reference.tif").read(1, window=win)
    prob, _ = _predict(_aligned(pb, pa), "cva")
    lab = ref > 0
    acc = ((prob >= 0.5)[lab] == (ref[lab] == 2)).mean()
    assert acc > 0.9


def test_cva_on_a_pair_unchanged_on_most_pixels(tmp_path):
    """Bands whose differences are exactly 0 on most pixels have no robust spread: the change is still found, and the
    summary says why its threshold is a huge number of 'robust standard deviations'."""
    pb, _, truth = write_pair(tmp_path)
    with rasterio.open(pb) as ds:
        dn = ds.read()
    after = dn.copy()
    after[:, 20:50, 120:150] = 3000  # one square changes, every other pixel is identical
    pa = write_raster(str(tmp_path / "same_2022-06-01.tif"), after, descriptions=S2_NAMES)
    prob, m = _predict(_aligned(pb, pa), "cva")
    square = np.zeros(prob.shape, bool)
    square[20:50, 120:150] = True
    assert (prob[square] >= 0.5).mean() > 0.9 and (prob[~square] >= 0.5).mean() < 0.01
    assert "unchanged on most pixels (no spread)" in m.notes[0]
