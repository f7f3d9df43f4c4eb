"""check-cache-artifacts: committed caches and build output (LH3xx).

A ``__pycache__/`` folder, a ``.pyc`` or a ``.pytest_cache/`` in git is noise
in every diff and goes stale on the next run. The hook flags such files among
those it is given, adds the missing patterns to the root ``.gitignore`` (the
only fix it makes), and prints the ``git rm --cached`` command that untracks
what is already committed: hooks never touch the index themselves.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks import git
from lucid_hooks.findings import Finding, LineReader, is_suppressed
from lucid_hooks.globs import DEFAULT_EXCLUDES, GlobSet
from lucid_hooks.options import BOOL, IGNORE_GLOBS, Option
from lucid_hooks.paths import (
    ancestors,
    display_path,
    escape_unprintable,
    parent_folder,
    path_selector,
)
from lucid_hooks.registry import FileSelection, Hook
from lucid_hooks.rules import Rule
from lucid_hooks.runner import HookContext, run_hook
from lucid_hooks.safe_writes import append_missing_lines, open_regular_file, read_all, text_lines
from lucid_hooks.snapshot import walk_files

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

HOOK_ID = "check-cache-artifacts"
GITIGNORE = ".gitignore"

COMMITTED_ARTIFACT = Rule(
    code="LH301",
    name="committed-cache-artifact",
    hook=HOOK_ID,
    summary="A cache or build artifact is committed, or nothing stops it from being",
    explanation="""
        A file matches one of the cache patterns (``__pycache__/``,
        ``*.pyc``, ``.pytest_cache/``, ``*.egg-info/``, ``.coverage``, ... or
        the configured ``patterns``) and is tracked by git, or is not tracked
        but no ignore rule covers it, so the next ``git add .`` commits it.
        Committed caches change with every test run or import, bloat the
        history and every image built with ``COPY . .``, and a stray ``.pyc``
        whose source was deleted is still importable. The hook never changes
        the index: it prints the exact ``git rm -r --cached`` command that
        untracks the files (folders such as ``__pycache__/`` are named once)
        and leaves them on disk. A file that is already ignored and
        untracked is not reported.
    """,
    bad="""
$ git ls-files sessions/__pycache__
sessions/__pycache__/session_recorder.cpython-311.pyc
""",
    good="""
$ git rm -r --cached -- sessions/__pycache__
$ git ls-files sessions/__pycache__
""",
)

PATTERN_NOT_IGNORED = Rule(
    code="LH302",
    name="cache-pattern-not-ignored",
    hook=HOOK_ID,
    summary="The repository's `.gitignore` lacks the pattern of a cache artifact",
    explanation="""
        A cache artifact was found that no ignore rule covers: not the root
        or a nested ``.gitignore``, nor ``.git/info/exclude``, as
        ``git check-ignore`` decides it. Until a rule covers it, every clone
        that runs the tests or imports the code can commit it again. The fix
        appends the pattern to the root ``.gitignore``, creating the file if
        needed; existing lines are never changed or reordered, a pattern is
        never added twice (parallel hook runs lock the file), and a
        symlinked ``.gitignore`` is never written through. A pattern that a
        later ``!`` rule un-ignores on purpose is left alone. One finding per
        missing pattern, at line 1 of ``.gitignore``, where a
        ``# lucid: ignore[LH302]`` comment switches the rule off.
    """,
    bad="""
# .gitignore
.venv/
""",
    good="""
# .gitignore
.venv/
__pycache__/
*.pyc
""",
    fix="safe: appends the missing pattern to the root `.gitignore` (creates it if absent;"
    " never rewrites a line, never writes through a symlink)",
)

RULES = (COMMITTED_ARTIFACT, PATTERN_NOT_IGNORED)

# What the hook looks for, in .gitignore syntax (a trailing `/` names
# folders only); the lines its fix appends to .gitignore.
CACHE_PATTERNS = (
    "__pycache__/",
    "*.pyc",
    "*.pyo",
    "*$py.class",
    ".pytest_cache/",
    ".mypy_cache/",
    ".ruff_cache/",
    ".tox/",
    ".nox/",
    "*.egg-info/",
    ".coverage",
    ".coverage.*",
    ".ipynb_checkpoints/",
)

OPTIONS = (
    Option("fix", BOOL, True, "append the missing patterns to `.gitignore`", flag="--fix"),
    Option(
        "patterns",
        IGNORE_GLOBS,
        CACHE_PATTERNS,
        "the cache patterns, in .gitignore syntax (replaces the default list)",
        flag="--pattern",
    ),
    Option(
        "extend-patterns",
        IGNORE_GLOBS,
        (),
        "patterns added to the default ones",
        flag="--extend-pattern",
    ),
)

# Inside $'...': the quote and the backslash, and the controls with names.
_ANSI_C_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters that make a git pathspec a glob or give it magic.
_PATHSPEC_SPECIAL = frozenset("*?[]\\")


class CachePattern:
    """One configured pattern: which paths it names, and its ``.gitignore`` line.

    The pattern syntax is gitignore's (the line written is the pattern
    itself); a trailing ``/`` names folders only, as in git, so a file called
    ``__pycache__`` is no match for ``__pycache__/``.
    """

    __slots__ = ("folder_only", "line", "literal", "name_globs")

    def __init__(self, text: str) -> None:
        self.line = text
        self.folder_only = text.endswith("/")
        self.name_globs = GlobSet([text.rstrip("/")])
        self.literal = _literal_part(text)

    def path_glob(self) -> str:
        """A glob over file paths: for a folder pattern, the files below it."""
        if not self.folder_only:
            return self.line
        name = self.line.rstrip("/")
        anchored = "/" in name
        return f"{name}/**" if anchored else f"**/{name}/**"

    def unit(self, path: str) -> str | None:
        """The shallowest folder of ``path`` (or the path itself) the pattern
        names: what ``git rm -r --cached`` should be given; None if none."""
        parts = path.split("/")
        last = len(parts) - 1 if self.folder_only else len(parts)
        for depth in range(1, last + 1):
            prefix = "/".join(parts[:depth])
            # Shallowest first: a match here is the prefix's own, since a
            # matching folder above it would have been returned already.
            if self.name_globs.matches(prefix):
                return prefix
        return None


def _literal_part(text: str) -> str:
    """The longest run of characters that every path the pattern names holds
    as it is ("" when none): the part of one name between wildcards, before
    any bracket (whose contents are not literal)."""
    literal_text = text.split("[", 1)[0]
    return max(re.split(r"[*?/]", literal_text), key=len)


class Scanner:
    """Matches paths against all patterns: one regex for the common miss."""

    __slots__ = ("any_pattern", "patterns")

    def __init__(self, patterns: Sequence[CachePattern]) -> None:
        self.patterns = patterns
        self.any_pattern = GlobSet(pattern.path_glob() for pattern in patterns)

    def candidates(self, paths: list[str]) -> list[str]:
        """The ``paths`` (in order) that hold some pattern's literal part, a
        superset of those that `match`: found by `str.find` over them all
        joined, a tenth of the time of matching each path of a 100k-file
        index. Every path, when a pattern has no literal part (``*``)."""
        literals = {pattern.literal for pattern in self.patterns}
        if "" in literals:
            return paths
        # A path holding `.coverage.` holds `.coverage`: one scan finds both.
        literals = {
            text
            for text in literals
            if not any(other != text and other in text for other in literals)
        }
        joined = "\0" + "\0".join(paths) + "\0"  # git paths never hold NUL
        found: dict[int, str] = {}
        for literal in literals:
            at = joined.find(literal)
            while at >= 0:
                start = joined.rfind("\0", 0, at) + 1
                end = joined.find("\0", at)
                found[start] = joined[start:end]
                at = joined.find(literal, end)
        return [found[start] for start in sorted(found)]

    def match(self, path: str) -> PatternMatch | None:
        """The pattern naming the shallowest part of ``path``, and that part."""
        if not self.any_pattern.matches(path):
            return None
        best: PatternMatch | None = None
        for pattern in self.patterns:
            unit = pattern.unit(path)
            if unit is not None and (best is None or unit.count("/") < best.unit.count("/")):
                best = PatternMatch(pattern, unit)
        return best


class PatternMatch(NamedTuple):
    """The pattern that names a path, and the part of the path it names."""

    pattern: CachePattern
    unit: str


class Artifact:
    """A path that matches a pattern, with what git says about it."""

    __slots__ = ("ignored_by", "path", "pattern", "tracked", "unignored_by", "unit")

    def __init__(self, path: str, pattern: CachePattern, unit: str) -> None:
        self.path = path
        self.pattern = pattern
        self.unit = unit
        self.tracked: bool | None = None  # None: not a git repository, or git failed
        self.ignored_by: str | None = None  # the rule that ignores it
        self.unignored_by: str | None = None  # a `!` rule that un-ignores it on purpose


class ArtifactFinding(Finding):
    """An LH301 finding that remembers what ``git rm --cached`` should
    untrack: its own file or folder, and every tracked artifact's (the same
    tuple for all findings of a run)."""

    __slots__ = ("everywhere", "untrack")

    def __init__(
        self, path: str, message: str, untrack: str | None, everywhere: Sequence[str] = ()
    ) -> None:
        super().__init__(path, COMMITTED_ARTIFACT.code, message)
        self.untrack = untrack
        self.everywhere = everywhere


def find_cache_artifacts(context: HookContext) -> list[Finding]:
    """LH301 on the given artifacts; LH302 and the untrack command from
    every artifact of the repository, so that each of pre-commit's batches
    says the same about the repository (and prints it once, see `batches`)."""
    scanner = Scanner(configured_patterns(context))
    given = artifacts_among(context, scanner, context.files)
    tracked = None
    if context.folders:
        tracked = tracked_artifacts(context, scanner)
        given.update(artifacts_among(context, scanner, files_below(context, tracked, scanner)))
    if not given:
        return []
    if tracked is None:
        # Listed only now: a commit without artifacts costs no `git ls-files`.
        tracked = tracked_artifacts(context, scanner)
    everywhere = dict(tracked or {})
    for path, artifact in given.items():
        if tracked is not None:
            artifact.tracked = path in tracked
        everywhere.setdefault(path, artifact)
    artifacts = list(everywhere.values())
    judged = context.is_git and judge_with_git(context.root, artifacts)
    root_lines = read_ignore_lines(context.root)
    if not judged:
        # Outside git (or when git fails) only the root .gitignore is known.
        for artifact in artifacts:
            if artifact.pattern.line in root_lines:
                artifact.ignored_by = f"`{GITIGNORE}` (`{artifact.pattern.line}`)"
    units = untrack_units(context, tracked.values()) if tracked else ()
    return [
        *artifact_findings((everywhere[path] for path in given), units),
        *missing_pattern_findings(context.root, artifacts, root_lines),
    ]


def configured_patterns(context: HookContext) -> list[CachePattern]:
    texts = [*context.strings("patterns"), *context.strings("extend-patterns")]
    return [CachePattern(text) for text in dict.fromkeys(texts)]


def artifacts_among(
    context: HookContext, scanner: Scanner, paths: Iterable[str]
) -> dict[str, Artifact]:
    """The artifacts among ``paths``, by path; never inside ``.git``, a
    symlinked folder or the user's excludes."""
    artifacts = {}
    for path in paths:
        match = scanner.match(path)
        if (
            match is None
            or _in_git_folder(path)
            or context.excludes.matches(path)
            or context.snapshot.inside_link(parent_folder(path))
        ):
            continue
        artifacts[path] = Artifact(path, match.pattern, match.unit)
    return artifacts


def tracked_artifacts(context: HookContext, scanner: Scanner) -> dict[str, Artifact] | None:
    """Every artifact the index holds; None outside git or when git fails."""
    index = context.snapshot.tracked() if context.is_git else None
    if index is None:
        return None
    artifacts = artifacts_among(context, scanner, scanner.candidates(index))
    for artifact in artifacts.values():
        artifact.tracked = True
    return artifacts


def files_below(
    context: HookContext, tracked: dict[str, Artifact] | None, scanner: Scanner
) -> list[str]:
    """The files under the folders given on the command line that may be
    artifacts: tracked ones and untracked ones git does not ignore, or every
    file outside git."""
    folders = context.folders
    if tracked is not None:
        given = path_selector((), folders)
        listed = [path for path in tracked if given(path)]
        listed.extend(git.untracked_files(context.root, folders))
    else:
        # Walk past the default excludes that are themselves caches, and
        # still skip the rest (.git, .venv, node_modules, ...).
        skipped = [
            name for name in DEFAULT_EXCLUDES if scanner.match(f"{name}/{name}.probe") is None
        ]
        excludes = GlobSet((*skipped, *context.excludes.patterns))
        listed = [
            path for folder in folders for path in walk_files(context.root, folder, excludes)
        ]
    return [path for path in listed if not context.excludes.matches(path)]


def untrack_units(context: HookContext, tracked: Iterable[Artifact]) -> tuple[str, ...]:
    """What ``git rm -r --cached`` should be given to untrack every tracked
    artifact whose LH301 the configuration and inline comments leave on:
    the command of a run over all files, whichever files a batch holds."""
    paths_by_unit: dict[str, list[str]] = {}
    for artifact in tracked:
        if not context.config.is_ignored(COMMITTED_ARTIFACT.code, artifact.path):
            paths_by_unit.setdefault(artifact.unit, []).append(artifact.path)
    reader = LineReader(context.root)
    # One reported file is enough for its folder: mostly one line read per unit.
    return tuple(
        sorted(
            unit
            for unit, paths in paths_by_unit.items()
            if not all(is_suppressed(_committed(path), reader) for path in paths)
        )
    )


def _committed(path: str) -> Finding:
    return Finding(path, COMMITTED_ARTIFACT.code, "")


def _in_git_folder(path: str) -> bool:
    return path == ".git" or path.startswith(".git/") or "/.git/" in path


def judge_with_git(root: str, artifacts: Sequence[Artifact]) -> bool:
    """Ask git once which rules ignore the artifacts. A folder that a ``!``
    rule un-ignores shows only on the folder itself, so the units are asked
    as well. False when git cannot answer."""
    if not _ignore_files_are_plain(root, artifacts):
        return False
    queries = dict.fromkeys(artifact.path for artifact in artifacts)
    queries.update(dict.fromkeys(artifact.unit for artifact in artifacts))
    rules = git.ignore_rules(root, queries)
    if rules is None:
        return False
    for artifact in artifacts:
        own = rules.get(artifact.path)
        folder = rules.get(artifact.unit)
        if own and not own.negated:
            artifact.ignored_by = _describe_rule(own)
        elif own:
            artifact.unignored_by = _describe_rule(own)
        elif folder and folder.negated:
            artifact.unignored_by = _describe_rule(folder)
    return True


def _ignore_files_are_plain(root: str, artifacts: Sequence[Artifact]) -> bool:
    """Whether every ``.gitignore`` git reads for these paths is a regular
    file or absent: git would block forever opening a FIFO there."""
    import stat

    folders = {""}
    for artifact in artifacts:
        folders.update(ancestors(parent_folder(artifact.path)))
    for folder in folders:
        try:
            mode = os.stat(os.path.join(root, folder, GITIGNORE)).st_mode
        except OSError:
            continue  # absent, or a link git will not follow either
        if not stat.S_ISREG(mode):
            return False
    return True


def _describe_rule(rule: git.IgnoreRule) -> str:
    return f"`{display_path(rule.source)}:{rule.line}` (`{display_path(rule.pattern)}`)"


def artifact_findings(artifacts: Iterable[Artifact], units: Sequence[str]) -> list[Finding]:
    """LH301 for each artifact git tracks or would add; ``units`` is what the
    untrack command names (every tracked artifact's)."""
    findings: list[Finding] = []
    for artifact in artifacts:
        matching = f"cache artifact matching `{artifact.pattern.line}`"
        untrack = None
        if artifact.tracked:
            untrack = artifact.unit
            command = git_rm_command([artifact.unit])
            if artifact.unignored_by:
                message = (
                    f"{matching} is tracked by git, and {artifact.unignored_by} un-ignores it:"
                    f" untrack it with `{command}`, or ignore LH301 for it if that is on purpose"
                )
            else:
                # Whether a rule ignores it is left out: an earlier batch's
                # LH302 fix may have just added the rule, and the line must
                # read the same in every batch (an ignored file stays tracked).
                message = f"{matching} is tracked by git: untrack it with `{command}`"
        elif artifact.ignored_by:
            continue  # untracked and ignored: git will never commit it
        elif artifact.tracked is None:
            message = (
                f"{matching} is not ignored, and whether git tracks it is unknown"
                " (not a git repository, or git failed)"
            )
        elif artifact.unignored_by:
            message = (
                f"{matching} is not tracked, but {artifact.unignored_by} un-ignores it,"
                " so `git add` would commit it"
            )
        else:
            message = (
                f"{matching} is not tracked, but no ignore rule covers it,"
                " so `git add` would commit it"
            )
        findings.append(ArtifactFinding(artifact.path, message, untrack, units))
    return findings


def missing_pattern_findings(
    root: str, artifacts: Sequence[Artifact], root_lines: set[str]
) -> list[Finding]:
    """One LH302 per pattern whose artifacts no rule ignores and whose line
    the root ``.gitignore`` lacks (a present line that git overrides is the
    user's choice, and appending it again would duplicate it)."""
    uncovered: dict[str, list[Artifact]] = {}
    for artifact in artifacts:
        line = artifact.pattern.line
        if artifact.ignored_by or artifact.unignored_by or line in root_lines:
            continue
        uncovered.setdefault(line, []).append(artifact)
    if not uncovered:
        return []
    linked = os.path.islink(os.path.join(root, GITIGNORE))
    findings: list[Finding] = []
    for line, group in uncovered.items():
        example = display_path(min(artifact.path for artifact in group))
        count = f"{len(group)} cache artifacts" if len(group) > 1 else "a cache artifact"
        message = (
            f"`{GITIGNORE}` does not ignore `{line}`: {count} such as `{example}`"
            " could be committed"
        )
        if linked:
            message += f"; `{GITIGNORE}` is a symlink, which the fix will not write through"
        findings.append(
            Finding(GITIGNORE, PATTERN_NOT_IGNORED.code, message, fix=_appender(root, line))
        )
    return findings


def _appender(root: str, line: str) -> Callable[[], str | None]:
    def append() -> str | None:
        added = append_missing_lines(os.path.join(root, GITIGNORE), [line])
        return f"Added `{line}` to {GITIGNORE}" if added else None

    return append


def untrack_note(findings: Sequence[Finding]) -> list[str]:
    """The one command that untracks every committed artifact of the
    repository, once an LH301 is reported: the same in every batch, so
    pre-commit prints it once (see `batches`)."""
    units: set[str] = set()
    for finding in findings:
        if isinstance(finding, ArtifactFinding):
            units.update(finding.everywhere)
            if finding.untrack:
                units.add(finding.untrack)
    if not units:
        return []
    return [
        "To untrack the committed cache artifacts (the hook never changes the index),"
        f" run at the repository root: {git_rm_command(sorted(units))}"
    ]


def git_rm_command(paths: Sequence[str]) -> str:
    """``git rm -r --cached -- PATHS``, quoted for a POSIX shell.

    git reads the paths as pathspecs: ``x[1].pyc`` would also untrack
    ``x1.pyc``, and a leading ``:`` is magic, so such paths switch on
    ``--literal-pathspecs``.
    """
    literal = any(path.startswith(":") or not _PATHSPEC_SPECIAL.isdisjoint(path) for path in paths)
    words = ["git", "--literal-pathspecs"] if literal else ["git"]
    words.extend(("rm", "-r", "--cached", "--"))
    words.extend(shell_quote(path) for path in paths)
    return " ".join(words)


def shell_quote(word: str) -> str:
    """shlex.quote, or ``$'...'`` (bash, zsh, ksh, POSIX.1-2024) when the word
    holds control characters or bytes that were not UTF-8, which a one-line
    command cannot hold literally."""
    if word.isprintable():
        import shlex

        return shlex.quote(word)
    return "$'" + escape_unprintable(word, _ANSI_C_ESCAPES) + "'"


def read_ignore_lines(root: str) -> set[str]:
    """The root ``.gitignore``'s lines; none if it is absent, unreadable or a
    symlink (git itself does not follow a symlinked ``.gitignore``)."""
    try:
        fd = open_regular_file(os.path.join(root, GITIGNORE), os.O_RDONLY)
    except OSError:
        return set()
    try:
        return text_lines(read_all(fd))
    except OSError:
        return set()
    finally:
        os.close(fd)


HOOK = Hook(
    id=HOOK_ID,
    name="check committed cache artifacts",
    description="Finds committed __pycache__/, *.pyc and other caches, adds the missing"
    " patterns to .gitignore and prints the git rm --cached command (LH3xx).",
    rules=RULES,
    options=OPTIONS,
    # Every path: .pyc and other caches are binary or have no identify type,
    # and a committed symlink can be an artifact too (types: [] drops the
    # default [file]). Parallel batches would be safe (the .gitignore fix
    # locks the file); serial lets a batch see the earlier batches' fixes and
    # printed lines, so the run prints one `git rm --cached` command.
    selection=FileSelection(types=(), types_or=("file", "symlink"), require_serial=True),
    find=find_cache_artifacts,
    summarize=untrack_note,
    # .mypy_cache, .tox, ... are excluded for every other hook; they are
    # exactly what this one looks for.
    default_excludes=False,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK, argv)


if __name__ == "__main__":
    sys.exit(main())
