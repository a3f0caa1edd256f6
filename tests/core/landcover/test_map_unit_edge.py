"""A land-cover map's minimum mapping unit keeps no region under it in m², in the raster or the polygons, even when the
pixel area does not divide it (GDAL's sieve merges only regions of fewer pixels than its threshold)."""
from __future__ import annotations

import fiona
import numpy as np
import rasterio
from rasterio.transform import from_origin
from scipy import ndimage

from conftest import paint_s2, write_raster
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover, row_pixel_areas
from terraprompt.plugin.core.raster import open_raster

MIN_M2 = 4950.0  # 49.5 pixels of ~99.9 m² (10 m UTM pixels): 49 pixels are under it, 50 over it


def test_no_map_region_under_the_unit_survives_when_pixels_do_not_divide_it(tmp_path):
    """Ponds of 49 pixels (4,896 m² < 4,950 m²) in bare land merge into it; a pond of 64 pixels stays."""
    h = w = 120
    water = np.zeros((h, w), bool)
    for r, c in ((20, 20), (20, 70), (70, 20)):
        water[r:r + 7, c:c + 7] = True  # 49 pixels
    water[70:78, 70:78] = True  # 64 pixels
    src = write_raster(str(tmp_path / "s2.tif"), paint_s2(water, np.zeros((h, w), bool)))
    out, out_v = str(tmp_path / "map.tif"), str(tmp_path / "map.gpkg")
    r = extract_landcover(ExtractRequest(input=src, prompt="land cover map larger than 0.495 ha", output_raster=out,
                                         output_vector=out_v, engine="spectral"))
    assert r.details["map_filled_m2"] is not None  # a whole map: its minimum mapping unit
    with rasterio.open(out) as ds:
        c = ds.read(1)
    rows = row_pixel_areas(open_raster(src).grid, 0, h)
    assert rows.max() * 49 < MIN_M2 < rows.min() * 50
    smallest = min((np.bincount(lab.ravel(), weights=np.broadcast_to(rows[:, None], c.shape).ravel())[1:].min()
                    for k in np.unique(c) if k not in (0, 255)
                    for lab in [ndimage.label(c == k)[0]]), default=np.inf)
    assert smallest >= MIN_M2, f"a region of {smallest:.0f} m² survived in the raster"
    assert (c[70:78, 70:78] == 1).all() and (c[20:27, 20:27] != 1).all()  # water: the large pond kept, the small merged
    with fiona.open(out_v) as f:
        areas = [feat["properties"]["area_m2"] for feat in f]
    assert areas and min(areas) >= MIN_M2


def test_a_geographic_map_merges_regions_under_the_unit_instead_of_leaving_holes(tmp_path):
    """EPSG:4326 near 80° N: pixels shrink northwards, so 49-pixel ponds in the northern rows pass GDAL's merge (sized
    by the largest pixel) yet are under the minimum in m²; they merge into the land around them instead of becoming
    unclassified holes in a map that promises none, and no region under the minimum is left."""
    h = w = 120
    transform = from_origin(20.0, 80.5, 0.004, 0.004)
    water = np.zeros((h, w), bool)
    for r, c in ((5, 20), (5, 70)):
        water[r:r + 7, c:c + 7] = True  # 49 pixels in the small northern rows
    water[100:108, 60:68] = True  # 64 pixels in the larger southern rows
    src = write_raster(str(tmp_path / "s2.tif"), paint_s2(water, np.zeros((h, w), bool)), crs="EPSG:4326", transform=transform)
    rows = row_pixel_areas(open_raster(src).grid, 0, h)
    min_m2 = float(np.ceil(rows[5:12].max() * 49 * 1.005))
    assert min_m2 < rows.max() * 49 and rows[100:108].min() * 64 > min_m2  # the merge keeps the ponds, the metre sieve would not
    out = str(tmp_path / "map.tif")
    r = extract_landcover(ExtractRequest(input=src, prompt=f"land cover map larger than {min_m2:.0f} m2", output_raster=out,
                                         engine="spectral"))
    assert r.details["map_filled_m2"] is not None
    with rasterio.open(out) as ds:
        c = ds.read(1)
    assert not (c == 0).any(), f"{int((c == 0).sum())} unclassified pixels: holes in a whole map"
    smallest = min(np.bincount(lab.ravel(), weights=np.broadcast_to(rows[:, None], c.shape).ravel())[1:].min()
                   for k in np.unique(c) if k not in (0, 255) for lab in [ndimage.label(c == k)[0]])
    assert smallest >= min_m2, f"a region of {smallest:.0f} m² survived"
    assert (c[100:108, 60:68] == 1).all() and (c[5:12, 20:27] != 1).all()
