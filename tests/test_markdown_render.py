"""The helpers that check a Markdown report as GitHub renders it (tests/markdown_render.py).

The rendering tests draw with the real mermaid-cli and Chromium, about 3.5 s each;
without them they are skipped, saying what is missing.
"""

from __future__ import annotations

import os
import re
import stat
import textwrap
from pathlib import Path

import pytest

from tests import markdown_render
from tests.markdown_render import (
    GITHUB_MERMAID_MAX_EDGES,
    GITHUB_MERMAID_MAX_TEXT,
    MermaidCli,
    check_github_mermaid_limits,
    check_tables,
    find_mermaid_cli,
    markdown_tables,
    mermaid_blocks,
    mermaid_cli_missing_reason,
    mermaid_edge_count,
    render_mermaid_many,
    require_mermaid_cli,
    split_row,
    svg_problem,
    svg_text,
)

ROOT = Path(__file__).resolve().parent.parent


def md(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# ---------------------------------------------------------------------------
# Tables

GOOD_REPORT = md(
    r"""
    # Entry points

    | entry point | module | imports |
    | --- | :--- | ---: |
    | `lucid-hooks` | [`lucid_hooks.cli`](lucid_hooks/cli.py) | 12 |
    | `a \| b` | **bold** and `x\|y` | 0 |
    | a\|b | | 3 |

    Some text after a blank line.
    """
)


def test_a_good_table_reads_as_a_reader_sees_it() -> None:
    (table,) = check_tables(GOOD_REPORT)
    assert table.line == 3
    assert table.header == ["entry point", "module", "imports"]
    assert table.rows == [
        ["lucid-hooks", "lucid_hooks.cli", "12"],
        ["a | b", "bold and x|y", "0"],
        ["a|b", "", "3"],
    ]
    assert markdown_tables(GOOD_REPORT) == [table]


@pytest.mark.parametrize(
    ("row", "count"),
    [
        ("| 1 | 2 | 3 | 4 |", 4),  # GFM drops the fourth without a word
        ("| 1 | 2 |", 2),  # GFM pads it with an empty cell
        ("| `a|b` | c | d |", 4),  # a code span does not protect a pipe in GFM
        ("| a \\\\| b | c |", 2),  # `\\|`: the pipe is still escaped, as the parser has it
    ],
)
def test_a_row_with_the_wrong_cell_count_fails(row: str, count: int) -> None:
    text = f"| a | b | c |\n|---|---|---|\n| x | y | z |\n{row}\n"
    with pytest.raises(AssertionError) as raised:
        check_tables(text)
    message = str(raised.value)
    assert f"line 4: {count} cells where the header (line 1) has 3: {row!r}" in message
    assert "line 3" not in message


def test_a_paragraph_glued_to_a_table_becomes_a_row() -> None:
    text = "| a | b |\n|---|---|\n| 1 | 2 |\nNo blank line before this.\n"
    with pytest.raises(AssertionError, match=r"line 4: 1 cells where the header"):
        check_tables(text)
    assert markdown_tables(text)[0].rows[-1] == ["No blank line before this.", ""]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # A blank line ends the table: the row after it is a paragraph.
        ("| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n", 5),
        # A delimiter row with too few cells: no table at all.
        ("| a | b |\n|---|\n| 1 | 2 |\n", 1),
        # No delimiter row.
        ("| a | b |\n| 1 | 2 |\n", 1),
        # In a block quote too.
        ("> | a | b |\n> | 1 | 2 |\n", 1),
    ],
)
def test_a_row_outside_any_table_fails(text: str, line: int) -> None:
    with pytest.raises(AssertionError) as raised:
        check_tables(text)
    assert f"line {line}: looks like a table row, but is in no table" in str(raised.value)


def test_pipes_in_code_blocks_are_no_tables() -> None:
    text = md(
        """
        ```
        | not | a table |
        | 1 |
        ```

            | indented | code |

        <div>
        | html |
        </div>
        """
    )
    assert check_tables(text) == []


def test_tables_in_lists_and_quotes_are_counted_where_the_parser_splits_them() -> None:
    good = md(
        """
        - | a | b |
          |---|---|
          | 1 | 2 |

        > | c | d |
        > |---|---|
        > | 3 | 4 |
        """
    )
    tables = check_tables(good)
    assert [(table.line, table.header, table.rows) for table in tables] == [
        (1, ["a", "b"], [["1", "2"]]),
        (5, ["c", "d"], [["3", "4"]]),
    ]
    bad = good.replace("  | 1 | 2 |", "  | 1 |").replace("> | 3 | 4 |", "> | 3 | 4 | 5 |")
    with pytest.raises(AssertionError) as raised:
        check_tables(bad)
    assert "line 3: 1 cells where the header (line 1) has 2" in str(raised.value)
    assert "line 7: 3 cells where the header (line 5) has 2" in str(raised.value)


@pytest.mark.parametrize(
    "row",
    [
        "| a | b |",
        "a | b",
        "| `a|b` |",
        "| `a\\|b` | c |",
        "| a \\| b |",
        "| a \\\\| b |",
        "| x \\",
        "|| x |",
        "| x || y |",
        "| x | | y |",
    ],
)
def test_split_row_counts_cells_as_the_parser_does(row: str) -> None:
    # A header wider than the row: the parser pads the row, and its last real cell
    # (each ends in a letter here) shows how many cells it found.
    width = 8
    text = "|" + " h |" * width + "\n|" + "---|" * width + "\n" + row + "\n"
    (table,) = markdown_tables(text)
    cells = table.rows[0]
    found = max(i for i, cell in enumerate(cells) if cell) + 1
    assert len(split_row(row)) == found
    assert table.source_cell_counts == [width, width, found]


def test_mermaid_blocks_are_the_mermaid_fences_only() -> None:
    text = md(
        """
        ```mermaid
        flowchart LR
          A --> B
        ```

        ~~~mermaid
        graph TD
        ~~~

        ```mermaid title="x"
        flowchart TB
        ```

        ```python
        print("not mermaid")
        ```

        ```mermaidish
        no
        ```

            ```mermaid
            indented code, not a fence
            ```
        """
    )
    assert mermaid_blocks(text) == ["flowchart LR\n  A --> B\n", "graph TD\n", "flowchart TB\n"]


# ---------------------------------------------------------------------------
# GitHub's limits


@pytest.mark.parametrize(
    ("body", "edges"),
    [
        ("A --> B", 1),
        ("A-->B", 1),
        ("A --- B", 1),
        ("A ---> B", 1),
        ("A <--> B", 1),
        ("A --x B", 1),
        ("A o--o B", 1),
        ("A -.- B", 1),
        ("A -.-> B", 1),
        ("A == text ==> B", 1),
        ("A === B", 1),
        ("A ~~~ B", 1),
        ("A -- text --> B", 1),
        ("A -- a & b --> B", 1),
        ("A -. text .-> B", 1),
        ("A -->|a --> b & c| B", 1),
        ("A --> B --> C", 2),
        ("A & B --> C & D", 4),
        ("A & B --> C --> D & E & F", 5),
        ('A["a --> b"] --> B("c --- d") --> C{{"e & f"}}', 2),
        ("A[(db --> x)] --> B>flag --> x] --> C", 2),
        ("A --> B; C --> D", 2),
        ("%% A --> B", 0),
        ("subgraph one [one --> two]", 0),
        ("classDef thick stroke-width:4px,stroke-dasharray: 5 5", 0),
        ("style A fill:#f9f,stroke:#333", 0),
        ("linkStyle 0 stroke:#ff3", 0),
        ("A", 0),
    ],
)
def test_mermaid_edge_count(body: str, edges: int) -> None:
    assert mermaid_edge_count(f"flowchart LR\n  {body}\n") == edges


def test_mermaid_edge_count_skips_front_matter_and_refuses_other_diagrams() -> None:
    source = "---\nconfig:\n  theme: forest---x\n---\n%% a comment\ngraph TD\n  A --> B\n"
    assert mermaid_edge_count(source) == 1
    with pytest.raises(ValueError, match="not a flowchart"):
        mermaid_edge_count("sequenceDiagram\n  A->>B: hi\n")


def chain(edges: int) -> str:
    return "flowchart LR\n" + "".join(f"  n{i} --> n{i + 1}\n" for i in range(edges))


def test_check_github_mermaid_limits() -> None:
    check_github_mermaid_limits(chain(GITHUB_MERMAID_MAX_EDGES))
    with pytest.raises(AssertionError, match="501 edges, over 500"):
        check_github_mermaid_limits(chain(GITHUB_MERMAID_MAX_EDGES + 1))
    long = "flowchart LR\n  A[" + "x" * GITHUB_MERMAID_MAX_TEXT + "]\n"
    with pytest.raises(AssertionError, match=r"\d+ characters, over 50000"):
        check_github_mermaid_limits(long)
    check_github_mermaid_limits("sequenceDiagram\n  A->>B: hi\n")


# ---------------------------------------------------------------------------
# Finding the CLI


def executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def fake_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with a node only, an mmdc and a browser beside it."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    executable(bin_folder / "node")
    monkeypatch.setenv("PATH", str(bin_folder))
    monkeypatch.setenv("LUCID_MMDC", str(executable(tmp_path / "mmdc")))
    monkeypatch.setenv("PUPPETEER_EXECUTABLE_PATH", str(executable(tmp_path / "chrome")))
    return tmp_path


def test_find_mermaid_cli_takes_the_environment_s(fake_tools: Path) -> None:
    assert find_mermaid_cli() == MermaidCli(
        fake_tools / "mmdc", fake_tools / "bin" / "node", fake_tools / "chrome"
    )
    assert mermaid_cli_missing_reason() is None
    assert require_mermaid_cli() == find_mermaid_cli()


def test_find_mermaid_cli_says_what_is_missing(
    fake_tools: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (fake_tools / "chrome").chmod(0o644)
    assert find_mermaid_cli() is None
    reason = mermaid_cli_missing_reason()
    assert reason == (
        f"no browser for mmdc: PUPPETEER_EXECUTABLE_PATH={fake_tools / 'chrome'}"
        " is not an executable file (apt-get install chromium)"
    )
    with pytest.raises(pytest.skip.Exception, match="cannot draw Mermaid diagrams: no browser"):
        require_mermaid_cli()

    monkeypatch.setenv("LUCID_MMDC", str(fake_tools / "absent"))
    assert mermaid_cli_missing_reason() == (
        f"LUCID_MMDC={fake_tools / 'absent'} is not an executable file"
    )

    monkeypatch.delenv("LUCID_MMDC")
    monkeypatch.setattr(markdown_render, "MERMAID_CLI_CACHE", fake_tools / "no-cache")
    reason = mermaid_cli_missing_reason()
    assert reason is not None
    assert reason.startswith(f"no mmdc: not in {fake_tools / 'no-cache'}")

    executable(fake_tools / "bin" / "mmdc")
    (fake_tools / "chrome").chmod(0o755)
    cli = find_mermaid_cli()
    assert cli is not None
    assert cli.mmdc == fake_tools / "bin" / "mmdc"

    monkeypatch.setenv("PATH", str(fake_tools))
    assert mermaid_cli_missing_reason() == "node is not on PATH (mmdc is a node program)"


def test_the_ci_installs_the_versions_the_helpers_look_for() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(rf"^mermaid_cli_version={markdown_render.MERMAID_CLI_VERSION}$", script, re.M)
    assert re.search(rf"^puppeteer_version={markdown_render.PUPPETEER_VERSION}$", script, re.M)
    assert (
        "$HOME/.cache/lucid-hooks-ci/mermaid-cli/$mermaid_cli_version-puppeteer-$puppeteer_version"
        in script
    )
    assert (
        Path.home()
        / ".cache/lucid-hooks-ci/mermaid-cli"
        / f"{markdown_render.MERMAID_CLI_VERSION}-puppeteer-{markdown_render.PUPPETEER_VERSION}"
    ) == markdown_render.MERMAID_CLI_CACHE


# ---------------------------------------------------------------------------
# SVGs

SVG = 'xmlns="http://www.w3.org/2000/svg"'
# As mermaid 11 draws its syntax-error diagram (trimmed).
ERROR_SVG = (
    f'<svg {SVG} aria-roledescription="error"><g>'
    '<text class="error-text">Syntax error in text</text>'
    '<text class="error-text">mermaid version 11.17.2</text></g></svg>'
)


def test_svg_problem() -> None:
    good = (
        f'<svg {SVG} aria-roledescription="flowchart-v2">'
        "<style>.a{}</style><g><text>A</text></g></svg>"
    )
    assert svg_problem(good) is None
    assert svg_text(good) == "A"
    assert svg_problem(ERROR_SVG) == (
        "mermaid drew its syntax-error diagram ('Syntax error in text')"
    )
    too_long = f"<svg {SVG}><text>Maximum text size in diagram exceeded</text></svg>"
    assert svg_problem(too_long) == "mermaid drew 'Maximum text size in diagram exceeded' instead"
    assert svg_problem("<html/>") == "not an SVG: the root is html"
    problem = svg_problem("<svg")
    assert problem is not None
    assert problem.startswith("not well-formed XML")


# ---------------------------------------------------------------------------
# Drawing for real (skipped without node, mmdc and Chromium)

# Four edges as mermaid counts them, though its labels hold arrows and ampersands.
FLOWCHART = md(
    """
    flowchart LR
      cli["lucid-hooks report"] --> mod1[lucid_hooks.cli] & mod2("lucid_hooks.docs --> x")
      mod1 -- reads & writes --> cache[(".lucid cache")]
      mod2 -.->|"A & B"| cache
    """
)
FLOWCHART_EDGES = 4
LABELS = ("lucid-hooks report", "lucid_hooks.cli", "lucid_hooks.docs --> x", ".lucid cache")


@pytest.fixture(scope="module")
def cli() -> MermaidCli:
    return require_mermaid_cli()


# Each mmdc run starts a Chromium (about 3.5 s of CPU): two runs cover the
# drawing, the failure of one diagram among several, and mmdc's own error
# message; the SVGs mermaid draws for an error while mmdc exits 0 were drawn
# by it once and are kept in tests/data.
DATA = Path(__file__).parent / "data"


@pytest.mark.browser
def test_flowcharts_render_to_svgs_with_their_labels(cli: MermaidCli, tmp_path: Path) -> None:
    # maxEdges at the count: mermaid refuses more, so this also bounds the count.
    first, second = render_mermaid_many(
        cli,
        [FLOWCHART, "graph TD\n  solo[the second diagram]\n"],
        tmp_path,
        config={"maxEdges": FLOWCHART_EDGES},
    )
    assert mermaid_edge_count(FLOWCHART) == FLOWCHART_EDGES
    assert svg_problem(first) is None
    text = svg_text(first)
    for label in (*LABELS, "reads & writes", "A & B"):
        assert label in text
    assert 'aria-roledescription="flowchart-v2"' in first
    assert "the second diagram" not in text
    assert svg_text(second) == "the second diagram"


@pytest.mark.browser
def test_several_diagrams_name_the_one_that_fails(cli: MermaidCli, tmp_path: Path) -> None:
    small = "graph TD\n  A\n"
    sources = [small, "flowchart LR\n  A[unclosed --> B\n", small]
    with pytest.raises(AssertionError, match=r"(?s)status 1\) on diagram 2 of 3.*Parse error"):
        render_mermaid_many(cli, sources, tmp_path)


def test_the_syntax_error_diagram_mmdc_draws_with_exit_status_0_is_a_problem() -> None:
    # mermaid's error diagram is its own type: mmdc draws it for `error` and exits 0.
    svg = (DATA / "mermaid-syntax-error.svg").read_text(encoding="utf-8")

    assert svg_problem(svg) == "mermaid drew its syntax-error diagram ('Syntax error in text')"


def test_a_text_over_max_text_size_is_a_problem() -> None:
    # mermaid draws a box saying so instead, and mmdc exits 0.
    svg = (DATA / "mermaid-max-text-size.svg").read_text(encoding="utf-8")

    problem = svg_problem(svg)
    assert problem is not None and problem.startswith("mermaid drew 'Maximum text size")


def test_several_diagrams_refuse_a_fence_inside_one(tmp_path: Path) -> None:
    cli = MermaidCli(tmp_path / "mmdc", tmp_path / "node", tmp_path / "chrome")
    with pytest.raises(ValueError, match="diagram 2 has a line starting with"):
        render_mermaid_many(cli, ["graph TD\n", "graph TD\n```\n"], tmp_path)
    assert render_mermaid_many(cli, [], tmp_path) == []
    assert not os.listdir(tmp_path)
