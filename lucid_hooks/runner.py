"""What every hook does around its own check: the command line derived from
its declaration, configuration, ignores, fixes, output and the exit status."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks import __version__, batches
from lucid_hooks.batches import RUNNER_ENV
from lucid_hooks.cache import open_cache
from lucid_hooks.config import Config, ConfigError, load_config
from lucid_hooks.findings import (
    FORMATS,
    Finding,
    LineReader,
    TextStyle,
    fixes_made,
    is_suppressed,
    render,
    render_statistics,
    summary_line,
)
from lucid_hooks.git import find_root
from lucid_hooks.options import Option, OptionError, rule_codes
from lucid_hooks.paths import PathArgs, display_path, normalize_paths, path_selector
from lucid_hooks.registry import all_hooks
from lucid_hooks.snapshot import Snapshot

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator, Sequence

    from lucid_hooks.registry import Hook


# Formats whose every line stands alone, so a line an earlier batch printed can be left out.
LINE_FORMATS = ("text", "github")


class UndeclaredOptionError(KeyError):
    """A hook read an option it never declared: a bug in the hook."""


class HookContext:
    """What a hook's check function gets: the repo, its paths, its options."""

    __slots__ = (
        "_below",
        "_files",
        "config",
        "excludes",
        "folders",
        "given_files",
        "is_git",
        "options",
        "root",
        "snapshot",
        "unselected",
    )

    def __init__(
        self,
        *,
        root: str,
        is_git: bool,
        files: Sequence[str],
        folders: Sequence[str],
        config: Config,
        options: dict[str, object],
        default_excludes: bool = True,
        snapshot: Snapshot | None = None,
        below: Callable[[], Sequence[str]] | None = None,
        unselected: frozenset[str] = frozenset(),
    ) -> None:
        self.root = root
        self.is_git = is_git
        # The excludes this hook honours: the user's, and the built-in ones
        # (.tox, .mypy_cache, ...) unless the hook looks for those itself.
        self.excludes = config.excludes if default_excludes else config.user_excludes
        self.given_files = [path for path in files if not self.excludes.matches(path)]
        self.folders = [path for path in folders if not self.excludes.matches(path)]
        self.config = config
        self.options = options
        self.snapshot = snapshot if snapshot is not None else Snapshot(root, is_git)
        self._below = below
        self._files: list[str] | None = None
        # The codes of rules that are off (off by default, not selected).
        self.unselected = unselected

    @property
    def files(self) -> list[str]:
        """The files given, and those below the folders given that
        pre-commit would pass the hook (chosen on first use: a hook that
        needs only `given_files` and `folders` never pays for identify)."""
        if self._files is None:
            below = self._below() if self._below is not None else ()
            kept = [path for path in below if not self.excludes.matches(path)]
            self._files = [*self.given_files, *kept]
        return self._files

    def option(self, key: str) -> object:
        if key not in self.options:
            raise UndeclaredOptionError(f"option {key!r} was never declared by this hook")
        return self.options[key]

    def strings(self, key: str) -> list[str]:
        """A list-of-strings option (its kind was checked)."""
        value = self.option(key)
        return [str(item) for item in value] if isinstance(value, (list, tuple)) else []

    def number(self, key: str) -> float:
        """A numeric option (its kind was checked)."""
        value = self.option(key)
        return float(value) if isinstance(value, (int, float)) else 0.0

    def absolute(self, path: str) -> str:
        return self.snapshot.absolute(path)


# --- the command line ----------------------------------------------------------


def hook_parser(hook: Hook) -> argparse.ArgumentParser:
    """The hook's command line: paths, --format, and a flag per option that
    declares one."""
    parser = argparse.ArgumentParser(
        prog=hook.id, description=hook.description, allow_abbrev=False
    )
    parser.add_argument("filenames", nargs="*", metavar="PATH", help="files or folders to check")
    add_run_arguments(parser, hook.id)
    for option in hook.options:
        if option.flag is not None:
            add_option_flag(parser, option)
    return parser


def add_option_flag(parser: argparse.ArgumentParser, option: Option) -> None:
    """A flag that overrides a declared option; its value is checked by the
    option's kind, as the configuration's is."""
    flag = option.flag
    assert flag is not None
    kind = option.kind
    help_text = f"{option.help} (overrides `{option.key}`)"
    if kind.word is None:
        parser.add_argument(
            flag,
            dest=option.dest,
            action=argparse.BooleanOptionalAction,
            default=None,
            help=f"{help_text}; default {str(option.default).lower()}",
        )
        return
    parser.add_argument(
        flag,
        dest=option.dest,
        type=_argument_type(kind.word),
        action="append" if kind.repeatable else "store",
        metavar=kind.metavar,
        help=f"{help_text}{'; repeatable' if kind.repeatable else ''}",
    )


def _argument_type(word: Callable[[str], object]) -> Callable[[str], object]:
    def convert(text: str) -> object:
        try:
            return word(text)
        except OptionError as error:
            raise argparse.ArgumentTypeError(str(error)) from error

    return convert


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (path:line:col: CODE message), json, github (workflow annotations), or"
        " sarif (a SARIF 2.1.0 log for GitHub code scanning)",
    )


# The flags of every run that take a value (the next word is theirs).
RUN_VALUE_FLAGS = ("--format", "--select", "--extend-select", "--ignore")


def value_flags(hook: Hook) -> frozenset[str]:
    """The hook's flags that take a value (the next word is theirs)."""
    flags = [option.flag for option in hook.options if option.flag and option.kind.word]
    return frozenset((*RUN_VALUE_FLAGS, *flags))


def add_run_arguments(parser: argparse.ArgumentParser, prog: str) -> None:
    """The flags of every hook and `lucid-hooks check`, as ruff spells them."""
    add_format_argument(parser)
    add_cache_argument(parser)
    add_selection_arguments(parser)
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when something was found (2 still means a usage error)",
    )
    parser.add_argument(
        "--statistics", action="store_true", help="print the count of findings per rule instead"
    )
    parser.add_argument(
        "--show-fixes",
        action="store_true",
        help="list the fixes made, per file and rule, after the closing summary (text format)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print the findings only, no closing summary"
    )
    parser.add_argument("--version", action="version", version=f"{prog} {__version__}")


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    """--select, --extend-select and --ignore, as ruff spells them."""
    for flag, what in (
        ("--select", "instead of the rules on by default"),
        ("--extend-select", "as well, off by default ones included"),
        ("--ignore", "not to report"),
    ):
        parser.add_argument(
            flag,
            action="append",
            type=_selectors,
            metavar="CODES",
            help=f"rule codes, prefixes or names to report {what} (comma-separated; repeatable)",
        )


def _selectors(text: str) -> list[str]:
    words = [word for word in text.split(",") if word.strip()]
    if not words:
        raise argparse.ArgumentTypeError("no rule code, prefix or name given")
    try:
        return list(rule_codes(words))
    except OptionError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


class Selection(NamedTuple):
    """The rules the command line selects and ignores (None: not given)."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def of(cls, args: argparse.Namespace) -> Selection:
        def flat(lists: list[list[str]] | None) -> tuple[str, ...]:
            return tuple(code for codes in lists or () for code in codes)

        select = flat(args.select) if args.select is not None else None
        return cls(select, flat(args.extend_select), flat(args.ignore))


class Output(NamedTuple):
    """How a run prints what it found, and its exit status."""

    format: str = "text"
    exit_zero: bool = False
    statistics: bool = False
    quiet: bool = False
    show_fixes: bool = False

    @classmethod
    def of(cls, args: argparse.Namespace) -> Output:
        return cls(args.format, args.exit_zero, args.statistics, args.quiet, args.show_fixes)

    def wants_summary(self) -> bool:
        """Whether a run that found something ends with its count: in text,
        not quiet, not counted per rule already, and not in a pre-commit
        run (each batch would count only its own part)."""
        plain = self.format == "text" and not (self.quiet or self.statistics)
        return plain and not os.environ.get(RUNNER_ENV)


def add_cache_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="neither read nor write the cache (folder: $LUCID_HOOKS_CACHE_DIR, or the"
        " user cache folder)",
    )


def separate_paths(argv: Sequence[str], takes_value: Collection[str]) -> list[str]:
    """``argv`` with every word that names an existing path moved after a
    ``--``, so a file named like an option (``-x.py``, a root file called
    ``--no-fix``) that pre-commit passes is read as a file, never as an
    option. The value of a flag that takes one stays with its flag.
    """
    kept: list[str] = []
    paths: list[str] = []
    words = iter(argv)
    for word in words:
        if word == "--":
            paths.extend(words)
        elif word.startswith("-") and word != "-" and os.path.lexists(word):
            paths.append(word)
        else:
            kept.append(word)
            value = next(words, None) if word in takes_value else None
            if value is not None:
                kept.append(value)
    return [*kept, "--", *paths] if paths else kept


def run_hook(hook: Hook, argv: Sequence[str] | None) -> int:
    """Parse argv, run the hook over the paths, print, return the exit status."""
    parser = hook_parser(hook)
    words = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(separate_paths(words, value_flags(hook)))
    selection = Selection.of(args)
    invocation = Invocation.start(hook.id, args.filenames, cache=args.cache, selection=selection)
    if invocation is None:
        return 2
    options = invocation.config.hook_options(hook)
    for option in hook.options:
        given = getattr(args, option.dest, None)
        if option.flag is not None and given is not None:
            options[option.key] = given
    paths = invocation.paths
    fix = bool(options.get("fix", False))
    findings, messages = invocation.run(hook, paths.files, paths.folders, options, fix=fix)
    # Only a process run as the hook (its own command line) is a batch: a
    # program calling main(argv), a test say, gets every line, every time.
    output = Output.of(args)
    variant = f"{output!r}:{selection!r}:{sorted(options.items())!r}"
    run = batches.current_run(variant) if argv is None else None
    return invocation.finish(findings, messages, output, run=run)


# --- one run -------------------------------------------------------------------


class Invocation:
    """One command run: the repository, its configuration and snapshot, the
    paths given, and the exit status so far. Shared by every hook and
    `lucid-hooks check`."""

    __slots__ = ("config", "paths", "prog", "snapshot", "status")

    def __init__(self, prog: str, snapshot: Snapshot, config: Config, paths: PathArgs) -> None:
        self.prog = prog
        self.snapshot = snapshot
        self.config = config
        self.paths = paths
        self.status = 0

    def report_bad_paths(self) -> None:
        """Usage errors for paths that are not there, or not in the repository."""
        paths = self.paths
        tracked = set(self.snapshot.tracked() or ()) if paths.missing else set()
        for given, relative in zip(paths.missing, paths.missing_relative):
            # A tracked file absent from disk (sparse checkout, skip-worktree)
            # is not there to check; anything else is a typing mistake.
            if relative not in tracked:
                message = f"{display_path(given)}: no such file or directory"
                self.status = usage_error(self.prog, message)
        for path in paths.outside:
            message = f"{display_path(path)}: outside the repository {self.snapshot.root}"
            self.status = usage_error(self.prog, message)

    @classmethod
    def start(
        cls,
        prog: str,
        targets: Sequence[str],
        *,
        cache: bool,
        selection: Selection | None = None,
        cwd: str | None = None,
    ) -> Invocation | None:
        """None when the configuration is broken (already reported: exit 2).
        ``cwd``: the folder the run is of (default: the current one)."""
        cwd = cwd or os.getcwd()
        root, is_git = find_root(cwd)
        try:
            config = load_config(root).selected(*(selection or Selection()))
        except ConfigError as error:
            usage_error(prog, str(error))
            return None
        snapshot = Snapshot(root, is_git, open_cache(enabled=cache))
        invocation = cls(prog, snapshot, config, normalize_paths(targets, root, cwd))
        invocation.report_bad_paths()
        return invocation

    def run(
        self,
        hook: Hook,
        files: Sequence[str],
        folders: Sequence[str],
        options: dict[str, object],
        *,
        fix: bool,
    ) -> tuple[list[Finding], list[str]]:
        """The hook over ``files`` and the files below ``folders`` that
        ``pre-commit run --all-files`` would pass it."""
        context = self.context(hook, files, folders, options)
        with cycle_collector_paused():
            findings, messages = execute(hook.find, context, fix=fix, summarize=hook.summarize)
        for finding in findings:
            finding.hook = hook.id
        return findings, messages

    def run_every_hook(
        self,
        *,
        as_given: bool,
        fix: bool,
        starting: Callable[[Hook, int, int], None] | None = None,
    ) -> tuple[list[Finding], list[str]]:
        """Every hook over the paths given: as ``<hook> PATH...`` would run
        (``as_given``), or on the files below them that ``pre-commit run
        --all-files`` would pass each. ``starting(hook, number, count)`` is
        called before each."""
        paths = self.paths
        findings: list[Finding] = []
        messages: list[str] = []
        hooks = all_hooks()
        for number, hook in enumerate(hooks, 1):
            if starting is not None:
                starting(hook, number, len(hooks))
            options = self.config.hook_options(hook)
            if hook.option("fix") is not None:
                options["fix"] = fix
            if as_given:
                found, said = self.run(hook, paths.files, paths.folders, options, fix=fix)
            else:
                files = self.files_below(hook, paths.folders)
                found, said = self.run(hook, files, [], options, fix=fix)
            findings.extend(found)
            messages.extend(said)
        return findings, messages

    def context(
        self,
        hook: Hook,
        files: Sequence[str],
        folders: Sequence[str],
        options: dict[str, object],
    ) -> HookContext:
        """What the hook's check gets in this run."""
        return HookContext(
            root=self.snapshot.root,
            is_git=self.snapshot.is_git,
            files=files,
            folders=folders,
            below=lambda: self.files_below(hook, folders),
            config=self.config,
            options=options,
            default_excludes=hook.default_excludes,
            snapshot=self.snapshot,
            unselected=self.config.unselected(hook.rules),
        )

    def files_below(self, hook: Hook, folders: Sequence[str]) -> list[str]:
        """The files below ``folders`` that ``pre-commit run --all-files``
        would pass the hook: tracked ones, of the hook's identify types,
        without the paths it excludes. Outside git, the files on disk,
        never walking into the built-in excludes (`.git`, `.venv`, ...): a
        hook that looks inside those lists them itself."""
        if not folders:
            return []
        config = self.config
        if self.snapshot.tracked() is None:
            excludes = config.excludes
        else:
            excludes = config.excludes if hook.default_excludes else config.user_excludes
        below = path_selector((), folders)
        listed = [path for path in self.snapshot.files(excludes) if below(path)]
        return self.snapshot.select(listed, hook.selection)

    def finish(
        self,
        findings: Sequence[Finding],
        messages: Sequence[str],
        output: Output | None = None,
        *,
        run: batches.Run | None = None,
    ) -> int:
        """Print everything, or in a batch of a pre-commit ``run`` what no
        earlier batch printed; the exit status: 2 usage, 1 findings or fixes,
        0 clean (or 0 for both with `--exit-zero`). The status counts every
        finding, printed or not: it says what this batch found (pre-commit
        fails the hook on any batch's)."""
        self.snapshot.save()
        output = output or Output()
        if output.statistics:
            text = render_statistics(findings, output.format) + render((), messages, "text")
        else:
            text = render(findings, messages, output.format, self.text_style())
        # Line-oriented formats only: a JSON document is whole or nothing.
        if run is not None and output.format in LINE_FORMATS and not output.statistics:
            scope = (self.snapshot.root, self.prog, os.getcwd())
            ledger = batches.Ledger(self.snapshot.cache, scope, run)
            write_output(ledger.unprinted(text))
            ledger.record()
        else:
            write_output(text)
        if findings and self.status != 2 and output.wants_summary():
            write_error(summary_line(findings) + "\n")
        if output.show_fixes and output.format == "text":
            write_error(fixes_made(findings, self.text_style().start))
        if self.status == 2 or not (findings or messages) or output.exit_zero:
            return self.status
        return 1

    def text_style(self) -> TextStyle:
        """Paths relative to the current folder, when it is in the
        repository; colour on a terminal, as NO_COLOR and FORCE_COLOR say."""
        cwd = os.path.realpath(os.getcwd())
        start = os.path.relpath(cwd, os.path.realpath(self.snapshot.root))
        inside = start != os.curdir and not start.startswith(os.pardir)
        return TextStyle(start.replace(os.sep, "/") if inside else "", use_colour())


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a hook runs: the hooks make almost
    no reference cycles, and a large tree is hundreds of thousands of small
    objects that the collector would walk again and again (a quarter of a
    one-file commit's time on 100,000 files). Back on afterwards, for a
    program that called ``main()``."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- ignores and fixes ---------------------------------------------------------


def execute(
    find: Callable[[HookContext], list[Finding]],
    context: HookContext,
    *,
    fix: bool,
    summarize: Callable[[Sequence[Finding]], list[str]] | None = None,
) -> tuple[list[Finding], list[str]]:
    """Run a check, drop ignored findings, apply fixes; findings and messages
    (the fixes' notes, then the hook's summary of what is left)."""
    findings = [
        finding
        for finding in find(context)
        if finding.code not in context.unselected
        and not context.config.is_ignored(finding.code, finding.path)
    ]
    reader = LineReader(context.root, findings)
    findings = [finding for finding in findings if not is_suppressed(finding, reader)]
    messages: list[str] = []
    if fix:
        findings = apply_fixes(findings, messages)
    if summarize is not None:
        messages.extend(summarize(findings))
    return findings, messages


def apply_fixes(findings: Sequence[Finding], messages: list[str]) -> list[Finding]:
    """The findings after their fixes ran (a fix another process already
    made drops its finding); each fix's note goes to ``messages``."""
    kept = []
    for finding in sorted(findings, key=Finding.sort_key):
        if finding.fix is None:
            kept.append(finding)
            continue
        try:
            note = finding.fix()
        except OSError as error:
            reason = error.strerror or str(error)
            messages.append(f"Not fixed {display_path(finding.path)}: {reason}")
            kept.append(finding)
            continue
        if note is None:
            continue  # someone else (a parallel pre-commit batch) fixed it meanwhile
        finding.fixed = note
        kept.append(finding)
        if note:
            messages.append(note)
    return kept


# --- output --------------------------------------------------------------------


def usage_error(prog: str, message: str) -> int:
    write_error(f"{prog}: error: {display_path(message)}\n")
    return 2


def use_colour() -> bool:
    """Colour when stdout is a terminal, unless NO_COLOR is set; always
    when FORCE_COLOR is (https://no-color.org, https://force-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(sys.stdout, "isatty", None)
    return bool(isatty and isatty())


def write_error(text: str) -> None:
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    sys.stderr.write(text.encode(encoding, "backslashreplace").decode(encoding))


def write_output(text: str) -> None:
    if not text:
        return
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    data = text.encode(encoding, "backslashreplace")
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode(encoding))
    else:
        buffer.write(data)
        buffer.flush()
