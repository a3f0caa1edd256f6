"""Installer: pip as a subprocess of QGIS's own Python, into the plugin-private folder.

* Constraints pin what QGIS provides (numpy, GDAL, PyQt5, shapely ...) so pip can
  never shadow them (numpy 2 over a numpy-1 GDAL is the known breakage): pip then
  fails with a clear conflict instead of installing.
* Sources: PyPI (pip honours the system proxy and PIP_* settings), or an offline
  wheelhouse folder or .zip (air-gapped sites).
* The private folder is copied (hard links where possible) into a staging folder,
  pip adds the new packages there (seeing the earlier ones as installed), and the
  staging folder replaces the private folder only when pip succeeded, so earlier
  packages are kept and a broken wheelhouse or a cancel leaves the previous
  working state intact.
Only the standard library is imported here: it must work before anything is installed.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Callable, Optional

from . import deps
from .errors import Cancelled, TerraPromptError
from .messages import t


class InstallError(TerraPromptError):
    """pip could not install the packages; the previous state is kept."""


@dataclass
class InstallPlan:
    """What will be installed, from where, with which Python, into which folder, and why."""

    python: list[str]
    prefix: str
    packages: list[str]
    constraints: list[str]
    wheelhouse: Optional[str] = None
    cuda: bool = False
    proxy: Optional[str] = None
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """A few lines for the log and the dock."""
        src = f"wheelhouse {self.wheelhouse}" if self.wheelhouse else "PyPI (system proxy and PIP_* settings apply)"
        lines = [f"Packages: {' '.join(self.packages)}", f"Source: {src}", f"Into: {self.prefix}",
                 f"Python: {' '.join(self.python)}", f"Build: {'CUDA' if self.cuda else 'CPU'}",
                 f"Pinned (provided by QGIS): {', '.join(self.constraints) or 'none'}"]
        return "\n".join(lines + self.notes)


def python_command() -> list[str]:
    """The command that runs the same Python as QGIS (sys.executable is often the QGIS binary)."""
    ver = f"{sys.version_info.major}.{sys.version_info.minor}"
    exe_names = [f"python{ver}", "python3", "python"] if os.name != "nt" else ["python.exe", "python3.exe"]
    candidates = []
    if os.path.basename(sys.executable).lower().startswith("python"):
        candidates.append(sys.executable)
    for base in (sys.prefix, sys.exec_prefix, getattr(sys, "base_prefix", sys.prefix)):
        for name in exe_names:
            candidates += [os.path.join(base, "bin", name), os.path.join(base, name)]
    for name in exe_names:
        found = shutil.which(name)
        if found:
            candidates.append(found)
    for cand in dict.fromkeys(candidates):
        if os.path.isfile(cand) and _python_version(cand) == ver:
            return [cand]
    raise InstallError(t("Cannot find the Python {version} interpreter QGIS uses.", version=ver),
                       t("Install the matching python3 package, or install the dependencies by hand (see README)."))


def _python_version(exe: str) -> str:
    try:
        out = subprocess.run([exe, "-c", "import sys;print('%d.%d'%sys.version_info[:2])"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def qgis_constraints() -> list[str]:
    """'name==version' for the compiled packages this QGIS already provides (they must not change)."""
    from importlib import metadata

    names = deps.load_json("dependencies.json")["constraint_names"]
    out = {}
    for name in names:
        try:
            out[name.lower()] = f"{name}=={metadata.version(name)}"
        except metadata.PackageNotFoundError:
            continue
    return sorted(out.values())


def default_packages(cuda: bool = False, include_optional: bool = False) -> list[str]:
    """pip requirement names for the missing dependencies (CUDA build of onnxruntime when asked)."""
    names = []
    for st, pkg in zip(deps.check_all(), deps.package_table()):
        if st.ok or pkg["provided_by_qgis"] or (pkg.get("optional") and not include_optional):
            continue
        names.append(pkg.get("pip_cuda", pkg["pip"]) if cuda else pkg["pip"])
    return names


def required_packages(cuda: bool = False) -> list[str]:
    """pip requirement names of every dependency default_packages asks for when it is missing, installed here or not:
    what `make wheelhouse` downloads, so an offline install finds each one."""
    return [pkg.get("pip_cuda", pkg["pip"]) if cuda else pkg["pip"]
            for pkg in deps.package_table() if not pkg["provided_by_qgis"] and not pkg.get("optional")]


def plan_install(profile_dir: str, packages: Optional[list[str]] = None, wheelhouse: Optional[str] = None,
                 cuda: Optional[bool] = None, proxy: Optional[str] = None) -> InstallPlan:
    """Decide what to install; CPU by default, CUDA only when asked (and say if a driver is present)."""
    driver = deps.nvidia_driver_present()
    notes = [f"NVIDIA driver {'found' if driver else 'not found'}: "
             + ("the CUDA build is offered; CPU was chosen unless you asked for CUDA" if driver and not cuda
                else "using the CUDA build as asked" if cuda else "using the CPU build")]
    use_cuda = bool(cuda)
    pkgs = packages if packages is not None else default_packages(use_cuda)
    if wheelhouse:
        if not os.path.exists(wheelhouse):
            raise InstallError(t("The wheelhouse '{path}' does not exist.", path=wheelhouse), t("Choose the folder or .zip made by 'make wheelhouse'."))
        if not (os.path.isdir(wheelhouse) or zipfile.is_zipfile(wheelhouse)):
            raise InstallError(t("'{path}' is neither a folder nor a .zip file.", path=wheelhouse),
                               t("Choose the folder or .zip made by 'make wheelhouse'."))
    if use_cuda and packages is None:
        blocked = cpu_onnxruntime_blocks_cuda()
        if blocked:
            notes.append(blocked)
    return InstallPlan(python_command(), deps.private_prefix(profile_dir), list(pkgs), qgis_constraints(), wheelhouse, use_cuda, proxy, notes)


def cpu_onnxruntime_blocks_cuda() -> str:
    """Why the CUDA build of onnxruntime is not installed: a CPU onnxruntime is already there ('' when it is not)."""
    pkg = next((p for p in deps.package_table() if p["import"] == "onnxruntime"), None)
    if pkg is None or "pip_cuda" not in pkg:
        return ""
    st = deps.check(pkg)
    if not st.ok or deps._dist_version(pkg["pip_cuda"]):
        return ""
    return t("onnxruntime (CPU build) is already available from {path}, so the CUDA build is not installed over it. To "
             "use an NVIDIA GPU, remove it first (pip uninstall onnxruntime, or delete it from the private folder), then "
             "install again with 'CUDA build' ticked.", path=st.path)


def _pip_base(plan: InstallPlan, wheel_dir: Optional[str]) -> list[str]:
    """`python -m pip`, or pip run from a pip wheel in the wheelhouse when the Python has no pip module."""
    probe = subprocess.run(plan.python + ["-m", "pip", "--version"], capture_output=True, text=True)
    if probe.returncode == 0:
        return plan.python + ["-m", "pip"]
    if wheel_dir:
        for f in sorted(os.listdir(wheel_dir)):
            if f.startswith("pip-") and f.endswith(".whl"):
                return plan.python + [os.path.join(wheel_dir, f, "pip")]
    raise InstallError(t("This Python has no pip."),
                       t("Install pip for QGIS's Python (e.g. the python3-pip package), or add a pip wheel to the wheelhouse."))


def pip_command(plan: InstallPlan, staging: str, constraints_file: str, wheel_dir: Optional[str]) -> list[str]:
    """The full pip command line for a plan."""
    cmd = _pip_base(plan, wheel_dir) + ["install", "--prefix", staging, "--no-warn-script-location",
                                        "--disable-pip-version-check", "-c", constraints_file]
    if wheel_dir:
        cmd += ["--no-index", "--find-links", wheel_dir]
    if plan.proxy:
        cmd += ["--proxy", plan.proxy]
    return cmd + plan.packages


def _subprocess_env(exclude: str, staging: Optional[str] = None) -> dict:
    """Environment for pip: the staging site folders (earlier private packages count as installed) and QGIS's sys.path
    as PYTHONPATH (so provided packages count as installed), minus the private folder being replaced."""
    env = dict(os.environ)
    paths = [p for p in sys.path if p and os.path.isdir(p) and not os.path.abspath(p).startswith(os.path.abspath(exclude))]
    env["PYTHONPATH"] = os.pathsep.join((deps.site_dirs(staging) if staging else []) + paths)
    env.pop("PYTHONHOME", None)
    env["PIP_NO_INPUT"] = "1"
    return env


_CREDENTIALS = re.compile(r"(://[^/\s:@]*):[^/\s@]*@")


def mask_secrets(text: str) -> str:
    """Hide the password of URLs such as --proxy http://user:password@host:port before the text is logged."""
    return _CREDENTIALS.sub(r"\1:****@", text)


_NETWORK = re.compile(r"ProxyError|NewConnectionError|Name or service not known|Temporary failure in name resolution|"
                      r"getaddrinfo failed|Failed to establish a new connection|Network is unreachable|Connection refused|"
                      r"Cannot connect to proxy|ConnectTimeoutError|Read timed out")
_MISSING = re.compile(r"No matching distribution found for ([^\s]+)")
_WRONG_PLATFORM = re.compile(r"is not a supported wheel on this platform|none of the wheels")


def explain_pip_failure(output: str, plan: InstallPlan) -> InstallError:
    """Turn pip's output into a message naming the problem and the fix."""
    m = _MISSING.search(output)
    if not plan.wheelhouse and _NETWORK.search(output):
        where = t("the proxy {proxy}", proxy=mask_secrets(plan.proxy)) if plan.proxy else t("the package index (PyPI)")
        return InstallError(t("pip could not connect to {where}: a proxy or network problem, not a missing package.", where=where),
                            t("Check the proxy in QGIS's Settings > Options > Network (host, port, user, password) and the "
                              "internet connection, or install from a wheelhouse. The previous installation is unchanged."))
    if m and plan.wheelhouse:
        return InstallError(t("The wheelhouse has no wheel of {package} for this QGIS (Python {python}).", package=m.group(1),
                              python=deps.python_tag()),
                            t("Rebuild it with 'make wheelhouse' on a machine with the same platform and Python, then try again. "
                              "The previous installation is unchanged."))
    if m:
        return InstallError(t("pip found no installable {package} for Python {python}.", package=m.group(1), python=deps.python_tag()),
                            t("Check the internet/proxy settings, or install from a wheelhouse. The previous installation is unchanged."))
    if _WRONG_PLATFORM.search(output):
        return InstallError(t("A wheel in the wheelhouse is for another platform (this QGIS is {python}).", python=deps.python_tag()),
                            t("Rebuild the wheelhouse for this platform. The previous installation is unchanged."))
    if "ResolutionImpossible" in output or "conflict" in output.lower():
        return InstallError(t("The packages need versions of numpy/GDAL/PyQt other than those QGIS provides."),
                            t("Use a wheelhouse made for this QGIS version. Nothing was changed."))
    tail = "\n".join(output.strip().splitlines()[-6:])
    return InstallError(t("pip failed:\n{tail}", tail=tail), t("See the log for details. The previous installation is unchanged."))


def run_install(plan: InstallPlan, on_line: Optional[Callable[[str], None]] = None,
                progress: Optional[Callable[[float], None]] = None,
                is_cancelled: Optional[Callable[[], bool]] = None) -> list[str]:
    """Run pip into a staging folder, then swap it in; returns the site folders to add to sys.path."""
    os.makedirs(os.path.dirname(plan.prefix), exist_ok=True)
    work = tempfile.mkdtemp(prefix=".tp-install-", dir=os.path.dirname(plan.prefix))
    staging = os.path.join(work, "prefix")
    try:
        wheel_dir = None
        if plan.wheelhouse:
            if zipfile.is_zipfile(plan.wheelhouse):
                wheel_dir = os.path.join(work, "wheelhouse")
                with zipfile.ZipFile(plan.wheelhouse) as zf:
                    zf.extractall(wheel_dir)
                subs = [os.path.join(wheel_dir, d) for d in os.listdir(wheel_dir)]
                if len(subs) == 1 and os.path.isdir(subs[0]):
                    wheel_dir = subs[0]
            else:
                wheel_dir = plan.wheelhouse
        cons = os.path.join(work, "constraints.txt")
        with open(cons, "w") as fh:
            fh.write("\n".join(plan.constraints) + "\n")
        _copy_prefix(plan.prefix, staging)
        cmd = pip_command(plan, staging, cons, wheel_dir)
        if on_line:
            on_line(mask_secrets("$ " + " ".join(cmd)))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=_subprocess_env(plan.prefix, staging))
        lines: list[str] = []
        steps = 0
        for line in _lines_until_cancelled(proc, is_cancelled):
            lines.append(mask_secrets(line.rstrip()))
            if on_line:
                on_line(lines[-1])
            if line.startswith(("Collecting", "Processing", "Downloading", "Installing", "Successfully")):
                steps += 1
                if progress:
                    progress(min(95.0, 5.0 + steps * 6.0))
        rc = proc.wait()
        if rc != 0:
            raise explain_pip_failure("\n".join(lines), plan)
        _swap_in(staging, plan.prefix)
        if progress:
            progress(100.0)
        return deps.site_dirs(plan.prefix)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _lines_until_cancelled(proc: subprocess.Popen, is_cancelled: Optional[Callable[[], bool]]):
    """pip's output lines, read in a thread so that Cancel kills pip at once, not at its next line (a stalled proxy
    keeps pip silent for its socket timeout, a big wheel for minutes)."""
    import queue
    import threading

    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    while True:
        if is_cancelled is not None and is_cancelled():
            proc.kill()
            proc.wait()
            raise Cancelled()
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        if line is None:
            return
        yield line


def _copy_prefix(prefix: str, staging: str) -> None:
    """Start the staging folder from the current private folder, so an install adds to the earlier packages.

    Hard links keep this fast for big packages (torch); pip removes a file before it writes a new version of it, so the
    private folder in use is never changed through a link. Copies where links are not possible."""
    if not os.path.isdir(prefix):
        return

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(prefix, staging, symlinks=True, copy_function=link_or_copy)


def _swap_in(staging: str, prefix: str) -> None:
    """Replace the private folder with the staging folder (old one removed only after the move)."""
    if not os.path.isdir(staging):
        os.makedirs(staging)
    if os.path.exists(prefix):
        os.replace(prefix, f"{prefix}{deps.OLD_MARK}{uuid.uuid4().hex[:6]}")
    os.replace(staging, prefix)
    for leftover in deps.replaced_folders(os.path.dirname(prefix), os.path.basename(prefix)):
        shutil.rmtree(leftover, ignore_errors=True)  # this swap's old folder, and what an earlier one could not delete


def build_wheelhouse(dest: str, requirements: list[str], constraints: list[str], python: Optional[list[str]] = None) -> list[str]:
    """Download wheels for this platform (plus pip itself) into ``dest``; returns the wheel files."""
    os.makedirs(dest, exist_ok=True)
    python = python or [sys.executable]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(constraints) + "\n")
        cons = fh.name
    try:
        subprocess.run(python + ["-m", "pip", "download", "--only-binary=:all:", "-d", dest, "-c", cons, "pip", *requirements], check=True)
    finally:
        os.remove(cons)
    return sorted(f for f in os.listdir(dest) if f.endswith(".whl"))
