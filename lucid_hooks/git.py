"""Read-only git access: where the repository is, what it tracks, what it
ignores. Hooks never change the index; every command here only reads.

git honours ``GIT_INDEX_FILE``, so a temporary index that pre-commit or
``git commit -a`` set up is the one read.
"""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


class Root(NamedTuple):
    path: str
    is_git: bool  # a git work tree, not just the folder a run started in


def find_root(start: str) -> Root:
    """The repository root above ``start`` and whether it is a git work tree.

    A folder holding ``.git`` (a folder, or a file for worktrees and
    submodules) is the root; outside a repository the start folder is.
    """
    current = os.path.abspath(start)
    while True:
        if os.path.lexists(os.path.join(current, ".git")):
            return Root(current, True)
        parent = os.path.dirname(current)
        if parent == current:
            return Root(os.path.abspath(start), False)
        current = parent


def run_git(
    root: str, args: Sequence[str], stdin: bytes | None = None, success: Sequence[int] = (0,)
) -> bytes | None:
    """The output of a git command, None when git is missing or exits with
    a status not in ``success``."""
    try:
        completed = subprocess.run(
            ("git", *args),
            cwd=root,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    except OSError:
        return None
    return completed.stdout if completed.returncode in success else None


def git_lines(root: str, *args: str) -> list[str] | None:
    """NUL-separated output of a read-only git command, None if git fails."""
    output = run_git(root, args)
    if output is None:
        return None
    return [line for line in os.fsdecode(output).split("\0") if line]


def tracked_files(root: str) -> list[str] | None:
    return git_lines(root, "ls-files", "-z", "--cached", "--full-name")


def settled_files(root: str) -> dict[str, str] | None:
    """The index's files (``GIT_INDEX_FILE`` honoured) that are settled, each
    with its record; see `PendingSettledFiles`. None if git fails."""
    pending = PendingSettledFiles.start(root)
    listed = pending.result() if pending is not None else None
    return listed.settled if listed is not None else None


def index_file_size(root: str) -> int | None:
    """The size of the index file git reads for ``root`` (``GIT_INDEX_FILE``,
    or the one of the repository or worktree ``.git`` names), None when it
    cannot be found: about 100 bytes per file, a count without running git."""
    index = os.environ.get("GIT_INDEX_FILE")
    if not index:
        dot_git = os.path.join(root, ".git")
        if os.path.isfile(dot_git):
            try:
                with open(dot_git, encoding="utf-8", errors="replace") as file:
                    line = file.readline()
            except OSError:
                return None
            if not line.startswith("gitdir:"):
                return None
            dot_git = os.path.join(root, line[len("gitdir:") :].strip())
        index = os.path.join(dot_git, "index")
    try:
        return os.stat(os.path.join(root, index)).st_size
    except OSError:
        return None


class IndexListing(NamedTuple):
    """The index's files, and the settled ones with their records."""

    tracked: list[str]
    settled: dict[str, str]


class PendingSettledFiles:
    """`settled_files` while git works them out, so that the caller can do
    other work meanwhile. A settled file is one that ``git ls-files --stage
    -v`` tags ``H`` at stage 0 (not skip-worktree, not unmerged, and not
    assume-unchanged, which ``-v`` tags in lower case: git stops looking at
    those) and that ``git diff-files`` does not report (git's own
    comparison of stat data, content-checked where the stat data cannot
    tell); its record is ``"H MODE OBJECT 0"`` as ls-files prints it. The
    two commands run at once."""

    def __init__(self, root: str, changes: subprocess.Popen[bytes]) -> None:
        self.root = root
        self.changes = changes

    @classmethod
    def start(cls, root: str) -> PendingSettledFiles | None:
        try:
            changes = subprocess.Popen(
                ("git", "diff-files", "--name-only", "-z", "--ignore-submodules"),
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return None
        return cls(root, changes)

    def discard(self) -> None:
        """Stops git, for a run that never asked for the result."""
        self.changes.kill()
        self.changes.communicate()

    def result(self) -> IndexListing | None:
        with self.changes as changes:
            listing = run_git(
                self.root, ("ls-files", "-z", "--cached", "--full-name", "--stage", "-v")
            )
            changed_output = changes.stdout.read() if changes.stdout else b""
        if listing is None or changes.returncode != 0:
            return None
        tracked, settled = _settled_records(os.fsdecode(listing))
        for path in os.fsdecode(changed_output).split("\0"):
            settled.pop(path, None)
        return IndexListing(tracked, settled)


def _settled_records(listing: str) -> tuple[list[str], dict[str, str]]:
    """The paths of ``ls-files --stage -v -z`` output (an unmerged one once)
    and the record of each tagged ``H`` at stage 0."""
    count = listing.count("\0")
    no_tabs = listing.count("\t") == count  # in paths: each record has one
    if no_tabs:
        # Split in C: a large index is 100,000 lines.
        fields = listing[:-1].replace("\0", "\t").split("\t")
        records, paths = fields[0::2], fields[1::2]
    else:
        pairs = [line.partition("\t") for line in listing.split("\0")[:-1]]
        records, paths = [pair[0] for pair in pairs], [pair[2] for pair in pairs]
    all_settled = listing.startswith("H ") + listing.count("\0H ") == count
    tracked = list(dict.fromkeys(paths))
    if no_tabs and all_settled and listing.count(" 0\t") == count:
        return tracked, dict(zip(paths, records))  # every file: the usual case
    settled = {
        path: record
        for record, path in zip(records, paths)
        if record.startswith("H ") and record.endswith(" 0")
    }
    return tracked, settled


def staged_deletions(root: str) -> list[str]:
    """Files the index deletes relative to HEAD (renames count as deletions)."""
    lines = git_lines(
        root, "diff", "--cached", "--name-only", "--no-renames", "--diff-filter=D", "-z"
    )
    return lines or []


def untracked_files(root: str, folders: Iterable[str]) -> list[str]:
    """Files below ``folders`` that git neither tracks nor ignores: what
    ``git add`` would add. A nested repository (listed as ``folder/``) is
    left out: it is not ours to check."""
    pathspecs = [folder for folder in folders if folder]
    lines = git_lines(
        root,
        "--literal-pathspecs",
        "ls-files",
        "-z",
        "--others",
        "--exclude-standard",
        "--full-name",
        "--",
        *pathspecs,
    )
    return [path for path in lines or () if not path.endswith("/")]


class IgnoreRule(NamedTuple):
    """The ignore rule git applies to a path: where it is and its text."""

    source: str
    line: str
    pattern: str

    @property
    def negated(self) -> bool:
        """A ``!`` rule: it un-ignores the path on purpose."""
        return self.pattern.startswith("!")


def ignore_rules(root: str, paths: Iterable[str]) -> dict[str, IgnoreRule] | None:
    """The rule that decides each path, asked of ``git check-ignore`` once;
    paths no rule matches are absent. None when git cannot answer.

    ``--no-index`` judges tracked files too; ``--verbose --non-matching``
    names the deciding rule, so a ``!`` rule is told apart from no rule.
    """
    payload = b"".join(os.fsencode(path) + b"\0" for path in paths)
    output = run_git(
        root,
        ("check-ignore", "--no-index", "--verbose", "--non-matching", "-z", "--stdin"),
        stdin=payload,
        success=(0, 1),  # 1: no path matched a rule
    )
    if output is None:
        return None
    fields = os.fsdecode(output).split("\0")
    rules: dict[str, IgnoreRule] = {}
    for start in range(0, len(fields) - 3, 4):
        source, line, pattern, path = fields[start : start + 4]
        if pattern:
            rules[path] = IgnoreRule(source, line, pattern)
    return rules
