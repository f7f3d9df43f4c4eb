"""lucid_hooks.report_model: the report as data, built from findings and
entry rows alone."""

from __future__ import annotations

from collections.abc import Sequence

from lucid_hooks.check_entry_point_imports import EntryRow
from lucid_hooks.findings import Finding
from lucid_hooks.report_model import (
    COMPLIANT,
    HIGH,
    LOW,
    MEDIUM,
    NOT_COMPLIANT,
    NOT_DISTROLESS,
    NOT_IN_IMAGE,
    Inputs,
    Report,
    build_report,
    priority_of,
)

DISTROLESS = "gcr.io/distroless/python3-debian13:nonroot"


def finding(path: str, code: str, message: str = "m", hook: str = "h", line: int = 1) -> Finding:
    made = Finding(path, code, message, line=line)
    made.hook = hook
    return made


def report_of(
    files: Sequence[str],
    findings: Sequence[Finding] = (),
    entries: Sequence[EntryRow] = (),
    *,
    reports: Sequence[tuple[str, int, int, str, str, tuple[int, ...]]] = (),
    services: Sequence[str] = (),
    orphans: Sequence[str] = (),
    messages: Sequence[str] = (),
    heads: dict[str, bytes] | None = None,
) -> Report:
    return build_report(
        Inputs(
            repository="r",
            version="0",
            files=files,
            findings=findings,
            messages=messages,
            entries=entries,
            reports=reports,
            analysed=files,
            dockerfiles=frozenset(path for path in files if path.endswith("Dockerfile")),
            services=services,
            orphans=orphans,
            head=(heads or {}).get,
            rule_names={},
            rule_titles={},
        )
    )


# --- services -----------------------------------------------------------------------


def test_default_services_hold_an_entry_point_or_a_dockerfile() -> None:
    files = ["a/Dockerfile", "b/x/main.py", "c/lib.py", "top.py"]
    entry = EntryRow("b/x/main.py", (1,), module="b/x/main.py", assumed=True)

    report = report_of(files, entries=[entry])

    assert [service.path for service in report.services] == ["a", "b"]
    assert report.services[1].entry_points == (0,)
    assert all(not service.configured for service in report.services)


def test_configured_globs_are_anchored_and_topmost() -> None:
    files = ["wallet/a.py", "user_content/wallet/b.py", "apps/x/m.py", "apps/x/y/n.py"]

    report = report_of(files, services=["wallet", "apps/*", "tools"])

    assert [(s.path, s.exists) for s in report.services] == [
        ("apps/x", True),
        ("wallet", True),
        ("tools", False),
    ]
    assert report.diagnostics == ("service `tools`: not found",)
    assert report.summary.folders_analysed == 3
    assert report.summary.compliant_folders == 2
    assert report.summary.compliance_percent == 66.7


def test_tree_marks_findings_and_missing_init_files() -> None:
    files = ["w/__init__.py", "w/d/m.py", "w/notes.txt", "w/requirements.txt"]
    findings = [
        finding("w/d/__init__.py", "LH101"),
        finding("w/d/m.py", "LH205"),
        finding("w/d/m.py", "LH206"),
    ]

    (service,) = report_of(files, findings, services=["w"]).services

    assert [(e.path, e.depth, e.folder, e.missing, e.codes) for e in service.tree] == [
        ("w/__init__.py", 0, False, False, ()),
        ("w/requirements.txt", 0, False, False, ()),
        ("w/d", 0, True, False, ()),
        ("w/d/__init__.py", 1, False, True, ("LH101",)),
        ("w/d/m.py", 1, False, False, ("LH205", "LH206")),
    ]
    assert service.requirements == ("w/requirements.txt",)
    assert not service.compliant and service.findings == 3


def test_a_huge_service_tree_is_cut() -> None:
    files = [f"s/m{number:04}.py" for number in range(450)]

    (service,) = report_of(files, services=["s"]).services

    assert len(service.tree) == 200
    assert service.tree_left_out == 250


# --- entry points and verdicts ---------------------------------------------------


def entry(**fields: object) -> EntryRow:
    base: dict[str, object] = {"origin": "s/Dockerfile", "reached": (0,), "line": 3}
    base.update(fields)
    return EntryRow(**base)  # type: ignore[arg-type]


def test_verdicts() -> None:
    files = ["s/main.py", "s/Dockerfile", "t/main.py"]
    rows = [
        entry(dockerfile="s/Dockerfile", image=DISTROLESS, module="s/main.py"),
        entry(dockerfile="s/Dockerfile", image="python:3.12-slim"),
        entry(origin="t/main.py", reached=(2,), module="t/main.py"),
        entry(dockerfile="s/Dockerfile", image=DISTROLESS),
    ]
    broken = finding("s/main.py", "LH201", "no module", hook="check-entry-point-imports")
    reports = [("s/main.py", 1, 1, "LH201", "no module", (3,))]

    report = report_of(files, [broken], rows, reports=reports)

    verdicts = [e.verdict.status for e in report.entry_points]
    assert verdicts == [COMPLIANT, NOT_DISTROLESS, NOT_IN_IMAGE, NOT_COMPLIANT]
    assert report.entry_points[3].verdict.reasons[0].code == "LH201"
    assert report.entry_points[0].verdict.reasons == ()
    assert dict(report.summary.verdicts) == {
        COMPLIANT: 1,
        NOT_COMPLIANT: 1,
        NOT_DISTROLESS: 1,
        NOT_IN_IMAGE: 1,
    }


def test_an_ignored_report_is_no_reason() -> None:
    """Only findings that survived the ignores count: the analysis row of an
    ignored one is not a reason."""
    rows = [entry(dockerfile="s/Dockerfile", image=DISTROLESS)]
    reports = [("s/main.py", 1, 1, "LH201", "no module", (0,))]

    (made,) = report_of(["s/main.py"], [], rows, reports=reports).entry_points

    assert made.verdict.status == COMPLIANT


def test_the_dockerfiles_findings_are_reasons_and_unused_requirements_are_not() -> None:
    rows = [entry(dockerfile="s/Dockerfile", image=DISTROLESS)]
    findings = [
        finding("s/Dockerfile", "LH505", hook="check-distroless"),
        finding("s/Dockerfile", "LH404", hook="check-duplicate-modules"),
        finding("s/requirements.txt", "LH212", "unused", hook="check-entry-point-imports"),
    ]
    reports = [("s/requirements.txt", 1, 1, "LH212", "unused", (0,))]

    (made,) = report_of(["s/Dockerfile"], findings, rows, reports=reports).entry_points

    assert [reason.code for reason in made.verdict.reasons] == ["LH505"]


def test_purpose_is_the_first_docstring_line() -> None:
    heads = {
        "a.py": b'#!/usr/bin/env python\n# c\n"""\n  Runs the thing.\n\nMore."""\n',
        "b.py": b"import os\n",
        "c.py": b"r'''raw \\d'''\n",
        "d.py": b'"""unterminated\n',
        "e.py": b"\xff\xfe",
    }
    rows = [entry(origin=path, module=path, reached=()) for path in heads]

    report = report_of(list(heads), entries=rows, heads=heads)

    purposes = [e.purpose for e in report.entry_points]
    assert purposes == ["Runs the thing.", "", "raw \\d", "", ""]


# --- legacy, actions ---------------------------------------------------------------


def test_legacy_and_its_count() -> None:
    findings = [
        finding("a.py", "LH401", "same code as `b.py`, the leftover (x): delete that copy"),
        finding("b.py", "LH401", "same code as `a.py`: this is the leftover (x); delete it"),
        finding("c.py", "LH401", "same code as `d.py`: keep one"),
        finding("d.py", "LH401", "same code as `c.py`: keep one"),
        finding("e.py", "LH401", "same code as `c.py`: keep one"),
        finding("p/__pycache__/m.pyc", "LH301"),
        finding(".gitignore", "LH302"),
        finding("x/Dockerfile", "LH404", "same instructions as `y/Dockerfile`: ..."),
        finding("y/Dockerfile", "LH404", "same instructions as `x/Dockerfile`: ..."),
    ]
    untrack = "To untrack ..., run at the repository root: git rm -r --cached -- p/__pycache__"

    report = report_of([], findings, orphans=["o.py"], messages=[untrack])

    legacy = report.legacy
    assert legacy.untrack_command == "git rm -r --cached -- p/__pycache__"
    # b.py; d.py and e.py (c.py kept); the .pyc; one Dockerfile; the orphan.
    assert legacy.leftover_files() == 1 + 2 + 1 + 1 + 1
    commands = {action.code: action.command for action in report.actions}
    assert commands["LH401"] == "git rm -- b.py"
    assert commands["LH301"] == "git rm -r --cached -- p/__pycache__"
    assert report.actions[-1].name == "orphan-module"


def test_actions_are_ordered_and_list_few_findings_whole() -> None:
    findings = [
        *(finding(f"m{n}.py", "LH206", line=n) for n in range(1, 8)),
        finding("pkg/__init__.py", "LH101"),
        finding("a.py", "LH402"),
        finding(".gitignore", "LH302"),
    ]
    findings[-3].fix = lambda: "made"

    actions = report_of([], findings).actions

    assert [(a.priority, a.code) for a in actions] == [
        (HIGH, "LH101"),
        (HIGH, "LH206"),
        (MEDIUM, "LH402"),
        (LOW, "LH302"),
    ]
    assert actions[0].command == "lucid-hooks check --fix --select LH101"
    assert actions[1].command == "lucid-hooks rule LH206"
    assert actions[1].items == () and len(actions[1].paths) == 7
    assert [item.path for item in actions[2].items] == ["a.py"]


def test_priorities() -> None:
    assert [priority_of(code) for code in ("LH001", "LH101", "LH212", "LH301", "LH404")] == [
        HIGH,
        HIGH,
        LOW,
        LOW,
        MEDIUM,
    ]
    assert priority_of("LH505") == HIGH and priority_of("LH601") == HIGH
