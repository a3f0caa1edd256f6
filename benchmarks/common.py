"""Shared benchmark helpers: the plugin on sys.path, peak RSS, the JSON report, and big rasters made as VRT mosaics of
one tile."""
from __future__ import annotations

import json
import os
import resource
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGINS = os.path.join(ROOT, ".qgis", "plugins")


def plugin_on_path() -> None:
    """Make `import terraprompt` work (hidden .qgis/plugins/terraprompt link to the repository)."""
    os.makedirs(PLUGINS, exist_ok=True)
    link = os.path.join(PLUGINS, "terraprompt")
    if not os.path.islink(link):
        os.symlink(ROOT, link)
    if PLUGINS not in sys.path:
        sys.path.insert(0, PLUGINS)


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def report(res: dict, path: str) -> None:
    """Print a benchmark's figures as JSON and write them to ``path`` (folders made as needed)."""
    print(json.dumps(res, indent=2))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh:
        json.dump(res, fh, indent=2)


def write_tile(path: str, data, descriptions, crs: str, origin: tuple[float, float]) -> str:
    """A square tiled GeoTIFF of a (bands, n, n) array on a 10 m grid, band descriptions kept (what repeat_vrt repeats)."""
    import rasterio
    from rasterio.transform import from_origin

    n = data.shape[1]
    with rasterio.open(path, "w", driver="GTiff", width=n, height=n, count=data.shape[0], dtype=data.dtype, crs=crs,
                       transform=from_origin(origin[0], origin[1], 10, 10), tiled=True, blockxsize=128, blockysize=128) as d:
        d.write(data)
        for i, t in enumerate(descriptions, 1):
            d.set_band_description(i, t)
    return path


def repeat_vrt(tile: str, size: int, vrt: str) -> str:
    """A size x size VRT that repeats a GeoTIFF tile (same bands, CRS and pixel size; last row/column clipped)."""
    import rasterio

    if os.path.exists(vrt):
        return vrt
    with rasterio.open(tile) as t:
        tw, th, count, desc = t.width, t.height, t.count, t.descriptions
        dtype = {"uint8": "Byte", "uint16": "UInt16", "int16": "Int16", "float32": "Float32"}[t.dtypes[0]]
        tr, wkt = t.transform, t.crs.to_wkt()
    bands = []
    for b in range(1, count + 1):
        srcs = []
        for r in range(-(-size // th)):
            for c in range(-(-size // tw)):
                w, h = min(tw, size - c * tw), min(th, size - r * th)
                srcs.append(f'<SimpleSource><SourceFilename relativeToVRT="1">{os.path.basename(tile)}</SourceFilename>'
                            f'<SourceBand>{b}</SourceBand><SrcRect xOff="0" yOff="0" xSize="{w}" ySize="{h}"/>'
                            f'<DstRect xOff="{c * tw}" yOff="{r * th}" xSize="{w}" ySize="{h}"/></SimpleSource>')
        bands.append(f'<VRTRasterBand dataType="{dtype}" band="{b}"><Description>{desc[b - 1] or ""}</Description>'
                     + "".join(srcs) + "</VRTRasterBand>")
    xml = (f'<VRTDataset rasterXSize="{size}" rasterYSize="{size}"><SRS>{wkt}</SRS>'
           f"<GeoTransform>{tr.c}, {tr.a}, 0, {tr.f}, 0, {tr.e}</GeoTransform>" + "".join(bands) + "</VRTDataset>")
    with open(vrt + ".part", "w") as fh:
        fh.write(xml)
    os.replace(vrt + ".part", vrt)
    return vrt
