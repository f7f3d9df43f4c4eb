"""check-cache-artifacts: committed caches, the .gitignore fix, the untrack command."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lucid_hooks import check_cache_artifacts
from lucid_hooks.check_cache_artifacts import (
    CACHE_PATTERNS,
    CachePattern,
    Scanner,
    git_rm_command,
    main,
    shell_quote,
)
from lucid_hooks.cli import main as lucid_hooks_main
from lucid_hooks.globs import check_ignore_glob
from lucid_hooks.snapshot import Snapshot
from tests.conftest import GIT_ENV, SUMMARY, git, init_repo, isolate_git_config, write_tree

PROJECT = Path(__file__).resolve().parents[1]
# The end-to-end fixtures: one PRE_COMMIT_HOME and hook snapshot per session.
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names and shell")
UNTRACK_PREFIX = "To untrack the committed cache artifacts"

# One committed example per default pattern: (path, pattern, what git rm gets).
DEFAULT_CASES = [
    ("pkg/__pycache__/m.cpython-311.pyc", "__pycache__/", "pkg/__pycache__"),
    ("legacy/m.pyc", "*.pyc", "legacy/m.pyc"),
    ("legacy/m.pyo", "*.pyo", "legacy/m.pyo"),
    ("jython/Foo$py.class", "*$py.class", "jython/Foo$py.class"),
    (".pytest_cache/v/cache/nodeids", ".pytest_cache/", ".pytest_cache"),
    (".mypy_cache/3.11/pkg/m.data.json", ".mypy_cache/", ".mypy_cache"),
    (".ruff_cache/0.6.9/123456", ".ruff_cache/", ".ruff_cache"),
    (".tox/py311/log/1-commands.log", ".tox/", ".tox"),
    ("svc/.nox/tests/bin/python", ".nox/", "svc/.nox"),
    ("src/lucid_hooks.egg-info/PKG-INFO", "*.egg-info/", "src/lucid_hooks.egg-info"),
    (".coverage", ".coverage", ".coverage"),
    (".coverage.host.1234.5678", ".coverage.*", ".coverage.host.1234.5678"),
    (
        "notebooks/.ipynb_checkpoints/explore-checkpoint.ipynb",
        ".ipynb_checkpoints/",
        "notebooks/.ipynb_checkpoints",
    ),
]


@pytest.fixture(autouse=True)
def _isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook runs git with the environment as it is: no outer hook's index,
    and no personal excludes file deciding what is ignored."""
    for name in ("GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)
    isolate_git_config(tmp_path, monkeypatch)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    status = main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out.splitlines(), captured.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    status = main(["--format", "json", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, json.loads(captured.out)


def committed_repo(root: Path, files: dict[str, str | bytes]) -> Path:
    write_tree(root, files)
    return init_repo(root)


def findings(document: dict[str, object], code: str | None = None) -> list[dict[str, object]]:
    items = document["findings"]
    assert isinstance(items, list)
    return [item for item in items if code is None or item["code"] == code]


def messages(document: dict[str, object]) -> list[str]:
    items = document["messages"]
    assert isinstance(items, list)
    return [str(item) for item in items]


def untrack_command(lines: list[str]) -> str:
    """The command of the summary line, as the user would copy it."""
    (line,) = [line for line in lines if line.startswith(UNTRACK_PREFIX)]
    return line.split(": ", 1)[1]


def gitignore_lines(root: Path) -> list[str]:
    return (root / ".gitignore").read_text(encoding="utf-8").splitlines()


def tracked(root: Path) -> list[str]:
    listed = subprocess.run(
        ("git", "ls-files", "-z"), cwd=root, capture_output=True, check=True
    ).stdout
    return [os.fsdecode(name) for name in listed.split(b"\0") if name]


# --- what is an artifact ------------------------------------------------------------


def test_default_patterns_are_the_documented_list() -> None:
    assert [pattern for _, pattern, _ in DEFAULT_CASES] == list(CACHE_PATTERNS)


@pytest.mark.parametrize(
    ("path", "pattern", "unit"), DEFAULT_CASES, ids=[case[1] for case in DEFAULT_CASES]
)
def test_each_default_pattern_is_flagged_fixed_and_untracked(
    repo: Path, capsys: pytest.CaptureFixture[str], path: str, pattern: str, unit: str
) -> None:
    committed_repo(repo, {path: b"\x00cache", "pkg/m.py": "X = 1\n"})

    status, document = run_json(capsys, "--no-fix", path, "pkg/m.py")

    assert status == 1
    (artifact,) = findings(document, "LH301")
    assert artifact["path"] == path
    assert (artifact["line"], artifact["column"]) == (1, 1)
    assert artifact["name"] == "committed-cache-artifact"
    message = str(artifact["message"])
    assert f"matching `{pattern}` is tracked by git" in message
    assert f"`git rm -r --cached -- {shlex.quote(unit)}`" in message
    (missing,) = findings(document, "LH302")
    assert missing["path"] == ".gitignore"
    assert f"does not ignore `{pattern}`" in str(missing["message"])
    assert missing["fixable"] is True
    assert not (repo / ".gitignore").exists(), "--no-fix writes nothing"

    status, out, _ = run(capsys, path, "pkg/m.py")

    assert status == 1
    assert f"Added `{pattern}` to .gitignore" in out
    assert gitignore_lines(repo) == [pattern]
    ignored = subprocess.run(
        ("git", "check-ignore", "--no-index", "-q", path), cwd=repo, check=False
    )
    assert ignored.returncode == 0, "the appended line makes git ignore the artifact"
    assert untrack_command(out) == f"git rm -r --cached -- {shlex.quote(unit)}"


@pytest.mark.parametrize(
    "path",
    [
        "pkg/m.py",
        "docs/pycache.md",
        "pkg/__pycache__",  # a file of that name: `__pycache__/` names folders
        "lucid.egg-info",  # the same for `*.egg-info/`
        ".coveragerc",
        "coverage.py",
        "pkg/not_pyc.txt",
        "tox.ini",
        "pkg/pyc",
        "pkg/m.pyc.txt",
    ],
)
def test_lookalikes_are_not_artifacts(
    repo: Path, capsys: pytest.CaptureFixture[str], path: str
) -> None:
    committed_repo(repo, {path: "x\n"})

    assert run(capsys, path) == (0, [], "")
    assert not (repo / ".gitignore").exists()


def test_file_pattern_matching_a_folder_untracks_the_folder(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As in git, `*.pyc` also names a folder called `odd.pyc/`.
    committed_repo(repo, {"odd.pyc/inner/data.txt": "x\n"})

    status, out, _ = run(capsys, "--no-fix", "odd.pyc/inner/data.txt")

    assert status == 1
    assert untrack_command(out) == "git rm -r --cached -- odd.pyc"


def test_the_shallowest_pattern_wins(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Under .tox/ a __pycache__/ and a .pyc are all part of `.tox`.
    path = ".tox/py311/lib/__pycache__/m.cpython-311.pyc"
    committed_repo(repo, {path: b"\x00"})

    status, document = run_json(capsys, "--no-fix", path)

    assert status == 1
    (artifact,) = findings(document, "LH301")
    assert "matching `.tox/`" in str(artifact["message"])
    assert [str(item["message"]).split("`")[3] for item in findings(document, "LH302")] == [
        ".tox/"
    ]


def test_default_excludes_do_not_hide_caches(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # .mypy_cache, .tox, ... are built-in excludes for every other hook.
    committed_repo(
        repo,
        {
            ".mypy_cache/3.11/m.json": "{}",
            ".tox/py/x.txt": "x",
            ".venv/lib/__pycache__/m.pyc": b"\x00",
            "vendor/__pycache__/v.pyc": b"\x00",
            "pyproject.toml": '[tool.lucid-hooks]\nexclude = ["vendor"]\n',
        },
    )

    status, document = run_json(capsys, "--no-fix", *tracked(repo))

    assert status == 1
    assert [item["path"] for item in findings(document, "LH301")] == [
        ".mypy_cache/3.11/m.json",
        ".tox/py/x.txt",
        ".venv/lib/__pycache__/m.pyc",
    ], "the user's `exclude` still applies"


def test_other_hooks_keep_the_default_excludes(repo: Path) -> None:
    from lucid_hooks.config import Config
    from lucid_hooks.runner import HookContext

    config = Config({"exclude": ["vendor"]})
    files = [".tox/py/pkg/m.py", "vendor/x.py", "src/m.py"]

    default = HookContext(
        root=str(repo), is_git=False, files=files, folders=[], config=config, options={}
    )
    own = HookContext(
        root=str(repo),
        is_git=False,
        files=files,
        folders=[],
        config=config,
        options={},
        default_excludes=False,
    )

    assert default.files == ["src/m.py"]
    assert own.files == [".tox/py/pkg/m.py", "src/m.py"]
    assert check_cache_artifacts.HOOK.default_excludes is False


# --- configuration -----------------------------------------------------------------


def test_extend_patterns_adds_to_the_defaults(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed_repo(
        repo,
        {
            "pyproject.toml": "[tool.lucid-hooks.check-cache-artifacts]\n"
            'extend-patterns = ["build/", "*.so"]\n',
            "build/lib/m.py": "",
            "pkg/_speedups.so": b"\x7fELF",
            "pkg/__pycache__/m.pyc": b"\x00",
        },
    )

    status, out, _ = run(capsys, *tracked(repo))

    assert status == 1
    assert sorted(gitignore_lines(repo)) == sorted(["build/", "*.so", "__pycache__/"])
    assert untrack_command(out) == "git rm -r --cached -- build pkg/__pycache__ pkg/_speedups.so"


def test_patterns_replaces_the_defaults(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(
        repo,
        {
            "pyproject.toml": '[tool.lucid-hooks.check-cache-artifacts]\npatterns = ["*.pyc"]\n',
            "pkg/__pycache__/m.pyc": b"\x00",
            ".tox/x.txt": "x",
        },
    )

    status, document = run_json(capsys, "--no-fix", *tracked(repo))

    assert status == 1
    (artifact,) = findings(document, "LH301")
    assert artifact["path"] == "pkg/__pycache__/m.pyc"
    assert "matching `*.pyc`" in str(artifact["message"])


def test_fix_false_in_the_configuration(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(
        repo,
        {
            "pyproject.toml": "[tool.lucid-hooks.check-cache-artifacts]\nfix = false\n",
            "m.pyc": b"\x00",
        },
    )

    status, _, _ = run(capsys, "m.pyc")
    assert status == 1
    assert not (repo / ".gitignore").exists()

    status, out, _ = run(capsys, "--fix", "m.pyc")
    assert status == 1
    assert "Added `*.pyc` to .gitignore" in out


def test_command_line_patterns(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {"a.log": "x", "b.tmp": "x", "m.pyc": b"\x00"})

    status, document = run_json(capsys, "--no-fix", "--pattern", "*.log", *tracked(repo))
    assert status == 1
    assert [item["path"] for item in findings(document, "LH301")] == ["a.log"]

    status, document = run_json(
        capsys,
        "--no-fix",
        "--extend-pattern",
        "*.log",
        "--extend-pattern",
        "*.tmp",
        "a.log",
        "b.tmp",
        "m.pyc",
    )
    assert status == 1
    assert [item["path"] for item in findings(document, "LH301")] == ["a.log", "b.tmp", "m.pyc"]


@pytest.mark.parametrize(
    "pattern",
    ["!keep.pyc", "#x", "a\\b", "x ", "./x", "a\nb", "", "/", "[z-a]"],
)
def test_bad_patterns_in_the_configuration(
    repo: Path, capsys: pytest.CaptureFixture[str], pattern: str
) -> None:
    toml_string = json.dumps(pattern)  # a valid TOML basic string
    write_tree(
        repo,
        {
            "pyproject.toml": f"[tool.lucid-hooks.check-cache-artifacts]\n"
            f"extend-patterns = [{toml_string}]\n",
            "m.pyc": b"\x00",
        },
    )

    status, out, err = run(capsys, "m.pyc")

    assert status == 2
    assert out == []
    assert err.startswith("check-cache-artifacts: error: pyproject.toml: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("value", ['"*.pyc"', "[1]", "true"])
def test_patterns_of_the_wrong_type(
    repo: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    write_tree(
        repo, {"pyproject.toml": f"[tool.lucid-hooks.check-cache-artifacts]\npatterns = {value}\n"}
    )

    status, _, err = run(capsys)

    assert status == 2
    assert "must be a list of glob strings" in err


@pytest.mark.parametrize("pattern", ["!x", "a\\b", "x ", "[z-a]"])
def test_bad_patterns_on_the_command_line(
    repo: Path, capsys: pytest.CaptureFixture[str], pattern: str
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--pattern", pattern])

    assert raised.value.code == 2
    assert "--pattern" in capsys.readouterr().err


# --- the .gitignore fix ---------------------------------------------------------------


def test_gitignore_without_final_newline(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(
        repo, {".gitignore": ".venv/\n# keep this comment\nnode_modules/", "m.pyc": b""}
    )

    status, _, _ = run(capsys, "m.pyc")

    assert status == 1
    assert (repo / ".gitignore").read_bytes() == (
        b".venv/\n# keep this comment\nnode_modules/\n*.pyc\n"
    )


def test_crlf_gitignore_gets_crlf_lines(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {".gitignore": b".venv/\r\ndist/", "m.pyc": b""})

    run(capsys, "m.pyc")

    assert (repo / ".gitignore").read_bytes() == b".venv/\r\ndist/\r\n*.pyc\r\n"


def test_user_lines_are_never_rewritten(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = b"\xef\xbb\xbf# caf\xc3\xa9\n\n  spaced  \n*.log\n!important.log\n\xff\xfe raw\n"
    committed_repo(repo, {".gitignore": original, "a/__pycache__/m.pyc": b"", "b.pyo": b""})

    status, _, _ = run(capsys, "a/__pycache__/m.pyc", "b.pyo")

    assert status == 1
    data = (repo / ".gitignore").read_bytes()
    assert data.startswith(original)
    assert sorted(data[len(original) :].splitlines()) == [b"*.pyo", b"__pycache__/"]


def test_creates_gitignore_outside_git_then_passes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"pkg/__pycache__/m.pyc": b"\x00", "pkg/m.py": ""})

    status, out, _ = run(capsys, "pkg/__pycache__/m.pyc", "pkg/m.py")

    assert status == 1
    assert out[1] == (
        "pkg/__pycache__/m.pyc:1:1: LH301 cache artifact matching `__pycache__/` is not"
        " ignored, and whether git tracks it is unknown (not a git repository, or git failed)"
    )
    assert "Added `__pycache__/` to .gitignore" in out
    assert not any(line.startswith(UNTRACK_PREFIX) for line in out)
    assert gitignore_lines(repo) == ["__pycache__/"]

    assert run(capsys, "pkg/__pycache__/m.pyc", "pkg/m.py") == (0, [], "")


def test_outside_git_compares_exact_lines(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Without git there is no gitignore matcher: only the exact line counts.
    write_tree(repo, {".gitignore": "**/__pycache__\n*.pyc   \n", "a/__pycache__/m.pyc": b""})

    status, _out, _ = run(capsys, "a/__pycache__/m.pyc")

    assert status == 1
    assert gitignore_lines(repo) == ["**/__pycache__", "*.pyc   ", "__pycache__/"]


def test_second_run_reports_only_tracked_files_and_makes_no_edit(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files: dict[str, str | bytes] = {
        "svc/__pycache__/a.cpython-311.pyc": b"\x00",
        "svc/__pycache__/b.cpython-311.pyc": b"\x00",
        ".coverage": b"SQLite format 3\x00",
        "svc/app.py": "",
    }
    committed_repo(repo, files)
    first_status, first, _ = run(capsys, *files)
    assert first_status == 1
    assert sum("LH302" in line for line in first) == 2
    after_fix = (repo / ".gitignore").read_bytes()
    stamp = (repo / ".gitignore").stat().st_mtime_ns

    status, out, _ = run(capsys, *files)

    assert status == 1
    assert [line.split(": ")[0] for line in out if ": LH" in line] == [
        ".coverage:1:1",
        "svc/__pycache__/a.cpython-311.pyc:1:1",
        "svc/__pycache__/b.cpython-311.pyc:1:1",
    ]
    # Worded as in the first run: the rule now in .gitignore does not untrack them.
    assert [line.split(" LH301 ")[1] for line in out[:3]] == [
        f"cache artifact matching `{pattern}` is tracked by git: untrack it with"
        f" `git rm -r --cached -- {unit}`"
        for pattern, unit in [
            (".coverage", ".coverage"),
            *[("__pycache__/", "svc/__pycache__")] * 2,
        ]
    ]
    assert [line.split(": ", 1)[1] for line in out[:3]] == [
        line.split(": ", 1)[1] for line in first if " LH301 " in line
    ]
    assert untrack_command(out) == "git rm -r --cached -- .coverage svc/__pycache__"
    assert (repo / ".gitignore").read_bytes() == after_fix
    assert (repo / ".gitignore").stat().st_mtime_ns == stamp
    assert not any(line.startswith("Added") for line in out)

    # The hook never touched the index: everything is still tracked.
    assert set(tracked(repo)) == set(files)
    subprocess.run(("sh", "-c", untrack_command(out)), cwd=repo, check=True, capture_output=True)
    assert tracked(repo) == ["svc/app.py"]
    assert all((repo / path).exists() for path in files), "untracking deletes nothing"
    assert run(capsys, *[path for path in files if path in tracked(repo)]) == (0, [], "")


@pytest.mark.parametrize(
    "ignore_files",
    [
        {".gitignore": "__pycache__/\n*.py[cod]\n"},
        {".gitignore": "**/__pycache__\n*.pyc\n"},
        {"svc/.gitignore": "__pycache__/\n*.pyc\n"},
        {".git/info/exclude": "__pycache__/\n*.pyc\n"},
    ],
    ids=["root", "equivalent-lines", "nested", "info-exclude"],
)
def test_existing_coverage_gets_no_edit(
    repo: Path, capsys: pytest.CaptureFixture[str], ignore_files: dict[str, str]
) -> None:
    committed_repo(repo, {"svc/__pycache__/m.pyc": b"\x00", "svc/old.pyc": b"\x00"})
    write_tree(repo, ignore_files)
    before = {name: (repo / name).read_bytes() for name in ignore_files}

    status, out, _ = run(capsys, "svc/__pycache__/m.pyc", "svc/old.pyc")

    assert status == 1, "still tracked"
    assert not any("LH302" in line for line in out)
    assert {name: (repo / name).read_bytes() for name in ignore_files} == before
    if ".gitignore" not in ignore_files:
        assert not (repo / ".gitignore").exists()
    assert untrack_command(out) == "git rm -r --cached -- svc/__pycache__ svc/old.pyc"


def test_a_deliberate_negation_is_respected(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gitignore = "__pycache__/\n!fixtures/__pycache__/\n*.pyc\n!fixtures/golden.pyc\n"
    committed_repo(
        repo,
        {
            ".gitignore": gitignore,
            "fixtures/__pycache__/m.pyc": b"\x00",
            "fixtures/golden.pyc": b"\x00",
        },
    )

    status, document = run_json(capsys, "fixtures/__pycache__/m.pyc", "fixtures/golden.pyc")

    assert status == 1
    assert findings(document, "LH302") == []
    assert (repo / ".gitignore").read_text() == gitignore
    for item in findings(document, "LH301"):
        assert "un-ignores it" in str(item["message"])
        assert "`!fixtures/" in str(item["message"])


def test_negation_does_not_stop_a_missing_pattern_elsewhere(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed_repo(
        repo,
        {
            ".gitignore": "!fixtures/golden.pyc\n",
            "fixtures/golden.pyc": b"\x00",
            "src/stale.pyc": b"\x00",
        },
    )

    status, _out, _ = run(capsys, "fixtures/golden.pyc", "src/stale.pyc")

    assert status == 1
    assert gitignore_lines(repo) == ["!fixtures/golden.pyc", "*.pyc"]


def test_untracked_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {".gitignore": "*.pyc\n", "src/app.py": ""})
    write_tree(repo, {"src/ignored.pyc": b"\x00"})

    # An untracked and ignored artifact: git will never commit it.
    assert run(capsys, "src/ignored.pyc") == (0, [], "")

    write_tree(repo, {"src/.tox/log.txt": "x"})
    status, document = run_json(capsys, "--no-fix", "src/.tox/log.txt")
    assert status == 1
    (artifact,) = findings(document, "LH301")
    assert "is not tracked, but no ignore rule covers it" in str(artifact["message"])
    assert messages(document) == [], "nothing to untrack"
    assert len(findings(document, "LH302")) == 1


def test_folder_arguments_in_git(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {"a/__pycache__/m.pyc": b"", "a/m.py": "", "b/.coverage": b""})
    write_tree(repo, {"a/new.pyo": b"", ".venv/lib/x.pyc": b""})
    write_tree(repo, {".gitignore": ".venv/\n"})

    status, document = run_json(capsys, "--no-fix", ".")

    assert status == 1
    assert [item["path"] for item in findings(document, "LH301")] == [
        "a/__pycache__/m.pyc",
        "a/new.pyo",
        "b/.coverage",
    ]

    status, document = run_json(capsys, "--no-fix", "b")
    assert [item["path"] for item in findings(document, "LH301")] == ["b/.coverage"]


def test_folder_arguments_outside_git(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        repo,
        {
            "a/__pycache__/m.pyc": b"",
            ".tox/py/x.txt": "",
            ".venv/lib/__pycache__/x.pyc": b"",  # a default exclude that is no cache
            "node_modules/p/__pycache__/x.pyc": b"",
        },
    )

    status, document = run_json(capsys, "--no-fix", ".")

    assert status == 1
    assert [item["path"] for item in findings(document, "LH301")] == [
        ".tox/py/x.txt",
        "a/__pycache__/m.pyc",
    ]


# --- ignores and output ---------------------------------------------------------------


def test_json_output(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {"m.pyc": b"\x00"})

    status, document = run_json(capsys, "m.pyc")

    assert status == 1
    (artifact,) = findings(document, "LH301")
    assert artifact["fixable"] is False
    assert artifact["fixed"] is None
    (missing,) = findings(document, "LH302")
    assert missing["fixed"] == "Added `*.pyc` to .gitignore"
    assert missing["name"] == "cache-pattern-not-ignored"
    assert messages(document) == [
        "Added `*.pyc` to .gitignore",
        f"{UNTRACK_PREFIX} (the hook never changes the index), run at the repository root:"
        " git rm -r --cached -- m.pyc",
    ]


def test_github_output(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {"m.pyc": b"\x00"})

    status = main(["--format", "github", "m.pyc"])

    out = capsys.readouterr().out.splitlines()
    assert status == 1
    assert out[0].startswith("::warning file=.gitignore,line=1,col=1,title=LH302::")
    assert out[1].startswith("::error file=m.pyc,line=1,col=1,title=LH301::")
    assert out[-1].startswith("::notice::To untrack")


def test_ignored_findings_leave_the_command_and_the_file_alone(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed_repo(
        repo,
        {
            "pyproject.toml": '[tool.lucid-hooks]\nignore = ["LH302"]\n'
            '[tool.lucid-hooks.per-file-ignores]\n"fixtures/**" = ["LH301"]\n',
            "fixtures/golden.pyc": b"\x00",
            "src/stale.pyc": b"\x00",
        },
    )

    status, out, _ = run(capsys, "fixtures/golden.pyc", "src/stale.pyc")

    assert status == 1
    assert not (repo / ".gitignore").exists()
    assert untrack_command(out) == "git rm -r --cached -- src/stale.pyc"


REPOSITORY_WIDE: dict[str, str | bytes] = {
    "pyproject.toml": '[tool.lucid-hooks]\nexclude = ["vendor"]\n'
    '[tool.lucid-hooks.per-file-ignores]\n"fixtures/**" = ["LH301"]\n',
    "a/__pycache__/m.pyc": b"\x00",
    "a/__pycache__/n.pyc": b"\x00",
    "b/__pycache__/m.pyc": b"\x00",
    "c/old.pyc": b"\x00",
    "d/.tox/log.txt": "x\n",
    "e/.tox/log.txt": "# lucid: ignore[LH301]\n",
    "fixtures/golden.pyc": b"\x00",
    "vendor/__pycache__/v.pyc": b"\x00",
    "m.py": "",
}


@pytest.mark.parametrize(
    "passed",
    [
        ["a/__pycache__/m.pyc"],
        ["c/old.pyc", "m.py"],
        ["d/.tox/log.txt"],
        ["b/__pycache__/m.pyc", "a/__pycache__/n.pyc"],
        [path for path in REPOSITORY_WIDE if path != "pyproject.toml"],
    ],
)
def test_what_is_said_of_the_repository_does_not_depend_on_the_files_passed(
    repo: Path, capsys: pytest.CaptureFixture[str], passed: list[str]
) -> None:
    committed_repo(repo, REPOSITORY_WIDE)

    status, out, _ = run(capsys, "--no-fix", *passed)

    assert status == 1
    # Each LH302 counts the repository's artifacts of its pattern (the
    # excluded vendor/ is not looked at, an ignored finding still needs the rule).
    assert [line for line in out if " LH302 " in line] == [
        ".gitignore:1:1: LH302 `.gitignore` does not ignore `*.pyc`: 2 cache artifacts such as"
        " `c/old.pyc` could be committed",
        ".gitignore:1:1: LH302 `.gitignore` does not ignore `.tox/`: 2 cache artifacts such as"
        " `d/.tox/log.txt` could be committed",
        ".gitignore:1:1: LH302 `.gitignore` does not ignore `__pycache__/`: 3 cache artifacts"
        " such as `a/__pycache__/m.pyc` could be committed",
    ]
    # The command untracks every committed artifact whose LH301 is on.
    assert (
        untrack_command(out)
        == "git rm -r --cached -- a/__pycache__ b/__pycache__ c/old.pyc d/.tox"
    )
    reported = [line.split(":")[0] for line in out if " LH301 " in line]
    assert reported == sorted(
        {*passed} - {"m.py", "e/.tox/log.txt", "fixtures/golden.pyc", "vendor/__pycache__/v.pyc"}
    )


def test_a_commit_without_artifacts_reads_no_index(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    committed_repo(repo, REPOSITORY_WIDE)

    def unexpected(self: Snapshot) -> None:
        raise AssertionError("the index was listed")

    monkeypatch.setattr(Snapshot, "tracked", unexpected)

    assert run(capsys, "m.py", "pyproject.toml") == (0, [], "")


@given(
    patterns=st.lists(
        st.text("ab.*?[]/&~|", min_size=1, max_size=6).filter(
            lambda text: check_ignore_glob(text) is None
        ),
        min_size=1,
        max_size=4,
    ),
    paths=st.lists(
        st.lists(st.text("ab.c", min_size=1, max_size=5), min_size=1, max_size=3).map("/".join),
        max_size=12,
    ),
)
def test_candidates_hold_every_path_that_matches(patterns: list[str], paths: list[str]) -> None:
    scanner = Scanner([CachePattern(pattern) for pattern in patterns])

    candidates = scanner.candidates(paths)

    assert [path for path in paths if scanner.match(path)] == [
        path for path in candidates if scanner.match(path)
    ]
    assert candidates == [path for path in paths if path in candidates], "in the index's order"


def test_inline_suppression_in_gitignore(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {".gitignore": "# lucid: ignore[LH302]\n", "m.pyc": b"\x00"})

    status, out, _ = run(capsys, "m.pyc")

    assert status == 1
    assert (repo / ".gitignore").read_text() == "# lucid: ignore[LH302]\n"
    assert not any("LH302" in line for line in out)


def test_umbrella_command_reports_caches(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {".mypy_cache/x.json": "{}", "pkg/__init__.py": "", "pkg/m.pyc": b""})

    status = lucid_hooks_main(["check"])

    out = capsys.readouterr().out
    assert status == 1
    assert ".mypy_cache/x.json:1:1: LH301" in out
    assert "pkg/m.pyc:1:1: LH301" in out
    assert "git rm -r --cached -- .mypy_cache pkg/m.pyc" in out
    assert not (repo / ".gitignore").exists(), "check fixes only with --fix"


# --- hostile input --------------------------------------------------------------------


def test_binary_and_unreadable_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(
        repo,
        {
            "a/__pycache__/m.cpython-311.pyc": bytes(range(256)) * 4,
            "b/locked.pyc": b"\x00\xff# lucid: ignore[LH301]",
        },
    )
    os.chmod(repo / "b/locked.pyc", 0)
    try:
        status, document = run_json(
            capsys, "--no-fix", "a/__pycache__/m.cpython-311.pyc", "b/locked.pyc"
        )
    finally:
        os.chmod(repo / "b/locked.pyc", 0o644)

    assert status == 1
    paths = [item["path"] for item in findings(document, "LH301")]
    assert "a/__pycache__/m.cpython-311.pyc" in paths
    # Unreadable, its inline comment cannot switch the finding off; root
    # reads it anyway, and the comment does.
    assert ("b/locked.pyc" in paths) is not IS_ROOT


EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


def test_huge_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {"src/app.py": ""})
    huge = repo / ".coverage"
    with huge.open("wb") as file:
        file.truncate(64 << 20)  # sparse: 64 MiB of NUL bytes, no newline
    # Tracked as committed empty and grown since (as a .coverage does):
    # hashing 64 MiB into git would take most of the test's time, and the
    # hook sees the work tree's file either way.
    git(repo, "update-index", "--add", "--cacheinfo", f"100644,{EMPTY_BLOB},.coverage")

    status, out, _ = run(capsys, ".coverage", "src/app.py")

    assert status == 1
    assert ".coverage:1:1: LH301 cache artifact matching `.coverage` is tracked by git:" in out[0]
    assert gitignore_lines(repo) == [".coverage"]


@POSIX_ONLY
def test_symlinked_gitignore_is_never_written_through(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = repo.parent / "shared-ignore"
    outside.write_text("node_modules/\n")
    committed_repo(repo, {"m.pyc": b"\x00"})
    (repo / ".gitignore").symlink_to(outside)

    status, out, _ = run(capsys, "m.pyc")

    assert status == 1
    assert outside.read_text() == "node_modules/\n"
    assert (repo / ".gitignore").is_symlink()
    (refusal,) = [line for line in out if line.startswith("Not fixed")]
    assert refusal == (
        "Not fixed .gitignore: .gitignore is a symlink; not writing through it"
        " (add the patterns to its target by hand)"
    )
    assert any("`.gitignore` is a symlink" in line for line in out if "LH302" in line)


@POSIX_ONLY
def test_dangling_symlinked_gitignore(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {"m.pyc": b"\x00"})
    (repo / ".gitignore").symlink_to(repo.parent / "missing")

    status, out, _ = run(capsys, "m.pyc")

    assert status == 1
    assert not (repo.parent / "missing").exists()
    assert any(line.startswith("Not fixed .gitignore: .gitignore is a symlink") for line in out)


@pytest.mark.parametrize("kind", ["folder", "fifo"])
@POSIX_ONLY
def test_gitignore_that_is_not_a_file(
    repo: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    committed_repo(repo, {"m.pyc": b"\x00"})
    if kind == "folder":
        (repo / ".gitignore").mkdir()
    else:
        os.mkfifo(repo / ".gitignore")

    status, out, _ = run(capsys, "m.pyc")

    assert status == 1
    assert any(line.startswith("Not fixed .gitignore: ") for line in out)


@POSIX_ONLY
def test_symlinks_among_the_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {"pkg/m.py": "", "real/__pycache__/m.pyc": b""})
    (repo / "pkg/link.pyc").symlink_to("m.py")  # a committed symlink is a path like any
    (repo / "pkg/__pycache__").symlink_to("../real/__pycache__")  # a file to git
    (repo / "pkg/loop.pyc").symlink_to("loop.pyc")
    (repo / "pkg/dangling.pyo").symlink_to("nowhere")
    (repo / "linked").symlink_to("real")
    git(repo, "add", "-A")

    status, document = run_json(
        capsys,
        "--no-fix",
        "pkg/link.pyc",
        "pkg/__pycache__",
        "pkg/loop.pyc",
        "pkg/dangling.pyo",
        "linked/__pycache__/m.pyc",  # beyond a symlinked folder: git tracks nothing there
    )

    assert status == 1
    assert [item["path"] for item in findings(document, "LH301")] == [
        "pkg/dangling.pyo",
        "pkg/link.pyc",
        "pkg/loop.pyc",
    ]


ODD_NAMES = [
    "with space/__pycache__/m.pyc",
    "quote's/x.pyc",
    'double"quote.pyc',
    "dollar$HOME/Foo$py.class",
    "brackets[1]/x[1].pyc",
    "star*/q?.pyc",
    "-dash.pyc",
    ":colon.pyc",
    "back\\slash.pyc",
    "caf\u00e9/\u65e5\u672c.pyc",
    "semi;colon & amp|pipe.pyc",
    "tab\tname.pyc",
    "new\nline.pyc",
]


@POSIX_ONLY
def test_odd_file_names_and_the_exact_untrack_command(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The twins match the others read as globs; LH301 is off for them, so
    # the command (which names every tracked artifact) leaves them out, and
    # they must stay tracked when it runs.
    twins = ["brackets1/x1.pyc", "star_/q_.pyc", "keep.py"]
    config = '[tool.lucid-hooks.per-file-ignores]\n"brackets1" = ["LH301"]\n"star_" = ["LH301"]\n'
    committed_repo(
        repo, {"pyproject.toml": config, **{name: b"\x00" for name in [*ODD_NAMES, *twins]}}
    )
    names = ODD_NAMES

    # `--`: pre-commit passes `-dash.pyc` as it is, and argparse would read an option.
    status, document = run_json(capsys, "--no-fix", "--", *names)

    assert status == 1
    assert sorted(str(item["path"]) for item in findings(document, "LH301")) == sorted(names)
    (summary,) = [message for message in messages(document) if message.startswith(UNTRACK_PREFIX)]
    command = summary.split(": ", 1)[1]
    assert "\n" not in command and "\t" not in command
    printable = [name for name in names if name.isprintable()]
    units = sorted({"with space/__pycache__", *(n for n in printable if "__pycache__" not in n)})
    words = shlex.split(
        command.replace(shell_quote("tab\tname.pyc"), "TAB").replace(
            shell_quote("new\nline.pyc"), "NL"
        )
    )
    assert words[:4] == ["git", "--literal-pathspecs", "rm", "-r"]
    assert words[4:6] == ["--cached", "--"]
    assert sorted(word for word in words[6:] if word not in ("TAB", "NL")) == units

    # Run it for real: exactly the artifacts leave the index, x1.pyc stays.
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash for $'...' quoting")
    subprocess.run((bash, "-c", command), cwd=repo, check=True, capture_output=True)
    assert sorted(tracked(repo)) == sorted([*twins, "pyproject.toml"])
    assert all((repo / name).exists() for name in names)

    # The text output keeps one finding per line.
    capsys.readouterr()
    status, out, _ = run(capsys, "--no-fix", "--", *names)
    assert len([line for line in out if ": LH301 " in line]) == len(names)


@pytest.mark.skipif(sys.platform != "linux", reason="file names of arbitrary bytes")
def test_undecodable_file_name(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {"keep.py": ""})
    raw = os.path.join(os.fsencode(repo), b"bad\xff\xfe.pyc")
    with open(raw, "wb") as file:
        file.write(b"\x00")
    git(repo, "add", "-A")
    name = os.fsdecode(b"bad\xff\xfe.pyc")

    status, out, _ = run(capsys, name)

    assert status == 1
    assert out[1].startswith("bad\\xff\\xfe.pyc:1:1: LH301")
    command = untrack_command(out)
    assert command == "git rm -r --cached -- $'bad\\xff\\xfe.pyc'"
    subprocess.run(("bash", "-c", command), cwd=repo, check=True, capture_output=True)
    assert tracked(repo) == ["keep.py"]


def test_missing_and_outside_paths(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    committed_repo(repo, {"m.pyc": b""})

    status, out, err = run(capsys, "--no-fix", "gone.pyc", "../elsewhere.pyc", "m.pyc")

    assert status == 2
    assert "gone.pyc: no such file or directory" in err
    assert "outside the repository" in err
    assert any(line.startswith("m.pyc:1:1: LH301") for line in out)


def test_without_a_git_binary(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    committed_repo(repo, {".gitignore": "*.pyc\n", "m.pyc": b"", "n.pyo": b""})
    monkeypatch.setenv("PATH", str(repo / "no-such-bin"))

    status, out, _ = run(capsys, "m.pyc", "n.pyo")

    # git cannot answer: the root .gitignore's lines decide, tracking is unknown.
    assert status == 1
    assert [line.split(":")[0] for line in out if ": LH" in line] == [".gitignore", "n.pyo"]
    assert gitignore_lines(repo) == ["*.pyc", "*.pyo"]


# --- concurrency ---------------------------------------------------------------------


def test_concurrent_fixers_append_each_pattern_once(tmp_path: Path) -> None:
    repo = tmp_path / "race"
    files: dict[str, str | bytes] = {
        "a/__pycache__/m.pyc": b"\x00",
        "b/old.pyc": b"\x00",
        "c/old.pyo": b"\x00",
        ".tox/py/x.txt": "x",
        ".coverage": b"",
        "d.egg-info/PKG-INFO": "",
    }
    committed_repo(repo, {".gitignore": "node_modules/", **files})  # no final newline
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(PROJECT)}
    batches = (
        [list(files)] * 4
        + [list(files)[i::2] for i in range(2)]
        + [
            list(files)[::-1],
            list(files)[:3],
        ]
    )

    processes = [
        subprocess.Popen(
            (sys.executable, "-m", "lucid_hooks.check_cache_artifacts", *batch),
            cwd=repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for batch in batches
    ]
    results = [process.communicate(timeout=120) for process in processes]

    for process, (out, err) in zip(processes, results):
        assert process.returncode == 1, out + err
        assert SUMMARY.fullmatch(err), err  # the closing summary line only
    expected = [
        "node_modules/",
        "__pycache__/",
        "*.pyc",
        "*.pyo",
        ".tox/",
        ".coverage",
        "*.egg-info/",
    ]
    lines = gitignore_lines(repo)
    assert len(lines) == len(set(lines)), "each pattern at most once"
    assert lines[0] == "node_modules/"
    # Which patterns are needed depends on the race: once `*.pyc` is in,
    # `a/__pycache__/m.pyc` is ignored, and a process judging after that
    # rightly adds no `__pycache__/`. Every artifact ends up ignored.
    assert set(lines) <= set(expected)
    assert set(expected) - set(lines) <= {"__pycache__/"}
    ignored = git(repo, "check-ignore", "--no-index", *files).splitlines()
    assert sorted(ignored) == sorted(files)
    added = [line for out, _ in results for line in out.decode().splitlines() if "Added" in line]
    assert len(added) == len(lines) - 1, "each line is reported by the process that wrote it"


# --- quoting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    ["plain.pyc", "with space", "it's", "$HOME", "caf\u00e9", "a;b", "-x", "", "*"],
)
def test_shell_quote_round_trips_through_shlex(word: str) -> None:
    assert shlex.split(shell_quote(word)) == [word]


@pytest.mark.parametrize(
    ("word", "quoted"),
    [
        ("new\nline", "$'new\\nline'"),
        ("tab\t'q'\\", "$'tab\\t\\'q\\'\\\\'"),
        ("bell\x07", "$'bell\\x07'"),
        ("zero\u200bwidth", "$'zero\\u200bwidth'"),
        (os.fsdecode(b"raw\xff") if sys.platform != "win32" else "raw\udcff", "$'raw\\xff'"),
    ],
)
def test_shell_quote_uses_ansi_c_for_unprintable_words(word: str, quoted: str) -> None:
    assert shell_quote(word) == quoted


@POSIX_ONLY
@pytest.mark.parametrize("word", ["new\nline", "tab\t'q'\\", "bell\x07", "zero\u200bwidth"])
def test_ansi_c_quoting_is_exact_in_bash(word: str) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    printed = subprocess.run(
        (bash, "-c", f"printf '%s' {shell_quote(word)}"),
        capture_output=True,
        check=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    ).stdout
    assert printed == word.encode("utf-8")


def test_git_rm_command_uses_literal_pathspecs_only_when_needed() -> None:
    assert (
        git_rm_command(["a/__pycache__", "b.pyc"]) == "git rm -r --cached -- a/__pycache__ b.pyc"
    )
    for path in ("x[1].pyc", "q?.pyc", "s*.pyc", ":top.pyc", "back\\slash.pyc"):
        assert git_rm_command([path]).startswith("git --literal-pathspecs rm -r --cached -- ")


# --- through pre-commit -----------------------------------------------------------------


def test_manifest_entry_is_valid(tmp_path: Path) -> None:
    manifest = (PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entry = manifest.split("- id: check-cache-artifacts\n", 1)[1].split("\n- id: ", 1)[0]
    assert "  entry: check-cache-artifacts\n" in entry
    assert "  language: python\n" in entry
    # Every path is passed: binary, untyped and symlinked artifacts too.
    assert "  types: []\n" in entry
    assert "  types_or: [file, symlink]\n" in entry
    assert '  minimum_pre_commit_version: "3.2.0"' in entry
    validated = subprocess.run(
        (sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    write_tree(tmp_path, {"pkg/__pycache__/m.cpython-311.pyc": b"\x00\xff"})
    os.symlink("gone", tmp_path / "link")
    selected = Snapshot(str(tmp_path), False).select(
        ["pkg/__pycache__/m.cpython-311.pyc", "link"], check_cache_artifacts.HOOK.selection
    )
    assert selected == ["pkg/__pycache__/m.cpython-311.pyc", "link"]
