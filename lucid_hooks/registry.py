"""The hook registry: every hook is one module ``lucid_hooks/check_*.py``
that declares itself once, as ``HOOK = Hook(...)``: its id, rules, options
and file selection (the values its ``.pre-commit-hooks.yaml`` entry
carries). The configuration, the command line, ``lucid-hooks rules`` and the
docs are all derived from those declarations.

Finding the hooks costs a folder listing, not an import: the module
``check_init_files`` is the hook ``check-init-files``. A hook's rule codes
are known without importing it either (validating ``ignore = [...]`` would
otherwise import every hook and all they import): each rule is declared with
a literal ``code="LHnnn"``, which is read from the module's source.
``tests/test_registry.py`` keeps that reading equal to the declarations.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.options import declared
from lucid_hooks.rules import CORE_RULES, Rule

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from lucid_hooks.findings import Finding
    from lucid_hooks.options import Option
    from lucid_hooks.runner import HookContext

PACKAGE = "lucid_hooks"
_HOOK_MODULE = re.compile(r"(check_[a-z0-9_]+)\.py")
_CODE_PREFIX = re.compile(r"LH\d{0,3}")
_DECLARED_RULE = re.compile(rb'\bcode="(LH\d{3})",\s*name="([a-z0-9-]+)"')


class FileSelection(NamedTuple):
    """Which files pre-commit passes to a hook: the manifest's fields, with
    pre-commit's defaults."""

    types: tuple[str, ...] = ("file",)
    types_or: tuple[str, ...] = ()
    exclude_types: tuple[str, ...] = ()
    files: str = ""
    exclude: str = "^$"
    always_run: bool = False
    require_serial: bool = False


class Hook(NamedTuple):
    """A hook as the runner, the umbrella command and the docs see it.

    ``find`` is the check; ``summarize`` turns the findings finally reported
    into closing messages; ``default_excludes=False`` means the built-in
    excludes do not apply to it (the user's still do).
    """

    id: str
    name: str
    description: str
    rules: tuple[Rule, ...]
    options: tuple[Option, ...]
    selection: FileSelection
    find: Callable[[HookContext], list[Finding]]
    summarize: Callable[[Sequence[Finding]], list[str]] | None = None
    default_excludes: bool = True

    def option(self, key: str) -> Option | None:
        return declared(self.options, key)


def module_name(hook_id: str) -> str:
    return f"{PACKAGE}.{hook_id.replace('-', '_')}"


def _package_folder() -> str:
    return os.path.dirname(os.path.abspath(__file__))


def hook_ids() -> list[str]:
    """Every hook's id, from the modules in the package (sorted)."""
    names = os.listdir(_package_folder())
    matches = (_HOOK_MODULE.fullmatch(name) for name in names)
    return sorted(match.group(1).replace("_", "-") for match in matches if match)


def load_hook(hook_id: str) -> Hook:
    hook: Hook = importlib.import_module(module_name(hook_id)).HOOK
    return hook


def all_hooks() -> list[Hook]:
    """Every hook, in the order of their rule codes (LH1 first)."""
    hooks = [load_hook(hook_id) for hook_id in hook_ids()]
    return sorted(hooks, key=lambda hook: min(rule.code for rule in hook.rules))


def all_rules() -> list[Rule]:
    rules = list(CORE_RULES)
    for hook in all_hooks():
        rules.extend(hook.rules)
    return sorted(rules, key=lambda rule: rule.code)


def find_rule(code_or_name: str) -> Rule | None:
    wanted = code_or_name.strip()
    for rule in all_rules():
        if wanted.upper() == rule.code or wanted == rule.name:
            return rule
    return None


def rule_names(codes: Sequence[str]) -> dict[str, str]:
    """The name of each code; a code no rule has gets ``""``. Imports only
    the hooks that own the codes."""
    owners = declared_codes()
    names = {rule.code: rule.name for rule in CORE_RULES}
    for hook_id in {owners[code] for code in codes if code in owners} - {""}:
        names.update((rule.code, rule.name) for rule in load_hook(hook_id).rules)
    return {code: names.get(code, "") for code in codes}


class DeclaredRule(NamedTuple):
    """A rule as known without importing its hook."""

    code: str
    name: str
    hook_id: str  # "" for the core's own


def declared_rules() -> list[DeclaredRule]:
    """Every rule's code, name and hook, without importing a hook that is
    not loaded yet."""
    found = [DeclaredRule(rule.code, rule.name, "") for rule in CORE_RULES]
    for hook_id in hook_ids():
        hook = getattr(sys.modules.get(module_name(hook_id)), "HOOK", None)
        pairs = [(r.code, r.name) for r in hook.rules] if hook else source_rules(hook_id)
        found.extend(DeclaredRule(code, name, hook_id) for code, name in pairs)
    return found


def declared_codes() -> dict[str, str]:
    """Every rule code and the id of the hook that owns it (``""`` for the core's own)."""
    return {rule.code: rule.hook_id for rule in declared_rules()}


def source_rules(hook_id: str) -> list[tuple[str, str]]:
    """The codes and names of the rules a hook module declares, read from its source."""
    path = os.path.join(_package_folder(), hook_id.replace("-", "_") + ".py")
    try:
        with open(path, "rb") as file:
            source = file.read()
    except OSError:
        return []
    return [(code.decode(), name.decode()) for code, name in _DECLARED_RULE.findall(source)]


def known_code_prefix(prefix: str) -> bool:
    """Whether `prefix` (`LH1`, `LH101`) selects at least one rule."""
    return any(code.startswith(prefix) for code in declared_codes())


def selector_code(selector: str) -> str | None:
    """The code or code prefix that ``selector`` (`LH1`, `LH101`, a rule's
    name such as `missing-init-file`) stands for; None when no rule has it."""
    wanted = selector.strip()
    if _CODE_PREFIX.fullmatch(wanted) and known_code_prefix(wanted):
        return wanted
    return next((rule.code for rule in declared_rules() if rule.name == wanted), None)
