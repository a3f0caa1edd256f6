"""`make wheelhouse`: wheels of the plugin's runtime dependencies for this platform, as a folder and a .zip.

Carry dist/terraprompt-wheelhouse-<tag>.zip to an air-gapped machine and point the dock's
"Install dependencies" at it.
"""
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from plugin.core import deps, installer  # noqa: E402


def pins() -> list[str]:
    """The versions requirements-plugin.txt pins (the tested venv's), given to pip as constraints."""
    return [l.strip() for l in open(os.path.join(ROOT, "requirements-plugin.txt")) if l.strip() and not l.startswith("#")]


def main() -> None:
    tag = deps.python_tag()
    dest = os.path.join(ROOT, "dist", f"terraprompt-wheelhouse-{tag}")
    shutil.rmtree(dest, ignore_errors=True)
    wheels = installer.build_wheelhouse(dest, installer.required_packages(), installer.qgis_constraints() + pins())
    zpath = shutil.make_archive(dest, "zip", os.path.dirname(dest), os.path.basename(dest))
    print(f"{len(wheels)} wheels for {tag} in {dest}")
    for w in wheels:
        print("  " + w)
    print(f"zip: {zpath} ({os.path.getsize(zpath) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
