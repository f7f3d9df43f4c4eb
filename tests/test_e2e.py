"""End to end: the hooks through real pre-commit and real prek, in real git
repositories. Every scenario runs under both runners, which must behave the
same (the fixtures, shared by the session, are in conftest.py)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path

from tests.conftest import (
    GIT_ENV,
    PROJECT,
    SCRIPTS,
    Completed,
    Runner,
    finding_lines,
    git,
    hook_ids,
    manifest,
)

WALLETD_LH101 = (
    "wallet/walletd/__init__.py:1:1: LH101 package folder `wallet/walletd/` has modules"
    " but no `__init__.py` (inside package `wallet/`)"
)


def output(result: Completed) -> str:
    return result.stdout + result.stderr


def test_manifest_is_valid(runner: Runner) -> None:
    result = runner(PROJECT, "validate-manifest", ".pre-commit-hooks.yaml")
    assert result.returncode == 0, output(result)


def test_run_fixes_the_demo_then_passes(tmp_path: Path, runner: Runner) -> None:
    demo = runner.demo(tmp_path / "demo")
    assert not (demo / "wallet/walletd/__init__.py").exists()

    first = runner(demo, "run", "check-init-files", "--all-files")

    assert first.returncode == 1, output(first)
    assert WALLETD_LH101 in output(first)
    assert "Created wallet/walletd/__init__.py" in output(first)
    assert (demo / "wallet/walletd/__init__.py").read_bytes() == b""

    second = runner(demo, "run", "check-init-files", "--all-files")

    assert second.returncode == 0, output(second)
    assert "Passed" in second.stdout


def test_commit_that_deletes_an_init_file_is_stopped(tmp_path: Path, runner: Runner) -> None:
    demo = runner.demo(tmp_path / "demo")
    (demo / "wallet/walletd/__init__.py").write_text("")
    git(demo, "add", "wallet/walletd/__init__.py")
    git(demo, "commit", "-q", "--no-verify", "-m", "add the missing __init__.py")
    git(demo, "rm", "-q", "wallet/walletd/__init__.py")

    # No Python file is staged, only the deletion: the hook must still run.
    result = runner(demo, "run", "check-init-files")

    assert result.returncode == 1, output(result)
    assert "wallet/walletd/__init__.py:1:1: LH101" in output(result)


def test_cache_artifacts_fixed_then_only_tracked_files_reported(
    tmp_path: Path, runner: Runner
) -> None:
    demo = runner.demo(tmp_path / "demo")
    cached = "sessions/__pycache__"
    assert git(demo, "ls-files", cached)
    assert not (demo / ".gitignore").exists()

    first = runner(demo, "run", "check-cache-artifacts", "--all-files")

    assert first.returncode == 1, output(first)
    assert f"{cached}/session_recorder.cpython-311.pyc:1:1: LH301" in output(first)
    assert "Added `__pycache__/` to .gitignore" in output(first)
    assert (demo / ".gitignore").read_text().splitlines() == ["__pycache__/"]
    after_fix = (demo / ".gitignore").read_bytes()

    second = runner(demo, "run", "check-cache-artifacts", "--all-files")

    assert second.returncode == 1, output(second)
    assert "LH302" not in output(second)
    assert f"{cached}/session_recorder.cpython-311.pyc:1:1: LH301" in output(second)
    assert f"run at the repository root: git rm -r --cached -- {cached}" in output(second)
    assert (demo / ".gitignore").read_bytes() == after_fix


def test_commit_of_the_kept_copy_names_the_leftover(tmp_path: Path, runner: Runner) -> None:
    """Without --all-files only the staged file is passed, and its untouched
    twin is still found (test_each_hook_reports_what_lucid_hooks_check_reports
    passes every file of the demo)."""
    demo = runner.demo(tmp_path / "demo")
    kept = demo / "sessions/recorder/session_recorder.py"
    kept.write_text(kept.read_text() + "# touched\n")
    git(demo, "add", "sessions/recorder/session_recorder.py")

    staged = runner(demo, "run", "check-duplicate-modules")

    assert staged.returncode == 1, output(staged)
    assert (
        "sessions/recorder/session_recorder.py:1:1: LH401 same code as"
        " `sessions/session_recorder.py`, the leftover"
    ) in output(staged)
    assert "sessions/session_recorder.py:1:1:" not in output(staged)
    assert "LH404" not in output(staged)


@functools.cache
def no_fix_args() -> Mapping[str, Sequence[str]]:
    """`--no-fix` for each hook that fixes by default (its --help offers it),
    so that the hooks, like `lucid-hooks check`, only report."""
    args = {}
    for hook in manifest():
        if hook["id"] not in hook_ids():
            continue
        entry = shutil.which(str(hook["entry"]), path=str(SCRIPTS))
        assert entry is not None, f"{hook['entry']} is not installed in {SCRIPTS}"
        usage = subprocess.run((entry, "--help"), capture_output=True, text=True, check=True)
        if "--no-fix" in usage.stdout:
            args[str(hook["id"])] = ("--no-fix",)
    return args


def as_printed(finding: Mapping[str, object]) -> str:
    """A finding of `--format json` as the text format prints it."""
    return (
        f"{finding['path']}:{finding['line']}:{finding['column']}:"
        f" {finding['code']} {finding['message']}"
    )


def findings_by_hook(output: str) -> dict[str, set[str]]:
    """The finding lines of a whole `run`, by the `- hook id:` each follows."""
    by_hook: dict[str, set[str]] = {}
    current = None
    for line in output.splitlines():
        if line.startswith("- hook id: "):
            current = by_hook.setdefault(line.removeprefix("- hook id: ").strip(), set())
        elif current is not None:
            current |= finding_lines(line)
    return by_hook


def test_each_hook_reports_what_lucid_hooks_check_reports(tmp_path: Path, runner: Runner) -> None:
    """`lucid-hooks check` on the demo finds, per hook, exactly what that hook
    finds through the runner with --all-files (so both runners find the same).
    One run of every hook: a runner starts each hook in its own processes anyway.
    Then the manual-stage `lucid-report` hook, on the same demo."""
    demo = runner.demo(tmp_path / "demo", no_fix_args())

    hooks = runner(demo, "run", "--all-files")

    through_runner = findings_by_hook(output(hooks))
    assert hooks.returncode == 1, output(hooks)
    assert sorted(through_runner) == sorted(hook_ids()), output(hooks)
    for hook_id, found in through_runner.items():
        assert found, f"{hook_id} found nothing in the demo:\n{output(hooks)}"
        # Detail belongs to `lucid-hooks rule CODE`, not to the line.
        assert all(len(line) < 200 for line in found), max(found, key=len)
    # The demo's planted copies, each named with its twin.
    duplicates = through_runner["check-duplicate-modules"]
    assert any(
        " LH401 " in line
        and "sessions/session_recorder.py" in line
        and "sessions/recorder/session_recorder.py" in line
        for line in duplicates
    ), output(hooks)
    assert any(
        " LH404 " in line
        and "sessions/pipeline/Dockerfile" in line
        and "sessions/storage/Dockerfile" in line
        for line in duplicates
    ), output(hooks)
    # The demo's planted entry-point defects, and nothing on its correct services.
    planted: tuple[str, ...] = (
        "sessions/api/session_api.py:5:1: LH208 ",
        "sessions/processor/Dockerfile:16:1: LH204 ",
        "sessions/recorder/main.py:14:1: LH203 ",
        "sessions/recorder/requirements.txt:3:4: LH210 ",
        "sessions/storage/session_storage.py:9:1: LH201 ",
        # vm/ runs Python 3.13: a merge conflict's marker fails there too.
        "vm/quotas.py:3:1: LH205 ",
        "wallet/wallet_manager.py:7:1: LH206 ",
    )
    entry_points = sorted(through_runner["check-entry-point-imports"])
    assert [line[: len(start)] for line, start in zip(entry_points, planted)] == list(planted)
    assert len(entry_points) == len(planted), output(hooks)
    # The demo's planted distroless defects, each once, and nothing on the
    # other images (sessions/Dockerfile is the model build).
    planted = (
        "sessions/processor/Dockerfile:15:1: LH509 ",
        "sessions/processor/Dockerfile:16:1: LH507 ",
        "sessions/recorder/Dockerfile:18:1: LH506 ",
        "user_content/Dockerfile:14:1: LH505 ",
        "user_content/Dockerfile:8:1: LH512 ",
        "vm/Dockerfile:7:1: LH502 ",
        "vm/Dockerfile:7:1: LH508 ",
        "wallet/Dockerfile:8:1: LH501 ",
    )
    distroless = sorted(through_runner["check-distroless"])
    assert [line[: len(start)] for line, start in zip(distroless, planted)] == list(planted)
    assert len(distroless) == len(planted), output(hooks)
    # Reporting only: lucid-hooks check below sees the very tree the hooks saw.
    assert git(demo, "status", "--porcelain", "--untracked-files=all") == ""

    # This checkout's code, which the hook repository is a snapshot of.
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(PROJECT)}
    env.pop("GIT_INDEX_FILE", None)
    check = subprocess.run(
        (sys.executable, "-m", "lucid_hooks", "check", "--format", "json"),
        cwd=demo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert check.returncode == 1, output(check)
    findings = json.loads(check.stdout)["findings"]
    assert all("hook" in finding for finding in findings), (
        "lucid-hooks check --format json names no `hook` for its findings"
    )
    from_check = {
        hook_id: {as_printed(finding) for finding in findings if finding["hook"] == hook_id}
        for hook_id in hook_ids()
    }
    assert through_runner == from_check
    # The report's manual-stage hook: never in a commit's run, and run by
    # hand it writes the report `lucid-hooks report` writes.
    assert "lucid-report" not in output(hooks)
    written = runner(demo, "run", "lucid-report", "--hook-stage", "manual")
    assert written.returncode == 0, output(written)
    report = (demo / "lucid-report.md").read_text(encoding="utf-8")
    assert report.startswith("# Distroless and package audit: demo\n"), report[:200]
    assert "`wallet/walletd/__init__.py`" in report
    assert "### ❔ `tools`: not found" in report


# Last, so that its try-repo (conftest.try_repo, started with the session)
# has finished while the other scenarios ran.
def test_try_repo_fixes_the_demo(
    runner: Runner, first_tries: Mapping[str, tuple[Path, Future[Completed]]]
) -> None:
    demo, started = first_tries[runner.name]
    result = started.result()

    assert result.returncode == 1, output(result)
    assert WALLETD_LH101 in output(result)
    assert "Created wallet/walletd/__init__.py" in output(result)
    assert (demo / "wallet/walletd/__init__.py").read_bytes() == b""
