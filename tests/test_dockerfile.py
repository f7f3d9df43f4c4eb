"""lucid_hooks.dockerfile: BuildKit's reading of Dockerfiles, and never an exception."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks.dockerfile import (
    Dockerfile,
    Instruction,
    normalized,
    normalized_instructions,
    parse,
)


def keywords(dockerfile: Dockerfile) -> list[str]:
    return [instruction.keyword for instruction in dockerfile.instructions]


def only(source: str | bytes) -> Instruction:
    parsed = parse(source)
    assert len(parsed.instructions) == 1, parsed.instructions
    return parsed.instructions[0]


def test_instructions_with_positions_and_text() -> None:
    parsed = parse('FROM python:3.11-slim\n\n  run  pip install x\nCMD ["python3", "app.py"]\n')

    first, run, cmd = parsed.instructions
    assert (first.keyword, first.arguments, first.line, first.column) == (
        "FROM",
        "python:3.11-slim",
        1,
        1,
    )
    assert (run.keyword, run.arguments, run.line, run.column) == ("RUN", "pip install x", 3, 3)
    assert run.original == "run  pip install x"
    assert run.exec_form is None
    assert not run.is_exec_form
    assert cmd.exec_form == ["python3", "app.py"]
    assert cmd.is_exec_form
    assert parsed.warnings == []


def test_empty_and_comment_only_files_have_no_instructions() -> None:
    for source in (b"", b"\n\n", b"# only a comment\n   # indented\n", b"\r\n", "\ufeff"):
        parsed = parse(source)
        assert parsed.instructions == []
        assert parsed.stages == []
        assert parsed.final_stage is None


def test_bom_is_dropped_and_columns_count_after_it() -> None:
    parsed = parse(b"\xef\xbb\xbf# syntax=docker/dockerfile:1\nFROM scratch\n")

    assert parsed.directives == {"syntax": "docker/dockerfile:1"}
    assert only(b"\xef\xbb\xbfFROM scratch").column == 1


def test_utf16_with_bom_is_decoded() -> None:
    data = "FROM alpine\nRUN echo hé\n".encode("utf-16")

    assert keywords(parse(data)) == ["FROM", "RUN"]
    assert parse(data).instructions[1].arguments == "echo hé"


def test_invalid_utf8_and_nul_bytes_do_not_stop_the_parser() -> None:
    parsed = parse(b"FROM alpine\nRUN echo \xff\xfe\x00 done\nCMD x\n")

    assert keywords(parsed) == ["FROM", "RUN", "CMD"]
    assert parsed.instructions[1].arguments == "echo \ufffd\ufffd\x00 done"


def test_crlf_line_ends() -> None:
    parsed = parse(b'FROM alpine\r\nRUN a \\\r\n    b\r\nCMD ["x"]\r\n')

    assert [i.arguments for i in parsed.instructions] == ["alpine", "a     b", '["x"]']
    assert parsed.instructions[2].exec_form == ["x"]


def test_continuations_skip_comments_and_blank_lines() -> None:
    parsed = parse(
        "RUN apt-get update \\\n"
        "    # a comment between continuation lines\n"
        "    && apt-get install -y \\\n"
        "\n"
        "       curl\n"
        "EXPOSE 80\n"
    )

    run, expose = parsed.instructions
    assert run.arguments == "apt-get update     && apt-get install -y        curl"
    assert (run.line, run.end_line) == (1, 5)
    assert expose.line == 6
    assert parsed.warnings == [
        (1, "empty continuation line (deprecated; a future BuildKit rejects it)")
    ]


def test_hash_inside_an_instruction_is_not_a_comment() -> None:
    assert only("RUN echo '#not a comment' # nor this\n").arguments == (
        "echo '#not a comment' # nor this"
    )


def test_escaped_escape_character_does_not_continue() -> None:
    parsed = parse("RUN echo a\\\\\nRUN echo b\n")

    assert [i.arguments for i in parsed.instructions] == ["echo a\\\\", "echo b"]


def test_trailing_continuation_at_end_of_file() -> None:
    parsed = parse("FROM alpine\nRUN echo a \\")

    assert [i.arguments for i in parsed.instructions] == ["alpine", "echo a"]
    assert parsed.warnings == [(2, "the file ends inside a line continuation")]


def test_lone_escape_line_then_end_of_file() -> None:
    assert parse("\\\n").instructions == []
    assert parse("\\").instructions == []


def test_escape_directive_backtick() -> None:
    parsed = parse(
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows\n"
        "COPY testfile.txt c:\\\n"
        "RUN dir c:\\ `\n"
        "    /s\n"
    )

    assert parsed.escape == "`"
    assert [i.arguments for i in parsed.instructions] == [
        "mcr.microsoft.com/windows",
        "testfile.txt c:\\",
        "dir c:\\     /s",
    ]


@pytest.mark.parametrize(
    "source",
    [
        "\n# escape=`\nRUN a `\n",  # after a blank line
        "# comment\n# escape=`\nRUN a `\n",  # after a comment
        "FROM alpine\n# escape=`\nRUN a `\n",  # after an instruction
        "# unknown=1\n# escape=`\nRUN a `\n",  # after an unknown directive
    ],
)
def test_directives_only_at_the_very_top(source: str) -> None:
    parsed = parse(source)

    assert parsed.escape == "\\"
    assert "escape" not in parsed.directives


def test_directives_are_case_insensitive_and_spaced() -> None:
    parsed = parse("#  SYNTAX = docker/dockerfile:1.7  \n# Check=skip=all\nFROM alpine\n")

    assert parsed.directives == {"syntax": "docker/dockerfile:1.7", "check": "skip=all"}


def test_repeated_and_invalid_directives_warn() -> None:
    parsed = parse("# escape=`\n# escape=\\\nFROM alpine\n")
    assert parsed.escape == "`"
    assert parsed.warnings == [(2, "only one escape parser directive can be used")]

    parsed = parse("# escape=x\nFROM alpine\n")
    assert parsed.escape == "\\"
    assert parsed.warnings == [(1, "invalid escape character 'x': must be ` or \\")]


def test_heredoc_run() -> None:
    parsed = parse("FROM alpine\nRUN <<EOF\napk add curl\n# not a comment\nEOF\nCMD x\n")

    run = parsed.instructions[1]
    (heredoc,) = run.heredocs
    assert (heredoc.name, heredoc.line, heredoc.expand, heredoc.chomp) == ("EOF", 3, True, False)
    assert heredoc.content == "apk add curl\n# not a comment\n"
    assert heredoc.terminated
    assert (run.line, run.end_line) == (2, 5)
    assert keywords(parsed) == ["FROM", "RUN", "CMD"]


def test_heredoc_copy_chomp_quoted_and_descriptor() -> None:
    parsed = parse('COPY <<-"EOT" /etc/app.conf\n\tkey=value\n\tEOT\nRUN 3<<X cat <&3\nhi\nX\n')

    copy, run = parsed.instructions
    (conf,) = copy.heredocs
    assert (conf.name, conf.chomp, conf.expand) == ("EOT", True, False)
    assert conf.content == "\tkey=value\n"
    assert conf.body_lines() == ["key=value"]
    assert run.heredocs[0].descriptor == 3
    assert run.heredocs[0].content == "hi\n"


def test_several_heredocs_on_one_line() -> None:
    parsed = parse("RUN <<A <<B bash\necho a\nA\necho b\nB\nEXPOSE 1\n")

    run, expose = parsed.instructions
    assert [(h.name, h.content) for h in run.heredocs] == [("A", "echo a\n"), ("B", "echo b\n")]
    assert expose.line == 6


def test_heredoc_after_continuation_lines() -> None:
    parsed = parse("RUN cat \\\n  <<EOF > /x\nbody\nEOF\n")

    assert parsed.instructions[0].heredocs[0].content == "body\n"
    assert parsed.instructions[0].end_line == 4


def test_unterminated_heredoc_takes_the_rest() -> None:
    parsed = parse("RUN <<EOF\necho a\nCMD b\n")

    assert keywords(parsed) == ["RUN"]
    assert parsed.instructions[0].heredocs[0].content == "echo a\nCMD b\n"
    assert not parsed.instructions[0].heredocs[0].terminated
    assert parsed.warnings == [(1, "unterminated heredoc <<EOF")]


@pytest.mark.parametrize(
    "source",
    [
        'RUN ["cat", "<<EOF"]\nEOF\n',  # exec form has no heredocs
        "RUN cat <<< 'here string'\nEOF\n",
        "CMD <<EOF\nEOF\n",  # only RUN, COPY and ADD have heredocs
        "RUN echo '<<EOF'\nEOF\n",  # quoted: one word that is not <<NAME
    ],
)
def test_no_heredoc(source: str) -> None:
    parsed = parse(source)

    assert all(not instruction.heredocs for instruction in parsed.instructions)
    assert len(parsed.instructions) == 2


def test_onbuild_trigger_and_its_heredoc() -> None:
    parsed = parse("ONBUILD RUN <<EOF\necho hi\nEOF\nONBUILD COPY --from=x a b\nONBUILD\n")

    first, second, empty = parsed.instructions
    assert first.trigger is not None
    assert first.trigger.keyword == "RUN"
    assert first.heredocs[0].content == "echo hi\n"
    assert second.trigger is not None
    assert second.trigger.flag("from") == "x"
    assert empty.trigger is None


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('["python3", "app.py"]', ["python3", "app.py"]),
        ('  [ "a" ,"b" ]  ', ["a", "b"]),
        ("[]", []),
        ('["unterminated"', None),
        ('["a", 1]', None),  # not all strings: BuildKit falls back to shell form
        ('["a"] && echo b', None),  # trailing text
        ("[not json]", None),
        ("python3 app.py", None),
        ("[" * 100_000, None),  # deep nesting: no RecursionError
        ('["\\ud800"]', ["\ud800"]),
    ],
)
def test_exec_form(arguments: str, expected: list[str] | None) -> None:
    assert only(f"CMD {arguments}\n").exec_form == expected


def test_exec_form_for_every_keyword_that_has_one() -> None:
    parsed = parse(
        'RUN ["a"]\nENTRYPOINT ["b"]\nSHELL ["sh", "-c"]\nCOPY ["c", "d"]\nADD ["e", "f"]\n'
        'VOLUME ["/v"]\nHEALTHCHECK --interval=5s CMD ["curl", "-f", "x"]\nHEALTHCHECK NONE\n'
        'LABEL ["not", "exec"]\n'
    )

    assert [i.exec_form for i in parsed.instructions] == [
        ["a"],
        ["b"],
        ["sh", "-c"],
        ["c", "d"],
        ["e", "f"],
        ["/v"],
        ["curl", "-f", "x"],
        None,
        None,
    ]


def test_flags() -> None:
    copy = only(
        "COPY --from=build --chown=1000:1000 --link --chmod='0755' --exclude=\"a b\" src dst\n"
    )

    assert copy.flags == (
        "--from=build",
        "--chown=1000:1000",
        "--link",
        "--chmod=0755",
        "--exclude=a b",
    )
    assert copy.arguments == "src dst"
    assert copy.flag("from") == "build"
    assert copy.flag("link") == ""
    assert copy.flag("platform") is None


def test_flags_end_at_double_dash_and_at_first_argument() -> None:
    assert only("RUN -- --not-a-flag\n").arguments == "--not-a-flag"
    assert only("RUN echo --not-a-flag\n").flags == ()
    run = only("RUN --mount=type=cache,target=/root/.cache pip install x\n")
    assert run.flag("mount") == "type=cache,target=/root/.cache"
    assert only("RUN --network=none\n").arguments == ""


def test_stages() -> None:
    parsed = parse(
        "ARG PY=3.11\n"
        "FROM --platform=$BUILDPLATFORM python:${PY} AS Build\n"
        "RUN pip wheel .\n"
        "FROM build as test\n"
        "FROM gcr.io/distroless/python3-debian12:nonroot\n"
        "COPY --from=build /w /w\n"
        "COPY --from=0 /w /x\n"
    )

    build, test, final = parsed.stages
    assert (build.index, build.image, build.name, build.platform) == (
        0,
        "python:${PY}",
        "build",
        "$BUILDPLATFORM",
    )
    assert [i.keyword for i in build.instructions] == ["FROM", "RUN"]
    assert build.line == 2
    assert parsed.base_stage(test) is build
    assert parsed.base_stage(final) is None
    assert final.name is None
    assert parsed.final_stage is final
    assert parsed.stage("BUILD") is build
    assert parsed.stage("0") is build
    assert parsed.stage("7") is None
    assert parsed.stage("nope") is None
    assert [i.keyword for i in parsed.global_instructions] == ["ARG"]


def test_unknown_instructions_are_kept() -> None:
    assert only("FROBNICATE now\n").keyword == "FROBNICATE"


def test_normalized_ignores_layout_but_not_meaning() -> None:
    plain = parse(
        "FROM python:3.11-slim AS build\n"
        "RUN pip install --no-cache-dir fastapi\n"
        'CMD ["python3", "main.py"]\n'
    )
    messy = parse(
        "# syntax=docker/dockerfile:1\n"
        "# a comment\n"
        "from   python:3.11-slim   as BUILD\n"
        "\n"
        "run pip install \\\n"
        "    # why\n"
        "    --no-cache-dir   fastapi\n"
        'cmd [ "python3","main.py" ]\n'
    )
    assert normalized_instructions(plain) == normalized_instructions(messy)

    shell = parse("FROM python:3.11-slim AS build\nRUN pip install --no-cache-dir fastapi\n")
    shell_cmd = parse("CMD python3 main.py\n")
    assert normalized_instructions(shell) != normalized_instructions(plain)
    assert normalized(shell_cmd.instructions[0]) == "CMD python3 main.py"


def test_normalized_flag_order_and_heredocs() -> None:
    first = only("COPY --chown=1 --from=b x y\n")
    second = only("COPY --from=b   --chown=1 x y\n")
    assert normalized(first) == normalized(second)

    one = only("RUN <<EOF\necho a  \nEOF\n")
    same = only("RUN <<EOF\necho a\nEOF\n")
    other = only("RUN <<EOF\necho b\nEOF\n")
    assert normalized(one) == normalized(same) != normalized(other)
    assert normalized(only("ONBUILD RUN <<EOF\nx\nEOF\n")) == "ONBUILD RUN <<EOF\n<<EOF\nx\nEOF"


def test_str_source_and_bom_in_str() -> None:
    assert only("\ufeffFROM scratch").arguments == "scratch"


def test_huge_file_is_linear() -> None:
    source = "FROM alpine\n" + "RUN echo line \\\n    continued\n" * 50_000 + "X" * 1_000_000
    started = time.perf_counter()
    parsed = parse(source)
    elapsed = time.perf_counter() - started

    assert len(parsed.instructions) == 50_002
    assert elapsed < 5


DOCKERFILE_PIECES = st.sampled_from(
    [
        "FROM alpine",
        "FROM a AS b",
        "RUN echo hi",
        "RUN <<EOF",
        "RUN <<-EOT cat",
        "COPY <<X /y",
        "EOF",
        "\tEOT",
        "X",
        'CMD ["a", "b"]',
        "CMD [",
        "# escape=`",
        "# syntax=x",
        "# comment",
        "\\",
        "`",
        "ONBUILD RUN <<EOF",
        "ONBUILD",
        "HEALTHCHECK CMD [1]",
        "COPY --from=a --chown= b c",
        "RUN --",
        'RUN "unterminated',
        "",
        "   ",
        "\ufeff",
        "\x00",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    parsed = parse(data)
    line_count = data.count(b"\n") + 1
    for instruction in parsed.instructions:
        assert 1 <= instruction.line <= instruction.end_line <= line_count
        assert instruction.column >= 1
        assert instruction.keyword
        normalized(instruction)


@settings(max_examples=300, deadline=None)
@given(st.lists(DOCKERFILE_PIECES, max_size=40), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_dockerfile_like_text_never_raises(pieces: list[str], newline: str, end: bool) -> None:
    text = newline.join(pieces) + (newline if end else "")
    parsed = parse(text.encode("utf-8", "surrogatepass"))
    lines = [instruction.line for instruction in parsed.instructions]
    assert lines == sorted(lines)
    normalized_instructions(parsed)
    for stage in parsed.stages:
        assert parsed.stage(str(stage.index)) is stage
