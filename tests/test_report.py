"""lucid_hooks.report: `lucid-hooks report` on the demo carries everything the
hand-written seed audit found, and the defects planted since, in Markdown,
JSON (against docs/report.schema.json) and SARIF; on odd trees it still
writes a report."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lucid_hooks.cli import main
from lucid_hooks.report_mermaid import entry_point_diagram
from tests.conftest import PROJECT, demo_repo, init_repo, write_tree
from tests.test_sarif import assert_valid

SCHEMA = PROJECT / "docs" / "report.schema.json"
# The seed audit's entry points, and the local files it said each uses
# (sessions/processor's cannot start as its Dockerfile runs it: LH204/LH507).
SEED_FILES = {
    "vm/main.py": {"vm/vm_manager.py", "vm/__init__.py"},
    "storage/main.py": {"storage/mongodb_volume.py", "storage/__init__.py"},
    "sessions/api/main.py": {"sessions/api/routes.py", "sessions/api/session_api.py"},
    "sessions/pipeline/main.py": {
        "sessions/pipeline/pipeline_manager.py",
        "sessions/pipeline/session_pipeline_manager.py",
        "sessions/pipeline/state_machine.py",
    },
    "sessions/recorder/main.py": {
        "sessions/recorder/session_recorder.py",
        "sessions/recorder/keystroke_monitor.py",
        "sessions/recorder/resource_monitor.py",
        "sessions/recorder/window_focus_monitor.py",
    },
    "sessions/storage/main.py": {
        "sessions/storage/chunk_store.py",
        "sessions/storage/session_storage.py",
        "sessions/storage/session_storage_service.py",
    },
}


class Demo:
    """The demo repository and its reports, each made once for the module."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: dict[tuple[str, ...], str] = {}

    def report(self, *args: str) -> str:
        if args not in self._made:
            self._made[args] = report_text(self.root, *args)
        return self._made[args]


def report_text(root: Path, *args: str) -> str:
    output = root.parent / f"report-{len(os.listdir(root.parent))}.out"
    status = main(["report", str(root), "--output", str(output), *args])
    assert status == 0
    return output.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("report-demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LUCID_HOOKS_CACHE_DIR", str(folder / "cache"))
        yield Demo(demo_repo(folder / "demo"))


@pytest.fixture(scope="module")
def demo_json(demo: Demo) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(demo.report("--format", "json"))
    return document


def test_json_report_follows_its_schema(demo_json: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)

    jsonschema.Draft202012Validator(schema).validate(demo_json)

    assert demo_json["schema_version"] == 1


def test_json_report_carries_the_seed_audit(demo_json: dict[str, Any]) -> None:
    summary = demo_json["summary"]
    assert summary["missing_init_files"] == ["wallet/walletd/__init__.py"]
    assert summary["folders_analysed"] == 7
    services = {service["path"]: service for service in demo_json["services"]}
    assert services["tools"]["exists"] is False
    assert "service `tools`: not found" in demo_json["diagnostics"]
    walletd = [e for e in services["wallet"]["tree"] if e["path"] == "wallet/walletd/__init__.py"]
    assert walletd == [
        {
            "path": "wallet/walletd/__init__.py",
            "depth": 1,
            "folder": False,
            "missing": True,
            "codes": ["LH101"],
        }
    ]
    legacy = demo_json["legacy"]
    duplicates = {finding["path"] for finding in legacy["duplicates"]}
    assert duplicates == {"sessions/session_recorder.py", "sessions/recorder/session_recorder.py"}
    cached = {finding["path"] for finding in legacy["caches"] if finding["code"] == "LH301"}
    assert cached == {
        "sessions/__pycache__/__init__.cpython-311.pyc",
        "sessions/__pycache__/session_recorder.cpython-311.pyc",
    }
    assert legacy["untrack_command"] == "git rm -r --cached -- sessions/__pycache__"
    redundant = {finding["path"] for finding in legacy["redundant_dockerfiles"]}
    assert redundant == {"sessions/pipeline/Dockerfile", "sessions/storage/Dockerfile"}
    # The leftover copy is the one the action deletes.
    commands = {action["code"]: action["command"] for action in demo_json["actions"]}
    assert commands["LH401"] == "git rm -- sessions/session_recorder.py"
    assert commands["LH301"] == legacy["untrack_command"]
    assert commands["LH101"] == "lucid-hooks check --fix --select LH101"


def test_json_report_has_every_entry_point_with_the_files_it_uses(
    demo_json: dict[str, Any],
) -> None:
    by_module = {entry["module"]: entry for entry in demo_json["entry_points"] if entry["module"]}
    for module, used in SEED_FILES.items():
        assert used <= set(by_module[module]["files"]), module
    processor = next(
        e for e in demo_json["entry_points"] if e["origin"] == "sessions/processor/Dockerfile"
    )
    assert processor["command"] == "/usr/bin/python3.13 python3 main.py"
    assert {reason["code"] for reason in processor["verdict"]["reasons"]} == {
        "LH204",
        "LH507",
        "LH509",
    }
    api = by_module["sessions/api/main.py"]
    assert api["image"] == "python:3.12-slim"
    assert api["verdict"]["status"] == "not-distroless"
    assert api["purpose"].startswith("Session API service entry point")
    assert "fastapi" in api["distributions"]
    assert by_module["storage/main.py"]["verdict"]["status"] == "not-in-an-image"
    pipeline = by_module["sessions/pipeline/main.py"]
    assert pipeline["verdict"] == {
        "status": "compliant",
        "summary": "runs on gcr.io/distroless/python3-debian13:nonroot",
        "reasons": [],
    }


def test_json_report_has_the_findings_lucid_hooks_check_reports(
    demo: Demo, demo_json: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """One engine: the report's findings are exactly the hooks' (the planted
    defects included)."""
    os.chdir(demo.root)
    try:
        assert main(["check", "--format", "json"]) == 1
    finally:
        os.chdir(PROJECT)
    checked = json.loads(capsys.readouterr().out)["findings"]

    def key(finding: dict[str, Any]) -> tuple[object, ...]:
        return tuple(finding[field] for field in ("path", "line", "column", "code", "message"))

    assert sorted(map(key, demo_json["findings"])) == sorted(map(key, checked))
    planted = {(f["path"], f["code"]) for f in demo_json["findings"]}
    for expected in (
        ("sessions/processor/Dockerfile", "LH509"),
        ("sessions/recorder/Dockerfile", "LH506"),
        ("user_content/Dockerfile", "LH505"),
        ("vm/Dockerfile", "LH502"),
        ("wallet/Dockerfile", "LH501"),
        ("wallet/wallet_manager.py", "LH206"),
        ("vm/quotas.py", "LH205"),
    ):
        assert expected in planted


def test_actions_come_most_urgent_first(demo_json: dict[str, Any]) -> None:
    priorities = [action["priority"] for action in demo_json["actions"]]
    rank = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}

    assert priorities == sorted(priorities, key=rank.__getitem__)
    assert priorities[0] == "HIGH"
    assert {a["code"] for a in demo_json["actions"] if a["priority"] == "LOW"} >= {"LH301"}


def test_orphans_are_what_nothing_reaches(demo_json: dict[str, Any]) -> None:
    orphans = demo_json["legacy"]["orphans"]

    assert "sessions/session_recorder.py" in orphans  # the leftover copy
    assert "user/user_manager.py" in orphans
    reached = {path for entry in demo_json["entry_points"] for path in entry["files"]}
    assert reached.isdisjoint(orphans)


def test_markdown_report_renders(demo: Demo) -> None:
    from tests.markdown_render import check_tables, mermaid_blocks

    text = demo.report()

    check_tables(text)
    assert text.startswith("# Distroless and package audit: demo\n")
    for heading in ("## Summary", "## Immediate actions", "## Services", "## Entry points"):
        assert f"\n{heading}\n" in text
    assert "| Folders analysed | 7 |" in text
    assert "### ❔ `tools`: not found" in text
    assert "    ├── __init__.py ❌ missing (LH101)" in text or "__init__.py ❌ missing" in text
    (diagram,) = mermaid_blocks(text)
    assert diagram.startswith("flowchart LR\n")
    assert '["sessions/api/routes.py"]' in diagram


@pytest.mark.browser
def test_mermaid_blocks_render_for_real(demo: Demo, tmp_path: Path) -> None:
    """The demo's diagram and one of hostile names, drawn by mermaid-cli in
    one Chromium (a collapsed diagram has the same syntax: nodes and edges)."""
    from tests.markdown_render import (
        find_mermaid_cli,
        mermaid_blocks,
        mermaid_cli_missing_reason,
        render_mermaid_many,
        svg_text,
    )
    from tests.test_report_mermaid import hostile_entries

    cli = find_mermaid_cli()
    if cli is None:
        pytest.skip(mermaid_cli_missing_reason() or "no mermaid-cli")
    (diagram,) = mermaid_blocks(demo.report())
    hostile = entry_point_diagram(hostile_entries()).source

    drawn = render_mermaid_many(cli, [diagram, hostile], tmp_path)

    assert "sessions/api/routes.py" in svg_text(drawn[0])
    assert 'a "b" <c> #d;/main.py' in svg_text(drawn[1])
    assert "x/a&lt;b.py" in svg_text(drawn[1])
    assert "`**bold**`.py" in svg_text(drawn[1])


def test_sarif_report_is_valid_with_the_hooks_fingerprints(demo: Demo) -> None:
    log = json.loads(demo.report("--format", "sarif"))

    assert_valid(log)
    codes = {result["ruleId"] for result in log["runs"][0]["results"]}
    assert {"LH101", "LH401", "LH501"} <= codes


# --- the command -------------------------------------------------------------------


def test_report_goes_to_stdout_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(
        write_tree(tmp_path / "r", {"pkg/__init__.py": "", "pkg/sub/m.py": "X = 1\n"})
    )
    monkeypatch.chdir(repo)

    assert main(["report", "--format", "json"]) == 0

    document = json.loads(capsys.readouterr().out)
    assert document["summary"]["missing_init_files"] == ["pkg/sub/__init__.py"]
    assert not (repo / "pkg" / "sub" / "__init__.py").exists()  # a report never fixes


def test_output_refuses_what_is_not_a_regular_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(write_tree(tmp_path / "r", {"m.py": "X = 1\n"}))
    target = tmp_path / "elsewhere.md"
    target.write_text("keep me\n")
    (repo / "link.md").symlink_to(target)
    (repo / "folder.md").mkdir()
    os.mkfifo(repo / "fifo.md")

    for name, what in (
        ("link.md", "a symlink"),
        ("folder.md", "not a regular file"),
        ("fifo.md", "not a regular file"),
    ):
        assert main(["report", str(repo), "--output", str(repo / name)]) == 2
        assert f"{name}: {what}: not written" in capsys.readouterr().err
    assert target.read_text() == "keep me\n"
    assert (repo / "link.md").is_symlink()
    assert main(["report", str(repo), "--output", ""]) == 2
    assert "an empty path" in capsys.readouterr().err


def test_output_replaces_a_regular_file_and_dash_is_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(write_tree(tmp_path / "r", {"m.py": "X = 1\n"}))
    (repo / "report.md").write_text("old\n")

    assert main(["report", str(repo), "--output", str(repo / "report.md")]) == 0
    assert main(["report", str(repo), "-o", "-"]) == 0

    written = (repo / "report.md").read_text()
    assert written.startswith("# Distroless and package audit")
    assert capsys.readouterr().out == written


def test_unwritable_output_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init_repo(write_tree(tmp_path / "r", {"m.py": "X = 1\n"}))

    status = main(["report", str(repo), "--output", str(tmp_path / "no" / "such" / "r.md")])

    assert status == 2
    assert "cannot write" in capsys.readouterr().err


def test_a_path_that_is_not_a_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_report_of_a_messy_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Syntax errors, binary files, odd names, a broken Dockerfile: a report,
    never a traceback."""
    files: dict[str, str | bytes] = {
        "svc/main.py": '"""Svc | with a pipe `tick` and <b>html</b>."""\nimport nowhere\n',
        "svc/broken.py": "def (:\n",
        "svc/Dockerfile": 'FROM gcr.io/distroless/python3-debian13\nCMD ["main.py"]\n',
        "svc/requirements.txt": "-r missing.txt\n",
        "odd/na|me`s.py": "X = 1\n",
        "odd/binary.py": b"\x00\xff\xfe",
        "tests/test_x.py": "import svc.main\n",
    }
    repo = init_repo(write_tree(tmp_path / "r", files))

    assert main(["report", str(repo)]) == 0

    text = capsys.readouterr().out
    from tests.markdown_render import check_tables

    check_tables(text)
    assert "Svc \\| with a pipe `tick` and \\<b\\>html\\</b\\>." in text
    assert main(["report", str(repo), "--format", "json"]) == 0
    json.loads(capsys.readouterr().out)


def test_services_configured_and_not_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "pyproject.toml": '[tool.lucid-hooks.report]\nservices = ["apps/*", "gone"]\n',
        "apps/a/main.py": "X = 1\n",
        "apps/b/main.py": "X = 1\n",
        "lib/util.py": "X = 1\n",
    }
    repo = init_repo(write_tree(tmp_path / "r", files))

    assert main(["report", str(repo), "--format", "json"]) == 0

    services = json.loads(capsys.readouterr().out)["services"]
    assert [(s["path"], s["exists"], s["configured"]) for s in services] == [
        ("apps/a", True, True),
        ("apps/b", True, True),
        ("gone", False, True),
    ]


def test_unknown_report_setting_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"pyproject.toml": '[tool.lucid-hooks.report]\nservice = ["x"]\n'}
    repo = init_repo(write_tree(tmp_path / "r", files))

    assert main(["report", str(repo)]) == 2
    assert "unknown key 'service' in [tool.lucid-hooks.report]" in capsys.readouterr().err


def test_progress_shows_on_a_terminal_for_a_large_repository(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from lucid_hooks.registry import load_hook
    from lucid_hooks.report import PROGRESS_FROM_FILES, Progress

    hook = load_hook("check-init-files")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    small = Progress.on_terminal(PROGRESS_FROM_FILES - 1)
    small.starting(hook, 1, 5)
    assert capsys.readouterr().err == ""

    large = Progress.on_terminal(PROGRESS_FROM_FILES)
    large.starting(hook, 1, 5)
    large.done()
    assert capsys.readouterr().err == (
        "\r\033[Klucid-hooks report: [1/5] check-init-files\r\033[K"
    )
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    Progress.on_terminal(10**6).starting(hook, 1, 5)
    assert capsys.readouterr().err == ""


def test_a_module_linked_outside_the_repository_shows_nothing_of_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = write_tree(tmp_path / "outside", {"secret.py": '"""The secret plan."""\n'})
    repo = write_tree(tmp_path / "r", {"svc/__init__.py": ""})
    (repo / "svc" / "main.py").symlink_to(outside / "secret.py")
    init_repo(repo)

    assert main(["report", str(repo), "--format", "json"]) == 0

    text = capsys.readouterr().out
    assert "secret plan" not in text
    assert [e["purpose"] for e in json.loads(text)["entry_points"]] == [""]


def test_the_readme_shows_a_real_report_of_the_demo(demo: Demo) -> None:
    """Each line of the README's shortened report is a line of the demo's
    report (`[...]` marks what is left out), in the same order."""
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    start = readme.index("````markdown\n", readme.index("A shortened report of the demo"))
    shown = readme[start + len("````markdown\n") : readme.index("\n````\n", start)]
    report = demo.report().splitlines()

    position = 0
    for line in shown.splitlines():
        if line.strip() in ("[...]", ""):
            continue
        assert line in report[position:], f"not in the demo's report (in order): {line!r}"
        position = report.index(line, position) + 1
