"""Find similar on a 1024 x 1024 window: time and peak memory of both methods, and the network method against the bare
ONNX models doing the same work (one encoder run, one decoder run per click it decoded), measured in the same run.

Image: the shared Rio building tile mirrored to size x size (benchmarks/interactive.py's test image; a generated scene
without ../shared/data), written as a 0.5 m GeoTIFF; three mid-sized roofs are the exemplars.

Run: `source scripts/plugin_env.sh && .venv/bin/python benchmarks/find_similar.py [--size 1024]`
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TERRAPROMPT_THREADS"):
    os.environ.setdefault(var, "2")

import numpy as np  # noqa: E402

from common import plugin_on_path, report, rss_mb  # noqa: E402
from interactive import test_image  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_scene(size: int, folder: str) -> tuple[str, list, str]:
    """(GeoTIFF path, three exemplar polygons, description) of the test image on a 0.5 m UTM grid."""
    import rasterio
    from rasterio.features import shapes
    from rasterio.transform import from_origin
    from shapely.geometry import shape

    image, inst, desc = test_image(size)
    tr = from_origin(680000.0, 7460000.0, 0.5, 0.5)
    path = os.path.join(folder, "scene.tif")
    with rasterio.open(path, "w", driver="GTiff", width=size, height=size, count=3, dtype="uint8", crs="EPSG:32723",
                       transform=tr, tiled=True) as ds:
        ds.write(np.clip(image, 0, 255).astype(np.uint8))
    ids, counts = np.unique(inst[inst > 0], return_counts=True)
    mid = ids[np.argsort(counts)][len(ids) // 2: len(ids) // 2 + 3]
    geoms = [shape(g) for g, v in shapes(inst.astype(np.int32), mask=np.isin(inst, mid), transform=tr)]
    return path, geoms, desc


def bare_model(path: str, n: int) -> float:
    """Seconds the bare ONNX models take for the same work: the encoder once over the window and the decoder n times
    on the inputs of a typical first click (nothing around them: no reading, ROI, paste, snap or filters)."""
    import rasterio

    from terraprompt.plugin.core.interactive.network import NetworkEngine, normalise_image

    engine = NetworkEngine(device="cpu")
    with rasterio.open(path) as ds:
        image = ds.read().astype(np.float32)
    valid = np.ones(image.shape[1:], bool)
    x = normalise_image(image, valid)[None]
    feats = engine.encode(image, valid)
    captured = []
    run = engine.dec.run
    engine.dec.run = lambda names, feeds: captured.append(feeds) or run(names, feeds)
    h, w = valid.shape
    engine.decode(feats, np.array([[w / 2, h / 2]], np.float32), np.ones(1, np.float32))
    engine.dec.run = run
    t0 = time.perf_counter()
    engine.enc.run(None, {"image": x})
    for _ in range(n):
        run(None, captured[0])
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--json", default=os.path.join(ROOT, "out", "bench_find_similar.json"))
    args = ap.parse_args()
    plugin_on_path()
    from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar

    res: dict = {"size": args.size, "threads": os.environ.get("OMP_NUM_THREADS")}
    with tempfile.TemporaryDirectory() as tmp:
        path, exemplars, desc = write_scene(args.size, tmp)
        res["image"] = desc
        for method in ("appearance", "network"):
            t0 = time.perf_counter()
            r = find_similar(SimilarRequest(path, exemplars, os.path.join(tmp, f"{method}.gpkg"), method=method,
                                            cache_dir=""))
            s = time.perf_counter() - t0
            res[method] = {"seconds": round(s, 2), "mpx_per_s": round(args.size ** 2 / 1e6 / s, 3), "objects": r.count,
                           "clicks_decoded": r.decoded, "peak_rss_mb_so_far": round(rss_mb(), 1)}
        n = res["network"]["clicks_decoded"]
        bare = bare_model(path, n)
        res["network"]["bare_model_s"] = round(bare, 2)
        res["network"]["overhead_vs_bare"] = round(res["network"]["seconds"] / bare, 3)
    res["load_average_1min"] = round(os.getloadavg()[0], 2)
    report(res, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
