"""Dependencies: which Python packages are importable, what needs them, and the plugin-private folder.

Packages the plugin installs itself go into a private folder per Python version
and ABI (e.g. ``<profile>/python/terraprompt-deps/cp311-linux_x86_64``), which is
added to ``sys.path`` at load time. QGIS's own installation and the user's
site-packages are never touched. Only the standard library is imported at
module level, so this works before any dependency is installed.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import platform
import sys
import sysconfig
from dataclasses import dataclass
from typing import Optional

from .catalog import load_json

DEPS_FOLDER = "terraprompt-deps"


@dataclass
class DepStatus:
    """One package: importable or not, its version and where it comes from."""

    name: str
    module: str
    ok: bool
    version: str
    path: str
    needed_for: list[str]
    optional: bool
    provided_by_qgis: bool
    error: str = ""


def python_tag() -> str:
    """Python version + platform tag naming the private folder, e.g. 'cp311-linux_x86_64'."""
    impl = "cp" if platform.python_implementation() == "CPython" else "py"
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{impl}{sys.version_info.major}{sys.version_info.minor}-{plat}"


def private_root(profile_dir: str) -> str:
    """Root of all private dependency folders inside a QGIS profile."""
    return os.path.join(profile_dir, "python", DEPS_FOLDER)


def private_prefix(profile_dir: str) -> str:
    """The pip --prefix for this Python in a profile."""
    return os.path.join(private_root(profile_dir), python_tag())


def site_dirs(prefix: str) -> list[str]:
    """The site-packages/dist-packages folders pip --prefix created under a prefix (layouts differ by platform)."""
    found = []
    for root, dirs, _files in os.walk(prefix):
        depth = root[len(prefix):].count(os.sep)
        for d in dirs:
            if d in ("site-packages", "dist-packages"):
                found.append(os.path.join(root, d))
        if depth >= 4:
            dirs[:] = []
        else:
            dirs[:] = [d for d in dirs if d not in ("site-packages", "dist-packages")]
    return sorted(found)


def activate_private_site(profile_dir: str) -> list[str]:
    """Append the private folder(s) of this Python to sys.path; returns the paths added."""
    added = []
    for p in site_dirs(private_prefix(profile_dir)):
        if p not in sys.path:
            sys.path.append(p)
            added.append(p)
    if added:
        importlib.invalidate_caches()
    return added


OLD_MARK = ".old-"
"""What follows a private folder's name once the installer replaced it ('<tag>.old-<hex>', deleted after the swap)."""


def stale_private_folders(profile_dir: str) -> list[str]:
    """Private folders made for another Python (e.g. before a QGIS upgrade); the installer's '<tag>.old-*' leftovers
    are not (see leftover_private_folders)."""
    root = private_root(profile_dir)
    if not os.path.isdir(root):
        return []
    return sorted(os.path.join(root, d) for d in os.listdir(root)
                  if d != python_tag() and not d.startswith(".") and OLD_MARK not in d)


def replaced_folders(root: str, name: str = "") -> list[str]:
    """The folders in ``root`` that the installer replaced ('<name>.old-*'; of any name when ``name`` is empty): what a
    swap could not finish deleting, or has yet to delete."""
    if not os.path.isdir(root):
        return []
    return sorted(os.path.join(root, d) for d in os.listdir(root)
                  if (d.startswith(name + OLD_MARK) if name else OLD_MARK in d))


def leftover_private_folders(profile_dir: str) -> list[str]:
    """Replaced private folders ('<tag>.old-*') the installer could not finish deleting."""
    return replaced_folders(private_root(profile_dir))


def remove_old_private_folders(profile_dir: str) -> list[str]:
    """Delete the stale folders of other Pythons and the installer's leftovers; returns those that could not be deleted."""
    import shutil

    for path in stale_private_folders(profile_dir) + leftover_private_folders(profile_dir):
        shutil.rmtree(path, ignore_errors=True)
    return stale_private_folders(profile_dir) + leftover_private_folders(profile_dir)


def package_table() -> list[dict]:
    """The dependency table from models/dependencies.json."""
    return load_json("dependencies.json")["packages"]


def check(pkg: dict, import_it: bool = False) -> DepStatus:
    """Whether one package is available, its version and location.

    By default only looks the package up (fast: importing torch at QGIS start
    costs seconds); ``import_it=True`` really imports it, which also catches
    broken binaries (e.g. a numpy ABI mismatch), for the diagnostics report.
    """
    module = pkg["import"]
    args = (pkg["needed_for"], pkg.get("optional", False), pkg["provided_by_qgis"])
    if not import_it:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError) as exc:
            spec, err = None, f"{type(exc).__name__}: {exc}"
        else:
            err = f"ModuleNotFoundError: No module named '{module}'"
        if spec is None:
            return DepStatus(pkg["name"], module, False, "", "", *args, err)
        origin = spec.origin or (list(spec.submodule_search_locations or [""])[0])
        return DepStatus(pkg["name"], module, True, _dist_version(pkg["pip"]), os.path.dirname(origin or ""), *args)
    try:
        mod = importlib.import_module(module)
        version = str(getattr(mod, "__version__", "") or _dist_version(pkg["pip"]))
        path = os.path.dirname(getattr(mod, "__file__", "") or "")
        return DepStatus(pkg["name"], module, True, version, path, *args)
    except Exception as exc:  # ImportError, but also broken binaries (e.g. numpy ABI errors)
        return DepStatus(pkg["name"], module, False, "", "", *args, f"{type(exc).__name__}: {exc}")


def absent(modules: tuple[str, ...]) -> list[str]:
    """The modules of these that cannot be found (looked up, not imported: cheap enough to ask per run)."""
    out = []
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            out.append(module)
    return out


def _dist_version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return ""


def check_all(import_them: bool = False) -> list[DepStatus]:
    """Status of every dependency (looked up, or really imported when asked)."""
    return [check(p, import_them) for p in package_table()]


def missing(statuses: Optional[list[DepStatus]] = None, include_optional: bool = False) -> list[DepStatus]:
    """The dependencies that do not import (optional ones only when asked)."""
    statuses = statuses if statuses is not None else check_all()
    return [s for s in statuses if not s.ok and (include_optional or not s.optional)]


def capability_summary(statuses: list[DepStatus]) -> list[str]:
    """Lines such as 'network engine: needs onnxruntime (missing)' for what cannot run."""
    lines = []
    for s in statuses:
        if not s.ok:
            what = ", ".join(s.needed_for)
            lines.append(f"{s.name} is missing — needed for: {what}" + (" (optional)" if s.optional else ""))
    return lines


def nvidia_driver_present() -> bool:
    """True when an NVIDIA driver is installed (Linux /proc entry or nvidia-smi on PATH)."""
    import shutil

    return os.path.exists("/proc/driver/nvidia/version") or shutil.which("nvidia-smi") is not None
