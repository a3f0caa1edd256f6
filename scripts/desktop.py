"""Helpers for scripts that drive the real QGIS desktop under Xvfb (`make screenshots`).

Outside QGIS: :func:`run_desktop` starts ``xvfb-run qgis --code SCRIPT`` and reads
the JSON report the script writes. Inside QGIS: :func:`wait` spins the event loop
and :func:`finish` writes the report and quits with an exit code.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def run_desktop(script: str, env: dict, report: str, size: tuple[int, int], timeout: int) -> int:
    """Run the desktop with ``script`` as --code; print its report; 0 when it says ok."""
    if os.path.exists(report):
        os.remove(report)
    cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {size[0]}x{size[1]}x24", "qgis", "--nologo", "--noversioncheck", "--code", script]
    try:
        rc = subprocess.run(cmd, env=env, cwd=env.get("TERRAPROMPT_ROOT"), timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        print(f"QGIS did not finish within {timeout} s", file=sys.stderr)
        return 1
    if not os.path.exists(report):
        print(f"QGIS exited with {rc} and wrote no report", file=sys.stderr)
        return rc or 1
    with open(report, encoding="utf-8") as fh:
        info = json.load(fh)
    print(json.dumps(info, indent=1))
    return 0 if info.get("ok") else 1


def wait(cond, timeout: float) -> bool:
    """Inside QGIS: process events until cond() holds or the timeout passes; returns cond()."""
    from qgis.core import QgsApplication

    t0 = time.time()
    while not cond() and time.time() - t0 < timeout:
        QgsApplication.processEvents()
        time.sleep(0.02)
    return cond()


def finish(info: dict, report: str, code: int) -> None:
    """Inside QGIS: write the report and quit the desktop with ``code``."""
    from qgis.core import QgsApplication

    with open(report, "w", encoding="utf-8") as fh:
        json.dump(info, fh, indent=1)
    QgsApplication.exit(code)
