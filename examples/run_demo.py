"""Run every hook of this repository over a fresh copy of the demo monorepo.

    python examples/run_demo.py

Copies ``examples/lucid-monorepo`` into a new git repository, commits it as
it is (defects included), then runs ``pre-commit try-repo`` with this
checkout twice: the first run shows the findings and the fixes, the second
what is left once the fixes are in place. The copy is kept for a look.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DEMO = PROJECT / "examples" / "lucid-monorepo"
GIT_IDENTITY = ("-c", "user.name=Lucid Demo", "-c", "user.email=demo@example.com")


def run(command: list[str], cwd: Path) -> int:
    print(f"\n$ {' '.join(command)}", flush=True)
    return subprocess.run(command, cwd=cwd, check=False).returncode


def main() -> int:
    workspace = Path(tempfile.mkdtemp(prefix="lucid-demo-"))
    demo = workspace / "lucid-monorepo"
    shutil.copytree(DEMO, demo)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "--no-verify", "-m", "demo")):
        subprocess.run(("git", *GIT_IDENTITY, *args), cwd=demo, check=True)
    print(f"Demo monorepo committed at {demo}")

    print("\n== first run: findings and fixes (pre-commit builds the hook environment once) ==")
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(PROJECT), "--all-files"]
    first = run(pre_commit, demo)
    print("\n== second run: the fixes are in place; what remains needs a person ==")
    second = run(pre_commit, demo)
    print(f"\nExit statuses: first run {first}, second run {second}.")
    print(f"Untracked files the fixes created ({demo}):")
    subprocess.run(("git", "status", "--short", "--untracked-files=all"), cwd=demo, check=False)
    print("\nOr, without pre-commit: lucid-hooks check  (run inside the copy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
