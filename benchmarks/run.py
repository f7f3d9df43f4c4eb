"""Side-by-side wall time of each hook and the peer its issue names.

    python benchmarks/run.py [--files 1300] [--runs 20] [--only check-init-files]

The tree is real code: the first N ``.py`` files of the running interpreter's
standard library (sorted walk, site-packages left out), copied with their
folders into a temporary git repository. Every command gets the same tracked
files as arguments, the way pre-commit passes them, and runs with that
repository as its working directory. Commands are found beside this
interpreter (install with ``pip install . ruff pre-commit-hooks``, not ``-e``,
to time what users get).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent

# scenario -> (our command, the peer's command, what the peer is); "{files}"
# stands for the tracked .py files, "{one}" for one of them (a one-file commit).
SCENARIOS: dict[str, tuple[list[str], list[str], str]] = {
    "check-init-files": (
        ["check-init-files", "--no-fix", "{files}"],
        ["ruff", "check", "--select", "INP001", "--no-cache", "."],
        "ruff check --select INP001 --no-cache",
    ),
    "check-cache-artifacts": (
        ["check-cache-artifacts", "--no-fix", "{files}"],
        ["check-ast", "{files}"],
        "pre-commit-hooks check-ast",
    ),
    "check-duplicate-modules": (
        ["check-duplicate-modules", "--no-cache", "{files}"],
        ["check-ast", "{files}"],
        "pre-commit-hooks check-ast",
    ),
    "check-duplicate-modules, cache warm": (
        ["check-duplicate-modules", "{files}"],
        ["check-ast", "{files}"],
        "pre-commit-hooks check-ast",
    ),
    "check-duplicate-modules, one-file commit, cache warm": (
        ["check-duplicate-modules", "{one}"],
        ["check-duplicate-modules", "--no-cache", "{one}"],
        "the same with --no-cache",
    ),
}


def build_tree(destination: Path, count: int) -> list[str]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files: list[Path] = []
    for folder, dirnames, filenames in os.walk(stdlib):
        dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "__pycache__"))
        files.extend(Path(folder) / name for name in sorted(filenames) if name.endswith(".py"))
        if len(files) >= count:
            break
    chosen = files[:count]
    for source in chosen:
        target = destination / source.relative_to(stdlib)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    git = ("git", "-c", "user.name=bench", "-c", "user.email=bench@example.com")
    subprocess.run((*git, "init", "-q"), cwd=destination, check=True)
    subprocess.run((*git, "add", "-A"), cwd=destination, check=True)
    subprocess.run((*git, "commit", "-q", "-m", "tree"), cwd=destination, check=True)
    return sorted(source.relative_to(stdlib).as_posix() for source in chosen)


def command_line(template: list[str], files: list[str]) -> list[str]:
    expanded: list[str] = []
    for part in template:
        if part == "{files}":
            expanded.extend(files)
        elif part == "{one}":
            expanded.append(files[len(files) // 2])
        elif not expanded:
            executable = BIN / part
            if not executable.exists():
                sys.exit(f"{part} is not installed beside {sys.executable}")
            expanded.append(str(executable))
        else:
            expanded.append(part)
    return expanded


def wall_times(command: list[str], cwd: Path, runs: int, env: dict[str, str]) -> list[float]:
    for _ in range(3):  # warm the page cache, the .pyc files and our disk cache
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1300)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", choices=sorted(SCENARIOS), action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        # Users have .pyc files; the hooks' disk cache goes to a fresh folder.
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env["LUCID_HOOKS_CACHE_DIR"] = str(Path(temporary) / "cache")
        tree = Path(temporary) / "tree"
        tree.mkdir()
        files = build_tree(tree, args.files)
        size = sum((tree / name).stat().st_size for name in files) // 1024
        print(f"{len(files)} .py files, {size} KiB, Python {sys.version.split()[0]}\n")
        print("| hook | hook median | peer | peer median | ratio |")
        print("|---|---|---|---|---|")
        for hook, (ours, theirs, peer) in SCENARIOS.items():
            if args.only and hook not in args.only:
                continue
            our_time = statistics.median(
                wall_times(command_line(ours, files), tree, args.runs, env)
            )
            peer_time = statistics.median(
                wall_times(command_line(theirs, files), tree, args.runs, env)
            )
            print(
                f"| {hook} | {our_time * 1000:.0f} ms | {peer} | {peer_time * 1000:.0f} ms"
                f" | {our_time / peer_time:.2f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
