from __future__ import annotations

import json
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


def oracle(root: Path, kind: str, target: str, cwd: str = "") -> str:
    """What CPython says when the entry point starts: "ok", or the error.
    (runpy sets sys.path[0] as `python x.py` and `python -m` do: the
    script's folder, or the working directory.)"""
    folder = root / cwd
    first = str((folder / target).parent) if kind == "script" else str(folder)
    code = f"import sys; sys.path[0] = {first!r}\n{ORACLE}"
    result = subprocess.run(
        [sys.executable, "-E", "-s", "-c", code, kind, target],
        cwd=folder,
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
        " for assumed `python main.py` in svc/"
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
        " for assumed `python main.py` in tool/"
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
