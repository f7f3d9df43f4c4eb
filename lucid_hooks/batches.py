"""One pre-commit run of a hook, seen from its batches: each line prints once.

pre-commit splits a hook's files into batches of at most 128 KiB of
arguments (prek: of the system's limit) and runs them one after another,
each a new process started directly by the runner. What a hook says about
the repository rather than about one file (check-cache-artifacts' LH302 and
its `git rm --cached` command, a folder that check-init-files reaches from
files of two batches) is said by every batch that holds one of its files.

So a batch prints only the lines that no earlier batch of the same run
printed. The run is the runner's process: its pid, its start time and the
boot it belongs to (a pid alone is reused). The digests of the lines printed
so far are one entry of the disk cache per repository, hook and folder,
replaced by each run (so old runs leave nothing behind).

The ledger is kept only where it cannot hide anything from a person: under
pre-commit or prek (both set ``PRE_COMMIT=1`` for their hooks), where the
runner's identity can be read (Linux's ``/proc``), with the cache on, and
for a process run as the hook (the runner leaves a caller of ``main(argv)``
out). Running a hook twice from a shell prints everything twice.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from lucid_hooks.cache import content_key

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from lucid_hooks.cache import Cache

NAMESPACE = "printed-lines"
# Set by pre-commit (`commands/run.py`) and by prek for every hook they run.
RUNNER_ENV = "PRE_COMMIT"
# 8 bytes: a false "already printed" becomes likely near 2**32 lines in one run.
DIGEST_SIZE = 8
# A process's start time, in clock ticks since boot, is field 22 of its stat line.
_START_FIELD = 22
_BOOT_ID = "/proc/sys/kernel/random/boot_id"


class Run(NamedTuple):
    """Which run of which hook a batch belongs to."""

    runner: str  # the runner process: boot, pid, start time
    variant: str  # the hook's options and output format (one hook listed twice differs)


def current_run(variant: str, environ: Mapping[str, str] | None = None) -> Run | None:
    """The run this process is a batch of; None outside pre-commit or prek,
    or where the runner's identity cannot be read."""
    if not (os.environ if environ is None else environ).get(RUNNER_ENV):
        return None
    runner = parent_process()
    return None if runner is None else Run(runner, variant)


def parent_process() -> str | None:
    """The parent process as no other process ever is: the boot, its pid and
    its start time; None where ``/proc`` does not say (not Linux)."""
    pid = os.getppid()
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            start = start_time(file.read())
    except OSError:
        return None
    if start is None:
        return None
    try:
        with open(_BOOT_ID, "rb") as file:
            boot = file.read().strip().decode("ascii", "replace")
    except OSError:
        boot = ""  # the start time still tells the runs of one boot apart
    return f"{boot}:{pid}:{start}"


def start_time(stat: bytes) -> str | None:
    """Field 22 of a ``/proc/PID/stat`` line; None if the line is malformed.

    Field 2 is the command name in parentheses, which may itself hold
    spaces and parentheses: the fields after it start after the last ``)``.
    """
    _, paren, rest = stat.rpartition(b")")
    fields = rest.split()
    index = _START_FIELD - 3  # fields 1 and 2 are before the `)`
    if not paren or len(fields) <= index or not fields[index].isdigit():
        return None
    return fields[index].decode("ascii")


class Ledger:
    """The lines the earlier batches of a run printed, for one hook in one
    repository folder; `unprinted` filters, `record` remembers."""

    __slots__ = ("_cache", "_earlier", "_key", "_run", "_shown")

    def __init__(self, cache: Cache, scope: Sequence[str], run: Run | None) -> None:
        self._cache = cache
        self._key = content_key(NAMESPACE, *scope)
        self._run = run if cache.enabled else None
        self._earlier: frozenset[bytes] | None = None
        self._shown: set[bytes] = set()

    def unprinted(self, text: str) -> str:
        """``text`` without the lines an earlier batch of the run printed
        (all of it when there is no run to belong to)."""
        if self._run is None or not text:
            return text
        earlier = self._read()
        kept = []
        for line in _lines(text):
            digest = line_digest(line)
            self._shown.add(digest)
            if digest not in earlier:
                kept.append(line)
        return "".join(kept)

    def record(self) -> None:
        """Remember the lines given to `unprinted` (after they were printed:
        a batch that dies in between prints a line twice, never loses one)."""
        if self._run is None or self._earlier is None or self._shown <= self._earlier:
            return
        # One entry per hook and folder, replaced: the cache module writes it
        # atomically, so a reader sees the old ledger or the new, never a part.
        # (Concurrent batches, which a require_serial hook never has, could
        # each miss the other's lines and print one twice; no worse.)
        printed = frozenset(self._earlier | self._shown)
        self._cache.put(NAMESPACE, self._key, (tuple(self._run), printed))

    def _read(self) -> frozenset[bytes]:
        if self._earlier is None:
            stored = self._cache.get(NAMESPACE, self._key, tuple)
            self._earlier = _printed_by(stored, self._run)
        return self._earlier


def _printed_by(stored: tuple[object, ...] | None, run: Run | None) -> frozenset[bytes]:
    """The digests in a ledger entry if it is this run's; another run's
    entry (or something else) counts as nothing printed yet."""
    if stored is None or len(stored) != 2 or run is None:
        return frozenset()
    owner, printed = stored
    if owner != tuple(run) or not isinstance(printed, frozenset):
        return frozenset()
    return printed


def line_digest(line: str) -> bytes:
    return content_key(line)[:DIGEST_SIZE]


def _lines(text: str) -> list[str]:
    """The lines of printed text, each with its newline; split at ``\\n``
    only, as a terminal shows them (`str.splitlines` also splits at form
    feeds and other separators a message may hold)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines
