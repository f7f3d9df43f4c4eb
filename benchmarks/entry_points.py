"""check-entry-point-imports beside `ruff analyze graph` and deptry, on one generated monorepo.

    python benchmarks/entry_points.py [--services 32] [--runs 5]

Writes a service monorepo (deterministic from a seed): ``--services``
services, each a Dockerfile whose final stage runs its ``main.py`` (half as a
script from WORKDIR, half as ``python -m`` of its package), a package of
modules importing each other and the shared libraries, and shared library
packages every service copies in; about 40 files per service. In the tree
with third-party imports (the one timed against the peers) every service
also imports four distributions of :data:`THIRD_PARTY` (several with import
names that differ: PyYAML/yaml, Pillow/PIL, protobuf/google.protobuf) and
declares them in its ``requirements.txt``, which a builder stage of its
Dockerfile installs; the plain tree, the same without them, is the earlier
benchmark's. Commits each, then times, in the same run, the fastest of
``--runs``: `ruff analyze graph` (ruff's import graph of every file; it keeps
no cache), the hook over the whole tree from an empty disk cache (cold) and
with the cache warm, deptry (`deptry .` with every service's requirements
as its one dependency set, and `deptry services/<svc>` once per service,
the check the hook makes), and the hook cold on the plain tree. A profile of
one cold run (:data:`JUDGING`) gives what judging the imports that leave the
repository costs inside it. The commands are the console scripts beside
this interpreter (`pip install . ruff deptry`, not `-e`, to time what users get).
"""

from __future__ import annotations

import argparse
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

BIN = Path(sys.executable).parent
GIT = ("git", "-c", "user.name=bench", "-c", "user.email=bench@example.com")
MODULES = 34
LIBRARIES = 8
LIBRARY_MODULES = 12
WORDS = ("ledger", "quota", "router", "codec", "vault", "probe", "relay", "cursor")
# (distribution, pinned version, an import of it): popular ones, half with
# import names that are not the distribution's.
THIRD_PARTY = (
    ("requests", "2.32.3", "import requests"),
    ("PyYAML", "6.0.2", "import yaml"),
    ("Pillow", "11.0.0", "from PIL import Image"),
    ("python-dateutil", "2.9.0", "from dateutil import parser"),
    ("PyJWT", "2.10.1", "import jwt"),
    ("python-dotenv", "1.0.1", "from dotenv import load_dotenv"),
    ("beautifulsoup4", "4.12.3", "from bs4 import BeautifulSoup"),
    ("attrs", "24.2.0", "import attr"),
    ("httpx", "0.28.1", "import httpx"),
    ("pydantic", "2.10.3", "import pydantic"),
    ("protobuf", "5.29.1", "from google.protobuf import message"),
    ("redis", "5.2.1", "import redis"),
    ("SQLAlchemy", "2.0.36", "import sqlalchemy"),
    ("scikit-learn", "1.6.0", "from sklearn import linear_model"),
    ("opencv-python-headless", "4.10.0.84", "import cv2"),
    ("boto3", "1.35.80", "import boto3"),
)
PER_SERVICE = 4
# What a cold run spends judging third-party and standard-library imports
# (LH206-LH212): what each image installs, what a repository run has, the
# judgement of each run's external imports, and which declared ones it uses.
JUDGING = (
    ("dependencies.py", "image_installed"),
    ("entry_point_analysis.py", "_environment"),
    ("entry_point_analysis.py", "_external_reports"),
    ("entry_point_analysis.py", "_usage_of"),
    ("entry_point_analysis.py", "_never_imported_reports"),
)


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


def service_files(rnd: random.Random, service: int, third_party: bool) -> dict[str, str]:
    name = f"svc{service:02d}"
    script_style = service % 2 == 0
    # Its own generator: the plain tree's local modules stay the same.
    used = random.Random(service).sample(THIRD_PARTY, PER_SERVICE) if third_party else []
    files: dict[str, str] = {}
    for number in range(MODULES):
        target = rnd.randrange(number) if number else None
        library = rnd.randrange(LIBRARIES)
        imports = [f"from libs.lib{library} import m{rnd.randrange(LIBRARY_MODULES)}"]
        imports.extend(used[(number + step) % PER_SERVICE][2] for step in range(len(used) // 2))
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
    body = "WORKDIR /app\n" + copy + command + "\n"
    if not third_party:
        files[f"services/{name}/Dockerfile"] = RUNTIME + "\n" + body
        files[f"services/{name}/requirements.txt"] = "requests==2.32.3\n"
        return files
    files[f"services/{name}/Dockerfile"] = BUILDER.format(name=name) + body
    pins = "".join(f"{dist}=={version}\n" for dist, version, _ in sorted(used))
    files[f"services/{name}/requirements.txt"] = f"# {name}'s dependencies\n{pins}"
    return files


RUNTIME = "FROM gcr.io/distroless/python3-debian13:nonroot"
# The distroless runtime gets what a builder of the same Python installed.
BUILDER = f"""\
FROM python:3.13-slim AS build
COPY services/{{name}}/requirements.txt /tmp/
RUN pip install --no-cache-dir --prefix=/install -r /tmp/requirements.txt
{RUNTIME}
COPY --from=build /install /usr/local
"""


def write_tree(root: Path, services: int, third_party: bool = True) -> int:
    rnd = random.Random(7)
    files = library_files(rnd)
    for service in range(services):
        files.update(service_files(rnd, service, third_party))
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


class Timed(NamedTuple):
    """One row of the table: the commands it runs one after the other, where,
    with which environment, and the cache folder emptied before each run (a
    cold run), or None (a warm one)."""

    label: str
    commands: list[list[str]]
    cwd: Path
    env: dict[str, str]
    fresh: Path | None = None


def once(timed: Timed) -> float:
    if timed.fresh is not None:
        shutil.rmtree(timed.fresh, ignore_errors=True)
    start = time.perf_counter()
    for command in timed.commands:
        done = subprocess.run(command, cwd=timed.cwd, env=timed.env, capture_output=True)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()}")
    return time.perf_counter() - start


def fastest(rows: list[Timed], runs: int) -> list[float]:
    """The fastest of ``runs`` rounds for each row; the rows take turns in
    each round, so that the machine's load over the run reaches all alike."""
    best = [float("inf")] * len(rows)
    for _ in range(runs):
        for number, row in enumerate(rows):
            best[number] = min(best[number], once(row))
    return best


def judging_share(root: Path, env: dict[str, str], cache: Path) -> tuple[float, float]:
    """(seconds in :data:`JUDGING`, seconds in all) of one cold run of the
    hook under cProfile, in a process of its own."""
    shutil.rmtree(cache, ignore_errors=True)
    stats = root.parent / "cold.prof"
    subprocess.run(
        [sys.executable, "-c", PROFILE, str(stats)],
        cwd=root,
        env=env,
        capture_output=True,
        check=False,
    )
    # (file, line, function) -> (calls, primitive calls, own time, cumulative time, callers)
    table = pstats.Stats(str(stats)).stats  # type: ignore[attr-defined]  # untyped in typeshed
    spent = sum(
        row[3]
        for (filename, _, function), row in table.items()
        if (Path(filename).name, function) in JUDGING
    )
    return spent, max(row[3] for row in table.values())


PROFILE = """\
import cProfile, sys
from lucid_hooks.check_entry_point_imports import main
profile = cProfile.Profile()
profile.enable()
main(["."])
profile.disable()
profile.dump_stats(sys.argv[1])
"""


def deptry_commands(services: int) -> tuple[list[str], list[list[str]]]:
    """`deptry .` with every service's requirements as one set, and one
    `deptry services/<svc>` per service with its own (libs is first-party)."""
    deptry = str(BIN / "deptry")
    names = [f"services/svc{service:02d}" for service in range(services)]
    every = ",".join(f"{name}/requirements.txt" for name in names)
    whole = [deptry, ".", "--requirements-files", every]
    each = [
        [deptry, name, "--requirements-files", f"{name}/requirements.txt", "-kf", "libs"]
        for name in names
    ]
    return whole, each


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=32)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix="lucid-entry-", dir=base))
    try:
        root, plain = folder / "tree", folder / "plain"
        count = write_tree(root, args.services)
        write_tree(plain, args.services, third_party=False)
        # A cache for each tree: the warm run follows the cold one of its tree.
        cache, plain_cache = folder / "cache", folder / "plain-cache"
        env = {**os.environ, "LUCID_HOOKS_CACHE_DIR": str(cache)}
        plain_env = {**os.environ, "LUCID_HOOKS_CACHE_DIR": str(plain_cache)}
        hook = [str(BIN / "check-entry-point-imports"), "."]
        ruff = [str(BIN / "ruff"), "analyze", "graph", "."]
        whole, each = deptry_commands(args.services)
        per_service = f"`deptry services/<svc>`, once per service ({args.services} runs)"
        rows = [
            Timed("`ruff analyze graph`", [ruff], root, env),
            Timed("check-entry-point-imports, cold", [hook], root, env, cache),
            Timed("check-entry-point-imports, warm", [hook], root, env),
            Timed(
                "check-entry-point-imports, cold, plain tree",
                [hook],
                plain,
                plain_env,
                plain_cache,
            ),
            Timed("`deptry .`, every service's requirements as one set", [whole], root, env),
            Timed(per_service, each, root, env),
        ]
        times = fastest(rows, args.runs)
        spent, total = judging_share(root, env, cache)
        graph, cold, plain_cold = times[0], times[1], times[3]
        print(f"{count} files, {args.services} services (fastest of {args.runs}):")
        for row, seconds in zip(rows, times):
            print(f"| {row.label} | {seconds * 1000:.0f} ms | {seconds / graph:.2f}x |")
        print(f"cold, the plain tree -> with third-party imports: {cold / plain_cold - 1:+.0%}")
        share = f"{spent:.3f} s of {total:.3f} s ({spent / total:.0%})"
        print(f"judging in one profiled cold run: {share}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
