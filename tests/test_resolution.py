"""lucid_hooks.resolution, checked against real CPython interpreters (the
oracle) running layouts the tests wrote: this interpreter, and the pyenv 3.9
and 3.13 when installed. Each layout costs one interpreter process per
interpreter; the processes of one test run side by side."""

from __future__ import annotations

import ast
import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lucid_hooks.resolution import (
    BOUND,
    BYTECODE,
    COMMAND,
    DIRECTORY,
    EXTENSION,
    MISSING,
    MODULE,
    MODULE_FILE,
    NAMESPACE,
    PACKAGE,
    SCRIPT,
    SUBMODULE,
    UNKNOWN,
    AppServer,
    Flags,
    Loaders,
    Module,
    Tree,
    app_server_import,
    find_module,
    from_import,
    loader_suffixes,
    main_package,
    package_of,
    relative_target,
    sys_path,
)
from tests.conftest import assert_time_bounded, pyenv_python, write_tree


class Python(NamedTuple):
    executable: str
    version: tuple[int, int]

    @property
    def loaders(self) -> Loaders:
        return loader_suffixes(self.version)


INTERPRETERS = {
    "current": sys.executable,
    "3.9": pyenv_python("3.9"),
    "3.13": pyenv_python("3.13"),
}


@pytest.fixture(params=list(INTERPRETERS))
def python(request: pytest.FixtureRequest) -> Python:
    executable = INTERPRETERS[request.param]
    if executable is None:
        pytest.skip(f"no pyenv Python {request.param} installed")
    if request.param == "current":
        return Python(executable, (sys.version_info[0], sys.version_info[1]))
    major, minor = request.param.split(".")
    return Python(executable, (int(major), int(minor)))


def clean_env(**settings: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    return {**env, "PYTHONDONTWRITEBYTECODE": "1", **settings}


def run_all(commands: list[tuple[list[str], Path, dict[str, str]]]) -> list[tuple[int, str, str]]:
    """Run the interpreter processes side by side: (returncode, stdout, stderr)."""
    started = [
        subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for argv, cwd, env in commands
    ]
    results = []
    for process in started:
        out, err = process.communicate(timeout=60)
        results.append((process.returncode, out, err))
    return results


# --- the file tree --------------------------------------------------------------


def test_tree_answers_files_folders_and_names() -> None:
    tree = Tree(["x.py", "a/b/c.py", "a/d.py", "/app/m.py", "/top.py"])

    assert tree.is_file("a/d.py") and not tree.is_dir("a/d.py")
    assert tree.is_dir("a") and tree.is_dir("a/b") and not tree.is_file("a")
    assert tree.is_dir("") and tree.is_dir("/") and tree.is_dir("/app")
    assert not tree.is_dir("b") and not tree.is_file("a/b/c")
    assert tree.names("") == {"x.py", "a"}
    assert tree.names("a") == {"b", "d.py"}
    assert tree.names("/") == {"app", "top.py"}
    assert tree.names("/app") == {"m.py"}
    assert tree.names("nowhere") == set()
    image = Tree(["/main.py"])  # an image's root is "/", not ""
    assert image.folders == {"/"} and image.names("/") == {"main.py"}


def test_tree_is_linear_in_its_paths() -> None:
    """Ten times the paths cost at most thirty times the time: a quadratic
    tree would cost a hundred (the fastest of three each: a busy machine
    slows single runs more than the ratio). 100,000 paths take about 80 ms
    here, 14 times what 10,000 take."""

    def tree_building(count: int) -> Callable[[], object]:
        paths = [f"services/s{n % 40}/pkg{n % 9}/sub{n % 5}/module_{n}.py" for n in range(count)]
        assert Tree(paths).is_dir("services/s3/pkg3/sub3")
        return lambda: Tree(paths)

    assert_time_bounded(tree_building(10_000), tree_building(100_000), 30)


# --- finding modules, against the oracle --------------------------------------

# What importlib finds for each name, from the folders given first on
# sys.path: the spec (without loading the module itself, so that a leaf may
# be an empty `.so` or `.pyc`), else the exception `import_module` raises.
# importlib.util.find_spec is written out, and the result printed as a repr:
# importlib.util and json import re, enum and contextlib, twice the time of
# the rest of the process.
FIND_PROBE = r"""
import importlib, importlib.machinery, os, sys
root, path, compiled, *names = sys.argv[1:]
for target in filter(None, compiled.split(":")):
    import py_compile
    source = os.path.join(root, target[:-1])
    open(source, "w").close()
    py_compile.compile(source, os.path.join(root, target), doraise=True)
    os.remove(source)
sys.path[:0] = [os.path.join(root, entry) for entry in path.split(":")]
LOADERS = {"SourceFileLoader": "module", "ExtensionFileLoader": "extension",
           "SourcelessFileLoader": "bytecode"}
def relative(path):
    return path[len(root) + 1:] if path.startswith(root + "/") else path
def find_spec(name):
    if name in sys.modules:
        return sys.modules[name].__spec__
    parent = name.rpartition(".")[0]
    parent_path = importlib.import_module(parent).__path__ if parent else None
    return importlib._bootstrap._find_spec(name, parent_path)
def probe(name):
    try:
        spec = find_spec(name)
    except (ImportError, AttributeError):
        spec = None
    if spec is not None:
        locations = spec.submodule_search_locations
        if spec.origin is None:
            kind = "namespace"
        elif locations is not None:
            kind = "package"
        else:
            kind = LOADERS.get(type(spec.loader).__name__, repr(spec.loader))
        return {"kind": kind, "file": spec.origin and relative(spec.origin),
                "path": None if locations is None else [relative(p) for p in locations]}
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as error:
        return {"error": str(error)}
    except ImportError as error:
        return {"load_error": str(error)}
    return {"imported": name}
print(repr({
    "suffixes": importlib.machinery.EXTENSION_SUFFIXES,
    "results": {name: probe(name) for name in names},
}))
"""


def found_by_cpython(
    python: Python, root: Path, path: list[str], names: list[str], compiled: Collection[str]
) -> dict[str, Any]:
    # -I: no site-packages, no working directory; only the stdlib follows.
    argv = [python.executable, "-I", "-S", "-B", "-c", FIND_PROBE, str(root)]
    argv += [":".join(path), ":".join(compiled), *names]
    ((code, out, err),) = run_all([(argv, root, clean_env())])
    assert code == 0, err
    result: dict[str, Any] = ast.literal_eval(out)
    return result


def view(found: Module) -> dict[str, Any]:
    """A model's answer in the probe's terms."""
    if found.kind is None:
        return {"error": found.error}
    path = list(found.path) if found.kind in (PACKAGE, NAMESPACE) else None
    return {"kind": found.kind, "file": found.file, "path": path}


def below_compiled(
    name: str, entries: list[str], tree: Tree, loaders: Loaders, compiled: Collection[str]
) -> bool:
    """Whether a parent of ``name`` is an empty `.so` or `.pyc` (not one of
    the ``compiled`` files), which the oracle cannot load to look below it."""
    parts = name.split(".")
    for depth in range(1, len(parts)):
        parent = find_module(".".join(parts[:depth]), entries, tree, loaders)
        file = parent.file
        if file is not None and not file.endswith(".py") and file not in compiled:
            return True
        if not parent.found:
            return False
    return False


def assert_agrees(
    results: dict[str, Any],
    entries: list[str],
    tree: Tree,
    loaders: Loaders,
    compiled: Collection[str] = (),
) -> None:
    for name, oracle in results.items():
        if below_compiled(name, entries, tree, loaders, compiled):
            assert "load_error" in oracle, (name, oracle)
            continue
        assert view(find_module(name, entries, tree, loaders)) == oracle, name


def layout_files(python: Python) -> dict[str, str]:
    own_extension = python.loaders[0][0]  # .cpython-3XY-x86_64-linux-gnu.so
    return {
        # A regular package wins over a module of a later entry.
        "p0/qreg/__init__.py": "",
        "p0/qreg/sub.py": "",
        "p1/qreg.py": "",
        # A regular package wins over the module beside it...
        "p0/qboth.py": "",
        "p0/qboth/__init__.py": "",
        # ... a module over the namespace folder beside it.
        "p0/qmodns.py": "",
        "p0/qmodns/inner.py": "",
        # Namespace portions in three entries, one nested.
        "p0/qns/a.py": "",
        "p1/qns/b.py": "",
        "p2/qns/c/d.py": "",
        # A later entry's module, or regular package, wins over a portion.
        "p0/qlate/x.py": "",
        "p1/qlate.py": "",
        "p0/qlatepkg/x.py": "",
        "p1/qlatepkg/__init__.py": "",
        "p1/qlatepkg/y.py": "",
        # Loader order: extensions (own tag, abi3, bare) before source
        # before bytecode; an extension __init__ before __init__.py.
        "p0/qext.py": "",
        "p0/qext.abi3.so": "",
        "p0/qext2.so": "",
        "p0/qext2.abi3.so": "",
        f"p0/qext3{own_extension}": "",
        "p0/qext3.abi3.so": "",
        "p0/qpyc.py": "",
        "p0/qpyc.pyc": "",
        "p0/qsourceless.pyc": "",
        "p0/qinitext/__init__.abi3.so": "",
        "p0/qinitext/__init__.py": "",
        "p0/qinitpyc/m.py": "",
        # A __pycache__ pyc is no module without its source.
        "p0/qcache/__init__.py": "",
        "p0/qcache/__pycache__/m.cpython-311.pyc": "",
        # Case matters; names need not be identifiers.
        "p0/Qcase.py": "",
        "p0/2x.py": "",
        "p0/my-mod.py": "",
        # Neither a file without suffix, nor a folder called x.py or __init__.py.
        "p0/qfile": "",
        "p0/qdirpy.py/x.py": "",
        "p0/qinitdir/__init__.py/x.py": "",
        # An entry that is a file is skipped.
        "p4": "",
    }


LAYOUT_NAMES = [
    *("qboth", "qreg", "qreg.sub", "qreg.nope", "qmodns", "qmodns.inner", "qmodns.inner.deep"),
    *("qns", "qns.a", "qns.b", "qns.c", "qns.c.d", "qns.e"),
    *("qlate", "qlate.x", "qlatepkg", "qlatepkg.x", "qlatepkg.y"),
    *("qext", "qext2", "qext3", "qpyc", "qsourceless", "qinitext", "qinitext.m"),
    *("qinitpyc", "qinitpyc.m", "qcache", "qcache.m", "qcache.__pycache__"),
    *("Qcase", "qcase", "2x", "my-mod", "qfile", "qdirpy", "qdirpy.py", "qinitdir"),
    *("qinitdir.x", "qmissing", "qmissing.x", "p4"),
]
ENTRIES = ["p0", "p1", "p2", "p3", "p4"]  # p3 does not exist


def test_find_module_agrees_with_cpython(tmp_path: Path, python: Python) -> None:
    files = layout_files(python)
    write_tree(tmp_path, files)
    # A package whose __init__ is bytecode only, compiled by the oracle.
    compiled = ["p0/qinitpyc/__init__.pyc"]
    tree = Tree([*files, *compiled])

    cpython = found_by_cpython(python, tmp_path, ENTRIES, LAYOUT_NAMES, compiled)

    assert tuple(cpython["suffixes"]) == tuple(
        s for s, kind in python.loaders if kind == EXTENSION
    )
    assert_agrees(cpython["results"], ENTRIES, tree, python.loaders, compiled)

    def find(name: str) -> Module:
        return find_module(name, ENTRIES, tree, python.loaders)

    # What the layout is about, as the model (and so CPython) says it.
    assert find("qreg").file == "p0/qreg/__init__.py"
    assert (
        find("qmodns.inner").error == "No module named 'qmodns.inner'; 'qmodns' is not a package"
    )
    assert find("qns").path == ("p0/qns", "p1/qns", "p2/qns")
    assert find("qlate").file == "p1/qlate.py"
    assert find("qlatepkg.x").error == "No module named 'qlatepkg.x'"
    assert [find(n).kind for n in ("qext", "qext2", "qpyc", "qsourceless")] == [
        *(EXTENSION, EXTENSION, MODULE_FILE, BYTECODE)
    ]
    assert find("qext3").file == f"p0/qext3{python.loaders[0][0]}"
    assert find("qinitext").file == "p0/qinitext/__init__.abi3.so"
    assert find("qinitpyc.m").file == "p0/qinitpyc/m.py"
    assert find("qcache.m").missing == "qcache.m"
    assert find("qcache.__pycache__").kind == NAMESPACE
    assert find("qmissing.x").missing == "qmissing"
    assert find("qinitdir").kind == NAMESPACE
    assert find("qsourceless.x").kind == UNKNOWN


# --- generated layouts ----------------------------------------------------------

GENERATED_ENTRIES = ["p0", "p1", "p2"]
LEVELS = (("qzm", "qzn"), ("m", "n"), ("m", "n"))
SUFFIXES = (".py", ".py", ".py", ".pyc", ".abi3.so", "", "cache")
CANDIDATES = [
    ".".join(parts) for depth in range(1, 4) for parts in itertools.product(*LEVELS[:depth])
] + ["qzm.__pycache__"]


@st.composite
def layouts(draw: st.DrawFn) -> list[str]:
    """Files in a few sys.path folders, from few names, so that modules,
    packages and namespace portions of the same name meet."""
    paths: set[str] = set()
    for _ in range(draw(st.integers(1, 12))):
        depth = draw(st.integers(0, 2))
        folders = [draw(st.sampled_from(LEVELS[level])) for level in range(depth)]
        stems = LEVELS[depth] + (("__init__",) if depth else ())
        stem, suffix = draw(st.sampled_from(stems)), draw(st.sampled_from(SUFFIXES))
        leaf = f"__pycache__/{stem}.cpython-311.pyc" if suffix == "cache" else stem + suffix
        paths.add("/".join([draw(st.sampled_from(GENERATED_ENTRIES)), *folders, leaf]))
    # A path cannot be a file and a folder at once.
    folders_used = Tree(paths).folders
    return sorted(path for path in paths if path not in folders_used)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(files=layouts())
def test_generated_layouts_agree_with_cpython(
    tmp_path_factory: pytest.TempPathFactory, files: list[str]
) -> None:
    root = write_tree(tmp_path_factory.mktemp("layout"), dict.fromkeys(files, ""))
    python = Python(sys.executable, (sys.version_info[0], sys.version_info[1]))

    cpython = found_by_cpython(python, root, GENERATED_ENTRIES, CANDIDATES, ())

    assert_agrees(cpython["results"], GENERATED_ENTRIES, Tree(files), python.loaders)


# --- sys.path of invocations ------------------------------------------------------

# Printed by each entry point: sys.path up to the standard library (what
# site-packages and .pth files add comes after it), and __package__.
SHOW_PATH = """
import itertools, os, sys
stdlib = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix})
local = itertools.takewhile(lambda entry: not entry.startswith(stdlib), sys.path)
print(repr({"path": list(local), "package": __package__, "cwd": os.getcwd()}))
"""


class Invocation(NamedTuple):
    args: tuple[str, ...]
    cwd: str
    env: dict[str, str]
    kind: str
    target: str
    flags: Flags = Flags()
    is_package: bool = False
    since: tuple[int, int] = (3, 9)


PP = "pp::rel/../pp:/abs:pp"  # relative, empty and repeated entries
INVOCATIONS = [
    Invocation(("real/x.py",), "", {}, SCRIPT, "real/x.py"),
    Invocation(("x.py",), "real", {}, SCRIPT, "x.py"),
    Invocation(("../sub/y.py",), "pp", {"PYTHONPATH": "../real"}, SCRIPT, "../sub/y.py"),
    Invocation(("sub/link.py",), "", {}, SCRIPT, "sub/link.py"),
    Invocation(("linkdir/x.py",), "", {}, SCRIPT, "linkdir/x.py"),
    Invocation(("-m", "a.b"), "", {"PYTHONPATH": PP}, MODULE, "a.b"),
    Invocation(("-m", "x"), "linkdir", {}, MODULE, "x"),  # a symlinked directory
    Invocation(("-S", "-m", "a.b"), "", {"PYTHONPATH": PP}, MODULE, "a.b", Flags(no_site=True)),
    Invocation(("-m", "a"), "", {"PYTHONPATH": ""}, MODULE, "a", is_package=True),
    Invocation(("-c", SHOW_PATH), "pp", {"PYTHONPATH": "../real:"}, COMMAND, ""),
    Invocation(("-c", SHOW_PATH), "linkdir", {"PYTHONPATH": "."}, COMMAND, ""),
    Invocation(
        ("-I", "-c", SHOW_PATH), "", {"PYTHONPATH": "pp"}, COMMAND, "", Flags(isolated=True)
    ),
    Invocation(("d",), "", {"PYTHONPATH": "pp"}, DIRECTORY, "d"),
    Invocation(("-I", "d"), "", {}, DIRECTORY, "d", Flags(isolated=True)),
    Invocation(
        ("real/x.py",),
        "",
        {"PYTHONSAFEPATH": "1"},
        SCRIPT,
        "real/x.py",
        Flags(safe_path_env=True),
    ),
    Invocation(
        ("-E", "real/x.py"),
        "",
        {"PYTHONSAFEPATH": "1", "PYTHONPATH": "pp"},  # both unread
        SCRIPT,
        "real/x.py",
        Flags(ignore_environment=True, safe_path_env=True),
    ),
    Invocation(
        ("-P", "-m", "a.b"),
        "",
        {"PYTHONPATH": ".:pp"},  # without its first entry, a/ is found through "."
        MODULE,
        "a.b",
        Flags(safe_path=True),
        since=(3, 11),
    ),
]


def invocation_layout(root: Path) -> None:
    write_tree(
        root,
        {
            "real/x.py": SHOW_PATH,
            "sub/y.py": SHOW_PATH,
            "a/__init__.py": "",
            "a/b.py": SHOW_PATH,
            "a/__main__.py": SHOW_PATH,
            "d/__main__.py": SHOW_PATH,
            "pp/keep": "",
        },
    )
    (root / "sub/link.py").symlink_to("../real/x.py")
    (root / "linkdir").symlink_to("real")


def test_sys_path_agrees_with_cpython(tmp_path: Path, python: Python) -> None:
    root = tmp_path.resolve()
    invocation_layout(root)
    cases = [case for case in INVOCATIONS if python.version >= case.since]
    commands = [
        ([python.executable, "-s", *case.args], root / case.cwd, clean_env(**case.env))
        for case in cases
    ]

    for case, (code, out, err) in zip(cases, run_all(commands)):
        assert code == 0, (case.args, err)
        shown = ast.literal_eval(out)
        # "" and (-S, before 3.11) relative entries are read against the cwd.
        entries = [os.path.normpath(os.path.join(shown["cwd"], entry)) for entry in shown["path"]]
        cwd = str(root / case.cwd) if case.cwd else str(root)
        pythonpath = case.env.get("PYTHONPATH")
        model = sys_path(
            case.kind,
            case.target,
            cwd,
            pythonpath,
            case.flags,
            version=python.version,
            realpath=os.path.realpath,
        )
        assert list(model) == entries, case.args
        assert main_package(case.kind, case.target, is_package=case.is_package) == shown["package"]


def test_safe_path_option_is_unknown_before_311(tmp_path: Path, python: Python) -> None:
    if python.version >= (3, 11):
        pytest.skip("-P exists")
    ((code, _, err),) = run_all([([python.executable, "-P", "-c", "pass"], tmp_path, clean_env())])

    assert code == 2
    assert "nknown option" in err and "-P" in err


def test_sys_path_rules() -> None:
    # Repo-relative and image paths alike.
    assert sys_path(SCRIPT, "services/a/main.py", "") == ("services/a",)
    assert sys_path(SCRIPT, "main.py", "/app", "/app/lib:src") == (
        "/app",
        "/app/lib",
        "/app/src",
    )
    assert sys_path(MODULE, "a.b", "/app", ":") == ("/app", "/app")
    assert sys_path(MODULE, "a.b", "/app", "") == ("/app",)  # empty is unset
    assert sys_path(MODULE, "a.b", "/app", "x", Flags(safe_path=True), version=(3, 10)) == (
        "/app",
        "/app/x",
    )
    assert sys_path(COMMAND, "", "/app", "x", Flags(isolated=True)) == ()


# --- app servers --------------------------------------------------------------


def test_uvicorn_puts_its_app_dir_first() -> None:
    tree = Tree(["/app/main.py"])
    base = ("/venv/bin",)  # the console script's folder

    loaded = app_server_import(AppServer("uvicorn", "main:app"), base, "/app", tree)
    assert loaded == ("main", "app", ("/app", "/venv/bin"), "/app", None)
    in_src = app_server_import(AppServer("uvicorn", "a.b:app", app_dir="src"), base, "/app", tree)
    assert in_src.sys_path == ("/app/src", "/venv/bin")
    assert app_server_import(AppServer("uvicorn", "main"), base, "/app", tree).error == (
        'Import string "main" must be in format "<module>:<attribute>".'
    )


def test_gunicorn_changes_directory_then_adds_pythonpath() -> None:
    tree = Tree(["/app/src/a/b.py"])
    server = AppServer("gunicorn", "a.b:app", chdir="src", pythonpath="lib,vendor")

    loaded = app_server_import(server, ("/venv/bin",), "/app", tree)

    assert loaded.sys_path == ("/app/src/vendor", "/app/src/lib", "/app/src", "/venv/bin")
    assert (loaded.module, loaded.attribute, loaded.cwd) == ("a.b", "app", "/app/src")
    # The folder already on sys.path (PYTHONPATH=/app) is not moved first.
    plain = app_server_import(AppServer("gunicorn", "wsgi"), ("/venv/bin", "/app"), "/app", tree)
    assert plain.sys_path == ("/venv/bin", "/app")
    assert plain.attribute == "application"


def test_hypercorn_imports_the_last_part_of_a_path() -> None:
    tree = Tree(["/app/src/main.py", "/app/a/b.py"])
    base = ("/venv/bin",)

    def load(app: str) -> tuple[str, str, tuple[str, ...]]:
        loaded = app_server_import(AppServer("hypercorn", app), base, "/app", tree)
        return loaded.module, loaded.attribute, loaded.sys_path

    assert load("a.b:app") == ("a.b", "app", ("/app", "/venv/bin"))
    assert load("src/main:api") == ("main", "api", ("/app/src", "/venv/bin"))
    assert load("src/main.py:api") == ("main", "api", ("/app/src", "/venv/bin"))
    assert load("asgi:a.b:app") == ("a.b", "app", ("/app", "/venv/bin"))
    assert load("a.b") == ("a.b", "app", ("/app", "/venv/bin"))


# --- relative imports, against the oracle -------------------------------------

# Each module resolves these relative imports as its own statement would
# (`__import__` with its globals is what `from ..m import x` compiles to).
RELATIVE_PROBE = """
def _probe(module, level):
    try:
        return {"name": __import__(module, globals(), None, ["__name__"], level).__name__}
    except ImportError as error:
        return {"error": f"{type(error).__name__}: {error}"}
print(repr({"module": __name__, "package": __package__,
            "results": [[m, l, _probe(m, l)] for m in ("", "m") for l in (1, 2, 3)]}))
"""

RELATIVE_LAYOUT = {
    "qr/__init__.py": RELATIVE_PROBE,
    "qr/__main__.py": RELATIVE_PROBE,
    "qr/sub/__init__.py": RELATIVE_PROBE,
    "qr/sub/m.py": RELATIVE_PROBE + "import qrtop\n",
    "qrtop.py": RELATIVE_PROBE,
    "qrscript.py": RELATIVE_PROBE,
    "qrdir/__main__.py": RELATIVE_PROBE,
}
MAINS = [
    (("-m", "qr.sub.m"), MODULE, "qr.sub.m", False),
    (("-m", "qr"), MODULE, "qr", True),
    (("qrscript.py",), SCRIPT, "qrscript.py", False),
    (("qrdir",), DIRECTORY, "qrdir", False),
]


def test_relative_imports_agree_with_cpython(tmp_path: Path, python: Python) -> None:
    write_tree(tmp_path, RELATIVE_LAYOUT)
    tree = Tree(RELATIVE_LAYOUT)
    commands = [
        ([python.executable, "-E", "-s", "-S", *args], tmp_path, clean_env()) for args, *_ in MAINS
    ]
    checked = 0

    for (_, kind, target, is_package), (code, out, err) in zip(MAINS, run_all(commands)):
        assert code == 0, err
        for line in out.splitlines():
            shown = ast.literal_eval(line)
            if shown["module"] == "__main__":
                package = main_package(kind, target, is_package=is_package)
            else:
                found = find_module(shown["module"], [""], tree)
                package = package_of(found.name, is_package=found.kind == PACKAGE)
            assert package == shown["package"], shown["module"]
            for module, level, oracle in shown["results"]:
                expected = relative_target(module, level, package)
                if expected.error is not None:
                    assert oracle == {"error": f"ImportError: {expected.error}"}
                elif "error" in oracle:
                    assert (
                        oracle["error"]
                        == f"ModuleNotFoundError: No module named {expected.name!r}"
                    )
                else:
                    assert oracle == {"name": expected.name}
                checked += 1
    assert checked == 9 * 6  # qr twice, qr.sub, qr.sub.m, qrtop, four __main__


def test_relative_target_rules() -> None:
    assert relative_target("x", 1, "a.b") == ("a.b.x", None)
    assert relative_target("", 2, "a.b") == ("a", None)
    assert relative_target("x", 0, None) == ("x", None)
    assert (
        relative_target("x", 3, "a.b").error
        == "attempted relative import beyond top-level package"
    )
    assert (
        relative_target("x", 1, "").error
        == "attempted relative import with no known parent package"
    )
    assert package_of("a.b", is_package=True) == "a.b"
    assert package_of("main", is_package=False) == ""  # uvicorn main:app


# --- from a import b, against the oracle ------------------------------------

FROM_LAYOUT = {
    "qf/__init__.py": "bound = 1\nfrom . import c\nshadow = 1\n",
    "qf/c.py": "",
    "qf/sub.py": "",
    "qf/shadow.py": "",
    "qfmod.py": "x = 1\n",
    "qfmod/y.py": "",
    "qfns/z.py": "",
    "qfstar/__init__.py": "from qfmod import *\n",
    "qfstar/s.py": "",
}
# What a scanner says each module binds; qfstar's star import leaves it open.
BOUND_NAMES = {"qf": {"bound", "c", "shadow"}, "qfmod": {"x"}, "qfns": set(), "qfstar": set()}
FROM_STATEMENTS = [
    *(("qf", "bound"), ("qf", "c"), ("qf", "sub"), ("qf", "shadow"), ("qf", "nope")),
    *(("qf", "__path__"), ("qfmod", "x"), ("qfmod", "y"), ("qfmod", "__cached__")),
    *(("qfns", "z"), ("qfns", "w"), ("qfns", "__file__"), ("qfns", "__path__")),
    *(("qfstar", "s"), ("qfstar", "x"), ("qfstar", "nope")),
]
FROM_PROBE = r"""
import sys
root = sys.argv[1]
sys.path.insert(0, root)
def probe(module, name):
    try:
        scope = {}
        exec(f"from {module} import {name} as value", scope)
    except ImportError as error:
        return {"error": f"{type(error).__name__}: {str(error).replace(root + '/', '')}"}
    value = scope["value"]
    return {"module": value.__name__} if isinstance(value, type(sys)) else {"attribute": 1}
print(repr([probe(*statement.split(":")) for statement in sys.argv[2:]]))
"""


def test_from_import_agrees_with_cpython(tmp_path: Path, python: Python) -> None:
    write_tree(tmp_path, FROM_LAYOUT)
    tree = Tree(FROM_LAYOUT)
    argv = [python.executable, "-I", "-S", "-B", "-c", FROM_PROBE, str(tmp_path)]
    statements = [f"{module}:{name}" for module, name in FROM_STATEMENTS]
    ((code, out, err),) = run_all([([*argv, *statements], tmp_path, clean_env())])
    assert code == 0, err
    kinds = []

    for (module, name), oracle in zip(FROM_STATEMENTS, ast.literal_eval(out)):
        parent = find_module(module, [""], tree)
        got = from_import(parent, name, BOUND_NAMES[module], tree, open_names=module == "qfstar")
        kinds.append(got.kind)
        if got.kind == BOUND:
            assert "error" not in oracle, (module, name)
        elif got.kind == SUBMODULE:
            assert got.submodule is not None
            assert oracle == {"module": got.submodule.name}
        elif got.kind == MISSING:
            assert oracle == {"error": f"ImportError: {got.error}"}
    # CPython takes the attribute `shadow` over the submodule qf/shadow.py.
    assert ast.literal_eval(out)[FROM_STATEMENTS.index(("qf", "shadow"))] == {"attribute": 1}
    assert kinds == [
        *(BOUND, BOUND, SUBMODULE, BOUND, MISSING, BOUND, BOUND, MISSING, BOUND),
        *(SUBMODULE, MISSING, BOUND, BOUND, SUBMODULE, UNKNOWN, UNKNOWN),
    ]


def test_from_import_of_compiled_modules_is_unknown() -> None:
    tree = Tree(["fast.abi3.so", "old/__init__.pyc", "old/m.py"])

    fast = find_module("fast", [""], tree)
    assert from_import(fast, "x", set(), tree).kind == UNKNOWN
    old = find_module("old", [""], tree)
    assert from_import(old, "m", set(), tree).kind == SUBMODULE
    assert from_import(old, "x", set(), tree).kind == UNKNOWN
    missing = find_module("nope", [""], tree)
    assert from_import(missing, "x", set(), tree) == (MISSING, None, "No module named 'nope'")
