"""A synthetic service monorepo of about N files with planted defects, for
benchmarks/compare.py.

    python benchmarks/monorepo.py DEST [--files 1000] [--seed 7]

The services are entry_points.py's (a package of modules importing each
other, the shared libraries and four popular distributions; a Dockerfile whose
python:3.13-slim builder installs the requirements and whose distroless final
stage runs ``main.py``), written one service at a time until the tree holds
``--files`` files, and extended: each service's requirements include the
repository's ``requirements/base.txt`` (``-r``), and each service has a nested
package (``core/io/``) that its entry point imports. :data:`PLANTED` lists
the defects planted in services 1 to 6, each as the (path, rule code) that
`lucid-hooks check` should report; nothing else in the tree is wrong.
Deterministic from the seed; committed with git.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from pathlib import Path

# The entry-point benchmark's services and libraries (this folder is on sys.path).
from entry_points import BUILDER, GIT, library_files, module_text, service_files

# The defects, each where `lucid-hooks check` reports it: (path, code).
PLANTED = (
    ("services/svc01/core/io/__init__.py", "LH101"),  # a package folder lacks it
    ("services/svc02/__pycache__/m0.cpython-313.pyc", "LH301"),  # a committed .pyc
    ("services/svc03/m0.py", "LH401"),  # the same code as m0_copy.py: both are told
    ("services/svc03/m0_copy.py", "LH401"),
    ("services/svc04/Dockerfile", "LH501"),  # a distroless :debug final stage
    ("services/svc05/main.py", "LH201"),  # imports a module that does not exist
    ("services/svc06/main.py", "LH206"),  # imports numpy, declared nowhere
)
# entry_points.py's debian12 image is retired (LH504): debian13 and its Python.
RUNTIME = "FROM gcr.io/distroless/python3-debian13:nonroot"
# The builder copies both requirements files where the include finds them.
INCLUDING_BUILDER = f"""\
FROM python:3.13-slim AS build
COPY requirements/base.txt /src/requirements/base.txt
COPY services/{{name}}/requirements.txt /src/services/{{name}}/requirements.txt
RUN pip install --no-cache-dir --prefix=/install -r /src/services/{{name}}/requirements.txt
{RUNTIME}
COPY --from=build /install /usr/local
"""
DEBUG_RUNTIME = "FROM gcr.io/distroless/python3-debian13:debug-nonroot"
BASE_REQUIREMENTS = "# shared by every service\nrequests==2.32.3\n"
GITIGNORE = "__pycache__/\n*.py[cod]\n.venv/\n"
# The first bytes of a CPython 3.13 .pyc: its magic number and flags.
PYC = b"\xf3\x0d\x0d\x0a" + bytes(12)


def nested_package(rnd: random.Random, name: str, script_style: bool) -> dict[str, str]:
    """``core/`` and ``core/io/``, two levels of package below the service."""
    folder = f"services/{name}"
    prefix = "" if script_style else f"{name}."
    return {
        f"{folder}/core/__init__.py": "",
        f"{folder}/core/model.py": module_text(rnd, ["from libs.lib0 import m0"], "core.model"),
        f"{folder}/core/io/__init__.py": "",
        f"{folder}/core/io/codec.py": module_text(
            rnd, [f"from {prefix}core import model"], "core.io.codec"
        ),
    }


def one_service(rnd: random.Random, service: int) -> dict[str, str]:
    """entry_points.py's service with the include, the nested package and,
    for services 1 to 6, its planted defect."""
    name = f"svc{service:02d}"
    script_style = service % 2 == 0
    files = service_files(rnd, service, third_party=True)
    files.update(nested_package(rnd, name, script_style))
    folder = f"services/{name}"
    dockerfile = files[f"{folder}/Dockerfile"]
    body = dockerfile[len(BUILDER.format(name=name)) :]
    files[f"{folder}/Dockerfile"] = INCLUDING_BUILDER.format(name=name) + body
    requirements = files[f"{folder}/requirements.txt"]
    files[f"{folder}/requirements.txt"] = "-r ../../requirements/base.txt\n" + requirements
    codec = "import core.io.codec" if script_style else f"from {name}.core.io import codec"
    files[f"{folder}/main.py"] += codec + "\n"
    plant(files, service, name, script_style)
    return files


def plant(files: dict[str, str], service: int, name: str, script_style: bool) -> None:
    folder = f"services/{name}"
    if service == 1:
        del files[f"{folder}/core/io/__init__.py"]
    elif service == 3:
        files[f"{folder}/m0_copy.py"] = files[f"{folder}/m0.py"]
    elif service == 4:
        dockerfile = files[f"{folder}/Dockerfile"]
        files[f"{folder}/Dockerfile"] = dockerfile.replace(RUNTIME, DEBUG_RUNTIME)
    elif service == 5:
        gone = "m_removed" if script_style else f"{name}.m_removed"
        files[f"{folder}/main.py"] += f"import {gone}\n"
    elif service == 6:
        files[f"{folder}/main.py"] += "import numpy\n"


def compose(services: int) -> str:
    """Every Dockerfile builds from the repository root (as entry_points.py's)."""
    lines = ["services:"]
    for service in range(services):
        name = f"svc{service:02d}"
        lines += [
            f"  {name}:",
            "    build:",
            "      context: .",
            f"      dockerfile: services/{name}/Dockerfile",
        ]
    return "\n".join(lines) + "\n"


def write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def write_tree(root: Path, size: int, seed: int = 7) -> int:
    """Writes and commits the tree; returns its count of tracked files.
    Services are written as they are made: a 100k tree's text is 400 MB."""
    rnd = random.Random(seed)
    shared = {
        **library_files(rnd),
        "requirements/base.txt": BASE_REQUIREMENTS,
        ".gitignore": GITIGNORE,
    }
    write(root, shared)
    written, services = len(shared) + 2, 0  # + compose.yaml and the .pyc
    while written < size or services <= 6:
        files = one_service(rnd, services)
        write(root, files)
        written += len(files)
        services += 1
    (root / "compose.yaml").write_text(compose(services))
    pyc = root / PLANTED[1][0]
    pyc.parent.mkdir(parents=True)
    pyc.write_bytes(PYC)
    subprocess.run((*GIT, "init", "-q"), cwd=root, check=True)
    subprocess.run((*GIT, "add", "-A"), cwd=root, check=True)
    # Ignored by .gitignore: committed anyway, as a careless `git add -f` does.
    subprocess.run((*GIT, "add", "-f", PLANTED[1][0]), cwd=root, check=True)
    subprocess.run((*GIT, "commit", "-q", "--no-verify", "-m", "tree"), cwd=root, check=True)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("destination", type=Path)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    count = write_tree(args.destination, args.files, args.seed)
    print(f"{count} files in {args.destination}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
