"""Findings and how they are printed: text, JSON, GitHub annotations and SARIF."""

from __future__ import annotations

import os
import posixpath
import re
from collections import Counter
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.paths import display_path
from lucid_hooks.rules import UNREADABLE_FILE

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

FORMATS = ("text", "json", "github", "sarif")

# `# lucid: ignore[LH301]`, `# lucid: ignore[LH301, LH4]` or a rule's name
# (`# lucid: ignore[missing-init-file]`) on the finding's line.
_SUPPRESSION = re.compile(rb"#\s*lucid:\s*ignore\[([A-Za-z0-9,\s-]*)\]")


class Finding:
    """One problem at ``path:line:column`` (1-based, repo-relative ``/`` path).

    ``fix`` is what a hook would do to repair it; the runner calls it only
    when fixing is on and the finding survived the ignores. It returns the
    line to report (``Created x/__init__.py``), or None when there was
    nothing left to do (another process got there first). ``hook`` is the id
    of the hook that reported it, set by the runner.
    """

    __slots__ = ("code", "column", "fix", "fixed", "hook", "line", "message", "path")

    def __init__(
        self,
        path: str,
        code: str,
        message: str,
        *,
        line: int = 1,
        column: int = 1,
        fix: Callable[[], str | None] | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.code = code
        self.message = message
        self.fix = fix
        self.fixed: str | None = None
        self.hook: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def __repr__(self) -> str:
        return (
            f"Finding({self.path!r}, {self.line}, {self.column}, {self.code!r}, {self.message!r})"
        )


def unreadable_file(path: str, error: OSError) -> Finding:
    """LH001 for a file the hook needed and could not read."""
    reason = error.strerror or str(error)
    return Finding(path, UNREADABLE_FILE.code, f"cannot read file: {reason}")


def suppressed_codes(line: bytes) -> tuple[str, ...]:
    """Codes that a ``# lucid: ignore[...]`` comment on ``line`` switches off."""
    match = _SUPPRESSION.search(line)
    if match is None:
        return ()
    codes = match.group(1).decode("ascii").replace(",", " ").split()
    return tuple(code.upper() for code in codes)


def is_suppressed(finding: Finding, read_line: Callable[[str, int], bytes | None]) -> bool:
    """Whether the finding's own line carries an inline ignore for its code
    (a code, a prefix, or the rule's name)."""
    line = read_line(finding.path, finding.line)
    if line is None:
        return False
    codes = suppressed_codes(line)
    if any(finding.code.startswith(code) for code in codes):
        return True
    return any(_is_name_of(code.lower(), finding.code) for code in codes if "-" in code)


def _is_name_of(name: str, code: str) -> bool:
    from lucid_hooks.registry import selector_code

    return selector_code(name) == code


class LineReader:
    """Reads single lines of repo files for inline suppressions.

    Each file is read once, up to the deepest line that one of `findings`
    has there (or that is asked for), each line cut at `LINE_LIMIT` bytes: a
    finding on a huge or binary file costs no more than its first lines, and a
    suppression comment is never that long.
    """

    LINE_LIMIT = 1 << 16

    __slots__ = ("_cache", "_deepest", "_root")

    def __init__(self, root: str, findings: Iterable[Finding] = ()) -> None:
        self._root = root
        self._cache: dict[str, list[bytes]] = {}
        self._deepest: dict[str, int] = {}
        for finding in findings:
            self._deepest[finding.path] = max(finding.line, self._deepest.get(finding.path, 0))

    def __call__(self, path: str, line: int) -> bytes | None:
        lines = self._cache.get(path)
        if lines is None or (len(lines) < line and path not in self._deepest):
            lines = self._read(path, max(line, self._deepest.get(path, 0)))
            self._cache[path] = lines
        if not 1 <= line <= len(lines):
            return None
        return lines[line - 1]

    def _read(self, path: str, count: int) -> list[bytes]:
        full = os.path.join(self._root, path)
        lines: list[bytes] = []
        try:
            if not os.path.isfile(full):
                return lines
            with open(full, "rb") as file:
                while len(lines) < count:
                    text = file.readline(self.LINE_LIMIT)
                    if not text:
                        break
                    lines.append(text.rstrip(b"\r\n"))
                    rest = text
                    while not rest.endswith(b"\n"):  # a longer line: skip its rest
                        rest = file.readline(self.LINE_LIMIT)
                        if not rest:
                            break
        except OSError:
            pass
        return lines


class TextStyle(NamedTuple):
    """How text output looks: ``start`` is the repository folder that paths
    are written relative to (the current one, as ruff does; "" under
    pre-commit, which runs from the root), ``colour`` whether to use ANSI
    colours."""

    start: str = ""
    colour: bool = False


def render(
    findings: Sequence[Finding],
    messages: Sequence[str],
    output_format: str,
    style: TextStyle | None = None,
) -> str:
    """``findings`` and ``messages`` in ``output_format`` (one of `FORMATS`),
    findings in path, line and code order."""
    ordered = sorted(findings, key=Finding.sort_key)
    if output_format == "sarif":
        return _render_sarif(ordered, messages)
    if output_format == "json":
        return _render_json(ordered, messages)
    if output_format == "github":
        return _render_github(ordered, messages)
    return _render_text(ordered, messages, style or TextStyle())


def _render_sarif(findings: Sequence[Finding], messages: Sequence[str]) -> str:
    # The repository the hook ran in is the one above the current folder
    # (as Invocation.start found it): its lines key the fingerprints.
    from lucid_hooks.git import find_root
    from lucid_hooks.sarif import render_sarif

    try:
        root: str | None = find_root(os.getcwd()).path
    except OSError:  # the current folder was removed meanwhile: no lines to read
        root = None
    return render_sarif(findings, messages, root=root)


def _render_text(findings: Sequence[Finding], messages: Sequence[str], style: TextStyle) -> str:
    bold, red, reset = ("\033[1m", "\033[31m", "\033[0m") if style.colour else ("", "", "")
    lines = [
        f"{bold}{display_path(_relative(f.path, style.start))}{reset}:{f.line}:{f.column}:"
        f" {red}{f.code}{reset} {display_path(f.message)}"
        for f in findings
    ]
    lines.extend(display_path(message) for message in messages)
    return "".join(line + "\n" for line in lines)


def _relative(path: str, start: str) -> str:
    return posixpath.relpath(path, start) if start else path


def render_statistics(findings: Sequence[Finding], output_format: str) -> str:
    """How many findings each rule has, most first: `5  LH101  [*] name`,
    where `[*]` marks a rule whose findings have a safe fix."""
    from lucid_hooks.registry import rule_names

    counts = Counter(finding.code for finding in findings)
    fixable = {finding.code for finding in findings if finding.fix is not None}
    names = rule_names(sorted(counts))
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if output_format == "json":
        import json

        rows = [
            {"code": code, "name": names[code], "count": count, "fixable": code in fixable}
            for code, count in ordered
        ]
        return json.dumps(rows, indent=2) + "\n"
    width = len(str(ordered[0][1])) if ordered else 1
    return "".join(
        f"{count:>{width}}  {code}  {'[*] ' if code in fixable else ''}{names[code]}\n"
        for code, count in ordered
    )


def summary_line(findings: Sequence[Finding]) -> str:
    """The closing line: `Found 12 findings (3 fixed, 9 remaining).`"""
    total = len(findings)
    fixed = sum(finding.fixed is not None for finding in findings)
    noun = "finding" if total == 1 else "findings"
    counts = f" ({fixed} fixed, {total - fixed} remaining)" if fixed else ""
    return f"Found {total} {noun}{counts}."


def fixes_made(findings: Sequence[Finding], start: str = "") -> str:
    """What ``--show-fixes`` adds, as ruff lists it: ``Fixed 3 findings:``,
    then each file (relative to ``start``) with the count per rule; '' when
    nothing was fixed."""
    from lucid_hooks.registry import rule_names

    fixed = [finding for finding in findings if finding.fixed is not None]
    if not fixed:
        return ""
    names = rule_names(sorted({finding.code for finding in fixed}))
    by_file: dict[str, Counter[str]] = {}
    for finding in sorted(fixed, key=Finding.sort_key):
        by_file.setdefault(finding.path, Counter())[finding.code] += 1
    noun = "finding" if len(fixed) == 1 else "findings"
    lines = [f"Fixed {len(fixed)} {noun}:"]
    for path, counts in by_file.items():
        lines.append(f"- {display_path(_relative(path, start))}:")
        # The sign ruff's own listing uses.
        times = "\u00d7"
        lines.extend(
            f"    {n} {times} {code} ({names[code]})" for code, n in sorted(counts.items())
        )
    return "".join(line + "\n" for line in lines)


def _render_json(findings: Sequence[Finding], messages: Sequence[str]) -> str:
    import json

    from lucid_hooks.registry import rule_names

    names = rule_names(sorted({finding.code for finding in findings}))
    document = {
        "findings": [
            {
                "path": finding.path.encode("utf-8", "surrogateescape").decode(
                    "utf-8", "backslashreplace"
                ),
                "line": finding.line,
                "column": finding.column,
                "code": finding.code,
                "name": names[finding.code],
                "message": finding.message,
                "fixable": finding.fix is not None,
                "fixed": finding.fixed,
                "hook": finding.hook,
            }
            for finding in findings
        ],
        "messages": list(messages),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _render_github(findings: Sequence[Finding], messages: Sequence[str]) -> str:
    lines = []
    for finding in findings:
        level = "warning" if finding.fixed else "error"
        properties = ",".join(
            (
                f"file={_escape_property(finding.path)}",
                f"line={finding.line}",
                f"col={finding.column}",
                f"title={_escape_property(finding.code)}",
            )
        )
        lines.append(f"::{level} {properties}::{_escape_data(finding.message)}")
    lines.extend(f"::notice::{_escape_data(message)}" for message in messages)
    return "".join(line + "\n" for line in lines)


# What GitHub's workflow commands decode: `%`, CR and LF in data; `:` and
# `,` as well in properties. Other characters pass through as they are, so
# a path keeps its real name in the annotation.
_DATA_ESCAPES = {"%": "%25", "\r": "%0D", "\n": "%0A"}
_PROPERTY_ESCAPES = {**_DATA_ESCAPES, ":": "%3A", ",": "%2C"}


def _escape_data(text: str) -> str:
    return _escape_workflow(text, _DATA_ESCAPES)


def _escape_property(text: str) -> str:
    return _escape_workflow(text, _PROPERTY_ESCAPES)


def _escape_workflow(text: str, escapes: dict[str, str]) -> str:
    out = []
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif "\udc80" <= char <= "\udcff":  # a byte that was not UTF-8 (os.fsdecode)
            out.append(f"\\x{ord(char) - 0xDC00:02x}")
        else:
            out.append(char)
    return "".join(out)
