"""lucid_hooks.registry: one declaration per hook, and everything derived
from it agrees with the manifest and the console scripts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from lucid_hooks import registry
from lucid_hooks.registry import FileSelection, Hook
from lucid_hooks.report import MANIFEST_ENTRY

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PROJECT = Path(__file__).resolve().parent.parent
HOOKS = registry.all_hooks()
MANIFEST_DEFAULTS = FileSelection()


def manifest_problems(project: Path, hooks: list[Hook]) -> list[str]:
    """How the manifest and the console scripts of ``project`` disagree with
    the registry's ``hooks``; empty when they agree."""
    manifest = yaml.safe_load((project / ".pre-commit-hooks.yaml").read_text())
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    scripts = pyproject["project"]["scripts"]
    entries = {entry["id"]: entry for entry in manifest}
    problems = []
    # The report's manual-stage hook is a command, not a registered hook.
    report_entry = entries.pop(MANIFEST_ENTRY["id"], None)
    if report_entry != MANIFEST_ENTRY:
        problems.append(f"manifest entry {report_entry!r} != the report's {MANIFEST_ENTRY!r}")
    ids = [hook.id for hook in hooks]
    if sorted(entries) != sorted(ids):
        problems.append(f"manifest ids {sorted(entries)} != registry ids {sorted(ids)}")
    if sorted(set(scripts) - {"lucid-hooks"}) != sorted(ids):
        problems.append(f"console scripts {sorted(scripts)} != registry ids {sorted(ids)}")
    for hook in hooks:
        entry = entries.get(hook.id, {})
        expected_script = f"{registry.module_name(hook.id)}:main"
        if scripts.get(hook.id) != expected_script:
            problems.append(f"{hook.id}: console script is not {expected_script}")
        problems.extend(f"{hook.id}: {problem}" for problem in entry_problems(entry, hook))
    return problems


def entry_problems(entry: dict[str, object], hook: Hook) -> list[str]:
    selection = hook.selection
    wanted: dict[str, object] = {
        "entry": hook.id,
        "language": "python",
        "name": hook.name,
        "description": hook.description,
        "types": list(selection.types),
        "types_or": list(selection.types_or),
        "exclude_types": list(selection.exclude_types),
        "files": selection.files,
        "exclude": selection.exclude,
        "always_run": selection.always_run,
        "require_serial": selection.require_serial,
    }
    defaults = MANIFEST_DEFAULTS._asdict()
    problems = []
    for key, value in wanted.items():
        given = entry.get(key, _default(defaults.get(key), key))
        if given != value:
            problems.append(f"{key} is {given!r}, the registry says {value!r}")
    return problems


def _default(value: object, key: str) -> object:
    if isinstance(value, tuple):
        return list(value)
    return value if value is not None or key not in ("always_run", "require_serial") else False


def test_registry_manifest_and_console_scripts_agree() -> None:
    assert manifest_problems(PROJECT, HOOKS) == []


def test_hook_ids_come_from_the_modules() -> None:
    assert registry.hook_ids() == sorted(hook.id for hook in HOOKS)
    assert [hook.id for hook in HOOKS] == [
        "check-init-files",
        "check-entry-point-imports",
        "check-cache-artifacts",
        "check-duplicate-modules",
        "check-distroless",
    ], "hooks run in the order of their codes"


@pytest.mark.parametrize("hook", HOOKS, ids=[hook.id for hook in HOOKS])
def test_each_hook_declares_itself_once(hook: Hook) -> None:
    assert registry.load_hook(hook.id) is hook
    assert hook.rules
    assert all(rule.hook == hook.id for rule in hook.rules)
    keys = [option.key for option in hook.options]
    assert len(keys) == len(set(keys))
    flags = [option.flag for option in hook.options if option.flag]
    assert len(flags) == len(set(flags))
    assert all(option.help and not option.help.endswith(".") for option in hook.options)


@pytest.mark.parametrize("hook", HOOKS, ids=[hook.id for hook in HOOKS])
def test_codes_read_from_source_equal_the_declarations(hook: Hook) -> None:
    assert registry.source_rules(hook.id) == [(rule.code, rule.name) for rule in hook.rules]


def test_declared_codes_know_every_rule() -> None:
    owners = registry.declared_codes()

    assert owners == {
        rule.code: ("" if rule.hook == "every hook" else rule.hook)
        for rule in registry.all_rules()
    }


@pytest.mark.parametrize(
    ("prefix", "known"),
    [("LH", True), ("LH0", True), ("LH1", True), ("LH101", True), ("LH999", False), ("XX", False)],
)
def test_known_code_prefix(prefix: str, known: bool) -> None:
    assert registry.known_code_prefix(prefix) is known


def test_find_rule_by_code_and_name() -> None:
    for rule in registry.all_rules():
        assert registry.find_rule(rule.code) is rule
        assert registry.find_rule(rule.code.lower()) is rule
        assert registry.find_rule(rule.name) is rule
    assert registry.find_rule("LH999") is None
    assert registry.find_rule("") is None


def test_validating_codes_of_other_hooks_imports_no_other_hook(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.lucid-hooks]\nignore = ["LH401", "LH3"]\n'
        '[tool.lucid-hooks.per-file-ignores]\n"x/*" = ["LH402"]\n'
    )
    script = textwrap.dedent(
        """
        import sys
        from lucid_hooks import check_init_files
        from lucid_hooks.config import load_config
        load_config(".")
        print(sorted(name for name in sys.modules if name.startswith("lucid_hooks.check_")))
        """
    )
    completed = subprocess.run(
        (sys.executable, "-c", script), cwd=tmp_path, capture_output=True, text=True, check=True
    )

    assert completed.stdout.strip() == "['lucid_hooks.check_init_files']"


# --- a new hook is one module, one manifest entry, one console script --------------


NEW_HOOK = '''
"""check-example: finds files named `TODO` (LH901)."""

from __future__ import annotations

import sys

from lucid_hooks.findings import Finding
from lucid_hooks.options import COUNT, Option
from lucid_hooks.registry import FileSelection, Hook
from lucid_hooks.report import MANIFEST_ENTRY
from lucid_hooks.rules import Rule
from lucid_hooks.runner import HookContext, run_hook

TODO_FILE = Rule(
    code="LH901",
    name="todo-file",
    hook="check-example",
    summary="A file is named TODO",
    explanation="A file named TODO is a note that belongs in the tracker.",
    bad="TODO",
    good="(no such file)",
)


def find(context: HookContext) -> list[Finding]:
    limit = context.number("max-todos")
    todos = [path for path in context.files if path.rpartition("/")[2] == "TODO"]
    if len(todos) <= limit:
        return []
    return [Finding(path, TODO_FILE.code, "a TODO file") for path in todos]


HOOK = Hook(
    id="check-example",
    name="check example",
    description="Finds files named TODO (LH9xx).",
    rules=(TODO_FILE,),
    options=(Option("max-todos", COUNT, 0, "TODO files allowed", flag="--max-todos"),),
    selection=FileSelection(types=("text",)),
    find=find,
)


def main(argv=None):
    return run_hook(HOOK, argv)


if __name__ == "__main__":
    sys.exit(main())
'''

NEW_ENTRY = """- id: check-example
  name: check example
  description: Finds files named TODO (LH9xx).
  entry: check-example
  language: python
  types: [text]
"""


@pytest.fixture
def project_with_new_hook(tmp_path: Path) -> Path:
    """A copy of this project with a hook added in the three places only."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in (".pre-commit-hooks.yaml", "pyproject.toml"):
        shutil.copy(PROJECT / name, copy / name)
    shutil.copytree(
        PROJECT / "lucid_hooks", copy / "lucid_hooks", ignore=shutil.ignore_patterns("*.pyc")
    )
    (copy / "lucid_hooks" / "check_example.py").write_text(NEW_HOOK)
    with (copy / ".pre-commit-hooks.yaml").open("a") as manifest:
        manifest.write(NEW_ENTRY)
    pyproject = (copy / "pyproject.toml").read_text()
    marker = 'lucid-hooks = "lucid_hooks.cli:main"\n'
    assert marker in pyproject
    pyproject = pyproject.replace(
        marker, marker + 'check-example = "lucid_hooks.check_example:main"\n'
    )
    (copy / "pyproject.toml").write_text(pyproject)
    return copy


def test_adding_a_hook_needs_only_three_places(project_with_new_hook: Path) -> None:
    project = project_with_new_hook
    repo = project / "repo"
    repo.mkdir()
    (repo / "TODO").write_text("later\n")
    # One interpreter runs the copy's `lucid-hooks` several times, as a user would.
    script = textwrap.dedent(
        f"""
        import contextlib, io, pathlib, sys
        sys.path.insert(0, {str(project)!r})
        sys.path.insert(1, {str(PROJECT / "tests")!r})
        from lucid_hooks import registry
        from lucid_hooks.cli import main
        from test_registry import manifest_problems
        assert "check-example" in registry.hook_ids(), registry.hook_ids()
        problems = manifest_problems(pathlib.Path({str(project)!r}), registry.all_hooks())
        assert problems == [], problems

        def run(*args, config):
            pathlib.Path("pyproject.toml").write_text(config)
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = main(list(args))
            return status, out.getvalue(), err.getvalue()

        good = "[tool.lucid-hooks.check-example]\\nmax-todos = 0\\n"
        status, out, err = run("rules", config=good)
        assert status == 0 and "LH901  todo-file" in out, (out, err)
        assert "max-todos = 0" in run("options", config=good)[1]
        assert run("check", config=good)[:2] == (1, "TODO:1:1: LH901 a TODO file\\n")
        bad = "[tool.lucid-hooks.check-example]\\nmax-todos = -1\\n"
        status, _, err = run("check", config=bad)
        assert status == 2 and "max-todos must be a whole number" in err, err
        print("ok")
        """
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}

    completed = subprocess.run(
        (sys.executable, "-c", script), cwd=repo, env=env, capture_output=True, text=True
    )

    assert (completed.returncode, completed.stdout) == (0, "ok\n"), completed.stderr
