"""check-entry-point-imports beside `ruff analyze graph`, on one generated monorepo.

    python benchmarks/entry_points.py [--services 32] [--runs 5]

Writes a service monorepo (deterministic from a seed): ``--services``
services, each a Dockerfile whose final stage runs its ``main.py`` (half as a
script from WORKDIR, half as ``python -m`` of its package), a package of
modules importing each other and the shared libraries, and shared library
packages every service copies in; about 40 files per service. Commits it,
then times, in the same run, the fastest of ``--runs``: `ruff analyze graph`
(ruff's import graph of every file; it keeps no cache), the hook over the
whole tree from an empty disk cache (cold), and again with the cache warm.
The hook is the console script beside this interpreter (`pip install .`,
not `-e`, to time what users get); ruff is the one beside it too.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
GIT = ("git", "-c", "user.name=bench", "-c", "user.email=bench@example.com")
MODULES = 34
LIBRARIES = 8
LIBRARY_MODULES = 12
WORDS = ("ledger", "quota", "router", "codec", "vault", "probe", "relay", "cursor")


def module_text(rnd: random.Random, imports: list[str], title: str) -> str:
    lines = [f'"""{title}."""', "", "import json", "import logging", *imports, ""]
    for number in range(rnd.randint(6, 14)):
        lines.append(
            f"def {rnd.choice(WORDS)}_{number}(value: int, scale: int = {number}) -> int:"
        )
        lines.append(f'    """Step {number} of {title}."""')
        for _ in range(rnd.randint(3, 8)):
            lines.append(f"    value = value * {rnd.randrange(100)} + scale - {rnd.randrange(50)}")
        lines.extend(("    return value", ""))
    return "\n".join(lines) + "\n"


def library_files(rnd: random.Random) -> dict[str, str]:
    files = {"libs/__init__.py": ""}
    for library in range(LIBRARIES):
        folder = f"libs/lib{library}"
        files[f"{folder}/__init__.py"] = f"from libs.lib{library}.m0 import *\n"
        for number in range(LIBRARY_MODULES):
            imports = [f"from libs.lib{library}.m{number - 1} import *"] if number else []
            files[f"{folder}/m{number}.py"] = module_text(rnd, imports, f"lib{library}.m{number}")
    return files


def service_files(rnd: random.Random, service: int) -> dict[str, str]:
    name = f"svc{service:02d}"
    script_style = service % 2 == 0
    files: dict[str, str] = {}
    for number in range(MODULES):
        target = rnd.randrange(number) if number else None
        library = rnd.randrange(LIBRARIES)
        imports = [f"from libs.lib{library} import m{rnd.randrange(LIBRARY_MODULES)}"]
        if target is not None:
            imports.append(
                f"import m{target}" if script_style else f"from {name} import m{target}"
            )
        files[f"services/{name}/m{number}.py"] = module_text(rnd, imports, f"{name}.m{number}")
    top = ", ".join(f"m{number}" for number in range(MODULES - 4, MODULES))
    main_import = f"import {top}" if script_style else f"from {name} import {top}"
    files[f"services/{name}/main.py"] = f'"""{name}."""\n\nimport sys\n\n{main_import}\n'
    if script_style:
        copy = f"COPY services/{name}/ .\nCOPY libs/ ./libs/\n"
        command = 'CMD ["main.py"]'
    else:
        files[f"services/{name}/__init__.py"] = ""
        copy = f"COPY services/{name}/ ./{name}/\nCOPY libs/ ./libs/\n"
        command = f'CMD ["-m", "{name}.main"]'
    files[f"services/{name}/Dockerfile"] = (
        "FROM gcr.io/distroless/python3-debian12:nonroot\nWORKDIR /app\n" + copy + command + "\n"
    )
    files[f"services/{name}/requirements.txt"] = "requests==2.32.3\n"
    return files


def write_tree(root: Path, services: int) -> int:
    rnd = random.Random(7)
    files = library_files(rnd)
    for service in range(services):
        files.update(service_files(rnd, service))
    # Every Dockerfile builds from the repository root.
    compose = ["services:"]
    for service in range(services):
        name = f"svc{service:02d}"
        compose += [
            f"  {name}:",
            "    build:",
            "      context: .",
            f"      dockerfile: services/{name}/Dockerfile",
        ]
    files["compose.yaml"] = "\n".join(compose) + "\n"
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    subprocess.run((*GIT, "init", "-q"), cwd=root, check=True)
    subprocess.run((*GIT, "add", "-A"), cwd=root, check=True)
    subprocess.run((*GIT, "commit", "-q", "--no-verify", "-m", "tree"), cwd=root, check=True)
    return len(files)


def fastest(
    command: list[str], cwd: Path, runs: int, env: dict[str, str], fresh: Path | None
) -> float:
    """The fastest wall time of ``runs`` runs; ``fresh`` is a cache folder
    emptied before each run (a cold run), or None (a warm one)."""
    times = []
    for _ in range(runs):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()}")
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=32)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix="lucid-entry-", dir=base))
    try:
        root = folder / "tree"
        count = write_tree(root, args.services)
        cache = folder / "cache"
        env = {**os.environ, "LUCID_HOOKS_CACHE_DIR": str(cache)}
        ruff = fastest([str(BIN / "ruff"), "analyze", "graph", "."], root, args.runs, env, None)
        hook = [str(BIN / "check-entry-point-imports"), "."]
        cold = fastest(hook, root, args.runs, env, cache)
        warm = fastest(hook, root, args.runs, env, None)
        print(f"{count} files, {args.services} services (fastest of {args.runs}):")
        print(f"| `ruff analyze graph` | {ruff * 1000:.0f} ms | 1.00x |")
        print(f"| check-entry-point-imports, cold | {cold * 1000:.0f} ms | {cold / ruff:.2f}x |")
        print(f"| check-entry-point-imports, warm | {warm * 1000:.0f} ms | {warm / ruff:.2f}x |")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
