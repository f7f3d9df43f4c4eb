"""Whether modules compile, one at a time or many beside the caller.

`syntax_problem` compiles a module's bytes as importing it would, and says
why it fails. Compiling is the slowest step of following a repository's
entry points (about three times the cost of scanning a module for its
imports), so `Compilers` hands the modules of a cold run to helper
processes that compile while the caller goes on following imports: on a
machine of N cores, up to N - 1 helpers (at most MAX_HELPERS), each a
fresh, isolated interpreter that compiles the bytes it is sent, in order
(it never runs them), and answers each as it goes. When the caller needs
an answer that has not come, it compiles the module itself, so that the
two share what is left. A helper that cannot start or fails costs nothing
but time: what it did not answer is compiled in the caller.
"""

from __future__ import annotations

import collections
import contextlib
import marshal
import os
import struct
import sys
from typing import IO, TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterable

# Helpers start once this many bytes wait: below, an interpreter's start
# costs more than it saves.
HELPER_THRESHOLD = 256 * 1024
MAX_HELPERS = 3
_FRAME = struct.Struct("<I")
# The helper's program: the module holding `serve` is all it imports. (-I:
# neither the working directory, the user's repository, nor PYTHON*
# variables can put a module of theirs before it.)
# -B: no bytecode written, as -I ignores PYTHONDONTWRITEBYTECODE.
_HELPER = ("-I", "-B", "-c", "from lucid_hooks.syntax import serve; serve()")


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

    ``submit`` each module as it is read, ``problem`` when its answer is
    needed: a helper's answer if it came, else the module is compiled here
    and then (so the caller shares what is left rather than wait). ``close``
    ends the helpers.
    """

    def __init__(self, helpers: int | None = None) -> None:
        self._room = available_helpers() if helpers is None else helpers
        self._waiting: dict[str, bytes] = {}
        self._waiting_bytes = 0
        self._helpers: list[_Helper] = []
        self._turn = 0
        self.helpers_started = 0
        # What each answer is for: the same path may hold other bytes when
        # asked (a file saved during the run, read again from disk).
        self._sent: dict[str, int] = {}
        self._answers: dict[str, SyntaxProblem | None] = {}

    def submit(self, key: str, data: bytes) -> None:
        if not self._room:
            return  # compiled when asked for
        self._waiting[key] = data
        self._waiting_bytes += len(data)
        if self._helpers or self._waiting_bytes >= HELPER_THRESHOLD:
            self._send_waiting()

    def problem(self, key: str, data: bytes) -> SyntaxProblem | None:
        """What compiling ``data``, the module submitted as ``key`` (or
        not submitted), finds."""
        waiting = self._waiting.pop(key, None)
        self._waiting_bytes -= 0 if waiting is None else len(waiting)
        self._take_answers()
        if key in self._answers and self._sent.get(key) == hash(data):
            return self._answers.pop(key)
        return syntax_problem(data)

    def close(self) -> None:
        """End every helper, finished or not; later modules are compiled here."""
        for helper in self._helpers:
            helper.end()
        self._helpers.clear()
        self._room = 0

    def _take_answers(self) -> None:
        for helper in list(self._helpers):
            self._answers.update(helper.answers())
            if helper.ended:  # what it did not answer is compiled here
                helper.end()
                self._helpers.remove(helper)
        if not self._helpers:
            self._room = 0  # none is started again: one that failed would again

    def _send_waiting(self) -> None:
        if not self._helpers:
            started = [_Helper.start() for _ in range(self._room)]
            self._helpers = [helper for helper in started if helper is not None]
            self.helpers_started += len(self._helpers)
            self._room = len(self._helpers)
        for key, data in self._waiting.items():
            if not self._helpers:
                break
            helper = self._helpers[self._turn % len(self._helpers)]
            self._turn += 1
            if helper.send(key, data):
                self._sent[key] = hash(data)
            else:
                helper.end()
                self._helpers.remove(helper)
        self._room = len(self._helpers)
        self._waiting.clear()
        self._waiting_bytes = 0


class _Helper:
    """One helper process, and what it answered so far."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.ended = False
        self._read = _Frames()
        assert process.stdout is not None
        os.set_blocking(process.stdout.fileno(), False)

    @classmethod
    def start(cls) -> _Helper | None:
        import subprocess

        if not sys.executable:
            return None  # an embedded interpreter: no program to start
        try:
            process = subprocess.Popen(
                (sys.executable, *_HELPER),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return None
        return cls(process)

    def send(self, key: str, data: bytes) -> bool:
        try:
            assert self.process.stdin is not None
            _send_frame(self.process.stdin, key, data)
            self.process.stdin.flush()
        except (OSError, ValueError):  # it is gone
            return False
        return True

    def answers(self) -> list[tuple[str, SyntaxProblem | None]]:
        """The answers that came since the last call, without waiting."""
        if not self.ended:
            assert self.process.stdout is not None
            self.ended = not _take_available(self.process.stdout.fileno(), self._read)
        found = _checked(self._read.ready)
        self._read.ready.clear()
        return found

    def end(self) -> None:
        self.ended = True
        self.process.kill()
        for pipe in (self.process.stdin, self.process.stdout):
            # Closing flushes unsent frames, to a process that is gone.
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()
        self.process.wait()


def _send_frame(pipe: IO[bytes], key: str, data: bytes) -> None:
    frame = marshal.dumps((key, data))
    pipe.write(_FRAME.pack(len(frame)) + frame)


def _checked(answers: Iterable[object]) -> list[tuple[str, SyntaxProblem | None]]:
    """The well-formed answers among a helper's frames."""
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
    (stdin) in the order sent, and answer each with a frame of (key,
    problem) on ``sink`` (stdout). Neither pipe is ever waited on while
    there is work: between two compiles the helper takes all that came in
    and writes what the caller has room for, so neither side stops the
    other."""
    incoming = (source or sys.stdin.buffer).fileno()
    outgoing = (sink or sys.stdout.buffer).fileno()
    os.set_blocking(incoming, False)
    os.set_blocking(outgoing, False)
    frames = _Frames()
    unsent = b""
    more = True
    while more or frames.ready:
        if not frames.ready:  # nothing to compile: wait for input, or room to answer
            _wait_for(incoming, outgoing if unsent else None)
        more = more and _take_available(incoming, frames)
        if frames.ready:
            unsent += _answer(frames.ready.popleft())
        unsent = _write_available(outgoing, unsent)
    os.set_blocking(outgoing, True)
    _write_available(outgoing, unsent)


def _answer(frame: object) -> bytes:
    """The answer frame to a module's frame (none to one of another shape)."""
    if not (isinstance(frame, tuple) and len(frame) == 2 and isinstance(frame[1], bytes)):
        return b""
    problem = syntax_problem(frame[1])
    found = None if problem is None else (problem.line, problem.col, problem.message)
    return _frame((str(frame[0]), found))


class _Frames:
    """The frames read so far: whole ones in ``ready``, the rest pending."""

    def __init__(self) -> None:
        self.ready: collections.deque[object] = collections.deque()
        self._pending = bytearray()

    def feed(self, chunk: bytes) -> None:
        pending = self._pending
        pending += chunk
        start = 0
        while len(pending) - start >= _FRAME.size:
            end = start + _FRAME.size + _FRAME.unpack_from(pending, start)[0]
            if len(pending) < end:
                break
            self.ready.append(marshal.loads(pending[start + _FRAME.size : end]))
            start = end
        del pending[:start]


def _frame(value: tuple[str, tuple[int, int, str] | None]) -> bytes:
    data = marshal.dumps(value)
    return _FRAME.pack(len(data)) + data


def _wait_for(incoming: int, outgoing: int | None) -> None:
    import select

    select.select([incoming], [] if outgoing is None else [outgoing], [])


def _take_available(fd: int, frames: _Frames) -> bool:
    """Feed ``frames`` with all ``fd`` holds now; False once it has ended
    (or failed)."""
    while True:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return True
        except (OSError, ValueError):
            return False
        if not chunk:
            return False
        try:
            frames.feed(chunk)
        except (ValueError, EOFError, TypeError):  # not frames of ours
            return False


def _write_available(fd: int, data: bytes) -> bytes:
    """What of ``data`` the pipe had no room for."""
    while data:
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            break
        except OSError:  # the caller is gone: nobody to answer
            return b""
        data = data[written:]
    return data
