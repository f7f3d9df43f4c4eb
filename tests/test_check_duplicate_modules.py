"""check-duplicate-modules: copies, near copies, redundant Dockerfiles."""

from __future__ import annotations

import contextlib
import io
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lucid_hooks import check_duplicate_modules as hook
from lucid_hooks import snapshot as snapshot_module
from lucid_hooks.check_duplicate_modules import is_dockerfile_path, is_python_path, main
from lucid_hooks.snapshot import Snapshot
from tests.conftest import git, init_repo, write_tree

RECORDER = '''"""Records a session: frames with their time."""
import time


class SessionRecorder:
    def __init__(self, path):
        self.path = path
        self.frames = []

    def record(self, frame):
        self.frames.append((time.time(), frame))
        return len(self.frames)
'''

# The same tokens: other comments, blank lines, indentation width, wrapping,
# a line continuation, CRLF line ends.
RECORDER_REFORMATTED = (
    "# legacy copy, kept for the old import path\n"
    '"""Records a session: frames with their time."""\n'
    "import time\n"
    "class SessionRecorder:  # the recorder\n"
    "  def __init__(self, path):\n"
    "    self.path = \\\n"
    "        path\n"
    "\n"
    "    self.frames = [\n"
    "    ]\n"
    "  def record(self, frame):\n"
    "    self.frames.append((time.time(),\n"
    "                        frame))\n"
    "    return len(self.frames)\n"
).replace("\n", "\r\n")

LEFTOVER_MESSAGE = (
    "sessions/session_recorder.py:1:1: LH401 same code as `sessions/recorder/session_recorder.py`:"
    " this is the leftover (subpackage `recorder/` is named for it); delete it"
)
KEEPER_MESSAGE = (
    "sessions/recorder/session_recorder.py:1:1: LH401 same code as `sessions/session_recorder.py`,"
    " the leftover (subpackage `recorder/` is named for it): delete that copy"
)
KEEP_ONE = "keep one copy and import it where the other is used"


def module(seed: int, lines: int = 30) -> str:
    """A distinct module of ``lines`` functions."""
    rng = random.Random(seed)
    return "".join(
        f"def f_{seed}_{n}(x):\n    return x * {rng.randrange(10**9)} + {n}\n"
        for n in range(lines)
    )


def near_copy(source: str, changed: int) -> str:
    """``source`` with the constants of its first ``changed`` functions altered."""
    lines = source.splitlines(keepends=True)
    for n in range(changed):
        lines[2 * n + 1] = f"    return x - {n}\n"
    return "".join(lines)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out.splitlines()


def codes(out: list[str]) -> list[str]:
    return [line.split(" ")[1] for line in out]


def tracked(repo: Path) -> list[str]:
    return git(repo, "ls-files").splitlines()


# --- which files the hook takes ---------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "a.py",
        "A.PY",
        "stubs.pyi",
        "Dockerfile",
        "Dockerfile.api",
        "api.Dockerfile",
        "Containerfile",
        "Dockerfile-dev",
        "api.dockerfile",
        "dockerfile",
        "requirements.txt",
        "mod.pyc",
    ],
)
def test_the_files_compared_are_those_identify_tags(name: str) -> None:
    from identify.identify import tags_from_filename

    path = f"some/folder/{name}"
    tags = tags_from_filename(path)
    assert is_python_path(path) == ("python" in tags)
    assert (is_dockerfile_path(path) and not is_python_path(path)) == ("dockerfile" in tags)


# --- LH401 exact duplicates --------------------------------------------------


def test_seed_duplicate_names_the_leftover(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        repo,
        {
            "sessions/__init__.py": "",
            "sessions/recorder/__init__.py": "",
            "sessions/recorder/session_recorder.py": RECORDER,
            "sessions/session_recorder.py": RECORDER_REFORMATTED,
        },
    )
    init_repo(repo)

    from_leftover = run(capsys, "sessions/session_recorder.py")
    from_keeper = run(capsys, "sessions/recorder/session_recorder.py")
    from_both = run(capsys, *tracked(repo))

    # Each passed copy gets its own line: so pre-commit's batches, each of
    # its own files, print together what one run over both prints.
    assert from_leftover == (1, [LEFTOVER_MESSAGE])
    assert from_keeper == (1, [KEEPER_MESSAGE])
    assert from_both == (1, [KEEPER_MESSAGE, LEFTOVER_MESSAGE])


def test_twin_is_found_among_tracked_files_not_passed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"a/util.py": RECORDER, "b/tools.py": RECORDER, "c/other.py": module(1)})
    init_repo(repo)

    code, out = run(capsys, "c/other.py")
    assert (code, out) == (0, [])

    code, out = run(capsys, "a/util.py")
    assert code == 1
    assert out == [f"a/util.py:1:1: LH401 same code as `b/tools.py`: {KEEP_ONE}"]


def test_untracked_copy_is_not_a_twin_unless_passed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"a/util.py": RECORDER})
    init_repo(repo)
    write_tree(repo, {"scratch/util.py": RECORDER})

    assert run(capsys, "a/util.py") == (0, [])
    code, out = run(capsys, "scratch/util.py")
    assert code == 1
    assert codes(out) == ["LH401"]


def test_outside_git_every_file_on_disk_counts(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"a/util.py": RECORDER, "b/util.py": RECORDER, ".venv/lib/util.py": RECORDER})

    code, out = run(capsys, "a/util.py")

    assert code == 1
    assert out == [f"a/util.py:1:1: LH401 same code as `b/util.py`: {KEEP_ONE}"]


def test_group_of_copies_names_the_keeper(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"a.py": RECORDER, "b.py": RECORDER, "c.py": RECORDER})
    init_repo(repo)

    assert run(capsys, "a.py") == (
        1,
        [f"a.py:1:1: LH401 same code as `b.py`: {KEEP_ONE} (1 more copy)"],
    )
    assert run(capsys, "c.py") == (1, [f"c.py:1:1: LH401 same code as `a.py`: {KEEP_ONE}"])


def test_code_differences_are_not_duplicates(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            # Same skeleton, different string contents after a `#`.
            "colors/dark.py": 'BACKGROUND = "#000000"\nFOREGROUND = "#ffffff"\n',
            "colors/light.py": 'BACKGROUND = "#ffffff"\nFOREGROUND = "#000000"\n',
            # Same skeleton, different indentation.
            "flow/a.py": "if x:\n    a()\n    b()\n",
            "flow/b.py": "if x:\n    a()\nb()\n",
            # Same skeleton, different tokens.
            "words/a.py": "x = not y\n",
            "words/b.py": "x = noty\n",
        },
    )
    init_repo(repo)

    assert run(capsys, *tracked(repo)) == (0, [])


@pytest.mark.parametrize(
    "content",
    [
        "",
        "\n\n   \n",
        "# only a comment\n",
        '"""Only a docstring."""\n',
        '"""Docstring."""\npass\n...\n',
        "\ufeff\n# a BOM and a comment\n",
    ],
)
def test_empty_modules_are_never_duplicates(
    repo: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    write_tree(repo, {"a/x.py": content, "b/x.py": content, "c/y.py": content})
    init_repo(repo)

    assert run(capsys, *tracked(repo)) == (0, [])


TRIVIAL_INIT = '''"""The package."""
from .core import run
from . import (
    helpers,  # re-exported
)
try:
    from ._version import version as __version__
except ImportError:
    __version__ = "0"
__all__ = ["run", "helpers"]
'''


def test_trivial_init_files_are_never_duplicates(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "one/__init__.py": TRIVIAL_INIT,
            "two/__init__.py": TRIVIAL_INIT,
            # A module of the same content is not an __init__.py, but its
            # only twins are: no pair.
            "three/reexport.py": TRIVIAL_INIT,
            "four/__init__.py": "from os import path\n",
            "five/__init__.py": "from os import path\n",
        },
    )
    init_repo(repo)

    assert run(capsys, *tracked(repo)) == (0, [])


def test_init_files_with_code_are_duplicates(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"one/__init__.py": RECORDER, "two/__init__.py": RECORDER})
    init_repo(repo)

    code, out = run(capsys, "one/__init__.py")
    assert code == 1
    assert codes(out) == ["LH401"]
    assert out[0].startswith("one/__init__.py:1:1: LH401 same code as `two/__init__.py`")


PYTHON2 = 'print "hello"\nexec "x = 1"\nprint `x`, 0777\nraise E, "v"\n'


def test_python2_and_broken_files_compare_by_lines(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "old/a.py": PYTHON2,
            "old/b.py": "# a comment line\n" + PYTHON2.replace("\n", "  \n"),
            "old/c.py": PYTHON2.replace("print", "print  "),
            "broken/a.py": 'def f(:\n    """unterminated\n',
            "broken/b.py": 'def f(:\n    """unterminated\n',
            "nul/a.py": "x = 1\x00\ny = 2\n",
            "nul/b.py": "x = 1\x00\ny = 2\n",
        },
    )
    init_repo(repo)

    code, out = run(capsys, *tracked(repo))

    assert code == 1
    assert [line.split(": ")[0] for line in out] == [
        *("broken/a.py:1:1", "broken/b.py:1:1"),
        *("nul/a.py:1:1", "nul/b.py:1:1"),
        *("old/a.py:1:1", "old/b.py:1:1", "old/c.py:1:1"),
    ]
    assert all(" LH401 " in line for line in out)


def test_binary_and_undecodable_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    noise = bytes(random.Random(7).randrange(256) for _ in range(5000))
    write_tree(
        repo,
        {
            "bin/a.py": noise,
            "bin/b.py": noise,
            "latin/a.py": b"# -*- coding: latin-1 -*-\nNAME = '\xe9t\xe9'\n",
            "latin/b.py": b"# -*- coding: latin-1 -*-\nNAME = '\xe9t\xe9'  # summer\n",
            "bad/a.py": b"# -*- coding: klingon -*-\nx = 1\n",
            "bad/b.py": b"\xff\xfe\x00x = 1\n",
        },
    )
    init_repo(repo)

    code, out = run(capsys, *tracked(repo))

    assert code == 1
    assert [line.split(": ")[0] for line in out] == [
        *("bin/a.py:1:1", "bin/b.py:1:1"),
        *("latin/a.py:1:1", "latin/b.py:1:1"),
    ]


def test_huge_files_compare_byte_for_byte(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    huge = ("x = [" + "1, " * 800_000 + "]\n").encode()
    assert len(huge) > hook.MAX_NORMALISED_BYTES
    write_tree(
        repo,
        {
            "big/a.py": huge,
            "big/b.py": huge,
            "big/c.py": huge.replace(b"1, ", b"1,  ", 1),  # equal tokens, other bytes
            "small.py": module(3),
        },
    )
    init_repo(repo)

    started = time.perf_counter()
    code, out = run(capsys, *tracked(repo))

    assert time.perf_counter() - started < 10
    assert code == 1
    assert [line.split(": ")[0] for line in out] == ["big/a.py:1:1", "big/b.py:1:1"]


def test_unreadable_passed_file_is_lh001(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(repo, {"a.py": RECORDER, "locked.py": RECORDER, "other.py": RECORDER})
    init_repo(repo)
    real_read = Snapshot.read

    def read(self: Snapshot, path: str, limit: int) -> bytes | None:
        if path.endswith(("locked.py", "other.py")):
            raise PermissionError(13, "Permission denied")
        return real_read(self, path, limit)

    monkeypatch.setattr(Snapshot, "read", read)

    code, out = run(capsys, "a.py", "locked.py")

    assert code == 1
    # other.py is not passed: left out without a word; locked.py is an LH001.
    assert out == ["locked.py:1:1: LH001 cannot read file: Permission denied"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks and FIFOs")
def test_symlinks_are_not_copies(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"real/mod.py": RECORDER, "Dockerfile": "FROM alpine\n"})
    os.symlink("real/mod.py", repo / "alias.py")
    os.symlink("Dockerfile", repo / "Dockerfile.alias")
    os.symlink("missing.py", repo / "dangling.py")
    os.symlink("loop.py", repo / "loop.py")
    os.symlink("real", repo / "linked_folder")
    os.mkfifo(repo / "fifo.py")
    init_repo(repo)

    code, out = run(
        capsys,
        "real/mod.py",
        "alias.py",
        "dangling.py",
        "loop.py",
        "Dockerfile",
        "Dockerfile.alias",
        "linked_folder",
        "fifo.py",
    )

    assert (code, out) == (0, [])


def test_deleted_tracked_file_is_skipped(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"a.py": RECORDER, "b.py": RECORDER})
    init_repo(repo)
    (repo / "b.py").unlink()  # still in the index

    assert run(capsys, "a.py") == (0, [])


@pytest.mark.skipif(sys.platform == "win32", reason="newlines in file names")
def test_odd_path_characters(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    names = ["with space/mod [1].py", "new\nline/mod.py", "ünï/cödé.py", "-dash/x.py"]
    write_tree(repo, dict.fromkeys(names, RECORDER))
    init_repo(repo)

    code, out = run(capsys, "--", *names)

    assert code == 1
    assert out == [
        f"-dash/x.py:1:1: LH401 same code as `new\\nline/mod.py`: {KEEP_ONE} (2 more copies)",
        f"new\\nline/mod.py:1:1: LH401 same code as `-dash/x.py`: {KEEP_ONE}",
        f"with space/mod [1].py:1:1: LH401 same code as `-dash/x.py`: {KEEP_ONE}",
        f"ünï/cödé.py:1:1: LH401 same code as `-dash/x.py`: {KEEP_ONE}",
    ]


def test_leftover_by_name(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"billing/invoice.py": RECORDER, "billing/invoice_old.py": RECORDER})
    init_repo(repo)

    assert run(capsys, "billing/invoice.py") == (
        1,
        [
            "billing/invoice.py:1:1: LH401 same code as `billing/invoice_old.py`, the leftover"
            " (its path says `old`): delete that copy"
        ],
    )
    assert run(capsys, "billing/invoice_old.py") == (
        1,
        [
            "billing/invoice_old.py:1:1: LH401 same code as `billing/invoice.py`: this is the"
            " leftover (its path says `old`); delete it"
        ],
    )


def test_inline_suppression_and_per_file_ignores(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "a.py": RECORDER,
            "b.py": "# lucid: ignore[LH401]\n" + RECORDER,
            "vendor/c.py": RECORDER,
            "pyproject.toml": '[tool.lucid-hooks]\nper-file-ignores = {"vendor/**" = ["LH4"]}\n',
        },
    )
    init_repo(repo)

    # The copy to keep has no ignore of its own.
    assert run(capsys, *tracked(repo)) == (
        1,
        [f"a.py:1:1: LH401 same code as `b.py`: {KEEP_ONE} (1 more copy)"],
    )


def test_excluded_twin_is_ignored(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        repo,
        {
            "a.py": RECORDER,
            "third_party/a.py": RECORDER,
            "pyproject.toml": '[tool.lucid-hooks]\nexclude = ["third_party"]\n',
        },
    )
    init_repo(repo)

    assert run(capsys, "a.py") == (0, [])


# --- LH402 near duplicates ---------------------------------------------------


def test_near_duplicate_with_percentage(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = module(10, lines=20)
    write_tree(
        repo,
        {
            "billing/invoice.py": base,
            "billing/invoice_v2.py": near_copy(base, 1),
            "other.py": module(11, lines=20),
        },
    )
    init_repo(repo)

    advice = "(near duplicate): merge the two, or import one from the other"
    assert run(capsys, "billing/invoice.py") == (
        1,
        [
            "billing/invoice.py:1:1: LH402 shares 95% of its code lines with"
            f" `billing/invoice_v2.py` {advice}"
        ],
    )
    assert run(capsys, "billing/invoice_v2.py") == (
        1,
        [
            "billing/invoice_v2.py:1:1: LH402 shares 95% of its code lines with"
            f" `billing/invoice.py` {advice}"
        ],
    )
    assert run(capsys, "other.py") == (0, [])


def test_near_duplicate_leftover_wording(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = module(12)
    write_tree(
        repo,
        {"sessions/recorder/recorder.py": base, "sessions/recorder.py": near_copy(base, 2)},
    )
    init_repo(repo)

    reason = "(subpackage `recorder/` is named for it)"
    assert run(capsys, "sessions/recorder/recorder.py") == (
        1,
        [
            "sessions/recorder/recorder.py:1:1: LH402 shares 93% of its code lines"
            f" with `sessions/recorder.py`, the leftover {reason}: merge what differs here"
        ],
    )
    assert run(capsys, "sessions/recorder.py") == (
        1,
        [
            "sessions/recorder.py:1:1: LH402 shares 93% of its code lines with"
            f" `sessions/recorder/recorder.py`: this is the leftover {reason}; merge what"
            " differs, delete it"
        ],
    )


def test_near_duplicate_threshold_and_min_lines_options(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = module(20, lines=20)
    write_tree(repo, {"a.py": base, "b.py": near_copy(base, 4)})  # 16 of 24 lines shared
    init_repo(repo)

    assert run(capsys, "a.py") == (0, [])  # 66% < 85%
    assert codes(run(capsys, "--similarity", "0.6", "a.py")[1]) == ["LH402"]
    assert run(capsys, "--similarity", "0.6", "--min-lines", "100", "a.py") == (0, [])

    write_tree(
        repo,
        {"pyproject.toml": "[tool.lucid-hooks.check-duplicate-modules]\nsimilarity = 0.6\n"},
    )
    assert codes(run(capsys, "a.py")[1]) == ["LH402"]
    assert run(capsys, "--similarity", "1", "a.py") == (0, [])


def test_small_modules_are_never_near_duplicates(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = module(30, lines=4)  # 8 distinct lines < min-lines 10
    write_tree(repo, {"a.py": base, "b.py": near_copy(base, 1)})  # 7 of 9 lines shared
    init_repo(repo)

    assert run(capsys, "--similarity", "0.75", "a.py") == (0, [])
    assert codes(run(capsys, "--similarity", "0.75", "--min-lines", "5", "a.py")[1]) == ["LH402"]


def test_near_duplicate_reports_the_closest_module_once(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = module(40)
    write_tree(
        repo,
        {"a.py": base, "b.py": near_copy(base, 1), "c.py": near_copy(base, 3), "d.py": base},
    )
    init_repo(repo)

    code, out = run(capsys, "b.py")

    # b's closest twins are a and d (equal); a comes first. d is an exact
    # copy of a but was not passed, so it is not reported.
    assert code == 1
    assert out == [
        "b.py:1:1: LH402 shares 96% of its code lines with `a.py` (near duplicate):"
        " merge the two, or import one from the other"
    ]


def test_exact_twins_get_no_near_duplicate_finding(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = module(50)
    write_tree(repo, {"a.py": base, "b.py": base, "c.py": near_copy(base, 1)})
    init_repo(repo)

    code, out = run(capsys, "b.py")

    assert code == 1
    assert codes(out) == ["LH401"]


def test_trivial_init_files_are_never_near_duplicates(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    imports = "".join(f"from .mod{n} import name{n}\n" for n in range(20))
    write_tree(
        repo,
        {"one/__init__.py": imports, "two/__init__.py": imports + "from .extra import more\n"},
    )
    init_repo(repo)

    assert run(capsys, *tracked(repo)) == (0, [])


# --- LH403 moved to check-entry-point-imports ----------------------------------


def test_stdlib_shadowing_is_not_this_hooks(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A module named like a standard-library module beside a `main.py` is
    for check-entry-point-imports now, which knows the entry point's
    sys.path (tests/test_check_entry_point_imports.py)."""
    write_tree(
        repo,
        {
            "vm/main.py": "import logging\n",
            "vm/logging.py": "def setup():\n    pass\n",
            "tool/__main__.py": "print(1)\n",
            "tool/types/__init__.py": "T = 1\n",
            "script/run_me.py": 'if __name__ == "__main__":\n    print(1)\n',
            "script/tomllib.py": "L = 1\n",
        },
    )
    init_repo(repo)

    assert run(capsys, *tracked(repo)) == (0, [])
    assert [rule.code for rule in hook.RULES] == ["LH401", "LH402", "LH404"]


# --- LH404 redundant Dockerfiles --------------------------------------------

SERVICE_DOCKERFILE = """\
# Session recorder image
FROM python:3.11-slim AS builder
WORKDIR /build
COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt

FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=builder /install /install
ENV PYTHONPATH=/install/lib/python3.11/site-packages \\
    PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
CMD ["main.py"]
"""

SAME_INSTRUCTIONS = """\
# syntax=docker/dockerfile:1

# (copied from the recorder image)
from python:3.11-slim as builder
    WORKDIR /build
    COPY requirements.txt .
    RUN pip install \\
            --no-cache-dir \\
            # into a prefix the runtime stage copies
            --prefix=/install \\
            -r requirements.txt
FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=builder /install /install
ENV PYTHONPATH=/install/lib/python3.11/site-packages PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
CMD [ "main.py" ]
"""


def test_redundant_dockerfiles(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(
        repo,
        {
            "sessions/pipeline/Dockerfile": SERVICE_DOCKERFILE,
            "sessions/storage/Dockerfile": SAME_INSTRUCTIONS,
            "sessions/api/Dockerfile": SERVICE_DOCKERFILE.replace('["main.py"]', '["api.py"]'),
            "sessions/api/Dockerfile-dev": SERVICE_DOCKERFILE,  # not a Dockerfile to identify
            "empty/Dockerfile": "# nothing yet\n",
            "empty2/Dockerfile": "",
        },
    )
    init_repo(repo)

    one_file = "build both images from one file (`docker build -f`) and delete the other"
    assert run(capsys, "sessions/pipeline/Dockerfile") == (
        1,
        [
            "sessions/pipeline/Dockerfile:2:1: LH404 same instructions as"
            f" `sessions/storage/Dockerfile`: {one_file}"
        ],
    )
    assert run(capsys, "sessions/storage/Dockerfile") == (
        1,
        [
            "sessions/storage/Dockerfile:4:1: LH404 same instructions as"
            f" `sessions/pipeline/Dockerfile`: {one_file}"
        ],
    )
    assert run(capsys, "sessions/api/Dockerfile", "empty/Dockerfile", "empty2/Dockerfile") == (
        0,
        [],
    )


def test_redundant_dockerfile_leftover_is_the_one_without_a_service(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(
        repo,
        {
            "sessions/Dockerfile": SERVICE_DOCKERFILE,
            "sessions/recorder/Dockerfile": SAME_INSTRUCTIONS,
            "sessions/recorder/main.py": "print(1)\n",
            "images/api.Dockerfile": SERVICE_DOCKERFILE,
        },
    )
    init_repo(repo)

    reason = "(only the other's folder has an entry point)"
    assert run(capsys, "sessions/recorder/Dockerfile") == (
        1,
        [
            "sessions/recorder/Dockerfile:4:1: LH404 same instructions as `sessions/Dockerfile`,"
            f" the leftover {reason}: delete that copy (1 more copy)"
        ],
    )
    assert run(capsys, "sessions/Dockerfile", "images/api.Dockerfile") == (
        1,
        [
            "images/api.Dockerfile:2:1: LH404 same instructions as `sessions/recorder/Dockerfile`:"
            " build both images from one file (`docker build -f`) and delete the other",
            "sessions/Dockerfile:2:1: LH404 same instructions as `sessions/recorder/Dockerfile`:"
            f" this is the leftover {reason}; build from it and delete this one",
        ],
    )


def test_odd_dockerfiles_never_crash(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = {
        "a/Dockerfile": b"\xef\xbb\xbfFROM alpine\r\nRUN <<EOF\r\necho\r\n",
        "b/Dockerfile": b"\x00\xff\xfe\nRUN \\",
        "c/Dockerfile": "FROM x\n".encode("utf-16"),
        "d/Dockerfile": b'FROM alpine\nCMD ["unterminated"\n' * 1000,
    }
    write_tree(repo, odd)
    init_repo(repo)

    code, _ = run(capsys, *odd)

    assert code == 0


# --- batches, cost -------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tree with something for every rule."""
    root = tmp_path_factory.mktemp("mixed")
    base = module(60)
    write_tree(
        root,
        {
            "sessions/recorder/session_recorder.py": RECORDER,
            "sessions/session_recorder.py": RECORDER_REFORMATTED,
            "copies/one.py": RECORDER,
            "near/a.py": base,
            "near/b.py": near_copy(base, 1),
            "near/c.py": near_copy(base, 2),
            "near/d.py": module(61),
            "svc/Dockerfile": SERVICE_DOCKERFILE,
            "svc/main.py": "print(1)\n",
            "Dockerfile": SAME_INSTRUCTIONS,
            "other/Dockerfile.dev": SAME_INSTRUCTIONS,
            "empty/__init__.py": "",
            "empty2/__init__.py": "",
        },
    )
    return init_repo(root)


def run_batches(root: Path, batches: list[list[str]]) -> list[str]:
    """Every line that the batches print, each batch a fresh invocation, one
    after another, as pre-commit runs them (the hook keeps no state between
    calls but its disk cache; test_pre_commits_own_batches runs them in
    processes of their own)."""
    lines: list[str] = []
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for batch in batches:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = main(batch)
            assert code in (0, 1)
            lines.extend(out.getvalue().splitlines())
    finally:
        os.chdir(cwd)
    return lines


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_batching_does_not_change_the_findings(mixed_repo: Path, data: st.DataObject) -> None:
    files = tracked(mixed_repo)
    chosen = data.draw(st.lists(st.sampled_from(files), min_size=1, unique=True))
    batch_of = data.draw(st.lists(st.integers(0, 3), min_size=len(chosen), max_size=len(chosen)))
    batches = [[path for path, n in zip(chosen, batch_of) if n == b] for b in range(4)]
    batches = [batch for batch in batches if batch]

    # No line twice: each belongs to a file of its batch.
    assert sorted(run_batches(mixed_repo, batches)) == run_batches(mixed_repo, [chosen])


def test_pre_commits_own_batches(mixed_repo: Path) -> None:
    """pre-commit's own splitting of the file list (at a small size limit,
    as a long list splits at 128 KiB), each batch in its own process."""
    from pre_commit.xargs import partition

    command = (sys.executable, "-m", "lucid_hooks.check_duplicate_modules")
    files = tracked(mixed_repo)
    batches = partition(
        command, files, target_concurrency=1, _max_length=len(" ".join(command)) + 60
    )
    assert len(batches) > 3
    printed = []
    for batch in batches:
        completed = subprocess.run(
            batch, cwd=mixed_repo, capture_output=True, text=True, check=False
        )
        assert completed.returncode in (0, 1), completed.stderr
        printed.extend(completed.stdout.splitlines())

    assert sorted(printed) == run_batches(mixed_repo, [files])


def test_every_rule_fires_on_the_mixed_repo(mixed_repo: Path) -> None:
    lines = run_batches(mixed_repo, [tracked(mixed_repo)])

    assert sorted({line.split(" ")[1] for line in lines}) == ["LH401", "LH402", "LH404"]
    assert all(len(line) < 200 for line in lines), max(lines, key=len)


def test_two_thousand_modules_in_near_linear_time(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {f"pkg{n // 100}/mod_{n}.py": module(1000 + n, lines=15) for n in range(2000)}
    files["pkg0/copy.py"] = files["pkg1/mod_100.py"]
    base = files["pkg2/mod_200.py"]
    files["pkg3/near.py"] = near_copy(base, 1)
    write_tree(repo, files)
    init_repo(repo)

    started = time.perf_counter()
    code, out = run(capsys, *tracked(repo))
    elapsed = time.perf_counter() - started

    assert code == 1
    # Both copies, and both near twins, each on its own line.
    assert [line.split(": ")[0] for line in out] == [
        *("pkg0/copy.py:1:1", "pkg1/mod_100.py:1:1"),
        *("pkg2/mod_200.py:1:1", "pkg3/near.py:1:1"),
    ]
    assert elapsed < 10


# --- configuration -------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("similarity = 0", "must be a number greater than 0, at most 1"),
        ("similarity = 1.5", "must be a number greater than 0, at most 1"),
        ('similarity = "high"', "must be a number greater than 0, at most 1"),
        ("similarity = true", "must be a number greater than 0, at most 1"),
        ("min-lines = -1", "must be a whole number, 0 or more"),
        ("min-lines = 2.5", "must be a whole number, 0 or more"),
        ("min-lines = false", "must be a whole number, 0 or more"),
        ("fix = true", "unknown key 'fix'"),
    ],
)
def test_bad_configuration_exits_2(
    repo: Path, capsys: pytest.CaptureFixture[str], setting: str, message: str
) -> None:
    write_tree(
        repo,
        {
            "a.py": RECORDER,
            "pyproject.toml": f"[tool.lucid-hooks.check-duplicate-modules]\n{setting}\n",
        },
    )

    assert main(["a.py"]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(
    "args", [["--similarity", "0"], ["--similarity", "x"], ["--min-lines", "-3"]]
)
def test_bad_command_line_exits_2(repo: Path, args: list[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main([*args, "a.py"])
    assert raised.value.code == 2


def test_missing_file_in_argv_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"a.py": RECORDER})

    assert main(["a.py", "gone.py"]) == 2
    assert "gone.py: no such file or directory" in capsys.readouterr().err


def test_folder_argument_checks_everything_below(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"a/x.py": RECORDER, "a/y.py": RECORDER, "b/z.py": module(1)})

    code, out = run(capsys, "a")
    assert code == 1
    assert codes(out) == ["LH401", "LH401"]
    assert run(capsys, "b") == (0, [])


def test_json_output(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    write_tree(repo, {"a/x.py": RECORDER, "a/y.py": RECORDER})

    main(["--format", "json", "a/x.py"])
    document = json.loads(capsys.readouterr().out)

    assert [(f["path"], f["code"], f["name"]) for f in document["findings"]] == [
        ("a/x.py", "LH401", "duplicate-module")
    ]


# --- the disk cache ------------------------------------------------------------


def cache_tree(repo: Path) -> list[str]:
    """A tree with a copy, a near copy and redundant Dockerfiles, committed."""
    near = module(7)
    write_tree(
        repo,
        {
            "a/rec.py": RECORDER,
            "b/rec_copy.py": RECORDER_REFORMATTED,
            "c/one.py": near,
            "c/two.py": near.replace("x * ", "x ** ", 2),
            "svc/main.py": "import logging\n",
            "svc/logging.py": module(8),
            **{f"other/m{n}.py": module(100 + n) for n in range(6)},
            "Dockerfile": "FROM scratch\n",
            "svc/Dockerfile": "from  scratch\n",
        },
    )
    init_repo(repo)
    return tracked(repo)


def test_every_subset_reports_what_a_run_without_cache_reports(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = cache_tree(repo)
    assert run(capsys, *files)[1], "the whole-tree run fills the cache"
    rng = random.Random(3)
    for size in (1, 2, 3, len(files) // 2, len(files) - 1, len(files)):
        subset = sorted(rng.sample(files, size))
        assert run(capsys, *subset) == run(capsys, "--no-cache", *subset), subset


def test_an_edit_between_runs_is_seen(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = cache_tree(repo)
    _, before = run(capsys, *files)
    (repo / "b" / "rec_copy.py").write_text(module(9))

    _, after = run(capsys, *files)

    assert any("b/rec_copy.py" in line for line in before)
    assert not any("b/rec_copy.py" in line for line in after)
    assert after == run(capsys, "--no-cache", *files)[1]


def test_a_run_that_could_not_read_a_file_is_not_kept(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = cache_tree(repo)
    real_read = Snapshot.read

    def flaky(self: Snapshot, path: str, limit: int) -> bytes | None:
        if path == "b/rec_copy.py":
            raise PermissionError(13, "Permission denied")
        return real_read(self, path, limit)

    with monkeypatch.context() as patch:
        patch.setattr(Snapshot, "read", flaky)
        _, failed = run(capsys, "--no-cache", *files)
        assert "b/rec_copy.py:1:1: LH001 cannot read file: Permission denied" in failed
        run(capsys, *files)

    # Readable again, same stat data: the result is not the failed run's.
    _, out = run(capsys, *files)
    assert out == run(capsys, "--no-cache", *files)[1]
    assert not any(" LH001 " in line for line in out)


def test_a_damaged_cache_entry_is_a_miss(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lucid_hooks.cache import content_key, open_cache

    files = cache_tree(repo)
    expected = run(capsys, *files)
    cache = open_cache()
    where = content_key(str(repo))
    fingerprint, rows = cache.get(hook.CACHE_TREE, where, tuple) or (None, [])
    assert rows, "the whole-tree result was kept"
    damaged = [("a/rec.py", "1", 1, "LH401", "m", ("a/rec.py",)), *rows[1:]]
    cache.put(hook.CACHE_TREE, where, (fingerprint, damaged))

    assert run(capsys, *files) == expected


# --- generated code ----------------------------------------------------------------


GENERATED_HEADERS = [
    "# -*- coding: utf-8 -*-\n# Generated by the protocol buffer compiler.  DO NOT EDIT!\n",
    '"""\n    Petstore API\n\n    NOTE: This class is auto generated by OpenAPI Generator.\n"""\n',
    "# Code generated by sqlc. DO NOT EDIT.\n",
    "# @generated by a build step\n",
]


@pytest.mark.parametrize("header", GENERATED_HEADERS)
def test_generated_modules_are_never_duplicates(
    repo: Path, capsys: pytest.CaptureFixture[str], header: str
) -> None:
    base = module(40)
    write_tree(
        repo,
        {
            "client/a.py": header + base,
            "client/b.py": header + base,
            "client/c.py": header + near_copy(base, 1),
        },
    )

    assert run(capsys, "client") == (0, [])


def test_protoc_output_is_generated_by_its_name(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = module(41)
    write_tree(
        repo,
        {
            "api/a_pb2.py": base,
            "api/a_pb2_grpc.py": base,
            "old/a_pb2.py": near_copy(base, 1),
            "handwritten/a.py": base,
            "handwritten/b.py": base,
        },
    )

    code, out = run(capsys, ".")

    assert code == 1
    assert [(line.split(":")[0], line.split(" ")[1]) for line in out] == [
        ("handwritten/a.py", "LH401"),
        ("handwritten/b.py", "LH401"),
    ]


def test_generated_markers_are_configurable(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = module(42)
    write_tree(
        repo, {"a.py": "# made by our tool\n" + base, "b.py": "# made by our tool\n" + base}
    )
    section = "[tool.lucid-hooks.check-duplicate-modules]\n"

    assert codes(run(capsys, ".")[1]) == ["LH401", "LH401"]
    assert run(capsys, "--generated-marker", "MADE BY OUR", ".") == (0, [])
    write_tree(repo, {"pyproject.toml": section + 'generated-markers = ["made by"]\n'})
    assert run(capsys, ".") == (0, [])
    write_tree(repo, {"pyproject.toml": section + 'generated-markers = [""]\n'})
    assert main(["."]) == 2
    assert "an empty string matches everything" in capsys.readouterr().err


# --- docstrings, boilerplate, one line per module ------------------------------


def stamped(path: str, body: str) -> str:
    """``body`` with the module docstring one repository stamps its path into."""
    return f'"""File: /app/{path}\n\nPart of the chain.\n"""\n' + body


CONSENSUS = """import hashlib


class Consensus:
    \"\"\"Agrees on blocks.\"\"\"

    def __init__(self, peers):
        self.peers = peers

    def vote(self, block):
        \"\"\"One vote per peer.\"\"\"
        digest = hashlib.sha256(block).hexdigest()
        return {peer: digest for peer in self.peers}
"""


def test_copies_that_differ_in_docstrings_only_are_duplicates(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = CONSENSUS.replace("One vote per peer.", "Each peer votes once.")
    write_tree(
        repo,
        {
            "blockchain/consensus.py": stamped("blockchain/consensus.py", CONSENSUS),
            "node/consensus.py": stamped("node/consensus.py", other),
        },
    )
    init_repo(repo)

    code, out = run(capsys, *tracked(repo))

    assert code == 1
    assert out == [
        "blockchain/consensus.py:1:1: LH401 same code apart from docstrings as"
        f" `node/consensus.py`: {KEEP_ONE}",
        "node/consensus.py:1:1: LH401 same code apart from docstrings as"
        f" `blockchain/consensus.py`: {KEEP_ONE}",
    ]


def test_import_only_modules_are_never_duplicates(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reexports = "".join(f"from .part{n} import name{n}\n" for n in range(30))
    reexports += "__all__ = [" + ", ".join(f'"name{n}"' for n in range(30)) + "]\n"
    write_tree(
        repo,
        {
            "one/api.py": '"""The public names."""\n' + reexports,
            "two/api.py": reexports,
            "three/api.py": reexports.replace("name29", "other29"),
        },
    )
    init_repo(repo)

    assert run(capsys, *tracked(repo)) == (0, [])


def test_a_near_duplicate_module_is_reported_once(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """b is the closest module to a, and c to b: b still gets one line."""
    base = module(50)
    write_tree(
        repo,
        {"a.py": near_copy(base, 3), "b.py": near_copy(base, 2), "c.py": near_copy(base, 1)},
    )
    init_repo(repo)

    code, out = run(capsys, *tracked(repo))

    assert code == 1
    assert [line.split(":")[0] for line in out] == ["a.py", "b.py", "c.py"]


def test_messages_stay_short_on_deep_paths(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Detail belongs to `lucid-hooks rule CODE`: the message after the code
    stays under 200 characters with paths five folders deep."""
    deep = "services/payments/settlement/workers"
    base = module(60)
    write_tree(
        repo,
        {
            f"{deep}/session_recorder.py": RECORDER,
            f"{deep}/recorder/session_recorder.py": RECORDER,
            f"{deep}/invoice_generator.py": base,
            f"{deep}/recorder/invoice_generator_backup.py": near_copy(base, 1),
            f"{deep}/__main__.py": "print(1)\n",
            f"{deep}/images/Dockerfile": SERVICE_DOCKERFILE,
            f"{deep}/recorder/Dockerfile": SERVICE_DOCKERFILE,
            f"{deep}/recorder/main.py": "print(2)\n",
        },
    )
    init_repo(repo)

    code, out = run(capsys, *tracked(repo))

    assert code == 1
    assert {line.split(" ")[1] for line in out} == {"LH401", "LH402", "LH404"}
    for line in out:
        assert len(line.split(": ", 1)[1].split(" ", 1)[1]) < 200, line


def test_the_module_index_finds_what_a_run_without_it_finds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tree edited between commits of one or two files (rewrites, deletions,
    symlinks, renames, another threshold): the runs that use the module index
    report what runs without the cache report."""
    rng = random.Random(5)
    bases = [module(rng.randrange(10**6), lines=14) for _ in range(4)]
    names = ["a.py", "b.py", "pkg/c.py", "pkg/main.py", "pkg/logging.py", "svc/old/e.py"]

    def content() -> str:
        base = rng.choice(bases)
        return rng.choice([base, near_copy(base, rng.randrange(1, 4)), module(rng.randrange(99))])

    def put(name: str, text: str) -> None:
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        target.write_text(text)

    write_tree(tmp_path, {f"fill/m{n}.py": module(100 + n) for n in range(20)})
    for name in names:
        put(name, content())
    monkeypatch.chdir(tmp_path)
    options: list[str] = []
    reported = 0
    for _ in range(24):
        name = rng.choice(names)
        present = [other for other in names if os.path.lexists(tmp_path / other)]
        action = rng.randrange(5)
        if action == 0:
            put(name, content())
        elif action == 1 and os.path.lexists(tmp_path / name):
            (tmp_path / name).unlink()
        elif action == 2 and present and not os.path.lexists(tmp_path / name):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).symlink_to(tmp_path / rng.choice(present))
        elif action == 3 and present:
            (tmp_path / rng.choice(present)).rename(tmp_path / "moved.py")
            names = sorted({*names, "moved.py"})
        else:
            options = rng.choice([[], ["--similarity", "0.7"], ["--similarity", "0.9"]])
        present = [other for other in names if os.path.lexists(tmp_path / other)]
        passed = rng.sample(present, k=min(len(present), rng.randrange(1, 3)))
        with_index = run(capsys, *options, "--", *passed)
        assert with_index == run(capsys, "--no-cache", *options, "--", *passed), passed
        reported += len(with_index[1])
    assert reported > 10, "the edits made copies and near copies to report"


def test_edits_staged_or_not_are_seen_through_the_module_index(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In git, what is unchanged is known from git (`Snapshot.settled`, here
    for a small tree too) and the rest from the disk: edits staged, unstaged,
    committed or undone, and deletions, seen by runs that use the module
    index exactly as by runs without the cache."""
    monkeypatch.setattr(snapshot_module, "SETTLED_FROM", 0)
    rng = random.Random(8)
    bases = [module(rng.randrange(10**6), lines=14) for _ in range(3)]
    names = [f"svc{n}/m{n}.py" for n in range(6)]
    write_tree(repo, {name: rng.choice(bases) for name in names})
    write_tree(repo, {f"fill/m{n}.py": module(100 + n) for n in range(10)})
    init_repo(repo)
    reported = 0
    for step in range(20):
        name = rng.choice(names)
        action = rng.randrange(5)
        if action < 3:
            base = rng.choice(bases)
            (repo / name).write_text(rng.choice([base, near_copy(base, 1), module(step)]))
            if action == 1:
                git(repo, "add", name)
            elif action == 2:
                git(repo, "commit", "-qam", f"step {step}")
        elif action == 3 and (repo / name).exists():
            (repo / name).unlink()
        else:
            git(repo, "checkout", "-q", "--", ".")
        present = [other for other in names if (repo / other).exists()]
        passed = rng.sample(present, k=min(len(present), rng.randrange(1, 3)))
        with_index = run(capsys, "--", *passed)
        assert with_index == run(capsys, "--no-cache", "--", *passed), (step, passed)
        reported += len(with_index[1])
    assert reported > 5, "the edits made copies and near copies to report"
