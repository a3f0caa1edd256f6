"""Processing runs on a local grid (LOCAL_CS) say once that areas are planar: the note now comes with the core's
summary (which the dock shows too), no longer added again by the algorithm."""
from __future__ import annotations

from rasterio.crs import CRS
from rasterio.transform import from_origin

from conftest import S2_NAMES, write_raster

SITE = 'LOCAL_CS["site grid",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
NOTE = "areas are measured flat in the raster's own metre grid"


def test_detect_change_on_a_local_grid_says_areas_are_planar_once(plugin, tmp_path):
    import processing

    from core.change.change_pairs import change_pair

    b, a, _ = change_pair()
    tr = from_origin(1000, 3000, 10, 10)
    pb = write_raster(str(tmp_path / "before.tif"), b, crs=CRS.from_wkt(SITE), transform=tr, descriptions=S2_NAMES)
    pa = write_raster(str(tmp_path / "after.tif"), a, crs=CRS.from_wkt(SITE), transform=tr, descriptions=S2_NAMES)
    res = processing.run("terraprompt:detect_change", {"BEFORE": pb, "AFTER": pa, "METHOD": 3,
                                                       "OUTPUT_CHANGE": str(tmp_path / "c.tif"),
                                                       "OUTPUT_VECTOR": str(tmp_path / "c.gpkg")})
    assert res["SUMMARY"].count(NOTE) == 1, res["SUMMARY"]
