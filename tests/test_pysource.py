from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks import pysource

MODULE = b"def f() -> int:\n    return 1\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"#!/usr/bin/env python3\nprint(1)\n", True),
        (b"\xef\xbb\xbf#!/usr/bin/env python3\n", True),
        (b"# /// script\n# dependencies = []\n# ///\nimport os\n", True),
        (b"import os\n\n# /// script\n# ///\n", True),
        (b"# /// script\n# never closed\n", False),
        (b"# /// pyproject\n# ///\n", False),
        (MODULE, False),
        (b"", False),
        (b" #!/not/at/the/start\n", False),
    ],
)
def test_is_script_source(source: bytes, expected: bool) -> None:
    assert pysource.is_script_source(source) is expected


def test_skeleton_drops_blanks_comments_and_continuations() -> None:
    source = b"x = (1 +  # one\n     2)\ny = 3 \\\n  + 4\n"

    assert pysource.skeleton(source) == b"x=(1+\n2)\ny=3+4\n"


def test_token_analysis_ignores_comments_and_indentation_width() -> None:
    two_spaces = b"def f():\n  return 1  # one\n"
    four_spaces = b"# header\ndef f():\n\n    return 1\n"

    assert pysource.token_analysis(two_spaces, is_init=False) == pysource.token_analysis(
        four_spaces, is_init=False
    )


@pytest.mark.parametrize(
    ("source", "is_init", "counts"),
    [
        (b'"""Only a docstring."""\n', False, False),
        (b'from .a import b\n__all__ = ["b"]\n', True, False),
        (b'from .a import b\n__all__ = ["b"]\n', False, True),
        (MODULE, True, True),
    ],
)
def test_token_analysis_says_whether_code_counts(
    source: bytes, is_init: bool, counts: bool
) -> None:
    assert pysource.token_analysis(source, is_init=is_init)[1] is counts


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.booleans())
def test_normalising_arbitrary_bytes_never_raises(data: bytes, is_init: bool) -> None:
    pysource.skeleton(data)
    form, counts = pysource.token_analysis(data, is_init=is_init)
    assert form
    assert isinstance(counts, bool)
