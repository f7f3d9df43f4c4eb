"""Findings as a SARIF 2.1.0 log, the format GitHub code scanning uploads.

One run; the driver lists every rule the registry has (so each result's
``ruleIndex`` is stable from run to run), and each result points at its
repo-relative file under ``%SRCROOT%``. GitHub's limits are kept: at most
25,000 results per run, far under its 10 MB gzipped upload.

Levels: a finding is ``error``; one the run fixed is ``warning``, as in
``--format github``, with the fix's note in its ``properties.fixed``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from lucid_hooks.findings import Finding
    from lucid_hooks.rules import Rule

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
# GitHub code scanning takes at most this many results in one run.
MAX_RESULTS = 25_000
FINGERPRINT_KEY = "lucidFingerprint/v1"

# Line numbers a message quotes (`line 12 of Dockerfile`, `.gitignore:12`):
# masked in the fingerprint, so an edit that moves that other line keeps it.
_QUOTED_LINE = re.compile(r"(\bline\s+|:)\d+")

JsonObject = dict[str, object]


def render_sarif(
    findings: Sequence[Finding],
    messages: Sequence[str] = (),
    *,
    root: str | None = None,
    max_results: int = MAX_RESULTS,
) -> str:
    """The SARIF 2.1.0 log of ``findings`` (repo-relative paths, as hooks
    report them), as JSON text ending in a newline.

    ``messages`` (fix notes, a hook's closing summary) become notifications
    of the run's invocation. ``root`` is the repository folder the paths are
    relative to: when given, each finding's line is read from there to key
    its fingerprint (``partialFingerprints["lucidFingerprint/v1"]``), so the
    fingerprint follows the finding when lines above it move; without it the
    fingerprint rests on the code, path, message and occurrence alone.
    Callers that want the hooks' fingerprints pass the same root. The first
    ``max_results`` findings in sort order are kept; a run that drops some
    says so in a notification and in ``run.properties``.

    Pure but for reading those lines: the same findings give the same text.
    """
    import json

    from lucid_hooks.findings import Finding

    ordered = sorted(findings, key=Finding.sort_key)
    kept = ordered[: max(max_results, 0)]
    rules = _rule_descriptors(kept)
    index = {descriptor["id"]: number for number, descriptor in enumerate(rules)}
    fingerprints = _fingerprints(kept, _line_reader(root, kept))
    results = [
        _result(finding, index[finding.code], fingerprint)
        for finding, fingerprint in zip(kept, fingerprints)
    ]
    run: JsonObject = {
        "tool": {"driver": _driver(rules)},
        "invocations": [_invocation(messages, len(ordered), len(kept), max_results)],
        "results": results,
    }
    if len(kept) < len(ordered):
        run["properties"] = {"resultsTruncated": True, "totalResults": len(ordered)}
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    # Compact: a log is read by tools, and 25,000 results must stay small.
    # ASCII: on a stdout that cannot encode a character, the runner writes
    # a backslash escape, which would break a JSON string; `\uNNNN` cannot.
    return json.dumps(log, separators=(",", ":")) + "\n"


# --- the tool and its rules ----------------------------------------------------


def _driver(rules: list[JsonObject]) -> JsonObject:
    from lucid_hooks import __version__

    # No informationUri: pyproject.toml names no project URL to point at.
    return {"name": "lucid-hooks", "version": __version__, "rules": rules}


def _rule_descriptors(findings: Sequence[Finding]) -> list[JsonObject]:
    """Every registered rule, by code; then a bare descriptor for each code
    a finding has that no rule declares (GitHub wants every ``ruleId`` in
    the list)."""
    from lucid_hooks.registry import all_rules

    rules = all_rules()
    markdown = _rule_markdown(rules)
    descriptors = [_rule_descriptor(rule, markdown.get(rule.code, "")) for rule in rules]
    known = {rule.code for rule in rules}
    unknown = sorted({finding.code for finding in findings} - known)
    descriptors.extend({"id": code, "name": code} for code in unknown)
    return descriptors


def _rule_descriptor(rule: Rule, markdown: str) -> JsonObject:
    from lucid_hooks.docs import explain

    configuration: JsonObject = {"level": "error"}
    if not rule.default:
        configuration["enabled"] = False
    descriptor: JsonObject = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": explain(rule), "markdown": markdown or explain(rule)},
        "defaultConfiguration": configuration,
    }
    if " " not in rule.hook:  # LH001 belongs to "every hook", not to one
        descriptor["properties"] = {"tags": [rule.hook]}
    return descriptor


def _rule_markdown(rules: Sequence[Rule]) -> dict[str, str]:
    """Each rule's section of docs/rules.md (below its heading: GitHub
    shows the rule's name above the help): the same text the docs have."""
    from lucid_hooks.docs import markdown_reference

    text = markdown_reference()
    headings = [(rule.code, f"## {rule.code} `{rule.name}`\n") for rule in rules]
    starts = [(code, text.find(heading), len(heading)) for code, heading in headings]
    found = sorted((start, code, size) for code, start, size in starts if start >= 0)
    sections = {}
    for number, (start, code, size) in enumerate(found):
        end = found[number + 1][0] if number + 1 < len(found) else len(text)
        sections[code] = text[start + size : end].strip() + "\n"
    return sections


# --- results -------------------------------------------------------------------


def _result(finding: Finding, rule_index: int, fingerprint: str) -> JsonObject:
    result: JsonObject = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": "warning" if finding.fixed is not None else "error",
        "message": {"text": clean_text(finding.message) or finding.code},
        "locations": [{"physicalLocation": _physical_location(finding)}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.fixed is not None:
        result["properties"] = {"fixed": clean_text(finding.fixed)}
    return result


def _physical_location(finding: Finding) -> JsonObject:
    return {
        "artifactLocation": {"uri": path_uri(finding.path), "uriBaseId": SRCROOT},
        "region": {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)},
    }


def path_uri(path: str) -> str:
    """A repo-relative path as a relative URI reference: its bytes (those
    ``os.fsdecode`` held as surrogates included) percent-encoded, ``/``
    kept. A space, ``%``, ``#``, ``?`` or ``:`` can then never be read as
    URI syntax."""
    from urllib.parse import quote

    return quote(raw_bytes(path), safe="/") or "."


def raw_bytes(text: str) -> bytes:
    """The bytes a file name decoded by ``os.fsdecode`` came from; any other
    lone surrogate as its UTF-8 form, so no input raises."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return b"".join(_char_bytes(char) for char in text)


def _char_bytes(char: str) -> bytes:
    if "\udc80" <= char <= "\udcff":
        return bytes((ord(char) - 0xDC00,))
    return char.encode("utf-8", "surrogatepass")


def clean_text(text: str) -> str:
    """``text`` encodable as UTF-8: a byte ``os.fsdecode`` held as a
    surrogate becomes ``\\xNN`` (as `--format json` writes paths), any other
    lone surrogate ``\\uNNNN``."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return raw_bytes(text).decode("utf-8", "backslashreplace")
    return text


# --- fingerprints --------------------------------------------------------------


def _line_reader(
    root: str | None, findings: Sequence[Finding]
) -> Callable[[str, int], bytes | None]:
    if root is None:
        return lambda path, line: None
    from lucid_hooks.findings import LineReader

    return LineReader(root, findings)


def _fingerprints(
    findings: Iterable[Finding], read_line: Callable[[str, int], bytes | None]
) -> list[str]:
    """A fingerprint per finding that an unrelated edit keeps: the hash of
    its code, path, message (quoted line numbers masked), the text of its
    line (whitespace collapsed), and how many identical keys came before it
    in the file. Not its line number: lines inserted above would change it.
    A finding at 1:1 is about its whole file (the hooks' default location),
    so the text of the file's first line is left out of its key."""
    import hashlib

    seen: dict[bytes, int] = {}
    prints = []
    for finding in findings:
        key = b"\0".join(
            (
                finding.code.encode("ascii", "backslashreplace"),
                raw_bytes(finding.path),
                raw_bytes(" ".join(_QUOTED_LINE.sub(r"\1N", finding.message).split())),
                _line_text(finding, read_line),
            )
        )
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        digest = hashlib.sha256(key + b"\0" + str(occurrence).encode()).hexdigest()
        prints.append(digest[:32])
    return prints


def _line_text(finding: Finding, read_line: Callable[[str, int], bytes | None]) -> bytes:
    if finding.line <= 1 and finding.column <= 1:
        return b""
    line = read_line(finding.path, finding.line)
    return b" ".join(line.split()) if line else b""


def _invocation(messages: Sequence[str], total: int, kept: int, limit: int) -> JsonObject:
    notes: list[JsonObject] = [
        {"message": {"text": clean_text(message)}, "level": "note"}
        for message in messages
        if message
    ]
    if kept < total:
        text = (
            f"{total} findings; only the first {kept} (by path, line and code) are in this"
            f" log, which holds at most {limit} (GitHub code scanning takes {MAX_RESULTS})."
        )
        notes.append({"message": {"text": text}, "level": "warning"})
    invocation: JsonObject = {"executionSuccessful": True}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation
