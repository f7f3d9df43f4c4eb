"""Findings and how they are printed: text, JSON and GitHub annotations."""

from __future__ import annotations

import re

from lucid_hooks.paths import display_path

# Not typing.TYPE_CHECKING: importing typing costs a hook milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

FORMATS = ("text", "json", "github")

# `# lucid: ignore[LH301]` or `# lucid: ignore[LH301, LH4]` on the finding's line.
_SUPPRESSION = re.compile(rb"#\s*lucid:\s*ignore\[([A-Za-z0-9,\s]*)\]")


class Finding:
    """One problem at ``path:line:column`` (1-based, repo-relative ``/`` path).

    ``fix`` is what a hook would do to repair it; the runner calls it only
    when fixing is on and the finding survived the ignores. It returns the
    line to report (``Created x/__init__.py``), or None when there was
    nothing left to do (another process got there first).
    """

    __slots__ = ("code", "column", "fix", "fixed", "line", "message", "path")

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

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def __repr__(self) -> str:
        return (
            f"Finding({self.path!r}, {self.line}, {self.column}, {self.code!r}, {self.message!r})"
        )


def suppressed_codes(line: bytes) -> tuple[str, ...]:
    """Codes that a ``# lucid: ignore[...]`` comment on ``line`` switches off."""
    match = _SUPPRESSION.search(line)
    if match is None:
        return ()
    codes = match.group(1).decode("ascii").replace(",", " ").split()
    return tuple(code.upper() for code in codes)


def is_suppressed(finding: Finding, read_line: Callable[[str, int], bytes | None]) -> bool:
    """Whether the finding's own line carries an inline ignore for its code."""
    line = read_line(finding.path, finding.line)
    if line is None:
        return False
    return any(finding.code.startswith(code) for code in suppressed_codes(line))


def render(findings: Sequence[Finding], messages: Sequence[str], output_format: str) -> str:
    ordered = sorted(findings, key=Finding.sort_key)
    if output_format == "json":
        return _render_json(ordered, messages)
    if output_format == "github":
        return _render_github(ordered, messages)
    return _render_text(ordered, messages)


def _render_text(findings: Sequence[Finding], messages: Sequence[str]) -> str:
    lines = [
        f"{display_path(f.path)}:{f.line}:{f.column}: {f.code} {display_path(f.message)}"
        for f in findings
    ]
    lines.extend(display_path(message) for message in messages)
    return "".join(line + "\n" for line in lines)


def _render_json(findings: Sequence[Finding], messages: Sequence[str]) -> str:
    import json

    from lucid_hooks.rules import find_rule

    names: dict[str, str] = {}
    for finding in findings:
        if finding.code not in names:
            rule = find_rule(finding.code)
            names[finding.code] = rule.name if rule else ""
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
                f"file={_escape_property(display_path(finding.path))}",
                f"line={finding.line}",
                f"col={finding.column}",
                f"title={_escape_property(finding.code)}",
            )
        )
        lines.append(f"::{level} {properties}::{_escape_data(display_path(finding.message))}")
    lines.extend(f"::notice::{_escape_data(display_path(message))}" for message in messages)
    return "".join(line + "\n" for line in lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
