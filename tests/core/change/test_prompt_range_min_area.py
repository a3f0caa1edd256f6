"""A minimum polygon area (MIN_AREA_M2) above the prompt's maximum left no polygon to write: 'new buildings smaller
than 1000 m2' with MIN_AREA_M2=2000 wrote 0 features and a summary without a caution. Refused before any output now."""
from __future__ import annotations

import os

import fiona
import pytest

from change_pairs import write_pair
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.errors import InputError
from terraprompt.plugin.core.tiling import TileSpec


def _req(tmp_path, pb, pa, **kw):
    out = tmp_path / "out"
    base = dict(method="cva", cloud_mask=False, output_probability=str(out / "prob.tif"), output_change=str(out / "change.tif"),
                output_vector=str(out / "change.gpkg"), tiles=TileSpec(64, 0, 2), prompt="vegetation loss smaller than 1 ha")
    base.update(kw)
    return ChangeRequest(pb, pa, **base)


def _written(tmp_path) -> list[str]:
    out = tmp_path / "out"
    return sorted(os.listdir(out)) if out.exists() else []


def test_min_area_above_the_prompts_maximum_is_refused_before_any_output(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    with pytest.raises(InputError) as exc:
        detect_change(_req(tmp_path, pb, pa, min_area_m2=20000))
    said = str(exc.value)
    assert "MIN_AREA_M2 (20,000 m²)" in said and "maximum (10,000 m²)" in said
    assert "at most 10,000 m²" in exc.value.fix and "prompt" in exc.value.fix
    assert _written(tmp_path) == []


def test_min_area_up_to_the_maximum_or_without_polygons_runs(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    res = detect_change(_req(tmp_path, pb, pa, min_area_m2=50000, prompt="vegetation loss smaller than 10 ha"))
    with fiona.open(res.output_vector) as src:  # the 9 ha square of vegetation loss
        assert len(src) >= 1 and all(50000 <= f["properties"]["area_m2"] <= 100000 for f in src)
    # no polygons asked: MIN_AREA_M2 and the prompt's size apply to polygons only, the rasters keep every changed pixel
    res = detect_change(_req(tmp_path, pb, pa, min_area_m2=20000, output_vector=None))
    assert os.path.exists(res.output_change)


def test_a_minimum_equal_to_the_maximum_is_a_range():
    from terraprompt.plugin.core.change.detect import check_size_range
    from terraprompt.plugin.core.change.semantic import parse_change_prompt

    prompt = parse_change_prompt("new buildings smaller than 1000 m2")
    check_size_range(ChangeRequest("b.tif", "a.tif", output_vector="v.gpkg", min_area_m2=1000), prompt)
    with pytest.raises(InputError, match="MIN_AREA_M2"):
        check_size_range(ChangeRequest("b.tif", "a.tif", output_vector="v.gpkg", min_area_m2=2000), prompt)


def test_a_prompts_maximum_under_one_pixel_is_refused_before_any_output(tmp_path):
    pb, pa, _ = write_pair(tmp_path)  # 10 m pixels: 100 m² each
    with pytest.raises(InputError) as exc:
        detect_change(_req(tmp_path, pb, pa, prompt="vegetation loss smaller than 50 m2"))
    assert "maximum area (50 m²) is smaller than one pixel (100 m²)" in str(exc.value)
    assert _written(tmp_path) == []
    res = detect_change(_req(tmp_path, pb, pa, prompt="vegetation loss smaller than 50 m2", output_vector=None))
    assert os.path.exists(res.output_change)  # the rasters keep every changed pixel: no size applies to them
