"""One dB backscatter test, one low-confidence threshold, and the diagnostics report's cache cap built as a line."""
from __future__ import annotations

import numpy as np
from rasterio.windows import Window

from conftest import write_raster
from terraprompt.plugin.core import raster
from terraprompt.plugin.core.diagnostics import report
from terraprompt.plugin.core.landcover.extract import AreaTally, confidence_line
from terraprompt.plugin.core.mmu import LOW_CONFIDENCE, class_area_table
from terraprompt.plugin.core.modalities import DB_STACK_MEDIAN_MAX, detect_modality
from terraprompt.plugin.core.prompts import parse_prompt


def test_db_backscatter_test_reads_median_and_99th_percentile():
    db = np.random.default_rng(1).normal(-12, 2, 10_000)
    assert raster.looks_like_db(db) and raster.looks_like_db(db, DB_STACK_MEDIAN_MAX)
    assert not raster.looks_like_db(db + 10, DB_STACK_MEDIAN_MAX)  # median -2 dB: standardised bands stay imagery
    assert not raster.looks_like_db(np.append(db, np.full(200, 30.0)))  # bright tail: heights below sea level
    assert not raster.looks_like_db(np.array([]))


def test_the_modalities_and_the_db_fill_read_db_alike(tmp_path):
    """A dB pair with a 0 fill is SAR, its fill kept out of resampling; the same values 15 dB up are neither."""
    rng = np.random.default_rng(2)
    data = np.stack([rng.normal(-10, 2, (64, 64)), rng.normal(-17, 2, (64, 64))]).astype(np.float32)
    data[:, :, :8] = 0
    for shift, sar in ((0.0, True), (15.0, False)):
        vals = np.where(data == 0, 0, data + shift).astype(np.float32)
        pair = raster.open_raster(write_raster(str(tmp_path / f"pair{shift:g}.tif"), vals))
        assert pair.db_zero_fill is sar
        three = raster.open_raster(write_raster(str(tmp_path / f"rgb{shift:g}.tif"), np.concatenate([vals, vals[:1]])))
        assert (detect_modality(three).family == "sar") is sar
        one = raster.open_raster(write_raster(str(tmp_path / f"one{shift:g}.tif"), vals[:1]))
        assert (detect_modality(one).family == "sar") is sar


def test_run_tally_and_reread_table_share_the_low_confidence_threshold(tmp_path):
    cls = np.array([[1, 1, 2, 2], [1, 2, 0, 1]], np.uint8)
    conf = np.array([[LOW_CONFIDENCE - 0.01, LOW_CONFIDENCE, LOW_CONFIDENCE + 0.01, 0.2],
                     [0.9, LOW_CONFIDENCE - 0.001, 0.3, LOW_CONFIDENCE - 0.0001]], np.float32)  # the engine's float32
    valid = np.ones_like(cls, bool)
    tally = AreaTally(2, np.ones(2))
    tally.add(Window(0, 0, 4, 2), cls, conf, valid, ~valid, ~valid)
    c_path = write_raster(str(tmp_path / "c.tif"), cls[None])
    # as the run's sink writes it: truncated (0.649 is 64, below 65; rounded it would be 65)
    p_path = write_raster(str(tmp_path / "p.tif"), np.clip(conf * 100, 0, 100).astype(np.uint8)[None])
    _, _, low = class_area_table(c_path, p_path, 2, np.ones(2))
    assert low.tolist() == tally.class_low.tolist() == [1.0, 2.0, 2.0]


def test_confidence_line_names_the_threshold():
    parsed = parse_prompt("water")
    line = confidence_line(parsed, {"class_mean_confidence": 0.8, "class_low_confidence_fraction": 0.2})
    assert "20% of them below 65%" in line
    line = confidence_line(parsed, {"mean_confidence": 0.9, "low_confidence_fraction": 0.05})
    assert "5% below 65%" in line


def test_report_puts_a_cache_cap_under_its_folder(tmp_path):
    text = report(cache_dirs={"embeddings": str(tmp_path), "other": str(tmp_path / "o")},
                  cache_caps={"embeddings": "500 MB (set for this folder)"}).splitlines()
    i = text.index(f"  embeddings: {tmp_path} (0.0 MB)")
    assert text[i + 1] == "  embeddings cap: 500 MB (set for this folder)"
    assert text[i + 2].startswith("  other: ") and not any(line.startswith("  other cap") for line in text)
