"""The report's picture: a Mermaid flowchart of the entry points and the
modules they use, which GitHub draws inside Markdown.

GitHub refuses a diagram of more than 500 edges or 50,000 characters, so a
repository too large for one node per module is drawn with one node per
package (the module's folder), then one per service (its top-level folder);
`Diagram.level` says which, and the report says so.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from lucid_hooks.report_model import EntryReport

MAX_EDGES = 500
MAX_CHARACTERS = 50_000
MODULES, PACKAGES, SERVICES = "modules", "packages", "services"


class Diagram(NamedTuple):
    """The flowchart's source ('' when even one node per service is too
    large), and what a module node stands for."""

    source: str
    level: str
    edges: int


def entry_point_diagram(entries: Sequence[EntryReport]) -> Diagram:
    """The smallest collapse that GitHub still draws."""
    levels: tuple[tuple[str, Callable[[str], str]], ...] = (
        (MODULES, _same),
        (PACKAGES, _package),
        (SERVICES, _service),
    )
    edges = 0
    for level, node_of in levels:
        # Counted first: a level with too many edges is not drawn at all.
        edges = len(
            {(number, node_of(path)) for number, e in enumerate(entries) for path in e.files}
        )
        if edges > MAX_EDGES:
            continue
        source, edges = _flowchart(entries, node_of)
        if len(source) <= MAX_CHARACTERS:
            return Diagram(source, level, edges)
    return Diagram("", SERVICES, edges)


def _same(path: str) -> str:
    return path


def _package(path: str) -> str:
    return posixpath.dirname(path) + "/" if "/" in path else path


def _service(path: str) -> str:
    return path.split("/", 1)[0] + "/" if "/" in path else path


def _flowchart(entries: Sequence[EntryReport], node_of: Callable[[str], str]) -> tuple[str, int]:
    lines = ["flowchart LR"]
    ids: dict[str, str] = {}
    edges: set[tuple[str, str]] = set()
    for number, entry in enumerate(entries):
        start = f"e{number}"
        label = f"{entry.origin}:{entry.line}" if entry.dockerfile else entry.origin
        lines.append(f'    {start}(["{_label(label)}"])')
        for path in entry.files:
            node = node_of(path)
            if node not in ids:
                ids[node] = f"m{len(ids)}"
                lines.append(f'    {ids[node]}["{_label(node)}"]')
            edges.add((start, ids[node]))
    lines.extend(f"    {start} --> {end}" for start, end in sorted(edges, key=_edge_order))
    return "\n".join(lines) + "\n", len(edges)


def _edge_order(edge: tuple[str, str]) -> tuple[int, int]:
    return int(edge[0][1:]), int(edge[1][1:])


# Mermaid reads `#name;` and `#code;` as entities in a label: `#` itself must
# become one first, then what would end the label, start HTML or an HTML
# entity, or make a Markdown string of it (a label between backticks).
_ENTITIES = (
    ("#", "#35;"),
    ('"', "#quot;"),
    ("<", "#lt;"),
    (">", "#gt;"),
    ("&", "#amp;"),
    ("`", "#96;"),
)


def _label(text: str) -> str:
    for char, entity in _ENTITIES:
        text = text.replace(char, entity)
    # A path that was not UTF-8 carries surrogates, which no SVG can hold.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
