"""lucid_hooks.report_render: what the repository holds stays what it is in
Markdown (no broken table, no code span cut short, no HTML), and the JSON
holds any path."""

from __future__ import annotations

import json

import pytest

from lucid_hooks.check_entry_point_imports import EntryRow
from lucid_hooks.findings import Finding
from lucid_hooks.report_model import Inputs, build_report
from lucid_hooks.report_render import render_json, render_markdown
from tests.markdown_render import check_tables, markdown_tables

ODD_PATHS = ("a|b.py", "c`d.py", "``e``.py", "<f>.py", "g*h_i.py", "sp ace/x.py", "bad\udcff.py")


def shown(path: str) -> str:
    """A path as the JSON report writes it (an undecodable byte as ``\\xNN``)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def render_of(paths: tuple[str, ...]) -> tuple[str, str]:
    findings = []
    for path in paths:
        made = Finding(path, "LH205", f"`{path}` | does not *compile* <b>", line=2)
        made.hook = "check-entry-point-imports"
        findings.append(made)
    rows = [EntryRow(path, (number,), module=path) for number, path in enumerate(paths)]
    heads = {path: f'r"""Purpose of {shown(path)} | here."""\n'.encode() for path in paths}
    inputs = Inputs(
        "repo|x",
        "0",
        list(paths),
        findings,
        ("a note with `code`",),
        rows,
        (),
        list(paths),
        frozenset(),
        (),
        ("orphan|`.py",),
        heads.get,
        {"LH205": "syntax-error-reached"},
        {"LH205": "A file does not `compile`"},
    )
    report = build_report(inputs)
    return render_markdown(report), render_json(report)


def test_tables_stay_whole_with_any_path() -> None:
    markdown, _ = render_of(ODD_PATHS)

    tables = check_tables(markdown)

    findings_table = next(t for t in tables if t.header[:2] == ["Location", "Rule"])
    cells = [row[0] for row in findings_table.rows]
    assert cells == sorted(cells)
    assert any("a|b.py:2:1" in cell for cell in cells)
    assert any("c`d.py:2:1" in cell for cell in cells)
    assert any("``e``.py:2:1" in cell for cell in cells)


def test_no_html_and_no_emphasis_leaks() -> None:
    markdown, _ = render_of(("<f>.py",))

    assert "<b>" not in markdown.replace("`<b>`", "")
    assert "\\<b\\>" in markdown
    assert "\\*compile\\*" in markdown


def test_a_fence_outlasts_backticks_in_a_tree() -> None:
    from markdown_it import MarkdownIt

    markdown, _ = render_of(("```svc/m.py",))

    fences = [t for t in MarkdownIt().parse(markdown) if t.type == "fence" and t.info == "text"]
    assert [fence.content.splitlines()[0] for fence in fences] == ["```svc/"]


@pytest.mark.parametrize("path", ODD_PATHS)
def test_json_holds_every_path(path: str) -> None:
    _, text = render_of((path,))

    document = json.loads(text)
    assert document["findings"][0]["path"] == shown(path)
    assert document["entry_points"][0]["purpose"] == f"Purpose of {shown(path)} | here."


def test_summary_table_is_two_columns() -> None:
    markdown, _ = render_of(("m.py",))

    summary = markdown_tables(markdown)[0]
    assert [row[0] for row in summary.rows][:2] == [
        "Folders analysed",
        "Compliant folders (no finding)",
    ]
    assert all(len(row) == 2 for row in summary.rows)
