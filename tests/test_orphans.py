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
    is_script_source,
    is_started,
    is_test_file,
    orphan_modules,
    pytest_start,
    reached_from,
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
    assert not is_test_file("testing.py") and not is_test_file("tests/data.json")
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
    assert orphan_modules(leftover, GlobSet(["app/plugin.py"])) == ["app/dead.py"]
