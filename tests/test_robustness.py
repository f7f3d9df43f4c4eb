"""Never a traceback, never lost data: every hook and `lucid-hooks check`,
run as users run them (their console scripts), over one repository that
holds every hostile input at once. Each exits 0 or 1, prints no traceback,
changes nothing outside the repository, and runs none of its code."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lucid_hooks.registry import hook_ids
from tests.conftest import GIT_ENV, git, write_tree

SCRIPTS = Path(sys.executable).parent
# Written by the corpus's code if anything ever ran it.
SENTINEL = "executed.txt"


def hostile_files(sentinel: Path) -> dict[str, str | bytes]:
    """The files of the corpus: encodings, syntax, sizes and depths, odd
    names, broken configuration, requirements and Dockerfiles."""
    touch = f"open({str(sentinel)!r}, 'w').write('ran')\n"
    deep = "/".join(f"d{level}" for level in range(60))
    return {
        "svc/main.py": "import bom, latin, nuls, broken, py2, huge, nested\nimport run_me\n",
        "svc/run_me.py": touch,
        "svc/setup.py": touch,
        "svc/conftest.py": touch,
        "svc/bom.py": "\ufeffimport os\n",
        "svc/latin.py": "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1"),
        "svc/undecodable.py": b"x = '\xff\xfe'\nimport os\n",
        "svc/nuls.py": b"import os\x00\nx = 1\x00\n",
        "svc/broken.py": "def f(:\n    import json\n",
        "svc/py2.py": "print 'hello'\nexec 'x = 1'\n",
        "svc/huge.py": "x = 1\n" * (20 * 1024 * 1024 // 6),
        "svc/nested.py": "x = " + "(" * 5000 + ")" * 5000 + "\n",
        "svc/open.py": "x = " + "(" * 5000 + "\n",
        "svc/Dockerfile": (
            "FROM python:3.12-slim AS build\nRUN <<EOF\npip install x\n"  # unterminated heredoc
        ),
        "svc/binary/Dockerfile": bytes(range(256)) * 64,
        "svc/empty/Dockerfile": "",
        "svc/json/Dockerfile": (
            'FROM gcr.io/distroless/python3-debian13\nCMD ["python", main.py]\n'
        ),
        "svc/long/Dockerfile": "FROM python:3.12\nRUN echo " + "x" * 1_000_000 + "\n",
        "svc/requirements.txt": (
            "-r missing.txt\n-r requirements.txt\nrequests==2.* ; python_version > '3.9\n"
            "flask==3.0 \\\n    --hash=sha256:00\n\x00garbage ]]\n-e\n"
        ),
        # Broken, but not the hooks' own section (that would be exit 2, by design).
        "pyproject.toml": b"[project\nname = ",
        "svc/pyproject.toml": "[project]\nname = 1\ndependencies = 'no'\n",
        "libs/x/pyproject.toml": b"\xff[[[",
        "compose.yaml": "services: [unterminated\n",
        f"{deep}/m.py": "X = 1\n",
        "odd/with space.py": "X = 1\n",
        "odd/new\nline.py": "X = 1\n",
        "odd/[brackets].py": "X = 1\n",
        "odd/$dollar=equals.py": "X = 1\n",
        "odd/-dash.py": "X = 1\n",
        "odd/ünïcödé.py": "X = 1\n",
        "odd/__pycache__/m.cpython-312.pyc": b"\x00\x01",
        "pkg/__init__.py": "",
        "pkg/sub/m.py": "X = 1\n",  # a fix creates pkg/sub/__init__.py, inside
    }


def make_links(root: Path, outside: Path) -> None:
    (root / "links").mkdir()
    (root / "links/__init__.py").write_text("")  # a package holding a link out
    os.symlink("loop_b", root / "links/loop_a")
    os.symlink("loop_a", root / "links/loop_b")
    os.symlink("nowhere.py", root / "links/dangling.py")
    os.symlink(outside, root / "links/outside")
    os.symlink("../svc", root / "links/svc_again")
    os.mkfifo(root / "svc/fifo.py")


def fingerprint(folder: Path) -> dict[str, str]:
    """Every path below ``folder`` and a hash of what it holds."""
    found = {}
    for path in sorted(folder.rglob("*")):
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
        found[str(path.relative_to(folder))] = hashlib.sha256(data).hexdigest()
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The hostile repository (committed), a folder outside it that a
    link points to, and where a sentinel would appear if code ran."""
    base = tmp_path_factory.mktemp("hostile")
    outside = base / "outside"
    write_tree(outside, {"secret.py": "KEY = 1\n", "pkg/m.py": "", "pkg/sub/m.py": ""})
    sentinel = base / SENTINEL
    root = write_tree(base / "repo", hostile_files(sentinel))
    make_links(root, outside)
    subprocess.run(("git", "init", "-q", str(root)), check=True, env={**os.environ, **GIT_ENV})
    git(root, "add", "-A")  # git leaves the FIFO out, as it does for users
    git(root, "commit", "-q", "-m", "hostile")
    return root, outside, sentinel


def run_hook(command: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **GIT_ENV}
    environment.pop("GIT_INDEX_FILE", None)
    return subprocess.run(
        command,
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=120,
        check=False,
    )


def tracked(root: Path) -> list[str]:
    return git(root, "ls-files", "-z").split("\0")[:-1]


@pytest.mark.parametrize("command", [*hook_ids(), "lucid-hooks check"])
def test_no_traceback_no_write_outside_no_code_run(
    corpus: tuple[Path, Path, Path], command: str
) -> None:
    root, outside, sentinel = corpus
    before = fingerprint(outside)
    words = command.split()
    # As pre-commit runs a hook: every tracked file (the FIFO is not one).
    files = tracked(root) if len(words) == 1 else []
    # Fixes on, as by default: they too must stay inside.
    result = run_hook([str(SCRIPTS / words[0]), *words[1:], "--", *files], root)

    # Each finds something in the corpus: it read it, and did not stop early.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert fingerprint(outside) == before
    assert not sentinel.exists(), "a hook ran the code it checks"


@pytest.mark.parametrize("output_format", ["markdown", "json", "sarif"])
def test_report_of_the_corpus(corpus: tuple[Path, Path, Path], output_format: str) -> None:
    """The report reads every file the hooks read, and writes only stdout."""
    root, outside, sentinel = corpus
    before = fingerprint(outside)

    result = run_hook([str(SCRIPTS / "lucid-hooks"), "report", "--format", output_format], root)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    if output_format == "sarif":
        assert json.loads(result.stdout)["runs"][0]["results"]
    else:
        assert "svc/main.py" in result.stdout
    assert fingerprint(outside) == before
    assert not sentinel.exists(), "the report ran the code it checks"


@pytest.fixture(scope="module")
def loose_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The same files outside git, where the hooks walk the disk (the
    FIFO and the links are found there)."""
    base = tmp_path_factory.mktemp("loose")
    outside = base / "outside"
    write_tree(outside, {"secret.py": "KEY = 1\n", "pkg/sub/m.py": ""})
    sentinel = base / SENTINEL
    root = write_tree(base / "repo", hostile_files(sentinel))
    make_links(root, outside)
    return root, outside, sentinel


@pytest.mark.parametrize("command", [*hook_ids(), "lucid-hooks check"])
def test_outside_git_too(loose_corpus: tuple[Path, Path, Path], command: str) -> None:
    root, outside, sentinel = loose_corpus
    before = fingerprint(outside)
    words = command.split()

    result = run_hook([str(SCRIPTS / words[0]), *words[1:], "."], root)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert fingerprint(outside) == before
    assert not sentinel.exists(), "a hook ran the code it checks"


def test_report_outside_git_too(loose_corpus: tuple[Path, Path, Path]) -> None:
    root, outside, sentinel = loose_corpus
    before = fingerprint(outside)

    result = run_hook([str(SCRIPTS / "lucid-hooks"), "report", "--format", "json", "."], root)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert json.loads(result.stdout)["findings"]
    assert fingerprint(outside) == before
    assert not sentinel.exists(), "the report ran the code it checks"
