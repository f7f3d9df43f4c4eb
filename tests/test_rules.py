"""lucid_hooks.rules: every rule is well formed and documented."""

from __future__ import annotations

import re

import pytest

from lucid_hooks import registry, rules

# The family digit of a code -> the hook that reports it (see the brief).
FAMILY_HOOKS = {
    "1": "check-init-files",
    "2": "check-entry-point-imports",
    "3": "check-cache-artifacts",
    "4": "check-duplicate-modules",
    "5": "check-distroless",
    # The brief's table gives LH6xx to check-distroless; they are reported by
    # the hook that follows each image's entry points through their code
    # (its analysis finds the reached calls), as LH403 is.
    "6": "check-entry-point-imports",
}
# Rules that moved to another hook and kept their code (so that `ignore`
# settings and inline comments naming it keep working).
MOVED_RULES = {"LH403": "check-entry-point-imports"}

KEBAB = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

ALL_RULES = registry.all_rules()


def test_there_are_rules() -> None:
    codes = {rule.code for rule in ALL_RULES}

    assert {"LH001", "LH101"} <= codes


def test_codes_are_unique_and_well_formed() -> None:
    codes = [rule.code for rule in ALL_RULES]

    assert len(codes) == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"LH\d{3}", code), code
    assert codes == sorted(codes), "all_rules() is sorted by code"


def test_names_are_unique_kebab_case() -> None:
    names = [rule.name for rule in ALL_RULES]

    assert len(names) == len(set(names))
    for name in names:
        assert KEBAB.fullmatch(name), name


@pytest.mark.parametrize("rule", ALL_RULES, ids=[rule.code for rule in ALL_RULES])
def test_rule_is_documented(rule: rules.Rule) -> None:
    for field in ("summary", "explanation", "bad", "good"):
        value = getattr(rule, field)
        assert isinstance(value, str)
        assert value.strip(), f"{rule.code} has an empty {field}"
    assert not rule.summary.endswith("."), "the summary is printed followed by a period"
    assert rule.bad != rule.good
    assert rule.fix is None or rule.fix.strip()


@pytest.mark.parametrize("rule", ALL_RULES, ids=[rule.code for rule in ALL_RULES])
def test_family_digit_matches_hook(rule: rules.Rule) -> None:
    family = rule.code[2]
    if family == "0":
        assert rule in rules.CORE_RULES
        assert rule.hook not in registry.hook_ids()
    else:
        assert rule.hook == MOVED_RULES.get(rule.code, FAMILY_HOOKS[family]), rule.code
        assert rule.hook in registry.hook_ids()


def test_core_rules_are_family_0() -> None:
    assert rules.CORE_RULES
    for rule in rules.CORE_RULES:
        assert rule.code.startswith("LH0")
