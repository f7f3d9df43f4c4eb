"""lucid_hooks.image (with expansion, base_images and pip_installs): the image
a Dockerfile's final stage builds, as the container sees it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks.base_images import DEFAULT_PATH, base_image
from lucid_hooks.build_context import BuildContext, build_contexts
from lucid_hooks.dockerfile import parse
from lucid_hooks.expansion import ExpansionError, expand
from lucid_hooks.image import (
    Command,
    Image,
    ImageCache,
    ImageFile,
    PathRef,
    Setting,
    model_image,
    model_stages,
)
from lucid_hooks.pip_installs import pip_installs
from tests.conftest import assert_time_bounded

DISTROLESS_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HOME = "/home/nonroot"


def problems_of(image: Image) -> tuple[tuple[int, str], ...]:
    """An image's problems as (line, message)."""
    return tuple((problem.line, problem.message) for problem in image.problems)


def context(files: Iterable[str] = (), *, ignored: dict[str, int] | None = None) -> BuildContext:
    """A context of ``files`` at the repository root, as build_context makes them."""
    return BuildContext("Dockerfile", "", "config", "given", frozenset(files), ignored or {})


def image(text: str, files: Iterable[str] = (), **options: object) -> Image:
    return model_image("Dockerfile", parse(text), context(files), **options)  # type: ignore[arg-type]


def sources(built: Image) -> dict[str, str | None]:
    return {path: file.source for path, file in built.files.items()}


def kinds(built: Image, path: str) -> set[str]:
    return {opaque.kind for opaque in built.covering(path)}


# -- a monorepo: builder -> distroless, built from the root by compose ----------

API = """\
# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.10
FROM python:${PYTHON_VERSION}-slim AS builder
ENV PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY services/api/requirements.txt .
RUN python -m venv /venv \\
 && /venv/bin/pip install -r requirements.txt
COPY libs/ ./libs/
RUN /venv/bin/pip install ./libs

FROM gcr.io/distroless/python3-debian12:nonroot AS runtime
COPY --from=builder /venv /venv
WORKDIR /app
COPY services/api/src/ /app/src
ENV PYTHONPATH=/app/src PATH=/venv/bin:$PATH
USER 65532
EXPOSE 8080
HEALTHCHECK --interval=30s CMD ["/venv/bin/python", "-m", "api.health"]
ENTRYPOINT ["/venv/bin/python", "-m", "api"]
CMD ["--port", "8080"]
"""

BILLING = """\
FROM python:3.12-slim AS build
WORKDIR /app
COPY requirements.txt .
RUN pip install --user -r requirements.txt
COPY . .

FROM gcr.io/distroless/python3-debian12
COPY --from=build /root/.local /root/.local
COPY --from=build /app /app
WORKDIR /app
CMD ["python3", "main.py"]
"""

MONOREPO: dict[str, str] = {
    "compose.yaml": (
        "services:\n"
        "  api:\n"
        "    build:\n"
        "      context: .\n"
        "      dockerfile: services/api/Dockerfile\n"
        "      args: {PYTHON_VERSION: '3.11'}\n"
        "  billing:\n"
        "    build: ./services/billing\n"
    ),
    ".dockerignore": "**/tests\n**/__pycache__\n",
    "services/api/Dockerfile": API,
    "services/api/requirements.txt": "fastapi\n",
    "services/api/src/api/__init__.py": "",
    "services/api/src/api/__main__.py": "",
    "services/api/src/api/health.py": "",
    "services/api/src/api/tests/test_health.py": "",
    "services/billing/Dockerfile": BILLING,
    "services/billing/.dockerignore": "tests\n",
    "services/billing/main.py": "",
    "services/billing/requirements.txt": "",
    "services/billing/tests/test_main.py": "",
    "libs/pyproject.toml": "",
    "libs/money/__init__.py": "",
}


def monorepo_image(path: str) -> Image:
    data = {name: text.encode() for name, text in MONOREPO.items()}
    dockerfile = parse(data[path])
    (found,) = build_contexts(path, dockerfile, frozenset(data), data.get)
    return model_image(path, dockerfile, found)


def test_monorepo_service_built_from_the_root() -> None:
    api = monorepo_image("services/api/Dockerfile")

    assert api.context is not None and (api.context.root, api.context.how) == ("", "compose")
    assert (api.stage, api.stage_name, api.chain) == (1, "runtime", (1,))
    assert api.base.reference == "gcr.io/distroless/python3-debian12:nonroot"
    assert api.python_version == "3.11"
    assert sources(api) == {
        "/app/src/api/__init__.py": "services/api/src/api/__init__.py",
        "/app/src/api/__main__.py": "services/api/src/api/__main__.py",
        "/app/src/api/health.py": "services/api/src/api/health.py",
    }
    assert api.files["/app/src/api/health.py"].line == 15
    # .dockerignore kept the tests out; the venv is whatever RUN made of it.
    assert api.exists("/app/src/api/tests/test_health.py") is False
    assert api.exists("/venv/lib/python3.11/site-packages/fastapi/__init__.py") is None
    assert kinds(api, "/venv/bin/python") == {"run"}
    assert api.workdir == Setting("/app", 14)
    assert api.user == Setting("65532", 17)
    assert api.env["PYTHONPATH"] == Setting("/app/src", 16)
    assert api.env["PATH"] == Setting("/venv/bin:" + DISTROLESS_PATH, 16)
    assert api.entrypoint == Command(("/venv/bin/python", "-m", "api"), 20)
    assert api.cmd == Command(("--port", "8080"), 21)
    assert api.command == ("/venv/bin/python", "-m", "api", "--port", "8080")
    assert api.command_line == 21
    assert api.healthcheck == Command(("/venv/bin/python", "-m", "api.health"), 19)
    assert api.copied_from == (0,)
    assert problems_of(api) == ()


def test_monorepo_builder_installs_are_data_with_their_sources() -> None:
    api = monorepo_image("services/api/Dockerfile")

    first, second = api.installs
    assert (first.stage, first.line, first.tool, first.final) == (0, 7, "pip", False)
    assert first.requirements == (
        PathRef("requirements.txt", "/src/requirements.txt", "services/api/requirements.txt"),
    )
    assert second.local == (PathRef("./libs", "/src/libs", "libs"),)
    assert second.packages == ()


def test_monorepo_service_built_from_its_folder() -> None:
    billing = monorepo_image("services/billing/Dockerfile")

    assert billing.context is not None and billing.context.root == "services/billing"
    # `COPY . .` sends the Dockerfile and .dockerignore too; tests/ stays out.
    assert sources(billing) == {
        "/app/.dockerignore": "services/billing/.dockerignore",
        "/app/Dockerfile": "services/billing/Dockerfile",
        "/app/main.py": "services/billing/main.py",
        "/app/requirements.txt": "services/billing/requirements.txt",
    }
    # Root variant: uid 0; the seed's defect: CMD repeats the interpreter.
    assert billing.user == Setting("0")
    assert billing.command == ("/usr/bin/python3.11", "python3", "main.py")
    assert billing.installs[0].user and not billing.installs[0].final
    assert kinds(billing, "/root/.local/lib/python3.12/site-packages") == {"base", "run"}
    # Builder and runtime disagree on the Python version: visible stage by stage.
    assert [
        stage.python_version
        for stage in model_stages("services/billing/Dockerfile", parse(BILLING), billing.context)
    ] == ["3.12", "3.11"]


# -- BuildKit's variable expansion --------------------------------------------------


def test_expansion_operators() -> None:
    values: dict[str, str | None] = {"A": "a", "E": "", "P": "a/b/c", "S": "foo boo"}
    cases = {
        "$A ${A}": "a a",
        "${A:-d} ${B:-d} ${E:-d} ${E-d} ${B-d}": "a d d  d",
        "${A:+x} ${B:+x} ${E:+x} ${E+x} ${B+x}": "x   x ",
        "${P#*/} ${P##*/} ${P%/*} ${P%%/*}": "b/c c a/b a",
        "${P/b/X} ${S//o/0} ${S/o/0}": "a/X/c f00 b00 f0o boo",
        "$1$@x $": "x $",
        "${A?no} ${E:-${A}}": "a a",
    }
    for word, expected in cases.items():
        assert expand(word, values) == expected, word


def test_expansion_quotes_and_escapes() -> None:
    values: dict[str, str | None] = {"A": "a"}
    assert expand("'$A' \"$A b\" \\$A", values) == "$A a b $A"
    assert expand('"\\$A \\q"', values) == "$A \\q"
    assert expand("a\\", values) == "a"
    assert expand("`$A", values, escape="`") == "$A"
    # A heredoc body: quotes stay, only the variables change.
    assert expand("x = '$A' \"$A\"", values, process_quotes=False) == "x = 'a' \"a\""


def test_expansion_never_guesses() -> None:
    values: dict[str, str | None] = {"UNKNOWN": None, "A": "a"}
    assert expand("${UNKNOWN}", values) is None
    assert expand("x${UNKNOWN:-d}", values) is None
    assert expand("$MISSING", values, complete=False) is None
    assert expand("$MISSING", values) == ""
    assert expand("plain $A", values, complete=False) == "plain a"


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("${}", "syntax error: bad substitution"),
        ("${A", "syntax error: missing '}'"),
        ("'open", "unexpected end of statement while looking for matching single-quote"),
        ('"open', "unexpected end of statement while looking for matching double-quote"),
        ("${B:?must be set}", "B: must be set"),
        ("${E:?}", "E: is not allowed to be empty"),
        ("${A*x}", "unsupported modifier (*) in substitution"),
    ],
)
def test_expansion_errors_are_buildkits(word: str, message: str) -> None:
    with pytest.raises(ExpansionError, match=re.escape(message)):
        expand(word, {"A": "a", "E": ""})


# -- base images ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "python", "entrypoint", "user", "workdir"),
    [
        ("python3-debian11", "3.9", ("/usr/bin/python3.9",), "0", "/"),
        ("python3-debian12:latest", "3.11", ("/usr/bin/python3.11",), "0", "/"),
        ("python3-debian12:nonroot", "3.11", ("/usr/bin/python3.11",), "65532", HOME),
        ("python3-debian13:debug", "3.13", ("/usr/bin/python3.13",), "0", "/"),
        ("python3-debian13:debug-nonroot-amd64", "3.13", ("/usr/bin/python3.13",), "65532", HOME),
        ("python3:nonroot", None, None, "65532", HOME),
        ("python3-debian12@sha256:0123", "3.11", ("/usr/bin/python3.11",), None, None),
    ],
)  # fmt: skip
def test_distroless_python_images(
    reference: str,
    python: str | None,
    entrypoint: tuple[str, ...] | None,
    user: str | None,
    workdir: str | None,
) -> None:
    built = image(f"FROM gcr.io/distroless/{reference}\n")

    assert built.base.distroless
    assert built.python_version == python
    assert (built.entrypoint.argv, built.cmd.argv) == (entrypoint, ())
    assert (built.user.value, built.workdir.value) == (user, workdir)


def test_distroless_debug_images_hold_busybox_and_nothing_else_known() -> None:
    debug = base_image("gcr.io/distroless/python3-debian12:debug-nonroot")
    plain = base_image("gcr.io/distroless/python3-debian12:nonroot")

    assert debug.debug and not plain.debug
    assert debug.env["PATH"] == DISTROLESS_PATH + ":/busybox"
    assert plain.env == {
        "PATH": DISTROLESS_PATH,
        "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt",
        "LANG": "C.UTF-8",
    }
    assert image("FROM gcr.io/distroless/python3-debian12:debug\n").exists("/busybox/sh") is None
    assert image("FROM gcr.io/distroless/python3-debian12\n").exists("/busybox/sh") is False


@pytest.mark.parametrize(
    ("reference", "python", "cmd"),
    [
        ("python:3.11-slim", "3.11", ("python3",)),
        ("docker.io/library/python:3.12.4-alpine3.20", "3.12", ("python3",)),
        ("python:3.13-slim-bookworm@sha256:0123", "3.13", ("python3",)),
        ("python:3-slim", None, ("python3",)),
        ("python", None, ("python3",)),
        ("python:2.7", "2.7", None),
    ],
)
def test_official_python_images(
    reference: str, python: str | None, cmd: tuple[str, ...] | None
) -> None:
    built = image(f"FROM {reference}\n")

    assert built.base.family == "python"
    assert built.python_version == python
    assert (built.entrypoint.argv, built.cmd.argv) == ((), cmd)
    assert (built.user.value, built.workdir.value) == ("", "/")
    assert built.env["PATH"].value == "/usr/local/bin:" + DEFAULT_PATH


def test_python_image_environment_names_are_known_values_not_all() -> None:
    built = image("FROM python:3.12.4-slim\nENV PYTHONPATH=/app:$PYTHONPATH\nENV V=$GPG_KEY\n")

    assert built.env["PYTHON_VERSION"] == Setting("3.12.4")
    assert built.env["PYTHONPATH"].value == "/app:"  # surely unset before
    assert built.env["V"].value is None  # set by the image, to a value not known


def test_unknown_and_windows_images_are_not_known() -> None:
    for reference in (
        "node:20",
        "python:3.12-windowsservercore-ltsc2022",
        "registry.local/base:1",
    ):
        built = image(f"FROM {reference}\n")
        assert built.base.family == "", reference
        assert built.command is None and built.workdir.value is None and built.user.value is None
        assert not built.env_complete
        assert kinds(built, "/app/main.py") == {"base"}


def test_scratch_holds_nothing() -> None:
    built = image("FROM scratch\nCOPY app.py /\n", ["app.py"])

    assert built.command == ()
    assert built.env == {"PATH": Setting(DEFAULT_PATH)}
    assert built.opaque == ()
    assert built.exists("/app.py") and built.exists("/bin/sh") is False


# -- ARG, ENV, WORKDIR, USER ----------------------------------------------------------


def test_global_arg_defaults_feed_from_and_build_args_override_them() -> None:
    text = "ARG PY=3.11\nARG FLAVOUR=slim\nFROM python:${PY:-3.9}-$FLAVOUR\n"

    assert image(text).base.reference == "python:3.11-slim"
    assert image(text, build_args={"PY": "3.13"}).python_version == "3.13"


def test_global_arg_without_a_value_leaves_the_base_unknown() -> None:
    built = image('ARG PY\nFROM python:${PY}-slim\nCMD ["app.py"]\n')

    assert built.base.family == "" and built.python_version is None
    assert problems_of(built) == ((2, "the base image 'python:${PY}-slim' is not known"),)
    assert (
        image("ARG PY\nFROM python:${PY}-slim\n", build_args={"PY": "3.12"}).python_version
        == "3.12"
    )


def test_stage_args_see_globals_only_when_declared_again() -> None:
    declared = image("ARG APP=/srv\nFROM python:3.11\nARG APP\nWORKDIR $APP/x\n")
    undeclared = image("ARG APP=/srv\nFROM python:3.11\nWORKDIR $APP/x\n")

    assert declared.workdir == Setting("/srv/x", 4)
    assert undeclared.workdir == Setting("/x", 3)
    assert "APP" not in declared.env  # ARGs are not in the image


def test_arg_without_default_is_not_known_unless_given() -> None:
    text = "FROM python:3.11\nARG TOKEN\nENV T=$TOKEN\n"

    assert image(text).env["T"] == Setting(None, 3)
    assert image(text, build_args={"TOKEN": None}).env["T"].value is None
    assert image(text, build_args={"TOKEN": "abc"}).env["T"].value == "abc"


def test_env_pairs_expand_with_the_environment_before_the_instruction() -> None:
    built = image('FROM python:3.11\nENV A=old\nENV A=new B=$A\nENV C ${A} and "more"\n')

    assert built.env["A"] == Setting("new", 3)
    assert built.env["B"] == Setting("old", 3)
    assert built.env["C"] == Setting("new and more", 4)


def test_workdir_relative_chain_and_unknown_variables() -> None:
    assert image("FROM python:3.11\nWORKDIR /a\nWORKDIR b\nWORKDIR c/../d\n").workdir == Setting(
        "/a/b/d", 4
    )
    unknown = image("FROM node:20\nWORKDIR $HOME/app\nCOPY a.py ./\nCOPY a.py /abs/\n", ["a.py"])
    assert unknown.workdir == Setting(None, 2)
    assert unknown.files == {"/abs/a.py": ImageFile("a.py", 4)}
    assert any(o.kind == "not-known" and o.path == "/" and o.line == 3 for o in unknown.opaque)


def test_platform_args_are_not_known() -> None:
    built = image(
        "FROM --platform=$BUILDPLATFORM python:3.11\nARG TARGETARCH\nWORKDIR /out/$TARGETARCH\n"
    )

    assert built.python_version == "3.11"
    assert built.workdir == Setting(None, 3)


# -- the command ---------------------------------------------------------------


def test_distroless_cmd_is_an_argument_of_the_interpreter() -> None:
    assert image('FROM gcr.io/distroless/python3-debian12\nCMD ["main.py"]\n').command == (
        "/usr/bin/python3.11",
        "main.py",
    )
    cleared = image(
        'FROM gcr.io/distroless/python3-debian13\nENTRYPOINT []\nCMD ["python3", "x.py"]\n'
    )
    assert cleared.entrypoint == Command((), 2)
    assert cleared.command == ("python3", "x.py")


def test_shell_forms_are_wrapped_in_the_shell() -> None:
    plain = image("FROM python:3.11\nCMD python app.py\n")
    bash = image('FROM python:3.11\nSHELL ["/bin/bash", "-lc"]\nENTRYPOINT exec python app.py\n')

    assert plain.cmd == Command(("/bin/sh", "-c", "python app.py"), 2, "python app.py")
    assert bash.entrypoint.argv == ("/bin/bash", "-lc", "exec python app.py")
    assert bash.shell == Command(("/bin/bash", "-lc"), 2)


def test_shell_form_under_an_unknown_shell_keeps_its_text() -> None:
    built = image("FROM node:20\nCMD node app.js\n")

    assert built.cmd == Command(None, 2, "node app.js")
    assert built.command is None


def test_entrypoint_drops_the_cmd_it_inherits() -> None:
    from_image = image('FROM python:3.11\nENTRYPOINT ["python", "-m", "app"]\n')
    from_stage = image('FROM python:3.11 AS base\nCMD ["serve"]\nFROM base\nENTRYPOINT ["app"]\n')
    same_stage = image('FROM python:3.11\nCMD ["serve"]\nENTRYPOINT ["app"]\n')

    assert from_image.cmd == Command((), 2)
    assert from_image.command == ("python", "-m", "app")
    assert from_stage.command == ("app",)
    assert same_stage.command == ("app", "serve")
    assert same_stage.command_line == 3


def test_cmd_empty_array_clears() -> None:
    built = image("FROM python:3.11\nCMD []\n")

    assert built.cmd == Command((), 2) and built.command == ()


def test_healthchecks_are_commands_of_their_own() -> None:
    exec_form = image(
        'FROM gcr.io/distroless/python3-debian12\nHEALTHCHECK CMD ["/usr/bin/python3", "-c", "1"]'
    )
    shell = image(
        "FROM python:3.11\n"
        "HEALTHCHECK --interval=5s --retries=3 CMD curl -f http://localhost/ || exit 1\n"
    )
    cleared = image("FROM python:3.11 AS a\nHEALTHCHECK CMD true\nFROM a\nHEALTHCHECK NONE\n")

    # Not prefixed by the ENTRYPOINT.
    assert exec_form.healthcheck == Command(("/usr/bin/python3", "-c", "1"), 2)
    assert shell.healthcheck.argv == ("/bin/sh", "-c", "curl -f http://localhost/ || exit 1")
    assert shell.healthcheck.shell_text == "curl -f http://localhost/ || exit 1"
    assert cleared.healthcheck == Command((), 4)
    assert cleared.healthchecks == (Command(("/bin/sh", "-c", "true"), 2, "true"),)


# -- the FROM chain --------------------------------------------------------------


def test_final_stage_inherits_from_its_base_stage() -> None:
    text = """\
FROM python:3.11-slim AS base
ENV APP_HOME=/srv/app
WORKDIR $APP_HOME
USER 1000
COPY app/ ./app/
CMD ["python", "-m", "app"]
FROM base AS final
ENV EXTRA=1
"""
    built = image(text, ["app/__main__.py"])

    assert (built.stage, built.chain) == (1, (0, 1))
    assert built.workdir == Setting("/srv/app", 3)
    assert built.user == Setting("1000", 4)
    assert built.cmd == Command(("python", "-m", "app"), 6)
    assert built.files == {"/srv/app/app/__main__.py": ImageFile("app/__main__.py", 5)}
    assert built.env["APP_HOME"] == Setting("/srv/app", 2)
    assert built.python_version == "3.11"


def test_onbuild_triggers_run_in_the_child_stage() -> None:
    text = "FROM python:3.11 AS base\nONBUILD COPY app.py /onbuild/\nFROM base\n"
    built = image(text, ["app.py"])

    assert built.files == {"/onbuild/app.py": ImageFile("app.py", 2)}
    assert image(text.replace("FROM base\n", ""), ["app.py"]).files == {}


def test_target_stage() -> None:
    text = 'FROM python:3.11 AS builder\nCMD ["build"]\nFROM gcr.io/distroless/python3-debian12\n'

    assert image(text, target="builder").cmd.argv == ("build",)
    missing = image(text, target="nope")
    assert missing.stage == 1
    assert problems_of(missing) == ((3, "target stage 'nope' could not be found"),)


# -- COPY and ADD --------------------------------------------------------------------

FILES = (
    "main.py",
    "src/app/__init__.py",
    "src/app/core.py",
    "pkg/mod.py",
    "a.txt",
    "b.txt",
    "home.txt",
    "homer.md",
    "hom.py",
    "x/a.txt",
    "y/a.txt",
    "x/y/a.txt",
    "x/y/b.txt",
    "vendor.tar.gz",
    "data.zip",
)


def test_copy_destinations_as_buildkit_resolves_them() -> None:
    text = """\
FROM python:3.11-slim
WORKDIR /app
COPY main.py .
COPY main.py /srv/run.py
COPY main.py /opt
COPY src/ /app/src
COPY pkg /app/pkg/
COPY *.txt /app/cfg/
COPY src/app/*.py /flat/
"""
    built = image(text, FILES)

    assert sources(built) == {
        "/app/main.py": "main.py",
        "/srv/run.py": "main.py",
        "/opt/main.py": "main.py",  # /opt is a folder of the image
        "/app/src/app/__init__.py": "src/app/__init__.py",
        "/app/src/app/core.py": "src/app/core.py",
        "/app/pkg/mod.py": "pkg/mod.py",
        "/app/cfg/a.txt": "a.txt",
        "/app/cfg/b.txt": "b.txt",
        "/app/cfg/home.txt": "home.txt",
        "/flat/__init__.py": "src/app/__init__.py",
        "/flat/core.py": "src/app/core.py",
    }
    assert problems_of(built) == ()
    assert built.children("/app") == {"main.py": False, "src": True, "pkg": True, "cfg": True}


def test_copy_problems_buildkit_would_stop_at() -> None:
    text = """\
FROM python:3.11-slim
COPY a.txt b.txt /app/two
COPY missing.py /x/
COPY tests/test_a.py /x/
COPY nothing*.py /x/
COPY https://example.com/a.py /x/
COPY onlyone
"""
    built = image(text, FILES)

    assert sources(built) == {"/app/two/a.txt": "a.txt", "/app/two/b.txt": "b.txt"}
    assert [problem.line for problem in built.problems] == [2, 3, 4, 5, 6, 7]
    assert built.problems[1].message == "missing.py not found in the build context"
    assert built.problems[3].message == "nothing*.py matches nothing in the build context"
    assert built.problems[4].message.startswith("COPY cannot copy a URL")
    assert built.problems[5].message == "COPY requires at least two arguments"


def test_a_source_excluded_by_dockerignore_says_so() -> None:
    built = model_image(
        "Dockerfile",
        parse("FROM python:3.11\nCOPY tests/test_a.py /t/\n"),
        context(["main.py"], ignored={"tests/test_a.py": 3}),
    )

    assert problems_of(built) == (
        (2, "tests/test_a.py not found in the build context (excluded by .dockerignore line 3)"),
    )
    folder = model_image(
        "Dockerfile",
        parse("FROM python:3.11\nCOPY tests/ /t/\n"),
        context(["main.py"], ignored={"tests/test_a.py": 3, "tests/b.py": 3}),
    )
    assert folder.problems[0].message.endswith("(excluded by .dockerignore line 3)")


def test_copy_into_a_folder_of_the_base_may_be_either() -> None:
    built = image("FROM python:3.11\nCOPY main.py /usr/local/share/app\n", FILES)

    assert sources(built) == {"/usr/local/share/app": "main.py"}
    assert "ambiguous" in kinds(built, "/usr/local/share/app/main.py")


def test_copy_from_stages_by_name_index_and_chain() -> None:
    text = """\
FROM python:3.11 AS build
COPY src/ /build/src/
RUN pip install --target=/deps requests
FROM build AS test
FROM gcr.io/distroless/python3-debian12
COPY --from=build /build/src /app
COPY --from=0 /build/src/app/core.py /core.py
COPY --from=test /deps /deps
COPY --from=nginx:latest /etc/nginx/nginx.conf /etc/nginx.conf
"""
    built = image(text, FILES)

    assert sources(built) == {
        "/app/app/__init__.py": "src/app/__init__.py",
        "/app/app/core.py": "src/app/core.py",
        "/core.py": "src/app/core.py",
    }
    assert built.files["/core.py"].line == 7
    assert kinds(built, "/deps/requests/__init__.py") == {"run"}
    assert kinds(built, "/etc/nginx.conf") == {"image", "base"}
    assert built.copied_from == (0, 1)
    assert [(i.stage, i.target, i.final) for i in built.installs] == [(0, "/deps", False)]


def test_copy_from_a_later_stage_or_a_variable_is_refused() -> None:
    text = (
        "FROM python:3.11 AS a\nCOPY --from=b /x /x\nCOPY --from=$S /y /y\n"
        "COPY --from=7 /z /z\nFROM scratch AS b\n"
    )
    built = image(text, target="a")

    assert problems_of(built) == (
        (2, "cannot copy from stage 'b': it must be defined before this stage"),
        (3, "variable expansion is not supported for --from"),
        (4, "invalid stage index 7"),
    )
    assert {kinds(built, path).pop() for path in ("/x", "/y", "/z")} == {"not-known"}


def test_add_remote_and_archives() -> None:
    built = image(
        "FROM python:3.11\nADD https://example.com/get.py /opt/remote/\n"
        "ADD vendor.tar.gz /opt/vendor/\nADD data.zip /opt/data/\n",
        FILES,
    )

    assert kinds(built, "/opt/remote/get.py") == {"remote"}
    assert kinds(built, "/opt/vendor/lib/x.py") == {"archive"}
    assert built.exists("/opt/vendor") is True
    assert sources(built) == {"/opt/data/data.zip": "data.zip"}  # a zip is copied as it is


def test_run_writes_anywhere() -> None:
    built = image(
        "FROM python:3.11\nWORKDIR /app\n"
        "RUN mkdir -p /app/generated && touch /app/generated/x.py\n"
    )

    assert built.exists("/app/generated/x.py") is None
    (run,) = [o for o in built.opaque if o.kind == "run"]
    assert (run.path, run.line, run.detail) == (
        "/",
        3,
        "RUN mkdir -p /app/generated && touch /app/generated/x.py",
    )


def test_heredoc_files_have_content_and_no_repo_path() -> None:
    text = (
        "FROM python:3.11\nENV PORT=8000\n"
        "COPY <<EOF /app/settings.py\nPORT = $PORT\nEOF\n"
        'COPY <<"EOF" /app/raw.py\nPORT = $PORT\nEOF\n'
        "COPY <<-EOT /app/\n\tindented\n\tEOT\n"
    )
    built = image(text)

    assert built.files == {
        "/app/settings.py": ImageFile(None, 3, "PORT = 8000\n"),
        "/app/raw.py": ImageFile(None, 6, "PORT = $PORT\n"),
        "/app/EOT": ImageFile(None, 9, "indented\n"),
    }


def test_copy_parents_documented_examples() -> None:
    text = """\
# syntax=docker/dockerfile:1.7-labs
FROM scratch
COPY ./x/a.txt ./y/a.txt /no_parents/
COPY --parents ./x/a.txt ./y/a.txt /parents/
COPY --parents ./x/./y/*.txt /pivot/
COPY --parents ./src/**/*.py /tree/
"""
    built = image(text, FILES)

    assert sources(built) == {
        "/no_parents/a.txt": "y/a.txt",  # BuildKit silently overwrites
        "/parents/x/a.txt": "x/a.txt",
        "/parents/y/a.txt": "y/a.txt",
        "/pivot/y/a.txt": "x/y/a.txt",
        "/pivot/y/b.txt": "x/y/b.txt",
        "/tree/src/app/__init__.py": "src/app/__init__.py",
        "/tree/src/app/core.py": "src/app/core.py",
    }


def test_copy_exclude_documented_examples() -> None:
    one = image("FROM scratch\nCOPY --exclude=*.txt hom* /mydir/\n", FILES)
    two = image("FROM scratch\nCOPY --exclude=*.txt --exclude=*.md hom* /mydir/\n", FILES)
    folder = image("FROM scratch\nCOPY --exclude=**/core.py src /code/\n", FILES)

    assert sorted(one.files) == ["/mydir/hom.py", "/mydir/homer.md"]
    assert sorted(two.files) == ["/mydir/hom.py"]
    assert sorted(folder.files) == ["/code/app/__init__.py"]


def test_covering_exists_and_children() -> None:
    built = image("FROM gcr.io/distroless/python3-debian12\nCOPY src/ /app/\n", FILES)

    assert built.exists("/app/app/core.py") is True and built.exists("/app/app") is True
    assert built.exists("/app/other.py") is False
    assert built.exists("/usr/lib/python3.11/json/__init__.py") is None
    assert {o.detail for o in built.covering("/usr/lib/x")} == {
        "files of gcr.io/distroless/python3-debian12"
    }
    assert built.children("/app/app") == {"__init__.py": False, "core.py": False}


# -- pip installs ----------------------------------------------------------------------


def run(text: str) -> list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    (instruction,) = parse("RUN " + text).instructions
    return [(i.tool, i.requirements, i.packages, i.local) for i in pip_installs(instruction)]


def test_pip_install_forms() -> None:
    assert run("pip install --no-cache-dir -r requirements.txt") == [
        ("pip", ("requirements.txt",), (), ())
    ]
    assert run(
        "python3 -m pip install -U pip && pip install -e ./lib 'uvicorn[standard]>=0.30' ."
    ) == [
        ("pip", (), ("pip",), ()),
        ("pip", (), ("uvicorn[standard]>=0.30",), (".", "./lib")),
    ]
    assert run("uv pip install --system -rrequirements/base.txt --requirement=dev.txt") == [
        ("uv pip", ("requirements/base.txt", "dev.txt"), (), ())
    ]
    assert run(
        '["/venv/bin/pip3.11", "install", "--target=/deps", "requests", "./dist/app.whl"]'
    ) == [("pip", (), ("requests",), ("./dist/app.whl",))]
    assert run("<<EOF\nset -e\nPIP_NO_CACHE_DIR=1 sudo pip install \\\n  gunicorn\nEOF") == [
        ("pip", (), ("gunicorn",), ())
    ]


def test_pip_global_options_before_install() -> None:
    assert run("pip --disable-pip-version-check --cache-dir /tmp/pip install x") == [
        ("pip", (), ("x",), ())
    ]


def test_not_pip_installs() -> None:
    assert run('pip --version && echo "pip install fake" > /dev/null') == []
    assert run("python -c 'import pip' ; pipx install black ; pip download x") == []
    assert run("pip install 'unbalanced") == []


def test_pip_install_options() -> None:
    (instruction,) = parse(
        "RUN pip3 install --user --prefix=/install -t /target -c c.txt x"
    ).instructions
    (install,) = pip_installs(instruction)

    assert (install.user, install.prefix, install.target, install.constraints) == (
        True,
        "/install",
        "/target",
        ("c.txt",),
    )
    assert install.arguments == (
        "--user",
        "--prefix=/install",
        "-t",
        "/target",
        "-c",
        "c.txt",
        "x",
    )


# -- never an exception ------------------------------------------------------------


def test_deep_nesting_and_long_chains_do_not_exhaust_the_stack() -> None:
    with pytest.raises(ExpansionError, match="nested too deep"):
        expand("${A:-" * 500 + "}" * 500, {})
    chain = "FROM python:3.11 AS s0\n" + "".join(
        f"FROM s{n - 1} AS s{n}\nENV N{n}={n}\n" for n in range(1, 500)
    )
    built = image(chain)
    assert built.python_version == "3.11" and len(built.chain) == 500


def test_dockerfile_without_from() -> None:
    built = image("ARG X=1\n")

    assert problems_of(built) == ((1, "the Dockerfile has no FROM: there is no image"),)
    assert built.command is None and built.files == {}


_PIECES = st.sampled_from(
    [
        "FROM python:3.11 AS a",
        "FROM a",
        "FROM ${B:-scratch}",
        "FROM gcr.io/distroless/python3-debian12:nonroot",
        "ARG B=a",
        "ARG X",
        "ENV A=$X B",
        "ENV ${",
        "WORKDIR ${X:-rel}",
        "WORKDIR '",
        "USER $X",
        "COPY . .",
        "COPY --from=a / /",
        "COPY --from=9 /x /y",
        "COPY --parents ./**/./* /p/",
        "COPY --exclude=[ * /e/",
        'COPY ["a"]',
        "COPY <<EOF /h\nbody $X\nEOF",
        "ADD https://x/y vendor.tar.gz /v/",
        "RUN pip install -r req.txt && uv pip install .",
        'RUN ["pip", "install"]',
        'CMD ["x"]',
        "ENTRYPOINT []",
        "CMD run it",
        "SHELL sh",
        "HEALTHCHECK CMD",
        "HEALTHCHECK BOGUS",
        "ONBUILD COPY a /b",
        "\\",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, max_size=10), st.sampled_from(["Dockerfile", "svc/Dockerfile"]))
def test_any_dockerfile_gives_an_image(lines: list[str], path: str) -> None:
    files = ["a", "req.txt", "vendor.tar.gz", "svc/x.py"]
    built = model_image(path, parse("\n".join(lines)), context(files), target="a")

    assert isinstance(built, Image)
    for image_path in built.files:
        assert image_path.startswith("/")


# -- sharing and cost --------------------------------------------------------------


def test_an_image_cache_gives_what_each_call_alone_gives() -> None:
    data = {name: text.encode() for name, text in MONOREPO.items()}
    files = frozenset(data)
    cache = ImageCache()
    for _ in range(2):  # the second time, from what the first one left in the cache
        for path in ("services/api/Dockerfile", "services/billing/Dockerfile"):
            dockerfile = parse(data[path])
            alone = build_contexts(path, dockerfile, files, data.get)
            shared = build_contexts(path, dockerfile, files, data.get, cache=cache)
            assert shared == alone
            for found, again in zip(alone, shared):
                built = model_image(path, dockerfile, found)
                assert model_image(path, dockerfile, again, cache=cache) == built
                assert model_stages(path, dockerfile, again, cache=cache) == model_stages(
                    path, dockerfile, found
                )


_COPIES = st.sampled_from(
    [
        "COPY a/ /c/",
        "COPY a /app/",
        "COPY --exclude=*.md a/ ./e/",
        "COPY --parents a/./**/*.py /p/",
        "COPY a* /g/",
        "COPY --from=a /c /d/",
        "COPY . /all/",
    ]
)
# Plain paths, and a few no commit holds (an empty name): the generic path.
_CONTEXT_PATHS = st.lists(
    st.sampled_from(
        ["a/x.py", "a/b/y.py", "a/b/c/z.md", "a/r.md", "ab/q.py", "z.py", "a//w.py", "a/b/", "/a"]
    ),
    max_size=8,
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(_PIECES, _COPIES), max_size=10), _CONTEXT_PATHS)
def test_images_are_the_same_with_a_cache_or_from_a_plain_frozenset(
    lines: list[str], paths: list[str]
) -> None:
    dockerfile = parse("\n".join(["FROM python:3.11 AS a", "WORKDIR /w", *lines]))
    (sorted_context,) = build_contexts("Dockerfile", dockerfile, paths, lambda path: None)
    plain = sorted_context._replace(files=frozenset(sorted_context.files))
    cache = ImageCache()

    alone = model_image("Dockerfile", dockerfile, plain)
    for _ in range(2):
        shared = model_image("Dockerfile", dockerfile, sorted_context, cache=cache)
        assert shared == alone
        assert list(shared.files) == list(alone.files)


def test_an_image_costs_what_it_copies_not_its_whole_context() -> None:
    """A COPY of a folder looks up that folder's range of the context's
    sorted paths: modelling costs the same in a context of 20,000 files the
    Dockerfile does not copy as in one of 200 (a pass through the context,
    or a sort of it, for each image would cost a hundred times more)."""
    text = (
        "FROM python:3.11-slim\nWORKDIR /app\nCOPY app/ ./app/\nCOPY app/m1.py /x/\n"
        'CMD ["python", "-m", "app"]\n'
    )
    dockerfile = parse(text)

    def modelling(unrelated: int) -> Callable[[], object]:
        files = [f"app/m{n}.py" for n in range(20)]
        files += [f"docs/d{n // 100}/n{n}.txt" for n in range(unrelated)]
        (found,) = build_contexts("Dockerfile", dockerfile, files, lambda path: None)

        def run() -> None:
            for _ in range(10):
                model_image("Dockerfile", dockerfile, found)

        return run

    assert_time_bounded(modelling(200), modelling(20_000), 4, 0.002, runs=7)
