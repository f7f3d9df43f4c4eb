"""lucid_hooks.shadowing: LH403 from one run's sys.path, over a tree of files
(the hook's own tests, in test_check_entry_point_imports, check CPython
agrees and that the reports reach pre-commit)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

import pytest

from lucid_hooks import commands
from lucid_hooks.entry_point_analysis import MESSAGE_LENGTH
from lucid_hooks.import_graph import Report
from lucid_hooks.resolution import Tree
from lucid_hooks.shadowing import (
    SearchPath,
    known_minor,
    search_path,
    shadowing_reports,
    stdlib_shadowing,
)
from lucid_hooks.stdlib import stdlib_module_names


def same_path(path: str) -> str | None:
    return path


def reports(
    files: Iterable[str],
    before: tuple[str, ...],
    after: tuple[str, ...] = (),
    *,
    python: str | None = None,
    imported: Iterable[str] = (),
    executed: Collection[str] = (),
) -> list[str]:
    """The paths reported, each with the start of its message."""
    found = shadowing_reports(
        SearchPath(before, after), Tree(files), same_path, python, imported, executed
    )
    return [f"{report.path}: {report.message.split(':')[0]}" for report in found]


def test_modules_beside_the_script_that_replace_the_standard_library() -> None:
    files = [
        "vm/main.py",
        "vm/logging.py",
        "vm/types/__init__.py",  # a regular package
        "vm/json/README.md",  # a namespace folder: the standard library's wins
        "vm/time.py",  # built in
        "vm/os.py",  # imported at start-up
        "vm/this.py",  # nobody imports it
        "vm/helpers/queue.py",  # vm.helpers.queue
        "vm/queue.pyi",  # a stub is never imported
        "vm/csv.so",  # compiled: no source to report on
        "elsewhere/enum.py",  # not on this sys.path
    ]
    assert reports(files, ("vm",)) == [
        "vm/logging.py: hides the standard library's `logging`",
        "vm/types/__init__.py: hides the standard library's `types`",
    ]


def test_what_import_finds_first_is_reported() -> None:
    """A package before a module of its folder; the first folder's module."""
    files = ["a/queue.py", "a/queue/__init__.py", "b/queue.py", "b/uuid.py", "/c/uuid.py"]
    assert reports(files, ("a", "b", "/c")) == [
        "a/queue/__init__.py: hides the standard library's `queue`",
        "b/uuid.py: hides the standard library's `uuid`",
    ]


@pytest.mark.parametrize(
    ("python", "expected"),
    [
        ("3.10", ["distutils.py"]),
        ("3.12", ["tomllib.py"]),
        (None, ["distutils.py", "tomllib.py"]),
        ("3.14", ["tomllib.py"]),  # as the newest known
        ("3.8", ["distutils.py"]),  # as the oldest known
    ],
)
def test_only_the_standard_library_of_the_runs_python(
    python: str | None, expected: list[str]
) -> None:
    found = reports(["tomllib.py", "distutils.py"], ("",), python=python)
    assert [line.split(":")[0] for line in found] == expected


@pytest.mark.parametrize(
    ("python", "minor"),
    [("3.11", 11), ("3.11.4", 11), ("3.99", 14), ("3.6", 9), ("2.7", None), ("3", None)],
)
def test_known_minor(python: str, minor: int | None) -> None:
    assert known_minor(python) == minor


def test_an_installed_project_comes_after_the_standard_library() -> None:
    """A console script's project is in site-packages: its `logging.py` is
    never imported as `logging` (nor reported); `PYTHONPATH` still comes
    first."""
    assert search_path(commands.CONSOLE_SCRIPT, ("proj", "/extra")) == SearchPath(
        ("/extra",), ("proj",)
    )
    assert search_path(commands.SCRIPT, ("svc", "/extra")) == SearchPath(("svc", "/extra"))
    files = ["proj/logging.py", "/extra/queue.py"]
    search = search_path(commands.CONSOLE_SCRIPT, ("proj", "/extra"))
    found = shadowing_reports(search, Tree(files), same_path, None, ["logging"], ())
    assert [report.path for report in found] == ["/extra/queue.py"]


def test_a_later_module_of_an_imported_name_is_hidden() -> None:
    files = [
        "first/m.py",
        "second/m.py",
        "third/m/__init__.py",
        "one/pkg/x.py",  # namespace portions merge
        "two/pkg/y.py",
        "one/lone/z.py",  # a namespace portion loses to a later module
        "two/lone.py",
        "one/unused.py",  # imported by nothing
        "two/unused.py",
    ]
    folders = ("first", "second", "third", "one", "two")
    assert reports(files, folders, imported=["m", "pkg", "lone"]) == [
        "second/m.py: hidden by `first/m.py`, earlier on sys.path",
        "third/m/__init__.py: hidden by `first/m.py`, earlier on sys.path",
    ]


def test_a_hidden_module_is_not_reported_where_it_would_be_noise() -> None:
    """Not when the run executes the file anyway (under another name), the
    winner is the same repository file copied twice, the file is none of
    the repository's, or the winner is compiled (most likely from it)."""
    files = ["a/m.py", "b/m.py", "/x/c.py", "/y/c.py", "/x/d.py", "/y/d.py", "e/f.so", "g/f.py"]
    sources = {path: path for path in files if path != "/y/d.py"}
    sources.update({"/x/c.py": "c.py", "/y/c.py": "c.py"})
    search = SearchPath(("a", "b", "/x", "/y", "e", "g"))
    found = shadowing_reports(search, Tree(files), sources.get, None, "mcdf", {"b/m.py"})
    assert [report.path for report in found] == []


def test_standard_library_names_are_hidden_by_the_standard_library() -> None:
    """Past the standard library nothing of its names is imported (a matter
    for the report on the first one); what cannot be shadowed never is."""
    files = ["a/logging.py", "proj/logging.py", "a/os.py", "b/os.py"]
    found = reports(files, ("a", "b"), ("proj",), imported=["logging", "os"])
    assert found == ["a/logging.py: hides the standard library's `logging`"]


def test_a_later_standard_library_module_of_another_version_is_local() -> None:
    """`tomllib` is not the standard library's on 3.10: a later copy is hidden."""
    files = ["a/tomllib.py", "b/tomllib.py"]
    found = reports(files, ("a", "b"), python="3.10", imported=["tomllib"])
    assert found == ["b/tomllib.py: hidden by `a/tomllib.py`, earlier on sys.path"]


def test_every_message_fits_beside_the_entry_points_named() -> None:
    """`entry_point_analysis._named` cuts a message longer than this short."""
    names = sorted(stdlib_module_names())
    found = list(stdlib_shadowing(("",), Tree(f"{name}.py" for name in names), same_path, None))
    assert len(found) > 250
    assert all(isinstance(report, Report) for report in found)
    longest = max((report.message for report in found), key=len)
    assert len(longest) <= MESSAGE_LENGTH - 40, longest
    assert all(report.message.endswith("rename it") for report in found)
