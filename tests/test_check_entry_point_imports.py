from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lucid_hooks.check_entry_point_imports import RULES, main
from tests.conftest import git, init_repo, write_tree

# Run by the oracle: every module the tests write only imports and assigns.
ORACLE = """
import json, runpy, sys
kind, target = sys.argv[1], sys.argv[2]
sys.argv = [target]
try:
    if kind == "script":
        runpy.run_path(target, run_name="__main__")
    else:
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    outcome = "ok"
except SyntaxError:
    outcome = "SyntaxError"
except ImportError as error:
    outcome = type(error).__name__
print(json.dumps(outcome))
"""


def oracle(
    root: Path, kind: str, target: str, cwd: str = "", pythonpath: str | None = None
) -> str:
    """What CPython says when the entry point starts: "ok", or the error.
    (runpy sets sys.path[0] as `python x.py` and `python -m` do: the
    script's folder, or the working directory; ``pythonpath`` is the
    variable's value, else it is ignored.)"""
    folder = root / cwd
    first = str((folder / target).parent) if kind == "script" else str(folder)
    code = f"import sys; sys.path[0] = {first!r}\n{ORACLE}"
    isolation = ["-E"] if pythonpath is None else []
    environment = {**os.environ, "PYTHONPATH": pythonpath or ""}
    result = subprocess.run(
        [sys.executable, *isolation, "-s", "-c", code, kind, target],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    outcome: str = json.loads(result.stdout.splitlines()[-1])
    return outcome


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    return code, capsys.readouterr().out.splitlines()


def codes(lines: list[str]) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in lines if ": LH" in line]


def test_script_style_service_is_clean(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        repo,
        {
            "svc/main.py": "from routes import router\nimport config\n",
            "svc/routes.py": "router = 1\n",
            "svc/config.py": "",
        },
    )
    init_repo(repo)
    assert oracle(repo, "script", "svc/main.py") == "ok"
    assert run(capsys, ".") == (0, [])


def test_local_module_not_on_the_scripts_sys_path(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "svc/main.py": '"""Billing."""\n\nfrom libs.money import cents\n',
            "libs/__init__.py": "",
            "libs/money.py": "cents = 100\n",
        },
    )
    init_repo(repo)
    assert oracle(repo, "script", "svc/main.py") == "ModuleNotFoundError"
    code, out = run(capsys, ".")
    assert code == 1
    assert out == [
        "svc/main.py:3:1: LH201 No module named 'libs' (the repository has it at libs/),"
        " for assumed `python main.py` in svc/ (set `entry-points` if not)"
    ]


def test_relative_import_in_a_script(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"tool/main.py": "from .helpers import x\n", "tool/helpers.py": "x = 1\n"})
    init_repo(repo)
    assert oracle(repo, "script", "tool/main.py") == "ImportError"
    code, out = run(capsys, ".")
    assert code == 1
    assert codes(out) == ["LH203"]
    assert "attempted relative import with no known parent package" in out[0]


def test_name_missing_from_a_package_module(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "pkg/__init__.py": "",
            "pkg/main.py": "from pkg.sub import thing, other\n",
            "pkg/sub.py": "thing = 1\n",
        },
    )
    init_repo(repo)
    assert oracle(repo, "module", "pkg.main") == "ImportError"
    code, out = run(capsys, ".")
    assert code == 1
    assert out == [
        "pkg/main.py:1:1: LH202 cannot import name 'other' from 'pkg.sub' (pkg/sub.py),"
        " for assumed `python -m pkg.main` from ./"
    ]


def test_syntax_error_in_a_reached_module(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        repo,
        {
            "svc/main.py": "import rates\n",
            "svc/rates.py": "import os\n<<<<<<< HEAD\nRATE = 3\n=======\nRATE = 4\n>>>>>>> x\n",
        },
    )
    init_repo(repo)
    assert oracle(repo, "script", "svc/main.py") == "SyntaxError"
    code, out = run(capsys, ".")
    assert code == 1
    assert codes(out) == ["LH205"]
    assert out[0].startswith("svc/rates.py:2:")


def test_optional_and_deferred_imports(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        repo,
        {
            "svc/main.py": (
                "try:\n    import fastjson_local\nexcept ImportError:\n    fastjson_local = None\n"
                "\n\ndef later():\n    from helpers import gone\n"
            ),
            "svc/helpers.py": "present = 1\n",
            "lib/fastjson_local.py": "",
        },
    )
    init_repo(repo)
    assert oracle(repo, "script", "svc/main.py") == "ok"
    code, out = run(capsys, ".")
    assert code == 1
    assert out == [
        "svc/main.py:8:5: LH202 cannot import name 'gone' from 'helpers' (svc/helpers.py)"
        " when the function runs, for assumed `python main.py` in svc/"
    ]


def test_console_script_whose_module_is_missing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "tools/pyproject.toml": (
                '[project]\nname = "t"\n[project.scripts]\nt = "tool.cli:main"\n'
            ),
            "tools/src/tool/__init__.py": "",
        },
    )
    init_repo(repo)
    code, out = run(capsys, ".")
    assert code == 1
    assert codes(out) == ["LH204"]
    assert out[0].startswith("tools/pyproject.toml:4:1: LH204 no module `tool.cli`")


def test_script_line_starts_an_entry_point(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        repo,
        {
            "scripts/run.sh": "#!/bin/sh\ncd services && exec python -m api.app\n",
            "services/api/__init__.py": "",
            "services/api/app.py": "from api.routes import router\n",
        },
    )
    init_repo(repo)
    assert oracle(repo, "module", "api.app", cwd="services") == "ModuleNotFoundError"
    code, out = run(capsys, ".")
    assert code == 1
    assert out == [
        "services/api/app.py:1:1: LH201 No module named 'api.routes', for line 2 of scripts/run.sh"
    ]


def test_only_entry_points_touching_the_passed_files(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "a/main.py": "from d import gone_a\n",
            "b/main.py": "import helper\n",
            "b/helper.py": "from c.missing_b import x\n",
            "c/missing_b.py": "",
            "d/gone_a.py": "",
        },
    )
    init_repo(repo)
    _, whole = run(capsys, ".")
    assert codes(whole) == ["LH201", "LH201"]
    _, one = run(capsys, "b/helper.py")
    assert one == [line for line in whole if line.startswith("b/")]
    assert run(capsys, "d/gone_a.py") == (0, [])


def test_every_rule_has_an_example() -> None:
    for rule in RULES:
        assert rule.bad and rule.good and len(rule.explanation) > 200


def test_a_warm_run_says_what_a_cold_one_says_and_sees_edits(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "svc/main.py": "from helpers import gone\n",
            "svc/helpers.py": "present = 1\n",
            "svc/Dockerfile": (
                'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "main.py"]\n'
            ),
        },
    )
    init_repo(repo)
    uncached = run(capsys, "--no-cache", ".")
    assert codes(uncached[1]) == ["LH202"]
    assert run(capsys, ".") == uncached  # cold: fills the cache
    assert run(capsys, ".") == uncached  # warm
    (repo / "svc/helpers.py").write_text("gone = 1\n")
    assert run(capsys, ".") == (0, [])
    (repo / "svc/helpers.py").write_text("present = 1\n")
    assert run(capsys, ".") == uncached


def test_deleting_a_module_checks_its_importers(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"svc/main.py": "import helpers\n", "svc/helpers.py": ""})
    init_repo(repo)
    assert run(capsys) == (0, [])
    git(repo, "rm", "-q", "svc/helpers.py")
    code, out = run(capsys)
    assert code == 1
    assert codes(out) == ["LH201"]


def test_vendored_and_special_names_are_not_local(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only a module directly in a folder an entry point could run from is
    local: not a package vendored inside another (`pip/_vendor/pygments/`),
    a stub-only folder or a tool's folder named like a third-party package;
    `import __main__` always works."""
    write_tree(
        repo,
        {
            "tool/main.py": (
                "import pygments\nimport __main__\nimport boto3\nimport redis\n"
                "import shared.util\n"
            ),
            "pip/__init__.py": "",
            "pip/_vendor/__init__.py": "",
            "pip/_vendor/pygments/__init__.py": "",
            "typings/boto3/__init__.pyi": "",
            "ops/scripts/redis/flush.py": "",
            "shared/util.py": "",
        },
    )
    init_repo(repo)
    code, out = run(capsys, ".")
    assert code == 1
    assert out == [
        "tool/main.py:5:1: LH201 No module named 'shared' (the repository has it at shared/),"
        " for assumed `python main.py` in tool/ (set `entry-points` if not)"
    ]


def test_a_namespace_folder_with_a_main_runs_as_a_module(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "tool/__main__.py": "from tool.helper import run\nfrom tool.helper import gone\n",
            "tool/helper.py": "run = 1\n",
        },
    )
    init_repo(repo)
    assert oracle(repo, "module", "tool") == "ImportError"
    code, out = run(capsys, ".")
    assert code == 1
    assert out == [
        "tool/__main__.py:2:1: LH202 cannot import name 'gone' from 'tool.helper'"
        " (tool/helper.py), for assumed `python -m tool` from ./"
    ]


def test_conditional_imports_and_namespace_folders_named_like_packages(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An import under `if sys.version_info`/`sys.platform` may never run;
    a folder without `__init__.py` named like an installed package
    (Alembic's `alembic/`) is one portion of a namespace the installed
    package wins: neither is a broken import."""
    write_tree(
        repo,
        {
            "api/main.py": (
                "import sys\nif sys.platform == 'win32':\n    from api_win import console\n"
                "from alembic.config import Config\n"
            ),
            "api/alembic/env.py": "",
            "api_win/__init__.py": "",
        },
    )
    init_repo(repo)
    assert run(capsys, ".") == (0, [])


def test_scripts_run_where_they_are_run_from(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """make runs a Makefile's recipes in its folder; a shell script's `cd`
    lines move the lines after them; a compose file's `command:` runs in
    its container and a CI file with a `working-directory` elsewhere: those
    two are not read as runs from the repository root."""
    write_tree(
        repo,
        {
            "services/api/Makefile": "run:\n\tpython main.py\n",
            "services/api/run.sh": '#!/bin/sh\ncd "$(dirname "$0")"\nexec python main.py\n',
            "services/api/main.py": "import routes\n",
            "services/api/routes.py": "",
            "scripts/start.sh": "#!/bin/sh\ncd services/api\npython gone.py\n",
            "compose.yaml": "services:\n  api:\n    command: python main.py\n",
            ".github/workflows/ci.yml": (
                "jobs:\n  t:\n    defaults:\n      run:\n        working-directory: services/api\n"
                "    steps:\n      - run: python main.py\n"
            ),
        },
    )
    init_repo(repo)
    code, out = run(capsys, ".")
    assert code == 1
    assert [line.split(": ")[0] + " " + line.split(": ")[1][:5] for line in out] == [
        "scripts/start.sh:3:1 LH204"
    ]


def test_code_that_edits_sys_path_and_code_for_a_newer_python(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After `sys.path.insert(...)` any module may be importable; code that
    runs on a newer Python than the hook's is not judged by the hook's
    grammar."""
    write_tree(
        repo,
        {
            "scripts/seed.py": (
                "import sys\nsys.path.insert(0, 'somewhere')\nfrom app.db import engine\n"
            ),
            "scripts/run.sh": "python scripts/seed.py\n",
            "app/db.py": "",
            "svc/main.py": "import generic\n",
            "svc/generic.py": "def first[T](items: list[T]) -> T:\n    return items[0]\n",
            "svc/Dockerfile": (
                'FROM python:3.99-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "main.py"]\n'
            ),
        },
    )
    init_repo(repo)
    assert run(capsys, ".") == (0, [])


# --- generated layouts against CPython -------------------------------------------

NAMES = ("alpha", "beta")
STATEMENTS = (
    "import {a}",
    "import {a}.{b}",
    "from {a} import {b}",
    "from {a} import value",
    "from {a}.{b} import value",
)


@st.composite
def layouts(draw: st.DrawFn) -> tuple[dict[str, str], str, bool]:
    """A repository of a few top-level modules and packages, and a `main.py`
    beside them with one import; whether the hook must decide it: not when
    the top-level name is none of the repository's (a third-party module,
    for another hook) or is a namespace package (an installed distribution
    could provide what is missing below it)."""
    files: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for name in NAMES:
        kind = draw(st.sampled_from(("module", "package", "namespace", "absent")))
        kinds[name] = kind
        body = "value = 1\n" if draw(st.booleans()) else ""
        if kind == "module":
            files[f"{name}.py"] = body
        elif kind in ("package", "namespace"):
            if kind == "package":
                files[f"{name}/__init__.py"] = body
            for sub in NAMES:
                if draw(st.booleans()):
                    files[f"{name}/{sub}.py"] = "value = 1\n" if draw(st.booleans()) else ""
            files.setdefault(f"{name}/README.md", "")  # a namespace folder needs a file
    a, b = draw(st.sampled_from(NAMES)), draw(st.sampled_from(NAMES))
    statement = draw(st.sampled_from(STATEMENTS)).format(a=a, b=b)
    files["main.py"] = statement + "\n"
    return files, statement, kinds[a] in ("module", "package")


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(layout=layouts())
def test_generated_layouts_agree_with_cpython(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    layout: tuple[dict[str, str], str, bool],
) -> None:
    """The hook reports an import only when CPython fails to run it, and
    whenever it fails below one of the repository's modules or packages."""
    files, statement, decidable = layout
    root = write_tree(tmp_path_factory.mktemp("generated") / "repo", files)
    monkeypatch.chdir(root)  # no git: the hook reads the files on disk
    fails = oracle(root, "script", "main.py") != "ok"
    code, out = run(capsys, ".")
    reported = code == 1 and bool(out)
    assert not reported or fails, (statement, files, out)
    if decidable:
        assert reported == fails, (statement, files, out)


def test_the_main_block_of_the_entry_point_is_checked(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "svc/main.py": 'if __name__ == "__main__":\n    from libs import gone\n',
            "libs/x.py": "",
        },
    )
    init_repo(repo)
    assert oracle(repo, "script", "svc/main.py") == "ModuleNotFoundError"
    code, out = run(capsys, ".")
    assert code == 1
    assert codes(out) == ["LH201"]


# --- LH403 modules that sys.path shadows --------------------------------------

SHADOWS_LOGGING = "hides the standard library's `logging`: its imports find this file; rename it"
IN_VM = "for assumed `python main.py` in vm/ (set `entry-points` if not)"


def imported_from(root: Path, argv: list[str], cwd: str, pythonpath: str = "") -> str:
    """What a real interpreter prints when it runs ``python *argv`` in
    ``root/cwd`` with ``PYTHONPATH`` (folders of ``root``, ``:``-separated):
    the test's modules print the file each import found, as a repo path."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    if pythonpath:
        env["PYTHONPATH"] = ":".join(str(root / entry) for entry in pythonpath.split(":"))
    result = subprocess.run(
        [sys.executable, "-s", "-B", *argv],
        cwd=root / cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(result.stdout.strip()).resolve().relative_to(root.resolve()).as_posix()


def test_cpython_imports_the_module_that_shadows(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The oracle: `python main.py` imports the `logging.py` beside it, not
    the standard library's; of two `PYTHONPATH` folders holding `m.py`, the
    first wins. The hook reports the shadowing file and the hidden one."""
    write_tree(
        repo,
        {
            "vm/main.py": "import logging\nprint(logging.__file__)\n",
            "vm/logging.py": "",
            "run/main.py": "import m\nprint(m.__file__)\n",
            "first/m.py": "",
            "second/m.py": "",
            "Dockerfile": (
                "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                "ENV PYTHONPATH=/app/first:/app/second\n"
                'CMD ["python", "run/main.py"]\n'
            ),
        },
    )
    init_repo(repo)

    assert imported_from(repo, ["main.py"], "vm") == "vm/logging.py"
    assert imported_from(repo, ["run/main.py"], "", "first:second") == "first/m.py"
    code, out = run(capsys, ".")
    assert code == 1
    assert out == [
        "second/m.py:1:1: LH403 hidden by `first/m.py`, earlier on sys.path: `import m` never"
        " finds this file; rename one, for the command of Dockerfile",
        f"vm/logging.py:1:1: LH403 {SHADOWS_LOGGING}, {IN_VM}",
    ]


def test_stdlib_shadowing_where_the_entry_point_runs(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the folders an entry point really has first on sys.path count.
    (Moved from check-duplicate-modules, which guessed from the folder: it
    reported `pkg/logging.py`, `tool/types/` and `script/distutils.py` too.)"""
    write_tree(
        repo,
        {
            "vm/main.py": "import logging\n",
            "vm/logging.py": "def setup():\n    pass\n",
            "vm/tomllib.py": "L = 1\n",
            "vm/types/__init__.py": "T = 1\n",
            "vm/queue/README.md": "",  # a namespace folder: the standard library's wins
            "vm/time.py": "NOW = 0\n",  # built in: cannot be shadowed
            "vm/os.py": "SEP = '/'\n",  # imported at start-up: cannot be shadowed
            "vm/this.py": "ZEN = 1\n",  # nobody imports it from the standard library
            "vm/helpers/queue.py": "Q = 1\n",  # not on sys.path: vm.helpers.queue
            # `python -m pkg.main` from ./: `import logging` is the standard library's.
            "pkg/__init__.py": "",
            "pkg/main.py": "import logging\n",
            "pkg/logging.py": "X = 1\n",
            # `python -m tool` from ./ puts ./ first, not tool/.
            "tool/__main__.py": "print(1)\n",
            "tool/types/__init__.py": "T = 1\n",
            # A module with a __main__ block that nothing starts is no entry point.
            "script/run_me.py": 'if __name__ == "__main__":\n    print(1)\n',
            "script/distutils.py": "D = 1\n",
            "library/queue.py": "Q = 2\n",  # no entry point in library/
        },
    )
    init_repo(repo)

    code, out = run(capsys, ".")

    assert code == 1
    assert out == [
        f"vm/logging.py:1:1: LH403 {SHADOWS_LOGGING}, {IN_VM}",
        "vm/tomllib.py:1:1: LH403 hides the standard library's `tomllib` (Python 3.11 and"
        f" later): its imports find this file; rename it, {IN_VM}",
        "vm/types/__init__.py:1:1: LH403 hides the standard library's `types`: its imports"
        f" find this file; rename it, {IN_VM}",
    ]


def test_only_the_standard_library_of_the_images_python_counts(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python 3.10 has no `tomllib` and 3.12 no `distutils`."""
    dockerfile = 'FROM python:3.{}-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "main.py"]\n'
    layout = {"main.py": "print(1)\n", "tomllib.py": "", "distutils/__init__.py": ""}
    write_tree(repo, {f"old/{path}": text for path, text in layout.items()})
    write_tree(repo, {f"new/{path}": text for path, text in layout.items()})
    write_tree(
        repo, {"old/Dockerfile": dockerfile.format(10), "new/Dockerfile": dockerfile.format(12)}
    )
    init_repo(repo)

    code, out = run(capsys, ".")

    assert code == 1
    assert [(line.split(":")[0], line.split(", for ")[1]) for line in out] == [
        ("new/tomllib.py", "the command of new/Dockerfile"),
        ("old/distutils/__init__.py", "the command of old/Dockerfile"),
    ]


def test_a_shadowing_file_alone_checks_the_entry_points_it_shadows_for(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under pre-commit, a commit of the shadowing module alone, imported or
    not, or of the entry point alone, prints the line of a run over all."""
    write_tree(
        repo,
        {
            "main.py": "import json\n",
            "json.py": "X = 1\n",
            "queue.py": "Q = 1\n",  # imported by nothing here, by the libraries maybe
            "cli.py": "if __name__ == '__main__':\n    pass\n",  # not an entry point
            "unrelated.txt": "",
        },
    )
    init_repo(repo)
    code, whole = run(capsys, ".")
    assert code == 1
    assert [line.split(": ")[0] for line in whole] == ["json.py:1:1", "queue.py:1:1"]

    assert run(capsys, "json.py") == (1, whole)
    assert run(capsys, "queue.py") == (1, whole)
    assert run(capsys, "main.py") == (1, whole)
    assert run(capsys, "cli.py") == (0, [])
    assert run(capsys, "unrelated.txt") == (0, [])


def test_a_module_hidden_by_an_earlier_folder_of_sys_path(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Of the names the entry point imports, a module or regular package in
    a later folder than the one `import` finds is never imported. Not a
    namespace folder (portions merge, and a later module beats them), not a
    name nobody imports, and not two services each with its own `config.py`
    on its own sys.path."""
    write_tree(
        repo,
        {
            "svc/Dockerfile": (
                "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                'ENV PYTHONPATH=/app/libs:/app/shared\nCMD ["python", "main.py"]\n'
            ),
            "svc/main.py": "import config\nimport util\nimport helpers\nimport extra\n",
            "svc/config.py": "",
            "svc/libs/config.py": "",  # hidden by /app/config.py
            "svc/libs/util.py": "",
            "svc/shared/util/__init__.py": "",  # hidden by /app/libs/util.py
            "svc/helpers/x.py": "",  # a namespace folder: the module below wins
            "svc/libs/helpers.py": "",
            "svc/libs/extra/a.py": "",  # two namespace portions merge
            "svc/shared/extra/b.py": "",
            "svc/libs/unused.py": "",  # imported by nothing
            "svc/shared/unused.py": "",
            "billing/main.py": "import config\n",
            "billing/config.py": "",
            "ledger/main.py": "import config\n",
            "ledger/config.py": "",
        },
    )
    init_repo(repo)

    code, out = run(capsys, ".")

    assert code == 1
    assert out == [
        "svc/libs/config.py:1:1: LH403 hidden by `svc/config.py`, earlier on sys.path:"
        " `import config` never finds this file; rename one, for the command of svc/Dockerfile",
        "svc/shared/util/__init__.py:1:1: LH403 hidden by `svc/libs/util.py`, earlier on"
        " sys.path: `import util` never finds this file; rename one, for the command of"
        " svc/Dockerfile",
    ]
    assert run(capsys, "svc/libs/config.py") == (1, out)


def test_a_folder_of_scripts_and_shadows_prints_each_once(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ten scripts a Makefile runs beside ten shadowing modules: one line
    per module naming the scripts' runs, not a hundred."""
    names = ["ast", "bisect", "calendar", "cmd", "code", "csv", "glob", "json", "queue", "uuid"]
    recipe = "".join(f"\tpython run_{n}.py\n" for n in range(10))
    write_tree(
        repo,
        {
            "tools/Makefile": f"run:\n{recipe}",
            **{f"tools/run_{n}.py": f"print({n})\n" for n in range(10)},
            **{f"tools/{name}.py": f"X = {name!r}\n" for name in names},
        },
    )
    init_repo(repo)

    code, out = run(capsys, ".")

    assert code == 1
    assert len(out) == 10
    assert out[0] == (
        "tools/ast.py:1:1: LH403 hides the standard library's `ast`: its imports find this"
        " file; rename it, for line 10 of tools/Makefile, line 11 of tools/Makefile and 8 more"
    )


def test_pythonpath_a_script_line_sets(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        repo,
        {
            "shared/__init__.py": "",
            "shared/money.py": "cents = 1\n",
            "services/api/__init__.py": "",
            "services/api/app.py": "from shared.money import cents\n",
            "scripts/run.sh": "#!/bin/sh\ncd services && PYTHONPATH=.. exec python -m api.app\n",
            "scripts/bare.sh": "#!/bin/sh\ncd services\npython -m api.app\n",
        },
    )
    init_repo(repo)
    assert oracle(repo, "module", "api.app", cwd="services", pythonpath="..") == "ok"
    assert oracle(repo, "module", "api.app", cwd="services") == "ModuleNotFoundError"
    assert run(capsys, ".") == (
        1,
        [
            "services/api/app.py:1:1: LH201 No module named 'shared' (the repository has it"
            " at shared/), for line 3 of scripts/bare.sh"
        ],
    )


CONFIGURED = """\
[tool.lucid-hooks.check-entry-point-imports]
entry-points = [{ run = "tools/report/run.py", sys-path = ["."] }, "-m tools.report.run"]
"""


def test_configured_entry_points_and_their_sys_path(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "pyproject.toml": CONFIGURED,
            "shared/__init__.py": "",
            "shared/money.py": "cents = 1\n",
            "tools/report/run.py": "from shared.money import cents\n",
        },
    )
    init_repo(repo)
    assert oracle(repo, "script", "tools/report/run.py", pythonpath=".") == "ok"
    assert oracle(repo, "module", "tools.report.run") == "ok"  # tools/ is a namespace package
    assert oracle(repo, "script", "tools/report/run.py") == "ModuleNotFoundError"
    assert run(capsys, ".") == (0, [])
    # The command line's entry points replace the configured ones.
    assert run(capsys, "--entry-point", "tools/report/run.py", ".") == (
        1,
        [
            "tools/report/run.py:1:1: LH201 No module named 'shared' (the repository has it"
            " at shared/), for configured entry point `tools/report/run.py`"
        ],
    )


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ('entry-points = [{ run = "-c pass" }]', "is not an entry point"),
        ('entry-points = [{ run = "x.py", sys-path = "src" }]', "must be a list of folders"),
        ('entry-points = [{ run = "x.py", cwd = "src" }]', "unknown key 'cwd'"),
        ('entry-points = [{ run = "x.py", sys-path = ["../up"] }]', "folders of the repository"),
        ('entry-points = [{ run = "x.py", sys-path = ["src:lib"] }]', "folders of the repository"),
        ('entry-points = "x.py"', "must be a list of entry points"),
        ('dockerfiles = { "*/Dockerfile" = "." }', "must be a table { context = folder }"),
        ('dockerfiles = { "*/Dockerfile" = { context = "../up" } }', "a folder of the"),
    ],
)
def test_configuration_that_is_not_understood(
    repo: Path, capsys: pytest.CaptureFixture[str], setting: str, problem: str
) -> None:
    # `dockerfiles` is global: every hook that models images reads it.
    hook = "" if setting.startswith("dockerfiles") else ".check-entry-point-imports"
    section = f"[tool.lucid-hooks{hook}]\n"
    write_tree(repo, {"pyproject.toml": section + setting + "\n", "main.py": ""})
    init_repo(repo)
    code = main(["."])
    captured = capsys.readouterr()
    assert code == 2
    assert problem in captured.out + captured.err


def test_configured_build_context(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
        'CMD ["python", "-m", "services.api.main"]\n'
    )
    files = {
        "services/__init__.py": "",
        "services/api/__init__.py": "",
        "services/api/main.py": "from services.api import routes\n",
        "services/api/routes.py": "",
        "services/api/Dockerfile": dockerfile,
    }
    write_tree(repo, files)
    init_repo(repo)
    code, out = run(capsys, ".")
    assert code == 1
    assert [line.split(" where ")[0] for line in out] == [
        "services/api/Dockerfile:4:1: LH204 no module `services.api.main`"
        " (No module named 'services')"
    ]
    setting = 'dockerfiles = { "services/*/Dockerfile" = { context = "." } }\n'
    section = "[tool.lucid-hooks]\n"  # one setting for every hook that models images
    write_tree(repo, {"pyproject.toml": section + setting})
    assert run(capsys, ".") == (0, [])


def test_a_context_taken_as_the_repository_root_is_said(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "shared/__init__.py": "",
            "shared/money.py": "cents = 1\n",
            "services/api/main.py": "from shared.money import dollars\n",
            "services/api/Dockerfile": (
                "FROM python:3.12-slim\nWORKDIR /app\nCOPY services/api/ ./\n"
                'COPY shared/ ./shared/\nCMD ["python", "main.py"]\n'
            ),
        },
    )
    init_repo(repo)
    code, out = run(capsys, ".")
    assert code == 1
    assert codes(out) == ["LH202"]
    assert out[0].endswith(
        ", for the command of services/api/Dockerfile built from the repository root"
    )


def test_a_symlinked_folder_is_followed_as_python_follows_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "common/__init__.py": "from common.money import cents\n",
            "common/money.py": "dollars = 1\n",
            "services/api/main.py": "from common import money\n",
        },
    )
    (repo / "services/api/common").symlink_to("../../common")
    (repo / "services/api/loop").symlink_to("..")  # a folder above itself
    (repo / "services/api/outside").symlink_to("/usr")
    init_repo(repo)
    assert oracle(repo, "script", "services/api/main.py") == "ImportError"
    code, out = run(capsys, ".")
    assert code == 1
    # Reported where it is written: the linked file's own path.
    assert out == [
        "common/__init__.py:1:1: LH202 cannot import name 'cents' from 'common.money'"
        " (common/money.py), for assumed `python main.py` in services/api/"
    ]


def test_pythonpath_of_ci_blocks_makefiles_and_values_not_known(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An `export` reaches the later lines of its YAML `run: |` block and
    a Makefile's `export` every recipe; a PYTHONPATH the shell would still
    expand hides nothing, and says nothing is missing."""
    ci = (
        "jobs:\n  test:\n    steps:\n      - run: |\n          export PYTHONPATH=src\n"
        "          python -m app\n      - run: python -m app\n"
    )
    write_tree(
        repo,
        {
            "src/app/__init__.py": "",
            "src/app/__main__.py": "",
            ".github/workflows/ci.yml": ci,
            "Makefile": "export PYTHONPATH := src\nrun:\n\tpython -m app\n",
            "deploy.sh": "export PYTHONPATH=$APP_HOME/src\npython -m app\n",
        },
    )
    init_repo(repo)
    assert oracle(repo, "module", "app", pythonpath="src") == "ok"
    code, out = run(capsys, ".")
    assert code == 1
    # Only the step whose own line runs without the block's export.
    assert [line.split(" where ")[0] for line in out] == [
        ".github/workflows/ci.yml:7:1: LH204 no module `app` (No module named 'app')"
    ]


# --- LH206-LH211 third-party and standard-library imports ----------------------

SLIM = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n{install}CMD ["python", "main.py"]\n'


def image_service(
    main: str, install: str = "", files: dict[str, str] | None = None
) -> dict[str, str]:
    """A service built from its folder: `svc/main.py`, run by a python:3.12
    image that runs ``install`` first, and more files of `svc/`."""
    tree = {"svc/main.py": main, "svc/Dockerfile": SLIM.format(install=install)}
    tree.update({f"svc/{name}": text for name, text in (files or {}).items()})
    return tree


def test_third_party_imports_against_what_the_image_installs(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        image_service(
            "import yaml\nimport jwt\nimport httpx\nfrom google.cloud import storage\n"
            "import requests\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None\n",
            "RUN pip install -r requirements.txt 'requests>=2'\n",
            {
                "requirements.txt": "-r base.txt\nPyYAML==6.0\ngoogle-cloud-storage\n",
                "base.txt": "PyJWT[crypto]\n",
            },
        ),
    )
    init_repo(repo)
    code, out = run(capsys, ".")
    assert code == 1
    assert out == [
        "svc/main.py:3:1: LH206 `httpx` is not declared: neither svc/requirements.txt nor 1"
        " more file names one, for the command of svc/Dockerfile"
    ]


def test_an_extra_the_image_does_not_install(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = (
        '[project]\nname = "svc"\nversion = "1"\ndependencies = ["httpx"]\n'
        '[project.optional-dependencies]\nserver = ["uvicorn"]\n'
    )
    write_tree(
        repo,
        image_service(
            "import httpx\nimport uvicorn\n", "RUN pip install .\n", {"pyproject.toml": pyproject}
        ),
    )
    init_repo(repo)
    _, out = run(capsys, ".")
    assert codes(out) == ["LH207"]
    assert (
        "`uvicorn` comes from uvicorn, which svc/pyproject.toml declares only in an extra"
        in out[0]
    )
    dockerfile = repo / "svc/Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace("pip install .", 'pip install ".[server]"')
    )
    assert run(capsys, ".") == (0, [])


def test_standard_library_of_the_python_that_runs_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, image_service("import distutils.util\nimport tomllib\nimport json\n"))
    init_repo(repo)
    code, out = run(capsys, ".")
    assert code == 1
    assert out == [
        "svc/main.py:1:1: LH208 `distutils` was removed in Python 3.12, which runs it"
        " (python:3.12-slim): use setuptools or standard-distutils, for the command of"
        " svc/Dockerfile"
    ]
    # A backport brings it back under its name.
    dockerfile = repo / "svc/Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("CMD", "RUN pip install setuptools\nCMD"))
    assert run(capsys, ".") == (0, [])


def test_a_run_from_the_repository_uses_the_nearest_requirements_and_python(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "pyproject.toml": (
                '[project]\nname = "mono"\nversion = "1"\nrequires-python = ">=3.10"\n'
            ),
            "tools/report/main.py": "import tomllib\nimport rich\nimport attr\n",
            "tools/requirements-dev.txt": "attrs\n",
            "tools/requirements.txt": "rich\n",
        },
    )
    init_repo(repo)
    code, out = run(capsys, ".")
    assert code == 1
    assert out == [
        "tools/report/main.py:1:1: LH208 `tomllib` is new in Python 3.11; this runs 3.10"
        " (requires-python of pyproject.toml): use tomli, for assumed `python main.py` in"
        " tools/report/"
    ]
    # requires-python comes first; without it, target-version.
    assert run(capsys, "--target-version", "py312", ".")[1] == out
    (repo / "pyproject.toml").write_text('[project]\nname = "mono"\nversion = "1"\n')
    assert run(capsys, "--target-version", "py312", ".") == (0, [])
    code, out = run(capsys, "--target-version", "3.10", ".")
    assert "this runs 3.10 (target-version)" in out[0]


def test_what_another_installer_installs_is_not_known(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, image_service("import httpx\n", "RUN pip install poetry && poetry install\n"))
    init_repo(repo)
    assert run(capsys, ".") == (0, [])


def test_requirements_that_pip_cannot_follow(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        image_service(
            "import yaml\n",
            "RUN pip install -r requirements.txt\n",
            {
                "requirements.txt": (
                    'PyYAML\n-r ../common/base.txt\nrequests >= 2 ; python_version > "3.9\n'
                )
            },
        ),
    )
    init_repo(repo)
    code, out = run(capsys, "svc/requirements.txt")
    assert code == 1
    assert codes(out) == ["LH210", "LH211"]
    assert out[0].startswith("svc/requirements.txt:2:")
    assert out[1].startswith("svc/requirements.txt:3:")


def test_a_module_the_distroless_image_leaves_out(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = (
        'FROM gcr.io/distroless/python3-debian13\nWORKDIR /app\nCOPY . .\nCMD ["main.py"]\n'
    )
    write_tree(
        repo,
        {
            "svc/main.py": "import sqlite3\nfrom dbm import gnu\n",
            "svc/Dockerfile": dockerfile,
        },
    )
    init_repo(repo)
    assert run(capsys, ".") == (
        1,
        [
            "svc/main.py:2:1: LH209 `dbm.gnu` is not in gcr.io/distroless/python3-debian13:"
            " Debian ships it apart, in python3-gdbm, for the command of svc/Dockerfile"
        ],
    )


def test_what_a_repository_run_declares_is_read_loosely_and_only_where_it_can_be(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            # A pyproject of tool settings only says nothing of dependencies.
            "pyproject.toml": "[tool.ruff]\nline-length = 99\n",
            "app/main.py": "import Levenshtein\nimport git\nimport pkg_resources\nimport yaml\n",
            "app/requirements/base.txt": "python-Levenshtein\nGitPython\nsetuptools<70\n",
            "app/requirements/dev.txt": "-r base.txt\n",
            "lib/main.py": "import httpx\n",
            "lib/pyproject.toml": (
                '[project]\nname = "lib"\nversion = "1"\ndynamic = ["dependencies"]\n'
            ),
        },
    )
    init_repo(repo)
    assert run(capsys, ".") == (
        1,
        [
            "app/main.py:4:1: LH206 `yaml` is not declared: neither app/requirements/base.txt"
            " nor 1 more file names one, for assumed `python main.py` in app/"
        ],
    )


def test_an_assumed_run_beside_a_dockerfile_of_an_unknown_image(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = 'FROM mycompany/python-ml:3.11\nCOPY . /app\nCMD ["python", "/app/main.py"]\n'
    files = {
        "svc/main.py": "import numpy\n",
        "svc/Dockerfile": dockerfile,
        "svc/requirements.txt": "\n",
    }
    write_tree(repo, files)
    init_repo(repo)
    assert run(capsys, ".") == (0, [])


def test_local_projects_that_are_installed_provide_their_modules(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = '[project]\nname = "common"\nversion = "1"\ndependencies = []\n'
    builder = (
        "FROM python:3.12-slim AS build\nWORKDIR /src\nCOPY . .\n"
        "RUN python -m venv /venv && /venv/bin/pip install ./libs/money\n"
        "FROM python:3.12-slim\nCOPY --from=build /venv /venv\nWORKDIR /app\n"
        'COPY services/pay/ .\nCMD ["/venv/bin/python", "main.py"]\n'
    )
    write_tree(
        repo,
        {
            "requirements.txt": "-e ./libs/common\n",
            "libs/common/pyproject.toml": project,
            "libs/common/src/common/__init__.py": "X = 1\n",
            "libs/money/pyproject.toml": project.replace("common", "money"),
            "libs/money/money/__init__.py": "",
            "services/api/main.py": "from common import X\nimport shared\n",
            "services/pay/main.py": "import money\n",
            "services/pay/Dockerfile": builder,
            "shared/__init__.py": "",  # not installed: still missing beside the service
        },
    )
    init_repo(repo)
    code, out = run(capsys, ".")
    assert code == 1
    assert codes(out) == ["LH201"]
    assert out[0].startswith("services/api/main.py:2:1: LH201 No module named 'shared'")


@pytest.mark.parametrize(
    "install",
    [
        "COPY svc/requirements.txt .\nRUN pip install -r requirements.txt",
        "RUN pip install /libs/tool",
    ],
)
def test_a_module_run_from_an_installed_local_project_is_followed_there(
    repo: Path, capsys: pytest.CaptureFixture[str], install: str
) -> None:
    dockerfile = (
        f"FROM python:3.12-slim\nWORKDIR /app\nCOPY libs/tool /libs/tool\n{install}\n"
        'CMD ["python", "-m", "tool.cli"]\n'
    )
    write_tree(
        repo,
        {
            "svc/Dockerfile": dockerfile,
            "svc/requirements.txt": "-e ../libs/tool\n",
            "libs/tool/pyproject.toml": '[project]\nname = "tool"\nversion = "1"\n',
            "libs/tool/src/tool/__init__.py": "",
            "libs/tool/src/tool/cli.py": "from tool import helpers\nfrom tool import gone\n",
            "libs/tool/src/tool/helpers.py": "",
        },
    )
    init_repo(repo)

    _, out = run(capsys, ".")

    # Not "no module `tool.cli`" (LH204): site-packages has it, and what it imports is checked.
    assert codes(out) == ["LH202"]
    assert out[0].startswith("libs/tool/src/tool/cli.py:2:1: LH202 cannot import name 'gone'")


# --- LH212 requirements never imported (off by default) ------------------------

SELECT_LH212 = '[tool.lucid-hooks]\nextend-select = ["LH212"]\n'
API_DOCKERFILE = (
    "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    'HEALTHCHECK CMD python -c "import httpx"\n'
    'CMD ["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "main:app"]\n'
)


def never_imported_tree(requirements: str, main: str = "import fastapi\n") -> dict[str, str]:
    return {
        "pyproject.toml": SELECT_LH212,
        "api/Dockerfile": API_DOCKERFILE,
        "api/requirements.txt": requirements,
        "api/main.py": main,
    }


def test_requirements_never_imported_only_when_selected(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    requirements = (
        "fastapi\ngunicorn\nuvicorn[standard]\nuvloop\nhttpx\nredis==5.0\nPyYAML\n"
        "sqlalchemy\npsycopg2-binary\ntypes-requests\nsetuptools\n"
        "boto3  # lucid: ignore[LH212]\n"
    )
    main = "import fastapi\nimport yaml\nfrom sqlalchemy import create_engine\n"
    write_tree(repo, never_imported_tree(requirements, main))
    init_repo(repo)

    code, out = run(capsys, ".")

    assert code == 1
    # Run (gunicorn, the worker class), named by the Dockerfile (httpx),
    # imported under another name (PyYAML), loaded by what is imported
    # (uvloop, the driver), a stub, a build tool, or marked: all used.
    assert out == [
        "api/requirements.txt:6:1: LH212 `redis` is installed, but no module the image runs"
        " imports it, for the command of api/Dockerfile"
    ]
    (repo / "pyproject.toml").write_text("")
    assert run(capsys, ".") == (0, [])


def test_a_shared_requirements_file_is_judged_over_every_image(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compiled = (
        "requests==2.31\n    # via -r requirements.in\ncertifi==2024.2.2\n    # via requests\n"
        "structlog==24.1 \\\n    --hash=sha256:00\n    # via\n    #   -r requirements.in\n"
        "rich==13.7\n"
    )
    worker = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
        'RUN pip install -r requirements.txt\nCMD ["python", "worker.py"]\n'
    )
    write_tree(
        repo,
        {
            "pyproject.toml": SELECT_LH212,
            "common.txt": compiled,
            "api/Dockerfile": API_DOCKERFILE,
            "api/requirements.txt": "-r ../common.txt\nfastapi\ngunicorn\nuvicorn\nhttpx\n",
            "api/main.py": "import fastapi\nimport structlog\n",
            "worker/Dockerfile": worker,
            "worker/requirements.txt": "-r ../common.txt\n",
            "worker/worker.py": "import requests\n",
        },
    )
    init_repo(repo)

    _, out = run(capsys, ".")

    # requests and structlog each have an image that imports them; certifi is
    # pulled in by requests (pip-compile says so); rich is used by neither.
    assert out == [
        "common.txt:9:1: LH212 `rich` is installed, but no module the image runs imports it,"
        " for the command of api/Dockerfile, the command of worker/Dockerfile"
    ]


def test_no_requirement_is_unused_where_imports_cannot_be_told(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edits_path = "import sys\nsys.path.insert(0, '/opt/plugins')\nimport fastapi\n"
    write_tree(repo, never_imported_tree("fastapi\nredis\n", edits_path))
    init_repo(repo)
    assert run(capsys, ".") == (0, [])
    # A run from the repository: its requirements serve its tests and tools too.
    write_tree(
        repo,
        {
            "pyproject.toml": SELECT_LH212,
            "tools/report/main.py": "import rich\n",
            "tools/requirements.txt": "rich\nredis\n",
        },
    )
    (repo / "api/Dockerfile").unlink()
    git(repo, "add", "-A")
    assert run(capsys, ".") == (0, [])


def test_a_broken_local_import_leaves_what_it_hides_unjudged(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `from .capture import grab` fails when main.py runs as a script (LH203),
    # so the Pillow that capture.py imports is not known to be unused.
    main = "import fastapi\nfrom .capture import grab\n"
    files = never_imported_tree("fastapi\ngunicorn\nuvicorn\nhttpx\nPillow\n", main)
    files["api/capture.py"] = "from PIL import Image\n"
    files["api/Dockerfile"] = API_DOCKERFILE.replace(
        '["gunicorn", "-k", "uvicorn.workers.UvicornWorker", "main:app"]', '["python", "main.py"]'
    )
    write_tree(repo, files)
    init_repo(repo)

    _, out = run(capsys, ".")

    assert codes(out) == ["LH203"]


def test_an_installed_local_project_uses_what_it_imports(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            **never_imported_tree("fastapi\n-e ../libs/cache\nredis\nrich\n"),
            "libs/cache/pyproject.toml": '[project]\nname = "cache"\nversion = "1"\n',
            "libs/cache/src/cache/__init__.py": "from redis import Redis\n",
        },
    )
    init_repo(repo)

    _, out = run(capsys, ".")

    assert [line.split(" LH212 ")[1][:8] for line in out] == ["`rich` i"]


def test_code_for_a_newer_python_is_judged_only_for_conflict_markers(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = SLIM.format(install="").replace("3.12", "3.14")
    write_tree(
        repo,
        {
            "svc/Dockerfile": newer,
            "svc/main.py": "import quotas\nimport handlers\n",
            "svc/quotas.py": "<<<<<<< HEAD\nMAX = 64\n=======\nMAX = 32\n>>>>>>> other\n",
            # PEP 758 (3.14): no parentheses around the exceptions caught.
            "svc/handlers.py": "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
        },
    )
    init_repo(repo)

    _, out = run(capsys, ".")

    assert [line.split(" does not")[0] for line in out] == ["svc/quotas.py:1:1: LH205"]


# --- LH601, LH602 shells and programs a distroless image lacks -----------------

DISTROLESS = (
    "FROM gcr.io/distroless/python3-debian13:nonroot\nWORKDIR /app\nCOPY . .\n"
    '{copy}CMD ["main.py"]\n'
)
TOOLS = (
    "import os, subprocess\n"
    "from typing import TYPE_CHECKING\n"
    "os.system('mkdir -p /tmp/x')\n"
    "def head():\n"
    "    return subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True)\n"
    "def version():\n"
    "    return subprocess.run(['python3', '-V'])\n"
    "if TYPE_CHECKING:\n"
    "    os.system('never')\n"
    "if __name__ == '__main__':\n"
    "    os.system('only when run itself')\n"
)


def shell_tree(dockerfile: str, main: str = "import tools\n") -> dict[str, str]:
    return {
        "svc/Dockerfile": dockerfile,
        "svc/main.py": main,
        "svc/tools.py": TOOLS,
        "svc/unused.py": "import os\nos.system('not reached')\n",
    }


def test_shells_and_programs_a_distroless_image_lacks(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = "import tools\nimport subprocess\nsubprocess.check_output('date', shell=True)\n"
    write_tree(repo, shell_tree(DISTROLESS.format(copy=""), main))
    init_repo(repo)

    code, out = run(capsys, ".")

    assert code == 1
    assert out == [
        "svc/main.py:3:1: LH601 shell=True runs /bin/sh, which"
        " gcr.io/distroless/python3-debian13:nonroot lacks: pass check_output a list,"
        " for the command of svc/Dockerfile",
        "svc/tools.py:3:1: LH601 os.system runs /bin/sh, which"
        " gcr.io/distroless/python3-debian13:nonroot lacks: pass subprocess.run a list,"
        " for the command of svc/Dockerfile",
        "svc/tools.py:5:12: LH602 subprocess.run runs git, which the image lacks: COPY it in"
        " or do it in Python; it fails when the function runs, for the command of"
        " svc/Dockerfile",
    ]
    # Another file changed: the analysis runs again, the scans come from the cache.
    (repo / "svc/unused.py").write_text("import os\nos.popen('still not reached')\n")
    assert run(capsys, ".") == (code, out)


def test_the_main_block_of_the_module_that_runs_is_judged(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = DISTROLESS.format(copy="").replace('["main.py"]', '["tools.py"]')
    write_tree(repo, shell_tree(dockerfile))
    init_repo(repo)

    _, out = run(capsys, ".")

    assert [line.split(": ")[0] for line in out] == [
        "svc/tools.py:3:1",
        "svc/tools.py:5:12",
        "svc/tools.py:11:5",
    ]


def test_an_image_that_is_not_distroless_is_not_judged(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, shell_tree(SLIM.format(install="")))
    init_repo(repo)

    assert run(capsys, ".") == (0, [])


@pytest.mark.parametrize(
    "shell",
    [
        "COPY --from=busybox:1.36 /bin/sh /bin/sh\n",  # what it holds is not known
        "COPY bin/sh /bin/sh\n",
    ],
)
def test_a_shell_or_program_the_image_may_hold(
    repo: Path, capsys: pytest.CaptureFixture[str], shell: str
) -> None:
    tree = shell_tree(DISTROLESS.format(copy=shell + "COPY bin/git /usr/local/bin/git\n"))
    tree["svc/bin/git"] = tree["svc/bin/sh"] = "#!/usr/bin/python3\n"
    write_tree(repo, tree)
    init_repo(repo)

    assert run(capsys, ".") == (0, [])


def test_calls_that_guard_or_catch_their_failure(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = (
        "import shutil, subprocess, sys\n"
        "try:\n"
        "    head = subprocess.run(['git', 'rev-parse', 'HEAD']).stdout\n"
        "except FileNotFoundError:\n"
        "    head = None\n"
        "if shutil.which('curl'):\n"
        "    subprocess.run(['curl', 'x'])\n"
        "if sys.platform == 'win32':\n"
        "    subprocess.run('cls', shell=True)\n"
        "subprocess.run(cmd, shell=True, executable='/busybox/sh')\n"
        "print('os.system(1)')  # os.popen('x')\n"
    )
    write_tree(repo, {"svc/Dockerfile": DISTROLESS.format(copy=""), "svc/main.py": main})
    init_repo(repo)

    assert run(capsys, ".") == (0, [])


def test_an_absolute_include_is_read_from_what_copy_put_there(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements/base.txt /requirements/base.txt\n"
        'COPY svc/ .\nRUN pip install -r requirements.txt\nCMD ["python", "main.py"]\n'
    )
    write_tree(
        repo,
        {
            "requirements/base.txt": "structlog\n",
            "svc/Dockerfile": dockerfile,
            "svc/requirements.txt": "-r /requirements/base.txt\nhttpx\n",
            "svc/main.py": "import httpx\nimport structlog\n",
        },
    )
    init_repo(repo)
    assert run(capsys, ".") == (0, [])

    (repo / "svc/Dockerfile").write_text(
        dockerfile.replace("/requirements/base.txt\n", "/r.txt\n", 1)
    )
    git(repo, "add", "-A")
    _, out = run(capsys, ".")
    assert [line.split(", for ")[0] for line in out if " LH210 " in line] == [
        "svc/requirements.txt:1:4: LH210 include /requirements/base.txt is not a file COPY put"
        " in the image"
    ]
