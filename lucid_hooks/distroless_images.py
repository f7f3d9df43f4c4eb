"""What the GoogleContainerTools/distroless images are, as data: which
names and tags exist, which are still built, and what is inside them.

Every fact was checked on 2026-12-01 against the image definitions in
GoogleContainerTools/distroless (the files named below), never against a
pulled image:

- Families and Debian versions built: ``static/config.bzl``,
  ``base/config.bzl`` (``base`` and ``base-nossl``), ``cc/config.bzl``,
  ``python3/config.bzl`` (``PYTHON_DISTROS``), ``java/config.bzl``
  (``JAVA_MAJOR_VERSIONS``: 17, 21, 25 on debian13), ``nodejs/config.bzl``
  (``NODEJS_MAJOR_VERSIONS``: 22, 24 on debian13), ``java-base`` (the
  JRE-less base of the java images, ``java/java.bzl``). Builds that
  stopped: Debian 9 in 2021-04 (issue #709), Debian 10 in 2022-02 for
  python, java and nodejs (PR #949) and later for the rest (PR #1121),
  Debian 11 in 2024-09 (PR #1656), ``python3-debian12`` in 2026-05
  (``python3/config.bzl`` lists debian13 alone), every other debian12 image
  on 2026-09-01 (the support policy's date, announced in issue #2129, still
  open when last read: the removal itself is not confirmed).
- Python of each Debian version: ``python3/python.bzl`` ``DISTRO_VERSION``
  (debian12 3.11, debian13 3.13) and ``common/package/bullseye_python.yaml``
  (debian11 3.9); the untagged ``python3`` moved from 3.9 to 3.11 to 3.13.
- Tags: ``latest``, ``nonroot``, ``debug``, ``debug-nonroot``, each also with
  an architecture suffix from the family's ``*_ARCHITECTURES`` (python3:
  ``-amd64`` and ``-arm64`` only); nothing else, so ``:arm64`` alone or
  ``:3.11`` does not exist.
- Executables: ``static`` ships ``base-files``, ``netbase``, ``tzdata``,
  ``media-types`` and certificates (``static/static.bzl``); ``base`` adds
  ``libc6`` and ``libssl3``, ``cc`` ``libgcc``/``libstdc++``/``libgomp``: no
  program in any of them. ``python3`` adds ``python3.X-minimal`` with the
  links ``/usr/bin/python`` and ``/usr/bin/python3`` (``python3/python.bzl``),
  ``java*`` ``/usr/bin/java`` into ``/usr/lib/jvm`` (``java/java.bzl``),
  ``nodejs*`` ``/nodejs/bin/node`` (``nodejs/nodejs.bzl``). Debug variants
  add busybox under ``/busybox`` only (``static/static.bzl``): there is no
  ``/bin/sh`` in any variant, no coreutils, no pip, no curl. Nothing lives
  under ``/usr/local``, and python3 holds ``libpython3.X-minimal`` and
  ``-stdlib`` but not ``libpython3.X``: no ``libpython3.X.so.1.0``, which
  the official ``python`` images' interpreter (built ``--enable-shared``,
  ``/usr/local/lib``) needs, so a copy of it (``venv --copies``) fails.
- Users: ``common/BUILD.bazel`` writes ``/etc/passwd`` with ``root`` (0,
  ``/root``, mode 0700), ``nobody`` (65534) and ``nonroot`` (65532,
  ``/home/nonroot``), and ``/etc/group`` with ``root``, ``nobody``, ``tty``,
  ``staff`` and ``nonroot``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lucid_hooks.commands import PYTHON_WORD

REGISTRY = "gcr.io/distroless/"
CURRENT_DEBIAN = "debian13"

# Debian version -> Python minor version of its python3 image.
PYTHON_OF_DEBIAN = {"debian11": "3.9", "debian12": "3.11", "debian13": "3.13"}

# Architectures each family is built for on debian13 (its config.bzl).
_EVERY_ARCH = ("amd64", "arm64", "arm", "s390x", "ppc64le")
ARCHITECTURES = {
    "static": _EVERY_ARCH,
    "base": (*_EVERY_ARCH, "riscv64"),
    "base-nossl": (*_EVERY_ARCH, "riscv64"),
    "cc": _EVERY_ARCH,
    "python3": ("amd64", "arm64"),
    "java": ("amd64", "arm64", "s390x", "ppc64le", "riscv64"),
    "java-base": ("amd64", "arm64", "s390x", "ppc64le", "riscv64"),
    "nodejs": _EVERY_ARCH,
}
VARIANTS = ("latest", "nonroot", "debug", "debug-nonroot")

# The families built on debian13, the only Debian version built today.
PUBLISHED = frozenset(
    {"static", "base", "base-nossl", "cc", "python3", "java-base", "java17", "java21", "java25"}
    | {"nodejs22", "nodejs24"}
)


class Retirement(NamedTuple):
    """When distroless stopped building an image, and where that is written."""

    since: str
    source: str


# When every family of a Debian version stopped being built.
_DEBIAN_RETIRED = {
    "debian9": Retirement("2021-04", "GoogleContainerTools/distroless#709"),
    "debian10": Retirement("2022", "GoogleContainerTools/distroless#949 and #1121"),
    "debian11": Retirement("2024-09", "GoogleContainerTools/distroless#1656"),
    "debian12": Retirement(
        "2026-09-01", "the support policy's end of debian12, GoogleContainerTools/distroless#2129"
    ),
}
# Images whose builds stopped before the rest of their Debian version.
_FAMILY_RETIRED = {
    ("python3", "debian12"): Retirement(
        "2026-05", "python3/config.bzl lists debian13 alone; Python 3.11 ended in 2026-04"
    ),
}

_NAME = re.compile(
    r"(?P<family>static|base-nossl|base|cc|python3|java-base|java\d*|nodejs\d*)"
    r"(?:-(?P<distro>debian\d+))?"
)
_TAG = re.compile(r"(?P<variant>debug-nonroot|debug|nonroot|latest)(?:-(?P<arch>[a-z0-9]+))?")

USERS = {"root": "0", "nobody": "65534", "nonroot": "65532"}
GROUPS = {"root": "0", "nobody": "65534", "tty": "5", "staff": "50", "nonroot": "65532"}


class Distroless(NamedTuple):
    """An image reference under ``gcr.io/distroless/``, read.

    ``family`` is ``python3``, ``java21``, ``static``... (None: no distroless
    image has that name); ``kind`` the family without its version (``java``);
    ``distro`` the Debian version the name pins (None: it pins none);
    ``variant`` is the tag without its architecture (``"latest"`` when there
    is neither tag nor digest), None when the tag is not one distroless
    publishes.
    """

    reference: str
    repository: str
    family: str | None
    kind: str | None
    distro: str | None
    tag: str | None
    digest: str | None
    variant: str | None

    @property
    def debug(self) -> bool:
        return self.variant is not None and self.variant.startswith("debug")

    @property
    def python_version(self) -> str | None:
        if self.kind != "python3" or self.distro is None:
            return None
        return PYTHON_OF_DEBIAN.get(self.distro)


def read_reference(name: str, tag: str | None, digest: str | None) -> Distroless | None:
    """The distroless image that ``name`` (normalized, as base_images'
    ``split_reference`` gives it) with ``tag`` and ``digest`` names; None
    for an image outside ``gcr.io/distroless/``."""
    if not name.startswith(REGISTRY):
        return None
    repository = name[len(REGISTRY) :]
    reference = name + (f":{tag}" if tag is not None else "") + (f"@{digest}" if digest else "")
    match = _NAME.fullmatch(repository)
    if match is None:
        return Distroless(reference, repository, None, None, None, tag, digest, None)
    family = match["family"]
    kind = _kind(family)
    return Distroless(
        reference,
        repository,
        family,
        kind,
        match["distro"],
        tag,
        digest,
        _variant(kind, tag, digest),
    )


def _kind(family: str) -> str:
    """The family without its runtime's version (`java21` is `java`)."""
    for kind in ("java", "nodejs"):
        if family.startswith(kind) and family[len(kind) :].isdigit():
            return kind
    return family


def _variant(kind: str, tag: str | None, digest: str | None) -> str | None:
    if tag is None:
        return "latest" if digest is None else None
    match = _TAG.fullmatch(tag)
    if match is None:
        return None
    arch = match["arch"]
    return match["variant"] if arch is None or arch in ARCHITECTURES[kind] else None


def retirement(image: Distroless) -> Retirement | None:
    """When the image stopped being built (None: it is built today, or the
    name pins no Debian version)."""
    if image.family is None or image.distro is None:
        return None
    if image.distro == CURRENT_DEBIAN:
        return None if image.family in PUBLISHED else Retirement("", "not built on debian13")
    found = _FAMILY_RETIRED.get((image.family, image.distro))
    return found or _DEBIAN_RETIRED.get(image.distro, Retirement("", "never built"))


def replacement(image: Distroless) -> str:
    """The image to use instead: the family on today's Debian version (the
    newest of its kind when the family itself is no longer built)."""
    family = image.family or "python3"
    if family not in PUBLISHED:
        newest = sorted(f for f in PUBLISHED if f.startswith(image.kind or family))
        family = newest[-1] if newest else family
    return f"{REGISTRY}{family}-{CURRENT_DEBIAN}"


def executable_state(image: Distroless, path: str) -> bool | None:
    """Whether the image itself holds the program ``path`` (absolute):
    True, False, or None where it holds files not listed here (busybox's
    applets, a JVM's tools, node's folder)."""
    if (image.debug or image.variant is None) and path.startswith("/busybox/"):
        return None
    if image.kind == "python3":
        return _python_program(image, path)
    if image.kind == "java":
        return _under_runtime(path, "/usr/bin/java", "/usr/lib/jvm/")
    if image.kind == "nodejs":
        return _under_runtime(path, "/nodejs/bin/node", "/nodejs/")
    return False


def _python_program(image: Distroless, path: str) -> bool | None:
    """``/usr/bin/python``, ``python3`` and ``python3.X`` (its own X only)."""
    folder, _, name = path.rpartition("/")
    if folder != "/usr/bin" or PYTHON_WORD.fullmatch(name) is None:
        return False
    if name in ("python", "python3"):
        return True
    version = image.python_version
    return None if version is None else name == f"python{version}"


def _under_runtime(path: str, program: str, folder: str) -> bool | None:
    if path == program:
        return True
    return None if path.startswith(folder) else False
