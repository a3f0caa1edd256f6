"""Bad inputs through real Processing: the analyst sees the core's message, and no output is left behind."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from conftest import S2_NAMES, synthetic_s2, write_raster


def _run(params):
    import processing

    return processing.run("terraprompt:extract_landcover", params)


@pytest.fixture
def s2(tmp_path):
    data, _, _ = synthetic_s2(200, 300)
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    return write_raster(str(tmp_path / "in" / "s2.tif"), data, descriptions=S2_NAMES)


def test_raster_without_crs(plugin, tmp_path, s2):
    from qgis.core import QgsProcessingException

    p = str(tmp_path / "in" / "nocrs.tif")
    data, _, _ = synthetic_s2(50, 50)
    with rasterio.open(p, "w", driver="GTiff", width=50, height=50, count=13, dtype="uint16",
                       transform=from_origin(500000, 4000000, 10, 10)) as ds:  # placed, but in no CRS
        ds.write(data)
    with pytest.raises(QgsProcessingException, match="no coordinate reference system"):
        _run({"INPUT": p, "PROMPT": "water", "OUTPUT_RASTER": str(tmp_path / "out" / "lc.tif")})
    assert os.listdir(tmp_path / "out") == []


def test_band_count_fits_no_modality(plugin, tmp_path):
    from qgis.core import QgsProcessingException

    (tmp_path / "out").mkdir()
    p = write_raster(str(tmp_path / "nine.tif"), np.full((9, 40, 40), 900, np.uint16))
    with pytest.raises(QgsProcessingException, match="9 bands .*fits no modality"):
        _run({"INPUT": p, "PROMPT": "water", "OUTPUT_RASTER": str(tmp_path / "out" / "lc.tif")})
    assert os.listdir(tmp_path / "out") == []


def test_output_equals_input(plugin, tmp_path, s2):
    from qgis.core import QgsProcessingException

    before = open(s2, "rb").read()
    with pytest.raises(QgsProcessingException, match="one of the inputs"):
        _run({"INPUT": s2, "PROMPT": "water", "OUTPUT_RASTER": s2})
    assert open(s2, "rb").read() == before
    assert sorted(os.listdir(os.path.dirname(s2))) == ["s2.tif"]


def test_cancel_keeps_previous_outputs(plugin, tmp_path, s2):
    """Cancelling from the Processing feedback after the first tile leaves the old outputs as they were."""
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    class CancelAfterFirstTile(QgsProcessingFeedback):
        def setProgress(self, p):  # noqa: N802
            super().setProgress(p)
            if 0 < p < 100:
                self.cancel()

    out = tmp_path / "out"
    (out / "lc.tif").write_bytes(b"old")
    (out / "lc.gpkg").write_bytes(b"old")
    params = {"INPUT": s2, "PROMPT": "water and vegetation", "OUTPUT_RASTER": str(out / "lc.tif"),
              "OUTPUT_VECTOR": str(out / "lc.gpkg")}
    with pytest.raises(QgsProcessingException, match="[Cc]ancel"):
        processing.run("terraprompt:extract_landcover", params, feedback=CancelAfterFirstTile())
    assert (out / "lc.tif").read_bytes() == b"old" and (out / "lc.gpkg").read_bytes() == b"old"
    assert sorted(os.listdir(out)) == ["lc.gpkg", "lc.tif"]


def test_cancel_into_a_new_folder_leaves_no_folder(plugin, tmp_path, s2):
    """Outputs into nested folders that do not exist yet: a cancelled Processing run leaves no folder; a full run makes them."""
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    class CancelAfterFirstTile(QgsProcessingFeedback):
        def setProgress(self, p):  # noqa: N802
            super().setProgress(p)
            if 0 < p < 100:
                self.cancel()

    new = tmp_path / "new"
    params = {"INPUT": s2, "PROMPT": "water and vegetation", "OUTPUT_RASTER": str(new / "a" / "lc.tif"),
              "OUTPUT_VECTOR": str(new / "b" / "c" / "lc.gpkg")}
    with pytest.raises(QgsProcessingException, match="[Cc]ancel"):
        processing.run("terraprompt:extract_landcover", params, feedback=CancelAfterFirstTile())
    assert not new.exists() and sorted(os.listdir(tmp_path)) == ["in", "out"]
    res = processing.run("terraprompt:extract_landcover", params)
    assert res["OUTPUT_RASTER"] == str(new / "a" / "lc.tif") and sorted(os.listdir(new / "a")) == ["lc.qml", "lc.tif", "lc.tif.aux.xml"]
    assert os.listdir(new / "b" / "c") == ["lc.gpkg"]
