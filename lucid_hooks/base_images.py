"""What is known, without pulling anything, of the images a Python service
is built FROM: the official ``python`` images, the distroless images and
``scratch``. Of any other image nothing is known: its command, working
directory, user, environment, shell and files stay unknown (None).

Sources (checked 2026-08):

- docker-library/python, e.g. ``3.13/slim-trixie/Dockerfile``: ``ENV PATH
  /usr/local/bin:$PATH``, ``GPG_KEY``, ``PYTHON_VERSION``, ``PYTHON_SHA256``
  (older releases: ``LANG``, ``PYTHON_PIP_VERSION``, ...), no WORKDIR, no
  USER, no ENTRYPOINT and ``CMD ["python3"]``; the interpreter and pip live
  under ``/usr/local``, and ``/usr/src/python`` is removed after the build.
  The tag names the Python version (``3.11-slim``, ``3.11.4-alpine3.18``);
  ``3-slim`` or ``latest`` do not say the minor version, and Windows tags
  are not modelled.
- GoogleContainerTools/distroless ``python3/python.bzl``:
  ``DISTRO_VERSION = {"debian12": "3.11", "debian13": "3.13"}``,
  ``entrypoint = ["/usr/bin/python" + DISTRO_VERSION[distro]]`` for every
  variant, debug ones included (they are built on ``//cc`` debug images,
  whose ``/busybox/sh`` entrypoint this one replaces), ``env = {"LANG":
  "C.UTF-8"}``, and ``/usr/bin/python`` and ``/usr/bin/python3`` linked to
  the interpreter. Debian 11 images held ``python3.9-minimal``
  (``common/package/bullseye_python.yaml``), so their interpreter is
  ``/usr/bin/python3.9``.
- ``static/static.bzl``: ``USER_VARIANTS = [("root", 0, "/"), ("nonroot",
  NONROOT, "/home/nonroot")]`` with ``user = "%d" % uid`` and that
  ``workdir``; ``env`` ``PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:
  /usr/bin:/sbin:/bin`` and ``SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt``;
  debug images add busybox under ``/busybox`` with ``PATH=$PATH:/busybox``
  and ``entrypoint = ["/busybox/sh"]``. ``common/variables.bzl``: ``NONROOT
  = 65532``. Tags are ``latest``, ``nonroot``, ``debug``, ``debug-nonroot``,
  each optionally with ``-amd64`` / ``-arm64``.
- ``scratch`` has an empty configuration; BuildKit adds
  ``PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin``
  to any stage whose image sets none (``dockerfile2llb/convert.go``).

The untagged ``gcr.io/distroless/python3`` moved from Python 3.9 to 3.11
to 3.13 over the years: its interpreter, and so its ENTRYPOINT, is not known.
Which distroless names, tags and Debian versions exist, and what programs
and users each image holds, are in ``lucid_hooks.distroless_images``; the
``java*`` and ``nodejs*`` images run ``/usr/bin/java -jar`` and
``/nodejs/bin/node`` (``java/java.bzl``, ``nodejs/nodejs.bzl``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.distroless_images import PYTHON_OF_DEBIAN, read_reference

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lucid_hooks.distroless_images import Distroless

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
DEFAULT_SHELL = ("/bin/sh", "-c")
DISTROLESS_PYTHON = PYTHON_OF_DEBIAN
# The ENTRYPOINT of the language runtimes' images (debug variants too).
_RUNTIME_ENTRYPOINTS = {"java": ("/usr/bin/java", "-jar"), "nodejs": ("/nodejs/bin/node",)}
NONROOT_UID = "65532"
NONROOT_HOME = "/home/nonroot"

# Where a Debian or Alpine root file system (and so a python or distroless
# image) holds files. Not /home, /opt, /srv, /mnt, /media or /usr/src: they
# exist empty, and application code copied there is known to be absent
# unless COPY put it there.
SYSTEM_ROOTS = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/sys",
    "/tmp",
    "/usr/bin",
    "/usr/games",
    "/usr/include",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/libx32",
    "/usr/local",
    "/usr/sbin",
    "/usr/share",
    "/var",
)
# Folders such an image surely has, which a COPY destination without a
# trailing `/` then goes into.
_SYSTEM_FOLDERS = ("/etc", "/home", "/root", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/var")
# Debian's and Alpine's empty /mnt, /media, /opt and /srv too (distroless: not known).
_PYTHON_FOLDERS = (
    *_SYSTEM_FOLDERS,
    "/media",
    "/mnt",
    "/opt",
    "/srv",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/lib",
)

# Registries that serve Docker Hub's official images under the same names.
_HUB_PREFIXES = (
    "docker.io/",
    "index.docker.io/",
    "registry-1.docker.io/",
    "mirror.gcr.io/",
    "public.ecr.aws/docker/",
)
_PYTHON_TAG = re.compile(r"(?P<major>\d+)\.(?P<minor>\d+)(?!\d)")
_PYTHON_MAJOR = re.compile(r"(?P<major>\d+)(?!\d)")
_PYTHON_RELEASE = re.compile(r"(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)(?=$|-)")
# Every ENV the python images' Dockerfiles have held over the years.
_PYTHON_IMAGE_VARIABLES = (
    "GPG_KEY",
    "LANG",
    "PYTHON_GET_PIP_SHA256",
    "PYTHON_GET_PIP_URL",
    "PYTHON_PIP_VERSION",
    "PYTHON_SETUPTOOLS_VERSION",
    "PYTHON_SHA256",
    "PYTHON_VERSION",
)


class BaseImage(NamedTuple):
    """An image a FROM line names, and what is known of its configuration.

    ``reference`` is the name as written (variables expanded), ``name`` its
    repository with Docker Hub's ``docker.io/library/`` dropped, ``tag``
    and ``digest`` its parts (None when absent). ``family`` is ``python``,
    ``distroless`` or ``scratch``, or ``""`` for an image nothing is known
    of. Unknown values are None: ``entrypoint``/``cmd`` (``()`` when the
    image has none), ``workdir``, ``user`` (``""`` is root, as Docker stores
    it), ``shell``, ``healthcheck``, ``python_version`` (``"3.11"``: of the
    interpreter the image holds). ``env`` holds the variables known to be
    set (None: to a value not known); when ``env_complete``, a name not in
    it is surely unset. ``roots`` are the folders the
    image's own files are under (``()`` for none; None: anywhere),
    ``folders`` some folders it surely has. ``source`` says where these
    facts come from, for messages.
    """

    reference: str
    name: str
    tag: str | None
    digest: str | None
    family: str
    python_version: str | None = None
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    workdir: str | None = None
    user: str | None = None
    env: Mapping[str, str | None] = {}
    env_complete: bool = False
    shell: tuple[str, ...] | None = None
    healthcheck: tuple[str, ...] | None = None
    roots: tuple[str, ...] | None = None
    folders: tuple[str, ...] = ()
    debug: bool = False
    source: str = "not a known image: its configuration and files are not known"

    @property
    def known(self) -> bool:
        return bool(self.family)

    @property
    def distroless(self) -> bool:
        return self.family == "distroless"


def split_reference(reference: str) -> tuple[str, str | None, str | None]:
    """``(name, tag, digest)`` of an image reference, the name normalized
    (Docker Hub's registry and ``library/`` dropped, lower case)."""
    name, at, digest = reference.partition("@")
    tag: str | None = None
    colon = name.rfind(":")
    if colon > name.rfind("/"):
        name, tag = name[:colon], name[colon + 1 :]
    name = name.lower()
    for prefix in _HUB_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    if name.startswith("library/"):
        name = name[len("library/") :]
    return name, tag, (digest if at else None)


def base_image(reference: str) -> BaseImage:
    """What is known of the image ``reference`` names."""
    name, tag, digest = split_reference(reference)
    if name == "scratch":
        return _scratch(reference)
    if name == "python":
        return _python(reference, tag, digest)
    distroless = read_reference(name, tag, digest)
    if distroless is not None and distroless.kind is not None:
        return _distroless(reference, name, distroless)
    return BaseImage(reference, name, tag, digest, "")


def unknown_image(reference: str) -> BaseImage:
    """An image nothing is known of (a FROM whose name is not known)."""
    return BaseImage(reference, reference, None, None, "")


def _scratch(reference: str) -> BaseImage:
    return BaseImage(
        reference,
        "scratch",
        None,
        None,
        "scratch",
        entrypoint=(),
        cmd=(),
        workdir="/",
        user="",
        env={"PATH": DEFAULT_PATH},
        env_complete=True,
        shell=DEFAULT_SHELL,
        healthcheck=(),
        roots=(),
        source="scratch: an empty image",
    )


def _python(reference: str, tag: str | None, digest: str | None) -> BaseImage:
    shown = tag or ("latest" if digest is None else None)
    if shown is not None and ("windows" in shown or "nanoserver" in shown):
        return BaseImage(reference, "python", tag, digest, "")
    version = _PYTHON_TAG.match(shown or "")
    major = _PYTHON_MAJOR.match(shown or "")
    # Python 2 images ran `python2`; a tag that names no version has been a
    # Python 3 image for years, a bare digest may be anything.
    python3 = (major["major"] == "3") if major else shown is not None
    return BaseImage(
        reference,
        "python",
        tag,
        digest,
        "python",
        python_version=f"{version['major']}.{version['minor']}" if version else None,
        entrypoint=(),
        cmd=("python3",) if python3 else None,
        workdir="/",
        user="",
        env=_python_env(shown or ""),
        env_complete=True,
        shell=DEFAULT_SHELL,
        healthcheck=(),
        roots=SYSTEM_ROOTS,
        folders=_PYTHON_FOLDERS,
        source="the official python image (docker-library/python)",
    )


def _python_env(tag: str) -> dict[str, str | None]:
    """The variables python images set: PATH, and the names their releases
    have set with values that differ (LANG only in older ones)."""
    env: dict[str, str | None] = dict.fromkeys(_PYTHON_IMAGE_VARIABLES)
    env["PATH"] = "/usr/local/bin:" + DEFAULT_PATH
    release = _PYTHON_RELEASE.match(tag)
    if release is not None:
        env["PYTHON_VERSION"] = release[1]
    return env


def _distroless(reference: str, name: str, image: Distroless) -> BaseImage:
    kind, variant = image.kind or "", image.variant
    debug = variant is None or image.debug  # unknown: it may hold busybox
    nonroot = None if variant is None else variant.endswith("nonroot")
    python = image.python_version
    roots = (*SYSTEM_ROOTS, "/busybox") if debug else SYSTEM_ROOTS
    return BaseImage(
        reference,
        name,
        image.tag,
        image.digest,
        "distroless",
        python_version=python,
        entrypoint=_distroless_entrypoint(kind, python, variant, debug=debug),
        cmd=(),
        workdir=None if nonroot is None else (NONROOT_HOME if nonroot else "/"),
        user=None if nonroot is None else (NONROOT_UID if nonroot else "0"),
        env=_distroless_env(kind, variant),
        env_complete=variant is not None,
        shell=DEFAULT_SHELL,
        healthcheck=(),
        roots=(*roots, "/nodejs") if kind == "nodejs" else roots,
        folders=(*_SYSTEM_FOLDERS, NONROOT_HOME),
        debug=debug and variant is not None,
        source="the distroless image (GoogleContainerTools/distroless)",
    )


def _distroless_entrypoint(
    kind: str, python: str | None, variant: str | None, *, debug: bool
) -> tuple[str, ...] | None:
    if kind == "python3":
        return (f"/usr/bin/python{python}",) if python else None
    if kind in _RUNTIME_ENTRYPOINTS:
        return _RUNTIME_ENTRYPOINTS[kind]
    return None if variant is None else (("/busybox/sh",) if debug else ())


# Standard-library modules the distroless python3 images lack, with the
# Debian package that ships each: distroless installs only the packages its
# python3/config.bzl lists (GoogleContainerTools/distroless at 6c3a3ad9),
# without their dependencies. Checked on 2026-12-01 by rebuilding both
# images from those lists and importing each module; python3.13-venv came
# to debian13 with PR #1970 (2026-01), so ensurepip is there (though it
# cannot install pip: python3-pip-whl is not).
_LEFT_OUT = {
    "tkinter": "python3-tk",
    "_tkinter": "python3-tk",
    "turtle": "python3-tk (turtle needs tkinter)",
    "turtledemo": "the Python examples",
    "idlelib": "IDLE's package",
    "_gdbm": "python3-gdbm",
    "dbm.gnu": "python3-gdbm",
}
_LEFT_OUT_DEBIAN12 = {"ensurepip": "python3.11-venv", "lib2to3": "python3-lib2to3"}


def stdlib_left_out(base: BaseImage) -> dict[str, str]:
    """The standard-library modules (dotted for a submodule) that a
    distroless python3 image lacks, each with the Debian package that has
    it; empty for any other image."""
    image = read_reference(base.name, base.tag, base.digest)
    if base.family != "distroless" or image is None or image.kind != "python3":
        return {}
    if image.distro == "debian12":
        return {**_LEFT_OUT, **_LEFT_OUT_DEBIAN12}
    return dict(_LEFT_OUT)


def _distroless_env(kind: str, variant: str | None) -> dict[str, str | None]:
    if variant is None:
        return {}
    env: dict[str, str | None] = {"SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"}
    env["PATH"] = DEFAULT_PATH + (":/busybox" if variant.startswith("debug") else "")
    if kind in ("python3", "java", "java-base"):
        env["LANG"] = "C.UTF-8"
    if kind == "java":
        env["JAVA_VERSION"] = None  # the JRE's release: its value is not known
    return env
