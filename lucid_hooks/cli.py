"""``lucid-hooks``: every hook over a tree, and the rule documentation."""

from __future__ import annotations

import argparse
import os
import sys

from lucid_hooks import __version__
from lucid_hooks.paths import (
    GlobSet,
    path_selector,
    repository_files,
)
from lucid_hooks.rules import HOOK_MODULES, all_rules, explain, find_rule, hook_module
from lucid_hooks.runner import (
    Invocation,
    add_format_argument,
    usage_error,
    write_output,
)

# Not typing.TYPE_CHECKING: importing typing costs a hook milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from lucid_hooks.findings import Finding

PROG = "lucid-hooks"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Keep a Python service monorepo shipped as distroless images healthy.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="run every hook over a tree (git-tracked files in a repo, all files otherwise)",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .)")
    check.add_argument(
        "--fix", action="store_true", help="apply the safe fixes, as the hooks do by default"
    )
    add_format_argument(check)

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument(
        "--format",
        choices=("text", "markdown", "markdown-table"),
        default="text",
        help="markdown prints docs/rules.md, markdown-table the README table",
    )

    rule = commands.add_parser("rule", help="explain one rule, by code or name")
    rule.add_argument("code", help="LH101 or missing-init-file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        return check_tree(args.paths or [os.curdir], output_format=args.format, fix=args.fix)
    if args.command == "rules":
        return print_rules(args.format)
    if args.command == "rule":
        found = find_rule(args.code)
        if found is None:
            return usage_error(PROG, f"unknown rule {args.code!r} (see `{PROG} rules`)")
        write_output(explain(found))
        return 0
    parser.print_help()
    return 2


def print_rules(output_format: str) -> int:
    from lucid_hooks.rules import markdown_reference, markdown_table

    if output_format == "markdown":
        write_output(markdown_reference())
    elif output_format == "markdown-table":
        write_output(markdown_table())
    else:
        write_output(
            "".join(f"{rule.code}  {rule.name:34}  {rule.summary}\n" for rule in all_rules())
        )
    return 0


def check_tree(targets: Sequence[str], *, output_format: str, fix: bool) -> int:
    """Every hook over the tracked (or, outside git, all) files under targets."""
    invocation = Invocation.start(PROG, targets)
    if invocation is None:
        return 2
    config = invocation.config
    paths = invocation.paths
    files = select_files(
        invocation.root, invocation.is_git, config.excludes, paths.files, paths.folders
    )
    findings: list[Finding] = []
    messages: list[str] = []
    for hook_id in HOOK_MODULES:
        hook = hook_module(hook_id).HOOK
        options = config.options(hook_id)
        if "fix" in options:
            options["fix"] = fix
        wanted = [path for path in files if hook.wants(path)]
        hook_findings, hook_messages = invocation.run(hook, wanted, [], options, fix=fix)
        findings.extend(hook_findings)
        messages.extend(hook_messages)
    return invocation.finish(findings, messages, output_format)


def select_files(
    root: str, is_git: bool, excludes: GlobSet, files: Sequence[str], folders: Sequence[str]
) -> list[str]:
    given = path_selector(files, folders)
    return [
        path
        for path in repository_files(root, is_git, excludes)
        if given(path) and os.path.lexists(os.path.join(root, path))
    ]


if __name__ == "__main__":
    sys.exit(main())
