"""lucid_hooks.globs: gitignore-like globs."""

from __future__ import annotations

import warnings

import pytest

from lucid_hooks.globs import DEFAULT_EXCLUDES, GlobSet, check_glob

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


@pytest.mark.parametrize(
    ("pattern", "path", "other"),
    [("[[]x", "[x", "ax"), ("a[b[]", "a[", "ac"), ("[&&a]", "&", "b"), ("[a||b]", "|", "c")],
)
def test_glob_brackets_hold_literal_set_characters(pattern: str, path: str, other: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no nested-set or set-operation warning from re
        globs = GlobSet([pattern])

    assert globs.matches(path)
    assert not globs.matches(other)


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
