"""Layers added to one GeoPackage by two runs at once, and a GeoPackage changed while a run writes into a copy of it:
each run copied the file, added its layer and renamed the copy over it, so one run's layer (or the analyst's saved
edit) was lost while both runs said they succeeded."""
from __future__ import annotations

import threading
import time

import pytest
from osgeo import ogr, osr

from terraprompt.plugin.core.errors import OutputError
from terraprompt.plugin.core.writers import staged_vector


def _add_layer(gpkg: str, name: str) -> None:
    """Add a small point layer to a GeoPackage (created when missing)."""
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.Open(gpkg, 1) if ogr.Open(gpkg) is not None else drv.CreateDataSource(gpkg)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    lyr = ds.CreateLayer(name, srs, ogr.wkbPoint)
    feat = ogr.Feature(lyr.GetLayerDefn())
    feat.SetGeometry(ogr.CreateGeometryFromWkt("POINT (500000 4500000)"))
    lyr.CreateFeature(feat)
    ds = None


def _layers(path: str) -> list[str]:
    ds = ogr.Open(path)
    return sorted(ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount()))


def test_two_runs_adding_layers_to_one_geopackage_keep_both(tmp_path):
    path = str(tmp_path / "results.gpkg")
    _add_layer(path, "notes")
    errors = []

    def run(name: str) -> None:
        try:
            with staged_vector(path, keep_layers=True) as gpkg:
                time.sleep(0.3)  # both runs inside their copies at once
                _add_layer(gpkg, name)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("water", "builtup")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert not errors
    assert _layers(path) == ["builtup", "notes", "water"]


def test_a_geopackage_changed_meanwhile_is_not_replaced(tmp_path):
    path = str(tmp_path / "results.gpkg")
    _add_layer(path, "notes")
    with pytest.raises(OutputError, match="changed while this run wrote"):
        with staged_vector(path, keep_layers=True) as gpkg:
            _add_layer(gpkg, "water")
            time.sleep(0.05)
            _add_layer(path, "analyst_edit")  # saved by QGIS while the run wrote
    assert _layers(path) == ["analyst_edit", "notes"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.gpkg"]
