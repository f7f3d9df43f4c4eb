"""lucid_hooks.git: the repository root and read-only git access."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lucid_hooks.git import (
    find_root,
    index_file_size,
    settled_files,
    staged_deletions,
    tracked_files,
)
from tests.conftest import (
    GIT_ENV,
    UNDECODABLE,
    git,
    has_git_above,
    init_repo,
    make_file,
    write_tree,
)

# --- find_root -------------------------------------------------------------------


def test_find_root_finds_git_folder_above(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)

    assert find_root(str(deep)) == (str(tmp_path), True)
    assert find_root(str(tmp_path)) == (str(tmp_path), True)


def test_find_root_accepts_git_file_of_worktrees(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()

    assert find_root(str(tmp_path / "sub")) == (str(tmp_path), True)


def test_find_root_prefers_nearest_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    inner = tmp_path / "vendor" / "lib"
    (inner / ".git").mkdir(parents=True)

    (inner / "x").mkdir()

    assert find_root(str(inner / "x")) == (str(inner), True)


def test_find_root_outside_git_is_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if has_git_above(tmp_path):
        pytest.skip("the temporary folder lies inside a git repository")
    start = tmp_path / "a"
    start.mkdir()
    monkeypatch.chdir(start)

    assert find_root(".") == (str(start), False)
    assert find_root(str(start)) == (str(start), False)


# --- git -------------------------------------------------------------------------


def test_git_tracked_files_lists_index_only(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "", "pkg/b.py": "", "sp ace/new\nline.py": "", "x=[1].py": ""})
    init_repo(tmp_path)
    write_tree(tmp_path, {"untracked.py": "", "newpkg/m.py": "", "staged.py": ""})
    git(tmp_path, "add", "staged.py")
    (tmp_path / "a.py").unlink()  # deleted on disk only: still in the index

    tracked = tracked_files(str(tmp_path))

    assert tracked is not None
    assert sorted(tracked) == ["a.py", "pkg/b.py", "sp ace/new\nline.py", "staged.py", "x=[1].py"]


def test_git_tracked_files_undecodable_name(tmp_path: Path) -> None:
    make_file(tmp_path, UNDECODABLE)
    init_repo(tmp_path)

    assert tracked_files(str(tmp_path)) == [UNDECODABLE]


def test_git_tracked_files_outside_git_is_none(tmp_path: Path) -> None:
    if has_git_above(tmp_path):
        pytest.skip("the temporary folder lies inside a git repository")

    assert tracked_files(str(tmp_path)) is None
    assert staged_deletions(str(tmp_path)) == []


def test_staged_deletions(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"a.py": "A = 1\n", "b.py": "B = 2\n", "c.py": "C = 3\n", "odd name\n.py": "", "d.py": ""},
    )
    init_repo(tmp_path)
    git(tmp_path, "rm", "-q", "a.py")
    git(tmp_path, "mv", "b.py", "moved.py")
    git(tmp_path, "rm", "-q", "--cached", "odd name\n.py")
    (tmp_path / "c.py").unlink()  # not staged: not a deletion of the commit
    (tmp_path / "d.py").write_text("changed\n", encoding="utf-8")
    git(tmp_path, "add", "d.py")

    assert sorted(staged_deletions(str(tmp_path))) == ["a.py", "b.py", "odd name\n.py"]


def test_git_staged_deletions_before_first_commit(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": ""})
    init_repo(tmp_path, commit=False)
    git(tmp_path, "add", "a.py")

    assert staged_deletions(str(tmp_path)) == []
    assert tracked_files(str(tmp_path)) == ["a.py"]


def test_git_helpers_honour_git_index_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    write_tree(repo, {"a.py": "", "b.py": ""})
    init_repo(repo)
    index = tmp_path / "temporary-index"
    shutil.copyfile(repo / ".git" / "index", index)
    subprocess.run(
        ("git", "rm", "-q", "--cached", "a.py"),
        cwd=repo,
        env={**os.environ, **GIT_ENV, "GIT_INDEX_FILE": str(index)},
        check=True,
        capture_output=True,
    )

    assert staged_deletions(str(repo)) == []
    assert tracked_files(str(repo)) == ["a.py", "b.py"]

    monkeypatch.setenv("GIT_INDEX_FILE", str(index))

    assert staged_deletions(str(repo)) == ["a.py"]
    assert tracked_files(str(repo)) == ["b.py"]


# --- settled_files -------------------------------------------------------------------


def test_settled_files_are_what_git_knows_unchanged(tmp_path: Path) -> None:
    files = {name: f"{name}\n" for name in ("same.py", "edited.py", "gone.py", "sparse.py")}
    write_tree(tmp_path, {**files, "tab\there.py": "t\n", "staged.py": "s\n"})
    init_repo(tmp_path)
    os.symlink("same.py", tmp_path / "link.py")
    git(tmp_path, "add", "link.py")
    (tmp_path / "edited.py").write_text("edited, not staged\n")
    (tmp_path / "gone.py").unlink()
    (tmp_path / "staged.py").write_text("staged\n")
    git(tmp_path, "add", "staged.py")
    git(tmp_path, "update-index", "--skip-worktree", "sparse.py")
    (tmp_path / "sparse.py").unlink()  # as a sparse checkout leaves it

    settled = settled_files(str(tmp_path))

    assert settled is not None
    assert sorted(settled) == ["link.py", "same.py", "staged.py", "tab\there.py"]
    blob = git(tmp_path, "rev-parse", ":staged.py").strip()
    assert settled["staged.py"] == f"H 100644 {blob} 0"
    assert settled["link.py"].startswith("H 120000 ")


def test_an_unmerged_path_is_never_settled(tmp_path: Path) -> None:
    write_tree(tmp_path, {"clash.py": "base\n", "calm.py": "calm\n"})
    init_repo(tmp_path)
    git(tmp_path, "checkout", "-q", "-b", "other")
    (tmp_path / "clash.py").write_text("other\n")
    git(tmp_path, "commit", "-q", "-am", "other")
    git(tmp_path, "checkout", "-q", "main")
    (tmp_path / "clash.py").write_text("main\n")
    git(tmp_path, "commit", "-q", "-am", "main")
    merge = subprocess.run(
        ("git", "merge", "-q", "other"),
        cwd=tmp_path,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        check=False,
    )
    assert merge.returncode == 1, "the merge should conflict"

    settled = settled_files(str(tmp_path))

    assert settled is not None
    assert list(settled) == ["calm.py"]


def test_settled_files_outside_git_are_none(tmp_path: Path) -> None:
    if has_git_above(tmp_path):
        pytest.skip("the temporary folder is inside a git repository")
    assert settled_files(str(tmp_path)) is None


def test_assume_unchanged_files_are_never_settled(tmp_path: Path) -> None:
    """git stops looking at an assume-unchanged file: diff-files would not
    report it edited or deleted, so it must be statted like any changed file."""
    write_tree(tmp_path, {"edited.py": "a\n", "gone.py": "b\n", "calm.py": "c\n"})
    init_repo(tmp_path)
    git(tmp_path, "update-index", "--assume-unchanged", "edited.py", "gone.py")
    (tmp_path / "edited.py").write_text("edited\n")
    (tmp_path / "gone.py").unlink()

    settled = settled_files(str(tmp_path))

    assert settled is not None
    assert list(settled) == ["calm.py"]


def test_index_file_size_finds_the_index_git_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(write_tree(tmp_path / "repo", {"a.py": "a\n", "b.py": "b\n"}))
    monkeypatch.delenv("GIT_INDEX_FILE", raising=False)
    size = (repo / ".git" / "index").stat().st_size
    assert index_file_size(str(repo)) == size

    # A worktree's .git is a file naming its own git folder.
    git(repo, "worktree", "add", "-q", str(tmp_path / "other"))
    other = (tmp_path / "other" / ".git").read_text().split(":", 1)[1].strip()
    assert index_file_size(str(tmp_path / "other")) == (Path(other) / "index").stat().st_size

    # As pre-commit and `git commit -a` set it; relative to the repository root.
    (repo / "temporary-index").write_bytes(b"x" * 12345)
    monkeypatch.setenv("GIT_INDEX_FILE", "temporary-index")
    assert index_file_size(str(repo)) == 12345
    monkeypatch.setenv("GIT_INDEX_FILE", str(repo / "missing"))
    assert index_file_size(str(repo)) is None
