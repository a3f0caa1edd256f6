"""``make train-landcover``: prepare data → train → export ONNX + card → evaluate (prints held-out IoU)."""
from __future__ import annotations

import time

from . import evaluate, export, prepare, train

if __name__ == "__main__":
    t0 = time.time()
    prepare.main()
    train.train()
    export.export()
    evaluate.print_table(evaluate.evaluate(write=True))
    print(f"make train-landcover: done in {(time.time() - t0) / 60:.1f} min")
