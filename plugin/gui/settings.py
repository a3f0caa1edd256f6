"""TerraPrompt's persistent choices in QgsSettings (prefix ``terraprompt/``).

One place for keys and defaults, so every tab reads the same device, thread
count and tile size, and follows the default device the same way (DeviceChoice).
"""
from __future__ import annotations

import os

from qgis.core import QgsSettings

PREFIX = "terraprompt/"
DEFAULTS = {"device": "auto", "threads": 0, "tile_size": 512, "tile_overlap": 64}
"""threads 0 = automatic (TERRAPROMPT_THREADS when set, else all cores)."""
_ENV_THREADS = os.environ.get("TERRAPROMPT_THREADS")
"""The analyst's own TERRAPROMPT_THREADS, read before the plugin set it (restore_threads puts it back at unload, so a
plugin reload reads the analyst's value again, not the plugin's)."""


def value(key: str, default=None, type_=None):
    """Read ``terraprompt/<key>`` (default from DEFAULTS when not given); a value that is not a ``type_`` (e.g. 'auto'
    or '' typed in QGIS's Advanced settings editor) reads as the default instead of breaking every tab and task."""
    if default is None:
        default = DEFAULTS.get(key)
    s = QgsSettings()
    if type_ is not None:
        try:
            return s.value(PREFIX + key, default, type=type_)
        except (TypeError, ValueError):
            return default
    return s.value(PREFIX + key, default)


def set_value(key: str, val) -> None:
    """Write ``terraprompt/<key>``."""
    QgsSettings().setValue(PREFIX + key, val)


def default_device() -> str:
    """The Settings tab's default device ('auto' when none is saved): what a tab without a device choice of its own uses."""
    return str(value("device") or "auto")


class DeviceChoice:
    """A tab's device combo that follows the Settings tab's default device unless a device is chosen in the tab: it
    starts on the tab's saved choice (``own_key``) or the default, and takes the default again only when that changes
    (a device chosen in the tab is kept when another setting, e.g. the thread count, changed)."""

    def __init__(self, combo, own_key: str) -> None:
        self.combo = combo
        self.followed = default_device()
        self._select(str(value(own_key, "") or self.followed))

    def follow(self) -> bool:
        """Select the default device when it changed since last followed (the combo says currentIndexChanged, so the
        tab remembers and uses it like a choice made there); whether it changed."""
        device = default_device()
        if device == self.followed:
            return False
        self.followed = device
        self._select(device)
        return True

    def _select(self, device: str) -> None:
        """Show ``device`` (the first entry, 'auto', for a value the combo does not offer)."""
        self.combo.setCurrentIndex(max(0, self.combo.findData(device)))


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


def restore_threads() -> None:
    """Put TERRAPROMPT_THREADS back as it was before the plugin loaded (called at unload)."""
    if _ENV_THREADS is not None:
        os.environ["TERRAPROMPT_THREADS"] = _ENV_THREADS
    else:
        os.environ.pop("TERRAPROMPT_THREADS", None)
