"""Height qualifiers ('buildings taller than 10 m'): object medians, the filter on a generated DSM/nDSM scene, refusals."""
from __future__ import annotations

import os

import numpy as np
import pytest
import rasterio

from conftest import S2_NAMES, synthetic_s2, write_raster
from terraprompt.plugin.core.errors import InputError, PromptError
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.landcover.height import looks_like_dsm, object_medians
from terraprompt.plugin.core.tiling import TileSpec

LOW = ((80, 10), (95, 25))
TALL = ((10, 130), (30, 140))


def test_object_medians_per_label():
    labels = np.array([[1, 1, 1, 0], [2, 2, 0, 3], [2, 2, 0, 0]])
    heights = np.array([[1.0, 5.0, 3.0, 9.0], [10.0, 20.0, 7.0, np.nan], [30.0, 40.0, 0.0, 0.0]], np.float32)
    med = object_medians(labels, heights, 3)
    assert med[0] == pytest.approx(3.0) and med[1] == pytest.approx(25.0)
    assert np.isnan(med[2]), "an object without any height value has no median"


def test_dsm_or_ndsm():
    assert looks_like_dsm(np.full(100, 250.0)) and not looks_like_dsm(np.r_[np.zeros(90), np.full(10, 12.0)])


def _scene(tmp_path, dsm: bool):
    """Bare land with two 7 m and two 20 m houses (60 x 80 m each) on an nDSM or on a sloping DSM."""
    data, _, veg = synthetic_s2(120, 160, seed=3)
    h = np.zeros(veg.shape, np.float32)
    low, tall = np.zeros(veg.shape, bool), np.zeros(veg.shape, bool)
    for y0, x0 in LOW:
        low[y0:y0 + 6, x0:x0 + 8] = True
    for y0, x0 in TALL:
        tall[y0:y0 + 6, x0:x0 + 8] = True
    h[low], h[tall] = 7.0, 20.0
    h[tall & (np.arange(160)[None, :] % 8 == 0)] = 8.0  # a lower edge column: the median decides, not the minimum
    if dsm:
        yy, xx = np.mgrid[0:120, 0:160]
        h = h + 250.0 + 0.05 * xx + 0.02 * yy
    s2 = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    dp = write_raster(str(tmp_path / "dsm.tif"), h, descriptions=["dsm" if dsm else "ndsm"])
    return s2, dp, low, tall


def _run(tmp_path, s2, dsm, prompt, name="b"):
    out, vec = str(tmp_path / f"{name}.tif"), str(tmp_path / f"{name}.gpkg")
    r = extract_landcover(ExtractRequest(input=s2, dsm_input=dsm, prompt=prompt, output_raster=out, output_vector=vec,
                                         engine="spectral", tiles=TileSpec(64, 16, 2)))
    with rasterio.open(out) as ds:
        return r, ds.read(1), vec


@pytest.mark.parametrize("dsm", [False, True])
def test_taller_than_keeps_only_tall_buildings(tmp_path, dsm):
    s2, dp, low, tall = _scene(tmp_path, dsm)
    r, cls, vec = _run(tmp_path, s2, dp, "buildings taller than 10 m")
    assert (cls[tall] == 1).mean() > 0.9, "the 20 m houses stay whole, their 8 m edge column too"
    assert (cls[low] == 1).mean() == 0.0
    hf = r.details["height_filter"]
    assert hf["min_m"] == 10.0 and hf["objects_kept"] == 2 and hf["objects_removed"] >= 2
    assert hf["heights_from"] == ("DSM" if dsm else "nDSM")
    assert "Height: buildings: objects whose median height above ground is ≥ 10 m" in r.explanation
    import fiona

    with fiona.open(vec) as src:
        assert len(src) == 2


def test_lower_than_and_a_range(tmp_path):
    s2, dp, low, tall = _scene(tmp_path, False)
    _, cls, _ = _run(tmp_path, s2, dp, "buildings lower than 10 m", "low")
    assert (cls[low] == 1).mean() > 0.9 and (cls[tall] == 1).mean() == 0.0
    r, cls, _ = _run(tmp_path, s2, dp, "buildings taller than 5 m and lower than 12 m larger than 1 ha", "none")
    assert (cls == 1).sum() == 0, "4800 m² houses are all under 1 ha"
    assert r.areas_m2["buildings"] == 0.0


def test_height_applies_to_what_stands_above_ground_only(tmp_path):
    s2, dp, low, tall = _scene(tmp_path, False)
    r, cls, _ = _run(tmp_path, s2, dp, "buildings taller than 10 m and lakes", "mixed")
    assert (cls[tall] == 1).mean() > 0.9 and (cls[low] == 1).mean() == 0.0
    assert (cls == 2).sum() > 1000, "the lake (height 0) is not removed by the buildings' height"
    assert r.details["height_filter"]["concepts"] == ["buildings"]
    with pytest.raises(PromptError, match="applies to"):
        _run(tmp_path, s2, dp, "lakes taller than 2 m", "lakes")  # (a depth, "deeper than 2 m", is refused as unread)


def test_height_without_heights_is_refused_and_leaves_nothing(tmp_path):
    s2, _, _, _ = _scene(tmp_path, False)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError) as err:
        extract_landcover(ExtractRequest(input=s2, prompt="buildings taller than 10 m", output_raster=str(out / "x.tif"),
                                         output_vector=str(out / "x.gpkg"), engine="spectral"))
    assert "≥ 10 m" in err.value.problem and "DSM" in err.value.fix
    assert os.listdir(out) == []


def test_straight_outlines_square_buildings_only(tmp_path):
    """STRAIGHT_OUTLINES: a turned house on an nDSM gets four right-angled corners; vegetation keeps its traced outline."""
    import fiona
    from rasterio.features import rasterize
    from shapely import affinity
    from shapely.geometry import box, shape

    data, _, veg = synthetic_s2(120, 160, seed=3)
    with rasterio.open(write_raster(str(tmp_path / "probe.tif"), data[:1], descriptions=S2_NAMES[:1])) as ds:
        tr = ds.transform
    x0, y1 = tr * (60, 40)
    house = affinity.rotate(box(x0, y1 - 14 * abs(tr.e), x0 + 24 * tr.a, y1), 30)
    h = rasterize([(house, 9.0)], out_shape=veg.shape, transform=tr).astype(np.float32)
    s2 = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    dp = write_raster(str(tmp_path / "ndsm.tif"), h, descriptions=["ndsm"])
    feats = {}
    for straight in (False, True):
        out, vec = str(tmp_path / f"c{straight}.tif"), str(tmp_path / f"c{straight}.gpkg")
        r = extract_landcover(ExtractRequest(input=s2, dsm_input=dp, prompt="buildings and vegetation", output_raster=out,
                                             output_vector=vec, engine="spectral", straight_outlines=straight))
        with fiona.open(vec) as fc:
            feats[straight] = {c: [shape(f["geometry"]) for f in fc if f["properties"]["class"] == c] for c in ("buildings", "vegetation")}
    (b,) = feats[True]["buildings"]
    assert len(b.geoms) == 1 and len(b.geoms[0].exterior.coords) == 5
    assert b.intersection(house).area / b.union(house).area > feats[False]["buildings"][0].intersection(house).area / \
        feats[False]["buildings"][0].union(house).area
    assert feats[True]["vegetation"] and [g.wkt for g in feats[True]["vegetation"]] == [g.wkt for g in feats[False]["vegetation"]]
    assert "Polygons: straight outlines for buildings" in r.explanation
    r = extract_landcover(ExtractRequest(input=s2, prompt="vegetation", output_raster=str(tmp_path / "v.tif"),
                                         output_vector=str(tmp_path / "v.gpkg"), engine="spectral", straight_outlines=True))
    assert "none of the prompt's concepts takes them (buildings do)" in r.explanation


@pytest.mark.parametrize("nodata", [-9999.0, float("nan")])
def test_dsm_nodata_is_no_height(tmp_path, nodata):
    """A flat DSM with a few nodata pixels (lidar dropouts, a warp collar): its fill value was read as ground, so the
    whole tile stood thousands of metres above it as 'buildings'."""
    from rasterio.transform import from_origin

    dsm = np.full((300, 300), 300.0, np.float32)
    dsm[::50, ::50] = nodata
    path = write_raster(str(tmp_path / "dsm.tif"), dsm, crs="EPSG:32616", transform=from_origin(733601, 3725139, 0.5, 0.5),
                        nodata=nodata)
    out = str(tmp_path / "b.tif")
    extract_landcover(ExtractRequest(input=path, prompt="buildings taller than 10 m", output_raster=out, modality="dsm"))
    with rasterio.open(out) as ds:
        cls = ds.read(1)
    assert (cls == 1).sum() == 0 and (cls == 255).sum() == 36
