"""Prompt matching latency: first call (encoder load + concept embeddings) and later calls (target < 100 ms).

Run: source scripts/plugin_env.sh && .venv/bin/python benchmarks/bench_prompts.py
"""
from __future__ import annotations

import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, ".qgis", "plugins"))

from terraprompt.plugin.core import prompts as P  # noqa: E402

PROMPTS = ["places covered by trees", "wooded areas", "lakes and rivers larger than 1 ha", "farms and concrete",
           "bare soil but not sand", "snowy mountains", "clouds and their shadows", "swamp", "green spaces in the city"]


def main() -> None:
    t = time.perf_counter()
    P.parse_prompt("wooded areas")
    first = time.perf_counter() - t
    times = []
    for _ in range(5):
        for text in PROMPTS:
            t = time.perf_counter()
            P.parse_prompt(text)
            times.append((time.perf_counter() - t) * 1000)
    print(f"prompt matching ({P.encoder_status()})")
    print(f"  first call (load encoder + embed catalogue): {first:.2f} s")
    print(f"  later calls over {len(times)} prompts: median {statistics.median(times):.1f} ms, "
          f"p90 {sorted(times)[int(0.9 * len(times))]:.1f} ms, max {max(times):.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
