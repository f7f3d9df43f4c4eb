"""Dockerfiles read the way BuildKit reads them, without ever raising.

The rules follow moby/buildkit's ``frontend/dockerfile/parser`` as of
BuildKit 0.22 (Dockerfile syntax 1.16):

- lines end at ``\\n`` only (a ``\\r`` before it is dropped); a line may hold
  65,535 bytes at most;
- parser directives (``# syntax=``, ``# escape=``, ``# check=``) count only
  before anything else, blank lines and other comments included;
- a comment is a line whose first non-blank character is ``#``, also between
  continuation lines; ``#`` later in a line is an argument like any other;
- the escape character (``\\``, or a backtick after ``# escape=```) ending a
  line continues the instruction, and it is the escape character of flags
  too; blank lines inside a continuation are skipped; continuation lines keep
  their leading whitespace;
- RUN, COPY and ADD in shell form (also as ONBUILD triggers) may open
  heredocs: ``<<EOF``, ``<< EOF``, ``<<-EOT``, ``3<<"one two"``, several per
  line; each takes the lines up to its terminator, after the instruction's
  own lines. Shell words are split as BuildKit's lexer splits them, so a
  quoted ``'<<EOF'`` opens nothing, and neither does any ``<<`` on a line
  whose quotes do not balance;
- exec form is a JSON array of strings; anything else that is not valid JSON
  is shell form.

Where BuildKit would stop with an error (a repeated directive, an invalid
escape character, an unterminated heredoc, a JSON array holding a
non-string, ``ENV a=b c``, chained ONBUILD, an over-long line, a file with
no instructions) this parser keeps going and records a warning instead, so
that a hook can say what is wrong rather than crash. Bad bytes are replaced,
a BOM (UTF-8 or UTF-16) is honoured.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

DEFAULT_ESCAPE = "\\"
DIRECTIVES = frozenset({"syntax", "escape", "check"})
# Instructions whose arguments may be a JSON array (exec form).
EXEC_FORM_KEYWORDS = frozenset(
    {"ADD", "CMD", "COPY", "ENTRYPOINT", "HEALTHCHECK", "RUN", "SHELL", "VOLUME"}
)
HEREDOC_KEYWORDS = frozenset({"ADD", "COPY", "RUN"})
# BuildKit reads lines with bufio.Scanner's default buffer: a longer line stops it.
MAX_LINE_BYTES = 65_535

# Go's unicode.IsSpace, which BuildKit trims and splits with. (str.isspace()
# also accepts U+001C..U+001F, which Go does not.)
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
# `\s` in Go's regexp package: no \v, nothing beyond ASCII.
_REGEX_SPACE = "\t\n\f\r "
# unicode.IsSpace applied to single bytes, as BuildKit's flag parser does.
_BYTE_SPACE = "\t\n\v\f\r \x85\xa0"
# A run of each kind of blank, to skip it without copying (an empty run matches).
_RUNS = {chars: re.compile(f"[{re.escape(chars)}]*") for chars in (_REGEX_SPACE, _BYTE_SPACE)}
_SHELL_ESCAPE = "\\"  # heredoc words are lexed with a backslash, whatever `# escape=` says
_MAX_NESTING = 64  # `${a:-${b:-...}}` deeper than this is taken for a lexing error

# What the lexer treats one character at a time; anything else comes in runs.
_LEXER_SPECIAL = "$'\"<\\}/"
_PLAIN_RUN = re.compile("[^" + re.escape(_LEXER_SPECIAL) + "]+")
_KEYWORD_END = re.compile(r"[\t\v\f\r ]+")
_GO_SPACES = re.compile("[" + re.escape(GO_SPACE) + "]+")
_DIRECTIVE_KEY = re.compile(r"[a-zA-Z][a-zA-Z0-9]*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_UPPER = {code: code - 32 for code in range(ord("a"), ord("z") + 1)}
_DIGITS = "0123456789"
_NOT_STRINGS = "when using JSON array syntax, arrays must be comprised of strings only"


class ParseWarning(NamedTuple):
    """Something BuildKit rejects or warns about, at a 1-based line."""

    line: int
    message: str


class Heredoc:
    """The body of a ``<<NAME`` word, with the line its first body line is on.

    ``content`` is the body as BuildKit keeps it: every line with its line
    end (``\\r\\n`` included), leading tabs not yet dropped for ``<<-``.
    """

    __slots__ = ("chomp", "content", "descriptor", "expand", "line", "name", "terminated")

    def __init__(self, name: str, *, chomp: bool, expand: bool, descriptor: int | None) -> None:
        self.name = name
        self.chomp = chomp  # `<<-`: leading tabs are dropped from every line
        self.expand = expand  # no quote in the name: variables in the body are expanded
        self.descriptor = descriptor  # `3<<EOF`
        self.content = ""
        self.line = 0
        self.terminated = False

    def body_lines(self) -> list[str]:
        """The body's lines as the build sees them (leading tabs gone for ``<<-``).

        Split on ``\\n`` alone, as BuildKit does: a form feed, U+0085 or
        U+2028 inside a line is part of it.
        """
        lines = self.content.split("\n")
        if lines[-1] == "":
            lines.pop()
        return [line.lstrip("\t") for line in lines] if self.chomp else lines

    def __repr__(self) -> str:
        return f"Heredoc({self.name!r}, line={self.line}, content={self.content!r})"


class Instruction:
    """One instruction: ``KEYWORD --flag=value arguments``.

    ``keyword`` is upper case; ``arguments`` is the text after the keyword
    and the flags with continuation lines joined and comment lines dropped;
    ``exec_form`` is the JSON array when the arguments are one (for
    HEALTHCHECK, the array after ``CMD``), else None; ``flags`` are as
    BuildKit reads them, quotes and escapes resolved: ``--from=build``;
    ``line``/``column`` locate the keyword (1-based), ``end_line`` is the
    last line it spans, heredoc bodies included; ``original`` is the joined
    instruction text; ``trigger`` is the instruction an ONBUILD holds.
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
        words = _fields(from_instruction.arguments)
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
    """A parsed Dockerfile. ``warnings`` are :class:`ParseWarning` ``(line,
    message)`` pairs, in line order, for what BuildKit would reject or warn
    about."""

    __slots__ = ("directives", "escape", "instructions", "stages", "warnings")

    def __init__(self) -> None:
        self.directives: dict[str, str] = {}
        self.escape = DEFAULT_ESCAPE
        self.instructions: list[Instruction] = []
        self.stages: list[Stage] = []
        self.warnings: list[ParseWarning] = []

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
        # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
        if wanted.isascii() and wanted.isdigit():
            digits = wanted.lstrip("0") or "0"
            # Bounded length: int() refuses (and is slow on) thousands of digits.
            if len(digits) <= len(str(len(self.stages))) and int(digits) < len(self.stages):
                return self.stages[int(digits)]
        return None

    def base_stage(self, stage: Stage) -> Stage | None:
        """The earlier stage that ``stage`` builds on (``FROM build``), if any."""
        wanted = stage.image.lower()
        for earlier in self.stages[: stage.index]:
            if earlier.name == wanted:
                return earlier
        return None


def decode(data: bytes | bytearray | memoryview) -> str:
    """Text of a Dockerfile: UTF-16 when it starts with its BOM, else UTF-8;
    undecodable bytes become U+FFFD and a UTF-8 BOM is dropped."""
    raw = data if isinstance(data, bytes) else memoryview(data).tobytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", "replace")
    text = raw.decode("utf-8", "replace")
    return text[1:] if text.startswith("\ufeff") else text


def parse(source: bytes | bytearray | memoryview | str) -> Dockerfile:
    """Parse a whole Dockerfile. Never raises."""
    text = _source_text(source)
    lines = text.split("\n")
    final_newline = lines[-1] == ""
    if final_newline:
        lines.pop()  # the text ended with a line break (or was empty)
    result = Dockerfile()
    for number in _long_lines(lines):
        result.warnings.append(
            ParseWarning(number, f"line longer than {MAX_LINE_BYTES} bytes: BuildKit stops here")
        )
    _read_directives(lines, result)
    _Parser(lines, result, final_newline=final_newline).run()
    result.stages = _stages(result.instructions)
    if not result.instructions:
        result.warnings.append(ParseWarning(1, "file with no instructions"))
    result.warnings.sort(key=lambda warning: warning.line)
    return result


def _source_text(source: bytes | bytearray | memoryview | str) -> str:
    if not isinstance(source, str):
        return decode(source)
    # Text BuildKit could be given holds no lone surrogates: written out
    # (surrogatepass) each is three bytes of invalid UTF-8, read as three U+FFFD.
    text = _SURROGATE.sub("\ufffd" * 3, source)
    return text[1:] if text.startswith("\ufeff") else text


def _long_lines(lines: Sequence[str]) -> Iterator[int]:
    """Numbers of the lines over BuildKit's limit (``\\r`` counts, as there)."""
    for number, line in enumerate(lines, start=1):
        # A character is at most 4 bytes: most lines need no encoding.
        if len(line) > MAX_LINE_BYTES // 4 and len(line.encode("utf-8")) > MAX_LINE_BYTES:
            yield number


def _read_directives(lines: Sequence[str], result: Dockerfile) -> None:
    """Directives: the leading ``# key=value`` lines with a known key."""
    for number, line in enumerate(lines, start=1):
        directive = _directive(line.rstrip("\r").lstrip(GO_SPACE))
        if directive is None or directive[0] not in DIRECTIVES:
            return
        key, value = directive
        if key in result.directives:
            result.warnings.append(
                ParseWarning(number, f"only one {key} parser directive can be used")
            )
            continue
        result.directives[key] = value
        if key == "escape":
            if value in ("\\", "`"):
                result.escape = value
            else:
                result.warnings.append(
                    ParseWarning(number, f"invalid escape character {value!r}: must be ` or \\")
                )


def _directive(line: str) -> tuple[str, str] | None:
    """``(key, value)`` of a ``#key=value`` line, matched as BuildKit's
    ``^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$`` does, in linear time
    (that expression run by Python's backtracking engine is quadratic on a
    line padded with blanks)."""
    if not line.startswith("#"):
        return None
    key = _DIRECTIVE_KEY.match(line, _skip(line, 1, _REGEX_SPACE))
    if key is None:
        return None
    position = _skip(line, key.end(), _REGEX_SPACE)
    if not line.startswith("=", position):
        return None
    rest = line[position + 1 :]
    value = rest.strip(_REGEX_SPACE)
    if not value and rest:
        value = rest[-1]  # `.+?` needs a character: a run of blanks leaves its last
    return (key.group().lower(), value) if value else None


def _skip(text: str, position: int, chars: str) -> int:
    """The first position at or after ``position`` not in ``chars`` (matched
    in place: a copy of the rest of the line per flag would be quadratic)."""
    return _RUNS[chars].match(text, position).end()  # type: ignore[union-attr]


class _Parser:
    """Walks the lines once, turning them into instructions."""

    def __init__(self, lines: list[str], result: Dockerfile, *, final_newline: bool) -> None:
        self.lines = lines
        self.result = result
        self.escape = result.escape
        self.final_newline = final_newline
        self.next = 0  # index of the next unread line

    def warn(self, line: int, message: str) -> None:
        self.result.warnings.append(ParseWarning(line, message))

    def run(self) -> None:
        lines = self.lines
        while self.next < len(lines):
            raw = lines[self.next].rstrip("\r")
            self.next += 1
            start = self.next
            body = raw.lstrip(GO_SPACE)
            if body.startswith("#"):
                continue
            piece, more = _trim_continuation(body, self.escape)
            if not piece and not more:
                continue
            logical = self.join_continuation(piece, more, start)
            instruction = self.instruction(logical, start, len(raw) - len(body) + 1)
            if instruction is None:
                continue
            holder = instruction.trigger or instruction
            if holder.keyword in HEREDOC_KEYWORDS and holder.exec_form is None and "<<" in logical:
                holder.heredocs = self.read_heredocs(_heredocs_in(logical), start)
                instruction.heredocs = holder.heredocs
            instruction.end_line = self.next
            self.result.instructions.append(instruction)

    def join_continuation(self, piece: str, more: bool, start: int) -> str:
        """The instruction whose first line gave ``piece``, continuation lines joined."""
        parts = [piece]
        blank_inside = False
        while more and self.next < len(self.lines):
            raw = self.lines[self.next].rstrip("\r")
            self.next += 1
            stripped = raw.lstrip(GO_SPACE)
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
            # BuildKit accepts this, but a file cut short is the likely cause.
            self.warn(start, "the file ends inside a line continuation")
        return "".join(parts)

    def instruction(
        self, logical: str, line: int, column: int, *, trigger: bool = False
    ) -> Instruction | None:
        """``logical`` split as BuildKit's splitCommand does, then checked."""
        text = logical.strip(GO_SPACE)
        if not text:
            return None
        parts = _KEYWORD_END.split(text, maxsplit=1)
        flags, arguments = _split_flags(parts[1] if len(parts) > 1 else "", self.escape)
        instruction = Instruction(
            _upper(parts[0]),
            arguments.strip(GO_SPACE),
            flags=flags,
            line=line,
            column=column,
            original=text,
        )
        self.dispatch(instruction, trigger=trigger)
        return instruction

    def dispatch(self, instruction: Instruction, *, trigger: bool) -> None:
        """Read the arguments the way the keyword's BuildKit line parser does."""
        keyword, arguments = instruction.keyword, instruction.arguments
        if keyword == "ONBUILD":
            if not trigger:  # a chained ONBUILD is not read deeper (BuildKit refuses it)
                self.onbuild(instruction)
        elif keyword == "HEALTHCHECK":
            parts = _GO_SPACES.split(arguments, maxsplit=1)
            command = self.json_array(parts[1] if len(parts) > 1 else "", instruction.line)
            if parts[0].upper() == "CMD":
                instruction.exec_form = command
        elif keyword in EXEC_FORM_KEYWORDS:
            instruction.exec_form = self.json_array(arguments, instruction.line)
        elif keyword in ("ENV", "LABEL"):
            problem = _name_value_problem(keyword, arguments, self.escape)
            if problem is not None:
                self.warn(instruction.line, problem)

    def onbuild(self, instruction: Instruction) -> None:
        held = self.instruction(
            instruction.arguments, instruction.line, instruction.column, trigger=True
        )
        instruction.trigger = held
        if held is None:
            return
        if held.keyword == "ONBUILD":
            self.warn(instruction.line, "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        elif held.keyword in ("FROM", "MAINTAINER"):
            self.warn(instruction.line, f"{held.keyword} isn't allowed as an ONBUILD trigger")

    def json_array(self, text: str, line: int) -> list[str] | None:
        value, not_strings = _exec_form(text)
        if not_strings:
            self.warn(line, _NOT_STRINGS)
        return value

    def read_heredocs(self, heredocs: list[Heredoc], start: int) -> list[Heredoc]:
        for heredoc in heredocs:
            heredoc.line = self.next + 1
            body: list[str] = []
            while self.next < len(self.lines):
                raw = self.lines[self.next]
                self.next += 1
                candidate = raw.rstrip("\r")
                if heredoc.chomp:
                    candidate = candidate.lstrip("\t")
                if candidate == heredoc.name:
                    heredoc.terminated = True
                    break
                body.append(raw)
            heredoc.content = "".join(line + "\n" for line in body)
            if not heredoc.terminated:
                if body and not self.final_newline:
                    heredoc.content = heredoc.content[:-1]  # the file's last line has no end
                self.warn(start, f"unterminated heredoc <<{heredoc.name}")
        return heredocs


def _upper(keyword: str) -> str:
    """ASCII upper case: BuildKit's keywords are ASCII, and ``str.upper()``
    maps a dotless i (U+0131) to ``I``."""
    return keyword.upper() if keyword.isascii() else keyword.translate(_ASCII_UPPER)


def _fields(text: str) -> list[str]:
    """Words as BuildKit's whitespace-delimited arguments (FROM, EXPOSE) split."""
    return [word for word in _KEYWORD_END.split(text) if word]


def _trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    """``line`` without a trailing escape character, and whether it had one.

    As in BuildKit, an escape character that is itself escaped (``\\\\``)
    does not continue the line.
    """
    trimmed = line.rstrip(" \t")
    if trimmed.endswith(escape) and (len(trimmed) == 1 or trimmed[-2] != escape):
        return trimmed[:-1], True
    return line, False


def _split_flags(text: str, escape: str) -> tuple[tuple[str, ...], str]:
    """Leading ``--flag`` words (quotes and escapes resolved, as BuildKit
    does) and the rest of the text; a bare ``--`` ends the flags.

    BuildKit walks this part byte by byte, so a UTF-8 byte 0x85 or 0xA0
    separates words and a flag's other bytes come out as Latin-1
    characters; working on the Latin-1 view of the UTF-8 bytes gives the same.
    """
    if "--" not in text:
        return (), text
    view = text.encode("utf-8").decode("latin-1")
    flags, position = _flag_words(view, escape)
    return tuple(flags), view[position:].encode("latin-1").decode("utf-8", "replace")


def _flag_words(view: str, escape: str) -> tuple[list[str], int]:
    """The flags at the start of ``view`` and the position after them."""
    flags: list[str] = []
    position, size = 0, len(view)
    while True:
        position = _skip(view, position, _BYTE_SPACE)
        if not view.startswith("--", position):
            return flags, position
        word: list[str] = []
        quote = ""
        while position < size:
            char = view[position]
            position += 1
            if quote and char == quote:
                quote = ""
                continue
            if not quote and char in _BYTE_SPACE:
                break
            if not quote and char in "'\"":
                quote = char
                continue
            if char == escape:
                if position == size:
                    break  # a lone escape character at the end is dropped
                char = view[position]
                position += 1
            word.append(char)
        flag = "".join(word)
        if flag == "--":
            return flags, position
        flags.append(flag)


def _exec_form(arguments: str) -> tuple[list[str] | None, bool]:
    """The arguments as a JSON array of strings (else None: shell form), and
    whether they are a JSON array holding something else (BuildKit refuses
    that). JSON is read as Go's encoding/json reads it: no NaN or Infinity,
    no number beyond float64, lone surrogate escapes become U+FFFD."""
    text = arguments.lstrip(GO_SPACE)
    if not text.startswith("["):
        return None, False
    import json

    try:
        value = json.loads(
            text, parse_constant=_not_json, parse_float=_go_number, parse_int=_go_number
        )
    except (ValueError, RecursionError):
        return None, False
    if not isinstance(value, list):
        return None, False
    if all(isinstance(item, str) for item in value):
        return [_SURROGATE.sub("\ufffd", item) for item in value], False
    return None, True


def _not_json(constant: str) -> float:
    raise ValueError(f"{constant} is not JSON")


def _go_number(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise ValueError(f"{text} overflows a float64")
    return number


def _name_value_problem(keyword: str, arguments: str, escape: str) -> str | None:
    """What BuildKit's ENV/LABEL parser refuses: ``ENV a=b c`` (a word
    without ``=`` after a ``name=value`` one) and ``ENV a`` (the old
    ``name value`` form with no value)."""
    words = _name_value_words(arguments, escape)
    if not words:
        return None
    if "=" not in words[0]:
        if len(_KEYWORD_END.split(arguments, maxsplit=1)) < 2:
            return f"{keyword} must have two arguments"
        return None
    for word in words:
        if "=" not in word:
            import json  # for Go's %q quoting

            quoted = json.dumps(word, ensure_ascii=False)
            return f"syntax error - can't find = in {quoted}. Must be of the form: name=value"
    return None


def _name_value_words(text: str, escape: str) -> list[str]:
    """Words of ENV/LABEL arguments, quotes and escape characters kept."""
    words: list[str] = []
    word: list[str] = []
    quote = ""
    started = False  # a quote makes even an empty word count
    position, size = 0, len(text)
    while position < size:
        char = text[position]
        position += 1
        if not quote and char in GO_SPACE:
            if started or word:
                words.append("".join(word))
            word, started = [], False
            continue
        if quote and char == quote:
            quote = ""
        elif not quote and char in "'\"":
            quote, started = char, True
        elif char == escape and quote != "'":
            if position == size:
                break  # an escape character at the end is dropped
            word.append(char)
            char = text[position]
            position += 1
        word.append(char)
    if started or word:
        words.append("".join(word))
    return words


def _heredocs_in(line: str) -> list[Heredoc]:
    """The heredocs that the shell words of a RUN, COPY or ADD line open, in order."""
    words = _Lexer(line, raw_quotes=True, raw_escapes=True).words()
    heredocs = []
    for word in words or ():
        heredoc = _heredoc_word(word)
        if heredoc is not None:
            heredocs.append(heredoc)
    return heredocs


def _heredoc_word(word: str) -> Heredoc | None:
    """The heredoc a word opens, matched as BuildKit's
    ``^(\\d*)<<(-?)\\s*([^<]*)$`` does, or None."""
    digits = len(word) - len(word.lstrip(_DIGITS))
    if not word.startswith("<<", digits):
        return None
    position = digits + 2
    chomp = word.startswith("-", position)
    rest = word[position + 1 if chomp else position :].lstrip(_REGEX_SPACE)
    if not rest or "<" in rest:
        return None
    name = _heredoc_name(rest)
    if name is None:
        return None
    return Heredoc(name[0], chomp=chomp, expand=name[1], descriptor=_descriptor(word[:digits]))


def _heredoc_name(text: str) -> tuple[str, bool] | None:
    """The terminator ``text`` names and whether the body is expanded, or
    None unless ``text`` is one shell word."""
    if _PLAIN_RUN.fullmatch(text) and not _GO_SPACES.search(text):
        return text, True  # nothing to lex: the usual EOF
    # Lexed twice, quotes removed and kept: a quote that worked as one shows
    # in the second only, and any such quote turns expansion off.
    plain = _Lexer(text, raw_quotes=False, raw_escapes=False).words()
    kept = _Lexer(text, raw_quotes=True, raw_escapes=False).words()
    if plain is None or kept is None or len(plain) != 1 or len(kept) != 1:
        return None
    return plain[0], _quote_count(plain[0]) == _quote_count(kept[0])


def _quote_count(word: str) -> int:
    return word.count("'") + word.count('"')


def _descriptor(digits: str) -> int | None:
    if not digits:
        return None
    # Go's ParseUint gives its largest value on overflow; int() would refuse 5,000 digits.
    return int(digits) if len(digits) <= 19 else 2**64 - 1


class _LexError(Exception):
    """Unbalanced quotes or a broken ``${...}``: BuildKit's lexer fails, and
    the line then opens no heredoc."""


class _Words:
    """Shell words as BuildKit's lexer collects them."""

    __slots__ = ("pieces", "size", "started", "words")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.pieces: list[str] = []
        self.size = 0
        self.started = False

    def add_char(self, char: str) -> None:
        """A character as written: a blank ends the word."""
        if char not in GO_SPACE:
            self.add_raw(char)
        elif self.started and self.size:
            self.finish()

    def add_raw(self, text: str) -> None:
        """Text that belongs to the word whatever it holds (quoted text)."""
        self.pieces.append(text)
        self.size += len(text)
        self.started = True

    def add_text(self, text: str) -> None:
        for char in text:
            self.add_char(char)

    def add_plain(self, run: str) -> None:
        """Unquoted, unescaped text: what ``add_char`` on each character does."""
        for index, part in enumerate(_GO_SPACES.split(run)):
            if index and self.started and self.size:
                self.finish()  # a run of blanks came before this part
            if part:
                self.add_raw(part)

    def finish(self) -> list[str]:
        if self.size:
            self.words.append("".join(self.pieces))
        self.pieces, self.size, self.started = [], 0, False
        return self.words


class _Lexer:
    """BuildKit's shell lexer (``frontend/dockerfile/shell``) configured as
    its heredoc detection configures it: backslash escapes, no variable set
    (``$NAME`` stays as written), and ``<<`` swallowing the blanks after it
    so that ``<< EOF`` is one word. ``raw_quotes``/``raw_escapes`` keep
    quotes/escape characters in the words."""

    def __init__(self, text: str, *, raw_quotes: bool, raw_escapes: bool) -> None:
        self.text = text
        self.position = 0
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.depth = 0

    def words(self) -> list[str] | None:
        """The words, or None when the lexer fails."""
        try:
            return self.until("", raw_escapes=self.raw_escapes)[1]
        except _LexError:
            return None

    def peek(self) -> str:
        return self.text[self.position] if self.position < len(self.text) else ""

    def take(self) -> str:
        char = self.peek()
        self.position += len(char)
        return char

    def until(self, stop: str, *, raw_escapes: bool) -> tuple[str, list[str]]:
        """Text and words up to ``stop`` (consumed) or the end (``stop=""``)."""
        self.depth += 1
        saved, self.raw_escapes = self.raw_escapes, raw_escapes
        try:
            if self.depth > _MAX_NESTING:
                raise _LexError("nested too deep")
            return self._until(stop)
        finally:
            self.raw_escapes = saved
            self.depth -= 1

    def _until(self, stop: str) -> tuple[str, list[str]]:
        result: list[str] = []
        words = _Words()
        while True:
            char = self.peek()
            if stop and char == stop:
                self.take()
                return "".join(result), words.finish()
            if not char or not self.step(char, result, words):
                break
        if stop:
            raise _LexError(f"no closing {stop}")
        return "".join(result), words.finish()

    def step(self, char: str, result: list[str], words: _Words) -> bool:
        """Read what starts with ``char``; False when the text ends in an escape."""
        plain = _PLAIN_RUN.match(self.text, self.position)
        if plain is not None:  # the common case: a run of ordinary characters
            self.position = plain.end()
            result.append(plain.group())
            words.add_plain(plain.group())
            return True
        if char in "$'\"<":
            piece = self.special(char)
            result.append(piece)
            if char == "$":
                words.add_text(piece)  # an expansion is split into words
            else:
                words.add_raw(piece)
            return True
        self.take()
        if char == _SHELL_ESCAPE:
            return self.escaped(result, words)
        words.add_char(char)
        result.append(char)
        return True

    def escaped(self, result: list[str], words: _Words) -> bool:
        """The character after an escape, taken literally."""
        if self.raw_escapes:
            words.add_raw(_SHELL_ESCAPE)
            result.append(_SHELL_ESCAPE)
        char = self.take()
        if not char:
            return False
        words.add_raw(char)
        result.append(char)
        return True

    def special(self, char: str) -> str:
        if char == "$":
            return self.dollar()
        if char == "'":
            return self.single_quoted()
        if char == '"':
            return self.double_quoted()
        return self.angle()

    def single_quoted(self) -> str:
        end = self.text.find("'", self.position + 1)
        if end < 0:
            raise _LexError("unterminated single quote")
        inside = self.text[self.position + 1 : end]
        self.position = end + 1
        return f"'{inside}'" if self.raw_quotes else inside

    def double_quoted(self) -> str:
        self.take()
        out = ['"'] if self.raw_quotes else []
        while True:
            char = self.peek()
            if not char:
                raise _LexError("unterminated double quote")
            if char == '"':
                self.take()
                if self.raw_quotes:
                    out.append(char)
                return "".join(out)
            if char == "$":
                out.append(self.dollar())
                continue
            self.take()
            if char == _SHELL_ESCAPE:
                if self.raw_escapes:
                    out.append(char)
                following = self.peek()
                if not following:
                    continue  # the loop then reports the missing quote
                if following in ('"', "$", _SHELL_ESCAPE):
                    char = self.take()
            out.append(char)

    def dollar(self) -> str:
        """``$NAME`` or ``${...}``, as written (no variable is set)."""
        self.take()
        if self.peek() != "{":
            return "$" + self.name()
        self.take()
        if self.peek() in ("", "{", "}", ":"):
            raise _LexError("bad substitution")
        name = self.name()
        char = self.take()
        if char == "}":
            return "${" + name + "}"
        if char == ":" or (char and char in "+-?#%"):
            modifier = char
            if char == ":":  # `${a:-b}`, but also `${a:x}`: whatever follows is the operator
                char = self.take()
                modifier += char
            word = self.until("}", raw_escapes=char in ("#", "%"))[0]
            return "${" + name + modifier + word + "}"
        if char == "/":
            if self.peek() == "/":
                self.take()
            pattern = self.until("/", raw_escapes=True)[0]
            replacement = self.until("}", raw_escapes=True)[0]
            return "${" + name + "/" + pattern + "/" + replacement + "}"
        raise _LexError("unsupported modifier")

    def name(self) -> str:
        start = self.position
        char = self.peek()
        if char.isdecimal():
            while self.peek().isdecimal():
                self.take()
        elif char and char in "@*#?-$!0":
            self.take()
        else:
            while char and (char.isalpha() or char.isdecimal() or char == "_"):
                self.take()
                char = self.peek()
        return self.text[start : self.position]

    def angle(self) -> str:
        """``<``, or ``<<`` with the blanks that follow it."""
        self.take()
        if self.peek() != "<":
            return "<"
        self.take()
        start = self.position
        while self.peek() and self.peek() in GO_SPACE:
            self.take()
        return "<<" + self.text[start : self.position]


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
        parts.append(normalized(instruction.trigger))  # at most one level deep
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
