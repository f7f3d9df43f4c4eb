from __future__ import annotations

import sys

import pytest

from lucid_hooks.build_context import build_contexts
from lucid_hooks.dependencies import image_installed, repository_installed, repository_python
from lucid_hooks.dockerfile import parse
from lucid_hooks.image import model_image

TREE = {
    "requirements.txt": b"flask\n",
    "svc/requirements.txt": b"-r requirements-base.txt\nhttpx ; python_version >= '3.11'\n",
    "svc/requirements-base.txt": b"PyYAML\n",
    "svc/requirements-dev.txt": b"pytest\n",
    "svc/pkg/main.py": b"",
    "tool/pyproject.toml": (
        b'[project]\nname = "tool"\nversion = "1"\nrequires-python = ">=3.10.4"\n'
        b'dependencies = ["rich"]\n[project.optional-dependencies]\ncli = ["typer"]\n'
    ),
    "tool/tool/cli.py": b"",
    "lonely/main.py": b"",
}


def read(path: str) -> bytes | None:
    return TREE.get(path)


def test_the_nearest_folder_with_requirements_says_what_is_installed() -> None:
    found = repository_installed("svc/pkg/main.py", TREE, read, "3.12")
    assert found.known
    assert found.distributions == {"httpx", "pyyaml", "pytest"}  # not the root's flask
    assert found.sources[:2] == ("svc/requirements-base.txt", "svc/requirements-dev.txt")
    assert "httpx" not in repository_installed("svc/pkg/main.py", TREE, read, "3.10").distributions


def test_a_pyproject_counts_every_extra_from_the_repository() -> None:
    found = repository_installed("tool/tool/cli.py", TREE, read, None)
    assert found.distributions == {"rich", "typer"}


def test_without_requirements_what_is_installed_is_not_known() -> None:
    tree = {"lonely/main.py": b""}
    found = repository_installed("lonely/main.py", tree, tree.get, None)
    assert not found.known and found.why_unknown


def test_the_python_of_a_run_from_the_repository() -> None:
    assert repository_python("tool/tool/cli.py", TREE, read, "3.13") == (
        "3.10",
        "requires-python of tool/pyproject.toml",
    )
    assert repository_python("svc/pkg/main.py", TREE, read, "3.13") == ("3.13", "target-version")
    own = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert repository_python("svc/pkg/main.py", TREE, read, None) == (own, "the hook's Python")


DOCKERFILE = """\
FROM python:3.12-slim AS build
WORKDIR /src
COPY requirements.txt .
RUN pip install --prefix=/install -r requirements.txt 'uvicorn[standard]>=0.29' {more}
FROM gcr.io/distroless/python3-debian13
COPY --from=build /install /install
COPY app/ /app/
CMD ["/app/main.py"]
"""


@pytest.mark.parametrize(
    ("more", "known", "distributions"),
    [
        ("", True, {"fastapi", "uvicorn"}),
        ("&& pip install -r extra.txt", False, set()),  # extra.txt is not in the context
        ("&& poetry install", False, set()),
    ],
)
def test_what_an_image_installs(more: str, known: bool, distributions: set[str]) -> None:
    files = {
        "svc/Dockerfile": DOCKERFILE.format(more=more).encode(),
        "svc/requirements.txt": b"fastapi\n",
        "svc/app/main.py": b"",
    }
    dockerfile = parse(files["svc/Dockerfile"])
    (build,) = build_contexts("svc/Dockerfile", dockerfile, list(files), files.get)
    image = model_image("svc/Dockerfile", dockerfile, build)
    found = image_installed(image, files["svc/Dockerfile"], files.get)
    assert (found.known, set(found.distributions)) == (known, distributions)


def test_a_local_project_whose_dependencies_only_its_build_knows() -> None:
    files = {
        "svc/Dockerfile": b"FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install .\n",
        "svc/pyproject.toml": (
            b'[project]\nname = "svc"\nversion = "1"\ndynamic = ["dependencies"]\n'
        ),
    }
    dockerfile = parse(files["svc/Dockerfile"])
    (build,) = build_contexts("svc/Dockerfile", dockerfile, list(files), files.get)
    image = model_image("svc/Dockerfile", dockerfile, build)
    assert not image_installed(image, files["svc/Dockerfile"], files.get).known
