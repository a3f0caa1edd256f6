"""Evaluate the exported network next to the classical engine (training/eval_interactive.py) and put the figures in the card."""
from __future__ import annotations

import json
import sys

from .common import CARD, REPO


def main(argv: list[str] | None = None) -> dict:
    """Run the simulated-click protocol for both engines; write metrics into models/promptable_net.json."""
    sys.path.insert(0, str(REPO / ".qgis" / "plugins"))
    from training import eval_interactive

    out = REPO / "out" / "eval_interactive.json"
    eval_interactive.main(["--json", str(out)] + (argv or []))
    res = json.loads(out.read_text())
    card = json.loads(CARD.read_text())
    card["metrics"] = {
        "protocol": "simulated clicks (first at the interior point farthest from the border, then the centre of the largest "
                    "error region, up to 10); box = object bounding box + 2 px; training/eval_interactive.py, "
                    "`make eval-interactive`",
        "split_note": "buildings_held_out = rio_img52, never used in training (20 instances); buildings_seen = the two "
                      "training tiles; 'buildings' = all 3 tiles, partly seen; clouds never seen; DSIFN change labels never "
                      "seen (the after images only through unlabelled superpixels)",
        **{f"{engine}": r for engine, r in res.items()},
    }
    CARD.write_text(json.dumps(card, indent=1) + "\n")
    print(f"metrics written to {CARD}")
    return res


if __name__ == "__main__":
    main(sys.argv[1:])
