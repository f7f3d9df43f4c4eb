"""lucid_hooks.snapshot: the repository as one run sees it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lucid_hooks.globs import DEFAULT_EXCLUDES, GlobSet
from lucid_hooks.snapshot import walk_files
from tests.conftest import write_tree

UNDECODABLE = os.fsdecode(b"\xff.py")

ODD_NAMES = [
    "with space.py",
    "new\nline.py",
    "[brackets].py",
    "$dollar.py",
    "a=b.py",
    "ünïcödé.py",
    "..dots.py",
    "-dash.py",
    "semi;colon.py",
]


@pytest.fixture(autouse=True)
def _no_outer_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """The code under test calls git with the environment as it is: a test run
    from inside a git hook must not leak that hook's index or repository."""
    for name in ("GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)


def make_file(folder: Path, name: str) -> Path:
    """Create ``folder/name``; skip when the file system refuses the name."""
    path = folder / name
    try:
        path.write_bytes(b"")
    except (OSError, UnicodeEncodeError):
        pytest.skip(f"the file system refuses the name {name!r}")
    return path


def has_git_above(path: Path) -> bool:
    return any((parent / ".git").exists() for parent in (path, *path.parents))


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
