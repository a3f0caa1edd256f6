"""Start-up chores that must run before any heavy import: private site folder, PROJ data path."""
from __future__ import annotations

import os

STATE: dict = {}
"""What bootstrap found: 'added' (sys.path entries), 'stale' (private folders of another Python), 'profile'."""


def profile_dir() -> str:
    """The active QGIS profile folder (where the private dependency folder lives)."""
    from qgis.core import QgsApplication

    return QgsApplication.qgisSettingsDirPath().rstrip("/\\")


def ensure_proj_data() -> None:
    """Point pyproj at QGIS's PROJ data when neither PROJ_DATA nor PROJ_LIB is set."""
    if os.environ.get("PROJ_DATA") or os.environ.get("PROJ_LIB"):
        return
    try:
        from qgis.core import QgsProjUtils

        for path in QgsProjUtils.searchPaths():
            if os.path.exists(os.path.join(path, "proj.db")):
                os.environ["PROJ_DATA"] = path
                return
    except Exception:  # never block loading
        pass


def bootstrap() -> dict:
    """Activate the private dependency folder and note stale ones; safe to call twice."""
    from .core import deps

    ensure_proj_data()
    prof = profile_dir()
    STATE["profile"] = prof
    STATE["added"] = deps.activate_private_site(prof)
    STATE["stale"] = deps.stale_private_folders(prof)
    return STATE
