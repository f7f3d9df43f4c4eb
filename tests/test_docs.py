"""lucid_hooks.docs: the documentation generated from the declarations, and
the files in the repository that must equal it."""

from __future__ import annotations

import sys
from pathlib import Path

from lucid_hooks import docs
from lucid_hooks.config import GLOBAL_OPTIONS
from lucid_hooks.registry import all_hooks, all_rules

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PROJECT = Path(__file__).resolve().parent.parent
ALL_RULES = all_rules()


def test_explain_has_every_part() -> None:
    for rule in ALL_RULES:
        page = docs.explain(rule)
        lines = page.splitlines()
        assert lines[0].startswith(f"{rule.code} {rule.name}")
        assert rule.explanation in page
        assert "Bad:" in lines
        assert "Good:" in lines
        for line in rule.bad.splitlines():
            assert (f"    {line}" if line else "") in lines


def test_markdown_table_has_a_row_per_rule() -> None:
    table = docs.markdown_table().splitlines()

    assert len(table) == 2 + len(ALL_RULES)
    for row, rule in zip(table[2:], ALL_RULES):
        assert row.startswith(f"| {rule.code} | `{rule.name}` |")


def test_markdown_reference_has_a_section_per_rule() -> None:
    reference = docs.markdown_reference()

    headings = [line for line in reference.splitlines() if line.startswith("## ")]
    assert headings == [f"## {rule.code} `{rule.name}`" for rule in ALL_RULES]


def test_readme_contains_the_rule_table() -> None:
    readme = PROJECT / "README.md"

    assert readme.is_file(), "README.md is missing"
    assert docs.markdown_table() in readme.read_text(encoding="utf-8"), (
        "the README's rule table is stale: paste `lucid-hooks rules --format markdown-table`"
    )


def test_docs_rules_md_is_generated() -> None:
    reference = PROJECT / "docs" / "rules.md"

    assert reference.is_file(), "docs/rules.md is missing"
    assert reference.read_text(encoding="utf-8") == docs.markdown_reference(), (
        "docs/rules.md is stale: run `lucid-hooks rules --format markdown > docs/rules.md`"
    )


def test_options_toml_is_valid_and_holds_every_default() -> None:
    document = tomllib.loads(docs.options_toml())

    section = document["tool"]["lucid-hooks"]
    for option in GLOBAL_OPTIONS:
        assert section[option.key] == _as_toml(option.default)
    for hook in all_hooks():
        for option in hook.options:
            assert section[hook.id][option.key] == _as_toml(option.default), option.key


def _as_toml(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def test_options_toml_names_every_flag() -> None:
    text = docs.options_toml()

    for hook in all_hooks():
        for option in hook.options:
            if option.flag:
                assert option.flag in text
                assert option.help in text


def test_readme_contains_the_options() -> None:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")

    assert docs.options_toml() in readme, (
        "the README's configuration block is stale: paste `lucid-hooks options`"
    )


def test_docs_configuration_md_is_generated() -> None:
    reference = PROJECT / "docs" / "configuration.md"

    assert reference.read_text(encoding="utf-8") == docs.options_markdown(), (
        "docs/configuration.md is stale: run"
        " `lucid-hooks options --format markdown > docs/configuration.md`"
    )
