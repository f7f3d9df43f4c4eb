from __future__ import annotations

import pytest

from lucid_hooks.commands import (
    APP,
    CONSOLE_SCRIPT,
    MODULE,
    SCRIPT,
    Run,
    ShellState,
    is_known,
    runs_in,
    shell_runs,
)


def kinds(runs: list[Run]) -> list[tuple[str, str]]:
    return [(run.kind, run.target) for run in runs]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["python", "main.py"], [(SCRIPT, "main.py")]),
        (
            ["python3.11", "-u", "services/api/main.py", "--port", "8"],
            [(SCRIPT, "services/api/main.py")],
        ),
        (["/usr/bin/python3.11", "-m", "billing.main"], [(MODULE, "billing.main")]),
        (["python", "-mbilling"], [(MODULE, "billing")]),
        (["python", "-W", "ignore", "-X", "dev", "app.py"], [(SCRIPT, "app.py")]),
        (["python", "-c", "import app"], []),
        (["python"], []),
        (["python3", "-", "x"], []),
        (["uvicorn", "api.main:app", "--host", "0.0.0.0"], [(APP, "api.main:app")]),
        (["python", "-m", "uvicorn", "main:app"], [(APP, "main:app")]),
        (
            [
                "gunicorn",
                "-b",
                "0.0.0.0:8000",
                "-k",
                "uvicorn.workers.UvicornWorker",
                "svc.wsgi:create()",
            ],
            [(APP, "svc.wsgi:create()")],
        ),
        (["hypercorn", "--bind", "localhost:8000", "web:app"], [(APP, "web:app")]),
        (["nginx", "-g", "daemon off;"], []),
        (["sh", "-c", "cd /app && exec python main.py"], [(SCRIPT, "main.py")]),
        (["/bin/sh", "-c", "PORT=1 python -m a.b; echo done"], [(MODULE, "a.b")]),
        (["sh", "-c", "python 'unbalanced"], []),
        (["billing-worker", "--once"], [(CONSOLE_SCRIPT, "billing-worker")]),
    ],
)
def test_runs_in_a_command(argv: list[str], expected: list[tuple[str, str]]) -> None:
    assert kinds(runs_in(argv, frozenset({"billing-worker"}))) == expected


def test_flags_that_change_sys_path_are_kept() -> None:
    (run,) = runs_in(["python", "-uIB", "x.py"])
    assert run.flags == frozenset("I")
    (run,) = runs_in(["python", "-P", "-E", "-m", "a"])
    assert run.flags == frozenset("PE")


def test_app_server_options_that_move_sys_path() -> None:
    (run,) = runs_in(["uvicorn", "--app-dir", "src", "main:app"])
    assert (run.server, run.app_dir) == ("uvicorn", "src")
    (run,) = runs_in(["gunicorn", "--chdir=/srv", "--pythonpath", "lib,vendor", "wsgi:app"])
    assert (run.server, run.chdir, run.pythonpath) == ("gunicorn", "/srv", "lib,vendor")
    (run,) = runs_in(["python", "-m", "hypercorn", "web:app"])
    assert run.server == "hypercorn"


def test_cd_moves_the_later_commands() -> None:
    runs, _ = shell_runs("cd services && python -m api\ncd api; python main.py")
    assert [(run.target, run.cwd) for run in runs] == [
        ("api", "services"),
        ("main.py", "services/api"),
    ]
    (run,), _ = shell_runs("cd /srv && python x.py")
    assert run.cwd == "/srv"


def test_cd_to_the_scripts_folder_and_to_an_unknown_place() -> None:
    state = ShellState("", "deploy")
    (run,), after = shell_runs('cd "$(dirname "$0")" && python run.py', state=state)
    assert (run.cwd, after.cwd) == ("deploy", "deploy")
    runs, after = shell_runs("cd $APP_HOME\npython run.py", state=state)
    assert (runs, after.cwd) == ([], None)


def test_words_are_kept_for_messages() -> None:
    (run,) = runs_in(["python", "-m", "a.b"])
    assert run.describe() == "python -m a.b"


def test_variables_the_command_line_sets() -> None:
    (run,) = runs_in(["sh", "-c", "PYTHONPATH=src:$PYTHONPATH exec python -m app"])
    assert run.environment == (("PYTHONPATH", "src:$PYTHONPATH"),)
    assert run.variable("PYTHONPATH", "/opt/lib") == "src:/opt/lib"
    assert run.variable("PYTHONPATH", None) == "src:"
    (run,) = runs_in(["env", "PYTHONPATH=lib", "python", "x.py"])
    assert run.variable("PYTHONPATH", "/image") == "lib"
    (run,) = runs_in(["python", "x.py"])
    assert run.variable("PYTHONPATH", "/image") == "/image"


def test_exported_variables_reach_the_later_commands() -> None:
    text = "python a.py\nexport PYTHONPATH=src\nexport PYTHONPATH=lib:${PYTHONPATH} X=1\n"
    text += "python b.py"
    first, second = shell_runs(text)[0]
    assert first.variable("PYTHONPATH", None) is None
    assert second.variable("PYTHONPATH", None) == "lib:src"
    (run,) = shell_runs("PYTHONPATH=other python c.py", state=shell_runs(text)[1])[0]
    assert run.variable("PYTHONPATH", None) == "other"


@pytest.mark.parametrize(
    ("text", "inherited", "value"),
    [
        (
            "export PYTHONPATH=/app/src:$PYTHONPATH && python -m app",
            "/app/lib",
            "/app/src:/app/lib",
        ),
        ("export PYTHONPATH=src${PYTHONPATH:+:$PYTHONPATH}; python -m app", None, "src"),
        ("export PYTHONPATH=src${PYTHONPATH:+:$PYTHONPATH}; python -m app", "lib", "src:lib"),
        ("PYTHONPATH=${PYTHONPATH:-lib}:src python -m app", None, "lib:src"),
        ('export PYTHONPATH="$PWD/src"; python -m app', None, "./src"),
        ('export PYTHONPATH="$(pwd)/src"; python -m app', None, "./src"),
        ("PYTHONPATH=src; export PYTHONPATH; python -m app", None, "src"),
        ("export PYTHONPATH=$APP_HOME/src; python -m app", None, "$APP_HOME/src"),
    ],
)
def test_pythonpath_as_the_shell_expands_it(text: str, inherited: str | None, value: str) -> None:
    (run,) = shell_runs(text)[0]
    assert run.variable("PYTHONPATH", inherited) == value


def test_a_value_the_shell_would_still_expand_is_not_known() -> None:
    assert is_known("src:/app/lib") and is_known(None)
    assert not is_known("$APP_HOME/src") and not is_known("`cat paths`")
