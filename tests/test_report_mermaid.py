"""lucid_hooks.report_mermaid: the flowchart stays inside GitHub's limits by
collapsing modules to packages, then to services."""

from __future__ import annotations

from lucid_hooks.check_entry_point_imports import EntryRow
from lucid_hooks.report_mermaid import (
    MAX_CHARACTERS,
    MAX_EDGES,
    MODULES,
    PACKAGES,
    SERVICES,
    entry_point_diagram,
)
from lucid_hooks.report_model import EntryReport, Inputs, build_report
from tests.markdown_render import check_github_mermaid_limits, mermaid_edge_count


def no_head(path: str) -> bytes | None:
    return None


def entries_using(files_of: dict[str, list[str]]) -> tuple[EntryReport, ...]:
    """Entry points (origin -> the files each runs), as the report has them."""
    files = sorted({path for used in files_of.values() for path in used})
    index = {path: number for number, path in enumerate(files)}
    rows = [
        EntryRow(origin, tuple(index[path] for path in used), module=origin)
        for origin, used in files_of.items()
    ]
    inputs = Inputs("r", "0", files, (), (), rows, (), files, frozenset(), (), (), no_head, {}, {})
    return build_report(inputs).entry_points


def wide_entries(services: int, packages: int, modules: int) -> tuple[EntryReport, ...]:
    """One entry point per service, each running all its modules."""
    return entries_using(
        {
            f"s{s}/main.py": [
                f"s{s}/p{p}/m{m}.py" for p in range(packages) for m in range(modules)
            ]
            for s in range(services)
        }
    )


def hostile_entries() -> tuple[EntryReport, ...]:
    files = ["x/#35;.py", "x/\udcff.py", "x/é.py", "x/a&lt;b.py", "`**bold**`.py"]
    return entries_using({'a "b" <c> #d;/main.py': files})


def test_small_repository_has_a_node_per_module() -> None:
    diagram = entry_point_diagram(entries_using({"a/main.py": ["a/x.py", "a/y.py"]}))

    assert diagram.level == MODULES
    assert diagram.source.splitlines() == [
        "flowchart LR",
        '    e0(["a/main.py"])',
        '    m0["a/x.py"]',
        '    m1["a/y.py"]',
        "    e0 --> m0",
        "    e0 --> m1",
    ]
    assert diagram.edges == mermaid_edge_count(diagram.source) == 2


def test_too_many_edges_collapse_to_packages_then_services() -> None:
    packages = entry_point_diagram(wide_entries(services=3, packages=10, modules=20))
    services = entry_point_diagram(wide_entries(services=3, packages=200, modules=2))

    assert packages.level == PACKAGES and packages.edges == 30
    assert services.level == SERVICES and services.edges == 3
    for diagram in (packages, services):
        check_github_mermaid_limits(diagram.source)
        assert mermaid_edge_count(diagram.source) == diagram.edges <= MAX_EDGES


def test_too_many_characters_collapse_too() -> None:
    long_names = entries_using(
        {"main.py": [f"pkg/{'long_module_name_' * 10}{n}.py" for n in range(400)]}
    )

    diagram = entry_point_diagram(long_names)

    assert diagram.level == PACKAGES
    assert len(diagram.source) <= MAX_CHARACTERS


def test_no_diagram_when_even_services_are_too_many() -> None:
    diagram = entry_point_diagram(wide_entries(services=MAX_EDGES + 1, packages=1, modules=1))

    assert diagram.source == ""


def test_labels_are_escaped() -> None:
    source = entry_point_diagram(hostile_entries()).source

    assert '(["a #quot;b#quot; #lt;c#gt; #35;d;/main.py"])' in source
    assert '["x/#35;35;.py"]' in source
    assert '["x/\ufffd.py"]' in source
    assert '["x/a#amp;lt;b.py"]' in source
    assert '["#96;**bold**#96;.py"]' in source
    assert all(line.isprintable() for line in source.splitlines())
