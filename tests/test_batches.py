"""lucid_hooks.batches: the batches of one pre-commit run print each line once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pytest

from lucid_hooks import batches, check_cache_artifacts
from lucid_hooks.batches import Ledger, Run, current_run, start_time
from lucid_hooks.cache import Cache, content_key, open_cache
from tests.conftest import git, init_repo, isolate_git_config, write_tree

if TYPE_CHECKING:
    from collections.abc import Callable

LINUX_ONLY = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="no /proc")
UNTRACK_PREFIX = "To untrack the committed cache artifacts"


@pytest.fixture(autouse=True)
def _not_under_a_runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite may itself run as a pre-commit hook, whose PRE_COMMIT=1 would
    switch the ledger on where a test does not ask for it; and no personal
    git configuration decides what is ignored."""
    monkeypatch.delenv(batches.RUNNER_ENV, raising=False)
    isolate_git_config(tmp_path, monkeypatch)


def cache_in(folder: Path) -> Cache:
    return open_cache(folder=str(folder))


# --- who runs this batch --------------------------------------------------------------


def stat_line(command: str) -> bytes:
    """A /proc/PID/stat line whose field N (from 3 on) is N, field 22 the start time."""
    return f"4242 ({command}) S {' '.join(str(n) for n in range(4, 53))}\n".encode()


@pytest.mark.parametrize("command", ["pre-commit", "a b", "x) S 1 2 (y", ")", ""])
def test_start_time_is_field_22_whatever_the_command_name(command: str) -> None:
    assert start_time(stat_line(command)) == "22"


@pytest.mark.parametrize("line", [b"", b"4242 (x S 1 2", b"4242 (x) S 4 5 6\n", b"1 (x) " * 3])
def test_a_malformed_stat_line_has_no_start_time(line: bytes) -> None:
    assert start_time(line) is None


@LINUX_ONLY
def test_siblings_share_their_parent_and_a_grandchild_does_not() -> None:
    probe = "from lucid_hooks.batches import parent_process; print(parent_process())"

    def child(*wrapper: str) -> str:
        command = (*wrapper, sys.executable, "-c", probe)
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    first, second = child(), child()
    # A wrapper that runs the hook as its own child, as some scripts do.
    wrapper = f"import subprocess; subprocess.run({[sys.executable, '-c', probe]!r})"
    through_a_wrapper = child(sys.executable, "-c", wrapper)

    assert first == second != "None"
    assert through_a_wrapper not in (first, "None")
    assert first.endswith(f":{os.getpid()}:{start_time(Path('/proc/self/stat').read_bytes())}")


def test_only_a_run_of_pre_commit_or_prek_has_a_ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batches, "parent_process", lambda: "boot:1:2")

    assert current_run("v", {}) is None
    assert current_run("v", {"PRE_COMMIT": ""}) is None
    assert current_run("v", {"PRE_COMMIT": "1"}) == Run("boot:1:2", "v")

    monkeypatch.setattr(batches, "parent_process", lambda: None)
    assert current_run("v", {"PRE_COMMIT": "1"}) is None, "no /proc: print everything"


# --- the ledger ---------------------------------------------------------------------


def test_a_later_batch_leaves_out_the_lines_printed_before(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    run = Run("boot:1:2", "text")
    scope = ("/repo", "check-x", "/repo")

    first = Ledger(cache, scope, run)
    assert first.unprinted("a\nb\n") == "a\nb\n"
    first.record()
    second = Ledger(cache, scope, run)
    assert second.unprinted("b\nc\nb\n") == "c\n"
    second.record()
    assert Ledger(cache, scope, run).unprinted("a\nc\nd") == "d"

    # Another hook, folder or repository keeps its own lines.
    assert Ledger(cache, ("/repo", "check-y", "/repo"), run).unprinted("a\n") == "a\n"
    assert Ledger(cache, ("/other", "check-x", "/other"), run).unprinted("a\n") == "a\n"


def test_each_run_starts_afresh_and_replaces_the_last_runs_entry(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    scope = ("/repo", "check-x", "/repo")
    for runner in ("boot:1:2", "boot:1:3", "boot:7:2", "other:1:2"):
        ledger = Ledger(cache, scope, Run(runner, "text"))
        assert ledger.unprinted("a\nb\n") == "a\nb\n", runner
        ledger.record()
    # The same hook listed twice (other arguments) is another run too.
    assert Ledger(cache, scope, Run("other:1:2", "json")).unprinted("a\n") == "a\n"

    entries = [path for path in tmp_path.rglob("*") if path.is_file() and "printed" in str(path)]
    assert len(entries) == 1, "one entry per hook and repository, whatever the number of runs"


def test_no_run_or_no_cache_prints_everything_and_writes_nothing(tmp_path: Path) -> None:
    scope = ("/repo", "check-x", "/repo")
    run = Run("boot:1:2", "text")
    for ledger in (Ledger(cache_in(tmp_path), scope, None), Ledger(Cache(None), scope, run)):
        for _ in range(2):
            assert ledger.unprinted("a\na\n") == "a\na\n"
            ledger.record()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_lines_are_split_at_newlines_only(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    run = Run("boot:1:2", "text")
    ledger = Ledger(cache, ("r",), run)
    assert ledger.unprinted("a\x0cb\u2028c\n") == "a\x0cb\u2028c\n"
    ledger.record()
    assert Ledger(cache, ("r",), run).unprinted("a\n\x0cb\n") == "a\n\x0cb\n"


def test_a_damaged_or_foreign_entry_counts_as_nothing_printed(tmp_path: Path) -> None:
    cache = cache_in(tmp_path)
    run = Run("boot:1:2", "text")
    key = content_key(batches.NAMESPACE, "r")
    for stored in ((1, 2, 3), ("x",), (tuple(run), [b"x"]), (tuple(run), "abc")):
        cache.put(batches.NAMESPACE, key, stored)
        assert Ledger(cache, ("r",), run).unprinted("a\n") == "a\n"


# --- through a hook's command line --------------------------------------------------


def artifact_repo(root: Path) -> Path:
    write_tree(root, {"a/__pycache__/m.pyc": b"\x00", "b/old.pyc": b"\x00", "m.py": ""})
    return init_repo(root)


@pytest.fixture
def run_hook(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str]]:
    """check-cache-artifacts as a process runs it: from its own command line
    (a caller's ``main(argv)`` is never a batch)."""

    def run(*args: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["check-cache-artifacts", "--no-fix", *args])
        status = check_cache_artifacts.main()
        return status, capsys.readouterr().out

    return run


def test_a_batch_prints_what_no_earlier_batch_printed_and_keeps_its_status(
    repo: Path, run_hook: Callable[..., tuple[int, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    artifact_repo(repo)
    monkeypatch.setenv(batches.RUNNER_ENV, "1")
    monkeypatch.setattr(batches, "parent_process", lambda: "boot:100:5")

    status, first = run_hook("a/__pycache__/m.pyc")
    assert status == 1
    # The whole repository's LH302s and command, though one file was passed.
    assert [line.split(" ")[1] for line in first.splitlines()] == [
        *("LH302", "LH302", "LH301"),
        "untrack",
    ]

    status, second = run_hook("a/__pycache__/m.pyc", "b/old.pyc")
    assert status == 1
    assert second.splitlines() == [
        "b/old.pyc:1:1: LH301 cache artifact matching `*.pyc` is tracked by git:"
        " untrack it with `git rm -r --cached -- b/old.pyc`"
    ]

    # All printed before: nothing printed, and still the status of the findings.
    assert run_hook("b/old.pyc") == (1, "")
    assert run_hook("m.py") == (0, "")


def test_the_ledger_never_hides_lines_from_a_person_or_a_program(
    repo: Path,
    run_hook: Callable[..., tuple[int, str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    artifact_repo(repo)
    monkeypatch.setattr(batches, "parent_process", lambda: "boot:100:5")
    files = ("a/__pycache__/m.pyc", "b/old.pyc")
    _, everything = run_hook(*files)

    # From a shell, twice: both print everything.
    assert run_hook(*files) == (1, everything)

    monkeypatch.setenv(batches.RUNNER_ENV, "1")
    assert run_hook(*files) == (1, everything)
    assert run_hook(*files) == (1, "")
    # A program calling main(argv) (a test, say) is no batch: it gets every line.
    assert check_cache_artifacts.main(["--no-fix", *files]) == 1
    assert capsys.readouterr().out == everything
    # --no-cache: no ledger; JSON: each batch's whole document.
    assert run_hook("--no-cache", *files) == (1, everything)
    status, document = run_hook("--format", "json", *files)
    assert status == 1
    assert len(json.loads(document)["findings"]) == 4
    assert run_hook("--format", "json", *files) == (1, document)
    # GitHub annotations are lines: each once per run.
    status, annotations = run_hook("--format", "github", *files)
    assert annotations.count("\n") == 5
    assert run_hook("--format", "github", *files) == (1, "")

    # The next pre-commit run (another runner process) prints everything again.
    monkeypatch.setattr(batches, "parent_process", lambda: "boot:100:6")
    assert run_hook(*files) == (1, everything)


# --- through pre-commit's own splitting, each batch a process of one parent ----------

# What pre-commit and prek do with a hook's batches: run them one after
# another, each a child of the runner's process, with PRE_COMMIT=1.
DRIVER = """
import json, os, subprocess, sys
env = dict(os.environ, PRE_COMMIT="1")
results = []
for command in json.load(sys.stdin):
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    results.append([done.returncode, done.stdout, done.stderr])
json.dump(results, sys.stdout)
"""


class Batch(NamedTuple):
    files: tuple[str, ...]
    status: int
    lines: list[str]


def tracked(root: Path) -> list[str]:
    return git(root, "ls-files").splitlines()


def run_like_pre_commit(root: Path, command: tuple[str, ...], max_length: int) -> list[Batch]:
    """The hook over every tracked file, split by pre-commit's own `partition`
    (at ``max_length``), the batches run by one parent process."""
    from pre_commit.xargs import partition

    commands = partition(command, tracked(root), target_concurrency=1, _max_length=max_length)
    driver = subprocess.run(
        (sys.executable, "-c", DRIVER),
        input=json.dumps(commands),
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    results = []
    for batch, (status, out, err) in zip(commands, json.loads(driver.stdout)):
        assert err == "", err
        results.append(Batch(batch[len(command) :], status, out.splitlines()))
    return results


def assert_batches_print_one_run(batched: list[Batch], whole: list[Batch]) -> list[str]:
    (one_run,) = whole
    printed = [line for batch in batched for line in batch.lines]
    assert len(batched) >= 3
    assert len(printed) == len(set(printed)), "a line printed twice"
    assert Counter(printed) == Counter(one_run.lines)
    return printed


CACHE_TREE: dict[str, str | bytes] = {
    **{f"svc{n}/__pycache__/m.cpython-311.pyc": b"\x00" for n in range(4)},
    **{f"svc{n}/mod_{i}.py": "" for n in range(4) for i in range(12)},
    ".coverage": b"SQLite format 3\x00",
    "legacy/old.pyc": b"\x00",
    "svc9/build.pyo": b"\x00",
}


@pytest.mark.parametrize("fix", [False, True], ids=["no-fix", "fix"])
def test_cache_artifacts_batches_print_one_run(tmp_path: Path, fix: bool) -> None:
    command: tuple[str, ...] = (sys.executable, "-m", "lucid_hooks.check_cache_artifacts")
    if not fix:
        command += ("--no-fix",)
    limit = len(" ".join(command)) + 200
    roots = [init_repo(write_tree(tmp_path / name, CACHE_TREE)) for name in ("batched", "whole")]

    batched = run_like_pre_commit(roots[0], command, limit)
    whole = run_like_pre_commit(roots[1], command, 1 << 17)

    printed = assert_batches_print_one_run(batched, whole)
    with_artifacts = [any(not path.endswith(".py") for path in batch.files) for batch in batched]
    assert sum(with_artifacts) >= 2
    # The status is each batch's findings, printed before or not.
    assert [batch.status for batch in batched] == [int(found) for found in with_artifacts]
    (note,) = [line for line in printed if line.startswith(UNTRACK_PREFIX)]
    assert note.endswith(
        "git rm -r --cached -- .coverage legacy/old.pyc svc0/__pycache__ svc1/__pycache__"
        " svc2/__pycache__ svc3/__pycache__ svc9/build.pyo"
    )
    assert sum(" LH302 " in line for line in printed) == 4
    assert (
        ".gitignore:1:1: LH302 `.gitignore` does not ignore `__pycache__/`: 4 cache artifacts"
        " such as `svc0/__pycache__/m.cpython-311.pyc` could be committed"
    ) in printed
    if fix:
        gitignores = [(root / ".gitignore").read_text() for root in roots]
        assert gitignores[0] == gitignores[1]
        assert sorted(gitignores[0].splitlines()) == [
            "*.pyc",
            "*.pyo",
            ".coverage",
            "__pycache__/",
        ]


def test_init_files_batches_print_one_run(tmp_path: Path) -> None:
    """A folder whose modules fall in two batches is one finding."""
    tree = {
        "wallet/__init__.py": "",
        **{f"wallet/walletd/module_{i}.py": "X = 1\n" for i in range(12)},
        **{f"wallet/deep/er/module_{i}.py": "X = 1\n" for i in range(12)},
    }
    command = (sys.executable, "-m", "lucid_hooks.check_init_files", "--no-fix")
    limit = len(" ".join(command)) + 150
    roots = [init_repo(write_tree(tmp_path / name, tree)) for name in ("batched", "whole")]

    batched = run_like_pre_commit(roots[0], command, limit)
    whole = run_like_pre_commit(roots[1], command, 1 << 17)

    printed = assert_batches_print_one_run(batched, whole)
    assert [line.split(": ")[0] for line in printed] == [
        "wallet/deep/__init__.py:1:1",
        "wallet/deep/er/__init__.py:1:1",
        "wallet/walletd/__init__.py:1:1",
    ]
    assert all(batch.status == 1 for batch in batched)
