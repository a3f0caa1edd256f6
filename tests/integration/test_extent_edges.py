"""find_similar's 'how long' message counted the EXTENT as typed: a whole-world extent on a 0.18 Mpx raster announced
'3,213,476,307 million pixels ... minutes'. It now counts the extent clipped to the raster, the window searched."""
from __future__ import annotations

import pytest

from conftest import ROOT

RIO = f"{ROOT}/tests/data/rio_buildings_crop_image.tif"


class _Feedback:
    """Collects pushInfo messages."""

    def __init__(self) -> None:
        self.infos: list[str] = []

    def pushInfo(self, text: str) -> None:  # noqa: N802
        self.infos.append(text)


def test_the_slow_search_message_counts_only_the_extent_over_the_raster(qgis_app_session):
    from qgis.core import QgsRasterLayer

    from terraprompt.plugin.algorithms.find_similar import _say_how_long

    layer = QgsRasterLayer(RIO, "rio")
    assert layer.isValid() and layer.crs().authid() == "EPSG:4326"
    for extent in ((-180.0, -90.0, 180.0, 90.0), (-44.0, -23.5, -43.0, -22.5)):  # the world; 1 degree around the raster
        fb = _Feedback()
        _say_how_long(layer, extent, "auto", fb)
        assert fb.infos == []  # the raster's own 16,384 pixels at most, far under 20 million


def test_the_pixels_searched_are_the_extent_clipped_to_the_raster(qgis_app_session):
    from qgis.core import QgsRasterLayer

    from terraprompt.plugin.algorithms.find_similar import searched_pixels

    layer = QgsRasterLayer(RIO, "rio")
    world = (-180.0, -90.0, 180.0, 90.0)
    assert searched_pixels(layer, world) == pytest.approx(layer.width() * layer.height())
    box = layer.extent()
    left_half = (box.xMinimum() - 1.0, box.yMinimum() - 1.0, box.center().x(), box.yMaximum() + 1.0)
    assert searched_pixels(layer, left_half) == pytest.approx(layer.width() * layer.height() / 2)
    assert searched_pixels(layer, None) == layer.width() * layer.height()
