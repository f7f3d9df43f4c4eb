"""``lucid-hooks``: every hook over a tree, and the documentation of rules
and options."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from lucid_hooks import __version__
from lucid_hooks.registry import find_rule
from lucid_hooks.runner import (
    RUN_VALUE_FLAGS,
    Invocation,
    Output,
    Selection,
    add_run_arguments,
    separate_paths,
    usage_error,
    write_output,
)

if TYPE_CHECKING:
    from collections.abc import Sequence


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
        help="run every hook: on the files `pre-commit run --all-files` would pass them,"
        " or as `<hook> PATH...` would run",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders, each hook run as `<hook> PATH...` would run (default: the"
        " files below the current folder that `pre-commit run --all-files` would pass)",
    )
    check.add_argument(
        "--fix", action="store_true", help="apply the safe fixes, as the hooks do by default"
    )
    add_run_arguments(check, PROG)

    from lucid_hooks.report import add_report_parser

    add_report_parser(commands)

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument(
        "--format",
        choices=("text", "json", "markdown", "markdown-table"),
        default="text",
        help="json prints every field of every rule, markdown docs/rules.md, markdown-table"
        " the README table",
    )

    rule = commands.add_parser("rule", help="explain one rule, by code or name")
    rule.add_argument("code", help="LH101 or missing-init-file")

    options = commands.add_parser("options", help="list every setting, with its default")
    options.add_argument(
        "--format",
        choices=("toml", "markdown"),
        default="toml",
        help="toml prints a [tool.lucid-hooks] section, markdown docs/configuration.md",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["check"]:
        words[1:] = separate_paths(words[1:], RUN_VALUE_FLAGS)
    args = parser.parse_args(words)
    if args.command == "check":
        return check_tree(args)
    if args.command == "report":
        from lucid_hooks.report import run_report

        return run_report(args)
    if args.command == "rules":
        return print_rules(args.format)
    if args.command == "rule":
        return explain_rule(args.code)
    if args.command == "options":
        return print_options(args.format)
    parser.print_help()
    return 2


def print_rules(output_format: str) -> int:
    from lucid_hooks import docs

    if output_format == "markdown":
        write_output(docs.markdown_reference())
    elif output_format == "markdown-table":
        write_output(docs.markdown_table())
    elif output_format == "json":
        write_output(docs.rules_json())
    else:
        write_output(docs.rules_text())
    return 0


def explain_rule(code: str) -> int:
    from lucid_hooks.docs import explain

    found = find_rule(code)
    if found is None:
        return usage_error(PROG, f"unknown rule {code!r} (see `{PROG} rules`)")
    write_output(explain(found))
    return 0


def print_options(output_format: str) -> int:
    from lucid_hooks import docs

    write_output(docs.options_markdown() if output_format == "markdown" else docs.options_toml())
    return 0


def check_tree(args: argparse.Namespace) -> int:
    """Every hook over the tree. Without targets, each hook gets what
    ``pre-commit run --all-files`` would give it, below the current folder;
    with targets, exactly what ``<hook> TARGET...`` would get."""
    targets: Sequence[str] = args.paths
    fix: bool = args.fix
    selection = Selection.of(args)
    invocation = Invocation.start(
        PROG, targets or [os.curdir], cache=args.cache, selection=selection
    )
    if invocation is None:
        return 2
    findings, messages = invocation.run_every_hook(as_given=bool(targets), fix=fix)
    return invocation.finish(findings, messages, Output.of(args))


if __name__ == "__main__":
    sys.exit(main())
