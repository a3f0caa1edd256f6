"""The change summary advises a minimum area when most polygons written are isolated pixels."""
from __future__ import annotations

import numpy as np

from conftest import S2_NAMES, write_raster
from terraprompt.plugin.core import vectors


def test_a_speckled_change_map_says_how_to_get_fewer_polygons(tmp_path, monkeypatch):
    """Isolated changed pixels all over a pair: the change summary (and the layer's description) names a minimum area,
    in MIN_AREA_M2 or the change of interest; with one, no advice."""
    from osgeo import ogr

    from conftest import synthetic_s2
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    monkeypatch.setattr(vectors, "SPECKLE_MIN_FEATURES", 200)
    before, _, _ = synthetic_s2(120, 160)
    after = before.copy()
    rng = np.random.default_rng(2)
    spots = np.zeros(before.shape[1:], bool)
    spots[::4, ::4] = rng.random((30, 40)) < 0.5
    after[:, spots] = np.clip(after[:, spots].astype(int) + 2500, 0, 10000).astype(np.uint16)
    a = write_raster(str(tmp_path / "t1.tif"), before, descriptions=S2_NAMES)
    b = write_raster(str(tmp_path / "t2.tif"), after, descriptions=S2_NAMES)

    def run(name: str, min_area: float):
        return detect_change(ChangeRequest(before=a, after=b, method="cva", output_change=str(tmp_path / f"{name}.tif"),
                                           output_vector=str(tmp_path / f"{name}.gpkg"), min_area_m2=min_area))

    res = run("speckled", 0.0)
    assert "isolated pixels" in res.summary and "'any change larger than 0.1 ha'" in res.summary
    ds = ogr.Open(str(tmp_path / "speckled.gpkg"))
    assert ds.GetLayer(0).GetMetadataItem("DESCRIPTION") == res.summary
    ds = None
    assert "isolated pixels" not in run("whole", 1000.0).summary
