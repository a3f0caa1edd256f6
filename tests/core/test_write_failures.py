"""Write failures: a full disk, a locked GeoPackage, an output folder removed mid-run, a full TMPDIR and cache disk. Each
left a broken output committed, hung, or gave a raw traceback naming a hidden file. Full disks are simulated without root:
a staged file cut short, a failing write, or a file size limit (RLIMIT_FSIZE) in a child process."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
from osgeo import ogr, osr
from rasterio.transform import from_origin
from rasterio.windows import Window

from conftest import ROOT, PLUGINS, synthetic_s2, write_raster
from terraprompt.plugin.core import writers
from terraprompt.plugin.core.errors import Cancelled, OutputError
from terraprompt.plugin.core.raster import Grid
from terraprompt.plugin.core.writers import GeoTiffWriter, staged_vector


def _polygons(gpkg: str, n: int, layer: str = "lc") -> None:
    """Write ``n`` square polygons (EPSG:32633) into a GeoPackage layer (the file created when missing)."""
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.Open(gpkg, 1) if os.path.exists(gpkg) else drv.CreateDataSource(gpkg)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32633)
    lyr = ds.CreateLayer(layer, srs, ogr.wkbMultiPolygon)
    lyr.CreateField(ogr.FieldDefn("class", ogr.OFTString))
    for i in range(n):
        x = 500000 + 20 * i
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("class", "water")
        f.SetGeometry(ogr.CreateGeometryFromWkt(f"MULTIPOLYGON ((({x} 0, {x + 10} 0, {x + 10} 10, {x} 10, {x} 0)))"))
        lyr.CreateFeature(f)
    ds = None


def _rows(gpkg: str, layer: str) -> int:
    ds = ogr.Open(gpkg)
    return ds.GetLayerByName(layer).GetFeatureCount()


# 1. GeoJSON cut short by a full disk: GDAL's driver reports nothing
def test_a_geojson_cut_short_is_refused_and_the_previous_output_kept(tmp_path, monkeypatch):
    out = str(tmp_path / "lc.geojson")
    with staged_vector(out) as gpkg:
        _polygons(gpkg, 40)
    before = open(out, "rb").read()
    run = writers._Translation.run

    def cut_short(self):
        run(self)
        with open(self.staged, "r+b") as f:  # what a full disk leaves: the file ends mid-coordinate
            f.truncate(os.path.getsize(self.staged) // 2)

    monkeypatch.setattr(writers._Translation, "run", cut_short)
    with pytest.raises(OutputError, match="lc.geojson"):
        with staged_vector(out) as gpkg:
            _polygons(gpkg, 60)
    assert open(out, "rb").read() == before
    assert sorted(os.listdir(tmp_path)) == ["lc.geojson"]


# 2. a GeoPackage another connection holds exclusively: the run waited for ever, and no cancel reached it
def _locked(path: str, mode: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"BEGIN {mode}")
    if mode == "IMMEDIATE":  # another program's pending edit
        db.execute("CREATE TABLE notes (t TEXT)")
        db.execute("INSERT INTO notes VALUES ('pending')")
    else:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return db


def _in_thread(fn, timeout: float = 15.0):
    """Run ``fn`` in a thread; (finished, its exception or None)."""
    box = []

    def go():
        try:
            fn()
            box.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box.append(exc)

    th = threading.Thread(target=go, daemon=True)
    th.start()
    th.join(timeout)
    return (not th.is_alive()), (box[0] if box else None)


def _add_water(path: str, is_cancelled=None) -> None:
    with staged_vector(path, is_cancelled, keep_layers=True) as gpkg:
        _polygons(gpkg, 3, "water")


def test_an_exclusively_locked_geopackage_is_refused_soon(tmp_path, monkeypatch):
    path = str(tmp_path / "res.gpkg")
    _polygons(path, 2)
    monkeypatch.setattr(writers, "LOCK_WAIT_S", 0.5, raising=False)
    db = _locked(path, "EXCLUSIVE")
    try:
        finished, exc = _in_thread(lambda: _add_water(path))
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert finished, "the run waited for ever on the other connection's lock"
    assert isinstance(exc, OutputError) and "locked by another program" in str(exc)
    assert _rows(path, "lc") == 2 and ogr.Open(path).GetLayerByName("water") is None


def test_a_cancel_stops_the_wait_for_a_locked_geopackage(tmp_path, monkeypatch):
    path = str(tmp_path / "res.gpkg")
    _polygons(path, 2)
    monkeypatch.setattr(writers, "LOCK_WAIT_S", 600, raising=False)
    db = _locked(path, "EXCLUSIVE")
    try:
        finished, exc = _in_thread(lambda: _add_water(path, is_cancelled=lambda: True))
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert finished and isinstance(exc, Cancelled)


# 3. another program's pending write transaction: the file was replaced and its later COMMIT lost
def test_a_pending_write_of_another_program_is_not_lost(tmp_path, monkeypatch):
    path = str(tmp_path / "res.gpkg")
    _polygons(path, 2)
    monkeypatch.setattr(writers, "LOCK_WAIT_S", 0.5, raising=False)
    db = _locked(path, "IMMEDIATE")
    try:
        finished, exc = _in_thread(lambda: _add_water(path))
        db.execute("COMMIT")
    finally:
        db.close()
    assert finished and isinstance(exc, OutputError) and "locked by another program" in str(exc)
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT t FROM notes").fetchall() == [("pending",)]


def test_a_layer_is_still_added_to_a_geopackage_nobody_holds(tmp_path):
    path = str(tmp_path / "res.gpkg")
    _polygons(path, 2)
    _add_water(path)
    assert _rows(path, "lc") == 2 and _rows(path, "water") == 3
    assert sorted(os.listdir(tmp_path)) == ["res.gpkg"]


# 5. the output folder removed during a run: a raw OSError / RasterioIOError naming a hidden temporary file
def test_an_output_folder_removed_mid_run_is_named(tmp_path):
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    data, _, _ = synthetic_s2(90, 120)
    src = write_raster(str(tmp_path / "in.tif"), data, transform=from_origin(500000, 4500000, 10, 10))
    sub = tmp_path / "gone" / "sub"
    sub.mkdir(parents=True)

    def progress(_p):
        if sub.exists():
            shutil.rmtree(tmp_path / "gone")

    with pytest.raises(OutputError) as err:
        extract_landcover(ExtractRequest(input=src, prompt="land cover map larger than 0.5 ha", engine="spectral",
                                         output_raster=str(sub / "lc.tif"), output_vector=str(sub / "lc.gpkg")),
                          progress=progress)
    assert f"The output folder '{sub}' was removed during the run" in str(err.value)
    assert ".tmp-" not in str(err.value) and not (tmp_path / "gone").exists()


# 8. class names that cannot be written (a full disk): a 0-byte .aux.xml was left
_CHILD = """
import resource, signal, sys
sys.path.insert(0, {plugins!r}); sys.path.insert(0, {tests!r})
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as a full disk fails it
"""


def _child(code: str, tmp_path) -> subprocess.CompletedProcess:
    """Run ``code`` in a Python child whose files cannot grow past the size the code sets (RLIMIT_FSIZE)."""
    script = _CHILD.format(plugins=PLUGINS, tests=os.path.join(ROOT, "tests")) + textwrap.dedent(code)
    env = dict(os.environ, PROJ_DATA=os.environ.get("PROJ_DATA", "/usr/share/proj"))
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=str(tmp_path),
                          env=env)


def test_class_names_on_a_full_disk_leave_no_empty_aux_xml(tmp_path):
    path = write_raster(str(tmp_path / "lc.tif"), np.ones((1, 20, 20), np.uint8))
    res = _child(f"""
        from terraprompt.plugin.core.writers import write_class_names
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))
        print("WROTE", write_class_names({path!r}, {{0: "Background", 1: "Water"}}))
    """, tmp_path)
    assert "WROTE False" in res.stdout, res.stderr
    assert not os.path.exists(path + ".aux.xml")


# 9. a full TMPDIR: the message named 'confidence.tif', a file the analyst never chose
def test_a_scratch_file_that_cannot_be_written_names_the_temporary_folder(tmp_path, monkeypatch):
    grid = Grid("EPSG:32633", from_origin(500000, 4500000, 10, 10), 32, 32)
    wr = GeoTiffWriter(str(tmp_path / "confidence.tif"), grid, 1, "uint8", scratch=True)

    def full(*_a, **_k):
        raise OSError("_tiffWriteProc:No space left on device")

    monkeypatch.setattr(wr.ds, "write", full, raising=False)
    with pytest.raises(OutputError) as err:
        wr.write(Window(0, 0, 32, 32), np.zeros((32, 32), np.uint8))
    text = str(err.value)
    assert "confidence.tif" not in text and "TMPDIR" in text and "temporary files" in text
    assert os.listdir(tmp_path) == []


# 10. a full cache disk: numpy's half-closed ZipFile printed 'Exception ignored in: ZipFile.__del__' with a traceback
def test_a_full_cache_disk_prints_no_traceback(tmp_path):
    res = _child(f"""
        import numpy as np
        from terraprompt.plugin.core.interactive.cache import EmbeddingCache
        cache = EmbeddingCache({str(tmp_path / "cache")!r})
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
        print("STORED", cache.put("k" * 16, {{"f": np.random.default_rng(0).random((64, 64, 64))}}))
        print("LEFT", __import__("os").listdir({str(tmp_path / "cache")!r}))
    """, tmp_path)
    assert "STORED False" in res.stdout, res.stderr
    assert "LEFT []" in res.stdout
    assert "Exception ignored" not in res.stderr and "Traceback" not in res.stderr, res.stderr
