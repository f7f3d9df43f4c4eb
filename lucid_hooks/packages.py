"""What makes a folder a package and a file a module, as CPython's import
system decides it (``importlib.machinery.FileFinder``), without importing
anything.

In one folder, ``import name`` finds, in this order: a regular package (a
folder ``name/`` holding ``__init__.py``), then a module (an extension
``name.*.so``, then ``name.py``), and only then a namespace package (a folder
``name/`` without ``__init__.py``). So adding ``__init__.py`` to a folder
that sits beside a module of the same name changes what the import finds.

A regular package here is one an import statement can name: a folder called
``02_network_security`` is none, even holding ``__init__.py``, and nothing
below it has a dotted name through it. The import system itself checks no
names, though: ``importlib.import_module("02_x.sub")`` and ``python -m
02_x.sub`` do find such a folder, and relative imports work inside it.
"""

from __future__ import annotations

import keyword
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

INIT = "__init__.py"
# Source files of a module: `.py` for the interpreter, `.pyi` for type checkers.
SOURCE_SUFFIXES = (".py", ".pyi")
EXTENSION_SUFFIXES = (".so", ".pyd")


def is_identifier(name: str) -> bool:
    """Whether ``name`` can be a Python package or module name."""
    return name.isidentifier() and not keyword.iskeyword(name)


def is_regular_package(name: str, *, has_init: bool) -> bool:
    """Whether a folder called ``name`` that does (or does not) hold
    ``__init__.py`` is a regular package an import statement can name."""
    return has_init and is_identifier(name)


def is_init(path: str) -> bool:
    return path.rpartition("/")[2] == INIT


def module_name(path: str) -> str | None:
    """``a/b/c.py`` as the dotted name ``a.b.c`` (``a/b/__init__.py`` as
    ``a.b``), relative to the folder the path starts from; None when a part
    is not an identifier or the file is not a ``.py`` source."""
    stem, dot, suffix = path.rpartition(".")
    if not dot or suffix != "py":
        return None
    parts = stem.split("/")
    if parts[-1] == "__init__":
        parts.pop()
    if not parts or not all(is_identifier(part) for part in parts):
        return None
    return ".".join(parts)


def module_file_beside(names: Iterable[str], name: str) -> str | None:
    """Among a folder's file ``names``, the module file of ``name`` that a
    regular package ``name/`` would shadow: a source, a stub or an
    extension module (``name.cpython-311-x86_64-linux-gnu.so``)."""
    for entry in sorted(names):
        if not entry.startswith(name + "."):
            continue
        suffix = entry[len(name) :]
        if suffix in SOURCE_SUFFIXES:
            return entry
        if suffix.endswith(EXTENSION_SUFFIXES) and suffix.count(".") <= 2:
            return entry
    return None
