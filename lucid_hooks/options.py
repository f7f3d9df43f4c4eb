"""Options: each declared once, with its kind, default and help; the
configuration file and the command line both check values through the
declaration's kind, so the two can never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.globs import check_glob, check_ignore_glob

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


class OptionError(ValueError):
    """A value of the wrong kind; the message says what was expected."""


class Kind(NamedTuple):
    """What values an option takes, and how one is checked and read.

    ``check(where, value)`` raises OptionError for a configuration value;
    ``word`` turns one command-line word into a value (or is None for a
    true/false flag, which the command line spells ``--x`` / ``--no-x``).
    ``repeatable``: the flag may be given several times, making a list.
    """

    name: str
    check: Callable[[str, object], None]
    word: Callable[[str], object] | None
    metavar: str
    repeatable: bool = False


class Option(NamedTuple):
    """One setting of a hook (or of every hook): its key in
    ``[tool.lucid-hooks.<hook>]``, its kind, default and help, and the
    command-line flag that overrides it (None: configuration only)."""

    key: str
    kind: Kind
    default: object
    help: str
    flag: str | None = None

    @property
    def dest(self) -> str:
        return self.key.replace("-", "_")


def declared(options: Iterable[Option], key: str) -> Option | None:
    """The option of ``options`` whose key is ``key``."""
    return next((option for option in options if option.key == key), None)


def _check_bool(where: str, value: object) -> None:
    if not isinstance(value, bool):
        raise OptionError(f"{where} must be true or false")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_fraction(where: str, value: object) -> None:
    if not _is_number(value) or not 0 < value <= 1:  # type: ignore[operator]
        raise OptionError(f"{where} must be a number greater than 0, at most 1")


def _check_count(where: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise OptionError(f"{where} must be a whole number, 0 or more")


def _string_list(where: str, value: object, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise OptionError(f"{where} must be a list of {what}")
    return value


def _glob_checker(check: Callable[[str], str | None]) -> Callable[[str, object], None]:
    def check_globs(where: str, value: object) -> None:
        for glob in _string_list(where, value, "glob strings"):
            problem = check(glob)
            if problem:
                raise OptionError(f"{where}: {glob!r}: {problem}")

    return check_globs


def _check_texts(where: str, value: object) -> None:
    if not all(_string_list(where, value, "strings")):
        raise OptionError(f"{where}: an empty string matches everything")


def _text_word(text: str) -> object:
    _check_texts(repr(text), [text])
    return text


def _check_codes(where: str, value: object) -> None:
    for code in _string_list(where, value, "rule codes"):
        _code_word(code, where)


def _code_word(text: str, where: str = "") -> str:
    """The code or prefix that a rule code, prefix or name stands for."""
    from lucid_hooks.registry import selector_code

    code = selector_code(text)
    if code is None:
        where = f"{where}: " if where else ""
        raise OptionError(
            f"{where}{text!r} is not a rule code, prefix or name (see `lucid-hooks rules`)"
        )
    return code


def rule_codes(selectors: Iterable[object]) -> tuple[str, ...]:
    """The codes and prefixes of checked selectors (names become codes)."""
    return tuple(_code_word(str(selector)) for selector in selectors)


def _check_per_file_ignores(where: str, value: object) -> None:
    if not isinstance(value, dict):
        raise OptionError(f"{where} must be a table of glob = [codes]")
    GLOBS.check(where, list(value))
    for glob, codes in value.items():
        _check_codes(f"{where} {glob!r}", codes)


def _fraction_word(text: str) -> object:
    try:
        value: object = float(text)
    except ValueError:
        value = text  # the check rejects it, with the message the configuration gets
    _check_fraction(repr(text), value)
    return value


def _count_word(text: str) -> object:
    value: object = int(text) if text.isascii() and text.isdigit() else text
    _check_count(repr(text), value)
    return value


def _glob_word(check: Callable[[str], str | None]) -> Callable[[str], object]:
    def read(text: str) -> object:
        problem = check(text)
        if problem:
            raise OptionError(f"{text!r}: {problem}")
        return text

    return read


BOOL = Kind("bool", _check_bool, None, "")
FRACTION = Kind("fraction", _check_fraction, _fraction_word, "FRACTION")
COUNT = Kind("count", _check_count, _count_word, "N")
GLOBS = Kind("globs", _glob_checker(check_glob), _glob_word(check_glob), "GLOB", True)
# Globs that are also written to .gitignore as they are.
IGNORE_GLOBS = Kind(
    "ignore-globs", _glob_checker(check_ignore_glob), _glob_word(check_ignore_glob), "GLOB", True
)
TEXTS = Kind("strings", _check_texts, _text_word, "TEXT", repeatable=True)
CODES = Kind("codes", _check_codes, None, "CODE", repeatable=True)
PER_FILE_IGNORES = Kind("per-file-ignores", _check_per_file_ignores, None, "")


def _check_dockerfile_contexts(where: str, value: object) -> None:
    if not isinstance(value, dict):
        raise OptionError(f"{where} must be a table of glob = {{ context = folder }}")
    GLOBS.check(where, list(value))
    for glob, setting in value.items():
        if not isinstance(setting, dict) or set(setting) != {"context"}:
            raise OptionError(f"{where} {glob!r} must be a table {{ context = folder }}")
        folder = setting["context"]
        if not isinstance(folder, str) or folder.startswith("/") or ".." in folder.split("/"):
            raise OptionError(f"{where} {glob!r}: the context is a folder of the repository")


DOCKERFILE_CONTEXTS = Kind("dockerfile-contexts", _check_dockerfile_contexts, None, "")
# A global setting: every hook that models images reads the same contexts.
DOCKERFILES = Option(
    "dockerfiles",
    DOCKERFILE_CONTEXTS,
    {},
    "the build context of Dockerfiles, by glob:"
    ' `{ "services/*/Dockerfile" = { context = "." } }` (repository-relative);'
    " before compose files and the Dockerfile's folder",
)
