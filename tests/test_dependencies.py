from __future__ import annotations

import sys

import pytest

from lucid_hooks.build_context import build_contexts
from lucid_hooks.dependencies import (
    Installed,
    image_installed,
    repository_installed,
    repository_python,
)
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


def installed_by(dockerfile: str, files: dict[str, bytes]) -> Installed:
    """What the image ``dockerfile`` builds from ``svc/`` has installed."""
    files = {"svc/Dockerfile": dockerfile.encode(), **files}
    parsed = parse(files["svc/Dockerfile"])
    (build,) = build_contexts("svc/Dockerfile", parsed, list(files), files.get)
    image = model_image("svc/Dockerfile", parsed, build)
    return image_installed(image, files["svc/Dockerfile"], files.get)


PROJECT_IMAGE = """\
FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml ./
RUN pip install poetry uv && {run}
COPY . .
CMD ["python", "main.py"]
"""
POETRY = b"""\
[tool.poetry]
name = "svc"
version = "1"
[tool.poetry.dependencies]
python = "^3.11"
httpx = "*"
rich = {version = "*", optional = true}
[tool.poetry.extras]
pretty = ["rich"]
[tool.poetry.group.dev.dependencies]
pytest = "*"
[tool.poetry.group.docs]
optional = true
[tool.poetry.group.docs.dependencies]
sphinx = "*"
[dependency-groups]
lint = ["ruff"]
"""
BASE = {"pip", "poetry", "uv"}  # what the image has before the project install


@pytest.mark.parametrize(
    ("run", "distributions"),
    [
        ("poetry install", {"svc", "httpx", "pytest", "ruff"}),
        ("poetry install --no-root --only main", {"httpx"}),
        ("poetry install --no-interaction --only=main,docs", {"svc", "httpx", "sphinx"}),
        ("poetry install --with docs -E pretty",
         {"svc", "httpx", "pytest", "ruff", "sphinx", "rich"}),
        ("poetry install --without dev,lint --all-extras", {"svc", "httpx", "rich"}),
        ("poetry install --no-dev", {"svc", "httpx", "ruff"}),
        ("poetry install --all-groups", {"svc", "httpx", "pytest", "ruff", "sphinx"}),
        ("poetry install --only-root", {"svc"}),
        ("poetry install --dry-run", set()),
        ("poetry -C /app install --only dev", {"svc", "pytest"}),
    ],
)  # fmt: skip
def test_what_poetry_install_installs(run: str, distributions: set[str]) -> None:
    found = installed_by(PROJECT_IMAGE.format(run=run), {"svc/pyproject.toml": POETRY})

    assert found.known
    assert set(found.distributions) - BASE == distributions
    if distributions:  # not for --dry-run
        assert "svc/pyproject.toml" in found.sources
        # What the project declares but this install leaves out is optional.
        assert set(found.optional) | set(found.distributions) >= {"httpx", "pytest", "sphinx"}


UV = b"""\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
[project]
name = "svc"
version = "1"
dependencies = ["httpx", "PyYAML"]
[project.optional-dependencies]
pretty = ["rich"]
cli = ["typer"]
[dependency-groups]
dev = ["pytest"]
lint = ["ruff"]
"""


@pytest.mark.parametrize(
    ("run", "distributions"),
    [
        ("uv sync --frozen", {"svc", "httpx", "pyyaml", "pytest"}),
        ("uv sync --locked --no-dev", {"svc", "httpx", "pyyaml"}),
        ("uv sync --no-install-project --extra pretty --group lint",
         {"httpx", "pyyaml", "rich", "pytest", "ruff"}),
        ("uv sync --all-groups --no-group dev", {"svc", "httpx", "pyyaml", "ruff"}),
        ("uv sync --all-extras --no-extra cli --no-default-groups",
         {"svc", "httpx", "pyyaml", "rich"}),
        ("uv sync --only-group lint", {"ruff"}),
        ("uv sync --only-dev", {"pytest"}),
        ("uv --directory /app sync --dev", {"svc", "httpx", "pyyaml", "pytest"}),
    ],
)  # fmt: skip
def test_what_uv_sync_installs(run: str, distributions: set[str]) -> None:
    found = installed_by(PROJECT_IMAGE.format(run=run), {"svc/pyproject.toml": UV})

    assert found.known
    assert set(found.distributions) - BASE == distributions
    assert ("svc" in found.local_folders) == ("svc" in distributions)


def test_uv_default_groups_come_from_the_pyproject() -> None:
    pyproject = UV + b'[tool.uv]\ndefault-groups = ["lint"]\n'
    found = installed_by(PROJECT_IMAGE.format(run="uv sync"), {"svc/pyproject.toml": pyproject})

    assert set(found.distributions) - BASE == {"svc", "httpx", "pyyaml", "ruff"}
    assert found.optional["pytest"] == "svc/pyproject.toml"


@pytest.mark.parametrize(
    ("run", "pyproject"),
    [
        ("uv sync", b"[project]" + UV.split(b"[project]", 1)[1]),  # no [build-system]
        ("uv sync", UV + b"[tool.uv]\npackage = false\n"),
        ("poetry install", POETRY.replace(b'version = "1"', b"package-mode = false", 1)),
    ],
)
def test_a_project_that_is_no_package_is_not_installed(run: str, pyproject: bytes) -> None:
    found = installed_by(PROJECT_IMAGE.format(run=run), {"svc/pyproject.toml": pyproject})

    assert found.known and "httpx" in found.distributions
    assert "svc" not in found.distributions and found.local_folders == ()


@pytest.mark.parametrize(
    ("dockerfile", "why"),
    [
        # The pyproject.toml comes after the install.
        ("FROM python:3.12-slim\nWORKDIR /app\nRUN poetry install\nCOPY . .\n", "line 3"),
        (PROJECT_IMAGE.format(run="uv sync --package api"), "line 4"),
        (PROJECT_IMAGE.format(run="uv sync --project $PROJECT"), "line 4"),
        (PROJECT_IMAGE.format(run="cd /elsewhere && uv sync"), "line 4"),
        (PROJECT_IMAGE.format(run="cd $HOME && poetry install"), "line 4"),
        (PROJECT_IMAGE.format(run="sh -c 'poetry install'"), "another installer"),
        (PROJECT_IMAGE.format(run="uv sync && pdm install"), "another installer"),
        (PROJECT_IMAGE.format(run="uv pip sync requirements.txt"), "another installer"),
    ],
)
def test_project_installs_that_cannot_be_told(dockerfile: str, why: str) -> None:
    found = installed_by(dockerfile, {"svc/pyproject.toml": UV, "svc/main.py": b""})

    assert not found.known
    assert why in found.why_unknown


def test_uv_sync_of_dynamic_dependencies_is_not_known() -> None:
    pyproject = b'[project]\nname = "svc"\nversion = "1"\ndynamic = ["dependencies"]\n'
    found = installed_by(PROJECT_IMAGE.format(run="uv sync"), {"svc/pyproject.toml": pyproject})

    assert not found.known


def test_the_project_is_found_walking_up_from_where_the_command_runs() -> None:
    dockerfile = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml ./\n"
        "RUN mkdir -p src/deep && cd src/deep && poetry install --no-root\n"
    )
    found = installed_by(dockerfile, {"svc/pyproject.toml": POETRY})

    assert found.known
    assert set(found.distributions) - BASE == {"httpx", "pytest", "ruff"}
    assert found.local_folders == ()  # --no-root


def test_a_cd_moves_where_pip_reads_its_requirements() -> None:
    dockerfile = (
        "FROM python:3.12-slim\nWORKDIR /\nCOPY . /app/\n"
        "RUN cd /app && pip install -r requirements.txt\n"
    )
    found = installed_by(dockerfile, {"svc/requirements.txt": b"httpx\n"})

    assert found.known
    assert "httpx" in found.distributions


def test_local_paths_in_a_requirements_file_are_read_from_the_workdir() -> None:
    # pip reads `-e .` from its working folder (the WORKDIR), not the file's.
    dockerfile = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r reqs/prod.txt\n"
    )
    files = {
        "svc/reqs/prod.txt": b"-e .\n",
        "svc/pyproject.toml": (
            b'[project]\nname = "svc"\nversion = "1"\ndependencies = ["httpx"]\n'
        ),
    }
    found = installed_by(dockerfile, files)

    assert found.problems == ()
    assert {"svc", "httpx"} <= found.distributions
    assert found.local_folders == ("svc",)


@pytest.mark.parametrize(
    ("constraint", "lowest"),
    [
        ("^3.10", "3.10"),
        ("~3.11", "3.11"),
        (">=3.9,<4", "3.9"),
        (">= 3.10.4, < 4", "3.10"),
        ("3.11.*", "3.11"),
        ("~3.12 || ^3.10", "3.10"),
        ("^2.7", None),
        ("not a version", None),
    ],
)
def test_poetry_python_is_read_as_requires_python(constraint: str, lowest: str | None) -> None:
    tree = {
        "svc/pyproject.toml": (
            f'[tool.poetry.dependencies]\npython = "{constraint}"\nhttpx = "*"\n'.encode()
        ),
        "svc/main.py": b"",
    }
    found = repository_python("svc/main.py", tree, tree.get, "3.13")

    if lowest is None:
        assert found == ("3.13", "target-version")
    else:
        assert found == (lowest, "the python of [tool.poetry.dependencies] in svc/pyproject.toml")


def test_requires_python_comes_before_poetry_python() -> None:
    text = b'[project]\nrequires-python = ">=3.12"\n[tool.poetry.dependencies]\npython = "^3.9"\n'
    tree = {"pyproject.toml": text}

    assert repository_python("main.py", tree, tree.get, None) == (
        "3.12",
        "requires-python of pyproject.toml",
    )
