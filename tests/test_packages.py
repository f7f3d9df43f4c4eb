"""lucid_hooks.packages: import precedence, checked against a real CPython
running the layout the test wrote (the oracle)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lucid_hooks.packages import (
    is_identifier,
    is_regular_package,
    module_file_beside,
    module_name,
)
from tests.conftest import write_tree

# What `import pkg.config` finds, asked of the interpreter itself: the file
# of a module or regular package, or "namespace" for a namespace package.
ORACLE = """
import importlib.util, sys
sys.path.insert(0, sys.argv[1])
spec = importlib.util.find_spec("pkg.config")
print("namespace" if spec.origin is None else spec.origin.replace(sys.argv[1], "").lstrip("/"))
"""


def imported(root: Path) -> str:
    completed = subprocess.run(
        (sys.executable, "-I", "-B", "-c", ORACLE, str(root)),
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


@pytest.mark.parametrize(
    ("layout", "found"),
    [
        # A module wins over a namespace folder of the same name ...
        ({"pkg/config.py": "", "pkg/config/loader.py": ""}, "pkg/config.py"),
        # ... and a regular package wins over the module: an __init__.py
        # added to the folder would change what the import finds.
        (
            {"pkg/config.py": "", "pkg/config/__init__.py": "", "pkg/config/x.py": ""},
            "pkg/config/__init__.py",
        ),
        ({"pkg/config/loader.py": ""}, "namespace"),
    ],
)
def test_import_precedence_matches_cpython(
    tmp_path: Path, layout: dict[str, str], found: str
) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": "", **layout})

    assert imported(tmp_path) == found
    names = [path.name for path in (tmp_path / "pkg").iterdir() if path.is_file()]
    shadowed = module_file_beside(names, "config")
    if "pkg/config/__init__.py" in layout:
        assert shadowed == "config.py", "the package shadows this module"
    elif found == "pkg/config.py":
        assert shadowed == "config.py", "an __init__.py would shadow it"
    else:
        assert shadowed is None


# What each statement does, run with the tree's root first on sys.path:
# "imported", "not found" (ImportError) or "syntax error" (it cannot be
# written at all).
STATEMENTS = """
import sys
sys.path.insert(0, sys.argv[1])
for statement in sys.argv[2:]:
    try:
        exec(compile(statement, "<oracle>", "exec"), {})
    except SyntaxError:
        print("syntax error")
    except ImportError:
        print("not found")
    else:
        print("imported")
"""


def outcomes(root: Path, *statements: str) -> list[str]:
    completed = subprocess.run(
        (sys.executable, "-I", "-B", "-c", STATEMENTS, str(root), *statements),
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.splitlines()


@pytest.mark.parametrize(("name", "importable"), [("02_x", False), ("x02", True)])
def test_only_a_folder_an_import_can_name_is_a_regular_package(
    tmp_path: Path, name: str, importable: bool
) -> None:
    write_tree(
        tmp_path,
        {
            f"{name}/__init__.py": "",
            f"{name}/firewall/__init__.py": "",
            f"{name}/firewall/rules.py": "",
        },
    )
    outcome = "imported" if importable else "syntax error"

    assert outcomes(
        tmp_path,
        f"import {name}",
        f"import {name}.firewall.rules",
        f"from {name}.firewall import rules",
        # The subfolder has no dotted name of its own from the root either.
        "import firewall.rules",
        # The import system checks no names: only a string (importlib,
        # `python -m`) reaches the folder, never an import statement.
        f"import importlib; importlib.import_module('{name}.firewall.rules')",
    ) == [outcome, outcome, outcome, "not found", "imported"]
    assert is_regular_package(name, has_init=True) is importable
    assert is_regular_package("firewall", has_init=True)
    assert (module_name(f"{name}/firewall/rules.py") is not None) is importable
    assert (module_name(f"{name}/firewall/__init__.py") is not None) is importable


@pytest.mark.parametrize(
    ("name", "has_init", "expected"),
    [
        ("pkg", True, True),
        ("pkg", False, False),
        ("02_network_security", True, False),
        ("my-tools", True, False),
        ("class", True, False),
        ("match", True, True),
    ],
)
def test_is_regular_package(name: str, has_init: bool, expected: bool) -> None:
    assert is_regular_package(name, has_init=has_init) is expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["config.py"], "config.py"),
        (["config.pyi"], "config.pyi"),
        (["config.cpython-311-x86_64-linux-gnu.so"], "config.cpython-311-x86_64-linux-gnu.so"),
        (["config.abi3.so"], "config.abi3.so"),
        (["config.pyd"], "config.pyd"),
        (["config_old.py", "configs.py", "config.txt", "config.py.bak"], None),
        (["config.tar.gz.so"], None),
    ],
)
def test_module_file_beside(names: list[str], expected: str | None) -> None:
    assert module_file_beside(names, "config") == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a/b/c.py", "a.b.c"),
        ("a/b/__init__.py", "a.b"),
        ("main.py", "main"),
        ("my-tools/x.py", None),
        ("a/class/x.py", None),
        ("a/b.pyi", None),
        ("Dockerfile", None),
        ("__init__.py", None),
    ],
)
def test_module_name(path: str, expected: str | None) -> None:
    assert module_name(path) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pkg", True),
        ("_x1", True),
        ("naïve", True),
        ("2024_data", False),
        ("my-tools", False),
        ("class", False),
        ("match", True),
        ("", False),
    ],
)
def test_is_identifier(name: str, expected: bool) -> None:
    assert is_identifier(name) is expected
