"""check-distroless: Dockerfile final stages that cannot work on a distroless
image (LH5xx).

A distroless image has no shell, no coreutils, no pip and no curl; its
python3 variant starts every container with its own interpreter. The hook
models the image a Dockerfile builds (its final stage, or a compose
``target``: base image, user, ENTRYPOINT and CMD as inherited, the files
COPY and ADD put there) and reports what fails on it: a base image that is
a debug, floating, non-existent or retired one; shell forms; programs the
image lacks; the interpreter named twice; running as root or as a user the
image does not know; a copied venv whose interpreter link leads nowhere.
Only stages built on a distroless image are judged. Nothing is pulled,
built or run.

This module declares the hook; `distroless_analysis` does the checking.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from lucid_hooks.cache import content_key
from lucid_hooks.findings import Finding
from lucid_hooks.options import BOOL, GLOBS, Option
from lucid_hooks.registry import FileSelection, Hook
from lucid_hooks.rules import UNREADABLE_FILE, Rule
from lucid_hooks.runner import HookContext, run_hook

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


HOOK_ID = "check-distroless"

DEBUG_BASE_IMAGE = Rule(
    code="LH501",
    name="debug-base-image",
    hook=HOOK_ID,
    summary="The final stage is built on a distroless `:debug` image",
    explanation="""
        The `debug` and `debug-nonroot` variants add busybox under
        `/busybox` so that a person can get into a container by hand
        (`docker run --entrypoint=sh`); they are not meant to ship. A
        service built on one carries a shell and a hundred tools into
        production, which is what distroless exists to avoid, and its
        ENTRYPOINT is not the plain image's for `static`, `base` and `cc`
        (`/busybox/sh`). Even there `/bin/sh` does not exist, so a
        Dockerfile's shell forms fail as on the plain image. Use the same
        image without `debug` (`:nonroot` rather than `:debug-nonroot`), and
        pull the debug one only to investigate.
    """,
    bad="""
FROM gcr.io/distroless/python3-debian13:debug-nonroot
""",
    good="""
FROM gcr.io/distroless/python3-debian13:nonroot
""",
)

FLOATING_BASE_IMAGE = Rule(
    code="LH502",
    name="floating-base-image",
    hook=HOOK_ID,
    summary="The final distroless base image is `:latest`, untagged, or pins no Debian version",
    explanation="""
        `:latest` (or no tag, which means it) is the root variant, and a
        name without `-debian13` follows whatever Debian version distroless
        makes the default: the untagged `gcr.io/distroless/python3` moved
        from Python 3.9 to 3.11 to 3.13 over the years, silently changing
        the interpreter a service runs on and the compiled wheels it can
        load. Name the Debian version and the variant
        (`python3-debian13:nonroot`), or pin a digest (`@sha256:...`, which keeps the image
        fixed whatever its tag says).
    """,
    bad="""
FROM gcr.io/distroless/python3
""",
    good="""
FROM gcr.io/distroless/python3-debian13:nonroot
""",
)

NONEXISTENT_BASE_IMAGE = Rule(
    code="LH503",
    name="nonexistent-base-image",
    hook=HOOK_ID,
    summary="The final base names a distroless image or tag that was never published",
    explanation="""
        Distroless publishes the families `static`, `base`, `base-nossl`,
        `cc`, `python3`, `java17`/`java21`/`java25` and
        `nodejs22`/`nodejs24`, each as `<family>-debian<N>`, with the tags
        `latest`, `nonroot`, `debug` and `debug-nonroot`, each optionally
        followed by an architecture the family is built for (`-amd64`,
        `-arm64`; more for some families). Anything else (`:arm64` alone,
        `:3.11`, `python3.11-debian12`, `nodejs20-debian13`) fails the
        build at `FROM` with "not found", or worse, is resolved by a mirror
        that kept a stale copy. Use one of the names and tags above.
    """,
    bad="""
FROM gcr.io/distroless/python3-debian13:arm64
""",
    good="""
FROM gcr.io/distroless/python3-debian13:nonroot-arm64
""",
)

RETIRED_BASE_IMAGE = Rule(
    code="LH504",
    name="retired-base-image",
    hook=HOOK_ID,
    summary="The final base is a distroless image that is no longer built",
    explanation="""
        Distroless stops building an image when its Debian version, or its
        language runtime, leaves support: Debian 11 images in 2024-09,
        `python3-debian12` (Python 3.11) in 2026-05, the other debian12
        images on 2026-09-01 (the date the support policy announced). The
        last pushed image stays pullable, so nothing fails, but it gets no
        more security fixes, and every scan
        of the service reports the CVEs that pile up. Move to the image the
        message names (the same family on debian13); for python3 that
        changes the interpreter's minor version, so the builder stage, its
        wheels and any copied `site-packages` must move with it.
    """,
    bad="""
FROM gcr.io/distroless/python3-debian12:nonroot
""",
    good="""
FROM gcr.io/distroless/python3-debian13:nonroot
""",
)

SHELL_FORM_ON_DISTROLESS = Rule(
    code="LH505",
    name="shell-form-without-shell",
    hook=HOOK_ID,
    summary="A shell-form instruction, heredoc or SHELL runs on an image that has no shell",
    explanation="""
        Docker runs the shell form of RUN, CMD, ENTRYPOINT and HEALTHCHECK
        (`CMD python app.py`, `HEALTHCHECK CMD curl ...`) as `/bin/sh -c
        "..."`, or through the stage's SHELL. A distroless image has no
        `/bin/sh` (its debug variants keep busybox under `/busybox` only), so
        the build fails at such a RUN, and the container at start or at its
        first health check, with `exec: "/bin/sh": no such file or
        directory`. A RUN heredoc (`RUN <<EOF`) is a shell form too: BuildKit
        runs its body through `/bin/sh -c` even when it starts with `#!`. A
        SHELL instruction naming a shell the image lacks makes every later
        shell form fail. Under a python3 ENTRYPOINT a shell-form CMD is
        worse still: the interpreter is asked to run `/bin/sh` as a script.
        Write the command in exec form (a JSON array), and do build steps
        in a builder stage whose results COPY brings in.
    """,
    bad="""
FROM gcr.io/distroless/python3-debian13:nonroot
RUN mkdir -p /app/data
CMD python app.py
""",
    good="""
FROM gcr.io/distroless/python3-debian13:nonroot
COPY --chown=nonroot data/ /app/data/
CMD ["app.py"]
""",
    fix="safe: a shell-form CMD or ENTRYPOINT without shell syntax (no variables, quotes,"
    " operators, redirections, globs or escapes) becomes the JSON array of its words, a"
    " leading `exec` dropped, and for a CMD under a python ENTRYPOINT its interpreter word"
    " when it is the ENTRYPOINT's own",
)

MISSING_EXECUTABLE = Rule(
    code="LH506",
    name="missing-executable",
    hook=HOOK_ID,
    summary="An exec-form command runs a program the image does not hold",
    explanation="""
        An exec-form RUN, ENTRYPOINT, CMD or HEALTHCHECK names a program
        (looked up on the image's `PATH` when it has no `/`) that neither
        the distroless image nor a COPY or ADD put there: `["rm", ...]`,
        `["chmod", ...]`, `["pip", "install", ...]` (or `python3 -m pip`:
        no pip module either), `["curl", ...]`,
        `["sh", "-c", ...]`, a `tini` never copied, a `/usr/local/bin/python`
        of a builder image. Distroless holds no coreutils, no package
        manager, no shell and no curl: only its runtime (`/usr/bin/python3`
        and `python3.X` in python3). The build or the container fails with
        `executable file not found`. A script COPY put there whose `#!`
        line names a program the image lacks (`#!/bin/sh`,
        `#!/usr/bin/env python3`: there is no `env` either) fails the same
        way. Do file work in a builder stage and
        COPY the result (`COPY --chmod`, `--chown`; WORKDIR creates
        folders), install packages in the builder's venv, check health with
        the interpreter (`["python3", "-c", "import urllib.request; ..."]`),
        or COPY the program in. Where something the model cannot follow
        could have put the program there (a COPY from another image, an
        archive, a RUN that runs), nothing is reported.
    """,
    bad="""
FROM gcr.io/distroless/python3-debian13:nonroot
HEALTHCHECK CMD ["curl", "-f", "http://localhost:8000/health"]
""",
    good="""
FROM gcr.io/distroless/python3-debian13:nonroot
HEALTHCHECK CMD ["python3", "-c", "import urllib.request as u; u.urlopen('http://localhost:8000/health')"]
""",
)

INTERPRETER_TWICE = Rule(
    code="LH507",
    name="interpreter-named-twice",
    hook=HOOK_ID,
    summary="A CMD starts with `python` while the ENTRYPOINT is already the interpreter",
    explanation="""
        Every distroless python3 image sets `ENTRYPOINT
        ["/usr/bin/python3.X"]` (`:debug` too), and Docker runs ENTRYPOINT
        followed by CMD. `CMD ["python3", "app.py"]` therefore runs
        `python3.13 python3 app.py`: the interpreter looks for a script
        named `python3` in the working directory and exits with "can't
        open file". The CMD holds only the interpreter's arguments:
        `CMD ["app.py"]` or `CMD ["-m", "app"]`. After `ENTRYPOINT []`, or
        in a HEALTHCHECK (never prefixed by the ENTRYPOINT), naming the
        interpreter is right.
    """,
    bad="""
FROM gcr.io/distroless/python3-debian13:nonroot
CMD ["python3", "-m", "app"]
""",
    good="""
FROM gcr.io/distroless/python3-debian13:nonroot
CMD ["-m", "app"]
""",
    fix="safe: drops the interpreter word from the CMD when it is the ENTRYPOINT's own",
)

ROOT_USER = Rule(
    code="LH508",
    name="runs-as-root",
    hook=HOOK_ID,
    summary="The final image runs as root",
    explanation="""
        The distroless `latest` and `debug` variants run as root (uid 0);
        only `nonroot` and `debug-nonroot` run as `nonroot` (uid 65532,
        home `/home/nonroot`). A final stage on a root variant without a
        USER, or with `USER root` / `USER 0` last, runs the service as root:
        a compromise of the service is root in the container, and a
        Kubernetes `runAsNonRoot` policy refuses to start it. Build on the
        `:nonroot` variant, or end with `USER nonroot` (files the service
        writes need `COPY --chown=nonroot`). `/root` is mode 0700, so
        packages a builder installed there with `pip install --user` are
        unreadable once the user is not root: install into a venv instead.
    """,
    bad="""
FROM gcr.io/distroless/python3-debian13
CMD ["app.py"]
""",
    good="""
FROM gcr.io/distroless/python3-debian13:nonroot
CMD ["app.py"]
""",
)

UNKNOWN_USER = Rule(
    code="LH509",
    name="unknown-user",
    hook=HOOK_ID,
    summary="USER names a user or group the image's /etc/passwd or /etc/group lacks",
    explanation="""
        Docker resolves a USER name through the image's own `/etc/passwd`
        (and a group through `/etc/group`) when the container starts.
        Distroless writes only the users `root` (0), `nobody` (65534) and
        `nonroot` (65532), and the groups `root`, `nobody`, `tty`, `staff`
        and `nonroot`; it has no `useradd`. `USER app` fails every start
        with "unable to find user app: no matching entries in passwd
        file". Use `nonroot`, or a numeric uid (`USER 10001:10001`), or
        COPY an `/etc/passwd` that has the user from a builder stage (then
        nothing is reported).
    """,
    bad="""
FROM gcr.io/distroless/python3-debian13
USER app
""",
    good="""
FROM gcr.io/distroless/python3-debian13
USER nonroot
""",
)

PYTHON_MISMATCH = Rule(
    code="LH510",
    name="builder-python-mismatch",
    hook=HOOK_ID,
    summary="Packages built for one Python minor version are copied into an image of another",
    explanation="""
        A builder stage on `python:3.11-slim` installs packages (`pip
        install --target`, `--prefix`, `--user` or into a venv), and the
        final stage copies them into a distroless image whose interpreter is
        another minor version (`python3-debian13` is Python 3.13). Compiled
        extension modules are built for one ABI
        (`_cffi_backend.cpython-311-x86_64-linux-gnu.so`) and do not load under another, a venv's
        `pyvenv.cfg` and `lib/python3.11/site-packages` name the old
        version, and pure-Python packages may use syntax or modules the
        other version lacks. The service fails at its first import. Build
        on the `python:` image of the runtime's version (`python:3.13-slim`
        for debian13), or move both together.
    """,
    bad="""
FROM python:3.11-slim AS build
RUN pip install --target /deps -r requirements.txt
FROM gcr.io/distroless/python3-debian13:nonroot
COPY --from=build /deps /deps
""",
    good="""
FROM python:3.13-slim AS build
RUN pip install --target /deps -r requirements.txt
FROM gcr.io/distroless/python3-debian13:nonroot
COPY --from=build /deps /deps
""",
)

NOT_EXECUTABLE = Rule(
    code="LH511",
    name="program-not-executable",
    hook=HOOK_ID,
    summary="A command runs a file that COPY put in the image without an execute bit",
    explanation="""
        An ENTRYPOINT, CMD, HEALTHCHECK or exec-form RUN runs a file the
        Dockerfile copies from the build context (`COPY entrypoint.sh /`),
        and that file is not executable: COPY keeps the mode the file has in
        the context (git records only the execute bit, `100755`), and a
        heredoc (`COPY <<EOF /run.sh`) is written `0644`. On a distroless
        image there is no `chmod` to fix it afterwards, so the container
        fails with "permission denied". Make the file executable in git
        (`git update-index --chmod=+x entrypoint.sh`), or copy it with
        `COPY --chmod=755`. A file copied from another stage is not judged
        (that stage may have made it executable). A script also needs the
        interpreter its `#!` line names: `#!/bin/sh` and `#!/usr/bin/env`
        are not on distroless (LH506).
    """,
    bad="""
FROM gcr.io/distroless/static-debian13:nonroot
COPY server /server          # mode 100644 in git
ENTRYPOINT ["/server"]
""",
    good="""
FROM gcr.io/distroless/static-debian13:nonroot
COPY --chmod=755 server /server
ENTRYPOINT ["/server"]
""",
)

UNDER_ROOT_HOME = Rule(
    code="LH512",
    name="files-under-root-home",
    hook=HOOK_ID,
    summary="A non-root image gets files under /root, which its user cannot read",
    explanation="""
        Distroless creates `/root` with mode 0700, owned by root. An image
        that runs as `nonroot` (or any other non-root user) cannot enter it,
        whatever the files inside are owned by, so what a COPY puts there is
        unreadable to the service: typically the packages a builder installed
        with `pip install --user` as root (`COPY --from=build /root/.local
        /root/.local`), found through `PYTHONPATH` or `site` and failing with
        `ModuleNotFoundError` or `PermissionError`. Install into a venv or a
        `--target` folder elsewhere (`/venv`, `/deps`) and copy that.
    """,
    bad="""
FROM python:3.13-slim AS build
RUN pip install --user -r requirements.txt
FROM gcr.io/distroless/python3-debian13:nonroot
COPY --from=build /root/.local /root/.local
""",
    good="""
FROM python:3.13-slim AS build
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt
FROM gcr.io/distroless/python3-debian13:nonroot
COPY --from=build /venv /venv
""",
)

NOT_DISTROLESS = Rule(
    code="LH513",
    name="not-distroless",
    hook=HOOK_ID,
    summary="A Dockerfile that `require-distroless` names builds on another image",
    explanation="""
        The configuration's `require-distroless` globs name the Dockerfiles
        whose services ship on distroless (`require-distroless =
        ["services/*/Dockerfile"]`), and this one's final stage is built on
        something else: a `python:` image, `scratch`, or any other. Such an
        image carries a shell, a package manager and whatever else its
        distribution installs, which is what the audit set out to avoid,
        and the other LH5 rules do not judge it. Build the final stage on
        the distroless image of the runtime
        (`gcr.io/distroless/python3-debian13:nonroot` for Python 3.13), or take the Dockerfile
        out of the globs. A base whose name holds a variable not known is
        not judged. Off unless the option names Dockerfiles.
    """,
    bad="""
# [tool.lucid-hooks.check-distroless] require-distroless = ["services/*/Dockerfile"]
FROM python:3.12-slim
""",
    good="""
FROM gcr.io/distroless/python3-debian13:nonroot
""",
)

VENV_INTERPRETER_MISSING = Rule(
    code="LH514",
    name="venv-interpreter-missing",
    hook=HOOK_ID,
    summary="The image runs a copied venv's interpreter, whose link target it lacks",
    explanation="""
        `python -m venv /venv` writes `/venv/bin/python`, `python3` and
        `python3.X` as symlinks to the interpreter that ran it, by the path
        it was run as. In the official `python:` images that is
        `/usr/local/bin/python` or `python3` (PATH puts `/usr/local/bin`
        first), which no distroless image has: after `COPY --from=build /venv /venv`, an
        ENTRYPOINT, CMD or HEALTHCHECK that runs `/venv/bin/python` (or
        `python` with `/venv/bin` first on PATH) fails with "no such file or
        directory". `--copies` does not help: the copy of a `python:`
        image's interpreter needs `/usr/local/lib/libpython3.X.so.1.0`
        (those images are built `--enable-shared`), which distroless lacks
        too. As the distroless documentation says, make the venv through
        the path the runtime has its interpreter at: `RUN ln -s
        /usr/local/bin/python3 /usr/bin/python3 && /usr/bin/python3 -m venv
        /venv` in the builder. A venv made by a script, with `uv venv` or
        a variable path, or copied from another image, is not judged.
    """,
    bad="""
FROM python:3.13-slim AS build
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt
FROM gcr.io/distroless/python3-debian13:nonroot
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/python", "-m", "app"]
""",
    good="""
FROM python:3.13-slim AS build
RUN ln -s /usr/local/bin/python3 /usr/bin/python3 && /usr/bin/python3 -m venv /venv
FROM gcr.io/distroless/python3-debian13:nonroot
COPY --from=build /venv /venv
ENTRYPOINT ["/venv/bin/python", "-m", "app"]
""",
)

COPY_SOURCE_MISSING = Rule(
    code="LH515",
    name="copy-source-missing",
    hook=HOOK_ID,
    summary="COPY or ADD names a file or folder the build context does not have",
    explanation="""
        BuildKit stops the build at a COPY or ADD whose source is not in the
        build context ("failed to compute cache key: ... not found"): a file
        renamed or deleted in the repository, a path written from the wrong
        folder, or one the `.dockerignore` leaves out (the message says which
        line). The context is the one the hook takes the Dockerfile to be
        built with: the `dockerfiles` setting, a compose file, or else the
        Dockerfile's own folder or the repository root, whichever holds its
        sources (the message says which). A source that exists on disk but is
        not tracked, or that `.gitignore` ignores, is taken for something an
        earlier build step makes (`dist/*.whl`) and not reported; so are
        wildcards, sources with variables not known, and the stages of a
        final image built on another than a distroless image.
    """,
    bad="""
FROM gcr.io/distroless/python3-debian13:nonroot
COPY app/settings.toml /app/    # renamed to config.toml
""",
    good="""
FROM gcr.io/distroless/python3-debian13:nonroot
COPY app/config.toml /app/
""",
)

PACKAGES_NOT_ON_SYS_PATH = Rule(
    code="LH516",
    name="packages-not-on-sys-path",
    hook=HOOK_ID,
    summary="COPY --from brings installed packages to a folder Python does not search",
    explanation="""
        `pip install --target DIR` and `--prefix DIR` in a builder put the
        packages in `DIR`, or in `DIR/lib/python3.X/site-packages`; after
        `COPY --from=build DIR /dest`, the final image's Python imports them
        only if that folder is on its `sys.path`: in `PYTHONPATH`, or the
        folder of the script it runs (or its WORKDIR, for `python -m`), or
        one of the interpreter's own site folders. Otherwise every import of
        them fails with `ModuleNotFoundError` at start-up, although the
        image holds them. Set `ENV PYTHONPATH=` to the folder the packages
        landed in (the message says it). Not judged: a venv (its
        interpreter finds its own site-packages), `--user` installs, paths
        or a PYTHONPATH with variables not known, and a relative
        destination.
    """,
    bad="""
FROM python:3.13-slim AS build
RUN pip install --prefix=/install -r requirements.txt
FROM gcr.io/distroless/python3-debian13:nonroot
COPY --from=build /install /install
ENTRYPOINT ["/usr/bin/python3", "-m", "app"]
""",
    good="""
FROM python:3.13-slim AS build
RUN pip install --prefix=/install -r requirements.txt
FROM gcr.io/distroless/python3-debian13:nonroot
COPY --from=build /install /install
ENV PYTHONPATH=/install/lib/python3.13/site-packages
ENTRYPOINT ["/usr/bin/python3", "-m", "app"]
""",
)

RULES = (
    DEBUG_BASE_IMAGE,
    FLOATING_BASE_IMAGE,
    NONEXISTENT_BASE_IMAGE,
    RETIRED_BASE_IMAGE,
    SHELL_FORM_ON_DISTROLESS,
    MISSING_EXECUTABLE,
    INTERPRETER_TWICE,
    ROOT_USER,
    UNKNOWN_USER,
    PYTHON_MISMATCH,
    NOT_EXECUTABLE,
    UNDER_ROOT_HOME,
    NOT_DISTROLESS,
    VENV_INTERPRETER_MISSING,
    COPY_SOURCE_MISSING,
    PACKAGES_NOT_ON_SYS_PATH,
)

OPTIONS = (
    Option(
        "fix",
        BOOL,
        True,
        "rewrite shell-form CMD/ENTRYPOINT without shell syntax in exec form, and drop an"
        " interpreter a python ENTRYPOINT already runs",
        flag="--fix",
    ),
    Option(
        "require-distroless",
        GLOBS,
        (),
        "Dockerfiles whose final stage must be built on a distroless image (LH513)",
        flag="--require-distroless",
    ),
)


# The findings of each Dockerfile, by the tree they were found in.
FINDINGS_NAMESPACE = "distroless-findings-1"
# The findings that depend on more than the tree's key says.
UNCACHED = frozenset({UNREADABLE_FILE.code, "LH515"})
# path, line, column, code, message, and whether it has a fix.
FindingRow = tuple[str, int, int, str, str, bool]


def find_distroless_problems(context: HookContext) -> list[Finding]:
    """The findings of every Dockerfile passed. A Dockerfile's findings
    depend on its bytes, its build context (every file COPY may bring, with
    its mode) and the settings: they are kept in the disk cache under a key
    of the whole tree, so a second run over an unchanged tree models no
    image and imports no analysis. A fix is code, made afresh: a Dockerfile
    with a fixable finding is checked again when fixing is on, and when it
    is off its finding gets a fix that would check it again (never called
    then, but it keeps the finding's "fixable"). Nothing is kept of a file
    that could not be read."""
    if not context.snapshot.cache.enabled:
        return _checked(context, context.files)
    shelf = context.snapshot.shelf(FINDINGS_NAMESPACE)
    tree = _tree_key(context)
    fixing = bool(context.option("fix"))
    found: list[Finding] = []
    unknown: list[str] = []
    for path in context.files:
        rows = _restored(shelf.get(_file_key(context, tree, path), tuple))
        if rows is None or (fixing and any(row[5] for row in rows)):
            unknown.append(path)
        else:
            found.extend(_finding_of(context, row) for row in rows)
    fresh = _checked(context, unknown)
    by_path: dict[str, list[Finding]] = {path: [] for path in unknown}
    for finding in fresh:
        by_path.setdefault(finding.path, []).append(finding)
    for path in unknown:
        own = by_path[path]
        # A missing COPY source is judged by the disk too (an untracked
        # build output), which the tree's key does not cover.
        if all(finding.code not in UNCACHED for finding in own):
            kept = tuple(
                (f.path, f.line, f.column, f.code, f.message, f.fix is not None) for f in own
            )
            shelf.put(_file_key(context, tree, path), kept)
    return [*found, *fresh]


def _finding_of(context: HookContext, row: FindingRow) -> Finding:
    path, line, column, code, message, fixable = row
    fix = _fix_found_again(context, row) if fixable else None
    return Finding(path, code, message, line=line, column=column, fix=fix)


def _fix_found_again(context: HookContext, row: FindingRow) -> Callable[[], str | None]:
    """The fix of a kept finding: its Dockerfile checked again, and the fix
    of the same finding there (None when it is no longer found)."""

    def fix() -> str | None:
        for finding in _checked(context, [row[0]]):
            same = (finding.path, finding.line, finding.column, finding.code, finding.message)
            if same == row[:5] and finding.fix is not None:
                return finding.fix()
        return None

    return fix


def _checked(context: HookContext, paths: Sequence[str]) -> list[Finding]:
    if not paths:
        return []
    from lucid_hooks.distroless_analysis import check_dockerfiles

    return check_dockerfiles(context, paths)


def _file_key(context: HookContext, tree: bytes, path: str) -> bytes:
    """The key of one Dockerfile's findings: the tree's, and the file's own
    signature (a Dockerfile passed may be one git does not track)."""
    snapshot = context.snapshot
    mode = snapshot.index_mode(path) or ""
    return content_key(tree, path, snapshot.signature(path), mode)


def _tree_key(context: HookContext) -> bytes:
    """What every Dockerfile's findings depend on: each file of the tree
    (its path and content, as `Snapshot.signature` tells them, and the mode
    git records, which `git update-index --chmod` changes alone) and the
    settings."""
    snapshot = context.snapshot
    settings = repr((context.strings("require-distroless"), context.config.dockerfiles))
    return snapshot.fingerprint(snapshot.files(context.excludes), settings, modes=True)


def _restored(value: tuple[object, ...] | None) -> list[FindingRow] | None:
    """The rows the cache kept, or None for anything else."""
    if value is None:
        return None
    rows = []
    for row in value:
        if not (isinstance(row, tuple) and len(row) == 6):
            return None
        path, line, column, code, message, fixable = row
        if not (isinstance(path, str) and isinstance(code, str) and isinstance(message, str)):
            return None
        if not (type(line) is int and type(column) is int and line > 0 and column > 0):
            return None
        if not isinstance(fixable, bool):
            return None
        rows.append((path, line, column, code, message, fixable))
    return rows


HOOK = Hook(
    id=HOOK_ID,
    name="check distroless images",
    description="Finds what fails in Dockerfile final stages built on distroless images:"
    " debug, floating, missing or retired base images, shell forms, programs the image lacks,"
    " the interpreter named twice, root and unknown users, packages built for another"
    " Python or copied off sys.path, venv interpreters whose link target is missing, COPY"
    " sources the build context lacks (LH5xx).",
    rules=RULES,
    options=OPTIONS,
    # Only Dockerfiles are passed: each is judged alone, with the build
    # context and compose files read from the tree, so a commit that only
    # changes a copied file is not re-checked (that file cannot turn a
    # finding on or off unless it is a program or /etc/passwd the
    # Dockerfile copies). Batches are independent: no require_serial.
    selection=FileSelection(types_or=("dockerfile",)),
    find=find_distroless_problems,
)


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(HOOK, argv)


if __name__ == "__main__":
    sys.exit(main())
