"""check-entry-point-imports: every entry point finds its local modules (LH2xx).

Each service entry point is followed, statically, from the command that
starts it (a Dockerfile's final stage, a ``[project.scripts]`` table, a
script, or the invocation a user would assume) through every local import
it reaches, resolved on the ``sys.path`` it really gets, in the files that
really exist where it runs. An import that would raise ``ModuleNotFoundError``
or ``ImportError`` is reported where it is written, naming the entry points
that reach it. The hook never imports or runs the code it checks.

This module declares the hook and keeps its result for the whole tree in
the disk cache; `entry_point_analysis` makes the result, and is imported
only when the tree changed since.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from lucid_hooks.cache import content_key
from lucid_hooks.findings import Finding
from lucid_hooks.options import TEXTS, Option
from lucid_hooks.paths import path_selector
from lucid_hooks.registry import FileSelection, Hook
from lucid_hooks.rules import Rule
from lucid_hooks.runner import HookContext, run_hook

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lucid_hooks.snapshot import Snapshot

HOOK_ID = "check-entry-point-imports"

MISSING_LOCAL_MODULE = Rule(
    code="LH201",
    name="missing-local-module",
    hook=HOOK_ID,
    summary="A local module an entry point imports is not on its sys.path",
    explanation="""
        An entry point reaches an `import` of a module whose top-level name
        is one of the repository's own (a package or module somewhere in
        it), but the module is not found on the `sys.path` the entry point
        runs with: the script's folder for `python path/x.py`, the working
        directory for `python -m` and app servers, then `PYTHONPATH`. In a
        container only the files that COPY put into the image exist. The
        service builds and deploys, then dies with `ModuleNotFoundError` on
        its first request or at start. Resolution follows CPython's path
        finder: a package folder with `__init__.py` beats a module file,
        which beats a namespace folder, and a namespace package spans every
        `sys.path` entry. Imports under `try`/`except ImportError` are
        optional and not reported; an import inside a function is reported
        too, saying that it fails when the function runs. Fix the import,
        move the module, or start the entry point so that the folder is on
        `sys.path` (`python -m` from the folder above the package,
        `PYTHONPATH`, `WORKDIR`, `COPY`).
    """,
    bad="""
# services/billing/Dockerfile: WORKDIR /app, COPY services/billing/ .,
# CMD ["python", "main.py"]
from libs.money import cents     # libs/ was never copied into the image
""",
    good="""
# COPY libs/ ./libs/ as well (or install libs as a package)
from libs.money import cents
""",
)

MISSING_NAME = Rule(
    code="LH202",
    name="name-not-in-module",
    hook=HOOK_ID,
    summary="`from module import name` names something the module does not define",
    explanation="""
        The module is found, but the name is neither a submodule of it nor
        bound in it (by an assignment, `def`, `class`, `import`, `for`,
        `with ... as` or `__all__`, anywhere in the file), so the import
        raises `ImportError: cannot import name`. A module with a star
        import, a module-level `__getattr__` or writes to `globals()` may
        bind any name and is never reported; neither is a compiled
        extension. Usually the name was renamed or moved: import it from
        where it lives now.
    """,
    bad="""
# wallet/keys.py defines load_key
from wallet.keys import read_key
""",
    good="""
from wallet.keys import load_key
""",
)

RELATIVE_IMPORT_FAILS = Rule(
    code="LH203",
    name="relative-import-fails",
    hook=HOOK_ID,
    summary="A relative import has no package to be relative to",
    explanation="""
        `from .x import y` is resolved against the package of the module
        that holds it. A file run as a script (`python recorder.py`) has no
        package, so every relative import in it raises `ImportError:
        attempted relative import with no known parent package`; so does one
        in a module an app server loads as top-level (`uvicorn main:app`).
        With more dots than the module has enclosing packages it raises
        `attempted relative import beyond top-level package`. Run the entry
        point as a module of its package (`python -m sessions.recorder` from
        the folder above `sessions/`), or import absolutely.
    """,
    bad="""
# sessions/Dockerfile: CMD ["python", "sessions/recorder.py"]
from .storage import save
""",
    good="""
# CMD ["python", "-m", "sessions.recorder"]
from .storage import save
""",
)

ENTRY_POINT_MISSING = Rule(
    code="LH204",
    name="entry-point-missing",
    hook=HOOK_ID,
    summary="The script or module an entry point starts does not exist where it runs",
    explanation="""
        A command names a script or module that is not there: a Dockerfile's
        `CMD ["python", "app/main.py"]` whose file COPY never put at
        `/app/app/main.py`, `python -m api.main` with no `api/main.py` on
        the working directory's path, a `[project.scripts]` entry
        `pkg.cli:main` with no `pkg/cli.py` in the project. The container or
        the command fails before any code of the service runs. Fix the path
        in the command, or the COPY.
    """,
    bad="""
# WORKDIR /app and COPY src/ /app/  (so the file is /app/api/main.py)
CMD ["python", "src/api/main.py"]
""",
    good="""
CMD ["python", "api/main.py"]
""",
)

SYNTAX_ERROR = Rule(
    code="LH205",
    name="syntax-error-reached",
    hook=HOOK_ID,
    summary="A file an entry point imports does not compile",
    explanation="""
        A module in the import closure of an entry point is not valid Python
        for the interpreter running the hook, so the entry point stops with
        `SyntaxError` as soon as it imports it (a leftover merge-conflict
        marker, Python 2 syntax, an unclosed bracket). The hook still reads
        the imports of such a file, as far as they can be told, and follows
        them. Compiling is its slowest step, so a module is compiled when it
        differs from the last commit, or when a fast screen finds a sign of
        trouble in it (conflict markers, Python 2 statements, template tags,
        NUL bytes, text that is not UTF-8, unbalanced brackets or triple
        quotes, tabs mixed with spaces); a committed module that shows no
        such sign is taken to compile. Fix the syntax; if the file is meant
        for a newer Python than the hook's, run the hook with that Python.
    """,
    bad="""
<<<<<<< HEAD
RATE = 3
=======
RATE = 4
>>>>>>> feature
""",
    good="""
RATE = 4
""",
)

RULES = (
    MISSING_LOCAL_MODULE,
    MISSING_NAME,
    RELATIVE_IMPORT_FAILS,
    ENTRY_POINT_MISSING,
    SYNTAX_ERROR,
)

OPTIONS = (
    Option(
        "entry-points",
        TEXTS,
        (),
        "more entry points, run from the repository root: a script path,"
        " `-m package.module` or `package.module:app`",
        flag="--entry-point",
    ),
)

ANALYSIS_NAMESPACE = "entry-analysis-1"
# A commit that deletes one of these may break an import anywhere.
DELETED_SOURCES = (".py", ".so", ".pyd", ".pth")

# (origin, indices of the repository files it runs) of each entry point, and
# (path, line, col, code, message, indices of the entry points that reach it)
# of each report: builtin data, as the disk cache keeps it.
EntryRow = tuple[str, tuple[int, ...]]
ReportRow = tuple[str, int, int, str, str, tuple[int, ...]]


def find_broken_imports(context: HookContext) -> list[Finding]:
    """The reports of every entry point that touches a passed file (the
    file that says how it starts, or a file it imports), each naming every
    entry point that reaches it: so each batch of pre-commit prints lines
    of one run over all files, and a commit that deletes a module checks
    every entry point (the module's importers were not passed)."""
    files = context.snapshot.files(context.excludes)
    entries, reports, unreadable = repository_analysis(
        context.snapshot, files, context.strings("entry-points")
    )
    # The folders given hold every file below them, of whatever type.
    passed = path_selector(context.given_files, context.folders)
    if any(path.endswith(DELETED_SOURCES) for path in context.snapshot.staged_deletions()):
        passed = _everything
    checked = {
        number
        for number, (origin, reached) in enumerate(entries)
        if passed(origin) or any(passed(files[index]) for index in reached)
    }
    findings = [
        Finding(path, code, message, line=line, column=col)
        for path, line, col, code, message, reaching in reports
        if not checked.isdisjoint(reaching)
    ]
    return unreadable + findings


def _everything(path: str) -> bool:
    return True


def repository_analysis(
    snapshot: Snapshot, files: Sequence[str], configured: Sequence[str]
) -> tuple[tuple[EntryRow, ...], tuple[ReportRow, ...], list[Finding]]:
    """The analysis of the whole repository, and the files it could not
    read: from the disk cache when no file (its path or content) nor the
    options changed since the run that made it. A run that could not read
    a file is not kept (the next may)."""
    cache = snapshot.cache
    where = content_key(snapshot.root)
    fingerprint = tree_fingerprint(snapshot, files, repr(sorted(configured)))
    kept = cache.get(ANALYSIS_NAMESPACE, where, tuple) if cache.enabled else None
    if kept is not None and len(kept) == 2 and kept[0] == fingerprint:
        restored = _restored_rows(kept[1])
        if restored is not None:
            return (*restored, [])
    from lucid_hooks.entry_point_analysis import Repository, analyse

    repo = Repository(snapshot, files)
    entries, reports = analyse(repo, configured)
    if cache.enabled and not repo.findings:
        cache.put(ANALYSIS_NAMESPACE, where, (fingerprint, (entries, reports)))
    return entries, reports, repo.findings


def tree_fingerprint(snapshot: Snapshot, files: Sequence[str], options: str) -> bytes:
    """A key that changes whenever a file (its path or its content), a
    staged deletion (a deleted module's name stays the repository's own) or
    the options do: any file can be copied into an image or name a module,
    so every one counts."""
    signatures = snapshot.signatures(files)
    deleted = snapshot.staged_deletions()
    # Paths and signatures hold no NUL: the joins tell them apart.
    return content_key(options, "\0".join(files), "\0".join(signatures), "\0".join(deleted))


def _restored_rows(value: object) -> tuple[tuple[EntryRow, ...], tuple[ReportRow, ...]] | None:
    if not isinstance(value, tuple) or len(value) != 2:
        return None
    entries, reports = value
    if not isinstance(entries, tuple) or not isinstance(reports, tuple):
        return None
    if not all(isinstance(entry, tuple) and len(entry) == 2 for entry in entries):
        return None
    if not all(isinstance(report, tuple) and len(report) == 6 for report in reports):
        return None
    return entries, reports


HOOK = Hook(
    id=HOOK_ID,
    name="check entry-point imports",
    description="Follows every service entry point's local imports on the sys.path it runs"
    " with, in its image, and reports those that would fail (LH2xx).",
    rules=RULES,
    options=OPTIONS,
    # Every entry point's closure is followed on each run (cached by
    # content), so one batch sees what the others see; serial lets the
    # later batches print only the lines the earlier ones did not. A deleted
    # module is never passed: always_run.
    # Any file can start, hold or break an entry point (a Procfile, a
    # .dockerignore, a requirements file): every file is passed.
    selection=FileSelection(always_run=True, require_serial=True),
    find=find_broken_imports,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK, argv)


if __name__ == "__main__":
    sys.exit(main())
