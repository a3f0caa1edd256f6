"""Text candidates in the interactive session: time to find the objects of a prompt on a 1024 x 1024 window.

Image: the OSCD Beihai after-image (13 Sentinel-2 bands, 10 m; real lakes, fields and town) repeated to
1024 x 1024 when ../shared/data is present, else the generated scene of tests/conftest.py. The session's
window is encoded first (not timed); each prompt is then run twice and the second (warm: prompt parser
loaded) time is reported with the number of candidates. 2 threads, as on the target machine.

With ``--surround`` the image is three times larger and the window is its centre: regions cut by the
window are completed beyond it (the count of completed ones is printed too).

Run: `source scripts/plugin_env.sh && .venv/bin/python benchmarks/text_candidates.py [--size 1024] [--surround]`
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TERRAPROMPT_THREADS"):
    os.environ.setdefault(var, "2")

from common import plugin_on_path, repeat_vrt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TILE = os.path.abspath(os.path.join(ROOT, "..", "shared", "data", "oscd", "beihai", "beihai_t2.tif"))
PROMPTS = ["water", "vegetation", "water and vegetation", "lakes larger than 1 ha", "buildings"]


def image(size: int, tmp: str) -> tuple[str, str]:
    """(raster path, description) of a size x size 13-band window."""
    if os.path.exists(TILE):  # the VRT goes into tmp (the shared data are read-only), next to a link to the tile
        link = os.path.join(tmp, os.path.basename(TILE))
        os.symlink(TILE, link)
        return repeat_vrt(link, size, os.path.join(tmp, "bench.vrt")), "OSCD beihai_t2 repeated"
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    from conftest import S2_NAMES, synthetic_s2, write_raster

    data, _, _ = synthetic_s2(size, size)
    return write_raster(os.path.join(tmp, "s2.tif"), data, descriptions=S2_NAMES), "generated synthetic_s2"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--surround", action="store_true", help="a 3x larger image; the window is its centre")
    args = ap.parse_args()
    plugin_on_path()
    from rasterio.windows import Window

    from terraprompt.plugin.core.interactive.session import InteractiveSession
    from terraprompt.plugin.core.interactive.text_candidates import find_candidates
    from terraprompt.plugin.core.raster import open_raster

    with tempfile.TemporaryDirectory() as tmp:
        n = args.size
        path, what = image(3 * n if args.surround else n, tmp)
        session = InteractiveSession(open_raster(path), Window(n, n, n, n) if args.surround else None)
        what += f", window the centre {n} x {n}" if args.surround else ""
        t0 = time.perf_counter()
        session.encode()
        rows = {"image": f"{what}, {session.source.width} x {session.source.height}",
                "encode_s": round(time.perf_counter() - t0, 2)}
        for prompt in PROMPTS:
            find_candidates(session, prompt)
            t0 = time.perf_counter()
            cs = find_candidates(session, prompt)
            rows[prompt] = {"seconds": round(time.perf_counter() - t0, 2), "candidates": len(cs.candidates),
                            "total": cs.total, "engine": cs.engine, "grown": sum(c.grown for c in cs.candidates),
                            "cut": sum(c.cut for c in cs.candidates)}
            print(f"{prompt!r:28} {rows[prompt]['seconds']:5.2f} s  {cs.total:4d} regions ({cs.engine}), "
                  f"{rows[prompt]['grown']} completed beyond the window, {rows[prompt]['cut']} still cut", flush=True)
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
