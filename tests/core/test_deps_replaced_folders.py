"""deps.replaced_folders: the installer's '<name>.old-*' folders, one rule for the swap and the Setup tab's clean-up."""
from __future__ import annotations

import os

from plugin.core import deps, installer


def test_replaced_folders_of_one_name_or_of_any(tmp_path):
    """With a name, only that folder's leftovers; without, every one (the private root holds one folder per Python)."""
    for d in ("cp311-x", "cp311-x.old-abc123", "cp310-y.old-def456", "other-cp311-x.old-1", ".tp-install-1"):
        (tmp_path / d).mkdir()
    assert deps.replaced_folders(str(tmp_path), "cp311-x") == [str(tmp_path / "cp311-x.old-abc123")]
    assert deps.replaced_folders(str(tmp_path)) == sorted(
        str(tmp_path / d) for d in ("cp311-x.old-abc123", "cp310-y.old-def456", "other-cp311-x.old-1"))
    assert deps.replaced_folders(str(tmp_path / "missing")) == []


def test_swap_in_deletes_its_own_leftovers_only(tmp_path):
    """The swap removes the folder it replaced and an earlier swap's leftover of the same folder, not another's."""
    prefix, staging = tmp_path / "cp311-x", tmp_path / "staging"
    for d in (prefix, staging, tmp_path / "cp311-x.old-abc123", tmp_path / "cp310-y.old-def456"):
        d.mkdir()
    (prefix / "old.txt").write_text("old")
    (staging / "new.txt").write_text("new")
    installer._swap_in(str(staging), str(prefix))
    assert sorted(os.listdir(tmp_path)) == ["cp310-y.old-def456", "cp311-x"]
    assert os.listdir(prefix) == ["new.txt"]
