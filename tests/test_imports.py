from __future__ import annotations

import ast
import os
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks import imports
from lucid_hooks.cache import _is_plain
from lucid_hooks.imports import Import, ModuleScan, decode, encode, scan
from lucid_hooks.syntax import syntax_problem
from tests.conftest import assert_time_bounded

# --- a reference: the same records, from ast ---------------------------------------------
#
# Written apart from the scanner's own `ast` fallback: flags come from the
# chain of (node, field) above each import, read from the inside out.

CATCHING = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
SCOPES = (*FUNCTIONS, ast.ClassDef)
LOOPS = (ast.For, ast.AsyncFor, ast.While)
TRIES = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
MATCH = getattr(ast, "Match", ())


def catches(caught: ast.expr | None) -> bool:
    if caught is None:
        return True
    if isinstance(caught, ast.Tuple):
        return any(catches(element) for element in caught.elts)
    if isinstance(caught, ast.Name):
        return caught.id in CATCHING
    return isinstance(caught, ast.Attribute) and caught.attr in CATCHING


def kind_of_test(test: ast.expr) -> str:
    dumped = ast.dump(test)
    if dumped in (ast.dump(ast.parse(code, mode="eval").body) for code in TYPE_CHECKING_TESTS):
        return "typing"
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        sides = [test.left, test.comparators[0]]
        names = [isinstance(side, ast.Name) and side.id == "__name__" for side in sides]
        mains = [isinstance(side, ast.Constant) and side.value == "__main__" for side in sides]
        if names in ([True, False], [False, True]) and mains == names[::-1]:
            return "main"
    return ""


TYPE_CHECKING_TESTS = ("TYPE_CHECKING", "typing.TYPE_CHECKING")


class Reference(ast.NodeVisitor):
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.chain: list[tuple[ast.AST, str]] = []
        self.records: list[Import] = []
        self.main_block = False
        self.open_names = False

    def generic_visit(self, node: ast.AST) -> None:
        for field, value in ast.iter_fields(node):
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    self.chain.append((node, field))
                    self.visit(child)
                    self.chain.pop()

    def flags(self) -> tuple[bool, bool, bool, bool] | None:
        """(optional, deferred, conditional, main_only); None under TYPE_CHECKING."""
        optional = deferred = conditional = main = False
        for node, field in reversed(self.chain):
            if isinstance(node, ast.If) and field == "body":
                if kind_of_test(node.test) == "typing":
                    return None
                conditional = True
                main = main or kind_of_test(node.test) == "main"
            elif (isinstance(node, (ast.If, *LOOPS)) and field in ("body", "orelse")) or (
                isinstance(node, TRIES) and field in ("handlers", "orelse")
            ):
                conditional = True
            elif isinstance(node, TRIES) and field == "body" and not deferred:
                optional = optional or any(catches(h.type) for h in node.handlers)
            elif MATCH and isinstance(node, MATCH) and field == "cases":
                conditional = True
            elif isinstance(node, FUNCTIONS) and field == "body":
                deferred = True
        return optional, deferred, conditional, main

    def record(self, node: ast.expr | ast.stmt, module: str, level: int, names: tuple[str, ...],
               dynamic: bool) -> None:  # fmt: skip
        flags = self.flags()
        if flags is not None:
            line = self.lines[node.lineno - 1]
            col = len(line.encode()[: node.col_offset].decode()) + 1
            self.records.append(Import(node.lineno, col, module, level, names, *flags, dynamic))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.record(node, alias.name, 0, (), False)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.open_names = self.open_names or any(alias.name == "*" for alias in node.names)
        if node.module != "__future__":
            names = tuple(alias.name for alias in node.names)
            self.record(node, node.module or "", node.level, names, False)

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        named = (isinstance(function, ast.Name) and function.id == "__import__") or (
            isinstance(function, ast.Attribute)
            and function.attr == "import_module"
            and isinstance(function.value, ast.Name)
            and function.value.id == "importlib"
        )
        first = node.args[0] if node.args else None
        literal = first.value if isinstance(first, ast.Constant) else None
        if named and isinstance(literal, str) and literal and not literal.startswith("."):
            self.record(node, literal, 0, (), True)
        if isinstance(function, ast.Name) and function.id in ("globals", "exec"):
            self.open_names = True
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        outside = not any(isinstance(parent, SCOPES) for parent, _ in self.chain)
        self.main_block = self.main_block or (outside and kind_of_test(node.test) == "main")
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.name == "__getattr__":
            self.open_names |= not any(isinstance(parent, SCOPES) for parent, _ in self.chain)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef


def listed_in_all(node: ast.Assign | ast.AugAssign) -> list[str]:
    """The strings an assignment to ``__all__`` lists."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if not any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets):
        return []
    elements = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else []
    return [e.value for e in elements if isinstance(e, ast.Constant) and isinstance(e.value, str)]


def module_names(tree: ast.Module) -> set[str]:
    """The names the module's namespace may get: what binds outside the
    bodies of functions and classes (a comprehension's targets are its own),
    everywhere if a `global` statement exists; and `__all__`'s strings."""
    every = any(isinstance(node, ast.Global) for node in ast.walk(tree))
    names: set[str] = set()

    def visit(node: ast.AST, scoped: bool, comprehension_target: bool) -> None:
        own = every or not scoped
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            if own and not (comprehension_target and not every):
                names.add(node.id)
        elif isinstance(node, ast.NamedExpr) and own and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and own:
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and own:
            names.update(a.asname or a.name.partition(".")[0] for a in node.names if a.name != "*")
        elif isinstance(node, ast.ExceptHandler) and node.name and own:
            names.add(node.name)
        elif type(node).__name__ in ("MatchAs", "MatchStar", "MatchMapping") and own:
            captured = getattr(node, "name", None) or getattr(node, "rest", None)
            names.update([captured] if captured else [])
        if isinstance(node, (ast.Assign, ast.AugAssign)) and own:
            names.update(listed_in_all(node))
        for field, value in ast.iter_fields(node):
            if isinstance(node, ast.AnnAssign) and field == "target" and node.value is None:
                continue  # `x: int` binds nothing
            inner = scoped or (isinstance(node, SCOPES) and field == "body")
            target = comprehension_target or (
                isinstance(node, ast.comprehension) and field == "target"
            )
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    visit(child, inner, target)

    visit(tree, False, False)
    return names


class Expected:
    """What the reference says of a module that parses."""

    def __init__(self, data: bytes) -> None:
        text = imports.source_text(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
        walker = Reference(text)
        walker.visit(tree)
        self.imports = tuple(sorted(walker.records, key=lambda record: (record.line, record.col)))
        self.main_block = walker.main_block
        self.open_names = walker.open_names
        self.bound = module_names(tree)


def parses(data: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(imports.source_text(data))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def fast_path(data: bytes) -> imports._Found:
    """The line scan alone, without the `ast` fallback `scan` takes on a doubt."""
    return imports._Source(imports.source_text(data)).scan()


def check_agrees(data: bytes, *, fast: bool = True) -> ModuleScan:
    """`scan` says what the reference says (bound: at least); the line scan
    alone, too, when it is sure (and it must be when ``fast``)."""
    expected, found = Expected(data), scan(data)
    assert found.imports == expected.imports
    assert found.main_block == expected.main_block
    assert expected.bound <= found.bound
    assert found.open_names or not expected.open_names
    lines = fast_path(data)
    assert lines.certain or not fast, "the line scan should be sure of this"
    if lines.certain:
        assert lines.imports == expected.imports
        assert lines.main_block == expected.main_block
    return found


def summary(data: bytes) -> list[tuple[object, ...]]:
    """(line, col, module, level, names, flags) with flags as letters:
    o(ptional) d(eferred) c(onditional) m(ain only) y (dynamic)."""
    return [
        (*record[:5], "".join(letter for letter, on in zip("odcmy", record[5:]) if on))
        for record in scan(data).imports
    ]


# --- constructs, one by one --------------------------------------------------------------

CONSTRUCTS = {
    "import": (
        "import a\nimport a.b as c, d\n",
        [(1, 1, "a", 0, (), ""), (2, 1, "a.b", 0, (), ""), (2, 1, "d", 0, (), "")],
    ),
    "from": ("from a.b import c, d as e\n", [(1, 1, "a.b", 0, ("c", "d"), "")]),
    "relative": (
        "from . import x\nfrom ..a import y\nfrom .import z\n",
        [(1, 1, "", 1, ("x",), ""), (2, 1, "a", 2, ("y",), ""), (3, 1, "", 1, ("z",), "")],
    ),
    "star": ("from a import *\n", [(1, 1, "a", 0, ("*",), "")]),
    "parenthesized": (
        "from a import (\n    b,  # why b\n    c as d,\n)\n",
        [(1, 1, "a", 0, ("b", "c"), "")],
    ),
    "future": (
        "from __future__ import annotations\nimport __future__\n",
        [(2, 1, "__future__", 0, (), "")],
    ),
    "spaced dots": ("from . . a . b import c\n", [(1, 1, "a.b", 2, ("c",), "")]),
    "try": (
        "try:\n    import a\nexcept ImportError:\n    import b\nelse:\n    import c\n"
        "finally:\n    import d\n",
        [
            (2, 5, "a", 0, (), "o"),
            (4, 5, "b", 0, (), "c"),
            (6, 5, "c", 0, (), "c"),
            (8, 5, "d", 0, (), ""),
        ],
    ),
    "try other": ("try:\n    import a\nexcept KeyError:\n    pass\n", [(2, 5, "a", 0, (), "")]),
    "try tuple": (
        "try:\n    import a\nexcept (KeyError, builtins.ModuleNotFoundError) as e:\n    pass\n",
        [(2, 5, "a", 0, (), "o")],
    ),
    "try bare": (
        "try:\n    import a\nexcept KeyError:\n    pass\nexcept:\n    pass\n",
        [(2, 5, "a", 0, (), "o")],
    ),
    "try exception": (
        "try:\n    import a\nexcept Exception:\n    pass\n",
        [(2, 5, "a", 0, (), "o")],
    ),
    "def": (
        "def f():\n    import a\nasync def g():\n    import b\n",
        [(2, 5, "a", 0, (), "d"), (4, 5, "b", 0, (), "d")],
    ),
    "class": (
        "class A:\n    import a\n    def m(self):\n        import b\n",
        [(2, 5, "a", 0, (), ""), (4, 9, "b", 0, (), "d")],
    ),
    "def in try": (
        "try:\n    def f():\n        import a\nexcept ImportError:\n    pass\n",
        [(3, 9, "a", 0, (), "d")],
    ),
    "branches": (
        "if x:\n    import a\nelif y:\n    import b\nelse:\n    import c\nfor i in j:\n"
        "    import d\nwhile k:\n    import e\n",
        [
            (2, 5, "a", 0, (), "c"),
            (4, 5, "b", 0, (), "c"),
            (6, 5, "c", 0, (), "c"),
            (8, 5, "d", 0, (), "c"),
            (10, 5, "e", 0, (), "c"),
        ],
    ),
    "main": (
        'if __name__ == "__main__":\n    import a\nelse:\n    import b\n'
        "if '__main__' == __name__:\n    import c\n",
        [(2, 5, "a", 0, (), "cm"), (4, 5, "b", 0, (), "c"), (6, 5, "c", 0, (), "cm")],
    ),
    "type checking": (
        "if TYPE_CHECKING:\n    import a\nelse:\n    import b\nif typing.TYPE_CHECKING:\n"
        "    import c\nif not TYPE_CHECKING:\n    import d\n",
        [(4, 5, "b", 0, (), "c"), (8, 5, "d", 0, (), "c")],
    ),
    "dynamic": (
        "import importlib\nm = importlib.import_module('a.b')\nn = __import__(\"c\")\n"
        "o = importlib.import_module(name)\n"
        "p = importlib.import_module('.rel', 'pkg')\nq = self.importlib.import_module('no')\n"
        "r = builtins.__import__('no')\n",
        [(1, 1, "importlib", 0, (), ""), (2, 5, "a.b", 0, (), "y"), (3, 5, "c", 0, (), "y")],
    ),
    "dynamic deferred": ("def f():\n    return __import__('a')\n", [(2, 12, "a", 0, (), "dy")]),
    "docstring": (
        '"""Example:\n\n    import not_an_import\n"""\nimport real\n\ndef f():\n'
        "    '''\nimport nor_this\n'''\n    import inner\n",
        [(5, 1, "real", 0, (), ""), (11, 5, "inner", 0, (), "d")],
    ),
    "strings and comments": (
        "x = 'import fake'  # import comment\ny = \"a # b\"; import c\n# import d\n"
        'z = f"{x}"; import e\n',
        [(2, 14, "c", 0, (), ""), (4, 13, "e", 0, (), "")],
    ),
    "quotes in quotes": (
        'x = \'"""\'\nimport a\ny = "\'\'\'"  # """\nimport b\n',
        [(2, 1, "a", 0, (), ""), (4, 1, "b", 0, (), "")],
    ),
    "one-line compounds": (
        "if x: import a\ntry: import b\nexcept ImportError: import c\nclass A: import d\n"
        "def f(): import e\nwhile x: import f; break\n",
        [
            (1, 7, "a", 0, (), "c"),
            (2, 6, "b", 0, (), "o"),
            (3, 21, "c", 0, (), "c"),
            (4, 10, "d", 0, (), ""),
            (5, 10, "e", 0, (), "d"),
            (6, 10, "f", 0, (), "c"),
        ],
    ),
    "semicolons": (
        "import a; import b\nx = 1; from c import d\n",
        [(1, 1, "a", 0, (), ""), (1, 11, "b", 0, (), ""), (2, 8, "c", 0, ("d",), "")],
    ),
    "continuations": (
        "from a \\\n    import b\nimport c, \\\n    d\nif x: \\\n    import e\n",
        [
            (1, 1, "a", 0, ("b",), ""),
            (3, 1, "c", 0, (), ""),
            (3, 1, "d", 0, (), ""),
            (6, 5, "e", 0, (), "c"),
        ],
    ),
    "decorated": ("@decorator(\n    arg,\n)\ndef f():\n    import a\n", [(5, 5, "a", 0, (), "d")]),
    "multi-line header": ("if (a and\n        b):\n    import x\n", [(3, 5, "x", 0, (), "c")]),
    "continuation less indented": (
        "def f():\n    x = [a\nfor a in b]\n    if y:\n        z = (c\nif d else e)\n"
        "        import g\n",
        [(7, 9, "g", 0, (), "dc")],
    ),
    "tabs": (
        "if x:\n\timport a\n\tif y:\n\t\timport b\n",
        [(2, 2, "a", 0, (), "c"), (4, 3, "b", 0, (), "c")],
    ),
    "form feed": (
        "\fdef f():\n    import a\n\f\nimport b\n",
        [(2, 5, "a", 0, (), "d"), (4, 1, "b", 0, (), "")],
    ),
    "unicode": (
        "import café\nx = 'é'; import b\n",
        [(1, 1, "café", 0, (), ""), (2, 10, "b", 0, (), "")],
    ),
    "nested try in def": (
        "try:\n    import a\n    def f():\n        try:\n            import b\n"
        "        except KeyError:\n            import c\nexcept ImportError:\n    pass\n",
        [(2, 5, "a", 0, (), "o"), (5, 13, "b", 0, (), "d"), (7, 13, "c", 0, (), "dc")],
    ),
}
MATCH_CONSTRUCT = (
    "match x:\n    case 1:\n        import a\n    case _: import b\n",
    [(3, 9, "a", 0, (), "c"), (4, 13, "b", 0, (), "c")],
)


def construct_cases() -> list[object]:
    cases: list[object] = [pytest.param(*case, id=name) for name, case in CONSTRUCTS.items()]
    needs_310 = pytest.mark.skipif(sys.version_info < (3, 10), reason="match: Python 3.10+")
    cases.append(pytest.param(*MATCH_CONSTRUCT, id="match", marks=needs_310))
    return cases


@pytest.mark.parametrize(("source", "expected"), construct_cases())
def test_each_construct(source: str, expected: list[tuple[object, ...]]) -> None:
    data = source.encode()
    assert summary(data) == expected
    check_agrees(data)


@pytest.mark.parametrize("form", ["lf", "crlf", "cr", "bom"])
def test_line_breaks_and_bom_change_nothing(form: str) -> None:
    source = "import a\nif x:\n    from b import (\n        c,\n    )\n"
    data = {
        "lf": source.encode(),
        "crlf": source.replace("\n", "\r\n").encode(),
        "cr": source.replace("\n", "\r").encode(),
        "bom": b"\xef\xbb\xbf" + source.encode(),
    }[form]
    assert summary(data) == [(1, 1, "a", 0, (), ""), (3, 5, "b", 0, ("c",), "c")]
    check_agrees(data)


def test_a_declared_encoding_is_read() -> None:
    data = "# -*- coding: latin-1 -*-\nx = 'é'; import b\n".encode("latin-1")
    assert summary(data) == [(2, 10, "b", 0, (), "")]
    check_agrees(data)


def test_deep_indentation() -> None:
    depth = 90  # Python's limit is 100 levels
    lines = [" " * level + "if x:" for level in range(depth)]
    data = "\n".join([*lines, " " * depth + "import deep", "import top", ""]).encode()
    assert summary(data) == [
        (depth + 1, depth + 1, "deep", 0, (), "c"),
        (depth + 2, 1, "top", 0, (), ""),
    ]
    check_agrees(data)


@pytest.mark.parametrize(
    "source",
    [
        "if (lambda: 1)() and x:\n    import a\n",
        "if lambda: 1: import a\n",
        "m = __import__('a' 'b')\n",
        "f = lambda x=__import__('a'): __import__('b')\n",
        "g = lambda: __import__('b')\n",
        "if __name__ == u'__main__':\n    import a\n",
        "try:\n    import a\nexcept (get_errors()):\n    pass\n",
        "x = (importlib).import_module('a')\n",
    ],
)
def test_what_the_lines_leave_in_doubt_is_read_by_ast(source: str) -> None:
    """Odd constructs: the line scan may doubt (then `ast` answers), and
    `scan` agrees with the reference either way."""
    check_agrees(source.encode(), fast=False)


def test_an_f_string_nesting_its_own_quotes() -> None:
    data = b'x = f"{d["\'"]}"  # \'\nimport a\n'
    if sys.version_info >= (3, 12):
        assert not fast_path(b'x = 1\nif f"{d["a"]}" == "(":\n    import a\n').certain
        check_agrees(data, fast=False)
    assert [record.module for record in scan(data).imports] == ["a"]


# --- generated modules ------------------------------------------------------------------

SIMPLE = [
    "import a",
    "import a.b as c, d",
    "from . import x",
    "from .m import (y,\n{i}    z)",
    "from n import *",
    "x = 1",
    "pass",
    "print('import fake')",
    "s = '''\n{i}import in_string\n'''",
    "x = 2  # import commented",
    "importlib.import_module('dyn.a')",
    "v = __import__('dyn_b')",
    "x = 1; import semi",
    "call(x,\n{i}  y)",
    "from p \\\n{i}    import q",
    "t = (a\n{i}if b else c)",
]
HEADERS = [
    "if x:",
    "for i in j:",
    "while k:",
    "def f():",
    "async def g():",
    "class C:",
    "with m as n:",
    "if TYPE_CHECKING:",
    'if __name__ == "__main__":',
    "if (a and\n{i}        b):",
]


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0) -> list[str]:
    """Statements at one level, compound ones holding indented blocks."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(
                ["simple", "simple", "header", "try", "if"] if depth < 3 else ["simple"]
            )
        )
        if kind == "simple":
            lines.append(draw(st.sampled_from(SIMPLE)))
        elif kind == "header":
            lines += [draw(st.sampled_from(HEADERS)), *indented(draw(blocks(depth + 1)))]
        elif kind == "try":
            handler = draw(
                st.sampled_from(
                    ["except ImportError:", "except (KeyError, OSError):", "finally:", "except:"]
                )
            )
            lines += [
                "try:",
                *indented(draw(blocks(depth + 1))),
                handler,
                *indented(draw(blocks(depth + 1))),
            ]
        else:
            lines += [
                "if x:",
                *indented(draw(blocks(depth + 1))),
                "else:",
                *indented(draw(blocks(depth + 1))),
            ]
    return lines


def indented(lines: list[str]) -> list[str]:
    return ["{i}" + line.replace("\n{i}", "\n{i}{i}") for line in lines]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    blocks(), st.sampled_from(["    ", "  ", "\t"]), st.sampled_from(["\n", "\r\n"]), st.booleans()
)
def test_generated_modules_agree_with_ast(
    lines: list[str], unit: str, end: str, bom: bool
) -> None:
    source = "\n".join(lines).replace("{i}", unit).replace("\n", end) + end
    data = (b"\xef\xbb\xbf" if bom else b"") + source.encode()
    check_agrees(data)


# --- real code ---------------------------------------------------------------------------


def stdlib_sample() -> list[Path]:
    """About 40 modules of the running Python's standard library, spread
    over it (its tests and installed packages left out), the same each run."""
    skipped = {"site-packages", "dist-packages", "test", "tests", "idle_test", "lib2to3"}
    files = []
    for folder, subfolders, names in os.walk(sysconfig.get_paths()["stdlib"]):
        subfolders[:] = sorted(name for name in subfolders if name not in skipped)
        files += [Path(folder, name) for name in sorted(names) if name.endswith(".py")]
    files = [path for path in files if path.stat().st_size < 20_000]
    return files[:: max(len(files) // 40, 1)][:40]


def test_stdlib_modules_agree_with_ast() -> None:
    sample = [path.read_bytes() for path in stdlib_sample()]
    sample = [data for data in sample if parses(data)]
    assert len(sample) >= 30
    sure = sum(fast_path(data).certain for data in sample)
    assert sure >= len(sample) - 2  # the line scan decides nearly all real modules alone
    for data in sample:
        check_agrees(data, fast=False)


# --- files that do not parse -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "import a\n<<<<<<< HEAD\nimport b\n=======\nimport c\n>>>>>>> other\nimport d\n",
            ["a", "b", "c", "d"],
        ),
        ('import a\nprint "python 2"\nimport b\ndef f():\n    import c\n', ["a", "b", "c"]),
        ("import a\nx = (1,\nimport b\ndef f():\n    import c\nimport d\n", ["a", "b", "c", "d"]),
        ('import a\nx = """never closed\nimport b\n', ["a"]),
        ("import a\n    import b\nclass\nimport c\n", ["a", "b", "c"]),
        ("from a import (b,\nimport c\n", ["a", "c"]),
    ],
    ids=[
        "merge conflict",
        "python 2",
        "unclosed bracket",
        "unclosed string",
        "bad indentation",
        "unclosed list",
    ],
)
def test_a_file_that_does_not_parse_keeps_its_imports(source: str, expected: list[str]) -> None:
    data = source.encode()
    assert not parses(data)
    assert [record.module for record in scan(data).imports] == expected
    assert syntax_problem(data) is not None


MAIN_AFTER_ERROR = (
    b'import a\nx = (\ndef f():\n    import b\nif __name__ == "__main__":\n    import c\n'
)


def test_blocks_after_an_error_are_still_told() -> None:
    found = {record.module: record for record in scan(MAIN_AFTER_ERROR).imports}
    assert found["b"].deferred
    assert found["c"].main_only


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    st.binary(max_size=400)
    | st.text(st.sampled_from(list("if:\n \t()[]'\"#\\;=ximport.from_"))).map(str.encode)
)
def test_any_bytes_give_a_result(data: bytes) -> None:
    found = scan(data)
    assert isinstance(found, ModuleScan)
    assert all(
        type(record) is Import and record.line >= 1 and record.col >= 1 for record in found.imports
    )
    assert all(type(name) is str for name in found.bound)
    problem = syntax_problem(data)
    assert problem is None or (problem.line >= 1 and problem.col >= 1 and problem.message)
    assert decode(encode(found)) == found


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\x00\nimport a\x00\nimport b\n\x00",
        b"(" * 10_000 + b"\nimport a\n",
        b"[" * 10_000 + b"]" * 10_000 + b"\nif x:\n    import b\n",
        b"import a; " * 3000 + b"\n",
        b"x = '" + b"a" * 1_000_000 + b"\nimport b\n",
        b"-" * 100_000 + b"1\nimport c\n",
        b"# coding: no-such-codec\nimport d\n",
    ],
    ids=[
        "NUL",
        "open brackets",
        "nested brackets",
        "long line",
        "huge line",
        "deep expression",
        "bad codec",
    ],
)
def test_hostile_bytes(data: bytes) -> None:
    found = scan(data)
    assert found.imports and all(record.line >= 1 for record in found.imports)
    assert syntax_problem(data) is not None or parses(data)


def assert_scans_bounded(small: bytes, large: bytes, bound: float) -> None:
    """`conftest.assert_time_bounded` for scans, after one of each to warm up."""
    scan(small), scan(large)
    assert_time_bounded(lambda: scan(small), lambda: scan(large), bound, 0.02)


@pytest.mark.parametrize(
    "unit",
    [
        b"import a\nfrom b import (c,\n    d)\n",
        b"if x:\n    import a\n" + b"    y = 1\n" * 5,
        b"class A:\n    def f(self):\n        import a\n        return 1\n",
        b"try:\n    import a\nexcept ImportError:\n    a = None\n",
        b"x = {'k': importlib.import_module('m'),\n     'j': [1,\n2]}\n",
        b'"""doc\nimport no\n"""\n',
        b"import a; " * 50 + b"\n",
        b"(" * 50 + b"\n",
    ],
    ids=[
        "statements",
        "blocks",
        "methods",
        "tries",
        "dynamic in brackets",
        "docstrings",
        "long lines",
        "open brackets",
    ],
)
def test_time_grows_linearly(unit: bytes) -> None:
    """Ten times the input costs about ten times the time, not a hundred."""
    # Large enough that a quadratic scan would stand out from a busy machine's noise.
    small = unit * (8000 // len(unit) + 1)
    large = small * 10
    assert_scans_bounded(small, large, 25)


@pytest.mark.parametrize(
    "piece", [b"import a; ", b"x = 1; import b; y = '#'; ", b"f(__import__('c'), "]
)
def test_one_long_line_scans_in_linear_time(piece: bytes) -> None:
    small, large = piece * 150 + b"\n", piece * 1500 + b"\n"
    assert_scans_bounded(small, large, 25)


def test_deep_blocks_scan_in_linear_time() -> None:
    def nested(depth: int) -> bytes:
        lines = [
            " " * level + "try:" if level % 2 else " " * level + "if x:" for level in range(depth)
        ]
        handlers = [
            " " * level + "except ImportError:\n" + " " * level + " pass"
            for level in range(depth)
            if level % 2
        ]
        return "\n".join([*lines, " " * depth + "import deep", *reversed(handlers), ""]).encode()

    assert scan(nested(40)).imports[0].optional
    small, large = nested(100), nested(1000)  # the lines grow too: 100 times the bytes
    assert_scans_bounded(small, large, 2.5 * len(large) / len(small))


# --- names, and the rest of a scan -------------------------------------------------------


def test_bound_names_cover_every_binding() -> None:
    data = (
        b"import a.b\nimport c as d\nfrom e import f, g as h\nX = 1\nY: int = 2\nZ += 3\n"
        b"(p, [q, *r]) = s\nfor i, (j, k) in t:\n    pass\nwith u as v, w as (x1, x2):\n    pass\n"
        b"try:\n    pass\nexcept E as err:\n    pass\nif (walrus := 1):\n    pass\n"
        b"def func(param=1):\n    local = 2\nasync def afunc():\n    pass\n"
        b"class Klass:\n    attribute = 3\n"
        b"__all__ = ['exported', \"other\"]\n(\n    long_a,\n    long_b,\n) = pair\n"
        b"ann: Annotated[int, Field(gt=0)] = 1\nlst: list[\n    int\n] = []\n"
    )
    bound = check_agrees(data).bound
    assert {
        "a",
        "d",
        "f",
        "h",
        "X",
        "Y",
        "Z",
        "p",
        "q",
        "r",
        "i",
        "j",
        "k",
        "v",
        "x1",
        "x2",
    } <= bound
    assert {
        "err",
        "walrus",
        "func",
        "afunc",
        "Klass",
        "exported",
        "other",
        "long_a",
        "long_b",
    } <= bound
    assert {"ann", "lst"} <= bound
    assert not {"local", "attribute", "param", "b", "e", "g", "c"} & bound


def test_names_bound_in_functions_count_with_a_global_statement() -> None:
    assert "late" not in scan(b"def f():\n    late = 1\n").bound
    assert "late" in scan(b"def f():\n    global late\n    late = 1\n").bound


def test_names_in_docstrings_and_attributes_are_not_bound() -> None:
    bound = scan(b'"""Use: x = make()"""\nobj.attr = 1\nself.other: int = 2\n').bound
    assert not {"x", "attr", "other"} & bound


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match: Python 3.10+")
def test_match_captures_are_bound() -> None:
    data = (
        b"match x:\n    case [a, *rest]:\n        pass\n    case {'k': v, **others}:\n"
        b"        pass\n    case P(q=w) as whole:\n        pass\n"
    )
    assert {"a", "rest", "v", "others", "w", "whole"} <= check_agrees(data).bound


@pytest.mark.parametrize(
    ("source", "is_open"),
    [
        ("from a import *\n", True),
        ("def __getattr__(name):\n    return name\n", True),
        ("if x:\n    def __getattr__(name):\n        return name\n", True),
        ("__getattr__, __dir__, __all__ = lazy.attach(__name__, ['a'])\n", True),
        ("globals()['x'] = 1\n", True),
        ("globals().update(x=1)\n", True),
        ("exec(code)\n", True),
        ("setattr(sys.modules[__name__], 'x', 1)\n", True),
        ("class A:\n    def __getattr__(self, name):\n        return name\n", False),
        ("import a\nx = a.execute()\n", False),
    ],
)
def test_open_names(source: str, is_open: bool) -> None:
    assert scan(source.encode()).open_names is is_open
    if is_open:
        assert not syntax_problem(source.encode())


@pytest.mark.parametrize(
    ("source", "has_main"),
    [
        ('if __name__ == "__main__":\n    main()\n', True),
        ("if __name__ == '__main__': main()\n", True),
        ('if "__main__" == __name__:\n    main()\n', True),
        (
            "try:\n    pass\nexcept KeyError:\n    pass\nelse:\n"
            '    if __name__ == "__main__":\n        main()\n',
            True,
        ),
        ('def f():\n    if __name__ == "__main__":\n        main()\n', False),
        ('x = "__main__"\nif __name__ == "__main__" and y:\n    main()\n', False),
        ('"""if __name__ == "__main__":"""\n', False),
    ],
)
def test_main_block(source: str, has_main: bool) -> None:
    assert scan(source.encode()).main_block is has_main
    check_agrees(source.encode(), fast=False)


def test_scanning_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    data = f"import os\nopen({str(marker)!r}, 'w').close()\nraise SystemExit(3)\n".encode()
    before = set(sys.modules)
    scan(data)
    syntax_problem(data)
    assert not marker.exists()
    assert set(sys.modules) - before <= {"unicodedata", "warnings"}


def test_importing_the_scanner_does_not_import_ast() -> None:
    code = "import sys, lucid_hooks.imports; print('ast' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- the cache ----------------------------------------------------------


def test_encode_decode() -> None:
    found = scan(b"try:\n    from a import b, c\nexcept ImportError:\n    pass\nX = 1\n")
    value = encode(found)
    assert _is_plain(value)
    assert decode(value) == found
    assert decode(encode(scan(b""))) == scan(b"")


RECORD = (1, 1, "a", 0, ("b",), False, False, False, False, False)
VALUE = ("imports-2", (RECORD,), frozenset({"a"}), False, False)


def changed(index: int, item: object) -> tuple[object, ...]:
    return (*VALUE[:index], item, *VALUE[index + 1 :])


def record_changed(index: int, item: object) -> tuple[object, ...]:
    return changed(1, ((*RECORD[:index], item, *RECORD[index + 1 :]),))


@pytest.mark.parametrize(
    "value",
    [
        None,
        (),
        [*VALUE],
        VALUE[:4],
        (*VALUE, None),
        changed(0, "imports-1"),  # an older layout
        changed(1, [RECORD]),
        changed(1, (RECORD[:9],)),
        record_changed(0, True),  # a bool for an int
        record_changed(4, ("b", 1)),
        record_changed(4, ["b"]),
        record_changed(9, 1),
        changed(2, {"a"}),
        changed(2, frozenset({1})),
        changed(3, 0),
        changed(4, None),
    ],
)
def test_decode_refuses_what_encode_did_not_make(value: object) -> None:
    assert decode(VALUE) is not None  # the well-formed value all these are made from
    assert decode(value) is None
