"""A number outside its parameter's range (MIN_AREA_M2=-5) is refused through real Processing with the parameter, its
allowed range and the fix: QGIS 3.22's own check said only 'Incorrect parameter value for MIN_AREA_M2'."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import PLUGINS, ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "core", "change"))
from change_pairs import write_pair  # noqa: E402

ALGORITHMS = ("extract_landcover", "detect_change", "find_similar", "segment_prompts", "encode_image")


def _exemplars(path: str):
    """A memory layer with one polygon over the raster at ``path``."""
    import rasterio
    from qgis.core import QgsFeature, QgsGeometry, QgsRectangle, QgsVectorLayer

    with rasterio.open(path) as ds:
        t, crs = ds.transform, ds.crs.to_string()
    layer = QgsVectorLayer(f"Polygon?crs={crs}", "ex", "memory")
    f = QgsFeature()
    x0, y0 = t * (20, 35)
    f.setGeometry(QgsGeometry.fromRect(QgsRectangle(x0, y0 - 50, x0 + 50, y0)))
    layer.dataProvider().addFeatures([f])
    return layer


def test_negative_min_area_names_the_parameter_its_minimum_and_the_fix(plugin, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    pb, pa, _ = write_pair(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(QgsProcessingException) as err:
        processing.run("terraprompt:detect_change", {"BEFORE": pb, "AFTER": pa, "METHOD": 3, "MIN_AREA_M2": -5,
                                                     "OUTPUT_CHANGE": str(out / "c.tif"), "OUTPUT_VECTOR": str(out / "v.gpkg")})
    assert ("Minimum changed area (m², all transitions together) (MIN_AREA_M2): -5 is below the minimum, 0. Give a value "
            "of 0 or more.") in str(err.value)
    assert os.listdir(out) == []


def test_threshold_and_cache_cap_out_of_range_say_the_range(plugin, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    pb, _, _ = write_pair(tmp_path)
    with pytest.raises(QgsProcessingException) as err:
        processing.run("terraprompt:find_similar", {"INPUT": pb, "EXEMPLARS": _exemplars(pb), "THRESHOLD": 1.5,
                                                    "OUTPUT_VECTOR": str(tmp_path / "s.gpkg")})
    assert "(THRESHOLD): 1.5 is outside the allowed range, 0.01 to 0.99. Give a value from 0.01 to 0.99." in str(err.value)
    with pytest.raises(QgsProcessingException) as err:
        processing.run("terraprompt:segment_prompts", {"INPUT": pb, "CACHE_MB": "3", "OUTPUT_VECTOR": str(tmp_path / "o.gpkg")})
    assert "(CACHE_MB): 3 is below the minimum, 16. Give a value of 16 or more." in str(err.value)


def test_every_bounded_number_parameter_is_checked_against_its_own_range(plugin):
    """Each algorithm's number parameters: just outside a bound is refused naming it, the bound itself passes that check
    (the range comes from the parameter definitions, nothing else)."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingParameterNumber

    context, checked = QgsProcessingContext(), []
    for name in ALGORITHMS:
        alg = QgsApplication.processingRegistry().algorithmById(f"terraprompt:{name}")
        for p in alg.parameterDefinitions():
            if not isinstance(p, QgsProcessingParameterNumber):
                continue
            for bound, outside in ((p.minimum(), p.minimum() - 1), (p.maximum(), p.maximum() + 1)):
                if abs(bound) >= sys.float_info.max:
                    continue
                ok, message = alg.checkParameterValues({p.name(): outside}, context)
                assert not ok and f"({p.name()}): {outside:g} is" in message and f"{bound:g}" in message, (name, message)
                ok, message = alg.checkParameterValues({p.name(): bound}, context)
                assert p.name() not in message, (name, message)
                checked.append(f"{name}.{p.name()}")
    assert {"detect_change.MIN_AREA_M2", "find_similar.THRESHOLD", "segment_prompts.CACHE_MB"} <= set(checked)


def test_a_maximum_alone_is_said_as_a_maximum(qgis_app_session):
    from qgis.core import QgsProcessingParameterNumber

    from terraprompt.plugin.algorithms.base import _out_of_range

    p = QgsProcessingParameterNumber("N", "Count", QgsProcessingParameterNumber.Integer, maxValue=10)
    assert _out_of_range(p, 12) == "Count (N): 12 is above the maximum, 10. Give a value of 10 or less."
    assert _out_of_range(p, -1e9) == _out_of_range(p, "abc") == _out_of_range(p, None) == ""


def test_qgis_process_prints_the_range(tmp_path):
    """qgis_process runs the same check: its error names the parameter, the minimum and the fix."""
    pb, pa, _ = write_pair(tmp_path)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_PLUGINPATH=PLUGINS, QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "profile"),
               PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ.get("PATH", ""))
    ini = tmp_path / "profile" / "profiles" / "default" / "QGIS"
    ini.mkdir(parents=True)
    (ini / "QGIS3.ini").write_text("[PythonPlugins]\nterraprompt=true\n")
    proc = subprocess.run(["/usr/bin/qgis_process.bin", "run", "terraprompt:detect_change", "--", f"BEFORE={pb}",
                           f"AFTER={pa}", "METHOD=3", "MIN_AREA_M2=-5", f"OUTPUT_CHANGE={tmp_path / 'c.tif'}"],
                          env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode != 0
    assert "(MIN_AREA_M2): -5 is below the minimum, 0. Give a value of 0 or more." in proc.stdout + proc.stderr
    assert not (tmp_path / "c.tif").exists()
