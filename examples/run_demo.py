"""Run every hook of this repository over a fresh copy of the demo monorepo.

    python examples/run_demo.py [--keep]

Copies ``examples/lucid-monorepo`` into a new git repository, commits it as
it is (defects included), then runs ``pre-commit try-repo`` with this
checkout twice. try-repo installs the hooks into a new environment on every
call, so each run takes a few seconds before the hooks start: the first run
shows the findings and the fixes, the second what is left once the fixes are
in place. The copy is deleted at the end unless ``--keep`` is given.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
DEMO = PROJECT / "examples" / "lucid-monorepo"
GIT_IDENTITY = ("-c", "user.name=Lucid Demo", "-c", "user.email=demo@example.com")


def run(command: list[str], cwd: Path) -> int:
    print(f"\n$ {shlex.join(command)}", flush=True)
    return subprocess.run(command, cwd=cwd, check=False).returncode


def demo_copy(workspace: Path) -> Path:
    demo = workspace / "lucid-monorepo"
    shutil.copytree(DEMO, demo)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "--no-verify", "-m", "demo")):
        subprocess.run(("git", *GIT_IDENTITY, *args), cwd=demo, check=True)
    print(f"Demo monorepo committed at {demo}")
    return demo


def show(demo: Path) -> None:
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(PROJECT), "--all-files"]
    print("\n== first run: findings and fixes (try-repo installs the hooks first) ==")
    first = run(pre_commit, demo)
    print("\n== second run: the fixes are in place; what remains needs a person ==")
    second = run(pre_commit, demo)
    print(f"\nExit statuses: first run {first}, second run {second}.")
    print("Untracked files the fixes created:")
    subprocess.run(("git", "status", "--short", "--untracked-files=all"), cwd=demo, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the copy to look at")
    args = parser.parse_args()
    workspace = Path(tempfile.mkdtemp(prefix="lucid-demo-"))
    try:
        demo = demo_copy(workspace)
        show(demo)
        if args.keep:
            check = [sys.executable, "-m", "lucid_hooks", "check"]
            print(
                f"\nThe copy is kept. Without pre-commit:\n  cd {shlex.quote(str(demo))}"
                f" && {shlex.join(check)}"
            )
    finally:
        if not args.keep:
            shutil.rmtree(workspace, ignore_errors=True)
    if not args.keep:
        script = shlex.join([sys.executable, str(Path(__file__).resolve()), "--keep"])
        print(f"\nThe copy was deleted. To keep one and look around:\n  {script}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
