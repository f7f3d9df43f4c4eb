"""lucid_hooks.snapshot: the repository as one run sees it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lucid_hooks import snapshot as snapshot_module
from lucid_hooks.cache import open_cache
from lucid_hooks.globs import DEFAULT_EXCLUDES, GlobSet
from lucid_hooks.snapshot import Snapshot, walk_files
from tests.conftest import ODD_NAMES, git, init_repo, make_file, write_tree

# --- walk_files ------------------------------------------------------------------


def test_walk_files_skips_excluded_folders_and_files(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "b.py": "",
            "a.py": "",
            "pkg/m.py": "",
            "pkg/cache.pyc": "",
            "pkg/z/deep.py": "",
            ".git/config": "",
            "web/node_modules/lib/x.js": "",
            "build/out.py": "",
            "src/build/gen.py": "",
        },
    )
    excludes = GlobSet((*DEFAULT_EXCLUDES, "build", "*.pyc"))

    files = list(walk_files(str(tmp_path), "", excludes))

    assert files == ["a.py", "b.py", "pkg/m.py", "pkg/z/deep.py"]


def test_walk_files_below_a_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"top.py": "", "pkg/m.py": "", "pkg/sub/n.py": "", "other/o.py": ""})

    files = list(walk_files(str(tmp_path), "pkg", GlobSet([])))

    assert files == ["pkg/m.py", "pkg/sub/n.py"]


def test_walk_files_anchored_exclude_inside_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/gen/x.py": "", "pkg/m.py": "", "gen/y.py": ""})

    files = list(walk_files(str(tmp_path), "pkg", GlobSet(["pkg/gen"])))

    assert files == ["pkg/m.py"]


def test_walk_files_does_not_follow_symlinked_folders(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_tree(root, {"pkg/m.py": ""})
    outside = tmp_path / "outside"
    write_tree(outside, {"secret.py": ""})
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "pkg" / "loop").symlink_to(root / "pkg", target_is_directory=True)

    files = list(walk_files(str(root), "", GlobSet([])))

    assert "linked/secret.py" not in files
    assert not any(path.startswith("pkg/loop/") for path in files)
    assert "pkg/m.py" in files


def test_walk_files_odd_names(tmp_path: Path) -> None:
    folder = tmp_path / "odd [dir]"
    folder.mkdir()
    for name in ODD_NAMES:
        make_file(folder, name)

    files = list(walk_files(str(tmp_path), "", GlobSet([])))

    assert files == sorted("odd [dir]/" + name for name in ODD_NAMES)


# --- identify's tags, as pre-commit computes them ------------------------------


def test_tags_of_files_links_and_folders(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "", "Dockerfile": "", "notes": "text\n"})
    os.symlink("a.py", tmp_path / "link.py")
    snapshot = Snapshot(str(tmp_path), False)

    assert {"file", "python", "text"} <= snapshot.tags("a.py")
    assert "dockerfile" in snapshot.tags("Dockerfile")
    assert {"file", "text"} <= snapshot.tags("notes")
    assert snapshot.tags("link.py") == {"symlink"}
    assert snapshot.tags("gone.py") == frozenset()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_fifo_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    os.mkfifo(tmp_path / "pipe.py")
    snapshot = Snapshot(str(tmp_path), False)

    # identify would block opening it to tell text from binary.
    assert snapshot.tags("pipe") == {"file"}
    assert "python" in snapshot.tags("pipe.py")
    assert snapshot.read("pipe.py", 100) is None
    assert snapshot.head("pipe.py", 100) == b""


def test_a_file_identify_cannot_read_gets_the_tags_of_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from identify import identify

    write_tree(tmp_path, {"locked.py": "", "locked": ""})

    def refuse(path: str) -> set[str]:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(identify, "tags_from_path", refuse)
    snapshot = Snapshot(str(tmp_path), False)

    assert {"file", "python"} <= snapshot.tags("locked.py")
    assert snapshot.tags("locked") == {"file"}


def test_tracked_files_are_listed_once_and_absent_ones_left_out(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "", "gone.py": "", "build/x.py": ""})
    init_repo(tmp_path)
    (tmp_path / "gone.py").unlink()
    snapshot = Snapshot(str(tmp_path), True)

    assert snapshot.files(GlobSet(["build"])) == ["a.py"]
    assert snapshot.files(GlobSet([])) == ["a.py", "build/x.py"]
    assert snapshot.tracked() == ["a.py", "build/x.py", "gone.py"]


def test_inside_link(tmp_path: Path) -> None:
    write_tree(tmp_path, {"real/sub/x.py": ""})
    os.symlink("real", tmp_path / "linked")
    snapshot = Snapshot(str(tmp_path), False)

    assert snapshot.inside_link("linked")
    assert snapshot.inside_link("linked/sub")
    assert not snapshot.inside_link("real/sub")
    assert not snapshot.inside_link("")


def test_settled_files_are_known_from_git_and_the_others_from_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot_module, "SETTLED_FROM", 0)  # a small tree asks git too
    write_tree(tmp_path, {"same.py": "a\n", "edited.py": "b\n", "gone.py": "c\n"})
    os.symlink("same.py", tmp_path / "link.py")
    init_repo(tmp_path)
    (tmp_path / "edited.py").write_text("edited\n")
    (tmp_path / "gone.py").unlink()
    snapshot = Snapshot(str(tmp_path), True)

    assert snapshot.files(GlobSet([])) == ["edited.py", "link.py", "same.py"]
    assert sorted(snapshot.settled()) == ["link.py", "same.py"]
    assert snapshot.is_regular("same.py") and snapshot.is_regular("edited.py")
    assert not snapshot.is_regular("link.py") and not snapshot.is_regular("gone.py")
    # A settled file's signature is git's record of it; another's, its stat data.
    assert snapshot.signature("same.py") == snapshot.settled()["same.py"]
    assert snapshot.signature("edited.py") == snapshot.stat_signature("edited.py") != ""
    assert snapshot.signature("gone.py") == ""
    # Only the stat data of what git could not vouch for was read.
    assert set(snapshot._lstat) == {"edited.py", "gone.py"}


def test_a_small_tree_is_statted_not_asked_of_git(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "a\n"})
    init_repo(tmp_path)
    snapshot = Snapshot(str(tmp_path), True)

    assert snapshot.files(GlobSet([])) == ["a.py"]
    assert snapshot.settled() == {}
    assert snapshot.signature("a.py") == snapshot.stat_signature("a.py") != ""


def test_a_settled_files_value_is_of_the_bytes_on_disk_in_every_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same git object can be other bytes on disk (here CRLF line endings
    from .gitattributes): what one checkout derived from its bytes is never
    served to the other."""
    monkeypatch.setattr(snapshot_module, "SETTLED_FROM", 0)
    plain = init_repo(write_tree(tmp_path / "plain", {"m.py": "x = 1\ny = 2\n"}))
    converted = tmp_path / "converted"
    git(tmp_path, "clone", "-q", str(plain), str(converted))
    (converted / ".gitattributes").write_text("*.py text eol=crlf\n")
    (converted / "m.py").unlink()
    git(converted, "checkout", "--", "m.py")
    assert (converted / "m.py").read_bytes() == b"x = 1\r\ny = 2\r\n"
    cache = open_cache(folder=str(tmp_path / "cache"))

    def derived(root: Path) -> bytes | None:
        snapshot = Snapshot(str(root), True, cache)
        assert "m.py" in snapshot.settled()
        value = snapshot.derived("test-bytes", "m.py", 1 << 20, bytes, lambda v: (v,), _first)
        snapshot.save()
        return value

    for _ in range(2):  # computed, then from the disk cache
        assert derived(plain) == b"x = 1\ny = 2\n"
        assert derived(converted) == b"x = 1\r\ny = 2\r\n"


def _first(value: tuple[object, ...]) -> bytes | None:
    return value[0] if isinstance(value[0], bytes) else None


def test_git_started_for_nothing_is_stopped_when_the_run_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot_module, "SETTLED_FROM", 0)
    init_repo(write_tree(tmp_path, {"a.py": ""}))
    snapshot = Snapshot(str(tmp_path), True)
    snapshot.prefetch_settled()
    pending = snapshot._pending
    assert pending is not None

    snapshot.save()

    assert snapshot._pending is None
    assert pending.changes.returncode is not None, "git was waited for, not left running"
