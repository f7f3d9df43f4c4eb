"""lucid_hooks.stdlib: the bundled standard-library names of Python 3.9 to 3.13."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lucid_hooks.stdlib import (
    NEVER_SHADOWED,
    NEWEST_MINOR,
    OLDEST_MINOR,
    describe_availability,
    is_stdlib_module,
    stdlib_minor_range,
    stdlib_module_names,
)


@pytest.mark.skipif(
    not hasattr(sys, "stdlib_module_names") or sys.version_info[:2] > (3, NEWEST_MINOR),
    reason="sys.stdlib_module_names is new in 3.10; the list stops at 3.13",
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
