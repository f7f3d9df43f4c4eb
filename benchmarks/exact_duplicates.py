"""The naive baseline of check-duplicate-modules: identical tracked .py files.

    python benchmarks/exact_duplicates.py   (in a git repository)

Hashes every tracked ``.py`` file's bytes (SHA-1, as git does) and prints each
group of two or more identical non-empty files; exits 1 when there is one.
What a user would write in ten lines instead of installing the hook: it finds
copies byte for byte, no near copies, and keeps no cache.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import defaultdict


def main() -> int:
    listed = subprocess.run(
        ("git", "ls-files", "-z", "--", "*.py"), capture_output=True, check=True
    ).stdout
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for path in listed.decode().split("\0"):
        if not path:
            continue
        with open(path, "rb") as file:
            data = file.read()
        if data.strip():  # every empty __init__.py is the same: not a copy
            groups[hashlib.sha1(data).hexdigest()].append(path)
    found = [paths for paths in groups.values() if len(paths) > 1]
    for paths in found:
        print("identical: " + " ".join(paths))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
