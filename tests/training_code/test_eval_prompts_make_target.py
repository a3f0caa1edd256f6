"""`make eval-prompts` runs as the Makefile calls it (python -m training.prompt_threshold, no PYTHONPATH set)."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT


def test_eval_prompts_runs_without_pythonpath():
    """It failed with "No module named 'terraprompt'": the script did not put the plugins folder on its path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, "-m", "training.prompt_threshold"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "current MATCH_THRESHOLD" in proc.stdout and "noise_kept" in proc.stdout
