"""TerraPrompt's persistent choices in QgsSettings (prefix ``terraprompt/``), and the files chosen for one project in
that project's file (scope ``terraprompt``, ProjectFile).

One place for keys and defaults, so every tab reads the same device, thread
count and tile size, and follows the default device the same way (DeviceChoice).
"""
from __future__ import annotations

import os

from qgis.core import QgsProject, QgsSettings

PREFIX = "terraprompt/"
DEFAULTS = {"device": "auto", "threads": 0, "tile_size": 512, "tile_overlap": 64}
"""threads 0 = automatic (TERRAPROMPT_THREADS when set, else all cores)."""
MIN_TILE_OVERLAP = 32
"""Tile overlap (px) below which seams show: OSCD Beihai, spectral 'land cover map' against one 1024-px tile, 512-px tiles
differ on 0.12 % of pixels with no overlap (most within 2 px of a tile border), 0.02 % at 16, 0.01 % at 32 (as the
default 64); 64-px tiles 1.76 % / 0.34 % / 0.25 %; network water on 512-px tiles 188 / 45 / 20 px (default 10). A smaller
stored value (an older version allowed 0) reads as this."""
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


PROJECT_SCOPE = "terraprompt"
"""Scope of the entries TerraPrompt keeps in the project file (QgsProject.writeEntry): the output and objects files
chosen in that project, which belong to it alone."""


def project_relative(path: str, folder: str) -> str:
    """``path`` relative to ``folder`` when it lies inside it (a moved project folder keeps it), else absolute."""
    path = os.path.abspath(path)
    if not folder:
        return path
    folder = os.path.abspath(folder)
    try:
        inside = os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive (Windows)
        inside = False
    return os.path.relpath(path, folder) if inside else path


def project_file_path(key: str) -> str:
    """The absolute path the opened project's file keeps under ``key``; '' when it keeps none, the project was never
    saved (nothing of it can be opened again), or the path's folder is gone."""
    project = QgsProject.instance()
    value, _found = project.readEntry(PROJECT_SCOPE, key, "")
    if not value or not project.fileName():
        return ""
    # an absolute value stays as it is; a project in a database (no folder) keeps absolute ones only
    path = os.path.normpath(os.path.join(project.absolutePath(), value))
    return path if os.path.isabs(path) and os.path.isdir(os.path.dirname(path)) else ""


def set_project_file_path(key: str, path: str) -> None:
    """Keep ``path`` under ``key`` in the project (saved with it): relative to the project's folder when inside it, else
    absolute; an empty path removes the entry."""
    project = QgsProject.instance()
    if not path:
        project.removeEntry(PROJECT_SCOPE, key)
        return
    project.writeEntry(PROJECT_SCOPE, key, project_relative(path, project.absolutePath()))


class ProjectFile:
    """A file widget whose path belongs to the opened project: kept in the project file under ``key`` when the analyst
    chooses it, shown again when that project is opened, never shown in another project."""

    def __init__(self, widget, key: str) -> None:
        self.widget = widget
        self.key = key
        self._showing = False
        widget.fileChanged.connect(self._chosen)

    def _chosen(self, path: str) -> None:
        """The analyst chose (or emptied) the path: the project keeps it."""
        if not self._showing:
            set_project_file_path(self.key, path.strip())

    def show(self, path: str) -> None:
        """Show ``path`` without writing it into the project (none for a new project, its own for an opened one)."""
        self._showing = True
        try:
            self.widget.setFilePath(path)
        finally:
            self._showing = False

    def restore(self) -> str:
        """Show the path the opened project keeps, when it keeps one whose folder exists; that path ('' when none)."""
        path = project_file_path(self.key)
        if path:
            self.show(path)
        return path

    def store(self) -> None:
        """Write the shown path again as the project is being saved (relative to where it is saved now); an entry whose
        folder could not be found when the project was opened is kept."""
        path = self.widget.filePath().strip()
        if path:
            set_project_file_path(self.key, path)


def tile_spec():
    """The TileSpec from the settings (an overlap under MIN_TILE_OVERLAP reads as it; invalid combinations fall back to
    the defaults)."""
    from ..core.tiling import TileSpec

    try:
        return TileSpec(size=int(value("tile_size", type_=int)),
                        overlap=max(MIN_TILE_OVERLAP, int(value("tile_overlap", type_=int))))
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
