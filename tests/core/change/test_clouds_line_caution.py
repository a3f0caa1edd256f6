"""The cloud network's caution on a narrow raster is a sentence of its own in the change summary: it was spliced into the
middle of the Clouds line ('... or use the product's cloud mask band, its shadows within 5 km of its clouds on both
dates; ...')."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import write_raster
from terraprompt.plugin.core.change.align import clouds_line
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.landcover import clouds

H, W = 230, 190


class _NarrowMasker:
    """A cloud network masker's describing side, as after a run on a raster only 190 px wide."""

    per_pixel, skipped, narrow = False, None, (W, H)

    def describe(self, caution: bool = True) -> str:
        """The model line, with the caution unless told not to."""
        return "ukis-csmask" + ("; " + self.narrow_caution() if caution else "")

    def narrow_caution(self) -> str:
        """The narrow-raster caution."""
        return "caution: this raster is only 190 px wide"


def test_the_caution_follows_the_whole_clouds_sentence():
    line = clouds_line([_NarrowMasker(), _NarrowMasker()], "")("0.0")
    assert line == ("Clouds: ukis-csmask, its shadows within 5 km of its clouds on both dates; cloud and shadow pixels of "
                    "either date are nodata (0.0 % of the pixels with data on both dates). Caution: this raster is only 190 px "
                    "wide")


def test_each_date_said_once_and_the_caution_once_when_the_dates_differ():
    line = clouds_line([_NarrowMasker(), None], "no bands for it")("0.0")
    assert line.startswith("Clouds: BEFORE: ukis-csmask, its shadows within 5 km of its clouds")
    assert line.endswith("data on both dates). Caution: this raster is only 190 px wide")
    assert line.count("caution") + line.count("Caution") == 1


def test_narrow_pair_summary_keeps_the_clouds_sentence_whole(tmp_path):
    """The real network on a 190 px wide pair (skips without ukis-csmask)."""
    if clouds.csmask_dir() is None:
        pytest.skip("ukis-csmask not available")
    rng = np.random.default_rng(0)
    base = rng.normal(0.15, 0.04, (4, H, W)).clip(0.01, 0.9) * 10000
    after = base + rng.normal(0, 60, base.shape)
    names = ["B02", "B03", "B04", "B08"]
    pb = write_raster(str(tmp_path / "b_2018-06-05.tif"), base.astype("uint16"), descriptions=names)
    pa = write_raster(str(tmp_path / "a_2019-06-07.tif"), after.astype("uint16"), descriptions=names)
    res = detect_change(ChangeRequest(before=pb, after=pa, method="cva", device="cpu", output_change=str(tmp_path / "c.tif")))
    line = next(x for x in res.summary.splitlines() if "Clouds:" in x)
    assert "~30 m), its shadows within 5 km of its clouds on both dates; cloud and shadow pixels" in line
    assert "% of the pixels with data on both dates). Caution: this raster is only 190 px" in line
    assert line.endswith("or use the product's cloud mask band")
