from __future__ import annotations

from lucid_hooks.dependencies import Installed
from lucid_hooks.external_imports import (
    LEFT_OUT,
    NOT_INSTALLED,
    ONLY_OPTIONAL,
    VERSION_GAP,
    judged_imports,
)
from lucid_hooks.import_graph import External

INSTALLED = Installed(
    frozenset({"pyyaml", "google-cloud-storage", "setuptools"}),
    {"uvicorn": "svc/pyproject.toml"},
    ("svc/requirements.txt",),
    True,
)
PYTHON_312 = ("3.12", "python:3.12-slim")


def imported(
    name: str,
    line: int = 1,
    *,
    optional: bool = False,
    deferred: bool = False,
    sometimes: bool = False,
    names: tuple[str, ...] = (),
) -> External:
    return External("svc/main.py", line, 1, name, optional, deferred, sometimes, names)


def kinds(externals: list[External], installed: Installed = INSTALLED) -> list[tuple[int, str]]:
    return [(found.line, found.kind) for found in judged_imports(externals, PYTHON_312, installed)]


def test_installed_distributions_provide_their_import_names() -> None:
    externals = [
        imported("yaml"),
        imported("google.cloud.storage.blob"),
        imported("google.cloud", 2, names=("storage",)),  # from google.cloud import storage
        imported("google.cloud", 3, names=("bigquery",)),
        imported("httpx", 4),
        imported("uvicorn", 5),
    ]
    assert kinds(externals) == [(3, NOT_INSTALLED), (4, NOT_INSTALLED), (5, ONLY_OPTIONAL)]


def test_imports_that_may_not_run_are_left_alone() -> None:
    externals = [
        imported("httpx", optional=True),
        imported("httpx", 2, sometimes=True),
        imported("httpx", 3, deferred=True),
    ]
    (found,) = judged_imports(externals, PYTHON_312, INSTALLED)
    assert (found.line, found.kind) == (3, NOT_INSTALLED)
    assert found.message.endswith("; it fails when the function runs")


def test_standard_library_modules_of_the_python_that_runs() -> None:
    externals = [
        imported("json"),
        imported("tomllib", 2),
        imported("cgi", 3),
        imported("distutils", 4),
    ]
    # distutils: setuptools is installed, and brings it back.
    assert kinds(externals) == []
    found = judged_imports([imported("cgi")], ("3.13", "python:3.13"), INSTALLED)
    assert [judged.message for judged in found] == [
        "`cgi` was removed in Python 3.13, which runs it (python:3.13): use legacy-cgi"
    ]
    found = judged_imports([imported("tomllib")], ("3.10", "target-version"), INSTALLED)
    assert found[0].kind == VERSION_GAP
    assert (
        found[0].message
        == "`tomllib` is new in Python 3.11; this runs 3.10 (target-version): use tomli"
    )
    assert judged_imports([imported("tomllib")], None, INSTALLED) == []


def test_nothing_is_said_of_what_cannot_be_known() -> None:
    unknown = INSTALLED._replace(known=False)
    assert kinds([imported("httpx"), imported("uvicorn", 2)], unknown) == []


def test_overrides_name_what_a_distribution_installs() -> None:
    installed = INSTALLED._replace(distributions=frozenset({"internal-sdk"}))
    externals = [imported("lucid_sdk")]
    assert kinds(externals, installed) == [(1, NOT_INSTALLED)]
    assert judged_imports(externals, PYTHON_312, installed, {"internal-sdk": ["lucid_sdk"]}) == []


def test_modules_a_distroless_image_leaves_out() -> None:
    installed = INSTALLED._replace(
        left_out=(
            ("_gdbm", "python3-gdbm"),
            ("dbm.gnu", "python3-gdbm"),
            ("tkinter", "python3-tk"),
        ),
        image="gcr.io/distroless/python3-debian13",
    )
    externals = [
        imported("tkinter.ttk"),
        imported("dbm", 2, names=("gnu",)),  # from dbm import gnu
        imported("dbm", 3, names=("ndbm",)),
        imported("dbm.gnu", 4),
        imported("sqlite3", 5),
    ]
    found = judged_imports(externals, ("3.13", "distroless"), installed)
    assert [(judged.line, judged.kind) for judged in found] == [
        (1, LEFT_OUT),
        (2, LEFT_OUT),
        (4, LEFT_OUT),
    ]
    assert found[0].message == (
        "`tkinter` is not in gcr.io/distroless/python3-debian13: Debian ships it apart,"
        " in python3-tk"
    )


def test_names_compared_loosely_and_names_of_older_releases() -> None:
    installed = INSTALLED._replace(
        distributions=frozenset({"pyqt5", "python-levenshtein", "gitpython", "setuptools"})
    )
    externals = [
        imported("PyQt5.QtCore"),
        imported("Levenshtein", 2),
        imported("git", 3),
        imported("pkg_resources", 4),  # setuptools before 81
        imported("qt", 5),
    ]
    assert kinds(externals, installed) == [(5, NOT_INSTALLED)]
