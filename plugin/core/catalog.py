"""Where the bundled data files live (models/*.json, model cards) and how to load them."""
from __future__ import annotations

import json
import os
from functools import lru_cache

PLUGIN_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS_DIR = os.path.join(PLUGIN_ROOT, "models")
RESOURCES_DIR = os.path.join(PLUGIN_ROOT, "resources")


@lru_cache(maxsize=None)
def load_json(name: str) -> dict:
    """Load a JSON data file from ``models/`` (cached: the files are read-only at run time)."""
    with open(os.path.join(MODELS_DIR, name), encoding="utf-8") as fh:
        return json.load(fh)
