"""Dockerfile snippets and what BuildKit's parser makes of them.

BuildKit 0.22 / Dockerfile syntax 1.16. Written by hand from BuildKit's
documented behaviour (the Dockerfile reference, its parser's tests in
``frontend/dockerfile/parser``), not produced by running it. An instruction
is what BuildKit's AST node holds: keyword (``Value``), first and last line
(``StartLine``/``EndLine``), the text its line parser is given (arguments),
``Flags``, the JSON array when the node is exec form, and ``Heredocs`` with
their raw content. Warnings are ``(line, part of the message)``: where
BuildKit stops with an error, and the few things the parser lints on its own
(marked so).
"""

from __future__ import annotations

from typing import NamedTuple


class Doc(NamedTuple):
    name: str
    content: str
    expand: bool = True
    chomp: bool = False


class Expected(NamedTuple):
    keyword: str
    line: int
    end_line: int
    arguments: str
    flags: tuple[str, ...] = ()
    exec_form: tuple[str, ...] | None = None
    heredocs: tuple[Doc, ...] = ()


class Case(NamedTuple):
    id: str
    source: str
    instructions: tuple[Expected, ...]
    warnings: tuple[tuple[int, str], ...] = ()
    directives: tuple[tuple[str, str], ...] = ()
    escape: str = "\\"


def at(
    keyword: str,
    line: int,
    arguments: str = "",
    *,
    end_line: int | None = None,
    flags: tuple[str, ...] = (),
    exec_form: tuple[str, ...] | None = None,
    heredocs: tuple[Doc, ...] = (),
) -> Expected:
    """An instruction starting at ``line`` (and ending there unless ``end_line``)."""
    last = line if end_line is None else end_line
    return Expected(keyword, line, last, arguments, flags, exec_form, heredocs)


NO_INSTRUCTIONS = ((1, "file with no instructions"),)
LONG = "x" * 70_000

CORPUS = (
    Case(
        "ordinary",
        'FROM python:3.11-slim\nRUN pip install x\nCMD ["python3", "app.py"]\n',
        (
            at("FROM", 1, "python:3.11-slim"),
            at("RUN", 2, "pip install x"),
            at("CMD", 3, '["python3", "app.py"]', exec_form=("python3", "app.py")),
        ),
    ),
    Case(
        "continuation-keeps-leading-blanks",
        "RUN apt-get update \\\n    && apt-get install -y curl\nEXPOSE 80\n",
        (
            at("RUN", 1, "apt-get update     && apt-get install -y curl", end_line=2),
            at("EXPOSE", 3, "80"),
        ),
    ),
    Case(
        "comment-inside-continuation",
        "RUN a \\\n# why\n   # indented too\n    b\n",
        (at("RUN", 1, "a     b", end_line=4),),
    ),
    Case(
        "empty-continuation-line",
        "RUN a \\\n\n  \t\n    b\n",
        (at("RUN", 1, "a     b", end_line=4),),
        warnings=((1, "empty continuation line"),),
    ),
    Case(
        "escaped-escape-does-not-continue",
        "RUN echo a\\\\\nRUN echo b\n",
        (at("RUN", 1, "echo a\\\\"), at("RUN", 2, "echo b")),
    ),
    Case(
        "lone-escape-line-continues",
        "\\\nFROM alpine\n",
        (at("FROM", 1, "alpine", end_line=2),),
    ),
    Case(
        # The parser's own lint: BuildKit takes the instruction as it stands.
        "continuation-at-end-of-file",
        "FROM alpine\nRUN echo a \\",
        (at("FROM", 1, "alpine"), at("RUN", 2, "echo a")),
        warnings=((2, "ends inside a line continuation"),),
    ),
    Case(
        "hash-inside-an-instruction",
        "RUN echo '#not a comment' # nor this\n",
        (at("RUN", 1, "echo '#not a comment' # nor this"),),
    ),
    Case(
        "exec-form-or-shell-form",
        'CMD ["a", "b"]\nCMD [ \'a\' ]\nENTRYPOINT ["a"] extra\nRUN [not json]\n'
        'SHELL ["/bin/bash", "-c"]\nVOLUME ["/data"]\nLABEL ["not", "exec"]\n',
        (
            at("CMD", 1, '["a", "b"]', exec_form=("a", "b")),
            at("CMD", 2, "[ 'a' ]"),
            at("ENTRYPOINT", 3, '["a"] extra'),
            at("RUN", 4, "[not json]"),
            at("SHELL", 5, '["/bin/bash", "-c"]', exec_form=("/bin/bash", "-c")),
            at("VOLUME", 6, '["/data"]', exec_form=("/data",)),
            at("LABEL", 7, '["not", "exec"]'),
        ),
    ),
    Case(
        "json-array-holding-a-number",
        'CMD ["a", 1]\nRUN ["a", ["b"]]\n',
        (at("CMD", 1, '["a", 1]'), at("RUN", 2, '["a", ["b"]]')),
        warnings=((1, "strings only"), (2, "strings only")),
    ),
    Case(
        # Go's encoding/json: no NaN, numbers are float64, lone surrogates are U+FFFD.
        "json-read-as-go-reads-it",
        'CMD ["a", NaN]\nCMD ["a", 1e400]\nCMD ["\\ud800", "\\ud83d\\ude00"]\n',
        (
            at("CMD", 1, '["a", NaN]'),
            at("CMD", 2, '["a", 1e400]'),
            at("CMD", 3, '["\\ud800", "\\ud83d\\ude00"]', exec_form=("\ufffd", "\U0001f600")),
        ),
    ),
    Case(
        "flags",
        "COPY --from=build --chown=1000:1000 --chmod='0755' --link --exclude=\"a b\" src dst\n",
        (
            at(
                "COPY",
                1,
                "src dst",
                flags=(
                    "--from=build",
                    "--chown=1000:1000",
                    "--chmod=0755",
                    "--link",
                    "--exclude=a b",
                ),
            ),
        ),
    ),
    Case(
        "run-mount-flag",
        "RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt\n",
        (
            at(
                "RUN",
                1,
                "pip install -r requirements.txt",
                flags=("--mount=type=cache,target=/root/.cache",),
            ),
        ),
    ),
    Case(
        "double-dash-ends-flags",
        "RUN --network=none -- --not-a-flag\nRUN echo --not-a-flag\n",
        (
            at("RUN", 1, "--not-a-flag", flags=("--network=none",)),
            at("RUN", 2, "echo --not-a-flag"),
        ),
    ),
    Case(
        "flags-use-the-default-escape",
        "COPY --chown=DOMAIN\\user src dst\n",
        (at("COPY", 1, "src dst", flags=("--chown=DOMAINuser",)),),
    ),
    Case(
        "flags-use-the-escape-directive",
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore\n"
        "COPY --chown=DOMAIN\\user --from=a` b src c:\\app\\\n",
        (
            at("FROM", 2, "mcr.microsoft.com/windows/servercore"),
            at("COPY", 3, "src c:\\app\\", flags=("--chown=DOMAIN\\user", "--from=a b")),
        ),
        directives=(("escape", "`"),),
        escape="`",
    ),
    Case(
        "escape-directive-continuation",
        "# escape=`\nFROM mcr.microsoft.com/windows\nCOPY testfile.txt c:\\\n"
        "RUN dir c:\\ `\n    /s\n",
        (
            at("FROM", 2, "mcr.microsoft.com/windows"),
            at("COPY", 3, "testfile.txt c:\\"),
            at("RUN", 4, "dir c:\\     /s", end_line=5),
        ),
        directives=(("escape", "`"),),
        escape="`",
    ),
    Case(
        "syntax-and-check-directives",
        "# syntax=docker/dockerfile:1.16\n#check = skip=JSONArgsRecommended  \nFROM alpine\n",
        (at("FROM", 3, "alpine"),),
        directives=(("syntax", "docker/dockerfile:1.16"), ("check", "skip=JSONArgsRecommended")),
    ),
    Case(
        "directive-after-a-comment-is-a-comment",
        "# a comment\n# escape=`\nRUN a `\n    b\n",
        (at("RUN", 3, "a `"), at("B", 4)),
    ),
    Case(
        "directive-after-a-blank-line-is-a-comment",
        "\n# escape=`\nRUN a `\n",
        (at("RUN", 3, "a `"),),
    ),
    Case(
        "arg-before-from-and-named-stages",
        "ARG PY=3.11\nFROM --platform=$BUILDPLATFORM python:${PY} AS build\nRUN pip wheel .\n"
        "FROM gcr.io/distroless/python3-debian12\nCOPY --from=build /w /w\n",
        (
            at("ARG", 1, "PY=3.11"),
            at("FROM", 2, "python:${PY} AS build", flags=("--platform=$BUILDPLATFORM",)),
            at("RUN", 3, "pip wheel ."),
            at("FROM", 4, "gcr.io/distroless/python3-debian12"),
            at("COPY", 5, "/w /w", flags=("--from=build",)),
        ),
    ),
    Case(
        "lower-case-instructions",
        "from alpine as base\nrun echo hi\ncopy --from=base a b\n",
        (
            at("FROM", 1, "alpine as base"),
            at("RUN", 2, "echo hi"),
            at("COPY", 3, "a b", flags=("--from=base",)),
        ),
    ),
    Case(
        "utf8-bom",
        "\ufeffFROM scratch\n",
        (at("FROM", 1, "scratch"),),
    ),
    Case(
        "healthcheck",
        'HEALTHCHECK --interval=5s CMD ["curl", "-f", "http://x/"]\nHEALTHCHECK NONE\n',
        (
            at(
                "HEALTHCHECK",
                1,
                'CMD ["curl", "-f", "http://x/"]',
                flags=("--interval=5s",),
                exec_form=("curl", "-f", "http://x/"),
            ),
            at("HEALTHCHECK", 2, "NONE"),
        ),
    ),
    Case(
        "env-and-label-forms",
        'ENV a=b c\nENV A b c\nENV lonely\nLABEL x=1 "y z"=2\nLABEL x=1 "y z"\n',
        (
            at("ENV", 1, "a=b c"),
            at("ENV", 2, "A b c"),
            at("ENV", 3, "lonely"),
            at("LABEL", 4, 'x=1 "y z"=2'),
            at("LABEL", 5, 'x=1 "y z"'),
        ),
        warnings=(
            (1, 'can\'t find = in "c"'),
            (3, "ENV must have two arguments"),
            (5, 'can\'t find = in "\\"y z\\""'),
        ),
    ),
    Case(
        "heredoc",
        "FROM alpine\nRUN <<EOF\napk add curl\n# not a comment\nEOF\nCMD x\n",
        (
            at("FROM", 1, "alpine"),
            at(
                "RUN",
                2,
                "<<EOF",
                end_line=5,
                heredocs=(Doc("EOF", "apk add curl\n# not a comment\n"),),
            ),
            at("CMD", 6, "x"),
        ),
    ),
    Case(
        # The case: before the fix, `from pathlib ...` became a stage.
        "heredoc-blank-after-<<",
        "RUN cat > /app/main.py << EOF\nfrom pathlib import Path\nprint(Path.cwd())\nEOF\n",
        (
            at(
                "RUN",
                1,
                "cat > /app/main.py << EOF",
                end_line=4,
                heredocs=(Doc("EOF", "from pathlib import Path\nprint(Path.cwd())\n"),),
            ),
        ),
    ),
    Case(
        "heredoc-blank-after-<<-quoted",
        "RUN cat > /f << 'EOF'\necho $HOME\nEOF\n",
        (
            at(
                "RUN",
                1,
                "cat > /f << 'EOF'",
                end_line=3,
                heredocs=(Doc("EOF", "echo $HOME\n", expand=False),),
            ),
        ),
    ),
    Case(
        "heredoc-tab-after-<<",
        "RUN cat > /f <<\tEOF\nx\nEOF\n",
        (at("RUN", 1, "cat > /f <<\tEOF", end_line=3, heredocs=(Doc("EOF", "x\n"),)),),
    ),
    Case(
        "heredoc-quoted-names-with-a-space",
        "RUN <<'one two'\necho bar\none two\nCOPY <<\"a b\" /dst\nx\na b\n",
        (
            at(
                "RUN",
                1,
                "<<'one two'",
                end_line=3,
                heredocs=(Doc("one two", "echo bar\n", expand=False),),
            ),
            at(
                "COPY",
                4,
                '<<"a b" /dst',
                end_line=6,
                heredocs=(Doc("a b", "x\n", expand=False),),
            ),
        ),
    ),
    Case(
        # Content is kept raw; the tabs go when the build uses it.
        "heredoc-chomp",
        "RUN <<-EOT\n\techo a\n\t\tEOT\nCOPY <<-EOF /x\n\tk=v\nEOF\n",
        (
            at("RUN", 1, "<<-EOT", end_line=3, heredocs=(Doc("EOT", "\techo a\n", chomp=True),)),
            at("COPY", 4, "<<-EOF /x", end_line=6, heredocs=(Doc("EOF", "\tk=v\n", chomp=True),)),
        ),
    ),
    Case(
        "heredoc-expansion-off-only-for-quotes",
        "RUN <<\\EOF\na\nEOF\nRUN <<eo'f'\nb\neof\n"
        "RUN <<eo\\'f\nc\neo'f\nRUN <<'e'o\\'f\nd\neo'f\n",
        (
            at("RUN", 1, "<<\\EOF", end_line=3, heredocs=(Doc("EOF", "a\n"),)),
            at("RUN", 4, "<<eo'f'", end_line=6, heredocs=(Doc("eof", "b\n", expand=False),)),
            at("RUN", 7, "<<eo\\'f", end_line=9, heredocs=(Doc("eo'f", "c\n"),)),
            at("RUN", 10, "<<'e'o\\'f", end_line=12, heredocs=(Doc("eo'f", "d\n", expand=False),)),
        ),
    ),
    Case(
        "heredocs-read-in-order",
        "COPY <<X <<Y /dest\nY\nX\nX\nY\n",
        (at("COPY", 1, "<<X <<Y /dest", end_line=5, heredocs=(Doc("X", "Y\n"), Doc("Y", "X\n"))),),
    ),
    Case(
        "two-heredocs-then-an-instruction",
        "RUN <<A <<B bash\necho a\nA\necho b\nB\nEXPOSE 1\n",
        (
            at(
                "RUN",
                1,
                "<<A <<B bash",
                end_line=5,
                heredocs=(Doc("A", "echo a\n"), Doc("B", "echo b\n")),
            ),
            at("EXPOSE", 6, "1"),
        ),
    ),
    Case(
        "heredoc-with-flags-and-descriptor",
        "RUN --mount=type=secret,id=token 3<<EOF cat <&3\nhi\nEOF\n",
        (
            at(
                "RUN",
                1,
                "3<<EOF cat <&3",
                end_line=3,
                flags=("--mount=type=secret,id=token",),
                heredocs=(Doc("EOF", "hi\n"),),
            ),
        ),
    ),
    Case(
        "heredoc-after-continuation-lines",
        "RUN cat \\\n  <<EOF > /x\nbody\nEOF\n",
        (at("RUN", 1, "cat   <<EOF > /x", end_line=4, heredocs=(Doc("EOF", "body\n"),)),),
    ),
    Case(
        "heredoc-named-like-an-instruction",
        "RUN <<COPY\necho hello\nCOPY\nCOPY a b\n",
        (
            at("RUN", 1, "<<COPY", end_line=3, heredocs=(Doc("COPY", "echo hello\n"),)),
            at("COPY", 4, "a b"),
        ),
    ),
    Case(
        "heredoc-unterminated",
        "RUN <<EOF\necho a\nCMD b\n",
        (at("RUN", 1, "<<EOF", end_line=3, heredocs=(Doc("EOF", "echo a\nCMD b\n"),)),),
        warnings=((1, "unterminated heredoc <<EOF"),),
    ),
    Case(
        "heredoc-only-for-run-copy-add",
        "USER <<INVALID\nINVALID\nCMD <<EOF\nEOF\nADD <<EOF /x\nEOF\n",
        (
            at("USER", 1, "<<INVALID"),
            at("INVALID", 2),
            at("CMD", 3, "<<EOF"),
            at("EOF", 4),
            at("ADD", 5, "<<EOF /x", end_line=6, heredocs=(Doc("EOF", ""),)),
        ),
    ),
    Case(
        "no-heredoc-in-exec-form-quotes-or-here-strings",
        'RUN ["<<EOF"]\nRUN echo \'<<EOF\'\nRUN "<<EOF"\nRUN cat <<< here\nEOF\n',
        (
            at("RUN", 1, '["<<EOF"]', exec_form=("<<EOF",)),
            at("RUN", 2, "echo '<<EOF'"),
            at("RUN", 3, '"<<EOF"'),
            at("RUN", 4, "cat <<< here"),
            at("EOF", 5),
        ),
    ),
    Case(
        # BuildKit's lexer fails on the lone quote, and a line it cannot lex opens no heredoc.
        "no-heredoc-when-quotes-do-not-balance",
        "RUN echo don't <<EOF\nhello\nEOF\n",
        (at("RUN", 1, "echo don't <<EOF"), at("HELLO", 2), at("EOF", 3)),
    ),
    Case(
        # BuildKit's lexer swallows the blanks right after `<<` only: `<<-` then
        # a blank leaves the word `<<-`, which names nothing.
        "no-heredoc-for-<<-blank",
        "RUN <<- EOF\nx\nEOF\n",
        (at("RUN", 1, "<<- EOF"), at("X", 2), at("EOF", 3)),
    ),
    Case(
        "heredoc-body-splits-on-newline-only",
        "RUN <<EOF\na\x0cb\x85c\u2028d\x1ce\nEOF\n",
        (at("RUN", 1, "<<EOF", end_line=3, heredocs=(Doc("EOF", "a\x0cb\x85c\u2028d\x1ce\n"),)),),
    ),
    Case(
        "crlf-line-ends",
        'FROM alpine\r\nRUN a \\\r\n    b\r\nRUN <<EOF\r\necho hi\r\nEOF\r\nCMD ["x"]\r\n',
        (
            at("FROM", 1, "alpine"),
            at("RUN", 2, "a     b", end_line=3),
            at("RUN", 4, "<<EOF", end_line=6, heredocs=(Doc("EOF", "echo hi\r\n"),)),
            at("CMD", 7, '["x"]', exec_form=("x",)),
        ),
    ),
    Case(
        "onbuild-trigger-with-heredoc",
        "ONBUILD RUN <<EOF\necho hi\nEOF\nONBUILD COPY --from=x a b\n",
        (
            at("ONBUILD", 1, "RUN <<EOF", end_line=3, heredocs=(Doc("EOF", "echo hi\n"),)),
            at("ONBUILD", 4, "COPY --from=x a b"),
        ),
    ),
    Case(
        "onbuild-chained",
        "ONBUILD ONBUILD RUN x\nONBUILD FROM alpine\n",
        (at("ONBUILD", 1, "ONBUILD RUN x"), at("ONBUILD", 2, "FROM alpine")),
        warnings=((1, "chaining ONBUILD"), (2, "FROM isn't allowed as an ONBUILD trigger")),
    ),
    Case(
        "line-over-65535-bytes",
        f"RUN {LONG}\nCMD y\n",
        (at("RUN", 1, LONG), at("CMD", 2, "y")),
        warnings=((1, "longer than 65535 bytes"),),
    ),
    Case("empty-file", "", (), warnings=NO_INSTRUCTIONS),
    Case("comment-only-file", "# just a note\n\n   # and another\n", (), warnings=NO_INSTRUCTIONS),
    Case(
        "directives-only-file",
        "# syntax=docker/dockerfile:1\n",
        (),
        warnings=NO_INSTRUCTIONS,
        directives=(("syntax", "docker/dockerfile:1"),),
    ),
)
