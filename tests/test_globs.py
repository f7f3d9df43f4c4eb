"""lucid_hooks.globs: gitignore-like globs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lucid_hooks.globs import DEFAULT_EXCLUDES, GlobSet, check_glob

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
