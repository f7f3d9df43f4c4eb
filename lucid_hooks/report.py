"""``lucid-hooks report [PATH]``: the audit of a whole repository, written
from the code: every hook run once as ``lucid-hooks check`` runs them (the
same findings), then what the analyses know of the services, entry points and
leftovers (`report_model`), laid out as Markdown, JSON or SARIF
(`report_render`). Nothing is changed in the repository; ``--output`` is the
only file written.
"""

from __future__ import annotations

import functools
import os
import posixpath
import sys
from typing import TYPE_CHECKING

from lucid_hooks import __version__
from lucid_hooks.git import find_root
from lucid_hooks.runner import (
    Invocation,
    Selection,
    add_cache_argument,
    add_selection_arguments,
    usage_error,
    write_error,
    write_output,
)

if TYPE_CHECKING:
    import argparse

    from lucid_hooks.check_entry_point_imports import EntryRow
    from lucid_hooks.findings import Finding
    from lucid_hooks.globs import GlobSet
    from lucid_hooks.registry import Hook
    from lucid_hooks.report_model import Inputs

PROG = "lucid-hooks report"
# The manual-stage hook that writes the report (`pre-commit run lucid-report
# --hook-stage manual`); `.pre-commit-hooks.yaml` carries exactly this entry
# (tests/test_registry.py). Its `args` may name another --output or --format.
MANIFEST_ENTRY: dict[str, object] = {
    "id": "lucid-report",
    "name": "write the lucid-hooks report",
    "description": "Writes the audit of the whole repository (lucid-report.md by default;"
    " args: [--output, FILE, --format, json|sarif|markdown]).",
    "entry": "lucid-hooks report --output lucid-report.md",
    "language": "python",
    "pass_filenames": False,
    "always_run": True,
    "stages": ["manual"],
    "minimum_pre_commit_version": "3.2.0",
}
FORMATS = ("markdown", "json", "sarif")
ENTRY_HOOK = "check-entry-point-imports"
# From this many files on, a report run on a terminal says what it is doing.
PROGRESS_FROM_FILES = 1000
# Enough of a module for its docstring.
HEAD_BYTES = 1 << 16
SCRIPT_BYTES = 1 << 20
SCRIPT_NAMESPACE = "is-script-1"


def add_report_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "report",
        help="write the audit of the whole repository: services, entry points, distroless"
        " verdicts, leftovers and what to do first",
        description="Write the audit of the whole repository that holds PATH (default: the"
        " current folder), from the same findings `lucid-hooks check` reports.",
    )
    report.add_argument("path", nargs="?", default=os.curdir, metavar="PATH")
    report.add_argument(
        "--format",
        choices=FORMATS,
        default="markdown",
        help="markdown (GitHub-flavoured, with a Mermaid diagram), json (docs/report.schema.json)"
        " or sarif (2.1.0, for GitHub code scanning)",
    )
    report.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the report to FILE (a new or a regular file, replaced whole) instead of"
        " stdout (`-`)",
    )
    add_cache_argument(report)
    add_selection_arguments(report)


def run_report(args: argparse.Namespace) -> int:
    where = os.path.abspath(args.path)
    if not os.path.isdir(where):
        return usage_error(PROG, f"{args.path}: not a folder")
    root, _ = find_root(where)
    invocation = Invocation.start(
        PROG, [root], cache=args.cache, selection=Selection.of(args), cwd=where
    )
    if invocation is None or invocation.status == 2:
        return 2
    progress = Progress.on_terminal(len(invocation.snapshot.tracked() or ()))
    findings, messages = invocation.run_every_hook(
        as_given=False, fix=False, starting=progress.starting
    )
    progress.say("describing the services and entry points")
    inputs = report_inputs(invocation, findings, messages)
    progress.done()
    invocation.snapshot.save()
    text = render_report(inputs, args.format, findings, messages, invocation.snapshot.root)
    if args.output in (None, "-"):
        write_output(text)
        return 0
    return write_report(args.output, text)


def report_inputs(invocation: Invocation, findings: list[Finding], messages: list[str]) -> Inputs:
    """What the report is built from: the run's findings, and the entry
    point analysis the hook made (the same, kept for the run)."""
    from lucid_hooks.check_entry_point_imports import Settings, repository_analysis
    from lucid_hooks.globs import GlobSet
    from lucid_hooks.registry import all_rules, load_hook
    from lucid_hooks.report_model import Inputs

    snapshot, config = invocation.snapshot, invocation.config
    hook = load_hook(ENTRY_HOOK)
    context = invocation.context(hook, [], [], config.hook_options(hook))
    analysed = snapshot.files(context.excludes)
    analysis = repository_analysis(snapshot, analysed, Settings.of(context))
    options = config.report_options()
    files = snapshot.files(config.excludes)
    rules = all_rules()
    return Inputs(
        repository=os.path.basename(snapshot.root) or snapshot.root,
        version=__version__,
        files=files,
        findings=findings,
        messages=messages,
        entries=analysis.entries,
        reports=analysis.reports,
        analysed=analysed,
        dockerfiles=frozenset(path for path in files if "dockerfile" in snapshot.tags(path)),
        services=[str(glob) for glob in _strings(options["services"])],
        orphans=_orphans(
            invocation, analysed, analysis.entries, GlobSet(_strings(options["roots"]))
        ),
        head=lambda path: _read(invocation, path, HEAD_BYTES),
        rule_names={rule.code: rule.name for rule in rules},
        rule_titles={rule.code: rule.summary for rule in rules},
    )


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, (list, tuple)) else []


def _read(invocation: Invocation, path: str, limit: int) -> bytes | None:
    """The first bytes of a repository file; None when it cannot be read or
    is a link to something outside the repository (whose text is not the
    repository's to show)."""
    snapshot = invocation.snapshot
    if snapshot.is_symlink(path) or snapshot.inside_link(posixpath.dirname(path)):
        real, root = os.path.realpath(snapshot.absolute(path)), os.path.realpath(snapshot.root)
        if os.path.commonpath((real, root)) != root:
            return None
    try:
        return snapshot.head(path, limit)
    except OSError:
        return None


def _orphans(
    invocation: Invocation,
    analysed: list[str],
    entries: tuple[EntryRow, ...],
    roots: GlobSet,
) -> list[str]:
    """The modules no entry point, test, script, plugin, framework or root reaches."""
    from lucid_hooks.orphans import (
        framework_loaded,
        is_started,
        is_test_file,
        orphan_modules,
        plugin_starts,
        reached_from,
        unreached_modules,
    )

    reached = {analysed[index] for entry in entries for index in entry.reached}
    unreached = unreached_modules(analysed, reached)
    if not unreached:
        return []
    tests = [path for path in unreached if is_test_file(path)]
    is_script = functools.partial(_is_script, invocation)
    scripts = [
        path for path in unreached if not is_test_file(path) and is_started(path, is_script)
    ]
    from lucid_hooks.entry_point_analysis import Repository

    repo = Repository(invocation.snapshot, analysed)
    try:
        read = functools.partial(_read, invocation, limit=SCRIPT_BYTES)
        plugins = plugin_starts(analysed, read, repo.tree)
        if tests or scripts or plugins:
            reached.update(reached_from(repo, tests, scripts, plugins))
    finally:
        repo.close()
    loaded = framework_loaded(analysed)
    return orphan_modules(unreached_modules(unreached, reached), roots, loaded)


def _is_script(invocation: Invocation, path: str) -> bool:
    """Whether the module is meant to be run (kept in the disk cache by
    content: a warm report reads no module for it); an unreadable one is
    taken for a script, so that it is never called an orphan."""
    from lucid_hooks.orphans import is_script_source

    try:
        found = invocation.snapshot.derived(
            SCRIPT_NAMESPACE, path, SCRIPT_BYTES, is_script_source, _stored_flag, _restored_flag
        )
    except OSError:
        return True
    return True if found is None else found


def _stored_flag(flag: bool) -> tuple[object, ...]:
    return (flag,)


def _restored_flag(value: tuple[object, ...]) -> bool | None:
    return value[0] if len(value) == 1 and isinstance(value[0], bool) else None


def render_report(
    inputs: Inputs, output_format: str, findings: list[Finding], messages: list[str], root: str
) -> str:
    if output_format == "sarif":
        from lucid_hooks.sarif import render_sarif

        # The root keys the fingerprints as the hooks' own `--format sarif` does.
        return render_sarif(findings, messages, root=root)
    from lucid_hooks.report_model import build_report
    from lucid_hooks.report_render import render_json, render_markdown

    report = build_report(inputs)
    return render_json(report) if output_format == "json" else render_markdown(report)


def write_report(path: str, text: str) -> int:
    """Write ``text`` to ``path`` whole or not at all: into a new file
    beside it, then renamed over it. Only a regular file is replaced: a
    symlink, a folder or a device there is refused (a report that replaced
    `/dev/stdout` or wrote through a link would be a surprise)."""
    import stat
    import tempfile

    if not path:
        return usage_error(PROG, "--output: an empty path (`-` is stdout)")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        return usage_error(PROG, f"{path}: cannot write: {error.strerror or error}")
    if mode is not None and not stat.S_ISREG(mode):
        what = "a symlink" if stat.S_ISLNK(mode) else "not a regular file"
        return usage_error(PROG, f"{path}: {what}: not written (name a new or a regular file)")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".lucid-report-")
    except OSError as error:
        return usage_error(PROG, f"{path}: cannot write: {error.strerror or error}")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        os.unlink(temporary)
        return usage_error(PROG, f"{path}: cannot write: {error.strerror or error}")
    return 0


class Progress:
    """What the report is doing, on one line of stderr that it rewrites:
    only on a terminal, and only for a repository large enough to wait for."""

    __slots__ = ("_shown",)

    def __init__(self, shown: bool) -> None:
        self._shown = shown

    @classmethod
    def on_terminal(cls, files: int) -> Progress:
        isatty = getattr(sys.stderr, "isatty", None)
        return cls(bool(isatty and isatty()) and files >= PROGRESS_FROM_FILES)

    def starting(self, hook: Hook, number: int, count: int) -> None:
        self.say(f"[{number}/{count}] {hook.id}")

    def say(self, what: str) -> None:
        if self._shown:
            write_error(f"\r\033[K{PROG}: {what}")
            sys.stderr.flush()

    def done(self) -> None:
        if self._shown:
            write_error("\r\033[K")
            sys.stderr.flush()
