"""lucid_hooks.config: ``[tool.lucid-hooks]`` in pyproject.toml, and how hooks use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lucid_hooks import check_init_files
from lucid_hooks.config import Config, ConfigError, load_config
from lucid_hooks.registry import all_rules
from tests.conftest import init_repo, write_tree

DEFAULT_INIT_OPTIONS = {"fix": True, "package-roots": (), "namespace-packages": ()}

PACKAGE_TREE = {"pkg/__init__.py": "", "pkg/sub/m.py": "X = 1\n"}


def load(root: Path, content: str | bytes) -> Config:
    write_tree(root, {"pyproject.toml": content})
    return load_config(str(root))


def config_error(root: Path, content: str | bytes) -> str:
    with pytest.raises(ConfigError) as raised:
        load(root, content)
    message = str(raised.value)
    assert message.startswith("pyproject.toml: ")
    assert "\n" not in message
    return message


def assert_defaults(config: Config) -> None:
    assert config.options("check-init-files") == DEFAULT_INIT_OPTIONS
    assert config.ignore == ()
    assert config.per_file_ignores == []
    assert config.excludes.matches(".git/config")
    assert config.excludes.matches("svc/node_modules/x.js")
    assert not config.excludes.matches("src/app.py")
    assert not config.is_ignored("LH101", "pkg/sub/__init__.py")


# --- defaults --------------------------------------------------------------------


def test_no_pyproject_gives_defaults(tmp_path: Path) -> None:
    assert_defaults(load_config(str(tmp_path)))


def test_config_without_section_is_defaults() -> None:
    assert_defaults(Config())
    assert_defaults(Config({}))


@pytest.mark.parametrize(
    "content",
    [
        '[project]\nname = "x"\n',
        "[tool.ruff]\nline-length = 99\n",
        # Broken, but never mentions lucid-hooks: none of our business.
        "[project\nname = = \n",
        b"\xff\xfe[broken",
        # Mentions lucid-hooks (as a dependency) but has no section.
        '[project]\nname = "x"\ndependencies = ["lucid-hooks>=0.1"]\n',
        '[tool.other]\nnote = "see [tool.lucid-hooks] later"\n',
    ],
)
def test_pyproject_without_section_gives_defaults(tmp_path: Path, content: str | bytes) -> None:
    assert_defaults(load(tmp_path, content))


def test_empty_section_gives_defaults(tmp_path: Path) -> None:
    assert_defaults(load(tmp_path, "[tool.lucid-hooks]\n"))


def test_options_returns_a_copy() -> None:
    config = Config()

    options = config.options("check-init-files")
    options["fix"] = False

    assert config.options("check-init-files")["fix"] is True


# --- valid sections --------------------------------------------------------------


def test_valid_section(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """
[tool.lucid-hooks]
exclude = ["generated", "legacy/*.py"]
ignore = ["LH104"]

[tool.lucid-hooks.per-file-ignores]
"tests/*" = ["LH1"]

[tool.lucid-hooks.check-init-files]
fix = false
package-roots = ["services/*"]
namespace-packages = ["plugins"]
""",
    )

    assert config.options("check-init-files") == {
        "fix": False,
        "package-roots": ["services/*"],
        "namespace-packages": ["plugins"],
    }
    assert config.ignore == ("LH104",)
    assert config.excludes.matches("src/generated/x.py")
    assert config.excludes.matches("legacy/old.py")
    assert not config.excludes.matches("legacy/sub/old.py")
    assert config.excludes.matches(".git/HEAD"), "the built-in excludes stay"
    assert config.is_ignored("LH101", "tests/unit/__init__.py")
    assert config.is_ignored("LH104", "anywhere/__init__.py")
    assert not config.is_ignored("LH101", "src/__init__.py")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("fix = false", {"fix": False}),
        ("fix = true", {"fix": True}),
        ('package-roots = ["services/*", "libs"]', {"package-roots": ["services/*", "libs"]}),
        ('namespace-packages = ["plugins/**"]', {"namespace-packages": ["plugins/**"]}),
        ("package-roots = []", {"package-roots": []}),
    ],
)
def test_each_check_init_files_option(
    tmp_path: Path, body: str, expected: dict[str, object]
) -> None:
    config = load(tmp_path, f"[tool.lucid-hooks.check-init-files]\n{body}\n")

    assert config.options("check-init-files") == {**DEFAULT_INIT_OPTIONS, **expected}


def test_dotted_keys_are_the_same_section(tmp_path: Path) -> None:
    config = load(tmp_path, '[tool]\n"lucid-hooks".check-init-files.fix = false\n')

    assert config.options("check-init-files")["fix"] is False


# --- errors ----------------------------------------------------------------------


def test_unknown_global_key_is_named(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[tool.lucid-hooks]\nexlude = ["build"]\n')

    assert "'exlude'" in message
    assert "exclude" in message.partition("known")[2]


def test_unknown_hook_key_is_named(tmp_path: Path) -> None:
    message = config_error(tmp_path, "[tool.lucid-hooks.check-init-files]\nfixx = true\n")

    assert "'fixx'" in message
    assert "check-init-files" in message


def test_unknown_hook_table_is_named(tmp_path: Path) -> None:
    message = config_error(tmp_path, "[tool.lucid-hooks.check-inits]\nfix = true\n")

    assert "'check-inits'" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('[tool.lucid-hooks]\nexclude = "build"\n', "exclude must be a list of glob"),
        ("[tool.lucid-hooks]\nexclude = [1]\n", "exclude must be a list of glob"),
        ('[tool.lucid-hooks]\nignore = "LH1"\n', "ignore must be a list of rule codes"),
        ("[tool.lucid-hooks]\nignore = [101]\n", "ignore must be a list of rule codes"),
        ('[tool.lucid-hooks]\nper-file-ignores = ["x"]\n', "per-file-ignores must be a table"),
        (
            '[tool.lucid-hooks.per-file-ignores]\n"tests/*" = "LH1"\n',
            "must be a list of rule codes",
        ),
        ("[tool.lucid-hooks]\ncheck-init-files = true\n", "must be a table"),
        ('[tool.lucid-hooks.check-init-files]\nfix = "no"\n', "fix must be true or false"),
        ("[tool.lucid-hooks.check-init-files]\nfix = 0\n", "fix must be true or false"),
        (
            '[tool.lucid-hooks.check-init-files]\npackage-roots = "services"\n',
            "package-roots must be a list of glob",
        ),
        (
            "[tool.lucid-hooks.check-init-files]\nnamespace-packages = [[]]\n",
            "namespace-packages must be a list of glob",
        ),
        ("tool = 3  # lucid-hooks\n", "[tool] must be a table"),
        ('[tool]\nlucid-hooks = "on"\n', "[tool.lucid-hooks] must be a table"),
    ],
)
def test_wrong_types(tmp_path: Path, content: str, expected: str) -> None:
    assert expected in config_error(tmp_path, content)


@pytest.mark.parametrize(
    "content",
    [
        "[tool.lucid-hooks]\nexclude = [\n",
        "[tool.lucid-hooks\n",
        "[tool.lucid-hooks]\nfix = true\nfix = false\n",
        "[tool.lucid-hooks]\n[tool.lucid-hooks]\n",
        '[tool.lucid-hooks]\nexclude = ["a"] junk\n',
    ],
)
def test_invalid_toml(tmp_path: Path, content: str) -> None:
    assert "invalid TOML" in config_error(tmp_path, content)


def test_non_utf8_file(tmp_path: Path) -> None:
    message = config_error(tmp_path, b'[tool.lucid-hooks]\nexclude = ["caf\xe9"]\n')

    assert "UTF-8" in message


def test_pyproject_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").mkdir()

    with pytest.raises(ConfigError) as raised:
        load_config(str(tmp_path))

    assert "cannot read" in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("content", "bad"),
    [
        ('[tool.lucid-hooks]\nexclude = ["[z-a]"]\n', "[z-a]"),
        ('[tool.lucid-hooks]\nexclude = [""]\n', "''"),
        ('[tool.lucid-hooks]\nexclude = ["ok", "/"]\n', "'/'"),
        ('[tool.lucid-hooks.per-file-ignores]\n"[z-a]" = ["LH1"]\n', "[z-a]"),
        ('[tool.lucid-hooks.check-init-files]\npackage-roots = ["[z-a]/*"]\n', "[z-a]/*"),
        ('[tool.lucid-hooks.check-init-files]\nnamespace-packages = [""]\n', "''"),
    ],
)
def test_bad_globs(tmp_path: Path, content: str, bad: str) -> None:
    message = config_error(tmp_path, content)

    assert bad in message
    assert "glob" in message


@pytest.mark.parametrize("code", ["LH0", "LH1", "LH10", "LH101", "LH001"])
def test_known_codes_and_prefixes(tmp_path: Path, code: str) -> None:
    config = load(
        tmp_path,
        f'[tool.lucid-hooks]\nignore = ["{code}"]\n'
        f'[tool.lucid-hooks.per-file-ignores]\n"x/*" = ["{code}"]\n',
    )

    assert config.ignore == (code,)


@pytest.mark.parametrize("code", ["LH999", "LH9", "XX1", "lh101", "LH1011", "101", "LH 101", ""])
def test_unknown_codes_are_rejected(tmp_path: Path, code: str) -> None:
    message = config_error(tmp_path, f'[tool.lucid-hooks]\nignore = ["{code}"]\n')

    assert repr(code) in message
    assert "rule code" in message


def test_unknown_code_in_per_file_ignores_is_rejected(tmp_path: Path) -> None:
    message = config_error(
        tmp_path, '[tool.lucid-hooks.per-file-ignores]\n"tests/*" = ["LH101", "LH999"]\n'
    )

    assert "'LH999'" in message
    assert "tests/*" in message


def test_config_validates_when_built_directly() -> None:
    with pytest.raises(ConfigError, match="'bogus'"):
        Config({"bogus": 1})


# --- matching --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "path", "expected"),
    [
        ("LH101", "tests/__init__.py", True),
        ("LH102", "tests/unit/deep/__init__.py", True),
        ("LH101", "src/tests/__init__.py", False),
        ("LH001", "tests/a.py", False),
        ("LH101", "a/b/c.pyi", True),
        ("LH102", "a/b/c.pyi", False),
        ("LH001", "src/legacy/x.py", True),
        ("LH103", "legacy/x/__init__.py", True),
        ("LH104", "legacy.py", False),
        ("LH104", "any/where.py", False),
    ],
)
def test_per_file_ignores_matching(code: str, path: str, expected: bool) -> None:
    config = Config(
        {
            "per-file-ignores": {
                "tests/*": ["LH1"],
                "*.pyi": ["LH101"],
                "legacy": ["LH0", "LH103"],
            }
        }
    )

    assert config.is_ignored(code, path) is expected


def test_global_ignore_is_a_prefix_everywhere() -> None:
    config = Config({"ignore": ["LH10"]})

    assert config.is_ignored("LH101", "a.py")
    assert config.is_ignored("LH104", "deep/down/x.py")
    assert not config.is_ignored("LH001", "a.py")


def test_nothing_ignored_without_configuration() -> None:
    config = Config({"exclude": ["build"]})

    assert not config.is_ignored("LH101", "build/x.py")
    assert not config.is_ignored("LH001", "x.py")


def test_rules_off_by_default_are_on_only_when_selected() -> None:
    rules = {rule.code: rule for rule in all_rules()}
    off = {code for code, rule in rules.items() if not rule.default}
    assert "LH212" in off

    assert Config().unselected(rules.values()) == off
    assert Config({"extend-select": ["LH21"]}).unselected(rules.values()) == off - {"LH212"}
    assert Config({"extend-select": ["LH101"]}).unselected(rules.values()) == off


def test_extend_select_takes_rule_codes(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[tool.lucid-hooks]\nextend-select = ["LH9"]\n')
    assert "extend-select: 'LH9' is not a rule code, prefix or name" in message


# --- through a hook --------------------------------------------------------------


BROKEN_CONFIGS: list[tuple[str, str | bytes | None, str]] = [
    ("invalid-toml", "[tool.lucid-hooks]\nexclude = [\n", "invalid TOML"),
    ("unknown-key", "[tool.lucid-hooks]\nexlude = []\n", "'exlude'"),
    ("unknown-hook-key", "[tool.lucid-hooks.check-init-files]\nfixx = 1\n", "'fixx'"),
    ("wrong-type", '[tool.lucid-hooks.check-init-files]\nfix = "yes"\n', "true or false"),
    ("bad-code", '[tool.lucid-hooks]\nignore = ["LH999"]\n', "'LH999'"),
    ("not-utf8", b"[tool.lucid-hooks]\n# caf\xe9\n", "UTF-8"),
    ("a-folder", None, "cannot read"),
]


@pytest.mark.parametrize(
    ("content", "expected"),
    [(content, expected) for _, content, expected in BROKEN_CONFIGS],
    ids=[name for name, _, _ in BROKEN_CONFIGS],
)
def test_hook_with_broken_config_exits_2_with_one_line(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes | None,
    expected: str,
) -> None:
    write_tree(repo, PACKAGE_TREE)
    if content is None:
        (repo / "pyproject.toml").mkdir()
    else:
        write_tree(repo, {"pyproject.toml": content})

    status = check_init_files.main(["pkg/__init__.py", "pkg/sub/m.py"])

    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("check-init-files: error: pyproject.toml: ")
    assert expected in lines[0]
    assert "Traceback" not in captured.err
    assert not (repo / "pkg" / "sub" / "__init__.py").exists()


def test_hook_finds_config_at_root_from_a_subfolder(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(repo, {**PACKAGE_TREE, "pyproject.toml": "[tool.lucid-hooks]\nbogus = 1\n"})
    init_repo(repo)
    monkeypatch.chdir(repo / "pkg")

    status = check_init_files.main(["sub/m.py"])

    assert status == 2
    assert "'bogus'" in capsys.readouterr().err


def test_config_fix_false_and_command_line_override(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {**PACKAGE_TREE, "pyproject.toml": "[tool.lucid-hooks.check-init-files]\nfix = false\n"},
    )
    created = repo / "pkg" / "sub" / "__init__.py"

    assert check_init_files.main(["pkg/sub/m.py"]) == 1
    assert "LH101" in capsys.readouterr().out
    assert not created.exists()

    assert check_init_files.main(["--fix", "pkg/sub/m.py"]) == 1
    assert "Created pkg/sub/__init__.py" in capsys.readouterr().out
    assert created.exists()


def test_command_line_no_fix_overrides_config_fix_true(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {**PACKAGE_TREE, "pyproject.toml": "[tool.lucid-hooks.check-init-files]\nfix = true\n"},
    )

    assert check_init_files.main(["--no-fix", "pkg/sub/m.py"]) == 1
    assert "LH101" in capsys.readouterr().out
    assert not (repo / "pkg" / "sub" / "__init__.py").exists()


@pytest.mark.parametrize(
    "section",
    [
        '[tool.lucid-hooks]\nexclude = ["pkg/sub"]\n',
        '[tool.lucid-hooks]\nignore = ["LH1"]\n',
        '[tool.lucid-hooks.per-file-ignores]\n"pkg/sub/*" = ["LH101"]\n',
    ],
)
def test_config_silences_the_hook_and_its_fix(
    repo: Path, capsys: pytest.CaptureFixture[str], section: str
) -> None:
    write_tree(repo, {**PACKAGE_TREE, "pyproject.toml": section})

    status = check_init_files.main(["pkg/__init__.py", "pkg/sub/m.py"])

    assert (status, capsys.readouterr().out) == (0, "")
    assert not (repo / "pkg" / "sub" / "__init__.py").exists()


def test_a_bom_at_the_start_is_accepted(tmp_path: Path) -> None:
    config = load(tmp_path, b'\xef\xbb\xbf[tool.lucid-hooks]\nignore = ["LH104"]\n')

    assert config.ignore == ("LH104",)


def test_a_hook_tables_options_are_checked_by_that_hooks_declaration(tmp_path: Path) -> None:
    message = config_error(
        tmp_path, "[tool.lucid-hooks.check-duplicate-modules]\npackage-roots = []\n"
    )

    assert "unknown key 'package-roots' in [tool.lucid-hooks.check-duplicate-modules]" in message
    assert "known: generated-markers, min-lines, similarity" in message
