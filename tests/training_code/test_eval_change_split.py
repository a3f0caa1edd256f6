"""make eval-change counts every OSCD city or DSIFN tile the bundled network never saw as held out, including ones
dropped into ../shared/data beside the shared ones (the OSCD test cities), and skips unlabelled city folders."""
from __future__ import annotations

import os
import sys

import numpy as np

from conftest import write_raster

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_unseen_cities_and_tiles_are_held_out():
    sys.path.insert(0, ROOT)
    from training import eval_change

    train, tiles = eval_change.network_seen()
    assert "paris" in train and "nantes" in train  # trained on / validated on
    held, held_tiles = eval_change.network_held_out(["brasilia", "paris", "hongkong"], ["0_2", "7_7"])
    assert {"brasilia", "hongkong", "rennes"} <= held and "paris" not in held
    assert "7_7" in held_tiles and "0_2" not in held_tiles


def test_city_folders_without_labels_are_skipped(tmp_path, capsys):
    sys.path.insert(0, ROOT)
    from training import eval_change

    img = np.ones((3, 8, 8), np.uint16)
    for city, parts in (("milano", ("t1", "t2", "cm")), ("dubai", ("t1", "t2"))):
        os.makedirs(tmp_path / city)
        for k in parts:
            write_raster(str(tmp_path / city / f"{city}_{k}.tif"), img[:1] if k == "cm" else img)
    got = [os.path.basename(d) for d in eval_change.labelled_cities(str(tmp_path))]
    assert got == ["milano"]
    assert "dubai" in capsys.readouterr().out
