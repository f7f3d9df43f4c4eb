"""lucid_hooks.dockerfile: BuildKit's reading of Dockerfiles, and never an exception."""

from __future__ import annotations

import array
import time
from typing import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks.dockerfile import (
    Dockerfile,
    Instruction,
    ParseWarning,
    decode,
    normalized,
    normalized_instructions,
    parse,
)
from tests.conftest import assert_time_bounded, fastest
from tests.dockerfile_corpus import CORPUS, Case, Doc, Expected


def keywords(dockerfile: Dockerfile) -> list[str]:
    return [instruction.keyword for instruction in dockerfile.instructions]


def only(source: str | bytes | bytearray | memoryview) -> Instruction:
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
        # BuildKit refuses such a file: "file with no instructions".
        assert parsed.warnings == [ParseWarning(1, "file with no instructions")]


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
        ('["a"] && echo b', None),  # trailing text
        ("[not json]", None),
        ("python3 app.py", None),
        ("[" * 100_000, None),  # deep nesting: no RecursionError
        # Go's encoding/json: a lone surrogate escape is U+FFFD, a pair one character.
        ('["\\ud800"]', ["\ufffd"]),
        ('["\\udc00\\ud800x"]', ["\ufffd\ufffdx"]),
        ('["\\ud83d\\ude00"]', ["\U0001f600"]),
        ('["a", NaN]', None),  # not JSON to Go: shell form
        ('["a", -Infinity]', None),
        ('["a", 1e400]', None),  # beyond float64: an error Go reports, shell form
        ('["a", ' + "9" * 400 + "]", None),
    ],
)
def test_exec_form(arguments: str, expected: list[str] | None) -> None:
    parsed = parse(f"CMD {arguments}\n")

    assert parsed.instructions[0].exec_form == expected
    assert not [warning for warning in parsed.warnings if "strings only" in warning.message]


@pytest.mark.parametrize(
    "source",
    [
        'CMD ["a", 1]',
        'ENTRYPOINT ["a", null]',
        'RUN ["a", true]',
        'COPY ["a", {}]',
        'VOLUME [["a"]]',
        'HEALTHCHECK CMD ["a", 1.5]',
        'ONBUILD CMD ["a", 1]',
    ],
)
def test_json_array_holding_a_non_string_is_a_warning(source: str) -> None:
    parsed = parse(source)

    instruction = parsed.instructions[0]
    assert (instruction.trigger or instruction).exec_form is None
    assert parsed.warnings == [
        ParseWarning(1, "when using JSON array syntax, arrays must be comprised of strings only")
    ]


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
    assert parsed.stage("00") is build
    assert parsed.stage("²") is None  # str.isdigit() says yes, int() refuses it
    assert parsed.stage("\u0661") is None  # Arabic-Indic one: int() would take it
    assert parsed.stage("0" * 5000 + "1") is test
    assert parsed.stage("9" * 5000) is None
    assert parsed.stage("-1") is None
    assert parsed.stage("") is None
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


def observed(instruction: Instruction) -> Expected:
    """An instruction in the corpus's terms."""
    return Expected(
        instruction.keyword,
        instruction.line,
        instruction.end_line,
        instruction.arguments,
        instruction.flags,
        None if instruction.exec_form is None else tuple(instruction.exec_form),
        tuple(Doc(h.name, h.content, h.expand, h.chomp) for h in instruction.heredocs),
    )


def assert_as_buildkit(parsed: Dockerfile, case: Case) -> None:
    assert [observed(instruction) for instruction in parsed.instructions] == list(
        case.instructions
    )
    assert [warning.line for warning in parsed.warnings] == [line for line, _ in case.warnings]
    for warning, (_, fragment) in zip(parsed.warnings, case.warnings):
        assert fragment in warning.message
    assert parsed.directives == dict(case.directives)
    assert parsed.escape == case.escape


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_reads_as_buildkit_does(case: Case) -> None:
    assert_as_buildkit(parse(case.source), case)


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_every_bytes_like_source_reads_the_same(case: Case) -> None:
    data = case.source.encode("utf-8")
    for source in (data, bytearray(data), memoryview(data), memoryview(bytearray(data))):
        assert_as_buildkit(parse(source), case)


def test_corpus_covers_enough() -> None:
    assert len(CORPUS) >= 30
    assert len({case.id for case in CORPUS}) == len(CORPUS)


def test_bytes_like_of_any_item_size_and_decode() -> None:
    words = array.array("H", b"FROM alpine\n")  # 2-byte items: its bytes are the text

    assert only(memoryview(words)).arguments == "alpine"
    assert decode(bytearray(b"\xef\xbb\xbfRUN x")) == "RUN x"
    assert decode(memoryview(b"RUN \xff")) == "RUN \ufffd"


def test_str_with_lone_surrogates_reads_as_replaced_bytes() -> None:
    assert only("RUN echo \ud800\n").arguments == "echo " + "\ufffd" * 3


def test_warnings_are_named_tuples_in_line_order() -> None:
    parsed = parse('CMD ["a", 1]\nRUN <<EOF\n' + "RUN " + "x" * 70_000 + "\n")

    assert [type(warning) for warning in parsed.warnings] == [ParseWarning] * 3
    assert [warning.line for warning in parsed.warnings] == [1, 2, 3]
    assert parsed.warnings[0] == (1, parsed.warnings[0].message)


def test_line_length_counts_bytes_and_carriage_returns() -> None:
    assert parse("RUN " + "x" * 65_531 + "\n").warnings == []  # 65,535 bytes
    assert parse("RUN " + "x" * 65_531 + "\r\n").warnings != []  # the \r is a byte too
    assert parse("RUN " + "é" * 32_765 + "x\n").warnings == []  # 4 + 65,530 + 1 bytes
    assert parse("RUN " + "é" * 32_765 + "xx\n").warnings != []


def test_heredoc_body_lines_split_on_newline_only() -> None:
    (heredoc,) = only("RUN <<-EOF\n\ta\x0cb\n\tc\u2028d\x85\n\n\tEOF\n").heredocs

    assert heredoc.body_lines() == ["a\x0cb", "c\u2028d\x85", ""]


def test_heredoc_names_and_expansion() -> None:
    def heredoc_of(line: str) -> tuple[str, bool, bool, int | None] | None:
        heredocs = parse(f"RUN {line}\nx\n").instructions[0].heredocs
        if not heredocs:
            return None
        first = heredocs[0]
        return first.name, first.expand, first.chomp, first.descriptor

    assert heredoc_of("<<EOF") == ("EOF", True, False, None)
    assert heredoc_of("<<   EOF") == ("EOF", True, False, None)
    assert heredoc_of("<< \t EOF > /x") == ("EOF", True, False, None)
    assert heredoc_of("<<\v\xa0EOF") == ("EOF", True, False, None)
    assert heredoc_of('<<"EOF"') == ("EOF", False, False, None)
    assert heredoc_of("<<E'O'F") == ("EOF", False, False, None)
    assert heredoc_of('<<"E\\"OF"') == ('E"OF', False, False, None)
    assert heredoc_of("<<$EOF") == ("$EOF", True, False, None)
    assert heredoc_of("<<${EOF}") == ("${EOF}", True, False, None)
    assert heredoc_of("<< -EOF") == ("-EOF", True, False, None)
    assert heredoc_of("<<-'EOF'") == ("EOF", False, True, None)
    assert heredoc_of("12<<EOF") == ("EOF", True, False, 12)
    assert heredoc_of("9" * 30 + "<<EOF") == ("EOF", True, False, 2**64 - 1)
    assert heredoc_of("<<EOF;") == ("EOF;", True, False, None)
    for not_one in ("<<", "<<-", "<<''", '<<""', "<<<EOF", "<<a<b", "x<<EOF", "'<<EOF'"):
        assert heredoc_of(not_one) is None, not_one
    # A line BuildKit's lexer cannot read opens no heredoc at all.
    for broken in ("<<EOF 'x", '<<EOF "x', "<<EOF ${", "<<EOF ${x", "<<EOF ${}", "<<EOF ${x!}"):
        assert heredoc_of(broken) is None, broken
    assert heredoc_of("<<EOF ${x:-a} ${x/a/b} ${x#a} ${x:+'q'} $1 $@ \\") is not None
    assert heredoc_of("<<EOF " + "${a:-" * 500 + "}" * 500) is None  # nested too deep


def test_heredoc_name_with_backtick_escape_directive() -> None:
    # BuildKit lexes heredoc words with a backslash whatever `# escape=` says.
    (heredoc,) = parse("# escape=`\nRUN <<\\EOF\nx\nEOF\n").instructions[0].heredocs

    assert (heredoc.name, heredoc.expand) == ("EOF", True)


def test_unterminated_heredoc_at_end_without_newline() -> None:
    parsed = parse("RUN <<EOF\nlast")

    assert parsed.instructions[0].heredocs[0].content == "last"
    assert parsed.warnings == [ParseWarning(1, "unterminated heredoc <<EOF")]


def test_flags_are_read_byte_by_byte() -> None:
    # BuildKit's flag parser takes each UTF-8 byte for a character.
    assert only("COPY --chown=josé a b\n").flags == ("--chown=jos\xc3\xa9",)
    # ... and the byte 0xA0 (inside "à") for a blank: the word ends there.
    copy = only("COPY --chown=à --from=x a b\n")
    assert copy.flags == ("--chown=\xc3", "--from=x")
    assert copy.arguments == "a b"


def test_onbuild_repeated_a_thousand_times() -> None:
    parsed = parse("ONBUILD " * 1000 + "RUN x\n")

    (instruction,) = parsed.instructions
    assert instruction.trigger is not None
    assert instruction.trigger.keyword == "ONBUILD"
    assert instruction.trigger.trigger is None  # not read deeper
    assert parsed.warnings == [
        ParseWarning(1, "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
    ]
    normalized(instruction)


def test_keywords_are_upper_cased_as_ascii() -> None:
    assert only("onbu\u0131ld RUN x\n").keyword == "ONBU\u0131LD"  # str.upper() would say ONBUILD
    assert only("run\xa0x\n").keyword == "RUN\xa0X"  # not a blank to BuildKit's splitter


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "# escape=x" + " " * n + "y\nFROM a\n",  # directive padded with blanks
        lambda n: "#" + " " * n + "escape" + " " * n + "=" + " " * n + "\n",
        lambda n: "RUN " + "x " * (n // 2) + "\n",
        lambda n: "RUN <<" + " " * n + "<\n",
        lambda n: "RUN " + "<<a " * (n // 4) + "\n",
        lambda n: "RUN <<EOF " + "'a' \"b\" \\c $d ${e:-f} " * (n // 24) + "\nEOF\n",
        lambda n: "COPY " + "--a=b " * (n // 6) + "x y\n",
        lambda n: "ENV " + "a=b " * (n // 4) + "\n",
        lambda n: "RUN a \\\n" * (n // 8) + "b\n",
        lambda n: "RUN a \\\n" + "\n" * n + "b\n",
        lambda n: "ONBUILD " * (n // 8) + "RUN x\n",
        lambda n: "CMD [" + '"a",' * (n // 4) + "1]\n",
    ],
    ids=[
        "directive-value",
        "directive-blanks",
        "long-line",
        "heredoc-blanks",
        "heredocs",
        "heredoc-line",
        "flags",
        "env",
        "continuations",
        "blank-continuations",
        "onbuild",
        "json",
    ],
)
def test_stays_linear_on_long_input(make: Callable[[int], str]) -> None:
    small, large = make(4_000), make(40_000)

    # Ten times the input: far from a hundred times the time.
    assert_time_bounded(lambda: parse(small), lambda: parse(large), 30, 0.05)
    assert fastest(lambda: parse(large)) < 0.5


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
        "RUN cat << 'EOF' > /x",
        "RUN <<'a b' <<\\c",
        "COPY <<X /y",
        "EOF",
        "\tEOT",
        "X",
        "a b",
        'CMD ["a", "b"]',
        'CMD ["a", 1]',
        "CMD [",
        "# escape=`",
        "# escape=   ",
        "# syntax=x",
        "# comment",
        "\\",
        "`",
        "ONBUILD RUN <<EOF",
        "ONBUILD ONBUILD ONBUILD RUN x",
        "ONBUILD",
        "HEALTHCHECK CMD [1]",
        "COPY --from=a --chown= b c",
        "COPY --from=² --chown=é`\\ x",
        "ENV a=b c",
        "LABEL 'x",
        "RUN --",
        'RUN "unterminated <<EOF',
        "RUN ${x:-<<EOF} $",
        "",
        "   ",
        "\ufeff",
        "\x00",
        "\ud800",
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
    assert parse(bytearray(data)).warnings == parsed.warnings


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    parsed = parse(text)
    normalized_instructions(parsed)
    for stage in parsed.stages:
        parsed.stage(stage.image)
        parsed.stage(str(stage.index))


@settings(max_examples=200, deadline=None)
@given(st.lists(DOCKERFILE_PIECES, max_size=40), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_dockerfile_like_text_never_raises(pieces: list[str], newline: str, end: bool) -> None:
    text = newline.join(pieces) + (newline if end else "")
    parsed = parse(text.encode("utf-8", "surrogatepass"))
    assert [observed(i) for i in parse(text).instructions] == [
        observed(i) for i in parsed.instructions
    ]
    lines = [instruction.line for instruction in parsed.instructions]
    assert lines == sorted(lines)
    normalized_instructions(parsed)
    for stage in parsed.stages:
        assert parsed.stage(str(stage.index)) is stage
