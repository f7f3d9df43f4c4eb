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

    assert pysource.skeleton(source) == (b"x=(1+\n2)\ny=3+4\n", b"x=(1+\n2)\ny=3+4\n", True)


def test_skeleton_reads_strings_and_comments_as_tokenize_does() -> None:
    source = b'COLOR = "#fff"  # white\nQUOTE = "it\'s"  # a \'quote\' in a comment\n'

    code, lines, _ = pysource.skeleton(source)

    assert lines == b'COLOR="#fff"\nQUOTE="it\'s"\n'
    assert code == b"COLOR=\nQUOTE=\n"


DOCUMENTED = b'''"""File: /app/one.py"""
import os


class Recorder:
    # the recorder
    r"""Records frames. # not a comment"""

    def record(self, frame):  # one frame
        \'\'\'Record one.

        Returns the count.
        \'\'\'
        label = (
            "kept: not a docstring"
        )
        return len(frame) + len(label)
'''


def test_skeleton_lines_leave_out_docstrings_only() -> None:
    code, lines, _ = pysource.skeleton(DOCUMENTED)

    assert b"File" not in lines
    assert b"Records" not in lines
    assert b"Record" not in lines.replace(b"classRecorder", b"")
    assert b'"kept:notadocstring"' in lines.split(b"\n")
    assert b'"' not in code and b"r\n" not in code


BARE = b"""import os


class Recorder:
    def record(self, frame):
        label = ("kept: not a docstring")
        return len(frame) + len(label)
"""


def test_docstrings_change_neither_the_key_nor_the_code_form() -> None:
    documented, bare = pysource.skeleton(DOCUMENTED), pysource.skeleton(BARE)
    with_docs, without = pysource.token_analysis(DOCUMENTED), pysource.token_analysis(BARE)

    assert documented.code.replace(b"\n", b"") == bare.code.replace(b"\n", b"")
    assert with_docs.code == without.code
    assert with_docs.full != without.full


def test_token_analysis_ignores_comments_and_indentation_width() -> None:
    two_spaces = b"def f():\n  return 1  # one\n"
    four_spaces = b"# header\ndef f():\n\n    return 1\n"

    assert pysource.token_analysis(two_spaces) == pysource.token_analysis(four_spaces)


@pytest.mark.parametrize(
    ("source", "counts"),
    [
        (b'"""Only a docstring."""\n', False),
        (b'from .a import b\n__all__ = ["b"]\n', False),
        (b'"""Re-exports."""\nimport os\nfrom .a import b\n__all__ = ["b", "os"]\n', False),
        (b"try:\n    import ujson as json\nexcept ImportError:\n    import json\n", False),
        (MODULE, True),
        (b"import os\nPATH = os.sep\n", True),
    ],
)
def test_token_analysis_says_whether_code_counts(source: bytes, counts: bool) -> None:
    assert pysource.token_analysis(source).counts is counts


DOCSTRING_TEXT = st.text(st.sampled_from(list("ab #'\\\"\n")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.lists(DOCSTRING_TEXT, min_size=3, max_size=3), st.booleans())
def test_no_docstring_makes_the_key_miss_a_copy(texts: list[str], raw: bool) -> None:
    """Whatever the docstrings say, a copy that tokenize finds equal apart
    from them has the same key: the key never hides a duplicate."""
    prefix = "r" if raw else ""
    quoted = [prefix + repr(text).replace("\\n", "\\\\n") for text in texts]
    source = (
        f"{quoted[0]}\nimport os\n\n\nclass A:\n    {quoted[1]}\n\n"
        f"    def f(self):  # c\n        {quoted[2]}\n        return os.sep\n"
    ).encode()
    plain = b"import os\nclass A:\n    def f(self):\n        return os.sep\n"
    if pysource.token_analysis(source).kind != "tokens":
        return  # not Python: compared by its lines, never by this key
    assert pysource.token_analysis(source).code == pysource.token_analysis(plain).code
    flat = pysource.skeleton(source).code.replace(b"\n", b"")
    assert flat == pysource.skeleton(plain).code.replace(b"\n", b"")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_normalising_arbitrary_bytes_never_raises(data: bytes) -> None:
    code, lines, _ = pysource.skeleton(data)
    form = pysource.token_analysis(data)
    assert isinstance(code, bytes) and isinstance(lines, bytes)
    assert form.kind in ("tokens", "lines")
    assert isinstance(form.counts, bool)


def flat_key(source: bytes) -> bytes:
    return pysource.skeleton(source).code.replace(b"\n", b"")


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_continued_string_keeps_the_lexer_in_step(end: str) -> None:
    """A backslash at the end of a line in a string, before LF or CRLF: the
    quotes of the comment after it must not be read as a string."""
    line = 'GREETING = "Hello, \\' + end + 'world"  # shown on the "{}" page' + end
    first, second = (line.format(word).encode() for word in ("home", "start"))

    assert pysource.token_analysis(first).code == pysource.token_analysis(second).code
    assert flat_key(first) == flat_key(second) == b"GREETING="


def test_an_f_string_nesting_its_quotes_is_not_read_by_the_skeleton() -> None:
    # Python 3.12 (PEP 701) reads this as one f-string; a regular expression cannot.
    assert pysource.skeleton(b'y = f"{d["\'"]}"  # it\'s\n').exact is False
    assert pysource.skeleton(b'y = f"{{literal}}" + f"{x}"  # it\'s\n').exact is True
    assert pysource.skeleton(b'y = "{" + r"{"\n').exact is True


COMMENT_TEXT = st.text(st.sampled_from(list("ab #'\"\\")), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(COMMENT_TEXT, min_size=3, max_size=3), st.sampled_from(["\n", "\r\n"]))
def test_no_comment_makes_the_key_miss_a_copy(comments: list[str], end: str) -> None:
    """Comments with quotes, in LF or CRLF files, after strings of every kind."""
    body = [
        'A = "x#y"',
        "B = 'it' + r'\\d'",
        'C = f"{A!r}" + """multi',
        'line"""',
        'D = "cont\\',
        'inued"',
    ]
    plain = end.join(body) + end
    commented = (
        end.join(
            line + (f"  # {comments[index % 3]}" if index not in (2, 4) else "")
            for index, line in enumerate(body)
        )
        + end
    )
    assert (
        pysource.token_analysis(plain.encode()).code
        == pysource.token_analysis(commented.encode()).code
    )
    assert flat_key(plain.encode()) == flat_key(commented.encode())
