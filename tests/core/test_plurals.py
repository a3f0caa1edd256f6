"""Counts of one are written in the singular in English, French and German (device reports, interactive encoding and
segmentation summaries), and a device report kept with a cached session is said in the language of each run."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import write_raster
from terraprompt.plugin.core import messages
from terraprompt.plugin.core.messages import t

TRANSFORM = from_origin(500000, 4500000, 0.5, 0.5)
WRONG_PLURALS = ("1 threads", "1 CPU threads", "1 CPU-Threads", "1 tiles", "1 tuiles", "1 Kacheln", "1 objects",
                 "1 objets", "1 Objekte")


@pytest.fixture
def lang():
    """Set the language of core messages for one test; English again afterwards."""
    yield messages.set_language
    messages.set_language("en")


def _scene(tmp_path) -> str:
    """A 200² 8-bit RGB with one bright roof (rows 40-70, columns 50-95), one tile at the default tile size."""
    rng = np.random.default_rng(0)
    data = np.full((3, 200, 200), 60.0) + rng.normal(0, 4, (3, 200, 200))
    data[:, 40:70, 50:95] = np.array([200, 170, 150])[:, None, None]
    return write_raster(str(tmp_path / "img.tif"), np.clip(data, 0, 255).astype(np.uint8), transform=TRANSFORM)


def test_cached_device_report_is_said_in_the_language_of_each_run(lang):
    """The cloud network's session (and its report) is cached for later runs: a German run after a French one showed
    '[aucun fournisseur CUDA disponible …]' in its German explanation."""
    from terraprompt.plugin.core.landcover.clouds import CloudMasker

    roles = {"blue", "green", "red", "nir"}
    lang("fr")
    first = CloudMasker(roles, 10.0, "l1c", "cpu")
    assert "fournisseurs de la session" in str(first.device_report)
    lang("de")
    second = CloudMasker(roles, 10.0, "l1c", "cpu")
    assert second.device_report is first.device_report  # the cached session's report
    said = str(second.device_report)
    assert "Provider der Sitzung" in said and "cpu angefordert" in said, said
    assert "fournisseur" not in said and "cpu demandé" not in said, said


@pytest.mark.parametrize("code", ["en", "fr", "de"])
def test_one_cpu_thread(lang, monkeypatch, code):
    """'1 threads CPU' / '1 CPU-Threads': one thread is singular."""
    from terraprompt.plugin.core.runtime import numpy_device

    monkeypatch.setenv("TERRAPROMPT_THREADS", "1")
    lang(code)
    said = str(numpy_device("cpu"))
    assert not any(w in said for w in WRONG_PLURALS), said
    assert said == t("{used} via {backend} ({reason}; {threads} CPU thread)", used="cpu", backend="numpy",
                     reason=t("numpy engine runs on the CPU"), threads=1), said
    if code == "en":
        assert said == "cpu via numpy (numpy engine runs on the CPU; 1 CPU thread)"


@pytest.mark.parametrize("code", ["en", "fr", "de"])
def test_one_tile_encoded_and_one_object_segmented(tmp_path, lang, code):
    """'1 Kacheln … 1 kodiert' (encode_raster) and '1 Objekte segmentiert' (segment_prompts): singular for one."""
    from terraprompt.plugin.core.interactive.batch import PromptObject, SegmentRequest, segment_prompts
    from terraprompt.plugin.core.interactive.precompute import encode_raster

    path = _scene(tmp_path)
    lang(code)
    enc = encode_raster(path, tile=256, cache_dir=str(tmp_path / "cache"))
    assert enc.tiles == 1
    assert enc.report.startswith(t("{n} tile", n=1) + " "), enc.report
    assert not any(w in enc.report for w in WRONG_PLURALS), enc.report
    objs = [PromptObject(7, [(*(TRANSFORM * (72.5, 55.5)), True)]),
            PromptObject(11, [(1.0, 2.0, True)])]  # outside the raster: skipped
    res = segment_prompts(SegmentRequest(path, objs, str(tmp_path / "o.gpkg"), cache_dir=str(tmp_path / "cache")))
    assert res.objects == 1 and len(res.skipped) == 1
    assert not any(w in res.report for w in WRONG_PLURALS), res.report
    assert t("; {n} object skipped: {reasons}", n=1, reasons=res.skipped[0]) in res.report, res.report
    if code == "en":
        assert enc.report.startswith("1 tile of 256 px (newly encoded: 1, already cached: 0)"), enc.report
        assert res.report.startswith("1 object segmented with "), res.report
