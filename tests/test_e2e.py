"""End to end: the hooks through real pre-commit, in real git repositories.

Each ``try-repo`` installs this repository into a virtual environment. The
whole session shares one PRE_COMMIT_HOME and one snapshot commit of the
working tree, so that environment is built once. pip reads packages only
from the local wheelhouse (see README), never from the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, git, init_repo

PROJECT = Path(__file__).resolve().parents[1]
DEMO = PROJECT / "examples" / "lucid-monorepo"
WHEELHOUSE = Path(os.environ.get("LUCID_HOOKS_WHEELHOUSE", PROJECT / ".wheelhouse"))


@pytest.fixture(scope="session")
def pre_commit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if not any(WHEELHOUSE.glob("*.whl")):
        pytest.skip(
            f"no wheelhouse at {WHEELHOUSE}: run `pip wheel -w .wheelhouse . setuptools wheel"
            " tomli` once (README, Tests) so the end-to-end tests install offline"
        )
    env = {**os.environ, **GIT_ENV}
    for variable in ("GIT_INDEX_FILE", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"):
        env.pop(variable, None)
    env.update(
        PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")),
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(WHEELHOUSE),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        VIRTUALENV_NO_PERIODIC_UPDATE="1",
        PRE_COMMIT_COLOR="never",
    )
    return env


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project's working tree as one commit, like a published hook repo."""
    listed = subprocess.run(
        ("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"),
        cwd=PROJECT,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        pytest.skip("the project is not a git checkout")
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in os.fsdecode(listed.stdout).split("\0"):
        source = PROJECT / name
        if name and source.is_file():
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return init_repo(snapshot)


def demo_repo(destination: Path) -> Path:
    shutil.copytree(DEMO, destination)
    return init_repo(destination)


def pre_commit(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        (sys.executable, "-m", "pre_commit", *args),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


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
