"""check-duplicate-modules under `pre-commit run --all-files`, which splits the
file list into batches of 128 KiB of arguments and runs each as a new process.

    python benchmarks/batches.py [--modules 41600] [--runs 1]

Writes a synthetic monorepo (services of packages of distinct modules,
deterministic from a seed, no duplicates), commits it, and times the hook
through real pre-commit three ways: with `--no-cache` (every batch reads and
compares the whole tree, as before the cache existed), with a fresh cache
(the first batch finds the whole tree's duplicates and keeps them), and with
that cache warm. The hook is the console script beside this interpreter
(`pip install .`, not `-e`, to time what users get).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
WORDS = ("alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta", "zeta")
MODULES_PER_PACKAGE = 25
PACKAGES_PER_SERVICE = 10


def module_source(rnd: random.Random, title: str) -> str:
    lines = [f'"""Module {title}."""', "import os", ""]
    for _ in range(rnd.randint(4, 9)):
        lines.append(f"def {rnd.choice(WORDS)}_{rnd.randrange(10**6)}(x, y={rnd.randrange(100)}):")
        for _ in range(rnd.randint(2, 6)):
            lines.append(f"    x = x * {rnd.randrange(1000)} + y - {rnd.randrange(1000)}")
        lines.extend((f"    return x + {rnd.randrange(10**5)}", ""))
    return "\n".join(lines) + "\n"


def write_tree(root: Path, modules: int) -> int:
    rnd = random.Random(7)
    written = 0
    service = 0
    while written < modules:
        for package in range(PACKAGES_PER_SERVICE):
            folder = root / f"svc{service:03d}" / f"pkg{package}"
            folder.mkdir(parents=True)
            (folder / "__init__.py").write_text("")
            for number in range(MODULES_PER_PACKAGE):
                title = f"{service}.{package}.{number}"
                (folder / f"mod{number}.py").write_text(module_source(rnd, title))
            written += MODULES_PER_PACKAGE + 1
        service += 1
    git = ("git", "-c", "user.name=bench", "-c", "user.email=bench@example.com")
    subprocess.run((*git, "init", "-q"), cwd=root, check=True)
    subprocess.run((*git, "add", "-A"), cwd=root, check=True)
    subprocess.run((*git, "commit", "-q", "-m", "tree"), cwd=root, check=True)
    return written


def config(args: str) -> str:
    hook = BIN / "check-duplicate-modules"
    return (
        "repos:\n  - repo: local\n    hooks:\n      - id: check-duplicate-modules\n"
        f"        name: duplicates\n        entry: {hook}\n        language: system\n"
        f"        args: [{args}]\n        types_or: [python, dockerfile]\n"
        "        require_serial: true\n"
    )


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=41600)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        base = Path(temporary)
        tree = base / "tree"
        tree.mkdir()
        count = write_tree(tree, args.modules)
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env.update(PRE_COMMIT_HOME=str(base / "pre-commit"), PRE_COMMIT_COLOR="never")
        run = [sys.executable, "-m", "pre_commit", "run", "--all-files", "-c"]
        (base / "no-cache.yaml").write_text(config("--no-cache"))
        (base / "cache.yaml").write_text(config(""))
        results = {}
        for label, name in (("--no-cache", "no-cache.yaml"), ("cache cold", "cache.yaml")):
            times = []
            for attempt in range(args.runs):
                env["LUCID_HOOKS_CACHE_DIR"] = str(base / f"cache-{attempt}")
                times.append(timed([*run, str(base / name)], tree, env))
            results[label] = statistics.median(times)
        results["cache warm"] = statistics.median(
            timed([*run, str(base / "cache.yaml")], tree, env) for _ in range(args.runs)
        )
        print(f"{count} Python files, Python {sys.version.split()[0]}\n")
        print("| pre-commit run --all-files | wall time |")
        print("|---|---|")
        for label, seconds in results.items():
            print(f"| check-duplicate-modules, {label} | {seconds:.1f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
