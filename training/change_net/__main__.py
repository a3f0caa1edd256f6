"""``make train-change``: prepare data → train → calibrate → export ONNX + card → evaluate (prints held-out scores)."""
from __future__ import annotations

import os
import time

from . import evaluate, export, prepare, train

if __name__ == "__main__":
    t0 = time.time()
    if not train.VAL_CITIES and not os.environ.get("CHANGE_NET_THRESHOLD"):
        raise SystemExit("CHANGE_NET_VAL is empty: set CHANGE_NET_THRESHOLD (a threshold transferred from an earlier "
                         "calibration, e.g. 0.9) - a threshold is never fitted on training cities")
    prepare.main()
    train.train()
    net, meta = export.load_trained()
    threshold, calibration = evaluate.operating_point(net, meta)
    export.export(threshold, calibration=calibration)
    evaluate.print_table(evaluate.evaluate(write=True))
    print(f"make train-change: done in {(time.time() - t0) / 60:.1f} min")
