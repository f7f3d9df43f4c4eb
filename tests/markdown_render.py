"""Check Markdown as GitHub renders it: its tables, and its Mermaid diagrams drawn for real.

For the tests of `lucid-hooks report`. Tables are read with markdown-it-py (CommonMark
plus the GFM table rule); each ```mermaid block is drawn to an SVG by mermaid-cli
(`mmdc`, from npm) in Debian's Chromium, as `.ci/run` installs them. Where node, mmdc
or the browser is missing, `require_mermaid_cli()` skips the test and says why.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import table as gfm_table
from markdown_it.token import Token

# The versions .ci/run installs (tests/test_markdown_render.py keeps them in step).
# mermaid-cli 12 needs node 22; puppeteer is pinned because mermaid-cli 11.17 also
# accepts puppeteer 25, which needs node 22 too, and npm would pick it.
MERMAID_CLI_VERSION = "11.17.0"
PUPPETEER_VERSION = "24.43.1"
# Outside the repository, so that every clone and CI run on the machine shares it.
MERMAID_CLI_CACHE = (
    Path.home()
    / ".cache"
    / "lucid-hooks-ci"
    / "mermaid-cli"
    / f"{MERMAID_CLI_VERSION}-puppeteer-{PUPPETEER_VERSION}"
)
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")

# We run as root (Chromium's sandbox refuses it) on a machine whose network is closed:
# without the background-networking flags Chromium hangs on refused connections.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--headless",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
# One render takes about 3.5 s here (Chromium's start is most of it).
RENDER_TIMEOUT = 60.0

# GitHub renders Mermaid with its defaults, which refuse more than these.
GITHUB_MERMAID_MAX_EDGES = 500  # mermaid's maxEdges
GITHUB_MERMAID_MAX_TEXT = 50_000  # mermaid's maxTextSize, in characters


# ---------------------------------------------------------------------------
# Markdown


@dataclass
class Table:
    """A GFM table: its cells as a reader sees them (escapes resolved, markup gone)."""

    line: int  # of the header row, 1-based
    header: list[str]
    rows: list[list[str]]
    # How many cells each source row has (header, delimiter row, body rows), counted
    # as GFM splits them, before the parser pads or cuts the body rows to the header's.
    source_cell_counts: list[int] = field(repr=False)


_ENV_KEY = "lucid_table_lines"


def _record_table_lines(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """The GFM table rule, keeping the lines it took as it saw them.

    In a list item or a block quote the parser's view of a line starts after the
    marker, so the cells are counted exactly where the parser splits them.
    """
    matched: bool = gfm_table(state, start, end, silent)
    if matched and not silent:
        lines = [
            state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
            for line in range(start, state.line)
        ]
        state.env.setdefault(_ENV_KEY, []).append(lines)
    return matched


@functools.cache
def _parser() -> MarkdownIt:
    # "gfm-like" would also turn on linkify, which needs linkify-it-py: CommonMark with
    # GFM's tables is what this checks.
    md = MarkdownIt("commonmark")
    md.block.ruler.at("table", _record_table_lines, {"alt": ["paragraph", "reference"]})
    return md.enable("table")


def _parse(text: str) -> tuple[list[Token], list[list[str]]]:
    env: dict[str, Any] = {}
    tokens = _parser().parse(text, env)
    return tokens, env.get(_ENV_KEY, [])


def split_row(line: str) -> list[str]:
    """A table row's cells as GFM splits them: at each pipe not escaped by a backslash.

    Code spans do not protect a pipe (GFM: "include a pipe in a cell's content by
    escaping it, including inside other inline spans"). A leading and a trailing
    pipe open and close the row; they make no empty cell.
    """
    cells: list[str] = []
    current = ""
    escaped = False
    for char in line.strip():
        if char == "|" and not escaped:
            cells.append(current)
            current = ""
        elif char == "|":
            current = current[:-1] + char  # the backslash goes, as the parser drops it
        else:
            current += char
        escaped = char == "\\"
    cells.append(current)
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return [cell.strip() for cell in cells]


def _cell_text(inline: Token) -> str:
    parts = []
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        else:
            parts.append(child.content)  # text, code, an image's alt; "" for markup
    return "".join(parts).strip()


def markdown_tables(text: str) -> list[Table]:
    """Every GFM table of `text`, in order, nested ones (list items, quotes) included."""
    tokens, lines_of_tables = _parse(text)
    tables: list[Table] = []
    current: Table | None = None
    row: list[str] = []
    for token in tokens:
        if token.type == "table_open":
            assert token.map is not None
            lines = lines_of_tables[len(tables)]
            current = Table(token.map[0] + 1, [], [], [len(split_row(line)) for line in lines])
            tables.append(current)
        elif current is None:
            continue
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline":
            row.append(_cell_text(token))
        elif token.type == "tr_close":
            if current.header:
                current.rows.append(row)
            else:
                current.header = row
        elif token.type == "table_close":
            current = None
    return tables


_NOT_TABLE_BLOCKS = ("fence", "code_block", "html_block", "table_open")


def check_tables(text: str) -> list[Table]:
    """The tables of `text`, or AssertionError naming each row GitHub would mangle.

    A line that starts with `|` outside a table and a code block is a row that fell
    out of its table (a blank line, a bad delimiter row). A row with more or fewer
    cells than its header would be cut or padded without a word.
    """
    tokens, _ = _parse(text)
    taken: set[int] = set()
    for token in tokens:
        if token.type in _NOT_TABLE_BLOCKS and token.map is not None:
            taken.update(range(*token.map))
    problems = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        content = line.lstrip(" \t>")  # block quote markers
        if content.startswith("|") and number not in taken:
            problems.append(
                f"line {number + 1}: looks like a table row, but is in no table: {line!r}"
            )
    tables = markdown_tables(text)
    for table in tables:
        columns = table.source_cell_counts[0]
        for offset, count in enumerate(table.source_cell_counts[1:], start=1):
            if count != columns:
                number = table.line + offset
                problems.append(
                    f"line {number}: {count} cells where the header (line {table.line}) "
                    f"has {columns}: {lines[number - 1]!r}"
                )
    if problems:
        raise AssertionError("Markdown tables that GitHub mangles:\n" + "\n".join(problems))
    return tables


def mermaid_blocks(text: str) -> list[str]:
    """The source of each ```mermaid (or ~~~mermaid) fenced block, in order."""
    tokens, _ = _parse(text)
    return [
        token.content
        for token in tokens
        if token.type == "fence" and token.info.split()[:1] == ["mermaid"]
    ]


# ---------------------------------------------------------------------------
# Mermaid: GitHub's limits

# A flowchart link as mermaid's lexer reads one (flow.jison): first a whole LINK
# (`-->`, `---`, `--x`, `<-->`, `==>`, `===`, `-.->`, `-.-`, longer ones, the
# invisible `~~~`), else a START_LINK, its text, and the LINK that ends it
# (`-- text -->`, `== text ==>`, `-. text .->`).
_LINK = re.compile(
    r"[xo<]?(?:-{2,}[-xo>]|={2,}[=xo>]|-?\.+-[xo>]?|~{3,}"
    r"|--[^\n]*?-{2,}[-xo>]|==[^\n]*?={2,}[=xo>]|-\.[^\n]*?\.+-[xo>]?)"
)
_QUOTED = re.compile(r'"[^"\n]*"')
_ASYMMETRIC = re.compile(r"(?<=\w)>[^\]\n]*\]")  # A>label]
_LINK_TEXT = re.compile(r"\|[^|\n]*\|")  # A -->|label| B
_FLOWCHART = re.compile(r"(?:flowchart|graph)\b")


def _without_labels(line: str) -> str:
    line = _ASYMMETRIC.sub("[]", _QUOTED.sub('""', line))
    kept = []
    depth = 0
    for char in line:
        if char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        elif not depth:
            kept.append(char)
    return _LINK_TEXT.sub("", "".join(kept))


def mermaid_edge_count(source: str) -> int:
    """How many edges mermaid makes of a flowchart (`graph` too): its maxEdges counts these.

    A chain counts each link (`A --> B --> C`: 2), and `&` each pair
    (`A & B --> C & D`: 4). Text in labels, quotes and `|link text|` is not read.
    ValueError for a diagram that is not a flowchart.
    """
    lines = source.splitlines()
    if lines and lines[0].strip() == "---":  # front matter (a config)
        closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[closing + 1 :]
    lines = [line for line in lines if line.strip() and not line.strip().startswith("%%")]
    if not lines or not _FLOWCHART.match(lines[0].strip()):
        raise ValueError(f"not a flowchart: {(lines or [''])[0]!r}")
    edges = 0
    for line in lines[1:]:
        for statement in _without_labels(line).split(";"):
            nodes = [part.count("&") + 1 for part in _LINK.split(statement)]
            edges += sum(left * right for left, right in zip(nodes, nodes[1:]))
    return edges


def check_github_mermaid_limits(source: str) -> None:
    """AssertionError where GitHub would refuse to draw the diagram."""
    problems = []
    if len(source) > GITHUB_MERMAID_MAX_TEXT:
        problems.append(f"{len(source)} characters, over {GITHUB_MERMAID_MAX_TEXT}")
    if _FLOWCHART.match(source.lstrip()):
        edges = mermaid_edge_count(source)
        if edges > GITHUB_MERMAID_MAX_EDGES:
            problems.append(f"{edges} edges, over {GITHUB_MERMAID_MAX_EDGES}")
    if problems:
        raise AssertionError("GitHub will not draw this diagram: " + "; ".join(problems))


# ---------------------------------------------------------------------------
# Mermaid: drawing it for real


@dataclass(frozen=True)
class MermaidCli:
    mmdc: Path
    node: Path
    browser: Path


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _find() -> tuple[MermaidCli | None, str]:
    node = shutil.which("node")
    if node is None:
        return None, "node is not on PATH (mmdc is a node program)"

    explicit = os.environ.get("LUCID_MMDC")
    if explicit:
        mmdc = Path(explicit)
        if not _executable(mmdc):
            return None, f"LUCID_MMDC={explicit} is not an executable file"
    else:
        cached = MERMAID_CLI_CACHE / "node_modules" / ".bin" / "mmdc"
        on_path = shutil.which("mmdc")
        if _executable(cached):
            mmdc = cached
        elif on_path is not None:
            mmdc = Path(on_path)
        else:
            return None, (
                f"no mmdc: not in {cached} (where .ci/run installs"
                f" @mermaid-js/mermaid-cli@{MERMAID_CLI_VERSION}), not on PATH,"
                " and LUCID_MMDC is not set"
            )

    explicit_browser = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    browser = Path(explicit_browser) if explicit_browser else DEBIAN_CHROMIUM
    if not _executable(browser):
        setting = "PUPPETEER_EXECUTABLE_PATH=" if explicit_browser else ""
        return None, (
            f"no browser for mmdc: {setting}{browser} is not an executable file"
            " (apt-get install chromium)"
        )
    return MermaidCli(mmdc, Path(node), browser), ""


def find_mermaid_cli() -> MermaidCli | None:
    """mmdc, node and Chromium, or None (`mermaid_cli_missing_reason()` says why).

    mmdc is LUCID_MMDC's when that is set, else the one .ci/run caches, else the one on
    PATH; the browser is PUPPETEER_EXECUTABLE_PATH's when set, else Debian's Chromium.
    """
    return _find()[0]


def mermaid_cli_missing_reason() -> str | None:
    cli, reason = _find()
    return None if cli is not None else reason


def require_mermaid_cli() -> MermaidCli:
    """The CLI, or skip the calling test saying what is missing."""
    cli, reason = _find()
    if cli is None:
        pytest.skip(f"cannot draw Mermaid diagrams: {reason}")
    return cli


def _write_json(path: Path, value: Mapping[str, object]) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def _run_mmdc(
    cli: MermaidCli,
    folder: Path,
    arguments: Sequence[str],
    config: Mapping[str, object] | None,
    timeout: float,
) -> tuple[int, str]:
    """Run mmdc in `folder`: its exit status and its output (stdout and stderr)."""
    puppeteer = {"executablePath": str(cli.browser), "args": list(CHROMIUM_ARGS)}
    command = [str(cli.mmdc), "-p", str(_write_json(folder / "puppeteer.json", puppeteer))]
    if config is not None:
        command += ["-c", str(_write_json(folder / "mermaid.json", config))]
    command += arguments
    env = dict(os.environ)
    # mmdc starts with `#!/usr/bin/env node`: the node we found.
    env["PATH"] = os.pathsep.join([str(cli.node.parent), env.get("PATH", "")])
    # Its own session, so that a timeout ends Chromium's processes too.
    process = subprocess.Popen(
        command,
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise AssertionError(
            f"mmdc did not finish in {timeout:g} s: {' '.join(command)}\n{output}"
        ) from None
    return process.returncode, output


def svg_problem(svg: str) -> str | None:
    """What is wrong with an SVG mmdc wrote, or None for a drawn diagram.

    mmdc exits 0 with mermaid's own error diagrams: "Syntax error in text" (an SVG
    whose aria-roledescription is "error"), and a box saying the text is too long.
    """
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as error:
        return f"not well-formed XML: {error}"
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        return f"not an SVG: the root is {root.tag}"
    text = svg_text(svg)
    if root.get("aria-roledescription") == "error" or "Syntax error in text" in text:
        return "mermaid drew its syntax-error diagram ('Syntax error in text')"
    if "Maximum text size in diagram exceeded" in text:
        return "mermaid drew 'Maximum text size in diagram exceeded' instead"
    return None


def svg_text(svg: str) -> str:
    """The text an SVG shows (its labels), one space between pieces; styles left out."""
    root = ET.fromstring(svg)
    pieces: list[str] = []

    def walk(element: ET.Element) -> None:
        if element.tag.rsplit("}", 1)[-1] in ("style", "script"):
            return
        pieces.append(element.text or "")
        for child in element:
            walk(child)
            pieces.append(child.tail or "")

    walk(root)
    return " ".join(" ".join(pieces).split())


def _checked_svg(path: Path, what: str, output: str) -> str:
    if not path.is_file():
        raise AssertionError(f"mmdc wrote no SVG for {what}:\n{output}")
    svg = path.read_text(encoding="utf-8")
    problem = svg_problem(svg)
    if problem is not None:
        raise AssertionError(f"{what}: {problem}\n{output}")
    return svg


def render_mermaid(
    cli: MermaidCli,
    source: str,
    folder: Path,
    *,
    config: Mapping[str, object] | None = None,
    timeout: float = RENDER_TIMEOUT,
) -> str:
    """Draw one diagram with mmdc; its SVG, or AssertionError with mmdc's output.

    `config` is a mermaid configuration (mmdc `-c`); None keeps mermaid's defaults,
    as GitHub does. The files go to a new folder inside `folder`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="mermaid-", dir=folder))
    (work / "diagram.mmd").write_text(source, encoding="utf-8")
    arguments = ["-i", "diagram.mmd", "-o", "diagram.svg"]
    status, output = _run_mmdc(cli, work, arguments, config, timeout)
    if status != 0:
        raise AssertionError(f"mmdc failed (exit status {status}):\n{output}")
    return _checked_svg(work / "diagram.svg", "the diagram", output)


_MMDC_FENCE = re.compile(r"^[^\S\n]*[`:]{3}", re.MULTILINE)


def render_mermaid_many(
    cli: MermaidCli,
    sources: Sequence[str],
    folder: Path,
    *,
    config: Mapping[str, object] | None = None,
    timeout: float | None = None,
) -> list[str]:
    """Draw several diagrams in one mmdc run (one Chromium): their SVGs, in order.

    About 1.5 s a diagram after the first run's 3.5 s. AssertionError names the first
    diagram that fails (1-based); mmdc stops there.
    """
    if not sources:
        return []
    for number, source in enumerate(sources, 1):
        if _MMDC_FENCE.search(source):
            # mmdc finds the diagrams in a Markdown file: a fence inside one would end it.
            raise ValueError(f"diagram {number} has a line starting with ``` or :::")
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="mermaid-", dir=folder))
    blocks = "".join(f"```mermaid\n{source.rstrip()}\n```\n\n" for source in sources)
    (work / "diagrams.md").write_text(blocks, encoding="utf-8")
    arguments = ["-i", "diagrams.md", "-o", "drawn.md"]
    limit = timeout if timeout is not None else RENDER_TIMEOUT + 10.0 * len(sources)
    status, output = _run_mmdc(cli, work, arguments, config, limit)
    svgs = []
    for number in range(1, len(sources) + 1):
        what = f"diagram {number} of {len(sources)}"
        path = work / f"drawn-{number}.svg"
        if status != 0 and not path.is_file():
            raise AssertionError(f"mmdc failed (exit status {status}) on {what}:\n{output}")
        svgs.append(_checked_svg(path, what, output))
    if status != 0:
        raise AssertionError(f"mmdc failed (exit status {status}):\n{output}")
    return svgs
