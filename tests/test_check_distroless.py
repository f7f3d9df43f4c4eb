from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from lucid_hooks.check_distroless import RULES, main
from lucid_hooks.commands import is_interpreter, runs_in
from lucid_hooks.distroless_images import executable_state, read_reference
from lucid_hooks.dockerfile import parse
from lucid_hooks.dockerfile_fixes import DockerfileEditor, exec_form_words
from lucid_hooks.image import model_stages
from lucid_hooks.pip_installs import pip_installs
from lucid_hooks.safe_writes import ChangedFileError, UnsafePathError
from tests.conftest import assert_time_bounded, git, init_repo, write_tree
from tests.dockerfile_corpus import CORPUS, Case

if TYPE_CHECKING:
    from collections.abc import Callable

    from lucid_hooks.findings import Finding
    from lucid_hooks.runner import HookContext

RUNTIME = "FROM gcr.io/distroless/python3-debian13:nonroot\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    return code, capsys.readouterr().out.splitlines()


def findings(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    """``line: CODE`` of each finding, for the paths given, without fixing."""
    out = run(capsys, "--no-fix", *args)[1]
    return [_short(line) for line in out if ": LH" in line]


def _short(line: str) -> str:
    location, _, rest = line.partition(": ")
    return f"{location.split(':')[1]}: {rest.split()[0]}"


def check(repo: Path, capsys: pytest.CaptureFixture[str], dockerfile: str | bytes) -> list[str]:
    write_tree(repo, {"Dockerfile": dockerfile, "app.py": "print(1)\n"})
    return findings(capsys, "Dockerfile")


def messages(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    return [line for line in run(capsys, "--no-fix", *args)[1] if ": LH" in line]


# --- the base image -----------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("gcr.io/distroless/python3-debian13:debug-nonroot", ["1: LH501"]),
        ("gcr.io/distroless/static-debian13:debug-arm64", ["1: LH501", "1: LH508"]),
        ("gcr.io/distroless/python3-debian13:nonroot", []),
        ("gcr.io/distroless/python3-debian13:nonroot-arm64", []),
        ("gcr.io/distroless/static-debian13:nonroot-s390x", []),
        ("gcr.io/distroless/python3-debian13", ["1: LH502", "1: LH508"]),
        ("gcr.io/distroless/python3-debian13:latest-amd64", ["1: LH502", "1: LH508"]),
        ("gcr.io/distroless/python3:nonroot", ["1: LH502"]),
        ("gcr.io/distroless/python3-debian13@sha256:" + "ab" * 32, []),
        ("gcr.io/distroless/python3-debian13:nonroot@sha256:" + "ab" * 32, []),
        ("gcr.io/distroless/python3-debian13:arm64", ["1: LH503"]),
        ("gcr.io/distroless/python3-debian13:nonroot-s390x", ["1: LH503"]),
        ("gcr.io/distroless/python3-debian13:3.13", ["1: LH503"]),
        ("gcr.io/distroless/python3.13-debian13:nonroot", ["1: LH503"]),
        ("gcr.io/distroless/nodejs20-debian13:nonroot", ["1: LH503"]),
        ("gcr.io/distroless/nodejs24-debian13:nonroot", []),
        ("gcr.io/distroless/java21-debian13:nonroot", []),
        ("gcr.io/distroless/java-base-debian13:nonroot", []),
        ("gcr.io/distroless/java11-debian13:nonroot", ["1: LH503"]),
        ("gcr.io/distroless/python3-debian14:nonroot", ["1: LH503"]),
        ("gcr.io/distroless/python3-debian12:nonroot", ["1: LH504"]),
        ("gcr.io/distroless/python3-debian11:nonroot", ["1: LH504"]),
        ("gcr.io/distroless/java17-debian12:nonroot", ["1: LH504"]),
        ("python:3.13-slim", []),
        ("example.com/distroless/python3:latest", []),
    ],
)
def test_base_image_rules(
    repo: Path, capsys: pytest.CaptureFixture[str], base: str, expected: list[str]
) -> None:
    assert check(repo, capsys, f"FROM {base}\n") == expected


def test_retired_image_says_when_and_what_replaces_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"Dockerfile": "FROM gcr.io/distroless/python3-debian12:nonroot\n"})

    (line,) = messages(capsys, "Dockerfile")

    assert "since 2026-05" in line
    assert "use gcr.io/distroless/python3-debian13:nonroot" in line


@pytest.mark.parametrize(
    ("tag", "advice"),
    [
        (
            "debug-nonroot-arm64",
            "LH501 `:debug-nonroot-arm64` adds busybox for debugging by hand:"
            " ship `:nonroot-arm64`",
        ),
        ("debug-nonroot", "ship `:nonroot`"),
        ("debug-amd64", "use :nonroot-amd64"),
        ("latest-arm64", "use gcr.io/distroless/python3-debian13:nonroot-arm64 or a digest"),
    ],
)
def test_the_advised_tag_keeps_the_architecture(
    repo: Path, capsys: pytest.CaptureFixture[str], tag: str, advice: str
) -> None:
    write_tree(repo, {"Dockerfile": f"FROM gcr.io/distroless/python3-debian13:{tag}\n"})

    assert any(advice in line for line in messages(capsys, "Dockerfile"))


def test_base_through_args_aliases_and_platform(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = (
        "ARG DISTRO=debian12\n"
        "FROM --platform=$BUILDPLATFORM gcr.io/distroless/python3-${DISTRO}:debug AS runtime\n"
        "FROM runtime AS final\n"
        "RUN echo hi\n"
    )

    assert check(repo, capsys, dockerfile) == ["2: LH501", "2: LH504", "2: LH508", "4: LH505"]


def test_a_base_whose_variables_are_not_known_is_not_judged(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(repo, capsys, "ARG BASE\nFROM gcr.io/distroless/${BASE}\nRUN x\n") == []


# --- shell forms ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("RUN mkdir -p /data\n", ["2: LH505"]),
        ("RUN <<EOF\n#!/usr/bin/python3\nprint(1)\nEOF\n", ["2: LH505"]),
        ('RUN ["/usr/bin/python3", "-c", "print(1)"]\n', []),
        ("CMD app.py\n", ["2: LH505"]),
        ('CMD ["app.py"]\n', []),
        ("ENTRYPOINT python3 app.py\n", ["2: LH505"]),
        ('ENTRYPOINT ["python3", "app.py"]\n', []),
        ("HEALTHCHECK CMD python3 -c 'print(1)'\n", ["2: LH505"]),
        ('HEALTHCHECK CMD ["python3", "-c", "print(1)"]\n', []),
        ('SHELL ["/bin/bash", "-c"]\n', ["2: LH505"]),
        # invalid JSON is shell form, as BuildKit reads it
        ("CMD ['app.py']\n", ["2: LH505"]),
        # a shell brought in by COPY from an image may be there
        ("COPY --from=busybox:1.36 /bin/sh /bin/sh\nRUN mkdir /data\n", []),
    ],
)
def test_shell_forms_on_distroless(
    repo: Path, capsys: pytest.CaptureFixture[str], body: str, expected: list[str]
) -> None:
    assert check(repo, capsys, RUNTIME + body) == expected


def test_only_distroless_stages_are_judged(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = (
        "FROM python:3.13-slim AS build\n"
        "RUN python -m venv /venv && /venv/bin/pip install requests\n"
        "FROM gcr.io/distroless/static-debian13:nonroot AS unused\n"
        "RUN rm -rf /tmp\n" + RUNTIME + "COPY --from=build /venv /venv\n"
        "RUN chmod +x /app\n"
    )

    assert check(repo, capsys, dockerfile) == ["7: LH505"]
    assert check(repo, capsys, "FROM python:3.13-slim\nRUN x\nCMD python app.py\nUSER 0\n") == []


def test_a_debug_image_has_no_bin_sh_but_busybox_may_hold_a_program(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = (
        "FROM gcr.io/distroless/python3-debian13:debug-nonroot\n"
        "RUN mkdir /data\n"
        'RUN ["sh", "-c", "mkdir /data"]\n'
    )

    assert check(repo, capsys, dockerfile) == ["1: LH501", "2: LH505"]


# --- programs the image lacks ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('RUN ["rm", "-rf", "/tmp/x"]\n', ["2: LH506"]),
        ('RUN ["pip", "install", "requests"]\n', ["2: LH506"]),
        ('ENTRYPOINT ["/tini", "--"]\nCMD ["python3", "app.py"]\n', ["2: LH506"]),
        (
            'COPY --chmod=755 tini /tini\nENTRYPOINT ["/tini", "--"]\nCMD ["python3", "app.py"]\n',
            [],
        ),
        ('HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]\n', ["2: LH506"]),
        ('ENTRYPOINT ["/usr/local/bin/python", "app.py"]\n', ["2: LH506"]),
        ('ENTRYPOINT ["/usr/bin/python3.11", "app.py"]\n', ["2: LH506"]),
        ('ENTRYPOINT ["/usr/bin/python3.13", "app.py"]\n', []),
        ('ENTRYPOINT []\nCMD ["python3", "app.py"]\n', []),
        ('ENTRYPOINT []\nCMD ["sh", "-c", "python3 app.py"]\n', ["3: LH506"]),
        ('ADD tools.tar.gz /opt/\nENTRYPOINT ["/opt/bin/run"]\n', []),
        ('RUN ["python3", "-m", "pip", "install", "x"]\n', ["2: LH506"]),
        ('COPY --from=python:3.13 /usr/local /usr/local\nRUN ["python3", "-m", "pip"]\n', []),
        ('RUN ["python3", "-m", "compileall", "/app"]\n', []),
    ],
)
def test_programs_the_image_lacks(
    repo: Path, capsys: pytest.CaptureFixture[str], body: str, expected: list[str]
) -> None:
    write_tree(repo, {"tini": "\x7fELF", "tools.tar.gz": b"\x1f\x8b"})
    assert check(repo, capsys, RUNTIME + body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('COPY run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n', ["3: LH506", "3: LH511"]),
        ('COPY --chmod=755 env.py /env.py\nENTRYPOINT ["/env.py"]\n', ["3: LH506"]),
        ('COPY --chmod=755 py.py /py.py\nENTRYPOINT ["/py.py"]\n', []),
        ('COPY py.py /py.py\nENTRYPOINT ["/py.py"]\n', ["3: LH511"]),
        ('COPY --chmod=0644 server /server\nENTRYPOINT ["/server"]\n', ["3: LH511"]),
        ('COPY server /server\nENTRYPOINT ["/server"]\n', []),  # mode 755 on disk
        ('COPY <<EOF /go.py\n#!/usr/bin/python3\nEOF\nENTRYPOINT ["/go.py"]\n', ["5: LH511"]),
        ('COPY --chmod=u+x py.py /py.py\nENTRYPOINT ["/py.py"]\n', []),
        ('COPY py.py /app/\nWORKDIR /app\nCMD ["py.py"]\n', []),  # python runs it
        ('COPY --chmod=755 run.sh /run.sh\nRUN ["/run.sh"]\n', ["3: LH506"]),
    ],
)
def test_copied_programs_must_be_executable_and_their_interpreter_there(
    repo: Path, capsys: pytest.CaptureFixture[str], body: str, expected: list[str]
) -> None:
    write_tree(
        repo,
        {
            "run.sh": "#!/bin/sh\nexec python3 app.py\n",
            "env.py": "#!/usr/bin/env python3\n",
            "py.py": "#! /usr/bin/python3 -u\n",
            "server": b"\x7fELF\x02\x01",
        },
    )
    (repo / "server").chmod(0o755)
    assert check(repo, capsys, RUNTIME + body) == expected


STATIC = "FROM gcr.io/distroless/static-debian13:nonroot\n"
SERVER = STATIC + 'COPY server /server\nENTRYPOINT ["/server"]\n'


@pytest.mark.parametrize(
    ("disk", "index", "file_mode", "expected"),
    [
        # `git update-index --chmod=+x`, as LH511 advises: git's mode decides.
        (0o644, "+x", "true", []),
        (0o755, "-x", "true", ["3: LH511"]),
        # core.fileMode=false (Windows): the disk's mode is not git's.
        (0o644, "+x", "false", []),
        (0o644, "-x", "false", ["3: LH511"]),
    ],
)
def test_a_tracked_programs_execute_bit_is_the_one_git_records(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    disk: int,
    index: str,
    file_mode: str,
    expected: list[str],
) -> None:
    write_tree(repo, {"Dockerfile": SERVER, "server": b"\x7fELF\x02\x01"})
    init_repo(repo, commit=False)
    git(repo, "config", "core.fileMode", file_mode)
    git(repo, "add", "-A")
    git(repo, "update-index", f"--chmod={index}", "server")
    (repo / "server").chmod(disk)

    assert findings(capsys, "Dockerfile") == expected
    # Outside git (as the build context holds only tracked files in it), the
    # disk's mode decides: see the test above.


def test_a_correct_multi_stage_build_is_clean(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = (
        "FROM python:3.13-slim AS build\n"
        "RUN ln -sf /usr/local/bin/python3 /usr/bin/python3 \\\n"
        " && /usr/bin/python3 -m venv /venv && /venv/bin/pip install -r /dev/null\n"
        + RUNTIME
        + "COPY --from=build /venv /venv\n"
        "COPY app.py /app/\n"
        "WORKDIR /app\n"
        "ENV PATH=/venv/bin:$PATH\n"
        'ENTRYPOINT ["/venv/bin/python", "app.py"]\n'
        'HEALTHCHECK CMD ["python", "-c", "import urllib.request"]\n'
    )

    assert check(repo, capsys, dockerfile) == []


# --- venv interpreters (LH514) ------------------------------------------------------

BUILD = "FROM python:3.13-slim AS build\n"
LINK = "RUN ln -s /usr/local/bin/python3 /usr/bin/python3 && /usr/bin/python3 -m venv /venv\n"
COPY_VENV = "COPY --from=build /venv /venv\n"
RUN_VENV = 'ENTRYPOINT ["/venv/bin/python", "app.py"]\n'


@pytest.mark.parametrize(
    ("builder", "final", "expected"),
    [
        # What `python -m venv` links to: /usr/local/bin/python, not in distroless.
        ("RUN python -m venv /venv\n", COPY_VENV + RUN_VENV, ["5: LH514"]),
        ("RUN python3 -m venv /venv\n", COPY_VENV + RUN_VENV, ["5: LH514"]),
        ("RUN pip install virtualenv && python -m virtualenv /venv\n", COPY_VENV + RUN_VENV,
         ["5: LH514"]),
        # The link made, but the venv made through PATH: /usr/local/bin comes first.
        ("RUN ln -s /usr/local/bin/python3 /usr/bin/python3 && python3 -m venv /venv\n",
         COPY_VENV + RUN_VENV, ["5: LH514"]),
        ("RUN /usr/local/bin/python3.13 -m venv --clear /venv\n", COPY_VENV + RUN_VENV,
         ["5: LH514"]),
        # --copies copies python:'s interpreter, which needs /usr/local/lib/libpython3.13.
        ("RUN python -m venv --copies /venv\n", COPY_VENV + RUN_VENV, ["5: LH514"]),
        ("RUN ln -s /usr/local/bin/python3 /usr/bin/python3"
         " && /usr/bin/python3 -m venv --copies /venv\n", COPY_VENV + RUN_VENV, ["5: LH514"]),
        ("RUN python -m venv --copies --symlinks /venv\n", COPY_VENV + RUN_VENV, ["5: LH514"]),
        # Through the path distroless has its interpreter at: nothing.
        (LINK, COPY_VENV + RUN_VENV, []),
        ("RUN ln -s /usr/local/bin/python3.13 /usr/bin/python3.13"
         " && /usr/bin/python3.13 -m venv /venv\n", COPY_VENV + RUN_VENV, []),
        (LINK, COPY_VENV + 'ENTRYPOINT ["/venv/bin/python3.13", "app.py"]\n', []),
        # Relinked after it was made (the venv's own links pointed at distroless's).
        ("RUN python3 -m venv /venv && ln -sf /usr/bin/python3 /venv/bin/python3\n",
         COPY_VENV + 'ENTRYPOINT ["/venv/bin/python3", "app.py"]\n', []),
        # Copied, but never run: the python ENTRYPOINT is distroless's own.
        ("RUN python -m venv /venv\n", COPY_VENV + 'CMD ["app.py"]\n', []),
        ("RUN python -m venv /venv\n", COPY_VENV + 'ENTRYPOINT ["/usr/bin/python3"]\n', []),
        # Run through PATH: judged.
        ("RUN python -m venv /venv\n",
         COPY_VENV + "ENV PATH=/venv/bin:$PATH\n" + 'ENTRYPOINT []\nCMD ["python", "app.py"]\n',
         ["7: LH514"]),
        ("RUN python -m venv /venv\n",
         COPY_VENV + "ENV PATH=/venv/bin:$PATH\n" + 'HEALTHCHECK CMD ["python", "-c", "1"]\n',
         ["6: LH514"]),
        (LINK,
         COPY_VENV + "ENV PATH=/venv/bin:$PATH\n" + 'HEALTHCHECK CMD ["python", "-c", "1"]\n',
         []),
        # Folders relative to WORKDIR, a venv carried through a chained stage.
        ("WORKDIR /opt\nRUN python -m venv venv\n",
         "COPY --from=build /opt/venv /venv\n" + RUN_VENV, ["6: LH514"]),
        ("RUN python -m venv /venv\n",
         "WORKDIR /app\nCOPY --from=build /venv ./venv\n"
         'ENTRYPOINT ["/app/venv/bin/python", "app.py"]\n', ["6: LH514"]),
        ("RUN python -m venv /venv\nFROM build AS deps\nRUN /venv/bin/pip install requests\n",
         "COPY --from=deps /venv /venv\n" + RUN_VENV, ["7: LH514"]),
        # What the model cannot tell: nothing said.
        ("RUN ./make-venv.sh /base\nRUN /base/bin/python -m venv /venv\n",
         COPY_VENV + RUN_VENV, []),
        ("RUN python -m venv /venv\nCOPY --from=0 /venv /venv\n", COPY_VENV + RUN_VENV, []),
        ("RUN python -m venv /venv\nRUN cp /usr/bin/python3 /venv/bin/python\n",
         COPY_VENV + RUN_VENV, []),
        ("RUN ./make-venv.sh /venv\n", COPY_VENV + RUN_VENV, []),
        ("RUN pip install uv && uv venv /venv\n", COPY_VENV + RUN_VENV, []),
        ("RUN pip install virtualenv && virtualenv /venv\n", COPY_VENV + RUN_VENV, []),
        ("ARG VENV=/venv\nRUN python -m venv $VENV\n", COPY_VENV + RUN_VENV, []),
        ("ENV PATH=/opt/python/bin:$PATH\nRUN python -m venv /venv\n", COPY_VENV + RUN_VENV,
         []),
        ("RUN export PATH=/opt/bin:$PATH && python -m venv /venv\n", COPY_VENV + RUN_VENV, []),
        ("ENV PYTHONPATH=/src\nRUN python -m venv /venv\n", COPY_VENV + RUN_VENV,
         ["6: LH514"]),
        ("RUN python -m venv /venv\n",
         "COPY --from=ghcr.io/acme/venv:1 /venv /venv\n" + RUN_VENV, []),
        ("RUN python -m venv /venv\n",
         COPY_VENV + "COPY --from=build /usr/local /usr/local\n" + RUN_VENV, []),
        ("RUN python -m venv /venv\n", "COPY --from=build /ven? /venv\n" + RUN_VENV, []),
        ("RUN python -m venv /venv\n", "COPY --from=build /venv/bin/python /py\n"
         'ENTRYPOINT ["/py", "app.py"]\n', []),
    ],
)  # fmt: skip
def test_venv_interpreter_whose_link_target_is_missing(
    repo: Path, capsys: pytest.CaptureFixture[str], builder: str, final: str, expected: list[str]
) -> None:
    assert check(repo, capsys, BUILD + builder + RUNTIME + final) == expected


def test_venv_interpreter_message_says_the_missing_path_and_the_way_out(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = BUILD + "RUN python -m venv /venv\n" + RUNTIME + COPY_VENV + RUN_VENV
    write_tree(repo, {"Dockerfile": dockerfile})

    (line,) = messages(capsys, "Dockerfile")

    assert "ENTRYPOINT runs /venv/bin/python, a link to /usr/local/bin/python" in line
    assert "(`python -m venv /venv`, line 2), which python3-debian13 lacks" in line
    assert "RUN ln -s /usr/local/bin/python3 /usr/bin/python3 && /usr/bin/python3 -m venv" in line

    copies = BUILD + "RUN python3 -m venv --copies /venv\n" + RUNTIME + COPY_VENV + RUN_VENV
    write_tree(repo, {"Dockerfile": copies})

    (line,) = messages(capsys, "Dockerfile")

    assert "a --copies venv's interpreter (line 2) that needs" in line
    assert "/usr/local/lib/libpython3.13.so.1.0, which python3-debian13 lacks" in line
    assert line.endswith("/usr/bin/python3 -m venv /venv (no --copies)")


def test_venv_interpreter_is_one_finding_and_can_be_switched_off(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = (
        BUILD + "RUN python -m venv /venv\n" + RUNTIME + COPY_VENV + "ENV PATH=/venv/bin:$PATH\n"
        'ENTRYPOINT ["python", "app.py"]\n'
        "# lucid: ignore[LH514]\n"
        'HEALTHCHECK CMD ["/venv/bin/python3", "-c", "1"]\n'
    )

    # Not LH506 too (the model does not list a copied venv's files).
    assert check(repo, capsys, dockerfile) == ["6: LH514"]


@pytest.mark.parametrize(
    "builder",
    [
        "RUN python -m venv\n",
        "RUN python -m\n",
        'RUN ["python3", "-m", "venv"]\n',
        'RUN ["python3", "-m", "venv", "--prompt"]\n',
        "RUN python -m venv --prompt=x\n",
        "RUN python -m venv '' /venv\n",
        "RUN python -m venv /venv ~/x\n",
        "RUN python -I -m venv /venv\n",
        "RUN PATH=/x python -m venv /venv\n",
        "RUN cd /x && python -m venv venv\n",
        "RUN /venv/bin/python -m venv /venv\n",
        "RUN ./python -m venv /venv\n",
        "RUN python -m venv /venv && /venv/bin/python -m venv /other\n",
        "RUN python -m venv 'unclosed\n",
        "WORKDIR $HOME\nRUN python -m venv venv\n",
    ],
)
def test_odd_venv_commands_give_no_traceback_and_no_guess(
    repo: Path, capsys: pytest.CaptureFixture[str], builder: str
) -> None:
    final = COPY_VENV + "COPY --from=build /other /other\nCOPY --from=build\n" + RUN_VENV
    final += 'HEALTHCHECK CMD ["/other/bin/python", "-c", "1"]\n'
    assert "LH514" not in " ".join(check(repo, capsys, BUILD + builder + RUNTIME + final))


# --- the interpreter twice --------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('CMD ["python3", "-m", "app"]\n', ["2: LH507"]),
        ('CMD ["/usr/bin/python3", "app.py"]\n', ["2: LH507"]),
        ('ENTRYPOINT ["python3", "-u"]\nCMD ["python", "app.py"]\n', ["3: LH507"]),
        ('CMD ["app.py"]\n', []),
        ('ENTRYPOINT []\nCMD ["python3", "app.py"]\n', []),
        ('ENTRYPOINT ["python3", "-m", "app"]\nCMD ["python3"]\n', []),
        ('HEALTHCHECK CMD ["python3", "-c", "print(1)"]\n', []),
    ],
)
def test_interpreter_named_twice(
    repo: Path, capsys: pytest.CaptureFixture[str], body: str, expected: list[str]
) -> None:
    assert check(repo, capsys, RUNTIME + body) == expected


def test_interpreter_twice_says_what_runs(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"Dockerfile": RUNTIME + 'CMD ["python3", "app.py"]\n'})

    (line,) = messages(capsys, "Dockerfile")

    assert "runs `/usr/bin/python3.13 python3 ...`" in line


VENV_BUILDER = (
    "FROM python:3.13-slim AS b\nRUN python -m venv /venv && /venv/bin/pip install flask\n"
)


@pytest.mark.parametrize(
    "body",
    [
        # The venv's interpreter, with the venv's site-packages: dropping it
        # would run the image's python without them.
        'COPY --from=b /venv /venv\nCMD ["/venv/bin/python", "/app.py"]\n',
        # `python` is found on PATH in the venv, not in /usr/bin.
        'COPY --from=b /venv /venv\nENV PATH=/venv/bin:/usr/bin\nCMD ["python", "/app.py"]\n',
        # Not this image's version: another interpreter, whatever it is.
        'CMD ["python3.11", "/app.py"]\n',
        # LH506 too: the venv is not copied.
        'ENTRYPOINT ["/venv/bin/python"]\nCMD ["python3", "/app.py"]\n',
    ],
)
def test_no_fix_drops_an_interpreter_other_than_the_entrypoints(
    repo: Path, capsys: pytest.CaptureFixture[str], body: str
) -> None:
    dockerfile = VENV_BUILDER + RUNTIME + body
    write_tree(repo, {"Dockerfile": dockerfile})

    code, out = run(capsys, "Dockerfile")

    assert code == 1
    assert (repo / "Dockerfile").read_text() == dockerfile
    (line,) = [line for line in out if ": LH507 " in line]
    assert "ENTRYPOINT []" in line
    assert "is not known to be the ENTRYPOINT's interpreter" in line


@pytest.mark.parametrize(
    ("body", "fixed"),
    [
        ('CMD ["/usr/bin/python3", "/app.py"]\n', 'CMD ["/app.py"]\n'),
        ('CMD ["python3.13", "-m", "app"]\n', 'CMD ["-m", "app"]\n'),
        (
            'ENTRYPOINT ["/usr/bin/python3", "-u"]\nCMD ["python", "/app.py"]\n',
            'ENTRYPOINT ["/usr/bin/python3", "-u"]\nCMD ["/app.py"]\n',
        ),
        (
            'COPY --from=b /venv /venv\nENTRYPOINT ["/venv/bin/python"]\n'
            'CMD ["/venv/bin/python", "/app.py"]\n',
            'COPY --from=b /venv /venv\nENTRYPOINT ["/venv/bin/python"]\nCMD ["/app.py"]\n',
        ),
    ],
)
def test_fix_drops_the_entrypoints_own_interpreter(
    repo: Path, capsys: pytest.CaptureFixture[str], body: str, fixed: str
) -> None:
    write_tree(repo, {"Dockerfile": VENV_BUILDER + RUNTIME + body})

    run(capsys, "Dockerfile")

    assert (repo / "Dockerfile").read_text() == VENV_BUILDER + RUNTIME + fixed


def test_no_shell_form_fix_drops_another_interpreter(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = (
        VENV_BUILDER + RUNTIME + "COPY --from=b /venv /venv\nCMD /venv/bin/python /app.py\n"
    )
    write_tree(repo, {"Dockerfile": dockerfile})

    code, out = run(capsys, "Dockerfile")

    assert code == 1
    assert (repo / "Dockerfile").read_text() == dockerfile
    (line,) = [line for line in out if ": LH" in line]
    assert ": LH505 " in line
    assert "ENTRYPOINT []" in line


@pytest.mark.parametrize(
    "switch",
    [
        ("--ignore", "shell-form-without-shell"),
        ("--ignore", "LH505"),
    ],
)
def test_a_shell_form_cmd_is_lh505s_alone(
    repo: Path, capsys: pytest.CaptureFixture[str], switch: tuple[str, ...]
) -> None:
    dockerfile = RUNTIME + "CMD python3 /worker.py\n"
    write_tree(repo, {"Dockerfile": dockerfile})

    assert findings(capsys, "Dockerfile") == ["2: LH505"]
    assert run(capsys, *switch, "Dockerfile") == (0, [])
    assert (repo / "Dockerfile").read_text() == dockerfile


def test_lh505_says_what_lh507_would_of_a_shell_form_it_cannot_fix(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"Dockerfile": RUNTIME + "CMD python3 app.py $PORT\n"})

    (line,) = messages(capsys, "Dockerfile")

    assert ": LH505 " in line
    assert "leave python3 out of the CMD: the ENTRYPOINT runs it" in line


def test_an_ignore_comment_for_lh505_keeps_a_shell_form_cmd(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = RUNTIME + "# lucid: ignore[LH505]\nCMD python3 /worker.py\n"
    write_tree(repo, {"Dockerfile": dockerfile})

    assert run(capsys, "Dockerfile") == (0, [])
    assert (repo / "Dockerfile").read_text() == dockerfile


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("ENTRYPOINT python -m app.main\nCMD --port 8000\n", ["2: LH505", "3: LH505"]),
        ('CMD --port=8000 ["python3", "app.py"]\n', []),
        ('ENTRYPOINT --init ["/tini"]\n', []),
    ],
)
def test_a_command_with_a_flag_names_no_program(
    repo: Path, capsys: pytest.CaptureFixture[str], body: str, expected: list[str]
) -> None:
    write_tree(repo, {"Dockerfile": RUNTIME + body})

    lines = messages(capsys, "Dockerfile")

    assert [_short(line) for line in lines] == expected
    assert not any("8000" in line or "tini" in line for line in lines)
    assert all("unknown flag" in line for line in lines if line.startswith("Dockerfile:3:"))


# --- packages of another Python ------------------------------------------------------


@pytest.mark.parametrize(
    ("builder", "install", "expected"),
    [
        ("python:3.11-slim", "RUN pip install --target /deps requests\n", ["4: LH510"]),
        (
            "python:3.11-slim AS base\nFROM base",
            "RUN pip install --target /deps x\n",
            ["5: LH510"],
        ),
        ("python:3.13-slim", "RUN pip install --target /deps requests\n", []),
        ("python:3.11-slim", "RUN mkdir /deps\n", []),  # nothing installed
        ("python:3-slim", "RUN pip install --target /deps requests\n", []),  # version not known
    ],
)
def test_packages_of_another_python(
    repo: Path, capsys: pytest.CaptureFixture[str], builder: str, install: str, expected: list[str]
) -> None:
    dockerfile = f"FROM {builder} AS build\n{install}{RUNTIME}COPY --from=build /deps /deps\n"

    assert check(repo, capsys, dockerfile) == expected


# --- users --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        ("FROM gcr.io/distroless/python3-debian13:latest\n", ["1: LH502", "1: LH508"]),
        (RUNTIME + "USER root\n", ["2: LH508"]),
        (RUNTIME + "USER 0:0\n", ["2: LH508"]),
        ("FROM gcr.io/distroless/python3-debian13:latest\nUSER nonroot\n", ["1: LH502"]),
        (RUNTIME + "USER 10001:10001\n", []),
        (RUNTIME + "USER nobody:staff\n", []),
        (RUNTIME + "USER app\n", ["2: LH509"]),
        (RUNTIME + "USER nonroot:app\n", ["2: LH509"]),
        (RUNTIME + "COPY passwd /etc/passwd\nUSER app\n", []),
        (RUNTIME + "COPY --from=build /etc/ /etc/\nUSER app\n", []),
        # No such variable: a user not known, not root.
        (RUNTIME + "USER ${UID}\n", []),
        (RUNTIME + "USER ${UID}:${GID}\n", []),
        (RUNTIME + "ARG UID=0\nUSER ${UID}\n", ["3: LH508"]),
        (RUNTIME + "USER ${UID:-app}\n", ["2: LH509"]),
    ],
)
def test_users(
    repo: Path, capsys: pytest.CaptureFixture[str], dockerfile: str, expected: list[str]
) -> None:
    write_tree(repo, {"passwd": "app:x:10001:10001::/:/sbin/nologin\n"})
    body = dockerfile
    if "--from=build" in body:
        body = "FROM python:3.13-slim AS build\nRUN useradd app\n" + body
        expected = [f"{int(item.split(':')[0]) + 2}:{item.split(':')[1]}" for item in expected]
    assert check(repo, capsys, body) == expected


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        (RUNTIME + "COPY --from=build /root/.local /root/.local\n", ["4: LH512"]),
        (RUNTIME + "COPY --chown=nonroot app.py /root/app.py\n", ["4: LH512"]),
        (RUNTIME + "USER root\nCOPY --from=build /root/.local /root/.local\n", ["4: LH508"]),
        (RUNTIME + "COPY --from=build /venv /venv\n", []),
    ],
)
def test_files_under_root_home_of_a_non_root_image(
    repo: Path, capsys: pytest.CaptureFixture[str], dockerfile: str, expected: list[str]
) -> None:
    builder = "FROM python:3.13-slim AS build\nRUN pip install --user requests\n"
    assert check(repo, capsys, builder + dockerfile) == expected


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        ("FROM python:3.12-slim\nCMD python main.py\n", ["1: LH513"]),
        ("FROM python:3.13-slim AS build\nFROM scratch\nCOPY --from=build / /\n", ["2: LH513"]),
        ("FROM example.com/base:1 AS base\nFROM base\n", ["1: LH513"]),
        ("ARG BASE\nFROM ${BASE}\n", []),
        (RUNTIME, []),
    ],
)
def test_require_distroless(
    repo: Path, capsys: pytest.CaptureFixture[str], dockerfile: str, expected: list[str]
) -> None:
    write_tree(
        repo,
        {
            "pyproject.toml": "[tool.lucid-hooks.check-distroless]\n"
            'require-distroless = ["svc/*"]\n',
            "svc/Dockerfile": dockerfile,
            "tools/Dockerfile": dockerfile,
        },
    )

    assert findings(capsys, "svc/Dockerfile", "tools/Dockerfile") == expected
    assert findings(capsys, "--require-distroless", "tools/*", "tools/Dockerfile") == expected


# --- inline suppression ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("# lucid: ignore[LH506]\n", []),
        ("# lucid: ignore[LH5]\n# the healthcheck uses a copied probe\n", []),
        ("# lucid: ignore[LH505]\n", ["3: LH506"]),
        ("# lucid: ignore[LH506]\n\n", ["4: LH506"]),
    ],
)
def test_ignore_comment_on_the_lines_before_the_instruction(
    repo: Path, capsys: pytest.CaptureFixture[str], lines: str, expected: list[str]
) -> None:
    body = lines + 'HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]\n'

    assert check(repo, capsys, RUNTIME + body) == expected


# --- fixes --------------------------------------------------------------------------


FIXABLE = (
    "\ufeff" + RUNTIME.replace("\n", "\r\n") + "COPY app.py /app/\r\n"
    "WORKDIR /app\r\n"
    "  CMD exec python3 \\\r\n"
    "     app.py --port=8000\r\n"
    "# a comment, then an unfixable healthcheck\r\n"
    "HEALTHCHECK CMD python3 -c 'print(1)'\r\n"
    'LABEL note="caf\xe9"\r\n'
    "ENTRYPOINT python3 -u"
)


def test_fix_rewrites_only_the_instruction_and_a_second_run_changes_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"Dockerfile": FIXABLE.encode("utf-8"), "app.py": "print(1)\n"})

    code, out = run(capsys, "Dockerfile")

    assert code == 1
    assert 'Rewrote Dockerfile:4: CMD ["app.py", "--port=8000"]' in out
    assert 'Rewrote Dockerfile:9: ENTRYPOINT ["python3", "-u"]' in out
    expected = (
        FIXABLE.replace(
            "CMD exec python3 \\\r\n     app.py --port=8000", 'CMD ["app.py", "--port=8000"]'
        )
        .replace("ENTRYPOINT python3 -u", 'ENTRYPOINT ["python3", "-u"]')
        .encode("utf-8")
    )
    assert (repo / "Dockerfile").read_bytes() == expected
    # The healthcheck (no fix) is what is left, a line higher now.
    again = [_short(line) for line in run(capsys, "Dockerfile")[1] if "LH" in line]
    assert again == ["6: LH505"]
    assert (repo / "Dockerfile").read_bytes() == expected


def test_fix_drops_the_interpreter_of_an_exec_form_cmd(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"Dockerfile": RUNTIME + 'CMD [ "python3","-m", "app" ]\n'})

    assert run(capsys, "Dockerfile")[0] == 1

    assert (repo / "Dockerfile").read_text() == RUNTIME + 'CMD ["-m", "app"]\n'
    assert run(capsys, "Dockerfile") == (0, [])


@pytest.mark.parametrize(
    "command",
    [
        "CMD python3 app.py $PORT",
        "CMD python3 app.py > /tmp/log",
        "CMD python3 app.py && echo done",
        "CMD PORT=1 python3 app.py",
        "CMD cd /app; python3 app.py",
        "CMD gunicorn app:app",  # under the python ENTRYPOINT it would run as a script
        'CMD python3 "app.py"',
        "CMD python3 *.py",
        "ONBUILD CMD python3 app.py",
    ],
)
def test_no_fix_where_the_shell_does_more_than_split_words(
    repo: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    dockerfile = RUNTIME + command + "\n"
    write_tree(repo, {"Dockerfile": dockerfile})

    run(capsys, "Dockerfile")

    assert (repo / "Dockerfile").read_text() == dockerfile


def test_fix_keeps_what_follows_the_interpreter(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"Dockerfile": RUNTIME + "CMD python3 manage serve\n"})

    run(capsys, "Dockerfile")

    assert (repo / "Dockerfile").read_text() == RUNTIME + 'CMD ["manage", "serve"]\n'


def test_no_fix_only_reports(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = RUNTIME + "CMD app.py\n"
    write_tree(repo, {"Dockerfile": dockerfile})

    assert findings(capsys, "Dockerfile") == ["2: LH505"]
    assert (repo / "Dockerfile").read_text() == dockerfile


def test_no_fix_in_a_file_that_is_not_utf8(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    utf16 = (RUNTIME + "CMD app.py\n").encode("utf-16")
    latin1 = (RUNTIME + "LABEL a=caf\xe9\nCMD app.py\n").encode("latin-1")
    write_tree(repo, {"a/Dockerfile": utf16, "b/Dockerfile": latin1})

    code, out = run(capsys, "a/Dockerfile", "b/Dockerfile")

    assert code == 1
    assert [_short(line) for line in out if ": LH" in line] == ["2: LH505", "3: LH505"]
    assert (repo / "a/Dockerfile").read_bytes() == utf16
    assert (repo / "b/Dockerfile").read_bytes() == latin1


def _editor_of(root: Path, path: str) -> tuple[DockerfileEditor, object]:
    data = (root / path).read_bytes()
    editor = DockerfileEditor.of(str(root), path, data)
    assert editor is not None
    instruction = parse(data).instructions[-1]
    edit = editor.edit(instruction, ["app.py"])
    assert edit is not None
    return editor, edit


def test_fix_refuses_a_file_that_changed_since_it_was_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {"Dockerfile": RUNTIME + "CMD app.py\n"})
    editor, edit = _editor_of(tmp_path, "Dockerfile")
    (tmp_path / "Dockerfile").write_text(RUNTIME + "CMD other.py\n")

    with pytest.raises(ChangedFileError):
        editor.apply(edit)  # type: ignore[arg-type]

    assert (tmp_path / "Dockerfile").read_text() == RUNTIME + "CMD other.py\n"


def test_fix_never_writes_through_a_symlink(tmp_path: Path) -> None:
    outside = write_tree(tmp_path / "outside", {"Dockerfile": RUNTIME + "CMD app.py\n"})
    root = tmp_path / "repo"
    root.mkdir()
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "Dockerfile").symlink_to(outside / "Dockerfile")
    for path in ("linked/Dockerfile", "Dockerfile"):
        editor, edit = _editor_of(root, path)
        with pytest.raises(UnsafePathError):
            editor.apply(edit)  # type: ignore[arg-type]
    assert (outside / "Dockerfile").read_text() == RUNTIME + "CMD app.py\n"


def test_a_symlinked_dockerfile_is_not_read(
    tmp_path: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = write_tree(tmp_path / "outside", {"Dockerfile": RUNTIME + "CMD app.py\n"})
    (repo / "Dockerfile").symlink_to(outside / "Dockerfile")

    assert run(capsys, "Dockerfile") == (0, [])
    assert (outside / "Dockerfile").read_text() == RUNTIME + "CMD app.py\n"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("python3 app.py --port=8000", ["python3", "app.py", "--port=8000"]),
        ("exec  python3\tapp.py", ["python3", "app.py"]),
        ("python3 app.py $PORT", None),
        ("python3 'app.py'", None),
        ("python3 app.py; true", None),
        ("A=1 python3", None),
        ("cd /app", None),
        ("exec", None),
        ("python3 ~/app.py", None),
        ("python3 app.py # note", None),
    ],
)
def test_exec_form_words(text: str, words: list[str] | None) -> None:
    assert exec_form_words(text) == words


@pytest.mark.parametrize(
    ("word", "python"),
    [
        ("python", True),
        ("python3", True),
        ("python3.13", True),
        ("/venv/bin/python3", True),
        ("python3.13.1", False),  # no image names its interpreter so
        ("pythonw", False),
    ],
)
def test_one_interpreter_pattern_serves_every_reader(word: str, python: bool) -> None:
    run_line = parse(f"FROM x\nRUN {word} -m pip install requests\n").instructions[1]

    assert is_interpreter(word) is python
    assert bool(pip_installs(run_line)) is python
    assert bool(runs_in([word, "app.py"])) is python


# --- hostile inputs -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (bytes(range(256)) * 8, []),
        (b"", []),
        (b"\x00\x00FROM\x00", []),
        # BuildKit stops at a line over 65,535 bytes: nothing of it builds
        (RUNTIME.encode() + b"RUN " + b"a" * (1 << 20) + b"\n", []),
        (RUNTIME.encode() + b"RUN " + b"a " * 30_000 + b"\n", ["2: LH505"]),
        (RUNTIME.encode() + b"RUN <<EOF\necho never ends\n", ["2: LH505"]),
        (RUNTIME.encode() + b'CMD ["app.py", 1]\n', ["2: LH505"]),
        (RUNTIME.encode() + b'CMD ["app.py"\n', ["2: LH505"]),
        (RUNTIME.encode() + b"FROM\nCOPY\nUSER\nHEALTHCHECK\nSHELL []\nRUN []\n", []),
        (b"FROM gcr.io/distroless/\nFROM gcr.io/distroless/python3-debian13:\n", ["2: LH503"]),
    ],
)
def test_hostile_inputs_give_findings_not_tracebacks(
    repo: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: list[str]
) -> None:
    assert check(repo, capsys, content) == expected


def test_a_folder_stands_for_its_dockerfiles(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "svc/a/Dockerfile": RUNTIME + "CMD app.py\n",
            "svc/b/api.Dockerfile": RUNTIME + "USER app\n",
            "svc/c/Dockerfile-dev": RUNTIME + "CMD app.py\n",  # not a Dockerfile to identify
            "svc/a/app.py": "",
        },
    )

    out = [line.split(":")[0] for line in run(capsys, "--no-fix", "svc")[1] if ": LH" in line]

    assert out == ["svc/a/Dockerfile", "svc/b/api.Dockerfile"]


def test_compose_target_decides_the_image_checked(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = "FROM python:3.13-slim AS dev\nCMD python app.py\n" + RUNTIME + "CMD app.py\n"
    write_tree(
        repo,
        {
            "svc/Dockerfile": dockerfile,
            "compose.yaml": "services:\n  svc:\n    build:\n      context: svc\n"
            "      target: dev\n",
        },
    )

    assert findings(capsys, "svc/Dockerfile") == []


# --- the facts ------------------------------------------------------------------------


def test_programs_of_each_image_family() -> None:
    python = read_reference("gcr.io/distroless/python3-debian13", "nonroot", None)
    untagged = read_reference("gcr.io/distroless/python3", None, None)
    debug = read_reference("gcr.io/distroless/static-debian13", "debug", None)
    java = read_reference("gcr.io/distroless/java21-debian13", None, None)
    assert python is not None and untagged is not None and debug is not None and java is not None

    assert executable_state(python, "/usr/bin/python3.13") is True
    assert executable_state(python, "/usr/bin/python3.11") is False
    assert executable_state(python, "/bin/sh") is False
    assert executable_state(untagged, "/usr/bin/python3.11") is None
    assert executable_state(debug, "/busybox/sh") is None
    assert executable_state(debug, "/bin/sh") is False
    assert executable_state(java, "/usr/bin/java") is True
    assert executable_state(java, "/usr/bin/curl") is False


def test_every_rule_has_examples_and_an_explanation() -> None:
    for rule in RULES:
        assert rule.code.startswith("LH5") and rule.bad and rule.good
        assert len(rule.explanation) > 200
        assert (rule.fix is not None) == (rule.code in ("LH505", "LH507"))
    assert [rule.code for rule in RULES] == [f"LH5{number:02}" for number in range(1, 17)]


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_every_parser_corpus_snippet_on_distroless_gives_findings_not_tracebacks(
    repo: Path, capsys: pytest.CaptureFixture[str], case: Case
) -> None:
    write_tree(repo, {"Dockerfile": RUNTIME + case.source, "a/Dockerfile": case.source})

    code, out = run(capsys, "a/Dockerfile", "Dockerfile")

    assert code in (0, 1)
    assert all(": LH5" in line or line.startswith("Rewrote ") for line in out), out
    # Whatever a fix rewrote, the second run has nothing more to fix.
    assert not [line for line in run(capsys, "Dockerfile")[1] if line.startswith("Rewrote ")]


def test_the_build_context_comes_from_the_configuration(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = RUNTIME + 'COPY --chmod=755 bin/tini /tini\nENTRYPOINT ["/tini", "--"]\n'
    write_tree(repo, {"svc/Dockerfile": dockerfile, "svc/bin/tini": "", "bin/tini": ""})
    assert findings(capsys, "svc/Dockerfile") == []  # built from its folder: svc/bin/tini

    write_tree(
        repo,
        {
            "pyproject.toml": "[tool.lucid-hooks.dockerfiles]\n"
            '"svc/*" = { context = "elsewhere" }\n',
            "elsewhere/README": "",
        },
    )

    # ... where bin/tini is missing: the COPY fails, and so would the ENTRYPOINT.
    assert findings(capsys, "svc/Dockerfile") == ["2: LH515", "3: LH506"]


# --- cost -----------------------------------------------------------------------------


def _lines_of_runs(count: int) -> str:
    """RUNs in a distroless stage: each adds an opaque region and needs the
    SHELL in effect (a shell form) or a look-up of its program."""
    runs = (f'RUN ["/x{i}"]\nRUN echo {i}\n' for i in range(count // 2))
    return RUNTIME + 'SHELL ["/bin/sh", "-c"]\n' + "".join(runs)


def _many_stages(count: int) -> str:
    """Stages, each on distroless or the one before, and a final stage that
    copies from every one."""
    stages = "".join(
        f"FROM s{i - 1} AS s{i}\n" if i % 2 else RUNTIME.replace("\n", f" AS s{i}\n")
        for i in range(count)
    )
    copies = "".join(f"COPY --from=s{i} /x{i} /x{i}\n" for i in range(count))
    return stages + RUNTIME + copies


@pytest.mark.parametrize("make", [_lines_of_runs, _many_stages])
def test_cost_is_linear_in_the_instructions(
    repo: Path, capsys: pytest.CaptureFixture[str], make: Callable[[int], str]
) -> None:
    write_tree(repo, {"small/Dockerfile": make(300), "large/Dockerfile": make(3_000)})

    def checked(path: str) -> Callable[[], object]:
        return lambda: main(["--no-fix", "-q", path])

    # Ten times the instructions: far from a hundred times the time.
    assert_time_bounded(checked("small/Dockerfile"), checked("large/Dockerfile"), 25, 0.05)
    capsys.readouterr()


def test_modelling_many_stages_is_linear() -> None:
    small, large = parse(_many_stages(250)), parse(_many_stages(2_500))

    assert_time_bounded(
        lambda: model_stages("Dockerfile", small),
        lambda: model_stages("Dockerfile", large),
        25,
        0.05,
    )


def test_concurrent_fixers_rewrite_the_file_once(repo: Path) -> None:
    """Eight hooks fixing the same Dockerfile at once (parallel pre-commit
    batches, an editor's save): one rewrite, the others see it done."""
    before = RUNTIME + "WORKDIR /app\nCOPY app.py .\nCMD python3 app.py\n"
    write_tree(repo, {"Dockerfile": before, "app.py": ""})
    init_repo(repo)
    command = [sys.executable, "-m", "lucid_hooks.check_distroless", "Dockerfile"]
    processes = [
        subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(8)
    ]
    results = [(process.wait(), *process.communicate()) for process in processes]

    assert all(b"Traceback" not in out + err for _, out, err in results), results
    assert {code for code, _, _ in results} <= {0, 1}
    rewrites = b"".join(out for _, out, _ in results).count(b"Rewrote Dockerfile")
    assert rewrites == 1, results
    assert (repo / "Dockerfile").read_text() == before.replace(
        "CMD python3 app.py", 'CMD ["app.py"]'
    )


# --- the cache of findings -------------------------------------------------------

CACHED = RUNTIME + 'COPY run.sh /run.sh\nCMD python3 app.py\nENTRYPOINT ["/run.sh"]\n'


def test_an_unchanged_tree_is_not_checked_again(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import lucid_hooks.check_distroless as hook

    write_tree(repo, {"Dockerfile": CACHED, "run.sh": "#!/bin/sh\necho\n", "app.py": "X = 1\n"})
    init_repo(repo)
    checked: list[list[str]] = []
    real = hook._checked

    def counting(context: HookContext, paths: list[str]) -> list[Finding]:
        checked.append(list(paths))
        return real(context, paths)

    monkeypatch.setattr(hook, "_checked", counting)
    first = messages(capsys, "Dockerfile")
    second = messages(capsys, "Dockerfile")

    assert checked == [["Dockerfile"], []]
    assert first == second
    assert [_short(line) for line in first] == ["3: LH505", "4: LH506", "4: LH511"]
    # A file COPY brings changes what the image holds: checked again.
    git(repo, "update-index", "--chmod=+x", "run.sh")
    assert findings(capsys, "Dockerfile") == ["3: LH505", "4: LH506"]
    assert checked[-1] == ["Dockerfile"]


def test_a_kept_fixable_finding_stays_fixable_and_is_fixed_from_a_fresh_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    write_tree(repo, {"Dockerfile": RUNTIME + "CMD python3 app.py\n", "app.py": "X = 1\n"})
    init_repo(repo)

    for _ in range(2):
        status, out = run(capsys, "--no-fix", "--format", "json", "Dockerfile")
        (found,) = json.loads("\n".join(out))["findings"]
        assert (status, found["code"], found["fixable"]) == (1, "LH505", True)

    status, out = run(capsys, "Dockerfile")
    assert status == 1
    # One edit: exec form, without the interpreter the ENTRYPOINT already runs.
    assert (repo / "Dockerfile").read_text() == RUNTIME + 'CMD ["app.py"]\n'


def test_no_cache_checks_every_time(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import lucid_hooks.check_distroless as hook

    write_tree(repo, {"Dockerfile": RUNTIME + 'CMD ["app.py"]\n', "app.py": "X = 1\n"})
    init_repo(repo)
    checked: list[list[str]] = []
    real = hook._checked

    def counting(context: HookContext, paths: list[str]) -> list[Finding]:
        checked.append(list(paths))
        return real(context, paths)

    monkeypatch.setattr(hook, "_checked", counting)

    findings(capsys, "--no-cache", "Dockerfile")
    findings(capsys, "--no-cache", "Dockerfile")

    assert checked == [["Dockerfile"], ["Dockerfile"]]


# --- LH515: a COPY source the build context lacks ----------------------------------


def test_a_copy_source_the_context_lacks(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "svc/Dockerfile": RUNTIME
        + "COPY app.py /app/\nCOPY settings.toml /app/\nCOPY *.cfg /c/\n"
        + "COPY dist/x.whl /w/\nCOPY built.txt /b/\nCOPY secret.txt /s/\n"
        + 'ENTRYPOINT ["/usr/bin/python3", "/app/app.py"]\n',
        "svc/app.py": "X = 1\n",
        "svc/secret.txt": "s\n",
        "svc/.dockerignore": "secret.txt\n",
        ".gitignore": "dist/\n",
    }
    write_tree(repo, files)
    init_repo(repo)
    # An untracked build output, and one git ignores: made by an earlier step.
    write_tree(repo, {"svc/built.txt": "b\n", "svc/dist/x.whl": "w\n"})
    os.remove(repo / "svc" / "dist" / "x.whl")

    found = messages(capsys, "svc/Dockerfile")

    assert [_short(line) for line in found] == ["3: LH515", "7: LH515"]
    assert "settings.toml not found in the build context: the build stops here" in found[0]
    assert "(built from svc/; set `dockerfiles`" in found[0]
    assert "excluded by .dockerignore line 1" in found[1]


def test_a_missing_copy_source_is_not_kept_in_the_cache(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"Dockerfile": RUNTIME + "COPY out.txt /o/\n"})
    init_repo(repo)
    assert findings(capsys, "Dockerfile") == ["2: LH515"]

    (repo / "out.txt").write_text("made by CI\n")  # untracked: the tree's key is the same

    assert findings(capsys, "Dockerfile") == []


# --- LH516: packages copied where Python does not look ---------------------------

BUILDER = "FROM python:3.13-slim AS build\nRUN pip install --prefix=/install -r r.txt\n"


_PREFIX_SITE = "/install/lib/python3.13/site-packages"
_RUN_MODULE = 'ENTRYPOINT ["/usr/bin/python3", "-m", "app"]\n'


@pytest.mark.parametrize(
    ("final", "expected"),
    [
        ("COPY --from=build /install /install\n" + _RUN_MODULE, ["4: LH516"]),
        (
            f"COPY --from=build /install /install\nENV PYTHONPATH={_PREFIX_SITE}\n" + _RUN_MODULE,
            [],
        ),
        # Into the interpreter's own site folder, or beside the script.
        (f"COPY --from=build {_PREFIX_SITE} /usr/lib/python3/dist-packages\n" + _RUN_MODULE, []),
        (
            f"COPY --from=build {_PREFIX_SITE} /srv\n"
            'ENTRYPOINT ["/usr/bin/python3", "/srv/main.py"]\n',
            [],
        ),
        # WORKDIR is sys.path[0] for python -m.
        (f"WORKDIR /app\nCOPY --from=build {_PREFIX_SITE} /app\n" + _RUN_MODULE, []),
        # Not judged: a venv's interpreter (missing here: LH506), a build
        # argument, no module run.
        (
            'COPY --from=build /install /install\nENTRYPOINT ["/venv/bin/python", "-m", "app"]\n',
            ["5: LH506"],
        ),
        (
            "ARG EXTRA\nCOPY --from=build /install /install\nENV PYTHONPATH=$EXTRA\n"
            + _RUN_MODULE,
            [],
        ),
        ("COPY --from=build /install /install\n", []),
    ],
)
def test_packages_copied_where_python_does_not_look(
    repo: Path, capsys: pytest.CaptureFixture[str], final: str, expected: list[str]
) -> None:
    write_tree(repo, {"r.txt": "httpx\n"})

    assert check(repo, capsys, BUILDER + RUNTIME + final) == expected


def test_packages_not_on_sys_path_say_the_pythonpath_to_set(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = (
        "FROM python:3.13-slim AS build\nRUN pip install --target /deps httpx\n"
        + RUNTIME
        + "ENV PYTHONPATH=/app\nCOPY --from=build /deps /opt/deps\n"
        + 'ENTRYPOINT ["/usr/bin/python3", "-m", "app"]\n'
    )
    write_tree(repo, {"Dockerfile": dockerfile})

    (line,) = messages(capsys, "Dockerfile")

    assert line.endswith(
        "LH516 this puts installed packages in /opt/deps, which is not on sys.path:"
        " ENV PYTHONPATH=/app:/opt/deps"
    )
