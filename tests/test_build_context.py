"""lucid_hooks.build_context and lucid_hooks.patterns: which context a
Dockerfile is built with, and what of it the build sees."""

from __future__ import annotations

import pickle
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lucid_hooks.build_context import (
    BuildContext,
    ContextCache,
    SortedPaths,
    build_contexts,
    compose_builds,
    is_compose_file,
)
from lucid_hooks.dockerfile import parse
from lucid_hooks.patterns import (
    PatternMatcher,
    glob_regex,
    go_clean,
    has_wildcards,
    literal_folder,
    matcher,
    read_ignore_file,
)
from tests.conftest import assert_time_bounded

API_DOCKERFILE = b"""\
FROM python:3.11-slim AS builder
WORKDIR /build
COPY services/api/requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt

FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=builder /install /install
WORKDIR /app
COPY services/api/ ./api/
COPY libs/ ./libs/
CMD ["-m", "api.main"]
"""

LOCAL_DOCKERFILE = b"""\
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
COPY app/ ./app/
CMD ["python", "-m", "app"]
"""


class Repo:
    """A repository as the hooks see it: tracked paths, and the bytes of some."""

    def __init__(self, files: dict[str, bytes | str]) -> None:
        self.data = {
            path: content.encode() if isinstance(content, str) else content
            for path, content in files.items()
        }
        self.files = frozenset(self.data)

    def read(self, path: str) -> bytes | None:
        return self.data.get(path)

    def contexts(self, path: str, **options: object) -> tuple[BuildContext, ...]:
        dockerfile = parse(self.data[path]) if path in self.data else None
        return build_contexts(path, dockerfile, self.files, self.read, **options)  # type: ignore[arg-type]


def monorepo(**extra: bytes | str) -> Repo:
    files: dict[str, bytes | str] = {
        "services/api/Dockerfile": API_DOCKERFILE,
        "services/api/main.py": "",
        "services/api/__init__.py": "",
        "services/api/tests/test_main.py": "",
        "services/api/requirements.txt": "fastapi\n",
        "services/billing/Dockerfile": LOCAL_DOCKERFILE,
        "services/billing/requirements.txt": "",
        "services/billing/app/__init__.py": "",
        "libs/__init__.py": "",
        "libs/money.py": "",
        "README.md": "",
    }
    files.update(extra)
    return Repo(files)


def ignored(patterns: str, *paths: str) -> list[str]:
    """The paths a .dockerignore made of ``patterns`` excludes."""
    found, problems = read_ignore_file(patterns.encode())
    assert problems == []
    rules = PatternMatcher(found)
    return [path for path in paths if rules.excludes(path)]


# -- .dockerignore: moby/patternmatcher's rules --------------------------------


def test_dockerignore_documented_examples_one_level_and_two_levels() -> None:
    # docs.docker.com/build/concepts/context/#dockerignore-files
    paths = ("somedir/temporary.txt", "somedir/temp", "temp.txt", "a/b/temporary.txt")
    assert ignored("# comment\n*/temp*\n", *paths) == ["somedir/temporary.txt", "somedir/temp"]
    assert ignored("*/*/temp*\n", *paths) == ["a/b/temporary.txt"]
    assert ignored("temp?\n", "tempa", "tempb", "tempab", "x/tempa") == ["tempa", "tempb"]


def test_dockerignore_double_star_spans_folders() -> None:
    assert ignored("**/*.go\n", "a.go", "x/y/z.go", "x/y/z.py") == ["a.go", "x/y/z.go"]
    assert ignored("**/__pycache__\n", "__pycache__/a.pyc", "x/__pycache__/b.pyc", "x/c.py") == [
        "__pycache__/a.pyc",
        "x/__pycache__/b.pyc",
    ]
    assert ignored("docs/**\n", "docs/a.md", "docs/x/b.md", "docsy/c.md") == [
        "docs/a.md",
        "docs/x/b.md",
    ]


def test_dockerignore_exceptions_and_last_match_wins() -> None:
    names = ("a.md", "README.md", "README-secret.md", "README-x.md")
    assert ignored("*.md\n!README.md\n", *names) == ["a.md", "README-secret.md", "README-x.md"]
    # The documented pair: the order decides whether README-secret.md is sent.
    assert ignored("*.md\n!README*.md\nREADME-secret.md\n", *names) == ["a.md", "README-secret.md"]
    assert ignored("*.md\nREADME-secret.md\n!README*.md\n", *names) == ["a.md"]


def test_dockerignore_folder_pattern_covers_what_is_below_it_and_nothing_else() -> None:
    paths = ("tests/a.py", "tests/sub/b.py", "mytests/c.py", "src/tests/d.py")
    assert ignored("tests\n", *paths) == ["tests/a.py", "tests/sub/b.py"]
    # An exception for a file below an excluded folder brings it back.
    assert ignored("tests\n!tests/sub/b.py\n", *paths) == ["tests/a.py"]


def test_dockerignore_lines_are_cleaned_as_readall_cleans_them() -> None:
    data = (
        "\ufeff/build\r\n  ./dist/  \n\n# /kept\n"
        "   # not a comment: starts with blanks\n!./dist/keep\n"
    )
    patterns, problems = read_ignore_file(data.encode())

    assert [(p.pattern, p.exclusion, p.line) for p in patterns] == [
        ("build", False, 1),
        ("dist", False, 2),
        ("# not a comment: starts with blanks", False, 5),
        ("dist/keep", True, 6),
    ]
    assert problems == []
    rules = PatternMatcher(patterns)
    assert [p for p in ("build/x", "dist/a", "dist/keep", "kept") if rules.excludes(p)] == [
        "build/x",
        "dist/a",
    ]


def test_dockerignore_deciding_pattern_gives_its_line() -> None:
    patterns, _ = read_ignore_file(b"*.pyc\ntests\n**/test_*.py\n!tests/keep\ntests/keep/x\n")
    rules = PatternMatcher(patterns)

    # Once excluded, later inclusions are not looked at (as patternmatcher).
    assert [rules.deciding(p).line for p in ("tests/test_a.py", "src/test_b.py")] == [2, 3]  # type: ignore[union-attr]
    assert rules.deciding("tests/keep/y") is None
    assert rules.deciding("tests/keep/x").line == 5  # type: ignore[union-attr]
    assert rules.deciding("src/app.py") is None


def test_dockerignore_invalid_patterns_are_problems_not_exceptions() -> None:
    patterns, problems = read_ignore_file(b"ok\n!\n[\n")

    assert [p.pattern for p in patterns] == ["ok"]
    assert problems == [
        'line 2: illegal exclusion pattern: "!"',
        "line 3: syntax error in pattern '['",
    ]


def test_go_clean_and_wildcards() -> None:
    assert go_clean("./a//b/../c/") == "a/c"
    assert go_clean("/../x") == "/x"
    assert go_clean("../x") == "../x"
    assert go_clean("") == "."
    assert has_wildcards("src/*.py") and has_wildcards("a?") and has_wildcards("[ab]")
    assert not has_wildcards("src/\\*.py")


def _go_path_clean(path: str) -> str:
    """Go's path.Clean, rule by rule as its documentation gives them."""
    rooted = path.startswith("/")
    names: list[str] = []
    for name in path.split("/"):
        if name == "..":
            if names and names[-1] != "..":
                names.pop()
            elif not rooted:
                names.append(name)
        elif name not in ("", "."):
            names.append(name)
    cleaned = ("/" if rooted else "") + "/".join(names)
    return cleaned or "."


def _contains_wildcards(path: str) -> bool:
    """fsutil's containsWildcards: an unescaped `*`, `?` or `[`."""
    escaped = False
    for char in path:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "*?[":
            return True
    return False


@given(st.text("/.a\\*?[", max_size=12))
def test_go_clean_and_wildcards_as_go_has_them(path: str) -> None:
    assert go_clean(path) == _go_path_clean(path)
    assert has_wildcards(path) == _contains_wildcards(path)


def test_literal_folder_of_a_pattern() -> None:
    assert literal_folder("libs/a*/m.py") == "libs"
    assert literal_folder("/srv/app/*.py") == "/srv/app"
    assert literal_folder("*/x") == "" and literal_folder("a\\*b/c*") == ""
    assert literal_folder("a/b/c") == "a/b"


def test_go_filepath_match_wildcards() -> None:
    regex = glob_regex("src/*.py")
    assert regex is not None
    assert regex.fullmatch("src/a.py") and not regex.fullmatch("src/x/a.py")
    classes = glob_regex("[a-c]?[^x]")
    assert classes is not None
    assert (
        classes.fullmatch("bzy") and not classes.fullmatch("bzx") and not classes.fullmatch("b/y")
    )
    assert glob_regex("[") is None and glob_regex("a\\") is None and glob_regex("[]a]") is None


def test_exclude_matcher_from_strings() -> None:
    rules = matcher(["*.txt", "tests"])
    assert rules.excludes("a.txt") and rules.excludes("tests/x.py")
    assert not rules.excludes("a.py")
    assert not matcher([])


# -- compose files ---------------------------------------------------------------


def test_compose_file_names() -> None:
    for name in (
        "compose.yaml",
        "compose.yml",
        "docker-compose.yml",
        "docker-compose.yaml",
        "deploy/docker-compose.prod.yml",
        "compose.override.yaml",
    ):
        assert is_compose_file(name), name
    for name in ("compose.txt", "mycompose.yaml", ".github/workflows/ci.yml", "docker-compose"):
        assert not is_compose_file(name), name


def test_compose_builds_string_and_mapping_forms() -> None:
    repo = Repo(
        {
            "compose.yaml": """
services:
  api:
    build:
      context: .
      dockerfile: services/api/Dockerfile
      args:
        PYTHON_VERSION: "3.12"
        DEBUG: true
        TOKEN: ${TOKEN}
        PRICE: "$$5"
        FROM_ENV:
      target: runtime
  billing:
    build: services/billing
  db:
    image: postgres:16
""",
            "deploy/docker-compose.prod.yml": """
services:
  worker:
    build:
      context: ../services/worker
      dockerfile: docker/Dockerfile
      args: ["MODE=prod", "SECRET"]
""",
        }
    )

    found = compose_builds(repo.files, repo.read)

    assert found.problems == ()
    api, billing, worker = found.builds
    assert (api.compose_file, api.service, api.context, api.dockerfile) == (
        "compose.yaml",
        "api",
        "",
        "services/api/Dockerfile",
    )
    assert api.args == {
        "PYTHON_VERSION": "3.12",
        "DEBUG": "true",
        "TOKEN": None,
        "PRICE": "$5",
        "FROM_ENV": None,
    }
    assert api.target == "runtime"
    assert (billing.context, billing.dockerfile, billing.args) == (
        "services/billing",
        "services/billing/Dockerfile",
        {},
    )
    # Relative to the compose file's folder, the Dockerfile relative to the context.
    assert (worker.context, worker.dockerfile) == (
        "services/worker",
        "services/worker/docker/Dockerfile",
    )
    assert worker.args == {"MODE": "prod", "SECRET": None}


def test_compose_builds_skip_what_is_not_in_the_repository() -> None:
    repo = Repo(
        {
            "compose.yml": """
services:
  remote:
    build: https://github.com/org/repo.git#main
  inline:
    build:
      dockerfile_inline: "FROM scratch"
  outside:
    build: ../elsewhere
  variable:
    build:
      context: ${CONTEXT}
  broken:
    build: 3
""",
        }
    )

    found = compose_builds(repo.files, repo.read)

    assert found.builds == ()
    assert found.problems == (
        "compose.yml: service outside: the build is outside the repository"
        " (../elsewhere, Dockerfile)",
        "compose.yml: service variable: the build uses a variable"
        " (${CONTEXT}, Dockerfile), not resolved",
        "compose.yml: service broken: `build` is neither a path nor a mapping",
    )


def test_malformed_compose_file_is_a_problem_never_an_exception() -> None:
    repo = Repo(
        {
            "compose.yaml": "services:\n  api:\n    build: [unclosed\n",
            "docker-compose.yml": "- just\n- a list\n",
            "compose.yml": "services:\n\tapi: {}\n",
        }
    )

    found = compose_builds(repo.files, repo.read)

    assert found.builds == ()
    assert len(found.problems) == 2
    assert found.problems[0].startswith("compose.yaml: not valid YAML (line ")
    assert found.problems[1].startswith("compose.yml: not valid YAML")


def test_a_broken_compose_file_is_a_problem_of_the_context() -> None:
    repo = monorepo(**{"compose.yaml": "services: [\n"})

    (context,) = repo.contexts("services/billing/Dockerfile")

    assert context.how == "dockerfile-folder"
    assert len(context.problems) == 1
    assert context.problems[0].startswith("compose.yaml: not valid YAML (line 2)")


def test_compose_file_that_cannot_be_read_is_a_problem() -> None:
    found = compose_builds(["compose.yaml"], lambda path: None)

    assert found == ((), ("compose.yaml: could not be read",))


# -- which context ------------------------------------------------------------


def test_compose_builds_from_the_root_with_dash_f() -> None:
    repo = monorepo(
        **{
            "compose.yaml": (
                "services:\n  api:\n    build:\n      context: .\n"
                "      dockerfile: services/api/Dockerfile\n      args: {PY: '3.12'}\n"
            )
        }
    )

    (context,) = repo.contexts("services/api/Dockerfile")

    assert (context.root, context.how, context.compose_file, context.service) == (
        "",
        "compose",
        "compose.yaml",
        "api",
    )
    assert context.reason == "compose.yaml builds it for service api with the context ."
    assert context.build_args == {"PY": "3.12"}
    assert "services/api/main.py" in context.files
    assert context.repo_path("libs/money.py") == "libs/money.py"


def test_configuration_wins_over_compose() -> None:
    repo = monorepo(**{"compose.yaml": "services:\n  billing:\n    build: services/billing\n"})

    (context,) = repo.contexts(
        "services/billing/Dockerfile", mapping={"services/*/Dockerfile": "./"}
    )

    assert (context.root, context.how) == ("", "config")
    assert context.reason == "the configuration maps services/*/Dockerfile to the context ."


def test_compose_builds_the_same_dockerfile_twice() -> None:
    compose = (
        "services:\n"
        "  api:\n    build: {context: ., dockerfile: $API, args: [MODE=api]}\n"
        "  worker:\n    build: {context: ., dockerfile: $API, args: [MODE=worker]}\n"
        "  api-again:\n    build: {context: ., dockerfile: $API, args: [MODE=api]}\n"
    ).replace("$API", "services/api/Dockerfile")
    repo = monorepo(**{"docker-compose.yml": compose})

    contexts = repo.contexts("services/api/Dockerfile")

    assert [(c.service, c.build_args) for c in contexts] == [
        ("api", {"MODE": "api"}),
        ("worker", {"MODE": "worker"}),
    ]


def test_dockerfile_folder_when_its_sources_are_beside_it() -> None:
    (context,) = monorepo().contexts("services/billing/Dockerfile")

    assert (context.root, context.how) == ("services/billing", "dockerfile-folder")
    assert context.reason.startswith("built from its own folder services/billing/")
    assert context.files == {"Dockerfile", "requirements.txt", "app/__init__.py"}
    assert context.repo_path("app/__init__.py") == "services/billing/app/__init__.py"


def test_repository_root_when_the_sources_exist_only_there() -> None:
    (context,) = monorepo().contexts("services/api/Dockerfile")

    assert (context.root, context.how) == ("", "repository-root")
    assert context.reason == (
        "its COPY/ADD sources (services/api/requirements.txt, services/api, libs) exist "
        "from the repository root, not in services/api/: taken as built from the root "
        "(docker build -f services/api/Dockerfile .)"
    )


def test_stays_beside_the_dockerfile_when_the_root_explains_nothing_more() -> None:
    dockerfile = b"FROM python:3.11\nCOPY missing.txt /x\nCOPY ${DIR}/ /y\nCOPY . /app\n"
    repo = Repo({"svc/Dockerfile": dockerfile, "svc/a.py": ""})

    (context,) = repo.contexts("svc/Dockerfile")

    assert (context.root, context.how) == ("svc", "dockerfile-folder")


def test_wildcard_sources_count_for_the_choice() -> None:
    dockerfile = b"FROM python:3.11\nCOPY services/*/requirements*.txt /req/\n"
    repo = Repo({"services/a/Dockerfile": dockerfile, "services/a/requirements.txt": ""})

    assert repo.contexts("services/a/Dockerfile")[0].root == ""


def test_dockerfile_at_the_root() -> None:
    repo = Repo({"Dockerfile": LOCAL_DOCKERFILE, "app/__init__.py": ""})

    (context,) = repo.contexts("Dockerfile")

    assert (context.root, context.how) == ("", "dockerfile-folder")
    assert context.reason == "the Dockerfile is at the repository root, its context"


# -- .dockerignore of a context ------------------------------------------------


def test_context_root_dockerignore_excludes_tests_with_the_line() -> None:
    repo = monorepo(**{".dockerignore": "# keep images small\n**/tests\n*.md\n"})

    (context,) = repo.contexts("services/api/Dockerfile")

    assert context.ignore_file == ".dockerignore"
    assert "services/api/tests/test_main.py" not in context.files
    assert context.ignored == {"services/api/tests/test_main.py": 2, "README.md": 3}
    assert "services/api/main.py" in context.files


def test_dockerfile_specific_ignore_file_takes_precedence() -> None:
    repo = monorepo(
        **{
            ".dockerignore": "libs\n",
            "services/api/Dockerfile.dockerignore": "**/tests\n",
        }
    )

    (context,) = repo.contexts("services/api/Dockerfile")

    assert context.ignore_file == "services/api/Dockerfile.dockerignore"
    assert "libs/money.py" in context.files
    assert "services/api/tests/test_main.py" in context.ignored


def test_a_dockerignore_beside_the_dockerfile_does_not_apply_to_a_root_context() -> None:
    # A common surprise: BuildKit reads .dockerignore at the context root only.
    repo = monorepo(**{"services/api/.dockerignore": "tests\n"})

    (context,) = repo.contexts("services/api/Dockerfile")

    assert context.root == "" and context.ignore_file is None
    assert "services/api/tests/test_main.py" in context.files


def test_problems_of_the_ignore_file_are_kept() -> None:
    repo = Repo({"svc/Dockerfile": LOCAL_DOCKERFILE, "svc/.dockerignore": "[\n", "svc/a": ""})

    (context,) = repo.contexts("svc/Dockerfile")

    assert context.problems == ("svc/.dockerignore: line 1: syntax error in pattern '['",)


# -- cost ------------------------------------------------------------------------


def test_sorted_paths_are_a_frozenset_that_keeps_its_order() -> None:
    paths = SortedPaths(["b/c", "a", "b/a", "a"])

    assert paths == frozenset({"a", "b/a", "b/c"}) and isinstance(paths, frozenset)
    assert paths.order == ("a", "b/a", "b/c")
    assert hash(paths) == hash(frozenset(paths))
    restored = pickle.loads(pickle.dumps(paths))
    assert restored == paths and restored.order == paths.order


def _many_dockerfiles(unrelated: int) -> Repo:
    """A repository built from its root by compose: 20 services and
    ``unrelated`` files no Dockerfile copies."""
    files: dict[str, bytes | str] = {".dockerignore": "**/tests\n*.md\n"}
    compose = ["services:"]
    for number in range(20):
        folder = f"services/s{number}"
        files[f"{folder}/Dockerfile"] = API_DOCKERFILE.replace(b"services/api", folder.encode())
        files.update({f"{folder}/m{m}.py": "" for m in range(10)})
        compose.append(f"  s{number}:\n    build: {{context: ., dockerfile: {folder}/Dockerfile}}")
    files["compose.yaml"] = "\n".join(compose)
    files.update({f"docs/d{n // 100}/n{n}.txt": "" for n in range(unrelated)})
    return Repo(files)


def test_a_context_cache_gives_what_each_call_alone_gives() -> None:
    repo = _many_dockerfiles(30)
    found = compose_builds(repo.files, repo.read)
    cache = ContextCache()
    for path in sorted(p for p in repo.data if p.endswith("Dockerfile")):
        dockerfile = parse(repo.data[path])
        alone = build_contexts(path, dockerfile, repo.files, repo.read, compose=found)
        shared = build_contexts(
            path, dockerfile, repo.files, repo.read, compose=found, cache=cache
        )
        assert shared == alone
    # Other files: the cache starts afresh rather than answer for the old ones.
    other = Repo({**repo.data, ".dockerignore": "**/tests\n*.md\ndocs\n"})
    path = "services/s0/Dockerfile"
    dockerfile = parse(other.data[path])
    (context,) = build_contexts(path, dockerfile, other.files, other.read, cache=cache)
    assert not any(name.startswith("docs/") for name in context.files)


def test_each_further_dockerfile_costs_what_it_uses_not_the_repository() -> None:
    """With a cache, the repository's files are sorted and filtered once: the
    contexts of further Dockerfiles cost the same in a repository of 20,000
    files no Dockerfile copies as in one of 200 (a path through them all,
    for each Dockerfile, would cost a hundred times more)."""

    def further_dockerfiles(repo: Repo) -> Callable[[], object]:
        found = compose_builds(repo.files, repo.read)
        paths = sorted(p for p in repo.data if p.endswith("Dockerfile"))
        parsed = [(path, parse(repo.data[path])) for path in paths]
        cache = ContextCache()
        first, dockerfile = parsed[0]
        build_contexts(first, dockerfile, repo.files, repo.read, compose=found, cache=cache)

        def run() -> None:
            for path, dockerfile in parsed[1:]:
                build_contexts(path, dockerfile, repo.files, repo.read, compose=found, cache=cache)

        return run

    assert_time_bounded(
        further_dockerfiles(_many_dockerfiles(200)),
        further_dockerfiles(_many_dockerfiles(20_000)),
        4,
        0.002,
        runs=7,
    )


def test_yaml_is_imported_only_when_there_is_a_compose_file() -> None:
    code = (
        "import sys\n"
        "from lucid_hooks.build_context import build_contexts\n"
        "from lucid_hooks.image import model_image\n"
        "from lucid_hooks.dockerfile import parse\n"
        "d = parse(b'FROM python:3.11\\nCOPY . /app\\n')\n"
        "files = ['svc/Dockerfile', 'svc/a.py']\n"
        "(c,) = build_contexts('svc/Dockerfile', d, files, lambda p: None)\n"
        "model_image('svc/Dockerfile', d, c)\n"
        "print('yaml' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("services", [50])
def test_fifty_dockerfiles_of_a_monorepo_are_cheap(services: int) -> None:
    from lucid_hooks.image import model_image

    files: dict[str, bytes | str] = {
        ".dockerignore": "**/tests\n**/__pycache__\n*.md\n!README.md\n"
    }
    compose = ["services:"]
    for number in range(services):
        folder = f"services/s{number}"
        files[f"{folder}/Dockerfile"] = API_DOCKERFILE.replace(b"services/api", folder.encode())
        files[f"{folder}/requirements.txt"] = ""
        files.update({f"{folder}/pkg/m{m}.py": "" for m in range(24)})
        compose.append(f"  s{number}:\n    build: {{context: ., dockerfile: {folder}/Dockerfile}}")
    files["compose.yaml"] = "\n".join(compose)
    repo = Repo(files)
    parsed = {path: parse(data) for path, data in repo.data.items() if path.endswith("Dockerfile")}
    found = compose_builds(repo.files, repo.read)

    start = time.perf_counter()
    for path, dockerfile in parsed.items():
        (context,) = build_contexts(path, dockerfile, repo.files, repo.read, compose=found)
        model_image(path, dockerfile, context)
    each = (time.perf_counter() - start) / services

    assert len(repo.files) > 1300
    assert each < 0.025, f"{each * 1000:.1f} ms a Dockerfile"
