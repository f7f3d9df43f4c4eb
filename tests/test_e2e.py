"""End to end: the hooks through real pre-commit, in real git repositories
(the fixtures, shared by the session, are in conftest.py)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PROJECT, demo_repo, git, pre_commit


def test_manifest_is_valid(pre_commit_env: dict[str, str]) -> None:
    result = pre_commit(pre_commit_env, PROJECT, "validate-manifest", ".pre-commit-hooks.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_try_repo_fixes_the_demo_then_passes(
    tmp_path: Path, pre_commit_env: dict[str, str], hook_repo: Path
) -> None:
    demo = demo_repo(tmp_path / "demo")
    assert not (demo / "wallet/walletd/__init__.py").exists()

    first = pre_commit(
        pre_commit_env, demo, "try-repo", str(hook_repo), "check-init-files", "--all-files"
    )

    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    assert (
        "wallet/walletd/__init__.py:1:1: LH101 package folder `wallet/walletd/` has modules"
        " but no `__init__.py` (inside package `wallet/`)"
    ) in output
    assert "Created wallet/walletd/__init__.py" in output
    assert (demo / "wallet/walletd/__init__.py").read_bytes() == b""

    second = pre_commit(
        pre_commit_env, demo, "try-repo", str(hook_repo), "check-init-files", "--all-files"
    )
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout


def test_commit_that_deletes_an_init_file_is_stopped(
    tmp_path: Path, pre_commit_env: dict[str, str], hook_repo: Path
) -> None:
    demo = demo_repo(tmp_path / "demo")
    (demo / "wallet/walletd/__init__.py").write_text("")
    git(demo, "add", "wallet/walletd/__init__.py")
    git(demo, "commit", "-q", "--no-verify", "-m", "add the missing __init__.py")
    git(demo, "rm", "-q", "wallet/walletd/__init__.py")

    # No Python file is staged, only the deletion: the hook must still run.
    result = pre_commit(pre_commit_env, demo, "try-repo", str(hook_repo), "check-init-files")

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "wallet/walletd/__init__.py:1:1: LH101" in output


def test_try_repo_duplicate_modules_on_the_demo(
    tmp_path: Path, pre_commit_env: dict[str, str], hook_repo: Path
) -> None:
    demo = demo_repo(tmp_path / "demo")

    result = pre_commit(
        pre_commit_env, demo, "try-repo", str(hook_repo), "check-duplicate-modules", "--all-files"
    )

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    lines = output.splitlines()
    assert any(
        " LH401 " in line
        and "sessions/session_recorder.py" in line
        and "sessions/recorder/session_recorder.py" in line
        for line in lines
    ), output
    assert any(
        " LH404 " in line
        and "sessions/pipeline/Dockerfile" in line
        and "sessions/storage/Dockerfile" in line
        for line in lines
    ), output
    assert git(demo, "status", "--porcelain", "--untracked-files=all") == ""


def test_try_repo_on_the_demo_fixes_then_reports_only_tracked_files(
    tmp_path: Path, pre_commit_env: dict[str, str], hook_repo: Path
) -> None:
    demo = demo_repo(tmp_path / "demo")
    cached = "sessions/__pycache__"
    assert git(demo, "ls-files", cached)
    assert not (demo / ".gitignore").exists()

    first = pre_commit(
        pre_commit_env, demo, "try-repo", str(hook_repo), "check-cache-artifacts", "--all-files"
    )

    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    assert f"{cached}/session_recorder.cpython-311.pyc:1:1: LH301" in output
    assert "Added `__pycache__/` to .gitignore" in output
    assert (demo / ".gitignore").read_text().splitlines() == ["__pycache__/"]
    after_fix = (demo / ".gitignore").read_bytes()

    second = pre_commit(
        pre_commit_env, demo, "try-repo", str(hook_repo), "check-cache-artifacts", "--all-files"
    )

    output = second.stdout + second.stderr
    assert second.returncode == 1, output
    assert "LH302" not in output
    assert f"{cached}/session_recorder.cpython-311.pyc:1:1: LH301" in output
    assert f"run at the repository root: git rm -r --cached -- {cached}" in output
    assert (demo / ".gitignore").read_bytes() == after_fix


def test_commit_of_the_kept_copy_names_the_leftover(
    tmp_path: Path, pre_commit_env: dict[str, str], hook_repo: Path
) -> None:
    """Through real pre-commit, without --all-files: only the staged file is
    passed, and its untouched twin is still found (tests/test_e2e.py runs
    the hook over every file of the demo)."""
    demo = demo_repo(tmp_path / "demo")
    kept = demo / "sessions/recorder/session_recorder.py"
    kept.write_text(kept.read_text() + "# touched\n")
    git(demo, "add", "sessions/recorder/session_recorder.py")

    staged = pre_commit(
        pre_commit_env, demo, "try-repo", str(hook_repo), "check-duplicate-modules"
    )

    output = staged.stdout + staged.stderr
    assert staged.returncode == 1, output
    assert "sessions/session_recorder.py:1:1: LH401 same code as" in output
    assert "LH404" not in output
