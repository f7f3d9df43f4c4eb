"""Whether modules compile, one at a time or many beside the caller.

`syntax_problem` compiles a module's bytes as importing it would, and says
why it fails. Compiling is the slowest step of following a repository's
entry points (about three times the cost of scanning a module for its
imports), so `Compilers` hands the modules of a cold run to helper
processes that compile while the caller goes on following imports: on a
machine of N cores, up to N - 1 helpers (at most MAX_HELPERS), each a
fresh, isolated interpreter that compiles the bytes it is sent (it never
runs them) and answers once it has them all. A helper that cannot start or
fails costs nothing but time: what it did not answer is compiled in the
caller.
"""

from __future__ import annotations

import marshal
import os
import struct
import sys
from typing import IO, TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import subprocess

# Helpers start once this many bytes wait: below, an interpreter's start
# costs more than it saves.
HELPER_THRESHOLD = 256 * 1024
MAX_HELPERS = 3
_FRAME = struct.Struct("<I")
# The helper's program: the module holding `serve` is all it imports. (-I:
# neither the working directory, the user's repository, nor PYTHON*
# variables can put a module of theirs before it.)
_HELPER = ("-I", "-c", "from lucid_hooks.syntax import serve; serve()")


class SyntaxProblem(NamedTuple):
    """Why a module cannot be compiled, and where."""

    line: int
    col: int
    message: str


def syntax_problem(data: bytes) -> SyntaxProblem | None:
    """Whether the module compiles, as importing it would: compiling to
    bytecode also finds what the parser lets through (``return`` or
    ``await`` outside a function, ``nonlocal`` at module level, a
    ``break`` outside a loop, duplicate parameters). Never raises."""
    import warnings

    try:
        with warnings.catch_warnings():
            # Invalid escapes warn (3.12: SyntaxWarning); with `-W error` they would raise.
            warnings.simplefilter("ignore")
            compile(data, "<module>", "exec", dont_inherit=True)
    except SyntaxError as error:
        return _problem(error.lineno, error.offset, f"{type(error).__name__}: {error.msg}")
    except (ValueError, OverflowError) as error:  # NUL bytes before 3.12, a bad decode
        line, col = _position(data, data.find(b"\0"))
        return SyntaxProblem(line, col, f"{type(error).__name__}: {error}")
    except (RecursionError, MemoryError):
        return SyntaxProblem(1, 1, "the module is nested too deeply to compile")
    return None


def _problem(line: int | None, offset: int | None, message: str) -> SyntaxProblem:
    return SyntaxProblem(max(line or 1, 1), max(offset or 1, 1), message)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """The line and column (in bytes) of ``offset``; (1, 1) for -1."""
    if offset < 0:
        return 1, 1
    return data.count(b"\n", 0, offset) + 1, offset - data.rfind(b"\n", 0, offset)


def available_helpers() -> int:
    """How many helpers this machine has room for: its cores (those this
    process may use) but one."""
    if os.name != "posix":
        return 0  # the helper reads a pipe without blocking: POSIX only
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, MAX_HELPERS))


class Compilers:
    """Modules sent to be compiled, and what compiling each found.

    ``submit`` each module as it is read; ``problem`` once all are in (the
    first call ends the submissions). Modules that never reached a helper
    are compiled in the caller when asked for.
    """

    def __init__(self, helpers: int | None = None) -> None:
        self._room = available_helpers() if helpers is None else helpers
        self._waiting: dict[str, bytes] = {}
        self._waiting_bytes = 0
        self._helpers: list[subprocess.Popen[bytes]] = []
        self._turn = 0
        self.helpers_started = 0
        self._answers: dict[str, SyntaxProblem | None] | None = None

    def submit(self, key: str, data: bytes) -> None:
        if self._answers is not None or not self._room:
            return  # compiled when asked for
        self._waiting[key] = data
        self._waiting_bytes += len(data)
        if self._helpers or self._waiting_bytes >= HELPER_THRESHOLD:
            self._send_waiting()

    def problem(self, key: str, data: bytes) -> SyntaxProblem | None:
        """What compiling ``data``, the module submitted as ``key`` (or
        not submitted), finds."""
        if self._answers is None:
            self._answers = self._collect()
        if key in self._answers:
            return self._answers[key]
        return syntax_problem(data)

    def _send_waiting(self) -> None:
        if not self._helpers:
            started = [_start_helper() for _ in range(self._room)]
            self._helpers = [helper for helper in started if helper is not None]
            self.helpers_started += len(self._helpers)
        for key, data in self._waiting.items():
            if not self._helpers:
                break
            helper = self._helpers[self._turn % len(self._helpers)]
            self._turn += 1
            if not _send(helper, key, data):
                self._helpers.remove(helper)  # what it had is compiled here
                _answers(helper)
        self._room = len(self._helpers)
        self._waiting.clear()
        self._waiting_bytes = 0

    def _collect(self) -> dict[str, SyntaxProblem | None]:
        answers: dict[str, SyntaxProblem | None] = {}
        for helper in self._helpers:
            answers.update(_answers(helper))
        self._helpers.clear()
        return answers


def _start_helper() -> subprocess.Popen[bytes] | None:
    import subprocess

    try:
        return subprocess.Popen(
            (sys.executable, *_HELPER),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        return None


def _send(helper: subprocess.Popen[bytes], key: str, data: bytes) -> bool:
    try:
        assert helper.stdin is not None
        _send_frame(helper.stdin, key, data)
    except (OSError, ValueError):  # it is gone
        return False
    return True


def _send_frame(pipe: IO[bytes], key: str, data: bytes) -> None:
    frame = marshal.dumps((key, data))
    pipe.write(_FRAME.pack(len(frame)) + frame)


def _answers(helper: subprocess.Popen[bytes]) -> dict[str, SyntaxProblem | None]:
    """What a helper answers once its input ends; nothing when it fails."""
    try:
        assert helper.stdin is not None and helper.stdout is not None
        helper.stdin.close()
        output = helper.stdout.read()
        helper.wait()
        answers = marshal.loads(output) if helper.returncode == 0 else []
    except (OSError, ValueError, EOFError, TypeError):
        answers = []
    return dict(_checked(answers))


def _checked(answers: object) -> list[tuple[str, SyntaxProblem | None]]:
    if not isinstance(answers, list):
        return []
    found: list[tuple[str, SyntaxProblem | None]] = []
    for answer in answers:
        if isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[0], str):
            problem = answer[1]
            if problem is None:
                found.append((answer[0], None))
            elif isinstance(problem, tuple) and len(problem) == 3:
                found.append((answer[0], SyntaxProblem(*problem)))
    return found


def serve(source: IO[bytes] | None = None, sink: IO[bytes] | None = None) -> None:
    """A helper's work: compile each (key, bytes) frame of ``source``
    (stdin), and once it ends write every answer to ``sink`` (stdout) at
    once, so that the caller never waits on the helper's output. Between
    two compiles it takes all the pipe holds: the caller, writing, waits
    only while the pipe is full."""
    fd = (source or sys.stdin.buffer).fileno()
    os.set_blocking(fd, False)
    frames = _Frames()
    answers = []
    more = True
    while more or frames.ready:
        more = more and _take_available(fd, frames, wait=not frames.ready)
        if frames.ready:
            key, data = frames.ready.pop()
            problem = syntax_problem(data)
            answers.append((key, None if problem is None else tuple(problem)))
    sink = sink or sys.stdout.buffer
    sink.write(marshal.dumps(answers))
    sink.flush()


class _Frames:
    """The frames read so far: whole ones in ``ready``, the rest pending."""

    def __init__(self) -> None:
        self.ready: list[tuple[str, bytes]] = []
        self._pending = b""

    def feed(self, chunk: bytes) -> None:
        pending = self._pending + chunk
        start = 0
        while len(pending) - start >= _FRAME.size:
            end = start + _FRAME.size + _FRAME.unpack_from(pending, start)[0]
            if len(pending) < end:
                break
            self.ready.append(marshal.loads(pending[start + _FRAME.size : end]))
            start = end
        self._pending = pending[start:]


def _take_available(fd: int, frames: _Frames, *, wait: bool) -> bool:
    """Feed ``frames`` with all ``fd`` holds (waiting for some when
    ``wait``); False once the input has ended."""
    if wait:
        import select

        select.select([fd], [], [])
    while True:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        frames.feed(chunk)
