"""lucid_hooks.stdlib: the bundled standard-library names of Python 3.9 to 3.14."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lucid_hooks.stdlib import (
    ADDED,
    BACKPORTS,
    NEVER_SHADOWED,
    NEWEST_MINOR,
    OLDEST_MINOR,
    REMOVED,
    describe_availability,
    is_stdlib_module,
    stdlib_minor_range,
    stdlib_module_names,
    version_gap,
)
from tests.conftest import pyenv_python


@pytest.mark.skipif(
    not hasattr(sys, "stdlib_module_names") or sys.version_info[:2] > (3, NEWEST_MINOR),
    reason="sys.stdlib_module_names is new in 3.10; the list stops at 3.14",
)
def test_matches_the_running_interpreter() -> None:
    assert stdlib_module_names(sys.version_info.minor) == sys.stdlib_module_names


@pytest.mark.parametrize(
    ("name", "minor", "expected"),
    [
        ("tomllib", 10, False),
        ("tomllib", 11, True),
        ("distutils", 11, True),
        ("distutils", 12, False),
        ("cgi", 12, True),
        ("cgi", 13, False),
        ("parser", 9, True),
        ("parser", 10, False),
        ("logging", None, True),
        ("requests", None, False),
        ("yaml", 11, False),
    ],
)
def test_is_stdlib_module(name: str, minor: int | None, expected: bool) -> None:
    assert is_stdlib_module(name, minor) is expected


def test_ranges_and_descriptions() -> None:
    assert stdlib_minor_range("json") == (OLDEST_MINOR, NEWEST_MINOR)
    assert stdlib_minor_range("nope") is None
    assert describe_availability("json") == ""
    assert describe_availability("nope") == ""
    assert describe_availability("distutils") == "Python 3.9-3.11"
    assert describe_availability("tomllib") == "Python 3.11 and later"
    assert describe_availability("symbol") == "Python 3.9"


def test_every_version_has_a_core_and_the_union_holds_them_all() -> None:
    everything = stdlib_module_names()
    for minor in range(OLDEST_MINOR, NEWEST_MINOR + 1):
        names = stdlib_module_names(minor)
        assert {"os", "sys", "json", "logging", "asyncio"} <= names <= everything
    everywhere = stdlib_module_names(OLDEST_MINOR) & stdlib_module_names(NEWEST_MINOR)
    assert everywhere >= NEVER_SHADOWED


@pytest.mark.skipif(sys.platform == "win32", reason="the POSIX set of built-in modules")
def test_never_shadowed_are_built_in_or_loaded_before_the_script() -> None:
    started = subprocess.run(
        (sys.executable, "-E", "-c", "import sys; print(' '.join(sys.modules))"),
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(started.stdout.split()) | set(sys.builtin_module_names)

    assert NEVER_SHADOWED - {"nt"} <= loaded


@pytest.mark.parametrize("minor", [10, 11, 12, 13])
def test_matches_each_interpreter_the_machine_has(minor: int) -> None:
    python = pyenv_python(f"3.{minor}")
    if python is None:
        pytest.skip(f"no pyenv Python 3.{minor}")
    listed = subprocess.run(
        (python, "-I", "-c", "import sys; print(*sorted(sys.stdlib_module_names))"),
        capture_output=True,
        text=True,
        check=True,
    )
    assert stdlib_module_names(minor) == frozenset(listed.stdout.split())


@pytest.mark.parametrize(
    ("name", "minor", "gap"),
    [
        ("distutils", 12, "removed in Python 3.12; use setuptools or standard-distutils"),
        ("cgi", 13, "removed in Python 3.13; use legacy-cgi"),
        ("telnetlib", 14, "removed in Python 3.13; use standard-telnetlib"),
        ("tomllib", 10, "new in Python 3.11; use tomli"),
        ("annotationlib", 13, "new in Python 3.14; use typing.get_type_hints"),
        ("binhex", 11, "removed in Python 3.11; use base64 or binascii"),
        ("distutils", 11, None),
        ("json", 13, None),
        ("requests", 13, None),
    ],
)
def test_version_gaps(name: str, minor: int, gap: str | None) -> None:
    found = version_gap(name, minor)
    assert found == gap if gap is None else (found or "").startswith(gap)


def test_every_module_that_came_or_went_has_its_advice() -> None:
    """Every public module some supported version lacks is in REMOVED or
    ADDED, and every backport is for a module that was removed."""
    public = {name for name in stdlib_module_names() if not name.startswith("_")}
    partial = {name for name in public if stdlib_minor_range(name) != (OLDEST_MINOR, NEWEST_MINOR)}
    assert partial == set(REMOVED) | set(ADDED)
    assert set(BACKPORTS) <= set(REMOVED)
