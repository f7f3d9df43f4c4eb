"""Dockerfiles read the way BuildKit reads them, without ever raising.

The rules follow moby/buildkit's ``frontend/dockerfile/parser``:

- parser directives (``# syntax=``, ``# escape=``, ``# check=``) count only
  before anything else, blank lines and other comments included;
- a comment is a line whose first non-blank character is ``#``, also between
  continuation lines; ``#`` later in a line is an argument like any other;
- the escape character (``\\``, or a backtick after ``# escape=```) ending a
  line continues the instruction; blank lines inside a continuation are
  skipped; continuation lines keep their leading whitespace;
- a heredoc (``RUN <<EOF``, ``COPY <<-EOT /dst``, several per line) takes the
  lines up to its terminator, after the instruction's own lines;
- exec form is a JSON array of strings; anything else, malformed JSON
  included, is shell form.

Where BuildKit would stop with an error (a repeated directive, an invalid
escape character, an unterminated heredoc, a line continuation at the end of
the file) this parser keeps going and records a warning instead, so that a
hook can say what is wrong rather than crash. Bad bytes are replaced, a BOM
(UTF-8 or UTF-16) is honoured, CRLF line ends are accepted.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_ESCAPE = "\\"
DIRECTIVES = frozenset({"syntax", "escape", "check"})
# Instructions whose arguments may be a JSON array (exec form).
EXEC_FORM_KEYWORDS = frozenset(
    {"ADD", "CMD", "COPY", "ENTRYPOINT", "HEALTHCHECK", "RUN", "SHELL", "VOLUME"}
)
HEREDOC_KEYWORDS = frozenset({"ADD", "COPY", "RUN"})

_DIRECTIVE = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*", re.ASCII)
_HEREDOC_WORD = re.compile(r"(\d*)<<(-?)([^<]*)")
_KEYWORD_END = re.compile(r"[\t\v\f\r ]+")
_QUOTING = re.compile(r"""\\(.)|["']""", re.DOTALL)


class Heredoc:
    """The body of a ``<<NAME`` word, with the line its first body line is on."""

    __slots__ = ("chomp", "content", "descriptor", "expand", "line", "name", "terminated")

    def __init__(self, name: str, *, chomp: bool, expand: bool, descriptor: int | None) -> None:
        self.name = name
        self.chomp = chomp  # `<<-`: leading tabs are dropped from every line
        self.expand = expand  # unquoted name: variables in the body are expanded
        self.descriptor = descriptor  # `3<<EOF`
        self.content = ""
        self.line = 0
        self.terminated = False

    def body_lines(self) -> list[str]:
        """The body's lines as the build sees them (leading tabs gone for ``<<-``)."""
        lines = self.content.splitlines()
        return [line.lstrip("\t") for line in lines] if self.chomp else lines

    def __repr__(self) -> str:
        return f"Heredoc({self.name!r}, line={self.line}, content={self.content!r})"


class Instruction:
    """One instruction: ``KEYWORD --flag=value arguments``.

    ``keyword`` is upper case; ``arguments`` is the text after the keyword
    and the flags with continuation lines joined and comment lines dropped;
    ``exec_form`` is the JSON array when the arguments are one (for
    HEALTHCHECK, the array after ``CMD``), else None; ``flags`` are as
    written, ``--from=build``; ``line``/``column`` locate the keyword
    (1-based), ``end_line`` is the last line it spans, heredoc bodies
    included; ``original`` is the joined instruction text; ``trigger`` is the
    instruction an ONBUILD holds.
    """

    __slots__ = (
        "arguments",
        "column",
        "end_line",
        "exec_form",
        "flags",
        "heredocs",
        "keyword",
        "line",
        "original",
        "trigger",
    )

    def __init__(
        self,
        keyword: str,
        arguments: str,
        *,
        flags: tuple[str, ...] = (),
        exec_form: list[str] | None = None,
        line: int = 1,
        column: int = 1,
        original: str = "",
    ) -> None:
        self.keyword = keyword
        self.arguments = arguments
        self.flags = flags
        self.exec_form = exec_form
        self.line = line
        self.column = column
        self.end_line = line
        self.original = original
        self.heredocs: list[Heredoc] = []
        self.trigger: Instruction | None = None

    @property
    def is_exec_form(self) -> bool:
        return self.exec_form is not None

    def flag(self, name: str) -> str | None:
        """The value of ``--name=value`` (the last one given), ``""`` for a
        bare ``--name``, None when absent."""
        option = "--" + name
        value = None
        for flag in self.flags:
            if flag == option:
                value = ""
            elif flag.startswith(option + "="):
                value = flag[len(option) + 1 :]
        return value

    def __repr__(self) -> str:
        return f"Instruction({self.keyword!r}, {self.arguments!r}, line={self.line})"


class Stage:
    """A build stage: its ``FROM`` and the instructions up to the next one."""

    __slots__ = ("image", "index", "instructions", "name", "platform")

    def __init__(self, index: int, from_instruction: Instruction) -> None:
        words = from_instruction.arguments.split()
        self.index = index
        self.image = words[0] if words else ""
        # BuildKit compares stage names without regard to case.
        self.name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
        self.platform = from_instruction.flag("platform")
        self.instructions = [from_instruction]

    @property
    def from_instruction(self) -> Instruction:
        return self.instructions[0]

    @property
    def line(self) -> int:
        return self.from_instruction.line

    def __repr__(self) -> str:
        return f"Stage({self.index}, {self.image!r}, name={self.name!r})"


class Dockerfile:
    """A parsed Dockerfile. ``warnings`` are ``(line, message)`` pairs for
    what BuildKit would reject or warn about."""

    __slots__ = ("directives", "escape", "instructions", "stages", "warnings")

    def __init__(self) -> None:
        self.directives: dict[str, str] = {}
        self.escape = DEFAULT_ESCAPE
        self.instructions: list[Instruction] = []
        self.stages: list[Stage] = []
        self.warnings: list[tuple[int, str]] = []

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    @property
    def global_instructions(self) -> list[Instruction]:
        """The instructions before the first ``FROM`` (global ``ARG``\\ s)."""
        first = self.stages[0].line if self.stages else None
        return [i for i in self.instructions if first is None or i.line < first]

    def stage(self, reference: str) -> Stage | None:
        """The stage a ``--from=`` or ``FROM`` names, by name or by index."""
        wanted = reference.lower()
        for stage in self.stages:
            if stage.name == wanted:
                return stage
        if wanted.isdigit() and int(wanted) < len(self.stages):
            return self.stages[int(wanted)]
        return None

    def base_stage(self, stage: Stage) -> Stage | None:
        """The earlier stage that ``stage`` builds on (``FROM build``), if any."""
        wanted = stage.image.lower()
        for earlier in self.stages[: stage.index]:
            if earlier.name == wanted:
                return earlier
        return None


def decode(data: bytes) -> str:
    """Text of a Dockerfile: UTF-16 when it starts with its BOM, else UTF-8;
    undecodable bytes become U+FFFD and a UTF-8 BOM is dropped."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    text = data.decode("utf-8", "replace")
    return text[1:] if text.startswith("\ufeff") else text


def parse(source: bytes | str) -> Dockerfile:
    """Parse a whole Dockerfile. Never raises."""
    text = decode(source) if isinstance(source, bytes) else source.lstrip("\ufeff")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the text ended with a line break
    lines = [line.rstrip("\r") for line in lines]
    result = Dockerfile()
    _read_directives(lines, result)
    _Parser(lines, result).run()
    result.stages = _stages(result.instructions)
    return result


def _read_directives(lines: Sequence[str], result: Dockerfile) -> None:
    """Directives: the leading ``# key=value`` lines with a known key."""
    for number, line in enumerate(lines, start=1):
        match = _DIRECTIVE.fullmatch(line.lstrip())
        if match is None:
            return
        key, value = match.group(1).lower(), match.group(2)
        if key not in DIRECTIVES:
            return
        if key in result.directives:
            result.warnings.append((number, f"only one {key} parser directive can be used"))
            continue
        result.directives[key] = value
        if key == "escape":
            if value in ("\\", "`"):
                result.escape = value
            else:
                result.warnings.append(
                    (number, f"invalid escape character {value!r}: must be ` or \\")
                )


class _Parser:
    """Walks the lines once, turning them into instructions."""

    def __init__(self, lines: list[str], result: Dockerfile) -> None:
        self.lines = lines
        self.result = result
        self.escape = result.escape
        self.next = 0  # index of the next unread line

    def warn(self, line: int, message: str) -> None:
        self.result.warnings.append((line, message))

    def run(self) -> None:
        lines = self.lines
        while self.next < len(lines):
            raw = lines[self.next]
            self.next += 1
            body = raw.lstrip()
            if not body or body.startswith("#"):
                continue
            start = self.next
            logical = self.join_continuation(body, start)
            instruction = _instruction(logical, start, len(raw) - len(body) + 1)
            if instruction is None:
                continue
            holder = instruction.trigger or instruction
            if (
                holder.keyword in HEREDOC_KEYWORDS
                and holder.exec_form is None
                and "<<" in holder.arguments
            ):
                holder.heredocs = self.read_heredocs(holder.arguments, start)
                instruction.heredocs = holder.heredocs
            instruction.end_line = self.next
            self.result.instructions.append(instruction)

    def join_continuation(self, first: str, start: int) -> str:
        """The instruction that starts with ``first``, continuation lines joined."""
        piece, more = _trim_continuation(first, self.escape)
        parts = [piece]
        blank_inside = False
        while more and self.next < len(self.lines):
            raw = self.lines[self.next]
            self.next += 1
            stripped = raw.lstrip()
            if stripped.startswith("#"):
                continue
            if not stripped:
                blank_inside = True
                continue
            piece, more = _trim_continuation(raw, self.escape)
            parts.append(piece)
        if blank_inside:
            self.warn(start, "empty continuation line (deprecated; a future BuildKit rejects it)")
        if more:
            self.warn(start, "the file ends inside a line continuation")
        return "".join(parts)

    def read_heredocs(self, arguments: str, start: int) -> list[Heredoc]:
        heredocs = _heredocs_in(arguments)
        for heredoc in heredocs:
            heredoc.line = self.next + 1
            body: list[str] = []
            while self.next < len(self.lines):
                raw = self.lines[self.next]
                self.next += 1
                candidate = raw.lstrip("\t") if heredoc.chomp else raw
                if candidate == heredoc.name:
                    heredoc.terminated = True
                    break
                body.append(raw + "\n")
            heredoc.content = "".join(body)
            if not heredoc.terminated:
                self.warn(start, f"unterminated heredoc <<{heredoc.name}")
        return heredocs


def _trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    """``line`` without a trailing escape character, and whether it had one.

    As in BuildKit, an escape character that is itself escaped (``\\\\``)
    does not continue the line.
    """
    trimmed = line.rstrip(" \t")
    if trimmed.endswith(escape) and (len(trimmed) == 1 or trimmed[-2] != escape):
        return trimmed[:-1], True
    return line, False


def _instruction(logical: str, line: int, column: int) -> Instruction | None:
    text = logical.strip()
    if not text:
        return None
    parts = _KEYWORD_END.split(text, maxsplit=1)
    keyword = parts[0].upper()
    flags, arguments = _split_flags(parts[1] if len(parts) > 1 else "")
    arguments = arguments.strip()
    instruction = Instruction(
        keyword, arguments, flags=flags, line=line, column=column, original=text
    )
    if keyword == "ONBUILD":
        instruction.trigger = _instruction(arguments, line, column)
    elif keyword == "HEALTHCHECK":
        words = arguments.split(None, 1)
        if len(words) == 2 and words[0].upper() == "CMD":
            instruction.exec_form = _exec_form(words[1])
    elif keyword in EXEC_FORM_KEYWORDS:
        instruction.exec_form = _exec_form(arguments)
    return instruction


def _split_flags(text: str) -> tuple[tuple[str, ...], str]:
    """Leading ``--flag`` words (quotes and backslashes resolved, as BuildKit
    does) and the rest of the text; a bare ``--`` ends the flags."""
    flags: list[str] = []
    position, size = 0, len(text)
    while True:
        while position < size and text[position].isspace():
            position += 1
        if not text.startswith("--", position):
            return tuple(flags), text[position:]
        word: list[str] = []
        quote = ""
        while position < size:
            char = text[position]
            position += 1
            if not quote and char.isspace():
                break
            if quote and char == quote:
                quote = ""
                continue
            if not quote and char in "'\"":
                quote = char
                continue
            if char == "\\":
                if position == size:
                    break  # a lone backslash at the end is dropped
                char = text[position]
                position += 1
            word.append(char)
        flag = "".join(word)
        if flag == "--":
            return tuple(flags), text[position:]
        flags.append(flag)


def _exec_form(arguments: str) -> list[str] | None:
    """The arguments as a JSON array of strings, or None (shell form)."""
    text = arguments.lstrip()
    if not text.startswith("["):
        return None
    import json

    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


def _heredocs_in(arguments: str) -> list[Heredoc]:
    """The heredocs that the words of a RUN, COPY or ADD open, in order."""
    heredocs = []
    for word in _raw_words(arguments):
        match = _HEREDOC_WORD.fullmatch(word)
        if match is None or not match.group(3):
            continue
        quoted = match.group(3)
        name = _QUOTING.sub(lambda m: m.group(1) or "", quoted)
        if not name or any(char.isspace() for char in name):
            continue
        heredocs.append(
            Heredoc(
                name,
                chomp=match.group(2) == "-",
                expand=name == quoted,
                descriptor=int(match.group(1)) if match.group(1) else None,
            )
        )
    return heredocs


def _raw_words(text: str) -> list[str]:
    """Shell words of ``text``, quotes and backslashes kept as written."""
    words: list[str] = []
    word: list[str] = []
    quote = ""
    position, size = 0, len(text)
    while position < size:
        char = text[position]
        position += 1
        if not quote and char.isspace():
            if word:
                words.append("".join(word))
                word = []
            continue
        word.append(char)
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"' and position < size:
                word.append(text[position])
                position += 1
        elif char in "'\"":
            quote = char
        elif char == "\\" and position < size:
            word.append(text[position])
            position += 1
    if word:
        words.append("".join(word))
    return words


def _stages(instructions: Sequence[Instruction]) -> list[Stage]:
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            stages.append(Stage(len(stages), instruction))
        elif stages:
            stages[-1].instructions.append(instruction)
    return stages


def normalized(instruction: Instruction) -> str:
    """The instruction as a canonical string, for comparing Dockerfiles.

    Keyword case, flag order, whitespace (continuations included) and
    exec-form spacing do not matter; quoting and heredoc bodies do (trailing
    whitespace aside).
    """
    parts = [instruction.keyword, *sorted(instruction.flags)]
    if instruction.trigger is not None:
        parts.append(normalized(instruction.trigger))
    elif instruction.exec_form is not None:
        import json

        if instruction.keyword == "HEALTHCHECK":
            parts.append("CMD")
        parts.append(json.dumps(instruction.exec_form, ensure_ascii=False))
    elif instruction.keyword == "FROM":
        words = instruction.arguments.split()
        if len(words) >= 3 and words[1].lower() == "as":
            words[1:3] = ["AS", words[2].lower()]
        parts.extend(words)
    else:
        parts.extend(instruction.arguments.split())
    text = " ".join(parts)
    if instruction.trigger is not None:
        return text  # the trigger carries the heredocs
    for heredoc in instruction.heredocs:
        body = "\n".join(line.rstrip() for line in heredoc.body_lines())
        text += f"\n<<{heredoc.name}\n{body}\n{heredoc.name}"
    return text


def normalized_instructions(dockerfile: Dockerfile) -> tuple[str, ...]:
    """Every instruction of ``dockerfile`` as :func:`normalized` renders it."""
    return tuple(normalized(instruction) for instruction in dockerfile.instructions)
