"""Shared setups of the dock's integration tests: the Land cover tab ready to run, Find similar's exemplar layer."""
from __future__ import annotations

import contextlib

from conftest import wait_for


@contextlib.contextmanager
def landcover_tab(plugin):
    """The Land cover tab, on temporary output, the whole layer and the spectral engine; afterwards its task cancelled,
    its slots emptied and its output and engine reset."""
    plugin.action.setChecked(True)
    t = plugin.dock.tab("landcover_tab")
    t.temp_radio.setChecked(True)
    t.extent_combo.setCurrentIndex(t.extent_combo.findData("layer"))
    t.modality_combo.setCurrentIndex(0)
    t.engine_combo.setCurrentIndex(t.engine_combo.findData("spectral"))
    yield t
    if t.task is not None:
        t.cancel()
        wait_for(lambda: t.task is None, 60)
    for combo in (t.sar_combo, t.dsm_combo, t.mask_combo):
        combo.setLayer(None)
    t.temp_radio.setChecked(True)
    t.engine_combo.setCurrentIndex(0)


def exemplar_layer(name: str, red):
    """A memory layer (EPSG:32633) named ``name`` of the first two red roofs of test_exemplars' scene, ``red``."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    from core.interactive.test_exemplars import geom

    vec = QgsVectorLayer("Polygon?crs=EPSG:32633", name, "memory")
    feats = []
    for r, c in red[:2]:
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromWkt(geom(r, c).wkt))
        feats.append(f)
    vec.dataProvider().addFeatures(feats)
    return vec
