"""``[tool.lucid-hooks]`` in the repository's ``pyproject.toml``.

Every key is declared here with its type and default, so an unknown key or a
wrong type is one clear line and exit 2, for every hook alike.
"""

from __future__ import annotations

import os
import re
import sys

from lucid_hooks.paths import DEFAULT_EXCLUDES, GlobSet, check_glob, check_ignore_glob

# Not typing.TYPE_CHECKING: importing typing costs a hook milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

CONFIG_FILE = "pyproject.toml"
SECTION = "tool.lucid-hooks"

# key -> (kind, default); the kinds are checked by _check_value.
GLOBAL_OPTIONS: dict[str, tuple[str, object]] = {
    "exclude": ("globs", ()),
    "ignore": ("codes", ()),
    "per-file-ignores": ("per-file-ignores", {}),
}

# What check-cache-artifacts looks for, in .gitignore syntax (a trailing `/`
# names folders only); the lines its fix appends to .gitignore.
CACHE_PATTERNS = (
    "__pycache__/",
    "*.pyc",
    "*.pyo",
    "*$py.class",
    ".pytest_cache/",
    ".mypy_cache/",
    ".ruff_cache/",
    ".tox/",
    ".nox/",
    "*.egg-info/",
    ".coverage",
    ".coverage.*",
    ".ipynb_checkpoints/",
)

HOOK_OPTIONS: dict[str, dict[str, tuple[str, object]]] = {
    "check-init-files": {
        "fix": ("bool", True),
        "package-roots": ("globs", ()),
        "namespace-packages": ("globs", ()),
    },
    "check-cache-artifacts": {
        "fix": ("bool", True),
        "patterns": ("ignore-globs", CACHE_PATTERNS),
        "extend-patterns": ("ignore-globs", ()),
    },
    "check-duplicate-modules": {
        "similarity": ("fraction", 0.85),
        "min-lines": ("count", 10),
    },
}

_CODE = re.compile(r"LH\d{1,3}")


class ConfigError(Exception):
    """A configuration problem, already phrased for the user."""


class Config:
    """The validated configuration of one repository."""

    __slots__ = ("excludes", "hooks", "ignore", "per_file_ignores", "user_excludes")

    def __init__(self, section: Mapping[str, Any] | None = None) -> None:
        section = dict(section or {})
        _check_section(section)
        self.excludes = GlobSet((*DEFAULT_EXCLUDES, *section.get("exclude", ())))
        # Without the built-in ones: for a hook whose targets they are.
        self.user_excludes = GlobSet(section.get("exclude", ()))
        self.ignore: tuple[str, ...] = tuple(section.get("ignore", ()))
        self.per_file_ignores = [
            (GlobSet([glob]), tuple(codes))
            for glob, codes in section.get("per-file-ignores", {}).items()
        ]
        self.hooks: dict[str, dict[str, object]] = {}
        for hook_id, options in HOOK_OPTIONS.items():
            given = section.get(hook_id, {})
            self.hooks[hook_id] = {
                key: given.get(key, default) for key, (_, default) in options.items()
            }

    def options(self, hook_id: str) -> dict[str, object]:
        return dict(self.hooks[hook_id])

    def is_ignored(self, code: str, path: str) -> bool:
        if any(code.startswith(prefix) for prefix in self.ignore):
            return True
        return any(
            globs.matches(path) and any(code.startswith(prefix) for prefix in codes)
            for globs, codes in self.per_file_ignores
        )


def load_config(root: str) -> Config:
    """The configuration in ``root/pyproject.toml``, or the defaults."""
    path = os.path.join(root, CONFIG_FILE)
    try:
        with open(path, "rb") as file:
            data = file.read()
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(f"{CONFIG_FILE}: cannot read: {error.strerror or error}") from error
    # Parsing TOML costs more than the rest of a typical run; a file that
    # never names the section cannot configure us.
    if b"lucid-hooks" not in data:
        return Config()
    document = _parse_toml(data)
    section: Any = document.get("tool", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{CONFIG_FILE}: [tool] must be a table")
    section = section.get("lucid-hooks", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{CONFIG_FILE}: [{SECTION}] must be a table")
    return Config(section)


def _parse_toml(data: bytes) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{CONFIG_FILE}: not UTF-8: {error}") from error
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{CONFIG_FILE}: invalid TOML: {error}") from error


def _check_section(section: Mapping[str, Any]) -> None:
    for key, value in section.items():
        if key in GLOBAL_OPTIONS:
            _check_value(f"[{SECTION}] {key}", GLOBAL_OPTIONS[key][0], value)
        elif key in HOOK_OPTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"{CONFIG_FILE}: [{SECTION}.{key}] must be a table")
            for option, option_value in value.items():
                known = HOOK_OPTIONS[key]
                if option not in known:
                    raise ConfigError(
                        f"{CONFIG_FILE}: unknown key {option!r} in [{SECTION}.{key}]"
                        f" (known: {', '.join(sorted(known))})"
                    )
                _check_value(f"[{SECTION}.{key}] {option}", known[option][0], option_value)
        else:
            known_keys = sorted((*GLOBAL_OPTIONS, *HOOK_OPTIONS))
            raise ConfigError(
                f"{CONFIG_FILE}: unknown key {key!r} in [{SECTION}]"
                f" (known: {', '.join(known_keys)})"
            )


def _check_value(where: str, kind: str, value: object) -> None:
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{CONFIG_FILE}: {where} must be true or false")
    elif kind == "fraction":  # a share: greater than 0, at most 1
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            raise ConfigError(f"{CONFIG_FILE}: {where} must be a number greater than 0, at most 1")
    elif kind == "count":  # a whole number, 0 or more
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{CONFIG_FILE}: {where} must be a whole number, 0 or more")
    elif kind == "globs":
        check_globs(where, value)
    elif kind == "ignore-globs":  # globs that are also written to .gitignore
        check_globs(where, value, check=check_ignore_glob)
    elif kind == "codes":
        check_codes(where, value)
    elif kind == "per-file-ignores":
        if not isinstance(value, dict):
            raise ConfigError(f"{CONFIG_FILE}: {where} must be a table of glob = [codes]")
        check_globs(where, list(value))
        for glob, codes in value.items():
            check_codes(f"{where} {glob!r}", codes)
    else:  # pragma: no cover - a declaration error caught by the tests
        raise AssertionError(f"unknown option kind {kind!r}")


def check_globs(
    where: str, value: object, check: Callable[[str], str | None] = check_glob
) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{CONFIG_FILE}: {where} must be a list of glob strings")
    for glob in value:
        problem = check(glob)
        if problem:
            raise ConfigError(f"{CONFIG_FILE}: {where}: {glob!r}: {problem}")


def check_codes(where: str, value: object) -> None:
    from lucid_hooks.rules import known_code_prefix

    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{CONFIG_FILE}: {where} must be a list of rule codes")
    for code in value:
        if not _CODE.fullmatch(code) or not known_code_prefix(code):
            raise ConfigError(
                f"{CONFIG_FILE}: {where}: {code!r} is not a rule code or prefix"
                " (see `lucid-hooks rules`)"
            )
