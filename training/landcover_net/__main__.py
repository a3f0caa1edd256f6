"""``make train-landcover``: prepare data → train → export ONNX + card → evaluate (prints held-out IoU).

``python -m training.landcover_net [--steps N] [--max-minutes M] [--arch unet|lite0] [--val]``: the full step schedule by default
(reproducible); ``--max-minutes`` is an optional wall-clock cap for a busy machine.
"""
from __future__ import annotations

import time

from . import evaluate, export, prepare, train

if __name__ == "__main__":
    args = train.parse_args()
    t0 = time.time()
    prepare.main()
    train.train(args.steps, args.out, max_seconds=args.max_minutes * 60 if args.max_minutes else None, arch=args.arch,
                val=args.val, pre_drop=args.pre_drop, width=args.width, patch=args.patch)
    export.export()
    evaluate.print_table(evaluate.evaluate(write=True))
    print(f"make train-landcover: done in {(time.time() - t0) / 60:.1f} min")
