"""lucid_hooks.runner: the command line derived from a hook's declaration,
and what every hook does around its check."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from lucid_hooks import __version__, batches, check_duplicate_modules, check_init_files
from lucid_hooks.config import Config
from lucid_hooks.runner import HookContext, UndeclaredOptionError, separate_paths
from tests.conftest import git, init_repo, write_tree

WALLET = {"wallet/__init__.py": "", "wallet/walletd/keys.py": "KEY = 1\n"}


def run(capsys: pytest.CaptureFixture[str], main, *args: str) -> tuple[int, list[str], str]:  # type: ignore[no-untyped-def]
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


# --- paths that look like options ----------------------------------------------------


def test_separate_paths_moves_existing_dash_paths_after_a_double_dash(repo: Path) -> None:
    write_tree(repo, {"-x.py": "", "--no-fix": "", "a.py": ""})

    assert separate_paths(["--no-fix", "a.py", "-x.py"], {"--format"}) == [
        "a.py",
        "--",
        "--no-fix",
        "-x.py",
    ]
    assert separate_paths(["--format", "json", "--fix", "a.py"], {"--format"}) == [
        "--format",
        "json",
        "--fix",
        "a.py",
    ]
    assert separate_paths(["--", "--no-fix"], set()) == ["--", "--no-fix"]


def test_a_flag_value_that_names_a_file_stays_the_flags(repo: Path) -> None:
    write_tree(repo, {"-1": "", "a.py": ""})

    assert separate_paths(["--min-lines", "-1", "a.py"], {"--min-lines"}) == [
        "--min-lines",
        "-1",
        "a.py",
    ]


def test_file_named_like_a_flag_is_checked_not_obeyed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {**WALLET, "--no-fix": "", "-x.py": "X = 1\n"})

    # What pre-commit runs: the files, sorted, `--no-fix` among them.
    status, out, err = run(
        capsys, check_init_files.main, "--no-fix", "-x.py", "wallet/walletd/keys.py"
    )

    assert (status, err) == (1, "Found 1 finding (1 fixed, 0 remaining).\n")
    assert out[-1] == "Created wallet/walletd/__init__.py", "the fix was not switched off"
    assert (repo / "wallet/walletd/__init__.py").exists()


def test_dash_named_python_files_are_compared(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = "".join(f"def f{i}(x):\n    return x * {i} + {i * i}\n\n" for i in range(12))
    write_tree(repo, {"-x.py": module, "a/x.py": module})

    status, out, err = run(capsys, check_duplicate_modules.main, "-x.py")

    assert (status, err) == (1, "Found 1 finding.\n")
    assert [line.split(": ")[1].split()[0] for line in out] == ["LH401"]


# --- missing paths -------------------------------------------------------------------


def test_tracked_file_missing_on_disk_is_skipped(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {**WALLET, "sparse/gone.py": "X = 1\n"})
    init_repo(repo)
    git(repo, "update-index", "--skip-worktree", "sparse/gone.py")
    (repo / "sparse" / "gone.py").unlink()

    status, out, err = run(
        capsys, check_init_files.main, "--no-fix", "sparse/gone.py", "wallet/walletd/keys.py"
    )

    assert err == "Found 1 finding.\n"  # no usage error
    assert status == 1
    assert [line.split(":")[0] for line in out] == ["wallet/walletd/__init__.py"]


def test_untracked_missing_file_is_still_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, WALLET)
    init_repo(repo)

    status, _, err = run(capsys, check_init_files.main, "--no-fix", "typo.py")

    assert status == 2
    assert err == "check-init-files: error: typo.py: no such file or directory\n"


# --- options -------------------------------------------------------------------------


def test_reading_an_undeclared_option_is_an_error(tmp_path: Path) -> None:
    context = HookContext(
        root=str(tmp_path),
        is_git=False,
        files=[],
        folders=[],
        config=Config(),
        options={"similarity": 0.5},
    )

    assert context.number("similarity") == 0.5
    with pytest.raises(UndeclaredOptionError, match="'min-line'"):
        context.number("min-line")


def test_flags_come_from_the_declaration(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        check_duplicate_modules.main(["--help"])

    out = capsys.readouterr().out
    for option in check_duplicate_modules.HOOK.options:
        assert option.flag is not None
        assert option.flag in out
    assert "--fix" not in out, "the hook declares no fix"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--similarity", "0"], "'0' must be a number greater than 0, at most 1"),
        (["--similarity", "x"], "'x' must be a number greater than 0, at most 1"),
        (["--min-lines", "2.5"], "'2.5' must be a whole number, 0 or more"),
    ],
)
def test_flag_values_are_checked_like_the_configuration(
    repo: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as raised:
        check_duplicate_modules.main([*args, "."])

    assert raised.value.code == 2
    assert message in capsys.readouterr().err


def test_abbreviated_flags_are_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        check_duplicate_modules.main(["--simil", "0.5", "."])

    assert raised.value.code == 2
    assert os.path.basename("--simil") in capsys.readouterr().err


# --- pre-commit's batches ------------------------------------------------------------


def test_a_hook_listed_twice_with_other_options_is_another_run(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(repo, WALLET)
    monkeypatch.setenv(batches.RUNNER_ENV, "1")
    monkeypatch.setattr(batches, "parent_process", lambda: "boot:1:2")

    def batch(*args: str) -> tuple[int, list[str], str]:
        # As pre-commit runs it: the process's own command line.
        monkeypatch.setattr(sys, "argv", ["check-init-files", *args, "wallet/walletd/keys.py"])
        return run(capsys, lambda _: check_init_files.main())

    status, first, _ = batch("--no-fix")
    assert (status, len(first)) == (1, 1)
    # The next batch of the same run: its finding was printed, its status stays.
    assert batch("--no-fix") == (1, [], "")
    # The same hook again in the config, with other arguments.
    assert batch("--no-fix", "--namespace-package", "elsewhere/**") == (1, first, "")


# --- the flags every hook has, as ruff spells them ------------------------------------

# A missing `__init__.py` (LH101, fixable) and a folder that cannot be imported (LH104).
TWO_RULES = {**WALLET, "wallet/bad-name/__init__.py": "", "wallet/bad-name/m.py": ""}


def codes_of(out: list[str]) -> list[str]:
    return sorted(line.split(": ")[1].split()[0] for line in out if ": LH" in line)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ((), ["LH101", "LH104"]),
        (("--select", "LH104"), ["LH104"]),
        (("--select", "missing-init-file,LH104"), ["LH101", "LH104"]),
        (("--ignore", "LH1"), []),
        (("--ignore", "missing-init-file"), ["LH104"]),
        (("--select", "LH1", "--ignore", "LH104"), ["LH101"]),
    ],
)
def test_select_and_ignore_take_codes_prefixes_and_names(
    repo: Path, capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], expected: list[str]
) -> None:
    write_tree(repo, TWO_RULES)

    status, out, _ = run(capsys, check_init_files.main, "--no-fix", *flags, ".")

    assert codes_of(out) == expected
    assert status == (1 if expected else 0)


def test_an_unknown_selector_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, TWO_RULES)

    with pytest.raises(SystemExit) as raised:
        check_init_files.main(["--select", "LH9", "."])

    assert raised.value.code == 2
    assert "'LH9' is not a rule code, prefix or name" in capsys.readouterr().err


def test_ignore_in_the_configuration_takes_names(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = '[tool.lucid-hooks]\nignore = ["missing-init-file"]\n'
    write_tree(repo, {**TWO_RULES, "pyproject.toml": config})

    _, out, _ = run(capsys, check_init_files.main, "--no-fix", ".")

    assert codes_of(out) == ["LH104"]


def test_the_closing_summary_exit_zero_and_quiet(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(repo, TWO_RULES)
    monkeypatch.delenv(batches.RUNNER_ENV, raising=False)

    assert run(capsys, check_init_files.main, "--no-fix", ".")[2] == "Found 2 findings.\n"
    status, out, err = run(capsys, check_init_files.main, "--no-fix", "--exit-zero", "-q", ".")
    assert (status, codes_of(out), err) == (0, ["LH101", "LH104"], "")
    status, _, err = run(capsys, check_init_files.main, ".")
    assert (status, err) == (1, "Found 2 findings (1 fixed, 1 remaining).\n")
    # Under pre-commit each batch would count only its own part: no summary.
    monkeypatch.setenv(batches.RUNNER_ENV, "1")
    assert run(capsys, check_init_files.main, "--no-fix", ".")[2] == ""


def test_statistics_count_the_findings_per_rule(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {**TWO_RULES, "other/sub/m.py": "", "other/__init__.py": ""})

    status, out, _ = run(capsys, check_init_files.main, "--no-fix", "--statistics", ".")

    assert status == 1
    assert out == ["2  LH101  [*] missing-init-file", "1  LH104  invalid-package-folder-name"]
    _, out, _ = run(
        capsys, check_init_files.main, "--no-fix", "--statistics", "--format", "json", "."
    )
    assert json.loads("\n".join(out))[1] == {
        "code": "LH104",
        "name": "invalid-package-folder-name",
        "count": 1,
        "fixable": False,
    }


def test_every_hook_has_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        check_duplicate_modules.main(["--version"])

    assert raised.value.code == 0
    assert capsys.readouterr().out == f"check-duplicate-modules {__version__}\n"


@pytest.mark.parametrize(
    ("settings", "coloured"),
    [({}, False), ({"FORCE_COLOR": "1"}, True), ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False)],
)
def test_colour_as_no_color_and_force_color_say(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    settings: dict[str, str],
    coloured: bool,
) -> None:
    write_tree(repo, WALLET)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)

    _, out, _ = run(capsys, check_init_files.main, "--no-fix", ".")

    plain = "wallet/walletd/__init__.py:1:1: LH101"
    assert out[0].startswith(
        "\033[1mwallet/walletd/__init__.py\033[0m:1:1: \033[31mLH101\033[0m" if coloured else plain
    )
