"""The Sentinel-2 baseline 04.00 offset (+1000 DN) left in BEFORE is taken out of BEFORE itself: from→to prompts read
both dates' reflectance as it is, so shifting AFTER by +0.1 to match (as before) misread water and vegetation on both."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio

from conftest import shared

TEN_M = ["B02", "B03", "B04", "B08"]


def _ten_m(path: str, data: np.ndarray, like: str) -> str:
    """B02, B03, B04, B08 (uint16, nodata 0) with band descriptions, georeferenced as ``like``."""
    with rasterio.open(like) as ds:
        prof = {"crs": ds.crs, "transform": ds.transform}
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1], count=4, dtype="uint16",
                       nodata=0, **prof) as ds:
        ds.write(data.astype(np.uint16))
        for i, d in enumerate(TEN_M, start=1):
            ds.set_band_description(i, d)
    return path


@pytest.mark.parametrize("prompt", ["vegetation loss", "water to land"])
def test_offset_left_in_before_gives_the_plain_pairs_from_to_map(tmp_path, prompt):
    """Bercy with the dates swapped (the later date as BEFORE, so its +1000 DN is only cautioned, not inferred): with the
    offset in BEFORE, 'vegetation loss' kept IoU 0.024 and 'water to land' 0.031 of the plain pair's map while the summary
    said the offset was handled. BEFORE is now shifted by -0.1 and the map is the plain pair's."""
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    paths = {}
    for name, date, add in (("before", "t2", 0), ("before_offset", "t2", 1000), ("after", "t1", 0)):
        src_path = shared("oscd", "bercy", f"bercy_{date}.tif")
        with rasterio.open(src_path) as ds:
            a = ds.read([2, 3, 4, 8]).astype(np.int32)
        paths[name] = _ten_m(str(tmp_path / f"{name}.tif"), a + add, src_path)
    maps, summaries = {}, {}
    for before in ("before", "before_offset"):
        out = str(tmp_path / f"change_{before}.tif")
        res = detect_change(ChangeRequest(before=paths[before], after=paths["after"], output_change=out, method="cva",
                                          prompt=prompt))
        with rasterio.open(out) as ds:
            maps[before] = ds.read(1) > 0
        summaries[before] = res.summary
    plain, shifted = maps["before"], maps["before_offset"]
    assert plain.sum() > 20  # 24 px of water to land, 2000 px of vegetation loss
    iou = (plain & shifted).sum() / (plain | shifted).sum()
    assert iou > 0.99, iou
    assert "is still in BEFORE's values, so BEFORE is shifted by -0.1" in summaries["before_offset"]
    assert "1000 DN offset of Sentinel-2" not in summaries["before"]
