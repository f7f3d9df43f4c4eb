"""The imports that leave an entry point's own files, judged where it runs.

A module of the standard library must be in the standard library of the
Python that runs the entry point (`stdlib.version_gap`), unless a declared
backport brings it back. Any other module must come from a distribution
that the entry point's environment installs (`dependencies.Installed`), by
the import names of `import_names`: a distribution declared only by an
extra or a group that is not installed does not count. Imports under a
`try` that catches their failure, or run only sometimes (under a condition,
in a loop or a handler), are never reported; one in a function body is, and
says that it fails when the function runs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.import_names import DistributionIndex
from lucid_hooks.stdlib import BACKPORTS, is_stdlib_module, version_gap

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from lucid_hooks.dependencies import Installed
    from lucid_hooks.import_graph import External

NOT_INSTALLED = "not-declared"
# Names that older releases of a distribution had and the table's newest
# wheel does not: setuptools before 81 (the python:3.11 image's, and most
# pins) ships pkg_resources.
HISTORICAL_NAMES = {"setuptools": ["setuptools", "pkg_resources", "_distutils_hack"]}
ONLY_OPTIONAL = "only-optional"
VERSION_GAP = "version-gap"
LEFT_OUT = "left-out"
# How many files a message names before it counts the rest.
SOURCES_NAMED = 1


class Judged(NamedTuple):
    """One external import that fails where the entry point runs."""

    path: str
    line: int
    col: int
    kind: str
    message: str


def judged_imports(
    externals: Iterable[External],
    python: tuple[str, str] | None,
    installed: Installed,
    overrides: Mapping[str, Sequence[str]] | None = None,
) -> list[Judged]:
    """What fails among ``externals`` on Python ``python`` (its minor
    version and why it is that one; None: not known) with ``installed``."""
    index = _Index(installed, overrides)
    found = []
    for external in externals:
        if external.optional or external.sometimes:
            continue
        judged = _judged(external, python, installed, index)
        if judged is not None:
            found.append(judged)
    return found


class InstalledNames(NamedTuple):
    """The import names of some installed distributions: by the table, the
    settings and their metadata (``exact``), and loosely by their own names
    (``loose``: loose name -> distribution). An import is case-sensitive,
    but `PyQt5` or `python-Levenshtein` say what they install as well as a
    lowercased guess does not."""

    exact: DistributionIndex
    loose: Mapping[str, str]


def installed_names(
    distributions: Iterable[str], overrides: Mapping[str, Sequence[str]] | None = None
) -> InstalledNames:
    """:class:`InstalledNames` of ``distributions`` (normalized), with the
    ``import-names`` setting ``overrides``."""
    names = frozenset(distributions)
    index = DistributionIndex(names, _with_history(overrides))
    return InstalledNames(index, {loose_name(name): name for name in names})


def _with_history(overrides: Mapping[str, Sequence[str]] | None) -> dict[str, Sequence[str]]:
    return {**HISTORICAL_NAMES, **(overrides or {})}


class _Index:
    """The import names of what is installed, and of what is optional."""

    def __init__(
        self, installed: Installed, overrides: Mapping[str, Sequence[str]] | None
    ) -> None:
        self.installed = installed
        names = installed_names(installed.distributions, overrides)
        self.present, self.loose = names.exact, names.loose
        self.optional = DistributionIndex(installed.optional, _with_history(overrides))

    def provided(self, index: DistributionIndex, external: External) -> list[str]:
        """The distributions of ``index`` that provide the import (for
        `from a import b`, `a.b` may be what they provide)."""
        asked = [external.name, *(f"{external.name}.{name}" for name in external.names)]
        return sorted({found for name in asked for found in index.providers(name)})


def _judged(
    external: External, python: tuple[str, str] | None, installed: Installed, index: _Index
) -> Judged | None:
    top = external.name.partition(".")[0]
    if is_stdlib_module(top):
        return _stdlib_judged(external, top, python, installed)
    if not installed.known or index.provided(index.present, external):
        return None
    if loose_name(top) in index.loose:
        return None
    optional = index.provided(index.optional, external)
    if optional:
        where = installed.optional[optional[0]]
        message = (
            f"`{top}` comes from {optional[0]}, which {where} declares only in an extra"
            " or group that is not installed"
        )
        return _judgement(external, ONLY_OPTIONAL, message)
    message = f"`{top}` is not declared: {_named_sources(installed.sources)}"
    return _judgement(external, NOT_INSTALLED, message)


def _stdlib_judged(
    external: External, top: str, python: tuple[str, str] | None, installed: Installed
) -> Judged | None:
    left_out = _left_out(external, installed)
    if left_out is not None:
        name, package = left_out
        message = f"`{name}` is not in {installed.image}: Debian ships it apart, in {package}"
        return _judgement(external, LEFT_OUT, message)
    if python is None:
        return None
    minor, why = python
    gap = version_gap(top, int(minor.partition(".")[2]))
    if gap is None or installed.distributions.intersection(BACKPORTS.get(top, ())):
        return None
    what, _, advice = gap.partition("; use ")
    use = f": use {advice}" if advice else ""
    if what.startswith("removed"):
        message = f"`{top}` was {what}, which runs it ({why}){use}"
    else:
        message = f"`{top}` is {what}; this runs {minor} ({why}){use}"
    return _judgement(external, VERSION_GAP, message)


def _left_out(external: External, installed: Installed) -> tuple[str, str] | None:
    """The module of the import that the image leaves out, and its package:
    the imported name or a package above it (`dbm.gnu`; `from dbm import gnu`)."""
    left_out = dict(installed.left_out)
    asked = [external.name, *(f"{external.name}.{name}" for name in external.names)]
    for name in asked if left_out else ():
        parts = name.split(".")
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            if prefix in left_out:
                return prefix, left_out[prefix]
    return None


def _judgement(external: External, kind: str, message: str) -> Judged:
    if external.deferred:
        message += "; it fails when the function runs"
    return Judged(external.path, external.line, external.col, kind, message)


def _named_sources(sources: Sequence[str]) -> str:
    """Which files name no distribution of the module."""
    if not sources:
        return "nothing installs third-party packages"
    rest = len(sources) - SOURCES_NAMED
    if rest <= 0:
        return f"{sources[0]} names no distribution of it"
    return f"neither {sources[0]} nor {rest} more file{'s' if rest > 1 else ''} names one"


def loose_name(name: str) -> str:
    """A name as `python-Levenshtein`, `PyQt5` or `py-cpuinfo` are spelled alike."""
    loose = re.sub(r"[-_.]+", "", name.lower())
    for affix in ("python", "py"):
        if loose.startswith(affix) and len(loose) > len(affix) + 2:
            loose = loose[len(affix) :]
    return loose.removesuffix("python") or loose


def requirement_problems(installed: Installed) -> Iterator[tuple[str, int, int, str]]:
    """The problems of the files that say what is installed."""
    for problem in installed.problems:
        yield problem.path, problem.line, problem.column, problem.message
