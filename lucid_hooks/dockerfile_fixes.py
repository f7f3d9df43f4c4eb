"""Safe rewrites of single Dockerfile instructions: a shell-form CMD or
ENTRYPOINT without shell syntax in exec form, an exec-form CMD without its
first word.

An edit replaces the lines of one instruction (keyword line to last
continuation line) by one line: the first line's indentation, the keyword
as written, the JSON array. Every other byte of the file stays as it was,
CRLF line ends and a missing final newline included. A file is only edited
when it is UTF-8 (the line numbers the parser gives are then the file's),
an instruction only when it has no flags and no comment line inside it.
The file is written only while it still holds what the edits were made
from (`safe_writes.replace_unchanged`), never through a symlink.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.safe_writes import replace_unchanged

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lucid_hooks.dockerfile import Instruction

# Words a shell passes on unchanged: no quote, escape, variable, glob,
# operator, redirection, comment or tilde.
_PLAIN_WORD = re.compile(r"[A-Za-z0-9_./:@%+,=-]+")
_SHELL_BLANKS = re.compile(r"[ \t\n]+")
_INDENT = re.compile(rb"(?:\xef\xbb\xbf)?[ \t]*")
# Words the shell itself runs: no program of that name may exist in the image.
SHELL_BUILTINS = frozenset(
    {".", ":", "[", "alias", "break", "case", "cd", "command", "continue", "do", "done"}
    | {"echo", "elif", "else", "esac", "eval", "exit", "export", "false", "fi", "for"}
    | {"function", "if", "kill", "printf", "pwd", "read", "readonly", "return", "set"}
    | {"shift", "source", "test", "then", "time", "trap", "true", "type", "ulimit"}
    | {"umask", "unset", "until", "wait", "while"}
)


def exec_form_words(text: str) -> list[str] | None:
    """The words of a shell command that holds no shell syntax (the exec
    form that runs the same program with the same arguments), a leading
    ``exec`` dropped; None when the shell would do more than split words.
    (Not `shell_words.split_words`, which reads quotes and escapes as a
    shell does: a rewrite is only safe where there are none.)"""
    # The shell splits on blanks and newlines only: a no-break space or a
    # form feed stays in its word, which no plain word holds.
    words = _SHELL_BLANKS.split(text.strip(" \t\n"))
    if not words or not all(_PLAIN_WORD.fullmatch(word) for word in words):
        return None
    if words[0] == "exec":
        words = words[1:]
    if not words or "=" in words[0] or words[0] in SHELL_BUILTINS or words[0].startswith("-"):
        return None
    return words


class Edit(NamedTuple):
    """One instruction's lines (1-based, inclusive) and the words of its
    exec form."""

    first_line: int
    last_line: int
    keyword: str
    words: tuple[str, ...]

    def rendered(self) -> str:
        return f"{self.keyword} {json.dumps(list(self.words), ensure_ascii=False)}"


class DockerfileEditor:
    """The edits made to one Dockerfile in a run, each applied once, on top
    of those applied before it."""

    def __init__(self, root: str, path: str, data: bytes) -> None:
        self.root = root
        self.path = path
        self.lines = data.split(b"\n")
        self.current = data
        self.applied: list[Edit] = []

    @classmethod
    def of(cls, root: str, path: str, data: bytes) -> DockerfileEditor | None:
        """An editor, or None when the file's line numbers are not its bytes'."""
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return cls(root, path, data)

    def edit(self, instruction: Instruction, words: Sequence[str]) -> Edit | None:
        """The edit that writes ``instruction`` as ``words`` in exec form,
        or None when it cannot be made safely."""
        if instruction.flags or not words or instruction.trigger is not None:
            return None
        first, last = instruction.line, instruction.end_line
        if last > len(self.lines) or any(
            self.lines[number - 1].lstrip().startswith(b"#") for number in range(first, last + 1)
        ):
            return None
        keyword = instruction.original[: len(instruction.keyword)]
        if keyword.upper() != instruction.keyword:
            return None
        return Edit(first, last, keyword, tuple(words))

    def apply(self, edit: Edit) -> str | None:
        """Write the file with ``edit`` too; the note to print, or None when
        an earlier call made it already (two findings share an edit)."""
        if edit in self.applied:
            return None
        new = self._render([*self.applied, edit])
        replace_unchanged(self.root, self.path, self.current, new)
        self.current = new
        self.applied.append(edit)
        return f"Rewrote {self.path}:{edit.first_line}: {edit.rendered()}"

    def _render(self, edits: Sequence[Edit]) -> bytes:
        lines = list(self.lines)
        for edit in sorted(edits, key=lambda e: e.first_line, reverse=True):
            first = lines[edit.first_line - 1]
            indent = _INDENT.match(first)
            prefix = indent.group() if indent else b""
            end = b"\r" if lines[edit.last_line - 1].endswith(b"\r") else b""
            line = prefix + edit.rendered().encode("utf-8") + end
            lines[edit.first_line - 1 : edit.last_line] = [line]
        return b"\n".join(lines)
