"""Shared test helpers: file trees in tmp_path, real git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create ``files`` (repo-relative path -> content) under ``root``."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    env.pop("GIT_INDEX_FILE", None)
    completed = subprocess.run(
        ("git", *args), cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return completed.stdout


def init_repo(repo: Path, *, commit: bool = True) -> Path:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "commit.gpgsign", "false")
    if commit:
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--no-verify", "-m", "initial")
    return repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder that is the current directory (not a git repo)."""
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


# --- end to end through real pre-commit -------------------------------------
# Each `try-repo` installs this repository into a virtual environment. The
# whole session shares one PRE_COMMIT_HOME and one snapshot commit of the
# working tree, so that environment is built once. pip reads packages only
# from the local wheelhouse (see README), never from the network.

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
