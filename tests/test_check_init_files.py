from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lucid_hooks.check_init_files import RULES, main
from tests.conftest import SUMMARY, git, init_repo, write_tree

MODULE = "def f() -> int:\n    return 1\n"
SCRIPT = "#!/usr/bin/env python3\nprint('hi')\n"
PEP723_SCRIPT = '# /// script\n# dependencies = ["requests"]\n# ///\nimport requests\n'

WALLET = {
    "wallet/__init__.py": "",
    "wallet/keys.py": MODULE,
    "wallet/security/__init__.py": "",
    "wallet/security/policy_validator.py": MODULE,
    "wallet/walletd/hardware_wallet.py": MODULE,
    "wallet/walletd/key_rotation.py": MODULE,
}


def py_files(root: Path) -> list[str]:
    return sorted(
        path.relative_to(root).as_posix() for path in root.rglob("*.py") if path.is_file()
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    return code, capsys.readouterr().out.splitlines()


def test_creates_missing_init_and_second_run_is_clean(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, WALLET)

    code, out = run(capsys, *py_files(repo))

    assert code == 1
    assert out == [
        "wallet/walletd/__init__.py:1:1: LH101 package folder `wallet/walletd/` has modules"
        " but no `__init__.py` (inside package `wallet/`)",
        "Created wallet/walletd/__init__.py",
    ]
    created = repo / "wallet/walletd/__init__.py"
    assert created.read_bytes() == b""
    assert run(capsys, *py_files(repo)) == (0, [])


def test_no_fix_only_reports(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, WALLET)

    code, out = run(capsys, "--no-fix", "wallet/walletd/key_rotation.py")

    assert code == 1
    assert [line.split(" ")[1] for line in out] == ["LH101"]
    assert not (repo / "wallet/walletd/__init__.py").exists()


def test_config_fix_false_and_cli_override(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, WALLET)
    write_tree(repo, {"pyproject.toml": "[tool.lucid-hooks.check-init-files]\nfix = false\n"})

    assert run(capsys, "wallet/walletd/key_rotation.py")[0] == 1
    assert not (repo / "wallet/walletd/__init__.py").exists()

    assert run(capsys, "--fix", "wallet/walletd/key_rotation.py")[0] == 1
    assert (repo / "wallet/walletd/__init__.py").exists()


def test_never_at_repo_root_nor_for_top_level_folders(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"setup.py": MODULE, "tools/release.py": MODULE, "src/app/main.py": MODULE})

    assert run(capsys, *py_files(repo)) == (0, [])
    assert not (repo / "__init__.py").exists()
    assert not (repo / "tools/__init__.py").exists()


@pytest.mark.parametrize("name", ["my-tools", "2024_data", "class", "with space"])
def test_never_in_folder_whose_name_is_not_an_identifier(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    write_tree(repo, {"pkg/__init__.py": "", f"pkg/{name}/helpers.py": MODULE})

    code, out = run(capsys, *py_files(repo))

    assert code == 1
    assert len(out) == 1
    assert out[0].startswith(f"pkg/{name}/__init__.py:1:1: LH104 ")
    assert not (repo / f"pkg/{name}/__init__.py").exists()


# The layout users reported: a numbered folder given an `__init__.py`, with
# folders of modules below it, some with their own `__init__.py`.
NUMBERED = {
    "02_network_security/__init__.py": "",
    "02_network_security/firewall/rules.py": MODULE,
    "02_network_security/firewall/audit/log.py": MODULE,
    "02_network_security/scanner/__init__.py": "",
    "02_network_security/scanner/ports/probe.py": MODULE,
    "02_network_security/scanner/ports/tcp/syn.py": MODULE,
}
NUMBERED_LH104 = (
    "02_network_security/__init__.py:1:1: LH104 no import statement can name package"
    " `02_network_security/`: rename it (and the paths to it in scripts, CI files,"
    " Dockerfiles) or delete this `__init__.py`"
)


def test_non_identifier_folder_with_init_is_reported_and_nothing_below_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, NUMBERED)

    # Not inside a package, even below `scanner/__init__.py`: no LH101, no LH102.
    assert run(capsys, *py_files(repo)) == (1, [NUMBERED_LH104])
    assert py_files(repo) == sorted(NUMBERED), "no __init__.py is created in or below it"


@pytest.mark.parametrize("name", ["my-tools", "2024_data", "class", "with space"])
def test_non_identifier_folder_with_init_inside_a_package(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    write_tree(
        repo,
        {
            "pkg/__init__.py": "",
            f"pkg/{name}/__init__.py": "",
            f"pkg/{name}/helpers.py": MODULE,
            f"pkg/{name}/sub/m.py": MODULE,
        },
    )
    before = py_files(repo)

    code, out = run(capsys, *py_files(repo))

    assert code == 1
    assert out == [
        f"pkg/{name}/__init__.py:1:1: LH104 no import statement can name package `{name}/`:"
        " rename it (and the paths to it in scripts, CI files, Dockerfiles) or delete this"
        " `__init__.py`"
    ]
    assert py_files(repo) == before


def test_non_identifier_folder_inside_a_package_cuts_off_the_packages_below(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "pkg/__init__.py": "",
            "pkg/my-tools/sub/__init__.py": "",
            "pkg/my-tools/sub/deep/m.py": MODULE,
        },
    )

    code, out = run(capsys, *py_files(repo))

    assert code == 1
    assert out == [
        "pkg/my-tools/__init__.py:1:1: LH104 no import statement can name subpackage `my-tools/`:"
        " rename it (and the paths to it in scripts, CI files, Dockerfiles) or exclude it"
    ]
    assert not (repo / "pkg/my-tools/sub/deep/__init__.py").exists()


def test_non_identifier_folder_outside_packages_holds_top_level_packages(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A service folder named `my-service/` is a plain folder (a sys.path entry
    # in its image): the packages in it are top-level ones.
    write_tree(repo, {"my-service/app/__init__.py": "", "my-service/app/routes/users.py": MODULE})

    code, out = run(capsys, *py_files(repo))

    assert code == 1
    assert out == [
        "my-service/app/routes/__init__.py:1:1: LH101 package folder `my-service/app/routes/`"
        " has modules but no `__init__.py` (inside package `my-service/app/`)",
        "Created my-service/app/routes/__init__.py",
    ]


@pytest.mark.parametrize(
    "folder",
    ["02_network_security", "02_network_security/scanner", "02_network_security/scanner/ports"],
)
def test_folder_arguments_at_or_below_a_non_identifier_package(
    repo: Path, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    write_tree(repo, NUMBERED)

    assert run(capsys, folder) == (1, [NUMBERED_LH104])
    assert py_files(repo) == sorted(NUMBERED)


def test_deleting_the_init_file_makes_it_a_plain_folder(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {**NUMBERED, "README.md": "x"})
    init_repo(repo)
    git(repo, "rm", "-q", "02_network_security/__init__.py")

    # The deletion alone is passed on: the folders below are decided afresh, and
    # `scanner/` is a top-level package now.
    code, out = run(capsys, "--no-fix")

    assert code == 1
    assert out == [
        "02_network_security/scanner/ports/__init__.py:1:1: LH101 package folder"
        " `02_network_security/scanner/ports/` has modules but no `__init__.py`"
        " (inside package `02_network_security/scanner/`)",
        "02_network_security/scanner/ports/tcp/__init__.py:1:1: LH101 package folder"
        " `02_network_security/scanner/ports/tcp/` has modules but no `__init__.py`"
        " (inside package `02_network_security/scanner/ports/`)",
    ]


def test_non_identifier_package_finding_is_silenced_in_its_init_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {**NUMBERED, "02_network_security/__init__.py": "# lucid: ignore[LH104]\n"})

    assert run(capsys, *py_files(repo)) == (0, [])
    assert py_files(repo) == sorted(NUMBERED)


def test_non_identifier_folder_under_a_package_root(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"services/02-legacy/app.py": MODULE, "services/02-legacy/sub/m.py": MODULE})

    code, out = run(capsys, "--package-root", "services/*", *py_files(repo))

    assert code == 1
    assert out == [
        "services/02-legacy/__init__.py:1:1: LH104 no import statement can name `02-legacy/`"
        " under a package root: rename it (and the paths to it in scripts, CI files,"
        " Dockerfiles) or exclude it"
    ]
    assert not (repo / "services/02-legacy/sub/__init__.py").exists()


# A tree on which the hook reports every one of its rules, with names as long
# as real repositories use.
EVERY_RULE = {
    **NUMBERED,
    "services/payments/__init__.py": "",
    "services/payments/webhooks/stripe_events.py": MODULE,  # LH101 inside a package
    "services/payments/adapters/stripe/__init__.py": "",  # LH102 between packages
    "services/payments/settings.py": MODULE,
    "services/payments/settings/loader.py": MODULE,  # LH103
    "services/payments/my-tools/export_ledger.py": MODULE,  # LH104 subpackage
    "services/payments/02-reports/monthly/__init__.py": "",  # LH104, leading to a package
    "services/02-legacy/billing_v1.py": MODULE,  # LH104 under a package root
    "services/ledger/api.py": MODULE,  # LH101 under a package root
    "services/billing/jobs/nightly/__init__.py": "",  # LH102 under a package root, then inside
}


def test_every_message_line_is_under_200_characters(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, EVERY_RULE)

    code, out = run(capsys, "--no-fix", "--package-root", "services/*", *py_files(repo))

    assert code == 1
    assert {line.split(" ")[1] for line in out} == {rule.code for rule in RULES}
    assert len(out) == 10, "every form of every message"
    for line in out:
        assert len(line) < 200, line


@pytest.mark.parametrize(
    "sibling", ["config.py", "config.pyi", "config.cpython-311-x86_64-linux-gnu.so", "config.pyd"]
)
def test_never_where_it_would_shadow_a_sibling_module(
    repo: Path, capsys: pytest.CaptureFixture[str], sibling: str
) -> None:
    write_tree(
        repo, {"pkg/__init__.py": "", f"pkg/{sibling}": MODULE, "pkg/config/loader.py": MODULE}
    )

    code, out = run(capsys, *py_files(repo))

    assert code == 1
    assert len(out) == 1
    assert out[0] == (
        f"pkg/config/__init__.py:1:1: LH103 `config/` needs an `__init__.py`, which would shadow"
        f" `{sibling}`: rename one of them, or move the module's code into the `__init__.py`"
    )
    assert not (repo / "pkg/config/__init__.py").exists()


def test_changing_the_shadowed_module_rechecks_the_folder(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo, {"pkg/__init__.py": "", "pkg/config.py": MODULE, "pkg/config/loader.py": MODULE}
    )

    code, out = run(capsys, "pkg/config.py")

    assert code == 1
    assert "LH103" in out[0]


@pytest.mark.parametrize("script", [SCRIPT, PEP723_SCRIPT, "\ufeff" + SCRIPT])
def test_never_in_folder_of_scripts(
    repo: Path, capsys: pytest.CaptureFixture[str], script: str
) -> None:
    write_tree(repo, {"pkg/__init__.py": "", "pkg/bin/run.py": script, "pkg/bin/other.py": script})

    assert run(capsys, *py_files(repo)) == (0, [])
    assert not (repo / "pkg/bin/__init__.py").exists()


def test_a_module_among_scripts_makes_a_package(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"pkg/__init__.py": "", "pkg/bin/run.py": SCRIPT, "pkg/bin/lib.py": MODULE})

    code, out = run(capsys, *py_files(repo))

    assert code == 1
    assert "Created pkg/bin/__init__.py" in out


def test_never_in_folder_without_python_modules(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "pkg/__init__.py": "",
            "pkg/data/readme.txt": "x",
            "pkg/stubs/api.pyi": "def f() -> int: ...\n",
        },
    )

    assert run(capsys, "pkg/__init__.py", "pkg/stubs/api.pyi") == (0, [])
    assert not (repo / "pkg/data/__init__.py").exists()
    assert not (repo / "pkg/stubs/__init__.py").exists()


def test_never_through_or_inside_a_symlinked_folder(
    tmp_path: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = write_tree(tmp_path / "outside", {"mod.py": MODULE, "deep/inner.py": MODULE})
    write_tree(repo, {"pkg/__init__.py": "", "pkg/real/mod.py": MODULE})
    (repo / "pkg/linked").symlink_to(outside, target_is_directory=True)
    (repo / "pkg/inner_link").symlink_to(repo / "pkg/real", target_is_directory=True)

    code, out = run(
        capsys,
        "--no-fix",
        "pkg/linked/mod.py",
        "pkg/linked/deep/inner.py",
        "pkg/inner_link/mod.py",
    )

    assert code == 0, out
    code, out = run(capsys, "pkg/linked/mod.py", "pkg/linked/deep/inner.py", "pkg")
    assert out == [
        "pkg/real/__init__.py:1:1: LH101 package folder `pkg/real/` has modules but no"
        " `__init__.py` (inside package `pkg/`)",
        "Created pkg/real/__init__.py",
    ]
    assert sorted(p.name for p in outside.rglob("*")) == ["deep", "inner.py", "mod.py"]


def test_dangling_symlink_in_place_of_init_is_never_written_through(
    tmp_path: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"pkg/__init__.py": "", "pkg/sub/mod.py": MODULE})
    target = tmp_path / "elsewhere.py"
    (repo / "pkg/sub/__init__.py").symlink_to(target)

    assert run(capsys, "pkg/sub/mod.py") == (0, [])
    assert not target.exists()


@pytest.mark.parametrize(
    ("config", "args"),
    [
        ('[tool.lucid-hooks]\nexclude = ["wallet/walletd"]\n', []),
        ('[tool.lucid-hooks.check-init-files]\nnamespace-packages = ["walletd"]\n', []),
        ("", ["--namespace-package", "wallet/walletd"]),
        ('[tool.lucid-hooks]\nper-file-ignores = { "wallet/walletd" = ["LH101"] }\n', []),
        ('[tool.lucid-hooks]\nignore = ["LH1"]\n', []),
    ],
)
def test_excluded_namespace_and_ignored_folders_are_left_alone(
    repo: Path, capsys: pytest.CaptureFixture[str], config: str, args: list[str]
) -> None:
    write_tree(repo, {**WALLET, "pyproject.toml": config})

    assert run(capsys, *args, *py_files(repo)) == (0, [])
    assert not (repo / "wallet/walletd/__init__.py").exists()


def test_intermediate_folder_between_packages(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {"pkg/__init__.py": "", "pkg/sub/inner/__init__.py": "", "pkg/sub/inner/m.py": MODULE},
    )

    code, out = run(capsys, "pkg/sub/inner/m.py")

    assert code == 1
    assert out == [
        "pkg/sub/__init__.py:1:1: LH102 this folder lies between package `pkg/` and"
        " `inner/` below it but has no `__init__.py`",
        "Created pkg/sub/__init__.py",
    ]


def test_a_chain_of_missing_files_is_fixed_in_one_run(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"pkg/__init__.py": "", "pkg/a/m.py": MODULE, "pkg/a/b/c/n.py": MODULE})

    code, out = run(capsys, "pkg/a/b/c/n.py")

    assert code == 1
    assert [line for line in out if line.startswith("Created")] == [
        "Created pkg/a/__init__.py",
        "Created pkg/a/b/__init__.py",
        "Created pkg/a/b/c/__init__.py",
    ]
    assert run(capsys, *py_files(repo)) == (0, [])


def test_package_roots_make_every_subfolder_a_package(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"services/api/app.py": MODULE, "services/api/routes/users.py": MODULE})

    assert run(capsys, *py_files(repo)) == (0, [])

    code, out = run(capsys, "--package-root", "services/*", *py_files(repo))
    assert code == 1
    assert [line for line in out if line.startswith("Created")] == [
        "Created services/api/__init__.py",
        "Created services/api/routes/__init__.py",
    ]
    assert not (repo / "services/__init__.py").exists()


def test_new_init_file_rechecks_the_folders_below(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"pkg/__init__.py": "", "pkg/deep/er/m.py": MODULE})

    code, out = run(capsys, "--no-fix", "pkg/__init__.py")

    assert code == 1
    assert [line.split(":")[0] for line in out] == [
        "pkg/deep/__init__.py",
        "pkg/deep/er/__init__.py",
    ]


def test_deleted_init_is_caught_on_the_commit_that_deletes_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {**WALLET, "wallet/walletd/__init__.py": "", "README.md": "x"})
    init_repo(repo)
    git(repo, "rm", "-q", "wallet/walletd/__init__.py")

    # pre-commit passes no file of that folder: the deletion alone must be found.
    code, out = run(capsys, "--no-fix")

    assert code == 1
    assert out[0].startswith("wallet/walletd/__init__.py:1:1: LH101 ")


def test_folder_argument_checks_the_whole_subtree(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, WALLET)

    code, out = run(capsys, "--no-fix", "wallet")

    assert code == 1
    assert out[0].startswith("wallet/walletd/__init__.py")


def test_json_and_github_formats(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, WALLET)

    code, out = run(capsys, "--no-fix", "--format", "json", "wallet/walletd/key_rotation.py")
    document = json.loads("\n".join(out))
    assert code == 1
    assert document["findings"][0]["code"] == "LH101"
    assert document["findings"][0]["name"] == "missing-init-file"
    assert document["findings"][0]["fixable"] is True
    assert document["findings"][0]["fixed"] is None

    code, out = run(capsys, "--format", "github", "wallet/walletd/key_rotation.py")
    assert out[0].startswith(
        "::warning file=wallet/walletd/__init__.py,line=1,col=1,title=LH101::"
    )
    assert out[1] == "::notice::Created wallet/walletd/__init__.py"


ODD_NAMES = ["with space", "new\nline", "brack[ets]", "dollar$x", "eq=al", "naïve", "tab\tbed"]


@pytest.mark.parametrize("odd", ODD_NAMES)
def test_odd_file_names_never_break_the_hook(
    repo: Path, capsys: pytest.CaptureFixture[str], odd: str
) -> None:
    write_tree(repo, {"pkg/__init__.py": "", f"pkg/sub/{odd}.py": MODULE})

    code, out = run(capsys, f"pkg/sub/{odd}.py")

    assert code == 1
    assert out[-1] == "Created pkg/sub/__init__.py"


def test_undecodable_file_name_and_folder_name(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"pkg/__init__.py": ""})
    folder = os.path.join(os.fsencode(repo), b"pkg", b"d\xffir")
    os.makedirs(folder)
    with open(os.path.join(folder, b"m\xfe.py"), "wb") as file:
        file.write(MODULE.encode())

    code, out = run(capsys, os.fsdecode(os.path.join(b"pkg", b"d\xffir", b"m\xfe.py")))

    assert code == 1
    assert out == [
        "pkg/d\\xffir/__init__.py:1:1: LH104 no import statement can name subpackage `d\\xffir/`:"
        " rename it (and the paths to it in scripts, CI files, Dockerfiles) or exclude it"
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02binary\xff\xfe",
        b"\xef\xbb\xbfimport os\n",
        b"print 'python 2'\n",
        b"def broken(:\n",
        b"x = 1\n" * 1_000_000,
    ],
    ids=["nul-bytes", "bom", "python2", "syntax-error", "huge"],
)
def test_bad_file_contents_are_plain_modules(
    repo: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    write_tree(repo, {"pkg/__init__.py": "", "pkg/sub/m.py": content})

    code, out = run(capsys, "--no-fix", "pkg/sub/m.py")

    assert code == 1
    assert "LH101" in out[0]


def test_unreadable_module_blocks_the_fix(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"pkg/__init__.py": "", "pkg/sub/m.py": MODULE})
    if os.geteuid() == 0:
        # root reads anything; a link to a file that fails on read stands in.
        if not os.path.exists("/proc/self/mem"):
            pytest.skip("needs /proc/self/mem when running as root")
        (repo / "pkg/sub/m.py").unlink()
        (repo / "pkg/sub/m.py").symlink_to("/proc/self/mem")
    else:
        (repo / "pkg/sub/m.py").chmod(0)

    code, out = run(capsys, "pkg/sub/m.py")

    assert code == 1
    assert out[0].startswith("pkg/sub/m.py:1:1: LH001 cannot read file")
    assert not (repo / "pkg/sub/__init__.py").exists()


def test_dangling_links_and_loops_are_not_modules(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"pkg/__init__.py": ""})
    (repo / "pkg/sub").mkdir()
    (repo / "pkg/sub/dangling.py").symlink_to("missing.py")
    (repo / "pkg/sub/loop.py").symlink_to("loop.py")

    assert run(capsys, "pkg/sub/dangling.py", "pkg/sub/loop.py") == (0, [])


def test_missing_and_outside_paths_are_usage_errors(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, WALLET)

    code = main(["--no-fix", "gone.py", "../elsewhere.py", "wallet/walletd/key_rotation.py"])
    captured = capsys.readouterr()

    assert code == 2
    assert "check-init-files: error: gone.py: no such file or directory" in captured.err
    assert "../elsewhere.py: outside the repository" in captured.err
    assert "LH101" in captured.out
    assert "Traceback" not in captured.err


def test_broken_config_is_one_line_and_exit_2(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {**WALLET, "pyproject.toml": "[tool.lucid-hooks\nexclude = 3\n"})

    code = main(["wallet/keys.py"])
    captured = capsys.readouterr()

    assert code == 2
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("check-init-files: error: pyproject.toml: invalid TOML")
    assert not (repo / "wallet/walletd/__init__.py").exists()


def test_concurrent_fixers_create_the_file_once(repo: Path) -> None:
    write_tree(repo, WALLET)
    files = py_files(repo)
    command = [sys.executable, "-m", "lucid_hooks.check_init_files", *files]
    processes = [
        subprocess.Popen(command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(8)
    ]
    results = [(process.wait(), *process.communicate()) for process in processes]

    # Nothing, or the closing summary line of the one that fixed.
    assert all(not stderr or SUMMARY.fullmatch(stderr) for _, _, stderr in results), results
    outputs = b"".join(stdout for _, stdout, _ in results).decode()
    assert outputs.count("Created wallet/walletd/__init__.py") == 1
    assert {code for code, _, _ in results} <= {0, 1}
    assert (repo / "wallet/walletd/__init__.py").read_bytes() == b""


DEMO_LIKE = {
    **WALLET,
    "sessions/__init__.py": "",
    "sessions/api/__init__.py": "",
    "sessions/api/main.py": MODULE,
    "sessions/core/chunker.py": MODULE,
    "sessions/core/deep/er/merkle.py": MODULE,
    "sessions/bin/run.py": SCRIPT,
    "sessions/config.py": MODULE,
    "sessions/config/loader.py": MODULE,
    "sessions/my-tools/x.py": MODULE,
    "vm/main.py": MODULE,
    **NUMBERED,
}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_results_do_not_depend_on_batching(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    data: st.DataObject,
) -> None:
    files = sorted(DEMO_LIKE)
    batch_of = data.draw(st.lists(st.integers(0, 3), min_size=len(files), max_size=len(files)))
    batches = [[f for f, b in zip(files, batch_of) if b == index] for index in range(4)]

    def findings_and_tree(groups: list[list[str]], fix: bool) -> tuple[set[str], list[str]]:
        root = write_tree(tmp_path_factory.mktemp("batch"), DEMO_LIKE)
        lines: set[str] = set()
        cwd = os.getcwd()
        os.chdir(root)
        try:
            for group in groups:
                main([*([] if fix else ["--no-fix"]), *group])
                lines.update(capsys.readouterr().out.splitlines())
        finally:
            os.chdir(cwd)
        return lines, py_files(root)

    for fix in (False, True):
        one_batch = findings_and_tree([files], fix)
        many_batches = findings_and_tree([b for b in batches if b], fix)
        assert one_batch == many_batches


def test_a_folder_run_as_a_sys_path_root_needs_no_init(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python main.py` in sessions/api (its image's WORKDIR) puts the folder
    first on sys.path, and its modules import each other by bare name: it
    is a sys.path root, not a subpackage, even inside the package."""
    write_tree(
        repo,
        {
            "sessions/__init__.py": "",
            "sessions/api/main.py": "from routes import router\n",
            "sessions/api/routes.py": "router = 1\n",
        },
    )
    run_script = subprocess.run(
        [sys.executable, "-E", "-s", "sessions/api/main.py"], cwd=repo, check=False
    )
    assert run_script.returncode == 0
    assert run(capsys, "--no-fix", *py_files(repo)) == (0, [])


@pytest.mark.parametrize(
    ("importer", "parent"),
    [
        ("from sessions.api.routes import router\n", ""),  # through the folder's name
        ("from routes import router\nfrom .routes import router as again\n", ""),  # relative
        ("from routes import router\n", "from sessions.api.routes import router\n"),
        ("from routes import router\n", "from .api import routes\n"),
    ],
)
def test_a_folder_imported_as_a_package_still_needs_init(
    repo: Path, capsys: pytest.CaptureFixture[str], importer: str, parent: str
) -> None:
    write_tree(
        repo,
        {
            "sessions/__init__.py": "",
            "sessions/server.py": parent,
            "sessions/api/main.py": importer,
            "sessions/api/routes.py": "router = 1\n",
        },
    )
    code, out = run(capsys, "--no-fix", *py_files(repo))
    assert code == 1
    assert [line.split(": ")[1][:5] for line in out] == ["LH101"]
