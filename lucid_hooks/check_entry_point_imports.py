"""check-entry-point-imports: every entry point finds its local modules (LH2xx)
and no module on its ``sys.path`` hides another (LH403).

Each service entry point is followed, statically, from the command that
starts it (a Dockerfile's final stage, a ``[project.scripts]`` table, a
script, or the invocation a user would assume) through every local import
it reaches, resolved on the ``sys.path`` it really gets, in the files that
really exist where it runs. An import that would raise ``ModuleNotFoundError``
or ``ImportError`` is reported where it is written, naming the entry points
that reach it; so is a module that hides a standard-library module, or a
later one of its name, on that ``sys.path`` (`shadowing`), and, in a
distroless image, a call that runs a shell or a program the image lacks
(LH6xx, `shell_calls`). The hook never imports or runs the code it checks.

This module declares the hook and keeps its result for the whole tree in
the disk cache; `entry_point_analysis` makes the result, and is imported
only when the tree changed since.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.cache import content_key
from lucid_hooks.findings import Finding
from lucid_hooks.options import Kind, Option, OptionError
from lucid_hooks.paths import path_selector
from lucid_hooks.registry import FileSelection, Hook
from lucid_hooks.rules import Rule
from lucid_hooks.runner import HookContext, run_hook

if TYPE_CHECKING:
    from collections.abc import Sequence

    from lucid_hooks.commands import Run
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
        `PYTHONPATH`, `WORKDIR`, `COPY`). A `main.py` that no Dockerfile,
        script or configuration starts is checked as a user would run it
        (as a module of its packages, or as a script), and the finding says
        so: if it runs otherwise, list it in `entry-points`, with the
        folders it has on `sys.path`.
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
        them. Every module an entry point reaches is compiled (to bytecode,
        as importing it would: that also finds a `return` outside a
        function), once per content: the disk cache keeps the verdict. Of
        code for a newer Python than the hook's (the image's interpreter
        says so) only what no Python accepts is reported: a merge conflict's
        markers. Fix the syntax; if the file is meant for a newer Python than
        the hook's, run the hook with that Python.
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

# LH403 kept the code it had in check-duplicate-modules, so that existing
# `ignore` settings and inline comments keep working.
THIRD_PARTY_NOT_DECLARED = Rule(
    code="LH206",
    name="third-party-not-declared",
    hook=HOOK_ID,
    summary="A third-party module the entry point imports is declared nowhere it installs from",
    explanation="""
        An entry point reaches an import of a module that is neither the
        repository's own nor the standard library's, and no distribution
        that its environment declares provides it. What is declared: in a
        container, what the Dockerfile's `pip install` and `uv pip install`
        lines name (requirements files with their `-r` includes,
        specifiers, local projects with their dependencies) and what the
        base image ships; run from the repository, what the nearest
        `requirements*.txt` files, `requirements/` folder or `pyproject.toml`
        declare, walking up from the entry point. Distributions are matched to
        import names by a table checked against real wheels (`PyYAML`
        provides `yaml`), the `import-names` setting, and the name itself,
        loosely (`PyQt5`, `python-Levenshtein`). Without a resolver the hook
        cannot tell whether the module comes as a dependency of a declared
        distribution (`starlette` under `fastapi`): then the import works
        until that distribution stops depending on it, as deptry's DEP003
        says; if nothing brings it, the service dies with
        `ModuleNotFoundError`. Declare it where the entry point installs from.
        Where something else may install packages (poetry, `uv sync`, conda,
        files copied from another image, a local project whose dependencies
        only its build knows), nothing is reported.
    """,
    bad="""
# services/api/requirements.txt: fastapi
import httpx          # declared nowhere this service installs from
""",
    good="""
# services/api/requirements.txt: fastapi, httpx
import httpx
""",
)

THIRD_PARTY_ONLY_OPTIONAL = Rule(
    code="LH207",
    name="third-party-only-optional",
    hook=HOOK_ID,
    summary="A third-party module comes only from an extra or group the image does not install",
    explanation="""
        The distribution that provides the import is declared, but only in an
        optional extra (`[project.optional-dependencies]`), a dependency group
        or a Poetry extra that the Dockerfile does not install (`pip install
        .` rather than `pip install ".[server]"`). Inside the image the module
        is missing. Install the extra, or move the distribution to the main
        dependencies. (Run from the repository, every extra and group counts
        as installed: nothing says which are.)
    """,
    bad="""
# pyproject.toml: [project.optional-dependencies] server = ["uvicorn"]
# Dockerfile: RUN pip install .
import uvicorn
""",
    good="""
# Dockerfile: RUN pip install ".[server]"
import uvicorn
""",
)

STDLIB_VERSION_GAP = Rule(
    code="LH208",
    name="stdlib-module-not-in-python",
    hook=HOOK_ID,
    summary="A standard-library module is not in the Python that runs the entry point",
    explanation="""
        The module belongs to the standard library of some Python from 3.9 to
        3.14, but not to the one that runs the entry point: removed since
        (`distutils` in 3.12; `cgi`, `telnetlib`, `imghdr`, `pipes`, `crypt`
        and more in 3.13) or not yet added (`tomllib` before 3.11). The Python
        is the image's interpreter (`python:3.12-slim`,
        `gcr.io/distroless/python3-debian13` is 3.13), else the lowest that
        the nearest `requires-python` allows, else `target-version`, else the
        hook's own; the finding says which. A declared backport that brings
        the module back under its name (`setuptools` for `distutils`,
        `legacy-cgi`, `standard-telnetlib`, ...) makes it work and is not
        reported. The finding names the replacement.
    """,
    bad="""
# FROM python:3.12-slim
from distutils.util import strtobool
""",
    good="""
# setuptools in the requirements, or without distutils:
def strtobool(text: str) -> bool: ...
""",
)

STDLIB_LEFT_OUT = Rule(
    code="LH209",
    name="stdlib-module-not-in-image",
    hook=HOOK_ID,
    summary="A standard-library module the distroless image leaves out",
    explanation="""
        The distroless python3 images are made of the Debian packages that
        GoogleContainerTools/distroless lists, without their dependencies,
        and Debian ships some of the standard library in packages apart:
        `tkinter`, `_tkinter` and `turtle` (python3-tk), `dbm.gnu` and
        `_gdbm` (python3-gdbm), `idlelib`, `turtledemo`; on
        `python3-debian12` also `ensurepip` and `lib2to3`. In the image,
        importing them fails. Checked by rebuilding both images from the
        distroless package lists and importing each module (2026-12-01).
        Drop the import from what the service runs, or run it on an image
        that has the module.
    """,
    bad="""
# FROM gcr.io/distroless/python3-debian13
import tkinter
""",
    good="""
# no GUI toolkit in a service; or FROM python:3.13-slim with python3-tk
""",
)

REQUIREMENTS_INCLUDE_BROKEN = Rule(
    code="LH210",
    name="requirements-include-broken",
    hook=HOOK_ID,
    summary="A requirements file includes a file that is missing, or itself",
    explanation="""
        A requirements file that an entry point installs has an `-r`/`-c`
        include of a file that does not exist (relative to the including
        file), that is outside the repository, or that includes the first
        one again (a cycle), or `[dependency-groups]` that include a group
        that is not there or themselves. `pip install -r` fails and the image
        does not build; the finding is at the line of the include. Fix the
        path, or break the cycle.
    """,
    bad="""
# services/api/requirements.txt
-r ../common/requirements.txt     # there is no services/common/
""",
    good="""
-r ../../libs/common/requirements.txt
""",
)

REQUIREMENT_UNPARSABLE = Rule(
    code="LH211",
    name="requirement-unparsable",
    hook=HOOK_ID,
    summary="A line of a requirements file pip cannot read",
    explanation="""
        A line of a requirements file (or an entry of a `pyproject.toml`'s
        dependencies) that an entry point installs is not a requirement pip
        understands: not PEP 508 (`requests>=2,,3`), a URL or path whose
        distribution cannot be told (add `#egg=name`), an `-e` of something
        that is neither a local project nor a VCS URL. pip stops there and the
        image does not build. The finding is at the line, with what the
        parser said.
    """,
    bad="""
requests >= 2.0 ; python_version > "3.9
""",
    good="""
requests >= 2.0 ; python_version > "3.9"
""",
)

REQUIREMENT_NEVER_IMPORTED = Rule(
    code="LH212",
    name="requirement-never-imported",
    hook=HOOK_ID,
    summary="An image installs a requirement that no entry point it runs imports",
    explanation="""
        A line of a requirements file that a Dockerfile installs (`pip install
        -r`, and the files it includes) names a distribution that none of the
        entry points run in such an image imports, anywhere in the code they
        reach, nor runs (`gunicorn`, `celery -A ...`, a worker class such as
        `uvicorn.workers.UvicornWorker`). It makes the image bigger and its
        attack surface wider for nothing, like deptry's DEP002. Not counted
        as unused: the lines `pip-compile` marks as pulled in by another
        requirement (`# via requests`), build tools (`pip`, `setuptools`,
        `wheel`, `cython`, `maturin`, ...), type stubs, data-only
        distributions (`tzdata`) and the companions an imported
        distribution loads by name, declared or not (database drivers for
        SQLAlchemy or Django, uvicorn's and gunicorn's optional speed-ups and
        workers, `python-multipart`, `orjson` and `jinja2` for FastAPI,
        `itsdangerous` for Starlette, `bcrypt` for passlib,
        `email-validator` for pydantic). Nothing is said of a file whose
        image runs code that edits `sys.path`, an entry point whose
        closure cannot be followed, or one with a local import that fails
        (what the module it names imports is not known). Code that imports by a computed name
        (plugins) is not seen: mark such a line with `# lucid: ignore[LH212]`.
        Off by default, as the judgement needs every entry point of the image
        to be known.
    """,
    bad="""
# services/api/requirements.txt, installed by services/api/Dockerfile
fastapi==0.115.0
redis==5.0.8        # no module the api runs imports redis
""",
    good="""
fastapi==0.115.0
""",
    default=False,
)

MODULE_SHADOWED = Rule(
    code="LH403",
    name="module-shadowed",
    hook=HOOK_ID,
    summary="A module on an entry point's sys.path hides another of the same name",
    explanation="""
        CPython takes the first module or regular package of a name that it
        finds in the folders of `sys.path`, in order. The script's folder
        (`python path/main.py`), the working directory (`python -m`, app
        servers) and `PYTHONPATH` come before the standard library, so a
        repository module there named like a standard-library module
        (`logging.py`, `types/`, `queue.py`) replaces it for the whole
        process: every `import logging`, in the service and in the libraries
        it uses, finds the local file, and the failure shows far from its
        cause, as a circular import or a missing attribute. Only the standard
        library of the entry point's Python counts when it is known (a
        `python:3.10` image has no `tomllib`), else that of any Python from
        3.9 to 3.14. Modules compiled into the interpreter (`sys`, `time`) or
        loaded before the script starts (`os`, `io`, `abc`) cannot be
        replaced and are not reported, nor is a module of an installed
        project, which comes after the standard library. The finding is on
        the shadowing file. In the same way, when a top-level name the entry
        point imports is a module or regular package in two folders of its
        `sys.path`, only the first is ever imported: the finding is on the
        later one, naming the one that wins, unless the entry point imports
        that file under another name. Namespace folders merge rather than
        hide each other and are never reported. Rename the module.
    """,
    bad="""
vm/main.py       # run as `python main.py` in vm/
vm/logging.py    # every `import logging` in the process finds this file
""",
    good="""
vm/main.py
vm/log_setup.py
""",
)

SHELL_NEEDED = Rule(
    code="LH601",
    name="shell-needed",
    hook=HOOK_ID,
    summary="Code an entry point reaches runs /bin/sh, which its distroless image lacks",
    explanation="""
        An entry point that runs in an image built on a distroless base
        reaches a call that starts `/bin/sh -c`: `os.system`, `os.popen`,
        `subprocess.getoutput` and `getstatusoutput`,
        `asyncio.create_subprocess_shell`, or `subprocess.run`, `call`,
        `check_call`, `check_output` or `Popen` with `shell=True`.
        Distroless images have no shell (`:debug` has busybox under
        `/busybox` only), so the call raises `FileNotFoundError:
        '/bin/sh'`; `os.system` raises nothing and returns 127, as if the
        command had failed. The calls are found in the tokens of every module
        the entry point reaches (never in strings or comments, nor under `if
        TYPE_CHECKING:`); one inside a function fails when the function runs,
        and the finding says so. Nothing is said where the call may be for
        another system (under a test of `sys.platform`, `os.name` or
        `platform.system()`) or checks first (`shutil.which`), in a `try`
        whose handlers catch `OSError`, with `executable=` or `**kwargs`,
        nor where the image may hold a shell after all (one copied from
        another image). Images that are not distroless (`python:3.12-slim`
        has `/bin/sh`) are not judged. Run the program itself with an
        argument list, and do in Python what the shell did (`shutil`,
        `pathlib`, `glob`).
    """,
    bad="""
# FROM gcr.io/distroless/python3-debian13:nonroot
import os
os.system("mkdir -p /tmp/cache")
""",
    good="""
import os
os.makedirs("/tmp/cache", exist_ok=True)
""",
)

PROGRAM_NOT_IN_IMAGE = Rule(
    code="LH602",
    name="program-not-in-image",
    hook=HOOK_ID,
    summary="Code an entry point reaches runs a program its distroless image lacks",
    explanation="""
        An entry point that runs in an image built on a distroless base
        reaches a call that runs a program named literally, without a
        shell: the first word of `subprocess.run(["curl", ...])` (or of a
        string, `subprocess.Popen("git")`, and likewise for `call`,
        `check_call`, `check_output`), `os.execvp("ls", ...)` and the other
        `os.exec*` functions, `asyncio.create_subprocess_exec("git", ...)`,
        `pty.spawn("/bin/bash")`. The program is looked up as the call
        would: on the image's `PATH` (a name without `/`), or at its path,
        among what the distroless image holds (its interpreter, not
        coreutils, git, curl or a shell) and what COPY put there; the
        call raises `FileNotFoundError`. Nothing is said where the model
        cannot tell (a COPY from another image or an archive, a `PATH` that
        is not known), for a program in a variable, nor in the cases LH601
        leaves out. Images that are not distroless are not judged: which
        Debian packages they have installed is not known. COPY the program
        in (from a builder stage), or do the work in Python (`urllib.request`
        for curl, `shutil` and `os` for file work).
    """,
    bad="""
# FROM gcr.io/distroless/python3-debian13:nonroot
import subprocess
head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True).stdout
""",
    good="""
import os
head = os.environ.get("GIT_COMMIT", "unknown")   # set at build time: ARG/ENV
""",
)

RULES = (
    MISSING_LOCAL_MODULE,
    MISSING_NAME,
    RELATIVE_IMPORT_FAILS,
    ENTRY_POINT_MISSING,
    SYNTAX_ERROR,
    THIRD_PARTY_NOT_DECLARED,
    THIRD_PARTY_ONLY_OPTIONAL,
    STDLIB_VERSION_GAP,
    STDLIB_LEFT_OUT,
    REQUIREMENTS_INCLUDE_BROKEN,
    REQUIREMENT_UNPARSABLE,
    REQUIREMENT_NEVER_IMPORTED,
    MODULE_SHADOWED,
    SHELL_NEEDED,
    PROGRAM_NOT_IN_IMAGE,
)


class ConfiguredEntry(NamedTuple):
    """An entry point of the configuration: what it runs, from the
    repository root, and the folders it has on ``sys.path`` after the
    first (as ``PYTHONPATH`` would put them)."""

    text: str
    sys_path: tuple[str, ...] = ()


_ENTRY_KEYS = frozenset({"run", "sys-path"})


def configured_entry(where: str, item: object) -> ConfiguredEntry:
    """One item of ``entry-points``: a string, or a table with ``run`` and
    an optional ``sys-path``; raises OptionError for anything else."""
    if isinstance(item, dict):
        unknown = sorted(set(item) - _ENTRY_KEYS)
        if unknown:
            raise OptionError(f"{where}: unknown key {unknown[0]!r} (known: run, sys-path)")
        text, folders = item.get("run"), item.get("sys-path", [])
        entry = ConfiguredEntry(text, _folders(where, folders)) if isinstance(text, str) else None
    else:
        entry = ConfiguredEntry(item) if isinstance(item, str) else None
    if entry is None or entry_run(entry) is None:
        raise OptionError(
            f"{where}: {item!r} is not an entry point: a script path, `-m package.module`,"
            " `package.module:app`, or a table { run = ..., sys-path = [...] }"
        )
    return entry


def _folders(where: str, folders: object) -> tuple[str, ...]:
    """``sys-path``: folders of the repository, relative to its root."""
    if not isinstance(folders, list) or not all(isinstance(f, str) and f for f in folders):
        raise OptionError(f"{where}: `sys-path` must be a list of folders")
    for folder in folders:
        if folder.startswith("/") or ":" in folder or ".." in folder.split("/"):
            raise OptionError(f"{where}: {folder!r}: `sys-path` holds folders of the repository")
    return tuple(folders)


def entry_run(entry: ConfiguredEntry) -> Run | None:
    """The run of a configured entry point (None: it runs no module)."""
    from lucid_hooks.commands import simple_run

    words = entry.text.split()
    if len(words) == 1 and ":" in entry.text:
        run = simple_run(["uvicorn", entry.text])
    else:
        run = simple_run(["python", *words])
    if run is None or not entry.sys_path:
        return run
    return run._replace(environment=(("PYTHONPATH", ":".join(entry.sys_path)),))


def _check_entry_points(where: str, value: object) -> None:
    if not isinstance(value, list):
        raise OptionError(f"{where} must be a list of entry points")
    for item in value:
        configured_entry(where, item)


def _entry_point_word(text: str) -> object:
    if entry_run(ConfiguredEntry(text)) is None:
        raise OptionError(
            f"{text!r} is not an entry point: a script path, `-m package.module`"
            " or `package.module:app`"
        )
    return text


_VERSION = re.compile(r"(?:3\.(\d+)|py3(\d+))")


def python_version(text: str) -> str | None:
    """``3.11`` for ``"3.11"`` or ruff's ``"py311"`` (None: neither)."""
    match = _VERSION.fullmatch(text.strip())
    return f"3.{match.group(1) or match.group(2)}" if match else None


def _check_version(where: str, value: object) -> None:
    if not isinstance(value, str) or (value and python_version(value) is None):
        raise OptionError(f'{where} must be a Python version: "3.11" or "py311"')


def _version_word(text: str) -> object:
    _check_version(repr(text), text)
    return text


def _check_import_names(where: str, value: object) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(names, list) and all(isinstance(name, str) and name for name in names)
        for names in value.values()
    ):
        raise OptionError(f'{where} must be a table of distribution = ["module", ...]')


ENTRY_POINTS = Kind("entry-points", _check_entry_points, _entry_point_word, "TEXT", True)
VERSION = Kind("version", _check_version, _version_word, "VERSION")
IMPORT_NAMES = Kind("import-names", _check_import_names, None, "")

OPTIONS = (
    Option(
        "entry-points",
        ENTRY_POINTS,
        (),
        "more entry points, run from the repository root: a script path,"
        " `-m package.module` or `package.module:app`, or a table"
        " `{ run = ..., sys-path = [folders] }` whose folders follow the first"
        " entry of `sys.path` (the command line takes the strings)",
        flag="--entry-point",
    ),
    Option(
        "target-version",
        VERSION,
        "",
        'the Python of entry points that run from the repository ("3.11" or "py311") when'
        " no `requires-python` says; empty: the hook's own",
        flag="--target-version",
    ),
    Option(
        "import-names",
        IMPORT_NAMES,
        {},
        'the modules a distribution installs, where its name does not say: `{ "my-dist" ='
        ' ["mymod"] }`; before the built-in table',
    ),
)


class Settings(NamedTuple):
    """The hook's options as the analysis reads them."""

    entry_points: tuple[ConfiguredEntry, ...] = ()
    contexts: tuple[tuple[str, str], ...] = ()  # Dockerfile glob, context folder
    target_version: str | None = None  # "3.11"
    import_names: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def of(cls, context: HookContext) -> Settings:
        """The settings of a run (their kinds were checked)."""
        listed = context.option("entry-points")
        items = listed if isinstance(listed, (list, tuple)) else ()
        entries = tuple(configured_entry("entry-points", item) for item in items)
        contexts = context.config.dockerfiles
        version = python_version(str(context.option("target-version") or ""))
        names = context.option("import-names")
        pairs = names.items() if isinstance(names, dict) else ()
        import_names = tuple(sorted((str(dist), tuple(mods)) for dist, mods in pairs))
        return cls(entries, contexts, version, import_names)


ANALYSIS_NAMESPACE = "entry-analysis-6"
# A commit that deletes one of these may break an import anywhere.
DELETED_SOURCES = (".py", ".so", ".pyd", ".pth")


class EntryRow(NamedTuple):
    """One entry point as the analysis leaves it: what the hook needs
    (``origin``, the indices of the repository files it ``reached``) and
    what `lucid-hooks report` says of it. The disk cache keeps it as a plain
    tuple."""

    origin: str
    reached: tuple[int, ...]
    line: int = 1
    how: str = ""
    command: str = ""  # the command line, as read
    dockerfile: str = ""  # '' when it runs from the repository
    cwd: str = ""
    assumed: bool = False
    image: str = ""  # the base image of its final stage ('' outside an image)
    module: str = ""  # the repository file it starts with ('' when none)
    python: str = ""  # "3.12"; '' when not known
    python_source: str = ""  # why that Python
    imports: tuple[str, ...] = ()  # the top-level third-party modules it imports
    distributions: tuple[str, ...] = ()  # the installed distributions it uses
    requirements: tuple[str, ...] = ()  # the files that say what it has installed


# (path, line, col, code, message, indices of the entry points that reach it)
# of each report: builtin data, as the disk cache keeps it.
ReportRow = tuple[str, int, int, str, str, tuple[int, ...]]


class RepositoryAnalysis(NamedTuple):
    """Every entry point, every report, and the files that could not be read."""

    entries: tuple[EntryRow, ...]
    reports: tuple[ReportRow, ...]
    unreadable: list[Finding]


def find_broken_imports(context: HookContext) -> list[Finding]:
    """The reports of every entry point that touches a passed file (the
    file that says how it starts, or a file it imports), each naming every
    entry point that reaches it: so each batch of pre-commit prints lines
    of one run over all files, and a commit that deletes a module checks
    every entry point (the module's importers were not passed)."""
    files = context.snapshot.files(context.excludes)
    entries, reports, unreadable = repository_analysis(
        context.snapshot, files, Settings.of(context)
    )
    # The folders given hold every file below them, of whatever type.
    passed = path_selector(context.given_files, context.folders)
    if any(path.endswith(DELETED_SOURCES) for path in context.snapshot.staged_deletions()):
        passed = _everything
    checked = {
        number
        for number, entry in enumerate(entries)
        if passed(entry.origin) or any(passed(files[index]) for index in entry.reached)
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
    snapshot: Snapshot, files: Sequence[str], settings: Settings
) -> RepositoryAnalysis:
    """The analysis of the whole repository, and the files it could not
    read: from the disk cache when no file (its path or content) nor the
    options changed since the run that made it. A run that could not read
    a file is not kept (the next may)."""
    cache = snapshot.cache
    where = content_key(snapshot.root)
    fingerprint = tree_fingerprint(snapshot, files, repr(settings))
    # `lucid-hooks report` asks again after the hook: one analysis a run.
    memo_key = (ANALYSIS_NAMESPACE, fingerprint)
    made = snapshot.results.get(memo_key)
    if isinstance(made, RepositoryAnalysis):
        return made
    kept = cache.get(ANALYSIS_NAMESPACE, where, tuple) if cache.enabled else None
    if kept is not None and len(kept) == 2 and kept[0] == fingerprint:
        restored = _restored_rows(kept[1])
        if restored is not None:
            snapshot.results[memo_key] = RepositoryAnalysis(*restored, [])
            return RepositoryAnalysis(*restored, [])
    from lucid_hooks.entry_point_analysis import Repository, analyse

    repo = Repository(snapshot, files)
    try:
        entries, reports = analyse(repo, settings)
    finally:
        repo.close()
    if cache.enabled and not repo.findings:
        stored = tuple(tuple(entry) for entry in entries)
        cache.put(ANALYSIS_NAMESPACE, where, (fingerprint, (stored, reports)))
    analysis = RepositoryAnalysis(entries, reports, repo.findings)
    snapshot.results[memo_key] = analysis
    return analysis


def tree_fingerprint(snapshot: Snapshot, files: Sequence[str], options: str) -> bytes:
    """A key that changes whenever a file (its path or its content), a
    staged deletion (a deleted module's name stays the repository's own) or
    the options do: any file can be copied into an image or name a module,
    so every one counts."""
    return snapshot.fingerprint(files, options, deletions=True)


def _restored_rows(value: object) -> tuple[tuple[EntryRow, ...], tuple[ReportRow, ...]] | None:
    if not isinstance(value, tuple) or len(value) != 2:
        return None
    entries, reports = value
    if not isinstance(entries, tuple) or not isinstance(reports, tuple):
        return None
    width = len(EntryRow._fields)
    if not all(isinstance(entry, tuple) and len(entry) == width for entry in entries):
        return None
    if not all(isinstance(report, tuple) and len(report) == 6 for report in reports):
        return None
    return tuple(EntryRow(*entry) for entry in entries), reports


HOOK = Hook(
    id=HOOK_ID,
    name="check entry-point imports",
    description="Follows every service entry point's imports on the sys.path it runs with,"
    " in its image, and reports those that would fail (local, third-party, standard library),"
    " the requirements pip cannot follow, the modules that sys.path shadows, and the shells"
    " and programs its code runs that a distroless image lacks (LH2xx, LH403, LH6xx).",
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
