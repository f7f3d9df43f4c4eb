"""BuildKit's variable expansion, without guessing what is not known.

The Dockerfile frontend expands the arguments of FROM, ARG, ENV, WORKDIR,
USER, COPY and ADD (not RUN, CMD, ENTRYPOINT or HEALTHCHECK, which a shell
may expand at run time) with its shell lexer, moby/buildkit
``frontend/dockerfile/shell/lex.go`` (``ProcessWord``). This is that lexer:

- quotes are removed: ``'...'`` is literal, ``"..."`` expands ``$`` and lets
  the escape character escape ``"``, ``$`` and itself only; the escape
  character (``\\``, or the backtick of ``# escape=```) takes the next
  character literally, and is dropped at the end of the word;
- ``$V`` and ``${V}``; ``${V:-w}`` / ``${V-w}`` (``w`` when V is unset, or
  empty with ``:``); ``${V:+w}`` / ``${V+w}``; ``${V:?m}`` / ``${V?m}``
  (an error); ``${V#p}``, ``${V##p}``, ``${V%p}``, ``${V%%p}`` (shortest /
  longest prefix or suffix matching a shell pattern of ``*`` and ``?``);
  ``${V/p/r}`` and ``${V//p/r}``; ``$1`` and the special parameters
  (``$@``, ``$*``, ``$#``, ...) are never set;
- an unset variable gives ``""``, as in BuildKit.

The one difference: the environment here may be only partly known (a base
image whose environment is not known, an ``ARG`` with no default and no
value given). A word whose result depends on such a variable expands to
None, never to a guess. What BuildKit refuses (``${}``, an unterminated
quote, ``${V?message}``) raises :class:`ExpansionError` with BuildKit's
message.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

# What makes a word need the lexer at all; any other word expands to itself.
_SPECIAL = re.compile(r"[$'\"\\`]")
_SPECIAL_PARAMETERS = "@*#?-$!0"
# BuildKit has no limit; Python's stack has one. Deeper than this is refused.
_MAX_NESTING = 64


class ExpansionError(ValueError):
    """A word BuildKit refuses to expand; the message is BuildKit's."""


class _NotKnown(Exception):
    """The result depends on a value the model does not know."""


def is_literal(word: str) -> bool:
    """Whether ``word`` expands to itself, whatever the variables: it holds
    no ``$``, quote or escape character (a backslash or a backtick)."""
    return _SPECIAL.search(word) is None


def expand(
    word: str,
    values: Mapping[str, str | None],
    *,
    complete: bool = True,
    escape: str = "\\",
    process_quotes: bool = True,
) -> str | None:
    """``word`` with its variables replaced, as BuildKit's ``ProcessWord``.

    ``values`` maps the variables in scope to their values (None: set, to a
    value not known); ``complete`` says whether a name missing from it is
    surely unset (else its value is not known). None when the result is not
    known. ``process_quotes=False`` expands as BuildKit expands a heredoc
    body: quotes are kept, and the escape character is a backslash.
    """
    if is_literal(word):
        return word
    lexer = _Lexer(word, values, complete, escape, process_quotes)
    try:
        return lexer.until("", raw_escapes=False)
    except _NotKnown:
        return None


class _Lexer:
    """One word being expanded; ``position`` moves as BuildKit's scanner does."""

    def __init__(
        self,
        text: str,
        values: Mapping[str, str | None],
        complete: bool,
        escape: str,
        process_quotes: bool,
    ) -> None:
        self.text = text
        self.position = 0
        self.values = values
        self.complete = complete
        self.escape = escape if process_quotes else "\\"
        self.quotes = process_quotes
        self.raw_escapes = False
        self.depth = 0

    def peek(self) -> str:
        return self.text[self.position] if self.position < len(self.text) else ""

    def take(self) -> str:
        char = self.peek()
        self.position += len(char)
        return char

    def until(self, stop: str, *, raw_escapes: bool) -> str:
        """The expansion up to ``stop`` (consumed), or to the end for ``""``."""
        saved, self.raw_escapes = self.raw_escapes, raw_escapes
        self.depth += 1
        try:
            if self.depth > _MAX_NESTING:
                raise ExpansionError("substitutions nested too deep")
            return self._until(stop)
        finally:
            self.raw_escapes = saved
            self.depth -= 1

    def _until(self, stop: str) -> str:
        out: list[str] = []
        while self.position < len(self.text):
            char = self.text[self.position]
            if stop and char == stop:
                self.position += 1
                return "".join(out)
            if char == "$":
                out.append(self.dollar())
            elif self.quotes and char == "'":
                out.append(self.single_quoted())
            elif self.quotes and char == '"':
                out.append(self.double_quoted())
            elif not self.escaped(char, out):
                break
        if stop:
            raise ExpansionError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(out)

    def escaped(self, char: str, out: list[str]) -> bool:
        """A plain character, or the escape character and the one it
        escapes; False when the word ends in the escape character."""
        self.position += 1
        if char == self.escape:
            if self.raw_escapes:
                out.append(char)
            char = self.take()
            if not char:
                return False
        out.append(char)
        return True

    def single_quoted(self) -> str:
        end = self.text.find("'", self.position + 1)
        if end < 0:
            raise ExpansionError(
                "unexpected end of statement while looking for matching single-quote"
            )
        inside = self.text[self.position + 1 : end]
        self.position = end + 1
        return inside

    def double_quoted(self) -> str:
        self.take()
        out: list[str] = []
        while True:
            char = self.peek()
            if not char:
                raise ExpansionError(
                    "unexpected end of statement while looking for matching double-quote"
                )
            if char == '"':
                self.take()
                return "".join(out)
            if char == "$":
                out.append(self.dollar())
                continue
            self.take()
            if char == self.escape:
                if self.raw_escapes:
                    out.append(char)
                following = self.peek()
                if following and following in ('"', "$", self.escape):
                    char = self.take()
                elif not following:
                    continue  # the loop then reports the missing quote
            out.append(char)

    def lookup(self, name: str) -> tuple[bool, str]:
        """Whether ``name`` is set, and its value; raises when not known."""
        if name in self.values:
            value = self.values[name]
            if value is None:
                raise _NotKnown(name)
            return True, value
        if not self.complete:
            raise _NotKnown(name)
        return False, ""

    def dollar(self) -> str:
        self.take()
        if self.peek() != "{":
            name = self.name()
            return self.lookup(name)[1] if name else "$"
        self.take()
        if not self.peek():
            raise ExpansionError("syntax error: missing '}'")
        if self.peek() in "{}:":
            raise ExpansionError("syntax error: bad substitution")
        name = self.name()
        char = self.take()
        if char == "}":
            return self.lookup(name)[1]
        if char == "/":
            return self.replaced(name)
        if not char:  # BuildKit says "unsupported modifier (\ufffd)": its EOF
            raise ExpansionError("syntax error: missing '}'")
        modifier, null_is_unset = char, False
        if char == ":":
            null_is_unset = True
            char = self.take()
            modifier += char
        if not char or char not in "+-?#%":
            raise ExpansionError(f"unsupported modifier ({modifier}) in substitution")
        word = self.word_until_brace(raw_escapes=char in "#%")
        return self.modified(name, char, word, null_is_unset=null_is_unset)

    def word_until_brace(self, *, raw_escapes: bool) -> str:
        try:
            return self.until("}", raw_escapes=raw_escapes)
        except ExpansionError:
            if not self.peek():
                raise ExpansionError("syntax error: missing '}'") from None
            raise

    def modified(self, name: str, operator: str, word: str, *, null_is_unset: bool) -> str:
        """``${name<operator>word}`` once ``word`` is expanded."""
        is_set, value = self.lookup(name)
        unset = not is_set or (null_is_unset and value == "")
        if operator == "-":
            return word if unset else value
        if operator == "+":
            return "" if unset else word
        if operator == "?":
            if unset:
                empty = "is not allowed to be empty" if is_set else "is not allowed to be unset"
                raise ExpansionError(f"{name}: {word or empty}")
            return value
        greedy = word.startswith(operator)
        pattern = word[1:] if greedy else word
        if operator == "#":
            return _trim_prefix(pattern, value, greedy)
        return _trim_suffix(pattern, value, greedy)

    def replaced(self, name: str) -> str:
        """``${name/pattern/replacement}`` and ``${name//...}``."""
        replace_all = self.peek() == "/"
        if replace_all:
            self.take()
        try:
            pattern = self.until("/", raw_escapes=True)
        except ExpansionError:
            if not self.peek():
                raise ExpansionError("syntax error: missing '/' in ${}") from None
            raise
        replacement = self.word_until_brace(raw_escapes=True)
        value = self.lookup(name)[1]
        regex = _shell_pattern(pattern, greedy=True, anchored=False)
        return regex.sub(lambda _: replacement, value, count=0 if replace_all else 1)

    def name(self) -> str:
        """A variable name: digits, one special parameter, or a run of
        letters, digits and ``_`` (Go's unicode classes)."""
        start = self.position
        char = self.peek()
        if char.isdecimal():
            while self.peek().isdecimal():
                self.take()
        elif char and char in _SPECIAL_PARAMETERS:
            self.take()
        else:
            while char and (char.isalpha() or char.isdecimal() or char == "_"):
                self.take()
                char = self.peek()
        return self.text[start : self.position]


def _shell_pattern(pattern: str, *, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """BuildKit's ``convertShellPatternToRegex``: ``*`` and ``?`` (no
    bracket expressions), ``\\`` escaping ``*``, ``?`` and itself."""
    out = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    position = 0
    while position < len(pattern):
        char = pattern[position]
        position += 1
        if char == "*":
            out.append(star)
        elif char == "?":
            out.append(".")
        elif char == "\\":
            following = pattern[position : position + 1]
            if following in ("}", "/"):
                continue  # escaped for ${...}, not part of the pattern
            if following not in ("*", "?", "\\"):
                raise ExpansionError(f"invalid escape '\\{following}'")
            out.append("\\" + following)
            position += 1
        else:
            out.append(re.escape(char))
    return re.compile("".join(out))


def _trim_prefix(pattern: str, value: str, greedy: bool) -> str:
    match = _shell_pattern(pattern, greedy=greedy, anchored=True).search(value)
    return value[match.end() :] if match else value


def _trim_suffix(pattern: str, value: str, greedy: bool) -> str:
    # As BuildKit: a regular expression finds the shortest leftmost match
    # only, so both the pattern and the value are reversed.
    return _trim_prefix(_reversed_pattern(pattern), value[::-1], greedy)[::-1]


def _reversed_pattern(pattern: str) -> str:
    """``pattern`` reversed, each escape staying before what it escapes."""
    out = [""] * len(pattern)
    last = len(pattern) - 1
    position = 0
    while position <= last:
        char = pattern[position]
        if char == "\\" and position != last:
            out[last - position - 1] = char
            out[last - position] = pattern[position + 1]
            position += 2
        else:
            out[last - position] = char
            position += 1
    return "".join(out)
