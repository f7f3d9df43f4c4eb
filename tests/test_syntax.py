from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from lucid_hooks import syntax
from lucid_hooks.syntax import Compilers, SyntaxProblem, serve, syntax_problem


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (b"import a\n\nx = (\n", 3),
        (b"return 1\n", 1),  # the parser lets it through; compiling does not
        (b"nonlocal x\n", 1),
        (b"def f(a, a):\n    pass\n", 1),
        (b"import a\n  import b\n", 2),
        (b"x = 1\x00\n", 1),
        (b"x = '\xff'\n", 1),
        (b"# coding: no-such-codec\n", 1),
    ],
    ids=[
        "bracket",
        "return",
        "nonlocal",
        "duplicate argument",
        "indent",
        "NUL",
        "not UTF-8",
        "codec",
    ],
)
def test_syntax_problems(source: bytes, line: int) -> None:
    problem = syntax_problem(source)
    assert problem is not None
    assert problem.line == line and problem.col >= 1 and problem.message


def test_a_module_that_compiles_has_no_problem() -> None:
    assert syntax_problem(b"import a\ndef f():\n    return a\n") is None
    assert syntax_problem(b'x = "\\d"\n') is None  # an invalid escape warns, nothing more


MODULES = {
    "good.py": b"import a\n\ndef f(x):\n    return a.b(x)\n",
    "bracket.py": b"x = (\n",
    "return.py": b"return 1\n",
    "nul.py": b"x = 1\x00\n",
    "escape.py": b'x = "\\d"\n',
}
EXPECTED = {key: syntax_problem(data) for key, data in MODULES.items()}


def problems(compilers: Compilers, modules: dict[str, bytes]) -> dict[str, SyntaxProblem | None]:
    for key, data in modules.items():
        compilers.submit(key, data)
    return {key: compilers.problem(key, data) for key, data in modules.items()}


@pytest.fixture
def no_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(syntax, "HELPER_THRESHOLD", 0)


def answered_by_helpers(compilers: Compilers, keys: set[str]) -> bool:
    """Whether the helpers' answers for ``keys`` come (within a minute)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        compilers.problem("probe.py", b"")  # takes in what came
        if keys <= set(compilers._answers):
            return True
        time.sleep(0.01)
    return False


@pytest.mark.usefixtures("no_threshold")
def test_helpers_answer_as_the_caller_would() -> None:
    compilers = Compilers(helpers=2)
    for key, data in MODULES.items():
        compilers.submit(key, data)
    assert answered_by_helpers(compilers, set(MODULES))
    compiled_here: list[bytes] = []

    def compile_here(data: bytes) -> SyntaxProblem | None:
        compiled_here.append(data)
        return None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(syntax, "syntax_problem", compile_here)
        answers = {key: compilers.problem(key, data) for key, data in MODULES.items()}
    assert (answers, compiled_here) == (EXPECTED, [])
    assert compilers.helpers_started == 2
    compilers.close()
    # After the helpers: compiled here.
    compilers.submit("late.py", b"def (\n")
    assert compilers.problem("late.py", b"def (\n") == syntax_problem(b"def (\n")


@pytest.mark.usefixtures("no_threshold")
def test_an_answer_is_for_the_bytes_sent() -> None:
    """A file saved during the run holds other bytes when its answer is
    asked for: those are compiled here, whatever the helper said."""
    compilers = Compilers(helpers=1)
    compilers.submit("saved.py", b"x = 1\n")
    assert answered_by_helpers(compilers, {"saved.py"})
    assert compilers.problem("saved.py", b"x = (\n") == syntax_problem(b"x = (\n")
    compilers.close()


def test_few_modules_need_no_helper() -> None:
    compilers = Compilers(helpers=2)
    assert problems(compilers, MODULES) == EXPECTED
    assert compilers.helpers_started == 0


@pytest.mark.usefixtures("no_threshold")
def test_the_caller_compiles_what_has_no_answer_yet() -> None:
    """Asked before the helper answered, the caller compiles the module
    itself; the helper's later answer changes nothing."""
    compilers = Compilers(helpers=1)
    assert problems(compilers, MODULES) == EXPECTED
    assert problems(compilers, MODULES) == EXPECTED
    compilers.close()


@pytest.mark.usefixtures("no_threshold")
@pytest.mark.parametrize(
    "program",
    [
        ("-c", "import sys; sys.exit(3)"),  # fails before reading
        ("-c", "import sys; sys.stdin.buffer.read(9); sys.stdout.write('?'); sys.exit(0)"),
        ("-c", "import sys, marshal; sys.stdout.buffer.write(marshal.dumps([('good.py', 7)]))"),
    ],
    ids=["exits", "says nonsense", "answers wrongly"],
)
def test_a_failing_helper_costs_nothing_but_time(
    monkeypatch: pytest.MonkeyPatch, program: tuple[str, ...]
) -> None:
    monkeypatch.setattr(syntax, "_HELPER", program)
    compilers = Compilers(helpers=1)
    for key, data in MODULES.items():
        compilers.submit(key, data)
    time.sleep(0.2)  # time to fail
    assert {key: compilers.problem(key, data) for key, data in MODULES.items()} == EXPECTED
    compilers.close()


@pytest.mark.usefixtures("no_threshold")
def test_a_helper_that_cannot_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    compilers = Compilers(helpers=1)
    assert problems(compilers, MODULES) == EXPECTED
    assert compilers.helpers_started == 0


def test_the_helper_reads_and_answers_while_it_compiles() -> None:
    """The caller writes more than a pipe holds and is never stopped for
    long: `serve` takes all that came in between two compiles, and answers
    each module, in the order sent."""
    modules_in, to_helper = os.pipe()
    from_helper, answers_out = os.pipe()
    module = b"# a comment\n" * 12_000  # 144 KB, more than a pipe holds
    sink = os.fdopen(answers_out, "wb")
    helper = threading.Thread(target=serve, args=(os.fdopen(modules_in, "rb"), sink))
    helper.start()
    with os.fdopen(to_helper, "wb") as pipe:
        for number in range(3):
            syntax._send_frame(pipe, f"m{number}.py", module)
        syntax._send_frame(pipe, "bad.py", b"x = (\n")
    helper.join(timeout=60)
    sink.close()
    os.set_blocking(from_helper, False)
    frames = syntax._Frames()
    assert not syntax._take_available(from_helper, frames)  # all of it, then the end
    assert syntax._checked(frames.ready) == [
        *((f"m{number}.py", None) for number in range(3)),
        ("bad.py", EXPECTED["bracket.py"]),
    ]
