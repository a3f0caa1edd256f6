"""TerraPrompt's persistent choices in QgsSettings (prefix ``terraprompt/``).

One place for keys and defaults, so every tab reads the same device, thread
count and tile size.
"""
from __future__ import annotations

import os

from qgis.core import QgsSettings

PREFIX = "terraprompt/"
DEFAULTS = {"device": "auto", "threads": 0, "tile_size": 512, "tile_overlap": 64}
"""threads 0 = automatic (TERRAPROMPT_THREADS when set, else all cores)."""
_ENV_THREADS = os.environ.get("TERRAPROMPT_THREADS")


def value(key: str, default=None, type_=None):
    """Read ``terraprompt/<key>`` (default from DEFAULTS when not given)."""
    if default is None:
        default = DEFAULTS.get(key)
    s = QgsSettings()
    if type_ is not None:
        return s.value(PREFIX + key, default, type=type_)
    return s.value(PREFIX + key, default)


def set_value(key: str, val) -> None:
    """Write ``terraprompt/<key>``."""
    QgsSettings().setValue(PREFIX + key, val)


def tile_spec():
    """The TileSpec from the settings (invalid combinations fall back to the defaults)."""
    from ..core.tiling import TileSpec

    try:
        return TileSpec(size=int(value("tile_size", type_=int)), overlap=int(value("tile_overlap", type_=int)))
    except ValueError:
        return TileSpec()


def apply_threads() -> int:
    """Export the thread setting as TERRAPROMPT_THREADS (what core.runtime reads); returns the count in force."""
    from ..core.runtime import default_threads

    n = int(value("threads", type_=int) or 0)
    if n > 0:
        os.environ["TERRAPROMPT_THREADS"] = str(n)
    elif _ENV_THREADS is not None:
        os.environ["TERRAPROMPT_THREADS"] = _ENV_THREADS
    else:
        os.environ.pop("TERRAPROMPT_THREADS", None)
    return default_threads()
