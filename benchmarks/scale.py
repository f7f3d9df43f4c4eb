"""Every hook on generated monorepos of 1k, 10k and 100k files (2 cores).

    python benchmarks/scale.py [--sizes 1000 10000 100000] [--folder DIR] [--keep]

For each size: writes a monorepo (services of packages of distinct modules,
a few copies and near copies, committed `__pycache__/` files, Dockerfiles;
deterministic from a seed), commits it, and times each hook three ways, with
its peak memory (`/usr/bin/time`): one process over the whole tree (`HOOK
.`), a one-file commit once the disk cache is warm, and `pre-commit run
--all-files` (which splits the file list into batches of 128 KiB), beside
pre-commit's own cost: the same run of a hook that does nothing (`true`,
given the same files), which is what pre-commit spends listing and
classifying the tree before any hook starts. Then `prek run --all-files`
where prek is installed beside this interpreter. The hooks are the console
scripts beside this interpreter (`pip install .`, not `-e`, to time what
users get). The trees go to /dev/shm when it exists.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The same distinct modules as the batches benchmark (this folder is on sys.path).
from batches import module_source

BIN = Path(sys.executable).parent
HOOKS = (
    "check-init-files",
    "check-cache-artifacts",
    "check-duplicate-modules",
    "check-entry-point-imports",
)
MODULES_PER_PACKAGE = 20
PACKAGES_PER_SERVICE = 10
# GNU time, for the peak memory of each command.
GNU_TIME = "/usr/bin/time"
GIT = ("git", "-c", "user.name=bench", "-c", "user.email=bench@example.com")
# What each hook is given: the manifest's files for duplicates, every file and
# no fix for the others (a fix would change the tree between measurements).
SELECTION = {
    "check-init-files": "args: [--no-fix]",
    "check-cache-artifacts": "args: [--no-fix]",
    "check-duplicate-modules": "types_or: [python, dockerfile]",
    "check-entry-point-imports": "always_run: true",
}
# The hook that does nothing, for pre-commit's own share of a run.
NOTHING = "true"
DOCKERFILE = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/main.py"]\n'


def service_files(rnd: random.Random, service: int) -> dict[str, str]:
    """One service: its packages, an entry point, a Dockerfile, and every
    tenth service a leftover copy, a near copy and a committed cache."""
    files = {
        f"svc{service:04d}/main.py": "import os\n",
        f"svc{service:04d}/Dockerfile": DOCKERFILE,
    }
    for package in range(PACKAGES_PER_SERVICE):
        folder = f"svc{service:04d}/pkg{package}"
        files[f"{folder}/__init__.py"] = ""
        for number in range(MODULES_PER_PACKAGE):
            files[f"{folder}/mod{number}.py"] = module_source(rnd, f"{service}.{package}.{number}")
    if service % 10 == 0:
        base = files[f"svc{service:04d}/pkg0/mod0.py"]
        files[f"svc{service:04d}/pkg0/mod0_old.py"] = base
        files[f"svc{service:04d}/pkg1/mod0_v2.py"] = base.replace("return x +", "return x -", 1)
        files[f"svc{service:04d}/pkg0/__pycache__/mod0.cpython-312.pyc"] = "\0pyc"
    return files


def write_tree(root: Path, size: int) -> int:
    rnd = random.Random(11)
    written = 0
    service = 0
    while written < size:
        for path, text in service_files(rnd, service).items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            written += 1
        service += 1
    subprocess.run((*GIT, "init", "-q"), cwd=root, check=True)
    subprocess.run((*GIT, "add", "-A"), cwd=root, check=True)
    subprocess.run((*GIT, "commit", "-q", "--no-verify", "-m", "tree"), cwd=root, check=True)
    return written


def measured(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak memory (MB, the largest process) of ``command``,
    which must report (exit 0 or 1), not fail."""
    timed = subprocess.run(
        (GNU_TIME, "-f", "%e %M", *command),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # A runner exits 1 for its own errors as for a hook's findings.
    if timed.returncode not in (0, 1) or "An error has occurred" in timed.stdout:
        raise SystemExit(f"{' '.join(command)} failed ({timed.returncode}):\n{timed.stderr}")
    seconds, kilobytes = timed.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) // 1024


def config() -> str:
    """Each hook as the manifest runs it, and each again as `true` given the
    same files: pre-commit's cost without the hook's."""
    hooks = "".join(
        f"      - id: {hook_id}\n        name: {hook_id}\n        entry: '{entry}'\n"
        "        language: system\n"
        f"        {SELECTION[hook]}\n"
        "        require_serial: true\n"
        for hook in HOOKS
        for hook_id, entry in ((hook, BIN / hook), (f"{hook}-{NOTHING}", NOTHING))
    )
    return f"repos:\n  - repo: local\n    hooks:\n{hooks}"


def measure_size(folder: Path, size: int, *, keep: bool = False) -> list[str]:
    root = folder / f"tree-{size}"
    count = write_tree(root, size)
    (root / ".pre-commit-config.yaml").write_text(config())
    subprocess.run((*GIT, "add", ".pre-commit-config.yaml"), cwd=root, check=True)
    one_file = "svc0000/pkg0/mod0.py"
    rows = []
    for hook in HOOKS:
        env = {**os.environ, "LUCID_HOOKS_CACHE_DIR": str(folder / f"cache-{size}-{hook}")}
        fix = ["--no-fix"] if hook in ("check-init-files", "check-cache-artifacts") else []
        # One process over the whole tree, from an empty cache (which it fills).
        whole, whole_mb = measured([str(BIN / hook), *fix, "."], root, env)
        # A commit of one changed file: its record in the index is stale.
        with (root / one_file).open("a") as changed:
            changed.write(f"# touched by {hook}\n")
        one, one_mb = measured([str(BIN / hook), *fix, one_file], root, env)
        runner = [sys.executable, "-m", "pre_commit", "run", hook, "--all-files"]
        cold = {
            **env,
            "PRE_COMMIT_HOME": str(folder),
            "LUCID_HOOKS_CACHE_DIR": str(folder / f"cold-{size}-{hook}"),
        }
        batched, batched_mb = measured(runner, root, cold)
        floor, _ = measured([*runner[:-2], f"{hook}-{NOTHING}", "--all-files"], root, cold)
        prek = prek_seconds(hook, root, {**cold, "PREK_HOME": str(folder / "prek")})
        rows.append(
            f"| {count:,} | {hook} | {whole:.2f} s, {whole_mb} MB | {one * 1000:.0f} ms,"
            f" {one_mb} MB | {batched:.2f} s, {batched_mb} MB | {floor:.2f} s"
            f" | {(batched - floor) / whole:.2f}x | {prek} |"
        )
        print(rows[-1], flush=True)
    if not keep:
        shutil.rmtree(root)
    return rows


def prek_seconds(hook: str, root: Path, env: dict[str, str]) -> str:
    """`prek run HOOK --all-files` from an empty cache, if prek is installed."""
    prek = BIN / "prek"
    if not prek.exists():
        return "(no prek)"
    cache = Path(env["LUCID_HOOKS_CACHE_DIR"])
    seconds, _ = measured(
        [str(prek), "run", hook, "--all-files"],
        root,
        {**env, "LUCID_HOOKS_CACHE_DIR": str(cache.with_name(cache.name + "-prek"))},
    )
    return f"{seconds:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--folder", type=Path, help="where the trees go (default: a new one)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the trees (and caches) in --folder afterwards"
    )
    args = parser.parse_args()
    if not os.access(GNU_TIME, os.X_OK):
        parser.error(f"{GNU_TIME} (GNU time, for the peak memory) is not installed")
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    folder = args.folder or Path(tempfile.mkdtemp(prefix="lucid-scale-", dir=base))
    print(
        "| files | hook | one process over all, empty cache | one-file commit, warm cache"
        " | `pre-commit run --all-files`, empty cache | the same run of `true`"
        " | (pre-commit - `true`) / one process | `prek run --all-files`, empty cache |"
    )
    print("|---|---|---|---|---|---|---|---|")
    try:
        for size in args.sizes:
            measure_size(folder, size, keep=args.keep and args.folder is not None)
    finally:
        if args.folder is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
