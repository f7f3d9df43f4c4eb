from __future__ import annotations

import sys

from lucid_hooks.cli import main

if __name__ == "__main__":
    sys.exit(main())
