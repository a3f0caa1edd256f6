"""Runs at pixel sizes far from what the models were made for: METHOD=auto keeps the change network to the pixels it was
trained on, the cloud network is not run outside 5-120 m in change either, interactive results on drone pixels carry a
caution, index rules on top-of-atmosphere values are cautioned, and sizes that one pixel or the whole raster cannot meet
are explained; the numbers these messages suggest are written as the prompt parser reads them."""
from __future__ import annotations

import json
import os
from types import SimpleNamespace

import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import synthetic_s2, write_raster
from terraprompt.plugin.core.catalog import MODELS_DIR
from terraprompt.plugin.core.messages import measure

RGBN = ["blue", "green", "red", "nir"]


@pytest.mark.parametrize("roles, pixel_m, uses", [(RGBN, 10.0, True), (RGBN, 3.0, False), (RGBN, 5.0, False),
                                                   (["blue", "green", "red"], 0.5, True),
                                                   (["blue", "green", "red"], 0.3, False)])
def test_auto_uses_the_change_network_only_at_pixels_it_was_trained_on(roles, pixel_m, uses):
    """On 3 m RGBN (held-out Rennes resampled) auto picked the network, F1 0.14 where CVA gives 0.46: RGBN and the 10
    bands were trained on 10 m OSCD only; RGB also on 0.5-2 m DSIFN, where the network wins."""
    from terraprompt.plugin.core.change.network import auto_prefers_network

    ok, why = auto_prefers_network(roles, pixel_m)
    assert ok is uses, why
    if not uses:
        assert "finer than the" in why and "trained on" in why, why


def _s2_pair(tmp_path, pixel_m: float) -> tuple[str, str]:
    """A cloud-free 13-band L1C-like pair (the second date a different noise draw) on a grid of ``pixel_m`` pixels."""
    tf = from_origin(500000, 4500000, pixel_m, pixel_m)
    return tuple(write_raster(str(tmp_path / f"s2_{d}_{pixel_m:g}.tif"), synthetic_s2(128, 128, seed=d)[0], transform=tf)
                 for d in (0, 1))


@pytest.mark.parametrize("pixel_m, masked", [(1.0, False), (10.0, True)])
def test_change_runs_the_cloud_network_only_at_5_to_120_m(tmp_path, pixel_m, masked):
    """Change ran ukis-csmask on a cloud-free pair resampled to 1 m and called 14.4 % of it cloud or shadow, where land
    cover refuses the network on such pixels; now it says why it does not mask."""
    from terraprompt.plugin.core.change.align import align_pair
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster

    b, a = (open_raster(p) for p in _s2_pair(tmp_path, pixel_m))
    pair = align_pair(b, a, resolve_modality(b), resolve_modality(a), cloud_mask=True)
    line = next(r for r in pair.report if r.startswith("Clouds"))
    if masked:
        assert "ukis-csmask" in line, line
    else:
        assert line == "Clouds: not masked (the pixels are 1 m; the network is made for 5-120 m satellite imagery)", line


def test_cloud_network_line_writes_sub_metre_pixels():
    """'0 m pixels averaged x8 to ~0 m' at 0.04 m, '~2 m' at 0.3 m."""
    from terraprompt.plugin.core.landcover.clouds import CloudMasker

    line = CloudMasker(set(RGBN), 0.3).describe()
    assert "0.3 m pixels averaged x8 to ~2.4 m" in line, line
    assert [measure(v) for v in (0.04, 0.3, 2.5, 15, 1000)] == ["0.04", "0.3", "2.5", "15", "1,000"]


@pytest.mark.parametrize("pixel_m, larger", [(0.04, "13"), (0.1, "5")])  # 0.5 / 0.04 = 12.5, halves round up
def test_drone_pixels_get_a_caution_in_the_interactive_report(tmp_path, pixel_m, larger):
    """At 0.04 m, coarsened at most 2x, roofs look 6x larger than trained (one-click mIoU 0.20 vs 0.52 at 0.5 m) and the
    report said only 'objects segmented'; 0.2 m (encoded at 0.4 m, as good as 0.5 m) gets no caution."""
    from terraprompt.plugin.core.interactive.encoder import scale_caution
    from terraprompt.plugin.core.raster import open_raster

    with open(os.path.join(MODELS_DIR, "promptable_net.json")) as f:
        engine = SimpleNamespace(working_gsd_m=json.load(f)["working_gsd_m"])  # the bundled network's card value
    assert engine.working_gsd_m == 0.5
    rgb = np.full((3, 64, 64), 100, np.uint8)
    fine = open_raster(write_raster(str(tmp_path / "fine.tif"), rgb, transform=from_origin(500000, 4500000, pixel_m, pixel_m)))
    okay = open_raster(write_raster(str(tmp_path / "okay.tif"), rgb, transform=from_origin(500000, 4500000, 0.2, 0.2)))
    line = scale_caution(fine, engine)
    assert f"the pixels are {measure(pixel_m)} m, {larger} times finer than the 0.5 m" in line, line
    assert scale_caution(okay, engine) == ""


def test_index_rules_on_top_of_atmosphere_values_are_cautioned(tmp_path):
    """Above 60 m the classifier switches off and the index rules read L1C values: Beihai's forest at 30 m came out
    grassland at 100 m, without a word."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    data, _, _ = synthetic_s2(64, 64)
    src = write_raster(str(tmp_path / "s2_100m.tif"), data, transform=from_origin(500000, 4500000, 100, 100))
    res = extract_landcover(ExtractRequest(input=src, prompt="forest", output_raster=str(tmp_path / "f.tif")))
    assert "index rules instead" in res.explanation, res.explanation
    assert "index rules: caution: they read top-of-atmosphere reflectance here" in res.explanation, res.explanation


@pytest.mark.parametrize("prompt, pixel_m, side, said", [
    ("water smaller than 1 ha", 250.0, 64, "the maximum object area (10,000 m²) is smaller than one pixel (62,550 m²), so no region can be kept"),
    ("water larger than 1 ha", 5.0, 12, "the minimum area (10,000 m²) is larger than the whole valid area of the raster (3,603 m²)"),
    ("water larger than 1 ha", 250.0, 64, "the minimum area (10,000 m²) is no larger than one pixel (62,550 m²), so it removes nothing"),
])
def test_sizes_one_pixel_or_the_raster_cannot_meet_are_explained(tmp_path, prompt, pixel_m, side, said):
    """'water smaller than 1 ha' on 250 m pixels gave 0 ha, and a minimum larger than the raster an empty map, with no
    reason given (pixel areas are geodesic: a 250 m UTM pixel there is 62,550 m²)."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    src = write_raster(str(tmp_path / "s2.tif"), synthetic_s2(side, side)[0], transform=from_origin(500000, 4500000, pixel_m, pixel_m))
    res = extract_landcover(ExtractRequest(input=src, prompt=prompt, output_raster=str(tmp_path / "w.tif")))
    assert said in res.explanation, res.explanation


@pytest.mark.parametrize("pixel_m", [0.003, 250.0, 500.0, 1000.0])
def test_speckle_hint_sizes_are_read_back_by_the_prompt_parser(pixel_m):
    """'larger than 1e+03 ha' (1 km pixels) was refused by the parser as scientific notation."""
    from terraprompt.plugin.core.prompts import parse_prompt
    from terraprompt.plugin.core.vectors import ten_pixels

    size = ten_pixels(pixel_m * pixel_m)
    assert "e" not in size.split()[0], size
    parsed = parse_prompt(f"water larger than {size}")
    assert parsed.min_area_m2 == pytest.approx(10 * pixel_m * pixel_m, rel=0.06), size


def test_coregistration_that_cannot_compare_the_dates_says_so(tmp_path):
    """Two unrelated noise images: no offset stands out (peak ratio about 1), yet the summary said 'no shift of a whole
    pixel found', also on VHR pairs shifted 10 or 40 px."""
    from terraprompt.plugin.core.change.align import align_pair
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster

    rng = np.random.default_rng(3)
    b, a = (open_raster(write_raster(str(tmp_path / f"n{i}.tif"), rng.integers(1, 255, (3, 160, 160)).astype(np.uint8),
                                     transform=from_origin(500000, 4500000, 0.5, 0.5))) for i in (0, 1))
    pair = align_pair(b, a, resolve_modality(b), resolve_modality(a), cloud_mask=False)
    line = next(r for r in pair.report if r.startswith("Co-registration"))
    assert line.startswith("Co-registration: could not be measured"), line
    assert pair.shift == (0, 0)
