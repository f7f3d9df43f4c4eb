"""Rules: every code a hook can report, with what it means, a bad and a good
example, and the fix offered if any. Each hook declares its own rules; the
core's own rule, LH001, lives here.
"""

from __future__ import annotations


class Rule:
    """One stable code, with what it means and how to satisfy it."""

    __slots__ = (
        "bad",
        "code",
        "default",
        "explanation",
        "fix",
        "good",
        "hook",
        "name",
        "summary",
    )

    def __init__(
        self,
        *,
        code: str,
        name: str,
        hook: str,
        summary: str,
        explanation: str,
        bad: str,
        good: str,
        fix: str | None = None,
        default: bool = True,
    ) -> None:
        self.code = code
        self.name = name
        self.hook = hook
        self.summary = summary
        self.explanation = " ".join(explanation.split())
        self.bad = bad.strip("\n")
        self.good = good.strip("\n")
        self.fix = fix
        # Off by default (as deptry's DEP002 or ruff's opinionated rules):
        # reported only when `extend-select` names it.
        self.default = default

    def __repr__(self) -> str:
        return f"Rule({self.code} {self.name})"


UNREADABLE_FILE = Rule(
    code="LH001",
    name="unreadable-file",
    hook="every hook",
    summary="A file the hook must read cannot be read",
    explanation="""
        A hook needed the content of a file and the operating system refused
        it: permission denied, a dangling symlink, a symlink loop, or a path
        that changed while the hook ran. The hook does not guess what the file
        holds, so it draws no conclusion from it and makes no fix that depends
        on it. Make the file readable, or exclude it with `exclude`.
    """,
    bad="""
$ chmod 000 wallet/walletd/keys.py
""",
    good="""
$ chmod 644 wallet/walletd/keys.py
""",
)

CORE_RULES = (UNREADABLE_FILE,)
