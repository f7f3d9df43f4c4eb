"""lucid_hooks.safe_writes: exclusive creation and locked appends."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lucid_hooks.safe_writes import (
    ChangedFileError,
    UnsafePathError,
    append_missing_lines,
    create_empty_file,
    replace_unchanged,
)

# --- create_empty_file -----------------------------------------------------------


def test_create_empty_file_creates(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)

    assert create_empty_file(str(tmp_path), "pkg/sub/__init__.py") is True

    created = tmp_path / "pkg" / "sub" / "__init__.py"
    assert created.is_file()
    assert created.read_bytes() == b""


def test_create_empty_file_odd_names(tmp_path: Path) -> None:
    folder = tmp_path / "new\nline [x] $y=z ü"
    try:
        folder.mkdir()
    except OSError:
        pytest.skip("the file system refuses the name")

    assert create_empty_file(str(tmp_path), f"{folder.name}/__init__.py") is True
    assert (folder / "__init__.py").is_file()


def test_create_empty_file_never_overwrites(tmp_path: Path) -> None:
    existing = tmp_path / "pkg" / "__init__.py"
    existing.parent.mkdir()
    existing.write_text("VALUE = 1\n", encoding="utf-8")

    assert create_empty_file(str(tmp_path), "pkg/__init__.py") is False
    assert existing.read_text(encoding="utf-8") == "VALUE = 1\n"


def test_create_empty_file_second_call_is_false(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()

    assert create_empty_file(str(tmp_path), "pkg/__init__.py") is True
    assert create_empty_file(str(tmp_path), "pkg/__init__.py") is False


def test_create_empty_file_does_not_write_through_dangling_symlink(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "planted.py"
    (root / "pkg" / "__init__.py").symlink_to(target)

    assert create_empty_file(str(root), "pkg/__init__.py") is False
    assert not target.exists()
    assert os.listdir(outside) == []
    assert (root / "pkg" / "__init__.py").is_symlink()


@pytest.mark.parametrize("path", ["linked/__init__.py", "linked/sub/__init__.py"])
def test_create_empty_file_refuses_symlinked_folder(tmp_path: Path, path: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    (root / "linked").symlink_to(outside, target_is_directory=True)

    with pytest.raises(UnsafePathError):
        create_empty_file(str(root), path)

    assert sorted(p.relative_to(outside).as_posix() for p in outside.rglob("*")) == ["sub"]


def test_create_empty_file_refuses_symlinked_folder_deeper(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "pkg" / "vendored").symlink_to(outside, target_is_directory=True)

    with pytest.raises(UnsafePathError):
        create_empty_file(str(root), "pkg/vendored/__init__.py")

    assert os.listdir(outside) == []


@pytest.mark.parametrize(
    "path",
    [
        "../escape.py",
        "pkg/../../escape.py",
        "pkg/../__init__.py",
        "/abs/__init__.py",
        "pkg//__init__.py",
        "./pkg/__init__.py",
        "",
        "pkg/",
    ],
)
def test_create_empty_file_rejects_non_plain_paths(tmp_path: Path, path: str) -> None:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)

    with pytest.raises(UnsafePathError):
        create_empty_file(str(root), path)

    assert not (tmp_path / "escape.py").exists()
    assert not (root / "__init__.py").exists()
    assert os.listdir(root / "pkg") == []


def test_create_empty_file_missing_folder_is_an_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        create_empty_file(str(tmp_path), "absent/__init__.py")

    assert not (tmp_path / "absent").exists()


# --- append_missing_lines --------------------------------------------------------


def test_append_missing_lines_directly(tmp_path: Path) -> None:
    target = tmp_path / ".gitignore"

    assert append_missing_lines(str(target), ["a/", "b", "a/"]) == ["a/", "b"]
    assert append_missing_lines(str(target), ["b", "c"]) == ["c"]
    assert append_missing_lines(str(target), ["a/"]) == []
    assert target.read_text() == "a/\nb\nc\n"


# --- replace_unchanged ----------------------------------------------------------------


def test_replace_unchanged_writes_in_place_keeping_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "Dockerfile"
    target.write_bytes(b"CMD python app.py\n")
    target.chmod(0o640)

    replace_unchanged(str(tmp_path), "Dockerfile", b"CMD python app.py\n", b'CMD ["app.py"]\n')

    assert target.read_bytes() == b'CMD ["app.py"]\n'
    assert target.stat().st_mode & 0o777 == 0o640


def test_replace_unchanged_refuses_a_changed_file(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"edited meanwhile\n")

    with pytest.raises(ChangedFileError):
        replace_unchanged(str(tmp_path), "Dockerfile", b"as read\n", b"new\n")

    assert (tmp_path / "Dockerfile").read_bytes() == b"edited meanwhile\n"


@pytest.mark.parametrize("link", ["symlink", "hard link"])
def test_replace_unchanged_never_writes_through_a_link(tmp_path: Path, link: str) -> None:
    outside = tmp_path / "outside"
    outside.write_bytes(b"CMD x\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (os.symlink if link == "symlink" else os.link)(outside, repo / "Dockerfile")

    with pytest.raises(UnsafePathError):
        replace_unchanged(str(repo), "Dockerfile", b"CMD x\n", b'CMD ["x"]\n')

    assert outside.read_bytes() == b"CMD x\n"
