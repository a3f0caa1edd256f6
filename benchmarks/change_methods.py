"""Classical change methods on a full Sentinel-2 tile pair: time and peak RSS of detect_change(METHOD=irmad / cva).

Input: the same VRT mosaics as benchmarks/change_network.py (one real 13-band OSCD city, default beihai, both dates,
repeated to --size x --size pixels on a 10 m UTM grid; default 10980 = a full Sentinel-2 tile). Outputs: the
probability and binary change rasters (no polygons). Each method runs in its own subprocess, so its peak RSS is its
own. Reports the whole time, the part before the first tile (alignment, sample, fit) and the Mpx/s.
Targets (issue 4): irmad < 2 minutes, peak RSS < 2 GB, on 2 CPU cores (TERRAPROMPT_THREADS=2).

Usage: python benchmarks/change_methods.py [--size 10980] [--methods irmad,cva] [--json out/bench_change_methods.json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TERRAPROMPT_THREADS", "2")

from common import plugin_on_path, rss_mb  # noqa: E402 (benchmarks/ is the script folder)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "out", "bench_change_methods")


def one(method: str, before: str, after: str) -> dict:
    """detect_change with one method over the whole pair (this process), timed."""
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    os.makedirs(OUT, exist_ok=True)
    prob, change = os.path.join(OUT, f"{method}_prob.tif"), os.path.join(OUT, f"{method}_change.tif")
    marks: dict[str, float] = {}
    t0 = time.perf_counter()

    def progress(p: float) -> None:
        if "fitted" not in marks and p >= 2.0:
            marks["fitted"] = time.perf_counter() - t0

    res = detect_change(ChangeRequest(before, after, output_probability=prob, output_change=change, method=method,
                                      device="cpu", cloud_mask=False), progress=progress)
    total = time.perf_counter() - t0
    import rasterio

    with rasterio.open(before) as ds:
        mpx = ds.width * ds.height / 1e6
    for p in (prob, change):
        os.remove(p)
    return {"method": res.method, "seconds": round(total, 1), "fit_s": round(marks.get("fitted", 0.0), 1),
            "mpx_s": round(mpx / total, 2), "peak_rss_mb": round(rss_mb()), "changed_pct":
            round(100 * res.changed_area_m2 / max(res.valid_area_m2, 1), 2), "mpx": round(mpx, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=10980)
    ap.add_argument("--city", default="beihai")
    ap.add_argument("--methods", default="irmad,cva")
    ap.add_argument("--json", default=os.path.join(ROOT, "out", "bench_change_methods.json"))
    ap.add_argument("--child", nargs=3, metavar=("METHOD", "BEFORE", "AFTER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    plugin_on_path()
    if args.child:
        print(json.dumps(one(*args.child)))
        return
    from change_network import city_mosaics

    pair = city_mosaics(args.city, args.size)
    if pair is None:
        return
    before, after = pair
    results = []
    for m in args.methods.split(","):
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", m, before, after],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(r)
        target = " (target < 120 s)" if m == "irmad" else ""
        print(f"{m} {args.size}x{args.size} 13-band pair: {r['seconds']} s{target} (alignment + fit {r['fit_s']} s), "
              f"{r['mpx_s']} Mpx/s, peak RSS {r['peak_rss_mb']} MB (target < 2048), changed {r['changed_pct']} %")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as fh:
        json.dump({"size": args.size, "city": args.city, "threads": os.environ.get("TERRAPROMPT_THREADS"),
                   "results": results}, fh, indent=1)
    print(f"written {args.json}")


if __name__ == "__main__":
    main()
