"""lucid_hooks.cli: the umbrella ``lucid-hooks`` command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lucid_hooks import __version__
from lucid_hooks.cli import main
from lucid_hooks.docs import explain, markdown_reference, markdown_table
from lucid_hooks.registry import all_rules, find_rule
from tests.conftest import init_repo, write_tree

PACKAGE_TREE = {"pkg/__init__.py": "", "pkg/sub/m.py": "X = 1\n"}
FINDING = "pkg/sub/__init__.py:1:1: LH101 "


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err.splitlines()


def lh1_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if ": LH1" in line or line.startswith("Created ")]


# --- version, help, rules --------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--version"])

    assert raised.value.code == 0
    assert capsys.readouterr().out == f"lucid-hooks {__version__}\n"


def test_no_command_prints_help_and_is_2(capsys: pytest.CaptureFixture[str]) -> None:
    status = main([])

    assert status == 2
    out = capsys.readouterr().out
    assert "usage: lucid-hooks" in out
    for command in ("check", "rules", "rule"):
        assert command in out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["frobnicate"])

    assert raised.value.code == 2
    assert "frobnicate" in capsys.readouterr().err


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "rules")

    assert status == 0
    rules = all_rules()
    assert len(out) == len(rules)
    for line, rule in zip(out, rules):
        assert line.split()[:2] == [rule.code, rule.name]
        assert rule.summary in line


def test_rules_markdown_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == markdown_reference()

    assert main(["rules", "--format", "markdown-table"]) == 0
    assert capsys.readouterr().out == markdown_table()


def test_rules_json_holds_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0

    rules = json.loads(capsys.readouterr().out)
    assert [rule["code"] for rule in rules] == [rule.code for rule in all_rules()]
    never_imported = next(rule for rule in rules if rule["code"] == "LH212")
    assert never_imported["default"] is False
    assert never_imported["name"] == "requirement-never-imported"
    assert {"summary", "explanation", "fix", "bad", "good", "hook"} <= set(never_imported)


def test_check_takes_the_selection_flags(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, PACKAGE_TREE)

    assert run(capsys, "check", "--ignore", "missing-init-file")[:2] == (0, [])
    status, out, err = run(capsys, "check", "--select", "LH1", "--exit-zero", "--statistics")
    assert (status, out, err) == (0, ["1  LH101  [*] missing-init-file"], [])


@pytest.mark.parametrize("wanted", ["LH101", "missing-init-file", "lh101", " LH101 "])
def test_rule_explains_by_code_or_name(capsys: pytest.CaptureFixture[str], wanted: str) -> None:
    status, out, _ = run(capsys, "rule", wanted)

    rule = find_rule("LH101")
    assert rule is not None
    assert status == 0
    text = "\n".join(out) + "\n"
    assert text == explain(rule)
    assert out[0].startswith("LH101 missing-init-file")
    assert rule.explanation in text
    bad, good = out.index("Bad:"), out.index("Good:")
    assert bad < good
    assert "wallet/walletd/keystore_manager.py" in "\n".join(out[bad:good])
    assert "wallet/walletd/__init__.py" in "\n".join(out[good:])


def test_every_rule_has_a_page(capsys: pytest.CaptureFixture[str]) -> None:
    for rule in all_rules():
        status, out, _ = run(capsys, "rule", rule.code)
        assert status == 0
        assert out[0].startswith(f"{rule.code} {rule.name}")
        assert "Bad:" in out
        assert "Good:" in out


@pytest.mark.parametrize("wanted", ["LH999", "no-such-rule", "Missing-Init-File"])
def test_unknown_rule_is_2(capsys: pytest.CaptureFixture[str], wanted: str) -> None:
    status, out, err = run(capsys, "rule", wanted)

    assert status == 2
    assert out == []
    assert len(err) == 1
    assert "unknown rule" in err[0]
    assert wanted in err[0]


# --- check -----------------------------------------------------------------------


def test_check_outside_git_reports_without_fixing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, PACKAGE_TREE)

    status, out, err = run(capsys, "check")

    assert status == 1
    assert [line for line in out if line.startswith(FINDING)] == [
        FINDING + "package folder `pkg/sub/` has modules but no `__init__.py`"
        " (inside package `pkg/`)"
    ]
    assert not any(line.startswith("Created") for line in out)
    assert err == ["Found 1 finding."]
    assert not (repo / "pkg" / "sub" / "__init__.py").exists()


def test_check_fix_creates_and_second_run_is_clean(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, PACKAGE_TREE)

    status, out, _ = run(capsys, "check", "--fix")

    assert status == 1
    assert "Created pkg/sub/__init__.py" in out
    assert (repo / "pkg" / "sub" / "__init__.py").read_bytes() == b""
    assert run(capsys, "check", "--fix") == (0, [], [])


def test_check_outside_git_sees_every_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {**PACKAGE_TREE, "newpkg/__init__.py": "", "newpkg/sub/x.py": "Y = 2\n"})

    _, out, _ = run(capsys, "check")

    assert [line.split(":")[0] for line in lh1_lines(out)] == [
        "newpkg/sub/__init__.py",
        "pkg/sub/__init__.py",
    ]


def test_check_in_git_sees_tracked_files_only(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, PACKAGE_TREE)
    init_repo(repo)
    write_tree(repo, {"newpkg/__init__.py": "", "newpkg/sub/x.py": "Y = 2\n"})

    status, out, _ = run(capsys, "check")

    assert status == 1
    assert [line.split(":")[0] for line in lh1_lines(out)] == ["pkg/sub/__init__.py"]
    assert not (repo / "pkg" / "sub" / "__init__.py").exists()


def test_check_in_git_fix(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, PACKAGE_TREE)
    init_repo(repo)

    status, out, _ = run(capsys, "check", "--fix")

    assert status == 1
    assert "Created pkg/sub/__init__.py" in out
    assert (repo / "pkg" / "sub" / "__init__.py").exists()


@pytest.mark.parametrize("use_git", [False, True])
def test_check_path_restricts_to_a_folder(
    repo: Path, capsys: pytest.CaptureFixture[str], use_git: bool
) -> None:
    write_tree(
        repo,
        {"a/__init__.py": "", "a/sub/m.py": "X = 1\n", "b/__init__.py": "", "b/sub/m.py": ""},
    )
    if use_git:
        init_repo(repo)

    status, out, _ = run(capsys, "check", "a")

    assert status == 1
    assert [line.split(":")[0] for line in lh1_lines(out)] == ["a/sub/__init__.py"]


def test_check_from_a_subfolder_defaults_to_it(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        repo,
        {"a/__init__.py": "", "a/sub/m.py": "X = 1\n", "b/__init__.py": "", "b/sub/m.py": ""},
    )
    init_repo(repo)
    monkeypatch.chdir(repo / "b")

    status, out, _ = run(capsys, "check")

    assert status == 1
    # Written relative to the current folder, as ruff writes them.
    assert [line.split(":")[0] for line in lh1_lines(out)] == ["sub/__init__.py"]


def test_check_missing_path_is_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, PACKAGE_TREE)

    status, out, err = run(capsys, "check", "missing/path")

    assert status == 2
    assert err == ["lucid-hooks: error: missing/path: no such file or directory"]
    assert out == []


def test_check_outside_path_is_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, PACKAGE_TREE)

    status, _, err = run(capsys, "check", "..")

    assert status == 2
    assert len(err) == 1
    assert "outside the repository" in err[0]


def test_check_json(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, PACKAGE_TREE)

    status = main(["check", "--format", "json"])

    document = json.loads(capsys.readouterr().out)
    assert status == 1
    lh101 = [item for item in document["findings"] if item["code"] == "LH101"]
    assert [(item["path"], item["fixable"], item["fixed"]) for item in lh101] == [
        ("pkg/sub/__init__.py", True, None)
    ]


def test_check_broken_config_is_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {**PACKAGE_TREE, "pyproject.toml": "[tool.lucid-hooks]\nexclude = [\n"})

    status, out, err = run(capsys, "check", "--fix")

    assert status == 2
    assert out == []
    assert len(err) == 1
    assert err[0].startswith("lucid-hooks: error: pyproject.toml: invalid TOML")
    assert not (repo / "pkg" / "sub" / "__init__.py").exists()


def test_check_honours_config_exclude(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {**PACKAGE_TREE, "pyproject.toml": '[tool.lucid-hooks]\nexclude = ["pkg"]\n'})

    assert run(capsys, "check", "--fix") == (0, [], [])
    assert not (repo / "pkg" / "sub" / "__init__.py").exists()


# --- python -m -------------------------------------------------------------------


def test_python_dash_m_version() -> None:
    completed = subprocess.run(
        (sys.executable, "-m", "lucid_hooks", "--version"),
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0
    assert completed.stdout == f"lucid-hooks {__version__}\n"
    assert completed.stderr == ""


# --- one engine: the umbrella gives each hook what the hook itself would get -------


def test_check_on_a_subfolder_agrees_with_each_hook(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lucid_hooks import check_cache_artifacts, check_init_files

    write_tree(repo, {**PACKAGE_TREE, "tools/run.py": "X = 1\n", "tools/__init__.py": ""})
    init_repo(repo)
    write_tree(repo, {"tools/pkg.egg-info/PKG-INFO": "Name: pkg\n", "tools/sub/m.py": "Y = 1\n"})

    _, umbrella, _ = run(capsys, "check", "tools")
    _, caches, _ = run_hook_main(capsys, check_cache_artifacts.main, "--no-fix", "tools")
    _, inits, _ = run_hook_main(capsys, check_init_files.main, "--no-fix", "tools")

    assert [line for line in umbrella if " LH3" in line] == [
        line for line in caches if " LH3" in line
    ]
    assert any("tools/pkg.egg-info/PKG-INFO:1:1: LH301" in line for line in umbrella)
    assert [line for line in umbrella if " LH1" in line] == [
        line for line in inits if " LH1" in line
    ]


def run_hook_main(capsys: pytest.CaptureFixture[str], main, *args: str):  # type: ignore[no-untyped-def]
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err.splitlines()


def test_check_lists_the_tracked_files_once(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lucid_hooks import git

    write_tree(repo, {**PACKAGE_TREE, "Dockerfile": "FROM scratch\n", "a/__pycache__/x.pyc": b""})
    init_repo(repo)
    calls: list[str] = []
    real = git.tracked_files

    def counted(root: str) -> list[str] | None:
        calls.append(root)
        return real(root)

    monkeypatch.setattr(git, "tracked_files", counted)

    status, out, _ = run(capsys, "check")

    assert status == 1
    assert {line.split(": ")[1].split()[0] for line in out if ": LH" in line} == {
        "LH101",
        "LH301",
        "LH302",
    }
    assert calls == [str(repo)]


def test_check_without_paths_gives_each_hook_the_files_of_its_identify_types(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lucid_hooks import runner

    write_tree(repo, {"pkg/__init__.py": "", "real/m.py": "X = 1\n", "pkg/s.pyi": ""})
    write_tree(repo, {"Dockerfile": "FROM scratch\n", "notes.txt": "", "data.bin": b"\0"})
    (repo / "pkg" / "linked.py").symlink_to(repo / "real" / "m.py")
    init_repo(repo)
    given: dict[str, list[str]] = {}
    real_run = runner.Invocation.run

    def record(self, hook, files, folders, options, *, fix):
        given[hook.id] = sorted(files)
        return real_run(self, hook, files, folders, options, fix=fix)

    monkeypatch.setattr(runner.Invocation, "run", record)

    run(capsys, "check")

    # As pre-commit's types: [file] drops the symlink; .pyi is of types_or.
    assert given["check-init-files"] == ["pkg/__init__.py", "pkg/s.pyi", "real/m.py"]
    assert given["check-duplicate-modules"] == ["Dockerfile", "pkg/__init__.py", "real/m.py"]
    everything = ["Dockerfile", "data.bin", "notes.txt", "pkg/__init__.py", "pkg/linked.py"]
    assert given["check-cache-artifacts"] == [*everything, "pkg/s.pyi", "real/m.py"]


def test_check_reads_dash_names_as_paths(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"-d/__init__.py": "", "pkg/__init__.py": "", "pkg/-x/m.py": "X = 1\n"})

    status, out, err = run(capsys, "check", "pkg", "-d")

    assert (status, err) == (1, ["Found 2 findings."])
    # `-d` holds an `__init__.py` but can never be imported: LH104 too.
    assert [line.split(": ")[1].split(" ")[0] for line in out] == ["LH104", "LH104"]
    assert any(line.startswith("pkg/-x/__init__.py:1:1: LH104") for line in out)


def test_show_fixes_lists_the_fixes_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {**PACKAGE_TREE, "pkg/other/n.py": "Y = 2\n", "pkg/bad/o.py": "Z = 3\n"}
    repo = init_repo(write_tree(tmp_path / "r", files))
    monkeypatch.chdir(repo / "pkg")

    status, _, err = run(capsys, "check", "--fix", "--show-fixes", "--select", "LH101")

    assert status == 1
    assert err == [
        "Found 3 findings (3 fixed, 0 remaining).",
        "Fixed 3 findings:",
        "- bad/__init__.py:",
        "    1 \u00d7 LH101 (missing-init-file)",
        "- other/__init__.py:",
        "    1 \u00d7 LH101 (missing-init-file)",
        "- sub/__init__.py:",
        "    1 \u00d7 LH101 (missing-init-file)",
    ]
    status, _, err = run(capsys, "check", "--show-fixes")
    assert (status, err) == (0, [])
