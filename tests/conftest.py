"""Shared test helpers: file trees in tmp_path, real git repositories."""

from __future__ import annotations

import os
import subprocess
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
