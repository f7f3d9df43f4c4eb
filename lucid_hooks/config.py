"""``[tool.lucid-hooks]`` in the repository's ``pyproject.toml``.

The keys are the global options declared here and the options each hook
declares; an unknown key or a wrong type is one clear line and exit 2, for
every hook alike. A hook's table is validated against that hook's own
declaration, so only the hooks the file configures are imported.
"""

from __future__ import annotations

import copy
import os
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

from lucid_hooks.globs import DEFAULT_EXCLUDES, GlobSet
from lucid_hooks.options import (
    CODES,
    DOCKERFILES,
    GLOBS,
    PER_FILE_IGNORES,
    Option,
    OptionError,
    declared,
    rule_codes,
)
from lucid_hooks.registry import hook_ids, load_hook

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from lucid_hooks.registry import Hook
    from lucid_hooks.rules import Rule

CONFIG_FILE = "pyproject.toml"
SECTION = "tool.lucid-hooks"

GLOBAL_OPTIONS = (
    Option(
        "exclude",
        GLOBS,
        (),
        "globs of paths no hook looks at, added to the built-in excludes",
    ),
    Option("ignore", CODES, (), "rule codes, prefixes (`LH1`) or names switched off everywhere"),
    Option(
        "extend-select",
        CODES,
        (),
        "rule codes, prefixes or names of rules off by default, switched on (`ignore` wins)",
    ),
    DOCKERFILES,
    Option(
        "per-file-ignores",
        PER_FILE_IGNORES,
        {},
        "a table of glob = [codes]: the codes switched off for the matching paths",
    ),
)

# `lucid-hooks report`'s own table, `[tool.lucid-hooks.report]`.
REPORT = "report"
REPORT_OPTIONS = (
    Option(
        "services",
        GLOBS,
        (),
        "the service folders the report describes, as globs (`services/*`); a glob naming"
        " no folder is reported as not found; empty: the top-level folders that hold an"
        " entry point or a Dockerfile",
    ),
    Option(
        "roots",
        GLOBS,
        (),
        "globs of modules the report never calls orphans (loaded by a plugin system or a"
        " tool that no entry point or test shows)",
    ),
)


class PerFileIgnore(NamedTuple):
    """The codes switched off for the paths a glob matches."""

    globs: GlobSet
    codes: tuple[str, ...]


class ConfigError(Exception):
    """A configuration problem, already phrased for the user."""


class Config:
    """The validated configuration of one repository."""

    __slots__ = (
        "_hooks",
        "_report",
        "dockerfiles",
        "excludes",
        "extend_select",
        "ignore",
        "per_file_ignores",
        "select",
        "user_excludes",
    )

    def __init__(self, section: Mapping[str, Any] | None = None) -> None:
        section = dict(section or {})
        self._hooks = _check_section(section)
        self._report = self._hooks.pop(REPORT, {})
        self.excludes = GlobSet((*DEFAULT_EXCLUDES, *section.get("exclude", ())))
        # Without the built-in ones: for a hook whose targets they are.
        self.user_excludes = GlobSet(section.get("exclude", ()))
        self.ignore = rule_codes(section.get("ignore", ()))
        self.extend_select = rule_codes(section.get("extend-select", ()))
        self.select: tuple[str, ...] | None = None
        # (glob, build context folder), in the order written: the first match wins.
        self.dockerfiles: tuple[tuple[str, str], ...] = tuple(
            (glob, str(setting["context"]))
            for glob, setting in section.get("dockerfiles", {}).items()
        )
        self.per_file_ignores = [
            PerFileIgnore(GlobSet([glob]), rule_codes(codes))
            for glob, codes in section.get("per-file-ignores", {}).items()
        ]

    def selected(
        self,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
    ) -> Config:
        """This configuration with the command line's selection (codes and
        prefixes, which its flags already made of names): `select` replaces
        the rules on by default, the others add to the file's."""
        chosen = copy.copy(self)
        if select is not None:
            chosen.select = tuple(select)
        chosen.extend_select = (*self.extend_select, *extend_select)
        chosen.ignore = (*self.ignore, *ignore)
        return chosen

    def hook_options(self, hook: Hook) -> dict[str, object]:
        """The hook's options: the configured values over the declared
        defaults (a fresh dict: the caller may override values in it)."""
        table = self._hooks.get(hook.id, {})
        return {option.key: table.get(option.key, option.default) for option in hook.options}

    def report_options(self) -> dict[str, object]:
        """`[tool.lucid-hooks.report]` over the declared defaults."""
        table = self._report
        return {option.key: table.get(option.key, option.default) for option in REPORT_OPTIONS}

    def options(self, hook_id: str) -> dict[str, object]:
        return self.hook_options(load_hook(hook_id))

    def unselected(self, rules: Iterable[Rule]) -> frozenset[str]:
        """The codes of ``rules`` that are off: not named by `select` when
        it is given, else off by default, and not named by `extend-select`."""
        return frozenset(rule.code for rule in rules if not self._is_selected(rule))

    def _is_selected(self, rule: Rule) -> bool:
        chosen = (*(self.select or ()), *self.extend_select)
        if any(rule.code.startswith(code) for code in chosen):
            return True
        return self.select is None and rule.default

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
    document = parse_toml(data)
    section: Any = document.get("tool", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{CONFIG_FILE}: [tool] must be a table")
    section = section.get("lucid-hooks", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{CONFIG_FILE}: [{SECTION}] must be a table")
    return Config(section)


def parse_toml(data: bytes) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{CONFIG_FILE}: not UTF-8: {error}") from error
    # Editors on Windows write a BOM; TOML forbids it, but it means nothing.
    text = text.removeprefix("\ufeff")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{CONFIG_FILE}: invalid TOML: {error}") from error


def _check_section(section: Mapping[str, Any]) -> dict[str, Mapping[str, object]]:
    """Validate every key; the table of each configured hook."""
    hooks: dict[str, Mapping[str, object]] = {}
    for key, value in section.items():
        option = declared(GLOBAL_OPTIONS, key)
        if option is not None:
            _check_value(f"[{SECTION}] {key}", option, value)
            continue
        known_hooks = hook_ids()
        if key in (*known_hooks, REPORT):
            if not isinstance(value, dict):
                raise ConfigError(f"{CONFIG_FILE}: [{SECTION}.{key}] must be a table")
            options = REPORT_OPTIONS if key == REPORT else load_hook(key).options
            _check_table(key, options, value)
            hooks[key] = value
        else:
            globals_and_tables = (*(option.key for option in GLOBAL_OPTIONS), *known_hooks, REPORT)
            known_keys = sorted(globals_and_tables)
            raise ConfigError(
                f"{CONFIG_FILE}: unknown key {key!r} in [{SECTION}]"
                f" (known: {', '.join(known_keys)})"
            )
    return hooks


def _check_table(name: str, options: Sequence[Option], table: Mapping[str, object]) -> None:
    """Validate ``[tool.lucid-hooks.<name>]`` (a hook's, or the report's)."""
    for key, value in table.items():
        option = declared(options, key)
        if option is None:
            known = ", ".join(sorted(option.key for option in options)) or "none"
            raise ConfigError(
                f"{CONFIG_FILE}: unknown key {key!r} in [{SECTION}.{name}] (known: {known})"
            )
        _check_value(f"[{SECTION}.{name}] {key}", option, value)


def _check_value(where: str, option: Option, value: object) -> None:
    try:
        option.kind.check(where, value)
    except OptionError as error:
        raise ConfigError(f"{CONFIG_FILE}: {error}") from error
