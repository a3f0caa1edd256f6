"""Network engine benchmark: throughput (Mpx/s) and overhead against the bare ONNX model on the same tiles.

Input: a VRT mosaic of the real 13-band Sentinel-2 sample (resources/sample_s2_beirut.tif, put on a 10 m UTM
grid) repeated to --size x --size pixels under out/bench_network/. Runs with TERRAPROMPT_THREADS=2 (2 CPU cores).

(a) extract_landcover(engine=network, "water and vegetation", class raster only): Mpx/s over the whole raster,
    the time a 10980 x 10980 tile would take at that rate, and peak RSS.
(b) Overhead on the same tiles (TileSpec default 512/64): NetworkEngine.scores(BandSet) against a bare
    onnxruntime session.run on the already prepared arrays. Target ratio <= 1.2.
(c) The whole pipeline (read, scale, network, blend, write) against the bare model time over all its tiles (the bare
    rate measured on tiles spread over the raster, before and after the pipeline run, and averaged).

Usage: python benchmarks/network.py [--size 10980] [--tiles 16] [--json out/bench_network.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time

os.environ.setdefault("TERRAPROMPT_THREADS", "2")

from common import plugin_on_path, repeat_vrt, write_tile  # noqa: E402 (benchmarks/ is the script folder)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGINS = os.path.join(ROOT, ".qgis", "plugins")
OUT = os.path.join(ROOT, "out", "bench_network")
SAMPLE = os.path.join(ROOT, "resources", "sample_s2_beirut.tif")


def make_mosaic(size: int) -> str:
    """A size x size 13-band VRT mosaic of the Beirut sample on a 10 m UTM grid (built in seconds)."""
    import rasterio

    os.makedirs(OUT, exist_ok=True)
    base = os.path.join(OUT, "tile.tif")
    with rasterio.open(SAMPLE) as s:
        data, desc = s.read(), s.descriptions
    if not os.path.exists(base):
        write_tile(base, data, desc, "EPSG:32636", (300000, 3750000))
    return repeat_vrt(base, size, os.path.join(OUT, f"mosaic_{size}.vrt"))


def bench_extract(path: str, size: int) -> dict:
    """extract_landcover with the network engine over the whole raster."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    out = os.path.join(OUT, "landcover.tif")
    t = time.perf_counter()
    res = extract_landcover(ExtractRequest(input=path, prompt="water and vegetation", output_raster=out,
                                           engine="network", device="cpu"))
    dt = time.perf_counter() - t
    mpx = size * size / 1e6
    return {"engine": res.engine, "seconds": round(dt, 2), "mpx_per_s": round(mpx / dt, 3),
            "full_tile_10980_minutes_at_this_rate": round(10980 ** 2 / 1e6 / (mpx / dt) / 60, 1)}


def bench_overhead(path: str, n_tiles: int) -> dict:
    """NetworkEngine.scores vs bare session.run over the same (first n) tiles, and the pipeline vs bare."""
    from terraprompt.plugin.core.landcover.network import NetworkEngine
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster
    from terraprompt.plugin.core.stack import ModalityStack, make_layer
    from terraprompt.plugin.core.tiling import TileSpec, iter_windows

    src = open_raster(path)
    stack = ModalityStack(make_layer(src, resolve_modality(src, "auto")))
    eng = NetworkEngine(["water", "vegetation"], stack.roles(), "cpu")
    spec = TileSpec()
    wins = list(iter_windows(src.width, src.height, spec))
    all_px = sum(int(w.width) * int(w.height) for w in wins)
    sel = wins[::max(1, len(wins) // n_tiles)][:n_tiles]  # spread over the raster, not its first row of tiles
    bsets = [stack.read(w, eng.needed_roles()) for w in sel]
    prepared = [eng.prepare(bs) for bs in bsets]
    eng.run(prepared[0])  # warm-up
    t_bare, t_eng = 0.0, 0.0
    for rep in range(2):  # interleave to share the machine's load fairly
        for x, bs in zip(prepared, bsets):
            t = time.perf_counter()
            eng.run(x)
            t_bare += time.perf_counter() - t
            t = time.perf_counter()
            eng.scores(bs)
            t_eng += time.perf_counter() - t
    px = 2 * sum(int(bs.valid.size) for bs in bsets)
    bare_rate = px / t_bare
    return {"tiles": len(sel), "tile_size": spec.size, "overlap": spec.overlap, "bare_onnx_mpx_per_s": round(bare_rate / 1e6, 3),
            "engine_scores_mpx_per_s": round(px / t_eng / 1e6, 3), "engine_vs_bare_ratio": round(t_eng / t_bare, 3),
            "bare_seconds_all_tiles_estimate": round(all_px / bare_rate, 2), "device": str(eng.device_report)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=10980)
    ap.add_argument("--tiles", type=int, default=16)
    ap.add_argument("--json", default=os.path.join(ROOT, "out", "bench_network.json"))
    a = ap.parse_args()
    plugin_on_path()
    path = make_mosaic(a.size)
    ov = bench_overhead(path, a.tiles)
    ex = bench_extract(path, a.size)
    after = bench_overhead(path, a.tiles)  # the bare rate again: the mean of both brackets the pipeline run's machine state
    ov["bare_seconds_all_tiles_estimate_after"] = after["bare_seconds_all_tiles_estimate"]
    bare_s = (ov["bare_seconds_all_tiles_estimate"] + after["bare_seconds_all_tiles_estimate"]) / 2
    ex["pipeline_vs_bare_ratio"] = round(ex["seconds"] / bare_s, 3)
    res = {"size": a.size, "threads": int(os.environ["TERRAPROMPT_THREADS"]), "cpu": platform.processor() or platform.machine(),
           "load_avg_1min": round(os.getloadavg()[0], 2), "overhead": ov, "extract": ex,
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    os.makedirs(os.path.dirname(a.json), exist_ok=True)
    with open(a.json, "w") as fh:
        json.dump(res, fh, indent=1)
    print(f"network engine bench, {a.size} x {a.size} px, 13-band S2 mosaic, {res['threads']} threads, load {res['load_avg_1min']}")
    print(f"  bare ONNX model           : {ov['bare_onnx_mpx_per_s']:.3f} Mpx/s ({ov['tiles']} tiles of {ov['tile_size']} px)")
    print(f"  NetworkEngine.scores      : {ov['engine_scores_mpx_per_s']:.3f} Mpx/s -> overhead ratio {ov['engine_vs_bare_ratio']:.3f} (target <= 1.2)")
    print(f"  extract_landcover network : {ex['mpx_per_s']:.3f} Mpx/s ({ex['seconds']} s), pipeline/bare ratio {ex['pipeline_vs_bare_ratio']:.3f}")
    print(f"  10980 x 10980 tile at this rate: {ex['full_tile_10980_minutes_at_this_rate']} min (target < 5)")
    print(f"  peak RSS: {res['peak_rss_mb']} MB   -> {a.json}")


if __name__ == "__main__":
    main()
