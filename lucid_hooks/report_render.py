"""The report laid out: GitHub-flavoured Markdown for people, JSON for
programs (its layout is docs/report.schema.json, `schema_version` 1).

Text from the repository (paths, messages, docstrings) is escaped where it
goes: a table cell cannot hold a `|` or a line break, a code span must be
fenced by more backticks than it holds, and prose must not turn into HTML or
emphasis.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lucid_hooks.report_mermaid import MODULES, entry_point_diagram
from lucid_hooks.report_model import (
    COMPLIANT,
    NOT_COMPLIANT,
    NOT_DISTROLESS,
    NOT_IN_IMAGE,
    SCHEMA_VERSION,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lucid_hooks.report_model import (
        Action,
        EntryReport,
        Legacy,
        Located,
        Report,
        Service,
        TreeEntry,
    )

_VERDICT_MARK = {COMPLIANT: "✅", NOT_COMPLIANT: "❌", NOT_DISTROLESS: "⚠️", NOT_IN_IMAGE: "⚪"}
_VERDICT_WORDS = {
    COMPLIANT: "distroless-compliant",
    NOT_COMPLIANT: "not distroless-compliant",
    NOT_DISTROLESS: "not on a distroless image",
    NOT_IN_IMAGE: "not in an image",
}
# How many local files an entry point lists before it counts the rest.
FILES_SHOWN = 50


# --- JSON ----------------------------------------------------------------------


def render_json(report: Report) -> str:
    import json

    document = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "lucid-hooks", "version": report.version},
        **{key: _plain(value) for key, value in report._asdict().items() if key != "version"},
    }
    document["summary"]["verdicts"] = dict(report.summary.verdicts)  # type: ignore[index]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _plain(value: object) -> object:
    """Builtin JSON data of the report's records."""
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {key: _plain(item) for key, item in value._asdict().items()}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return _text(value)
    return value


def _text(text: str) -> str:
    """A path that was not UTF-8 (surrogates, as os.fsdecode makes them)
    with its bytes written as ``\\xNN``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


# --- Markdown ----------------------------------------------------------------


def render_markdown(report: Report) -> str:
    parts = [
        f"# Distroless and package audit: {_prose(report.repository)}\n",
        f"Written by `lucid-hooks report` (lucid-hooks {_prose(report.version)}) from the code"
        " as it is: the findings are those `lucid-hooks check` reports.\n",
        *_summary(report),
        *_actions(report.actions),
        *_services(report),
        *_entry_points(report.entry_points),
        *_legacy(report.legacy),
        *_diagram(report.entry_points),
        *_findings(report.findings),
    ]
    if report.diagnostics:
        parts.append("## Notes\n")
        parts.append("".join(f"- {_prose_with_code(line)}\n" for line in report.diagnostics))
    return "\n".join(parts)


def _summary(report: Report) -> list[str]:
    summary = report.summary
    counts = dict(summary.verdicts)
    verdicts = ", ".join(
        f"{counts[verdict]} {_VERDICT_WORDS[verdict]}" for verdict in counts if counts[verdict]
    )
    missing = summary.missing_init_files
    rows = [
        ("Folders analysed", str(summary.folders_analysed)),
        (
            "Compliant folders (no finding)",
            f"{summary.compliant_folders}/{summary.folders_analysed}"
            + (f" ({summary.compliance_percent:.1f}%)" if summary.folders_analysed else ""),
        ),
        (
            "Missing `__init__.py`",
            f"{len(missing)}"
            + (f" ({', '.join(_code(p) for p in missing[:5])})" if missing else ""),
        ),
        ("Entry points", str(summary.entry_points)),
        ("Distroless", verdicts or "no entry point"),
        ("Legacy files", str(summary.legacy_files)),
        ("Findings", f"{summary.findings} ({summary.fixable} fixed by `lucid-hooks check --fix`)"),
    ]
    return ["## Summary\n", _table(("", ""), rows, escape=False)]


def _actions(actions: Sequence[Action]) -> list[str]:
    if not actions:
        return ["## Immediate actions\n", "Nothing to do: no finding.\n"]
    parts = ["## Immediate actions\n"]
    for number, action in enumerate(actions, 1):
        rule = f"{action.code} {action.name}" if action.code else action.name
        title = f"### {number}. {action.priority}: {_prose_with_code(action.title)} ({rule})\n"
        # The orphans (no rule) are modules, listed whole under Legacy.
        what, where = ("finding", "All findings") if action.code else ("module", "Legacy")
        noun = what if action.findings == 1 else what + "s"
        if action.items:
            listed = "".join(f"- {_finding_line(item)}\n" for item in action.items)
        else:
            listed = "".join(f"- {_code(path)}\n" for path in action.paths)
            left = action.findings - len(action.paths)
            if left > 0:
                listed += f"- and {left} more {what}{'s' * (left != 1)} in {where}\n"
        parts.append(f"{title}\n**{action.findings} {noun}:**\n\n{listed}\n{_how_to(action)}\n")
    return parts


def _how_to(action: Action) -> str:
    command = action.command
    if command.startswith("lucid-hooks rule "):
        return f"**Fix:** as each finding says; {_code(command)} explains the rule."
    if command.startswith(("git ", "lucid-hooks ")):
        return f"**Run:** {_code(command)}"
    return f"**Fix:** {_prose_with_code(command)}"


def _services(report: Report) -> list[str]:
    parts = ["## Services\n"]
    if not report.services:
        parts.append("No folder holds an entry point or a Dockerfile.\n")
    for service in report.services:
        parts.append(_service(service, report.entry_points))
    return parts


def _service(service: Service, entries: Sequence[EntryReport]) -> str:
    if not service.exists:
        return f"### ❔ {_code(service.path)}: not found\n\nNo folder matches this service.\n"
    if service.compliant:
        status = "✅", "no finding"
    else:
        status = "❌", f"{service.findings} finding{'s' * (service.findings != 1)}"
    lines = [f"### {status[0]} {_code(service.path + '/')}: {status[1]}\n"]
    facts = [
        ("Dockerfiles", _codes(service.dockerfiles)),
        ("Requirements", _codes(service.requirements)),
        (
            "Entry points",
            ", ".join(_entry_name(entries[n]) for n in service.entry_points) or "none",
        ),
    ]
    lines.append("".join(f"- **{name}:** {value}\n" for name, value in facts))
    lines.append(_fence(_tree_text(service), "text"))
    return "\n".join(lines)


def _codes(paths: Sequence[str]) -> str:
    return ", ".join(_code(path) for path in paths) or "none"


def _tree_text(service: Service) -> str:
    lines = [service.path + "/"]
    lines.extend(
        prefix + _tree_label(entry)
        for prefix, entry in zip(_tree_prefixes(service.tree), service.tree)
    )
    if service.tree_left_out:
        lines.append(f"... and {service.tree_left_out} more")
    return "\n".join(lines) + "\n"


def _tree_prefixes(entries: Sequence[TreeEntry]) -> list[str]:
    """The box-drawing of each tree line: a bar for each folder above it
    whose entries go on below, then a branch (the last of its folder's
    entries ends it)."""
    # Backwards, whether a later sibling follows each entry: entries deeper
    # than the one seen belong to another folder.
    is_last = [True] * len(entries)
    later_at: dict[int, bool] = {}
    for index in range(len(entries) - 1, -1, -1):
        depth = entries[index].depth
        later_at = {level: seen for level, seen in later_at.items() if level <= depth}
        is_last[index] = not later_at.get(depth, False)
        later_at[depth] = True
    prefixes = []
    open_above: list[bool] = []  # per level: whether that ancestor has later siblings
    for entry, last in zip(entries, is_last):
        del open_above[entry.depth :]
        bars = "".join("│   " if more else "    " for more in open_above)
        prefixes.append(bars + ("└── " if last else "├── "))
        open_above.append(not last)
    return prefixes


def _tree_label(entry: TreeEntry) -> str:
    name = entry.path.rsplit("/", 1)[-1]
    if entry.folder:
        return f"{name}/"
    if entry.missing:
        return f"{name} ❌ missing (LH101)"
    if entry.codes:
        return f"{name} ❌ {' '.join(entry.codes)}"
    return f"{name} ✅"


def _entry_name(entry: EntryReport) -> str:
    return _code(f"{entry.origin}:{entry.line}" if entry.dockerfile else entry.origin)


def _entry_points(entries: Sequence[EntryReport]) -> list[str]:
    parts = ["## Entry points\n"]
    if not entries:
        parts.append("No entry point: no Dockerfile command, script or `main.py` starts code.\n")
    for number, entry in enumerate(entries, 1):
        parts.append(_entry(number, entry))
    return parts


def _entry(number: int, entry: EntryReport) -> str:
    verdict = entry.verdict
    # Reasons make it a failure, whatever the image: it cannot run as it is.
    mark = "❌" if verdict.reasons else _VERDICT_MARK[verdict.status]
    title = f"### {number}. {_entry_name(entry)}: {mark}"
    lines = [f"{title} {_VERDICT_WORDS[verdict.status]}\n"]
    python = entry.python + (f" ({entry.python_source})" if entry.python_source else "")
    facts = [
        ("Purpose", _prose_with_code(entry.purpose) or "(no docstring)"),
        ("Starts", _prose(entry.how) + (" (assumed)" if entry.assumed else "")),
        ("Command", _code(entry.command) if entry.command else "none"),
        ("First module", _code(entry.module) if entry.module else "not there"),
        ("Working directory", _code(entry.cwd) if entry.cwd else "the repository root"),
        ("Image", _code(entry.image) if entry.image else "none"),
        ("Python", _prose(python) or "not known"),
        ("Requirements", _codes(entry.requirements)),
        ("Third-party imports", _codes(entry.imports)),
        ("Distributions used", _codes(entry.distributions)),
        ("Distroless", _prose(verdict.summary)),
    ]
    lines.append(_table(("", ""), facts, escape=False))
    files = entry.files
    shown = "".join(f"- {_code(path)}\n" for path in files[:FILES_SHOWN])
    more = f"- and {len(files) - FILES_SHOWN} more\n" if len(files) > FILES_SHOWN else ""
    lines.append(f"**Local files it runs ({len(files)}):**\n\n{shown}{more}" if files else "")
    if verdict.reasons:
        lines.append("**Why:**\n\n" + "".join(f"- {_finding_line(f)}\n" for f in verdict.reasons))
    return "\n".join(line for line in lines if line)


def _finding_line(finding: Located) -> str:
    where = _code(f"{finding.path}:{finding.line}")
    return f"{where} {finding.code}: {_prose_with_code(finding.message)}"


def _legacy(legacy: Legacy) -> list[str]:
    parts = ["## Legacy\n"]
    sections = (
        ("Duplicate modules", legacy.duplicates),
        ("Committed caches", legacy.caches),
        ("Redundant Dockerfiles", legacy.redundant_dockerfiles),
    )
    for title, findings in sections:
        body = "".join(f"- {_finding_line(f)}\n" for f in findings) or "None.\n"
        parts.append(f"### {title}\n\n{body}")
    if legacy.untrack_command:
        parts.append(f"To untrack the caches: {_code(legacy.untrack_command)}\n")
    orphans = "".join(f"- {_code(path)}\n" for path in legacy.orphans) or "None.\n"
    parts.append(
        "### Orphan modules\n\nModules that no entry point, test or configured root reaches:\n\n"
        + orphans
    )
    return parts


def _diagram(entries: Sequence[EntryReport]) -> list[str]:
    parts = ["## Entry points and the modules they use\n"]
    if not entries:
        parts.append("No entry point to draw.\n")
        return parts
    diagram = entry_point_diagram(entries)
    if not diagram.source:
        parts.append("Too large for one diagram, even with one node per service.\n")
        return parts
    if diagram.level != MODULES:
        parts.append(
            f"One node per {diagram.level[:-1]}: one per module would pass GitHub's limit"
            " of 500 edges or 50,000 characters.\n"
        )
    parts.append(_fence(diagram.source, "mermaid"))
    return parts


def _findings(findings: Sequence[Located]) -> list[str]:
    if not findings:
        return ["## All findings\n", "None.\n"]
    rows = [
        (
            _code(f"{f.path}:{f.line}:{f.column}"),
            f"{f.code} {_prose(f.name)}",
            _prose_with_code(f.message),
        )
        for f in findings
    ]
    return ["## All findings\n", _table(("Location", "Rule", "Message"), rows, escape=False)]


# --- Markdown's escapes ---------------------------------------------------------

# What CommonMark may read as markup in running text (backslash-escapable);
# `|` only matters in a table, which escapes it for every cell (`_table`).
_MARKUP = re.compile(r"([\\`*_\[\]<>#~&!$])")
_BACKTICKS = re.compile(r"`+")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_LINE_BREAK = re.compile(r"[^\S\r\n]*[\r\n]+\s*")


def _prose(text: str) -> str:
    """Plain text that stays plain in Markdown."""
    return _MARKUP.sub(r"\\\1", _one_line(text))


def _prose_with_code(text: str) -> str:
    """A message whose `quoted` parts are code: those stay code spans, the
    rest is plain text."""
    text = _one_line(text)
    out = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_prose(text[position : match.start()]))
        out.append(_code(match.group(2)))
        position = match.end()
    out.append(_prose(text[position:]))
    return "".join(out)


def _code(text: str) -> str:
    """A code span holding ``text`` exactly."""
    text = _one_line(text)
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _one_line(text: str) -> str:
    """The text on one line: each line break, with the blanks around it,
    one space (a break would end a table row or a list item)."""
    return _LINE_BREAK.sub(" ", _text(text))


def _fence(content: str, info: str) -> str:
    """A fenced block that no line of ``content`` can close."""
    content = _text(content)
    longest = max((len(run) for run in re.findall(r"^ {0,3}(`{3,})", content, re.M)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{info}\n{content}{fence}\n"


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], *, escape: bool) -> str:
    """A GFM table; cells are already Markdown unless ``escape``. Every `|`
    of a cell is escaped: GitHub splits cells at one even inside a code span,
    and unescapes it there before reading the cell."""
    cells = [
        [(_prose(cell) if escape else cell).replace("|", "\\|") for cell in row] for row in rows
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in cells)
    return "\n".join(lines) + "\n"
