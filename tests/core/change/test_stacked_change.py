"""A per-date stack of Sentinel-2 bands and Sentinel-1 VV/VH: the SAR bands read apart in dB, compared as optical."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.errors import ModalityError

H, W = 96, 128
OPTICAL = (slice(10, 40), slice(10, 40))
SAR = (slice(55, 85), slice(80, 110))


def _sar(h: int, w: int, seed: int) -> np.ndarray:
    """VV and VH backscatter in dB (about -10 and -17 dB) with 1 dB noise."""
    rng = np.random.default_rng(seed)
    return np.stack([-10 + rng.normal(0, 1, (h, w)), -17 + rng.normal(0, 1, (h, w))]).astype(np.float32)


def _stacks(tmp_path, reflectance: bool) -> tuple[str, str, np.ndarray, np.ndarray]:
    """BEFORE and AFTER 15-band stacks (13 S2 bands, VV, VH in dB, described); AFTER has a bright optical-only block and
    a +6 dB SAR-only block. Returns the paths and both blocks' masks."""
    s2, _, _ = synthetic_s2(H, W, 3)
    opt_b = s2.astype(np.float32)
    rng = np.random.default_rng(5)
    opt_a = opt_b + rng.normal(0, 30, opt_b.shape).astype(np.float32)
    opt_a[(slice(None),) + OPTICAL] = 3000.0
    sar_b, sar_a = _sar(H, W, 1), _sar(H, W, 2)
    sar_a[(slice(None),) + SAR] += 6.0
    scale = 1e-4 if reflectance else 1.0
    names = S2_NAMES + ["VV", "VH"]
    pb = write_raster(str(tmp_path / "stack_2020-06-01.tif"), np.concatenate([opt_b * scale, sar_b]), descriptions=names)
    pa = write_raster(str(tmp_path / "stack_2020-07-01.tif"), np.concatenate([opt_a * scale, sar_a]), descriptions=names)
    a, b = np.zeros((H, W), bool), np.zeros((H, W), bool)
    a[OPTICAL], b[SAR] = True, True
    return pb, pa, a, b


@pytest.mark.parametrize("reflectance", [False, True], ids=["dn", "reflectance"])
def test_optical_and_sar_stack_finds_both_changes(tmp_path, reflectance):
    pb, pa, opt, sar = _stacks(tmp_path, reflectance)
    out = str(tmp_path / "change.tif")
    res = detect_change(ChangeRequest(before=pb, after=pa, output_change=out, cloud_mask=False))
    with rasterio.open(out) as ds:
        changed = ds.read(1) == 1
    assert res.method == "cva"
    assert changed[opt].mean() > 0.9 and changed[sar].mean() > 0.9
    assert changed[~(opt | sar)].mean() < 0.02
    assert "read apart from the optical bands" in res.summary
    assert "Noise floor, per unit" in res.summary and "dB on vv, vh" in res.summary


def test_band_that_makes_every_pixel_invalid_is_named(tmp_path):
    s2, _, _ = synthetic_s2(H, W, 3)
    refl = s2.astype(np.float32) / 10000
    refl[7] = -9999.0  # NIR: an undeclared fill everywhere
    pb = write_raster(str(tmp_path / "b_2020-06-01.tif"), refl, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "a_2020-07-01.tif"), refl.copy(), descriptions=S2_NAMES)
    with pytest.raises(ModalityError) as err:
        detect_change(ChangeRequest(before=pb, after=pa, method="cva", output_change=str(tmp_path / "c.tif"), cloud_mask=False))
    assert "Band 8 ('B08', nir)" in str(err.value)


FOUR = ["B02", "B03", "B04", "B08"]


def _four_band_pair(tmp_path, size: int, edit) -> tuple[str, str]:
    """A described 4-band reflectance pair (size x size px, nodata 0 declared), BEFORE changed in place by ``edit``."""
    s2, _, _ = synthetic_s2(size, size, 3)
    refl = s2[[1, 2, 3, 7]].astype(np.float32) / 10000
    after = refl.copy()
    edit(refl, after)
    pb = write_raster(str(tmp_path / "b_2020-06-01.tif"), refl, nodata=0.0, descriptions=FOUR)
    pa = write_raster(str(tmp_path / "a_2020-07-01.tif"), after, nodata=0.0, descriptions=FOUR)
    return pb, pa


def test_an_undeclared_fill_in_one_corner_does_not_refuse_the_pair(tmp_path):
    """Mostly declared nodata (a swath edge) and a -9999 fill in BEFORE's NIR in the top-left corner: the valid share is
    taken of the pixels with a value on both dates (not of the nodata too), and the pair runs as it did before the check
    (it was refused, naming B08 from the first 256x256 px)."""
    def edit(before: np.ndarray, after: np.ndarray) -> None:
        """Keep data in the top-left 40x40 px and a 12-px strip on the right; fill BEFORE's NIR in the corner."""
        for date in (before, after):
            data = np.zeros(date.shape[1:], bool)
            data[:40, :40] = data[:, -12:] = True
            date[:, ~data] = 0.0
        before[3, :40, :40] = -9999.0

    pb, pa = _four_band_pair(tmp_path, 300, edit)
    res = detect_change(ChangeRequest(before=pb, after=pa, method="cva", output_change=str(tmp_path / "c.tif"), cloud_mask=False))
    assert res.method == "cva"


def test_the_band_named_is_the_one_the_sample_loses(tmp_path):
    """B04 is a fill everywhere but the top-left 256x256 px, where B08 is: the sample names B04 (82 % lost), where the
    first 256x256 px alone named B08."""
    def edit(before: np.ndarray, after: np.ndarray) -> None:
        """Fill BEFORE's red outside the top-left 256x256 px and its NIR inside them."""
        corner = np.zeros(before.shape[1:], bool)
        corner[:256, :256] = True
        before[2, ~corner] = -9999.0
        before[3, corner] = -9999.0

    pb, pa = _four_band_pair(tmp_path, 600, edit)
    with pytest.raises(ModalityError) as err:
        detect_change(ChangeRequest(before=pb, after=pa, method="cva", output_change=str(tmp_path / "c.tif"), cloud_mask=False))
    assert "Band 3 ('B04', red)" in str(err.value) and "on 82 % of its pixels" in str(err.value)


def _undescribed_pair(tmp_path, order: list[int]) -> tuple[str, str]:
    """An undescribed 13-band S2 pair, AFTER's bands written in ``order`` (0-based), with noise and one changed block."""
    s2, _, _ = synthetic_s2(H, W, 3)
    rng = np.random.default_rng(9)
    after = np.clip(s2.astype(np.float32) * rng.uniform(0.9, 1.1, (1, H, W)) + rng.normal(0, 40, s2.shape), 0, 60000)
    after[(slice(None),) + OPTICAL] = 3000
    pb = write_raster(str(tmp_path / "b_2020-06-01.tif"), s2)
    pa = write_raster(str(tmp_path / "a_2020-07-01.tif"), after[order].astype(np.uint16))
    return pb, pa


def test_undescribed_bands_in_another_order_are_cautioned(tmp_path):
    order = list(range(13))
    order[1], order[3] = 3, 1  # AFTER holds B04 where BEFORE holds B02, and B02 where B04
    pb, pa = _undescribed_pair(tmp_path, order)
    res = detect_change(ChangeRequest(before=pb, after=pa, method="cva", output_change=str(tmp_path / "c.tif"), cloud_mask=False))
    line = next(s for s in res.summary.splitlines() if "band order" in s)
    assert "BEFORE blue (b2) with AFTER b4 rather than b2" in line


def test_undescribed_bands_in_the_same_order_are_not_cautioned(tmp_path):
    pb, pa = _undescribed_pair(tmp_path, list(range(13)))
    res = detect_change(ChangeRequest(before=pb, after=pa, method="cva", output_change=str(tmp_path / "c.tif"), cloud_mask=False))
    assert "band order" not in res.summary
