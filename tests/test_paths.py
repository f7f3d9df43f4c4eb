"""lucid_hooks.paths: command-line paths and how paths are displayed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lucid_hooks.paths import display_path, normalize_paths
from tests.conftest import ODD_NAMES, UNDECODABLE, make_file, write_tree

# --- normalize_paths -------------------------------------------------------------


def test_normalize_deduplicates_and_sorts(tmp_path: Path) -> None:
    write_tree(tmp_path, {"b.py": "", "a.py": "", "pkg/m.py": ""})
    root = str(tmp_path)

    result = normalize_paths(
        [
            "b.py",
            "./a.py",
            "a.py",
            str(tmp_path / "a.py"),
            "pkg//m.py",
            "pkg/./m.py",
            "pkg/../b.py",
        ],
        root,
        root,
    )

    assert result.files == ["a.py", "b.py", "pkg/m.py"]
    assert result.folders == []
    assert result.missing == []
    assert result.outside == []


def test_normalize_sorts_folders_and_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/sub/m.py": ""})
    root = str(tmp_path)

    result = normalize_paths(["pkg/sub/", "pkg", "pkg/", ".", root], root, root)

    assert result.folders == ["", "pkg", "pkg/sub"]
    assert result.files == []


def test_normalize_reports_missing_once_with_original_spelling(tmp_path: Path) -> None:
    root = str(tmp_path)

    result = normalize_paths(["nope.py", "./nope.py", "gone/deep/x.py"], root, root)

    assert result.missing == ["nope.py", "gone/deep/x.py"]
    assert result.files == []


@pytest.mark.parametrize("arg", ["..", "../x.py", "pkg/../../x.py", "../../../.."])
def test_normalize_rejects_relative_paths_leaving_the_repo(tmp_path: Path, arg: str) -> None:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)

    result = normalize_paths([arg], str(root), str(root))

    assert result.outside == [arg]
    assert result.files == result.folders == result.missing == []


def test_normalize_rejects_absolute_paths_outside(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "other.py").write_text("", encoding="utf-8")
    sibling = tmp_path / "repo2" / "x.py"  # shares the prefix "repo" but is outside
    sibling.parent.mkdir()
    sibling.write_text("", encoding="utf-8")

    result = normalize_paths([str(tmp_path / "other.py"), str(sibling)], str(root), str(root))

    assert result.outside == [str(tmp_path / "other.py"), str(sibling)]
    assert result.files == []


def test_normalize_absolute_paths_inside(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/m.py": ""})

    result = normalize_paths([str(tmp_path / "pkg" / "m.py")], str(tmp_path), str(tmp_path))

    assert result.files == ["pkg/m.py"]


def test_normalize_from_cwd_below_root(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "", "b.py": "", "pkg/m.py": ""})
    root = str(tmp_path)
    cwd = str(tmp_path / "pkg")

    result = normalize_paths(
        ["m.py", "./m.py", "../b.py", ".", "..", "../../x", str(tmp_path / "a.py"), "gone.py"],
        root,
        cwd,
    )

    assert result.files == ["a.py", "b.py", "pkg/m.py"]
    assert result.folders == ["", "pkg"]
    assert result.outside == ["../../x"]
    assert result.missing == ["gone.py"]


@pytest.mark.parametrize("from_below", [False, True])
def test_normalize_odd_names(tmp_path: Path, from_below: bool) -> None:
    folder = tmp_path / "odd dir [x]"
    folder.mkdir()
    for name in ODD_NAMES:
        make_file(folder, name)
    (tmp_path / "sub").mkdir()
    cwd = tmp_path / "sub" if from_below else tmp_path
    prefix = "../odd dir [x]/" if from_below else "odd dir [x]/"

    result = normalize_paths([prefix + name for name in ODD_NAMES], str(tmp_path), str(cwd))

    assert result.files == sorted("odd dir [x]/" + name for name in ODD_NAMES)
    assert result.missing == result.outside == []


def test_normalize_undecodable_name(tmp_path: Path) -> None:
    make_file(tmp_path, UNDECODABLE)

    result = normalize_paths([UNDECODABLE, "./" + UNDECODABLE], str(tmp_path), str(tmp_path))

    assert result.files == [UNDECODABLE]


def test_normalize_keeps_symlinks_as_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"real/m.py": ""})
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")

    result = normalize_paths(["link", "dangling.py", "real"], str(tmp_path), str(tmp_path))

    assert result.files == ["dangling.py", "link"]
    assert result.folders == ["real"]
    assert result.missing == []


# --- display_path ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("plain/path.py", "plain/path.py"),
        ("with space/[x]=$y.py", "with space/[x]=$y.py"),
        ("ünïcödé/日本.py", "ünïcödé/日本.py"),
        ("a\nb.py", "a\\nb.py"),
        ("a\rb.py", "a\\rb.py"),
        ("a\tb.py", "a\\tb.py"),
        ("a\x1b[31mb.py", "a\\x1b[31mb.py"),
        ("a\x7fb.py", "a\\x7fb.py"),
        (UNDECODABLE, "\\xff.py"),
        ("ü\n.py", "ü\\n.py"),
        (os.fsdecode(b"\xfe\n.py"), "\\xfe\\n.py"),
    ],
)
def test_display_path(path: str, expected: str) -> None:
    assert display_path(path) == expected


@pytest.mark.parametrize(
    "path",
    ["a\nb", "a\r\nb", "a\x0bb", "a\x0cb", "a\x1cb", "a\x85b", "a\u2028b", "a\u2029b", "\udcff"],
)
def test_display_path_is_one_printable_utf8_line(path: str) -> None:
    shown = display_path(path)

    assert len(shown.splitlines()) == 1
    shown.encode("utf-8")  # no lone surrogates left
