from __future__ import annotations

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lucid_hooks.shell_words import split_words
from tests.conftest import assert_time_bounded

SHELL_TEXT = st.text(alphabet="ab =$'\"\\#;&|()<>\t\n", max_size=24)


def shlex_words(text: str, *, comments: bool, operators: bool) -> list[str] | str:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=operators)
    lexer.whitespace_split = True
    if not comments:
        lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        return "error"


def our_words(text: str, *, comments: bool, operators: bool) -> list[str] | str:
    try:
        return split_words(text, comments=comments, operators=operators)
    except ValueError:
        return "error"


@settings(max_examples=400, deadline=None)
@given(text=SHELL_TEXT, comments=st.booleans(), operators=st.booleans())
def test_words_agree_with_shlex(text: str, comments: bool, operators: bool) -> None:
    # shlex ends a word at `#` too, where a shell keeps it (`pkg#egg=x`): its
    # comments are compared below.
    comments = comments and "#" not in text
    expected = shlex_words(text, comments=comments, operators=operators)
    assert our_words(text, comments=comments, operators=operators) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pip install -r requirements.txt", ["pip", "install", "-r", "requirements.txt"]),
        ('a \'b c\' "d \\" e" f\\ g', ["a", "b c", 'd " e', "f g"]),
        ("cd /app&&python -m x # run", ["cd", "/app", "&&", "python", "-m", "x"]),
        ("''", [""]),
    ],
)
def test_words(text: str, words: list[str]) -> None:
    assert split_words(text, operators=True) == words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a # b c", ["a"]),
        ("#a\nb", ["b"]),
        ("a#b c", ["a#b", "c"]),
        ("git+https://x/y.git#egg=y 'a#b' #c", ["git+https://x/y.git#egg=y", "a#b"]),
        ("a;#b", ["a", ";"]),
    ],
)
def test_a_comment_starts_with_a_word(text: str, words: list[str]) -> None:
    assert split_words(text, operators=True) == words


@pytest.mark.parametrize("text", ["a 'b", 'a "b', "a \\"])
def test_an_open_quote_or_escape_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match="No"):
        split_words(text)


@pytest.mark.parametrize("piece", ["x", "'x'", '"x"', "\\x", "x;"])
def test_a_long_word_takes_linear_time(piece: str) -> None:
    small, large = "echo " + piece * 5_000, "echo " + piece * 50_000
    assert_time_bounded(
        lambda: split_words(small, operators=True),
        lambda: split_words(large, operators=True),
        25,
        0.01,
    )
