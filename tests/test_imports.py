from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks import imports
from lucid_hooks.imports import Import, decode, encode, scan, syntax_problem

# --- a reference: the same records, from ast --------------------------------------

_OPTIONAL = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _catches_import_errors(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(ast.unparse(kind).rpartition(".")[2] in _OPTIONAL for kind in types)


def _is_type_checking(test: ast.expr) -> bool:
    return ast.unparse(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _is_main_test(test: ast.expr) -> bool:
    return ast.unparse(test).replace("'", '"') in (
        '__name__ == "__main__"',
        '"__main__" == __name__',
    )


class Reference(ast.NodeVisitor):
    """(line, module, level, names, optional, deferred, conditional, main_only)
    of each import statement, walked with its blocks."""

    def __init__(self) -> None:
        self.found: list[tuple[object, ...]] = []
        self.state = {"optional": False, "deferred": False, "conditional": False, "main": False}

    def record(self, node: ast.stmt, module: str, level: int, names: tuple[str, ...]) -> None:
        state = self.state
        self.found.append(
            (
                node.lineno,
                module,
                level,
                names,
                state["optional"],
                state["deferred"],
                state["conditional"],
                state["main"],
            )
        )

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.record(node, alias.name, 0, ())

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        names = tuple(alias.name for alias in node.names)
        self.record(node, node.module or "", node.level, names)

    def inside(self, nodes: list[ast.stmt], **changes: bool) -> None:
        saved = dict(self.state)
        self.state.update(changes)
        for child in nodes:
            self.visit(child)
        self.state = saved

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        # The body runs when called, outside any `try` around the `def`; the
        # function exists only where its branch ran, so the branch counts.
        self.inside(node.body, deferred=True, optional=False)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self.inside(node.orelse, conditional=True)
        elif _is_main_test(node.test):  # an `if` all the same
            self.inside(node.body, main=True, conditional=True)
            self.inside(node.orelse, conditional=True)
        else:
            self.inside(node.body, conditional=True)
            self.inside(node.orelse, conditional=True)

    def visit_For(self, node: ast.For | ast.While) -> None:
        self.inside(node.body, conditional=True)
        self.inside(node.orelse, conditional=True)

    visit_While = visit_For

    def visit_Try(self, node: ast.Try) -> None:
        optional = any(_catches_import_errors(handler) for handler in node.handlers)
        self.inside(node.body, optional=optional or self.state["optional"])
        for handler in node.handlers:
            self.inside(handler.body, conditional=True)
        self.inside(node.orelse, conditional=True)
        self.inside(node.finalbody)


def reference(source: str) -> list[tuple[object, ...]]:
    walker = Reference()
    walker.visit(ast.parse(source))
    return sorted(walker.found, key=repr)


def scanned(source: str) -> list[tuple[object, ...]]:
    found = [
        (i.line, i.module, i.level, i.names, i.optional, i.deferred, i.conditional, i.main_only)
        for i in scan(source.encode()).imports
        if not i.dynamic
    ]
    return sorted(found, key=repr)


# --- fixtures ---------------------------------------------------------------------

FIXTURES = {
    "plain": "import os\nimport a.b, c as d\nfrom e.f import g, h as i\nfrom . import j\n"
    "from ..k import (\n    l,\n    m,\n)\n",
    "docstring": '"""Example:\n\n    import not_an_import\n"""\nimport real\n',
    "strings": "x = 'import fake'\ny = \"from fake import it\"  # import comment\nimport z\n",
    "try": "try:\n    import fast\nexcept ImportError:\n    import slow\n"
    "else:\n    import after\n",
    "try-other": "try:\n    import strict\nexcept ValueError:\n    pass\n",
    "functions": "def f():\n    import inner\n\nclass C:\n    import in_class\n"
    "    def m(self):\n        from deep import x\n",
    "def-in-try": "try:\n    import zipimport\n\n    def g():\n        import later\n"
    "except ImportError:\n    pass\n",
    "type-checking": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import only_types\n"
    "else:\n    import at_run_time\n",
    "main": 'if __name__ == "__main__":\n    import cli\n',
    "semicolons": "import a; import b\nx = 1; import c\n",
    "one-line": "if x: import y\ntry: import z\nexcept ImportError: pass\n",
    "continuation": "from a import \\\n    b\nimport c\n",
    "tabs-crlf": "if x:\r\n\timport tabbed\r\n",
    "nested": "for n in range(3):\n    while n:\n        try:\n            import n1\n"
    "        except (ImportError, OSError):\n            pass\n",
    "decorated": "@decorator\ndef f():\n    import g\n",
    "async": "async def f():\n    import h\n",
}


@pytest.mark.parametrize("name", FIXTURES)
def test_scan_agrees_with_ast(name: str) -> None:
    source = FIXTURES[name]
    assert scanned(source) == reference(source)


def test_dynamic_imports_with_literal_names() -> None:
    found = scan(
        b"import importlib\nm = importlib.import_module('a.b')\nn = __import__('c')\n"
        b"o = importlib.import_module(name)\n"
    )
    assert [(i.module, i.dynamic) for i in found.imports] == [
        ("importlib", False),
        ("a.b", True),
        ("c", True),
    ]


def test_bound_names_and_open_names() -> None:
    found = scan(
        b"import a.b\nfrom c import d as e\nX = 1\ndef f(): pass\nclass K: pass\n"
        b"__all__ = ['late']\nfor i in y: pass\n"
    )
    assert {"a", "e", "X", "f", "K", "late", "i"} <= found.bound
    assert not found.open_names
    assert scan(b"from x import *\n").open_names
    assert scan(b"def __getattr__(name):\n    return 1\n").open_names
    assert scan(b'if __name__ == "__main__":\n    pass\n').main_block


def test_a_file_that_does_not_parse_keeps_its_imports() -> None:
    source = b"import before\n<<<<<<< HEAD\nx = (\nimport after\n"
    assert {i.module for i in scan(source).imports} >= {"before"}
    problem = syntax_problem(source)
    assert problem is not None and problem.line == 2
    assert syntax_problem(b"import ok\n") is None
    assert syntax_problem(b"return 1\n") is not None  # compiles only inside a function


def test_encode_decode_round_trip_and_rejects_junk() -> None:
    found = scan(FIXTURES["try"].encode())
    assert decode(encode(found)) == found
    for junk in (None, (), ("x",), (1, 2, 3, 4, 5, 6), [1]):
        assert decode(junk) is None


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    scan(data)
    syntax_problem(data)


def stdlib_sample() -> list[Path]:
    folder = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(path for path in folder.glob("*.py") if path.stat().st_size < 60_000)
    return files[::8][:30]


@pytest.mark.parametrize("path", stdlib_sample(), ids=lambda path: path.name)
def test_stdlib_modules_agree_with_ast(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert scanned(source) == reference(source)


def test_module_docstring_mentions_its_limits() -> None:
    assert imports.__doc__ is not None and "Limits" in imports.__doc__


def test_import_record_fields() -> None:
    assert Import._fields[:4] == ("line", "col", "module", "level")
