"""The requirements an image installs that nothing it runs uses (LH212).

A line of a requirements file that a Dockerfile's ``pip install -r`` reads
is used when some entry point run in such an image imports one of the
distribution's modules (anywhere in the code it reaches, guarded or not),
runs it (a word of its command: ``gunicorn``, ``-k
uvicorn.workers.UvicornWorker``), or when the Dockerfile names it, as a
``HEALTHCHECK CMD python -c "import requests"`` does. A requirements file
installed by several images, or included by several files, is judged over
every entry point that installs it: one that cannot be judged (code that
edits ``sys.path``, a closure that cannot be followed) makes all it installs
count as used.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.external_imports import installed_names, loose_name
from lucid_hooks.import_names import normalize

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from lucid_hooks.requirements import Declared

    Reader = Callable[[str], "bytes | None"]

# Installed for the build (a builder stage runs their commands: cythonize,
# maturin) or read as data, never imported by a service.
NEVER_UNUSED = frozenset(
    {
        "pip",
        "setuptools",
        "wheel",
        "tzdata",
        "cython",
        "setuptools-scm",
        "pybind11",
        "maturin",
        "hatchling",
        "flit-core",
        "poetry-core",
        "build",
        "scikit-build",
        "scikit-build-core",
        "cffi",
    }
)
# Distributions another one loads by name, when that one is used: database
# drivers, server speed-ups and workers, optional parsers.
_DATABASE_DRIVERS = (
    "psycopg2",
    "psycopg2-binary",
    "psycopg",
    "psycopg-binary",
    "psycopg-c",
    "asyncpg",
    "pymysql",
    "mysqlclient",
    "aiomysql",
    "aiosqlite",
    "cx-oracle",
    "oracledb",
    "pyodbc",
    "pymssql",
)
COMPANIONS: Mapping[str, tuple[str, ...]] = {
    "sqlalchemy": _DATABASE_DRIVERS,
    "django": _DATABASE_DRIVERS,
    "tortoise-orm": _DATABASE_DRIVERS,
    "uvicorn": ("uvloop", "httptools", "websockets", "watchfiles", "python-dotenv", "pyyaml"),
    "gunicorn": ("gevent", "eventlet", "greenlet", "setproctitle", "uvicorn-worker"),
    "celery": ("redis", "librabbitmq", "pyamqp", "sqlalchemy"),
    "fastapi": ("python-multipart", "email-validator", "uvicorn", "orjson", "ujson", "jinja2"),
    "starlette": ("python-multipart", "itsdangerous", "jinja2"),
    "pydantic": ("email-validator",),
    "passlib": ("bcrypt", "argon2-cffi", "cryptography"),
    "pyjwt": ("cryptography",),
    "requests": ("pysocks", "chardet", "brotli"),
    "httpx": ("h2", "brotli", "socksio"),
    "pandas": ("openpyxl", "xlrd", "pyarrow", "fastparquet", "tables", "lxml"),
}
_WORD = re.compile(r"[A-Za-z_][\w.-]*")


class RunUsage(NamedTuple):
    """What one run installs from requirements files and what it uses.
    ``used`` is None when its use cannot be told: all it installs counts."""

    required: tuple[Declared, ...]
    used: frozenset[str] | None


def used_distributions(
    distributions: Iterable[str],
    imported: Sequence[str],
    words: Iterable[str],
    overrides: Mapping[str, Sequence[str]] | None = None,
) -> frozenset[str]:
    """The ``distributions`` (normalized) that the ``imported`` module names
    (``a.b``, for ``from a import b`` too) or the identifiers of ``words``
    (commands, Dockerfile text) stand for, with their companions."""
    names = frozenset(distributions)
    known = installed_names(names, overrides)
    asked = {*imported, *(match for word in words for match in _WORD.findall(word))}
    used = {found for name in asked for found in known.exact.providers(name)}
    used.update(known.loose[key] for key in map(loose_name, asked) if key in known.loose)
    # A host counts when it is imported, declared or not (starlette comes
    # with fastapi): its name, as its import name is spelled.
    hosts = used | {normalize(name.partition(".")[0]) for name in imported}
    for host in sorted(hosts):
        used.update(names.intersection(COMPANIONS.get(host, ())))
    return frozenset(used)


def unused_lines(
    usages: Sequence[RunUsage], read: Reader
) -> list[tuple[Declared, tuple[int, ...]]]:
    """The lines no run that installs them uses, each with the numbers (in
    ``usages``) of the runs that install it."""
    installing: dict[Declared, list[int]] = {}
    used: set[Declared] = set()
    for number, usage in enumerate(usages):
        for declared in usage.required:
            installing.setdefault(declared, []).append(number)
            if usage.used is None or declared.name in usage.used:
                used.add(declared)
    pulled = _pulled_in_lines(installing, read)
    return [
        (declared, tuple(numbers))
        for declared, numbers in installing.items()
        if declared not in used and _may_be_unused(declared, pulled)
    ]


def _may_be_unused(declared: Declared, pulled: Mapping[str, frozenset[int]]) -> bool:
    name = declared.name
    if name in NEVER_UNUSED or name.startswith("types-") or name.endswith("-stubs"):
        return False
    return declared.line not in pulled[declared.path]


def _pulled_in_lines(installing: Iterable[Declared], read: Reader) -> dict[str, frozenset[int]]:
    """For each requirements file, the lines pip-compile marks as pulled in."""
    paths = {declared.path for declared in installing}
    found = {}
    for path in paths:
        data = read(path)
        found[path] = pulled_in(data.decode("utf-8", "replace")) if data else frozenset()
    return found


def pulled_in(text: str) -> frozenset[int]:
    """The lines (1-based) of requirements that ``pip-compile`` or ``uv pip
    compile`` annotate as pulled in by other requirements only: a ``# via``
    that names no ``-r`` file nor a project (``app (pyproject.toml)``),
    either of which would make it a direct one."""
    pulled = set()
    requirement, sources = 0, list[str]()
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        stripped = line.strip()
        if line[:1].isspace() and stripped:
            # Indented: the annotation, or a continuation (`--hash=...`).
            comment = stripped[1:].strip() if stripped.startswith("#") else ""
            if comment.startswith("via"):
                sources.append(comment[3:].strip())
            elif comment and sources:
                sources.append(comment)
            continue
        if requirement and any(sources) and not any(map(_is_direct, sources)):
            pulled.add(requirement)
        is_requirement = bool(stripped) and not stripped.startswith(("#", "-"))
        requirement, sources = (number if is_requirement else 0), []
    return frozenset(pulled)


def _is_direct(source: str) -> bool:
    return source.startswith("-r ") or source.endswith(")")
