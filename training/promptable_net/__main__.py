"""The recipe of versions 1-2: prepare data → train (wall-clock budget) → [continued training] → export ONNX + card → evaluate.

The bundled version 3 is made by ``make train-interactive`` instead: training/promptable_net/revive.py on version 2's
files. Versions 1-2 were trained with a ReLU in the encoder's FPN fuse that died (model.FUSE_SLOPE); run from scratch,
this recipe now trains the leaky fuse (not measured).

``python -m training.promptable_net [--minutes M] [--batch B] [--finetune-minutes F] [--finetune2-minutes G]``; with
``F > 0`` the first model is trained further from its checkpoint (train.FINETUNE options: lower learning rate, up to 6
corrective clicks, boundary-weighted loss, validation building objects left out), with ``G > 0`` once more
(train.FINETUNE2: BatchNorm frozen, more first-prompt batches), with ``H > 0`` (``--finetune3-minutes``) a fourth
stage whose decoder gets image cue channels (train.FINETUNE3; an experiment, not the bundled model: see its
docstring), and the last checkpoint is exported.
(The bundled third stage started from the second stage's ONNX files rebuilt by ``from_onnx.py``, equivalent weights;
the cue experiment started likewise from the bundled version 2 files.)
The evaluation (training/eval_interactive.py, network and classical side by side) writes its figures into the
card's ``metrics``.
"""
from __future__ import annotations

import time

from . import evaluate, export, prepare, train
from .common import RUNS

if __name__ == "__main__":
    args = train.parse_args()
    t0 = time.time()
    prepare.main()
    train.train(args.minutes, args.batch)
    ckpt = RUNS / "model.pt"
    if args.finetune_minutes > 0:
        ckpt = RUNS / "model_ft.pt"
        train.train(args.finetune_minutes, args.batch, init=RUNS / "model.pt", out=ckpt, **train.FINETUNE)
    if args.finetune_minutes > 0 and args.finetune2_minutes > 0:
        ckpt = RUNS / "model_ft2.pt"
        train.train(args.finetune2_minutes, args.batch, init=RUNS / "model_ft.pt", out=ckpt, **train.FINETUNE2)
    if args.finetune_minutes > 0 and args.finetune2_minutes > 0 and args.finetune3_minutes > 0:
        ckpt = RUNS / "model_cues.pt"
        train.train(args.finetune3_minutes, args.batch, init=RUNS / "model_ft2.pt", out=ckpt, **train.FINETUNE3)
    export.export(ckpt)
    evaluate.main()
    print(f"make train-interactive: done in {(time.time() - t0) / 60:.1f} min")
