"""``make train-change``: prepare data → train → calibrate → export ONNX + card → evaluate (prints held-out scores)."""
from __future__ import annotations

import time

from . import evaluate, export, prepare, train

if __name__ == "__main__":
    t0 = time.time()
    prepare.main()
    train.train()
    net, meta = export.load_trained()
    export.export(evaluate.calibrate(net, meta.get("val_city", "")))
    evaluate.print_table(evaluate.evaluate(write=True))
    print(f"make train-change: done in {(time.time() - t0) / 60:.1f} min")
