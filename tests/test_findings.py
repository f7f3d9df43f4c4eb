"""lucid_hooks.findings (output formats, inline suppressions) and lucid_hooks.runner."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from lucid_hooks.config import Config
from lucid_hooks.findings import Finding, LineReader, is_suppressed, render, suppressed_codes
from lucid_hooks.registry import FileSelection, Hook
from lucid_hooks.runner import HookContext, execute, run_hook
from lucid_hooks.safe_writes import create_empty_file
from tests.conftest import write_tree

if TYPE_CHECKING:
    from collections.abc import Callable

JSON_FIELDS = {"path", "line", "column", "code", "name", "message", "fixable", "fixed", "hook"}


def noop_fix() -> str | None:
    return "done"


def sample_findings() -> list[Finding]:
    return [
        Finding("b.py", "LH101", "third", line=3, column=2),
        Finding("a.py", "LH102", "second", line=10),
        Finding("a.py", "LH101", "first", line=2, fix=noop_fix),
    ]


# --- text ------------------------------------------------------------------------


def test_text_format_is_sorted_path_line_col_code_message() -> None:
    text = render(sample_findings(), ["Created x/__init__.py"], "text")

    assert text.splitlines() == [
        "a.py:2:1: LH101 first",
        "a.py:10:1: LH102 second",
        "b.py:3:2: LH101 third",
        "Created x/__init__.py",
    ]
    assert text.endswith("\n")


def test_text_format_sorts_same_place_by_code() -> None:
    findings = [Finding("a.py", "LH104", "z"), Finding("a.py", "LH001", "y")]

    assert render(findings, [], "text").splitlines() == [
        "a.py:1:1: LH001 y",
        "a.py:1:1: LH104 z",
    ]


def test_text_format_empty_is_empty() -> None:
    assert render([], [], "text") == ""


def test_text_format_escapes_newlines_in_paths_and_messages() -> None:
    findings = [Finding("odd\nname/x.py", "LH101", "about `odd\nname/`\r!")]

    text = render(findings, ["Created odd\nname/__init__.py"], "text")

    assert text.splitlines() == [
        "odd\\nname/x.py:1:1: LH101 about `odd\\nname/`\\r!",
        "Created odd\\nname/__init__.py",
    ]


def test_text_format_keeps_other_odd_names() -> None:
    path = "with space/[x] $y=z ü.py"

    assert render([Finding(path, "LH101", "m")], [], "text") == f"{path}:1:1: LH101 m\n"


def test_text_format_escapes_undecodable_bytes() -> None:
    path = os.fsdecode(b"pkg/\xff.py")

    text = render([Finding(path, "LH101", "m")], [], "text")

    assert text == "pkg/\\xff.py:1:1: LH101 m\n"
    text.encode("utf-8")


# --- json ------------------------------------------------------------------------


def test_json_format() -> None:
    findings = sample_findings()
    findings[0].fixed = "Created b/__init__.py"

    document = json.loads(render(findings, ["Created b/__init__.py"], "json"))

    assert set(document) == {"findings", "messages"}
    assert document["messages"] == ["Created b/__init__.py"]
    assert [set(item) for item in document["findings"]] == [JSON_FIELDS] * 3
    first, second, third = document["findings"]
    assert first == {
        "path": "a.py",
        "line": 2,
        "column": 1,
        "code": "LH101",
        "name": "missing-init-file",
        "message": "first",
        "fixable": True,
        "fixed": None,
        "hook": None,
    }
    assert (second["line"], second["code"], second["fixable"]) == (10, "LH102", False)
    assert second["name"] == "missing-intermediate-init-file"
    assert (third["path"], third["column"], third["fixed"]) == ("b.py", 2, "Created b/__init__.py")


def test_json_format_empty() -> None:
    assert json.loads(render([], [], "json")) == {"findings": [], "messages": []}


def test_json_format_unknown_code_has_empty_name() -> None:
    document = json.loads(render([Finding("a.py", "LH998", "m")], [], "json"))

    assert document["findings"][0]["name"] == ""


def test_json_format_odd_paths_round_trip() -> None:
    findings = [
        Finding("new\nline.py", "LH101", 'a "quoted"\nmessage'),
        Finding(os.fsdecode(b"\xff.py"), "LH101", "m"),
        Finding("ü [x].py", "LH101", "m"),
    ]

    text = render(findings, [], "json")
    document = json.loads(text)

    paths = [item["path"] for item in document["findings"]]
    assert paths == ["new\nline.py", "ü [x].py", "\\xff.py"]
    assert document["findings"][0]["message"] == 'a "quoted"\nmessage'
    text.encode("utf-8")


# --- github ----------------------------------------------------------------------


def test_github_format() -> None:
    findings = sample_findings()
    findings[2].fixed = "Created a/__init__.py"  # a.py:2, the first once sorted

    lines = render(findings, ["Created a/__init__.py"], "github").splitlines()

    assert lines == [
        "::warning file=a.py,line=2,col=1,title=LH101::first",
        "::error file=a.py,line=10,col=1,title=LH102::second",
        "::error file=b.py,line=3,col=2,title=LH101::third",
        "::notice::Created a/__init__.py",
    ]


def test_github_format_escapes_properties_and_data() -> None:
    findings = [Finding("a,b:c%d.py", "LH101", "100% sure\r\nnext line")]

    lines = render(findings, ["50%\nmore"], "github").splitlines()

    assert len(lines) == 2
    finding_line, notice = lines
    properties, _, data = finding_line.partition("::")[2].partition("::")
    assert properties == "error file=a%2Cb%3Ac%25d.py,line=1,col=1,title=LH101"
    assert data.startswith("100%25 sure")
    assert "next line" in data
    assert "%" not in data.replace("%25", "").replace("%0D", "").replace("%0A", "")
    assert notice.startswith("::notice::50%25")


def test_github_format_path_with_newline_is_one_line() -> None:
    lines = render([Finding("x\ny.py", "LH101", "m")], [], "github").splitlines()

    assert len(lines) == 1
    assert lines[0].endswith("::m")


# --- suppressions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"x = 1  # lucid: ignore[LH101]", ("LH101",)),
        (b"x = 1  #lucid:ignore[LH101]", ("LH101",)),
        (b"x  # lucid: ignore[LH101,LH302]", ("LH101", "LH302")),
        (b"x  # lucid: ignore[ LH101 , LH302 ]", ("LH101", "LH302")),
        (b"x  # lucid: ignore[LH101 LH302]", ("LH101", "LH302")),
        (b"# lucid: ignore[LH1]", ("LH1",)),
        (b"# lucid: ignore[lh101, Lh2]", ("LH101", "LH2")),
        (b"x  # lucid: ignore[LH101]\r", ("LH101",)),
        (b"\xff\x00 binary # lucid: ignore[LH3]", ("LH3",)),
        (b"x = 1", ()),
        (b"", ()),
        (b"# lucid: ignore", ()),
        (b"# lucid: ignore[]", ()),
        (b"# lucid: ignore[LH101", ()),
        (b"# noqa: LH101", ()),
        (b"# lucid ignore[LH101]", ()),
    ],
)
def test_suppressed_codes(line: bytes, expected: tuple[str, ...]) -> None:
    assert suppressed_codes(line) == expected


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        ("# lucid: ignore[LH101]", True),
        ("# lucid: ignore[LH1]", True),
        ("# lucid: ignore[LH10]", True),
        ("# lucid: ignore[lh101]", True),
        ("# lucid: ignore[LH3, LH101]", True),
        ("# lucid: ignore[LH102]", False),
        ("# lucid: ignore[LH2]", False),
        ("# lucid: ignore[LH1011]", False),
        ("# lucid: ignore[missing-init-file]", True),
        ("# lucid: ignore[LH3, missing-init-file]", True),
        ("# lucid: ignore[invalid-package-folder-name]", False),
        ("# lucid: ignore[no-such-rule]", False),
        ("", False),
    ],
)
def test_is_suppressed_by_code_or_prefix(tmp_path: Path, comment: str, suppressed: bool) -> None:
    write_tree(tmp_path, {"m.py": f"import os\nx = 1  {comment}\n"})
    reader = LineReader(str(tmp_path))

    assert is_suppressed(Finding("m.py", "LH101", "m", line=2), reader) is suppressed


def test_is_suppressed_only_on_the_findings_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"m.py": "# lucid: ignore[LH101]\nx = 1\n"})
    reader = LineReader(str(tmp_path))

    assert is_suppressed(Finding("m.py", "LH101", "m", line=1), reader)
    assert not is_suppressed(Finding("m.py", "LH101", "m", line=2), reader)
    assert not is_suppressed(Finding("m.py", "LH101", "m", line=3), reader)
    assert not is_suppressed(Finding("gone.py", "LH101", "m", line=1), reader)


# --- LineReader ------------------------------------------------------------------


def test_line_reader_reads_lines(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": b"first\r\nsecond\r\nthird", "odd\nname [x].py": "only\n"})
    reader = LineReader(str(tmp_path))

    assert reader("a.py", 1) == b"first"
    assert reader("a.py", 2) == b"second"
    assert reader("a.py", 3) == b"third"
    assert reader("a.py", 0) is None
    assert reader("a.py", 4) is None
    assert reader("odd\nname [x].py", 1) == b"only"


def test_line_reader_binary_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"blob.pyc": b"\x00\x01\xff\xfe\n\x89PNG\r\n\x1a\n"})
    reader = LineReader(str(tmp_path))

    assert reader("blob.pyc", 1) == b"\x00\x01\xff\xfe"
    assert reader("blob.pyc", 2) == b"\x89PNG"
    assert not is_suppressed(Finding("blob.pyc", "LH301", "m"), reader)


def test_line_reader_missing_folder_and_dangling_link(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    reader = LineReader(str(tmp_path))

    assert reader("missing.py", 1) is None
    assert reader("folder", 1) is None
    assert reader("dangling.py", 1) is None
    assert reader("missing/deeper.py", 1) is None


def test_line_reader_reads_each_file_once_up_to_the_deepest_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "one\ntwo\nthree\n"})
    findings = [Finding("a.py", "LH101", "m", line=2), Finding("a.py", "LH101", "m", line=1)]
    reader = LineReader(str(tmp_path), findings)

    assert reader("a.py", 1) == b"one"
    (tmp_path / "a.py").unlink()

    assert reader("a.py", 2) == b"two"
    assert reader("a.py", 3) is None  # never read: no finding reaches it


def test_line_reader_keeps_only_the_start_of_a_huge_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"blob": b"x" * (3 * LineReader.LINE_LIMIT) + b"\nsecond\n"})
    reader = LineReader(str(tmp_path), [Finding("blob", "LH301", "m", line=2)])

    assert reader("blob", 1) == b"x" * LineReader.LINE_LIMIT
    assert reader("blob", 2) == b"second"


# --- runner.execute --------------------------------------------------------------


def marker_finder(
    plan: dict[str, str], *, line: int = 2
) -> Callable[[HookContext], list[Finding]]:
    """A check that reports every passed file listed in ``plan`` and fixes it
    by creating the empty file ``plan[path]``."""

    def find(context: HookContext) -> list[Finding]:
        findings = []
        for path in context.files:
            if path not in plan:
                continue
            target = plan[path]

            def fix(target: str = target) -> str | None:
                created = create_empty_file(context.root, target)
                return f"Created {target}" if created else None

            findings.append(Finding(path, "LH101", f"{path} wants {target}", line=line, fix=fix))
        return findings

    return find


def context_for(root: Path, files: list[str], config: Config | None = None) -> HookContext:
    return HookContext(
        root=str(root),
        is_git=False,
        files=files,
        folders=[],
        config=config or Config(),
        options={},
    )


def test_execute_fixes_and_reports(tmp_path: Path) -> None:
    write_tree(tmp_path, {"b.py": "x = 1\ny = 2\n", "a.py": "x = 1\ny = 2\n"})
    find = marker_finder({"a.py": "a.done", "b.py": "b.done"})

    findings, messages = execute(find, context_for(tmp_path, ["b.py", "a.py"]), fix=True)

    assert [(f.path, f.fixed) for f in findings] == [
        ("a.py", "Created a.done"),
        ("b.py", "Created b.done"),
    ]
    assert messages == ["Created a.done", "Created b.done"]
    assert (tmp_path / "a.done").read_bytes() == b""
    assert (tmp_path / "b.done").exists()


def test_execute_without_fix_changes_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "x = 1\ny = 2\n"})
    find = marker_finder({"a.py": "a.done"})

    findings, messages = execute(find, context_for(tmp_path, ["a.py"]), fix=False)

    assert [(f.path, f.fixed) for f in findings] == [("a.py", None)]
    assert messages == []
    assert not (tmp_path / "a.done").exists()


def test_execute_inline_suppression_drops_finding_and_fix(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "quiet.py": "import os\nx = 1  # lucid: ignore[LH101]\n",
            # The comment sits on another line than the finding: no effect.
            "loud.py": "# lucid: ignore[LH101]\nx = 1\n",
        },
    )
    find = marker_finder({"quiet.py": "quiet.done", "loud.py": "loud.done"})

    findings, messages = execute(find, context_for(tmp_path, ["quiet.py", "loud.py"]), fix=True)

    assert [f.path for f in findings] == ["loud.py"]
    assert messages == ["Created loud.done"]
    assert not (tmp_path / "quiet.done").exists()
    assert (tmp_path / "loud.done").exists()


@pytest.mark.parametrize(
    "section",
    [
        {"per-file-ignores": {"tests/*": ["LH1"]}},
        {"per-file-ignores": {"*.py": ["LH101"]}},
        {"ignore": ["LH10"]},
    ],
)
def test_execute_config_ignore_drops_finding_and_its_fix(
    tmp_path: Path, section: dict[str, object]
) -> None:
    write_tree(tmp_path, {"tests/c.py": "x = 1\ny = 2\n"})
    find = marker_finder({"tests/c.py": "tests/c.done"})

    findings, messages = execute(
        find, context_for(tmp_path, ["tests/c.py"], Config(section)), fix=True
    )

    assert (findings, messages) == ([], [])
    assert not (tmp_path / "tests" / "c.done").exists()


def test_execute_per_file_ignore_is_specific(tmp_path: Path) -> None:
    write_tree(tmp_path, {"tests/c.py": "x\ny\n", "src/c.py": "x\ny\n"})
    find = marker_finder({"tests/c.py": "tests/c.done", "src/c.py": "src/c.done"})
    config = Config({"per-file-ignores": {"tests/*": ["LH1"]}})

    findings, _ = execute(
        find, context_for(tmp_path, ["tests/c.py", "src/c.py"], config), fix=True
    )

    assert [f.path for f in findings] == ["src/c.py"]
    assert (tmp_path / "src" / "c.done").exists()
    assert not (tmp_path / "tests" / "c.done").exists()


def test_execute_lost_race_drops_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "x\ny\n", "a.done": "made by another process\n"})
    find = marker_finder({"a.py": "a.done"})

    findings, messages = execute(find, context_for(tmp_path, ["a.py"]), fix=True)

    assert (findings, messages) == ([], [])
    assert (tmp_path / "a.done").read_text(encoding="utf-8") == "made by another process\n"


def test_execute_failed_fix_keeps_finding_and_says_why(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "x\ny\n", "b.py": "x\ny\n"})
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (tmp_path / "linked").symlink_to(outside, target_is_directory=True)
    find = marker_finder({"a.py": "no-such-folder/a.done", "b.py": "linked/b.done"})

    findings, messages = execute(find, context_for(tmp_path, ["a.py", "b.py"]), fix=True)

    assert [(f.path, f.fixed) for f in findings] == [("a.py", None), ("b.py", None)]
    assert len(messages) == 2
    assert messages[0].startswith("Not fixed a.py: ")
    assert "No such file" in messages[0]
    assert messages[1].startswith("Not fixed b.py: ")
    assert "symlink" in messages[1]
    assert os.listdir(outside) == []


def test_execute_keeps_findings_without_fix(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "x\n"})

    def find(context: HookContext) -> list[Finding]:
        return [Finding("a.py", "LH103", "rename something")]

    findings, messages = execute(find, context_for(tmp_path, ["a.py"]), fix=True)

    assert [(f.code, f.fixed) for f in findings] == [("LH103", None)]
    assert messages == []


def test_hook_context_drops_excluded_paths(tmp_path: Path) -> None:
    context = HookContext(
        root=str(tmp_path),
        is_git=False,
        files=["build/x.py", "a.py", ".git/config", "src/build"],
        folders=["build", "src", "node_modules"],
        config=Config({"exclude": ["build"]}),
        options={},
    )

    assert context.files == ["a.py"]
    assert context.folders == ["src"]
    assert context.absolute("a.py") == os.path.join(str(tmp_path), "a.py")
    assert context.absolute("") == str(tmp_path)


# --- runner.run_hook -------------------------------------------------------------


def find_todos(context: HookContext) -> list[Finding]:
    findings = []
    for path in context.files:
        with open(context.absolute(path), "rb") as file:
            for number, line in enumerate(file.read().splitlines(), start=1):
                column = line.find(b"TODO")
                if column >= 0:
                    findings.append(
                        Finding(path, "LH101", "a TODO", line=number, column=column + 1)
                    )
    return findings


TODO_HOOK = Hook(
    id="todo-hook",
    name="find TODOs",
    description="finds TODOs",
    rules=(),
    options=(),
    selection=FileSelection(types_or=("python",)),
    find=find_todos,
)


def test_run_hook_clean_is_0(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"a.py": "x = 1\n"})

    assert run_hook(TODO_HOOK, ["a.py"]) == 0
    assert capsys.readouterr().out == ""


def test_run_hook_findings_are_1(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"a.py": "x = 1\n  # TODO\n", "odd\nname.py": "TODO # lucid: ignore[LH1]\n"})

    status = run_hook(TODO_HOOK, ["a.py", "./a.py", "odd\nname.py"])

    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == "a.py:2:5: LH101 a TODO\n"
    assert captured.err == "Found 1 finding.\n"


def test_run_hook_missing_and_outside_paths_are_2(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"a.py": "# TODO\n"})

    status = run_hook(TODO_HOOK, ["gone\n.py", "a.py", "../elsewhere.py"])

    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == "a.py:1:3: LH101 a TODO\n"
    assert captured.err.splitlines() == [
        "todo-hook: error: gone\\n.py: no such file or directory",
        f"todo-hook: error: ../elsewhere.py: outside the repository {repo}",
    ]


@pytest.mark.parametrize("output_format", ["json", "github"])
def test_run_hook_formats(
    repo: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    write_tree(repo, {"a.py": "# TODO\n"})

    status = run_hook(TODO_HOOK, ["--format", output_format, "a.py"])

    out = capsys.readouterr().out
    assert status == 1
    if output_format == "json":
        assert json.loads(out)["findings"][0]["path"] == "a.py"
    else:
        assert out == "::error file=a.py,line=1,col=3,title=LH101::a TODO\n"


def test_run_hook_bad_format_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        run_hook(TODO_HOOK, ["--format", "xml"])

    assert raised.value.code == 2
    assert "xml" in capsys.readouterr().err


def test_github_format_escapes_newlines_in_file_and_message_as_github_decodes_them() -> None:
    findings = [Finding("odd\nname/x%.py", "LH101", "about `odd\nname/`\r")]

    lines = render(findings, ["Created odd\nname/__init__.py"], "github").splitlines()

    assert lines == [
        "::error file=odd%0Aname/x%25.py,line=1,col=1,title=LH101::about `odd%0Aname/`%0D",
        "::notice::Created odd%0Aname/__init__.py",
    ]


def test_github_format_keeps_tabs_and_marks_undecodable_bytes() -> None:
    path = os.fsdecode(b"tab\tbed/\xff.py")

    (line,) = render([Finding(path, "LH101", "m")], [], "github").splitlines()

    assert line == "::error file=tab\tbed/\\xff.py,line=1,col=1,title=LH101::m"
    line.encode("utf-8")
