"""lucid_hooks.rules: the registry, and the docs generated from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lucid_hooks import rules
from lucid_hooks.config import HOOK_OPTIONS

PROJECT = Path(__file__).resolve().parent.parent

# The family digit of a code -> the hook that reports it (see the brief).
FAMILY_HOOKS = {
    "1": "check-init-files",
    "2": "check-entry-point-imports",
    "3": "check-cache-artifacts",
    "4": "check-duplicate-modules",
    "5": "check-distroless",
    "6": "check-distroless",
}

KEBAB = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")

ALL_RULES = rules.all_rules()


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
        assert rule.hook not in rules.HOOK_MODULES
    else:
        assert rule.hook == FAMILY_HOOKS[family], rule.code
        assert rule.hook in rules.HOOK_MODULES


def test_core_rules_are_family_0() -> None:
    assert rules.CORE_RULES
    for rule in rules.CORE_RULES:
        assert rule.code.startswith("LH0")


@pytest.mark.parametrize("hook_id", list(rules.HOOK_MODULES))
def test_hook_modules_declare_their_rules(hook_id: str) -> None:
    module = rules.hook_module(hook_id)

    assert module.HOOK.hook_id == hook_id
    assert module.RULES
    for rule in module.RULES:
        assert rule.hook == hook_id
        assert rule in ALL_RULES


def test_hook_options_belong_to_known_hooks() -> None:
    assert set(HOOK_OPTIONS) <= set(rules.HOOK_MODULES)


def test_find_rule_by_code_and_name() -> None:
    for rule in ALL_RULES:
        assert rules.find_rule(rule.code) is rule
        assert rules.find_rule(rule.code.lower()) is rule
        assert rules.find_rule(rule.name) is rule
    assert rules.find_rule("LH999") is None
    assert rules.find_rule("") is None


@pytest.mark.parametrize(
    ("prefix", "known"),
    [("LH", True), ("LH0", True), ("LH1", True), ("LH101", True), ("LH999", False), ("XX", False)],
)
def test_known_code_prefix(prefix: str, known: bool) -> None:
    assert rules.known_code_prefix(prefix) is known


def test_explain_has_every_part() -> None:
    for rule in ALL_RULES:
        page = rules.explain(rule)
        lines = page.splitlines()
        assert lines[0].startswith(f"{rule.code} {rule.name}")
        assert rule.explanation in page
        assert "Bad:" in lines
        assert "Good:" in lines
        for line in rule.bad.splitlines():
            assert (f"    {line}" if line else "") in lines


def test_markdown_table_has_a_row_per_rule() -> None:
    table = rules.markdown_table().splitlines()

    assert len(table) == 2 + len(ALL_RULES)
    for row, rule in zip(table[2:], ALL_RULES):
        assert row.startswith(f"| {rule.code} | `{rule.name}` |")


def test_markdown_reference_has_a_section_per_rule() -> None:
    reference = rules.markdown_reference()

    headings = [line for line in reference.splitlines() if line.startswith("## ")]
    assert headings == [f"## {rule.code} `{rule.name}`" for rule in ALL_RULES]


def test_readme_contains_the_rule_table() -> None:
    readme = PROJECT / "README.md"

    assert readme.is_file(), "README.md is missing"
    assert rules.markdown_table() in readme.read_text(encoding="utf-8"), (
        "the README's rule table is stale: paste `lucid-hooks rules --format markdown-table`"
    )


def test_docs_rules_md_is_generated() -> None:
    reference = PROJECT / "docs" / "rules.md"

    assert reference.is_file(), "docs/rules.md is missing"
    assert reference.read_text(encoding="utf-8") == rules.markdown_reference(), (
        "docs/rules.md is stale: run `lucid-hooks rules --format markdown > docs/rules.md`"
    )
