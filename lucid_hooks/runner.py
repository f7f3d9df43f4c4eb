"""What every hook does around its own check: arguments, configuration,
ignores, fixes, output and the exit status."""

from __future__ import annotations

import argparse
import os
import sys

from lucid_hooks.config import HOOK_OPTIONS, Config, ConfigError, load_config
from lucid_hooks.findings import FORMATS, Finding, is_suppressed, render
from lucid_hooks.paths import PathArgs, display_path, find_root, normalize_paths

# Not typing.TYPE_CHECKING: importing typing costs a hook milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence


class HookContext:
    """What a hook's check function gets: the repo, its paths, its options."""

    __slots__ = ("config", "excludes", "files", "folders", "is_git", "options", "root")

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
    ) -> None:
        self.root = root
        self.is_git = is_git
        # The excludes this hook honours: the user's, and the built-in ones
        # (.tox, .mypy_cache, ...) unless the hook looks for those itself.
        self.excludes = config.excludes if default_excludes else config.user_excludes
        self.files = [path for path in files if not self.excludes.matches(path)]
        self.folders = [path for path in folders if not self.excludes.matches(path)]
        self.config = config
        self.options = options

    def strings(self, key: str) -> list[str]:
        """A list-of-strings option (config.py checked its kind)."""
        value = self.options.get(key)
        return [str(item) for item in value] if isinstance(value, (list, tuple)) else []

    def number(self, key: str) -> float:
        """A numeric option (config.py checked its kind)."""
        value = self.options.get(key)
        return float(value) if isinstance(value, (int, float)) else 0.0

    def absolute(self, path: str) -> str:
        return os.path.join(self.root, path) if path else self.root


class HookSpec:
    """A hook as the runner and the umbrella command see it."""

    __slots__ = (
        "add_options",
        "default_excludes",
        "description",
        "find",
        "hook_id",
        "summarize",
        "wants",
    )

    def __init__(
        self,
        *,
        hook_id: str,
        description: str,
        find: Callable[[HookContext], list[Finding]],
        wants: Callable[[str], bool],
        add_options: Callable[[argparse.ArgumentParser], None] | None = None,
        default_excludes: bool = True,
        summarize: Callable[[Sequence[Finding]], list[str]] | None = None,
    ) -> None:
        self.hook_id = hook_id
        self.description = description
        self.find = find
        self.wants = wants
        self.add_options = add_options
        # False: the built-in excludes do not apply (the user's still do).
        self.default_excludes = default_excludes
        # Messages computed from the findings that are finally reported.
        self.summarize = summarize


def run_hook(hook: HookSpec, argv: Sequence[str] | None) -> int:
    """Parse argv, run the hook over the paths, print, return the exit status."""
    hook_id = hook.hook_id
    parser = argparse.ArgumentParser(prog=hook_id, description=hook.description)
    parser.add_argument("filenames", nargs="*", metavar="PATH", help="files or folders to check")
    add_format_argument(parser)
    if "fix" in HOOK_OPTIONS.get(hook_id, {}):
        parser.add_argument(
            "--fix",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="apply the safe fixes (default: the `fix` setting, true unless configured)",
        )
    if hook.add_options is not None:
        hook.add_options(parser)
    args = parser.parse_args(argv)

    invocation = Invocation.start(hook_id, args.filenames)
    if invocation is None:
        return 2
    options = invocation.config.options(hook_id) if hook_id in HOOK_OPTIONS else {}
    for key in options:
        given = getattr(args, key.replace("-", "_"), None)
        if given is not None:
            options[key] = given
    paths = invocation.paths
    findings, messages = invocation.run(
        hook, paths.files, paths.folders, options, fix=bool(options.get("fix", False))
    )
    return invocation.finish(findings, messages, args.format)


class Invocation:
    """One command run: the repository, its configuration, the paths given,
    and the exit status so far. Shared by every hook and `lucid-hooks check`."""

    __slots__ = ("config", "is_git", "paths", "prog", "root", "status")

    def __init__(
        self, prog: str, root: str, is_git: bool, config: Config, paths: PathArgs
    ) -> None:
        self.prog = prog
        self.root = root
        self.is_git = is_git
        self.config = config
        self.paths = paths
        self.status = 0
        for path in paths.missing:
            self.status = usage_error(prog, f"{display_path(path)}: no such file or directory")
        for path in paths.outside:
            self.status = usage_error(prog, f"{display_path(path)}: outside the repository {root}")

    @classmethod
    def start(cls, prog: str, targets: Sequence[str]) -> Invocation | None:
        """None when the configuration is broken (already reported: exit 2)."""
        cwd = os.getcwd()
        root, is_git = find_root(cwd)
        try:
            config = load_config(root)
        except ConfigError as error:
            usage_error(prog, str(error))
            return None
        return cls(prog, root, is_git, config, normalize_paths(targets, root, cwd))

    def run(
        self,
        hook: HookSpec,
        files: Sequence[str],
        folders: Sequence[str],
        options: dict[str, object],
        *,
        fix: bool,
    ) -> tuple[list[Finding], list[str]]:
        context = HookContext(
            root=self.root,
            is_git=self.is_git,
            files=files,
            folders=folders,
            config=self.config,
            options=options,
            default_excludes=hook.default_excludes,
        )
        return execute(hook.find, context, fix=fix, summarize=hook.summarize)

    def finish(self, findings: Sequence[Finding], messages: Sequence[str], fmt: str) -> int:
        """Print everything; the exit status: 2 usage, 1 findings or fixes, 0 clean."""
        write_output(render(findings, messages, fmt))
        if findings or messages:
            return max(self.status, 1)
        return self.status


def add_format_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (path:line:col: CODE message), json, or github (workflow annotations)",
    )


def execute(
    find: Callable[[HookContext], list[Finding]],
    context: HookContext,
    *,
    fix: bool,
    summarize: Callable[[Sequence[Finding]], list[str]] | None = None,
) -> tuple[list[Finding], list[str]]:
    """Run a check, drop ignored findings, apply fixes; findings and messages
    (the fixes' notes, then the hook's summary of what is left)."""
    findings, messages = _find_and_fix(find, context, fix=fix)
    if summarize is not None:
        messages.extend(summarize(findings))
    return findings, messages


def _find_and_fix(
    find: Callable[[HookContext], list[Finding]], context: HookContext, *, fix: bool
) -> tuple[list[Finding], list[str]]:
    findings = [
        finding
        for finding in find(context)
        if not context.config.is_ignored(finding.code, finding.path)
    ]
    reader = LineReader(context.root, findings)
    findings = [finding for finding in findings if not is_suppressed(finding, reader)]
    messages: list[str] = []
    if not fix:
        return findings, messages
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
            # Someone else (a parallel pre-commit batch) fixed it meanwhile.
            continue
        finding.fixed = note
        kept.append(finding)
        if note:
            messages.append(note)
    return kept, messages


class LineReader:
    """Reads single lines of repo files for inline suppressions.

    Each file is read once, up to the deepest line that one of `findings`
    has there (or that is asked for), each line cut at `LINE_LIMIT` bytes: a
    finding on a huge or binary file costs no more than its first lines, and a
    suppression comment is never that long.
    """

    LINE_LIMIT = 1 << 16

    __slots__ = ("_cache", "_deepest", "_root")

    def __init__(self, root: str, findings: Iterable[Finding] = ()) -> None:
        self._root = root
        self._cache: dict[str, list[bytes]] = {}
        self._deepest: dict[str, int] = {}
        for finding in findings:
            self._deepest[finding.path] = max(finding.line, self._deepest.get(finding.path, 0))

    def __call__(self, path: str, line: int) -> bytes | None:
        lines = self._cache.get(path)
        if lines is None or (len(lines) < line and path not in self._deepest):
            lines = self._read(path, max(line, self._deepest.get(path, 0)))
            self._cache[path] = lines
        if not 1 <= line <= len(lines):
            return None
        return lines[line - 1]

    def _read(self, path: str, count: int) -> list[bytes]:
        full = os.path.join(self._root, path)
        lines: list[bytes] = []
        try:
            if not os.path.isfile(full):
                return lines
            with open(full, "rb") as file:
                while len(lines) < count:
                    text = file.readline(self.LINE_LIMIT)
                    if not text:
                        break
                    lines.append(text.rstrip(b"\r\n"))
                    rest = text
                    while not rest.endswith(b"\n"):  # a longer line: skip its rest
                        rest = file.readline(self.LINE_LIMIT)
                        if not rest:
                            break
        except OSError:
            pass
        return lines


def usage_error(prog: str, message: str) -> int:
    text = f"{prog}: error: {display_path(message)}\n"
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    sys.stderr.write(text.encode(encoding, "backslashreplace").decode(encoding))
    return 2


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
