"""lucid_hooks.orphans: which modules nothing runs. How a test module is
started is checked against real pytest running the layout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lucid_hooks.entry_point_analysis import Repository
from lucid_hooks.globs import GlobSet
from lucid_hooks.orphans import (
    framework_loaded,
    is_script_source,
    is_started,
    is_test_file,
    orphan_modules,
    plugin_starts,
    pytest_start,
    reached_from,
    source_roots,
    unreached_modules,
)
from lucid_hooks.snapshot import Snapshot
from tests.conftest import write_tree

RECORD = (
    "import json, os, sys\n"
    "with open(os.environ['RECORD'], 'a') as out:\n"
    "    out.write(json.dumps([__file__, __name__, sys.path]) + '\\n')\n"
    "def test_nothing():\n    pass\n"
)


def test_test_modules_are_named_as_pytest_names_them(tmp_path: Path) -> None:
    layout = {
        "tests/test_top.py": RECORD,
        "pkg/__init__.py": "",
        "pkg/tests/__init__.py": "",
        "pkg/tests/test_inside.py": RECORD,
        "svc/__init__.py": "",
        "svc/tests/test_loose.py": RECORD,
        "deep/a/__init__.py": "",
        "deep/a/b/__init__.py": "",
        "deep/a/b/test_deep.py": RECORD,
    }
    root = write_tree(tmp_path / "r", layout)
    record = tmp_path / "record.jsonl"
    subprocess.run(
        (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--import-mode=prepend"),
        cwd=root,
        env={"RECORD": str(record), "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
    )
    seen = {}
    for line in record.read_text().splitlines():
        file, name, path = json.loads(line)
        seen[Path(file).relative_to(root).as_posix()] = (name, path)

    for test in ("tests/test_top.py", "pkg/tests/test_inside.py", "svc/tests/test_loose.py"):
        start = pytest_start(test, lambda path: (root / path).is_file())
        name, sys_path = seen[test]
        assert start.name == name
        assert str(root / start.sys_path[0]).rstrip("/.") in [p.rstrip("/") for p in sys_path]
    assert seen["deep/a/b/test_deep.py"][0] == "a.b.test_deep"
    assert pytest_start("deep/a/b/test_deep.py", lambda p: (root / p).is_file()).name == (
        "a.b.test_deep"
    )


def test_what_is_a_test_and_what_is_started(tmp_path: Path) -> None:
    assert [
        is_test_file(p) for p in ("test_a.py", "a_test.py", "conftest.py", "x/tests/h.py")
    ] == [
        True,
        True,
        True,
        True,
    ]
    assert is_test_file("app/tests.py")  # Django's test*.py
    assert not is_test_file("contest.py") and not is_test_file("tests/data.json")
    bodies = {
        "s.py": b"#!/usr/bin/env python\n",
        "g.py": b"def f(): ...\nif __name__ == '__main__':\n    f()\n",
        "lib.py": b"X = 1\n",
    }
    assert [is_script_source(data) for data in bodies.values()] == [True, True, False]
    assert is_started("pkg/setup.py", lambda path: False)
    assert is_started("svc/main.py", lambda path: False)
    assert not is_started("lib.py", lambda path: False)


def test_orphans_are_what_no_test_or_script_reaches(tmp_path: Path) -> None:
    layout = {
        "app/__init__.py": "",
        "app/used.py": "from app import helper\n",
        "app/helper.py": "X = 1\n",
        "app/dead.py": "X = 2\n",
        "app/plugin.py": "X = 3\n",
        "tool.py": "import toollib\nif __name__ == '__main__':\n    pass\n",
        "toollib.py": "X = 4\n",
        "tests/test_app.py": "from app import used\n",
    }
    root = write_tree(tmp_path / "r", layout)
    files = sorted(layout)
    repo = Repository(Snapshot(str(root), False), files)
    unreached = unreached_modules(files, set())
    tests = [path for path in unreached if is_test_file(path)]
    scripts = [
        path
        for path in unreached
        if is_started(path, lambda p: is_script_source((root / p).read_bytes()))
    ]

    reached = reached_from(repo, tests, scripts)
    repo.close()

    assert reached >= {"app/used.py", "app/helper.py", "toollib.py", "tool.py"}
    leftover = unreached_modules(unreached, reached)
    assert orphan_modules(leftover, GlobSet(["app/plugin.py"]), lambda path: False) == [
        "app/dead.py"
    ]


def test_src_layout_tests_plugins_and_frameworks_are_not_orphans(tmp_path: Path) -> None:
    layout = {
        "pyproject.toml": (
            '[project]\nname = "mypkg"\n'
            '[project.entry-points.pytest11]\nmine = "mypkg.plugin"\n'
            '[project.entry-points."console_scripts"]\nbad = "not a module"\n'
        ),
        "src/mypkg/__init__.py": "",
        "src/mypkg/core.py": "from mypkg import helpers\n",
        "src/mypkg/helpers.py": "X = 1\n",
        "src/mypkg/plugin.py": "from mypkg import hooks\n",
        "src/mypkg/hooks.py": "X = 2\n",
        "src/mypkg/dead.py": "X = 3\n",
        "tests/test_core.py": "from mypkg import core\n",
        "site/manage.py": "import os\n",
        "site/shop/models.py": "X = 4\n",
        "site/shop/migrations/0001_initial.py": "X = 5\n",
        "site/shop/unused.py": "X = 6\n",
        "db/env.py": "X = 7\n",
        "db/versions/abc_add.py": "X = 8\n",
    }
    root = write_tree(tmp_path / "r", layout)
    files = sorted(layout)
    repo = Repository(Snapshot(str(root), False), files)
    unreached = unreached_modules(files, set())
    tests = [path for path in unreached if is_test_file(path)]
    plugins = plugin_starts(files, lambda p: (root / p).read_bytes(), repo.tree)

    reached = reached_from(repo, tests, [], plugins)
    repo.close()

    assert source_roots(files) == ("src",)
    assert [start.name for start in plugins] == ["mypkg.plugin"]
    assert reached >= {"src/mypkg/core.py", "src/mypkg/helpers.py", "src/mypkg/hooks.py"}
    orphans = orphan_modules(
        unreached_modules(unreached, reached), GlobSet([]), framework_loaded(files)
    )
    assert orphans == ["db/env.py", "site/manage.py", "site/shop/unused.py", "src/mypkg/dead.py"]


def test_without_manage_py_django_names_are_plain_modules() -> None:
    loaded = framework_loaded(["app/models.py", "app/migrations/0001.py", "versions/x.py"])

    assert not loaded("app/models.py")
    assert not loaded("app/migrations/0001.py")
    assert not loaded("versions/x.py")  # no env.py beside: not Alembic
