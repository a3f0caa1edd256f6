"""Installer defects found in testing: a second install must keep the first one's packages, and more."""
from __future__ import annotations

import os

from plugin.core import deps, installer
from wheels import make_wheel


def _site_entries(profile: str) -> list[str]:
    return sorted(e for site in deps.site_dirs(deps.private_prefix(profile)) for e in os.listdir(site))


def test_second_install_keeps_earlier_packages(tmp_path):
    """A second 'Install dependencies' (only the newly missing package, from another wheelhouse) adds to the folder."""
    first, second = tmp_path / "wh1", tmp_path / "wh2"
    first.mkdir()
    second.mkdir()
    make_wheel(str(first), "tpdummy", "1.0", "VALUE = 1\n")
    make_wheel(str(second), "tpsecond", "1.0", "VALUE = 2\n")
    profile = str(tmp_path / "profile")
    installer.run_install(installer.plan_install(profile, packages=["tpdummy"], wheelhouse=str(first)))
    installer.run_install(installer.plan_install(profile, packages=["tpsecond"], wheelhouse=str(second)))
    entries = _site_entries(profile)
    assert "tpdummy" in entries and "tpsecond" in entries
    assert not [d for d in os.listdir(deps.private_root(profile)) if d != deps.python_tag()]


def test_installer_leftovers_are_not_stale_and_are_cleaned(tmp_path):
    """'<tag>.old-*' (a swap that could not finish deleting) is no folder of another Python; the next install removes it."""
    wh = tmp_path / "wh"
    wh.mkdir()
    make_wheel(str(wh), "tpdummy", "1.0", "VALUE = 1\n")
    profile = str(tmp_path / "profile")
    prefix = deps.private_prefix(profile)
    os.makedirs(os.path.join(prefix + ".old-1a2b3c", "lib"))
    assert deps.stale_private_folders(profile) == []
    installer.run_install(installer.plan_install(profile, packages=["tpdummy"], wheelhouse=str(wh)))
    assert os.listdir(deps.private_root(profile)) == [deps.python_tag()]


def test_proxy_password_never_logged(tmp_path):
    wh = tmp_path / "wh"
    wh.mkdir()
    make_wheel(str(wh), "tpdummy", "1.0", "VALUE = 1\n")
    plan = installer.plan_install(str(tmp_path / "p"), packages=["tpdummy"], wheelhouse=str(wh),
                                  proxy="http://CORP%5Cjdoe:Summer%402026@127.0.0.1:9")
    lines: list[str] = []
    installer.run_install(plan, on_line=lines.append)
    log = "\n".join(lines)
    assert "--proxy http://CORP%5Cjdoe:****@127.0.0.1:9" in log and "Summer" not in log


def test_proxy_failure_explained_as_such():
    """pip's retries through an unreachable proxy end in 'No matching distribution': say proxy/network, not 'no package'."""
    plan = installer.InstallPlan(["python3"], "/x", ["onnxruntime"], [], proxy="http://u:secret@127.0.0.1:9")
    output = ("WARNING: Retrying (Retry(total=0)) after connection broken by 'ProxyError('Cannot connect to proxy.', "
              "NewConnectionError('...: Failed to establish a new connection: [Errno 111] Connection refused'))': /simple/x/\n"
              "ERROR: No matching distribution found for onnxruntime")
    text = str(installer.explain_pip_failure(output, plan))
    assert "proxy" in text and "no installable" not in text and "secret" not in text and "unchanged" in text
    dns = "ERROR: ... NewConnectionError: [Errno -2] Name or service not known\nNo matching distribution found for x"
    assert "network" in str(installer.explain_pip_failure(dns, installer.InstallPlan(["python3"], "/x", ["x"], [])))


def test_cancel_stops_a_silent_pip_at_once(tmp_path):
    """Cancel during a stalled download (pip prints nothing) kills pip at once, not at pip's next line."""
    import sys
    import time

    import pytest

    from plugin.core.errors import Cancelled

    stall = tmp_path / "stall.py"
    stall.write_text("import sys, time\nsys.exit(0) if '--version' in sys.argv else time.sleep(20)\n")
    profile = str(tmp_path / "profile")
    plan = installer.InstallPlan([sys.executable, str(stall)], deps.private_prefix(profile), ["tpdummy"], [])
    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        installer.run_install(plan, is_cancelled=lambda: time.monotonic() - t0 > 1.0)
    assert time.monotonic() - t0 < 5.0
    assert not os.path.exists(deps.private_prefix(profile))


def test_cuda_asked_over_a_cpu_onnxruntime_says_why_nothing_happens(tmp_path, monkeypatch):
    """The CUDA build cannot go over an importable CPU onnxruntime: the plan says so instead of a bare 'Nothing to install'."""
    import onnxruntime  # noqa: F401  (the venv's CPU build)

    monkeypatch.setattr(deps, "nvidia_driver_present", lambda: True)
    plan = installer.plan_install(str(tmp_path), cuda=True)
    assert "onnxruntime-gpu" not in plan.packages
    assert any("CUDA build is not installed over it" in n for n in plan.notes)
