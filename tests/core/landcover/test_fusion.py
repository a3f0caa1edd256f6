"""S2 + S1 water fusion on a generated scene: optical nodata in one half, SAR noisy in the other."""
from __future__ import annotations

import numpy as np

from terraprompt.plugin.core.landcover.spectral import Context, SpectralEngine
from terraprompt.plugin.core.stack import BandSet

OPTICAL = ("blue", "green", "red", "nir", "swir1", "swir2")
WATER_REFL = {"blue": 0.07, "green": 0.06, "red": 0.04, "nir": 0.02, "swir1": 0.01, "swir2": 0.005}
LAND_REFL = {"blue": 0.06, "green": 0.08, "red": 0.09, "nir": 0.30, "swir1": 0.25, "swir2": 0.15}


def _scene(h: int = 96, w: int = 192, seed: int = 3):
    """Water truth (a river and a lake), optical reflectance and SAR dB bands; SAR is very noisy in the right half."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:h, :w]
    truth = (np.abs(yy - (h / 2 + 12 * np.sin(xx / 15))) < 8) | ((yy - 20) ** 2 + (xx - 150) ** 2 < 14 ** 2) \
        | ((yy - 75) ** 2 + (xx - 40) ** 2 < 12 ** 2)
    bands = {}
    for r in OPTICAL:
        v = np.where(truth, WATER_REFL[r], LAND_REFL[r]) * (1 + 0.1 * rng.standard_normal((h, w)))
        bands[r] = v.astype(np.float32)
    noise = np.where(xx < w // 2, 1.5, 7.0)  # dB: calm on the left, speckle and wind on the right
    bands["vv"] = (np.where(truth, -21.0, -9.0) + noise * rng.standard_normal((h, w))).astype(np.float32)
    bands["vh"] = (np.where(truth, -28.0, -16.0) + noise * rng.standard_normal((h, w))).astype(np.float32)
    optical_valid = xx >= w // 2  # the optical image is nodata (or clouded) on the left
    sar_valid = np.ones((h, w), dtype=bool)
    role_valid = {r: (optical_valid if r in OPTICAL else sar_valid) for r in bands}
    return bands, role_valid, truth


def _iou(pred, truth):
    return (pred & truth).sum() / max((pred | truth).sum(), 1)


def _water(bands, role_valid, concepts=("water",)):
    """Water decision (False where the engine cannot decide), the decidable mask and the engine."""
    eng = SpectralEngine(list(concepts), set(bands), Context(pixel_m=10.0, cloud_mask=False))
    valid = np.logical_and.reduce([role_valid[r] for r in bands])
    bs = BandSet(bands, valid, {r: role_valid[r] for r in bands})
    eng.fit(bs)
    sc = eng.scores(bs)
    ok = eng.decidable(bs)
    return (sc[0] >= 0.5) & ok, ok, eng


def test_fusion_beats_each_alone_on_generated_scene():
    bands, role_valid, truth = _scene()
    opt = {r: bands[r] for r in OPTICAL}
    sar = {r: bands[r] for r in ("vv", "vh")}
    p_opt, ok_opt, _ = _water(opt, role_valid)
    p_sar, _, _ = _water(sar, role_valid)
    p_fus, ok_fus, eng = _water(bands, role_valid)
    i_opt, i_sar, i_fus = _iou(p_opt, truth), _iou(p_sar, truth), _iou(p_fus, truth)
    assert not ok_opt[:, :96].any() and ok_fus.all()  # optical alone leaves the left half undecided; fused decides all
    assert i_fus > i_opt + 0.2 and i_fus > i_sar + 0.1, (i_opt, i_sar, i_fus)
    # clear-sky optical keeps the decision where SAR is noisy; SAR decides alone where the optical image is nodata
    assert _iou(p_fus[:, 96:], truth[:, 96:]) > _iou(p_sar[:, 96:], truth[:, 96:]) + 0.2
    sar_only = eng.sar_only(1)
    assert sar_only is not None and sar_only[:, :96].all() and not sar_only[:, 96:].any()
    assert any("SAR alone where the optical image is nodata" in line for line in eng.explain())


def test_sar_nodata_leaves_optical_decision():
    bands, role_valid, truth = _scene()
    role_valid = dict(role_valid)
    h, w = truth.shape
    right_only = np.zeros((h, w), dtype=bool)
    right_only[:, w // 2:] = True
    role_valid["vv"] = role_valid["vh"] = ~right_only  # SAR covers the left half only; optical the right half only
    p, ok, eng = _water(bands, role_valid)
    assert ok.all()
    p_opt, _, _ = _water({r: bands[r] for r in OPTICAL}, role_valid)
    assert (p[:, w // 2:] == p_opt[:, w // 2:]).all()
    assert not eng.sar_only(1)[:, w // 2:].any()


def test_other_concepts_keep_the_intersection():
    """Vegetation cannot come from SAR: with it in the prompt, only pixels valid in every layer are decided."""
    bands, role_valid, _ = _scene()
    _, ok, _ = _water(bands, role_valid, ("water", "vegetation"))
    assert not ok[:, :96].any() and ok[:, 96:].all()


def test_fusion_line_says_who_masks_clouds():
    """Without the cloud network's context (a change run masks clouds itself as nodata of either date) the fusion line
    said '(no cloud network here)' under an Alignment line saying the cloud network ran (probe 'smoke', finding 2)."""
    roles = {"blue", "green", "red", "nir", "swir1", "swir2", "vv", "vh"}

    def line(cloud_mask: bool) -> str:
        eng = SpectralEngine(["water"], roles, Context(pixel_m=10.0, cloud_mask=cloud_mask))
        return next(ln for ln in eng.explain() if "log-odds" in ln)

    assert "(clouds not masked by these rules)" in line(False) and "no cloud network here" not in line(False)
    assert "(clouds not masked by these rules)" not in line(True)
