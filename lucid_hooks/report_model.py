"""What `lucid-hooks report` says of a repository, as data.

`build_report` is a pure function of what the run found: the findings of
every hook (exactly those `lucid-hooks check` reports), the entry points of
check-entry-point-imports' analysis, the repository's files, and the
orphans. The renderers (`report_render`) only lay it out, so the Markdown,
JSON and SARIF reports can never disagree.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from lucid_hooks.check_cache_artifacts import shell_quote
from lucid_hooks.dependencies import is_requirements_file
from lucid_hooks.findings import Finding

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

    from lucid_hooks.check_entry_point_imports import EntryRow, ReportRow

T = TypeVar("T")
# The version of the JSON report's layout (docs/report.schema.json).
SCHEMA_VERSION = 1

HIGH, MEDIUM, LOW = "HIGH", "MEDIUM", "LOW"
PRIORITIES = (HIGH, MEDIUM, LOW)
# How urgent each family's findings are: what stops a service from
# starting first, then what confuses the people who work on it, then tidying.
_FAMILY_PRIORITY = {"LH0": HIGH, "LH1": HIGH, "LH2": HIGH, "LH3": LOW, "LH4": MEDIUM}
_CODE_PRIORITY = {"LH212": LOW, "LH302": LOW, "LH403": HIGH, "LH513": MEDIUM}

# An entry point's distroless verdict.
COMPLIANT = "compliant"
NOT_COMPLIANT = "not-compliant"
NOT_DISTROLESS = "not-distroless"
NOT_IN_IMAGE = "not-in-an-image"
VERDICTS = (COMPLIANT, NOT_COMPLIANT, NOT_DISTROLESS, NOT_IN_IMAGE)
DISTROLESS_REGISTRY = "gcr.io/distroless/"
# The findings of check-entry-point-imports that do not stop a run.
_NOT_RUN_TIME = frozenset({"LH212"})
ENTRY_HOOK = "check-entry-point-imports"
# What a service's tree shows: the files that make up a Python service.
_TREE_SUFFIXES = (".py", ".pyi")
# How many lines of a service's tree are shown before the rest is counted.
TREE_LIMIT = 200
_QUOTED = re.compile(r"`([^`]+)`")
# What check-duplicate-modules says of the copy it takes for the leftover.
LEFTOVER_MARK = ": this is the leftover"
# How many paths an action lists before it counts the rest, and how many
# findings it lists whole.
ACTION_PATHS = 10
ACTION_ITEMS = 5


class Located(NamedTuple):
    """A finding as the report names it."""

    path: str
    line: int
    column: int
    code: str
    name: str
    message: str
    hook: str
    fixable: bool


class TreeEntry(NamedTuple):
    """A line of a service's tree: a folder or a file below the service,
    ``missing`` for an ``__init__.py`` that LH101 says should be there;
    ``codes``: the findings on it."""

    path: str
    depth: int
    folder: bool
    missing: bool
    codes: tuple[str, ...]


class Service(NamedTuple):
    """A service folder: configured, or a top-level folder that holds an
    entry point or a Dockerfile; ``exists`` False for a configured one that
    is not there (the seed's "TOOLS: not found")."""

    path: str
    exists: bool
    configured: bool
    compliant: bool
    findings: int
    tree: tuple[TreeEntry, ...]
    tree_left_out: int
    dockerfiles: tuple[str, ...]
    requirements: tuple[str, ...]
    entry_points: tuple[int, ...]  # indices in Report.entry_points


class Verdict(NamedTuple):
    status: str  # one of VERDICTS
    summary: str
    reasons: tuple[Located, ...]


class EntryReport(NamedTuple):
    """An entry point: how it starts, what it uses, and whether it runs on
    distroless."""

    origin: str
    line: int
    how: str
    command: str
    dockerfile: str
    cwd: str
    image: str
    python: str
    python_source: str
    module: str
    purpose: str
    assumed: bool
    files: tuple[str, ...]
    requirements: tuple[str, ...]
    imports: tuple[str, ...]
    distributions: tuple[str, ...]
    verdict: Verdict


class Legacy(NamedTuple):
    duplicates: tuple[Located, ...]
    caches: tuple[Located, ...]
    redundant_dockerfiles: tuple[Located, ...]
    orphans: tuple[str, ...]
    untrack_command: str  # '' when no cache artifact is tracked

    def leftover_files(self) -> int:
        """The files to remove, each counted once: every copy of a group of
        duplicates (modules or Dockerfiles) but the one kept, each tracked
        cache file, each orphan (a leftover copy is often one too)."""
        paths = {item.path for item in self.caches if item.code == "LH301"}
        paths.update(_leftover_copies(self.duplicates))
        paths.update(_leftover_copies(self.redundant_dockerfiles))
        paths.update(self.orphans)
        return len(paths)


class Action(NamedTuple):
    """What to do about one rule's findings, with the exact command."""

    priority: str
    code: str
    name: str
    title: str
    findings: int
    paths: tuple[str, ...]
    command: str
    # The findings themselves, when they are few enough to list (each says
    # what to change).
    items: tuple[Located, ...] = ()


class Summary(NamedTuple):
    folders_analysed: int
    folders_found: int
    compliant_folders: int
    compliance_percent: float
    missing_init_files: tuple[str, ...]
    entry_points: int
    verdicts: tuple[tuple[str, int], ...]  # each of VERDICTS, with its count
    legacy_files: int
    findings: int
    fixable: int


class Report(NamedTuple):
    repository: str
    version: str
    summary: Summary
    services: tuple[Service, ...]
    entry_points: tuple[EntryReport, ...]
    legacy: Legacy
    actions: tuple[Action, ...]
    findings: tuple[Located, ...]
    messages: tuple[str, ...]
    diagnostics: tuple[str, ...]  # what the report could not do (a service glob with no match)


class Inputs(NamedTuple):
    """Everything `build_report` reads.

    ``files``: the repository's files (tracked, without the excludes);
    ``analysed``: the files the entry rows' ``reached`` indices point into;
    ``dockerfiles``: which of ``files`` are Dockerfiles; ``services``: the
    configured globs; ``head``: the first bytes of a file (None: unreadable).
    """

    repository: str
    version: str
    files: Sequence[str]
    findings: Sequence[Finding]
    messages: Sequence[str]
    entries: Sequence[EntryRow]
    reports: Sequence[ReportRow]
    analysed: Sequence[str]
    dockerfiles: frozenset[str]
    services: Sequence[str]  # empty: the default ones
    orphans: Sequence[str]
    head: Callable[[str], bytes | None]
    rule_names: Mapping[str, str]
    rule_titles: Mapping[str, str]


def build_report(inputs: Inputs) -> Report:
    ordered = sorted(inputs.findings, key=Finding.sort_key)
    findings = tuple(_located(finding, inputs.rule_names) for finding in ordered)
    reasons = _Reasons(inputs.reports, findings)
    entries = tuple(
        _entry_report(inputs, row, reasons.of(number, row))
        for number, row in enumerate(inputs.entries)
    )
    services, diagnostics = _services(inputs, entries, findings)
    legacy = _legacy(findings, inputs.messages, inputs.orphans)
    actions = _actions(findings, inputs.rule_titles, legacy)
    summary = _summary(services, entries, legacy, findings)
    return Report(
        inputs.repository,
        inputs.version,
        summary,
        services,
        entries,
        legacy,
        actions,
        findings,
        tuple(inputs.messages),
        diagnostics,
    )


def _located(finding: Finding, names: Mapping[str, str]) -> Located:
    return Located(
        finding.path,
        finding.line,
        finding.column,
        finding.code,
        names.get(finding.code, ""),
        finding.message,
        finding.hook or "",
        finding.fix is not None,
    )


# --- entry points -----------------------------------------------------------


def _entry_report(inputs: Inputs, row: EntryRow, reasons: tuple[Located, ...]) -> EntryReport:
    files = tuple(
        path
        for path in (inputs.analysed[index] for index in row.reached)
        if path.endswith((".py", ".so", ".pyd"))
    )
    return EntryReport(
        origin=row.origin,
        line=row.line,
        how=row.how,
        command=row.command,
        dockerfile=row.dockerfile,
        cwd=row.cwd,
        image=row.image,
        python=row.python,
        python_source=row.python_source,
        module=row.module,
        purpose=_purpose(inputs.head(row.module)) if row.module else "",
        assumed=row.assumed,
        files=files,
        requirements=row.requirements,
        imports=row.imports,
        distributions=row.distributions,
        verdict=_verdict(row, reasons),
    )


class _Reasons:
    """The findings that stop each entry point from running: its image's
    (LH5xx on its Dockerfile), and the imports and calls that fail in it
    (the analysis' reports that reach it, as the run reported them). Each
    is indexed once: a tree of hundreds of entry points and thousands of
    reports costs their sum, not their product."""

    def __init__(self, reports: Sequence[ReportRow], findings: Sequence[Located]) -> None:
        reported = {_key(f): f for f in findings if f.hook == ENTRY_HOOK}
        self.reaching: dict[int, list[Located]] = {}
        for path, line, col, code, message, entries in reports:
            found = reported.get((path, line, col, code, message))
            if found is None or code in _NOT_RUN_TIME:
                continue  # ignored, unselected, or not a failure of the run
            for number in entries:
                self.reaching.setdefault(number, []).append(found)
        self.of_image: dict[str, list[Located]] = {}
        for finding in findings:
            if finding.code.startswith("LH5"):
                self.of_image.setdefault(finding.path, []).append(finding)

    def of(self, number: int, row: EntryRow) -> tuple[Located, ...]:
        own = [*self.reaching.get(number, ()), *self.of_image.get(row.dockerfile, ())]
        return tuple(sorted(set(own), key=_key))


def _key(finding: Located) -> tuple[str, int, int, str, str]:
    return (finding.path, finding.line, finding.column, finding.code, finding.message)


def _verdict(row: EntryRow, reasons: tuple[Located, ...]) -> Verdict:
    if not row.dockerfile:
        return Verdict(NOT_IN_IMAGE, "runs from the repository: no Dockerfile starts it", reasons)
    if not row.image.startswith(DISTROLESS_REGISTRY):
        base = row.image or "an image not known"
        return Verdict(NOT_DISTROLESS, f"its image is built on {base}, not distroless", reasons)
    if reasons:
        count = len(reasons)
        return Verdict(
            NOT_COMPLIANT, f"{count} problem{'s' * (count != 1)} on {row.image}", reasons
        )
    return Verdict(COMPLIANT, f"runs on {row.image}", reasons)


def _purpose(head: bytes | None) -> str:
    """The first line of a module's docstring ('' when it has none)."""
    if not head:
        return ""
    import ast
    import io
    import tokenize

    skipped = {tokenize.ENCODING, tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE}
    try:
        for token in tokenize.tokenize(io.BytesIO(head).readline):
            if token.type in skipped:
                continue
            if token.type != tokenize.STRING:
                return ""
            value = ast.literal_eval(token.string)
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            return next((line.strip() for line in text.splitlines() if line.strip()), "")
    except (SyntaxError, ValueError, tokenize.TokenError, UnicodeDecodeError):
        return ""
    return ""


# --- services ----------------------------------------------------------------


def _services(
    inputs: Inputs, entries: Sequence[EntryReport], findings: Sequence[Located]
) -> tuple[tuple[Service, ...], tuple[str, ...]]:
    """The services, in path order, and a line for each configured glob
    that names no folder."""
    absent: list[Service] = []
    if inputs.services:
        folders = _folders(inputs.files)
        found: set[str] = set()
        for glob in inputs.services:
            matched = _matching_folders(glob, folders)
            found.update(matched)
            if not matched:
                absent.append(_absent_service(glob.strip("/")))
        chosen = sorted(found)
    else:
        chosen = _default_services(inputs, entries)
    # What each service holds, found by walking up from each path once (not
    # by scanning every path for every service).
    members = _Members(chosen)
    files, own = members.of(inputs.files), members.of(findings, lambda f: f.path)
    starts = members.of(
        range(len(entries)), lambda n: entries[n].origin, lambda n: entries[n].module
    )
    configured = bool(inputs.services)
    services = [_service(inputs, f, configured, files[f], own[f], starts[f]) for f in chosen]
    services.extend(absent)
    diagnostics = tuple(f"service `{service.path}`: not found" for service in absent)
    return tuple(services), diagnostics


class _Members:
    """Which of some folders each path is below (any of them, nested or not)."""

    def __init__(self, folders: Iterable[str]) -> None:
        self.folders = frozenset(folders)

    def of(self, items: Iterable[T], *paths_of: Callable[[T], str]) -> dict[str, list[T]]:
        """The items below each folder, in their order (an item is below a
        folder when one of its paths is; ``paths_of`` defaults to the item)."""
        found: dict[str, list[T]] = {folder: [] for folder in self.folders}
        for item in items:
            holders: set[str] = set()
            for path_of in paths_of or (_as_path,):
                holders.update(self._holders(path_of(item)))
            for folder in holders:
                found[folder].append(item)
        return found

    def _holders(self, path: str) -> Iterator[str]:
        folder = posixpath.dirname(path)
        while folder:
            if folder in self.folders:
                yield folder
            folder = posixpath.dirname(folder)


def _as_path(item: object) -> str:
    return str(item)


def _folders(files: Iterable[str]) -> set[str]:
    """Every folder that holds a file, at any depth ('' not included)."""
    folders: set[str] = set()
    for path in files:
        folder = posixpath.dirname(path)
        while folder and folder not in folders:
            folders.add(folder)
            folder = posixpath.dirname(folder)
    return folders


def _matching_folders(glob: str, folders: Iterable[str]) -> list[str]:
    """The topmost folders a repository-relative glob names."""
    from lucid_hooks.globs import GlobSet

    anchored = GlobSet(["/" + glob.strip("/")])
    return [
        folder
        for folder in folders
        if anchored.matches(folder)
        and not (posixpath.dirname(folder) and anchored.matches(posixpath.dirname(folder)))
    ]


def _default_services(inputs: Inputs, entries: Sequence[EntryReport]) -> list[str]:
    """The top-level folders that hold an entry point or a Dockerfile."""
    holders = [*inputs.dockerfiles, *(e.origin for e in entries), *(e.module for e in entries)]
    tops = {path.split("/", 1)[0] for path in holders if "/" in path}
    return sorted(tops)


def _service(
    inputs: Inputs,
    folder: str,
    configured: bool,
    inside: Sequence[str],
    own: Sequence[Located],
    entry_points: Sequence[int],
) -> Service:
    tree, lines = _tree(folder, inside, own, inputs.dockerfiles)
    return Service(
        path=folder,
        exists=True,
        configured=configured,
        compliant=not own,
        findings=len(own),
        tree=tuple(tree),
        tree_left_out=lines - len(tree),
        dockerfiles=tuple(path for path in inside if path in inputs.dockerfiles),
        requirements=tuple(path for path in inside if is_requirements_file(path)),
        entry_points=tuple(entry_points),
    )


def _absent_service(path: str) -> Service:
    return Service(path, False, True, False, 0, (), 0, (), (), ())


def _tree(
    folder: str,
    inside: Sequence[str],
    findings: Sequence[Located],
    dockerfiles: Collection[str],
) -> tuple[list[TreeEntry], int]:
    """The first `TREE_LIMIT` lines of the service's tree (its Python files,
    Dockerfiles and requirements, with their folders, and each missing
    ``__init__.py``, in tree order), and how many lines it has."""
    codes: dict[str, list[str]] = {}
    for finding in findings:
        codes.setdefault(finding.path, []).append(finding.code)
    missing = {f.path for f in findings if f.code == "LH101"}
    shown = {
        path
        for path in inside
        if path.endswith(_TREE_SUFFIXES) or path in dockerfiles or is_requirements_file(path)
    } | missing
    folders = _folders(shown) - _folders([folder]) - {folder}
    # In tree order first, each as (path, is a folder); only the lines shown
    # become entries (a service of 10,000 files shows 200).
    ordered = sorted(
        [*((path, True) for path in folders), *((path, False) for path in shown)],
        key=lambda item: _tree_order(item[0], item[1], folder),
    )
    depth = folder.count("/") + 1
    entries = [
        TreeEntry(
            path,
            path.count("/") - depth,
            is_folder,
            not is_folder and path in missing and path not in inside,
            () if is_folder else tuple(sorted(set(codes.get(path, ())))),
        )
        for path, is_folder in ordered[:TREE_LIMIT]
    ]
    return entries, len(ordered)


def _tree_order(path: str, is_folder: bool, folder: str) -> tuple[tuple[int, str], ...]:
    """Files before subfolders in each folder, each group by name (as the
    seed's trees list them)."""
    parts = path[len(folder) + 1 :].split("/")
    keys = [(1, part) for part in parts[:-1]]
    keys.append((1 if is_folder else 0, parts[-1]))
    return tuple(keys)


# --- legacy ----------------------------------------------------------------------


def _legacy(
    findings: Sequence[Located], messages: Sequence[str], orphans: Sequence[str]
) -> Legacy:
    # check-cache-artifacts' closing message ends with the one command.
    untrack = next((m[m.index(": git ") + 2 :] for m in messages if ": git " in m), "")
    return Legacy(
        duplicates=tuple(f for f in findings if f.code in ("LH401", "LH402")),
        caches=tuple(f for f in findings if f.code in ("LH301", "LH302")),
        redundant_dockerfiles=tuple(f for f in findings if f.code == "LH404"),
        orphans=tuple(orphans),
        untrack_command=untrack,
    )


def _leftover_copies(findings: Sequence[Located]) -> set[str]:
    """Of each group of copies (each finding's message names another copy
    of its group), every one but the copy kept: the first, by path, that no
    message calls the leftover."""
    paths = sorted({finding.path for finding in findings})
    parent = {path: path for path in paths}

    def top(path: str) -> str:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    for finding in findings:
        for named in _QUOTED.findall(finding.message):
            if named in parent:
                parent[top(named)] = top(finding.path)
    marked = {f.path for f in findings if LEFTOVER_MARK in f.message}
    groups: dict[str, list[str]] = {}
    for path in paths:
        groups.setdefault(top(path), []).append(path)
    leftovers: set[str] = set()
    for members in groups.values():
        kept = next((path for path in members if path not in marked), members[0])
        leftovers.update(path for path in members if path != kept)
    return leftovers


# --- actions and the summary ------------------------------------------------


def priority_of(code: str) -> str:
    return _CODE_PRIORITY.get(code) or _FAMILY_PRIORITY.get(code[:3], HIGH)


def _actions(
    findings: Sequence[Located], titles: Mapping[str, str], legacy: Legacy
) -> tuple[Action, ...]:
    """One action per rule that has findings, the most urgent first."""
    by_code: dict[str, list[Located]] = {}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(finding)
    actions = [
        _action(code, found, titles.get(code, ""), legacy) for code, found in by_code.items()
    ]
    if legacy.orphans:
        actions.append(
            Action(
                LOW,
                "",
                "orphan-module",
                "Modules no entry point, test or configured root reaches",
                len(legacy.orphans),
                legacy.orphans[:ACTION_PATHS],
                "review them: delete what is dead, or list what a tool loads in"
                " `[tool.lucid-hooks.report] roots`",
            )
        )
    order = {priority: rank for rank, priority in enumerate(PRIORITIES)}
    # The orphans (no code) come last of their priority.
    return tuple(sorted(actions, key=lambda action: (order[action.priority], action.code or "~")))


def _action(code: str, found: Sequence[Located], title: str, legacy: Legacy) -> Action:
    paths = sorted({finding.path for finding in found})
    return Action(
        priority_of(code),
        code,
        found[0].name,
        title,
        len(found),
        tuple(paths[:ACTION_PATHS]),
        _command(code, found, legacy),
        tuple(found) if len(found) <= ACTION_ITEMS else (),
    )


def _command(code: str, found: Sequence[Located], legacy: Legacy) -> str:
    if code == "LH301" and legacy.untrack_command:
        return legacy.untrack_command
    leftovers = sorted({f.path for f in found if LEFTOVER_MARK in f.message})
    if code == "LH401" and leftovers:
        return "git rm -- " + " ".join(shell_quote(path) for path in leftovers)
    if all(finding.fixable for finding in found):
        return f"lucid-hooks check --fix --select {code}"
    return f"lucid-hooks rule {code}"


def _summary(
    services: Sequence[Service],
    entries: Sequence[EntryReport],
    legacy: Legacy,
    findings: Sequence[Located],
) -> Summary:
    found = [service for service in services if service.exists]
    compliant = sum(service.compliant for service in found)
    counts = {verdict: 0 for verdict in VERDICTS}
    for entry in entries:
        counts[entry.verdict.status] += 1
    return Summary(
        folders_analysed=len(services),
        folders_found=len(found),
        compliant_folders=compliant,
        compliance_percent=round(100 * compliant / len(services), 1) if services else 100.0,
        missing_init_files=tuple(sorted({f.path for f in findings if f.code == "LH101"})),
        entry_points=len(entries),
        verdicts=tuple(counts.items()),
        legacy_files=legacy.leftover_files(),
        findings=len(findings),
        fixable=sum(finding.fixable for finding in findings),
    )
