"""The Interactive tab's status says once per encoded view which bands the engine reads; the map tool reads a paletted
class map through its colours (it was refused as a class map to give as REFERENCE_MAP)."""
from __future__ import annotations

import numpy as np
import rasterio

from conftest import interactive_tab_on_web_canvas, wait_for
from test_interactive_gui import TRANSFORM, _click, _screen, setup  # noqa: F401


def test_status_names_the_bands_once_per_view(setup):
    tab, canvas, layer, masks, xf, tmp = setup
    ctl = tab.controller
    statuses = []
    ctl.changed.connect(statuses.append)
    _click(canvas, _screen(canvas, xf, 55, 70))
    assert wait_for(lambda: ctl.task is None and ctl.session is not None and ctl.session.last is not None)
    assert "score" in tab.status.text() and "bands 1, 2, 3 (" in tab.status.text(), statuses
    _click(canvas, _screen(canvas, xf, 150, 170))
    assert wait_for(lambda: ctl.session.history.n_positive == 2 and ctl.task is None)
    assert "score" in tab.status.text() and "bands" not in tab.status.text(), statuses  # said once for the view


def test_map_tool_clicks_a_region_of_a_paletted_class_map(plugin, tmp_path, monkeypatch):
    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    idx = np.zeros((256, 256), np.uint8)
    idx[40:100, 40:120] = 5
    idx[150:200, 150:230] = 3
    rng = np.random.default_rng(0)
    path = str(tmp_path / "classes.tif")
    with rasterio.open(path, "w", driver="GTiff", width=256, height=256, count=1, dtype="uint8", crs="EPSG:32633",
                       transform=TRANSFORM, photometric="palette") as ds:
        ds.write(idx, 1)
        ds.write_colormap(1, {i: (*(int(v) for v in rng.integers(0, 256, 3)), 255) for i in range(16)})
    with interactive_tab_on_web_canvas(path, "classes", "field", "classical", str(tmp_path / "out.gpkg")) as opened:
        tab, canvas, layer, xf = opened
        tab.start_button.setChecked(True)
        ctl = tab.controller
        _click(canvas, _screen(canvas, xf, 70, 80))
        assert wait_for(lambda: ctl.task is None and ctl.session is not None and ctl.session.last is not None, 30), \
            tab.status.text()
        res = ctl.session.last
        assert res.mask.sum() > 0.8 * 60 * 80 and "bands 1, 2, 3 (" in tab.status.text(), tab.status.text()


def test_text_search_on_an_undescribed_layout_is_refused_before_the_view_is_encoded(plugin, tmp_path, monkeypatch):
    """'Find objects' on an undescribed 2-band raster: the tab's fix (band descriptions or the Land cover tab), given
    before anything is encoded (the view was encoded first, then refused)."""
    from rasterio.transform import from_origin

    from conftest import find_in_tab, write_raster

    from terraprompt.plugin.core.interactive.session import InteractiveSession

    encoded = []
    real = InteractiveSession.encode
    monkeypatch.setattr(InteractiveSession, "encode", lambda self, *a, **k: (encoded.append(1), real(self, *a, **k))[1])
    monkeypatch.setenv("TERRAPROMPT_CACHE", str(tmp_path / "cache"))
    data = (np.random.default_rng(1).random((2, 64, 64)) * 3000).astype(np.uint16)
    path = write_raster(str(tmp_path / "nir_red.tif"), data, transform=from_origin(500000, 4500000, 10, 10))
    with interactive_tab_on_web_canvas(path, "nir_red", "object", "classical", str(tmp_path / "o.gpkg")) as (tab, *_):
        find_in_tab(tab, "vegetation")
        assert "Land cover tab" in tab.status.text(), tab.status.text()
    assert not encoded
