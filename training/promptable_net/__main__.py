"""``make train-interactive``: prepare data → train (wall-clock budget) → export ONNX + card → evaluate.

``python -m training.promptable_net [--minutes M] [--batch B]``; the evaluation (training/eval_interactive.py,
network and classical side by side) writes its figures into the card's ``metrics``.
"""
from __future__ import annotations

import time

from . import evaluate, export, prepare, train

if __name__ == "__main__":
    args = train.parse_args()
    t0 = time.time()
    prepare.main()
    train.train(args.minutes, args.batch)
    export.export()
    evaluate.main()
    print(f"make train-interactive: done in {(time.time() - t0) / 60:.1f} min")
