"""check-duplicate-modules: copies of code, stdlib shadowing, redundant Dockerfiles (LH4xx).

The twin of a changed file can be anywhere in the tree, so every tracked
Python module and Dockerfile is read, not only the files passed. Only
findings that involve a passed file are reported, and each is worded the
same whichever of its files was passed, so pre-commit's batches cannot change
the union of what is printed.

Speed: ``tokenize`` is pure Python up to 3.11 and reads about 3 MB/s, slower
than parsing, so the tree is compared on a cheap *skeleton* of each file (its
bytes without blanks, line breaks kept, and without anything from ``#`` to
the end of a line), made by C-level bytes operations. Files with equal token
streams have equal skeletons (but for a corner case, see `pysource.skeleton`);
``tokenize`` then confirms only the few files whose skeletons match, and the
skeleton's lines are what near duplicates are measured by.
"""

from __future__ import annotations

import os
import re
import stat
import sys

from lucid_hooks.findings import Finding
from lucid_hooks.paths import join, parent_folder, path_selector, repository_files
from lucid_hooks.pysource import skeleton, token_analysis
from lucid_hooks.rules import UNREADABLE_FILE, Rule
from lucid_hooks.runner import HookContext, HookSpec, run_hook
from lucid_hooks.similarity import similar_sets
from lucid_hooks.stdlib import NEVER_SHADOWED, describe_availability, is_stdlib_module

# Not typing.TYPE_CHECKING: importing typing costs a hook milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Collection, Iterable, Sequence

HOOK_ID = "check-duplicate-modules"

EXACT_DUPLICATE = Rule(
    code="LH401",
    name="duplicate-module",
    hook=HOOK_ID,
    summary="Two Python modules hold the same code",
    explanation="""
        Two modules have the same tokens once whitespace, blank lines,
        comments, line continuations and the width of indentation are set
        aside: one is a copy of the other. Copies drift apart, a fix lands in
        one of them only, and which one an import finds depends on
        ``sys.path``. The finding names both files on one line, on the copy
        that looks like the leftover: when one copy sits at the root of a
        package and the other in a subpackage named for it, the code moved
        into the subpackage and the root copy stayed behind; a path saying
        ``old``, ``backup`` or ``copy`` is the leftover too. Empty modules,
        modules of nothing but a docstring, and ``__init__.py`` files of only
        imports, ``__all__`` and other boilerplate are never reported. Nothing
        is deleted automatically: delete the leftover and import the other.
    """,
    bad="""
sessions/session_recorder.py            # same code as below
sessions/recorder/session_recorder.py
""",
    good="""
sessions/recorder/session_recorder.py   # the only copy
""",
)

NEAR_DUPLICATE = Rule(
    code="LH402",
    name="near-duplicate-module",
    hook=HOOK_ID,
    summary="Two Python modules share most of their code lines",
    explanation="""
        Two modules share at least the ``similarity`` fraction (default 0.85)
        of their distinct code lines, compared without blanks and comments
        (Jaccard similarity: shared lines over all lines of both). A copy was
        made and then edited a little, and the two will keep drifting.
        Modules with fewer than ``min-lines`` distinct code lines (default
        10) are left out, since short files are alike by chance. Each passed
        module is reported once, with the module most like it. Candidates are
        found through the rarest lines each module has (prefix filtering), so
        the cost follows the size of the tree rather than the number of pairs
        of modules, and no pair above the threshold is missed. Merge the two into
        one module, or make one import what it needs from the other.
    """,
    bad="""
billing/invoice.py      # 40 lines
billing/invoice_v2.py   # the same 40 lines, 3 of them changed
""",
    good="""
billing/invoice.py      # one module, with the change behind a parameter
""",
)

STDLIB_SHADOWING = Rule(
    code="LH403",
    name="stdlib-module-shadowed",
    hook=HOOK_ID,
    summary="A module named like a standard-library module sits beside an entry point",
    explanation="""
        ``python path/main.py`` puts the script's folder first on
        ``sys.path``, so a module in that folder named like a
        standard-library module (``logging.py``, ``types.py``,
        ``queue.py``) replaces it for the whole process: every ``import
        logging``, in the service and in the libraries it uses, finds the
        local file. The failure shows up far from its cause, often as a
        circular import or a missing attribute. A folder counts when it holds
        a ``main.py`` or ``__main__.py``, or a module with an
        ``if __name__ == "__main__":`` block. The names are those of the
        standard library of any Python from 3.9 to 3.13; modules compiled
        into every interpreter (``sys``, ``time``) or loaded before the
        script starts (``os``, ``io``, ``abc``) cannot be replaced and are
        not reported. Rename the module.
    """,
    bad="""
vm/main.py
vm/logging.py        # `import logging` in vm/main.py finds this file
""",
    good="""
vm/main.py
vm/log_setup.py
""",
)

REDUNDANT_DOCKERFILE = Rule(
    code="LH404",
    name="redundant-dockerfile",
    hook=HOOK_ID,
    summary="Two Dockerfiles hold the same instructions",
    explanation="""
        Two Dockerfiles are the same instruction for instruction once
        whitespace, comments, parser directives, line continuations, keyword
        case, flag order and exec-form spacing are set aside (they are read
        the way BuildKit reads them, heredocs included). Two images built
        from one definition should come from one file (``docker build -f``
        or a compose ``dockerfile:`` key), or the copies drift apart. When
        one of the two sits in a folder without a ``main.py`` and the other
        in a service folder below it, the first looks like the leftover.
        Nothing is deleted automatically.
    """,
    bad="""
sessions/Dockerfile            # same instructions as below
sessions/recorder/Dockerfile
""",
    good="""
sessions/recorder/Dockerfile   # the only copy
""",
)

RULES = (EXACT_DUPLICATE, NEAR_DUPLICATE, STDLIB_SHADOWING, REDUNDANT_DOCKERFILE)

PYTHON_SUFFIXES = (".py",)
DOCKERFILE_NAMES = frozenset({"Dockerfile", "Containerfile"})
ENTRY_POINT_NAMES = ("main.py", "__main__.py")
INIT = "__init__.py"

# Bigger files are compared byte for byte only: normalising them would cost
# more memory than they are worth, and nobody edits them by hand.
MAX_NORMALISED_BYTES = 2 << 20

# Standard-library names that no project imports from the standard library,
# so a local module of that name hides nothing anyone needs.
UNIMPORTED_STDLIB = frozenset({"antigravity", "idlelib", "this", "turtledemo"})

# Words in a path that say a file is a leftover copy.
LEFTOVER_WORDS = frozenset(
    {"backup", "bak", "copy", "deprecated", "legacy", "old", "orig", "tmp", "unused"}
)

_MAIN_BLOCK = re.compile(
    rb"^if[\s(]+(?:__name__\s*==\s*['\"]__main__['\"]|['\"]__main__['\"]\s*==\s*__name__)",
    re.MULTILINE,
)
_PATH_WORDS = re.compile(r"[a-z0-9]+")
# Skeleton lines that every module has; they say nothing about similarity.
_COMMON_LINES = frozenset(
    (
        b"",
        b")",
        b"]",
        b"}",
        b"):",
        b"),",
        b"],",
        b"},",
        b"else:",
        b"try:",
        b"finally:",
        b"pass",
        b"return",
        b"continue",
        b"break",
        b'"""',
        b"'''",
    )
)


def is_python_path(path: str) -> bool:
    return path.lower().endswith(PYTHON_SUFFIXES)


def is_dockerfile_path(path: str) -> bool:
    """Names identify tags ``dockerfile``: ``Dockerfile``, ``Dockerfile.api``,
    ``api.Dockerfile``, ``Containerfile``; not ``Dockerfile-dev``."""
    name = path.rpartition("/")[2]
    return name in DOCKERFILE_NAMES or not DOCKERFILE_NAMES.isdisjoint(name.split("."))


def wants(path: str) -> bool:
    """The files pre-commit passes to this hook (``types_or: [python, dockerfile]``)."""
    return is_python_path(path) or is_dockerfile_path(path)


class Module:
    """A tracked Python file, reduced to what the comparisons need.

    ``key`` is equal for files whose skeletons are equal (None for a file
    with no code at all); ``lines`` are its distinct skeleton lines (None
    for a file too big to normalise).
    """

    __slots__ = ("_analysis", "has_main_block", "key", "lines", "path")

    def __init__(self, path: str, key: object, lines: set[bytes] | None) -> None:
        self.path = path
        self.key = key
        self.lines = lines
        self.has_main_block = False
        self._analysis: tuple[object, bool] | None = None

    def analysis(self, root: str) -> tuple[object, bool]:
        """(the exact form the file is compared by, whether it counts as a
        duplicate at all), from its tokens; read again and cached."""
        if self._analysis is None:
            if self.lines is None:  # too big: compared by its bytes
                self._analysis = (self.key, True)
            else:
                try:
                    data = _read(os.path.join(root, self.path))
                except OSError:
                    data = None
                if data is None:
                    self._analysis = (("unreadable", self.path), False)
                else:
                    self._analysis = token_analysis(data, is_init=_is_init(self.path))
        return self._analysis


def _is_init(path: str) -> bool:
    return path.rpartition("/")[2] == INIT


def _read(path: str) -> bytes | None:
    """The bytes of a regular file no bigger than the limit; None for
    anything else (a symlink, a folder, a FIFO, a huge file)."""
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_NORMALISED_BYTES:
        return None
    with open(path, "rb") as file:
        data = file.read(MAX_NORMALISED_BYTES + 1)
    return None if len(data) > MAX_NORMALISED_BYTES else data


def _digest(path: str) -> bytes:
    import hashlib

    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


class Tree:
    """The files the hook compares (tracked, or on disk outside git, plus
    the ones passed), and which of them were passed."""

    def __init__(self, context: HookContext) -> None:
        self.root = context.root
        excludes = context.config.excludes
        listed = repository_files(context.root, context.is_git, excludes)
        paths = {path for path in listed if wants(path) and not excludes.matches(path)}
        paths.update(path for path in context.files if wants(path))
        self.python = sorted(path for path in paths if is_python_path(path))
        self.dockerfiles = sorted(
            path for path in paths if is_dockerfile_path(path) and not is_python_path(path)
        )
        self.passed = path_selector(context.files, context.folders)

    def any_passed(self, paths: Iterable[str]) -> bool:
        return any(self.passed(path) for path in paths)

    def entry_folders(self) -> set[str]:
        """Folders that hold a ``main.py`` or ``__main__.py``."""
        return {
            parent_folder(path)
            for path in self.python
            if path.rpartition("/")[2] in ENTRY_POINT_NAMES
        }


def find_duplicates(context: HookContext) -> list[Finding]:
    tree = Tree(context)
    findings: list[Finding] = []
    if tree.any_passed(tree.python):
        shadows = shadowing_candidates(tree.python)
        modules = load_modules(tree, {folder for _, folder, _ in shadows}, findings)
        exact, twins = exact_duplicates(tree, modules)
        findings.extend(exact)
        findings.extend(
            near_duplicates(
                tree,
                modules,
                skip=twins,
                similarity=context.number("similarity"),
                min_lines=int(context.number("min-lines")),
            )
        )
        findings.extend(stdlib_shadowing(tree, shadows, modules))
    if tree.any_passed(tree.dockerfiles):
        findings.extend(redundant_dockerfiles(tree))
    unique = {finding.sort_key(): finding for finding in findings}
    return [unique[key] for key in sorted(unique)]


def load_modules(
    tree: Tree, main_block_folders: Collection[str], findings: list[Finding]
) -> list[Module]:
    """Every Python file of the tree, read once; an unreadable passed file
    is an LH001 finding, an unreadable other file is left out."""
    modules = []
    for path in tree.python:
        full = os.path.join(tree.root, path)
        try:
            info = os.lstat(full)
            if not stat.S_ISREG(info.st_mode):
                continue  # a symlink is not a copy; folders and FIFOs are not modules
            data = _read(full)
            if data is None:  # grew past the limit, or huge from the start
                modules.append(Module(path, ("bytes", _digest(full)), None))
                continue
        except OSError as error:
            if tree.passed(path):
                reason = error.strerror or str(error)
                findings.append(Finding(path, UNREADABLE_FILE.code, f"cannot read file: {reason}"))
            continue
        text = skeleton(data)
        flat = text.replace(b"\n", b"")
        module = Module(
            path,
            ("skeleton", hash(flat)) if flat else None,
            set(text.split(b"\n")) - _COMMON_LINES,
        )
        if parent_folder(path) in main_block_folders:
            module.has_main_block = _MAIN_BLOCK.search(data) is not None
        modules.append(module)
    return modules


def exact_duplicates(tree: Tree, modules: Sequence[Module]) -> tuple[list[Finding], set[str]]:
    """Findings for the groups of identical modules with a passed member,
    and every module of those groups."""
    groups: dict[object, list[Module]] = {}
    for module in modules:
        if module.key is not None:
            groups.setdefault(module.key, []).append(module)
    findings: list[Finding] = []
    twins: set[str] = set()
    for group in groups.values():
        if len(group) < 2 or not tree.any_passed(module.path for module in group):
            continue
        confirmed: dict[object, list[str]] = {}
        for module in group:
            form, counts = module.analysis(tree.root)
            if counts:
                confirmed.setdefault(form, []).append(module.path)
        for paths in confirmed.values():
            if len(paths) > 1:
                findings.extend(_pair_findings(tree, paths, EXACT_DUPLICATE.code, _exact_message))
                twins.update(paths)
    return findings, twins


def _exact_message(other: str, reason: str | None) -> str:
    same = f"same code as `{other}` once whitespace and comments are ignored"
    if reason:
        return (
            f"{same}; this copy looks like the leftover ({reason}):"
            f" delete it and use `{_dotted(other)}`"
        )
    return f"{same}: keep one copy and import it where the other is used"


def _pair_findings(
    tree: Tree,
    paths: Sequence[str],
    code: str,
    message: Callable[[str, str | None], str],
    *,
    entry_folders: Collection[str] = (),
    location: Callable[[str], tuple[int, int]] | None = None,
) -> list[Finding]:
    """Findings for a group of identical files: each copy paired with the
    one to keep, for the pairs that involve a passed file."""
    keeper = _keeper(paths, entry_folders)
    findings: list[Finding] = []
    for path in paths:
        if path == keeper or not (tree.passed(path) or tree.passed(keeper)):
            continue
        reason = leftover_reason(path, keeper, entry_folders)
        line, column = location(path) if location else (1, 1)
        findings.append(Finding(path, code, message(keeper, reason), line=line, column=column))
    return findings


def _keeper(paths: Sequence[str], entry_folders: Collection[str]) -> str:
    """The copy to keep: one that looks like the leftover of no other, the
    one the most others look like leftovers of, the first in path order."""

    def leftovers(path: str, of: str) -> bool:
        return path != of and leftover_reason(path, of, entry_folders) is not None

    def rank(path: str) -> tuple[bool, int, str]:
        is_leftover = any(leftovers(path, other) for other in paths)
        kept_over = sum(leftovers(other, path) for other in paths)
        return (is_leftover, -kept_over, path)

    return min(paths, key=rank)


def leftover_reason(path: str, other: str, entry_folders: Collection[str] = ()) -> str | None:
    """Why ``path`` looks like the leftover copy of ``other``, or None."""
    folder, _, name = path.rpartition("/")
    other_folder, _, other_name = other.rpartition("/")
    below = other_folder[len(folder) + 1 :] if folder else other_folder
    if other_folder != folder and (not folder or other_folder.startswith(folder + "/")):
        stem = name.partition(".")[0]
        if name == other_name and name.endswith(PYTHON_SUFFIXES):
            for subfolder in below.split("/"):
                if _names_match(subfolder, stem):
                    where = join(folder, subfolder)
                    return (
                        f"the subpackage `{where}/` is named for this module, so the code moved"
                        f" there and the copy at the root of `{folder or '.'}/` stayed behind"
                    )
        if other_folder in entry_folders and folder not in entry_folders:
            return (
                f"its folder `{folder or '.'}/` runs no service of its own, while"
                f" `{other_folder}/` has an entry point"
            )
    words = set(_PATH_WORDS.findall(path.lower())) & LEFTOVER_WORDS
    if words and not words & set(_PATH_WORDS.findall(other.lower())):
        return f"its path says `{sorted(words)[0]}`"
    return None


def _names_match(folder_name: str, stem: str) -> bool:
    """``recorder`` and ``session_recorder``: one name's words include the other's."""
    folder_words = {word.rstrip("s") or word for word in folder_name.lower().split("_") if word}
    stem_words = {word.rstrip("s") or word for word in stem.lower().split("_") if word}
    return bool(folder_words and stem_words) and (
        folder_words <= stem_words or stem_words <= folder_words
    )


def _dotted(path: str) -> str:
    """``a/b/c.py`` as the module name ``a.b.c`` when it is one, else the path."""
    stem, dot, suffix = path.rpartition(".")
    parts = stem.split("/")
    if parts[-1] == "__init__":
        parts.pop()
    if dot and suffix == "py" and parts and all(part.isidentifier() for part in parts):
        return ".".join(parts)
    return path


def near_duplicates(
    tree: Tree,
    modules: Sequence[Module],
    *,
    skip: Collection[str],
    similarity: float,
    min_lines: int,
) -> list[Finding]:
    """For each passed module, the module most like it, if alike enough.

    Modules in ``skip`` (those with an exact twin) are not looked up, but
    stay candidates for the others: the pool must not depend on which files
    were passed.
    """
    eligible = [m for m in modules if m.lines is not None and len(m.lines) >= max(min_lines, 1)]
    sets = [m.lines for m in eligible if m.lines is not None]
    probes = [
        index
        for index, module in enumerate(eligible)
        if module.path not in skip and tree.passed(module.path)
    ]
    if not probes:
        return []
    candidates = similar_sets(sets, probes, similarity)
    findings: list[Finding] = []
    for index, found in candidates.items():
        module = eligible[index]
        if not found or _is_trivial_init(module, tree.root):
            continue
        ranked = sorted(found, key=lambda item: (-item[0], eligible[item[1]].path))
        for score, other_index in ranked:
            other = eligible[other_index]
            if not _is_trivial_init(other, tree.root):
                findings.append(_near_finding(module.path, other.path, score))
                break
    return findings


def _is_trivial_init(module: Module, root: str) -> bool:
    """An ``__init__.py`` of boilerplate only. Other files are not tokenized
    here: in a tree of near duplicates that would cost as much as tokenizing
    the whole tree, to rule out the rare module of nothing but docstrings."""
    return _is_init(module.path) and not module.analysis(root)[1]


def _near_finding(path: str, other: str, score: float) -> Finding:
    """The finding for a near-duplicate pair, worded the same from both sides:
    on the leftover if one looks like it, else on the later path."""
    reason = leftover_reason(other, path)
    if reason:
        path, other = other, path
    else:
        reason = leftover_reason(path, other)
        if reason is None and path < other:
            path, other = other, path
    message = (
        f"shares {int(score * 100)}% of its distinct code lines with `{other}` (near duplicate)"
    )
    if reason:
        message += (
            f"; this copy looks like the leftover ({reason}):"
            f" merge what differs into `{other}` and delete it"
        )
    else:
        message += (
            ": merge the two into one module, or make one import what it needs from the other"
        )
    return Finding(path, NEAR_DUPLICATE.code, message)


def shadowing_candidates(paths: Iterable[str]) -> list[tuple[str, str, str]]:
    """``(module path, folder it is importable from, stdlib name)`` for every
    module or package named like a standard-library module."""
    found = []
    for path in paths:
        folder, _, name = path.rpartition("/")
        if name == INIT:
            if not folder:
                continue
            folder, _, module = folder.rpartition("/")
        elif name.endswith(".py"):
            module = name[:-3]
        else:
            continue
        if (
            module not in NEVER_SHADOWED
            and module not in UNIMPORTED_STDLIB
            and is_stdlib_module(module)
        ):
            found.append((path, folder, module))
    return found


def stdlib_shadowing(
    tree: Tree, shadows: Sequence[tuple[str, str, str]], modules: Sequence[Module]
) -> list[Finding]:
    if not shadows:
        return []
    entry_points: dict[str, list[str]] = {}
    for module in modules:
        folder, _, name = module.path.rpartition("/")
        if name in ENTRY_POINT_NAMES or module.has_main_block:
            entry_points.setdefault(folder, []).append(module.path)
    findings: list[Finding] = []
    for path, folder, name in shadows:
        entries = entry_points.get(folder)
        if not entries or not (tree.passed(path) or tree.any_passed(entries)):
            continue
        entry = min(entries, key=_entry_order)
        versions = describe_availability(name)
        hidden = f"`{name}` ({versions})" if versions else f"`{name}`"
        where = f"its folder `{folder}/`" if folder else "the repository root"
        findings.append(
            Finding(
                path,
                STDLIB_SHADOWING.code,
                f"shadows the standard-library module {hidden} when `{entry}` runs as a"
                f" script: {where} comes first on sys.path, so every `import {name}` in"
                " that process finds this file; rename it",
            )
        )
    return findings


def _entry_order(path: str) -> tuple[int, str]:
    name = path.rpartition("/")[2]
    return (ENTRY_POINT_NAMES.index(name) if name in ENTRY_POINT_NAMES else 2, path)


def redundant_dockerfiles(tree: Tree) -> list[Finding]:
    from lucid_hooks.dockerfile import normalized_instructions, parse

    groups: dict[object, list[str]] = {}
    locations: dict[str, tuple[int, int]] = {}
    problems: list[Finding] = []
    for path in tree.dockerfiles:
        full = os.path.join(tree.root, path)
        try:
            if not stat.S_ISREG(os.lstat(full).st_mode):
                continue
            data = _read(full)
            key: object = ("bytes", _digest(full)) if data is None else None
        except OSError as error:
            if tree.passed(path):
                reason = error.strerror or str(error)
                problems.append(Finding(path, UNREADABLE_FILE.code, f"cannot read file: {reason}"))
            continue
        if data is not None:
            parsed = parse(data)
            if not parsed.instructions:
                continue
            first = parsed.instructions[0]
            locations[path] = (first.line, first.column)
            key = normalized_instructions(parsed)
        groups.setdefault(key, []).append(path)
    entry_folders = tree.entry_folders()
    for paths in groups.values():
        if len(paths) > 1 and tree.any_passed(paths):
            problems.extend(
                _pair_findings(
                    tree,
                    paths,
                    REDUNDANT_DOCKERFILE.code,
                    _dockerfile_message,
                    entry_folders=entry_folders,
                    location=lambda path: locations.get(path, (1, 1)),
                )
            )
    return problems


def _dockerfile_message(other: str, reason: str | None) -> str:
    same = (
        f"same instructions as `{other}` once whitespace, comments and line continuations"
        " are ignored"
    )
    if reason:
        return (
            f"{same}; this one looks like the leftover ({reason}):"
            f" build from `{other}` and delete it"
        )
    return f"{same}: build both images from one of them (`docker build -f`) and delete the other"


def _fraction(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number greater than 0 and at most 1")
    return value


def _count(text: str) -> int:
    import argparse

    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 0")
    return int(text)


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--similarity",
        type=_fraction,
        metavar="FRACTION",
        help="share of distinct code lines that makes two modules near duplicates"
        " (replaces `similarity`, default 0.85)",
    )
    parser.add_argument(
        "--min-lines",
        type=_count,
        metavar="N",
        help="modules with fewer distinct code lines are never near duplicates"
        " (replaces `min-lines`, default 10)",
    )


HOOK = HookSpec(
    hook_id=HOOK_ID,
    description="Find duplicate and near-duplicate modules, modules that shadow the standard"
    " library, and redundant Dockerfiles.",
    find=find_duplicates,
    wants=wants,
    add_options=add_options,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK, argv)


if __name__ == "__main__":
    sys.exit(main())
