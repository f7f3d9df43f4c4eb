"""`lucid-hooks report` beside `lucid-hooks check` (every hook once) on one
generated monorepo of about 1,300 files.

    python benchmarks/report.py [--services 32] [--runs 5]

The tree is the entry-point benchmark's (`entry_points.write_tree`: services
with Dockerfiles, packages, shared libraries, third-party requirements).
Times, in the same run, the fastest of ``--runs``: `lucid-hooks check` and
`lucid-hooks report` (Markdown, then JSON) from an empty disk cache (cold)
and with it warm, and prints each report's time over check's. The commands
are the console script beside this interpreter (`pip install .`, not `-e`,
to time what users get).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

# The entry-point benchmark's tree and timing (this folder is on sys.path).
from entry_points import Timed, fastest, write_tree

BIN = Path(sys.executable).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=32)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as tmp:
        root = Path(tmp) / "tree"
        root.mkdir()
        files = write_tree(root, args.services)
        cold, warm = Path(tmp) / "cold", Path(tmp) / "warm"
        lucid, out = str(BIN / "lucid-hooks"), Path(tmp)
        commands = {
            "check": [lucid, "check"],
            "report (markdown)": [lucid, "report", "--output", str(out / "r.md")],
            "report (json)": [lucid, "report", "--format", "json", "-o", str(out / "r.json")],
        }
        rows = []
        for label, command in commands.items():
            for cache, fresh in ((cold, cold), (warm, None)):
                env = {**os.environ, "LUCID_HOOKS_CACHE_DIR": str(cache)}
                env.pop("PYTHONDONTWRITEBYTECODE", None)
                kind = "cold" if fresh else "warm"
                rows.append(Timed(f"{label}, {kind}", [command], root, env, fresh))
        best = fastest(rows, args.runs)
    print(f"{files} files, {args.services} services; fastest of {args.runs} (2 cores)")
    base = {"cold": best[0], "warm": best[1]}
    for row, seconds in zip(rows, best):
        kind = row.label.rsplit(" ", 1)[1]
        print(f"{row.label:28} {seconds * 1000:7.0f} ms  {seconds / base[kind]:4.2f}x check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
