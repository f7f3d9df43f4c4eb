from __future__ import annotations

import pytest

from lucid_hooks.base_images import base_image, stdlib_left_out


@pytest.mark.parametrize(
    ("reference", "left_out"),
    [
        (
            "gcr.io/distroless/python3-debian12:nonroot",
            {"tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "_gdbm", "dbm.gnu"}
            | {"ensurepip", "lib2to3"},
        ),
        (
            "gcr.io/distroless/python3-debian13",
            {"tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "_gdbm", "dbm.gnu"},
        ),
        ("python:3.12-slim", set()),
        ("gcr.io/distroless/static-debian12", set()),
        ("example.com/team/python-base:1", set()),
    ],
)
def test_the_standard_library_a_distroless_python_image_leaves_out(
    reference: str, left_out: set[str]
) -> None:
    found = stdlib_left_out(base_image(reference))
    assert set(found) == left_out
    assert all(package for package in found.values())
