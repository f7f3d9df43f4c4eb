"""The documentation and the demo promise only what exists."""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from pathlib import Path
from types import ModuleType

import pytest

from lucid_hooks.registry import all_rules

PROJECT = Path(__file__).resolve().parents[1]
DOCUMENTS = [
    PROJECT / "README.md",
    PROJECT / "examples" / "lucid-monorepo" / "README.md",
    *sorted((PROJECT / "docs").glob("*.md")),
]
CODE = re.compile(r"\bLH\d{3}\b")
FAMILY = re.compile(r"\bLH(\d)xx\b")
LINK = re.compile(r"\]\(([^)#\s]+)[^)]*\)")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_documents_name_only_rules_that_exist(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    codes = {rule.code for rule in all_rules()}
    families = {code[2] for code in codes}

    assert set(CODE.findall(text)) <= codes
    assert set(FAMILY.findall(text)) <= families


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_documents_link_only_to_files_of_this_repository(document: Path) -> None:
    text = document.read_text(encoding="utf-8")

    for target in LINK.findall(text):
        if target.startswith(("http://", "https://")):
            continue
        linked = (document.parent / target).resolve()
        assert linked.is_relative_to(PROJECT), target
        assert linked.exists(), target
    assert "shared/seed" not in text


def load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_demo", PROJECT / "examples" / "run_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("keep", [False, True])
def test_demo_cleans_up_and_its_closing_hint_works_as_printed(
    keep: bool, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    demo = load_demo()
    made: list[Path] = []
    # The two try-repo runs are what the end-to-end tests cover; here only
    # what the demo does around them.
    monkeypatch.setattr(demo, "show", made.append)
    monkeypatch.setattr(sys, "argv", ["run_demo.py", *(["--keep"] if keep else [])])

    assert demo.main() == 0

    (copy,) = made
    assert (copy / ".git").is_dir() is keep
    hint = capsys.readouterr().out.rstrip().splitlines()[-1]
    words = shlex.split(hint)
    if keep:
        assert words[:2] == ["cd", str(copy)]
        assert words[3:] == [sys.executable, "-m", "lucid_hooks", "check"]
        import shutil

        shutil.rmtree(copy.parent)
    else:
        assert not copy.parent.exists(), "the workspace is deleted"
        assert words == [sys.executable, str(PROJECT / "examples" / "run_demo.py"), "--keep"]
