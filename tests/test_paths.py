"""lucid_hooks.paths: the repo root, argv paths, globs, display, safe creation, git."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lucid_hooks.paths import (
    DEFAULT_EXCLUDES,
    GlobSet,
    UnsafePathError,
    check_glob,
    create_empty_file,
    display_path,
    find_root,
    git_staged_deletions,
    git_tracked_files,
    normalize_paths,
    walk_files,
)
from tests.conftest import GIT_ENV, git, init_repo, write_tree

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


# --- globs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        # A name matches at any depth, and covers everything below a folder.
        ("build", "build", True),
        ("build", "build/lib/x.py", True),
        ("build", "src/build", True),
        ("build", "src/build/x.py", True),
        ("build", "mybuild", False),
        ("build", "build.py", False),
        ("build", "src/rebuild/x.py", False),
        ("*.py", "x.py", True),
        ("*.py", "a/b/x.py", True),
        ("*.py", "x.pyc", False),
        ("*.py", "x.py/inner.txt", True),
        # A pattern with a slash is anchored at the root.
        ("src/build", "src/build", True),
        ("src/build", "src/build/x.py", True),
        ("src/build", "lib/src/build", False),
        ("src/build", "src/builder", False),
        # Leading / anchors, trailing / does not.
        ("/build", "build/x.py", True),
        ("/build", "src/build/x.py", False),
        ("build/", "src/build/x.py", True),
        # * stays within one name.
        ("pkg/*.py", "pkg/a.py", True),
        ("pkg/*.py", "pkg/sub/a.py", False),
        ("a*b", "a/b", False),
        ("a*b", "axxb", True),
        ("a*b", "ab", True),
        ("pkg/*", "pkg/sub/deep.py", True),
        # ** spans folders.
        ("**/gen", "gen/x", True),
        ("**/gen", "a/b/gen/x", True),
        ("a/**/b", "a/b", True),
        ("a/**/b", "a/x/y/b/z.py", True),
        ("a/**/b", "c/a/x/b", False),
        ("a/**", "a/x/y", True),
        ("a/**", "a", False),
        ("a/**", "ab/x", False),
        ("**", "anything/at/all", True),
        # ? is one character within a name.
        ("?.py", "a.py", True),
        ("?.py", "ab.py", False),
        ("a?c", "a/c", False),
        ("a?c", "abc", True),
        # [...] and [!...] are character classes.
        ("[ab].py", "a.py", True),
        ("[ab].py", "c.py", False),
        ("[a-c]x", "bx", True),
        ("[!ab].py", "c.py", True),
        ("[!ab].py", "a.py", False),
        ("[]].py", "].py", True),
        # Leading ./ is the root.
        ("./build", "build/x.py", True),
        # Regular expression characters are literal.
        ("a+b(c).py", "a+b(c).py", True),
        ("a+b(c).py", "aab(c).py", False),
        ("$x.py", "$x.py", True),
        ("a.py", "abpy", False),
        # Paths with newlines are matched like any other character.
        ("x.py", "we\nird/x.py", True),
        ("we*rd", "we\nrd/x.py", True),
    ],
)
def test_glob_semantics(pattern: str, path: str, expected: bool) -> None:
    assert GlobSet([pattern]).matches(path) is expected


def test_glob_leading_dot_slash_is_anchored() -> None:
    # The pattern holds a `/`, and `./build` names the folder at the root: it
    # must not exclude `src/build/`.
    globs = GlobSet(["./build"])

    assert globs.matches("build/x.py")
    assert not globs.matches("src/build/x.py")


@pytest.mark.parametrize(("pattern", "path"), [("a[!b]c", "a/c"), ("a[/]c", "a/c")])
def test_glob_character_class_never_matches_slash(pattern: str, path: str) -> None:
    # Like `*` and `?`, a bracket expression stays within one name (as in
    # gitignore and fnmatch with pathname semantics).
    assert not GlobSet([pattern]).matches(path)


def test_globset_combines_patterns_and_drops_empty_ones() -> None:
    globs = GlobSet(["", "/", "*.pyc", "docs/"])

    assert globs.patterns == ("*.pyc", "docs/")
    assert bool(globs)
    assert globs.matches("a/b.pyc")
    assert globs.matches("docs/index.md")
    assert not globs.matches("src/a.py")


def test_empty_globset_matches_nothing() -> None:
    globs = GlobSet(["", "//"])

    assert not globs
    assert not globs.matches("")
    assert not globs.matches("a.py")


def test_default_excludes_cover_tool_folders() -> None:
    globs = GlobSet(DEFAULT_EXCLUDES)

    assert globs.matches(".git/config")
    assert globs.matches("svc/.venv/lib/x.py")
    assert globs.matches("web/node_modules/a/b.js")
    assert not globs.matches("src/venvtools/x.py")
    assert not globs.matches("src/app.py")


@pytest.mark.parametrize("pattern", ["*.py", "a/**/b", "[ab]", "[!ab]", "./x", "/x", "a[", "]"])
def test_check_glob_accepts_valid_globs(pattern: str) -> None:
    assert check_glob(pattern) is None


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", "empty"),
        ("/", "empty"),
        ("///", "empty"),
        ("[z-a].py", "invalid glob"),
    ],
)
def test_check_glob_rejects(pattern: str, expected: str) -> None:
    problem = check_glob(pattern)

    assert problem is not None
    assert expected in problem
    assert "\n" not in problem


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


# --- git -------------------------------------------------------------------------


def test_git_tracked_files_lists_index_only(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "", "pkg/b.py": "", "sp ace/new\nline.py": "", "x=[1].py": ""})
    init_repo(tmp_path)
    write_tree(tmp_path, {"untracked.py": "", "newpkg/m.py": "", "staged.py": ""})
    git(tmp_path, "add", "staged.py")
    (tmp_path / "a.py").unlink()  # deleted on disk only: still in the index

    tracked = git_tracked_files(str(tmp_path))

    assert tracked is not None
    assert sorted(tracked) == ["a.py", "pkg/b.py", "sp ace/new\nline.py", "staged.py", "x=[1].py"]


def test_git_tracked_files_undecodable_name(tmp_path: Path) -> None:
    make_file(tmp_path, UNDECODABLE)
    init_repo(tmp_path)

    assert git_tracked_files(str(tmp_path)) == [UNDECODABLE]


def test_git_tracked_files_outside_git_is_none(tmp_path: Path) -> None:
    if has_git_above(tmp_path):
        pytest.skip("the temporary folder lies inside a git repository")

    assert git_tracked_files(str(tmp_path)) is None
    assert git_staged_deletions(str(tmp_path)) == []


def test_git_staged_deletions(tmp_path: Path) -> None:
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

    assert sorted(git_staged_deletions(str(tmp_path))) == ["a.py", "b.py", "odd name\n.py"]


def test_git_staged_deletions_before_first_commit(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": ""})
    init_repo(tmp_path, commit=False)
    git(tmp_path, "add", "a.py")

    assert git_staged_deletions(str(tmp_path)) == []
    assert git_tracked_files(str(tmp_path)) == ["a.py"]


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

    assert git_staged_deletions(str(repo)) == []
    assert git_tracked_files(str(repo)) == ["a.py", "b.py"]

    monkeypatch.setenv("GIT_INDEX_FILE", str(index))

    assert git_staged_deletions(str(repo)) == ["a.py"]
    assert git_tracked_files(str(repo)) == ["b.py"]


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
