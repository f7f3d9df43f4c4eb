"""check-duplicate-modules: copies of code, stdlib shadowing, redundant Dockerfiles (LH4xx).

The twin of a changed file can be anywhere in the tree, so every tracked
Python module and Dockerfile is considered, not only the files passed. Each
finding knows the files it is about and is reported when one of them was
passed, worded the same whichever, so pre-commit's batches cannot change the
union of what is printed. What is derived from a file is kept in the disk
cache by its content; a run given many files (a batch of ``--all-files``)
finds the whole tree's duplicates once and keeps them for the next batches.

Speed: ``tokenize`` is pure Python up to 3.11 and reads about 3 MB/s, slower
than parsing, so the tree is compared on a cheap *skeleton* of each file (its
bytes without blanks, line breaks kept, and without anything from ``#`` to
the end of a line), made by C-level bytes operations. Files with equal token
streams have equal skeletons (but for a corner case, see `pysource.skeleton`);
``tokenize`` then confirms only the few files whose skeletons match, and the
skeleton's lines are what near duplicates are measured by.
"""

from __future__ import annotations

import copy
import re
import sys
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.cache import content_key
from lucid_hooks.findings import Finding, unreadable_file
from lucid_hooks.options import COUNT, FRACTION, TEXTS, Option
from lucid_hooks.packages import INIT, is_init, module_name
from lucid_hooks.paths import join, parent_folder, path_selector
from lucid_hooks.pysource import skeleton, token_analysis
from lucid_hooks.registry import FileSelection, Hook
from lucid_hooks.rules import Rule
from lucid_hooks.runner import HookContext, run_hook
from lucid_hooks.similarity import similar_sets
from lucid_hooks.stdlib import NEVER_SHADOWED, describe_availability, is_stdlib_module

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Sequence

    from lucid_hooks.snapshot import Snapshot

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
        imports, ``__all__`` and other boilerplate are never reported, nor is
        generated code: ``*_pb2.py`` and ``*_pb2_grpc.py``, and modules whose
        first ten lines carry one of the ``generated-markers`` (``Generated
        by``, ``DO NOT EDIT``, ``@generated``, in any case). Nothing is
        deleted automatically: delete the leftover and import the other.
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
        10) are left out, since short files are alike by chance, and so is
        generated code, as for LH401. Each passed
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

OPTIONS = (
    Option(
        "similarity",
        FRACTION,
        0.85,
        "share of distinct code lines that makes two modules near duplicates",
        flag="--similarity",
    ),
    Option(
        "min-lines",
        COUNT,
        10,
        "modules with fewer distinct code lines are never near duplicates",
        flag="--min-lines",
    ),
    Option(
        "generated-markers",
        TEXTS,
        ("Generated by", "DO NOT EDIT", "@generated"),
        "text in a module's first lines (any case) that marks it generated, never a duplicate",
        flag="--generated-marker",
    ),
)

# Generated by protoc and grpcio-tools, whatever their first lines say.
GENERATED_SUFFIXES = ("_pb2.py", "_pb2_grpc.py")
# The lines of a module's head where generators put their marker.
MARKER_LINES = 10

PYTHON_SUFFIXES = (".py",)
DOCKERFILE_NAMES = frozenset({"Dockerfile", "Containerfile"})
ENTRY_POINT_NAMES = ("main.py", "__main__.py")

# The disk cache's namespaces; the number changes with what they hold, so a
# build of the same version with another layout (an editable install, a
# pre-commit `rev:` between releases) never reads the old one.
CACHE_FACTS = "dup-facts-2"
CACHE_TOKENS = "dup-tokens-1"
CACHE_TOKENS_INIT = "dup-tokens-init-1"
CACHE_TREE = "dup-tree-2"

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


class Facts(NamedTuple):
    """What the comparisons need of one Python file, derived from its bytes
    alone (so the disk cache can keep it by content).

    ``key`` is equal for files whose skeletons are equal (None for a file
    with no code at all); ``lines`` are its distinct skeleton lines, None
    for a file too big to normalise (its ``key`` is then its content digest).
    """

    key: bytes | None
    lines: frozenset[bytes] | None
    has_main_block: bool
    generated: bool  # its first lines carry a generator's marker

    @classmethod
    def restored(cls, value: tuple[object, ...]) -> Facts | None:
        """The facts from what `stored` gave the cache (lines joined into one
        bytes object: far quicker to store and load than a set)."""
        if len(value) != 4:
            return None
        key, joined, has_main_block, generated = value
        if not (key is None or isinstance(key, bytes)) or not isinstance(has_main_block, bool):
            return None
        if not isinstance(generated, bool):
            return None
        if not isinstance(joined, bytes):
            return None
        lines = frozenset(joined.split(b"\n")) if joined else frozenset()
        return cls(key, lines, has_main_block, generated)

    @classmethod
    def of_source(cls, data: bytes, markers: Sequence[bytes]) -> Facts:
        text = skeleton(data)
        flat = text.replace(b"\n", b"")
        head = b"\n".join(data.split(b"\n", MARKER_LINES)[:MARKER_LINES]).lower()
        return cls(
            content_key(b"skeleton", flat) if flat else None,
            frozenset(text.split(b"\n")) - _COMMON_LINES,
            _MAIN_BLOCK.search(data) is not None,
            any(marker in head for marker in markers),
        )

    def stored(self) -> tuple[bytes | None, bytes | None, bool, bool]:
        # Lines hold no line break, so joining them loses nothing.
        joined = None if self.lines is None else b"\n".join(self.lines)
        return (self.key, joined, self.has_main_block, self.generated)


class Analysis(NamedTuple):
    """The exact form a file is compared by (a digest of its tokens), and
    whether it counts as a duplicate at all."""

    form: bytes
    counts: bool

    @classmethod
    def restored(cls, value: tuple[object, ...]) -> Analysis | None:
        if len(value) != 2 or not isinstance(value[0], bytes) or not isinstance(value[1], bool):
            return None
        return cls(value[0], value[1])

    def stored(self) -> tuple[bytes, bool]:
        return (self.form, self.counts)

    @classmethod
    def of_source(cls, data: bytes, *, is_init: bool) -> Analysis:
        (kind, form), counts = token_analysis(data, is_init=is_init)
        encoded = form.encode("utf-8", "surrogatepass") if isinstance(form, str) else form
        return cls(content_key(kind.encode(), encoded), counts)


class Module:
    """A tracked Python file with its facts; tokenized only when needed."""

    __slots__ = ("_analysis", "facts", "path", "unreadable")

    def __init__(self, path: str, facts: Facts) -> None:
        self.path = path
        self.facts = facts
        self._analysis: Analysis | None = None
        self.unreadable = False  # could not be read again to be tokenized

    @property
    def key(self) -> bytes | None:
        return self.facts.key

    @property
    def lines(self) -> frozenset[bytes] | None:
        return self.facts.lines

    def analysis(self, snapshot: Snapshot) -> Analysis:
        """From its tokens, computed once (and kept on disk by content)."""
        if self._analysis is None:
            self._analysis = self._analyse(snapshot)
        return self._analysis

    def _analyse(self, snapshot: Snapshot) -> Analysis:
        if self.lines is None or self.key is None:  # too big: compared by its bytes
            return Analysis(self.key or b"", True)
        is_init_file = is_init(self.path)
        try:
            found = snapshot.derived(
                CACHE_TOKENS_INIT if is_init_file else CACHE_TOKENS,
                self.path,
                MAX_NORMALISED_BYTES,
                lambda data: Analysis.of_source(data, is_init=is_init_file),
                Analysis.stored,
                Analysis.restored,
            )
        except OSError:
            self.unreadable = True
            found = None
        return found if found is not None else Analysis(content_key(self.path.encode()), False)


class Tree:
    """The files the hook compares (tracked, or on disk outside git, plus
    the ones passed), and which of them were passed."""

    def __init__(self, context: HookContext) -> None:
        self.snapshot = context.snapshot
        self.root = context.root
        excludes = context.config.excludes
        listed = context.snapshot.files(excludes)
        paths = {path for path in listed if wants(path)}
        paths.update(path for path in context.files if wants(path))
        self.python = sorted(path for path in paths if is_python_path(path))
        self.dockerfiles = sorted(
            path for path in paths if is_dockerfile_path(path) and not is_python_path(path)
        )
        self.passed = path_selector(context.files, context.folders)
        self.passed_count = len(context.files)
        self.markers = tuple(
            marker.lower().encode("utf-8", "surrogateescape")
            for marker in context.strings("generated-markers")
        )
        self.unreadable: set[str] = set()  # files a comparison could not read

    def passing_everything(self) -> Tree:
        """The same tree, every file of it counted as passed."""
        whole = copy.copy(self)
        whole.passed = lambda path: True
        whole.unreadable = set()
        return whole

    def any_passed(self, paths: Iterable[str]) -> bool:
        return any(self.passed(path) for path in paths)

    def fingerprint(self, options: str) -> bytes:
        """A key that changes whenever a file of the tree or the options do."""
        paths = [*self.python, *self.dockerfiles]
        signatures = (f"{path}\0{self.snapshot.stat_signature(path)}" for path in paths)
        return content_key(self.root, options, *signatures)

    def entry_folders(self) -> set[str]:
        """Folders that hold a ``main.py`` or ``__main__.py``."""
        return {
            parent_folder(path)
            for path in self.python
            if path.rpartition("/")[2] in ENTRY_POINT_NAMES
        }


class DuplicateFinding(Finding):
    """A finding with the files it is about: it is reported when one of
    them was passed, whichever."""

    __slots__ = ("involves",)

    def __init__(
        self,
        path: str,
        code: str,
        message: str,
        involves: Iterable[str],
        *,
        line: int = 1,
        column: int = 1,
    ) -> None:
        super().__init__(path, code, message, line=line, column=column)
        self.involves = tuple(sorted(set(involves)))

    @classmethod
    def about(cls, finding: Finding, involves: Iterable[str]) -> DuplicateFinding:
        return cls(finding.path, finding.code, finding.message, involves)

    def row(self) -> tuple[str, int, int, str, str, tuple[str, ...]]:
        """The finding as builtin data, for the disk cache."""
        return (self.path, self.line, self.column, self.code, self.message, self.involves)

    @classmethod
    def from_row(cls, row: object) -> DuplicateFinding | None:
        """The finding `row` gave, or None for anything else."""
        if not (isinstance(row, tuple) and len(row) == 6):
            return None
        path, line, column, code, message, involves = row
        texts = (path, code, message)
        if not all(isinstance(text, str) for text in texts) or not isinstance(involves, tuple):
            return None
        numbers = (line, column)
        if not all(type(number) is int and number > 0 for number in numbers):
            return None
        if not all(isinstance(item, str) for item in involves):
            return None
        return cls(path, code, message, involves, line=line, column=column)


# From this many passed files on (or a fifth of the tree), a run (one of
# pre-commit's batches of an `--all-files` run, most likely) finds the
# duplicates of the whole tree once and keeps them in the disk cache for the
# next batches, which only filter them. Without the cache that would be
# wasted work, so each batch then compares only its own files.
WHOLE_TREE_FILES = 1000


def find_duplicates(context: HookContext) -> list[Finding]:
    tree = Tree(context)
    options = (context.number("similarity"), int(context.number("min-lines")))
    many = tree.passed_count >= WHOLE_TREE_FILES or 5 * tree.passed_count >= len(tree.python)
    if many and context.snapshot.cache.enabled:
        found = whole_tree_findings(tree, *options)
    else:
        found = tree_findings(tree, *options)
    reported: list[Finding] = [finding for finding in found if tree.any_passed(finding.involves)]
    return reported


def whole_tree_findings(tree: Tree, similarity: float, min_lines: int) -> list[DuplicateFinding]:
    """Every finding of the tree, as if every file were passed: from the
    disk cache when the tree is unchanged since the run that made them. The
    cache holds one entry per tree, replaced as the tree changes, and none
    from a run that could not read every file (the next may)."""
    cache = tree.snapshot.cache
    where = content_key(tree.root)
    fingerprint = tree.fingerprint(f"{similarity}/{min_lines}/{tree.markers!r}")
    kept = cache.get(CACHE_TREE, where, tuple)
    if kept is not None and len(kept) == 2 and kept[0] == fingerprint:
        found = [DuplicateFinding.from_row(row) for row in kept[1]]
        if all(found):
            return [finding for finding in found if finding is not None]
    whole = tree.passing_everything()
    findings = tree_findings(whole, similarity, min_lines)
    if not whole.unreadable:
        cache.put(CACHE_TREE, where, (fingerprint, [finding.row() for finding in findings]))
    return findings


def tree_findings(tree: Tree, similarity: float, min_lines: int) -> list[DuplicateFinding]:
    findings: list[DuplicateFinding] = []
    if tree.any_passed(tree.python):
        modules = load_modules(tree, findings)
        exact, twins = exact_duplicates(tree, modules)
        findings.extend(exact)
        findings.extend(
            near_duplicates(tree, modules, skip=twins, similarity=similarity, min_lines=min_lines)
        )
        findings.extend(stdlib_shadowing(tree, shadowing_candidates(tree.python), modules))
        tree.unreadable.update(module.path for module in modules if module.unreadable)
    if tree.any_passed(tree.dockerfiles):
        findings.extend(redundant_dockerfiles(tree))
    return merge_same(findings)


def merge_same(findings: Iterable[DuplicateFinding]) -> list[DuplicateFinding]:
    """One finding per place and text, about all the files any copy of it was about."""
    unique: dict[tuple[str, int, int, str, str], DuplicateFinding] = {}
    for finding in findings:
        key = finding.sort_key()
        if key in unique:
            finding.involves = tuple(sorted({*unique[key].involves, *finding.involves}))
        unique[key] = finding
    return [unique[key] for key in sorted(unique)]


def load_modules(tree: Tree, findings: list[DuplicateFinding]) -> list[Module]:
    """Every Python file of the tree, read once (or found in the disk
    cache); an unreadable passed file is an LH001 finding, an unreadable
    other file is left out."""
    modules = []
    for path in tree.python:
        if not tree.snapshot.is_regular(path):
            continue  # a symlink is not a copy; folders and FIFOs are not modules
        try:
            facts = module_facts(tree.snapshot, path, tree.markers)
        except OSError as error:
            tree.unreadable.add(path)
            if tree.passed(path):
                findings.append(DuplicateFinding.about(unreadable_file(path, error), [path]))
            continue
        modules.append(Module(path, facts))
    return modules


def module_facts(snapshot: Snapshot, path: str, markers: Sequence[bytes]) -> Facts:
    # The facts depend on the markers too: one namespace per set of them.
    namespace = f"{CACHE_FACTS}-{content_key(*markers).hex()[:16]}"
    facts = snapshot.derived(
        namespace,
        path,
        MAX_NORMALISED_BYTES,
        lambda data: Facts.of_source(data, markers),
        Facts.stored,
        Facts.restored,
    )
    if facts is None:  # grew past the limit, or huge from the start
        return Facts(content_key(b"bytes", snapshot.digest(path)), None, False, False)
    return facts


def is_generated(module: Module) -> bool:
    """Generated code: by its name (protoc) or by a marker in its first lines."""
    return module.path.endswith(GENERATED_SUFFIXES) or module.facts.generated


def exact_duplicates(
    tree: Tree, modules: Sequence[Module]
) -> tuple[list[DuplicateFinding], set[str]]:
    """Findings for the groups of identical modules with a passed member,
    and every module of those groups."""
    groups: dict[bytes, list[Module]] = {}
    for module in modules:
        if module.key is not None and not is_generated(module):
            groups.setdefault(module.key, []).append(module)
    findings: list[DuplicateFinding] = []
    twins: set[str] = set()
    for group in groups.values():
        if len(group) < 2 or not tree.any_passed(module.path for module in group):
            continue
        confirmed: dict[bytes, list[str]] = {}
        for module in group:
            form, counts = module.analysis(tree.snapshot)
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
            f" delete it and use `{module_name(other) or other}`"
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
) -> list[DuplicateFinding]:
    """Findings for a group of identical files: each copy paired with the
    one to keep, for the pairs that involve a passed file."""
    keeper = _keeper(paths, entry_folders)
    findings: list[DuplicateFinding] = []
    for path in paths:
        if path == keeper or not (tree.passed(path) or tree.passed(keeper)):
            continue
        reason = leftover_reason(path, keeper, entry_folders)
        line, column = location(path) if location else (1, 1)
        findings.append(
            DuplicateFinding(
                path, code, message(keeper, reason), (path, keeper), line=line, column=column
            )
        )
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


def near_duplicates(
    tree: Tree,
    modules: Sequence[Module],
    *,
    skip: Collection[str],
    similarity: float,
    min_lines: int,
) -> list[DuplicateFinding]:
    """For each passed module, the module most like it, if alike enough.

    Modules in ``skip`` (those with an exact twin) are not looked up, but
    stay candidates for the others: the pool must not depend on which files
    were passed.
    """
    eligible = [
        module
        for module in modules
        if module.lines is not None
        and len(module.lines) >= max(min_lines, 1)
        and not is_generated(module)
    ]
    sets = [m.lines for m in eligible if m.lines is not None]
    probes = [
        index
        for index, module in enumerate(eligible)
        if module.path not in skip and tree.passed(module.path)
    ]
    if not probes:
        return []
    candidates = similar_sets(sets, probes, similarity)
    findings: list[DuplicateFinding] = []
    for index, found in candidates.items():
        module = eligible[index]
        if not found or _is_trivial_init(module, tree.snapshot):
            continue
        ranked = sorted(found, key=lambda item: (-item[0], eligible[item[1]].path))
        for score, other_index in ranked:
            other = eligible[other_index]
            if not _is_trivial_init(other, tree.snapshot):
                findings.append(_near_finding(module.path, other.path, score))
                break
    return findings


def _is_trivial_init(module: Module, snapshot: Snapshot) -> bool:
    """An ``__init__.py`` of boilerplate only. Other files are not tokenized
    here: in a tree of near duplicates that would cost as much as tokenizing
    the whole tree, to rule out the rare module of nothing but docstrings."""
    return is_init(module.path) and not module.analysis(snapshot).counts


def _near_finding(path: str, other: str, score: float) -> DuplicateFinding:
    """The finding for a near-duplicate pair, worded the same from both sides:
    on the leftover if one looks like it, else on the later path. It is
    about ``path``, the module whose closest twin ``other`` is."""
    probe = path
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
    return DuplicateFinding(path, NEAR_DUPLICATE.code, message, (probe,))


class Shadow(NamedTuple):
    """A module or package named like a standard-library module."""

    path: str
    folder: str  # the folder it is importable from
    name: str  # the standard-library name


def shadowing_candidates(paths: Iterable[str]) -> list[Shadow]:
    """Every module or package of ``paths`` named like a standard-library module."""
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
            found.append(Shadow(path, folder, module))
    return found


def stdlib_shadowing(
    tree: Tree, shadows: Sequence[Shadow], modules: Sequence[Module]
) -> list[DuplicateFinding]:
    if not shadows:
        return []
    entry_points: dict[str, list[str]] = {}
    for module in modules:
        folder, _, name = module.path.rpartition("/")
        if name in ENTRY_POINT_NAMES or module.facts.has_main_block:
            entry_points.setdefault(folder, []).append(module.path)
    findings: list[DuplicateFinding] = []
    for path, folder, name in shadows:
        entries = entry_points.get(folder)
        if not entries or not (tree.passed(path) or tree.any_passed(entries)):
            continue
        entry = min(entries, key=_entry_order)
        versions = describe_availability(name)
        hidden = f"`{name}` ({versions})" if versions else f"`{name}`"
        where = f"its folder `{folder}/`" if folder else "the repository root"
        findings.append(
            DuplicateFinding(
                path,
                STDLIB_SHADOWING.code,
                f"shadows the standard-library module {hidden} when `{entry}` runs as a"
                f" script: {where} comes first on sys.path, so every `import {name}` in"
                " that process finds this file; rename it",
                (path, *entries),
            )
        )
    return findings


def _entry_order(path: str) -> tuple[int, str]:
    name = path.rpartition("/")[2]
    return (ENTRY_POINT_NAMES.index(name) if name in ENTRY_POINT_NAMES else 2, path)


def redundant_dockerfiles(tree: Tree) -> list[DuplicateFinding]:
    from lucid_hooks.dockerfile import normalized_instructions

    groups: dict[object, list[str]] = {}
    locations: dict[str, tuple[int, int]] = {}
    problems: list[DuplicateFinding] = []
    for path in tree.dockerfiles:
        if not tree.snapshot.is_regular(path):
            continue
        try:
            data = tree.snapshot.read(path, MAX_NORMALISED_BYTES)
            key: object = tree.snapshot.digest(path) if data is None else None
        except OSError as error:
            tree.unreadable.add(path)
            if tree.passed(path):
                problems.append(DuplicateFinding.about(unreadable_file(path, error), [path]))
            continue
        if data is not None:
            parsed = tree.snapshot.dockerfile(path, data)
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


HOOK = Hook(
    id=HOOK_ID,
    name="check duplicate modules",
    description="Finds duplicate and near-duplicate modules, modules that shadow the standard"
    " library, and redundant Dockerfiles (LH4xx).",
    rules=RULES,
    options=OPTIONS,
    # Each passed file is compared with the whole tracked tree: one serial
    # run reads the tree once, where parallel batches would each read all of
    # it. (The result does not depend on batching; this is for speed.)
    selection=FileSelection(types_or=("python", "dockerfile"), require_serial=True),
    find=find_duplicates,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK, argv)


if __name__ == "__main__":
    sys.exit(main())
